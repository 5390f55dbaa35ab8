"""Tracker sync: real trackers written by the exporter, edited the way reps edit them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtmplanner.core.errors import ImportFileError, UsageError
from gtmplanner.core.export.columns import TARGET_ID_HEADER, TRACKER_SHEET_NAME
from gtmplanner.core.export.target_sheet import write_target_sheet
from gtmplanner.core.export.tracker import write_tracker
from gtmplanner.core.store import Project
from gtmplanner.core.sync import NOTE_SEPARATOR, read_tracker, sync_trackers

EVENT = {"name": "Austin Summit", "city": "Austin", "start_date": dt.date(2026, 11, 23),
         "end_date": dt.date(2026, 11, 25)}
PEOPLE = [  # first, last, company; reps alternate Dana / Eli
    ("Zoe", "Adams", "Acme"), ("Yann", "Baker", "Globex"), ("Xena", "Clark", "Initech"),
    ("Will", "Dunn", "Hooli"), ("Vera", "Evans", "Acme"), ("Umar", "Fox", "Globex"),
    ("Tina", "Gray", "Initech"), ("Sam", "Hill", "Hooli"), ("Rita", "Irwin", "Acme"),
    ("Quin", "Jones", "Globex"), ("Pia", "King", "Initech"), ("Omar", "Lee", "Hooli"),
]
SNAPSHOT_FIELDS = ("status", "touches", "last_touch_date", "next_step", "notes", "rep")


def key(i: int) -> str:
    return f"T{i:06d}"


def make_project(tmp: Path) -> Project:
    """An event, 12 people and their targets, exported (snapshot written as export does)."""
    proj = Project.create(tmp / "p.gtmp")
    with proj.transaction() as c:
        c.execute("INSERT INTO events (id, name, start_date, end_date) VALUES "
                  "(1, 'Austin Summit', '2026-11-23', '2026-11-25')")
        for i, (first, last, company) in enumerate(PEOPLE, start=1):
            email = f"{first.lower()}.{last.lower()}@{company.lower()}.com"
            c.execute("INSERT INTO people (id, first_name, last_name, full_name, email, company,"
                      " phone, name_key) VALUES (?,?,?,?,?,?,?,?)",
                      (i, first, last, f"{first} {last}", email, company, f"+1512555{i:04d}",
                       f"{first.lower()}|{last.lower()}|{company.lower()}"))
            c.execute("INSERT INTO event_people (event_id, person_id) VALUES (1, ?)", (i,))
            rep = "Dana" if i % 2 else "Eli"
            notes = "Met at re:Invent" if i == 3 else None
            snap = {"status": "Not contacted", "touches": 0, "last_touch_date": None,
                    "next_step": None, "notes": notes, "rep": rep}
            c.execute("INSERT INTO targets (id, target_key, event_id, person_id, rep, status,"
                      " touches, notes, export_snapshot, exported_at) VALUES"
                      " (?,?,1,?,?,'Not contacted',0,?,?,'2026-11-20 10:00:00')",
                      (i, key(i), i, rep, notes, json.dumps(snap)))
    return proj


def targets_frame(proj: Project) -> pd.DataFrame:
    """The export input contract, read back from the project."""
    df = pd.read_sql_query(
        "SELECT t.target_key AS target_id, t.rep, p.full_name, p.first_name, p.last_name,"
        " p.email, p.company, p.phone, t.tier, t.status, t.touches, t.last_touch_date,"
        " t.next_step, t.notes, t.due_date FROM targets t JOIN people p ON p.id = t.person_id",
        proj.conn)
    return df.astype(object).where(df.notna(), None)


def export(proj: Project, path: Path, rep: str | None = "Dana") -> Path:
    write_tracker(path, targets_frame(proj), rep=rep, event=EVENT)
    return path


def target(proj: Project, i: int) -> dict[str, Any]:
    cur = proj.conn.execute("SELECT * FROM targets WHERE target_key = ?", (key(i),))
    return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def dump(proj: Project) -> dict[str, list[tuple[Any, ...]]]:
    return {t: proj.conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("targets", "people", "event_people")}


def headers(ws: Any) -> dict[str, int]:
    return {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}


def find_row(ws: Any, name: str) -> int:
    col = headers(ws)["Name"]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == name)


def edit_as_rep(src: Path, dst: Path) -> Path:
    """Sort by name, change statuses, add notes, delete Phone, rename the sheet, add 2 rows."""
    wb = openpyxl.load_workbook(src)
    ws = wb[TRACKER_SHEET_NAME]
    h = headers(ws)
    width = ws.max_column
    data = [[ws.cell(r, c).value for c in range(1, width + 1)]
            for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value]
    data.sort(key=lambda row: row[h["Name"] - 1], reverse=True)
    for r, row in enumerate(data, start=2):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c).value = v
    r = find_row(ws, "Zoe Adams")  # T000001
    ws.cell(r, h["Status"]).value = "meeting booked"
    ws.cell(r, h["Touches"]).value = "2"
    ws.cell(r, h["Last touch date"]).value = "12/10/2026"
    ws.cell(r, h["Notes"]).value = "Wants a demo in January"
    ws.cell(r, h["Next step"]).value = "Send calendar invite"
    r = find_row(ws, "Xena Clark")  # T000003, exported with a note
    ws.cell(r, h["Status"]).value = "Attempted"
    ws.cell(r, h["Touches"]).value = 1.0
    ws.cell(r, h["Last touch date"]).value = dt.datetime(2026, 11, 30)
    ws.cell(r, h["Notes"]).value = "Met at re:Invent\nLeft a voicemail"
    last = len(data) + 1
    new_rows = [
        {"Name": "Nina Novak", "Email": "Nina.Novak@Umbrella.com", "Company": "Umbrella",
         "Status": "Connected", "Notes": "Met at the booth, wants pricing"},
        {"Name": "Otto Orr", "Company": "Stark", "Status": "Meeting booked",
         "Last touch date": "2026-11-25", "Touches": 1},
    ]
    for k, values in enumerate(new_rows, start=1):
        for header, value in values.items():
            ws.cell(last + k, h[header]).value = value
    ws.delete_cols(h["Phone"])
    ws.title = "My leads"
    wb.save(dst)
    return dst


def to_csv(src: Path, dst: Path, *, us_dates: bool = True) -> Path:
    """What "Save as CSV" gives: displayed text, dates as the rep's locale shows them."""
    ws = openpyxl.load_workbook(src).worksheets[0]
    with dst.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for row in ws.iter_rows(values_only=True):
            out = []
            for v in row:
                if isinstance(v, dt.datetime):
                    v = v.strftime("%m/%d/%Y") if us_dates else v.date().isoformat()
                out.append("" if v is None else v)
            w.writerow(out)
    return dst


