//! Reads `briefing.toml`, the sources list and the theme files, and checks
//! every cross-reference: each mistake is reported with its file, line and
//! column and what was expected.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use toml::Spanned;

use super::model::*;
use super::schema::*;
use super::source::SourceFile;
use super::template;
use crate::error::{Error, Kind, Result, resolve};

/// Loads and checks the config at `path` with everything it refers to.
pub fn load(path: &Path) -> Result<Config> {
    let file = SourceFile::read(path).map_err(|e| {
        if e.kind() == Kind::NoInput {
            e.with_help("pass --config FILE, or run from the project folder where config/briefing.toml lives")
        } else {
            e
        }
    })?;
    let raw: RawConfig = file.parse(Kind::Config)?;
    if let Some(s) = &raw.subtitle {
        return Err(file.error(
            Kind::Config,
            s.span(),
            "`subtitle` belongs to a [[profile]]: a briefing's subtitle follows the themes it selects (and defaults to their titles)",
        ));
    }
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };

    let language = match &raw.language {
        Some(l) if l.get_ref() != "zh-CN" => {
            return Err(file.error(
                Kind::Config,
                l.span(),
                format!("unsupported language `{}`; expected \"zh-CN\"", l.get_ref()),
            ));
        }
        _ => "zh-CN".to_string(),
    };
    let time_zone = match &raw.time_zone {
        None => chrono_tz::Asia::Shanghai,
        Some(tz) => tz.get_ref().parse::<chrono_tz::Tz>().map_err(|_| {
            file.error(
                Kind::Config,
                tz.span(),
                format!(
                    "unknown time zone `{}`; expected an IANA name such as \"Asia/Shanghai\"",
                    tz.get_ref()
                ),
            )
        })?,
    };
    let file_name = match &raw.file_name {
        None => "{name}-{date}.pdf".to_string(),
        Some(f) => {
            let v = f.get_ref();
            if !v.contains("{date}") || !v.ends_with(".pdf") || v.contains('/') || v.contains('\\')
            {
                return Err(file.error(
                    Kind::Config,
                    f.span(),
                    "file name pattern must contain `{date}`, end in `.pdf` and have no `/`",
                ));
            }
            v.clone()
        }
    };
    let keep = match &raw.keep {
        None => None,
        Some(k) if *k.get_ref() >= 1 => Some(*k.get_ref() as usize),
        Some(k) => return Err(file.error(Kind::Config, k.span(), "`keep` must be 1 or more")),
    };
    let page = page_settings(&file, raw.page.as_ref())?;
    let mail = raw
        .mail
        .as_ref()
        .map(|m| mail_settings(&file, m))
        .transpose()?;
    let fonts = FontFiles {
        body: font_file(&file, &base, &raw.fonts.body),
        heading: font_file(&file, &base, &raw.fonts.heading),
        bold: font_file(&file, &base, &raw.fonts.bold),
    };
    for (f, raw_f) in [
        (&fonts.body, &raw.fonts.body),
        (&fonts.heading, &raw.fonts.heading),
        (&fonts.bold, &raw.fonts.bold),
    ] {
        if !f.path.is_file() {
            return Err(Error::at(
                Kind::NoInput,
                &file.path,
                &file.text,
                raw_f.get_ref().path.span(),
                format!("font file `{}` not found", f.path.display()),
            ));
        }
    }

    let themes_dir = resolve(
        &base,
        Path::new(raw.themes_dir.as_deref().unwrap_or("themes")),
    );
    let sources_path = resolve(
        &base,
        Path::new(raw.sources.as_deref().unwrap_or("sources.toml")),
    );
    let catalog = load_catalog(&sources_path, &themes_dir)?;
    let mut inputs = vec![path.to_path_buf(), sources_path.clone()];
    inputs.extend(theme_files(&themes_dir)?);

    let profiles = profiles(&file, &raw.profiles, &catalog, raw.closing_note.as_deref())?;
    Ok(Config {
        path: path.to_path_buf(),
        inputs,
        title: raw.title,
        organisation: raw.organisation,
        author: raw.author,
        language,
        classification: raw.classification,
        closing_note: raw.closing_note.clone(),
        time_zone,
        output_dir: resolve(
            &base,
            Path::new(raw.output_dir.as_deref().unwrap_or("output")),
        ),
        file_name,
        keep,
        page,
        fonts,
        mail,
        profiles,
        catalog,
    })
}

const MM: f64 = 72.0 / 25.4;

fn page_settings(file: &SourceFile, raw: Option<&RawPage>) -> Result<PageSettings> {
    let default = RawPage::default();
    let raw = raw.unwrap_or(&default);
    let (w, h) = match raw.size.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("A4", _)) => (210.0, 297.0),
        Some(("A5", _)) => (148.0, 210.0),
        Some(("B5", _)) => (176.0, 250.0),
        Some(("Letter", _)) => (215.9, 279.4),
        Some((other, span)) => {
            return Err(file.error(
                Kind::Config,
                span,
                format!(
                    "unknown page size `{other}`; expected \"A4\", \"A5\", \"B5\" or \"Letter\""
                ),
            ));
        }
    };
    let num =
        |v: &Option<Spanned<f64>>, dflt, lo, hi, what: &str| in_range(file, v, dflt, lo, hi, what);
    let all = num(&raw.margin_mm, 25.0, 15.0, 60.0, "margin_mm")?;
    let top = num(&raw.margin_top_mm, all, 15.0, 60.0, "margin_top_mm")?;
    let bottom = num(&raw.margin_bottom_mm, all, 15.0, 60.0, "margin_bottom_mm")?;
    let left = num(&raw.margin_left_mm, all, 15.0, 60.0, "margin_left_mm")?;
    let right = num(&raw.margin_right_mm, all, 15.0, 60.0, "margin_right_mm")?;
    let body = num(&raw.body_size_pt, 10.5, 8.0, 16.0, "body_size_pt")?;
    let leading = num(&raw.leading, 1.7, 1.3, 2.2, "leading")?;
    if (w - left - right) < 80.0 || (h - top - bottom) < 100.0 {
        return Err(Error::new(
            Kind::Config,
            format!(
                "{}: margins leave too small a type area",
                file.path.display()
            ),
        ));
    }
    Ok(PageSettings {
        width: (w * MM) as f32,
        height: (h * MM) as f32,
        margin_top: (top * MM) as f32,
        margin_bottom: (bottom * MM) as f32,
        margin_left: (left * MM) as f32,
        margin_right: (right * MM) as f32,
        body_size: body as f32,
        leading: leading as f32,
    })
}

