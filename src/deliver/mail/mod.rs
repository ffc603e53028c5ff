//! Delivery by e-mail (`briefing generate --mail`): each written briefing is
//! sent over SMTP as a PDF attachment, read back from disk so the attachment
//! is exactly the file that was written.
//!
//! Every way delivery can fail after the PDF is written — too large, refused
//! by the server, server unreachable after the retries — is a
//! [`Kind::TempFail`] error (exit 75), distinct from the codes of a failed
//! build, so a scheduler can tell "briefing written but not delivered" apart.
//! The PDF is never removed because mail failed. A missing password variable
//! is [`Kind::Config`] (exit 78): the fix is in the environment, not later.

//!
//! `message` builds the message, `send` delivers it with its retries.

mod attempt;
mod message;
mod send;

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use lettre::message::Mailbox;

use crate::config::{Config, MailSettings, Profile};
use crate::error::{Error, Kind, Result};

pub use crate::compose::Digest;
pub use message::{Fields, attachment_name, fill_template};
pub use send::backoff;

/// Longest wait between two attempts, however many retries are configured:
/// the doubling must not turn a cron job into an all-day one.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(600);

/// What a successful delivery did, for logs and `--json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailReport {
    /// Addresses the message was accepted for.
    pub recipients: Vec<String>,
    /// The subject as sent (before RFC 2047 encoding).
    pub subject: String,
    /// The `Message-ID` header, with its angle brackets.
    pub message_id: String,
    /// The attachment's file name.
    pub attachment_name: String,
    /// The attachment's size in bytes (the PDF on disk).
    pub attachment_bytes: u64,
    /// Connections made, 1 when the first attempt succeeded.
    pub attempts: u32,
    /// The server's final reply, e.g. `250 OK`.
    pub server_reply: String,
}

/// The outcome of mailing one profile's briefing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Sent and accepted by the server.
    Sent(MailReport),
    /// Not sent because the profile lists no recipients; the text says so,
    /// for the caller to print as a warning.
    Skipped(String),
}

/// `[mail]` settings with the password looked up: what sends briefings.
///
/// The password is read once (by [`Mailer::from_env`] or [`preflight`]) so a
/// missing variable stops the run before anything is built, and so tests
/// can pass one without touching the process environment.
#[derive(Clone)]
pub struct Mailer<'a> {
    /// The checked `[mail]` section.
    pub settings: &'a MailSettings,
    password: Option<String>,
}

impl std::fmt::Debug for Mailer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password itself: Debug output ends up in logs.
        f.debug_struct("Mailer")
            .field("settings", self.settings)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// The mailer `--mail` needs, checked before anything is built.
///
/// Fails with [`Kind::Config`] when the config has no `[mail]` section or
/// the variable named by `password_env` is unset or empty, so a
/// misconfigured run stops before it writes briefings it cannot send.
pub fn preflight(config: &Config) -> Result<Mailer<'_>> {
    let mail = config.mail.as_ref().ok_or_else(|| {
        Error::file(
            Kind::Config,
            &config.path,
            "--mail needs a [mail] section (server, from, …) in this config",
        )
    })?;
    Mailer::from_env(mail)
}

/// Sends one briefing with the password from the environment: shorthand
/// for [`Mailer::from_env`] then [`Mailer::send_briefing`].
pub fn send_briefing(
    mail: &MailSettings,
    recipients: &[Mailbox],
    title: &str,
    profile: &str,
    date: NaiveDate,
    pdf_path: &Path,
) -> Result<MailReport> {
    Mailer::from_env(mail)?.send_briefing(recipients, title, profile, date, pdf_path)
}

