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

use super::breaks::{LAST_RESORT_PENALTY, Opportunity};
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
/// A last line of fewer than eight characters (as a reader counts them,
/// the source mark aside): a little, so that where the paragraph can end
/// on a fuller line at the price of slightly looser ones it does (Typst's
/// shortest last line on the default briefing is eight characters).
const LAST_LINE_BRIEF: f64 = 100_000.0;
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

/// Lines looser than this stretch ratio are not priced on the first try.
///
/// Such a line alone costs at least [`PRUNED_COST`] (badness 100·r³ ≈
/// 2,000), more than whole good paragraphs: most candidate lines of a
/// total fit are far too short, and pricing each was half the breaker's
/// time. Every cost is non-negative, so when the best set found without
/// them costs less than one of them, no set with one could be better and
/// the result is exactly the full search's; otherwise the search is run
/// again in full.
const LOOSEST_PRICED: f32 = 2.7;
/// The least any line looser than [`LOOSEST_PRICED`] adds to a set.
const PRUNED_COST: f64 = {
    let badness = BADNESS * (LOOSEST_PRICED * LOOSEST_PRICED * LOOSEST_PRICED) as f64;
    (LINE_PENALTY + badness) * (LINE_PENALTY + badness)
};
/// The same for ragged text (labels, table cells), whose lines are priced
/// by the share of the measure they leave empty: lines leaving more than
/// this are not priced on the first try.
const EMPTIEST_PRICED: f64 = 0.5;
/// The least any ragged line emptier than [`EMPTIEST_PRICED`] adds.
const PRUNED_COST_RAGGED: f64 = {
    let badness = BADNESS * (EMPTIEST_PRICED * 4.0) * (EMPTIEST_PRICED * 4.0);
    (LINE_PENALTY + badness) * (LINE_PENALTY + badness)
};

/// Chooses the breaks (each the index the next line starts at; the last is
/// the text's length). Always returns a set: overfull lines are priced,
/// not fallen back from.
pub(crate) fn breaks(s: &Shaped, opp: &[Opportunity], goal: &Goal) -> Vec<usize> {
    let bound = if goal.justify {
        PRUNED_COST
    } else {
        PRUNED_COST_RAGGED
    };
    // Last-resort breaks (inside a run no rule lets break) are priced far
    // above any set of lines without them, so they are tried only when
    // the best set without them has an overfull line: most paragraphs
    // never need the many candidates they add.
    match total_fit(s, opp, goal, true, false) {
        (chosen, cost) if cost < bound => chosen,
        _ => match total_fit(s, opp, goal, false, false) {
            (chosen, cost) if cost < LAST_RESORT_PENALTY => chosen,
            _ => total_fit(s, opp, goal, false, true).0,
        },
    }
}

/// Whether a line (not the last) is too loose to be priced on the first
/// try: [`LOOSEST_PRICED`], [`EMPTIEST_PRICED`].
fn too_loose(m: &Measure, r: f32, goal: &Goal) -> bool {
    if goal.justify {
        r > LOOSEST_PRICED
    } else {
        r >= 0.0 && ((goal.width - m.natural) / goal.width) as f64 > EMPTIEST_PRICED
    }
}

