//! A plotters [`DrawingBackend`] that records page items instead of pixels.
//!
//! Every primitive plotters asks for (lines, rectangles, paths, polygons,
//! circles, text) becomes one [`Item`] in page coordinates, so a chart ends
//! up as PDF vector operations and its labels as real text in the briefing's
//! embedded fonts. Nothing is ever rasterised: the pixel-level entry points
//! (`draw_pixel`, `blit_bitmap`) refuse to work, so a plotters code path that
//! would fall back to per-pixel drawing fails loudly instead of bloating the
//! PDF with thousands of tiny squares.
//!
//! plotters' coordinates are integers; one backend unit is 1/[`UNIT`] pt so
//! that rounding stays far below what print or screen can show.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use plotters::prelude::{DrawingBackend, IntoDrawingArea};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontFamily,
    FontStyle, FontTransform,
};

use crate::error::Error;
use crate::frame::{Artifact, Item, Path, Rgb, Stroke, Tag};
use crate::text::single_line;
use crate::{frame::FontKind, text::fonts::FontSet};

/// Backend units per point.
pub(crate) const UNIT: f32 = 20.0;

/// plotters sizes fonts as 1.24 × the em (its font code divides by 1.24
/// to get pixels per em); we keep that convention so plotters' own layout
/// arithmetic and ours agree.
pub(crate) const PLOTTERS_FONT_SCALE: f64 = 1.24;

// Chart anchors refer to the same em box as the rest of the layout (and
// `pdfcheck.py`), so "inside the box" means the same thing everywhere.
use crate::style::{EM_ASCENT, EM_DESCENT};

/// The error plotters sees when recording fails.
#[derive(Debug, Clone)]
pub(crate) struct BackendError(pub String);

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BackendError {}

/// What the backend has drawn so far, plus the pen state plotters has no
/// notion of (dashes). Shared between the backend, which plotters owns, and
/// the chart code, which reads the items back and sets the dash pattern.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// Items in painting order, in page coordinates.
    pub(crate) items: Vec<Item>,
    /// Dash pattern (on, off, … in points) applied to strokes drawn from
    /// now on; empty for solid lines. plotters' `ShapeStyle` cannot carry a
    /// dash, and its `DashedPathElement` cuts a line into one path per dash,
    /// which costs bytes and prints unevenly; a PDF dash is one operator.
    pub(crate) dash: Vec<f32>,
    /// The first error of our own (e.g. a character missing from the font),
    /// kept whole so its message and help reach the user, not just the
    /// string plotters wraps it in.
    pub(crate) error: Option<Error>,
    /// The input texts handed to plotters as strings, by their string:
    /// plotters carries only `&str` to the backend, which sets each with
    /// the origins of the text it came from.
    pub(crate) texts: std::collections::HashMap<String, crate::origin::Text>,
    /// Lines and fills drawn now are decoration, not content (grid,
    /// rules, bands): a reader skips them.
    pub(crate) decoration: bool,
}

/// A plotters backend drawing into page items.
pub(crate) struct PdfBackend<'f> {
    fonts: &'f FontSet,
    /// Page position of the backend's (0, 0), in points.
    origin: (f32, f32),
    /// Size in backend units.
    size: (u32, u32),
    rec: Rc<RefCell<Recorder>>,
}

impl<'f> PdfBackend<'f> {
    /// A backend covering the page box (x, y, w, h) in points, and the
    /// handle through which its items are read back.
    pub(crate) fn new(
        fonts: &'f FontSet,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    ) -> (PdfBackend<'f>, Rc<RefCell<Recorder>>) {
        let rec = Rc::new(RefCell::new(Recorder::default()));
        let size = (
            (w * UNIT).round().max(1.0) as u32,
            (h * UNIT).round().max(1.0) as u32,
        );
        (
            PdfBackend {
                fonts,
                origin: (x, y),
                size,
                rec: rec.clone(),
            },
            rec,
        )
    }

    /// Convenience: the backend as a plotters drawing area plus its recorder.
    pub(crate) fn area(
        fonts: &'f FontSet,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    ) -> (
        plotters::drawing::DrawingArea<PdfBackend<'f>, plotters::coord::Shift>,
        Rc<RefCell<Recorder>>,
    ) {
        let (b, rec) = PdfBackend::new(fonts, x, y, w, h);
        (b.into_drawing_area(), rec)
    }

