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

/// Why a font is left to the general subsetter.
#[derive(Debug, PartialEq)]
pub(crate) struct Unsupported(pub(crate) &'static str);

type R<T> = std::result::Result<T, Unsupported>;

fn bad(why: &'static str) -> Unsupported {
    Unsupported(why)
}

/// An INDEX, read lazily: a CJK face's CharStrings INDEX has 65,535
/// entries of which a briefing needs a few hundred.
struct Index<'a> {
    data: &'a [u8],
    count: usize,
    size: usize,
    /// Where the offsets start.
    offs: usize,
    /// Offsets count from here.
    base: usize,
}

impl<'a> Index<'a> {
    /// The INDEX at `at`, and the offset just past it.
    fn parse(data: &'a [u8], at: usize) -> R<(Index<'a>, usize)> {
        let count = u16::from_be_bytes(
            data.get(at..at + 2)
                .ok_or(bad("truncated INDEX"))?
                .try_into()
                .unwrap(),
        ) as usize;
        if count == 0 {
            let empty = Index {
                data,
                count: 0,
                size: 1,
                offs: at + 2,
                base: at + 2,
            };
            return Ok((empty, at + 2));
        }
        let size = *data.get(at + 2).ok_or(bad("truncated INDEX"))? as usize;
        if !(1..=4).contains(&size) {
            return Err(bad("bad INDEX offset size"));
        }
        let offs = at + 3;
        let idx = Index {
            data,
            count,
            size,
            offs,
            base: offs + (count + 1) * size - 1,
        };
        let end = idx.base + idx.off(count)?;
        Ok((idx, end))
    }

    fn off(&self, i: usize) -> R<usize> {
        let b = self
            .data
            .get(self.offs + i * self.size..self.offs + (i + 1) * self.size)
            .ok_or(bad("truncated INDEX"))?;
        Ok(b.iter().fold(0usize, |a, &x| a << 8 | x as usize))
    }

    fn len(&self) -> usize {
        self.count
    }

    fn get(&self, i: usize) -> R<&'a [u8]> {
        if i >= self.count {
            return Err(bad("INDEX item out of range"));
        }
        let (a, b) = (self.off(i)?, self.off(i + 1)?);
        self.data
            .get(self.base + a..self.base + b)
            .ok_or(bad("INDEX item out of range"))
    }

    fn items(&self) -> R<Vec<&'a [u8]>> {
        (0..self.count).map(|i| self.get(i)).collect()
    }
}

/// Writes an INDEX of `items`.
fn write_index<T: AsRef<[u8]>>(out: &mut Vec<u8>, items: &[T]) {
    out.extend_from_slice(&(items.len() as u16).to_be_bytes());
    if items.is_empty() {
        return;
    }
    let total: usize = items.iter().map(|i| i.as_ref().len()).sum::<usize>() + 1;
    let size = match total {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    out.push(size as u8);
    let mut off = 1usize;
    let put = |out: &mut Vec<u8>, v: usize| {
        out.extend_from_slice(&(v as u32).to_be_bytes()[4 - size..]);
    };
    put(out, off);
    for i in items {
        off += i.as_ref().len();
        put(out, off);
    }
    for i in items {
        out.extend_from_slice(i.as_ref());
    }
}

/// A DICT entry: operator (two-byte operators as 1200 + b1) and the raw
/// bytes of its operands, with their integer values where they are ints.
struct Entry<'a> {
    op: u16,
    raw: &'a [u8],
    ints: Vec<i64>,
}

/// The integer encodings DICTs and charstrings share (operator bytes 28
/// and 32–254): value and length, `None` for any other first byte.
fn shared_int(t: &[u8]) -> R<Option<(i64, usize)>> {
    let b = *t.first().ok_or(bad("truncated number"))?;
    let byte = |k: usize| t.get(k).map(|&x| x as i64).ok_or(bad("truncated number"));
    Ok(match b {
        28 => Some((
            i16::from_be_bytes([byte(1)? as u8, byte(2)? as u8]) as i64,
            3,
        )),
        32..=246 => Some((b as i64 - 139, 1)),
        247..=250 => Some(((b as i64 - 247) * 256 + byte(1)? + 108, 2)),
        251..=254 => Some((-(b as i64 - 251) * 256 - byte(1)? - 108, 2)),
        _ => None,
    })
}

