//! The event log as XES (IEEE 1849-2016): a `<trace>` per case holding its
//! `<event>`s. Rows arrive in the order events ended, cases interleaved, so each
//! case's events wait in memory until the case ends (its last row), then its
//! trace is written: memory grows with the cases in progress, not with the log.
//! Cases still open when a replication or the run ends are written then, in the
//! order they first appeared.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};

use super::Row;
use crate::export::escape_markup as escape;

pub(super) const PROLOGUE: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="source" value="reformsim"/>
"#;

/// A case whose trace is not written yet: its attributes and events, as XML.
struct Open {
    attributes: String,
    events: String,
}

/// Writes XES, holding each case's events until the case ends.
pub(super) struct Writer {
    out: BufWriter<File>,
    /// Open cases by first appearance, and their sequence numbers by case id.
    open: BTreeMap<u64, Open>,
    ids: HashMap<String, u64>,
    next: u64,
    replication: Option<u64>,
}

impl Writer {
    pub(super) fn start(mut out: BufWriter<File>) -> std::io::Result<Writer> {
        out.write_all(PROLOGUE.as_bytes())?;
        Ok(Writer { out, open: BTreeMap::new(), ids: HashMap::new(), next: 0, replication: None })
    }

    /// Adds `row` of replication `replication` to its case; `ends` when it is the
    /// case's last row, which writes the trace.
    pub(super) fn event(&mut self, replication: u64, row: &Row<'_>, ends: bool) -> std::io::Result<()> {
        if self.replication != Some(replication) {
            self.flush_open()?;
            self.replication = Some(replication);
        }
        let seq = match self.ids.get(&row.case) {
            Some(&seq) => seq,
            None => {
                let seq = self.next;
                self.next += 1;
                self.ids.insert(row.case.clone(), seq);
                let attributes = format!(
                    concat!(
                        "    <string key=\"concept:name\" value=\"{}\"/>\n",
                        "    <string key=\"service\" value=\"{}\"/>\n",
                        "    <date key=\"arrival_timestamp\" value=\"{}\"/>\n",
                        "    <boolean key=\"warmup\" value=\"{}\"/>\n",
                        "    <int key=\"replication\" value=\"{}\"/>\n",
                    ),
                    escape(&row.case),
                    escape(row.service),
                    row.arrival,
                    row.warmup,
                    replication
                );
                self.open.insert(seq, Open { attributes, events: String::new() });
                seq
            }
        };
        let case = self.open.get_mut(&seq).expect("every known id is open");
        case.events.push_str(&format!(
            concat!(
                "    <event>\n",
                "      <string key=\"concept:name\" value=\"{}\"/>\n",
                "      <string key=\"lifecycle:transition\" value=\"complete\"/>\n",
                "      <date key=\"time:timestamp\" value=\"{}\"/>\n",
                "      <date key=\"start_timestamp\" value=\"{}\"/>\n",
                "      <date key=\"ready_timestamp\" value=\"{}\"/>\n",
                "      <float key=\"wait_minutes\" value=\"{}\"/>\n",
                "      <string key=\"org:resource\" value=\"{}\"/>\n",
                "      <string key=\"org:group\" value=\"{}\"/>\n",
                "      <string key=\"org:role\" value=\"{}\"/>\n",
                "      <string key=\"department\" value=\"{}\"/>\n",
                "      <string key=\"step\" value=\"{}\"/>\n",
                "      <string key=\"outcome\" value=\"{}\"/>\n",
                "      <int key=\"trips_so_far\" value=\"{}\"/>\n",
                "    </event>\n",
            ),
            escape(&row.activity),
            row.end,
            row.start,
            row.ready,
            row.wait,
            escape(&row.resource),
            escape(&row.group),
            row.role,
            escape(&row.department),
            escape(row.step),
            row.outcome,
            row.trips,
        ));
        if ends {
            self.ids.remove(&row.case);
            let case = self.open.remove(&seq).expect("open above");
            self.write_trace(&case)?;
        }
        Ok(())
    }

    fn write_trace(&mut self, case: &Open) -> std::io::Result<()> {
        self.out.write_all(b"  <trace>\n")?;
        self.out.write_all(case.attributes.as_bytes())?;
        self.out.write_all(case.events.as_bytes())?;
        self.out.write_all(b"  </trace>\n")
    }

    /// Writes the traces of the cases still open, in the order they appeared.
    fn flush_open(&mut self) -> std::io::Result<()> {
        for case in std::mem::take(&mut self.open).into_values() {
            self.write_trace(&case)?;
        }
        self.ids.clear();
        Ok(())
    }

    /// Writes the open cases and closes the log.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        self.flush_open()?;
        self.out.write_all(b"</log>\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn attribute_values_are_escaped() {
        assert_eq!(escape(r#"Tax & "fees" <a'b>"#), "Tax &amp; &quot;fees&quot; &lt;a&#39;b&gt;");
        // XML 1.0 cannot carry most control characters: the file stays well-formed.
        assert_eq!(escape("Marr\u{1}iage\u{b}\treg\u{1f}\n"), "Marr\u{FFFD}iage\u{FFFD}&#9;reg\u{FFFD}&#10;");
    }
}
