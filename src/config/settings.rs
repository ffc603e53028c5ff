//! The checked run configuration: settings, page, fonts, profiles and
//! mail, with the catalogue they select from.

use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
pub use lettre::message::Mailbox;

use super::cache::Pending;
use super::model::{Catalog, Curated, Text};
use crate::source::Files;

/// Everything a run needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file's path.
    pub path: PathBuf,
    /// Every file the config was read from, by id: itself, the sources
    /// list and the theme files, so that an error found after loading (a
    /// character no font has) is shown at its place.
    pub files: Files,
    /// Briefing title.
    pub title: Text,
    /// Issuing organisation.
    pub organisation: Text,
    /// Author.
    pub author: Text,
    /// The language of profiles that do not set their own.
    pub language: super::Language,
    /// The analyst's conversion words for the Traditional editions.
    pub conversion: super::Conversion,
    /// Optional classification line.
    pub classification: Option<Text>,
    /// Closing remark under the sources list.
    pub closing_note: Option<Text>,
    /// Zone that decides the default date.
    pub time_zone: jiff::tz::TimeZone,
    /// Output directory, resolved.
    pub output_dir: PathBuf,
    /// Where finished font programs are kept between runs (the output
    /// directory's `.briefing-cache`); `None` with `cache = false`.
    pub font_cache: Option<PathBuf>,
    /// Write tagged PDF/A-2a and PDF/UA-1 files (`pdf_standards`, default
    /// true): a structure tree for screen readers and reflow, XMP
    /// metadata and an output intent for archives. `false`: a plain PDF.
    pub pdf_standards: bool,
    /// File name pattern.
    pub file_name: String,
    /// Retention: newest N dated briefings per profile.
    pub keep: Option<usize>,
    /// Page geometry.
    pub page: PageSettings,
    /// Font files.
    pub fonts: FontFiles,
    /// Delivery by e-mail; `None` when the config has no `[mail]`.
    pub mail: Option<MailSettings>,
    /// Profiles in file order.
    pub profiles: Vec<Profile>,
    /// Sources, facts and themes.
    pub catalog: Catalog,
    /// Where the catalogue, parsed on this run, is to be kept for the next
    /// ([`Config::keep_catalogue`]); `None` when it came from there or
    /// nothing is kept.
    pub(crate) catalogue_cache: Option<Pending>,
}

/// Page geometry in points.
#[derive(Debug, Clone, Copy)]
pub struct PageSettings {
    /// Paper width.
    pub width: f32,
    /// Paper height.
    pub height: f32,
    /// Top margin (type area starts here).
    pub margin_top: f32,
    /// Bottom margin.
    pub margin_bottom: f32,
    /// Left margin.
    pub margin_left: f32,
    /// Right margin.
    pub margin_right: f32,
    /// Body text size.
    pub body_size: f32,
    /// Line pitch as a multiple of the body size.
    pub leading: f32,
}

/// One face of a font file.
#[derive(Debug, Clone)]
pub struct FontFile {
    /// Resolved path.
    pub path: PathBuf,
    /// Face index in a collection.
    pub index: u32,
    /// The face for each edition ([`super::Language::ALL`] order): the
    /// configured one for Simplified Chinese and for a single font.
    pub editions: [Option<u32>; 3],
    /// The file's bytes, mapped once by the check that found a usable face
    /// at `index`, and kept for the rest of the process: every profile of
    /// the run sets text with them.
    pub data: FontData,
}

/// A font file's bytes, mapped for the life of the process.
#[derive(Clone, Copy)]
pub struct FontData(pub &'static [u8], pub FontIdentity);

/// What identifies a font file's contents for the cache (see the store's
/// `file_identity`): taken from the file that was mapped.
pub type FontIdentity = [u8; 56];

impl std::fmt::Debug for FontData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FontData({} bytes)", self.0.len())
    }
}

