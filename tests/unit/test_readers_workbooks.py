"""read_table on workbooks: xlsx, xls and ods through python-calamine."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from gtmplanner.core.errors import ImportFileError
from gtmplanner.core.io import readers
from gtmplanner.core.io.readers import RawTable, list_sheets, read_table

# -- tiny writers ------------------------------------------------------------------------------


def _values(table: RawTable) -> list[list[str | None]]:
    return table.frame.astype(object).where(table.frame.notna(), None).values.tolist()


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], *,
               merges: dict[str, list[tuple[int, int, int, int, str]]] | None = None,
               hidden: tuple[str, ...] = (), origin: tuple[int, int] = (0, 0)) -> Path:
    """An xlsx with typed cells (dates get a date format) and merged ranges."""
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    time_fmt = wb.add_format({"num_format": "hh:mm:ss"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        if name in hidden:
            ws.hide()
        for m in (merges or {}).get(name, []):
            ws.merge_range(*m)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                rr, cc = r + origin[0], c + origin[1]
                if v is None:
                    continue
                if isinstance(v, dt.datetime):
                    ws.write_datetime(rr, cc, v, dt_fmt)
                elif isinstance(v, dt.date):
                    ws.write_datetime(rr, cc, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif isinstance(v, dt.time):
                    ws.write_datetime(rr, cc, v, time_fmt)
                elif isinstance(v, str) and v.startswith("="):
                    ws.write_formula(rr, cc, v, None, "#DIV/0!" if "/0" in v else 0)
                elif isinstance(v, str):
                    ws.write_string(rr, cc, v)
                else:
                    ws.write(rr, cc, v)
    wb.close()
    return path


_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
       'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
       '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
       'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
       'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
       'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
         'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
         'workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"><sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
            'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas'
            '.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
            'sheet1.xml"/></Relationships>')


def raw_xlsx(rows_xml: str) -> bytes:
    """A one-sheet xlsx whose sheetData is ``rows_xml`` (inline strings, hand-written)."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
             'formats.org/spreadsheetml/2006/main"><sheetData>' + rows_xml
             + "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def _is(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_xls(sheets: dict[str, list[list[object]]],
              merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> bytes:
    """Bytes of a BIFF8 .xls (compound file) with strings, numbers, dates, booleans, merges."""

    def rec(rtype: int, data: bytes = b"") -> bytes:
        return struct.pack("<HH", rtype, len(data)) + data

    def bof(kind: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def xf(ifmt: int) -> bytes:
        return rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, ifmt, 1, 0x20, 0, 0, 0, 0, 0, 0x20C0))

    sst: list[str] = []
    bodies = []
    for name, rows in sheets.items():
        cells = b""
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, bool):
                    cells += rec(0x0205, struct.pack("<HHHBB", r, c, 0, int(v), 0))
                elif isinstance(v, dt.date):
                    d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
                    serial = (d - dt.datetime(1899, 12, 30)).total_seconds() / 86400
                    ixf = 2 if isinstance(v, dt.datetime) else 1
                    cells += rec(0x0203, struct.pack("<HHHd", r, c, ixf, serial))
                elif isinstance(v, (int, float)):
                    cells += rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
                else:
                    if v not in sst:
                        sst.append(str(v))
                    cells += rec(0x00FD, struct.pack("<HHHI", r, c, 0, sst.index(str(v))))
        dims = rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0))
        mc = b"".join(rec(0x00E5, struct.pack("<HHHHH", 1, *m))
                      for m in (merges or {}).get(name, []))
        bodies.append(bof(0x0010) + dims + cells + mc + rec(0x000A))
    sst_rec = rec(0x00FC, struct.pack("<II", len(sst), len(sst)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in sst))

    def workbook_globals(offsets: list[int]) -> bytes:
        g = bof(0x0005) + rec(0x0042, struct.pack("<H", 1200)) + xf(0) + xf(14) + xf(22)
        for name, off in zip(sheets, offsets, strict=True):
            g += rec(0x0085, struct.pack("<IBBBB", off, 0, 0, len(name), 1)
                     + name.encode("utf-16-le"))
        return g + sst_rec + rec(0x000A)

    offsets, pos = [], len(workbook_globals([0] * len(sheets)))
    for b in bodies:
        offsets.append(pos)
        pos += len(b)
    stream = workbook_globals(offsets) + b"".join(bodies)
    stream += b"\x00" * max(0, 4096 - len(stream))  # stay out of the mini stream
    n = -(-len(stream) // 512)
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<9I", header, 40, 0, 1, n + 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 76, n, *([0xFFFFFFFF] * 108))
    fat = [*range(1, n), 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))

    def entry(name: str, typ: int, child: int, start: int, size: int) -> bytes:
        e = bytearray(128)
        enc = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        e[: len(enc)] = enc
        struct.pack_into("<HBBIII", e, 64, len(enc), typ, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
        struct.pack_into("<IQ", e, 116, start, size)
        return bytes(e)

    directory = (entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry("Workbook", 2, 0xFFFFFFFF, 0,
                 len(stream)) + entry("", 0, 0xFFFFFFFF, 0xFFFFFFFF, 0) * 2)
    return (bytes(header) + stream + b"\x00" * (n * 512 - len(stream))
            + struct.pack("<128I", *fat) + directory)


ROSTER = [
    ["First Name", "Last Name", "Email", "Company", "Zip", "Phone", "Registered", "Checked In"],
    ["Chloé", "Müller", "chloe@northwind.example", "Northwind Logistics, Inc.", "02110",
     4155550123, dt.date(2026, 9, 17), True],
    ["Noah", "Novak", "noah@meridian.example", "Meridian Freight GmbH", "20095",
     6175550100, dt.datetime(2026, 9, 17, 10, 1, 12), False],
]
ROSTER_TEXT = [
    ["Chloé", "Müller", "chloe@northwind.example", "Northwind Logistics, Inc.", "02110",
     "4155550123", "2026-09-17", "TRUE"],
    ["Noah", "Novak", "noah@meridian.example", "Meridian Freight GmbH", "20095",
     "6175550100", "2026-09-17 10:01:12", "FALSE"],
]


# -- tests --------------------------------------------------------------------------------------


def test_xlsx_cells_come_back_as_people_see_them(tmp_path: Path) -> None:
    rows = [["Name", "Amount", "Share", "Float", "Time", "Err", "Big"],
            ["A", 42.0, 0.1 + 0.2, 1.5, dt.time(10, 1, 12), "=1/0", 12345678901234.0]]
    table = read_table(write_xlsx(tmp_path / "t.xlsx", {"Data": rows}))
    assert _values(table) == [["A", "42", "0.3", "1.5", "10:01:12", None, "12345678901234"]]
    table = read_table(write_xlsx(tmp_path / "r.xlsx", {"Attendees": ROSTER}))
    assert list(table.frame.columns) == ROSTER[0]
    assert _values(table) == ROSTER_TEXT
    assert table.file_format == "xlsx" and table.sheet == "Attendees"
    assert table.sheets == ["Attendees"] and table.encoding is None and table.delimiter is None
    assert table.source_rows.tolist() == [2, 3] and table.header_row == 1
    assert all(table.frame[c].dtype == pd.StringDtype("pyarrow") for c in table.frame.columns)


def test_right_sheet_is_chosen_when_none_is_given(tmp_path: Path) -> None:
    accounts = [["Company Name", "Website", "Industry"],
                *[[f"Acme {i}", f"acme{i}.example", "Software"] for i in range(5)]]
    path = write_xlsx(tmp_path / "book.xlsx", {
        "Read me": [["This workbook lists the people we met."], ["Questions? Ask Dana."]],
        "Summary": [["Region", "Count"], ["EMEA", 3]],
        "Secret": [["First Name", "Email"], *[["x", f"x{i}@x.example"] for i in range(9)]],
        "Attendees": ROSTER,
        "Accounts": accounts,
    }, hidden=("Secret",))
    assert list_sheets(path) == ["Read me", "Summary", "Secret", "Attendees", "Accounts"]
    assert read_table(path).sheet == "Accounts"  # no scorer: the largest table

    def roster(cells: list[str]) -> float:
        return sum(c in ("First Name", "Last Name", "Email", "Company") for c in cells) / 4

    table = read_table(path, header_scorer=roster)
    assert table.sheet == "Attendees" and _values(table) == ROSTER_TEXT
    assert read_table(path, sheet="secret").sheet == "Secret"  # explicit, any case, even hidden
    with pytest.raises(ImportFileError, match=r"^book\.xlsx: has no sheet named 'Nope' "
                                              r"\(sheets: Read me, Summary, Secret"):
        read_table(path, sheet="Nope")


def test_title_block_above_the_header(tmp_path: Path) -> None:
    rows = [["Attendee roster — DreamConf 2026"], ["Exported 2026-09-01 by Dana"], [], *ROSTER]
    path = write_xlsx(tmp_path / "t.xlsx", {"Roster": rows},
                      merges={"Roster": [(0, 0, 0, 7, "Attendee roster — DreamConf 2026")]})
    table = read_table(path)
    assert table.header_row == 4 and _values(table) == ROSTER_TEXT
    assert table.source_rows.tolist() == [5, 6]
    assert "skipped 2 rows above the header on row 4 ('Attendee roster — DreamConf 2026')" \
        in table.warnings


def test_two_row_header_with_merged_group_cells_xlsx(tmp_path: Path) -> None:
    rows = [[None] * 6,
            ["First Name", "Last Name", "Email", "Name", "Industry", "Notes"],
            ["Ann", "Lee", "ann@acme.example", "Acme", "Software", "hot lead"]]
    merges = [(0, 0, 0, 2, "Contact"), (0, 3, 0, 4, "Company"), (0, 5, 1, 5, "Notes")]
    rows[1][5] = None  # "Notes" is merged down over both header rows
    table = read_table(write_xlsx(tmp_path / "g.xlsx", {"S": rows}, merges={"S": merges}))
    assert list(table.frame.columns) == ["First Name", "Last Name", "Email", "Company Name",
                                         "Industry", "Notes"]
    assert table.header_row == 2 and table.frame["Company Name"].tolist() == ["Acme"]
    assert "combined the two-row header on rows 1-2" in table.warnings


def test_total_row_at_the_end_is_dropped(tmp_path: Path) -> None:
    rows = [["Account", "Deals", "Amount"], ["Acme", 2, 1000.5], ["Kestrel", 1, 250.0],
            ["Total:", 3, 1250.5]]
    table = read_table(write_xlsx(tmp_path / "t.xlsx", {"S": rows}))
    assert table.frame["Account"].tolist() == ["Acme", "Kestrel"]
    assert table.warnings == ["dropped the 'Total:' row 4"]


def test_footer_rows_in_a_sheet(tmp_path: Path) -> None:
    rows = [*ROSTER, [], ["Confidential - do not distribute"], ["Generated by Cvent 2026-09-01"]]
    table = read_table(write_xlsx(tmp_path / "f.xlsx", {"S": rows}))
    assert _values(table) == ROSTER_TEXT
    assert table.warnings == ["dropped 2 footer rows after row 3 "
                              "('Confidential - do not distribute')"]


def test_table_away_from_a1_and_an_unnamed_column(tmp_path: Path) -> None:
    rows = [["Name", "Email", None], ["Ann", "ann@x.example", "note"], ["Bob", "b@x.example", None]]
    table = read_table(write_xlsx(tmp_path / "o.xlsx", {"S": rows}, origin=(2, 2)))
    assert list(table.frame.columns) == ["Name", "Email", "Column E"]
    assert table.header_row == 3 and table.source_rows.tolist() == [4, 5]


def test_xls_via_calamine(tmp_path: Path) -> None:
    rows = [["Attendee list"], [None], ["Contact", None, None, "Company", None],
            ["First Name", "Last Name", "Email", "Name", "Industry", "Zip", "Phone",
             "Registered", "Checked In", "Joined"],
            ["Chloé", "Müller", "c@x.example", "Acme", "Software", "02110", 4155550123,
             dt.date(2026, 9, 17), True, dt.datetime(2026, 9, 17, 10, 1, 12)]]
    path = tmp_path / "legacy.xls"
    path.write_bytes(write_xls({"Report": rows, "Other": [["a", "b"], [1, 2]]},
                               merges={"Report": [(2, 2, 0, 2), (2, 2, 3, 4)]}))
    table = read_table(path)
    assert table.file_format == "xls" and table.sheet == "Report" and table.header_row == 4
    assert list(table.frame.columns)[:5] == ["First Name", "Last Name", "Email", "Company Name",
                                             "Industry"]
    assert _values(table) == [["Chloé", "Müller", "c@x.example", "Acme", "Software", "02110",
                               "4155550123", "2026-09-17", "TRUE", "2026-09-17 10:01:12"]]
    assert list_sheets(path) == ["Report", "Other"]


def test_ods_via_calamine(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Zip": ["02110", "60601"], "Phone": [4155550123, 4155550124],
                          "Joined": [dt.datetime(2026, 9, 17, 10, 1, 12), dt.datetime(2026, 9, 18)],
                          "Score": [1.5, 0.1 + 0.2]})
    path = tmp_path / "r.ods"
    frame.to_excel(path, engine="odf", index=False, startrow=2, startcol=1)
    table = read_table(path)
    assert table.file_format == "ods" and table.header_row == 3
    assert _values(table) == [["02110", "4155550123", "2026-09-17 10:01:12", "1.5"],
                              ["60601", "4155550124", "2026-09-18 00:00:00", "0.3"]]


