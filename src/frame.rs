//! The frame: pages of positioned items, free of any PDF detail. Layout
//! and charts both produce it and the PDF writer consumes it, so none of
//! them needs the others' types. Coordinates are points from the page's
//! top-left corner, y downwards.

/// Which of the briefing's three faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FontKind {
    /// Serif body face (宋体 role).
    Serif = 0,
    /// Sans face (黑体 role) for tables, charts, header and footer.
    Sans = 1,
    /// Bold sans face for headings and titles.
    SansBold = 2,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    /// From 0–255 components.
    pub(crate) const fn from_u8(r: u8, g: u8, b: u8) -> Rgb {
        Rgb(r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0)
    }
}

/// An element of the document's logical structure (the tree a screen
/// reader follows), by the block it belongs to and its place there.
/// Blocks are laid out in parallel, each numbering its own elements, so
/// ids need no renumbering when the blocks are put together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct NodeId {
    /// The block (see [`Structure`]).
    pub(crate) block: u32,
    /// The element's index in its block.
    pub(crate) index: u32,
}

/// Where a table header cell's header applies: the briefing's tables
/// have one header row, so to the cells below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// To the cells below it.
    Column,
}

/// What an element of the document is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Role {
    /// The whole briefing.
    Document,
    /// A part opened by a heading (a theme, the summary), with what
    /// follows it up to the next heading of its level or above.
    Section,
    /// The title block: title, subtitle, organisation, date.
    TitleBlock,
    /// The briefing's title.
    Title,
    /// A heading of the outline, level 1 or 2.
    Heading(u8),
    /// A paragraph of body text (also a subtitle or a line of the title
    /// block).
    Paragraph,
    /// A muted remark.
    Note,
    /// A numbered list (the sources).
    List,
    /// An item of a list; a link target when it has an anchor.
    ListItem,
    /// A list item's number.
    ListLabel,
    /// A list item's text.
    ListBody,
    /// The contents list.
    Contents,
    /// One entry of the contents list.
    ContentsItem,
    /// A link to an anchor of the document: a source mark `[1,3]`, a
    /// contents entry, an item of 本期新增.
    Link {
        /// The anchor it leads to.
        target: String,
        /// What the link does, for readers that announce it.
        description: String,
    },
    /// A table.
    Table,
    /// A table's header rows.
    TableHead,
    /// A table's body rows.
    TableBody,
    /// A table row.
    TableRow,
    /// A header cell.
    HeaderCell(Scope),
    /// A data cell.
    DataCell,
    /// The caption of a table, a figure or the contents list.
    Caption,
    /// A figure with its caption and source line.
    FigureGroup,
    /// A chart, with a text alternative written from its data.
    Figure {
        /// What the chart shows, in words.
        alt: String,
    },
    /// A source line (资料来源：…).
    SourceLine,
    /// A row of key-figure cards.
    Cards,
    /// One key-figure card.
    Card,
    /// A card's label.
    CardLabel,
    /// What a card's label labels: its figure, period and source.
    CardBody,
    /// A card's figure.
    CardValue,
    /// A card's period and source.
    CardMeta,
}

/// An element of the logical structure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// What it is.
    pub(crate) role: Role,
    /// The element it is part of; `None` for the document, and for a
    /// block's top elements until the blocks are put together.
    pub(crate) parent: Option<NodeId>,
    /// Its parts, in reading order.
    pub(crate) children: Vec<NodeId>,
    /// The anchor that links and the outline point at, if any.
    pub(crate) anchor: Option<String>,
}

/// The logical structure of a laid-out document: each block's elements,
/// then the title block's, the contents list's and the document's own
/// (the document element and its sections), in [`Structure::TITLE`],
/// [`Structure::CONTENTS`] and [`Structure::TOP`] order after the blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Structure {
    /// Elements by block.
    pub(crate) blocks: Vec<Vec<Node>>,
}

impl Structure {
    /// The element `id`.
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.blocks[id.block as usize][id.index as usize]
    }

    /// The document element: the root.
    pub(crate) fn root(&self) -> NodeId {
        NodeId {
            block: self.blocks.len() as u32 - 1,
            index: 0,
        }
    }

    /// Every element below `id`, depth first in reading order, with `id`.
    #[cfg(test)]
    pub(crate) fn walk(&self, id: NodeId, out: &mut Vec<NodeId>) {
        out.push(id);
        for &c in &self.node(id).children {
            self.walk(c, out);
        }
    }
}

/// Marks on a page that are not content: a reader skips them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Artifact {
    /// The running header.
    Header,
    /// The footer with the page number.
    Footer,
    /// A rule, a fill, a grid line, a leader.
    Decoration,
    /// Content repeated for the reader's eye only: a table header on a
    /// continuation page, a figure's caption on a continued part.
    Repeat,
    /// A hyphen inserted where a word breaks across lines.
    Hyphen,
}

/// What an item on a page is: part of an element, or an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Tag {
    /// Not yet said: never on a finished page (tested).
    #[default]
    Unset,
    /// Not content.
    Artifact(Artifact),
    /// Part of this element.
    Node(NodeId),
}

/// A glyph placed on a run's baseline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedGlyph {
    /// Glyph id in the font file.
    pub(crate) gid: u16,
    /// The character this glyph stands for (for ToUnicode). One `char`,
    /// not a string: a page holds thousands of glyphs.
    pub(crate) ch: char,
    /// Offset along the baseline from the run's origin, in points.
    pub(crate) x: f32,
    /// The font's own advance at this size, in points.
    pub(crate) advance: f32,
}

