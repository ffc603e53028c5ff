//! Font programs kept between runs.
//!
//! A briefing run from cron sets much the same text every day, so its
//! faces need the same glyphs, and cutting and deflating their subsets is
//! the largest piece of work in a run (the serif face alone, ~950 glyphs:
//! ~10 ms of charstring copying and ~5 ms of deflate on the development
//! machine). Each face's finished program is therefore kept in the output
//! folder's `.briefing-cache/`, under a digest of everything it depends on:
//!
//! - the face: the file's length, the face's table directory (which holds
//!   every table's checksum, offset and length) and its `head` table;
//! - the glyphs and their advances, exactly as the subset was asked for;
//! - this program: the cache format, the deflate level, and the running
//!   executable's size and modification time, so a rebuilt binary never
//!   reads what an older one wrote.
//!
//! An entry carries its key and a digest of its contents; anything that
//! does not check out (truncated, edited, written by something else) is a
//! miss, deleted and cut afresh. The cache never decides what a briefing
//! says: a hit gives the same bytes a miss would (tested). Failing to read
//! or write it only costs time, so errors are logged, never returned.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::fonts::Program;
use super::subset::Subset;
use crate::text::fonts::LoadedFont;

/// First bytes of an entry; the digit changes whenever the layout below
/// or anything that shapes a program's bytes does.
const MAGIC: &[u8; 8] = b"BRFONT1\n";

/// Entries kept: the newest by use. Three faces a briefing, a few
/// profiles, a few recent glyph sets each; an entry is 40–300 KB.
const KEEP: usize = 48;

/// The cache in `dir` (created on first write).
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
}

/// What a cached entry restores: the subset as [`super::fonts::add_face`]
/// reads it (its bytes are in the program) and the embedded program.
pub(crate) type Entry = (Subset, Program);

