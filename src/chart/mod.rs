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

pub(crate) mod backend;
mod bars;
pub(crate) mod canvas;
mod hbars;
mod line;
pub(crate) mod scale;
mod timeline;
mod values;

use crate::config::ChartKind;
use crate::content::ChartData;
use crate::error::{Error, Kind, Result};
use crate::frame::{Item, Rgb};
use crate::origin::Text;
use crate::text::fonts::FontSet;
use canvas::{CC, Canvas, Font, LC};

/// Series colour 1: navy (CIE L* 24), the briefing's own accent.
pub(crate) const NAVY: Rgb = Rgb::from_u8(0x1f, 0x3a, 0x5f);
/// Series colour 2: orange (L* 74): opposite navy in hue and far from it
/// in lightness, the pair colour-blind readers tell apart most easily.
pub(crate) const ORANGE: Rgb = Rgb::from_u8(0xf2, 0xa5, 0x41);
/// Series colour 3: teal (L* 52), between the two in lightness.
pub(crate) const TEAL: Rgb = Rgb::from_u8(0x23, 0x8b, 0x83);
/// Series colour 4: light grey (L* 86), for a residual series.
pub(crate) const GREY: Rgb = Rgb::from_u8(0xd2, 0xd7, 0xdd);
/// The palette in the order series take it.
pub(crate) const PALETTE: [Rgb; 4] = [NAVY, ORANGE, TEAL, GREY];

/// Chart text colour (value labels, category labels).
pub(crate) const TEXT: Rgb = crate::style::INK;
/// Secondary chart text (tick labels, axis titles, notes).
pub(crate) const SOFT: Rgb = crate::style::MUTED;
/// Gridlines: light enough to recede behind the data.
pub(crate) const GRID: Rgb = Rgb::from_u8(0xe1, 0xe4, 0xe8);
/// The zero line and brackets.
pub(crate) const AXIS: Rgb = Rgb::from_u8(0x7a, 0x7f, 0x87);
/// Background band marking a projection period.
pub(crate) const BAND: Rgb = Rgb::from_u8(0xf1, 0xf2, 0xf4);

/// Tick labels, in points.
pub(crate) const TICK: f32 = 7.5;
/// Category labels and legend, in points.
pub(crate) const LABEL: f32 = 8.0;
/// Value labels (bold), in points.
pub(crate) const VALUE: f32 = 7.5;
/// Axis titles, in points.
pub(crate) const TITLE: f32 = 7.5;
/// Line pitch of wrapped chart text, as a multiple of its size.
pub(crate) const PITCH: f32 = 1.3;

/// Tick labels: small and muted, the scale recedes behind the data.
pub(crate) const TICK_F: Font = Font::new(TICK, false, SOFT);
/// Category labels and legend entries.
pub(crate) const LABEL_F: Font = Font::new(LABEL, false, TEXT);
/// Group labels (the region under its bars, the chip beside its sources).
pub(crate) const GROUP_F: Font = Font::new(LABEL, true, TEXT);
/// Value labels: the figures the reader came for, in bold.
pub(crate) const VALUE_F: Font = Font::new(VALUE, true, TEXT);
/// Axis titles.
pub(crate) const TITLE_F: Font = Font::new(TITLE, false, SOFT);
/// Remarks inside a chart ("no data").
pub(crate) const NOTE_F: Font = Font::new(LABEL, false, SOFT);

/// One figure as placed: the chart data it shows (a part of the chart's
/// categories when it is continued) and its box.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// The data this part shows.
    pub(crate) chart: ChartData,
    /// Width of the chart box, at most the text width.
    pub(crate) w: f32,
    /// Height of the chart box.
    pub(crate) h: f32,
    /// A continuation of the previous part (captioned 图N（续）).
    pub(crate) continued: bool,
}

/// Narrowest chart box, as a share of the text width: charts of few points
/// or bars are this wide, so neighbouring small charts match.
const MIN_WIDTH: f32 = 0.62;
/// Room per point of a line chart and per bar of a bar chart, in points.
const PER_POINT: f32 = 80.0;
/// Line charts: height over width.
const LINE_ASPECT: f32 = 0.55;
/// Vertical bars: height over width.
const BAR_ASPECT: f32 = 0.55;

