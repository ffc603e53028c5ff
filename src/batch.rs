//! The batch runner: one run of the program over a config — the profiles
//! to build, the output lock, parallel builds, atomic writes, retention and
//! mail — and the `check` and `themes` reports. The command line only turns
//! flags into a [`Request`] and outcomes into output and exit codes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;

use crate::config::{self, Config, Profile};
use crate::deliver::{lock, mail, output, retention, signals};
use crate::error::{Error, Kind, Result};
use crate::text::fonts::FontSet;

/// What to build, as the command line asked for it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The run configuration.
    pub config: PathBuf,
    /// Briefing date; today in the configured zone when `None`.
    pub date: Option<NaiveDate>,
    /// Profiles to build, by name; all when empty.
    pub profiles: Vec<String>,
    /// Output directory overriding the configured one.
    pub output_dir: Option<PathBuf>,
    /// How long to wait for another run's lock.
    pub lock_wait: Duration,
    /// Profiles built at once; one per core when `None`.
    pub jobs: Option<usize>,
    /// Mail each briefing after it is written.
    pub mail: bool,
    /// `SOURCE_DATE_EPOCH`, for reproducible output.
    pub epoch: Option<i64>,
}

/// What one profile produced.
#[derive(Debug)]
pub struct Outcome {
    /// Profile name.
    pub profile: String,
    /// Where the PDF was written.
    pub path: PathBuf,
    /// Briefing date.
    pub date: NaiveDate,
    /// Pages.
    pub pages: usize,
    /// Size in bytes.
    pub bytes: usize,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Recipients the briefing was mailed to.
    pub mailed: Vec<String>,
    /// Why mailing failed (the PDF is written all the same).
    pub mail_error: Option<Error>,
    /// Warnings for the user (e.g. a profile without recipients).
    pub warnings: Vec<String>,
}

/// Told about each profile as soon as it is done, from the worker thread
/// that built it; `total` is the number of profiles in the run.
pub type Observer<'a> = dyn Fn(&Profile, &Result<Outcome>, usize) + Sync + 'a;

/// Parses a `--date` value.
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Error::new(
            Kind::Usage,
            format!(
                "invalid --date `{s}`: expected a calendar date as YYYY-MM-DD, e.g. 2026-11-24"
            ),
        )
    })
}

/// `SOURCE_DATE_EPOCH` from the environment, if set.
pub fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v.trim().parse::<i64>().map(Some).map_err(|_| {
            Error::new(
                Kind::Usage,
                format!("SOURCE_DATE_EPOCH `{v}` is not a whole number of seconds"),
            )
        }),
        _ => Ok(None),
    }
}

/// Today in the config's time zone.
pub fn today(config: &Config) -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&config.time_zone)
        .date_naive()
}

