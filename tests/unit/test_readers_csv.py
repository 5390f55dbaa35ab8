"""read_table on delimited text: delimiters, encodings, quoting, ragged rows, names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gtmplanner.core.io.readers import NULL_MARKERS, RawTable, list_sheets, read_table

HEADER = ["First Name", "Last Name", "Email", "Company", "City"]
ROWS = [
    ["Chloé", "Müller", "chloe@northwind.example", "Northwind Logistics, Inc.", "Zürich"],
    ["Noah", "Novak", "noah@meridian.example", "Meridian Freight GmbH", "Hamburg"],
    ["Aisha", "Rossi", "aisha@brightline.example", "Brightline Analytics", "Boston"],
]


def _csv_text(delimiter: str = ",", rows: list[list[str]] | None = None,
              header: list[str] | None = None, newline: str = "\n") -> str:
    def fmt(cell: str) -> str:
        return f'"{cell}"' if delimiter in cell or '"' in cell or "\n" in cell else cell

    lines = [delimiter.join(fmt(c) for c in r) for r in [header or HEADER, *(rows or ROWS)]]
    return newline.join(lines) + newline


def _write(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def _values(table: RawTable) -> list[list[str]]:
    return table.frame.astype(object).where(table.frame.notna(), None).values.tolist()


def _assert_roster(table: RawTable) -> None:
    assert list(table.frame.columns) == HEADER
    assert _values(table) == ROWS
    assert table.source_rows.tolist() == [2, 3, 4]
    assert table.header_row == 1
    assert table.file_format == "csv"
    assert table.sheet is None and table.sheets == []
    assert table.ragged_rows == []


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    table = read_table(_write(tmp_path, "roster.txt", _csv_text(delimiter)))
    _assert_roster(table)
    assert table.delimiter == delimiter


def test_excel_sep_line_is_honoured(tmp_path: Path) -> None:
    # Commas inside values would fool a sniffer; Excel's "sep=;" line decides.
    text = "sep=;\n" + _csv_text(";", rows=[["A, B", "C, D", "x@y.example", "E, F", "G"]])
    table = read_table(_write(tmp_path, "export.csv", text))
    assert table.delimiter == ";"
    assert list(table.frame.columns) == HEADER
    assert _values(table) == [["A, B", "C, D", "x@y.example", "E, F", "G"]]
    assert table.header_row == 2 and table.source_rows.tolist() == [3]


@pytest.mark.parametrize(("encoding", "bom", "label"), [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
])
def test_utf8_with_and_without_bom(tmp_path: Path, encoding: str, bom: bytes, label: str) -> None:
    table = read_table(_write(tmp_path, "r.csv", bom + _csv_text().encode(encoding)))
    _assert_roster(table)
    assert table.encoding == label
    assert table.frame.columns[0] == "First Name"  # no BOM glued to the first header


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_tab_separated(tmp_path: Path, codec: str) -> None:
    # Excel "Unicode Text": UTF-16 with a BOM, tab-separated, CRLF.
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    data = bom + _csv_text("\t", newline="\r\n").encode(codec)
    table = read_table(_write(tmp_path, "unicode.txt", data))
    _assert_roster(table)
    assert table.encoding == "utf-16" and table.delimiter == "\t"


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_western_code_pages_are_detected(tmp_path: Path, codec: str) -> None:
    rows = [*ROWS, ["José", "Núñez", "jose@cafe.example", "Café Olé S.A.", "Besançon"]]
    if codec == "cp1252":
        rows.append(["Zoë", "O’Brien", "zoe@pricing.example", "Prix € Ltd", "Orléans"])
    table = read_table(_write(tmp_path, "r.csv", _csv_text(rows=rows), codec))
    assert table.encoding == "cp1252"  # cp1252 is the superset of latin-1
    assert _values(table) == rows


def test_cp1252_euro_sign_in_a_short_file(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, "p.csv", "Name,Price\nWidget,€5\nGadget,€12\n", "cp1252"))
    assert table.encoding == "cp1252"
    assert table.frame["Price"].tolist() == ["€5", "€12"]


def test_non_western_code_page_is_not_forced_to_cp1252(tmp_path: Path) -> None:
    rows = [["Иван", "Петров", "ivan@example.ru", "Рога и копыта", "Москва"],
            ["Пётр", "Сидоров", "petr@example.ru", "Вектор", "Санкт-Петербург"]]
    table = read_table(_write(tmp_path, "ru.csv", _csv_text(rows=rows), "cp1251"))
    assert table.encoding == "cp1251"
    assert _values(table) == rows


def test_crlf_line_ends(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, "r.csv", _csv_text(newline="\r\n")))
    _assert_roster(table)
    assert not any(c.endswith("\r") for c in table.frame.columns)


def test_quoted_embedded_newlines_keep_source_lines(tmp_path: Path) -> None:
    text = ('Name,Notes,Email\n'
            'Ann,"met at booth\nwants a demo",ann@x.example\n'
            'Bob,"line one\r\nline two\nline three",bob@x.example\n'
            'Cy,plain,cy@x.example\n')
    table = read_table(_write(tmp_path, "n.csv", text))
    assert table.frame["Notes"].tolist() == ["met at booth\nwants a demo",
                                            "line one\r\nline two\nline three", "plain"]
    assert table.source_rows.tolist() == [2, 4, 7]  # the line each record starts on


def test_rows_padded_with_trailing_delimiters_are_fine(tmp_path: Path) -> None:
    text = "Name,Email,City,,\nAnn,ann@x.example,Boston,,,,\nBob,bob@x.example,,,\nCy,cy@x.example\n"
    table = read_table(_write(tmp_path, "p.csv", text))
    assert list(table.frame.columns) == ["Name", "Email", "City"]
    assert _values(table) == [["Ann", "ann@x.example", "Boston"],
                              ["Bob", "bob@x.example", None], ["Cy", "cy@x.example", None]]
    assert table.ragged_rows == [] and table.warnings == []


def test_ragged_rows_are_reported_and_removed(tmp_path: Path) -> None:
    text = ("Name,Company,Email\n"
            "Ann,Acme,ann@acme.example\n"
            "Bob,Northwind, Inc.,bob@northwind.example\n"  # unquoted comma
            "Cy,Kestrel,cy@kestrel.example\n")
    table = read_table(_write(tmp_path, "r.csv", text))
    assert table.frame["Name"].tolist() == ["Ann", "Cy"]
    assert table.source_rows.tolist() == [2, 4]
    assert len(table.ragged_rows) == 1
    row, reason = table.ragged_rows[0]
    assert row == 3 and "4 values" in reason and "3 columns" in reason


def test_duplicate_and_blank_column_names(tmp_path: Path) -> None:
    text = "Email,Name,Email,,email\na@x.example,Ann,b@x.example,note,c@x.example\n"
    table = read_table(_write(tmp_path, "d.csv", text))
    assert list(table.frame.columns) == ["Email", "Name", "Email (2)", "Column D", "email (3)"]
    assert table.frame.iloc[0].tolist() == ["a@x.example", "Ann", "b@x.example", "note",
                                            "c@x.example"]


def test_null_markers_become_na(tmp_path: Path) -> None:
    markers = ["", "-", "--", "N/A", "n/a", "NA", "null", "NULL", "None", " none ", "#N/A"]
    rows = "".join(f"P{i},{m},x\n" for i, m in enumerate(markers))
    table = read_table(_write(tmp_path, "n.csv", "Name,Loss Reason,Flag\n" + rows))
    assert table.frame["Loss Reason"].isna().all()
    assert table.frame["Flag"].tolist() == ["x"] * len(markers)
    assert {"", "-", "n/a", "null", "none"} <= NULL_MARKERS


def test_nbsp_and_stray_spaces_in_headers_and_values(tmp_path: Path) -> None:
    text = ("\u00a0First\u00a0 Name ,  Email\t,Company  Name\n"
            " Ann\u00a0, ann@x.example ,\u00a0Acme\u00a0Corp \n")
    table = read_table(_write(tmp_path, "s.csv", text))
    assert list(table.frame.columns) == ["First Name", "Email", "Company Name"]
    assert table.frame.iloc[0].tolist() == ["Ann", "ann@x.example", "Acme Corp"]


def test_columns_are_pyarrow_backed_text(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, "r.csv", _csv_text(rows=[[*ROWS[0][:4], ""]])))
    for name in table.frame.columns:
        assert table.frame[name].dtype == pd.StringDtype("pyarrow")
    assert table.frame["City"].isna().all()
    assert table.source_rows.dtype == np.int64


def test_wrong_extension_is_sniffed_by_content(tmp_path: Path) -> None:
    path = _write(tmp_path, "roster.xlsx", _csv_text())  # a CSV named .xlsx
    table = read_table(path)
    _assert_roster(table)
    assert list_sheets(path) == []


def test_single_column_file(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, "emails.csv", "Email\na@x.example\nb@x.example\n"))
    assert table.frame["Email"].tolist() == ["a@x.example", "b@x.example"]


def test_blank_lines_inside_data_are_skipped_with_exact_line_numbers(tmp_path: Path) -> None:
    text = "Name,Email\nAnn,a@x.example\n\n,\nBob,b@x.example\n\n\n"
    table = read_table(_write(tmp_path, "b.csv", text))
    assert table.frame["Name"].tolist() == ["Ann", "Bob"]
    assert table.source_rows.tolist() == [2, 5]


def test_shared_samples_read_cleanly(samples: Path) -> None:
    for name in ["accounts.csv", "activities.csv", "eventbrite_attendees.csv", "reps.csv"]:
        table = read_table(samples / name)
        assert table.warnings == [] and table.ragged_rows == [], name
        assert table.header_row == 1 and len(table.frame) > 0, name
    eb = read_table(samples / "eventbrite_attendees.csv")
    assert eb.encoding == "utf-8-sig" and eb.frame.columns[0] == "Order #"
    assert eb.frame["Home Zip"].iloc[0] == "02110"  # text stays text
    assert "Chloé" in eb.frame["First Name"].tolist()
    opp = read_table(samples / "opportunities_report.csv")
    assert opp.frame["Loss Reason"].isna().iloc[0]  # "-" is a null marker
    assert any("footer" in w and "Closed and stalled deals" in w for w in opp.warnings)
    assert not opp.frame["Opportunity Owner"].str.contains("Generated|Copyright").any()
