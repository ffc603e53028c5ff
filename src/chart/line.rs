//! Line charts over time, with an optional compound-growth projection drawn
//! dashed over a shaded projection period.

use plotters::chart::ChartBuilder;
use plotters::series::LineSeries;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{CB, CT, Canvas, Font, RB, darker, overlap, stroke, u, value_axis};
use super::scale::{Axis, Magnitude, axis, axis_between, magnitude, tick, value_label};
use super::{
    AXIS, BAND, Mark, PALETTE, PITCH, TEXT, TICK, TICK_F, TITLE, TITLE_F, VALUE, categories,
    legend, legend_height, restated,
};
use crate::content::ChartData;
use crate::error::Result;
use crate::frame::Rgb;
use crate::origin::Text;

const GAP: f32 = 4.0;
const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);

/// A point ready to plot: x in fractional years (or category index).
#[derive(Debug, Clone)]
struct P {
    x: f64,
    v: f64,
    label: Text,
    /// When it is (fractional years), if its label names a period.
    when: Option<f64>,
    text: Text,
    /// Qualifier before and after the value label.
    qual: (Text, Text),
}

impl P {
    /// The value label with the data's qualifier.
    fn value_label(&self, mag: super::scale::Magnitude, pct: bool) -> Text {
        let core = restated(&self.text, value_label(self.v, &self.text, mag, pct));
        crate::txt!(&self.qual.0, core, &self.qual.1)
    }
}

/// The x positions of a line chart. Periods written as dates
/// (`2022年底`, `2023年8月`) are placed in time, so uneven gaps look
/// uneven; otherwise categories are evenly spaced in their order.
fn positions(chart: &ChartData) -> (Vec<Vec<P>>, bool) {
    let timed = chart
        .series
        .iter()
        .flat_map(|s| &s.points)
        .all(|p| p.when.is_some());
    let cats = categories(chart);
    let series = chart
        .series
        .iter()
        .map(|s| {
            let mut v: Vec<P> = s
                .points
                .iter()
                .map(|p| {
                    let x = if timed {
                        p.when.unwrap_or(0.0)
                    } else {
                        cats.iter().position(|c| c == &p.label).unwrap_or(0) as f64
                    };
                    P {
                        x,
                        v: p.value,
                        label: p.label.clone(),
                        when: p.when,
                        text: p.text.clone(),
                        qual: (p.before.clone(), p.after.clone()),
                    }
                })
                .collect();
            v.sort_by(|a, b| a.x.total_cmp(&b.x));
            v
        })
        .collect();
    (series, timed)
}

/// The projection as points, continuing from the data point it grows from
/// (same year and value) so the dashed line visibly starts at the data.
fn projection(chart: &ChartData, series: &[Vec<P>], timed: bool) -> Option<Proj> {
    let proj = chart.projection.as_ref()?;
    let (name, pts) = (&proj.name, &proj.points);
    let &(y0, v0) = pts.first()?;
    let anchor = series.iter().flatten().find(|p| {
        let year = if timed {
            p.x.floor() as i32
        } else {
            p.when.map_or(i32::MIN, |w| w.floor() as i32)
        };
        year == y0 && (p.v - v0).abs() <= 1e-6 * v0.abs().max(1.0)
    });
    let n_cats = categories(chart).len() as f64;
    let x_of = |y: i32| match (anchor, timed) {
        (Some(a), _) => a.x + (y - y0) as f64,
        (None, true) => y as f64 + 0.5,
        (None, false) => n_cats + (y - y0) as f64,
    };
    // The legend names it as the data does; that it is projected shows in
    // the drawing itself (dashed, hollow markers, the 预测期 band).
    let label = name.clone();
    let out = pts
        .iter()
        .enumerate()
        .map(|(i, &(y, v))| P {
            x: x_of(y),
            v,
            label: Text::plain(format!("{y}年")),
            when: Some(y as f64 + 0.5),
            text: match &proj.index {
                // An index is read against its base: the base point says
                // what it is (2022年=100), the others keep one decimal, as
                // the rate they are grown with does.
                Some(Some(base)) if i == 0 => base.clone(),
                Some(_) => Text::plain(crate::content::format::number(v, Some(1))),
                // Derived quantities get three significant digits at most:
                // more would claim a precision a growth-rate projection lacks.
                None => Text::plain(crate::content::format::number(
                    v,
                    Some(if v.abs() >= 100.0 {
                        0
                    } else if v.abs() >= 10.0 {
                        1
                    } else {
                        2
                    }),
                )),
            },
            qual: Default::default(),
        })
        .collect();
    Some((label, out, anchor.is_some()))
}

