//! The contents list: one line per heading, dotted leader, page number,
//! and a link to the heading.

use super::blocks::Builder;
use super::flow::Elem;
use super::tree::Tree;
use crate::error::Result;
use crate::frame::FontKind;
use crate::frame::{Artifact, Item, Path, Role, Stroke, Tag};
use crate::style::*;
use crate::text::single_line;

/// One contents line.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Heading level (1 or 2).
    pub(crate) level: u8,
    /// Numbered heading text.
    pub(crate) title: crate::origin::Text,
    /// Anchor of the heading.
    pub(crate) anchor: String,
    /// Page label shown.
    pub(crate) page: String,
}

/// A dotted leader from `from` to `to` at height `y`: a decoration.
fn leader(from: f32, to: f32, y: f32) -> Item {
    Item::Path(Path {
        points: vec![(from, y), (to, y)],
        closed: false,
        fill: None,
        stroke: Some(Stroke {
            color: MUTED,
            width: 0.7,
            dash: vec![0.7, 2.3],
        }),
        alpha: 1.0,
        tag: Tag::Artifact(Artifact::Decoration),
    })
}

/// The contents title and one element per entry.
pub(crate) fn contents(
    b: &Builder,
    entries: &[Entry],
    tree: &mut Tree,
    heading: &str,
) -> Result<Vec<Elem>> {
    let f = b.frame;
    let mut out = Vec::new();
    let tsize = b.body() * H1_SCALE;
    let mut title = single_line(b.fonts, heading, FontKind::SansBold, tsize, INK)?;
    title.x = f.left + (f.width - title.width()) / 2.0;
    title.y = tsize * 1.2;
    let list = tree.add(Role::Contents, None);
    // The list's title is its caption: a reader announces the list by it.
    title.tag = Tag::Node(tree.add(Role::Caption, Some(list)));
    out.push(Elem {
        height: tsize * 2.0,
        space_before: b.pitch() * 0.5,
        items: vec![Item::Text(title)],
        ..Elem::default()
    });
    for e in entries {
        let (font, size, indent, pitch) = match e.level {
            1 => (FontKind::SansBold, b.body(), 0.0, b.body() * 2.0),
            _ => (
                FontKind::Sans,
                b.body() * 0.95,
                b.body() * 2.0,
                b.body() * 1.75,
            ),
        };
        let base = b.baseline(size, pitch);
        let entry = tree.add(Role::ContentsItem, Some(list));
        let link = Tag::Node(tree.add(
            Role::Link {
                target: e.anchor.clone(),
                description: b.words(&crate::compose::wording::contents_description(
                    &e.title, &e.page,
                )),
            },
            Some(entry),
        ));
        let mut t = single_line(b.fonts, &e.title, font, size, INK)?;
        t.tag = link;
        t.x = f.left + indent;
        t.y = base;
        let mut n = single_line(b.fonts, &e.page, FontKind::Sans, size, INK)?;
        n.tag = link;
        n.x = f.left + f.width - n.width();
        n.y = base;
        let (from, to) = (t.x + t.width() + size * 0.6, n.x - size * 0.6);
        let mut items = Vec::new();
        if to > from {
            items.push(leader(from, to, base - size * 0.1));
        }
        items.push(Item::Text(t));
        items.push(Item::Text(n));
        items.push(Item::Link {
            rect: (f.left, 0.0, f.width, pitch),
            target: e.anchor.clone(),
            tag: link,
        });
        out.push(Elem {
            height: pitch,
            space_before: if e.level == 1 { b.body() * 0.3 } else { 0.0 },
            items,
            ..Elem::default()
        });
    }
    Ok(out)
}
