//! Where things are written in a scenario's files: the text and parsed values of
//! every file of an `extends` chain and the lines of its CSV catalogues, to point
//! each message at the value it is about. It reads no file: the loader hands it
//! the texts it read.

use std::path::{Path, PathBuf};

use super::ron_tree::{self, Kind, Node, PathStep};
use super::{Diagnostic, Location};
use Needle::Field;

/// The text of every file of an `extends` chain, child first, each with its values
/// and their places (read with [`ron_tree`]), to point messages at values.
///
/// Places are found in the parsed values, never by searching the text, so that a
/// comment which mentions a name is never what a message points at.
#[derive(Default)]
pub(super) struct Sources {
    files: Vec<SourceFile>,
    /// The files a scenario names (CSV catalogues): the path, the field naming
    /// it, and where.
    named: Vec<(PathBuf, String, Location)>,
    /// The lines of each CSV catalogue read, to point at a row's fields.
    csv: Vec<(PathBuf, Vec<String>)>,
}

struct SourceFile {
    path: PathBuf,
    text: String,
    /// The parsed file; `None` only if the span reader disagrees with `ron`.
    root: Option<Node>,
}

impl Sources {
    pub(super) fn push(&mut self, path: PathBuf, text: String) {
        let root = ron_tree::parse(&text).ok();
        self.files.push(SourceFile { path, text, root });
    }

    /// Keeps the lines of the CSV catalogue `path`, read by the loader.
    pub(super) fn push_csv(&mut self, path: PathBuf, lines: Vec<String>) {
        self.csv.push((path, lines));
    }

