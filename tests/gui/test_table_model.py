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


def _lazy_table() -> ColumnTable:
    import pyarrow as pa
    rows = pa.table({"id": [11, 12, 13, 14],
                     "full_name": ["Ada Lovelace", "alan Turing", None, "Grace Hopper"],
                     "score": pa.array([80, 55, None, 91], pa.int64())})
    return ColumnTable.from_arrow(rows, columns=["full_name", "city", "score", "tier",
                                                 "reasons", "opted_out"])


def test_lazy_columns_show_empty_until_filled(qapp, qtbot) -> None:  # noqa: ANN001
    import pyarrow as pa
    table = _lazy_table()
    model = ColumnarTableModel(table)
    assert model.columnCount() == 6 and table.missing() == ["city", "tier", "reasons",
                                                             "opted_out"]
    assert table.missing(["full_name", "city"]) == ["city"]
    assert _column(model, "city") == ["", "", "", ""]
    assert table.text_columns() == ["full_name"]  # the filter skips what is not read
    assert "city" not in model.row_dict(0) and model.row_dict(0)["score"] == 80
    tier = model.index(0, table.position("tier"))
    assert model.data(tier, Qt.ItemDataRole.ToolTipRole) is None  # no reasons yet
    model.set_filter_columns(["full_name", "city"])
    model.set_filter_text("london")
    assert model.rowCount() == 0
    model.sort(table.position("city"), Qt.SortOrder.AscendingOrder)  # waits for the values
    assert model.rowCount() == 0
    model.set_filter_text("")
    with qtbot.waitSignal(model.dataChanged):
        filled = table.fill({"city": pa.array(["London", "Wilmslow", "Boston", "New York"]),
                             "tier": pa.array(["A", "B", None, "A"]),
                             "reasons": pa.array(["+25 industry Software", "+5 budget", None,
                                                  "+30 uses Salesforce|-10 competitor"]),
                             "opted_out": pa.array([False, True, None, False]),
                             "score": pa.array([1, 2, 3, 4]),  # already read: kept
                             "nope": pa.array([1, 2, 3, 4])})
        model.columns_filled(filled)
    assert filled == ["city", "tier", "reasons", "opted_out"] and table.missing() == []
    assert _column(model, "city") == ["Boston", "London", "New York", "Wilmslow"]  # sorted now
    assert _column(model, "opted_out") == ["", "No", "No", "Yes"]
    assert _column(model, "score") == ["", "80", "91", "55"]
    tip = model.data(model.index(2, table.position("score")), Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[1:] == ["+30 uses Salesforce", "-10 competitor"]
    model.set_filter_text("london")  # the city is searched once read
    assert _column(model, "full_name") == ["Ada Lovelace"]


def test_lazy_column_refilters_when_it_arrives(qapp) -> None:  # noqa: ANN001
    import pyarrow as pa
    table = _lazy_table()
    model = ColumnarTableModel(table)
    model.set_filter_columns(["full_name", "city"])
    model.set_filter_text("boston")
    assert model.rowCount() == 0
    model.columns_filled(table.fill({"city": pa.array(["London", "Wilmslow", "Boston",
                                                        "New York"])}))
    assert model.rowCount() == 1 and model.row_id(0) == 13
    model.patch_row(13, {"tier": "B", "city": "Salem"})  # a patch shows before a read
    assert model.row_dict(0)["tier"] == "B" and model.row_dict(0)["city"] == "Salem"


def test_people_table_matches_people_frame(demo_project) -> None:  # noqa: ANN001
    """The window's Arrow path gives people_frame's values, column by column."""
    import math

    from gtmplanner.core.analysis import people_table
    from gtmplanner.core.store import Project
    from gtmplanner.ui.pages.tables import load_people, people_columns, person_record

    def norm(v):  # noqa: ANN001, ANN202
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, bool | np.bool_):
            return bool(v)
        return float(v) if isinstance(v, int | float | np.integer | np.floating) else v

    with Project(demo_project) as p:
        p.conn.execute("UPDATE people SET tier_override = 'A' WHERE id = 3")
        event = p.event()
        frame = load_people(p, event)
        names = people_columns(p, event)
        assert [c for c in names if c != "computed_tier"] == \
            [c for c in frame.columns if c != "computed_tier"]
        table = people_table(p, event=event, columns=names)
        assert table.column("id").to_pylist() == list(frame.index)
        for name in names:
            if name == "computed_tier":
                continue
            assert [norm(v) for v in table.column(name).to_pylist()] == \
                [norm(v) for v in frame[name].tolist()], name
        row = table.to_pylist()[2]
        assert row["id"] == 3 and row["tier"] == "A" and row["tier_overridden"]
        assert row["computed_tier"] == p.conn.execute(
            "SELECT tier FROM people WHERE id = 3").fetchone()[0]
        some = people_table(p, event=event, columns=["full_name", "account_name"],
                            where="id IN (3, 5)")
        assert some.column_names == ["id", "full_name", "account_name"]
        assert some.to_pylist() == [{k: r[k] for k in some.column_names}
                                    for r in table.to_pylist() if r["id"] in (3, 5)]
        assert person_record(p, event, 3) == row
        assert person_record(p, event, 10**9) == {}


def test_arrow_reads_in_id_ranges_match_sqlite(demo_project, monkeypatch) -> None:  # noqa: ANN001
    """Project.arrow: the parallel ADBC read gives what one sqlite3 query gives."""
    from gtmplanner.core import store
    from gtmplanner.core.store import Project
    cols = ["full_name", "email", "latitude", "score", "account_id", "tier_override",
            "attended", "phone"]
    with Project(demo_project) as p:
        p.conn.execute("UPDATE people SET phone = '555-0100' WHERE id = (SELECT MAX(id) "
                       "FROM people)")  # text only in the last range
        slow = p.arrow("people", cols, bulk=False)
        monkeypatch.setattr(store, "ARROW_MIN_ROWS", 100)
        fast = p.arrow("people", cols, "score >= ?", (0,))
        assert p._big("people")  # noqa: SLF001
        assert p._arrow_ranges("people", ["id", *cols], "", (),  # noqa: SLF001
                               p._declared("people")) is not None  # noqa: SLF001
        assert fast.column_names == ["id", *cols] == slow.column_names
        assert fast.schema == slow.schema
        assert fast.to_pylist() == slow.to_pylist()
        assert str(slow.schema.field("tier_override").type) == "string"  # all missing
        assert str(slow.schema.field("latitude").type) == "double"
        assert p.arrow("people", [], "id < 3").column_names == ["id"]
