//! Rearranges a TrueType subset (as `subsetter` writes it) into the
//! glyph order the page contents use, adding copies of glyphs with other
//! advances: the honest form of a glyph drawn wider or narrower than its
//! own advance (`super` says why glyphs are drawn so).
//!
//! A copy is the same outline under a new glyph id with its own `hmtx`
//! advance, so the font program, its `/W` widths and the drawn positions
//! all agree. Composite glyphs keep pointing at the right components, and
//! the glyphs `subsetter` added only as components follow the listed ones.

/// Why a subset cannot be rearranged.
pub(crate) type Why = &'static str;

/// A table's tag and bytes.
type Table<'a> = ([u8; 4], &'a [u8]);

/// Composite glyph component flags (OpenType `glyf`).
const ARG_WORDS: u16 = 0x0001;
const SCALE: u16 = 0x0008;
const MORE: u16 = 0x0020;
const XY_SCALE: u16 = 0x0040;
const TWO_BY_TWO: u16 = 0x0080;
const USE_MY_METRICS: u16 = 0x0200;

fn u16_at(d: &[u8], at: usize) -> Result<u16, Why> {
    d.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or("truncated table")
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, Why> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or("truncated table")
}

/// The sum of big-endian 32-bit words a table record states (OpenType
/// "Calculating checksums").
fn checksum(d: &[u8]) -> u32 {
    d.chunks(4).fold(0u32, |s, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        s.wrapping_add(u32::from_be_bytes(w))
    })
}

/// The font's tables, by tag, in the order of its table directory.
fn tables(font: &[u8]) -> Result<Vec<Table<'_>>, Why> {
    let n = u16_at(font, 4)? as usize;
    (0..n)
        .map(|i| {
            let r = 12 + 16 * i;
            let tag: [u8; 4] = font
                .get(r..r + 4)
                .ok_or("truncated directory")?
                .try_into()
                .unwrap();
            let (at, len) = (
                u32_at(font, r + 8)? as usize,
                u32_at(font, r + 12)? as usize,
            );
            Ok((tag, font.get(at..at + len).ok_or("table out of range")?))
        })
        .collect()
}

/// A glyph's bytes with its components renumbered by `map`; on copies
/// (`copy`) and where a component became a copy (`map` says so), the
/// component no longer lends its metrics to the glyph.
fn renumber(
    glyph: &[u8],
    copy: bool,
    map: &dyn Fn(u16) -> Result<(u16, bool), Why>,
) -> Result<Vec<u8>, Why> {
    let mut g = glyph.to_vec();
    if g.len() < 10 || (u16_at(&g, 0)? as i16) >= 0 {
        return Ok(g);
    }
    let mut at = 10;
    loop {
        let mut flags = u16_at(&g, at)?;
        let (new, is_copy) = map(u16_at(&g, at + 2)?)?;
        if copy || is_copy {
            flags &= !USE_MY_METRICS;
        }
        g[at..at + 2].copy_from_slice(&flags.to_be_bytes());
        g[at + 2..at + 4].copy_from_slice(&new.to_be_bytes());
        at += 4 + if flags & ARG_WORDS != 0 { 4 } else { 2 };
        at += if flags & SCALE != 0 {
            2
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            return Ok(g);
        }
        if at >= g.len() {
            return Err("truncated composite glyph");
        }
    }
}

/// The tables of a TrueType font that hold its glyphs and their metrics.
struct Glyphs<'a> {
    head: &'a [u8],
    hhea: &'a [u8],
    maxp: &'a [u8],
    hmtx: &'a [u8],
    loca: &'a [u8],
    glyf: &'a [u8],
    /// Glyph count.
    n: usize,
    /// Entries of `hmtx` with their own advance.
    long: usize,
}

