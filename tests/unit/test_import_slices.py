"""The command line's import (normalised in slices, written through an Arrow-binding
session while the next slice is normalised) stores exactly what the window's import
(normalised whole, written on the project's own connection) stores."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gtmplanner.core import bulk_write, importer
from gtmplanner.core.store import Project, open_count, pylist
from tests.conftest import SAMPLES

HEAD = ["First Name", "Last Name", "Email", "Company", "Job Title", "City", "Phone",
        "T-Shirt", "Attended"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEAD)
        w.writerows(rows)
    return path


def _messy_roster(path: Path) -> Path:
    """Duplicates far apart (they land in different slices), a person who fills in a
    blank later, name-only rows, bad emails and rows nothing identifies."""
    rows = []
    for i in range(40):
        rows.append([f"P{i}", f"Last{i}", f"p{i}@acme{i % 5}.com", f"Acme {i % 5}",
                     "VP Marketing" if i % 3 else "", "Boston", f"617-555-{i:04d}",
                     "M", "Yes" if i % 2 else ""])
    rows.append(["P3", "Last3", "P3@ACME3.COM", "Acme 3", "CMO", "", "", "XL", "No"])
    rows.append(["Solo", "Nomail", "", "Globex", "Director", "Austin", "", "", ""])
    rows.append(["", "", "not-an-email", "", "", "", "", "", ""])
    rows.append(["Bad", "Email", "bad@@x", "Initech", "Engineer", "", "", "", ""])
    rows.append(["", "", "", "", "", "", "", "S", ""])
    rows.append(["Solo", "Nomail", "", "Globex", "", "Dallas", "555 0100", "", "Yes"])
    rows.append(["P10", "Last10", "p10@acme0.com", "Acme 0", "", "", "", "", "No"])
    return _write(path, rows)


def _update(path: Path) -> Path:
    """A later file: some people again with new values, some new, one only by name."""
    rows = [["P1", "Last1", "p1@acme1.com", "Acme 1", "Chief Revenue Officer", "", "", "L", ""],
            ["New", "Person", "new@initech.com", "Initech", "CFO", "Denver", "", "", "Yes"],
            ["Solo", "Nomail", "solo@globex.com", "Globex", "Director", "", "", "", ""],
            ["P20", "Last20", "p20@acme0.com", "Acme 0", "", "Cambridge", "", "", ""]]
    return _write(path, rows)


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")]
        out = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
               for t in tables if not t.startswith("sqlite_")
               and conn.execute("SELECT type FROM sqlite_master WHERE name=?",
                                (t,)).fetchone()[0] == "table"}
        out["_indexes"] = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' "
                                       "ORDER BY name").fetchall()
        imp = [r[1] for r in conn.execute("PRAGMA table_info(imports)")]
        keep = [i for i, c in enumerate(imp) if c not in ("started_at", "finished_at")]
        out["imports"] = [tuple(r[i] for i in keep) for r in out["imports"]]
        ppl = [r[1] for r in conn.execute("PRAGMA table_info(people)")]
        stamp = ppl.index("updated_at")
        out["people"] = [tuple(v for i, v in enumerate(r) if i != stamp) for r in out["people"]]
        out["events"] = [(r[0], r[1]) for r in out["events"]]  # no created_at
        return out
    finally:
        conn.close()


def _window_import(project: Project, path: Path, kind: str, event: str | None) -> dict:
    prep = importer.prepare_import(project, path, kind, event=event)
    return importer.commit_import(project, prep).to_dict()


def _command_import(project: Project, path: Path, kind: str, event: str | None) -> dict:
    return importer.import_file(project, path, kind, event=event, exclusive=True).to_dict()


def _same_result(a: dict, b: dict) -> None:
    a, b = dict(a), dict(b)
    wa, wb = a.pop("warnings"), b.pop("warnings")
    assert sorted(wa) == sorted(wb)
    assert a == b


@pytest.mark.parametrize("slice_rows", [3, 7, 1000])
def test_sliced_command_import_stores_what_the_window_import_stores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slice_rows: int) -> None:
    monkeypatch.setattr(importer, "SLICE_ROWS", slice_rows)
    used: list[str] = []
    real = bulk_write.AdbcWriter.ingest

    def spy(self: bulk_write.AdbcWriter, table: str, data: Any) -> None:
        used.append(table)
        real(self, table, data)
    monkeypatch.setattr(bulk_write.AdbcWriter, "ingest", spy)
    files = [(_messy_roster(tmp_path / "roster.csv"), "roster", "Summit"),
             (_update(tmp_path / "later.csv"), "roster", "Summit")]
    if SAMPLES.exists():
        files += [(SAMPLES / "accounts.csv", "accounts", None),
                  (SAMPLES / "eventbrite_attendees.csv", "roster", "Summit"),
                  (SAMPLES / "opportunities_report.csv", "opportunities", None),
                  (SAMPLES / "activities.csv", "activities", None),
                  (SAMPLES / "activities.csv", "activities", "again")]
    a, b = tmp_path / "window.gtmp", tmp_path / "command.gtmp"
    with Project.create(a) as pa, Project.create(b) as pb:
        for path, kind, event in files:
            if event == "again":  # the same rows once more: all merge, nothing new
                path = _write_copy(path, tmp_path / "activities-again.csv")
                event = None
            ra = _window_import(pa, path, kind, event)
            assert open_count(b) == 1
            rb = _command_import(pb, path, kind, event)
            ra.pop("file"), rb.pop("file")
            _same_result(ra, rb)
    assert used, "the command import never used the Arrow-binding session"
    assert _dump(a) == _dump(b)
    with sqlite3.connect(b) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _write_copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes() + b"\n")  # other bytes: not "already imported"
    return dst


def test_duplicates_in_different_slices_merge_newer_values_win(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "SLICE_ROWS", 4)
    src = _messy_roster(tmp_path / "roster.csv")
    with Project.create(tmp_path / "p.gtmp") as p:
        r = importer.import_file(p, src, "roster", exclusive=True)
        assert r.rows_read == r.rows_imported + r.rows_merged + r.rows_rejected
        assert r.rows_rejected == 2 and r.rows_merged == 3
        row = p.conn.execute("SELECT title, postal_code, attended, sources FROM people "
                             "WHERE email = 'p3@acme3.com'").fetchone()
        assert row[0] == "CMO" and row[2] == 0 and row[3] == str(r.import_id)
        solo = p.conn.execute("SELECT city, phone, attended FROM people "
                              "WHERE first_name = 'Solo'").fetchall()
        assert len(solo) == 1 and solo[0][0] == "Dallas" and solo[0][2] == 1
        assert sum("invalid email" in w for w in r.warnings) == 1  # one line, both rows
        assert p.count("people") == r.rows_imported


def test_the_arrow_session_is_used_only_when_nothing_else_has_the_file_open(
        tmp_path: Path) -> None:
    path = tmp_path / "p.gtmp"
    with Project.create(path) as p:
        with bulk_write.write_session(p, exclusive=True) as w:
            assert isinstance(w, bulk_write.AdbcWriter)
        with bulk_write.write_session(p) as w:  # no promise from the caller
            assert isinstance(w, bulk_write.SqliteWriter)
        with p.transaction(), bulk_write.write_session(p, exclusive=True) as w:
            assert isinstance(w, bulk_write.SqliteWriter)  # joins the open transaction
        with Project(path) as other:
            assert open_count(path) == 2
            with bulk_write.write_session(p, exclusive=True) as w:
                assert isinstance(w, bulk_write.SqliteWriter)
            del other
        assert open_count(path) == 1
    assert open_count(path) == 0


def test_a_failed_session_leaves_the_project_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "p.gtmp"
    with Project.create(path) as p:
        before = _dump(path)
        with pytest.raises(RuntimeError, match="boom"):
            with bulk_write.write_session(p, exclusive=True) as w:
                w.execute("INSERT INTO settings VALUES ('x', '1')")
                raise RuntimeError("boom")
        assert _dump(path) == before
        assert p.get_setting("x") is None


@pytest.mark.parametrize("series", [
    pd.Series(["a", None, "c"], dtype="string"),
    pd.Series(["a", None, "c"], dtype=object),
    pd.Series([1.5, np.nan, 3.0]),
    pd.Series([1, None, 3], dtype="Int64"),
    pd.Series([True, None, False], dtype="boolean"),
    pd.Series([True, False, True]),
    pd.Series(pd.to_datetime(["2026-09-17", None, "2025-01-02 10:00"], format="mixed")),
    pd.Series(pd.to_datetime(["1969-12-31 23:59", "2026-03-08 02:30"]).tz_localize(
        "America/New_York", nonexistent="shift_forward")),
    pd.Series(pd.to_datetime(["1900-01-01", "2099-12-31 23:59:59.999"], format="mixed")),
    pd.Series([None, None], dtype=object),
])
def test_arrow_columns_bind_the_values_sqlite3_would(series: pd.Series) -> None:
    assert bulk_write.arrow_column(series).to_pylist() == pylist(series)


def test_mixed_columns_bind_as_text_and_sqlite_types_them_back() -> None:
    col = bulk_write.arrow_column(pd.Series(["x", 2, None, True], dtype=object))
    assert col.to_pylist() == ["x", "2", None, "1"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (n INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?)", [("2",), (2,)])
    assert [r[0] for r in conn.execute("SELECT n FROM t")] == [2, 2]


def test_unmapped_values_keep_quotes_backslashes_and_line_breaks(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Email", "First Name", "Diet", "Sticker", "Plain"])
        w.writerow(["a@x.com", "Ann", 'Vegan, "strict"', "C:\\temp\ttab\nline", "ok"])
        w.writerow(["b@x.com", "Bob", "none\x01bell", "", "fine"])
    with Project.create(tmp_path / "p.gtmp") as p:
        importer.import_file(p, src, "roster", exclusive=True)
        ids = dict(p.conn.execute("SELECT email, id FROM people").fetchall())
        assert importer.extra_attributes(p, "people", ids["a@x.com"]) == {
            "Diet": 'Vegan, "strict"', "Sticker": "C:\\temp\ttab\nline", "Plain": "ok"}
        assert importer.extra_attributes(p, "people", ids["b@x.com"]) == {
            "Diet": "none bell", "Plain": "fine"}


def test_progress_only_moves_forward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "SLICE_ROWS", 5)
    src = _messy_roster(tmp_path / "roster.csv")
    seen: list[float] = []
    with Project.create(tmp_path / "p.gtmp") as p:
        importer.import_file(p, src, "roster", exclusive=True,
                             progress=lambda f, _m: seen.append(f))
    with Project.create(tmp_path / "q.gtmp") as q:
        prep = importer.prepare_import(q, src, "roster", progress=lambda f, _m: seen.append(f))
        importer.commit_import(q, prep, progress=lambda f, _m: seen.append(f))
    command, window = seen[:seen.index(1.0) + 1], seen[seen.index(1.0) + 1:]
    for run in (command, window):
        assert run == sorted(run) and run[-1] == 1.0 and len(run) > 5


@pytest.mark.parametrize("n, size", [(0, 8), (5, 8), (8, 8), (9, 8), (17, 8), (20, 8),
                                     (200_000, 50_000), (163_000, 50_000), (3, 1)])
def test_slices_cover_every_row_once_and_end_small(n: int, size: int) -> None:
    cuts = importer.slice_cuts(n, size)
    assert cuts[0] == 0 and cuts[-1] == n and cuts == sorted(set(cuts))
    widths = [b - a for a, b in zip(cuts, cuts[1:], strict=False)]
    assert all(0 < w <= size for w in widths)
    if n > size:
        assert widths[-1] <= max(1, size // 2) and min(widths[:-1]) >= size // 4


def test_a_driver_that_cannot_load_falls_back_to_the_project_connection(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import adbc_driver_sqlite.dbapi as adbc

    def broken(*_a: Any, **_k: Any) -> None:
        raise OSError("libadbc_driver_sqlite.so: cannot open shared object file")
    monkeypatch.setattr(adbc, "connect", broken)
    src = _messy_roster(tmp_path / "roster.csv")
    with Project.create(tmp_path / "p.gtmp") as p:
        with bulk_write.write_session(p, exclusive=True) as w:
            assert isinstance(w, bulk_write.SqliteWriter)
        r = importer.import_file(p, src, "roster", exclusive=True)
        assert r.rows_imported == p.count("people") > 0