    /// The scenario files read, child first.
    pub(super) fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|f| f.path.as_path())
    }

    /// Remembers that `field`, at `location`, names the file `path`.
    pub(super) fn name_file(&mut self, path: PathBuf, field: String, location: Location) {
        self.named.push((path, field, location));
    }

    /// The field that names the file `path`, and where, if a scenario does.
    pub(super) fn naming(&self, path: &Path) -> Option<(&str, &Location)> {
        self.named.iter().find(|(p, _, _)| p == path).map(|(_, f, l)| (f.as_str(), l))
    }

    /// The start of the scenario in the child file (for problems about the whole).
    pub(super) fn top(&self) -> Location {
        match self.files.first() {
            Some(f) => {
                let offset = f.root.as_ref().map_or(0, |r| r.span.start);
                location_at(&f.path, &f.text, offset)
            }
            None => Location { path: PathBuf::new(), line: 0, column: 0, snippet: None },
        }
    }

    /// Where `anchor` first appears as a value, searching the child file first:
    /// `"text"` is a string value; a bare word is a field name, a variant or a
    /// struct name. The top of the scenario when it appears nowhere.
    pub(super) fn locate(&self, anchor: &str) -> Location {
        let quoted = anchor.len() >= 2 && anchor.starts_with('"') && anchor.ends_with('"');
        for f in &self.files {
            let Some(root) = &f.root else { continue };
            let mut at = None;
            root.walk(None, &mut |field, node| {
                let hit = if quoted {
                    matches!(&node.kind, Kind::String(s) if *s == anchor[1..anchor.len() - 1])
                        .then_some(node.span.start)
                } else if let Some(field) = field.filter(|fl| fl.name == anchor) {
                    Some(field.span.start)
                } else if node.name() == Some(anchor)
                    || matches!(node.kind, Kind::Scalar) && &f.text[node.span.clone()] == anchor
                {
                    Some(node.span.start)
                } else {
                    None
                };
                at = hit;
                hit.is_some()
            });
            if let Some(offset) = at {
                return location_at(&f.path, &f.text, offset);
            }
        }
        self.top()
    }

    /// Where the value at `path` (fields from the top of the file) is written in
    /// the file `file`; the top of that file when it is not there.
    pub(super) fn locate_in(&self, file: &Path, path: &[PathStep]) -> Location {
        match self.files.iter().find(|f| f.path == file) {
            Some(f) => {
                let offset = f.root.as_ref().and_then(|r| r.at_path(path)).map_or(0, |n| n.span.start);
                location_at(&f.path, &f.text, offset)
            }
            None => self.top(),
        }
    }

    /// Where the value at `path` (fields from the top of the file) is written in
    /// the first file (child first) that sets the top-level field `path[0]`: the
    /// file whose value the scenario takes, since a child's field replaces its
    /// parent's whole. The file and the place; `None` if no file sets it.
    pub(super) fn locate_in_setter(&self, path: &[PathStep]) -> Option<(&Path, Location)> {
        let Some(PathStep::Field(top)) = path.first() else { return None };
        let file = self.setter(top)?;
        Some((file, self.locate_in(file, path)))
    }

    /// The first file (child first) that sets the top-level field `field`, whose
    /// value the scenario takes.
    pub(super) fn setter(&self, field: &str) -> Option<&Path> {
        self.files.iter().find(|f| f.root.as_ref().is_some_and(|r| r.field(field).is_some())).map(|f| f.path.as_path())
    }

    /// Whether the file `child` comes before `parent` in the `extends` chain (it
    /// extends it, directly or through others).
    pub(super) fn extends(&self, child: &Path, parent: &Path) -> bool {
        let place = |p: &Path| self.files.iter().position(|f| f.path == p);
        matches!((place(child), place(parent)), (Some(c), Some(q)) if c < q)
    }

    /// The place reached by finding each needle after the one before, in the first
    /// file (child first) where they all are; else the furthest any file gets;
    /// else the top of the scenario.
    pub(super) fn locate_path(&self, needles: &[Needle]) -> Location {
        let mut best: Option<(usize, Location)> = None;
        for f in &self.files {
            let Some(root) = &f.root else { continue };
            let mut from = 0;
            let mut found = 0;
            let mut at: Option<(&Node, Option<&ron_tree::Field>)> = None;
            for needle in needles {
                match needle.find(root, at.map(|(n, _)| n), from) {
                    Some((node, field)) => {
                        at = Some((node, field));
                        from = node.span.start + 1;
                        found += 1;
                    }
                    None => break,
                }
            }
            if let Some((node, field)) = at
                && best.as_ref().is_none_or(|(n, _)| found > *n)
            {
                // A problem with a whole list or unnamed struct points at its field's
                // name (a lone `[` or `(` says little); otherwise at the value.
                let offset = match (field, &node.unwrapped().kind) {
                    (Some(field), Kind::List(_) | Kind::Map(_)) => field.span.start,
                    (Some(field), Kind::Struct { name: None, .. } | Kind::Tuple { name: None, .. }) => field.span.start,
                    _ => node.span.start,
                };
                best = Some((found, location_at(&f.path, &f.text, offset)));
                if found == needles.len() {
                    break;
                }
            }
        }
        best.map_or_else(|| self.top(), |(_, location)| location)
    }

    /// Where the field `column` of the row on `line` (1-based) of the CSV file
    /// `path` is (the row's start if there is no such column).
    pub(super) fn locate_csv(&self, path: &Path, line: u64, column: &str) -> Location {
        let lines: &[String] = self.csv.iter().find(|(p, _)| *p == path).map_or(&[], |(_, l)| l);
        let header = lines.first().map_or("", String::as_str);
        let snippet = lines.get(line.saturating_sub(1) as usize).cloned();
        let index = header.split(',').position(|h| h.trim() == column);
        let column = match (index, snippet.as_deref()) {
            (Some(i), Some(row)) => {
                let mut commas = 0;
                let mut quoted = false;
                let mut at = row.chars().count() + 1;
                for (n, ch) in row.chars().enumerate() {
                    if commas == i {
                        at = n + 1;
                        break;
                    }
                    match ch {
                        '"' => quoted = !quoted,
                        ',' if !quoted => commas += 1,
                        _ => {}
                    }
                }
                at
            }
            _ => 1,
        };
        Location { path: path.to_path_buf(), line: line as usize, column, snippet }
    }

    /// Where `anchor` (a field's name, or a struct or variant name) first appears
    /// inside the value that `scope` reaches, in the first file (child first)
    /// where both are; `None` if no file has them.
    pub(super) fn locate_inside(&self, scope: &[Needle], anchor: &str) -> Option<Location> {
        for f in &self.files {
            let Some(root) = &f.root else { continue };
            let mut at: Option<&Node> = None;
            for needle in scope {
                let from = at.map_or(0, |n| n.span.start + 1);
                at = needle.find(root, at, from).map(|(node, _)| node);
                if at.is_none() {
                    break;
                }
            }
            let Some(inside) = at else { continue };
            let mut hit = None;
            inside.walk(None, &mut |field, node| {
                hit = match field {
                    Some(field) if field.name == anchor => Some(field.span.start),
                    _ => (node.name() == Some(anchor)).then_some(node.span.start),
                };
                hit.is_some()
            });
            if let Some(offset) = hit {
                return Some(location_at(&f.path, &f.text, offset));
            }
        }
        None
    }

    /// Where the field `field` first has its value.
    pub(super) fn locate_field(&self, field: &str) -> Location {
        self.locate_path(&[Field(field)])
    }
}

