//! The entries of a spec file that set values in a scenario — a sweep's or an
//! analysis's parameters, an optimise file's variables, `fixed` values — where
//! each writes its paths, and the checks every spec makes of them: the fixed
//! values apply, and no two entries set the same place. Each problem is
//! recorded at the entry's path as written in the spec, never at the first
//! text that matches it (two entries may well write the same path).

use std::path::Path;

use super::param_path::{self, ParamPath};
use super::problems::Problems;
use crate::scenario::ron_tree::PathStep;

/// Where a spec writes one path of an entry.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PathAt {
    /// The entry's place from the top of the file (`parameters[2]`, `predict.fixed[0]`).
    pub(crate) entry: Vec<PathStep<'static>>,
    /// Which of its paths: the one `path: "…"`, or item `index` of `paths: […]`.
    pub(crate) index: usize,
}

impl PathAt {
    /// Path `index` of the entry at `entry`.
    pub(crate) fn new(entry: &[PathStep<'static>], index: usize) -> PathAt {
        PathAt { entry: entry.to_vec(), index }
    }

    /// The path of item `k` of the `fixed` list at `list` (`fixed`, `predict.fixed`).
    pub(crate) fn fixed(list: &[PathStep<'static>], k: usize) -> PathAt {
        let entry = list.iter().copied().chain([PathStep::Field("fixed"), PathStep::Index(k)]).collect();
        PathAt { entry, index: 0 }
    }

    /// The list the entry is in, for messages: `` `fixed` ``, `` `predict.fixed` ``.
    pub(crate) fn list(&self) -> String {
        let fields: Vec<String> = self
            .entry
            .iter()
            .filter_map(|step| match step {
                PathStep::Field(name) => Some(name.to_string()),
                PathStep::Index(_) => None,
            })
            .collect();
        format!("`{}`", fields.join("."))
    }

    /// The field `name` of the entry (`value`, `values`, `range`).
    pub(crate) fn field(&self, name: &'static str) -> Vec<PathStep<'static>> {
        self.entry.iter().copied().chain([PathStep::Field(name)]).collect()
    }

    /// Where the path may be written, most precise first: `path`, the item of
    /// `paths`, the entry.
    fn places(&self) -> Vec<Vec<PathStep<'static>>> {
        let mut places = Vec::new();
        if self.index == 0 {
            places.push(self.field("path"));
        }
        places
            .push(self.entry.iter().copied().chain([PathStep::Field("paths"), PathStep::Index(self.index)]).collect());
        places.push(self.entry.clone());
        places
    }
}

impl Problems<'_> {
    /// Records a problem at the path written at `at`; `near` (the path's text)
    /// is the last resort, as in [`Problems::add`].
    pub(crate) fn add_at_written(&mut self, at: &PathAt, near: &str, message: String) {
        self.add_at_first(&at.places(), near, message);
    }
}

/// A `fixed` value as read from a spec: its path, its RON text, where the path is written.
pub(crate) type Fixed<'f> = (&'f ParamPath, &'f str, PathAt);

/// The setters of `fixed` values, numbered from 0 as entries.
pub(crate) fn fixed_setters<'f>(fixed: &'f [Fixed]) -> Vec<Setter<'f>> {
    let setter = |(k, (path, _, at)): (usize, &'f Fixed)| Setter { who: at.list(), entry: k, path, at: at.clone() };
    fixed.iter().enumerate().map(setter).collect()
}

/// The scenario text `text` (of the scenario at `file`) with every `fixed`
/// value set, or `None` if a path does not resolve: each such path is reported
/// at its place in the spec (the others are still set, so that each is tried).
pub(crate) fn apply_fixed(file: &Path, text: &str, fixed: &[Fixed], problems: &mut Problems) -> Option<String> {
    let mut out = text.to_string();
    let mut applied = true;
    for (path, value, at) in fixed {
        match param_path::apply(file, &out, &[(path, value)]) {
            Ok(next) => out = next,
            Err(e) => {
                problems.add_at_written(at, path.as_str(), e.to_string());
                applied = false;
            }
        }
    }
    applied.then_some(out)
}

/// One path an entry sets, for [`check_collisions`].
pub(crate) struct Setter<'p> {
    /// Who sets it, for messages: ``parameter `clerks` ``, `` `fixed` ``.
    pub(crate) who: String,
    /// Which entry sets it: the paths of one parameter share it; each `fixed` value has its own.
    pub(crate) entry: usize,
    /// The path.
    pub(crate) path: &'p ParamPath,
    /// Where the spec writes it.
    pub(crate) at: PathAt,
}

/// Reports every pair of places set by different entries (`setters`) that
/// collide in `text` (the scenario at `file`), see [`param_path::collisions`]:
/// at the later one's path as written in the spec.
pub(crate) fn check_collisions(file: &Path, text: &str, setters: &[Setter], problems: &mut Problems) {
    let keys: Vec<String> = setters.iter().map(|s| s.entry.to_string()).collect();
    let entries: Vec<(&str, &ParamPath)> = setters.iter().zip(&keys).map(|(s, key)| (key.as_str(), s.path)).collect();
    for (i, j) in param_path::collisions(file, text, &entries) {
        let (a, b) = (&setters[i], &setters[j]);
        problems.add_at_written(
            &b.at,
            b.path.as_str(),
            format!(
                "`{}` of {} sets the same place as `{}` of {} (or one inside the other): one would silently win; set each place once",
                b.path.as_str(),
                b.who,
                a.path.as_str(),
                a.who
            ),
        );
    }
}
