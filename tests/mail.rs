//! Delivery by e-mail against a real SMTP server (Python's aiosmtpd on
//! 127.0.0.1), with PDFs written by the real binary, and the `[mail]`
//! section of the config. The server saves each message it accepts; Python's
//! `email` package, not our code, decodes it, so the checks hold for what a
//! mail client would see.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use briefing::config::{self, Config, MailSecurity};
use briefing::deliver::mail::{self, Delivery, Mailer};
use briefing::error::Kind;
use chrono::NaiveDate;
use common::Sandbox;

const TITLE: &str = "中国人工智能算力产业简报";

/// An SMTP server in a child process. `mode` is `ok`, `tempfail` (451 to
/// the first DATA, then accepts) or `permfail` (550 to every DATA). With
/// `login`, the server offers AUTH and requires it.
const SERVER_PY: &str = r#"
import json, os, socket, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out, mode = sys.argv[1], sys.argv[2]
login = sys.argv[3] if len(sys.argv) > 3 else None
password = sys.argv[4] if len(sys.argv) > 4 else None

class Saver:
    def __init__(self):
        self.data = 0
        self.saved = 0

    async def handle_DATA(self, server, session, envelope):
        self.data += 1
        with open(os.path.join(out, "data-commands"), "a") as f:
            f.write("DATA\n")
        if mode == "permfail":
            return "550 5.7.1 Message rejected by policy"
        if mode == "tempfail" and self.data == 1:
            return "451 4.3.0 Try again later"
        self.saved += 1
        base = os.path.join(out, "msg-%d" % self.saved)
        with open(base + ".part", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "login": session.auth_data.decode()
                    if isinstance(session.auth_data, bytes) else None,
            }, f)
        os.rename(base + ".part", base + ".eml")
        return "250 2.0.0 Saved"

def check(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == login
          and auth_data.password.decode() == password)
    return AuthResult(success=ok, auth_data=auth_data.login if ok else None)

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
kwargs = {}
if login:
    kwargs = dict(authenticator=check, auth_required=True, auth_require_tls=False)