/// A diagnostic at every number of the RON text `text` (the file `path`)
/// written with a leading `+`. RON reads `+2` as 2, but a sign in front of a
/// count reads as a change (two more) as much as a count, so reformsim's files
/// refuse it rather than guess, as the CSV catalogues do; none if the text is
/// not RON (the parser's own error says so).
pub fn plus_signs(path: &Path, text: &str) -> Vec<Diagnostic> {
    let Ok(root) = ron_tree::parse(text) else { return Vec::new() };
    let mut found = Vec::new();
    root.walk(None, &mut |_, node| {
        if matches!(node.kind, Kind::Scalar) && text[node.span.clone()].starts_with('+') {
            found.push(node.span.clone());
        }
        false
    });
    found
        .into_iter()
        .map(|span| {
            let written = &text[span.clone()];
            Diagnostic {
                location: location_at(path, text, span.start),
                message: format!("`{written}` has a plus sign: numbers are written without one (`{}`)", &written[1..]),
            }
        })
        .collect()
}

/// A diagnostic at every key of a `{…}` map of the RON text `text` (the file
/// `path`) written a second time in that map: reading it, the later entry would
/// silently replace the earlier one (two arrival profiles, two templates of one
/// name). None if the text is not RON.
pub fn duplicate_keys(path: &Path, text: &str) -> Vec<Diagnostic> {
    let Ok(root) = ron_tree::parse(text) else { return Vec::new() };
    let mut found = Vec::new();
    root.walk(None, &mut |_, node| {
        if let Kind::Map(entries) = &node.kind {
            let key = |k: &ron_tree::Node| match &k.kind {
                Kind::String(s) => s.clone(),
                _ => text[k.span.clone()].to_string(),
            };
            let mut seen = std::collections::HashSet::new();
            for (k, _) in entries {
                let name = key(k);
                if !seen.insert(name.clone()) {
                    found.push((k.span.start, name));
                }
            }
        }
        false
    });
    found
        .into_iter()
        .map(|(offset, name)| Diagnostic {
            location: location_at(path, text, offset),
            message: format!(
                "key `{name}` is written twice in this map: the second would silently replace the first; write each key once"
            ),
        })
        .collect()
}

fn location_at(path: &Path, text: &str, offset: usize) -> Location {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    let snippet = text[line_start..].lines().next().map(str::to_string);
    Location { path: path.to_path_buf(), line, column, snippet }
}

/// One step on the way to a place in a scenario file, for [`Sources::locate_path`].
#[derive(Clone, Copy, Debug)]
pub(super) enum Needle<'a> {
    /// A field `field: "value"`; the place is the value.
    Named(&'a str, &'a str),
    /// A field `field:`; the place is its value.
    Field(&'a str),
    /// A string value `"value"`.
    Quoted(&'a str),
    /// The item at this index (from 0) of the list the needle before found.
    Index(usize),
}

impl Needle<'_> {
    /// The next value this needle matches that starts at or after `from`; for
    /// [`Needle::Index`], the item of `previous`.
    fn find<'n>(
        self,
        root: &'n Node,
        previous: Option<&'n Node>,
        from: usize,
    ) -> Option<(&'n Node, Option<&'n ron_tree::Field>)> {
        if let Needle::Index(i) = self {
            return match &previous?.unwrapped().kind {
                Kind::List(items) => items.get(i).map(|n| (n, None)),
                _ => None,
            };
        }
        let mut found = None;
        root.walk(None, &mut |field, node| {
            if node.span.start < from {
                return false;
            }
            let name = field.map(|f| f.name.as_str());
            let string = match &node.unwrapped().kind {
                Kind::String(s) => Some(s.as_str()),
                _ => None,
            };
            let hit = match self {
                Needle::Field(f) => name == Some(f),
                Needle::Named(f, v) => name == Some(f) && string == Some(v),
                Needle::Quoted(v) => matches!(&node.kind, Kind::String(s) if s == v),
                Needle::Index(_) => false,
            };
            if hit {
                found = Some((node, field));
            }
            hit
        });
        found
    }
}
