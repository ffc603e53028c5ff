//! `scripts/compare [REV]` (which builds REV and runs this with
//! `BRIEFING_BASELINE` set): this build against a previous one, side by
//! side in one run. Each binary generates its own tree's default briefing
//! (its `config/`, its `fonts/`), so a change of the default data counts as
//! the change it is. Runs alternate baseline, this build, baseline, …, so a
//! machine that slows down halfway slows both alike.
//!
//! Per cache state (cold: `--no-cache`, as a first run or new data; warm:
//! the checked catalogue and the font programs read back, as a daily run on
//! unchanged data): the medians of wall time and of processor time (user +
//! system, from the child's own `wait4` accounting, so other processes do
//! not count) with their spread (min–max), peak memory, and the file's
//! size. Prints figures and never fails on them: timing belongs here, not in
//! tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const DATE: &str = "2026-11-24";
const RUNS: usize = 21;
const WARM_UP: usize = 3;

/// One run's wall and processor milliseconds and peak memory (MiB).
struct Sample {
    wall: f64,
    cpu: f64,
    rss: f64,
}

/// One whole-process run of `bin` on `config`, writing into `out`.
fn run_once(bin: &Path, config: &Path, out: &Path, cold: bool) -> Sample {
    let t = Instant::now();
    let mut cmd = Command::new(bin);
    cmd.arg("generate");
    if cold {
        cmd.arg("--no-cache");
    }
    let mut child = cmd
        .args(["-q", "--date", DATE, "--output-dir"])
        .arg(out)
        .arg("--config")
        .arg(config)
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run briefing");
    let mut status = 0;
    // SAFETY: wait4 writes only into the two values we pass.
    let u = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::wait4(child.id() as i32, &mut status, 0, &mut u);
        u
    };
    let wall = t.elapsed().as_secs_f64() * 1000.0;
    // Already reaped by wait4; this only settles the handle.
    let _ = child.wait();
    assert!(status == 0, "{} failed", bin.display());
    let tv = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    Sample {
        wall,
        cpu: tv(u.ru_utime) + tv(u.ru_stime),
        rss: u.ru_maxrss as f64 / 1024.0,
    }
}

/// Median and spread of one measure.
fn stats(v: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let mut v: Vec<f64> = v.collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// The tree a binary was built from: the checkout this bench belongs to,
/// or `BRIEFING_BASELINE_TREE` for the baseline.
fn config_of(tree: &Path) -> PathBuf {
    tree.join("config/briefing.toml")
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark skipped: run it with `cargo bench`");
        return;
    }
    let (Some(base_bin), Some(base_tree)) = (
        std::env::var_os("BRIEFING_BASELINE"),
        std::env::var_os("BRIEFING_BASELINE_TREE"),
    ) else {
        println!(
            "comparison skipped: run `scripts/compare [REV]`, which builds REV and sets BRIEFING_BASELINE and BRIEFING_BASELINE_TREE"
        );
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let builds = [
        (
            "baseline",
            PathBuf::from(base_bin),
            PathBuf::from(base_tree),
        ),
        ("this", PathBuf::from(env!("CARGO_BIN_EXE_briefing")), root),
    ];
    let dir = tempfile::tempdir().unwrap();
    println!(
        "{:<9} {:>5} {:>9} {:>24} {:>24} {:>8}",
        "build", "cache", "KB", "wall ms median (min–max)", "CPU ms median (min–max)", "RSS MiB"
    );
    let mut medians = Vec::new();
    for cold in [true, false] {
        let outs: Vec<PathBuf> = (0..2).map(|i| dir.path().join(format!("out{i}"))).collect();
        for _ in 0..WARM_UP {
            for (i, (_, bin, tree)) in builds.iter().enumerate() {
                run_once(bin, &config_of(tree), &outs[i], false);
            }
        }
        let mut samples: [Vec<Sample>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..RUNS {
            for (i, (_, bin, tree)) in builds.iter().enumerate() {
                samples[i].push(run_once(bin, &config_of(tree), &outs[i], cold));
            }
        }
        for (i, (name, ..)) in builds.iter().enumerate() {
            let pdf = outs[i].join(format!("briefing-{DATE}.pdf"));
            let kb = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0) as f64 / 1000.0;
            let w = stats(samples[i].iter().map(|s| s.wall));
            let c = stats(samples[i].iter().map(|s| s.cpu));
            let r = stats(samples[i].iter().map(|s| s.rss));
            println!(
                "{:<9} {:>5} {:>9.1} {:>10.1} ({:>5.1}–{:<5.1}) {:>10.1} ({:>5.1}–{:<5.1}) {:>8.1}",
                name,
                if cold { "cold" } else { "warm" },
                kb,
                w.0,
                w.1,
                w.2,
                c.0,
                c.1,
                c.2,
                r.0
            );
            medians.push((kb, w.0, c.0));
        }
        let (b, t) = (medians[medians.len() - 2], medians[medians.len() - 1]);
        println!(
            "{:<9} {:>5} {:>+8.1}% {:>+23.1}% {:>+23.1}%",
            "change",
            "",
            (t.0 / b.0 - 1.0) * 100.0,
            (t.1 / b.1 - 1.0) * 100.0,
            (t.2 / b.2 - 1.0) * 100.0
        );
    }
    println!("({RUNS} runs per build and cache state, alternating; medians of each)");
}