/// A line (or piece of a line) of text in one font and size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextRun {
    /// Face.
    pub(crate) font: FontKind,
    /// Size in points.
    pub(crate) size: f32,
    /// Origin x.
    pub(crate) x: f32,
    /// Baseline y.
    pub(crate) y: f32,
    /// Counter-clockwise rotation in degrees about the origin.
    pub(crate) angle: f32,
    /// Fill colour.
    pub(crate) color: Rgb,
    /// Glyphs.
    pub(crate) glyphs: Vec<PlacedGlyph>,
    /// A visible gap after the last glyph before text that reads on without
    /// a break (a key figure's unit after its number, set in another
    /// size): the PDF writer makes copy and paste ignore it. 0 when the run
    /// ends a word or a line.
    pub(crate) tail: f32,
    /// What it is.
    pub(crate) tag: Tag,
}

impl TextRun {
    /// Width from the origin to the end of the last glyph's advance.
    pub(crate) fn width(&self) -> f32 {
        self.glyphs.last().map_or(0.0, |g| g.x + g.advance)
    }
}

/// Stroke style.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stroke {
    /// Colour.
    pub(crate) color: Rgb,
    /// Width in points.
    pub(crate) width: f32,
    /// Dash pattern (on, off, …); empty for solid.
    pub(crate) dash: Vec<f32>,
}

/// A vector path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    /// Vertices.
    pub(crate) points: Vec<(f32, f32)>,
    /// Close the path.
    pub(crate) closed: bool,
    /// Fill colour.
    pub(crate) fill: Option<Rgb>,
    /// Stroke.
    pub(crate) stroke: Option<Stroke>,
    /// Opacity of fill and stroke, 0–1.
    pub(crate) alpha: f32,
    /// What it is.
    pub(crate) tag: Tag,
}

/// Anything drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// Text.
    Text(TextRun),
    /// Lines and polygons.
    Path(Path),
    /// A circle (drawn as four Bézier curves).
    Circle {
        /// Centre x.
        cx: f32,
        /// Centre y.
        cy: f32,
        /// Radius.
        r: f32,
        /// Fill.
        fill: Option<Rgb>,
        /// Stroke.
        stroke: Option<Stroke>,
        /// Opacity.
        alpha: f32,
        /// What it is.
        tag: Tag,
    },
    /// A clickable area jumping to an anchor.
    Link {
        /// Rectangle (x, y, w, h).
        rect: (f32, f32, f32, f32),
        /// Target anchor id.
        target: String,
        /// The link element it belongs to.
        tag: Tag,
    },
}

impl Item {
    /// A filled rectangle: a decoration (a card, a zebra row).
    pub(crate) fn rect(x: f32, y: f32, w: f32, h: f32, fill: Rgb) -> Item {
        Item::Path(Path {
            points: vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            closed: true,
            fill: Some(fill),
            stroke: None,
            alpha: 1.0,
            tag: Tag::Artifact(Artifact::Decoration),
        })
    }

    /// A straight rule: a decoration.
    pub(crate) fn rule(x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Rgb) -> Item {
        Item::Path(Path {
            points: vec![(x1, y1), (x2, y2)],
            closed: false,
            fill: None,
            stroke: Some(Stroke {
                color,
                width,
                dash: Vec::new(),
            }),
            alpha: 1.0,
            tag: Tag::Artifact(Artifact::Decoration),
        })
    }

    /// What the item is.
    pub(crate) fn tag(&self) -> Tag {
        match self {
            Item::Text(t) => t.tag,
            Item::Path(p) => p.tag,
            Item::Circle { tag, .. } | Item::Link { tag, .. } => *tag,
        }
    }

    /// Says what the item is.
    pub(crate) fn set_tag(&mut self, new: Tag) {
        match self {
            Item::Text(t) => t.tag = new,
            Item::Path(p) => p.tag = new,
            Item::Circle { tag, .. } | Item::Link { tag, .. } => *tag = new,
        }
    }
}

/// A place a heading or source entry can be linked to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Anchor {
    /// Unique id.
    pub(crate) id: String,
    /// Outline level (1, 2) or 0 for non-outline targets.
    pub(crate) level: u8,
    /// Outline title.
    pub(crate) title: String,
    /// Top of the heading on the page.
    pub(crate) y: f32,
}

/// One laid-out page.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Page {
    /// Width in points.
    pub(crate) width: f32,
    /// Height in points.
    pub(crate) height: f32,
    /// Items in painting order.
    pub(crate) items: Vec<Item>,
    /// Link targets on this page.
    pub(crate) anchors: Vec<Anchor>,
    /// A body page (arabic page number); false for cover and contents.
    pub(crate) numbered: bool,
}

/// What the PDF's metadata says of the document: all the writer needs
/// besides the pages.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Meta {
    /// Title.
    pub(crate) title: String,
    /// Author.
    pub(crate) author: String,
    /// Subject line.
    pub(crate) subject: String,
    /// Keywords.
    pub(crate) keywords: Vec<String>,
    /// Issuing organisation (named in the Creator entry).
    pub(crate) organisation: String,
    /// BCP 47 language tag.
    pub(crate) language: String,
    /// The briefing date as printed; part of the reproducible file id.
    pub(crate) date_text: String,
}