fn dict(data: &[u8]) -> R<Vec<Entry<'_>>> {
    let mut out = Vec::new();
    let (mut i, mut start) = (0, 0);
    let mut ints = Vec::new();
    while i < data.len() {
        let b = data[i];
        match b {
            0..=21 => {
                let (op, len) = if b == 12 {
                    (
                        1200 + *data.get(i + 1).ok_or(bad("truncated DICT"))? as u16,
                        2,
                    )
                } else {
                    (b as u16, 1)
                };
                out.push(Entry {
                    op,
                    raw: &data[start..i],
                    ints: std::mem::take(&mut ints),
                });
                i += len;
                start = i;
            }
            29 => {
                let v = i32::from_be_bytes(
                    data.get(i + 1..i + 5)
                        .ok_or(bad("truncated DICT"))?
                        .try_into()
                        .unwrap(),
                );
                ints.push(v as i64);
                i += 5;
            }
            30 => {
                // A real: nibbles up to an 0xf nibble.
                i += 1;
                while i < data.len() {
                    let x = data[i];
                    i += 1;
                    if x & 0x0f == 0x0f || x >> 4 == 0x0f {
                        break;
                    }
                }
                ints.push(0);
            }
            _ => match shared_int(&data[i..])? {
                Some((v, len)) => {
                    ints.push(v);
                    i += len;
                }
                None => return Err(bad("reserved byte in DICT")),
            },
        }
    }
    Ok(out)
}

/// An integer as five bytes (operator 29), so a DICT's size does not
/// depend on the offsets it holds.
fn int5(out: &mut Vec<u8>, v: usize) {
    out.push(29);
    out.extend_from_slice(&(v as i32).to_be_bytes());
}

/// An integer in the shortest of the encodings [`shared_int`] reads
/// (values beyond ±32767, never a width, are clamped).
fn push_int(out: &mut Vec<u8>, v: i64) {
    match v {
        -107..=107 => out.push((v + 139) as u8),
        108..=1131 => {
            let w = v - 108;
            out.extend_from_slice(&[(247 + w / 256) as u8, (w % 256) as u8]);
        }
        -1131..=-108 => {
            let w = -v - 108;
            out.extend_from_slice(&[(251 + w / 256) as u8, (w % 256) as u8]);
        }
        _ => {
            out.push(28);
            out.extend_from_slice(&(v.clamp(-32768, 32767) as i16).to_be_bytes());
        }
    }
}

fn op(out: &mut Vec<u8>, op: u16) {
    if op >= 1200 {
        out.extend_from_slice(&[12, (op - 1200) as u8]);
    } else {
        out.push(op as u8);
    }
}

const CHARSET: u16 = 15;
const CHARSTRINGS: u16 = 17;
const PRIVATE: u16 = 18;
const SUBRS: u16 = 19;
const ROS: u16 = 1230;
const CID_COUNT: u16 = 1234;
const FD_ARRAY: u16 = 1236;
const FD_SELECT: u16 = 1237;

fn bias(n: usize) -> i64 {
    if n < 1240 {
        107
    } else if n < 33900 {
        1131
    } else {
        32768
    }
}

/// Inlines subroutine calls while copying a charstring.
struct Inliner<'a> {
    global: &'a Index<'a>,
    local: &'a Index<'a>,
    out: Vec<u8>,
    /// Values on the argument stack (`None`: not a literal integer).
    stack: Vec<Option<i64>>,
    /// Byte ranges in `out` of the operands on the stack.
    marks: Vec<usize>,
    stems: usize,
    done: bool,
    /// The width operand to write at the first stack-clearing operator
    /// (already less `nominalWidthX`), for a copy with a new advance;
    /// taken when written.
    width: Option<i64>,
}

