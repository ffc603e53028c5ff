//! Font subsetting: only the glyphs a briefing uses are embedded.
//!
//! CID-keyed CFF faces (the CJK OpenType fonts) go through our own
//! subsetter (`cff`), which copies charstrings with their subroutines
//! inlined in one pass; anything it does not handle, and TrueType faces,
//! through `subsetter`, which reads just the glyphs asked for. (printpdf's
//! own subsetting parses the whole 20 MB face on every run:
//! ARCHITECTURE.md.)

use std::collections::BTreeMap;

use subsetter::GlyphRemapper;

use crate::error::{Error, Kind, Result};
use crate::text::fonts::LoadedFont;

/// A subset font program and how old glyph ids map into it.
pub(crate) struct Subset {
    /// The subset: a bare CFF table when `bare_cff`, else a single-face
    /// OpenType or TrueType file.
    pub(crate) data: Vec<u8>,
    /// `data` is a bare CID-keyed CFF table.
    pub(crate) bare_cff: bool,
    /// Old glyph id → new glyph id.
    pub(crate) remap: BTreeMap<u16, u16>,
    /// `ABCDEF+PostScriptName`, the tag derived from the glyph set so equal
    /// inputs give equal output.
    pub(crate) name: String,
}

/// Subsets `font` to `gids`.
pub(crate) fn subset(font: &LoadedFont, gids: &[u16]) -> Result<Subset> {
    let t0 = std::time::Instant::now();
    let own = font.cff_table().map(|cff| super::cff::subset(cff, gids));
    let (data, remap, bare_cff) = match own {
        Some(Ok(data)) => (data, super::cff::remap(gids), true),
        other => {
            if let Some(Err(why)) = other {
                log::debug!("pdf: {} goes to subsetter: {}", font.ps_name, why.0);
            }
            let mut remapper = GlyphRemapper::new();
            let mut remap = BTreeMap::new();
            for &g in gids {
                remap.insert(g, remapper.remap(g));
            }
            let data = subsetter::subset(font.data, font.index, &remapper).map_err(|e| {
                Error::new(
                    Kind::Software,
                    format!("cannot subset font {}: {e:?}", font.ps_name),
                )
            })?;
            (data, remap, false)
        }
    };
    log::debug!(
        "pdf: subset of {}: {} glyphs, {} bytes, {:.1} ms",
        font.ps_name,
        gids.len(),
        data.len(),
        t0.elapsed().as_secs_f64() * 1e3
    );
    Ok(Subset {
        data,
        bare_cff,
        remap,
        name: format!("{}+{}", tag(&font.ps_name, gids), font.ps_name),
    })
}

/// Six capital letters from a hash of the face name and glyph set (PDF
/// 32000 §9.6.4 asks for a tag that differs between different subsets).
fn tag(name: &str, gids: &[u16]) -> String {
    // FNV-1a: tiny, stable across platforms and releases.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in name
        .bytes()
        .chain(gids.iter().flat_map(|g| g.to_be_bytes()))
    {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (0..6)
        .map(|i| (b'A' + ((h >> (i * 8)) % 26) as u8) as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::tag;

    #[test]
    fn tags_are_stable_and_differ_by_glyph_set() {
        assert_eq!(tag("X", &[1, 2]), tag("X", &[1, 2]));
        assert_ne!(tag("X", &[1, 2]), tag("X", &[1, 3]));
        assert!(tag("X", &[]).chars().all(|c| c.is_ascii_uppercase()));
    }
}
