"""ConflictsDialog: choose, per field, the project's value or the tracker's.

A sync never overwrites a value both sides changed since the export: it keeps
the project's and lists a :class:`~gtmplanner.core.sync.Conflict`. This dialog
shows them in a table (target, field, project value, tracker value, file and
row) with a "Take tracker" check per row, plus "Take all tracker" / "Keep all
project". :meth:`ConflictsDialog.resolutions` gives the ``resolve`` mapping
``sync_trackers`` takes: ``{(target_id, field): "tracker" | "project"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core.sync import Conflict

TRACKER, PROJECT = "tracker", "project"
HEADERS = ("Target", "Field", "Project value", "Tracker value", "Take tracker", "File / row")
CHOICE_COLUMN = 4
Index = QModelIndex | QPersistentModelIndex


def _text(value: Any) -> str:
    return "(empty)" if value is None or value == "" else str(value)


class ConflictsModel(QAbstractTableModel):
    """The conflicts, one per row, with the choice in a check column."""

    def __init__(self, conflicts: Sequence[Conflict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflicts = list(conflicts)
        self.take = [c.resolved == TRACKER for c in self.conflicts]
        self._cells = [(c.target_id, c.field, _text(c.project_value), _text(c.tracker_value),
                        "", f"{Path(c.file).name} : row {c.row}") for c in self.conflicts]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.conflicts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == CHOICE_COLUMN:
                return "Take tracker" if self.take[r] else "Keep project"
            return self._cells[r][c]
        if role == Qt.ItemDataRole.CheckStateRole and c == CHOICE_COLUMN:
            return Qt.CheckState.Checked if self.take[r] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and c in (2, 3):
            return self._cells[r][c]
        if role == Qt.ItemDataRole.FontRole and c in (2, 3):
            font = QFont()
            font.setBold((c == 3) == self.take[r])  # the value that will be kept
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == CHOICE_COLUMN:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != CHOICE_COLUMN:
            return False
        checked = value == Qt.CheckState.Checked or value == Qt.CheckState.Checked.value
        self.set_choice(index.row(), TRACKER if checked else PROJECT)
        return True

    def set_choice(self, row: int, side: str) -> None:
        """Keep the project's value (``"project"``) or take the tracker's (``"tracker"``)."""
        self.take[row] = side == TRACKER
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def set_all(self, side: str) -> None:
        """The same choice for every conflict."""
        self.beginResetModel()
        self.take = [side == TRACKER] * len(self.conflicts)
        self.endResetModel()


class ConflictsDialog(QDialog):
    """Choose a value for each field both the project and a tracker changed."""

    def __init__(self, conflicts: Sequence[Conflict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Choose values: changed in both places")
        self.model = ConflictsModel(conflicts, self)
        n = len(self.model.conflicts)
        intro = QLabel(
            f"<b>{n:,} value{'s were' if n != 1 else ' was'} changed both in the project and "
            "in a tracker since the export.</b><br>Nothing was overwritten: the project's "
            "value is kept unless you tick <i>Take tracker</i>. Click Apply to sync again "
            "with your choices.", self)
        intro.setWordWrap(True)
        self.view = QTableView(self)
        self.view.setObjectName("conflictsTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        self.view.resizeColumnsToContents()
        widest = self.fontMetrics().horizontalAdvance("x") * 30
        for c in (2, 3):
            self.view.setColumnWidth(c, min(widest, self.view.columnWidth(c)))
        self.view.doubleClicked.connect(self._toggle)
        self.take_all_button = QPushButton("Take all tracker", self)
        self.take_all_button.setObjectName("takeAllTracker")
        self.take_all_button.clicked.connect(lambda: self.model.set_all(TRACKER))
        self.keep_all_button = QPushButton("Keep all project", self)
        self.keep_all_button.clicked.connect(lambda: self.model.set_all(PROJECT))
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("applyChoices")
        self.buttons.addButton("Decide later", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.take_all_button)
        row.addWidget(self.keep_all_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        x = self.fontMetrics().horizontalAdvance("x")
        self.resize(x * 120, self.fontMetrics().height() * (12 + min(n, 14) * 2))

    def _toggle(self, index: QModelIndex) -> None:
        r = index.row()
        self.model.set_choice(r, PROJECT if self.model.take[r] else TRACKER)

    def set_choice(self, row: int, side: str) -> None:
        """Choose ``"tracker"`` or ``"project"`` for conflict ``row``."""
        self.model.set_choice(row, side)

    def resolutions(self) -> dict[tuple[str, str], str]:
        """``{(target_id, field): "tracker" | "project"}`` for ``sync_trackers(resolve=...)``."""
        return {(c.target_id, c.field): TRACKER if take else PROJECT
                for c, take in zip(self.model.conflicts, self.model.take, strict=True)}
