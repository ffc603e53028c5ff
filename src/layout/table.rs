//! Tables: column widths from content, CJK text wrapping inside cells, a
//! three-line rule style (三线表) with light zebra rows, figures aligned on
//! their decimal point, and the header repeated when a table breaks.

use std::sync::Arc;

use super::blocks::Builder;
use super::flow::Elem;
use super::tree::Tree;
use crate::content::TableContent;
use crate::error::Result;
use crate::frame::FontKind;
use crate::frame::{Anchor, Artifact, Item, NodeId, Role, Scope, Tag};
use crate::origin::Text;
use crate::style::*;
use crate::text::{Align, ParaStyle, SetLine, layout, natural_width};

const PAD_X: f32 = 5.0;
const PAD_Y: f32 = 3.2;

/// Splits a figure into its whole part, with any qualifier before it, and
/// the rest (`超过52.3%` → `超过52`, `.3%`), so the column can align on the
/// decimal point. A cell with no digit has no whole part.
fn split_number(s: &str) -> (&str, &str) {
    let Some(first) = s.find(|c: char| c.is_ascii_digit()) else {
        return ("", s);
    };
    // Before the number only a qualifier (约, 超过, 不低于): a statement
    // that merely contains digits (`海思发布麒麟970`) is text.
    if s[..first].chars().filter(|&c| c != '\u{2060}').count() > 3 {
        return ("", s);
    }
    let end = s[first..]
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == ',' || c == '\u{2060}'))
        .map_or(s.len(), |(i, _)| first + i);
    s.split_at(end)
}

/// Column widths filling `avail`: columns that fit their natural width get
/// it, the others share what is left (water filling), and all grow in
/// proportion when there is room to spare.
fn widths(natural: &[f32], min: &[f32], avail: f32) -> Vec<f32> {
    let total: f32 = natural.iter().sum();
    if total <= avail {
        return natural
            .iter()
            .map(|w| w + (avail - total) * w / total.max(1.0))
            .collect();
    }
    let n = natural.len();
    let mut w = vec![0.0; n];
    let mut fixed = vec![false; n];
    let mut left = avail;
    loop {
        let open: Vec<usize> = (0..n).filter(|&i| !fixed[i]).collect();
        if open.is_empty() {
            break;
        }
        let share = left / open.len() as f32;
        let small: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&i| natural[i] <= share)
            .collect();
        if small.is_empty() {
            for &i in &open {
                w[i] = share.max(min[i]);
            }
            break;
        }
        for i in small {
            w[i] = natural[i];
            fixed[i] = true;
            left -= natural[i];
        }
    }
    w
}

/// Where a table's columns go: their widths, the x of each column's
/// text, and the widest tail after the decimal point in figure columns
/// (`.3%`, ` EFLOPS`), which they align on.
struct Columns {
    size: f32,
    pitch: f32,
    cw: Vec<f32>,
    xs: Vec<f32>,
    tail: Vec<f32>,
}

impl Columns {
    fn of(b: &Builder, t: &TableContent) -> Result<Columns> {
        let f = b.frame;
        let size = b.body() * SMALL_SCALE;
        let ncol = t.columns.len();
        let mut natural = vec![0.0f32; ncol];
        let mut min = vec![size * 3.0; ncol];
        for (i, c) in t.columns.iter().enumerate() {
            natural[i] = natural_width(b.fonts, c, FontKind::SansBold, size)?;
            min[i] = min[i].max(natural[i].min(size * 6.0));
        }
        for row in &t.rows {
            for (i, c) in row.iter().enumerate() {
                natural[i] = natural[i].max(natural_width(b.fonts, c, TABLE_FONT, size)?);
            }
        }
        let avail = f.width - 2.0 * PAD_X * ncol as f32;
        let cw = widths(&natural, &min, avail);
        let mut xs = Vec::with_capacity(ncol);
        let mut x = f.left;
        for w in &cw {
            xs.push(x + PAD_X);
            x += w + 2.0 * PAD_X;
        }
        let mut tail = vec![0.0f32; ncol];
        for row in &t.rows {
            for (i, c) in row.iter().enumerate() {
                let (whole, rest) = split_number(c);
                if t.numeric[i] && !whole.is_empty() {
                    tail[i] = tail[i].max(natural_width(b.fonts, rest, TABLE_FONT, size)?);
                }
            }
        }
        Ok(Columns {
            size,
            pitch: size * 1.45,
            cw,
            xs,
            tail,
        })
    }
}

