//! Reading scenario files: RON parsing, `extends` chains and CSV catalogues.
//!
//! The only part of scenario handling that touches the file system. A scenario
//! reads only the files it names, relative to its own folder.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::raw::{
    Employment, Minutes, Origin, RawDocument, RawRequirement, RawScenario, RawSendBack, RawService, RawStaff, RawStep,
    Role,
};
use super::ron_tree::PathStep;
use super::validate::{Sources, validate};
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
    inputs.extend(catalogues.chain(services).map(PathBuf::from));
    let mut problems = Vec::new();
    let mut raw = read_csv_files(raw, &mut problems, &sources)?;
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let timeline = super::reforms::RawTimeline::take(&mut raw);
    let model = validate(raw, &sources)?;
    Ok((super::reforms::apply(model, timeline, &sources)?, inputs))
}

/// Reads an input file (a scenario, a CSV catalogue, a sweep file) as text, with
/// the same size limit and the same diagnostic for text that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    read(path)
}

/// Reads a scenario or CSV file as text: at most [`limits::MAX_FILE_BYTES`], UTF-8
/// (a leading byte-order mark, as spreadsheets write, is dropped).
fn read(path: &Path) -> Result<String, LoadError> {
    let io = |source: std::io::Error| {
        let hint = if source.kind() == std::io::ErrorKind::NotFound {
            nearby_files(path, &[PathBuf::from("scenarios")])
        } else {
            String::new()
        };
        LoadError::Io { path: path.to_path_buf(), source, hint }
    };
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
pub fn resolve_in_project(
    first: &Path,
    reader: &'static str,
    named_by: &Path,
    written: &str,
) -> Result<PathBuf, String> {
    Sandbox { reader, ..Sandbox::for_scenario(first) }.resolve(named_by, written)
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
    let mut raw: RawScenario = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .map_err(|e| LoadError::Invalid(vec![ron_diagnostic(path, &text, &e)]))?;
    sources.push(path.to_path_buf(), text);
    let mut problems = Vec::new();
    let mut check = |written: &mut String, field: &[PathStep]| {
        let location = sources.locate_in(path, field);
        match sandbox.resolve(path, written) {
            Ok(resolved) => {
                let name = field.iter().map(|s| format!("{s}")).collect::<Vec<_>>().join(".");
                sources.name_file(resolved.clone(), name, location);
                *written = resolved.to_string_lossy().into_owned();
            }
            Err(message) => problems.push(Diagnostic { location, message }),
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
    let parent = raw.extends.take().map(|name| (sandbox.resolve(path, &name), name));
    if let Some((Err(message), _)) = &parent {
        problems.push(Diagnostic {
            location: sources.locate_in(path, &[PathStep::Field("extends")]),
            message: message.clone(),
        });
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let Some((Ok(parent_path), _)) = parent else {
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
            let message = unreadable("`extends`", &parent_path, &source);
            return Err(LoadError::Invalid(vec![Diagnostic { location, message }]));
        }
        Err(invalid) => return Err(invalid),
    };
    let parent = read_chain(&parent_path, parent_text, sources, chain, sandbox)?;
    Ok(raw.inherit(parent))
}

/// The message for a file named by `field` that cannot be read: why, in words,
/// and the nearest file names in its folder when it does not exist.
fn unreadable(field: &str, path: &Path, source: &std::io::Error) -> String {
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

/// " — did you mean `x`?" with the file names nearest to `path`'s in its folder
/// and in `also` (other folders worth a look), or nothing.
pub fn nearby_files(path: &Path, also: &[PathBuf]) -> String {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return String::new() };
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut candidates: Vec<(String, String)> = Vec::new();
    for dir in std::iter::once(folder.to_path_buf()).chain(also.iter().cloned()) {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> =
            entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| !n.starts_with('.')).collect();
        names.sort();
        for n in names {
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

/// A RON syntax or type error in a scenario as a diagnostic.
fn ron_diagnostic(path: &Path, text: &str, e: &ron::error::SpannedError) -> Diagnostic {
    syntax_diagnostic(path, text, e, u64::from(u32::MAX))
}

/// A RON syntax or type error as a diagnostic: where, and what was expected
/// (`largest_whole_number` is the largest whole number the file's fields take).
/// Scenario and sweep files share it.
pub fn syntax_diagnostic(
    path: &Path,
    text: &str,
    e: &ron::error::SpannedError,
    largest_whole_number: u64,
) -> Diagnostic {
    let mut line = e.span.start.line.max(1);
    let mut column = e.span.start.col.max(1);
    if let Some(diagnostic) = ends_early(path, text, line, column) {
        return diagnostic;
    }
    let current = text.lines().nth(line - 1).unwrap_or("");
    // RON's position may be before the blanks that precede the offending value.
    column += current.chars().skip(column - 1).take_while(|c| *c == ' ' || *c == '\t').count();
    let before = current.chars().nth(column.saturating_sub(2));
    if column > 1 && (before == Some('-') || current.chars().nth(column - 1).is_none()) {
        // A minus sign belongs to the number after it; the end of a line, to what is before.
        column -= 1;
    }
    let here = token_at(text, line, column);
    let mut message = describe_ron_error(&e.code, &here, largest_whole_number);
    if e.code == ron::Error::ExpectedComma {
        // A decimal point in a whole number stops the number early.
        if here.starts_with('.') && here[1..].starts_with(|c: char| c.is_ascii_digit()) {
            message = "expected a whole number here, found a decimal point".to_string();
        } else if let Some((open_line, open_column)) = unclosed_string_before(text, line, column) {
            // A string left open swallows text up to the next quote.
            message = format!(
                "the text in quotes opened here runs on to line {line}: is a closing `\"` missing on line {open_line}?"
            );
            (line, column) = (open_line, open_column);
        }
    }
    let snippet = text.lines().nth(line - 1).map(str::to_string);
    Diagnostic { location: Location { path: path.to_path_buf(), line, column, snippet }, message }
}

/// The token starting at a 1-based line and column: a quoted string, a word or
/// number, or one character (empty at the end of the file).
fn token_at(text: &str, line: usize, column: usize) -> String {
    let Some(l) = text.lines().nth(line - 1) else { return String::new() };
    let rest: String = l.chars().skip(column - 1).collect();
    let mut chars = rest.chars();
    match chars.next() {
        None => String::new(),
        Some('"') => match rest[1..].find('"') {
            Some(i) => rest[..i + 2].to_string(),
            None => rest.clone(),
        },
        Some(c) if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' => {
            rest.chars().take_while(|&c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+')).collect()
        }
        Some(c) => c.to_string(),
    }
}

/// If the value just before (line, column) is a quoted string that started on an
/// earlier line, where it started.
fn unclosed_string_before(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let offset = text.lines().take(line - 1).map(|l| l.len() + 1).sum::<usize>()
        + text.lines().nth(line - 1)?.chars().take(column - 1).map(char::len_utf8).sum::<usize>();
    let before = text.get(..offset)?.trim_end();
    let body = before.strip_suffix('"')?;
    let open = body.rfind('"')?;
    if !body[open..].contains('\n') {
        return None;
    }
    let open_line = body[..open].matches('\n').count() + 1;
    let line_start = body[..open].rfind('\n').map_or(0, |i| i + 1);
    Some((open_line, body[line_start..open].chars().count() + 1))
}

/// What a token is, for "found …" in messages.
fn describe_token(token: &str) -> String {
    if token.is_empty() {
        "the end of the file".to_string()
    } else if token.starts_with('"') {
        format!("text in quotes {token}")
    } else {
        format!("`{token}`")
    }
}

/// Turns RON's error into a sentence saying what was expected.
fn describe_ron_error(code: &ron::Error, here: &str, largest_whole_number: u64) -> String {
    use ron::Error as E;
    let found = describe_token(here);
    let expected = |what: &str| format!("expected {what}, found {found}");
    match code {
        E::NoSuchStructField { expected, found, outer } => {
            let within = outer.as_deref().map(|o| format!(" in {}", plain_struct(o))).unwrap_or_default();
            match super::nearest(found, expected.iter().copied()) {
                Some(s) => format!("unknown field `{found}`{within} — did you mean `{s}`?"),
                None => format!("unknown field `{found}`{within} (expected one of: {})", expected.join(", ")),
            }
        }
        E::NoSuchEnumVariant { expected, found, outer } => {
            let suggestion = super::nearest(found, expected.iter().copied())
                .map(|s| format!(" — did you mean `{s}`?"))
                .unwrap_or_default();
            let within = outer.as_deref().map(|o| format!(" for {}", plain_struct(o))).unwrap_or_default();
            format!("unknown variant `{found}`{within}{suggestion} (expected one of: {})", expected.join(", "))
        }
        E::MissingStructField { field, outer } => {
            let outer = outer.as_deref().map_or("this value".to_string(), plain_struct);
            let outer = outer.strip_prefix("the ").map_or(outer.clone(), |o| format!("this {o}"));
            format!("{outer} is missing its field `{field}`: add `{field}: …` before the closing `)`")
        }
        E::DuplicateStructField { field, outer } => {
            let within = outer.as_deref().map(|o| format!(" in {}", plain_struct(o))).unwrap_or_default();
            format!("field `{field}` is set twice{within}: keep one")
        }
        E::ExpectedDifferentStructName { expected, found } => {
            format!("expected `{expected}(…)`, found `{found}(…)` — did you mean `{expected}`?")
        }
        E::Eof => "the file ends too early: a `(`, `[` or `{` is not closed, or a value is missing".to_string(),
        E::ExpectedComma => expected("a comma after the previous value"),
        E::ExpectedArray => expected("a list in square brackets, e.g. `[\"a\", \"b\"]`"),
        E::ExpectedArrayEnd => expected("`]` to close the list (or a comma before the next item)"),
        E::ExpectedBoolean => expected("`true` or `false`"),
        E::ExpectedFloat => expected("a number, e.g. `2.5`"),
        E::ExpectedInteger => expected("a whole number, e.g. `3`"),
        E::IntegerOutOfBounds => {
            format!("{here} is out of range: expected a whole number from 0 to {largest_whole_number}")
        }
        E::FloatUnderscore | E::UnderscoreAtBeginning => format!("{found} is not a number: remove the underscore"),
        E::InvalidIntegerDigit { digit, .. } => format!("`{digit}` cannot appear in a whole number"),
        E::ExpectedOption => expected("a value or `None`"),
        E::ExpectedOptionEnd | E::ExpectedStructLikeEnd => {
            expected("`)` to close the parenthesis (or a comma before the next field)")
        }
        E::ExpectedMap => expected("a map in braces, e.g. `{\"name\": (…)}`"),
        E::ExpectedMapColon => expected("`:` between a key and its value"),
        E::ExpectedMapEnd => expected("`}` to close the map (or a comma before the next entry)"),
        E::ExpectedStructLike => expected("`(` opening the fields"),
        E::ExpectedNamedStructLike("") => expected("`(` opening the fields"),
        E::ExpectedNamedStructLike(name) => expected(&format!("`{name}(…)` or `(…)`")),
        E::ExpectedUnit => expected("`()`"),
        E::ExpectedString => expected("text in double quotes, e.g. `\"Office\"`"),
        E::ExpectedStringEnd => "the text in quotes is not closed: add `\"`".to_string(),
        E::ExpectedIdentifier => expected("a field name"),
        E::InvalidEscape(why) => format!("invalid escape in text in quotes: {why}"),
        E::UnclosedBlockComment => "a `/*` comment is never closed with `*/`".to_string(),
        E::UnexpectedChar(c) => format!("unexpected character `{c}`"),
        E::TrailingCharacters => {
            "unexpected text after the end of the scenario: a file holds one `Scenario(…)`, ended by the `)` that matches its `(`".to_string()
        }
        E::InvalidValueForType { expected, found } => format!("expected {}, found {found}", plain_type(expected)),
        E::ExpectedDifferentLength { expected, found } => {
            format!("expected {}, found {found} values", plain_type(expected))
        }
        E::InvalidIdentifier(name) | E::SuggestRawIdentifier(name) => {
            format!("`{name}` is not a field or variant name: names are letters, digits and `_`")
        }
        E::ExceededRecursionLimit => {
            "values are nested too deeply (more than 128 brackets inside one another): is a bracket repeated by mistake?"
                .to_string()
        }
        E::Utf8Error(_) => "the file is not UTF-8 text".to_string(),
        E::Message(m) => m.clone(),
        other => format!("{other}"),
    }
}

/// The name of a struct or enum as the file says it: a name written in the file
/// (`Scenario`, `Working`) in backticks, the program's own `Raw…` types as the
/// thing they hold ("the handoff cost", "the department").
fn plain_struct(rust: &str) -> String {
    let Some(inner) = rust.strip_prefix("Raw") else { return format!("`{rust}`") };
    let mut words = String::new();
    for c in inner.chars() {
        if c.is_uppercase() && !words.is_empty() {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    let words = words.replace("csv", "CSV");
    format!("the {words}")
}

/// If the file ends before the value RON stopped at (1-based `line`, `column`)
/// is complete, with brackets left open, a diagnostic saying so at the file's
/// last text: RON would otherwise describe its last token as if it were wrong.
fn ends_early(path: &Path, text: &str, line: usize, column: usize) -> Option<Diagnostic> {
    let offset = text.lines().take(line - 1).map(|l| l.len() + 1).sum::<usize>()
        + text.lines().nth(line - 1).map_or(0, |l| l.chars().take(column - 1).map(char::len_utf8).sum());
    let (open, end) = unclosed_brackets(text);
    let &(innermost, innermost_at) = open.last()?;
    // RON stops at the last token or after it; either way, nothing but blanks and
    // comments may follow that token.
    let last = text[..end].trim_end().len();
    let last_token_start = text[..last]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | '{' | ',' | ':'))
        .map_or(0, |i| i + 1);
    if offset < last_token_start.min(last.saturating_sub(1)) {
        return None;
    }
    let at = |offset: usize| {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, text[start..offset].chars().count() + 1, text[start..].lines().next().unwrap_or("").to_string())
    };
    let (open_line, _, _) = at(innermost_at);
    // Point at the last token: a word or number, text in quotes, or one character.
    let last_char = text[..last].char_indices().next_back().map_or((0, ' '), |(i, c)| (i, c));
    let token_start = match last_char.1 {
        c if c.is_alphanumeric() || c == '_' || c == '.' => last_token_start.min(last_char.0),
        '"' => text[..last_char.0].rfind('"').unwrap_or(last_char.0),
        _ => last_char.0,
    };
    let (line, column, snippet) = at(token_start);
    // `Scenario(` rather than `(` when a name comes before the bracket.
    let name_start =
        text[..innermost_at].trim_end().rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    let name = text[name_start..innermost_at].trim_end();
    let innermost = if innermost == '(' && !name.is_empty() { format!("{name}(") } else { innermost.to_string() };
    let others = match open.len() - 1 {
        0 => String::new(),
        1 => " (and 1 bracket opened before it)".to_string(),
        n => format!(" (and {n} brackets opened before it)"),
    };
    let message = format!(
        "the file ends before the `{innermost}` opened on line {open_line} is closed{others}: is the rest of the file missing?"
    );
    Some(Diagnostic { location: Location { path: path.to_path_buf(), line, column, snippet: Some(snippet) }, message })
}

/// The brackets still open at the end of `text` (each with its byte offset,
/// outermost first), skipping strings and comments, and where the file's text
/// ends (before a trailing comment).
fn unclosed_brackets(text: &str) -> (Vec<(char, usize)>, usize) {
    let mut open = Vec::new();
    let mut end = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                while chars.peek().is_some_and(|&(_, n)| n != '\n') {
                    chars.next();
                }
                continue;
            }
            '/' if chars.peek().is_some_and(|&(_, n)| n == '*') => {
                let mut previous = ' ';
                for (_, n) in chars.by_ref() {
                    if previous == '*' && n == '/' {
                        break;
                    }
                    previous = n;
                }
                continue;
            }
            '"' => {
                let mut escaped = false;
                for (_, n) in chars.by_ref() {
                    if n == '"' && !escaped {
                        break;
                    }
                    escaped = n == '\\' && !escaped;
                }
            }
            '(' | '[' | '{' => open.push((c, i)),
            ')' | ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
        if !c.is_whitespace() {
            end = chars.peek().map_or(text.len(), |&(n, _)| n);
        }
    }
    (open, end)
}

/// Serde's name of a Rust type in words a planner knows.
fn plain_type(rust: &str) -> String {
    match rust {
        "u32" | "u64" | "usize" => "a whole number (0 or more)".to_string(),
        "f64" | "f32" => "a number".to_string(),
        "a string" | "string" => "text in double quotes".to_string(),
        "a boolean" | "bool" => "`true` or `false`".to_string(),
        other => other.to_string(),
    }
}

/// Appends the rows of the CSV files the scenario names to its lists.
fn read_csv_files(
    mut raw: RawScenario,
    problems: &mut Vec<Diagnostic>,
    sources: &Sources,
) -> Result<RawScenario, LoadError> {
    // A file that cannot be read is reported at the field that names it.
    let read_table = |path: &str| {
        let path = Path::new(path);
        CsvTable::read(path).map_err(|e| match (e, sources.naming(path)) {
            (LoadError::Io { source, .. }, Some((field, location))) => LoadError::Invalid(vec![Diagnostic {
                location: location.clone(),
                message: unreadable(&format!("`{field}`"), path, &source),
            }]),
            (e, _) => e,
        })
    };
    if let Some(path) = raw.documents_csv.clone() {
        let table = read_table(&path)?;
        let rows = table.rows(problems, &["name", "held_by"], |row, _| {
            Some(RawDocument { name: row.text("name"), held_by: row.text("held_by"), origin: Some(row.origin()) })
        });
        raw.documents.get_or_insert_with(Vec::new).extend(rows);
    }
    if let Some(path) = raw.staff_csv.clone() {
        let table = read_table(&path)?;
        let columns = ["department", "role", "employment", "count", "annual_cost_cny"];
        let rows = table.rows(problems, &columns, |row, problems| {
            Some(RawStaff {
                department: row.text("department"),
                role: row.parse_with("role", problems, parse_role)?,
                employment: row.parse_with("employment", problems, parse_employment)?,
                count: row.parse("count", problems)?,
                annual_cost_cny: row.parse("annual_cost_cny", problems)?,
                origin: Some(row.origin()),
            })
        });
        raw.staff.get_or_insert_with(Vec::new).extend(rows);
    }
    if let Some(csv) = raw.services_csv.clone() {
        let services = read_table(&csv.services)?;
        let steps = read_table(&csv.steps)?;
        let loaded = read_service_tables(&services, &steps, problems);
        raw.services.get_or_insert_with(Vec::new).extend(loaded);
    }
    Ok(raw)
}

fn read_service_tables(services: &CsvTable, steps: &CsvTable, problems: &mut Vec<Diagnostic>) -> Vec<RawService> {
    let service_columns = [
        "name",
        "volume_per_year",
        "time_limit_working_days",
        "patience_minutes",
        "online_share",
        "document_fetch_days",
    ];
    let mut loaded = services.rows(problems, &service_columns, |row, problems| {
        let patience: Option<f64> = row.parse_optional("patience_minutes", problems)?;
        Some(RawService {
            name: row.text("name"),
            volume_per_year: row.parse("volume_per_year", problems)?,
            profile: Some(row.text("profile")).filter(|p| !p.is_empty()),
            time_limit_working_days: row.parse("time_limit_working_days", problems)?,
            patience: patience.map(|mean_minutes| Minutes::Exponential { mean_minutes }),
            online_share: row.parse_optional("online_share", problems)?.unwrap_or(0.0),
            document_fetch_days: row.parse_optional("document_fetch_days", problems)?.unwrap_or(0.0),
            steps: Vec::new(),
            origin: Some(row.origin()),
        })
    });
    let step_columns = ["service", "step", "function", "role", "work", "in_person"];
    let mut previous: Option<(String, String)> = None;
    let parsed = steps.rows(problems, &step_columns, |row, problems| {
        let service = row.text("service");
        let name = row.text("step");
        let after = row.text("after");
        let after = match after.as_str() {
            "" => match &previous {
                Some((s, prev)) if *s == service => Some(vec![prev.clone()]),
                _ => Some(Vec::new()),
            },
            "start" => Some(Vec::new()),
            list => Some(list.split(';').map(|s| s.trim().to_string()).collect()),
        };
        previous = Some((service.clone(), name.clone()));
        let work = parse_work(row, problems)?;
        let documents = parse_documents(row, problems)?;
        let send_back_to = row.text("send_back_to");
        let send_back = if send_back_to.is_empty() {
            None
        } else {
            Some(RawSendBack { to: send_back_to, probability: row.parse("send_back_probability", problems)? })
        };
        let step = RawStep {
            name,
            function: row.text("function"),
            role: row.parse_with("role", problems, parse_role)?,
            work,
            in_person: row.parse_with("in_person", problems, |t| match t {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" | "" => Ok(false),
                _ => Err("expected true or false".to_string()),
            })?,
            personal: row.parse_with("personal", problems, |t| match t {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" | "" => Ok(false),
                _ => Err("expected true or false".to_string()),
            })?,
            after,
            after_when_revised: match row.text("after_when_revised").as_str() {
                "" => None,
                "start" => Some(Vec::new()),
                list => Some(list.split(';').map(|s| s.trim().to_string()).collect()),
            },
            documents,
            send_back,
            origin: Some(row.origin()),
        };
        Some((service, step, row.location("service")))
    });
    let index: HashMap<String, usize> = loaded.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
    for (service, step, location) in parsed {
        match index.get(&service) {
            Some(&i) => loaded[i].steps.push(step),
            None => {
                let hint = super::nearest(&service, loaded.iter().map(|s| s.name.as_str()))
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default();
                problems.push(Diagnostic {
                    location,
                    message: format!("step for unknown service `{service}`{hint} (not in the services table)"),
                });
            }
        }
    }
    loaded
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::ALL
        .into_iter()
        .find(|r| r.as_str() == text)
        .ok_or_else(|| "expected window_clerk, reviewer, approver or inspector".to_string())
}

fn parse_employment(text: &str) -> Result<Employment, String> {
    match text {
        "established" => Ok(Employment::Established),
        "contract" => Ok(Employment::Contract),
        _ => Err("expected established or contract".to_string()),
    }
}

fn parse_work(row: &CsvRow, problems: &mut Vec<Diagnostic>) -> Option<Minutes> {
    let kind = row.text("work");
    Some(match kind.as_str() {
        "exponential" => Minutes::Exponential { mean_minutes: row.parse("mean_minutes", problems)? },
        "lognormal" => {
            Minutes::LogNormal { mean_minutes: row.parse("mean_minutes", problems)?, cv: row.parse("cv", problems)? }
        }
        "triangular" => Minutes::Triangular {
            min_minutes: row.parse("min_minutes", problems)?,
            mode_minutes: row.parse("mode_minutes", problems)?,
            max_minutes: row.parse("max_minutes", problems)?,
        },
        "uniform" => Minutes::Uniform {
            min_minutes: row.parse("min_minutes", problems)?,
            max_minutes: row.parse("max_minutes", problems)?,
        },
        "constant" => Minutes::Constant { minutes: row.parse("mean_minutes", problems)? },
        _ => {
            problems.push(Diagnostic {
                location: row.location("work"),
                message: format!(
                    "unknown work-time distribution `{kind}` (expected exponential, lognormal, triangular, uniform or constant)"
                ),
            });
            return None;
        }
    })
}

fn parse_documents(row: &CsvRow, problems: &mut Vec<Diagnostic>) -> Option<Vec<RawRequirement>> {
    let text = row.text("documents");
    let mut out = Vec::new();
    for item in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let parsed = item.rsplit_once(':').and_then(|(d, p)| Some((d.trim(), p.trim().parse::<f64>().ok()?)));
        match parsed {
            Some((document, missing_probability)) => {
                out.push(RawRequirement { document: document.to_string(), missing_probability })
            }
            None => {
                problems.push(Diagnostic {
                    location: row.location("documents"),
                    message: format!("malformed document `{item}`: expected `name:probability`, e.g. `id_card:0.05`"),
                });
                return None;
            }
        }
    }
    Some(out)
}

/// A CSV file read whole, with its header.
struct CsvTable {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
    lines: Vec<String>,
    /// Rows that could not be read, reported once by [`CsvTable::rows`].
    errors: Vec<Diagnostic>,
}

/// One row of a [`CsvTable`].
struct CsvRow<'a> {
    table: &'a CsvTable,
    line: u64,
    record: &'a csv::StringRecord,
}

