//! What printpdf does not write, added to the document it hands over:
//! `/Lang`, full document information, a nested outline pointing at each
//! heading's position, link annotations, and a reproducible `/ID`.

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document as Lo, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};

use super::PdfOptions;
use crate::error::{Error, Kind, Result};
use crate::frame::Meta;
use crate::frame::{Item, Page};

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

/// Completes the catalogue, info and trailer of `lo`.
pub(crate) fn finish(lo: &mut Lo, doc: &Meta, pages: &[Page], opts: &PdfOptions) -> Result<()> {
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
    // printpdf's own Info (dated 1970) is replaced, not left beside ours.
    if let Ok(old) = lo.trailer.get(b"Info").and_then(|o| o.as_reference()) {
        lo.objects.remove(&old);
    }
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

    // The ID is a digest of what the document says, so equal inputs give
    // equal files and different briefings different IDs.
    let mut h = Sha256::new();
    h.update(doc.title.as_bytes());
    h.update(doc.date_text.as_bytes());
    h.update(when.timestamp().to_be_bytes());
    for p in pages {
        for it in &p.items {
            if let Item::Text(t) = it {
                for g in &t.glyphs {
                    h.update(g.text.as_bytes());
                }
            }
        }
    }
    let id = h.finalize()[..16].to_vec();
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
fn outline(lo: &mut Lo, pages: &[Page], page_ids: &[ObjectId]) -> Option<ObjectId> {
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

/// Adds link annotations for `Item::Link`s, pointing at their anchors.
fn links(lo: &mut Lo, pages: &[Page], page_ids: &[ObjectId]) -> Result<()> {
    let mut targets = std::collections::HashMap::new();
    for (pi, p) in pages.iter().enumerate() {
        for a in &p.anchors {
            targets.insert(a.id.clone(), dest(page_ids[pi], a.y, p.height));
        }
    }
    for (pi, p) in pages.iter().enumerate() {
        let mut annots = Vec::new();
        for it in &p.items {
            if let Item::Link { rect, target } = it
                && let Some(d) = targets.get(target)
            {
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

/// Makes font descriptors with identical font programs share one stream:
/// the width variants of a face embed the same subset, which must be
/// stored once to keep the file small.
pub(crate) fn share_font_programs(lo: &mut Lo) {
    // Keyed by length first: equal programs are found by one byte compare,
    // never by hashing hundreds of kilobytes.
    let mut first_by_len: std::collections::HashMap<usize, Vec<ObjectId>> =
        std::collections::HashMap::new();
    let mut repoint: Vec<(ObjectId, Vec<u8>, ObjectId)> = Vec::new();
    let ids: Vec<ObjectId> = lo.objects.keys().copied().collect();
    for id in ids {
        let Ok(dict) = lo.get_dictionary(id) else {
            continue;
        };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        for key in [
            b"FontFile3".as_slice(),
            b"FontFile2".as_slice(),
            b"FontFile".as_slice(),
        ] {
            let Ok(Object::Reference(sid)) = dict.get(key) else {
                continue;
            };
            let Ok(Object::Stream(st)) = lo.get_object(*sid) else {
                continue;
            };
            let same_len = first_by_len.entry(st.content.len()).or_default();
            let twin = same_len.iter().copied().find(|k| {
                *k == *sid
                    || matches!(lo.get_object(*k), Ok(Object::Stream(o)) if o.content == st.content)
            });
            match twin {
                Some(keep) if keep != *sid => repoint.push((id, key.to_vec(), keep)),
                Some(_) => {}
                None => same_len.push(*sid),
            }
        }
    }
    if repoint.is_empty() {
        return;
    }
    for (desc, key, keep) in repoint {
        if let Ok(d) = lo.get_object_mut(desc).and_then(|o| o.as_dict_mut()) {
            d.set(key, Object::Reference(keep));
        }
    }
    lo.prune_objects();
}
