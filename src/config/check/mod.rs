//! The sources list and the theme files, read and checked into the
//! [`Catalog`]: one file per kind of check, run in this order —
//! [`sources`], [`ids`] (themes, regions and fact ids, so any file may
//! refer to any other), [`facts`], [`derived`] figures, then the
//! [`sections`] with their [`blocks`] and [`charts`]. Every error names
//! its file, line and column.

pub(super) mod blocks;
mod charts;
mod derived;
mod facts;
mod ids;
mod sections;
mod sources;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cache::Pending;
use super::model::*;
use super::schema::*;
use crate::error::{Error, Kind, Result};
use crate::origin::FileId;
use crate::source::SourceFile;

/// The theme files of `themes_dir`, in name order.
pub(super) fn theme_files(themes_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(themes_dir)
        .map_err(|e| crate::error::read_error(themes_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The catalogue, where it would be kept, and the files it was read from.
pub(super) type Loaded = (Catalog, Option<Pending>, Vec<Arc<SourceFile>>);

/// Loads `sources.toml` and every `*.toml` in `themes_dir`, checked; with
/// `cache` (a folder), a catalogue checked before from the very same
/// files (and by the very same binary) is taken from there instead of
/// parsed and checked again. A catalogue parsed here comes with where it
/// would be stored: the run stores it once it has succeeded, so a failed
/// run leaves nothing behind. The files get ids from `first` on: the
/// sources list, then the theme files in name order.
pub(super) fn load_catalog(
    sources_path: &Path,
    themes_dir: &Path,
    cache: Option<&Path>,
    first: u16,
) -> Result<Loaded> {
    let paths = theme_files(themes_dir);
    // Every file is read first: a few small files, and what the cache key
    // digests. Errors are still reported in file order, sources first.
    let sources = SourceFile::read(sources_path, Kind::Data, FileId(first));
    let themes: Vec<Result<Arc<SourceFile>>> = match &paths {
        Ok(paths) => paths
            .iter()
            .enumerate()
            .map(|(i, p)| SourceFile::read(p, Kind::Data, FileId(first + 1 + i as u16)))
            .collect(),
        Err(_) => Vec::new(),
    };
    let files = || {
        let mut v: Vec<Arc<SourceFile>> = sources.iter().cloned().collect();
        v.extend(themes.iter().filter_map(|t| t.as_ref().ok().cloned()));
        v
    };
    let pending = cache.and_then(|dir| {
        let sources = sources.as_ref().ok()?;
        let themes = themes
            .iter()
            .map(|t| t.as_ref().ok())
            .collect::<Option<Vec<_>>>()?;
        Pending::new(dir, sources, &themes)
    });
    if let Some(cat) = pending.as_ref().and_then(|p| p.get()) {
        crate::trace::mark("config: catalogue from the cache");
        return Ok((cat, None, files()));
    }
    let read = files();
    let cat = check(sources, paths, themes, sources_path, themes_dir)?;
    Ok((cat, pending, read))
}

/// A theme file, read and parsed.
type Parsed = (Arc<SourceFile>, RawTheme);

/// The sources list, read and parsed.
type ParsedSources = (Arc<SourceFile>, RawSources);

/// Parses the files, read, in parallel: parsing is most of checking, and
/// the files are independent.
fn parse(
    sources: Result<Arc<SourceFile>>,
    themes: Vec<Result<Arc<SourceFile>>>,
) -> (Result<ParsedSources>, Vec<Result<Parsed>>) {
    use rayon::prelude::*;
    rayon::join(
        || sources.and_then(|f| f.parse::<RawSources>(Kind::Data).map(|raw| (f, raw))),
        || {
            themes
                .into_par_iter()
                .map(|f| {
                    let f = f?;
                    let t: RawTheme = f.parse(Kind::Data)?;
                    Ok((f, t))
                })
                .collect()
        },
    )
}

/// Parses and checks the catalogue's files, read. Errors are reported in
/// file order, and within the files in the order of the checks.
fn check(
    sources: Result<Arc<SourceFile>>,
    paths: Result<Vec<PathBuf>>,
    themes: Vec<Result<Arc<SourceFile>>>,
    sources_path: &Path,
    themes_dir: &Path,
) -> Result<Catalog> {
    let (sources, themes) = parse(sources, themes);
    crate::trace::mark("config: catalogue files parsed");
    let (sfile, raw) = sources?;
    let mut cat = Catalog::default();
    sources::check(&sfile, raw, &mut cat)?;
    if paths?.is_empty() {
        return Err(Error::file(
            Kind::NoInput,
            themes_dir,
            "no theme files (*.toml) in this folder, which `themes_dir` of the config names (default `themes`, beside the config)",
        )
        .with_help("set `themes_dir` in the config to the folder of your theme files, or put them here"));
    }
    let raws = themes.into_iter().collect::<Result<Vec<_>>>()?;
    let regions = ids::check(&raws, &mut cat)?;
    facts::check(&raws, &regions, sources_path, &mut cat)?;
    derived::check(&raws, &regions, &mut cat)?;
    facts::supersession(&raws, &cat)?;
    sections::check(&raws, &regions, &mut cat)?;
    Ok(cat)
}
