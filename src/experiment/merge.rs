//! `reformsim merge`: combines the folders of a sweep's shards into the folder a
//! single machine would have written, byte for byte.
//!
//! The shards must be the N shards of one sweep (same manifest apart from the
//! shard), each finished; together they must hold every run exactly once. The
//! merged tables are written by the same code as a one-machine sweep
//! ([`super::tables::write_tables`]) from the same row texts.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::files::{SweepManifest, names, write_atomic, write_new_folder};
use super::journal::{Entry, row_key};
use super::tables::{Row, csv_fields, sort_rows, write_tables};
use super::{ExperimentError, io_error};
use crate::schema::{fnv1a64_continue, summary_names as indicator_names};

/// The file in a shard folder holding the FNV-1a checksum of its `runs.csv` (16
/// hex digits), written when the shard finishes. `merge` refuses a shard whose
/// `runs.csv` was changed since. Whole-sweep and merged folders have none, so a
/// merged folder stays byte-identical to a one-machine sweep's.
pub const RUNS_CHECKSUM: &str = "runs.fnv1a64";

/// The FNV-1a checksum of a file, read a piece at a time.
fn file_checksum(path: &Path) -> Result<u64, ExperimentError> {
    use std::io::Read;
    let mut file = BufReader::new(File::open(path).map_err(io_error(path))?);
    let mut state = crate::schema::fnv1a64(&[]);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(io_error(path))?;
        if n == 0 {
            return Ok(state);
        }
        state = fnv1a64_continue(state, &buffer[..n]);
    }
}

/// Records the checksum of `folder/runs.csv` in `folder/runs.fnv1a64` (a finished shard).
pub(super) fn write_runs_checksum(folder: &Path) -> Result<(), ExperimentError> {
    let checksum = file_checksum(&folder.join(names::RUNS))?;
    write_atomic(&folder.join(RUNS_CHECKSUM), format!("{checksum:016x}\n").as_bytes()).map_err(ExperimentError::from)
}

/// Checks that the shard in `folder` (shard `shard`) still has the `runs.csv` it finished with.
fn check_runs_checksum(folder: &Path, shard: &dyn std::fmt::Display) -> Result<(), ExperimentError> {
    let path = folder.join(RUNS_CHECKSUM);
    let again = "run its command again into a new folder";
    let recorded = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| u64::from_str_radix(t.trim_end(), 16).ok())
        .ok_or_else(|| {
            ExperimentError::Merge(format!(
                "shard {shard} in {} has no readable {RUNS_CHECKSUM} (the checksum of its runs.csv): {again}",
                folder.display()
            ))
        })?;
    let found = file_checksum(&folder.join(names::RUNS))?;
    if found != recorded {
        return Err(ExperimentError::Merge(format!(
            "shard {shard} in {}: runs.csv was changed after the shard finished (checksum {found:016x}, recorded {recorded:016x}); {again}",
            folder.display()
        )));
    }
    Ok(())
}

/// What a merge did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeOutcome {
    /// The merged folder.
    pub folder: PathBuf,
    /// Shards combined.
    pub shards: u64,
    /// Runs in the merged tables.
    pub runs: u64,
}

