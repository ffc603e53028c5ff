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
fn preferred_height(f: &FontSet, c: &ChartData, w: f32) -> Result<f32> {
    Ok(plan(f, c, w, 100_000.0)?[0].h)
}

/// The charts of the default briefing, as the layout would get them.
fn briefing_charts() -> (Vec<ChartData>, f32) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/briefing.toml");
    let config = crate::config::load(&path).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut out = Vec::new();
    for profile in &config.profiles {
        let b = crate::content::select(&config, profile, date);
        for t in &b.themes {
            for s in &t.sections {
                for bl in &s.blocks {
                    if let BlockContent::Chart(c) = bl {
                        out.push(c.clone());
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

fn point(label: &str, value: f64) -> Point {
    Point {
        label: label.into(),
        value,
        text: crate::content::format::number(value, None),
        before: String::new(),
        after: String::new(),
        date: None,
        detail: String::new(),
    }
}

fn chart(kind: ChartKind, series: Vec<SeriesData>) -> ChartData {
    ChartData {
        kind,
        title: "测试".into(),
        unit: Some("EFLOPS".into()),
        x_label: Some("时间".into()),
        y_label: Some("算力（EFLOPS）".into()),
        note: None,
        series,
        projection: None,
        source_line: String::new(),
    }
}

/// The em box of each glyph of a run on the page (rotation applied), as
/// pdfcheck sees glyphs: 0.88 em above the baseline, 0.12 em below.
fn glyph_boxes(t: &TextRun) -> Vec<(f32, f32, f32, f32, String)> {
    let (sin, cos) = t.angle.to_radians().sin_cos();
    t.glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
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
                g.text.clone(),
            )
        })
        .collect()
}

/// Checks the invariants every chart must keep; returns its text.
fn check_items(items: &[Item], bx: (f32, f32, f32, f32), what: &str) -> String {
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
                text.push_str(&t.glyphs.iter().map(|g| g.text.as_str()).collect::<String>());
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
                Some(t.glyphs.iter().map(|g| g.text.as_str()).collect())
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
                Some(t.glyphs.iter().map(|g| g.text.as_str()).collect())
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

#[test]
fn bad_data_is_drawn_honestly_or_refused() {
    let f = fonts();
    let w = 450.0;
    // A single point is a point.
    let c = chart(
        ChartKind::Line,
        vec![SeriesData {
            name: "a".into(),
            points: vec![point("2023年8月", 197.0)],
        }],
    );
    let h = preferred_height(&f, &c, w).unwrap();
    let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
    assert!(items.iter().any(|i| matches!(i, Item::Circle { .. })));
    check_items(&items, (0.0, 0.0, w, h), "single point");
    // No points at all: a visible note, not a blank box.
    for kind in [
        ChartKind::Line,
        ChartKind::Bar,
        ChartKind::HBar,
        ChartKind::Timeline,
        ChartKind::GroupedBar,
    ] {
        let c = chart(
            kind,
            vec![SeriesData {
                name: "a".into(),
                points: vec![],
            }],
        );
        let items = draw(&f, &c, 0.0, 0.0, w, 60.0).unwrap();
        assert!(check_items(&items, (0.0, 0.0, w, 60.0), "empty").contains("暂无"));
        let c = chart(kind, vec![]);
        assert!(!draw(&f, &c, 0.0, 0.0, w, 60.0).unwrap().is_empty());
    }
    // Negative values hang below a zero line; all-zero data still has a scale.
    let c = chart(
        ChartKind::Bar,
        vec![SeriesData {
            name: "a".into(),
            points: vec![point("甲", -5.0), point("乙", 12.0)],
        }],
    );
    let h = preferred_height(&f, &c, w).unwrap();
    check_items(
        &draw(&f, &c, 0.0, 0.0, w, h).unwrap(),
        (0.0, 0.0, w, h),
        "negative",
    );
    let c = chart(
        ChartKind::HBar,
        vec![SeriesData {
            name: "a".into(),
            points: vec![point("甲", 0.0), point("乙", 0.0)],
        }],
    );
    let h = preferred_height(&f, &c, w).unwrap();
    check_items(
        &draw(&f, &c, 0.0, 0.0, w, h).unwrap(),
        (0.0, 0.0, w, h),
        "zeros",
    );
    // Not a number: refused by name.
    let c = chart(
        ChartKind::Bar,
        vec![SeriesData {
            name: "a".into(),
            points: vec![point("甲", f64::NAN)],
        }],
    );
    let e = draw(&f, &c, 0.0, 0.0, w, 200.0).unwrap_err();
    assert!(e.message().contains("甲"), "{}", e.message());
    // A character the font lacks is reported, not drawn blank.
    let c = chart(
        ChartKind::Bar,
        vec![SeriesData {
            name: "a".into(),
            points: vec![point("\u{e000}", 1.0)],
        }],
    );
    assert!(
        preferred_height(&f, &c, w)
            .and_then(|h| draw(&f, &c, 0.0, 0.0, w, h))
            .is_err()
    );
}

#[test]
fn timeline_captions_of_close_dates_do_not_collide() {
    let f = fonts();
    let ev = |label: &str, d: (i32, u32, u32), detail: &str| Point {
        label: label.into(),
        value: 0.0,
        text: String::new(),
        before: String::new(),
        after: String::new(),
        date: chrono::NaiveDate::from_ymd_opt(d.0, d.1, d.2),
        detail: detail.into(),
    };
    let pts = vec![
        ev(
            "2024年12月2日",
            (2024, 12, 2),
            "美国新一轮对华半导体管制，140家中国企业列入实体清单",
        ),
        ev(
            "2024年12月3日",
            (2024, 12, 3),
            "四家行业协会声明美国芯片不再安全可靠",
        ),
        ev("2024年12月4日", (2024, 12, 4), "又一件事"),
        ev("2023年1月", (2023, 1, 1), "一件事"),
    ];
    let c = chart(
        ChartKind::Timeline,
        vec![SeriesData {
            name: "事件".into(),
            points: pts,
        }],
    );
    for w in [450.0, 300.0] {
        let h = preferred_height(&f, &c, w).unwrap();
        let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
        check_items(&items, (0.0, 0.0, w, h), "timeline");
    }
}

#[test]
fn labels_split_into_groups_only_where_the_data_says_so() {
    let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let c = split_labels(&l(&[
        "H20（ByteAILab）",
        "H20（司库财经）",
        "L20",
        "寒武纪芯片（原文型号存疑）",
    ]));
    assert_eq!(
        c[0],
        Cat {
            group: Some("H20".into()),
            name: "ByteAILab".into()
        }
    );
    assert_eq!(c[1].group.as_deref(), Some("H20"));
    assert_eq!(
        c[3],
        Cat {
            group: None,
            name: "寒武纪芯片（原文型号存疑）".into()
        }
    );
    let c = split_labels(&l(&["青岛：甲", "青岛：乙", "深圳：丙"]));
    assert_eq!(
        group_runs(&c),
        vec![("青岛".to_string(), 0, 1), ("深圳".to_string(), 2, 2)]
    );
    let c = split_labels(&l(&["青岛：甲", "深圳"]));
    assert!(c.iter().all(|c| c.group.is_none()));
}

#[test]
fn wrapped_labels_are_balanced_and_keep_words_whole() {
    let f = fonts();
    for w in [40.0, 60.0, 75.0, 90.0] {
        let lines = canvas::wrap(&f, "DeepEdge10协同机构", LABEL, false, w).unwrap();
        assert!(
            lines.iter().any(|l| l.contains("DeepEdge10")),
            "{w}: {lines:?}"
        );
        assert!(!canvas::splits_word(&lines));
    }
    // Two even lines, broken between clauses where that is even enough.
    let lines = canvas::wrap(
        &f,
        "美国商务部对华AI芯片启动管制，A100、H100为主要对象",
        7.5,
        false,
        170.0,
    )
    .unwrap();
    assert_eq!(
        lines,
        vec!["美国商务部对华AI芯片启动管制，", "A100、H100为主要对象"]
    );
    let lines = canvas::wrap(
        &f,
        "四家行业协会声明美国芯片不再安全可靠，建议谨慎采购",
        7.5,
        false,
        150.0,
    )
    .unwrap();
    assert_eq!(lines.len(), 2);
    let (a, b) = (
        canvas::measure(&f, &lines[0], 7.5, false).unwrap(),
        canvas::measure(&f, &lines[1], 7.5, false).unwrap(),
    );
    assert!((a - b).abs() < 3.0 * 7.5, "{lines:?}");
}

#[test]
fn dense_lines_and_undated_timelines_stay_legible() {
    let f = fonts();
    let w = 450.0;
    let monthly = |k: f64| SeriesData {
        name: format!("系列{k}"),
        points: (0..24)
            .map(|i| {
                point(
                    &format!("{}年{}月", 2023 + i / 12, i % 12 + 1),
                    k * (100.0 + (i as f64 * 0.7).sin() * 30.0 + i as f64 * 3.0),
                )
            })
            .collect(),
    };
    let c = chart(ChartKind::Line, vec![monthly(1.0), monthly(0.5)]);
    let h = preferred_height(&f, &c, w).unwrap();
    let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
    let text = check_items(&items, (0.0, 0.0, w, h), "dense line");
    assert!(text.contains("系列0.5"), "legend: {text}");
    // Categories that are not dates are spaced evenly, in order.
    let c = chart(
        ChartKind::Line,
        vec![SeriesData {
            name: "a".into(),
            points: vec![point("甲", 3.0), point("乙", 1.0), point("丙", 2.0)],
        }],
    );
    let h = preferred_height(&f, &c, w).unwrap();
    check_items(
        &draw(&f, &c, 0.0, 0.0, w, h).unwrap(),
        (0.0, 0.0, w, h),
        "categorical line",
    );
    // Events without dates keep their order, evenly spaced.
    let ev = |l: &str| Point {
        label: l.into(),
        value: 0.0,
        text: String::new(),
        before: String::new(),
        after: String::new(),
        date: None,
        detail: "某项政策出台并开始实施，覆盖多个行业".into(),
    };
    let c = chart(
        ChartKind::Timeline,
        vec![SeriesData {
            name: "a".into(),
            points: vec![
                ev("第一阶段"),
                ev("第二阶段"),
                ev("第三阶段"),
                ev("第四阶段"),
                ev("第五阶段"),
            ],
        }],
    );
    let h = preferred_height(&f, &c, w).unwrap();
    check_items(
        &draw(&f, &c, 0.0, 0.0, w, h).unwrap(),
        (0.0, 0.0, w, h),
        "undated timeline",
    );
}

#[test]
fn a_long_timeline_names_the_years_it_has_room_for() {
    let f = fonts();
    let ev = |y: i32| Point {
        label: format!("{y}年"),
        value: 0.0,
        text: String::new(),
        before: String::new(),
        after: String::new(),
        date: chrono::NaiveDate::from_ymd_opt(y, 6, 1),
        detail: "事件".into(),
    };
    let c = chart(
        ChartKind::Timeline,
        vec![SeriesData {
            name: "a".into(),
            points: vec![ev(1990), ev(2005), ev(2024)],
        }],
    );
    let w = 450.0;
    let h = preferred_height(&f, &c, w).unwrap();
    let items = draw(&f, &c, 0.0, 0.0, w, h).unwrap();
    let text = check_items(&items, (0.0, 0.0, w, h), "long timeline");
    assert!(text.matches("年\n").count() >= 8, "{text}");
}
