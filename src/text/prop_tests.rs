//! The paragraph setter's rules, on any content an analyst might write:
//! Han text, Latin words and product names, URLs and file names, figures
//! bound to their units (as content binds them), nested brackets and
//! quotes, and runs that cannot break at all — at any measure, justified
//! or ragged. Checked on the set lines: nothing past the measure, no
//! prohibited line start or end, no break inside a Latin word, a URL
//! (except at its joints) or a figure and its unit unless the run is wider
//! than the line, and the text exactly as written — nothing lost, doubled
//! or inserted (an inserted hyphen is a run of its own).

use proptest::prelude::*;

use super::fonts::{FontSet, test_fonts};
use super::script::{no_end, no_start};
use super::{Align, ParaStyle, SetLine, layout};
use crate::frame::{FontKind, Rgb};

/// Unicode's word joiner, as content puts it between a figure's characters.
const WJ: char = '\u{2060}';

/// One piece of generated content: its text, and whether a line may be
/// tested for breaking inside it (`Kind`).
#[derive(Debug, Clone)]
enum Piece {
    Han(String),
    Latin(String),
    Url(String),
    Figure(String),
    Mark(String),
    Unbreakable(String),
}

fn han() -> impl Strategy<Value = Piece> {
    let chars: Vec<char> = "算力规模中国人工智能芯片数据中心国产训练推理集群政策地区产业发展超过约为年底增长市场份额企业出货量总计"
        .chars()
        .collect();
    proptest::collection::vec(proptest::sample::select(chars), 1..14)
        .prop_map(|v| Piece::Han(v.into_iter().collect()))
}

fn latin() -> impl Strategy<Value = Piece> {
    prop_oneof![
        "[A-Za-z]{1,10}".prop_map(Piece::Latin),
        proptest::sample::select(vec![
            "DeepSeek-R1",
            "H100",
            "Atlas 900",
            "NVIDIA",
            "FP16",
            "910B"
        ])
        .prop_map(|s| Piece::Latin(s.to_string())),
    ]
}

fn url() -> impl Strategy<Value = Piece> {
    (
        "[a-z]{3,12}",
        "[a-z]{2,3}",
        proptest::collection::vec("[a-z0-9]{2,10}", 0..5),
        proptest::option::of("[a-z]{4,9}\\.(pdf|html)"),
    )
        .prop_map(|(host, tld, path, file)| {
            let mut s = format!("https://{host}.{tld}");
            for p in path {
                s.push('/');
                s.push_str(&p);
            }
            if let Some(f) = file {
                s.push('/');
                s.push_str(&f);
            }
            Piece::Url(s)
        })
}

fn figure() -> impl Strategy<Value = Piece> {
    (
        0u32..100_000,
        proptest::option::of(0u32..100),
        proptest::sample::select(vec![
            "%",
            "EFLOPS",
            "万架",
            "kW/柜",
            "亿元",
            "TB/s",
            "家",
            "万亿亿次",
        ]),
    )
        .prop_map(|(n, frac, unit)| {
            let num = match frac {
                Some(f) => format!("{n}.{f}"),
                None => n.to_string(),
            };
            let sep = if unit.starts_with(|c: char| c.is_ascii_alphabetic()) {
                " "
            } else {
                ""
            };
            let s = format!("{num}{sep}{unit}");
            // Bound as content binds a figure printed from a fact.
            let bound: Vec<String> = s.chars().map(String::from).collect();
            Piece::Figure(bound.join(&WJ.to_string()))
        })
}

fn mark() -> impl Strategy<Value = Piece> {
    proptest::sample::select(vec![
        "，", "。", "、", "：", "；", "！", "？", "（", "）", "“", "”", "《", "》", "「", "」",
        "——", "……",
    ])
    .prop_map(|s| Piece::Mark(s.to_string()))
}

fn unbreakable() -> impl Strategy<Value = Piece> {
    "[A-Z0-9]{20,60}".prop_map(Piece::Unbreakable)
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        6 => han(),
        2 => latin(),
        1 => url(),
        2 => figure(),
        3 => mark(),
        1 => unbreakable(),
    ]
}

