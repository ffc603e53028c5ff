//! The frame: pages of positioned items, free of any PDF detail. Layout
//! and charts both produce it and the PDF writer consumes it, so none of
//! them needs the others' types. Coordinates are points from the page's
//! top-left corner, y downwards.

/// Which of the briefing's three faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontKind {
    /// Serif body face (宋体 role).
    Serif = 0,
    /// Sans face (黑体 role) for tables, charts, header and footer.
    Sans = 1,
    /// Bold sans face for headings and titles.
    SansBold = 2,
}

impl FontKind {
    /// All faces, in index order.
    pub const ALL: [FontKind; 3] = [FontKind::Serif, FontKind::Sans, FontKind::SansBold];
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    /// From 0–255 components.
    pub const fn from_u8(r: u8, g: u8, b: u8) -> Rgb {
        Rgb(r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0)
    }
}

/// A glyph placed on a run's baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the font file.
    pub gid: u16,
    /// The characters this glyph stands for (for ToUnicode).
    pub text: String,
    /// Offset along the baseline from the run's origin, in points.
    pub x: f32,
    /// The font's own advance at this size, in points.
    pub advance: f32,
}

/// A line (or piece of a line) of text in one font and size.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Face.
    pub font: FontKind,
    /// Size in points.
    pub size: f32,
    /// Origin x.
    pub x: f32,
    /// Baseline y.
    pub y: f32,
    /// Counter-clockwise rotation in degrees about the origin.
    pub angle: f32,
    /// Fill colour.
    pub color: Rgb,
    /// Glyphs.
    pub glyphs: Vec<PlacedGlyph>,
}

impl TextRun {
    /// Width from the origin to the end of the last glyph's advance.
    pub fn width(&self) -> f32 {
        self.glyphs.last().map_or(0.0, |g| g.x + g.advance)
    }
}

/// Stroke style.
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    /// Colour.
    pub color: Rgb,
    /// Width in points.
    pub width: f32,
    /// Dash pattern (on, off, …); empty for solid.
    pub dash: Vec<f32>,
}

/// A vector path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Vertices.
    pub points: Vec<(f32, f32)>,
    /// Close the path.
    pub closed: bool,
    /// Fill colour.
    pub fill: Option<Rgb>,
    /// Stroke.
    pub stroke: Option<Stroke>,
    /// Opacity of fill and stroke, 0–1.
    pub alpha: f32,
}

/// Anything drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Text.
    Text(TextRun),
    /// Lines and polygons.
    Path(Path),
    /// A circle (drawn with Bézier arcs).
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
    pub fn rect(x: f32, y: f32, w: f32, h: f32, fill: Rgb) -> Item {
        Item::Path(Path {
            points: vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            closed: true,
            fill: Some(fill),
            stroke: None,
            alpha: 1.0,
        })
    }

    /// A straight rule.
    pub fn rule(x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Rgb) -> Item {
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
pub struct Anchor {
    /// Unique id.
    pub id: String,
    /// Outline level (1, 2) or 0 for non-outline targets.
    pub level: u8,
    /// Outline title.
    pub title: String,
    /// Top of the heading on the page.
    pub y: f32,
}

/// One laid-out page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// Items in painting order.
    pub items: Vec<Item>,
    /// Link targets on this page.
    pub anchors: Vec<Anchor>,
    /// A body page (arabic page number); false for cover and contents.
    pub numbered: bool,
}

/// What the PDF's metadata says of the document: all the writer needs
/// besides the pages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// Title.
    pub title: String,
    /// Author.
    pub author: String,
    /// Subject line.
    pub subject: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Issuing organisation (named in the Creator entry).
    pub organisation: String,
    /// BCP 47 language tag.
    pub language: String,
    /// The briefing date as printed; part of the reproducible file id.
    pub date_text: String,
}
