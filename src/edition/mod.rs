//! Stage 3½: the composed document in the edition's script. The data is
//! written in Simplified Chinese; a Traditional edition (`zh-Hant-TW`,
//! `zh-Hant-HK`) is the same document converted phrase by phrase with
//! OpenCC's dictionaries and the region's character variants, then the
//! analyst's own words (`editions` file: kept, or replaced for every
//! Traditional edition or for one), and the region's quotation marks
//! (「」 outside, 『』 inside). Every piece keeps its origin, so an error
//! found later (a character the Traditional face lacks) still names the
//! place in the Simplified data.
//!
//! Not converted: the titles of sources, printed in every edition as the
//! source printed them (`docs/editions.md`), but for their quotation
//! marks, which are the edition's. Figures, dates and Latin
//! text pass through unchanged.

mod walk;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

use crate::config::{Config, Language};
use crate::origin::{FileId, Origin, Text};

pub(crate) use walk::{digest, document};

/// Converts the text of one edition.
pub(crate) struct Converter {
    lang: Language,
    /// The analyst's words, longest first; `None`: kept as written.
    words: Vec<(String, Option<String>)>,
    /// First characters of `words`, to skip the search where none starts.
    firsts: HashSet<char>,
    /// Literals printed as written in every edition (source titles), by
    /// file and the literal's byte offset.
    verbatim: HashSet<(FileId, u32)>,
    /// Pieces converted so far: a label is printed in a card, a table, the
    /// summary and the mail, and OpenCC was most of an edition's cost.
    done: RefCell<HashMap<String, String>>,
}

impl Converter {
    /// The converter of `lang` with the config's words and sources.
    pub(crate) fn new(config: &Config, lang: Language) -> Converter {
        let words: Vec<(String, Option<String>)> = config
            .conversion
            .entries(lang)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect();
        let firsts = words.iter().filter_map(|(k, _)| k.chars().next()).collect();
        let mut verbatim = HashSet::new();
        for s in config.catalog.sources.values() {
            for (_, o) in s.title.iter().flat_map(Text::pieces) {
                if let Some(o) = o {
                    verbatim.insert((o.file, o.lit));
                }
            }
        }
        Converter {
            lang,
            words,
            firsts,
            verbatim,
            done: RefCell::default(),
        }
    }

    /// The edition.
    pub(crate) fn language(&self) -> Language {
        self.lang
    }

    /// `t` in the edition's script, origins kept piece by piece.
    pub(crate) fn text(&self, t: &Text) -> Text {
        if !self.lang.traditional() {
            return t.clone();
        }
        let mut out = Text::new();
        for (s, origin) in t.pieces() {
            match origin {
                // A title keeps its characters; its quotation marks are
                // typesetting, and follow the edition's.
                Some(o) if self.verbatim.contains(&(o.file, o.lit)) => {
                    out.push_from(&quotes(s), origin)
                }
                _ => self.piece(s, origin, &mut out),
            }
        }
        out
    }

    /// `s` in the edition's script.
    pub(crate) fn string(&self, s: &str) -> String {
        self.text(&Text::plain(s)).into_string()
    }

    /// One piece: the analyst's words where they occur, OpenCC between.
    fn piece(&self, s: &str, origin: Option<Origin>, out: &mut Text) {
        let at = |i: usize| origin.map(|o| o.offset(i));
        let mut plain = 0;
        let mut i = 0;
        while let Some(c) = s[i..].chars().next() {
            let found = if self.firsts.contains(&c) {
                self.words
                    .iter()
                    .find(|(k, _)| s[i..].starts_with(k.as_str()))
            } else {
                None
            };
            match found {
                Some((k, v)) => {
                    self.convert(&s[plain..i], at(plain), out);
                    out.push_from(v.as_deref().unwrap_or(k), at(i));
                    i += k.len();
                    plain = i;
                }
                None => i += c.len_utf8(),
            }
        }
        self.convert(&s[plain..], at(plain), out);
    }

    /// Plain text through OpenCC and the quotation marks.
    fn convert(&self, s: &str, origin: Option<Origin>, out: &mut Text) {
        if s.is_empty() {
            return;
        }
        // Figures, units and Latin names: nothing for OpenCC to do.
        if s.is_ascii() {
            out.push_from(s, origin);
            return;
        }
        let mut done = self.done.borrow_mut();
        let converted = done
            .entry(s.to_string())
            .or_insert_with(|| quotes(&opencc(self.lang).convert(s)));
        out.push_from(converted, origin);
    }
}

/// The program's own wording (a chart's `预测期`, a tick's `万`) in the
/// edition's script: OpenCC only, the analyst's words are for the data.
pub(crate) fn words(lang: Language, s: &str) -> String {
    if lang.traditional() {
        quotes(&opencc(lang).convert(s))
    } else {
        s.to_string()
    }
}

/// A text worded by the program around the data (a caption: `图2　` and
/// a title) in the edition's script: only the program's pieces are
/// converted, the data's were by [`document`] already.
pub(crate) fn program(lang: Language, t: &Text) -> Text {
    if !lang.traditional() {
        return t.clone();
    }
    let mut out = Text::new();
    for (s, origin) in t.pieces() {
        match origin {
            Some(_) => out.push_from(s, origin),
            None => out.push_from(&words(lang, s), None),
        }
    }
    out
}

/// Quotation marks as Taiwan and Hong Kong set them: 「」 outside, 『』
/// inside (W3C clreq §3.1.3).
fn quotes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '“' => '「',
            '”' => '」',
            '‘' => '『',
            '’' => '』',
            c => c,
        })
        .collect()
}

/// The converter of each Traditional edition, built once per process:
/// Simplified to Traditional with Taiwan's or Hong Kong's character
/// variants (OpenCC `s2tw`, `s2hk`). Taiwan's phrase table (`s2twp`) is
/// not used: it changes meaning and renames organisations (对象→物件,
/// 中国互联网协会→中國網際網路協會); the regional words that are safe
/// come from the `editions` file instead.
fn opencc(lang: Language) -> &'static OpenCC {
    static TW: OnceLock<OpenCC> = OnceLock::new();
    static HK: OnceLock<OpenCC> = OnceLock::new();
    let (cell, builtin) = match lang {
        Language::ZhHantHk => (&HK, BuiltinConfig::S2hk),
        _ => (&TW, BuiltinConfig::S2tw),
    };
    cell.get_or_init(|| {
        // The configurations are compiled into the crate: failing to
        // build one is a broken build, not bad input.
        OpenCC::from_config(builtin).expect("OpenCC's built-in configuration loads")
    })
}

#[cfg(test)]
mod tests;
