//! The problems found in a spec file (a sweep, a sensitivity analysis, a
//! calibration, an optimisation), each recorded at its place in the file: the
//! parsed value it is about, as the scenario loader's diagnostics are.

use crate::scenario::ron_tree::PathStep;
use crate::scenario::{Diagnostic, Location};
use std::path::Path;

/// Collects the problems of a sweep file (or of an analysis spec: sensitivity,
/// calibration, optimisation, which share this machinery), each pointing into it.
pub(crate) struct Problems<'a> {
    /// The file.
    pub(crate) file: &'a Path,
    /// Its text.
    pub(crate) text: &'a str,
    /// The problems found so far.
    pub(crate) found: Vec<Diagnostic>,
}

impl Problems<'_> {
    /// Records a problem at the first occurrence of `near` in the file (or its
    /// top): for a field or value the file has once (`replications`); a problem
    /// with an entry of a list (a parameter, its path, a `fixed` value) is
    /// recorded at its place ([`Problems::add_at_path`], [`Problems::add_in_entry`],
    /// [`super::entries::PathAt`]), since its words may be written in several.
    pub(crate) fn add(&mut self, near: &str, message: String) {
        // The value or field `near` is, as parsed; else the text, which may hold
        // the words escaped, as inside a RON string.
        if let Some(offset) = value_offset(self.text, near) {
            return self.add_at_offset(offset, message);
        }
        let quoted = super::ron_tree::quote(near);
        let escaped = &quoted[1..quoted.len() - 1];
        let (line, column) = [near, escaped]
            .into_iter()
            .filter(|n| !n.is_empty())
            .find_map(|n| self.text.find(n))
            .map(|offset| {
                let before = &self.text[..offset];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, column)
            })
            .unwrap_or((0, 0));
        let snippet = (line > 0).then(|| self.text.lines().nth(line - 1).unwrap_or("").to_string());
        self.push(Diagnostic { location: Location { path: self.file.to_path_buf(), line, column, snippet }, message });
    }

    /// Records `found` unless the same problem is recorded at the same place
    /// already (a spec checked against two scenarios finds a `fixed` value's
    /// problem in both).
    fn push(&mut self, found: Diagnostic) {
        if !self.found.iter().any(|d| d.location == found.location && d.message == found.message) {
            self.found.push(found);
        }
    }

    /// Records a problem at the value at `path` from the top of the file (such as
    /// the second item of a list, where [`Problems::add`] would find the first);
    /// else as [`Problems::add`] does with `near`.
    pub(crate) fn add_at_path(&mut self, path: &[PathStep], near: &str, message: String) {
        let root = crate::scenario::ron_tree::parse(self.text).ok();
        match root.as_ref().and_then(|root| root.at_path(path)) {
            Some(node) => self.add_at_offset(node.span.start, message),
            None => self.add(near, message),
        }
    }

    /// Records a problem at the first of `places` (each a path from the top of
    /// the file) that the file has; else as [`Problems::add`] does with `near`.
    pub(crate) fn add_at_first(&mut self, places: &[Vec<PathStep>], near: &str, message: String) {
        let root = crate::scenario::ron_tree::parse(self.text).ok();
        match root.as_ref().and_then(|root| places.iter().find_map(|place| root.at_path(place))) {
            Some(node) => self.add_at_offset(node.span.start, message),
            None => self.add(near, message),
        }
    }

    /// Records a problem at the first of `fields` that the entry at `entry` (a
    /// parameter, a variable, a `fixed` value: its path from the top of the
    /// file) has written, else at the entry; `near` is the last resort, as in
    /// [`Problems::add`].
    pub(crate) fn add_in_entry(&mut self, entry: &[PathStep], fields: &[&str], near: &str, message: String) {
        let mut places: Vec<Vec<PathStep>> =
            fields.iter().map(|f| entry.iter().copied().chain([PathStep::Field(f)]).collect()).collect();
        places.push(entry.to_vec());
        self.add_at_first(&places, near, message);
    }

    fn add_at_offset(&mut self, offset: usize, message: String) {
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let snippet = self.text.lines().nth(line - 1).map(str::to_string);
        let location = Location { path: self.file.to_path_buf(), line, column, snippet };
        self.push(Diagnostic { location, message });
    }
}

/// Where the first field named `near`, or the first string value `near`, is in
/// the sweep file `text` (parsed, so never in a comment).
fn value_offset(text: &str, near: &str) -> Option<usize> {
    use crate::scenario::ron_tree::{self, Kind};
    let root = ron_tree::parse(text).ok()?;
    let mut at = None;
    root.walk(None, &mut |field, node| {
        at = match (field, &node.kind) {
            (Some(f), _) if f.name == near => Some(f.span.start),
            (_, Kind::String(s)) if s == near => Some(node.span.start),
            _ => None,
        };
        at.is_some()
    });
    at
}
