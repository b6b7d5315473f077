//! reformsim: a simulator of government administrative cost and organisational
//! restructuring.
//!
//! Departments and staff are ECS entities (`bevy_ecs`); citizen requests (cases)
//! are not: they are records in a slab inside the `CaseFlow` resource, moved at
//! their exact instants by an event calendar. Scenarios are RON files; every
//! command runs them through [`runner::Runner`] and writes results by the
//! column names in [`schema`].
//! See `ARCHITECTURE.md` for the map of the code.
//!
//! # Example
//!
//! An M/M/3 queue (30 arrivals an hour, 5-minute service) for 60 days, whose mean
//! wait Erlang C puts at 7.02 minutes:
//!
//! ```
//! use std::sync::Arc;
//!
//! let text = r#"Scenario(
//!     name: "mm3", start_date: "2017-01-02", horizon_days: 60, warmup_days: 5, calendar: AllDay,
//!     applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
//!     functions: ["service"],
//!     departments: [(name: "Office", functions: ["service"], overhead_cny_per_year: 0.0, windows: 3)],
//!     front_office: PerDepartment,
//!     handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0),
//!               within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
//!     documents: [],
//!     staff: [(department: "Office", role: WindowClerk, employment: Established, count: 3, annual_cost_cny: 100000.0)],
//!     services: [Service(name: "request", volume_per_year: 262800.0, time_limit_working_days: 1,
//!         steps: [Step(name: "serve", function: "service", role: WindowClerk, work: Exponential(mean_minutes: 5.0))])],
//! )"#;
//! let model = Arc::new(reformsim::scenario::load_from_str(std::path::Path::new("mm3.ron"), text)?);
//! let runner = reformsim::runner::Runner::in_this_thread(1);
//! let output = runner.run(&model, 0)?;
//! let wait = output.summary.iter().find(|(name, _)| *name == "wait_minutes_mean").map(|(_, v)| *v);
//! assert!(wait.is_some_and(|w| (4.0..10.0).contains(&w)), "mean wait {wait:?}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs, unreachable_pub)]

pub mod alloc;
pub mod analysis;
pub mod bits;
pub mod domain;
pub mod engine;
pub mod experiment;
pub mod export;
pub mod indicators;
pub mod init;
pub mod levers;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod serve;
pub mod stats;
pub mod theory;
pub mod time;
