"""The long fuzz run (a command, not a test).

    .venv/bin/python benchmarks/fuzz_marathon.py [--times 20] [--only NAME ...] [--seed N]

Runs every property of ``tests/trust/test_fuzz_importers.py`` (the whole import
pipeline on random bytes, random CSV dialects and encodings, broken and re-zipped
xlsx/ods, and the header mapper) ``--times`` times as many examples as CI does, with
fresh random data each run (CI's runs are derandomised), and prints the examples
run and their outcomes per property. A failure prints hypothesis' minimal example
and the command exits 1.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from tests.trust import test_fuzz_importers as fuzz

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--times", type=int, default=20, help="examples = CI examples x TIMES")
    ap.add_argument("--only", nargs="*", choices=sorted(fuzz.TARGETS), default=None)
    ap.add_argument("--seed", type=int, help="seed Python's random (hypothesis seeds itself)")
    a = ap.parse_args(argv)
    if a.seed is not None:
        random.seed(a.seed)
    names = a.only or sorted(fuzz.TARGETS)
    total, failed = 0, []
    t_all = time.perf_counter()
    for name in names:
        n = fuzz.CI_EXAMPLES[name] * a.times
        with tempfile.TemporaryDirectory(prefix=f"gtm-fuzz-{name}-") as tmp:
            t0 = time.perf_counter()
            try:
                stats = fuzz.TARGETS[name](n, Path(tmp), derandomize=False)
            except Exception:  # noqa: BLE001 - report every property, then fail
                traceback.print_exc()
                failed.append(name)
                print(f"{name:>17}: FAILED after {time.perf_counter() - t0:.0f} s")
                continue
        total += stats["examples"]
        outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(stats.items()) if k != "examples")
        print(f"{name:>17}: {stats['examples']:>7,} examples in {time.perf_counter() - t0:6.1f} s"
              f"  ({outcomes})", flush=True)
    print(f"{'total':>17}: {total:>7,} examples in {time.perf_counter() - t_all:6.1f} s; "
          f"{'FAILED: ' + ', '.join(failed) if failed else 'no failures'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
