//! Horizontal bar charts: labels on the left, bars from zero, value labels
//! after the bars' ends; also the form a vertical bar chart takes when its
//! labels do not fit under the bars.

use plotters::chart::{ChartBuilder, LabelAreaPosition};
use plotters::element::Rectangle;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Canvas, LC, RC, fill, measure, rgba, stroke, text_style, u, wrap};
use super::scale::tick;
use super::values::{GAP, Table};
use super::{
    AXIS, GRID, GROUP_F, LABEL, LABEL_F, ORANGE, PALETTE, PITCH, SOFT, TICK, TICK_F, TITLE,
    TITLE_F, VALUE, VALUE_F, group_runs, legend, legend_height,
};
use crate::content::ChartData;
use crate::error::Result;
use crate::origin::Text;
use crate::text::fonts::FontSet;

/// Where everything of a horizontal bar chart goes.
struct HGeom {
    t: Table,
    /// Per category: wrapped full label (ungrouped) or sub-label lines.
    lines: Vec<Vec<Text>>,
    /// Width of the group-name column (0 without groups).
    group_w: f32,
    /// Right edge of the label column.
    label_right: f32,
    row_h: f32,
    /// The smallest legible row, for a chart squeezed to fit a page.
    min_row: f32,
    legend_h: f32,
    bottom: f32,
}

/// Axis titles of a horizontal bar chart. `x_label` and `y_label` name the
/// horizontal and vertical axes: for a chart declared `hbar` the value axis
/// is horizontal; a vertical bar chart turned on its side (its labels did
/// not fit under the bars) keeps each title with its data, so its value
/// title (`y_label`) goes to the horizontal axis and its category title
/// (`x_label`) to the vertical one.
pub(super) struct Titles {
    /// Title of the value axis (under it).
    pub(crate) value: Option<Text>,
    /// Title of the category axis (above the labels).
    pub(crate) category: Option<Text>,
}

impl Titles {
    /// A chart declared `hbar`.
    pub(super) fn declared(chart: &ChartData) -> Titles {
        Titles {
            value: chart.x_label.clone(),
            category: chart.y_label.clone(),
        }
    }

    /// A vertical bar chart drawn horizontally.
    pub(super) fn turned(chart: &ChartData) -> Titles {
        Titles {
            value: chart.y_label.clone(),
            category: chart.x_label.clone(),
        }
    }
}

/// Smallest row of a horizontal bar chart squeezed to fit a page: one line
/// of 8 pt labels with a little air, and bars still 8 pt thick.
const MIN_ROW: f32 = 13.0;

fn hgeom(fonts: &FontSet, chart: &ChartData, w: f32, titles: &Titles) -> Result<HGeom> {
    let t = Table::new(chart);
    let runs = group_runs(&t.cats);
    let mut group_w: f32 = 0.0;
    for (g, _, _) in &runs {
        group_w = group_w.max(measure(fonts, g, LABEL, true)?);
    }
    let max_label = (w * 0.3).max(60.0);
    let mut lines = Vec::new();
    let mut label_w: f32 = 0.0;
    for c in &t.cats {
        let room = if c.group.is_some() {
            max_label - group_w - 10.0
        } else {
            max_label
        };
        let l = wrap(fonts, &c.name, LABEL, false, room.max(30.0))?;
        let mut lw: f32 = 0.0;
        for s in &l {
            lw = lw.max(measure(fonts, s, LABEL, false)?);
        }
        label_w = label_w.max(if c.group.is_some() {
            group_w + 10.0 + lw
        } else {
            lw
        });
        lines.push(l);
    }
    let max_lines = lines.iter().map(Vec::len).max().unwrap_or(1) as f32;
    let m = t.names.len().max(1) as f32;
    // Rows tall enough for their labels and for m bars of about 11 pt.
    let row_h = (max_lines * LABEL * PITCH + 8.0)
        .max(11.0 * m + 9.0)
        .max(22.0);
    let min_row = (max_lines * LABEL * PITCH + 3.0)
        .max(8.0 * m + 4.0)
        .max(MIN_ROW);
    let legend_h = if t.legend().is_empty() {
        0.0
    } else {
        legend_height(fonts, &t.legend(), w)? + 2.0
    }
    // The category title sits above the label column.
    + if titles.category.is_some() {
        TITLE * PITCH + 2.0
    } else {
        0.0
    };
    let bottom = GAP
        + TICK
        + if titles.value.is_some() {
            GAP + 1.0 + TITLE
        } else {
            0.0
        }
        + 2.0;
    Ok(HGeom {
        t,
        lines,
        group_w,
        label_right: label_w,
        row_h,
        min_row,
        legend_h,
        bottom,
    })
}

