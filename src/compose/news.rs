//! "本期新增": what a briefing adds to the previous one of its profile, in
//! words: one line when nothing is new; otherwise an opening sentence, a
//! paragraph per new source naming its facts and where the briefing
//! discusses them, and the figures that replace earlier ones.

use super::DocBlock;
use super::wording::numeral;
use crate::content::{Briefing, NewSource, News, Update, chinese_date};
use crate::origin::Text;

/// Facts of a new source listed by name before "等".
const NEWS_FACTS: usize = 6;

/// The line saying nothing is new since `since`.
pub(crate) fn nothing_new(since: chrono::NaiveDate) -> Text {
    Text::plain(format!("自上期（{}）以来无新增资料。", chinese_date(since)))
}

/// The section's blocks.
pub(super) fn blocks(b: &Briefing, n: &News) -> Vec<DocBlock> {
    if n.sources.is_empty() {
        return vec![DocBlock::Paragraph(nothing_new(n.since), Vec::new())];
    }
    let mut out = vec![DocBlock::Paragraph(
        Text::plain(format!(
            "自上期（{}）以来，新增资料{}份，带来数据{}项，均已并入下文相应部分：",
            chinese_date(n.since),
            n.sources.len(),
            n.count()
        )),
        Vec::new(),
    )];
    for s in &n.sources {
        out.push(source_block(b, s));
    }
    if !n.updates.is_empty() {
        let items: Vec<Text> = n.updates.iter().map(update).collect();
        out.push(DocBlock::Paragraph(
            crate::txt!("数据更新：", Text::join(&items, "；"), "。"),
            Vec::new(),
        ));
    }
    out
}

/// A new source's paragraph, linked to the first theme that discusses it.
fn source_block(b: &Briefing, s: &NewSource) -> DocBlock {
    let items: Vec<Text> = s
        .facts
        .iter()
        .take(NEWS_FACTS)
        .map(|f| crate::txt!(&f.label, &f.value, "（", &f.period, "）"))
        .collect();
    let more = if s.facts.len() > NEWS_FACTS {
        format!("等{}项", s.facts.len())
    } else {
        String::new()
    };
    let mut at: Vec<usize> = s
        .facts
        .iter()
        .filter_map(|f| b.themes.iter().position(|t| t.id == f.theme_id))
        .collect();
    at.sort_unstable();
    at.dedup();
    let where_: Vec<Text> = at
        .iter()
        .map(|&i| {
            crate::txt!(
                "“",
                format!("{}、", numeral(i + 1)),
                &b.themes[i].title,
                "”"
            )
        })
        .collect();
    let text = crate::txt!(
        &s.name,
        format!("（{}）：", s.date_text),
        Text::join(&items, "；"),
        more,
        "；见",
        Text::join(&where_, "、"),
        "。"
    );
    match at.first() {
        Some(&i) => DocBlock::Linked(text, vec![s.no], format!("theme-{}", b.themes[i].id)),
        None => DocBlock::Paragraph(text, vec![s.no]),
    }
}

/// A figure that replaces an earlier one: old → new, with the change.
pub(crate) fn update(u: &Update) -> Text {
    let change = u
        .change
        .as_ref()
        .map_or(String::new(), |c| format!("，{c}"));
    crate::txt!(
        &u.label,
        "由",
        &u.old,
        "（",
        &u.old_period,
        "）变为",
        &u.new,
        "（",
        &u.new_period,
        "）",
        change
    )
}
