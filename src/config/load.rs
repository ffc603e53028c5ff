//! Reads `briefing.toml` and checks it: run settings, page, fonts and
//! profiles; the sources and themes it points to are read by `catalog`,
//! `[mail]` by `mail`. Each mistake is reported with its file, line and
//! column and what was expected.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::blocks::parse_template;
use super::catalog::{load_catalog_cached, theme_files};
use super::mail::{mail_settings, mailbox};
use super::model::*;
use super::schema::*;
use super::source::SourceFile;
use crate::error::{Error, Kind, Result, resolve};

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
fn load_inner(path: &Path, run: Option<Option<&Path>>) -> Result<Config> {
    let file = SourceFile::read(path, Kind::Config).map_err(|e| {
        if e.kind() == Kind::NoInput {
            e.with_help("pass --config FILE, or run from the project folder where config/briefing.toml lives")
        } else {
            e
        }
    })?;
    let raw: RawConfig = file.parse(Kind::Config)?;
    crate::trace::mark("config: run configuration read");
    for (v, what) in [
        (Some(raw.title.as_str()), "the title"),
        (Some(raw.organisation.as_str()), "the organisation"),
        (Some(raw.author.as_str()), "the author"),
        (raw.classification.as_deref(), "the classification"),
        (raw.closing_note.as_deref(), "the closing note"),
    ] {
        if let Some(v) = v {
            file.plain(Kind::Config, v, what)?;
        }
    }
    for p in &raw.profiles {
        let p = p.get_ref();
        for v in [&p.title, &p.subtitle, &p.closing_note]
            .into_iter()
            .flatten()
        {
            file.plain(
                Kind::Config,
                v,
                "a profile's title, subtitle or closing note",
            )?;
        }
    }
    if let Some(s) = &raw.subtitle {
        return Err(file.error(
            Kind::Config,
            s.span(),
            "`subtitle` belongs to a [[profile]]: a briefing's subtitle follows the themes it selects (and defaults to their titles)",
        ));
    }
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };

    let language = match &raw.language {
        Some(l) if l.get_ref() != "zh-CN" => {
            return Err(file.error(
                Kind::Config,
                l.span(),
                format!("unsupported language `{}`; expected \"zh-CN\"", l.get_ref()),
            ));
        }
        _ => "zh-CN".to_string(),
    };
    let time_zone = match &raw.time_zone {
        None => jiff::tz::TimeZone::get("Asia/Shanghai").map_err(|e| {
            Error::new(
                Kind::Software,
                format!("the built-in time zone database: {e}"),
            )
        })?,
        Some(tz) => jiff::tz::TimeZone::get(tz.get_ref()).map_err(|_| {
            file.error(
                Kind::Config,
                tz.span(),
                format!(
                    "unknown time zone `{}`; expected an IANA name such as \"Asia/Shanghai\"",
                    tz.get_ref()
                ),
            )
        })?,
    };
    let file_name = match &raw.file_name {
        None => "{name}-{date}.pdf".to_string(),
        Some(f) => {
            let v = f.get_ref();
            if !v.contains("{date}") || !v.ends_with(".pdf") || v.contains('/') || v.contains('\\')
            {
                return Err(file.error(
                    Kind::Config,
                    f.span(),
                    "file name pattern must contain `{date}`, end in `.pdf` and have no `/`",
                ));
            }
            v.clone()
        }
    };
    let keep = match &raw.keep {
        None => None,
        Some(k) if *k.get_ref() >= 1 => Some(*k.get_ref() as usize),
        Some(k) => return Err(file.error(Kind::Config, k.span(), "`keep` must be 1 or more")),
    };
    let page = page_settings(&file, raw.page.as_ref())?;
    let mail = raw
        .mail
        .as_ref()
        .map(|m| mail_settings(&file, m))
        .transpose()?;

    let themes_dir = resolve(
        &base,
        Path::new(raw.themes_dir.as_ref().map_or("themes", |s| s.get_ref())),
    );
    let sources_path = resolve(
        &base,
        Path::new(raw.sources.as_ref().map_or("sources.toml", |s| s.get_ref())),
    );
    // The fonts are mapped and parsed on a thread of their own while the
    // catalogue's files are parsed; a font error is still reported before
    // any error in the paths or the catalogue, as if checked first.
    let (fonts, catalog) = std::thread::scope(|sc| {
        let fonts = sc.spawn(|| -> Result<FontFiles> {
            Ok(FontFiles {
                body: font_file(&file, &base, &raw.fonts.body)?,
                heading: font_file(&file, &base, &raw.fonts.heading)?,
                bold: font_file(&file, &base, &raw.fonts.bold)?,
            })
        });
        let catalog = (|| -> Result<((Catalog, Option<super::cache::Pending>), PathBuf)> {
            // A wrong path is the config's mistake: point at the key that names it.
            if !sources_path.is_file() {
                return Err(path_error(
                    &file,
                    raw.sources.as_ref(),
                    "sources",
                    &sources_path,
                    "is not a file; expected the sources list (sources.toml)",
                ));
            }
            if !themes_dir.is_dir() {
                return Err(path_error(
                    &file,
                    raw.themes_dir.as_ref(),
                    "themes_dir",
                    &themes_dir,
                    "is not a folder; expected the folder of theme files",
                ));
            }
            let output_dir = resolve(
                &base,
                Path::new(raw.output_dir.as_ref().map_or("output", |s| s.get_ref())),
            );
            if output_dir.exists() && !output_dir.is_dir() {
                return Err(path_error(
                    &file,
                    raw.output_dir.as_ref(),
                    "output_dir",
                    &output_dir,
                    "exists and is not a folder; expected the folder briefings are written to",
                ));
            }
            // The cache lives with the briefings (the font cache's folder);
            // nothing is stored in an output folder that does not exist yet.
            let cache = run
                .filter(|_| raw.cache != Some(false))
                .map(|over| font_cache_in(over.unwrap_or(&output_dir)))
                .filter(|dir| dir.parent().is_some_and(Path::is_dir));
            let catalog = load_catalog_cached(&sources_path, &themes_dir, cache.as_deref())?;
            Ok((catalog, output_dir))
        })();
        crate::trace::mark("config: catalogue read");
        let fonts = fonts.join().expect("font loading panicked");
        crate::trace::mark("config: fonts loaded");
        (fonts, catalog)
    });
    let fonts = fonts?;
    let ((catalog, catalogue_cache), output_dir) = catalog?;
    let mut inputs = vec![path.to_path_buf(), sources_path.clone()];
    inputs.extend(theme_files(&themes_dir)?);

    let profiles = profiles(&file, &raw.profiles, &catalog, raw.closing_note.as_deref())?;
    crate::trace::mark("config: checked");
    Ok(Config {
        path: path.to_path_buf(),
        inputs,
        title: raw.title,
        organisation: raw.organisation,
        author: raw.author,
        language,
        classification: raw.classification,
        closing_note: raw.closing_note.clone(),
        time_zone,
        font_cache: (raw.cache != Some(false)).then(|| font_cache_in(&output_dir)),
        output_dir,
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

const MM: f64 = 72.0 / 25.4;

fn page_settings(file: &SourceFile, raw: Option<&RawPage>) -> Result<PageSettings> {
    let default = RawPage::default();
    let raw = raw.unwrap_or(&default);
    let (w, h) = match raw.size.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("A4", _)) => (210.0, 297.0),
        Some(("A5", _)) => (148.0, 210.0),
        Some(("B5", _)) => (176.0, 250.0),
        Some(("Letter", _)) => (215.9, 279.4),
        Some((other, span)) => {
            return Err(file.error(
                Kind::Config,
                span,
                format!(
                    "unknown page size `{other}`; expected \"A4\", \"A5\", \"B5\" or \"Letter\""
                ),
            ));
        }
    };
    let num =
        |v: &Option<Spanned<f64>>, dflt, lo, hi, what: &str| in_range(file, v, dflt, lo, hi, what);
    let all = num(&raw.margin_mm, 25.0, 15.0, 60.0, "margin_mm")?;
    let top = num(&raw.margin_top_mm, all, 15.0, 60.0, "margin_top_mm")?;
    let bottom = num(&raw.margin_bottom_mm, all, 15.0, 60.0, "margin_bottom_mm")?;
    let left = num(&raw.margin_left_mm, all, 15.0, 60.0, "margin_left_mm")?;
    let right = num(&raw.margin_right_mm, all, 15.0, 60.0, "margin_right_mm")?;
    let body = num(&raw.body_size_pt, 10.5, 8.0, 16.0, "body_size_pt")?;
    let leading = num(&raw.leading, 1.7, 1.3, 2.2, "leading")?;
    if (w - left - right) < 80.0 || (h - top - bottom) < 100.0 {
        return Err(Error::new(
            Kind::Config,
            format!(
                "{}: margins leave too small a type area",
                file.path.display()
            ),
        ));
    }
    Ok(PageSettings {
        width: (w * MM) as f32,
        height: (h * MM) as f32,
        margin_top: (top * MM) as f32,
        margin_bottom: (bottom * MM) as f32,
        margin_left: (left * MM) as f32,
        margin_right: (right * MM) as f32,
        body_size: body as f32,
        leading: leading as f32,
    })
}