/// A numeric setting: its default when absent, an error naming its place
/// and the allowed range when outside `lo..=hi`.
fn in_range<T: PartialOrd + Copy + std::fmt::Display>(
    file: &SourceFile,
    v: &Option<Spanned<T>>,
    default: T,
    lo: T,
    hi: T,
    what: &str,
) -> Result<T> {
    match v {
        None => Ok(default),
        Some(s) if (lo..=hi).contains(s.get_ref()) => Ok(*s.get_ref()),
        Some(s) => Err(file.error(
            Kind::Config,
            s.span(),
            format!("{what} must be between {lo} and {hi}"),
        )),
    }
}

fn font_file(_file: &SourceFile, base: &Path, raw: &Spanned<RawFont>) -> FontFile {
    let r = raw.get_ref();
    FontFile {
        path: resolve(base, Path::new(r.path.get_ref())),
        index: r.index,
    }
}

fn profiles(
    file: &SourceFile,
    raw: &[Spanned<RawProfile>],
    catalog: &Catalog,
    closing_note: Option<&str>,
) -> Result<Vec<Profile>> {
    if raw.is_empty() {
        // No profile: one briefing of every theme the files define.
        let themes: Vec<String> = catalog.themes.iter().map(|t| t.id.clone()).collect();
        return Ok(vec![Profile {
            name: "briefing".into(),
            title: None,
            subtitle: default_subtitle(catalog, &themes),
            regions: all_regions(catalog, &themes),
            themes,
            summary: Vec::new(),
            generated_summary: true,
            closing_note: closing_note.map(str::to_string),
            recipients: Vec::new(),
        }]);
    }
    let theme_list = || {
        catalog
            .themes
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in raw {
        let p = p.get_ref();
        let name = p.name.get_ref();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(file.error(Kind::Config, p.name.span(), "profile name must be ASCII letters, digits, `-` or `_` (it becomes part of the file name)"));
        }
        if !seen.insert(name.clone()) {
            return Err(file.error(
                Kind::Config,
                p.name.span(),
                format!("duplicate profile name `{name}`"),
            ));
        }
        if p.themes.is_empty() {
            return Err(file.error(
                Kind::Config,
                p.name.span(),
                format!(
                    "profile selects no themes; expected at least one of {}",
                    theme_list()
                ),
            ));
        }
        let mut themes: Vec<String> = Vec::new();
        for t in &p.themes {
            if !catalog.themes.iter().any(|th| &th.id == t.get_ref()) {
                return Err(file.error(
                    Kind::Config,
                    t.span(),
                    format!(
                        "unknown theme `{}`; expected one of {} (the ids the theme files define)",
                        t.get_ref(),
                        theme_list()
                    ),
                ));
            }
            if themes.contains(t.get_ref()) {
                return Err(file.error(
                    Kind::Config,
                    t.span(),
                    format!("theme `{}` is selected twice", t.get_ref()),
                ));
            }
            themes.push(t.get_ref().clone());
        }
        let offered = all_regions(catalog, &themes);
        let regions = match &p.regions {
            None => offered,
            Some(rs) => {
                if rs.get_ref().is_empty() {
                    return Err(file.error(
                        Kind::Config,
                        rs.span(),
                        "`regions = []` selects no region; leave `regions` out to show every region of the selected themes",
                    ));
                }
                let mut v: Vec<String> = Vec::new();
                for r in rs.get_ref() {
                    if !offered.contains(r.get_ref()) {
                        let known = catalog
                            .themes
                            .iter()
                            .any(|t| t.regions.iter().any(|x| &x.id == r.get_ref()));
                        let why = if known {
                            "no selected theme covers it"
                        } else {
                            "no theme file defines it"
                        };
                        return Err(file.error(
                            Kind::Config,
                            r.span(),
                            format!(
                                "unknown region `{}` ({why}); expected one of {}",
                                r.get_ref(),
                                if offered.is_empty() {
                                    "none: the selected themes define no regions".to_string()
                                } else {
                                    offered.join(", ")
                                }
                            ),
                        ));
                    }
                    if v.contains(r.get_ref()) {
                        return Err(file.error(
                            Kind::Config,
                            r.span(),
                            format!("region `{}` is selected twice", r.get_ref()),
                        ));
                    }
                    v.push(r.get_ref().clone());
                }
                v
            }
        };
        let mut summary = Vec::new();
        for para in &p.summary {
            summary.push(curated(file, Kind::Config, para, catalog)?);
        }
        let mut recipients: Vec<Mailbox> = Vec::new();
        for r in &p.recipients {
            let m = mailbox(file, r, "recipient")?;
            if recipients.iter().any(|x| x.email == m.email) {
                return Err(file.error(
                    Kind::Config,
                    r.span(),
                    format!("recipient `{}` is listed twice", m.email),
                ));
            }
            recipients.push(m);
        }
        out.push(Profile {
            name: name.clone(),
            title: p.title.clone(),
            subtitle: p
                .subtitle
                .clone()
                .unwrap_or_else(|| default_subtitle(catalog, &themes)),
            themes,
            regions,
            generated_summary: p.generated_summary.unwrap_or(summary.is_empty()),
            summary,
            closing_note: p
                .closing_note
                .clone()
                .or_else(|| closing_note.map(str::to_string)),
            recipients,
        });
    }
    Ok(out)
}

