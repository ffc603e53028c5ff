//! Figures: a chart with its caption and source line, kept together; a
//! chart too tall for a page is continued as further parts (图N（续）).
//! The chart is one element whatever its parts, with a text alternative
//! written from its data; the repeated caption and source line of a
//! continued part are for the eye only.

use super::blocks::Builder;
use super::flow::Elem;
use super::tree::{Tree, claim};
use crate::compose::wording;
use crate::content::ChartData;
use crate::error::Result;
use crate::frame::{Artifact, FontKind, Role, Tag};
use crate::origin::Text;
use crate::style::*;
use crate::text::{Align, ParaStyle};

/// Lines of body pitch a figure leaves free on its page for headings set
/// above it (a level-1 and a level-2 heading with their space).
const FIGURE_HEADING_ROOM: f32 = 4.5;

impl Builder<'_> {
    /// The figure's parts.
    ///
    /// The chart box is planned to leave room on one page for the caption,
    /// the source line and a heading or two above it, so a figure never
    /// reaches the footer and a heading always finds room with it.
    pub(crate) fn figure(
        &self,
        number: usize,
        chart: &ChartData,
        tree: &mut Tree,
    ) -> Result<Vec<Elem>> {
        let f = self.frame;
        let (cap_style, src_style) = self.figure_styles();
        let mut notes: Vec<Text> = chart.note.iter().cloned().collect();
        notes.extend(crate::chart::notes(chart));
        let lang = self.language;
        let src =
            crate::edition::program(lang, &wording::figure_source(&chart.source_line, &notes));
        let caption = |continued: bool| {
            crate::edition::program(
                lang,
                &wording::figure_caption(number, continued, &chart.title),
            )
        };
        // Heights of the text around the chart, set once to measure.
        let unset = Tag::Unset;
        let cap_h = self.stack(
            &mut Vec::new(),
            &caption(true),
            &cap_style,
            0.0,
            1.45,
            unset,
        )?;
        let src_h = self.stack(&mut Vec::new(), &src, &src_style, 0.0, 1.45, unset)?;
        let around = 4.0 + cap_h + 1.0 + src_h + self.pitch() * 0.3;
        let room = (f.bottom - f.top) - around - FIGURE_HEADING_ROOM * self.pitch();
        let parts = crate::chart::plan(self.fonts, chart, f.width, room)?;
        let group = tree.add(Role::FigureGroup, None);
        let cap = Tag::Node(tree.add(Role::Caption, Some(group)));
        let figure = tree.add(
            Role::Figure {
                alt: self.words(&wording::chart_alt(number, chart, &notes)),
            },
            Some(group),
        );
        let source = Tag::Node(tree.add(Role::SourceLine, Some(group)));
        let repeat = Tag::Artifact(Artifact::Repeat);
        let mut out = Vec::with_capacity(parts.len());
        let last = parts.len() - 1;
        for (k, part) in parts.into_iter().enumerate() {
            let x = f.left + (f.width - part.w) / 2.0;
            // A figure continued over pages reads as one: its caption
            // where it starts, its source line where it ends, what each
            // other part repeats of them artifacts. The caption is read
            // (and drawn) before the chart, as a table's is.
            let cap = if part.continued { repeat } else { cap };
            let source = if k == last { source } else { repeat };
            let mut items = Vec::new();
            let mut y = part.h + 4.0;
            y = self.stack(
                &mut items,
                &caption(part.continued),
                &cap_style,
                y,
                1.45,
                cap,
            )?;
            let mut chart = crate::chart::draw(self.fonts, &part.chart, x, 0.0, part.w, part.h)?;
            claim(&mut chart, figure);
            items.append(&mut chart);
            y += 1.0;
            y = self.stack(&mut items, &src, &src_style, y, 1.45, source)?;
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

    /// The styles of a figure's caption and of its source line.
    fn figure_styles(&self) -> (ParaStyle, ParaStyle) {
        let caption = ParaStyle {
            font: FontKind::SansBold,
            size: self.body() * SMALL_SCALE * 1.05,
            color: INK,
            align: Align::Center,
            indent_em: 0.0,
        };
        let source = ParaStyle {
            font: TABLE_FONT,
            size: self.body() * TINY_SCALE,
            color: MUTED,
            align: Align::Left,
            indent_em: 0.0,
        };
        (caption, source)
    }
}
