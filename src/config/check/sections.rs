//! The last pass: each theme's regions, sections with their blocks, and
//! the analyst's summary lines, every reference checked.

use super::super::model::*;
use super::super::schema::*;
use super::super::values::source_refs;
use super::Parsed;
use super::blocks::{block, curated};
use super::ids::Regions;
use crate::error::{Kind, Result};
use crate::source::SourceFile;

/// Fills in the regions, sections and summary of every theme of `cat`.
pub(super) fn check(raws: &[Parsed], regions: &Regions, cat: &mut Catalog) -> Result<()> {
    for (i, (f, t)) in raws.iter().enumerate() {
        let theme_regions = t
            .regions
            .iter()
            .map(|r| Region {
                id: r.id.get_ref().clone(),
                name: f.text(&r.name),
            })
            .collect();
        let mut sections = Vec::new();
        for s in &t.sections {
            sections.push(section(f, t, s, regions, cat)?);
        }
        let mut summary = Vec::new();
        for para in &t.summary {
            summary.push(curated(f, Kind::Data, para, cat)?);
        }
        let theme = &mut cat.themes[i];
        theme.regions = theme_regions;
        theme.sections = sections;
        theme.summary = summary;
    }
    Ok(())
}

/// One section of theme `t`.
fn section(
    f: &SourceFile,
    t: &RawTheme,
    s: &RawSection,
    regions: &Regions,
    cat: &Catalog,
) -> Result<Section> {
    let region = regions.check(f, &s.region)?;
    if s.comparison && region.is_some() {
        return Err(f.error(
            Kind::Data,
            s.region.as_ref().map(|r| r.span()).unwrap_or(0..0),
            "a comparison section belongs to no single region; drop `region` or `comparison`",
        ));
    }
    if s.comparison && t.regions.len() < 2 {
        return Err(f.error(
            Kind::Data,
            t.id.span(),
            "a theme with a comparison section needs at least two [[region]] tables",
        ));
    }
    let mut blocks = Vec::new();
    for b in &s.blocks {
        blocks.push(block(f, b, &cat.facts, &cat.sources, regions)?);
    }
    let title_sources = source_refs(f, Kind::Data, s.title_sources.as_deref(), &cat.sources)?;
    let plain_title = match (&s.plain_title, &region) {
        (Some(p), _) => Some(f.shown(p, Kind::Data, "a section's `plain_title`")?),
        (None, Some(r)) if !title_sources.is_empty() => regions.name(r).cloned(),
        (None, _) if !title_sources.is_empty() => {
            return Err(f.error(
                Kind::Data,
                s.title.span(),
                "a section with `title_sources` and no region needs `plain_title`: the heading to show before those sources are published",
            ));
        }
        (None, _) => None,
    };
    Ok(Section {
        title: f.text(&s.title),
        title_sources,
        plain_title,
        region,
        comparison: s.comparison,
        blocks,
    })
}
