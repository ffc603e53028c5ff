//! Text: fonts and metrics, character classes, break opportunities and the
//! paragraph pipeline that turns a string into set lines. Charts and layout
//! both set text through it; it knows nothing of pages.
//!
//! A paragraph goes through four stages, a file each:
//! [`collect`] (characters, reference mark, what binds them) →
//! [`glue`] (glyphs and the clreq spacing between them) →
//! [`linebreak`] (total-fit choice of breaks over [`breaks`]' opportunities) →
//! [`finalize`] (justified glyph runs).

pub(crate) mod breaks;
pub(crate) mod collect;
mod finalize;
pub mod fonts;
mod glue;
mod linebreak;
pub(crate) mod script;

use crate::error::Result;
use crate::frame::{FontKind, PlacedGlyph, Rgb, Tag, TextRun};
use crate::origin::{AsText, Text};
use fonts::FontSet;

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// Full justification, last line ragged.
    Justify,
    /// Flush left.
    Left,
    /// Centred.
    Center,
}

/// How to set a paragraph.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParaStyle {
    /// Face.
    pub(crate) font: FontKind,
    /// Size in points.
    pub(crate) size: f32,
    /// Colour.
    pub(crate) color: Rgb,
    /// Alignment.
    pub(crate) align: Align,
    /// First-line indent in ems (2 for body text).
    pub(crate) indent_em: f32,
}

/// A set line: the glyph run (origin at the line's left edge, baseline 0).
#[derive(Debug, Clone)]
pub(crate) struct SetLine {
    /// Glyphs.
    pub(crate) run: TextRun,
    /// A superscript reference mark on this line (glyph x from the line's
    /// origin, `y` the rise above the baseline, negative).
    pub(crate) sup: Option<TextRun>,
    /// The hyphen inserted where a word breaks at this line's end: a run of
    /// its own, since it is not part of the text.
    pub(crate) hyphen: Option<TextRun>,
    /// Where (a byte of the text) the next line starts when this line ends
    /// at a last-resort break: inside a run that cannot break and is wider
    /// than the measure.
    pub(crate) forced: Option<usize>,
    /// Width actually used.
    pub(crate) width: f32,
}

/// Rise of a superscript mark's baseline, in ems of the text.
const SUP_RISE: f32 = 0.36;

/// Sets `text` into lines of at most `width` points.
pub(crate) fn layout(
    fonts: &FontSet,
    text: &(impl AsText + ?Sized),
    style: &ParaStyle,
    width: f32,
) -> Result<Vec<SetLine>> {
    layout_marked(fonts, text, None, style, width)
}

/// Like [`layout`], with `mark` (e.g. `[1,3]`) set as a superscript after
/// the text; it is never separated from the text's last character.
pub(crate) fn layout_marked(
    fonts: &FontSet,
    text: &(impl AsText + ?Sized),
    mark: Option<&str>,
    style: &ParaStyle,
    width: f32,
) -> Result<Vec<SetLine>> {
    let text = text.as_text();
    let collected = collect::collect(&text, mark);
    let at = collected.at.clone();
    let s = glue::shape(fonts, &text, collected, style.font, style.size)?;
    if s.chars.is_empty() {
        return Ok(Vec::new());
    }
    let opp = breaks::opportunities(&s.chars, &s.bound, &s.open);
    let goal = linebreak::Goal {
        width,
        indent: style.indent_em * style.size,
        em: style.size,
        justify: style.align == Align::Justify,
    };
    let chosen = linebreak::breaks(&s, &opp, &goal);
    let hyphen: Vec<bool> = chosen
        .iter()
        .map(|&b| b < s.chars.len() && opp[b].hyphen)
        .collect();
    let mut lines = finalize::lines(&s, &chosen, &hyphen, style, &goal);
    for (line, &b) in lines.iter_mut().zip(&chosen) {
        if b < s.chars.len() && opp[b].penalty >= breaks::LAST_RESORT_PENALTY {
            line.forced = Some(at[b] as usize);
        }
    }
    Ok(lines)
}

/// A text shaped once, to be broken at several widths: chart labels are
/// balanced by trying widths one after another, and shaping was most of
/// each try.
pub(crate) struct Breakable {
    s: glue::Shaped,
    opp: Vec<breaks::Opportunity>,
    style: ParaStyle,
    text: Text,
    /// Byte offset in `text` of each shaped character, and the text's end.
    at: Vec<usize>,
}

/// Shapes `text` for [`Breakable::lines`].
pub(crate) fn breakable(
    fonts: &FontSet,
    text: &(impl AsText + ?Sized),
    style: &ParaStyle,
) -> Result<Breakable> {
    let text = text.as_text().into_owned();
    let c = collect::collect(&text, None);
    let mut at: Vec<usize> = c.at.iter().map(|&a| a as usize).collect();
    at.push(text.len());
    let s = glue::shape(fonts, &text, c, style.font, style.size)?;
    let opp = breaks::opportunities(&s.chars, &s.bound, &s.open);
    Ok(Breakable {
        s,
        opp,
        style: *style,
        text,
        at,
    })
}

impl Breakable {
    /// The text of each line [`layout`] sets at `width` (with its
    /// inserted hyphen, spaces at the ends trimmed), without placing the
    /// glyphs; each line keeps the origins of its characters.
    pub(crate) fn lines(&self, width: f32) -> Vec<Text> {
        let s = &self.s;
        if s.chars.is_empty() {
            return Vec::new();
        }
        let goal = linebreak::Goal {
            width,
            indent: self.style.indent_em * self.style.size,
            em: self.style.size,
            justify: self.style.align == Align::Justify,
        };
        let mut a = 0;
        let mut out = Vec::new();
        for b in linebreak::breaks(s, &self.opp, &goal) {
            let start = s.skip_spaces(a);
            let end = s.trimmed_end(start, b);
            let mut line = self.text.slice(self.at[start]..self.at[end]);
            if b < s.chars.len() && self.opp[b].hyphen && s.hyphen.is_some() {
                line.push_str("-");
            }
            out.push(line.trimmed());
            a = b;
        }
        out
    }
}

/// Natural width of `text` on one line (for table columns and labels).
pub(crate) fn natural_width(
    fonts: &FontSet,
    text: &(impl AsText + ?Sized),
    font: FontKind,
    size: f32,
) -> Result<f32> {
    let text = text.as_text();
    let s = glue::shape(fonts, &text, collect::collect(&text, None), font, size)?;
    if s.chars.is_empty() {
        return Ok(0.0);
    }
    Ok(s.measure(0, s.chars.len(), 0.0, size, false).natural)
}

/// Sets `text` on a single line, unbroken (labels, headers, chart text).
pub(crate) fn single_line(
    fonts: &FontSet,
    text: &(impl AsText + ?Sized),
    font: FontKind,
    size: f32,
    color: Rgb,
) -> Result<TextRun> {
    let text = text.as_text();
    let s = glue::shape(fonts, &text, collect::collect(&text, None), font, size)?;
    let mut glyphs = Vec::with_capacity(s.chars.len());
    let mut x = 0.0;
    for k in 0..s.chars.len() {
        glyphs.push(PlacedGlyph {
            gid: s.gids[k],
            ch: s.chars[k],
            x,
            advance: s.adv[k],
        });
        x += s.adv[k];
        if k + 1 < s.chars.len() {
            x += s.glue[k].natural;
        }
    }
    Ok(TextRun {
        font,
        size,
        x: 0.0,
        y: 0.0,
        angle: 0.0,
        color,
        glyphs,
        tail: 0.0,
        tag: Tag::Unset,
    })
}

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
