"""The readers' fast paths give exactly the table of the ordinary path, or step aside.

* xlsx sheets read in pieces (:mod:`gtmplanner.core.io.xlsx_pieces`) with the piece
  size forced down so that small test workbooks take that path;
* big UTF-8 CSV files that pyarrow reads from disk itself (``readers._read_streamed_csv``);
* the cheap looks that let the text cleaning skip Arrow kernels.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import xlsxwriter

from gtmplanner.core.errors import ImportFileError
from gtmplanner.core.io import readers, sniff, xlsx_pieces
from gtmplanner.core.io.readers import RawTable, ReadCancelled, read_table
from tests.unit.test_readers_reports import _big_roster
from tests.unit.test_readers_workbooks import _is, raw_xlsx

# -- helpers -----------------------------------------------------------------------------------


def _same(a: RawTable, b: RawTable) -> None:
    assert a.frame.columns.tolist() == b.frame.columns.tolist()
    assert [str(t) for t in a.frame.dtypes] == [str(t) for t in b.frame.dtypes]
    for name in a.frame.columns:
        x, y = a.frame[name].array._pa_array, b.frame[name].array._pa_array
        assert x.type == y.type and x.to_pylist() == y.to_pylist(), name
    assert a.source_rows.tolist() == b.source_rows.tolist()
    assert (a.warnings, a.ragged_rows, a.header_row, a.section) == (
        b.warnings, b.ragged_rows, b.header_row, b.section)
    assert (a.sheet, a.sheets, a.encoding, a.delimiter, a.file_format) == (
        b.sheet, b.sheets, b.encoding, b.delimiter, b.file_format)


@pytest.fixture
def pieces(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Tiny pieces for every xlsx; records whether each read took them (True) or declined."""
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 2000)
    monkeypatch.setattr(xlsx_pieces, "MIN_SHEET_BYTES", 0)
    monkeypatch.setattr(xlsx_pieces, "MIN_PIECES", 0)
    monkeypatch.setattr(xlsx_pieces, "SHELL_FACTOR", 0)
    return _spy(monkeypatch, xlsx_pieces, "read")