controller = Controller(Saver(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print("READY", port, flush=True)
while True:
    time.sleep(3600)
"#;

/// Prints a saved message as JSON, decoded by Python's `email` package; the
/// attachment is written to argv[2].
const DECODE_PY: &str = r#"
import json, sys
from email import policy
from email.parser import BytesParser

raw = open(sys.argv[1], "rb").read()
msg = BytesParser(policy=policy.default).parsebytes(raw)
raw_subject = ""
for line in raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n"):
    if line.lower().startswith("subject:") or (raw_subject and line[:1] in (" ", "\t")):
        if raw_subject and not line[:1] in (" ", "\t"):
            break
        raw_subject += line
    elif raw_subject:
        break
parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    info = {
        "type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "filename": part.get_filename(),
        "disposition": part.get_content_disposition(),
        "language": part.get("Content-Language"),
    }
    if part.get_content_type() == "application/pdf":
        open(sys.argv[2], "wb").write(part.get_payload(decode=True))
    else:
        info["text"] = part.get_content()
    parts.append(info)
print(json.dumps({
    "subject": str(msg["subject"]),
    "raw_subject": raw_subject,
    "from": str(msg["from"]),
    "to": str(msg["to"]),
    "date": str(msg["date"]) if msg["date"] else None,
    "message_id": str(msg["message-id"]) if msg["message-id"] else None,
    "type": msg.get_content_type(),
    "parts": parts,
    "ascii_only": all(b < 128 for b in raw),
}))
"#;

struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start(mode: &str, login: Option<(&str, &str)>) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("server.py");
        std::fs::write(&script, SERVER_PY).unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg(&script).arg(dir.path()).arg(mode);
        if let Some((u, p)) = login {
            cmd.args([u, p]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 is required for the mail tests");
        let stdout = child.stdout.take().unwrap();
        // `controller.start()` returns once the server accepts connections,
        // so the READY line is the signal to go.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the SMTP test server did not start (is aiosmtpd installed? scripts/test installs it); it said {line:?}"
            );
        };
        SmtpServer { child, port, dir }
    }

    /// Saved messages, in arrival order.
    fn messages(&self) -> Vec<PathBuf> {
        (1..)
            .map(|i| self.dir.path().join(format!("msg-{i}.eml")))
            .take_while(|p| p.exists())
            .collect()
    }

    /// How many DATA commands the server answered.
    fn data_commands(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("data-commands"))
            .map_or(0, |s| s.lines().count())
    }

    /// The envelope of message `i` (1-based).
    fn envelope(&self, i: usize) -> serde_json::Value {
        let p = self.dir.path().join(format!("msg-{i}.json"));
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message decoded by Python, and its PDF attachment's bytes.
fn decode(eml: &Path) -> (serde_json::Value, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("decode.py");
    std::fs::write(&script, DECODE_PY).unwrap();
    let pdf = dir.path().join("attachment.pdf");
    let out = Command::new("python3")
        .arg(&script)
        .arg(eml)
        .arg(&pdf)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "decoding failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    (v, bytes)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// A port on 127.0.0.1 with nothing listening (bound, then released).
fn dead_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A sandbox whose profile mails to two recipients through 127.0.0.1:`port`
/// with `extra` lines in `[mail]`, and its briefing for 2026-11-24 written
/// by the real binary.
fn sandbox_with_pdf(port: u16, extra: &str) -> (Sandbox, Config, PathBuf) {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        &format!(
            "recipients = [\"张三 <zhang@example.org>\", \"li@example.org\"]\n\n\
             [mail]\nserver = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
             from = \"算力产业研究组 <briefing@example.org>\"\ntimeout_s = 5\n{extra}"
        ),
    );
    let out = sb.run(&["generate", "--date", "2026-11-24", "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = sb.out().join("briefing-2026-11-24.pdf");
    assert!(pdf.is_file());
    let config = config::load(&sb.config()).unwrap();
    (sb, config, pdf)
}

#[test]
fn mailed_attachment_is_the_pdf_on_disk_and_subject_decodes_to_the_title() {
    let server = SmtpServer::start("ok", Some(("briefing", "s3cret 密码")));
    let (_sb, config, pdf) = sandbox_with_pdf(
        server.port,
        "username = \"briefing\"\npassword_env = \"BRIEFING_TEST_NEVER_SET\"\n",
    );
    let settings = config.mail.as_ref().unwrap();
    // The password is given directly: tests must not change the process
    // environment while other tests run.
    let mailer = Mailer::new(settings, Some("s3cret 密码".into()));
    let started = Instant::now();
    let report = match mailer
        .send_profile(&config, &config.profiles[0], day(), &pdf, None)
        .unwrap()
    {
        Delivery::Sent(r) => r,
        Delivery::Skipped(w) => panic!("skipped: {w}"),
    };
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(report.attempts, 1);
    assert_eq!(report.attachment_name, "briefing-2026-11-24.pdf");
    assert_eq!(report.recipients, ["zhang@example.org", "li@example.org"]);
    assert!(
        report.server_reply.starts_with("250"),
        "{}",
        report.server_reply
    );

    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let env = server.envelope(1);
    assert_eq!(env["mail_from"], "briefing@example.org");
    assert_eq!(
        env["rcpt_tos"],
        serde_json::json!(["zhang@example.org", "li@example.org"])
    );
    assert_eq!(env["login"], "briefing", "the server saw the login");

    let (msg, attachment) = decode(&messages[0]);
    let on_disk = std::fs::read(&pdf).unwrap();
    assert!(
        attachment == on_disk,
        "attachment differs from the PDF on disk"
    );
    assert_eq!(msg["subject"], format!("{TITLE}（2026年11月24日）"));
    assert_eq!(report.subject, format!("{TITLE}（2026年11月24日）"));
    let raw_subject = msg["raw_subject"].as_str().unwrap();
    assert!(
        raw_subject.contains("=?utf-8?"),
        "subject is RFC 2047-encoded: {raw_subject}"
    );
    assert_eq!(msg["ascii_only"], true, "headers and parts are 7-bit");
    assert!(msg["date"].is_string(), "Date header");
    assert_eq!(msg["message_id"], report.message_id.as_str());
    assert!(report.message_id.ends_with("@example.org>"));
    assert_eq!(msg["from"], "算力产业研究组 <briefing@example.org>");
    assert!(
        msg["to"]
            .as_str()
            .unwrap()
            .contains("张三 <zhang@example.org>")
    );
    assert_eq!(msg["type"], "multipart/mixed");

    let parts = msg["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["type"], "text/plain");
    assert_eq!(parts[0]["charset"], "utf-8");
    let text = parts[0]["text"].as_str().unwrap();
    assert!(text.contains("2026年11月24日"), "{text}");
    assert!(text.contains(TITLE), "{text}");
    assert!(text.contains("briefing-2026-11-24.pdf"), "{text}");
    assert_eq!(parts[1]["type"], "application/pdf");
    assert_eq!(parts[1]["disposition"], "attachment");
    assert_eq!(parts[1]["filename"], "briefing-2026-11-24.pdf");
}

#[test]
fn templates_fill_subject_and_body() {
    let server = SmtpServer::start("ok", None);
    let (_sb, config, pdf) = sandbox_with_pdf(
        server.port,
        "subject = \"【{profile}】{title} {date_iso}\"\nbody = \"\"\"\n日期：{date}\n文件：{file}\n\"\"\"\n",
    );
    let report = mail::send_briefing(
        config.mail.as_ref().unwrap(),
        &config.profiles[0].recipients,
        "芯片差距专报",
        "chips",
        day(),
        &pdf,
    )
    .unwrap();
    assert_eq!(report.subject, "【chips】芯片差距专报 2026-11-24");
    let (msg, _) = decode(&server.messages()[0]);
    assert_eq!(msg["subject"], "【chips】芯片差距专报 2026-11-24");
    // Text parts travel with CRLF line ends, as RFC 5322 wants.
    assert_eq!(
        msg["parts"][0]["text"]
            .as_str()
            .unwrap()
            .replace("\r\n", "\n"),
        "日期：2026年11月24日\n文件：briefing-2026-11-24.pdf\n"
    );
}

#[test]
fn server_down_is_retried_with_backoff_then_tempfail_and_pdf_stays() {
    let (_sb, config, pdf) = sandbox_with_pdf(dead_port(), "retries = 3\nretry_delay_ms = 50\n");
    let before = std::fs::read(&pdf).unwrap();
    let started = Instant::now();
    let err = mail::send_briefing(
        config.mail.as_ref().unwrap(),
        &config.profiles[0].recipients,
        TITLE,
        "briefing",
        day(),
        &pdf,
    )
    .unwrap_err();
    let elapsed = started.elapsed();
    // Waits of 50, 100 and 200 ms between the four attempts.
    assert!(elapsed >= Duration::from_millis(350), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(err.kind(), Kind::TempFail);
    assert_eq!(err.kind().exit_code(), 75);
    assert!(
        err.message().contains("after 4 attempts"),
        "{}",
        err.message()
    );
    assert!(err.message().contains("stays on disk"), "{}", err.message());
    assert_eq!(std::fs::read(&pdf).unwrap(), before, "the PDF is untouched");
}

#[test]
fn connections_dropped_by_the_server_are_retried_the_configured_number_of_times() {
    // A server that accepts and hangs up at once, as an overloaded one does.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (_sb, config, pdf) = sandbox_with_pdf(port, "retries = 2\nretry_delay_ms = 20\n");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let counter = std::thread::spawn({
        let stop = stop.clone();
        move || {
            listener.set_nonblocking(true).unwrap();
            let mut n = 0;
            loop {
                match listener.accept() {
                    Ok((s, _)) => {
                        n += 1;
                        drop(s);
                    }
                    // Stop only once the client gave up and the backlog is empty.
                    Err(_) if stop.load(std::sync::atomic::Ordering::SeqCst) => break n,
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }
    });
    let err = mail::send_briefing(
        config.mail.as_ref().unwrap(),
        &config.profiles[0].recipients,
        TITLE,
        "briefing",
        day(),
        &pdf,
    )
    .unwrap_err();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(err.kind(), Kind::TempFail);
    assert!(
        err.message().contains("after 3 attempts"),
        "{}",
        err.message()
    );
    assert_eq!(counter.join().unwrap(), 3, "one attempt and two retries");
    assert!(pdf.is_file());
}

#[test]
fn a_4xx_reply_is_retried_and_then_delivered() {
    let server = SmtpServer::start("tempfail", None);
    let (_sb, config, pdf) = sandbox_with_pdf(server.port, "retries = 2\nretry_delay_ms = 50\n");
    let report = mail::send_briefing(
        config.mail.as_ref().unwrap(),
        &config.profiles[0].recipients,
        TITLE,
        "briefing",
        day(),
        &pdf,
    )
    .unwrap();
    assert_eq!(report.attempts, 2);
    assert_eq!(server.data_commands(), 2);
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn a_5xx_reply_is_not_retried() {
    let server = SmtpServer::start("permfail", None);
    let (_sb, config, pdf) = sandbox_with_pdf(server.port, "retries = 3\nretry_delay_ms = 50\n");
    let err = mail::send_briefing(
        config.mail.as_ref().unwrap(),
        &config.profiles[0].recipients,
        TITLE,
        "briefing",
        day(),
        &pdf,
    )
    .unwrap_err();
    assert_eq!(err.kind(), Kind::TempFail);
    assert!(err.message().contains("550"), "{}", err.message());
    assert!(err.message().contains("not retried"), "{}", err.message());
    assert_eq!(server.data_commands(), 1);
    assert!(server.messages().is_empty());
    assert!(pdf.is_file());
}

#[test]
fn an_attachment_over_the_limit_is_refused_without_connecting() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (_sb, config, pdf) = sandbox_with_pdf(port, "max_attachment_kb = 100\n");
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(
        size > 100 * 1024,
        "the default briefing is larger than 100 KiB"
    );
    let err = mail::send_briefing(
        config.mail.as_ref().unwrap(),
        &config.profiles[0].recipients,
        TITLE,
        "briefing",
        day(),
        &pdf,
    )
    .unwrap_err();
    assert_eq!(err.kind(), Kind::TempFail);
    let m = err.message();
    assert!(m.contains(&format!("({size} bytes)")), "{m}");
    assert!(m.contains("max_attachment_kb = 100"), "{m}");
    assert!(m.starts_with(&pdf.display().to_string()), "{m}");
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "no connection was made"
    );
    assert!(pdf.is_file());
}

#[test]
fn a_profile_without_recipients_is_skipped_with_a_warning() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "\n[mail]\nserver = \"127.0.0.1\"\nfrom = \"briefing@example.org\"\n",
    );
    let config = config::load(&sb.config()).unwrap();
    let mailer = mail::preflight(&config).unwrap();
    let pdf = sb.out().join("briefing-2026-11-24.pdf");
    match mailer
        .send_profile(&config, &config.profiles[0], day(), &pdf, None)
        .unwrap()
    {
        Delivery::Skipped(w) => {
            assert!(w.contains("`briefing` has no recipients"), "{w}")
        }
        Delivery::Sent(_) => panic!("sent without recipients"),
    }
}

#[test]
fn preflight_needs_a_mail_section_and_the_password_variable() {
    let sb = Sandbox::new();
    let config = config::load(&sb.config()).unwrap();
    let e = mail::preflight(&config).unwrap_err();
    assert_eq!(e.kind(), Kind::Config);
    assert!(e.message().contains("[mail]"), "{}", e.message());

    sb.append(
        "briefing.toml",
        "\n[mail]\nserver = \"smtp.example.org\"\nfrom = \"briefing@example.org\"\n\
         username = \"briefing\"\npassword_env = \"BRIEFING_TEST_NEVER_SET_7F3A\"\n",
    );
    let config = config::load(&sb.config()).unwrap();
    let e = mail::preflight(&config).unwrap_err();
    assert_eq!(e.kind(), Kind::Config);
    assert!(
        e.message().contains("`BRIEFING_TEST_NEVER_SET_7F3A`"),
        "{}",
        e.message()
    );
}

// ---- the [mail] section and recipients in the config ----

/// The 1-based line of the first occurrence of `needle` in the config.
fn line_of(sb: &Sandbox, needle: &str) -> usize {
    let text = std::fs::read_to_string(sb.config()).unwrap();
    text[..text.find(needle).expect("needle in config")]
        .matches('\n')
        .count()
        + 1
}

fn load_err(sb: &Sandbox) -> briefing::error::Error {
    config::load(&sb.config()).expect_err("config should be rejected")
}

#[test]
fn the_default_config_has_no_mail_and_no_recipients() {
    let sb = Sandbox::new();
    let config = config::load(&sb.config()).unwrap();
    assert!(config.mail.is_none());
    assert!(config.profiles.iter().all(|p| p.recipients.is_empty()));
    let c = config::load(&common::root().join("config/briefing.toml")).unwrap();
    assert!(c.mail.is_none());
}

#[test]
fn mail_defaults_follow_security() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "\n[mail]\nserver = \"smtp.example.org\"\nfrom = \"briefing@example.org\"\n",
    );
    let m = config::load(&sb.config()).unwrap().mail.unwrap();
    assert_eq!(m.security, MailSecurity::StartTls);
    assert_eq!(m.port, 587);
    assert_eq!(m.max_attachment_kb, 5000);
    assert_eq!(m.retries, 3);
    assert_eq!(m.retry_delay, Duration::from_millis(1000));
    assert_eq!(m.timeout, Duration::from_secs(30));
    assert_eq!(m.subject, "{title}（{date}）");
    assert!(m.username.is_none() && m.password_env.is_none());

    for (security, port) in [("tls", 465), ("none", 25)] {
        let sb = Sandbox::new();
        sb.append(
            "briefing.toml",
            &format!(
                "\n[mail]\nserver = \"localhost\"\nsecurity = \"{security}\"\nfrom = \"briefing@example.org\"\n"
            ),
        );
        let m = config::load(&sb.config()).unwrap().mail.unwrap();
        assert_eq!(m.port, port, "{security}");
    }
}

