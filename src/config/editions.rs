//! Editions: the language a briefing is written in (`language`, at the top
//! level and per `[[profile]]`), and the conversion table the Traditional
//! editions use beside the standard character conversion (`editions`, a
//! file of its own: see `docs/editions.md`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use crate::error::{Kind, Result, resolve};
use crate::origin::FileId;
use crate::source::{SourceFile, is_blank};

/// A briefing's language and script, as BCP 47 tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Language {
    /// Simplified Chinese, the language the data is written in.
    #[default]
    ZhCn,
    /// Traditional Chinese as used in Taiwan.
    ZhHantTw,
    /// Traditional Chinese as used in Hong Kong.
    ZhHantHk,
}

impl Language {
    /// Every edition, in the order the docs list them.
    pub const ALL: [Language; 3] = [Language::ZhCn, Language::ZhHantTw, Language::ZhHantHk];

    /// The BCP 47 tag: `/Lang`, the XMP language, the mail's
    /// `Content-Language`, and the value `language` takes.
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::ZhHantTw => "zh-Hant-TW",
            Language::ZhHantHk => "zh-Hant-HK",
        }
    }

    /// The language a tag names.
    pub fn from_tag(tag: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// Whether the edition is in Traditional characters (and so converted).
    pub fn traditional(self) -> bool {
        self != Language::ZhCn
    }

    /// The Windows language id a font's `name` table gives the family name
    /// in, for the face made for this edition's readers (how a collection
    /// says which of its faces is Simplified, Taiwanese or Hong Kong).
    pub fn name_language_id(self) -> u16 {
        match self {
            Language::ZhCn => 0x0804,
            Language::ZhHantTw => 0x0404,
            Language::ZhHantHk => 0x0C04,
        }
    }
}

/// A `language` value, or a located error listing the editions.
pub(super) fn language(
    file: &SourceFile,
    raw: Option<&Spanned<String>>,
) -> Result<Option<Language>> {
    let Some(l) = raw else { return Ok(None) };
    match Language::from_tag(l.get_ref()) {
        Some(lang) => Ok(Some(lang)),
        None => Err(file.error(
            Kind::Config,
            l.span(),
            format!(
                "unsupported language `{}`; expected one of {}",
                l.get_ref(),
                Language::ALL.map(|l| format!("\"{}\"", l.tag())).join(", ")
            ),
        )),
    }
}

/// The analyst's words for the Traditional editions, on top of the
/// standard character conversion.
#[derive(Debug, Clone, Default)]
pub struct Conversion {
    /// Written exactly as in the data in every Traditional edition.
    pub keep: Vec<String>,
    /// Simplified form → Traditional form, in every Traditional edition.
    pub all: Vec<(String, String)>,
    /// The same for one edition; an entry here wins over `all`.
    pub by_edition: BTreeMap<Language, Vec<(String, String)>>,
}

impl Conversion {
    /// The words of `lang`, longest first (so `英伟达公司` is matched
    /// before `英伟达`), each with its replacement (`None`: kept).
    pub fn entries(&self, lang: Language) -> Vec<(&str, Option<&str>)> {
        let mut out: Vec<(&str, Option<&str>)> = Vec::new();
        let own = self.by_edition.get(&lang).map(Vec::as_slice).unwrap_or(&[]);
        for (k, v) in own.iter().chain(&self.all) {
            if !out.iter().any(|(o, _)| o == k) {
                out.push((k, Some(v)));
            }
        }
        for k in &self.keep {
            if !out.iter().any(|(o, _)| o == k) {
                out.push((k, None));
            }
        }
        out.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(b.0))
        });
        out
    }
}

/// The raw `editions` file: `keep = [...]`, then tables of words by edition
/// (`[all]`, `["zh-Hant-TW"]`, `["zh-Hant-HK"]`).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConversion {
    #[serde(default)]
    keep: Vec<Spanned<String>>,
    #[serde(default)]
    all: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(rename = "zh-Hant-TW", default)]
    tw: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(rename = "zh-Hant-HK", default)]
    hk: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// Reads the `editions` file named at `raw` (relative to the config's
/// folder) as the run's file `id`.
pub(super) fn conversion(
    config: &SourceFile,
    base: &Path,
    raw: Option<&Spanned<String>>,
    id: FileId,
) -> Result<(Conversion, Option<Arc<SourceFile>>)> {
    let Some(name) = raw else {
        return Ok((Conversion::default(), None));
    };
    let path = resolve(base, Path::new(name.get_ref()));
    let file = SourceFile::read(&path, Kind::Config, id).map_err(|e| {
        config.error(
            e.kind(),
            name.span(),
            format!("the `editions` file `{}`: {}", path.display(), e.message()),
        )
    })?;
    let raw: RawConversion = file.parse(Kind::Config)?;
    let mut out = Conversion::default();
    let mut seen: BTreeMap<String, std::ops::Range<usize>> = BTreeMap::new();
    for k in &raw.keep {
        word(&file, k, "a `keep` word")?;
        if let Some(first) = seen.insert(k.get_ref().clone(), k.span()) {
            return Err(twice(&file, k, first));
        }
        out.keep.push(k.get_ref().clone());
    }
    let tables = [
        (None, &raw.all),
        (Some(Language::ZhHantTw), &raw.tw),
        (Some(Language::ZhHantHk), &raw.hk),
    ];
    for (lang, table) in tables {
        let mut words = Vec::new();
        for (k, v) in table {
            word(&file, k, "a word to replace")?;
            word(&file, v, "a replacement")?;
            if out.keep.contains(k.get_ref()) {
                return Err(file.error(
                    Kind::Config,
                    k.span(),
                    format!(
                        "`{}` is in `keep` and also given a replacement; it can be only one",
                        k.get_ref()
                    ),
                ));
            }
            words.push((k.get_ref().clone(), v.get_ref().clone()));
        }
        match lang {
            None => out.all = words,
            Some(l) => {
                out.by_edition.insert(l, words);
            }
        }
    }
    Ok((out, Some(file)))
}

/// A word of the table: not blank, on one line.
fn word(file: &SourceFile, w: &Spanned<String>, what: &str) -> Result<()> {
    if is_blank(w.get_ref()) || w.get_ref().contains(['\n', '\r']) {
        return Err(file.error(
            Kind::Config,
            w.span(),
            format!("{what} must be a word or phrase on one line, not blank"),
        ));
    }
    Ok(())
}

/// The error for a `keep` word listed twice.
fn twice(
    file: &SourceFile,
    k: &Spanned<String>,
    first: std::ops::Range<usize>,
) -> crate::error::Error {
    let line = file.text[..first.start].matches('\n').count() + 1;
    file.error(
        Kind::Config,
        k.span(),
        format!(
            "`{}` is listed in `keep` twice (first on line {line})",
            k.get_ref()
        ),
    )
}
