//! The commands that read and check without writing a briefing: `check`
//! (every profile typeset in memory), `themes` (what the theme files
//! define) and `diff` (what is new since a date).

use std::path::Path;

use chrono::NaiveDate;

use super::{selected, today};
use crate::config;
use crate::error::Result;

/// What is new between `since` and `date` for each requested profile (all
/// when none is named): the comparison the "本期新增" section makes, for
/// the terminal and for scripts.
pub fn diff(
    path: &Path,
    profiles: &[String],
    since: NaiveDate,
    date: Option<NaiveDate>,
) -> Result<Vec<(String, NaiveDate, crate::content::News)>> {
    let config = config::load(path)?;
    let date = date.unwrap_or_else(|| today(&config));
    super::check_since(&config, &[], Some(since), date)?;
    selected(&config, profiles)?
        .into_iter()
        .map(|p| {
            let news = crate::content::diff(&config, p, since, date)
                .map_err(|e| config.files.resolve(e))?;
            Ok((p.name.clone(), date, news))
        })
        .collect()
}

/// Loads the config and typesets every profile in memory (which catches
/// characters missing from the fonts, which only layout can see), writing
/// nothing; returns a one-line summary.
pub fn check(path: &Path) -> Result<String> {
    let mut config = config::load(path)?;
    // Checking writes nothing, not even cache entries.
    config.font_cache = None;
    let fonts = crate::build::FontSets::load(&config, &config.profiles)?;
    let date = today(&config);
    for p in &config.profiles {
        crate::build::build(&config, fonts.of(p), p, date, p.since, Some(0))?;
    }
    Ok(format!(
        "{}: ok ({} profiles, {} themes, {} facts, {} sources)",
        path.display(),
        config.profiles.len(),
        config.catalog.themes.len(),
        config.catalog.facts.len(),
        config.catalog.sources.len()
    ))
}

/// The themes and regions the theme files define, with fact counts, one
/// line each (regions indented under their theme).
pub fn themes(path: &Path) -> Result<Vec<String>> {
    let config = config::load(path)?;
    let counts = crate::content::fact_counts(&config.catalog);
    // One column as wide as the longest id (a region's counted with its
    // indent), so titles line up whatever the ids are.
    let width = config
        .catalog
        .themes
        .iter()
        .flat_map(|t| {
            std::iter::once(t.id.chars().count())
                .chain(t.regions.iter().map(|r| r.id.chars().count() + 2))
        })
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for t in &config.catalog.themes {
        out.push(format!(
            "{:<width$} {}  ({} facts)",
            t.id,
            t.title,
            counts.get(&t.id).copied().unwrap_or(0)
        ));
        for r in &t.regions {
            let n = config
                .catalog
                .facts
                .values()
                .filter(|f| f.region.as_deref() == Some(&r.id))
                .count();
            out.push(format!(
                "  {:<w$} {}  ({} facts)",
                r.id,
                r.name,
                n,
                w = width.saturating_sub(2)
            ));
        }
    }
    Ok(out)
}
