//! The architecture's invariants, checked on the source text (as rust-analyzer's
//! `tidy` test does): a change that breaks one fails here, not in review.
//!
//! - The simulation core (`engine`, `indicators`, `stats`, `time`, `theory`,
//!   `levers`) touches no files, prints nothing and reads no clock.
//! - In `scenario`, only the loader touches files; `scenario` never imports `engine`.
//! - No import circles between top-level modules, nor between the files of one folder.
//! - Every module starts with a `//!` line saying its role.
//! - No source file over 700 lines and no function over 120 lines (tests aside).
//!
//! `KNOWN` lists the places that still break a rule while the restructuring of
//! issue 13 is under way; an entry that no longer breaks its rule must be removed
//! (the test says so), so the list only shrinks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::root;

/// `(rule, place)` pairs that break a rule today and are being fixed.
const KNOWN: &[(&str, &str)] = &[];

/// Most lines in a source file.
const MAX_FILE_LINES: usize = 700;

/// Most lines in a function.
const MAX_FUNCTION_LINES: usize = 120;

/// Every `.rs` file under `src/`, relative to the repository root, sorted.
fn sources() -> Vec<PathBuf> {
    fn walk(folder: &Path, found: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(folder).expect("src/ is readable");
        for entry in entries {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path.strip_prefix(root()).expect("under the root").to_path_buf());
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join("src"), &mut found);
    found.sort();
    found
}

/// The file's text without its `#[cfg(test)]` module (tests may do anything).
fn code_of(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// The module path of a source file: `src/engine/flow/mod.rs` → `engine::flow`.
fn module_of(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> =
        file.strip_prefix("src").expect("under src").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// Lines that do not start with a comment.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| {
        let t = l.trim_start();
        !t.starts_with("//")
    })
}

/// The paths a `use` tree starting at `text` names: `a::{b, c::d}` gives
/// `[a, b]` and `[a, c, d]`; parsing stops at the first character that is not part
/// of a path.
fn use_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut prefix = Vec::new();
    loop {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if at < bytes.len() && bytes[at] == b'{' {
            at += 1;
            let mut paths = Vec::new();
            loop {
                let (inner, used) = use_tree(&text[at..]);
                at += used;
                paths.extend(inner.into_iter().map(|p| prefix.iter().cloned().chain(p).collect()));
                while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(b',') => at += 1,
                    Some(b'}') => return (paths, at + 1),
                    _ => return (paths, at),
                }
            }
        }
        let start = at;
        while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
            at += 1;
        }
        if at == start {
            return (vec![prefix], at);
        }
        prefix.push(text[start..at].to_string());
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            return (vec![prefix], at);
        }
    }
}