impl Inliner<'_> {
    fn run(&mut self, code: &[u8], depth: usize) -> R<()> {
        if depth > 10 {
            return Err(bad("subroutines nested too deep"));
        }
        let mut i = 0;
        while i < code.len() && !self.done {
            let b = code[i];
            let number = if b == 255 {
                // 16.16 fixed: never a subroutine index.
                Some((None, 5))
            } else {
                shared_int(&code[i..])?.map(|(v, len)| (Some(v), len))
            };
            if let Some((v, n)) = number {
                let t = code.get(i..i + n).ok_or(bad("truncated charstring"))?;
                self.marks.push(self.out.len());
                self.out.extend_from_slice(t);
                self.stack.push(v);
                i += n;
                continue;
            }
            i += 1;
            if self.width.is_some() && matches!(b, 1 | 3 | 4 | 14 | 18..=23) {
                self.set_width(b);
            }
            match b {
                10 | 29 => {
                    // callsubr / callgsubr: the index is not copied.
                    let at = self.marks.pop().ok_or(bad("call without index"))?;
                    let idx = self
                        .stack
                        .pop()
                        .flatten()
                        .ok_or(bad("computed subroutine index"))?;
                    self.out.truncate(at);
                    let subrs = if b == 10 { self.local } else { self.global };
                    let k = usize::try_from(idx + bias(subrs.len()))
                        .map_err(|_| bad("subroutine out of range"))?;
                    self.run(subrs.get(k)?, depth + 1)?;
                }
                11 => return Ok(()), // return
                14 => {
                    // endchar
                    self.out.push(14);
                    self.done = true;
                }
                1 | 3 | 18 | 23 => {
                    // hstem, vstem, hstemhm, vstemhm (a width may lead).
                    self.stems += self.stack.len() / 2;
                    self.clear(b);
                }
                19 | 20 => {
                    // hintmask, cntrmask: leading arguments are vstems.
                    self.stems += self.stack.len() / 2;
                    self.clear(b);
                    let m = self.stems.div_ceil(8);
                    let mask = code.get(i..i + m).ok_or(bad("truncated hint mask"))?;
                    self.out.extend_from_slice(mask);
                    i += m;
                }
                12 => {
                    let b1 = *code.get(i).ok_or(bad("truncated charstring"))?;
                    i += 1;
                    match b1 {
                        // flex family, and the obsolete dotsection:
                        // they clear the stack.
                        0 | 34..=37 => {
                            self.out.extend_from_slice(&[12, b1]);
                            self.stack.clear();
                            self.marks.clear();
                        }
                        _ => return Err(bad("charstring arithmetic or storage")),
                    }
                }
                0 | 2 | 9 | 13 | 15..=17 => return Err(bad("reserved charstring operator")),
                _ => self.clear(b),
            }
        }
        Ok(())
    }

    /// Writes the new width before the first stack-clearing operator `b`,
    /// in place of the charstring's own width operand if it has one. The
    /// operand is there when the operator has one argument more than it
    /// takes (Type 2 charstrings, §3.1): an odd count for stems and hint
    /// masks, 3 for `rmoveto`, 2 for `hmoveto`/`vmoveto`, 1 or 5 for
    /// `endchar`.
    fn set_width(&mut self, b: u8) {
        let Some(w) = self.width.take() else { return };
        let n = self.stack.len();
        let has = match b {
            21 => n > 2,
            22 | 4 => n > 1,
            14 => n == 1 || n == 5,
            _ => n % 2 == 1,
        };
        let at = self.marks.first().copied().unwrap_or(self.out.len());
        let end = if has {
            self.marks.get(1).copied().unwrap_or(self.out.len())
        } else {
            at
        };
        let mut enc = Vec::with_capacity(5);
        push_int(&mut enc, w);
        let delta = enc.len() as isize - (end - at) as isize;
        self.out.splice(at..end, enc);
        if has {
            self.stack[0] = Some(w);
            for m in self.marks.iter_mut().skip(1) {
                *m = (*m as isize + delta) as usize;
            }
        } else {
            self.stack.insert(0, Some(w));
            for m in self.marks.iter_mut() {
                *m = (*m as isize + delta) as usize;
            }
            self.marks.insert(0, at);
        }
    }

    /// Copies a stack-clearing operator.
    fn clear(&mut self, b: u8) {
        self.out.push(b);
        self.stack.clear();
        self.marks.clear();
    }
}

