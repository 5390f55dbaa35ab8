"""Import benchmark (a command, not a test).

    .venv/bin/python benchmarks/bench_import.py [--rows 200000] [--xlsx-rows 50000]
                                                [--repeat 3] [--skip-soffice]

Generates a 200,000-row, 25-column roster CSV and a 50,000-row xlsx, then in
one run times (each timing the best of ``--repeat`` runs, the floors too, every run in a
fresh Python process so no cache is warm, timed once the process has started):
  (a) the full ``import`` as ``gtmplanner import PROJECT FILE --kind roster`` does it
      (services.import_into: open/create the project, read, map, normalise, dedupe,
      store, commit) against the floor = pyarrow.csv.read_csv of the same file +
      inserting the same cells into a fresh SQLite table with one executemany in
      one transaction;
  (b) the xlsx import against python_calamine reading the sheet alone;
  (c) where soffice is installed, LibreOffice headless converting the CSV to xlsx.
Bars: (a) <= 1.0x, (b) <= 1.5x, (c) >= 8x faster, peak memory of (a) < 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADERS = ["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Ticket Type",
           "Attendee #", "Attendee Status", "Home City", "Home State", "Home Zip", "Home Country",
           "Job Title", "Company", "Cell Phone", "Work Phone", "Website", "LinkedIn",
           "Dietary Needs", "T-Shirt Size", "How did you hear about us?", "Session Track",
           "Badge Name", "Email Opt-Out"]
CITIES = [("Boston", "MA", "02110"), ("Cambridge", "MA", "02139"), ("Worcester", "MA", "01608"),
          ("Providence", "RI", "02903"), ("New York", "NY", "10001"), ("Chicago", "IL", "60601"),
          ("Austin", "TX", "73301"), ("Portland", "OR", "97201"), ("Portland", "ME", "04101"),
          ("San Francisco", "CA", "94105"), ("Denver", "CO", "80202"), ("Seattle", "WA", "98101")]
TITLES = ["VP Marketing", "Director of Demand Generation", "CRO", "Sales Operations Manager",
          "Head of RevOps", "Marketing Manager", "Intern", "Account Executive", "CMO"]


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    firsts = ["Noah", "Chloé", "Aisha", "Jordan", "Mei", "Rahul", "Sofia", "Liam", "Emma"]
    lasts = ["Novak", "Singh", "Rossi", "Murphy", "Okafor", "Chen", "García", "Müller"]
    comps = [f"Company {i} Inc." for i in range(20000)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(rows):
            fn, ln = rng.choice(firsts), rng.choice(lasts)
            c = rng.randrange(20000)
            city, st, z = rng.choice(CITIES)
            w.writerow([
                1200000 + i, f"2026-09-{1 + i % 28:02d} 16:00:00-04:00", fn, ln,
                f"{fn.lower()}.{ln.lower()}{i}@company{c}.com", 1,
                rng.choice(["General Admission", "VIP", "Exhibitor"]), 5000000 + i,
                rng.choice(["Attending", "Checked In"]), city, st, z, "United States",
                rng.choice(TITLES), comps[c], f"({rng.randint(201, 989)}) 555-{i % 10000:04d}",
                f"+1 617 555 {i % 10000:04d}", f"https://www.company{c}.com",
                f"https://www.linkedin.com/in/{fn.lower()}-{ln.lower()}-{i}",
                rng.choice(["None", "Vegetarian", "Vegan", ""]), rng.choice("SMLX"),
                rng.choice(["LinkedIn", "Colleague", "Email"]), rng.choice(["A", "B", "C"]),
                f"{fn} {ln}", rng.choice(["No", "No", "Yes"]),
            ])


def make_xlsx(path: Path, csv_path: Path, rows: int) -> None:
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    ws = wb.add_worksheet("Attendees")
    with csv_path.open(encoding="utf-8") as fh:
        for r, row in enumerate(csv.reader(fh)):
            if r > rows:
                break
            ws.write_row(r, 0, row)
    wb.close()


def _fresh(body: str, **args: str) -> dict:
    """Run ``body`` in a fresh Python (as a command-line user starts one) and return the
    JSON it prints: each timed run pays its own first-call costs, no cache is warm."""
    code = (f"import json, sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
            "from pathlib import Path\n") + body
    out = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _peak_mb() -> str:
    return ("hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "peak = int(hwm[0].split()[1]) / 1024 if hwm else 0\n")


def floor_csv(path: Path, db: Path) -> float:
    """pyarrow.csv.read_csv + the same cells into a fresh table, one executemany."""
    body = f"""
