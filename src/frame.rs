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
    },
    /// A clickable area jumping to an anchor.
    Link {
        /// Rectangle (x, y, w, h).
        rect: (f32, f32, f32, f32),
        /// Target anchor id.
        target: String,
    },
}

impl Item {
    /// A filled rectangle.
    pub(crate) fn rect(x: f32, y: f32, w: f32, h: f32, fill: Rgb) -> Item {
        Item::Path(Path {
            points: vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            closed: true,
            fill: Some(fill),
            stroke: None,
            alpha: 1.0,
        })
    }

    /// A straight rule.
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
        })
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
