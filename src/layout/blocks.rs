//! The builder every kind of block is set with, and the simplest blocks:
//! paragraphs (with their source marks), notes and headings. Each block
//! becomes flow elements whose items are tagged with the block's
//! elements (`tree`), so the page knows what every mark on it is.

use super::flow::{Elem, Frame};
use super::tree::{Tree, claim};
use crate::compose::wording;
use crate::config::PageSettings;
use crate::error::Result;
use crate::frame::{Anchor, Artifact, FontKind, Item, NodeId, Role, Tag};
use crate::origin::{AsText, Text};
use crate::style::*;
use crate::text::fonts::FontSet;
use crate::text::{Align, ParaStyle, SetLine, layout, layout_marked};

/// Shared state for building elements.
pub(crate) struct Builder<'a> {
    /// Fonts.
    pub(crate) fonts: &'a FontSet,
    /// Page settings.
    pub(crate) settings: &'a PageSettings,
    /// Type area.
    pub(crate) frame: &'a Frame,
    /// The edition, for the words layout adds (captions, link texts).
    pub(crate) language: crate::config::Language,
}

impl<'a> Builder<'a> {
    /// A builder for one document.
    pub(crate) fn new(fonts: &'a FontSet, settings: &'a PageSettings, frame: &'a Frame) -> Self {
        Builder {
            fonts,
            settings,
            frame,
            language: crate::config::Language::ZhCn,
        }
    }

    /// The builder for a document of edition `language`.
    pub(crate) fn in_edition(self, language: crate::config::Language) -> Self {
        Builder { language, ..self }
    }

    /// Words the program adds, in the edition's script.
    pub(crate) fn words(&self, s: &str) -> String {
        crate::edition::words(self.language, s)
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
        (height - size) / 2.0 + EM_ASCENT * size
    }

    /// Sets `text` across the type area from `y` down, `pitch` × size per
    /// line, appending to `items` tagged `tag`; returns the y below the
    /// last line.
    pub(crate) fn stack(
        &self,
        items: &mut Vec<Item>,
        text: &(impl AsText + ?Sized),
        style: &ParaStyle,
        y: f32,
        pitch: f32,
        tag: Tag,
    ) -> Result<f32> {
        let mut y = y;
        for l in layout(self.fonts, text, style, self.frame.width)? {
            let mut run = l.run;
            run.x = self.frame.left;
            run.y = y + style.size * EM_ASCENT;
            run.tag = tag;
            items.push(Item::Text(run));
            if let Some(mut h) = l.hyphen {
                h.x = self.frame.left;
                h.y = y + style.size * EM_ASCENT;
                h.tag = Tag::Artifact(Artifact::Hyphen);
                items.push(Item::Text(h));
            }
            y += style.size * pitch;
        }
        Ok(y)
    }

