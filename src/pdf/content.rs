//! One page to a content stream: text runs become pieces of equal spacing
//! (a glyph followed by a visible gap drawn as its copy with a wider
//! advance), paths and circles become path operations, and printpdf
//! writes the operations out.

use std::collections::BTreeMap;

use printpdf::{
    Color, DictItem, ExtendedGraphicsStateId, FontId, LineDashPattern, LinePoint, Mm, Op,
    PaintMode, PdfDocument, PdfFontHandle, PdfPage, Point, Polygon, PolygonRing, Pt, TextMatrix,
    WindingOrder,
};

use super::marked::Marker;
use crate::error::{Error, Kind, Result};
use crate::frame::{FontKind, Item, NodeId, Page, Path, Rgb, Stroke, Structure, TextRun};

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// A face and a width variant of its glyphs (0 = the glyph's own advance,
/// k = widened by k/8 em, negative k = narrowed, for compressed
/// punctuation); each glyph drawn in a variant ≠ 0 is a copy of the glyph
/// with that advance in the subset.
pub(super) type FontKey = (FontKind, i8);

/// The resource name of a face's font.
pub(super) fn font_id(k: FontKind) -> FontId {
    FontId(format!("F{}", k as usize + 1))
}

/// Gaps smaller than this (in ems) do not make extractors see a word break.
const SILENT_GAP: f32 = 0.09;
/// Steps of the width variants, in ems.
pub(super) const VARIANT_STEP: f32 = 0.125;
/// Widest variant: any gap a line can hold (about 16 em). Most are a
/// quarter em or an em (the gap after 表1 in a caption), but a line that
/// must stretch around an unbreakable URL can open gaps of several ems
/// between its few Han characters, and those must not copy out as spaces
/// either. Each distinct glyph and width is one copy in the subset.
const MAX_VARIANT: i8 = i8::MAX;
/// Narrowest variant (half an em: adjacent punctuation, docs/typesetting.md §2).
const MIN_VARIANT: i8 = -4;

/// Glyphs drawn from one text position with one font and one `Tc`.
struct Piece {
    key: FontKey,
    size: f32,
    color: Rgb,
    /// Text matrix (a, b, c, d, e, f) in PDF space.
    matrix: [f32; 6],
    tc: f32,
    glyphs: Vec<u16>,
}

/// The space after glyph `i` of a run: to the next glyph, or the run's
/// tail after the last.
fn spacing(t: &TextRun, i: usize) -> f32 {
    match t.glyphs.get(i + 1) {
        Some(next) => next.x - t.glyphs[i].x - t.glyphs[i].advance,
        None => t.tail,
    }
}

/// The width variant for the gap after glyph `i` of a run: the nearest
/// step (never 0 for a gap [`is_gap`] admits).
fn variant(t: &TextRun, i: usize) -> i8 {
    ((spacing(t, i) / t.size) / VARIANT_STEP)
        .round()
        .clamp(MIN_VARIANT as f32, MAX_VARIANT as f32) as i8
}

/// Whether glyph `i` of a run is followed by a gap extractors would see
/// (a space glyph reads as a space anyway).
fn is_gap(t: &TextRun, i: usize) -> bool {
    (i + 1 < t.glyphs.len() || t.tail > 0.0)
        && spacing(t, i).abs() >= SILENT_GAP * t.size
        && t.glyphs[i].ch != ' '
}

/// Splits a run into pieces: maximal stretches of equal spacing, and each
/// glyph followed by a visible gap alone in a width variant.
fn pieces(t: &TextRun, page_h: f32, out: &mut Vec<Piece>) {
    let n = t.glyphs.len();
    if n == 0 {
        return;
    }
    let em = t.size;
    let (sin, cos) = if t.angle == 0.0 {
        (0.0, 1.0)
    } else {
        t.angle.to_radians().sin_cos()
    };
    let mut i = 0;
    while i < n {
        let (variant, tc, j) = if is_gap(t, i) {
            let k = variant(t, i);
            (k, spacing(t, i) - k as f32 * VARIANT_STEP * em, i + 1)
        } else {
            let tc = spacing(t, i);
            let mut j = i + 1;
            while j < n && !is_gap(t, j) && (j == n - 1 || (spacing(t, j) - tc).abs() < 0.005) {
                j += 1;
            }
            (0, tc, j)
        };
        let g0 = &t.glyphs[i];
        // Hundredths of a point are far below what any device resolves and
        // keep the content streams short.
        let r2 = |v: f32| (v * 100.0).round() / 100.0;
        let (x, y) = (r2(t.x + g0.x * cos), r2(t.y - g0.x * sin));
        out.push(Piece {
            key: (t.font, variant),
            size: t.size,
            color: t.color,
            matrix: [
                cos,
                sin,
                if sin == 0.0 { 0.0 } else { -sin },
                cos,
                x,
                r2(page_h - y),
            ],
            tc: (tc * 1000.0).round() / 1000.0,
            glyphs: t.glyphs[i..j].iter().map(|g| g.gid).collect(),
        });
        i = j;
    }
}

