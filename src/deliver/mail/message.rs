//! The message: the PDF read back from disk (so the attachment is the
//! file that was written), the subject and body from their templates, the
//! digest as text and HTML, and a unique Message-ID.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use chrono::NaiveDate;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::Digest;
use crate::config::{MailSettings, mail_placeholders};
use crate::error::{Error, Kind, Result, read_error};

/// What a message is made of.
pub(super) struct Letter<'a> {
    pub(super) settings: &'a MailSettings,
    pub(super) recipients: &'a [Mailbox],
    pub(super) title: &'a str,
    pub(super) profile: &'a str,
    pub(super) date: NaiveDate,
    pub(super) pdf_path: &'a Path,
    pub(super) digest: Option<&'a Digest>,
}

impl Letter<'_> {
    /// The MIME message: text (and HTML when there is a digest, the richer
    /// view of the same content; the client picks), then the PDF.
    fn message(
        &self,
        subject: String,
        message_id: String,
        body: String,
        attachment: &str,
        pdf: Vec<u8>,
    ) -> Result<Message> {
        let mail = self.settings;
        let mut builder = Message::builder()
            .from(mail.from.clone())
            .subject(subject)
            .date_now()
            .message_id(Some(message_id))
            .user_agent(format!("briefing {}", env!("CARGO_PKG_VERSION")));
        for r in self.recipients {
            builder = builder.to(r.clone());
        }
        let pdf_type = ContentType::parse("application/pdf").expect("a valid MIME type");
        let lang = ContentLanguage(self.digest.map(|d| d.language).unwrap_or_default());
        let plain = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(lang.clone())
            .body(body);
        let text = match self.digest {
            Some(d) => MultiPart::alternative().singlepart(plain).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .header(lang)
                    .body(d.html(self.title, self.date, attachment)),
            ),
            None => MultiPart::mixed().singlepart(plain),
        };
        builder
            .multipart(
                MultiPart::mixed()
                    .multipart(text)
                    .singlepart(Attachment::new(attachment.to_string()).body(pdf, pdf_type)),
            )
            .map_err(|e| {
                Error::new(
                    Kind::Software,
                    format!(
                        "cannot build the mail message for profile `{}`: {e}",
                        self.profile
                    ),
                )
            })
    }
}

/// A message ready to send, with what the report says of it.
pub(super) struct Built {
    pub(super) message: Message,
    pub(super) subject: String,
    pub(super) message_id: String,
    pub(super) attachment: String,
    pub(super) attachment_bytes: u64,
}

impl Letter<'_> {
    /// The message, or why it cannot be sent (too large).
    pub(super) fn build(&self) -> Result<Built> {
        let mail = self.settings;
        // Read back what is on disk, not the bytes in memory: the
        // attachment is then by construction the file the recipient could
        // also fetch.
        let pdf = std::fs::read(self.pdf_path).map_err(|e| read_error(self.pdf_path, e))?;
        let limit = mail.max_attachment_kb.saturating_mul(1024);
        if pdf.len() as u64 > limit {
            return Err(Error::file(
                Kind::TempFail,
                self.pdf_path,
                format!(
                    "not mailed: the briefing is {} KiB ({} bytes), over max_attachment_kb = {} ({limit} bytes); it stays on disk",
                    (pdf.len() as u64).div_ceil(1024),
                    pdf.len(),
                    mail.max_attachment_kb
                ),
            )
            .with_help("raise max_attachment_kb in [mail] if the recipients' servers accept larger mail, or mail a profile with fewer themes"));
        }
        let file_name = self
            .pdf_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let attachment = attachment_name(&file_name, self.date);
        let fields = Fields {
            title: self.title,
            date: self.date,
            profile: self.profile,
            file: &attachment,
            new_count: self.digest.map_or(0, |d| d.new_count),
        };
        // The templates' own words in the edition's script; the values
        // filled in are already (the title is converted by the caller).
        let lang = self.digest.map(|d| d.language).unwrap_or_default();
        let subject = fill_template(&crate::edition::words(lang, &mail.subject), &fields);
        let mut body = fill_template(&crate::edition::words(lang, &mail.body), &fields);
        if let Some(d) = self.digest {
            body.push_str(&d.text());
        }
        let message_id = message_id(&mail.from, self.profile, self.date);
        let attachment_bytes = pdf.len() as u64;
        let message = self.message(subject.clone(), message_id.clone(), body, &attachment, pdf)?;
        Ok(Built {
            message,
            subject,
            message_id,
            attachment,
            attachment_bytes,
        })
    }
}

