"""Two windows, or a window and the command line, on one project.

A "window" is played by another process holding a write transaction open (as the
app does during a long import or re-score). The command line must wait for the
busy timeout, then say in one line that the project is busy (exit non-zero, no
traceback), and the project must come out consistent. Two commands importing at
the same time must both land, one after the other.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gtmplanner.core.errors import ProjectBusyError
from gtmplanner.core.importer import import_file
from gtmplanner.core.store import BUSY_TIMEOUT_S, Project
from tests.trust.conftest import ROOT, db_state, one_line_error

pytestmark = pytest.mark.timeout(120)

HOLDER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN " + sys.argv[2])
conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES('window_edit', '\"held\"')")
if sys.argv[2] == "EXCLUSIVE":  # a big write whose pages no longer fit the cache
    conn.execute("UPDATE people SET notes = COALESCE(notes, '') WHERE id IN "
                 "(SELECT id FROM people LIMIT 50)")
print("ready", flush=True)
verdict = sys.stdin.readline().strip()
conn.execute("COMMIT" if verdict == "commit" else "ROLLBACK")
print("done", flush=True)
"""


def _roster(path: Path, rows: int, tag: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["First Name", "Last Name", "Email", "Company", "Job Title", "City", "State"])
        for i in range(rows):
            w.writerow([f"Ann{i}", f"{tag.title()}{i}", f"ann{i}.{tag}@{tag}{i % 300}.example",
                        f"{tag.title()} Co {i % 300}", "VP Marketing", "Boston", "MA"])
    return path


class Window:
    """Another process with a write transaction open on the project."""

    def __init__(self, project: Path, mode: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(project), mode],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def finish(self, verdict: str) -> None:
        self.proc.stdin.write(verdict + "\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "done"
        self.proc.wait(timeout=30)


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "gtmplanner", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("mode", ["IMMEDIATE", "EXCLUSIVE"])
def test_command_line_says_busy_while_a_window_writes(demo_copy: Path, tmp_path: Path,
                                                      mode: str) -> None:
    roster = _roster(tmp_path / "walkins.csv", 300, "walkin")
    before = db_state(demo_copy)
    window = Window(demo_copy, mode)
    t0 = time.monotonic()
    cmds = {"import": _cli("import", str(demo_copy), str(roster), "--kind", "roster"),
            "score": _cli("score", str(demo_copy)),
            "segment": _cli("segment", str(demo_copy), "Busy", "--where", "tier = A")}
    if mode == "EXCLUSIVE":  # nobody can even read: reads must say "busy" too
        cmds["info"] = _cli("info", str(demo_copy))
        cmds["people"] = _cli("people", str(demo_copy), "--limit", "3")
    results = {}
    for name, proc in cmds.items():
        out, err = proc.communicate(timeout=60)
        results[name] = (subprocess.CompletedProcess(proc.args, proc.returncode, out, err),
                         time.monotonic() - t0)
    window.finish("commit")
    for name, (proc, elapsed) in results.items():
        line = one_line_error(proc, contains="busy")
        assert line.startswith(f"gtmplanner {name}: "), line
        assert elapsed >= BUSY_TIMEOUT_S * 0.9, f"{name} gave up after {elapsed:.1f} s"
    with Project(demo_copy) as p:
        assert p.integrity_ok()
        assert p.get_setting("window_edit") == "held"          # the window's write landed
    after = db_state(demo_copy)
    changed = {t for t in before if before[t] != after[t]}
    assert changed <= {"settings", "people"}, changed          # ... and nothing else did
    assert after["imports"] == before["imports"] and after["segments"] == before["segments"]


def test_a_window_thread_and_a_writer_in_the_same_process(demo_copy: Path,
                                                          tmp_path: Path) -> None:
    roster = _roster(tmp_path / "r.csv", 200, "thread")
    held, release = threading.Event(), threading.Event()

    def window() -> None:
        with Project(demo_copy) as p, p.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings VALUES('thread', '1')")
            held.set()
            release.wait(30)

    t = threading.Thread(target=window)
    t.start()
    try:
        assert held.wait(10)
        with Project(demo_copy, timeout=0.5) as p:
            n = p.count("people")
            with pytest.raises(ProjectBusyError, match="busy") as err:
                import_file(p, roster, "roster")
            assert "\n" not in str(err.value)
    finally:
        release.set()
        t.join(30)
    with Project(demo_copy) as p:  # once the window is done, the same import goes through
        import_file(p, roster, "roster")
        assert p.count("people") == n + 200 and p.integrity_ok()


def test_two_commands_importing_at_once_both_land(demo_copy: Path, tmp_path: Path) -> None:
    a = _roster(tmp_path / "a.csv", 20_000, "alpha")
    b = _roster(tmp_path / "b.csv", 20_000, "bravo")
    with Project(demo_copy) as p:
        people, imports = p.count("people"), p.count("imports")
    procs = [_cli("import", str(demo_copy), str(f), "--kind", "roster", "--json")
             for f in (a, b, a)]  # the same file twice at once, too
    outs = [p.communicate(timeout=90) for p in procs]
    for proc, (_out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    with Project(demo_copy) as p:
        assert p.integrity_ok()
        assert p.count("people") == people + 40_000          # no one lost, no one twice
        emails = p.conn.execute("SELECT COUNT(DISTINCT lower(email)), COUNT(email) FROM people"
                                ).fetchone()
        assert emails[0] == emails[1]
        assert imports + 2 <= p.count("imports") <= imports + 3
    conn = sqlite3.connect(demo_copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    shutil.rmtree(tmp_path / "unused", ignore_errors=True)
