//! Where displayed text came from. Every string the briefing prints from
//! its input is a [`Text`]: the string, and for each piece of it the
//! [`Origin`] in an input file (or none, for the program's own wording).
//! Pieces keep their origins through every stage, so an error found late —
//! a character no font has, a run too wide for its cell — names the very
//! character in the file it came from. Line and column are worked out only
//! when such an error is printed (`source::Files::resolve`).
//!
//! A leaf: plain data, importing nothing of the crate.

use serde::{Deserialize, Serialize};

/// An input file of the run: its index in the run's file table (the
/// config is 0, the sources list 1, the theme files 2… in name order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileId(pub u16);

/// Where a piece of text begins in the input: inside the TOML value whose
/// literal starts at byte `lit` of `file`, at byte `at` of the value as
/// TOML decodes it (escapes resolved). A value that is not printed as
/// written (a number, printed with its own decimals) has `at` =
/// [`Origin::WHOLE`]: all of it points at the literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// Byte offset of the value's literal (its opening quote) in the file.
    pub lit: u32,
    /// Byte offset in the decoded value, or [`Origin::WHOLE`].
    pub at: u32,
}

impl Origin {
    /// `at` of a value printed in a form of its own (a number).
    pub const WHOLE: u32 = u32::MAX;

    /// The origin of the value whose literal starts at `lit`, from its start.
    pub fn value(file: FileId, lit: usize) -> Origin {
        Origin {
            file,
            lit: lit as u32,
            at: 0,
        }
    }

    /// The origin of a value printed as a whole in another form.
    pub fn whole(file: FileId, lit: usize) -> Origin {
        Origin {
            file,
            lit: lit as u32,
            at: Origin::WHOLE,
        }
    }

    /// This origin moved `by` bytes further into the value.
    pub fn offset(self, by: usize) -> Origin {
        if self.at == Origin::WHOLE {
            self
        } else {
            Origin {
                at: self.at + by as u32,
                ..self
            }
        }
    }
}

/// A string and where each of its pieces came from.
///
/// `runs` holds, in order, the byte at which each piece starts and its
/// origin; a piece runs to the start of the next. Text the program writes
/// itself (`（推算）`, `资料来源：`, a date) has no origin.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Text {
    s: String,
    runs: Vec<(u32, Option<Origin>)>,
}

impl Text {
    /// Empty text.
    pub fn new() -> Text {
        Text::default()
    }

    /// Text read from the input at `origin`.
    pub fn input(s: impl Into<String>, origin: Origin) -> Text {
        let s = s.into();
        let runs = if s.is_empty() {
            Vec::new()
        } else {
            vec![(0, Some(origin))]
        };
        Text { s, runs }
    }

