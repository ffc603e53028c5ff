//! Stage 2: the catalogue, a profile and a date to the [`Briefing`]: only
//! facts known on the briefing date, placeholders filled in, derived figures
//! and chart data computed. Nothing here knows about fonts or pages.

pub mod format;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::config::{
    Block, Catalog, Chart, ChartKind, Config, Fact, Part, Profile, ProjectionBase, Source,
    TableBody, Template, Value,
};

/// The content of one briefing.
#[derive(Debug, Clone)]
pub struct Briefing {
    /// Title (profile override or config title).
    pub title: String,
    /// Profile name.
    pub profile: String,
    /// Briefing date.
    pub date: NaiveDate,
    /// Selected themes in profile order.
    pub themes: Vec<ThemeContent>,
    /// Sources cited, in order of first citation.
    pub sources: Vec<Source>,
    /// Headline facts of the selected themes, for the summary.
    pub key_facts: Vec<KeyFact>,
}

/// A headline figure.
#[derive(Debug, Clone)]
pub struct KeyFact {
    /// Theme id.
    pub theme: String,
    /// Label.
    pub label: String,
    /// Value with unit, split for display.
    pub value: String,
    /// Unit.
    pub unit: String,
    /// Period.
    pub period: String,
    /// Citation number.
    pub source_no: usize,
    /// Region, for regional figures.
    pub region: Option<String>,
    /// Whether the value is a figure (only figures go on cards).
    pub numeric: bool,
}

/// One theme's content.
#[derive(Debug, Clone)]
pub struct ThemeContent {
    /// Theme id.
    pub id: String,
    /// Heading.
    pub title: String,
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
    /// A paragraph of plain text and the citation numbers of its sources.
    Paragraph(String, Vec<usize>),
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
    /// Citation numbers of the facts shown.
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
    /// Value as written (with decimals).
    pub text: String,
    /// Event date for timelines.
    pub date: Option<NaiveDate>,
    /// Event description for timelines.
    pub detail: String,
}

struct Selector<'a> {
    catalog: &'a Catalog,
    date: NaiveDate,
    cited: Vec<String>,
}

impl<'a> Selector<'a> {
    fn known(&self, fact: &Fact) -> bool {
        fact.sources.iter().all(|s| {
            self.catalog
                .sources
                .get(s)
                .is_some_and(|s| s.published <= self.date)
        })
    }