/// Each glyph of a run with the width variant it is drawn in, as
/// [`pieces`] draws it: what the subsets must hold.
pub(super) fn glyph_keys(t: &TextRun, out: &mut Vec<(u16, i8)>) {
    out.extend((0..t.glyphs.len()).map(|i| {
        let k = if is_gap(t, i) { variant(t, i) } else { 0 };
        (t.glyphs[i].gid, k)
    }));
}

/// The content stream printpdf writes for one page's operations.
///
/// printpdf is the writer of content streams; each page goes through it on
/// its own, with no fonts registered (glyph codes are already the subsets'
/// ids), so no whole-document conversion is ever made.
pub(super) fn content_stream(ops: Vec<Op>) -> Result<Vec<u8>> {
    let mut one = PdfDocument::new("");
    one.pages.push(PdfPage::new(Mm(1.0), Mm(1.0), ops));
    let save = printpdf::PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        // Lets `Op::Unknown` through: the `Tj` of each piece (`text_ops`).
        // Every operation here is ours.
        secure: false,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = one.to_lopdf_document(&save, &mut warnings);
    let missing = || Error::new(Kind::Software, "printpdf wrote a page without content");
    let page = lo
        .get_pages()
        .values()
        .next()
        .copied()
        .ok_or_else(missing)?;
    let content = lo
        .get_dictionary(page)
        .and_then(|d| d.get(b"Contents"))
        .and_then(|c| c.as_reference())
        .map_err(|_| missing())?;
    match lo.objects.remove(&content) {
        Some(lopdf::Object::Stream(s)) => Ok(s.content),
        _ => Err(missing()),
    }
}

/// A glyph (in a width variant) as the page operations write it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Coded {
    /// Its glyph id in the face's subset (the two-byte code).
    pub(super) id: u16,
    /// Its width in the font's `/W`, in thousandths of an em.
    pub(super) width: f32,
}

/// Each glyph and width variant of each face, as written.
pub(super) type Remaps = BTreeMap<FontKind, GlyphMap<Coded>>;

/// A map keyed by (glyph id, width variant): looked up once for every
/// glyph on every page, so hashed, and with [`KeyHasher`].
pub(super) type GlyphMap<V> =
    std::collections::HashMap<(u16, i8), V, std::hash::BuildHasherDefault<KeyHasher>>;

/// A hasher for small integer keys that nobody chooses to collide: the key
/// packed into one word, then one folded 64×64→128-bit multiplication, which
/// mixes it into both the low bits (the bucket) and the high bits (the tag)
/// a hash table reads. std's SipHash resists chosen keys at several times the
/// cost; with a `BTreeMap` instead, the lookups were most of `page_ops`.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let p = u128::from(self.0) * 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835;
        (p >> 64) as u64 ^ p as u64
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u16(&mut self, n: u16) {
        self.0 = self.0.rotate_left(16) ^ u64::from(n);
    }

    fn write_i8(&mut self, n: i8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(n as u8);
    }
}

/// The operations of one page, and with a `structure`, the element each
/// of its marked-content ids belongs to (see [`Marker`]).
pub(super) fn page_ops(
    p: &Page,
    remaps: &Remaps,
    structure: Option<&Structure>,
) -> (Vec<Op>, Vec<NodeId>) {
    let mut ops = Vec::new();
    let mut st = TextState::default();
    let mut mark = Marker::new(structure);
    let mut ps = Vec::new();
    for it in &p.items {
        match it {
            Item::Text(t) => {
                if mark.needs(t.tag) {
                    // A sequence begun outside the text object holds it
                    // whole: the text object ends first.
                    if mark.holds_text() {
                        st.pause(&mut ops);
                    }
                    mark.end(&mut ops);
                    mark.begin(&mut ops, t.tag, st.open);
                }
                ps.clear();
                pieces(t, p.height, &mut ps);
                text_ops(&mut ops, &ps, remaps, &mut st);
            }
            // Not drawn: an annotation the catalogue adds.
            Item::Link { .. } => {}
            _ => {
                // Paths cannot be drawn inside a text object, and a
                // sequence begun inside one ends there.
                mark.leave_text(&mut ops);
                st.pause(&mut ops);
                if mark.needs(it.tag()) {
                    mark.end(&mut ops);
                    mark.begin(&mut ops, it.tag(), false);
                }
                shape_ops(&mut ops, it, p.height);
            }
        }
    }
    mark.leave_text(&mut ops);
    st.finish(&mut ops);
    mark.end(&mut ops);
    (ops, mark.mcids)
}

