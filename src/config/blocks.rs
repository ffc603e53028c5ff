//! Reads the blocks of theme sections — paragraphs, tables, charts — and
//! the placeholders in their text, checked against the facts.

use std::collections::BTreeMap;

use toml::Spanned;

use super::load::source_refs;
use super::model::*;
use super::schema::*;
use super::source::SourceFile;
use super::template;
use crate::error::{Kind, Result};

/// Byte offset where the content of a string literal starts, for spans.
pub(super) fn content_start(f: &SourceFile, span: &std::ops::Range<usize>) -> usize {
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

pub(super) fn parse_template(
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
        let Part::Ref { fact, field } = part else {
            continue;
        };
        let off = s.get_ref().find(&format!("{{{fact}")).unwrap_or(0);
        let here = start + off..start + off + fact.len() + 2;
        let Some(fa) = facts.get(fact) else {
            return Err(f.error(
                Kind::Data,
                here,
                format!("unknown placeholder `{{{fact}}}`: no fact or derived figure has this id"),
            ));
        };
        // A field the fact does not have would print nothing.
        let missing = match field {
            Field::Unit => fa.unit.is_none().then_some("unit"),
            Field::Note => fa.note.is_none().then_some("note"),
            Field::Qualifier => fa.qualifier.is_none().then_some("qualifier"),
            _ => None,
        };
        if let Some(name) = missing {
            return Err(f.error(
                Kind::Data,
                here,
                format!("`{{{fact}.{name}}}`: fact `{fact}` has no `{name}`; add one to the fact or drop the placeholder"),
            ));
        }
    }
    Ok(t)
}

pub(super) fn fact_ref(
    f: &SourceFile,
    s: &Spanned<String>,
    facts: &BTreeMap<String, Fact>,
) -> Result<String> {
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
pub(super) type RegionCheck<'a> =
    dyn Fn(&SourceFile, &Option<Spanned<String>>) -> Result<Option<String>> + 'a;

pub(super) fn block(
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
    f.plain(Kind::Data, &t.caption, "a table caption")?;
    for c in t.columns.iter().flatten() {
        f.plain(Kind::Data, c, "a column heading")?;
    }
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

fn chart(f: &SourceFile, c: &RawChart, facts: &BTreeMap<String, Fact>) -> Result<Chart> {
    for (v, what) in [
        (Some(c.title.as_str()), "a chart title"),
        (c.unit.as_deref(), "a chart unit"),
        (c.x_label.as_deref(), "an axis title"),
        (c.y_label.as_deref(), "an axis title"),
        (c.note.as_deref(), "a chart note"),
    ] {
        if let Some(v) = v {
            f.plain(Kind::Data, v, what)?;
        }
    }
    for s in &c.series {
        f.plain(Kind::Data, &s.get_ref().name, "a series name")?;
        for l in s.get_ref().labels.iter().flatten() {
            f.plain(Kind::Data, l, "a category label")?;
        }
    }
    if let Some(p) = &c.projection {
        // `{rate}` is the one placeholder a projection's name takes.
        f.plain(
            Kind::Data,
            &p.get_ref().name.replace("{rate}", ""),
            "a projection name",
        )?;
        if let Some(l) = &p.get_ref().base_label {
            f.plain(Kind::Data, l, "a base label")?;
        }
    }
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
