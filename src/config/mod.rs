//! Stage 1: TOML text to a checked [`Config`] (run settings plus the theme
//! catalogue). Every error names the file, line and column.
//!
//! `load` reads `briefing.toml` and checks its run settings (`page`,
//! `fonts`, `profiles`, `mail`); `check` reads the sources list and the
//! theme files into the catalogue (`model`), which `cache` keeps between
//! runs. `schema` is what the files may contain, `values` the checks of
//! single values they share.

mod cache;
mod check;
mod editions;
mod fonts;
mod load;
mod mail;
pub mod model;
mod page;
pub(crate) mod period;
mod profiles;
mod schema;
mod settings;
pub mod template;
mod values;

pub use editions::{Conversion, Language};
pub use load::{font_cache_in, load, load_for_run};
pub use model::*;
pub use settings::*;