    /// One element per line, so that pages may break between lines; the
    /// orphan and widow rules decide which of those breaks are allowed.
    /// The lines' text belongs to `para`; a source mark becomes a link of
    /// its own inside it.
    pub(crate) fn lines_to_elems(
        &self,
        lines: Vec<SetLine>,
        pitch: f32,
        x: f32,
        size: f32,
        para: NodeId,
        tree: &mut Tree,
    ) -> Vec<Elem> {
        let n = lines.len();
        lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let mut run = l.run;
                run.x = x;
                run.y = self.baseline(size, pitch);
                run.tag = Tag::Node(para);
                let mut items = vec![Item::Text(run)];
                if let Some(mut h) = l.hyphen {
                    h.x = x;
                    h.y = self.baseline(size, pitch);
                    h.tag = Tag::Artifact(Artifact::Hyphen);
                    items.push(Item::Text(h));
                }
                if let Some(sup) = l.sup {
                    items.extend(self.source_mark(sup, x, pitch, size, para, tree));
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

    /// A paragraph's source mark `[1,3]`: a link to the first source it
    /// names, an element of its own inside the paragraph.
    fn source_mark(
        &self,
        mut sup: crate::frame::TextRun,
        x: f32,
        pitch: f32,
        size: f32,
        para: NodeId,
        tree: &mut Tree,
    ) -> Vec<Item> {
        sup.x = x;
        sup.y += self.baseline(size, pitch);
        let first = &sup.glyphs[0];
        let w = sup.glyphs.last().map_or(0.0, |g| g.x + g.advance) - first.x;
        let text: String = sup.glyphs.iter().map(|g| g.ch).collect();
        let rect = (x + first.x, sup.y - sup.size, w, sup.size * 1.3);
        let mut items = Vec::new();
        let first_no = text
            .trim_matches(['[', ']'])
            .split(',')
            .next()
            .and_then(|n| n.parse::<usize>().ok());
        match first_no {
            Some(n) => {
                let target = format!("source-{n}");
                let link = tree.add(
                    Role::Link {
                        target: target.clone(),
                        description: self.words(&wording::cite_description(&text)),
                    },
                    Some(para),
                );
                items.push(Item::Link {
                    rect,
                    target,
                    tag: Tag::Node(link),
                });
                sup.tag = Tag::Node(link);
            }
            None => sup.tag = Tag::Node(para),
        }
        items.push(Item::Text(sup));
        items
    }

    /// A body paragraph: serif, justified, two-character indent, with a
    /// superscript mark naming the sources it cites (`[1,3]`).
    pub(crate) fn paragraph(
        &self,
        text: &Text,
        cites: &[usize],
        tree: &mut Tree,
    ) -> Result<Vec<Elem>> {
        Ok(self.paragraph_node(text, cites, tree)?.1)
    }

    /// [`Builder::paragraph`], with the paragraph's element.
    fn paragraph_node(
        &self,
        text: &Text,
        cites: &[usize],
        tree: &mut Tree,
    ) -> Result<(NodeId, Vec<Elem>)> {
        let style = ParaStyle {
            font: FontKind::Serif,
            size: self.body(),
            color: INK,
            align: Align::Justify,
            indent_em: 2.0,
        };
        let mark = wording::cite_mark(cites);
        let lines = layout_marked(self.fonts, text, mark.as_deref(), &style, self.frame.width)?;
        tree.forced(&lines, text, "a paragraph");
        let para = tree.add(Role::Paragraph, None);
        let elems = self.lines_to_elems(
            lines,
            self.pitch(),
            self.frame.left,
            self.body(),
            para,
            tree,
        );
        Ok((para, elems))
    }

    /// A paragraph whose text is a link to `target` (a "本期新增" item
    /// leading to where the briefing discusses it); its source mark keeps
    /// its own link to the sources list, drawn later so it takes the click
    /// where the two meet.
    pub(crate) fn linked(
        &self,
        text: &Text,
        cites: &[usize],
        target: &str,
        tree: &mut Tree,
    ) -> Result<Vec<Elem>> {
        let (para, mut elems) = self.paragraph_node(text, cites, tree)?;
        let link = tree.add(
            Role::Link {
                target: target.to_string(),
                description: self.words(&wording::link_description(text)),
            },
            Some(para),
        );
        // The link comes first in the paragraph, before any source mark.
        let kids = &mut tree.nodes[para.index as usize].children;
        kids.retain(|&k| k != link);
        kids.insert(0, link);
        for e in &mut elems {
            let text_w = e.items.iter().find_map(|it| match it {
                Item::Text(t) if t.tag == Tag::Node(para) => Some((t.x, t.width(), t.size)),
                _ => None,
            });
            for it in &mut e.items {
                if it.tag() == Tag::Node(para) {
                    it.set_tag(Tag::Node(link));
                }
            }
            if let Some((x, w, size)) = text_w {
                e.items.insert(
                    0,
                    Item::Link {
                        rect: (x, (e.height - size) / 2.0, w, size * 1.2),
                        target: target.to_string(),
                        tag: Tag::Node(link),
                    },
                );
            }
        }
        Ok(elems)
    }

    /// A muted one-line remark (e.g. a theme with nothing known yet).
    pub(crate) fn note(&self, text: &Text, tree: &mut Tree) -> Result<Vec<Elem>> {
        let style = ParaStyle {
            font: FontKind::Serif,
            size: self.body(),
            color: MUTED,
            align: Align::Justify,
            indent_em: 2.0,
        };
        let lines = layout(self.fonts, text, &style, self.frame.width)?;
        tree.forced(&lines, text, "a note");
        let note = tree.add(Role::Note, None);
        Ok(self.lines_to_elems(
            lines,
            self.pitch(),
            self.frame.left,
            self.body(),
            note,
            tree,
        ))
    }

    /// A numbered heading in bold sans.
    pub(crate) fn heading(
        &self,
        level: u8,
        number: &str,
        text: &Text,
        anchor: &str,
        tree: &mut Tree,
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
        tree.forced(&lines, &full, "a heading");
        let node = tree.add(Role::Heading(level), None);
        tree.anchor(node, anchor);
        let pitch = size * 1.5;
        let mut items = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let mut run = l.run.clone();
            run.x = self.frame.left;
            run.y = i as f32 * pitch + self.baseline(size, pitch);
            items.push(Item::Text(run));
            if let Some(h) = &l.hyphen {
                let mut h = h.clone();
                h.x = self.frame.left;
                h.y = i as f32 * pitch + self.baseline(size, pitch);
                h.tag = Tag::Artifact(Artifact::Hyphen);
                items.push(Item::Text(h));
            }
        }
        claim(&mut items, node);
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

    /// A one-line run of `text` at (x, y), tagged `tag`.
    pub(crate) fn run_at(
        &self,
        text: &(impl AsText + ?Sized),
        font: FontKind,
        size: f32,
        color: crate::frame::Rgb,
        (x, y): (f32, f32),
        tag: Tag,
    ) -> Result<crate::frame::TextRun> {
        let mut r = crate::text::single_line(self.fonts, text, font, size, color)?;
        r.x = x;
        r.y = y;
        r.tag = tag;
        Ok(r)
    }
}
