//! Vertical bar charts (one or several series); one whose category labels
//! do not fit under its bars is drawn as horizontal bars (`hbars`).

use plotters::chart::ChartBuilder;
use plotters::element::Rectangle;

use super::canvas::{CB, CT, Canvas, fill, measure, splits_word, u, value_axis, wrap};
use super::hbars::{Titles, horizontal};
use super::scale::tick;
use super::values::{GAP, Table};
use super::{
    AXIS, GROUP_F, LABEL, LABEL_F, PALETTE, PITCH, TICK, TITLE, TITLE_F, VALUE, VALUE_F,
    group_runs, legend, legend_height,
};
use crate::content::ChartData;
use crate::error::Result;
use crate::origin::Text;
use crate::text::fonts::FontSet;

/// Widest slot a category gets: a chart of two bars should not spread them
/// a page apart.
const MAX_SLOT: f32 = 96.0;
/// Category labels wrap to at most this many lines before the chart turns
/// to horizontal bars.
const MAX_LINES: usize = 3;

/// Where everything of a vertical bar chart goes, in points from the box.
struct VGeom {
    t: Table,
    /// Wrapped category names.
    lines: Vec<Vec<Text>>,
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

/// Bar geometry in data units, where a slot is 1 wide: a group of m bars
/// per slot, about 26 pt each but between 30 % and 62 % of the slot (a
/// bar chart of two values should not look like two walls), with a
/// hairline gap between neighbours of one group.
struct Bars {
    group_w: f32,
    gap: f32,
    bw: f32,
}

impl Bars {
    fn of(g: &VGeom) -> Bars {
        let m = g.t.names.len();
        let group_w = (26.0 * m as f32 / g.slot).clamp(0.3, 0.62);
        Bars {
            group_w,
            gap: if m > 1 { 1.0 / g.slot } else { 0.0 },
            bw: group_w / m as f32,
        }
    }

    /// Left edge of series `s`'s bar in slot `k`.
    fn x0(&self, k: usize, s: usize) -> f32 {
        k as f32 + 0.5 - self.group_w / 2.0 + s as f32 * self.bw
    }
}

/// Vertical bars; a chart whose category labels do not fit under its
/// bars is drawn horizontally.
pub(super) fn vertical(c: &Canvas, chart: &ChartData) -> Result<()> {
    let g = vgeom(c.fonts, chart, c.w)?;
    if !g.fits {
        return horizontal(c, chart, &Titles::turned(chart));
    }
    let t = &g.t;
    let xt_h = if chart.x_label.is_some() {
        TITLE * PITCH + 3.0
    } else {
        0.0
    };
    // Negative bars hang below the zero line with their labels under them.
    let neg = if t.ax.lo < 0.0 { VALUE + GAP } else { 0.0 };
    let bottom = GAP + neg + g.cat_h + g.group_h + xt_h + 1.0;
    let (py0, py1) = (g.top, c.h - bottom);
    if !g.t.legend().is_empty() {
        legend(c, &t.legend(), g.px0, 0.0, c.w - g.px0)?;
    }
    let bars = Bars::of(&g);
    draw_bars(c, chart, &g, &bars, py0, bottom)?;
    let plot_h = py1 - py0;
    let yof = |v: f64| py1 - ((v - t.ax.lo) / (t.ax.hi - t.ax.lo)) as f32 * plot_h;
    values(c, &g, &bars, &yof)?;
    // Zero line over the bars' feet.
    c.rule(&[(g.px0, yof(0.0)), (g.px1, yof(0.0))], 0.8, AXIS)?;
    categories_under(c, &g, py1 + GAP + neg)?;
    if let Some(xt) = &chart.x_label {
        c.text(xt, (g.px0 + g.px1) / 2.0, c.h - 1.0, TITLE_F, CB)?;
    }
    Ok(())
}

/// The grid, the value axis and the bars.
fn draw_bars(
    c: &Canvas,
    chart: &ChartData,
    g: &VGeom,
    bars: &Bars,
    py0: f32,
    bottom: f32,
) -> Result<()> {
    let t = &g.t;
    let fmt = |v: &f64| tick(*v, t.ax.step, t.mag);
    let mut ch = ChartBuilder::on(&c.area)
        .margin_top(u(py0))
        .margin_bottom(u(bottom))
        .margin_left(u(g.title_x))
        .margin_right(u(c.w - g.px1))
        .y_label_area_size(u(g.px0 - g.title_x))
        .build_cartesian_2d(0f64..t.cats.len() as f64, t.ax.lo..t.ax.hi)
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
            let x0 = bars.x0(k, s);
            rects.push(Rectangle::new(
                [(x0 as f64, 0.0), ((x0 + bars.bw - bars.gap) as f64, *v)],
                fill(PALETTE[s % PALETTE.len()]),
            ));
        }
    }
    ch.draw_series(rects).map_err(|e| c.err(e))?;
    Ok(())
}

/// Value labels over the bars (under negative ones), unless neighbours
/// would collide: then the grid says it.
fn values(c: &Canvas, g: &VGeom, bars: &Bars, yof: &dyn Fn(f64) -> f32) -> Result<()> {
    let t = &g.t;
    let xof = |k: f32| g.px0 + k * g.slot;
    let mut labels = Vec::new();
    for (s, row) in t.vals.iter().enumerate() {
        for (k, v) in row.iter().enumerate() {
            let Some((v, text)) = v else { continue };
            let cx = xof(bars.x0(k, s) + (bars.bw - bars.gap) / 2.0);
            let s = t.label(*v, text);
            let lw = c.measure(&s, VALUE, true)?;
            // A label wider than its bar at the chart's edge stays inside
            // the chart (a minus sign makes a label an en wider).
            let cx = cx.clamp(lw / 2.0, (c.w - lw / 2.0).max(lw / 2.0));
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
    Ok(())
}

/// Category labels under their slots from `ly` down, and group labels
/// under a bracket spanning their categories.
fn categories_under(c: &Canvas, g: &VGeom, ly: f32) -> Result<()> {
    let xof = |k: f32| g.px0 + k * g.slot;
    for (k, lines) in g.lines.iter().enumerate() {
        let cx = xof(k as f32 + 0.5);
        for (i, l) in lines.iter().enumerate() {
            c.text(l, cx, ly + i as f32 * LABEL * PITCH, LABEL_F, CT)?;
        }
    }
    let gy = ly + g.cat_h + 3.0;
    for (name, a, b) in group_runs(&g.t.cats) {
        let (x0, x1) = (xof(a as f32) + 4.0, xof(b as f32 + 1.0) - 4.0);
        c.rule(
            &[(x0, gy - 2.0), (x0, gy), (x1, gy), (x1, gy - 2.0)],
            0.6,
            AXIS,
        )?;
        c.text(&name, (x0 + x1) / 2.0, gy + 2.0, GROUP_F, CT)?;
    }
    Ok(())
}
