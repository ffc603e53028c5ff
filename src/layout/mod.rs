//! Stage 4: the [`Document`] to pages of positioned items. The typesetting
//! engine: fonts and metrics (`fonts`), character classes (`script`), break
//! opportunities (`breaks`), lines and justification (`paragraph`), block
//! builders (`blocks`, `table`), pagination (`flow`) and page furniture.

pub(crate) mod blocks;
mod cards;
pub(crate) mod contents;
mod figure;
pub(crate) mod flow;
mod sources;
mod structure;
pub(crate) mod table;
mod title;
mod tree;

use rayon::prelude::*;

use crate::compose::{DocBlock, Document};
use crate::config::PageSettings;
use crate::error::Result;
use crate::frame::{Artifact, FontKind, Item, Page, Structure, Tag};
use crate::style;
use crate::text::fonts::FontSet;
use crate::text::single_line;
use flow::{Elem, Frame};
use tree::Tree;

/// A laid-out document: its pages, and what every item on them is.
pub(crate) struct Laid {
    /// The pages.
    pub(crate) pages: Vec<Page>,
    /// The logical structure the pages' items are tagged with.
    pub(crate) structure: Structure,
    /// What setting the blocks warned of, in document order.
    pub(crate) warnings: Vec<crate::error::Error>,
}

/// Lays out a whole document.
///
/// Two passes (three at most): the contents list needs the pages its
/// headings land on, and is first set with placeholder numbers of the same
/// width; as entries are one line each, its height does not change and the
/// second pass only confirms the numbers.
pub(crate) fn layout_document(
    doc: &Document,
    fonts: &FontSet,
    settings: &PageSettings,
) -> Result<Laid> {
    let lap = |what: &str| crate::trace::mark(&format!("layout: {what}"));
    let frame = frame_for(settings);
    let b = blocks::Builder::new(fonts, settings, &frame).in_edition(doc.language);
    let mut entries = contents_entries(doc);
    let (head, body, mut trees, title) = elements(doc, &b)?;
    lap("blocks set");
    // Only the contents change between passes, and a pass only plans the
    // page breaks: the pages are made once, from the final plan.
    let contents_block = doc.blocks.len() as u32 + 1;
    let mut contents_tree = Tree::new(contents_block);
    let mut contents = contents::contents(
        &b,
        &entries,
        &mut contents_tree,
        doc.contents_title.as_str(),
    )?;
    let mut plan;
    let mut pass = 0;
    loop {
        let refs: Vec<&Elem> = head
            .iter()
            .chain(contents.iter())
            .chain(body.iter())
            .collect();
        plan = flow::plan(&refs, &frame);
        let front = plan.front();
        let at = plan.anchor_pages(&refs);
        let mut changed = false;
        for e in &mut entries {
            let n = at.get(e.anchor.as_str()).map_or(0, |i| i + 1);
            let label = if n > front {
                (n - front).to_string()
            } else {
                roman(n)
            };
            if label != e.page {
                e.page = label;
                changed = true;
            }
        }
        pass += 1;
        if !changed || pass == 3 {
            break;
        }
        contents_tree = Tree::new(contents_block);
        contents = contents::contents(
            &b,
            &entries,
            &mut contents_tree,
            doc.contents_title.as_str(),
        )?;
    }
    lap(&format!("pages planned ({pass} passes)"));
    let elems: Vec<Elem> = head.into_iter().chain(contents).chain(body).collect();
    let mut pages = plan.into_pages(elems, &frame);
    furniture(&mut pages, doc, fonts, settings, &frame)?;
    let mut warnings = Vec::new();
    for t in trees.iter_mut() {
        warnings.append(&mut t.warnings);
    }
    let structure = structure::assemble(doc, trees, title, contents_tree);
    lap("pages made");
    Ok(Laid {
        pages,
        structure,
        warnings,
    })
}

/// The contents list's entries, one per heading, with placeholder page
/// numbers of the width the real ones will have.
fn contents_entries(doc: &Document) -> Vec<contents::Entry> {
    doc.blocks
        .iter()
        .filter_map(|bl| match bl {
            DocBlock::Heading {
                level,
                number,
                text,
                anchor,
            } => Some(contents::Entry {
                level: *level,
                title: crate::txt!(number, text),
                anchor: anchor.clone(),
                page: "00".into(),
            }),
            _ => None,
        })
        .collect()
}

