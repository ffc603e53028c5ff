//! One test per class of defect the outside tests of 2026-12-01 found
//! (issue 21): planted links and FIFOs in the output folder, projections
//! and figures past what a briefing prints, caches keyed on what does not
//! determine the output, dates and supersession chains that contradict
//! themselves, blank display strings, file-name templates, minus signs and
//! the marks of a derived change. Each runs the real binary on a copy of
//! the default data with the one thing changed, and reads what it wrote
//! or the error it gave.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::{Sandbox, text_of};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn pdfs(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".pdf"))
                .collect()
        })
        .unwrap_or_default()
}

fn mkfifo(p: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap();
    assert!(status.success());
}

const DATE: [&str; 2] = ["--date", "2026-11-24"];

fn generate(sb: &Sandbox, extra: &[&str]) -> Output {
    let mut args = vec!["generate", "-q"];
    args.extend_from_slice(&DATE);
    args.extend_from_slice(extra);
    sb.run(&args)
}

#[test]
fn a_planted_link_as_lock_is_refused_and_its_target_untouched() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.out()).unwrap();
    let victim = sb.dir.path().join("notes.txt");
    std::fs::write(&victim, "an analyst's notes\n").unwrap();
    std::os::unix::fs::symlink(&victim, sb.out().join(".briefing.lock")).unwrap();
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 73, "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "an analyst's notes\n"
    );
    assert!(pdfs(&sb.out()).is_empty());
}

