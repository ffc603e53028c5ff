//! Fault points for the failure-order tests: `BRIEFING_FAULT=fail:STEP`
//! makes the named step fail as a full disk would, `pause:STEP` holds the
//! run there for two seconds so a test can signal it. Steps: `write` (the
//! temporary PDF), `manifest`, `rename` (the briefing's commit point),
//! `bookkeeping` (the manifest's own rename), `latest`. Unset,
//! it costs one environment lookup per step.

use std::io;

/// Fails or pauses at `step` when `BRIEFING_FAULT` asks for it.
pub(crate) fn point(step: &str) -> io::Result<()> {
    let Ok(v) = std::env::var("BRIEFING_FAULT") else {
        return Ok(());
    };
    match v.split_once(':') {
        Some(("fail", s)) if s == step => Err(io::Error::new(
            io::ErrorKind::StorageFull,
            format!("injected failure at {step}"),
        )),
        Some(("pause", s)) if s == step => {
            eprintln!("briefing: paused at {step}");
            std::thread::sleep(std::time::Duration::from_secs(2));
            Ok(())
        }
        _ => Ok(()),
    }
}
