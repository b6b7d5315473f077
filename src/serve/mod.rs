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

use std::path::Path;
use std::sync::Arc;

pub use api::{Dashboard, router};
pub use connections::Limits;

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
