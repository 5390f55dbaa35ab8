"""Never lose a project: ``kill -9`` in the middle of an import, a re-score, an export
and a sync, then reopen the project.

Each case runs the real ``gtmplanner`` command in a subprocess on a copy of a
project, waits until the command has started writing (its SQLite rollback
journal appears on disk), lets it write for a while and sends SIGKILL. A kill
that landed mid-write leaves a hot journal behind; the test insists on that
(else it proves nothing), then reopens the project the way the app does and
checks ``PRAGMA integrity_check`` and that every table holds exactly what it
held before the command ran.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from gtmplanner.core.store import Project
from tests.trust.conftest import db_state, kill_mid_write, shared_asset

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def scored_big(demo_master: Path, big_roster: Path, tmp_path_factory) -> Path:
    """The demo plus the 150,000-row roster (re-scoring it takes a few seconds)."""
    def build(p: Path) -> None:
        from gtmplanner.core.importer import import_file
        work = p.with_name("big-build.gtmp")
        shutil.copy(demo_master, work)
        with Project(work) as project:
            import_file(project, big_roster, "roster", event=project.event()["name"])
        work.replace(p)
    return shared_asset(tmp_path_factory, "big.gtmp", build)


def _booth_tracker(path: Path, rows: int) -> Path:
    """A tracker as a rep returns it from the booth: people who are not targets yet."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Name", "Email", "Company", "Status", "Notes"])
        for i in range(rows):
            w.writerow([f"Booth Person{i}", f"booth{i}@visitor{i % 400}.example",
                        f"Visitor {i % 400}", "Connected", f"met at the booth ({i})"])
    return path


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in names}
    finally:
        conn.close()


def _kill_and_check(project: Path, args: list[str], delay: float) -> dict:
    """Kill ``gtmplanner *args`` mid-write on a copy of ``project``; the copy must come back
    exactly as ``project`` (which is never touched): same bytes, or else same rows in
    every table."""
    digest, counts = _file_digest(project), _counts(project)
    for attempt in range(4):  # if the command committed before the kill, kill sooner
        work = project.with_name(f"attempt{attempt}.gtmp")
        shutil.copy(project, work)
        run_args = [str(work) if a == str(project) else a for a in args]
        res = kill_mid_write(work, run_args, delay)
        assert res["saw_write"], f"the command never started writing: {res['stderr']}"
        # Reopen as the app does: SQLite rolls the hot journal back on first read.
        with Project(work) as reopened:
            assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if res["hot_journal"]:
            assert _counts(work) == counts
            if _file_digest(work) != digest:  # not byte-identical: compare every row
                before, after = db_state(project), db_state(work)
                changed = sorted(t for t in before if before[t] != after.get(t))
                assert not changed, f"tables changed by the killed command: {changed}"
            return res
        assert res["returncode"] in (0, -9), res["stderr"]  # finished, or killed after commit
        delay /= 3
    pytest.fail("the command always finished before the kill; make the data bigger")


@pytest.mark.parametrize("delay", [0.05, 0.6, 1.4])
def test_kill_during_import(demo_master: Path, big_roster: Path, tmp_path: Path,
                            delay: float) -> None:
    p = tmp_path / "p.gtmp"
    shutil.copy(demo_master, p)
    res = _kill_and_check(p, ["import", str(p), str(big_roster), "--kind", "roster"], delay)
    assert res["returncode"] == -9


@pytest.mark.parametrize("delay", [0.02, 0.3, 0.7])
def test_kill_during_rescore(scored_big: Path, tmp_path: Path, delay: float) -> None:
    p = tmp_path / "p.gtmp"
    shutil.copy(scored_big, p)
    res = _kill_and_check(p, ["score", str(p)], delay)
    assert res["returncode"] == -9


@pytest.mark.parametrize("delay", [0.1, 2.0, 4.5])
def test_kill_during_export(demo_master: Path, tmp_path: Path, delay: float) -> None:
    p = tmp_path / "p.gtmp"
    shutil.copy(demo_master, p)
    out = tmp_path / "out"
    res = _kill_and_check(p, ["export", str(p), "--out", str(out)], delay)
    assert res["returncode"] == -9
    # Files are written whole or not at all (a temporary name until complete).
    for f in out.glob("*") if out.exists() else []:
        if f.name.startswith("."):
            continue
        if f.suffix == ".xlsx":
            openpyxl.load_workbook(f, read_only=True).close()
        elif f.suffix == ".csv":
            with f.open(encoding="utf-8-sig") as fh:
                assert list(csv.reader(fh))


@pytest.mark.parametrize("delay", [0.0, 0.04, 0.09])
def test_kill_during_sync(demo_master: Path, tmp_path: Path, delay: float) -> None:
    p = tmp_path / "p.gtmp"
    shutil.copy(demo_master, p)
    tracker = _booth_tracker(tmp_path / "booth.csv", 12_000)
    res = _kill_and_check(p, ["sync", str(p), str(tracker)], delay)
    assert res["returncode"] == -9


def test_the_check_would_see_a_half_written_project(demo_master: Path, tmp_path: Path) -> None:
    """Control: a write that is not one transaction (autocommit rows) is visible after a
    kill, so the comparison above really detects half-done work."""
    p = tmp_path / "p.gtmp"
    shutil.copy(demo_master, p)
    before = db_state(p)
    conn = sqlite3.connect(p, isolation_level=None)
    conn.execute("INSERT INTO people (email) VALUES ('half@written.example')")
    conn.close()
    assert db_state(p) != before


def test_a_cancelled_rescore_with_a_new_profile_changes_nothing(demo_copy: Path) -> None:
    """The window's Cancel: the new ICP profile is stored with the scores or not at all."""
    import dataclasses

    from gtmplanner.core import scoring
    from gtmplanner.core.errors import GtmError

    before = db_state(demo_copy)
    with Project(demo_copy) as p:
        profile = dataclasses.replace(scoring.load_profile(p), industry_weight=35,
                                      name="A bolder profile")
        with pytest.raises(GtmError, match="nothing was changed"):
            scoring.score_project(p, profile=profile, cancelled=lambda: True)
    assert db_state(demo_copy) == before
    with Project(demo_copy) as p:  # and when it runs to the end, both land together
        scoring.score_project(p, profile=profile)
        assert scoring.load_profile(p).name == "A bolder profile"
