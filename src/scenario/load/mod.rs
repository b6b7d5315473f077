//! Reading scenario files: RON parsing, `extends` chains and CSV catalogues.
//!
//! The only part of scenario handling that touches the file system (this folder:
//! `catalogues.rs` reads the CSV catalogues, `syntax.rs` words RON errors). A scenario
//! reads only the files it names, relative to its own folder.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

mod catalogues;
mod syntax;

use catalogues::read_csv_files;
use syntax::ron_diagnostic;
pub use syntax::syntax_diagnostic;

use super::jurisdictions::validate;
use super::raw::RawScenario;
use super::ron_tree::PathStep;
use super::sources::Sources;
use super::{Diagnostic, LoadError, Location, Model, limits};

/// Longest `extends` chain followed before assuming a mistake.
const MAX_EXTENDS_DEPTH: usize = 32;

/// Loads, merges and validates the scenario at `path`.
pub fn load(path: &Path) -> Result<Model, LoadError> {
    let text = read(path)?;
    load_from_str(path, &text)
}

/// Loads a scenario whose text is given; `path` names it in messages and anchors
/// the relative paths it contains.
pub fn load_from_str(path: &Path, text: &str) -> Result<Model, LoadError> {
    load_listing_inputs(path, text).map(|(model, _)| model)
}

/// Loads like [`load`] and also lists every file read: the scenario, the files of
/// its `extends` chain and its CSV catalogues (so that outputs never overwrite them).
pub fn load_with_inputs(path: &Path) -> Result<(Model, Vec<PathBuf>), LoadError> {
    let text = read(path)?;
    load_listing_inputs(path, &text)
}

fn load_listing_inputs(path: &Path, text: &str) -> Result<(Model, Vec<PathBuf>), LoadError> {
    let mut sources = Sources::default();
    let sandbox = Sandbox::for_scenario(path);
    let raw = read_chain(path, text.to_string(), &mut sources, &mut Vec::new(), &sandbox)?;
    let mut inputs: Vec<PathBuf> = sources.paths().map(Path::to_path_buf).collect();
    let catalogues = [&raw.documents_csv, &raw.staff_csv].into_iter().flatten();
    let services = raw.services_csv.iter().flat_map(|c| [&c.services, &c.steps]);
    let tree = raw.jurisdictions.iter().filter_map(|j| j.table_csv.as_ref());
    inputs.extend(catalogues.chain(services).chain(tree).map(PathBuf::from));
    let mut problems = Vec::new();
    let raw = read_csv_files(raw, &mut problems, &mut sources)?;
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    // Names as written first: a name of megabytes would slow every check after.
    super::names::check(&raw, &sources)?;
    Ok((validate(raw, &sources)?, inputs))
}

/// The warnings of the scenario at `path` (validated as `model`) apart from
/// those its `extends` parent, loaded alone, gives word for word; and, when
/// there are such, the parent's file and how many. A child that changes only,
/// say, the horizon does not repeat its parent's warnings about what it did not
/// change; a warning whose words the child changes (other years, other loads)
/// is the child's own. All of them when the parent does not load alone.
pub fn warnings_apart_from_parent(path: &Path, model: &Model) -> (Vec<String>, Option<(PathBuf, usize)>) {
    let all = super::warnings(model);
    let parent = || {
        let written = parse_raw(path, &read(path).ok()?).ok()?.extends?;
        let file = match written.strip_prefix(SHIPPED) {
            Some(name) => shipped_scenario(name).ok()?,
            None => Sandbox::for_scenario(path).resolve(path, &written).ok()?,
        };
        let warnings = super::warnings(&load(&file).ok()?);
        Some((file, warnings))
    };
    let Some((file, theirs)) = (if all.is_empty() { None } else { parent() }) else { return (all, None) };
    let (inherited, own): (Vec<String>, Vec<String>) = all.into_iter().partition(|w| theirs.contains(w));
    (own, (!inherited.is_empty()).then(|| (normalise(&file), inherited.len())))
}

/// The RON syntax or type error of the scenario text `text` read alone, if it
/// has one: as the loader reads each file of an `extends` chain, before any
/// other file is followed, any catalogue read or anything validated. Sweeps
/// use it to tell a parameter value of the wrong type (a number where the
/// scenario has a list) from the rest of the scenario.
pub fn ron_problem(path: &Path, text: &str) -> Option<Diagnostic> {
    parse_raw(path, text).err()
}

