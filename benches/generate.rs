//! `cargo bench`: wall time, peak memory, size and pages of generating the
//! default briefing, and the same content scaled 16× and 64× (every theme's
//! sections repeated), as a whole process (what cron pays), with the
//! per-stage breakdown the program logs at `RUST_LOG=info`, and time and
//! memory per page. Each scale is measured twice: with cold caches
//! (`--no-cache`: the data parsed and checked, every face cut and
//! deflated, as on a first run or after new data) and warm ones (the
//! checked catalogue and the faces' programs read back, as a daily run on
//! unchanged data does).
//!
//! Prints figures and never fails on speed: these machines are shared and
//! noisy, so timing belongs here, not in tests. Quote medians with their
//! spread (min–max), measured with nothing else running.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DATE: &str = "2026-11-24";

/// (scale, warm-up runs, measured runs)
const PLAN: [(usize, usize, usize); 3] = [(1, 3, 15), (16, 1, 5), (64, 1, 3)];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A copy of `config/` whose theme files repeat their sections `scale`
/// times (the facts stay; tables and figures are numbered on).
fn scaled_config(root: &Path, dir: &Path, scale: usize) -> PathBuf {
    let cfg = dir.join("config");
    std::fs::create_dir_all(cfg.join("themes")).unwrap();
    let text = std::fs::read_to_string(root.join("config/briefing.toml"))
        .unwrap()
        .replace("\"../fonts/", &format!("\"{}/fonts/", root.display()));
    std::fs::write(cfg.join("briefing.toml"), text).unwrap();
    std::fs::copy(root.join("config/sources.toml"), cfg.join("sources.toml")).unwrap();
    for e in std::fs::read_dir(root.join("config/themes")).unwrap() {
        let p = e.unwrap().path();
        let t = std::fs::read_to_string(&p).unwrap();
        let cut = t.find("[[section]]").unwrap_or(t.len());
        let (head, body) = t.split_at(cut);
        let mut out = head.to_string();
        for _ in 0..scale {
            out.push_str(body);
            out.push('\n');
        }
        std::fs::write(cfg.join("themes").join(p.file_name().unwrap()), out).unwrap();
    }
    cfg.join("briefing.toml")
}

/// One whole-process run: wall time, peak RSS (KiB), and the stage times
/// the program logged.
fn run_once(bin: &Path, config: &Path, out: &Path, extra: &[&str]) -> (Duration, i64, [f64; 3]) {
    let t = Instant::now();
    let mut child = Command::new(bin)
        .arg("generate")
        .args(extra)
        .args(["-q", "--date", DATE, "--output-dir"])
        .arg(out)
        .arg("--config")
        .arg(config)
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run briefing");
    // Read the log to its end first (the pipe never fills), then reap the
    // child with wait4 for its own peak memory.
    let mut log = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let mut status = 0;
    // SAFETY: wait4 writes only into the two values we pass.
    let rss = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::wait4(child.id() as i32, &mut status, 0, &mut u);
        u.ru_maxrss
    };
    let wall = t.elapsed();
    // Already reaped by wait4; this only settles the handle.
    let _ = child.wait();
    assert!(status == 0, "briefing failed");
    let mut stages = [0.0; 3];
    for line in log.lines() {
        for (i, key) in [": content ", ": layout ", ": pdf "].iter().enumerate() {
            if let Some(rest) = line.split(key).nth(1) {
                stages[i] = rest.split(' ').next().unwrap().parse().unwrap_or(0.0);
            }
        }
    }
    (wall, rss, stages)
}

fn median<T: PartialOrd + Copy>(v: &[T]) -> T {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too, without
    // `--bench`: measuring belongs to `cargo bench` only.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark skipped: run it with `cargo bench`");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_briefing"));
    println!(
        "{:>5} {:>5} {:>6} {:>9} {:>17} {:>9} {:>8} {:>8} {:>8} {:>9} {:>10}",
        "scale",
        "caches",
        "pages",
        "KB",
        "wall ms (min–max)",
        "RSS MiB",
        "content",
        "layout",
        "pdf",
        "ms/page",
        "KiB/page"
    );
    let mut base_rss = 0.0;
    for (scale, warm, runs) in PLAN {
        let dir = tempfile::tempdir().unwrap();
        let config = scaled_config(&root, dir.path(), scale);
        let out = dir.path().join("out");
        for (cache, extra) in [("cold", &["--no-cache"][..]), ("warm", &[][..])] {
            for _ in 0..warm {
                run_once(&bin, &config, &out, &[]);
            }
            let results: Vec<(Duration, i64, [f64; 3])> = (0..runs)
                .map(|_| run_once(&bin, &config, &out, extra))
                .collect();
            let walls: Vec<f64> = results.iter().map(|r| ms(r.0)).collect();
            let rss = median(
                &results
                    .iter()
                    .map(|r| r.1 as f64 / 1024.0)
                    .collect::<Vec<_>>(),
            );
            let stage = |i: usize| median(&results.iter().map(|r| r.2[i]).collect::<Vec<_>>());
            let pdf = out.join(format!("briefing-{DATE}.pdf"));
            let bytes = std::fs::metadata(&pdf).unwrap().len();
            let pages = lopdf::Document::load(&pdf)
                .map(|d| d.get_pages().len())
                .unwrap_or(1)
                .max(1);
            if scale == 1 && cache == "cold" {
                base_rss = rss;
            }
            let w = median(&walls);
            println!(
                "{:>4}× {:>5} {:>6} {:>9.1} {:>7.1} ({:>4.0}–{:<4.0}) {:>9.1} {:>8.1} {:>8.1} {:>8.1} {:>9.2} {:>10.1}",
                scale,
                cache,
                pages,
                bytes as f64 / 1000.0,
                w,
                walls.iter().cloned().fold(f64::INFINITY, f64::min),
                walls.iter().cloned().fold(0.0, f64::max),
                rss,
                stage(0),
                stage(1),
                stage(2),
                w / pages as f64,
                (rss - base_rss).max(0.0) * 1024.0 / pages as f64
            );
        }
    }
    println!(
        "(caches: cold = --no-cache, warm = catalogue and font programs from the cache; KiB/page: peak memory above the cold 1× run, per page; stages in process, ms)"
    );
}