def _whole(path: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> RawTable:
    """The table read the ordinary way (no pieces)."""
    with monkeypatch.context() as m:
        m.setattr(xlsx_pieces, "read", lambda *a, **k: None)
        return read_table(path, **kwargs)  # type: ignore[arg-type]


def _rich_workbook(path: Path, rows: int = 400, *, origin: tuple[int, int] = (0, 0),
                   gaps: bool = False, hidden_extra: bool = False,
                   constant_memory: bool = False) -> Path:
    """Titles, a merged banner, typed cells, markers, NBSP, blank gaps and a total row."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                         "strings_to_urls": False})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws = wb.add_worksheet("Data")
    r0, c0 = origin
    if constant_memory:
        ws.write(r0, c0, "Quarterly roster export")
    else:
        ws.merge_range(r0, c0, r0, c0 + 3, "Quarterly roster export")
    ws.write(r0 + 1, c0, "Generated 2026-05-01")
    ws.write_row(r0 + 3, c0, ["Name", "Email", "Amount", "Half", "Mod", "When", "Flag",
                              "Marker", "Company", "Formula"])
    markers = ["", "-", "N/A", "null", " ", "\u00a0x\u00a0", "  padded  ", "Ann\u00a0Lee",
               "(blank)", "NONE"]
    r = r0 + 4
    for i in range(rows):
        ws.write_string(r, c0, f"Person {i}")
        ws.write_string(r, c0 + 1, f"p{i}@co{i % 7}.example")
        ws.write_number(r, c0 + 2, float(i))
        ws.write_number(r, c0 + 3, i + 0.5)
        ws.write_number(r, c0 + 4, -0.0 if i % 50 == 7 else float(i % 13))
        ws.write_datetime(r, c0 + 5, dt.datetime(2026, 1, 1) + dt.timedelta(hours=i), when)
        ws.write_boolean(r, c0 + 6, i % 2 == 0)
        ws.write_string(r, c0 + 7, markers[i % len(markers)])
        ws.write_string(r, c0 + 8, f"Company {i % 9}")
        ws.write_formula(r, c0 + 9, f"=A{r + 1}&\"!\"", None, f"Person {i}!")
        if gaps and i % 150 == 149:
            r += 40  # blank rows, some between two pieces
        if gaps and i == rows // 2 and c0:
            ws.write(r, 0, "left of the table")  # a later piece reaches further left
        r += 1
    ws.write_row(r, c0, ["Total:", "", rows])
    if gaps:
        for k in range(3):
            ws.write_string(r + 1 + k, c0, "")  # trailing empty strings
    if hidden_extra:
        notes = wb.add_worksheet("Notes")
        notes.write(0, 0, "nothing here")
        notes.hide()
    wb.close()
    return path


# -- xlsx in pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [
    {},
    {"constant_memory": True, "origin": (4, 2), "gaps": True},
    {"hidden_extra": True},
])
def test_sheet_in_pieces_matches_the_whole_sheet(tmp_path: Path, pieces: list[bool],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 shape: dict) -> None:
    path = _rich_workbook(tmp_path / "r.xlsx", **shape)
    fast = read_table(path)
    assert pieces == [True]
    _same(fast, _whole(path, monkeypatch))
    assert fast.frame["Name"].iloc[0] == "Person 0" and "Total:" not in fast.frame["Name"].values


def test_sheet_in_pieces_with_a_header_scorer_and_a_chosen_sheet(
        tmp_path: Path, pieces: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    path = _rich_workbook(tmp_path / "r.xlsx", hidden_extra=True)
    def scorer(cells: list[str]) -> float:
        return sum(c in ("Name", "Email", "Company") for c in cells) / 3

    fast = read_table(path, sheet="data", header_scorer=scorer)
    assert pieces == [True] and fast.sheet == "Data"
    _same(fast, _whole(path, monkeypatch, sheet="data", header_scorer=scorer))


def test_inline_strings_without_a_dimension_in_pieces(tmp_path: Path, pieces: list[bool],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    body = ['<row r="1">' + _is("A1", "Email") + _is("B1", "Name") + _is("C1", "Zip") + "</row>"]
    for r in range(2, 800):
        body.append(f'<row r="{r}">{_is(f"A{r}", f"p{r}@x.example")}{_is(f"B{r}", f" N{r} ")}'
                    f'<c r="C{r}"><v>{r}</v></c></row>')
    path = tmp_path / "raw.xlsx"
    path.write_bytes(raw_xlsx("".join(body)))
    fast = read_table(path)
    assert pieces == [True] and len(fast.frame) == 798
    _same(fast, _whole(path, monkeypatch))
    assert fast.frame["Name"].iloc[0] == "N2" and fast.frame["Zip"].iloc[-1] == "799"


def _rows(n: int, start: int = 2) -> list[str]:
    return [f'<row r="{r}">{_is(f"A{r}", f"p{r}@x.example")}{_is(f"B{r}", f"Name {r}")}</row>'
            for r in range(start, start + n)]


HEADER = '<row r="1">' + _is("A1", "Email") + _is("B1", "Name") + "</row>"


@pytest.mark.parametrize("odd", [
    '<row r="3900"><c t="inlineStr"><is><t>no reference</t></is></c></row>',  # placed by row
    '<row r="3900">' + _is("ZZ3900", "far right") + "</row>",  # wider than the first 256 KB
    '<row r="3900"><c s="0" r="A3900"><v>1</v></c></row>',  # reference not first: not plain
    '<row r="3">' + _is("A3", "again") + "</row>",  # a row that goes back up
    '<row r="3900"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'r="C3900"><x:v>2</x:v></x:c></row>',  # a prefixed cell
])
def test_pieces_step_aside_for_odd_sheets_and_the_table_is_unchanged(
        tmp_path: Path, pieces: list[bool], monkeypatch: pytest.MonkeyPatch, odd: str) -> None:
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 20_000)
    path = tmp_path / "odd.xlsx"
    path.write_bytes(raw_xlsx(HEADER + "".join(_rows(3000)) + odd + "".join(_rows(50, 4000))))
    got = read_table(path)
    assert pieces == [False]
    _same(got, _whole(path, monkeypatch))


def test_a_dimension_that_lies_makes_pieces_step_aside(tmp_path: Path, pieces: list[bool],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _rich_workbook(tmp_path / "r.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:C50"/>', parts[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in parts.items():
            z.writestr(k, v)
    path.write_bytes(out.getvalue())
    got = read_table(path)
    assert pieces == [False]
    _same(got, _whole(path, monkeypatch))


def test_far_cells_are_still_refused_with_pieces(tmp_path: Path, pieces: list[bool]) -> None:
    far = '<row r="1048576">' + _is("XFD1048576", "x") + "</row>"
    path = tmp_path / "far.xlsx"
    path.write_bytes(raw_xlsx(HEADER + "".join(_rows(600)) + far))
    with pytest.raises(ImportFileError, match="rows x"):
        read_table(path)
    assert pieces == [False]


def test_cancelling_a_read_in_pieces_leaves_no_temporary_files(tmp_path: Path,
                                                               pieces: list[bool]) -> None:
    path = _rich_workbook(tmp_path / "r.xlsx")
    before = {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("gtm-xlsx-")}
    calls = iter(range(1000))
    with pytest.raises(ReadCancelled):
        read_table(path, cancelled=lambda: next(calls) >= 4)
    after = {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("gtm-xlsx-")}
    assert after <= before


def test_progress_in_pieces_only_moves_forward(tmp_path: Path, pieces: list[bool]) -> None:
    path = _rich_workbook(tmp_path / "r.xlsx")
    seen: list[float] = []
    read_table(path, progress=lambda f, m: seen.append(f))
    assert pieces == [True] and seen == sorted(seen) and seen[-1] == 1.0


def _col(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


@pytest.mark.parametrize("last_row, last_col", [(9, 1), (100, 27), (50001, 25), (99, 52),
                                                (1_048_576, 16_384)])
def test_the_piece_guard_knows_inside_from_outside(last_row: int, last_col: int) -> None:
    beyond = xlsx_pieces._beyond(last_row, last_col)
    rows = sorted({1, 2, 9, 10, 99, 100, 101, last_row - 1, last_row, last_row + 1,
                   last_row + 10, 10 * last_row} - {0})
    cols = sorted({1, 2, 26, 27, 52, 53, 702, 703, last_col - 1, last_col, last_col + 1} - {0})
    for r in rows:
        for c in cols:
            tag = f'<c r="{_col(c)}{r}" t="s">'.encode()
            assert (beyond.search(tag) is None) == (r <= last_row and c <= last_col), tag
    for tag in (b"<c>", b"<c/>", b'<c s="1" r="A1">', b"<c r='A1'>", b'<c r="a1">',
                b'<c r="A01">', b'<c\tr="A1">', b'<c r="A1B">', b'<c r="">'):
        assert beyond.search(tag), tag
    assert beyond.search(b'<cols><col min="1"/></cols><conditionalFormatting>') is None


# -- CSV streamed to pyarrow ---------------------------------------------------------------------


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records whether each CSV read took the streamed path."""
    return _spy(monkeypatch, readers, "_read_streamed_csv")


def _spy(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[bool]:
    """Wrap ``module.name``; the list records whether each call took that path."""
    used: list[bool] = []
    real = getattr(module, name)

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        got = real(*args, **kwargs)
        used.append(got is not None)
        return got

    monkeypatch.setattr(module, name, spy)
    return used


def _read_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> RawTable:
    with monkeypatch.context() as m:
        m.setattr(readers, "_read_streamed_csv", lambda *a, **k: None)
        return read_table(path)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_streamed_csv_matches_the_read_bytes(tmp_path: Path, streamed: list[bool],
                                           monkeypatch: pytest.MonkeyPatch, bom: bytes) -> None:
    text = ("Roster export\nGenerated 2026-05-01\n\n" + _big_roster(6000, quoted_newline_at=10)
            + "Total Records: 6000\n")
    path = tmp_path / "big.csv"
    path.write_bytes(bom + text.encode("utf-8"))
    fast = read_table(path)
    assert streamed == [True] and fast.encoding == ("utf-8-sig" if bom else "utf-8")
    _same(fast, _read_whole(path, monkeypatch))
    assert fast.frame["Company"].iloc[0] == "Acme"
    assert fast.frame["Notes"].iloc[10] == "met at booth\nwants demo"
    assert any("footer" in w for w in fast.warnings) and fast.header_row == 4


@pytest.mark.parametrize("where", ["middle", "tail", "head"])
@pytest.mark.parametrize("junk", [b"\xe9", b"\x00", b"\xed\xa0\x80"])
def test_streamed_csv_steps_aside_for_bytes_that_are_not_clean_utf8(
        tmp_path: Path, streamed: list[bool], monkeypatch: pytest.MonkeyPatch, where: str,
        junk: bytes) -> None:
    data = bytearray(_big_roster(6000).encode("utf-8") + b"Total Records: 6000\r\n")
    at = {"head": data.index(b"P1,") + 3, "middle": data.index(b",", len(data) // 2) + 1,
          "tail": data.rindex(b"Total") + 3}[where]
    data[at:at] = b"x" + junk + b"y"
    path = tmp_path / "dirty.csv"
    path.write_bytes(bytes(data))
    got = read_table(path)
    assert streamed == [False]
    _same(got, _read_whole(path, monkeypatch))


def test_pyarrow_and_python_agree_on_what_is_utf8() -> None:
    import pyarrow.csv as pacsv

    cases = [b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf",
             b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xff", b"\x80", b"\xc3", b"\xe2\x82",
             b"\xef\xbf\xbf", b"\xf4\x8f\xbf\xbf", b"\xed\x9f\xbf", b"\xee\x80\x80", b"\xc2\xa0"]
    for raw in cases:
        try:
            raw.decode("utf-8")
            python = True
        except UnicodeDecodeError:
            python = False
        data = b"a,b\nx" + raw + b",y\n"
        try:
            pacsv.read_csv(pa.py_buffer(data), convert_options=pacsv.ConvertOptions(
                column_types={"a": pa.large_string(), "b": pa.large_string()},
                null_values=["-"], strings_can_be_null=True))
            arrow = True
        except pa.ArrowInvalid:
            arrow = False
        assert python == arrow, raw


# -- the cleaning shortcuts --------------------------------------------------------------------


def _reference_clean(values: list[str | None]) -> list[str | None]:
    out = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        v = v.strip(sniff._TRIM_CHARS).replace("\u00a0", " ")
        out.append(None if v.casefold() in sniff.NULL_MARKERS else v)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_clean_column_with_cheap_looks_matches_a_plain_clean(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pool = ["Acme", " Acme", "Acme ", "\u00a0Acme", "Acme\u2007", "\u3000x", "\ufeffy", "a\u00a0b",
            "N/A", "n/a", "NULL", "-", "--", "(blank)", "Nina", "None", "", "É", "é ", "\t",
            "José", "x\u202f", "#N/A", "na", "nil", "<blank>", "Zoë", "1.5", "00001"]
    values = [None if rng.random() < 0.1 else pool[rng.integers(len(pool))]
              for _ in range(500)]
    arr = pa.array(values, pa.large_string())
    want = _reference_clean(values)
    assert sniff.clean_column(arr).to_pylist() == want
    scratch = np.empty(len(values), np.int64)
    nbsp = sniff.may_hold_nbsp("".join(v or "" for v in values).encode())
    assert sniff.clean_column(arr, nbsp=nbsp, scratch=scratch).to_pylist() == want
    chunked = pa.chunked_array([arr.slice(0, 123), arr.slice(123)])
    assert sniff.clean_column(chunked).to_pylist() == want
    # pyarrow CSV nulls the exact markers itself; the rest must still come out the same
    premarked = pc.if_else(pc.is_in(arr, value_set=sniff._NULL_SET), None, arr)
    assert sniff.clean_column(premarked, markers_done=True).to_pylist() == want


def test_may_hold_nbsp_and_count_byte() -> None:
    assert sniff.may_hold_nbsp(b"plain text") is False
    assert sniff.may_hold_nbsp("a\u00a0b".encode()) is True
    assert sniff.may_hold_nbsp(("©" * 10 + "x").encode()) is False
    assert sniff.may_hold_nbsp(("©" * 100).encode()) is True  # too many to look at: maybe
    data = b"a\nb\n" * 700_000 + b"c"
    assert sniff.count_byte(data, 10) == data.count(b"\n")
    assert sniff.count_byte(memoryview(data)[3:], 10) == data[3:].count(b"\n")


def test_sheet_cells_convert_the_same_in_any_block() -> None:
    """Whole numbers render alike in a block of numbers or mixed with text (-0.0 too), and
    a zero byte in a text block followed by a block of numbers keeps the column's length."""
    numbers = [[-0.0], [3.0], [1e16]] * 700
    mixed = [["x"], [-0.0], [3.0], [1e16]] * 700
    a = sniff.columns(numbers, 1)[0].to_pylist()
    b = sniff.columns(mixed, 1)[0].to_pylist()
    assert a[:3] == ["0", "3", "10000000000000000"] and b[1:4] == a[:3]
    rows = [["a\x00b"]] * 1000 + [[1.0]] * 1000 + [["c"]] * 10
    col = sniff.columns(rows, 1)[0].to_pylist()
    assert len(col) == 2010 and col[0] == "ab" and col[1000] == "1" and col[-1] == "c"
