//! Unattended operation: many profiles in one run, overlapping runs,
//! SIGTERM, retention. Each test runs the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Sandbox, bin, tool};
use sha2::Digest;

/// Adds 19 profiles (20 with the default one), a mix of themes and regions.
fn twenty_profiles(sb: &Sandbox) {
    let mut extra = String::new();
    let combos = [
        ("[\"chip-gap\"]", ""),
        ("[\"compute-totals\"]", ""),
        ("[\"regional-policy\"]", "regions = [\"qingdao\"]"),
        ("[\"regional-policy\"]", "regions = [\"shenzhen\"]"),
        ("[\"regional-policy\"]", "regions = [\"sichuan\"]"),
        ("[\"regional-policy\"]", "regions = [\"shanghai\"]"),
        ("[\"compute-totals\", \"chip-gap\"]", ""),
    ];
    for i in 1..20 {
        let (themes, regions) = combos[i % combos.len()];
        extra.push_str(&format!(
            "\n[[profile]]\nname = \"p{i:02}\"\nthemes = {themes}\n{regions}\n"
        ));
    }
    sb.append("briefing.toml", &extra);
}

fn sha256_hex(p: &Path) -> String {
    sha2::Sha256::digest(std::fs::read(p).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn twenty_profiles_in_one_run_print_twenty_json_lines() {
    let sb = Sandbox::new();
    twenty_profiles(&sb);
    let out = sb.run(&["generate", "--date", "2026-11-24", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 20);
    let mut names = std::collections::BTreeSet::new();
    for v in &lines {
        let path = Path::new(v["path"].as_str().unwrap());
        assert_eq!(v["date"], "2026-11-24");
        assert_eq!(
            v["bytes"].as_u64().unwrap(),
            std::fs::metadata(path).unwrap().len(),
            "{v}"
        );
        assert_eq!(v["sha256"].as_str().unwrap(), sha256_hex(path));
        assert!(v["pages"].as_u64().unwrap() >= 1);
        names.insert(v["profile"].as_str().unwrap().to_string());
    }
    assert_eq!(names.len(), 20);
    // Each profile also has its `latest` copy.
    assert!(sb.out().join("p07-latest.pdf").is_file());
    assert!(
        out.stderr.is_empty(),
        "no progress output when not on a terminal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn parallel_and_serial_runs_give_identical_briefings() {
    let a = Sandbox::new();
    twenty_profiles(&a);
    let b = Sandbox::new();
    twenty_profiles(&b);
    assert!(
        a.run(&["generate", "-q", "--date", "2026-11-24", "--jobs", "1"])
            .status
            .success()
    );
    assert!(
        b.run(&["generate", "-q", "--date", "2026-11-24", "--jobs", "2"])
            .status
            .success()
    );
    for i in 1..20 {
        let name = format!("p{i:02}-2026-11-24.pdf");
        assert_eq!(
            sha256_hex(&a.out().join(&name)),
            sha256_hex(&b.out().join(&name)),
            "{name}"
        );
    }
}

fn spawn(sb: &Sandbox, args: &[&str]) -> std::process::Child {
    Command::new(bin())
        .args(args)
        .arg("--config")
        .arg(sb.config())
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until a run holds the output lock (it writes its pid into the file).
fn wait_for_lock(sb: &Sandbox) {
    let lock = sb.out().join(".briefing.lock");
    let t = Instant::now();
    while std::fs::read_to_string(&lock)
        .map(|s| s.trim().is_empty())
        .unwrap_or(true)
    {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn overlapping_runs_wait_or_give_up_as_documented() {
    let sb = Sandbox::new();
    twenty_profiles(&sb);
    let first = spawn(
        &sb,
        &["generate", "-q", "--date", "2026-11-24", "--jobs", "1"],
    );
    wait_for_lock(&sb);
    // A second run that will not wait gives up at once with EX_TEMPFAIL.
    let impatient = spawn(
        &sb,
        &["generate", "-q", "--date", "2026-11-24", "--lock-wait", "0"],
    )
    .wait_with_output()
    .unwrap();
    // A second run with the default wait runs after the first.
    let patient = spawn(&sb, &["generate", "-q", "--date", "2026-11-24"]);
    let first = first.wait_with_output().unwrap();
    let patient = patient.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(
        impatient.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&impatient.stderr)
    );
    let msg = String::from_utf8_lossy(&impatient.stderr);
    assert!(
        msg.contains("another briefing run") && msg.contains(".briefing.lock"),
        "{msg}"
    );
    assert!(
        patient.status.success(),
        "{}",
        String::from_utf8_lossy(&patient.stderr)
    );
    for e in std::fs::read_dir(sb.out()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "pdf") {
            tool("qpdf", &["--check", p.to_str().unwrap()]);
        }
    }
}

#[test]
fn sigterm_leaves_no_temporary_file_and_the_previous_briefing_intact() {
    let sb = Sandbox::new();
    twenty_profiles(&sb);
    std::fs::create_dir_all(sb.out()).unwrap();
    let previous = sb.out().join("p19-2026-11-24.pdf");
    std::fs::write(&previous, b"%PDF previous").unwrap();
    // A stale temporary file of a run killed earlier.
    std::fs::write(sb.out().join(".briefing-stale.pdf.part"), b"half").unwrap();
    // The run holds itself just before its first commit point, with a
    // temporary file staged, and says so; it is signalled there, whatever
    // the machine's speed.
    let mut child = Command::new(bin())
        .args(["generate", "-q", "--date", "2026-11-24", "--jobs", "1"])
        .arg("--config")
        .arg(sb.config())
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .env("BRIEFING_FAULT", "pause:rename")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("paused at rename") {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut stderr, &mut line).unwrap() == 0 {
            panic!("the run ended without pausing: {said}");
        }
        said.push_str(&line);
    }
    let staged: Vec<_> = std::fs::read_dir(sb.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf.part") && n != ".briefing-stale.pdf.part")
        .collect();
    assert_eq!(
        staged.len(),
        1,
        "one briefing staged when signalled: {staged:?}"
    );
    // SAFETY: plain kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(status.code(), Some(128 + 15), "{said}{rest}");
    let leftovers: Vec<_> = std::fs::read_dir(sb.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // The previous briefing is either untouched or wholly replaced, never half-written.
    let bytes = std::fs::read(&previous).unwrap();
    if bytes != b"%PDF previous" {
        tool("qpdf", &["--check", previous.to_str().unwrap()]);
    }
}

#[test]
fn keep_three_leaves_the_three_newest() {
    let sb = Sandbox::new();
    sb.edit("briefing.toml", "file_name = ", "keep = 3\nfile_name = ");
    std::fs::create_dir_all(sb.out()).unwrap();
    std::fs::write(sb.out().join("notes.txt"), b"the user's").unwrap();
    for d in [
        "2026-11-20",
        "2026-11-21",
        "2026-11-22",
        "2026-11-23",
        "2026-11-24",
    ] {
        assert!(sb.run(&["generate", "-q", "--date", d]).status.success());
    }
    let mut names: Vec<String> = std::fs::read_dir(sb.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "briefing-2026-11-22.pdf",
            "briefing-2026-11-23.pdf",
            "briefing-2026-11-24.pdf",
            "briefing-latest.pdf",
            "notes.txt"
        ]
    );
    assert_eq!(
        std::fs::read(sb.out().join("briefing-latest.pdf")).unwrap(),
        std::fs::read(sb.out().join("briefing-2026-11-24.pdf")).unwrap()
    );
}

#[test]
fn one_failing_profile_does_not_stop_the_others() {
    let sb = Sandbox::new();
    // A profile whose title has a character the fonts lack fails in layout.
    sb.append(
        "briefing.toml",
        "\n[[profile]]\nname = \"broken\"\ntitle = \"算力简报😀\"\nthemes = [\"chip-gap\"]\n",
    );
    let out = sb.run(&["generate", "--date", "2026-11-24"]);
    assert_eq!(
        out.status.code(),
        Some(65),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        sb.out().join("briefing-2026-11-24.pdf").is_file(),
        "the good profile was written"
    );
    assert!(!sb.out().join("broken-2026-11-24.pdf").exists());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken") && err.contains("U+1F600"), "{err}");
}
