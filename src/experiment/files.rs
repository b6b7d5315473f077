//! Result folders of experiments: the sweep manifest, and the rule that an
//! existing folder is never overwritten silently. Files are written atomically
//! through [`crate::export::atomic`].

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ExperimentError, Shard, io_error};
use crate::export::output::{FolderOutput, Replace};

/// File names inside a sweep folder.
pub mod names {
    /// How the folder was made.
    pub const MANIFEST: &str = "manifest.ron";
    /// One row per run, sorted.
    pub const RUNS: &str = "runs.csv";
    /// Mean and 95% interval per design point and indicator.
    pub const POINTS: &str = "points.csv";
    /// Finished runs, in finishing order, while the sweep is under way.
    pub const JOURNAL: &str = "journal.csv";
}

pub use crate::export::atomic::{AtomicFile, sync_folder, write_atomic};

impl From<crate::export::atomic::WriteError> for ExperimentError {
    fn from(e: crate::export::atomic::WriteError) -> ExperimentError {
        ExperimentError::Io { path: e.path, source: e.source }
    }
}

/// `manifest.ron` of a sweep folder: what was swept, so that a restart can tell
/// its own folder from another sweep's, and shards can tell they belong together.
///
/// It holds nothing about the machine, the time or the command line, so a
/// merged folder's manifest is byte-identical to a one-machine run's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "SweepManifest", deny_unknown_fields)]
pub struct SweepManifest {
    /// Program name.
    pub program: String,
    /// Program version.
    pub version: String,
    /// The sweep file as named on the command line.
    pub sweep: String,
    /// Fingerprint of the sweep file's text.
    pub sweep_hash_fnv1a64: String,
    /// The base scenario file.
    pub base_scenario: String,
    /// Fingerprint of the base scenario's validated model.
    pub base_model_hash_fnv1a64: String,
    /// Seed.
    pub seed: u64,
    /// Design points of the whole sweep.
    pub design_points: u64,
    /// Replications per design point (the first batch, with a precision target).
    pub replications: u64,
    /// Most replications per design point (equal to `replications` without a precision target).
    pub max_replications: u64,
    /// The share of the sweep this folder holds; `None` for the whole sweep.
    pub shard: Option<Shard>,
    /// The precision target, if the sweep has one: `points.csv` says which
    /// points met it. Left out of the file without one (and read as `None`
    /// from a folder written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision_target: Option<PrecisionTarget>,
}

/// A sweep's precision target as its manifest records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "PrecisionTarget", deny_unknown_fields)]
pub struct PrecisionTarget {
    /// The indicator, by name.
    pub indicator: String,
    /// Target half-width of the 95% interval divided by |mean|.
    pub relative_half_width: f64,
}

impl SweepManifest {
    /// The manifest's text.
    pub fn to_text(&self) -> Result<String, ExperimentError> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map(|t| t + "\n")
            .map_err(|e| ExperimentError::Inconsistent(format!("cannot write the manifest: {e}")))
    }

    /// Reads `folder/manifest.ron`.
    pub fn read(folder: &Path) -> Result<SweepManifest, String> {
        let path = folder.join(names::MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        ron::from_str(&text).map_err(|e| format!("{} is not a sweep manifest of this version: {e}", path.display()))
    }

    /// The differences that make `self` and `other` different sweeps (paths aside).
    pub fn differences(&self, other: &SweepManifest, compare_shard: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |what: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{what}: {a} vs {b}"));
            }
        };
        check("program", self.program.clone(), other.program.clone());
        check("version", self.version.clone(), other.version.clone());
        check("sweep file content (hash)", self.sweep_hash_fnv1a64.clone(), other.sweep_hash_fnv1a64.clone());
        check(
            "base scenario (model hash)",
            self.base_model_hash_fnv1a64.clone(),
            other.base_model_hash_fnv1a64.clone(),
        );
        check("seed", self.seed.to_string(), other.seed.to_string());
        check("design points", self.design_points.to_string(), other.design_points.to_string());
        check("replications", self.replications.to_string(), other.replications.to_string());
        check("max replications", self.max_replications.to_string(), other.max_replications.to_string());
        if compare_shard {
            let show = |s: &Option<Shard>| s.map_or("the whole sweep".to_string(), |s| format!("shard {s}"));
            check("shard", show(&self.shard), show(&other.shard));
        }
        out
    }
}

/// What a sweep folder holds before a run starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderState {
    /// Nothing yet (the manifest has just been written).
    Fresh,
    /// Part of this sweep: carry on from the journal.
    Resume,
    /// This sweep, finished.
    Complete,
}