/// A numeric setting: its default when absent, an error naming its place
/// and the allowed range when outside `lo..=hi`.
pub(super) fn in_range<T: PartialOrd + Copy + std::fmt::Display>(
    file: &SourceFile,
    v: &Option<Spanned<T>>,
    default: T,
    lo: T,
    hi: T,
    what: &str,
) -> Result<T> {
    match v {
        None => Ok(default),
        Some(s) if (lo..=hi).contains(s.get_ref()) => Ok(*s.get_ref()),
        Some(s) => Err(file.error(
            Kind::Config,
            s.span(),
            format!("{what} must be between {lo} and {hi}"),
        )),
    }
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

/// A font face: the file must exist and be a font, and a collection needs
/// the index of the face (a .ttc holds several scripts; face 0 of
/// Noto CJK is Japanese, not Simplified Chinese).
fn font_file(file: &SourceFile, base: &Path, raw: &Spanned<RawFont>) -> Result<FontFile> {
    let r = raw.get_ref();
    let path = resolve(base, Path::new(r.path.get_ref()));
    let at = |msg: String| file.error(Kind::Config, r.path.span(), msg);
    // Mapped, not read: the check looks at a few tables of a file of
    // tens of MB.
    let data = std::fs::File::open(&path)
        // SAFETY: the font files are not modified while the program runs;
        // a file changed under it could at worst give wrong glyphs.
        .and_then(|f| unsafe { memmap2::Mmap::map(&f) })
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
        data: FontData(data),
    })
}

