//! Temporary files in flight: every file the program writes under a
//! temporary name before renaming it into place (a staged briefing,
//! `latest`, the manifest, a cache entry) is listed here from before it
//! exists until it is renamed or removed, so the signal handler can remove
//! them all and truthfully say so. A leaf, because the cache store below
//! every stage writes such files as well as the delivery stage.

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

/// Runs `f` (a final rename) while no signal handler can delete files, so
/// a file is either wholly in place or not there at all.
pub(crate) fn finishing<T>(f: impl FnOnce() -> T) -> T {
    let _guard = IN_FLIGHT.lock();
    f()
}

/// Removes every temporary file in flight and keeps the registry locked
/// for good: called by the signal handler just before the process exits,
/// so no writer can rename one of them into place afterwards.
pub(crate) fn remove_all_and_hold() -> Option<std::sync::MutexGuard<'static, Vec<PathBuf>>> {
    let guard = IN_FLIGHT.lock().ok()?;
    for p in guard.iter() {
        let _ = std::fs::remove_file(p);
    }
    Some(guard)
}
