//! One briefing built in memory: content, composition, layout and the
//! PDF writer in order, for one profile and date.

use chrono::NaiveDate;

use crate::config::{Config, Profile};
use crate::error::Result;
use crate::text::fonts::FontSet;
use crate::trace::mark;
use crate::{compose, content, deliver, error, frame, layout, memory, pdf};

/// A briefing built in memory.
#[derive(Debug, Clone)]
pub struct Built {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// What the briefing says in brief, for the mail that carries it.
    pub digest: deliver::mail::Digest,
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
    let briefing = content::select(config, profile, date, since);
    let doc = compose::compose(config, &briefing);
    let digest = digest(&briefing);
    let t_content = t.elapsed();
    mark("content selected");
    let pages =
        layout::layout_document(&doc, fonts, &config.page).map_err(|e| locate(config, e))?;
    let t_layout = t.elapsed();
    mark("laid out");
    memory::release();
    let opts = pdf::PdfOptions {
        epoch,
        producer: format!("briefing {}", env!("CARGO_PKG_VERSION")),
        cache: config.font_cache.clone(),
    };
    let page_count = pages.len();
    let bytes = pdf::write(&meta(&doc), pages, fonts, &opts)?;
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

/// The briefing in brief for its mail: key figures and what is new.
fn digest(b: &content::Briefing) -> deliver::mail::Digest {
    // As many as the key-figure cards show: four a theme, so the mail
    // stays a glance.
    let mut per_theme: Vec<(&str, usize)> = Vec::new();
    let key_figures = b
        .key_facts
        .iter()
        .filter(|k| k.numeric)
        .filter(
            |k| match per_theme.iter_mut().find(|(t, _)| *t == k.theme) {
                Some((_, n)) if *n >= 4 => false,
                Some((_, n)) => {
                    *n += 1;
                    true
                }
                None => {
                    per_theme.push((&k.theme, 1));
                    true
                }
            },
        )
        .map(|k| {
            let mark = if k.derived {
                content::format::DERIVED_MARK
            } else {
                ""
            };
            (
                k.subject(),
                format!("{}{mark}", k.figure.joined()),
                k.period.clone(),
            )
        })
        .collect();
    let mut news = Vec::new();
    let mut new_count = 0;
    if let Some(n) = &b.news {
        new_count = n.count();
        if n.sources.is_empty() {
            news.push(format!(
                "自上期（{}）以来无新增资料。",
                content::chinese_date(n.since)
            ));
        }
        for s in &n.sources {
            let items: Vec<String> = s
                .facts
                .iter()
                .take(3)
                .map(|f| format!("{}{}", f.label, f.value))
                .collect();
            news.push(format!(
                "{}（{}）：{}等{}项",
                s.name,
                s.date_text,
                items.join("；"),
                s.facts.len()
            ));
        }
        for u in &n.updates {
            let change = u
                .change
                .as_deref()
                .map_or(String::new(), |c| format!("，{c}"));
            news.push(format!(
                "{}：{}（{}）→ {}（{}）{change}",
                u.label, u.old, u.old_period, u.new, u.new_period
            ));
        }
    }
    deliver::mail::Digest {
        key_figures,
        news,
        new_count,
    }
}

/// The metadata the PDF writer records, from the composed document.
fn meta(doc: &compose::Document) -> frame::Meta {
    frame::Meta {
        title: doc.title.clone(),
        author: doc.author.clone(),
        subject: doc.subject.clone(),
        keywords: doc.keywords.clone(),
        organisation: doc.organisation.clone(),
        language: doc.language.clone(),
        date_text: doc.date_text.clone(),
    }
}

/// Points an error about a character no font has at the first place the
/// character occurs in the input files: the typesetter sees only text, but
/// every character it sets came from one of them.
fn locate(config: &Config, e: error::Error) -> error::Error {
    let Some(c) = e.missing_char() else {
        return e;
    };
    for path in &config.inputs {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if let Some(at) = text.find(c) {
            let more = text.matches(c).count() - 1;
            let e = e.placed(path, &text, at..at + c.len_utf8());
            return if more > 0 {
                let help = format!(
                    "{} (the character occurs {more} more time(s) in this file)",
                    e.help_text().unwrap_or_default()
                );
                e.with_help(help)
            } else {
                e
            };
        }
    }
    e
}
