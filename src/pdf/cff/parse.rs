//! Reading and writing the CFF structures the subsetter needs: INDEXes
//! (read lazily), DICTs, the integer encodings DICTs and charstrings share,
//! and FDSelect.

/// Why a font is left to the general subsetter.
#[derive(Debug, PartialEq)]
pub(crate) struct Unsupported(pub(crate) &'static str);

pub(super) type R<T> = std::result::Result<T, Unsupported>;

pub(super) fn bad(why: &'static str) -> Unsupported {
    Unsupported(why)
}

/// An INDEX, read lazily: a CJK face's CharStrings INDEX has 65,535
/// entries of which a briefing needs a few hundred.
pub(super) struct Index<'a> {
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
    pub(super) fn parse(data: &'a [u8], at: usize) -> R<(Index<'a>, usize)> {
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

    pub(super) fn len(&self) -> usize {
        self.count
    }

    pub(super) fn get(&self, i: usize) -> R<&'a [u8]> {
        if i >= self.count {
            return Err(bad("INDEX item out of range"));
        }
        let (a, b) = (self.off(i)?, self.off(i + 1)?);
        self.data
            .get(self.base + a..self.base + b)
            .ok_or(bad("INDEX item out of range"))
    }

    pub(super) fn items(&self) -> R<Vec<&'a [u8]>> {
        (0..self.count).map(|i| self.get(i)).collect()
    }
}

/// Writes an INDEX of `items`.
pub(super) fn write_index<T: AsRef<[u8]>>(out: &mut Vec<u8>, items: &[T]) {
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
pub(super) struct Entry<'a> {
    pub(super) op: u16,
    pub(super) raw: &'a [u8],
    pub(super) ints: Vec<i64>,
}

/// The integer encodings DICTs and charstrings share (operator bytes 28
/// and 32–254): value and length, `None` for any other first byte.
pub(super) fn shared_int(t: &[u8]) -> R<Option<(i64, usize)>> {
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

pub(super) fn dict(data: &[u8]) -> R<Vec<Entry<'_>>> {
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
pub(super) fn int5(out: &mut Vec<u8>, v: usize) {
    out.push(29);
    out.extend_from_slice(&(v as i32).to_be_bytes());
}

/// An integer in the shortest of the encodings [`shared_int`] reads
/// (values beyond ±32767, never a width, are clamped).
pub(super) fn push_int(out: &mut Vec<u8>, v: i64) {
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

pub(super) fn op(out: &mut Vec<u8>, op: u16) {
    if op >= 1200 {
        out.extend_from_slice(&[12, (op - 1200) as u8]);
    } else {
        out.push(op as u8);
    }
}

pub(super) const CHARSET: u16 = 15;
pub(super) const CHARSTRINGS: u16 = 17;
pub(super) const PRIVATE: u16 = 18;
pub(super) const SUBRS: u16 = 19;
pub(super) const ROS: u16 = 1230;
pub(super) const CID_COUNT: u16 = 1234;
pub(super) const FD_ARRAY: u16 = 1236;
pub(super) const FD_SELECT: u16 = 1237;

/// The font DICT of each of `n` glyphs, from the FDSelect at `at`.
pub(super) fn fd_select(cff: &[u8], at: usize, n: usize) -> R<Vec<u8>> {
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