/// The code of a file with its comments and test module removed.
fn without_comments(text: &str) -> String {
    code_of(text).lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The modules a file names through `crate::…` or `super::…`, as module paths
/// (with the item names at their ends, which the callers cut to the depth they need).
fn imports_of(file: &Path, text: &str) -> BTreeSet<Vec<String>> {
    let code = without_comments(text);
    // `super` of `a/b.rs` and of `a/b/mod.rs` is `a`.
    let mut parent = module_of(file);
    parent.pop();
    let mut found = BTreeSet::new();
    for (keyword, base) in [("crate::", Vec::new()), ("super::", parent)] {
        for (i, _) in code.match_indices(keyword) {
            let before = &code[..i];
            if before.ends_with("::") || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let (paths, _) = use_tree(&code[i + keyword.len()..]);
            for path in paths {
                found.insert(base.iter().cloned().chain(path).collect());
            }
        }
    }
    found
}

/// A rule broken at a place; collected, then checked against `KNOWN`.
#[derive(Default)]
struct Findings(BTreeSet<(String, String)>);

impl Findings {
    fn add(&mut self, rule: &str, place: impl Into<String>) {
        self.0.insert((rule.to_string(), place.into()));
    }
}

fn check_core_does_no_io(file: &Path, text: &str, findings: &mut Findings) {
    let module = module_of(file);
    let core = ["engine", "indicators", "stats", "time", "theory", "levers"];
    let Some(top) = module.first() else { return };
    let in_scenario = top == "scenario";
    if !core.contains(&top.as_str()) && !in_scenario {
        return;
    }
    let loader = in_scenario && module.get(1).is_some_and(|m| m == "load");
    let forbidden_core = ["std::fs", "File::", "println!", "eprintln!", "print!(", "Instant::now", "SystemTime"];
    for (_, line) in code_lines(code_of(text)) {
        let place = file.display().to_string();
        if in_scenario {
            if !loader && (line.contains("std::fs") || line.contains("File::")) {
                findings.add("only the loader touches files in scenario", place.clone());
            }
            if line.contains("crate::engine") {
                findings.add("scenario does not import engine", place);
            }
        } else if let Some(what) = forbidden_core.iter().find(|w| line.contains(**w)) {
            findings.add("the core does no I/O", format!("{place} ({what})"));
        }
    }
}

fn check_module_doc(file: &Path, text: &str, findings: &mut Findings) {
    if !text.trim_start().starts_with("//!") {
        findings.add("every module starts with a //! doc", file.display().to_string());
    }
}

fn check_sizes(file: &Path, text: &str, findings: &mut Findings) {
    let code = code_of(text);
    let lines = code.lines().count();
    if lines > MAX_FILE_LINES {
        findings.add("no file over 700 lines", file.display().to_string());
    }
    // A function runs from its `fn` line to the first line after it that closes at
    // the same indentation.
    let all: Vec<&str> = code.lines().collect();
    for (start, line) in all.iter().enumerate() {
        let trimmed = line.trim_start();
        let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "async fn ", "pub async fn "]
            .iter()
            .any(|p| trimmed.starts_with(p));
        if !is_fn || trimmed.ends_with(';') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let closing = " ".repeat(indent) + "}";
        if let Some(length) = all[start + 1..].iter().position(|l| *l == closing)
            && length + 2 > MAX_FUNCTION_LINES
        {
            let name = trimmed.split('(').next().unwrap_or(trimmed);
            findings.add("no function over 120 lines", format!("{} {name}", file.display()));
        }
    }
}

/// Circles in a graph, as sorted lists of the modules on them.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first search for a path back to `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let mut circle = path.clone();
                    circle.sort();
                    found.insert(circle);
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found
}

fn check_circles(files: &[(PathBuf, String)], findings: &mut Findings) {
    // Between top-level modules, and between sibling modules of one folder.
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut siblings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in files {
        let module = module_of(file);
        let Some(first) = module.first() else { continue };
        for import in imports_of(file, text) {
            let Some(target) = import.first() else { continue };
            if target != first {
                top.entry(first.clone()).or_default().insert(target.clone());
            } else if module.len() >= 2 && import.len() >= 2 && module[..module.len() - 1] == import[..module.len() - 1]
            {
                let depth = module.len() - 1;
                if import.len() > depth && import[depth] != module[depth] {
                    let from = module[..=depth].join("::");
                    let to = import[..=depth].join("::");
                    siblings.entry(from).or_default().insert(to);
                }
            }
        }
    }
    for circle in circles(&top).into_iter().chain(circles(&siblings)) {
        findings.add("no import circles", circle.join(" ↔ "));
    }
}

#[test]
fn tidy() {
    let files: Vec<(PathBuf, String)> = sources()
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(root().join(&f)).expect("a source file is readable");
            (f, text)
        })
        .collect();
    let mut findings = Findings::default();
    for (file, text) in &files {
        check_core_does_no_io(file, text, &mut findings);
        check_module_doc(file, text, &mut findings);
        check_sizes(file, text, &mut findings);
    }
    check_circles(&files, &mut findings);
    let known: BTreeSet<(String, String)> = KNOWN.iter().map(|(r, p)| (r.to_string(), p.to_string())).collect();
    let new: Vec<String> = findings.0.difference(&known).map(|(r, p)| format!("    (\"{r}\", \"{p}\"),")).collect();
    let fixed: Vec<String> = known.difference(&findings.0).map(|(r, p)| format!("    (\"{r}\", \"{p}\"),")).collect();
    assert!(new.is_empty(), "rules broken:\n{}", new.join("\n"));
    assert!(fixed.is_empty(), "these no longer break their rule: remove them from KNOWN:\n{}", fixed.join("\n"));
}