/// Rows of a horizontal bar chart: the height outside the rows, and a
/// row's comfortable and smallest legible height.
pub(super) struct Rows {
    /// Legend, titles and value axis.
    pub(crate) fixed: f32,
    /// A comfortable row.
    pub(crate) row: f32,
    /// The smallest legible row.
    pub(crate) min_row: f32,
    /// Number of rows (categories).
    pub(crate) n: usize,
}

/// How a horizontal bar chart's height is made up.
pub(super) fn hbar_rows(
    fonts: &FontSet,
    chart: &ChartData,
    w: f32,
    titles: &Titles,
) -> Result<Rows> {
    let g = hgeom(fonts, chart, w, titles)?;
    Ok(Rows {
        fixed: g.legend_h + 4.0 + g.bottom,
        row: g.row_h,
        min_row: g.min_row,
        n: g.t.cats.len(),
    })
}

/// A range note: a group's first and last row, its lowest and highest
/// value, and the note (`来源不一：…～…`).
type RangeNote = (usize, usize, f64, f64, String);

/// A horizontal bar chart's geometry, worked out once for its layers.
struct HPlot<'g> {
    g: &'g HGeom,
    runs: Vec<(Text, usize, usize)>,
    notes: Vec<RangeNote>,
    px0: f32,
    px1: f32,
    py0: f32,
    py1: f32,
    right: f32,
    row_h: f32,
    bar_t: f32,
}

impl HPlot<'_> {
    fn xof(&self, v: f64) -> f32 {
        let ax = &self.g.t.ax;
        self.px0 + ((v - ax.lo) as f32 / (ax.hi - ax.lo) as f32) * (self.px1 - self.px0)
    }

    fn yc(&self, k: usize) -> f32 {
        self.py0 + (k as f32 + 0.5) * self.row_h
    }
}

/// Each bar's end: row, value and label.
fn bar_ends(t: &Table) -> Vec<(usize, f64, Text)> {
    let mut ends = Vec::new();
    for row in &t.vals {
        for (k, v) in row.iter().enumerate() {
            if let Some((v, text)) = v {
                ends.push((k, *v, t.label(*v, text)));
            }
        }
    }
    ends
}

