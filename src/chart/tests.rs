//! Chart invariants on the real theme data and on synthetic edge cases:
//! text inside the box, no two labels overlapping, lean paths, and bad data
//! drawn honestly or refused, never a panic or a blank figure.

use super::*;
use crate::config::ChartKind;
use crate::content::{BlockContent, Point, ProjectionData, SeriesData};
use crate::frame::TextRun;

use crate::text::fonts::{FontSet, test_fonts as fonts};

/// The height the plan gives a chart `w` wide with no page limit (its
/// first part).
pub(super) fn preferred_height(f: &FontSet, c: &ChartData, w: f32) -> Result<f32> {
    Ok(plan(f, c, w, 100_000.0)?[0].h)
}

/// The charts of the default briefing, as the layout would get them.
fn briefing_charts() -> (Vec<ChartData>, f32) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/briefing.toml");
    let config = crate::config::load(&path).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut out = Vec::new();
    for profile in &config.profiles {
        let b = crate::content::select(&config, profile, date, None).unwrap();
        for t in &b.themes {
            for s in &t.sections {
                for bl in &s.blocks {
                    if let BlockContent::Chart(c) = bl {
                        out.push((**c).clone());
                    }
                }
            }
        }
    }
    let p = &config.page;
    let avail = p.width - p.margin_left - p.margin_right;
    let width = (avail / p.body_size).floor() * p.body_size;
    (out, width)
}

pub(super) fn point(label: &str, value: f64) -> Point {
    Point {
        label: label.into(),
        value,
        text: crate::content::format::number(value, None).into(),
        before: String::new().into(),
        after: String::new().into(),
        when: crate::config::period::when(label).map(|w| w.at),
        detail: String::new().into(),
        written: Default::default(),
    }
}

pub(super) fn chart(kind: ChartKind, series: Vec<SeriesData>) -> ChartData {
    ChartData {
        kind,
        title: "测试".into(),
        unit: Some("EFLOPS".into()),
        x_label: Some("时间".into()),
        y_label: Some("算力（EFLOPS）".into()),
        note: None,
        series,
        projection: None,
        source_line: String::new().into(),
        language: Default::default(),
    }
}

/// The em box of each glyph of a run on the page (rotation applied), as
/// pdfcheck sees glyphs: 0.88 em above the baseline, 0.12 em below.
pub(super) fn glyph_boxes(t: &TextRun) -> Vec<(f32, f32, f32, f32, String)> {
    let (sin, cos) = t.angle.to_radians().sin_cos();
    t.glyphs
        .iter()
        .filter(|g| !g.ch.is_whitespace())
        .map(|g| {
            let corners = [
                (g.x, -0.88 * t.size),
                (g.x + g.advance, -0.88 * t.size),
                (g.x, 0.12 * t.size),
                (g.x + g.advance, 0.12 * t.size),
            ];
            let pts: Vec<(f32, f32)> = corners
                .iter()
                .map(|&(a, b)| (t.x + a * cos + b * sin, t.y - a * sin + b * cos))
                .collect();
            let xs = pts.iter().map(|p| p.0);
            let ys = pts.iter().map(|p| p.1);
            (
                xs.clone().fold(f32::MAX, f32::min),
                ys.clone().fold(f32::MAX, f32::min),
                xs.fold(f32::MIN, f32::max),
                ys.fold(f32::MIN, f32::max),
                g.ch.to_string(),
            )
        })
        .collect()
}

