//! Facts: values, units, dates, sources, regions and qualifiers; and
//! which earlier figure a fact supersedes.

use std::path::Path;

use toml::Spanned;

use super::super::model::*;
use super::super::schema::*;
use super::super::values::{date_of, decimals, plain_opt, plain_text, resolve_here};
use super::Parsed;
use super::ids::Regions;
use crate::error::{Kind, Result};
use crate::source::SourceFile;

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
    let label = plain_text(f, &fact.label, Kind::Data, "a label")?;
    let period = plain_text(f, &fact.period, Kind::Data, "a period")?;
    let unit = plain_opt(f, &fact.unit, Kind::Data, "a unit")?;
    let note = plain_opt(f, &fact.note, Kind::Data, "a note")?;
    if let Value::Text(t) = &value {
        crate::source::plain(t, Kind::Data, "a fact's text value")
            .map_err(|e| resolve_here(f, e))?;
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
    let value_origin =
        matches!(value, Value::Number(_)).then(|| Origin::whole(f.id, fact.value.span().start));
    Ok(Fact {
        id: fact.id.get_ref().clone(),
        theme: t.id.get_ref().clone(),
        label,
        value,
        value_origin,
        unit,
        decimals: decimals(f, &fact.decimals)?,
        when: super::super::period::when(&period),
        period,
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
        note,
        derived: None,
        seq,
    })
}

/// A fact's value: a printable number or a statement.
fn value(f: &SourceFile, v: &Spanned<toml::Value>) -> Result<Value> {
    let value = match v.get_ref() {
        toml::Value::Integer(i) => Value::Number(*i as f64),
        toml::Value::Float(x) if x.is_finite() => Value::Number(*x),
        toml::Value::String(s) => Value::Text(Text::input(s.clone(), f.origin(v.span()))),
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
        RawQualifier::Before(t) => (
            Text::input(t.clone(), f.origin(q.span())),
            QualifierPosition::Before,
        ),
        RawQualifier::Placed { text, position } => {
            let p = match position.get_ref().as_str() {
                "before" => QualifierPosition::Before,
                "after-number" => QualifierPosition::AfterNumber,
                "after-unit" => QualifierPosition::AfterUnit,
                other => {
                    return Err(f.error(
                        Kind::Data,
                        position.span(),
                        format!("unknown qualifier position `{other}`; expected \"before\", \"after-number\" or \"after-unit\""),
                    ));
                }
            };
            (f.text(text), p)
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
            if o.unit.as_deref() != new.unit.as_deref() || o.id == new.id {
                return Err(f.error(
                    Kind::Data,
                    old.span(),
                    format!("`{}` cannot supersede `{}`: a fact replaces an earlier figure of its own series, in the same unit", new.id, o.id),
                ));
            }
            // Follow the chain back: it must end, or 本期新增 would show a
            // figure both rising and falling.
            let mut chain = vec![new.id.as_str()];
            let mut at = o;
            while let Some(prev) = at.supersedes.as_deref() {
                chain.push(at.id.as_str());
                if prev == new.id {
                    chain.push(prev);
                    return Err(f.error(
                        Kind::Data,
                        old.span(),
                        format!(
                            "`supersedes` runs in a circle: {}; each fact must replace an earlier one, and the first of a series none",
                            chain.join(" → ")
                        ),
                    ));
                }
                match cat.facts.get(prev) {
                    Some(p) if chain.len() <= cat.facts.len() => at = p,
                    _ => break,
                }
            }
        }
    }
    Ok(())
}
