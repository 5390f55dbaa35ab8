"""Target sheets: written with xlsxwriter, checked by reading them back with openpyxl."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from gtmplanner.core.export.columns import (
    STATUS_VALUES,
    TARGET_ID_HEADER,
    TARGET_SHEET_HEADERS,
    TIER_COLOURS,
)
from gtmplanner.core.export.target_sheet import write_target_sheet

_spec = importlib.util.spec_from_file_location(
    "_gtm_export_sample", Path(__file__).with_name("test_export_sample.py")
)
sample = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(sample)  # type: ignore[union-attr]
EVENT = sample.EVENT


def _open(path: Path) -> tuple[openpyxl.Workbook, dict[str, int]]:
    wb = openpyxl.load_workbook(path)
    ws = wb["Targets"]
    cols = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
    return wb, cols


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return sample.make_targets(60)


@pytest.fixture(scope="module")
def all_reps(tmp_path_factory: pytest.TempPathFactory, targets: pd.DataFrame) -> Path:
    path = tmp_path_factory.mktemp("ts") / "all.xlsx"
    assert write_target_sheet(path, targets, rep=None, event=EVENT) == len(targets)
    return path


def test_headers_hidden_id_and_layout(all_reps: Path) -> None:
    wb, cols = _open(all_reps)
    ws = wb["Targets"]
    headers = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
    expected = list(TARGET_SHEET_HEADERS)
    expected.insert(1, "Rep")
    assert headers == expected
    id_letter = get_column_letter(cols[TARGET_ID_HEADER])
    assert ws.column_dimensions[id_letter].hidden is True
    assert ws.cell(2, cols[TARGET_ID_HEADER]).value.startswith("T")
    assert ws.freeze_panes == "D2"  # header row + hidden ID, Rep, Who
    assert ws.row_dimensions[2].height >= 3 * 13  # three reasons, wrapped: row grown
    assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}61"
    assert wb.sheetnames == ["Targets", "About"]


def test_status_dropdown(all_reps: Path) -> None:
    wb, cols = _open(all_reps)
    ws = wb["Targets"]
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(dvs) == 1
    dv = dvs[0]
    assert dv.formula1.strip('"').split(",") == list(STATUS_VALUES)
    letter = get_column_letter(cols["Status"])
    assert str(dv.sqref).startswith(f"{letter}2:{letter}")
    assert {ws.cell(r, cols["Status"]).value for r in range(2, 62)} == {"Not contacted"}


def test_print_setup(all_reps: Path) -> None:
    wb, cols = _open(all_reps)
    ws = wb["Targets"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    last_printed = get_column_letter(cols["Phone"])  # suggested subject/message: screen only
    assert ws.print_area == f"'Targets'!$A$1:${last_printed}$61"
    assert ws.page_setup.paperSize == 1  # US reps -> Letter
    assert "All reps" in ws.oddHeader.center.text
    assert ws.oddFooter.right.text == "Page &P of &N"
    assert "SaaStr && Friends" in ws.oddFooter.left.text  # & escaped


def test_sorted_by_priority_then_score(all_reps: Path, targets: pd.DataFrame) -> None:
    wb, cols = _open(all_reps)
    ws = wb["Targets"]
    by_id = targets.set_index("target_id")
    ids = [ws.cell(r, cols[TARGET_ID_HEADER]).value for r in range(2, 62)]
    keys = [(by_id.loc[i, "priority"], -by_id.loc[i, "score"]) for i in ids]
    assert keys == sorted(keys)
    assert sorted(ids) == sorted(targets["target_id"])


def test_values_round_trip(all_reps: Path, targets: pd.DataFrame) -> None:
    wb, cols = _open(all_reps)
    ws = wb["Targets"]
    by_id = targets.set_index("target_id")
    for r in range(2, 62):
        tid = ws.cell(r, cols[TARGET_ID_HEADER]).value
        src = by_id.loc[tid]
        assert ws.cell(r, cols["Score"]).value == src["score"]
        assert ws.cell(r, cols["Score"]).data_type == "n"
        assert ws.cell(r, cols["Tier"]).value == src["tier"]
        assert ws.cell(r, cols["Rep"]).value == src["rep"]
        assert ws.cell(r, cols["Email"]).value == (None if pd.isna(src["email"]) else src["email"])
        why = ws.cell(r, cols["Why"]).value
        assert why.split("\n") == [f"• {p}" for p in src["reasons"].split("|")]
        assert ws.cell(r, cols["Why"]).alignment.wrap_text is True
        assert ws.cell(r, cols["Suggested message"]).value == src["body"]
        deal = ws.cell(r, cols["Deal history"]).value
        if src["retarget"]:
            assert deal.startswith("Retarget · ") and "Lost: Budget" in deal
        else:
            assert deal is None
        dist = ws.cell(r, cols["Distance (mi)"]).value
        assert (dist is None) == pd.isna(src["distance_mi"])


def test_tier_colours(all_reps: Path) -> None:
    wb, cols = _open(all_reps)
    ws = wb["Targets"]
    for r in range(2, 62):
        cell = ws.cell(r, cols["Tier"])
        assert cell.fill.fgColor.rgb[-6:] == TIER_COLOURS[cell.value][1:]


def test_formula_injection_is_neutralised(all_reps: Path) -> None:
    wb, cols = _open(all_reps)
    ws = wb["Targets"]
    seen = set()
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert cell.value[0] not in "=+-@\t\r", (cell.coordinate, cell.value)
                if cell.value.lstrip("'") in sample.NASTY:
                    assert cell.data_type == "s"
                    assert cell.value == "'" + cell.value[1:]
                    seen.add(cell.value[1:])
    assert seen == set(sample.NASTY)


def test_about_sheet(all_reps: Path, targets: pd.DataFrame) -> None:
    wb, _ = _open(all_reps)
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=1, values_only=True) if r[0]}
    assert about["Rep"] == "All reps"
    assert about["Targets"] == len(targets)
    for tier in "ABCD":
        assert about[f"Tier {tier}"] == int((targets["tier"] == tier).sum())
    assert "SaaStr & Friends 2026" in about["Event"]
    assert isinstance(about["Generated"], dt.datetime)
    text = " ".join(str(c) for r in wb["About"].iter_rows(values_only=True) for c in r if c)
    assert all(status in text for status in STATUS_VALUES)


def test_minimal_and_empty_frames(tmp_path: Path) -> None:
    minimal = pd.DataFrame({"target_id": ["T1", "T2"], "full_name": ["Ann Lee", None],
                            "first_name": [None, "Bo"], "last_name": [None, "Kim"]})  # fmt: skip
    assert write_target_sheet(tmp_path / "m.xlsx", minimal, rep=None, event={}) == 2
    wb, cols = _open(tmp_path / "m.xlsx")
    names = [wb["Targets"].cell(r, cols["Who"]).value for r in (2, 3)]
    assert sorted(names) == ["Ann Lee", "Bo Kim"]
    empty = sample.make_targets(0)
    assert write_target_sheet(tmp_path / "e.xlsx", empty, rep="Nobody", event=EVENT) == 0
    wb, _ = _open(tmp_path / "e.xlsx")
    assert wb["Targets"].max_row == 1


def test_phone_number_columns_stay_text(tmp_path: Path) -> None:
    df = sample.make_targets(8, nasty=False)
    df["phone"] = [5125550100.0] * 8  # a roster that read phones as numbers
    write_target_sheet(tmp_path / "p.xlsx", df, rep=None, event=EVENT)
    wb, cols = _open(tmp_path / "p.xlsx")
    assert wb["Targets"].cell(2, cols["Phone"]).value == "5125550100"