/// Lower-case roman numerals for front-matter pages.
pub(crate) fn roman(n: usize) -> String {
    const R: [(usize, &str); 9] = [
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut n = n;
    let mut s = String::new();
    for (v, r) in R {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// One block's elements, and its logical elements in `tree`.
fn block_elems(b: &blocks::Builder, block: &DocBlock, tree: &mut Tree) -> Result<Vec<Elem>> {
    Ok(match block {
        DocBlock::Heading {
            level,
            number,
            text,
            anchor,
        } => b.heading(*level, number, text, anchor, tree)?,
        DocBlock::Paragraph(p, cites) => b.paragraph(p, cites, tree)?,
        DocBlock::Linked(p, cites, target) => b.linked(p, cites, target, tree)?,
        DocBlock::Note(n) => b.note(n, tree)?,
        DocBlock::KeyFigures(k) => b.key_figures(k, tree)?,
        DocBlock::Table {
            number,
            caption,
            table,
        } => table::table(b, *number, caption, table, tree)?,
        DocBlock::Figure { number, chart } => b.figure(*number, chart, tree)?,
        DocBlock::Sources(list) => b.sources(list, tree)?,
        // Set per pass by `layout_document`, which knows the pages.
        DocBlock::Contents => Vec::new(),
    })
}

/// The front matter before the contents list (title block and any blocks
/// before `Contents`) and the numbered body after it.
///
/// Blocks are set in parallel on the run's pool: each is independent of
/// the others until pagination, and paragraphs and charts are most of the
/// layout time; work stealing keeps every thread busy though a chart costs
/// as much as many paragraphs.
/// The front matter, the body, each block's logical elements and the
/// title block's.
type Elements = (Vec<Elem>, Vec<Elem>, Vec<Tree>, Tree);

fn elements(doc: &Document, b: &blocks::Builder) -> Result<Elements> {
    let n = doc.blocks.len();
    let built: Vec<Result<(Vec<Elem>, Tree)>> = doc
        .blocks
        .par_iter()
        .enumerate()
        .map(|(i, block)| {
            let t = std::time::Instant::now();
            let mut tree = Tree::new(i as u32);
            let r = block_elems(b, block, &mut tree).map(|e| (e, tree));
            log::trace!(
                "layout: block {i} {:.2} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
            r
        })
        .collect();
    let mut title = Tree::new(n as u32);
    let mut head: Vec<Elem> = b.title_block(doc, &mut title)?;
    let mut trees = Vec::with_capacity(n);
    let mut body: Vec<Elem> = Vec::new();
    // Without a contents list there is no front matter.
    let mut front = doc.blocks.iter().any(|bl| matches!(bl, DocBlock::Contents));
    let mut keep_next = false;
    for (i, (block, new)) in doc.blocks.iter().zip(built).enumerate() {
        let (mut new, tree) = new?;
        trees.push(tree);
        if matches!(block, DocBlock::Contents) {
            front = false;
            keep_next = false;
            continue;
        }
        if keep_next && let Some(first) = new.first_mut() {
            first.keep_with_prev = true;
        }
        keep_next = matches!(block, DocBlock::Heading { .. });
        if front {
            head.append(&mut new);
            continue;
        }
        for e in &mut new {
            e.numbered = true;
            e.block = i as u32;
        }
        // The body starts on a fresh, numbered page after the contents.
        if body.is_empty()
            && let Some(first) = new.first_mut()
        {
            first.break_before = true;
        }
        body.append(&mut new);
    }
    Ok((head, body, trees, title))
}

/// The type area: its width a whole number of body ems, so that lines of
/// pure Han text sit on the character grid with no justification at all.
pub(crate) fn frame_for(s: &PageSettings) -> Frame {
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
    pub(crate) fn page_width_avail(&self) -> f32 {
        self.width - self.margin_left - self.margin_right
    }
}

/// Running header (title and date, from page 2) and footer
/// (第N页 共M页, on numbered pages only).
fn furniture(
    pages: &mut [Page],
    doc: &Document,
    fonts: &FontSet,
    s: &PageSettings,
    frame: &Frame,
) -> Result<()> {
    let front = pages.iter().take_while(|p| !p.numbered).count();
    let total = pages.len() - front;
    let size = s.body_size * style::TINY_SCALE;
    let mm = 72.0 / 25.4;
    // 20 mm from the top and 18 mm from the bottom: inside the 15 mm
    // clear zone every mail client preview and printer respects.
    let header_base = (s.margin_top - 5.0 * mm).clamp(19.0 * mm, 20.0 * mm);
    let footer_base = s.height - (s.margin_bottom - 7.0 * mm).clamp(18.0 * mm, 22.0 * mm);
    for (i, page) in pages.iter_mut().enumerate() {
        if i > 0 {
            let mut left = single_line(fonts, &doc.title, FontKind::Sans, size, style::MUTED)?;
            left.x = frame.left;
            left.y = header_base;
            left.tag = Tag::Artifact(Artifact::Header);
            let mut right = single_line(fonts, &doc.date_text, FontKind::Sans, size, style::MUTED)?;
            right.x = frame.left + frame.width - right.width();
            right.y = header_base;
            right.tag = Tag::Artifact(Artifact::Header);
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
        if page.numbered {
            let text = crate::edition::words(
                doc.language,
                &crate::compose::wording::page_footer(i + 1 - front, total),
            );
            let mut foot = single_line(fonts, &text, FontKind::Sans, size, style::MUTED)?;
            foot.x = frame.left + (frame.width - foot.width()) / 2.0;
            foot.y = footer_base;
            foot.tag = Tag::Artifact(Artifact::Footer);
            page.items.push(Item::Text(foot));
        }
    }
    Ok(())
}

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod role_tests;
