//! The commands that run the shipped scenarios: `demo` (the county in two
//! structures and through a reform, with a report) and `serve` (the
//! training-room dashboard).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use reformsim::engine::ReplicationOutput;
use reformsim::export::{self, RunInfo, RunOutput};
use reformsim::scenario;
use reformsim::schema::counted;

use crate::console::{print_table, print_yearly};
use crate::{Failure, check_replications, export_failure, simulate_with_progress};

/// Serves the dashboard on the shipped scenarios until interrupted.
pub(crate) fn serve(host: std::net::IpAddr, port: u16) -> Result<(), Failure> {
    let folder = shipped_scenarios();
    let dashboard = reformsim::serve::open(&folder).map_err(|e| Failure::Input(format!("error: {e}")))?;
    for (id, why) in &dashboard.catalogue().skipped {
        eprintln!("warning: scenarios/{id} is not offered: {why}");
    }
    let listener = std::net::TcpListener::bind((host, port)).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => Failure::Input(format!(
            "error: cannot listen on {host} port {port}: another program uses it; choose another with --port, or --port 0 for any free one"
        )),
        _ => Failure::Run(format!("cannot listen on {host} port {port}: {e}")),
    })?;
    let address = listener.local_addr().map_err(|e| Failure::Run(e.to_string()))?;
    if !host.is_loopback() {
        eprintln!("warning: listening on {host}: anyone who can reach this machine can use the dashboard");
    }
    // Listening on every address (0.0.0.0, ::), the page is opened at one of them.
    let open_at = if host.is_unspecified() {
        format!("port {} of this machine's addresses (http://127.0.0.1:{0}/ here)", address.port())
    } else {
        format!("http://{address}/")
    };
    println!("reformsim dashboard: {open_at} ({} scenarios; Ctrl-C stops)", dashboard.catalogue().scenarios.len());
    reformsim::serve::run(listener, dashboard, reformsim::serve::Limits::default())
        .map_err(|e| Failure::Run(e.to_string()))
}

/// The shipped scenarios folder: `./scenarios`, or that of the shipped project
/// (`REFORMSIM_HOME`, or the source folder the program was built from).
fn shipped_scenarios() -> PathBuf {
    let local = PathBuf::from("scenarios");
    if local.join("small-department.ron").exists() {
        local
    } else {
        reformsim::scenario::shipped_project().join("scenarios")
    }
}

pub(crate) fn demo(replications: u64, demo_folder: &Path, quiet: bool) -> Result<(), Failure> {
    check_replications(replications)?;
    let folder = shipped_scenarios();
    let names = ["small-department", "super-department", "one-trip-reform"];
    // Every output is claimed before anything is simulated: the three run folders
    // and the report page, which must be absent or an earlier reformsim report.
    let page = demo_folder.join("report.html");
    export::output::check_report_page(&page).map_err(export_failure)?;
    let mut planned = Vec::new();
    for name in names {
        let path = folder.join(format!("{name}.ron"));
        let (model, inputs) = scenario::load_with_inputs(&path).map_err(|e| Failure::Input(e.report()))?;
        let inputs: Vec<PathBuf> = inputs.iter().map(|p| export::output::canonical(p)).collect();
        let output = RunOutput::claim(&demo_folder.join(name), None, &inputs).map_err(export_failure)?;
        planned.push((path, Arc::new(model), output));
    }
    let mut results = Vec::new();
    for (path, model, output) in planned {
        let outputs = simulate_with_progress(&model, 1, replications, 0, quiet)?;
        let info = RunInfo {
            scenario_path: path.display().to_string(),
            scenario_file: export::output::canonical(&path),
            seed: 1,
            replications,
            command_line: std::env::args().collect(),
        };
        output.commit(&model, &info, &outputs).map_err(export_failure)?;
        results.push((model.name.clone(), outputs));
    }
    println!(
        "reformsim demo: one county, the same demand and staff, in two structures (2017) and through the \
         2017-2019 one-trip reform ({} each, seed 1; totals cover each run's measured days)\n",
        counted(replications, "replication", "replications")
    );
    let borrowed: Vec<(&str, &[ReplicationOutput])> = results.iter().map(|(n, o)| (n.as_str(), o.as_slice())).collect();
    print_table(&borrowed);
    if let Some((name, outputs)) = results.last() {
        println!("\n{name}, year by year:");
        print_yearly(outputs);
    }
    println!("\nresults written to {}", demo_folder.display());
    let page = reformsim::report::write(demo_folder, None).map_err(|e| Failure::Run(e.to_string()))?;
    println!("report written to {} (open it in a web browser)", page.display());
    Ok(())
}
