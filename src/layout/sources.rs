//! The numbered sources list, with a hanging number column: a list whose
//! items are what the paragraphs' source marks link to.

use super::blocks::Builder;
use super::flow::Elem;
use super::tree::Tree;
use crate::compose::wording;
use crate::error::Result;
use crate::frame::{Anchor, Artifact, FontKind, Item, Role, Tag};
use crate::origin::Text;
use crate::style::*;
use crate::text::{Align, ParaStyle, layout};

impl Builder<'_> {
    /// The list.
    pub(crate) fn sources(&self, list: &[Text], tree: &mut Tree) -> Result<Vec<Elem>> {
        let f = self.frame;
        let size = self.body() * 0.93;
        let pitch = size * 1.6;
        let hang = size * 2.8;
        let style = ParaStyle {
            font: FontKind::Serif,
            size,
            color: INK,
            align: Align::Justify,
            indent_em: 0.0,
        };
        let list_node = tree.add(Role::List, None);
        let mut out = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let anchor = format!("source-{}", i + 1);
            let item = tree.add(Role::ListItem, Some(list_node));
            tree.anchor(item, &anchor);
            let label = Tag::Node(tree.add(Role::ListLabel, Some(item)));
            let body = Tag::Node(tree.add(Role::ListBody, Some(item)));
            let lines = layout(self.fonts, entry, &style, f.width - hang)?;
            tree.forced(&lines, entry, "a source");
            let n = lines.len();
            let base = self.baseline(size, pitch);
            for (li, l) in lines.into_iter().enumerate() {
                let mut items = Vec::new();
                if li == 0 {
                    let number = wording::source_number(i + 1);
                    let num =
                        self.run_at(&number, FontKind::Serif, size, INK, (f.left, base), label)?;
                    items.push(Item::Text(num));
                }
                let mut run = l.run;
                run.x = f.left + hang;
                run.y = base;
                run.tag = body;
                items.push(Item::Text(run));
                if let Some(mut h) = l.hyphen {
                    h.x = f.left + hang;
                    h.y = base;
                    h.tag = Tag::Artifact(Artifact::Hyphen);
                    items.push(Item::Text(h));
                }
                out.push(Elem {
                    height: pitch,
                    keep_with_prev: li > 0 && n <= 3,
                    items,
                    anchors: if li == 0 {
                        vec![Anchor {
                            id: anchor.clone(),
                            level: 0,
                            title: String::new(),
                            y: 0.0,
                        }]
                    } else {
                        Vec::new()
                    },
                    ..Elem::default()
                });
            }
        }
        Ok(out)
    }
}
