"""The event play end to end with the real command: demo -> segment -> assign -> export ->
a rep edits the tracker as reps do -> sync -> the project shows it, nothing lost."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest


def j(proc):
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory) -> Path:
    from tests.conftest import run_cli
    path = tmp_path_factory.mktemp("demo") / "demo.gtmp"
    run_cli("demo", str(path))
    return path


@pytest.fixture
def project(demo_project, tmp_path) -> Path:
    p = tmp_path / "play.gtmp"
    shutil.copy(demo_project, p)
    return p


def test_demo_is_realistic(demo_project, cli):
    info = j(cli("info", str(demo_project), "--json"))
    c = info["counts"]
    assert 1800 <= c["people"] <= 2100 and 400 <= c["accounts"] <= 520
    assert 250 <= c["opportunities"] <= 420 and 4 <= c["reps"] <= 6 and c["activities"] > 1000
    ev = info["events"][0]
    assert ev["city"] == "Boston" and ev["start_date"]
    near = j(cli("people", str(demo_project), "--near", "Boston, MA", "--radius", "100mi",
                 "--json", "--limit", "1"))
    assert near["count"] > c["people"] * 0.5          # most attendees are near the event
    assert near["count"] < c["people"] * 0.95         # ... but not all
    assert set(info["tiers"]) >= {"A", "B", "C", "D"}
    db = sqlite3.connect(demo_project)
    classes = dict(db.execute("SELECT opp_class, COUNT(*) FROM opportunities GROUP BY 1"))
    assert {"won", "lost_retarget", "lost_bad_fit"} <= set(classes)
    assert classes.get("stalled", 0) + classes.get("open_active", 0) > 0


def test_segment_assign_export_edit_sync(project, cli, tmp_path):
    seg = j(cli("segment", str(project), "Nearby A/B", "--where",
                "tier in (A, B) and distance_mi <= 100", "--suppress",
                "opted_out,competitors", "--json"))
    assert seg["count"] > 50 and seg["removed"]["opted_out"] >= 0
    assigned = j(cli("assign", str(project), "--json"))
    assert assigned["assigned"] == assigned["targets"] == seg["count"]
    out = tmp_path / "out"
    exp = j(cli("export", str(project), "--out", str(out), "--json"))
    kinds = {f["kind"] for f in exp["files"]}
    assert {"target_sheet", "tracker", "pdf", "mailmerge", "salesforce", "hubspot"} <= kinds
    for f in exp["files"]:
        assert Path(f["path"]).exists() and f["rows"] >= 0
    # Opted-out people never reach an outreach file.
    db = sqlite3.connect(project)
    opted = {r[0] for r in db.execute("SELECT email FROM people WHERE opted_out = 1 AND "
                                      "email IS NOT NULL")}
    assert opted
    with open(next(f["path"] for f in exp["files"] if f["kind"] == "mailmerge"),
              encoding="utf-8-sig") as fh:
        merged = {row["Email"] for row in csv.DictReader(fh)}
    assert merged and not (merged & opted)

    # A rep fills in their tracker the way reps do.
    tracker = next(Path(f["path"]) for f in exp["files"]
                   if f["kind"] == "tracker" and f["rep"])
    rep = next(f["rep"] for f in exp["files"] if Path(f["path"]) == tracker)
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Follow-up"]
    headers = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(headers)}
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True) if r[col["Target ID"]]]
    rows.sort(key=lambda r: str(r[col["Name"]]), reverse=True)       # re-sorted
    first, second = rows[0], rows[1]
    first[col["Status"]] = "Meeting booked"
    first[col["Notes"]] = "Met at booth; wants pricing for 40 seats"
    first[col["Touches"]] = 2
    second[col["Status"]] = "attempted"                                 # sloppy case
    keep = [h for h in headers if h != "Phone"]                          # a column deleted
    ws.delete_rows(2, ws.max_row)
    ws.delete_cols(col["Phone"] + 1)
    for i, r in enumerate(rows, start=2):
        for j_, h in enumerate(keep):
            ws.cell(row=i, column=j_ + 1, value=r[col[h]])
    extra = len(rows) + 2                                                # met at the booth
    ws.cell(row=extra, column=keep.index("Name") + 1, value="Walk In Person")
    ws.cell(row=extra, column=keep.index("Email") + 1, value="walk.in@newco.example")
    ws.cell(row=extra, column=keep.index("Status") + 1, value="Connected")
    ws.cell(row=extra, column=keep.index("Notes") + 1, value="Booth visitor, not on the list")
    ws.title = "My follow-ups"                                           # sheet renamed
    edited = tmp_path / "returned.xlsx"
    wb.save(edited)

    res = j(cli("sync", str(project), str(edited), "--json"))
    assert res["updated"] >= 2 and not res["conflicts"]
    tid1, tid2 = first[col["Target ID"]], second[col["Target ID"]]
    got = dict((r[0], r[1:]) for r in db.execute(
        "SELECT target_key, status, notes, touches FROM targets WHERE target_key IN (?, ?)",
        (tid1, tid2)))
    assert got[tid1] == ("Meeting booked", "Met at booth; wants pricing for 40 seats", 2)
    assert got[tid2][0] == "Attempted"
    assert any(a["email"] == "walk.in@newco.example" for a in res["added"])
    walk = db.execute("SELECT t.rep, t.status FROM targets t JOIN people p ON p.id = t.person_id"
                      " WHERE p.email = 'walk.in@newco.example'").fetchone()
    assert walk == (rep, "Connected")
    # Syncing the same file again changes nothing.
    again = j(cli("sync", str(project), str(edited), "--json"))
    assert again["updated"] == 0 and not again["added"]
