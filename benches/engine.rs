//! Engine throughput: events and cases per second for one simulated year, one
//! thread, release build.
//!
//! `cargo bench --bench engine`. Throughput is reported by criterion as
//! elements per second, where the elements are events (group `events`) or cases
//! that arrived (group `cases`) in one replication with seed 1. Those groups time
//! wall-clock seconds, which on a machine shared with other work count the time
//! the benchmark waited for a core; group `cpu` times the same runs in the
//! benchmark thread's CPU time (the engine runs in the calling thread), which is
//! what a quiet machine's wall clock would show.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reformsim::engine::simulate;
use reformsim::scenario::{Model, load};

/// The allocator of the `reformsim` program (`src/alloc.rs`), so that the
/// benchmark measures what the program does.
#[global_allocator]
static ALLOCATOR: reformsim::alloc::HugePages = reformsim::alloc::HugePages;

fn model(relative: &str) -> Arc<Model> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(relative);
    Arc::new(load(&path).unwrap_or_else(|e| panic!("{e}")))
}

fn count(model: &Arc<Model>, name: &str) -> u64 {
    let output = simulate(model, 1, 0, &mut |_| {}).expect("the run succeeds");
    if name == "cases" {
        output.conservation.arrived
    } else {
        output.summary.iter().find(|(n, _)| *n == "events").map_or(0, |(_, v)| *v as u64)
    }
}

fn throughput(c: &mut Criterion) {
    let scenarios =
        [("validation-network", "validation/network.ron"), ("county-small-department", "small-department.ron")];
    for unit in ["events", "cases"] {
        let mut group = c.benchmark_group(unit);
        group.sample_size(10).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(10));
        for (name, file) in scenarios {
            if !Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file).exists() {
                continue;
            }
            let m = model(file);
            group.throughput(Throughput::Elements(count(&m, unit)));
            group.bench_function(format!("{name}/year"), |b| b.iter(|| simulate(&m, 1, 0, &mut |_| {}).expect("runs")));
        }
        group.finish();
    }
    let mut group = c.benchmark_group("cpu");
    group.sample_size(10).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(10));
    for (name, file) in scenarios {
        if !Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file).exists() {
            continue;
        }
        let m = model(file);
        group.throughput(Throughput::Elements(count(&m, "events")));
        group.bench_function(format!("{name}/year"), |b| {
            b.iter_custom(|iterations| {
                let start = thread_cpu_time();
                for _ in 0..iterations {
                    simulate(&m, 1, 0, &mut |_| {}).expect("runs");
                }
                thread_cpu_time().saturating_sub(start)
            })
        });
    }
    group.finish();
}

/// CPU time consumed by the calling thread so far.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID exists on
    // every Linux this benchmark runs on, and a failure leaves `now` at zero.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// The province (issue 14): one year of `zhejiang-province.ron`, one replication,
/// beside the county, in events per second, so that the cost per event at province
/// scale can be compared with the county's in one run (`cargo bench --bench engine
/// province`). Ten samples of the province take several minutes.
fn province(c: &mut Criterion) {
    let mut group = c.benchmark_group("province");
    group
        .sample_size(10)
        .sampling_mode(criterion::SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    for (name, file) in
        [("county-small-department", "small-department.ron"), ("zhejiang-province", "zhejiang-province.ron")]
    {
        let m = model(file);
        group.throughput(Throughput::Elements(count(&m, "events")));
        group.bench_function(format!("{name}/year"), |b| b.iter(|| simulate(&m, 1, 0, &mut |_| {}).expect("runs")));
    }
    group.finish();
}

criterion_group!(benches, throughput, province);
criterion_main!(benches);
