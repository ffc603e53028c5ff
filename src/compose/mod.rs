//! Stage 3: the [`Briefing`] to a [`Document`], a list of typed blocks in
//! reading order. This is where the briefing's conventions live (heading
//! numbers 一、/（一）, 表1 and 图1 captions, the sources list); nothing here
//! knows about fonts or coordinates.

use crate::config::{Config, Source};
use crate::content::{
    BlockContent, Briefing, ChartData, Cited, KeyFact, TableContent, chinese_date,
    format::DERIVED_MARK,
};

/// A whole briefing, ready for layout.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// Title.
    pub(crate) title: String,
    /// Subtitle.
    pub(crate) subtitle: Option<String>,
    /// Organisation.
    pub(crate) organisation: String,
    /// Author.
    pub(crate) author: String,
    /// Classification line.
    pub(crate) classification: Option<String>,
    /// `2026年11月24日`.
    pub(crate) date_text: String,
    /// Language tag.
    pub(crate) language: String,
    /// Subject line for metadata.
    pub(crate) subject: String,
    /// Keywords for metadata.
    pub(crate) keywords: Vec<String>,
    /// Content blocks.
    pub(crate) blocks: Vec<DocBlock>,
}

/// A block of the document.
#[derive(Debug, Clone)]
pub(crate) enum DocBlock {
    /// A numbered heading.
    Heading {
        /// 1 for 一、, 2 for （一）.
        level: u8,
        /// Number text, e.g. `一、`.
        number: String,
        /// Heading text.
        text: String,
        /// Anchor id for outline and links.
        anchor: String,
    },
    /// A body paragraph, with the numbers of the sources it cites (shown
    /// as a superscript mark linking to the sources list).
    Paragraph(String, Vec<usize>),
    /// A paragraph that is also a link to an anchor (a "本期新增" item
    /// leading to where the briefing discusses it).
    Linked(String, Vec<usize>, String),
    /// A one-line remark in a muted style.
    Note(String),
    /// A row of headline figures.
    KeyFigures(Vec<KeyFact>),
    /// A numbered table.
    Table {
        /// Table number.
        number: usize,
        /// The table.
        table: TableContent,
    },
    /// A numbered chart.
    Figure {
        /// Figure number.
        number: usize,
        /// The chart.
        chart: ChartData,
    },
    /// The numbered list of sources.
    Sources(Vec<String>),
    /// The table of contents (entries and pages come from layout).
    Contents,
}

/// Up to `n` headline facts of a theme: for a theme with regions, the
/// first of each selected region (so every region shows), otherwise the
/// first `n` in data order. Cards take figures only.
fn headline(b: &Briefing, theme: &str, n: usize, numeric_only: bool) -> Vec<KeyFact> {
    let all = b
        .key_facts
        .iter()
        .filter(|k| k.theme == theme && (k.numeric || !numeric_only));
    if all.clone().any(|k| k.region.is_some()) {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for k in all {
            if let Some(r) = &k.region
                && !seen.contains(r)
            {
                seen.push(r.clone());
                out.push(k.clone());
            }
        }
        out.truncate(n);
        out
    } else {
        all.take(n).cloned().collect()
    }
}

/// One headline fact as a clause of the generated summary: a figure as
/// "时期，主体为数值", a statement as "主体方面，内容". A regional fact
/// names its region unless its label already does.
fn summary_clause(k: &KeyFact) -> String {
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
        format!(
            "{}，{}{verb}{}{}",
            k.period,
            subject,
            k.figure.joined(),
            mark
        )
    } else {
        format!("{}方面，{}", subject, k.figure.joined())
    }
}

/// A source as the sources list writes it: publisher, the title exactly as
/// the source gives it (an untitled source is described, never given a
/// made-up title), and the date to the precision known, marked when it was
/// inferred.
fn source_entry(s: &Source) -> String {
    let what = match (&s.title, &s.description) {
        (Some(t), _) => format!("《{t}》"),
        (None, Some(d)) => format!("{d}（原文无标题）"),
        (None, None) => "（原文无标题）".to_string(),
    };
    let date = crate::content::source_date(s);
    let date = match &s.inferred {
        Some(why) => format!("{date}（推定：{why}）"),
        None => date,
    };
    format!("{}：{}，{}。", s.publisher, what, date)
}

/// Facts of a new source listed by name before "等".
const NEWS_FACTS: usize = 6;

/// The "本期新增" section: one line when nothing is new; otherwise an
/// opening sentence, a paragraph per new source naming its facts and where
/// the briefing discusses them, and the figures that replace earlier ones.
fn news_blocks(b: &Briefing, n: &crate::content::News) -> Vec<DocBlock> {
    let since = chinese_date(n.since);
    if n.sources.is_empty() {
        return vec![DocBlock::Paragraph(
            format!("自上期（{since}）以来无新增资料。"),
            Vec::new(),
        )];
    }
    let mut out = vec![DocBlock::Paragraph(
        format!(
            "自上期（{since}）以来，新增资料{}份，带来数据{}项，均已并入下文相应部分：",
            n.sources.len(),
            n.count()
        ),
        Vec::new(),
    )];
    for s in &n.sources {
        let items: Vec<String> = s
            .facts
            .iter()
            .take(NEWS_FACTS)
            .map(|f| format!("{}{}（{}）", f.label, f.value, f.period))
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
        let where_: Vec<String> = at
            .iter()
            .map(|&i| format!("“{}、{}”", numeral(i + 1), b.themes[i].title))
            .collect();
        let text = format!(
            "{}（{}）：{}{more}；见{}。",
            s.name,
            s.date_text,
            items.join("；"),
            where_.join("、")
        );
        out.push(match at.first() {
            Some(&i) => DocBlock::Linked(text, vec![s.no], format!("theme-{}", b.themes[i].id)),
            None => DocBlock::Paragraph(text, vec![s.no]),
        });
    }
    if !n.updates.is_empty() {
        let items: Vec<String> = n
            .updates
            .iter()
            .map(|u| {
                let change = u
                    .change
                    .as_ref()
                    .map_or(String::new(), |c| format!("，{c}"));
                format!(
                    "{}由{}（{}）变为{}（{}）{change}",
                    u.label, u.old, u.old_period, u.new, u.new_period
                )
            })
            .collect();
        out.push(DocBlock::Paragraph(
            format!("数据更新：{}。", items.join("；")),
            Vec::new(),
        ));
    }
    out
}

