//! One briefing built in memory: content, composition, layout and the
//! PDF writer in order, for one profile and date.

use chrono::NaiveDate;

use crate::config::{Config, Profile};
use crate::error::Result;
use crate::text::fonts::FontSet;
use crate::trace::mark;
use crate::{compose, content, frame, layout, memory, pdf};

/// A briefing built in memory.
#[derive(Debug, Clone)]
pub struct Built {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// What the briefing says in brief, for the mail that carries it.
    pub digest: compose::Digest,
}

/// How long each stage of one build took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Selecting content and composing the document.
    pub content: std::time::Duration,
    /// Typesetting and pagination.
    pub layout: std::time::Duration,
    /// Font subsets and PDF bytes.
    pub pdf: std::time::Duration,
}

/// Builds the PDF of `profile` for `date`, without touching the disk.
pub fn build(
    config: &Config,
    fonts: &FontSet,
    profile: &Profile,
    date: NaiveDate,
    since: Option<NaiveDate>,
    epoch: Option<i64>,
) -> Result<Built> {
    build_timed(config, fonts, profile, date, since, epoch).map(|(b, _)| b)
}

/// [`build`], with the time each stage took (for the benchmark and for
/// `RUST_LOG=debug`).
pub fn build_timed(
    config: &Config,
    fonts: &FontSet,
    profile: &Profile,
    date: NaiveDate,
    since: Option<NaiveDate>,
    epoch: Option<i64>,
) -> Result<(Built, Timings)> {
    let t = std::time::Instant::now();
    let briefing =
        content::select(config, profile, date, since).map_err(|e| config.files.resolve(e))?;
    let doc = compose::compose(config, &briefing);
    let digest = compose::digest(&briefing);
    let t_content = t.elapsed();
    mark("content selected");
    // Errors found from here on name the input by origin: placed in its
    // file only now, where the files are at hand.
    let laid =
        layout::layout_document(&doc, fonts, &config.page).map_err(|e| config.files.resolve(e))?;
    for w in laid.warnings {
        log::warn!("{}", config.files.resolve(w).message());
    }
    let (pages, structure) = (laid.pages, laid.structure);
    let t_layout = t.elapsed();
    mark("laid out");
    memory::release();
    let opts = pdf::PdfOptions {
        epoch,
        producer: format!("briefing {}", env!("CARGO_PKG_VERSION")),
        cache: config.font_cache.clone(),
        standards: config.pdf_standards,
    };
    let page_count = pages.len();
    let bytes = pdf::write(&meta(&doc), pages, &structure, fonts, &opts)
        .map_err(|e| config.files.resolve(e))?;
    mark("pdf made");
    let timings = Timings {
        content: t_content,
        layout: t_layout - t_content,
        pdf: t.elapsed() - t_layout,
    };
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    log::info!("{}: content {:.1} ms", profile.name, ms(timings.content));
    log::info!(
        "{}: layout {:.1} ms, {} pages",
        profile.name,
        ms(timings.layout),
        page_count
    );
    log::info!(
        "{}: pdf {:.1} ms, {} bytes",
        profile.name,
        ms(timings.pdf),
        bytes.len()
    );
    Ok((
        Built {
            bytes,
            pages: page_count,
            digest,
        },
        timings,
    ))
}

/// The metadata the PDF writer records, from the composed document.
fn meta(doc: &compose::Document) -> frame::Meta {
    frame::Meta {
        title: doc.title.to_string(),
        author: doc.author.to_string(),
        subject: doc.subject.to_string(),
        keywords: doc.keywords.iter().map(|k| k.to_string()).collect(),
        organisation: doc.organisation.to_string(),
        language: doc.language.clone(),
        date_text: doc.date_text.to_string(),
    }
}
