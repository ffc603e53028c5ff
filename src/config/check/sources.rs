//! The sources list: ids, titles or descriptions, dates and their
//! precision.

use super::super::model::*;
use super::super::schema::*;
use super::super::values::{check_id, date_of, plain_opt, plain_text};
use crate::error::{Kind, Result};
use crate::source::SourceFile;

/// Checks every `[[source]]` of `raw` into `cat`.
pub(super) fn check(sfile: &SourceFile, raw: RawSources, cat: &mut Catalog) -> Result<()> {
    for s in raw.sources {
        check_id(sfile, &s.id, "source")?;
        let title = plain_opt(sfile, &s.title, Kind::Data, "a source title")?;
        let description = plain_opt(sfile, &s.description, Kind::Data, "a source description")?;
        let publisher = plain_text(sfile, &s.publisher, Kind::Data, "a publisher")?;
        let inferred = plain_opt(sfile, &s.inferred, Kind::Data, "a date's reason")?;
        let published = date_of(sfile, &s.published)?;
        let id = s.id.get_ref().clone();
        if cat.sources.contains_key(&id) {
            return Err(sfile.error(
                Kind::Data,
                s.id.span(),
                format!("duplicate source id `{id}`"),
            ));
        }
        if title.is_none() && description.is_none() {
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
                title,
                description,
                publisher,
                published,
                precision,
                inferred,
                url: s
                    .url
                    .as_ref()
                    .map(|u| sfile.shown(u, Kind::Data, "a source's `url`"))
                    .transpose()?,
                note: s
                    .note
                    .as_ref()
                    .map(|n| sfile.shown(n, Kind::Data, "a source's `note`"))
                    .transpose()?,
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
