//! Paths compared as the file system sees them: the one canonical form that
//! output checks (`output.rs`) and manifests (`manifest.rs`) compare.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute, with symbolic links, `.` and `..` resolved as far as it
/// exists (the rest is resolved by its text): two names of one file give one path.
pub fn canonical(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() { Path::new(".") } else { path };
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for existing in absolute.ancestors() {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let rest = absolute.strip_prefix(existing).unwrap_or(Path::new(""));
            let mut out = real;
            for component in rest.components() {
                match component {
                    Component::CurDir => {}
                    Component::ParentDir => {
                        out.pop();
                    }
                    other => out.push(other),
                }
            }
            return out;
        }
    }
    absolute
}
