//! The run's timeline: when each stage of a run happened, for
//! `RUST_LOG=debug`. A leaf: every stage may call it, it imports none.

use std::sync::OnceLock;
use std::time::Instant;

/// When the run began: the zero of the debug log's timeline.
static START: OnceLock<Instant> = OnceLock::new();

/// Starts the run's clock (the binary does so first thing); later calls
/// change nothing.
pub fn start_clock() {
    START.get_or_init(Instant::now);
}

/// Logs (at debug level) how far into the run `what` happened, so that
/// `RUST_LOG=debug` shows where a run's time goes, stage by stage.
pub(crate) fn mark(what: &str) {
    if log::log_enabled!(log::Level::Debug) {
        let t = START.get_or_init(Instant::now).elapsed();
        log::debug!("{what} at {:.1} ms", t.as_secs_f64() * 1e3);
    }
}
