//! Selection: which facts, blocks and sections a profile shows on a date,
//! and the numbering of the sources they cite.

use chrono::NaiveDate;

use super::*;
use crate::config::{
    Block, BlockKind, Catalog, Chart, ChartKind, Config, Curated, Fact, Field, Part, Profile,
    ProjectionBase, Source, TableBody, Template, Text, Value,
};

/// Picks what a briefing dated `date` may show: facts whose sources were
/// all published by then, of regions the profile selected; and numbers the
/// sources in order of first citation.
struct Selector<'a> {
    catalog: &'a Catalog,
    date: NaiveDate,
    regions: &'a [String],
    cited: Vec<String>,
}

impl<'a> Selector<'a> {
    fn published(&self, source: &str) -> bool {
        self.catalog
            .sources
            .get(source)
            .is_some_and(|s| s.published <= self.date)
    }

    fn region_shown(&self, region: &Option<String>) -> bool {
        region.as_ref().is_none_or(|r| self.regions.contains(r))
    }

    /// Position of a region in the profile's order.
    fn region_rank(&self, region: &Option<String>) -> Option<usize> {
        region
            .as_ref()
            .and_then(|r| self.regions.iter().position(|x| x == r))
    }

    fn known(&self, fact: &Fact) -> bool {
        fact.sources.iter().all(|s| self.published(s)) && self.region_shown(&fact.region)
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

    /// Cites every source of `f`; returns the numbers.
    fn cite_fact(&mut self, f: &Fact) -> Vec<usize> {
        f.sources.iter().map(|s| self.cite(s)).collect()
    }

    /// Fills a template, or `None` when a fact it needs is not known.
    fn fill(&self, t: &Template) -> Option<Text> {
        let mut out = Text::new();
        for p in &t.parts {
            match p {
                Part::Text(s) => out.push(s),
                Part::Ref { fact, field, .. } => {
                    let f = self.fact(fact)?;
                    out.push(&format::field(f, *field, &self.catalog.sources));
                }
            }
        }
        Some(out)
    }

    /// Fills a template and cites what it rests on: its facts' sources and
    /// `extra`, the sources of what it says in words. `None` unless every
    /// one of them is published by the date.
    fn cited(&mut self, t: &Template, extra: &[String]) -> Option<Cited> {
        if !extra.iter().all(|s| self.published(s)) {
            return None;
        }
        let text = self.fill(t)?;
        let mut cites = Vec::new();
        for id in t.facts() {
            let f = self.fact(id)?;
            cites.extend(self.cite_fact(f));
        }
        for s in extra {
            cites.push(self.cite(s));
        }
        cites.sort_unstable();
        cites.dedup();
        Some(Cited { text, cites })
    }

    fn block(&mut self, b: &Block) -> Option<BlockContent> {
        if !self.region_shown(&b.region) || !b.sources.iter().all(|s| self.published(s)) {
            return None;
        }
        match &b.kind {
            BlockKind::Paragraph(text) => self.cited(text, &b.sources).map(BlockContent::Paragraph),
            BlockKind::Table(t) => self
                .table(&t.caption, &t.body, &b.sources)
                .map(BlockContent::Table),
            BlockKind::Chart(c) => self.chart(c, &b.sources).map(BlockContent::Chart),
        }
    }

    fn table(
        &mut self,
        caption: &Text,
        body: &TableBody,
        extra: &[String],
    ) -> Option<TableContent> {
        let content = match body {
            TableBody::Facts(ids) => {
                let facts: Vec<&Fact> = ids.iter().filter_map(|id| self.fact(id)).collect();
                let facts = in_region_order(
                    facts
                        .into_iter()
                        .map(|f| (self.region_rank(&f.region), f))
                        .collect(),
                );
                if facts.is_empty() {
                    return None;
                }
                let mut rows = Vec::new();
                for f in facts {
                    self.cite_fact(f);
                    rows.push(vec![
                        f.label.clone(),
                        format::with_unit(f),
                        f.period.clone(),
                        format::field(f, Field::Source, &self.catalog.sources),
                    ]);
                }
                TableContent {
                    caption: caption.clone(),
                    columns: ["指标", "数值", "时期", "来源"].map(Text::plain).to_vec(),
                    rows,
                    numeric: vec![false, true, false, false],
                }
            }
            TableBody::Free {
                columns,
                rows,
                row_regions,
            } => {
                let mut kept = Vec::new();
                for (r, region) in rows.iter().zip(row_regions) {
                    // A row's region: as declared, else that of its first
                    // regional fact.
                    let region = region.clone().or_else(|| {
                        r.iter()
                            .flat_map(|c| c.facts())
                            .filter_map(|id| self.catalog.facts.get(id))
                            .find_map(|f| f.region.clone())
                    });
                    if !self.region_shown(&region) {
                        continue;
                    }
                    let Some(cells) = r.iter().map(|c| self.fill(c)).collect::<Option<Vec<_>>>()
                    else {
                        continue;
                    };
                    for id in r.iter().flat_map(|c| c.facts()) {
                        if let Some(f) = self.fact(id) {
                            self.cite_fact(f);
                        }
                    }
                    kept.push((self.region_rank(&region), cells));
                }
                let out = in_region_order(kept);
                if out.is_empty() {
                    return None;
                }
                let numeric = (0..columns.len())
                    .map(|i| {
                        rows.iter().all(|r| {
                            matches!(r[i].parts.as_slice(), [Part::Ref { fact, field: Field::Full | Field::Value, .. }]
                                if matches!(self.catalog.facts.get(fact).map(|f| &f.value), Some(Value::Number(_))))
                        })
                    })
                    .collect();
                TableContent {
                    caption: caption.clone(),
                    columns: columns.clone(),
                    rows: out,
                    numeric,
                }
            }
        };
        for s in extra {
            self.cite(s);
        }
        Some(content)
    }

    fn chart(&mut self, c: &Chart, extra: &[String]) -> Option<ChartData> {
        let mut series = Vec::new();
        let mut srcs: Vec<String> = Vec::new();
        // The units of the facts drawn: one shared unit is the chart's
        // when it names none.
        let mut units: Vec<Option<Text>> = Vec::new();
        for s in &c.series {
            let mut points = Vec::new();
            // Each point's fact label, for when the periods cannot name
            // the categories.
            let mut names = Vec::new();
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
                    Value::Number(x) => (*x, Text::new()),
                    Value::Text(t) => (0.0, t.clone()),
                };
                let fig = format::figure(f);
                let unit_len = f.unit.as_deref().unwrap_or("").chars().count();
                let bare = fig.without_unit(unit_len);
                let number = format::value(f);
                let (before, after) = match bare.find(number.as_str()) {
                    Some(i) => (bare.slice(0..i), bare.slice(i + number.len()..bare.len())),
                    None => (Text::new(), Text::new()),
                };
                names.push(f.label.clone());
                if !units.contains(&f.unit) {
                    units.push(f.unit.clone());
                }
                points.push((
                    self.region_rank(&f.region),
                    Point {
                        label,
                        value,
                        text: number.clone(),
                        before,
                        after,
                        date: f.date,
                        detail,
                    },
                ));
            }
            // Categories named by default (each fact's period) must tell the
            // points apart: facts of one period are named by their labels
            // instead, or by both where the labels repeat too.
            if s.labels.is_none()
                && c.kind != ChartKind::Timeline
                && !distinct(points.iter().map(|(_, p)| &p.label))
            {
                let by_label = distinct(names.iter());
                for ((_, p), name) in points.iter_mut().zip(names) {
                    p.label = match by_label {
                        true => name,
                        false => crate::txt!(&name, "（", &p.label, "）"),
                    };
                }
            }
            // Regional points follow the profile's region order, like the
            // regional sections.
            let points = in_region_order(points);
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
                name: p.name.replace_all("{rate}", &format::with_unit(rate)),
                points,
                index: matches!(p.base, ProjectionBase::Value(_)).then(|| p.base_label.clone()),
            })
        });
        if series.is_empty() && projection.is_none() {
            return None;
        }
        for s in extra {
            self.cite(s);
            if !srcs.contains(s) {
                srcs.push(s.clone());
            }
        }
        let shorts: Vec<Text> = srcs
            .iter()
            .filter_map(|s| self.catalog.sources.get(s))
            .map(Source::short)
            .collect();
        let source_line = Text::join(&shorts, "；");
        let unit = c.unit.clone().or_else(|| match &units[..] {
            [Some(u)] => Some(u.clone()),
            _ => None,
        });
        // A value axis always says what its numbers count: without a title
        // of its own it is titled by the unit (the value axis is the
        // horizontal one of an `hbar`; a timeline has none).
        let (mut x_label, mut y_label) = (c.x_label.clone(), c.y_label.clone());
        let value_title = match c.kind {
            ChartKind::Timeline => None,
            ChartKind::HBar => Some(&mut x_label),
            _ => Some(&mut y_label),
        };
        if let (Some(title @ None), Some(u)) = (value_title, &unit) {
            *title = Some(crate::txt!("单位：", u));
        }
        Some(ChartData {
            kind: c.kind,
            title: c.title.clone(),
            unit,
            x_label,
            y_label,
            note: c.note.clone(),
            series,
            projection,
            source_line,
        })
    }

    fn curated(&mut self, list: &[Curated]) -> Vec<Cited> {
        list.iter()
            .filter_map(|c| self.cited(&c.text, &c.sources))
            .collect()
    }
}

