//! Numbers for axes: round tick steps, Chinese magnitudes (万, 亿) and the
//! position in time of a period written the Chinese way (`2023年8月`).

use crate::config::Language;

/// A value axis: from `lo` to `hi` in steps of `step`, with `lo` ≤ 0 ≤ `hi`
/// so that bars always start at zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Axis {
    /// Lowest tick (0 unless some value is negative).
    pub(crate) lo: f64,
    /// Highest tick.
    pub(crate) hi: f64,
    /// Tick spacing: 1, 2 or 5 × 10ⁿ, the steps plotters' own key-point
    /// search tries, so the grid plotters draws is exactly this one.
    pub(crate) step: f64,
}

impl Axis {
    /// Number of ticks, both ends included.
    pub(crate) fn ticks(&self) -> usize {
        ((self.hi - self.lo) / self.step).round() as usize + 1
    }

    /// The tick values.
    pub(crate) fn values(&self) -> Vec<f64> {
        (0..self.ticks())
            .map(|i| self.lo + i as f64 * self.step)
            .collect()
    }
}

/// The coarsest round step that still gives at least `min_ticks` − 1
/// intervals between `min(lo, 0)` and `max(hi, 0)`. Few, round gridlines
/// read faster than many: 4–6 ticks is what analysts' charts show.
pub(crate) fn axis(lo: f64, hi: f64, min_ticks: usize) -> Axis {
    axis_between(lo.min(0.0), hi.max(0.0), min_ticks)
}

/// Like [`axis`], over `lo..hi` without reaching for zero: a focused value
/// axis (line charts only, and marked as such by the chart).
pub(crate) fn axis_between(lo: f64, hi: f64, min_ticks: usize) -> Axis {
    let mut hi = hi;
    if hi - lo <= 0.0 {
        // All equal (all zero): an honest empty scale rather than a
        // division by zero.
        hi = lo + 1.0;
    }
    let span = hi - lo;
    let intervals = min_ticks.max(2) as f64 - 1.0;
    let mut best = None;
    let mag = 10f64.powf((span / intervals).log10().floor() + 1.0);
    for k in 0..6 {
        let base = mag / 10f64.powi(k);
        for m in [5.0, 2.0, 1.0] {
            let step = base * m;
            let a = (lo / step).floor() * step;
            let b = (hi / step).ceil() * step;
            if (b - a) / step >= intervals - 1e-9 {
                best = Some(Axis { lo: a, hi: b, step });
                break;
            }
        }
        if best.is_some() {
            break;
        }
    }
    let a = best.unwrap_or(Axis {
        lo,
        hi,
        step: span / intervals,
    });
    // More than six intervals (0–140 by 20) is busier than one fewer than
    // asked (0–150 by 50).
    if a.ticks() > 7 && min_ticks > 3 {
        axis_between(lo, hi, min_ticks - 1)
    } else {
        a
    }
}

/// How large numbers are written: plain, in 万 (10⁴) or in 亿 (10⁸).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Magnitude {
    /// Divisor.
    pub(crate) div: f64,
    /// Suffix after the number.
    pub(crate) suffix: &'static str,
}

/// Chinese readers count in 万 and 亿, not thousands and millions: 12 000
/// reads better as 1.2万. Units that already carry a magnitude (万架, 亿元)
/// or are percentages stay plain, since the axis title names them.
///
/// The two words are the program's own, in the edition's script.
pub(crate) fn magnitude(max_abs: f64, unit: Option<&str>, lang: Language) -> Magnitude {
    let plain = Magnitude {
        div: 1.0,
        suffix: "",
    };
    let (wan, yi) = if lang.traditional() {
        ("萬", "億")
    } else {
        ("万", "亿")
    };
    if unit.is_some_and(|u| u.starts_with(['万', '亿', '萬', '億', '%']) || u.contains('%')) {
        return plain;
    }
    if max_abs >= 1e8 {
        Magnitude {
            div: 1e8,
            suffix: yi,
        }
    } else if max_abs >= 1e4 {
        Magnitude {
            div: 1e4,
            suffix: wan,
        }
    } else {
        plain
    }
}

/// A tick label: as many decimals as the step needs, no more.
pub(crate) fn tick(v: f64, step: f64, m: Magnitude) -> String {
    let s = step / m.div;
    // The fewest decimals that write the step exactly (0.25 needs two).
    let mut decimals = 0usize;
    while decimals < 6 {
        let scaled = s * 10f64.powi(decimals as i32);
        if (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0) {
            break;
        }
        decimals += 1;
    }
    let x = v / m.div;
    let x = if x.abs() < 1e-12 { 0.0 } else { x };
    if v == 0.0 {
        return "0".to_string();
    }
    format!(
        "{}{}",
        crate::content::format::signed(format!("{x:.decimals$}")),
        m.suffix
    )
}

/// A value label: the figure as written in the data (its decimals kept)
/// unless it needs a Chinese magnitude, then three significant digits.
pub(crate) fn value_label(v: f64, text: &str, m: Magnitude, percent: bool) -> String {
    let mut s = if m.div == 1.0 {
        text.to_string()
    } else {
        let x = v / m.div;
        let t = if x.abs() >= 100.0 {
            format!("{x:.0}")
        } else if x.abs() >= 10.0 {
            format!("{x:.1}")
        } else {
            format!("{x:.2}")
        };
        let t = if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        };
        format!("{}{}", crate::content::format::signed(t), m.suffix)
    };
    if percent {
        s.push('%');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_start_at_zero_with_round_steps() {
        let a = axis(0.0, 85.0, 5);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 100.0, 20.0));
        let a = axis(650.0, 760.0, 5);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 800.0, 200.0));
        let a = axis(4.4, 320.0, 5);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 400.0, 100.0));
        let a = axis(-3.0, 7.0, 5);
        assert!(a.lo <= -3.0 && a.hi >= 7.0 && a.lo <= 0.0);
        let a = axis(0.0, 0.0, 5);
        assert!(a.hi > 0.0 && a.ticks() >= 2);
        let a = axis(0.0, 130.0, 5);
        assert_eq!((a.hi, a.step), (150.0, 50.0));
        let a = axis(0.0, 0.042, 5);
        assert_eq!(a.step, 0.01);
        assert_eq!(a.values().len(), a.ticks());
    }

    #[test]
    fn large_counts_read_in_wan_and_yi() {
        let m = magnitude(120_000.0, Some("家"), Language::ZhCn);
        assert_eq!(m.suffix, "万");
        assert_eq!(tick(50_000.0, 50_000.0, m), "5万");
        assert_eq!(tick(25_000.0, 5_000.0, m), "2.5万");
        assert_eq!(value_label(123_456.0, "123456", m, false), "12.3万");
        let m = magnitude(3.2e9, None, Language::ZhCn);
        assert_eq!(tick(2e9, 1e9, m), "20亿");
        // Units that already carry a magnitude are left alone.
        assert_eq!(magnitude(760.0, Some("万架"), Language::ZhCn).div, 1.0);
        assert_eq!(magnitude(76000.0, Some("万架"), Language::ZhCn).div, 1.0);
        let p = magnitude(85.0, Some("%"), Language::ZhCn);
        assert_eq!(value_label(85.0, "85", p, true), "85%");
        assert_eq!(tick(0.25, 0.05, p), "0.25");
        assert_eq!(tick(0.2, 0.2, p), "0.2");
        assert_eq!(tick(0.0, 0.2, p), "0");
    }
}
