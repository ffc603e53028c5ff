//! The briefing in brief, for the mail that carries it: its headline
//! figures and what is new, worded as the briefing words them.

use super::news::nothing_new;
use crate::content::Briefing;
use crate::content::format::DERIVED_MARK;

/// A briefing in brief, for a message that reads on its own: the key
/// figures and what is new since the previous briefing, as plain text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Digest {
    /// Headline figures: label, value, period.
    pub key_figures: Vec<(String, String, String)>,
    /// What is new, one line per new source or update (or the one line
    /// saying nothing is); empty for a first briefing.
    pub news: Vec<String>,
    /// Number of new facts.
    pub new_count: usize,
    /// The edition it is written in: its script and the mail's language.
    pub language: crate::config::Language,
}

/// Cards a theme shows, and so figures it gives the mail: a glance.
const PER_THEME: usize = 4;

/// The digest of `b`.
pub(crate) fn digest(b: &Briefing) -> Digest {
    let mut per_theme: Vec<(&str, usize)> = Vec::new();
    let key_figures = b
        .key_facts
        .iter()
        .filter(|k| k.numeric)
        .filter(
            |k| match per_theme.iter_mut().find(|(t, _)| *t == k.theme) {
                Some((_, n)) if *n >= PER_THEME => false,
                Some((_, n)) => {
                    *n += 1;
                    true
                }
                None => {
                    per_theme.push((&k.theme, 1));
                    true
                }
            },
        )
        .map(|k| {
            let mark = if k.derived { DERIVED_MARK } else { "" };
            (
                k.subject().into_string(),
                format!("{}{mark}", k.figure.joined()),
                k.period.to_string(),
            )
        })
        .collect();
    let mut news = Vec::new();
    let mut new_count = 0;
    if let Some(n) = &b.news {
        new_count = n.count();
        if n.sources.is_empty() {
            news.push(nothing_new(n.since).into_string());
        }
        for s in &n.sources {
            let items: Vec<String> = s
                .facts
                .iter()
                .take(3)
                .map(|f| format!("{}{}", f.label, f.value))
                .collect();
            news.push(format!(
                "{}（{}）：{}等{}项",
                s.name,
                s.date_text,
                items.join("；"),
                s.facts.len()
            ));
        }
        for u in &n.updates {
            let change = u
                .change
                .as_deref()
                .map_or(String::new(), |c| format!("，{c}"));
            news.push(format!(
                "{}：{}（{}）→ {}（{}）{change}",
                u.label, u.old, u.old_period, u.new, u.new_period
            ));
        }
    }
    Digest {
        key_figures,
        news,
        new_count,
        language: b.language,
    }
}
