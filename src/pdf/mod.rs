//! Stage 5: pages to PDF bytes. The only module that touches printpdf.
//!
//! One pass: after one scan of the pages for the glyphs they use, one
//! thread per core takes jobs from a queue: each face's subset (`cff` for
//! CID-keyed CFF faces, `subsetter` and then `cff` or `glyf` otherwise),
//! then each page, which becomes operations, a content stream (printpdf)
//! and deflated bytes, after which its items are dropped. The font objects
//! (`fonts`) and the document objects (`catalog`) are then written
//! directly, and `file` writes each object once, the small ones in object streams.
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
mod subset;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lopdf::{Dictionary, Object};
use sha2::{Digest, Sha256};

use content::{GlyphMap, Remaps, VARIANT_STEP, content_stream, font_id, page_ops};

use crate::error::{Error, Kind, Result};
use crate::frame::FontKind;
use crate::frame::Meta;
use crate::frame::{Item, Page};
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
}

/// Serialises laid-out pages, consuming them: each page's items are
/// dropped as soon as its content stream is written and deflated, so the
/// writer holds compressed streams, not pages.
pub(crate) fn write(
    doc: &Meta,
    mut pages: Vec<Page>,
    fonts: &FontSet,
    opts: &PdfOptions,
) -> Result<Vec<u8>> {
    let lap = |what: &str| crate::trace::mark(&format!("pdf: {what}"));

    // The file identifier digests what the document says.
    let mut id = Sha256::new();
    id.update(doc.title.as_bytes());
    id.update(doc.date_text.as_bytes());
    id.update(
        opts.epoch
            .unwrap_or_else(|| chrono::Utc::now().timestamp())
            .to_be_bytes(),
    );

    // One pass over the pages for what the document needs as a whole: the
    // glyphs each face needs (in each width variant) with the characters
    // each stands for, the opacities paths use, the text for the file
    // identifier, and each page's links and anchors.
    // (A hash map while scanning, with thousands of lookups a page; the
    // order the subsets need comes after.)
    let mut seen: BTreeMap<FontKind, GlyphMap<char>> = BTreeMap::new();
    let mut alphas: BTreeSet<u32> = BTreeSet::new();
    let mut marks = Vec::with_capacity(pages.len());
    let mut keys = Vec::new();
    let mut text = String::new();
    for p in &mut pages {
        for it in &p.items {
            let a = match it {
                Item::Text(t) => {
                    let face = seen.entry(t.font).or_default();
                    keys.clear();
                    content::glyph_keys(t, &mut keys);
                    text.clear();
                    for (key, g) in keys.iter().zip(&t.glyphs) {
                        text.push(g.ch);
                        if key.0 != 0 {
                            face.entry(*key).or_insert(g.ch);
                        }
                    }
                    id.update(text.as_bytes());
                    1.0
                }
                Item::Path(p) => p.alpha,
                Item::Circle { alpha, .. } => *alpha,
                Item::Link { .. } => 1.0,
            };
            if a < 1.0 {
                alphas.insert((a * 1000.0).round() as u32);
            }
        }
        marks.push(catalog::PageMark {
            height: p.height,
            links: p
                .items
                .iter()
                .filter_map(|it| match it {
                    Item::Link { rect, target, .. } => Some((*rect, target.clone())),
                    _ => None,
                })
                .collect(),
            anchors: std::mem::take(&mut p.anchors),
            numbered: p.numbered,
        });
    }
    let used: BTreeMap<FontKind, BTreeMap<(u16, i8), char>> = seen
        .into_iter()
        .map(|(k, glyphs)| (k, glyphs.into_iter().collect()))
        .collect();
    // A subset numbers its glyphs in the order it is given them, after
    // .notdef: here, by glyph id and variant, so a glyph's copies sit next
    // to it in the program (and deflate to little). The page operations,
    // which need the new ids, are built while the subsets are being cut.
    let remaps: Remaps = used
        .iter()
        .map(|(k, glyphs)| {
            let font = fonts.get(*k);
            let coded = glyphs.keys().enumerate().map(|(i, &(g, v))| {
                let width = fonts::pdf_width(copy_advance(font, g, v), font.upem);
                (
                    (g, v),
                    content::Coded {
                        id: i as u16 + 1,
                        width,
                    },
                )
            });
            (*k, coded.collect())
        })
        .collect();

    // The faces' subsets and the pages' contents are independent jobs,
    // taken from one queue by one thread per core: the subsets first,
    // largest glyph set first (the longest job), then the pages in order.
    // Each page is dropped as soon as its content stream is deflated.
    type Cut = Result<(subset::Subset, fonts::Program, lopdf::Stream)>;
    let mut jobs: Vec<(FontKind, Vec<(u16, i32)>)> = used
        .iter()
        .map(|(k, glyphs)| {
            let font = fonts.get(*k);
            let list = glyphs
                .keys()
                .map(|&(g, v)| (g, variant_delta(font, v)))
                .collect();
            (*k, list)
        })
        .collect();
    jobs.sort_by_key(|(_, gids)| std::cmp::Reverse(gids.len()));
    type Content = Result<(f32, f32, lopdf::Stream)>;
    let pages: Vec<Mutex<Option<Page>>> = pages.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let streams: Vec<Mutex<Option<Content>>> = (0..pages.len()).map(|_| Mutex::new(None)).collect();
    let total = jobs.len() + pages.len();
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(FontKind, Cut)>> = Mutex::new(Vec::new());
    // Pages whose streams are made. Freeing one is thousands of small
    // frees of memory the layout threads allocated; done here, beside the
    // other thread's allocations, they fought over glibc's arena locks
    // (260 futex calls a run, against 20 without, on the default
    // briefing). So they are freed in batches of SPENT_BATCH, and the last
    // few after the queue: memory stays bounded at any length.
    let spent: Mutex<Vec<Page>> = Mutex::new(Vec::new());
    let work = || loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if let Some((kind, glyphs)) = jobs.get(k) {
            let font = fonts.get(*kind);
            let cache = opts.cache.as_deref().map(cache::Cache::new);
            let key = cache.as_ref().and_then(|_| cache::Cache::key(font, glyphs));
            let kept = cache.as_ref().zip(key.as_ref()).and_then(|(c, k)| c.get(k));
            let cut = match kept {
                Some(entry) => {
                    log::debug!("pdf: {} from the font cache", font.ps_name);
                    Ok(entry)
                }
                None => subset::subset(font, glyphs)
                    .and_then(|mut sub| fonts::program(font, &mut sub).map(|p| (sub, p)))
                    .inspect(|(sub, program)| {
                        if let Some((c, k)) = cache.as_ref().zip(key.as_ref()) {
                            c.put(k, sub, program);
                        }
                    }),
            };
            // The face's ToUnicode map is made here too, beside the
            // other faces' and the pages.
            let cut = cut.map(|(sub, program)| {
                let texts: BTreeMap<u16, char> = used[kind]
                    .values()
                    .enumerate()
                    .map(|(i, ch)| (i as u16 + 1, *ch))
                    .collect();
                let map = fonts::deflated(
                    Dictionary::new(),
                    fonts::cmap(&sub.name, &texts),
                    Effort::Thorough,
                );
                (sub, program, map)
            });
            lock(&done).push((*kind, cut));
        } else if k < total {
            let i = k - jobs.len();
            let Some(p) = lock(&pages[i]).take() else {
                continue;
            };
            let content = content_stream(page_ops(&p, &remaps)).map(|c| {
                (
                    p.width,
                    p.height,
                    fonts::deflated(Dictionary::new(), c, Effort::Quick),
                )
            });
            *lock(&streams[i]) = Some(content);
            let batch = {
                let mut spent = lock(&spent);
                spent.push(p);
                (spent.len() >= SPENT_BATCH).then(|| std::mem::take(&mut *spent))
            };
            drop(batch);
        } else {
            break;
        }
    };
    let helpers = std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .clamp(1, total.max(1));
    std::thread::scope(|sc| {
        let handles: Vec<_> = (0..helpers).map(|_| sc.spawn(work)).collect();
        work();
        for h in handles {
            // A helper that panicked leaves its job undone; that is caught
            // below.
            let _ = h.join();
        }
    });
    drop(spent);
    let mut programs = done.into_inner().unwrap_or_else(|e| e.into_inner());
    // In face order, not finishing order: equal inputs, equal bytes.
    programs.sort_by_key(|(kind, _)| *kind);
    if programs.len() != jobs.len() {
        return Err(Error::new(Kind::Software, "font subsetting panicked"));
    }
    let contents = streams
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| Err(Error::new(Kind::Software, "page content panicked")))
        })
        .collect::<Result<Vec<_>>>()?;
    lap("subsets and page contents");

    let mut lo = lopdf::Document::with_version("1.5");
    let mut font_dict = Dictionary::new();
    for (kind, cut) in programs {
        let (sub, program, to_unicode) = cut?;
        let glyphs = &used[&kind];
        if sub.advances.len() <= glyphs.len() {
            return Err(Error::new(
                Kind::Software,
                format!(
                    "the {} subset lacks glyphs the page operations use",
                    fonts.get(kind).ps_name
                ),
            ));
        }
        let font = fonts::add_face(&mut lo, fonts.get(kind), &sub, program, to_unicode)?;
        font_dict.set(font_id(kind).0, Object::Reference(font));
    }
    // Opacity states, named by value so output is deterministic.
    let mut states = Dictionary::new();
    for a in &alphas {
        let mut gs = Dictionary::new();
        gs.set("Type", Object::Name(b"ExtGState".to_vec()));
        gs.set("ca", Object::Real(*a as f32 / 1000.0));
        gs.set("CA", Object::Real(*a as f32 / 1000.0));
        states.set(format!("GS{a}"), gs);
    }
    let mut resources = Dictionary::new();
    resources.set("Font", font_dict);
    if !alphas.is_empty() {
        resources.set("ExtGState", states);
    }
    // One resource dictionary serves every page.
    let resources = lo.add_object(resources);
    let tree = lo.new_object_id();
    let mut kids = Vec::with_capacity(contents.len());
    for (w, h, stream) in contents {
        let content = lo.add_object(stream);
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(tree));
        page.set(
            "MediaBox",
            Object::Array(vec![0.into(), 0.into(), Object::Real(w), Object::Real(h)]),
        );
        page.set("Contents", Object::Reference(content));
        page.set("Resources", Object::Reference(resources));
        kids.push(Object::Reference(lo.add_object(page)));
    }
    let mut tree_dict = Dictionary::new();
    tree_dict.set("Type", Object::Name(b"Pages".to_vec()));
    tree_dict.set("Count", kids.len() as i64);
    tree_dict.set("Kids", Object::Array(kids));
    lo.objects.insert(tree, Object::Dictionary(tree_dict));
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Catalog".to_vec()));
    root.set("Pages", Object::Reference(tree));
    let root = lo.add_object(root);
    lo.trailer.set("Root", Object::Reference(root));
    let digest: [u8; 16] = id.finalize()[..16].try_into().expect("16 of 32 bytes");
    catalog::finish(&mut lo, doc, &marks, digest, opts)?;
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

/// How many written pages are kept before they are freed together (see
/// [`write`]): 32 pages of the default briefing hold about 0.6 MB.
const SPENT_BATCH: usize = 32;

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

/// The value behind `m`, even if a thread panicked holding it (each job's
/// result is checked after the jobs end).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
