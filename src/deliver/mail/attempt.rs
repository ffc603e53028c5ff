//! One delivery attempt, bounded as a whole by `timeout_s`.
//!
//! lettre's timeout is per socket read, and after a failed read it says
//! QUIT and waits for the answer again, so a server that greets and then
//! stalls held one attempt for twice `timeout_s`, and a slow one for a
//! multiple of it. Here the attempt runs on its own thread and the caller
//! waits at most `timeout_s` for it. The attempt may only start sending
//! the message's body after the caller has not given up on it (one atomic
//! step decides which of the two comes first), so an attempt that was
//! given up can never deliver a second copy beside the retry; once the
//! body is on its way the caller waits for the server's verdict, which no
//! retry could improve on.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;

use crate::config::{MailSecurity, MailSettings};
use crate::error::{Error, Kind, Result};

/// Where and how to connect: everything an attempt needs but the message.
pub(super) struct Link {
    server: String,
    port: u16,
    timeout: Duration,
    security: MailSecurity,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
}

impl Link {
    /// The connection settings of `mail`, with the password read from its
    /// variable.
    ///
    /// # Errors
    ///
    /// [`Kind::TempFail`] when TLS cannot be set up for the server's name.
    pub(super) fn new(mail: &MailSettings, password: Option<String>) -> Result<Link> {
        let tls = match mail.security {
            MailSecurity::None => None,
            MailSecurity::StartTls | MailSecurity::Tls => {
                Some(TlsParameters::new(mail.server.clone()).map_err(|e| {
                    Error::new(
                        Kind::TempFail,
                        format!(
                            "cannot set up TLS for the mail server `{}`: {e}",
                            mail.server
                        ),
                    )
                })?)
            }
        };
        let credentials = match (&mail.username, password) {
            (Some(user), Some(pass)) => Some(Credentials::new(user.clone(), pass)),
            _ => None,
        };
        Ok(Link {
            server: mail.server.clone(),
            port: mail.port,
            timeout: mail.timeout,
            security: mail.security,
            tls,
            credentials,
            hello: ClientId::default(),
        })
    }
}

/// Why an attempt did not deliver.
#[derive(Debug)]
pub(super) enum Failed {
    /// The server said no, or the connection failed.
    Smtp(lettre::transport::smtp::Error),
    /// The attempt was not finished within `timeout_s`; nothing was sent.
    Deadline,
    /// The message cannot go to this server as it is (a permanent failure).
    Unsendable(&'static str),
}

impl From<lettre::transport::smtp::Error> for Failed {
    fn from(e: lettre::transport::smtp::Error) -> Failed {
        Failed::Smtp(e)
    }
}

/// The attempt is under way and may still be given up.
const RUNNING: u8 = 0;
/// The message's body is being sent: the caller waits for the verdict.
const COMMITTED: u8 = 1;
/// The caller gave up: the attempt stops before sending anything more.
const ABANDONED: u8 = 2;

/// Delivers `email` once, giving up after the link's timeout unless the
/// body is already on its way.
pub(super) fn run(
    link: &Arc<Link>,
    envelope: &Envelope,
    email: &Arc<[u8]>,
) -> std::result::Result<Response, Failed> {
    let state = Arc::new(AtomicU8::new(RUNNING));
    let (tx, rx) = mpsc::channel();
    {
        let (link, envelope, email, state) =
            (link.clone(), envelope.clone(), email.clone(), state.clone());
        std::thread::spawn(move || {
            // The caller may have stopped listening; the result is then
            // no longer anyone's business.
            let _ = tx.send(converse(&link, &envelope, &email, &state));
        });
    }
    match rx.recv_timeout(link.timeout) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Failed::Deadline),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            match state.compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => Err(Failed::Deadline),
                // The body is being sent; the socket's own timeout bounds
                // the wait for the server's answer.
                Err(_) => rx.recv().map_err(|_| Failed::Deadline)?,
            }
        }
    }
}

/// The conversation: connect, secure, log in, envelope, body. Every step
/// reads with the socket timeout; after a failure the connection is closed
/// at once, without waiting for a stalled server to answer QUIT.
fn converse(
    link: &Link,
    envelope: &Envelope,
    email: &[u8],
    state: &AtomicU8,
) -> std::result::Result<Response, Failed> {
    let wrapper = match link.security {
        MailSecurity::Tls => link.tls.as_ref(),
        _ => None,
    };
    let mut conn = SmtpConnection::connect(
        (link.server.as_str(), link.port),
        Some(link.timeout),
        &link.hello,
        wrapper,
        None,
    )?;
    let result = steps(link, &mut conn, envelope, email, state);
    if result.is_err() {
        // A short wait for QUIT's answer: the server has had its time.
        let _ = conn.set_timeout(Some(Duration::from_millis(1)));
    }
    conn.abort();
    result
}

/// Everything after the greeting, on an open connection.
fn steps(
    link: &Link,
    conn: &mut SmtpConnection,
    envelope: &Envelope,
    email: &[u8],
    state: &AtomicU8,
) -> std::result::Result<Response, Failed> {
    if let (MailSecurity::StartTls, Some(tls)) = (link.security, &link.tls) {
        conn.starttls(tls, &link.hello)?;
    }
    if let Some(credentials) = &link.credentials {
        conn.auth(DEFAULT_MECHANISMS, credentials)?;
    }
    let abandoned = || state.load(Ordering::Acquire) == ABANDONED;
    let mut options = Vec::new();
    let wide = |a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii();
    if envelope.from().is_some_and(wide) || envelope.to().iter().any(wide) {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(Failed::Unsendable(
                "an address is not plain ASCII and the server does not take SMTPUTF8",
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !email.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(Failed::Unsendable(
                "the message is not plain ASCII and the server does not take 8BITMIME",
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    if abandoned() {
        return Err(Failed::Deadline);
    }
    conn.command(Mail::new(envelope.from().cloned(), options))?;
    for to in envelope.to() {
        if abandoned() {
            return Err(Failed::Deadline);
        }
        conn.command(Rcpt::new(to.clone(), vec![]))?;
    }
    conn.command(Data)?;
    if state
        .compare_exchange(RUNNING, COMMITTED, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return Err(Failed::Deadline);
    }
    Ok(conn.message(email)?)
}
