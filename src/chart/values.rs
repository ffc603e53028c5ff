//! The values of a bar chart as a table — categories × series, the value
//! axis, each bar's label — which vertical (`bars`) and horizontal
//! (`hbars`) bar charts share.

use super::scale::{Axis, Magnitude, axis, magnitude, tick, value_label};
use super::{Cat, Mark, PALETTE, categories, restated, split_labels};
use crate::content::ChartData;
use crate::origin::Text;

/// Gap between tick labels and the plot, and other small clearances.
pub(super) const GAP: f32 = 4.0;

/// The values of a chart as a table: categories × series.
pub(super) struct Table {
    pub(super) cats: Vec<Cat>,
    /// `vals[s][k]`: value and its written text, if series `s` has category `k`.
    pub(super) vals: Vec<Vec<Option<(f64, Text)>>>,
    pub(super) names: Vec<Text>,
    pub(super) ax: Axis,
    pub(super) mag: Magnitude,
    /// The edition, for the chart's own words.
    pub(super) language: crate::config::Language,
}

impl Table {
    pub(super) fn new(chart: &ChartData) -> Table {
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
        let mag = magnitude(lo.abs().max(hi.abs()), unit, chart.language);
        let pct = unit == Some("%");
        // Each value label is written once, with the qualifier the data
        // gives (超过, 多, 以上), so a bound never reads as an exact figure.
        let vals = points
            .iter()
            .map(|s| {
                s.iter()
                    .map(|p| {
                        p.map(|p| {
                            let core = restated(&p.text, value_label(p.value, &p.text, mag, pct));
                            (p.value, crate::txt!(&p.before, core, &p.after))
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
            language: chart.language,
        }
    }

    pub(super) fn ticks(&self) -> Vec<String> {
        self.ax
            .values()
            .iter()
            .map(|&v| tick(v, self.ax.step, self.mag))
            .collect()
    }

    /// The value label of a bar (written when the table was built).
    pub(super) fn label(&self, _v: f64, text: &Text) -> Text {
        text.clone()
    }

    pub(super) fn legend(&self) -> Vec<(Text, Mark)> {
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