impl FontFiles {
    /// Each face's bytes and index, body, heading and bold in that order.
    pub fn faces(&self) -> [(&'static [u8], u32, FontIdentity); 3] {
        [&self.body, &self.heading, &self.bold].map(|f| (f.data.0, f.index, f.data.1))
    }

    /// The faces of an edition: in a collection, the face named in the
    /// edition's language (Noto CJK's TC for Taiwan, HK for Hong Kong);
    /// `None` where a collection has none (the config check says so).
    pub fn faces_for(
        &self,
        lang: super::Language,
    ) -> Option<[(&'static [u8], u32, FontIdentity); 3]> {
        let k = super::Language::ALL.iter().position(|l| *l == lang)?;
        let [b, h, o] = [&self.body, &self.heading, &self.bold]
            .map(|f| f.editions[k].map(|i| (f.data.0, i, f.data.1)));
        Some([b?, h?, o?])
    }
}

/// The three faces a briefing uses.
#[derive(Debug, Clone)]
pub struct FontFiles {
    /// Serif body face.
    pub body: FontFile,
    /// Sans face.
    pub heading: FontFile,
    /// Bold sans face.
    pub bold: FontFile,
}

impl Config {
    /// Keeps the catalogue for the next run, when this run parsed it and
    /// may keep it: called once the run has succeeded, so a failed run
    /// leaves nothing behind.
    pub fn keep_catalogue(&self) {
        if let Some(p) = &self.catalogue_cache {
            p.put(&self.catalog);
        }
    }
}

/// One briefing to produce.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Name used in the file name.
    pub name: String,
    /// Title override.
    pub title: Option<Text>,
    /// Line under the title (the selected themes' titles by default).
    pub subtitle: Text,
    /// Selected theme ids in order.
    pub themes: Vec<String>,
    /// Selected region ids in display order (every region of the selected
    /// themes, in file order, when the profile names none).
    pub regions: Vec<String>,
    /// The analyst's own summary paragraphs.
    pub summary: Vec<Curated>,
    /// Whether the summary written from headline facts is included.
    pub generated_summary: bool,
    /// Closing remark under the sources list (profile's, else config's).
    pub closing_note: Option<Text>,
    /// The date "本期新增" compares with, if the profile fixes one.
    pub since: Option<NaiveDate>,
    /// Where `since` is written, for the error when it is not before the
    /// briefing's date (known only when the run starts).
    pub since_origin: Option<crate::origin::Origin>,
    /// Where `--mail` sends the briefing; empty means it is not mailed.
    pub recipients: Vec<Mailbox>,
    /// The edition: its language and script.
    pub language: super::Language,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSecurity {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    StartTls,
    /// TLS from the first byte, "SMTPS" (port 465).
    Tls,
    /// No encryption at all: only for a relay on the same machine (port 25).
    None,
}

impl MailSecurity {
    /// The port this security conventionally uses.
    pub fn default_port(self) -> u16 {
        match self {
            MailSecurity::StartTls => 587,
            MailSecurity::Tls => 465,
            MailSecurity::None => 25,
        }
    }
}

/// `[mail]`, checked: the server, the sender and the message templates.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// SMTP server host name (also the name its TLS certificate must show).
    pub server: String,
    /// TCP port.
    pub port: u16,
    /// Connection security.
    pub security: MailSecurity,
    /// Login name; set exactly when `password_env` is.
    pub username: Option<String>,
    /// Environment variable holding the password; the password itself is
    /// never in the config file, so the file can be shared and committed.
    pub password_env: Option<String>,
    /// Sender.
    pub from: Mailbox,
    /// Subject template (placeholders: see [`MAIL_PLACEHOLDERS`]).
    pub subject: Text,
    /// Body template (placeholders: see [`MAIL_PLACEHOLDERS`]).
    pub body: Text,
    /// Largest PDF that is sent, in KiB (1024 bytes), before encoding.
    pub max_attachment_kb: u64,
    /// Retries after the first attempt, for transient failures only.
    pub retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub retry_delay: Duration,
    /// Timeout for connecting and for each SMTP command.
    pub timeout: Duration,
}

/// The placeholders mail subject and body templates may use.
pub const MAIL_PLACEHOLDERS: [&str; 6] =
    ["title", "date", "date_iso", "profile", "file", "new_count"];

/// The `{name}` placeholders of a mail template: byte range of the whole
/// `{name}` and the name. Only braces around lower-case ASCII letters and
/// `_` count, so other braces in prose stay literal text.
pub fn mail_placeholders(template: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = template[from..].find('{').map(|i| from + i) {
        let rest = &template[open + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 && rest[len..].starts_with('}') {
            out.push((open..open + len + 2, &rest[..len]));
            from = open + len + 2;
        } else {
            from = open + 1;
        }
    }
    out
}
