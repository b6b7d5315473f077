//! Scenarios: reading RON files (and the CSV files they name), then validating
//! them into the [`Model`] the engine runs.
//!
//! Loading happens in two steps, as ripgrep does with its flags: [`raw`] mirrors
//! the file, [`validate`] checks everything and resolves names. All problems are
//! collected and reported together, each pointing at a file, line and column.

mod load;
pub mod model;
pub mod raw;
mod reforms;
mod validate;
mod warnings;

pub use warnings::warnings;

use std::fmt;
use std::path::PathBuf;

pub use load::{load, load_from_str};
pub use model::*;
pub use validate::bits as validate_bits;

/// A place in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// The text of that line, when known.
    pub snippet: Option<String>,
}

/// One problem found in a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where.
    pub location: Location,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        write!(f, "error: {}\n  --> {}", self.message, loc.path.display())?;
        if loc.line > 0 {
            write!(f, ":{}:{}", loc.line, loc.column)?;
        }
        if let Some(snippet) = &loc.snippet {
            let gutter = loc.line.to_string();
            write!(f, "\n{} |\n{} | {}", " ".repeat(gutter.len()), gutter, snippet)?;
            let caret_at = loc.column.saturating_sub(1);
            let pad: String = snippet.chars().take(caret_at).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n{} | {}^", " ".repeat(gutter.len()), pad)?;
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file named by the user or by the scenario could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The scenario is malformed or inconsistent; every problem found is listed.
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&d.to_string());
    }
    let n = diagnostics.len();
    out.push_str(&format!("\n\n{n} problem{} found", if n == 1 { "" } else { "s" }));
    out
}

/// The closest of `candidates` to `name` (by edit distance), if close enough to be
/// a likely misspelling.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        let names = ["Tax Bureau", "Transport Bureau", "Finance Bureau"];
        assert_eq!(nearest("Tax Bureu", names), Some("Tax Bureau"));
        assert_eq!(nearest("Police", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