    /// The program's own wording.
    pub fn plain(s: impl Into<String>) -> Text {
        let s = s.into();
        let runs = if s.is_empty() {
            Vec::new()
        } else {
            vec![(0, None)]
        };
        Text { s, runs }
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// The string, taken.
    pub fn into_string(self) -> String {
        self.s
    }

    /// Appends `s` with `origin`, merging with the last piece where the
    /// origins run on.
    pub fn push_from(&mut self, s: &str, origin: Option<Origin>) {
        if s.is_empty() {
            return;
        }
        let at = self.s.len();
        let continues = match self.runs.last() {
            Some(&(from, last)) => match (last, origin) {
                (None, None) => true,
                (Some(a), Some(b)) => {
                    a.file == b.file
                        && a.lit == b.lit
                        && (a.at == Origin::WHOLE && b.at == Origin::WHOLE
                            || a.at != Origin::WHOLE && a.offset(at - from as usize) == b)
                }
                _ => false,
            },
            None => false,
        };
        if !continues {
            self.runs.push((at as u32, origin));
        }
        self.s.push_str(s);
    }

    /// Appends the program's wording.
    pub fn push_str(&mut self, s: &str) {
        self.push_from(s, None);
    }

    /// Appends another text, its origins kept.
    pub fn push(&mut self, t: &Text) {
        for (k, &(from, origin)) in t.runs.iter().enumerate() {
            let to = t.runs.get(k + 1).map_or(t.s.len(), |r| r.0 as usize);
            self.push_from(&t.s[from as usize..to], origin);
        }
    }

    /// The pieces of the text in order, each with its origin.
    pub fn pieces(&self) -> impl Iterator<Item = (&str, Option<Origin>)> {
        self.runs.iter().enumerate().map(|(k, &(from, origin))| {
            let to = self.runs.get(k + 1).map_or(self.s.len(), |r| r.0 as usize);
            (&self.s[from as usize..to], origin)
        })
    }

    /// The origin of the character at byte `at`, if it came from the input.
    pub fn origin_at(&self, at: usize) -> Option<Origin> {
        let k = self.runs.partition_point(|r| r.0 as usize <= at);
        let (from, origin) = *self.runs.get(k.checked_sub(1)?)?;
        origin.map(|o| o.offset(at - from as usize))
    }

    /// The first origin in the text, if any piece came from the input.
    pub fn first_origin(&self) -> Option<Origin> {
        self.runs.iter().find_map(|r| r.1)
    }

    /// The piece of the text at bytes `range`, with its origins.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Text {
        let mut out = Text::new();
        let mut k = self.runs.partition_point(|r| r.0 as usize <= range.start);
        k = k.saturating_sub(1);
        let mut at = range.start;
        while at < range.end && k < self.runs.len() {
            let to = self
                .runs
                .get(k + 1)
                .map_or(self.s.len(), |r| r.0 as usize)
                .min(range.end);
            if to > at {
                out.push_from(&self.s[at..to], self.origin_at(at));
            }
            at = to.max(at);
            k += 1;
        }
        out
    }

    /// The text with the program's `sep` between every two characters,
    /// each character keeping its own origin.
    pub fn interleave(&self, sep: char) -> Text {
        let mut out = Text::new();
        let mut buf = [0u8; 4];
        for (i, (at, c)) in self.s.char_indices().enumerate() {
            if i > 0 {
                out.push_from(sep.encode_utf8(&mut buf), None);
            }
            out.push_from(c.encode_utf8(&mut buf), self.origin_at(at));
        }
        out
    }

    /// The text without any `c` (an invisible joiner), each remaining
    /// character keeping its origin.
    pub fn without(&self, c: char) -> Text {
        let mut out = Text::new();
        let mut start = 0;
        for (at, ch) in self.s.char_indices() {
            if ch == c {
                out.push(&self.slice(start..at));
                start = at + ch.len_utf8();
            }
        }
        out.push(&self.slice(start..self.s.len()));
        out
    }

    /// The text with every `pattern` replaced by `with`.
    pub fn replace_all(&self, pattern: &str, with: &Text) -> Text {
        let mut out = Text::new();
        let mut start = 0;
        for (at, _) in self.s.match_indices(pattern) {
            out.push(&self.slice(start..at));
            out.push(with);
            start = at + pattern.len();
        }
        out.push(&self.slice(start..self.s.len()));
        out
    }

    /// The text without leading and trailing white space.
    pub fn trimmed(&self) -> Text {
        let start = self.s.len() - self.s.trim_start().len();
        let end = self.s.trim_end().len().max(start);
        self.slice(start..end)
    }

    /// `parts` joined by the program's `sep`.
    pub fn join<'a>(parts: impl IntoIterator<Item = &'a Text>, sep: &str) -> Text {
        let mut out = Text::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.push(p);
        }
        out
    }
}

/// Texts are equal when they read the same: where each came from is not
/// part of what it says (the same unit in two files is one unit).
impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.s == other.s
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.s == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.s == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        &self.s == other
    }
}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.s.hash(h);
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.s
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::plain(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::plain(s)
    }
}

