use std::sync::Arc;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let model = match reformsim::scenario::load(std::path::Path::new(&path)) {
        Ok(m) => Arc::new(m),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    };
    let t = std::time::Instant::now();
    let out = reformsim::engine::simulate(&model, 1, 0, &mut |_| {}).unwrap();
    let el = t.elapsed();
    for (k, v) in &out.summary {
        println!("{k:40} {v:.4}");
    }
    println!(
        "elapsed {:?}, events/s {:.0}",
        el,
        out.summary.iter().find(|x| x.0 == "events").unwrap().1 / el.as_secs_f64()
    );
}