#[test]
fn a_bad_recipient_address_names_its_line() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "recipients = [\"ok@example.org\", \"not an address\"]\n",
    );
    let e = load_err(&sb);
    assert_eq!(e.kind(), Kind::Config);
    assert_eq!(e.kind().exit_code(), 78);
    let line = line_of(&sb, "recipients = ");
    let col = "recipients = [\"ok@example.org\", ".chars().count() + 1;
    let prefix = format!("{}:{line}:{col}: ", sb.config().display());
    assert!(e.message().starts_with(&prefix), "{}", e.message());
    assert!(
        e.message()
            .contains("invalid recipient address `not an address`"),
        "{}",
        e.message()
    );
}

#[test]
fn a_bad_sender_address_names_its_line() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "\n[mail]\nserver = \"smtp.example.org\"\nfrom = \"briefing@\"\n",
    );
    let e = load_err(&sb);
    assert_eq!(e.kind(), Kind::Config);
    let line = line_of(&sb, "from = \"briefing@\"");
    let prefix = format!("{}:{line}:8: ", sb.config().display());
    assert!(e.message().starts_with(&prefix), "{}", e.message());
    assert!(
        e.message().contains("invalid sender address"),
        "{}",
        e.message()
    );
}

#[test]
fn a_password_in_the_config_is_rejected_pointing_to_password_env() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "\n[mail]\nserver = \"smtp.example.org\"\nfrom = \"briefing@example.org\"\n\
         username = \"briefing\"\npassword = \"hunter2\"\n",
    );
    let e = load_err(&sb);
    assert_eq!(e.kind(), Kind::Config);
    let line = line_of(&sb, "password = ");
    let prefix = format!("{}:{line}:12: ", sb.config().display());
    assert!(e.message().starts_with(&prefix), "{}", e.message());
    assert!(e.message().contains("password_env"), "{}", e.message());
    assert!(!e.message().contains("hunter2"), "{}", e.message());
}

