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
        let cap_style = ParaStyle {
            font: FontKind::SansBold,
            size: self.body() * SMALL_SCALE * 1.05,
            color: INK,
            align: Align::Center,
            indent_em: 0.0,
        };
        let src_style = ParaStyle {
            font: TABLE_FONT,
            size: self.body() * TINY_SCALE,
            color: MUTED,
            align: Align::Left,
            indent_em: 0.0,
        };
        let mut notes: Vec<Text> = chart.note.iter().cloned().collect();
        notes.extend(crate::chart::notes(chart));
        let src = wording::figure_source(&chart.source_line, &notes);
        let caption = |continued: bool| wording::figure_caption(number, continued, &chart.title);
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
        let figure = tree.add(
            Role::Figure {
                alt: wording::chart_alt(number, chart, &notes),
            },
            Some(group),
        );
        let cap = Tag::Node(tree.add(Role::Caption, Some(group)));
        let source = Tag::Node(tree.add(Role::SourceLine, Some(group)));
        let repeat = Tag::Artifact(Artifact::Repeat);
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            let x = f.left + (f.width - part.w) / 2.0;
            let mut items = crate::chart::draw(self.fonts, &part.chart, x, 0.0, part.w, part.h)?;
            claim(&mut items, figure);
            let (cap, source) = if part.continued {
                (repeat, repeat)
            } else {
                (cap, source)
            };
            let mut y = part.h + 4.0;
            y = self.stack(
                &mut items,
                &caption(part.continued),
                &cap_style,
                y,
                1.45,
                cap,
            )?;
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
}
