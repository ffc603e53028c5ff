//! Line-break opportunities: UAX #14 (`unicode-linebreak`) with the zh-Hans
//! patches of the project's typesetting rules (`docs/typesetting.md` §1),
//! and a price on each.
//!
//! UAX #14 is right for Latin text but wrong for Chinese in known ways:
//! quotes “ ” ‘ ’ are class QU, which forbids breaks on both sides, so a
//! whole quoted phrase becomes unbreakable; · and ～ may start a line; a
//! hyphenated product name (DeepSeek-R1) may split; a number may be torn
//! from the word after it. We take its answer and correct exactly those
//! cases.
//!
//! Ordinary opportunities are free. A run of Latin letters, digits and
//! signs too long to be a word (a URL, a file path, a long identifier) also
//! gets priced ones at its natural joints, and, as the very last resort, at
//! hyphenation points between letters: the optimiser takes them only when
//! nothing else fits, so a paragraph never falls back to breaking anywhere.

use super::script::{no_end, no_start};

/// A break before a character: what it costs, and whether the line before
/// it ends with an inserted hyphen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Opportunity {
    /// Extra demerits for breaking here; infinite where forbidden.
    pub(crate) penalty: f64,
    /// The line ends with a hyphen that is not in the text.
    pub(crate) hyphen: bool,
}

impl Opportunity {
    /// No break here.
    pub(crate) const NONE: Opportunity = Opportunity {
        penalty: f64::INFINITY,
        hyphen: false,
    };
    /// A break at no extra cost.
    pub(crate) const FREE: Opportunity = Opportunity {
        penalty: 0.0,
        hyphen: false,
    };

    /// Whether a line may end here at all.
    pub(crate) fn allowed(&self) -> bool {
        self.penalty.is_finite()
    }
}

/// A run of ASCII letters, digits and signs at least this long is not a
/// word but a URL, a path or an identifier, and may break inside. Product
/// names (`DeepSeek-R1`, `Atlas 900 SuperPoD`) are far shorter.
pub(crate) const LONG_TOKEN: usize = 20;

/// Price of breaking a long token at a natural joint (after `/`, `.`, `-`,
/// `?`, `&`, `=`, `_`, `#`): well above a loose line (a badness of 100 costs
/// about 12,000 in `linebreak`'s demerits), so it is taken only when the
/// token would otherwise not fit or leave a gaping line.
pub(crate) const JOINT_PENALTY: f64 = 30_000.0;

/// Price of hyphenating inside a long token: the last resort before an
/// overfull line, several times a joint break.
pub(crate) const HYPHEN_PENALTY: f64 = 150_000.0;

/// Price of a break where no rule allows one: inside a run that cannot
/// break (an unbroken URL, a figure bound to its unit) and is wider than
/// the line it must fit. Above any line that fits, however loose (a line
/// stretched to fifty times its stretch costs about 10^14 in `linebreak`'s
/// demerits), below an overfull line (about 10^18): a run broken anywhere
/// is better than ink out of its box, and the layout says so in a warning
/// naming the place.
pub(crate) const LAST_RESORT_PENALTY: f64 = 1e15;

/// Letters kept together at either end of a hyphenated piece, so no line
/// starts or ends with a stub of one or two letters.
const HYPHEN_MIN: usize = 3;

/// `out[i]` says whether and at what price a line may break before
/// character `i` (`out[0]` never; `out[n]` is the paragraph's end).
/// `bound[i]` forbids a break before `i` outright (a figure printed from a
/// fact, a reference mark, text after an ideographic space).
pub(crate) fn opportunities(chars: &[char], bound: &[bool], open: &[bool]) -> Vec<Opportunity> {
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
        // never splits at a free opportunity, not even after its hyphen.
        forbid |= a.is_ascii_graphic() && b.is_ascii_graphic();
        // A number keeps the word after it: `320 TFLOPS` (space, then a
        // Latin word) and `2022年`, `5nm`, `40%` (the next character,
        // whatever it is). This is a rule of the script, not a list of
        // units: figures printed from facts are bound whole anyway.
        forbid |= a == ' ' && i >= 2 && chars[i - 2].is_ascii_digit() && b.is_ascii_alphabetic();
        forbid |= is_figure_end(a) && !b.is_whitespace();
        // Two-em dash and double ellipsis stay together.
        forbid |= a == b && matches!(a, '—' | '…' | '⸺');
        // A range of figures stays whole (`2022—2026年`, `9～10月`): no
        // break on either side of its connector.
        forbid |= range_connector_at(chars, i) || range_connector_at(chars, i - 1);
        forbid |= bound.get(i).copied().unwrap_or(false);
        if forbid {
            allowed[i] = false;
        }
    }
    zero_width_breaks(chars, bound, open, &mut allowed);
    let mut out: Vec<Opportunity> = allowed
        .iter()
        .map(|&ok| {
            if ok {
                Opportunity::FREE
            } else {
                Opportunity::NONE
            }
        })
        .collect();
    long_token_breaks(chars, bound, &mut out);
    last_resort(chars, &mut out);
    out
}

