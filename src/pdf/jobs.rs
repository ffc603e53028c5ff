//! The two kinds of work a PDF takes, run together on the run's pool:
//! each face's subset (`cff` for CID-keyed CFF faces, `subsetter` and then
//! `cff` or `glyf` otherwise; or its finished program from the font cache)
//! with its ToUnicode map, and each page's content stream. The subsets are
//! the longest jobs, so they start first; each page is dropped as soon as
//! its stream is deflated.

use std::collections::BTreeMap;
use std::sync::Mutex;

use lopdf::Dictionary;
use rayon::prelude::*;

use super::content::{Remaps, content_stream, page_ops};
use super::scan::Scan;
use super::{Effort, PdfOptions, cache, fonts, subset, variant_delta};
use crate::error::Result;
use crate::frame::{FontKind, NodeId, Page, Structure};
use crate::text::fonts::FontSet;

/// A face's subset, its finished program and its ToUnicode map.
pub(super) type Cut = (subset::Subset, fonts::Program, lopdf::Stream);

/// A page's size and deflated content stream, and the element each of
/// its marked-content ids belongs to.
pub(super) type Content = (f32, f32, lopdf::Stream, Vec<NodeId>);

/// Each face's cut, by face.
pub(super) type Cuts = Vec<(FontKind, Result<Cut>)>;

/// How many written pages are kept before they are freed together: a
/// page is thousands of small allocations made by the layout's threads,
/// and freeing them one page at a time beside the other workers fought
/// over glibc's arena locks (260 futex calls a run, against 20, on the
/// default briefing). 32 pages of the default briefing hold about 0.6 MB.
const SPENT_BATCH: usize = 32;

/// Cuts every face's subset and writes every page's content stream,
/// marked by `structure` when given; the subsets come back in face
/// order, the streams in page order.
pub(super) fn run(
    scan: &Scan,
    pages: Vec<Page>,
    remaps: &Remaps,
    fonts: &FontSet,
    opts: &PdfOptions,
    structure: Option<&Structure>,
) -> (Cuts, Vec<Result<Content>>) {
    let mut faces: Vec<(FontKind, Vec<(u16, i32)>)> = scan
        .used
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
    // Largest glyph set first: the longest job.
    faces.sort_by_key(|(_, gids)| std::cmp::Reverse(gids.len()));
    let spent: Mutex<Vec<Page>> = Mutex::new(Vec::new());
    let (mut cuts, contents) = rayon::join(
        || {
            faces
                .par_iter()
                .map(|(kind, glyphs)| (*kind, cut(*kind, glyphs, &scan.used[kind], fonts, opts)))
                .collect::<Vec<_>>()
        },
        || {
            pages
                .into_par_iter()
                .map(|p| {
                    let (ops, mcids) = page_ops(&p, remaps, structure);
                    let content = content_stream(ops).map(|c| {
                        (
                            p.width,
                            p.height,
                            fonts::deflated(Dictionary::new(), c, Effort::Quick),
                            mcids,
                        )
                    });
                    let batch = {
                        let mut spent = spent.lock().unwrap_or_else(|e| e.into_inner());
                        spent.push(p);
                        (spent.len() >= SPENT_BATCH).then(|| std::mem::take(&mut *spent))
                    };
                    drop(batch);
                    content
                })
                .collect::<Vec<_>>()
        },
    );
    // In face order, not finishing order: equal inputs, equal bytes.
    cuts.sort_by_key(|(kind, _)| *kind);
    (cuts, contents)
}

/// One face's subset, program and ToUnicode map, from the font cache when
/// it holds them.
fn cut(
    kind: FontKind,
    glyphs: &[(u16, i32)],
    chars: &BTreeMap<(u16, i8), char>,
    fonts: &FontSet,
    opts: &PdfOptions,
) -> Result<Cut> {
    let font = fonts.get(kind);
    let cache = opts.cache.as_deref().map(cache::Cache::new);
    let key = cache.as_ref().and_then(|_| cache::Cache::key(font, glyphs));
    let kept = cache.as_ref().zip(key.as_ref()).and_then(|(c, k)| c.get(k));
    let (sub, program) = match kept {
        Some(entry) => {
            log::debug!("pdf: {} from the font cache", font.ps_name);
            entry
        }
        None => {
            let mut sub = subset::subset(font, glyphs)?;
            let program = fonts::program(font, &mut sub)?;
            if let Some((c, k)) = cache.as_ref().zip(key.as_ref()) {
                c.put(k, &sub, &program);
            }
            (sub, program)
        }
    };
    let texts: BTreeMap<u16, char> = chars
        .values()
        .enumerate()
        .map(|(i, ch)| (i as u16 + 1, *ch))
        .collect();
    let map = fonts::deflated(
        Dictionary::new(),
        fonts::cmap(&sub.name, &texts),
        Effort::Thorough,
    );
    Ok((sub, program, map))
}
