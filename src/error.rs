//! One error type for the whole pipeline, with the exit code each kind maps to.
//!
//! Exit codes follow `sysexits.h` so that cron wrappers and systemd can tell a
//! bad config (fix the file) from a full disk (retry later) without parsing
//! text. Errors that point into a file carry a `miette` source snippet, and
//! their message always starts with `path:line:column`, so even a plain log
//! line names the place.

use std::fmt;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::origin::Origin;

/// What went wrong, coarsely: decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Command-line misuse (bad flag, bad `--date`): `EX_USAGE` 64.
    Usage,
    /// Theme data that parses but makes no sense: `EX_DATAERR` 65.
    Data,
    /// A file we must read is missing or unreadable: `EX_NOINPUT` 66.
    NoInput,
    /// A bug or an impossible layout: `EX_SOFTWARE` 70.
    Software,
    /// The output file or directory cannot be created: `EX_CANTCREAT` 73.
    CantCreate,
    /// Reading or writing failed half-way: `EX_IOERR` 74.
    Io,
    /// Another run holds the lock, or mail delivery failed for now: `EX_TEMPFAIL` 75.
    TempFail,
    /// The run configuration is wrong: `EX_CONFIG` 78.
    Config,
}

impl Kind {
    /// The process exit code for this kind (see the README's table).
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Usage => 64,
            Kind::Data => 65,
            Kind::NoInput => 66,
            Kind::Software => 70,
            Kind::CantCreate => 73,
            Kind::Io => 74,
            Kind::TempFail => 75,
            Kind::Config => 78,
        }
    }
}

/// A 1-based line and column in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
}

/// Converts a byte offset into a 1-based line and character column.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    LineCol { line, col }
}

/// The error every stage returns.
#[derive(Debug, Diagnostic)]
pub struct Error {
    kind: Kind,
    message: String,
    #[source_code]
    source_code: Option<Snippet>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
    /// Where in the input the fault is, for an error found by a stage
    /// that no longer holds the files: the run places it there
    /// (`source::Files::resolve`) before it is shown.
    origin: Option<Origin>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// An error with no place in a file.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            source_code: None,
            span: None,
            label: String::new(),
            help: None,
            origin: None,
        }
    }

    /// An error about input text at `origin` (`None`: text the program
    /// wrote itself), placed in its file once the run resolves it.
    pub fn at_origin(kind: Kind, origin: Option<Origin>, what: impl Into<String>) -> Self {
        let mut e = Error::new(kind, what);
        e.origin = origin;
        e
    }

    /// An error pointing at `span` (byte range) inside `path`, whose text is `text`.
    ///
    /// The message is prefixed with `path:line:col` so that the place survives
    /// when the diagnostic is printed without its snippet (logs, `--json`).
    pub fn at(
        kind: Kind,
        path: &Path,
        text: &str,
        span: std::ops::Range<usize>,
        what: impl Into<String>,
    ) -> Self {
        let what = what.into();
        let lc = line_col(text, span.start);
        let start = span.start.min(text.len());
        let len = span.end.min(text.len()).saturating_sub(start);
        let (snippet, start, len) = snippet(text, start, len);
        Error {
            kind,
            message: format!("{}:{}:{}: {}", path.display(), lc.line, lc.col, what),
            source_code: Some(Snippet {
                name: path.display().to_string(),
                text: snippet,
            }),
            span: Some(SourceSpan::new(start.into(), len)),
            label: short_label(&what),
            help: None,
            origin: None,
        }
    }

    /// An error about a whole file (missing, unreadable), naming it.
    pub fn file(kind: Kind, path: &Path, what: impl fmt::Display) -> Self {
        Error::new(kind, format!("{}: {}", path.display(), what))
    }

    /// Adds a hint on how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Where in the input the fault is, while the error is not yet placed.
    pub fn origin(&self) -> Option<Origin> {
        self.origin.filter(|_| self.source_code.is_none())
    }

    /// The same error, placed at `span` of `path` (for errors found by a
    /// stage that no longer knows where its input came from).
    pub fn placed(self, path: &Path, text: &str, span: std::ops::Range<usize>) -> Self {
        let mut e = Error::at(self.kind, path, text, span, self.message);
        e.help = self.help;
        e
    }

    /// The kind, which decides the exit code.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The one-line message (with `path:line:col:` where there is a place).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