/// Where a value label goes relative to its point, chosen so the line
/// does not run through it: above a peak, below a trough, on the side the
/// line leaves free when it climbs or falls through the point.
fn label_side(prev: Option<f32>, y: f32, next: Option<f32>) -> (HPos, VPos, f32, f32) {
    // Page y grows downwards. Trend into the point: came up from below (1),
    // down from above (-1), level (0); likewise out of it.
    let trend = |a: f32, b: f32| {
        if a > b + 0.5 {
            1
        } else if a < b - 0.5 {
            -1
        } else {
            0
        }
    };
    let t_in = prev.map(|p| trend(p, y));
    let t_out = next.map(|n| trend(y, n));
    let above = (HPos::Center, VPos::Bottom, 0.0, -5.0);
    match (t_in, t_out) {
        (Some(-1), Some(1)) => (HPos::Center, VPos::Top, 0.0, 5.0),
        // Climbing through the point (or starting a climb): the upper left is free.
        (Some(1), Some(1)) | (None, Some(1)) => (HPos::Right, VPos::Bottom, -4.0, -3.0),
        // Falling through it (or ending a fall): the upper right is free.
        (Some(-1), Some(-1)) | (Some(-1), None) => (HPos::Left, VPos::Bottom, 4.0, -3.0),
        _ => above,
    }
}

/// Smallest and largest value of the data series.
fn data_range(chart: &ChartData) -> (f64, f64) {
    chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.value))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        })
}

/// Whether the value axis is focused on the data instead of starting at
/// zero: for positive series without a projection that would otherwise
/// fill less than half of the plot (180 and 197 on a 0–200 axis leave 90 %
/// of it empty). The figure says so in its note.
pub(super) fn focused(chart: &ChartData) -> bool {
    if chart.projection.is_some() || chart.series.iter().all(|s| s.points.is_empty()) {
        return false;
    }
    let (lo, hi) = data_range(chart);
    lo > 0.0 && hi > lo && (hi - lo) < 0.5 * hi
}

/// A value label: text, anchor point and anchor, colour, its box, and
/// whether it is the last of its line.
type Label = (
    Text,
    f32,
    f32,
    (HPos, VPos),
    Rgb,
    (f32, f32, f32, f32),
    bool,
);

/// A projection as plotted: legend name, points, and whether it starts at
/// a data point.
type Proj = (Text, Vec<P>, bool);

/// A line chart's geometry, worked out once for all its layers.
struct Plot {
    series: Vec<Vec<P>>,
    proj: Option<Proj>,
    proj_col: Rgb,
    ax: Axis,
    mag: Magnitude,
    pct: bool,
    /// Legend entries (none for a single series without projection).
    entries: Vec<(Text, Mark)>,
    /// X tick candidates: position, label, whether a data period.
    xt: Vec<(f64, Text, bool)>,
    /// Plot box edges and the room under it.
    px0: f32,
    px1: f32,
    py0: f32,
    py1: f32,
    bottom: f32,
    /// The x range shown, padded so end labels stay inside the box.
    x_lo: f64,
    x_hi: f64,
    /// The edition, for the chart's own words.
    language: crate::config::Language,
}

