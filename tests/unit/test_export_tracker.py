"""Follow-up trackers: due dates, validations, conditional formats, live summary formulas."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from gtmplanner.core.export.columns import STATUS_VALUES, TARGET_ID_HEADER, TRACKER_HEADERS
from gtmplanner.core.export.tracker import write_tracker

_spec = importlib.util.spec_from_file_location(
    "_gtm_export_sample", Path(__file__).with_name("test_export_sample.py")
)
sample = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(sample)  # type: ignore[union-attr]
EVENT = sample.EVENT
D = dt.date
PAST, FUTURE = D(2020, 1, 6), D(2099, 1, 5)


def _frame() -> pd.DataFrame:
    """24 targets, 6 per rep, with known statuses, touches and due dates."""
    df = sample.make_targets(24, nasty=False)
    df["mql_status"] = ["hot" if i % 4 == 0 else "warm" for i in range(24)]
    # per rep (i % 4 is the rep): rows i = rep + 4k, k = 0..5
    plan = [  # status, last touch, due date given
        ("Not contacted", None, PAST),  # overdue
        ("Attempted", D(2019, 12, 1), PAST),  # overdue (still open) but touched in time
        ("Connected", D(2020, 1, 3), PAST),  # within SLA
        ("Meeting booked", D(2020, 2, 1), PAST),  # late
        ("Not contacted", None, FUTURE),  # not overdue yet
        ("Bad data", D(2020, 1, 6), None),  # computed due date (2026) -> within SLA
    ]
    for i in range(24):
        status, last, due = plan[i // 4]
        df.loc[i, "status"] = status
        df.loc[i, "last_touch_date"] = last
        df.loc[i, "due_date"] = due
        df.loc[i, "touches"] = i // 4
    return df


@pytest.fixture(scope="module")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tr") / "tracker.xlsx"
    assert write_tracker(path, _frame(), rep=None, event=EVENT) == 24
    return path


def _cols(ws) -> dict[str, int]:
    return {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}


def test_layout(tracker: Path) -> None:
    wb = openpyxl.load_workbook(tracker)
    assert wb.sheetnames == ["Follow-up", "Summary"]
    ws = wb["Follow-up"]
    assert tuple(ws.cell(1, c).value for c in range(1, ws.max_column + 1)) == TRACKER_HEADERS
    cols = _cols(ws)
    assert ws.column_dimensions[get_column_letter(cols[TARGET_ID_HEADER])].hidden is True
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(TRACKER_HEADERS))}25"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.right.text == "Page &P of &N"


def test_validations(tracker: Path) -> None:
    ws = openpyxl.load_workbook(tracker)["Follow-up"]
    cols = _cols(ws)
    by_type = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert set(by_type) == {"list", "whole", "date"}
    assert by_type["list"].formula1.strip('"').split(",") == list(STATUS_VALUES)
    assert str(by_type["list"].sqref).startswith(get_column_letter(cols["Status"]) + "2:")
    assert by_type["whole"].operator == "greaterThanOrEqual"
    assert by_type["whole"].formula1 == "0"
    assert str(by_type["whole"].sqref).startswith(get_column_letter(cols["Touches"]) + "2:")
    assert str(by_type["date"].sqref).startswith(get_column_letter(cols["Last touch date"]) + "2:")


def test_conditional_formats(tracker: Path) -> None:
    ws = openpyxl.load_workbook(tracker)["Follow-up"]
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 2
    formulas = [rule.formula[0] for _, rule in rules]
    assert any("<TODAY()" in f and '"Not contacted"' in f and '"Attempted"' in f for f in formulas)
    assert any("=TODAY()" in f for f in formulas)
    fills = {rule.dxf.fill.bgColor.rgb[-6:] for _, rule in rules}
    assert fills == {"FFC7CE", "FFEB9C"}  # red overdue, amber due today


def test_due_dates_and_values(tracker: Path) -> None:
    ws = openpyxl.load_workbook(tracker)["Follow-up"]
    cols = _cols(ws)
    src = _frame().set_index("target_id")
    for r in range(2, 26):
        tid = ws.cell(r, cols[TARGET_ID_HEADER]).value
        row = src.loc[tid]
        due = ws.cell(r, cols["Due date"])
        assert due.is_date and due.number_format == "yyyy-mm-dd"
        if row["due_date"] is not None:
            assert due.value.date() == row["due_date"]
        else:  # event ends Wed 25 Nov 2026; Thu 26 is Thanksgiving in the US only
            us = row["rep_country"] == "US"
            hot = row["mql_status"] == "hot"
            expected = {(True, True): D(2026, 11, 27), (True, False): D(2026, 11, 30),
                        (False, True): D(2026, 11, 26), (False, False): D(2026, 11, 27)}  # fmt: skip
            assert due.value.date() == expected[(us, hot)], tid
        assert ws.cell(r, cols["Status"]).value == row["status"]
        assert ws.cell(r, cols["Touches"]).value == row["touches"]
        last = ws.cell(r, cols["Last touch date"]).value
        assert (last.date() if last else None) == row["last_touch_date"]


def _expected_summary() -> dict[str, int]:
    # per rep: 6 targets, 2 not contacted, 4 followed up; within SLA: Attempted,
    # Connected, Bad data (Meeting booked was touched late)
    return {"Targets": 6, "Not contacted": 2, "Attempted": 1, "Connected": 1,
            "Meeting booked": 1, "Bad data": 1, "Followed up": 4, "Within SLA": 3,
            "Overdue": 2}  # fmt: skip


def test_summary_is_live_formulas_with_right_cached_values(tracker: Path) -> None:
    ws = openpyxl.load_workbook(tracker)["Summary"]
    cached = openpyxl.load_workbook(tracker, data_only=True)["Summary"]
    cols = _cols(ws)
    reps = sorted(r[0] for r in sample.REPS)
    for i, rep in enumerate(reps, start=2):
        assert ws.cell(i, 1).value == rep
        for header in ("Targets", *STATUS_VALUES, "Followed up", "% followed up",
                       "Within SLA", "% within SLA", "Overdue"):  # fmt: skip
            cell = ws.cell(i, cols[header])
            assert cell.data_type == "f", (rep, header)
        assert "COUNTIFS('Follow-up'!" in ws.cell(i, cols["Targets"]).value
        for header, value in _expected_summary().items():
            assert cached.cell(i, cols[header]).value == value, (rep, header)
        assert cached.cell(i, cols["% followed up"]).value == pytest.approx(4 / 6)
    total = len(reps) + 2
    assert ws.cell(total, 1).value == "Total"
    assert cached.cell(total, cols["Targets"]).value == 24
    assert cached.cell(total, cols["Overdue"]).value == 8


def test_per_rep_tracker_and_nasty_values(tmp_path: Path) -> None:
    df = sample.make_targets(40)
    for rep in [*df["rep"].unique(), None]:
        path = tmp_path / f"{rep}.xlsx"
        write_tracker(path, df, rep=rep, event=EVENT)
        ws = openpyxl.load_workbook(path)["Follow-up"]
        expected = len(df) if rep is None else int((df["rep"] == rep).sum())
        assert ws.max_row - 1 == expected
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert cell.value[0] not in "=+-@"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_recalculates_the_same_numbers(tracker: Path, tmp_path: Path) -> None:
    """Force LibreOffice to recalculate on load (not trust cached values) and compare."""
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>'
        "</oor:items>"
    )
    # break the cached values so only a real recalculation can produce the right numbers
    wb = openpyxl.load_workbook(tracker)
    src = tmp_path / "stale.xlsx"
    wb.save(src)  # openpyxl drops cached values entirely
    filt = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", filt, "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with open(tmp_path / "stale-Summary.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for row in rows[1:5]:
        got = dict(zip(header, row, strict=True))
        for key, value in _expected_summary().items():
            assert got[key] == str(value), (row[0], key)
        assert float(got["% followed up"].rstrip("%")) == pytest.approx(400 / 6)
        assert float(got["% within SLA"].rstrip("%")) == pytest.approx(50)
