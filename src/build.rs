//! One briefing built in memory: content, composition, layout and the
//! PDF writer in order, for one profile and date.

use chrono::NaiveDate;

use crate::config::{Config, Profile};
use crate::error::Result;
use crate::text::fonts::FontSet;
use crate::trace::mark;
use crate::{compose, content, edition, frame, layout, memory, pdf};

/// The faces of every edition the run's profiles are in, loaded once.
pub(crate) struct FontSets(Vec<(crate::config::Language, FontSet)>);

impl FontSets {
    /// The faces of the editions of `profiles`.
    ///
    /// # Errors
    ///
    /// [`Kind::Config`] when a font collection has no face made for an
    /// edition a profile is in (named in that language in its `name`
    /// table); [`Kind::NoInput`] when a face is not usable.
    pub(crate) fn load<'a>(
        config: &Config,
        profiles: impl IntoIterator<Item = &'a Profile>,
    ) -> Result<FontSets> {
        let mut out: Vec<(crate::config::Language, FontSet)> = Vec::new();
        for p in profiles {
            if out.iter().any(|(l, _)| *l == p.language) {
                continue;
            }
            let faces = config.fonts.faces_for(p.language).ok_or_else(|| {
                crate::error::Error::file(
                    crate::error::Kind::Config,
                    &config.path,
                    format!(
                        "profile `{}` is in {}, but a font collection under [fonts] has no face made for it (one named in that language, as Noto CJK's TC and HK faces are); use collections that hold one",
                        p.name,
                        p.language.tag()
                    ),
                )
            })?;
            out.push((p.language, FontSet::from_data(faces)?));
        }
        Ok(FontSets(out))
    }

    /// The faces of `profile`'s edition (loaded by [`FontSets::load`]).
    pub(crate) fn of(&self, profile: &Profile) -> &FontSet {
        self.0
            .iter()
            .find(|(l, _)| *l == profile.language)
            .map(|(_, f)| f)
            .unwrap_or_else(|| &self.0[0].1)
    }
}

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
    let mut doc = compose::compose(config, &briefing);
    let mut digest = compose::digest(&briefing);
    let converter = edition::Converter::new(config, profile.language);
    edition::document(&mut doc, &converter);
    edition::digest(&mut digest, &converter);
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
        language: doc.language.tag().to_string(),
        date_text: doc.date_text.to_string(),
    }
}
