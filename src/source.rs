//! The run's input files: read with limits, parsed as TOML with located
//! errors, and kept in a table so that an [`Origin`] found by any later
//! stage can be turned into `file:line:col` and a snippet — at the very
//! character, the first character of its escape when the TOML wrote it as
//! one. A leaf: stages use it, it uses none.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::error::{Error, Kind, Result, read_error};
use crate::origin::{FileId, Origin, Text};

/// A config or theme file as read from disk, kept for error snippets.
#[derive(Debug)]
pub struct SourceFile {
    /// Its place in the run's file table.
    pub id: FileId,
    /// The path as the user gave it (or as resolved from the config).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
}

/// Largest config, sources or theme file read, in bytes. Real files are a
/// few tens of KB; the cap keeps a wrong path (a log, a device) from
/// filling memory.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Longest line of a config file, in characters: a string longer than this
/// is no prose an analyst wrote, and would take the typesetter minutes.
pub const MAX_LINE_CHARS: usize = 20_000;

impl SourceFile {
    /// Reads `path`; a missing file is `NoInput` naming the path, a file that
    /// is not a regular file, too large, not UTF-8 or with an overlong line
    /// is an error of `kind` (config or data) with its place.
    pub fn read(path: &Path, kind: Kind, id: FileId) -> Result<Arc<SourceFile>> {
        let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
        if !meta.is_file() {
            return Err(Error::file(
                kind,
                path,
                "not a regular file; expected a TOML text file",
            ));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::file(
                kind,
                path,
                format!(
                    "file is {} bytes; expected at most {MAX_FILE_BYTES} (4 MiB)",
                    meta.len()
                ),
            ));
        }
        use std::io::Read;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| read_error(path, e))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Error::file(
                kind,
                path,
                "file grew past 4 MiB while being read",
            ));
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                // Show the valid text up to the bad byte, so the place can
                // be pointed at.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let at = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .find(|&i| i >= at)
                    .unwrap_or(text.len());
                return Err(Error::at(
                    kind,
                    path,
                    &text,
                    at..at + 1,
                    "invalid UTF-8; expected the file to be saved as UTF-8 text",
                ));
            }
        };
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let n = line.chars().count();
            if n > MAX_LINE_CHARS {
                return Err(Error::at(
                    kind,
                    path,
                    &text,
                    offset..offset + 1,
                    format!("line of {n} characters; expected at most {MAX_LINE_CHARS}"),
                ));
            }
            offset += line.len();
        }
        Ok(Arc::new(SourceFile {
            id,
            path: path.to_path_buf(),
            text,
        }))
    }

    /// The string value `s` of this file as input text.
    pub fn text(&self, s: &Spanned<String>) -> Text {
        Text::input(s.get_ref().clone(), Origin::value(self.id, s.span().start))
    }

    /// The string value `s` as text printed in the briefing (`what` names
    /// it for the message): refused when blank (empty, spaces, or only
    /// invisible characters), which would print as "一、" or "据 ，".
    pub fn shown(&self, s: &Spanned<String>, kind: Kind, what: &str) -> Result<Text> {
        if is_blank(s.get_ref()) {
            return Err(self.error(
                kind,
                s.span(),
                format!("{what} is blank; write the text to print, or leave the key out where it is optional"),
            ));
        }
        Ok(self.text(s))
    }

    /// The origin of the value whose literal is at `span`.
    pub fn origin(&self, span: std::ops::Range<usize>) -> Origin {
        Origin::value(self.id, span.start)
    }

    /// An error of `kind` at byte range `span` of this file.
    pub fn error(
        &self,
        kind: Kind,
        span: std::ops::Range<usize>,
        what: impl Into<String>,
    ) -> Error {
        Error::at(kind, &self.path, &self.text, span, what)
    }

    /// An error of `kind` over the `len` decoded bytes of a value of this
    /// file from `origin` on (at least its first character).
    pub fn error_over(
        &self,
        kind: Kind,
        origin: Origin,
        len: usize,
        what: impl Into<String>,
    ) -> Error {
        let start = place(&self.text, origin);
        let end = if len > 1 {
            place(&self.text, origin.offset(len - 1)).end.max(start.end)
        } else {
            start.end
        };
        Error::at(kind, &self.path, &self.text, start.start..end, what)
    }

    /// Parses the file as `T`; a syntax or schema error points at its place.
    pub fn parse<T: DeserializeOwned>(&self, kind: Kind) -> Result<T> {
        toml::from_str(&self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let (span, message, help) = explain_toml(&self.text, span, e.message());
            let err = self.error(kind, span, message);
            match help {
                Some(h) => err.with_help(h),
                None => err,
            }
        })
    }
}

