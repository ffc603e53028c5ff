//! A subsetter for CID-keyed CFF fonts (the Noto CJK faces and most CJK
//! OpenType fonts), written for speed: each chosen glyph's charstring is
//! copied with the subroutines it calls inlined, token by token, without
//! building an instruction list, and the result is the bare CFF table a
//! PDF embeds as `FontFile3 /CIDFontType0C`.
//!
//! Inlining (rather than keeping the subroutines) is also what makes the
//! file small: see docs/typesetting.md §5. Fonts this does not handle
//! (name-keyed CFF, arithmetic in charstrings, TrueType) go to `subsetter`.
//!
//! The output has the original's header, name, Top DICT (with new offsets),
//! strings and Font DICTs; an empty global subroutine INDEX; charset
//! format 2 with CID = new glyph id; FDSelect format 3; Private DICTs
//! without `Subrs`; and the new CharStrings.

mod inline;
mod parse;

use inline::Inliner;
use parse::*;

/// What the subset is made from: a CID-keyed CFF table, read.
struct Font<'a> {
    cff: &'a [u8],
    /// Header size.
    hdr: usize,
    names: Index<'a>,
    top: Vec<Entry<'a>>,
    strings: Index<'a>,
    global: Index<'a>,
    charstrings: Index<'a>,
    /// The Font DICTs.
    fds: Vec<&'a [u8]>,
    /// The font DICT of each old glyph.
    fd_of: Vec<u8>,
    /// Each font DICT's Private DICT and local subroutines.
    privates: Vec<(Vec<Entry<'a>>, Index<'a>)>,
}

impl<'a> Font<'a> {
    fn read(cff: &'a [u8]) -> R<Font<'a>> {
        let hdr = *cff.get(2).ok_or(bad("no header"))? as usize;
        let (names, at) = Index::parse(cff, hdr)?;
        let (tops, at) = Index::parse(cff, at)?;
        let (strings, at) = Index::parse(cff, at)?;
        let (global, _) = Index::parse(cff, at)?;
        let top = dict(tops.get(0)?)?;
        let find = |op: u16| top.iter().find(|e| e.op == op);
        if find(ROS).is_none() {
            return Err(bad("not CID-keyed"));
        }
        let off = |op: u16| -> R<usize> {
            find(op)
                .and_then(|e| e.ints.first())
                .and_then(|&v| usize::try_from(v).ok())
                .ok_or(bad("missing offset"))
        };
        let (charstrings, _) = Index::parse(cff, off(CHARSTRINGS)?)?;
        let fds = Index::parse(cff, off(FD_ARRAY)?)?.0.items()?;
        let fd_of = fd_select(cff, off(FD_SELECT)?, charstrings.len())?;
        let privates = fds
            .iter()
            .map(|fd| private(cff, fd))
            .collect::<R<Vec<_>>>()?;
        Ok(Font {
            cff,
            hdr,
            names,
            top,
            strings,
            global,
            charstrings,
            fds,
            fd_of,
            privates,
        })
    }

    /// The new charstrings of `glyphs` (glyph 0 first) and the font DICT
    /// each uses.
    fn charstrings(&self, glyphs: &[(u16, Option<i64>)]) -> R<(Vec<Vec<u8>>, Vec<u8>)> {
        let mut strings_out: Vec<Vec<u8>> = Vec::with_capacity(glyphs.len());
        let mut fd_new: Vec<u8> = Vec::with_capacity(glyphs.len());
        for &(g, advance) in glyphs {
            let fd = *self
                .fd_of
                .get(g as usize)
                .ok_or(bad("glyph out of range"))?;
            let (pd, local) = self
                .privates
                .get(fd as usize)
                .ok_or(bad("FD out of range"))?;
            let width = match advance {
                Some(a) => Some(a - nominal(pd)?),
                None => None,
            };
            let mut inl = Inliner {
                global: &self.global,
                local,
                out: Vec::with_capacity(256),
                stack: Vec::new(),
                marks: Vec::new(),
                stems: 0,
                done: false,
                width,
            };
            inl.run(self.charstrings.get(g as usize)?, 0)?;
            if inl.width.is_some() {
                return Err(bad("charstring without a stack-clearing operator"));
            }
            strings_out.push(inl.out);
            fd_new.push(fd);
        }
        Ok((strings_out, fd_new))
    }
}

/// A font DICT's Private DICT and local subroutines.
fn private<'a>(cff: &'a [u8], fd: &'a [u8]) -> R<(Vec<Entry<'a>>, Index<'a>)> {
    let d = dict(fd)?;
    let p = d
        .iter()
        .find(|e| e.op == PRIVATE)
        .ok_or(bad("FD without Private"))?;
    let (size, at) = match p.ints[..] {
        [s, o] if s >= 0 && o >= 0 => (s as usize, o as usize),
        _ => return Err(bad("bad Private")),
    };
    let pd = dict(cff.get(at..at + size).ok_or(bad("Private out of range"))?)?;
    let local = match pd.iter().find(|e| e.op == SUBRS) {
        Some(e) => {
            let rel = *e.ints.first().ok_or(bad("bad Subrs"))? as usize;
            Index::parse(cff, at + rel)?.0
        }
        None => Index::parse(&[0, 0], 0)?.0,
    };
    Ok((pd, local))
}

