//! Bar charts: vertical (one or several series), and horizontal for long
//! labels and for figures reported differently by different sources.

use plotters::chart::{ChartBuilder, LabelAreaPosition};
use plotters::element::Rectangle;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    CB, CT, Canvas, LC, RC, fill, measure, rgba, splits_word, stroke, text_style, u, value_axis,
    wrap,
};
use super::scale::{Axis, Magnitude, axis, magnitude, tick, value_label};
use super::{
    AXIS, Cat, GRID, GROUP_F, LABEL, LABEL_F, Mark, ORANGE, PALETTE, PITCH, SOFT, TICK, TICK_F,
    TITLE, TITLE_F, VALUE, VALUE_F, categories, group_runs, legend, legend_height, split_labels,
};
use crate::content::ChartData;
use crate::error::Result;
use crate::text::fonts::FontSet;

/// Gap between tick labels and the plot, and other small clearances.
const GAP: f32 = 4.0;
/// Widest slot a category gets: a chart of two bars should not spread them
/// a page apart.
const MAX_SLOT: f32 = 96.0;
/// Category labels wrap to at most this many lines before the chart turns
/// to horizontal bars.
const MAX_LINES: usize = 3;

/// The values of a chart as a table: categories × series.
struct Table {
    cats: Vec<Cat>,
    /// `vals[s][k]`: value and its written text, if series `s` has category `k`.
    vals: Vec<Vec<Option<(f64, String)>>>,
    names: Vec<String>,
    ax: Axis,
    mag: Magnitude,
}

impl Table {
    fn new(chart: &ChartData) -> Table {
        let labels = categories(chart);
        let points: Vec<Vec<Option<&crate::content::Point>>> = chart
            .series
            .iter()
            .map(|s| {
                labels
                    .iter()
                    .map(|l| s.points.iter().find(|p| &p.label == l))
                    .collect()
            })
            .collect();
        let all = || points.iter().flatten().flatten().map(|p| p.value);
        let lo = all().fold(0.0f64, f64::min);
        let hi = all().fold(0.0f64, f64::max);
        let ax = axis(lo, hi, 5);
        let unit = chart.unit.as_deref();
        let mag = magnitude(lo.abs().max(hi.abs()), unit);
        let pct = unit == Some("%");
        // Each value label is written once, with the qualifier the data
        // gives (超过, 多, 以上), so a bound never reads as an exact figure.
        let vals = points
            .iter()
            .map(|s| {
                s.iter()
                    .map(|p| {
                        p.map(|p| {
                            let core = value_label(p.value, &p.text, mag, pct);
                            (p.value, format!("{}{core}{}", p.before, p.after))
                        })
                    })
                    .collect()
            })
            .collect();
        Table {
            cats: split_labels(&labels),
            vals,
            names: chart.series.iter().map(|s| s.name.clone()).collect(),
            ax,
            mag,
        }
    }

    fn ticks(&self) -> Vec<String> {
        self.ax
            .values()
            .iter()
            .map(|&v| tick(v, self.ax.step, self.mag))
            .collect()
    }

    /// The value label of a bar (written when the table was built).
    fn label(&self, _v: f64, text: &str) -> String {
        text.to_string()
    }

    fn legend(&self) -> Vec<(String, Mark)> {
        if self.names.len() < 2 {
            return Vec::new();
        }
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), Mark::Swatch(PALETTE[i % PALETTE.len()])))
            .collect()
    }
}

/// Where everything of a vertical bar chart goes, in points from the box.
struct VGeom {
    t: Table,
    /// Wrapped category names.
    lines: Vec<Vec<String>>,
    top: f32,
    /// Plot left and right edges.
    px0: f32,
    px1: f32,
    /// Left edge of the y-axis title column.
    title_x: f32,
    slot: f32,
    cat_h: f32,
    group_h: f32,
    /// Category labels fit their slots.
    fits: bool,
}