/// Builds caption, header and row elements for a table. Its caption
/// (`表1　…`, worded by compose) goes above it, as Chinese reports put it.
pub(crate) fn table(
    b: &Builder,
    number: usize,
    caption: &Text,
    t: &TableContent,
    tree: &mut Tree,
) -> Result<Vec<Elem>> {
    let f = b.frame;
    let cols = Columns::of(b, t)?;
    let table = tree.add(Role::Table, None);
    let cap = Tag::Node(tree.add(Role::Caption, Some(table)));
    let thead = tree.add(Role::TableHead, Some(table));
    let tbody = tree.add(Role::TableBody, Some(table));
    let mut out = Vec::new();
    let cstyle = ParaStyle {
        font: FontKind::SansBold,
        size: cols.size * 1.05,
        color: INK,
        align: Align::Center,
        indent_em: 0.0,
    };
    let mut items = Vec::new();
    let y = b.stack(&mut items, caption, &cstyle, 0.0, 1.45, cap)?;
    out.push(Elem {
        height: y + 3.0,
        space_before: b.pitch() * 0.5,
        items,
        anchors: vec![Anchor {
            id: format!("table-{number}"),
            level: 0,
            title: caption.to_string(),
            y: 0.0,
        }],
        ..Elem::default()
    });
    let mut head = row(b, t, &cols, &t.columns, Cells::Head(thead), false, tree)?;
    head.keep_with_prev = true;
    let head_rc = Arc::new(head.clone());
    head.header = Some(head_rc.clone());
    head.is_header = true;
    out.push(head);
    let n = t.rows.len();
    for (r, cells) in t.rows.iter().enumerate() {
        let mut e = row(b, t, &cols, cells, Cells::Body(tbody), r % 2 == 1, tree)?;
        if r + 1 == n {
            e.items.push(Item::rule(
                f.left,
                e.height,
                f.left + f.width,
                e.height,
                1.0,
                RULE,
            ));
            e.height += b.pitch() * 0.4;
        }
        // Keep the first two rows with the header and the last two together.
        e.keep_with_prev = r < 2 || n - r < 2;
        e.header = Some(head_rc.clone());
        out.push(e);
    }
    Ok(out)
}

/// Which part of the table a row belongs to.
#[derive(Clone, Copy)]
enum Cells {
    /// The header row, in this head element: header cells for their columns.
    Head(NodeId),
    /// A data row, in this body element.
    Body(NodeId),
}

/// One row: its cells set in their columns, figures aligned on the
/// decimal point, a zebra fill on every other data row.
// Kept whole: the cells of a row are set, then placed by column rule (figures on the decimal point); the two loops share the cell sets.
fn row(
    b: &Builder,
    t: &TableContent,
    cols: &Columns,
    cells: &[Text],
    part: Cells,
    zebra: bool,
    tree: &mut Tree,
) -> Result<Elem> {
    let f = b.frame;
    let (header, parent) = match part {
        Cells::Head(p) => (true, p),
        Cells::Body(p) => (false, p),
    };
    let tr = tree.add(Role::TableRow, Some(parent));
    let cell_role = if header {
        Role::HeaderCell(Scope::Column)
    } else {
        Role::DataCell
    };
    let (size, pitch) = (cols.size, cols.pitch);
    let font = if header {
        FontKind::SansBold
    } else {
        TABLE_FONT
    };
    let style = ParaStyle {
        font,
        size,
        color: INK,
        align: Align::Left,
        indent_em: 0.0,
    };
    let mut sets = Vec::new();
    let mut nlines = 1;
    for (i, c) in cells.iter().enumerate() {
        let l: Vec<SetLine> = layout(b.fonts, c, &style, cols.cw[i])?;
        tree.forced(&l, c, "a table cell");
        nlines = nlines.max(l.len());
        sets.push(l);
    }
    let h = nlines as f32 * pitch + 2.0 * PAD_Y;
    let mut items = Vec::new();
    if zebra {
        items.push(Item::rect(f.left, 0.0, f.width, h, ZEBRA));
    }
    for (i, lines) in sets.into_iter().enumerate() {
        let single = lines.len() == 1;
        let (xs, cw) = (cols.xs[i], cols.cw[i]);
        let cell = Tag::Node(tree.add(cell_role.clone(), Some(tr)));
        for (li, l) in lines.into_iter().enumerate() {
            let mut run = l.run;
            run.y = PAD_Y + li as f32 * pitch + b.baseline(size, pitch);
            run.x = xs;
            run.tag = cell;
            if let Some(mut h) = l.hyphen {
                h.y = run.y;
                h.x = xs + l.width - h.width();
                h.tag = Tag::Artifact(Artifact::Hyphen);
                items.push(Item::Text(h));
            }
            if !header && t.numeric[i] && single && split_number(&cells[i]).0.is_empty() {
                // A text value in a figures column ("全球第二"): flush right.
                run.x = xs + cw - l.width;
            } else if !header && t.numeric[i] && single {
                let (_, tl) = split_number(&cells[i]);
                let tw = natural_width(b.fonts, tl, TABLE_FONT, size)?;
                // On the column's decimal point, but never out of the
                // column when a wide figure meets a wide tail.
                run.x =
                    (xs + cw - cols.tail[i] + tw - l.width).clamp(xs, (xs + cw - l.width).max(xs));
            } else if header && t.numeric[i] {
                run.x = xs + cw - l.width;
            }
            items.push(Item::Text(run));
        }
    }
    if header {
        items.push(Item::rule(f.left, 0.0, f.left + f.width, 0.0, 1.0, RULE));
        items.push(Item::rule(f.left, h, f.left + f.width, h, 0.5, RULE));
    }
    Ok(Elem {
        height: h,
        items,
        ..Elem::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_figures_at_the_decimal_point() {
        assert_eq!(split_number("52.3%"), ("52", ".3%"));
        assert_eq!(split_number("197 EFLOPS"), ("197", " EFLOPS"));
        assert_eq!(split_number("650万架"), ("650", "万架"));
        assert_eq!(split_number("超过650万架"), ("超过650", "万架"));
        assert_eq!(split_number("全球第二"), ("", "全球第二"));
        assert_eq!(split_number("海思发布麒麟970"), ("", "海思发布麒麟970"));
    }

    #[test]
    fn column_widths_fill_and_share() {
        let w = widths(&[10.0, 10.0], &[1.0, 1.0], 40.0);
        assert_eq!(w, vec![20.0, 20.0]);
        let w = widths(&[10.0, 100.0], &[1.0, 1.0], 60.0);
        assert_eq!(w, vec![10.0, 50.0]);
    }
}
