//! Builders that turn document blocks into flow elements: title block,
//! headings, paragraphs, notes, key-figure cards, figures, sources.

use super::flow::{Elem, Frame};
use crate::compose::wording;
use crate::compose::{Card, Document};
use crate::config::PageSettings;
use crate::content::ChartData;
use crate::error::Result;
use crate::frame::FontKind;
use crate::frame::{Anchor, Item, Rgb, TextRun};
use crate::origin::{AsText, Text};
use crate::style::*;
use crate::text::fonts::FontSet;
use crate::text::{Align, ParaStyle, SetLine, layout, layout_marked, single_line};

/// Shared state for building elements.
pub(crate) struct Builder<'a> {
    /// Fonts.
    pub(crate) fonts: &'a FontSet,
    /// Page settings.
    pub(crate) settings: &'a PageSettings,
    /// Type area.
    pub(crate) frame: &'a Frame,
}

/// Lines of body pitch a figure leaves free on its page for headings set
/// above it (a level-1 and a level-2 heading with their space).
const FIGURE_HEADING_ROOM: f32 = 4.5;

impl<'a> Builder<'a> {
    /// A builder for one document.
    pub(crate) fn new(fonts: &'a FontSet, settings: &'a PageSettings, frame: &'a Frame) -> Self {
        Builder {
            fonts,
            settings,
            frame,
        }
    }

    /// Body size.
    pub(crate) fn body(&self) -> f32 {
        self.settings.body_size
    }

    /// Body line pitch.
    pub(crate) fn pitch(&self) -> f32 {
        self.settings.body_size * self.settings.leading
    }

    /// Baseline offset of text of `size` centred in a line box of `height`.
    pub(crate) fn baseline(&self, size: f32, height: f32) -> f32 {
        (height - size) / 2.0 + 0.88 * size
    }

    /// Sets `text` across the type area from `y` down, `pitch` × size per
    /// line, appending to `items`; returns the y below the last line.
    pub(crate) fn stack(
        &self,
        items: &mut Vec<Item>,
        text: &(impl AsText + ?Sized),
        style: &ParaStyle,
        y: f32,
        pitch: f32,
    ) -> Result<f32> {
        let mut y = y;
        for l in layout(self.fonts, text, style, self.frame.width)? {
            let mut run = l.run;
            run.x = self.frame.left;
            run.y = y + style.size * 0.88;
            items.push(Item::Text(run));
            y += style.size * pitch;
        }
        Ok(y)
    }

