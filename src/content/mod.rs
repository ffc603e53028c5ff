//! Stage 2: the catalogue, a profile and a date to the [`Briefing`]: only
//! facts known on the briefing date, placeholders filled in, derived figures
//! and chart data computed. Nothing here knows about fonts or pages.

mod charts;
mod derive;
pub(crate) mod format;
mod news;
mod select;
mod selector;
mod tables;

pub use select::diff;
pub(crate) use select::select;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::config::{Catalog, ChartKind, Source, Text};

/// The content of one briefing.
#[derive(Debug, Clone)]
pub(crate) struct Briefing {
    /// Title (profile override or config title).
    pub(crate) title: Text,
    /// Line under the title.
    pub(crate) subtitle: Text,
    /// Briefing date.
    pub(crate) date: NaiveDate,
    /// Selected themes in profile order.
    pub(crate) themes: Vec<ThemeContent>,
    /// Sources cited, in order of first citation.
    pub(crate) sources: Vec<Source>,
    /// Headline facts of the selected themes, for the summary and cards,
    /// in theme, region and data order.
    pub(crate) key_facts: Vec<KeyFact>,
    /// The analyst's own summary paragraphs known by the date.
    pub(crate) summary: Vec<Cited>,
    /// Whether the summary written from headline facts follows.
    pub(crate) generated_summary: bool,
    /// Closing remark under the sources list.
    pub(crate) closing_note: Option<Text>,
    /// The edition's language.
    pub(crate) language: crate::config::Language,
    /// What is new since the previous briefing; `None` for a first one.
    pub(crate) news: Option<News>,
}

/// What a briefing adds to the previous one of its profile: the sources
/// published after `since` and by the briefing date, with the facts of the
/// profile's themes and regions they bring, and figures that replace an
/// earlier figure of their series.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct News {
    /// The previous briefing's date.
    pub since: NaiveDate,
    /// New sources in citation order, with their facts.
    pub sources: Vec<NewSource>,
    /// Figures that replace earlier ones.
    pub updates: Vec<Update>,
}

impl News {
    /// Number of new facts.
    pub fn count(&self) -> usize {
        self.sources.iter().map(|s| s.facts.len()).sum()
    }
}

/// A source new since the previous briefing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewSource {
    /// Source id.
    pub id: String,
    /// `出版方《标题》`.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub name: Text,
    /// Publication date.
    pub published: NaiveDate,
    /// The date as the sources list prints it (to the precision known).
    pub date_text: String,
    /// Citation number in the briefing.
    pub no: usize,
    /// The facts it brings, headline facts first.
    pub facts: Vec<NewFact>,
}

/// A fact new since the previous briefing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewFact {
    /// Fact id.
    pub id: String,
    /// Label.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub label: Text,
    /// Value as printed (qualifier and unit), plain text.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub value: Text,
    /// Period.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub period: Text,
    /// Title of the theme that discusses it.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub theme: Text,
    /// Id of that theme (its heading's anchor).
    pub theme_id: String,
    /// A headline figure.
    pub key: bool,
}

/// A figure replacing an earlier one of its series: old → new.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Update {
    /// Id of the new fact.
    pub id: String,
    /// Label.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub label: Text,
    /// The earlier figure and its period.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub old: Text,
    /// Period of the earlier figure.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub old_period: Text,
    /// The new figure.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub new: Text,
    /// Period of the new figure.
    #[serde(serialize_with = "crate::origin::as_str")]
    pub new_period: Text,
    /// The change, e.g. `增长9.4%`, when both are numbers.
    pub change: Option<String>,
}

/// Text with the citation numbers of its sources.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cited {
    /// Plain text, placeholders filled in.
    pub(crate) text: Text,
    /// Citation numbers, ascending.
    pub(crate) cites: Vec<usize>,
}

/// A headline figure.
#[derive(Debug, Clone)]
pub(crate) struct KeyFact {
    /// Theme id.
    pub(crate) theme: String,
    /// Label.
    pub(crate) label: Text,
    /// The figure in pieces (qualifier, number, unit) for display.
    pub(crate) figure: format::Figure,
    /// Period.
    pub(crate) period: Text,
    /// Citation number.
    pub(crate) source_no: usize,
    /// Region, for regional figures.
    pub(crate) region: Option<String>,
    /// The region's display name.
    pub(crate) region_name: Option<Text>,
    /// Whether the value is a figure (only figures go on cards).
    pub(crate) numeric: bool,
    /// Whether the figure is computed from others (marked 推算).
    pub(crate) derived: bool,
    /// New or changed since the previous briefing.
    pub(crate) changed: bool,
}

