//! reformsim: a simulator of government administrative cost and organisational
//! restructuring.
//!
//! Departments, staff and citizen requests are modelled in an ECS (`bevy_ecs`);
//! cases flow through an exact-time event calendar; scenarios are RON files.
//! See `ARCHITECTURE.md` for the map of the code.

#![warn(missing_docs)]

pub mod engine;
pub mod experiment;
pub mod export;
pub mod indicators;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod serve;
pub mod stats;
pub mod theory;
pub mod time;
