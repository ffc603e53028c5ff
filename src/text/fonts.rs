//! Font loading and metrics: memory-mapped files, glyph ids and advances
//! read straight from `cmap`/`hmtx` with `ttf-parser`.
//!
//! Only the few tables we need are touched, so a 20 MB CJK collection costs
//! almost nothing to open: the operating system pages in what is read.

#[cfg(test)]
use std::path::Path;

use ttf_parser::{Face, GlyphId};

use crate::error::{Error, Kind, Result};
use crate::frame::FontKind;

/// One loaded face.
pub(crate) struct LoadedFont {
    /// The whole file, mapped; `'static` because fonts live for the whole run
    /// and are shared by every profile built in it.
    pub(crate) data: &'static [u8],
    /// Face index inside the file.
    pub(crate) index: u32,
    /// The file's identity, which keys its cached programs.
    pub(crate) identity: crate::store::FileIdentity,
    face: Face<'static>,
    /// PostScript name, for the PDF's `/BaseFont`.
    pub(crate) ps_name: String,
    /// Units per em.
    pub(crate) upem: f32,
    /// How much of a glyph's advance may go on its left and its right
    /// side when it is compressed, in font units, by glyph id: found the
    /// first time a glyph is asked about, for the few punctuation glyphs
    /// that are.
    blank: std::sync::Mutex<std::collections::HashMap<u16, (f32, f32)>>,
    /// The face's Unicode `cmap` subtables, in table order, parsed once:
    /// `Face::glyph_index` parses every subtable's header again on every
    /// call, which was a twentieth of a run's processor time.
    unicode: Vec<ttf_parser::cmap::Subtable<'static>>,
}

impl std::fmt::Debug for LoadedFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoadedFont({})", self.ps_name)
    }
}

impl LoadedFont {
    /// Maps `path` and parses face `index`.
    #[cfg(test)]
    pub(crate) fn open(path: &Path, index: u32) -> Result<LoadedFont> {
        let file = std::fs::File::open(path)
            .map_err(|e| Error::file(Kind::NoInput, path, format!("cannot open font: {e}")))?;
        // SAFETY: the font file is opened read-only; if another process
        // truncates it while we run, reads may fault, which is the same risk
        // every font renderer takes with mapped fonts.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .map_err(|e| Error::file(Kind::Io, path, format!("cannot map font: {e}")))?;
        let data: &'static [u8] = Box::leak(Box::new(map));
        let identity = file
            .metadata()
            .map(|m| crate::store::file_identity(&m))
            .map_err(|e| Error::file(Kind::Io, path, format!("cannot read font: {e}")))?;
        Self::from_data(data, index, identity).map_err(|e| {
            Error::file(
                Kind::NoInput,
                path,
                format!("not a usable font (face {index}): {e}"),
            )
        })
    }

