"""The Segments page: saved segments, the rule builder, the live count, suppressions.

The people frame and a :class:`~gtmplanner.core.segments.SegmentContext` over it
are read once on a worker (:func:`load_segment_data`). After that every edit of
the rule (in the builder or in the text box) is re-counted after a 100 ms pause
through :func:`count_segment`, the same ``lists.evaluate_segment`` that
``save_segment`` uses, so the number shown is the number saved. A count runs on
the GUI thread only when the last one took under 20 ms and every field of the
rule was already prepared; otherwise it runs on a worker (one at a time, the
newest rule wins).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import lists, segments
from gtmplanner.core.analysis import field_types, people_frame
from gtmplanner.core.errors import GtmError
from gtmplanner.core.segment_syntax import SegmentSyntaxError, parse_expression, to_text, validate
from gtmplanner.core.store import Project
from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.table_view import TableView
from gtmplanner.ui.widgets.rule_builder import RuleBuilder
from gtmplanner.ui.workers import OpHandle, run_op

COUNT_DEBOUNCE_MS = 100
TEXT_DEBOUNCE_MS = 250
GUI_COUNT_MS = 20.0  # counts faster than this may run on the GUI thread
PREVIEW_ROWS = 200
TOP_VALUES = 25
PREVIEW_COLUMNS = ["full_name", "title", "company", "tier", "score", "mql_status", "city", "region",
                   "country", "distance_mi", "account_name", "email"]
FRAME_TABLES = frozenset({"people", "accounts", "opportunities", "activities", "events",
                          "targets"})
SUPPRESSION_TIPS = {
    "opted_out": "People who opted out are never on an outreach list; this cannot be turned off.",
    "competitors": "People whose company or e-mail domain is a competitor's",
    "customers": "People at accounts that are already customers",
    "open_deal_other_rep": "People at an account with an open deal owned by another rep",
    "recently_contacted": "People a rep touched in the last days (project setting)",
    "higher_priority": "People already on a segment with a higher priority (a lower number)",
}


@dataclass
class SegmentData:
    """Everything a live count needs, read once on a worker."""

    event: dict[str, Any]
    frame: pd.DataFrame
    context: segments.SegmentContext
    types: dict[str, str]
    settings: dict[str, Any]
    saved: list[dict[str, Any]]  # segment rows + count/matched (one person, one list)
    ids: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)  # name -> (prio, ids)
    warm: set[str] = field(default_factory=set)  # fields the context has prepared


def saved_segments(project: Project, data: SegmentData) -> None:
    """Fill ``data.saved`` and ``data.ids`` from the saved segments (worker thread)."""
    rows = lists.segment_rows(project, data.event["id"])
    counts: dict[str, lists.SegmentResult] = {}
    if rows:
        try:
            counts = {r["name"]: res for r, res in
                      lists.resolve_segments(project, data.event, data.frame)}
        except GtmError:
            counts = {}
    ctx = segments.SegmentContext(data.frame, resolve_place=lists.place_latlon)
    data.ids = {}
    for r in rows:
        supp = [s for s in json.loads(r["suppress"] or "[]") if s != "higher_priority"]
        try:
            res = lists.evaluate_segment(data.frame, ctx, r["name"], r["expression"], supp,
                                         settings=data.settings)
            data.ids[r["name"]] = (int(r["priority"] or 1000), res.person_ids)
        except GtmError:
            pass
        got = counts.get(r["name"])
        r["count"] = got.count if got else None
        r["matched"] = got.matched if got else None
    data.saved = rows


def load_segment_data(project: Project, event: dict[str, Any]) -> SegmentData:
    """Read the people frame, prepare a context and count the saved segments (worker)."""
    frame = people_frame(project, event=event)
    ctx = segments.SegmentContext(frame, resolve_place=lists.place_latlon)
    data = SegmentData(event, frame, ctx, field_types(frame), lists._settings(project), [])
    saved_segments(project, data)
    lists.evaluate_segment(frame, ctx, "", lists.ALL_REACHABLE_EXPR, list(lists.SUPPRESSIONS),
                           settings=data.settings)  # prepares the suppression columns
    data.warm.add("email")
    return data


@dataclass
class LiveCount:
    """One count: the result, how long it took, the first matching people."""

    result: lists.SegmentResult
    elapsed_ms: float
    preview: ColumnTable
    fields: set[str]


def rule_fields(tree: Any) -> set[str]:
    """Every field a tree reads."""
    if not isinstance(tree, dict):
        return set()
    if tree.get("op") in ("and", "or"):
        return set().union(*(rule_fields(r) for r in tree.get("rules") or []))
    if tree.get("op") == "not":
        return rule_fields(tree.get("rule"))
    return {"latitude"} if tree.get("cmp") == "within" else {str(tree.get("field"))}


def count_segment(data: SegmentData, tree: dict[str, Any], suppress: list[str], *,
                  name: str, priority: int) -> LiveCount:
    """Count ``tree`` with ``suppress`` exactly as ``save_segment`` would (any thread)."""
    t0 = time.perf_counter()
    higher: set[int] = set()
    if "higher_priority" in suppress:
        for other, (prio, ids) in data.ids.items():
            if other != name and prio < priority:
                higher.update(int(i) for i in ids)
    result = lists.evaluate_segment(data.frame, data.context, name, to_text(tree),
                                    lists.parse_suppress(suppress), settings=data.settings,
                                    higher_ids=higher)
    cols = [c for c in PREVIEW_COLUMNS if c in data.frame.columns]
    preview = ColumnTable(data.frame.loc[result.person_ids[:PREVIEW_ROWS], cols])
    elapsed = (time.perf_counter() - t0) * 1000
    return LiveCount(result, elapsed, preview, rule_fields(tree))


def top_values(frame: pd.DataFrame, column: str, kind: str) -> list[tuple[str, int]]:
    """The most common values of a text or list column, with their counts (worker)."""
    s = frame[column].dropna().astype(str).str.strip()
    if kind == "list":
        s = s.str.split(";").explode().str.strip()
    s = s[s != ""]
    return [(str(k), int(v)) for k, v in s.value_counts().head(TOP_VALUES).items()]


class DeleteSegmentCommand(QUndoCommand):
    """Delete a saved segment; undo puts the same row back (through the writer thread)."""

    def __init__(self, ctx: PageContext, event: str, name: str) -> None:
        super().__init__(f"Delete segment '{name}'")
        self.ctx = ctx
        self.event = event
        self.name = name
        self.saved: dict[str, Any] | None = None

    def redo(self) -> None:
        def op(project: Project, _p: Any, _c: Any) -> dict[str, Any]:
            self.saved = lists.delete_segment(project, self.name, event=self.event)
            return self.saved
        self.ctx.run(op, title=self.text(), writes={"segments"}, show_progress=False,
                     on_success=lambda _r: self.ctx.status(f"Deleted segment '{self.name}' "
                                                           "(Ctrl+Z brings it back)"))

    def undo(self) -> None:
        def op(project: Project, _p: Any, _c: Any) -> None:
            if self.saved is not None:
                lists.restore_segment(project, self.saved)
        self.ctx.run(op, title=f"Undo: {self.text()}", writes={"segments"},
                     show_progress=False,
                     on_success=lambda _r: self.ctx.status(f"Restored segment '{self.name}'"))


class SegmentsPage(QWidget):
    """Build, count and save the event's segments."""

    loaded = Signal()
    counted = Signal(object)  # LiveCount

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_segments")
        self.ctx = ctx
        self.data: SegmentData | None = None
        self.last: LiveCount | None = None
        self.tree: dict[str, Any] = {"op": "and", "rules": []}
        self._loading: OpHandle | None = None
        self._counting: OpHandle | None = None
        self._recount = False
        self._stale = ""  # "" | "segments" | "all"
        self._fast = False
        self._syncing = False
        self._types: dict[str, str] | None = None
        self._build()
        ctx.data_changed.connect(self._data_changed)
        ctx.event_changed.connect(lambda: self.reload("all"))
        self.reload("all")

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.saved_list = QTreeWidget(self)
        self.saved_list.setObjectName("savedSegments")
        self.saved_list.setHeaderLabels(["#", "Segment", "People"])
        self.saved_list.setRootIsDecorated(False)
        self.saved_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.saved_list.setToolTip("Saved segments in priority order: a person is on the "
                                   "first list that takes them")
        self.saved_list.itemClicked.connect(lambda item, _c: self.open_segment(
            item.data(0, Qt.ItemDataRole.UserRole)))
        self.new_button = QPushButton("New", self)
        self.new_button.setToolTip("Start a new segment")
        self.new_button.clicked.connect(self.new_segment)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setToolTip("Delete the selected segment (Ctrl+Z undoes)")
        self.delete_button.clicked.connect(self.delete_selected)
        delete_key = QShortcut(QKeySequence.StandardKey.Delete, self.saved_list)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)
        left = _panel(_heading("Saved segments"), (self.saved_list, 1),
                      _row(self.new_button, self.delete_button))

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("segmentName")
        self.name_edit.setPlaceholderText("Segment name, e.g. Tier A near Boston")
        self.priority_spin = QSpinBox(self)
        self.priority_spin.setObjectName("segmentPriority")
        self.priority_spin.setRange(1, 999)
        self.priority_spin.setValue(10)
        self.priority_spin.setToolTip("Lower numbers come first: a person on two segments "
                                      "is a target of the one with the lower number")
        self.save_button = QPushButton("Save segment", self)
        self.save_button.setObjectName("saveSegment")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        head = _row(QLabel("Name", self), (self.name_edit, 1), QLabel("Priority", self),
                    self.priority_spin, self.save_button)

        self.builder = RuleBuilder(self)
        self.builder.changed.connect(self._builder_changed)
        self.builder.suggestions_wanted.connect(self._load_suggestions)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.builder)
        scroll.setMinimumHeight(self.fontMetrics().height() * 8)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("segmentText")
        self.text_edit.setPlaceholderText('Or type the rule: tier in (A, B) and distance_mi <= 60'
                                          ' and not opted_out')
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text_edit.setFont(mono)
        self.text_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.text_edit.textChanged.connect(self._text_changed)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("syntaxError")
        self.error_label.setFont(mono)
        self.error_label.setStyleSheet("color: #d9534f;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setWordWrap(False)
        self.error_label.hide()
        rules = _panel((scroll, 1), QLabel("As text (edit either side):", self), self.text_edit,
                       self.error_label, title="Rules")

        self.count_label = QLabel("…", self)
        self.count_label.setObjectName("liveCount")
        big = self.count_label.font()
        big.setPointSizeF(big.pointSizeF() * 2)
        big.setBold(True)
        self.count_label.setFont(big)
        self.matched_label = QLabel(self)
        self.matched_label.setObjectName("matchedCount")
        self.matched_label.setWordWrap(True)
        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        self.suppress_boxes: dict[str, QCheckBox] = {}
        self.removed_labels: dict[str, QLabel] = {}
        labels = {s.key: s.label for s in segments.default_suppressions()}
        for i, key in enumerate(lists.SUPPRESSIONS):
            box = QCheckBox(labels.get(key, key).replace(" (always applied)", ""), self)
            box.setObjectName(f"suppress_{key}")
            box.setChecked(key in lists.DEFAULT_SUPPRESS)
            box.setToolTip(SUPPRESSION_TIPS.get(key, ""))
            if key == "opted_out":
                box.setChecked(True)
                box.setEnabled(False)
            box.toggled.connect(self._schedule_count)
            removed = QLabel("", self)
            removed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            removed.setToolTip(f"People this removed from the segment ({box.text().lower()})")
            grid.addWidget(box, i, 0)
            grid.addWidget(removed, i, 1)
            self.suppress_boxes[key] = box
            self.removed_labels[key] = removed
        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("ruleProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #d9534f;")
        self.problems_label.hide()
        count_box = _panel(self.count_label, self.matched_label, _heading("Leave out"), grid,
                           self.problems_label, (QWidget(self), 1), title="Live count")
        count_box.setObjectName("countBox")
        count_box.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 48)

        self.preview = TableView("segment_preview", noun="people shown",
                                 default_columns=PREVIEW_COLUMNS, settings=self.ctx.settings,
                                 parent=self)
        preview_box = _panel(self.preview, title=f"First {PREVIEW_ROWS} people on the list")
        editor_row = _split(Qt.Orientation.Horizontal, (rules, 3), (count_box, 1))
        right = _panel(head, (_split(Qt.Orientation.Vertical, (editor_row, 3),
                                     (preview_box, 2)), 1))
        split = _split(Qt.Orientation.Horizontal, (left, 0), (right, 1))
        split.setSizes([self.fontMetrics().horizontalAdvance("x") * 34, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)

        self._count_timer = _timer(self, COUNT_DEBOUNCE_MS, self.count_now)
        self._text_timer = _timer(self, TEXT_DEBOUNCE_MS, self.apply_text)
        self.name_edit.textChanged.connect(self._update_buttons)
        self.priority_spin.valueChanged.connect(self._schedule_count)
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------
    def reload(self, what: str = "all") -> None:
        """Read the people frame (``"all"``) or only the saved segments again, on a worker."""
        if what == "all" or self._stale == "all":
            self._stale = "all"
        elif not self._stale:
            self._stale = "segments"
        if self._loading is not None and not self._loading.done:
            return
        if not self.isVisible() and self.data is not None:
            return  # done when the page is shown again
        event = self.ctx.current_event
        if event is None:
            self.count_label.setText("No event")
            self.matched_label.setText("Import a roster with an event to build segments.")
            return
        full, data = self._stale == "all" or self.data is None, self.data
        self._stale = ""
        self.count_label.setText("…")

        def op(project: Project, _p: Any, _c: Any) -> SegmentData:
            if full or data is None:
                return load_segment_data(project, event)
            fresh = SegmentData(data.event, data.frame, data.context, data.types,
                                data.settings, [], warm=data.warm)
            saved_segments(project, fresh)
            return fresh
        self._loading = self.ctx.run(op, title="Reading people for segments",
                                     on_success=self._loaded, show_progress=False)

    def _loaded(self, data: SegmentData) -> None:
        first = self.data is None
        self.data = data
        self._fast = self._fast and not first
        if first or data.types != self._types:
            self._types = data.types
            self.builder.set_fields(data.types)
        self._show_saved()
        if first and data.saved:
            self.open_segment(data.saved[0]["name"])
        elif first:
            self.new_segment()
        else:
            self._schedule_count()
        self._update_buttons()
        self.loaded.emit()
        if self._stale:
            self.reload(self._stale)

    def _data_changed(self, tables: frozenset[str]) -> None:
        if tables & FRAME_TABLES:
            self.reload("all")
        elif "segments" in tables:
            self.reload("segments")

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            QTimer.singleShot(0, lambda: self.reload(self._stale or "segments"))

    def _show_saved(self) -> None:
        assert self.data is not None
        current = self.name_edit.text().strip()
        self.saved_list.clear()
        for r in self.data.saved:
            n = r.get("count")
            item = QTreeWidgetItem([str(r["priority"] or ""), r["name"],
                                    "?" if n is None else f"{n:,}"])
            item.setData(0, Qt.ItemDataRole.UserRole, r["name"])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(1, r["expression"] or "everyone")
            item.setToolTip(2, f"{n:,} people after suppressions and higher-priority lists"
                            if n is not None else "this rule cannot be counted")
            self.saved_list.addTopLevelItem(item)
            if r["name"] == current:
                item.setSelected(True)
        for c in range(3):
            self.saved_list.resizeColumnToContents(c)

    # -- editing -------------------------------------------------------------------------
    def new_segment(self) -> None:
        """An empty rule with the default suppressions and the next priority."""
        n = len(self.data.saved) if self.data else 0
        self.name_edit.clear()
        self.priority_spin.setValue(10 * (n + 1))
        for key, box in self.suppress_boxes.items():
            box.setChecked(key in lists.DEFAULT_SUPPRESS or key == "opted_out")
        self.saved_list.clearSelection()
        self.set_rule("")

    def open_segment(self, name: str) -> None:
        """Show a saved segment in the editor."""
        row = next((r for r in (self.data.saved if self.data else []) if r["name"] == name),
                   None)
        if row is None:
            return
        self.name_edit.setText(row["name"])
        self.priority_spin.setValue(int(row["priority"] or 10))
        supp = set(json.loads(row["suppress"] or "[]")) | {"opted_out"}
        for key, box in self.suppress_boxes.items():
            box.setChecked(key in supp)
        self.set_rule(row["expression"] or "")
        for i in range(self.saved_list.topLevelItemCount()):
            item = self.saved_list.topLevelItem(i)
            item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == name)

    def set_rule(self, text: str) -> None:
        """Show rule ``text`` in the text box and the builder, and count it."""
        self._syncing = True
        self.text_edit.setPlainText(text)
        self._syncing = False
        self._text_timer.stop()
        self.apply_text()

    def _builder_changed(self) -> None:
        self.tree = self.builder.tree()
        try:
            text = to_text(self.tree)
        except GtmError as exc:
            self._show_problems([str(exc)])
            return
        self._syncing = True
        self.text_edit.setPlainText(text)
        self._syncing = False
        self.error_label.hide()
        self._schedule_count()

    def _text_changed(self) -> None:
        if not self._syncing:
            self._text_timer.start()

    def apply_text(self) -> bool:
        """Read the text box: show the rule in the builder, or the syntax error under it."""
        text = self.text_edit.toPlainText()
        try:
            tree = parse_expression(text)
        except SegmentSyntaxError as exc:
            self.error_label.setText(f"{exc.pointer()}\ncolumn {exc.position + 1}: "
                                     f"{exc.message}")
            self.error_label.show()
            self.count_label.setText("—")
            self.matched_label.setText("Fix the rule to see the count.")
            return False
        except GtmError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return False
        self.error_label.hide()
        self.tree = tree
        self.builder.set_tree(tree)
        self._schedule_count()
        return True

    def suppress(self) -> list[str]:
        """The checked suppressions (opted out always)."""
        return [k for k, box in self.suppress_boxes.items() if box.isChecked()]

    # -- counting ------------------------------------------------------------------------
    def _schedule_count(self) -> None:
        self._count_timer.start()

    def count_now(self) -> None:
        """Count the current rule (GUI thread when known to be quick, else a worker)."""
        self._count_timer.stop()
        data = self.data
        if data is None:
            return
        problems = validate(self.tree, data.types)
        if problems:
            self._show_problems(problems)
            return
        if self._counting is not None and not self._counting.done:
            self._recount = True
            return
        tree, supp = self.tree, self.suppress()
        name, prio = self.name_edit.text().strip(), self.priority_spin.value()
        if self._fast and rule_fields(tree) <= data.warm:
            try:
                self._counted(count_segment(data, tree, supp, name=name, priority=prio))
            except Exception as exc:  # noqa: BLE001 - shown as the rule's problem, never raised
                self._show_problems([str(exc) if isinstance(exc, GtmError)
                                     else f"{type(exc).__name__}: {exc}"])
            return
        self._counting = run_op(
            lambda _p, _c: count_segment(data, tree, supp, name=name, priority=prio),
            on_success=self._counted, on_failure=self._count_failed, parent=self,
            title="Counting")
        self._counting.finished.connect(self._count_finished)

    def _count_finished(self) -> None:
        if self._recount:
            self._recount = False
            self._schedule_count()

    def _counted(self, live: LiveCount) -> None:
        if self.data is not None:
            self.data.warm |= live.fields
        self._fast = live.elapsed_ms < GUI_COUNT_MS
        self.last = live
        r = live.result
        self.problems_label.hide()
        self.count_label.setText(f"{r.count:,} people")
        total = sum(r.removed.values())
        self.matched_label.setText(f"{r.matched:,} match the rules; {total:,} left out below")
        for key, lab in self.removed_labels.items():
            n = r.removed.get(key)
            lab.setText("" if n is None else (f"<b>−{n:,}</b>" if n else "none"))
            lab.setEnabled(bool(n))
        self.preview.set_table(live.preview)
        self.ctx.status(f"{r.count:,} people in this segment (counted in "
                        f"{live.elapsed_ms:.0f} ms)")
        self.counted.emit(live)

    def _count_failed(self, exc: BaseException, _details: str) -> None:
        self._show_problems([str(exc)])

    def _show_problems(self, problems: list[str]) -> None:
        self.count_label.setText("—")
        self.matched_label.setText("Fix the rule to see the count.")
        self.problems_label.setText("\n".join(f"• {p}" for p in problems[:5]))
        self.problems_label.show()

    def _load_suggestions(self, column: str) -> None:
        data = self.data
        if data is None or column not in data.frame.columns:
            return
        kind = data.types.get(column, "text")
        run_op(lambda _p, _c: top_values(data.frame, column, kind),
               on_success=lambda vals: self.builder.set_suggestions(column, vals),
               parent=self, title="Top values")

    # -- save / delete ---------------------------------------------------------------------
    def _update_buttons(self) -> None:
        ready = self.data is not None
        self.save_button.setEnabled(ready and bool(self.name_edit.text().strip()))
        self.delete_button.setEnabled(ready and bool(self.data and self.data.saved))

    def save(self) -> None:
        """Save the segment (name, rule, suppressions, priority) for the event."""
        data = self.data
        name = self.name_edit.text().strip()
        if data is None or not name:
            return
        try:
            text = to_text(self.tree)
        except GtmError as exc:
            self.ctx.show_error(exc)
            return
        supp, prio, event = self.suppress(), self.priority_spin.value(), data.event["name"]
        self.ctx.run(lambda p, _p, _c: lists.save_segment(p, name, text, event=event,
                                                         suppress=supp, priority=prio),
                     title=f"Saving segment '{name}'", writes={"segments"},
                     on_success=lambda r: self.ctx.status(
                         f"Saved '{name}': {r['count']:,} people ({r['matched']:,} match)"))

    def delete_selected(self) -> None:
        """Delete the selected saved segment (undoable)."""
        items = self.saved_list.selectedItems()
        name = items[0].data(0, Qt.ItemDataRole.UserRole) if items else \
            self.name_edit.text().strip()
        if self.data is None or not any(r["name"] == name for r in self.data.saved):
            return
        self.ctx.undo_stack.push(DeleteSegmentCommand(self.ctx, self.data.event["name"], name))

    # -- page hooks ----------------------------------------------------------------------
    def focus_filter(self) -> None:
        """Ctrl+F: the preview's quick filter."""
        self.preview.focus_filter()

    def busy(self) -> bool:
        """True when the named segment in the editor differs from what is saved."""
        name = self.name_edit.text().strip()
        if not name or self.data is None:
            return False
        row = next((r for r in self.data.saved if r["name"] == name), None)
        if row is None:
            return bool(self.tree.get("rules") or self.tree.get("op") not in ("and", "or"))
        try:
            text = to_text(self.tree)
        except GtmError:
            return True
        saved_supp = set(json.loads(row["suppress"] or "[]")) | {"opted_out"}
        return (text != (row["expression"] or "") or self.priority_spin.value() !=
                int(row["priority"] or 0) or set(self.suppress()) != saved_supp)


