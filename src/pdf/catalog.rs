//! The document-level objects: catalogue with `/Lang`, page labels and
//! viewer preferences, document information, a nested outline pointing at
//! each heading's position, link annotations, and a reproducible `/ID`;
//! for a file that meets PDF/A-2 and PDF/UA-1, also the structure tree,
//! the XMP packet and the output intent.

use super::tags::{self, Annotation};
use super::xmp::{self, Described};
use super::{PdfOptions, intent, text};
use crate::error::{Error, Kind, Result};
use crate::frame::{Anchor, Meta, NodeId, Role, Structure};
use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document as Lo, Object, ObjectId, StringFormat};

/// What the catalogue needs of a page once its content is written: the
/// page's items are dropped by then.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageMark {
    /// Height in points (PDF's y runs upwards).
    pub(crate) height: f32,
    /// Link targets on the page.
    pub(crate) anchors: Vec<Anchor>,
    /// Clickable areas.
    pub(crate) links: Vec<LinkMark>,
    /// A body page (arabic page number).
    pub(crate) numbered: bool,
}

/// A clickable area of a page.
#[derive(Debug, Clone)]
pub(crate) struct LinkMark {
    /// Where it is (x, y, w, h), from the page's top left.
    pub(crate) rect: (f32, f32, f32, f32),
    /// The anchor it jumps to.
    pub(crate) target: String,
    /// The link element it belongs to.
    pub(crate) node: Option<NodeId>,
}

fn pdf_date(t: DateTime<Utc>) -> Object {
    Object::String(
        t.format("D:%Y%m%d%H%M%S+00'00'").to_string().into_bytes(),
        StringFormat::Literal,
    )
}

