//! Selection: which themes, sections, blocks and headline facts a
//! profile shows on a date, chosen through the selector.

use chrono::NaiveDate;

use super::*;
use crate::config::{Block, BlockKind, Catalog, Config, Fact, Profile, Value};

use super::selector::{Selector, in_region_order, is_new};

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
        language: profile.language,
        news,
    })
}

impl<'a> Selector<'a> {
    /// A block, or `None` when its region is not shown or what it
    /// rests on is not yet published.
    fn block(&mut self, b: &Block) -> Option<BlockContent> {
        if !self.region_shown(&b.region) || !b.sources.iter().all(|s| self.published(s)) {
            return None;
        }
        match &b.kind {
            BlockKind::Paragraph(text) => self.cited(text, &b.sources).map(BlockContent::Paragraph),
            BlockKind::Table(t) => self
                .table(&t.caption, &t.body, &b.sources)
                .map(BlockContent::Table),
            BlockKind::Chart(c) => self
                .chart(c, &b.sources)
                .map(|c| BlockContent::Chart(Box::new(c))),
        }
    }

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
                // A heading that makes a claim is dated like a paragraph:
                // before its sources are out, the neutral one.
                let dated = s.title_sources.iter().all(|id| self.published(id));
                let title = match (&s.plain_title, dated) {
                    (Some(plain), false) => plain.clone(),
                    _ => s.title.clone(),
                };
                sections.push(SectionContent { title, blocks });
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
