//! Copying a charstring with the subroutines it calls inlined, token by
//! token, and its advance width written or replaced where the Type 2
//! rules put it.

use super::parse::{Index, R, bad, push_int, shared_int};

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
pub(super) struct Inliner<'a> {
    pub(super) global: &'a Index<'a>,
    pub(super) local: &'a Index<'a>,
    pub(super) out: Vec<u8>,
    /// Values on the argument stack (`None`: not a literal integer).
    pub(super) stack: Vec<Option<i64>>,
    /// Byte ranges in `out` of the operands on the stack.
    pub(super) marks: Vec<usize>,
    pub(super) stems: usize,
    pub(super) done: bool,
    /// The width operand to write at the first stack-clearing operator
    /// (already less `nominalWidthX`), for a copy with a new advance;
    /// taken when written.
    pub(super) width: Option<i64>,
}

impl Inliner<'_> {
    pub(super) fn run(&mut self, code: &[u8], depth: usize) -> R<()> {
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
