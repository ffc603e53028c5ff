//! Stage 1: TOML text to a checked [`Config`] (run settings plus the theme
//! catalogue). Every error names the file, line and column.

mod load;
pub mod model;
mod schema;
pub mod source;
pub mod template;

pub use load::{load, load_catalog};
pub use model::*;
