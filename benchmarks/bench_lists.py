"""Lists benchmark (a command, not a test).

    .venv/bin/python benchmarks/bench_lists.py [--people 1000000]

In one run:
  1. re-count a 5-condition segment over 1,000,000 people (bar < 100 ms; a raw
     pandas mask over 1M rows takes ~17 ms on this machine, timed here too);
  2. assign 100,000 targets to 200 reps (bar < 5 s);
  3. export 200 formatted per-rep workbooks x 250 targets against plain
     ``pandas.DataFrame.to_excel`` of the same cells (bar: ratio <= 1.0)
     — benchmarks/bench_export_part.py;
  4. sync 200 filled-in trackers back (bar < 10 s) — benchmarks/bench_sync_part.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gtmplanner.core import assign, segments  # noqa: E402
from gtmplanner.core.segment_syntax import parse_expression  # noqa: E402

EXPR = ('tier in (A, B) and distance_mi <= 60 and not opted_out and country = US '
        'and title contains "vp"')
STATES = ["MA", "NH", "RI", "NY", "NJ", "CT", "TX", "IL", "CA", "WA", "CO", "GA", "FL", "OR"]


def people_frame(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    titles = np.array(["VP Marketing", "Director of Demand Gen", "Marketing Manager", "CMO",
                       "SVP Sales", "Intern", "Account Executive", "Head of RevOps"])
    return pd.DataFrame({
        "tier": pd.Categorical(rng.choice(list("ABCD"), n, p=[0.15, 0.3, 0.3, 0.25])),
        "score": rng.integers(0, 100, n),
        "distance_mi": rng.gamma(2.0, 60.0, n).round(1),
        "opted_out": rng.random(n) < 0.04,
        "country": pd.array(rng.choice(["US", "US", "US", "GB", "DE", "CA"], n), dtype="str"),
        "title": pd.array(rng.choice(titles, n), dtype="str"),
        "industry": pd.array(rng.choice(["Software", "Retail", "Healthcare"], n), dtype="str"),
        "region": pd.array(rng.choice(STATES, n), dtype="str"),
    })


def bench_count(n: int) -> None:
    frame = people_frame(n)
    tree = parse_expression(EXPR)
    ctx = segments.SegmentContext(frame)
    t = time.perf_counter()
    first = ctx.count(tree)
    t_first = time.perf_counter() - t
    times = []
    for _ in range(5):
        t = time.perf_counter()
        c = ctx.count(tree)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    raw = int(((frame["tier"].isin(["A", "B"])) & (frame["distance_mi"] <= 60)
               & ~frame["opted_out"] & (frame["country"] == "US")
               & frame["title"].str.lower().str.contains("vp", regex=False)).sum())
    t_raw = time.perf_counter() - t
    assert c == first == raw, (c, first, raw)
    print(f"1. re-count a 5-condition segment over {n:,} people: {min(times) * 1000:.1f} ms "
          f"(first count incl. column preparation {t_first * 1000:.0f} ms; raw pandas mask "
          f"{t_raw * 1000:.0f} ms; bar < 100 ms) -> {c:,} people")


def bench_assign(n_targets: int = 100_000, n_reps: int = 200) -> None:
    rng = np.random.default_rng(2)
    reps = [assign.Rep(name=f"Rep {i:03d}", email=f"rep{i}@ourco.example",
                       regions=[STATES[i % len(STATES)]], capacity=int(rng.integers(100, 200)),
                       attending=bool(i % 3 == 0)) for i in range(n_reps)]
    owners = np.where(rng.random(n_targets) < 0.1,
                      rng.choice([r.name for r in reps], n_targets), None)
    targets = pd.DataFrame({
        "account_owner": owners, "account_name": "Acme",
        "region": rng.choice(STATES + ["ON", "BY", None], n_targets),
        "country": rng.choice(["US", "US", "CA", "DE"], n_targets),
        "locked_rep": None, "priority": rng.integers(1, 4, n_targets),
        "score": rng.integers(0, 100, n_targets)},
        index=pd.RangeIndex(1, n_targets + 1))
    t = time.perf_counter()
    out = assign.assign_targets(targets, reps, onsite=True)
    dt = time.perf_counter() - t
    print(f"2. assign {n_targets:,} targets to {n_reps} reps: {dt:.2f} s (bar < 5 s); "
          f"{int(out['rep'].notna().sum()):,} assigned")


def run_part(script: str, label: str) -> None:
    print(f"{label} ({script}):")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script)],
                          capture_output=True, text=True, cwd=ROOT)
    for line in (proc.stdout + proc.stderr).strip().splitlines():
        print("   " + line)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1_000_000)
    a = ap.parse_args()
    bench_count(a.people)
    bench_assign()
    run_part("bench_export_part.py", "3. export 200 per-rep workbooks x 250 targets")
    run_part("bench_sync_part.py", "4. sync 200 trackers back")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