/// What the results in `folder` are, told from its manifest's fields, when they
/// are plainly not a sweep's: a refusal then says so, not what the sweep
/// manifest's reader made of them.
fn other_results(folder: &Path) -> Option<&'static str> {
    let text = std::fs::read_to_string(folder.join(names::MANIFEST)).ok()?;
    let has = |field: &str| text.lines().any(|l| l.trim_start().starts_with(&format!("{field}:")));
    if has("sweep_hash_fnv1a64") {
        None
    } else if has("scenario_path") && has("model_hash_fnv1a64") {
        Some("a run's results (reformsim run)")
    } else if has("scenarios") {
        Some("a comparison's results (reformsim compare)")
    } else {
        Some("results of another kind")
    }
}

/// Creates `folder` for the sweep described by `manifest`, or recognises it as the
/// same sweep started before. Any other existing folder is refused.
pub fn prepare_sweep_folder(folder: &Path, manifest: &SweepManifest) -> Result<FolderState, ExperimentError> {
    let refuse = |reason: String| ExperimentError::OutputExists { folder: folder.to_path_buf(), reason };
    if crate::export::output::dangling_link(folder) {
        return Err(refuse(crate::export::output::DANGLING_LINK.into()));
    }
    if folder.exists() {
        if !folder.is_dir() {
            return Err(crate::export::ExportError::NotAFolder(folder.to_path_buf()).into());
        }
        // Its files are replaced by renames, which a file mounted there cannot take.
        crate::export::output::check_no_mount_inside(&crate::export::output::canonical(folder))?;
        if folder.join(names::MANIFEST).exists() {
            let existing = SweepManifest::read(folder).map_err(|e| {
                refuse(match other_results(folder) {
                    Some(kind) => format!("holds {kind}, not a sweep's; choose another --out or remove the folder"),
                    None => format!("holds other results ({e}); choose another --out or remove the folder"),
                })
            })?;
            let differences = existing.differences(manifest, true);
            if !differences.is_empty() {
                return Err(refuse(format!(
                    "holds the results of a different sweep ({}); choose another --out, or remove the folder to start afresh",
                    differences.join("; ")
                )));
            }
            // A whole sweep's tables are runs.csv and points.csv (a shard's, runs.csv):
            // one missing is written again, its runs done again.
            let tables_missing = !folder.join(names::RUNS).exists()
                || (manifest.shard.is_none() && !folder.join(names::POINTS).exists());
            if folder.join(names::JOURNAL).exists() || tables_missing {
                remove_stale_temporaries(folder)?;
                return Ok(FolderState::Resume);
            }
            if let Some((found, recorded)) = runs_changed(folder)? {
                return Err(refuse(format!(
                    "holds this sweep's results, but its runs.csv was changed after the sweep finished (checksum {found:016x}, recorded {recorded:016x}); choose another --out, or remove runs.csv and points.csv to run the sweep again"
                )));
            }
            return Ok(FolderState::Complete);
        }
        // A sweep killed while writing its first manifest leaves only that temporary file.
        remove_stale_temporaries(folder)?;
        let empty = std::fs::read_dir(folder).map_err(io_error(folder))?.next().is_none();
        if !empty {
            return Err(refuse(
                "exists and is not a sweep result folder (no manifest.ron); choose another --out or remove it".into(),
            ));
        }
    }
    crate::export::output::create_folder(folder)?;
    write_atomic(&folder.join(names::MANIFEST), manifest.to_text()?.as_bytes())?;
    Ok(FolderState::Fresh)
}

/// Removes the temporary files an interrupted [`AtomicFile`] left in `folder`
/// (`.NAME.tmp-PID` for one of a sweep folder's own files): the files they were
/// to become are written again.
fn remove_stale_temporaries(folder: &Path) -> Result<(), ExperimentError> {
    for entry in std::fs::read_dir(folder).map_err(io_error(folder))? {
        let path = entry.map_err(io_error(folder))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let ours = [names::MANIFEST, names::RUNS, names::POINTS, RUNS_CHECKSUM].iter().any(|own| {
            name.strip_prefix('.').and_then(|n| n.strip_prefix(own)).is_some_and(|r| r.starts_with(".tmp-"))
        });
        if ours && path.is_file() {
            std::fs::remove_file(&path).map_err(io_error(&path))?;
        }
    }
    Ok(())
}

