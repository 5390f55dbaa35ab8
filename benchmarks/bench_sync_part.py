"""Time ``sync_trackers`` on 200 trackers x 250 rows (50,000 targets). Bar: < 10 s.

Setup (not timed): a project with 50,000 people and exported targets (snapshot
written as the export step writes it), then one tracker per rep written by
``write_tracker`` from values a rep would have typed: about a third of the
rows get a new status, touches, last touch date and note, some next steps;
every tracker also carries 2 people met at the booth (no Target ID) and one
target the marketer edited in the project after the export (a conflict).

Timed: the first sync (read 200 xlsx, match, merge, write in one transaction),
then the same files again (must change nothing), then a dry run.

    .venv/bin/python benchmarks/bench_sync_part.py [--files 200] [--rows 250]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gtmplanner.core.export.columns import STATUS_VALUES  # noqa: E402
from gtmplanner.core.export.tracker import write_tracker  # noqa: E402
from gtmplanner.core.store import Project  # noqa: E402
from gtmplanner.core.sync import sync_trackers  # noqa: E402

EVENT = {"name": "Bench Summit", "city": "Austin", "start_date": dt.date(2026, 11, 23),
         "end_date": dt.date(2026, 11, 25)}


def build(work: Path, files: int, rows: int, seed: int = 7) -> tuple[Project, list[Path]]:
    """The project and the filled-in trackers."""
    rnd = random.Random(seed)
    proj = Project.create(work / "bench.gtmp")
    n = files * rows
    people, targets, frame = [], [], []
    for i in range(1, n + 1):
        rep = f"Rep {(i - 1) // rows:03d}"
        first, last, company = f"First{i}", f"Last{i % 997}", f"Company {i % 3001}"
        email = f"first{i}.last@company{i % 3001}.com"
        snap = {"status": "Not contacted", "touches": 0, "last_touch_date": None,
                "next_step": None, "notes": None, "rep": rep}
        people.append((i, first, last, f"{first} {last}", email, company))
        targets.append((i, f"T{i:06d}", i, rep, json.dumps(snap)))
        edited = rnd.random() < 0.35
        frame.append({
            "target_id": f"T{i:06d}", "rep": rep, "full_name": f"{first} {last}",
            "first_name": first, "last_name": last, "email": email, "company": company,
            "phone": f"+1 512 555 {i % 10000:04d}", "tier": "ABCD"[i % 4],
            "priority": 1 + i % 3, "score": i % 100,
            "status": rnd.choice(STATUS_VALUES[1:]) if edited else "Not contacted",
            "touches": rnd.randint(1, 4) if edited else 0,
            "last_touch_date": dt.date(2026, 11, 26 + rnd.randint(0, 4)) if edited else None,
            "next_step": "Book a demo" if edited and rnd.random() < 0.3 else None,
            "notes": f"Talked about use case {i}" if edited else None,
        })  # fmt: skip
    with proj.transaction() as c:
        c.execute("INSERT INTO events (id, name, start_date, end_date) VALUES "
                  "(1, 'Bench Summit', '2026-11-23', '2026-11-25')")
        c.executemany("INSERT INTO people (id, first_name, last_name, full_name, email, company)"
                      " VALUES (?,?,?,?,?,?)", people)
        c.executemany("INSERT INTO event_people (event_id, person_id) VALUES (1, ?)",
                      [(p[0],) for p in people])
        c.executemany("INSERT INTO targets (id, target_key, event_id, person_id, rep, status,"
                      " touches, export_snapshot) VALUES (?,?,1,?,?,'Not contacted',0,?)",
                      targets)
        # the marketer edits one target per rep after the export -> one conflict per file
        c.execute("UPDATE targets SET status='Bad data' WHERE (id - 1) % ? = 0", (rows,))
    df = pd.DataFrame(frame).astype(object)
    out = []
    for k in range(files):
        part = df.iloc[k * rows:(k + 1) * rows].copy()
        part.loc[part.index[0], ["status", "touches"]] = ["Connected", 1]
        booth = pd.DataFrame([
            {"target_id": None, "rep": part["rep"].iloc[0], "full_name": f"Booth {k} {j}",
             "email": f"booth{k}.{j}@newco{k}.com", "company": f"NewCo {k}",
             "status": "Connected", "touches": 1, "notes": "Met at the booth",
             "priority": 9, "score": 0}
            for j in range(2)
        ]).astype(object)
        path = work / "trackers" / f"follow-up - {k:03d}.xlsx"
        write_tracker(path, pd.concat([part, booth], ignore_index=True),
                      rep=part["rep"].iloc[0], event=EVENT)
        out.append(path)
    return proj, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=250)
    args = parser.parse_args()
    work = ROOT / "benchmarks" / "_work" / "sync_part"
    shutil.rmtree(work, ignore_errors=True)
    (work / "trackers").mkdir(parents=True)
    t = time.perf_counter()
    proj, files = build(work, args.files, args.rows)
    setup = time.perf_counter() - t
    timings = {}
    for label, kwargs in (("dry_run", {"dry_run": True}), ("first_sync", {}),
                          ("second_sync", {})):
        t = time.perf_counter()
        res = sync_trackers(proj, files, **kwargs)
        timings[label] = round(time.perf_counter() - t, 3)
        timings[f"{label}_result"] = {
            "rows_read": res.rows_read, "updated": res.updated, "unchanged": res.unchanged,
            "conflicts": len(res.conflicts), "added": len(res.added),
            "unmatched": len(res.unmatched), "warnings": len(res.warnings)}
    proj.close()
    report = {"files": args.files, "rows_per_file": args.rows,
              "targets": args.files * args.rows, "setup_seconds": round(setup, 1), **timings,
              "bar_seconds": 10.0, "ok": timings["first_sync"] < 10.0}
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
