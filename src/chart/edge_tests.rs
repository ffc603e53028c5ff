//! Chart edge cases: bad data, dense timelines, long and grouped labels.

use super::tests::{chart, check_items, point, preferred_height};
use super::*;
use crate::config::ChartKind;
use crate::content::{Point, SeriesData};

use crate::text::fonts::test_fonts as fonts;

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
        text: String::new().into(),
        before: String::new().into(),
        after: String::new().into(),
        when: chrono::NaiveDate::from_ymd_opt(d.0, d.1, d.2).map(crate::config::period::day),
        detail: detail.into(),
        written: Default::default(),
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
    let l = |v: &[&str]| {
        v.iter()
            .map(|s| crate::origin::Text::plain(*s))
            .collect::<Vec<_>>()
    };
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
        vec![("青岛".into(), 0, 1), ("深圳".into(), 2, 2)]
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
        name: format!("系列{k}").into(),
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
        text: String::new().into(),
        before: String::new().into(),
        after: String::new().into(),
        when: None,
        detail: "某项政策出台并开始实施，覆盖多个行业".into(),
        written: Default::default(),
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
        label: format!("{y}年").into(),
        value: 0.0,
        text: String::new().into(),
        before: String::new().into(),
        after: String::new().into(),
        when: chrono::NaiveDate::from_ymd_opt(y, 6, 1).map(crate::config::period::day),
        detail: "事件".into(),
        written: Default::default(),
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
