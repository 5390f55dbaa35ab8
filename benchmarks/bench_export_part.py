"""Time per-rep target-sheet export against plain ``pandas.DataFrame.to_excel``.

200 workbooks x 250 targets. Ours: ``write_target_sheet`` from the raw targets
frame (sorting, text preparation, all formatting, validation, print setup,
About sheet). Baseline: ``to_excel(engine="xlsxwriter")`` of the same display
cells, prepared in advance (so the baseline does strictly less work). Both run
in the same process, alternating, best of ``--rounds``. Bar: ratio <= 1.0.

    .venv/bin/python benchmarks/bench_export_part.py [--workbooks 200] [--rows 250]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gtmplanner.core.export.columns import TARGET_SHEET_COLUMNS  # noqa: E402
from gtmplanner.core.export.target_sheet import (  # noqa: E402
    target_sheet_frame,
    write_target_sheet,
)
from gtmplanner.core.export.tracker import write_tracker  # noqa: E402


def _sample_module():
    path = ROOT / "tests" / "unit" / "test_export_sample.py"
    spec = importlib.util.spec_from_file_location("_gtm_export_sample", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workbooks", type=int, default=200)
    parser.add_argument("--rows", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    sample = _sample_module()
    frames = []
    for i in range(args.workbooks):
        df = sample.make_targets(args.rows, seed=i)
        df["rep"] = f"Rep {i:03d}"
        frames.append(df)
    # baseline cells: exactly what our sheet shows, ready-made
    headers = {c.key: c.header for c in TARGET_SHEET_COLUMNS}
    baseline = [target_sheet_frame(df)[list(headers)].rename(columns=headers) for df in frames]
    work = ROOT / "benchmarks" / "_work" / "export_part"
    shutil.rmtree(work, ignore_errors=True)
    (work / "ours").mkdir(parents=True)
    (work / "pandas").mkdir(parents=True)
    event = sample.EVENT

    def run_pandas() -> float:
        t = time.perf_counter()
        for i, cells in enumerate(baseline):
            cells.to_excel(work / "pandas" / f"{i}.xlsx", engine="xlsxwriter", index=False,
                           sheet_name="Targets")  # fmt: skip
        return time.perf_counter() - t

    def run_ours() -> float:
        t = time.perf_counter()
        for i, df in enumerate(frames):
            write_target_sheet(work / "ours" / f"{i}.xlsx", df, rep=f"Rep {i:03d}", event=event)
        return time.perf_counter() - t

    def run_trackers() -> float:
        t = time.perf_counter()
        for i, df in enumerate(frames):
            write_tracker(work / "ours" / f"tracker{i}.xlsx", df, rep=f"Rep {i:03d}", event=event)
        return time.perf_counter() - t

    ours, theirs = [], []
    for _ in range(args.rounds):  # alternate, so background load hits both sides
        theirs.append(run_pandas())
        ours.append(run_ours())
    trackers = run_trackers()
    best_ours, best_pandas = min(ours), min(theirs)
    per_round = [o / p for o, p in zip(ours, theirs, strict=True)]
    result = {
        "workbooks": args.workbooks,
        "rows_per_workbook": args.rows,
        "target_sheets_s": round(best_ours, 3),
        "pandas_to_excel_s": round(best_pandas, 3),
        "ratio": round(best_ours / best_pandas, 3),
        "ratio_per_round": [round(r, 3) for r in per_round],
        "workbooks_per_s": round(args.workbooks / best_ours, 1),
        "trackers_s": round(trackers, 3),
        "trackers_per_s": round(args.workbooks / trackers, 1),
        "bar": "ratio <= 1.0",
    }
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if max(per_round) <= 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
