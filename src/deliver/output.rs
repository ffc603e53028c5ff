//! Writing a briefing to disk so that readers never see half a file: the
//! bytes go to a temporary file in the output directory, are flushed to
//! disk, and the file is renamed into place in one step.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Kind, Result};

/// Prefix of temporary files, so a later run can recognise and remove
/// leftovers of a killed run.
pub(crate) const TEMP_PREFIX: &str = ".briefing-";
/// Suffix of temporary files.
pub(crate) const TEMP_SUFFIX: &str = ".pdf.part";

/// The file name for `profile` on `date` from the pattern.
pub(crate) fn file_name(pattern: &str, profile: &str, date: NaiveDate) -> String {
    pattern
        .replace("{name}", profile)
        .replace("{date}", &date.format("%Y-%m-%d").to_string())
}

/// Creates `dir` if needed; failure is `CantCreate` naming the directory.
pub(crate) fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::file(
            Kind::CantCreate,
            dir,
            format!("cannot create output directory: {e}"),
        )
    })
}

/// A briefing's bytes on disk under a temporary name, flushed, waiting for
/// [`Staged::commit`]. Dropped uncommitted, the file is removed.
pub(crate) struct Staged {
    tmp: Option<tempfile::NamedTempFile>,
    /// What the file is, for messages: "the briefing" or a bookkeeping
    /// file's own name.
    what: String,
}

/// Writes `bytes` to a temporary file in `dir`, flushed to disk. Nothing a
/// reader looks for has changed yet.
pub(crate) fn stage(dir: &Path, bytes: &[u8]) -> Result<Staged> {
    stage_as(dir, bytes, "the briefing")
}

/// [`stage`] for a file the messages call `what`.
fn stage_as(dir: &Path, bytes: &[u8], what: &str) -> Result<Staged> {
    ensure_dir(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| {
            Error::file(
                Kind::CantCreate,
                dir,
                format!("cannot create a file in the output directory: {e}"),
            )
        })?;
    super::signals::register(tmp.path());
    let written = super::fault::point("write")
        .and_then(|_| tmp.write_all(bytes))
        .and_then(|_| tmp.as_file().sync_all());
    if let Err(e) = written {
        super::signals::unregister(tmp.path());
        return Err(Error::file(
            Kind::Io,
            dir,
            format!("cannot write {what} (nothing was replaced): {e}"),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Briefings are meant to be read by mail jobs and web servers.
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
    }
    Ok(Staged {
        tmp: Some(tmp),
        what: what.to_string(),
    })
}

impl Staged {
    /// Renames the file to `target`: the commit point. Before it the old
    /// file (if any) is intact; after it the new one is wholly in place.
    /// A `briefing` is recorded as written, for the message an interrupted
    /// run prints.
    pub(crate) fn commit(mut self, target: &Path, briefing: bool) -> Result<PathBuf> {
        let tmp = self.tmp.take().expect("committed once");
        let tmp_path = tmp.path().to_path_buf();
        // The fault point sits outside `finishing`: a signal during a
        // pause there must be handled at once, as one before a real
        // rename would be.
        let step = if briefing { "rename" } else { "bookkeeping" };
        let result = super::fault::point(step).and_then(|_| {
            super::signals::finishing(|| {
                std::fs::rename(&tmp_path, target).map(|_| {
                    if briefing {
                        super::signals::committed(target)
                    }
                })
            })
        });
        super::signals::unregister(&tmp_path);
        match result {
            Ok(()) => {
                // Renamed away: nothing left for the temp file's drop.
                let _ = tmp.into_temp_path().keep();
                Ok(target.to_path_buf())
            }
            Err(e) => Err(Error::file(
                Kind::Io,
                target,
                format!(
                    "cannot move {} into place (the previous file, if any, is unchanged): {e}",
                    self.what
                ),
            )),
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Not committed: the temporary file goes (tempfile's drop).
        if let Some(t) = &self.tmp {
            super::signals::unregister(t.path());
        }
    }
}

/// Writes `bytes` to `dir/name` atomically and returns the final path (for
/// the bookkeeping files: the manifest, a copied `latest`).
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    stage_as(dir, bytes, name)?.commit(&dir.join(name), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_profile_and_date() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            file_name("{name}-{date}.pdf", "briefing", d),
            "briefing-2026-11-24.pdf"
        );
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "a.pdf", b"one").unwrap();
        write_atomic(dir.path(), "a.pdf", b"two").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
