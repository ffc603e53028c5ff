//! Navigation read back with PyMuPDF: the outline nests like the headings
//! and lands on them, the contents list's page numbers are the pages the
//! headings are really on, page labels and metadata are set.

mod common;

use std::process::Command;

use common::Sandbox;

const PROBE: &str = r#"
import sys, json, pymupdf
d = pymupdf.open(sys.argv[1])
out = {"labels": [p.get_label() for p in d], "meta": d.metadata, "toc": [], "contents": {}, "found": {}}
for lvl, title, page, dest in d.get_toc(simple=False):
    out["toc"].append({"level": lvl, "title": title, "page": page, "y": dest.get("to").y if dest.get("to") else None})
# Heading positions: every line of text, by page, with its top.
lines = {}
for pno, p in enumerate(d, 1):
    for b in p.get_text("dict")["blocks"]:
        for l in b.get("lines", []):
            t = "".join(s["text"] for s in l["spans"]).strip()
            lines.setdefault(t, []).append((pno, l["bbox"][1], l["bbox"][3]))
out["lines"] = {k: v for k, v in lines.items()}
# The contents page: "title … N" lines are split by PyMuPDF into title and number.
words = d[0].get_text("words")
rows = {}
for w in words:
    rows.setdefault(round(w[3]), []).append(w)
for y, ws in rows.items():
    ws.sort(key=lambda w: w[0])
    if len(ws) >= 2 and ws[-1][4].isdigit():
        out["contents"]["".join(w[4] for w in ws[:-1])] = ws[-1][4]
import pikepdf
with pikepdf.open(sys.argv[1]) as pdf:
    out["lang"] = str(pdf.Root.get("/Lang"))
print(json.dumps(out, ensure_ascii=False))
"#;

#[test]
fn outline_contents_and_labels_match_the_headings() {
    let sb = Sandbox::new();
    let out = sb.run(&["generate", "--date", "2026-11-24"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = sb.out().join("briefing-2026-11-24.pdf");
    let probe = Command::new("python3")
        .arg("-c")
        .arg(PROBE)
        .arg(&pdf)
        .output()
        .expect("python3");
    assert!(
        probe.status.success(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&probe.stdout).unwrap();

    assert_eq!(v["lang"], "zh-CN");
    for k in ["title", "author", "subject", "keywords", "creator"] {
        assert!(
            !v["meta"][k].as_str().unwrap_or("").is_empty(),
            "metadata {k} missing"
        );
    }
    let labels: Vec<&str> = v["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(labels[0], "i", "cover and contents are front matter");
    assert_eq!(labels[1], "1", "the body starts at page 1");

    let toc = v["toc"].as_array().unwrap();
    assert!(toc.len() >= 10, "outline has the headings: {toc:?}");
    assert!(toc.iter().any(|e| e["level"] == 2), "outline is nested");
    assert_eq!(toc[0]["level"], 1);
    let mut seen_top = false;
    for e in toc {
        let title = e["title"].as_str().unwrap();
        if e["level"] == 1 {
            seen_top = true;
        } else {
            assert!(
                seen_top,
                "a level-2 entry before any level-1 entry: {title}"
            );
        }
        // The entry lands on the page and height of its heading.
        let spots = v["lines"][title]
            .as_array()
            .unwrap_or_else(|| panic!("heading {title} not found as a text line"));
        let page = e["page"].as_i64().unwrap();
        let y = e["y"].as_f64().unwrap();
        let hit = spots.iter().any(|s| {
            let (p, top, bottom) = (
                s[0].as_i64().unwrap(),
                s[1].as_f64().unwrap(),
                s[2].as_f64().unwrap(),
            );
            // PyMuPDF reports the destination top in page space (y down).
            p == page && y <= bottom + 2.0 && y >= top - 20.0
        });
        assert!(
            hit,
            "outline entry {title} points at page {page} y {y}, heading is at {spots:?}"
        );
        // The contents list shows the label of that page.
        if let Some(shown) = v["contents"][title].as_str() {
            assert_eq!(
                shown,
                labels[page as usize - 1],
                "contents page for {title}"
            );
        }
    }
    assert!(
        v["contents"].as_object().unwrap().len() >= 10,
        "contents list read back: {}",
        v["contents"]
    );
}
