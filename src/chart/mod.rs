//! Charts: plotters drawing through our own backend into page items.
//!
//! Each chart kind lays out its own box: it measures its labels with the
//! real fonts, decides how much room axis labels, category labels and
//! legends need, and hands plotters the remaining plot area for the grid,
//! the value axis and the series. What plotters does badly for Chinese
//! briefings (wrapped or grouped category labels, value labels, the
//! timeline's staggered captions) is placed by hand, but still drawn through
//! plotters elements, so every mark reaches the page through
//! [`backend::PdfBackend`].
//!
//! Style (one for the whole briefing): a light horizontal grid, no frame,
//! a darker zero line, muted axis text, value labels in bold, and a palette
//! whose four colours differ in lightness as well as hue, so they survive
//! greyscale printing and the common forms of colour blindness.

pub mod backend;
mod bars;
pub mod canvas;
mod line;
pub mod scale;
mod timeline;

use crate::config::ChartKind;
use crate::content::ChartData;
use crate::error::{Error, Kind, Result};
use crate::frame::{Item, Rgb};
use crate::text::fonts::FontSet;
use canvas::{CC, Canvas, Font, LC};

/// Series colour 1: navy (CIE L* 24), the briefing's own accent.
pub const NAVY: Rgb = Rgb::from_u8(0x1f, 0x3a, 0x5f);
/// Series colour 2: orange (L* 74): opposite navy in hue and far from it
/// in lightness, the pair colour-blind readers tell apart most easily.
pub const ORANGE: Rgb = Rgb::from_u8(0xf2, 0xa5, 0x41);
/// Series colour 3: teal (L* 52), between the two in lightness.
pub const TEAL: Rgb = Rgb::from_u8(0x23, 0x8b, 0x83);
/// Series colour 4: light grey (L* 86), for a residual series.
pub const GREY: Rgb = Rgb::from_u8(0xd2, 0xd7, 0xdd);
/// The palette in the order series take it.
pub const PALETTE: [Rgb; 4] = [NAVY, ORANGE, TEAL, GREY];

/// Chart text colour (value labels, category labels).
pub const TEXT: Rgb = crate::style::INK;
/// Secondary chart text (tick labels, axis titles, notes).
pub const SOFT: Rgb = crate::style::MUTED;
/// Gridlines: light enough to recede behind the data.
pub const GRID: Rgb = Rgb::from_u8(0xe1, 0xe4, 0xe8);
/// The zero line and brackets.
pub const AXIS: Rgb = Rgb::from_u8(0x7a, 0x7f, 0x87);
/// Background band marking a projection period.
pub const BAND: Rgb = Rgb::from_u8(0xf1, 0xf2, 0xf4);

/// Tick labels, in points.
pub const TICK: f32 = 7.5;
/// Category labels and legend, in points.
pub const LABEL: f32 = 8.0;
/// Value labels (bold), in points.
pub const VALUE: f32 = 7.5;
/// Axis titles, in points.
pub const TITLE: f32 = 7.5;
/// Line pitch of wrapped chart text, as a multiple of its size.
pub const PITCH: f32 = 1.3;

/// Tick labels: small and muted, the scale recedes behind the data.
pub const TICK_F: Font = Font::new(TICK, false, SOFT);
/// Category labels and legend entries.
pub const LABEL_F: Font = Font::new(LABEL, false, TEXT);
/// Group labels (the region under its bars, the chip beside its sources).
pub const GROUP_F: Font = Font::new(LABEL, true, TEXT);
/// Value labels: the figures the reader came for, in bold.
pub const VALUE_F: Font = Font::new(VALUE, true, TEXT);
/// Axis titles.
pub const TITLE_F: Font = Font::new(TITLE, false, SOFT);
/// Remarks inside a chart ("no data").
pub const NOTE_F: Font = Font::new(LABEL, false, SOFT);

/// The height a chart wants when it is `w` points wide: bar and line
/// charts keep a calm aspect ratio, horizontal bars and timelines grow
/// with their rows.
pub fn preferred_height(fonts: &FontSet, chart: &ChartData, w: f32) -> Result<f32> {
    if chart.series.iter().all(|s| s.points.is_empty()) && chart.projection.is_none() {
        return Ok(60.0);
    }
    Ok(match chart.kind {
        ChartKind::Line => (w * 0.46).round(),
        ChartKind::Bar | ChartKind::GroupedBar => {
            let n = categories(chart).len();
            if bars::falls_back_to_hbar(fonts, chart, w)? {
                bars::hbar_height(fonts, chart, w)?
            } else if n <= 3 {
                (w * 0.40).round()
            } else {
                (w * 0.46).round()
            }
        }
        ChartKind::HBar => bars::hbar_height(fonts, chart, w)?,
        ChartKind::Timeline => timeline::height(fonts, chart, w)?,
    })
}

/// Draws `chart` into the box (x, y, w, h), returning vector items.
pub fn draw(
    fonts: &FontSet,
    chart: &ChartData,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
) -> Result<Vec<Item>> {
    check(chart)?;
    let c = Canvas::new(fonts, x, y, w, h);
    if chart.series.iter().all(|s| s.points.is_empty()) && chart.projection.is_none() {
        // Never a blank figure: say that there is nothing to show.
        c.text("（暂无可绘制的数据）", w / 2.0, h / 2.0, NOTE_F, CC)?;
        return c.finish();
    }
    match chart.kind {
        ChartKind::Bar | ChartKind::GroupedBar => bars::vertical(&c, chart)?,
        ChartKind::HBar => bars::horizontal(&c, chart)?,
        ChartKind::Line => line::draw(&c, chart)?,
        ChartKind::Timeline => timeline::draw(&c, chart)?,
    }
    c.finish()
}

