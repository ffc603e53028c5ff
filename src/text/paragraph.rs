//! Paragraph layout: shaping to glyphs, the clreq spacing model, optimal
//! line breaking and justification.
//!
//! Each gap between two glyphs is a piece of glue with a natural width and
//! two tiers of stretch and shrink, in the clreq priority order (TYPOGRAPHY.md
//! §3): tier 1 is word spaces and the Han–Latin quarter em; tier 2 is
//! inter-character expansion (stretch) and punctuation compression (shrink).
//! Tier 2 is only touched once tier 1 is used up, and costs more.
//!
//! Lines are chosen by a Knuth–Plass-style total fit over the break
//! opportunities of `breaks.rs`: each line's cost grows with the cube of how
//! far its glue is stretched, plus a charge when neighbouring lines differ
//! much in tightness. Compared with first fit, this spreads slack over the
//! paragraph so no single line gapes; it also "squeezes before it pushes"
//! (clreq): a comma that may not start a line is either fitted by
//! compressing punctuation or the previous character moves down, whichever
//! costs less.

use super::breaks::opportunities;
use super::script::{Class, class, is_compressible};
use crate::error::{Error, Kind, Result};
use crate::frame::FontKind;
use crate::frame::{PlacedGlyph, Rgb, TextRun};
use crate::text::fonts::FontSet;

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Full justification, last line ragged.
    Justify,
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// How to set a paragraph.
#[derive(Debug, Clone, Copy)]
pub struct ParaStyle {
    /// Face.
    pub font: FontKind,
    /// Size in points.
    pub size: f32,
    /// Colour.
    pub color: Rgb,
    /// Alignment.
    pub align: Align,
    /// First-line indent in ems (2 for body text).
    pub indent_em: f32,
}

