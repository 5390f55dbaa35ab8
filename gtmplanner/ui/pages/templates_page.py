"""The Templates page: message templates with a merge-field picker and a live preview.

The templates come from ``outreach.project_templates`` (the shipped defaults
until the user saves one). The editor shows a template's subject and body;
double-clicking a merge field inserts ``{{ field | default("…") }}`` at the
cursor with the fallback selected. Every edit re-renders the preview for the
chosen target after a short pause (``templates.preview`` and
``templates.validate_template`` on a worker) and lists what is missing for that
target and what the template check found, with line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import outreach
from gtmplanner.core import templates as tmpl
from gtmplanner.core.analysis import people_frame
from gtmplanner.core.errors import GtmError
from gtmplanner.core.store import Project
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.workers import OpHandle, run_op

PREVIEW_DEBOUNCE_MS = 150
MAX_CHOICES = 2000
FALLBACK = "…"
PLAY_LABELS = {p: p.replace("_", " ").capitalize() for p in tmpl.PLAYS}
CHOICE_COLUMNS = ["target_key", "rep", "full_name", "company", "score", "account_owner"]
WARN = "#d9534f"


@dataclass
class PreviewData:
    """Who a preview can be rendered for (read on a worker)."""

    event: dict[str, Any] | None
    rows: list[dict[str, Any]]  # flat rows: the columns build_context reads
    reps: dict[str, dict[str, Any]] = field(default_factory=dict)
    kind: str = "targets"  # or "people" before any list is built


def load_preview_data(project: Project, event: dict[str, Any] | None) -> PreviewData:
    """The event's targets (best first), or people when there are none yet (worker)."""
    reps = {r.name: {"name": r.name, "email": r.email, "first_name": r.name.split()[0]}
            for r in outreach.reps_list(project)} if project.count("reps") else {}
    cols = list(dict.fromkeys([*CHOICE_COLUMNS, *tmpl.context_columns()]))
    kind = "targets"
    frame = outreach.event_targets(project, event) if event is not None else None
    if frame is None or not len(frame):
        kind = "people"
        frame = people_frame(project, event=event)
    if "score" in frame:
        frame = frame.sort_values("score", ascending=False, na_position="last")
    frame = frame.head(MAX_CHOICES)
    frame = frame[[c for c in cols if c in frame.columns]].astype(object)
    rows = frame.where(frame.notna(), None).to_dict("records")
    return PreviewData(event, rows, reps, kind)


@dataclass
class Rendered:
    """A preview and the problems found."""

    subject: str
    body: str
    missing: list[str]
    problems: list[str]
    error: str = ""


def render_preview(t: tmpl.MessageTemplate, row: dict[str, Any] | None, data: PreviewData
                   ) -> Rendered:
    """Render ``t`` for one row and check the template (any thread)."""
    problems = tmpl.validate_template(t.subject, t.body)
    row = row or {}
    ctx = tmpl.build_context(row, event=data.event, rep=data.reps.get(row.get("rep") or ""))
    try:
        subject, body, missing = tmpl.preview(t, ctx)
    except GtmError as exc:
        return Rendered("", "", [], problems, str(exc))
    return Rendered(subject, body, missing, problems)


