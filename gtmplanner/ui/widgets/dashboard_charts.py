"""The dashboard's charts (pyqtgraph): the funnel, follow-up over time, per-rep bars.

Each chart takes a slice of ``compute_metrics(...)`` as plain data and redraws in
a few milliseconds, so the page can update them on the GUI thread as soon as a
worker brings new numbers. They follow the widget palette (light or dark), do
not pan or zoom, and say so in words when there is nothing to draw yet.

* :class:`FunnelChart` — ``metrics["funnel"]``: MQL -> SQL -> Opportunity -> Won
  as centred bars, each with its count and its rate from the stage before.
* :class:`FollowUpChart` — ``metrics["over_time"]``: cumulative leads followed up,
  followed up within the SLA, and leads whose SLA came due, by day.
* :class:`RepBarsChart` — ``metrics["by_rep"]``: per rep, followed up, within SLA
  and overdue, over a faint bar of the rep's leads.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from gtmplanner.core.report import fmt_pct
from gtmplanner.ui.widgets import plot_colors

FOLLOWED = QColor("#3b7dd8")
WITHIN = QColor("#2e9e5b")
OVERDUE = QColor("#d2452f")
DUE = QColor("#e3a21a")
FUNNEL_COLORS = ("#9dc1ef", "#6aa2e6", "#3b7dd8", "#2e9e5b")


def legend_html(entries: Sequence[tuple[str, QColor, str]]) -> str:
    """A one-line legend in rich text: (name, colour, "line" | "dash" | "box") per entry."""
    marks = {"line": "━", "dash": "╍", "box": "■"}
    return "&nbsp;&nbsp;".join(
        f"<span style='color:{c.name(QColor.NameFormat.HexArgb)}'>{marks[kind]}</span>"
        f"&nbsp;{html.escape(name)}" for name, c, kind in entries)


def date_ticks(start: dt.date, end: dt.date, max_labels: int = 7) -> list[tuple[float, str]]:
    """Readable ticks between two dates: days or weeks ("Sep 21") or months ("Oct")."""
    span = max((end - start).days, 1)
    ticks: list[tuple[float, str]] = []
    step = next((d for d in (1, 2, 7, 14) if span / d <= max_labels), None)
    if step is not None:
        day = start if step < 7 else start + dt.timedelta(days=(7 - start.weekday()) % 7)
        while day <= end:
            ticks.append((_stamp(day), f"{day:%b} {day.day}"))
            day += dt.timedelta(days=step)
        return ticks
    months = next((m for m in (1, 2, 3, 6, 12) if span / (30.4 * m) <= max_labels), 12)
    y, m = start.year, start.month + 1
    while True:
        if m > 12:
            y, m = y + 1, m - 12
        day = dt.date(y, m, 1)
        if day > end:
            return ticks
        if (m - 1) % months == 0:
            ticks.append((_stamp(day), f"{day:%b}" if m != 1 else f"{day:%b %Y}"))
        m += 1


def _stamp(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day).timestamp()


class _Chart(pg.PlotWidget):
    """A static plot in the palette's colours with an "empty" message."""

    def __init__(self, empty_text: str, parent: QWidget | None = None,
                 axis_items: dict[str, pg.AxisItem] | None = None) -> None:
        super().__init__(parent, axisItems=axis_items)
        bg, fg, faint = plot_colors(self)
        self._fg, self._faint = fg, faint
        self.setBackground(bg)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMinimumSize(260, 190)
        plot = self.getPlotItem()
        plot.setContentsMargins(2, 6, 10, 2)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(faint))
            axis.setTextPen(pg.mkPen(fg))
        muted = QColor(fg)
        muted.setAlpha(150)
        self._empty = pg.TextItem(empty_text, color=muted, anchor=(0.5, 0.5))
        self._empty.setZValue(100)
        plot.addItem(self._empty, ignoreBounds=True)
        self._empty.setVisible(False)

    def _show_empty(self, on: bool, x: float = 0.5, y: float = 0.5, *,
                    axes: tuple[str, ...] = ("left", "bottom")) -> None:
        """Say there is nothing to draw (and hide the values of ``axes``) when ``on``."""
        self._empty.setVisible(on)
        self._empty.setPos(x, y)
        plot = self.getPlotItem()
        for name in axes:
            plot.getAxis(name).setStyle(showValues=not on)

    def _font(self, scale: float = 1.0, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(bold)
        return font


# -- funnel --------------------------------------------------------------------------------
class FunnelChart(_Chart):
    """MQL -> SQL -> Opportunity -> Won: centred bars with counts and step rates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("No marketing leads (MQLs) in this selection", parent)
        self.setObjectName("funnelChart")
        plot = self.getPlotItem()
        plot.hideAxis("bottom")
        plot.getAxis("left").setPen(pg.mkPen(None))
        plot.getAxis("left").setStyle(tickLength=0)
        self.stages: list[dict[str, Any]] = []
        self._bars: pg.BarGraphItem | None = None
        self._labels: list[pg.TextItem] = []
        self.set_funnel([])

    def set_funnel(self, stages: Sequence[Mapping[str, Any]]) -> None:
        """Show ``metrics["funnel"]`` (a list of {stage, count, rate_from_previous, ...})."""
        self.stages = [dict(s) for s in stages]
        plot = self.getPlotItem()
        if self._bars is not None:
            plot.removeItem(self._bars)
            self._bars = None
        for label in self._labels:
            plot.removeItem(label)
        self._labels = []
        n = len(self.stages)
        counts = np.array([float(s["count"]) for s in self.stages]) if n else np.zeros(0)
        top = float(counts.max()) if n and counts.max() > 0 else 0.0
        ys = np.arange(n, dtype=float)[::-1]  # first stage at the top
        plot.getAxis("left").setTicks([[(float(y), s["stage"]) for y, s in
                                        zip(ys, self.stages, strict=True)]])
        plot.setYRange(-0.6, max(n, 1) - 0.4, padding=0)
        plot.setXRange(-0.5, 1.22, padding=0)
        self._show_empty(top == 0, 0.36, (max(n, 1) - 1) / 2, axes=())
        if top == 0:
            self.setToolTip(self._tooltip() if n else "")
            return
        widths = np.where(counts > 0, np.maximum(counts / (top or 1.0), 0.012), 0.0)
        colors = [QColor(FUNNEL_COLORS[min(i, len(FUNNEL_COLORS) - 1)]) for i in range(n)]
        self._bars = pg.BarGraphItem(x=np.zeros(n), y=ys, width=widths, height=0.68,
                                     brushes=colors, pens=[pg.mkPen(c.darker(115)) if w else
                                                           pg.mkPen(None) for c, w in
                                                           zip(colors, widths, strict=True)])
        plot.addItem(self._bars)
        prev_name = None
        for y, w, s in zip(ys, widths, self.stages, strict=True):
            rate = s.get("rate_from_previous")
            extra = "" if prev_name is None else (
                f"  <span style='color:{self._muted()}'>{fmt_pct(rate)} of {prev_name}</span>")
            label = pg.TextItem(anchor=(0.0, 0.5))
            label.setHtml(f"<span style='color:{self._fg.name()}'><b>{int(s['count']):,}"
                          f"</b></span>{extra}")
            label.setFont(self._font(1.05))
            label.setPos(max(w / 2, 0.0) + 0.02, float(y))
            plot.addItem(label, ignoreBounds=True)
            self._labels.append(label)
            prev_name = s["stage"]
        self.setToolTip(self._tooltip())

    def _muted(self) -> str:
        c = QColor(self._fg)
        c.setAlpha(170)
        return c.name(QColor.NameFormat.HexArgb)

    def _tooltip(self) -> str:
        rows = "".join(
            f"<tr><td><b>{html.escape(s['stage'])}</b></td><td align=right>{s['count']:,}</td>"
            f"<td align=right>{'' if s.get('rate_from_previous') is None and i == 0 else fmt_pct(s.get('rate_from_previous'))}</td>"  # noqa: E501
            f"<td>{html.escape(s.get('definition') or '')}</td></tr>"
            for i, s in enumerate(self.stages))
        return ("<b>Marketing-lead funnel</b> (rate = share of the stage before)"
                f"<table cellspacing=4>{rows}</table>")


# -- follow-up over time -------------------------------------------------------------------
def _timestamps(dates: Sequence[str]) -> np.ndarray:
    """ISO dates -> POSIX seconds at local midnight (the x of the follow-up chart)."""
    return np.array([dt.datetime.fromisoformat(d[:10]).timestamp() for d in dates], dtype=float)


class FollowUpChart(_Chart):
    """Cumulative followed up, within SLA and SLA-due leads, by day."""

    SERIES = (("followed_up_cumulative", "Followed up", FOLLOWED, Qt.PenStyle.SolidLine),
              ("within_sla_cumulative", "Within SLA", WITHIN, Qt.PenStyle.SolidLine),
              ("due_cumulative", "SLA due", DUE, Qt.PenStyle.DashLine))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("No follow-up recorded yet: sync the reps' trackers back", parent)
        self.setObjectName("followUpChart")
        plot = self.getPlotItem()
        plot.showGrid(x=False, y=True, alpha=0.12)
        plot.getAxis("left").setWidth(40)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for key, _name, color, style in self.SERIES:
            curve = plot.plot([], [], pen=pg.mkPen(color, width=2.2, style=style))
            self.curves[key] = curve
        self._total = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen(
            self._faint, width=1, style=Qt.PenStyle.DotLine))
        self._total_label = pg.TextItem("", color=self._fg, anchor=(1.0, 1.0))
        self._total_label.setFont(self._font(0.9))
        plot.addItem(self._total, ignoreBounds=True)
        plot.addItem(self._total_label, ignoreBounds=True)
        self._event = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(
            self._faint, width=1, style=Qt.PenStyle.DashLine))
        self._event_label = pg.TextItem("event", color=self._fg, anchor=(-0.08, 0.0))
        self._event_label.setFont(self._font(0.85))
        plot.addItem(self._event, ignoreBounds=True)
        plot.addItem(self._event_label, ignoreBounds=True)
        self.points: list[dict[str, Any]] = []
        self.set_series([], 0)

    @classmethod
    def legend(cls) -> str:
        """The series' colours as a one-line rich-text legend."""
        return legend_html([(name, color, "dash" if style == Qt.PenStyle.DashLine else "line")
                            for _k, name, color, style in cls.SERIES])

    def set_series(self, points: Sequence[Mapping[str, Any]], total_leads: int,
                   event_end: str | None = None) -> None:
        """Show ``metrics["over_time"]``; ``total_leads`` draws the ceiling line and
        ``event_end`` (an ISO date) marks the event's last day."""
        self.points = [dict(p) for p in points]
        plot = self.getPlotItem()
        self._event.setVisible(False)
        self._event_label.setVisible(False)
        if not self.points:
            for curve in self.curves.values():
                curve.setData([], [])
            now = dt.datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
            x0 = now.timestamp()
            plot.setXRange(x0 - 14 * 86400, x0, padding=0)
            plot.setYRange(0, max(10, total_leads), padding=0.05)
            self._total.setVisible(False)
            self._total_label.setText("")
            self._show_empty(True, x0 - 7 * 86400, max(10, total_leads) / 2)
            return
        self._show_empty(False)
        xs = _timestamps([p["date"] for p in self.points])
        first = dt.date.fromisoformat(self.points[0]["date"][:10])
        last = dt.date.fromisoformat(self.points[-1]["date"][:10])
        plot.getAxis("bottom").setTicks([date_ticks(first, last), []])
        for key, curve in self.curves.items():
            ys = np.array([float(p[key]) for p in self.points])
            if key == "due_cumulative":
                curve.setData(np.append(xs, xs[-1] + 86400), ys, stepMode="center")
            else:
                curve.setData(xs, ys)
        top = max([float(total_leads)] + [float(p[k]) for p in self.points
                                          for k, *_ in self.SERIES])
        span = max(xs[-1] - xs[0], 86400.0)
        plot.setXRange(xs[0] - span * 0.02, xs[-1] + span * 0.04, padding=0)
        plot.setYRange(0, max(top, 1.0) * 1.1, padding=0)
        self._total.setVisible(total_leads > 0)
        self._total.setValue(float(total_leads))
        self._total_label.setText(f"{total_leads:,} leads" if total_leads else "")
        self._total_label.setPos(xs[-1] + span * 0.04, float(total_leads))
        if event_end:
            x_ev = float(_timestamps([event_end])[0])
            if xs[0] - span * 0.02 <= x_ev <= xs[-1]:
                self._event.setValue(x_ev)
                self._event_label.setPos(x_ev, max(top, 1.0) * 1.09)
                self._event.setVisible(True)
                self._event_label.setVisible(True)
        last = self.points[-1]
        self.setToolTip(
            f"As of {last['date']}: <b>{last['followed_up_cumulative']:,}</b> followed up, "
            f"<b>{last['within_sla_cumulative']:,}</b> within the SLA, "
            f"<b>{last['due_cumulative']:,}</b> came due (of {total_leads:,} leads).<br>"
            "Followed up: leads with a first touch by that day. Within SLA: first touch on or "
            "before the SLA due date. SLA due: leads whose due date has come.")


# -- per rep -------------------------------------------------------------------------------
class RepBarsChart(_Chart):
    """Per rep: followed up, within SLA and overdue bars over a faint bar of their leads."""

    SERIES = (("followed_up", "Followed up", FOLLOWED), ("within_sla", "Within SLA", WITHIN),
              ("overdue", "Overdue", OVERDUE))
    MAX_LABELLED = 10
    MIN_ROWS = 4  # a single rep's bars stay as thick as with four

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("No reps with leads in this selection", parent)
        self.setObjectName("repBarsChart")
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=False, alpha=0.12)
        plot.getAxis("left").setStyle(tickLength=0)
        plot.getAxis("left").setPen(pg.mkPen(None))
        lead_color = QColor(self._fg)
        lead_color.setAlpha(28)
        self._lead_brush = pg.mkBrush(lead_color)
        self._items: list[Any] = []
        self.rows: list[dict[str, Any]] = []
        self._lead_color = QColor(self._fg)
        self._lead_color.setAlpha(60)
        self.set_reps([])

    def legend(self) -> str:
        """The bars' colours as a one-line rich-text legend."""
        return legend_html([("Leads", self._lead_color, "box")]
                           + [(name, color, "box") for _k, name, color in self.SERIES])

    def set_reps(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Show ``metrics["by_rep"]`` (reps without leads are left out)."""
        self.rows = [dict(r) for r in rows if r.get("leads")]
        plot = self.getPlotItem()
        for item in self._items:
            plot.removeItem(item)
        self._items = []
        n = len(self.rows)
        ys = np.arange(n, dtype=float)[::-1]
        plot.getAxis("left").setTicks([[(float(y), str(r["name"])) for y, r in
                                        zip(ys, self.rows, strict=True)]])
        top = max([float(r["leads"]) for r in self.rows] + [1.0])
        plot.setYRange(n - max(n, self.MIN_ROWS) - 0.6, max(n, 1) - 0.4, padding=0)
        plot.setXRange(0, top * 1.12, padding=0)
        self._show_empty(not n, top * 0.56, (max(n, 1) - 1) / 2, axes=("bottom",))
        plot.showGrid(x=bool(n), y=False, alpha=0.12)
        if not n:
            self.setToolTip("")
            return
        leads = pg.BarGraphItem(x0=np.zeros(n), y=ys, height=0.84,
                                width=np.array([float(r["leads"]) for r in self.rows]),
                                brush=self._lead_brush, pen=pg.mkPen(self._faint))
        plot.addItem(leads)
        self._items.append(leads)
        h = 0.24
        small = self._font(0.85)
        for i, (key, _name, color) in enumerate(self.SERIES):
            vals = np.array([float(r[key]) for r in self.rows])
            y = ys + (1 - i) * h
            bars = pg.BarGraphItem(x0=np.zeros(n), y=y, height=h * 0.9, width=vals,
                                   brush=color, pen=pg.mkPen(color.darker(115)))
            plot.addItem(bars)
            self._items.append(bars)
            if n > self.MAX_LABELLED:
                continue
            for yy, v in zip(y, vals, strict=True):
                label = pg.TextItem(f"{int(v):,}", color=self._fg, anchor=(0.0, 0.5))
                label.setFont(small)
                label.setPos(float(v) + top * 0.01, float(yy))
                plot.addItem(label, ignoreBounds=True)
                self._items.append(label)
        self.setToolTip(self._tooltip())

    def _tooltip(self) -> str:
        head = ("<tr><th align=left>Rep</th><th>Leads</th><th>Followed up</th>"
                "<th>Within SLA</th><th>Overdue</th></tr>")
        rows = "".join(
            f"<tr><td>{html.escape(str(r['name']))}</td><td align=right>{r['leads']:,}</td>"
            f"<td align=right>{r['followed_up']:,} ({fmt_pct(r['followed_up_rate'])})</td>"
            f"<td align=right>{r['within_sla']:,} ({fmt_pct(r['within_sla_rate'])})</td>"
            f"<td align=right>{r['overdue']:,}</td></tr>" for r in self.rows)
        return f"<table cellspacing=4>{head}{rows}</table>"