impl Plot {
    fn new(c: &Canvas, chart: &ChartData) -> Result<Plot> {
        let (series, timed) = positions(chart);
        let proj = projection(chart, &series, timed);
        let proj_col = PALETTE[series.len() % PALETTE.len()];
        let all_v = series
            .iter()
            .flatten()
            .map(|p| p.v)
            .chain(proj.iter().flat_map(|p| p.1.iter().map(|q| q.v)));
        let (lo, hi) = all_v.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let ax = if focused(chart) {
            let (dlo, dhi) = data_range(chart);
            // A little room below the lowest point, so it does not sit on
            // the bottom gridline.
            axis_between(dlo - (dhi - dlo) * 0.25, dhi, 4)
        } else {
            axis(lo, hi, 5)
        };
        let unit = chart.unit.as_deref();
        let mag = magnitude(lo.abs().max(hi.abs()), unit, chart.language);
        let mut tick_w: f32 = 0.0;
        for v in ax.values() {
            tick_w = tick_w.max(c.measure(&tick(v, ax.step, mag), TICK, false)?);
        }
        let entries = legend_entries(chart, &series, &proj, proj_col);
        let legend_h = if entries.is_empty() {
            0.0
        } else {
            legend_height(c.fonts, &entries, c.w)? + 2.0
        };
        let title_w = if chart.y_label.is_some() {
            TITLE + GAP + 2.0
        } else {
            0.0
        };
        let bottom = GAP
            + TICK * PITCH
            + if chart.x_label.is_some() {
                TITLE * PITCH + 2.0
            } else {
                0.0
            }
            + 1.0;
        let xt = x_ticks(&series, &proj);
        let mut plot = Plot {
            language: chart.language,
            series,
            proj,
            proj_col,
            ax,
            mag,
            pct: unit == Some("%"),
            entries,
            xt,
            px0: title_w + tick_w + GAP,
            px1: c.w - GAP,
            py0: legend_h + VALUE + GAP + 4.0,
            py1: c.h - bottom,
            bottom,
            x_lo: 0.0,
            x_hi: 1.0,
        };
        plot.x_range(c)?;
        Ok(plot)
    }

    /// The data and projection points, in drawing order.
    fn points(&self) -> impl Iterator<Item = &P> {
        self.series
            .iter()
            .flatten()
            .chain(self.proj.iter().flat_map(|p| p.1.iter()))
    }

