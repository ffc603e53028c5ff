//! `briefing`: the command line over the library. Thin on purpose: every
//! step it runs is a library function the tests and benchmarks call too.

// Errors carry a source snippet for their diagnostic, which makes them
// large; they are built once per failed run, so the size of `Result` on the
// happy path is not worth boxing every error for.
#![allow(clippy::result_large_err)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use briefing::config::{self, Config};
use briefing::deliver::{lock, mail, output, retention, signals};
use briefing::error::{Error, Kind, Result};
use briefing::layout::fonts::FontSet;

/// Dated PDF briefings on China's AI compute industry, in Simplified Chinese.
///
/// With no subcommand, generates the briefings of config/briefing.toml for
/// today (in the configured time zone).
#[derive(Parser, Debug)]
#[command(name = "briefing", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    generate: GenerateArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write the dated PDF briefing(s).
    Generate(GenerateArgs),
    /// Validate the config and theme data (and typeset in memory) without writing.
    Check(ConfigArg),
    /// List themes, regions and fact counts.
    Themes(ConfigArg),
}

#[derive(Args, Debug, Clone)]
struct ConfigArg {
    /// The run configuration.
    #[arg(
        long,
        short = 'c',
        value_name = "FILE",
        default_value = "config/briefing.toml"
    )]
    config: PathBuf,
}

#[derive(Args, Debug, Clone)]
struct GenerateArgs {
    #[command(flatten)]
    config: ConfigArg,
    /// Briefing date (YYYY-MM-DD); default: today in the configured time zone.
    #[arg(long, short = 'd', value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Build only this profile (repeatable); default: all profiles.
    #[arg(long, short = 'p', value_name = "NAME")]
    profile: Vec<String>,
    /// Write into this directory instead of the configured one.
    #[arg(long, short = 'o', value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Print nothing on success (errors still go to standard error).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print one JSON object per written briefing instead of its path.
    #[arg(long)]
    json: bool,
    /// Seconds to wait for another run holding the output directory's lock.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    lock_wait: u64,
    /// Profiles built at once (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Mail each briefing right after it is written ([mail] in the config).
    #[arg(long)]
    mail: bool,
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .format_timestamp(None)
        .init();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => Kind::Usage.exit_code(),
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    let result = match cli.command {
        None => generate(&cli.generate),
        Some(Command::Generate(a)) => generate(&a),
        Some(Command::Check(a)) => check(&a.config),
        Some(Command::Themes(a)) => themes(&a.config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(e),
    }
}

/// Prints a diagnostic and exits with its kind's code.
fn report(e: Error) -> ! {
    let code = e.kind().exit_code();
    eprintln!("{:?}", miette::Report::new(e));
    std::process::exit(code)
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Error::new(
            Kind::Usage,
            format!(
                "invalid --date `{s}`: expected a calendar date as YYYY-MM-DD, e.g. 2026-11-24"
            ),
        )
    })
}

fn source_date_epoch() -> Result<Option<i64>> {
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

fn today(config: &Config) -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&config.time_zone)
        .date_naive()
}

fn generate(a: &GenerateArgs) -> Result<()> {
    // Arguments first: a bad --date is a usage error even if the config is broken too.
    let date = a.date.as_deref().map(parse_date).transpose()?;
    let epoch = source_date_epoch()?;
    let config = config::load(&a.config.config)?;
    let date = date.unwrap_or_else(|| today(&config));
    let profiles: Vec<&config::Profile> = if a.profile.is_empty() {
        config.profiles.iter().collect()
    } else {
        a.profile
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
            .collect::<Result<_>>()?
    };
    let out_dir = a
        .output_dir
        .clone()
        .unwrap_or_else(|| config.output_dir.clone());
    output::ensure_dir(&out_dir)?;
    let _lock = lock::acquire(&out_dir, Duration::from_secs(a.lock_wait))?;
    retention::remove_stale_temps(&out_dir);
    if let Err(e) = signals::install() {
        log::warn!("cannot install signal handlers: {e}");
    }
    // Mail settings and the password are checked before anything is built,
    // so a missing password variable fails fast with nothing written.
    let mailer = if a.mail {
        Some(mail::preflight(&config)?)
    } else {
        None
    };
    let fonts = FontSet::load(&config.fonts)?;
    log::info!("building {} profile(s) for {date}", profiles.len());

    let jobs = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, profiles.len().max(1));
    let progress = (!a.quiet && !a.json && std::io::stderr().is_terminal() && profiles.len() > 1)
        .then(|| {
            let pb = indicatif::ProgressBar::new(profiles.len() as u64);
            pb.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                    .expect("valid template"),
            );
            pb
        });
    let run = Run {
        config: &config,
        fonts: &fonts,
        date,
        epoch,
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
                    if let Ok(Outcome {
                        mail_error: Some(e),
                        ..
                    }) = &r
                    {
                        eprintln!(
                            "briefing: profile `{}`: written, but not mailed:\n{}",
                            p.name,
                            render(e)
                        );
                    }
                    match &r {
                        Ok(o) if !a.quiet => print_outcome(o, a.json),
                        // With several profiles each failure is reported as it
                        // happens; a single profile's error is returned below.
                        Err(e) if profiles.len() > 1 => {
                            eprintln!("briefing: profile `{}` failed:\n{}", p.name, render(e))
                        }
                        _ => {}
                    }
                    if let Some(pb) = &progress {
                        pb.inc(1);
                        pb.set_message(p.name.clone());
                    }
                    outcomes
                        .lock()
                        .expect("no panics while holding")
                        .push((i, r));
                }
            });
        }
    });
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
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
    // The first failing profile (in config order) decides the exit code.
    Err(Error::new(
        failed[0].kind(),
        format!(
            "{} of {total} briefings failed (reported above); the others were written",
            failed.len()
        ),
    ))
}

