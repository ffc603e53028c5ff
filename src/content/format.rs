//! How figures are written: numbers, qualifiers, units and placeholder
//! fields. One place, so prose, tables, cards and chart labels agree.

use crate::config::{Fact, Field, QualifierPosition, Source, Text, Value};
use std::collections::BTreeMap;

/// What marks a derived figure wherever it is printed.
pub(crate) const DERIVED_MARK: &str = "（推算）";

/// Unicode's word joiner: no line break on either side, no glyph.
pub(crate) const WORD_JOINER: char = '\u{2060}';

/// `s` with a word joiner between every two characters, so the typesetter
/// sets it as one unbreakable unit (a figure and its unit, whatever the
/// unit is) and the PDF's text is unchanged (the joiner has no glyph).
/// Each character keeps its origin.
pub(crate) fn bind(s: &Text) -> Text {
    s.interleave(WORD_JOINER)
}

/// The minus sign figures print with: U+2212, as typeset text has it (a
/// hyphen-minus is a hyphen's width and reads as a dash).
pub(crate) const MINUS: char = '\u{2212}';

/// Writes a number with `decimals` digits, or, without them, as the data
/// wrote it (the shortest form that reads back as the same number, so
/// 0.0000012 stays 0.0000012). A negative number takes a true minus sign;
/// one that rounds to zero, and -0, print as zero without a sign.
pub(crate) fn number(x: f64, decimals: Option<usize>) -> String {
    let s = match decimals {
        Some(d) => format!("{x:.d$}"),
        None if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        None => shortest(x),
    };
    signed(s)
}

/// `x` as the data wrote it (Rust's shortest form that reads back the
/// same), unless that takes more than twelve digits, a computed value's
/// float noise (0.30000000000000004): then six significant digits.
fn shortest(x: f64) -> String {
    let s = format!("{x}");
    if s.chars().filter(char::is_ascii_digit).count() <= 12 {
        return s;
    }
    let magnitude = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i64
    };
    let d = (5 - magnitude).clamp(0, 15) as usize;
    let t = format!("{x:.d$}");
    if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        t
    }
}

/// `s` (a number Rust wrote) with U+2212 for its minus, and no sign on a
/// zero.
pub(crate) fn signed(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| matches!(c, '0' | '.')) => rest.to_string(),
        Some(rest) => format!("{MINUS}{rest}"),
        None => s,
    }
}

/// The value alone, without qualifier or unit; a number points at the
/// value as written.
pub(crate) fn value(f: &Fact) -> Text {
    match &f.value {
        Value::Number(x) => {
            let s = number(*x, f.decimals);
            match f.value_origin {
                Some(o) => Text::input(s, o),
                None => Text::plain(s),
            }
        }
        Value::Text(s) => s.clone(),
        // Computed before anything is selected (`derive::evaluate`).
        Value::Derived => Text::new(),
    }
}

/// A figure split into the pieces that layouts place differently (a key
/// card sets the number large and the unit small).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Figure {
    /// Qualifier before the number (`超过`, `约`).
    pub(crate) before: Text,
    /// The number, with a qualifier that follows it directly (`130多`).
    pub(crate) number: Text,
    /// The unit, with a qualifier that follows it (`%以上`).
    pub(crate) unit: Text,
    /// Whether the unit is Latin and so set after a space (`320 TFLOPS`).
    pub(crate) spaced: bool,
}

impl Figure {
    /// The figure as one text.
    pub(crate) fn joined(&self) -> Text {
        let sep = if self.spaced { " " } else { "" };
        crate::txt!(&self.before, &self.number, sep, &self.unit)
    }

    /// The figure without its unit, for chart value labels where the axis
    /// carries the unit.
    pub(crate) fn without_unit(&self, unit_len: usize) -> Text {
        let after = self
            .unit
            .char_indices()
            .nth(unit_len)
            .map_or(self.unit.len(), |(i, _)| i);
        crate::txt!(
            &self.before,
            &self.number,
            self.unit.slice(after..self.unit.len())
        )
    }
}

/// A fact's value with its qualifier and unit.
pub(crate) fn figure(f: &Fact) -> Figure {
    let mut fig = Figure {
        number: value(f),
        unit: f.unit.clone().unwrap_or_default(),
        ..Figure::default()
    };
    fig.spaced = fig.unit.starts_with(|c: char| c.is_ascii_alphabetic());
    if let Some(q) = &f.qualifier {
        match q.position {
            QualifierPosition::Before => fig.before = q.text.clone(),
            QualifierPosition::AfterNumber => fig.number.push(&q.text),
            QualifierPosition::AfterUnit => fig.unit.push(&q.text),
        }
    }
    fig
}

/// Value with qualifier and unit as prose and tables print it: Latin units
/// after a space (`320 TFLOPS`), others joined (`52.3%`, `超过650万架`);
/// a derived figure carries [`DERIVED_MARK`]. The typesetter adds the
/// Han–digit spacing itself.
pub(crate) fn with_unit(f: &Fact) -> Text {
    let joined = figure(f).joined();
    // A figure is bound whole; a statement (a text fact) breaks as prose.
    let mut s = match f.value {
        Value::Number(_) | Value::Derived => bind(&joined),
        Value::Text(_) => joined,
    };
    if f.derived.is_some() {
        s.push_str(DERIVED_MARK);
    }
    s
}

