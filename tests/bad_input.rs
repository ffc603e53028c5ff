//! Bad input, table-driven: each broken config must exit with its
//! documented code, name the file and line, write no PDF, and leave the
//! previous briefing untouched.

mod common;

use common::Sandbox;

struct Case {
    name: &'static str,
    /// Breaks the sandbox config.
    setup: fn(&Sandbox),
    /// Extra command-line arguments.
    args: &'static [&'static str],
    code: i32,
    /// Substrings the error output must contain.
    expect: &'static [&'static str],
}

const PREVIOUS: &[u8] = b"%PDF-1.3 the previous briefing, which must survive";

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "bad TOML syntax",
            setup: |sb| {
                sb.edit(
                    "briefing.toml",
                    "title = \"中国人工智能算力产业简报\"",
                    "title = \"中国人工智能算力产业简报",
                )
            },
            args: &[],
            code: 78,
            expect: &["briefing.toml:2:"],
        },
        Case {
            name: "unknown key",
            setup: |sb| sb.edit("briefing.toml", "[page]\n", "[page]\ncolour = \"red\"\n"),
            args: &[],
            code: 78,
            expect: &["briefing.toml:", "colour"],
        },
        Case {
            name: "wrong type",
            setup: |sb| sb.edit("briefing.toml", "margin_mm = 25", "margin_mm = \"wide\""),
            args: &[],
            code: 78,
            expect: &["briefing.toml:", "margin_mm"],
        },
        Case {
            name: "unknown theme",
            setup: |sb| {
                sb.edit(
                    "briefing.toml",
                    "themes = [\"compute-totals\", ",
                    "themes = [\"compute-total\", ",
                )
            },
            args: &[],
            code: 78,
            expect: &[
                "briefing.toml:",
                "unknown theme `compute-total`",
                "chip-gap",
            ],
        },
        Case {
            name: "unknown region",
            setup: |sb| sb.edit("briefing.toml", "\"qingdao\", ", "\"tsingtao\", "),
            args: &[],
            code: 78,
            expect: &["briefing.toml:", "unknown region `tsingtao`", "qingdao"],
        },
        Case {
            name: "subtitle at the top level",
            setup: |sb| {
                sb.edit(
                    "briefing.toml",
                    "organisation =",
                    "subtitle = \"旧副标题\"\norganisation =",
                )
            },
            args: &[],
            code: 78,
            expect: &["briefing.toml:", "`subtitle` belongs to a [[profile]]"],
        },
        Case {
            name: "empty region list",
            setup: |sb| {
                sb.edit(
                    "briefing.toml",
                    "regions = [\"qingdao\", \"shenzhen\", \"sichuan\", \"shanghai\"]",
                    "regions = []",
                )
            },
            args: &[],
            code: 78,
            expect: &["briefing.toml:", "`regions = []` selects no region"],
        },
        Case {
            name: "theme selected twice",
            setup: |sb| {
                sb.edit(
                    "briefing.toml",
                    "\"chip-gap\", ",
                    "\"chip-gap\", \"chip-gap\", ",
                )
            },
            args: &[],
            code: 78,
            expect: &["briefing.toml:", "theme `chip-gap` is selected twice"],
        },
        Case {
            name: "region defined twice in a theme",
            setup: |sb| {
                sb.edit(
                    "themes/regional-policy.toml",
                    "[[region]]\nid = \"shenzhen\"",
                    "[[region]]\nid = \"qingdao\"\nname = \"青岛\"\n\n[[region]]\nid = \"shenzhen\"",
                )
            },
            args: &[],
            code: 65,
            expect: &["regional-policy.toml:", "region `qingdao` is defined twice"],
        },
        Case {
            name: "qualifier in an unknown position",
            setup: |sb| {
                sb.edit(
                    "themes/regional-policy.toml",
                    "position = \"after-number\"",
                    "position = \"middle\"",
                )
            },
            args: &[],
            code: 65,
            expect: &[
                "regional-policy.toml:",
                "unknown qualifier position `middle`",
            ],
        },
        Case {
            name: "free table row that nothing dates",
            setup: |sb| {
                sb.edit(
                    "themes/chip-gap.toml",
                    "[\"英伟达GB200\", \"{gb200-process}\", \"{gb200-transistors}\", \"原文未给出\", \"{gb200-transistors.source}\"],",
                    "[\"英伟达GB200\", \"{gb200-process}\", \"{gb200-transistors}\", \"原文未给出\", \"{gb200-transistors.source}\"],\n  [\"某芯片\", \"5 nm\", \"未知\", \"未知\", \"传闻\"],",
                )
            },
            args: &[],
            code: 65,
            expect: &["chip-gap.toml:", "this row has no placeholder"],
        },
        Case {
            name: "annual rate without years",
            setup: |sb| sb.edit("themes/compute-totals.toml", "years = 10\n", ""),
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "`annual-rate` needs `years`"],
        },
        Case {
            name: "source with neither title nor description",
            setup: |sb| {
                sb.edit(
                    "sources.toml",
                    "description = \"以编者按开篇、记述DeepSeek-R1之后各地AI产业布局的专题文章\"\n",
                    "",
                )
            },
            args: &[],
            code: 65,
            expect: &["sources.toml:", "neither `title` nor `description`"],
        },
        Case {
            name: "unknown placeholder",
            setup: |sb| {
                sb.edit(
                    "themes/compute-totals.toml",
                    "{total-compute-2023.period}公布",
                    "{total-compute-2033.period}公布",
                )
            },
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "total-compute-2033"],
        },
        Case {
            name: "unknown placeholder field",
            setup: |sb| {
                sb.edit(
                    "themes/compute-totals.toml",
                    "{total-compute-2023.period}公布",
                    "{total-compute-2023.colour}公布",
                )
            },
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "colour"],
        },
        Case {
            name: "unknown source",
            setup: |sb| {
                sb.edit(
                    "themes/compute-totals.toml",
                    "source = \"compute-conference-2023\"",
                    "source = \"no-such-source\"",
                )
            },
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "no-such-source"],
        },
        Case {
            name: "fact value of the wrong type",
            setup: |sb| sb.edit("themes/compute-totals.toml", "value = 180", "value = [180]"),
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "number or a string"],
        },
        Case {
            name: "chart mixing units",
            setup: |sb| {
                sb.append(
                    "themes/compute-totals.toml",
                    "\n[[section]]\ntitle = \"x\"\n[[section.block]]\n[section.block.chart]\nkind = \"bar\"\ntitle = \"x\"\n[[section.block.chart.series]]\nname = \"x\"\nfacts = [\"total-compute-2023\", \"racks-2023\"]\n",
                )
            },
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "mixed units"],
        },
        Case {
            name: "character missing from the font",
            setup: |sb| {
                sb.edit(
                    "themes/compute-totals.toml",
                    "{total-compute-2023.period}公布",
                    "{total-compute-2023.period}😀公布",
                )
            },
            args: &[],
            code: 65,
            expect: &[
                "themes/compute-totals.toml:",
                "😀",
                "U+1F600",
                "NotoSerifCJKsc-Regular",
            ],
        },
        Case {
            name: "bad source date",
            setup: |sb| {
                sb.edit(
                    "sources.toml",
                    "published = 2024-07-26",
                    "published = 2024-07-32",
                )
            },
            args: &[],
            code: 65,
            expect: &["sources.toml:"],
        },
        Case {
            name: "empty chart series",
            setup: |sb| {
                sb.edit(
                "themes/chip-gap.toml",
                "facts = [\"share-nvidia-2022\", \"share-ascend-2022\", \"share-kunlun-2022\", \"share-cambricon-2022\", \"share-enflame-2022\"]\nlabels = [\"英伟达\", \"华为昇腾\", \"百度昆仑芯\", \"寒武纪\", \"燧原科技\"]",
                "facts = []",
            )
            },
            args: &[],
            code: 65,
            expect: &["chip-gap.toml:", "empty"],
        },
        Case {
            name: "projection with both base and base_value",
            setup: |sb| {
                sb.edit(
                    "themes/compute-totals.toml",
                    "base_value = 100.0\n",
                    "base_value = 100.0\nbase = \"total-compute-2022\"\n",
                )
            },
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "both `base` and `base_value`"],
        },
        Case {
            name: "projection with neither base nor base_value",
            setup: |sb| sb.edit("themes/compute-totals.toml", "base_value = 100.0\n", ""),
            args: &[],
            code: 65,
            expect: &["compute-totals.toml:", "neither `base`"],
        },
        Case {
            name: "chart naming an unknown fact",
            setup: |sb| {
                sb.edit(
                    "themes/chip-gap.toml",
                    "facts = [\"share-nvidia-2022\", \"share-ascend-2022\"",
                    "facts = [\"share-nvidia-2032\", \"share-ascend-2022\"",
                )
            },
            args: &[],
            code: 65,
            expect: &["chip-gap.toml:", "share-nvidia-2032"],
        },
        Case {
            name: "missing font",
            setup: |sb| {
                let p = sb.config();
                let t = std::fs::read_to_string(&p).unwrap();
                std::fs::write(&p, t.replace("NotoSansCJK-Bold.ttc", "NoSuchFont.ttc")).unwrap();
            },
            args: &[],
            code: 66,
            expect: &["briefing.toml:", "NoSuchFont.ttc"],
        },
        Case {
            name: "missing config",
            setup: |sb| std::fs::remove_file(sb.config()).unwrap(),
            args: &[],
            code: 66,
            expect: &["briefing.toml", "cannot read"],
        },
        Case {
            name: "bad date",
            setup: |_| {},
            args: &["--date", "2026-13-01"],
            code: 64,
            expect: &["2026-13-01", "YYYY-MM-DD"],
        },
        Case {
            name: "unknown profile",
            setup: |_| {},
            args: &["--profile", "nobody"],
            code: 64,
            expect: &["nobody", "briefing"],
        },
        Case {
            name: "bad time zone",
            setup: |sb| sb.edit("briefing.toml", "Asia/Shanghai", "Asia/Qingdao"),
            args: &[],
            code: 78,
            expect: &["briefing.toml:", "Asia/Qingdao"],
        },
        Case {
            name: "unwritable output directory",
            setup: |sb| {
                // A path below a regular file can never be created, even by root.
                let blocker = sb.dir.path().join("blocker");
                std::fs::write(&blocker, b"not a directory").unwrap();
                let p = sb.config();
                let t = std::fs::read_to_string(&p).unwrap();
                let out = sb.out().display().to_string();
                std::fs::write(
                    &p,
                    t.replace(&out, &blocker.join("out").display().to_string()),
                )
                .unwrap();
            },
            args: &[],
            code: 73,
            expect: &["blocker", "cannot create output directory"],
        },
    ]
}

