//! Work kept between runs, in the output folder's `.briefing-cache/`.
//!
//! A briefing run from cron reads the same data and sets much the same
//! text every day, so two results are kept across runs: the checked
//! catalogue (`config::cache`) and each face's finished font program
//! (`pdf::cache`). Each kind of entry has a file extension and a key, a
//! SHA-256 digest of everything the entry depends on, always including
//! [`executable_identity`] so a rebuilt binary never reads what an older
//! one wrote.
//!
//! An entry file is: an 8-byte magic (naming the kind and its format), the
//! key, a CRC-32 of the body (damage on disk is what it guards against; it
//! is read on every warm run, where SHA-256 cost 2–3 ms on this machine),
//! the body. Anything that does not check out
//! (truncated, edited, written by something else) is a miss, deleted and
//! made afresh. Entries are written whole (a temporary file renamed into
//! place), and the least recently used are dropped beyond a per-kind
//! limit. The store never decides what a briefing says; failing to read or
//! write it only costs time, so errors are logged, never returned.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// One kind of entry in a cache folder.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    dir: PathBuf,
    kind: Kind,
}

/// What distinguishes the kinds of entry sharing a folder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind {
    /// File extension of its entries.
    pub(crate) ext: &'static str,
    /// First bytes of each entry; the digit changes whenever the body's
    /// layout, or anything that shapes its contents, does.
    pub(crate) magic: &'static [u8; 8],
    /// Entries kept, the newest by use.
    pub(crate) keep: usize,
    /// What the log calls it.
    pub(crate) name: &'static str,
}

/// A key: the SHA-256 of what an entry depends on.
pub(crate) type Key = [u8; 32];

/// Largest entry read back: a whole CJK face's program is under 20 MB.
const ENTRY_LIMIT: u64 = 64 << 20;

/// Bytes before an entry's body: magic, key, body checksum.
const HEAD: usize = 8 + 32 + 4;

impl Store {
    /// Entries of `kind` kept in `dir` (created on first write).
    pub(crate) fn new(dir: &Path, kind: Kind) -> Store {
        Store {
            dir: dir.to_path_buf(),
            kind,
        }
    }

    fn path(&self, key: &Key) -> PathBuf {
        let hex: String = key[..16].iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.{}", self.kind.ext))
    }