impl CsvTable {
    fn read(path: &Path) -> Result<CsvTable, LoadError> {
        let text = read(path)?;
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        // Flexible, so that a row with a missing or extra field is reported here,
        // with its line, and the rows after it are still read.
        let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
        let mut table =
            CsvTable { path: path.to_path_buf(), header: Vec::new(), rows: Vec::new(), lines, errors: Vec::new() };
        match reader.headers() {
            Ok(h) => table.header = h.iter().map(str::to_string).collect(),
            Err(e) => table.errors.push(table.csv_error(&e)),
        }
        for record in reader.records() {
            match record {
                Ok(r) if r.len() == table.header.len() => table.rows.push((r.position().map_or(0, |p| p.line()), r)),
                Ok(r) if r.len() == 1 && r.get(0).is_some_and(str::is_empty) => {} // a blank line
                Ok(r) => {
                    let error = table.field_count_error(&r);
                    table.errors.push(error);
                }
                Err(e) => {
                    table.errors.push(table.csv_error(&e));
                    break;
                }
            }
        }
        Ok(table)
    }

    /// A row whose number of fields differs from the header's.
    fn field_count_error(&self, record: &csv::StringRecord) -> Diagnostic {
        let line = record.position().map_or(0, |p| p.line() as usize);
        let snippet = self.lines.get(line.saturating_sub(1)).cloned();
        let (found, expected) = (record.len(), self.header.len());
        // Point at the first field too many, or at the end of a short row.
        let column = snippet.as_deref().map_or(1, |s| field_column(s, expected.min(found)));
        let message = if found > expected {
            format!(
                "row {line} has {found} fields but the header has {expected}: remove the extra comma, or put quotes around a value that contains one"
            )
        } else {
            let missing = &self.header[found..];
            format!(
                "row {line} has {found} fields but the header has {expected}: the value for {} is missing (leave it empty, but keep its comma)",
                missing.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
            )
        };
        Diagnostic { location: Location { path: self.path.clone(), line, column, snippet }, message }
    }

