//! Arithmetic on facts: each derived figure's value from its operands,
//! to no more digits than they carry. The config checked that each can
//! be computed from numeric facts; what remains to fail here — a zero to
//! divide by, a result too large to print — is reported where the
//! figure's first operand is named.

use std::collections::BTreeMap;

use crate::config::{Catalog, Derivation, Fact, Op, Value};
use crate::error::{Error, Kind, Result};

/// Every fact of the catalogue, derived figures computed.
pub(crate) fn evaluate(catalog: &Catalog) -> Result<BTreeMap<String, Fact>> {
    let mut out = catalog.facts.clone();
    for f in out.values_mut() {
        if let Some(d) = &f.derived {
            let (value, decimals) = compute(catalog, f, d)?;
            f.value = Value::Number(value);
            f.decimals = Some(decimals);
        }
    }
    Ok(out)
}

/// A figure of `f`, derived as `d` says, and the decimals it is printed
/// with: what the data asks for, but no more digits than the inputs
/// carry (a result is as precise as its least precise operand), and two
/// at least, so a round input such as 500 does not make it worthless.
fn compute(catalog: &Catalog, f: &Fact, d: &Derivation) -> Result<(f64, usize)> {
    let operand = |id: &str| match catalog.facts.get(id) {
        Some(Fact {
            value: Value::Number(x),
            decimals,
            ..
        }) => Ok((*x, *decimals)),
        _ => Err(Error::new(
            Kind::Software,
            format!(
                "derived figure `{}`: operand `{id}` is not a checked number",
                f.id
            ),
        )),
    };
    let (a, da) = operand(&d.from)?;
    let (b, db) = operand(&d.to)?;
    let at = |what: String| Error::at_origin(Kind::Data, Some(d.at), what);
    let value = match d.op {
        Op::PctChange if a != 0.0 => (b - a) / a * 100.0,
        Op::Ratio if a != 0.0 => b / a,
        Op::Difference => b - a,
        Op::AnnualRate(years) if a > 0.0 => (a.powf(1.0 / years as f64) - 1.0) * 100.0,
        Op::AnnualRate(_) => {
            return Err(at(
                "`annual-rate` needs a positive multiple in `from`".into()
            ));
        }
        _ => return Err(at("division by zero: `from` is 0".into())),
    };
    if !value.is_finite() || value.abs() >= 1e15 || value != 0.0 && value.abs() < 1e-9 {
        return Err(at(format!(
            "`{}` gives no printable result from these operands ({}); use units that keep it between 10^-9 and 10^15 in size",
            f.id,
            if value.is_finite() && value.abs() < 1.0 {
                format!("{value:e}, too small to print as a decimal")
            } else {
                "infinite, or 10^15 or more in size".to_string()
            }
        )));
    }
    let sig = significant_digits(a, da)
        .min(significant_digits(b, db))
        .max(2);
    let justified = decimals_for(value, sig);
    Ok((
        value,
        f.decimals.map_or(justified, |asked| asked.min(justified)),
    ))
}

/// The change from `old` to `new` in per cent, as a derived figure is
/// worked out (one rule wherever a change is printed): the decimals the
/// two figures justify, and whether it is approximate (either figure
/// qualified, 超过650万架 → 约17%). `None` when `old` is zero or either is
/// not a number.
pub(crate) fn change(old: &Fact, new: &Fact) -> Option<Change> {
    let (Value::Number(a), Value::Number(b)) = (&old.value, &new.value) else {
        return None;
    };
    if *a == 0.0 {
        return None;
    }
    let pct = (b - a) / a * 100.0;
    let sig = significant_digits(*a, old.decimals)
        .min(significant_digits(*b, new.decimals))
        .max(2);
    Some(Change {
        pct,
        decimals: decimals_for(pct, sig),
        approximate: old.qualifier.is_some() || new.qualifier.is_some(),
    })
}

/// A change between two figures of a series, worked out by [`change`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Change {
    /// Signed, in per cent.
    pub(crate) pct: f64,
    /// Decimals it is printed with.
    pub(crate) decimals: usize,
    /// Whether it is printed with 约.
    pub(crate) approximate: bool,
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

/// Decimals that show `value` to `sig` significant digits: a tiny
/// figure gets as many as it needs (never "0.000000"), within the 10^-9
/// that [`compute`] allows.
fn decimals_for(value: f64, sig: usize) -> usize {
    if value == 0.0 {
        return 0;
    }
    let magnitude = value.abs().log10().floor() as i64;
    (sig as i64 - 1 - magnitude).clamp(0, 12) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_figures_get_the_decimals_they_need() {
        // Two significant digits of 1.1e-7, never "0.000000".
        assert_eq!(decimals_for(1.1e-7, 2), 8);
        assert_eq!(decimals_for(0.052, 2), 3);
        assert_eq!(decimals_for(1234.0, 2), 0);
    }
}
