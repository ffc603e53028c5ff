//! One pass over the pages for what the document needs as a whole: the
//! glyphs each face needs (in each width variant) with the characters
//! each stands for, the opacities paths use, the text the file identifier
//! digests, and each page's links and anchors.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::catalog::{LinkMark, PageMark};
use super::content::{self, Coded, GlyphMap, Remaps};
use super::{PdfOptions, copy_advance, fonts};
use crate::frame::{FontKind, Item, Meta, Page, Tag};
use crate::text::fonts::FontSet;

/// What the pages use.
pub(super) struct Scan {
    /// Each face's glyphs (id, width variant), in the order the subsets
    /// number them, with the character each stands for.
    pub(super) used: BTreeMap<FontKind, BTreeMap<(u16, i8), char>>,
    /// Opacities below 1, in thousandths.
    pub(super) alphas: BTreeSet<u32>,
    /// Each page's links and anchors.
    pub(super) marks: Vec<PageMark>,
    /// The file identifier: a digest of what the document says.
    pub(super) id: [u8; 16],
}

/// Scans the pages, taking their anchors.
pub(super) fn scan(doc: &Meta, pages: &mut [Page], opts: &PdfOptions) -> Scan {
    let mut id = Sha256::new();
    id.update(doc.title.as_bytes());
    id.update(doc.date_text.as_bytes());
    id.update(
        opts.epoch
            .unwrap_or_else(|| chrono::Utc::now().timestamp())
            .to_be_bytes(),
    );
    // A hash map while scanning, with thousands of lookups a page; the
    // order the subsets need comes after.
    let mut seen: BTreeMap<FontKind, GlyphMap<char>> = BTreeMap::new();
    let mut alphas: BTreeSet<u32> = BTreeSet::new();
    let mut marks = Vec::with_capacity(pages.len());
    let mut keys = Vec::new();
    let mut text = String::new();
    for p in pages {
        for it in &p.items {
            let a = match it {
                Item::Text(t) => {
                    let face = seen.entry(t.font).or_default();
                    keys.clear();
                    content::glyph_keys(t, &mut keys);
                    text.clear();
                    for (key, g) in keys.iter().zip(&t.glyphs) {
                        text.push(g.ch);
                        if key.0 != 0 {
                            face.entry(*key).or_insert(g.ch);
                        }
                    }
                    id.update(text.as_bytes());
                    1.0
                }
                Item::Path(p) => p.alpha,
                Item::Circle { alpha, .. } => *alpha,
                Item::Link { .. } => 1.0,
            };
            if a < 1.0 {
                alphas.insert((a * 1000.0).round() as u32);
            }
        }
        marks.push(PageMark {
            height: p.height,
            links: p
                .items
                .iter()
                .filter_map(|it| match it {
                    Item::Link { rect, target, tag } => Some(LinkMark {
                        rect: *rect,
                        target: target.clone(),
                        node: match tag {
                            Tag::Node(id) => Some(*id),
                            _ => None,
                        },
                    }),
                    _ => None,
                })
                .collect(),
            anchors: std::mem::take(&mut p.anchors),
            numbered: p.numbered,
        });
    }
    Scan {
        used: seen
            .into_iter()
            .map(|(k, glyphs)| (k, glyphs.into_iter().collect()))
            .collect(),
        alphas,
        marks,
        id: id.finalize()[..16].try_into().expect("16 of 32 bytes"),
    }
}

impl Scan {
    /// Each glyph's code and width as the page operations write them. A
    /// subset numbers its glyphs in the order it is given them, after
    /// .notdef: here, by glyph id and variant, so a glyph's copies sit next
    /// to it in the program (and deflate to little).
    pub(super) fn remaps(&self, fonts: &FontSet) -> Remaps {
        self.used
            .iter()
            .map(|(k, glyphs)| {
                let font = fonts.get(*k);
                let coded = glyphs.keys().enumerate().map(|(i, &(g, v))| {
                    let width = fonts::pdf_width(copy_advance(font, g, v), font.upem);
                    (
                        (g, v),
                        Coded {
                            id: i as u16 + 1,
                            width,
                        },
                    )
                });
                (*k, coded.collect())
            })
            .collect()
    }
}