#[test]
fn an_unknown_placeholder_is_pointed_at() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        "\n[mail]\nserver = \"smtp.example.org\"\nfrom = \"briefing@example.org\"\n\
         subject = \"简报 {titel}\"\n",
    );
    let e = load_err(&sb);
    let line = line_of(&sb, "subject = ");
    let col = "subject = \"简报 ".chars().count() + 1;
    let prefix = format!("{}:{line}:{col}: ", sb.config().display());
    assert!(e.message().starts_with(&prefix), "{}", e.message());
    assert!(e.message().contains("`{titel}`"), "{}", e.message());
}

#[test]
fn other_mail_mistakes_are_config_errors() {
    let cases = [
        ("security = \"ssl\"", "unknown security `ssl`"),
        ("port = 0", "port must be between 1 and 65535"),
        ("retries = 50", "retries must be between 0 and 10"),
        ("username = \"me\"", "`username` needs `password_env`"),
        ("password_env = \"PW\"", "`password_env` needs `username`"),
        (
            "username = \"me\"\npassword_env = \"MY-PW\"",
            "must name an environment variable",
        ),
        (
            "username = \"me\"\npassword_env = \"PW\"\nsecurity = \"none\"",
            "in clear",
        ),
        ("pasword_env = \"PW\"", "unknown field `pasword_env`"),
    ];
    for (extra, expected) in cases {
        let sb = Sandbox::new();
        sb.append(
            "briefing.toml",
            &format!(
                "\n[mail]\nserver = \"smtp.example.org\"\nfrom = \"briefing@example.org\"\n{extra}\n"
            ),
        );
        let e = load_err(&sb);
        assert_eq!(e.kind(), Kind::Config, "{extra}");
        assert!(e.message().contains(expected), "{extra}: {}", e.message());
        assert!(
            e.message()
                .starts_with(&format!("{}:", sb.config().display())),
            "{}",
            e.message()
        );
    }
}