/// `Content-Language` (RFC 3282) of a text part: the edition's BCP 47 tag,
/// so a reader's client picks fonts and a screen reader its voice.
#[derive(Debug, Clone)]
struct ContentLanguage(crate::config::Language);

impl lettre::message::header::Header for ContentLanguage {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        crate::config::Language::from_tag(s.trim())
            .map(ContentLanguage)
            .ok_or_else(|| format!("not an edition: {s}").into())
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        let tag = self.0.tag().to_string();
        lettre::message::header::HeaderValue::dangerous_new_pre_encoded(
            Self::name(),
            tag.clone(),
            tag,
        )
    }
}

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
            t.push_str(&self.word("\n\n主要数据\n"));
            for (l, v, p) in &self.key_figures {
                t.push_str(&format!("- {l}：{v}（{p}）\n"));
            }
        }
        if !self.news.is_empty() {
            t.push_str(&self.word("\n本期新增\n"));
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
        let font = if self.language.traditional() {
            "font-family:'PingFang TC','Microsoft JhengHei','Noto Sans CJK TC',sans-serif;"
        } else {
            "font-family:'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;"
        };
        let mut h = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{t}</title></head>\
             <body style=\"margin:0;padding:0;background:#f2f4f7;\">\
             <div style=\"max-width:640px;margin:0 auto;padding:20px 16px;background:#ffffff;color:#1a1a1a;{font}\">\
             <div style=\"border-bottom:2px solid #a81c1c;padding-bottom:10px;margin-bottom:16px;\">\
             <h1 style=\"margin:0;font-size:20px;line-height:1.4;color:#a81c1c;\">{t}</h1>\
             <p style=\"margin:4px 0 0;font-size:14px;color:#5f6368;\">{d}</p></div>",
            t = esc(title),
            d = esc(&crate::content::chinese_date(date)),
            lang = self.language.tag(),
        );
        if !self.key_figures.is_empty() {
            h.push_str(&self.word("<h2 style=\"font-size:16px;margin:0 0 8px;color:#1f3a5f;\">主要数据</h2>\
                <table role=\"presentation\" style=\"width:100%;border-collapse:collapse;font-size:14px;line-height:1.5;margin-bottom:18px;\">"));
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
            h.push_str(&self.word(
                "<h2 style=\"font-size:16px;margin:0 0 8px;color:#1f3a5f;\">本期新增</h2>\
                <ul style=\"margin:0 0 18px;padding-left:20px;font-size:14px;line-height:1.6;\">",
            ));
            for n in &self.news {
                h.push_str(&format!("<li style=\"margin-bottom:6px;\">{}</li>", esc(n)));
            }
            h.push_str("</ul>");
        }
        h.push_str(&self.word(&format!(
            "<p style=\"margin:0;padding-top:10px;border-top:1px solid #e1e4e8;font-size:13px;color:#5f6368;\">完整简报见附件 {}（PDF）。</p></div></body></html>",
            esc(file)
        )));
        h
    }

    /// The program's own words in the digest's script.
    fn word(&self, s: &str) -> String {
        crate::edition::words(self.language, s)
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
pub(super) fn message_id(from: &Mailbox, profile: &str, date: NaiveDate) -> String {
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
