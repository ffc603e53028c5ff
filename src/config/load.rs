//! Reads `briefing.toml` and checks it: the run settings here, `[page]`,
//! `[fonts]`, `[[profile]]` and `[mail]` in their own files, and the
//! sources and themes it points to in `check`. Each mistake is reported
//! with its file, line and column and what was expected.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::check::Loaded;
use super::check::load_catalog;
use super::fonts::font_file;
use super::mail::mail_settings;
use super::page::page_settings;
use super::profiles::profiles;
use super::schema::*;
use super::settings::*;
use super::values::{plain_opt, plain_text};
use crate::error::{Error, Kind, Result, resolve};
use crate::origin::{FileId, Text};
use crate::source::{Files, SourceFile};

/// Reads and checks the config at `path` with its sources and themes.
/// Keeps nothing between runs; see [`load_for_run`].
pub fn load(path: &Path) -> Result<Config> {
    load_inner(path, None)
}

/// As [`load`], for a run that writes into `output_dir` (the config's own
/// when `None`): the checked catalogue is read from, or stored in, that
/// folder's cache, unless the config says `cache = false`.
pub fn load_for_run(path: &Path, output_dir: Option<&Path>) -> Result<Config> {
    load_inner(path, Some(output_dir))
}

/// `run`: `Some(output folder override)` for a run that may use the cache.
// Kept whole: the order of the checks is the order errors are reported in, and it reads top to bottom here; every step is a call.
fn load_inner(path: &Path, run: Option<Option<&Path>>) -> Result<Config> {
    let file = SourceFile::read(path, Kind::Config, FileId(0)).map_err(|e| {
        if e.kind() == Kind::NoInput {
            e.with_help("pass --config FILE, or run from the project folder where config/briefing.toml lives")
        } else {
            e
        }
    })?;
    let raw: RawConfig = file.parse(Kind::Config)?;
    crate::trace::mark("config: run configuration read");
    let strings = strings(&file, &raw)?;
    let base = folder_of(path);
    let language = super::editions::language(&file, raw.language.as_ref())?.unwrap_or_default();
    let time_zone = time_zone(&file, &raw)?;
    let file_name = file_name(&file, &raw)?;
    let keep = keep(&file, &raw)?;
    let page = page_settings(&file, raw.page.as_ref())?;
    let mail = raw
        .mail
        .as_ref()
        .map(|m| mail_settings(&file, m))
        .transpose()?;
    let paths = Paths::of(&raw, &base);
    // The fonts are mapped and checked beside the parsing of the
    // catalogue's files; a font error is still reported before any error
    // in the paths or the catalogue, as if checked first.
    let (fonts, catalog) = rayon::join(
        || -> Result<FontFiles> {
            let fonts = FontFiles {
                body: font_file(&file, &base, &raw.fonts.body)?,
                heading: font_file(&file, &base, &raw.fonts.heading)?,
                bold: font_file(&file, &base, &raw.fonts.bold)?,
            };
            crate::trace::mark("config: fonts loaded");
            Ok(fonts)
        },
        || {
            let catalog = catalogue(&file, &raw, &paths, run);
            crate::trace::mark("config: catalogue read");
            catalog
        },
    );
    let fonts = fonts?;
    let (catalog, catalogue_cache, read) = catalog?;
    let mut files = vec![file.clone()];
    files.extend(read);
    let id = crate::origin::FileId(files.len() as u16);
    let (conversion, editions) =
        super::editions::conversion(&file, &base, raw.editions.as_ref(), id)?;
    files.extend(editions);
    let profiles = profiles(
        &file,
        &raw.profiles,
        &catalog,
        strings.closing_note.as_ref(),
        language,
    )?;
    crate::trace::mark("config: checked");
    Ok(Config {
        path: path.to_path_buf(),
        files: Files::new(files),
        title: strings.title,
        organisation: strings.organisation,
        author: strings.author,
        language,
        conversion,
        classification: strings.classification,
        closing_note: strings.closing_note,
        time_zone,
        font_cache: (raw.cache != Some(false)).then(|| font_cache_in(&paths.output)),
        pdf_standards: raw.pdf_standards != Some(false),
        output_dir: paths.output,
        file_name,
        keep,
        page,
        fonts,
        mail,
        profiles,
        catalog,
        catalogue_cache,
    })
}

/// The folder `path` is in, which relative paths in it start from.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `keep`: how many dated briefings to keep per profile, if limited.
fn keep(file: &SourceFile, raw: &RawConfig) -> Result<Option<usize>> {
    match &raw.keep {
        None => Ok(None),
        Some(k) if *k.get_ref() >= 1 => Ok(Some(*k.get_ref() as usize)),
        Some(k) => Err(file.error(Kind::Config, k.span(), "`keep` must be 1 or more")),
    }
}

/// The strings of `briefing.toml` the briefing prints as written.
struct Strings {
    title: Text,
    organisation: Text,
    author: Text,
    classification: Option<Text>,
    closing_note: Option<Text>,
}

/// The config's printed strings, with no placeholders; and no subtitle
/// outside a profile.
fn strings(file: &SourceFile, raw: &RawConfig) -> Result<Strings> {
    let k = Kind::Config;
    let s = Strings {
        title: plain_text(file, &raw.title, k, "the title")?,
        organisation: plain_text(file, &raw.organisation, k, "the organisation")?,
        author: plain_text(file, &raw.author, k, "the author")?,
        classification: plain_opt(file, &raw.classification, k, "the classification")?,
        closing_note: plain_opt(file, &raw.closing_note, k, "the closing note")?,
    };
    for p in &raw.profiles {
        let p = p.get_ref();
        for v in [&p.title, &p.subtitle, &p.closing_note] {
            plain_opt(file, v, k, "a profile's title, subtitle or closing note")?;
        }
    }
    if let Some(s) = &raw.subtitle {
        return Err(file.error(
            Kind::Config,
            s.span(),
            "`subtitle` belongs to a [[profile]]: a briefing's subtitle follows the themes it selects (and defaults to their titles)",
        ));
    }
    Ok(s)
}

