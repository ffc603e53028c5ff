//! Stage 1: TOML text to a checked [`Config`] (run settings plus the theme
//! catalogue). Every error names the file, line and column.

mod blocks;
mod cache;
mod catalog;
mod load;
mod mail;
pub mod model;
mod schema;
pub mod source;
pub mod template;

pub use catalog::load_catalog;
pub(crate) use catalog::significant_digits;
pub use load::{font_cache_in, load, load_for_run};
pub use model::*;
