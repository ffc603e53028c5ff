//! Checks of single values that every part of the config shares: ids,
//! dates, numbers in range, references to sources and facts, and the
//! placeholders of prose. Each names the value's place when it fails.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use toml::Spanned;

use super::model::*;
use super::template;
use crate::error::{Kind, Result};
use crate::source::SourceFile;

/// A TOML date (no time), as a calendar date.
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

/// An id: kebab-case ASCII, so it can name a file, an anchor and a key.
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

/// A numeric setting: its default when absent, an error naming its place
/// and the allowed range when outside `lo..=hi`.
pub(super) fn in_range<T: PartialOrd + Copy + std::fmt::Display>(
    file: &SourceFile,
    v: &Option<Spanned<T>>,
    default: T,
    lo: T,
    hi: T,
    what: &str,
) -> Result<T> {
    match v {
        None => Ok(default),
        Some(s) if (lo..=hi).contains(s.get_ref()) => Ok(*s.get_ref()),
        Some(s) => Err(file.error(
            Kind::Config,
            s.span(),
            format!("{what} must be between {lo} and {hi}"),
        )),
    }
}

/// Digits after the point a figure is printed with (0 to 6).
pub(super) fn decimals(f: &SourceFile, d: &Option<Spanned<i64>>) -> Result<Option<usize>> {
    match d {
        None => Ok(None),
        Some(d) if (0..=6).contains(d.get_ref()) => Ok(Some(*d.get_ref() as usize)),
        Some(d) => Err(f.error(Kind::Data, d.span(), "decimals must be between 0 and 6")),
    }
}

/// Prose with placeholders, each naming a fact that has the field asked.
pub(super) fn parse_template(
    f: &SourceFile,
    s: &Spanned<String>,
    facts: &BTreeMap<String, Fact>,
) -> Result<Template> {
    let origin = f.origin(s.span());
    let t = template::parse(s.get_ref(), origin)
        .map_err(|e| f.error_over(Kind::Data, origin.offset(e.offset), e.len, e.message))?;
    for (i, part) in t.parts.iter().enumerate() {
        let Part::Ref { fact, field, at } = part else {
            continue;
        };
        signed_after_direction(f, &t.parts[..i], fact, *field, *at, facts)?;
        let here = |msg: String| f.error_over(Kind::Data, *at, fact.len() + 2, msg);
        let Some(fa) = facts.get(fact) else {
            return Err(here(format!(
                "unknown placeholder `{{{fact}}}`: no fact or derived figure has this id"
            )));
        };
        // A field the fact does not have would print nothing.
        let missing = match field {
            Field::Unit => fa.unit.is_none().then_some("unit"),
            Field::Note => fa.note.is_none().then_some("note"),
            Field::Qualifier => fa.qualifier.is_none().then_some("qualifier"),
            _ => None,
        };
        if let Some(name) = missing {
            return Err(here(format!(
                "`{{{fact}.{name}}}`: fact `{fact}` has no `{name}`; add one to the fact or drop the placeholder"
            )));
        }
    }
    Ok(t)
}

/// Words that say a direction themselves: a signed figure right after one
/// reads twice negative (下降−16.6%).
const DIRECTION_WORDS: [&str; 10] = [
    "下降", "减少", "下滑", "降低", "回落", "增长", "增加", "上升", "提高", "上涨",
];

/// A negative figure printed whole right after a word of direction is
/// refused at its placeholder, with the fields that say it right.
fn signed_after_direction(
    f: &SourceFile,
    before: &[Part],
    fact: &str,
    field: Field,
    at: crate::origin::Origin,
    facts: &BTreeMap<String, Fact>,
) -> Result<()> {
    let negative = matches!(facts.get(fact).map(|x| &x.value), Some(Value::Number(v)) if *v < 0.0);
    let after_word = matches!(before.last(), Some(Part::Text(t))
        if DIRECTION_WORDS.iter().any(|w| t.as_str().ends_with(w)));
    if negative && after_word && matches!(field, Field::Full | Field::Value) {
        return Err(f.error_over(
            Kind::Data,
            at,
            fact.len() + 2,
            format!(
                "`{fact}` is negative, so after a word of direction it would print twice negative (下降−…); write `{{{fact}.abs}}` for its size, or `{{{fact}.change}}` for the direction from its sign"
            ),
        ));
    }
    Ok(())
}

/// A reference to a fact or derived figure.
pub(super) fn fact_ref(
    f: &SourceFile,
    s: &Spanned<String>,
    facts: &BTreeMap<String, Fact>,
) -> Result<String> {
    if facts.contains_key(s.get_ref()) {
        Ok(s.get_ref().clone())
    } else {
        Err(f.error(
            Kind::Data,
            s.span(),
            format!("unknown fact `{}`", s.get_ref()),
        ))
    }
}

/// Checks a list of source ids.
pub(super) fn source_refs(
    f: &SourceFile,
    kind: Kind,
    ids: Option<&[Spanned<String>]>,
    sources: &BTreeMap<String, Source>,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in ids.into_iter().flatten() {
        if !sources.contains_key(s.get_ref()) {
            return Err(f.error(
                kind,
                s.span(),
                format!(
                    "unknown source `{}`; expected one of {}",
                    s.get_ref(),
                    sources.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if !out.contains(s.get_ref()) {
            out.push(s.get_ref().clone());
        }
    }
    Ok(out)
}

/// Input text of this file, with no placeholder-looking braces (it is
/// printed as written).
pub(super) fn plain_text(
    f: &SourceFile,
    s: &Spanned<String>,
    kind: Kind,
    what: &str,
) -> Result<Text> {
    let t = f.shown(s, kind, what)?;
    crate::source::plain(&t, kind, what).map_err(|e| resolve_here(f, e))?;
    Ok(t)
}

/// [`plain_text`] of an optional value.
pub(super) fn plain_opt(
    f: &SourceFile,
    s: &Option<Spanned<String>>,
    kind: Kind,
    what: &str,
) -> Result<Option<Text>> {
    s.as_ref().map(|s| plain_text(f, s, kind, what)).transpose()
}

/// An error about a value of `f`, placed in `f`.
pub(super) fn resolve_here(f: &SourceFile, e: crate::error::Error) -> crate::error::Error {
    match e.origin() {
        Some(o) if o.file == f.id => {
            let span = crate::source::place(&f.text, o);
            e.placed(&f.path, &f.text, span)
        }
        _ => e,
    }
}