    /// Parses face `index` of a font file's bytes, mapped for the rest of
    /// the process.
    pub(crate) fn from_data(
        data: &'static [u8],
        index: u32,
        identity: crate::store::FileIdentity,
    ) -> std::result::Result<LoadedFont, ttf_parser::FaceParsingError> {
        let face = Face::parse(data, index)?;
        let ps_name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| format!("Font{index}"));
        let upem = face.units_per_em() as f32;
        let unicode = face
            .tables()
            .cmap
            .map(|c| c.subtables.into_iter().filter(|t| t.is_unicode()).collect())
            .unwrap_or_default();
        Ok(LoadedFont {
            data,
            index,
            identity,
            face,
            ps_name: ps_name.replace(' ', ""),
            upem,
            blank: Default::default(),
            unicode,
        })
    }

    /// Glyph id for `c`, or `None` when the font lacks it.
    pub(crate) fn glyph(&self, c: char) -> Option<u16> {
        // What `Face::glyph_index` does: the first Unicode subtable that
        // maps the character.
        self.unicode
            .iter()
            .find_map(|t| t.glyph_index(u32::from(c)))
            .map(|g| g.0)
            .filter(|&g| g != 0)
    }

    /// Advance width of `gid` in ems.
    pub(crate) fn advance(&self, gid: u16) -> f32 {
        self.face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0) as f32 / self.upem
    }

    /// Advance width of `gid` in font units, as the face's `hmtx` states it.
    pub(crate) fn advance_units(&self, gid: u16) -> u16 {
        self.face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0)
    }

    /// How much of `gid`'s advance, in ems, may go on its right side
    /// (`right`) or its left when the mark is compressed. The face says
    /// so itself in its `halt` feature (alternate half widths), which
    /// knows that a Simplified comma keeps its ink on the left and a
    /// Traditional one in the centre (a quarter em on each side). A face
    /// without one: half the advance where that half holds no ink, to
    /// within a twentieth of an em; else nothing.
    pub(crate) fn give(&self, gid: u16, right: bool) -> f32 {
        let mut cache = self.blank.lock().unwrap_or_else(|e| e.into_inner());
        let (left, right_side) = *cache.entry(gid).or_insert_with(|| {
            if let Some((placement, advance)) = self.halt(gid) {
                let (p, a) = (placement as f32, advance as f32);
                return ((-p).max(0.0), (p - a).max(0.0));
            }
            let half = self.advance_units(gid) as f32 / 2.0;
            let tolerance = self.upem / 20.0;
            match self.face.glyph_bounding_box(GlyphId(gid)) {
                Some(b) => (
                    if b.x_min as f32 >= half - tolerance {
                        half
                    } else {
                        0.0
                    },
                    if b.x_max as f32 <= half + tolerance {
                        half
                    } else {
                        0.0
                    },
                ),
                // No ink at all: either half may go.
                None => (half, half),
            }
        });
        (if right { right_side } else { left }) / self.upem
    }

    /// The `halt` adjustment of `gid` (x placement, x advance, in font
    /// units), if the face's `GPOS` has one for it.
    fn halt(&self, gid: u16) -> Option<(i16, i16)> {
        use ttf_parser::gpos::{PositioningSubtable, SingleAdjustment};
        let gpos = self.face.tables().gpos?;
        let tag = ttf_parser::Tag::from_bytes(b"halt");
        for f in (0..gpos.features.len()).filter_map(|i| gpos.features.get(i)) {
            if f.tag != tag {
                continue;
            }
            for lookup in f
                .lookup_indices
                .into_iter()
                .filter_map(|l| gpos.lookups.get(l))
            {
                for sub in lookup.subtables.into_iter::<PositioningSubtable>() {
                    let PositioningSubtable::Single(single) = sub else {
                        continue;
                    };
                    let Some(k) = single.coverage().get(GlyphId(gid)) else {
                        continue;
                    };
                    let v = match single {
                        SingleAdjustment::Format1 { value, .. } => value,
                        SingleAdjustment::Format2 { values, .. } => values.get(k)?,
                    };
                    return Some((v.x_placement, v.x_advance));
                }
            }
        }
        None
    }

    /// The face's `CFF ` table, if its outlines are CFF.
    pub(crate) fn cff_table(&self) -> Option<&'static [u8]> {
        self.face
            .raw_face()
            .table(ttf_parser::Tag::from_bytes(b"CFF "))
    }

    /// The metrics a PDF font descriptor states, in thousandths of an em.
    pub(crate) fn descriptor(&self) -> Descriptor {
        let k = 1000.0 / self.upem;
        let s = |v: i16| (v as f32 * k).round() as i32;
        let b = self.face.global_bounding_box();
        let italic = self.face.italic_angle();
        let weight = self.face.weight().to_number();
        Descriptor {
            ascent: s(self.face.ascender()),
            descent: s(self.face.descender()),
            cap_height: s(self.face.capital_height().unwrap_or(self.face.ascender())),
            bbox: [s(b.x_min), s(b.y_min), s(b.x_max), s(b.y_max)],
            italic_angle: italic,
            // Readers estimate the stem from the weight class when they
            // must substitute a face; the usual conversion.
            stem_v: 50 + ((weight as f32 / 65.0).powi(2)).round() as i32,
        }
    }

    /// Width of `text` in ems, skipping characters the font lacks (for
    /// estimates only; real layout reports missing characters).
    pub(crate) fn text_width(&self, text: &str) -> f32 {
        text.chars()
            .filter_map(|c| self.glyph(c))
            .map(|g| self.advance(g))
            .sum()
    }
}

/// Font descriptor metrics, in thousandths of an em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Descriptor {
    /// Typographic ascender.
    pub(crate) ascent: i32,
    /// Typographic descender (negative).
    pub(crate) descent: i32,
    /// Height of capitals.
    pub(crate) cap_height: i32,
    /// Bounding box of all glyphs.
    pub(crate) bbox: [i32; 4],
    /// Slant in degrees, counter-clockwise from vertical.
    pub(crate) italic_angle: f32,
    /// Estimated vertical stem width.
    pub(crate) stem_v: i32,
}

/// The three faces of a briefing, loaded once per run.
#[derive(Debug)]
pub struct FontSet {
    fonts: [LoadedFont; 3],
}

impl FontSet {
    /// The faces at these bytes (body, heading, bold), each a file's
    /// contents and the index of the face in it: the config check mapped
    /// and validated them, so parsing again only reads table headers.
    pub fn from_data(
        faces: [(&'static [u8], u32, crate::store::FileIdentity); 3],
    ) -> Result<FontSet> {
        let [b, h, o] = faces.map(|(data, index, identity)| {
            LoadedFont::from_data(data, index, identity).map_err(|e| {
                Error::new(
                    Kind::NoInput,
                    format!("not a usable font (face {index}): {e}"),
                )
            })
        });
        Ok(FontSet {
            fonts: [b?, h?, o?],
        })
    }

    /// Maps and loads the faces at these paths (body, heading, bold).
    #[cfg(test)]
    pub fn open(faces: [(&Path, u32); 3]) -> Result<FontSet> {
        let [b, h, o] = faces.map(|(path, index)| LoadedFont::open(path, index));
        Ok(FontSet {
            fonts: [b?, h?, o?],
        })
    }

    /// The face for `kind`.
    pub(crate) fn get(&self, kind: FontKind) -> &LoadedFont {
        &self.fonts[kind as usize]
    }
}

/// The repository's default fonts, for unit tests anywhere in the crate.
#[cfg(test)]
pub(crate) fn test_fonts() -> FontSet {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    FontSet::open([
        (&root.join("NotoSerifCJK-Regular.ttc"), 2),
        (&root.join("NotoSansCJK-Regular.ttc"), 2),
        (&root.join("NotoSansCJK-Bold.ttc"), 2),
    ])
    .expect("fonts/ has the default faces")
}