#[test]
fn the_binary_rejects_a_bad_recipient_with_exit_78() {
    let sb = Sandbox::new();
    sb.append("briefing.toml", "recipients = [\"nobody\"]\n");
    let out = sb.run(&["check"]);
    assert_eq!(out.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = line_of(&sb, "recipients = ");
    assert!(
        stderr.contains(&format!("briefing.toml:{line}:")),
        "{stderr}"
    );
    assert!(stderr.contains("invalid recipient address"), "{stderr}");
}

#[test]
fn tls_is_never_skipped_and_a_tls_failure_is_not_retried() {
    // aiosmtpd here speaks plain SMTP and offers no STARTTLS.
    let server = SmtpServer::start("ok", None);
    let (_sb, config, pdf) = sandbox_with_pdf(server.port, "retries = 3\nretry_delay_ms = 200\n");
    for (security, expected) in [
        (MailSecurity::StartTls, "STARTTLS is not supported"),
        (MailSecurity::Tls, "corrupt message"),
    ] {
        let mut settings = config.mail.clone().unwrap();
        settings.security = security;
        let err = mail::send_briefing(
            &settings,
            &config.profiles[0].recipients,
            TITLE,
            "briefing",
            day(),
            &pdf,
        )
        .unwrap_err();
        assert_eq!(err.kind(), Kind::TempFail);
        assert!(err.message().contains(expected), "{}", err.message());
        // Said by the mailer only when it made one attempt.
        assert!(
            err.message()
                .contains("not retried, the failure is permanent"),
            "{}",
            err.message()
        );
    }
    assert_eq!(server.data_commands(), 0, "nothing sent in clear");
}

/// Two attempts (one retry, 10 ms apart) at a server that accepts both
/// connections, says `greeting` if any, and then never answers; the
/// error, how long the two attempts took, and how many connections came.
fn against_a_stalled_server(
    greeting: Option<&'static [u8]>,
    timeout: Duration,
) -> (briefing::error::Error, Duration, usize) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (_sb, config, pdf) = sandbox_with_pdf(port, "retries = 1\nretry_delay_ms = 10\n");
    let mut settings = config.mail.clone().unwrap();
    settings.timeout = timeout;
    let holder = std::thread::spawn(move || {
        let mut held = Vec::new();
        for _ in 0..2 {
            let (mut stream, _) = listener.accept().unwrap();
            if let Some(g) = greeting {
                stream.write_all(g).unwrap();
            }
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(2));
        held.len()
    });
    let started = Instant::now();
    let err = mail::send_briefing(
        &settings,
        &config.profiles[0].recipients,
        TITLE,
        "briefing",
        day(),
        &pdf,
    )
    .unwrap_err();
    let elapsed = started.elapsed();
    (err, elapsed, holder.join().unwrap())
}

