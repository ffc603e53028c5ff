//! The validated configuration and theme catalogue: plain values, no spans.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
pub use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

/// Everything a run needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file's path.
    pub path: PathBuf,
    /// Every file the config was read from: itself, the sources list and
    /// the theme files (for errors found after loading, such as a character
    /// no font has).
    pub inputs: Vec<PathBuf>,
    /// Briefing title.
    pub title: String,
    /// Issuing organisation.
    pub organisation: String,
    /// Author.
    pub author: String,
    /// BCP 47 language tag written to `/Lang`.
    pub language: String,
    /// Optional classification line.
    pub classification: Option<String>,
    /// Closing remark under the sources list.
    pub closing_note: Option<String>,
    /// Zone that decides the default date.
    pub time_zone: jiff::tz::TimeZone,
    /// Output directory, resolved.
    pub output_dir: PathBuf,
    /// Where finished font programs are kept between runs (the output
    /// directory's `.briefing-cache`); `None` with `cache = false`.
    pub font_cache: Option<PathBuf>,
    /// File name pattern.
    pub file_name: String,
    /// Retention: newest N dated briefings per profile.
    pub keep: Option<usize>,
    /// Page geometry.
    pub page: PageSettings,
    /// Font files.
    pub fonts: FontFiles,
    /// Delivery by e-mail; `None` when the config has no `[mail]`.
    pub mail: Option<MailSettings>,
    /// Profiles in file order.
    pub profiles: Vec<Profile>,
    /// Sources, facts and themes.
    pub catalog: Catalog,
    /// Where the catalogue, parsed on this run, is to be kept for the next
    /// ([`Config::keep_catalogue`]); `None` when it came from there or
    /// nothing is kept.
    pub(crate) catalogue_cache: Option<super::cache::Pending>,
}

/// Page geometry in points.
#[derive(Debug, Clone, Copy)]
pub struct PageSettings {
    /// Paper width.
    pub width: f32,
    /// Paper height.
    pub height: f32,
    /// Top margin (type area starts here).
    pub margin_top: f32,
    /// Bottom margin.
    pub margin_bottom: f32,
    /// Left margin.
    pub margin_left: f32,
    /// Right margin.
    pub margin_right: f32,
    /// Body text size.
    pub body_size: f32,
    /// Line pitch as a multiple of the body size.
    pub leading: f32,
}

/// One face of a font file.
#[derive(Debug, Clone)]
pub struct FontFile {
    /// Resolved path.
    pub path: PathBuf,
    /// Face index in a collection.
    pub index: u32,
    /// The file's bytes, mapped once by the check that found a usable face
    /// at `index`, and kept for the rest of the process: every profile of
    /// the run sets text with them.
    pub data: FontData,
}

/// A font file's bytes, mapped for the life of the process.
#[derive(Clone, Copy)]
pub struct FontData(pub &'static [u8]);

impl std::fmt::Debug for FontData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FontData({} bytes)", self.0.len())
    }
}

impl FontFiles {
    /// Each face's bytes and index, body, heading and bold in that order.
    pub fn faces(&self) -> [(&'static [u8], u32); 3] {
        [&self.body, &self.heading, &self.bold].map(|f| (f.data.0, f.index))
    }
}

/// The three faces a briefing uses.
#[derive(Debug, Clone)]
pub struct FontFiles {
    /// Serif body face.
    pub body: FontFile,
    /// Sans face.
    pub heading: FontFile,
    /// Bold sans face.
    pub bold: FontFile,
}

impl Config {
    /// Keeps the catalogue for the next run, when this run parsed it and
    /// may keep it: called once the run has succeeded, so a failed run
    /// leaves nothing behind.
    pub fn keep_catalogue(&self) {
        if let Some(p) = &self.catalogue_cache {
            p.put(&self.catalog);
        }
    }
}

/// One briefing to produce.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Name used in the file name.
    pub name: String,
    /// Title override.
    pub title: Option<String>,
    /// Line under the title (the selected themes' titles by default).
    pub subtitle: String,
    /// Selected theme ids in order.
    pub themes: Vec<String>,
    /// Selected region ids in display order (every region of the selected
    /// themes, in file order, when the profile names none).
    pub regions: Vec<String>,
    /// The analyst's own summary paragraphs.
    pub summary: Vec<Curated>,
    /// Whether the summary written from headline facts is included.
    pub generated_summary: bool,
    /// Closing remark under the sources list (profile's, else config's).
    pub closing_note: Option<String>,
    /// The date "本期新增" compares with, if the profile fixes one.
    pub since: Option<NaiveDate>,
    /// Where `--mail` sends the briefing; empty means it is not mailed.
    pub recipients: Vec<Mailbox>,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSecurity {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    StartTls,
    /// TLS from the first byte, "SMTPS" (port 465).
    Tls,
    /// No encryption at all: only for a relay on the same machine (port 25).
    None,
}

impl MailSecurity {
    /// The port this security conventionally uses.
    pub fn default_port(self) -> u16 {
        match self {
            MailSecurity::StartTls => 587,
            MailSecurity::Tls => 465,
            MailSecurity::None => 25,
        }
    }
}

/// `[mail]`, checked: the server, the sender and the message templates.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// SMTP server host name (also the name its TLS certificate must show).
    pub server: String,
    /// TCP port.
    pub port: u16,
    /// Connection security.
    pub security: MailSecurity,
    /// Login name; set exactly when `password_env` is.
    pub username: Option<String>,
    /// Environment variable holding the password; the password itself is
    /// never in the config file, so the file can be shared and committed.
    pub password_env: Option<String>,
    /// Sender.
    pub from: Mailbox,
    /// Subject template (placeholders: see [`MAIL_PLACEHOLDERS`]).
    pub subject: String,
    /// Body template (placeholders: see [`MAIL_PLACEHOLDERS`]).
    pub body: String,
    /// Largest PDF that is sent, in KiB (1024 bytes), before encoding.
    pub max_attachment_kb: u64,
    /// Retries after the first attempt, for transient failures only.
    pub retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub retry_delay: Duration,
    /// Timeout for connecting and for each SMTP command.
    pub timeout: Duration,
}

