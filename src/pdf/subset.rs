//! Font subsetting: only the glyphs a briefing uses are embedded.
//!
//! CID-keyed CFF faces (the CJK OpenType fonts) go through our own
//! subsetter (`cff`), which copies charstrings with their subroutines
//! inlined in one pass; anything it does not handle, and TrueType faces,
//! through `subsetter`, which reads just the glyphs asked for. (printpdf's
//! own subsetting parses the whole 20 MB face on every run:
//! ARCHITECTURE.md.)

use subsetter::GlyphRemapper;

use crate::error::{Error, Kind, Result};
use crate::text::fonts::LoadedFont;

/// A subset font program.
pub(crate) struct Subset {
    /// The subset: a bare CFF table when `bare_cff`, else a single-face
    /// TrueType file.
    pub(crate) data: Vec<u8>,
    /// `data` is a bare CID-keyed CFF table.
    pub(crate) bare_cff: bool,
    /// The advance of every glyph of the program, in font units, by new
    /// glyph id: what the font's `/W` widths state.
    pub(crate) advances: Vec<u16>,
    /// `ABCDEF+PostScriptName`, the tag derived from the glyph set so equal
    /// inputs give equal output.
    pub(crate) name: String,
}

/// Subsets `font` to `glyphs`: new glyph id i+1 for `glyphs[i]`, an old
/// glyph id (not 0) and a change of its advance in font units (0 for the
/// glyph as it is; otherwise the subset has a copy of the glyph with that
/// advance). TrueType subsets may have further glyphs after these, the
/// components of composite glyphs.
pub(crate) fn subset(font: &LoadedFont, glyphs: &[(u16, i32)]) -> Result<Subset> {
    subset_by(font, glyphs, true)
}

/// [`subset`], by our CFF subsetter where it can (`mine`) or by
/// `subsetter` and then the copies made on its output.
fn subset_by(font: &LoadedFont, glyphs: &[(u16, i32)], mine: bool) -> Result<Subset> {
    let t0 = std::time::Instant::now();
    let fail = |why: &str| {
        Error::new(
            Kind::Software,
            format!("cannot subset font {}: {why}", font.ps_name),
        )
    };
    let own = |g: u16| font.advance_units(g);
    let advance = |g: u16, d: i32| (d != 0).then(|| super::advance_with(font, g, d));
    let cff_list = |id: &dyn Fn(u16) -> u16| -> Vec<(u16, Option<i64>)> {
        glyphs
            .iter()
            .map(|&(g, d)| (id(g), advance(g, d).map(i64::from)))
            .collect()
    };
    let cff_advances = || {
        std::iter::once(own(0))
            .chain(glyphs.iter().map(|&(g, d)| advance(g, d).unwrap_or(own(g))))
            .collect::<Vec<u16>>()
    };
    let mine = font
        .cff_table()
        .filter(|_| mine)
        .map(|cff| super::cff::subset(cff, &cff_list(&|g| g)));
    let (data, bare_cff, advances) = match mine {
        Some(Ok(data)) => (data, true, cff_advances()),
        other => {
            if let Some(Err(why)) = other {
                log::debug!("pdf: {} goes to subsetter: {}", font.ps_name, why.0);
            }
            // `subsetter` cuts the distinct glyphs; the copies and the
            // order are then made on its output, whose glyph ids are the
            // remapper's.
            let mut bases: Vec<u16> = glyphs.iter().map(|&(g, _)| g).collect();
            bases.sort_unstable();
            bases.dedup();
            let mut remapper = GlyphRemapper::new();
            for &g in &bases {
                remapper.remap(g);
            }
            let id = |g: u16| remapper.get(g).unwrap_or(0);
            let cut = subsetter::subset(font.data, font.index, &remapper)
                .map_err(|e| fail(&format!("{e:?}")))?;
            let raw = ttf_parser::RawFace::parse(&cut, 0).map_err(|e| fail(&e.to_string()))?;
            if let Some(cff) = raw.table(ttf_parser::Tag::from_bytes(b"CFF ")) {
                let data = super::cff::subset(cff, &cff_list(&id)).map_err(|w| fail(w.0))?;
                (data, true, cff_advances())
            } else {
                let list: Vec<(u16, Option<u16>)> = glyphs
                    .iter()
                    .map(|&(g, d)| (id(g), advance(g, d)))
                    .collect();
                let (data, advances) = super::glyf::arrange(&cut, &list).map_err(fail)?;
                (data, false, advances)
            }
        }
    };
    log::debug!(
        "pdf: subset of {}: {} glyphs, {} bytes, {:.1} ms",
        font.ps_name,
        glyphs.len(),
        data.len(),
        t0.elapsed().as_secs_f64() * 1e3
    );
    Ok(Subset {
        data,
        bare_cff,
        advances,
        name: format!("{}+{}", tag(&font.ps_name, glyphs), font.ps_name),
    })
}

