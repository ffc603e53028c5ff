//! Text: fonts and metrics, character classes, break opportunities and the
//! paragraph pipeline that turns a string into set lines. Charts and layout
//! both set text through it; it knows nothing of pages.

pub mod breaks;
pub mod fonts;
pub mod paragraph;
pub mod script;
