//! Stage 4 of a paragraph: the chosen lines, justified, as glyph runs.
//!
//! Each line uses tier 1 of its glue before tier 2 (see `glue.rs`); the
//! last line of a justified paragraph is set at its natural width unless it
//! is too long for that. A hyphenated line gets its hyphen glyph here.

use super::glue::{MAX_TIER2, Shaped};
use super::linebreak::Goal;
use super::{Align, ParaStyle, SUP_RISE, SetLine};
use crate::frame::{PlacedGlyph, Tag, TextRun};

/// How much of each tier of stretch (positive) or shrink (negative) a line
/// needing `need` more points uses.
fn tiers(need: f32, m: &super::glue::Measure) -> (f32, f32) {
    if need >= 0.0 {
        let t1 = if m.stretch1 > 0.0 {
            (need / m.stretch1).min(1.0)
        } else {
            0.0
        };
        let rest = need - t1 * m.stretch1;
        (
            t1,
            if m.stretch2 > 0.0 {
                (rest / m.stretch2).min(MAX_TIER2)
            } else {
                0.0
            },
        )
    } else {
        let over = -need;
        let t1 = if m.shrink1 > 0.0 {
            (over / m.shrink1).min(1.0)
        } else {
            0.0
        };
        let rest = over - t1 * m.shrink1;
        (
            -t1,
            if m.shrink2 > 0.0 {
                -(rest / m.shrink2).min(1.0)
            } else {
                0.0
            },
        )
    }
}

/// Sets the lines ending at `breaks` (`hyphen[k]`: line `k` ends with an
/// inserted hyphen).
pub(crate) fn lines(
    s: &Shaped,
    breaks: &[usize],
    hyphen: &[bool],
    style: &ParaStyle,
    goal: &Goal,
) -> Vec<SetLine> {
    let mut out = Vec::with_capacity(breaks.len());
    let mut a = 0;
    for (li, &b) in breaks.iter().enumerate() {
        let start = s.skip_spaces(a);
        let indent = if li == 0 { goal.indent } else { 0.0 };
        let (glyphs, used, end) = place(s, start, b, indent, hyphen[li], style, goal);
        out.push(split(s, glyphs, start, end, used, style, goal.width));
        a = b;
    }
    out
}

/// The glyphs of the line from `start` to the break `b`, justified (all
/// but a last line that fits) by the tiers of its glue; how wide they
/// are, a line-end mark trimmed; and one past the last glyph set.
#[allow(clippy::too_many_arguments)]
fn place(
    s: &Shaped,
    start: usize,
    b: usize,
    indent: f32,
    hyphen: bool,
    style: &ParaStyle,
    goal: &Goal,
) -> (Vec<PlacedGlyph>, f32, usize) {
    let (em, width) = (goal.em, goal.width);
    let m = s.measure(start, b, indent, em, hyphen);
    let last = b == s.chars.len();
    // A justified line fills the measure (a last line only when it is too
    // long for its natural width); any line the breaker fitted by
    // compressing its punctuation is compressed, whatever its alignment.
    let justify = style.align == Align::Justify && !(last && m.natural <= width);
    let (t1, t2) = if justify || m.natural > width {
        tiers(width - m.natural, &m)
    } else {
        (0.0, 0.0)
    };
    let mut glyphs = Vec::with_capacity(m.end - start + 1);
    let mut x = indent - s.lead_trim(start, indent, em);
    for k in start..m.end {
        glyphs.push(PlacedGlyph {
            gid: s.gids[k],
            ch: s.chars[k],
            x,
            advance: s.adv[k],
        });
        x += s.adv[k];
        if k + 1 < m.end {
            let g = &s.glue[k];
            x += g.natural;
            x += if t1 >= 0.0 {
                t1 * g.stretch1
            } else {
                t1 * g.shrink1
            };
            x += if t2 >= 0.0 {
                t2 * g.stretch2
            } else {
                t2 * g.shrink2
            };
        }
    }
    if hyphen && let Some((gid, adv)) = s.hyphen {
        glyphs.push(PlacedGlyph {
            gid,
            ch: '-',
            x,
            advance: adv,
        });
        x += adv;
    }
    let mut used = x;
    if s.ends_with_trimmed_mark(start, m.end) {
        used -= 0.5 * em;
    }
    (glyphs, used, m.end)
}

/// The line's glyphs as runs: centred when the style says so, the
/// superscript mark in a run of its own (smaller, raised), and so an
/// inserted hyphen, which is not part of the text.
fn split(
    s: &Shaped,
    mut glyphs: Vec<PlacedGlyph>,
    start: usize,
    end: usize,
    used: f32,
    style: &ParaStyle,
    width: f32,
) -> SetLine {
    let shift = match style.align {
        Align::Center => ((width - used) / 2.0).max(0.0),
        _ => 0.0,
    };
    if shift > 0.0 {
        for g in &mut glyphs {
            g.x += shift;
        }
    }
    let mut sup_glyphs = Vec::new();
    let mut hyphen_glyph = Vec::new();
    let mut main = Vec::with_capacity(glyphs.len());
    for (k, g) in glyphs.into_iter().enumerate() {
        if start + k >= end {
            hyphen_glyph.push(g)
        } else if s.sup[start + k] {
            sup_glyphs.push(g)
        } else {
            main.push(g)
        }
    }
    let run = |glyphs: Vec<PlacedGlyph>, size: f32, y: f32| TextRun {
        font: style.font,
        size,
        x: 0.0,
        y,
        angle: 0.0,
        color: style.color,
        glyphs,
        tail: 0.0,
        tag: Tag::Unset,
    };
    let sup_size = style.size * super::glue::SUP_SCALE;
    SetLine {
        sup: (!sup_glyphs.is_empty()).then(|| run(sup_glyphs, sup_size, -SUP_RISE * style.size)),
        hyphen: (!hyphen_glyph.is_empty()).then(|| run(hyphen_glyph, style.size, 0.0)),
        run: run(main, style.size, 0.0),
        width: used + shift,
        forced: None,
    }
}
