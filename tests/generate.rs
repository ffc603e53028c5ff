//! End to end: the real binary writes the default briefing, and real PDF
//! readers (poppler, qpdf, PyMuPDF through pdfcheck) read it back.

mod common;

use common::{Sandbox, pdfcheck_report, text_of, tool};

fn generate(sb: &Sandbox, date: &str) -> std::path::PathBuf {
    let out = sb.run(&["generate", "--date", date]);
    assert!(
        out.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = std::path::PathBuf::from(stdout.trim());
    assert_eq!(
        path,
        sb.out().join(format!("briefing-{date}.pdf")),
        "prints the written path"
    );
    assert!(path.is_file());
    path
}

#[test]
fn default_briefing_passes_pdfcheck_and_carries_key_figures() {
    let sb = Sandbox::new();
    let pdf = generate(&sb, "2026-11-24");

    if let Some(report) = pdfcheck_report(&pdf) {
        assert_eq!(
            report["verdict"]["pass"], true,
            "pdfcheck failures: {}",
            report["verdict"]["failures"]
        );
        assert_eq!(report["layout"]["overlapping_glyphs"]["count"], 0);
    }
    // What the document says of itself, read back by poppler.
    let info = common::pdfinfo(&pdf);
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    let objects = tool(
        "qpdf",
        &["--json=2", "--json-key=qpdf", pdf.to_str().unwrap()],
    );
    assert!(objects.contains("\"/Lang\": \"u:zh-CN\""), "no /Lang zh-CN");

    let text = text_of(&pdf);
    for needle in [
        "197",
        "EFLOPS",
        "52.3%",
        "320",
        "TFLOPS",
        "85%",
        "青岛",
        "深圳",
        "四川",
        "上海",
        "2026年11月24日",
        "资料来源",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle}");
    }
    // Han–Latin spacing is glyph positioning, never a typed space.
    let chars: Vec<char> = text.chars().collect();
    for w in chars.windows(3) {
        let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        assert!(
            !(w[0].is_ascii_digit() && w[1] == ' ' && han(w[2])),
            "digit–space–Han in extracted text: {}",
            w.iter().collect::<String>()
        );
    }
}

#[test]
fn charts_are_vectors_with_real_text() {
    let sb = Sandbox::new();
    let pdf = generate(&sb, "2026-11-24");
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(
        images.lines().count(),
        2,
        "no raster images, only the header lines: {images}"
    );
    let text = text_of(&pdf);
    let figures = (1..=20)
        .filter(|n| text.contains(&format!("图{n}")))
        .count();
    assert!(figures >= 5, "at least five figures, found {figures}");
    for label in [
        "英伟达",
        "华为昇腾",
        "市场份额（%）",
        "资料来源：",
        "2022年",
    ] {
        assert!(text.contains(label), "chart text {label} not extractable");
    }
}

#[test]
fn every_font_is_an_embedded_subset_with_tounicode() {
    let sb = Sandbox::new();
    let pdf = generate(&sb, "2026-11-24");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(
        rows.len() >= 3,
        "expected serif, sans and bold faces: {fonts}"
    );
    for row in rows {
        let name = row.split_whitespace().next().unwrap();
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "subset tag missing: {row}"
        );
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb/sub/uni: {row}"
        );
    }
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);
}

#[test]
fn same_inputs_give_identical_bytes() {
    let sb = Sandbox::new();
    let a = std::fs::read(generate(&sb, "2026-11-24")).unwrap();
    let b = std::fs::read(generate(&sb, "2026-11-24")).unwrap();
    assert!(a == b, "two runs with SOURCE_DATE_EPOCH differ");
    let info = tool(
        "pdfinfo",
        &[
            "-isodates",
            sb.out().join("briefing-2026-11-24.pdf").to_str().unwrap(),
        ],
    );
    assert!(
        info.contains("2025-11-24T16:00:00"),
        "CreationDate from SOURCE_DATE_EPOCH: {info}"
    );
    assert!(info.contains("Title:") && info.contains("中国人工智能算力产业简报"));
}

