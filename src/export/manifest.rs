//! `manifest.ron`: how a result folder was made (program version, scenario
//! content hash, seed, replications, command line).

use std::path::Path;

use super::{ExportError, RunInfo, io_error};
use crate::scenario::Model;
use crate::schema::model_hash;

#[derive(serde::Serialize)]
struct Manifest<'a> {
    program: &'a str,
    version: &'a str,
    scenario: &'a str,
    scenario_path: &'a str,
    model_hash_fnv1a64: String,
    seed: u64,
    replications: u64,
    command_line: &'a [String],
    /// The event log written inside the folder (relative path), so that a later run
    /// may replace it with the folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    event_log: Option<String>,
}

/// Writes the manifest; `event_log` is the event log written inside the result
/// folder, relative to it, if any.
pub fn write(path: &Path, model: &Model, info: &RunInfo, event_log: Option<&Path>) -> Result<(), ExportError> {
    let manifest = Manifest {
        program: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        scenario: &model.name,
        scenario_path: &info.scenario_path,
        model_hash_fnv1a64: model_hash(model),
        seed: info.seed,
        replications: info.replications,
        command_line: &info.command_line,
        event_log: event_log.map(|p| p.to_string_lossy().into_owned()),
    };
    let text = ron::ser::to_string_pretty(&manifest, ron::ser::PrettyConfig::default())
        .map_err(|e| ExportError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
    std::fs::write(path, text + "\n").map_err(io_error(path))
}
