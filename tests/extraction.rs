//! Copy and paste in the engines readers use: poppler (Evince, Okular,
//! `pdftotext`), pdf.js (Firefox), PDFium (Chrome, Edge) and MuPDF
//! (SumatraPDF; both the current library, through PyMuPDF, and the
//! distribution's `mutool`, an older MuPDF that places glyphs by the
//! embedded program's own advances). Each reads the real PDF the real
//! binary wrote.
//!
//! A visible gap (the quarter em between `2022` and `年`) must not come out
//! as a space in any of them, every font's widths must be its program's
//! (fontTools reads both), and pdf.js must load every subset as embedded,
//! without a warning; pdf.js and MuPDF must draw every page as poppler
//! does. docs/typesetting.md §7 says how the PDF achieves this and which
//! engines were measured.

mod common;

use common::{Sandbox, root, tool};
use std::path::{Path, PathBuf};

/// Where scripts/test installs pdfjs-dist, or `$PDFJS_DIST`.
fn pdfjs_dist() -> PathBuf {
    std::env::var_os("PDFJS_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/node/node_modules/pdfjs-dist"))
}

/// The text each engine extracts, by engine name.
fn extract(pdf: &Path) -> Vec<(&'static str, String)> {
    let file = pdf.to_str().unwrap();
    let helper = root().join("tests/support");
    let pdfjs = pdfjs_dist();
    assert!(
        pdfjs.join("legacy/build/pdf.mjs").is_file(),
        "pdfjs-dist not found at {} (run scripts/test, which installs it, or set PDFJS_DIST)",
        pdfjs.display()
    );
    let py = helper.join("extract.py");
    vec![
        ("poppler", tool("pdftotext", &["-enc", "UTF-8", file, "-"])),
        (
            "pdf.js",
            tool(
                "node",
                &[
                    helper.join("pdfjs-text.mjs").to_str().unwrap(),
                    pdfjs.to_str().unwrap(),
                    file,
                ],
            ),
        ),
        (
            "mutool",
            tool("mutool", &["draw", "-q", "-F", "txt", "-o", "-", file]),
        ),
        (
            "MuPDF",
            tool(
                "python3",
                &["-W", "ignore", py.to_str().unwrap(), "mupdf", file],
            ),
        ),
        (
            "PDFium",
            tool(
                "python3",
                &["-W", "ignore", py.to_str().unwrap(), "pdfium", file],
            ),
        ),
    ]
}

/// Places where a digit is followed by a space and a Han character: a
/// figure torn from its unit (`2022 年`). Table cells never end in a digit
/// followed by a cell starting with Han in these briefings' reading order,
/// so every hit is a false word break.
fn torn_figures(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    (1..chars.len().saturating_sub(1))
        .filter(|&i| chars[i] == ' ' && chars[i - 1].is_ascii_digit() && han(chars[i + 1]))
        .map(|i| {
            chars[i.saturating_sub(6)..(i + 4).min(chars.len())]
                .iter()
                .collect()
        })
        .collect()
}

/// Generates the sandbox's briefing for 2026-11-24 and returns its path.
fn generate(sb: &Sandbox) -> PathBuf {
    let out = sb.run(&["generate", "-q", "--date", "2026-11-24"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sb.out().join("briefing-2026-11-24.pdf")
}

fn check(pdf: &Path, probes: &[&str]) {
    for (engine, text) in extract(pdf) {
        assert!(
            text.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
                > 1000,
            "{engine} extracted almost no Chinese text from {}",
            pdf.display()
        );
        let torn = torn_figures(&text);
        assert!(
            torn.is_empty(),
            "{engine} tears figures from units: {torn:?}"
        );
        // Line ends are where the engine's layout analysis put them; a
        // phrase may wrap, so it is searched with them removed.
        let flat: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
        for p in probes {
            assert!(flat.contains(p), "{engine} lacks {p:?}");
        }
    }
}

/// Runs a checking script and returns what it printed; panics with its
/// report, saying `what` went wrong, when it exits non-zero.
fn checked(cmd: &str, args: &[&std::ffi::OsStr], what: &str) -> String {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is required ({e}); run scripts/test, which installs it"));
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what}:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    report
}

/// pdf.js loads every font from its embedded program, without warnings
/// (a subset it could not read would fall back to a substitute face).
fn pdfjs_reads_the_fonts(pdf: &Path) {
    checked(
        "node",
        &[
            root().join("tests/support/pdfjs-fonts.mjs").as_os_str(),
            pdfjs_dist().as_os_str(),
            pdf.as_os_str(),
        ],
        "pdf.js could not load the fonts as embedded",
    );
}

/// The PNGs in `dir` whose names start with `prefix-`, in page order
/// (pdftoppm pads page numbers, pdfjs-render.mjs does not).
fn pages_in(dir: &Path, prefix: &str) -> Vec<String> {
    let mut pages: Vec<(u32, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name()?.to_str()?.to_string();
            let n = name
                .strip_prefix(&format!("{prefix}-"))?
                .strip_suffix(".png")?
                .parse()
                .ok()?;
            Some((n, path.to_str()?.to_string()))
        })
        .collect();
    pages.sort();
    pages.into_iter().map(|(_, p)| p).collect()
}

