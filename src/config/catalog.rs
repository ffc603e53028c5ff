//! Reads the sources list and the theme files: sources, themes, regions,
//! facts and derived figures, every cross-reference checked (the blocks of
//! sections are read by `blocks`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use toml::Spanned;

use super::blocks::block;
use super::load::curated;
use super::model::*;
use super::schema::*;
use super::source::SourceFile;
use crate::error::{Error, Kind, Result};

pub(super) fn date_of(file: &SourceFile, d: &Spanned<toml::value::Datetime>) -> Result<NaiveDate> {
    let dt = d.get_ref();
    match (dt.date, dt.time) {
        (Some(date), None) => {
            NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32)
                .ok_or_else(|| file.error(Kind::Data, d.span(), "not a calendar date"))
        }
        _ => Err(file.error(
            Kind::Data,
            d.span(),
            "expected a plain date such as 2024-07-26 (no time)",
        )),
    }
}

pub(super) fn check_id(file: &SourceFile, id: &Spanned<String>, what: &str) -> Result<()> {
    let v = id.get_ref();
    if v.is_empty()
        || !v
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(file.error(
            Kind::Data,
            id.span(),
            format!("{what} id `{v}` must be kebab-case: lower-case ASCII letters, digits and `-`"),
        ));
    }
    Ok(())
}

/// Whether a figure can be printed sensibly: finite and below 10^15 in
/// size (beyond that `{:.0}` prints a wall of digits).
fn printable(x: f64) -> bool {
    x.is_finite() && x.abs() < 1e15
}

