//! SIGINT and SIGTERM: remove every temporary file in flight, then exit with
//! 128 + the signal number, so a killed run leaves neither a half-written
//! briefing nor litter. (SIGKILL cannot be caught; the next run removes
//! what such a run left, see `retention::remove_stale_temps`.)

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Records a temporary file that must not outlive an interrupted run.
pub(crate) fn register(p: &Path) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        v.push(p.to_path_buf());
    }
}

/// Forgets a temporary file (renamed into place or removed).
pub(crate) fn unregister(p: &Path) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        v.retain(|x| x != p);
    }
}

/// Starts the thread that handles SIGINT and SIGTERM for this process.
pub(crate) fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Holding the lock while removing keeps writers from renaming a
            // file we are about to delete into place.
            let guard = IN_FLIGHT.lock();
            if let Ok(v) = &guard {
                for p in v.iter() {
                    let _ = std::fs::remove_file(p);
                }
            }
            eprintln!("briefing: interrupted by signal {sig}; temporary files removed, nothing half-written left");
            std::process::exit(128 + sig);
        }
    })?;
    Ok(())
}

/// Runs `f` (the final rename) while no signal handler can delete files,
/// so a briefing is either wholly in place or not there at all.
pub(crate) fn finishing<T>(f: impl FnOnce() -> T) -> T {
    let _guard = IN_FLIGHT.lock();
    f()
}
