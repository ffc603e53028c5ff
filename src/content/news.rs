//! "本期新增": the facts of the sources published since the previous
//! briefing, within the profile's themes and regions, and the figures
//! that replace earlier ones of their series.

use chrono::NaiveDate;

use super::selector::{Selector, is_new};
use super::*;
use crate::config::{Fact, Profile, Text};

/// What the profile gains from sources published after `since`: their
/// facts within its themes and regions, and figures that replace earlier
/// ones.
pub(super) fn news(sel: &mut Selector, profile: &Profile, since: NaiveDate) -> News {
    let catalog = sel.catalog;
    let date = sel.date;
    let mut facts: Vec<&Fact> = sel
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
        let change = super::derive::change(old, f).map(|c| format::change(&c));
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