/// Merges the shard folders `shards` into the new folder `out`.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<MergeOutcome, ExperimentError> {
    let fail = |m: String| ExperimentError::Merge(m);
    let Some(first_folder) = shards.first() else {
        return Err(fail("name the shard folders to merge".into()));
    };
    let mut manifests = Vec::new();
    for folder in shards {
        let m = SweepManifest::read(folder)
            .map_err(|e| fail(format!("{} is not a sweep shard folder: {e}", folder.display())))?;
        if m.shard.is_none() {
            return Err(fail(format!("{} holds a whole sweep, not a shard", folder.display())));
        }
        manifests.push(m);
    }
    let reference = &manifests[0];
    let count = reference.shard.map_or(1, |s| s.count);
    let mut seen = vec![None::<&PathBuf>; count as usize];
    for (folder, m) in shards.iter().zip(&manifests) {
        let differences = reference.differences(m, false);
        if !differences.is_empty() {
            return Err(fail(format!(
                "{} and {} are shards of different sweeps ({})",
                first_folder.display(),
                folder.display(),
                differences.join("; ")
            )));
        }
        let Some(shard) = m.shard.filter(|s| s.count == count) else {
            return Err(fail(format!(
                "{} splits the sweep into {} shards, {} into {count}",
                folder.display(),
                m.shard.map_or(1, |s| s.count),
                first_folder.display()
            )));
        };
        let slot = &mut seen[(shard.index - 1) as usize];
        if let Some(other) = slot {
            return Err(fail(format!("{} and {} are both shard {shard}", other.display(), folder.display())));
        }
        *slot = Some(folder);
        if folder.join(names::JOURNAL).exists() || !folder.join(names::RUNS).exists() {
            return Err(fail(format!(
                "shard {shard} in {} is not finished: run its command again to complete it",
                folder.display()
            )));
        }
        check_runs_checksum(folder, &shard)?;
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| (i + 1).to_string()).collect();
    if !missing.is_empty() {
        let (noun, verb) = if missing.len() == 1 { ("shard", "is") } else { ("shards", "are") };
        return Err(fail(format!("{noun} {} of {count} {verb} missing", missing.join(", "))));
    }
    // Index every row of every shard.
    let sources: Vec<PathBuf> = shards.iter().map(|f| f.join(names::RUNS)).collect();
    let mut header: Option<String> = None;
    let mut rows = Vec::new();
    for (source, path) in sources.iter().enumerate() {
        let (h, entries) = index_rows(path)?;
        match &header {
            None => header = Some(h),
            Some(existing) if *existing != h => {
                return Err(fail(format!("{} has other columns than {}", path.display(), sources[0].display())));
            }
            Some(_) => {}
        }
        rows.extend(entries.into_iter().map(|entry| Row { source, entry }));
    }
    let header = header.unwrap_or_default();
    let columns = csv_fields(&header);
    let indicators = indicator_names();
    let parameters = columns
        .len()
        .checked_sub(2 + indicators.len())
        .filter(|_| columns.iter().rev().zip(indicators.iter().rev()).all(|(a, b)| a == b));
    let Some(parameters) = parameters else {
        return Err(fail(format!("{} does not have this version's indicator columns", sources[0].display())));
    };
    sort_rows(&mut rows, &sources)?;
    check_complete(reference, &rows)?;
    let merged = SweepManifest { shard: None, ..reference.clone() };
    write_new_folder(out, "merge", |staging| {
        write_atomic(&staging.join(names::MANIFEST), merged.to_text()?.as_bytes())?;
        write_tables(staging, &header, &sources, &rows, Some(parameters))
    })?;
    Ok(MergeOutcome { folder: out.to_path_buf(), shards: count, runs: rows.len() as u64 })
}

/// The header and the place of every row of a `runs.csv` file.
fn index_rows(path: &Path) -> Result<(String, Vec<Entry>), ExperimentError> {
    let file = File::open(path).map_err(io_error(path))?;
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut offset = 0u64;
    let mut header = None;
    let mut entries = Vec::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(io_error(path))? as u64;
        if n == 0 {
            break;
        }
        let text = line.strip_suffix('\n').unwrap_or(&line);
        if header.is_none() {
            header = Some(text.to_string());
        } else {
            let (point, replication) = row_key(text).ok_or_else(|| {
                ExperimentError::Merge(format!("{}: line at byte {offset} is not a run row", path.display()))
            })?;
            entries.push(Entry { point, replication, offset, len: text.len() as u32 });
        }
        offset += n;
    }
    let header = header.ok_or_else(|| ExperimentError::Merge(format!("{} is empty", path.display())))?;
    Ok((header, entries))
}

/// Checks that sorted `rows` hold every run of the sweep exactly once.
fn check_complete(manifest: &SweepManifest, rows: &[Row]) -> Result<(), ExperimentError> {
    let fail = |m: String| Err(ExperimentError::Merge(m));
    let mut i = 0;
    for point in 0..manifest.design_points {
        let mut replications = 0;
        while i < rows.len() && rows[i].entry.point == point {
            if rows[i].entry.replication != replications {
                return fail(format!("design point {point} lacks replication {replications}"));
            }
            replications += 1;
            i += 1;
        }
        let fixed = manifest.max_replications == manifest.replications;
        if (fixed && replications != manifest.replications)
            || replications < manifest.replications
            || replications > manifest.max_replications
        {
            return fail(format!(
                "design point {point} has {replications} replications, expected {}",
                if fixed {
                    manifest.replications.to_string()
                } else {
                    format!("{} to {}", manifest.replications, manifest.max_replications)
                }
            ));
        }
    }
    if let Some(extra) = rows.get(i) {
        return fail(format!("a row for design point {}, which the sweep does not have", extra.entry.point));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_checksum_fed_in_pieces_is_fnv1a64() {
        let bytes = b"design_point,replication\n0,0\n0,1\n";
        let whole = crate::schema::fnv1a64(bytes);
        let (a, b) = bytes.split_at(7);
        let start = crate::schema::fnv1a64(&[]);
        assert_eq!(super::fnv1a64_continue(super::fnv1a64_continue(start, a), b), whole);
    }
}