/// For a single series, each group whose sources give different figures
/// gets a band over the range and a note naming it.
fn range_notes(
    t: &Table,
    runs: &[(Text, usize, usize)],
    ends: &[(usize, f64, Text)],
) -> Vec<RangeNote> {
    let mut notes = Vec::new();
    if t.names.len() != 1 {
        return notes;
    }
    for (_, a, b) in runs {
        let vs: Vec<f64> = (*a..=*b)
            .filter_map(|k| t.vals[0][k].as_ref().map(|v| v.0))
            .collect();
        let (lo, hi) = (
            vs.iter().copied().fold(f64::INFINITY, f64::min),
            vs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        if vs.len() >= 2 && hi > lo {
            let at = |x: f64| {
                ends.iter()
                    .find(|e| e.0 >= *a && e.0 <= *b && e.1 == x)
                    .map(|e| e.2.to_string())
                    .unwrap_or_default()
            };
            let note = format!("来源不一：{}～{}", at(lo), at(hi));
            notes.push((*a, *b, lo, hi, crate::edition::words(t.language, &note)));
        }
    }
    notes
}

/// The plot's geometry: value labels of negative bars sit left of the
/// bars' ends, in front of the plot; on the right, room for the value
/// labels and range notes past the bars.
fn hplot<'g>(c: &Canvas, g: &'g HGeom) -> Result<HPlot<'g>> {
    let t = &g.t;
    let (n, m) = (t.cats.len(), t.names.len());
    let runs = group_runs(&t.cats);
    let py0 = g.legend_h + 4.0;
    let py1 = c.h - g.bottom;
    let row_h = (py1 - py0) / n.max(1) as f32;
    let mut neg_w: f32 = 0.0;
    for row in &t.vals {
        for (v, text) in row.iter().flatten() {
            if *v < 0.0 {
                neg_w = neg_w.max(c.measure(&t.label(*v, text), VALUE, true)? + 3.0);
            }
        }
    }
    let px0 = g.label_right + GAP * 2.0 + neg_w;
    let ends = bar_ends(t);
    let notes = range_notes(t, &runs, &ends);
    let mut last_tick_w: f32 = 0.0;
    if let Some(s) = t.ticks().last() {
        last_tick_w = c.measure(s, TICK, false)?;
    }
    let span = (t.ax.hi - t.ax.lo) as f32;
    let mut right = last_tick_w / 2.0 + 1.0;
    for _ in 0..3 {
        let plot_w = c.w - px0 - right;
        let xof = |v: f64| px0 + ((v - t.ax.lo) as f32 / span) * plot_w;
        let mut need: f32 = 0.0;
        for (k, v, s) in &ends {
            let mut end = xof(*v) + 3.0 + c.measure(s, VALUE, true)?;
            if let Some(note) = notes.iter().find(|nt| *k >= nt.0 && *k <= nt.1) {
                end += 8.0 + c.measure(&note.4, TICK, false)?;
            }
            need = need.max(end - (c.w - 1.0));
        }
        if need <= 0.0 {
            break;
        }
        right += need;
    }
    Ok(HPlot {
        g,
        runs,
        notes,
        px0,
        px1: c.w - right,
        py0,
        py1,
        right,
        row_h,
        bar_t: (row_h * 0.62).min(11.0 * m as f32 + 2.0),
    })
}

/// Range bands under everything, the grid and value axis, the bars, the
/// zero rule.
fn bars(c: &Canvas, p: &HPlot, titles: &Titles) -> Result<()> {
    let (g, t) = (p.g, &p.g.t);
    let (n, m) = (t.cats.len(), t.names.len());
    for (a, b, lo, hi, _) in &p.notes {
        let top = p.yc(*a) - p.bar_t / 2.0 - 2.0;
        let bottom = p.yc(*b) + p.bar_t / 2.0 + 2.0;
        c.rect(p.xof(*lo), top, p.xof(*hi), bottom, ORANGE, 0.28)?;
    }
    let fmt = |v: &f64| tick(*v, t.ax.step, t.mag);
    let mut ch = ChartBuilder::on(&c.area)
        .margin_top(u(p.py0))
        .margin_left(u(p.px0))
        .margin_right(u(p.right))
        .x_label_area_size(u(g.bottom))
        .build_cartesian_2d(t.ax.lo..t.ax.hi, 0f64..n as f64)
        .map_err(|e| c.err(e))?;
    let mut mesh = ch.configure_mesh();
    mesh.disable_y_mesh()
        .disable_y_axis()
        .x_labels(t.ax.ticks())
        .x_label_formatter(&fmt)
        .x_label_style(text_style(TICK, false, SOFT, HPos::Center, VPos::Top))
        .bold_line_style(stroke(GRID, 0.5))
        .light_line_style(rgba(GRID, 0.0))
        .axis_style(rgba(AXIS, 0.0))
        .set_tick_mark_size(LabelAreaPosition::Bottom, u(GAP / 2.0));
    if let Some(title) = &titles.value {
        mesh.x_desc(title.as_str()).axis_desc_style(text_style(
            TITLE,
            false,
            SOFT,
            HPos::Center,
            VPos::Bottom,
        ));
    }
    c.decorate(|| mesh.draw().map_err(|e| c.err(e)))?;
    // Row k from the top is data band [n − k − 1, n − k].
    let (row_h, bar_t) = (p.row_h, p.bar_t);
    let th = bar_t / row_h / m as f32;
    let mut rects = Vec::new();
    for (s, row) in t.vals.iter().enumerate() {
        for (k, v) in row.iter().enumerate() {
            let Some((v, _)) = v else { continue };
            let top = (n - k) as f32 - 0.5 + bar_t / row_h / 2.0 - s as f32 * th;
            let gap = if m > 1 { 1.0 / row_h } else { 0.0 };
            rects.push(Rectangle::new(
                [
                    (0f64.max(t.ax.lo), (top - th + gap) as f64),
                    (*v, top as f64),
                ],
                fill(PALETTE[s % PALETTE.len()]),
            ));
        }
    }
    ch.draw_series(rects).map_err(|e| c.err(e))?;
    drop(ch);
    c.rule(&[(p.xof(0.0), p.py0), (p.xof(0.0), p.py1)], 0.8, AXIS)
}

