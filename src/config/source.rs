//! Loaded text files and TOML parsing with located errors.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::error::{Error, Kind, Result, read_error};

/// A config or theme file as read from disk, kept for error snippets.
#[derive(Debug)]
pub struct SourceFile {
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
    pub fn read(path: &Path, kind: Kind) -> Result<Arc<SourceFile>> {
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
            path: path.to_path_buf(),
            text,
        }))
    }

    /// Checks that `value`, a string of this file that is printed as it is
    /// (a title, a label, a caption), holds no placeholder-looking braces:
    /// they would appear literally in the briefing.
    pub fn plain(&self, kind: Kind, value: &str, what: &str) -> Result<()> {
        let Some(brace) = value.find(['{', '}']) else {
            return Ok(());
        };
        // Point at the brace in the file: the value's first occurrence.
        let at = self
            .text
            .find(value)
            .map_or(0, |i| i + brace)
            .min(self.text.len());
        Err(self.error(
            kind,
            at..at + 1,
            format!(
                "placeholders are not filled in {what}; expected plain text without `{{` or `}}`"
            ),
        ))
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

    /// Parses the file as `T`; a syntax or schema error points at its place.
    pub fn parse<T: DeserializeOwned>(&self, kind: Kind) -> Result<T> {
        toml::from_str(&self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            self.error(kind, span, tidy_toml_message(e.message()))
        })
    }
}

/// toml's messages list every expected key on one line; keep them but drop
/// trailing newlines so the `path:line:col: message` line stays one line.
fn tidy_toml_message(msg: &str) -> String {
    msg.trim().replace('\n', "; ")
}