/// Plans a chart into boxes no wider than `max_w` and no taller than
/// `max_h`: its size comes from its content and kind (points and bars get
/// their room, rows their height, a calm aspect per kind); rows squeeze to
/// the smallest legible height before a chart is continued as further
/// parts; a chart that cannot fit even so is refused by name.
pub(crate) fn plan(
    fonts: &FontSet,
    chart: &ChartData,
    max_w: f32,
    max_h: f32,
) -> Result<Vec<Part>> {
    check(chart)?;
    let min_w = (max_w * MIN_WIDTH).round();
    let one = |w: f32, h: f32| {
        vec![Part {
            chart: chart.clone(),
            w,
            h: h.min(max_h).round(),
            continued: false,
        }]
    };
    if chart.series.iter().all(|s| s.points.is_empty()) && chart.projection.is_none() {
        return Ok(one(min_w, 60.0));
    }
    match chart.kind {
        ChartKind::Line => {
            let n =
                categories(chart).len() + chart.projection.as_ref().map_or(0, |p| p.points.len());
            let w = (n as f32 * PER_POINT + 60.0).clamp(min_w, max_w);
            Ok(one(w, (w * LINE_ASPECT).max(140.0)))
        }
        ChartKind::Bar | ChartKind::GroupedBar
            if !bars::falls_back_to_hbar(fonts, chart, max_w)? =>
        {
            let n = categories(chart).len();
            let m = chart.series.len().max(1) as f32;
            let w = (n as f32 * PER_POINT.max(28.0 * m + 30.0) + 60.0).clamp(min_w, max_w);
            Ok(one(w, (w * BAR_ASPECT).max(150.0)))
        }
        ChartKind::Bar | ChartKind::GroupedBar => {
            rows(fonts, chart, max_w, max_h, &hbars::Titles::turned(chart))
        }
        ChartKind::HBar => rows(fonts, chart, max_w, max_h, &hbars::Titles::declared(chart)),
        ChartKind::Timeline => timeline_parts(fonts, chart, max_w, max_h),
    }
}

/// A chart drawn as rows: its comfortable height if that fits, else rows
/// squeezed to fit, else parts of equal size with comfortable rows.
fn rows(
    fonts: &FontSet,
    chart: &ChartData,
    w: f32,
    max_h: f32,
    titles: &hbars::Titles,
) -> Result<Vec<Part>> {
    let r = hbars::hbar_rows(fonts, chart, w, titles)?;
    let n = r.n.max(1);
    let room = max_h - r.fixed;
    if r.fixed + n as f32 * r.row <= max_h {
        return Ok(vec![Part {
            chart: chart.clone(),
            w,
            h: (r.fixed + n as f32 * r.row).ceil(),
            continued: false,
        }]);
    }
    if n as f32 * r.min_row <= room {
        return Ok(vec![Part {
            chart: chart.clone(),
            w,
            h: max_h.floor(),
            continued: false,
        }]);
    }
    // As few parts as squeezed rows allow, the rows then as comfortable as
    // the parts' equal shares of the categories leave room for.
    let per = (room / r.min_row).floor() as usize;
    if per == 0 {
        return Err(too_big(chart));
    }
    let parts = n.div_ceil(per);
    let size = n.div_ceil(parts);
    let cats = categories(chart);
    Ok(cats
        .chunks(size)
        .enumerate()
        .map(|(i, chunk)| {
            let part = subset(chart, chunk);
            let k = categories(&part).len();
            Part {
                chart: part,
                w,
                h: (r.fixed + k as f32 * r.row).min(max_h).floor(),
                continued: i > 0,
            }
        })
        .collect())
}

/// A timeline, continued over as many parts as its events need.
fn timeline_parts(fonts: &FontSet, chart: &ChartData, w: f32, max_h: f32) -> Result<Vec<Part>> {
    let cats = categories(chart);
    for parts in 1..=cats.len().max(1) {
        let size = cats.len().div_ceil(parts).max(1);
        let mut out = Vec::new();
        for (i, chunk) in cats.chunks(size).enumerate() {
            let part = subset(chart, chunk);
            let h = timeline::height(fonts, &part, w)?;
            if h > max_h {
                break;
            }
            out.push(Part {
                chart: part,
                w,
                h,
                continued: i > 0,
            });
        }
        if out.len() == cats.len().div_ceil(size) {
            return Ok(out);
        }
    }
    Err(too_big(chart))
}

