//! `cargo bench`: wall time, peak memory and size of generating the default
//! briefing, as a whole process (what cron pays) and per pipeline stage.
//!
//! Prints figures and the targets next to them; it never fails on speed:
//! these machines are shared and noisy, so timing belongs here, not in tests.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use briefing::text::fonts::FontSet;

const DATE: &str = "2026-11-24";
const WARMUP: usize = 3;
const RUNS: usize = 21;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn peak_child_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u.ru_maxrss
    }
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too, without
    // `--bench`: measuring belongs to `cargo bench` only.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark skipped: run it with `cargo bench`");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp dir");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_briefing"));
    let run = || {
        let t = Instant::now();
        let st = Command::new(&bin)
            .current_dir(&root)
            .args(["generate", "-q", "--date", DATE, "--output-dir"])
            .arg(out.path())
            .env("SOURCE_DATE_EPOCH", "1764000000")
            .status()
            .expect("run briefing");
        assert!(st.success(), "briefing failed");
        t.elapsed()
    };
    for _ in 0..WARMUP {
        run();
    }
    let times: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    let (min, max) = (*times.iter().min().unwrap(), *times.iter().max().unwrap());
    let med = median(times);
    let pdf = out.path().join(format!("briefing-{DATE}.pdf"));
    let size = std::fs::metadata(&pdf).expect("pdf written").len();

    println!("whole process, default briefing ({RUNS} runs after {WARMUP} warm-up):");
    println!(
        "  wall time   median {:7.1} ms   min {:6.1}   max {:6.1}   (target ≤ 60 ms)",
        ms(med),
        ms(min),
        ms(max)
    );
    println!(
        "  peak memory {:7.1} MiB (max RSS of any run)",
        peak_child_rss_kib() as f64 / 1024.0
    );
    println!(
        "  PDF size    {:7.1} KB ({size} bytes)        (target ≤ 310 KB with charts)",
        size as f64 / 1000.0
    );

    // Stage breakdown, in process.
    let cfg_path = root.join("config/briefing.toml");
    let date = chrono::NaiveDate::parse_from_str(DATE, "%Y-%m-%d").unwrap();
    let mut load = Vec::new();
    let mut fonts_t = Vec::new();
    let mut content = Vec::new();
    let mut layout = Vec::new();
    let mut pdf_t = Vec::new();
    let mut pages = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let config = briefing::config::load(&cfg_path).unwrap();
        load.push(t.elapsed());
        let t = Instant::now();
        let fonts = FontSet::load(&config.fonts).unwrap();
        fonts_t.push(t.elapsed());
        let profile = &config.profiles[0];
        let (built, times) =
            briefing::build_timed(&config, &fonts, profile, date, None, Some(0)).unwrap();
        content.push(times.content);
        layout.push(times.layout);
        pdf_t.push(times.pdf);
        pages = built.pages;
    }
    println!("in process, median per stage ({pages} pages):");
    println!("  config + themes {:6.2} ms", ms(median(load)));
    println!("  fonts (mmap)    {:6.2} ms", ms(median(fonts_t)));
    println!("  content+compose {:6.2} ms", ms(median(content)));
    println!("  layout          {:6.2} ms", ms(median(layout)));
    println!("  pdf (subset+write) {:6.2} ms", ms(median(pdf_t)));
}
