"""Reads reformsim's event logs with PM4Py, as a process-mining user would, and
checks them against the run's own figures (scripts/eventlog/pm4py.sh runs it).

Usage: check.py RESULT_FOLDER EVENTS.csv EVENTS.xes

- both logs load whole (pandas + pm4py.format_dataframe; pm4py.read_xes) and
  agree: the same cases, activities and events per case;
- per replication, the measured cases whose last event completed or abandoned
  the case are the summary's cases_completed and cases_abandoned;
- the queue wait rebuilt from the log (start minus ready timestamp, summed per
  finished case) equals the summary's wait_minutes_mean (the scenario has an
  all-day calendar, so opening hours are all hours);
- a directly-follows graph can be discovered, and names only logged activities.
Exit status 0 when every check holds.
"""

import sys

import pandas as pd
import pm4py

folder, csv_path, xes_path = sys.argv[1:4]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


raw = pd.read_csv(csv_path)
csv_log = pm4py.format_dataframe(
    raw, case_id="case:concept:name", activity_key="concept:name", timestamp_key="time:timestamp"
)
xes_log = pm4py.read_xes(xes_path)
print(f"CSV: {len(csv_log)} events, XES: {len(xes_log)} events")

cases_csv = csv_log["case:concept:name"].nunique()
cases_xes = xes_log["case:concept:name"].nunique()
check(cases_csv == cases_xes, f"cases: CSV {cases_csv}, XES {cases_xes}")
acts_csv = set(csv_log["concept:name"])
acts_xes = set(xes_log["concept:name"])
check(acts_csv == acts_xes, f"activities: CSV {len(acts_csv)}, XES {len(acts_xes)}")
per_case_csv = csv_log.groupby("case:concept:name").size().sort_index()
per_case_xes = xes_log.groupby("case:concept:name").size().sort_index()
check(per_case_csv.equals(per_case_xes), "events per case agree between CSV and XES")
check("case:service" in xes_log.columns and "case:warmup" in xes_log.columns, "XES trace attributes read as case:…")

summary = pd.read_csv(f"{folder}/summary.csv")
ended = {"case_completed", "case_abandoned", "case_refused"}
for replication, row in summary.reset_index(drop=True).iterrows():
    log = csv_log[(csv_log["replication"] == replication) & (~csv_log["case:warmup"])]
    log = log.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
    last = log.groupby("case:concept:name")["outcome"].last()
    for outcome, column in [("case_completed", "cases_completed"), ("case_abandoned", "cases_abandoned")]:
        got = int((last == outcome).sum())
        check(got == int(row[column]), f"replication {replication}: {column} log {got}, summary {int(row[column])}")
    finished = last[last.isin(ended)].index
    rows = log[log["case:concept:name"].isin(finished)]
    ready = pd.to_datetime(rows["time:ready_timestamp"], format="ISO8601")
    start = pd.to_datetime(rows["time:start_timestamp"], format="ISO8601")
    waits = (start - ready).dt.total_seconds().groupby(rows["case:concept:name"]).sum() / 60.0
    rebuilt = waits.reindex(finished, fill_value=0.0).mean()
    expected = float(row["wait_minutes_mean"])
    check(abs(rebuilt - expected) < 1e-3, f"replication {replication}: wait rebuilt {rebuilt:.6f} min, summary {expected:.6f}")

dfg, starts, ends = pm4py.discover_dfg(csv_log)
named = {a for pair in dfg for a in pair} | set(starts) | set(ends)
check(len(dfg) > 0 and named <= acts_csv, f"directly-follows graph: {len(dfg)} arcs over logged activities")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("every check passed")