/// The font DICT of each of `n` glyphs, from the FDSelect at `at`.
fn fd_select(cff: &[u8], at: usize, n: usize) -> R<Vec<u8>> {
    let format = *cff.get(at).ok_or(bad("truncated FDSelect"))?;
    let mut fd = vec![0u8; n];
    match format {
        0 => fd.copy_from_slice(
            cff.get(at + 1..at + 1 + n)
                .ok_or(bad("truncated FDSelect"))?,
        ),
        3 => {
            let r = |k: usize| -> R<usize> {
                Ok(u16::from_be_bytes(
                    cff.get(k..k + 2)
                        .ok_or(bad("truncated FDSelect"))?
                        .try_into()
                        .unwrap(),
                ) as usize)
            };
            let ranges = r(at + 1)?;
            for k in 0..ranges {
                let p = at + 3 + k * 3;
                let (first, f) = (r(p)?, *cff.get(p + 2).ok_or(bad("truncated FDSelect"))?);
                let end = r(p + 3)?.min(n);
                for slot in fd.iter_mut().take(end).skip(first) {
                    *slot = f;
                }
            }
        }
        _ => return Err(bad("FDSelect format")),
    }
    Ok(fd)
}

/// The CFF table of `glyphs`, new glyph id i+1 for `glyphs[i]` (glyph 0,
/// `.notdef`, is added). Each is an old glyph id and, for a copy drawn
/// with a different advance, that advance in font units; an old glyph
/// may appear several times.
pub(crate) fn subset(cff: &[u8], glyphs: &[(u16, Option<i64>)]) -> R<Vec<u8>> {
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
    let n = charstrings.len();
    // FDSelect: the font DICT of each old glyph.
    let fd_of = fd_select(cff, off(FD_SELECT)?, n)?;
    // Each font DICT's Private DICT and local subroutines.
    let mut privates: Vec<(Vec<Entry>, Index)> = Vec::with_capacity(fds.len());
    for fd in &fds {
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
        privates.push((pd, local));
    }
    // A charstring's width operand is relative to its Private DICT's
    // nominalWidthX (operator 21; 0 when absent).
    let nominal = |pd: &[Entry]| -> R<i64> {
        match pd.iter().find(|e| e.op == 21) {
            None => Ok(0),
            Some(e) if e.raw.first() == Some(&30) => Err(bad("real nominalWidthX")),
            Some(e) => e.ints.first().copied().ok_or(bad("bad nominalWidthX")),
        }
    };

    // The new charstrings.
    let mut all: Vec<(u16, Option<i64>)> = Vec::with_capacity(glyphs.len() + 1);
    all.push((0, None));
    all.extend(glyphs.iter().copied().filter(|&(g, _)| g != 0));
    let glyphs = all;
    let mut strings_out: Vec<Vec<u8>> = Vec::with_capacity(glyphs.len());
    let mut fd_new: Vec<u8> = Vec::with_capacity(glyphs.len());
    for &(g, advance) in &glyphs {
        let fd = *fd_of.get(g as usize).ok_or(bad("glyph out of range"))?;
        let (pd, local) = privates.get(fd as usize).ok_or(bad("FD out of range"))?;
        let width = match advance {
            Some(a) => Some(a - nominal(pd)?),
            None => None,
        };
        let mut inl = Inliner {
            global: &global,
            local,
            out: Vec::with_capacity(256),
            stack: Vec::new(),
            marks: Vec::new(),
            stems: 0,
            done: false,
            width,
        };
        inl.run(charstrings.get(g as usize)?, 0)?;
        if inl.width.is_some() {
            return Err(bad("charstring without a stack-clearing operator"));
        }
        strings_out.push(inl.out);
        fd_new.push(fd);
    }
    // Only the font DICTs the chosen glyphs use are kept, renumbered in
    // their original order.
    let mut keep: Vec<usize> = fd_new.iter().map(|&f| f as usize).collect();
    keep.sort_unstable();
    keep.dedup();
    let renumber = |f: u8| keep.binary_search(&(f as usize)).map_or(0, |k| k as u8);
    let fd_new: Vec<u8> = fd_new.into_iter().map(renumber).collect();
    let fds: Vec<&[u8]> = keep.iter().map(|&k| fds[k]).collect();
    let privates: Vec<(Vec<Entry>, Index)> = {
        let mut all: Vec<Option<(Vec<Entry>, Index)>> = privates.into_iter().map(Some).collect();
        keep.iter().filter_map(|&k| all[k].take()).collect()
    };

    // Top DICT without the offsets; they are appended as five-byte ints.
    let top_dict = |offsets: [usize; 4]| {
        let mut t = Vec::new();
        for e in &top {
            if matches!(
                e.op,
                CHARSET | CHARSTRINGS | FD_ARRAY | FD_SELECT | CID_COUNT | PRIVATE
            ) {
                continue;
            }
            t.extend_from_slice(e.raw);
            op(&mut t, e.op);
        }
        int5(&mut t, glyphs.len());
        op(&mut t, CID_COUNT);
        for (v, o) in offsets
            .into_iter()
            .zip([CHARSET, FD_SELECT, CHARSTRINGS, FD_ARRAY])
        {
            int5(&mut t, v);
            op(&mut t, o);
        }
        t
    };
    let mut out = cff[..hdr].to_vec();
    out[3] = 4; // offsets are up to four bytes
    write_index(&mut out, &names.items()?);
    let top_at = out.len();
    let mut tmp = Vec::new();
    write_index(&mut tmp, &[top_dict([0; 4])]);
    let at = top_at + tmp.len();
    let mut tail = Vec::new();
    write_index(&mut tail, &strings.items()?);
    write_index::<&[u8]>(&mut tail, &[]);
    let charset_at = at + tail.len();
    // charset format 2: CIDs 1..n-1 for glyphs 1..n-1.
    tail.push(2);
    if glyphs.len() > 1 {
        tail.extend_from_slice(&1u16.to_be_bytes());
        tail.extend_from_slice(&((glyphs.len() - 2) as u16).to_be_bytes());
    } else {
        tail.pop();
        tail.push(0);
    }
    let fdselect_at = at + tail.len();
    // FDSelect format 3.
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
    tail.extend_from_slice(&(glyphs.len() as u16).to_be_bytes());
    let charstrings_at = at + tail.len();
    write_index(&mut tail, &strings_out);
    let fdarray_at = at + tail.len();
    // Private DICTs without Subrs, placed after the FDArray.
    let private_dicts: Vec<Vec<u8>> = privates
        .iter()
        .map(|(pd, _)| {
            let mut p = Vec::new();
            for e in pd.iter().filter(|e| e.op != SUBRS) {
                p.extend_from_slice(e.raw);
                op(&mut p, e.op);
            }
            p
        })
        .collect();
    let font_dicts = |private_at: &[usize]| -> R<Vec<Vec<u8>>> {
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
    let mut fd_index = Vec::new();
    write_index(&mut fd_index, &font_dicts(&vec![0; fds.len()])?);
    let mut private_at = Vec::with_capacity(fds.len());
    let mut p = fdarray_at + fd_index.len();
    for d in &private_dicts {
        private_at.push(p);
        p += d.len();
    }
    fd_index.clear();
    write_index(&mut fd_index, &font_dicts(&private_at)?);
    tail.extend_from_slice(&fd_index);
    for d in &private_dicts {
        tail.extend_from_slice(d);
    }
    write_index(
        &mut out,
        &[top_dict([
            charset_at,
            fdselect_at,
            charstrings_at,
            fdarray_at,
        ])],
    );
    debug_assert_eq!(out.len(), at);
    out.extend_from_slice(&tail);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{
        CHARSET, CHARSTRINGS, FD_ARRAY, FD_SELECT, Index, Inliner, PRIVATE, SUBRS, dict, fd_select,
        shared_int, subset,
    };
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
}
