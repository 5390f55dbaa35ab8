"""The dashboard's attendee map: every lead at their location, coloured by follow-up status.

Offline, like the Event page's map: people are placed at their longitude and
latitude in kilometres around the event (:func:`gtmplanner.core.selection.
project_points`), spread a little when they share a city's point
(:func:`~gtmplanner.core.selection.display_offsets`) and drawn with the fast
:class:`~gtmplanner.ui.widgets.point_cloud.PointCloud`. Colours say where each
lead stands: overdue, not due yet, followed up late, followed up within the SLA,
or meeting / opportunity. The view fits the bulk of the leads (the farthest
few are counted, not zoomed out to).

:func:`load_status_points` does the reading (on a worker; no widgets) and
:class:`AttendeeStatusMap` draws what it returns.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gtmplanner.core import geo
from gtmplanner.core.metrics import SQL_STATUSES, MetricFilter, SlaRules, lead_frame
from gtmplanner.core.selection import display_offsets, project_points, unproject_points
from gtmplanner.ui.widgets import EVENT_ACCENT, event_marker, is_dark, plot_colors
from gtmplanner.ui.widgets.point_cloud import PointCloud, PointStyle

if TYPE_CHECKING:
    from gtmplanner.core.store import Project

#: (label, colour, what it means), indexed by status code; drawn in this order (last on top).
STATUSES: tuple[tuple[str, str, str], ...] = (
    ("Not due yet", "#9aa1a9", "not followed up; the SLA due date has not passed"),
    ("Followed up late", "#e3a21a", "first touch after the SLA due date"),
    ("Within SLA", "#2e9e5b", "first touch on or before the SLA due date"),
    ("Meeting or opportunity", "#7b52c7", "status Meeting booked or Opportunity created"),
    ("Overdue", "#d2452f", "still Not contacted or Attempted after the SLA due date"),
)
NOT_DUE, LATE, WITHIN, MEETING, OVERDUE = range(len(STATUSES))
ACCENT = EVENT_ACCENT
FIT_SHARE = 0.75  # the view fits this share of the leads around their middle, and the event
MIN_SPAN_KM = 40.0
DOT_PX = 7
SPREAD_CELLS = 30  # people within 1/30 of the view of each other are spread as one crowd


@dataclass
class StatusPoints:
    """Leads to draw: person ids, positions, status codes, the centre and labels."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    center: tuple[float, float] | None = None
    label: str = ""
    box: tuple[float, float, float, float] = (-50.0, 50.0, -50.0, 50.0)  # x0, x1, y0, y1 km
    cities: list[tuple[str, float, float]] = field(default_factory=list)
    unlocated: int = 0

    @property
    def leads(self) -> int:
        return len(self.ids) + self.unlocated


def status_codes(leads: pd.DataFrame) -> np.ndarray:
    """One status code (see :data:`STATUSES`) per row of a ``lead_frame``."""
    codes = np.full(len(leads), NOT_DUE, dtype=np.int8)
    codes[leads["followed_up"].to_numpy(dtype=bool)] = LATE
    codes[leads["within_sla"].to_numpy(dtype=bool)] = WITHIN
    codes[leads["status"].isin(SQL_STATUSES).to_numpy(dtype=bool)] = MEETING
    codes[leads["overdue"].to_numpy(dtype=bool)] = OVERDUE
    return codes


