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

impl SourceFile {
    /// Reads `path`; a missing file is `NoInput` naming the path.
    pub fn read(path: &Path) -> Result<Arc<SourceFile>> {
        let text = std::fs::read_to_string(path).map_err(|e| read_error(path, e))?;
        Ok(Arc::new(SourceFile {
            path: path.to_path_buf(),
            text,
        }))
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