/// The profiles `names` selects (all when empty), or a usage error naming
/// the ones the config defines.
fn selected<'c>(config: &'c Config, names: &[String]) -> Result<Vec<&'c Profile>> {
    if names.is_empty() {
        return Ok(config.profiles.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            config
                .profiles
                .iter()
                .find(|p| &p.name == n)
                .ok_or_else(|| {
                    Error::new(
                        Kind::Usage,
                        format!(
                            "unknown profile `{n}`; {} defines: {}",
                            config.path.display(),
                            config
                                .profiles
                                .iter()
                                .map(|p| p.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })
        })
        .collect()
}

/// What every profile of one run shares.
struct Run<'a> {
    config: &'a Config,
    fonts: &'a FontSet,
    date: NaiveDate,
    epoch: Option<i64>,
    out_dir: &'a Path,
    /// The manifest and `latest` copies are shared by all profiles.
    retention_lock: Mutex<()>,
    mailer: Option<mail::Mailer<'a>>,
}

/// Builds, writes (and mails) every requested profile, `observe`d one by
/// one. One profile failing does not stop the others; the error returned
/// is the single profile's own, or a summary whose kind is that of the
/// first failing profile in config order. Mail that failed after every PDF
/// was written is `TempFail`.
pub fn generate(req: &Request, observe: &Observer) -> Result<()> {
    let config = config::load(&req.config)?;
    let date = req.date.unwrap_or_else(|| today(&config));
    let profiles = selected(&config, &req.profiles)?;
    let out_dir = req
        .output_dir
        .clone()
        .unwrap_or_else(|| config.output_dir.clone());
    output::ensure_dir(&out_dir)?;
    let _lock = lock::acquire(&out_dir, req.lock_wait)?;
    retention::remove_stale_temps(&out_dir);
    if let Err(e) = signals::install() {
        log::warn!("cannot install signal handlers: {e}");
    }
    // Mail settings and the password are checked before anything is built,
    // so a missing password variable fails fast with nothing written.
    let mailer = if req.mail {
        Some(mail::preflight(&config)?)
    } else {
        None
    };
    let fonts = FontSet::load(&config.fonts)?;
    log::info!("building {} profile(s) for {date}", profiles.len());

    let jobs = req
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, profiles.len().max(1));
    let run = Run {
        config: &config,
        fonts: &fonts,
        date,
        epoch: req.epoch,
        out_dir: &out_dir,
        retention_lock: Mutex::new(()),
        mailer,
    };
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<(usize, Result<Outcome>)>> = Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for _ in 0..jobs {
            sc.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(p) = profiles.get(i) else { break };
                    let r = build_one(&run, p);
                    observe(p, &r, profiles.len());
                    outcomes
                        .lock()
                        .expect("no panics while holding")
                        .push((i, r));
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().expect("workers finished");
    outcomes.sort_by_key(|(i, _)| *i);
    let total = outcomes.len();
    let mut mail_failed = Vec::new();
    let mut failed: Vec<Error> = Vec::new();
    for (_, r) in outcomes {
        match r {
            Ok(o) => mail_failed.extend(o.mail_error),
            Err(e) => failed.push(e),
        }
    }
    if failed.is_empty() {
        // Every PDF is on disk; undelivered mail still fails the run, with
        // EX_TEMPFAIL so a scheduler knows a retry may succeed.
        return match mail_failed.len() {
            0 => Ok(()),
            n => Err(Error::new(
                Kind::TempFail,
                format!("{n} of {total} briefings were written but not mailed (reported above)"),
            )),
        };
    }
    if total == 1 {
        return Err(failed.remove(0));
    }
    Err(Error::new(
        failed[0].kind(),
        format!(
            "{} of {total} briefings failed (reported above); the others were written",
            failed.len()
        ),
    ))
}

fn build_one(run: &Run, p: &Profile) -> Result<Outcome> {
    let built = crate::build(run.config, run.fonts, p, run.date, run.epoch)?;
    let file_name = output::file_name(&run.config.file_name, &p.name, run.date);
    let path = output::write_atomic(run.out_dir, &file_name, &built.bytes)?;
    {
        let _g = run.retention_lock.lock().expect("no panics while holding");
        retention::after_write(
            run.out_dir,
            &run.config.file_name,
            &p.name,
            &path,
            &built.bytes,
            run.config.keep,
        )?;
    }
    let mut mailed = Vec::new();
    let mut mail_error = None;
    let mut warnings = Vec::new();
    if let Some(m) = run.mailer.as_ref() {
        match m.send_profile(run.config, p, run.date, &path) {
            Ok(mail::Delivery::Sent(r)) => {
                log::info!(
                    "mailed {} to {} in {} attempt(s)",
                    path.display(),
                    r.recipients.join(", "),
                    r.attempts
                );
                mailed = r.recipients;
            }
            Ok(mail::Delivery::Skipped(w)) => warnings.push(w),
            Err(e) => mail_error = Some(e),
        }
    }
    use sha2::Digest;
    let sha256 = sha2::Sha256::digest(&built.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Outcome {
        profile: p.name.clone(),
        path,
        date: run.date,
        pages: built.pages,
        bytes: built.bytes.len(),
        sha256,
        mailed,
        mail_error,
        warnings,
    })
}

/// Loads the config and typesets every profile in memory (which catches
/// characters missing from the fonts, which only layout can see), writing
/// nothing; returns a one-line summary.
pub fn check(path: &Path) -> Result<String> {
    let config = config::load(path)?;
    let fonts = FontSet::load(&config.fonts)?;
    let date = today(&config);
    for p in &config.profiles {
        crate::build(&config, &fonts, p, date, Some(0))?;
    }
    Ok(format!(
        "{}: ok ({} profiles, {} themes, {} facts, {} sources)",
        path.display(),
        config.profiles.len(),
        config.catalog.themes.len(),
        config.catalog.facts.len(),
        config.catalog.sources.len()
    ))
}

/// The themes and regions the theme files define, with fact counts, one
/// line each (regions indented under their theme).
pub fn themes(path: &Path) -> Result<Vec<String>> {
    let config = config::load(path)?;
    let counts = crate::content::fact_counts(&config.catalog);
    let mut out = Vec::new();
    for t in &config.catalog.themes {
        out.push(format!(
            "{:<16} {}  ({} facts)",
            t.id,
            t.title,
            counts.get(&t.id).copied().unwrap_or(0)
        ));
        for r in &t.regions {
            let n = config
                .catalog
                .facts
                .values()
                .filter(|f| f.region.as_deref() == Some(&r.id))
                .count();
            out.push(format!("  {:<14} {}  ({} facts)", r.id, r.name, n));
        }
    }
    Ok(out)
}
