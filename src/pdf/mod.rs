//! Stage 5: pages to PDF bytes. The only module that touches printpdf.
//!
//! Text is written as glyph ids of our own subsets, in pieces of equal
//! inter-glyph spacing set with `Tc`.
//!
//! Text extractors (poppler's `pdftotext`, search, copy and paste) insert a
//! space wherever the gap between two glyphs exceeds about a tenth of an em,
//! measured against the widths in the font's `/W` array. The Han–Latin
//! quarter em would then copy out as `2022 年`. So a glyph followed by a
//! visible gap is drawn in a *width variant* of its font: the same embedded
//! program (stored once) with `/W` widths widened by k × ⅛ em, which makes
//! the gap part of the glyph for every extractor while the ink stays put.

mod catalog;
mod subset;

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Codepoint, Color, ExtendedGraphicsState, ExtendedGraphicsStateId, FontId, LineDashPattern,
    LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, Point,
    Polygon, PolygonRing, Pt, TextItem, TextMatrix, WindingOrder,
};

use crate::error::{Error, Kind, Result};
use crate::frame::Meta;
use crate::frame::{Item, Page, Path, Rgb, Stroke, TextRun};
use crate::{frame::FontKind, text::fonts::FontSet};

/// Settings for writing.
#[derive(Debug, Clone, Default)]
pub(crate) struct PdfOptions {
    /// Creation time as Unix seconds (from `SOURCE_DATE_EPOCH`), so repeated
    /// runs give identical bytes; `None` means now.
    pub(crate) epoch: Option<i64>,
    /// Producer string.
    pub(crate) producer: String,
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// A face and its width variant (0 = the font's own widths, k = widened by
/// k/8 em, negative k = narrowed, for compressed punctuation).
type FontKey = (FontKind, i8);

fn font_id(k: FontKey) -> FontId {
    match k.1 {
        0 => FontId(format!("F{}", k.0 as usize + 1)),
        v if v > 0 => FontId(format!("F{}W{}", k.0 as usize + 1, v)),
        v => FontId(format!("F{}N{}", k.0 as usize + 1, -v)),
    }
}

/// Gaps smaller than this (in ems) do not make extractors see a word break.
const SILENT_GAP: f32 = 0.09;
/// Widening steps of the width variants, in ems.
const VARIANT_STEP: f32 = 0.125;
/// Widest variant (one em: the gap after 表1 in a caption).
const MAX_VARIANT: i8 = 8;
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
    glyphs: Vec<(u16, String)>,
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
    let spacing: Vec<f32> = (0..n)
        .map(|i| {
            if i + 1 < n {
                t.glyphs[i + 1].x - t.glyphs[i].x - t.glyphs[i].advance
            } else {
                t.tail
            }
        })
        .collect();
    let is_space = |i: usize| t.glyphs[i].text == " ";
    // The last glyph's gap is the run's tail, if it has one.
    let gap = |i: usize| {
        (i + 1 < n || t.tail > 0.0) && spacing[i].abs() >= SILENT_GAP * em && !is_space(i)
    };
    let mut i = 0;
    while i < n {
        let (variant, tc, j) = if gap(i) {
            let k = ((spacing[i] / em) / VARIANT_STEP)
                .round()
                .clamp(MIN_VARIANT as f32, MAX_VARIANT as f32) as i8;
            (k, spacing[i] - k as f32 * VARIANT_STEP * em, i + 1)
        } else {
            let tc = spacing[i];
            let mut j = i + 1;
            while j < n && !gap(j) && (j == n - 1 || (spacing[j] - tc).abs() < 0.005) {
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
            glyphs: t.glyphs[i..j]
                .iter()
                .map(|g| (g.gid, g.text.clone()))
                .collect(),
        });
        i = j;
    }
}

