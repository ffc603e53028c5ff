//! The briefing's visual constants in one place: sizes, colours, spacing.

use crate::frame::Rgb;

/// Body text colour: near-black reads softer than pure black in print.
pub(crate) const INK: Rgb = Rgb::from_u8(0x1a, 0x1a, 0x1a);
/// Secondary text: captions, notes, header and footer.
pub(crate) const MUTED: Rgb = Rgb::from_u8(0x5f, 0x63, 0x68);
/// The briefing's accent (title, title rules): the red of Chinese official briefings.
pub(crate) const ACCENT: Rgb = Rgb::from_u8(0xa8, 0x1c, 0x1c);
/// Hairlines and table rules.
pub(crate) const RULE: Rgb = Rgb::from_u8(0x33, 0x33, 0x33);
/// Light rules inside tables.
pub(crate) const RULE_LIGHT: Rgb = Rgb::from_u8(0xc8, 0xcc, 0xd0);
/// Zebra fill of alternate table rows.
pub(crate) const ZEBRA: Rgb = Rgb::from_u8(0xf4, 0xf5, 0xf7);
/// Key-figure card background.
pub(crate) const CARD: Rgb = Rgb::from_u8(0xf2, 0xf4, 0xf7);
/// Card accent bar and figure values.
pub(crate) const NAVY: Rgb = Rgb::from_u8(0x1f, 0x3a, 0x5f);

/// Where the em box of CJK text sits on its baseline: 0.88 em above it,
/// 0.12 em below (the split the CJK faces' ideographic em box uses). Lines
/// are centred in their line box by it, and chart anchors refer to it.
pub(crate) const EM_ASCENT: f32 = 0.88;
/// The em box's depth below the baseline: the rest of the em.
pub(crate) const EM_DESCENT: f32 = 0.12;

/// Level-1 heading size (bold sans, ~19 % above 10.5 pt body).
pub(crate) const H1_SCALE: f32 = 1.19;
/// Level-2 heading size (~10 % above body).
pub(crate) const H2_SCALE: f32 = 1.10;
/// Table and chart text relative to body.
pub(crate) const SMALL_SCALE: f32 = 0.857;
/// Header, footer and source-line text relative to body.
pub(crate) const TINY_SCALE: f32 = 0.81;

use crate::frame::FontKind;

/// Table cells, card labels and source lines are set in the body face:
/// Chinese reports set tables in 宋体, and sharing the body's glyphs keeps
/// the embedded subsets (most of a briefing's bytes) small.
pub(crate) const TABLE_FONT: FontKind = FontKind::Serif;