/// Puts items that belong to a region in the profile's region order while
/// the others keep their places: the regional items' positions are slots,
/// refilled in region order (stable within a region).
fn in_region_order<T>(items: Vec<(Option<usize>, T)>) -> Vec<T> {
    let slots: Vec<bool> = items.iter().map(|(r, _)| r.is_some()).collect();
    let mut regional: Vec<(usize, T)> = Vec::new();
    let mut others: Vec<T> = Vec::new();
    for (r, t) in items {
        match r {
            Some(r) => regional.push((r, t)),
            None => others.push(t),
        }
    }
    regional.sort_by_key(|(r, _)| *r);
    let mut regional = regional.into_iter().map(|(_, t)| t);
    let mut others = others.into_iter();
    slots
        .into_iter()
        .filter_map(|is_regional| {
            if is_regional {
                regional.next()
            } else {
                others.next()
            }
        })
        .collect()
}

/// Selects and fills the content of `profile` as known on `date`.
pub(crate) fn select(
    config: &Config,
    profile: &Profile,
    date: NaiveDate,
    since: Option<NaiveDate>,
) -> Briefing {
    let catalog = &config.catalog;
    let mut sel = Selector {
        catalog,
        date,
        regions: &profile.regions,
        cited: Vec::new(),
    };
    // The analyst's summary comes first, so its sources are cited first.
    let summary = sel.curated(&profile.summary);
    let mut themes = Vec::new();
    for tid in &profile.themes {
        let Some(theme) = catalog.themes.iter().find(|t| &t.id == tid) else {
            continue;
        };
        let theme_summary = sel.curated(&theme.summary);
        // Sections of unselected regions go; regional sections take the
        // profile's region order in the places regional sections hold in
        // the file; a comparison needs two selected regions to compare.
        let selected = theme
            .regions
            .iter()
            .filter(|r| profile.regions.contains(&r.id))
            .count();
        let order = in_region_order(
            theme
                .sections
                .iter()
                .filter(|s| sel.region_shown(&s.region))
                .filter(|s| !s.comparison || selected >= 2)
                .map(|s| (sel.region_rank(&s.region), s))
                .collect(),
        );
        let mut sections = Vec::new();
        for s in order {
            let blocks: Vec<BlockContent> = s.blocks.iter().filter_map(|b| sel.block(b)).collect();
            if !blocks.is_empty() {
                sections.push(SectionContent {
                    title: s.title.clone(),
                    blocks,
                });
            }
        }
        let empty_note = theme.empty_note.clone();
        themes.push(ThemeContent {
            id: theme.id.clone(),
            title: theme.title.clone(),
            summary: theme_summary,
            sections,
            empty_note,
        });
    }
    let mut key: Vec<(usize, Option<usize>, usize, &Fact)> = catalog
        .facts
        .values()
        .filter(|f| f.key && sel.known(f))
        .filter_map(|f| {
            let t = profile.themes.iter().position(|t| t == &f.theme)?;
            Some((t, sel.region_rank(&f.region), f.seq, f))
        })
        .collect();
    key.sort_by_key(|(t, r, seq, _)| (*t, *r, *seq));
    let mut key_facts = Vec::new();
    for (_, _, _, f) in key {
        let nos = sel.cite_fact(f);
        key_facts.push(KeyFact {
            theme: f.theme.clone(),
            label: f.label.clone(),
            figure: format::figure(f),
            period: f.period.clone(),
            source_no: nos.first().copied().unwrap_or(0),
            region: f.region.clone(),
            region_name: f.region.as_ref().and_then(|r| {
                catalog
                    .themes
                    .iter()
                    .flat_map(|t| &t.regions)
                    .find(|x| &x.id == r)
                    .map(|x| x.name.clone())
            }),
            numeric: matches!(f.value, Value::Number(_)),
            derived: f.derived.is_some(),
            changed: since.is_some_and(|s| is_new(catalog, f, s, date)),
        });
    }
    let news = since.map(|s| news(&mut sel, profile, s));
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
        subtitle: profile.subtitle.clone(),
        date,
        themes,
        sources,
        key_facts,
        summary,
        generated_summary: profile.generated_summary,
        closing_note: profile.closing_note.clone(),
        news,
    }
}

