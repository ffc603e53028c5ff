//! The batch runner: one run of the program over a config — the profiles
//! to build, the output lock, parallel builds, atomic writes, retention and
//! mail — and the `check` and `themes` reports. The command line only turns
//! flags into a [`Request`] and outcomes into output and exit codes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{Datelike, NaiveDate};

use rayon::prelude::*;

use crate::config::{self, Config, Profile};
use crate::deliver::{lock, mail, output, retention, signals};
use crate::error::{Error, Kind, Result};

mod inspect;
pub use inspect::{check, diff, themes};

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
    /// Allow a date after tomorrow.
    pub allow_future: bool,
    /// The date "本期新增" compares with, for every profile.
    pub since: Option<NaiveDate>,
    /// Parse the data and cut every font afresh, neither reading nor
    /// writing the caches (catalogue and font programs).
    pub no_cache: bool,
    /// Digest each written file ([`Outcome::sha256`]): the JSON output
    /// reports it; otherwise a run spares the time.
    pub digest: bool,
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
    /// SHA-256 of the file, hex, when the request asked for it.
    pub sha256: Option<String>,
    /// Recipients the briefing was mailed to.
    pub mailed: Vec<String>,
    /// Why mailing failed (the PDF is written all the same).
    pub mail_error: Option<Error>,
    /// Warnings for the user (e.g. a profile without recipients).
    pub warnings: Vec<String>,
    /// The briefing in brief, for its mail.
    digest: mail::Digest,
}

/// Told about each profile as soon as it is done, from the worker thread
/// that built it; `total` is the number of profiles in the run.
pub type Observer<'a> = dyn Fn(&Profile, &Result<Outcome>, usize) + Sync + 'a;

/// Parses a `--date` value: exactly `YYYY-MM-DD`, a real calendar date
/// from 1970 on (`2026-1-5`, ` 2026-01-05` and `0000-01-01` are refused).
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    parse_flag_date("--date", s)
}

/// Parses the date given to `flag` (`--date`, `--since`), naming that flag
/// when it is not one.
pub fn parse_flag_date(flag: &str, s: &str) -> Result<NaiveDate> {
    let usage = || {
        Error::new(
            Kind::Usage,
            format!(
                "invalid {flag} `{s}`: expected a calendar date as YYYY-MM-DD from 1970 on, e.g. 2026-11-24"
            ),
        )
    };
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(usage());
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| usage())?;
    if d.year() < 1970 {
        return Err(usage());
    }
    Ok(d)
}

/// Latest `SOURCE_DATE_EPOCH` accepted: 9999-12-31T23:59:59Z, the last
/// moment a PDF date can hold.
const MAX_EPOCH: i64 = 253_402_300_799;

/// `SOURCE_DATE_EPOCH` from the environment, if set: whole seconds from
/// 1970 to the end of 9999.
pub fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<i64>() {
            Ok(n) if (0..=MAX_EPOCH).contains(&n) => Ok(Some(n)),
            _ => Err(Error::new(
                Kind::Usage,
                format!(
                    "SOURCE_DATE_EPOCH `{v}` is not a whole number of seconds from 0 (1970) to {MAX_EPOCH} (9999-12-31)"
                ),
            )),
        },
        _ => Ok(None),
    }
}

/// Today in the config's time zone.
pub fn today(config: &Config) -> NaiveDate {
    date_in(jiff::Timestamp::now(), &config.time_zone)
}

