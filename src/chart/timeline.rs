//! A timeline of dated events, drawn by hand: plotters has no notion of
//! captions that must dodge each other.
//!
//! Events sit on a horizontal time axis; each caption (date in bold, then
//! the event, wrapped) hangs from a stem like a flag, on the right of its
//! stem, or on the left near the right edge. Captions are dealt to tiers
//! above and below the axis, nearest first, so that no two captions of a
//! tier overlap and no stem crosses a caption nearer the axis. Events a few
//! days apart (2 and 3 December 2024) thus get separate tiers instead of
//! printing over each other.

use super::canvas::{CT, Canvas, Font, LT, measure, wrap};
use super::{AXIS, LABEL, Mark, PALETTE, PITCH, TEXT, TICK, TICK_F, legend, legend_height};
use crate::content::ChartData;
use crate::error::Result;
use crate::frame::Rgb;
use crate::origin::Text;
use crate::text::fonts::FontSet;

/// Caption body size (the date line uses [`LABEL`]).
const BODY: f32 = 7.5;
/// Clearance between a stem and its caption, and between captions.
const PAD: f32 = 3.5;
/// Horizontal clearance between two captions of one tier.
const SEP: f32 = 8.0;
/// Vertical gap between tiers.
const TIER_GAP: f32 = 6.0;
/// Space between the axis and the nearest tier on each side (the lower
/// side also holds the year labels).
const NEAR_ABOVE: f32 = 10.0;
const NEAR_BELOW: f32 = 10.0 + TICK * PITCH;

#[derive(Debug, Clone)]
struct Event {
    /// Time in fractional years (or index).
    t: f64,
    head: Vec<Text>,
    body: Vec<Text>,
    /// Caption width and height.
    w: f32,
    h: f32,
    series: usize,
}

/// A caption's place: tier (±1, ±2, … ; positive above the axis) and whether
/// it hangs left of its stem.
#[derive(Debug, Clone, Copy)]
struct Place {
    tier: i32,
    left: bool,
}

struct Plan {
    events: Vec<Event>,
    places: Vec<Place>,
    x0: f32,
    x1: f32,
    t0: f64,
    t1: f64,
    /// Height of each tier, index = depth − 1.
    above: Vec<f32>,
    below: Vec<f32>,
    timed: bool,
    legend_h: f32,
}

impl Plan {
    fn x(&self, t: f64) -> f32 {
        self.x0 + ((t - self.t0) / (self.t1 - self.t0)) as f32 * (self.x1 - self.x0)
    }

    /// Caption span [left, right) for event i hung as `p`.
    fn span(&self, i: usize, left: bool) -> (f32, f32) {
        let x = self.x(self.events[i].t);
        let w = self.events[i].w;
        if left {
            (x - PAD - w, x - PAD)
        } else {
            (x + PAD, x + PAD + w)
        }
    }

    fn height(&self) -> f32 {
        let side = |v: &[f32]| v.iter().map(|h| h + TIER_GAP).sum::<f32>();
        self.legend_h + side(&self.above) + NEAR_ABOVE + NEAR_BELOW + side(&self.below)
    }
}

fn legend_entries(chart: &ChartData) -> Vec<(Text, Mark)> {
    if chart.series.len() < 2 {
        return Vec::new();
    }
    chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), Mark::Swatch(PALETTE[i % PALETTE.len()])))
        .collect()
}

/// Each event with its caption set: the date line (the label) bold, the
/// detail under it, no wider than `max_w`; and whether the events are
/// placed in time (all dated) or evenly.
fn events(fonts: &FontSet, chart: &ChartData, max_w: f32) -> Result<(Vec<Event>, bool)> {
    let pts: Vec<(usize, &crate::content::Point)> = chart
        .series
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.points.iter().map(move |p| (i, p)))
        .collect();
    let when = |p: &crate::content::Point| p.when;
    let timed = pts.iter().all(|(_, p)| when(p).is_some());
    let mut events = Vec::with_capacity(pts.len());
    for (k, (si, p)) in pts.iter().enumerate() {
        let head = wrap(fonts, &p.label, LABEL, true, max_w)?;
        let body = if p.detail.is_empty() {
            Vec::new()
        } else {
            wrap(fonts, &p.detail, BODY, false, max_w)?
        };
        let mut cw: f32 = 0.0;
        for l in &head {
            cw = cw.max(measure(fonts, l, LABEL, true)?);
        }
        for l in &body {
            cw = cw.max(measure(fonts, l, BODY, false)?);
        }
        let h = head.len() as f32 * LABEL * PITCH + body.len() as f32 * BODY * PITCH;
        let t = if timed {
            when(p).unwrap_or(0.0)
        } else {
            k as f64
        };
        events.push(Event {
            t,
            head,
            body,
            w: cw,
            h,
            series: *si,
        });
    }
    events.sort_by(|a, b| a.t.total_cmp(&b.t));
    Ok((events, timed))
}

