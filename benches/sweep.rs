//! Sweep throughput: runs per second with 1 and 2 jobs, release build.
//!
//! `cargo bench --bench sweep`. Each iteration runs a whole sweep into a fresh
//! folder, journal and final tables included: 16 design points of a 200-day M/M/c
//! office (validation/mmc.ron, 110 000 to 140 000 cases a run) × 2 replications = 32
//! runs. Criterion reports elements per second, the elements being runs. Parallel
//! efficiency is (runs/s with 2 jobs) / (2 × runs/s with 1 job).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reformsim::experiment::{Sweep, SweepOptions, run_sweep};

const RUNS: u64 = 32;

fn sweep_file(dir: &Path) -> PathBuf {
    // A sweep's base must be inside its project folder: the way up from the bench
    // folder (under target/) to the repository, then down to the scenario.
    let inside = dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("the bench folder is inside the repository");
    let base = format!("{}scenarios/validation/mmc.ron", "../".repeat(inside.components().count()));
    let text = format!(
        r#"Sweep(
    base: {base:?},
    seed: 1,
    replications: 2,
    parameters: [
        (name: "clerks", paths: ["departments[0].windows", "staff[0].count"], values: [3, 4, 5, 6]),
        (name: "volume_per_year", path: "services[0].volume_per_year", range: (from: 200000.0, to: 260000.0, steps: 4)),
    ],
    fixed: [(path: "horizon_days", value: 200), (path: "warmup_days", value: 5)],
)
"#
    );
    let path = dir.join("bench-sweep.ron");
    std::fs::write(&path, text).expect("the bench folder is writable");
    path
}

fn throughput(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-sweep");
    std::fs::create_dir_all(&dir).expect("the bench folder can be created");
    let sweep = Sweep::load(&sweep_file(&dir)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sweep.points.len() as u64 * sweep.replications, RUNS);
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(RUNS));
    for jobs in [1, 2] {
        let out = dir.join(format!("out-{jobs}"));
        group.bench_function(format!("runs/jobs-{jobs}"), |b| {
            b.iter(|| {
                let _ = std::fs::remove_dir_all(&out);
                let options = SweepOptions { out: out.clone(), jobs, shard: None };
                run_sweep(&sweep, &options, &|_, _| {}).expect("the sweep runs")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