    /// The body stored under `key`, if there is a whole one; `decode`
    /// turns it into the value, and a body it refuses is damage too.
    pub(crate) fn get<T>(&self, key: &Key, decode: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
        let path = self.path(key);
        // Only a regular file of bounded size: a FIFO or a link to a
        // device planted here must neither hang nor flood the run.
        let bytes = match crate::regular::read(&path, ENTRY_LIMIT) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                log::warn!("{}: {}: {e}; not used", self.kind.name, path.display());
                return None;
            }
        };
        let body = bytes.get(HEAD..);
        let sound = bytes.get(..8) == Some(self.kind.magic.as_slice())
            && bytes.get(8..40) == Some(key.as_slice())
            && body.is_some_and(|b| bytes[40..HEAD] == crc32fast::hash(b).to_le_bytes());
        match body.filter(|_| sound).and_then(decode) {
            Some(value) => {
                // Recently used entries are the ones kept.
                if let Ok(f) = crate::regular::open_append(&path) {
                    let _ = f.set_modified(std::time::SystemTime::now());
                }
                Some(value)
            }
            None => {
                log::warn!(
                    "{}: {} is damaged; making it afresh",
                    self.kind.name,
                    path.display()
                );
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores `body` under `key`: whole or not at all, then drops the
    /// least recently used entries of this kind.
    pub(crate) fn put(&self, key: &Key, body: &[u8]) {
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let mut tmp = tempfile::Builder::new()
                .prefix(".entry-")
                .suffix(".part")
                .tempfile_in(&self.dir)?;
            let mut head = Vec::with_capacity(HEAD);
            head.extend_from_slice(self.kind.magic);
            head.extend_from_slice(key);
            head.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
            // Listed while it exists, so a signal removes it too.
            let tmp_path = tmp.path().to_path_buf();
            crate::temps::register(&tmp_path);
            let written = (|| {
                tmp.write_all(&head)?;
                tmp.write_all(body)?;
                crate::temps::finishing(|| tmp.persist(self.path(key)).map_err(|e| e.error))?;
                Ok(())
            })();
            crate::temps::unregister(&tmp_path);
            written
        };
        if let Err(e) = write() {
            log::debug!(
                "{}: cannot write to {}: {e}",
                self.kind.name,
                self.dir.display()
            );
            return;
        }
        self.prune();
    }

    /// Keeps the newest entries of this kind, and removes what a killed
    /// run left half-written (a temporary file older than a minute: a live
    /// one is renamed within milliseconds).
    fn prune(&self) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = std::time::SystemTime::now();
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for e in dir.flatten() {
            let (path, Some(modified)) =
                (e.path(), e.metadata().ok().and_then(|m| m.modified().ok()))
            else {
                continue;
            };
            match path.extension().and_then(|x| x.to_str()) {
                Some(x) if x == self.kind.ext => entries.push((modified, path)),
                Some("part")
                    if now
                        .duration_since(modified)
                        .is_ok_and(|age| age.as_secs() > 60) =>
                {
                    let _ = std::fs::remove_file(&path);
                }
                _ => {}
            }
        }
        if entries.len() <= self.kind.keep {
            return;
        }
        entries.sort();
        for (_, p) in &entries[..entries.len() - self.kind.keep] {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Removes the temporary entry files (`.entry-*.part`) a killed run left
/// in the cache folder `dir`. Call with the output lock held: no live run
/// is writing one then.
pub(crate) fn remove_parts(dir: &Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(".entry-")
            && name.ends_with(".part")
            && std::fs::remove_file(e.path()).is_ok()
        {
            log::info!("removed stale cache file {}", e.path().display());
            n += 1;
        }
    }
    n
}

/// What identifies a file's contents without reading them: its device
/// and inode (two files never share both while they exist), size, and
/// modification and status-change times to the nanosecond. Any write to
/// the file moves its status-change time, which no user can set back, so
/// a file changed in place, even to the same length and dates, gets a new
/// identity; a copy elsewhere gets a new inode. A file that changed only
/// in its identity costs a cache miss, never a wrong entry.
pub(crate) fn file_identity(meta: &std::fs::Metadata) -> FileIdentity {
    use std::os::unix::fs::MetadataExt;
    let mut id = [0; 56];
    for (i, v) in [
        meta.dev(),
        meta.ino(),
        meta.size(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
        meta.ctime() as u64,
        meta.ctime_nsec() as u64,
    ]
    .into_iter()
    .enumerate()
    {
        id[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    id
}

/// See [`file_identity`].
pub(crate) type FileIdentity = [u8; 56];

/// The running executable's [`file_identity`]: a rebuilt or upgraded
/// binary (which may check data or cut programs differently) gets new
/// keys, and two binaries never share one. Looked up once a process
/// (every key needs it).
pub(crate) fn executable_identity() -> Option<FileIdentity> {
    static ID: std::sync::OnceLock<Option<FileIdentity>> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        Some(file_identity(&meta))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a run killed mid-write leaves is removed by the next (which
    /// holds the output lock); entries and other files stay.
    #[test]
    fn parts_left_by_a_killed_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(".entry-abc.part"), b"half").unwrap();
        std::fs::write(d.join("0123.font"), b"whole").unwrap();
        std::fs::write(d.join("notes.part"), b"the user's").unwrap();
        assert_eq!(remove_parts(d), 1);
        assert!(d.join("0123.font").exists() && d.join("notes.part").exists());
        assert!(!d.join(".entry-abc.part").exists());
    }

    /// A file rewritten in place, same length and bytes, gets a new
    /// identity; reading it does not.
    #[test]
    fn a_rewritten_file_changes_identity() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("face.ttf");
        std::fs::write(&p, b"0123456789").unwrap();
        let before = file_identity(&std::fs::metadata(&p).unwrap());
        let _ = std::fs::read(&p).unwrap();
        assert_eq!(before, file_identity(&std::fs::metadata(&p).unwrap()));
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&p, b"0123456789").unwrap();
        assert_ne!(before, file_identity(&std::fs::metadata(&p).unwrap()));
    }
}
