//! Stage 4: the [`Document`] to pages of positioned items. The typesetting
//! engine: fonts and metrics (`fonts`), character classes (`script`), break
//! opportunities (`breaks`), lines and justification (`paragraph`), block
//! builders (`blocks`, `table`), pagination (`flow`) and page furniture.

pub mod blocks;
pub mod breaks;
pub mod flow;
pub mod fonts;
pub mod page;
pub mod paragraph;
pub mod script;
pub mod style;
pub mod table;

use crate::compose::{DocBlock, Document};
use crate::config::PageSettings;
use crate::error::Result;
use flow::{Elem, Frame, paginate};
use fonts::{FontKind, FontSet};
use page::{Item, Page};
use paragraph::single_line;

/// Lays out a whole document.
pub fn layout_document(
    doc: &Document,
    fonts: &FontSet,
    settings: &PageSettings,
) -> Result<Vec<Page>> {
    let frame = frame_for(settings);
    let b = blocks::Builder::new(fonts, settings, &frame);
    let mut elems: Vec<Elem> = b.title_block(doc)?;
    let mut keep_next = false;
    for block in &doc.blocks {
        let mut new = match block {
            DocBlock::Heading {
                level,
                number,
                text,
                anchor,
            } => b.heading(*level, number, text, anchor)?,
            DocBlock::Paragraph(p) => b.paragraph(p)?,
            DocBlock::Note(n) => b.note(n)?,
            DocBlock::KeyFigures(k) => b.key_figures(k)?,
            DocBlock::Table { number, table } => table::table(&b, *number, table)?,
            DocBlock::Figure { number, chart } => b.figure(*number, chart)?,
            DocBlock::Sources(list) => b.sources(list)?,
        };
        if keep_next && let Some(first) = new.first_mut() {
            first.keep_with_prev = true;
        }
        keep_next = matches!(block, DocBlock::Heading { .. });
        elems.append(&mut new);
    }
    let mut pages = paginate(&elems, &frame);
    furniture(&mut pages, doc, fonts, settings, &frame)?;
    Ok(pages)
}

/// The type area: its width a whole number of body ems, so that lines of
/// pure Han text sit on the character grid with no justification at all.
pub fn frame_for(s: &PageSettings) -> Frame {
    let avail = s.page_width_avail();
    let width = (avail / s.body_size).floor() * s.body_size;
    Frame {
        page_width: s.width,
        page_height: s.height,
        left: s.margin_left + (avail - width) / 2.0,
        width,
        top: s.margin_top,
        bottom: s.height - s.margin_bottom,
    }
}

impl PageSettings {
    /// Width between the margins.
    pub fn page_width_avail(&self) -> f32 {
        self.width - self.margin_left - self.margin_right
    }
}

/// Running header (title and date, from page 2) and footer (第 N 页 共 M 页).
fn furniture(
    pages: &mut [Page],
    doc: &Document,
    fonts: &FontSet,
    s: &PageSettings,
    frame: &Frame,
) -> Result<()> {
    let total = pages.len();
    let size = s.body_size * style::TINY_SCALE;
    let mm = 72.0 / 25.4;
    // 20 mm from the top and 18 mm from the bottom: inside the 15 mm
    // clear zone every mail client preview and printer respects.
    let header_base = (s.margin_top - 5.0 * mm).min(20.0 * mm).max(19.0 * mm);
    let footer_base = s.height - (s.margin_bottom - 7.0 * mm).clamp(18.0 * mm, 22.0 * mm);
    for (i, page) in pages.iter_mut().enumerate() {
        if i > 0 {
            let mut left = single_line(fonts, &doc.title, FontKind::Sans, size, style::MUTED)?;
            left.x = frame.left;
            left.y = header_base;
            let mut right = single_line(fonts, &doc.date_text, FontKind::Sans, size, style::MUTED)?;
            right.x = frame.left + frame.width - right.width();
            right.y = header_base;
            page.items.push(Item::Text(left));
            page.items.push(Item::Text(right));
            page.items.push(Item::rule(
                frame.left,
                header_base + 4.5,
                frame.left + frame.width,
                header_base + 4.5,
                0.4,
                style::RULE_LIGHT,
            ));
        }
        let text = format!("第{}页 共{}页", i + 1, total);
        let mut foot = single_line(fonts, &text, FontKind::Sans, size, style::MUTED)?;
        foot.x = frame.left + (frame.width - foot.width()) / 2.0;
        foot.y = footer_base;
        page.items.push(Item::Text(foot));
    }
    Ok(())
}
