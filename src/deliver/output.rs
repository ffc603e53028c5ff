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

/// Writes `bytes` to `dir/name` atomically and returns the final path.
///
/// On any failure the temporary file is removed (tempfile's drop) and an
/// existing file at the final path is left as it was.
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    write_file(dir, name, bytes, true)
}

/// Like [`write_atomic`], but without waiting for the disk: for the
/// bookkeeping files (the manifest), where losing the last update in a
/// power cut only means one old briefing is kept a day longer.
pub(crate) fn write_atomic_unsynced(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    write_file(dir, name, bytes, false)
}

fn write_file(dir: &Path, name: &str, bytes: &[u8], sync: bool) -> Result<PathBuf> {
    ensure_dir(dir)?;
    let target = dir.join(name);
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
    let tmp_path = tmp.path().to_path_buf();
    super::signals::register(&tmp_path);
    let result = fill_and_persist(&mut tmp, bytes, &target, sync);
    super::signals::unregister(&tmp_path);
    result.map(|_| target)
}

fn fill_and_persist(
    tmp: &mut tempfile::NamedTempFile,
    bytes: &[u8],
    target: &Path,
    sync: bool,
) -> Result<()> {
    tmp.write_all(bytes)
        .and_then(|_| {
            if sync {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .map_err(|e| Error::file(Kind::Io, tmp.path(), format!("cannot write briefing: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Briefings are meant to be read by mail jobs and web servers.
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
    }
    // The rename is the commit point; a signal arriving now waits for it.
    super::signals::finishing(|| std::fs::rename(tmp.path(), target)).map_err(|e| {
        Error::file(
            Kind::Io,
            target,
            format!("cannot move briefing into place: {e}"),
        )
    })?;
    Ok(())
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