/// A diagnostic as text, with its source snippet.
fn render(e: &Error) -> String {
    let mut s = String::new();
    let _ = miette::GraphicalReportHandler::new().render_report(&mut s, e);
    s
}

/// What one profile produced.
struct Outcome {
    profile: String,
    path: PathBuf,
    date: NaiveDate,
    pages: usize,
    bytes: usize,
    sha256: String,
    /// Recipients the briefing was mailed to.
    mailed: Vec<String>,
    /// Why mailing failed (the PDF is written all the same).
    mail_error: Option<Error>,
}

/// What every profile of one run shares.
struct Run<'a> {
    config: &'a Config,
    fonts: &'a FontSet,
    date: NaiveDate,
    epoch: Option<i64>,
    out_dir: &'a std::path::Path,
    /// The manifest and `latest` copies are shared by all profiles.
    retention_lock: Mutex<()>,
    mailer: Option<mail::Mailer<'a>>,
}

fn build_one(run: &Run, p: &config::Profile) -> Result<Outcome> {
    let Run {
        config,
        fonts,
        date,
        epoch,
        out_dir,
        ..
    } = *run;
    let retention_lock = &run.retention_lock;
    let mailer = run.mailer.as_ref();
    let built = briefing::build(config, fonts, p, date, epoch)?;
    let path = output::write_atomic(out_dir, &built.file_name, &built.bytes)?;
    {
        let _g = retention_lock.lock().expect("no panics while holding");
        retention::after_write(
            out_dir,
            &config.file_name,
            &p.name,
            &path,
            &built.bytes,
            config.keep,
        )?;
    }
    let mut mailed = Vec::new();
    let mut mail_error = None;
    if let Some(m) = mailer {
        match m.send_profile(config, p, date, &path) {
            Ok(mail::Delivery::Sent(r)) => {
                log::info!(
                    "mailed {} to {} in {} attempt(s)",
                    path.display(),
                    r.recipients.join(", "),
                    r.attempts
                );
                mailed = r.recipients;
            }
            Ok(mail::Delivery::Skipped(w)) => eprintln!("briefing: warning: {w}"),
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
        date,
        pages: built.pages,
        bytes: built.bytes.len(),
        sha256,
        mailed,
        mail_error,
    })
}

fn print_outcome(o: &Outcome, json: bool) {
    let line = if json {
        serde_json::json!({
            "profile": o.profile,
            "path": o.path.display().to_string(),
            "date": o.date.format("%Y-%m-%d").to_string(),
            "pages": o.pages,
            "bytes": o.bytes,
            "sha256": o.sha256,
            "mailed": o.mailed,
        })
        .to_string()
    } else {
        o.path.display().to_string()
    };
    // One write per line, so lines from parallel workers never interleave.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

fn check(path: &std::path::Path) -> Result<()> {
    let config = config::load(path)?;
    let fonts = FontSet::load(&config.fonts)?;
    let date = today(&config);
    // Typeset every profile in memory: catches characters missing from the
    // fonts, which only layout can see.
    for p in &config.profiles {
        briefing::build(&config, &fonts, p, date, Some(0))?;
    }
    println!(
        "{}: ok ({} profiles, {} themes, {} facts, {} sources)",
        path.display(),
        config.profiles.len(),
        config.catalog.themes.len(),
        config.catalog.facts.len(),
        config.catalog.sources.len()
    );
    Ok(())
}

fn themes(path: &std::path::Path) -> Result<()> {
    let config = config::load(path)?;
    let counts = briefing::content::fact_counts(&config.catalog);
    for t in &config.catalog.themes {
        println!(
            "{:<16} {}  ({} facts)",
            t.id,
            t.title,
            counts.get(&t.id).copied().unwrap_or(0)
        );
        for r in &t.regions {
            let n = config
                .catalog
                .facts
                .values()
                .filter(|f| f.region.as_deref() == Some(&r.id))
                .count();
            println!("  {:<14} {}  ({} facts)", r.id, r.name, n);
        }
    }
    Ok(())
}
