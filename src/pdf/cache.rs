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
//! Entries are kept by [`crate::store`] (whole, checked, least recently
//! used dropped). A hit gives the same bytes a miss would (tested).

use std::path::Path;

use sha2::{Digest, Sha256};

use super::fonts::Program;
use super::subset::Subset;
use crate::store::{self, Store};
use crate::text::fonts::LoadedFont;

/// Font programs in the store: an entry is 40–300 KB; three faces a
/// briefing, a few profiles, a few recent glyph sets each.
const KIND: store::Kind = store::Kind {
    ext: "font",
    magic: b"BRFONT2\n",
    keep: 48,
    name: "font cache",
};

/// The font cache in `dir`.
#[derive(Debug, Clone)]
pub(crate) struct Cache(Store);

/// What a cached entry restores: the subset as [`super::fonts::add_face`]
/// reads it (its bytes are in the program) and the embedded program.
pub(crate) type Entry = (Subset, Program);

impl Cache {
    /// A cache kept in `dir`.
    pub(crate) fn new(dir: &Path) -> Cache {
        Cache(Store::new(dir, KIND))
    }

    /// The key of `font` cut to `glyphs` (as [`super::subset::subset`]
    /// takes them), or `None` when the face cannot be identified.
    pub(crate) fn key(font: &LoadedFont, glyphs: &[(u16, i32)]) -> Option<store::Key> {
        let mut h = Sha256::new();
        h.update(KIND.magic);
        h.update(super::THOROUGH_LEVEL.to_le_bytes());
        h.update(store::executable_identity()?);
        h.update((font.data.len() as u64).to_le_bytes());
        h.update(font.index.to_le_bytes());
        h.update(font.identity);
        h.update((glyphs.len() as u64).to_le_bytes());
        for &(g, d) in glyphs {
            h.update(g.to_le_bytes());
            h.update(d.to_le_bytes());
        }
        Some(h.finalize().into())
    }

    /// The entry stored under `key`, if there is a sound one.
    pub(crate) fn get(&self, key: &store::Key) -> Option<Entry> {
        self.0.get(key, decode)
    }

    /// Stores a cut under `key`.
    pub(crate) fn put(&self, key: &store::Key, sub: &Subset, program: &Program) {
        self.0.put(key, &encode(sub, program));
    }
}

/// An entry's body: what the font objects are written from: the subset's
/// name, flags and advances, and the program stream (its content as
/// embedded, deflated or not, and its `Length1`).
fn encode(sub: &Subset, program: &Program) -> Vec<u8> {
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
    body
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Reads a body back; `None` unless it is whole.
fn decode(body: &[u8]) -> Option<Entry> {
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