/// The theme files of `themes_dir`, in name order.
pub(super) fn theme_files(themes_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(themes_dir)
        .map_err(|e| crate::error::read_error(themes_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Loads `sources.toml` and every `*.toml` in `themes_dir`, checked.
pub fn load_catalog(sources_path: &Path, themes_dir: &Path) -> Result<Catalog> {
    load_catalog_cached(sources_path, themes_dir, None).map(|(cat, _)| cat)
}

/// As [`load_catalog`]; with `cache` (a folder), a catalogue checked
/// before from the very same files (and by the very same binary) is taken
/// from there instead of parsed and checked again. A catalogue parsed
/// here comes with where it would be stored: the run stores it once it
/// has succeeded ([`Config::keep_catalogue`]), so a failed run leaves
/// nothing behind.
pub(super) fn load_catalog_cached(
    sources_path: &Path,
    themes_dir: &Path,
    cache: Option<&Path>,
) -> Result<(Catalog, Option<super::cache::Pending>)> {
    let paths = theme_files(themes_dir);
    // Every file is read first: a few small files, and what the cache key
    // digests. Errors are still reported in file order, sources first.
    let sources = SourceFile::read(sources_path, Kind::Data);
    let themes: Vec<Result<Arc<SourceFile>>> = match &paths {
        Ok(paths) => paths
            .iter()
            .map(|p| SourceFile::read(p, Kind::Data))
            .collect(),
        Err(_) => Vec::new(),
    };
    let pending = cache.and_then(|dir| {
        let sources = sources.as_ref().ok()?;
        let themes = themes
            .iter()
            .map(|t| t.as_ref().ok())
            .collect::<Option<Vec<_>>>()?;
        super::cache::Pending::new(dir, sources, &themes)
    });
    if let Some(cat) = pending.as_ref().and_then(|p| p.get()) {
        crate::trace::mark("config: catalogue from the cache");
        return Ok((cat, None));
    }
    let cat = check(sources, paths, themes, sources_path, themes_dir)?;
    Ok((cat, pending))
}

/// Parses and checks the catalogue's files, read.
fn check(
    sources: Result<Arc<SourceFile>>,
    paths: Result<Vec<PathBuf>>,
    themes: Vec<Result<Arc<SourceFile>>>,
    sources_path: &Path,
    themes_dir: &Path,
) -> Result<Catalog> {
    // Parsing is most of checking, and the files are independent: each
    // theme file is parsed on a thread of its own while this one parses
    // the sources. Errors are still reported in file order.
    let (sources, themes) = std::thread::scope(|sc| {
        let themes: Vec<_> = themes
            .into_iter()
            .map(|f| {
                sc.spawn(move || -> Result<(Arc<SourceFile>, RawTheme)> {
                    let f = f?;
                    let t: RawTheme = f.parse(Kind::Data)?;
                    Ok((f, t))
                })
            })
            .collect();
        let sources = sources.and_then(|f| f.parse::<RawSources>(Kind::Data).map(|raw| (f, raw)));
        let themes: Vec<Result<(Arc<SourceFile>, RawTheme)>> = themes
            .into_iter()
            .map(|h| h.join().expect("theme parser panicked"))
            .collect();
        (sources, themes)
    });
    crate::trace::mark("config: catalogue files parsed");
    let (sfile, raw) = sources?;
    let mut cat = Catalog::default();
    for s in raw.sources {
        check_id(&sfile, &s.id, "source")?;
        for (v, what) in [
            (s.title.as_deref(), "a source title"),
            (s.description.as_deref(), "a source description"),
            (Some(s.publisher.as_str()), "a publisher"),
            (s.inferred.as_deref(), "a date's reason"),
        ] {
            if let Some(v) = v {
                sfile.plain(Kind::Data, v, what)?;
            }
        }
        let published = date_of(&sfile, &s.published)?;
        let id = s.id.get_ref().clone();
        if cat.sources.contains_key(&id) {
            return Err(sfile.error(
                Kind::Data,
                s.id.span(),
                format!("duplicate source id `{id}`"),
            ));
        }
        if s.title.is_none() && s.description.is_none() {
            return Err(sfile.error(
                Kind::Data,
                s.id.span(),
                format!("source `{id}` has neither `title` nor `description`; give the title as the source prints it, or describe an untitled source"),
            ));
        }
        let precision = match s
            .precision
            .as_ref()
            .map(|p| (p.get_ref().as_str(), p.span()))
        {
            None | Some(("day", _)) => DatePrecision::Day,
            Some(("month", _)) => DatePrecision::Month,
            Some(("year", _)) => DatePrecision::Year,
            Some((other, span)) => {
                return Err(sfile.error(
                    Kind::Data,
                    span,
                    format!("unknown precision `{other}`; expected \"day\", \"month\" or \"year\""),
                ));
            }
        };
        cat.sources.insert(
            id.clone(),
            Source {
                id,
                title: s.title,
                description: s.description,
                publisher: s.publisher,
                published,
                precision,
                inferred: s.inferred,
                url: s.url,
                note: s.note,
            },
        );
    }

    let paths = paths?;
    if paths.is_empty() {
        return Err(Error::file(
            Kind::NoInput,
            themes_dir,
            "no theme files (*.toml) found",
        ));
    }
    let raws = themes.into_iter().collect::<Result<Vec<_>>>()?;

    // Pass 1: ids of themes, regions and facts, so that references in any file
    // may point at facts of any other.
    let mut fact_files: BTreeMap<String, (Arc<SourceFile>, std::ops::Range<usize>)> =
        BTreeMap::new();
    // Region ids with their display names: a region may be covered by
    // several themes, under one name.
    let mut region_ids: BTreeMap<String, String> = BTreeMap::new();
    for (f, t) in &raws {
        let id = t.id.get_ref();
        check_id(f, &t.id, "theme")?;
        if cat.themes.iter().any(|th| &th.id == id) {
            return Err(f.error(
                Kind::Data,
                t.id.span(),
                format!("theme `{id}` is defined twice"),
            ));
        }
        f.plain(Kind::Data, &t.title, "a theme title")?;
        if let Some(n) = &t.empty_note {
            f.plain(Kind::Data, n, "a theme's empty note")?;
        }
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
            let at = f.text.find(&s.title).unwrap_or(0);
            return Err(f.error(
                Kind::Data,
                at..at + s.title.len(),
                format!(
                    "section “{}” has no blocks; expected at least one [[section.block]]",
                    s.title
                ),
            ));
        }
        for s in &t.sections {
            f.plain(Kind::Data, &s.title, "a section title")?;
        }
        for r in &t.regions {
            f.plain(Kind::Data, &r.name, "a region name")?;
        }
        cat.themes.push(Theme {
            id: id.clone(),
            title: t.title.clone(),
            empty_note: t.empty_note.clone(),
            summary: Vec::new(),
            regions: Vec::new(),
            sections: Vec::new(),
        });
        let mut here = BTreeSet::new();
        for r in &t.regions {
            check_id(f, &r.id, "region")?;
            let rid = r.id.get_ref();
            if !here.insert(rid.clone()) {
                return Err(f.error(
                    Kind::Data,
                    r.id.span(),
                    format!("region `{rid}` is defined twice in this theme"),
                ));
            }
            match region_ids.get(rid) {
                Some(name) if name != &r.name => {
                    return Err(f.error(
                        Kind::Data,
                        r.id.span(),
                        format!("region `{rid}` is named `{}` here but `{name}` in another theme file; one region, one name", r.name),
                    ));
                }
                _ => {
                    region_ids.insert(rid.clone(), r.name.clone());
                }
            }
        }
        for fact in &t.facts {
            check_id(f, &fact.id, "fact")?;
            if fact_files
                .insert(fact.id.get_ref().clone(), (f.clone(), fact.id.span()))
                .is_some()
            {
                return Err(f.error(
                    Kind::Data,
                    fact.id.span(),
                    format!("duplicate fact id `{}`", fact.id.get_ref()),
                ));
            }
        }
        for d in &t.derived {
            check_id(f, &d.id, "derived figure")?;
            if fact_files
                .insert(d.id.get_ref().clone(), (f.clone(), d.id.span()))
                .is_some()
            {
                return Err(f.error(
                    Kind::Data,
                    d.id.span(),
                    format!("duplicate fact id `{}`", d.id.get_ref()),
                ));
            }
        }
    }
    let check_region = |f: &SourceFile, r: &Option<Spanned<String>>| -> Result<Option<String>> {
        match r {
            None => Ok(None),
            Some(r) if region_ids.contains_key(r.get_ref()) => Ok(Some(r.get_ref().clone())),
            Some(r) => Err(f.error(
                Kind::Data,
                r.span(),
                format!(
                    "unknown region `{}`; expected one of {} (the ids of the [[region]] tables)",
                    r.get_ref(),
                    region_ids.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    };

    // Pass 2: facts.
    let mut seq = 0;
    for (f, t) in &raws {
        for fact in &t.facts {
            seq += 1;
            let value = match fact.value.get_ref() {
                toml::Value::Integer(i) => Value::Number(*i as f64),
                toml::Value::Float(x) if x.is_finite() => Value::Number(*x),
                toml::Value::String(s) => Value::Text(s.clone()),
                _ => {
                    return Err(f.error(
                        Kind::Data,
                        fact.value.span(),
                        "fact value must be a number or a string",
                    ));
                }
            };
            if let Value::Number(x) = value
                && !printable(x)
            {
                return Err(f.error(
                    Kind::Data,
                    fact.value.span(),
                    format!("value {x} is outside what a briefing prints; expected a figure below 10^15 in size (use a larger unit)"),
                ));
            }
            for (v, what) in [
                (Some(fact.label.as_str()), "a label"),
                (Some(fact.period.as_str()), "a period"),
                (fact.unit.as_deref(), "a unit"),
                (fact.note.as_deref(), "a note"),
            ] {
                if let Some(v) = v {
                    f.plain(Kind::Data, v, what)?;
                }
            }
            if let Value::Text(t) = &value {
                f.plain(Kind::Data, t, "a fact's text value")?;
            }
            if !cat.sources.contains_key(fact.source.get_ref()) {
                return Err(f.error(
                    Kind::Data,
                    fact.source.span(),
                    format!(
                        "unknown source `{}`; expected an id from {}",
                        fact.source.get_ref(),
                        sources_path.display()
                    ),
                ));
            }
            let date = fact.date.as_ref().map(|d| date_of(f, d)).transpose()?;
            cat.facts.insert(
                fact.id.get_ref().clone(),
                Fact {
                    id: fact.id.get_ref().clone(),
                    theme: t.id.get_ref().clone(),
                    label: fact.label.clone(),
                    value,
                    unit: fact.unit.clone(),
                    decimals: decimals(f, &fact.decimals)?,
                    period: fact.period.clone(),
                    date,
                    sources: vec![fact.source.get_ref().clone()],
                    region: check_region(f, &fact.region)?,
                    key: fact.key,
                    qualifier: fact
                        .qualifier
                        .as_ref()
                        .map(|q| qualifier(f, q))
                        .transpose()?,
                    supersedes: fact.supersedes.as_ref().map(|s| s.get_ref().clone()),
                    note: fact.note.clone(),
                    derived: None,
                    seq,
                },
            );
        }
    }
    // Pass 3: derived figures (operands must be facts, not other derived figures,
    // so there is no evaluation order to get wrong).
    for (f, t) in &raws {
        for d in &t.derived {
            let op = match d.op.get_ref().as_str() {
                "pct-change" => Op::PctChange,
                "ratio" => Op::Ratio,
                "difference" => Op::Difference,
                "annual-rate" => match &d.years {
                    Some(y) if (1..=200).contains(y.get_ref()) => Op::AnnualRate(*y.get_ref() as u32),
                    Some(y) => {
                        return Err(f.error(Kind::Data, y.span(), "`years` must be between 1 and 200"));
                    }
                    None => {
                        return Err(f.error(
                            Kind::Data,
                            d.op.span(),
                            "`annual-rate` needs `years`, the span the multiple in `from` covers",
                        ));
                    }
                },
                other => return Err(f.error(
                    Kind::Data,
                    d.op.span(),
                    format!(
                        "unknown op `{other}`; expected \"pct-change\", \"ratio\", \"difference\" or \"annual-rate\""
                    ),
                )),
            };
            let one_operand = matches!(op, Op::AnnualRate(_));
            match (&d.to, one_operand) {
                (None, false) => {
                    return Err(f.error(
                        Kind::Data,
                        d.op.span(),
                        "this op needs `to`, its second operand",
                    ));
                }
                (Some(t), true) => {
                    return Err(f.error(
                        Kind::Data,
                        t.span(),
                        "`annual-rate` takes one operand, `from`; drop `to`",
                    ));
                }
                _ => {}
            }
            if let (Some(y), false) = (&d.years, one_operand) {
                return Err(f.error(
                    Kind::Data,
                    y.span(),
                    "`years` belongs to `annual-rate` only",
                ));
            }
            let operand = |s: &Spanned<String>| -> Result<(f64, Fact)> {
                match cat.facts.get(s.get_ref()) {
                    Some(
                        fact @ Fact {
                            value: Value::Number(x),
                            derived: None,
                            ..
                        },
                    ) => Ok((*x, fact.clone())),
                    Some(_) => Err(f.error(
                        Kind::Data,
                        s.span(),
                        format!(
                            "`{}` is not a numeric fact; derived figures need numbers",
                            s.get_ref()
                        ),
                    )),
                    None => Err(f.error(
                        Kind::Data,
                        s.span(),
                        format!("unknown fact `{}`", s.get_ref()),
                    )),
                }
            };
            let (a, fa) = operand(&d.from)?;
            let (b, fb) = match &d.to {
                Some(to) => operand(to)?,
                None => (a, fa.clone()),
            };
            let value = match op {
                Op::PctChange if a != 0.0 => (b - a) / a * 100.0,
                Op::Ratio if a != 0.0 => b / a,
                Op::Difference => b - a,
                Op::AnnualRate(years) if a > 0.0 => (a.powf(1.0 / years as f64) - 1.0) * 100.0,
                Op::AnnualRate(_) => {
                    return Err(f.error(
                        Kind::Data,
                        d.from.span(),
                        "`annual-rate` needs a positive multiple in `from`",
                    ));
                }
                _ => {
                    return Err(f.error(
                        Kind::Data,
                        d.from.span(),
                        "division by zero: `from` is 0",
                    ));
                }
            };
            if !value.is_finite() || !printable(value) {
                return Err(f.error(
                    Kind::Data,
                    d.from.span(),
                    format!(
                        "`{}` gives no printable result from these operands (infinite, or 10^15 or more in size)",
                        d.id.get_ref()
                    ),
                ));
            }
            let mut sources = fa.sources.clone();
            for s in fb.sources.iter() {
                if !sources.contains(s) {
                    sources.push(s.clone());
                }
            }
            // No more digits than the inputs carry: a result is as precise
            // as its least precise operand, whatever `decimals` asks for.
            // Two digits at least: a round input such as 500 does not make
            // a result worthless.
            let sig = significant_digits(a, fa.decimals)
                .min(significant_digits(b, fb.decimals))
                .max(2);
            let justified = decimals_for(value, sig);
            let decimals = Some(match decimals(f, &d.decimals)? {
                Some(asked) => asked.min(justified),
                None => justified,
            });
            // A figure computed from approximate or bounded inputs is itself
            // approximate.
            let qualifier = (fa.qualifier.is_some() || fb.qualifier.is_some()).then(|| Qualifier {
                text: "约".into(),
                position: QualifierPosition::Before,
            });
            seq += 1;
            cat.facts.insert(
                d.id.get_ref().clone(),
                Fact {
                    id: d.id.get_ref().clone(),
                    theme: t.id.get_ref().clone(),
                    label: d.label.clone(),
                    value: Value::Number(value),
                    unit: d.unit.clone().or_else(|| {
                        if matches!(op, Op::PctChange | Op::AnnualRate(_)) {
                            Some("%".into())
                        } else {
                            None
                        }
                    }),
                    decimals,
                    period: d.period.clone().unwrap_or_else(|| {
                        if one_operand {
                            fa.period.clone()
                        } else {
                            format!("{}至{}", fa.period, fb.period)
                        }
                    }),
                    date: None,
                    sources,
                    region: check_region(f, &d.region)?,
                    key: d.key,
                    qualifier,
                    supersedes: None,
                    note: d.note.clone(),
                    derived: Some((op, fa.id.clone(), fb.id.clone())),
                    seq,
                },
            );
        }
    }

    // Supersession: an earlier figure of the same series, in the same unit.
    for (f, t) in &raws {
        for fact in &t.facts {
            let Some(old) = &fact.supersedes else {
                continue;
            };
            let Some(o) = cat.facts.get(old.get_ref()) else {
                return Err(f.error(
                    Kind::Data,
                    old.span(),
                    format!("`supersedes`: unknown fact `{}`", old.get_ref()),
                ));
            };
            let new = &cat.facts[fact.id.get_ref()];
            if o.unit != new.unit || o.id == new.id {
                return Err(f.error(
                    Kind::Data,
                    old.span(),
                    format!("`{}` cannot supersede `{}`: a fact replaces an earlier figure of its own series, in the same unit", new.id, o.id),
                ));
            }
        }
    }

    // Pass 4: regions and sections, with every reference checked.
    for (i, (f, t)) in raws.iter().enumerate() {
        let regions = t
            .regions
            .iter()
            .map(|r| Region {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
            })
            .collect();
        let mut sections = Vec::new();
        for s in &t.sections {
            let region = check_region(f, &s.region)?;
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
                blocks.push(block(f, b, &cat.facts, &cat.sources, &check_region)?);
            }
            sections.push(Section {
                title: s.title.clone(),
                region,
                comparison: s.comparison,
                blocks,
            });
        }
        let mut summary = Vec::new();
        for para in &t.summary {
            summary.push(curated(f, Kind::Data, para, &cat)?);
        }
        let theme = &mut cat.themes[i];
        theme.regions = regions;
        theme.sections = sections;
        theme.summary = summary;
    }
    Ok(cat)
}

pub(super) fn decimals(f: &SourceFile, d: &Option<Spanned<i64>>) -> Result<Option<usize>> {
    match d {
        None => Ok(None),
        Some(d) if (0..=6).contains(d.get_ref()) => Ok(Some(*d.get_ref() as usize)),
        Some(d) => Err(f.error(Kind::Data, d.span(), "decimals must be between 0 and 6")),
    }
}

/// A fact's qualifier, checked.
pub(super) fn qualifier(f: &SourceFile, q: &Spanned<RawQualifier>) -> Result<Qualifier> {
    let (text, position) = match q.get_ref() {
        RawQualifier::Before(t) => (t.clone(), QualifierPosition::Before),
        RawQualifier::Placed { text, position } => {
            let p = match position.as_str() {
                "before" => QualifierPosition::Before,
                "after-number" => QualifierPosition::AfterNumber,
                "after-unit" => QualifierPosition::AfterUnit,
                other => {
                    return Err(f.error(
                        Kind::Data,
                        q.span(),
                        format!("unknown qualifier position `{other}`; expected \"before\", \"after-number\" or \"after-unit\""),
                    ));
                }
            };
            (text.clone(), p)
        }
    };
    if text.trim().is_empty() || text.contains(['{', '}']) {
        return Err(f.error(
            Kind::Data,
            q.span(),
            "a qualifier is a word such as 约, 超过, 多 or 以上",
        ));
    }
    Ok(Qualifier { text, position })
}

/// Significant digits of a figure as the data writes it: trailing zeros
/// of a whole number are not counted (650 is "about 650", two digits).
pub(crate) fn significant_digits(x: f64, decimals: Option<usize>) -> usize {
    let s = match decimals {
        Some(d) => format!("{x:.d$}"),
        None => format!("{x}"),
    };
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_start_matches('0');
    let digits = if s.contains('.') {
        digits
    } else {
        digits.trim_end_matches('0')
    };
    digits.len().max(1)
}

/// Decimals that show `value` to `sig` significant digits (0 to 6).
pub(super) fn decimals_for(value: f64, sig: usize) -> usize {
    if value == 0.0 {
        return 0;
    }
    let magnitude = value.abs().log10().floor() as i64;
    (sig as i64 - 1 - magnitude).clamp(0, 6) as usize
}
