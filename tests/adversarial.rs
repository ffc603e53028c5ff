//! Content the layout was not tuned for, written by the data-format doc:
//! URLs and long Latin names, figures in every unit of the default data and
//! in unusual ones, runs of mixed punctuation, 30- and 80-category charts
//! with long labels and long source names, one-point and all-zero series,
//! and a 5,000-character paragraph. The briefing must pass pdfcheck and
//! splitscan: no split word, number or unit, no prohibited line start or
//! end, nothing outside the text block, every chart on its page.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use common::{Sandbox, pdfcheck_report, shared_tool, text_of};

/// Units of the default data and some it does not use.
const UNITS: &[&str] = &[
    "EFLOPS",
    "万架",
    "%",
    "条",
    "万亿元",
    "倍",
    "‰",
    "张",
    "天",
    "MWh",
    "年",
    "万张",
    "TOPS",
    "POPS",
    "PB",
    "个",
    "TFLOPS",
    "nm",
    "亿个",
    "款",
    "万",
    "家",
    "颗",
    "亿元",
    "万颗",
    "亿美元",
    "分钟",
    "万美元",
    "辆",
    "万度",
    "亩",
    "P",
    "个月",
    "万个",
    "万亿亿次",
    "千瓦时/年",
    "个百分点",
    "TB/s",
    "W/mm²",
    "GB",
    "万千瓦",
    "亿次/秒",
];