/// Between any two characters no rule lets a line break, a break at
/// [`LAST_RESORT_PENALTY`], so that no run is ever wider than its line
/// must be; before a mark that may not start a line, after one that may
/// not end it, or inside `//`, at ten times that: clreq breaks a rule of
/// the script only when marks stand together too many to fit.
fn last_resort(chars: &[char], out: &mut [Opportunity]) {
    for i in 1..chars.len() {
        let (a, b) = (chars[i - 1], chars[i]);
        if out[i].allowed() || a == ' ' || b == ' ' {
            continue;
        }
        let rule = no_start(b) || no_end(a) || a == '/' && b == '/' || a == ':' && b == '/';
        out[i] = Opportunity {
            penalty: if rule {
                10.0 * LAST_RESORT_PENALTY
            } else {
                LAST_RESORT_PENALTY
            },
            hyphen: false,
        };
    }
}

/// A zero-width space the text carries offers a break, inside a word or
/// identifier too, unless a mark may not start or end the line there.
fn zero_width_breaks(chars: &[char], bound: &[bool], open: &[bool], allowed: &mut [bool]) {
    for i in 1..chars.len() {
        if open.get(i).copied().unwrap_or(false)
            && !no_start(chars[i])
            && !no_end(chars[i - 1])
            && !bound.get(i).copied().unwrap_or(false)
        {
            allowed[i] = true;
        }
    }
}

/// Whether `chars[k]` joins two figures as a range (`2022—2026`).
fn range_connector_at(chars: &[char], k: usize) -> bool {
    k >= 1
        && k + 1 < chars.len()
        && is_range_connector(chars[k])
        && chars[k - 1].is_ascii_digit()
        && chars[k + 1].is_ascii_digit()
}

/// A dash or tilde that joins the two ends of a range of figures.
fn is_range_connector(c: char) -> bool {
    matches!(c, '—' | '–' | '～' | '~' | '〜' | '-' | '至')
}

/// A character that ends a number: a digit or a sign that belongs to it.
fn is_figure_end(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '%' | '‰')
}