impl KeyFact {
    /// The label with its region's name in front, unless it already
    /// names it (`青岛计划培育的…`, not `青岛青岛…`): how the summary and the
    /// mail name a regional figure out of its section.
    pub(crate) fn subject(&self) -> Text {
        match &self.region_name {
            Some(r) if !self.label.starts_with(r.as_str()) => crate::txt!(r, &self.label),
            _ => self.label.clone(),
        }
    }
}

/// One theme's content.
#[derive(Debug, Clone)]
pub(crate) struct ThemeContent {
    /// Theme id.
    pub(crate) id: String,
    /// Heading.
    pub(crate) title: Text,
    /// The analyst's summary lines for the theme, known by the date.
    pub(crate) summary: Vec<Cited>,
    /// Subsections with something to show.
    pub(crate) sections: Vec<SectionContent>,
    /// The line the data gives for when nothing is known by the date.
    pub(crate) empty_note: Option<Text>,
}

/// A subsection's content.
#[derive(Debug, Clone)]
pub(crate) struct SectionContent {
    /// Heading.
    pub(crate) title: Text,
    /// Blocks.
    pub(crate) blocks: Vec<BlockContent>,
}

/// A block ready for composition.
#[derive(Debug, Clone)]
pub(crate) enum BlockContent {
    /// A paragraph with the citation numbers of its sources.
    Paragraph(Cited),
    /// A table.
    Table(TableContent),
    /// A chart (boxed: several times the size of the other kinds).
    Chart(Box<ChartData>),
}

/// A table with its cells as text.
#[derive(Debug, Clone)]
pub(crate) struct TableContent {
    /// Caption.
    pub(crate) caption: Text,
    /// Column headings.
    pub(crate) columns: Vec<Text>,
    /// Rows.
    pub(crate) rows: Vec<Vec<Text>>,
    /// Columns whose cells are figures (right-aligned).
    pub(crate) numeric: Vec<bool>,
}

/// A chart's resolved data.
#[derive(Debug, Clone)]
pub(crate) struct ChartData {
    /// Kind.
    pub(crate) kind: ChartKind,
    /// Caption.
    pub(crate) title: Text,
    /// Value unit.
    pub(crate) unit: Option<Text>,
    /// Category axis title.
    pub(crate) x_label: Option<Text>,
    /// Value axis title.
    pub(crate) y_label: Option<Text>,
    /// Remark.
    pub(crate) note: Option<Text>,
    /// Series with their points.
    pub(crate) series: Vec<SeriesData>,
    /// Projected values (year, value) and legend name.
    pub(crate) projection: Option<ProjectionData>,
    /// Source line text.
    pub(crate) source_line: Text,
    /// The edition (set by the edition stage), for the chart's own words.
    pub(crate) language: crate::config::Language,
}

/// A compound-growth projection, resolved.
#[derive(Debug, Clone)]
pub(crate) struct ProjectionData {
    /// Legend name (`{rate}` already filled in).
    pub(crate) name: Text,
    /// Projected values by year, the first being the base.
    pub(crate) points: Vec<(i32, f64)>,
    /// An index grown from a plain base value (2022年 = 100), not a
    /// quantity: what its base means, if the data says.
    pub(crate) index: Option<Option<Text>>,
}

/// One series of a chart.
#[derive(Debug, Clone)]
pub(crate) struct SeriesData {
    /// Legend name.
    pub(crate) name: Text,
    /// Points: category label, value, display text.
    pub(crate) points: Vec<Point>,
}

/// One data point.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    /// Category label.
    pub(crate) label: Text,
    /// Numeric value (0 for text facts).
    pub(crate) value: f64,
    /// Value as written (with decimals), without qualifier or unit.
    pub(crate) text: Text,
    /// Qualifier before the value label (`超过`).
    pub(crate) before: Text,
    /// Qualifier after the value label (`多`, `以上`).
    pub(crate) after: Text,
    /// When the point is, in fractional years: its event's day, else the
    /// period its label names (`None` when the label is not a date).
    pub(crate) when: Option<f64>,
    /// Event description for timelines.
    pub(crate) detail: Text,
    /// The figure as prose prints it, qualifier and unit in their places
    /// (`超过650万架`, `130多家`, `320 TFLOPS`): what a chart's text
    /// alternative says.
    pub(crate) written: Text,
}

/// A source's date to the precision known: `2024年7月26日`, `2025年2月`.
pub(crate) fn source_date(s: &crate::config::Source) -> String {
    use chrono::Datelike;
    let d = s.published;
    match s.precision {
        crate::config::DatePrecision::Day => chinese_date(d),
        crate::config::DatePrecision::Month => format!("{}年{}月", d.year(), d.month()),
        crate::config::DatePrecision::Year => format!("{}年", d.year()),
    }
}

/// `2026年11月24日`.
pub(crate) fn chinese_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Facts per theme id (for `briefing themes`).
pub(crate) fn fact_counts(catalog: &Catalog) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in catalog.facts.values() {
        *m.entry(f.theme.clone()).or_insert(0) += 1;
    }
    m
}
