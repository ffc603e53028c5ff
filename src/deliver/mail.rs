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

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use chrono::NaiveDate;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, Transport};

use crate::config::{Config, MailSecurity, MailSettings, Profile, mail_placeholders};
use crate::error::{Error, Kind, Result, read_error};

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
        let title = profile.title.as_deref().unwrap_or(&config.title);
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
        let mail = self.settings;
        if recipients.is_empty() {
            return Err(Error::file(
                Kind::Config,
                pdf_path,
                format!("no recipients to mail the briefing of profile `{profile}` to"),
            ));
        }
        // Read back what is on disk, not the bytes in memory: the attachment is
        // then by construction the file the recipient could also fetch.
        let pdf = std::fs::read(pdf_path).map_err(|e| read_error(pdf_path, e))?;
        let limit = mail.max_attachment_kb.saturating_mul(1024);
        if pdf.len() as u64 > limit {
            return Err(Error::file(
                Kind::TempFail,
                pdf_path,
                format!(
                    "not mailed: the briefing is {} KiB ({} bytes), over max_attachment_kb = {} ({limit} bytes); it stays on disk",
                    (pdf.len() as u64).div_ceil(1024),
                    pdf.len(),
                    mail.max_attachment_kb
                ),
            )
            .with_help("raise max_attachment_kb in [mail] if the recipients' servers accept larger mail, or mail a profile with fewer themes"));
        }

        let file_name = pdf_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let attachment = attachment_name(&file_name, date);
        let fields = Fields {
            title,
            date,
            profile,
            file: &attachment,
            new_count: digest.map_or(0, |d| d.new_count),
        };
        let subject = fill_template(&mail.subject, &fields);
        let mut body = fill_template(&mail.body, &fields);
        if let Some(d) = digest {
            body.push_str(&d.text());
        }
        let message_id = message_id(&mail.from, profile, date);
        let attachment_bytes = pdf.len() as u64;

        let mut builder = Message::builder()
            .from(mail.from.clone())
            .subject(subject.clone())
            .date_now()
            .message_id(Some(message_id.clone()))
            .user_agent(format!("briefing {}", env!("CARGO_PKG_VERSION")));
        for r in recipients {
            builder = builder.to(r.clone());
        }
        let pdf_type = ContentType::parse("application/pdf").expect("a valid MIME type");
        let message = builder
            .multipart(
                MultiPart::mixed()
                    .multipart(match digest {
                        // Text and HTML, the HTML as the richer view of the
                        // same content; the client picks.
                        Some(d) => MultiPart::alternative()
                            .singlepart(SinglePart::plain(body))
                            .singlepart(SinglePart::html(d.html(title, date, &attachment))),
                        None => MultiPart::mixed().singlepart(SinglePart::plain(body)),
                    })
                    .singlepart(Attachment::new(attachment.clone()).body(pdf, pdf_type)),
            )
            .map_err(|e| {
                Error::new(
                    Kind::Software,
                    format!("cannot build the mail message for profile `{profile}`: {e}"),
                )
            })?;

        let transport = transport(mail, self.password.clone())?;
        let to_list = recipients
            .iter()
            .map(|r| r.email.to_string())
            .collect::<Vec<_>>();
        let place = format!("{}:{}", mail.server, mail.port);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            match transport.send(&message) {
                Ok(reply) => {
                    let server_reply = format!(
                        "{} {}",
                        reply.code(),
                        reply.message().collect::<Vec<_>>().join(" ")
                    )
                    .trim()
                    .to_string();
                    log::info!(
                        "mailed {} to {} via {place} ({server_reply})",
                        pdf_path.display(),
                        to_list.join(", ")
                    );
                    return Ok(MailReport {
                        recipients: to_list,
                        subject,
                        message_id,
                        attachment_name: attachment,
                        attachment_bytes,
                        attempts,
                        server_reply,
                    });
                }
                Err(e) if is_transient(&e) && attempts <= mail.retries => {
                    let wait = backoff(mail.retry_delay, attempts);
                    log::warn!(
                        "mail attempt {attempts} of {} to {place} failed ({e}); retrying in {} ms",
                        mail.retries + 1,
                        wait.as_millis()
                    );
                    std::thread::sleep(wait);
                }
                Err(e) => {
                    let why = if is_transient(&e) {
                        format!(
                            "gave up after {attempts} attempt{}",
                            if attempts == 1 { "" } else { "s" }
                        )
                    } else if attempts == 1 {
                        "not retried, the failure is permanent".to_string()
                    } else {
                        format!("on attempt {attempts}; not retried, the failure is permanent")
                    };
                    return Err(Error::file(
                        Kind::TempFail,
                        pdf_path,
                        format!(
                            "not mailed to {} via {place}: {e} ({why}); the briefing stays on disk",
                            to_list.join(", ")
                        ),
                    ));
                }
            }
        }
    }
}