impl<'a> Glyphs<'a> {
    fn read(tabs: &[([u8; 4], &'a [u8])]) -> Result<Glyphs<'a>, Why> {
        let table = |tag: &[u8; 4]| {
            tabs.iter()
                .find(|(t, _)| t == tag)
                .map(|(_, d)| *d)
                .ok_or("missing table")
        };
        let (head, hhea, maxp) = (table(b"head")?, table(b"hhea")?, table(b"maxp")?);
        let long = u16_at(hhea, 34)? as usize;
        if long == 0 {
            return Err("no horizontal metrics");
        }
        Ok(Glyphs {
            head,
            hhea,
            maxp,
            hmtx: table(b"hmtx")?,
            loca: table(b"loca")?,
            glyf: table(b"glyf")?,
            n: u16_at(maxp, 4)? as usize,
            long,
        })
    }

    fn offset(&self, g: usize) -> Result<usize, Why> {
        Ok(if u16_at(self.head, 50)? != 0 {
            u32_at(self.loca, 4 * g)? as usize
        } else {
            2 * u16_at(self.loca, 2 * g)? as usize
        })
    }

    /// Glyph `g`'s outline data.
    fn glyph(&self, g: usize) -> Result<&'a [u8], Why> {
        let (a, b) = (self.offset(g)?, self.offset(g + 1)?);
        self.glyf.get(a..b).ok_or("glyph out of range")
    }

    /// Glyph `g`'s advance and left side bearing.
    fn metric(&self, g: usize) -> Result<(u16, u16), Why> {
        let long = self.long;
        let k = g.min(long - 1);
        let lsb = if g < long {
            u16_at(self.hmtx, 4 * g + 2)?
        } else {
            u16_at(self.hmtx, 4 * long + 2 * (g - long))?
        };
        Ok((u16_at(self.hmtx, 4 * k)?, lsb))
    }
}

/// The new order: `.notdef`, the listed glyphs (each an old id and, for a
/// copy, its advance), the rest; and where each old glyph's components
/// go: the glyph itself if it is listed with its own advance, else its
/// first copy.
#[allow(clippy::type_complexity)]
fn order(
    glyphs: &[(u16, Option<u16>)],
    n: usize,
) -> Result<(Vec<(usize, Option<u16>)>, Vec<Option<(u16, bool)>>), Why> {
    let mut order: Vec<(usize, Option<u16>)> = vec![(0, None)];
    let mut listed = vec![false; n];
    for &(g, adv) in glyphs {
        let g = g as usize;
        if g == 0 || g >= n {
            return Err("glyph out of range");
        }
        listed[g] = true;
        order.push((g, adv));
    }
    order.extend((1..n).filter(|&g| !listed[g]).map(|g| (g, None)));
    let mut target: Vec<Option<(u16, bool)>> = vec![None; n];
    for (new, &(old, adv)) in order.iter().enumerate() {
        let t = &mut target[old];
        if t.is_none_or(|(_, copy)| copy && adv.is_none()) {
            *t = Some((new as u16, adv.is_some()));
        }
    }
    Ok((order, target))
}

/// The tables that change: `glyf`, `loca` and `hmtx` in the new order,
/// and the counts and widest advance of `head`, `hhea` and `maxp`.
struct Rebuilt {
    glyf: Vec<u8>,
    loca: Vec<u8>,
    hmtx: Vec<u8>,
    head: Vec<u8>,
    hhea: Vec<u8>,
    maxp: Vec<u8>,
    advances: Vec<u16>,
}

fn rebuild(
    g: &Glyphs,
    glyphs: usize,
    order: &[(usize, Option<u16>)],
    target: &[Option<(u16, bool)>],
) -> Result<Rebuilt, Why> {
    let map = |old: u16| {
        target
            .get(old as usize)
            .copied()
            .flatten()
            .ok_or("component out of range")
    };
    let mut glyf = Vec::with_capacity(g.glyf.len() + glyphs * 64);
    let mut loca = Vec::with_capacity(4 * (order.len() + 1));
    let mut hmtx = Vec::with_capacity(4 * order.len());
    let mut advances = Vec::with_capacity(order.len());
    for &(old, adv) in order {
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
        glyf.extend_from_slice(&renumber(g.glyph(old)?, adv.is_some(), &map)?);
        while glyf.len() % 4 != 0 {
            glyf.push(0);
        }
        let (own, lsb) = g.metric(old)?;
        let a = adv.unwrap_or(own);
        advances.push(a);
        hmtx.extend_from_slice(&a.to_be_bytes());
        hmtx.extend_from_slice(&lsb.to_be_bytes());
    }
    loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
    let count = u16::try_from(order.len()).map_err(|_| "more than 65535 glyphs")?;
    let mut head = g.head.to_vec();
    head.get_mut(8..12).ok_or("short head")?.fill(0);
    head[50..52].copy_from_slice(&1u16.to_be_bytes());
    let mut hhea = g.hhea.to_vec();
    let widest = advances.iter().copied().max().unwrap_or(0);
    hhea[10..12].copy_from_slice(&widest.to_be_bytes());
    hhea[34..36].copy_from_slice(&count.to_be_bytes());
    let mut maxp = g.maxp.to_vec();
    maxp[4..6].copy_from_slice(&count.to_be_bytes());
    Ok(Rebuilt {
        glyf,
        loca,
        hmtx,
        head,
        hhea,
        maxp,
        advances,
    })
}

/// `font` with its glyphs in the order of `glyphs` (after `.notdef`),
/// each a glyph id of `font` and, for a copy, its new advance in font
/// units; the glyphs no entry names follow in their order. Returns the
/// new font and every glyph's advance.
pub(crate) fn arrange(
    font: &[u8],
    glyphs: &[(u16, Option<u16>)],
) -> Result<(Vec<u8>, Vec<u16>), Why> {
    let tabs = tables(font)?;
    let g = Glyphs::read(&tabs)?;
    let (order, target) = order(glyphs, g.n)?;
    let r = rebuild(&g, glyphs.len(), &order, &target)?;
    let mut out_tables: Vec<([u8; 4], std::borrow::Cow<[u8]>)> = Vec::with_capacity(tabs.len());
    for &(tag, data) in &tabs {
        let d: std::borrow::Cow<[u8]> = match &tag {
            b"head" => r.head.as_slice().into(),
            b"hhea" => r.hhea.as_slice().into(),
            b"maxp" => r.maxp.as_slice().into(),
            b"hmtx" => r.hmtx.as_slice().into(),
            b"loca" => r.loca.as_slice().into(),
            b"glyf" => r.glyf.as_slice().into(),
            // Glyph names (version 2) are per glyph; a PDF needs none,
            // so the table becomes version 3, which has none.
            b"post" if u32_at(data, 0)? == 0x0002_0000 => {
                let mut p = data.get(..32).ok_or("short post")?.to_vec();
                p[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
                p.into()
            }
            // Vertical metrics would have to grow as hmtx did; a PDF
            // with horizontal writing does not read them.
            b"vhea" | b"vmtx" => continue,
            _ => data.into(),
        };
        out_tables.push((tag, d));
    }
    Ok((assemble(font, &out_tables)?, r.advances))
}

/// An sfnt file of `tables` (in tag order, as read), with the original's
/// version, and its checksums and `head` adjustment computed.
fn assemble(font: &[u8], tables: &[([u8; 4], std::borrow::Cow<[u8]>)]) -> Result<Vec<u8>, Why> {
    let n = tables.len() as u16;
    let power = if n == 0 {
        0
    } else {
        15 - n.leading_zeros() as u16
    };
    let range = 16u16 << power;
    let mut out = Vec::new();
    out.extend_from_slice(font.get(..4).ok_or("no header")?);
    for v in [n, range, power, n * 16 - range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut at = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, d) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(d).to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(d.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(at);
        }
        at += d.len().div_ceil(4) * 4;
    }
    for (_, d) in tables {
        out.extend_from_slice(d);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    let head_at = head_at.ok_or("missing head")?;
    let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    out[head_at + 8..head_at + 12].copy_from_slice(&adjust.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::pdf::subset::subset;
    use crate::pdf::tests::Pen;
    use crate::text::fonts::LoadedFont;
    use ttf_parser::{Face, GlyphId};

    fn outline(f: &Face, g: u16) -> Vec<String> {
        let mut pen = Pen::default();
        let _ = f.outline_glyph(GlyphId(g), &mut pen);
        pen.0
    }

    /// A TrueType face with composite glyphs (DejaVu Sans builds accented
    /// letters from components; scripts/test installs fonts-dejavu-core),
    /// or `$TRUETYPE_LATIN_FONT`.
    fn dejavu() -> LoadedFont {
        let path = std::env::var_os("TRUETYPE_LATIN_FONT")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf".into());
        LoadedFont::open(&path, 0).unwrap_or_else(|e| {
            panic!(
                "{}: {e:?} (run scripts/test, which installs fonts-dejavu-core)",
                path.display()
            )
        })
    }

    /// Glyphs and their copies with other advances draw exactly what the
    /// original glyphs draw, composites included, with the advances asked
    /// for; the glyphs added as components follow the listed ones.
    #[test]
    fn truetype_copies_draw_as_the_originals_with_their_own_advances() {
        let font = dejavu();
        let original = Face::parse(font.data, 0).unwrap();
        let mut gids: Vec<u16> = "Aé2Åñ0ü年".chars().filter_map(|c| font.glyph(c)).collect();
        gids.sort_unstable();
        gids.dedup();
        // Composite: a negative contour count (loca of DejaVu is long).
        let raw = ttf_parser::RawFace::parse(font.data, 0).unwrap();
        let table = |t: &[u8; 4]| raw.table(ttf_parser::Tag::from_bytes(t)).unwrap();
        let (loca, glyf) = (table(b"loca"), table(b"glyf"));
        let composites = gids
            .iter()
            .filter(|&&g| {
                let at = super::u32_at(loca, 4 * g as usize).unwrap() as usize;
                (glyf[at] as i8) < 0
            })
            .count();
        assert!(composites >= 2, "the test needs composite glyphs");
        // Each glyph as it is, and copies wider by ⅛ em and narrower by ¼.
        let step = (font.upem / 8.0) as i32;
        let mut glyphs = Vec::new();
        for &g in &gids {
            glyphs.extend([(g, -2 * step), (g, 0), (g, step)]);
        }
        let sub = subset(&font, &glyphs).unwrap();
        assert!(!sub.bare_cff);
        let face = Face::parse(&sub.data, 0).expect("the subset parses");
        assert_eq!(face.number_of_glyphs() as usize, sub.advances.len());
        assert!(sub.advances.len() > glyphs.len(), "components follow");
        for (i, &(g, d)) in glyphs.iter().enumerate() {
            let new = i as u16 + 1;
            assert_eq!(
                outline(&original, g),
                outline(&face, new),
                "glyph {g} → {new}"
            );
            let want = (font.advance_units(g) as i32 + d) as u16;
            assert_eq!(face.glyph_hor_advance(GlyphId(new)), Some(want));
            assert_eq!(sub.advances[new as usize], want);
        }
        for extra in glyphs.len() + 1..sub.advances.len() {
            assert!(
                !outline(&face, extra as u16).is_empty(),
                "component {extra}"
            );
        }
    }
}
