//! Stage 3: the [`Briefing`] to a [`Document`], a list of typed blocks in
//! reading order. This is where the briefing's conventions live: heading
//! numbers 一、/（一）, 表1 and 图1 captions, the sources list, the summary
//! lines, "本期新增" and the mail digest, all worded here (`wording`,
//! `news`, `digest`); nothing here knows about fonts or coordinates.

mod digest;
mod news;
pub(crate) mod wording;

pub use digest::Digest;
pub(crate) use digest::digest;

use crate::config::Config;
use crate::content::{
    BlockContent, Briefing, ChartData, Cited, KeyFact, TableContent, chinese_date,
};
use crate::origin::Text;
use wording::numeral;

/// A whole briefing, ready for layout.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// Title.
    pub(crate) title: Text,
    /// Subtitle.
    pub(crate) subtitle: Option<Text>,
    /// Organisation.
    pub(crate) organisation: Text,
    /// Author.
    pub(crate) author: Text,
    /// Classification line.
    pub(crate) classification: Option<Text>,
    /// `2026年11月24日`.
    pub(crate) date_text: Text,
    /// The edition's language.
    pub(crate) language: crate::config::Language,
    /// Subject line for metadata.
    pub(crate) subject: Text,
    /// Keywords for metadata.
    pub(crate) keywords: Vec<Text>,
    /// Content blocks.
    pub(crate) blocks: Vec<DocBlock>,
    /// The heading of the table of contents.
    pub(crate) contents_title: Text,
}

/// A headline figure's card, worded.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    /// The fact.
    pub(crate) fact: KeyFact,
    /// Its label, marked when derived.
    pub(crate) label: Text,
    /// The foot line: period and source number.
    pub(crate) meta: Text,
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
        text: Text,
        /// Anchor id for outline and links.
        anchor: String,
    },
    /// A body paragraph, with the numbers of the sources it cites (shown
    /// as a superscript mark linking to the sources list).
    Paragraph(Text, Vec<usize>),
    /// A paragraph that is also a link to an anchor (a "本期新增" item
    /// leading to where the briefing discusses it).
    Linked(Text, Vec<usize>, String),
    /// A one-line remark in a muted style.
    Note(Text),
    /// A row of headline figures.
    KeyFigures(Vec<Card>),
    /// A numbered table.
    Table {
        /// Table number.
        number: usize,
        /// `表1　标题`.
        caption: Text,
        /// The table.
        table: TableContent,
    },
    /// A numbered chart.
    Figure {
        /// Figure number.
        number: usize,
        /// The chart (boxed: several times the size of the other blocks).
        chart: Box<ChartData>,
    },
    /// The numbered list of sources.
    Sources(Vec<Text>),
    /// The table of contents (entries and pages come from layout).
    Contents,
}

/// Up to `n` headline facts of a theme, in data order: first one of each
/// selected region (so every region shows) and those of no region, then
/// the others until there are `n` (so a theme whose figures all belong to
/// one region still shows up to `n`). Cards take figures only.
fn headline(b: &Briefing, theme: &str, n: usize, numeric_only: bool) -> Vec<KeyFact> {
    let all: Vec<&KeyFact> = b
        .key_facts
        .iter()
        .filter(|k| k.theme == theme && (k.numeric || !numeric_only))
        .collect();
    let mut chosen = vec![false; all.len()];
    let mut seen: Vec<&String> = Vec::new();
    let mut count = 0;
    for (i, k) in all.iter().enumerate() {
        let first_of_region = match &k.region {
            Some(r) => !seen.contains(&r),
            None => true,
        };
        if first_of_region && count < n {
            if let Some(r) = &k.region {
                seen.push(r);
            }
            chosen[i] = true;
            count += 1;
        }
    }
    for c in chosen.iter_mut() {
        if count < n && !*c {
            *c = true;
            count += 1;
        }
    }
    all.into_iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(k, _)| k.clone())
        .collect()
}