/// A TOML error as the analyst needs it: toml's own message, except for
/// two mistakes it words misleadingly. A date written with slashes or dots
/// (`2026/11/26`) is not a string to quote but a date to write with
/// hyphens; an array left open (`["a", "b"` and a new line) is reported
/// where the next line starts, as a missing comma, but the `]` is missing
/// at the end of the line before.
fn explain_toml(
    text: &str,
    span: std::ops::Range<usize>,
    msg: &str,
) -> (std::ops::Range<usize>, String, Option<String>) {
    let here = text.get(span.start..).unwrap_or("");
    let word: String = here
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | '-'))
        .collect();
    let parts: Vec<&str> = word.split(['/', '.']).collect();
    if parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        let fixed = format!("{}-{:0>2}-{:0>2}", parts[0], parts[1], parts[2]);
        return (
            span.start..span.start + word.len(),
            format!("`{word}` is not a TOML value; a date is written {fixed}, without quotes"),
            Some(format!("write {fixed}")),
        );
    }
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let at_line_start = text[line_start..span.start.min(text.len())]
        .trim()
        .is_empty();
    if at_line_start && msg.contains("expected `,`") && line_start > 0 {
        // The last line with content before this one: an array opened on
        // it and never closed.
        let mut before = &text[..line_start - 1];
        let (mut prev_start, mut code) = (0, "");
        while !before.is_empty() {
            prev_start = before.rfind('\n').map_or(0, |i| i + 1);
            code = before[prev_start..].split('#').next().unwrap_or("");
            if !code.trim().is_empty() || prev_start == 0 {
                break;
            }
            before = &text[..prev_start - 1];
        }
        if code.matches('[').count() > code.matches(']').count() {
            let end = prev_start + code.trim_end().len();
            return (
                end.saturating_sub(1)..end,
                "this array is not closed: expected `]` at the end of the line".to_string(),
                Some("add the closing `]`".to_string()),
            );
        }
    }
    (span, tidy_toml_message(msg), None)
}

/// toml's messages list every expected key on one line; keep them but drop
/// trailing newlines so the `path:line:col: message` line stays one line.
fn tidy_toml_message(msg: &str) -> String {
    msg.trim().replace('\n', "; ")
}

/// Checks that `value`, input text printed as it is (a title, a label, a
/// caption), holds no placeholder-looking braces: they would appear
/// literally in the briefing. The error points at the brace itself.
pub fn plain(value: &Text, kind: Kind, what: &str) -> Result<()> {
    if is_blank(value.as_str()) {
        return Err(Error::at_origin(
            kind,
            value.first_origin(),
            format!(
                "{what} is blank; write the text to print, or leave the key out where it is optional"
            ),
        ));
    }
    let Some(brace) = value.find(['{', '}']) else {
        return Ok(());
    };
    Err(Error::at_origin(
        kind,
        value.origin_at(brace),
        format!("placeholders are not filled in {what}; expected plain text without `{{` or `}}`"),
    ))
}

/// Whether `s` would print as nothing: empty, white space (U+3000
/// included) or only invisible marks (zero-width space and joiners, word
/// joiner, byte-order mark).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
    })
}

/// The run's input files, by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Files(Vec<Arc<SourceFile>>);

impl Files {
    /// A table of these files; each one's id is its index.
    pub fn new(files: Vec<Arc<SourceFile>>) -> Files {
        debug_assert!(files.iter().enumerate().all(|(i, f)| f.id.0 as usize == i));
        Files(files)
    }

    /// The file with id `id`.
    pub fn get(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.0.get(id.0 as usize)
    }

    /// The files, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<SourceFile>> {
        self.0.iter()
    }

    /// `e` placed at its origin, with `path:line:col` and a snippet, if it
    /// has an origin in one of these files and no place yet.
    pub fn resolve(&self, e: Error) -> Error {
        let Some(origin) = e.origin() else {
            return e;
        };
        let Some(file) = self.get(origin.file) else {
            return e;
        };
        let span = place(&file.text, origin);
        e.placed(&file.path, &file.text, span)
    }
}

