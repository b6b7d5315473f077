//! Fuzz target: any bytes through scenario loading, validation and, when the
//! scenario is valid and small, a short run. Each input must end in a model, a
//! diagnostic or a result; a panic, a hang or an out-of-memory is a bug.
//!
//! Run from the repository root with a nightly compiler:
//! `cargo +nightly fuzz run load_scenario fuzz/corpus/load_scenario tests/broken scenarios/validation`
//! (the shipped and broken scenarios make a good seed corpus).

#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use reformsim::scenario::{load_from_str, warnings};

/// Most cases a valid input may expect for it to be run too.
const MAX_RUN_CASES: f64 = 20_000.0;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Relative paths in the input resolve from the corpus of broken scenarios.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/broken/fuzz.ron");
    match load_from_str(&path, text) {
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(model) => {
            let _ = warnings(&model);
            if model.horizon_days <= 30 && model.expected_cases() <= MAX_RUN_CASES {
                let model = Arc::new(model);
                // An error from a valid model is an engine bug (a broken invariant).
                let output = match reformsim::engine::simulate(&model, 1, 0, &mut |_| {}) {
                    Ok(output) => output,
                    Err(e) => panic!("a valid scenario failed to run: {e}"),
                };
                let c = output.conservation;
                assert_eq!(c.arrived, c.completed + c.abandoned + c.in_progress);
            }
        }
    }
});