/// The chart restricted to the categories `keep`.
fn subset(chart: &ChartData, keep: &[Text]) -> ChartData {
    let mut c = chart.clone();
    for s in &mut c.series {
        s.points.retain(|p| keep.contains(&p.label));
    }
    c.series.retain(|s| !s.points.is_empty());
    c
}

fn too_big(chart: &ChartData) -> Error {
    Error::at_origin(
        Kind::Data,
        chart.title.first_origin(),
        format!(
            "chart “{}” cannot fit on a page even split into parts: a single category or event is taller than the page; shorten its labels",
            chart.title
        ),
    )
}

/// Draws `chart` into the box (x, y, w, h), returning vector items.
pub(crate) fn draw(
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
        c.text(
            &crate::edition::words(chart.language, "（暂无可绘制的数据）"),
            w / 2.0,
            h / 2.0,
            NOTE_F,
            CC,
        )?;
        return c.finish();
    }
    match chart.kind {
        ChartKind::Bar | ChartKind::GroupedBar => bars::vertical(&c, chart)?,
        ChartKind::HBar => hbars::horizontal(&c, chart, &hbars::Titles::declared(chart))?,
        ChartKind::Line => line::draw(&c, chart)?,
        ChartKind::Timeline => timeline::draw(&c, chart)?,
    }
    c.finish()
}

/// `s`, a figure of `t` written in another form (a value label in 万, a
/// tick), pointing where `t` came from.
pub(crate) fn restated(t: &Text, s: String) -> Text {
    match t.first_origin() {
        Some(o) => Text::input(s, o),
        None => Text::plain(s),
    }
}

/// Remarks a chart adds about itself to its figure's note (a value axis
/// that does not start at zero), in the program's words: the figure's
/// source line and alt text put them in the edition's script.
pub(crate) fn notes(chart: &ChartData) -> Vec<Text> {
    let mut out = Vec::new();
    if chart.kind == ChartKind::Line && line::focused(chart) {
        out.push(Text::plain("纵轴起点不为零，以便看清变化"));
    }
    out
}

/// Values a chart cannot place honestly are refused by name.
fn check(chart: &ChartData) -> Result<()> {
    for s in &chart.series {
        for p in &s.points {
            if !p.value.is_finite() {
                return Err(Error::at_origin(
                    Kind::Data,
                    p.label.first_origin(),
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
        return Err(Error::at_origin(
            Kind::Data,
            name.first_origin(),
            format!(
                "chart “{}”: projection “{name}” has a value that is not a finite number",
                chart.title
            ),
        ));
    }
    Ok(())
}

/// Category labels of all series, in order of first appearance.
fn categories(chart: &ChartData) -> Vec<Text> {
    let mut out: Vec<Text> = Vec::new();
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
    group: Option<Text>,
    name: Text,
}

/// Splits labels into groups where the data says so: when every label is
/// `group：name`, or when neighbouring labels share the part before a
/// bracket (`H20（ByteAILab）`, `H20（司库财经）`: one chip, two sources).
/// A lone bracketed remark (`寒武纪芯片（原文型号存疑）`) stays whole.
fn split_labels(labels: &[Text]) -> Vec<Cat> {
    if !labels.is_empty()
        && labels.iter().all(|l| {
            l.split_once('：')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        })
    {
        return labels
            .iter()
            .map(|l| {
                let at = l.find('：').expect("checked above");
                Cat {
                    group: Some(l.slice(0..at)),
                    name: l.slice(at + '：'.len_utf8()..l.len()),
                }
            })
            .collect();
    }
    let bracket = |l: &Text| -> Option<(Text, Text)> {
        let inner = l.strip_suffix('）')?;
        let open = inner.find('（')?;
        let (a, b) = (&inner[..open], &inner[open + '（'.len_utf8()..]);
        (!a.is_empty() && !b.is_empty()).then(|| {
            (
                l.slice(0..open),
                l.slice(open + '（'.len_utf8()..inner.len()),
            )
        })
    };
    let parts: Vec<Option<(Text, Text)>> = labels.iter().map(bracket).collect();
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
fn group_runs(cats: &[Cat]) -> Vec<(Text, usize, usize)> {
    let mut out: Vec<(Text, usize, usize)> = Vec::new();
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
fn legend(c: &Canvas, entries: &[(Text, Mark)], x: f32, y: f32, max_w: f32) -> Result<f32> {
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
fn legend_height(fonts: &FontSet, entries: &[(Text, Mark)], max_w: f32) -> Result<f32> {
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
mod edge_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
