//! The briefing's own words, in one place: heading numbers (一、（一）),
//! captions (表1, 图1（续）), source lines and marks, the contents title,
//! page footers, and the lines written from headline facts. Layout asks
//! here for every word it sets that the data did not give.

use crate::config::{ChartKind, Source};
use crate::content::format::DERIVED_MARK;
use crate::content::{ChartData, KeyFact, chinese_date, source_date};
use crate::origin::Text;

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The Chinese numeral for 1–99.
pub(crate) fn numeral(n: usize) -> String {
    match n {
        1..=10 => NUMERALS[n - 1].to_string(),
        11..=19 => format!("十{}", NUMERALS[n - 11]),
        20..=99 => format!(
            "{}十{}",
            NUMERALS[n / 10 - 1],
            if n.is_multiple_of(10) {
                ""
            } else {
                NUMERALS[n % 10 - 1]
            }
        ),
        _ => n.to_string(),
    }
}

/// The title of the contents list.
pub(crate) const CONTENTS_TITLE: &str = "目录";

/// The footer of body page `n` of `total`.
pub(crate) fn page_footer(n: usize, total: usize) -> String {
    format!("第{n}页 共{total}页")
}

/// The superscript mark naming the sources a paragraph cites: `[1,3]`.
pub(crate) fn cite_mark(cites: &[usize]) -> Option<String> {
    (!cites.is_empty()).then(|| {
        let nos: Vec<String> = cites.iter().map(|n| n.to_string()).collect();
        format!("[{}]", nos.join(","))
    })
}

/// What a source mark does, for readers that announce links: `[1,3]` →
/// "见资料来源[1,3]".
pub(crate) fn cite_description(mark: &str) -> String {
    format!("见资料来源{mark}")
}

/// What a linked paragraph leads to, for readers that announce links.
pub(crate) fn link_description(text: &Text) -> String {
    let head: String = text.chars().take(24).collect();
    format!("转到正文：{head}")
}

/// What a contents entry leads to.
pub(crate) fn contents_description(title: &Text, page: &str) -> String {
    format!("转到“{title}”，第{page}页")
}

/// The number of entry `n` in the sources list: `［3］`.
pub(crate) fn source_number(n: usize) -> String {
    format!("［{n}］")
}

/// `表3　标题`: the ideographic space sets the customary em of space and
/// copies out as nothing.
pub(crate) fn table_caption(number: usize, caption: &Text) -> Text {
    crate::txt!(format!("表{number}\u{3000}"), caption)
}

/// `图2　标题`, or `图2（续）　标题` on a continued part.
pub(crate) fn figure_caption(number: usize, continued: bool, title: &Text) -> Text {
    let mark = if continued { "（续）" } else { "" };
    crate::txt!(format!("图{number}{mark}\u{3000}"), title)
}

/// A figure's source line, with the data's note and the notes the chart
/// adds about its own drawing (a focused axis).
pub(crate) fn figure_source(sources: &Text, notes: &[Text]) -> Text {
    let mut src = crate::txt!("资料来源：", sources);
    if !notes.is_empty() {
        src.push_str("。注：");
        src.push(&Text::join(notes, "；"));
    }
    src
}

/// A chart in words, for readers who cannot see it: its title, unit,
/// every category with its value, any projection, and the notes about
/// how it is drawn (a value axis that does not start at zero).
pub(crate) fn chart_alt(number: usize, chart: &ChartData, notes: &[Text]) -> String {
    let mut s = format!("图{number}：{}。", chart.title);
    if let Some(u) = &chart.unit {
        s.push_str(&format!("单位：{u}。"));
    }
    for series in &chart.series {
        let points: Vec<String> = series
            .points
            .iter()
            .map(|p| match chart.kind {
                // The label says when, to the precision the data knows.
                ChartKind::Timeline => format!("{}：{}", p.label, p.detail),
                _ => format!("{}：{}", p.label, p.written),
            })
            .collect();
        s.push_str(&format!("{}——{}。", series.name, points.join("；")));
    }
    if let Some(p) = &chart.projection {
        let points: Vec<String> = p
            .points
            .iter()
            .map(|(y, v)| format!("{y}年：{}", crate::content::format::number(*v, Some(1))))
            .collect();
        s.push_str(&format!("{}（预测）——{}。", p.name, points.join("；")));
    }
    for n in notes {
        s.push_str(&format!("注：{n}"));
        if !n.ends_with(['。', '！', '？']) {
            s.push('。');
        }
    }
    // Words, not typesetting: no joiners that bind a figure on the page.
    s.retain(|c| c != '\u{2060}');
    s
}

/// A card's label: the fact's, marked when the figure is derived.
pub(crate) fn card_label(k: &KeyFact) -> Text {
    if k.derived {
        crate::txt!(&k.label, DERIVED_MARK)
    } else {
        k.label.clone()
    }
}

/// A card's foot line: the period and the source's number.
pub(crate) fn card_meta(k: &KeyFact) -> Text {
    crate::txt!(&k.period, format!(" ［{}］", k.source_no))
}

/// One headline fact as a clause of the generated summary: a figure as
/// "时期，主体为数值", a statement as "主体方面，内容". A regional fact
/// names its region unless its label already does.
pub(crate) fn summary_clause(k: &KeyFact) -> Text {
    let subject = k.subject();
    if k.numeric {
        let mark = if k.derived { DERIVED_MARK } else { "" };
        // A qualifier such as 约 or 超过 does the work of the verb:
        // "出货量约109万张", not "出货量为约109万张".
        let verb = if k.figure.before.is_empty() {
            "为"
        } else {
            ""
        };
        crate::txt!(&k.period, "，", &subject, verb, k.figure.joined(), mark)
    } else {
        crate::txt!(&subject, "方面，", k.figure.joined())
    }
}

/// The opening line of a generated summary.
pub(crate) fn summary_opening(date: chrono::NaiveDate, theme_titles: &[&Text]) -> Text {
    crate::txt!(
        format!("本期简报截至{}，涵盖", chinese_date(date)),
        Text::join(theme_titles.iter().copied(), "、"),
        format!(
            "{}个主题。文中数字均来自所列资料，或由其推算并标注“推算”，且只采用当日以前已公开的内容；各数字的出处见文末“资料来源”。",
            theme_titles.len()
        )
    )
}

/// A source as the sources list writes it: publisher, the title exactly as
/// the source gives it (an untitled source is described, never given a
/// made-up title), and the date to the precision known, marked when it was
/// inferred.
pub(crate) fn source_entry(s: &Source) -> Text {
    let what = match (&s.title, &s.description) {
        (Some(t), _) => crate::txt!("《", t, "》"),
        (None, Some(d)) => crate::txt!(d, "（原文无标题）"),
        (None, None) => Text::plain("（原文无标题）"),
    };
    let mut date = Text::plain(source_date(s));
    if let Some(why) = &s.inferred {
        date = crate::txt!(date, "（推定：", why, "）");
    }
    crate::txt!(&s.publisher, "：", what, "，", date, "。")
}

/// The line a theme with nothing known by the date shows.
pub(crate) fn nothing_yet(date: chrono::NaiveDate) -> Text {
    Text::plain(format!(
        "截至{}，本主题尚无已公开的资料可供引用。",
        chinese_date(date)
    ))
}

#[cfg(test)]
mod tests {
    use super::numeral;

    #[test]
    fn chinese_numerals() {
        assert_eq!(numeral(1), "一");
        assert_eq!(numeral(10), "十");
        assert_eq!(numeral(12), "十二");
        assert_eq!(numeral(20), "二十");
        assert_eq!(numeral(23), "二十三");
    }
}