/// A paragraph of pieces, quoted and bracketed phrases nested in it.
fn paragraph() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (piece(), proptest::sample::select(vec![0u8, 0, 0, 1, 2])),
        1..40,
    )
    .prop_map(|v| {
        let mut s = String::new();
        for (p, wrap) in v {
            let text = match p {
                Piece::Han(t)
                | Piece::Latin(t)
                | Piece::Url(t)
                | Piece::Figure(t)
                | Piece::Mark(t)
                | Piece::Unbreakable(t) => t,
            };
            match wrap {
                1 => s.push_str(&format!("（{text}）")),
                2 => s.push_str(&format!("“《{text}》”")),
                _ => s.push_str(&text),
            }
        }
        s
    })
}

fn fonts() -> &'static FontSet {
    static F: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
    F.get_or_init(test_fonts)
}

fn style(justify: bool, size: f32) -> ParaStyle {
    ParaStyle {
        font: FontKind::Serif,
        size,
        color: Rgb(0.0, 0.0, 0.0),
        align: if justify { Align::Justify } else { Align::Left },
        indent_em: if justify { 2.0 } else { 0.0 },
    }
}

/// The text of a line as set (its superscript mark after it), without
/// the inserted hyphen.
fn line_text(l: &SetLine) -> String {
    l.run
        .glyphs
        .iter()
        .chain(l.sup.iter().flat_map(|s| &s.glyphs))
        .map(|g| g.ch)
        .collect()
}

/// Whether `c` is a joint a URL may break after.
fn joint(c: char) -> bool {
    matches!(c, '/' | '.' | '-' | '?' | '&' | '=' | '_' | '#' | '~')
}

/// The characters of `input` that bind to the one before them (a joiner
/// in between), by position among the set characters.
fn bound_pairs(input: &str) -> Vec<bool> {
    let mut out = Vec::new();
    let mut join = false;
    for c in input.chars() {
        match c {
            WJ => join = true,
            '\u{3000}' => {}
            _ => out.push(std::mem::take(&mut join)),
        }
    }
    out
}

fn check(input: &str, width: f32, justify: bool) -> Result<(), TestCaseError> {
    let lines = layout(fonts(), input, &style(justify, 10.5), width)
        .expect("the fonts have these characters");
    check_lines(input, width, &lines)
}