    fn fact(&self, id: &str) -> Option<&'a Fact> {
        self.catalog.facts.get(id).filter(|f| self.known(f))
    }

    fn cite(&mut self, source: &str) -> usize {
        if let Some(i) = self.cited.iter().position(|s| s == source) {
            return i + 1;
        }
        self.cited.push(source.to_string());
        self.cited.len()
    }

    fn cite_fact(&mut self, f: &Fact) -> usize {
        let mut first = 0;
        for s in &f.sources {
            let n = self.cite(s);
            if first == 0 {
                first = n;
            }
        }
        first
    }

    /// Fills a template, or `None` when a fact it needs is not known yet.
    fn render(&mut self, t: &Template) -> Option<String> {
        let mut out = String::new();
        for p in &t.parts {
            match p {
                Part::Text(s) => out.push_str(s),
                Part::Ref { fact, field } => {
                    let f = self.fact(fact)?;
                    out.push_str(&format::field(f, *field, &self.catalog.sources));
                }
            }
        }
        for id in t.facts() {
            let f = self.fact(id)?;
            self.cite_fact(f);
        }
        Some(out)
    }

    fn block(&mut self, b: &Block) -> Option<BlockContent> {
        match b {
            Block::Paragraph { text, sources } => {
                if !sources.iter().all(|s| {
                    self.catalog
                        .sources
                        .get(s)
                        .is_some_and(|s| s.published <= self.date)
                }) {
                    return None;
                }
                let out = self.render(text)?;
                let mut cites: Vec<usize> = Vec::new();
                for id in text.facts() {
                    if let Some(f) = self.fact(id) {
                        for src in f.sources.clone() {
                            cites.push(self.cite(&src));
                        }
                    }
                }
                for s in sources {
                    cites.push(self.cite(s));
                }
                cites.sort_unstable();
                cites.dedup();
                Some(BlockContent::Paragraph(out, cites))
            }
            Block::Table(t) => self.table(&t.caption, &t.body).map(BlockContent::Table),
            Block::Chart(c) => self.chart(c).map(BlockContent::Chart),
        }
    }

    fn table(&mut self, caption: &str, body: &TableBody) -> Option<TableContent> {
        match body {
            TableBody::Facts(ids) => {
                let facts: Vec<&Fact> = ids.iter().filter_map(|id| self.fact(id)).collect();
                if facts.is_empty() {
                    return None;
                }
                let mut rows = Vec::new();
                let mut nos = Vec::new();
                for f in facts {
                    let no = self.cite_fact(f);
                    nos.push(no);
                    let src = format::field(f, crate::config::Field::Source, &self.catalog.sources);
                    rows.push(vec![
                        f.label.clone(),
                        format::with_unit(f),
                        f.period.clone(),
                        src,
                    ]);
                }
                Some(TableContent {
                    caption: caption.to_string(),
                    columns: vec!["指标".into(), "数值".into(), "时期".into(), "来源".into()],
                    rows,
                    numeric: vec![false, true, false, false],
                    source_nos: nos,
                })
            }
            TableBody::Free { columns, rows } => {
                let mut out = Vec::new();
                for r in rows {
                    if let Some(cells) =
                        r.iter().map(|c| self.render(c)).collect::<Option<Vec<_>>>()
                    {
                        out.push(cells);
                    }
                }
                if out.is_empty() {
                    return None;
                }
                let numeric = (0..columns.len())
                    .map(|i| rows.iter().all(|r| matches!(r[i].parts.as_slice(), [Part::Ref { fact, field: crate::config::Field::Full | crate::config::Field::Value }] if matches!(self.catalog.facts.get(fact).map(|f| &f.value), Some(Value::Number(_))))))
                    .collect();
                Some(TableContent {
                    caption: caption.to_string(),
                    columns: columns.clone(),
                    rows: out,
                    numeric,
                    source_nos: Vec::new(),
                })
            }
        }
    }

    fn chart(&mut self, c: &Chart) -> Option<ChartData> {
        let mut series = Vec::new();
        let mut srcs: Vec<String> = Vec::new();
        for s in &c.series {
            let mut points = Vec::new();
            for (i, id) in s.facts.iter().enumerate() {
                let Some(f) = self.fact(id) else { continue };
                self.cite_fact(f);
                for src in &f.sources {
                    if !srcs.contains(src) {
                        srcs.push(src.clone());
                    }
                }
                let label = s.labels.as_ref().map(|l| l[i].clone()).unwrap_or_else(|| {
                    if c.kind == ChartKind::Timeline {
                        f.label.clone()
                    } else {
                        f.period.clone()
                    }
                });
                let (value, detail) = match &f.value {
                    Value::Number(x) => (*x, String::new()),
                    Value::Text(t) => (0.0, t.clone()),
                };
                points.push(Point {
                    label,
                    value,
                    text: format::value(f),
                    date: f.date,
                    detail,
                });
            }
            if !points.is_empty() {
                series.push(SeriesData {
                    name: s.name.clone(),
                    points,
                });
            }
        }
        let projection = c.projection.as_ref().and_then(|p| {
            let rate = self.fact(&p.rate)?;
            let Value::Number(r) = rate.value else {
                return None;
            };
            // The base: a fact known by the briefing date, or a plain index
            // base whose chart rests on the rate fact alone.
            let (b, base) = match &p.base {
                ProjectionBase::Fact(id) => {
                    let f = self.fact(id)?;
                    let Value::Number(b) = f.value else {
                        return None;
                    };
                    (b, Some(f))
                }
                ProjectionBase::Value(v) => (*v, None),
            };
            for f in base.into_iter().chain([rate]) {
                self.cite_fact(f);
                for src in &f.sources {
                    if !srcs.contains(src) {
                        srcs.push(src.clone());
                    }
                }
            }
            let points = (p.from_year..=p.to_year)
                .map(|y| (y, b * (1.0 + r / 100.0).powi(y - p.from_year)))
                .collect();
            Some(ProjectionData {
                name: p.name.replace("{rate}", &format::with_unit(rate)),
                points,
                index: matches!(p.base, ProjectionBase::Value(_)).then(|| p.base_label.clone()),
            })
        });
        if series.is_empty() && projection.is_none() {
            return None;
        }
        let source_line = srcs
            .iter()
            .filter_map(|s| self.catalog.sources.get(s))
            .map(|s| format!("{}《{}》", s.publisher, s.title))
            .collect::<Vec<_>>()
            .join("；");
        Some(ChartData {
            kind: c.kind,
            title: c.title.clone(),
            unit: c.unit.clone(),
            x_label: c.x_label.clone(),
            y_label: c.y_label.clone(),
            note: c.note.clone(),
            series,
            projection,
            source_line,
        })
    }
}