/// The best set of breaks and its cost, pricing only lines that are not
/// [`too_loose`] when `prune` (all lines otherwise; last lines, which may
/// be as loose as they like, always).
// Kept whole: the Knuth–Plass loop over break opportunities and active nodes reads as the algorithm does; its pruning bound is explained where it is set.
fn total_fit(
    s: &Shaped,
    opp: &[Opportunity],
    goal: &Goal,
    prune: bool,
    resort: bool,
) -> (Vec<usize>, f64) {
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
    // The breaks still active after this one: swapped with `active` at
    // each break, so the two buffers are allocated once a paragraph.
    let mut keep: Vec<(usize, usize)> = Vec::new();
    for b in 1..=n {
        if !opp[b].allowed() || !resort && opp[b].penalty >= LAST_RESORT_PENALTY {
            continue;
        }
        let last = b == n;
        let mut new_best = [(INF, 0usize, 0usize); 4];
        keep.clear();
        for &(a, start) in &active {
            let indent = if a == 0 { goal.indent } else { 0.0 };
            let m = s.measure(start, b, indent, goal.em, opp[b].hyphen);
            let (badness, fit) = match ratio(&m, goal.width) {
                Some(r) if prune && !last && too_loose(&m, r, goal) => {
                    keep.push((a, start));
                    made[a] = true;
                    continue;
                }
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
                    // Body text only: a label or caption set ragged may
                    // end short rather than break a word of it. Counted
                    // as a reader sees them, marks included, the source
                    // mark not.
                    _ if goal.justify && s.shown_chars(start, b) < 8 => LAST_LINE_BRIEF,
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
        std::mem::swap(&mut active, &mut keep);
        if new_best.iter().any(|x| x.0 < INF) {
            best[b] = new_best;
            active.push((b, s.skip_spaces(b)));
        }
    }
    let (mut fit, &(cost, _, _)) = best[n]
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
    (out, cost)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::FontKind;
    use crate::text::fonts::test_fonts;
    use crate::text::{breaks, collect, glue};

    /// The pruned search gives exactly the full search's breaks, over
    /// paragraphs of every kind the briefing sets (Han, Latin words,
    /// figures, punctuation runs, URLs) at many measures, including
    /// measures so narrow that only very loose lines exist and the search
    /// must be run again in full.
    #[test]
    fn pruning_never_changes_the_breaks() {
        let fonts = test_fonts();
        let texts = [
            "全国算力总规模达到197 EFLOPS，较2022年底的180 EFLOPS增长约9%，在用数据中心标准机架超过760万架。",
            "国产AI芯片在FP16算力上与NVIDIA H100仍有差距：华为昇腾910B约320 TFLOPS，而H100约为989 TFLOPS（稀疏）。",
            "详见https://example.org/very/long/path/to/a/report-2024-final.pdf，其中附录B列出全部测算口径。",
            "标点连用：“（《测试》）”，——“‘引号’”……！？；【注】「甲」『乙』〔丙〕。",
            "Supercalifragilisticexpialidocious-and-then-some 是一个很长的拉丁词，用来检验无法断开的文字。",
            "短句。",
        ];
        let mut fallbacks = 0;
        let mut checked = 0;
        for text in texts {
            let s = {
                let text = crate::origin::Text::plain(text);
                glue::shape(
                    &fonts,
                    &text,
                    collect::collect(&text, None),
                    FontKind::Serif,
                    10.5,
                )
                .unwrap()
            };
            let opp = breaks::opportunities(&s.chars, &s.bound, &s.open);
            for (width_em, indent, justify) in [3.0f32, 5.0, 8.0, 13.0, 21.0, 34.0, 43.0]
                .into_iter()
                .flat_map(|w| [(w, 0.0, true), (w, 21.0, true), (w, 0.0, false)])
            {
                {
                    let goal = Goal {
                        width: width_em * 10.5,
                        indent,
                        em: 10.5,
                        justify,
                    };
                    let full = total_fit(&s, &opp, &goal, false, true).0;
                    // Trying last-resort breaks only when needed chooses
                    // what pricing every candidate would.
                    assert_eq!(breaks(&s, &opp, &goal), full, "{text} at {width_em} em");
                    let (pruned, cost) = total_fit(&s, &opp, &goal, true, true);
                    let bound = if justify {
                        PRUNED_COST
                    } else {
                        PRUNED_COST_RAGGED
                    };
                    if cost < bound {
                        assert_eq!(pruned, full, "{text} at {width_em} em");
                    } else {
                        fallbacks += 1;
                    }
                    assert_eq!(breaks(&s, &opp, &goal), full, "{text} at {width_em} em");
                    checked += 1;
                }
            }
        }
        // Both routes are exercised.
        assert!(
            fallbacks > 0 && fallbacks < checked,
            "{fallbacks} of {checked}"
        );
    }
}
