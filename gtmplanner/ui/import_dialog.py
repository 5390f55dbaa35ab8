"""The import dialog: see what will happen, fix the mapping, import, see what happened.

Step 1 reads and maps the file on a worker (``prepare_import``, nothing written)
and shows the file as read (format, encoding, delimiter, header row, sheet
picker), the proposed field for every column with its confidence, how it was
found and sample values (a dropdown fixes any of them: the file is prepared
again), the rows that will be rejected and why, and whether a saved mapping
was reused. Step 2 stores it (``commit_import``) on the writer thread with
progress and Cancel. Step 3 is the summary, with the rejected rows and a way to
save them as a CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import importer
from gtmplanner.core.export.safe import neutralise
from gtmplanner.core.io.fields import FIELDS, KINDS, field_label
from gtmplanner.core.io.readers import list_sheets
from gtmplanner.core.schema import KIND_TABLE
from gtmplanner.core.store import Project
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.settings import IMPORT_KIND, LAST_IMPORT_DIR
from gtmplanner.ui.workers import Cancelled, OpHandle, Progress

IGNORE = ""
KIND_LABELS = {"roster": "Event roster / badge scans", "accounts": "Accounts",
               "opportunities": "Opportunities (CRM deals)", "activities": "Engagement activity",
               "reps": "Sales reps"}
METHOD_LABELS = {"synonym": "header name", "fuzzy": "similar header", "values": "values",
                 "saved": "saved mapping", "user": "your choice", "none": "not recognised"}
REJECT_PREVIEW = 500
SRC, FIELD, CONF, METHOD, SAMPLES = range(5)


def confidence_colour(confidence: float) -> QColor:
    """Translucent green / amber / red (reads on light and dark palettes)."""
    if confidence >= 0.85:
        return QColor(46, 160, 67, 70)
    if confidence >= 0.6:
        return QColor(230, 160, 30, 80)
    return QColor(220, 60, 60, 70)


def guess_kind(path: Path) -> str | None:
    """A kind suggested by the file name (``accounts.csv`` -> accounts), or None."""
    stem = path.stem.lower()
    for kind, words in (("opportunities", ("opportunit", "deal", "pipeline")),
                        ("accounts", ("account", "compan", "zoominfo", "apollo")),
                        ("activities", ("activit", "engagement", "webinar", "download")),
                        ("reps", ("rep", "owner", "sales_team")),
                        ("roster", ("attendee", "roster", "registr", "badge", "scan", "lead"))):
        if any(w in stem for w in words):
            return kind
    return None


class ImportDialog(QDialog):
    """Import one file into the open project."""

    imported = Signal(dict)  # ImportResult.to_dict()
    prepared = Signal()  # a (re-)preparation finished (tests wait on it)
    score_requested = Signal()

    def __init__(self, ctx: PageContext, path: str | Path, *, kind: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent or ctx.window)
        self.setObjectName("importDialog")
        self.ctx = ctx
        self.path = Path(path)
        self.prep: importer.PreparedImport | None = None
        self.result: dict[str, Any] | None = None
        self.user_mapping: dict[str, str] = {}
        self._sheet: str | None = None
        self._preparing: OpHandle | None = None
        self._again = False
        self.setWindowTitle(f"Import {self.path.name}")
        self.setSizeGripEnabled(True)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 92, em * 60)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_review())
        self.pages.addWidget(self._build_summary())
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages)

        chosen = kind or guess_kind(self.path) or ctx.settings.get(IMPORT_KIND)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(chosen)))
        self._fill_events()
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    # -- building ------------------------------------------------------------------------
    def _build_review(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        top = QFormLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for k in KINDS:
            self.kind_combo.addItem(KIND_LABELS.get(k, k), k)
        top.addRow("What is in the file:", self.kind_combo)
        self.event_combo = QComboBox()
        self.event_combo.setObjectName("eventCombo")
        self.event_combo.setEditable(True)
        self.event_combo.setToolTip("The event this roster belongs to (type a new name to add one)")
        top.addRow("Event:", self.event_combo)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheetCombo")
        self.sheet_combo.activated.connect(self._sheet_changed)
        top.addRow("Sheet:", self.sheet_combo)
        lay.addLayout(top)

        self.read_label = QLabel()
        self.read_label.setObjectName("readLabel")
        self.read_label.setWordWrap(True)
        lay.addWidget(self.read_label)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("savedMappingNotice")
        self.saved_label.setWordWrap(True)
        self.saved_label.setVisible(False)
        lay.addWidget(self.saved_label)

        split = QSplitter(Qt.Orientation.Vertical)
        self._split = split
        box = QGroupBox("Columns → fields (fix any proposal with its dropdown)")
        bl = QVBoxLayout(box)
        self.mapping_table = QTableWidget(0, 5)
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setHorizontalHeaderLabels(
            ["Column in the file", "Field", "Confidence", "Found by", "Sample values"])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setWordWrap(False)
        self.mapping_table.setAlternatingRowColors(True)
        self.mapping_table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 14)
        hh = self.mapping_table.horizontalHeader()
        hh.setStretchLastSection(True)
        for c in (SRC, FIELD, CONF, METHOD):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        bl.addWidget(self.mapping_table)
        split.addWidget(box)

        rbox = QGroupBox("Rows that will not be imported")
        rl = QVBoxLayout(rbox)
        self.reject_label = QLabel()
        self.reject_label.setObjectName("rejectLabel")
        self.reject_label.setWordWrap(True)
        rl.addWidget(self.reject_label)
        self.reject_table = _reject_table()
        rl.addWidget(self.reject_table)
        split.addWidget(rbox)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("prepareStatus")
        self.save_mapping_check = QCheckBox("Remember this mapping for files like this")
        self.save_mapping_check.setObjectName("saveMapping")
        self.save_mapping_check.setChecked(True)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_mapping_check)
        lay.addLayout(bottom)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        return page

    def _build_summary(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary_label)
        self.summary_rejects = _reject_table()
        self.summary_rejects.setObjectName("summaryRejects")
        lay.addWidget(self.summary_rejects, 1)
        lay.addStretch(0)
        row = QHBoxLayout()
        self.save_rejects_button = QPushButton("Save rejected rows as CSV…")
        self.save_rejects_button.setObjectName("saveRejects")
        self.save_rejects_button.clicked.connect(self._ask_save_rejects)
        self.score_button = QPushButton("Score now")
        self.score_button.setToolTip("Match, locate and score everyone with the new rows (Ctrl+R)")
        self.score_button.clicked.connect(self._score_now)
        close = QPushButton("Close")
        close.setObjectName("closeButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        row.addWidget(self.save_rejects_button)
        row.addStretch(1)
        row.addWidget(self.score_button)
        row.addWidget(close)
        lay.addLayout(row)
        return page

    def _fill_events(self) -> None:
        self.event_combo.clear()
        for ev in reversed(self.ctx.project.events()):
            self.event_combo.addItem(ev["name"])
        current = self.ctx.current_event
        if current:
            self.event_combo.setCurrentText(current["name"])

    # -- preparing -----------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        self.event_combo.setEnabled(self.kind == "roster")
        self.user_mapping = {}
        self.prepare()

    def _sheet_changed(self, _index: int) -> None:
        sheet = self.sheet_combo.currentText() or None
        if sheet != self._sheet:
            self._sheet = sheet
            self.prepare()

    def set_field(self, source: str, field: str | None) -> None:
        """Map column ``source`` to ``field`` (None or "" = ignore) and prepare again."""
        self.user_mapping[source] = field or IGNORE
        self.prepare()

    def prepare(self) -> None:
        """Read and map the file again on a worker (nothing is written)."""
        if self._preparing is not None and not self._preparing.done:
            self._again = True
            return
        self._again = False
        self.import_button.setEnabled(False)
        self.status_label.setText("Reading the file…")
        path, kind, sheet = self.path, self.kind, self._sheet
        user = {k: (v or "-") for k, v in self.user_mapping.items()} or None
        event = self.event_combo.currentText().strip() or None

        def op(project: Project, progress: Progress, cancelled: Cancelled) -> Any:
            prep = importer.prepare_import(project, path, kind, event=event, sheet=sheet,
                                           user_mapping=user, progress=progress,
                                           cancelled=cancelled)
            sheets = prep.table.sheets or (list_sheets(path) if prep.table.sheet else [])
            return prep, sheets

        self._preparing = self.ctx.run(op, title=f"Reading {path.name}",
                                       on_success=self._prepared, on_failure=self._failed,
                                       show_progress=self.path.stat().st_size > 5_000_000)

    def _prepared(self, result: tuple[importer.PreparedImport, list[str]]) -> None:
        prep, sheets = result
        self.prep = prep
        t = prep.table
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(sheets)
        if t.sheet:
            self.sheet_combo.setCurrentText(t.sheet)
            self._sheet = t.sheet
        self.sheet_combo.blockSignals(False)
        self.sheet_combo.setEnabled(len(sheets) > 1)
        bits = [f"<b>{prep.rows_read:,}</b> rows read as {_e(t.file_format.upper())}"]
        if t.encoding:
            bits.append(f"encoding {_e(t.encoding)}")
        if t.delimiter:
            bits.append(f"delimiter {_e(_delimiter_name(t.delimiter))}")
        bits.append(f"header on row {t.header_row}")
        if t.section:
            bits.append(f"section {_e(t.section)}")
        self.read_label.setText(", ".join(bits))
        self.saved_label.setVisible(prep.saved_mapping_used)
        self.saved_label.setText("ⓘ Reused the mapping you saved for files with these columns.")
        self._fill_mapping(prep)
        self._fill_rejects(self.reject_table, prep.rejected)
        n = len(prep.rejected)
        warn = "".join(f"<br>⚠ {_e(w)}" for w in prep.warnings[:6])
        self.reject_label.setText((f"{n:,} rows will be rejected:" if n else
                                   "Every row can be imported.") + warn)
        self.reject_table.setVisible(bool(n))
        total = sum(self._split.sizes()) or 600
        small = self.reject_label.sizeHint().height() + self.fontMetrics().height() * 3
        self._split.setSizes([total - small, small] if not n else [total * 2 // 3, total // 3])
        self.status_label.setText(f"Ready: {prep.rows_read - n:,} rows to import.")
        self.import_button.setEnabled(True)
        self.prepared.emit()
        if self._again:
            self.prepare()

    def _failed(self, exc: BaseException, details: str) -> None:
        from gtmplanner.ui.errors import error_line
        self.status_label.setText(error_line(exc))
        self.import_button.setEnabled(False)
        self.ctx.show_error(exc, details)
        self.prepared.emit()

    def _fill_mapping(self, prep: importer.PreparedImport) -> None:
        fields = list(FIELDS[prep.kind])
        tbl = self.mapping_table
        tbl.setRowCount(len(prep.columns))
        for r, cm in enumerate(prep.columns):
            src = QTableWidgetItem(cm.source)
            src.setToolTip(cm.source)
            tbl.setItem(r, SRC, src)
            combo = QComboBox()
            combo.setObjectName(f"field_{r}")
            combo.addItem("(not a field: kept as extra)", IGNORE)
            combo.setToolTip("Columns that are not mapped to a field are still kept with each "
                             "record (as extra attributes), never thrown away.")
            for f in fields:
                combo.addItem(field_label(f), f)
            combo.setCurrentIndex(max(0, combo.findData(cm.field or IGNORE)))
            combo.activated.connect(
                lambda _i, c=combo, s=cm.source: self.set_field(s, c.currentData()))
            tbl.setCellWidget(r, FIELD, combo)
            conf = QTableWidgetItem(f"{cm.confidence:.0%}" if cm.field else "—")
            conf.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if cm.field:
                conf.setBackground(confidence_colour(cm.confidence))
            tbl.setItem(r, CONF, conf)
            tbl.setItem(r, METHOD, QTableWidgetItem(METHOD_LABELS.get(cm.method, cm.method)))
            samples = " · ".join(s for s in cm.samples if s)
            item = QTableWidgetItem(samples)
            item.setToolTip("\n".join(cm.samples))
            tbl.setItem(r, SAMPLES, item)

    @staticmethod
    def _fill_rejects(tbl: QTableWidget, rejected: list[dict[str, Any]]) -> None:
        shown = rejected[:REJECT_PREVIEW]
        tbl.setRowCount(len(shown))
        for r, rej in enumerate(shown):
            row = QTableWidgetItem(str(rej["row"]))
            row.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tbl.setItem(r, 0, row)
            tbl.setItem(r, 1, QTableWidgetItem(str(rej["reason"])))

    def mapping(self) -> dict[str, str]:
        """Source column -> field as the dialog shows it now."""
        return dict(self.prep.mapping) if self.prep else {}

    # -- importing -----------------------------------------------------------------------
    def start_import(self) -> OpHandle | None:
        """Store the prepared rows (writer thread, progress, Cancel)."""
        prep = self.prep
        if prep is None:
            return None
        prep.event = (self.event_combo.currentText().strip() or None) \
            if prep.kind == "roster" else None
        save = self.save_mapping_check.isChecked()
        self.import_button.setEnabled(False)
        self.ctx.settings.set(IMPORT_KIND, prep.kind)
        self.ctx.settings.remember_folder(LAST_IMPORT_DIR, self.path)

        def op(project: Project, progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
            return importer.commit_import(project, prep, save_mapping=save, progress=progress,
                                          cancelled=cancelled).to_dict()

        tables = {KIND_TABLE[prep.kind], "imports", "events"}
        if prep.kind == "roster":
            tables.add("people")
        return self.ctx.run(op, title=f"Importing {self.path.name}", writes=tables,
                            on_success=self._imported, on_cancel=self._cancelled,
                            on_failure=self._import_failed)

    def _cancelled(self) -> None:
        self.import_button.setEnabled(True)
        self.status_label.setText("Import cancelled; nothing was written.")

    def _import_failed(self, exc: BaseException, details: str) -> None:
        self.import_button.setEnabled(True)
        self.ctx.show_error(exc, details)

    def _imported(self, result: dict[str, Any]) -> None:
        self.result = result
        if result.get("already_imported"):
            text = _e(result.get("message"))
        else:
            text = (f"<b>{_e(Path(result['file']).name)}</b> imported as {_e(result['kind'])}:"
                    f"<br><b>{result['rows_imported']:,}</b> new, "
                    f"<b>{result['rows_merged']:,}</b> merged into existing records, "
                    f"<b>{result['rows_rejected']:,}</b> rejected.")
            if result["warnings"]:
                text += "".join(f"<br>⚠ {_e(w)}" for w in result["warnings"][:6])
            text += ("<br><br>Press <b>Score now</b> to match the new rows to accounts, "
                     "locate them and score them.")
        self.summary_label.setText(text)
        self._fill_rejects(self.summary_rejects, result.get("rejected") or [])
        self.summary_rejects.setVisible(bool(result.get("rejected")))
        self.save_rejects_button.setEnabled(bool(result.get("rejected")))
        self.pages.setCurrentIndex(1)
        self.setWindowTitle(f"Imported {self.path.name}")
        self.imported.emit(result)

    def _score_now(self) -> None:
        self.score_requested.emit()
        self.accept()

    # -- rejected rows -------------------------------------------------------------------
    def _ask_save_rejects(self) -> None:
        start = str(self.path.with_name(f"{self.path.stem}_rejected.csv"))
        name, _ = QFileDialog.getSaveFileName(self, "Save rejected rows", start,
                                              "CSV files (*.csv)")
        if name:
            self.save_rejects(Path(name))

    def save_rejects(self, out: Path) -> int:
        """Write the rejected rows (row number, reason, then the row as read) to ``out``."""
        rejected = (self.result or {}).get("rejected") or (self.prep.rejected if self.prep
                                                           else [])
        frame = self.prep.table.frame if self.prep else None
        rows = self.prep.table.source_rows if self.prep else None
        headers = [str(c) for c in frame.columns] if frame is not None else []
        by_row: dict[int, int] = {}
        if rows is not None:
            by_row = {int(r): i for i, r in enumerate(rows)}
        with out.open("w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(["Row", "Reason", *[neutralise(h) for h in headers]])
            for rej in rejected:
                pos = by_row.get(int(rej["row"]))
                cells = ([_cell(v) for v in frame.iloc[pos].tolist()]
                         if frame is not None and pos is not None else [])
                w.writerow([rej["row"], neutralise(rej["reason"]), *cells])
        self.ctx.status(f"Saved {len(rejected):,} rejected rows to {out.name}")
        return len(rejected)


def _reject_table() -> QTableWidget:
    tbl = QTableWidget(0, 2)
    tbl.setHorizontalHeaderLabels(["Row", "Why it is rejected"])
    tbl.verticalHeader().setVisible(False)
    tbl.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tbl.horizontalHeader().setStretchLastSection(True)
    tbl.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    return tbl


def _cell(value: Any) -> Any:
    """A cell for the CSV: empty for missing; formula starters neutralised."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return neutralise(str(value))


def _delimiter_name(d: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(d, repr(d))


def _e(value: Any) -> str:
    import html
    return html.escape(str(value)) if value is not None else ""
