//! The TOML schema: what `briefing.toml`, `sources.toml` and theme files may
//! contain. Every struct denies unknown keys, so a typo is an error with its
//! place rather than a silently ignored setting.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

/// `briefing.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Briefing title on the title block and in the running header.
    pub title: Spanned<String>,
    /// Never allowed here: the subtitle depends on the themes a profile
    /// selects, so it is set per profile. Accepted only so that `load` can
    /// say where it belongs instead of toml's "unknown field".
    pub subtitle: Option<Spanned<String>>,
    /// A closing remark under the sources list (e.g. 数据仅供参考), unless
    /// a profile sets its own.
    pub closing_note: Option<Spanned<String>>,
    /// Issuing organisation.
    pub organisation: Spanned<String>,
    /// Author named in the metadata and title block.
    pub author: Spanned<String>,
    /// The briefings' language (`zh-CN`, `zh-Hant-TW`, `zh-Hant-HK`),
    /// unless a profile sets its own.
    pub language: Option<Spanned<String>>,
    /// The file of words the Traditional editions keep or replace.
    pub editions: Option<Spanned<String>>,
    /// Optional classification line, e.g. `内部资料`.
    pub classification: Option<Spanned<String>>,
    /// IANA time zone deciding what "today" is.
    pub time_zone: Option<Spanned<String>>,
    /// Where briefings are written (relative to this file).
    pub output_dir: Option<Spanned<String>>,
    /// File name pattern with `{name}` and `{date}`.
    pub file_name: Option<Spanned<String>>,
    /// Folder of theme files (relative to this file).
    pub themes_dir: Option<Spanned<String>>,
    /// The sources list (relative to this file).
    pub sources: Option<Spanned<String>>,
    /// Keep only the newest N dated briefings per profile.
    pub keep: Option<Spanned<i64>>,
    /// Keep finished font programs between runs (default true).
    pub cache: Option<bool>,
    /// Write tagged PDF/A-2a and PDF/UA-1 (default true); `false` writes a
    /// plain PDF.
    pub pdf_standards: Option<bool>,
    /// Paper and margins.
    pub page: Option<RawPage>,
    /// Font files.
    pub fonts: RawFonts,
    /// Delivery by e-mail (used with `--mail`).
    pub mail: Option<Spanned<RawMail>>,
    /// The briefings to produce.
    #[serde(rename = "profile", default)]
    pub profiles: Vec<Spanned<RawProfile>>,
}

/// `[page]`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    /// `A4`, `A5`, `B5` or `Letter`.
    pub size: Option<Spanned<String>>,
    /// All four margins at once, in millimetres.
    pub margin_mm: Option<Spanned<f64>>,
    /// Top margin in millimetres.
    pub margin_top_mm: Option<Spanned<f64>>,
    /// Bottom margin in millimetres.
    pub margin_bottom_mm: Option<Spanned<f64>>,
    /// Left (inner) margin in millimetres.
    pub margin_left_mm: Option<Spanned<f64>>,
    /// Right (outer) margin in millimetres.
    pub margin_right_mm: Option<Spanned<f64>>,
    /// Body text size in points.
    pub body_size_pt: Option<Spanned<f64>>,
    /// Line pitch as a multiple of the body size.
    pub leading: Option<Spanned<f64>>,
}

/// `[fonts]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFonts {
    /// Serif face for body text.
    pub body: Spanned<RawFont>,
    /// Sans face for headings, tables and charts.
    pub heading: Spanned<RawFont>,
    /// Bold sans face for titles and emphasis.
    pub bold: Spanned<RawFont>,
}

/// One font file and the face inside it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFont {
    /// Path to a .otf/.ttf/.ttc file (relative to the config).
    pub path: Spanned<String>,
    /// Face index inside a collection (required for a .ttc); none for a
    /// single font.
    pub index: Option<Spanned<u32>>,
}