#[test]
fn planted_fifos_neither_hang_nor_pass_as_files() {
    // The manifest: refused, with the lock released, in well under the
    // time a hang would take.
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.out()).unwrap();
    mkfifo(&sb.out().join(".briefing-manifest"));
    let t = Instant::now();
    let o = generate(&sb, &[]);
    assert!(t.elapsed() < Duration::from_secs(60));
    assert_eq!(code(&o), 73, "{}", stderr(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    assert!(pdfs(&sb.out()).is_empty());

    // A cache entry: a miss, and the briefing is written.
    let sb = Sandbox::new();
    assert_eq!(code(&generate(&sb, &[])), 0);
    let cache = sb.out().join(".briefing-cache");
    let entries: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!entries.is_empty());
    for e in &entries {
        std::fs::remove_file(e).unwrap();
        mkfifo(e);
    }
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn a_font_rewritten_in_place_is_not_served_from_the_cache() {
    let sb = Sandbox::new();
    // Fonts of the sandbox's own, so one can be rewritten.
    let fonts = sb.dir.path().join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    let root = common::root();
    for f in [
        "NotoSerifCJK-Regular.ttc",
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJK-Bold.ttc",
    ] {
        std::os::unix::fs::symlink(root.join("fonts").join(f), fonts.join(f)).unwrap();
    }
    let serif = fonts.join("NotoSerifCJK-Regular.ttc");
    std::fs::remove_file(&serif).unwrap();
    std::fs::copy(root.join("fonts/NotoSerifCJK-Regular.ttc"), &serif).unwrap();
    let cfg = std::fs::read_to_string(sb.config()).unwrap();
    std::fs::write(
        sb.config(),
        cfg.replace(
            &format!("{}/", root.join("fonts").display()),
            &format!("{}/", fonts.display()),
        ),
    )
    .unwrap();
    let debug = |sb: &Sandbox| {
        let o = std::process::Command::new(common::bin())
            .args(["generate", "--date", "2026-11-24", "--config"])
            .arg(sb.config())
            .env("SOURCE_DATE_EPOCH", "1764000000")
            .env("RUST_LOG", "debug")
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stderr(&o)
    };
    debug(&sb);
    let warm = debug(&sb);
    assert!(
        warm.contains("NotoSerifCJKsc-Regular from the font cache"),
        "{warm}"
    );
    // The same length, the same table directory and head: only its
    // contents were written again.
    let bytes = std::fs::read(&serif).unwrap();
    std::fs::write(&serif, &bytes).unwrap();
    let after = debug(&sb);
    assert!(
        !after.contains("NotoSerifCJKsc-Regular from the font cache"),
        "{after}"
    );
}

#[test]
fn a_projection_past_what_a_briefing_prints_is_a_located_error() {
    for to in ["2100", "100000000", "2147483647"] {
        let sb = Sandbox::new();
        sb.edit(
            "themes/compute-totals.toml",
            "to_year = 2026",
            &format!("to_year = {to}"),
        );
        let o = generate(&sb, &[]);
        assert_eq!(code(&o), 65, "to_year {to}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("compute-totals.toml:"),
            "{}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("projection over"), "{}", stderr(&o));
    }
}

#[test]
fn a_profile_since_on_or_after_the_date_and_a_supersedes_circle_are_refused() {
    let sb = Sandbox::new();
    sb.edit(
        "briefing.toml",
        "name = \"briefing\"",
        "name = \"briefing\"\nsince = 9999-12-31",
    );
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 78, "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("briefing.toml:") && e.contains("must be before the briefing date"),
        "{e}"
    );
    assert!(pdfs(&sb.out()).is_empty());

    let sb = Sandbox::new();
    sb.edit(
        "themes/compute-totals.toml",
        "source = \"compute-conference-2023\"\n\n[[fact]]\nid = \"total-compute-2023\"",
        "source = \"compute-conference-2023\"\nsupersedes = \"total-compute-2023\"\n\n[[fact]]\nid = \"total-compute-2023\"",
    );
    let o = sb.run(&["check"]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(stderr(&o).contains("runs in a circle"), "{}", stderr(&o));
}

#[test]
fn a_change_is_printed_with_the_marks_of_a_derived_figure_everywhere() {
    let sb = Sandbox::new();
    let o = generate(&sb, &["--since", "2023-01-01"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text: String = text_of(&sb.out().join("briefing-2026-11-24.pdf"))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // 本期新增: 超过650万架 → 超过760万架 is about 17 %, and derived.
    assert!(
        text.contains("增长约16.9%（推算）") || text.contains("增长约17%（推算）"),
        "{text}"
    );
    assert!(!text.contains("万架，增长17%"), "{text}");
}

#[test]
fn blank_display_strings_are_refused_where_they_are_written() {
    let cases = [
        (
            "themes/compute-totals.toml",
            "title = \"全国算力总量\"",
            "title = \"\"",
        ),
        (
            "themes/regional-policy.toml",
            "name = \"青岛\"",
            "name = \" \"",
        ),
        (
            "themes/compute-totals.toml",
            "label = \"全国算力总规模增幅\"",
            "label = \"\u{3000}\"",
        ),
        (
            "sources.toml",
            "publisher = ",
            "publisher = \" \"\nxpublisher = ",
        ),
    ];
    for (file, from, to) in cases {
        let sb = Sandbox::new();
        if file == "sources.toml" {
            // The first publisher, blanked.
            let p = sb.file(file);
            let t = std::fs::read_to_string(&p).unwrap();
            let at = t.find("publisher = ").unwrap();
            let end = at + t[at..].find('\n').unwrap();
            std::fs::write(&p, format!("{}publisher = \" \"{}", &t[..at], &t[end..])).unwrap();
        } else {
            sb.edit(file, from, to);
        }
        let o = sb.run(&["check"]);
        let e = stderr(&o);
        assert!(matches!(code(&o), 65 | 78), "{file} {to:?}: {e}");
        assert!(
            e.contains("is blank")
                && e.contains(&format!(
                    "{}:",
                    Path::new(file).file_name().unwrap().to_string_lossy()
                )),
            "{e}"
        );
    }
}

#[test]
fn negative_zero_prints_as_zero() {
    // (a derived figure far below one: content::derive's unit tests)
    let sb = Sandbox::new();
    sb.edit(
        "themes/compute-totals.toml",
        "value = 9.4\n",
        "value = -0.0\n",
    );
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = text_of(&sb.out().join("briefing-2026-11-24.pdf"));
    assert!(
        !text.contains("-0.0") && !text.contains("\u{2212}0.0"),
        "negative zero printed"
    );
}

#[test]
fn file_name_templates_are_checked_once_before_anything_is_written() {
    for (pattern, says) in [
        ("{name}\\n{date}.pdf", "plain file name"),
        ("{date}{date}.pdf", "exactly once"),
        ("{name}-{Date}-{date}.pdf", "only the placeholders"),
        (".{name}-{date}.pdf", "not start with"),
    ] {
        let sb = Sandbox::new();
        sb.edit(
            "briefing.toml",
            "file_name = \"{name}-{date}.pdf\"",
            &format!("file_name = \"{pattern}\""),
        );
        let o = generate(&sb, &[]);
        let e = stderr(&o);
        assert_eq!(code(&o), 78, "{pattern}: {e}");
        assert!(
            e.contains(says) && e.contains("briefing.toml:"),
            "{pattern}: {e}"
        );
        assert!(pdfs(&sb.out()).is_empty());
        let o = sb.run(&["check"]);
        assert_eq!(code(&o), 78, "check passes {pattern}");
    }
}

#[test]
fn a_bad_since_is_called_since() {
    let sb = Sandbox::new();
    let o = generate(&sb, &["--since", "2026/11/01"]);
    assert_eq!(code(&o), 64);
    assert!(stderr(&o).contains("invalid --since"), "{}", stderr(&o));
}

#[test]
fn negative_figures_print_with_a_true_minus_in_prose_and_charts() {
    let sb = Sandbox::new();
    sb.edit(
        "themes/compute-totals.toml",
        "value = 9.4\n",
        "value = -9.4\n",
    );
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = text_of(&sb.out().join("briefing-2026-11-24.pdf"));
    assert!(text.contains("\u{2212}9.4"), "no true minus");
    assert!(!text.contains("-9.4"), "a hyphen-minus printed");
}

#[test]
fn a_zero_width_space_is_a_break_opportunity_not_a_missing_glyph() {
    let sb = Sandbox::new();
    sb.edit(
        "themes/compute-totals.toml",
        "两组增幅的口径值得留意。",
        "两组增幅的\\u200b口径值得留意。https://example.org/a\\u200blong/path",
    );
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = text_of(&sb.out().join("briefing-2026-11-24.pdf"));
    assert!(!text.contains('\u{200b}'));
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("两组增幅的口径值得留意"), "{flat}");
}

#[test]
fn a_heading_that_sums_up_a_later_source_is_neutral_before_it() {
    let sb = Sandbox::new();
    let early = sb.run(&["generate", "-q", "--date", "2023-09-01"]);
    assert_eq!(code(&early), 0, "{}", stderr(&early));
    let text = text_of(&sb.out().join("briefing-2023-09-01.pdf"));
    assert!(text.contains("（一）四川"), "{text}");
    assert!(!text.contains("算力政策与垂直模型"), "{text}");
    let late = generate(&sb, &[]);
    assert_eq!(code(&late), 0, "{}", stderr(&late));
    let text = text_of(&sb.out().join("briefing-2026-11-24.pdf"));
    assert!(text.contains("四川：算力政策与垂直模型"), "{text}");

    // Without a region, the neutral heading must be given.
    let sb = Sandbox::new();
    sb.edit(
        "themes/regional-policy.toml",
        "title = \"其他地区动向\"\n",
        "title = \"其他地区动向\"\ntitle_sources = [\"regional-ai-2025\"]\n",
    );
    let o = sb.run(&["check"]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(stderr(&o).contains("plain_title"), "{}", stderr(&o));
}

#[test]
fn a_theme_whose_figures_share_one_region_still_gets_several_headlines() {
    let sb = Sandbox::new();
    sb.edit(
        "briefing.toml",
        "regions = [\"qingdao\", \"shenzhen\", \"sichuan\", \"shanghai\"]",
        "regions = [\"qingdao\"]",
    );
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text: String = text_of(&sb.out().join("briefing-2026-11-24.pdf"))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let summary = &text[text
        .find("地方算力与AI产业政策：")
        .expect("regional summary")..];
    let summary = &summary[..summary.find('。').unwrap_or(summary.len())];
    assert!(
        summary.matches('；').count() >= 1,
        "one figure only: {summary}"
    );
}

#[test]
fn toml_slips_get_the_right_hint_and_duplicates_name_the_first() {
    // A date with slashes: write it with hyphens, not quote it.
    let sb = Sandbox::new();
    sb.edit(
        "briefing.toml",
        "name = \"briefing\"",
        "name = \"briefing\"\nsince = 2026/11/26",
    );
    let e = stderr(&sb.run(&["check"]));
    assert!(
        e.contains("2026-11-26") && !e.contains("must be quoted"),
        "{e}"
    );

    // An array left open: the `]` is missing on its own line, not a comma
    // on the next.
    let sb = Sandbox::new();
    sb.edit(
        "briefing.toml",
        "\"sichuan\", \"shanghai\"]",
        "\"sichuan\", \"shanghai\"\n\n[mail]\nserver = \"x\"",
    );
    let e = stderr(&sb.run(&["check"]));
    assert!(
        e.contains("not closed") && e.contains("briefing.toml:"),
        "{e}"
    );
    let line: usize = e
        .split("briefing.toml:")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    let text = std::fs::read_to_string(sb.config()).unwrap();
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .starts_with("regions = ["),
        "{e}"
    );

    // A fact id given twice names where it was given first.
    let sb = Sandbox::new();
    sb.append(
        "themes/chip-gap.toml",
        "\n[[fact]]\nid = \"total-compute-2022\"\nlabel = \"重复\"\nvalue = 1\nperiod = \"2022年\"\nsource = \"compute-conference-2023\"\n",
    );
    let e = stderr(&sb.run(&["check"]));
    assert!(
        e.contains("first defined at") && e.contains("compute-totals.toml:13:"),
        "{e}"
    );
}

#[test]
fn a_negative_figure_after_a_word_of_direction_is_refused_and_abs_prints_its_size() {
    let sb = Sandbox::new();
    sb.edit(
        "themes/compute-totals.toml",
        "value = 9.4\n",
        "value = -9.4\n",
    );
    sb.edit(
        "themes/compute-totals.toml",
        "算力规模的报道增幅为{compute-growth-reported}",
        "算力规模据报道下降{compute-growth-reported}",
    );
    let o = sb.run(&["check"]);
    let e = stderr(&o);
    assert_eq!(code(&o), 65, "{e}");
    assert!(
        e.contains("compute-growth-reported.abs") && e.contains("compute-totals.toml:"),
        "{e}"
    );

    sb.edit(
        "themes/compute-totals.toml",
        "下降{compute-growth-reported}",
        "下降{compute-growth-reported.abs}，即{compute-growth-reported.change}",
    );
    let o = generate(&sb, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text: String = text_of(&sb.out().join("briefing-2026-11-24.pdf"))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("下降9.4%，即下降9.4%"), "{text}");
}
