//! Stage 3 of a paragraph: choosing the breaks.
//!
//! A Knuth–Plass-style total fit over the opportunities of `breaks.rs`:
//! each line's cost grows with the cube of how far its glue is stretched,
//! plus a charge when neighbouring lines differ much in tightness, plus the
//! opportunity's own price (a joint inside a URL, a hyphenation point).
//! Compared with first fit this spreads slack over the paragraph so no
//! single line gapes, and it "squeezes before it pushes" (clreq): a comma
//! that may not start a line is either fitted by compressing punctuation or
//! the character before it moves down, whichever costs less.
//!
//! Overfull lines are handled here, not by a separate emergency pass that
//! would forget the rules: when no legal break lets a line fit (a run that
//! cannot break is wider than the measure), the line up to the first legal
//! break is kept at a cost so high that it is chosen only when nothing
//! else exists. Every rule about where a line may break still holds.

use super::breaks::Opportunity;
use super::glue::{Measure, Shaped};

/// Base demerits of any line: with it, fewer lines are better than more
/// lines of equal looseness (the paper's line penalty).
const LINE_PENALTY: f64 = 10.0;
/// Scale of a line's badness: 100 at the end of tier 1 (ratio 0.5³ × 800).
const BADNESS: f64 = 100.0;
/// A line set tighter than its tier-1 shrink (compressing punctuation)
/// costs four times as much as one as loose: compressed marks are harder
/// to read than an open line.
const TIGHT_FACTOR: f64 = 4.0;
/// Neighbouring lines two fitness classes apart (tight next to loose).
const FITNESS_JUMP: f64 = 3_000.0;
/// A last line of a single character or mark: never when avoidable
/// (`docs/typesetting.md` §4).
const LAST_LINE_ONE: f64 = 1e6;
/// A last line of two or three characters: allowed, but a paragraph that
/// can end with a longer line at the price of two or three looser lines
/// should.
const LAST_LINE_SHORT: f64 = 30_000.0;
/// An overfull line: only when no set of legal breaks fits.
const OVERFULL: f64 = 1e9;

/// How a paragraph is justified.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Goal {
    /// The measure.
    pub(crate) width: f32,
    /// The first line's indent.
    pub(crate) indent: f32,
    /// The em in points.
    pub(crate) em: f32,
    /// Justified (else ragged).
    pub(crate) justify: bool,
}

/// Stretch ratio for `need` extra width: ≤ 0.5 within tier 1, beyond in
/// tier 2; `None` when the line cannot shrink enough.
pub(crate) fn ratio(m: &Measure, width: f32) -> Option<f32> {
    let need = width - m.natural;
    if need >= 0.0 {
        if need <= m.stretch1 + 1e-4 {
            Some(if m.stretch1 > 0.0 {
                0.5 * need / m.stretch1
            } else {
                0.0
            })
        } else if m.stretch2 > 0.0 {
            Some(0.5 + (need - m.stretch1) / m.stretch2)
        } else {
            Some(if need < 0.5 { 0.0 } else { 10.0 })
        }
    } else {
        let over = -need;
        if over <= m.shrink1 + 1e-4 {
            Some(-0.5 * over / m.shrink1.max(1e-6))
        } else if over <= m.shrink1 + m.shrink2 + 1e-4 {
            Some(-0.5 - 0.5 * (over - m.shrink1) / m.shrink2.max(1e-6))
        } else {
            None
        }
    }
}

/// Fitness class: tight, decent, loose, very loose.
fn fitness(r: f32) -> usize {
    if r < -0.5 {
        0
    } else if r <= 0.5 {
        1
    } else if r <= 1.0 {
        2
    } else {
        3
    }
}

/// Chooses the breaks (each the index the next line starts at; the last is
/// the text's length). Always returns a set: overfull lines are priced,
/// not fallen back from.
pub(crate) fn breaks(s: &Shaped, opp: &[Opportunity], goal: &Goal) -> Vec<usize> {
    let n = s.chars.len();
    const INF: f64 = f64::INFINITY;
    // best[b][fitness] = (demerits, previous break, previous fitness)
    let mut best: Vec<[(f64, usize, usize); 4]> = vec![[(INF, 0, 0); 4]; n + 1];
    best[0] = [(0.0, 0, 1); 4];
    // Active breaks, each with where its line's text starts (spaces
    // after a break are skipped once, not per candidate line).
    let mut active: Vec<(usize, usize)> = vec![(0, s.skip_spaces(0))];
    // Whether some line from a break fits: only a break that can make no
    // line at all may make an overfull one.
    let mut made = vec![false; n + 1];
    for b in 1..=n {
        if !opp[b].allowed() {
            continue;
        }
        let last = b == n;
        let mut new_best = [(INF, 0usize, 0usize); 4];
        let mut keep = Vec::with_capacity(active.len());
        for &(a, start) in &active {
            let indent = if a == 0 { goal.indent } else { 0.0 };
            let m = s.measure(start, b, indent, goal.em, opp[b].hyphen);
            let (badness, fit) = match ratio(&m, goal.width) {
                Some(r) => {
                    keep.push((a, start));
                    made[a] = true;
                    line_badness(&m, r, goal, last)
                }
                // Too long even fully shrunk: this start can reach no
                // further. If it has made no line yet, this is the
                // shortest line it can make: keep it, overfull and priced.
                None if !made[a] => (OVERFULL * (1.0 + (m.natural - goal.width) as f64), 0),
                None => continue,
            };
            let mut penalty = opp[b].penalty;
            if last && start > 0 {
                penalty += match s.real_chars(start, b) {
                    0 | 1 => LAST_LINE_ONE,
                    2 | 3 => LAST_LINE_SHORT,
                    _ => 0.0,
                };
            }
            for (pf, &(d0, _, _)) in best[a].iter().enumerate() {
                if d0 == INF {
                    continue;
                }
                let mut d = d0 + (LINE_PENALTY + badness).powi(2) + penalty;
                if goal.justify && !last && a > 0 && fit.abs_diff(pf) > 1 {
                    d += FITNESS_JUMP;
                }
                if d < new_best[fit].0 {
                    new_best[fit] = (d, a, pf);
                }
            }
        }
        active = keep;
        if new_best.iter().any(|x| x.0 < INF) {
            best[b] = new_best;
            active.push((b, s.skip_spaces(b)));
        }
    }
    let (mut fit, _) = best[n]
        .iter()
        .enumerate()
        .min_by(|x, y| x.1.0.total_cmp(&y.1.0))
        .expect("four classes");
    let mut out = vec![n];
    let mut b = n;
    while b > 0 {
        let (_, a, pf) = best[b][fit];
        if a > 0 {
            out.push(a);
        }
        b = a;
        fit = pf;
    }
    out.reverse();
    out
}

/// A line's badness and fitness class.
fn line_badness(m: &Measure, r: f32, goal: &Goal, last: bool) -> (f64, usize) {
    if last && r >= 0.0 {
        (0.0, 1)
    } else if !goal.justify {
        // Ragged text: prefer lines that use the measure, so a label never
        // leaves one character alone on its first line.
        let slack = ((goal.width - m.natural) / goal.width).max(0.0) as f64;
        (
            if r >= 0.0 {
                BADNESS * (slack * 4.0).powi(2)
            } else {
                BADNESS * (r.abs() as f64).powi(3)
            },
            1,
        )
    } else {
        (
            BADNESS * (r.abs() as f64).powi(3) * if r < -0.5 { TIGHT_FACTOR } else { 1.0 },
            fitness(r),
        )
    }
}