fn vgeom(fonts: &FontSet, chart: &ChartData, w: f32) -> Result<VGeom> {
    let t = Table::new(chart);
    let ticks = t.ticks();
    let mut tick_w: f32 = 0.0;
    for s in &ticks {
        tick_w = tick_w.max(measure(fonts, s, TICK, false)?);
    }
    let legend_h = if t.legend().is_empty() {
        0.0
    } else {
        legend_height(fonts, &t.legend(), w)? + 2.0
    };
    // Room above the tallest bar for its value label.
    let top = legend_h + VALUE + GAP + 1.0;
    let title_w = if chart.y_label.is_some() {
        TITLE + GAP + 2.0
    } else {
        0.0
    };
    let left = title_w + tick_w + GAP;
    let avail = w - left - GAP;
    let n = t.cats.len().max(1);
    let m = t.names.len().max(1) as f32;
    let plot_w = avail.min(n as f32 * MAX_SLOT.max(26.0 * m + 24.0));
    // A narrow plot is centred, its axis labels with it.
    let x_off = (avail - plot_w) / 2.0;
    let slot = plot_w / n as f32;
    let mut lines = Vec::with_capacity(n);
    let mut fits = true;
    for c in &t.cats {
        let l = wrap(fonts, &c.name, LABEL, false, slot - 6.0)?;
        for s in &l {
            fits &= measure(fonts, s, LABEL, false)? <= slot - 2.0;
        }
        fits &= l.len() <= MAX_LINES && !splits_word(&l);
        lines.push(l);
    }
    for (g, a, b) in group_runs(&t.cats) {
        fits &= measure(fonts, &g, LABEL, true)? <= slot * (b - a + 1) as f32 - 4.0;
    }
    let max_lines = lines.iter().map(Vec::len).max().unwrap_or(1);
    let cat_h = max_lines as f32 * LABEL * PITCH;
    let group_h = if group_runs(&t.cats).is_empty() {
        0.0
    } else {
        5.0 + LABEL * PITCH
    };
    Ok(VGeom {
        t,
        lines,
        top,
        px0: x_off + left,
        px1: x_off + left + plot_w,
        title_x: x_off,
        slot,
        cat_h,
        group_h,
        fits,
    })
}

/// Vertical bars whose labels would not fit are drawn horizontally instead.
pub(super) fn falls_back_to_hbar(fonts: &FontSet, chart: &ChartData, w: f32) -> Result<bool> {
    Ok(!vgeom(fonts, chart, w)?.fits)
}

/// Vertical bars, one colour per series, value labels above the bars,
/// category labels wrapped under them and grouped where the labels say so.
pub(super) fn vertical(c: &Canvas, chart: &ChartData) -> Result<()> {
    let g = vgeom(c.fonts, chart, c.w)?;
    if !g.fits {
        return horizontal(c, chart, &Titles::turned(chart));
    }
    let t = &g.t;
    let n = t.cats.len();
    let m = t.names.len();
    let xt_h = if chart.x_label.is_some() {
        TITLE * PITCH + 3.0
    } else {
        0.0
    };
    // Negative bars hang below the zero line with their labels under them.
    let neg = if t.ax.lo < 0.0 { VALUE + GAP } else { 0.0 };
    let bottom = GAP + neg + g.cat_h + g.group_h + xt_h + 1.0;
    let py0 = g.top;
    let py1 = c.h - bottom;
    if !g.t.legend().is_empty() {
        legend(c, &t.legend(), g.px0, 0.0, c.w - g.px0)?;
    }
    // Bars: a group of m bars per slot, about 26 pt each but between 30 %
    // and 62 % of the slot (a bar chart of two values should not look like
    // two walls), with a hairline gap between neighbours of one group. In
    // data units a slot is 1 wide.
    let group_w = (26.0 * m as f32 / g.slot).clamp(0.3, 0.62);
    let gap = if m > 1 { 1.0 / g.slot } else { 0.0 };
    let bw = group_w / m as f32;
    let fmt = |v: &f64| tick(*v, t.ax.step, t.mag);
    {
        let mut ch = ChartBuilder::on(&c.area)
            .margin_top(u(py0))
            .margin_bottom(u(bottom))
            .margin_left(u(g.title_x))
            .margin_right(u(c.w - g.px1))
            .y_label_area_size(u(g.px0 - g.title_x))
            .build_cartesian_2d(0f64..n as f64, t.ax.lo..t.ax.hi)
            .map_err(|e| c.err(e))?;
        value_axis(
            c,
            &mut ch,
            t.ax.ticks(),
            &fmt,
            chart.y_label.as_deref(),
            GAP / 2.0,
        )?;
        let mut rects = Vec::new();
        for (s, row) in t.vals.iter().enumerate() {
            for (k, v) in row.iter().enumerate() {
                let Some((v, _)) = v else { continue };
                let x0 = k as f32 + 0.5 - group_w / 2.0 + s as f32 * bw;
                rects.push(Rectangle::new(
                    [(x0 as f64, 0.0), ((x0 + bw - gap) as f64, *v)],
                    fill(PALETTE[s % PALETTE.len()]),
                ));
            }
        }
        ch.draw_series(rects).map_err(|e| c.err(e))?;
    }
    let plot_h = py1 - py0;
    let yof = |v: f64| py1 - ((v - t.ax.lo) / (t.ax.hi - t.ax.lo)) as f32 * plot_h;
    let xof = |k: f32| g.px0 + k * g.slot;
    // Value labels, unless neighbours would collide (then the grid says it).
    let mut labels = Vec::new();
    for (s, row) in t.vals.iter().enumerate() {
        for (k, v) in row.iter().enumerate() {
            let Some((v, text)) = v else { continue };
            let cx = xof(k as f32 + 0.5 - group_w / 2.0 + s as f32 * bw + (bw - gap) / 2.0);
            let s = t.label(*v, text);
            let lw = c.measure(&s, VALUE, true)?;
            labels.push((cx, *v, s, lw));
        }
    }
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let clear = labels
        .windows(2)
        .all(|p| p[0].0 + p[0].3 / 2.0 + 2.0 <= p[1].0 - p[1].3 / 2.0);
    if clear {
        for (cx, v, s, _) in &labels {
            if *v >= 0.0 {
                c.text(s, *cx, yof(*v) - 2.5, VALUE_F, CB)?;
            } else {
                c.text(s, *cx, yof(*v) + 2.5, VALUE_F, CT)?;
            }
        }
    }
    // Zero line over the bars' feet.
    c.line(&[(g.px0, yof(0.0)), (g.px1, yof(0.0))], 0.8, AXIS, &[])?;
    // Category labels under their slots.
    let ly = py1 + GAP + neg;
    for (k, lines) in g.lines.iter().enumerate() {
        let cx = xof(k as f32 + 0.5);
        for (i, l) in lines.iter().enumerate() {
            c.text(l, cx, ly + i as f32 * LABEL * PITCH, LABEL_F, CT)?;
        }
    }
    // Group labels under a bracket spanning their categories.
    let gy = ly + g.cat_h + 3.0;
    for (name, a, b) in group_runs(&t.cats) {
        let (x0, x1) = (xof(a as f32) + 4.0, xof(b as f32 + 1.0) - 4.0);
        c.line(
            &[(x0, gy - 2.0), (x0, gy), (x1, gy), (x1, gy - 2.0)],
            0.6,
            AXIS,
            &[],
        )?;
        c.text(&name, (x0 + x1) / 2.0, gy + 2.0, GROUP_F, CT)?;
    }
    if let Some(xt) = &chart.x_label {
        c.text(xt, (g.px0 + g.px1) / 2.0, c.h - 1.0, TITLE_F, CB)?;
    }
    Ok(())
}

