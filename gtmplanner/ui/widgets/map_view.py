"""An offline map of attendees around the event: points by tier, rings, city labels, lasso.

No tiles and no network: people are drawn at their longitude/latitude through
:func:`gtmplanner.core.selection.project_points` (kilometres east/north of the
event, scaled by ``cos(lat)`` so distances look right), with great-circle
radius rings, the event as a star and labels for nearby cities.

It is built for 100,000+ points: one :class:`~gtmplanner.ui.widgets.point_cloud.
PointCloud` holds every person as numpy arrays (x, y, tier) and paints them in
one ``drawPixmapFragments`` call; there is no Python object per person. The
selection (radius or lasso) is drawn vivid and everyone else faded; a lasso
also keeps its outline.

Selecting: :meth:`MapView.set_selection` takes a mask (the page's radius
selection); a lasso (Shift+drag, or drag while :attr:`MapView.lasso_mode` is on)
or :meth:`MapView.select_polygon` selects the people inside a polygon. Every
change emits :attr:`MapView.selection_changed` with the number selected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPolygonItem, QWidget

from gtmplanner.core import geo
from gtmplanner.core.gazetteer import Place
from gtmplanner.core.selection import (
    display_offsets,
    points_in_polygon,
    project_points,
    ring,
    unproject_points,
)
from gtmplanner.ui.widgets import (
    EVENT_ACCENT,
    TIERS,
    event_marker,
    is_dark,
    plot_colors,
    tier_color,
)
from gtmplanner.ui.widgets.point_cloud import PointCloud, PointStyle

ACCENT = EVENT_ACCENT
NICE_STEPS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
CLICK_RADIUS_PX = 8


class _MapViewBox(pg.ViewBox):
    """A ViewBox that draws a lasso on Shift+drag (or in lasso mode) instead of panning."""

    lasso_finished = Signal(object)  # np.ndarray (n, 2) of map coordinates
    clicked = Signal(object)  # QPointF in map coordinates

    def __init__(self) -> None:
        super().__init__(lockAspect=1.0, enableMenu=False)
        self.lasso_mode = False
        self._points: list[tuple[float, float]] = []
        self._path = pg.PlotCurveItem(pen=pg.mkPen(ACCENT, width=2, style=Qt.PenStyle.DashLine))
        self._path.setZValue(50)
        self.addItem(self._path, ignoreBounds=True)

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:  # noqa: N802
        lasso = self.lasso_mode or bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if ev.button() != Qt.MouseButton.LeftButton or not (lasso or self._points):
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isStart():
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self._points = [(start.x(), start.y())]
        pos = self.mapSceneToView(ev.scenePos())
        self._points.append((pos.x(), pos.y()))
        xs, ys = zip(*self._points, self._points[0], strict=True)
        self._path.setData(np.array(xs), np.array(ys))
        if ev.isFinish():
            polygon = np.array(self._points, dtype=float)
            self._points = []
            self._path.setData([], [])
            self.lasso_finished.emit(polygon)

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(self.mapSceneToView(ev.scenePos()))
            return
        super().mouseClickEvent(ev)


class MapView(pg.PlotWidget):
    """Attendees on a flat map around the event; radius and lasso select them."""

    selection_changed = Signal(int)  # how many people are selected now
    point_clicked = Signal(int)  # the row (position in the arrays given) that was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        self._vb = _MapViewBox()
        super().__init__(parent, viewBox=self._vb)
        self.setObjectName("mapView")
        bg, fg, faint = plot_colors(self)
        self._fg, self._faint = fg, faint
        halo = QColor(bg)
        halo.setAlpha(170)
        self._halo = pg.mkBrush(halo)
        self.setBackground(bg)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setMinimumSize(360, 300)
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setContentsMargins(0, 0, 0, 0)
        self._center: tuple[float, float] = (0.0, 0.0)
        self._label = ""
        self._lat = np.empty(0)
        self._lon = np.empty(0)
        self._codes = np.empty(0, dtype=np.int8)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._dx = np.empty(0)
        self._dy = np.empty(0)
        self._selected = np.zeros(0, dtype=bool)
        self._selection_active = False
        self._polygon: np.ndarray | None = None  # lon/lat vertices of the last lasso
        self._radius_km = 0.0
        self._unit = "mi"
        self._decor: list[Any] = []
        self._city_items: list[Any] = []
        self._faded, self._vivid = self._make_point_items()
        self._ring_fill = QGraphicsPolygonItem()
        self._ring_fill.setPen(QPen(QColor(ACCENT), 0))
        fill = QColor(ACCENT)
        fill.setAlpha(22)
        self._ring_fill.setBrush(QBrush(fill))
        self._ring_fill.setZValue(-10)
        self._ring_label = pg.TextItem("", color=ACCENT, anchor=(0.5, 1.0))
        self._ring_label.setZValue(40)
        self._event, self._event_label = event_marker(self, fg, self._halo, size=22)
        self._lasso_outline = pg.PlotCurveItem(pen=pg.mkPen(ACCENT, width=1.5))
        self._lasso_outline.setZValue(45)
        for item in (self._ring_fill, self._ring_label, self._event, self._event_label,
                     self._lasso_outline):
            self._vb.addItem(item, ignoreBounds=True)
        self._vb.lasso_finished.connect(self._lasso_drawn)
        self._vb.clicked.connect(self._clicked)

    def _make_point_items(self) -> tuple[PointCloud, PointCloud]:
        """(faded, vivid) point clouds; the style index is the tier code."""
        outline = QColor(0, 0, 0, 80) if not is_dark(self) else QColor(255, 255, 255, 80)
        faded = PointCloud([PointStyle(5, tier_color(t, 70)) for t in TIERS])
        vivid = PointCloud([PointStyle(7, tier_color(t, 225), outline, 0.6) for t in TIERS])
        faded.setZValue(4)
        vivid.setZValue(5)
        self._vb.addItem(faded)
        self._vb.addItem(vivid)
        return faded, vivid

    # -- data --------------------------------------------------------------------------
    def set_center(self, lat0: float, lon0: float, label: str = "") -> None:
        """Centre the projection on the event at (lat0, lon0); points are re-projected."""
        self._center = (float(lat0), float(lon0))
        self._label = label
        self._event.setData([0.0], [0.0])
        self._event_label.setText(label)
        self._event_label.setPos(0.0, 0.0)
        self._project()
        self._redraw_points()
        self._redraw_rings()

    def set_people(self, lat: Any, lon: Any, tier_codes: Any, ids: Any = None) -> None:
        """The people to draw: arrays of latitude, longitude and tier code (0=A … 3=D).

        With ``ids``, people who share a location are drawn spread around it
        (:func:`~gtmplanner.core.selection.display_offsets`, the same offset for an
        id every time) so a city's attendees do not hide behind one dot. Rows with
        an unknown location are kept (so positions match the caller's arrays) but
        never drawn or selected. The selection is cleared.
        """
        self._lat = np.asarray(lat, dtype=float)
        self._lon = np.asarray(lon, dtype=float)
        codes = np.asarray(tier_codes, dtype=np.int8)
        self._codes = np.where((codes >= 0) & (codes < len(TIERS)), codes, len(TIERS) - 1)
        self._selected = np.zeros(len(self._lat), dtype=bool)
        self._selection_active = False
        self._polygon = None
        self._lasso_outline.setData([], [])
        if ids is not None:
            self._dx, self._dy = display_offsets(ids, self._lat, self._lon)
        else:
            self._dx = self._dy = np.zeros(len(self._lat))
        self._project()
        self._redraw_points()
        self.selection_changed.emit(0)

    def _project(self) -> None:
        x, y = project_points(self._lat, self._lon, *self._center)
        self._x = x + self._dx if len(self._dx) == len(x) else x
        self._y = y + self._dy if len(self._dy) == len(y) else y

    def set_radius(self, radius_km: float, unit: str = "mi") -> None:
        """Draw the selection ring at ``radius_km`` (labelled in ``unit``) and reference rings."""
        self._radius_km = float(radius_km)
        self._unit = unit
        self._redraw_rings()

    def set_cities(self, places: Sequence[Place], min_gap_km: float | None = None) -> None:
        """Label ``places`` (biggest first), skipping ones too close to a label already shown."""
        for item in self._city_items:
            self._vb.removeItem(item)
        self._city_items = []
        gap = min_gap_km if min_gap_km is not None else max(4.0, self._radius_km * 0.16)
        shown: list[tuple[float, float]] = [(0.0, 0.0)]
        xs, ys, names = [], [], []
        for place in places:
            x, y = project_points(place.latitude, place.longitude, *self._center)
            x, y = float(x), float(y)
            if any(np.hypot(x - sx, y - sy) < gap for sx, sy in shown):
                continue
            shown.append((x, y))
            xs.append(x)
            ys.append(y)
            names.append(place.name)
        if not xs:
            return
        dots = pg.ScatterPlotItem(xs, ys, pxMode=True, size=5, symbol="s",
                                  brush=pg.mkBrush(self._fg), pen=None)
        dots.setZValue(30)
        self._vb.addItem(dots, ignoreBounds=True)
        self._city_items.append(dots)
        for x, y, name in zip(xs, ys, names, strict=True):
            label = pg.TextItem(name, color=self._fg, anchor=(-0.06, 0.5), fill=self._halo)
            label.setPos(x, y)
            label.setZValue(30)
            label.setFont(QFont(self.font()))
            self._vb.addItem(label, ignoreBounds=True)
            self._city_items.append(label)

    def fit(self, radius_km: float | None = None) -> None:
        """Show the area around the event out to 1.3 x ``radius_km`` (or all points)."""
        r = radius_km if radius_km else self._radius_km
        if r:
            self._vb.setRange(xRange=(-1.3 * r, 1.3 * r), yRange=(-1.3 * r, 1.3 * r), padding=0)
        else:
            self._vb.autoRange()

    def fit_all(self) -> None:
        """Show every person on the map (and the event)."""
        ok = np.isfinite(self._x) & np.isfinite(self._y)
        if not ok.any():
            self.fit()
            return
        x0, x1 = min(0.0, float(self._x[ok].min())), max(0.0, float(self._x[ok].max()))
        y0, y1 = min(0.0, float(self._y[ok].min())), max(0.0, float(self._y[ok].max()))
        self._vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.06)

    # -- selection -----------------------------------------------------------------------
    @property
    def lasso_mode(self) -> bool:
        """When on, a plain drag draws a lasso (otherwise Shift+drag does)."""
        return self._vb.lasso_mode

    @lasso_mode.setter
    def lasso_mode(self, on: bool) -> None:
        self._vb.lasso_mode = bool(on)
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)

    def selected(self) -> np.ndarray:
        """Boolean mask (one per person given to :meth:`set_people`) of the selection."""
        return self._selected.copy()

    def selected_count(self) -> int:
        """How many people are selected."""
        return int(self._selected.sum())

    def has_lasso(self) -> bool:
        """True when the selection comes from a lasso (not the radius)."""
        return self._polygon is not None

    def set_selection(self, mask: Any) -> None:
        """Select the people where ``mask`` is true (clears any lasso)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != self._lat.shape:
            raise ValueError("the selection mask does not match the people shown")
        self._polygon = None
        self._lasso_outline.setData([], [])
        self._apply_selection(mask & np.isfinite(self._x) & np.isfinite(self._y))

    def select_polygon(self, polygon: Any, *, lonlat: bool = True) -> int:
        """Select the people inside ``polygon`` ((lon, lat) vertices, or map x/y in km
        with ``lonlat=False``); returns how many were selected."""
        poly = np.asarray(polygon, dtype=float).reshape(-1, 2)
        if lonlat:
            px, py = project_points(poly[:, 1], poly[:, 0], *self._center)
            xy = np.column_stack([px, py])
        else:
            xy = poly
            lat, lon = unproject_points(poly[:, 0], poly[:, 1], *self._center)
            poly = np.column_stack([lon, lat])
        mask = points_in_polygon(self._x, self._y, xy)
        self._polygon = poly
        closed = np.vstack([xy, xy[:1]])
        self._lasso_outline.setData(closed[:, 0], closed[:, 1])
        self._apply_selection(mask)
        return int(mask.sum())

    def lasso_polygon(self) -> np.ndarray | None:
        """The (lon, lat) vertices of the current lasso, if the selection is one."""
        return None if self._polygon is None else self._polygon.copy()

    def _lasso_drawn(self, polygon: np.ndarray) -> None:
        if len(polygon) >= 3:
            self.select_polygon(_simplify(polygon, self._vb.viewPixelSize()), lonlat=False)

    def _apply_selection(self, mask: np.ndarray) -> None:
        self._selected = mask
        self._selection_active = True
        self._redraw_points()
        self.selection_changed.emit(int(mask.sum()))

    def _clicked(self, pos: QPointF) -> None:
        if not len(self._x):
            return
        sx, sy = self._vb.viewPixelSize()
        with np.errstate(invalid="ignore"):
            d = np.hypot((self._x - pos.x()) / sx, (self._y - pos.y()) / sy)
        d = np.where(np.isfinite(d), d, np.inf)
        i = int(np.argmin(d))
        if d[i] <= CLICK_RADIUS_PX:
            self.point_clicked.emit(i)

    # -- drawing -------------------------------------------------------------------------
    def _redraw_points(self) -> None:
        """Selected people vivid, everyone else faded (all vivid when nothing is selected)."""
        sel = self._selected if len(self._selected) == len(self._x) else \
            np.zeros(len(self._x), dtype=bool)
        if not self._selection_active:
            sel = np.ones(len(self._x), dtype=bool)
        self._vivid.setData(self._x[sel], self._y[sel], self._codes[sel])
        self._faded.setData(self._x[~sel], self._y[~sel], self._codes[~sel])

    def _redraw_rings(self) -> None:
        for item in self._decor:
            self._vb.removeItem(item)
        self._decor = []
        r = self._radius_km
        if r <= 0:
            self._ring_fill.setPolygon(QPolygonF())
            self._ring_label.setText("")
            return
        rx, ry = self._ring_xy(r)
        self._ring_fill.setPolygon(QPolygonF([QPointF(float(a), float(b))
                                              for a, b in zip(rx, ry, strict=True)]))
        self._ring_label.setText(_distance_text(r, self._unit))
        self._ring_label.setPos(0.0, float(ry.max()))
        unit_km = geo.KM_PER_MI if self._unit == "mi" else 1.0
        r_units = r / unit_km
        faint = pg.mkPen(self._faint, width=1, style=Qt.PenStyle.DashLine)
        for step in NICE_STEPS:
            if not (r_units * 0.3 <= step <= r_units * 2.6) or abs(step - r_units) < r_units * 0.2:
                continue
            x, y = self._ring_xy(step * unit_km)
            curve = pg.PlotCurveItem(x, y, pen=faint)
            curve.setZValue(-5)
            label = pg.TextItem(f"{step:g} {self._unit}", color=self._faint.darker(60)
                                if not is_dark(self) else self._faint.lighter(160),
                                anchor=(0.5, 1.0))
            label.setPos(0.0, float(y.max()))
            for item in (curve, label):
                self._vb.addItem(item, ignoreBounds=True)
                self._decor.append(item)

    def _ring_xy(self, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
        lat, lon = ring(*self._center, radius_km)
        return project_points(lat, lon, *self._center)


def _distance_text(km: float, unit: str) -> str:
    value = geo.km_to_mi(km) if unit == "mi" else km
    return f"{value:,.0f} {unit}" if value >= 10 else f"{value:,.1f} {unit}"


def _simplify(polygon: np.ndarray, pixel: tuple[float, float], min_px: float = 3.0) -> np.ndarray:
    """Drop lasso vertices closer than ``min_px`` screen pixels to the previous kept one."""
    sx, sy = (abs(float(pixel[0])) or 1.0), (abs(float(pixel[1])) or 1.0)
    kept = [polygon[0]]
    for p in polygon[1:]:
        if np.hypot((p[0] - kept[-1][0]) / sx, (p[1] - kept[-1][1]) / sy) >= min_px:
            kept.append(p)
    return np.array(kept)