/// The placeholders mail subject and body templates may use.
pub const MAIL_PLACEHOLDERS: [&str; 6] =
    ["title", "date", "date_iso", "profile", "file", "new_count"];

/// The `{name}` placeholders of a mail template: byte range of the whole
/// `{name}` and the name. Only braces around lower-case ASCII letters and
/// `_` count, so other braces in prose stay literal text.
pub fn mail_placeholders(template: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = template[from..].find('{').map(|i| from + i) {
        let rest = &template[open + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 && rest[len..].starts_with('}') {
            out.push((open..open + len + 2, &rest[..len]));
            from = open + len + 2;
        } else {
            from = open + 1;
        }
    }
    out
}

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
    pub title: Option<String>,
    /// What an untitled source is.
    pub description: Option<String>,
    /// Publisher.
    pub publisher: String,
    /// Publication date: the first day a briefing may use the source.
    pub published: NaiveDate,
    /// How precisely the date is known.
    pub precision: DatePrecision,
    /// Why the date was inferred, when the source does not state it.
    pub inferred: Option<String>,
    /// Link.
    pub url: Option<String>,
    /// Remark.
    pub note: Option<String>,
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
    pub fn short(&self) -> String {
        match &self.title {
            Some(t) => format!("{}《{}》", self.publisher, t),
            None => format!("{}（原文无标题）", self.publisher),
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
    pub text: String,
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
    Text(String),
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

/// A fact or a derived figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fact {
    /// Id.
    pub id: String,
    /// Theme it belongs to.
    pub theme: String,
    /// Short label.
    pub label: String,
    /// Value.
    pub value: Value,
    /// Unit.
    pub unit: Option<String>,
    /// Digits after the point.
    pub decimals: Option<usize>,
    /// Period described.
    pub period: String,
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
    pub note: Option<String>,
    /// Set for derived figures: the operation and its operands (the same
    /// id twice for a one-operand operation).
    pub derived: Option<(Op, String, String)>,
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
    pub title: String,
    /// Line shown when nothing is known at the date.
    pub empty_note: Option<String>,
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
    pub name: String,
}

/// A subsection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    /// Heading.
    pub title: String,
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
    /// A chart.
    Chart(Chart),
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
    Text(String),
    /// A fact field.
    Ref {
        /// Fact id.
        fact: String,
        /// Which field.
        field: Field,
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
}

/// A table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    /// Caption.
    pub caption: String,
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
        columns: Vec<String>,
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
    pub title: String,
    /// Value axis unit.
    pub unit: Option<String>,
    /// Category axis title.
    pub x_label: Option<String>,
    /// Value axis title.
    pub y_label: Option<String>,
    /// Remark.
    pub note: Option<String>,
    /// Series.
    pub series: Vec<Series>,
    /// Growth projection.
    pub projection: Option<Projection>,
}

/// A chart series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Fact ids.
    pub facts: Vec<String>,
    /// Category labels.
    pub labels: Option<Vec<String>>,
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
    pub name: String,
    /// The value in `from_year`.
    pub base: ProjectionBase,
    /// What a plain base value means (`2022年=100`).
    pub base_label: Option<String>,
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