/// The wait before retry number `retry` (1-based): `base`, `2 × base`,
/// `4 × base`, …, at most [`MAX_RETRY_DELAY`].
pub fn backoff(base: Duration, retry: u32) -> Duration {
    let factor = 1u32 << retry.saturating_sub(1).min(20);
    base.saturating_mul(factor).min(MAX_RETRY_DELAY)
}

/// Whether another attempt may succeed: 4xx replies and anything that went
/// wrong on the way (refused, reset, timed out, or the connection closed
/// mid-reply, which lettre reports as an "incomplete response"). 5xx
/// replies, client-side errors (no STARTTLS offered, no common login
/// mechanism) and TLS failures are final: a certificate will not become
/// valid in a minute.
fn is_transient(e: &lettre::transport::smtp::Error) -> bool {
    if e.is_permanent() || e.is_tls() || e.is_client() {
        return false;
    }
    // rustls reports a failed handshake (bad certificate, a server that
    // does not speak TLS) as an I/O error of kind InvalidData.
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return io.kind() != std::io::ErrorKind::InvalidData;
        }
        source = err.source();
    }
    true
}

fn transport(mail: &MailSettings, password: Option<String>) -> Result<SmtpTransport> {
    let tls_error = |e: lettre::transport::smtp::Error| {
        Error::new(
            Kind::TempFail,
            format!(
                "cannot set up TLS for the mail server `{}`: {e}",
                mail.server
            ),
        )
    };
    let builder = match mail.security {
        MailSecurity::StartTls => SmtpTransport::starttls_relay(&mail.server).map_err(tls_error)?,
        MailSecurity::Tls => SmtpTransport::relay(&mail.server).map_err(tls_error)?,
        MailSecurity::None => SmtpTransport::builder_dangerous(&mail.server),
    };
    let mut builder = builder.port(mail.port).timeout(Some(mail.timeout));
    if let (Some(user), Some(pass)) = (&mail.username, password) {
        builder = builder.credentials(Credentials::new(user.clone(), pass));
    }
    Ok(builder.build())
}

