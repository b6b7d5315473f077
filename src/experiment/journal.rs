//! The journal of a sweep: one line per finished run, appended in finishing order,
//! checksummed and synced to disk, so that a sweep killed at any moment loses at
//! most the runs that were still computing.
//!
//! The journal is itself a CSV file that can be read while the sweep runs: its
//! header is the header of `runs.csv` plus a `row_fnv1a64` column, and each line
//! is a run's row of `runs.csv` followed by the FNV-1a hash of that row in 16 hex
//! digits. On reopening, a last line without its newline (torn by a kill or a
//! power cut) is cut off, and a line whose checksum does not match is ignored (its
//! run is simply done again, and gives the same row). Lines may end in `\r\n`. The file is locked while a
//! process uses it, so two processes cannot write one sweep.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{ExperimentError, io_error};
use crate::schema::fnv1a64;

/// Bytes after the row on a line: a comma and 16 hex digits (the newline aside).
const SUFFIX: usize = 17;

/// Name of the checksum column.
const CHECKSUM_COLUMN: &str = "row_fnv1a64";

/// Where a run's row is in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Design point.
    pub point: u64,
    /// Replication.
    pub replication: u64,
    /// Byte offset of the row.
    pub offset: u64,
    /// Length of the row in bytes, without the newline.
    pub len: u32,
}

/// What was found in an existing journal.
#[derive(Clone, Debug, Default)]
pub struct Recovered {
    /// Rows of finished runs, in file order.
    pub entries: Vec<Entry>,
    /// Complete lines ignored because their checksum did not match.
    pub damaged: usize,
    /// Bytes of a torn last line that were cut off.
    pub torn_bytes: u64,
}

/// An open, locked journal.
pub struct Journal {
    file: File,
    path: PathBuf,
    end: u64,
}

/// The design point and replication at the start of a row, if it is a data row.
pub fn row_key(row: &str) -> Option<(u64, u64)> {
    let mut fields = row.splitn(3, ',');
    let point = fields.next()?.parse().ok()?;
    let replication = fields.next()?.parse().ok()?;
    Some((point, replication))
}

/// Checks one line (without its newline); returns the row if the checksum holds.
fn verify(line: &[u8]) -> Option<&str> {
    let split = line.len().checked_sub(SUFFIX)?;
    let (row, suffix) = line.split_at(split);
    if suffix[0] != b',' {
        return None;
    }
    let checksum = u64::from_str_radix(std::str::from_utf8(&suffix[1..]).ok()?, 16).ok()?;
    (fnv1a64(row) == checksum).then(|| std::str::from_utf8(row).ok()).flatten()
}

