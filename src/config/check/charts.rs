//! Charts: kind, series of facts in one unit, labels, and the growth
//! projection a line chart may carry.

use std::collections::BTreeMap;

use toml::Spanned;

use super::super::model::*;
use super::super::schema::*;
use super::super::values::{fact_ref, plain_opt, plain_text};
use crate::error::{Error, Kind, Result};
use crate::source::SourceFile;

/// The chart's unit so far (the first fact's), and where that fact is named.
type AxisUnit = Option<(Text, std::ops::Range<usize>)>;

/// A `[section.block.chart]`, checked.
pub(super) fn chart(f: &SourceFile, c: &RawChart, facts: &BTreeMap<String, Fact>) -> Result<Chart> {
    let strings = strings(f, c)?;
    let kind = kind(f, c)?;
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
    let mut unit: AxisUnit = None;
    let mut series = Vec::new();
    for s in &c.series {
        series.push(one_series(f, s, kind, facts, &mut unit)?);
    }
    let projection = match &c.projection {
        None => None,
        Some(p) => Some(projection(f, p, kind, facts)?),
    };
    Ok(Chart {
        kind,
        title: strings.title,
        unit: strings
            .unit
            .or_else(|| unit.map(|u| u.0).filter(|u| !u.is_empty())),
        x_label: strings.x_label,
        y_label: strings.y_label,
        note: strings.note,
        series,
        projection,
    })
}

/// The chart's own strings, printed as written: no placeholders.
struct Strings {
    title: Text,
    unit: Option<Text>,
    x_label: Option<Text>,
    y_label: Option<Text>,
    note: Option<Text>,
}

fn strings(f: &SourceFile, c: &RawChart) -> Result<Strings> {
    let s = Strings {
        title: plain_text(f, &c.title, Kind::Data, "a chart title")?,
        unit: plain_opt(f, &c.unit, Kind::Data, "a chart unit")?,
        x_label: plain_opt(f, &c.x_label, Kind::Data, "an axis title")?,
        y_label: plain_opt(f, &c.y_label, Kind::Data, "an axis title")?,
        note: plain_opt(f, &c.note, Kind::Data, "a chart note")?,
    };
    for s in &c.series {
        plain_text(f, &s.get_ref().name, Kind::Data, "a series name")?;
        for l in s.get_ref().labels.iter().flatten() {
            plain_text(f, l, Kind::Data, "a category label")?;
        }
    }
    if let Some(p) = &c.projection {
        // `{rate}` is the one placeholder a projection's name takes.
        let name = f.shown(&p.get_ref().name, Kind::Data, "a projection's `name`")?;
        if let Some(brace) = name.replace("{rate}", "      ").find(['{', '}']) {
            return Err(Error::at_origin(
                Kind::Data,
                name.origin_at(brace),
                "placeholders are not filled in a projection name; expected plain text without `{` or `}` (`{rate}` aside)",
            ))
            .map_err(|e| super::super::values::resolve_here(f, e));
        }
        if let Some(l) = &p.get_ref().base_label {
            plain_text(f, l, Kind::Data, "a base label")?;
        }
    }
    Ok(s)
}

/// The chart kind.
fn kind(f: &SourceFile, c: &RawChart) -> Result<ChartKind> {
    Ok(match c.kind.get_ref().as_str() {
        "line" => ChartKind::Line,
        "bar" => ChartKind::Bar,
        "hbar" => ChartKind::HBar,
        "timeline" => ChartKind::Timeline,
        "grouped-bar" => ChartKind::GroupedBar,
        other => {
            return Err(f.error(
                Kind::Data,
                c.kind.span(),
                format!(
                    "unknown chart kind `{other}`; expected line, bar, hbar, timeline or grouped-bar"
                ),
            ));
        }
    })
}

