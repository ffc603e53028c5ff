//! The fonts and pages as PDF objects: one Type0 font per face with its
//! subset, one resource dictionary every page shares, the page tree.

use lopdf::{Dictionary, Document as Lo, Object, ObjectId};

use super::content::font_id;
use super::fonts;
use super::jobs::{Content, Cuts};
use super::scan::Scan;
use crate::error::{Error, Kind, Result};
use crate::frame::NodeId;
use crate::text::fonts::FontSet;

/// Adds each face's font and the opacity states, and returns the one
/// resource dictionary every page shares.
pub(super) fn resources(lo: &mut Lo, scan: &Scan, cuts: Cuts, fonts: &FontSet) -> Result<ObjectId> {
    let mut font_dict = Dictionary::new();
    for (kind, cut) in cuts {
        let (sub, program, to_unicode) = cut?;
        if sub.advances.len() <= scan.used[&kind].len() {
            return Err(Error::new(
                Kind::Software,
                format!(
                    "the {} subset lacks glyphs the page operations use",
                    fonts.get(kind).ps_name
                ),
            ));
        }
        let font = fonts::add_face(lo, fonts.get(kind), &sub, program, to_unicode)?;
        font_dict.set(font_id(kind).0, Object::Reference(font));
    }
    // Opacity states, named by value so output is deterministic.
    let mut states = Dictionary::new();
    for a in &scan.alphas {
        let mut gs = Dictionary::new();
        gs.set("Type", Object::Name(b"ExtGState".to_vec()));
        gs.set("ca", Object::Real(*a as f32 / 1000.0));
        gs.set("CA", Object::Real(*a as f32 / 1000.0));
        states.set(format!("GS{a}"), gs);
    }
    let mut resources = Dictionary::new();
    resources.set("Font", font_dict);
    if !scan.alphas.is_empty() {
        resources.set("ExtGState", states);
    }
    Ok(lo.add_object(resources))
}

/// Adds the pages, their contents and the page tree, and the catalogue
/// that roots them; returns each page's marked-content elements.
pub(super) fn pages(lo: &mut Lo, contents: Vec<Content>, resources: ObjectId) -> Vec<Vec<NodeId>> {
    let tree = lo.new_object_id();
    let mut kids = Vec::with_capacity(contents.len());
    let mut marked = Vec::with_capacity(contents.len());
    for (w, h, stream, mcids) in contents {
        marked.push(mcids);
        let content = lo.add_object(stream);
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(tree));
        page.set(
            "MediaBox",
            Object::Array(vec![0.into(), 0.into(), Object::Real(w), Object::Real(h)]),
        );
        page.set("Contents", Object::Reference(content));
        page.set("Resources", Object::Reference(resources));
        kids.push(Object::Reference(lo.add_object(page)));
    }
    let mut tree_dict = Dictionary::new();
    tree_dict.set("Type", Object::Name(b"Pages".to_vec()));
    tree_dict.set("Count", kids.len() as i64);
    tree_dict.set("Kids", Object::Array(kids));
    lo.objects.insert(tree, Object::Dictionary(tree_dict));
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Catalog".to_vec()));
    root.set("Pages", Object::Reference(tree));
    let root = lo.add_object(root);
    lo.trailer.set("Root", Object::Reference(root));
    marked
}
