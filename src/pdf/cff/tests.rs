//! The subsetter against the faces in fonts/ and handmade charstrings.

use super::inline::Inliner;
use super::parse::{
    CHARSET, CHARSTRINGS, FD_ARRAY, FD_SELECT, Index, PRIVATE, SUBRS, dict, fd_select, shared_int,
};
use super::subset;
use crate::frame::FontKind;
use crate::pdf::tests::Pen;
use crate::text::fonts::test_fonts;
use ttf_parser::{GlyphId, cff::Table};

/// Each glyph's Private DICT as (operator, operand values), without
/// `Subrs`.
fn privates(cff: &[u8]) -> Vec<Vec<(u16, Vec<i64>)>> {
    let hdr = cff[2] as usize;
    let (_, at) = Index::parse(cff, hdr).unwrap();
    let (tops, _) = Index::parse(cff, at).unwrap();
    let top = dict(tops.get(0).unwrap()).unwrap();
    let off = |op: u16| top.iter().find(|e| e.op == op).unwrap().ints[0] as usize;
    let n = Index::parse(cff, off(CHARSTRINGS)).unwrap().0.len();
    let fds = Index::parse(cff, off(FD_ARRAY)).unwrap().0.items().unwrap();
    let per_fd: Vec<Vec<(u16, Vec<i64>)>> = fds
        .iter()
        .map(|fd| {
            let d = dict(fd).unwrap();
            let p = d.iter().find(|e| e.op == PRIVATE).unwrap();
            let (size, at) = (p.ints[0] as usize, p.ints[1] as usize);
            dict(&cff[at..at + size])
                .unwrap()
                .into_iter()
                .filter(|e| e.op != SUBRS)
                .map(|e| (e.op, e.ints))
                .collect()
        })
        .collect();
    fd_select(cff, off(FD_SELECT), n)
        .unwrap()
        .iter()
        .map(|&f| per_fd[f as usize].clone())
        .collect()
}

fn outline(t: &Table, g: u16) -> Vec<String> {
    let mut pen = Pen::default();
    let _ = t.outline(GlyphId(g), &mut pen);
    pen.0
}

/// Each glyph's advance as its charstring states it (Type 2
/// charstrings §3.1), read from a subset, whose charstrings call no
/// subroutines: the optional width operand before the first
/// stem, hint mask, moveto or endchar, plus nominalWidthX, else
/// defaultWidthX.
fn widths(cff: &[u8]) -> Vec<i64> {
    let hdr = cff[2] as usize;
    let (_, at) = Index::parse(cff, hdr).unwrap();
    let (tops, _) = Index::parse(cff, at).unwrap();
    let top = dict(tops.get(0).unwrap()).unwrap();
    let off = |op: u16| top.iter().find(|e| e.op == op).unwrap().ints[0] as usize;
    let strings = Index::parse(cff, off(CHARSTRINGS)).unwrap().0;
    let value =
        |p: &Vec<(u16, Vec<i64>)>, op: u16| p.iter().find(|e| e.0 == op).map_or(0, |e| e.1[0]);
    privates(cff)
        .iter()
        .enumerate()
        .map(|(g, p)| {
            let code = strings.get(g).unwrap();
            let (mut i, mut args) = (0, Vec::new());
            loop {
                if let Some((v, n)) = shared_int(&code[i..]).unwrap() {
                    args.push(v);
                    i += n;
                    continue;
                }
                let n = args.len();
                let has = match code[i] {
                    255 => {
                        args.push(0);
                        i += 5;
                        continue;
                    }
                    1 | 3 | 18 | 23 | 19 | 20 => n % 2 == 1,
                    21 => n > 2,
                    22 | 4 => n > 1,
                    14 => n == 1 || n == 5,
                    b => panic!("operator {b} before the width"),
                };
                return if has {
                    value(p, 21) + args[0]
                } else {
                    value(p, 20)
                };
            }
        })
        .collect()
}

