//! Stage 2 of a paragraph: glyphs, their advances, and the glue between
//! them — the clreq spacing model (`docs/typesetting.md` §2–§3).
//!
//! Each gap between two glyphs is a piece of glue with a natural width and
//! two tiers of stretch and shrink, in the clreq priority order: tier 1 is
//! word spaces and the Han–Latin quarter em; tier 2 is inter-character
//! expansion (stretch) and punctuation compression (shrink). Tier 2 is only
//! touched once tier 1 is used up, and costs more. Tier 1 is kept narrow on
//! purpose: a Han–Latin gap that swung from ⅛ to ⅓ em between neighbouring
//! lines read as uneven, so past a small range every gap grows alike.

use super::collect::Collected;
use super::fonts::FontSet;
use super::script::{Class, class, is_compressible};
use crate::error::{Error, Kind, Result};
use crate::frame::FontKind;
use crate::origin::Text;

/// Size of a superscript reference mark relative to the text.
pub(crate) const SUP_SCALE: f32 = 0.6;

/// The Han–Latin gap (`昇腾 910B`): a quarter em.
const HAN_LATIN: f32 = 0.25;
/// How far the Han–Latin gap may move in tier 1, each way: 0.2–0.3 em, so
/// neighbouring lines never show gaps of visibly different size.
const HAN_LATIN_FLEX: f32 = 0.05;
/// Widest a word space grows (the fonts' spaces are 0.22–0.26 em). In this
/// text a space mostly binds a figure to its unit (`180 EFLOPS`) or the
/// parts of a name: it stays close to its natural width, and the line's
/// slack goes to the Han–Latin gaps and then evenly to every gap, as
/// clreq justifies, instead of opening `180   EFLOPS` (0.31–0.41 em
/// before; Typst sets 0.19–0.25 em).
const WORD_SPACE_MAX: f32 = 0.28;
/// Narrowest a word space shrinks (`docs/typesetting.md` §3: ¼ em).
const WORD_SPACE_MIN: f32 = 0.25;
/// Inter-character expansion per gap in tier 2 at ratio 1 (a unit, not a
/// limit: see [`MAX_LETTER_SPACE`]).
const LETTER_SPACE: f32 = 0.15;
/// The most tier 2 may open any gap: a line that would need more (the line
/// before an unbreakable run too long to share it, say) is set with this
/// and ends short of the measure, rather than spread to gaps of an em
/// that read as separate words.
pub(crate) const MAX_LETTER_SPACE: f32 = 0.2;
/// [`MAX_LETTER_SPACE`] as a tier-2 ratio.
pub(crate) const MAX_TIER2: f32 = MAX_LETTER_SPACE / LETTER_SPACE;

/// The spacing between two glyphs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Glue {
    pub(crate) natural: f32,
    pub(crate) stretch1: f32,
    pub(crate) stretch2: f32,
    pub(crate) shrink1: f32,
    pub(crate) shrink2: f32,
}

/// A paragraph's glyphs and glue, with prefix sums for O(1) line measures.
pub(crate) struct Shaped {
    /// Glyphs of the superscript reference mark.
    pub(crate) sup: Vec<bool>,
    pub(crate) chars: Vec<char>,
    /// `class(chars[i])`, computed once: the line breaker asks for it for
    /// every candidate line.
    class: Vec<Class>,
    pub(crate) gids: Vec<u16>,
    pub(crate) adv: Vec<f32>,
    /// `glue[i]` sits between glyph `i` and `i + 1`.
    pub(crate) glue: Vec<Glue>,
    /// Full-width punctuation whose blank half (right for closing, pause
    /// and stop marks, left for opening ones) is blank in this font, and
    /// may be compressed.
    pub(crate) full: Vec<bool>,
    /// No break before this character.
    pub(crate) bound: Vec<bool>,
    /// A zero-width space offered a break before this character.
    pub(crate) open: Vec<bool>,
    /// `adv_prefix[i]` = sum of `adv[..i]`.
    adv_prefix: Vec<f32>,
    /// `prefix[i]` = sum of `glue[..i]`.
    prefix: Vec<Glue>,
    /// Glyph id and advance of the hyphen, for hyphenated lines.
    pub(crate) hyphen: Option<(u16, f32)>,
}

/// A candidate line's widths.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Measure {
    pub(crate) natural: f32,
    pub(crate) stretch1: f32,
    pub(crate) stretch2: f32,
    pub(crate) shrink1: f32,
    pub(crate) shrink2: f32,
    /// One past the last glyph set (trailing spaces dropped).
    pub(crate) end: usize,
}

/// A few characters around position `i`, for error messages.
fn context(chars: &[char], i: usize) -> String {
    let a = i.saturating_sub(8);
    let b = (i + 8).min(chars.len());
    chars[a..b].iter().collect()
}