    /// The x range, padded at each end so the end labels (tick and value)
    /// stay inside the box.
    fn x_range(&mut self, c: &Canvas) -> Result<()> {
        let (xmin, xmax) = self
            .points()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.x), b.max(p.x))
            });
        let end_w = |x: f64| -> Result<f32> {
            let mut w: f32 = 12.0;
            for (tx, l, _) in &self.xt {
                if (*tx - x).abs() < 1e-9 {
                    w = w.max(c.measure(l, TICK, false)? / 2.0 + 2.0);
                }
            }
            for p in self.points() {
                if (p.x - x).abs() < 1e-9 {
                    let label = p.value_label(self.mag, self.pct);
                    w = w.max(c.measure(&label, VALUE, true)? + 6.0);
                }
            }
            Ok(w)
        };
        let (pad_l, pad_r) = (end_w(xmin)?, end_w(xmax)?);
        let inner = (self.px1 - self.px0 - pad_l - pad_r).max(10.0);
        (self.x_lo, self.x_hi) = if xmax > xmin {
            let per_pt = (xmax - xmin) / inner as f64;
            (xmin - pad_l as f64 * per_pt, xmax + pad_r as f64 * per_pt)
        } else {
            (xmin - 1.0, xmax + 1.0)
        };
        Ok(())
    }

    fn xof(&self, x: f64) -> f32 {
        self.px0 + ((x - self.x_lo) / (self.x_hi - self.x_lo)) as f32 * (self.px1 - self.px0)
    }

    fn yof(&self, v: f64) -> f32 {
        let ax = &self.ax;
        self.py1 - ((v - ax.lo) / (ax.hi - ax.lo)) as f32 * (self.py1 - self.py0)
    }

    /// Legend, projection band, grid and value axis, the lines, the zero
    /// rule.
    fn lines(&self, c: &Canvas, chart: &ChartData) -> Result<()> {
        if !self.entries.is_empty() {
            legend(c, &self.entries, self.px0, 0.0, c.w - self.px0)?;
        }
        // The projection period, shaded behind the grid; a chart that is
        // all projection says so in its legend instead of shading
        // everything.
        if let Some((_, pts, _)) = &self.proj
            && !self.series.is_empty()
            && let Some(first) = pts.first()
        {
            let (x0, py0, px1, py1) = (self.xof(first.x), self.py0, self.px1, self.py1);
            c.decorate(|| c.rect(x0, py0, px1, py1, BAND, 1.0))?;
            c.text(
                &crate::edition::words(self.language, "预测期"),
                px1 - 3.0,
                py1 - 3.0,
                TICK_F,
                RB,
            )?;
        }
        let (ax, mag) = (&self.ax, self.mag);
        let fmt = |v: &f64| tick(*v, ax.step, mag);
        let mut ch = ChartBuilder::on(&c.area)
            .margin_top(u(self.py0))
            .margin_bottom(u(self.bottom))
            .margin_right(u(c.w - self.px1))
            .y_label_area_size(u(self.px0))
            .build_cartesian_2d(self.x_lo..self.x_hi, ax.lo..ax.hi)
            .map_err(|e| c.err(e))?;
        value_axis(
            c,
            &mut ch,
            ax.ticks(),
            &fmt,
            chart.y_label.as_deref(),
            GAP / 2.0,
        )?;
        for (i, s) in self.series.iter().enumerate() {
            ch.draw_series(LineSeries::new(
                s.iter().map(|p| (p.x, p.v)),
                stroke(PALETTE[i % PALETTE.len()], 1.8),
            ))
            .map_err(|e| c.err(e))?;
        }
        if let Some((_, pts, anchored)) = &self.proj {
            // One dash operator rather than a path per dash.
            c.set_dash(&[4.0, 2.5]);
            let start = if *anchored {
                None
            } else {
                pts.first().map(|p| (p.x, p.v))
            };
            let line: Vec<(f64, f64)> = start
                .into_iter()
                .chain(pts.iter().map(|p| (p.x, p.v)))
                .collect();
            let r = ch.draw_series(LineSeries::new(line, stroke(self.proj_col, 1.5)));
            c.set_dash(&[]);
            r.map_err(|e| c.err(e))?;
        }
        drop(ch);
        c.rule(
            &[(self.px0, self.yof(0.0)), (self.px1, self.yof(0.0))],
            0.8,
            AXIS,
        )
    }

    /// Where each point's value label would go, beside its point on the
    /// side the line leaves free.
    fn label_plan(
        &self,
        c: &Canvas,
        pts: &[P],
        col: Rgb,
        skip_first: bool,
        out: &mut Vec<Label>,
    ) -> Result<()> {
        for (i, p) in pts.iter().enumerate() {
            if skip_first && i == 0 {
                continue;
            }
            let y = self.yof(p.v);
            let prev = (i > 0).then(|| self.yof(pts[i - 1].v));
            let next = pts.get(i + 1).map(|q| self.yof(q.v));
            let (mut h, mut v, mut dx, mut dy) = label_side(prev, y, next);
            // A label under a point near the zero line would sit on the
            // tick labels: put it above instead.
            if matches!(v, VPos::Top) && y + dy + VALUE > self.py1 - 1.0 {
                (h, v, dx, dy) = (HPos::Center, VPos::Bottom, 0.0, -5.0);
            }
            let s = p.value_label(self.mag, self.pct);
            let w = c.measure(&s, VALUE, true)?;
            let (x, ly) = (self.xof(p.x) + dx, y + dy);
            let x0 = match h {
                HPos::Left => x,
                HPos::Center => x - w / 2.0,
                HPos::Right => x - w,
            };
            let y0 = if matches!(v, VPos::Top) {
                ly
            } else {
                ly - VALUE
            };
            let last = i + 1 == pts.len();
            out.push((s, x, ly, (h, v), col, (x0, y0, x0 + w, y0 + VALUE), last));
        }
        Ok(())
    }

    /// Markers and value labels; dense series keep only their last label.
    fn markers_and_values(&self, c: &Canvas) -> Result<()> {
        let mut labels: Vec<Label> = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            self.label_plan(c, s, PALETTE[i % PALETTE.len()], false, &mut labels)?;
        }
        if let Some((_, pts, anchored)) = &self.proj {
            self.label_plan(c, pts, self.proj_col, *anchored, &mut labels)?;
        }
        // Every point labelled when the labels stand clear of each other;
        // otherwise only each line's last value (the one a reader looks
        // for), and of those only the ones that still clear each other.
        let clash = (0..labels.len())
            .any(|i| (i + 1..labels.len()).any(|j| overlap(labels[i].5, labels[j].5)));
        let mut shown: Vec<&Label> = Vec::new();
        for l in &labels {
            if (!clash || l.6) && !shown.iter().any(|k| overlap(k.5, l.5)) {
                shown.push(l);
            }
        }
        for (i, s) in self.series.iter().enumerate() {
            let col = PALETTE[i % PALETTE.len()];
            // Markers show where observations are; on a dense series they
            // would only thicken the line, so only its last point gets one.
            let dense = s.len() > 12;
            for (k, p) in s.iter().enumerate() {
                if !dense || k + 1 == s.len() {
                    c.dot(self.xof(p.x), self.yof(p.v), 2.4, col, Some((WHITE, 0.9)))?;
                }
            }
        }
        if let Some((_, pts, anchored)) = &self.proj {
            for (i, p) in pts.iter().enumerate() {
                if !(i == 0 && *anchored) {
                    // Hollow markers: projected, not observed.
                    let ring = Some((self.proj_col, 1.1));
                    c.dot(self.xof(p.x), self.yof(p.v), 1.6, WHITE, ring)?;
                }
            }
        }
        for (s, x, y, anchor, col, _, _) in shown {
            let ink = if *col == PALETTE[0] {
                TEXT
            } else {
                darker(*col)
            };
            c.text(s, *x, *y, Font::new(VALUE, true, ink), *anchor)?;
        }
        Ok(())
    }

    /// X tick labels, greedily: data periods first, then projection years,
    /// each kept only if it clears those already placed; then the x title.
    fn x_axis(&self, c: &Canvas, chart: &ChartData) -> Result<()> {
        let mut xt: Vec<&(f64, Text, bool)> = self.xt.iter().collect();
        xt.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.total_cmp(&b.0)));
        let mut kept: Vec<(f32, f32)> = Vec::new();
        let ty = self.py1 + GAP;
        for (x, l, _) in xt {
            let w = c.measure(l, TICK, false)?;
            let cx = self.xof(*x);
            let span = (cx - w / 2.0, cx + w / 2.0);
            if span.0 < 0.0
                || span.1 > c.w
                || kept
                    .iter()
                    .any(|k| span.0 < k.1 + 6.0 && k.0 < span.1 + 6.0)
            {
                continue;
            }
            kept.push(span);
            c.rule(&[(cx, self.py1), (cx, self.py1 + 2.5)], 0.6, AXIS)?;
            c.text(l, cx, ty, TICK_F, CT)?;
        }
        if let Some(xl) = &chart.x_label {
            c.text(xl, (self.px0 + self.px1) / 2.0, c.h - 1.0, TITLE_F, CB)?;
        }
        Ok(())
    }
}