/// A charstring's width operand is relative to its Private DICT's
/// nominalWidthX (operator 21; 0 when absent).
fn nominal(pd: &[Entry]) -> R<i64> {
    match pd.iter().find(|e| e.op == 21) {
        None => Ok(0),
        Some(e) if e.raw.first() == Some(&30) => Err(bad("real nominalWidthX")),
        Some(e) => e.ints.first().copied().ok_or(bad("bad nominalWidthX")),
    }
}

/// The CFF table of `glyphs`, new glyph id i+1 for `glyphs[i]` (glyph 0,
/// `.notdef`, is added). Each is an old glyph id and, for a copy drawn
/// with a different advance, that advance in font units; an old glyph
/// may appear several times.
pub(crate) fn subset(cff: &[u8], glyphs: &[(u16, Option<i64>)]) -> R<Vec<u8>> {
    let font = Font::read(cff)?;
    let mut all: Vec<(u16, Option<i64>)> = Vec::with_capacity(glyphs.len() + 1);
    all.push((0, None));
    all.extend(glyphs.iter().copied().filter(|&(g, _)| g != 0));
    let (strings_out, fd_new) = font.charstrings(&all)?;
    // Only the font DICTs the chosen glyphs use are kept, renumbered in
    // their original order.
    let mut keep: Vec<usize> = fd_new.iter().map(|&f| f as usize).collect();
    keep.sort_unstable();
    keep.dedup();
    let renumber = |f: u8| keep.binary_search(&(f as usize)).map_or(0, |k| k as u8);
    let fd_new: Vec<u8> = fd_new.into_iter().map(renumber).collect();
    let fds: Vec<&[u8]> = keep.iter().map(|&k| font.fds[k]).collect();
    let privates: Vec<&Vec<Entry>> = keep.iter().map(|&k| &font.privates[k].0).collect();
    write(&font, all.len(), &strings_out, &fd_new, &fds, &privates)
}

/// The Top DICT without the offsets, then the glyph count and the four
/// offsets as five-byte ints (so its size does not depend on them).
fn top_dict(top: &[Entry], glyphs: usize, offsets: [usize; 4]) -> Vec<u8> {
    let mut t = Vec::new();
    for e in top {
        if matches!(
            e.op,
            CHARSET | CHARSTRINGS | FD_ARRAY | FD_SELECT | CID_COUNT | PRIVATE
        ) {
            continue;
        }
        t.extend_from_slice(e.raw);
        op(&mut t, e.op);
    }
    int5(&mut t, glyphs);
    op(&mut t, CID_COUNT);
    for (v, o) in offsets
        .into_iter()
        .zip([CHARSET, FD_SELECT, CHARSTRINGS, FD_ARRAY])
    {
        int5(&mut t, v);
        op(&mut t, o);
    }
    t
}