    fn csv_error(&self, e: &csv::Error) -> Diagnostic {
        let line = e.position().map_or(0, |p| p.line() as usize);
        Diagnostic {
            location: Location {
                path: self.path.clone(),
                line,
                column: 1,
                snippet: self.lines.get(line.saturating_sub(1)).cloned(),
            },
            message: format!("malformed CSV row {line}: {e}"),
        }
    }

    /// Converts every row with `convert`, reporting unreadable rows and missing
    /// columns once.
    fn rows<T>(
        &self,
        problems: &mut Vec<Diagnostic>,
        required: &[&str],
        mut convert: impl FnMut(&CsvRow, &mut Vec<Diagnostic>) -> Option<T>,
    ) -> Vec<T> {
        problems.extend(self.errors.iter().cloned());
        let missing: Vec<&str> = required.iter().copied().filter(|c| !self.header.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            let hints: Vec<String> = missing
                .iter()
                .map(|m| match super::nearest(m, self.header.iter().map(String::as_str)) {
                    Some(h) => format!("`{m}` (is `{h}` meant to be it?)"),
                    None => format!("`{m}`"),
                })
                .collect();
            problems.push(Diagnostic {
                location: Location {
                    path: self.path.clone(),
                    line: 1,
                    column: 1,
                    snippet: self.lines.first().cloned(),
                },
                message: format!("the header row lacks the column(s) {}", hints.join(", ")),
            });
            return Vec::new();
        }
        self.rows
            .iter()
            .filter_map(|(line, record)| convert(&CsvRow { table: self, line: *line, record }, problems))
            .collect()
    }
}

