"""The project file: schema versions, migrations, transactions, locking."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from gtmplanner.core import schema
from gtmplanner.core.errors import ProjectBusyError, ProjectError
from gtmplanner.core.store import Project


def write_v1_project(path: Path) -> None:
    """A project exactly as schema version 1 wrote it (no match_overrides table)."""
    conn = sqlite3.connect(path)
    schema.migrate_1(conn)
    conn.execute("INSERT INTO meta VALUES('schema_version', '1')")
    conn.execute("INSERT INTO people(email, first_name) VALUES('ana@acme.com', 'Ana')")
    conn.commit()
    conn.close()


def test_new_project_has_every_table_and_the_current_version(tmp_path):
    p = Project.create(tmp_path / "a.gtmp")
    tables = {r[0] for r in p.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for t in ("people", "accounts", "opportunities", "activities", "reps", "events", "segments",
              "templates", "targets", "imports", "mappings", "settings", "match_overrides"):
        assert t in tables
    assert p.schema_version() == schema.SCHEMA_VERSION
    indexes = {r[0] for r in p.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"people_account", "accounts_domain", "imports_sha"} <= indexes
    assert "people_email" not in indexes and "people_name_key" not in indexes  # v3, v4


def test_opening_a_version_1_project_migrates_it_and_keeps_a_backup(tmp_path):
    path = tmp_path / "old.gtmp"
    write_v1_project(path)
    p = Project(path)
    assert p.schema_version() == schema.SCHEMA_VERSION
    assert p.frame("people", ["email"])["email"].tolist() == ["ana@acme.com"]
    assert "match_overrides" in {r[0] for r in p.conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    indexes = {r[0] for r in p.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "people_email" not in indexes and "people_account" in indexes
    backup = tmp_path / "old.gtmp.v1.bak"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"


def test_a_project_from_a_newer_app_is_refused_with_one_line(tmp_path):
    path = tmp_path / "new.gtmp"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="newer GTM Planner"):
        Project(path)


def test_not_a_project_file(tmp_path):
    bad = tmp_path / "roster.gtmp"
    bad.write_text("Email,Name\n")
    with pytest.raises(ProjectError, match="not a GTM Planner project"):
        Project(bad)
    with pytest.raises(ProjectError, match="no such project"):
        Project(tmp_path / "missing.gtmp")


def test_a_failed_transaction_leaves_the_project_as_it_was(tmp_path):
    p = Project.create(tmp_path / "a.gtmp")
    p.insert_frame("people", pd.DataFrame({"email": ["a@x.com"]}))
    with pytest.raises(RuntimeError):
        with p.transaction() as conn:
            conn.execute("INSERT INTO people(email) VALUES('b@x.com')")
            conn.execute("DELETE FROM people WHERE email='a@x.com'")
            raise RuntimeError("boom")
    assert p.frame("people", ["email"])["email"].tolist() == ["a@x.com"]


def test_a_second_writer_gets_a_clear_busy_error(tmp_path):
    path = tmp_path / "a.gtmp"
    first = Project.create(path)
    second = Project(path, timeout=0.2)
    with first.transaction():
        with pytest.raises(ProjectBusyError, match="busy"):
            with second.transaction():
                pass
    with second.transaction() as conn:  # free again once the first writer is done
        conn.execute("INSERT INTO reps(name) VALUES('Dana')")
    assert first.count("reps") == 1


def test_settings_events_and_saved_mappings_round_trip(tmp_path):
    p = Project.create(tmp_path / "a.gtmp")
    p.set_setting("icp", {"tiers": {"A": 70}})
    assert p.get_setting("icp") == {"tiers": {"A": 70}}
    eid = p.ensure_event("Summit", city="Boston", start_date="2026-12-08")
    assert p.ensure_event("summit") == eid
    assert p.event()["city"] == "Boston"
    p.save_mapping("sig", "roster", {"E-Mail": "email"}, ["E-Mail"])
    assert p.saved_mapping("sig") == {"E-Mail": "email"}
    assert p.saved_mapping("other") is None


def test_new_projects_use_16k_pages_and_old_ones_keep_theirs(tmp_path, monkeypatch):
    from gtmplanner.core import store
    with store.Project.create(tmp_path / "new.gtmp") as p:
        assert p.conn.execute("PRAGMA page_size").fetchone()[0] == store.PAGE_SIZE == 16384
    monkeypatch.setattr(store, "PAGE_SIZE", 4096)  # a project made before 16 KB pages
    with store.Project.create(tmp_path / "old.gtmp") as p:
        p.set_setting("k", "v")
    monkeypatch.undo()
    with store.Project(tmp_path / "old.gtmp") as p:
        assert p.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert p.get_setting("k") == "v" and p.integrity_ok()
