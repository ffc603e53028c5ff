//! Selection: which facts, blocks and sections a profile shows on a date,
//! and the numbering of the sources they cite.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;
use crate::config::{
    Block, BlockKind, Catalog, Config, Curated, Fact, Part, Profile, Template, Text, Value,
};

/// Picks what a briefing dated `date` may show: facts whose sources were
/// all published by then, of regions the profile selected; and numbers the
/// sources in order of first citation.
pub(super) struct Selector<'a> {
    pub(super) catalog: &'a Catalog,
    /// The catalogue's facts, derived figures computed.
    pub(super) facts: &'a BTreeMap<String, Fact>,
    pub(super) date: NaiveDate,
    pub(super) regions: &'a [String],
    pub(super) cited: Vec<String>,
}

impl<'a> Selector<'a> {
    pub(super) fn published(&self, source: &str) -> bool {
        self.catalog
            .sources
            .get(source)
            .is_some_and(|s| s.published <= self.date)
    }

    pub(super) fn region_shown(&self, region: &Option<String>) -> bool {
        region.as_ref().is_none_or(|r| self.regions.contains(r))
    }

    /// Position of a region in the profile's order.
    pub(super) fn region_rank(&self, region: &Option<String>) -> Option<usize> {
        region
            .as_ref()
            .and_then(|r| self.regions.iter().position(|x| x == r))
    }

    pub(super) fn known(&self, fact: &Fact) -> bool {
        fact.sources.iter().all(|s| self.published(s)) && self.region_shown(&fact.region)
    }

    pub(super) fn fact(&self, id: &str) -> Option<&'a Fact> {
        self.facts.get(id).filter(|f| self.known(f))
    }

    pub(super) fn cite(&mut self, source: &str) -> usize {
        if let Some(i) = self.cited.iter().position(|s| s == source) {
            return i + 1;
        }
        self.cited.push(source.to_string());
        self.cited.len()
    }

    /// Cites every source of `f`; returns the numbers.
    pub(super) fn cite_fact(&mut self, f: &Fact) -> Vec<usize> {
        f.sources.iter().map(|s| self.cite(s)).collect()
    }

    /// Fills a template, or `None` when a fact it needs is not known.
    pub(super) fn fill(&self, t: &Template) -> Option<Text> {
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

    fn curated(&mut self, list: &[Curated]) -> Vec<Cited> {
        list.iter()
            .filter_map(|c| self.cited(&c.text, &c.sources))
            .collect()
    }
}

/// Puts items that belong to a region in the profile's region order while
/// the others keep their places: the regional items' positions are slots,
/// refilled in region order (stable within a region).
pub(super) fn in_region_order<T>(items: Vec<(Option<usize>, T)>) -> Vec<T> {
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
) -> crate::error::Result<Briefing> {
    let catalog = &config.catalog;
    let facts = super::derive::evaluate(catalog)?;
    let mut sel = Selector {
        catalog,
        facts: &facts,
        date,
        regions: &profile.regions,
        cited: Vec::new(),
    };
    // The analyst's summary comes first, so its sources are cited first.
    let summary = sel.curated(&profile.summary);
    let themes = profile
        .themes
        .iter()
        .filter_map(|tid| catalog.themes.iter().find(|t| &t.id == tid))
        .map(|theme| sel.theme(theme, profile))
        .collect();
    let key_facts = sel.key_facts(profile, since);
    let news = since.map(|s| super::news::news(&mut sel, profile, s));
    let sources = sel
        .cited
        .iter()
        .filter_map(|s| catalog.sources.get(s).cloned())
        .collect();
    Ok(Briefing {
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
    })
}

impl<'a> Selector<'a> {
    /// A theme's content: its summary lines and its sections known by the
    /// date. Sections of unselected regions go; regional sections take the
    /// profile's region order in the places regional sections hold in the
    /// file; a comparison needs two selected regions to compare.
    fn theme(&mut self, theme: &crate::config::Theme, profile: &Profile) -> ThemeContent {
        let summary = self.curated(&theme.summary);
        let selected = theme
            .regions
            .iter()
            .filter(|r| profile.regions.contains(&r.id))
            .count();
        let order = in_region_order(
            theme
                .sections
                .iter()
                .filter(|s| self.region_shown(&s.region))
                .filter(|s| !s.comparison || selected >= 2)
                .map(|s| (self.region_rank(&s.region), s))
                .collect(),
        );
        let mut sections = Vec::new();
        for s in order {
            let blocks: Vec<BlockContent> = s.blocks.iter().filter_map(|b| self.block(b)).collect();
            if !blocks.is_empty() {
                sections.push(SectionContent {
                    title: s.title.clone(),
                    blocks,
                });
            }
        }
        ThemeContent {
            id: theme.id.clone(),
            title: theme.title.clone(),
            summary,
            sections,
            empty_note: theme.empty_note.clone(),
        }
    }

    /// The headline facts of the selected themes known by the date, in
    /// theme, region and data order, their sources cited.
    fn key_facts(&mut self, profile: &Profile, since: Option<NaiveDate>) -> Vec<KeyFact> {
        let catalog: &'a Catalog = self.catalog;
        let mut key: Vec<(usize, Option<usize>, usize, &'a Fact)> = self
            .facts
            .values()
            .filter(|f| f.key && self.known(f))
            .filter_map(|f| {
                let t = profile.themes.iter().position(|t| t == &f.theme)?;
                Some((t, self.region_rank(&f.region), f.seq, f))
            })
            .collect();
        key.sort_by_key(|(t, r, seq, _)| (*t, *r, *seq));
        let mut out = Vec::new();
        for (_, _, _, f) in key {
            let nos = self.cite_fact(f);
            out.push(KeyFact {
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
                changed: since.is_some_and(|s| is_new(catalog, f, s, self.date)),
            });
        }
        out
    }
}

/// Whether `f` rests on a source published after `since` (and by `date`).
pub(super) fn is_new(catalog: &Catalog, f: &Fact, since: NaiveDate, date: NaiveDate) -> bool {
    f.sources.iter().any(|s| {
        catalog
            .sources
            .get(s)
            .is_some_and(|s| s.published > since && s.published <= date)
    })
}

/// What is new in `profile` between `since` and `date`, for `briefing diff`.
pub fn diff(
    config: &Config,
    profile: &Profile,
    since: NaiveDate,
    date: NaiveDate,
) -> crate::error::Result<News> {
    let mut b = select(config, profile, date, Some(since))?;
    Ok(b.news.take().expect("asked for"))
}

/// Whether no two of `labels` are equal.
pub(super) fn distinct<'a>(labels: impl Iterator<Item = &'a Text>) -> bool {
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
