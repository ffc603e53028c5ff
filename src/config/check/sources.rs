//! The sources list: ids, titles or descriptions, dates and their
//! precision.

use super::super::model::*;
use super::super::schema::*;
use super::super::source::SourceFile;
use super::super::values::{check_id, date_of};
use crate::error::{Kind, Result};

/// Checks every `[[source]]` of `raw` into `cat`.
pub(super) fn check(sfile: &SourceFile, raw: RawSources, cat: &mut Catalog) -> Result<()> {
    for s in raw.sources {
        check_id(sfile, &s.id, "source")?;
        for (v, what) in [
            (s.title.as_deref(), "a source title"),
            (s.description.as_deref(), "a source description"),
            (Some(s.publisher.as_str()), "a publisher"),
            (s.inferred.as_deref(), "a date's reason"),
        ] {
            if let Some(v) = v {
                sfile.plain(Kind::Data, v, what)?;
            }
        }
        let published = date_of(sfile, &s.published)?;
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
        let precision = precision(sfile, &s)?;
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
    Ok(())
}

/// How precisely the source's date is known.
fn precision(sfile: &SourceFile, s: &RawSource) -> Result<DatePrecision> {
    match s
        .precision
        .as_ref()
        .map(|p| (p.get_ref().as_str(), p.span()))
    {
        None | Some(("day", _)) => Ok(DatePrecision::Day),
        Some(("month", _)) => Ok(DatePrecision::Month),
        Some(("year", _)) => Ok(DatePrecision::Year),
        Some((other, span)) => Err(sfile.error(
            Kind::Data,
            span,
            format!("unknown precision `{other}`; expected \"day\", \"month\" or \"year\""),
        )),
    }
}