/// A set line: the glyph run (origin at the line's left edge, baseline 0).
#[derive(Debug, Clone)]
pub struct SetLine {
    /// Glyphs.
    pub run: TextRun,
    /// A superscript reference mark on this line (glyph x from the line's
    /// origin, `y` the rise above the baseline, negative).
    pub sup: Option<TextRun>,
    /// Width actually used.
    pub width: f32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Glue {
    natural: f32,
    stretch1: f32,
    stretch2: f32,
    shrink1: f32,
    shrink2: f32,
}

struct Shaped {
    /// Glyphs of the superscript reference mark.
    sup: Vec<bool>,
    chars: Vec<char>,
    gids: Vec<u16>,
    adv: Vec<f32>,
    glue: Vec<Glue>,
    full: Vec<bool>,
    /// No break before this character (it follows an ideographic space).
    bound: Vec<bool>,
    /// `adv_prefix[i]` = sum of `adv[..i]`.
    adv_prefix: Vec<f32>,
    /// `prefix[i]` = sum of `glue[..i]`.
    prefix: Vec<Glue>,
}

/// Where a character came from, for the missing-glyph error.
fn context(chars: &[char], i: usize) -> String {
    let a = i.saturating_sub(8);
    let b = (i + 8).min(chars.len());
    chars[a..b].iter().collect()
}

/// Size of a superscript reference mark relative to the text.
const SUP_SCALE: f32 = 0.6;
/// Rise of a superscript mark's baseline, in ems of the text.
const SUP_RISE: f32 = 0.36;

fn shape(fonts: &FontSet, text: &str, style: &ParaStyle) -> Result<Shaped> {
    shape_marked(fonts, text, None, style)
}

fn shape_marked(
    fonts: &FontSet,
    text: &str,
    mark: Option<&str>,
    style: &ParaStyle,
) -> Result<Shaped> {
    let font = fonts.get(style.font);
    let em = style.size;
    // An ideographic space (U+3000) sets one em of space but no glyph, so
    // `表1　全国算力` shows the customary gap yet copies out as `表1全国算力`
    // (see pdf/mod.rs on width variants); it also binds its neighbours.
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    let mut em_before: Vec<f32> = Vec::with_capacity(text.len());
    let mut pending = 0.0;
    for c in text.chars() {
        match c {
            '\u{3000}' => pending += 1.0,
            '\n' | '\t' => {
                chars.push(' ');
                em_before.push(std::mem::take(&mut pending));
            }
            c => {
                chars.push(c);
                em_before.push(std::mem::take(&mut pending));
            }
        }
    }
    // The mark follows the text; after a full-width stop it moves into the
    // stop's blank half (see the glue below), so it sits right by the ink.
    // (Placing it before the stop would put it inside another glyph's
    // extraction box: see pdf/mod.rs on width variants.)
    let at = chars.len();
    let mark: Vec<char> = mark.unwrap_or("").chars().collect();
    let n_mark = mark.len();
    for (k, c) in mark.into_iter().enumerate() {
        chars.insert(at + k, c);
        em_before.insert(at + k, 0.0);
    }
    let sup: Vec<bool> = (0..chars.len())
        .map(|i| i >= at && i < at + n_mark)
        .collect();
    let mut gids = Vec::with_capacity(chars.len());
    let mut adv = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let Some(g) = font.glyph(if c == '\u{a0}' { ' ' } else { c }) else {
            return Err(Error::new(
                Kind::Data,
                format!(
                    "character `{c}` (U+{:04X}) is not in font {} — it occurs in “{}”",
                    c as u32,
                    font.ps_name,
                    context(&chars, i)
                ),
            )
            .with_help("rewrite the text without it, or configure a font that has it in [fonts]"));
        };
        gids.push(g);
        adv.push(font.advance(g) * em * if sup[i] { SUP_SCALE } else { 1.0 });
    }
    let full: Vec<bool> = chars
        .iter()
        .zip(&adv)
        .zip(&sup)
        .map(|((&c, &a), &u)| !u && is_compressible(c) && a >= 0.9 * em)
        .collect();
    let mut glue = Vec::with_capacity(chars.len().saturating_sub(1));
    for i in 1..chars.len() {
        let (a, b) = (chars[i - 1], chars[i]);
        let (ca, cb) = (class(a), class(b));
        let mut g = Glue::default();
        // `%` closes a figure: `50%以上` takes the same quarter em as `50以上`.
        let alnum = |c: char| c.is_ascii_alphanumeric() || c == '%';
        let han_like = |c: Class| matches!(c, Class::Han);
        if ca == Class::Space {
            // Word space: up to ½ em in all (TYPOGRAPHY.md §3).
            g.stretch1 = (0.5 * em - adv[i - 1]).max(0.0);
            g.shrink1 = (adv[i - 1] - 0.25 * em).max(0.0);
        } else if (han_like(ca) && alnum(b)) || (alnum(a) && han_like(cb)) {
            // Han–Latin: ¼ em, flexible ⅛–⅓ em (TYPOGRAPHY.md §2).
            g.natural = 0.25 * em;
            g.stretch1 = em / 3.0 - 0.25 * em;
            g.shrink1 = 0.125 * em;
        } else if full[i - 1]
            && full[i]
            && (matches!(ca, Class::Close | Class::PauseStop)
                || (ca == Class::Open && cb == Class::Open))
        {
            // Adjacent punctuation takes 1.5 em: the blank half between
            // them goes (TYPOGRAPHY.md §2).
            g.natural = -0.5 * em;
        } else if ca == Class::Dash && cb == Class::Dash {
            // Never expand inside —— or …….
        } else if ca == Class::Latin && cb == Class::Latin {
            // Inside a Latin word: set solid.
        } else if cb != Class::Space {
            // Everything else may take inter-character expansion.
            g.stretch2 = 0.15 * em;
            if full[i - 1] && matches!(ca, Class::Close | Class::PauseStop) {
                g.shrink2 += 0.5 * em;
            }
            if full[i] && cb == Class::Open {
                g.shrink2 += 0.5 * em;
            }
        }
        if sup[i] || sup[i - 1] {
            // A reference mark hugs what it marks and never stretches.
            g = Glue::default();
            if sup[i] && !sup[i - 1] && full[i - 1] && matches!(ca, Class::Close | Class::PauseStop)
            {
                g.natural = -0.45 * em;
            }
        }
        if em_before[i] > 0.0 {
            g = Glue {
                natural: em_before[i] * em,
                ..Glue::default()
            };
        }
        glue.push(g);
    }
    let bound = em_before
        .iter()
        .zip(&sup)
        .map(|(&e, &u)| e > 0.0 || u)
        .collect();
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
    Ok(Shaped {
        sup,
        chars,
        gids,
        adv,
        glue,
        full,
        bound,
        adv_prefix,
        prefix,
    })
}

#[derive(Debug, Clone, Copy)]
struct Measure {
    natural: f32,
    stretch1: f32,
    stretch2: f32,
    shrink1: f32,
    shrink2: f32,
    end: usize,
}

