//! The checked theme catalogue: sources, facts, themes and their blocks.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use super::period::When;
pub use crate::origin::{Origin, Text};

/// All theme data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    /// Sources by id.
    pub sources: BTreeMap<String, Source>,
    /// Facts (and derived figures) by id.
    pub facts: BTreeMap<String, Fact>,
    /// Themes in file-name order.
    pub themes: Vec<Theme>,
}

/// A source article or report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    /// Id.
    pub id: String,
    /// Title exactly as the source gives it; `None` for an untitled one.
    pub title: Option<Text>,
    /// What an untitled source is.
    pub description: Option<Text>,
    /// Publisher.
    pub publisher: Text,
    /// Publication date: the first day a briefing may use the source.
    pub published: NaiveDate,
    /// How precisely the date is known.
    pub precision: DatePrecision,
    /// Why the date was inferred, when the source does not state it.
    pub inferred: Option<Text>,
    /// Link.
    pub url: Option<Text>,
    /// Remark.
    pub note: Option<Text>,
}

/// How precisely a source's date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatePrecision {
    /// The day.
    Day,
    /// The month only.
    Month,
    /// The year only.
    Year,
}

impl Source {
    /// `出版方《标题》`, or for an untitled source `出版方（原文无标题）`
    /// (the sources list carries its description): a title is never made up.
    pub fn short(&self) -> Text {
        match &self.title {
            Some(t) => crate::txt!(&self.publisher, "《", t, "》"),
            None => crate::txt!(&self.publisher, "（原文无标题）"),
        }
    }
}

/// Where a qualifier word stands relative to the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QualifierPosition {
    /// `超过650万架`, `约85%`.
    Before,
    /// `130多家`, `20余家`.
    AfterNumber,
    /// `85%以上`.
    AfterUnit,
}

/// How the source qualifies a figure (约, 超过, 多, 以上…): printed with the
/// value everywhere, so an approximate or lower-bound figure never reads as
/// an exact one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualifier {
    /// The word.
    pub text: Text,
    /// Where it goes.
    pub position: QualifierPosition,
}

/// Curated prose: a template and the sources of what it says in words.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Curated {
    /// Text with placeholders.
    pub text: Template,
    /// Sources beyond those of its facts.
    pub sources: Vec<String>,
}

/// A fact's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// A figure.
    Number(f64),
    /// A non-numeric statement (an event, a policy).
    Text(Text),
    /// A figure derived from others, computed when a briefing is made.
    Derived,
}

impl Value {
    /// Whether the value is a figure (given, or derived from figures).
    pub fn is_numeric(&self) -> bool {
        matches!(self, Value::Number(_) | Value::Derived)
    }

    /// The figure, when it is given (a derived one is known only once
    /// content has worked it out).
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            _ => None,
        }
    }
}

/// How a derived figure is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// (to − from) / from × 100.
    PctChange,
    /// to / from.
    Ratio,
    /// to − from.
    Difference,
    /// The yearly rate in percent that compounds to the multiple `from`
    /// over the given years: (from^(1/years) − 1) × 100.
    AnnualRate(u32),
}

/// How a derived figure is computed from facts (content does the
/// arithmetic; the config only checks that it can be done).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derivation {
    /// The operation.
    pub op: Op,
    /// First operand (a fact id).
    pub from: String,
    /// Second operand (the first again for a one-operand operation).
    pub to: String,
    /// Where `from` was written, for errors about the result.
    pub at: Origin,
}

/// A fact or a derived figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fact {
    /// Id.
    pub id: String,
    /// Theme it belongs to.
    pub theme: String,
    /// Short label.
    pub label: Text,
    /// Value.
    pub value: Value,
    /// Where a numeric value was written (a derived figure has none).
    pub value_origin: Option<Origin>,
    /// Unit.
    pub unit: Option<Text>,
    /// Digits after the point.
    pub decimals: Option<usize>,
    /// Period described.
    pub period: Text,
    /// When the period is, read once from its text (`None`: not a date).
    pub when: Option<When>,
    /// Event day.
    pub date: Option<NaiveDate>,
    /// Source ids (one for a fact; the inputs' for a derived figure).
    pub sources: Vec<String>,
    /// Region id.
    pub region: Option<String>,
    /// Headline figure.
    pub key: bool,
    /// How the source qualifies the figure.
    pub qualifier: Option<Qualifier>,
    /// The fact this one replaces (an earlier figure of the same series).
    pub supersedes: Option<String>,
    /// Remark.
    pub note: Option<Text>,
    /// Set for derived figures: how content computes the value.
    pub derived: Option<Derivation>,
    /// Position in the data (theme files in name order, facts in file
    /// order), so headline figures keep the order the analyst wrote.
    pub seq: usize,
}

