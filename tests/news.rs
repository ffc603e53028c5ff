//! What is new since the previous briefing: the "本期新增" section, the key
//! cards' tags and `briefing diff`, on the default data and its dated
//! sources.

mod common;

use common::{Sandbox, text_of};

fn generate(sb: &Sandbox, args: &[&str]) -> String {
    let mut a = vec!["generate", "-q"];
    a.extend(args);
    let out = sb.run(&a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let date = args[args.iter().position(|x| *x == "--date").unwrap() + 1];
    text_of(&sb.out().join(format!("briefing-{date}.pdf"))).replace('\n', "")
}

/// The "本期新增" section of a briefing's text, up to the first theme.
fn news_section(text: &str) -> Option<String> {
    // The body's heading (the contents list names it too).
    let start = text.rfind("本期新增自上期")?;
    // The first theme's heading, not a mention of it in quotes.
    let end = text[start..]
        .match_indices("一、全国算力总量")
        .map(|(i, _)| start + i)
        .find(|&i| !text[..i].ends_with('“'))
        .unwrap_or(text.len());
    Some(text[start..end].to_string())
}

#[test]
fn the_2024_07_article_is_what_a_briefing_since_2023_09_adds() {
    let sb = Sandbox::new();
    let text = generate(&sb, &["--date", "2024-08-01", "--since", "2023-09-01"]);
    let news = news_section(&text).expect("a 本期新增 section");
    assert!(
        news.contains("自上期（2023年9月1日）以来，新增资料1份"),
        "{news}"
    );
    assert!(
        news.contains("ByteAILab《中国AI长卷（一）：大国重算》"),
        "{news}"
    );
    assert!(
        !news.contains("算力大会相关报道"),
        "an old source listed: {news}"
    );
    // `diff` agrees, as JSON.
    let out = sb.run(&[
        "diff",
        "--since",
        "2023-09-01",
        "--date",
        "2024-08-01",
        "--json",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let n = v["new_count"].as_u64().unwrap();
    assert!(news.contains(&format!("带来数据{n}项")), "{news} / {n}");
    assert_eq!(v["sources"].as_array().unwrap().len(), 1);
    assert_eq!(v["sources"][0]["id"], "byteailab-2024");
}

#[test]
fn a_briefing_since_2024_08_lists_the_two_later_articles() {
    let sb = Sandbox::new();
    let text = generate(&sb, &["--date", "2025-03-01", "--since", "2024-08-01"]);
    let news = news_section(&text).expect("a 本期新增 section");
    assert!(news.contains("新增资料2份"), "{news}");
    assert!(
        news.contains("司库财经《英偉達困局，中國AI芯片走出筑基期》"),
        "{news}"
    );
    assert!(news.contains("地方AI产业专题报道（原文无标题）"), "{news}");
    assert!(!news.contains("ByteAILab《"), "{news}");
    let out = sb.run(&["diff", "--since", "2024-08-01", "--date", "2025-03-01"]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("新增资料2份"), "{listing}");
}

#[test]
fn superseded_figures_are_shown_old_to_new_with_the_change() {
    let sb = Sandbox::new();
    let text = generate(&sb, &["--date", "2023-09-01", "--since", "2023-08-01"]);
    let news = news_section(&text).expect("a 本期新增 section");
    assert!(
        news.contains(
            "全国算力总规模由180 EFLOPS（2022年底）变为197 EFLOPS（2023年8月），增长9.4%"
        ),
        "{news}"
    );
}

#[test]
fn nothing_new_is_one_line_and_a_first_briefing_has_no_section() {
    let sb = Sandbox::new();
    // First briefing of the profile: no manifest, no --since.
    let text = generate(&sb, &["--date", "2026-11-17"]);
    assert!(news_section(&text).is_none() && !text.contains("本期新增"));
    // The next one compares with it, through the manifest.
    let text = generate(&sb, &["--date", "2026-11-24"]);
    let news = news_section(&text).expect("a 本期新增 section");
    assert_eq!(news, "本期新增自上期（2026年11月17日）以来无新增资料。");
}
