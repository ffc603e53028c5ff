//! Stage 6: PDF bytes to files (and, later, mail).

pub mod output;