/// Refuses `folder` if it exists and is not empty: results written once (a
/// comparison, a merge) never replace anything. A quick check before the work;
/// [`write_new_folder`] checks again under the output lock.
pub fn check_new_folder(folder: &Path, what: &'static str) -> Result<(), ExperimentError> {
    let target = crate::export::output::canonical(folder);
    crate::export::output::check_not_working_folder(&target)?;
    if let Some(parent) = target.parent() {
        crate::export::output::check_not_mount_point(&target, parent)?;
    }
    if crate::export::output::dangling_link(&target) {
        let reason = crate::export::output::DANGLING_LINK.to_string();
        return Err(ExperimentError::OutputExists { folder: folder.to_path_buf(), reason });
    }
    if target.exists() && !target.is_dir() {
        return Err(crate::export::ExportError::NotAFolder(folder.to_path_buf()).into());
    }
    if target.exists() {
        let empty = std::fs::read_dir(&target).map_err(io_error(&target))?.next().is_none();
        if !empty {
            return Err(ExperimentError::OutputExists {
                folder: folder.to_path_buf(),
                reason: format!("already exists; {what} never overwrites results: choose another --out or remove it"),
            });
        }
    }
    Ok(())
}

/// Writes a new folder of results that are written once (a comparison, a merge):
/// `fill` writes the files into a hidden sibling folder, which is then renamed into
/// place, so the folder appears complete or not at all. An existing non-empty
/// folder is refused, and so is one another reformsim process is writing
/// (`export::output`).
pub fn write_new_folder(
    folder: &Path,
    what: &'static str,
    fill: impl FnOnce(&Path) -> Result<(), ExperimentError>,
) -> Result<(), ExperimentError> {
    fill_claimed(claim_new_folder(folder, what)?, fill)
}

/// Claims a new folder of results before the work that fills it, so that a second
/// process asking for the same folder is refused at once rather than after its
/// own work: checks it as [`write_new_folder`] does and holds its lock.
pub fn claim_new_folder(folder: &Path, what: &'static str) -> Result<FolderOutput, ExperimentError> {
    check_new_folder(folder, what)?;
    Ok(FolderOutput::claim(folder, &Replace::Never { what }, &[])?)
}

/// Fills a claimed folder's staging copy with `fill` and switches it into place.
pub fn fill_claimed(
    output: FolderOutput,
    fill: impl FnOnce(&Path) -> Result<(), ExperimentError>,
) -> Result<(), ExperimentError> {
    fill(output.staging())?;
    // An empty folder given as --out is replaced; a non-empty one was refused when claimed.
    output.commit()?;
    Ok(())
}

/// A text file read as scenarios are (size limit, UTF-8), for a sweep's base and
/// the files its parameter paths look through; the reason as an I/O error.
pub(crate) fn read_text(path: &Path) -> std::io::Result<String> {
    crate::scenario::read_text(path).map_err(|e| match e {
        crate::scenario::LoadError::Io { source, .. } => source,
        crate::scenario::LoadError::Invalid(found) => {
            std::io::Error::other(found.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))
        }
    })
}

/// The file in a sweep folder holding the FNV-1a checksum of its `runs.csv` (16
/// hex digits), written when the sweep (or shard, or merge) finishes. `merge`
/// refuses a shard whose `runs.csv` was changed since, and a finished sweep
/// started again refuses its folder then.
pub const RUNS_CHECKSUM: &str = "runs.fnv1a64";

/// The FNV-1a checksum of a file, read a piece at a time.
pub(super) fn file_checksum(path: &Path) -> Result<u64, ExperimentError> {
    use std::io::Read;
    let mut file = BufReader::new(File::open(path).map_err(io_error(path))?);
    let mut state = crate::schema::fnv1a64(&[]);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(io_error(path))?;
        if n == 0 {
            return Ok(state);
        }
        state = crate::schema::fnv1a64_continue(state, &buffer[..n]);
    }
}

/// Records the checksum of `folder/runs.csv` in `folder/runs.fnv1a64` (a finished sweep).
pub(super) fn write_runs_checksum(folder: &Path) -> Result<(), ExperimentError> {
    let checksum = file_checksum(&folder.join(names::RUNS))?;
    write_atomic(&folder.join(RUNS_CHECKSUM), format!("{checksum:016x}\n").as_bytes()).map_err(ExperimentError::from)
}

/// The checksum `folder/runs.csv` has and the one recorded when its sweep
/// finished, if they differ; `None` when they agree or none was recorded (a
/// folder written before whole sweeps recorded one).
pub(crate) fn runs_changed(folder: &Path) -> Result<Option<(u64, u64)>, ExperimentError> {
    if !folder.join(RUNS_CHECKSUM).exists() {
        return Ok(None);
    }
    let found = file_checksum(&folder.join(names::RUNS))?;
    Ok(match recorded_checksum(folder) {
        Some(r) if r == found => None,
        // An unreadable record counts as changed: it was written with the table.
        r => Some((found, r.unwrap_or(0))),
    })
}

