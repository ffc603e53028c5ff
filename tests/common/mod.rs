//! Shared helpers for the end-to-end tests: a private copy of the default
//! config in a temporary folder, the real binary, and the real PDF tools.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `briefing` binary cargo built for these tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_briefing"))
}

/// One of the checking scripts of `../shared/tools` (`$SHARED_TOOLS`
/// when set), if it is there. They are extra checks: the suite's own tests
/// cover the rules they read back, and pass without them; a test that
/// would run one says it skipped it.
pub fn shared_tool(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SHARED_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/tools"));
    let path = dir.join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("extra check skipped: {name} ({} not found)", dir.display());
        None
    }
}

/// A copy of `config/` in a temporary folder, with fonts pointing at the
/// repository's `fonts/` and output going to `<tmp>/out`.
pub struct Sandbox {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// Copies the default config.
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let cfg = dir.path().join("config");
        copy_dir(&root().join("config"), &cfg);
        let fonts = root().join("fonts");
        let text = std::fs::read_to_string(cfg.join("briefing.toml")).unwrap();
        let text = text
            .replace("\"../fonts/", &format!("\"{}/", fonts.display()))
            .replace(
                "output_dir = \"../output\"",
                &format!("output_dir = \"{}\"", dir.path().join("out").display()),
            );
        std::fs::write(cfg.join("briefing.toml"), text).unwrap();
        Sandbox { dir }
    }

    /// The config file.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config/briefing.toml")
    }

    /// A file inside the config folder.
    pub fn file(&self, rel: &str) -> PathBuf {
        self.dir.path().join("config").join(rel)
    }

    /// The output folder.
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Replaces `from` by `to` in a config file, asserting it was there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.file(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    }

    /// Appends text to a config file.
    pub fn append(&self, rel: &str, extra: &str) {
        let p = self.file(rel);
        let mut text = std::fs::read_to_string(&p).unwrap();
        text.push_str(extra);
        std::fs::write(&p, text).unwrap();
    }

    /// Runs `briefing` with `args` and the sandbox config, with a fixed
    /// `SOURCE_DATE_EPOCH` so output is reproducible.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(bin());
        cmd.args(args)
            .arg("--config")
            .arg(self.config())
            .env("SOURCE_DATE_EPOCH", "1764000000")
            .env_remove("RUST_LOG");
        cmd.output().expect("run briefing")
    }

    /// PDFs (and leftovers) in the output folder.
    pub fn outputs(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.out()) {
            Ok(rd) => {
                let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                v.sort();
                v
            }
            Err(_) => Vec::new(),
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

/// Runs a tool and returns its stdout, failing the test if it cannot run.
pub fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} is required for this test ({e}); run scripts/test, which installs it")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `pdftotext -raw` of a PDF.
pub fn text_of(pdf: &Path) -> String {
    tool(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    )
}

/// pdfcheck's JSON report, parsed, when the tool is there.
pub fn pdfcheck_report(pdf: &Path) -> Option<serde_json::Value> {
    let tool = shared_tool("pdfcheck.py")?;
    let out = Command::new("python3")
        .arg(tool)
        .arg(pdf)
        .args(["--margin-mm", "15"])
        .output()
        .expect("python3 is required");
    let text = String::from_utf8_lossy(&out.stdout);
    Some(serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "pdfcheck gave no JSON ({e}): {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    }))
}

/// `pdfinfo`'s report of a PDF (with its metadata), as key: value lines.
pub fn pdfinfo(pdf: &Path) -> String {
    tool("pdfinfo", &[pdf.to_str().unwrap()])
}
