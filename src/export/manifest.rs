//! `manifest.ron`: how a result folder was made (program version, scenario
//! content hash, seed, replications, command line).

use std::path::{Component, Path, PathBuf};

use super::paths::canonical;

use super::{ExportError, RunInfo, io_error};
use crate::scenario::Model;
use crate::schema::model_hash;

#[derive(serde::Serialize)]
struct Manifest<'a> {
    program: &'a str,
    version: &'a str,
    scenario: &'a str,
    scenario_path: &'a str,
    /// The scenario file, relative to the results folder.
    scenario_file: String,
    model_hash_fnv1a64: String,
    seed: u64,
    replications: u64,
    command_line: &'a [String],
    /// The event log written inside the folder (relative path), so that a later run
    /// may replace it with the folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    event_log: Option<String>,
}

/// Writes the manifest; `scenario_file` is the scenario file relative to the
/// result folder, `event_log` the event log written inside the result folder,
/// relative to it, if any.
pub fn write(
    path: &Path,
    model: &Model,
    info: &RunInfo,
    scenario_file: &Path,
    event_log: Option<&Path>,
) -> Result<(), ExportError> {
    let manifest = Manifest {
        program: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        scenario: &model.name,
        scenario_path: &info.scenario_path,
        scenario_file: scenario_file.to_string_lossy().into_owned(),
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

/// `to` (canonical) as a path relative to the folder `from` (canonical):
/// `../../scenarios/county.ron` from `results/county`.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = from[shared..].iter().map(|_| Component::ParentDir).collect();
    path.extend(&to[shared..]);
    path
}

/// Refuses to let a run of `scenario` (canonical) replace the results in
/// `folder` (its default folder, `results/<name>`) when they are another
/// scenario file's: two files of one name (a copy edited, a child that kept its
/// parent's name) would otherwise replace each other's results without a word.
/// Results that cannot be traced to a file that still exists are replaced as
/// before; a folder named with `--out` is the user's choice and not checked.
pub fn check_same_scenario(folder: &Path, scenario: &Path) -> Result<(), ExportError> {
    #[derive(serde::Deserialize)]
    struct Scenario {
        program: String,
        scenario_path: String,
        /// Relative to the folder; empty (absent) in results written before it was recorded.
        #[serde(default)]
        scenario_file: String,
    }
    let Ok(text) = std::fs::read_to_string(folder.join("manifest.ron")) else { return Ok(()) };
    let Ok(manifest) = ron::from_str::<Scenario>(&text) else { return Ok(()) };
    if manifest.program != env!("CARGO_PKG_NAME") {
        return Ok(());
    }
    // Older results name the file only as it was typed: read from here.
    let earlier = if manifest.scenario_file.is_empty() {
        canonical(Path::new(&manifest.scenario_path))
    } else {
        canonical(&folder.join(&manifest.scenario_file))
    };
    if earlier.is_file() && earlier != scenario {
        return Err(ExportError::OtherScenario { folder: folder.to_path_buf(), earlier, this: scenario.to_path_buf() });
    }
    Ok(())
}

/// The files of a comparison's folder (`reformsim compare`), besides a report page.
pub const COMPARISON_FILES: [&str; 3] = ["comparison.csv", "replications.csv", "manifest.ron"];

/// Whether `folder/manifest.ron` is the manifest of a comparison of the same
/// scenario files as `scenarios` (canonical), in the same order: such a folder
/// holds a comparison that running the same command again makes again, so
/// `compare` may replace it. `Err(Some(what))` says what other results it holds
/// (a comparison of other files, a run's or a sweep's); `Err(None)` that it holds
/// no reformsim manifest.
pub fn check_same_comparison(folder: &Path, scenarios: &[PathBuf]) -> Result<(), Option<String>> {
    #[derive(serde::Deserialize)]
    struct Comparison {
        program: String,
        /// Name, the path as it was typed, model fingerprint.
        scenarios: Vec<(String, String, String)>,
        /// Relative to the folder; absent in comparisons written before it was recorded.
        #[serde(default)]
        scenario_files: Vec<String>,
    }
    let text = std::fs::read_to_string(folder.join("manifest.ron")).map_err(|_| None)?;
    let manifest = match ron::from_str::<Comparison>(&text) {
        Ok(m) if m.program == env!("CARGO_PKG_NAME") => m,
        _ if !text.contains(concat!("\"", env!("CARGO_PKG_NAME"), "\"")) => return Err(None),
        _ if text.contains("sweep_hash_fnv1a64") => return Err(Some("a sweep's results, not a comparison's".into())),
        _ if text.contains("scenario_path") => return Err(Some("a run's results, not a comparison's".into())),
        _ => return Err(Some("reformsim results of another kind, not a comparison's".into())),
    };
    // Older comparisons name the files only as they were typed: read from here.
    let earlier: Vec<PathBuf> = if manifest.scenario_files.is_empty() {
        manifest.scenarios.iter().map(|(_, typed, _)| canonical(Path::new(typed))).collect()
    } else {
        manifest.scenario_files.iter().map(|relative| canonical(&folder.join(relative))).collect()
    };
    if earlier == scenarios {
        return Ok(());
    }
    let names: Vec<String> = earlier.iter().map(|p| p.display().to_string()).collect();
    Err(Some(format!("a comparison of other scenario files ({})", names.join(", "))))
}