def fit_box(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) in km: the event (0, 0) and the ``FIT_SHARE`` of the points closest to
    their median, so a few far-away leads do not shrink the crowd to a dot."""
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return (-MIN_SPAN_KM, MIN_SPAN_KM, -MIN_SPAN_KM, MIN_SPAN_KM)
    x, y = x[ok], y[ok]
    mx, my = float(np.median(x)), float(np.median(y))
    r = max(float(np.quantile(np.hypot(x - mx, y - my), FIT_SHARE)), MIN_SPAN_KM / 2)
    x0, x1 = min(mx - r, 0.0), max(mx + r, 0.0)
    y0, y1 = min(my - r, 0.0), max(my + r, 0.0)
    return (x0, x1, y0, y1)


def load_status_points(project: Project, flt: MetricFilter | None = None, *,
                       sla: SlaRules | None = None,
                       today: dt.date | None = None) -> StatusPoints:
    """The leads in ``flt`` with a location, their status and a centre (the event's place)."""
    leads = lead_frame(project, flt, sla=sla, today=today)
    out = StatusPoints()
    events = project.events()
    names = {e["name"] for e in events}
    in_scope = set(leads["event"].dropna()) & names
    want = (flt.event.casefold() if flt is not None and flt.event else None)
    event = next((e for e in events if want and e["name"].casefold() == want), None)
    if event is None and len(in_scope) == 1:
        event = next(e for e in events if e["name"] in in_scope)
    if event is not None and event.get("latitude") is not None:
        out.center = (float(event["latitude"]), float(event["longitude"]))
        out.label = str(event.get("city") or event["name"])
    if leads.empty:
        return out
    pid = leads["person_id"].dropna().astype("int64").unique()
    places = project.frame("people", ["latitude", "longitude"],
                           where="latitude IS NOT NULL AND longitude IS NOT NULL AND id IN "
                                 "(SELECT person_id FROM targets)")
    places = places[places.index.isin(pid)]
    codes = pd.Series(status_codes(leads), index=leads.index)
    have = leads["person_id"].isin(places.index).to_numpy()
    located = leads[have]
    out.unlocated = int((~have).sum())
    out.ids = located.index.to_numpy(np.int64)
    person = located["person_id"].astype("int64").to_numpy()
    out.lat = places["latitude"].reindex(person).to_numpy(float, na_value=np.nan)
    out.lon = places["longitude"].reindex(person).to_numpy(float, na_value=np.nan)
    out.codes = codes[have].to_numpy(np.int8)
    if out.center is None and len(out.lat):
        out.center = (float(np.nanmedian(out.lat)), float(np.nanmedian(out.lon)))
    if out.center is not None and len(out.lat):
        out.box = fit_box(*project_points(out.lat, out.lon, *out.center))
        x0, x1, y0, y1 = out.box
        half = max(x1 - x0, y1 - y0) / 2
        lat_c, lon_c = unproject_points((x0 + x1) / 2, (y0 + y1) / 2, *out.center)
        min_pop = 50_000 if half <= 150 else 150_000 if half <= 600 else 1_000_000
        out.cities = [(p.name, float(p.latitude), float(p.longitude)) for p in
                      geo.nearby_cities(float(lat_c), float(lon_c), half * 2.8,
                                        min_population=min_pop, limit=60)]
    return out


class AttendeeStatusMap(QWidget):
    """A legend with counts above an offline map of leads coloured by status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attendeeStatusMap")
        self.data = StatusPoints()
        self.legend = QLabel(self)
        self.legend.setObjectName("mapLegend")
        self.legend.setWordWrap(True)
        self.plot = pg.PlotWidget(self)
        bg, fg, faint = plot_colors(self)
        self._fg, self._faint = fg, faint
        halo = QColor(bg)
        halo.setAlpha(175)
        self._halo = pg.mkBrush(halo)
        self.plot.setBackground(bg)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMinimumSize(260, 220)
        item = self.plot.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.setContentsMargins(0, 0, 0, 0)
        self._vb = item.getViewBox()
        self._vb.setAspectLocked(True, 1.0)
        outline = QColor(255, 255, 255, 110) if is_dark(self) else QColor(0, 0, 0, 70)
        self._cloud = PointCloud([PointStyle(DOT_PX, QColor(c), outline, 0.6)
                                  for _n, c, _h in STATUSES])
        self._cloud.setZValue(40)  # over the city dots, under their names and the event
        self._vb.addItem(self._cloud)
        self._event, self._event_label = event_marker(self, fg, self._halo, size=20)
        muted = QColor(fg)
        muted.setAlpha(150)
        self._empty = pg.TextItem("No leads with a known location in this selection",
                                  color=muted, anchor=(0.5, 0.5))
        for it in (self._event, self._event_label, self._empty):
            self._vb.addItem(it, ignoreBounds=True)
        self._city_items: list[pg.GraphicsObject] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        self.setToolTip("<b>Leads by follow-up status</b><br>" + "<br>".join(
            f"<span style='color:{c}'>●</span> <b>{html.escape(n)}</b>: {html.escape(h)}"
            for n, c, h in STATUSES) + "<br>Drag to pan, wheel to zoom.")
        self.set_points(StatusPoints())

    def counts(self) -> dict[str, int]:
        """How many leads on the map per status label."""
        bins = np.bincount(self.data.codes.astype(np.intp), minlength=len(STATUSES))
        return {n: int(c) for (n, _c, _h), c in zip(STATUSES, bins, strict=True)}

    def set_points(self, data: StatusPoints) -> None:
        """Draw ``data`` (from :func:`load_status_points`) and fit the view to it."""
        self.data = data
        center = data.center or (0.0, 0.0)
        x, y = self._draw_points()
        has_event = data.center is not None and bool(data.label)
        self._event.setData([0.0] if has_event else [], [0.0] if has_event else [])
        self._event_label.setText(data.label if has_event else "")
        self._event_label.setPos(0.0, 0.0)
        self._set_cities(data, center)
        self._empty.setVisible(not len(data.ids))
        x0, x1, y0, y1 = data.box
        self._empty.setPos(0.0, y0 + (y1 - y0) * 0.75)
        self._update_legend(x, y)
        self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if len(self.data.ids):  # crowds, names and "farther away" depend on the size
            x, y = self._draw_points()
            self._set_cities(self.data, self.data.center or (0.0, 0.0))
            self._update_legend(x, y)

    def _draw_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Place and draw the points; returns their map x, y (km) in the data's order."""
        data = self.data
        center = data.center or (0.0, 0.0)
        x0, x1, y0, y1 = data.box
        span = max(x1 - x0, y1 - y0, MIN_SPAN_KM)
        if len(data.ids):
            # people close together at this scale (one grid cell of the view) are spread
            # over a disc whose area grows with their number, so a crowd reads as a crowd
            cell = span / SPREAD_CELLS / 111.0  # degrees
            snap_lat = np.round(data.lat / cell) * cell
            snap_lon = np.round(data.lon / cell) * cell
            px = max(120, min(self.plot.width(), self.plot.height()))
            dot_km = DOT_PX * span * 1.16 / px
            dx, dy = display_offsets(data.ids, snap_lat, snap_lon, per_person_km=dot_km * 0.6,
                                     min_km=dot_km * 0.5, max_km=span / 7)
            x, y = project_points(data.lat, data.lon, *center)
            x, y = x + dx, y + dy
        else:
            x = y = np.zeros(0)
        # a fixed shuffle: where statuses overlap, the colours mix as their shares do
        order = np.argsort((data.ids * 2654435761) % 4294967291, kind="stable")
        self._cloud.setData(x[order], y[order], data.codes[order])
        return x, y

    def fit(self) -> None:
        """Show the event and the bulk of the leads (see :func:`fit_box`)."""
        x0, x1, y0, y1 = self.data.box
        self._vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.08)

    def _view(self) -> tuple[float, float, float, float]:
        """(middle x, middle y, half width, half height) in km of what :meth:`fit` shows:
        the box padded and widened to the plot's shape (the aspect is locked)."""
        x0, x1, y0, y1 = self.data.box
        w, h = max(self.plot.width(), 1), max(self.plot.height(), 1)
        km_px = max((x1 - x0) * 1.16 / w, (y1 - y0) * 1.16 / h)
        return (x0 + x1) / 2, (y0 + y1) / 2, w * km_px / 2, h * km_px / 2

    def _set_cities(self, data: StatusPoints, center: tuple[float, float]) -> None:
        for it in self._city_items:
            self._vb.removeItem(it)
        self._city_items = []
        if not data.cities:
            return
        x0, x1, y0, y1 = data.box
        gap = max(x1 - x0, y1 - y0) * 0.22
        mx, my, hx, hy = self._view()
        hx, hy = hx * 0.88, hy * 0.84  # inside the edges, so names are not cut
        shown: list[tuple[float, float]] = [(0.0, 0.0)]
        xs, ys, names = [], [], []
        for name, lat, lon in data.cities:
            cx, cy = project_points(lat, lon, *center)
            cx, cy = float(cx), float(cy)
            if abs(cx - mx) > hx or abs(cy - my) > hy or \
                    any(np.hypot(cx - a, cy - b) < gap for a, b in shown):
                continue
            shown.append((cx, cy))
            xs.append(cx)
            ys.append(cy)
            names.append(name)
        if not xs:
            return
        dots = pg.ScatterPlotItem(xs, ys, pxMode=True, size=4, symbol="s",
                                  brush=pg.mkBrush(self._fg), pen=None)
        dots.setZValue(30)
        self._vb.addItem(dots, ignoreBounds=True)
        self._city_items.append(dots)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        for cx, cy, name in zip(xs, ys, names, strict=True):
            label = pg.TextItem(name, color=self._fg, anchor=(-0.08, 0.5), fill=self._halo)
            label.setFont(font)
            label.setPos(cx, cy)
            label.setZValue(45)  # names stay readable over a crowd
            self._vb.addItem(label, ignoreBounds=True)
            self._city_items.append(label)

    def _update_legend(self, x: np.ndarray, y: np.ndarray) -> None:
        counts = self.counts()
        parts = [f"<span style='color:{c}; font-size:large'>●</span>&nbsp;{html.escape(n)}"
                 f"&nbsp;<b>{counts[n]:,}</b>" for n, c, _h in STATUSES]
        mx, my, hx, hy = self._view()
        outside = int(np.count_nonzero((np.abs(x - mx) > hx) | (np.abs(y - my) > hy)))
        notes = []
        if outside:
            notes.append(f"{outside:,} farther away (zoom out)")
        if self.data.unlocated:
            notes.append(f"{self.data.unlocated:,} without a location")
        extra = (f"&nbsp;&nbsp;<span style='color:{self._muted()}'>· "
                 + " · ".join(notes) + "</span>") if notes else ""
        self.legend.setText("&nbsp;&nbsp; ".join(parts) + extra)

    def _muted(self) -> str:
        c = QColor(self._fg)
        c.setAlpha(160)
        return c.name(QColor.NameFormat.HexArgb)