/// `[[profile]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    /// Profile name, used in the file name.
    pub name: Spanned<String>,
    /// Optional title overriding the config's.
    pub title: Option<Spanned<String>>,
    /// Line under the title; the selected themes' titles when absent.
    pub subtitle: Option<Spanned<String>>,
    /// Theme ids, in the order they appear.
    pub themes: Vec<Spanned<String>>,
    /// Region ids, in the order their sections appear; every region of the
    /// selected themes when absent.
    pub regions: Option<Spanned<Vec<Spanned<String>>>>,
    /// The analyst's own summary paragraphs, shown first under 摘要.
    #[serde(default)]
    pub summary: Vec<Spanned<RawParagraph>>,
    /// Whether the summary written from the headline facts follows the
    /// authored one; default: only when there is no authored summary.
    pub generated_summary: Option<bool>,
    /// Closing remark under the sources list, replacing the config's.
    pub closing_note: Option<Spanned<String>>,
    /// Mail addresses the briefing is sent to with `--mail`.
    #[serde(default)]
    pub recipients: Vec<Spanned<String>>,
    /// The date "本期新增" compares with, instead of the previous briefing
    /// in the manifest.
    pub since: Option<Spanned<Datetime>>,
    /// The edition's language, instead of the config's.
    pub language: Option<Spanned<String>>,
}

/// `[mail]`: the SMTP server and the message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMail {
    /// SMTP server host name.
    pub server: Spanned<String>,
    /// TCP port; default by `security`.
    pub port: Option<Spanned<i64>>,
    /// `starttls`, `tls` or `none`.
    pub security: Option<Spanned<String>>,
    /// Login name, if the server wants one.
    pub username: Option<Spanned<String>>,
    /// Name of the environment variable holding the password.
    pub password_env: Option<Spanned<String>>,
    /// Sender mailbox, `Name <addr>` or `addr`.
    pub from: Spanned<String>,
    /// Subject template.
    pub subject: Option<Spanned<String>>,
    /// Body template.
    pub body: Option<Spanned<String>>,
    /// Largest PDF sent, in KiB.
    pub max_attachment_kb: Option<Spanned<i64>>,
    /// Retries after the first attempt for transient failures.
    pub retries: Option<Spanned<i64>>,
    /// Delay before the first retry in milliseconds, doubled each retry.
    pub retry_delay_ms: Option<Spanned<i64>>,
    /// Network timeout in seconds.
    pub timeout_s: Option<Spanned<i64>>,
    /// Never allowed: accepted here only so that `load` can reject it with
    /// a message pointing to `password_env`, not toml's "unknown field".
    pub password: Option<Spanned<toml::Value>>,
}

/// `sources.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSources {
    /// All sources.
    #[serde(rename = "source", default)]
    pub sources: Vec<RawSource>,
}

/// `[[source]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Kebab-case id facts refer to.
    pub id: Spanned<String>,
    /// Title exactly as the article gives it; absent when it has none.
    pub title: Option<Spanned<String>>,
    /// What the source is, for one without a title (required then).
    pub description: Option<Spanned<String>>,
    /// Publisher or author.
    pub publisher: Spanned<String>,
    /// Publication date (a TOML date); the day a briefing may first use it.
    pub published: Spanned<Datetime>,
    /// How precisely the date is known: `day` (default), `month` or `year`;
    /// the sources list shows no more than that.
    pub precision: Option<Spanned<String>>,
    /// Set when the source does not state its date: why this date was chosen.
    pub inferred: Option<Spanned<String>>,
    /// Optional link.
    pub url: Option<Spanned<String>>,
    /// Optional remark (how the date was inferred, …).
    pub note: Option<Spanned<String>>,
}

