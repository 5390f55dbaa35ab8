"""ColumnarTableModel: a QAbstractTableModel over a :class:`ColumnTable`.

``data()`` returns early for roles it does not handle and does O(1) work for
the ones it does: display text is made per block of rows, vectorised, the
first time a block is painted, and then indexed. The visible rows are one
numpy permutation array (sort order with the quick filter applied); sorting is
a cached ``numpy.argsort`` per column, never a Python ``lessThan``. Swapping the
data happens inside :meth:`changing` (begin/endResetModel).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.quick_filter import QuickFilter

BLOCK_SHIFT = 10  # rows are formatted 1,024 at a time
BLOCK_MASK = (1 << BLOCK_SHIFT) - 1

# Roles as plain ints: Qt passes ints to data(), and int comparison is the cheapest.
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_HANDLED = frozenset((DISPLAY, TOOLTIP, ALIGN, BACKGROUND, ID_ROLE))

# Tier colours are the only fixed colours: translucent, so they read on light and dark.
TIER_COLOURS = {"A": QColor(46, 160, 67, 90), "B": QColor(56, 132, 244, 80),
                "C": QColor(230, 160, 30, 85), "D": QColor(140, 140, 140, 60)}
EXPLAINED_COLUMNS = ("tier", "score")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

ModelIndex = QModelIndex | QPersistentModelIndex


class ColumnarTableModel(QAbstractTableModel):
    """Rows of a :class:`ColumnTable`, sorted and filtered through one permutation array."""

    filtered = Signal(int, int)  # rows shown, rows in total

    def __init__(self, table: ColumnTable | None = None, parent: QObject | None = None,
                 *, reasons_column: str = "reasons", tier_column: str = "tier") -> None:
        super().__init__(parent)
        self._reasons_column = reasons_column
        self._tier_column = tier_column
        self._sort: tuple[int, bool] | None = None
        self._filter_text = ""
        self._filter_columns: list[str] = []
        self.last_filter_ms = 0.0
        self._install(table or ColumnTable.empty())

    # -- data swapping -------------------------------------------------------------------
    @contextmanager
    def changing(self) -> Iterator[None]:
        """Wrap any change of rows or columns (begin/endResetModel around it)."""
        self.beginResetModel()
        try:
            yield
        finally:
            self._blocks = [dict() for _ in self._table.columns]
            self.endResetModel()
            self.filtered.emit(len(self._rows), self._table.n_rows)

    def set_table(self, table: ColumnTable, *, keep_view: bool = True) -> None:
        """Show ``table``; the sort and the quick filter carry over when ``keep_view``."""
        sort = self._sort if keep_view else None
        with self.changing():
            self._install(table)
            if sort is not None and sort[0] < len(table.columns):
                self._sort = sort
            if not keep_view:
                self._filter_text = ""
            self._recompute_rows()

    def _install(self, table: ColumnTable) -> None:
        self._table = table
        self._filter = table.filter_index if isinstance(table.filter_index, QuickFilter) \
            else QuickFilter(table)
        self._mask: np.ndarray | None = None
        self._sort = None
        self._rows = np.arange(table.n_rows, dtype=np.int64)
        self._blocks: list[dict[int, np.ndarray]] = [dict() for _ in table.columns]
        self._refresh_meta()

    def _refresh_meta(self) -> None:
        table = self._table
        self._align = [RIGHT if c.is_number else LEFT for c in table.columns]
        self._tier_pos = table.position(self._tier_column)
        self._explained = {table.position(c) for c in EXPLAINED_COLUMNS} - {-1}
        reasons = table.column(self._reasons_column)
        self._reasons = reasons if reasons is not None and reasons.loaded else None
        self._headers = [c.label for c in table.columns]

    def columns_filled(self, names: Sequence[str]) -> None:
        """Columns of the table just read (:meth:`ColumnTable.fill`): show their values,
        and re-sort or re-filter when the sort or the filter uses them."""
        positions = [p for p in (self._table.position(n) for n in names) if p >= 0]
        if not positions:
            return
        self._refresh_meta()
        for p in positions:
            self._blocks[p] = {}
        if self._filter_text and set(names) & set(self._filter_columns):
            self.set_filter_text(self._filter_text, force=True)
        elif self._sort is not None and self._sort[0] in positions:
            self.layoutAboutToBeChanged.emit()
            self._recompute_rows()
            self._blocks = [dict() for _ in self._table.columns]
            self.layoutChanged.emit()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, min(positions), max(positions))
        if self.rowCount():
            self.dataChanged.emit(self.index(0, min(positions)),
                                  self.index(self.rowCount() - 1, max(positions)))

    @property
    def table(self) -> ColumnTable:
        """The data shown."""
        return self._table

    @property
    def quick_filter(self) -> QuickFilter:
        """The filter index (a loader may prepare it ahead of time)."""
        return self._filter

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: ModelIndex, role: int = DISPLAY) -> Any:
        """O(1): index the prepared block for this row and column."""
        if role not in _HANDLED:
            return None
        r = index.row()
        c = index.column()
        if role == DISPLAY:
            block = self._blocks[c].get(r >> BLOCK_SHIFT)
            if block is None:
                block = self._make_block(c, r >> BLOCK_SHIFT)
            return block[r & BLOCK_MASK]
        if role == ALIGN:
            return self._align[c]
        if role == BACKGROUND:
            if c != self._tier_pos:
                return None
            block = self._blocks[c].get(r >> BLOCK_SHIFT)
            if block is None:
                block = self._make_block(c, r >> BLOCK_SHIFT)
            return TIER_COLOURS.get(block[r & BLOCK_MASK])
        if role == TOOLTIP:
            return self._tooltip(r, c)
        if role == ID_ROLE:
            return self.row_id(r)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == DISPLAY:
            return self._headers[section]
        if role == TOOLTIP:
            name = self._table.columns[section].name
            extra = ("\nHover a cell to see why (each reason with its points)"
                     if section in self._explained else "")
            return f"{self._headers[section]} ({name}){extra}"
        if role == ALIGN:
            return self._align[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order rows by ``column`` (numpy argsort of a cached key; missing values last)."""
        if not 0 <= column < len(self._table.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._recompute_rows()
        self._blocks = [dict() for _ in self._table.columns]
        self.layoutChanged.emit()

    # -- filtering -----------------------------------------------------------------------
    def set_filter_columns(self, names: Sequence[str]) -> None:
        """Which columns the quick filter searches (the visible text columns)."""
        names = [n for n in names if n in self._table.names]
        if names != self._filter_columns:
            self._filter_columns = names
            if self._filter_text:
                self.set_filter_text(self._filter_text, force=True)

    def set_filter_text(self, text: str, *, force: bool = False) -> float:
        """Show only rows containing every word of ``text``; returns the time taken (ms)."""
        if text == self._filter_text and not force:
            return 0.0
        t0 = time.perf_counter()
        self._filter_text = text
        cols = self._filter_columns or self._table.text_columns()
        with self.changing():
            self._mask = self._filter.mask(text, cols)
            self._recompute_rows()
        self.last_filter_ms = (time.perf_counter() - t0) * 1000
        return self.last_filter_ms

    @property
    def filter_text(self) -> str:
        return self._filter_text

    def _recompute_rows(self) -> None:
        if (self._sort is not None and self._sort[0] < len(self._table.columns)
                and self._table.columns[self._sort[0]].loaded):
            order = self._table.columns[self._sort[0]].ordered_rows(self._sort[1])
            self._rows = order if self._mask is None else order[self._mask[order]]
        elif self._mask is not None:
            self._rows = np.flatnonzero(self._mask)
        else:
            self._rows = np.arange(self._table.n_rows, dtype=np.int64)

    # -- rows ----------------------------------------------------------------------------
    def source_row(self, view_row: int) -> int:
        """Position in the table of the row shown at ``view_row``."""
        return int(self._rows[view_row])

    def row_id(self, view_row: int) -> Any:
        """The record id (DataFrame index value) of the row shown at ``view_row``."""
        v = self._table.ids[self._rows[view_row]]
        return v.item() if hasattr(v, "item") else v

    def view_row_of_id(self, record_id: Any) -> int:
        """The view row showing ``record_id`` (-1 when filtered out or unknown)."""
        pos = int(self._table.positions_of([record_id])[0])
        if pos < 0:
            return -1
        hits = np.flatnonzero(self._rows == pos)
        return int(hits[0]) if len(hits) else -1

    def row_dict(self, view_row: int) -> dict[str, Any]:
        """Every column of the row shown at ``view_row``."""
        return self._table.row_dict(self.source_row(view_row))

    def patch_row(self, record_id: Any, values: dict[str, Any]) -> None:
        """Show new ``values`` for one record at once (until the next reload)."""
        pos = int(self._table.positions_of([record_id])[0])
        if pos < 0:
            return
        self._table.patch(pos, values)
        row = self.view_row_of_id(record_id)
        if row < 0:
            return
        for blocks in self._blocks:
            blocks.pop(row >> BLOCK_SHIFT, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def visible_rows(self) -> np.ndarray:
        """Table positions of the rows shown, in view order (a copy)."""
        return self._rows.copy()

    # -- helpers -------------------------------------------------------------------------
    def _make_block(self, c: int, b: int) -> np.ndarray:
        src = self._rows[b << BLOCK_SHIFT:(b + 1) << BLOCK_SHIFT]
        block = self._table.columns[c].display(src)
        self._blocks[c][b] = block
        return block

    def _tooltip(self, r: int, c: int) -> str | None:
        if c not in self._explained or self._reasons is None:
            return None
        reasons = self._reasons.values[int(self._rows[r])].as_py()
        if not reasons:
            return "Not scored yet: run Score now (Ctrl+R)"
        lines = [p.strip() for p in reasons.split("|") if p.strip()]
        return "Why this score:\n" + "\n".join(lines)
