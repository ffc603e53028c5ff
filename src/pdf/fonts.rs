//! The font objects of a briefing, written directly: for each face one
//! embedded program, one descriptor, one ToUnicode map and one Type0 font
//! whose `/W` widths are the program's own advances (copies of glyphs
//! with other advances included: `super` explains them).
//!
//! printpdf would parse every subset again to write what is written here
//! from what the subsetter already knows.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use ttf_parser::{RawFace, Tag};

use super::Effort;
use super::subset::Subset;
use crate::error::{Error, Kind, Result};
use crate::text::fonts::LoadedFont;

/// A stream deflated now, at the level of `effort`, when that makes it
/// smaller.
pub(crate) fn deflated(mut dict: Dictionary, bytes: Vec<u8>, effort: Effort) -> Stream {
    let content = match super::deflate(&bytes, effort) {
        Some(z) => {
            dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            z
        }
        None => bytes,
    };
    let mut s = Stream::new(dict, content);
    // Already as small as it gets: lopdf must not touch it.
    s.allows_compression = false;
    s
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

/// An embedded font program, deflated, and how the font dictionaries
/// must name it.
pub(crate) struct Program {
    /// `CIDFontType0` (CFF outlines) or `CIDFontType2` (TrueType).
    subtype: &'static str,
    /// `FontFile3` or `FontFile2`.
    file_key: &'static str,
    stream: Stream,
}

impl Program {
    /// The stream's bytes as embedded (deflated when that made them
    /// smaller).
    pub(crate) fn content(&self) -> &[u8] {
        &self.stream.content
    }

    /// TrueType outlines (`FontFile2`) rather than bare CFF.
    pub(crate) fn is_truetype(&self) -> bool {
        self.file_key == "FontFile2"
    }

    /// The stream is deflated.
    pub(crate) fn is_deflated(&self) -> bool {
        self.stream.dict.has(b"Filter")
    }

    /// A TrueType program's undeflated length.
    pub(crate) fn length1(&self) -> Option<i64> {
        self.stream
            .dict
            .get(b"Length1")
            .ok()
            .and_then(|l| l.as_i64().ok())
    }

    /// The program [`program`] made, from what [`Program::content`] and
    /// the other accessors give: the dictionary is built in the same
    /// order, so the file's bytes are the same.
    pub(crate) fn restore(length1: Option<i64>, deflated: bool, content: Vec<u8>) -> Program {
        let mut d = Dictionary::new();
        let (subtype, file_key) = match length1 {
            None => {
                d.set("Subtype", name("CIDFontType0C"));
                ("CIDFontType0", "FontFile3")
            }
            Some(n) => {
                d.set("Length1", n);
                ("CIDFontType2", "FontFile2")
            }
        };
        if deflated {
            d.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        }
        let mut stream = Stream::new(d, content);
        stream.allows_compression = false;
        Program {
            subtype,
            file_key,
            stream,
        }
    }
}

/// The program of a subset, ready to embed; run beside the other faces'.
/// Takes the subset's bytes (nothing reads them after this).
pub(crate) fn program(face: &LoadedFont, sub: &mut Subset) -> Result<Program> {
    let data = std::mem::take(&mut sub.data);
    // CFF outlines go in bare (`CIDFontType0C`: CID-keyed CFF with CID =
    // glyph id); TrueType outlines as the whole program, with CID = glyph
    // id by `/CIDToGIDMap /Identity`.
    let (cff, truetype) = if sub.bare_cff {
        (Some(data), None)
    } else {
        let raw = RawFace::parse(&data, 0).map_err(|e| {
            Error::new(
                Kind::Software,
                format!("subset of {} unreadable: {e}", face.ps_name),
            )
        })?;
        match raw.table(Tag::from_bytes(b"glyf")) {
            Some(_) => (None, Some(data)),
            None => (None, None),
        }
    };
    let mut d = Dictionary::new();
    let (subtype, file_key, bytes) = match (cff, truetype) {
        (Some(cff), _) => {
            d.set("Subtype", name("CIDFontType0C"));
            ("CIDFontType0", "FontFile3", cff)
        }
        (None, Some(ttf)) => {
            d.set("Length1", ttf.len() as i64);
            ("CIDFontType2", "FontFile2", ttf)
        }
        (None, None) => {
            return Err(Error::new(
                Kind::Software,
                format!(
                    "{}: only CFF and TrueType outlines can be embedded",
                    face.ps_name
                ),
            ));
        }
    };
    Ok(Program {
        subtype,
        file_key,
        stream: deflated(d, bytes, Effort::Thorough),
    })
}

/// An advance of `units` font units as a `/W` width: thousandths of an
/// em, whole (what readers move the pen by, so the page operations use
/// this too).
pub(crate) fn pdf_width(units: u16, upem: f32) -> f32 {
    (units as f32 * (1000.0 / upem)).round()
}

/// Adds the objects of one face and returns its Type0 font.
///
/// `to_unicode` is the face's ToUnicode map ([`cmap`], deflated).
pub(crate) fn add_face(
    lo: &mut Document,
    face: &LoadedFont,
    sub: &Subset,
    program: Program,
    to_unicode: Stream,
) -> Result<ObjectId> {
    let program_id = lo.add_object(program.stream);
    let (subtype, file_key) = (program.subtype, program.file_key);

    let m = face.descriptor();
    let mut desc = Dictionary::new();
    desc.set("Type", name("FontDescriptor"));
    desc.set("FontName", name(&sub.name));
    desc.set("Ascent", m.ascent as i64);
    desc.set("Descent", m.descent as i64);
    desc.set("CapHeight", m.cap_height as i64);
    desc.set("ItalicAngle", Object::Real(m.italic_angle));
    // Nonsymbolic (bit 6), italic (bit 7) when slanted.
    let flags = 32 | if m.italic_angle != 0.0 { 64 } else { 0 };
    desc.set("Flags", flags as i64);
    desc.set("StemV", m.stem_v as i64);
    desc.set(
        "FontBBox",
        Object::Array(m.bbox.iter().map(|&v| Object::Integer(v as i64)).collect()),
    );
    desc.set(file_key, Object::Reference(program_id));
    let desc_id = lo.add_object(desc);

    let to_unicode = lo.add_object(to_unicode);

    // The program's own advances, in thousandths of an em, for every
    // glyph id from 0: the widths match the program (PDF/A-2 §6.2.11.5).
    let w: Vec<Object> = sub
        .advances
        .iter()
        .map(|&a| Object::Integer(pdf_width(a, face.upem) as i64))
        .collect();
    let mut info = Dictionary::new();
    info.set("Registry", Object::string_literal("Adobe"));
    info.set("Ordering", Object::string_literal("Identity"));
    info.set("Supplement", 0);
    let mut cid = Dictionary::new();
    cid.set("Type", name("Font"));
    cid.set("Subtype", name(subtype));
    cid.set("BaseFont", name(&sub.name));
    cid.set("CIDSystemInfo", info);
    cid.set("FontDescriptor", Object::Reference(desc_id));
    cid.set(
        "W",
        Object::Array(vec![Object::Integer(0), Object::Array(w)]),
    );
    if subtype == "CIDFontType2" {
        cid.set("CIDToGIDMap", name("Identity"));
    }
    let cid_id = lo.add_object(cid);
    let mut t0 = Dictionary::new();
    t0.set("Type", name("Font"));
    t0.set("Subtype", name("Type0"));
    t0.set("BaseFont", name(&sub.name));
    t0.set("Encoding", name("Identity-H"));
    t0.set(
        "DescendantFonts",
        Object::Array(vec![Object::Reference(cid_id)]),
    );
    t0.set("ToUnicode", Object::Reference(to_unicode));
    Ok(lo.add_object(t0))
}

/// A ToUnicode CMap: each two-byte code (the subset glyph id) to the
/// UTF-16 of the characters it stands for.
pub(crate) fn cmap(name: &str, texts: &BTreeMap<u16, char>) -> Vec<u8> {
    let mut s = String::with_capacity(64 + texts.len() * 20);
    let _ = write!(
        s,
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /{}-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        name.replace(['+', ' '], "-")
    );
    let entries: Vec<(&u16, &char)> = texts.iter().collect();
    // At most 100 entries per block (PostScript's limit on operands).
    for block in entries.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", block.len());
        for (code, text) in block {
            let _ = write!(s, "<{code:04X}> <");
            for u in text.encode_utf16(&mut [0; 2]) {
                let _ = write!(s, "{u:04X}");
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::cmap;
    use std::collections::BTreeMap;

    #[test]
    fn cmap_maps_codes_to_utf16_in_blocks_of_100() {
        let texts: BTreeMap<u16, char> = (1..=150u16)
            .map(|i| (i, if i == 7 { '𝔸' } else { '年' }))
            .collect();
        let s = String::from_utf8(cmap("ABCDEF+Face", &texts)).unwrap();
        assert!(s.contains("100 beginbfchar"));
        assert!(s.contains("50 beginbfchar"));
        assert!(s.contains("<0001> <5E74>"));
        // Outside the BMP: a surrogate pair.
        assert!(s.contains("<0007> <D835DD38>"));
        assert!(s.contains("/CMapName /ABCDEF-Face-UCS def"));
    }
}
