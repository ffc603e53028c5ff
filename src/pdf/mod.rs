//! Stage 5: pages to PDF bytes. The only module that touches printpdf.
//!
//! In order: `scan` the pages for the glyphs they use; `jobs` cuts each
//! face's subset and writes each page's content stream (`content`,
//! through printpdf) on the run's pool, dropping each page once written;
//! `objects` adds the fonts and pages, `catalog` the document objects; and
//! `file` writes each object once, the small ones in object streams.
//!
//! Text is written as glyph ids of our own subsets, in pieces of equal
//! inter-glyph spacing set with `Tc`.
//!
//! Text extractors (poppler, pdf.js, PDFium, MuPDF; search, copy and
//! paste) insert a space wherever the gap between two glyphs exceeds about
//! a tenth of an em, measured against the glyphs' advances (`/W`, or the
//! program's own in older MuPDF). The Han–Latin quarter em would then copy
//! out as `2022 年`. So a glyph followed by a visible gap is drawn as a
//! *copy* of itself whose advance is wider by k × ⅛ em (narrower, for
//! compressed punctuation): the subsets hold such copies as glyphs of
//! their own, with that advance in the program and in `/W` alike, which
//! makes the gap part of the glyph for every extractor while the ink stays
//! put and every width is honest. docs/typesetting.md §7 has the
//! alternatives measured and why this one.

mod cache;
mod catalog;
mod cff;
mod content;
mod file;
mod fonts;
mod glyf;
mod intent;
mod jobs;
mod marked;
mod objects;
mod scan;
mod subset;
mod tags;
mod xmp;

use std::path::PathBuf;

use lopdf::{Object, StringFormat};

use content::VARIANT_STEP;

use crate::error::Result;
use crate::frame::{Meta, Page, Structure};
use crate::text::fonts::{FontSet, LoadedFont};

/// Settings for writing.
#[derive(Debug, Clone, Default)]
pub(crate) struct PdfOptions {
    /// Creation time as Unix seconds (from `SOURCE_DATE_EPOCH`), so repeated
    /// runs give identical bytes; `None` means now.
    pub(crate) epoch: Option<i64>,
    /// Producer string.
    pub(crate) producer: String,
    /// Where finished font programs are kept between runs; `None`: cut
    /// every face afresh.
    pub(crate) cache: Option<PathBuf>,
    /// Write a tagged PDF/A-2a and PDF/UA-1 file (the default); `false`
    /// writes a plain PDF 1.5 with neither tags nor XMP.
    pub(crate) standards: bool,
}

/// Serialises laid-out pages, consuming them: each page's items are
/// dropped as soon as its content stream is written and deflated, so the
/// writer holds compressed streams, not pages.
pub(crate) fn write(
    doc: &Meta,
    mut pages: Vec<Page>,
    structure: &Structure,
    fonts: &FontSet,
    opts: &PdfOptions,
) -> Result<Vec<u8>> {
    let lap = |what: &str| crate::trace::mark(&format!("pdf: {what}"));
    let scan = scan::scan(doc, &mut pages, opts);
    let remaps = scan.remaps(fonts);
    let marking = opts.standards.then_some(structure);
    let (cuts, contents) = jobs::run(&scan, pages, &remaps, fonts, opts, marking);
    let contents = contents.into_iter().collect::<Result<Vec<_>>>()?;
    lap("subsets and page contents");
    let mut lo = lopdf::Document::with_version("1.5");
    let resources = objects::resources(&mut lo, &scan, cuts, fonts)?;
    let mcids = objects::pages(&mut lo, contents, resources);
    catalog::finish(&mut lo, doc, &scan.marks, structure, &mcids, scan.id, opts)?;
    lap("document objects");
    // PDF 1.5 object and cross-reference streams: the many small
    // dictionaries (fonts, pages, outline) are deflated together, which
    // saves a tenth of the file; every reader of the last twenty years
    // opens them.
    crate::memory::release();
    // The streams are most of the file: reserving for them up front spares
    // the output buffer's doublings (and their copies) at the peak.
    let streams: usize = lo
        .objects
        .values()
        .map(|o| match o {
            Object::Stream(s) => s.content.len() + 64,
            _ => 64,
        })
        .sum();
    let mut bytes = Vec::with_capacity(streams);
    file::write(&lo, &mut bytes)?;
    lap("serialised");
    Ok(bytes)
}