/// The calendar date at instant `at` in zone `tz`.
fn date_in(at: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> NaiveDate {
    let d = tz.to_datetime(at).date();
    NaiveDate::from_ymd_opt(d.year().into(), d.month() as u32, d.day() as u32)
        .expect("every date jiff gives is one chrono knows")
}

/// The profiles `names` selects (all when empty), or a usage error naming
/// the ones the config defines.
fn selected<'c>(config: &'c Config, names: &[String]) -> Result<Vec<&'c Profile>> {
    if names.is_empty() {
        return Ok(config.profiles.iter().collect());
    }
    // A profile named twice is built once.
    let mut unique: Vec<&String> = Vec::new();
    for n in names {
        if !unique.contains(&n) {
            unique.push(n);
        }
    }
    unique
        .into_iter()
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
    fonts: &'a crate::build::FontSets,
    date: NaiveDate,
    today: NaiveDate,
    since: Option<NaiveDate>,
    epoch: Option<i64>,
    out_dir: &'a Path,
    digest: bool,
    /// The manifest and `latest` copies are shared by all profiles.
    retention_lock: Mutex<()>,
}

/// The latest date a briefing may carry without `--allow-future`: tomorrow
/// in the configured zone (a run just before midnight for the next day's
/// briefing is normal; a year-9999 typo is not).
fn check_window(date: NaiveDate, today: NaiveDate, allow_future: bool) -> Result<()> {
    let tomorrow = today.succ_opt().unwrap_or(today);
    if date > tomorrow && !allow_future {
        return Err(Error::new(
            Kind::Usage,
            format!(
                "--date {date} is after tomorrow ({tomorrow}) in the configured time zone; pass --allow-future to build it anyway (it will not replace the latest briefing)"
            ),
        ));
    }
    Ok(())
}

/// Two profiles must not write the same file: checked before anything is
/// built or written.
fn check_collisions(config: &Config, profiles: &[&Profile], date: NaiveDate) -> Result<()> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for p in profiles {
        let name = output::file_name(&config.file_name, &p.name, date);
        if let Some((_, other)) = seen.iter().find(|(n, _)| *n == name) {
            return Err(Error::file(
                Kind::Config,
                &config.path,
                format!(
                    "profiles `{other}` and `{}` would both be written to `{name}`; put `{{name}}` in `file_name`",
                    p.name
                ),
            ));
        }
        seen.push((name, &p.name));
    }
    Ok(())
}

/// Builds and writes every requested profile, then mails them, each
/// `observe`d when done. The output lock is held while files are written
/// and released before mail goes out, so a slow mail server never holds up
/// another run. One profile failing does not stop the others; the error
/// returned is the single profile's own, or a summary whose kind is that
/// of the first failing profile in config order. Mail that failed after
/// every PDF was written is `TempFail`.
pub fn generate(req: &Request, observe: &Observer) -> Result<()> {
    signals::install();
    // One pool for the whole run: the config's files, the profiles, and
    // the layout blocks, font subsets and page contents within each share
    // its threads, so a run of many profiles still uses one per core.
    let threads = req
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| {
            Error::new(
                Kind::Software,
                format!("cannot start the worker threads: {e}"),
            )
        })?
        .install(|| generate_in_pool(req, observe))
}

/// [`generate`], on the run's pool.
fn generate_in_pool(req: &Request, observe: &Observer) -> Result<()> {
    let (config, out_dir) = load(req)?;
    let today = today(&config);
    let date = req.date.unwrap_or(today);
    check_window(date, today, req.allow_future)?;
    let profiles = selected(&config, &req.profiles)?;
    check_since(&config, &profiles, req.since, date)?;
    check_collisions(&config, &profiles, date)?;
    // Mail settings and the password are checked before anything is built,
    // so a missing password variable fails fast with nothing written.
    let mailer = if req.mail {
        Some(mail::preflight(&config)?)
    } else {
        None
    };
    output::ensure_dir(&out_dir)?;
    let lock = lock::acquire(&out_dir, req.lock_wait)?;
    crate::trace::mark("output folder locked");
    retention::remove_stale_temps(&out_dir);
    crate::store::remove_parts(&crate::config::font_cache_in(&out_dir));
    let fonts = crate::build::FontSets::load(&config, profiles.iter().copied())?;
    log::info!("building {} profile(s) for {date}", profiles.len());
    let run = Run {
        config: &config,
        fonts: &fonts,
        date,
        today,
        since: req.since,
        epoch: req.epoch,
        out_dir: &out_dir,
        digest: req.digest,
        retention_lock: Mutex::new(()),
    };
    let tell = mailer.is_none().then_some(observe);
    let mut outcomes = write_all(&run, &profiles, tell);
    drop(lock);
    crate::trace::mark("output folder unlocked");
    if let Some(m) = &mailer {
        for (p, r) in profiles.iter().zip(outcomes.iter_mut()) {
            if let Ok(o) = r {
                mail_one(m, &config, p, date, o);
            }
            observe(p, r, profiles.len());
        }
    }
    verdict(&config, outcomes)
}

