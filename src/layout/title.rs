//! The title block of the first page, in the manner of a Chinese official
//! briefing: classification, a large red title, subtitle, organisation
//! and date, and a double red rule.

use super::blocks::Builder;
use super::flow::Elem;
use super::tree::Tree;
use crate::compose::Document;
use crate::error::Result;
use crate::frame::{FontKind, Item, Role, Tag};
use crate::style::*;
use crate::text::{Align, ParaStyle};

impl Builder<'_> {
    /// The title block.
    pub(crate) fn title_block(&self, doc: &Document, tree: &mut Tree) -> Result<Vec<Elem>> {
        let f = self.frame;
        let block = tree.add(Role::TitleBlock, None);
        let mut items = Vec::new();
        let mut y = 0.0;
        if let Some(c) = &doc.classification {
            let node = Tag::Node(tree.add(Role::Paragraph, Some(block)));
            let font = FontKind::SansBold;
            let mut r = self.run_at(
                c,
                font,
                self.body(),
                ACCENT,
                (0.0, y + self.body() * EM_ASCENT),
                node,
            )?;
            r.x = f.left + f.width - r.width();
            items.push(Item::Text(r));
            y += self.body() * 1.6;
        }
        let style = ParaStyle {
            font: FontKind::SansBold,
            size: 22.0,
            color: ACCENT,
            align: Align::Center,
            indent_em: 0.0,
        };
        y += 6.0;
        let title = Tag::Node(tree.add(Role::Title, Some(block)));
        y = self.stack(&mut items, &doc.title, &style, y, 1.35, title)?;
        if let Some(sub) = &doc.subtitle {
            let style = ParaStyle {
                font: FontKind::Sans,
                size: self.body() * 1.15,
                color: INK,
                align: Align::Center,
                indent_em: 0.0,
            };
            y += 2.0;
            let node = Tag::Node(tree.add(Role::Paragraph, Some(block)));
            y = self.stack(&mut items, sub, &style, y, 1.5, node)?;
        }
        y += 10.0;
        let size = self.body();
        let base = y + size * EM_ASCENT;
        let org = Tag::Node(tree.add(Role::Paragraph, Some(block)));
        let org = self.run_at(
            &doc.organisation,
            FontKind::Sans,
            size,
            INK,
            (f.left, base),
            org,
        )?;
        let date = Tag::Node(tree.add(Role::Paragraph, Some(block)));
        let mut date = self.run_at(&doc.date_text, FontKind::Sans, size, INK, (0.0, base), date)?;
        date.x = f.left + f.width - date.width();
        items.push(Item::Text(org));
        items.push(Item::Text(date));
        y += size * 1.5;
        items.push(Item::rule(f.left, y, f.left + f.width, y, 1.6, ACCENT));
        items.push(Item::rule(
            f.left,
            y + 2.6,
            f.left + f.width,
            y + 2.6,
            0.5,
            ACCENT,
        ));
        y += 2.6 + self.pitch() * 0.6;
        Ok(vec![Elem {
            height: y,
            items,
            ..Elem::default()
        }])
    }
}
