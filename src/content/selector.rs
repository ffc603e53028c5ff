//! The selector: what a briefing dated `date` may show — facts whose
//! sources were all published by then, of regions the profile selected —
//! and the numbering of the sources it cites, in order of first citation.
//! The parts of a briefing (`select`, `tables`, `charts`, `news`) are
//! chosen through it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;
use crate::config::{Catalog, Curated, Fact, Part, Template, Text};

/// Picks what a briefing dated `date` may show and numbers the sources.
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
    pub(super) fn cited(&mut self, t: &Template, extra: &[String]) -> Option<Cited> {
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

    pub(super) fn curated(&mut self, list: &[Curated]) -> Vec<Cited> {
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

/// Whether `f` rests on a source published after `since` (and by `date`).
pub(super) fn is_new(catalog: &Catalog, f: &Fact, since: NaiveDate, date: NaiveDate) -> bool {
    f.sources.iter().any(|s| {
        catalog
            .sources
            .get(s)
            .is_some_and(|s| s.published > since && s.published <= date)
    })
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
