//! Charts of any data an analyst might give — many categories, negative
//! values, long mixed labels, several series — keep every mark inside
//! their box, on every part a long chart is continued over.

use proptest::prelude::*;

use super::tests::{chart, glyph_boxes, point};
use super::{Item, draw, plan};
use crate::config::ChartKind;
use crate::content::SeriesData;
use crate::text::fonts::{FontSet, test_fonts};

fn fonts() -> &'static FontSet {
    static F: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
    F.get_or_init(test_fonts)
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "(19|20)[0-9]{2}年",
        "[一-龥]{1,12}",
        "[A-Za-z0-9]{1,14}",
        "[一-龥]{1,6}（[A-Za-z]{2,10}）",
        "[一-龥]{2,4}：[一-龥]{2,10}",
    ]
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..1e6f64,
        -100.0..100.0f64,
        0.0..1.0f64,
        (0u32..1000).prop_map(f64::from),
    ]
}

/// Every text glyph's box and every path point inside `bx` (to a twentieth
/// of a point: the backend places marks on a grid of twentieths, and an
/// anchored label may land a rounding step over).
fn inside(items: &[Item], bx: (f32, f32, f32, f32)) -> Result<(), TestCaseError> {
    let (x, y, w, h) = bx;
    for it in items {
        match it {
            Item::Text(t) => {
                for b in glyph_boxes(t) {
                    prop_assert!(
                        b.0 >= x - 0.05
                            && b.2 <= x + w + 0.05
                            && b.1 >= y - 0.05
                            && b.3 <= y + h + 0.05,
                        "`{}` at {:?} outside {:?}",
                        b.4,
                        b,
                        bx
                    );
                }
            }
            Item::Path(p) => {
                for &(px, py) in &p.points {
                    prop_assert!(
                        px >= x - 1.0 && px <= x + w + 1.0 && py >= y - 1.0 && py <= y + h + 1.0,
                        "path point {:?} outside {:?}",
                        (px, py),
                        bx
                    );
                }
            }
            _ => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn every_mark_stays_in_its_box(
        kind in proptest::sample::select(vec![ChartKind::Bar, ChartKind::HBar, ChartKind::Line, ChartKind::GroupedBar]),
        cats in proptest::collection::vec((label(), value()), 1..40),
        series in 1usize..4,
        width in 200.0f32..460.0,
    ) {
        // Distinct categories, as content makes them.
        let mut seen = std::collections::HashSet::new();
        let cats: Vec<(String, f64)> = cats.into_iter().filter(|(l, _)| seen.insert(l.clone())).collect();
        let data: Vec<SeriesData> = (0..series)
            .map(|k| SeriesData {
                name: format!("系列{k}").into(),
                points: cats.iter().map(|(l, v)| point(l, v * (1.0 + k as f64 * 0.3))).collect(),
            })
            .collect();
        let c = chart(kind, data);
        let parts = plan(fonts(), &c, width, 640.0).expect("a chart of these fits in parts");
        for part in parts {
            prop_assert!(part.w <= width + 0.01);
            let bx = (50.0, 80.0, part.w, part.h);
            let items = draw(fonts(), &part.chart, bx.0, bx.1, bx.2, bx.3).expect("drawn");
            inside(&items, bx)?;
        }
    }
}