/// Serialises laid-out pages.
pub(crate) fn write(
    doc: &Meta,
    pages: &[Page],
    fonts: &FontSet,
    opts: &PdfOptions,
) -> Result<Vec<u8>> {
    let mut pdf = PdfDocument::new(&doc.title);
    let t0 = std::time::Instant::now();
    let lap = |what: &str| log::debug!("pdf: {what} at {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);

    // The glyphs each face needs.
    let mut used: BTreeMap<FontKind, BTreeSet<u16>> = BTreeMap::new();
    for p in pages {
        for it in &p.items {
            if let Item::Text(t) = it {
                used.entry(t.font)
                    .or_default()
                    .extend(t.glyphs.iter().map(|g| g.gid).filter(|&g| g != 0));
            }
        }
    }
    // A subset numbers its glyphs in ascending order after .notdef
    // (`subsetter::GlyphRemapper` fed sorted ids), so the page operations,
    // which need the new ids, are built while the subsets are being cut;
    // the subsets' own maps are checked against this one below.
    let remaps: BTreeMap<FontKind, BTreeMap<u16, u16>> = used
        .iter()
        .map(|(k, gids)| {
            (
                *k,
                gids.iter()
                    .enumerate()
                    .map(|(i, &g)| (g, i as u16 + 1))
                    .collect(),
            )
        })
        .collect();

    let (subsets, out_pages, variants) = std::thread::scope(|sc| {
        // Subsetting reads each face's glyph tables; the faces are
        // independent, so they are cut in parallel, and in parallel with
        // the page operations.
        let handles: Vec<_> = used
            .iter()
            .map(|(kind, gids)| {
                let gids: Vec<u16> = gids.iter().copied().collect();
                let font = fonts.get(*kind);
                (*kind, sc.spawn(move || subset::subset(font, &gids)))
            })
            .collect();
        let mut variants: BTreeSet<FontKey> = BTreeSet::new();
        let out_pages: Vec<PdfPage> = pages
            .iter()
            .map(|p| page_ops(p, &remaps, &mut variants))
            .collect();
        let subsets: Vec<(FontKind, Result<subset::Subset>)> = handles
            .into_iter()
            .map(|(k, h)| {
                (
                    k,
                    h.join().unwrap_or_else(|_| {
                        Err(Error::new(Kind::Software, "font subsetting panicked"))
                    }),
                )
            })
            .collect();
        (subsets, out_pages, variants)
    });
    lap("subsets and page operations");
    for (kind, sub) in subsets {
        let kind = &kind;
        let sub = sub?;
        if sub.remap != remaps[kind] {
            return Err(Error::new(
                Kind::Software,
                format!(
                    "glyph numbering of the {} subset differs from the page operations",
                    fonts.get(*kind).ps_name
                ),
            ));
        }
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&sub.data, 0, &mut warnings).ok_or_else(|| {
            Error::new(
                Kind::Software,
                format!(
                    "printpdf cannot read the subset of {}",
                    fonts.get(*kind).ps_name
                ),
            )
        })?;
        parsed.font_name = Some(sub.name.clone());
        for key in variants.iter().filter(|k| k.0 == *kind) {
            let mut f = parsed.clone();
            if key.1 != 0 {
                let extra = (f.units_per_em as f32 * VARIANT_STEP * key.1 as f32).round() as i32;
                for w in f.glyph_widths.values_mut() {
                    *w = (*w as i32 + extra).clamp(0, u16::MAX as i32) as u16;
                }
            }
            pdf.resources
                .fonts
                .map
                .insert(font_id(*key), PdfFont::new(f));
        }
    }

    // Opacity states, named by value so output is deterministic.
    let mut alphas: BTreeSet<u32> = BTreeSet::new();
    for p in pages {
        for it in &p.items {
            let a = match it {
                Item::Path(p) => p.alpha,
                Item::Circle { alpha, .. } => *alpha,
                _ => 1.0,
            };
            if a < 1.0 {
                alphas.insert((a * 1000.0).round() as u32);
            }
        }
    }
    for a in &alphas {
        let gs = ExtendedGraphicsState::default()
            .with_current_fill_alpha(*a as f32 / 1000.0)
            .with_current_stroke_alpha(*a as f32 / 1000.0);
        pdf.resources
            .extgstates
            .map
            .insert(ExtendedGraphicsStateId(format!("GS{a}")), gs);
    }

    lap("fonts registered");
    pdf.pages = out_pages;

    let mut warnings = Vec::new();
    let save = printpdf::PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut lo = pdf.to_lopdf_document(&save, &mut warnings);
    lap("printpdf to lopdf");
    catalog::share_font_programs(&mut lo);
    catalog::finish(&mut lo, doc, pages, opts)?;
    // No orphan objects: whatever the conversion left unreferenced goes.
    let pruned = lo.prune_objects();
    if !pruned.is_empty() {
        log::debug!("pdf: {} unreferenced objects removed", pruned.len());
    }
    lap("catalogue");
    compress(&mut lo);
    // PDF 1.5 object and cross-reference streams: the many small
    // dictionaries (fonts, widths, pages, outline) are deflated together,
    // which saves a tenth of the file; every reader of the last twenty
    // years opens them.
    lo.version = "1.5".to_string();
    let save = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .max_objects_per_stream(200)
        .compression_level(6)
        .build();
    let mut bytes = Vec::new();
    lap("deflate");
    lo.save_with_options(&mut bytes, save)
        .map_err(|e| Error::new(Kind::Io, format!("cannot serialise PDF: {e}")))?;
    lap("serialised");
    Ok(bytes)
}

