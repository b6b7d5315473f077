//! Scenarios: reading RON files (and the CSV files they name), then validating
//! them into the [`Model`] the engine runs.
//!
//! Loading happens in two steps, as ripgrep does with its flags: [`raw`] mirrors
//! the file, [`validate`] checks everything and resolves names. All problems are
//! collected and reported together, each pointing at a file, line and column.

mod limits;
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
    /// Renders the problem as a compiler would: the message, the place, and the
    /// line with the offending text underlined.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        write!(f, "error: {}\n  --> {}", self.message, loc.path.display())?;
        if loc.line > 0 {
            write!(f, ":{}:{}", loc.line, loc.column)?;
        }
        if let Some(snippet) = &loc.snippet
            && loc.line > 0
        {
            let gutter = loc.line.to_string();
            let blank = " ".repeat(gutter.len());
            let (shown, column) = clip(snippet, loc.column.max(1));
            write!(f, "\n{blank} |\n{gutter} | {shown}")?;
            let pad: String = shown.chars().take(column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            let csv = loc.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let width = underline_width(&shown, column, csv);
            write!(f, "\n{blank} | {pad}{}", "^".repeat(width))?;
        }
        Ok(())
    }
}

/// Longest part of a line shown in a message, in characters.
const SNIPPET_CHARS: usize = 160;

/// The part of `line` to show around `column` (1-based, in characters) and the
/// column within it: long lines (CSV rows, generated files) are cut with `…`.
fn clip(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.trim_end().chars().collect();
    if chars.len() <= SNIPPET_CHARS {
        let n = chars.len();
        return (chars.into_iter().collect(), column.min(n + 1));
    }
    let start = column.saturating_sub(SNIPPET_CHARS / 2).min(chars.len().saturating_sub(SNIPPET_CHARS));
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut shown = String::new();
    let mut column = column - start;
    if start > 0 {
        shown.push('…');
        column += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column.min(end - start + 1))
}

/// How many characters to underline from `column` (1-based): a quoted string, a
/// word or number, a CSV field, or a single character.
fn underline_width(line: &str, column: usize, csv: bool) -> usize {
    let rest: Vec<char> = line.chars().skip(column - 1).collect();
    let Some(&first) = rest.first() else { return 1 };
    let width = if csv {
        let mut quoted = false;
        rest.iter()
            .take_while(|&&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                quoted || c != ','
            })
            .count()
    } else if first == '"' {
        let mut escaped = false;
        let closing = rest.iter().skip(1).position(|&c| {
            let end = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            end
        });
        closing.map_or(rest.len(), |i| i + 2)
    } else if first.is_alphanumeric() || first == '_' || first == '-' || first == '+' {
        rest.iter().take_while(|&&c| c.is_alphanumeric() || matches!(c, '_' | '-' | '+' | '.')).count()
    } else {
        1
    };
    width.max(1)
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
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
}

/// Renders diagnostics one after another, with the count of problems last.
pub fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
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