/// Reads the text of one scenario file into its raw form (RON syntax and types).
fn parse_raw(path: &Path, text: &str) -> Result<RawScenario, Diagnostic> {
    ron_options().from_str(text).map_err(|e| ron_diagnostic(path, text, &e))
}

/// How scenario files are read: `Some` may be left out.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Reads an input file (a scenario, a CSV catalogue, a sweep file) as text, with
/// the same size limit and the same diagnostic for text that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    read(path)
}

/// Reads a scenario or CSV file as text: at most [`limits::MAX_FILE_BYTES`], UTF-8
/// (a leading byte-order mark, as spreadsheets write, is dropped).
pub(super) fn read(path: &Path) -> Result<String, LoadError> {
    let io = |source: std::io::Error| {
        let hint = match source.kind() {
            std::io::ErrorKind::NotFound => match std::fs::read_link(path) {
                // A link to nowhere: its name exists, what it names does not.
                Ok(to) => format!(
                    ": it is a symbolic link to `{}`, which does not exist",
                    super::escape_controls(&to.display().to_string())
                ),
                Err(_) => nearby_files(path, &[PathBuf::from("scenarios")]),
            },
            std::io::ErrorKind::IsADirectory => ron_file_in(path),
            _ => String::new(),
        };
        LoadError::Io { path: path.to_path_buf(), source, hint }
    };
    // A named pipe, socket or device would block the read (a pipe no one writes
    // to, forever) or never end: only files are read. Folders fail on reading.
    let kind = std::fs::metadata(path).map_err(io)?.file_type();
    if !kind.is_file() && !kind.is_dir() {
        let location = Location { path: path.to_path_buf(), line: 0, column: 0, snippet: None };
        let message = format!(
            "`{}` is not a regular file (a named pipe, a socket or a device): scenarios and CSV files are read from files only; save its content as a file",
            path.display()
        );
        return Err(LoadError::Invalid(vec![Diagnostic { location, message }]));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    let nowhere = Location { path: path.to_path_buf(), line: 0, column: 0, snippet: None };
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        let message = limits::file_too_large(size);
        return Err(LoadError::Invalid(vec![Diagnostic { location: nowhere, message }]));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.as_bytes();
            let good = e.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&bytes[..good]);
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let rest = String::from_utf8_lossy(&bytes[line_start..]);
            let location = Location {
                path: path.to_path_buf(),
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
                snippet: rest.lines().next().map(str::to_string),
            };
            let message = format!(
                "the file is not UTF-8 text (byte {good} is not valid UTF-8): save it as UTF-8 (in a spreadsheet: CSV UTF-8)"
            );
            return Err(LoadError::Invalid(vec![Diagnostic { location, message }]));
        }
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Where a scenario may read files (docs/scenarios.md, "Paths"): inside its
/// project folder, the nearest folder at or above the scenario's own that holds a
/// `scenarios` folder, or else the scenario's own folder.
struct Sandbox {
    /// The project folder, absolute and without `.` or `..`.
    root: PathBuf,
    /// The same with symbolic links resolved, when it exists.
    canonical: Option<PathBuf>,
    /// What reads the files, for messages: "scenario" or "sweep".
    reader: &'static str,
}

/// The file that `written`, a path in the file `named_by`, names — relative to
/// `named_by`'s folder — if the path rule allows reading it (docs/scenarios.md,
/// "Paths"): inside the project folder of `first`, the file that started the
/// reading (`reader` says what it is: "scenario", "sweep"); otherwise what is wrong.
/// Scenarios (`extends`, CSV catalogues) and sweeps (`base`) use this one rule.
/// `shipped:NAME` names a shipped scenario from anywhere, as `extends` may.
pub fn resolve_in_project(
    first: &Path,
    reader: &'static str,
    named_by: &Path,
    written: &str,
) -> Result<PathBuf, String> {
    if let Some(name) = written.strip_prefix(SHIPPED) {
        return shipped_scenario(name);
    }
    Sandbox { reader, ..Sandbox::for_scenario(first) }
        .resolve(named_by, written)
        .map_err(|message| message + &shipped_instead(written))
}

impl Sandbox {
    fn for_scenario(path: &Path) -> Sandbox {
        let folder = normalise(&absolute(path.parent().unwrap_or(Path::new(""))));
        let root =
            folder.ancestors().find(|a| a.join("scenarios").is_dir()).map_or_else(|| folder.clone(), Path::to_path_buf);
        let canonical = std::fs::canonicalize(&root).ok();
        Sandbox { root, canonical, reader: "scenario" }
    }