@pytest.fixture
def proj(tmp_path: Path) -> Project:
    p = make_project(tmp_path)
    yield p
    p.close()


@pytest.fixture
def edited(proj: Project, tmp_path: Path) -> Path:
    return edit_as_rep(export(proj, tmp_path / "dana.xlsx"), tmp_path / "dana-edited.xlsx")


def check_rep_edits(proj: Project, before: dict[str, list[tuple[Any, ...]]]) -> None:
    t1 = target(proj, 1)
    assert (t1["status"], t1["touches"], t1["last_touch_date"]) == ("Meeting booked", 2,
                                                                      "2026-12-10")
    assert t1["notes"] == "Wants a demo in January"
    assert t1["next_step"] == "Send calendar invite"
    assert t1["first_touch_date"] == "2026-12-10"
    t3 = target(proj, 3)
    assert (t3["status"], t3["touches"], t3["last_touch_date"]) == ("Attempted", 1, "2026-11-30")
    assert t3["notes"] == "Met at re:Invent\nLeft a voicemail"
    # nothing else moved
    old = {r[0]: r for r in before["targets"]}
    now = {r[0]: r for r in dump(proj)["targets"]}
    assert {i for i in old if old[i] != now[i]} == {1, 3}
    assert len(now) == len(old) + 2


