//! Stage 2: the catalogue, a profile and a date to the [`Briefing`]: only
//! facts known on the briefing date, placeholders filled in, derived figures
//! and chart data computed. Nothing here knows about fonts or pages.

pub mod format;
mod select;

pub use select::select;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::config::{Catalog, ChartKind, Source};

/// The content of one briefing.
#[derive(Debug, Clone)]
pub struct Briefing {
    /// Title (profile override or config title).
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Profile name.
    pub profile: String,
    /// Briefing date.
    pub date: NaiveDate,
    /// Selected themes in profile order.
    pub themes: Vec<ThemeContent>,
    /// Sources cited, in order of first citation.
    pub sources: Vec<Source>,
    /// Headline facts of the selected themes, for the summary and cards,
    /// in theme, region and data order.
    pub key_facts: Vec<KeyFact>,
    /// The analyst's own summary paragraphs known by the date.
    pub summary: Vec<Cited>,
    /// Whether the summary written from headline facts follows.
    pub generated_summary: bool,
    /// Closing remark under the sources list.
    pub closing_note: Option<String>,
}

/// Text with the citation numbers of its sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Cited {
    /// Plain text, placeholders filled in.
    pub text: String,
    /// Citation numbers, ascending.
    pub cites: Vec<usize>,
}

/// A headline figure.
#[derive(Debug, Clone)]
pub struct KeyFact {
    /// Theme id.
    pub theme: String,
    /// Label.
    pub label: String,
    /// The figure in pieces (qualifier, number, unit) for display.
    pub figure: format::Figure,
    /// Period.
    pub period: String,
    /// Citation number.
    pub source_no: usize,
    /// Region, for regional figures.
    pub region: Option<String>,
    /// The region's display name.
    pub region_name: Option<String>,
    /// Whether the value is a figure (only figures go on cards).
    pub numeric: bool,
    /// Whether the figure is computed from others (marked 推算).
    pub derived: bool,
}

/// One theme's content.
#[derive(Debug, Clone)]
pub struct ThemeContent {
    /// Theme id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// The analyst's summary lines for the theme, known by the date.
    pub summary: Vec<Cited>,
    /// Subsections with something to show.
    pub sections: Vec<SectionContent>,
    /// Set when nothing is known at the date: the one-line note.
    pub empty_note: Option<String>,
}

/// A subsection's content.
#[derive(Debug, Clone)]
pub struct SectionContent {
    /// Heading.
    pub title: String,
    /// Blocks.
    pub blocks: Vec<BlockContent>,
}

/// A block ready for composition.
#[derive(Debug, Clone)]
pub enum BlockContent {
    /// A paragraph with the citation numbers of its sources.
    Paragraph(Cited),
    /// A table.
    Table(TableContent),
    /// A chart.
    Chart(ChartData),
}

/// A table with its cells as text.
#[derive(Debug, Clone)]
pub struct TableContent {
    /// Caption.
    pub caption: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
    /// Columns whose cells are figures (right-aligned).
    pub numeric: Vec<bool>,
    /// Citation numbers of everything the table shows.
    pub source_nos: Vec<usize>,
}

/// A chart's resolved data.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// Kind.
    pub kind: ChartKind,
    /// Caption.
    pub title: String,
    /// Value unit.
    pub unit: Option<String>,
    /// Category axis title.
    pub x_label: Option<String>,
    /// Value axis title.
    pub y_label: Option<String>,
    /// Remark.
    pub note: Option<String>,
    /// Series with their points.
    pub series: Vec<SeriesData>,
    /// Projected values (year, value) and legend name.
    pub projection: Option<ProjectionData>,
    /// Source line text.
    pub source_line: String,
}

/// A compound-growth projection, resolved.
#[derive(Debug, Clone)]
pub struct ProjectionData {
    /// Legend name (`{rate}` already filled in).
    pub name: String,
    /// Projected values by year, the first being the base.
    pub points: Vec<(i32, f64)>,
    /// An index grown from a plain base value (2022年 = 100), not a
    /// quantity: what its base means, if the data says.
    pub index: Option<Option<String>>,
}

/// One series of a chart.
#[derive(Debug, Clone)]
pub struct SeriesData {
    /// Legend name.
    pub name: String,
    /// Points: category label, value, display text.
    pub points: Vec<Point>,
}

/// One data point.
#[derive(Debug, Clone)]
pub struct Point {
    /// Category label.
    pub label: String,
    /// Numeric value (0 for text facts).
    pub value: f64,
    /// Value as written (with decimals), without qualifier or unit.
    pub text: String,
    /// Qualifier before the value label (`超过`).
    pub before: String,
    /// Qualifier after the value label (`多`, `以上`).
    pub after: String,
    /// Event date for timelines.
    pub date: Option<NaiveDate>,
    /// Event description for timelines.
    pub detail: String,
}

/// `2026年11月24日`.
pub fn chinese_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Facts per theme id (for `briefing themes`).
pub fn fact_counts(catalog: &Catalog) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in catalog.facts.values() {
        *m.entry(f.theme.clone()).or_insert(0) += 1;
    }
    m
}
