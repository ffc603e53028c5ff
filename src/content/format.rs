//! How figures are written: numbers, units and placeholder fields.

use crate::config::{Fact, Field, Source, Value};
use std::collections::BTreeMap;

/// Writes a number with `decimals` digits, or as few as it needs.
pub fn number(x: f64, decimals: Option<usize>) -> String {
    match decimals {
        Some(d) => format!("{x:.d$}"),
        None if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        None => {
            let s = format!("{x:.4}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// The value alone.
pub fn value(f: &Fact) -> String {
    match &f.value {
        Value::Number(x) => number(*x, f.decimals),
        Value::Text(s) => s.clone(),
    }
}

/// Value and unit: Latin units after a space (`320 TFLOPS`), others joined
/// (`52.3%`, `650万架`); the typesetter adds the Han–digit spacing itself.
pub fn with_unit(f: &Fact) -> String {
    let v = value(f);
    match f.unit.as_deref() {
        None | Some("") => v,
        Some(u) if u.starts_with(|c: char| c.is_ascii_alphabetic()) => format!("{v} {u}"),
        Some(u) => format!("{v}{u}"),
    }
}

/// The text a placeholder field stands for.
pub fn field(f: &Fact, field: Field, sources: &BTreeMap<String, Source>) -> String {
    match field {
        Field::Full => with_unit(f),
        Field::Value => value(f),
        Field::Unit => f.unit.clone().unwrap_or_default(),
        Field::Label => f.label.clone(),
        Field::Period => f.period.clone(),
        Field::Note => f.note.clone().unwrap_or_default(),
        Field::Source => f
            .sources
            .iter()
            .filter_map(|s| sources.get(s).map(|s| s.publisher.clone()))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_decimals() {
        assert_eq!(number(197.0, None), "197");
        assert_eq!(number(52.3, None), "52.3");
        assert_eq!(number(1.8, Some(2)), "1.80");
        assert_eq!(number(9.444, Some(1)), "9.4");
    }
}
