//! Delivery over SMTP, retried with backoff while the failure may pass.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;

use super::attempt::{self, Link};
use super::message::Built;
use super::{MAX_RETRY_DELAY, MailReport};
use crate::config::MailSettings;
use crate::error::{Error, Kind, Result};

/// Sends `built` to `recipients`, retrying transient failures.
pub(super) fn deliver(
    mail: &MailSettings,
    password: Option<String>,
    recipients: &[Mailbox],
    pdf_path: &Path,
    built: Built,
) -> Result<MailReport> {
    let link = Arc::new(Link::new(mail, password)?);
    let envelope = built.message.envelope().clone();
    let email: Arc<[u8]> = built.message.formatted().into();
    let to_list = recipients
        .iter()
        .map(|r| r.email.to_string())
        .collect::<Vec<_>>();
    let place = format!("{}:{}", mail.server, mail.port);
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let e = match attempt::run(&link, &envelope, &email) {
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
                    subject: built.subject,
                    message_id: built.message_id,
                    attachment_name: built.attachment,
                    attachment_bytes: built.attachment_bytes,
                    attempts,
                    server_reply,
                });
            }
            Err(e) => e,
        };
        let e = describe(&e, mail.timeout);
        if e.transient && attempts <= mail.retries {
            let wait = backoff(mail.retry_delay, attempts);
            log::warn!(
                "mail attempt {attempts} of {} to {place} failed ({e}); retrying in {} ms",
                mail.retries + 1,
                wait.as_millis()
            );
            std::thread::sleep(wait);
            continue;
        }
        let why = if e.transient {
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

/// A failed attempt as the message says it, and whether it may pass.
struct Failure {
    text: String,
    transient: bool,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Words a failure for the analyst: a socket timeout, which the system
/// reports as "Resource temporarily unavailable (os error 11)", reads as
/// what it is.
fn describe(e: &attempt::Failed, timeout: Duration) -> Failure {
    let e = match e {
        attempt::Failed::Smtp(e) => e,
        attempt::Failed::Unsendable(why) => {
            return Failure {
                text: (*why).to_string(),
                transient: false,
            };
        }
        attempt::Failed::Deadline => {
            return Failure {
                text: format!(
                    "the server did not finish within {} s (`timeout_s`)",
                    timeout.as_secs_f64()
                ),
                transient: true,
            };
        }
    };
    let mut source = std::error::Error::source(e);
    let mut timed_out = e.is_timeout();
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            timed_out |= matches!(
                io.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            );
        }
        source = err.source();
    }
    let text = if timed_out {
        format!(
            "the server did not answer within {} s (`timeout_s`)",
            timeout.as_secs_f64()
        )
    } else {
        e.to_string()
    };
    Failure {
        text,
        transient: is_transient(e),
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
