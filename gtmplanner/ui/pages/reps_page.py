"""The Reps page: reps, the assignment run, capacity per rep, reassigning targets.

Everything is read on a worker (:func:`load_reps_data`): the reps, the event's
targets joined with the people (``outreach.event_targets``) and the load per rep
(``assign.assignment_summary``, the numbers ``assign_event`` reports). "Run
assignment" calls ``outreach.assign_event``; moving targets to another rep (the
context menu "Assign to ▸", or dragging rows onto a rep in the reps table) is a
:class:`ReassignCommand` on the window's undo stack (``outreach.reassign`` /
``outreach.undo_reassign``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from PySide6.QtCore import QByteArray, QEvent, QMimeData, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import assign, lists, outreach
from gtmplanner.core.store import Project
from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.table_model import ColumnarTableModel
from gtmplanner.ui.table_view import TableView
from gtmplanner.ui.widgets.capacity_bars import CapacityBars
from gtmplanner.ui.workers import OpHandle, run_op

TARGET_MIME = "application/x-gtmplanner-target-ids"
ALL_REPS = "All reps"
UNASSIGNED = "Unassigned"
REP_COLUMNS = ["name", "regions", "capacity", "attending", "email", "country"]
REP_LABELS = {"regions": "Territories", "attending": "At the event"}
TARGET_COLUMNS = ["target_key", "full_name", "company", "tier", "score", "rep", "rep_reason",
                  "segment", "status", "title", "city", "region", "country", "account_owner"]
TARGET_LABELS = {"target_key": "Target", "rep_reason": "Why this rep",
                 "account_owner": "Account owner"}
READS = frozenset({"targets", "reps", "segments", "people", "events"})


@dataclass
class RepsData:
    """The reps, the event's targets and the load per rep (read on a worker)."""

    reps: pd.DataFrame
    targets: pd.DataFrame
    summary: list[dict[str, Any]] = field(default_factory=list)


def load_reps_data(project: Project, event: dict[str, Any] | None) -> RepsData:
    """Reps, targets (with the people's names) and each rep's load (worker thread)."""
    reps = project.frame("reps", REP_COLUMNS)
    reps["attending"] = reps["attending"].map(
        lambda v: None if v is None or v != v else bool(v)).astype("boolean")
    if event is None:
        return RepsData(reps, pd.DataFrame(columns=TARGET_COLUMNS))
    targets = outreach.event_targets(project, event)
    cols = [c for c in TARGET_COLUMNS if c in targets.columns]
    summary: list[dict[str, Any]] = []
    if len(reps):
        loads = pd.DataFrame({"rep": targets["rep"], "assign_reason": targets["rep_reason"]})
        summary = assign.assignment_summary(loads, outreach.reps_list(project))
    return RepsData(reps, targets[cols].copy(), summary)


def rep_subset(data: RepsData, rep: str) -> ColumnTable:
    """The targets of one rep (or all, or the unassigned) ready to show (worker thread)."""
    t = data.targets
    if rep == UNASSIGNED:
        t = t[t["rep"].isna().to_numpy()]
    elif rep != ALL_REPS:
        t = t[(t["rep"] == rep).fillna(False).to_numpy()]
    return ColumnTable(t, labels=TARGET_LABELS)


class ReassignCommand(QUndoCommand):
    """Give targets to a rep by hand; undo puts back their earlier rep and reason."""

    def __init__(self, ctx: PageContext, target_ids: list[int], rep: str | None) -> None:
        n = len(target_ids)
        who = f"{n:,} target{'s' if n != 1 else ''}"
        super().__init__(f"Assign {who} to {rep}" if rep else f"Unassign {who}")
        self.ctx = ctx
        self.ids = [int(i) for i in target_ids]
        self.rep = rep
        self.old: list[tuple[int, Any, Any, Any]] | None = None

    def redo(self) -> None:
        def op(project: Project, _p: Any, _c: Any) -> None:
            self.old = outreach.reassign(project, self.ids, self.rep)
        self.ctx.run(op, title=self.text(), writes={"targets"}, show_progress=False,
                     on_success=lambda _r: self.ctx.status(f"{self.text()} (Ctrl+Z undoes)"))

    def undo(self) -> None:
        def op(project: Project, _p: Any, _c: Any) -> None:
            if self.old is not None:
                outreach.undo_reassign(project, self.old)
        self.ctx.run(op, title=f"Undo: {self.text()}", writes={"targets"}, show_progress=False,
                     on_success=lambda _r: self.ctx.status(f"Undone: {self.text()}"))