fn profiles(
    file: &SourceFile,
    raw: &[Spanned<RawProfile>],
    catalog: &Catalog,
    closing_note: Option<&str>,
) -> Result<Vec<Profile>> {
    if raw.is_empty() {
        // No profile: one briefing of every theme the files define.
        let themes: Vec<String> = catalog.themes.iter().map(|t| t.id.clone()).collect();
        return Ok(vec![Profile {
            name: "briefing".into(),
            title: None,
            subtitle: default_subtitle(catalog, &themes),
            regions: all_regions(catalog, &themes),
            themes,
            summary: Vec::new(),
            generated_summary: true,
            closing_note: closing_note.map(str::to_string),
            recipients: Vec::new(),
            since: None,
        }]);
    }
    let theme_list = || {
        catalog
            .themes
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in raw {
        let p = p.get_ref();
        let name = p.name.get_ref();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(file.error(Kind::Config, p.name.span(), "profile name must be ASCII letters, digits, `-` or `_` (it becomes part of the file name)"));
        }
        if !seen.insert(name.clone()) {
            return Err(file.error(
                Kind::Config,
                p.name.span(),
                format!("duplicate profile name `{name}`"),
            ));
        }
        if p.themes.is_empty() {
            return Err(file.error(
                Kind::Config,
                p.name.span(),
                format!(
                    "profile selects no themes; expected at least one of {}",
                    theme_list()
                ),
            ));
        }
        let mut themes: Vec<String> = Vec::new();
        for t in &p.themes {
            if !catalog.themes.iter().any(|th| &th.id == t.get_ref()) {
                return Err(file.error(
                    Kind::Config,
                    t.span(),
                    format!(
                        "unknown theme `{}`; expected one of {} (the ids the theme files define)",
                        t.get_ref(),
                        theme_list()
                    ),
                ));
            }
            if themes.contains(t.get_ref()) {
                return Err(file.error(
                    Kind::Config,
                    t.span(),
                    format!("theme `{}` is selected twice", t.get_ref()),
                ));
            }
            themes.push(t.get_ref().clone());
        }
        let offered = all_regions(catalog, &themes);
        let regions = match &p.regions {
            None => offered,
            Some(rs) => {
                if rs.get_ref().is_empty() {
                    return Err(file.error(
                        Kind::Config,
                        rs.span(),
                        "`regions = []` selects no region; leave `regions` out to show every region of the selected themes",
                    ));
                }
                let mut v: Vec<String> = Vec::new();
                for r in rs.get_ref() {
                    if !offered.contains(r.get_ref()) {
                        let known = catalog
                            .themes
                            .iter()
                            .any(|t| t.regions.iter().any(|x| &x.id == r.get_ref()));
                        let why = if known {
                            "no selected theme covers it"
                        } else {
                            "no theme file defines it"
                        };
                        return Err(file.error(
                            Kind::Config,
                            r.span(),
                            format!(
                                "unknown region `{}` ({why}); expected one of {}",
                                r.get_ref(),
                                if offered.is_empty() {
                                    "none: the selected themes define no regions".to_string()
                                } else {
                                    offered.join(", ")
                                }
                            ),
                        ));
                    }
                    if v.contains(r.get_ref()) {
                        return Err(file.error(
                            Kind::Config,
                            r.span(),
                            format!("region `{}` is selected twice", r.get_ref()),
                        ));
                    }
                    v.push(r.get_ref().clone());
                }
                v
            }
        };
        let mut summary = Vec::new();
        for para in &p.summary {
            summary.push(curated(file, Kind::Config, para, catalog)?);
        }
        let mut recipients: Vec<Mailbox> = Vec::new();
        for r in &p.recipients {
            let m = mailbox(file, r, "recipient")?;
            if recipients.iter().any(|x| x.email == m.email) {
                return Err(file.error(
                    Kind::Config,
                    r.span(),
                    format!("recipient `{}` is listed twice", m.email),
                ));
            }
            recipients.push(m);
        }
        out.push(Profile {
            name: name.clone(),
            title: p.title.clone(),
            subtitle: p
                .subtitle
                .clone()
                .unwrap_or_else(|| default_subtitle(catalog, &themes)),
            themes,
            regions,
            generated_summary: p.generated_summary.unwrap_or(summary.is_empty()),
            summary,
            closing_note: p
                .closing_note
                .clone()
                .or_else(|| closing_note.map(str::to_string)),
            recipients,
            since: p
                .since
                .as_ref()
                .map(|d| super::catalog::date_of(file, d))
                .transpose()?,
        });
    }
    Ok(out)
}

