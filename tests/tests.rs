//! reformsim's integration tests: one binary, one module per capability.

mod common;
mod queueing;