# ------------------------------------------------------------------ reading


def test_read_tracker_canonical_values(edited: Path) -> None:
    df = read_tracker(edited)
    assert df.attrs["sheet"] == "My leads"
    assert df.attrs["rep"] == "Dana"
    assert "phone" not in df.columns
    assert len(df) == 6 + 2
    row = df.set_index("target_id").loc[key(1)]
    assert (row["status"], row["touches"], row["last_touch_date"]) == ("Meeting booked", 2,
                                                                        "2026-12-10")
    assert df["row"].min() == 2
    new = df[df["target_id"].isna()]
    assert new["full_name"].tolist() == ["Nina Novak", "Otto Orr"]
    assert new["row"].tolist() == [8, 9]


def test_read_tracker_dates_touches_unknown_status(proj: Project, tmp_path: Path) -> None:
    path = export(proj, tmp_path / "t.xlsx", rep=None)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    h = headers(ws)
    cells = {2: ("2026-12-10", "3"), 3: (46366, 2.0), 4: ("10 Dec 2026", None),
             5: ("next week", "lots")}
    for r, (date, touches) in cells.items():
        ws.cell(r, h["Last touch date"]).value = date
        ws.cell(r, h["Touches"]).value = touches
    ws.cell(6, h["Status"]).value = "Left voicemail"
    ws.cell(7, h["Status"]).value = "  OPPORTUNITY-created "
    wb.save(path)
    df = read_tracker(path).set_index("row")
    assert df.loc[[2, 3, 4], "last_touch_date"].tolist() == ["2026-12-10"] * 3
    assert df.loc[[2, 3, 4], "touches"].tolist() == [3, 2, 0]
    assert df.loc[6, "status"] == "Left voicemail"
    assert df.loc[7, "status"] == "Opportunity created"
    warnings = df.attrs["warnings"]
    assert any("t.xlsx: row 6, column J (Status): unknown status 'Left voicemail'" in w
               for w in warnings)
    assert any("row 5" in w and "'next week' is not a date" in w for w in warnings)
    assert any("row 5" in w and "'lots' is not a number" in w for w in warnings)
    assert df.attrs["unreadable"] == {"touches": [5], "last_touch_date": [5]}