/// A body paragraph from cited text.
fn para(c: &Cited) -> DocBlock {
    DocBlock::Paragraph(c.text.clone(), c.cites.clone())
}

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

/// Builds the document for one briefing.
pub(crate) fn compose(config: &Config, b: &Briefing) -> Document {
    let mut blocks = Vec::new();
    let (mut tables, mut figures) = (0, 0);

    // Front matter: a contents list (filled in by layout, which knows the
    // pages), then the summary: the analyst's own paragraphs first, then
    // per theme its authored lines or lines written from its headline
    // facts.
    blocks.push(DocBlock::Contents);
    let mut summary: Vec<DocBlock> = b.summary.iter().map(para).collect();
    if b.generated_summary && !b.key_facts.is_empty() {
        let names: Vec<&str> = b.themes.iter().map(|t| t.title.as_str()).collect();
        summary.push(DocBlock::Paragraph(format!(
            "本期简报截至{}，涵盖{}{}个主题。文中数字均来自所列资料，或由其推算并标注“推算”，且只采用当日以前已公开的内容；各数字的出处见文末“资料来源”。",
            chinese_date(b.date),
            names.join("、"),
            names.len()
        ), Vec::new()));
    }
    for t in &b.themes {
        if !t.summary.is_empty() {
            summary.extend(t.summary.iter().map(para));
            continue;
        }
        if !b.generated_summary {
            continue;
        }
        let facts = headline(b, &t.id, 5, false);
        if facts.is_empty() {
            continue;
        }
        let clauses: Vec<String> = facts.iter().map(summary_clause).collect();
        let mut cites: Vec<usize> = facts.iter().map(|k| k.source_no).collect();
        cites.sort_unstable();
        cites.dedup();
        summary.push(DocBlock::Paragraph(
            format!("{}：{}。", t.title, clauses.join("；")),
            cites,
        ));
    }
    if !summary.is_empty() {
        blocks.push(DocBlock::Heading {
            level: 1,
            number: String::new(),
            text: "摘要".into(),
            anchor: "summary".into(),
        });
        blocks.extend(summary);
    }
    if let Some(n) = &b.news {
        blocks.push(DocBlock::Heading {
            level: 1,
            number: String::new(),
            text: "本期新增".into(),
            anchor: "news".into(),
        });
        blocks.extend(news_blocks(b, n));
    }
    let mut theme_no = 0;
    for t in &b.themes {
        theme_no += 1;
        blocks.push(DocBlock::Heading {
            level: 1,
            number: format!("{}、", numeral(theme_no)),
            text: t.title.clone(),
            anchor: format!("theme-{}", t.id),
        });
        if let Some(note) = &t.empty_note {
            blocks.push(DocBlock::Note(note.clone()));
            continue;
        }
        let cards = headline(b, &t.id, 4, true);
        if !cards.is_empty() {
            blocks.push(DocBlock::KeyFigures(cards));
        }
        for (si, s) in t.sections.iter().enumerate() {
            blocks.push(DocBlock::Heading {
                level: 2,
                number: format!("（{}）", numeral(si + 1)),
                text: s.title.clone(),
                anchor: format!("theme-{}-{}", t.id, si + 1),
            });
            for bl in &s.blocks {
                blocks.push(match bl {
                    BlockContent::Paragraph(c) => para(c),
                    BlockContent::Table(t) => {
                        tables += 1;
                        DocBlock::Table {
                            number: tables,
                            table: t.clone(),
                        }
                    }
                    BlockContent::Chart(c) => {
                        figures += 1;
                        DocBlock::Figure {
                            number: figures,
                            chart: c.clone(),
                        }
                    }
                });
            }
        }
    }
    if !b.sources.is_empty() {
        blocks.push(DocBlock::Heading {
            level: 1,
            number: String::new(),
            text: "资料来源".into(),
            anchor: "sources".into(),
        });
        blocks.push(DocBlock::Sources(
            b.sources.iter().map(source_entry).collect(),
        ));
        if let Some(note) = &b.closing_note {
            blocks.push(DocBlock::Note(note.clone()));
        }
    }
    Document {
        title: b.title.clone(),
        subtitle: Some(b.subtitle.clone()).filter(|s| !s.is_empty()),
        organisation: config.organisation.clone(),
        author: config.author.clone(),
        classification: config.classification.clone(),
        date_text: chinese_date(b.date),
        language: config.language.clone(),
        subject: format!("{}（{}）", b.title, chinese_date(b.date)),
        keywords: b.themes.iter().map(|t| t.title.clone()).collect(),
        blocks,
    }
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