def _heading(text: str) -> QLabel:
    return QLabel(f"<b>{text}</b>")


Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


def _fill(layout: QBoxLayout, items: tuple[Item, ...]) -> QBoxLayout:
    for item in items:
        thing, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(thing, QLayout):
            layout.addLayout(thing, stretch)
        else:
            layout.addWidget(thing, stretch)
    return layout


def _row(*items: Item) -> QBoxLayout:
    """A horizontal layout of widgets/layouts ((item, stretch) for a stretch)."""
    return _fill(QHBoxLayout(), items)


def _panel(*items: Item, title: str = "") -> QWidget:
    """A column of items, in a titled group box when ``title`` is given."""
    box = QGroupBox(title) if title else QWidget()
    layout = _fill(QVBoxLayout(box), items)
    if not title:
        layout.setContentsMargins(0, 0, 0, 0)
    return box


def _split(orientation: Qt.Orientation, *parts: tuple[QWidget, int]) -> QSplitter:
    split = QSplitter(orientation)
    for i, (widget, stretch) in enumerate(parts):
        split.addWidget(widget)
        split.setStretchFactor(i, stretch)
    split.setChildrenCollapsible(False)
    return split


def _timer(parent: QWidget, ms: int, slot: Any) -> QTimer:
    t = QTimer(parent)
    t.setSingleShot(True)
    t.setInterval(ms)
    t.timeout.connect(slot)
    return t


def make_page(ctx: PageContext) -> QWidget:
    """Segments: rules, live counts and suppressions."""
    return SegmentsPage(ctx)