/// The text shown under a message, named after its file. Its columns are
/// counted in characters, as editors count them and as the message's own
/// `path:line:col` does (miette's own source types count bytes, which for
/// Chinese text points far to the right).
#[derive(Debug)]
struct Snippet {
    name: String,
    text: String,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> std::result::Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let start = inner.span().offset();
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// Characters of a long line shown on either side of the fault.
const SNIPPET_CONTEXT: usize = 60;

/// The text to show around `start..start + len`: only the faulty line and
/// its neighbours, and of a long line only the stretch around the fault,
/// so a 5,000-character line does not become a 50 KB message. Earlier lines
/// are kept as empty lines so the snippet's line numbers stay right.
fn snippet(text: &str, start: usize, len: usize) -> (String, usize, usize) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let prev_start = text[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1)
        .min(line_start);
    let next_end = text[line_end.min(text.len())..]
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '\n')
        .map_or(text.len(), |(i, _)| line_end + i);
    let blank_lines = text[..prev_start].matches('\n').count();
    let clip = |a: usize, b: usize| -> String {
        let piece = &text[a..b];
        if piece.chars().count() > 2 * SNIPPET_CONTEXT + 20 {
            piece.chars().take(2 * SNIPPET_CONTEXT).collect::<String>() + "…"
        } else {
            piece.to_string()
        }
    };
    let mut out = "\n".repeat(blank_lines);
    out.push_str(&clip(prev_start, line_start));
    // The faulty line, clipped around the fault.
    let line = &text[line_start..line_end];
    let col = start - line_start;
    let from = line[..col]
        .char_indices()
        .rev()
        .nth(SNIPPET_CONTEXT)
        .map_or(0, |(i, _)| i);
    let to = line[col..]
        .char_indices()
        .nth(SNIPPET_CONTEXT + len.min(200))
        .map_or(line.len(), |(i, _)| col + i);
    if from > 0 {
        out.push('…');
    }
    let new_start = out.len() + (col - from);
    out.push_str(&line[from..to]);
    if to < line.len() {
        out.push('…');
    }
    let new_len = len.min(to.saturating_sub(col));
    if line_end < text.len() {
        out.push_str(&clip(line_end, next_end));
    }
    (out, new_start, new_len)
}

/// The label under the snippet: the message's first clause, kept short.
fn short_label(what: &str) -> String {
    let first = what.split(['；', ';']).next().unwrap_or(what);
    first.chars().take(80).collect()
}

/// Maps an I/O error on reading `path` to `NoInput` (missing) or `Io`.
pub fn read_error(path: &Path, err: std::io::Error) -> Error {
    let kind = match err.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => Kind::NoInput,
        _ => Kind::Io,
    };
    Error::file(kind, path, format!("cannot read: {err}"))
}

/// The result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A path relative to `base` unless it is absolute, with `.` and `..`
/// folded lexically so messages show `output/x.pdf`, not `config/../output/x.pdf`.
pub fn resolve(base: &Path, p: &Path) -> PathBuf {
    use std::path::Component;
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                if matches!(last, Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(last, Some(Component::RootDir)) {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\n标题 = \"x\"\n";
        let off = text.find('=').unwrap();
        assert_eq!(line_col(text, off), LineCol { line: 1, col: 3 });
        let off2 = text.rfind('=').unwrap();
        assert_eq!(line_col(text, off2), LineCol { line: 2, col: 4 });
    }

    #[test]
    fn resolve_folds_dot_dot() {
        assert_eq!(
            resolve(Path::new("config"), Path::new("../output")),
            PathBuf::from("output")
        );
        assert_eq!(
            resolve(Path::new("."), Path::new("../x")),
            PathBuf::from("../x")
        );
        assert_eq!(
            resolve(Path::new("a"), Path::new("/abs")),
            PathBuf::from("/abs")
        );
    }

    #[test]
    fn the_snippet_counts_columns_in_characters_too() {
        let text = "a = 1\n标题 = \"{x}\"\n";
        let at = text.find('{').unwrap();
        let e = Error::at(Kind::Data, Path::new("t.toml"), text, at..at + 3, "bad");
        assert!(e.message().starts_with("t.toml:2:7:"), "{}", e.message());
        let mut out = String::new();
        miette::GraphicalReportHandler::new()
            .render_report(&mut out, &e)
            .unwrap();
        assert!(out.contains("t.toml:2:7]"), "{out}");
    }

    #[test]
    fn a_long_line_is_shown_only_around_the_fault() {
        let long = "x".repeat(5000);
        let text = format!("a = 1\nb = \"{long}{{bad}}{long}\"\nc = 2\n");
        let at = text.find("{bad}").unwrap();
        let (s, start, len) = snippet(&text, at, 5);
        assert!(s.len() < 400, "{} bytes", s.len());
        assert_eq!(&s[start..start + len], "{bad}");
        // Line numbers survive: the faulty line is still line 2.
        assert_eq!(s[..start].matches('\n').count(), 1);
    }

    #[test]
    fn located_message_names_file_line_and_column() {
        let e = Error::at(
            Kind::Config,
            Path::new("c.toml"),
            "x\ny = 2\n",
            2..3,
            "unknown key",
        );
        assert_eq!(e.message(), "c.toml:2:1: unknown key");
        assert_eq!(e.kind().exit_code(), 78);
    }
}