import sqlite3
import pyarrow.csv as pacsv
a = json.loads(sys.argv[1])
t = time.perf_counter()
table = pacsv.read_csv(a["path"], convert_options=pacsv.ConvertOptions(
    column_types={{h: "string" for h in {HEADERS!r}}}))
cols = [c.to_pylist() for c in table.columns]
conn = sqlite3.connect(a["db"], isolation_level=None)
names = [f"c{{i}}" for i in range(len(cols))]
conn.execute(f"CREATE TABLE raw ({{', '.join(names)}})")
conn.execute("BEGIN")
conn.executemany(f"INSERT INTO raw VALUES ({{', '.join('?' * len(cols))}})", zip(*cols))
conn.execute("COMMIT")
conn.close()
print(json.dumps({{"t": time.perf_counter() - t}}))
"""
    return float(_fresh(body, path=str(path), db=str(db))["t"])


def time_import(file: Path, project: Path, kind: str = "roster") -> tuple[float, dict, float]:
    """What ``gtmplanner import PROJECT FILE --kind KIND`` does once the program has
    started: time, result and the process's peak memory (MB)."""
    body = """
from gtmplanner.core.services import import_into
a = json.loads(sys.argv[1])
t = time.perf_counter()
r = import_into(Path(a["project"]), Path(a["file"]), a["kind"])
dt = time.perf_counter() - t
""" + _peak_mb() + """print(json.dumps({"t": dt, "r": r, "peak": peak}, default=str))
"""
    got = _fresh(body, project=str(project), file=str(file), kind=kind)
    return float(got["t"]), got["r"], float(got["peak"])


def calamine_alone(path: Path) -> float:
    body = """
from python_calamine import CalamineWorkbook
a = json.loads(sys.argv[1])
t = time.perf_counter()
wb = CalamineWorkbook.from_path(a["path"])
wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
print(json.dumps({"t": time.perf_counter() - t}))
"""
    return float(_fresh(body, path=str(path))["t"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--xlsx-rows", type=int, default=50_000)
    ap.add_argument("--skip-soffice", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs per timing")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gtm-bench-"))
    try:
        src = work / "roster.csv"
        make_csv(src, a.rows)
        print(f"roster: {a.rows:,} rows x {len(HEADERS)} columns, "
              f"{src.stat().st_size / 1e6:.1f} MB")
        floor = min(floor_csv(src, work / f"floor{i}.db") for i in range(a.repeat))
        runs = [time_import(src, work / f"a{i}.gtmp") for i in range(a.repeat)]
        full, res, _ = min(runs, key=lambda r: r[0])
        mem = max(r[2] for r in runs)
        print(f"(a) floor (pyarrow read + one executemany): {floor:.2f} s")
        print(f"    full import: {full:.2f} s  -> ratio {full / floor:.2f} (bar <= 1.0); "
              f"imported {res['rows_imported']:,}, merged {res['rows_merged']:,}, "
              f"rejected {res['rows_rejected']:,}")
        print(f"    peak memory of the import: {mem:.0f} MB (bar < 1024)")
        xl = work / "roster.xlsx"
        make_xlsx(xl, src, a.xlsx_rows)
        cal = min(calamine_alone(xl) for _ in range(a.repeat))
        xfull = min(time_import(xl, work / f"x{i}.gtmp")[0] for i in range(a.repeat))
        print(f"(b) calamine alone: {cal:.2f} s; xlsx import: {xfull:.2f} s -> ratio "
              f"{xfull / cal:.2f} (bar <= 1.5)")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice and not a.skip_soffice:
            t = time.perf_counter()
            subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--outdir",
                            str(work / "lo"), str(src)], capture_output=True, check=False,
                           timeout=600)
            lo = time.perf_counter() - t
            print(f"(c) LibreOffice CSV -> xlsx: {lo:.2f} s -> we are {lo / full:.1f}x faster "
                  "(bar >= 8x)")
        else:
            print("(c) soffice not installed: skipped (apt-get install libreoffice-calc-nogui)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
