//! Periods as the data writes them (`2022年`, `2022年底`, `2023年8月`,
//! `2024年第一季度`, `2022—2026年`) read once, at load, into when they
//! are: every later stage places a figure in time from this, and none
//! parses the text again.

use serde::{Deserialize, Serialize};

/// When a period is, in fractional years: the stretch it covers, and the
/// moment a chart places its figure at (a month's or day's middle, a bare
/// year's middle — an annual figure —, 年底 at mid-December).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct When {
    /// Where the period starts.
    pub from: f64,
    /// Where it ends.
    pub to: f64,
    /// The moment that stands for it.
    pub at: f64,
}

impl When {
    /// A moment.
    fn at(t: f64) -> When {
        When {
            from: t,
            to: t,
            at: t,
        }
    }

    /// The calendar year the period's moment falls in.
    pub fn year(&self) -> i32 {
        self.at.floor() as i32
    }
}

/// Years a period may name: wider would be a misreading of a count.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// When the period written `s` is, or `None` when it is not a date (`三年内`).
pub fn when(s: &str) -> Option<When> {
    let s = s.trim();
    if let Some(w) = range(s) {
        return Some(w);
    }
    let (y, rest) = s.split_once('年')?;
    let year: i32 = y.trim().parse().ok()?;
    if !YEARS.contains(&year) {
        return None;
    }
    let y = year as f64;
    let rest = rest.trim();
    let whole = |a: f64, b: f64| When {
        from: y + a,
        to: y + b,
        at: y + (a + b) / 2.0,
    };
    Some(match rest {
        "" | "全年" | "度" => whole(0.0, 1.0),
        "底" | "末" | "年底" | "年末" => When::at(y + 11.5 / 12.0),
        "初" => When::at(y + 0.5 / 12.0),
        "上半年" => whole(0.0, 0.5),
        "下半年" => whole(0.5, 1.0),
        _ => match quarter(rest) {
            Some(q) => whole((q - 1) as f64 / 4.0, q as f64 / 4.0),
            None => When::at(y + month(rest)?),
        },
    })
}

/// A range of years, `2022—2026年`, `2022-2026年`, `2022至2026年`,
/// `2022年至2026年`: from the start of the first to the end of the last.
fn range(s: &str) -> Option<When> {
    let body = s.strip_suffix('年')?;
    let (a, b) = ["—", "－", "-", "–", "～", "~", "至", "到"]
        .iter()
        .find_map(|sep| body.split_once(sep))?;
    let a: i32 = a.trim().trim_end_matches('年').trim().parse().ok()?;
    let b: i32 = b.trim().parse().ok()?;
    if !YEARS.contains(&a) || !YEARS.contains(&b) || b < a {
        return None;
    }
    let (from, to) = (a as f64, (b + 1) as f64);
    Some(When {
        from,
        to,
        at: (from + to) / 2.0,
    })
}

/// The quarter `rest` names: `第一季度`, `一季度`, `Q1`, `第1季度`.
fn quarter(rest: &str) -> Option<u32> {
    let r = rest.trim_start_matches('第');
    if let Some(q) = r.strip_prefix('Q').or_else(|| r.strip_prefix('q')) {
        return q.trim().parse().ok().filter(|q| (1..=4).contains(q));
    }
    let q = r.strip_suffix("季度")?;
    match q {
        "一" | "1" => Some(1),
        "二" | "2" => Some(2),
        "三" | "3" => Some(3),
        "四" | "4" => Some(4),
        _ => None,
    }
}

/// The fraction of the year a month (and day) stands at: `8月`, `8月底`,
/// `12月2日`.
fn month(rest: &str) -> Option<f64> {
    let (m, rest) = rest.split_once('月')?;
    let month: u32 = m.trim().parse().ok()?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = rest.trim();
    let day: Option<u32> = if rest.is_empty() || matches!(rest, "底" | "末" | "初") {
        None
    } else {
        Some(
            rest.strip_suffix('日')
                .or_else(|| rest.strip_suffix('号'))?
                .trim()
                .parse()
                .ok()?,
        )
    };
    let frac = match (day, rest) {
        (Some(d), _) => (d.clamp(1, 31) as f64 - 0.5) / 31.0,
        (None, "底" | "末") => 0.9,
        (None, "初") => 0.1,
        _ => 0.5,
    };
    Some((month as f64 - 1.0 + frac) / 12.0)
}

/// A day as a fractional year (its middle).
pub fn day(d: chrono::NaiveDate) -> f64 {
    use chrono::Datelike;
    let start = chrono::NaiveDate::from_ymd_opt(d.year(), 1, 1).expect("1 January exists");
    let end = chrono::NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).expect("1 January exists");
    let len = (end - start).num_days() as f64;
    d.year() as f64 + ((d - start).num_days() as f64 + 0.5) / len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<f64> {
        when(s).map(|w| w.at)
    }

    #[test]
    fn periods_are_placed_in_time() {
        assert!((at("2022年底").unwrap() - (2022.0 + 11.5 / 12.0)).abs() < 1e-9);
        assert!((at("2023年8月").unwrap() - (2023.0 + 7.5 / 12.0)).abs() < 1e-9);
        assert!((at("2024年").unwrap() - 2024.5).abs() < 1e-9);
        assert!(
            (at("2024年12月2日").unwrap() - (2024.0 + (11.0 + 1.5 / 31.0) / 12.0)).abs() < 1e-9
        );
        assert!((at("2023年上半年").unwrap() - 2023.25).abs() < 1e-9);
        assert!((at("2024年第三季度").unwrap() - 2024.625).abs() < 1e-9);
        assert!((at("2024年Q1").unwrap() - 2024.125).abs() < 1e-9);
        let r = when("2022—2026年").unwrap();
        assert_eq!((r.from, r.to, r.at), (2022.0, 2027.0, 2024.5));
        assert_eq!(when("2022年至2026年").unwrap().from, 2022.0);
        assert_eq!(when("2023年8月").unwrap().year(), 2023);
        assert_eq!(at("三年内"), None);
        assert_eq!(at("2023年13月"), None);
        assert_eq!(at("2026—2022年"), None);
        assert_eq!(at("1066年"), None);
        let d = chrono::NaiveDate::from_ymd_opt(2022, 10, 2).unwrap();
        assert!((day(d) - 2022.75).abs() < 0.01);
    }
}
