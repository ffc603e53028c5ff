//! The first pass over the theme files: theme, region and fact ids, so
//! that a reference in any file may point at a fact of any other.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use toml::Spanned;

use super::super::model::*;
use super::super::schema::*;
use super::super::values::{check_id, plain_opt, plain_text};
use super::Parsed;
use crate::error::{Kind, Result};
use crate::source::SourceFile;

/// The regions the theme files define, by id, with their display names:
/// a region may be covered by several themes, under one name.
pub(super) struct Regions(BTreeMap<String, Text>);

impl Regions {
    /// The name of region `id`.
    pub(super) fn name(&self, id: &str) -> Option<&Text> {
        self.0.get(id)
    }

    /// Checks an optional region reference against the defined regions.
    pub(super) fn check(
        &self,
        f: &SourceFile,
        r: &Option<Spanned<String>>,
    ) -> Result<Option<String>> {
        match r {
            None => Ok(None),
            Some(r) if self.0.contains_key(r.get_ref()) => Ok(Some(r.get_ref().clone())),
            Some(r) => Err(f.error(
                Kind::Data,
                r.span(),
                format!(
                    "unknown region `{}`; expected one of {} (the ids of the [[region]] tables)",
                    r.get_ref(),
                    self.0.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
}

/// Checks the ids of every theme, region and fact, pushes each theme
/// (without content yet) into `cat`, and returns the regions.
pub(super) fn check(raws: &[Parsed], cat: &mut Catalog) -> Result<Regions> {
    let mut facts: BTreeMap<String, (Arc<SourceFile>, std::ops::Range<usize>)> = BTreeMap::new();
    let mut regions = Regions(BTreeMap::new());
    for (f, t) in raws {
        theme(f, t, cat)?;
        theme_regions(f, t, &mut regions)?;
        let ids = t
            .facts
            .iter()
            .map(|x| (&x.id, "fact"))
            .chain(t.derived.iter().map(|d| (&d.id, "derived figure")));
        for (id, what) in ids {
            check_id(f, id, what)?;
            if let Some((first, at)) = facts.insert(id.get_ref().clone(), (f.clone(), id.span())) {
                let lc = crate::error::line_col(&first.text, at.start);
                return Err(f.error(
                    Kind::Data,
                    id.span(),
                    format!(
                        "duplicate fact id `{}`: first defined at {}:{}:{}",
                        id.get_ref(),
                        first.path.display(),
                        lc.line,
                        lc.col
                    ),
                ));
            }
        }
    }
    Ok(regions)
}

/// A theme's id, title and the shape of its content.
fn theme(f: &SourceFile, t: &RawTheme, cat: &mut Catalog) -> Result<()> {
    let id = t.id.get_ref();
    check_id(f, &t.id, "theme")?;
    if cat.themes.iter().any(|th| &th.id == id) {
        return Err(f.error(
            Kind::Data,
            t.id.span(),
            format!("theme `{id}` is defined twice"),
        ));
    }
    let title = plain_text(f, &t.title, Kind::Data, "a theme title")?;
    let empty_note = plain_opt(f, &t.empty_note, Kind::Data, "a theme's empty note")?;
    // A theme without content is a broken or truncated file, not a
    // theme with nothing known yet: say so instead of printing
    // "nothing published by this date".
    if t.sections.is_empty() {
        return Err(f.error(
            Kind::Data,
            t.id.span(),
            format!("theme `{id}` has no [[section]]; expected at least one section with blocks (is the file complete?)"),
        ));
    }
    if let Some(s) = t.sections.iter().find(|s| s.blocks.is_empty()) {
        return Err(f.error(
            Kind::Data,
            s.title.span(),
            format!(
                "section “{}” has no blocks; expected at least one [[section.block]]",
                s.title.get_ref()
            ),
        ));
    }
    for s in &t.sections {
        plain_text(f, &s.title, Kind::Data, "a section title")?;
    }
    for r in &t.regions {
        plain_text(f, &r.name, Kind::Data, "a region name")?;
    }
    cat.themes.push(Theme {
        id: id.clone(),
        title,
        empty_note,
        summary: Vec::new(),
        regions: Vec::new(),
        sections: Vec::new(),
    });
    Ok(())
}

/// A theme's regions: unique in the theme, one name across themes.
fn theme_regions(f: &SourceFile, t: &RawTheme, regions: &mut Regions) -> Result<()> {
    let mut here = BTreeSet::new();
    for r in &t.regions {
        check_id(f, &r.id, "region")?;
        let rid = r.id.get_ref();
        f.shown(&r.name, Kind::Data, "a region's `name`")?;
        if !here.insert(rid.clone()) {
            return Err(f.error(
                Kind::Data,
                r.id.span(),
                format!("region `{rid}` is defined twice in this theme"),
            ));
        }
        match regions.0.get(rid) {
            Some(name) if name.as_str() != r.name.get_ref() => {
                return Err(f.error(
                    Kind::Data,
                    r.id.span(),
                    format!("region `{rid}` is named `{}` here but `{name}` in another theme file; one region, one name", r.name.get_ref()),
                ));
            }
            _ => {
                regions.0.insert(rid.clone(), f.text(&r.name));
            }
        }
    }
    Ok(())
}