class TemplatesPage(QWidget):
    """Edit message templates and see them rendered for a real target."""

    loaded = Signal()
    previewed = Signal(object)  # Rendered

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_templates")
        self.ctx = ctx
        self.templates: list[tmpl.MessageTemplate] = []
        self.drafts: dict[str, tmpl.MessageTemplate] = {}
        self.current: str | None = None
        self.preview_data: PreviewData | None = None
        self.last_render: Rendered | None = None
        self.last_run: dict[str, Any] | None = None
        self._rendering: OpHandle | None = None
        self._again = False
        self._loading = False
        self._last_editor: QWidget | None = None
        self._targets_stale = False
        self._build()
        ctx.data_changed.connect(self._data_changed)
        ctx.event_changed.connect(self.load_targets)
        self.load_templates()
        self.load_targets()

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.template_tree = QTreeWidget(self)
        self.template_tree.setObjectName("templateList")
        self.template_tree.setHeaderHidden(True)
        self.template_tree.itemClicked.connect(self._tree_clicked)
        self.fields_filter = QLineEdit(self)
        self.fields_filter.setPlaceholderText("Filter merge fields…")
        self.fields_filter.setClearButtonEnabled(True)
        self.fields_filter.textChanged.connect(self._filter_fields)
        self.fields_list = QTreeWidget(self)
        self.fields_list.setObjectName("mergeFields")
        self.fields_list.setHeaderLabels(["Field", "What it is"])
        self.fields_list.setRootIsDecorated(False)
        self.fields_list.setToolTip("Double-click to insert at the cursor, with a fallback")
        for path, desc in tmpl.merge_fields().items():
            item = QTreeWidgetItem([path, desc])
            item.setToolTip(0, desc)
            item.setToolTip(1, desc)
            item.setData(0, Qt.ItemDataRole.UserRole, path)
            if "internal" in desc:
                for c in (0, 1):
                    item.setForeground(c, Qt.GlobalColor.gray)
            self.fields_list.addTopLevelItem(item)
        self.fields_list.resizeColumnToContents(0)
        self.fields_list.itemDoubleClicked.connect(
            lambda item, _c: self.insert_field(item.data(0, Qt.ItemDataRole.UserRole)))
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(_boxed("Templates", self.template_tree))
        left.addWidget(_boxed("Merge fields (double-click)", self.fields_filter,
                              self.fields_list))
        left.setChildrenCollapsible(False)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("templateName")
        self.name_edit.setToolTip("Save under a new name to make a new template")
        self.play_combo = QComboBox(self)
        for p in tmpl.PLAYS:
            self.play_combo.addItem(PLAY_LABELS[p], p)
        self.variant_combo = QComboBox(self)
        self.variant_combo.addItems(list(tmpl.VARIANTS))
        self.variant_combo.setToolTip("executive or practitioner: picked from the person's "
                                      "seniority; any: everyone")
        self.subject_edit = QLineEdit(self)
        self.subject_edit.setObjectName("subjectEdit")
        self.subject_edit.setFont(mono)
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setObjectName("bodyEdit")
        self.body_edit.setFont(mono)
        self.body_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.save_button = QPushButton("Save template", self)
        self.save_button.setObjectName("saveTemplate")
        self.save_button.clicked.connect(self.save)
        self.write_button = QPushButton("Write messages for all targets", self)
        self.write_button.setObjectName("writeMessages")
        self.write_button.setToolTip("Render every target's subject and body with its play's "
                                     "template and count missing values")
        self.write_button.clicked.connect(self.write_messages)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.play_combo, 1)
        row.addWidget(QLabel("Variant", self))
        row.addWidget(self.variant_combo)
        form.addRow("Name", self.name_edit)
        form.addRow("Play", row)
        form.addRow("Subject", self.subject_edit)
        editor = QWidget(self)
        el = QVBoxLayout(editor)
        el.setContentsMargins(0, 0, 0, 0)
        el.addLayout(form)
        el.addWidget(self.body_edit, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.write_button)
        el.addLayout(buttons)

        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("previewTarget")
        self.target_combo.setEditable(True)
        self.target_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target_combo.setMaxVisibleItems(20)
        self.target_combo.currentIndexChanged.connect(self._schedule_preview)
        self.subject_view = QLabel(self)
        self.subject_view.setObjectName("previewSubject")
        self.subject_view.setWordWrap(True)
        self.subject_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body_view = QPlainTextEdit(self)
        self.body_view.setObjectName("previewBody")
        self.body_view.setReadOnly(True)
        self.warnings = QListWidget(self)
        self.warnings.setObjectName("templateWarnings")
        self.warnings.setWordWrap(True)
        self.run_label = QLabel(self)
        self.run_label.setObjectName("writeResult")
        self.run_label.setWordWrap(True)
        self.run_label.hide()
        pv = QWidget(self)
        pl = QVBoxLayout(pv)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(QLabel("Preview for", self))
        pl.addWidget(self.target_combo)
        pl.addWidget(self.subject_view)
        pl.addWidget(self.body_view, 1)
        preview_split = QSplitter(Qt.Orientation.Vertical, self)
        preview_split.addWidget(_boxed("Preview", pv))
        preview_split.addWidget(_boxed("Warnings", self.warnings, self.run_label))
        preview_split.setStretchFactor(0, 3)
        preview_split.setStretchFactor(1, 2)
        preview_split.setChildrenCollapsible(False)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(_boxed("Template", editor))
        split.addWidget(preview_split)
        x = self.fontMetrics().horizontalAdvance("x")
        split.setSizes([x * 48, x * 70, x * 56])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self._timer.timeout.connect(self.render_now)
        for sig in (self.subject_edit.textChanged, self.body_edit.textChanged,
                    self.name_edit.textChanged, self.play_combo.currentIndexChanged,
                    self.variant_combo.currentIndexChanged):
            sig.connect(self._edited)
        self.subject_edit.installEventFilter(self)
        self.body_edit.installEventFilter(self)

    # -- loading -------------------------------------------------------------------------
    def load_templates(self) -> None:
        """Read the templates (the first read stores the shipped defaults)."""
        seed = self.ctx.project.count("templates") == 0
        self.ctx.run(lambda p, _p, _c: outreach.project_templates(p), title="Reading templates",
                     writes={"templates"} if seed else (), show_progress=False,
                     on_success=self._templates_loaded)

    def _templates_loaded(self, templates: list[tmpl.MessageTemplate]) -> None:
        self.templates = list(templates)
        self.template_tree.clear()
        by_play: dict[str, QTreeWidgetItem] = {}
        plays = list(tmpl.PLAYS) + sorted({t.play for t in templates} - set(tmpl.PLAYS))
        for play in plays:
            mine = [t for t in templates if t.play == play]
            if not mine:
                continue
            head = QTreeWidgetItem([PLAY_LABELS.get(play, play)])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            by_play[play] = head
            self.template_tree.addTopLevelItem(head)
            for t in mine:
                item = QTreeWidgetItem([t.name])
                item.setData(0, Qt.ItemDataRole.UserRole, t.name)
                item.setToolTip(0, f"{t.name}: {PLAY_LABELS.get(t.play, t.play)}, "
                                   f"variant {t.variant}")
                head.addChild(item)
        self.template_tree.expandAll()
        self.template_tree.resizeColumnToContents(0)
        names = [t.name for t in templates]
        self.open_template(self.current if self.current in names else
                           (names[0] if names else None))
        self.loaded.emit()

    def load_targets(self) -> None:
        """Read the targets a preview can be rendered for (on a worker)."""
        if self.preview_data is not None and not self.isVisible():
            self._targets_stale = True  # read when the page is shown
            return
        self._targets_stale = False
        event = self.ctx.current_event
        self.ctx.run(lambda p, _p, _c: load_preview_data(p, event), show_progress=False,
                     title="Reading targets for the preview", on_success=self._targets_loaded)

    def _targets_loaded(self, data: PreviewData) -> None:
        self.preview_data = data
        keep = self.target_combo.currentData()
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        for i, r in enumerate(data.rows):
            who = " — ".join(str(r[k]) for k in ("full_name", "company") if r.get(k))
            extra = f"  ({r['rep']})" if r.get("rep") else ""
            self.target_combo.addItem(f"{who or r.get('target_key') or i}{extra}",
                                      r.get("target_key") or i)
        i = self.target_combo.findData(keep)
        self.target_combo.setCurrentIndex(max(0, i))
        self.target_combo.blockSignals(False)
        self.target_combo.setToolTip(
            f"The {len(data.rows):,} best-scored {data.kind} of the event"
            + ("" if data.kind == "targets" else " (no targets yet: build lists first)"))
        self._schedule_preview()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._targets_stale:
            QTimer.singleShot(0, self.load_targets)

    def _data_changed(self, tables: frozenset[str]) -> None:
        if "templates" in tables:
            self.load_templates()
        if tables & {"targets", "people", "reps", "events"}:
            self.load_targets()

    # -- editing -------------------------------------------------------------------------
    def template(self) -> tmpl.MessageTemplate:
        """What the editor shows, as a template."""
        return tmpl.MessageTemplate(self.name_edit.text().strip(),
                                    str(self.play_combo.currentData()),
                                    self.variant_combo.currentText(),
                                    self.subject_edit.text(), self.body_edit.toPlainText())

    def open_template(self, name: str | None) -> None:
        """Show template ``name`` (its unsaved draft when there is one)."""
        saved = next((t for t in self.templates if t.name == name), None)
        t = self.drafts.get(name or "") or saved
        self.current = name
        self._loading = True
        try:
            self.name_edit.setText(t.name if t else "")
            self.play_combo.setCurrentIndex(max(0, self.play_combo.findData(t.play if t else "")))
            self.variant_combo.setCurrentText(t.variant if t else "any")
            self.subject_edit.setText(t.subject if t else "")
            self.subject_edit.setCursorPosition(0)
            self.body_edit.setPlainText(t.body if t else "")
        finally:
            self._loading = False
        self._select_in_tree(name)
        self._update_buttons()
        self._schedule_preview()

    def _tree_clicked(self, item: QTreeWidgetItem, _col: int) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole)
        if name:
            self.open_template(str(name))

    def _select_in_tree(self, name: str | None) -> None:
        for i in range(self.template_tree.topLevelItemCount()):
            head = self.template_tree.topLevelItem(i)
            for j in range(head.childCount()):
                child = head.child(j)
                child.setSelected(child.data(0, Qt.ItemDataRole.UserRole) == name)

    def _edited(self, *_args: Any) -> None:
        if self._loading:
            return
        t = self.template()
        saved = next((s for s in self.templates if s.name == self.current), None)
        if self.current and t != saved:
            self.drafts[self.current] = t
        elif self.current:
            self.drafts.pop(self.current, None)
        self._update_buttons()
        self._schedule_preview()

    def _update_buttons(self) -> None:
        dirty = bool(self.current and self.current in self.drafts) or \
            self.name_edit.text().strip() != (self.current or "")
        self.save_button.setEnabled(bool(self.name_edit.text().strip()) and dirty)
        self.save_button.setText("Save template" + (" *" if dirty else ""))

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 - Qt override
        if e.type() == QEvent.Type.FocusIn and obj in (self.subject_edit, self.body_edit):
            self._last_editor = obj  # where a merge field goes
        return False

    def insert_field(self, path: str) -> None:
        """Insert ``{{ path | default("…") }}`` at the cursor and select the fallback."""
        text = f'{{{{ {path} | default("{FALLBACK}") }}}}'
        offset = text.index(FALLBACK)
        editor = self._last_editor or self.body_edit
        if editor is self.subject_edit:
            start = self.subject_edit.cursorPosition()
            self.subject_edit.insert(text)
            self.subject_edit.setSelection(start + offset, len(FALLBACK))
        else:
            cursor = self.body_edit.textCursor()
            start = cursor.position()
            cursor.insertText(text)
            cursor.setPosition(start + offset)
            cursor.setPosition(start + offset + len(FALLBACK), QTextCursor.MoveMode.KeepAnchor)
            self.body_edit.setTextCursor(cursor)
        editor.setFocus()

    def _filter_fields(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.fields_list.topLevelItemCount()):
            item = self.fields_list.topLevelItem(i)
            hay = f"{item.text(0)} {item.text(1)}".casefold()
            item.setHidden(not all(w in hay for w in words))

    # -- preview -------------------------------------------------------------------------
    def _schedule_preview(self, *_args: Any) -> None:
        self._timer.start()

    def render_now(self) -> None:
        """Render the preview for the chosen target (on a worker, newest edit wins)."""
        self._timer.stop()
        data = self.preview_data
        if data is None:
            return
        if self._rendering is not None and not self._rendering.done:
            self._again = True
            return
        i = self.target_combo.currentIndex()
        row = data.rows[i] if 0 <= i < len(data.rows) else None
        t = self.template()
        self._rendering = run_op(lambda _p, _c: render_preview(t, row, data),
                                 on_success=self._rendered, parent=self, title="Preview")
        self._rendering.finished.connect(self._render_finished)

    def _render_finished(self) -> None:
        if self._again:
            self._again = False
            self.render_now()

    def _rendered(self, r: Rendered) -> None:
        self.last_render = r
        if r.error:
            self.subject_view.setText(f'<span style="color:{WARN}">{_esc(r.error)}</span>')
            self.body_view.setPlainText("")
        else:
            self.subject_view.setText(f"<b>Subject:</b> {_esc(r.subject)}")
            self.body_view.setPlainText(r.body)
        self.warnings.clear()
        for path in r.missing:
            self.warnings.addItem(f"{path}: no value for this target (the fallback is used, "
                                  "or it is left out)")
        for p in r.problems:
            self.warnings.addItem(p)
        if not r.missing and not r.problems and not r.error:
            self.warnings.addItem("No problems found.")
        self.previewed.emit(r)

    # -- saving --------------------------------------------------------------------------
    def save(self) -> None:
        """Store the template (``save_template``); its warnings go to the status bar."""
        t = self.template()
        if not t.name:
            return
        old = self.current

        def saved(warnings: list[str]) -> None:
            self.drafts.pop(old or "", None)
            self.drafts.pop(t.name, None)
            self.current = t.name
            self.ctx.status(f"Saved template '{t.name}'" +
                            (f" ({len(warnings)} warning(s))" if warnings else ""))
        self.ctx.run(lambda p, _p, _c: outreach.save_template(p, t), title="Saving template",
                     writes={"templates"}, on_success=saved)

    def write_messages(self) -> None:
        """Render every target's message (``write_messages``) and report missing values."""
        ev = self.ctx.current_event
        if ev is None:
            return
        name = ev["name"]
        self.ctx.run(lambda p, _p, _c: outreach.write_messages(p, event=name),
                     title="Writing messages", writes={"targets"}, on_success=self._written)

    def _written(self, r: dict[str, Any]) -> None:
        self.last_run = r
        plays = ", ".join(f"{PLAY_LABELS.get(k, k)} {v:,}" for k, v in r["plays"].items())
        lines = [f"<b>Wrote {r['rendered']:,} messages</b>" + (f" ({plays})" if plays else "")]
        for path, n in sorted(r["missing"].items(), key=lambda kv: -kv[1]):
            lines.append(f"{_esc(path)} missing for {n:,} target(s)")
        for e in r["errors"][:5]:
            lines.append(f'<span style="color:{WARN}">{_esc(e)}</span>')
        self.run_label.setText("<br>".join(lines))
        self.run_label.show()
        self.ctx.status(f"Wrote {r['rendered']:,} messages")

    def focus_filter(self) -> None:
        """Ctrl+F: the merge-field filter."""
        self.fields_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.fields_filter.selectAll()

    def busy(self) -> bool:
        """True while a template has unsaved edits."""
        return bool(self.drafts)


def _boxed(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    lay = QVBoxLayout(box)
    for w in widgets:
        lay.addWidget(w, 1 if isinstance(w, QListWidget | QTreeWidget | QPlainTextEdit) else 0)
    return box


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_page(ctx: PageContext) -> QWidget:
    """Templates: editor, merge fields, live preview."""
    return TemplatesPage(ctx)
