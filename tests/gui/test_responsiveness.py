"""The window stays responsive: a GUI-thread heartbeat during a 200,000-row import.

The heartbeat ticks every 20 ms on the GUI thread. Work done on the GUI thread
(reading, mapping or storing the file there) would hold it for seconds; work on
a worker only costs the GUI thread what the GIL hands back late. The bar is the
issue's 100 ms; the tolerance on top (LATE_TOLERANCE_MS) absorbs a loaded CI
machine, and is still far below what GUI-thread work would cause. Load cannot
fail it: time the GUI thread spent waiting for a CPU is not counted, and a few
isolated late beats pass as noise (see ``Heartbeat.check`` in conftest.py).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from gtmplanner.core.store import Project
from tests.gui.conftest import wait_idle

ROWS = 200_000
BAR_MS = 100
LATE_TOLERANCE_MS = 150  # scheduler noise on a shared 2-core machine


def write_roster(path: Path, rows: int, seed: int = 3) -> None:
    """A roster CSV like an Eventbrite export, ``rows`` attendees."""
    rnd = random.Random(seed)
    firsts = "Liam Noah Emma Olivia Ava Sophia Mia Lucas Mateo Chloé Aisha Jordan Priya".split()
    lasts = "Novak Singh Rossi Lindqvist Smith Garcia Müller Chen Kim Patel Dubois".split()
    cities = [("Boston", "MA", "02110"), ("Worcester", "MA", "01608"), ("New York", "NY", "10001"),
              ("Chicago", "IL", "60601"), ("Austin", "TX", "73301")]
    titles = ["VP Marketing", "Director of Demand Generation", "CMO", "Sales Operations Manager",
              "Intern", "Head of RevOps"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Order #", "First Name", "Last Name", "Email", "Ticket Type", "Home City",
                    "Home State", "Home Zip", "Home Country", "Job Title", "Company"])
        for i in range(rows):
            f, last = rnd.choice(firsts), rnd.choice(lasts)
            city, st, z = rnd.choice(cities)
            co = f"Company {rnd.randrange(20_000):05d}"
            w.writerow([1_000_000 + i, f, last, f"{f.lower()}.{last.lower()}{i}@example{i % 997}.com",
                        rnd.choice(["General Admission", "VIP"]), city, st, z, "United States",
                        rnd.choice(titles), co])


@pytest.mark.timeout(600)
def test_heartbeat_during_a_200k_row_import(window, qtbot, heartbeat, tmp_path, demo_project):  # noqa: ANN001
    src = tmp_path / "big_roster.csv"
    write_roster(src, ROWS)
    before = Project(demo_project).count("people")
    heartbeat.start()
    dialog = window.import_files([src])
    qtbot.waitUntil(lambda: dialog.prep is not None, timeout=240_000)
    prepare_late = heartbeat.worst_ms
    with qtbot.waitSignal(dialog.imported, timeout=300_000) as blocker:
        dialog.start_import()
    import_late = heartbeat.worst_ms
    import_beats = len(heartbeat.late)
    wait_idle(qtbot, timeout=300_000)
    heartbeat.stop()
    result = blocker.args[0]
    assert result["rows_imported"] + result["rows_merged"] > ROWS * 0.9
    with Project(demo_project) as p:
        assert p.count("people") == before + result["rows_imported"]
    beats = len(heartbeat.late)
    print(f"\nheartbeat: {beats} beats, worst late {heartbeat.worst_ms:.0f} ms "
          f"(preparing {prepare_late:.0f} ms, importing {import_late:.0f} ms; "
          f"{heartbeat.raw_worst_ms:.0f} ms counting waits for a CPU)")
    assert beats > 20
    problem = heartbeat.check(BAR_MS, LATE_TOLERANCE_MS, beats=import_beats)
    assert not problem, problem
    # The reload after the import reads the people table as Arrow columns (ADBC), so
    # it no longer holds the GIL for the whole table in one call.
    problem = heartbeat.check(BAR_MS, LATE_TOLERANCE_MS)
    assert not problem, problem


@pytest.mark.timeout(300)
def test_heartbeat_during_recounts_of_a_million_rows(qtbot, heartbeat):  # noqa: ANN001
    """Segment re-counts over 1,000,000 people, each with a fresh context (the costly,
    first-count path), run through run_op while the GUI thread keeps ticking."""
    import numpy as np
    import pandas as pd

    from gtmplanner.core import segments
    from gtmplanner.core.segment_syntax import parse_expression
    from gtmplanner.ui.workers import run_op

    rng = np.random.default_rng(5)
    n = 1_000_000
    frame = pd.DataFrame({
        "tier": rng.choice(list("ABCD"), n), "distance_mi": rng.gamma(2.0, 60.0, n),
        "opted_out": rng.random(n) < 0.04, "country": rng.choice(["US", "GB", "DE"], n),
        "title": rng.choice(["VP Marketing", "Intern", "CMO", "SVP Sales"], n)})
    tree = parse_expression('tier in (A, B) and distance_mi <= 60 and not opted_out '
                            'and country = US and title contains "vp"')
    expected = int(((frame["tier"].isin(["A", "B"])) & (frame["distance_mi"] <= 60)
                    & ~frame["opted_out"] & (frame["country"] == "US")
                    & frame["title"].str.lower().str.contains("vp")).sum())
    results: list[int] = []

    def recount(_progress, _cancelled) -> int:  # noqa: ANN001
        return segments.SegmentContext(frame).count(tree)

    heartbeat.start()
    for _ in range(5):
        finished = _Done()
        with qtbot.waitSignal(finished.done, timeout=120_000):
            run_op(recount, on_success=lambda c, f=finished: (results.append(c), f.done.emit()),
                   on_failure=lambda e, d, f=finished: f.done.emit())
    heartbeat.stop()
    assert results == [expected] * 5
    problem = heartbeat.check(BAR_MS, LATE_TOLERANCE_MS)
    assert not problem, problem


from PySide6.QtCore import QObject, Signal  # noqa: E402


class _Done(QObject):
    done = Signal()