/// The operations of one page, recording the font variants its text uses.
fn page_ops(
    p: &Page,
    remaps: &BTreeMap<FontKind, BTreeMap<u16, u16>>,
    variants: &mut BTreeSet<FontKey>,
) -> PdfPage {
    let mut ops = Vec::new();
    let mut st = TextState::default();
    let mut ps = Vec::new();
    for it in &p.items {
        if !matches!(it, Item::Text(_) | Item::Link { .. }) {
            st.pause(&mut ops);
        }
        match it {
            Item::Text(t) => {
                ps.clear();
                pieces(t, p.height, &mut ps);
                variants.extend(ps.iter().map(|pc| pc.key));
                text_ops(&mut ops, &ps, remaps, &mut st);
            }
            Item::Path(path) => path_ops(&mut ops, path, p.height),
            Item::Circle {
                cx,
                cy,
                r,
                fill,
                stroke,
                alpha,
            } => {
                let path = circle_path(*cx, *cy, *r, *fill, stroke.clone(), *alpha);
                path_ops(&mut ops, &path, p.height);
            }
            Item::Link { .. } => {}
        }
    }
    st.finish(&mut ops);
    PdfPage::new(Mm(p.width * 25.4 / 72.0), Mm(p.height * 25.4 / 72.0), ops)
}

/// Text state carried across the items of a page, so consecutive lines
/// share one text object and repeat neither font, colour nor spacing: the
/// content streams stay short and printpdf has fewer operations to translate.
#[derive(Default)]
struct TextState {
    open: bool,
    font: Option<(FontKey, u32)>,
    color: Option<(u32, u32, u32)>,
    tc: f32,
}

impl TextState {
    /// Ends the text object before a path (paths cannot be drawn inside one).
    /// Font, colour and spacing survive `ET`: they are graphics state, and
    /// paths are drawn inside `q … Q`.
    fn pause(&mut self, ops: &mut Vec<Op>) {
        if self.open {
            ops.push(Op::EndTextSection);
            self.open = false;
        }
    }

    fn finish(&mut self, ops: &mut Vec<Op>) {
        self.pause(ops);
    }
}

