//! SIGINT and SIGTERM: remove every temporary file in flight, then exit with
//! 128 + the signal number, saying exactly what is on disk: the briefings
//! already renamed into place (whole) and that nothing else was replaced.
//! (SIGKILL cannot be caught; the next run removes what such a run left,
//! see `retention::remove_stale_temps`, and the manifest already lists any
//! briefing it renamed into place.)

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

static COMMITTED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

pub(crate) use crate::temps::{finishing, register, unregister};

/// Records a briefing renamed into place. Called inside [`finishing`], so a
/// signal sees either the old state or the rename and this record together.
pub(crate) fn committed(p: &Path) {
    if let Ok(mut v) = COMMITTED.lock() {
        v.push(p.to_path_buf());
    }
}

/// Starts the thread that handles SIGINT and SIGTERM for this process (once;
/// later calls do nothing). Call it first thing, so even a signal in the
/// first milliseconds is handled.
pub fn install() {
    INSTALL.call_once(|| {
        if let Err(e) = spawn() {
            log::warn!("cannot install signal handlers: {e}");
        }
    });
}

fn spawn() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Holding the lock while removing keeps writers from renaming a
            // file we are about to delete into place.
            let _held = crate::temps::remove_all_and_hold();
            let done: Vec<String> = COMMITTED
                .lock()
                .map(|v| v.iter().map(|p| p.display().to_string()).collect())
                .unwrap_or_default();
            if done.is_empty() {
                eprintln!(
                    "briefing: interrupted by signal {sig}; no briefing was written or replaced, temporary files removed"
                );
            } else {
                eprintln!(
                    "briefing: interrupted by signal {sig}; written whole before the interruption: {}; nothing else was replaced, temporary files removed",
                    done.join(", ")
                );
            }
            std::process::exit(128 + sig);
        }
    })?;
    Ok(())
}