/// Checks the invariants every chart must keep; returns its text.
pub(super) fn check_items(items: &[Item], bx: (f32, f32, f32, f32), what: &str) -> String {
    let (x, y, w, h) = bx;
    let mut boxes = Vec::new();
    let mut text = String::new();
    let mut path_points = 0;
    for it in items {
        match it {
            Item::Text(t) => {
                assert!(
                    t.size >= 7.0 && t.size <= 9.5,
                    "{what}: text size {}",
                    t.size
                );
                text.push_str(&t.glyphs.iter().map(|g| g.ch).collect::<String>());
                text.push('\n');
                for b in glyph_boxes(t) {
                    assert!(
                        b.0 >= x - 0.01
                            && b.2 <= x + w + 0.01
                            && b.1 >= y - 0.01
                            && b.3 <= y + h + 0.01,
                        "{what}: `{}` at {:?} outside the box {:?}",
                        b.4,
                        b,
                        bx
                    );
                    boxes.push(b);
                }
            }
            Item::Path(p) => {
                path_points += p.points.len();
                for &(px, py) in &p.points {
                    assert!(
                        px >= x - 1.0 && px <= x + w + 1.0 && py >= y - 1.0 && py <= y + h + 1.0,
                        "{what}: path point {:?} outside",
                        (px, py)
                    );
                }
            }
            Item::Circle { .. } => {}
            Item::Link { .. } => panic!("{what}: a chart has no links"),
        }
    }
    // Stricter than pdfcheck (which allows 25 %): no glyph boxes of
    // different labels may intersect at all beyond a hair.
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            let (a, b) = (&boxes[i], &boxes[j]);
            let ix = a.2.min(b.2) - a.0.max(b.0);
            let iy = a.3.min(b.3) - a.1.max(b.1);
            assert!(
                ix <= 0.3 || iy <= 0.3,
                "{what}: `{}` {:?} overlaps `{}` {:?}",
                a.4,
                a,
                b.4,
                b
            );
        }
    }
    // Lean vectors: no per-pixel segments.
    assert!(path_points < 400, "{what}: {path_points} path points");
    text
}

#[test]
fn the_briefings_charts_keep_their_text_inside_and_apart() {
    let f = fonts();
    let (charts, w) = briefing_charts();
    assert!(charts.len() >= 5, "{} charts", charts.len());
    let mut all = String::new();
    for c in &charts {
        let h = preferred_height(&f, c, w).unwrap();
        assert!(h > 60.0 && h < w * 0.7, "{}: height {h}", c.title);
        let items = draw(&f, c, 70.0, 100.0, w, h).unwrap();
        assert!(
            items.iter().any(|i| matches!(i, Item::Path(_))),
            "{}: no shapes",
            c.title
        );
        all.push_str(&check_items(&items, (70.0, 100.0, w, h), &c.title));
    }
    for needle in [
        "英伟达",
        "华为昇腾",
        "市场份额（%）",
        "FP16算力（TFLOPS）",
        "机架（万架）",
        "2024年12月2日",
        "ByteAILab",
        "司库财经",
        "青岛",
    ] {
        assert!(all.contains(needle), "missing {needle}");
    }
}

#[test]
fn vertical_bars_get_the_grid_they_ask_plotters_for() {
    let f = fonts();
    let (charts, w) = briefing_charts();
    let share = charts
        .iter()
        .find(|c| c.title.contains("市场份额"))
        .unwrap();
    let h = preferred_height(&f, share, w).unwrap();
    let items = draw(&f, share, 0.0, 0.0, w, h).unwrap();
    let texts: Vec<String> = items
        .iter()
        .filter_map(|i| {
            if let Item::Text(t) = i {
                Some(t.glyphs.iter().map(|g| g.ch).collect())
            } else {
                None
            }
        })
        .collect();
    for t in ["0", "20", "40", "60", "80", "100", "约85%", "10%", "1%"] {
        assert!(texts.iter().any(|x| x == t), "missing {t} in {texts:?}");
    }
    // The y-axis title reads upwards.
    assert!(
        items
            .iter()
            .any(|i| matches!(i, Item::Text(t) if t.angle == 90.0))
    );
    // Five bars, navy.
    let bars = items
        .iter()
        .filter(|i| matches!(i, Item::Path(p) if p.fill == Some(NAVY)))
        .count();
    assert_eq!(bars, 5);
}