def test_xlsx_saved_with_a_csv_name_is_read_as_xlsx(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "r.xlsx", {"Attendees": ROSTER})
    fake = tmp_path / "roster.csv"
    fake.write_bytes(real.read_bytes())
    table = read_table(fake)
    assert table.file_format == "xlsx" and _values(table) == ROSTER_TEXT


@pytest.mark.timeout(120)  # a hang guard (~2 s normally); the timing is in bench_parts.py
def test_a_million_formatted_blank_rows_cost_nothing(tmp_path: Path) -> None:
    data = "".join(f'<row r="{r}"><c r="A{r}" s="0"/><c r="Z{r}" s="0"/></row>'
                   if r % 2 else f'<row r="{r}" s="1" customFormat="1"/>'
                   for r in range(3, 1_000_001))
    path = tmp_path / "blank.xlsx"
    path.write_bytes(raw_xlsx(f'<row r="1">{_is("A1", "Email")}{_is("B1", "Name")}</row>'
                              f'<row r="2">{_is("A2", "a@x.example")}{_is("B2", "Ann")}</row>'
                              + data))
    table = read_table(path)
    assert _values(table) == [["a@x.example", "Ann"]] and table.source_rows.tolist() == [2]


def test_a_huge_range_of_empty_strings_is_streamed(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Formulas returning "" filled down a column make calamine report a huge used range.
    blank = "".join(f'<row r="{r}">{_is(f"A{r}", "")}{_is(f"H{r}", "")}</row>'
                    for r in range(5, 70_000))
    rows = (f'<row r="1">{_is("A1", "Email")}{_is("B1", "Name")}</row>'
            f'<row r="2">{_is("A2", "a@x.example")}{_is("B2", "Ann")}</row>'
            f'<row r="4">{_is("A4", "c@x.example")}{_is("B4", "Cy")}</row>' + blank)
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(raw_xlsx(rows))
    monkeypatch.setattr(readers, "_STREAM_CELLS", 10_000)
    seen: list[str] = []
    table = read_table(path, progress=lambda f, m: seen.append(m))
    assert _values(table) == [["a@x.example", "Ann"], ["c@x.example", "Cy"]]
    assert table.source_rows.tolist() == [2, 4]
    assert any(m.startswith("Reading rows (") for m in seen)  # streamed, with progress
