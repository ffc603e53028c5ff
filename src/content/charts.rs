//! Chart data as a briefing shows it on a date: each series' known
//! points with their labels and value texts, the growth projection, the
//! source line, and a value axis that always says what it counts.

use super::selector::{Selector, distinct, in_region_order};
use super::*;
use crate::config::{Chart, ChartKind, ProjectionBase, Source, Text, Value};

impl Selector<'_> {
    /// The chart's data, or `None` when nothing of it is known by the date.
    pub(super) fn chart(&mut self, c: &Chart, extra: &[String]) -> Option<ChartData> {
        let mut srcs: Vec<String> = Vec::new();
        // The units of the facts drawn: one shared unit is the chart's
        // when it names none.
        let mut units: Vec<Option<Text>> = Vec::new();
        let mut series = Vec::new();
        for s in &c.series {
            if let Some(data) = self.series(c, s, &mut srcs, &mut units) {
                series.push(data);
            }
        }
        let projection = c
            .projection
            .as_ref()
            .and_then(|p| self.projection(p, &mut srcs));
        if series.is_empty() && projection.is_none() {
            return None;
        }
        for s in extra {
            self.cite(s);
            if !srcs.contains(s) {
                srcs.push(s.clone());
            }
        }
        let shorts: Vec<Text> = srcs
            .iter()
            .filter_map(|s| self.catalog.sources.get(s))
            .map(Source::short)
            .collect();
        let unit = c.unit.clone().or_else(|| match &units[..] {
            [Some(u)] => Some(u.clone()),
            _ => None,
        });
        let (x_label, y_label) = axis_titles(c, &unit);
        Some(ChartData {
            kind: c.kind,
            title: c.title.clone(),
            unit,
            x_label,
            y_label,
            note: c.note.clone(),
            series,
            projection,
            source_line: Text::join(&shorts, "；"),
            language: Default::default(),
        })
    }

    /// One series' known points, citing their sources (collected in
    /// `srcs`, their units in `units`), in the profile's region order.
    fn series(
        &mut self,
        c: &Chart,
        s: &crate::config::Series,
        srcs: &mut Vec<String>,
        units: &mut Vec<Option<Text>>,
    ) -> Option<SeriesData> {
        let mut points = Vec::new();
        // Each point's fact label, for when the periods cannot name the
        // categories.
        let mut names = Vec::new();
        for (i, id) in s.facts.iter().enumerate() {
            let Some(f) = self.fact(id) else { continue };
            self.cite_fact(f);
            for src in &f.sources {
                if !srcs.contains(src) {
                    srcs.push(src.clone());
                }
            }
            let (label, when) = s.labels.as_ref().map(|l| l[i].clone()).unwrap_or_else(|| {
                if c.kind == ChartKind::Timeline {
                    (f.label.clone(), None)
                } else {
                    (f.period.clone(), f.when)
                }
            });
            names.push(f.label.clone());
            if !units.contains(&f.unit) {
                units.push(f.unit.clone());
            }
            let when = f
                .date
                .map(crate::config::period::day)
                .or(when.map(|w| w.at));
            points.push((self.region_rank(&f.region), point(f, label, when)));
        }
        // Categories named by default (each fact's period) must tell the
        // points apart: facts of one period are named by their labels
        // instead, or by both where the labels repeat too.
        if s.labels.is_none()
            && c.kind != ChartKind::Timeline
            && !distinct(points.iter().map(|(_, p)| &p.label))
        {
            let by_label = distinct(names.iter());
            for ((_, p), name) in points.iter_mut().zip(names) {
                p.label = match by_label {
                    true => name,
                    false => crate::txt!(&name, "（", &p.label, "）"),
                };
            }
        }
        // Regional points follow the profile's region order, like the
        // regional sections.
        let points = in_region_order(points);
        (!points.is_empty()).then(|| SeriesData {
            name: s.name.clone(),
            points,
        })
    }

    /// The projection, when its rate (and base fact, if any) are known by
    /// the date; their sources are cited and collected in `srcs`.
    fn projection(
        &mut self,
        p: &crate::config::Projection,
        srcs: &mut Vec<String>,
    ) -> Option<ProjectionData> {
        let rate = self.fact(&p.rate)?;
        let Value::Number(r) = rate.value else {
            return None;
        };
        // The base: a fact known by the briefing date, or a plain index
        // base whose chart rests on the rate fact alone.
        let (b, base) = match &p.base {
            ProjectionBase::Fact(id) => {
                let f = self.fact(id)?;
                let Value::Number(b) = f.value else {
                    return None;
                };
                (b, Some(f))
            }
            ProjectionBase::Value(v) => (*v, None),
        };
        for f in base.into_iter().chain([rate]) {
            self.cite_fact(f);
            for src in &f.sources {
                if !srcs.contains(src) {
                    srcs.push(src.clone());
                }
            }
        }
        let points = (p.from_year..=p.to_year)
            .map(|y| (y, b * (1.0 + r / 100.0).powi(y - p.from_year)))
            .collect();
        Some(ProjectionData {
            name: p.name.replace_all("{rate}", &format::with_unit(rate)),
            points,
            index: matches!(p.base, ProjectionBase::Value(_)).then(|| p.base_label.clone()),
        })
    }
}

/// A chart point for fact `f` labelled `label`: its value, and its value
/// written with the qualifier the data gives, before and after.
fn point(f: &crate::config::Fact, label: Text, when: Option<f64>) -> Point {
    let (value, detail) = match &f.value {
        Value::Number(x) => (*x, Text::new()),
        Value::Text(t) => (0.0, t.clone()),
        // Computed before anything is selected (`derive::evaluate`); were
        // one missed, the chart would refuse the non-number by name.
        Value::Derived => (f64::NAN, Text::new()),
    };
    let fig = format::figure(f);
    let unit_len = f.unit.as_deref().unwrap_or("").chars().count();
    let bare = fig.without_unit(unit_len);
    let number = format::value(f);
    let (before, after) = match bare.find(number.as_str()) {
        Some(i) => (bare.slice(0..i), bare.slice(i + number.len()..bare.len())),
        None => (Text::new(), Text::new()),
    };
    Point {
        label,
        value,
        text: number,
        before,
        after,
        when,
        detail,
        written: fig.joined(),
    }
}

/// The axis titles: a value axis always says what its numbers count, so
/// without a title of its own it is titled by the unit (the value axis is
/// the horizontal one of an `hbar`; a timeline has none).
fn axis_titles(c: &Chart, unit: &Option<Text>) -> (Option<Text>, Option<Text>) {
    let (mut x_label, mut y_label) = (c.x_label.clone(), c.y_label.clone());
    let value_title = match c.kind {
        ChartKind::Timeline => None,
        ChartKind::HBar => Some(&mut x_label),
        _ => Some(&mut y_label),
    };
    if let (Some(title @ None), Some(u)) = (value_title, unit) {
        *title = Some(crate::txt!("单位：", u));
    }
    (x_label, y_label)
}