/// A path or circle's operations.
fn shape_ops(ops: &mut Vec<Op>, it: &Item, page_h: f32) {
    match it {
        Item::Path(path) => path_ops(ops, path, page_h),
        Item::Circle {
            cx,
            cy,
            r,
            fill,
            stroke,
            alpha,
            tag,
        } => {
            let path = Path {
                points: Vec::new(),
                closed: true,
                fill: *fill,
                stroke: stroke.clone(),
                alpha: *alpha,
                tag: *tag,
            };
            let ring = circle_ring(*cx, *cy, *r, page_h);
            paint_ops(ops, &path, ring);
        }
        Item::Text(_) | Item::Link { .. } => {}
    }
}

/// Text state carried across the items of a page, so consecutive lines
/// share one text object and repeat neither font, colour nor spacing: the
/// content streams stay short and printpdf has fewer operations to translate.
#[derive(Default)]
struct TextState {
    open: bool,
    font: Option<(FontKind, u32)>,
    color: Option<(u32, u32, u32)>,
    tc: f32,
    /// The origin of the text line matrix, while it is a plain
    /// translation: what the next `Td` moves from.
    line: Option<(f32, f32)>,
    /// Where the last `Tj` left the pen, as every reader computes it from
    /// the `/W` widths, `Tc` and the size: a piece that starts there needs
    /// no positioning at all.
    pen: Option<(f32, f32)>,
}

/// How far (in points) a piece may start from where the pen already is
/// and still be drawn from there: a hundredth of a point, the precision
/// positions are written with.
const PEN_SLACK: f32 = 0.01;

impl TextState {
    /// Begins a text object, unless one is open.
    fn begin(&mut self, ops: &mut Vec<Op>) {
        if !self.open {
            ops.push(Op::StartTextSection);
            self.open = true;
            // BT starts at the identity matrix.
            self.line = Some((0.0, 0.0));
            self.pen = Some((0.0, 0.0));
        }
    }

    /// Ends the text object before a path (paths cannot be drawn inside one).
    /// Font, colour and spacing survive `ET`: they are graphics state, and
    /// paths are drawn inside `q … Q`.
    fn pause(&mut self, ops: &mut Vec<Op>) {
        if self.open {
            ops.push(Op::EndTextSection);
            self.open = false;
            self.line = None;
            self.pen = None;
        }
    }

    /// Moves to where `pc` starts: nothing when the pen is already there
    /// (the piece continues the one before it on the line), else `Td` from
    /// the line's origin, or `Tm` for turned text or an unknown origin.
    fn position(&mut self, ops: &mut Vec<Op>, pc: &Piece) {
        let [a, b, c, d, x, y] = pc.matrix;
        let plain = (a, b, c, d) == (1.0, 0.0, 0.0, 1.0);
        if !plain {
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Raw(pc.matrix),
            });
            (self.line, self.pen) = (None, None);
            return;
        }
        if let Some((px, py)) = self.pen
            && (py - y).abs() <= 0.001
            && (px - x).abs() <= PEN_SLACK
        {
            return;
        }
        let (lx, ly) = match self.line {
            Some(origin) => {
                let r2 = |v: f32| (v * 100.0).round() / 100.0;
                let (dx, dy) = (r2(x - origin.0), r2(y - origin.1));
                ops.push(Op::SetTextCursor {
                    pos: Point {
                        x: Pt(dx),
                        y: Pt(dy),
                    },
                });
                (origin.0 + dx, origin.1 + dy)
            }
            None => {
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Raw(pc.matrix),
                });
                (x, y)
            }
        };
        self.line = Some((lx, ly));
        self.pen = Some((lx, ly));
    }

    fn finish(&mut self, ops: &mut Vec<Op>) {
        self.pause(ops);
    }
}