/// A PDF text string: UTF-16BE with a byte-order mark, so Chinese survives.
pub(super) fn text(s: &str) -> Object {
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

/// A width variant's change of advance, in the face's units.
fn variant_delta(font: &LoadedFont, v: i8) -> i32 {
    (v as f32 * VARIANT_STEP * font.upem).round() as i32
}

/// The advance, in font units, of glyph `g` drawn in width variant `v`:
/// what the subset's copy of it has.
fn copy_advance(font: &LoadedFont, g: u16, v: i8) -> u16 {
    advance_with(font, g, variant_delta(font, v))
}

/// Glyph `g`'s advance changed by `delta` font units: the one formula the
/// subsets' programs and the page operations' pen both use.
fn advance_with(font: &LoadedFont, g: u16, delta: i32) -> u16 {
    (font.advance_units(g) as i32 + delta).clamp(0, 0xFFFF) as u16
}

/// How hard a stream is deflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effort {
    /// At [`THOROUGH_LEVEL`]: font programs (cut once per glyph set, then
    /// kept in the font cache), ToUnicode maps, object and cross-reference
    /// streams (one or a few a file, each well worth its set-up).
    Thorough,
    /// At [`QUICK_LEVEL`]: page contents, made again on every run, many
    /// and small.
    Quick,
}

/// libdeflate level of [`Effort::Thorough`], chosen by measurement on the
/// default briefing (2-core VM, median of 9 runs of the deflate stage;
/// whole file, every stream at that level): level 1: 3.4 ms, 325.5 KB;
/// 3: 5.3 ms, 320.7 KB; 6: 5.5 ms, 315.1 KB; 9: 8.7 ms, 313.5 KB;
/// 10: 33 ms, 309.2 KB; 11: 51 ms, 308.8 KB. miniz (flate2's default
/// backend) at its level 6 took 13.7 ms for 317.3 KB on the same content.
/// Past 6 each further kilobyte costs more than a millisecond on a run
/// that misses the font cache.
const THOROUGH_LEVEL: i32 = 6;

/// libdeflate level of [`Effort::Quick`]. Page contents are small streams
/// (13 pages of 3–12 KB in the default briefing), for which libdeflate's
/// set-up (clearing its match finder's tables on every call) weighs more
/// than the matching. Measured on the default briefing's page contents
/// (92 KB raw) in a warm loop: level 1: 0.64 ms, 32.6 KB; 4: 0.81 ms,
/// 31.7 KB; 6: 1.06 ms, 30.9 KB; whole runs on one core (median of 30)
/// were 1.0–1.4 ms shorter at 1 than at 6, for 1.7 KB more file (297.6
/// against 295.8 KB).
const QUICK_LEVEL: i32 = 1;

thread_local! {
    /// One compressor per thread and effort, and an output buffer: all are
    /// reused across streams.
    static DEFLATER: std::cell::RefCell<(Option<libdeflater::Compressor>, Option<libdeflater::Compressor>, Vec<u8>)> =
        const { std::cell::RefCell::new((None, None, Vec::new())) };
}

/// `bytes` in zlib format at the level of `effort`, or `None` when that
/// would not make them smaller.
pub(crate) fn deflate(bytes: &[u8], effort: Effort) -> Option<Vec<u8>> {
    DEFLATER.with(|cell| {
        let (thorough, quick, buf) = &mut *cell.borrow_mut();
        let (slot, level) = match effort {
            Effort::Thorough => (thorough, THOROUGH_LEVEL),
            Effort::Quick => (quick, QUICK_LEVEL),
        };
        let c = slot.get_or_insert_with(|| {
            libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(level)
                    .unwrap_or_else(|_| libdeflater::CompressionLvl::default()),
            )
        });
        buf.resize(c.zlib_compress_bound(bytes.len()), 0);
        let n = c.zlib_compress(bytes, buf).ok()?;
        // The filter entry costs about 19 bytes of dictionary. The result
        // is kept until the file is written, so it is allocated to size.
        (n + 19 < bytes.len()).then(|| buf[..n].to_vec())
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use ttf_parser::OutlineBuilder;

    /// Records a glyph outline as text, so the subsetters' tests can
    /// compare what two fonts draw.
    #[derive(Default)]
    pub(crate) struct Pen(pub(crate) Vec<String>);

    impl OutlineBuilder for Pen {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push(format!("M{x} {y}"));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push(format!("L{x} {y}"));
        }
        fn quad_to(&mut self, a: f32, b: f32, x: f32, y: f32) {
            self.0.push(format!("Q{a} {b} {x} {y}"));
        }
        fn curve_to(&mut self, a: f32, b: f32, c: f32, d: f32, x: f32, y: f32) {
            self.0.push(format!("C{a} {b} {c} {d} {x} {y}"));
        }
        fn close(&mut self) {
            self.0.push("Z".into());
        }
    }
}
