//! reformsim: a simulator of government administrative cost and organisational
//! restructuring.
//!
//! Departments and staff are ECS entities (`bevy_ecs`); citizen requests (cases)
//! are not: they are records in a slab inside the `CaseFlow` resource, moved at
//! their exact instants by an event calendar. Scenarios are RON files; every
//! command runs them through [`runner::Runner`] and writes results by the
//! column names in [`schema`].
//! See `ARCHITECTURE.md` for the map of the code.

#![warn(missing_docs)]

pub mod bits;
pub mod domain;
pub mod engine;
pub mod experiment;
pub mod export;
pub mod indicators;
pub mod levers;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod serve;
pub mod stats;
pub mod theory;
pub mod time;
