//! `[[profile]]`: which themes and regions each briefing shows, its
//! titles, summary, recipients and the date "本期新增" compares with.

use std::collections::BTreeSet;

use toml::Spanned;

use super::check::blocks::curated;
use super::mail::mailbox;
use super::model::*;
use super::schema::*;
use super::settings::{Mailbox, Profile};
use super::values::date_of;
use crate::error::{Kind, Result};
use crate::source::SourceFile;

/// The profiles of the config; one of every theme when it has none.
pub(super) fn profiles(
    file: &SourceFile,
    raw: &[Spanned<RawProfile>],
    catalog: &Catalog,
    closing_note: Option<&Text>,
    language: super::Language,
) -> Result<Vec<Profile>> {
    if raw.is_empty() {
        // No profile: one briefing of every theme the files define.
        let themes: Vec<String> = catalog.themes.iter().map(|t| t.id.clone()).collect();
        return Ok(vec![Profile {
            name: "briefing".into(),
            title: None,
            subtitle: default_subtitle(catalog, &themes),
            regions: all_regions(catalog, &themes),
            themes,
            summary: Vec::new(),
            generated_summary: true,
            closing_note: closing_note.cloned(),
            recipients: Vec::new(),
            since: None,
            since_origin: None,
            language,
        }]);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in raw {
        out.push(one(
            file,
            p.get_ref(),
            catalog,
            closing_note,
            &mut seen,
            language,
        )?);
    }
    Ok(out)
}

/// One profile; `seen` holds the names of the profiles before it.
/// Longest profile name (it goes into the file's name).
const MAX_NAME: usize = 64;

fn one(
    file: &SourceFile,
    p: &RawProfile,
    catalog: &Catalog,
    closing_note: Option<&Text>,
    seen: &mut BTreeSet<String>,
    language: super::Language,
) -> Result<Profile> {
    let name = p.name.get_ref();
    if name.is_empty()
        || name.len() > MAX_NAME
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(file.error(Kind::Config, p.name.span(), "profile name must be 1 to 64 ASCII letters, digits, `-` or `_` (it becomes part of the file name)"));
    }
    if !seen.insert(name.clone()) {
        return Err(file.error(
            Kind::Config,
            p.name.span(),
            format!("duplicate profile name `{name}`"),
        ));
    }
    let themes = themes(file, p, catalog)?;
    let regions = regions(file, p, catalog, &themes)?;
    let mut summary = Vec::new();
    for para in &p.summary {
        summary.push(curated(file, Kind::Config, para, catalog)?);
    }
    let mut recipients: Vec<Mailbox> = Vec::new();
    for r in &p.recipients {
        let m = mailbox(file, r, "recipient")?;
        if recipients.iter().any(|x| x.email == m.email) {
            return Err(file.error(
                Kind::Config,
                r.span(),
                format!("recipient `{}` is listed twice", m.email),
            ));
        }
        recipients.push(m);
    }
    Ok(Profile {
        name: name.clone(),
        title: p
            .title
            .as_ref()
            .map(|t| file.shown(t, Kind::Config, "a profile's `title`"))
            .transpose()?,
        subtitle: p
            .subtitle
            .as_ref()
            .map(|s| file.shown(s, Kind::Config, "a profile's `subtitle`"))
            .transpose()?
            .unwrap_or_else(|| default_subtitle(catalog, &themes)),
        themes,
        regions,
        generated_summary: p.generated_summary.unwrap_or(summary.is_empty()),
        summary,
        closing_note: p
            .closing_note
            .as_ref()
            .map(|n| file.shown(n, Kind::Config, "a profile's `closing_note`"))
            .transpose()?
            .or_else(|| closing_note.cloned()),
        recipients,
        since: p.since.as_ref().map(|d| date_of(file, d)).transpose()?,
        since_origin: p
            .since
            .as_ref()
            .map(|d| crate::origin::Origin::whole(file.id, d.span().start)),
        language: super::editions::language(file, p.language.as_ref())?.unwrap_or(language),
    })
}

/// The ids of every theme, for messages.
fn theme_list(catalog: &Catalog) -> String {
    catalog
        .themes
        .iter()
        .map(|t| t.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The themes a profile selects, in its order: known, each once.
fn themes(file: &SourceFile, p: &RawProfile, catalog: &Catalog) -> Result<Vec<String>> {
    if p.themes.is_empty() {
        return Err(file.error(
            Kind::Config,
            p.name.span(),
            format!(
                "profile selects no themes; expected at least one of {}",
                theme_list(catalog)
            ),
        ));
    }
    let mut themes: Vec<String> = Vec::new();
    for t in &p.themes {
        if !catalog.themes.iter().any(|th| &th.id == t.get_ref()) {
            return Err(file.error(
                Kind::Config,
                t.span(),
                format!(
                    "unknown theme `{}`; expected one of {} (the ids the theme files define)",
                    t.get_ref(),
                    theme_list(catalog)
                ),
            ));
        }
        if themes.contains(t.get_ref()) {
            return Err(file.error(
                Kind::Config,
                t.span(),
                format!("theme `{}` is selected twice", t.get_ref()),
            ));
        }
        themes.push(t.get_ref().clone());
    }
    Ok(themes)
}

/// The regions a profile shows: those it names, each once and each
/// covered by a selected theme, or else every region of those themes.
fn regions(
    file: &SourceFile,
    p: &RawProfile,
    catalog: &Catalog,
    themes: &[String],
) -> Result<Vec<String>> {
    let offered = all_regions(catalog, themes);
    let Some(rs) = &p.regions else {
        return Ok(offered);
    };
    if rs.get_ref().is_empty() {
        return Err(file.error(
            Kind::Config,
            rs.span(),
            "`regions = []` selects no region; leave `regions` out to show every region of the selected themes",
        ));
    }
    let mut v: Vec<String> = Vec::new();
    for r in rs.get_ref() {
        if !offered.contains(r.get_ref()) {
            let known = catalog
                .themes
                .iter()
                .any(|t| t.regions.iter().any(|x| &x.id == r.get_ref()));
            let why = if known {
                "no selected theme covers it"
            } else {
                "no theme file defines it"
            };
            return Err(file.error(
                Kind::Config,
                r.span(),
                format!(
                    "unknown region `{}` ({why}); expected one of {}",
                    r.get_ref(),
                    if offered.is_empty() {
                        "none: the selected themes define no regions".to_string()
                    } else {
                        offered.join(", ")
                    }
                ),
            ));
        }
        if v.contains(r.get_ref()) {
            return Err(file.error(
                Kind::Config,
                r.span(),
                format!("region `{}` is selected twice", r.get_ref()),
            ));
        }
        v.push(r.get_ref().clone());
    }
    Ok(v)
}

/// The selected themes' titles, the default subtitle.
fn default_subtitle(catalog: &Catalog, themes: &[String]) -> Text {
    Text::join(
        themes
            .iter()
            .filter_map(|id| catalog.themes.iter().find(|t| &t.id == id))
            .map(|t| &t.title),
        " · ",
    )
}

/// Every region the given themes cover, in theme order, then file order.
fn all_regions(catalog: &Catalog, themes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in themes {
        if let Some(t) = catalog.themes.iter().find(|t| &t.id == id) {
            for r in &t.regions {
                if !out.contains(&r.id) {
                    out.push(r.id.clone());
                }
            }
        }
    }
    out
}
