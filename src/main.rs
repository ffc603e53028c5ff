//! `briefing`: the command line over the library. Thin on purpose: every
//! step it runs is a library function the tests and benchmarks call too.

// Errors carry a source snippet for their diagnostic, which makes them
// large; they are built once per failed run, so the size of `Result` on the
// happy path is not worth boxing every error for.
#![allow(clippy::result_large_err)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use briefing::batch::{self, Outcome, Request};
use briefing::error::{Error, Kind, Result};

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
    /// What is new between two dates: the comparison of the "本期新增" section.
    Diff(DiffArgs),
}

#[derive(Args, Debug, Clone)]
struct DiffArgs {
    #[command(flatten)]
    config: ConfigArg,
    /// The earlier date (the previous briefing's).
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: String,
    /// The later date; default: today in the configured time zone.
    #[arg(long, short = 'd', value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Only this profile (repeatable); default: all profiles.
    #[arg(long, short = 'p', value_name = "NAME")]
    profile: Vec<String>,
    /// One JSON object per profile instead of text.
    #[arg(long)]
    json: bool,
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
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Allow a --date after tomorrow (such a briefing never replaces the latest one).
    #[arg(long)]
    allow_future: bool,
    /// Compare with this date in "本期新增" (default: the profile's previous briefing).
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Mail each briefing right after it is written ([mail] in the config).
    #[arg(long)]
    mail: bool,
    /// Parse the data and cut every font afresh: neither read nor write the caches.
    #[arg(long)]
    no_cache: bool,
}

fn main() -> ExitCode {
    briefing::trace::start_clock();
    // First: a SIGTERM in the first milliseconds is handled like any other.
    briefing::deliver::signals::install();
    // Messages are never wrapped: a wrapped identifier cannot be searched.
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())
    }));
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
        Some(Command::Check(a)) => batch::check(&a.config).map(|s| println!("{s}")),
        Some(Command::Diff(a)) => diff(&a),
        Some(Command::Themes(a)) => batch::themes(&a.config).map(|lines| {
            for l in lines {
                println!("{l}");
            }
        }),
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

fn generate(a: &GenerateArgs) -> Result<()> {
    // Arguments first: a bad --date is a usage error even if the config is broken too.
    let req = Request {
        config: a.config.config.clone(),
        date: a.date.as_deref().map(batch::parse_date).transpose()?,
        profiles: a.profile.clone(),
        output_dir: a.output_dir.clone(),
        lock_wait: Duration::from_secs(a.lock_wait),
        jobs: a.jobs.map(usize::from),
        mail: a.mail,
        epoch: batch::source_date_epoch()?,
        allow_future: a.allow_future,
        since: a
            .since
            .as_deref()
            .map(|s| batch::parse_flag_date("--since", s))
            .transpose()?,
        no_cache: a.no_cache,
        digest: a.json,
    };
    let progress = (!a.quiet && !a.json && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::hidden();
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("valid template"),
        );
        pb
    });
    let observe = |p: &briefing::config::Profile, r: &Result<Outcome>, total: usize| {
        if let Ok(o) = r {
            for w in &o.warnings {
                eprintln!("briefing: warning: {w}");
            }
            if let Some(e) = &o.mail_error {
                eprintln!(
                    "briefing: profile `{}`: written, but not mailed:\n{}",
                    p.name,
                    render(e)
                );
            }
        }
        match r {
            // --json wins over -q: only human output is silenced.
            Ok(o) if a.json || !a.quiet => print_outcome(o, a.json),
            // With several profiles each failure is reported as it
            // happens; a single profile's error is returned at the end.
            Err(e) if total > 1 => {
                eprintln!("briefing: profile `{}` failed:\n{}", p.name, render(e))
            }
            _ => {}
        }
        if let Some(pb) = &progress
            && total > 1
        {
            if pb.is_hidden() {
                pb.set_length(total as u64);
                pb.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            pb.inc(1);
            pb.set_message(p.name.clone());
        }
    };
    let result = batch::generate(&req, &observe);
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    result
}

fn diff(a: &DiffArgs) -> Result<()> {
    let since = batch::parse_flag_date("--since", &a.since)?;
    let date = a.date.as_deref().map(batch::parse_date).transpose()?;
    let results = batch::diff(&a.config.config, &a.profile, since, date)?;
    let mut out = std::io::stdout().lock();
    for (profile, date, news) in results {
        if a.json {
            let v = serde_json::json!({
                "profile": profile,
                "since": news.since,
                "date": date,
                "new_count": news.count(),
                "sources": news.sources,
                "updates": news.updates,
            });
            let _ = writeln!(out, "{v}");
            continue;
        }
        // In Chinese throughout, as the briefing's 本期新增 says it: the
        // figures, labels and changes are the data's own words.
        let _ = writeln!(
            out,
            "{profile}：{} 至 {date}，新增资料{}份、数据{}项",
            news.since,
            news.sources.len(),
            news.count()
        );
        for s in &news.sources {
            let _ = writeln!(out, "  [{}] {}（{}）", s.no, s.name, s.published);
            for f in &s.facts {
                let _ = writeln!(
                    out,
                    "      {}：{}（{}）——{}",
                    f.label, f.value, f.period, f.theme
                );
            }
        }
        for u in &news.updates {
            let change = u
                .change
                .as_deref()
                .map(|c| format!("，{c}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  更新：{}由{}（{}）变为{}（{}）{change}",
                u.label, u.old, u.old_period, u.new, u.new_period
            );
        }
    }
    Ok(())
}

/// A diagnostic as text, with its source snippet.
fn render(e: &Error) -> String {
    let mut s = String::new();
    let _ = miette::GraphicalReportHandler::new()
        .with_wrap_lines(false)
        .render_report(&mut s, e);
    s
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