/// A theme file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTheme {
    /// Theme id.
    pub id: Spanned<String>,
    /// Heading text.
    pub title: Spanned<String>,
    /// Line shown when nothing is known at the briefing date.
    pub empty_note: Option<Spanned<String>>,
    /// The analyst's own summary lines for this theme, used in 摘要 instead
    /// of the ones written from its headline facts.
    #[serde(default)]
    pub summary: Vec<Spanned<RawParagraph>>,
    /// Regions the theme covers, if any.
    #[serde(rename = "region", default)]
    pub regions: Vec<RawRegion>,
    /// Facts.
    #[serde(rename = "fact", default)]
    pub facts: Vec<RawFact>,
    /// Derived figures.
    #[serde(default)]
    pub derived: Vec<RawDerived>,
    /// Subsections.
    #[serde(rename = "section", default)]
    pub sections: Vec<RawSection>,
}

/// `[[region]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    /// Region id.
    pub id: Spanned<String>,
    /// Display name.
    pub name: Spanned<String>,
}

/// `[[fact]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    /// Unique id.
    pub id: Spanned<String>,
    /// Short label.
    pub label: Spanned<String>,
    /// Number or text.
    pub value: Spanned<toml::Value>,
    /// Unit.
    pub unit: Option<Spanned<String>>,
    /// Digits after the point.
    pub decimals: Option<Spanned<i64>>,
    /// Period described.
    pub period: Spanned<String>,
    /// Day of an event.
    pub date: Option<Spanned<Datetime>>,
    /// Source id.
    pub source: Spanned<String>,
    /// Region id.
    pub region: Option<Spanned<String>>,
    /// Headline figure.
    #[serde(default)]
    pub key: bool,
    /// How the source qualifies the figure (约, 超过, 多, 以上…).
    pub qualifier: Option<Spanned<RawQualifier>>,
    /// The fact this one replaces: an earlier figure of the same series.
    pub supersedes: Option<Spanned<String>>,
    /// Remark.
    pub note: Option<Spanned<String>>,
}

/// A qualifier: a plain string goes before the number (`超过650万架`);
/// the table form places it after the number (`130多家`) or after the
/// unit (`85%以上`).
#[derive(Debug)]
pub enum RawQualifier {
    /// Before the number. (The field's own `Spanned` places it: for a
    /// plain string, the value is the literal.)
    Before(String),
    /// Placed explicitly.
    Placed {
        /// The word.
        text: Spanned<String>,
        /// `before`, `after-number` or `after-unit`.
        position: Spanned<String>,
    },
}

// By hand, not `#[serde(untagged)]`: untagged buffers the value, and the
// buffer loses the places toml's `Spanned` records.
impl<'de> Deserialize<'de> for RawQualifier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawQualifier;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a word such as \"约\", or a table { text = \"多\", position = \"after-number\" }")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawQualifier, E> {
                Ok(RawQualifier::Before(s.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<RawQualifier, A::Error> {
                let (mut text, mut position) = (None, None);
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "text" => text = Some(m.next_value()?),
                        "position" => position = Some(m.next_value()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["text", "position"],
                            ));
                        }
                    }
                }
                Ok(RawQualifier::Placed {
                    text: text.ok_or_else(|| serde::de::Error::missing_field("text"))?,
                    position: position
                        .ok_or_else(|| serde::de::Error::missing_field("position"))?,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A paragraph of curated text (a summary line): placeholders plus the
/// sources of what it says in words.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParagraph {
    /// Text with placeholders.
    pub paragraph: Spanned<String>,
    /// Sources of claims made in words.
    pub sources: Option<Vec<Spanned<String>>>,
}

/// `[[derived]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDerived {
    /// Unique id.
    pub id: Spanned<String>,
    /// Short label.
    pub label: Spanned<String>,
    /// Operation: `pct-change`, `ratio`, `difference`, `annual-rate`.
    pub op: Spanned<String>,
    /// First operand (for `annual-rate`: a growth multiple).
    pub from: Spanned<String>,
    /// Second operand (not for `annual-rate`).
    pub to: Option<Spanned<String>>,
    /// Years the multiple of `annual-rate` spans.
    pub years: Option<Spanned<i64>>,
    /// Digits after the point.
    pub decimals: Option<Spanned<i64>>,
    /// Unit of the result.
    pub unit: Option<Spanned<String>>,
    /// Period described.
    pub period: Option<Spanned<String>>,
    /// Region id.
    pub region: Option<Spanned<String>>,
    /// Headline figure.
    #[serde(default)]
    pub key: bool,
    /// Remark.
    pub note: Option<Spanned<String>>,
}

