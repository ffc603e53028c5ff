//! A point-based drawing surface over the plotters area: what the chart
//! kinds draw by hand (labels, bars, legends, the timeline) goes through
//! plotters elements too, so every mark reaches the page by one road, the
//! backend. Coordinates here are points from the chart box's top-left.

use std::cell::RefCell;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::element::{Circle, PathElement, Rectangle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBAColor, ShapeStyle, TextStyle};
use plotters_backend::BackendColor;

use super::backend::{BackendError, PdfBackend, Recorder, UNIT, plotters_size};
use crate::error::{Error, Kind, Result};
use crate::frame::{Item, Rgb};
use crate::origin::{AsText, Text as Label};
#[cfg(test)]
use crate::text::layout;
use crate::text::{Align, ParaStyle, breakable, single_line};
use crate::{frame::FontKind, text::fonts::FontSet};

/// A point length in backend units.
pub(crate) fn u(v: f32) -> i32 {
    (v * UNIT).round() as i32
}

/// A colour for plotters.
pub(crate) fn rgba(c: Rgb, alpha: f64) -> RGBAColor {
    let b = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    RGBAColor(b(c.0), b(c.1), b(c.2), alpha)
}

/// A filled style.
pub(crate) fn fill(c: Rgb) -> ShapeStyle {
    ShapeStyle {
        color: rgba(c, 1.0),
        filled: true,
        stroke_width: 0,
    }
}

/// Whether two label boxes (left, top, right, bottom) touch, with a point
/// of air between them side by side.
pub(crate) fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 < b.2 + 1.0 && b.0 < a.2 + 1.0 && a.1 < b.3 && b.1 < a.3
}

/// A label colour readable on white for a light series colour.
pub(crate) fn darker(c: Rgb) -> Rgb {
    Rgb(c.0 * 0.62, c.1 * 0.62, c.2 * 0.62)
}

/// A stroke style of `width` points.
pub(crate) fn stroke(c: Rgb, width: f32) -> ShapeStyle {
    ShapeStyle {
        color: rgba(c, 1.0),
        filled: false,
        stroke_width: u(width).max(1) as u32,
    }
}

/// A text style for plotters: `size` in points, sans or bold sans.
pub(crate) fn text_style(
    size: f32,
    bold: bool,
    color: Rgb,
    h: HPos,
    v: VPos,
) -> TextStyle<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    TextStyle {
        font: FontDesc::new(FontFamily::SansSerif, plotters_size(size), style),
        color: BackendColor {
            alpha: 1.0,
            rgb: (to8(color.0), to8(color.1), to8(color.2)),
        },
        pos: Pos::new(h, v),
    }
}

