//! Stage 6: PDF bytes to files: atomic writes, the output lock, retention
//! and `latest` copies, signal handling (and mail, in `mail`).

pub(crate) mod fault;
pub(crate) mod lock;
pub mod mail;
pub(crate) mod output;
pub(crate) mod retention;
pub mod signals;
