//! `reformsim init DIR`: writes a starter project (a scenario, its CSV catalogues
//! and a README explaining every column) that validates and runs as it is, so a
//! planner starts from spreadsheets instead of the shipped county's generator.
//!
//! The templates are the files beside this one, built into the binary. `DIR` must
//! not exist or be empty; each file is created new (never over an existing one), and
//! the files written are removed again if a later one cannot be.

use std::fmt;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The starter project: file name and contents, in the order they are written.
pub const TEMPLATES: [(&str, &str); 6] = [
    ("scenario.ron", include_str!("scenario.ron")),
    ("documents.csv", include_str!("documents.csv")),
    ("staff.csv", include_str!("staff.csv")),
    ("services.csv", include_str!("services.csv")),
    ("steps.csv", include_str!("steps.csv")),
    ("README.md", include_str!("README.md")),
];

/// The file of the starter project to validate and run.
pub const SCENARIO_FILE: &str = "scenario.ron";

/// Why a starter project was not written.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The folder exists and holds something: nothing is written into it.
    #[error("{} exists and is not empty (it holds {}); choose a new or empty folder", .0.display(), .1)]
    NotEmpty(PathBuf, String),
    /// The path is a symbolic link to nothing.
    #[error("{} {}", .0.display(), crate::export::output::DANGLING_LINK)]
    DanglingLink(PathBuf),
    /// The path exists and is not a folder.
    #[error("{} exists and is not a folder; choose a new or empty folder", .0.display())]
    NotAFolder(PathBuf),
    /// Creating the folder or a file failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

impl InitError {
    /// Whether the path given is to blame (exit status 2) rather than the system (1).
    pub fn is_input(&self) -> bool {
        use std::io::ErrorKind::{InvalidFilename, NotADirectory};
        match self {
            // A name too long, or a file where a folder of the path should be: the path given.
            InitError::Io { source, .. } => matches!(source.kind(), InvalidFilename | NotADirectory),
            _ => true,
        }
    }
}

/// What [`write`] wrote; displays as the message for the planner.
#[derive(Debug)]
pub struct Written {
    /// The files, in the order written.
    pub files: Vec<PathBuf>,
    /// The scenario to validate and run.
    pub scenario: PathBuf,
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "wrote a starter project:")?;
        for file in &self.files {
            writeln!(f, "  {}", file.display())?;
        }
        writeln!(f, "fill in the CSV files (README.md explains every column), then:")?;
        writeln!(f, "  reformsim validate {}", self.scenario.display())?;
        writeln!(f, "  reformsim run {}", self.scenario.display())
    }
}

/// Writes the starter project into `dir`, which is created if missing and must
/// otherwise be an empty folder.
pub fn write(dir: &Path) -> Result<Written, InitError> {
    let existed = check_target(dir)?;
    std::fs::create_dir_all(dir).map_err(|source| InitError::Io { path: dir.to_path_buf(), source })?;
    let mut files = Vec::new();
    for (name, text) in TEMPLATES {
        let path = dir.join(name);
        if let Err(e) = create_new(&path, text) {
            // Leave the folder as it was: remove only the files this call created.
            for written in &files {
                let _ = std::fs::remove_file(written);
            }
            if !existed {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(e);
        }
        files.push(path);
    }
    Ok(Written { files, scenario: dir.join(SCENARIO_FILE) })
}

/// Refuses a path that exists and is not an empty folder, naming what it holds;
/// says whether the (empty) folder exists.
fn check_target(dir: &Path) -> Result<bool, InitError> {
    let metadata = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(_) if crate::export::output::dangling_link(dir) => return Err(InitError::DanglingLink(dir.to_path_buf())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => return Err(InitError::Io { path: dir.to_path_buf(), source }),
    };
    if !metadata.is_dir() {
        return Err(InitError::NotAFolder(dir.to_path_buf()));
    }
    let entries = std::fs::read_dir(dir).map_err(|source| InitError::Io { path: dir.to_path_buf(), source })?;
    let mut names: Vec<String> =
        entries.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    if names.is_empty() {
        return Ok(true);
    }
    names.sort();
    let shown: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
    let more = names.len() - shown.len();
    let list = if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") };
    Err(InitError::NotEmpty(dir.to_path_buf(), list))
}

/// Writes `text` to `path`, which must not exist yet; a file it created but could
/// not fill is removed.
fn create_new(path: &Path, text: &str) -> Result<(), InitError> {
    let io = |source| InitError::Io { path: path.to_path_buf(), source };
    let mut file = OpenOptions::new().write(true).create_new(true).open(path).map_err(io)?;
    let filled = file.write_all(text.as_bytes()).and_then(|()| file.sync_all());
    if let Err(source) = filled {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(io(source));
    }
    Ok(())
}
