//! Paragraph pipeline tests with the real fonts.

use super::*;
use crate::text::fonts::test_fonts as fonts;

fn texts(lines: &[SetLine]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.run.glyphs.iter().map(|g| g.ch).collect())
        .collect()
}

fn style(size: f32, indent_em: f32) -> ParaStyle {
    ParaStyle {
        font: FontKind::Serif,
        size,
        color: Rgb(0.0, 0.0, 0.0),
        align: Align::Justify,
        indent_em,
    }
}

#[test]
fn an_opening_bracket_at_a_line_start_hangs_its_blank_half() {
    let f = fonts();
    // Ten ems wide: the bracket falls at the start of the second line.
    let lines = layout(
        &f,
        "一二三四五六七八九十（甲乙）丙丁戊己庚辛",
        &style(10.0, 0.0),
        100.0,
    )
    .unwrap();
    let second = &lines[1].run.glyphs;
    assert_eq!(second[0].ch, '（');
    assert!(
        (second[0].x + 5.0).abs() < 0.01,
        "starts half an em left of the margin: {}",
        second[0].x
    );
    assert_eq!(lines[0].run.glyphs[0].x, 0.0);
}

#[test]
fn an_unindented_paragraph_hangs_its_opening_bracket_on_the_first_line_too() {
    let f = fonts();
    let lines = layout(&f, "（一）规模与增速", &style(10.0, 0.0), 200.0).unwrap();
    assert!((lines[0].run.glyphs[0].x + 5.0).abs() < 0.01);
    // Indented body text keeps its indent whole.
    let lines = layout(&f, "（一）规模与增速", &style(10.0, 2.0), 200.0).unwrap();
    assert!((lines[0].run.glyphs[0].x - 20.0).abs() < 0.01);
}

#[test]
fn long_title_with_closing_bracket_breaks_legally() {
    let f = fonts();
    let s = "中国算力大会相关报道：《AI推高中国算力总量 产业从“计算”到“智算”还差几步？》，2023年8月19日。";
    let lines = layout(&f, s, &style(9.0, 0.0), 40.0 * 9.0 - 25.0).unwrap();
    let t = texts(&lines);
    for l in &t {
        let c = l.chars().next().unwrap();
        assert!(!script::no_start(c), "{t:?}");
    }
    assert!(t[0].chars().count() > 20, "{t:?}");
}

#[test]
fn a_url_wider_than_the_line_breaks_only_at_its_joints() {
    let f = fonts();
    let url = "https://www.example.org/publications/2025/china-ai-compute-industry-annual-report-final-version.pdf";
    let text = format!("报告全文见{url}，欢迎查阅DeepSeek-R1相关章节。");
    let lines = layout(&f, &text, &style(10.5, 2.0), 300.0).unwrap();
    let t = texts(&lines);
    for w in t.windows(2) {
        let (a, b) = (w[0].chars().last().unwrap(), w[1].chars().next().unwrap());
        assert!(
            !(a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()),
            "split inside a word: {t:?}"
        );
        assert!(!script::no_start(b), "prohibited line start: {t:?}");
    }
    for l in &lines {
        assert!(
            l.width <= 300.5,
            "overfull line {:?}",
            texts(std::slice::from_ref(l))
        );
    }
    assert!(t.concat().contains("DeepSeek-R1"), "{t:?}");
}

#[test]
fn a_bound_figure_never_splits() {
    let f = fonts();
    let fig: String = "1200万美元"
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join("\u{2060}");
    for width in [60.0f32, 80.0, 95.0, 110.0, 130.0] {
        let text = format!("大模型训练一次要花200万至{fig}不等");
        let t = texts(&layout(&f, &text, &style(10.0, 0.0), width).unwrap());
        assert!(t.iter().any(|l| l.contains("1200万美元")), "{width}: {t:?}");
    }
}

#[test]
fn the_last_line_avoids_three_characters_when_it_can() {
    let f = fonts();
    // 43 Han characters in a 20-em measure: 20 + 20 + 3 unless the
    // optimiser pulls more onto the last line.
    let text = "算力已成为数字经济时代的关键生产力是全社会数字化智能化转型的重要基石要加快关键技术攻关持续提升供给能力";
    let lines = layout(&f, text, &style(10.0, 0.0), 200.0).unwrap();
    let last = texts(&lines).pop().unwrap();
    assert!(last.chars().count() >= 4, "{:?}", texts(&lines));
}

