//! The document-level objects: catalogue with `/Lang`, page labels and
//! viewer preferences, document information, a nested outline pointing at
//! each heading's position, link annotations, and a reproducible `/ID`.

use super::PdfOptions;
use crate::error::{Error, Kind, Result};
use crate::frame::{Anchor, Meta};
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
    /// Clickable areas (x, y, w, h) and the anchor each jumps to.
    pub(crate) links: Vec<((f32, f32, f32, f32), String)>,
    /// A body page (arabic page number).
    pub(crate) numbered: bool,
}

/// A PDF text string: UTF-16BE with a byte-order mark, so Chinese survives.
fn text(s: &str) -> Object {
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

fn pdf_date(t: DateTime<Utc>) -> Object {
    Object::String(
        t.format("D:%Y%m%d%H%M%S+00'00'").to_string().into_bytes(),
        StringFormat::Literal,
    )
}

/// Completes the catalogue, info and trailer of `lo`. `id` is the file
/// identifier: a digest of what the document says, so equal inputs give
/// equal files and different briefings different IDs.
pub(crate) fn finish(
    lo: &mut Lo,
    doc: &Meta,
    pages: &[PageMark],
    id: [u8; 16],
    opts: &PdfOptions,
) -> Result<()> {
    let when = match opts.epoch {
        Some(s) => DateTime::<Utc>::from_timestamp(s, 0).ok_or_else(|| {
            Error::new(
                Kind::Usage,
                format!("SOURCE_DATE_EPOCH {s} is out of range"),
            )
        })?,
        None => Utc::now(),
    };
    let mut info = Dictionary::new();
    info.set("Title", text(&doc.title));
    info.set("Author", text(&doc.author));
    info.set("Subject", text(&doc.subject));
    info.set("Keywords", text(&doc.keywords.join("；")));
    info.set(
        "Creator",
        text(&format!("{}（{}）", doc.organisation, "briefing")),
    );
    info.set("Producer", text(&opts.producer));
    info.set("CreationDate", pdf_date(when));
    info.set("ModDate", pdf_date(when));
    let info_id = lo.add_object(info);
    lo.trailer.set("Info", Object::Reference(info_id));

    let page_ids: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    let outline = outline(lo, pages, &page_ids);
    links(lo, pages, &page_ids)?;

    let root_id = lo
        .trailer
        .get(b"Root")
        .and_then(|o| o.as_reference())
        .map_err(|e| Error::new(Kind::Software, format!("PDF has no catalogue: {e}")))?;
    let root = lo
        .get_object_mut(root_id)
        .and_then(|o| o.as_dict_mut())
        .map_err(|e| Error::new(Kind::Software, format!("PDF catalogue unreadable: {e}")))?;
    root.set(
        "Lang",
        Object::String(doc.language.clone().into_bytes(), StringFormat::Literal),
    );
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", true);
    root.set("ViewerPreferences", prefs);
    // Page labels: the cover and contents count i, ii, …; the body 1, 2, …,
    // matching the printed page numbers and the contents list.
    let front = pages.iter().take_while(|p| !p.numbered).count();
    if front > 0 && front < pages.len() {
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
        root.set("PageLabels", labels);
    }
    if let Some(o) = outline {
        root.set("Outlines", Object::Reference(o));
        root.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
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

/// Adds link annotations for the pages' links, pointing at their anchors.
fn links(lo: &mut Lo, pages: &[PageMark], page_ids: &[ObjectId]) -> Result<()> {
    let mut targets = std::collections::HashMap::new();
    for (pi, p) in pages.iter().enumerate() {
        for a in &p.anchors {
            targets.insert(a.id.clone(), dest(page_ids[pi], a.y, p.height));
        }
    }
    for (pi, p) in pages.iter().enumerate() {
        let mut annots = Vec::new();
        for (rect, target) in &p.links {
            if let Some(d) = targets.get(target) {
                let (x, y, w, h) = *rect;
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
                a.set("Dest", d.clone());
                annots.push(Object::Reference(lo.add_object(a)));
            }
        }
        if !annots.is_empty() {
            let page = lo
                .get_object_mut(page_ids[pi])
                .and_then(|o| o.as_dict_mut())
                .map_err(|e| Error::new(Kind::Software, format!("PDF page unreadable: {e}")))?;
            page.set("Annots", Object::Array(annots));
        }
    }
    Ok(())
}