fn adversarial_theme() -> String {
    let mut t = String::from(
        "id = \"stress\"\ntitle = \"压力测试：极端内容排版\"\n\n\
         [[region]]\nid = \"east\"\nname = \"东部\"\n\n[[region]]\nid = \"west\"\nname = \"西部\"\n\n",
    );
    // Facts in every unit, one paragraph that cites them all densely.
    let mut para = String::from("各项指标依次为：");
    for (i, u) in UNITS.iter().enumerate() {
        let v = 1000.0 + 137.25 * i as f64;
        writeln!(
            t,
            "[[fact]]\nid = \"u{i}\"\nlabel = \"单位测试指标{i}\"\nvalue = {v}\nunit = \"{u}\"\ndecimals = 2\nperiod = \"2025年\"\nsource = \"stress-source\"\n"
        )
        .unwrap();
        write!(para, "第{i}项为{{u{i}}}，").unwrap();
    }
    para.push_str("以上数字仅为排版测试。");
    // Long categories for the big charts.
    for i in 0..80 {
        let v = (i * 37 % 91) as f64 + 0.5;
        let region = if i % 2 == 0 { "east" } else { "west" };
        writeln!(
            t,
            "[[fact]]\nid = \"c{i}\"\nlabel = \"类别{i}\"\nvalue = {v}\nunit = \"万美元\"\ndecimals = 1\nperiod = \"2025年\"\nsource = \"stress-source\"\nregion = \"{region}\"\n"
        )
        .unwrap();
    }
    t.push_str(
        "[[fact]]\nid = \"one\"\nlabel = \"孤点\"\nvalue = 42\nunit = \"个\"\nperiod = \"2025年\"\nsource = \"stress-source\"\n\n\
         [[fact]]\nid = \"zero-a\"\nlabel = \"零值甲\"\nvalue = 0\nunit = \"%\"\nperiod = \"2024年\"\nsource = \"stress-source\"\n\n\
         [[fact]]\nid = \"zero-b\"\nlabel = \"零值乙\"\nvalue = 0\nunit = \"%\"\nperiod = \"2025年\"\nsource = \"stress-source\"\n\n",
    );
    let url = "https://www.example-statistics.org.cn/publications/compute/2025/annual-report-on-intelligent-computing-centres-final-revised-edition.pdf?lang=zh-CN&download=true";
    let long_name = "Supercalifragilisticexpialidocious-Accelerator-Architecture-Reference-Implementation-Version";
    let mut big = String::new();
    while big.chars().count() < 5000 {
        big.push_str(
            "算力基础设施建设需要统筹规划，兼顾东部需求与西部资源，推动数据中心集约化、绿色化发展；\
             “东数西算”工程把算力需求与能源供给结合起来（见《规划》第三章），并以DeepSeek-R1、H100、910B等为例说明——",
        );
        big.push_str("性能差距……仍然存在！？");
    }
    writeln!(t, "[[section]]\ntitle = \"长链接与长名称\"\n").unwrap();
    writeln!(
        t,
        "[[section.block]]\nsources = [\"stress-source\"]\nparagraph = \"完整报告可从{url}下载，其中{long_name}一节介绍了DeepSeek-R1与H100的对比，另见https://example.org/a/b/c。\"\n"
    )
    .unwrap();
    writeln!(
        t,
        "[[section.block]]\nsources = [\"stress-source\"]\nparagraph = \"标点连用：“（《测试》）”，——“‘引号’”……！？；【注】「甲」『乙』〔丙〕。\"\n"
    )
    .unwrap();
    writeln!(
        t,
        "[[section]]\ntitle = \"单位与数字\"\n\n[[section.block]]\nparagraph = \"{para}\"\n"
    )
    .unwrap();
    writeln!(
        t,
        "[[section]]\ntitle = \"超长段落\"\n\n[[section.block]]\nsources = [\"stress-source\"]\nparagraph = \"{big}\"\n"
    )
    .unwrap();
    // Charts: 30 and 80 categories, horizontal and vertical (which turns).
    let ids = |n: usize| {
        (0..n)
            .map(|i| format!("\"c{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let labels = |n: usize| {
        (0..n)
            .map(|i| format!("\"第{i}号算力中心（含扩建工程与配套设施）\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(t, "[[section]]\ntitle = \"大图表\"\n").unwrap();
    for (n, kind) in [(30, "hbar"), (80, "hbar"), (30, "bar")] {
        writeln!(
            t,
            "[[section.block]]\n[section.block.chart]\nkind = \"{kind}\"\ntitle = \"{n}个类别的{kind}图\"\nx_label = \"横轴标题{n}{kind}\"\ny_label = \"纵轴标题{n}{kind}\"\n[[section.block.chart.series]]\nname = \"数值\"\nfacts = [{}]\nlabels = [{}]\n",
            ids(n),
            labels(n)
        )
        .unwrap();
    }
    t.push_str(
        "[[section.block]]\n[section.block.chart]\nkind = \"line\"\ntitle = \"单点折线\"\n[[section.block.chart.series]]\nname = \"孤点\"\nfacts = [\"one\"]\n\n\
         [[section.block]]\n[section.block.chart]\nkind = \"bar\"\ntitle = \"全零柱状图\"\n[[section.block.chart.series]]\nname = \"零值\"\nfacts = [\"zero-a\", \"zero-b\"]\n\n",
    );
    // A table that a big chart interrupts.
    writeln!(
        t,
        "[[section]]\ntitle = \"长表格\"\n\n[[section.block]]\n[section.block.table]\ncaption = \"八十行的表\"\nfacts = [{}]\n",
        ids(80)
    )
    .unwrap();
    t
}

const STRESS_SOURCE: &str = "\n[[source]]\nid = \"stress-source\"\ntitle = \"一份标题很长很长的压力测试资料：关于智能计算中心建设、运营、能耗与区域协同的年度综合评估报告（修订版）\"\npublisher = \"某某研究院数字经济与算力基础设施研究中心联合课题组\"\npublished = 2025-03-01\n";

fn stress_pdf() -> (Sandbox, PathBuf) {
    let sb = Sandbox::new();
    std::fs::write(sb.file("themes/stress.toml"), adversarial_theme()).unwrap();
    sb.append("sources.toml", STRESS_SOURCE);
    sb.append(
        "briefing.toml",
        "\n[[profile]]\nname = \"stress\"\nthemes = [\"stress\"]\n",
    );
    let out = sb.run(&[
        "generate",
        "--profile",
        "stress",
        "--date",
        "2026-11-24",
        "-q",
    ]);
    assert!(
        out.status.success(),
        "stress briefing failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = sb.out().join("stress-2026-11-24.pdf");
    // To look at the pages: BRIEFING_KEEP=dir cargo test --test adversarial
    if let Some(dir) = std::env::var_os("BRIEFING_KEEP") {
        std::fs::copy(&pdf, PathBuf::from(dir).join("stress.pdf")).unwrap();
    }
    (sb, pdf)
}

#[test]
fn adversarial_content_passes_pdfcheck_and_splitscan() {
    let (sb, pdf) = stress_pdf();
    if let Some(report) = pdfcheck_report(&pdf) {
        assert_eq!(
            report["verdict"]["pass"], true,
            "pdfcheck failed: {}",
            report["verdict"]
        );
    }
    let Some(splitscan) = shared_tool("splitscan.py") else {
        return;
    };
    let scan = Command::new("python3")
        .arg(splitscan)
        .arg(&pdf)
        .arg(sb.file(""))
        .output()
        .expect("python3");
    assert!(
        scan.status.success(),
        "splitscan found splits:\n{}",
        String::from_utf8_lossy(&scan.stdout)
    );
}

#[test]
fn big_charts_are_continued_and_keep_their_axis_titles() {
    let (_sb, pdf) = stress_pdf();
    let text = text_of(&pdf).replace('\n', "");
    // 80 categories do not fit one page: the figure is continued.
    assert!(text.contains("（续）"), "no continued figure");
    // Axis titles: a declared hbar keeps both, and a bar chart turned on
    // its side keeps both too.
    for t in [
        "横轴标题30hbar",
        "纵轴标题30hbar",
        "横轴标题30bar",
        "纵轴标题30bar",
    ] {
        assert!(text.contains(t), "axis title {t} missing");
    }
    // The long URL is complete in the text, in order.
    assert!(text.contains("annual-report-on-intelligent"));
}