/// "本期新增" compares with a date before the briefing's: `--since`, or
/// else each profile's own `since` (refused at its place in the config).
fn check_since(
    config: &Config,
    profiles: &[&Profile],
    since: Option<NaiveDate>,
    date: NaiveDate,
) -> Result<()> {
    if let Some(s) = since {
        if s >= date {
            return Err(Error::new(
                Kind::Usage,
                format!("--since {s} must be before the briefing date {date}"),
            ));
        }
        return Ok(());
    }
    for p in profiles {
        if let Some(s) = p.since.filter(|s| *s >= date) {
            return Err(config.files.resolve(Error::at_origin(
                Kind::Config,
                p.since_origin,
                format!(
                    "profile `{}`: `since = {s}` must be before the briefing date {date}",
                    p.name
                ),
            )));
        }
    }
    Ok(())
}

/// Writes every profile on the run's pool; each is told to `observe` (when
/// given) in the config's order, as soon as those before it are told, so
/// logs and `--json` lines compare run to run.
fn write_all(run: &Run, profiles: &[&Profile], observe: Option<&Observer>) -> Vec<Result<Outcome>> {
    let n = profiles.len();
    let slots: Mutex<(usize, Vec<Option<Result<Outcome>>>)> =
        Mutex::new((0, (0..n).map(|_| None).collect()));
    profiles.par_iter().enumerate().for_each(|(i, p)| {
        let r = write_one(run, p);
        let mut g = slots.lock().expect("no panics while holding");
        g.1[i] = Some(r);
        while let Some(observe) = observe
            && g.0 < n
        {
            let k = g.0;
            let Some(r) = &g.1[k] else { break };
            observe(profiles[k], r, n);
            g.0 += 1;
        }
    });
    slots
        .into_inner()
        .expect("no panics while holding")
        .1
        .into_iter()
        .map(|r| r.expect("every profile was built"))
        .collect()
}

/// The config, with its caches where the briefings go, and that folder.
fn load(req: &Request) -> Result<(Config, PathBuf)> {
    let mut config = match req.no_cache {
        true => config::load(&req.config)?,
        false => config::load_for_run(&req.config, req.output_dir.as_deref())?,
    };
    let out_dir = req
        .output_dir
        .clone()
        .unwrap_or_else(|| config.output_dir.clone());
    // The font cache lives with the briefings it serves.
    config.font_cache = match req.no_cache {
        true => None,
        false => config
            .font_cache
            .take()
            .map(|_| config::font_cache_in(&out_dir)),
    };
    Ok((config, out_dir))
}

