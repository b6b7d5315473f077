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
use super::{ExperimentError, indicator_names, io_error};

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