/// Priced breaks inside runs of ASCII graphic characters of at least
/// [`LONG_TOKEN`] characters: after a joint, with nothing inserted; or,
/// in a long plain word only (lower-case letters and hyphens), hyphenated
/// between letters — never in a URL, a path or a name with digits or
/// capitals, where an inserted hyphen would copy out as part of it. Never
/// inside a number (`2,500.75`) and never so that `//` or `://` is split.
fn long_token_breaks(chars: &[char], bound: &[bool], out: &mut [Opportunity]) {
    let n = chars.len();
    let mut start = 0;
    while start < n {
        if !chars[start].is_ascii_graphic() {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < n && chars[end].is_ascii_graphic() {
            end += 1;
        }
        if end - start >= LONG_TOKEN {
            let word = chars[start..end]
                .iter()
                .all(|c| c.is_ascii_lowercase() || *c == '-');
            for i in start + 1..end {
                if bound.get(i).copied().unwrap_or(false) {
                    continue;
                }
                let (a, b) = (chars[i - 1], chars[i]);
                let digits_around = (a.is_ascii_digit() || matches!(a, '.' | ','))
                    && b.is_ascii_digit()
                    || a.is_ascii_digit() && matches!(b, '.' | ',' | '%');
                if digits_around || no_start(b) || no_end(a) {
                    continue;
                }
                let joint = matches!(a, '/' | '.' | '-' | '?' | '&' | '=' | '_' | '#' | '~')
                    && b != '/'
                    && !(a == '.' && b == '.');
                if joint {
                    out[i] = Opportunity {
                        penalty: JOINT_PENALTY,
                        hyphen: false,
                    };
                } else if word && a.is_ascii_lowercase() && b.is_ascii_lowercase() {
                    let before = chars[start..i]
                        .iter()
                        .rev()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .count();
                    let after = chars[i..end]
                        .iter()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .count();
                    if before >= HYPHEN_MIN && after >= HYPHEN_MIN {
                        out[i] = Opportunity {
                            penalty: HYPHEN_PENALTY,
                            hyphen: true,
                        };
                    }
                }
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_stay_whole_and_zero_width_spaces_offer_breaks() {
        let chars: Vec<char> = "规划期为2022—2026年，时间为9～10月。".chars().collect();
        let ok = opportunities(&chars, &vec![false; chars.len()], &[]);
        let text: String = chars.iter().collect();
        for (range, len) in [("2022—2026年", 10), ("9～10月", 5)] {
            let start = text[..text.find(range).unwrap()].chars().count();
            for (i, o) in ok.iter().enumerate().take(start + len).skip(start + 1) {
                assert!(
                    !o.allowed() || o.penalty >= LAST_RESORT_PENALTY,
                    "break inside {range} at {i}"
                );
            }
        }
        // A zero-width space inside an identifier offers a break there,
        // and nowhere else in it.
        let word: Vec<char> = "DeepSeekR1Distill".chars().collect();
        let mut open = vec![false; word.len()];
        open[8] = true;
        let ok = opportunities(&word, &vec![false; word.len()], &open);
        assert!(ok[8].allowed() && ok[8].penalty < LAST_RESORT_PENALTY);
        assert!(
            (1..word.len())
                .filter(|&i| i != 8)
                .all(|i| ok[i].penalty >= LAST_RESORT_PENALTY || !ok[i].allowed())
        );
    }

    /// Pieces between free breaks.
    fn breaks(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        let ok = opportunities(&chars, &vec![false; chars.len()], &[]);
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=chars.len() {
            if ok[i].penalty == 0.0 {
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
        assert!(b.iter().any(|s| s.contains("320 TFLOPS")));
        assert!(b.iter().any(|s| s.contains("DeepSeek-R1")));
        assert!(b.iter().any(|s| s.contains("52.3%")));
    }

    #[test]
    fn a_number_keeps_the_character_after_it() {
        let b = breaks("2022年达到1.8万亿元，另有7nm");
        assert!(b.iter().any(|s| s.starts_with("2022年")), "{b:?}");
        assert!(b.iter().any(|s| s.contains("1.8万")), "{b:?}");
        assert!(b.iter().any(|s| s.contains("7nm")), "{b:?}");
    }

    #[test]
    fn bound_characters_never_start_a_line() {
        let chars: Vec<char> = "达到1200万美元的".chars().collect();
        let mut bound = vec![false; chars.len()];
        for b in bound.iter_mut().take(8).skip(3) {
            *b = true;
        }
        let ok = opportunities(&chars, &bound, &[]);
        for (i, o) in ok.iter().enumerate().take(8).skip(3) {
            assert!(o.penalty >= LAST_RESORT_PENALTY, "break allowed before {i}");
        }
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

    #[test]
    fn long_tokens_break_only_at_joints_or_hyphenation_points() {
        let url = "https://example.org/reports/2025/compute-index.pdf?lang=zh";
        let chars: Vec<char> = url.chars().collect();
        let ok = opportunities(&chars, &vec![false; chars.len()], &[]);
        let at = |i: usize| -> String { chars[..i].iter().collect() };
        for i in 1..chars.len() {
            if !ok[i].allowed() {
                continue;
            }
            let (a, b) = (chars[i - 1], chars[i]);
            if ok[i].penalty >= LAST_RESORT_PENALTY {
                continue;
            }
            assert!(ok[i].penalty > 0.0, "free break inside a URL at {}", at(i));
            assert!(!ok[i].hyphen, "a hyphen inserted inside a URL at {}", at(i));
            assert!(!(a.is_ascii_digit() && b.is_ascii_digit()), "{}", at(i));
            assert!(!(a == ':' || (a == '/' && b == '/')), "{}", at(i));
        }
        // The joints after `//example.org/` and before `reports` exist.
        let joint = url.find("reports").unwrap();
        assert_eq!(ok[joint].penalty, JOINT_PENALTY);
        // A short word gets only last-resort breaks.
        let short: Vec<char> = "DeepSeek-R1".chars().collect();
        assert!(
            opportunities(&short, &vec![false; short.len()], &[])[1..short.len()]
                .iter()
                .all(|o| o.penalty >= LAST_RESORT_PENALTY)
        );
    }

    #[test]
    fn only_a_long_plain_word_is_hyphenated() {
        let hyphens = |s: &str| {
            let chars: Vec<char> = s.chars().collect();
            opportunities(&chars, &vec![false; chars.len()], &[])
                .iter()
                .filter(|o| o.hyphen)
                .count()
        };
        assert!(hyphens("supercalifragilisticexpialidocious") > 0);
        for no in [
            "https://exampleexampleexample.org/path",
            "/srv/briefings/edition-final.pdf",
            "DeepSeekReasonerDistilledModel",
            "model-checkpoint-2025abcdefghij",
            "snake_case_identifier_is_long",
        ] {
            assert_eq!(hyphens(no), 0, "{no}");
        }
    }
}