class RepsTable(QTableView):
    """The reps; drop target rows here to give them to that rep."""

    targets_dropped = Signal(list, str)  # target ids, rep

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("repsTable")
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setToolTip("Drag targets from the list on the right onto a rep to give them to "
                        "that rep")

    def rep_at(self, pos: QPoint) -> str | None:
        """The rep on the row under ``pos`` (viewport coordinates)."""
        idx = self.indexAt(pos)
        model = self.model()
        if not idx.isValid() or not isinstance(model, ColumnarTableModel):
            return None
        return model.row_dict(idx.row()).get("name")

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if e.mimeData().hasFormat(TARGET_MIME):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        rep = self.rep_at(e.position().toPoint())
        if e.mimeData().hasFormat(TARGET_MIME) and rep:
            self.selectRow(self.indexAt(e.position().toPoint()).row())
            e.acceptProposedAction()
        else:
            e.ignore()

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802 - Qt override
        rep = self.rep_at(e.position().toPoint())
        if not rep or not e.mimeData().hasFormat(TARGET_MIME):
            e.ignore()
            return
        ids = json.loads(bytes(e.mimeData().data(TARGET_MIME).data()).decode())
        e.acceptProposedAction()
        self.targets_dropped.emit(ids, rep)


class _DragStarter(QObject):
    """Starts a drag of the selected target ids from a table's viewport."""

    def __init__(self, view: TableView) -> None:
        super().__init__(view)
        self.view = view
        self._press: QPoint | None = None
        view.view.viewport().installEventFilter(self)

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 - Qt override
        t = e.type()
        if t == QEvent.Type.MouseButtonPress and e.button() == Qt.MouseButton.LeftButton:
            idx = self.view.view.indexAt(e.position().toPoint())
            selected = self.view.view.selectionModel().isRowSelected(idx.row()) \
                if idx.isValid() else False
            self._press = e.position().toPoint() if selected else None
        elif t == QEvent.Type.MouseMove and self._press is not None and \
                e.buttons() & Qt.MouseButton.LeftButton:
            if (e.position().toPoint() - self._press).manhattanLength() >= \
                    QApplication.startDragDistance():
                self._press = None
                self.start()
                return True
        elif t == QEvent.Type.MouseButtonRelease:
            self._press = None
        return False

    def start(self) -> None:
        """Drag the selected targets (drop them on a rep)."""
        ids = [int(i) for i in self.view.selected_ids()]
        if not ids:
            return
        mime = QMimeData()
        mime.setData(TARGET_MIME, QByteArray(json.dumps(ids).encode()))
        mime.setText(f"{len(ids)} target(s)")
        drag = QDrag(self.view)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.MoveAction)


