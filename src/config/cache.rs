//! The checked catalogue kept between runs.
//!
//! Parsing and checking the sources and theme files (about 60 KB of TOML
//! in the default briefing) is the largest piece of a run's start: 3–4 ms
//! of a 20–25 ms run on the development machine, nearly all of it before
//! anything else can begin. A briefing run from cron reads the very same
//! files day after day, so the checked [`Catalog`] is kept in the output
//! folder's cache (see [`crate::store`]) under a digest of:
//!
//! - this program: the entry format and the running executable's size and
//!   modification time (a rebuilt binary may check differently);
//! - the sources file's text, and each theme file's name (themes are in
//!   file-name order) and text, and the id the run gives the first of them
//!   (the catalogue's origins name files by id).
//!
//! Only a catalogue that passed every check is kept, so every error is
//! still found by parsing, with its file, line and column. A hit gives the
//! same catalogue a parse would (tested), and so the same briefing.

use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::model::Catalog;
use crate::source::SourceFile;
use crate::store::{self, Store};

/// Catalogues in the store: a few KB to a few hundred KB each; one per
/// state of the data, so a handful of recent ones is plenty.
const KIND: store::Kind = store::Kind {
    ext: "catalog",
    magic: b"BRCATL3\n",
    keep: 8,
    name: "catalogue cache",
};

/// A catalogue's place in the store: where it is, or would be, kept.
#[derive(Debug, Clone)]
pub struct Pending {
    store: Store,
    key: store::Key,
}

impl Pending {
    /// The place of the catalogue read from `sources` and `themes` (in
    /// name order) in the cache folder `dir`, or `None` when the program
    /// cannot be identified.
    pub(super) fn new(
        dir: &Path,
        sources: &SourceFile,
        themes: &[&Arc<SourceFile>],
    ) -> Option<Pending> {
        Some(Pending {
            store: Store::new(dir, KIND),
            key: key(sources, themes)?,
        })
    }

    /// The catalogue stored here, if there is a sound one.
    pub(super) fn get(&self) -> Option<Catalog> {
        self.store
            .get(&self.key, |body| postcard::from_bytes(body).ok())
    }

    /// Stores `cat` here.
    pub(super) fn put(&self, cat: &Catalog) {
        match postcard::to_allocvec(cat) {
            Ok(body) => self.store.put(&self.key, &body),
            Err(e) => log::debug!("catalogue cache: cannot encode: {e}"),
        }
    }
}

/// The key of the catalogue read from `sources` and `themes` (in name
/// order), or `None` when the program cannot be identified.
fn key(sources: &SourceFile, themes: &[&Arc<SourceFile>]) -> Option<store::Key> {
    let mut h = Sha256::new();
    h.update(KIND.magic);
    h.update(store::executable_identity()?);
    // Origins in the catalogue name files by their id in the run's table.
    h.update(sources.id.0.to_le_bytes());
    let mut text = |name: &[u8], t: &str| {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name);
        h.update((t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    };
    text(b"", &sources.text);
    for t in themes {
        let name = t
            .path
            .file_name()
            .map(|n| n.as_encoded_bytes())
            .unwrap_or_default();
        text(name, &t.text);
    }
    h.update((themes.len() as u64).to_le_bytes());
    Some(h.finalize().into())
}
