//! Dated PDF briefings, in Simplified Chinese (and Traditional editions for
//! Taiwan and Hong Kong), on China's AI compute industry: TOML config and
//! theme data in, a typeset PDF out.
//!
//! The pipeline runs one way through one module per stage:
//! [`config`] → [`content`] → [`compose`] → [`edition`] → [`layout`] → [`pdf`] → [`deliver`],
//! with [`chart`] drawing figures for the layout stage.

// Errors carry a source snippet for their diagnostic, which makes them
// large; they are built once per failed run, so the size of `Result` on the
// happy path is not worth boxing every error for.
#![allow(clippy::result_large_err)]

pub mod batch;
pub(crate) mod build;
pub(crate) mod chart;
pub(crate) mod compose;
pub mod config;
pub(crate) mod content;
pub mod deliver;
pub(crate) mod edition;
pub mod error;
pub(crate) mod frame;
pub(crate) mod layout;
pub(crate) mod memory;
pub(crate) mod origin;
pub(crate) mod pdf;
pub(crate) mod regular;
pub(crate) mod source;
pub(crate) mod store;
pub(crate) mod style;
pub(crate) mod temps;
pub(crate) mod text;
pub mod trace;
