//! The one way runs are made: every command (`run`, `demo`, `compare`, `sweep`,
//! `serve`) simulates through a [`Runner`], which holds the seed and the threads.
//!
//! Each replication has its own `World` and its own random streams, derived from
//! the seed and the replication index alone, so results do not depend on the
//! number of threads or the order in which replications finish. Parallelism is
//! across runs, never inside one; results come back in the order asked for.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::engine::flow::StepRecord;
use crate::engine::{self, EngineError, ReplicationOutput};
use crate::scenario::Model;

/// The threads could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot start {jobs} threads: {reason}")]
pub struct ThreadsError {
    /// Threads asked for.
    pub jobs: usize,
    /// The operating system's reason.
    pub reason: String,
}

/// Runs models with one seed on a pool of threads (or in the caller's thread).
pub struct Runner {
    seed: u64,
    /// `None`: everything runs in the caller's thread.
    pool: Option<rayon::ThreadPool>,
}

impl Runner {
    /// A runner with `jobs` threads (0: one per core) for runs with `seed`. More
    /// threads than the cores available would only share them (and results never
    /// depend on the threads), so `jobs` is capped there: `--jobs 100000` started
    /// as many threads, for minutes and hundreds of megabytes.
    pub fn new(seed: u64, jobs: usize) -> Result<Runner, ThreadsError> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let threads = if jobs == 0 { cores } else { jobs.min(cores) };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("reformsim-run-{i}"))
            .build()
            .map_err(|e| ThreadsError { jobs, reason: e.to_string() })?;
        Ok(Runner { seed, pool: Some(pool) })
    }

    /// A runner that runs everything in the caller's thread (the dashboard, which
    /// already runs each request on a thread of its own).
    pub fn in_this_thread(seed: u64) -> Runner {
        Runner { seed, pool: None }
    }

    /// Replication `replication` of `model`.
    pub fn run(&self, model: &Arc<Model>, replication: u64) -> Result<ReplicationOutput, EngineError> {
        self.run_with(model, replication, &mut |_| {}, None)
    }

    /// Replication `replication` of `model`, calling `progress` after each simulated
    /// day and handing every step done to `sink` (the event log), if any. The only
    /// place outside the engine that calls it.
    pub fn run_with(
        &self,
        model: &Arc<Model>,
        replication: u64,
        progress: &mut dyn FnMut(u32),
        sink: Option<engine::StepSink<'_>>,
    ) -> Result<ReplicationOutput, EngineError> {
        engine::simulate_logged(model, self.seed, replication, progress, sink)
    }

    /// Replications `0..replications` of `model`, in replication order, in
    /// parallel; `progress` is called with the total simulated days done so far
    /// (each replication counts `horizon_days + cooldown_days`, see `engine::simulate`).
    pub fn replications(
        &self,
        model: &Arc<Model>,
        replications: u64,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<ReplicationOutput>, EngineError> {
        let days_done = AtomicU64::new(0);
        let run_one = |r: u64| {
            let mut last = 0;
            self.run_with(
                model,
                r,
                &mut |day| {
                    let new = u64::from(day.saturating_sub(std::mem::replace(&mut last, day)));
                    if new > 0 {
                        progress(days_done.fetch_add(new, Ordering::Relaxed) + new);
                    }
                },
                None,
            )
        };
        if replications <= 1 {
            return (0..replications).map(run_one).collect();
        }
        let indices: Vec<u64> = (0..replications).collect();
        self.map(&indices, |&r| run_one(r)).into_iter().collect()
    }

    /// Replications `0..replications` of `model` one after another, handing each
    /// replication's steps to `sink` with its index, in the order they ended (the
    /// event log is written in replication order, so these runs are not parallel);
    /// `progress` is called with the total simulated days done so far (as in
    /// [`Runner::replications`]).
    pub fn replications_logged(
        &self,
        model: &Arc<Model>,
        replications: u64,
        progress: &dyn Fn(u64),
        sink: &mut dyn FnMut(u64, &[StepRecord]),
    ) -> Result<Vec<ReplicationOutput>, EngineError> {
        let mut days_done = 0;
        (0..replications)
            .map(|r| {
                let mut write = |rows: &[StepRecord]| sink(r, rows);
                let mut last = 0;
                let mut day = |day: u32| {
                    let new = u64::from(day.saturating_sub(std::mem::replace(&mut last, day)));
                    if new > 0 {
                        days_done += new;
                        progress(days_done);
                    }
                };
                self.run_with(model, r, &mut day, Some(&mut write))
            })
            .collect()
    }

    /// `f` applied to every item on the runner's threads; results in item order.
    pub fn map<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
        match &self.pool {
            Some(pool) => pool.install(|| items.par_iter().map(f).collect()),
            None => items.iter().map(f).collect(),
        }
    }

    /// `f` applied to every item on the runner's threads, in any order (callers that
    /// need an order sort what `f` hands on). May be nested: an `f` that calls
    /// `for_each` again shares the same threads.
    pub fn for_each<T: Sync>(&self, items: &[T], f: impl Fn(&T) + Sync + Send) {
        match &self.pool {
            Some(pool) => pool.install(|| items.par_iter().for_each(f)),
            None => items.iter().for_each(f),
        }
    }
}