#[test]
fn a_server_that_never_answers_times_out_and_is_retried() {
    // Accepts connections and keeps them open without a greeting.
    let (err, elapsed, connections) = against_a_stalled_server(None, Duration::from_millis(300));
    assert_eq!(err.kind(), Kind::TempFail);
    assert!(
        err.message().contains("after 2 attempts"),
        "{}",
        err.message()
    );
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(connections, 2);
}

#[test]
fn a_server_that_greets_and_then_stalls_holds_one_attempt_for_timeout_s_only() {
    // Greets, reads EHLO and never answers it. lettre alone waited
    // `timeout_s` for the reply and then again for QUIT's: twice per
    // attempt. Every attempt is now bounded by `timeout_s` as a whole.
    let (err, elapsed, connections) = against_a_stalled_server(
        Some(b"220 stalls after this\r\n"),
        Duration::from_millis(400),
    );
    assert_eq!(err.kind(), Kind::TempFail);
    assert!(
        err.message().contains("did not finish within 0.4 s")
            && err.message().contains("after 2 attempts"),
        "{}",
        err.message()
    );
    // Two attempts of 400 ms and a 10 ms pause; the old behaviour took
    // at least 1600 ms.
    assert!(elapsed >= Duration::from_millis(800), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert_eq!(connections, 2);
}

// ---- `briefing generate --mail`, through the binary ----

#[test]
fn a_traditional_profile_is_mailed_in_its_script_and_says_its_language() {
    let server = SmtpServer::start("ok", None);
    let sb = Sandbox::new();
    sb.edit(
        "briefing.toml",
        "name = \"briefing\"",
        "name = \"briefing\"\nlanguage = \"zh-Hant-TW\"",
    );
    sb.append(
        "briefing.toml",
        &format!(
            "recipients = [\"zhang@example.org\"]\n\n[mail]\nserver = \"127.0.0.1\"\n\
             port = {}\nsecurity = \"none\"\nfrom = \"briefing@example.org\"\n",
            server.port
        ),
    );
    mail_run(&sb, "2026-11-24");
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let (msg, _) = decode(&messages[0]);
    // The title as the Taiwan edition prints it (人工智慧, the analyst's
    // word for Taiwan, beside OpenCC's characters).
    assert_eq!(msg["subject"], "中國人工智慧算力產業簡報（2026年11月24日）");
    for part in msg["parts"].as_array().unwrap() {
        if part["type"] == "application/pdf" {
            continue;
        }
        assert_eq!(part["language"], "zh-Hant-TW", "{part}");
        let t = part["text"].as_str().unwrap();
        assert!(t.contains("主要數據") && !t.contains("主要数据"), "{t}");
        assert!(t.contains("全國算力總規模"), "{t}");
        if part["type"] == "text/html" {
            assert!(t.contains("lang=\"zh-Hant-TW\""), "{t}");
        }
    }
}

/// `generate --mail` for `date` with the sandbox's config, which must succeed.
fn mail_run(sb: &Sandbox, date: &str) {
    let out = Command::new(common::bin())
        .args(["generate", "--date", date, "--mail", "--config"])
        .arg(sb.config())
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .env("BRIEFING_SMTP_PASSWORD", "s3cret")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generate_with_mail_delivers_the_written_pdf() {
    let server = SmtpServer::start("ok", Some(("briefing", "s3cret")));
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        &format!(
            "recipients = [\"zhang@example.org\"]\n\n[mail]\nserver = \"127.0.0.1\"\n\
             port = {}\nsecurity = \"none\"\nfrom = \"briefing@example.org\"\n\
             username = \"briefing\"\npassword_env = \"BRIEFING_SMTP_PASSWORD\"\n",
            server.port
        ),
    );
    mail_run(&sb, "2026-11-24");
    let pdf = sb.out().join("briefing-2026-11-24.pdf");
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let (msg, attachment) = decode(&messages[0]);
    assert!(attachment == std::fs::read(&pdf).unwrap());
    assert_eq!(msg["subject"], format!("{TITLE}（2026年11月24日）"));
    // The message reads on its own: text and HTML alternatives with the
    // key figures, before the attachment.
    let parts = msg["parts"].as_array().unwrap();
    let html = parts
        .iter()
        .find(|p| p["type"] == "text/html")
        .expect("an HTML part");
    let text = parts
        .iter()
        .find(|p| p["type"] == "text/plain")
        .expect("a text part");
    assert_eq!(html["charset"], "utf-8");
    let h = html["text"].as_str().unwrap();
    for needle in [
        "主要数据",
        "全国算力总规模",
        "197 EFLOPS",
        "briefing-2026-11-24.pdf",
        "max-width:640px",
    ] {
        assert!(h.contains(needle), "HTML lacks {needle}");
    }
    assert!(
        !h.contains("<img") && !h.contains("http"),
        "no remote content"
    );
    assert!(!h.contains('\u{2060}'), "no word joiners in mail");
    assert!(text["text"].as_str().unwrap().contains("主要数据"));

    // The next day's run knows the previous briefing: "本期新增" with
    // nothing new, and {new_count} in the subject.
    sb.append(
        "briefing.toml",
        "subject = \"{title}：新增{new_count}项\"\n",
    );
    mail_run(&sb, "2026-11-25");
    let messages = server.messages();
    assert_eq!(messages.len(), 2);
    let (msg, _) = decode(&messages[1]);
    assert_eq!(msg["subject"], format!("{TITLE}：新增0项"));
    let h = msg["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "text/html")
        .unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        h.contains("本期新增") && h.contains("自上期（2026年11月24日）以来无新增资料"),
        "{h}"
    );
}

#[test]
fn generate_with_mail_and_the_server_down_exits_75_and_keeps_the_pdf() {
    let sb = Sandbox::new();
    sb.append(
        "briefing.toml",
        &format!(
            "recipients = [\"zhang@example.org\"]\n\n[mail]\nserver = \"127.0.0.1\"\n\
             port = {}\nsecurity = \"none\"\nfrom = \"briefing@example.org\"\n\
             retries = 2\nretry_delay_ms = 50\n",
            dead_port()
        ),
    );
    let started = Instant::now();
    let out = sb.run(&["generate", "--date", "2026-11-24", "--mail"]);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(sb.out().join("briefing-2026-11-24.pdf").is_file());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not mailed"), "{stderr}");
}