/// A face that centres its full-width pause and stop marks (WenQuanYi Zen
/// Hei, as fonts made for other conventions do; scripts/test installs
/// it), or `$TRUETYPE_CJK_FONT`, as the body face.
fn centred_marks() -> FontSet {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let wqy = std::env::var_os("TRUETYPE_CJK_FONT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc".into());
    FontSet::open([
        (&wqy, 0),
        (&root.join("NotoSansCJK-Regular.ttc"), 2),
        (&root.join("NotoSansCJK-Bold.ttc"), 2),
    ])
    .unwrap_or_else(|e| {
        panic!(
            "{}: {e:?} (run scripts/test, which installs fonts-wqy-zenhei)",
            wqy.display()
        )
    })
}

/// The x of each glyph of a one-line paragraph, in ems.
fn xs(f: &FontSet, text: &str) -> Vec<(char, f32)> {
    let lines = layout(f, text, &style(10.0, 0.0), 1000.0).unwrap();
    assert_eq!(lines.len(), 1);
    lines[0]
        .run
        .glyphs
        .iter()
        .map(|g| (g.ch, g.x / 10.0))
        .collect()
}

#[test]
fn a_mark_is_compressed_only_where_its_blank_half_is_blank() {
    let (noto, wqy) = (fonts(), centred_marks());
    // Two adjacent marks take 1.5 em: in a Simplified Chinese face the
    // stop's blank right half goes; where the stop is centred, the
    // bracket's blank left half goes instead.
    for f in [&noto, &wqy] {
        let x = xs(f, "同！《报");
        assert!((x[3].1 - x[1].1 - 1.5).abs() < 0.01, "{x:?}");
    }
    // A centred comma before a bracket with no blank half to give (the
    // face's quotes are narrow) keeps its whole em.
    let x = xs(&wqy, "同，“报");
    assert!((x[2].1 - x[1].1 - 1.0).abs() < 0.01, "{x:?}");
    let x = xs(&noto, "同，“报");
    assert!((x[2].1 - x[1].1 - 0.5).abs() < 0.01, "{x:?}");
    // Only a comma set on the left may lose its right half (when a line
    // is tight, or at a line end).
    let comma = |f: &FontSet| {
        glue::shape(
            f,
            &"甲，乙".into(),
            collect::collect("甲，乙", None),
            FontKind::Serif,
            10.0,
        )
        .unwrap()
        .full[1]
    };
    assert!(comma(&noto));
    assert!(!comma(&wqy), "a centred comma taken for a left-set one");
}

#[test]
fn a_traditional_face_gives_a_quarter_em_each_side_of_a_centred_mark() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let face = |index| {
        FontSet::open([
            (&root.join("NotoSerifCJK-Regular.ttc"), index),
            (&root.join("NotoSansCJK-Regular.ttc"), index),
            (&root.join("NotoSansCJK-Bold.ttc"), index),
        ])
        .unwrap()
    };
    let (sc, tc) = (face(2), face(3));
    let give = |f: &FontSet, c: char, right: bool| {
        let font = f.get(FontKind::Serif);
        font.give(font.glyph(c).unwrap(), right)
    };
    // The faces' own `halt` data: the Simplified comma and full stop keep
    // their ink on the left, the Traditional ones in the centre.
    for c in ['，', '。'] {
        assert!((give(&sc, c, true) - 0.5).abs() < 0.01);
        assert!((give(&tc, c, true) - 0.25).abs() < 0.01, "{c}");
        assert!((give(&tc, c, false) - 0.25).abs() < 0.01, "{c}");
    }
    // So a Traditional comma is never trimmed by half at a line end nor
    // between marks, but a tight line may take a quarter from it.
    let shaped = glue::shape(
        &tc,
        &"甲，乙".into(),
        collect::collect("甲，乙", None),
        FontKind::Serif,
        10.0,
    )
    .unwrap();
    assert!(!shaped.full[1]);
    assert!(
        (shaped.glue[1].shrink2 - 2.5).abs() < 0.01,
        "{:?}",
        shaped.glue[1]
    );
}

