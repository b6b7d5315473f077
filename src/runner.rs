//! Running replications of a model, in parallel across replications.
//!
//! Each replication has its own `World` and its own random streams, derived from
//! the seed and the replication index alone, so results do not depend on the
//! number of threads or the order in which replications finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::engine::{EngineError, ReplicationOutput, simulate};
use crate::scenario::Model;

/// Runs replications `0..replications` of `model` on `jobs` threads (0: all
/// cores). `progress` is called with the total simulated days done so far.
pub fn run_replications(
    model: &Arc<Model>,
    seed: u64,
    replications: u64,
    jobs: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<ReplicationOutput>, EngineError> {
    let days_done = AtomicU64::new(0);
    let run_one = |r: u64| {
        simulate(model, seed, r, &mut |_| {
            let total = days_done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(total);
        })
    };
    if jobs == 1 || replications <= 1 {
        return (0..replications).map(run_one).collect();
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build();
    match pool {
        Ok(pool) => pool.install(|| (0..replications).into_par_iter().map(run_one).collect()),
        // Without a thread pool, run in this thread: same results, only slower.
        Err(_) => (0..replications).map(run_one).collect(),
    }
}