    fn page(&self, (x, y): BackendCoord) -> (f32, f32) {
        (
            self.origin.0 + x as f32 / UNIT,
            self.origin.1 + y as f32 / UNIT,
        )
    }

    /// Records an item: lines and fills drawn while the canvas draws
    /// decoration (grid, axis rules, bands) are artifacts; everything else
    /// belongs to the figure, which claims it.
    fn push(&self, mut item: Item) {
        let mut rec = self.rec.borrow_mut();
        if rec.decoration && !matches!(item, Item::Text(_)) {
            item.set_tag(Tag::Artifact(Artifact::Decoration));
        }
        rec.items.push(item);
    }

    fn stroke(&self, c: BackendColor, width: u32) -> Stroke {
        Stroke {
            color: rgb(c),
            width: width as f32 / UNIT,
            dash: self.rec.borrow().dash.clone(),
        }
    }

    /// Keeps our own error for the caller and hands plotters a copy of its text.
    fn fail(&self, e: Error) -> DrawingErrorKind<BackendError> {
        let msg = e.message().to_string();
        let mut rec = self.rec.borrow_mut();
        if rec.error.is_none() {
            rec.error = Some(e);
        }
        DrawingErrorKind::DrawingError(BackendError(msg))
    }
}

fn rgb(c: BackendColor) -> Rgb {
    Rgb::from_u8(c.rgb.0, c.rgb.1, c.rgb.2)
}

/// The briefing face a plotters font description stands for: charts are
/// set in the sans face (docs/typesetting.md §6 puts chart text with tables and
/// headings), bold for emphasis; a request for serif gets the body face.
pub(crate) fn font_kind(family: FontFamily<'_>, style: FontStyle) -> FontKind {
    match (family, style) {
        (FontFamily::Serif, _) => FontKind::Serif,
        (_, FontStyle::Bold) => FontKind::SansBold,
        _ => FontKind::Sans,
    }
}

/// The em in points of a plotters font size given in backend units.
pub(crate) fn em_of(size: f64) -> f32 {
    (size / PLOTTERS_FONT_SCALE) as f32 / UNIT
}

/// The plotters font size (backend units) of an em in points.
pub(crate) fn plotters_size(em_pt: f32) -> f64 {
    em_pt as f64 * UNIT as f64 * PLOTTERS_FONT_SCALE
}

/// Counter-clockwise angle in degrees of a plotters transform. plotters'
/// y axis points down, so its `Rotate270` (x, y) → (y, −x) turns the
/// baseline to point up the page: text read bottom to top, a y-axis title.
fn angle_of(t: &FontTransform) -> f32 {
    match t {
        FontTransform::None => 0.0,
        FontTransform::Rotate90 => -90.0,
        FontTransform::Rotate180 => 180.0,
        FontTransform::Rotate270 => 90.0,
    }
}

/// White-blended colour for translucent text: text runs carry no opacity,
/// and chart text always sits on the white page, so mixing with white
/// shows the same colour.
fn over_white(c: BackendColor) -> Rgb {
    let a = c.alpha.clamp(0.0, 1.0) as f32;
    let Rgb(r, g, b) = rgb(c);
    Rgb(r * a + 1.0 - a, g * a + 1.0 - a, b * a + 1.0 - a)
}