/// pdf.js and MuPDF (`mutool draw`) draw every page as poppler does: the
/// same glyphs in the same places (a subset an engine misread, or a width
/// it took otherwise, would show as ink where poppler has none).
fn engines_draw_like_poppler(pdf: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = pdf.to_str().unwrap();
    tool(
        "node",
        &[
            root()
                .join("tests/support/pdfjs-render.mjs")
                .to_str()
                .unwrap(),
            pdfjs_dist().to_str().unwrap(),
            file,
            d.join("js").to_str().unwrap(),
            "80",
        ],
    );
    tool(
        "mutool",
        &[
            "draw",
            "-q",
            "-r",
            "80",
            "-o",
            d.join("mu-%d.png").to_str().unwrap(),
            file,
        ],
    );
    tool(
        "pdftoppm",
        &["-r", "80", "-png", file, d.join("pp").to_str().unwrap()],
    );
    let pp = pages_in(d, "pp");
    for engine in ["js", "mu"] {
        let pages = pages_in(d, engine);
        assert!(
            !pages.is_empty() && pages.len() == pp.len(),
            "{pages:?} {pp:?}"
        );
        let (pages, pp) = (pages.join(","), pp.join(","));
        checked(
            "python3",
            &[
                root().join("tests/support/render_compare.py").as_os_str(),
                // Measured: 1.4 % at most between pdf.js's anti-aliasing
                // and poppler's on these briefings (MuPDF 0.6 %); a face
                // pdf.js cannot read gives 2–6 %.
                "0.025".as_ref(),
                pages.as_ref(),
                pp.as_ref(),
            ],
            &format!("{engine} draws pages unlike poppler"),
        );
    }
}

/// Every font's `/W` widths are the advances of its embedded program, and
/// each face is embedded once.
fn honest_widths(pdf: &Path) {
    let report = checked(
        "python3",
        &[
            root().join("tests/support/widths.py").as_os_str(),
            pdf.as_os_str(),
        ],
        "widths differ from the programs",
    );
    // One line per font: `/ABCDEF+Face: …`.
    let mut faces: Vec<&str> = report
        .lines()
        .filter_map(|l| l.split_once('+').and_then(|(_, f)| f.split(':').next()))
        .collect();
    let n = faces.len();
    faces.sort_unstable();
    faces.dedup();
    assert_eq!(faces.len(), n, "a face embedded twice:\n{report}");
    assert_eq!(n, 3, "one font per configured face:\n{report}");
}

#[test]
fn default_briefing_copies_out_clean_in_five_engines_with_honest_widths() {
    let sb = Sandbox::new();
    let pdf = generate(&sb);
    honest_widths(&pdf);
    pdfjs_reads_the_fonts(&pdf);
    engines_draw_like_poppler(&pdf);
    check(
        &pdf,
        &[
            "截至2026年11月24日",
            "2022年",
            "2023年8月",
            "1.8万亿元",
            "52.3%",
            "国产AI芯片",
        ],
    );
}

#[test]
fn invented_mixed_text_copies_out_clean_in_five_engines() {
    // Figures, Latin names and units in one paragraph, with gaps on both
    // sides of each Latin run, and a long URL that stretches its line: the
    // cases the widened glyph copies exist for.
    let sb = Sandbox::new();
    sb.append(
        "themes/compute-totals.toml",
        r#"
[[section]]
title = "混排检验"

[[section.block]]
sources = ["compute-conference-2023"]
paragraph = "测试段落：A100与H800在2024年第3季度合计出货7200片，单价约2.5万美元；Qwen2-72B模型于2024年6月发布，参数量为720亿，训练用GPU约4096张。"

[[section.block]]
sources = ["compute-conference-2023"]
paragraph = "详见https://example.org/very/long/path/to/a/report/on/compute-capacity-2024-final-version.pdf?lang=zh&page=12。功耗约350W/卡，带宽3.35TB/s。"
"#,
    );
    let pdf = generate(&sb);
    check(
        &pdf,
        &[
            "A100与H800在2024年第3季度合计出货7200片",
            "约2.5万美元",
            "Qwen2-72B模型于2024年6月发布",
            "训练用GPU约4096张",
            // The URL cannot break before its joints: the line's few Han
            // characters open gaps of more than an em.
            "详见https://example.org/very",
            "功耗约350W/卡",
        ],
    );
}

/// A TrueType CJK face (Debian's fonts-wqy-zenhei; scripts/test installs
/// it), or `$TRUETYPE_CJK_FONT`.
fn truetype_cjk() -> PathBuf {
    std::env::var_os("TRUETYPE_CJK_FONT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"))
}

#[test]
fn a_truetype_body_face_is_embedded_and_copies_out_clean() {
    // The analyst may configure any face: TrueType outlines go in as
    // CIDFontType2 with their own program, not only the default CFF faces.
    let font = truetype_cjk();
    assert!(
        font.is_file(),
        "{} not found (run scripts/test, which installs fonts-wqy-zenhei, or set TRUETYPE_CJK_FONT)",
        font.display()
    );
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(sb.config()).unwrap();
    let body = text
        .lines()
        .find(|l| l.starts_with("body = "))
        .expect("config names a body face")
        .to_string();
    sb.edit(
        "briefing.toml",
        &body,
        &format!("body = {{ path = \"{}\", index = 0 }}", font.display()),
    );
    let pdf = generate(&sb);
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let truetype: Vec<&str> = fonts
        .lines()
        .filter(|l| l.contains("CID TrueType"))
        .collect();
    assert!(!truetype.is_empty(), "no TrueType font in:\n{fonts}");
    for l in &truetype {
        let cols: Vec<&str> = l.split_whitespace().collect();
        // emb sub uni
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{l}"
        );
    }
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    honest_widths(&pdf);
    pdfjs_reads_the_fonts(&pdf);
    engines_draw_like_poppler(&pdf);
    check(
        &pdf,
        &["截至2026年11月24日", "2022年", "1.8万亿元", "国产AI芯片"],
    );
}