/// Looks up glyphs and builds the glue of collected text set in `font` at
/// `em` points.
// Kept whole: one pass over the glyphs, then one over the gaps, each a short loop; split, the steps would pass the same six vectors back and forth.
pub(crate) fn shape(
    fonts: &FontSet,
    text: &Text,
    c: Collected,
    font: FontKind,
    em: f32,
) -> Result<Shaped> {
    let face = fonts.get(font);
    let Collected {
        chars,
        em_before,
        sup,
        bound,
        open,
        at,
    } = c;
    let mut gids = Vec::with_capacity(chars.len());
    let mut adv = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let Some(g) = face.glyph(if c == '\u{a0}' { ' ' } else { c }) else {
            let origin = text.origin_at(at[i] as usize);
            let whose = if origin.is_some() || at[i] == u32::MAX {
                ""
            } else {
                " (in the briefing's own wording, so the font lacks a character every briefing needs)"
            };
            return Err(Error::at_origin(
                Kind::Data,
                origin,
                format!(
                    "character `{}` (U+{:04X}) is not in font {}{whose} — it occurs in “{}”",
                    c.escape_default(),
                    c as u32,
                    face.ps_name,
                    context(&chars, i)
                ),
            )
            .with_help("rewrite the text without it, or configure a font that has it in [fonts]"));
        };
        gids.push(g);
        adv.push(face.advance(g) * em * if sup[i] { SUP_SCALE } else { 1.0 });
    }
    // What a mark may give up on its blank side (the right of a closing
    // or stop mark, the left of an opening one), as the face says; a
    // whole half (`full`) is also trimmed at a line's end.
    let give: Vec<f32> = (0..chars.len())
        .map(|i| {
            let c = chars[i];
            if !sup[i] && is_compressible(c) && adv[i] >= 0.9 * em {
                face.give(gids[i], class(c) != Class::Open) * em
            } else {
                0.0
            }
        })
        .collect();
    let full: Vec<bool> = give.iter().zip(&adv).map(|(g, a)| *g >= 0.45 * a).collect();
    let mut glue = Vec::with_capacity(chars.len().saturating_sub(1));
    for (i, &space) in em_before.iter().enumerate().skip(1) {
        glue.push(if space > 0.0 {
            // An ideographic space: fixed, never stretched.
            Glue {
                natural: space * em,
                ..Glue::default()
            }
        } else {
            between(&chars, &adv, (&full, &give), &sup, i, em)
        });
    }
    let mut adv_prefix = Vec::with_capacity(adv.len() + 1);
    let mut acc = 0.0f32;
    adv_prefix.push(0.0);
    for a in &adv {
        acc += a;
        adv_prefix.push(acc);
    }
    let mut prefix = Vec::with_capacity(glue.len() + 1);
    let mut g = Glue::default();
    prefix.push(g);
    for x in &glue {
        g.natural += x.natural;
        g.stretch1 += x.stretch1;
        g.stretch2 += x.stretch2;
        g.shrink1 += x.shrink1;
        g.shrink2 += x.shrink2;
        prefix.push(g);
    }
    let hyphen = face.glyph('-').map(|g| (g, face.advance(g) * em));
    let class = chars.iter().map(|&c| class(c)).collect();
    Ok(Shaped {
        sup,
        chars,
        class,
        gids,
        adv,
        glue,
        full,
        bound,
        open,
        adv_prefix,
        prefix,
        hyphen,
    })
}

/// The glue before character `i`.
fn between(
    chars: &[char],
    adv: &[f32],
    (full, give): (&[bool], &[f32]),
    sup: &[bool],
    i: usize,
    em: f32,
) -> Glue {
    let (a, b) = (chars[i - 1], chars[i]);
    let (ca, cb) = (class(a), class(b));
    let mut g = Glue::default();
    // A full-width mark, whether or not it has a blank half to lose.
    let wide = |k: usize| !sup[k] && is_compressible(chars[k]) && adv[k] >= 0.9 * em;
    // `%` closes a figure: `50%以上` takes the same quarter em as `50以上`.
    let alnum = |c: char| c.is_ascii_alphanumeric() || c == '%';
    if sup[i] || sup[i - 1] {
        // A reference mark hugs what it marks and never stretches; after
        // a full-width stop it moves into the stop's blank half, right by
        // the ink.
        if sup[i] && !sup[i - 1] && full[i - 1] && matches!(ca, Class::Close | Class::PauseStop) {
            g.natural = -0.45 * em;
        }
        return g;
    }
    if ca == Class::Space {
        // Word space (§3): ¼ em at least, [`WORD_SPACE_MAX`] at most, and
        // no letter-spacing on top.
        g.stretch1 = (WORD_SPACE_MAX * em - adv[i - 1]).max(0.0);
        g.shrink1 = (adv[i - 1] - WORD_SPACE_MIN * em).max(0.0);
    } else if (ca == Class::Han && alnum(b)) || (alnum(a) && cb == Class::Han) {
        // Han–Latin (§2): ¼ em, a little either way in tier 1.
        g.natural = HAN_LATIN * em;
        g.stretch1 = HAN_LATIN_FLEX * em;
        g.shrink1 = HAN_LATIN_FLEX * em;
        g.stretch2 = LETTER_SPACE * em;
    } else if wide(i - 1)
        && wide(i)
        && ((full[i - 1] && matches!(ca, Class::Close | Class::PauseStop))
            || (full[i] && cb == Class::Open))
    {
        // Adjacent punctuation takes 1.5 em: a blank half between them
        // goes (§2), the first mark's if it has one, else the second's.
        g.natural = -0.5 * em;
    } else if ca == Class::Dash && cb == Class::Dash {
        // Never expand inside —— or …… (§3).
    } else if ca == Class::Latin && cb == Class::Latin {
        // Inside a Latin word: set solid.
    } else if cb != Class::Space {
        // Everything else may take inter-character expansion.
        g.stretch2 = LETTER_SPACE * em;
        // Half an em from a Simplified mark, a quarter from one centred
        // in its box (Traditional faces).
        if matches!(ca, Class::Close | Class::PauseStop) {
            g.shrink2 += give[i - 1];
        }
        if cb == Class::Open {
            g.shrink2 += give[i];
        }
    }
    g
}