/// Something that reads as text: input [`Text`] with its origins, or the
/// program's own wording (`str`, `String`), which has none. Lets the
/// typesetter take either without copying input text.
pub trait AsText {
    /// The text.
    fn as_text(&self) -> std::borrow::Cow<'_, Text>;
}

impl AsText for Text {
    fn as_text(&self) -> std::borrow::Cow<'_, Text> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl AsText for str {
    fn as_text(&self) -> std::borrow::Cow<'_, Text> {
        std::borrow::Cow::Owned(Text::plain(self))
    }
}

impl AsText for String {
    fn as_text(&self) -> std::borrow::Cow<'_, Text> {
        std::borrow::Cow::Owned(Text::plain(self.as_str()))
    }
}

/// Writes a text as a plain string (for JSON output, where where it came
/// from is not part of what it says).
pub fn as_str<S: serde::Serializer>(t: &Text, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.s)
}

/// What [`txt!`](crate::txt!) can append: the program's own wording
/// (`&str`, `String`, `char`) or input text with its origins (`Text`).
pub trait Piece {
    /// Appends itself to `t`.
    fn push_onto(self, t: &mut Text);
}

impl Piece for &str {
    fn push_onto(self, t: &mut Text) {
        t.push_str(self);
    }
}

impl Piece for &String {
    fn push_onto(self, t: &mut Text) {
        t.push_str(self);
    }
}

impl Piece for String {
    fn push_onto(self, t: &mut Text) {
        t.push_str(&self);
    }
}

impl Piece for char {
    fn push_onto(self, t: &mut Text) {
        t.push_str(self.encode_utf8(&mut [0; 4]));
    }
}

impl Piece for &Text {
    fn push_onto(self, t: &mut Text) {
        t.push(self);
    }
}

impl Piece for Text {
    fn push_onto(self, t: &mut Text) {
        t.push(&self);
    }
}

impl Piece for &&Text {
    fn push_onto(self, t: &mut Text) {
        t.push(self);
    }
}

/// Text made of pieces: `txt!(period, "，", subject, "为", figure)`. Input
/// text keeps its origins; string literals are the program's wording.
#[macro_export]
macro_rules! txt {
    ($($piece:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut t = $crate::origin::Text::new();
        $( $crate::origin::Piece::push_onto($piece, &mut t); )*
        t
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(lit: usize) -> Origin {
        Origin::value(FileId(1), lit)
    }

    #[test]
    fn pieces_keep_their_origins_through_concatenation_and_slicing() {
        let label = Text::input("出货量", o(100));
        let value = Text::input("50", Origin::whole(FileId(2), 7));
        let t = crate::txt!("2022年，", &label, "为", &value);
        assert_eq!(t.as_str(), "2022年，出货量为50");
        assert_eq!(t.origin_at(0), None);
        let at = t.find("货").unwrap();
        assert_eq!(t.origin_at(at), Some(o(100).offset(3)));
        let at = t.rfind('0').unwrap();
        assert_eq!(t.origin_at(at), Some(Origin::whole(FileId(2), 7)));
        let s = t.slice(t.find("量").unwrap()..t.len());
        assert_eq!(s.as_str(), "量为50");
        assert_eq!(s.origin_at(0), Some(o(100).offset(6)));
        assert_eq!(s.origin_at(3), None);
    }

    #[test]
    fn consecutive_input_merges_and_mapping_keeps_each_character() {
        let mut t = Text::new();
        t.push_from("ab", Some(o(10)));
        t.push_from("cd", Some(o(10).offset(2)));
        assert_eq!(t.runs.len(), 1);
        let joined = t.interleave('\u{2060}');
        assert_eq!(joined.as_str(), "a\u{2060}b\u{2060}c\u{2060}d");
        let at = joined.find('d').unwrap();
        assert_eq!(joined.origin_at(at), Some(o(10).offset(3)));
        assert_eq!(joined.trimmed().as_str(), joined.as_str());
        assert_eq!(
            Text::input("  x ", o(0)).trimmed().origin_at(0),
            Some(o(0).offset(2))
        );
    }
}
