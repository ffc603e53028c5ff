//! Derived figures: the operation, its operands (numeric facts, never
//! other derived figures, so there is no evaluation order to get wrong)
//! and a printable result.

use super::super::model::*;
use super::super::schema::*;
use super::super::values::decimals;
use super::Parsed;
use super::facts::printable;
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

/// One derived figure of theme `t` in file `f`.
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
    let (a, fa) = operand(f, &d.from, cat)?;
    let (b, fb) = match &d.to {
        Some(to) => operand(f, to, cat)?,
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
            return Err(f.error(Kind::Data, d.from.span(), "division by zero: `from` is 0"));
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
        text: Text::plain("约"),
        position: QualifierPosition::Before,
    });
    Ok(Fact {
        id: d.id.get_ref().clone(),
        theme: t.id.get_ref().clone(),
        label: f.text(&d.label),
        value: Value::Number(value),
        value_origin: None,
        unit: d.unit.as_ref().map(|u| f.text(u)).or_else(|| {
            if matches!(op, Op::PctChange | Op::AnnualRate(_)) {
                Some(Text::plain("%"))
            } else {
                None
            }
        }),
        decimals,
        when: None,
        period: d.period.as_ref().map(|p| f.text(p)).unwrap_or_else(|| {
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
        note: d.note.as_ref().map(|n| f.text(n)),
        derived: Some((op, fa.id.clone(), fb.id.clone())),
        seq,
    })
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
fn decimals_for(value: f64, sig: usize) -> usize {
    if value == 0.0 {
        return 0;
    }
    let magnitude = value.abs().log10().floor() as i64;
    (sig as i64 - 1 - magnitude).clamp(0, 6) as usize
}
