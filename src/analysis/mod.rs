//! Research tools over the sweep machinery: global sensitivity analysis
//! (`reformsim sensitivity`: Morris screening, Sobol indices) and calibration
//! (`reformsim calibrate`: ABC rejection and ABC-SMC).
//!
//! The estimators are pure functions of numbers ([`sobol`], [`morris`], [`abc`],
//! with their random streams in [`stream`]); they know nothing of scenarios and
//! are tested on functions with known answers. The commands ([`sensitivity`],
//! [`calibrate`]) read a spec ([`spec`]), turn the method's design into design
//! points of a [`crate::experiment::Sweep`] and run them through
//! [`crate::experiment::run_sweep`] ([`evaluate`]), so they inherit its journal
//! and resume, `--jobs`, `--shard`, common random numbers and determinism; then
//! they read the runs back and compute the indices or the posterior.

pub mod abc;
pub mod calibrate;
pub mod evaluate;
pub mod morris;
pub mod sensitivity;
pub mod sobol;
pub mod spec;
pub mod stream;

pub use calibrate::{CalibrateOptions, Calibration, run_calibration};
pub use sensitivity::{Sensitivity, SensitivityOptions, run_sensitivity};
