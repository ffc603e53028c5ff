//! Facts: values, units, dates, sources, regions and qualifiers; and
//! which earlier figure a fact supersedes.

use std::path::Path;

use toml::Spanned;

use super::super::model::*;
use super::super::schema::*;
use super::super::source::SourceFile;
use super::super::values::{date_of, decimals};
use super::Parsed;
use super::ids::Regions;
use crate::error::{Kind, Result};

/// Whether a figure can be printed sensibly: finite and below 10^15 in
/// size (beyond that `{:.0}` prints a wall of digits).
pub(super) fn printable(x: f64) -> bool {
    x.is_finite() && x.abs() < 1e15
}

/// Checks every `[[fact]]` into `cat`, numbered in data order.
pub(super) fn check(
    raws: &[Parsed],
    regions: &Regions,
    sources_path: &Path,
    cat: &mut Catalog,
) -> Result<()> {
    let mut seq = 0;
    for (f, t) in raws {
        for fact in &t.facts {
            seq += 1;
            let checked = one(f, t, fact, regions, sources_path, cat, seq)?;
            cat.facts.insert(fact.id.get_ref().clone(), checked);
        }
    }
    Ok(())
}

/// One fact of theme `t` in file `f`.
fn one(
    f: &SourceFile,
    t: &RawTheme,
    fact: &RawFact,
    regions: &Regions,
    sources_path: &Path,
    cat: &Catalog,
    seq: usize,
) -> Result<Fact> {
    let value = value(f, &fact.value)?;
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
    Ok(Fact {
        id: fact.id.get_ref().clone(),
        theme: t.id.get_ref().clone(),
        label: fact.label.clone(),
        value,
        unit: fact.unit.clone(),
        decimals: decimals(f, &fact.decimals)?,
        period: fact.period.clone(),
        date,
        sources: vec![fact.source.get_ref().clone()],
        region: regions.check(f, &fact.region)?,
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
    })
}

/// A fact's value: a printable number or a statement.
fn value(f: &SourceFile, v: &Spanned<toml::Value>) -> Result<Value> {
    let value = match v.get_ref() {
        toml::Value::Integer(i) => Value::Number(*i as f64),
        toml::Value::Float(x) if x.is_finite() => Value::Number(*x),
        toml::Value::String(s) => Value::Text(s.clone()),
        _ => {
            return Err(f.error(
                Kind::Data,
                v.span(),
                "fact value must be a number or a string",
            ));
        }
    };
    if let Value::Number(x) = value
        && !printable(x)
    {
        return Err(f.error(
            Kind::Data,
            v.span(),
            format!("value {x} is outside what a briefing prints; expected a figure below 10^15 in size (use a larger unit)"),
        ));
    }
    Ok(value)
}

/// A fact's qualifier, checked.
fn qualifier(f: &SourceFile, q: &Spanned<RawQualifier>) -> Result<Qualifier> {
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

/// Supersession: a fact replaces an earlier figure of its own series, in
/// the same unit.
pub(super) fn supersession(raws: &[Parsed], cat: &Catalog) -> Result<()> {
    for (f, t) in raws {
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
    Ok(())
}