/// Gaps between neighbouring Han characters of set lines, in ems beyond
/// the characters' own em.
fn han_gaps(lines: &[SetLine], em: f32) -> Vec<f32> {
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut out = Vec::new();
    for l in lines {
        for w in l.run.glyphs.windows(2) {
            if han(w[0].ch) && han(w[1].ch) {
                out.push((w[1].x - w[0].x) / em - 1.0);
            }
        }
    }
    out
}

#[test]
fn the_line_before_a_long_unbreakable_run_is_not_spread_to_wide_gaps() {
    // Before: the line ending before the run had up to 0.88 em between
    // its characters. Now no gap opens past MAX_LETTER_SPACE; the line
    // ends short of the measure instead, and nothing passes the measure.
    let f = fonts();
    for run in ["H100NVLink4SXM5PCIeGen5x16Bandwidth", "1234567890123456789"] {
        let s = format!(
            "国内厂商在推理侧的布局逐步扩大，其中{run}等产品在多个数据中心部署，带动了配套软件的成熟与生态的完善。"
        );
        for w in 18..36 {
            let width = w as f32 * 10.0;
            let lines = layout(&f, &s, &style(10.0, 2.0), width).unwrap();
            for g in han_gaps(&lines, 10.0) {
                assert!(
                    g <= super::glue::MAX_LETTER_SPACE + 1e-3,
                    "{run} at {w} em: gap {g}"
                );
            }
            for l in &lines {
                let last = l.run.glyphs.last().unwrap();
                // A line-end mark's blank half may hang past the measure.
                let blank = if "，。、；".contains(last.ch) {
                    5.0
                } else {
                    0.0
                };
                assert!(
                    last.x + last.advance - blank <= width + 0.01,
                    "{run} at {w} em: {:?} {}",
                    texts(&lines),
                    last.x + last.advance
                );
            }
        }
    }
}

#[test]
fn a_space_between_a_figure_and_its_unit_stays_near_a_quarter_em() {
    let f = fonts();
    let s = "对照2022年底的180 EFLOPS和超过650万架，两项指标分别增长9.4%和约17%，单卡算力约320 TFLOPS，采用4 nm工艺。";
    let mut seen = 0;
    for w in 14..40 {
        let lines = layout(&f, s, &style(10.0, 2.0), w as f32 * 10.0).unwrap();
        for l in &lines {
            let g: Vec<_> = l.run.glyphs.iter().filter(|g| g.ch != ' ').collect();
            for k in g.windows(2) {
                if k[0].ch.is_ascii_digit() && k[1].ch.is_ascii_alphabetic() {
                    let gap = (k[1].x - k[0].x - k[0].advance) / 10.0;
                    assert!(
                        (0.25 - 1e-3..=0.28 + 1e-3).contains(&gap),
                        "at {w} em: {gap}"
                    );
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 50, "{seen}");
}

#[test]
fn a_body_paragraph_ends_on_eight_characters_or_more_where_it_can() {
    // Before: `1比1.5。` (six, the source mark counted as three more).
    let f = fonts();
    let s = "ByteAILab梳理称，作为“东数西算”工程的核心部分，各地新建的智算中心到2025年预计可提供超过105 EFLOPS的AI算力。该文还引用预测说，2020—2030年全球AI算力需求将增至原来的500倍，并称中国AI算力的增长是其中的主要驱动力；眼下中美两国的AI算力之比约1比1.5。";
    let width = 160.0 * 72.0 / 25.4;
    let lines = layout_marked(&f, s, Some("[2]"), &style(10.5, 2.0), width).unwrap();
    let last: String = lines
        .last()
        .unwrap()
        .run
        .glyphs
        .iter()
        .map(|g| g.ch)
        .collect();
    assert!(last.chars().count() >= 8, "{last}");
    for g in han_gaps(&lines, 10.5) {
        assert!(g < 0.12, "looser than it needs: {g}");
    }
}
