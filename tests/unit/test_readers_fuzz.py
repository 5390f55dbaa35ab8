"""Fuzzing read_table: random bytes, random CSV text in random encodings, broken xlsx.

Whatever comes in, read_table returns a RawTable or raises a GtmError with one
line of text, never anything else.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtmplanner.core.errors import GtmError
from gtmplanner.core.io.readers import RawTable, read_table

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_DIR = Path(tempfile.mkdtemp(prefix="gtm-readers-fuzz-"))


def _xlsx_bytes() -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("Roster")
    ws.merge_range(0, 0, 0, 2, "Contact")
    ws.write_row(1, 0, ["First Name", "Email", "Zip", "Joined"])
    for r in range(2, 40):
        ws.write_row(r, 0, [f"Person {r}", f"p{r}@x.example", f"{r:05d}", 46000 + r])
    ws.write_row(40, 0, ["Total:", "", "", 1234])
    wb.close()
    return out.getvalue()


XLSX = _xlsx_bytes()


def _check(data: bytes, name: str) -> None:
    path = _DIR / name
    path.write_bytes(data)
    try:
        table = read_table(path)
    except GtmError as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        # The catch-all in read_table says "could not be read (SomeError: ...)": that is
        # a reader bug surfacing, not a clear diagnosis of the file.
        assert "could not be read (" not in message, message
        return
    assert isinstance(table, RawTable)
    assert len(table.frame) == len(table.source_rows)
    assert table.source_rows.dtype == np.int64
    assert (np.diff(table.source_rows) > 0).all()
    assert all(table.frame[c].dtype == pd.StringDtype("pyarrow") for c in table.frame.columns)
    assert table.frame.columns.is_unique
    assert table.file_format in {"csv", "xlsx", "xls", "ods", "xlsb"}


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.ods"]))
def test_random_bytes(data: bytes, name: str) -> None:
    _check(data, name)


_CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-", "N/A", "Total:", "Grand Total", "Copyright ©", "Chloé", "€ 5",
                     '"', '""', "a,b", "x\ny", " \u00a0 ", "sep=;", "Email", "Name", "\r"]),
)


@FUZZ
@given(
    rows=st.lists(st.lists(_CELL, max_size=8), max_size=30),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quote_all=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1",
                              "cp1251", "shift_jis"]),
)
def test_random_csv_text(rows: list[list[str]], delimiter: str, quote_all: bool, newline: str,
                         encoding: str) -> None:
    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if quote_all else c

    text = newline.join(delimiter.join(cell(c) for c in r) for r in rows)
    _check(text.encode(encoding, errors="replace"), "fuzz.csv")


@FUZZ
@given(cut=st.integers(0, len(XLSX)), flips=st.lists(st.integers(0, len(XLSX) - 1), max_size=4),
       name=st.sampled_from(["r.xlsx", "r.csv"]))
def test_truncated_or_damaged_xlsx(cut: int, flips: list[int], name: str) -> None:
    data = bytearray(XLSX[:cut] if cut < len(XLSX) and not flips else XLSX)
    for pos in flips:
        data[pos] ^= 0x5A
    _check(bytes(data), name)