#[test]
fn broken_inputs_fail_cleanly_and_leave_the_previous_briefing_alone() {
    let mut failures = Vec::new();
    for case in cases() {
        let sb = Sandbox::new();
        std::fs::create_dir_all(sb.out()).unwrap();
        let previous = sb.out().join("briefing-2026-11-24.pdf");
        std::fs::write(&previous, PREVIOUS).unwrap();
        (case.setup)(&sb);
        let mut args = vec!["generate"];
        if !case.args.contains(&"--date") {
            args.extend(["--date", "2026-11-24"]);
        }
        args.extend(case.args);
        let out = sb.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        if code != Some(case.code) {
            failures.push(format!(
                "{}: exit {:?}, expected {}; stderr: {err}",
                case.name, code, case.code
            ));
            continue;
        }
        for e in case.expect {
            if !err.contains(e) {
                failures.push(format!("{}: stderr lacks {e:?}: {err}", case.name));
            }
        }
        if std::fs::read(&previous).unwrap() != PREVIOUS {
            failures.push(format!("{}: previous briefing was changed", case.name));
        }
        // The lock file is meant to stay (removing it would race with a waiting run).
        let others: Vec<_> = sb
            .outputs()
            .into_iter()
            .filter(|p| p != &previous && !p.ends_with(".briefing.lock"))
            .collect();
        if !others.is_empty() {
            failures.push(format!("{}: left files behind: {others:?}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn check_reports_the_same_errors_without_writing() {
    let sb = Sandbox::new();
    sb.edit("briefing.toml", "\"qingdao\", ", "\"tsingtao\", ");
    let out = sb.run(&["check"]);
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("briefing.toml:") && err.contains("tsingtao"),
        "{err}"
    );
    assert!(sb.outputs().is_empty());
}
