//! A row of key-figure cards, never split across pages: each card shows a
//! headline figure large, its label, and its period and source small. A
//! reader of the tagged document hears label, figure, then period and
//! source, whatever the drawing order.

use super::blocks::Builder;
use super::flow::Elem;
use super::tree::Tree;
use crate::compose::Card;
use crate::error::Result;
use crate::frame::{FontKind, Item, NodeId, Role, Tag};
use crate::style::*;
use crate::text::{Align, ParaStyle, SetLine, layout};

/// The geometry all cards of a row share.
struct Row {
    /// Card width.
    w: f32,
    /// Card height.
    h: f32,
    /// Inner padding.
    pad: f32,
    /// Figure size.
    vsize: f32,
    /// Unit and qualifier size.
    usize_: f32,
    /// Label size.
    lsize: f32,
    /// Period and source size.
    msize: f32,
}

impl Builder<'_> {
    /// The row of cards.
    pub(crate) fn key_figures(&self, cards: &[Card], tree: &mut Tree) -> Result<Vec<Elem>> {
        let f = self.frame;
        let n = cards.len().max(1) as f32;
        let gap = 8.0;
        let w = (f.width - gap * (n - 1.0)) / n;
        let pad = 7.0;
        let (lsize, msize) = (self.body() * 0.8, self.body() * 0.7);
        let inner = w - 2.0 * pad - 3.0;
        let style = |size, color| ParaStyle {
            font: TABLE_FONT,
            size,
            color,
            align: Align::Left,
            indent_em: 0.0,
        };
        let mut labels = Vec::new();
        let mut metas = Vec::new();
        let (mut label_lines, mut meta_lines) = (1, 1);
        for c in cards {
            let l = layout(self.fonts, &c.label, &style(lsize, INK), inner)?;
            tree.forced(&l, &c.label, "a key figure's label");
            // The period and source wrap rather than run out of the card.
            let m = layout(self.fonts, &c.meta, &style(msize, MUTED), inner)?;
            tree.forced(&m, &c.meta, "a key figure's period");
            label_lines = label_lines.max(l.len());
            meta_lines = meta_lines.max(m.len());
            labels.push(l);
            metas.push(m);
        }
        let vsize = self.body() * 1.55;
        let row = Row {
            w,
            h: pad
                + vsize * 1.15
                + label_lines as f32 * lsize * 1.4
                + msize * 1.6
                + (meta_lines - 1) as f32 * msize * 1.3
                + pad,
            pad,
            vsize,
            usize_: self.body() * 0.8,
            lsize,
            msize,
        };
        let cards_node = tree.add(Role::Cards, None);
        let mut items = Vec::new();
        for (i, ((card, label), meta)) in cards.iter().zip(labels).zip(metas).enumerate() {
            let x = f.left + i as f32 * (w + gap);
            let node = tree.add(Role::Card, Some(cards_node));
            self.card(card, label, meta, x, &row, node, tree, &mut items)?;
        }
        Ok(vec![Elem {
            height: row.h,
            space_before: self.pitch() * 0.4,
            items,
            ..Elem::default()
        }])
    }

    /// One card at `x`, its parts elements of `card_node`.
    #[allow(clippy::too_many_arguments)]
    fn card(
        &self,
        card: &Card,
        label: Vec<SetLine>,
        meta: Vec<SetLine>,
        x: f32,
        row: &Row,
        card_node: NodeId,
        tree: &mut Tree,
        items: &mut Vec<Item>,
    ) -> Result<()> {
        // Label first, then what it labels, in the structure and on the
        // page alike: a reader announces "label: figure, period, source",
        // and copying the card gives the same order.
        let label_tag = Tag::Node(tree.add(Role::CardLabel, Some(card_node)));
        let body = tree.add(Role::CardBody, Some(card_node));
        let value_tag = Tag::Node(tree.add(Role::CardValue, Some(body)));
        let meta_tag = Tag::Node(tree.add(Role::CardMeta, Some(body)));
        let (w, pad) = (row.w, row.pad);
        items.push(Item::rect(x, 0.0, w, row.h, CARD));
        items.push(Item::rect(x, 0.0, 2.5, row.h, NAVY));
        let tx = x + pad + 3.0;
        let value_y = pad + row.vsize * 0.9;
        let mut y = value_y + row.vsize * 0.25 + row.lsize * 1.1;
        for l in label {
            let mut run = l.run;
            run.x = tx;
            run.y = y;
            run.tag = label_tag;
            items.push(Item::Text(run));
            y += row.lsize * 1.4;
        }
        self.figure_runs(card, x, tx, value_y, row, value_tag, items)?;
        let lines = meta.len();
        for (k, l) in meta.into_iter().enumerate() {
            let mut run = l.run;
            run.x = tx;
            run.y = row.h - pad - row.msize * 0.3 - (lines - 1 - k) as f32 * row.msize * 1.3;
            run.tag = meta_tag;
            items.push(Item::Text(run));
        }
        if card.fact.changed {
            // New since the previous briefing: a small tag, top right.
            let new = Tag::Node(tree.add(Role::Note, Some(body)));
            let mut tag =
                self.run_at("新", FontKind::SansBold, row.msize, ACCENT, (0.0, 0.0), new)?;
            tag.x = x + w - pad - tag.width();
            tag.y = pad + row.msize * 0.9;
            items.push(Item::Text(tag));
        }
        Ok(())
    }

    /// A card's figure: a qualifier set small before it (超过, 约: it
    /// belongs to the value but must not outshout it), the number large
    /// (smaller when long, rather than out of the card), the unit small
    /// after it or, when long, under it.
    #[allow(clippy::too_many_arguments)]
    fn figure_runs(
        &self,
        card: &Card,
        x: f32,
        tx: f32,
        y: f32,
        row: &Row,
        tag: Tag,
        items: &mut Vec<Item>,
    ) -> Result<()> {
        let (fig, usize_, vsize) = (&card.fact.figure, row.usize_, row.vsize);
        let mut tx_value = tx;
        if !fig.before.is_empty() {
            let mut q = self.run_at(&fig.before, FontKind::Sans, usize_, NAVY, (tx, y), tag)?;
            tx_value += q.width() + 1.5;
            q.tail = 1.5;
            items.push(Item::Text(q));
        }
        let room = row.w - 2.0 * row.pad - 3.0 - usize_ * 2.5 - (tx_value - tx);
        let natural = self.fonts.get(FontKind::SansBold).text_width(&fig.number) * vsize;
        let vs = if natural > room {
            (vsize * room / natural).max(self.body())
        } else {
            vsize
        };
        let mut v = self.run_at(
            &fig.number,
            FontKind::SansBold,
            vs,
            NAVY,
            (tx_value, y),
            tag,
        )?;
        let vw = v.width() + (tx_value - tx);
        if fig.unit.is_empty() {
            items.push(Item::Text(v));
            return Ok(());
        }
        let mut unit = self.run_at(
            &fig.unit,
            FontKind::Sans,
            usize_,
            NAVY,
            (tx + vw + 2.0, y),
            tag,
        )?;
        if tx + vw + 2.0 + unit.width() > x + row.w - row.pad {
            unit.x = tx;
            unit.y = y + usize_ * 1.1;
        } else {
            // Number and unit read as one: `1.8万亿元`, not `1.8 万亿元`.
            v.tail = 2.0;
        }
        items.push(Item::Text(v));
        items.push(Item::Text(unit));
        Ok(())
    }
}
