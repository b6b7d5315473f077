//! The documents section: each document applicants may have to bring, and the
//! department that holds it (after mergers).

use std::collections::HashMap;

use super::departments::Organisation;
use crate::scenario::checks::Checker;
use crate::scenario::model::{Document, DocumentId};
use crate::scenario::raw::RawDocument;
use crate::scenario::sources::Needle::{Field, Named};

/// The documents, with the index of each name (the last entry of a name listed twice).
pub(super) fn documents(
    c: &mut Checker,
    raw: Vec<RawDocument>,
    organisation: &Organisation,
) -> (Vec<Document>, HashMap<String, DocumentId>) {
    let department_names = organisation.department_names();
    let mut documents = Vec::new();
    let mut document_ids: HashMap<String, DocumentId> = HashMap::new();
    for d in raw {
        c.name_at(d.origin.as_ref(), &[Field("documents"), Named("name", &d.name)], "name", "document", &d.name);
        if document_ids.insert(d.name.clone(), documents.len()).is_some() {
            let second = [Field("documents"), Named("name", &d.name), Named("name", &d.name)];
            c.at(d.origin.as_ref(), &second, "name", format!("document `{}` is listed twice", d.name));
        }
        let held_by = organisation.department(&d.held_by).unwrap_or_else(|| {
            let place = [Field("documents"), Named("name", &d.name), Named("held_by", &d.held_by)];
            c.unknown_at(d.origin.as_ref(), &place, "held_by", "department", &d.held_by, &department_names);
            0
        });
        documents.push(Document { name: d.name, held_by });
    }
    (documents, document_ids)
}
