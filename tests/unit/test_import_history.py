"""Removing an import with the rows only it brought, and putting it back exactly."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gtmplanner.core import lists, overrides
from gtmplanner.core.errors import UsageError
from gtmplanner.core.import_history import (
    list_imports,
    removal_counts,
    remove_import,
    restore_import,
)
from gtmplanner.core.importer import import_file
from gtmplanner.core.store import Project

EVENT = "Expo 2026"
HEAD = ["First Name", "Last Name", "Email", "Company", "Job Title", "Shirt Size"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def dump(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (in id / key order)."""
    conn = sqlite3.connect(project.path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    finally:
        conn.close()


def people_by_email(project: Project) -> dict[str, tuple[Any, ...]]:
    return {r[0]: r[1:] for r in project.conn.execute(
        "SELECT email, sources, last_import_id, extra FROM people")}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Accounts, then two rosters for the same event that share one person (Ben)."""
    p = Project.create(tmp_path / "p.gtmp")
    p.ensure_event(EVENT, city="Boston", country="US", latitude=42.36, longitude=-71.06,
                   start_date="2026-11-10", end_date="2026-11-11")
    import_file(p, write_csv(tmp_path / "accounts.csv", ["Company Name", "Website"],
                             [["Acme Inc", "acme.com"], ["Globex", "globex.com"]]), "accounts")
    import_file(p, write_csv(tmp_path / "first.csv", HEAD, [
        ["Ana", "Alves", "ana@acme.com", "Acme", "VP Marketing", "S"],
        ["Ben", "Brown", "ben@globex.com", "Globex", "CMO", "M"],
        ["Cat", "Cole", "cat@acme.com", "Acme", "Engineer", "L"],
    ]), "roster", event=EVENT)
    import_file(p, write_csv(tmp_path / "second.csv", HEAD, [
        ["Ben", "Brown", "ben@globex.com", "Globex", "Chief Marketing Officer", "XL"],
        ["Dan", "Diaz", "dan@globex.com", "Globex", "Director", "M"],
        ["Eve", "Ellis", "eve@acme.com", "Acme", "Head of Demand", "S"],
    ]), "roster", event=EVENT)
    yield p
    p.close()


def import_id(project: Project, file_name: str) -> int:
    return next(i["id"] for i in list_imports(project) if i["file_name"] == file_name)


def test_list_imports(project: Project) -> None:
    rows = list_imports(project)
    assert [(r["file_name"], r["kind"], r["event"]) for r in rows] == [
        ("accounts.csv", "accounts", None), ("first.csv", "roster", EVENT),
        ("second.csv", "roster", EVENT)]
    second = rows[2]
    assert (second["rows_imported"], second["rows_merged"], second["rows_rejected"]) == (2, 1, 0)
    assert set(second) == {"id", "file_name", "kind", "event", "rows_imported", "rows_merged",
                           "rows_rejected", "finished_at", "size", "sha256"}
    assert second["size"] > 0 and len(second["sha256"]) == 64


def test_remove_the_second_roster_keeps_shared_people_then_restore_is_exact(
        project: Project, tmp_path: Path) -> None:
    first, second = import_id(project, "first.csv"), import_id(project, "second.csv")
    before = dump(project)
    assert people_by_email(project)["ben@globex.com"][0] == f"{first},{second}"
    preview = removal_counts(project, second)

    snap = remove_import(project, second)
    counts = snap["counts"]
    assert {k: v for k, v in preview.items() if k in counts} == \
        {k: counts[k] for k in preview if k in counts}
    assert counts["people_removed"] == 2 and counts["kept_shared"] == 1
    assert counts["event_people_removed"] == 2
    assert "kept 1 records also brought by other imports" in snap["message"]
    people = people_by_email(project)
    assert set(people) == {"ana@acme.com", "ben@globex.com", "cat@acme.com"}
    ben = people["ben@globex.com"]
    assert ben[0] == str(first) and ben[1] == first  # only the first import's source now
    assert str(second) not in (ben[2] or "")  # its unmapped columns went with it
    title = project.conn.execute("SELECT title FROM people WHERE email='ben@globex.com'")
    assert title.fetchone()[0] == "Chief Marketing Officer"  # merged values stay
    assert project.count("imports", "id = ?", (second,)) == 0
    assert project.count("event_people") == 3

    # The same file can be imported again once its import is removed...
    again = import_file(project, tmp_path / "second.csv", "roster", event=EVENT)
    assert not again.already_imported and again.rows_imported == 2
    with pytest.raises(UsageError, match="imported again"):
        restore_import(project, snap)  # ... and undoing then refuses, changing nothing
    remove_import(project, again.import_id)

    restore_import(project, snap)
    # The re-import merged into Ben again and stamped his updated_at; removing it kept
    # the merged values (by design), so only that stamp may differ (when the clock
    # ticked over a second in between).
    assert _stamps_aside(dump(project)) == _stamps_aside(before)


def _stamps_aside(d: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    out = dict(d)
    out["people"] = [row[:-1] for row in d["people"]]  # updated_at is the last column
    return out


def test_removing_a_roster_removes_its_targets_and_overrides_and_restore_brings_them_back(
        project: Project) -> None:
    second = import_id(project, "second.csv")
    dan = project.conn.execute("SELECT id FROM people WHERE email='dan@globex.com'").fetchone()[0]
    globex = project.conn.execute("SELECT id FROM accounts WHERE domain='globex.com'"
                                  ).fetchone()[0]
    overrides.link_match(project, dan, globex)
    lists.save_segment(project, "Everyone", "email is not empty", event=EVENT)
    built = lists.build_targets(project, event=EVENT)
    assert built["new_targets"] == 5
    before = dump(project)

    snap = remove_import(project, second)
    assert snap["counts"]["targets_removed"] == 2
    assert snap["counts"]["match_overrides_removed"] == 1
    assert project.count("targets") == 3
    assert project.count("match_overrides") == 0
    removed_targets = next(b for b in snap["deleted"] if b["table"] == "targets")
    assert len(removed_targets["rows"]) == 2

    restore_import(project, snap)
    assert dump(project) == before
    assert project.count("targets") == 5


def test_removing_accounts_clears_links_to_them_and_restores_them(project: Project) -> None:
    accounts = import_id(project, "accounts.csv")
    ana = project.conn.execute("SELECT id FROM people WHERE email='ana@acme.com'").fetchone()[0]
    acme = project.conn.execute("SELECT id FROM accounts WHERE domain='acme.com'").fetchone()[0]
    overrides.link_match(project, ana, acme)
    before = dump(project)
    snap = remove_import(project, accounts)
    assert snap["counts"]["accounts_removed"] == 2
    assert snap["counts"]["links_cleared"] == 1
    assert snap["counts"]["match_overrides_removed"] == 1
    assert project.conn.execute("SELECT account_id FROM people WHERE id = ?", (ana,)
                                ).fetchone()[0] is None
    restore_import(project, snap)
    assert dump(project) == before


def test_reps_imports_are_refused(project: Project, tmp_path: Path) -> None:
    import_file(project, write_csv(tmp_path / "reps.csv", ["Name", "Email", "Territory"],
                                   [["Sam Ortiz", "sam@ourco.example", "MA"]]), "reps")
    before = dump(project)
    with pytest.raises(UsageError, match="reps imports cannot be removed; edit the reps"):
        remove_import(project, import_id(project, "reps.csv"))
    with pytest.raises(UsageError, match="reps imports cannot be removed"):
        removal_counts(project, import_id(project, "reps.csv"))
    assert dump(project) == before


def test_unknown_import_is_a_usage_error(project: Project) -> None:
    with pytest.raises(UsageError, match="no import with id 999"):
        remove_import(project, 999)
