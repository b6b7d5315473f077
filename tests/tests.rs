//! reformsim's integration tests: one binary, one module per capability.

mod cli;
mod common;
mod engine;
mod event_log;
mod levers;
mod queueing;
