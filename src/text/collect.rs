//! Stage 1 of a paragraph: the string to the characters that will be set,
//! with what binds them.
//!
//! Four invisible signals are read here and removed from the text:
//! an ideographic space (U+3000) sets one em of space but no glyph, so
//! `表1　全国算力` shows the customary gap yet copies out as `表1全国算力`;
//! a word joiner (U+2060) forbids a break between its neighbours (content
//! puts one between every character of a figure printed from a fact, so
//! `1200万美元` never splits whatever its unit); a zero-width space
//! (U+200B, common in text pasted from the web) offers a break where the
//! script's rules allow one, inside a long identifier too, and prints
//! nothing; and the reference mark is appended after the text, bound to
//! it.

/// The characters of a paragraph and what binds them.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// Characters to set.
    pub(crate) chars: Vec<char>,
    /// Ems of fixed space before each character (from U+3000).
    pub(crate) em_before: Vec<f32>,
    /// Whether each character belongs to the superscript reference mark.
    pub(crate) sup: Vec<bool>,
    /// No break before this character.
    pub(crate) bound: Vec<bool>,
    /// A zero-width space stood before this character: a break is offered
    /// here (where no rule of the script forbids one).
    pub(crate) open: Vec<bool>,
    /// Where each character is in the text (byte offset), for errors that
    /// name it; `u32::MAX` for the mark's characters.
    pub(crate) at: Vec<u32>,
}

/// The word joiner (Unicode's, class WJ): no break on either side, no glyph.
const WORD_JOINER: char = '\u{2060}';
/// The zero-width space (class ZW): a break opportunity, no glyph.
const ZERO_WIDTH_SPACE: char = '\u{200b}';

/// Collects `text` followed by the superscript `mark`.
pub(crate) fn collect(text: &str, mark: Option<&str>) -> Collected {
    let mut c = Collected::default();
    let mut pending = 0.0;
    let mut join = false;
    let mut open = false;
    for (at, ch) in text.char_indices() {
        match ch {
            '\u{3000}' => pending += 1.0,
            WORD_JOINER => join = true,
            ZERO_WIDTH_SPACE => open = true,
            ch => {
                let ch = if matches!(ch, '\n' | '\t') { ' ' } else { ch };
                let space = std::mem::take(&mut pending);
                // Text after an ideographic space stays with it.
                c.bound.push(std::mem::take(&mut join) || space > 0.0);
                c.open.push(std::mem::take(&mut open));
                c.chars.push(ch);
                c.em_before.push(space);
                c.sup.push(false);
                c.at.push(at as u32);
            }
        }
    }
    // The mark follows the text and never leaves its last character.
    for ch in mark.unwrap_or("").chars() {
        c.chars.push(ch);
        c.em_before.push(0.0);
        c.sup.push(true);
        c.bound.push(true);
        c.open.push(false);
        c.at.push(u32::MAX);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What content does to a figure: a joiner between every two characters.
    fn bind(s: &str) -> String {
        let v: Vec<String> = s.chars().map(String::from).collect();
        v.join("\u{2060}")
    }

    #[test]
    fn joiners_bind_and_vanish() {
        let c = collect(&format!("达到{}的", bind("1200万美元")), Some("[1]"));
        let text: String = c.chars.iter().collect();
        assert_eq!(text, "达到1200万美元的[1]");
        // No break inside the figure, free before and after it.
        let bound: Vec<usize> = (0..c.chars.len()).filter(|&i| c.bound[i]).collect();
        assert_eq!(bound, vec![3, 4, 5, 6, 7, 8, 10, 11, 12]);
    }

    #[test]
    fn an_ideographic_space_is_space_not_a_glyph() {
        let c = collect("表1\u{3000}全国", None);
        assert_eq!(c.chars.iter().collect::<String>(), "表1全国");
        assert_eq!(c.em_before[2], 1.0);
        assert!(c.bound[2]);
    }
}