/// Emits the pieces of a run into the page's current text object.
fn text_ops(ops: &mut Vec<Op>, pieces: &[Piece], remaps: &Remaps, st: &mut TextState) {
    if pieces.is_empty() {
        return;
    }
    st.begin(ops);
    for pc in pieces {
        let c = (
            pc.color.0.to_bits(),
            pc.color.1.to_bits(),
            pc.color.2.to_bits(),
        );
        if st.color != Some(c) {
            ops.push(Op::SetFillColor {
                col: color(pc.color),
            });
            st.color = Some(c);
        }
        let f = (pc.key.0, pc.size.to_bits());
        if st.font != Some(f) {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(font_id(pc.key.0)),
                size: Pt(pc.size),
            });
            st.font = Some(f);
        }
        st.position(ops, pc);
        if pc.tc != st.tc {
            ops.push(Op::SetCharacterSpacing { multiplier: pc.tc });
            st.tc = pc.tc;
        }
        let remap = &remaps[&pc.key.0];
        // One string of two-byte codes (the subset's glyph ids, Identity-H)
        // per piece, shown with `Tj` through printpdf's generic operator.
        // Its own `ShowText` writes every glyph id as a separate hex string
        // in a `TJ` array: three times the bytes and an allocation per
        // glyph (measured on the default briefing: content streams 205 KB →
        // 161 KB before deflate, page writing about a third faster).
        let mut codes = Vec::with_capacity(2 * pc.glyphs.len());
        let mut advance = 0.0;
        for gid in &pc.glyphs {
            let coded = remap.get(&(*gid, pc.key.1)).copied().unwrap_or_default();
            codes.extend_from_slice(&coded.id.to_be_bytes());
            advance += coded.width / 1000.0 * pc.size + pc.tc;
        }
        // The pen moves by each glyph's `/W` width and `Tc` (PDF 32000
        // §9.4.4; horizontal scaling stays 100 %, and word spacing never
        // applies to two-byte codes).
        st.pen = st.pen.map(|(x, y)| (x + advance, y));
        ops.push(Op::Unknown {
            key: "Tj".into(),
            value: vec![DictItem::String {
                data: codes,
                literal: true,
            }],
        });
    }
}

fn pt(x: f32, y: f32, page_h: f32) -> LinePoint {
    let r2 = |v: f32| (v * 100.0).round() / 100.0;
    LinePoint {
        p: Point {
            x: Pt(r2(x)),
            y: Pt(r2(page_h - y)),
        },
        bezier: false,
    }
}

fn path_ops(ops: &mut Vec<Op>, p: &Path, page_h: f32) {
    if p.points.len() < 2 {
        return;
    }
    let points: Vec<LinePoint> = p.points.iter().map(|&(x, y)| pt(x, y, page_h)).collect();
    paint_ops(ops, p, points);
}

/// Paints `points` (page coordinates) with `p`'s fill, stroke and
/// opacity; `p.points` is not read.
fn paint_ops(ops: &mut Vec<Op>, p: &Path, points: Vec<LinePoint>) {
    ops.push(Op::SaveGraphicsState);
    if p.alpha < 1.0 {
        ops.push(Op::LoadGraphicsState {
            gs: ExtendedGraphicsStateId(format!("GS{}", (p.alpha * 1000.0).round() as u32)),
        });
    }
    if let Some(f) = p.fill {
        ops.push(Op::SetFillColor { col: color(f) });
    }
    if let Some(s) = &p.stroke {
        stroke_ops(ops, s);
    }
    let mode = match (p.fill.is_some(), p.stroke.is_some()) {
        (true, true) => PaintMode::FillStroke,
        (true, false) => PaintMode::Fill,
        _ => PaintMode::Stroke,
    };
    if p.fill.is_none() && !p.closed {
        ops.push(Op::DrawLine {
            line: printpdf::Line {
                points,
                is_closed: false,
            },
        });
    } else {
        ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
    ops.push(Op::RestoreGraphicsState);
}

fn stroke_ops(ops: &mut Vec<Op>, s: &Stroke) {
    ops.push(Op::SetOutlineColor {
        col: color(s.color),
    });
    ops.push(Op::SetOutlineThickness { pt: Pt(s.width) });
    if !s.dash.is_empty() {
        ops.push(Op::SetLineDashPattern {
            dash: LineDashPattern::new(0.0, &s.dash),
        });
    }
}

/// A circle as four cubic Béziers (printpdf writes a point flagged
/// `bezier` as a control point): the usual kappa = 4/3·(√2 − 1) puts the
/// curve within 0.03 % of the radius of a true circle, which no reader can
/// show, in 13 points rather than a polygon's many.
fn circle_ring(cx: f32, cy: f32, r: f32, page_h: f32) -> Vec<LinePoint> {
    const KAPPA: f32 = 0.552_284_8;
    let k = r * KAPPA;
    let on = |x: f32, y: f32| pt(cx + x, cy + y, page_h);
    let ctrl = |x: f32, y: f32| LinePoint {
        bezier: true,
        ..on(x, y)
    };
    vec![
        on(r, 0.0),
        ctrl(r, k),
        ctrl(k, r),
        on(0.0, r),
        ctrl(-k, r),
        ctrl(-r, k),
        on(-r, 0.0),
        ctrl(-r, -k),
        ctrl(-k, -r),
        on(0.0, -r),
        ctrl(k, -r),
        ctrl(r, -k),
        on(r, 0.0),
    ]
}