/// Every glyph of the subset draws exactly what the original glyph
/// draws, has CID = its new id, keeps the original's font DICT's
/// hinting data, and has the original's advance, or the one asked for
/// where a copy with another advance was asked for; checked on a spread
/// of glyphs across every face.
#[test]
fn subset_glyphs_draw_as_the_originals() {
    let fonts = test_fonts();
    for kind in [FontKind::Serif, FontKind::Sans, FontKind::SansBold] {
        let face = fonts.get(kind);
        let cff = face.cff_table().expect("the default faces are CFF");
        let original = Table::parse(cff).expect("original CFF");
        let n = original.number_of_glyphs();
        // Common characters, and every 97th glyph: many font DICTs
        // and local subroutine sets.
        let mut gids: Vec<u16> = "国产AI芯片2022年，“算力”（EFLOPS）——1.8万亿元%ⅡQwen"
            .chars()
            .filter_map(|c| face.glyph(c))
            .chain((1..n).step_by(97))
            .collect();
        gids.sort();
        gids.dedup();
        // Copies: wider (every third glyph), narrower (every fifth), and
        // with widths in each integer encoding.
        let own = |g: u16| face.advance_units(g) as i64;
        let mut glyphs: Vec<(u16, Option<i64>)> = Vec::new();
        for (k, &g) in gids.iter().enumerate() {
            glyphs.push((g, None));
            if k % 3 == 0 {
                glyphs.push((g, Some(own(g) + 125 * (k as i64 % 9 + 1))));
            }
            if k % 5 == 0 {
                glyphs.push((g, Some((own(g) - 500).max(0))));
            }
        }
        let out = subset(cff, &glyphs).expect("CID-keyed CFF");
        let sub = Table::parse(&out).expect("the subset parses");
        assert_eq!(sub.number_of_glyphs() as usize, glyphs.len() + 1);
        let new_widths = widths(&out);
        assert_eq!(new_widths[0], own(0), ".notdef");
        for (i, &(old, advance)) in glyphs.iter().enumerate() {
            let new = i as u16 + 1;
            let (a, b) = (outline(&original, old), outline(&sub, new));
            assert!(!a.is_empty() || b.is_empty());
            assert_eq!(a, b, "{} glyph {old} → {new}", face.ps_name);
            assert_eq!(
                new_widths[new as usize],
                advance.unwrap_or(own(old)),
                "{} advance of glyph {old} → {new}",
                face.ps_name
            );
        }
        assert!(out.len() < cff.len() / 10, "a subset, not the font");
        // CID = new glyph id: charset format 2, one range from CID 1.
        let (tops, _) = {
            let hdr = out[2] as usize;
            let (_, at) = Index::parse(&out, hdr).unwrap();
            Index::parse(&out, at).unwrap()
        };
        let top = dict(tops.get(0).unwrap()).unwrap();
        let at = top.iter().find(|e| e.op == CHARSET).unwrap().ints[0] as usize;
        let left = (glyphs.len() - 1) as u16;
        assert_eq!(out[at..at + 5], [2, 0, 1, (left >> 8) as u8, left as u8]);
        // Each glyph keeps its font DICT's Private DICT (hinting
        // zones, widths), less the inlined subroutines.
        let (a, b) = (privates(cff), privates(&out));
        for (i, &(old, _)) in glyphs.iter().enumerate() {
            assert_eq!(a[old as usize], b[i + 1], "Private of glyph {old}");
        }
    }
}

/// The first stack-clearing operator of each charstring of a subset
/// (no subroutines left), as 1 (stems and hint masks), 21 (rmoveto),
/// 22 (hmoveto and vmoveto) or 14 (endchar), and whether a width
/// operand precedes it.
fn first_operators(cff: &[u8]) -> Vec<(u8, bool)> {
    let hdr = cff[2] as usize;
    let (_, at) = Index::parse(cff, hdr).unwrap();
    let (tops, _) = Index::parse(cff, at).unwrap();
    let top = dict(tops.get(0).unwrap()).unwrap();
    let off = top.iter().find(|e| e.op == CHARSTRINGS).unwrap().ints[0] as usize;
    let strings = Index::parse(cff, off).unwrap().0;
    (0..strings.len())
        .map(|g| {
            let code = strings.get(g).unwrap();
            let (mut i, mut n) = (0, 0);
            loop {
                if let Some((_, len)) = shared_int(&code[i..]).unwrap() {
                    n += 1;
                    i += len;
                    continue;
                }
                return match code[i] {
                    255 => {
                        n += 1;
                        i += 5;
                        continue;
                    }
                    1 | 3 | 18 | 23 | 19 | 20 => (1, n % 2 == 1),
                    21 => (21, n > 2),
                    22 | 4 => (22, n > 1),
                    14 => (14, n == 1 || n == 5),
                    b => panic!("operator {b} first"),
                };
            }
        })
        .collect()
}