/// Charset format 2 (CIDs 1..n-1 for glyphs 1..n-1) and FDSelect format 3.
fn charset_and_fdselect(tail: &mut Vec<u8>, at: usize, fd_new: &[u8]) -> (usize, usize) {
    let glyphs = fd_new.len();
    let charset_at = at + tail.len();
    tail.push(2);
    if glyphs > 1 {
        tail.extend_from_slice(&1u16.to_be_bytes());
        tail.extend_from_slice(&((glyphs - 2) as u16).to_be_bytes());
    } else {
        tail.pop();
        tail.push(0);
    }
    let fdselect_at = at + tail.len();
    let mut ranges: Vec<(u16, u8)> = Vec::new();
    for (i, &fd) in fd_new.iter().enumerate() {
        if ranges.last().is_none_or(|r| r.1 != fd) {
            ranges.push((i as u16, fd));
        }
    }
    tail.push(3);
    tail.extend_from_slice(&(ranges.len() as u16).to_be_bytes());
    for (first, fd) in &ranges {
        tail.extend_from_slice(&first.to_be_bytes());
        tail.push(*fd);
    }
    tail.extend_from_slice(&(glyphs as u16).to_be_bytes());
    (charset_at, fdselect_at)
}

/// The Font DICTs, each pointing at its Private DICT (placed after the
/// FDArray, without `Subrs`), and those Private DICTs, from `fdarray_at`.
fn font_dicts(fds: &[&[u8]], privates: &[&Vec<Entry>], fdarray_at: usize) -> R<Vec<u8>> {
    let private_dicts: Vec<Vec<u8>> = privates
        .iter()
        .map(|pd| {
            let mut p = Vec::new();
            for e in pd.iter().filter(|e| e.op != SUBRS) {
                p.extend_from_slice(e.raw);
                op(&mut p, e.op);
            }
            p
        })
        .collect();
    let dicts = |private_at: &[usize]| -> R<Vec<Vec<u8>>> {
        fds.iter()
            .enumerate()
            .map(|(k, fd)| {
                let mut f = Vec::new();
                for e in dict(fd)?.iter().filter(|e| e.op != PRIVATE) {
                    f.extend_from_slice(e.raw);
                    op(&mut f, e.op);
                }
                int5(&mut f, private_dicts[k].len());
                int5(&mut f, private_at[k]);
                op(&mut f, PRIVATE);
                Ok(f)
            })
            .collect()
    };
    let mut out = Vec::new();
    write_index(&mut out, &dicts(&vec![0; fds.len()])?);
    let mut private_at = Vec::with_capacity(fds.len());
    let mut p = fdarray_at + out.len();
    for d in &private_dicts {
        private_at.push(p);
        p += d.len();
    }
    out.clear();
    write_index(&mut out, &dicts(&private_at)?);
    for d in &private_dicts {
        out.extend_from_slice(d);
    }
    Ok(out)
}

/// The new table: header, names, Top DICT, strings, an empty global
/// subroutine INDEX, charset, FDSelect, CharStrings, Font and Private DICTs.
fn write(
    font: &Font,
    glyphs: usize,
    strings_out: &[Vec<u8>],
    fd_new: &[u8],
    fds: &[&[u8]],
    privates: &[&Vec<Entry>],
) -> R<Vec<u8>> {
    let mut out = font.cff[..font.hdr].to_vec();
    out[3] = 4; // offsets are up to four bytes
    write_index(&mut out, &font.names.items()?);
    let top_at = out.len();
    let mut tmp = Vec::new();
    write_index(&mut tmp, &[top_dict(&font.top, glyphs, [0; 4])]);
    let at = top_at + tmp.len();
    let mut tail = Vec::new();
    write_index(&mut tail, &font.strings.items()?);
    write_index::<&[u8]>(&mut tail, &[]);
    let (charset_at, fdselect_at) = charset_and_fdselect(&mut tail, at, fd_new);
    let charstrings_at = at + tail.len();
    write_index(&mut tail, strings_out);
    let fdarray_at = at + tail.len();
    tail.extend_from_slice(&font_dicts(fds, privates, fdarray_at)?);
    let offsets = [charset_at, fdselect_at, charstrings_at, fdarray_at];
    write_index(&mut out, &[top_dict(&font.top, glyphs, offsets)]);
    debug_assert_eq!(out.len(), at);
    out.extend_from_slice(&tail);
    Ok(out)
}

#[cfg(test)]
mod tests;