/// A theme.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Theme {
    /// Id.
    pub id: String,
    /// Heading.
    pub title: Text,
    /// Line shown when nothing is known at the date.
    pub empty_note: Option<Text>,
    /// The analyst's summary lines for this theme.
    pub summary: Vec<Curated>,
    /// Regions it offers.
    pub regions: Vec<Region>,
    /// Subsections.
    pub sections: Vec<Section>,
}

/// A region.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Region {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: Text,
}

/// A subsection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    /// Heading.
    pub title: Text,
    /// Sources the heading's claim rests on (none: it claims nothing).
    pub title_sources: Vec<String>,
    /// The heading shown before every one of `title_sources` is published.
    pub plain_title: Option<Text>,
    /// Region it belongs to.
    pub region: Option<String>,
    /// Compares regions: needs two or more selected.
    pub comparison: bool,
    /// Content.
    pub blocks: Vec<Block>,
}

/// A content block of a section, with what dates and places it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Block {
    /// What it shows.
    pub kind: BlockKind,
    /// Sources of what it says in words, beyond those of its facts: the
    /// block is shown only once all of them are published.
    pub sources: Vec<String>,
    /// Shown only when the profile selects this region.
    pub region: Option<String>,
}

/// What a block shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum BlockKind {
    /// Prose with placeholders.
    Paragraph(Template),
    /// A table.
    Table(Table),
    /// A chart (boxed: several times the size of the other kinds).
    Chart(Box<Chart>),
}

/// Text with fact placeholders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Literal text and references, in order.
    pub parts: Vec<Part>,
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Part {
    /// Literal text.
    Text(Text),
    /// A fact field.
    Ref {
        /// Fact id.
        fact: String,
        /// Which field.
        field: Field,
        /// Where the placeholder was written.
        at: Origin,
    },
}

/// The field a placeholder asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// Value with unit.
    Full,
    /// Value alone.
    Value,
    /// Unit.
    Unit,
    /// Label.
    Label,
    /// Period.
    Period,
    /// Note.
    Note,
    /// The source's publisher.
    Source,
    /// The qualifier word (约, 超过…), empty when the figure has none.
    Qualifier,
    /// The figure in full without its sign, for text that says the
    /// direction in words (`下降{x.abs}`: 下降16.6%, not 下降−16.6%).
    Magnitude,
    /// The direction from the sign, then the magnitude: 增长16.6% or
    /// 下降16.6% (`{x.change}`).
    Change,
}

/// A table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    /// Caption.
    pub caption: Text,
    /// Content.
    pub body: TableBody,
}

/// What a table shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TableBody {
    /// Standard columns 指标/数值/时期/来源 for these facts.
    Facts(Vec<String>),
    /// Free-form cells.
    Free {
        /// Column headings.
        columns: Vec<Text>,
        /// Rows of cells.
        rows: Vec<Vec<Template>>,
        /// The region each row belongs to, if any.
        row_regions: Vec<Option<String>>,
    },
}

/// Chart kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartKind {
    /// Values over time.
    Line,
    /// Vertical bars.
    Bar,
    /// Horizontal bars.
    HBar,
    /// Dated events.
    Timeline,
    /// Bars grouped by category, one colour per series.
    GroupedBar,
}

/// A chart declared in theme data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chart {
    /// Kind.
    pub kind: ChartKind,
    /// Caption.
    pub title: Text,
    /// Value axis unit.
    pub unit: Option<Text>,
    /// Category axis title.
    pub x_label: Option<Text>,
    /// Value axis title.
    pub y_label: Option<Text>,
    /// Remark.
    pub note: Option<Text>,
    /// Series.
    pub series: Vec<Series>,
    /// Growth projection.
    pub projection: Option<Projection>,
}

/// A chart series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Series {
    /// Legend name.
    pub name: Text,
    /// Fact ids.
    pub facts: Vec<String>,
    /// Category labels, each with when it is if it names a period.
    pub labels: Option<Vec<(Text, Option<When>)>>,
}

/// Where a projection's base value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ProjectionBase {
    /// A numeric fact.
    Fact(String),
    /// A plain number: the projection is an index.
    Value(f64),
}

/// A compound-growth projection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Projection {
    /// Legend name.
    pub name: Text,
    /// The value in `from_year`.
    pub base: ProjectionBase,
    /// What a plain base value means (`2022年=100`).
    pub base_label: Option<Text>,
    /// Rate fact (percent).
    pub rate: String,
    /// Base year.
    pub from_year: i32,
    /// Last year.
    pub to_year: i32,
}

impl Template {
    /// The fact ids the template refers to.
    pub fn facts(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Ref { fact, .. } => Some(fact.as_str()),
            Part::Text(_) => None,
        })
    }
}
