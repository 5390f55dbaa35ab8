"""The Imports page: what was imported into the project, and removing an import (undoable).

Removing an import takes out the records only it brought (people, accounts,
deals, activities) with their event registrations, targets and match overrides;
records other imports also brought stay. The page asks first, naming the file
and the counts, then runs :func:`gtmplanner.core.import_history.remove_import`
on the writer thread and pushes a :class:`RemoveImportCommand` so Edit ▸ Undo
(Ctrl+Z) puts everything back with
:func:`~gtmplanner.core.import_history.restore_import`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import import_history
from gtmplanner.ui.context import ALL_TABLES

if TYPE_CHECKING:
    from gtmplanner.core.store import Project
    from gtmplanner.ui.context import PageContext

# Everything a removal (or its undo) may write: pages reload what they show.
WRITES = frozenset(ALL_TABLES | {"event_people", "match_overrides"})
COLUMNS = ("File", "Kind", "Event", "New", "Merged", "Rejected", "Imported")
NUMERIC = (3, 4, 5)
ID_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
_COUNT_LABELS = [("people_removed", "people"), ("accounts_removed", "accounts"),
                 ("opportunities_removed", "opportunities"),
                 ("activities_removed", "activities"), ("targets_removed", "targets"),
                 ("event_people_removed", "event registrations"),
                 ("match_overrides_removed", "match overrides")]


def confirm_text(counts: dict[str, Any]) -> str:
    """The question asked before removing: the file, and what goes with it."""
    parts = [f"{counts[k]:,} {label}" for k, label in _COUNT_LABELS if counts.get(k)]
    lines = [f"Remove the import of {counts['file_name']} ({counts['kind']})?", ""]
    lines.append("This removes " + (", ".join(parts) if parts else "no records") + ".")
    if counts.get("links_cleared"):
        lines.append(f"{counts['links_cleared']:,} links from other records to them are "
                     "cleared (score again to re-match).")
    if counts.get("kept_shared"):
        lines.append(f"{counts['kept_shared']:,} records other imports also brought stay, "
                     "with their merged values.")
    lines += ["", "Edit ▸ Undo (Ctrl+Z) puts everything back."]
    return "\n".join(lines)


class RemoveImportCommand(QUndoCommand):
    """An import already removed; undo restores it, redo removes it again (writer thread)."""

    def __init__(self, ctx: PageContext, snapshot: dict[str, Any]) -> None:
        super().__init__(f"Remove import '{snapshot['import']['file_name']}'")
        self.ctx = ctx
        self.import_id = int(snapshot["import_id"])
        self.snapshot = snapshot
        self._pushed = False  # push() calls redo(): the removal has already run

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return

        def op(project: Project, _p: Any, _c: Any) -> dict[str, Any]:
            self.snapshot = import_history.remove_import(project, self.import_id)
            return self.snapshot
        self.ctx.run(op, title=self.text(), writes=WRITES, show_progress=False,
                     on_success=lambda r: self.ctx.status(r["message"] + " (Ctrl+Z undoes)"))

    def undo(self) -> None:
        def op(project: Project, _p: Any, _c: Any) -> dict[str, Any]:
            return import_history.restore_import(project, self.snapshot)  # read when it runs
        self.ctx.run(op, title=f"Undo: {self.text()}", writes=WRITES, show_progress=False,
                     on_success=lambda r: self.ctx.status(r["message"]))


class ImportsPage(QWidget):
    """The project's imports, newest first, with Remove import…."""

    removed = Signal(dict)  # the snapshot of a removal started from this page

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_imports")
        self.ctx = ctx
        self.imports: list[dict[str, Any]] = []
        self._working = False
        self._build()
        ctx.data_changed.connect(self._data_changed)
        self.reload()

    def _build(self) -> None:
        self.table = QTreeWidget(self)
        self.table.setObjectName("importsTable")
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setToolTip("Every file imported into this project; select one to remove "
                              "it with the records only it brought")
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.remove_button = QPushButton("Remove import…", self)
        self.remove_button.setObjectName("removeImport")
        self.remove_button.clicked.connect(self.remove_selected)
        self.summary = QLabel(self)
        self.summary.setObjectName("importsSummary")
        self.summary.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        intro = QLabel("Files imported into this project. Removing an import takes out the "
                       "records only it brought, with their event registrations and targets; "
                       "records other imports also brought stay. Ctrl+Z undoes a removal.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- data ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the list of imports (a few rows: quick enough on the GUI thread)."""
        selected = self.selected_id()
        self.imports = import_history.list_imports(self.ctx.project)
        self.table.clear()
        for imp in reversed(self.imports):
            values = [imp["file_name"] or "", imp["kind"] or "", imp["event"] or "",
                      _num(imp["rows_imported"]), _num(imp["rows_merged"]),
                      _num(imp["rows_rejected"]), imp["finished_at"] or "not finished"]
            item = QTreeWidgetItem(values)
            item.setData(0, ID_ROLE, int(imp["id"]))
            item.setData(0, KIND_ROLE, imp["kind"])
            for col in NUMERIC:
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            size = f"{imp['size']:,} bytes" if imp["size"] is not None else "size unknown"
            item.setToolTip(0, f"Import #{imp['id']}: {imp['file_name']} ({size})\n"
                               f"sha256 {imp['sha256'] or '-'}")
            self.table.addTopLevelItem(item)
            if imp["id"] == selected:
                item.setSelected(True)
        n = len(self.imports)
        self.summary.setText(f"{n:,} import{'s' if n != 1 else ''}" if n else
                             "Nothing imported yet: File ▸ Import… (Ctrl+I)")
        self._update_buttons()

    def _data_changed(self, tables: frozenset[str]) -> None:
        if "imports" in tables:
            self.reload()

    def selected_id(self) -> int | None:
        """The id of the selected import, if any."""
        items = self.table.selectedItems()
        return int(items[0].data(0, ID_ROLE)) if items else None

    def select_import(self, import_id: int) -> None:
        """Select the row of ``import_id``."""
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            item.setSelected(int(item.data(0, ID_ROLE)) == import_id)

    def _update_buttons(self) -> None:
        items = self.table.selectedItems()
        reps = bool(items) and items[0].data(0, KIND_ROLE) == "reps"
        self.remove_button.setEnabled(bool(items) and not reps and not self._working)
        self.remove_button.setToolTip(
            "Reps imports cannot be removed; edit the reps instead" if reps else
            "Remove the selected import and the records only it brought (Ctrl+Z undoes)")

    def _set_working(self, working: bool) -> None:
        self._working = working
        self._update_buttons()

    # -- removing ------------------------------------------------------------------------
    def remove_selected(self) -> None:
        """Count what would go (worker), ask, then remove (writer) and push the undo command."""
        import_id = self.selected_id()
        if import_id is None or self._working:
            return
        self._set_working(True)
        self.ctx.run(lambda p, _p, _c: import_history.removal_counts(p, import_id),
                     title="Checking what the removal takes out", show_progress=False,
                     on_success=self._confirm, on_failure=self._failed,
                     on_cancel=lambda: self._set_working(False))

    def _confirm(self, counts: dict[str, Any]) -> None:
        answer = QMessageBox.question(
            self, "Remove import", confirm_text(counts),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            self._set_working(False)
            return
        import_id = int(counts["import_id"])
        self.ctx.run(lambda p, _p, _c: import_history.remove_import(p, import_id),
                     title=f"Removing {counts['file_name']}", writes=WRITES,
                     cancellable=False, on_success=self._removed, on_failure=self._failed)

    def _removed(self, snapshot: dict[str, Any]) -> None:
        self._set_working(False)
        self.ctx.undo_stack.push(RemoveImportCommand(self.ctx, snapshot))
        self.ctx.status(snapshot["message"] + " (Ctrl+Z undoes)")
        self.removed.emit(snapshot)

    def _failed(self, exc: BaseException, details: str) -> None:
        self._set_working(False)
        self.ctx.show_error(exc, details)


def _num(value: Any) -> str:
    return f"{int(value):,}" if value is not None else ""


def make_page(ctx: PageContext) -> ImportsPage:
    """The Imports page (registered in :data:`gtmplanner.ui.pages.PAGES`)."""
    return ImportsPage(ctx)