impl Shaped {
    /// Line from `a` to `b` (exclusive), with trailing spaces dropped and a
    /// line-end full-width mark trimmed to ½ em (GB/T 15834).
    fn measure(&self, a: usize, b: usize, indent: f32, em: f32) -> Measure {
        let mut end = b;
        while end > a && class(self.chars[end - 1]) == Class::Space {
            end -= 1;
        }
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
        if end > a
            && self.full[end - 1]
            && matches!(class(self.chars[end - 1]), Class::Close | Class::PauseStop)
        {
            m.natural -= 0.5 * em;
        }
        m.natural -= self.lead_trim(a, em);
        m
    }

    /// An opening bracket or quote that starts a line (other than the
    /// paragraph's first) loses its blank left half, so its ink, not its
    /// em box, lines up with the margin (TYPOGRAPHY.md §2).
    fn lead_trim(&self, start: usize, em: f32) -> f32 {
        if start > 0
            && start < self.chars.len()
            && self.full[start]
            && class(self.chars[start]) == Class::Open
        {
            0.5 * em
        } else {
            0.0
        }
    }
}

/// Stretch ratio for `need` extra width: ≤ 0.5 within tier 1, beyond in tier 2.
fn ratio(m: &Measure, width: f32) -> Option<f32> {
    let need = width - m.natural;
    if need >= 0.0 {
        if need <= m.stretch1 + 1e-4 {
            Some(if m.stretch1 > 0.0 {
                0.5 * need / m.stretch1
            } else {
                0.0
            })
        } else if m.stretch2 > 0.0 {
            Some(0.5 + (need - m.stretch1) / m.stretch2)
        } else {
            Some(if need < 0.5 { 0.0 } else { 10.0 })
        }
    } else {
        let over = -need;
        if over <= m.shrink1 + 1e-4 {
            Some(-0.5 * over / m.shrink1.max(1e-6))
        } else if over <= m.shrink1 + m.shrink2 + 1e-4 {
            Some(-0.5 - 0.5 * (over - m.shrink1) / m.shrink2.max(1e-6))
        } else {
            None
        }
    }
}

fn fitness(r: f32) -> usize {
    if r < -0.5 {
        0
    } else if r <= 0.5 {
        1
    } else if r <= 1.0 {
        2
    } else {
        3
    }
}

/// Number of characters that are not punctuation or space.
fn real_chars(s: &Shaped, a: usize, b: usize) -> usize {
    s.chars[a..b]
        .iter()
        .filter(|&&c| matches!(class(c), Class::Han | Class::Latin))
        .count()
}

/// Chooses break positions by total fit; `None` when no feasible set exists.
fn total_fit(s: &Shaped, allowed: &[bool], width: f32, style: &ParaStyle) -> Option<Vec<usize>> {
    let n = s.chars.len();
    let em = style.size;
    let indent = style.indent_em * em;
    let justify = style.align == Align::Justify;
    // best[b][fit] = (demerits, previous break, previous fitness)
    const INF: f64 = f64::INFINITY;
    let mut best: Vec<[(f64, usize, usize); 4]> = vec![[(INF, 0, 0); 4]; n + 1];
    best[0] = [(0.0, 0, 1); 4];
    let mut active: Vec<usize> = vec![0];
    for b in 1..=n {
        if !allowed[b] {
            continue;
        }
        let last = b == n;
        let mut new_best = [(INF, 0usize, 0usize); 4];
        let mut keep = Vec::with_capacity(active.len());
        for &a in &active {
            let start = skip_spaces(s, a);
            let m = s.measure(start, b, if a == 0 { indent } else { 0.0 }, em);
            let r = ratio(&m, width);
            // Too long even fully shrunk: this start can never reach further.
            if r.is_none() {
                continue;
            }
            keep.push(a);
            let r = r.unwrap();
            let (badness, fit) = if last && r >= 0.0 {
                (0.0, 1)
            } else if !justify {
                // Ragged text: prefer lines that use the measure, so a label
                // never leaves one character alone on its first line.
                let slack = ((width - m.natural) / width).max(0.0) as f64;
                (
                    if r >= 0.0 {
                        100.0 * (slack * 4.0).powi(2)
                    } else {
                        100.0 * (r.abs() as f64).powi(3)
                    },
                    1,
                )
            } else {
                (
                    100.0 * (r.abs() as f64).powi(3) * if r < -0.5 { 4.0 } else { 1.0 },
                    fitness(r),
                )
            };
            let mut penalty = 0.0;
            if last && real_chars(s, start, b) < 2 && b > 0 && start > 0 {
                // The last line holds at least two characters (TYPOGRAPHY.md §4).
                penalty += 1e6;
            }
            for (pf, &(d0, _, _)) in best[a].iter().enumerate() {
                if d0 == INF {
                    continue;
                }
                let mut d = d0 + (10.0 + badness).powi(2) + penalty;
                if justify && !last && a > 0 && fit.abs_diff(pf) > 1 {
                    d += 3000.0;
                }
                if d < new_best[fit].0 {
                    new_best[fit] = (d, a, pf);
                }
            }
        }
        active = keep;
        if new_best.iter().any(|x| x.0 < INF) {
            best[b] = new_best;
            active.push(b);
        }
    }
    let (mut fit, _) = best[n]
        .iter()
        .enumerate()
        .min_by(|x, y| x.1.0.total_cmp(&y.1.0))?;
    if best[n][fit].0 == INF {
        return None;
    }
    let mut breaks = vec![n];
    let mut b = n;
    while b > 0 {
        let (_, a, pf) = best[b][fit];
        if a > 0 {
            breaks.push(a);
        }
        b = a;
        fit = pf;
    }
    breaks.reverse();
    Some(breaks)
}

