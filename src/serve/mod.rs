//! `reformsim serve`: the training-room dashboard, a small web server that runs
//! the shipped scenarios with reform levers set from a page and shows the result
//! next to the baseline.
//!
//! The page (`assets/`) is plain HTML, CSS and JavaScript compiled into the
//! binary; it draws its charts as inline SVG and fetches nothing from elsewhere.
//! The server offers only the scenarios found under `scenarios/` at start-up
//! ([`catalogue`]), takes lever positions, never file names or scenario text
//! ([`levers`]), bounds request size, run time and concurrent runs, bounds the
//! connections it keeps and how long it waits for slow clients
//! ([`connections`]), and answers every bad request with a status and a JSON
//! message. See `docs/dashboard.md`.

pub mod api;
pub mod catalogue;
pub mod connections;
pub mod explain;
pub mod levers;
pub mod outcome;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::scenario::raw::RawMerge;
use crate::scenario::{Model, Role};
use levers::Levers;

pub use api::{Dashboard, router};
pub use connections::Limits;

// The shipped scenario's description is shared by the catalogue (which builds
// it) and the levers (which read it), so it lives here, above both: neither
// imports the other through it.

/// What the levers can do in one scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Offers {
    /// The departments serve at their own windows, so one window can merge them.
    pub one_window: bool,
    /// Windows the one-window hall gets: all the departments' windows.
    pub hall_windows: u32,
    /// Department paying for the hall (its first department).
    pub cost_centre: String,
    /// Some step checks documents, so data sharing has something to fetch.
    pub data_sharing: bool,
    /// Some service may run steps in parallel once its regulations are revised.
    pub integrated_service: bool,
    /// The scenario prices contract staff (`workforce.contract_annual_cost_cny`),
    /// so established leavers may be replaced by them.
    pub contract_replacement: bool,
}

/// A station contract staff can be hired into.
#[derive(Clone, Debug, Serialize)]
pub struct StationChoice {
    /// Department.
    pub department: String,
    /// Role.
    #[serde(skip)]
    pub role: Role,
    /// Staff there now.
    pub staff: u32,
    /// Yearly work offered, staff hours (before send-backs).
    pub work_hours: f64,
    /// How the page shows it.
    pub label: String,
    /// For window clerks, their desk (`Model::desks`): at most as many serve at
    /// once as it has windows.
    #[serde(skip)]
    pub desk: Option<usize>,
}

/// One shipped scenario, ready for the dashboard.
#[derive(Debug)]
pub struct ShippedScenario {
    /// Path below `scenarios/`, with `/` separators: what requests name.
    pub id: String,
    /// The file's name.
    pub file_name: String,
    /// What the generated scenario `extends`: `shipped:ID` for a file of the
    /// shipped project (so that its text, saved anywhere, runs with `reformsim
    /// run`), else the file's name (it is read beside that file).
    pub extends: String,
    /// The generated scenario's own name (its default results folder), when
    /// the shipped one's leaves room for it: `NAME-dashboard`.
    pub generated_name: Option<String>,
    /// The file on disk.
    pub path: PathBuf,
    /// Days the dashboard simulates.
    pub horizon_days: u32,
    /// Warm-up days among them.
    pub warmup_days: u32,
    /// The baseline as the dashboard runs it (shortened, no reforms).
    pub model: Arc<Model>,
    /// What the levers can do here.
    pub offers: Offers,
    /// The merger groups, when every department they name is here.
    pub merger: Option<Vec<RawMerge>>,
    /// Stations offered for contract staff: the most work per staff member first.
    pub stations: Vec<StationChoice>,
    /// Every station with work, the most work first (where contract staff are
    /// spread when no station is chosen).
    pub workload: Vec<StationChoice>,
    /// The scenario's own reforms as lever positions, when it has any.
    pub preset: Option<Levers>,
    /// Its reforms that no lever shows.
    pub preset_left_out: Vec<String>,
}

impl ShippedScenario {
    /// Where the generated scenario text is said to live: beside the shipped file,
    /// so that its `extends` and the files that one names resolve as usual.
    pub fn generated_path(&self) -> PathBuf {
        self.path.with_file_name("reformsim-dashboard.ron")
    }
}

/// Why the dashboard could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The scenarios folder could not be read.
    #[error("cannot read the scenarios folder {}: {source}", path.display())]
    Scenarios {
        /// The folder.
        path: std::path::PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// No scenario in the folder could be loaded.
    #[error("no scenario under {} could be loaded", path.display())]
    NoScenarios {
        /// The folder.
        path: std::path::PathBuf,
    },
    /// The server's runtime or socket failed.
    #[error("the dashboard's server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the dashboard on the scenarios of `folder`.
pub fn open(folder: &Path) -> Result<Dashboard, ServeError> {
    Dashboard::open(folder)
}

/// Serves `dashboard` on `listener` within `limits` until the process is
/// interrupted (Ctrl-C), on a runtime of its own; simulations run on its
/// blocking pool.
pub fn run(listener: std::net::TcpListener, dashboard: Dashboard, limits: Limits) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .thread_name("reformsim-serve")
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let address = listener.local_addr()?;
        let dashboard = Arc::new(dashboard);
        dashboard.warm_up();
        let app = router(dashboard, address);
        connections::serve(listener, app, limits, async {
            // Without a signal handler (not possible in some sandboxes) the
            // server runs until the process is killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
        Ok(())
    })
}

/// Windows of each front desk of `model` that its own window clerks leave free
/// at the start, by desk: where contract window clerks can serve.
pub(crate) fn free_windows(model: &crate::scenario::Model) -> Vec<u64> {
    model.desks.iter().zip(model.window_clerks()).map(|(d, c)| u64::from(d.windows).saturating_sub(c)).collect()
}