/// [`with_unit`] of the figure's size: its sign left to the words around it.
fn magnitude(f: &Fact) -> Text {
    match f.value {
        Value::Number(x) if x < 0.0 => with_unit(&Fact {
            value: Value::Number(-x),
            ..f.clone()
        }),
        _ => with_unit(f),
    }
}

/// A change in words as every derived figure is printed: the direction
/// from its sign, then the magnitude with 约 when approximate, and
/// [`DERIVED_MARK`] (`增长约17%（推算）`, `下降3.2%（推算）`).
pub(crate) fn change(c: &super::derive::Change) -> String {
    let magnitude = number(c.pct.abs(), Some(c.decimals));
    let about = if c.approximate { "约" } else { "" };
    if magnitude.chars().all(|ch| matches!(ch, '0' | '.')) {
        return format!("基本持平{DERIVED_MARK}");
    }
    let word = if c.pct > 0.0 { "增长" } else { "下降" };
    format!("{word}{about}{magnitude}%{DERIVED_MARK}")
}

/// The text a placeholder field stands for.
pub(crate) fn field(f: &Fact, field: Field, sources: &BTreeMap<String, Source>) -> Text {
    match field {
        Field::Full => with_unit(f),
        Field::Value => value(f),
        Field::Unit => f.unit.clone().unwrap_or_default(),
        Field::Qualifier => f
            .qualifier
            .as_ref()
            .map(|q| q.text.clone())
            .unwrap_or_default(),
        Field::Magnitude => magnitude(f),
        Field::Change => {
            let negative = matches!(f.value, Value::Number(x) if x < 0.0);
            let mut t = Text::plain(if negative { "下降" } else { "增长" });
            t.push(&magnitude(f));
            t
        }
        Field::Label => f.label.clone(),
        Field::Period => f.period.clone(),
        Field::Note => f.note.clone().unwrap_or_default(),
        Field::Source => Text::join(
            f.sources
                .iter()
                .filter_map(|s| sources.get(s).map(|s| &s.publisher)),
            "、",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Qualifier;

    fn fact(v: f64, unit: &str, q: Option<(&str, QualifierPosition)>) -> Fact {
        Fact {
            id: "x".into(),
            theme: "t".into(),
            label: "标签".into(),
            value: Value::Number(v),
            value_origin: None,
            unit: Some(unit.into()),
            decimals: None,
            period: "2024年".into(),
            when: None,
            date: None,
            sources: vec![],
            region: None,
            key: false,
            qualifier: q.map(|(t, p)| Qualifier {
                text: t.into(),
                position: p,
            }),
            supersedes: None,
            note: None,
            derived: None,
            seq: 0,
        }
    }

    #[test]
    fn negative_figures_take_a_true_minus_and_zero_no_sign() {
        assert_eq!(number(-16.6, Some(1)), "\u{2212}16.6");
        assert_eq!(number(-0.0, Some(1)), "0.0");
        assert_eq!(number(-0.0, None), "0");
        assert_eq!(number(-0.04, Some(1)), "0.0");
        assert_eq!(number(-3.0, None), "\u{2212}3");
        assert_eq!(number(0.0000012, None), "0.0000012");
        assert_eq!(number(-2.5e-7, None), "\u{2212}0.00000025");
        assert_eq!(number(0.1 + 0.2, None), "0.3");
        assert_eq!(number(0.26951327235054223, None), "0.269513");
    }

    #[test]
    fn numbers_keep_their_decimals() {
        assert_eq!(number(197.0, None), "197");
        assert_eq!(number(52.3, None), "52.3");
        assert_eq!(number(1.8, Some(2)), "1.80");
        assert_eq!(number(9.444, Some(1)), "9.4");
    }

    #[test]
    fn qualifiers_stand_where_chinese_puts_them() {
        use QualifierPosition::*;
        let q = |f: Fact| with_unit(&f).replace(WORD_JOINER, "");
        assert_eq!(
            q(fact(650.0, "万架", Some(("超过", Before)))),
            "超过650万架"
        );
        assert_eq!(q(fact(130.0, "家", Some(("多", AfterNumber)))), "130多家");
        assert_eq!(q(fact(85.0, "%", Some(("以上", AfterUnit)))), "85%以上");
        assert_eq!(
            q(fact(1000.0, "POPS", Some(("不低于", Before)))),
            "不低于1000 POPS"
        );
        // Figures are bound whole for the typesetter.
        assert_eq!(
            with_unit(&fact(12.0, "%", None)).as_str(),
            "1\u{2060}2\u{2060}%"
        );
        let f = figure(&fact(85.0, "%", Some(("以上", AfterUnit))));
        assert_eq!(f.without_unit(1), "85以上");
    }

    #[test]
    fn derived_figures_are_marked() {
        let mut f = fact(9.4, "%", None);
        f.derived = Some(crate::config::Derivation {
            op: crate::config::Op::PctChange,
            from: "a".into(),
            to: "b".into(),
            at: crate::origin::Origin::value(crate::origin::FileId(0), 0),
        });
        assert_eq!(with_unit(&f).replace(WORD_JOINER, ""), "9.4%（推算）");
    }
}