/// The 1-based column (in characters) where field `index` (0-based) of a CSV line
/// starts, or one past the end of the line.
fn field_column(line: &str, index: usize) -> usize {
    let mut commas = 0;
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        if commas == index {
            return i + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

impl CsvRow<'_> {
    fn column(&self, name: &str) -> Option<usize> {
        self.table.header.iter().position(|h| h == name)
    }

    fn text(&self, name: &str) -> String {
        self.column(name).and_then(|i| self.record.get(i)).unwrap_or("").to_string()
    }

    fn origin(&self) -> Origin {
        Origin { path: self.table.path.clone(), line: self.line }
    }

    /// Where a field of this row is, for messages.
    fn location(&self, name: &str) -> Location {
        let snippet = self.table.lines.get(self.line.saturating_sub(1) as usize).cloned();
        let index = self.column(name).unwrap_or(0);
        let column = snippet.as_deref().map_or(1, |s| field_column(s, index));
        Location { path: self.table.path.clone(), line: self.line as usize, column, snippet }
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, problems: &mut Vec<Diagnostic>) -> Option<T> {
        let text = self.text(name);
        match text.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                problems.push(Diagnostic {
                    location: self.location(name),
                    message: format!(
                        "row {}, column `{name}`: cannot read `{text}` as {}",
                        self.line,
                        type_word::<T>()
                    ),
                });
                None
            }
        }
    }

    fn parse_optional<T: std::str::FromStr>(&self, name: &str, problems: &mut Vec<Diagnostic>) -> Option<Option<T>> {
        if self.text(name).is_empty() { Some(None) } else { self.parse(name, problems).map(Some) }
    }

    fn parse_with<T>(
        &self,
        name: &str,
        problems: &mut Vec<Diagnostic>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.text(name);
        match parse(&text) {
            Ok(v) => Some(v),
            Err(expected) => {
                problems.push(Diagnostic {
                    location: self.location(name),
                    message: format!("row {}, column `{name}`: `{text}` is not valid: {expected}", self.line),
                });
                None
            }
        }
    }
}

fn type_word<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    if name.contains("f64") { "a number" } else { "a whole number (0 or more)" }
}