/// One series: as many labels as facts, each fact plottable by the kind.
fn one_series(
    f: &SourceFile,
    s: &Spanned<RawSeries>,
    kind: ChartKind,
    facts: &BTreeMap<String, Fact>,
    unit: &mut AxisUnit,
) -> Result<Series> {
    let sr = s.get_ref();
    if sr.facts.is_empty() {
        return Err(f.error(
            Kind::Data,
            s.span(),
            format!(
                "series `{}` is empty; expected at least one fact",
                sr.name.get_ref()
            ),
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
        ids.push(point(f, id, kind, facts, unit)?);
    }
    Ok(Series {
        name: f.shown(&sr.name, Kind::Data, "a series' `name`")?,
        facts: ids,
        labels: sr
            .labels
            .as_ref()
            .map(|l| {
                l.iter()
                    .map(|x| {
                        Ok((
                            f.shown(x, Kind::Data, "a chart label")?,
                            super::super::period::when(x.get_ref()),
                        ))
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?,
    })
}

/// One fact of a series: a dated event on a timeline, a number in the
/// chart's one unit elsewhere.
fn point(
    f: &SourceFile,
    id: &Spanned<String>,
    kind: ChartKind,
    facts: &BTreeMap<String, Fact>,
    unit: &mut AxisUnit,
) -> Result<String> {
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
        return Ok(fid);
    }
    if !fact.value.is_numeric() {
        return Err(f.error(
            Kind::Data,
            id.span(),
            format!("fact `{fid}` is not a number; this chart kind plots numbers"),
        ));
    }
    let u = fact.unit.clone().unwrap_or_default();
    match unit {
        None => *unit = Some((u.clone(), id.span())),
        Some((u0, _)) if u0.as_str() != u.as_str() => {
            return Err(f.error(
                Kind::Data,
                id.span(),
                format!("mixed units on one axis: `{fid}` is in `{u}` but the chart's first fact is in `{u0}`"),
            ));
        }
        _ => {}
    }
    Ok(fid)
}

/// Longest projection, in years.
const MAX_PROJECTION_YEARS: i64 = 50;

/// A compound-growth projection: on a line chart, from a fact or a plain
/// base value, at a numeric rate, over years that run forward.
fn projection(
    f: &SourceFile,
    p: &Spanned<RawProjection>,
    kind: ChartKind,
    facts: &BTreeMap<String, Fact>,
) -> Result<Projection> {
    let pr = p.get_ref();
    if kind != ChartKind::Line {
        return Err(f.error(Kind::Data, p.span(), "a projection belongs to a line chart"));
    }
    let base = projection_base(f, p, facts)?;
    let rate = fact_ref(f, &pr.rate, facts)?;
    let base_numeric = match &base {
        ProjectionBase::Fact(id) => facts[id].value.is_numeric(),
        ProjectionBase::Value(_) => true,
    };
    if !base_numeric || !facts[&rate].value.is_numeric() {
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
    // A chart of a century's points is unreadable, and compounding over
    // one runs past what a briefing prints.
    let years = i64::from(pr.to_year) - i64::from(pr.from_year);
    if years > MAX_PROJECTION_YEARS {
        return Err(f.error(
            Kind::Data,
            p.span(),
            format!("projection over {years} years; at most {MAX_PROJECTION_YEARS} (`to_year` − `from_year`)"),
        ));
    }
    let base_value = match &base {
        ProjectionBase::Fact(id) => facts[id].value.number(),
        ProjectionBase::Value(v) => Some(*v),
    };
    if let (Some(b), Some(r)) = (base_value, facts[&rate].value.number()) {
        let end = b * (1.0 + r / 100.0).powi(years as i32);
        if !end.is_finite() || end.abs() >= 1e15 {
            return Err(f.error(
                Kind::Data,
                p.span(),
                format!("projection reaches {end:e} by {}: more than a briefing prints (below 10^15); end it earlier or use a larger unit", pr.to_year),
            ));
        }
    }
    Ok(Projection {
        name: f.text(&pr.name),
        base,
        base_label: pr
            .base_label
            .as_ref()
            .map(|l| f.shown(l, Kind::Data, "a projection's `base_label`"))
            .transpose()?,
        rate,
        from_year: pr.from_year,
        to_year: pr.to_year,
    })
}

/// Where a projection starts: exactly one of a fact or a positive number.
fn projection_base(
    f: &SourceFile,
    p: &Spanned<RawProjection>,
    facts: &BTreeMap<String, Fact>,
) -> Result<ProjectionBase> {
    let pr = p.get_ref();
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
    Ok(base)
}
