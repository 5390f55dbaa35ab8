"""TableView: a big-table widget with a quick-filter box, column chooser and row count.

The view over a :class:`~gtmplanner.ui.table_model.ColumnarTableModel`: fixed
row heights (so a million rows cost nothing to lay out), column widths guessed
from the first rows only, sorting through the model, and the visible columns
remembered per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.settings import Settings, column_setting
from gtmplanner.ui.table_model import ColumnarTableModel

DEBOUNCE_ROWS = 100_000  # tables this big wait for a pause in typing before filtering
DEBOUNCE_MS = 120
WIDTH_SAMPLE_ROWS = 200
MAX_COLUMN_CHARS = 36


class TableView(QWidget):
    """A filterable, sortable table of records with a column chooser."""

    current_changed = Signal(object)  # record id of the current row, or None
    selection_changed = Signal(list)  # record ids of the selected rows
    columns_wanted = Signal(list)  # names of shown columns the table has not read yet

    def __init__(self, name: str, *, noun: str = "rows", default_columns: Sequence[str] = (),
                 settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"table_{name}")
        self.name = name
        self.noun = noun
        self._default_columns = list(default_columns)
        self._settings = settings
        self.model = ColumnarTableModel(parent=self)
        self._loading = ""

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("quickFilter")
        self.filter_edit.setPlaceholderText(f"Filter {noun}…  (Ctrl+F; several words: all must match)")
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("rowCount")
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.columns_button = QToolButton(self)
        self.columns_button.setText("Columns")
        self.columns_button.setToolTip("Choose the columns to show")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_menu = QMenu(self.columns_button)
        self.columns_button.setMenu(self.columns_menu)

        self.view = QTableView(self)
        self.view.setObjectName(f"view_{name}")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setWordWrap(False)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        vh = self.view.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.view.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(
            lambda pos: self.columns_menu.exec(hh.mapToGlobal(pos)))

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.columns_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._text_changed)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.model.filtered.connect(self._update_count)
        self.model.modelReset.connect(self._reselect_first_column_widths)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.focus_filter_action = QAction("Filter", self)
        self.focus_filter_action.setShortcut(QKeySequence.StandardKey.Find)
        self.focus_filter_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.focus_filter_action.triggered.connect(self.focus_filter)
        self.addAction(self.focus_filter_action)
        self._sized = False
        self._update_count()

    # -- data ----------------------------------------------------------------------------
    def set_table(self, table: ColumnTable, *, loading: str = "") -> None:
        """Show ``table`` (keeps the sort and the filter text); ``loading`` notes a partial table."""
        self._loading = loading
        first = self.model.table.n_rows == 0 and not self._sized
        self.model.set_table(table, keep_view=not first)
        self._build_column_menu()
        self._apply_visible_columns()
        if self.filter_edit.text():
            self.model.set_filter_text(self.filter_edit.text(), force=True)
        self.view.setSortingEnabled(not loading)
        self._update_count()

    def set_loading(self, text: str) -> None:
        """Show ``text`` beside the row count (e.g. "loading 1,000,000 people…")."""
        self._loading = text
        self.view.setSortingEnabled(not text)
        self._update_count()

    def focus_filter(self) -> None:
        """Put the cursor in the quick-filter box."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def apply_filter(self) -> float:
        """Filter now with the box's text; returns the milliseconds it took."""
        self._debounce.stop()
        return self.model.set_filter_text(self.filter_edit.text())

    def current_id(self) -> Any:
        """Record id of the current row, or None."""
        idx = self.view.currentIndex()
        return self.model.row_id(idx.row()) if idx.isValid() else None

    def selected_ids(self) -> list[Any]:
        """Record ids of the selected rows, in view order."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_id(r) for r in rows]

    def select_id(self, record_id: Any) -> bool:
        """Make the row of ``record_id`` current (False when it is not shown)."""
        row = self.model.view_row_of_id(record_id)
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    # -- columns -------------------------------------------------------------------------
    def visible_columns(self) -> list[str]:
        """Names of the columns shown, in model order."""
        t = self.model.table
        return [c.name for i, c in enumerate(t.columns) if not self.view.isColumnHidden(i)]

    def set_visible_columns(self, names: Sequence[str]) -> None:
        """Show exactly ``names`` (and remember the choice)."""
        wanted = set(names)
        for i, col in enumerate(self.model.table.columns):
            self.view.setColumnHidden(i, col.name not in wanted)
        for action in self.columns_menu.actions():
            if action.data():
                action.setChecked(action.data() in wanted)
        if self._settings is not None:
            self._settings.set(column_setting(self.name), [n for n in names])
        self._filter_columns_changed()

    def _wanted_columns(self) -> list[str]:
        names = self.model.table.names
        saved = self._settings.get(column_setting(self.name)) if self._settings else []
        chosen = [n for n in saved if n in names] or [n for n in self._default_columns
                                                      if n in names]
        return chosen or names[:12]

    def _apply_visible_columns(self) -> None:
        wanted = self._wanted_columns()
        t = self.model.table
        hh = self.view.horizontalHeader()
        for i, col in enumerate(t.columns):
            self.view.setColumnHidden(i, col.name not in wanted)
        # show the chosen columns in the chosen order
        for target, name in enumerate(wanted):
            logical = t.position(name)
            visual = hh.visualIndex(logical)
            if logical >= 0 and visual != target:
                hh.moveSection(visual, target)
        for action in self.columns_menu.actions():
            if action.data():
                action.setChecked(action.data() in wanted)
        self._size_columns()
        self._filter_columns_changed()

    def _build_column_menu(self) -> None:
        self.columns_menu.clear()
        reset = self.columns_menu.addAction("Default columns")
        reset.triggered.connect(self._reset_columns)
        self.columns_menu.addSeparator()
        for col in sorted(self.model.table.columns, key=lambda c: c.label.casefold()):
            action = self.columns_menu.addAction(col.label)
            action.setCheckable(True)
            action.setData(col.name)
            action.toggled.connect(lambda on, n=col.name: self._toggle_column(n, on))

    def _toggle_column(self, name: str, on: bool) -> None:
        i = self.model.table.position(name)
        if i < 0 or self.view.isColumnHidden(i) != on:
            return
        self.view.setColumnHidden(i, not on)
        if on and self.view.columnWidth(i) < 20:
            self._size_columns([i])
        if self._settings is not None:
            self._settings.set(column_setting(self.name), self.visible_columns())
        self._filter_columns_changed()

    def _reset_columns(self) -> None:
        if self._settings is not None:
            self._settings.set(column_setting(self.name), [])
        self._apply_visible_columns()

    def _filter_columns_changed(self) -> None:
        visible = self.visible_columns()
        self.model.set_filter_columns(visible)
        missing = self.model.table.missing(visible)
        if missing:
            self.columns_wanted.emit(missing)

    def wanted_names(self) -> list[str]:
        """The columns to show: the remembered choice, else the defaults (names only;
        a loader reads these first)."""
        saved = self._settings.get(column_setting(self.name)) if self._settings else []
        return list(saved or self._default_columns)

    def columns_loaded(self, names: Sequence[str]) -> None:
        """Columns just read into the table (:meth:`ColumnTable.fill`): show them."""
        self.model.columns_filled(names)
        t = self.model.table
        self._size_columns([i for i in map(t.position, names) if i >= 0])

    def _size_columns(self, which: Sequence[int] | None = None) -> None:
        """Widths from the header and the first rows only (never a scan of every row)."""
        t = self.model.table
        fm = self.view.fontMetrics()
        n = min(WIDTH_SAMPLE_ROWS, self.model.rowCount())
        rows = self.model.visible_rows()[:n]
        pad = fm.horizontalAdvance("M") * 2
        for i in which if which is not None else range(len(t.columns)):
            if self.view.isColumnHidden(i):
                continue
            col = t.columns[i]
            texts = list(col.display(rows)) if n else []
            longest = max([len(s) for s in texts] + [0])
            sample = max(texts, key=len) if texts else ""
            text_w = fm.horizontalAdvance(sample[:MAX_COLUMN_CHARS]) if longest else 0
            head_w = fm.horizontalAdvance(col.label) + pad
            self.view.setColumnWidth(i, max(head_w, text_w + pad // 2, 48))
        self._sized = True

    def _reselect_first_column_widths(self) -> None:
        if not self._sized and self.model.rowCount():
            self._size_columns()

    # -- signals -------------------------------------------------------------------------
    def _text_changed(self, _text: str) -> None:
        if self.model.table.n_rows >= DEBOUNCE_ROWS:
            self._debounce.start()
        else:
            self.apply_filter()

    def _update_count(self, shown: int | None = None, total: int | None = None) -> None:
        total = self.model.table.n_rows if total is None else total
        shown = self.model.rowCount() if shown is None else shown
        text = (f"{shown:,} {self.noun}" if shown == total
                else f"{shown:,} of {total:,} {self.noun}")
        if self._loading:
            text = f"{text} — {self._loading}"
        self.count_label.setText(text)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(self.model.row_id(current.row()) if current.isValid()
                                  else None)

    def _selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        self.selection_changed.emit(self.selected_ids())
