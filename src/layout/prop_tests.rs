//! Tables of any content an analyst might give — long cells, URLs, runs
//! that cannot break, figures — keep every cell's text inside the table
//! and apart from its neighbours.

use proptest::prelude::*;

use super::blocks::Builder;
use super::table::table;
use super::tree::Tree;
use super::*;
use crate::content::TableContent;
use crate::origin::Text;
use crate::text::fonts::test_fonts;

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[一-龥]{1,30}",
        "[A-Za-z]{1,12}( [A-Za-z]{1,12}){0,3}",
        "https://[a-z]{3,12}\\.org(/[a-z0-9]{2,10}){0,4}",
        "[A-Z0-9]{10,50}",
        "(约|超过)?[0-9]{1,6}(\\.[0-9]{1,2})?(%| EFLOPS|万架|亿元)",
        "[一-龥]{2,8}（[一-龥A-Za-z0-9]{2,12}）",
    ]
}

fn settings() -> PageSettings {
    let mm = 72.0 / 25.4;
    PageSettings {
        width: 210.0 * mm,
        height: 297.0 * mm,
        margin_top: 25.0 * mm,
        margin_bottom: 25.0 * mm,
        margin_left: 25.0 * mm,
        margin_right: 25.0 * mm,
        body_size: 10.5,
        leading: 1.7,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 80, ..ProptestConfig::default() })]

    #[test]
    fn table_cells_stay_in_their_columns(
        cols in 1usize..7,
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 6), 1..8),
        numeric in proptest::collection::vec(any::<bool>(), 6),
    ) {
        let fonts = test_fonts();
        let s = settings();
        let frame = frame_for(&s);
        let b = Builder::new(&fonts, &s, &frame);
        let t = TableContent {
            caption: Text::plain("测试表"),
            columns: (0..cols).map(|i| Text::plain(format!("第{i}列"))).collect(),
            rows: rows.iter().map(|r| r[..cols].iter().map(|c| Text::plain(c.as_str())).collect()).collect(),
            numeric: numeric[..cols].to_vec(),
        };
        let mut tree = Tree::new(0);
        let elems = table(&b, 1, &Text::plain("表1　测试表"), &t, &mut tree).expect("set");
        for e in &elems {
            // Each cell's ink, by cell, in the order the cells were set.
            let mut cells: Vec<(crate::frame::NodeId, f32, f32)> = Vec::new();
            for it in &e.items {
                let (Item::Text(run), Tag::Node(id)) = (it, it.tag()) else { continue };
                if !matches!(tree.nodes[id.index as usize].role, crate::frame::Role::DataCell | crate::frame::Role::HeaderCell(_)) {
                    continue;
                }
                let (Some(first), Some(last)) = (run.glyphs.first(), run.glyphs.last()) else { continue };
                let (x0, x1) = (run.x + first.x, run.x + last.x + last.advance);
                prop_assert!(
                    x0 >= frame.left - 0.01 && x1 <= frame.left + frame.width + 0.01,
                    "a cell's text {:?} outside the table",
                    run.glyphs.iter().map(|g| g.ch).collect::<String>()
                );
                match cells.iter_mut().find(|c| c.0 == id) {
                    Some(c) => {
                        c.1 = c.1.min(x0);
                        c.2 = c.2.max(x1);
                    }
                    None => cells.push((id, x0, x1)),
                }
            }
            cells.sort_by_key(|c| c.0);
            for w in cells.windows(2) {
                prop_assert!(w[0].2 <= w[1].1 + 0.01, "cell {:?} runs into the next", w[0].0);
            }
        }
    }
}
