//! reformsim's integration tests: one binary, one module per capability.

mod analysis;
mod assessment;
mod calendar;
mod cli;
mod common;
mod diagnostics;
mod digests;
mod engine;
mod event_log;
mod experiments;
mod fiscal;
mod honest;
mod init;
mod levers;
mod online;
mod optimise;
mod output_safety;
mod posts;
mod progress;
mod properties;
mod queueing;
mod report;
mod serve;
mod skills;
mod supervision;
mod tidy;