/// The selected themes' titles, the default subtitle.
fn default_subtitle(catalog: &Catalog, themes: &[String]) -> String {
    themes
        .iter()
        .filter_map(|id| catalog.themes.iter().find(|t| &t.id == id))
        .map(|t| t.title.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Every region the given themes cover, in theme order, then file order.
fn all_regions(catalog: &Catalog, themes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in themes {
        if let Some(t) = catalog.themes.iter().find(|t| &t.id == id) {
            for r in &t.regions {
                if !out.contains(&r.id) {
                    out.push(r.id.clone());
                }
            }
        }
    }
    out
}

/// A curated paragraph (summary line) checked against the catalogue.
pub(super) fn curated(
    f: &SourceFile,
    kind: Kind,
    p: &Spanned<RawParagraph>,
    catalog: &Catalog,
) -> Result<Curated> {
    let raw = p.get_ref();
    let sources = source_refs(f, kind, raw.sources.as_deref(), &catalog.sources)?;
    let text = parse_template(f, &raw.paragraph, &catalog.facts)?;
    if text.facts().next().is_none() && sources.is_empty() {
        return Err(f.error(
            kind,
            raw.paragraph.span(),
            "a paragraph with no placeholder must name its sources: add `sources = [\"source-id\"]` next to it",
        ));
    }
    Ok(Curated { text, sources })
}

/// Checks a list of source ids.
pub(super) fn source_refs(
    f: &SourceFile,
    kind: Kind,
    ids: Option<&[Spanned<String>]>,
    sources: &BTreeMap<String, Source>,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in ids.into_iter().flatten() {
        if !sources.contains_key(s.get_ref()) {
            return Err(f.error(
                kind,
                s.span(),
                format!(
                    "unknown source `{}`; expected one of {}",
                    s.get_ref(),
                    sources.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if !out.contains(s.get_ref()) {
            out.push(s.get_ref().clone());
        }
    }
    Ok(out)
}

/// The font cache of briefings written to `output_dir`.
pub fn font_cache_in(output_dir: &Path) -> PathBuf {
    output_dir.join(".briefing-cache")
}
