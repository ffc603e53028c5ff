//! Block flow and pagination: blocks become vertical elements, elements
//! fill pages, and the keep rules of docs/typesetting.md §4 decide where a page
//! may end (no orphan or widow line, a heading never ends a page, a table
//! row or figure is never split, a broken table repeats its header).

use std::sync::Arc;

use crate::frame::{Anchor, Artifact, Item, Page, Tag};

/// The type area of a page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Paper width.
    pub(crate) page_width: f32,
    /// Paper height.
    pub(crate) page_height: f32,
    /// Left edge of the type area.
    pub(crate) left: f32,
    /// Width of the type area.
    pub(crate) width: f32,
    /// Top of the type area.
    pub(crate) top: f32,
    /// Bottom of the type area.
    pub(crate) bottom: f32,
}

/// A vertical piece of content that is never split across pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Elem {
    /// Height.
    pub(crate) height: f32,
    /// Space above it, dropped at the top of a page.
    pub(crate) space_before: f32,
    /// Whether a page may not end just before this element.
    pub(crate) keep_with_prev: bool,
    /// Items with y relative to the element's top.
    pub(crate) items: Vec<Item>,
    /// Anchors with y relative to the element's top.
    pub(crate) anchors: Vec<Anchor>,
    /// The header row of the table this element belongs to: drawn again
    /// before it whenever it does not follow a row of its own table (at the
    /// top of a page, after a figure that floated in).
    pub(crate) header: Option<Arc<Elem>>,
    /// This element is that header row itself.
    pub(crate) is_header: bool,
    /// Start a new page before this element.
    pub(crate) break_before: bool,
    /// Part of the body (numbered pages), not the front matter.
    pub(crate) numbered: bool,
    /// A figure: may move after the text that follows it to the next page.
    pub(crate) float: bool,
    /// The document block it is part of (its lines, its rows): a figure
    /// that moves goes after a block, never into it.
    pub(crate) block: u32,
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

/// Moves the figure at `j` behind the text after it that fits, up to `m`,
/// and behind the rest of the block that text ends in: a paragraph or
/// table continued on the next page is read (and drawn) whole before the
/// figure. `index` follows `order`.
fn defer(order: &mut [&Elem], index: &mut [usize], j: usize, m: usize) {
    let block = order[m].block;
    let m = (m..order.len())
        .take_while(|&k| {
            let e = order[k];
            k == m || e.block == block && !e.float && !is_heading(e) && !e.break_before
        })
        .last()
        .unwrap_or(m);
    order[j..=m].rotate_left(1);
    index[j..=m].rotate_left(1);
}

/// Moves an item down by `dy`.
pub(crate) fn shift(item: &mut Item, dx: f32, dy: f32) {
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

/// Places a copy of `e` — a table's header row repeated on a page where
/// its table continues: for the eye only, so its content is marked as a
/// repetition a reader skips.
fn place_repeat(page: &mut Page, e: &Elem, y: f32) {
    for it in &e.items {
        let mut it = it.clone();
        shift(&mut it, 0.0, y);
        if matches!(it.tag(), Tag::Node(_)) {
            it.set_tag(Tag::Artifact(Artifact::Repeat));
        }
        page.items.push(it);
    }
    for a in &e.anchors {
        let mut a = a.clone();
        a.y += y;
        page.anchors.push(a);
    }
}

/// [`place`] for an element the page may keep: its items move, uncopied.
fn place_owned(page: &mut Page, e: Elem, y: f32) {
    for mut it in e.items {
        shift(&mut it, 0.0, y);
        page.items.push(it);
    }
    for mut a in e.anchors {
        a.y += y;
        page.anchors.push(a);
    }
}

/// What a page holds, in order: an element, or a repeated table header.
enum Slot {
    Elem(usize),
    Header(Arc<Elem>),
}

/// Where each element goes: per page, its slots (elements by their index
/// in the list given to [`plan`]) and their tops. Cheap to make, so the
/// passes that settle the contents' page numbers copy no items.
pub(crate) struct Plan {
    pages: Vec<(bool, Vec<(Slot, f32)>)>,
}

impl Plan {
    /// The page index of every anchor, by id (one walk over the plan).
    pub(crate) fn anchor_pages<'a>(
        &'a self,
        elems: &[&'a Elem],
    ) -> std::collections::HashMap<&'a str, usize> {
        let mut at = std::collections::HashMap::new();
        for (i, (_, slots)) in self.pages.iter().enumerate() {
            for (s, _) in slots {
                let anchors = match s {
                    Slot::Elem(k) => &elems[*k].anchors,
                    Slot::Header(h) => &h.anchors,
                };
                for a in anchors {
                    at.entry(a.id.as_str()).or_insert(i);
                }
            }
        }
        at
    }

    /// Number of front pages (before the first numbered one).
    pub(crate) fn front(&self) -> usize {
        self.pages.iter().take_while(|(n, _)| !n).count()
    }

    /// The pages, made from the elements themselves (moved, not copied).
    pub(crate) fn into_pages(self, elems: Vec<Elem>, frame: &Frame) -> Vec<Page> {
        let mut elems: Vec<Option<Elem>> = elems.into_iter().map(Some).collect();
        self.pages
            .into_iter()
            .map(|(numbered, slots)| {
                let mut page = Page {
                    width: frame.page_width,
                    height: frame.page_height,
                    numbered,
                    ..Page::default()
                };
                for (slot, y) in slots {
                    match slot {
                        Slot::Elem(k) => {
                            if let Some(e) = elems[k].take() {
                                place_owned(&mut page, e, y);
                            }
                        }
                        Slot::Header(h) => place_repeat(&mut page, &h, y),
                    }
                }
                page
            })
            .collect()
    }
}

