//! What the program leaves in the output directory over many runs: a
//! manifest of the briefings it wrote, `<profile>-latest.pdf` pointing at
//! each profile's newest briefing, `keep = N` retention, and clean-up of
//! temporary files a killed run left behind.
//!
//! Retention only ever deletes files named in the manifest, so a file the
//! user put there, even one named like a briefing, is never touched.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;

use super::output::{TEMP_PREFIX, TEMP_SUFFIX, write_atomic};
use crate::error::{Error, Kind, Result};

/// Name of the manifest inside the output directory.
pub(crate) const MANIFEST: &str = ".briefing-manifest";

/// Removes temporary files of earlier runs that died before renaming.
/// Call with the output lock held, so no live run's file is removed.
pub(crate) fn remove_stale_temps(dir: &Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX)
            && std::fs::remove_file(e.path()).is_ok()
        {
            log::info!("removed stale temporary file {}", e.path().display());
            n += 1;
        }
    }
    n
}

/// Largest manifest read: half a million names, far more than `keep` or
/// years of daily runs leave.
const MANIFEST_LIMIT: u64 = 16 << 20;

/// The names in the manifest; none when there is no manifest yet. Anything
/// but a regular file of sane size there is refused, not read: a FIFO
/// would hang the run while it holds the lock.
fn read_manifest(dir: &Path) -> Result<BTreeSet<String>> {
    let path = dir.join(MANIFEST);
    match crate::regular::read(&path, MANIFEST_LIMIT) {
        Ok(b) => Ok(String::from_utf8_lossy(&b)
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(Error::file(
            Kind::CantCreate,
            &path,
            format!("cannot read the manifest of briefings written here: {e}"),
        )),
    }
}

fn write_manifest(dir: &Path, names: &BTreeSet<String>) -> Result<()> {
    let mut text = String::new();
    for n in names {
        text.push_str(n);
        text.push('\n');
    }
    super::fault::point("manifest")
        .map_err(|e| Error::file(Kind::Io, &dir.join(MANIFEST), format!("cannot write: {e}")))?;
    write_atomic(dir, MANIFEST, text.as_bytes()).map(|_| ())
}

/// Records `name` in the manifest before the briefing is renamed into
/// place: whatever happens after, even SIGKILL, a briefing on disk is one
/// the manifest knows, so `keep` can remove it later. An entry whose file
/// never arrived is dropped by the next run.
pub(crate) fn record(dir: &Path, name: &str) -> Result<()> {
    let mut manifest = read_manifest(dir)?;
    if manifest.insert(name.to_string()) {
        write_manifest(dir, &manifest)?;
    }
    Ok(())
}

/// Points `latest` at `written`: a hard link renamed into place (no second
/// copy of the bytes to write and flush), or a copy where the file system
/// has no hard links. Either way the switch is one atomic rename.
fn refresh_latest(dir: &Path, latest: &str, written: &Path, bytes: &[u8]) -> Result<()> {
    super::fault::point("latest")
        .map_err(|e| Error::file(Kind::Io, &dir.join(latest), format!("cannot write: {e}")))?;
    let tmp = dir.join(format!(
        "{TEMP_PREFIX}latest-{}{TEMP_SUFFIX}",
        std::process::id()
    ));
    // Registered before it exists: a signal at any moment removes it.
    super::signals::register(&tmp);
    let _ = std::fs::remove_file(&tmp);
    let linked = std::fs::hard_link(written, &tmp).is_ok()
        && super::signals::finishing(|| std::fs::rename(&tmp, dir.join(latest))).is_ok();
    if !linked {
        let _ = std::fs::remove_file(&tmp);
    }
    super::signals::unregister(&tmp);
    if linked {
        Ok(())
    } else {
        write_atomic(dir, latest, bytes).map(|_| ())
    }
}

/// The date of the newest briefing of `profile` this program wrote in
/// `dir` before `date`, if any: what "本期新增" compares with.
pub(crate) fn previous(
    dir: &Path,
    pattern: &str,
    profile: &str,
    date: NaiveDate,
) -> Result<Option<NaiveDate>> {
    Ok(read_manifest(dir)?
        .iter()
        .filter(|n| dir.join(n).is_file())
        .filter_map(|n| date_in(pattern, profile, n))
        .filter(|d| *d < date)
        .max())
}

/// The date in `name` if it is `pattern` filled for `profile`.
pub(crate) fn date_in(pattern: &str, profile: &str, name: &str) -> Option<NaiveDate> {
    let filled = pattern.replace("{name}", profile);
    let (pre, post) = filled.split_once("{date}")?;
    let mid = name.strip_prefix(pre)?.strip_suffix(post)?;
    if mid.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(mid, "%Y-%m-%d").ok()
}

/// After `written` (a dated briefing of `profile`) is in place: refresh
/// `<profile>-latest.pdf` if it is the newest and not dated after `today`,
/// apply `keep`, and forget manifest entries whose files are gone. All of
/// it is best effort: the briefing itself is already written, so a
/// failure here is a warning (returned), never an error.
pub(crate) fn after_commit(
    dir: &Path,
    pattern: &str,
    profile: &str,
    written: &Path,
    bytes: &[u8],
    keep: Option<usize>,
    today: NaiveDate,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let Some(name) = written.file_name().and_then(|n| n.to_str()) else {
        return warnings;
    };
    let mut manifest = match read_manifest(dir) {
        Ok(m) => m,
        Err(e) => {
            warnings.push(format!("{e}; `latest` and `keep` are left as they were"));
            return warnings;
        }
    };
    manifest.insert(name.to_string());
    // This profile's briefings the program wrote and that still exist, newest first.
    let mut mine: Vec<(NaiveDate, String)> = manifest
        .iter()
        .filter_map(|n| date_in(pattern, profile, n).map(|d| (d, n.clone())))
        .filter(|(_, n)| dir.join(n).is_file())
        .collect();
    mine.sort_by(|a, b| b.cmp(a));
    let this_date = date_in(pattern, profile, name);
    // A briefing dated in the future never becomes `latest`.
    let newest_current = mine.iter().find(|(d, _)| *d <= today).map(|(d, _)| *d);
    if this_date.is_some_and(|d| d <= today) && newest_current <= this_date {
        let latest = format!("{profile}-latest.pdf");
        let existed = std::fs::symlink_metadata(dir.join(&latest)).is_ok();
        if let Err(e) = refresh_latest(dir, &latest, written, bytes) {
            let state = if existed {
                "still points at the previous briefing"
            } else {
                "was not created"
            };
            warnings.push(format!(
                "{} is written, but {latest} {state}: {e}",
                written.display()
            ));
        }
    }
    let before = manifest.len();
    if let Some(k) = keep {
        for (_, old) in mine.iter().skip(k) {
            let p = dir.join(old);
            match std::fs::remove_file(&p) {
                Ok(()) => {
                    log::info!("keep = {k}: removed {}", p.display());
                    manifest.remove(old);
                }
                Err(e) => warnings.push(format!("keep = {k}: cannot remove {}: {e}", p.display())),
            }
        }
    }
    // Forget files that are gone.
    manifest.retain(|n| dir.join(n).is_file());
    if manifest.len() != before
        && let Err(e) = write_manifest(dir, &manifest)
    {
        warnings.push(format!(
            "the manifest could not be updated ({e}); older briefings may be kept a run longer"
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a run does for one briefing: record, write, then the rest.
    fn write(d: &Path, name: &str, bytes: &[u8], keep: Option<usize>, today: &str) -> Vec<String> {
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
        record(d, name).unwrap();
        let p = write_atomic(d, name, bytes).unwrap();
        let profile = name.split('-').next().unwrap();
        after_commit(d, "{name}-{date}.pdf", profile, &p, bytes, keep, today)
    }

    #[test]
    fn dates_are_read_back_from_names() {
        let p = "{name}-{date}.pdf";
        assert_eq!(
            date_in(p, "briefing", "briefing-2026-11-24.pdf"),
            NaiveDate::from_ymd_opt(2026, 11, 24)
        );
        assert_eq!(date_in(p, "briefing", "chips-2026-11-24.pdf"), None);
        assert_eq!(date_in(p, "briefing", "briefing-latest.pdf"), None);
    }

    #[test]
    fn keep_removes_only_what_the_program_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // A file the user put there, named like a briefing.
        std::fs::write(d.join("briefing-2020-01-01.pdf"), b"user's").unwrap();
        for day in 1..=5 {
            let name = format!("briefing-2026-11-0{day}.pdf");
            assert!(write(d, &name, name.as_bytes(), Some(3), "2026-11-30").is_empty());
        }
        let mut left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![
                "briefing-2020-01-01.pdf",
                "briefing-2026-11-03.pdf",
                "briefing-2026-11-04.pdf",
                "briefing-2026-11-05.pdf",
                "briefing-latest.pdf"
            ]
        );
        assert_eq!(
            std::fs::read(d.join("briefing-latest.pdf")).unwrap(),
            b"briefing-2026-11-05.pdf"
        );
    }

    #[test]
    fn a_past_briefing_does_not_replace_latest() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "b-2026-11-24.pdf", b"new", None, "2026-11-26");
        write(d, "b-2023-09-01.pdf", b"old", None, "2026-11-26");
        assert_eq!(std::fs::read(d.join("b-latest.pdf")).unwrap(), b"new");
        // Nor does one dated after today.
        write(d, "b-9999-12-31.pdf", b"future", None, "2026-11-26");
        assert_eq!(std::fs::read(d.join("b-latest.pdf")).unwrap(), b"new");
        // The manifest knows all three, recorded before each was written.
        assert_eq!(read_manifest(d).unwrap().len(), 3);
    }

    #[test]
    fn stale_temps_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(format!("{TEMP_PREFIX}abc{TEMP_SUFFIX}")),
            b"x",
        )
        .unwrap();
        std::fs::write(dir.path().join("keep.pdf"), b"x").unwrap();
        assert_eq!(remove_stale_temps(dir.path()), 1);
        assert!(dir.path().join("keep.pdf").exists());
    }
}
