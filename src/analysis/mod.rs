//! Research tools over the experiment machinery: global sensitivity analysis
//! (`reformsim sensitivity`: Morris screening, Sobol indices), calibration
//! (`reformsim calibrate`: ABC rejection and ABC-SMC) and the search for the
//! cheapest plan that meets service targets (`reformsim optimise`, [`optimise`]).
//!
//! The estimators are pure functions of numbers ([`sobol`], [`morris`], [`abc`],
//! with their random streams in [`stream`]; ranking and selection in
//! `optimise::ocba` and `optimise::kn`); they know nothing of scenarios and are
//! tested on functions with known answers. Sensitivity and calibration read a spec
//! ([`spec`]), turn the method's design into design points of a
//! [`crate::experiment::Sweep`] and run them through
//! [`crate::experiment::run_sweep`] ([`evaluate`]), so they inherit its journal and
//! resume, `--jobs`, `--shard`, common random numbers and determinism; then they
//! read the runs back and compute the indices or the posterior. The optimiser's
//! search is adaptive, so it runs candidates through the `Runner` and the sweep's
//! journal itself.

pub mod abc;
pub mod calibrate;
pub mod evaluate;
pub mod morris;
pub mod optimise;
pub mod predict;
pub mod sensitivity;
pub mod sobol;
pub mod spec;
pub mod stream;

pub use calibrate::{CalibrateOptions, Calibration, run_calibration};
pub use sensitivity::{Sensitivity, SensitivityOptions, run_sensitivity};