class RepsPage(QWidget):
    """Reps, assignment and capacity; reassign targets by menu or drag and drop."""

    loaded = Signal()

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_reps")
        self.ctx = ctx
        self.data: RepsData | None = None
        self.last_assignment: dict[str, Any] | None = None
        self._loading: OpHandle | None = None
        self._stale = False
        self._filtering: OpHandle | None = None
        self._filter_seq = 0  # the newest filter request; older results are dropped
        self._build()
        ctx.data_changed.connect(self._data_changed)
        ctx.event_changed.connect(self.reload)
        self.reload()

    def _build(self) -> None:
        self.build_button = QPushButton("Build lists", self)
        self.build_button.setToolTip("Put the people of the saved segments on target lists "
                                     "(existing targets keep their rep and status)")
        self.build_button.clicked.connect(self.build_lists)
        self.assign_button = QPushButton("Run assignment", self)
        self.assign_button.setObjectName("runAssignment")
        self.assign_button.setToolTip("Give every target a rep: manual choices kept, then "
                                      "account owner, territory, reps at the event, capacity")
        self.assign_button.clicked.connect(self.run_assignment)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("assignmentSummary")
        bar = QHBoxLayout()
        bar.addWidget(self.build_button)
        bar.addWidget(self.assign_button)
        bar.addWidget(self.summary_label, 1)

        self.reps_model = ColumnarTableModel(parent=self)
        self.reps_view = RepsTable(self)
        self.reps_view.setModel(self.reps_model)
        self.reps_view.targets_dropped.connect(self.reassign)
        self.reps_view.clicked.connect(self._rep_row_clicked)
        reps_box = QGroupBox("Reps", self)
        QVBoxLayout(reps_box).addWidget(self.reps_view)
        self.bars = CapacityBars(self)
        self.bars.rep_clicked.connect(self.show_rep)
        bars_box = QGroupBox("Targets per rep (the line marks capacity)", self)
        QVBoxLayout(bars_box).addWidget(self.bars)
        self.unassigned_list = QListWidget(self)
        self.unassigned_list.setObjectName("unassignedList")
        self.unassigned_box = QGroupBox("Unassigned", self)
        QVBoxLayout(self.unassigned_box).addWidget(self.unassigned_list)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(reps_box)
        ll.addWidget(bars_box)
        ll.addWidget(self.unassigned_box, 1)

        self.rep_filter = QComboBox(self)
        self.rep_filter.setObjectName("repFilter")
        self.rep_filter.currentTextChanged.connect(self._apply_filter)
        self.targets = TableView("rep_targets", noun="targets",
                                 default_columns=[c for c in TARGET_COLUMNS
                                                  if c not in ("city", "region",
                                                               "account_owner")],
                                 settings=self.ctx.settings, parent=self)
        self.targets.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.targets.view.customContextMenuRequested.connect(self._context_menu)
        self.targets.view.setDragEnabled(True)
        self._drag = _DragStarter(self.targets)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show targets of", self))
        top.addWidget(self.rep_filter)
        hint = QLabel("Right-click to reassign, or drag rows onto a rep", self)
        hint.setEnabled(False)
        top.addWidget(hint, 1, Qt.AlignmentFlag.AlignRight)
        rl.addLayout(top)
        rl.addWidget(self.targets, 1)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        split.setSizes([self.fontMetrics().horizontalAdvance("x") * 64, 800])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        """Read reps, targets and loads again (on a worker)."""
        if (self._loading is not None and not self._loading.done) or \
                (self.data is not None and not self.isVisible()):
            self._stale = True  # read when the load finishes or the page is shown
            return
        self._stale = False
        event = self.ctx.current_event
        self._loading = self.ctx.run(lambda p, _p, _c: load_reps_data(p, event),
                                     title="Reading reps and targets",
                                     on_success=self._loaded, show_progress=False)

    def _loaded(self, data: RepsData) -> None:
        self.data = data
        self.reps_model.set_table(ColumnTable(data.reps, labels=REP_LABELS), keep_view=False)
        hh = self.reps_view.horizontalHeader()
        hh.resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        widest = self.fontMetrics().horizontalAdvance("x") * 24
        for c in range(self.reps_model.columnCount()):
            self.reps_view.setColumnWidth(c, min(widest, self.reps_view.columnWidth(c)))
        rows = max(3, len(data.reps))
        self.reps_view.setFixedHeight(hh.height() + rows * self.reps_view.verticalHeader()
                                      .defaultSectionSize() + 2 * self.reps_view.frameWidth()
                                      + self.reps_view.horizontalScrollBar().sizeHint().height())
        self.bars.set_reps(data.summary)
        names = [str(n) for n in data.reps["name"].tolist()]
        current = self.rep_filter.currentText() or ALL_REPS
        self.rep_filter.blockSignals(True)
        self.rep_filter.clear()
        self.rep_filter.addItems([ALL_REPS, *names, UNASSIGNED])
        i = self.rep_filter.findText(current)
        self.rep_filter.setCurrentIndex(max(0, i))
        self.rep_filter.blockSignals(False)
        n, unassigned = len(data.targets), int(data.targets["rep"].isna().sum()) \
            if "rep" in data.targets else 0
        if self.last_assignment is None:
            self.summary_label.setText(
                f"{n:,} targets, {unassigned:,} without a rep" if n else
                "No targets yet: save segments, then Build lists")
            self._show_unassigned([])
        self._apply_filter()
        self.loaded.emit()
        if self._stale:
            self.reload()

    def _apply_filter(self, *_args: Any) -> None:
        data, rep = self.data, self.rep_filter.currentText() or ALL_REPS
        if data is None:
            return
        self._filter_seq += 1
        seq = self._filter_seq

        def show(table: Any) -> None:  # only the newest filter's rows: runs may finish late
            if seq == self._filter_seq:
                self.targets.set_table(table)
        self._filtering = run_op(lambda _p, _c: rep_subset(data, rep), on_success=show,
                                 parent=self, title="Filtering targets")

    def _data_changed(self, tables: frozenset[str]) -> None:
        if tables & READS:
            self.reload()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            QTimer.singleShot(0, self.reload)

    # -- actions -------------------------------------------------------------------------
    def build_lists(self) -> None:
        """Create targets from the event's saved segments."""
        ev = self.ctx.current_event
        if ev is None:
            return
        name = ev["name"]
        self.ctx.run(lambda p, _p, _c: lists.build_targets(p, event=name),
                     title="Building target lists", writes={"targets"},
                     on_success=lambda r: self.ctx.status(
                         f"{r['new_targets']:,} new targets; {r['targets']:,} in all"))

    def run_assignment(self) -> None:
        """Assign the event's targets to reps (``assign_event``) and show the result."""
        ev = self.ctx.current_event
        if ev is None:
            return
        name = ev["name"]
        self.ctx.run(lambda p, _p, _c: outreach.assign_event(p, event=name),
                     title="Assigning targets to reps", writes={"targets"},
                     on_success=self._assigned)

    def _assigned(self, result: dict[str, Any]) -> None:
        self.last_assignment = result
        self.bars.set_reps(result["reps"])
        over = [r["name"] for r in result["reps"] if r.get("over_capacity")]
        text = (f"Assigned {result['assigned']:,} of {result['targets']:,} targets "
                f"({result['changed']:,} changed)")
        if result["unassigned"]:
            text += f"; {len(result['unassigned']):,} could not be assigned"
        if over:
            text += f"; over capacity: {', '.join(over)}"
        self.summary_label.setText(text)
        self._show_unassigned(result["unassigned"])
        self.ctx.status(text)

    def _show_unassigned(self, rows: list[dict[str, Any]]) -> None:
        self.unassigned_list.clear()
        for r in rows[:5000]:
            self.unassigned_list.addItem(f"{r['target_id']}: {r['reason']}")
        if not rows and self.last_assignment is not None:
            self.unassigned_list.addItem("Every target has a rep.")
        self.unassigned_box.setTitle(f"Unassigned ({len(rows):,})" if rows else
                                     "Unassigned (none)")

    def reassign(self, target_ids: list[Any], rep: str | None) -> None:
        """Give ``target_ids`` to ``rep`` (None: no rep) as one undoable step."""
        if target_ids:
            self.ctx.undo_stack.push(ReassignCommand(self.ctx, list(target_ids), rep))

    def show_rep(self, rep: str) -> None:
        """Show the targets of ``rep``."""
        i = self.rep_filter.findText(rep)
        if i >= 0:
            self.rep_filter.setCurrentIndex(i)

    def _rep_row_clicked(self, index: Any) -> None:
        name = self.reps_model.row_dict(index.row()).get("name")
        if name:
            self.show_rep(str(name))

    def target_menu(self, ids: list[Any] | None = None) -> QMenu:
        """The context menu for the selected targets: Assign to ▸ rep, Unassign."""
        ids = list(self.targets.selected_ids() if ids is None else ids)
        menu = QMenu(self)
        sub = menu.addMenu("Assign to")
        sub.setObjectName("assignToMenu")
        loads = {r["name"]: r for r in (self.data.summary if self.data else [])}
        for name in (self.data.reps["name"].tolist() if self.data is not None else []):
            r = loads.get(name, {})
            label = f"{name}  ({r.get('assigned', 0):,} / {r.get('capacity', 0):,})" \
                if r else str(name)
            action = sub.addAction(label)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.reassign(ids, n))
        menu.addSeparator()
        unassign = menu.addAction("Unassign")
        unassign.triggered.connect(lambda: self.reassign(ids, None))
        for a in (sub.menuAction(), unassign):
            a.setEnabled(bool(ids))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.target_menu()
        menu.exec(self.targets.view.viewport().mapToGlobal(pos))

    def focus_filter(self) -> None:
        """Ctrl+F: the targets' quick filter."""
        self.targets.focus_filter()


def make_page(ctx: PageContext) -> QWidget:
    """Reps & assignment."""
    return RepsPage(ctx)