/// A copy gets the advance asked for whichever operator its charstring
/// starts with, and whether or not it had a width operand: glyphs of
/// every kind the serif face has are picked from the whole face.
#[test]
fn copies_get_their_width_whatever_operator_comes_first() {
    let fonts = test_fonts();
    let face = fonts.get(FontKind::Serif);
    let cff = face.cff_table().unwrap();
    let n = Table::parse(cff).unwrap().number_of_glyphs();
    let all: Vec<(u16, Option<i64>)> = (1..n).step_by(3).map(|g| (g, None)).collect();
    let kinds = first_operators(&subset(cff, &all).unwrap());
    // Up to four glyphs of each kind.
    let mut picked: Vec<u16> = Vec::new();
    let mut seen: std::collections::BTreeMap<(u8, bool), usize> = Default::default();
    for (i, kind) in kinds.iter().enumerate().skip(1) {
        let count = seen.entry(*kind).or_default();
        if *count < 4 {
            *count += 1;
            picked.push(all[i - 1].0);
        }
    }
    // (The CJK faces hint every outline, so none starts with a moveto:
    // `widths_are_written_before_any_first_operator` covers those.)
    for needed in [(1, true), (1, false), (14, false), (14, true)] {
        assert!(
            seen.contains_key(&needed),
            "no glyph of kind {needed:?}: {seen:?}"
        );
    }
    let own = |g: u16| face.advance_units(g) as i64;
    let glyphs: Vec<(u16, Option<i64>)> = picked
        .iter()
        .flat_map(|&g| [(g, None), (g, Some(own(g) + 250)), (g, Some(0))])
        .collect();
    let out = subset(cff, &glyphs).unwrap();
    let (original, sub) = (Table::parse(cff).unwrap(), Table::parse(&out).unwrap());
    let w = widths(&out);
    for (i, &(g, advance)) in glyphs.iter().enumerate() {
        assert_eq!(
            w[i + 1],
            advance.unwrap_or(own(g)),
            "glyph {g} {:?}",
            kinds[0]
        );
        assert_eq!(
            outline(&original, g),
            outline(&sub, i as u16 + 1),
            "glyph {g}"
        );
    }
}

/// The width operand is replaced where a charstring has one and
/// inserted where it has none, before each kind of first operator.
#[test]
fn widths_are_written_before_any_first_operator() {
    let empty = Index::parse(&[0, 0], 0).unwrap().0;
    let int = |v: i64| {
        let mut b = Vec::new();
        super::push_int(&mut b, v);
        b
    };
    let code = |parts: &[&[u8]]| parts.concat();
    let (w, new) = (int(300), int(-400));
    let (a, b) = (int(10), int(-1200));
    let cases: Vec<(Vec<u8>, Vec<u8>)> = vec![
        // rmoveto: 2 arguments, 3 with a width.
        (code(&[&a, &b, &[21, 14]]), code(&[&new, &a, &b, &[21, 14]])),
        (
            code(&[&w, &a, &b, &[21, 14]]),
            code(&[&new, &a, &b, &[21, 14]]),
        ),
        // hmoveto, vmoveto: 1 argument, 2 with a width.
        (code(&[&a, &[22, 14]]), code(&[&new, &a, &[22, 14]])),
        (code(&[&w, &b, &[4, 14]]), code(&[&new, &b, &[4, 14]])),
        // endchar: none (or 4, accent), 1 or 5 with a width.
        (vec![14], code(&[&new, &[14]])),
        (code(&[&w, &[14]]), code(&[&new, &[14]])),
        (
            code(&[&a, &a, &a, &a, &[14]]),
            code(&[&new, &a, &a, &a, &a, &[14]]),
        ),
        (
            code(&[&w, &a, &a, &a, &a, &[14]]),
            code(&[&new, &a, &a, &a, &a, &[14]]),
        ),
        // Stems: pairs, odd with a width; a hint mask's bytes follow.
        (
            code(&[&a, &b, &[1, 19, 0x80, 14]]),
            code(&[&new, &a, &b, &[1, 19, 0x80, 14]]),
        ),
        (
            code(&[&w, &a, &b, &[18, 14]]),
            code(&[&new, &a, &b, &[18, 14]]),
        ),
    ];
    for (input, want) in cases {
        let mut inl = Inliner {
            global: &empty,
            local: &empty,
            out: Vec::new(),
            stack: Vec::new(),
            marks: Vec::new(),
            stems: 0,
            done: false,
            width: Some(-400),
        };
        inl.run(&input, 0).unwrap();
        assert_eq!(inl.out, want, "from {input:?}");
        assert!(inl.width.is_none());
    }
}

#[test]
fn fonts_it_does_not_handle_are_refused_not_mangled() {
    assert!(subset(b"", &[(1, None)]).is_err());
    assert!(subset(&[1, 0, 4, 4, 0, 0], &[(1, None)]).is_err());
}