/// A body paragraph from cited text.
fn para(c: &Cited) -> DocBlock {
    DocBlock::Paragraph(c.text.clone(), c.cites.clone())
}

/// An unnumbered level-1 heading (摘要, 本期新增, 资料来源).
fn plain_heading(text: &str, anchor: &str) -> DocBlock {
    DocBlock::Heading {
        level: 1,
        number: String::new(),
        text: Text::plain(text),
        anchor: anchor.into(),
    }
}

/// The summary: the analyst's own paragraphs first, then per theme its
/// authored lines or lines written from its headline facts.
fn summary(b: &Briefing) -> Vec<DocBlock> {
    let mut summary: Vec<DocBlock> = b.summary.iter().map(para).collect();
    if b.generated_summary && !b.key_facts.is_empty() {
        let names: Vec<&Text> = b.themes.iter().map(|t| &t.title).collect();
        summary.push(DocBlock::Paragraph(
            wording::summary_opening(b.date, &names),
            Vec::new(),
        ));
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
        let clauses: Vec<Text> = facts.iter().map(wording::summary_clause).collect();
        let mut cites: Vec<usize> = facts.iter().map(|k| k.source_no).collect();
        cites.sort_unstable();
        cites.dedup();
        summary.push(DocBlock::Paragraph(
            crate::txt!(&t.title, "：", Text::join(&clauses, "；"), "。"),
            cites,
        ));
    }
    summary
}

/// The numbered themes with their cards, sections, tables and figures.
fn themes(b: &Briefing, blocks: &mut Vec<DocBlock>) {
    let (mut tables, mut figures) = (0, 0);
    for (ti, t) in b.themes.iter().enumerate() {
        blocks.push(DocBlock::Heading {
            level: 1,
            number: format!("{}、", numeral(ti + 1)),
            text: t.title.clone(),
            anchor: format!("theme-{}", t.id),
        });
        if t.sections.is_empty() {
            let note = t.empty_note.clone();
            blocks.push(DocBlock::Note(
                note.unwrap_or_else(|| wording::nothing_yet(b.date)),
            ));
            continue;
        }
        let cards: Vec<Card> = headline(b, &t.id, 4, true)
            .into_iter()
            .map(|k| Card {
                label: wording::card_label(&k),
                meta: wording::card_meta(&k),
                fact: k,
            })
            .collect();
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
                            caption: wording::table_caption(tables, &t.caption),
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
}

/// Builds the document for one briefing.
pub(crate) fn compose(config: &Config, b: &Briefing) -> Document {
    // Front matter: a contents list (filled in by layout, which knows the
    // pages), then the summary and what is new.
    let mut blocks = vec![DocBlock::Contents];
    let summary = summary(b);
    if !summary.is_empty() {
        blocks.push(plain_heading("摘要", "summary"));
        blocks.extend(summary);
    }
    if let Some(n) = &b.news {
        blocks.push(plain_heading("本期新增", "news"));
        blocks.extend(news::blocks(b, n));
    }
    themes(b, &mut blocks);
    if !b.sources.is_empty() {
        blocks.push(plain_heading("资料来源", "sources"));
        blocks.push(DocBlock::Sources(
            b.sources.iter().map(wording::source_entry).collect(),
        ));
        if let Some(note) = &b.closing_note {
            blocks.push(DocBlock::Note(note.clone()));
        }
    }
    let date_text = Text::plain(chinese_date(b.date));
    Document {
        title: b.title.clone(),
        subtitle: Some(b.subtitle.clone()).filter(|s| !s.is_empty()),
        organisation: config.organisation.clone(),
        author: config.author.clone(),
        classification: config.classification.clone(),
        subject: crate::txt!(&b.title, "（", &date_text, "）"),
        date_text,
        language: b.language,
        keywords: b.themes.iter().map(|t| t.title.clone()).collect(),
        blocks,
        contents_title: Text::plain(wording::CONTENTS_TITLE),
    }
}
