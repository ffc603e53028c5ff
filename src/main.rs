//! `briefing`: the command line over the library. Thin on purpose: every
//! step it runs is a library function the tests and benchmarks call too.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use briefing::config::{self, Config};
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
    #[arg(long, short = 'c', value_name = "FILE", default_value = "config/briefing.toml")]
    config: PathBuf,
}

#[derive(Args, Debug, Clone)]
struct GenerateArgs {
    /// The run configuration.
    #[arg(long, short = 'c', value_name = "FILE", default_value = "config/briefing.toml")]
    config: PathBuf,
    /// Briefing date (YYYY-MM-DD); default: today in the configured time zone.
    #[arg(long, short = 'd', value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Build only this profile (repeatable); default: all profiles.
    #[arg(long, short = 'p', value_name = "NAME")]
    profile: Vec<String>,
    /// Write into this directory instead of the configured one.
    #[arg(long, short = 'o', value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Print nothing on success.
    #[arg(long, short = 'q')]
    quiet: bool,
}

fn main() -> ExitCode {
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
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::new(Kind::Usage, format!("invalid --date `{s}`: expected a calendar date as YYYY-MM-DD, e.g. 2026-11-24")))
}

fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Error::new(Kind::Usage, format!("SOURCE_DATE_EPOCH `{v}` is not a whole number of seconds"))),
        _ => Ok(None),
    }
}

fn today(config: &Config) -> NaiveDate {
    chrono::Utc::now().with_timezone(&config.time_zone).date_naive()
}

fn generate(a: &GenerateArgs) -> Result<()> {
    // Arguments first: a bad --date is a usage error even if the config is broken too.
    let date = a.date.as_deref().map(parse_date).transpose()?;
    let epoch = source_date_epoch()?;
    let config = config::load(&a.config)?;
    let date = date.unwrap_or_else(|| today(&config));
    let profiles: Vec<&config::Profile> = if a.profile.is_empty() {
        config.profiles.iter().collect()
    } else {
        a.profile
            .iter()
            .map(|n| {
                config.profiles.iter().find(|p| &p.name == n).ok_or_else(|| {
                    Error::new(
                        Kind::Usage,
                        format!(
                            "unknown profile `{n}`; {} defines: {}",
                            config.path.display(),
                            config.profiles.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    )
                })
            })
            .collect::<Result<_>>()?
    };
    let out_dir = a.output_dir.clone().unwrap_or_else(|| config.output_dir.clone());
    briefing::deliver::output::ensure_dir(&out_dir)?;
    let fonts = FontSet::load(&config.fonts)?;
    for p in profiles {
        let built = briefing::build(&config, &fonts, p, date, epoch)?;
        let path = briefing::deliver::output::write_atomic(&out_dir, &built.file_name, &built.bytes)?;
        if !a.quiet {
            println!("{}", path.display());
        }
    }
    Ok(())
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
        println!("{:<16} {}  ({} facts)", t.id, t.title, counts.get(&t.id).copied().unwrap_or(0));
        for r in &t.regions {
            let n = config.catalog.facts.values().filter(|f| f.region.as_deref() == Some(&r.id)).count();
            println!("  {:<14} {}  ({} facts)", r.id, r.name, n);
        }
    }
    Ok(())
}