/// The legend: every series and the projection, when there is more than
/// one line.
fn legend_entries(
    chart: &ChartData,
    series: &[Vec<P>],
    proj: &Option<Proj>,
    proj_col: Rgb,
) -> Vec<(Text, Mark)> {
    let mut entries: Vec<(Text, Mark)> = Vec::new();
    if series.len() > 1 || proj.is_some() {
        for (i, s) in chart.series.iter().enumerate() {
            entries.push((
                s.name.clone(),
                Mark::Line(PALETTE[i % PALETTE.len()], false),
            ));
        }
        if let Some((name, _, _)) = proj {
            entries.push((name.clone(), Mark::Line(proj_col, true)));
        }
    }
    entries
}

/// X tick candidates: every data point with its own period, then the
/// projection years.
fn x_ticks(series: &[Vec<P>], proj: &Option<Proj>) -> Vec<(f64, Text, bool)> {
    let mut xt: Vec<(f64, Text, bool)> = Vec::new();
    for p in series.iter().flatten() {
        if !xt
            .iter()
            .any(|(x, l, _)| (*x - p.x).abs() < 1e-9 || l == &p.label)
        {
            xt.push((p.x, p.label.clone(), true));
        }
    }
    if let Some((_, pts, anchored)) = proj {
        for (i, p) in pts.iter().enumerate() {
            if i == 0 && *anchored {
                continue;
            }
            xt.push((p.x, p.label.clone(), false));
        }
    }
    xt
}

/// A line per series, value labels at the points, and the projection dashed.
pub(super) fn draw(c: &Canvas, chart: &ChartData) -> Result<()> {
    let plot = Plot::new(c, chart)?;
    plot.lines(c, chart)?;
    plot.markers_and_values(c)?;
    plot.x_axis(c, chart)
}