/// The zone that decides what "today" is.
fn time_zone(file: &SourceFile, raw: &RawConfig) -> Result<jiff::tz::TimeZone> {
    match &raw.time_zone {
        None => jiff::tz::TimeZone::get("Asia/Shanghai").map_err(|e| {
            Error::new(
                Kind::Software,
                format!("the built-in time zone database: {e}"),
            )
        }),
        Some(tz) => jiff::tz::TimeZone::get(tz.get_ref()).map_err(|_| {
            file.error(
                Kind::Config,
                tz.span(),
                format!(
                    "unknown time zone `{}`; expected an IANA name such as \"Asia/Shanghai\"",
                    tz.get_ref()
                ),
            )
        }),
    }
}

/// Longest `file_name` pattern, in bytes: filled with a date and the
/// longest profile name it stays well inside a file system's 255.
const MAX_FILE_NAME: usize = 160;

/// The pattern of briefing file names, checked once, before anything is
/// written: one `{date}` (two would make the date unreadable from the
/// name, so no `latest`), no placeholder but `{name}` and `{date}`, a
/// plain file name (no folder, no control character such as a newline
/// that would split the manifest's lines, not hidden), `.pdf` at the end.
fn file_name(file: &SourceFile, raw: &RawConfig) -> Result<String> {
    let Some(f) = &raw.file_name else {
        return Ok("{name}-{date}.pdf".to_string());
    };
    let v = f.get_ref();
    let refuse = |why: String| Err(file.error(Kind::Config, f.span(), why));
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() || matches!(c, '/' | '\\'))
    {
        return refuse(format!(
            "`file_name` must be a plain file name; it contains {c:?}"
        ));
    }
    let rest = v.replace("{name}", "").replace("{date}", "");
    if rest.contains(['{', '}']) {
        return refuse("`file_name` knows only the placeholders `{name}` and `{date}`".to_string());
    }
    if v.matches("{date}").count() != 1 {
        return refuse(
            "`file_name` must contain `{date}` exactly once (the date is read back from the name for `latest` and `keep`)".to_string(),
        );
    }
    if !v.ends_with(".pdf") || v.starts_with('.') {
        return refuse(
            "`file_name` must end in `.pdf` and not start with `.` (hidden files are the program's own)".to_string(),
        );
    }
    if v.len() > MAX_FILE_NAME {
        return refuse(format!(
            "`file_name` is {} bytes long; at most {MAX_FILE_NAME}, so the file's name stays within what file systems allow",
            v.len()
        ));
    }
    Ok(v.clone())
}

/// The files and folders the config names, resolved against its folder.
struct Paths {
    sources: PathBuf,
    themes: PathBuf,
    output: PathBuf,
}

impl Paths {
    fn of(raw: &RawConfig, base: &Path) -> Paths {
        let at = |key: &Option<Spanned<String>>, default: &str| {
            resolve(
                base,
                Path::new(key.as_ref().map_or(default, |s| s.get_ref())),
            )
        };
        Paths {
            sources: at(&raw.sources, "sources.toml"),
            themes: at(&raw.themes_dir, "themes"),
            output: at(&raw.output_dir, "output"),
        }
    }
}

/// The checked catalogue, from the cache when a run may use it, and where
/// a catalogue parsed now would be kept; a wrong path is the config's
/// mistake, pointed at in it.
fn catalogue(
    file: &SourceFile,
    raw: &RawConfig,
    paths: &Paths,
    run: Option<Option<&Path>>,
) -> Result<Loaded> {
    if !paths.sources.is_file() {
        return Err(path_error(
            file,
            raw.sources.as_ref(),
            "sources",
            &paths.sources,
            "is not a file; expected the sources list (sources.toml)",
        ));
    }
    if !paths.themes.is_dir() {
        return Err(path_error(
            file,
            raw.themes_dir.as_ref(),
            "themes_dir",
            &paths.themes,
            "is not a folder; expected the folder of theme files",
        ));
    }
    if paths.output.exists() && !paths.output.is_dir() {
        return Err(path_error(
            file,
            raw.output_dir.as_ref(),
            "output_dir",
            &paths.output,
            "exists and is not a folder; expected the folder briefings are written to",
        ));
    }
    // The cache lives with the briefings (the font cache's folder);
    // nothing is stored in an output folder that does not exist yet.
    let cache = run
        .filter(|_| raw.cache != Some(false))
        .map(|over| font_cache_in(over.unwrap_or(&paths.output)))
        .filter(|dir| dir.parent().is_some_and(Path::is_dir));
    load_catalog(&paths.sources, &paths.themes, cache.as_deref(), 1)
}

/// A path key whose file or folder is wrong, pointed at (or, when the key
/// is absent and its default is meant, named).
fn path_error(
    file: &SourceFile,
    key: Option<&Spanned<String>>,
    name: &str,
    path: &Path,
    what: &str,
) -> Error {
    let msg = format!("`{name}`: `{}` {what}", path.display());
    match key {
        Some(k) => file.error(Kind::Config, k.span(), msg),
        None => Error::file(
            Kind::Config,
            &file.path,
            format!("{msg} (the default; set `{name}`)"),
        ),
    }
}

/// The font cache of briefings written to `output_dir`.
pub fn font_cache_in(output_dir: &Path) -> PathBuf {
    output_dir.join(".briefing-cache")
}