/// Emits the pieces of a run into the page's current text object.
fn text_ops(
    ops: &mut Vec<Op>,
    pieces: &[Piece],
    remaps: &BTreeMap<FontKind, BTreeMap<u16, u16>>,
    st: &mut TextState,
) {
    if pieces.is_empty() {
        return;
    }
    if !st.open {
        ops.push(Op::StartTextSection);
        st.open = true;
    }
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
        let f = (pc.key, pc.size.to_bits());
        if st.font != Some(f) {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(font_id(pc.key)),
                size: Pt(pc.size),
            });
            st.font = Some(f);
        }
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Raw(pc.matrix),
        });
        if pc.tc != st.tc {
            ops.push(Op::SetCharacterSpacing { multiplier: pc.tc });
            st.tc = pc.tc;
        }
        let remap = &remaps[&pc.key.0];
        let glyphs = pc
            .glyphs
            .iter()
            .map(|(gid, text)| Codepoint {
                gid: remap.get(gid).copied().unwrap_or(0),
                offset: 0.0,
                cid: Some(text.clone()),
            })
            .collect();
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(glyphs)],
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
    let points: Vec<LinePoint> = p.points.iter().map(|&(x, y)| pt(x, y, page_h)).collect();
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

/// A circle as four cubic Bézier arcs (κ = 0.5523).
fn circle_path(
    cx: f32,
    cy: f32,
    r: f32,
    fill: Option<Rgb>,
    stroke: Option<Stroke>,
    alpha: f32,
) -> Path {
    // Polygon points with bezier flags are not expressible in `Path`, so
    // approximate with 32 segments: at chart marker sizes (≤ 4 pt) the
    // deviation is under 0.02 pt, far below what any reader can show.
    let n = 32;
    let points = (0..n)
        .map(|i| {
            let a = i as f32 / n as f32 * std::f32::consts::TAU;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect();
    Path {
        points,
        closed: true,
        fill,
        stroke,
        alpha,
    }
}

/// Deflate level of libdeflate, chosen by measurement on the default
/// briefing (2-core VM, median of 9 runs of the deflate stage; whole file):
/// level 1: 3.4 ms, 325.5 KB; 3: 5.3 ms, 320.7 KB; 6: 5.5 ms, 315.1 KB;
/// 9: 8.7 ms, 313.5 KB; 10: 33 ms, 309.2 KB; 11: 51 ms, 308.8 KB.
/// miniz (flate2's default backend) at its level 6 took 13.7 ms for
/// 317.3 KB on the same content. Size is what a mail attachment pays for;
/// past 6 each further kilobyte costs more than a millisecond.
const DEFLATE_LEVEL: i32 = 6;

/// Deflates every stream not yet filtered, in parallel. Streams go to
/// threads largest first, so one big font program does not leave a core
/// idle; a stream is left as it is when deflating would not shrink it.
fn compress(lo: &mut lopdf::Document) {
    let mut streams: Vec<&mut lopdf::Stream> = lo
        .objects
        .values_mut()
        .filter_map(|o| match o {
            lopdf::Object::Stream(s) if s.dict.get(b"Filter").is_err() && s.allows_compression => {
                Some(s)
            }
            _ => None,
        })
        .collect();
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    // Longest-processing-time-first assignment to the least loaded thread.
    let mut bins: Vec<(usize, Vec<&mut lopdf::Stream>)> =
        (0..threads).map(|_| (0, Vec::new())).collect();
    for st in streams {
        let bin = bins
            .iter_mut()
            .min_by_key(|b| b.0)
            .expect("at least one thread");
        bin.0 += st.content.len();
        bin.1.push(st);
    }
    std::thread::scope(|sc| {
        for (_, part) in bins.iter_mut() {
            sc.spawn(move || {
                let mut c = libdeflater::Compressor::new(
                    libdeflater::CompressionLvl::new(DEFLATE_LEVEL)
                        .unwrap_or_else(|_| libdeflater::CompressionLvl::default()),
                );
                for s in part.iter_mut() {
                    let mut z = vec![0; c.zlib_compress_bound(s.content.len())];
                    if let Ok(n) = c.zlib_compress(&s.content, &mut z)
                        && n + 19 < s.content.len()
                    {
                        z.truncate(n);
                        s.dict.set("Filter", "FlateDecode");
                        s.set_content(z);
                    }
                }
            });
        }
    });
}
