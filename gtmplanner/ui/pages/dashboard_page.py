"""The Dashboard page: follow-up, conversion and channels at a glance, with filters.

Filters (event, date range, rep, segment, channel) at the top; every change
recomputes :func:`gtmplanner.core.metrics.compute_metrics` on a worker
(:func:`load_dashboard`, through ``ctx.run`` without a progress dialog) and only
the newest result is shown, so the window never waits. Below: KPI tiles with
their SLA targets, the MQL funnel, follow-up over time, per-rep bars, the
attendee map coloured by status, the "what to do" notes and the channels table
(sortable; channels with volume but no opportunities highlighted). "Export
report" writes the same numbers as an xlsx workbook or a one-page PDF with
:func:`gtmplanner.core.report.run_report`.

The page reloads when targets, opportunities, people (and the other tables the
numbers read) change, and follows the window's event.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core.errors import GtmError
from gtmplanner.core.lists import ALL_REACHABLE
from gtmplanner.core.metrics import (
    KPI_KEYS,
    NO_CHANNEL,
    UNASSIGNED,
    MetricFilter,
    SlaRules,
    compute_metrics,
    definition,
)
from gtmplanner.core.report import fmt_money, fmt_pct, report_title, run_report, what_to_do
from gtmplanner.core.store import Project
from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.settings import LAST_EXPORT_DIR
from gtmplanner.ui.table_model import BACKGROUND, DISPLAY, TOOLTIP, ColumnarTableModel
from gtmplanner.ui.widgets.attendee_status_map import (
    AttendeeStatusMap,
    StatusPoints,
    load_status_points,
)
from gtmplanner.ui.widgets.dashboard_charts import FollowUpChart, FunnelChart, RepBarsChart
from gtmplanner.ui.widgets.kpi_tile import KpiGrid
from gtmplanner.ui.workers import OpHandle

RELOAD_ON = frozenset({"targets", "opportunities", "people", "accounts", "reps", "segments",
                       "events", "settings"})
ALL = {"event": "All events", "rep": "All reps", "segment": "All segments",
       "channel": "All channels"}
HEADLINE = ("leads", "followed_up", "followed_up_mql", "within_sla", "within_sla_mql", "overdue",
            "followed_up_hot", "within_sla_hot", "became_opportunity", "pipeline", "closed_won",
            "pipeline_per_lead")
EXTRA = tuple(k for k in KPI_KEYS if k not in HEADLINE)
DEBOUNCE_MS = 150
CHART_HEIGHT = 230
MAX_CHANNEL_ROWS = 12
MAP_HEIGHT = 300
FLAG_BG = QColor(210, 69, 47, 40)
FLAG_FG = QColor("#c0392b")
CARD_STYLE = ("QFrame#dashCard { background: palette(base); border: 1px solid palette(mid); "
              "border-radius: 6px; }")
#: The channels table: (key in ``by_channel`` rows, header, unit); the header tooltips
#: are the definitions in CHANNEL_HELP.
CHANNEL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "Channel", "text"), ("leads", "Leads", "count"),
    ("followed_up_rate", "Followed up", "percent"), ("within_sla_rate", "Within SLA", "percent"),
    ("opportunities", "Opps", "count"), ("opportunity_rate", "Opp rate", "percent"),
    ("pipeline", "Pipeline", "money"), ("pipeline_per_lead", "Pipeline / lead", "money"),
    ("cost", "Cost", "money"), ("cost_per_opportunity", "Cost / opp", "money"),
    ("flag", "Flag", "text"))
CHANNEL_HELP = {"followed_up_rate": "followed_up", "within_sla_rate": "within_sla",
                "opportunity_rate": "became_opportunity", "pipeline": "pipeline",
                "pipeline_per_lead": "pipeline_per_lead", "cost": "cost_per_lead",
                "cost_per_opportunity": "cost_per_opportunity", "flag": "channel_flag"}
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)


# -- work done off the GUI thread (no widgets here) ----------------------------------------
@dataclass
class DashboardData:
    """Everything one filter setting shows: metrics, notes, choices, map points, channels."""

    filter: MetricFilter
    metrics: dict[str, Any]
    notes: list[str]
    options: dict[str, list[str]]
    points: StatusPoints
    channels: ColumnTable
    dropped: list[str]


def filter_options(project: Project, event: str | None) -> dict[str, list[str]]:
    """The reps, segments and channels the leads of ``event`` (or all) can be narrowed to."""
    ev = project.event(event) if event else None
    where, params = ("WHERE t.event_id = ?", (ev["id"],)) if ev else ("", ())
    q = project.conn.execute

    def column(sql: str) -> list[str]:
        return [r[0] for r in q(sql.format(where=where), params).fetchall() if r[0]]

    reps = column(f"SELECT DISTINCT COALESCE(NULLIF(TRIM(t.rep), ''), '{UNASSIGNED}') "
                  "FROM targets t {where}")
    reps += [r[0] for r in q("SELECT name FROM reps WHERE name IS NOT NULL").fetchall()]
    segments = column(f"SELECT DISTINCT COALESCE(s.name, '{ALL_REACHABLE}') FROM targets t "
                      "LEFT JOIN segments s ON s.id = t.segment_id {where}")
    channels = column("SELECT DISTINCT COALESCE(NULLIF(TRIM(p.source), ''), e.name, "
                      f"'{NO_CHANNEL}') FROM targets t LEFT JOIN people p ON p.id = t.person_id "
                      "LEFT JOIN events e ON e.id = t.event_id {where}")
    uniq = lambda xs: sorted({x.strip(): None for x in xs if x.strip()}, key=str.casefold)  # noqa: E731
    return {"event": [e["name"] for e in project.events()], "rep": uniq(reps),
            "segment": uniq(segments), "channel": uniq(channels)}


def channel_table(rows: list[dict[str, Any]], currency: str | None) -> ColumnTable:
    """The channels as a sortable table: rates as percentages, amounts as money."""
    names = [k for k, _l, _u in CHANNEL_COLUMNS]
    frame = pd.DataFrame([{k: r.get(k) for k in names} for r in rows], columns=names)
    for key, _label, unit in CHANNEL_COLUMNS:
        if unit != "text":
            frame[key] = pd.to_numeric(frame[key], errors="coerce").astype(float)
    frame.index = pd.RangeIndex(len(frame))
    table = ColumnTable(frame, labels={k: lbl for k, lbl, _u in CHANNEL_COLUMNS})
    fmt = {"percent": lambda v: fmt_pct(v), "money": lambda v: fmt_money(v, currency),
           "count": lambda v: f"{int(v):,}"}
    for key, _label, unit in CHANNEL_COLUMNS:
        col = table.column(key)
        if unit in fmt and col is not None:
            f = fmt[unit]
            col.formatter = lambda vals, f=f: np.array(["–" if v != v else f(v)
                                                        for v in vals.tolist()], dtype=object)
    return table


def load_dashboard(project: Project, flt: MetricFilter, *, sla: SlaRules | None = None,
                   today: dt.date | None = None) -> DashboardData:
    """Compute what the dashboard shows for ``flt``; choices that no longer exist are dropped."""
    flt = replace(flt)
    dropped: list[str] = []
    if flt.event is not None and project.event(flt.event) is None:
        flt.event = None
        dropped.append("event")
    options = filter_options(project, flt.event)
    for key in ("rep", "segment", "channel"):
        value = getattr(flt, key)
        if value is not None and value.casefold() not in {o.casefold() for o in options[key]}:
            setattr(flt, key, None)
            dropped.append(key)
    metrics = compute_metrics(project, flt, sla=sla, today=today)
    return DashboardData(flt, metrics, what_to_do(metrics), options,
                         load_status_points(project, flt, sla=sla, today=today),
                         channel_table(metrics["by_channel"], metrics.get("currency")), dropped)


# -- the channels table ----------------------------------------------------------------------
class ChannelTableModel(ColumnarTableModel):
    """The channels; rows flagged "volume but no opportunities" are tinted and explained."""

    def set_table(self, table: ColumnTable, *, keep_view: bool = True) -> None:
        col = table.column("flag")
        self._flagged = np.zeros(table.n_rows, dtype=bool) if col is None or col.values is None \
            else np.array([bool(v) for v in col.values.to_pylist()], dtype=bool)
        super().set_table(table, keep_view=keep_view)

    def flagged_rows(self) -> list[int]:
        """View rows whose channel is flagged."""
        return [r for r in range(self.rowCount()) if self._flagged[self.source_row(r)]]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if role in (BACKGROUND, TOOLTIP, _FOREGROUND) and index.isValid():
            flagged = getattr(self, "_flagged", None)
            if flagged is not None and flagged[self.source_row(index.row())]:
                if role == BACKGROUND:
                    return FLAG_BG
                if role == _FOREGROUND:
                    return FLAG_FG if self.table.columns[index.column()].name == "flag" else None
                return definition("channel_flag").definition
            return None
        value = super().data(index, role)
        if role == DISPLAY and value and self.table.columns[index.column()].name == "flag":
            return f"⚠ {value}"
        return value

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> Any:
        if role == TOOLTIP and orientation == Qt.Orientation.Horizontal:
            name = self.table.columns[section].name if section < len(self.table.columns) else ""
            if name in CHANNEL_HELP:
                d = definition(CHANNEL_HELP[name])
                return f"<b>{html.escape(d.label)}</b><br>{html.escape(d.definition)}"
            return "Click to sort"
        return super().headerData(section, orientation, role)


# -- the page --------------------------------------------------------------------------------
def _card(title: str, body: QWidget, hint: str = "", legend: str = "") -> QFrame:
    """A white card: bold title, a grey hint, an optional legend (rich text) on the right."""
    card = QFrame()
    card.setObjectName("dashCard")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(12, 9, 12, 10)
    layout.setSpacing(4)
    row = QHBoxLayout()
    row.addWidget(QLabel(f"<b>{html.escape(title)}</b>" + (
        f"&nbsp;&nbsp;<span style='color:palette(mid)'>{html.escape(hint)}</span>"
        if hint else "")))
    row.addStretch(1)
    if legend:
        row.addWidget(QLabel(legend))
    layout.addLayout(row)
    layout.addWidget(body, 1)
    return card


class DashboardPage(QWidget):
    """Filters, KPI tiles, charts, the status map, notes and the channels table."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_dashboard")
        self.ctx = ctx
        self.today: dt.date | None = None  # None: the real today (tests may pin it)
        self.sla: SlaRules | None = None
        self.data: DashboardData | None = None
        self.last_export: dict[str, Any] | None = None
        self.generation = 0
        self._handle: OpHandle | None = None
        self._export_handle: OpHandle | None = None
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._compute)
        self._build()
        self._fill_events()
        ctx.data_changed.connect(self._data_changed)
        ctx.event_changed.connect(self._event_changed)
        self.refresh()

    @property
    def metrics(self) -> dict[str, Any] | None:
        """The metrics shown now (None until the first result arrives)."""
        return self.data.metrics if self.data is not None else None

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.setStyleSheet(CARD_STYLE)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("dashboardTitle")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title_label.setFont(font)
        self.subtitle_label = QLabel(self)
        self.subtitle_label.setObjectName("dashboardSubtitle")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("dashboardStatus")
        self.status_label.setOpenExternalLinks(True)
        self.xlsx_button = QPushButton("Export report (xlsx)…", self)
        self.xlsx_button.setObjectName("exportXlsx")
        self.xlsx_button.setToolTip("A workbook with a summary, per-rep and per-channel sheets "
                                    "and native Excel charts, for this selection")
        self.xlsx_button.clicked.connect(lambda: self.export_report("xlsx"))
        self.pdf_button = QPushButton("Export report (PDF)…", self)
        self.pdf_button.setObjectName("exportPdf")
        self.pdf_button.setToolTip("A one-page leadership summary with the same charts")
        self.pdf_button.clicked.connect(lambda: self.export_report("pdf"))
        head = QGridLayout()
        head.addWidget(self.title_label, 0, 0)
        head.addWidget(self.subtitle_label, 1, 0)
        head.setColumnStretch(0, 1)
        for i, w in enumerate((self.status_label, self.xlsx_button, self.pdf_button), 1):
            head.addWidget(w, 0, i, 2, 1, Qt.AlignmentFlag.AlignVCenter)

        self.combos: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for key, label in (("event", "Event"), ("rep", "Rep"), ("segment", "Segment"),
                           ("channel", "Channel")):
            combo = QComboBox(self)
            combo.setObjectName(f"{key}Filter")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(12 if key != "event" else 28)
            combo.addItem(ALL[key], None)
            combo.currentIndexChanged.connect(lambda *_: self.refresh())
            self.combos[key] = combo
            if key == "rep":
                self._add_dates(bar)
            bar.addWidget(QLabel(label, self))
            bar.addWidget(combo)
            bar.addSpacing(6)
        self.clear_button = QPushButton("Clear filters", self)
        self.clear_button.clicked.connect(self.clear_filters)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)
        self.event_combo, self.rep_combo, self.segment_combo, self.channel_combo = (
            self.combos[k] for k in ("event", "rep", "segment", "channel"))

        self.kpis = KpiGrid(HEADLINE, EXTRA, columns=6)
        self.tiles = self.kpis.tiles
        self.funnel = FunnelChart()
        self.follow_up_chart = FollowUpChart()
        self.rep_chart = RepBarsChart()
        self.map = AttendeeStatusMap()
        self.notes_label = QLabel()
        self.notes_label.setObjectName("whatToDo")
        self.notes_label.setWordWrap(True)
        self.notes_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.channel_model = ChannelTableModel(parent=self)
        view = self.channel_view = QTableView()
        view.setObjectName("channelTable")
        view.setModel(self.channel_model)
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setShowGrid(False)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = view.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(True)
        hh.setSortIndicator([k for k, _l, _u in CHANNEL_COLUMNS].index("pipeline_per_lead"),
                            Qt.SortOrder.DescendingOrder)
        view.setSortingEnabled(True)

        self.funnel.setFixedHeight(CHART_HEIGHT)
        self.follow_up_chart.setFixedHeight(CHART_HEIGHT)
        self.map.setFixedHeight(MAP_HEIGHT)
        self.rep_chart.setFixedHeight(MAP_HEIGHT - 4)
        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(_card("Marketing-lead funnel", self.funnel, "MQL → SQL → opportunity → "
                             "won"), 0, 0)
        grid.addWidget(_card("Follow-up over time", self.follow_up_chart, "cumulative",
                             legend=self.follow_up_chart.legend()), 0, 1)
        grid.addWidget(_card("Follow-up by rep", self.rep_chart,
                             legend=self.rep_chart.legend()), 1, 0)
        grid.addWidget(_card("Leads by follow-up status", self.map), 1, 1)
        self.channel_empty = QLabel("No leads in this selection, so no channels to compare yet.")
        self.channel_empty.setEnabled(False)
        channels = QWidget()
        cl = QVBoxLayout(channels)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.channel_view)
        cl.addWidget(self.channel_empty)
        grid.addWidget(_card("Channels", channels, "sorted by pipeline per lead; click a column "
                             "to sort"), 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        content = QWidget()
        content.setObjectName("dashboardContent")
        col = QVBoxLayout(content)
        col.setContentsMargins(10, 6, 10, 10)
        col.setSpacing(8)
        col.addWidget(self.kpis)
        col.addWidget(_card("What to do", self.notes_label))
        col.addLayout(grid)
        col.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 0)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

    def _add_dates(self, bar: QHBoxLayout) -> None:
        self.date_check = QCheckBox("Dates", self)
        self.date_check.setObjectName("dateFilter")
        self.date_check.setToolTip("Only leads put on a list or first touched in this range "
                                   "(both dates inclusive)")
        self.date_from = QDateEdit(self)
        self.date_to = QDateEdit(self)
        for edit, name in ((self.date_from, "dateFrom"), (self.date_to, "dateTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda *_: self.refresh())
        today = QDate.currentDate()
        self.date_from.setDate(today.addDays(-90))
        self.date_to.setDate(today)
        self.date_check.toggled.connect(self._dates_toggled)
        bar.addWidget(self.date_check)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("–", self))
        bar.addWidget(self.date_to)
        bar.addSpacing(6)

    # -- filters ---------------------------------------------------------------------------
    def current_filter(self) -> MetricFilter:
        """The filter the widgets describe now."""
        dates = self.date_check.isChecked()
        return MetricFilter(
            event=self.event_combo.currentData(),
            date_from=self.date_from.date().toPython() if dates else None,
            date_to=self.date_to.date().toPython() if dates else None,
            rep=self.rep_combo.currentData(), segment=self.segment_combo.currentData(),
            channel=self.channel_combo.currentData())

    def set_filter(self, **values: Any) -> None:
        """Choose filter values by name (``rep="Sam Ortiz"``, ``event=None`` for all...)."""
        for key, value in values.items():
            combo = self.combos[key]
            if value is not None and combo.findData(value) < 0:
                combo.addItem(str(value), value)
            combo.setCurrentIndex(max(0, combo.findData(value)))

    def clear_filters(self) -> None:
        """Every rep, segment, channel and date (the event stays)."""
        for key in ("rep", "segment", "channel"):
            self.combos[key].setCurrentIndex(0)
        self.date_check.setChecked(False)

    def _fill_events(self) -> None:
        """The event choices (a few rows: read here); selects the window's event."""
        ev = self.ctx.current_event
        keep = self.event_combo.currentData() if self.data is not None else (
            ev["name"] if ev else None)
        self._set_options("event", [e["name"] for e in self.ctx.project.events()], keep)

    def _set_options(self, key: str, values: list[str], keep: str | None) -> None:
        combo = self.combos[key]
        have = [combo.itemData(i) for i in range(1, combo.count())]
        combo.blockSignals(True)
        if have != values:
            combo.clear()
            combo.addItem(ALL[key], None)
            for v in values:
                combo.addItem(v, v)
        combo.setCurrentIndex(max(0, combo.findData(keep)) if keep is not None else 0)
        combo.blockSignals(False)

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.refresh()

    # -- computing -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute soon (changes within ``DEBOUNCE_MS`` make one computation)."""
        self._dirty = False
        self.status_label.setText("<i>Updating…</i>")
        self._timer.start()

    def computing(self) -> bool:
        """True while a recomputation is scheduled or running."""
        return self._timer.isActive() or (self._handle is not None and not self._handle.done)

    def _compute(self) -> None:
        self.generation += 1
        generation = self.generation
        flt, sla, today = self.current_filter(), self.sla, self.today
        self._handle = self.ctx.run(
            lambda project, _p, _c: load_dashboard(project, flt, sla=sla, today=today),
            title="Computing the dashboard", show_progress=False, cancellable=False,
            on_success=lambda data: self._loaded(data, generation),
            on_failure=lambda exc, details: self._failed(exc, details, generation))

    def _loaded(self, data: DashboardData, generation: int) -> None:
        if generation != self.generation:
            return  # a newer computation is on its way
        self.data = data
        flt = data.filter
        self._set_options("event", data.options["event"], flt.event)
        for key in ("rep", "segment", "channel"):
            self._set_options(key, data.options[key], getattr(flt, key))
        m = data.metrics
        title, subtitle = report_title(m)
        self.title_label.setText(html.escape(title))
        self.subtitle_label.setText(html.escape(subtitle))
        currency = m.get("currency")
        self.kpis.set_kpis(m["kpis"], currency)
        self.funnel.set_funnel(m["funnel"])
        events = m.get("events") or []
        event_end = (events[0].get("end_date") or events[0].get("start_date")) \
            if len(events) == 1 else None
        self.follow_up_chart.set_series(m["over_time"], int(m["kpis"]["leads"]["value"] or 0),
                                        event_end)
        if not self.date_check.isChecked() and len(events) == 1 and events[0].get("start_date"):
            self.date_from.blockSignals(True)  # the range a user would start from
            self.date_from.setDate(QDate.fromString(events[0]["start_date"][:10], "yyyy-MM-dd"))
            self.date_from.blockSignals(False)
        self.rep_chart.set_reps(m["by_rep"])
        self.map.set_points(data.points)
        self.channel_model.set_table(data.channels)
        n, view = self.channel_model.rowCount(), self.channel_view
        self.channel_empty.setVisible(n == 0)
        view.setFixedHeight(min(MAX_CHANNEL_ROWS, n) * view.verticalHeader().defaultSectionSize()
                            + view.horizontalHeader().sizeHint().height() + 4)
        self._show_notes(data.notes)
        note = f"Filter reset: {', '.join(data.dropped)} no longer exists" if data.dropped else ""
        self.status_label.setText(f"<span style='color:#b7791f'>{note}</span>" if note else "")
        if self._timer.isActive():
            self.status_label.setText("<i>Updating…</i>")

    def _show_notes(self, notes: list[str]) -> None:
        if not notes:
            self.notes_label.setText("Nothing stands out: follow-up and conversion are on track.")
            return
        items = "".join(f"<li style='margin-bottom:6px'>{html.escape(n)}</li>" for n in notes)
        self.notes_label.setText(f"<ul style='margin-left:-18px'>{items}</ul>")

    def _failed(self, exc: BaseException, details: str, generation: int) -> None:
        if generation != self.generation:
            return
        self.status_label.setText(f"<span style='color:#c0392b'>Could not compute the metrics: "
                                  f"{html.escape(str(exc))}</span>")
        if not isinstance(exc, GtmError):
            self.ctx.show_error(exc, details)

    def _data_changed(self, tables: frozenset[str]) -> None:
        if not tables & RELOAD_ON:
            return
        if "events" in tables:
            self._fill_events()
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def _event_changed(self) -> None:
        ev = self.ctx.current_event
        self._set_options("event", [e["name"] for e in self.ctx.project.events()],
                          ev["name"] if ev else None)
        self.refresh()

    def page_shown(self) -> None:
        """Main-window hook: catch up on changes made while another page was shown."""
        if self._dirty:
            self.refresh()

    def busy(self) -> bool:
        """True while a report is being written."""
        return self._export_handle is not None and not self._export_handle.done

    # -- export ----------------------------------------------------------------------------
    def export_report(self, kind: str, path: str | Path | None = None) -> OpHandle | None:
        """Write the report for the current filter as ``kind`` ("xlsx" or "pdf")."""
        if path is None:
            path = self._ask_path(kind)
            if not path:
                return None
        out = Path(path)
        flt, sla, today = self.current_filter(), self.sla, self.today

        def op(project: Project, progress: Any, _cancelled: Any) -> dict[str, Any]:
            progress(0.2, "Computing the metrics")
            return run_report(project, event=flt.event, date_from=flt.date_from,
                              date_to=flt.date_to, rep=flt.rep, segment=flt.segment,
                              channel=flt.channel, sla=sla, today=today,
                              xlsx=out if kind == "xlsx" else None,
                              pdf=out if kind == "pdf" else None)

        self._set_exporting(True)
        self._export_handle = self.ctx.run(
            op, title=f"Writing the report ({kind})", cancellable=False,
            on_success=lambda result: self._exported(kind, out, result),
            on_failure=lambda exc, details: (self._set_exporting(False),
                                             self.ctx.show_error(exc, details)))
        return self._export_handle

    def _set_exporting(self, on: bool) -> None:
        self.xlsx_button.setEnabled(not on)
        self.pdf_button.setEnabled(not on)

    def _ask_path(self, kind: str) -> str:
        folder = self.ctx.settings.get(LAST_EXPORT_DIR) or str(Path.home())
        name = report_title(self.metrics)[0] if self.metrics else "GTM"
        name = "".join("-" if c in '/\\:*?"<>|' else c for c in name)
        label = "Excel workbook (*.xlsx)" if kind == "xlsx" else "PDF (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(self, "Export report",
                                              str(Path(folder) / f"{name} report.{kind}"), label)
        if path:
            path += "" if path.lower().endswith(f".{kind}") else f".{kind}"
            self.ctx.settings.set(LAST_EXPORT_DIR, str(Path(path).parent))
        return path

    def _exported(self, kind: str, path: Path, result: dict[str, Any]) -> None:
        self._set_exporting(False)
        self.last_export = {"kind": kind, "path": str(path), "result": result}
        url = QUrl.fromLocalFile(str(path)).toString()
        self.status_label.setText(f"Wrote <a href='{url}'>{html.escape(path.name)}</a>")
        self.ctx.status(f"Report written: {path}")


def make_page(ctx: PageContext) -> QWidget:
    """The Dashboard page (registered in :data:`gtmplanner.ui.pages.PAGES`)."""
    return DashboardPage(ctx)