    /// The path a file names, relative to the folder of `named_by`, if the rule
    /// allows it; otherwise what is wrong.
    fn resolve(&self, named_by: &Path, written: &str) -> Result<PathBuf, String> {
        let rule =
            format!("a {} may only read files inside its project folder (docs/scenarios.md, \"Paths\")", self.reader);
        let given = Path::new(written);
        if written.trim().is_empty() {
            return Err(format!("the path is empty: name a file relative to this {}'s folder", self.reader));
        }
        if given.has_root() || given.components().any(|c| matches!(c, Component::Prefix(_))) {
            return Err(format!(
                "`{written}` is an absolute path: write it relative to this {}'s folder; {rule}",
                self.reader
            ));
        }
        let joined = named_by.parent().unwrap_or(Path::new("")).join(given);
        let target = normalise(&absolute(&joined));
        if !target.starts_with(&self.root) {
            return Err(format!("`{written}` lies outside the project folder {}; {rule}", self.root.display()));
        }
        if let (Some(root), Ok(real)) = (&self.canonical, std::fs::canonicalize(&joined))
            && !real.starts_with(root)
        {
            return Err(format!(
                "`{written}` is a symbolic link to {}, outside the project folder {}; {rule}",
                real.display(),
                self.root.display()
            ));
        }
        Ok(joined)
    }
}

/// The prefix of an `extends` that names a shipped scenario: `shipped:small-department`.
const SHIPPED: &str = "shipped:";

/// The project whose `scenarios` folder holds the shipped scenarios: the folder
/// `REFORMSIM_HOME` names, or else the source folder the binary was built from
/// (which `cargo install --path .` leaves in place).
pub fn shipped_project() -> PathBuf {
    std::env::var_os("REFORMSIM_HOME").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// The file of the shipped scenario `name` (`small-department`, or
/// `small-department.ron`, or `sweeps/…` under the shipped `scenarios` folder),
/// or what is wrong. Only plain names are accepted: no absolute path, no `..`.
fn shipped_scenario(name: &str) -> Result<PathBuf, String> {
    let folder = shipped_project().join("scenarios");
    let given = Path::new(name);
    let plain = !name.trim().is_empty() && given.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        return Err(format!(
            "`{SHIPPED}{name}` is not a shipped scenario's name: write `{SHIPPED}` and a file name from {}, such as `{SHIPPED}small-department`",
            folder.display()
        ));
    }
    let file = if given.extension().is_some() { folder.join(given) } else { folder.join(given).with_extension("ron") };
    if file.is_file() {
        return Ok(file);
    }
    let hint = if folder.is_dir() {
        nearby_files(&file, &[])
    } else {
        " — the shipped scenarios are not there: set REFORMSIM_HOME to the reformsim folder (docs/scenarios.md, \"Paths\")"
            .to_string()
    };
    Err(format!("`{SHIPPED}{name}` names {}, which does not exist{hint}", file.display()))
}

/// The shipped scenario a path names in a file copied out of the shipped
/// `scenarios` folder or one of its subfolders (`small-department` for
/// `small-department.ron`, `validation/mmc` for `../validation/mmc.ron`), if
/// one does: a copy keeps the paths it had there, which lead nowhere, or out of
/// its project folder, where it is now.
fn shipped_name_of(written: &str) -> Option<String> {
    let scenarios = shipped_project().join("scenarios");
    let mut folders: Vec<PathBuf> =
        std::fs::read_dir(&scenarios).ok()?.filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_dir()).collect();
    folders.sort();
    folders.insert(0, scenarios.clone());
    let named = folders
        .iter()
        .map(|f| normalise(&f.join(written)))
        .find(|file| file.is_file() && file.starts_with(&scenarios) && file.extension().is_some_and(|e| e == "ron"))?;
    let name = named.strip_prefix(&scenarios).ok()?.with_extension("");
    Some(name.to_string_lossy().into_owned())
}

/// "; to start from the shipped scenario, write `"shipped:NAME"`" when
/// `written`, a scenario's path that cannot be read where it is, names a
/// shipped scenario as seen from the shipped `scenarios` folder; else nothing.
fn shipped_instead(written: &str) -> String {
    shipped_name_of(written).map_or_else(String::new, |name| {
        format!("; to start from the shipped scenario `{name}` from anywhere, write `\"{SHIPPED}{name}\"` instead")
    })
}

