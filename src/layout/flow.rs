//! Block flow and pagination: blocks become vertical elements, elements
//! fill pages, and the keep rules of TYPOGRAPHY.md §4 decide where a page
//! may end (no orphan or widow line, a heading never ends a page, a table
//! row or figure is never split, a broken table repeats its header).

use std::sync::Arc;

use crate::frame::{Anchor, Item, Page};

/// The type area of a page.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Paper width.
    pub page_width: f32,
    /// Paper height.
    pub page_height: f32,
    /// Left edge of the type area.
    pub left: f32,
    /// Width of the type area.
    pub width: f32,
    /// Top of the type area.
    pub top: f32,
    /// Bottom of the type area.
    pub bottom: f32,
}

/// A vertical piece of content that is never split across pages.
#[derive(Debug, Clone, Default)]
pub struct Elem {
    /// Height.
    pub height: f32,
    /// Space above it, dropped at the top of a page.
    pub space_before: f32,
    /// Whether a page may not end just before this element.
    pub keep_with_prev: bool,
    /// Items with y relative to the element's top.
    pub items: Vec<Item>,
    /// Anchors with y relative to the element's top.
    pub anchors: Vec<Anchor>,
    /// A table header drawn again when this element starts a page.
    pub header: Option<Arc<Elem>>,
    /// Start a new page before this element.
    pub break_before: bool,
    /// Part of the body (numbered pages), not the front matter.
    pub numbered: bool,
    /// A figure: may move after the text that follows it to the next page.
    pub float: bool,
}

/// Whether an element starts a section (a heading carries an outline anchor).
fn is_heading(e: &Elem) -> bool {
    e.anchors.iter().any(|a| a.level >= 1)
}

/// The last index `m > j` such that the elements after the float at `j`,
/// up to `m`, fit below `y`, hold no heading or other float, and may be
/// followed by a page break; `None` when not even one fits.
fn fillers(order: &[&Elem], j: usize, y: f32, bottom: f32) -> Option<usize> {
    let mut yy = y;
    let mut best = None;
    for k in j + 1..order.len() {
        let e = order[k];
        if is_heading(e)
            || e.float
            || e.break_before
            || yy + e.space_before + e.height > bottom + 0.01
        {
            break;
        }
        yy += e.space_before + e.height;
        if k + 1 == order.len() || !order[k + 1].keep_with_prev {
            best = Some(k);
        }
    }
    best
}

/// Moves an item down by `dy`.
pub fn shift(item: &mut Item, dx: f32, dy: f32) {
    match item {
        Item::Text(t) => {
            t.x += dx;
            t.y += dy;
        }
        Item::Path(p) => {
            for pt in &mut p.points {
                pt.0 += dx;
                pt.1 += dy;
            }
        }
        Item::Circle { cx, cy, .. } => {
            *cx += dx;
            *cy += dy;
        }
        Item::Link { rect, .. } => {
            rect.0 += dx;
            rect.1 += dy;
        }
    }
}

fn place(page: &mut Page, e: &Elem, y: f32) {
    for it in &e.items {
        let mut it = it.clone();
        shift(&mut it, 0.0, y);
        page.items.push(it);
    }
    for a in &e.anchors {
        let mut a = a.clone();
        a.y += y;
        page.anchors.push(a);
    }
}

/// Fills pages with `elems`, breaking only where the keep rules allow.
///
/// First fit with one step of backtracking: when element `j` does not fit,
/// the page ends before the last element `k ≤ j` that may start a page. An
/// element taller than a whole page is placed alone (and overflows) rather
/// than looping.
///
/// A figure (`float`) that does not fit lets the text after it fill the
/// page, up to the next heading, and goes to the top of the next page: a
/// page is not left a third empty for want of room for a chart.
pub fn paginate(elems: &[&Elem], frame: &Frame) -> Vec<Page> {
    let mut order: Vec<&Elem> = elems.to_vec();
    let mut pages = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let mut page = Page {
            width: frame.page_width,
            height: frame.page_height,
            ..Page::default()
        };
        let mut y = frame.top;
        if let Some(h) = &order[i].header {
            place(&mut page, h, y);
            y += h.height;
        }
        let mut placed: Vec<(usize, f32)> = Vec::new();
        let mut j = i;
        while j < order.len() {
            let e = order[j];
            if j > i && e.break_before {
                break;
            }
            let sb = if j == i { 0.0 } else { e.space_before };
            if y + sb + e.height <= frame.bottom + 0.01 {
                placed.push((j, y + sb));
                y += sb + e.height;
                j += 1;
                continue;
            }
            if j > i
                && e.float
                && !e.keep_with_prev
                && let Some(m) = fillers(&order, j, y, frame.bottom)
            {
                // Move the figure behind the text that fits, and go on.
                order[j..=m].rotate_left(1);
                continue;
            }
            if j == i {
                placed.push((j, y));
                j += 1;
            } else if let Some(k) = (i + 1..=j).rev().find(|&k| !order[k].keep_with_prev) {
                placed.truncate(k - i);
                j = k;
            }
            break;
        }
        page.numbered = placed.first().is_some_and(|(k, _)| order[*k].numbered);
        for (k, y) in placed {
            place(&mut page, order[k], y);
        }
        pages.push(page);
        i = j;
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame {
            page_width: 100.0,
            page_height: 100.0,
            left: 0.0,
            width: 100.0,
            top: 0.0,
            bottom: 50.0,
        }
    }

    fn line(keep: bool) -> Elem {
        Elem {
            height: 10.0,
            keep_with_prev: keep,
            ..Elem::default()
        }
    }

    #[test]
    fn breaks_only_where_allowed() {
        // five lines fit; the sixth may not start a page, nor the fifth:
        // the page ends before the fourth.
        let elems = [
            line(false),
            line(false),
            line(false),
            line(false),
            line(true),
            line(true),
        ];
        let refs: Vec<&Elem> = elems.iter().collect();
        let pages = paginate(&refs, &frame());
        assert_eq!(pages.len(), 2);
    }

    #[test]
    fn a_figure_that_does_not_fit_lets_text_fill_the_page() {
        let tagged = |id: &str, h: f32, keep: bool, float: bool| Elem {
            height: h,
            keep_with_prev: keep,
            float,
            anchors: vec![Anchor {
                id: id.into(),
                level: 0,
                title: String::new(),
                y: 0.0,
            }],
            ..Elem::default()
        };
        // 30 of 50 pt used; the 30 pt figure does not fit in the 20 left, the
        // two lines after it (kept together) do and take its place.
        let elems = [
            tagged("a", 10.0, false, false),
            tagged("b", 10.0, false, false),
            tagged("c", 10.0, false, false),
            tagged("fig", 30.0, false, true),
            tagged("d", 10.0, false, false),
            tagged("e", 10.0, true, false),
        ];
        let refs: Vec<&Elem> = elems.iter().collect();
        let pages = paginate(&refs, &frame());
        let ids = |p: &Page| p.anchors.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&pages[0]), ["a", "b", "c", "d", "e"]);
        assert_eq!(ids(&pages[1]), ["fig"]);
    }

    #[test]
    fn oversized_element_is_placed_alone() {
        let mut big = line(false);
        big.height = 80.0;
        let small = line(false);
        let pages = paginate(&[&big, &small], &frame());
        assert_eq!(pages.len(), 2);
    }
}