impl DrawingBackend for PdfBackend<'_> {
    type ErrorType = BackendError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<BackendError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<BackendError>> {
        Ok(())
    }

    /// Refused: a chart is vectors only. Every shape plotters draws for us
    /// has a vector override below, so reaching this is a bug to surface.
    fn draw_pixel(
        &mut self,
        _point: BackendCoord,
        _color: BackendColor,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        Err(DrawingErrorKind::DrawingError(BackendError(
            "pixel drawing is not supported: charts are vector-only".into(),
        )))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        self.push(Item::Path(Path {
            points: vec![self.page(from), self.page(to)],
            closed: false,
            fill: None,
            stroke: Some(self.stroke(c, style.stroke_width())),
            alpha: c.alpha as f32,
            tag: Tag::Unset,
        }));
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        let (x0, y0) = self.page(upper_left);
        let (x1, y1) = self.page(bottom_right);
        self.push(Item::Path(Path {
            points: vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
            closed: true,
            fill: fill.then(|| rgb(c)),
            stroke: (!fill).then(|| self.stroke(c, style.stroke_width())),
            alpha: c.alpha as f32,
            tag: Tag::Unset,
        }));
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        let mut points: Vec<(f32, f32)> = Vec::new();
        for p in path {
            let q = self.page(p);
            // Repeated vertices add bytes and nothing else.
            if points.last() != Some(&q) {
                points.push(q);
            }
        }
        if points.len() < 2 {
            return Ok(());
        }
        self.push(Item::Path(Path {
            points,
            closed: false,
            fill: None,
            stroke: Some(self.stroke(c, style.stroke_width())),
            alpha: c.alpha as f32,
            tag: Tag::Unset,
        }));
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        let (cx, cy) = self.page(center);
        self.push(Item::Circle {
            cx,
            cy,
            r: radius as f32 / UNIT,
            fill: fill.then(|| rgb(c)),
            stroke: (!fill).then(|| self.stroke(c, style.stroke_width())),
            alpha: c.alpha as f32,
            tag: Tag::Unset,
        });
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        let c = style.color();
        if c.alpha <= 0.0 {
            return Ok(());
        }
        let points: Vec<(f32, f32)> = vert.into_iter().map(|p| self.page(p)).collect();
        if points.len() < 3 {
            return Ok(());
        }
        self.push(Item::Path(Path {
            points,
            closed: true,
            fill: Some(rgb(c)),
            stroke: None,
            alpha: c.alpha as f32,
            tag: Tag::Unset,
        }));
        Ok(())
    }

    /// Sets the text as one glyph run shaped with the real font. The anchor
    /// is applied in the text's own frame (as plotters' default does) and
    /// then rotated, so a `Rotate270` title centred on a point stays centred
    /// on it. Vertical anchors refer to the em box: top 0.88 em above the
    /// baseline, bottom 0.12 em below.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        let c = style.color();
        if c.alpha <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let em = em_of(style.size());
        let kind = font_kind(style.family(), style.style());
        let known = self.rec.borrow().texts.get(text).cloned();
        let mut run = match &known {
            Some(t) => single_line(self.fonts, t, kind, em, over_white(c)),
            None => single_line(self.fonts, text, kind, em, over_white(c)),
        }
        .map_err(|e| self.fail(e))?;
        let w = run.width();
        let anchor = style.anchor();
        // Origin of the run in the text frame (x along the baseline, y down
        // across it), relative to the anchor point.
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -w / 2.0,
            HPos::Right => -w,
        };
        let dy = match anchor.v_pos {
            VPos::Top => EM_ASCENT * em,
            VPos::Center => (EM_ASCENT - 0.5) * em,
            VPos::Bottom => -EM_DESCENT * em,
        };
        let angle = angle_of(&style.transform());
        let (sin, cos) = angle.to_radians().sin_cos();
        // Baseline direction on the page is (cos, −sin) (y down); the text
        // frame's "down" is (sin, cos).
        let (px, py) = self.page(pos);
        run.x = px + dx * cos + dy * sin;
        run.y = py - dx * sin + dy * cos;
        run.angle = angle;
        self.push(Item::Text(run));
        Ok(())
    }

    /// Width from the font's real advances (plotters' fallback counts
    /// bytes, so each Chinese character would count three times); height is
    /// the em, the box the anchors refer to.
    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<BackendError>> {
        let em = em_of(style.size());
        let kind = font_kind(style.family(), style.style());
        let run = single_line(self.fonts, text, kind, em, Rgb(0.0, 0.0, 0.0))
            .map_err(|e| self.fail(e))?;
        Ok((
            (run.width() * UNIT).ceil() as u32,
            (em * UNIT).ceil() as u32,
        ))
    }

    /// Refused: charts never embed images.
    fn blit_bitmap(
        &mut self,
        _pos: BackendCoord,
        _size: (u32, u32),
        _src: &[u8],
    ) -> Result<(), DrawingErrorKind<BackendError>> {
        Err(DrawingErrorKind::DrawingError(BackendError(
            "bitmaps are not supported: charts are vector-only".into(),
        )))
    }
}

#[cfg(test)]
#[path = "backend_tests.rs"]
mod tests;