/// "; this file looks like a copy of the shipped scenario NAME…" when a CSV
/// catalogue path `written` of the scenario named `name` cannot be read where
/// it is and the file is, by its `name` or by that path, a copy of a shipped
/// scenario (whose catalogues stay in the shipped project); else nothing.
fn copy_of_shipped(name: Option<&str>, written: &str) -> String {
    let by_name = name.filter(|n| !n.contains(['/', '\\']) && shipped_scenario(n).is_ok()).map(str::to_string);
    let by_path = || {
        let scenarios = shipped_project().join("scenarios");
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&scenarios).ok()?.filter_map(|e| Some(e.ok()?.path())).collect();
        files.sort();
        let quoted = super::ron_tree::quote(written);
        let file = files
            .into_iter()
            .find(|f| f.extension().is_some_and(|e| e == "ron") && read(f).is_ok_and(|text| text.contains(&quoted)))?;
        Some(file.file_stem()?.to_string_lossy().into_owned())
    };
    by_name.or_else(by_path).map_or_else(String::new, |origin| {
        format!(
            "; this file looks like a copy of the shipped scenario `{origin}`: instead of copying it, start from it anywhere with `extends: \"{SHIPPED}{origin}\"` (its catalogues are then read from the shipped project), a `name` of your own and only the fields you change"
        )
    })
}