impl<'a> Mailer<'a> {
    /// A mailer with an explicit password (`None`: no login). The password
    /// is only used when the settings name a `username`.
    pub fn new(settings: &'a MailSettings, password: Option<String>) -> Mailer<'a> {
        Mailer { settings, password }
    }

    /// A mailer with the password from the environment variable named by
    /// `password_env`; [`Kind::Config`] when it is unset or empty.
    pub fn from_env(settings: &'a MailSettings) -> Result<Mailer<'a>> {
        let password = match &settings.password_env {
            None => None,
            Some(var) => match std::env::var(var) {
                Ok(p) if !p.is_empty() => Some(p),
                _ => {
                    return Err(Error::new(
                        Kind::Config,
                        format!(
                            "[mail] password_env names `{var}`, but that environment variable is not set (or empty); set it to the SMTP password of `{}`",
                            settings.username.as_deref().unwrap_or_default()
                        ),
                    ));
                }
            },
        };
        Ok(Mailer { settings, password })
    }

    /// Mails the briefing of `profile` for `date`, written at `pdf_path`,
    /// to the profile's recipients, with the profile's title (or the
    /// config's).
    ///
    /// A profile without recipients is [`Delivery::Skipped`] with a warning
    /// text, not an error. Errors are those of [`Mailer::send_briefing`].
    pub fn send_profile(
        &self,
        config: &Config,
        profile: &Profile,
        date: NaiveDate,
        pdf_path: &Path,
        digest: Option<&Digest>,
    ) -> Result<Delivery> {
        if profile.recipients.is_empty() {
            return Ok(Delivery::Skipped(format!(
                "profile `{}` has no recipients; {} was not mailed (add `recipients = [\"…\"]` to its [[profile]])",
                profile.name,
                pdf_path.display()
            )));
        }
        // The title as the edition prints it, the analyst's words applied.
        let title = crate::edition::Converter::new(config, profile.language)
            .text(profile.title.as_ref().unwrap_or(&config.title));
        let title = title.as_str();
        self.send_with_digest(
            &profile.recipients,
            title,
            &profile.name,
            date,
            pdf_path,
            digest,
        )
        .map(Delivery::Sent)
    }

    /// Sends the PDF at `pdf_path` to `recipients` as one message and
    /// returns what was sent.
    ///
    /// The message is `multipart/mixed`: a UTF-8 `text/plain` body from the
    /// body template, then the PDF as `application/pdf` under an ASCII file
    /// name ([`attachment_name`]). The subject comes from the subject
    /// template and is RFC 2047-encoded by lettre; `Date` and `Message-ID`
    /// are set. Templates get `{title}`, `{date}` (`2026年11月24日`),
    /// `{date_iso}` (`2026-11-24`), `{profile}` and `{file}` (the
    /// attachment's name).
    ///
    /// Transient failures (connection refused or reset, timeouts, 4xx
    /// replies) are retried `retries` times, waiting `retry_delay`, then
    /// twice that, and so on (each wait at most [`MAX_RETRY_DELAY`]).
    /// Permanent failures (5xx replies, TLS errors, no usable login
    /// mechanism) are not retried.
    ///
    /// # Errors
    ///
    /// - [`Kind::TempFail`]: the PDF is larger than `max_attachment_kb`
    ///   (checked before connecting), or the server refused the message, or
    ///   it could not be reached within the retries. The PDF is left on disk.
    /// - [`Kind::Config`]: `recipients` is empty.
    /// - [`Kind::NoInput`] / [`Kind::Io`]: the PDF cannot be read.
    pub fn send_briefing(
        &self,
        recipients: &[Mailbox],
        title: &str,
        profile: &str,
        date: NaiveDate,
        pdf_path: &Path,
    ) -> Result<MailReport> {
        self.send_with_digest(recipients, title, profile, date, pdf_path, None)
    }

    /// [`Mailer::send_briefing`] with the briefing's digest: the message
    /// then reads on its own, as `multipart/alternative` text and HTML
    /// (title, date, key figures, what is new, the attachment's name)
    /// before the PDF.
    pub fn send_with_digest(
        &self,
        recipients: &[Mailbox],
        title: &str,
        profile: &str,
        date: NaiveDate,
        pdf_path: &Path,
        digest: Option<&Digest>,
    ) -> Result<MailReport> {
        if recipients.is_empty() {
            return Err(Error::file(
                Kind::Config,
                pdf_path,
                format!("no recipients to mail the briefing of profile `{profile}` to"),
            ));
        }
        let letter = message::Letter {
            settings: self.settings,
            recipients,
            title,
            profile,
            date,
            pdf_path,
            digest,
        };
        let built = letter.build()?;
        send::deliver(
            self.settings,
            self.password.clone(),
            recipients,
            pdf_path,
            built,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::message::message_id;
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn templates_fill_every_placeholder() {
        let f = Fields {
            title: "中国人工智能算力产业简报",
            date: day(),
            profile: "briefing",
            file: "briefing-2026-11-24.pdf",
            new_count: 3,
        };
        assert_eq!(
            fill_template("{title}（{date}）{date_iso} {profile} {file} {x} {", &f),
            "中国人工智能算力产业简报（2026年11月24日）2026-11-24 briefing briefing-2026-11-24.pdf {x} {"
        );
    }

    #[test]
    fn attachment_names_are_ascii() {
        assert_eq!(
            attachment_name("briefing-2026-11-24.pdf", day()),
            "briefing-2026-11-24.pdf"
        );
        assert_eq!(
            attachment_name("算力简报-2026-11-24.pdf", day()),
            "2026-11-24.pdf"
        );
        assert_eq!(
            attachment_name("简报.pdf", day()),
            "briefing-2026-11-24.pdf"
        );
        assert_eq!(attachment_name("a 简报 b.pdf", day()), "a_b.pdf");
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Duration::from_millis(50);
        assert_eq!(backoff(b, 1), Duration::from_millis(50));
        assert_eq!(backoff(b, 2), Duration::from_millis(100));
        assert_eq!(backoff(b, 3), Duration::from_millis(200));
        assert_eq!(backoff(Duration::from_secs(60), 10), MAX_RETRY_DELAY);
    }

    #[test]
    fn message_ids_are_unique_and_use_the_sender_domain() {
        let from: Mailbox = "简报 <news@example.org>".parse().unwrap();
        let a = message_id(&from, "briefing", day());
        let b = message_id(&from, "briefing", day());
        assert_ne!(a, b);
        assert!(a.starts_with("<briefing.briefing.20261124."));
        assert!(a.ends_with("@example.org>"));
    }
}