pub use crate::compose::Digest;

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Digest {
    /// The digest appended to the plain-text body.
    pub fn text(&self) -> String {
        let mut t = String::new();
        if !self.key_figures.is_empty() {
            t.push_str("\n\n主要数据\n");
            for (l, v, p) in &self.key_figures {
                t.push_str(&format!("- {l}：{v}（{p}）\n"));
            }
        }
        if !self.news.is_empty() {
            t.push_str("\n本期新增\n");
            for n in &self.news {
                t.push_str(&format!("- {n}\n"));
            }
        }
        t
    }

    /// The HTML part: one column, at most 640 px wide so it reads on a
    /// phone, inline styles only (mail clients drop style sheets), no
    /// remote images, UTF-8.
    pub fn html(&self, title: &str, date: NaiveDate, file: &str) -> String {
        let font = "font-family:'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;";
        let mut h = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{t}</title></head>\
             <body style=\"margin:0;padding:0;background:#f2f4f7;\">\
             <div style=\"max-width:640px;margin:0 auto;padding:20px 16px;background:#ffffff;color:#1a1a1a;{font}\">\
             <div style=\"border-bottom:2px solid #a81c1c;padding-bottom:10px;margin-bottom:16px;\">\
             <h1 style=\"margin:0;font-size:20px;line-height:1.4;color:#a81c1c;\">{t}</h1>\
             <p style=\"margin:4px 0 0;font-size:14px;color:#5f6368;\">{d}</p></div>",
            t = esc(title),
            d = esc(&crate::content::chinese_date(date)),
        );
        if !self.key_figures.is_empty() {
            h.push_str("<h2 style=\"font-size:16px;margin:0 0 8px;color:#1f3a5f;\">主要数据</h2>\
                <table role=\"presentation\" style=\"width:100%;border-collapse:collapse;font-size:14px;line-height:1.5;margin-bottom:18px;\">");
            for (l, v, p) in &self.key_figures {
                h.push_str(&format!(
                    "<tr><td style=\"padding:7px 6px 7px 0;border-bottom:1px solid #e1e4e8;\">{}<br><span style=\"font-size:12px;color:#5f6368;\">{}</span></td>\
                     <td style=\"padding:7px 0;border-bottom:1px solid #e1e4e8;text-align:right;font-weight:bold;color:#1f3a5f;white-space:nowrap;\">{}</td></tr>",
                    esc(l),
                    esc(p),
                    esc(v)
                ));
            }
            h.push_str("</table>");
        }
        if !self.news.is_empty() {
            h.push_str(
                "<h2 style=\"font-size:16px;margin:0 0 8px;color:#1f3a5f;\">本期新增</h2>\
                <ul style=\"margin:0 0 18px;padding-left:20px;font-size:14px;line-height:1.6;\">",
            );
            for n in &self.news {
                h.push_str(&format!("<li style=\"margin-bottom:6px;\">{}</li>", esc(n)));
            }
            h.push_str("</ul>");
        }
        h.push_str(&format!(
            "<p style=\"margin:0;padding-top:10px;border-top:1px solid #e1e4e8;font-size:13px;color:#5f6368;\">完整简报见附件 {}（PDF）。</p></div></body></html>",
            esc(file)
        ));
        h
    }
}

/// Values for the placeholders of the mail templates.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    /// `{title}`: the briefing's title.
    pub title: &'a str,
    /// `{date}` (`2026年11月24日`) and `{date_iso}` (`2026-11-24`).
    pub date: NaiveDate,
    /// `{profile}`: the profile name.
    pub profile: &'a str,
    /// `{file}`: the attachment's file name.
    pub file: &'a str,
    /// `{new_count}`: the number of new items since the previous briefing.
    pub new_count: usize,
}

/// Replaces the placeholders of `template`. Unknown ones are left as they
/// are (config loading already rejected them).
pub fn fill_template(template: &str, f: &Fields) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut last = 0;
    for (range, name) in mail_placeholders(template) {
        let value = match name {
            "title" => f.title.to_string(),
            "date" => crate::content::chinese_date(f.date),
            "date_iso" => f.date.format("%Y-%m-%d").to_string(),
            "profile" => f.profile.to_string(),
            "file" => f.file.to_string(),
            "new_count" => f.new_count.to_string(),
            _ => continue,
        };
        out.push_str(&template[last..range.start]);
        out.push_str(&value);
        last = range.end;
    }
    out.push_str(&template[last..]);
    out
}

/// An attachment name every mail client shows the same: `file_name` with
/// anything but ASCII letters, digits, `.`, `-` and `_` replaced by `_`
/// (a file name pattern may contain Chinese), and `briefing-<date>.pdf`
/// when nothing recognisable is left.
pub fn attachment_name(file_name: &str, date: NaiveDate) -> String {
    let stem = file_name.strip_suffix(".pdf").unwrap_or(file_name);
    let mut out = String::new();
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            c
        } else {
            '_'
        };
        // One `_` for a run of replaced characters: `简报-x` gives `_-x`.
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let out = out.trim_matches(['_', '.', '-']);
    if out.chars().any(|c| c.is_ascii_alphanumeric()) {
        format!("{out}.pdf")
    } else {
        format!("briefing-{}.pdf", date.format("%Y-%m-%d"))
    }
}

/// A `Message-ID` under the sender's domain: the machine's host name is
/// often not a public name, the sender's domain is. Unique per process by
/// time, process id and a counter.
fn message_id(from: &Mailbox, profile: &str, date: NaiveDate) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "<briefing.{profile}.{}.{nanos:x}.{}.{}@{}>",
        date.format("%Y%m%d"),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        from.email.domain()
    )
}

#[cfg(test)]
mod tests {
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