fn plan(fonts: &FontSet, chart: &ChartData, w: f32) -> Result<Plan> {
    let (events, timed) = events(fonts, chart, (w * 0.34).clamp(90.0, 170.0))?;
    let (tmin, tmax) = events
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| {
            (a.min(e.t), b.max(e.t))
        });
    // Whole years when the axis is time, so the year bands are complete.
    let (t0, t1) = if timed {
        (
            (tmin - 0.05).floor(),
            (tmax + 0.05).ceil().max((tmin - 0.05).floor() + 1.0),
        )
    } else {
        (-0.5, events.len() as f64 - 0.5)
    };
    let legend = legend_entries(chart);
    let legend_h = if legend.is_empty() {
        0.0
    } else {
        legend_height(fonts, &legend, w)? + 4.0
    };
    let mut plan = Plan {
        events,
        places: Vec::new(),
        x0: 6.0,
        x1: w - 6.0,
        t0,
        t1,
        above: Vec::new(),
        below: Vec::new(),
        timed,
        legend_h,
    };
    plan.places = (0..plan.events.len()).fold(Vec::new(), |mut places, i| {
        places.push(place(&plan, &places, i, w));
        places
    });
    for (i, p) in plan.places.iter().enumerate() {
        let v = if p.tier > 0 {
            &mut plan.above
        } else {
            &mut plan.below
        };
        let d = p.tier.unsigned_abs() as usize;
        if v.len() < d {
            v.resize(d, 0.0);
        }
        v[d - 1] = v[d - 1].max(plan.events[i].h);
    }
    Ok(plan)
}

/// Deals event `i`'s caption to a tier: nearest first, alternating sides,
/// clear of the captions and stems of the events placed before it.
fn place(plan: &Plan, places: &[Place], i: usize, w: f32) -> Place {
    let x = plan.x(plan.events[i].t);
    for depth in 1..=plan.events.len() as i32 {
        for side in [1, -1] {
            let tier = side * depth;
            for left in [false, true] {
                let (a, b) = plan.span(i, left);
                if a < 0.0 || b > w {
                    continue;
                }
                let clash = places.iter().enumerate().any(|(j, p)| {
                    let (c, d) = plan.span(j, p.left);
                    let xj = plan.x(plan.events[j].t);
                    let same_side = p.tier.signum() == side;
                    // Same tier: captions must not overlap.
                    (p.tier == tier && a < d + SEP && c < b + SEP)
                        // Our stem must not cross a nearer caption …
                        || (same_side && p.tier.abs() < depth && x > c - 2.0 && x < d + 2.0)
                        // … nor our caption a farther caption's stem.
                        || (same_side && p.tier.abs() > depth && xj > a - 2.0 && xj < b + 2.0)
                });
                if !clash {
                    return Place { tier, left };
                }
            }
        }
    }
    // A fresh tier clashes with nothing of its own.
    Place {
        tier: plan.events.len() as i32 + 1,
        left: x > w / 2.0,
    }
}

/// The height the timeline needs at width `w`.
pub(super) fn height(fonts: &FontSet, chart: &ChartData, w: f32) -> Result<f32> {
    Ok(plan(fonts, chart, w)?.height().ceil())
}

