//! Derived figures: the operation and its operands (numeric facts, never
//! other derived figures, so there is no evaluation order to get wrong).
//! The arithmetic is content's (`content::derive`).

use super::super::model::*;
use super::super::schema::*;
use super::super::values::decimals;
use super::Parsed;
use super::ids::Regions;
use crate::error::{Kind, Result};
use crate::source::SourceFile;
use toml::Spanned;

/// Checks every `[[derived]]` into `cat`, numbered after the facts.
pub(super) fn check(raws: &[Parsed], regions: &Regions, cat: &mut Catalog) -> Result<()> {
    let mut seq = cat.facts.len();
    for (f, t) in raws {
        for d in &t.derived {
            seq += 1;
            let fact = one(f, t, d, regions, cat, seq)?;
            cat.facts.insert(d.id.get_ref().clone(), fact);
        }
    }
    Ok(())
}

/// The operation of `d`, with `years` checked.
fn op(f: &SourceFile, d: &RawDerived) -> Result<Op> {
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
        other => {
            return Err(f.error(
                Kind::Data,
                d.op.span(),
                format!(
                    "unknown op `{other}`; expected \"pct-change\", \"ratio\", \"difference\" or \"annual-rate\""
                ),
            ));
        }
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
    Ok(op)
}

/// An operand: a numeric fact that is not itself derived.
fn operand(f: &SourceFile, s: &Spanned<String>, cat: &Catalog) -> Result<(f64, Fact)> {
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
}

/// One derived figure of theme `t` in file `f`: its operation and
/// operands checked, and what it inherits from them (sources, a qualifier,
/// the period); content computes the value.
fn one(
    f: &SourceFile,
    t: &RawTheme,
    d: &RawDerived,
    regions: &Regions,
    cat: &Catalog,
    seq: usize,
) -> Result<Fact> {
    let op = op(f, d)?;
    let one_operand = matches!(op, Op::AnnualRate(_));
    let (_, fa) = operand(f, &d.from, cat)?;
    let fb = match &d.to {
        Some(to) => operand(f, to, cat)?.1,
        None => fa.clone(),
    };
    let mut sources = fa.sources.clone();
    for s in fb.sources.iter() {
        if !sources.contains(s) {
            sources.push(s.clone());
        }
    }
    // A figure computed from approximate or bounded inputs is itself
    // approximate.
    let qualifier = (fa.qualifier.is_some() || fb.qualifier.is_some()).then(|| Qualifier {
        text: Text::plain("约"),
        position: QualifierPosition::Before,
    });
    Ok(Fact {
        id: d.id.get_ref().clone(),
        theme: t.id.get_ref().clone(),
        label: f.shown(&d.label, Kind::Data, "a derived figure's `label`")?,
        value: Value::Derived,
        value_origin: None,
        unit: shown_opt(f, &d.unit, "a derived figure's `unit`")?
            .or_else(|| matches!(op, Op::PctChange | Op::AnnualRate(_)).then(|| Text::plain("%"))),
        // What the data asks for; content gives no more digits than the
        // operands justify.
        decimals: decimals(f, &d.decimals)?,
        when: None,
        period: shown_opt(f, &d.period, "a derived figure's `period`")?.unwrap_or_else(|| {
            if one_operand {
                fa.period.clone()
            } else {
                crate::txt!(&fa.period, "至", &fb.period)
            }
        }),
        date: None,
        sources,
        region: regions.check(f, &d.region)?,
        key: d.key,
        qualifier,
        supersedes: None,
        note: shown_opt(f, &d.note, "a derived figure's `note`")?,
        derived: Some(Derivation {
            op,
            from: fa.id.clone(),
            to: fb.id.clone(),
            at: f.origin(d.from.span()),
        }),
        seq,
    })
}

/// An optional display string, refused when given blank.
fn shown_opt(f: &SourceFile, s: &Option<Spanned<String>>, what: &str) -> Result<Option<Text>> {
    s.as_ref().map(|s| f.shown(s, Kind::Data, what)).transpose()
}
