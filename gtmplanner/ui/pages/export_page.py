"""The Export & Sync page: per-rep files out, filled-in trackers back in.

Export: choose reps, formats and a folder, then ``exporting.export_event`` runs
on the writer thread with progress; the files it wrote are listed with their row
counts, and "Open folder" shows them. Sync: drop the trackers reps sent back
(or choose them), ``sync.sync_trackers`` merges them and the summary says what
changed; when a value was changed both in the project and in a tracker, the
:class:`~gtmplanner.ui.dialogs.conflicts_dialog.ConflictsDialog` asks which one
to keep and the sync runs again with those choices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import exporting, lists, sync
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.dialogs.conflicts_dialog import ConflictsDialog
from gtmplanner.ui.settings import LAST_EXPORT_DIR, LAST_IMPORT_DIR

FORMAT_LABELS = {
    "xlsx": "Excel: a target sheet and a follow-up tracker per rep",
    "pdf": "PDF target sheet per rep (to print for the booth)",
    "mailmerge": "Mail-merge CSV (subject and body per target)",
    "salesforce": "Salesforce campaign members CSV",
    "hubspot": "HubSpot contacts CSV",
}
DEFAULT_FORMATS = ("xlsx", "mailmerge")
KIND_LABELS = {"target_sheet": "Target sheet", "tracker": "Tracker", "pdf": "PDF",
               "mailmerge": "Mail merge", "salesforce": "Salesforce", "hubspot": "HubSpot"}
TRACKER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
ALL_SEGMENTS = "All segments"
SYNC_HINT = ("Reps fill in Status, Touches, Last touch date, Next step and Notes. Their "
             "changes come back here; a value changed both here and in a tracker is never "
             "overwritten: you choose. People they met at the booth become new targets.")


class DropZone(QLabel):
    """A box to drop returned tracker files on."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackerDropZone")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Sunken)
        self.setMinimumHeight(self.fontMetrics().height() * 5)
        self.setText("Drop the trackers reps sent back here\n(xlsx, xls, ods or csv)")
        self._idle_style = "QLabel#trackerDropZone { border: 2px dashed palette(mid); }"
        self.setStyleSheet(self._idle_style)

    @staticmethod
    def tracker_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
        """The dropped local files that look like trackers."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [u.toLocalFile() for u in urls
                if u.isLocalFile() and u.toLocalFile().lower().endswith(TRACKER_SUFFIXES)]

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self.tracker_paths(e):
            self.setStyleSheet("QLabel#trackerDropZone { border: 2px dashed palette(highlight);"
                               " }")
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragLeaveEvent(self, e: Any) -> None:  # noqa: N802 - Qt override
        self.setStyleSheet(self._idle_style)
        super().dragLeaveEvent(e)

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802 - Qt override
        self.setStyleSheet(self._idle_style)
        paths = self.tracker_paths(e)
        if paths:
            e.acceptProposedAction()
            self.files_dropped.emit(paths)


class ExportPage(QWidget):
    """Export the event's lists; sync the trackers back."""

    exported = Signal(dict)
    synced = Signal(object)  # SyncResult

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_export")
        self.ctx = ctx
        self.last_export: dict[str, Any] | None = None
        self.last_sync: sync.SyncResult | None = None
        self.sync_files: list[str] = []
        self.conflicts_dialog: ConflictsDialog | None = None
        self._build()
        ctx.data_changed.connect(self._data_changed)
        ctx.event_changed.connect(self.refresh)
        self.refresh()

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.event_label = QLabel(self)
        self.segment_combo = QComboBox(self)
        self.segment_combo.setToolTip("Export one segment's targets, or every segment's")
        self.reps_list = QListWidget(self)
        self.reps_list.setObjectName("exportReps")
        all_button = QPushButton("All", self)
        all_button.clicked.connect(lambda: self._check_all_reps(True))
        none_button = QPushButton("None", self)
        none_button.clicked.connect(lambda: self._check_all_reps(False))
        reps_row = QHBoxLayout()
        reps_row.addWidget(self.reps_list, 1)
        rb = QVBoxLayout()
        rb.addWidget(all_button)
        rb.addWidget(none_button)
        rb.addStretch(1)
        reps_row.addLayout(rb)
        self.format_boxes: dict[str, QCheckBox] = {}
        formats = QVBoxLayout()
        for f in exporting.FORMATS:
            box = QCheckBox(FORMAT_LABELS.get(f, f), self)
            box.setObjectName(f"format_{f}")
            box.setChecked(f in DEFAULT_FORMATS)
            formats.addWidget(box)
            self.format_boxes[f] = box
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setObjectName("exportFolder")
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.setToolTip("Build lists, assign reps and write messages where "
                                      "missing, then write the files")
        self.export_button.clicked.connect(self.export)
        form = QFormLayout()
        form.addRow("Event", self.event_label)
        form.addRow("Segment", self.segment_combo)
        form.addRow("Reps", reps_row)
        form.addRow("Formats", formats)
        form.addRow("Folder", folder_row)
        self.results = QTreeWidget(self)
        self.results.setObjectName("exportResults")
        self.results.setHeaderLabels(["File", "What", "Rep", "Rows"])
        self.results.setRootIsDecorated(False)
        rh = self.results.header()
        rh.setStretchLastSection(False)
        rh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.results.headerItem().setTextAlignment(
            3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.results.itemDoubleClicked.connect(
            lambda item, _c: self._open(Path(item.data(0, Qt.ItemDataRole.UserRole))))
        self.export_summary = QLabel(self)
        self.export_summary.setWordWrap(True)
        self.open_button = QPushButton("Open folder", self)
        self.open_button.setObjectName("openFolder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        export_box = QGroupBox("Export target sheets and trackers", self)
        el = QVBoxLayout(export_box)
        el.addLayout(form)
        el.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        el.addWidget(self.export_summary)
        el.addWidget(self.results, 1)
        el.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)

        self.drop_zone = DropZone(self)
        self.drop_zone.files_dropped.connect(self.sync)
        self.choose_trackers_button = QPushButton("Choose trackers…", self)
        self.choose_trackers_button.clicked.connect(self.choose_trackers)
        self.resync_button = QPushButton("Sync again", self)
        self.resync_button.setEnabled(False)
        self.resync_button.clicked.connect(lambda: self.sync(self.sync_files))
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_trackers_button)
        buttons.addWidget(self.resync_button)
        buttons.addStretch(1)
        self.sync_summary = QLabel(SYNC_HINT, self)
        self.sync_summary.setObjectName("syncSummary")
        self.sync_summary.setWordWrap(True)
        self.sync_details = QListWidget(self)
        self.sync_details.setObjectName("syncDetails")
        self.sync_details.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.sync_details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sync_details.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        sync_box = QGroupBox("Sync filled-in trackers back", self)
        sl = QVBoxLayout(sync_box)
        sl.addWidget(self.drop_zone)
        sl.addLayout(buttons)
        sl.addWidget(self.sync_summary)
        sl.addWidget(self.sync_details, 1)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(export_box)
        split.addWidget(sync_box)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)

    # -- state ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Event, segments and reps from the project (a few rows: read here)."""
        project = self.ctx.project
        ev = self.ctx.current_event
        self.event_label.setText(f"<b>{ev['name']}</b>" if ev else "No event yet")
        keep_seg = self.segment_combo.currentText()
        self.segment_combo.clear()
        self.segment_combo.addItem(ALL_SEGMENTS)
        if ev is not None:
            self.segment_combo.addItems([r["name"] for r in lists.segment_rows(project,
                                                                                ev["id"])])
        self.segment_combo.setCurrentIndex(max(0, self.segment_combo.findText(keep_seg)))
        unchecked = {self.reps_list.item(i).text() for i in range(self.reps_list.count())
                     if self.reps_list.item(i).checkState() != Qt.CheckState.Checked}
        self.reps_list.clear()
        for name in project.frame("reps", ["name"])["name"].tolist():
            item = QListWidgetItem(str(name))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if name in unchecked
                               else Qt.CheckState.Checked)
            self.reps_list.addItem(item)
        rows = min(max(self.reps_list.count(), 3), 8)
        self.reps_list.setFixedHeight(rows * self.reps_list.sizeHintForRow(0)
                                      + 2 * self.reps_list.frameWidth() + 4)
        if not self.folder_edit.text():
            saved = self.ctx.settings.get(LAST_EXPORT_DIR)
            self.folder_edit.setText(saved if saved and Path(saved).is_dir() else
                                     str(self.ctx.path.parent / f"{self.ctx.path.stem} exports"))
        self.export_button.setEnabled(ev is not None)

    def _data_changed(self, tables: frozenset[str]) -> None:
        if tables & {"reps", "segments", "events"}:
            self.refresh()

    def _check_all_reps(self, on: bool) -> None:
        for i in range(self.reps_list.count()):
            self.reps_list.item(i).setCheckState(Qt.CheckState.Checked if on
                                                 else Qt.CheckState.Unchecked)

    def chosen_reps(self) -> list[str]:
        """The checked reps."""
        return [self.reps_list.item(i).text() for i in range(self.reps_list.count())
                if self.reps_list.item(i).checkState() == Qt.CheckState.Checked]

    def chosen_formats(self) -> list[str]:
        """The checked formats."""
        return [f for f, box in self.format_boxes.items() if box.isChecked()]

    # -- export --------------------------------------------------------------------------
    def choose_folder(self) -> None:
        """Pick the output folder."""
        start = self.folder_edit.text() or self.ctx.settings.folder(LAST_EXPORT_DIR)
        folder = QFileDialog.getExistingDirectory(self, "Export into folder", start)
        if folder:
            self.folder_edit.setText(folder)

    def export(self) -> None:
        """Write the chosen reps' files in the chosen formats (on the writer thread)."""
        ev = self.ctx.current_event
        folder = self.folder_edit.text().strip()
        reps, formats = self.chosen_reps(), self.chosen_formats()
        if ev is None or not folder:
            return
        if not reps or not formats:
            self.export_summary.setText("Choose at least one rep and one format.")
            return
        out, name = Path(folder), ev["name"]
        seg = self.segment_combo.currentText()
        segment = None if seg == ALL_SEGMENTS else seg
        self.ctx.settings.set(LAST_EXPORT_DIR, str(out))
        self.ctx.run(lambda p, progress, _c: exporting.export_event(
                         p, out, event=name, segment=segment, reps=reps, formats=formats,
                         progress=progress),
                     title="Exporting", writes={"targets"}, cancellable=False,
                     on_success=self._exported)

    def _exported(self, r: dict[str, Any]) -> None:
        self.last_export = r
        self.results.clear()
        for f in r["files"]:
            p = Path(f["path"])
            item = QTreeWidgetItem([p.name, KIND_LABELS.get(f["kind"], f["kind"]),
                                    f["rep"] or "All reps", f"{f['rows']:,}"])
            item.setData(0, Qt.ItemDataRole.UserRole, str(p))
            item.setToolTip(0, str(p))
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.results.addTopLevelItem(item)
        for c in range(1, 4):
            self.results.resizeColumnToContents(c)
        text = (f"Wrote {len(r['files']):,} files for {r['targets']:,} targets in "
                f"{r['elapsed_seconds']:.1f} s")
        if r.get("unassigned"):
            text += f"; {r['unassigned']:,} targets have no rep"
        self.export_summary.setText(text)
        self.open_button.setEnabled(True)
        self.ctx.status(text)
        self.exported.emit(r)

    def open_folder(self) -> None:
        """Show the export folder in the file manager."""
        folder = Path(self.last_export["out"] if self.last_export else self.folder_edit.text())
        self._open(folder)

    @staticmethod
    def _open(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # -- sync ----------------------------------------------------------------------------
    def choose_trackers(self) -> None:
        """Pick returned tracker files, then sync them."""
        start = self.ctx.settings.folder(LAST_IMPORT_DIR)
        files, _ = QFileDialog.getOpenFileNames(
            self, "Trackers to sync", start, "Trackers (*.xlsx *.xlsm *.xls *.ods *.csv)")
        if files:
            self.ctx.settings.remember_folder(LAST_IMPORT_DIR, files[0])
            self.sync(files)

    def sync(self, files: list[str], resolve: dict[tuple[str, str], str] | None = None
             ) -> None:
        """Merge ``files`` into the project; conflicts open the choices dialog."""
        if not files:
            return
        self.sync_files = [str(f) for f in files]
        self.resync_button.setEnabled(True)
        ev = self.ctx.current_event
        name = ev["name"] if ev else None
        paths = list(self.sync_files)
        choices = dict(resolve or {})
        self.sync_summary.setText(f"Syncing {len(paths)} file(s)…")
        self.ctx.run(lambda p, progress, _c: sync.sync_trackers(
                         p, paths, event=name, resolve=choices or None, progress=progress),
                     title="Syncing trackers", writes={"targets", "people"}, cancellable=False,
                     on_success=self._synced, on_failure=self._sync_failed)

    def _sync_failed(self, exc: BaseException, details: str) -> None:
        self.sync_summary.setText("The sync stopped; nothing was changed.")
        self.ctx.show_error(exc, details)

    def _synced(self, r: sync.SyncResult) -> None:
        self.last_sync = r
        open_ = [c for c in r.conflicts if c.resolved is None]
        chosen = len(r.conflicts) - len(open_)
        parts = [f"<b>{r.updated:,} target(s) updated</b>", f"{r.unchanged:,} unchanged",
                 f"{len(r.added):,} new booth contact(s)", f"{len(r.unmatched):,} row(s) "
                 "not matched"]
        if open_:
            parts.append(f'<span style="color:#e26e28"><b>{len(open_):,} conflict(s) to '
                         "choose</b></span>")
        if chosen:
            parts.append(f"{chosen:,} conflict(s) settled as you chose")
        self.sync_summary.setText(f"Read {r.rows_read:,} rows from {len(r.files)} file(s): "
                                  + ", ".join(parts) + ".")
        self.sync_details.clear()
        for f in r.files:
            self.sync_details.addItem(f"Synced: {Path(f).name}")
        for a in r.added[:200]:
            who = a.get("name") or a.get("email") or a.get("target_id") or a
            self.sync_details.addItem(f"Added: {who}")
        for u in r.unmatched[:200]:
            self.sync_details.addItem(f"Not matched: {Path(u['file']).name} row {u['row']}: "
                                      f"{u['reason']}")
        for w in r.warnings[:200]:
            self.sync_details.addItem(f"Warning: {w}")
        for i in range(self.sync_details.count()):
            item = self.sync_details.item(i)
            item.setToolTip(item.text())
        self.ctx.status(f"Synced {len(r.files)} tracker(s): {r.updated:,} target(s) updated")
        self.synced.emit(r)
        if open_:
            self.show_conflicts(r.conflicts)

    def show_conflicts(self, conflicts: list[sync.Conflict]) -> ConflictsDialog:
        """Open the choices dialog; Apply syncs again with the choices."""
        dialog = ConflictsDialog(conflicts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.sync(self.sync_files, dialog.resolutions()))
        self.conflicts_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "conflicts_dialog", None))
        dialog.open()
        return dialog


def make_page(ctx: PageContext) -> QWidget:
    """Export & Sync."""
    return ExportPage(ctx)