/// The rules, on `lines` set from `input` at `width`.
fn check_lines(input: &str, width: f32, lines: &[SetLine]) -> Result<(), TestCaseError> {
    // The text exactly as written, spaces aside (spaces at a break vanish).
    let shown: String = input
        .chars()
        .filter(|c| !matches!(*c, WJ | '\u{3000}') && !c.is_whitespace())
        .collect();
    let set: String = lines
        .iter()
        .map(line_text)
        .collect::<String>()
        .split_whitespace()
        .collect();
    prop_assert_eq!(&set, &shown, "text lost, doubled or inserted");
    let bound = bound_pairs(input);
    let mut at = 0; // index into the set characters (spaces included)
    let set_chars: Vec<char> = input
        .chars()
        .filter(|c| !matches!(*c, WJ | '\u{3000}'))
        .collect();
    for (k, l) in lines.iter().enumerate() {
        // Inside the measure: every glyph, a line-end mark's blank half
        // aside (it is trimmed there).
        prop_assert!(
            l.width <= width + 0.01,
            "line {k} is {} wide in {width}",
            l.width
        );
        let n = l.run.glyphs.len();
        for (i, g) in l.run.glyphs.iter().enumerate() {
            // An opening bracket may lose its blank left half: at the
            // line start it hangs (docs/typesetting.md §2), after another
            // glyph it overlaps that glyph's box, its ink inside the line
            // either way.
            let start = if super::script::is_opening(g.ch) {
                g.x + g.advance / 2.0
            } else {
                g.x
            };
            prop_assert!(
                start >= -0.01,
                "glyph {:?} of line {k} starts before the line",
                g.ch
            );
            let end = if i + 1 == n && super::script::is_compressible(g.ch) {
                g.x + g.advance / 2.0
            } else {
                g.x + g.advance
            };
            prop_assert!(
                end <= width + 0.01,
                "glyph {:?} of line {k} ends at {end} past {width}",
                g.ch
            );
        }
        let text = line_text(l);
        let trimmed = text.trim();
        let (Some(first), Some(last)) = (trimmed.chars().next(), trimmed.chars().last()) else {
            continue;
        };
        // A rule of the script gives way only to a run that no legal
        // break can fit (the line before says so).
        if k > 0 && lines[k - 1].forced.is_none() {
            prop_assert!(!no_start(first), "line {k} starts with {first:?}: {text:?}");
        }
        if k + 1 < lines.len() && l.forced.is_none() {
            prop_assert!(!no_end(last), "line {k} ends with {last:?}: {text:?}");
        }
        // Advance to the first character of the next line.
        at += text.chars().count();
        while at < set_chars.len() && set_chars[at].is_whitespace() {
            at += 1;
        }
        if k + 1 == lines.len() || l.forced.is_some() {
            continue;
        }
        let (a, b) = (set_chars[at - 1], set_chars[at]);
        // A figure stays with its unit; a Latin word, number or name is
        // whole; a URL or long token breaks only after a joint or, a
        // plain word, at an inserted hyphen.
        prop_assert!(!bound[at], "a figure split: {a:?}|{b:?} in {text:?}");
        if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
            prop_assert!(
                l.hyphen.is_some(),
                "a Latin run split without a hyphen: {text:?}"
            );
        }
        if a.is_ascii_graphic() && b.is_ascii_graphic() && l.hyphen.is_none() {
            prop_assert!(
                joint(a),
                "a URL or code split not at a joint: {a:?}|{b:?} in {text:?}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn a_paragraph_obeys_the_rules_at_any_measure(
        text in paragraph(),
        ems in 4u32..40,
        justify in any::<bool>(),
    ) {
        check(&text, ems as f32 * 10.5, justify)?;
    }
}

/// The checker itself catches what it is for: a lost character, a glyph
/// past the measure, a prohibited line start, a split figure.
#[test]
fn the_checker_fails_on_a_broken_setting() {
    let text = format!("算力规模持续扩大，其中智能算力增长超过5{WJ}2{WJ}.{WJ}3{WJ}%的企业占比最高");
    let width = 8.0 * 10.5;
    let good = layout(fonts(), &text, &style(true, 10.5), width).unwrap();
    assert!(check_lines(&text, width, &good).is_ok());
    let broken = |f: &dyn Fn(&mut Vec<SetLine>)| {
        let mut lines = good.clone();
        f(&mut lines);
        check_lines(&text, width, &lines).is_err()
    };
    assert!(broken(&|l| {
        l[0].run.glyphs.pop();
    }));
    assert!(broken(&|l| {
        l[0].run.glyphs[0].x += width;
    }));
    // Break a line before its comma.
    assert!(broken(&|l| {
        let k = l
            .iter()
            .position(|x| x.run.glyphs.iter().any(|g| g.ch == '，'))
            .unwrap();
        let at = l[k].run.glyphs.iter().position(|g| g.ch == '，').unwrap();
        let mut rest = l[k].clone();
        rest.run.glyphs = l[k].run.glyphs.split_off(at);
        l.insert(k + 1, rest);
    }));
    // Set the figure from the middle: break it after its `5`.
    let split = format!("算力规模持续扩大，其中智能算力增长超过5{WJ}2%的企业");
    let lines = layout(fonts(), &split.replace(WJ, ""), &style(true, 10.5), width).unwrap();
    let at = lines.iter().position(|l| line_text(l).ends_with('5'));
    if at.is_some() {
        assert!(check_lines(&split, width, &lines).is_err());
    }
}
