//! Reads `[mail]`: the SMTP server, sender, templates and retry policy.

use toml::Spanned;

use super::schema::*;
use super::settings::*;
use super::values::in_range;
use crate::error::{Kind, Result};
use crate::origin::Text;
use crate::source::SourceFile;

/// A mail address as `addr@example.org` or `Name <addr@example.org>`.
pub(super) fn mailbox(file: &SourceFile, s: &Spanned<String>, what: &str) -> Result<Mailbox> {
    s.get_ref().trim().parse::<Mailbox>().map_err(|e| {
        file.error(
            Kind::Config,
            s.span(),
            format!(
                "invalid {what} address `{}` ({e}); expected `name@example.org` or `Name <name@example.org>`",
                s.get_ref()
            ),
        )
    })
}

const DEFAULT_SUBJECT: &str = "{title}（{date}）";
const DEFAULT_BODY: &str =
    "您好：\n\n附件为{date}的《{title}》（{file}）。\n\n—— 由 briefing 自动发送\n";

/// Checks `[mail]` and fills in the defaults.
pub(super) fn mail_settings(file: &SourceFile, m: &Spanned<RawMail>) -> Result<MailSettings> {
    let raw = m.get_ref();
    if let Some(p) = &raw.password {
        return Err(file.error(
            Kind::Config,
            p.span(),
            "the password is never kept in the config file; put it in an environment variable and name that variable with `password_env = \"SMTP_PASSWORD\"`",
        ));
    }
    let server = raw.server.get_ref().trim();
    if server.is_empty() || server.contains("://") || server.contains(char::is_whitespace) {
        return Err(file.error(
            Kind::Config,
            raw.server.span(),
            "`server` must be a bare host name such as \"smtp.example.org\" (no scheme, no port)",
        ));
    }
    let security = security(file, raw)?;
    let int =
        |v: &Option<Spanned<i64>>, dflt, lo, hi, what: &str| in_range(file, v, dflt, lo, hi, what);
    let port = int(&raw.port, security.default_port().into(), 1, 65535, "port")?;
    let max_attachment_kb = int(
        &raw.max_attachment_kb,
        5000,
        1,
        102_400,
        "max_attachment_kb",
    )?;
    let retries = int(&raw.retries, 3, 0, 10, "retries")?;
    let retry_delay_ms = int(&raw.retry_delay_ms, 1000, 0, 60_000, "retry_delay_ms")?;
    let timeout_s = int(&raw.timeout_s, 30, 1, 600, "timeout_s")?;

    let (username, password_env) = login(file, raw)?;
    // A login over an unencrypted connection sends the password in clear:
    // only acceptable when the connection never leaves the machine.
    let loopback = matches!(server, "localhost" | "::1" | "[::1]") || server.starts_with("127.");
    if security == MailSecurity::None && username.is_some() && !loopback {
        let span = raw.security.as_ref().map_or(m.span(), |s| s.span());
        return Err(file.error(
            Kind::Config,
            span,
            format!("security = \"none\" would send the password to `{server}` in clear; use \"starttls\" or \"tls\", or a local relay without login"),
        ));
    }
    let from = mailbox(file, &raw.from, "sender")?;
    let template =
        |t: &Option<Spanned<String>>, dflt: &str, what: &str| template(file, t, dflt, what);
    let subject = template(&raw.subject, DEFAULT_SUBJECT, "subject")?;
    let body = template(&raw.body, DEFAULT_BODY, "body")?;
    Ok(MailSettings {
        server: server.to_string(),
        port: port as u16,
        security,
        username,
        password_env,
        from,
        subject,
        body,
        max_attachment_kb: max_attachment_kb as u64,
        retries: retries as u32,
        retry_delay: std::time::Duration::from_millis(retry_delay_ms as u64),
        timeout: std::time::Duration::from_secs(timeout_s as u64),
    })
}

/// How the connection is protected: STARTTLS unless the config says.
fn security(file: &SourceFile, raw: &RawMail) -> Result<MailSecurity> {
    match raw
        .security
        .as_ref()
        .map(|s| (s.get_ref().as_str(), s.span()))
    {
        None | Some(("starttls", _)) => Ok(MailSecurity::StartTls),
        Some(("tls", _)) => Ok(MailSecurity::Tls),
        Some(("none", _)) => Ok(MailSecurity::None),
        Some((other, span)) => Err(file.error(
            Kind::Config,
            span,
            format!("unknown security `{other}`; expected \"starttls\", \"tls\" or \"none\""),
        )),
    }
}

/// The login: a user name and the environment variable holding the
/// password, both or neither.
fn login(file: &SourceFile, raw: &RawMail) -> Result<(Option<String>, Option<String>)> {
    match (&raw.username, &raw.password_env) {
        (None, None) => Ok((None, None)),
        (Some(u), Some(p)) => {
            let name = p.get_ref();
            let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(file.error(
                    Kind::Config,
                    p.span(),
                    format!("`password_env` must name an environment variable (letters, digits, `_`), such as \"SMTP_PASSWORD\", not `{name}`"),
                ));
            }
            Ok((Some(u.get_ref().clone()), Some(name.clone())))
        }
        (Some(u), None) => Err(file.error(
            Kind::Config,
            u.span(),
            "`username` needs `password_env`, the environment variable holding the password",
        )),
        (None, Some(p)) => {
            Err(file.error(Kind::Config, p.span(), "`password_env` needs `username`"))
        }
    }
}

/// A mail template, its placeholders checked; `dflt` when absent.
fn template(
    file: &SourceFile,
    t: &Option<Spanned<String>>,
    dflt: &str,
    what: &str,
) -> Result<Text> {
    let Some(t) = t else {
        return Ok(Text::plain(dflt));
    };
    let text = t.get_ref();
    if what == "subject" && text.contains(['\r', '\n']) {
        return Err(file.error(Kind::Config, t.span(), "the subject must be one line"));
    }
    let origin = file.origin(t.span());
    for (range, name) in mail_placeholders(text) {
        if !MAIL_PLACEHOLDERS.contains(&name) {
            return Err(file.error_over(
                Kind::Config,
                origin.offset(range.start),
                range.len(),
                format!(
                    "unknown placeholder `{{{name}}}` in the mail {what}; expected one of {}",
                    MAIL_PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    file.shown(t, Kind::Config, "a mail template")
}
