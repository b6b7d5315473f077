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

use super::files::{
    RUNS_CHECKSUM, SweepManifest, file_checksum, names, recorded_checksum, write_atomic, write_new_folder,
    write_runs_checksum,
};
use super::journal::{Entry, row_key};
use super::tables::{Row, csv_fields, sort_rows, write_tables};
use super::{ExperimentError, MAX_SHARDS, io_error};
use crate::schema::summary_names as indicator_names;

/// Checks that the shard in `folder` (shard `shard`) still has the `runs.csv` it finished with.
fn check_runs_checksum(folder: &Path, shard: &dyn std::fmt::Display) -> Result<(), ExperimentError> {
    let again = "run its command again into a new folder";
    let recorded = recorded_checksum(folder).ok_or_else(|| {
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
    let target = crate::export::output::canonical(out);
    if let Some(inside) = shards.iter().find(|f| target.starts_with(crate::export::output::canonical(f))) {
        // A shard folder holds that shard's files only (it is merged again, copied, resumed).
        return Err(fail(format!(
            "--out {} is inside the shard folder {}: choose a folder outside it",
            out.display(),
            inside.display()
        )));
    }
    let mut manifests = Vec::new();
    for folder in shards {
        let m = SweepManifest::read(folder)
            .map_err(|e| fail(format!("{} is not a sweep shard folder: {e}", folder.display())))?;
        match m.shard {
            None => return Err(fail(format!("{} holds a whole sweep, not a shard", folder.display()))),
            Some(s) if !s.is_valid() => {
                return Err(fail(format!(
                    "{}: manifest.ron names shard {}/{}, which no sweep writes (1 ≤ K ≤ N ≤ {MAX_SHARDS})",
                    folder.display(),
                    s.index,
                    s.count
                )));
            }
            Some(_) => manifests.push(m),
        }
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
    let missing: Vec<usize> = seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| i + 1).collect();
    if !missing.is_empty() {
        let (noun, verb) = if missing.len() == 1 { ("shard", "is") } else { ("shards", "are") };
        let mut named: Vec<String> = missing.iter().take(10).map(usize::to_string).collect();
        if missing.len() > named.len() {
            named.push(format!("{} more", missing.len() - named.len()));
        }
        return Err(fail(format!("{noun} {} of {count} {verb} missing", named.join(", "))));
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
    // The shards' files are the input: results that disagree are the user's to settle.
    sort_rows(&mut rows, &sources).map_err(|e| match e {
        ExperimentError::Inconsistent(m) => ExperimentError::Merge(m),
        e => e,
    })?;
    check_complete(reference, &rows)?;
    let merged = SweepManifest { shard: None, ..reference.clone() };
    write_new_folder(out, "merge", |staging| {
        write_atomic(&staging.join(names::MANIFEST), merged.to_text()?.as_bytes())?;
        write_tables(staging, &header, &sources, &rows, Some(parameters), merged.precision_target.as_ref())?;
        // As the whole sweep on one machine writes it.
        write_runs_checksum(staging)
    })?;
    Ok(MergeOutcome { folder: out.to_path_buf(), shards: count, runs: rows.len() as u64 })
}

/// The header and the place of every row of a `runs.csv` file.
fn index_rows(path: &Path) -> Result<(String, Vec<Entry>), ExperimentError> {
    if !path.is_file() {
        return Err(ExperimentError::Merge(format!("{} is not a file", path.display())));
    }
    let file = File::open(path).map_err(io_error(path))?;
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut offset = 0u64;
    let mut header = None;
    let mut width = 0;
    let mut entries = Vec::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| {
            let line = entries.len() + 1 + usize::from(header.is_some());
            ExperimentError::Merge(format!("{}: line {line}: {e}", path.display()))
        })? as u64;
        if n == 0 {
            break;
        }
        let text = line.strip_suffix('\n').unwrap_or(&line);
        if header.is_none() {
            header = Some(text.to_string());
            width = csv_fields(text).len();
        } else {
            let line = entries.len() + 2;
            let (point, replication) = row_key(text)
                .filter(|_| csv_fields(text).len() == width)
                .ok_or_else(|| ExperimentError::Merge(format!("{}: line {line} is not a run row", path.display())))?;
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
        assert_eq!(crate::schema::fnv1a64_continue(crate::schema::fnv1a64_continue(start, a), b), whole);
    }
}