fn to8(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Size, weight and colour of a piece of chart text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Font {
    /// Size in points.
    pub(crate) size: f32,
    /// Bold sans rather than regular.
    pub(crate) bold: bool,
    /// Colour.
    pub(crate) color: Rgb,
}

impl Font {
    /// A font of `size` points.
    pub(crate) const fn new(size: f32, bold: bool, color: Rgb) -> Font {
        Font { size, bold, color }
    }
}

/// Anchor: horizontally left, vertically at the em box's top.
pub(crate) const LT: (HPos, VPos) = (HPos::Left, VPos::Top);
/// Anchor: centre, top.
pub(crate) const CT: (HPos, VPos) = (HPos::Center, VPos::Top);
/// Anchor: left, middle.
pub(crate) const LC: (HPos, VPos) = (HPos::Left, VPos::Center);
/// Anchor: centre, middle.
pub(crate) const CC: (HPos, VPos) = (HPos::Center, VPos::Center);
/// Anchor: right, middle.
pub(crate) const RC: (HPos, VPos) = (HPos::Right, VPos::Center);
/// Anchor: centre, bottom.
pub(crate) const CB: (HPos, VPos) = (HPos::Center, VPos::Bottom);
/// Anchor: right, bottom.
pub(crate) const RB: (HPos, VPos) = (HPos::Right, VPos::Bottom);
/// Anchor: left, bottom.
pub(crate) const LB: (HPos, VPos) = (HPos::Left, VPos::Bottom);

/// Width of `text` set on one line in the chart face, in points: the
/// width of the very run the backend will draw (a paragraph's natural width
/// would trim a closing bracket at the end to half an em, which a label
/// does not get).
pub(crate) fn measure(
    fonts: &FontSet,
    text: &(impl AsText + ?Sized),
    size: f32,
    bold: bool,
) -> Result<f32> {
    Ok(single_line(
        fonts,
        text,
        if bold {
            FontKind::SansBold
        } else {
            FontKind::Sans
        },
        size,
        Rgb(0.0, 0.0, 0.0),
    )?
    .width())
}

/// Breaks `text` into lines of at most `width` points, by the same Chinese
/// line-breaking rules as the body text (no line starts with ，or ）,
/// product names stay whole), and balanced: the narrowest width that needs
/// no more lines is used, so a caption breaks into two even lines rather
/// than a full one and a stray character. A single word wider than `width`
/// stays on a line of its own, wider than asked: callers check the widths.
pub(crate) fn wrap(
    fonts: &FontSet,
    text: &(impl AsText + ?Sized),
    size: f32,
    bold: bool,
    width: f32,
) -> Result<Vec<Label>> {
    let text = text.as_text();
    let text: &Label = &text;
    if measure(fonts, text, size, bold)? <= width {
        return Ok(vec![text.clone()]);
    }
    // Shaped once; each width tried only breaks it.
    let shaped = breakable(fonts, text, &label_style(size, bold))?;
    let mut width = width;
    let mut first = shaped.lines(width);
    if splits_word(&first) {
        // A word wider than the line: widen to the narrowest width that
        // keeps every word whole (a label may overhang; a split word may not).
        let (mut lo, mut hi) = (width, measure(fonts, text, size, bold)?);
        while hi - lo > 0.5 {
            let mid = (lo + hi) / 2.0;
            if splits_word(&shaped.lines(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        width = hi;
        first = shaped.lines(width);
    }
    let (mut lo, mut hi) = (width / first.len() as f32 * 0.8, width);
    let mut best = first.clone();
    // Bisection to half a point: labels are short, each try is cheap.
    while hi - lo > 0.5 {
        let mid = (lo + hi) / 2.0;
        let lines = shaped.lines(mid);
        if lines.len() <= first.len() && !splits_word(&lines) {
            hi = mid;
            best = lines;
        } else {
            lo = mid;
        }
    }
    if best.len() == 2
        && let Some(split) = clause_split(fonts, text, size, bold, width)?
    {
        return Ok(split);
    }
    Ok(best)
}

/// Two lines broken after a clause mark (，；：) when that is not much
/// less even than the balanced break: an editor breaks a caption between
/// clauses, not inside a word like 管|制.
fn clause_split(
    fonts: &FontSet,
    text: &Label,
    size: f32,
    bold: bool,
    width: f32,
) -> Result<Option<Vec<Label>>> {
    let mut best: Option<(f32, Vec<Label>)> = None;
    for (i, c) in text.char_indices() {
        if !matches!(c, '，' | '；' | '：') {
            continue;
        }
        let cut = i + c.len_utf8();
        let (a, b) = (text.slice(0..cut), text.slice(cut..text.len()));
        if b.is_empty() {
            continue;
        }
        let (wa, wb) = (
            measure(fonts, &a, size, bold)?,
            measure(fonts, &b, size, bold)?,
        );
        if wa.max(wb) <= width
            && wa.min(wb) >= 0.5 * wa.max(wb)
            && best.as_ref().is_none_or(|(m, _)| wa.max(wb) < *m)
        {
            best = Some((wa.max(wb), vec![a, b]));
        }
    }
    Ok(best.map(|b| b.1))
}

/// Whether a break falls inside a Latin word or number (`DeepEdge1|0`):
/// the paragraph breaker does that only as a last resort when the width is
/// narrower than the word, which for a label means "too narrow".
pub(crate) fn splits_word(lines: &[Label]) -> bool {
    lines.windows(2).any(|w| {
        let a = w[0].chars().last();
        let b = w[1].chars().next();
        a.zip(b)
            .is_some_and(|(a, b)| a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
    })
}

/// How chart labels are set: the chart face, ragged.
fn label_style(size: f32, bold: bool) -> ParaStyle {
    ParaStyle {
        font: if bold {
            FontKind::SansBold
        } else {
            FontKind::Sans
        },
        size,
        color: Rgb(0.0, 0.0, 0.0),
        align: Align::Left,
        indent_em: 0.0,
    }
}

/// The lines of `text` set at `width` by the paragraph setter: what
/// [`text::Breakable::lines`] must give (tested).
#[cfg(test)]
fn wrap_at(fonts: &FontSet, text: &str, size: f32, bold: bool, width: f32) -> Result<Vec<String>> {
    let lines = layout(fonts, text, &label_style(size, bold), width)?;
    Ok(lines
        .iter()
        .map(|l| {
            l.run
                .glyphs
                .iter()
                .chain(l.hyphen.iter().flat_map(|h| &h.glyphs))
                .map(|g| g.ch)
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect())
}

/// The drawing surface of one chart.
pub(crate) struct Canvas<'f> {
    /// Fonts, for measuring.
    pub(crate) fonts: &'f FontSet,
    /// The plotters area covering the chart box.
    pub(crate) area: DrawingArea<PdfBackend<'f>, Shift>,
    rec: Rc<RefCell<Recorder>>,
    /// Box width in points.
    pub(crate) w: f32,
    /// Box height in points.
    pub(crate) h: f32,
}

impl<'f> Canvas<'f> {
    /// A canvas for the page box (x, y, w, h).
    pub(crate) fn new(fonts: &'f FontSet, x: f32, y: f32, w: f32, h: f32) -> Canvas<'f> {
        let (area, rec) = PdfBackend::area(fonts, x, y, w, h);
        Canvas {
            fonts,
            area,
            rec,
            w,
            h,
        }
    }

    /// Turns a plotters failure into our error, preferring the backend's
    /// own (which names the missing character and how to fix it).
    pub(crate) fn err(&self, e: DrawingAreaErrorKind<BackendError>) -> Error {
        self.rec
            .borrow_mut()
            .error
            .take()
            .unwrap_or_else(|| Error::new(Kind::Software, format!("chart drawing failed: {e}")))
    }

    /// Width of `text` set on one line, in points.
    pub(crate) fn measure(
        &self,
        text: &(impl AsText + ?Sized),
        size: f32,
        bold: bool,
    ) -> Result<f32> {
        measure(self.fonts, text, size, bold)
    }

    /// Sets one line of text in `font`, its `anchor` point at (x, y).
    pub(crate) fn text(
        &self,
        s: &(impl AsText + ?Sized),
        x: f32,
        y: f32,
        font: Font,
        anchor: (HPos, VPos),
    ) -> Result<()> {
        let s = s.as_text();
        if s.first_origin().is_some() {
            self.rec
                .borrow_mut()
                .texts
                .insert(s.to_string(), s.clone().into_owned());
        }
        let st = text_style(font.size, font.bold, font.color, anchor.0, anchor.1);
        self.area
            .draw(&Text::new(s.to_string(), (u(x), u(y)), st))
            .map_err(|e| self.err(e))
    }

    /// A filled rectangle between two corners; `alpha` below 1 lets the
    /// grid show through (range bands).
    pub(crate) fn rect(
        &self,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        c: Rgb,
        alpha: f64,
    ) -> Result<()> {
        let st = ShapeStyle {
            color: rgba(c, alpha),
            filled: true,
            stroke_width: 0,
        };
        self.area
            .draw(&Rectangle::new(
                [
                    (u(x0.min(x1)), u(y0.min(y1))),
                    (u(x0.max(x1)), u(y0.max(y1))),
                ],
                st,
            ))
            .map_err(|e| self.err(e))
    }

    /// A polyline, solid or dashed (on, off, … in points).
    pub(crate) fn line(&self, pts: &[(f32, f32)], width: f32, c: Rgb, dash: &[f32]) -> Result<()> {
        self.rec.borrow_mut().dash = dash.to_vec();
        let r = self.area.draw(&PathElement::new(
            pts.iter().map(|&(x, y)| (u(x), u(y))).collect::<Vec<_>>(),
            stroke(c, width),
        ));
        self.rec.borrow_mut().dash.clear();
        r.map_err(|e| self.err(e))
    }

    /// A dot: filled, with an optional ring (e.g. white, to lift it off a line).
    pub(crate) fn dot(
        &self,
        x: f32,
        y: f32,
        r: f32,
        c: Rgb,
        ring: Option<(Rgb, f32)>,
    ) -> Result<()> {
        if let Some((rc, rw)) = ring {
            self.area
                .draw(&Circle::new((u(x), u(y)), u(r + rw) as u32, fill(rc)))
                .map_err(|e| self.err(e))?;
        }
        self.area
            .draw(&Circle::new((u(x), u(y)), u(r) as u32, fill(c)))
            .map_err(|e| self.err(e))
    }

    /// Draws with `draw` as decoration (grid, rules, bands): not content,
    /// so a reader of the tagged document skips it.
    pub(crate) fn decorate<T>(&self, draw: impl FnOnce() -> Result<T>) -> Result<T> {
        self.rec.borrow_mut().decoration = true;
        let r = draw();
        self.rec.borrow_mut().decoration = false;
        r
    }

    /// A rule: a line drawn as decoration.
    pub(crate) fn rule(&self, pts: &[(f32, f32)], width: f32, c: Rgb) -> Result<()> {
        self.decorate(|| self.line(pts, width, c, &[]))
    }

    /// Sets a dash pattern for what plotters draws next (series), or clears it.
    pub(crate) fn set_dash(&self, dash: &[f32]) {
        self.rec.borrow_mut().dash = dash.to_vec();
    }

    /// The items drawn, in page coordinates.
    pub(crate) fn finish(self) -> Result<Vec<Item>> {
        let Canvas { area, rec, .. } = self;
        drop(area);
        let mut r = rec.borrow_mut();
        if let Some(e) = r.error.take() {
            return Err(e);
        }
        Ok(std::mem::take(&mut r.items))
    }
}

/// Draws the value axis of a vertical chart — tick labels, the light
/// horizontal grid, no frame — and its title: one style for every chart.
pub(crate) fn value_axis(
    c: &Canvas<'_>,
    ch: &mut plotters::chart::ChartContext<
        '_,
        PdfBackend<'_>,
        plotters::coord::cartesian::Cartesian2d<
            plotters::coord::types::RangedCoordf64,
            plotters::coord::types::RangedCoordf64,
        >,
    >,
    ticks: usize,
    fmt: &dyn Fn(&f64) -> String,
    title: Option<&str>,
    tick_gap: f32,
) -> crate::error::Result<()> {
    use super::{AXIS, GRID, SOFT, TICK, TITLE};
    let mut mesh = ch.configure_mesh();
    mesh.disable_x_mesh()
        .disable_x_axis()
        .y_labels(ticks)
        .y_label_formatter(fmt)
        .y_label_style(text_style(TICK, false, SOFT, HPos::Right, VPos::Center))
        .bold_line_style(stroke(GRID, 0.5))
        .light_line_style(rgba(GRID, 0.0))
        .axis_style(rgba(AXIS, 0.0))
        .set_tick_mark_size(plotters::chart::LabelAreaPosition::Left, u(tick_gap));
    if let Some(title) = title {
        mesh.y_desc(title)
            .axis_desc_style(text_style(TITLE, false, SOFT, HPos::Center, VPos::Top));
    }
    c.decorate(|| mesh.draw().map_err(|e| c.err(e)))
}

#[cfg(test)]
mod wrap_tests {
    use super::*;
    use crate::text::fonts::test_fonts;

    /// Breaking a label shaped once gives, at every width, the lines the
    /// paragraph setter gives: Han with closing marks, Latin words and
    /// figures, a long product name (hyphenated when nothing else fits),
    /// spaces, a URL.
    #[test]
    fn breaking_once_shaped_text_matches_the_paragraph_setter() {
        let fonts = test_fonts();
        let labels = [
            "英伟达对华特供芯片性能相当于H100的比例（%）",
            "2022年9月（司库财经）：美国以功率与互联速率门槛限制A100、H100等对华出口",
            "DeepEdge10 与 Supercalifragilisticexpialidocious 芯片",
            "中国 AI 芯片市场份额，2023 年",
            "见https://example.org/a/b/c-report-2024-final.pdf",
            "算力",
        ];
        for text in labels {
            for bold in [false, true] {
                let shaped = breakable(&fonts, text, &label_style(9.0, bold)).unwrap();
                for w in (4..60).map(|k| k as f32 * 4.5) {
                    assert_eq!(
                        shaped.lines(w),
                        wrap_at(&fonts, text, 9.0, bold, w).unwrap(),
                        "{text} at {w} pt"
                    );
                }
            }
        }
    }
}
