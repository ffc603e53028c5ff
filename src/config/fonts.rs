//! `[fonts]`: the three font files, each mapped once and checked to hold
//! a usable face at the index given.

use std::path::Path;

use toml::Spanned;

use super::schema::RawFont;
use super::settings::{FontData, FontFile};
use crate::error::{Error, Kind, Result, resolve};
use crate::source::SourceFile;

/// A font face: the file must exist and be a font, and a collection needs
/// the index of the face (a .ttc holds several scripts; face 0 of
/// Noto CJK is Japanese, not Simplified Chinese).
pub(super) fn font_file(
    file: &SourceFile,
    base: &Path,
    raw: &Spanned<RawFont>,
) -> Result<FontFile> {
    let r = raw.get_ref();
    let path = resolve(base, Path::new(r.path.get_ref()));
    let at = |msg: String| file.error(Kind::Config, r.path.span(), msg);
    // Mapped, not read: the check looks at a few tables of a file of
    // tens of MB.
    // The identity is the mapped file's own (fstat), for the cache.
    let data = std::fs::File::open(&path)
        // SAFETY: the font files are not modified while the program runs;
        // a file changed under it could at worst give wrong glyphs.
        .and_then(|f| {
            let id = crate::store::file_identity(&f.metadata()?);
            Ok((unsafe { memmap2::Mmap::map(&f) }?, id))
        })
        .map_err(|e| {
            let mut err = at(format!(
                "font file `{}` cannot be read: {e}",
                path.display()
            ));
            if e.kind() == std::io::ErrorKind::NotFound {
                err = Error::at(
                    Kind::NoInput,
                    &file.path,
                    &file.text,
                    r.path.span(),
                    format!("font file `{}` not found", path.display()),
                );
            }
            err
        })?;
    let (data, identity) = data;
    let faces = ttf_parser::fonts_in_collection(&data);
    let index = match (faces, &r.index) {
        (Some(n), None) => {
            return Err(at(format!(
                "`{}` is a font collection of {n} faces; set `index` to the Simplified Chinese face (2 in Noto CJK)",
                path.display()
            )));
        }
        (Some(n), Some(i)) if *i.get_ref() >= n => {
            return Err(file.error(
                Kind::Config,
                i.span(),
                format!(
                    "face index {} is out of range; `{}` has faces 0 to {}",
                    i.get_ref(),
                    path.display(),
                    n - 1
                ),
            ));
        }
        (None, Some(i)) if *i.get_ref() != 0 => {
            return Err(file.error(
                Kind::Config,
                i.span(),
                format!("`{}` is a single font; its only face is 0", path.display()),
            ));
        }
        (_, i) => i.as_ref().map_or(0, |i| *i.get_ref()),
    };
    // Mapped here, once, for the whole process: the run sets text with
    // the bytes the check found a usable face in.
    let data: &'static [u8] = Box::leak(Box::new(data));
    ttf_parser::Face::parse(data, index).map_err(|_| {
        at(format!(
            "`{}` is not an OpenType or TrueType font",
            path.display()
        ))
    })?;
    Ok(FontFile {
        path,
        index,
        editions: edition_faces(data, faces, index),
        data: FontData(data, identity),
    })
}

/// The face of each edition: the configured one for Simplified Chinese,
/// for a single font, and where it is made for the edition; else the
/// collection's face made for it, if any.
fn edition_faces(data: &[u8], faces: Option<u32>, index: u32) -> [Option<u32>; 3] {
    super::Language::ALL.map(|lang| {
        if faces.is_none() || !lang.traditional() || face_is_for(data, index, lang) {
            Some(index)
        } else {
            (0..faces.unwrap_or(0)).find(|&i| face_is_for(data, i, lang))
        }
    })
}

/// Whether face `index` of `data` is made for `lang`'s readers: its
/// `name` table gives a name in that language (a collection's Simplified,
/// Taiwanese and Hong Kong faces name themselves each in their own).
fn face_is_for(data: &[u8], index: u32, lang: super::Language) -> bool {
    let id = lang.name_language_id();
    ttf_parser::Face::parse(data, index).is_ok_and(|f| {
        f.names()
            .into_iter()
            .any(|n| n.platform_id == ttf_parser::PlatformId::Windows && n.language_id == id)
    })
}
