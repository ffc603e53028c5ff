//! Line-break opportunities: UAX #14 (`unicode-linebreak`) with the zh-Hans
//! patches of TYPOGRAPHY.md §1.
//!
//! UAX #14 is right for Latin text but wrong for Chinese in known ways:
//! quotes “ ” ‘ ’ are class QU, which forbids breaks on both sides, so a
//! whole quoted phrase becomes unbreakable; · and ～ may start a line; a
//! hyphenated product name (DeepSeek-R1) may split; a number may be torn
//! from its unit. We take its answer and correct exactly those cases.

use super::script::{is_number_unit, no_end, no_start};

/// `allowed[i]` is true when a line may break before character `i`
/// (`allowed[0]` is always false; `allowed[n]` is the paragraph end).
pub fn opportunities(chars: &[char]) -> Vec<bool> {
    let n = chars.len();
    let mut allowed = vec![false; n + 1];
    let text: String = chars.iter().collect();
    // unicode-linebreak reports byte offsets; map them to char indices.
    let mut byte_to_char = vec![0usize; text.len() + 1];
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        byte_to_char[bi] = ci;
    }
    byte_to_char[text.len()] = n;
    for (b, _) in unicode_linebreak::linebreaks(&text) {
        allowed[byte_to_char[b]] = true;
    }
    allowed[0] = false;
    allowed[n] = true;

    for i in 1..n {
        let (a, b) = (chars[i - 1], chars[i]);
        // Quotes as brackets: “‘ open (break before, never after),
        // ”’ close (never before, break after) — patch of QU.
        if matches!(b, '“' | '‘') {
            allowed[i] = !no_end(a) && a != ' ';
        }
        if matches!(a, '”' | '’') {
            allowed[i] = !no_start(b) && b != ' ';
        }
        // Spaces: UAX #14 breaks after them; keep that.
        if a == ' ' && b != ' ' {
            allowed[i] = true;
        }
    }
    for i in 1..n {
        let (a, b) = (chars[i - 1], chars[i]);
        let mut forbid = no_start(b) || no_end(a) || b == ' ';
        // A Latin word, number or product name (H100, DeepSeek-R1, 52.3)
        // never splits, not even after its hyphen.
        forbid |= a.is_ascii_graphic() && b.is_ascii_graphic();
        // A number keeps its unit: `320 TFLOPS` (space then Latin word).
        forbid |= a == ' ' && i >= 2 && chars[i - 2].is_ascii_digit() && b.is_ascii_alphabetic();
        // …and its Han unit chain: `2022年`, `1.8万亿元`.
        forbid |= is_number_unit(b) && number_unit_chain(chars, i);
        // Two-em dash and double ellipsis stay together.
        forbid |= a == b && matches!(a, '—' | '…' | '⸺');
        if forbid {
            allowed[i] = false;
        }
    }
    allowed
}

/// Whether the unit character at `i` continues a number: walking back over
/// unit characters we reach a digit.
fn number_unit_chain(chars: &[char], i: usize) -> bool {
    let mut j = i;
    while j > 0 {
        let c = chars[j - 1];
        if c.is_ascii_digit() || c == '%' {
            return true;
        }
        if !is_number_unit(c) {
            return false;
        }
        j -= 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        let ok = opportunities(&chars);
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=chars.len() {
            if ok[i] {
                out.push(chars[start..i].iter().collect());
                start = i;
            }
        }
        out
    }

    #[test]
    fn no_break_before_closing_marks() {
        let b = breaks("算力，增长。");
        assert_eq!(b, vec!["算", "力，", "增", "长。"]);
    }

    #[test]
    fn quotes_behave_as_brackets() {
        let b = breaks("从“计算”到");
        // break allowed before “ and after ”, never inside the pair's edges
        assert_eq!(b, vec!["从", "“计", "算”", "到"]);
    }

    #[test]
    fn latin_words_numbers_and_units_stay_whole() {
        let b = breaks("约320 TFLOPS的DeepSeek-R1和52.3%");
        assert!(
            b.contains(&"320 TFLOPS".to_string()) || b.iter().any(|s| s.contains("320 TFLOPS"))
        );
        assert!(b.iter().any(|s| s.contains("DeepSeek-R1")));
        assert!(b.iter().any(|s| s.contains("52.3%")));
    }

    #[test]
    fn numbers_keep_han_units() {
        let b = breaks("2022年达到1.8万亿元");
        assert!(b.iter().any(|s| s.starts_with("2022年")));
        assert!(b.iter().any(|s| s.contains("1.8万亿元")));
    }

    #[test]
    fn dashes_and_ellipses_stay_paired() {
        let b = breaks("算力——智算……等");
        assert!(b.iter().any(|s| s.contains("——")));
        assert!(b.iter().any(|s| s.contains("……")));
    }

    #[test]
    fn interpunct_never_starts_a_line() {
        let b = breaks("黄仁勋·詹森");
        assert!(!b.iter().any(|s| s.starts_with('·')));
    }
}