/// The run's result from each profile's: success when every briefing was
/// written (and mailed, when asked); else the one failure, or a summary
/// whose kind is the first failure's.
fn verdict(config: &Config, outcomes: Vec<Result<Outcome>>) -> Result<()> {
    let total = outcomes.len();
    let mut mail_failed = Vec::new();
    let mut failed: Vec<Error> = Vec::new();
    for r in outcomes {
        match r {
            Ok(o) => mail_failed.extend(o.mail_error),
            Err(e) => failed.push(e),
        }
    }
    if failed.is_empty() {
        config.keep_catalogue();
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

/// Builds one profile and puts it on disk. The order makes every failure
/// tell the truth: the PDF is staged in a temporary file; its name goes
/// into the manifest; the rename is the one commit point (before it the
/// previous file is untouched, after it the new one is whole); `latest` and
/// `keep` come after and only warn when they fail.
fn write_one(run: &Run, p: &Profile) -> Result<Outcome> {
    // "本期新增" compares with: --since, the profile's `since`, or the
    // newest earlier briefing of the profile this program wrote here.
    let since = match run.since.or(p.since) {
        Some(d) => Some(d),
        None => retention::previous(run.out_dir, &run.config.file_name, &p.name, run.date)?,
    };
    let built = crate::build::build(run.config, run.fonts.of(p), p, run.date, since, run.epoch)?;
    let file_name = output::file_name(&run.config.file_name, &p.name, run.date);
    let target = run.out_dir.join(&file_name);
    let staged = output::stage(run.out_dir, &built.bytes)?;
    crate::trace::mark("written and synced");
    {
        let _g = run.retention_lock.lock().expect("no panics while holding");
        retention::record(run.out_dir, &file_name).map_err(|e| {
            Error::new(
                e.kind(),
                format!(
                    "{} (nothing was written; {} is unchanged)",
                    e.message(),
                    target.display()
                ),
            )
        })?;
    }
    let path = staged.commit(&target, true)?;
    crate::trace::mark("in place");
    log::info!(
        "wrote {} ({} pages, {} bytes)",
        path.display(),
        built.pages,
        built.bytes.len()
    );
    let warnings = {
        let _g = run.retention_lock.lock().expect("no panics while holding");
        retention::after_commit(
            run.out_dir,
            &run.config.file_name,
            &p.name,
            &path,
            &built.bytes,
            run.config.keep,
            run.today,
        )
    };
    crate::trace::mark("latest and retention done");
    use sha2::Digest;
    let sha256 = run.digest.then(|| {
        sha2::Sha256::digest(&built.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    });
    Ok(Outcome {
        profile: p.name.clone(),
        path,
        date: run.date,
        pages: built.pages,
        bytes: built.bytes.len(),
        sha256,
        mailed: Vec::new(),
        mail_error: None,
        warnings,
        digest: built.digest,
    })
}

/// Mails a written briefing, recording the result in its outcome.
fn mail_one(m: &mail::Mailer, config: &Config, p: &Profile, date: NaiveDate, o: &mut Outcome) {
    match m.send_profile(config, p, date, &o.path, Some(&o.digest)) {
        Ok(mail::Delivery::Sent(r)) => {
            log::info!(
                "mailed {} to {} in {} attempt(s)",
                o.path.display(),
                r.recipients.join(", "),
                r.attempts
            );
            o.mailed = r.recipients;
        }
        Ok(mail::Delivery::Skipped(w)) => o.warnings.push(w),
        Err(e) => o.mail_error = Some(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Today" is the date where the configured zone is, not in UTC: one
    /// instant falls on different dates in different zones.
    #[test]
    fn today_is_the_date_in_the_configured_zone() {
        let at: jiff::Timestamp = "2024-07-25T16:30:00Z".parse().unwrap();
        let on = |zone: &str| date_in(at, &jiff::tz::TimeZone::get(zone).unwrap());
        assert_eq!(
            on("Asia/Shanghai"),
            NaiveDate::from_ymd_opt(2024, 7, 26).unwrap()
        );
        assert_eq!(on("UTC"), NaiveDate::from_ymd_opt(2024, 7, 25).unwrap());
        assert_eq!(
            on("Pacific/Kiritimati"),
            NaiveDate::from_ymd_opt(2024, 7, 26).unwrap()
        );
        let late: jiff::Timestamp = "2024-07-26T10:30:00Z".parse().unwrap();
        let honolulu = jiff::tz::TimeZone::get("Pacific/Honolulu").unwrap();
        assert_eq!(
            date_in(late, &honolulu),
            NaiveDate::from_ymd_opt(2024, 7, 26).unwrap()
        );
        assert_eq!(
            date_in(at, &honolulu),
            NaiveDate::from_ymd_opt(2024, 7, 25).unwrap()
        );
    }
}