/// The selected themes' titles, the default subtitle.
fn default_subtitle(catalog: &Catalog, themes: &[String]) -> String {
    themes
        .iter()
        .filter_map(|id| catalog.themes.iter().find(|t| &t.id == id))
        .map(|t| t.title.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Every region the given themes cover, in theme order, then file order.
fn all_regions(catalog: &Catalog, themes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in themes {
        if let Some(t) = catalog.themes.iter().find(|t| &t.id == id) {
            for r in &t.regions {
                if !out.contains(&r.id) {
                    out.push(r.id.clone());
                }
            }
        }
    }
    out
}

/// A curated paragraph (summary line) checked against the catalogue.
fn curated(
    f: &SourceFile,
    kind: Kind,
    p: &Spanned<RawParagraph>,
    catalog: &Catalog,
) -> Result<Curated> {
    let raw = p.get_ref();
    let sources = source_refs(f, kind, raw.sources.as_deref(), &catalog.sources)?;
    let text = parse_template(f, &raw.paragraph, &catalog.facts)?;
    if text.facts().next().is_none() && sources.is_empty() {
        return Err(f.error(
            kind,
            raw.paragraph.span(),
            "a paragraph with no placeholder must name its sources: add `sources = [\"source-id\"]` next to it",
        ));
    }
    Ok(Curated { text, sources })
}

/// Checks a list of source ids.
fn source_refs(
    f: &SourceFile,
    kind: Kind,
    ids: Option<&[Spanned<String>]>,
    sources: &BTreeMap<String, Source>,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in ids.into_iter().flatten() {
        if !sources.contains_key(s.get_ref()) {
            return Err(f.error(
                kind,
                s.span(),
                format!(
                    "unknown source `{}`; expected one of {}",
                    s.get_ref(),
                    sources.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if !out.contains(s.get_ref()) {
            out.push(s.get_ref().clone());
        }
    }
    Ok(out)
}

/// A mail address as `addr@example.org` or `Name <addr@example.org>`.
fn mailbox(file: &SourceFile, s: &Spanned<String>, what: &str) -> Result<Mailbox> {
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
fn mail_settings(file: &SourceFile, m: &Spanned<RawMail>) -> Result<MailSettings> {
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
    let security = match raw
        .security
        .as_ref()
        .map(|s| (s.get_ref().as_str(), s.span()))
    {
        None | Some(("starttls", _)) => MailSecurity::StartTls,
        Some(("tls", _)) => MailSecurity::Tls,
        Some(("none", _)) => MailSecurity::None,
        Some((other, span)) => {
            return Err(file.error(
                Kind::Config,
                span,
                format!("unknown security `{other}`; expected \"starttls\", \"tls\" or \"none\""),
            ));
        }
    };
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

    let (username, password_env) = match (&raw.username, &raw.password_env) {
        (None, None) => (None, None),
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
            (Some(u.get_ref().clone()), Some(name.clone()))
        }
        (Some(u), None) => {
            return Err(file.error(
                Kind::Config,
                u.span(),
                "`username` needs `password_env`, the environment variable holding the password",
            ));
        }
        (None, Some(p)) => {
            return Err(file.error(Kind::Config, p.span(), "`password_env` needs `username`"));
        }
    };
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
    let template = |t: &Option<Spanned<String>>, dflt: &str, what: &str| -> Result<String> {
        let Some(t) = t else {
            return Ok(dflt.to_string());
        };
        let text = t.get_ref();
        if what == "subject" && text.contains(['\r', '\n']) {
            return Err(file.error(Kind::Config, t.span(), "the subject must be one line"));
        }
        for (range, name) in mail_placeholders(text) {
            if !MAIL_PLACEHOLDERS.contains(&name) {
                // Point at the placeholder itself when the TOML string holds
                // the text verbatim (no escapes), else at the string.
                let span = t.span();
                let quoted = file.text.get(span.start + 1..span.end.saturating_sub(1));
                let span = if quoted == Some(text.as_str()) {
                    span.start + 1 + range.start..span.start + 1 + range.end
                } else {
                    span
                };
                return Err(file.error(
                    Kind::Config,
                    span,
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
        Ok(text.clone())
    };
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

fn date_of(file: &SourceFile, d: &Spanned<toml::value::Datetime>) -> Result<NaiveDate> {
    let dt = d.get_ref();
    match (dt.date, dt.time) {
        (Some(date), None) => {
            NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32)
                .ok_or_else(|| file.error(Kind::Data, d.span(), "not a calendar date"))
        }
        _ => Err(file.error(
            Kind::Data,
            d.span(),
            "expected a plain date such as 2024-07-26 (no time)",
        )),
    }
}

fn check_id(file: &SourceFile, id: &Spanned<String>, what: &str) -> Result<()> {
    let v = id.get_ref();
    if v.is_empty()
        || !v
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(file.error(
            Kind::Data,
            id.span(),
            format!("{what} id `{v}` must be kebab-case: lower-case ASCII letters, digits and `-`"),
        ));
    }
    Ok(())
}

/// The theme files of `themes_dir`, in name order.
fn theme_files(themes_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(themes_dir)
        .map_err(|e| crate::error::read_error(themes_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Loads `sources.toml` and every `*.toml` in `themes_dir`, checked.
pub fn load_catalog(sources_path: &Path, themes_dir: &Path) -> Result<Catalog> {
    let sfile = SourceFile::read(sources_path)?;
    let raw: RawSources = sfile.parse(Kind::Data)?;
    let mut cat = Catalog::default();
    for s in raw.sources {
        check_id(&sfile, &s.id, "source")?;
        let published = date_of(&sfile, &s.published)?;
        let id = s.id.get_ref().clone();
        if cat.sources.contains_key(&id) {
            return Err(sfile.error(
                Kind::Data,
                s.id.span(),
                format!("duplicate source id `{id}`"),
            ));
        }
        if s.title.is_none() && s.description.is_none() {
            return Err(sfile.error(
                Kind::Data,
                s.id.span(),
                format!("source `{id}` has neither `title` nor `description`; give the title as the source prints it, or describe an untitled source"),
            ));
        }
        let precision = match s
            .precision
            .as_ref()
            .map(|p| (p.get_ref().as_str(), p.span()))
        {
            None | Some(("day", _)) => DatePrecision::Day,
            Some(("month", _)) => DatePrecision::Month,
            Some(("year", _)) => DatePrecision::Year,
            Some((other, span)) => {
                return Err(sfile.error(
                    Kind::Data,
                    span,
                    format!("unknown precision `{other}`; expected \"day\", \"month\" or \"year\""),
                ));
            }
        };
        cat.sources.insert(
            id.clone(),
            Source {
                id,
                title: s.title,
                description: s.description,
                publisher: s.publisher,
                published,
                precision,
                inferred: s.inferred,
                url: s.url,
                note: s.note,
            },
        );
    }

    let paths = theme_files(themes_dir)?;
    if paths.is_empty() {
        return Err(Error::file(
            Kind::NoInput,
            themes_dir,
            "no theme files (*.toml) found",
        ));
    }
    let mut raws = Vec::new();
    for p in &paths {
        let f = SourceFile::read(p)?;
        let t: RawTheme = f.parse(Kind::Data)?;
        raws.push((f, t));
    }

    // Pass 1: ids of themes, regions and facts, so that references in any file
    // may point at facts of any other.
    let mut fact_files: BTreeMap<String, (Arc<SourceFile>, std::ops::Range<usize>)> =
        BTreeMap::new();
    // Region ids with their display names: a region may be covered by
    // several themes, under one name.
    let mut region_ids: BTreeMap<String, String> = BTreeMap::new();
    for (f, t) in &raws {
        let id = t.id.get_ref();
        check_id(f, &t.id, "theme")?;
        if cat.themes.iter().any(|th| &th.id == id) {
            return Err(f.error(
                Kind::Data,
                t.id.span(),
                format!("theme `{id}` is defined twice"),
            ));
        }
        cat.themes.push(Theme {
            id: id.clone(),
            title: t.title.clone(),
            empty_note: t.empty_note.clone(),
            summary: Vec::new(),
            regions: Vec::new(),
            sections: Vec::new(),
        });
        let mut here = BTreeSet::new();
        for r in &t.regions {
            check_id(f, &r.id, "region")?;
            let rid = r.id.get_ref();
            if !here.insert(rid.clone()) {
                return Err(f.error(
                    Kind::Data,
                    r.id.span(),
                    format!("region `{rid}` is defined twice in this theme"),
                ));
            }
            match region_ids.get(rid) {
                Some(name) if name != &r.name => {
                    return Err(f.error(
                        Kind::Data,
                        r.id.span(),
                        format!("region `{rid}` is named `{}` here but `{name}` in another theme file; one region, one name", r.name),
                    ));
                }
                _ => {
                    region_ids.insert(rid.clone(), r.name.clone());
                }
            }
        }
        for fact in &t.facts {
            check_id(f, &fact.id, "fact")?;
            if fact_files
                .insert(fact.id.get_ref().clone(), (f.clone(), fact.id.span()))
                .is_some()
            {
                return Err(f.error(
                    Kind::Data,
                    fact.id.span(),
                    format!("duplicate fact id `{}`", fact.id.get_ref()),
                ));
            }
        }
        for d in &t.derived {
            check_id(f, &d.id, "derived figure")?;
            if fact_files
                .insert(d.id.get_ref().clone(), (f.clone(), d.id.span()))
                .is_some()
            {
                return Err(f.error(
                    Kind::Data,
                    d.id.span(),
                    format!("duplicate fact id `{}`", d.id.get_ref()),
                ));
            }
        }
    }
    let check_region = |f: &SourceFile, r: &Option<Spanned<String>>| -> Result<Option<String>> {
        match r {
            None => Ok(None),
            Some(r) if region_ids.contains_key(r.get_ref()) => Ok(Some(r.get_ref().clone())),
            Some(r) => Err(f.error(
                Kind::Data,
                r.span(),
                format!(
                    "unknown region `{}`; expected one of {} (the ids of the [[region]] tables)",
                    r.get_ref(),
                    region_ids.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    };

    // Pass 2: facts.
    let mut seq = 0;
    for (f, t) in &raws {
        for fact in &t.facts {
            seq += 1;
            let value = match fact.value.get_ref() {
                toml::Value::Integer(i) => Value::Number(*i as f64),
                toml::Value::Float(x) if x.is_finite() => Value::Number(*x),
                toml::Value::String(s) => Value::Text(s.clone()),
                _ => {
                    return Err(f.error(
                        Kind::Data,
                        fact.value.span(),
                        "fact value must be a number or a string",
                    ));
                }
            };
            if !cat.sources.contains_key(fact.source.get_ref()) {
                return Err(f.error(
                    Kind::Data,
                    fact.source.span(),
                    format!(
                        "unknown source `{}`; expected an id from {}",
                        fact.source.get_ref(),
                        sources_path.display()
                    ),
                ));
            }
            let date = fact.date.as_ref().map(|d| date_of(f, d)).transpose()?;
            cat.facts.insert(
                fact.id.get_ref().clone(),
                Fact {
                    id: fact.id.get_ref().clone(),
                    theme: t.id.get_ref().clone(),
                    label: fact.label.clone(),
                    value,
                    unit: fact.unit.clone(),
                    decimals: decimals(f, &fact.decimals)?,
                    period: fact.period.clone(),
                    date,
                    sources: vec![fact.source.get_ref().clone()],
                    region: check_region(f, &fact.region)?,
                    key: fact.key,
                    qualifier: fact
                        .qualifier
                        .as_ref()
                        .map(|q| qualifier(f, q))
                        .transpose()?,
                    note: fact.note.clone(),
                    derived: None,
                    seq,
                },
            );
        }
    }
    // Pass 3: derived figures (operands must be facts, not other derived figures,
    // so there is no evaluation order to get wrong).
    for (f, t) in &raws {
        for d in &t.derived {
            let op = match d.op.get_ref().as_str() {
                "pct-change" => Op::PctChange,
                "ratio" => Op::Ratio,
                "difference" => Op::Difference,
                "annual-rate" => match &d.years {
                    Some(y) if (1..=200).contains(y.get_ref()) => Op::AnnualRate(*y.get_ref() as u32),
                    Some(y) => {
                        return Err(f.error(Kind::Data, y.span(), "`years` must be between 1 and 200"));
                    }
                    None => {
                        return Err(f.error(
                            Kind::Data,
                            d.op.span(),
                            "`annual-rate` needs `years`, the span the multiple in `from` covers",
                        ));
                    }
                },
                other => return Err(f.error(
                    Kind::Data,
                    d.op.span(),
                    format!(
                        "unknown op `{other}`; expected \"pct-change\", \"ratio\", \"difference\" or \"annual-rate\""
                    ),
                )),
            };
            let one_operand = matches!(op, Op::AnnualRate(_));
            match (&d.to, one_operand) {
                (None, false) => {
                    return Err(f.error(
                        Kind::Data,
                        d.op.span(),
                        "this op needs `to`, its second operand",
                    ));
                }
                (Some(t), true) => {
                    return Err(f.error(
                        Kind::Data,
                        t.span(),
                        "`annual-rate` takes one operand, `from`; drop `to`",
                    ));
                }
                _ => {}
            }
            if let (Some(y), false) = (&d.years, one_operand) {
                return Err(f.error(
                    Kind::Data,
                    y.span(),
                    "`years` belongs to `annual-rate` only",
                ));
            }
            let operand = |s: &Spanned<String>| -> Result<(f64, Fact)> {
                match cat.facts.get(s.get_ref()) {
                    Some(
                        fact @ Fact {
                            value: Value::Number(x),
                            derived: None,
                            ..
                        },
                    ) => Ok((*x, fact.clone())),
                    Some(_) => Err(f.error(
                        Kind::Data,
                        s.span(),
                        format!(
                            "`{}` is not a numeric fact; derived figures need numbers",
                            s.get_ref()
                        ),
                    )),
                    None => Err(f.error(
                        Kind::Data,
                        s.span(),
                        format!("unknown fact `{}`", s.get_ref()),
                    )),
                }
            };
            let (a, fa) = operand(&d.from)?;
            let (b, fb) = match &d.to {
                Some(to) => operand(to)?,
                None => (a, fa.clone()),
            };
            let value = match op {
                Op::PctChange if a != 0.0 => (b - a) / a * 100.0,
                Op::Ratio if a != 0.0 => b / a,
                Op::Difference => b - a,
                Op::AnnualRate(years) if a > 0.0 => (a.powf(1.0 / years as f64) - 1.0) * 100.0,
                Op::AnnualRate(_) => {
                    return Err(f.error(
                        Kind::Data,
                        d.from.span(),
                        "`annual-rate` needs a positive multiple in `from`",
                    ));
                }
                _ => {
                    return Err(f.error(
                        Kind::Data,
                        d.from.span(),
                        "division by zero: `from` is 0",
                    ));
                }
            };
            if !value.is_finite() {
                return Err(f.error(
                    Kind::Data,
                    d.from.span(),
                    format!(
                        "`{}` gives no finite result from these operands",
                        d.id.get_ref()
                    ),
                ));
            }
            let mut sources = fa.sources.clone();
            for s in fb.sources.iter() {
                if !sources.contains(s) {
                    sources.push(s.clone());
                }
            }
            // No more digits than the inputs carry: a result is as precise
            // as its least precise operand, whatever `decimals` asks for.
            // Two digits at least: a round input such as 500 does not make
            // a result worthless.
            let sig = significant_digits(a, fa.decimals)
                .min(significant_digits(b, fb.decimals))
                .max(2);
            let justified = decimals_for(value, sig);
            let decimals = Some(match decimals(f, &d.decimals)? {
                Some(asked) => asked.min(justified),
                None => justified,
            });
            // A figure computed from approximate or bounded inputs is itself
            // approximate.
            let qualifier = (fa.qualifier.is_some() || fb.qualifier.is_some()).then(|| Qualifier {
                text: "约".into(),
                position: QualifierPosition::Before,
            });
            seq += 1;
            cat.facts.insert(
                d.id.get_ref().clone(),
                Fact {
                    id: d.id.get_ref().clone(),
                    theme: t.id.get_ref().clone(),
                    label: d.label.clone(),
                    value: Value::Number(value),
                    unit: d.unit.clone().or_else(|| {
                        if matches!(op, Op::PctChange | Op::AnnualRate(_)) {
                            Some("%".into())
                        } else {
                            None
                        }
                    }),
                    decimals,
                    period: d.period.clone().unwrap_or_else(|| {
                        if one_operand {
                            fa.period.clone()
                        } else {
                            format!("{}至{}", fa.period, fb.period)
                        }
                    }),
                    date: None,
                    sources,
                    region: check_region(f, &d.region)?,
                    key: d.key,
                    qualifier,
                    note: d.note.clone(),
                    derived: Some((op, fa.id.clone(), fb.id.clone())),
                    seq,
                },
            );
        }
    }

    // Pass 4: regions and sections, with every reference checked.
    for (i, (f, t)) in raws.iter().enumerate() {
        let regions = t
            .regions
            .iter()
            .map(|r| Region {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
            })
            .collect();
        let mut sections = Vec::new();
        for s in &t.sections {
            let region = check_region(f, &s.region)?;
            if s.comparison && region.is_some() {
                return Err(f.error(
                    Kind::Data,
                    s.region.as_ref().map(|r| r.span()).unwrap_or(0..0),
                    "a comparison section belongs to no single region; drop `region` or `comparison`",
                ));
            }
            if s.comparison && t.regions.len() < 2 {
                return Err(f.error(
                    Kind::Data,
                    t.id.span(),
                    "a theme with a comparison section needs at least two [[region]] tables",
                ));
            }
            let mut blocks = Vec::new();
            for b in &s.blocks {
                blocks.push(block(f, b, &cat.facts, &cat.sources, &check_region)?);
            }
            sections.push(Section {
                title: s.title.clone(),
                region,
                comparison: s.comparison,
                blocks,
            });
        }
        let mut summary = Vec::new();
        for para in &t.summary {
            summary.push(curated(f, Kind::Data, para, &cat)?);
        }
        let theme = &mut cat.themes[i];
        theme.regions = regions;
        theme.sections = sections;
        theme.summary = summary;
    }
    Ok(cat)
}

fn decimals(f: &SourceFile, d: &Option<Spanned<i64>>) -> Result<Option<usize>> {
    match d {
        None => Ok(None),
        Some(d) if (0..=6).contains(d.get_ref()) => Ok(Some(*d.get_ref() as usize)),
        Some(d) => Err(f.error(Kind::Data, d.span(), "decimals must be between 0 and 6")),
    }
}

/// Byte offset where the content of a string literal starts, for spans.
fn content_start(f: &SourceFile, span: &std::ops::Range<usize>) -> usize {
    let raw = &f.text[span.start.min(f.text.len())..];
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        let after = span.start + 3;
        if f.text[after..].starts_with('\n') {
            after + 1
        } else if f.text[after..].starts_with("\r\n") {
            after + 2
        } else {
            after
        }
    } else {
        span.start + 1
    }
}

fn parse_template(
    f: &SourceFile,
    s: &Spanned<String>,
    facts: &BTreeMap<String, Fact>,
) -> Result<Template> {
    let start = content_start(f, &s.span());
    let t = template::parse(s.get_ref()).map_err(|e| {
        f.error(
            Kind::Data,
            start + e.offset..start + e.offset + e.len,
            e.message,
        )
    })?;
    for part in &t.parts {
        if let Part::Ref { fact, .. } = part
            && !facts.contains_key(fact)
        {
            let off = s.get_ref().find(&format!("{{{fact}")).unwrap_or(0);
            return Err(f.error(
                Kind::Data,
                start + off..start + off + fact.len() + 2,
                format!("unknown placeholder `{{{fact}}}`: no fact or derived figure has this id"),
            ));
        }
    }
    Ok(t)
}

fn fact_ref(f: &SourceFile, s: &Spanned<String>, facts: &BTreeMap<String, Fact>) -> Result<String> {
    if facts.contains_key(s.get_ref()) {
        Ok(s.get_ref().clone())
    } else {
        Err(f.error(
            Kind::Data,
            s.span(),
            format!("unknown fact `{}`", s.get_ref()),
        ))
    }
}

/// Checks an optional region reference against the regions the theme
/// files define.
type RegionCheck<'a> = dyn Fn(&SourceFile, &Option<Spanned<String>>) -> Result<Option<String>> + 'a;

fn block(
    f: &SourceFile,
    b: &Spanned<RawBlock>,
    facts: &BTreeMap<String, Fact>,
    sources: &BTreeMap<String, Source>,
    check_region: &RegionCheck<'_>,
) -> Result<Block> {
    let raw = b.get_ref();
    let n = raw.paragraph.is_some() as u8 + raw.table.is_some() as u8 + raw.chart.is_some() as u8;
    if n != 1 {
        return Err(f.error(
            Kind::Data,
            b.span(),
            "a block needs exactly one of `paragraph`, `table` or `chart`",
        ));
    }
    let srcs = source_refs(f, Kind::Data, raw.sources.as_deref(), sources)?;
    let region = check_region(f, &raw.region)?;
    let kind = if let Some(p) = &raw.paragraph {
        let text = parse_template(f, p, facts)?;
        if text.facts().next().is_none() && srcs.is_empty() {
            return Err(f.error(Kind::Data, p.span(), "a paragraph with no placeholder must name its sources: add `sources = [\"source-id\"]` to the block"));
        }
        BlockKind::Paragraph(text)
    } else if let Some(t) = &raw.table {
        BlockKind::Table(table(f, b, t, facts, !srcs.is_empty(), check_region)?)
    } else {
        let c = raw.chart.as_ref().expect("one of three");
        BlockKind::Chart(chart(f, c, facts)?)
    };
    Ok(Block {
        kind,
        sources: srcs,
        region,
    })
}

fn table(
    f: &SourceFile,
    b: &Spanned<RawBlock>,
    t: &RawTable,
    facts: &BTreeMap<String, Fact>,
    has_sources: bool,
    check_region: &RegionCheck<'_>,
) -> Result<Table> {
    let body = match (&t.facts, &t.columns, &t.rows) {
        (Some(ids), None, None) => {
            if ids.is_empty() {
                return Err(f.error(Kind::Data, b.span(), "table `facts` is empty"));
            }
            if let Some(rr) = &t.row_regions {
                return Err(f.error(
                    Kind::Data,
                    rr.span(),
                    "`row_regions` belongs to a free-form table; a fact table takes each row's region from its fact",
                ));
            }
            TableBody::Facts(
                ids.iter()
                    .map(|s| fact_ref(f, s, facts))
                    .collect::<Result<_>>()?,
            )
        }
        (None, Some(cols), Some(rows)) => {
            if cols.is_empty() || rows.is_empty() {
                return Err(f.error(
                    Kind::Data,
                    b.span(),
                    "a free-form table needs columns and at least one row",
                ));
            }
            let mut out = Vec::new();
            for row in rows {
                if row.len() != cols.len() {
                    let span = row.first().map(|c| c.span()).unwrap_or(b.span());
                    return Err(f.error(
                        Kind::Data,
                        span,
                        format!(
                            "row has {} cells; expected {} (one per column)",
                            row.len(),
                            cols.len()
                        ),
                    ));
                }
                let cells: Vec<Template> = row
                    .iter()
                    .map(|c| parse_template(f, c, facts))
                    .collect::<Result<_>>()?;
                // A row that states no fact says something in words: the
                // table must then name the sources that date it.
                if !has_sources && cells.iter().all(|c| c.facts().next().is_none()) {
                    let span = row.first().map(|c| c.span()).unwrap_or(b.span());
                    return Err(f.error(
                        Kind::Data,
                        span,
                        "this row has no placeholder, so nothing dates it: add `sources = [\"source-id\"]` to the table's block",
                    ));
                }
                out.push(cells);
            }
            let row_regions = match &t.row_regions {
                None => vec![None; out.len()],
                Some(rr) => {
                    if rr.get_ref().len() != out.len() {
                        return Err(f.error(
                            Kind::Data,
                            rr.span(),
                            format!(
                                "`row_regions` has {} entries for {} rows; expected one per row (\"\" for none)",
                                rr.get_ref().len(),
                                out.len()
                            ),
                        ));
                    }
                    rr.get_ref()
                        .iter()
                        .map(|r| {
                            if r.get_ref().is_empty() {
                                Ok(None)
                            } else {
                                check_region(f, &Some(r.clone()))
                            }
                        })
                        .collect::<Result<_>>()?
                }
            };
            TableBody::Free {
                columns: cols.clone(),
                rows: out,
                row_regions,
            }
        }
        _ => {
            return Err(f.error(
                Kind::Data,
                b.span(),
                "a table needs either `facts`, or `columns` and `rows`",
            ));
        }
    };
    Ok(Table {
        caption: t.caption.clone(),
        body,
    })
}

/// A fact's qualifier, checked.
fn qualifier(f: &SourceFile, q: &Spanned<RawQualifier>) -> Result<Qualifier> {
    let (text, position) = match q.get_ref() {
        RawQualifier::Before(t) => (t.clone(), QualifierPosition::Before),
        RawQualifier::Placed { text, position } => {
            let p = match position.as_str() {
                "before" => QualifierPosition::Before,
                "after-number" => QualifierPosition::AfterNumber,
                "after-unit" => QualifierPosition::AfterUnit,
                other => {
                    return Err(f.error(
                        Kind::Data,
                        q.span(),
                        format!("unknown qualifier position `{other}`; expected \"before\", \"after-number\" or \"after-unit\""),
                    ));
                }
            };
            (text.clone(), p)
        }
    };
    if text.trim().is_empty() || text.contains(['{', '}']) {
        return Err(f.error(
            Kind::Data,
            q.span(),
            "a qualifier is a word such as 约, 超过, 多 or 以上",
        ));
    }
    Ok(Qualifier { text, position })
}

/// Significant digits of a figure as the data writes it: trailing zeros
/// of a whole number are not counted (650 is "about 650", two digits).
fn significant_digits(x: f64, decimals: Option<usize>) -> usize {
    let s = match decimals {
        Some(d) => format!("{x:.d$}"),
        None => format!("{x}"),
    };
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_start_matches('0');
    let digits = if s.contains('.') {
        digits
    } else {
        digits.trim_end_matches('0')
    };
    digits.len().max(1)
}

/// Decimals that show `value` to `sig` significant digits (0 to 6).
fn decimals_for(value: f64, sig: usize) -> usize {
    if value == 0.0 {
        return 0;
    }
    let magnitude = value.abs().log10().floor() as i64;
    (sig as i64 - 1 - magnitude).clamp(0, 6) as usize
}

fn chart(f: &SourceFile, c: &RawChart, facts: &BTreeMap<String, Fact>) -> Result<Chart> {
    let kind = match c.kind.get_ref().as_str() {
        "line" => ChartKind::Line,
        "bar" => ChartKind::Bar,
        "hbar" => ChartKind::HBar,
        "timeline" => ChartKind::Timeline,
        "grouped-bar" => ChartKind::GroupedBar,
        other => return Err(f.error(
            Kind::Data,
            c.kind.span(),
            format!(
                "unknown chart kind `{other}`; expected line, bar, hbar, timeline or grouped-bar"
            ),
        )),
    };
    // A line chart may show a projection alone (an index grown at a
    // stated rate); every other chart needs data.
    if c.series.is_empty() && !(kind == ChartKind::Line && c.projection.is_some()) {
        return Err(f.error(
            Kind::Data,
            c.kind.span(),
            "chart has no series; expected at least one [[…chart.series]] \
             (a line chart may instead have a [[…chart.projection]])",
        ));
    }
    let mut unit: Option<(String, std::ops::Range<usize>)> = None;
    let mut series = Vec::new();
    for s in &c.series {
        let sr = s.get_ref();
        if sr.facts.is_empty() {
            return Err(f.error(
                Kind::Data,
                s.span(),
                format!("series `{}` is empty; expected at least one fact", sr.name),
            ));
        }
        if let Some(l) = &sr.labels
            && l.len() != sr.facts.len()
        {
            return Err(f.error(
                Kind::Data,
                s.span(),
                format!(
                    "series `{}` has {} labels for {} facts",
                    sr.name,
                    l.len(),
                    sr.facts.len()
                ),
            ));
        }
        let mut ids = Vec::new();
        for id in &sr.facts {
            let fid = fact_ref(f, id, facts)?;
            let fact = &facts[&fid];
            if kind == ChartKind::Timeline {
                if fact.date.is_none() {
                    return Err(f.error(
                        Kind::Data,
                        id.span(),
                        format!("timeline fact `{fid}` has no `date`"),
                    ));
                }
            } else {
                let Value::Number(v) = fact.value else {
                    return Err(f.error(
                        Kind::Data,
                        id.span(),
                        format!("fact `{fid}` is not a number; this chart kind plots numbers"),
                    ));
                };
                let u = fact.unit.clone().unwrap_or_default();
                match &unit {
                    None => unit = Some((u.clone(), id.span())),
                    Some((u0, _)) if *u0 != u => {
                        return Err(f.error(Kind::Data, id.span(), format!("mixed units on one axis: `{fid}` is in `{u}` but the chart's first fact is in `{u0}`")));
                    }
                    _ => {}
                }
                if u == "%" && v < 0.0 {
                    return Err(f.error(Kind::Data, id.span(), format!("negative share {v}% in `{fid}`; a share chart needs values of 0 or more")));
                }
            }
            ids.push(fid);
        }
        series.push(Series {
            name: sr.name.clone(),
            facts: ids,
            labels: sr.labels.clone(),
        });
    }
    let projection = match &c.projection {
        None => None,
        Some(p) => {
            let pr = p.get_ref();
            if kind != ChartKind::Line {
                return Err(f.error(Kind::Data, p.span(), "a projection belongs to a line chart"));
            }
            let base = match (&pr.base, &pr.base_value) {
                (Some(b), None) => ProjectionBase::Fact(fact_ref(f, b, facts)?),
                (None, Some(v)) => {
                    let x = *v.get_ref();
                    if !x.is_finite() || x <= 0.0 {
                        return Err(f.error(
                            Kind::Data,
                            v.span(),
                            format!("projection `base_value` {x} must be a positive number"),
                        ));
                    }
                    ProjectionBase::Value(x)
                }
                (Some(b), Some(_)) => {
                    return Err(f.error(
                        Kind::Data,
                        b.span(),
                        "projection has both `base` and `base_value`; give exactly one",
                    ));
                }
                (None, None) => {
                    return Err(f.error(
                        Kind::Data,
                        p.span(),
                        "projection has neither `base` (a fact) nor `base_value` (a number); give exactly one",
                    ));
                }
            };
            if pr.base_label.is_some() && pr.base_value.is_none() {
                return Err(f.error(
                    Kind::Data,
                    p.span(),
                    "projection `base_label` belongs with `base_value`",
                ));
            }
            let rate = fact_ref(f, &pr.rate, facts)?;
            let base_numeric = match &base {
                ProjectionBase::Fact(id) => matches!(facts[id].value, Value::Number(_)),
                ProjectionBase::Value(_) => true,
            };
            if !base_numeric || !matches!(facts[&rate].value, Value::Number(_)) {
                return Err(f.error(
                    Kind::Data,
                    p.span(),
                    "projection base and rate must be numeric facts",
                ));
            }
            if pr.to_year <= pr.from_year {
                return Err(f.error(
                    Kind::Data,
                    p.span(),
                    "projection `to_year` must be after `from_year`",
                ));
            }
            Some(Projection {
                name: pr.name.clone(),
                base,
                base_label: pr.base_label.clone(),
                rate,
                from_year: pr.from_year,
                to_year: pr.to_year,
            })
        }
    };
    Ok(Chart {
        kind,
        title: c.title.clone(),
        unit: c
            .unit
            .clone()
            .or_else(|| unit.map(|u| u.0).filter(|u| !u.is_empty())),
        x_label: c.x_label.clone(),
        y_label: c.y_label.clone(),
        note: c.note.clone(),
        series,
        projection,
    })
}