    /// One element per line, so that pages may break between lines; the
    /// orphan and widow rules decide which of those breaks are allowed.
    pub(crate) fn lines_to_elems(
        &self,
        lines: Vec<SetLine>,
        pitch: f32,
        x: f32,
        size: f32,
    ) -> Vec<Elem> {
        let n = lines.len();
        lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let mut run = l.run;
                run.x = x;
                run.y = self.baseline(size, pitch);
                let mut items = vec![Item::Text(run)];
                if let Some(mut sup) = l.sup {
                    sup.x = x;
                    sup.y += self.baseline(size, pitch);
                    // The mark links to the first source it names.
                    let first = &sup.glyphs[0];
                    let w = sup.glyphs.last().map_or(0.0, |g| g.x + g.advance) - first.x;
                    let text: String = sup.glyphs.iter().map(|g| g.ch).collect();
                    if let Some(n) = text
                        .trim_matches(['[', ']'])
                        .split(',')
                        .next()
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        items.push(Item::Link {
                            rect: (x + first.x, sup.y - sup.size, w, sup.size * 1.3),
                            target: format!("source-{n}"),
                        });
                    }
                    items.push(Item::Text(sup));
                }
                Elem {
                    height: pitch,
                    // No orphan (first line alone at a page foot) and no
                    // widow (last line alone at a page head): docs/typesetting.md §4.
                    keep_with_prev: i > 0 && (i < 2 || n - i < 2),
                    items,
                    ..Elem::default()
                }
            })
            .collect()
    }

    /// A body paragraph: serif, justified, two-character indent, with a
    /// superscript mark naming the sources it cites (`[1,3]`).
    pub(crate) fn paragraph(&self, text: &Text, cites: &[usize]) -> Result<Vec<Elem>> {
        let style = ParaStyle {
            font: FontKind::Serif,
            size: self.body(),
            color: INK,
            align: Align::Justify,
            indent_em: 2.0,
        };
        let mark = wording::cite_mark(cites);
        let lines = layout_marked(self.fonts, text, mark.as_deref(), &style, self.frame.width)?;
        Ok(self.lines_to_elems(lines, self.pitch(), self.frame.left, self.body()))
    }

    /// A muted one-line remark (e.g. a theme with nothing known yet).
    pub(crate) fn note(&self, text: &Text) -> Result<Vec<Elem>> {
        let style = ParaStyle {
            font: FontKind::Serif,
            size: self.body(),
            color: MUTED,
            align: Align::Justify,
            indent_em: 2.0,
        };
        let lines = layout(self.fonts, text, &style, self.frame.width)?;
        Ok(self.lines_to_elems(lines, self.pitch(), self.frame.left, self.body()))
    }

    /// A numbered heading in bold sans.
    pub(crate) fn heading(
        &self,
        level: u8,
        number: &str,
        text: &Text,
        anchor: &str,
    ) -> Result<Vec<Elem>> {
        let (size, before, after) = match level {
            1 => (
                self.body() * H1_SCALE,
                self.pitch() * 1.0,
                self.pitch() * 0.35,
            ),
            _ => (
                self.body() * H2_SCALE,
                self.pitch() * 0.45,
                self.pitch() * 0.1,
            ),
        };
        let full = crate::txt!(number, text);
        let style = ParaStyle {
            font: FontKind::SansBold,
            size,
            color: INK,
            align: Align::Left,
            indent_em: 0.0,
        };
        let lines = layout(self.fonts, &full, &style, self.frame.width)?;
        let pitch = size * 1.5;
        let mut items = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let mut run = l.run.clone();
            run.x = self.frame.left;
            run.y = i as f32 * pitch + self.baseline(size, pitch);
            items.push(Item::Text(run));
        }
        let height = lines.len() as f32 * pitch + after;
        Ok(vec![Elem {
            height,
            space_before: before,
            items,
            anchors: vec![Anchor {
                id: anchor.to_string(),
                level,
                title: full.to_string(),
                y: 0.0,
            }],
            ..Elem::default()
        }])
    }

    fn run_at(
        &self,
        text: &(impl AsText + ?Sized),
        font: FontKind,
        size: f32,
        color: Rgb,
        x: f32,
        y: f32,
    ) -> Result<TextRun> {
        let mut r = single_line(self.fonts, text, font, size, color)?;
        r.x = x;
        r.y = y;
        Ok(r)
    }

    /// The title block of the first page, in the manner of a Chinese
    /// official briefing: classification, a large red title, organisation
    /// and date, and a double red rule.
    pub(crate) fn title_block(&self, doc: &Document) -> Result<Vec<Elem>> {
        let f = self.frame;
        let mut items = Vec::new();
        let mut y = 0.0;
        if let Some(c) = &doc.classification {
            let r = self.run_at(
                c,
                FontKind::SansBold,
                self.body(),
                ACCENT,
                0.0,
                y + self.body() * 0.88,
            )?;
            let w = r.width();
            let mut r = r;
            r.x = f.left + f.width - w;
            items.push(Item::Text(r));
            y += self.body() * 1.6;
        }
        let tsize = 22.0;
        let style = ParaStyle {
            font: FontKind::SansBold,
            size: tsize,
            color: ACCENT,
            align: Align::Center,
            indent_em: 0.0,
        };
        y += 6.0;
        y = self.stack(&mut items, &doc.title, &style, y, 1.35)?;
        if let Some(sub) = &doc.subtitle {
            let size = self.body() * 1.15;
            let style = ParaStyle {
                font: FontKind::Sans,
                size,
                color: INK,
                align: Align::Center,
                indent_em: 0.0,
            };
            y += 2.0;
            y = self.stack(&mut items, sub, &style, y, 1.5)?;
        }
        y += 10.0;
        let size = self.body();
        let org = self.run_at(
            &doc.organisation,
            FontKind::Sans,
            size,
            INK,
            f.left,
            y + size * 0.88,
        )?;
        let mut date = self.run_at(
            &doc.date_text,
            FontKind::Sans,
            size,
            INK,
            0.0,
            y + size * 0.88,
        )?;
        date.x = f.left + f.width - date.width();
        items.push(Item::Text(org));
        items.push(Item::Text(date));
        y += size * 1.5;
        items.push(Item::rule(f.left, y, f.left + f.width, y, 1.6, ACCENT));
        items.push(Item::rule(
            f.left,
            y + 2.6,
            f.left + f.width,
            y + 2.6,
            0.5,
            ACCENT,
        ));
        y += 2.6 + self.pitch() * 0.6;
        Ok(vec![Elem {
            height: y,
            items,
            ..Elem::default()
        }])
    }

    /// A row of key-figure cards, never split across pages.
    pub(crate) fn key_figures(&self, cards: &[Card]) -> Result<Vec<Elem>> {
        let f = self.frame;
        let n = cards.len().max(1) as f32;
        let gap = 8.0;
        let w = (f.width - gap * (n - 1.0)) / n;
        let pad = 7.0;
        let vsize = self.body() * 1.55;
        let usize_ = self.body() * 0.8;
        let lsize = self.body() * 0.8;
        let msize = self.body() * 0.7;
        let label_style = ParaStyle {
            font: TABLE_FONT,
            size: lsize,
            color: INK,
            align: Align::Left,
            indent_em: 0.0,
        };
        let mut bodies = Vec::new();
        let mut max_label_lines = 1;
        for c in cards {
            let lines = layout(self.fonts, &c.label, &label_style, w - 2.0 * pad - 3.0)?;
            max_label_lines = max_label_lines.max(lines.len());
            bodies.push(lines);
        }
        let h = pad + vsize * 1.15 + max_label_lines as f32 * lsize * 1.4 + msize * 1.6 + pad;
        let mut items = Vec::new();
        for (i, (card, label)) in cards.iter().zip(bodies).enumerate() {
            let c = &card.fact;
            let x = f.left + i as f32 * (w + gap);
            items.push(Item::rect(x, 0.0, w, h, CARD));
            items.push(Item::rect(x, 0.0, 2.5, h, NAVY));
            let tx = x + pad + 3.0;
            let mut y = pad + vsize * 0.9;
            // A qualifier (超过, 约) is set small before the figure: it
            // belongs to the value but must not outshout it.
            let mut tx_value = tx;
            if !c.figure.before.is_empty() {
                let mut q = self.run_at(&c.figure.before, FontKind::Sans, usize_, NAVY, tx, y)?;
                tx_value += q.width() + 1.5;
                q.tail = 1.5;
                items.push(Item::Text(q));
            }
            // A long figure is set smaller rather than run out of its card.
            let room = w - 2.0 * pad - 3.0 - usize_ * 2.5 - (tx_value - tx);
            let natural = self
                .fonts
                .get(FontKind::SansBold)
                .text_width(&c.figure.number)
                * vsize;
            let vs = if natural > room {
                (vsize * room / natural).max(self.body())
            } else {
                vsize
            };
            let mut v = self.run_at(&c.figure.number, FontKind::SansBold, vs, NAVY, tx_value, y)?;
            let vw = v.width() + (tx_value - tx);
            let number_at = items.len();
            items.push(Item::Text(v.clone()));
            if !c.figure.unit.is_empty() {
                let unit = self.run_at(
                    &c.figure.unit,
                    FontKind::Sans,
                    usize_,
                    NAVY,
                    tx + vw + 2.0,
                    y,
                )?;
                // A long unit would spill out of the card: put it under the value.
                if tx + vw + 2.0 + unit.width() > x + w - pad {
                    let mut unit = unit;
                    unit.x = tx;
                    unit.y = y + usize_ * 1.1;
                    items.push(Item::Text(unit));
                } else {
                    // Number and unit read as one: `1.8万亿元`, not `1.8 万亿元`.
                    v.tail = 2.0;
                    items[number_at] = Item::Text(v);
                    items.push(Item::Text(unit));
                }
            }
            y += vsize * 0.25 + lsize * 1.1;
            for l in label {
                let mut run = l.run;
                run.x = tx;
                run.y = y;
                items.push(Item::Text(run));
                y += lsize * 1.4;
            }
            if c.changed {
                // New since the previous briefing: a small tag, top right.
                let tag = self.run_at("新", FontKind::SansBold, msize, ACCENT, 0.0, 0.0)?;
                let mut tag = tag;
                tag.x = x + w - pad - tag.width();
                tag.y = pad + msize * 0.9;
                items.push(Item::Text(tag));
            }
            let meta_run = single_line(self.fonts, &card.meta, TABLE_FONT, msize, MUTED)?;
            // Trim the period to the card width rather than overflow it.
            let mut run = meta_run;
            let maxw = w - 2.0 * pad - 3.0;
            if run.width() > maxw {
                run.glyphs.retain(|g| g.x + g.advance <= maxw);
            }
            run.x = tx;
            run.y = h - pad - msize * 0.3;
            items.push(Item::Text(run));
        }
        Ok(vec![Elem {
            height: h,
            space_before: self.pitch() * 0.4,
            items,
            ..Elem::default()
        }])
    }

    /// A chart with its caption and source line, kept together; a chart
    /// too tall for a page is continued as further figures (图N（续）).
    ///
    /// The chart box is planned to leave room on one page for the caption,
    /// the source line and a heading or two above it, so a figure never
    /// reaches the footer and a heading always finds room with it.
    pub(crate) fn figure(&self, number: usize, chart: &ChartData) -> Result<Vec<Elem>> {
        let f = self.frame;
        let csize = self.body() * SMALL_SCALE * 1.05;
        let cap_style = ParaStyle {
            font: FontKind::SansBold,
            size: csize,
            color: INK,
            align: Align::Center,
            indent_em: 0.0,
        };
        let ssize = self.body() * TINY_SCALE;
        let src_style = ParaStyle {
            font: TABLE_FONT,
            size: ssize,
            color: MUTED,
            align: Align::Left,
            indent_em: 0.0,
        };
        let mut notes: Vec<Text> = chart.note.iter().cloned().collect();
        notes.extend(crate::chart::notes(chart));
        let src = wording::figure_source(&chart.source_line, &notes);
        let caption = |continued: bool| wording::figure_caption(number, continued, &chart.title);
        // Heights of the text around the chart, set once to measure.
        let cap_h = self.stack(&mut Vec::new(), &caption(true), &cap_style, 0.0, 1.45)?;
        let src_h = self.stack(&mut Vec::new(), &src, &src_style, 0.0, 1.45)?;
        let around = 4.0 + cap_h + 1.0 + src_h + self.pitch() * 0.3;
        let room = (f.bottom - f.top) - around - FIGURE_HEADING_ROOM * self.pitch();
        let parts = crate::chart::plan(self.fonts, chart, f.width, room)?;
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            let x = f.left + (f.width - part.w) / 2.0;
            let mut items = crate::chart::draw(self.fonts, &part.chart, x, 0.0, part.w, part.h)?;
            let mut y = part.h + 4.0;
            y = self.stack(&mut items, &caption(part.continued), &cap_style, y, 1.45)?;
            y += 1.0;
            y = self.stack(&mut items, &src, &src_style, y, 1.45)?;
            out.push(Elem {
                float: true,
                height: y + self.pitch() * 0.3,
                space_before: self.pitch() * 0.5,
                items,
                ..Elem::default()
            });
        }
        Ok(out)
    }

    /// The numbered sources list, with a hanging number column.
    pub(crate) fn sources(&self, list: &[Text]) -> Result<Vec<Elem>> {
        let f = self.frame;
        let size = self.body() * 0.93;
        let pitch = size * 1.6;
        let hang = size * 2.8;
        let style = ParaStyle {
            font: FontKind::Serif,
            size,
            color: INK,
            align: Align::Justify,
            indent_em: 0.0,
        };
        let mut out = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let lines = layout(self.fonts, entry, &style, f.width - hang)?;
            let n = lines.len();
            for (li, l) in lines.into_iter().enumerate() {
                let mut items = Vec::new();
                let base = self.baseline(size, pitch);
                if li == 0 {
                    let num = self.run_at(
                        &wording::source_number(i + 1),
                        FontKind::Serif,
                        size,
                        INK,
                        f.left,
                        base,
                    )?;
                    items.push(Item::Text(num));
                }
                let mut run = l.run;
                run.x = f.left + hang;
                run.y = base;
                items.push(Item::Text(run));
                out.push(Elem {
                    height: pitch,
                    keep_with_prev: li > 0 && n <= 3,
                    items,
                    anchors: if li == 0 {
                        vec![Anchor {
                            id: format!("source-{}", i + 1),
                            level: 0,
                            title: String::new(),
                            y: 0.0,
                        }]
                    } else {
                        Vec::new()
                    },
                    ..Elem::default()
                });
            }
        }
        Ok(out)
    }
}