/// Completes the catalogue, info and trailer of `lo`. `id` is the file
/// identifier: a digest of what the document says, so equal inputs give
/// equal files and different briefings different IDs. With
/// `opts.standards`, the file is made what PDF/A-2a and PDF/UA-1 ask:
/// tagged by `structure` (whose marked content `mcids` lists, page by
/// page), described in XMP, with an output intent.
pub(crate) fn finish(
    lo: &mut Lo,
    doc: &Meta,
    pages: &[PageMark],
    structure: &Structure,
    mcids: &[Vec<NodeId>],
    id: [u8; 16],
    opts: &PdfOptions,
) -> Result<()> {
    let described = describe(doc, opts)?;
    let info = info(&described);
    let info_id = lo.add_object(info);
    lo.trailer.set("Info", Object::Reference(info_id));

    let page_ids: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    let outline = outline(lo, pages, &page_ids);
    let annots = links(lo, pages, &page_ids, structure)?;
    let standards = if opts.standards {
        lo.version = "1.7".into();
        let tree = tags::write(lo, structure, mcids, &page_ids, &annots)?;
        let mut meta = Dictionary::new();
        meta.set("Type", Object::Name(b"Metadata".to_vec()));
        meta.set("Subtype", Object::Name(b"XML".to_vec()));
        // Not deflated: archives and search tools find the packet by
        // scanning the file's bytes.
        let packet = lopdf::Stream::new(meta, xmp::packet(&described, &id));
        let metadata = lo.add_object(packet);
        let intents = intent::output_intents(lo);
        Some((tree, metadata, intents))
    } else {
        None
    };

    let root = catalogue(lo)?;
    root.set(
        "Lang",
        Object::String(doc.language.clone().into_bytes(), StringFormat::Literal),
    );
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", true);
    root.set("ViewerPreferences", prefs);
    if let Some(labels) = page_labels(pages) {
        root.set("PageLabels", labels);
    }
    if let Some(o) = outline {
        root.set("Outlines", Object::Reference(o));
        root.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
    if let Some((tree, metadata, intents)) = standards {
        let mut mark = Dictionary::new();
        mark.set("Marked", true);
        root.set("MarkInfo", mark);
        root.set("StructTreeRoot", Object::Reference(tree));
        root.set("Metadata", Object::Reference(metadata));
        root.set("OutputIntents", intents);
    }

    let id = id.to_vec();
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    Ok(())
}

/// What the information dictionary and the XMP packet say.
fn describe(doc: &Meta, opts: &PdfOptions) -> Result<Described> {
    let when = match opts.epoch {
        Some(s) => DateTime::<Utc>::from_timestamp(s, 0).ok_or_else(|| {
            Error::new(
                Kind::Usage,
                format!("SOURCE_DATE_EPOCH {s} is out of range"),
            )
        })?,
        None => Utc::now(),
    };
    Ok(Described {
        title: doc.title.clone(),
        author: doc.author.clone(),
        subject: doc.subject.clone(),
        keywords: doc.keywords.join("；"),
        creator: format!("{}（{}）", doc.organisation, "briefing"),
        producer: opts.producer.clone(),
        when,
        language: doc.language.clone(),
    })
}

/// The document information dictionary.
fn info(d: &Described) -> Dictionary {
    let mut info = Dictionary::new();
    info.set("Title", text(&d.title));
    info.set("Author", text(&d.author));
    info.set("Subject", text(&d.subject));
    info.set("Keywords", text(&d.keywords));
    info.set("Creator", text(&d.creator));
    info.set("Producer", text(&d.producer));
    info.set("CreationDate", pdf_date(d.when));
    info.set("ModDate", pdf_date(d.when));
    info
}

/// The catalogue, to complete.
fn catalogue(lo: &mut Lo) -> Result<&mut Dictionary> {
    let root_id = lo
        .trailer
        .get(b"Root")
        .and_then(|o| o.as_reference())
        .map_err(|e| Error::new(Kind::Software, format!("PDF has no catalogue: {e}")))?;
    lo.get_object_mut(root_id)
        .and_then(|o| o.as_dict_mut())
        .map_err(|e| Error::new(Kind::Software, format!("PDF catalogue unreadable: {e}")))
}

/// Page labels: the cover and contents count i, ii, …; the body 1, 2, …,
/// matching the printed page numbers and the contents list.
fn page_labels(pages: &[PageMark]) -> Option<Dictionary> {
    let front = pages.iter().take_while(|p| !p.numbered).count();
    if front == 0 || front >= pages.len() {
        return None;
    }
    let mut roman = Dictionary::new();
    roman.set("S", Object::Name(b"r".to_vec()));
    let mut arabic = Dictionary::new();
    arabic.set("S", Object::Name(b"D".to_vec()));
    let mut labels = Dictionary::new();
    labels.set(
        "Nums",
        Object::Array(vec![
            0.into(),
            Object::Dictionary(roman),
            (front as i64).into(),
            Object::Dictionary(arabic),
        ]),
    );
    Some(labels)
}

/// A destination at the anchor's top edge.
fn dest(page: ObjectId, y_top: f32, page_h: f32) -> Object {
    Object::Array(vec![
        Object::Reference(page),
        Object::Name(b"XYZ".to_vec()),
        Object::Null,
        Object::Real(page_h - y_top + 4.0),
        Object::Null,
    ])
}

/// Builds the nested outline from level-1 and level-2 anchors.
fn outline(lo: &mut Lo, pages: &[PageMark], page_ids: &[ObjectId]) -> Option<ObjectId> {
    // (level, title, dest)
    let mut entries = Vec::new();
    for (pi, p) in pages.iter().enumerate() {
        for a in &p.anchors {
            if a.level >= 1 {
                entries.push((a.level, a.title.clone(), dest(page_ids[pi], a.y, p.height)));
            }
        }
    }
    if entries.is_empty() {
        return None;
    }
    let root = lo.new_object_id();
    // Children of the root are the level-1 entries; each level-2 entry is a
    // child of the level-1 entry before it.
    let ids: Vec<ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    let mut parent = vec![root; entries.len()];
    let mut last_top = None;
    for (i, e) in entries.iter().enumerate() {
        if e.0 == 1 {
            last_top = Some(i);
        } else if let Some(t) = last_top {
            parent[i] = ids[t];
        }
    }
    let children =
        |p: ObjectId| -> Vec<usize> { (0..entries.len()).filter(|&i| parent[i] == p).collect() };
    let mut dicts: Vec<Dictionary> = entries
        .iter()
        .enumerate()
        .map(|(i, (_, title, d))| {
            let mut dct = Dictionary::new();
            dct.set("Title", text(title));
            dct.set("Parent", Object::Reference(parent[i]));
            dct.set("Dest", d.clone());
            dct
        })
        .collect();
    let link_siblings = |kids: &[usize], dicts: &mut Vec<Dictionary>| {
        for (k, &i) in kids.iter().enumerate() {
            if k > 0 {
                dicts[i].set("Prev", Object::Reference(ids[kids[k - 1]]));
            }
            if k + 1 < kids.len() {
                dicts[i].set("Next", Object::Reference(ids[kids[k + 1]]));
            }
        }
    };
    let top = children(root);
    link_siblings(&top, &mut dicts);
    for &t in &top {
        let kids = children(ids[t]);
        if !kids.is_empty() {
            link_siblings(&kids, &mut dicts);
            dicts[t].set("First", Object::Reference(ids[kids[0]]));
            dicts[t].set("Last", Object::Reference(ids[*kids.last().unwrap()]));
            // Open level 1 shows the subsections in the sidebar.
            dicts[t].set("Count", kids.len() as i64);
        }
    }
    for (i, d) in dicts.into_iter().enumerate() {
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"Outlines".to_vec()));
    r.set("First", Object::Reference(ids[top[0]]));
    r.set("Last", Object::Reference(ids[*top.last().unwrap()]));
    r.set("Count", entries.len() as i64);
    lo.objects.insert(root, Object::Dictionary(r));
    Some(root)
}