/// Values a chart cannot place honestly are refused by name.
fn check(chart: &ChartData) -> Result<()> {
    for s in &chart.series {
        for p in &s.points {
            if !p.value.is_finite() {
                return Err(Error::new(
                    Kind::Data,
                    format!(
                        "chart “{}”: value of “{}” in series “{}” is not a finite number",
                        chart.title, p.label, s.name
                    ),
                ));
            }
        }
    }
    if let Some(p) = &chart.projection
        && p.points.iter().any(|(_, v)| !v.is_finite())
    {
        let name = &p.name;
        return Err(Error::new(
            Kind::Data,
            format!(
                "chart “{}”: projection “{name}” has a value that is not a finite number",
                chart.title
            ),
        ));
    }
    Ok(())
}

/// Category labels of all series, in order of first appearance.
fn categories(chart: &ChartData) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &chart.series {
        for p in &s.points {
            if !out.contains(&p.label) {
                out.push(p.label.clone());
            }
        }
    }
    out
}

/// A category label split for display: an optional group shared with its
/// neighbours (the region in `青岛：三年培育目标`, the chip in
/// `H20（ByteAILab）`) and the rest.
#[derive(Debug, Clone, PartialEq)]
struct Cat {
    group: Option<String>,
    name: String,
}

/// Splits labels into groups where the data says so: when every label is
/// `group：name`, or when neighbouring labels share the part before a
/// bracket (`H20（ByteAILab）`, `H20（司库财经）`: one chip, two sources).
/// A lone bracketed remark (`寒武纪芯片（原文型号存疑）`) stays whole.
fn split_labels(labels: &[String]) -> Vec<Cat> {
    if !labels.is_empty()
        && labels.iter().all(|l| {
            l.split_once('：')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        })
    {
        return labels
            .iter()
            .map(|l| {
                let (a, b) = l.split_once('：').expect("checked above");
                Cat {
                    group: Some(a.to_string()),
                    name: b.to_string(),
                }
            })
            .collect();
    }
    let bracket = |l: &str| -> Option<(String, String)> {
        let inner = l.strip_suffix('）')?;
        let (a, b) = inner.split_once('（')?;
        (!a.is_empty() && !b.is_empty()).then(|| (a.to_string(), b.to_string()))
    };
    let parts: Vec<Option<(String, String)>> = labels.iter().map(|l| bracket(l)).collect();
    let head = |i: usize| parts[i].as_ref().map(|p| p.0.as_str());
    (0..labels.len())
        .map(|i| {
            let shared = head(i).is_some()
                && ((i > 0 && head(i - 1) == head(i))
                    || (i + 1 < labels.len() && head(i + 1) == head(i)));
            match (&parts[i], shared) {
                (Some((a, b)), true) => Cat {
                    group: Some(a.clone()),
                    name: b.clone(),
                },
                _ => Cat {
                    group: None,
                    name: labels[i].clone(),
                },
            }
        })
        .collect()
}

/// Runs of neighbouring categories in the same group: (group, first, last).
fn group_runs(cats: &[Cat]) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for (i, c) in cats.iter().enumerate() {
        let Some(g) = &c.group else { continue };
        match out.last_mut() {
            Some((lg, _, last)) if lg == g && *last + 1 == i => *last = i,
            _ => out.push((g.clone(), i, i)),
        }
    }
    out
}

/// What a legend entry shows beside its name.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// A filled square (bars).
    Swatch(Rgb),
    /// A short line, dashed or not, with a dot (lines).
    Line(Rgb, bool),
}

/// Sets a one-row legend (wrapping to more rows if needed) with its top-left
/// at (x, y); returns its height.
fn legend(c: &Canvas, entries: &[(String, Mark)], x: f32, y: f32, max_w: f32) -> Result<f32> {
    let row = LABEL * 1.6;
    let (mut cx, mut cy) = (x, y);
    for (name, mark) in entries {
        let mark_w = match mark {
            Mark::Swatch(_) => 8.0,
            Mark::Line(..) => 18.0,
        };
        let tw = c.measure(name, LABEL, false)?;
        let item_w = mark_w + 4.0 + tw;
        if cx > x && cx + item_w > x + max_w {
            cx = x;
            cy += row;
        }
        let mid = cy + row / 2.0;
        match *mark {
            Mark::Swatch(col) => c.rect(cx, mid - 4.0, cx + 8.0, mid + 4.0, col, 1.0)?,
            Mark::Line(col, dashed) => {
                c.line(
                    &[(cx, mid), (cx + 18.0, mid)],
                    1.6,
                    col,
                    if dashed { &[3.0, 2.0] } else { &[] },
                )?;
                c.dot(cx + 9.0, mid, 2.2, col, Some((Rgb(1.0, 1.0, 1.0), 0.8)))?;
            }
        }
        c.text(name, cx + mark_w + 4.0, mid, LABEL_F, LC)?;
        cx += item_w + 14.0;
    }
    Ok(cy + row - y)
}

/// Height `legend` will take, without drawing.
fn legend_height(fonts: &FontSet, entries: &[(String, Mark)], max_w: f32) -> Result<f32> {
    let row = LABEL * 1.6;
    let (mut cx, mut rows) = (0.0f32, 1.0f32);
    for (name, mark) in entries {
        let mark_w = if matches!(mark, Mark::Swatch(_)) {
            8.0
        } else {
            18.0
        };
        let item_w = mark_w + 4.0 + canvas::measure(fonts, name, LABEL, false)?;
        if cx > 0.0 && cx + item_w > max_w {
            cx = 0.0;
            rows += 1.0;
        }
        cx += item_w + 14.0;
    }
    Ok(rows * row)
}

#[cfg(test)]
mod tests;
