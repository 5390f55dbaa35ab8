"""The columnar table model: display, sort, quick filter, tooltips (no window needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Qt

from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.table_model import ColumnarTableModel


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "full_name": pd.array(["Ada Lovelace", "alan Turing", None, "Grace Hopper"],
                              dtype="string[pyarrow]"),
        "city": pd.array(["London", "Wilmslow", "Boston", "New York"], dtype="string[pyarrow]"),
        "score": pd.array([80, 55, None, 91], dtype="Int64"),
        "tier": pd.array(["A", "B", None, "A"], dtype="string[pyarrow]"),
        "reasons": pd.array(["+25 industry Software|+10 based in UK", "+5 budget holder", None,
                             "+30 uses Salesforce|-10 competitor customer"],
                            dtype="string[pyarrow]"),
        "distance_mi": [3400.25, 3380.0, np.nan, 190.5],
        "opted_out": pd.array([False, True, None, False], dtype="boolean"),
    }, index=pd.Index([11, 12, 13, 14], name="id"))


def _column(model: ColumnarTableModel, name: str) -> list[str]:
    c = model.table.position(name)
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


def test_display_alignment_and_unhandled_roles(qapp) -> None:  # noqa: ANN001
    model = ColumnarTableModel(ColumnTable(_frame()))
    assert model.rowCount() == 4 and model.columnCount() == 7
    assert _column(model, "full_name") == ["Ada Lovelace", "alan Turing", "", "Grace Hopper"]
    assert _column(model, "score") == ["80", "55", "", "91"]
    assert _column(model, "distance_mi") == ["3,400.2", "3,380.0", "", "190.5"]
    assert _column(model, "opted_out") == ["No", "Yes", "", "No"]
    idx = model.index(0, model.table.position("score"))
    assert model.data(idx, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.data(idx, Qt.ItemDataRole.DecorationRole) is None
    assert model.data(idx, Qt.ItemDataRole.FontRole) is None
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"
    assert model.rowCount(model.index(0, 0)) == 0  # a table, not a tree
    assert model.row_id(0) == 11


def test_tooltips_list_each_reason(qapp) -> None:  # noqa: ANN001
    model = ColumnarTableModel(ColumnTable(_frame()))
    tip = model.data(model.index(3, model.table.position("tier")), Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[1:] == ["+30 uses Salesforce", "-10 competitor customer"]
    assert model.data(model.index(2, model.table.position("score")),
                      Qt.ItemDataRole.ToolTipRole).startswith("Not scored")
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) is None
    bg = model.data(model.index(0, model.table.position("tier")), Qt.ItemDataRole.BackgroundRole)
    assert bg is not None and bg.alpha() < 255  # translucent: works on light and dark


def test_sort_with_missing_values_last(qapp) -> None:  # noqa: ANN001
    model = ColumnarTableModel(ColumnTable(_frame()))
    model.sort(model.table.position("score"), Qt.SortOrder.DescendingOrder)
    assert _column(model, "score") == ["91", "80", "55", ""]
    model.sort(model.table.position("score"), Qt.SortOrder.AscendingOrder)
    assert _column(model, "score") == ["55", "80", "91", ""]
    model.sort(model.table.position("full_name"), Qt.SortOrder.AscendingOrder)
    assert _column(model, "full_name") == ["Ada Lovelace", "alan Turing", "Grace Hopper", ""]
    model.sort(model.table.position("full_name"), Qt.SortOrder.DescendingOrder)
    assert _column(model, "full_name") == ["Grace Hopper", "alan Turing", "Ada Lovelace", ""]


def test_quick_filter_words_columns_and_narrowing(qapp) -> None:  # noqa: ANN001
    model = ColumnarTableModel(ColumnTable(_frame()))
    model.set_filter_text("LON")
    assert _column(model, "full_name") == ["Ada Lovelace"]  # city London, case-insensitive
    model.set_filter_text("lo")  # shorter: widens again
    assert set(_column(model, "full_name")) == {"Ada Lovelace", "alan Turing"}  # Wilmslow
    model.set_filter_text("ada london")  # every word must match, each in any column
    assert _column(model, "full_name") == ["Ada Lovelace"]
    model.set_filter_text("ada boston")
    assert model.rowCount() == 0
    model.set_filter_columns(["full_name"])  # only the name column is searched now
    model.set_filter_text("london")
    assert model.rowCount() == 0
    model.set_filter_text("")
    assert model.rowCount() == 4


def test_filter_then_sort_and_patch(qapp, qtbot) -> None:  # noqa: ANN001
    model = ColumnarTableModel(ColumnTable(_frame()))
    model.set_filter_text("a")
    model.sort(model.table.position("score"), Qt.SortOrder.DescendingOrder)
    assert _column(model, "score")[0] == "91"
    with qtbot.waitSignal(model.dataChanged):
        model.patch_row(14, {"tier": "C"})
    assert model.data(model.index(0, model.table.position("tier"))) == "C"
    assert model.row_dict(0)["tier"] == "C"
    with qtbot.waitSignal(model.modelReset):
        with model.changing():
            pass
    assert model.index(0, 0).isValid() and not model.index(99, 0).isValid()
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