/// Adds link annotations for the pages' links, pointing at their anchors:
/// printable (PDF/A), each with the description its link element gives
/// (for readers that announce links), and pages with links ordered for
/// the keyboard by their structure (PDF/UA). Returns them, for the
/// structure tree.
fn links(
    lo: &mut Lo,
    pages: &[PageMark],
    page_ids: &[ObjectId],
    structure: &Structure,
) -> Result<Vec<Annotation>> {
    let mut targets = std::collections::HashMap::new();
    for (pi, p) in pages.iter().enumerate() {
        for a in &p.anchors {
            targets.insert(a.id.clone(), dest(page_ids[pi], a.y, p.height));
        }
    }
    let mut written = Vec::new();
    for (pi, p) in pages.iter().enumerate() {
        let mut annots = Vec::new();
        for link in &p.links {
            let Some(d) = targets.get(&link.target) else {
                continue;
            };
            let (x, y, w, h) = link.rect;
            let mut a = Dictionary::new();
            a.set("Type", Object::Name(b"Annot".to_vec()));
            a.set("Subtype", Object::Name(b"Link".to_vec()));
            a.set(
                "Rect",
                Object::Array(vec![
                    Object::Real(x),
                    Object::Real(p.height - y - h),
                    Object::Real(x + w),
                    Object::Real(p.height - y),
                ]),
            );
            a.set("Border", Object::Array(vec![0.into(), 0.into(), 0.into()]));
            // Print.
            a.set("F", 4);
            if let Some(Role::Link { description, .. }) = link.node.map(|n| &structure.node(n).role)
            {
                a.set("Contents", text(description));
            }
            a.set("Dest", d.clone());
            let object = lo.add_object(a);
            annots.push(Object::Reference(object));
            written.push(Annotation {
                page: pi,
                object,
                node: link.node,
            });
        }
        if !annots.is_empty() {
            let page = lo
                .get_object_mut(page_ids[pi])
                .and_then(|o| o.as_dict_mut())
                .map_err(|e| Error::new(Kind::Software, format!("PDF page unreadable: {e}")))?;
            page.set("Annots", Object::Array(annots));
            page.set("Tabs", Object::Name(b"S".to_vec()));
        }
    }
    Ok(written)
}
