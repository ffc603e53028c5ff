//! One run at a time per output directory: an advisory lock on
//! `<output>/.briefing.lock`, so overlapping cron runs cannot write the same
//! briefing together. The lock dies with the process, even on SIGKILL.

use std::fs::File;
use std::io::{Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Kind, Result};

/// Name of the lock file inside the output directory.
pub(crate) const LOCK_FILE: &str = ".briefing.lock";

/// A held lock; released on drop.
#[derive(Debug)]
pub(crate) struct OutputLock {
    file: File,
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// The pid recorded in the lock file, read afresh (a few tries, in case
/// the holder is writing it this very moment).
fn holder_pid(path: &Path) -> Option<String> {
    for _ in 0..5 {
        if let Ok(b) = crate::regular::read(path, 64)
            && let Some(p) = String::from_utf8_lossy(&b).split_whitespace().next()
            && p.chars().all(|c| c.is_ascii_digit())
        {
            return Some(p.to_string());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Takes the lock of `dir`, waiting up to `wait` for another run to finish.
///
/// Gives up with `TempFail` (exit 75), naming the process that holds it, so
/// a scheduler can simply try again later.
pub(crate) fn acquire(dir: &Path, wait: Duration) -> Result<OutputLock> {
    let path = dir.join(LOCK_FILE);
    // Never through a link, never a FIFO: a planted link would have its
    // target overwritten with the pid.
    let mut file = crate::regular::open_rw(&path).map_err(|e| {
        Error::file(
            Kind::CantCreate,
            &path,
            format!("cannot open the lock file: {e}"),
        )
    })?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                if start.elapsed() >= wait {
                    let holder = holder_pid(&path);
                    return Err(Error::file(
                        Kind::TempFail,
                        &path,
                        format!(
                            "another briefing run ({}) is writing to this directory; waited {} s",
                            holder.map_or("pid unknown".into(), |p| format!("pid {p}")),
                            wait.as_secs()
                        ),
                    )
                    .with_help("try again later, or raise --lock-wait"));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::file(Kind::Io, &path, format!("cannot lock: {e}")));
            }
        }
    }
    // Record who holds it, for the message a waiting run prints: written
    // over the old content first and cut to length after, so a reader
    // never finds the file empty. Not flushed to disk: the lock dies with
    // the process, and so does the meaning of the number.
    let pid = format!("{}\n", std::process::id());
    let _ = file.rewind();
    let _ = file.write_all(pid.as_bytes());
    let _ = file.set_len(pid.len() as u64);
    Ok(OutputLock { file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_taker_times_out_with_tempfail() {
        let dir = tempfile::tempdir().unwrap();
        let held = acquire(dir.path(), Duration::ZERO).unwrap();
        let err = acquire(dir.path(), Duration::from_millis(200)).unwrap_err();
        assert_eq!(err.kind(), Kind::TempFail);
        assert!(
            err.message()
                .contains(&format!("pid {}", std::process::id()))
        );
        drop(held);
        acquire(dir.path(), Duration::ZERO).unwrap();
    }

    #[test]
    fn a_lock_that_is_a_link_is_refused_and_its_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("notes.txt");
        std::fs::write(&victim, "an analyst's notes\n").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(LOCK_FILE)).unwrap();
        let err = acquire(dir.path(), Duration::ZERO).unwrap_err();
        assert_eq!(err.kind(), Kind::CantCreate);
        assert!(err.message().contains("symbolic link"), "{}", err.message());
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "an analyst's notes\n"
        );
    }
}