#[test]
fn disputed_figures_are_grouped_with_their_sources_and_a_range() {
    let f = fonts();
    let (charts, w) = briefing_charts();
    let c = charts
        .iter()
        .find(|c| c.title.contains("相当于H100"))
        .unwrap();
    let h = preferred_height(&f, c, w).unwrap();
    let items = draw(&f, c, 0.0, 0.0, w, h).unwrap();
    let texts: Vec<String> = items
        .iter()
        .filter_map(|i| {
            if let Item::Text(t) = i {
                Some(t.glyphs.iter().map(|g| g.ch).collect())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(texts.iter().filter(|t| *t == "H20").count(), 1, "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("15%～20%")), "{texts:?}");
    assert!(
        items
            .iter()
            .any(|i| matches!(i, Item::Path(p) if p.alpha < 1.0 && p.fill == Some(ORANGE)))
    );
}

#[test]
fn a_projection_is_dashed_and_labelled() {
    let f = fonts();
    let mut c = chart(
        ChartKind::Line,
        vec![SeriesData {
            name: "算力总规模".into(),
            points: vec![point("2022年底", 180.0), point("2023年8月", 197.0)],
        }],
    );
    c.projection = Some(ProjectionData {
        name: "按年均增长30%推算".into(),
        points: vec![(2023, 197.0), (2024, 256.1), (2025, 332.9)],
        index: None,
    });
    let w = 450.0;
    let h = preferred_height(&f, &c, w).unwrap();
    let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
    let text = check_items(&items, (0.0, 0.0, w, h), "projection");
    assert!(text.contains("预测"), "{text}");
    assert!(items.iter().any(|i| matches!(i, Item::Path(p) if p.stroke.as_ref().is_some_and(|s| !s.dash.is_empty() && s.color == ORANGE))));
    assert!(text.contains("2023年8月") && text.contains("2025年"));
}

#[test]
fn a_projection_alone_is_an_index_drawn_dashed() {
    let f = fonts();
    let mut c = chart(ChartKind::Line, Vec::new());
    c.unit = None;
    c.x_label = Some("年份".into());
    c.y_label = Some("指数（2022年=100）".into());
    c.projection = Some(ProjectionData {
        name: "预测（按年复合增长率52.3%推算）".into(),
        points: (2022..=2026)
            .map(|y| (y, 100.0 * 1.523f64.powi(y - 2022)))
            .collect(),
        index: Some(Some("2022年=100".into())),
    });
    for w in [300.0, 450.0] {
        let h = preferred_height(&f, &c, w).unwrap();
        assert!(h > 100.0, "a real chart, not the no-data note: {h}");
        let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
        let text = check_items(&items, (0.0, 0.0, w, h), "projection alone");
        assert!(!text.contains("暂无"), "{text}");
        assert!(
            text.contains("预测（按年复合增长率52.3%推算）"),
            "legend: {text}"
        );
        for y in 2022..=2026 {
            assert!(text.contains(&format!("{y}年")), "tick {y}: {text}");
        }
        if w > 400.0 {
            for v in ["2022年=100", "152.3", "232.0", "353.3", "538.0"] {
                assert!(text.contains(v), "value {v}: {text}");
            }
        }
        assert!(items.iter().any(|i| matches!(i, Item::Path(p) if p.stroke.as_ref().is_some_and(|s| !s.dash.is_empty() && s.color == NAVY))));
    }
}

#[test]
fn grouped_bars_and_many_categories_stay_legible() {
    let f = fonts();
    let regions = ["青岛", "深圳", "四川", "上海"];
    let s = |name: &str, k: f64| SeriesData {
        name: name.into(),
        points: regions
            .iter()
            .enumerate()
            .map(|(i, r)| point(r, k * (i as f64 + 1.0) * 12_345.0))
            .collect(),
    };
    let mut c = chart(
        ChartKind::GroupedBar,
        vec![s("企业数", 1.0), s("机构数", 0.6), s("项目数", 0.3)],
    );
    c.unit = Some("家".into());
    let w = 450.0;
    let h = preferred_height(&f, &c, w).unwrap();
    let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
    let text = check_items(&items, (0.0, 0.0, w, h), "grouped");
    assert!(text.contains("万"), "Chinese magnitudes: {text}");
    assert!(text.contains("机构数"), "legend: {text}");
    // Twelve categories with long labels: wrapped, or turned horizontal.
    let long: Vec<Point> = (0..12)
        .map(|i| {
            point(
                &format!("第{i}个很长很长的类别名称用于测试"),
                i as f64 + 1.0,
            )
        })
        .collect();
    let c = chart(
        ChartKind::Bar,
        vec![SeriesData {
            name: "x".into(),
            points: long,
        }],
    );
    let h = preferred_height(&f, &c, w).unwrap();
    let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
    check_items(&items, (0.0, 0.0, w, h), "long labels");
}
