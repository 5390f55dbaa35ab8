"""Shared pieces of the trust suite: projects built once, the real command, state digests.

Big inputs (the scored demo project, a 150,000-row roster) are built once per test
run and shared by the xdist workers through a file lock, so ``-n 2`` pays for them
once. Every test works on its own copy.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

__all__ = ["ROOT", "run_cli", "one_line_error", "db_state", "spawn_cli", "kill_mid_write",
           "shared_asset", "make_roster_csv", "child_peak"]


def one_line_error(proc: subprocess.CompletedProcess[str], *, contains: str = "") -> str:
    """Assert the command failed the way users should see it: non-zero, one stderr line."""
    err = proc.stderr
    assert proc.returncode != 0, f"expected a failure, got 0:\n{proc.stdout[:500]}"
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{err}"
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "internal error" not in err, err
    if contains:
        assert contains.lower() in err.lower(), err
    return lines[0]


def db_state(path: Path) -> dict[str, tuple[int, str]]:
    """Row count and a content hash of every table (rows in rowid order)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        out = {}
        for t in tables:
            h = hashlib.sha256()
            n = 0
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid'):
                h.update(repr(row).encode())
                n += 1
            out[t] = (n, h.hexdigest()[:16])
        schema = conn.execute("SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master "
                              "ORDER BY name)").fetchone()[0]
        out["__schema__"] = (0, hashlib.sha256((schema or "").encode()).hexdigest()[:16])
        return out
    finally:
        conn.close()


def spawn_cli(*args: str) -> subprocess.Popen[str]:
    """Start the real command without waiting for it."""
    return subprocess.Popen([sys.executable, "-m", "gtmplanner", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def kill_mid_write(project: Path, args: list[str], delay: float,
                   timeout: float = 120.0) -> dict[str, object]:
    """Run ``gtmplanner *args``; ``delay`` s after it starts writing (its rollback journal
    appears), SIGKILL it. Returns what happened: whether the kill landed while the
    transaction was open (a hot journal was left behind) and the exit status."""
    journal = Path(f"{project}-journal")
    proc = spawn_cli(*args)
    t0 = time.monotonic()
    seen = None
    try:
        while proc.poll() is None and time.monotonic() - t0 < timeout:
            if seen is None and journal.exists():
                seen = time.monotonic()
            if seen is not None and time.monotonic() - seen >= delay:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    hot = journal.exists() and journal.stat().st_size > 0
    return {"returncode": proc.returncode, "hot_journal": hot, "saw_write": seen is not None,
            "stderr": proc.stderr.read() if proc.stderr else ""}


# ----------------------------------------------------------------------------- shared assets

def _shared_root(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    d = root / "trust-assets"
    d.mkdir(exist_ok=True)
    return d


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def shared_asset(factory: pytest.TempPathFactory, name: str,
                 build: Callable[[Path], None]) -> Path:
    """``name`` built once for the whole run (all workers) by ``build(path)``."""
    root = _shared_root(factory)
    target = root / name
    with _lock(root / f"{name}.lock"):
        if not target.exists():
            tmp = root / f"{name}.building"
            if tmp.exists():
                tmp.unlink()
            build(tmp)
            tmp.replace(target)
    return target


def make_roster_csv(path: Path, rows: int, seed: int = 1) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench_import import make_csv
    make_csv(path, rows, seed=seed)


def _build_demo(path: Path) -> None:
    from gtmplanner.core import services
    work = path.with_name("demo-build.gtmp")
    services.create_demo(work)
    shutil.move(work, path)


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scored demo project (read-only: copy it before changing anything)."""
    return shared_asset(tmp_path_factory, "demo.gtmp", _build_demo)


@pytest.fixture
def demo_copy(demo_master: Path, tmp_path: Path) -> Path:
    p = tmp_path / "play.gtmp"
    shutil.copy(demo_master, p)
    return p


@pytest.fixture(scope="session")
def big_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 150,000-row, 25-column roster CSV (47 MB)."""
    def build(p: Path) -> None:
        tmp = p.with_suffix(".csv")
        make_roster_csv(tmp, 150_000)
        tmp.replace(p)
    return shared_asset(tmp_path_factory, "roster150k.csv", build)


# ----------------------------------------------------------------------------- memory

# The child reports its own peak (VmHWM of the process image after exec). ru_maxrss from
# wait4 would also count the pages of the big pytest worker it was forked from, so it
# moved with whatever the worker had loaded before (flaky memory bounds).
_PEAK_MARK = "@@gtm-peak-kb "
_PEAK_WRAPPER = f"""
import atexit, sys
def _peak():
    with open('/proc/self/status') as fh:
        for line in fh:
            if line.startswith('VmHWM:'):
                sys.stderr.write({_PEAK_MARK!r} + line.split()[1] + '\\n')
atexit.register(_peak)
from gtmplanner.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def child_peak(args: list[str], timeout: float = 60) -> tuple[int, str, float, float]:
    """Run the real command; (exit code, stderr, seconds, peak RSS in MB) of that child."""
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", _PEAK_WRAPPER, *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"gtmplanner {' '.join(args)} hung for {timeout} s")
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    peak_mb = usage.ru_maxrss / 1024
    lines = []
    for line in err.splitlines(keepends=True):
        if line.startswith(_PEAK_MARK):
            peak_mb = int(line[len(_PEAK_MARK):]) / 1024
        else:
            lines.append(line)
    return proc.returncode, "".join(lines), time.monotonic() - t0, peak_mb


@pytest.fixture(scope="session")
def baseline_mb(tmp_path_factory) -> float:
    tmp = tmp_path_factory.mktemp("baseline")
    small = tmp / "small.csv"
    small.write_text("First Name,Email\nAnn,ann@x.example\n", encoding="utf-8")
    code, err, _, mb = child_peak(["import", str(tmp / "b.gtmp"), str(small), "--kind",
                                    "roster", "--event", "E"])
    assert code == 0, err
    return mb


# ----------------------------------------------------------------------------- example counts

_EXAMPLES: dict[str, int] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the hypothesis example counts the tests record (xdist forwards them)."""
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "examples":
                _EXAMPLES[report.nodeid.split("::")[-1]] = int(value)


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest's reporter
    if _EXAMPLES:
        parts = ", ".join(f"{k} {v:,}" for k, v in sorted(_EXAMPLES.items()))
        terminalreporter.write_line(f"hypothesis examples run: {sum(_EXAMPLES.values()):,} "
                                    f"({parts})")