def test_read_tracker_european_csv(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("Target ID;Name;Status;Touches;Last touch date;Notes\n"
                    "T000001;Zoe;Meeting Booked;2,0;46366;x\n"
                    "T000002;Yann;attempted;\"3\";10.12.2026;\n"
                    ";;;;;\n"
                    "T000003;Xena;connected;1;13.12.2026;\"a;b\"\n", encoding="cp1252")
    df = read_tracker(path)
    assert df["row"].tolist() == [2, 3, 5]
    assert df["touches"].tolist() == [2, 3, 1]
    assert df["last_touch_date"].tolist() == ["2026-12-10", "2026-12-10", "2026-12-13"]
    assert df["status"].tolist() == ["Meeting booked", "Attempted", "Connected"]
    assert df["notes"].tolist() == ["x", None, "a;b"]


def test_not_a_tracker(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Item", "Cost"])
    wb.active.append(["Booth", 1200])
    wb.save(path)
    with pytest.raises(ImportFileError) as err:
        read_tracker(path)
    msg = str(err.value)
    assert msg == "budget.xlsx: no Target ID or Email column and no Status column: not a tracker"
    assert "\n" not in msg


def test_sync_refuses_a_non_tracker_without_writing(proj: Project, edited: Path,
                                                     tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("Name,Email\nAna,ana@x.com\n")
    before = dump(proj)
    with pytest.raises(ImportFileError, match="notes.csv: no Status column: not a tracker"):
        sync_trackers(proj, [edited, bad])
    assert dump(proj) == before


# ------------------------------------------------------------------ syncing


def test_sync_takes_rep_edits_and_booth_people(proj: Project, edited: Path) -> None:
    before = dump(proj)
    res = sync_trackers(proj, [edited])
    assert (res.updated, res.unchanged, res.conflicts, res.unmatched) == (2, 4, [], [])
    assert res.warnings == []
    check_rep_edits(proj, before)
    added = {a["name"]: a for a in res.added}
    assert set(added) == {"Nina Novak", "Otto Orr"}
    nina = added["Nina Novak"]
    assert (nina["row"], nina["rep"], nina["target_id"], nina["email"]) == (
        8, "Dana", key(13), "nina.novak@umbrella.com")
    t = target(proj, 13)
    assert (t["rep"], t["status"], t["notes"], t["event_id"]) == (
        "Dana", "Connected", "Met at the booth, wants pricing", 1)
    person = proj.conn.execute("SELECT full_name, email, company, source FROM people WHERE id=?",
                               (t["person_id"],)).fetchone()
    assert person == ("Nina Novak", "nina.novak@umbrella.com", "Umbrella", "tracker:Dana")
    assert proj.conn.execute("SELECT attended FROM event_people WHERE event_id=1 AND person_id=?",
                             (t["person_id"],)).fetchone() == (1,)
    otto = target(proj, 14)
    assert (otto["status"], otto["touches"], otto["first_touch_date"]) == (
        "Meeting booked", 1, "2026-11-25")
    json.dumps(res.to_dict())  # JSON-ready


def test_second_sync_changes_nothing(proj: Project, edited: Path) -> None:
    sync_trackers(proj, [edited])
    after_first = dump(proj)
    res = sync_trackers(proj, [edited])
    assert (res.updated, res.added, res.conflicts, res.unmatched) == (0, [], [], [])
    assert res.unchanged == 8
    assert dump(proj) == after_first


def test_dry_run_writes_nothing(proj: Project, edited: Path) -> None:
    before = dump(proj)
    res = sync_trackers(proj, [edited], dry_run=True)
    assert res.dry_run and res.updated == 2 and len(res.added) == 2
    assert dump(proj) == before


def test_a_failure_mid_sync_leaves_the_project_as_it_was(proj: Project, edited: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from gtmplanner.core import sync

    real = sync._insert_new

    def insert_then_crash(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(sync, "_insert_new", insert_then_crash)
    before = dump(proj)
    with pytest.raises(RuntimeError):
        sync_trackers(proj, [edited])
    assert dump(proj) == before


def test_conflict_reported_and_resolved(proj: Project, edited: Path) -> None:
    with proj.transaction() as c:  # the marketer changed T000001 after the export
        c.execute("UPDATE targets SET status='Connected', touches=1 WHERE id=1")
    res = sync_trackers(proj, [edited])
    got = {(c.target_id, c.field): c for c in res.conflicts}
    assert set(got) == {(key(1), "status"), (key(1), "touches")}
    c = got[(key(1), "status")]
    assert (c.project_value, c.tracker_value, c.file, c.row, c.resolved) == (
        "Connected", "Meeting booked", "dana-edited.xlsx", find_row_number(edited, "Zoe Adams"),
        None)
    t1 = target(proj, 1)
    assert (t1["status"], t1["touches"]) == ("Connected", 1)  # project kept
    assert t1["notes"] == "Wants a demo in January"  # non-conflicting fields still taken
    # unresolved: reported again, then the user chooses
    again = sync_trackers(proj, [edited])
    assert {(c.target_id, c.field) for c in again.conflicts} == set(got)
    chosen = sync_trackers(proj, [edited], resolve={(key(1), "status"): "tracker",
                                                    (key(1), "touches"): "project"})
    assert {(c.field, c.resolved) for c in chosen.conflicts} == {("status", "tracker"),
                                                                 ("touches", "project")}
    t1 = target(proj, 1)
    assert (t1["status"], t1["touches"]) == ("Meeting booked", 1)
    assert sync_trackers(proj, [edited]).conflicts == []


def find_row_number(path: Path, name: str) -> int:
    wb = openpyxl.load_workbook(path)
    return find_row(wb.worksheets[0], name)


def test_notes_from_both_sides_are_merged(proj: Project, edited: Path) -> None:
    with proj.transaction() as c:
        c.execute("UPDATE targets SET notes='Met at re:Invent\nCFO is the buyer' WHERE id=3")
        c.execute("UPDATE targets SET notes='Asked for the deck' WHERE id=1")
    res = sync_trackers(proj, [edited])
    assert res.conflicts == []
    assert target(proj, 3)["notes"] == (
        f"Met at re:Invent\nCFO is the buyer{NOTE_SEPARATOR}Left a voicemail")
    assert target(proj, 1)["notes"] == f"Asked for the deck{NOTE_SEPARATOR}Wants a demo in January"
    before = dump(proj)
    assert sync_trackers(proj, [edited]).updated == 0
    assert dump(proj) == before


def test_garbage_row_is_listed_with_its_row_number(proj: Project, tmp_path: Path) -> None:
    path = export(proj, tmp_path / "dana.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    h = headers(ws)
    ws.cell(12, h["Company"]).value = "???"
    ws.cell(12, h["Touches"]).value = 7
    ws.cell(13, h[TARGET_ID_HEADER]).value = "T999999"
    ws.cell(13, h["Status"]).value = "Attempted"
    wb.save(path)
    res = sync_trackers(proj, [path])
    assert res.unmatched == [
        {"file": "dana.xlsx", "row": 12,
         "reason": "no Target ID, name or email: cannot tell who this row is about"},
        {"file": "dana.xlsx", "row": 13, "reason": "Target ID T999999 is not in this project"},
    ]
    assert res.added == [] and res.updated == 0


def test_deleted_target_id_column_matches_by_email(proj: Project, edited: Path,
                                                   tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(edited)
    ws = wb.worksheets[0]
    ws.delete_cols(headers(ws)[TARGET_ID_HEADER])
    for c in range(1, ws.max_column + 1):  # emails typed differently
        if ws.cell(1, c).value == "Email":
            ws.cell(find_row(ws, "Zoe Adams"), c).value = " ZOE.Adams@acme.com "
    path = tmp_path / "no-ids.xlsx"
    wb.save(path)
    before = dump(proj)
    res = sync_trackers(proj, [path])
    assert (res.updated, len(res.added), res.unmatched) == (2, 2, [])
    check_rep_edits(proj, before)


def test_csv_export_of_the_tracker(proj: Project, edited: Path, tmp_path: Path) -> None:
    before = dump(proj)
    res = sync_trackers(proj, [to_csv(edited, tmp_path / "dana.csv")])
    assert (res.updated, len(res.added), res.conflicts, res.unmatched) == (2, 2, [], [])
    check_rep_edits(proj, before)
    again = sync_trackers(proj, [to_csv(edited, tmp_path / "dana2.csv", us_dates=False)])
    assert (again.updated, again.added) == (0, [])


def test_all_reps_tracker_does_not_undo_a_rep_tracker(proj: Project, edited: Path,
                                                      tmp_path: Path) -> None:
    everyone = export(proj, tmp_path / "all.xlsx", rep=None)  # still the exported values
    before = dump(proj)
    res = sync_trackers(proj, [everyone, edited])
    assert res.conflicts == [] and res.updated == 2
    check_rep_edits(proj, before)
    after = dump(proj)
    for files in ([edited], [everyone], [everyone, edited]):
        res = sync_trackers(proj, files)
        assert (res.updated, res.conflicts, res.added) == (0, [], [])
    assert dump(proj) == after


def test_a_later_edit_in_the_tracker_is_taken(proj: Project, edited: Path) -> None:
    sync_trackers(proj, [edited])
    wb = openpyxl.load_workbook(edited)
    ws = wb.worksheets[0]
    h = headers(ws)
    ws.cell(find_row(ws, "Zoe Adams"), h["Status"]).value = "Opportunity created"
    wb.save(edited)
    res = sync_trackers(proj, [edited])
    assert (res.updated, res.conflicts, res.added) == (1, [], [])
    assert target(proj, 1)["status"] == "Opportunity created"


def test_bad_resolve_and_unknown_event(proj: Project, edited: Path) -> None:
    with pytest.raises(UsageError, match="use 'tracker' or 'project'"):
        sync_trackers(proj, [edited], resolve={(key(1), "status"): "mine"})
    with pytest.raises(UsageError, match="no event called 'Paris'"):
        sync_trackers(proj, [edited], event="Paris")


def test_project_without_snapshot_conflicts_only_on_real_edits(proj: Project,
                                                               edited: Path) -> None:
    with proj.transaction() as c:
        c.execute("UPDATE targets SET export_snapshot = NULL")
        c.execute("UPDATE targets SET status = 'Connected' WHERE id = 3")
    res = sync_trackers(proj, [edited])
    assert [(c.target_id, c.field) for c in res.conflicts] == [(key(3), "status")]
    assert target(proj, 1)["status"] == "Meeting booked"


def test_cleared_note_never_deletes_the_project_note(proj: Project, tmp_path: Path) -> None:
    path = export(proj, tmp_path / "dana.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.cell(find_row(ws, "Xena Clark"), headers(ws)["Notes"]).value = None
    wb.save(path)
    res = sync_trackers(proj, [path])
    assert target(proj, 3)["notes"] == "Met at re:Invent"
    assert res.updated == 0
    assert any("dana.xlsx: row(s)" in w and "the project keeps its notes" in w
               for w in res.warnings)


def test_a_column_the_rep_added_is_named_in_a_warning(proj: Project, tmp_path: Path) -> None:
    path = export(proj, tmp_path / "dana.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    c = ws.max_column + 1
    ws.cell(1, c).value = "Call outcome"
    ws.cell(3, c).value = "voicemail"
    wb.save(path)
    res = sync_trackers(proj, [path])
    assert res.warnings == ["dana.xlsx: column O (Call outcome) is not a tracker column; its "
                            "values were not synced"]


def test_unknown_status_is_kept_and_warned(proj: Project, tmp_path: Path) -> None:
    path = export(proj, tmp_path / "dana.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    r = find_row(ws, "Vera Evans")
    ws.cell(r, headers(ws)["Status"]).value = "Left voicemail"
    wb.save(path)
    res = sync_trackers(proj, [path])
    assert target(proj, 5)["status"] == "Left voicemail"
    assert any(w.startswith(f"dana.xlsx: row {r}, column J (Status): unknown status")
               for w in res.warnings)


def test_target_sheet_round_trip(proj: Project, tmp_path: Path) -> None:
    path = tmp_path / "targets - Eli.xlsx"
    write_target_sheet(path, targets_frame(proj), rep="Eli", event=EVENT)
    wb = openpyxl.load_workbook(path)
    ws = wb["Targets"]
    h = headers(ws)
    r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, h["Who"]).value == "Yann Baker")
    ws.cell(r, h["Status"]).value = "connected"
    ws.cell(r, h["Notes"]).value = "Call back in Q1"
    ws.cell(ws.max_row + 1, h["Who"]).value = "Mia Moss"
    ws.cell(ws.max_row, h["Email"]).value = "mia@moss.io"
    wb.save(path)
    res = sync_trackers(proj, [path])
    assert (target(proj, 2)["status"], target(proj, 2)["notes"]) == ("Connected", "Call back in Q1")
    assert [(a["name"], a["rep"]) for a in res.added] == [("Mia Moss", "Eli")]  # no Rep column


def test_same_booth_person_in_two_files_is_added_once(proj: Project, edited: Path,
                                                      tmp_path: Path) -> None:
    copy = tmp_path / "dana-copy.xlsx"
    shutil.copy(edited, copy)
    before = dump(proj)
    res = sync_trackers(proj, [edited, copy])
    assert (res.updated, len(res.added), res.conflicts) == (2, 2, [])
    assert sum("added once" in w for w in res.warnings) == 2
    check_rep_edits(proj, before)
    again = sync_trackers(proj, [edited, copy])
    assert (again.updated, again.added, again.conflicts) == (0, [], [])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_libreoffice_resave(proj: Project, edited: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-user",
                    "--convert-to", fmt, "--outdir", str(out), str(edited)],
                   check=True, capture_output=True, timeout=120)
    resaved = out / f"{edited.stem}.{fmt}"
    assert resaved.exists()
    before = dump(proj)
    res = sync_trackers(proj, [resaved])
    assert (res.updated, len(res.added), res.conflicts, res.unmatched) == (2, 2, [], [])
    check_rep_edits(proj, before)
    assert sync_trackers(proj, [resaved]).updated == 0


STATUS_POOL = ["Not contacted", "Attempted", "Connected", "Meeting booked"]
NOTE_POOL = ["", "A", "A\nmore", "B"]


@settings(max_examples=40, deadline=None)
@given(snap=st.tuples(st.sampled_from(STATUS_POOL), st.integers(0, 2), st.sampled_from(NOTE_POOL)),
       now=st.tuples(st.sampled_from(STATUS_POOL), st.integers(0, 2), st.sampled_from(NOTE_POOL)),
       sheet=st.tuples(st.sampled_from(STATUS_POOL), st.integers(0, 2),
                       st.sampled_from(NOTE_POOL)))
def test_three_way_merge_rules(snap: tuple[str, int, str], now: tuple[str, int, str],
                               sheet: tuple[str, int, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proj = Project.create(Path(tmp) / "p.gtmp")
        with proj.transaction() as c:
            c.execute("INSERT INTO events (id, name) VALUES (1, 'E')")
            c.execute("INSERT INTO people (id, full_name, email) VALUES (1, 'A B', 'a@b.com')")
            s = {"status": snap[0], "touches": snap[1], "notes": snap[2] or None, "rep": "Dana",
                 "last_touch_date": None, "next_step": None}
            c.execute("INSERT INTO targets (id, target_key, event_id, person_id, rep, status,"
                      " touches, notes, export_snapshot) VALUES (1, 'T000001', 1, 1, 'Dana',"
                      " ?, ?, ?, ?)", (now[0], now[1], now[2] or None, json.dumps(s)))
        path = Path(tmp) / "t.csv"
        path.write_text("Target ID,Status,Touches,Notes\n"
                        f"T000001,{sheet[0]},{sheet[1]},\"{sheet[2]}\"\n")
        res = sync_trackers(proj, [path])
        got = proj.conn.execute("SELECT status, touches, COALESCE(notes, '') FROM targets"
                                ).fetchone()
        conflicts = {c.field for c in res.conflicts}
        for k, f in enumerate(("status", "touches")):
            if sheet[k] == snap[k] or sheet[k] == now[k]:
                assert got[k] == now[k] and f not in conflicts
            elif now[k] == snap[k]:
                assert got[k] == sheet[k] and f not in conflicts
            else:
                assert got[k] == now[k] and f in conflicts
        assert "notes" not in conflicts
        assert now[2] in got[2]  # the project's note is never lost ...
        if sheet[2] == snap[2] or not sheet[2] or sheet[2] in now[2]:
            assert got[2] == now[2]  # ... nor duplicated when the sheet adds nothing
        else:  # ... and the rep's text is kept
            assert (sheet[2].removeprefix(snap[2]).strip() if snap[2] else sheet[2]) in got[2]
        before = dump(proj)
        again = sync_trackers(proj, [path])
        assert again.updated == 0 and dump(proj) == before
        assert {c.field for c in again.conflicts} == conflicts
        proj.close()