/// Whether `f` rests on a source published after `since` (and by `date`).
fn is_new(catalog: &Catalog, f: &Fact, since: NaiveDate, date: NaiveDate) -> bool {
    f.sources.iter().any(|s| {
        catalog
            .sources
            .get(s)
            .is_some_and(|s| s.published > since && s.published <= date)
    })
}

/// What the profile gains from sources published after `since`: their
/// facts within its themes and regions, and figures that replace earlier
/// ones.
fn news(sel: &mut Selector, profile: &Profile, since: NaiveDate) -> News {
    let catalog = sel.catalog;
    let date = sel.date;
    let mut facts: Vec<&Fact> = catalog
        .facts
        .values()
        .filter(|f| {
            f.derived.is_none()
                && profile.themes.contains(&f.theme)
                && sel.known(f)
                && is_new(catalog, f, since, date)
        })
        .collect();
    facts.sort_by_key(|f| (!f.key, f.seq));
    let theme_title = |id: &str| {
        catalog
            .themes
            .iter()
            .find(|t| t.id == id)
            .map_or(Text::new(), |t| t.title.clone())
    };
    let plain = |s: Text| s.without(format::WORD_JOINER);
    let mut sources: Vec<NewSource> = Vec::new();
    for f in &facts {
        let sid = &f.sources[0];
        let no = sel.cite(sid);
        let entry = match sources.iter_mut().find(|s| &s.id == sid) {
            Some(e) => e,
            None => {
                let s = &catalog.sources[sid];
                sources.push(NewSource {
                    id: sid.clone(),
                    name: s.short(),
                    published: s.published,
                    date_text: super::source_date(s),
                    no,
                    facts: Vec::new(),
                });
                sources.last_mut().expect("just pushed")
            }
        };
        entry.facts.push(NewFact {
            id: f.id.clone(),
            label: f.label.clone(),
            value: plain(format::with_unit(f)),
            period: f.period.clone(),
            theme: theme_title(&f.theme),
            theme_id: f.theme.clone(),
            key: f.key,
        });
    }
    sources.sort_by_key(|s| s.no);
    let mut updates = Vec::new();
    for f in &facts {
        let Some(old) = f.supersedes.as_ref().and_then(|o| sel.fact(o)) else {
            continue;
        };
        let change = match (&old.value, &f.value) {
            (Value::Number(a), Value::Number(b)) if *a != 0.0 => {
                Some(format::change(*a, *b, old.decimals, f.decimals))
            }
            _ => None,
        };
        updates.push(Update {
            id: f.id.clone(),
            label: f.label.clone(),
            old: plain(format::with_unit(old)),
            old_period: old.period.clone(),
            new: plain(format::with_unit(f)),
            new_period: f.period.clone(),
            change,
        });
    }
    News {
        since,
        sources,
        updates,
    }
}

/// What is new in `profile` between `since` and `date`, for `briefing diff`.
pub fn diff(config: &Config, profile: &Profile, since: NaiveDate, date: NaiveDate) -> News {
    let mut b = select(config, profile, date, Some(since));
    b.news.take().expect("asked for")
}

/// Whether no two of `labels` are equal.
fn distinct<'a>(labels: impl Iterator<Item = &'a Text>) -> bool {
    let mut seen = std::collections::HashSet::new();
    labels.into_iter().all(|l| seen.insert(l))
}

#[cfg(test)]
mod tests {
    use super::in_region_order;

    #[test]
    fn regional_items_take_profile_order_in_their_own_slots() {
        // Sections: 青岛(1) 比较(-) 深圳(0) 其他(-) 四川(2)
        let items = vec![
            (Some(1), "qingdao"),
            (None, "compare"),
            (Some(0), "shenzhen"),
            (None, "other"),
            (Some(2), "sichuan"),
        ];
        assert_eq!(
            in_region_order(items),
            vec!["shenzhen", "compare", "qingdao", "other", "sichuan"]
        );
    }
}