/// `path` made absolute against the working directory (without touching the file).
fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() { Path::new(".") } else { path };
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` without `.` components and with each `..` removing the folder before it.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Parses one file and, recursively, the files it extends; CSV paths are joined to
/// the folder of the file naming them so that they survive inheritance.
fn read_chain(
    path: &Path,
    text: String,
    sources: &mut Sources,
    chain: &mut Vec<(PathBuf, PathBuf)>,
    sandbox: &Sandbox,
) -> Result<RawScenario, LoadError> {
    // Every unknown field of the file at once, with the file's other problems below.
    let parse = |text: &str| ron_options().from_str::<RawScenario>(text);
    let (mut raw, mut problems) = syntax::parse_every_unknown_field(path, &text, parse).map_err(LoadError::Invalid)?;
    problems.extend(super::plus_signs(path, &text));
    problems.extend(super::duplicate_keys(path, &text));
    sources.push(path.to_path_buf(), text);
    // A copy of a shipped scenario is said to be one once, at its first catalogue path.
    let mut copy_of = Some(raw.name.clone());
    let mut check = |written: &mut String, field: &[PathStep]| {
        let location = sources.locate_in(path, field);
        match sandbox.resolve(path, written) {
            Ok(resolved) => {
                let name = field.iter().map(|s| format!("{s}")).collect::<Vec<_>>().join(".");
                // A copy's catalogue that is not there: said here, with what works instead.
                let missing = std::fs::symlink_metadata(&resolved).is_err();
                let hint = match &copy_of {
                    Some(copied) if missing => copy_of_shipped(copied.as_deref(), written),
                    _ => String::new(),
                };
                if !hint.is_empty() {
                    copy_of = None;
                    let not_found = std::io::Error::from(std::io::ErrorKind::NotFound);
                    let message = unreadable(&format!("`{name}`"), &resolved, &not_found) + &hint;
                    problems.push(Diagnostic { location, message });
                    return;
                }
                sources.name_file(resolved.clone(), name, location);
                *written = resolved.to_string_lossy().into_owned();
            }
            Err(message) => {
                let hint = copy_of.take().map_or_else(String::new, |name| copy_of_shipped(name.as_deref(), written));
                let message = message + &hint;
                problems.push(Diagnostic { location, message });
            }
        }
    };
    if let Some(p) = &mut raw.documents_csv {
        check(p, &[PathStep::Field("documents_csv")]);
    }
    if let Some(p) = &mut raw.staff_csv {
        check(p, &[PathStep::Field("staff_csv")]);
    }
    if let Some(csv) = &mut raw.services_csv {
        check(&mut csv.services, &[PathStep::Field("services_csv"), PathStep::Field("services")]);
        check(&mut csv.steps, &[PathStep::Field("services_csv"), PathStep::Field("steps")]);
    }
    if let Some(p) = raw.jurisdictions.as_mut().and_then(|j| j.table_csv.as_mut()) {
        check(p, &[PathStep::Field("jurisdictions"), PathStep::Field("table_csv")]);
    }
    let parent = raw.extends.take().map(|name| match name.strip_prefix(SHIPPED) {
        Some(shipped) => (shipped_scenario(shipped), name),
        None => (sandbox.resolve(path, &name).map_err(|m| m + &shipped_instead(&name)), name),
    });
    if let Some((Err(message), _)) = &parent {
        problems.push(Diagnostic {
            location: sources.locate_in(path, &[PathStep::Field("extends")]),
            message: message.clone(),
        });
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let Some((Ok(parent_path), parent_name)) = parent else {
        return Ok(raw);
    };
    let location = sources.locate_in(path, &[PathStep::Field("extends")]);
    let identity = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| normalise(&absolute(p)));
    chain.push((identity(path), path.to_path_buf()));
    let looped = chain.iter().any(|(id, _)| *id == identity(&parent_path));
    if looped || chain.len() > MAX_EXTENDS_DEPTH {
        let shown: Vec<String> = chain.iter().map(|(_, p)| normalise(p).display().to_string()).collect();
        let message = if looped {
            format!(
                "`extends` loops: {} -> {}; a scenario cannot extend itself, directly or through others",
                shown.join(" -> "),
                normalise(&parent_path).display()
            )
        } else {
            format!("`extends` chain is longer than {MAX_EXTENDS_DEPTH} files: {}", shown.join(" -> "))
        };
        return Err(LoadError::Invalid(vec![Diagnostic { location, message }]));
    }
    let parent_text = match read(&parent_path) {
        Ok(text) => text,
        Err(LoadError::Io { source, .. }) => {
            let mut message = unreadable("`extends`", &parent_path, &source);
            if !parent_name.starts_with(SHIPPED) {
                message += &shipped_instead(&parent_name);
            }
            return Err(LoadError::Invalid(vec![Diagnostic { location, message }]));
        }
        Err(invalid) => return Err(invalid),
    };
    // A shipped scenario reads the files of its own project, the shipped one.
    let parent_sandbox = if parent_name.starts_with(SHIPPED) { &Sandbox::for_scenario(&parent_path) } else { sandbox };
    let parent = read_chain(&parent_path, parent_text, sources, chain, parent_sandbox)?;
    Ok(raw.inherit(parent))
}

/// The message for a file named by `field` that cannot be read: why, in words,
/// and the nearest file names in its folder when it does not exist.
pub(super) fn unreadable(field: &str, path: &Path, source: &std::io::Error) -> String {
    let shown = normalise(path);
    let shown = shown.display();
    if path.is_dir() {
        return format!("{field} names {shown}, which is a folder: name a file in it");
    }
    match source.kind() {
        std::io::ErrorKind::NotFound => {
            format!("{field} names {shown}, which does not exist{}", nearby_files(path, &[]))
        }
        _ => format!("{field} names {shown}, which cannot be read: {source}"),
    }
}

/// ", such as `folder/x.ron`" with the first RON file (by name) in `folder`, or nothing.
fn ron_file_in(folder: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(folder) else { return String::new() };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ron") && !n.starts_with('.'))
        .collect();
    names.sort();
    names.first().map_or_else(String::new, |n| {
        format!(", such as `{}`", super::escape_controls(&folder.join(n).display().to_string()))
    })
}

/// " — did you mean `x`?" with the file names nearest to `path`'s in its folder
/// and in `also` (other folders worth a look), or nothing.
pub(super) fn nearby_files(path: &Path, also: &[PathBuf]) -> String {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return String::new() };
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut candidates: Vec<(String, String)> = Vec::new();
    for dir in std::iter::once(folder.to_path_buf()).chain(also.iter().cloned()) {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> =
            entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| !n.starts_with('.')).collect();
        names.sort();
        // The name itself, where it is listed yet cannot be read, is no suggestion.
        for n in names.into_iter().filter(|n| dir != folder || n != name) {
            let shown = if dir == folder { n.clone() } else { dir.join(&n).display().to_string() };
            candidates.push((n, shown));
        }
    }
    match super::nearest(name, candidates.iter().map(|(n, _)| n.as_str())) {
        Some(best) => {
            let shown = candidates.iter().find(|(n, _)| n == best).map_or(best, |(_, s)| s.as_str());
            format!(" — did you mean `{}`?", super::escape_controls(shown))
        }
        None => String::new(),
    }
}
