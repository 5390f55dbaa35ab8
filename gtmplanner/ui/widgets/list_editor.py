"""A small editor for a list of texts: industries, countries, technologies, topics.

The list shows the items (double-click to edit one, Delete to remove the
selected ones); the box under it adds an item on Enter, with autocomplete from
suggestions (e.g. the technologies seen in the project's accounts).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class _List(QListWidget):
    """The item list; Delete/Backspace removes the selected items."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) \
                and self.state() != QAbstractItemView.State.EditingState:
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class ListEditor(QWidget):
    """Edit a list of texts; emits :attr:`changed` after every edit."""

    changed = Signal()

    def __init__(self, placeholder: str = "Add…", rows: int = 4,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = _List(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.setUniformItemSizes(True)
        self._rows = rows
        self._fit_height()
        self.entry = QLineEdit(self)
        self.entry.setPlaceholderText(placeholder)
        self.entry.setClearButtonEnabled(True)
        self._suggestions = QStringListModel(self)
        completer = QCompleter(self._suggestions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.entry.setCompleter(completer)
        self.add_button = QToolButton(self)
        self.add_button.setText("+")
        self.add_button.setAutoRaise(False)
        self.add_button.setFixedWidth(self.add_button.fontMetrics().horizontalAdvance("+") + 22)
        self.add_button.setToolTip("Add the text in the box (Enter)")
        self.remove_button = QToolButton(self)
        self.remove_button.setText("−")
        self.remove_button.setAutoRaise(False)
        self.remove_button.setFixedWidth(self.remove_button.fontMetrics().horizontalAdvance("+") + 22)
        self.remove_button.setToolTip("Remove the selected items (Delete)")

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.list)
        layout.addLayout(row)

        self.entry.returnPressed.connect(self._add_entry)
        self.add_button.clicked.connect(self._add_entry)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.delete_pressed.connect(self.remove_selected)
        self.list.itemChanged.connect(self._item_edited)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # -- public API ------------------------------------------------------------------------
    def items(self) -> list[str]:
        """The items, in order, stripped, blanks dropped."""
        texts = (self.list.item(i).text().strip() for i in range(self.list.count()))
        return [t for t in texts if t]

    def set_items(self, items: Iterable[str]) -> None:
        """Replace the items (no :attr:`changed` signal)."""
        self.list.blockSignals(True)
        self.list.clear()
        for text in items:
            self.list.addItem(self._make_item(text))
        self.list.blockSignals(False)
        self._update_buttons()

    def add_item(self, text: str) -> bool:
        """Append ``text`` unless it is blank or already there (case-insensitive)."""
        text = " ".join(text.split())
        if not text or text.casefold() in {t.casefold() for t in self.items()}:
            return False
        self.list.blockSignals(True)
        self.list.addItem(self._make_item(text))
        self.list.blockSignals(False)
        self.list.scrollToBottom()
        self.changed.emit()
        return True

    def remove_selected(self) -> None:
        """Remove the selected items."""
        rows = sorted((self.list.row(i) for i in self.list.selectedItems()), reverse=True)
        if not rows:
            return
        self.list.blockSignals(True)
        for r in rows:
            self.list.takeItem(r)
        self.list.blockSignals(False)
        self._update_buttons()
        self.changed.emit()

    def set_suggestions(self, suggestions: Iterable[str]) -> None:
        """Texts the add box offers as you type."""
        self._suggestions.setStringList(sorted({s for s in suggestions if s}, key=str.casefold))

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt naming
        """The tooltip shows on the list and on the add box."""
        super().setToolTip(text)
        self.list.setToolTip(text)
        self.entry.setToolTip(text)

    # -- internals -------------------------------------------------------------------------
    def _fit_height(self) -> None:
        """Show exactly ``rows`` items (the list scrolls beyond that)."""
        self.list.setFixedHeight(self._rows * self._row_height() + 2 * self.list.frameWidth() + 2)

    def _row_height(self) -> int:
        return self.list.fontMetrics().height() + 4

    def _make_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setSizeHint(QSize(0, self._row_height()))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def _add_entry(self) -> None:
        if self.add_item(self.entry.text()):
            self.entry.clear()

    def _item_edited(self, _item: QListWidgetItem) -> None:
        self.changed.emit()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()))