/// Draws the timeline.
pub(super) fn draw(c: &Canvas, chart: &ChartData) -> Result<()> {
    let p = plan(c.fonts, chart, c.w)?;
    let legend_e = legend_entries(chart);
    if !legend_e.is_empty() {
        legend(c, &legend_e, p.x0, 0.0, c.w - p.x0)?;
    }
    // Spare height is shared above and below, so the axis is centred in it.
    let spare = ((c.h - p.height()) / 2.0).max(0.0);
    let above_h: f32 = p.above.iter().map(|h| h + TIER_GAP).sum();
    let axis_y = p.legend_h + spare + above_h + NEAR_ABOVE;
    // Top edge of tier `d` above (bottom edge below), outermost edges out.
    let tier_edge = |tier: i32| -> f32 {
        let d = tier.unsigned_abs() as usize;
        if tier > 0 {
            axis_y - NEAR_ABOVE - p.above[..d].iter().map(|h| h + TIER_GAP).sum::<f32>() + TIER_GAP
        } else {
            axis_y + NEAR_BELOW + p.below[..d - 1].iter().map(|h| h + TIER_GAP).sum::<f32>()
        }
    };
    c.rule(&[(p.x0, axis_y), (p.x1, axis_y)], 1.2, AXIS)?;
    if p.timed {
        years(c, &p, axis_y)?;
    }
    for (i, e) in p.events.iter().enumerate() {
        let pl = p.places[i];
        let x = p.x(e.t);
        let col = PALETTE[e.series % PALETTE.len()];
        let (top, stem_end) = if pl.tier > 0 {
            let top = tier_edge(pl.tier);
            (top, top)
        } else {
            let top = tier_edge(pl.tier);
            (top, top + e.h)
        };
        // The stem runs from the axis along the caption's whole side.
        let stem = if pl.tier > 0 {
            (axis_y - 3.0, stem_end)
        } else {
            (axis_y + 3.0, stem_end)
        };
        c.rule(&[(x, stem.0), (x, stem.1)], 0.6, GRID_DARK)?;
        c.dot(x, axis_y, 3.0, col, Some((Rgb(1.0, 1.0, 1.0), 1.0)))?;
        let (a, _) = p.span(i, pl.left);
        let mut y = top;
        for l in &e.head {
            c.text(l, a, y, Font::new(LABEL, true, darker(col)), LT)?;
            y += LABEL * PITCH;
        }
        for l in &e.body {
            c.text(l, a, y, Font::new(BODY, false, TEXT), LT)?;
            y += BODY * PITCH;
        }
    }
    Ok(())
}

/// The year bands under the axis: a tick at each new year, the year's name
/// centred in its span, moved aside (within its year) if a stem going
/// down would cross it.
fn years(c: &Canvas, p: &Plan, axis_y: f32) -> Result<()> {
    let stems: Vec<f32> = (0..p.events.len())
        .filter(|&i| p.places[i].tier < 0)
        .map(|i| p.x(p.events[i].t))
        .collect();
    let mut last_right = f32::MIN;
    let mut y = p.t0 as i32;
    while (y as f64) < p.t1 {
        let (a, b) = (p.x(y as f64), p.x((y + 1) as f64));
        if y as f64 > p.t0 {
            c.rule(&[(a, axis_y - 3.0), (a, axis_y + 3.0)], 0.8, AXIS)?;
        }
        let label = format!("{y}年");
        let w = c.measure(&label, TICK, false)?;
        let mid = (a + b) / 2.0;
        // A year narrower than its name (a long timeline) may spill over
        // its band, but not onto the previous year's name.
        let (lo, hi) = if b - a >= w + 2.0 {
            (a + 1.0, b - 1.0)
        } else {
            ((last_right + 6.0).max(0.0), c.w)
        };
        let free = |cx: f32| {
            cx - w / 2.0 >= lo
                && cx + w / 2.0 <= hi
                && !stems
                    .iter()
                    .any(|&s| s > cx - w / 2.0 - 3.0 && s < cx + w / 2.0 + 3.0)
        };
        let spot = (0..40)
            .flat_map(|k| [mid - k as f32 * 4.0, mid + k as f32 * 4.0])
            .find(|&cx| free(cx));
        if let Some(cx) = spot {
            c.text(&label, cx, axis_y + 4.0, TICK_F, CT)?;
            last_right = cx + w / 2.0;
        }
        y += 1;
    }
    Ok(())
}

/// Stems: darker than the grid, lighter than the axis.
const GRID_DARK: Rgb = Rgb::from_u8(0xb4, 0xb9, 0xc0);

fn darker(c: Rgb) -> Rgb {
    if c == PALETTE[0] {
        c
    } else {
        Rgb(c.0 * 0.62, c.1 * 0.62, c.2 * 0.62)
    }
}