/// Whether the last thing on the page belongs to the table of header `h`.
fn follows_table(placed: &[(Slot, f32)], order: &[&Elem], h: &Arc<Elem>) -> bool {
    match placed.last() {
        Some((Slot::Header(x), _)) => Arc::ptr_eq(x, h),
        Some((Slot::Elem(k), _)) => order[*k].header.as_ref().is_some_and(|x| Arc::ptr_eq(x, h)),
        None => false,
    }
}

/// The pages [`plan`] makes of `elems`, copying their items (for tests).
#[cfg(test)]
pub(crate) fn paginate(elems: &[&Elem], frame: &Frame) -> Vec<Page> {
    plan(elems, frame).into_pages(elems.iter().map(|e| (*e).clone()).collect(), frame)
}

/// Plans the pages of `elems`, breaking only where the keep rules allow.
///
/// First fit with one step of backtracking: when element `j` does not fit,
/// the page ends before the last element `k ≤ j` that may start a page. An
/// element taller than a whole page is placed alone (and overflows) rather
/// than looping.
///
/// A figure (`float`) that does not fit lets the text after it fill the
/// page, up to the next heading, and goes to the top of the next page: a
/// page is not left a third empty for want of room for a chart. A table row
/// that does not follow a row of its own table — at the top of a page, or
/// after such a figure — gets its table's header row first.
pub(crate) fn plan(elems: &[&Elem], frame: &Frame) -> Plan {
    let mut order: Vec<&Elem> = elems.to_vec();
    // Original index of each element of `order` (floats move).
    let mut index: Vec<usize> = (0..elems.len()).collect();
    let mut pages = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let mut y = frame.top;
        let mut placed: Vec<(Slot, f32)> = Vec::new();
        let mut j = i;
        while j < order.len() {
            let e = order[j];
            if j > i && e.break_before {
                break;
            }
            let sb = if placed.is_empty() {
                0.0
            } else {
                e.space_before
            };
            let head = e
                .header
                .as_ref()
                .filter(|h| !e.is_header && !follows_table(&placed, &order, h));
            let hh = head.map_or(0.0, |h| h.height);
            if y + sb + hh + e.height <= frame.bottom + 0.01 || placed.is_empty() {
                if let Some(h) = head {
                    placed.push((Slot::Header(h.clone()), y + sb));
                }
                placed.push((Slot::Elem(j), y + sb + hh));
                y += sb + hh + e.height;
                j += 1;
                if y > frame.bottom + 0.01 {
                    // Alone and still too tall: it overflows, the page ends.
                    break;
                }
                continue;
            }
            if j > i
                && e.float
                && !e.keep_with_prev
                && let Some(m) = fillers(&order, j, y, frame.bottom)
            {
                defer(&mut order, &mut index, j, m);
                continue;
            }
            if let Some(k) = (i + 1..=j).rev().find(|&k| !order[k].keep_with_prev) {
                let at = placed
                    .iter()
                    .position(|(s, _)| matches!(s, Slot::Elem(x) if *x == k))
                    .unwrap_or(placed.len());
                placed.truncate(at);
                // A repeated header never ends a page.
                while matches!(placed.last(), Some((Slot::Header(_), _))) {
                    placed.pop();
                }
                j = k;
            }
            break;
        }
        let numbered = placed
            .iter()
            .any(|(s, _)| matches!(s, Slot::Elem(k) if order[*k].numbered));
        let slots = placed
            .into_iter()
            .map(|(s, y)| match s {
                Slot::Elem(k) => (Slot::Elem(index[k]), y),
                header => (header, y),
            })
            .collect();
        pages.push((numbered, slots));
        i = j;
    }
    Plan { pages }
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

    /// The ids of the elements on each page.
    fn ids(pages: &[Page]) -> Vec<Vec<String>> {
        pages
            .iter()
            .map(|p| p.anchors.iter().map(|a| a.id.clone()).collect())
            .collect()
    }

    #[test]
    fn breaks_only_where_allowed() {
        // Five lines fit; the sixth may not start a page, nor the fifth:
        // the page ends before the fourth, which takes the last two along.
        let elems: Vec<Elem> = [false, false, false, false, true, true]
            .iter()
            .enumerate()
            .map(|(i, &keep)| Elem {
                anchors: vec![Anchor {
                    id: format!("l{i}"),
                    level: 0,
                    title: String::new(),
                    y: 0.0,
                }],
                ..line(keep)
            })
            .collect();
        let refs: Vec<&Elem> = elems.iter().collect();
        let pages = paginate(&refs, &frame());
        assert_eq!(
            ids(&pages),
            [vec!["l0", "l1", "l2"], vec!["l3", "l4", "l5"]]
        );
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

    #[test]
    fn a_table_row_after_a_figure_gets_its_header_again() {
        let header = Arc::new(Elem {
            height: 5.0,
            items: vec![Item::rect(
                0.0,
                0.0,
                1.0,
                1.0,
                crate::frame::Rgb(0.0, 0.0, 0.0),
            )],
            ..Elem::default()
        });
        let row = |id: &str| Elem {
            height: 10.0,
            header: Some(header.clone()),
            anchors: vec![Anchor {
                id: id.into(),
                level: 0,
                title: String::new(),
                y: 0.0,
            }],
            ..Elem::default()
        };
        let mut head = (*header).clone();
        head.header = Some(header.clone());
        head.is_header = true;
        let figure = Elem {
            height: 30.0,
            ..Elem::default()
        };
        // Page 1: header, row 1, row 2, the figure (30 pt) does not fit in
        // the 25 left: page 2 starts with the figure, then row 3, which
        // must bring the header with it.
        let (r1, r2, r3) = (row("r1"), row("r2"), row("r3"));
        let refs: Vec<&Elem> = vec![&head, &r1, &r2, &figure, &r3];
        let pages = paginate(&refs, &frame());
        assert_eq!(pages.len(), 2);
        let headers_on = |p: &Page| p.items.len();
        assert_eq!(headers_on(&pages[0]), 1, "one header on page 1");
        assert_eq!(headers_on(&pages[1]), 1, "the header is repeated before r3");
        let r3_y = pages[1].anchors.iter().find(|a| a.id == "r3").unwrap().y;
        assert!(
            (r3_y - 35.0).abs() < 0.01,
            "r3 follows figure and header: {r3_y}"
        );
    }

    use proptest::prelude::*;

    /// An element of a generated flow: a heading, a line of a paragraph
    /// (kept with the line before unless it starts one), or a figure.
    fn elem() -> impl Strategy<Value = (u8, f32, bool)> {
        (0u8..3, 4.0f32..30.0, any::<bool>())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// A heading never ends a page while something follows it; no
        /// page ends before an element kept with the one before unless
        /// that element could not fit anywhere; nothing is lost or
        /// doubled; the body stays inside the frame.
        #[test]
        fn pages_break_only_where_the_rules_allow(spec in proptest::collection::vec(elem(), 1..60)) {
            // As in a briefing: at most two headings in a row (一、 then
            // （一）), on a page much taller than any run of kept lines.
            let mut spec = spec;
            for i in 2..spec.len() {
                if spec[i].0 == 0 && spec[i - 1].0 == 0 && spec[i - 2].0 == 0 {
                    spec[i].0 = 1;
                }
            }
            let frame = Frame {
                bottom: 400.0,
                ..frame()
            };
            let elems: Vec<Elem> = spec
                .iter()
                .enumerate()
                .map(|(i, &(kind, h, keep))| Elem {
                    height: h,
                    keep_with_prev: kind == 1 && keep && i > 0 && !matches!(spec[i - 1].0, 0),
                    float: kind == 2,
                    anchors: vec![Anchor {
                        id: format!("e{i}"),
                        level: if kind == 0 { 1 } else { 0 },
                        title: String::new(),
                        y: 0.0,
                    }],
                    ..Elem::default()
                })
                .collect();
            // A heading keeps the element after it (as the layout does).
            let mut elems = elems;
            for i in 1..elems.len() {
                if spec[i - 1].0 == 0 {
                    elems[i].keep_with_prev = true;
                }
            }
            let refs: Vec<&Elem> = elems.iter().collect();
            let pages = paginate(&refs, &frame);
            let mut seen = Vec::new();
            for (pi, p) in pages.iter().enumerate() {
                let ids: Vec<&str> = p.anchors.iter().map(|a| a.id.as_str()).collect();
                seen.extend(ids.iter().map(|s| s.to_string()));
                let last = p.anchors.last().expect("no empty page");
                let heading_last = last.level == 1;
                prop_assert!(
                    !(heading_last && pi + 1 < pages.len() && ids.len() > 1),
                    "page {pi} ends with heading {}",
                    last.id
                );
                for a in &p.anchors {
                    let i: usize = a.id[1..].parse().unwrap();
                    // Alone on its page, an element may be too tall for it.
                    if ids.len() > 1 {
                        prop_assert!(a.y + elems[i].height <= frame.bottom + 0.02, "{} past the frame", a.id);
                    }
                }
            }
            let mut want: Vec<String> = (0..elems.len()).map(|i| format!("e{i}")).collect();
            let mut got = seen.clone();
            want.sort();
            got.sort();
            prop_assert_eq!(got, want, "elements lost or doubled");
        }
    }
}