impl Shaped {
    /// Line from `a` to `b` (exclusive), with trailing spaces dropped, a
    /// line-end full-width mark trimmed to ½ em (GB/T 15834), a line-start
    /// opening bracket's blank half hung, and the inserted hyphen of a
    /// hyphenated break counted.
    pub(crate) fn measure(
        &self,
        a: usize,
        b: usize,
        indent: f32,
        em: f32,
        hyphen: bool,
    ) -> Measure {
        let end = self.trimmed_end(a, b);
        let mut m = Measure {
            natural: indent,
            stretch1: 0.0,
            stretch2: 0.0,
            shrink1: 0.0,
            shrink2: 0.0,
            end,
        };
        if end > a {
            // Prefix sums make every candidate line O(1): the total-fit
            // search measures thousands of them per paragraph.
            let (p, q) = (&self.prefix[a], &self.prefix[end - 1]);
            m.natural += self.adv_prefix[end] - self.adv_prefix[a] + q.natural - p.natural;
            m.stretch1 = q.stretch1 - p.stretch1;
            m.stretch2 = q.stretch2 - p.stretch2;
            m.shrink1 = q.shrink1 - p.shrink1;
            m.shrink2 = q.shrink2 - p.shrink2;
        }
        if self.ends_with_trimmed_mark(a, end) {
            m.natural -= 0.5 * em;
        }
        if hyphen {
            m.natural += self.hyphen.map_or(0.0, |h| h.1);
        }
        m.natural -= self.lead_trim(a, indent, em);
        m
    }

    /// Whether the line `a..end` ends in a full-width closing or stop mark,
    /// whose blank half is trimmed at the line end.
    pub(crate) fn ends_with_trimmed_mark(&self, a: usize, end: usize) -> bool {
        end > a
            && self.full[end - 1]
            && matches!(self.class[end - 1], Class::Close | Class::PauseStop)
    }

    /// An opening bracket or quote that starts a line loses its blank left
    /// half, so its ink, not its em box, lines up with the margin (§2) —
    /// unless the line is indented, as a paragraph's first line is.
    pub(crate) fn lead_trim(&self, start: usize, indent: f32, em: f32) -> f32 {
        if indent == 0.0
            && start < self.chars.len()
            && self.full[start]
            && self.class[start] == Class::Open
        {
            0.5 * em
        } else {
            0.0
        }
    }

    /// Number of letters and Han characters (not punctuation, space or the
    /// superscript source mark) in `a..b`.
    pub(crate) fn real_chars(&self, a: usize, b: usize) -> usize {
        (a..b)
            .filter(|&i| !self.sup[i] && matches!(self.class[i], Class::Han | Class::Latin))
            .count()
    }

    /// Characters of `a..b` a reader sees, punctuation included: not
    /// spaces, not the superscript source mark.
    pub(crate) fn shown_chars(&self, a: usize, b: usize) -> usize {
        (a..b)
            .filter(|&i| !self.sup[i] && self.class[i] != Class::Space)
            .count()
    }

    /// The first character at or after `a` that is not a space.
    /// Where the text of the line `a..b` ends: before its trailing spaces.
    pub(crate) fn trimmed_end(&self, a: usize, b: usize) -> usize {
        let mut end = b;
        while end > a && self.class[end - 1] == Class::Space {
            end -= 1;
        }
        end
    }

    pub(crate) fn skip_spaces(&self, mut a: usize) -> usize {
        while a < self.chars.len() && self.class[a] == Class::Space {
            a += 1;
        }
        a
    }
}
