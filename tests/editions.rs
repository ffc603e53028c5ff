//! Traditional editions from the default data: two profiles more, in
//! `zh-Hant-TW` and `zh-Hant-HK`, read back from the PDFs the binary wrote
//! (pdftotext, pdffonts, the PDF's own catalogue and XMP by lopdf).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{Sandbox, shared_tool, text_of, tool};
use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// The default profile's themes and regions, twice more, one per edition.
const EDITIONS: &str = r#"
[[profile]]
name = "briefing-tw"
language = "zh-Hant-TW"
themes = ["compute-totals", "chip-gap", "regional-policy"]
regions = ["qingdao", "shenzhen", "sichuan", "shanghai"]

[[profile]]
name = "briefing-hk"
language = "zh-Hant-HK"
themes = ["compute-totals", "chip-gap", "regional-policy"]
regions = ["qingdao", "shenzhen", "sichuan", "shanghai"]
"#;

const DATE: &str = "2026-11-24";

fn generated() -> (Sandbox, [PathBuf; 3]) {
    let sb = Sandbox::new();
    sb.append("briefing.toml", EDITIONS);
    let check = sb.run(&["check"]);
    assert!(
        check.status.success(),
        "check: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let out = sb.run(&["generate", "-q", "--date", DATE]);
    assert!(
        out.status.success(),
        "generate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = |name: &str| sb.out().join(format!("{name}-{DATE}.pdf"));
    let files = [pdf("briefing"), pdf("briefing-tw"), pdf("briefing-hk")];
    (sb, files)
}

/// `/Lang` of the catalogue and the XMP packet's text.
fn lang_and_xmp(pdf: &Path) -> (String, String) {
    let doc = lopdf::Document::load(pdf).expect("the PDF parses");
    let catalog = doc.catalog().expect("a catalogue");
    let lang = catalog
        .get(b"Lang")
        .and_then(|l| l.as_str())
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .expect("/Lang");
    let meta = catalog
        .get(b"Metadata")
        .and_then(|m| m.as_reference())
        .and_then(|r| doc.get_object(r))
        .and_then(|o| o.as_stream())
        .map(|s| String::from_utf8_lossy(&s.content).into_owned())
        .expect("an XMP packet");
    (lang, meta)
}

/// The text with every source title of `sources.toml` taken out: titles
/// are printed as the source printed them, in every edition.
fn without_titles(sb: &Sandbox, text: &str) -> String {
    let sources = std::fs::read_to_string(sb.file("sources.toml")).unwrap();
    let mut flat: String = text.chars().filter(|c| *c != '\n').collect();
    for line in sources.lines() {
        if let Some(t) = line.strip_prefix("title = \"") {
            // As printed, but for the edition's quotation marks.
            let title = t
                .trim_end_matches('"')
                .replace("\\\"", "\"")
                .replace('“', "「")
                .replace('”', "」");
            flat = flat.replace(&title, "");
        }
    }
    flat
}

/// Han characters that the edition's converter would still change and
/// that no Traditional text has, beside `also_traditional` (characters
/// that are both: 阿里's 里, 若干's 干, 上游's 游). `s2t` is the edition's
/// own (Taiwan's and Hong Kong's standard forms differ: 群, 温, 户).
fn simplified_only(text: &str, s2t: &OpenCC, t2s: &OpenCC) -> BTreeSet<char> {
    let also_traditional = ['里', '干', '后', '台', '只', '余', '系', '面', '征', '游'];
    let mut buf = [0u8; 4];
    text.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c) && !also_traditional.contains(c))
        .filter(|c| {
            let s = c.encode_utf8(&mut buf);
            s2t.convert(s) != *s && t2s.convert(s) == *s
        })
        .collect()
}

/// The figures of a text: runs of digits with a decimal point or of three
/// digits or more (page numbers and footnote marks differ between
/// editions whose pages break differently).
fn figures(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cur = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            let f = cur.trim_end_matches('.').to_string();
            if f.contains('.') || f.len() >= 3 {
                out.insert(f);
            }
            cur.clear();
        }
    }
    out
}