/// The bytes of `text` (a TOML file) that the character at `origin` was
/// written as: the character itself, or the whole escape (`\u200b`) that
/// stands for it; for a value printed as a whole, its literal.
pub fn place(text: &str, origin: Origin) -> std::ops::Range<usize> {
    let lit = (origin.lit as usize).min(text.len());
    let rest = &text[lit..];
    if origin.at == Origin::WHOLE || !rest.starts_with(['"', '\'']) {
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))
            .unwrap_or(rest.len())
            .max(1)
            .min(rest.len());
        return lit..lit + len;
    }
    let (quote, basic) = if rest.starts_with("\"\"\"") {
        (3, true)
    } else if rest.starts_with("'''") {
        (3, false)
    } else {
        (1, rest.starts_with('"'))
    };
    let mut i = lit + quote;
    // A newline right after an opening triple quote is not part of the value.
    if quote == 3 {
        if text[i..].starts_with('\n') {
            i += 1;
        } else if text[i..].starts_with("\r\n") {
            i += 2;
        }
    }
    let want = origin.at as usize;
    let mut decoded = 0;
    let close = &text[lit..lit + quote];
    while i < text.len() && !text[i..].starts_with(close) {
        let (raw, out) = if basic {
            basic_piece(&text[i..])
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.len_utf8(), c.len_utf8())
        };
        if decoded >= want && out > 0 {
            return i..i + raw;
        }
        decoded += out;
        i += raw.max(1);
    }
    i..(i + 1).min(text.len()).max(i)
}

/// The first piece of a basic string's raw text: how many raw bytes it
/// takes and how many bytes it decodes to.
fn basic_piece(s: &str) -> (usize, usize) {
    let mut chars = s.chars();
    let Some(c) = chars.next() else {
        return (0, 0);
    };
    if c == '\r' && s.starts_with("\r\n") {
        return (2, 1);
    }
    if c != '\\' {
        return (c.len_utf8(), c.len_utf8());
    }
    let hex = |n: usize| {
        let digits = s.get(2..2 + n)?;
        let v = u32::from_str_radix(digits, 16).ok()?;
        Some((2 + n, char::from_u32(v)?.len_utf8()))
    };
    match chars.next() {
        Some('u') => hex(4).unwrap_or((2, 1)),
        Some('U') => hex(8).unwrap_or((2, 1)),
        Some('x') => hex(2).unwrap_or((2, 1)),
        Some(w) if w.is_whitespace() => {
            // A line-ending backslash: it and all the white space and
            // newlines after it vanish.
            let skip = s[1..]
                .find(|c: char| !c.is_whitespace())
                .map_or(s.len(), |k| k + 1);
            (skip, 0)
        }
        Some(_) => (2, 1),
        None => (1, 1),
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;

    fn at(text: &str, key: &str, decoded: usize) -> String {
        let lit = text.find(key).unwrap() + key.len();
        let o = Origin::value(FileId(0), lit).offset(decoded);
        text[place(text, o)].to_string()
    }

    #[test]
    fn a_character_is_found_as_written_escapes_included() {
        let t = "a = \"x\\u200by\"\nb = 'lit\\eral'\n";
        // Decoded "x\u{200b}y": byte 1 is the zero-width space.
        assert_eq!(at(t, "a = ", 1), "\\u200b");
        assert_eq!(at(t, "a = ", 4), "y");
        assert_eq!(at(t, "b = ", 3), "\\");
        let t = "c = \"\"\"\n  第一\\\n    行\\U0001F600\"\"\"\n";
        // Decoded "  第一行😀": the line-ending backslash and the spaces go.
        assert_eq!(at(t, "c = ", 8), "行");
        assert_eq!(at(t, "c = ", 11), "\\U0001F600");
        let t = "d = \"\\t制\"";
        assert_eq!(at(t, "d = ", 1), "制");
    }

    #[test]
    fn a_number_points_at_its_literal() {
        let t = "value = 52.3 # CAGR\n";
        let lit = t.find("52").unwrap();
        assert_eq!(&t[place(t, Origin::whole(FileId(0), lit))], "52.3");
    }
}