fn skip_spaces(s: &Shaped, mut a: usize) -> usize {
    while a < s.chars.len() && class(s.chars[a]) == Class::Space {
        a += 1;
    }
    a
}

/// First fit with emergency breaks anywhere: used only when no set of legal
/// breaks fits (an unbreakable run wider than the measure).
fn emergency(s: &Shaped, width: f32, style: &ParaStyle) -> Vec<usize> {
    let em = style.size;
    let mut breaks = Vec::new();
    let mut a = 0;
    let n = s.chars.len();
    while a < n {
        let start = skip_spaces(s, a);
        let mut b = start + 1;
        while b < n
            && s.measure(
                start,
                b + 1,
                if a == 0 { style.indent_em * em } else { 0.0 },
                em,
            )
            .natural
                <= width
        {
            b += 1;
        }
        breaks.push(b.min(n));
        a = b;
    }
    breaks
}

/// Sets `text` into lines of at most `width` points.
pub fn layout(fonts: &FontSet, text: &str, style: &ParaStyle, width: f32) -> Result<Vec<SetLine>> {
    layout_marked(fonts, text, None, style, width)
}

/// Like [`layout`], with `mark` (e.g. `[1,3]`) set as a superscript after
/// the text; it is never separated from the text's last character.
pub fn layout_marked(
    fonts: &FontSet,
    text: &str,
    mark: Option<&str>,
    style: &ParaStyle,
    width: f32,
) -> Result<Vec<SetLine>> {
    let s = shape_marked(fonts, text, mark, style)?;
    let n = s.chars.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    let mut allowed = opportunities(&s.chars);
    for (i, &b) in s.bound.iter().enumerate() {
        if b {
            allowed[i] = false;
        }
    }
    let breaks =
        total_fit(&s, &allowed, width, style).unwrap_or_else(|| emergency(&s, width, style));
    let em = style.size;
    let mut lines = Vec::new();
    let mut a = 0;
    for (li, &b) in breaks.iter().enumerate() {
        let start = skip_spaces(&s, a);
        let indent = if li == 0 { style.indent_em * em } else { 0.0 };
        let m = s.measure(start, b, indent, em);
        let last = b == n;
        let justify = style.align == Align::Justify && !(last && m.natural <= width);
        let need = width - m.natural;
        // How much of each tier this line uses.
        let (t1, t2) = if !justify {
            (0.0, 0.0)
        } else if need >= 0.0 {
            let t1 = if m.stretch1 > 0.0 {
                (need / m.stretch1).min(1.0)
            } else {
                0.0
            };
            let rest = need - t1 * m.stretch1;
            (
                t1,
                if m.stretch2 > 0.0 {
                    rest / m.stretch2
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
        };
        let mut glyphs = Vec::with_capacity(m.end - start);
        let mut x = indent - s.lead_trim(start, em);
        for k in start..m.end {
            glyphs.push(PlacedGlyph {
                gid: s.gids[k],
                text: s.chars[k].to_string(),
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
        let mut used = x;
        if m.end > start
            && s.full[m.end - 1]
            && matches!(class(s.chars[m.end - 1]), Class::Close | Class::PauseStop)
        {
            used -= 0.5 * em;
        }
        let shift = match style.align {
            Align::Center => ((width - used) / 2.0).max(0.0),
            Align::Right => (width - used).max(0.0),
            _ => 0.0,
        };
        if shift > 0.0 {
            for g in &mut glyphs {
                g.x += shift;
            }
        }
        // Superscript glyphs go to a run of their own (smaller, raised).
        let mut sup_glyphs = Vec::new();
        let mut main = Vec::with_capacity(glyphs.len());
        for (g, k) in glyphs.into_iter().zip(start..m.end) {
            if s.sup[k] {
                sup_glyphs.push(g)
            } else {
                main.push(g)
            }
        }
        let sup = (!sup_glyphs.is_empty()).then(|| TextRun {
            font: style.font,
            size: style.size * SUP_SCALE,
            x: 0.0,
            y: -SUP_RISE * style.size,
            angle: 0.0,
            color: style.color,
            glyphs: sup_glyphs,
        });
        lines.push(SetLine {
            run: TextRun {
                font: style.font,
                size: style.size,
                x: 0.0,
                y: 0.0,
                angle: 0.0,
                color: style.color,
                glyphs: main,
            },
            sup,
            width: used + shift,
        });
        a = b;
    }
    Ok(lines)
}

/// Natural width of `text` on one line (for table columns and labels).
pub fn natural_width(fonts: &FontSet, text: &str, font: FontKind, size: f32) -> Result<f32> {
    let style = ParaStyle {
        font,
        size,
        color: Rgb(0.0, 0.0, 0.0),
        align: Align::Left,
        indent_em: 0.0,
    };
    let s = shape(fonts, text, &style)?;
    if s.chars.is_empty() {
        return Ok(0.0);
    }
    Ok(s.measure(0, s.chars.len(), 0.0, size).natural)
}

/// Sets `text` on a single line, unbroken (labels, headers, chart text).
pub fn single_line(
    fonts: &FontSet,
    text: &str,
    font: FontKind,
    size: f32,
    color: Rgb,
) -> Result<TextRun> {
    let style = ParaStyle {
        font,
        size,
        color,
        align: Align::Left,
        indent_em: 0.0,
    };
    let s = shape(fonts, text, &style)?;
    let mut glyphs = Vec::with_capacity(s.chars.len());
    let mut x = 0.0;
    for k in 0..s.chars.len() {
        glyphs.push(PlacedGlyph {
            gid: s.gids[k],
            text: s.chars[k].to_string(),
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::text::fonts::test_fonts as fonts;

    fn texts(lines: &[SetLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.run.glyphs.iter().map(|g| g.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn an_opening_bracket_at_a_line_start_hangs_its_blank_half() {
        let f = fonts();
        let style = ParaStyle {
            font: FontKind::Serif,
            size: 10.0,
            color: Rgb(0.0, 0.0, 0.0),
            align: Align::Justify,
            indent_em: 0.0,
        };
        // Ten ems wide: the bracket falls at the start of the second line.
        let lines = layout(&f, "一二三四五六七八九十（甲乙）丙丁戊", &style, 100.0).unwrap();
        let second = &lines[1].run.glyphs;
        assert_eq!(second[0].text, "（");
        assert!(
            (second[0].x + 5.0).abs() < 0.01,
            "starts half an em left of the margin: {}",
            second[0].x
        );
        assert_eq!(
            lines[0].run.glyphs[0].x, 0.0,
            "a paragraph's first line is not moved"
        );
    }

    #[test]
    fn long_title_with_closing_bracket_breaks_legally() {
        let f = fonts();
        let style = ParaStyle {
            font: FontKind::Serif,
            size: 9.0,
            color: Rgb(0.0, 0.0, 0.0),
            align: Align::Justify,
            indent_em: 0.0,
        };
        let s = "中国算力大会相关报道：《AI推高中国算力总量 产业从“计算”到“智算”还差几步？》，2023年8月19日。";
        let lines = layout(&f, s, &style, 40.0 * 9.0 - 25.0).unwrap();
        let t = texts(&lines);
        for l in &t {
            let c = l.chars().next().unwrap();
            assert!(!super::super::script::no_start(c), "{t:?}");
        }
        assert!(t[0].chars().count() > 20, "{t:?}");
    }
}