/// `[[section]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// Sub-heading.
    pub title: Spanned<String>,
    /// Sources a heading that makes a claim rests on: before all of them
    /// are published, `plain_title` is shown instead.
    pub title_sources: Option<Vec<Spanned<String>>>,
    /// The neutral heading for dates before `title_sources` are published
    /// (default: the region's name).
    pub plain_title: Option<Spanned<String>>,
    /// Region the section belongs to.
    pub region: Option<Spanned<String>>,
    /// A section comparing regions: shown only when the profile selects at
    /// least two of the theme's regions.
    #[serde(default)]
    pub comparison: bool,
    /// Content blocks.
    #[serde(rename = "block", default)]
    pub blocks: Vec<Spanned<RawBlock>>,
}

/// `[[section.block]]`: exactly one of paragraph, table, chart.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBlock {
    /// Prose with placeholders.
    pub paragraph: Option<Spanned<String>>,
    /// Sources of what the block says in words, beyond its facts' sources.
    pub sources: Option<Vec<Spanned<String>>>,
    /// Shown only when the profile selects this region.
    pub region: Option<Spanned<String>>,
    /// A table.
    pub table: Option<RawTable>,
    /// A chart.
    pub chart: Option<RawChart>,
}

/// `[section.block.table]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    /// Caption (number added).
    pub caption: Spanned<String>,
    /// Fact ids for a standard fact table.
    pub facts: Option<Vec<Spanned<String>>>,
    /// Column headings of a free-form table.
    pub columns: Option<Vec<Spanned<String>>>,
    /// Rows of a free-form table.
    pub rows: Option<Vec<Vec<Spanned<String>>>>,
    /// The region of each row of a free-form table (`""` for none): rows of
    /// regions the profile leaves out are dropped, the rest follow its order.
    pub row_regions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[section.block.chart]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChart {
    /// `line`, `bar`, `hbar`, `timeline`, `grouped-bar`.
    pub kind: Spanned<String>,
    /// Caption (number added).
    pub title: Spanned<String>,
    /// Value axis unit.
    pub unit: Option<Spanned<String>>,
    /// Category axis title.
    pub x_label: Option<Spanned<String>>,
    /// Value axis title.
    pub y_label: Option<Spanned<String>>,
    /// Optional remark under the chart.
    pub note: Option<Spanned<String>>,
    /// Data series.
    #[serde(default)]
    pub series: Vec<Spanned<RawSeries>>,
    /// A compound-growth projection drawn dashed.
    pub projection: Option<Spanned<RawProjection>>,
}

/// `[[section.block.chart.series]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeries {
    /// Legend name.
    pub name: Spanned<String>,
    /// Fact ids, one per point.
    pub facts: Vec<Spanned<String>>,
    /// Category labels (default: each fact's period).
    pub labels: Option<Vec<Spanned<String>>>,
}

/// `[section.block.chart.projection]`: value(t) = base × (1 + rate)^(t − from).
/// The base is a fact (`base`) or a plain number (`base_value`, for an
/// index such as 2022年 = 100); exactly one of the two.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProjection {
    /// Legend name; `{rate}` stands for the rate fact's value.
    pub name: Spanned<String>,
    /// Fact holding the base value.
    pub base: Option<Spanned<String>>,
    /// A plain base value (an index base), instead of `base`.
    pub base_value: Option<Spanned<f64>>,
    /// What the base value means (`2022年=100`), shown at the base point.
    pub base_label: Option<Spanned<String>>,
    /// Fact holding the yearly growth rate in percent.
    pub rate: Spanned<String>,
    /// Year of the base value.
    pub from_year: i32,
    /// Last projected year.
    pub to_year: i32,
}