impl Journal {
    /// Opens (or creates) the journal at `path`, locks it, recovers its rows and
    /// calls `on_row` with each, and cuts off a torn last line. A new journal gets
    /// `header` as its first line; an existing one must have the same header.
    pub fn open(
        path: &Path,
        header: &str,
        on_row: &mut dyn FnMut(&Entry, &str),
    ) -> Result<(Journal, Recovered), ExperimentError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io_error(path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(ExperimentError::Busy(path.parent().unwrap_or(path).to_path_buf()));
            }
            Err(TryLockError::Error(e)) => return Err(ExperimentError::Io { path: path.to_path_buf(), source: e }),
        }
        let header_line = format!("{header},{CHECKSUM_COLUMN}");
        let mut recovered = Recovered::default();
        let mut has_header = false;
        let mut offset = 0u64;
        let mut reader = BufReader::with_capacity(1 << 16, &file);
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(io_error(path))? as u64;
            if n == 0 {
                break;
            }
            if line.last() != Some(&b'\n') {
                recovered.torn_bytes = n;
                break;
            }
            // A journal saved with `\r\n` line ends (copied through an editor
            // or another system) reads as one saved with `\n`: the row, at the
            // start of its line, keeps its place.
            let content = line[..line.len() - 1].strip_suffix(b"\r").unwrap_or(&line[..line.len() - 1]);
            if offset == 0 {
                if content != header_line.as_bytes() {
                    return Err(ExperimentError::Inconsistent(format!(
                        "{} was written with other columns (by another version of reformsim?); remove its folder to start afresh",
                        path.display()
                    )));
                }
                has_header = true;
            } else {
                match verify(content).and_then(|row| row_key(row).map(|key| (row, key))) {
                    Some((row, (point, replication))) => {
                        let entry = Entry { point, replication, offset, len: row.len() as u32 };
                        on_row(&entry, row);
                        recovered.entries.push(entry);
                    }
                    None => recovered.damaged += 1,
                }
            }
            offset += n;
        }
        drop(reader);
        let mut journal = Journal { file, path: path.to_path_buf(), end: offset };
        if recovered.torn_bytes > 0 {
            journal.file.set_len(offset).map_err(io_error(path))?;
            journal.file.sync_all().map_err(io_error(path))?;
        }
        if !has_header {
            journal.write_lines(format!("{header_line}\n").as_bytes())?;
            // Make the new file's name durable too, not only its contents.
            super::files::sync_folder(path.parent().unwrap_or(Path::new(".")))?;
        }
        Ok((journal, recovered))
    }

    /// Appends rows and syncs them to disk; returns where each row is.
    pub fn append(&mut self, rows: &[&str]) -> Result<Vec<(u64, u32)>, ExperimentError> {
        let mut buffer = Vec::with_capacity(rows.iter().map(|r| r.len() + SUFFIX + 1).sum());
        let mut places = Vec::with_capacity(rows.len());
        for row in rows {
            debug_assert!(!row.contains('\n'), "rows are single lines");
            places.push((self.end + buffer.len() as u64, row.len() as u32));
            buffer.extend_from_slice(row.as_bytes());
            buffer.extend_from_slice(format!(",{:016x}\n", fnv1a64(row.as_bytes())).as_bytes());
        }
        self.write_lines(&buffer)?;
        Ok(places)
    }

    /// Writes complete lines at the end of the file and syncs them.
    fn write_lines(&mut self, bytes: &[u8]) -> Result<(), ExperimentError> {
        self.file.seek(SeekFrom::Start(self.end)).map_err(io_error(&self.path))?;
        self.file.write_all(bytes).map_err(io_error(&self.path))?;
        self.file.sync_data().map_err(io_error(&self.path))?;
        self.end += bytes.len() as u64;
        Ok(())
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("reformsim-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary folder");
        dir.join("journal.csv")
    }

    fn rows_of(path: &Path) -> (Vec<String>, Recovered) {
        let mut rows = Vec::new();
        let (journal, recovered) =
            Journal::open(path, "design_point,replication,x", &mut |_, row| rows.push(row.to_string())).expect("opens");
        drop(journal);
        (rows, recovered)
    }

    #[test]
    fn rows_survive_a_torn_line_and_a_damaged_one() {
        let path = temp("torn");
        {
            let (mut j, r) = Journal::open(&path, "design_point,replication,x", &mut |_, _| {}).expect("new");
            assert!(r.entries.is_empty());
            let places = j.append(&["0,0,1.5", "0,1,\"a,b\""]).expect("append");
            let text = std::fs::read(&path).expect("read");
            let (offset, len) = places[1];
            assert_eq!(&text[offset as usize..offset as usize + len as usize], b"0,1,\"a,b\"");
            j.append(&["1,0,2"]).expect("append");
        }
        // The journal reads as CSV, checksums in the last column.
        let mut text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("design_point,replication,x,row_fnv1a64\n0,0,1.5,"), "{text}");
        // Damage the middle row and tear a last line.
        let second = text.find("0,1,").expect("row") + 4;
        text.replace_range(second..second + 1, "'");
        text.push_str("1,1,");
        std::fs::write(&path, &text).expect("write");
        let (rows, recovered) = rows_of(&path);
        assert_eq!(rows, ["0,0,1.5", "1,0,2"]);
        assert_eq!(recovered.damaged, 1);
        assert_eq!(recovered.torn_bytes, 4);
        // The torn line is gone, so appending starts a clean line.
        {
            let (mut j, _) = Journal::open(&path, "design_point,replication,x", &mut |_, _| {}).expect("reopen");
            j.append(&["1,1,3"]).expect("append");
        }
        let (rows, recovered) = rows_of(&path);
        assert_eq!(rows, ["0,0,1.5", "1,0,2", "1,1,3"]);
        assert_eq!(recovered.torn_bytes, 0);
    }

    #[test]
    fn a_locked_journal_is_refused_and_a_different_header_too() {
        let path = temp("lock");
        let (held, _) = Journal::open(&path, "design_point,replication,x", &mut |_, _| {}).expect("first");
        let e = Journal::open(&path, "design_point,replication,x", &mut |_, _| {}).err().expect("second is refused");
        assert!(matches!(e, ExperimentError::Busy(_)), "{e}");
        drop(held);
        let e = Journal::open(&path, "design_point,replication,y", &mut |_, _| {}).err().expect("other columns");
        assert!(e.to_string().contains("other columns"), "{e}");
    }
}