/// Six capital letters from a hash of the face name and glyph set (PDF
/// 32000 §9.6.4 asks for a tag that differs between different subsets).
fn tag(name: &str, glyphs: &[(u16, i32)]) -> String {
    // FNV-1a: tiny, stable across platforms and releases.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in name.bytes().chain(glyphs.iter().flat_map(|&(g, d)| {
        let [a, b] = g.to_be_bytes();
        let [c, e, f, h] = d.to_be_bytes();
        [a, b, c, e, f, h]
    })) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (0..6)
        .map(|i| (b'A' + ((h >> (i * 8)) % 26) as u8) as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{subset_by, tag};
    use crate::frame::FontKind;
    use crate::pdf::tests::Pen;
    use crate::text::fonts::test_fonts;
    use ttf_parser::{GlyphId, cff::Table};

    /// The route through `subsetter` (taken by faces our CFF subsetter
    /// refuses) gives the same glyphs, copies and advances as ours.
    #[test]
    fn both_cff_routes_give_the_same_glyphs_and_copies() {
        let fonts = test_fonts();
        let face = fonts.get(FontKind::Sans);
        let step = 125;
        let mut glyphs = Vec::new();
        for c in "国产AI芯片2022年，“算力”（EFLOPS）1.8万亿元".chars() {
            let g = face.glyph(c).unwrap();
            glyphs.extend([(g, -4 * step), (g, 0), (g, 2 * step)]);
        }
        glyphs.sort_unstable();
        glyphs.dedup();
        let (a, b) = (
            subset_by(face, &glyphs, true).unwrap(),
            subset_by(face, &glyphs, false).unwrap(),
        );
        assert!(a.bare_cff && b.bare_cff);
        assert_eq!(a.advances, b.advances);
        let (ta, tb) = (
            Table::parse(&a.data).unwrap(),
            Table::parse(&b.data).unwrap(),
        );
        assert_eq!(ta.number_of_glyphs() as usize, glyphs.len() + 1);
        assert_eq!(tb.number_of_glyphs(), ta.number_of_glyphs());
        for g in 1..=glyphs.len() as u16 {
            let (mut pa, mut pb) = (Pen::default(), Pen::default());
            ta.outline(GlyphId(g), &mut pa).unwrap();
            tb.outline(GlyphId(g), &mut pb).unwrap();
            assert_eq!(pa.0, pb.0, "glyph {g}");
        }
        // Narrowed by half an em, but never below zero.
        let own = face.advance_units(glyphs[0].0) as i32;
        assert_eq!(a.advances[1] as i32, (own - 500).max(0));
        assert!(
            a.advances
                .iter()
                .zip(&b.advances)
                .any(|(x, y)| x == y && *x > 1000)
        );
    }

    #[test]
    fn tags_are_stable_and_differ_by_glyph_set() {
        assert_eq!(tag("X", &[(1, 0), (2, 0)]), tag("X", &[(1, 0), (2, 0)]));
        assert_ne!(tag("X", &[(1, 0), (2, 0)]), tag("X", &[(1, 0), (3, 0)]));
        assert_ne!(tag("X", &[(1, 0)]), tag("X", &[(1, 125)]));
        assert!(tag("X", &[]).chars().all(|c| c.is_ascii_uppercase()));
    }
}
