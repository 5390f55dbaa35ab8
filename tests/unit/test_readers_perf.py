"""read_table on bigger files (a 60k-row CSV, a 15k-row xlsx) reads every row right.

No timings here: the speed of read_table against pyarrow and calamine alone (same
run, full size: 200k-row CSV, 50k-row xlsx) is measured by
``.venv/bin/python benchmarks/bench_parts.py``, which reuses HEADER and _row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from gtmplanner.core.io.readers import read_table

HEADER = ["Order #", "First Name", "Last Name", "Email", "Company", "Job Title", "City",
          "State", "Zip", "Country", "Phone", "Notes"]


def _row(i: int) -> list[str]:
    return [str(1200000 + i), ["Noah", "Chloé", "Aisha", "Zoë"][i % 4], f"Novak{i % 97}",
            f"p{i}@northwind.example", "Northwind Logistics, Inc." if i % 3 else "Acme",
            "Director of Demand Generation", ["Boston", "Hamburg", "London"][i % 3],
            ["MA", "", "IL"][i % 3], f"{i % 99999:05d}", "United States",
            f"+1 617-555-{i % 10000:04d}", "met at booth" if i % 7 == 0 else ""]


def test_a_60k_row_csv_reads_every_row(tmp_path: Path) -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(_row(i) for i in range(60_000))
    path = tmp_path / "roster.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    frame = read_table(path).frame
    assert len(frame) == 60_000 and list(frame.columns) == HEADER
    assert frame.iloc[59_999, :4].tolist() == _row(59_999)[:4]


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_15k_row_xlsx_reads_every_row(tmp_path: Path) -> None:
    letters = "ABCDEFGHIJKL"
    body = []
    for r, row in enumerate([HEADER, *(_row(i) for i in range(15_000))], 1):
        cells = "".join(_inline(f"{letters[c]}{r}", v) if c or r == 1 else
                        f'<c r="A{r}"><v>{v}</v></c>' for c, v in enumerate(row) if v)
        body.append(f'<row r="{r}">{cells}</row>')
    from tests.unit.test_readers_workbooks import raw_xlsx  # noqa: PLC0415

    path = tmp_path / "roster.xlsx"
    path.write_bytes(raw_xlsx("".join(body)))
    assert zipfile.is_zipfile(path)
    table = read_table(path)
    assert len(table.frame) == 15_000 and table.frame["Order #"].iloc[0] == "1200000"
    assert table.frame.iloc[14_999, :4].tolist() == _row(14_999)[:4]