#[test]
fn a_past_date_uses_only_sources_published_by_then() {
    let sb = Sandbox::new();
    let pdf = generate(&sb, "2023-09-01");
    let text = text_of(&pdf);
    assert!(text.contains("2023年9月1日"));
    assert!(text.contains("197"), "the August 2023 figures are known");
    // 2024 and 2025 sources are not: no Ascend 910B FP16 figure, no 105 EFLOPS target.
    assert!(
        !text.contains("TFLOPS"),
        "a 2024 chip figure leaked into a 2023 briefing"
    );
    assert!(!text.contains("105 EFLOPS") && !text.contains("105EFLOPS"));
    assert!(
        !text.contains("大国重算") && !text.contains("英偉達困局"),
        "later sources listed"
    );
    if let Some(report) = pdfcheck_report(&pdf) {
        assert!(report["verdict"]["pass"] == true);
    }
}

#[test]
fn a_date_before_every_source_gives_notes_not_empty_headings() {
    let sb = Sandbox::new();
    let pdf = generate(&sb, "2020-01-01");
    let text = text_of(&pdf);
    assert!(
        text.contains("一、") && text.contains("尚无"),
        "each theme gets a one-line note: {text}"
    );
    assert!(!text.contains("（一）"), "no subsection without content");
}

#[test]
fn a_chips_only_profile_has_no_regional_section() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "\n[[profile]]\nname = \"chips\"\nthemes = [\"chip-gap\"]\n",
    );
    let out = sb.run(&["generate", "--date", "2026-11-24", "--profile", "chips"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = sb.out().join("chips-2026-11-24.pdf");
    let text = text_of(&pdf);
    assert!(text.contains("昇腾") && text.contains("TFLOPS"));
    for region in ["青岛", "深圳", "四川：", "地方算力"] {
        assert!(
            !text.contains(region),
            "chips-only briefing mentions {region}"
        );
    }
    assert!(
        !sb.out().join("briefing-2026-11-24.pdf").exists(),
        "--profile builds only that profile"
    );
}

#[test]
fn check_and_themes_subcommands_report() {
    let sb = Sandbox::new();
    let out = sb.run(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));
    assert!(sb.outputs().is_empty(), "check writes nothing");
    let out = sb.run(&["themes"]);
    let s = String::from_utf8_lossy(&out.stdout);
    for id in [
        "compute-totals",
        "chip-gap",
        "regional-policy",
        "qingdao",
        "shenzhen",
        "sichuan",
        "shanghai",
    ] {
        assert!(s.contains(id), "themes lists {id}: {s}");
    }
}

#[test]
fn one_info_dictionary_and_no_orphan_objects() {
    let sb = Sandbox::new();
    let pdf = generate(&sb, "2026-11-24");
    // pikepdf walks every object in the file: exactly one document
    // information dictionary (printpdf's 1970 one is gone), and every
    // object reachable from the trailer.
    let script = r#"
import sys, pikepdf
p = pikepdf.open(sys.argv[1])
infos = [o for o in p.objects if isinstance(o, pikepdf.Dictionary) and '/CreationDate' in o]
seen = set()
stack = [p.trailer]
while stack:
    o = stack.pop()
    if isinstance(o, pikepdf.Object) and o.is_indirect:
        if o.objgen in seen:
            continue
        seen.add(o.objgen)
    if isinstance(o, (pikepdf.Dictionary, pikepdf.Stream)):
        stack.extend(o.values())
    elif isinstance(o, pikepdf.Array):
        stack.extend(list(o))
# Object and cross-reference streams are the file's structure, not content.
structural = lambda o: isinstance(o, pikepdf.Stream) and o.get('/Type') in ('/ObjStm', '/XRef')
orphans = [o.objgen for o in p.objects if o.objgen != (0, 0) and o.objgen not in seen and not structural(o)]
print(len(infos), str(infos[0]['/CreationDate']) if infos else '', len(orphans))
"#;
    let out = tool("python3", &["-c", script, pdf.to_str().unwrap()]);
    let f: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(f[0], "1", "info dictionaries: {out}");
    assert!(!f[1].starts_with("D:1970"), "{out}");
    assert_eq!(f[2], "0", "unreferenced objects: {out}");
}