/// The checksum recorded in `folder/runs.fnv1a64`, if it holds a readable one.
pub(super) fn recorded_checksum(folder: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(folder.join(RUNS_CHECKSUM)).ok()?;
    u64::from_str_radix(text.trim_end(), 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> SweepManifest {
        SweepManifest {
            program: "reformsim".into(),
            version: "0.1.0".into(),
            sweep: "s.ron".into(),
            sweep_hash_fnv1a64: "00".into(),
            base_scenario: "b.ron".into(),
            base_model_hash_fnv1a64: "11".into(),
            seed: 1,
            design_points: 4,
            replications: 2,
            max_replications: 2,
            shard: Some(Shard { index: 1, count: 2 }),
            precision_target: None,
        }
    }

    fn folder(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("reformsim-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn manifest_round_trips() {
        let m = manifest();
        let text = m.to_text().expect("serialises");
        assert_eq!(ron::from_str::<SweepManifest>(&text).expect("parses"), m);
    }

    #[test]
    fn a_whole_sweep_missing_a_table_is_resumed_not_complete() {
        let dir = folder("tables");
        let whole = SweepManifest { shard: None, ..manifest() };
        assert_eq!(prepare_sweep_folder(&dir, &whole).expect("new folder"), FolderState::Fresh);
        std::fs::write(dir.join(names::RUNS), "x").expect("write");
        assert_eq!(prepare_sweep_folder(&dir, &whole).expect("points.csv missing"), FolderState::Resume);
        std::fs::write(dir.join(names::POINTS), "x").expect("write");
        assert_eq!(prepare_sweep_folder(&dir, &whole).expect("both tables"), FolderState::Complete);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn folders_are_recognised_or_refused() {
        let dir = folder("prepare");
        let m = manifest();
        assert_eq!(prepare_sweep_folder(&dir, &m).expect("new folder"), FolderState::Fresh);
        std::fs::write(dir.join(".runs.csv.tmp-123"), "half a table").expect("write");
        assert_eq!(prepare_sweep_folder(&dir, &m).expect("same sweep"), FolderState::Resume);
        assert!(!dir.join(".runs.csv.tmp-123").exists(), "an interrupted write's temporary file is removed");
        std::fs::write(dir.join(names::RUNS), "x").expect("write");
        assert_eq!(prepare_sweep_folder(&dir, &m).expect("same sweep"), FolderState::Complete);
        let other = SweepManifest { sweep_hash_fnv1a64: "99".into(), ..m.clone() };
        let e = prepare_sweep_folder(&dir, &other).expect_err("another sweep").to_string();
        assert!(e.contains("different sweep") && e.contains("sweep file content"), "{e}");
        let elsewhere = SweepManifest { shard: None, ..m };
        let e = prepare_sweep_folder(&dir, &elsewhere).expect_err("another shard").to_string();
        assert!(e.contains("shard 1/2 vs the whole sweep"), "{e}");
        let interrupted = folder("interrupted");
        std::fs::create_dir_all(&interrupted).expect("mkdir");
        std::fs::write(interrupted.join(".manifest.ron.tmp-77"), "(pro").expect("write");
        assert_eq!(prepare_sweep_folder(&interrupted, &manifest()).expect("started afresh"), FolderState::Fresh);
        let _ = std::fs::remove_dir_all(interrupted);
        let stranger = folder("stranger");
        std::fs::create_dir_all(&stranger).expect("mkdir");
        std::fs::write(stranger.join("notes.txt"), "mine").expect("write");
        let e = prepare_sweep_folder(&stranger, &manifest()).expect_err("not ours").to_string();
        assert!(e.contains("not a sweep result folder"), "{e}");
        assert_eq!(std::fs::read_to_string(stranger.join("notes.txt")).expect("kept"), "mine");
        let _ = std::fs::remove_dir_all(dir);
        let _ = std::fs::remove_dir_all(stranger);
    }

    #[test]
    fn atomic_writes_leave_no_temporary_file() {
        let dir = folder("atomic");
        std::fs::create_dir_all(&dir).expect("mkdir");
        write_atomic(&dir.join("a.csv"), b"one\n").expect("write");
        write_atomic(&dir.join("a.csv"), b"two\n").expect("rewrite");
        assert_eq!(std::fs::read(dir.join("a.csv")).expect("read"), b"two\n");
        let entries: Vec<_> = std::fs::read_dir(&dir).expect("list").collect();
        assert_eq!(entries.len(), 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