/// Value labels after each bar's end (before it for negative values),
/// and range notes beside their group, after its longest value label.
fn values(c: &Canvas, p: &HPlot) -> Result<()> {
    let t = &p.g.t;
    let sub_t = p.bar_t / t.names.len() as f32;
    for (s, row) in t.vals.iter().enumerate() {
        for (k, v) in row.iter().enumerate() {
            let Some((v, text)) = v else { continue };
            let y = p.yc(k) - p.bar_t / 2.0 + (s as f32 + 0.5) * sub_t;
            let label = t.label(*v, text);
            if *v >= 0.0 {
                c.text(&label, p.xof(*v) + 3.0, y, VALUE_F, LC)?;
            } else {
                c.text(&label, p.xof(*v) - 3.0, y, VALUE_F, RC)?;
            }
        }
    }
    for (a, b, _, _, note) in &p.notes {
        let mut end: f32 = 0.0;
        for k in *a..=*b {
            if let Some((v, text)) = &t.vals[0][k] {
                end = end.max(p.xof(*v) + 3.0 + c.measure(&t.label(*v, text), VALUE, true)?);
            }
        }
        c.text(note, end + 8.0, (p.yc(*a) + p.yc(*b)) / 2.0, TICK_F, LC)?;
    }
    Ok(())
}

/// Labels: grouped rows get the group once, bracketed, and their own
/// sub-labels; the others their wrapped label, right-aligned.
fn labels(c: &Canvas, p: &HPlot) -> Result<()> {
    let g = p.g;
    let lx = g.label_right;
    for (k, lines) in g.lines.iter().enumerate() {
        let pitch = LABEL * PITCH;
        let y0 = p.yc(k) - (lines.len() as f32 - 1.0) * pitch / 2.0;
        for (i, l) in lines.iter().enumerate() {
            c.text(l, lx, y0 + i as f32 * pitch, LABEL_F, RC)?;
        }
    }
    for (name, a, b) in &p.runs {
        let bx = g.group_w + 5.0;
        let (y0, y1) = (p.yc(*a) - p.bar_t / 2.0, p.yc(*b) + p.bar_t / 2.0);
        c.rule(
            &[(bx + 2.0, y0), (bx, y0), (bx, y1), (bx + 2.0, y1)],
            0.6,
            AXIS,
        )?;
        c.text(name, g.group_w, (p.yc(*a) + p.yc(*b)) / 2.0, GROUP_F, RC)?;
    }
    Ok(())
}

/// Horizontal bars: labels on the left, value labels after the bars'
/// ends. Where neighbouring labels name one thing from different sources
/// (`H20（ByteAILab）`, `H20（司库财经）`), the thing is named once with a
/// bracket, each bar is labelled with its source, and a band marks the
/// range the sources span.
pub(super) fn horizontal(c: &Canvas, chart: &ChartData, titles: &Titles) -> Result<()> {
    let g = hgeom(c.fonts, chart, c.w, titles)?;
    let t = &g.t;
    if !t.legend().is_empty() {
        let x = g.label_right + GAP * 2.0;
        legend(c, &t.legend(), x, 0.0, c.w - x)?;
    }
    if let Some(title) = &titles.category {
        let y = g.legend_h - 2.0 - TITLE * (PITCH - 1.0);
        c.text(title, 0.0, y, TITLE_F, super::canvas::LB)?;
    }
    let p = hplot(c, &g)?;
    bars(c, &p, titles)?;
    values(c, &p)?;
    labels(c, &p)
}
