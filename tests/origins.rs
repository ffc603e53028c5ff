//! Errors found late name the very character they are about: a character
//! no font has, wherever the analyst wrote it — a table cell, a chart label
//! or title, a fact's value, unit or qualifier reached through a
//! placeholder, a heading, a source's publisher, the config's title, a TOML
//! escape — is reported at its own file, line and column. Each trap has a
//! decoy: the same character earlier in the same file, in a comment, where
//! a search of the file for the character would wrongly point.

mod common;

use common::Sandbox;

/// A character no default face has (the first private-use code point).
const TRAP: char = '\u{E000}';

/// Where the trap goes, and how it is written there.
struct Case {
    what: &'static str,
    /// File (relative to the config folder) that gets the trap.
    file: &'static str,
    /// TOML appended to it; `@` stands for the trap as written.
    toml: &'static str,
    /// How the trap is written: the character, or an escape.
    written: &'static str,
}

const RAW: &str = "\u{E000}";

fn cases() -> Vec<Case> {
    vec![
        Case {
            what: "a free-form table cell",
            file: "themes/regional-policy.toml",
            toml: r#"
[[section]]
title = "陷阱节（表格）"
[[section.block]]
sources = ["byteailab-2024"]
[section.block.table]
caption = "陷阱表"
columns = ["甲", "乙"]
rows = [["普通", "单元@格"]]
"#,
            written: RAW,
        },
        Case {
            what: "a chart's category label",
            file: "themes/regional-policy.toml",
            toml: r#"
[[section]]
title = "陷阱节（图表标签）"
[[section.block]]
[section.block.chart]
kind = "bar"
title = "陷阱图"
[[section.block.chart.series]]
name = "份额"
facts = ["share-ascend-2022", "share-kunlun-2022"]
labels = ["昇腾", "昆@仑"]
"#,
            written: RAW,
        },
        Case {
            what: "a chart's title",
            file: "themes/chip-gap.toml",
            toml: r#"
[[section]]
title = "陷阱节（图表标题）"
[[section.block]]
[section.block.chart]
kind = "bar"
title = "陷阱@图"
[[section.block.chart.series]]
name = "份额"
facts = ["share-ascend-2022", "share-kunlun-2022"]
"#,
            written: RAW,
        },
        Case {
            what: "a text fact's value, reached through a placeholder",
            file: "themes/compute-totals.toml",
            toml: r#"
[[fact]]
id = "trap-text"
label = "陷阱说法"
value = "文字@值"
period = "2024年"
source = "byteailab-2024"

[[section]]
title = "陷阱节（事实值）"
[[section.block]]
paragraph = "据称{trap-text}。"
"#,
            written: RAW,
        },
        Case {
            what: "a fact's unit, reached through a placeholder",
            file: "themes/compute-totals.toml",
            toml: r#"
[[fact]]
id = "trap-unit"
label = "陷阱数"
value = 12
unit = "万@张"
period = "2024年"
source = "byteailab-2024"

[[section]]
title = "陷阱节（单位）"
[[section.block]]
paragraph = "共计{trap-unit}。"
"#,
            written: RAW,
        },
        Case {
            what: "a fact's qualifier",
            file: "themes/compute-totals.toml",
            toml: r#"
[[fact]]
id = "trap-qualifier"
label = "陷阱量"
value = 12
unit = "台"
period = "2024年"
source = "byteailab-2024"
qualifier = { text = "约@", position = "before" }

[[section]]
title = "陷阱节（限定词）"
[[section.block]]
paragraph = "共计{trap-qualifier}。"
"#,
            written: RAW,
        },
        Case {
            what: "a fact's label in a table cell",
            file: "themes/chip-gap.toml",
            toml: r#"
[[fact]]
id = "trap-label"
label = "陷阱@标签"
value = 3
unit = "台"
period = "2024年"
source = "byteailab-2024"

[[section]]
title = "陷阱节（标签）"
[[section.block]]
[section.block.table]
caption = "陷阱表二"
facts = ["trap-label"]
"#,
            written: RAW,
        },
        Case {
            what: "a section heading",
            file: "themes/chip-gap.toml",
            toml: r#"
[[section]]
title = "陷阱@标题"
[[section.block]]
paragraph = "一句话。"
sources = ["byteailab-2024"]
"#,
            written: RAW,
        },
        Case {
            what: "a \\u escape in a paragraph",
            file: "themes/regional-policy.toml",
            toml: r#"
[[section]]
title = "陷阱节（转义）"
[[section.block]]
paragraph = "转义字符在这里：\tX@Y。"
sources = ["byteailab-2024"]
"#,
            written: "\\ue000",
        },
        Case {
            what: "a \\U escape after a line-ending backslash",
            file: "themes/regional-policy.toml",
            toml: "
[[section]]
title = \"陷阱节（多行）\"
[[section.block]]
paragraph = \"\"\"
第一行，\\
    接续@之后。\"\"\"
sources = [\"byteailab-2024\"]
",
            written: "\\U0000E000",
        },
        Case {
            what: "a source's publisher in the sources list",
            file: "sources.toml",
            toml: r#"
[[source]]
id = "trap-source"
title = "陷阱报告"
publisher = "出版@方"
published = 2024-01-02

"#,
            written: RAW,
        },
    ]
}

/// `path:line:col` of byte `at` of `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

fn check_points_at_trap(sb: &Sandbox, file: &str, what: &str) {
    let text = std::fs::read_to_string(sb.file(file)).unwrap();
    let out = sb.run(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{what}: {err}");
    // The trap is the last place its written form occurs: the decoy is
    // earlier in the file.
    let last = text.rfind(TRAP).or_else(|| text.rfind("\\ue000"));
    let last = last.or_else(|| text.rfind("\\U0000E000")).unwrap();
    let (line, col) = line_col(&text, last);
    let want = format!("{}:{line}:{col}:", sb.file(file).display());
    assert!(
        err.contains(&want),
        "{what}: expected the error at {want}\n{err}"
    );
    assert!(err.contains("U+E000"), "{what}: {err}");
}

#[test]
fn a_missing_character_is_reported_where_it_was_written() {
    for case in cases() {
        let sb = Sandbox::new();
        // The decoy: the character, as written, in a comment before it.
        let decoy = format!("\n# 诱饵：{}\n", case.written.replace("\\", "\\\\"));
        let decoy = if case.written == RAW {
            format!("\n# 诱饵：{TRAP}\n")
        } else {
            decoy
        };
        let mut body = case.toml.replace('@', case.written);
        if case.file == "sources.toml" {
            // Cited from a paragraph, so the source is listed.
            sb.append(
                "themes/chip-gap.toml",
                "\n[[section]]\ntitle = \"引用陷阱来源\"\n[[section.block]]\nparagraph = \"一句话。\"\nsources = [\"trap-source\"]\n",
            );
            body = format!("{decoy}{body}");
        } else {
            body = format!("{decoy}{body}");
        }
        sb.append(case.file, &body);
        check_points_at_trap(&sb, case.file, case.what);
    }
}

#[test]
fn a_missing_character_in_the_config_title_is_found_there() {
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(sb.config()).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title = \""))
        .unwrap()
        .to_string();
    let trapped = title_line.replacen("title = \"", &format!("title = \"标{TRAP}"), 1);
    let text = text.replacen(&title_line, &trapped, 1);
    std::fs::write(sb.config(), format!("# 诱饵：{TRAP}\n{text}")).unwrap();
    check_points_at_trap(&sb, "briefing.toml", "the config's title");
}