/// Selects and fills the content of `profile` as known on `date`.
pub fn select(config: &Config, profile: &Profile, date: NaiveDate) -> Briefing {
    let catalog = &config.catalog;
    let mut sel = Selector {
        catalog,
        date,
        cited: Vec::new(),
    };
    let mut themes = Vec::new();
    for tid in &profile.themes {
        let Some(theme) = catalog.themes.iter().find(|t| &t.id == tid) else {
            continue;
        };
        let mut sections = Vec::new();
        // Regional sections follow the profile's region order when it gives one.
        let mut order: Vec<&crate::config::Section> = theme.sections.iter().collect();
        if let Some(regions) = &profile.regions {
            order.retain(|s| s.region.as_ref().is_none_or(|r| regions.contains(r)));
            order.sort_by_key(|s| {
                s.region
                    .as_ref()
                    .and_then(|r| regions.iter().position(|x| x == r))
                    .unwrap_or(0)
            });
        }
        for s in order {
            let blocks: Vec<BlockContent> = s.blocks.iter().filter_map(|b| sel.block(b)).collect();
            if !blocks.is_empty() {
                sections.push(SectionContent {
                    title: s.title.clone(),
                    blocks,
                });
            }
        }
        let empty_note = sections.is_empty().then(|| {
            theme.empty_note.clone().unwrap_or_else(|| {
                format!(
                    "截至{}，本主题尚无已公开的资料可供引用。",
                    chinese_date(date)
                )
            })
        });
        themes.push(ThemeContent {
            id: theme.id.clone(),
            title: theme.title.clone(),
            sections,
            empty_note,
        });
    }
    let mut key_facts = Vec::new();
    for tid in &profile.themes {
        for f in catalog.facts.values().filter(|f| &f.theme == tid && f.key) {
            if !sel.known(f) {
                continue;
            }
            if let (Some(r), Some(regions)) = (&f.region, &profile.regions)
                && !regions.contains(r)
            {
                continue;
            }
            let no = sel.cite_fact(f);
            key_facts.push(KeyFact {
                theme: tid.clone(),
                label: f.label.clone(),
                value: format::value(f),
                unit: f.unit.clone().unwrap_or_default(),
                period: f.period.clone(),
                source_no: no,
                region: f.region.clone(),
                numeric: matches!(f.value, Value::Number(_)),
            });
        }
    }
    let sources = sel
        .cited
        .iter()
        .filter_map(|s| catalog.sources.get(s).cloned())
        .collect();
    Briefing {
        title: profile
            .title
            .clone()
            .unwrap_or_else(|| config.title.clone()),
        profile: profile.name.clone(),
        date,
        themes,
        sources,
        key_facts,
    }
}

/// `2026年11月24日`.
pub fn chinese_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Facts known at `date`, per theme id (for `briefing themes`).
pub fn fact_counts(catalog: &Catalog) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in catalog.facts.values() {
        *m.entry(f.theme.clone()).or_insert(0) += 1;
    }
    m
}
