//! Stage 6: PDF bytes to files: atomic writes, the output lock, retention
//! and `latest` copies, signal handling (and mail, in `mail`).

pub mod lock;
pub mod mail;
pub mod output;
pub mod retention;
pub mod signals;