impl Cache {
    /// A cache kept in `dir`.
    pub(crate) fn new(dir: &Path) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
        }
    }

    /// The key of `font` cut to `glyphs` (as [`super::subset::subset`]
    /// takes them), or `None` when the face cannot be identified.
    pub(crate) fn key(font: &LoadedFont, glyphs: &[(u16, i32)]) -> Option<[u8; 32]> {
        let mut h = Sha256::new();
        h.update(MAGIC);
        h.update(super::THOROUGH_LEVEL.to_le_bytes());
        h.update(executable_identity()?);
        h.update((font.data.len() as u64).to_le_bytes());
        h.update(font.index.to_le_bytes());
        h.update(face_identity(font.data, font.index)?);
        h.update((glyphs.len() as u64).to_le_bytes());
        for &(g, d) in glyphs {
            h.update(g.to_le_bytes());
            h.update(d.to_le_bytes());
        }
        Some(h.finalize().into())
    }

    fn path(&self, key: &[u8; 32]) -> PathBuf {
        let hex: String = key[..16].iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.font"))
    }

    /// The entry stored under `key`, if there is a sound one.
    pub(crate) fn get(&self, key: &[u8; 32]) -> Option<Entry> {
        let path = self.path(key);
        let bytes = std::fs::read(&path).ok()?;
        match decode(&bytes, key) {
            Some(entry) => {
                // Recently used entries are the ones kept.
                if let Ok(f) = std::fs::File::options().append(true).open(&path) {
                    let _ = f.set_modified(std::time::SystemTime::now());
                }
                Some(entry)
            }
            None => {
                log::warn!("font cache: {} is damaged; cutting afresh", path.display());
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores `entry` under `key`: whole or not at all (a temporary file
    /// renamed into place), then drops the least recently used entries.
    pub(crate) fn put(&self, key: &[u8; 32], sub: &Subset, program: &Program) {
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let mut tmp = tempfile::Builder::new()
                .prefix(".entry-")
                .suffix(".part")
                .tempfile_in(&self.dir)?;
            tmp.write_all(&encode(key, sub, program))?;
            tmp.persist(self.path(key)).map_err(|e| e.error)?;
            Ok(())
        };
        if let Err(e) = write() {
            log::debug!("font cache: cannot write to {}: {e}", self.dir.display());
            return;
        }
        self.prune();
    }

    /// Keeps the [`KEEP`] most recently used entries, and removes what a
    /// killed run left half-written (a temporary file older than a minute:
    /// a live one is renamed within milliseconds).
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
                Some("font") => entries.push((modified, path)),
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
        if entries.len() <= KEEP {
            return;
        }
        entries.sort();
        for (_, p) in &entries[..entries.len() - KEEP] {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The running executable's size and modification time: a rebuilt or
/// upgraded binary (which may cut programs differently) gets new keys.
fn executable_identity() -> Option<[u8; 24]> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let t = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut id = [0; 24];
    id[..8].copy_from_slice(&meta.len().to_le_bytes());
    id[8..16].copy_from_slice(&t.as_secs().to_le_bytes());
    id[16..20].copy_from_slice(&t.subsec_nanos().to_le_bytes());
    Some(id)
}

/// The bytes that identify face `index` of a font file: its table
/// directory (every table's tag, checksum, offset and length) followed by
/// its `head` table (revision, checksum adjustment, dates).
fn face_identity(data: &[u8], index: u32) -> Option<Vec<u8>> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    let start = if data.get(..4)? == b"ttcf" {
        u32_at(12 + 4 * index as usize)? as usize
    } else if index == 0 {
        0
    } else {
        return None;
    };
    let tables = u16::from_be_bytes(data.get(start + 4..start + 6)?.try_into().ok()?) as usize;
    let dir = data.get(start..start + 12 + 16 * tables)?;
    let mut id = dir.to_vec();
    for r in dir[12..].chunks_exact(16) {
        if &r[..4] == b"head" {
            let at = u32::from_be_bytes(r[8..12].try_into().ok()?) as usize;
            id.extend_from_slice(data.get(at..at + 54)?);
        }
    }
    Some(id)
}

/// An entry: magic, key, digest of the body, body. The body holds what
/// the font objects are written from: the subset's name, flags and
/// advances, and the program stream (its content as embedded, deflated or
/// not, and its `Length1`).
fn encode(key: &[u8; 32], sub: &Subset, program: &Program) -> Vec<u8> {
    let mut body = Vec::with_capacity(program.content().len() + 2 * sub.advances.len() + 64);
    let flags = u8::from(sub.bare_cff)
        | u8::from(program.is_truetype()) << 1
        | u8::from(program.is_deflated()) << 2;
    body.push(flags);
    body.extend_from_slice(&program.length1().unwrap_or(0).to_le_bytes());
    put_bytes(&mut body, sub.name.as_bytes());
    body.extend_from_slice(&(sub.advances.len() as u32).to_le_bytes());
    for a in &sub.advances {
        body.extend_from_slice(&a.to_le_bytes());
    }
    put_bytes(&mut body, program.content());
    let mut out = Vec::with_capacity(body.len() + 72);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key);
    out.extend_from_slice(&Sha256::digest(&body));
    out.extend_from_slice(&body);
    out
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Reads an entry back; `None` unless it is whole, stored under `key`,
/// and its body matches its digest.
fn decode(bytes: &[u8], key: &[u8; 32]) -> Option<Entry> {
    let (head, body) = (bytes.get(..72)?, bytes.get(72..)?);
    if &head[..8] != MAGIC || &head[8..40] != key || head[40..72] != Sha256::digest(body)[..] {
        return None;
    }
    let mut r = Reader(body);
    let flags = r.take(1)?[0];
    let length1 = i64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let name = String::from_utf8(r.bytes()?.to_vec()).ok()?;
    let n = u32::from_le_bytes(r.take(4)?.try_into().ok()?) as usize;
    let advances = r
        .take(n.checked_mul(2)?)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let content = r.bytes()?.to_vec();
    if !r.0.is_empty() {
        return None;
    }
    let (bare_cff, truetype, deflated) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
    let sub = Subset {
        data: Vec::new(),
        bare_cff,
        advances,
        name,
    };
    let length1 = truetype.then_some(length1);
    Some((sub, Program::restore(length1, deflated, content)))
}

/// Reads an entry's body front to back.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = b;
        Some(a)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        self.take(n)
    }
}
