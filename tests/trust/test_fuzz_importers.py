"""Hostile and broken input through the whole import pipeline (read -> map -> normalise ->
dedupe -> store), not only the reader.

Every case ends in a clean import (whose rows add up: new + merged + rejected = read)
or in one ``GtmError`` line; never another exception, a hang (pytest-timeout), or a
memory blow-up (the big cases run the real command in a child process and read its
peak RSS). The properties are plain functions taking a number of examples so that
``benchmarks/fuzz_marathon.py`` can run them 10-50x longer; here each runs a fixed,
derandomised number of examples (see ``CI_EXAMPLES``).
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtmplanner.core.errors import GtmError
from gtmplanner.core.importer import import_file
from gtmplanner.core.io import mapping
from gtmplanner.core.store import Project
from tests.trust.conftest import child_peak

ROOT = Path(__file__).resolve().parents[2]
KINDS = ["roster", "accounts", "opportunities", "activities", "reps"]
EXTENSIONS = [".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".xlsb", ".dat", ""]
HEADERS = ["First Name", "Last Name", "Email", "E-mail Address", "Company", "Organization",
           "Job Title", "Title", "City", "State", "Zip", "Country", "Phone", "Website",
           "Account Name", "Amount", "Stage", "Close Date", "Opportunity Name", "Owner",
           "Activity Type", "Date", "Asset", "Name", "Territory", "Daily capacity",
           "Registration Type", "Attended", "Email Opt-Out", "Industry", "Employees", "Notes"]
CELLS = ["", " ", "-", "N/A", "null", "Total:", "Grand Total", "Chloé", "Zoë O'Brien",
         "€ 5,000.00", "$1,2", "1e309", "-0", "0x1F", "2026-02-30", "31/12/2026", "45000",
         "ann@example.com", "ANN@EXAMPLE.COM ", "bad@", "@x", "a@b", "+1 (617) 555-0100",
         "=HYPERLINK(\"x\")", "@SUM(A1)", "\t=1", "\r", "\n", "\"", "\"\"", ",", ";", "\x00",
         "\ufeff", "\u202e", "😀", "株式会社", "sep=;", "Email", "Name", "yes", "No", "TRUE"]
CI_EXAMPLES = {"random_bytes": 150, "csv_dialects": 150, "broken_workbooks": 120,
               "rezipped_xml": 100, "header_mapper": 200}
COUNTS: Counter[str] = Counter()


# ------------------------------------------------------------------------ the one check

def check_import(project: Project, path: Path, kind: str, outcome: Counter[str]) -> None:
    """Import ``path``: a consistent result or one clear error line, nothing else."""
    try:
        res = import_file(project, path, kind, event="Fuzz Summit" if kind == "roster" else None)
    except GtmError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg and "\r" not in msg, repr(msg)
        assert "could not be read (" not in msg, msg  # the reader's catch-all: a bug
        assert len(msg) < 600, msg
        outcome["error"] += 1
        return
    if res.already_imported:
        outcome["already"] += 1
        return
    assert res.rows_imported + res.rows_merged + res.rows_rejected == res.rows_read, res
    assert len(res.rejected) == res.rows_rejected
    assert all("\n" not in w for w in res.warnings)
    outcome["imported" if res.rows_imported or res.rows_merged else "all-rejected"] += 1


def _settings(examples: int, derandomize: bool) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=derandomize,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much,
                                           HealthCheck.large_base_example])


def _fresh(workdir: Path, name: str) -> Project:
    path = workdir / f"{name}.gtmp"
    if path.exists():
        path.unlink()
    return Project.create(path)


# ------------------------------------------------------------------------ base workbooks

def xlsx_bytes(rows: int = 30) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("Attendees")
    ws.merge_range(0, 0, 0, 3, "Event roster export")
    ws.write_row(1, 0, ["First Name", "Last Name", "Email", "Company", "Job Title", "Joined"])
    for r in range(2, rows + 2):
        ws.write_row(r, 0, [f"Ann{r}", f"Lee{r}", f"ann{r}@co{r % 7}.example", f"Co {r % 7}",
                            "VP Sales", 46000 + r])
    ws.write_row(rows + 2, 0, ["Total:", "", "", "", "", rows])
    wb.add_worksheet("Notes").write(0, 0, "nothing here")
    wb.close()
    return out.getvalue()


def ods_bytes(rows: int = 30) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Attendees")

    def row(values: list[object]) -> TableRow:
        tr = TableRow()
        for v in values:
            if isinstance(v, (int, float)):
                cell = TableCell(valuetype="float", value=v)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        return tr

    table.addElement(row(["First Name", "Last Name", "Email", "Company", "Job Title"]))
    for r in range(rows):
        table.addElement(row([f"Bo{r}", f"Kim{r}", f"bo{r}@org{r % 5}.example", f"Org {r % 5}",
                              "Director", ]))
    table.addElement(TableRow(numberrowsrepeated=1000))  # LibreOffice-style empty tail
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


XML_TOKENS = [b'<c r="XFD1048576"><v>1</v></c>', b'<c r="A1048576" t="s"><v>0</v></c>',
              b'<c><v>9</v></c>', b"<row>", b"</row>", b'<row r="0">', b'<row r="-5">',
              b"&lol;", b"<!DOCTYPE x [<!ENTITY lol \"lol\">]>", b"\x00", b"\xff\xfe",
              b'<si><t>x</t></si>', b'<v>99999999</v>', b'<c r="A1" t="s"><v>12345</v></c>',
              b'table:number-columns-repeated="16384"', b'table:number-rows-repeated="1048576"',
              b'<table:table-cell office:value-type="string"><text:p>x</text:p>'
              b"</table:table-cell>", b"<![CDATA[", b"]]>", b"<", b">", b'"', b"'"]


# ------------------------------------------------------------------------ the properties

def fuzz_random_bytes(examples: int, workdir: Path, derandomize: bool = True) -> Counter[str]:
    outcome: Counter[str] = Counter()
    project = _fresh(workdir, "bytes")

    @_settings(examples, derandomize)
    @given(data=st.one_of(st.binary(max_size=4096),
                          st.builds(lambda a, b: a + b, st.sampled_from(
                              [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf",
                               b"\xff\xfe", b"%PDF", b"<html>", b"SQLite format 3\x00"]),
                              st.binary(max_size=2048))),
           ext=st.sampled_from(EXTENSIONS), kind=st.sampled_from(KINDS))
    def run(data: bytes, ext: str, kind: str) -> None:
        outcome["examples"] += 1
        path = workdir / f"random{ext}"
        path.write_bytes(data)
        check_import(project, path, kind, outcome)

    run()
    assert project.integrity_ok()
    project.close()
    return outcome


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str]:
    ncols = draw(st.integers(1, 9))
    realistic = draw(st.sampled_from([True, True, True, False]))  # mostly real-looking files
    header = draw(st.lists(st.sampled_from(HEADERS) if realistic else
                           st.one_of(st.sampled_from(HEADERS), st.text(max_size=12)),
                           min_size=ncols, max_size=ncols))
    if realistic and "Email" not in header:
        header[draw(st.integers(0, ncols - 1))] = "Email"
    cell = st.one_of(st.emails(), st.sampled_from(CELLS), st.text(max_size=20))
    body = draw(st.lists(st.lists(cell, min_size=ncols - 1 if realistic else 0,
                                  max_size=ncols + (1 if realistic else 3)),
                         min_size=1 if realistic else 0, max_size=25))
    preamble = draw(st.lists(st.lists(st.sampled_from(CELLS), max_size=3), max_size=3))
    rows = preamble + [header] + body
    if draw(st.booleans()):
        rows += [["Total:", str(len(body))], []]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    for r in rows:
        writer.writerow(r)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = f"sep={delimiter}{newline}" + text
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252",
                                     "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.sampled_from([False] * 9 + [True])):  # a truncated download
        data = data[: int(len(data) * draw(st.floats(0.05, 0.95)))]
    return data, draw(st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ""]))


def fuzz_csv_dialects(examples: int, workdir: Path, derandomize: bool = True) -> Counter[str]:
    outcome: Counter[str] = Counter()
    project = _fresh(workdir, "csv")

    @_settings(examples, derandomize)
    @given(file=csv_files(), kind=st.sampled_from(KINDS))
    def run(file: tuple[bytes, str], kind: str) -> None:
        outcome["examples"] += 1
        data, ext = file
        path = workdir / f"roster{ext}"
        path.write_bytes(data)
        check_import(project, path, kind, outcome)

    run()
    assert project.integrity_ok()
    project.close()
    return outcome


def _mutate(data: bytes, rnd: random.Random, how: str) -> bytes:
    b = bytearray(data)
    if how == "truncate":
        return bytes(b[: rnd.randrange(len(b))])
    if how == "flip":
        for _ in range(rnd.randint(1, 24)):
            i = rnd.randrange(len(b))
            b[i] ^= 1 << rnd.randrange(8)
        return bytes(b)
    if how == "zero":
        i = rnd.randrange(len(b))
        b[i:i + rnd.randint(1, 512)] = bytes(min(512, len(b) - i))
        return bytes(b)
    if how == "splice":
        i = rnd.randrange(len(b))
        return bytes(b[:i] + rnd.randbytes(rnd.randint(1, 64)) + b[i:])
    j, k = sorted(rnd.sample(range(len(b)), 2))  # "swap": a block moved
    return bytes(b[:j] + b[k:] + b[j:k])


def fuzz_broken_workbooks(examples: int, workdir: Path,
                          derandomize: bool = True) -> Counter[str]:
    outcome: Counter[str] = Counter()
    bases = {"xlsx": xlsx_bytes(), "ods": ods_bytes()}
    project = _fresh(workdir, "books")

    @_settings(examples, derandomize)
    @given(base=st.sampled_from(sorted(bases)),
           how=st.sampled_from(["truncate", "flip", "zero", "splice", "swap"]),
           seed=st.integers(0, 2**32 - 1), ext=st.sampled_from([".xlsx", ".ods", ".csv", ".xls"]),
           kind=st.sampled_from(KINDS))
    def run(base: str, how: str, seed: int, ext: str, kind: str) -> None:
        outcome["examples"] += 1
        path = workdir / f"book{ext}"
        path.write_bytes(_mutate(bases[base], random.Random(seed), how))
        check_import(project, path, kind, outcome)

    run()
    assert project.integrity_ok()
    project.close()
    return outcome


def fuzz_rezipped_xml(examples: int, workdir: Path, derandomize: bool = True) -> Counter[str]:
    """Valid zips whose XML parts are mangled: what gets past the zip layer."""
    outcome: Counter[str] = Counter()
    bases = {"xlsx": xlsx_bytes(), "ods": ods_bytes()}
    members = {k: [i.filename for i in zipfile.ZipFile(io.BytesIO(v)).infolist()
                   if i.filename.endswith(".xml")] for k, v in bases.items()}
    project = _fresh(workdir, "xml")

    @_settings(examples, derandomize)
    @given(base=st.sampled_from(sorted(bases)), data=st.data(), kind=st.sampled_from(KINDS))
    def run(base: str, data: st.DataObject, kind: str) -> None:
        outcome["examples"] += 1
        target = data.draw(st.sampled_from(members[base]))
        edits = data.draw(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(XML_TOKENS),
                                             st.integers(0, 40)), min_size=1, max_size=6))
        zin = zipfile.ZipFile(io.BytesIO(bases[base]))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                blob = zin.read(info.filename)
                if info.filename == target:
                    for where, token, cut in edits:
                        i = int(where * len(blob))
                        blob = blob[:i] + token + blob[i + cut:]
                zout.writestr(info.filename, blob,
                              zipfile.ZIP_STORED if info.filename == "mimetype" else None)
        path = workdir / f"mangled.{base}"
        path.write_bytes(out.getvalue())
        check_import(project, path, kind, outcome)

    run()
    assert project.integrity_ok()
    project.close()
    return outcome


def fuzz_header_mapper(examples: int, workdir: Path, derandomize: bool = True) -> Counter[str]:
    outcome: Counter[str] = Counter()

    @_settings(examples, derandomize)
    @given(headers=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=30),
                                      st.sampled_from(["", " ", "Unnamed: 3", "Column1", "#",
                                                       "E-Mail", "email", "EMAIL ADDRESS",
                                                       "Email (work)", "名前", "Nom"])),
                            min_size=1, max_size=30),
           values=st.lists(st.sampled_from(CELLS), min_size=0, max_size=6),
           kind=st.sampled_from(KINDS),
           user=st.one_of(st.none(), st.dictionaries(st.text(max_size=10),
                                                     st.sampled_from(["email", "-", "", "name",
                                                                      "nonsense", "first_name"]),
                                                     max_size=3)))
    def run(headers: list[str], values: list[str], kind: str, user: dict | None) -> None:
        outcome["examples"] += 1
        cols = list(dict.fromkeys(headers))  # a frame's columns are unique
        frame = pd.DataFrame({c: pd.Series([values[(i + j) % len(values)] if values else None
                                            for i in range(4)], dtype="string")
                              for j, c in enumerate(cols)})
        try:
            props = mapping.propose_mapping(frame, kind, saved=user, user=user)
        except GtmError as exc:
            assert "\n" not in str(exc)
            outcome["error"] += 1
            return
        assert [p.source for p in props] == cols
        chosen = [p.field for p in props if p.field]
        assert len(chosen) == len(set(chosen)), chosen          # each field once
        assert all(0.0 <= p.confidence <= 1.0 for p in props)
        score = mapping.header_score(headers, kind)
        assert 0.0 <= score <= 1.0
        mapping.header_signature(headers)
        outcome["mapped" if chosen else "unmapped"] += 1

    run()
    return outcome


TARGETS: dict[str, Callable[..., Counter[str]]] = {
    "random_bytes": fuzz_random_bytes, "csv_dialects": fuzz_csv_dialects,
    "broken_workbooks": fuzz_broken_workbooks, "rezipped_xml": fuzz_rezipped_xml,
    "header_mapper": fuzz_header_mapper}


@pytest.mark.timeout(150)
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz(name: str, tmp_path: Path, record_property: Callable[[str, object], None]
              ) -> None:
    stats = TARGETS[name](CI_EXAMPLES[name], tmp_path)
    print(f"fuzz {name}: {dict(stats)}")
    record_property("examples", stats["examples"])
    assert stats["examples"] >= CI_EXAMPLES[name]
    COUNTS[name] = stats["examples"]


# ------------------------------------------------------------------------ the edge cases

def _million_blank_rows(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Attendees")
    ws.write_row(0, 0, ["First Name", "Last Name", "Email", "Company", "Job Title", "City"])
    for r in range(1, 201):
        ws.write_row(r, 0, [f"Ann{r}", f"Lee{r}", f"ann{r}@co{r}.example", f"Co {r}",
                            "VP Sales", "Boston"])
    fmt = wb.add_format({"bg_color": "#FFFF00"})
    ws.write_blank(1_048_575, 5, None, fmt)  # used range down to row 1,048,576
    wb.close()


def _value_far_below(path: Path) -> None:  # a real value a million rows down
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Attendees")
    ws.write_row(0, 0, ["First Name", "Email", "Company"])
    for r in range(1, 201):
        ws.write_row(r, 0, [f"Ann{r}", f"ann{r}@co{r}.example", f"Co {r}"])
    ws.write(1_000_000, 0, "stray")
    wb.close()


def _far_corner(path: Path) -> None:  # one value in XFD1048576: 17 billion cells
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Attendees")
    ws.write_row(0, 0, ["First Name", "Email"])
    ws.write_row(1, 0, ["Ann", "ann@x.example"])
    ws.write(1_048_575, 16_383, "x")
    wb.close()


def _ten_thousand_columns(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(["Email", "First Name"] + [f"c{i}" for i in range(9_998)]) + "\n")
        for r in range(20):
            fh.write(",".join([f"p{r}@x.example", f"P{r}"] + [str(i) for i in range(9_998)])
                     + "\n")


def _two_mb_cell(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("First Name,Email,Notes\n")
        fh.write("Ann,ann@x.example,short\n")
        fh.write("Bo,bo@x.example," + "x" * (2 << 20) + "\n")
        fh.write("Cy,cy@x.example,short\n")


BIG_CASES: dict[str, tuple[str, Callable[[Path], None], str, float]] = {
    # name: (file name, builder, expectation "ok:<rows imported>" | "error:<text>", max MB)
    "million_blank_rows": ("blank.xlsx", _million_blank_rows, "ok:200", 250),
    "value_a_million_rows_down": ("far.xlsx", _value_far_below, "ok:", 1200),
    "value_in_the_last_cell": ("corner.xlsx", _far_corner, "error:rows x", 150),
    "ten_thousand_columns": ("wide.csv", _ten_thousand_columns, "ok:20", 400),
    "two_mb_cell": ("bigcell.csv", _two_mb_cell, "ok:2", 300),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", sorted(BIG_CASES))
def test_big_and_odd_files_import_quickly_in_bounded_memory(case: str, tmp_path: Path,
                                                            baseline_mb: float) -> None:
    name, build, expect, max_extra_mb = BIG_CASES[case]
    path = tmp_path / name
    build(path)
    project = tmp_path / "p.gtmp"
    code, err, seconds, peak = child_peak(["import", str(project), str(path), "--kind",
                                            "roster", "--event", "E", "--json"])
    assert "Traceback" not in err and "internal error" not in err, err
    assert seconds < 120, seconds  # a hang guard
    assert peak - baseline_mb < max_extra_mb, f"{case}: {peak:.0f} MB vs {baseline_mb:.0f} MB"
    if expect.startswith("error:"):
        assert code != 0 and err.count("\n") == 1 and expect[6:] in err, err
        return
    assert code == 0, err
    with Project(project) as p:
        n = p.count("people")
        rejected = p.conn.execute("SELECT rows_rejected FROM imports").fetchone()[0]
    if expect[3:]:
        assert n == int(expect[3:]), (n, rejected)
    if case == "two_mb_cell":
        assert rejected == 1  # only the row with the enormous cell


@pytest.mark.parametrize("content, ext, expect", [
    (b"", ".csv", "empty"),
    (b"\xef\xbb\xbf\r\n\r\n", ".csv", "empty"),
    (b"First Name,Last Name,Email\r\n", ".csv", "no rows"),
    ("First Name;Email\nZoë;zoe@x.example\n".encode("utf-16"), ".csv", "ok"),
    ("First Name,Email\nRenée,renee@x.example\n".encode("cp1252"), ".csv", "ok"),
    (b"First Name,Email,City\nAnn,ann@x.example\nBo,bo@x.example,Boston,MA,extra\n", ".csv",
     "ok"),
    (b"First Name,Email\nAnn,ann@x.example\n", ".xlsx", "ok"),          # csv named .xlsx
    (b"First Name\tEmail\nAnn\tann@x.example\n", ".ods", "ok"),         # tsv named .ods
])
def test_small_odd_files(content: bytes, ext: str, expect: str, tmp_path: Path) -> None:
    path = tmp_path / f"f{ext}"
    path.write_bytes(content)
    outcome: Counter[str] = Counter()
    with Project.create(tmp_path / "p.gtmp") as p:
        if expect == "ok":
            res = import_file(p, path, "roster", event="E")
            assert res.rows_imported >= 1
        else:
            with pytest.raises(GtmError, match=expect):
                import_file(p, path, "roster", event="E")
        check_import(p, path, "roster", outcome)


def test_workbooks_with_the_wrong_extension_still_import(tmp_path: Path) -> None:
    for data, wrong in ((xlsx_bytes(), "roster.csv"), (xlsx_bytes(), "roster.xls"),
                        (xlsx_bytes(), "roster.ods"), (xlsx_bytes(), "roster"),
                        (ods_bytes(), "roster.xlsx"), (ods_bytes(), "roster.xls"),
                        (ods_bytes(), "roster.csv")):
        path = tmp_path / wrong
        path.write_bytes(data)
        with Project.create(tmp_path / f"{wrong}.gtmp") as p:
            res = import_file(p, path, "roster", event="E")
            assert res.rows_imported == 30, res


if __name__ == "__main__":  # pragma: no cover - see benchmarks/fuzz_marathon.py
    print({k: dict(TARGETS[k](5, Path(tempfile.mkdtemp()))) for k in TARGETS})
