"""Micro-benchmarks of the parts (a command, not a test).

    .venv/bin/python benchmarks/bench_parts.py [--only readers,mapping,normalise,templates]

The speed bars that used to be timed assertions in the unit tests, measured here
instead (the tests keep checking the results). In one run:
  readers    read_table on a 200,000-row CSV against pyarrow.csv alone (bar <= 6x) and
             on a 50,000-row xlsx against python_calamine alone (bar <= 1.5x, DESIGN.md);
             an xlsx with 1,000,000 formatted blank rows (bar < 5 s) and a CSV with
             10,000 columns (bar < 10 s);
  mapping    sniffing the columns of a 200,000-row roster (bar < 2 s);
  normalise  each normaliser on 200,000 rows of the realistic roster frame, caches
             cleared first (bars per normaliser, e.g. emails < 0.6 s, phones < 1 s);
  templates  render_many of a shipped template, per target (bar < 1 ms).
Numbers over a bar are flagged with "OVER"; the exit code is 0 either way.
The data come from the unit tests' generators, so the benchmark times what they check.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NORMALISE_BARS_200K = {  # seconds for 200,000 rows (formerly tests/unit/test_normalize_perf.py)
    "emails": 0.6, "phones": 1.0, "split_names": 1.5, "country": 0.3, "region": 0.3,
    "dates_iso": 0.3, "dates_named": 0.3, "money": 0.3, "employees": 0.3, "bool": 0.3,
}


def best(f: Callable[[], object], n: int = 3) -> float:
    """The fastest of ``n`` runs, in seconds."""
    out = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        f()
        out = min(out, time.perf_counter() - t)
    return out


def verdict(ok: bool) -> str:
    return "" if ok else "  OVER"


def bench_readers(work: Path, csv_rows: int, xlsx_rows: int) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import python_calamine

    from gtmplanner.core.io.readers import read_table
    from tests.unit.test_readers_perf import HEADER, _row
    from tests.unit.test_readers_workbooks import _is, raw_xlsx

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(_row(i) for i in range(csv_rows))
    path = work / "roster.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    types = dict.fromkeys(HEADER, pa.string())
    alone = best(lambda: pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types=types)))
    ours = best(lambda: read_table(path))
    assert len(read_table(path).frame) == csv_rows
    ratio = ours / alone
    print(f"readers: {csv_rows:,}-row CSV read_table {ours:.2f} s vs pyarrow alone "
          f"{alone:.2f} s = {ratio:.1f}x (bar <= 6x){verdict(ratio <= 6)}")

    letters = "ABCDEFGHIJKL"
    body = []
    for r, row in enumerate([HEADER, *(_row(i) for i in range(xlsx_rows))], 1):
        cells = "".join(_is(f"{letters[c]}{r}", v) if c or r == 1 else
                        f'<c r="A{r}"><v>{v}</v></c>' for c, v in enumerate(row) if v)
        body.append(f'<row r="{r}">{cells}</row>')
    path = work / "roster.xlsx"
    path.write_bytes(raw_xlsx("".join(body)))

    def calamine_alone() -> None:
        wb = python_calamine.CalamineWorkbook.from_path(path)
        wb.get_sheet_by_name("Roster").to_python()

    assert len(read_table(path).frame) == xlsx_rows
    alone = best(calamine_alone)
    ours = best(lambda: read_table(path))
    ratio = ours / alone
    print(f"readers: {xlsx_rows:,}-row xlsx read_table {ours:.2f} s vs calamine alone "
          f"{alone:.2f} s = {ratio:.2f}x (bar <= 1.5x){verdict(ratio <= 1.5)}")

    data = "".join(f'<row r="{r}"><c r="A{r}" s="0"/><c r="Z{r}" s="0"/></row>'
                   if r % 2 else f'<row r="{r}" s="1" customFormat="1"/>'
                   for r in range(3, 1_000_001))
    path = work / "blank.xlsx"
    path.write_bytes(raw_xlsx(f'<row r="1">{_is("A1", "Email")}{_is("B1", "Name")}</row>'
                              f'<row r="2">{_is("A2", "a@x.example")}{_is("B2", "Ann")}</row>'
                              + data))
    secs = best(lambda: read_table(path), 1)
    assert len(read_table(path).frame) == 1
    print(f"readers: xlsx with 1,000,000 formatted blank rows: {secs:.2f} s "
          f"(bar < 5 s){verdict(secs < 5)}")

    header = ",".join(f"Field {i}" for i in range(10_000))
    rows = "\n".join(",".join(f"v{r}.{i}" for i in range(10_000)) for r in range(3))
    path = work / "wide.csv"
    path.write_text(header + "\n" + rows + "\n", encoding="utf-8")
    secs = best(lambda: read_table(path), 1)
    print(f"readers: CSV with 10,000 columns: {secs:.2f} s (bar < 10 s){verdict(secs < 10)}")


def bench_mapping() -> None:
    from gtmplanner.core.io.mapping import propose_mapping
    from tests.unit.test_mapping import PEOPLE

    rows = [[p[0], p[1], p[3]] for p in PEOPLE] * 50_000
    frame = pd.DataFrame(rows, columns=["Full Name", "Column 2", "State"])
    secs = best(lambda: propose_mapping(frame, "roster"))
    print(f"mapping: sniff 3 columns x {len(frame):,} rows: {secs:.2f} s "
          f"(bar < 2 s){verdict(secs < 2)}")


def bench_normalise(rows: int) -> None:
    import importlib.util

    from gtmplanner.core import normalize as nz
    from gtmplanner.core.normalize_emails import _validate_cached
    from gtmplanner.core.normalize_names import parse_name_slow
    from gtmplanner.core.normalize_phones import parse_phone_slow

    path = ROOT / "tests" / "unit" / "test_normalize_bench_data.py"
    spec = importlib.util.spec_from_file_location("_normalize_bench_data", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for cached in (_validate_cached, parse_name_slow, parse_phone_slow):
        cached.cache_clear()
    df = module.realistic_frame(rows)
    jobs: dict[str, Callable[[], object]] = {
        "emails": lambda: nz.normalize_emails(df["email"]),
        "phones": lambda: nz.normalize_phones(df["phone"], df["phone_region"]),
        "split_names": lambda: nz.split_full_names(df["full_name"]),
        "tidy_names": lambda: nz.tidy_person_names(df["first_name"]),
        "country": lambda: nz.normalize_country(df["country"]),
        "region": lambda: nz.normalize_region(df["region"], df["iso"]),
        "postal": lambda: nz.normalize_postal(df["postal"], df["iso"]),
        "dates_iso": lambda: nz.parse_dates(df["date_iso"]),
        "dates_us": lambda: nz.parse_dates(df["date_us"]),
        "dates_named": lambda: nz.parse_dates(df["date_named"]),
        "money": lambda: nz.parse_money(df["money"]),
        "employees": lambda: nz.parse_employees(df["employees"]),
        "bool": lambda: nz.parse_bool(df["bool"]),
        "clean_text": lambda: nz.clean_text(df["full_name"]),
    }
    scale = rows / 200_000
    print(f"normalise: {rows:,} realistic rows (first run, caches cleared):")
    for name, job in jobs.items():
        secs = best(job, 1)
        bar = NORMALISE_BARS_200K.get(name)
        note = "" if bar is None else f" (bar < {bar * scale:g} s){verdict(secs < bar * scale)}"
        print(f"  {name:12s} {secs:6.3f} s{note}")


def bench_templates(n: int) -> None:
    from gtmplanner.core.templates import default_templates, render_many
    from tests.unit.test_templates import EVENT

    targets = pd.DataFrame({"first_name": ["Jane"] * n, "seniority": "vp", "company": "Acme"})
    tmpl = default_templates()[0]
    render_many(tmpl, targets.head(10), event=EVENT, reps={})  # compile once
    secs = best(lambda: render_many(tmpl, targets, event=EVENT, reps={}), 1)
    per = secs / n * 1e6
    print(f"templates: render_many '{tmpl.name}' x {n:,} targets: {secs:.2f} s = "
          f"{per:.0f} us a target (bar < 1000 us){verdict(per < 1000)}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="readers,mapping,normalise,templates",
                    help="comma-separated parts to run")
    ap.add_argument("--csv-rows", type=int, default=200_000)
    ap.add_argument("--xlsx-rows", type=int, default=50_000)
    ap.add_argument("--rows", type=int, default=200_000, help="rows for the normalisers")
    ap.add_argument("--targets", type=int, default=10_000, help="targets for templates")
    a = ap.parse_args()
    parts = {p.strip() for p in a.only.split(",") if p.strip()}
    unknown = parts - {"readers", "mapping", "normalise", "templates"}
    if unknown:
        ap.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="gtm-bench-parts-") as tmp:
        if "readers" in parts:
            bench_readers(Path(tmp), a.csv_rows, a.xlsx_rows)
    if "mapping" in parts:
        bench_mapping()
    if "normalise" in parts:
        bench_normalise(a.rows)
    if "templates" in parts:
        bench_templates(a.targets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