/// Where everything of a horizontal bar chart goes.
struct HGeom {
    t: Table,
    /// Per category: wrapped full label (ungrouped) or sub-label lines.
    lines: Vec<Vec<String>>,
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
    pub value: Option<String>,
    /// Title of the category axis (above the labels).
    pub category: Option<String>,
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
    pub fixed: f32,
    /// A comfortable row.
    pub row: f32,
    /// The smallest legible row.
    pub min_row: f32,
    /// Number of rows (categories).
    pub n: usize,
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

/// Horizontal bars: labels on the left, value labels after the bars'
/// ends. Where neighbouring labels name one thing from different sources
/// (`H20（ByteAILab）`, `H20（司库财经）`), the thing is named once with a
/// bracket, each bar is labelled with its source, and a band marks the
/// range the sources span.
pub(super) fn horizontal(c: &Canvas, chart: &ChartData, titles: &Titles) -> Result<()> {
    let g = hgeom(c.fonts, chart, c.w, titles)?;
    let t = &g.t;
    let n = t.cats.len();
    let m = t.names.len();
    let runs = group_runs(&t.cats);
    if !t.legend().is_empty() {
        legend(
            c,
            &t.legend(),
            g.label_right + GAP * 2.0,
            0.0,
            c.w - g.label_right - GAP * 2.0,
        )?;
    }
    if let Some(title) = &titles.category {
        c.text(
            title,
            0.0,
            g.legend_h - 2.0 - TITLE * (PITCH - 1.0),
            TITLE_F,
            super::canvas::LB,
        )?;
    }
    let py0 = g.legend_h + 4.0;
    let py1 = c.h - g.bottom;
    let row_h = (py1 - py0) / n.max(1) as f32;
    // Labels of negative bars sit left of the bars' ends, in front of the plot.
    let mut neg_w: f32 = 0.0;
    for row in &t.vals {
        for (v, text) in row.iter().flatten() {
            if *v < 0.0 {
                neg_w = neg_w.max(c.measure(&t.label(*v, text), VALUE, true)? + 3.0);
            }
        }
    }
    let px0 = g.label_right + GAP * 2.0 + neg_w;
    // Room on the right for value labels and range notes past the bars.
    let mut ends = Vec::new();
    for row in &t.vals {
        for (k, v) in row.iter().enumerate() {
            if let Some((v, text)) = v {
                ends.push((k, *v, t.label(*v, text)));
            }
        }
    }
    let mut notes = Vec::new();
    if m == 1 {
        for (_, a, b) in &runs {
            let vs: Vec<f64> = (*a..=*b)
                .filter_map(|k| t.vals[0][k].as_ref().map(|v| v.0))
                .collect();
            let (lo, hi) = (
                vs.iter().copied().fold(f64::INFINITY, f64::min),
                vs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            );
            if vs.len() >= 2 && hi > lo {
                let lo_s = ends
                    .iter()
                    .find(|e| e.0 >= *a && e.0 <= *b && e.1 == lo)
                    .map(|e| e.2.clone())
                    .unwrap_or_default();
                let hi_s = ends
                    .iter()
                    .find(|e| e.0 >= *a && e.0 <= *b && e.1 == hi)
                    .map(|e| e.2.clone())
                    .unwrap_or_default();
                notes.push((*a, *b, lo, hi, format!("来源不一：{lo_s}～{hi_s}")));
            }
        }
    }
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
    let px1 = c.w - right;
    let plot_w = px1 - px0;
    let xof = |v: f64| px0 + ((v - t.ax.lo) as f32 / span) * plot_w;
    let yc = |k: usize| py0 + (k as f32 + 0.5) * row_h;
    let bar_t = (row_h * 0.62).min(11.0 * m as f32 + 2.0);
    // Range bands first, under everything.
    for (a, b, lo, hi, _) in &notes {
        c.rect(
            xof(*lo),
            yc(*a) - bar_t / 2.0 - 2.0,
            xof(*hi),
            yc(*b) + bar_t / 2.0 + 2.0,
            ORANGE,
            0.28,
        )?;
    }
    let fmt = |v: &f64| tick(*v, t.ax.step, t.mag);
    {
        let mut ch = ChartBuilder::on(&c.area)
            .margin_top(u(py0))
            .margin_left(u(px0))
            .margin_right(u(right))
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
        mesh.draw().map_err(|e| c.err(e))?;
        // Row k from the top is data band [n − k − 1, n − k].
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
    }
    c.line(&[(xof(0.0), py0), (xof(0.0), py1)], 0.8, AXIS, &[])?;
    // Value labels after each bar's end (before it for negative values).
    let sub_t = bar_t / m as f32;
    for (s, row) in t.vals.iter().enumerate() {
        for (k, v) in row.iter().enumerate() {
            let Some((v, text)) = v else { continue };
            let y = yc(k) - bar_t / 2.0 + (s as f32 + 0.5) * sub_t;
            let label = t.label(*v, text);
            if *v >= 0.0 {
                c.text(&label, xof(*v) + 3.0, y, VALUE_F, LC)?;
            } else {
                c.text(&label, xof(*v) - 3.0, y, VALUE_F, RC)?;
            }
        }
    }
    // Range notes beside their group, after the longest value label.
    for (a, b, _, _, note) in &notes {
        let mut end: f32 = 0.0;
        for k in *a..=*b {
            if let Some((v, text)) = &t.vals[0][k] {
                end = end.max(xof(*v) + 3.0 + c.measure(&t.label(*v, text), VALUE, true)?);
            }
        }
        c.text(note, end + 8.0, (yc(*a) + yc(*b)) / 2.0, TICK_F, LC)?;
    }
    // Labels: grouped rows get the group once, bracketed, and their own
    // sub-labels; the others their wrapped label, right-aligned.
    let lx = g.label_right;
    for (k, lines) in g.lines.iter().enumerate() {
        let pitch = LABEL * PITCH;
        let y0 = yc(k) - (lines.len() as f32 - 1.0) * pitch / 2.0;
        for (i, l) in lines.iter().enumerate() {
            c.text(l, lx, y0 + i as f32 * pitch, LABEL_F, RC)?;
        }
    }
    for (name, a, b) in &runs {
        let bx = g.group_w + 5.0;
        let (y0, y1) = (yc(*a) - bar_t / 2.0, yc(*b) + bar_t / 2.0);
        c.line(
            &[(bx + 2.0, y0), (bx, y0), (bx, y1), (bx + 2.0, y1)],
            0.6,
            AXIS,
            &[],
        )?;
        c.text(name, g.group_w, (yc(*a) + yc(*b)) / 2.0, GROUP_F, RC)?;
    }
    Ok(())
}