#[test]
fn taiwan_and_hong_kong_editions_from_the_default_data() {
    let (sb, [cn, tw, hk]) = generated();
    let cn_text = text_of(&cn);
    let t2s = OpenCC::from_config(BuiltinConfig::T2s).unwrap();
    for (pdf, tag, face, s2t) in [
        (&tw, "zh-Hant-TW", "CJKtc", BuiltinConfig::S2tw),
        (&hk, "zh-Hant-HK", "CJKhk", BuiltinConfig::S2hk),
    ] {
        let s2t = OpenCC::from_config(s2t).unwrap();
        let (lang, xmp) = lang_and_xmp(pdf);
        assert_eq!(lang, tag);
        assert!(xmp.contains(&format!(">{tag}<")), "XMP language: {xmp}");
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
        for family in ["NotoSerif", "NotoSans"] {
            assert!(
                fonts.contains(&format!("{family}{face}")),
                "{tag}: {family} {face} not embedded:\n{fonts}"
            );
        }
        assert!(
            !fonts.contains("CJKsc"),
            "{tag}: a Simplified face:\n{fonts}"
        );
        let text = text_of(pdf);
        let body = without_titles(&sb, &text);
        let left = simplified_only(&body, &s2t, &t2s);
        assert!(
            left.is_empty(),
            "{tag}: Simplified-only characters {left:?}"
        );
        assert!(body.contains('「') && body.contains('」'), "{tag}: no 「」");
        assert!(
            !text.contains('“') && !text.contains('”'),
            "{tag}: “” left (source titles too take the edition's marks)"
        );
        let missing: Vec<String> = figures(&cn_text)
            .difference(&figures(&text))
            .cloned()
            .collect();
        assert!(missing.is_empty(), "{tag}: figures missing {missing:?}");
        // Organisations keep their names, converted character by character.
        for name in ["浪潮信息", "海光信息", "互聯網協會"] {
            assert!(body.contains(name), "{tag}: {name} missing");
        }
        for renamed in ["浪潮資訊", "海光資訊", "網際網路協會"] {
            assert!(!body.contains(renamed), "{tag}: renamed to {renamed}");
        }
    }
    // NVIDIA by its Taiwanese name, but in the title of the source that
    // printed 英偉達.
    let tw_text = without_titles(&sb, &text_of(&tw));
    assert!(tw_text.contains("輝達") && !tw_text.contains("英偉達"));
    assert!(tw_text.contains("人工智慧"));
    let hk_text = text_of(&hk);
    assert!(hk_text.contains("英偉達") && !hk_text.contains("輝達"));
    // The Simplified edition is as before: its own language and faces.
    assert_eq!(lang_and_xmp(&cn).0, "zh-CN");
    assert!(tool("pdffonts", &[cn.to_str().unwrap()]).contains("CJKsc"));
    assert!(cn_text.contains("英伟达"));
}

#[test]
fn traditional_editions_pass_the_layout_checks() {
    let (sb, [_, tw, hk]) = generated();
    for pdf in [&tw, &hk] {
        let p = pdf.to_str().unwrap();
        for (name, args) in [
            ("splitscan.py", vec![p, sb.file("").to_str().unwrap()]),
            ("owncheck.py", vec![p]),
        ] {
            let Some(script) = shared_tool(name) else {
                continue;
            };
            let out = std::process::Command::new("python3")
                .arg(script)
                .args(&args)
                .output()
                .expect("python3");
            assert!(
                out.status.success(),
                "{name} {p}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if let Some(report) = common::pdfcheck_report(pdf) {
            assert_eq!(report["verdict"]["pass"], true, "pdfcheck {p}: {report}");
        }
    }
}

/// Runs `check` on the sandbox and returns its exit code and stderr.
fn check(sb: &Sandbox) -> (i32, String) {
    let out = sb.run(&["check"]);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_language_that_is_not_an_edition_is_refused_where_it_is_written() {
    let sb = Sandbox::new();
    sb.edit(
        "briefing.toml",
        "language = \"zh-CN\"",
        "language = \"zh-TW\"",
    );
    let (code, err) = check(&sb);
    assert_eq!(code, 78, "{err}");
    assert!(
        err.contains("briefing.toml:5") && err.contains("\"zh-Hant-TW\""),
        "{err}"
    );
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "\n[[profile]]\nname = \"x\"\nlanguage = \"zh-Hans\"\nthemes = [\"chip-gap\"]\n",
    );
    let (code, err) = check(&sb);
    assert_eq!(code, 78, "{err}");
    assert!(err.contains("unsupported language `zh-Hans`"), "{err}");
}

#[test]
fn mistakes_in_the_editions_file_name_their_line() {
    let cases: [(&str, &str, usize); 4] = [
        ("keep = [\" \"]\n", "must be a word or phrase", 1),
        (
            "keep = [\"海光信息\", \"海光信息\"]\n",
            "listed in `keep` twice (first on line 1)",
            1,
        ),
        (
            "keep = [\"海光信息\"]\n[all]\n\"海光信息\" = \"海光資訊\"\n",
            "is in `keep` and also given a replacement",
            3,
        ),
        (
            "[\"zh-Hant-MO\"]\n\"英伟达\" = \"輝達\"\n",
            "unknown field",
            1,
        ),
    ];
    for (text, says, line) in cases {
        let sb = Sandbox::new();
        std::fs::write(sb.file("editions.toml"), text).unwrap();
        let (code, err) = check(&sb);
        assert_eq!(code, 78, "{text}: {err}");
        assert!(err.contains(says), "{text}: {err}");
        assert!(
            err.contains(&format!("editions.toml:{line}")),
            "{text}: {err}"
        );
    }
    let sb = Sandbox::new();
    std::fs::remove_file(sb.file("editions.toml")).unwrap();
    let (code, err) = check(&sb);
    assert_eq!(code, 66, "{err}");
    assert!(
        err.contains("briefing.toml:") && err.contains("editions"),
        "{err}"
    );
}
