"""Safe output: a roster cannot inject formulas into a rep's spreadsheet.

A roster (and a reps file, an event and a segment named by a stranger) carrying
``=HYPERLINK(...)``, ``@SUM(...)``, ``+cmd|...``, ``-2+3``, tab- and CR-led values goes
through the real commands: import -> score -> segment -> assign -> export (every
format) -> people --csv -> report. Then every written xlsx is opened with openpyxl:
no cell is a formula except in the tracker's Summary sheet (and the report's, which
we write ourselves from numbers), and no text cell starts with a character a
spreadsheet would act on. Every CSV cell is checked the same way; the payloads
are there, behind an apostrophe. A rep who types ``=1+1`` as a note gets it back
as text through sync.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from gtmplanner.core.export.safe import DANGEROUS_PREFIXES
from tests.trust.conftest import run_cli

pytestmark = pytest.mark.timeout(180)

PAYLOADS = ['=HYPERLINK("http://evil.example","click")', "@SUM(A1)", "+cmd|' /C calc'!A0",
            "-2+3", "\t=1+2", "\r=1+2"]
EVENT = "+Evil Summit"
SEGMENT = "=Injected list"
REP = "@Evil Rep"
FORMULA_SHEETS = {"Summary"}  # the tracker's own totals (and the report's), never user text


def _dangerous(value: object) -> bool:
    """Text a spreadsheet would act on (a plain number such as -0.9 is just a number)."""
    if not isinstance(value, str) or value == "-" or not value.startswith(DANGEROUS_PREFIXES):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return value.strip() != value  # " -1" style padding is text


def _write_inputs(tmp: Path) -> tuple[Path, Path]:
    roster = tmp / "organiser roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["First Name", "Last Name", "Email", "Company", "Job Title", "City", "State",
                    "Notes"])
        for k in range(len(PAYLOADS) * 3):
            p = [PAYLOADS[(k + j) % len(PAYLOADS)] for j in range(6)]
            w.writerow([p[0], p[1], f"inject{k}@evil{k}.example", p[2], p[3], p[4], "MA",
                        p[5]])
    reps = tmp / "reps.csv"
    with reps.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Name", "Email", "Territory", "Daily capacity", "Attending event"])
        w.writerow([REP, "evil.rep@ourco.example", "MA; NH; =cmd|' /C calc'!A0", "150", "yes"])
    return roster, reps


@pytest.fixture(scope="module")
def exported(demo_master: Path, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("inject")
    project = tmp / "p.gtmp"
    project.write_bytes(demo_master.read_bytes())
    roster, reps = _write_inputs(tmp)
    p = str(project)
    imp = json.loads(run_cli("import", p, str(roster), "--kind", "roster", "--event", EVENT,
                             "--json").stdout)
    assert imp["rows_imported"] == len(PAYLOADS) * 3, imp
    run_cli("import", p, str(reps), "--kind", "reps")
    run_cli("score", p)
    seg = json.loads(run_cli("segment", p, SEGMENT, "--event", EVENT, "--where",
                             "email contains evil", "--suppress", "opted_out",
                             "--json").stdout)
    assert seg["count"] == len(PAYLOADS) * 3, seg
    run_cli("assign", p, "--event", EVENT)
    out = tmp / "out"
    exp = json.loads(run_cli("export", p, "--event", EVENT, "--out", str(out), "--json").stdout)
    people_csv = tmp / "people.csv"
    run_cli("people", p, "--event", EVENT, "--csv", str(people_csv), "--json")
    files = [Path(f["path"]) for f in exp["files"]] + [people_csv]
    rep = run_cli("report", p, "--event", EVENT, "--xlsx", str(tmp / "report.xlsx"),
                  check=False)
    if rep.returncode == 0 and (tmp / "report.xlsx").exists():
        files.append(tmp / "report.xlsx")
    return {"project": project, "files": files, "export": exp, "out": out}


def test_every_format_was_written(exported: dict) -> None:
    kinds = {f["kind"] for f in exported["export"]["files"]}
    assert {"target_sheet", "tracker", "mailmerge", "salesforce", "hubspot", "pdf"} <= kinds
    assert REP in exported["export"]["reps"]


def test_no_formula_and_no_dangerous_text_in_any_xlsx(exported: dict) -> None:
    seen_payload = 0
    books = [f for f in exported["files"] if f.suffix == ".xlsx"]
    assert len(books) >= 4
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    where = f"{book.name}!{ws.title}!{cell.coordinate}"
                    if cell.data_type == "f":
                        assert ws.title in FORMULA_SHEETS, f"formula in {where}: {cell.value}"
                        assert all(p.strip()[:4] not in str(cell.value) for p in PAYLOADS), where
                        continue
                    assert not _dangerous(cell.value), f"{where}: {cell.value!r}"
                    if isinstance(cell.value, str) and cell.value.startswith("'") and \
                            cell.value[1:].startswith(tuple(p.strip() for p in PAYLOADS)):
                        seen_payload += 1
        wb.close()
    assert seen_payload >= len(PAYLOADS)  # the values are there, as text


def test_no_dangerous_text_in_any_csv(exported: dict) -> None:
    csvs = [f for f in exported["files"] if f.suffix == ".csv"]
    assert len(csvs) >= 4
    quoted = 0
    for f in csvs:
        with f.open(encoding="utf-8-sig", newline="") as fh:
            for r, row in enumerate(csv.reader(fh)):
                for c, value in enumerate(row):
                    assert not _dangerous(value), f"{f.name} row {r} col {c}: {value!r}"
                    quoted += value.startswith(("'=", "'@", "'+", "'-2+3"))
    assert quoted >= len(PAYLOADS)


def test_the_project_keeps_the_values_as_typed(exported: dict) -> None:
    """Neutralising is for output only: the project stores what the roster said."""
    db = sqlite3.connect(exported["project"])
    got = {r[0] for r in db.execute("SELECT company FROM people WHERE email LIKE '%evil%'")}
    db.close()
    assert {'=HYPERLINK("http://evil.example","click")', "@SUM(A1)"} <= {
        (g or "").strip() for g in got}


def _note_cell(ws) -> tuple[int, int, int]:
    headers = [c.value for c in ws[1]]
    return headers.index("Target ID") + 1, headers.index("Notes") + 1, headers.index("Status") + 1


def test_a_note_typed_as_a_formula_round_trips_as_text(exported: dict, tmp_path: Path) -> None:
    project = str(exported["project"])
    tracker = next(Path(f["path"]) for f in exported["export"]["files"]
                   if f["kind"] == "tracker" and f["rep"] == REP)
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Follow-up"]
    tid_col, note_col, status_col = _note_cell(ws)
    tids = []
    for r, value in ((2, "=1+1"), (3, "@SUM(A1:A9)"), (4, "'=1+1")):
        tids.append(ws.cell(r, tid_col).value)
        cell = ws.cell(r, note_col)
        cell.value = value
        cell.data_type = "s"          # what Excel stores for a note typed as text
        ws.cell(r, status_col).value = "Attempted"
    edited = tmp_path / "returned.xlsx"
    wb.save(edited)
    res = json.loads(run_cli("sync", project, str(edited), "--json").stdout)
    assert res["updated"] >= 3 and not res["conflicts"], res
    db = sqlite3.connect(project)
    notes = dict(db.execute("SELECT target_key, notes FROM targets WHERE target_key IN (?,?,?)",
                            tids))
    assert notes[tids[0]] == "=1+1" and notes[tids[1]] == "@SUM(A1:A9)"
    assert notes[tids[2]] == "=1+1"   # our own apostrophe is taken off again

    # Exported again, the note is text behind an apostrophe, never a formula ...
    out = tmp_path / "again"
    exp = json.loads(run_cli("export", project, "--event", EVENT, "--out", str(out),
                             "--formats", "xlsx,mailmerge", "--json").stdout)
    again = next(Path(f["path"]) for f in exp["files"] if f["kind"] == "tracker"
                 and f["rep"] == REP)
    ws2 = openpyxl.load_workbook(again)["Follow-up"]
    tid_col, note_col, _ = _note_cell(ws2)
    by_tid = {ws2.cell(r, tid_col).value: ws2.cell(r, note_col) for r in range(2, ws2.max_row + 1)}
    for t in tids:
        assert by_tid[t].data_type == "s" and by_tid[t].value.startswith("'"), by_tid[t].value
    # ... and syncing that file back changes nothing (no doubled apostrophe, no note merge).
    res2 = json.loads(run_cli("sync", project, str(again), "--json").stdout)
    assert res2["updated"] == 0 and not res2["conflicts"], res2
    notes2 = dict(db.execute("SELECT target_key, notes FROM targets WHERE target_key IN (?,?,?)",
                             tids))
    db.close()
    assert notes2 == notes


def test_a_csv_tracker_note_stays_text(exported: dict, tmp_path: Path) -> None:
    """A rep who saved the tracker as CSV: "=1+1" and "'=1+1" both arrive as "=1+1"."""
    project = str(exported["project"])
    db = sqlite3.connect(project)
    rows = db.execute("SELECT t.target_key, p.email FROM targets t JOIN people p ON "
                      "p.id = t.person_id JOIN events e ON e.id = t.event_id WHERE e.name = ? "
                      "ORDER BY t.id DESC LIMIT 2", (EVENT,)).fetchall()
    path = tmp_path / "tracker.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Target ID", "Email", "Status", "Notes"])
        w.writerow([rows[0][0], rows[0][1], "Connected", "=2+2"])
        w.writerow([rows[1][0], rows[1][1], "Connected", "'=2+2"])
    run_cli("sync", project, str(path))
    got = dict(db.execute("SELECT target_key, notes FROM targets WHERE target_key IN (?, ?)",
                          (rows[0][0], rows[1][0])))
    db.close()
    for key, _email in rows:
        assert got[key].endswith("=2+2") and not got[key].endswith("'=2+2"), got
