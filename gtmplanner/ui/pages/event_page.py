"""The event & location page: where and when the event is, and who is around it.

Left: the event picker and its fields (the city autocompletes from the offline
gazetteer and resolves to a place with latitude/longitude), the radius (slider,
km/mi) with a live count, and the map selection with "Save selection as
segment…". Right: the :class:`~gtmplanner.ui.widgets.map_view.MapView` with
people coloured by tier, radius rings and nearby cities; Shift+drag (or the
Lasso button) draws a lasso.

People are read once per event on a worker (:func:`load_map_data`); radius
changes are numpy work on arrays already in memory. Saving the event and
saving a segment run through ``ctx.run`` on the writer thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import geo, selection
from gtmplanner.core.errors import GtmError
from gtmplanner.core.store import Project
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages.event_form import EventForm
from gtmplanner.ui.widgets import TIERS, tier_color
from gtmplanner.ui.widgets.map_view import MapView
from gtmplanner.ui.workers import OpHandle

TITLE = "Event & map"
DEFAULT_RADIUS_MI = 50
MAX_RADIUS = 1000  # in the chosen unit
RELOAD_ON = frozenset({"people", "events", "targets"})


# -- work done off the GUI thread (no widgets here) ----------------------------------------
@dataclass
class MapData:
    """People to draw: ids, positions, tier codes, registration and a few facts for clicks."""

    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    codes: np.ndarray
    registered: np.ndarray
    info: pd.DataFrame


def load_map_data(project: Project, event: dict[str, Any] | None) -> MapData:
    """Everyone with a known location, their tier (a tier set by hand wins) and registration."""
    geo.get_gazetteer()  # warm the gazetteer here, not on the GUI thread
    cols = ["full_name", "title", "company", "latitude", "longitude", "tier", "tier_override",
            "score"]
    have = set(project.columns("people"))
    people = project.frame("people", [c for c in cols if c in have],
                           where="latitude IS NOT NULL AND longitude IS NOT NULL")
    tier = people.get("tier_override", pd.Series(index=people.index, dtype="string"))
    tier = tier.astype("string").fillna(people.get("tier", pd.Series(dtype="string"))
                                        .astype("string"))
    codes = pd.Categorical(tier, categories=list(TIERS)).codes.astype(np.int8)
    codes[codes < 0] = len(TIERS) - 1
    registered = np.zeros(len(people), dtype=bool)
    if event is not None:
        rows = project.conn.execute("SELECT DISTINCT person_id FROM event_people WHERE "
                                    "event_id = ?", (event["id"],)).fetchall()
        registered = people.index.isin([r[0] for r in rows])
    info = pd.DataFrame({"name": people.get("full_name"), "title": people.get("title"),
                         "company": people.get("company"), "tier": tier,
                         "score": people.get("score")}, index=people.index)
    return MapData(people.index.to_numpy(np.int64),
                   people["latitude"].to_numpy(float, na_value=np.nan),
                   people["longitude"].to_numpy(float, na_value=np.nan), codes, registered, info)


# -- the page ------------------------------------------------------------------------------
class EventPage(QWidget):
    """Event details, radius and selection on the left; the attendee map on the right."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventPage")
        self.ctx = ctx
        self._data: MapData | None = None
        self._visible = np.zeros(0, dtype=np.int64)  # rows of _data on the map
        self._distance = np.zeros(0)  # km from the event, per visible row
        self._radius_km = geo.mi_to_km(DEFAULT_RADIUS_MI)
        self._loading: OpHandle | None = None
        self._load_generation = 0
        self._radius_timer = QTimer(self)
        self._radius_timer.setSingleShot(True)
        self._radius_timer.setInterval(40)
        self._radius_timer.timeout.connect(self._radius_settled)

        self.map = MapView()
        self.map.selection_changed.connect(self._selection_changed)
        self.map.point_clicked.connect(self._point_clicked)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 6, 0)
        self.form = EventForm(ctx)
        self.form.place_changed.connect(self._recenter)
        column.addWidget(self.form)
        column.addWidget(self._radius_box())
        column.addWidget(self._selection_box())
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(left)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(left.sizeHint().width() + scroll.verticalScrollBar()
                             .sizeHint().width() + 8)
        self.hint = QLabel("Drag to pan · wheel to zoom · Shift+drag to lasso · "
                           "click a point for details")
        self.hint.setEnabled(False)
        self.person_label = QLabel()
        self.person_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addLayout(self._map_toolbar())
        right.addWidget(self.map, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.person_label, 1)
        foot.addWidget(self.hint)
        right.addLayout(foot)
        body = QHBoxLayout(self)
        body.setContentsMargins(12, 10, 12, 10)
        body.addWidget(scroll)
        body.addLayout(right, 1)

        ctx.event_changed.connect(self._event_changed)
        ctx.data_changed.connect(self._data_changed)
        self.form.fill_picker()
        self.form.show_event(ctx.current_event)
        self._reload()

    # -- building ------------------------------------------------------------------------
    def _map_toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        legend = QLabel(" &nbsp; ".join(
            f'<span style="color:{tier_color(t).name()}">●</span> Tier {t}' for t in TIERS)
            + ' &nbsp; <span style="color:#d2452f">★</span> Event')
        legend.setToolTip("People are coloured by ICP tier (a tier set by hand wins); people "
                          "known only to a city are drawn spread around it")
        fit = QPushButton("Zoom to radius")
        fit.clicked.connect(lambda: self.map.fit(self._radius_km))
        everyone = QPushButton("Show everyone")
        everyone.clicked.connect(self.map.fit_all)
        row.addWidget(legend)
        row.addStretch(1)
        row.addWidget(fit)
        row.addWidget(everyone)
        return row

    def _radius_box(self) -> QGroupBox:
        box = QGroupBox("Radius")
        grid = QGridLayout(box)
        self.radius_slider = QSlider(Qt.Orientation.Horizontal)
        self.radius_slider.setRange(1, MAX_RADIUS)
        self.radius_slider.setToolTip("Distance from the event city")
        self.radius_spin = QSpinBox()
        self.radius_spin.setRange(1, MAX_RADIUS)
        self.unit_mi, self.unit_km = QPushButton("mi"), QPushButton("km")
        self._units = QButtonGroup(self)
        for button in (self.unit_mi, self.unit_km):
            button.setCheckable(True)
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("km") + 24)
            self._units.addButton(button)
        self.unit_mi.setChecked(True)
        self.registered_only = QCheckBox("Registered for this event only")
        self.count_label = QLabel()
        self.count_label.setObjectName("radiusCount")
        self.count_label.setWordWrap(True)
        grid.addWidget(self.radius_slider, 0, 0, 1, 4)
        grid.addWidget(self.radius_spin, 1, 0)
        grid.addWidget(self.unit_mi, 1, 1)
        grid.addWidget(self.unit_km, 1, 2)
        grid.setColumnStretch(3, 1)
        grid.addWidget(self.count_label, 2, 0, 1, 4)
        grid.addWidget(self.registered_only, 3, 0, 1, 4)
        self.radius_slider.valueChanged.connect(self._radius_moved)
        self.radius_spin.valueChanged.connect(self._radius_moved)
        self._units.buttonToggled.connect(self._unit_toggled)
        self.registered_only.toggled.connect(lambda _on: self._refresh_points())
        self._set_radius_widgets()
        return box

    def _selection_box(self) -> QGroupBox:
        box = QGroupBox("Selection")
        column = QVBoxLayout(box)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionCount")
        self.selection_label.setWordWrap(True)
        self.tier_label = QLabel()
        self.lasso_button = QPushButton("Lasso")
        self.lasso_button.setCheckable(True)
        self.lasso_button.setToolTip("Drag on the map to draw around people (or hold Shift)")
        self.lasso_button.toggled.connect(self._lasso_toggled)
        self.clear_button = QPushButton("Use radius")
        self.clear_button.setToolTip("Forget the lasso: select everyone within the radius")
        self.clear_button.clicked.connect(self.clear_lasso)
        self.segment_button = QPushButton("Save selection as segment…")
        self.segment_button.setToolTip("A radius becomes a 'within' rule; a lasso becomes the "
                                       "list of people it holds")
        self.segment_button.clicked.connect(lambda: self.save_selection_as_segment())
        row = QHBoxLayout()
        row.addWidget(self.lasso_button)
        row.addWidget(self.clear_button)
        column.addWidget(self.selection_label)
        column.addWidget(self.tier_label)
        column.addLayout(row)
        column.addWidget(self.segment_button)
        return box

    # -- event -----------------------------------------------------------------------------
    def _event_changed(self) -> None:
        self.form.fill_picker()
        self.form.show_event(self.ctx.current_event)
        self._reload()

    def _data_changed(self, tables: frozenset[str]) -> None:
        if "events" in tables:
            self.form.fill_picker()
        if tables & RELOAD_ON:
            self._reload()

    # -- people and radius ---------------------------------------------------------------
    def _reload(self) -> None:
        """Read the people for the map on a worker; only the latest read is shown."""
        self._load_generation += 1
        generation = self._load_generation
        event = self.ctx.current_event
        self.count_label.setText("Reading people…")
        self._loading = self.ctx.run(lambda project, _p, _c: load_map_data(project, event),
                                     title="Reading people for the map",
                                     on_success=lambda data: self._loaded(data, generation),
                                     show_progress=False, cancellable=False)

    def loading(self) -> bool:
        """True while people are being read for the map."""
        return self._loading is not None and not self._loading.done

    def _loaded(self, data: MapData, generation: int) -> None:
        if generation != self._load_generation:
            return  # an older read: a newer one is on its way
        self._data = data
        self.registered_only.blockSignals(True)
        self.registered_only.setChecked(bool(data.registered.any()))
        self.registered_only.setEnabled(bool(data.registered.any()))
        self.registered_only.blockSignals(False)
        self._refresh_points()
        self.map.fit(self._radius_km)

    def _refresh_points(self) -> None:
        """Give the map the people to show (all, or the event's registrants)."""
        data = self._data
        if data is None:
            return
        keep = data.registered if self.registered_only.isChecked() else \
            np.ones(len(data.ids), dtype=bool)
        self._visible = np.flatnonzero(keep)
        self.map.set_people(data.lat[self._visible], data.lon[self._visible],
                            data.codes[self._visible], ids=data.ids[self._visible])
        self._recenter()

    def _recenter(self) -> None:
        """Project around the event place; recompute distances, count and selection."""
        lat0, lon0, label = self._center()
        self.map.set_center(lat0, lon0, label)
        data = self._data
        if data is not None and len(self._visible):
            self._distance = geo.distance_km(data.lat[self._visible], data.lon[self._visible],
                                             lat0, lon0)
        else:
            self._distance = np.zeros(len(self._visible))
        self._radius_settled()
        self.map.fit(self._radius_km)

    def _center(self) -> tuple[float, float, str]:
        place = self.form.place
        if place is not None:
            return place.latitude, place.longitude, place.name
        data = self._data
        if data is not None and np.isfinite(data.lat).any():
            return float(np.nanmedian(data.lat)), float(np.nanmedian(data.lon)), ""
        return 0.0, 0.0, ""

    def _unit(self) -> str:
        return "km" if self.unit_km.isChecked() else "mi"

    def _set_radius_widgets(self) -> None:
        value = self._radius_km if self._unit() == "km" else geo.km_to_mi(self._radius_km)
        value = int(round(min(max(value, 1), MAX_RADIUS)))
        for widget in (self.radius_slider, self.radius_spin):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)

    def set_radius(self, value: float, unit: str | None = None) -> None:
        """Set the radius in ``unit`` (the current one when None)."""
        if unit is not None and unit != self._unit():
            (self.unit_km if unit == "km" else self.unit_mi).setChecked(True)
        self.radius_slider.setValue(int(round(value)))

    def radius_km(self) -> float:
        """The radius in kilometres."""
        return self._radius_km

    def _radius_moved(self, value: int) -> None:
        self._radius_km = float(value) if self._unit() == "km" else geo.mi_to_km(float(value))
        self._set_radius_widgets()
        self._update_count()
        self._radius_timer.start()

    def _unit_toggled(self, _button: Any, checked: bool) -> None:
        if checked:
            self._set_radius_widgets()
            self._radius_settled()

    def within_count(self) -> int:
        """How many people on the map are within the radius."""
        with np.errstate(invalid="ignore"):
            return int(np.count_nonzero(self._distance <= self._radius_km))

    def _update_count(self) -> None:
        noun = "attendees" if self.registered_only.isChecked() else "people"
        where = f" of {self.form.place.name}" if self.form.place else ""
        self.count_label.setText(
            f"<b>{self.within_count():,}</b> of {len(self._visible):,} {noun} within "
            f"{self.radius_spin.value():,} {self._unit()}{where}")

    def _radius_settled(self) -> None:
        """Redraw rings and city labels; re-select by radius unless a lasso is active."""
        self._update_count()
        self.map.set_radius(self._radius_km, self._unit())
        lat0, lon0, _label = self._center()
        r = self._radius_km
        min_pop = 50_000 if r <= 200 else 150_000 if r <= 800 else 500_000
        self.map.set_cities(geo.nearby_cities(lat0, lon0, r * 1.3, min_population=min_pop,
                                              limit=30))
        if not self.map.has_lasso():
            with np.errstate(invalid="ignore"):
                self.map.set_selection(self._distance <= r)
        if not self._radius_timer.isActive():
            self.map.fit(r)

    # -- selection -----------------------------------------------------------------------
    def _lasso_toggled(self, on: bool) -> None:
        self.map.lasso_mode = on

    def select_polygon(self, polygon: Any) -> int:
        """Select the people inside ``polygon`` ((lon, lat) vertices) as a lasso would."""
        return self.map.select_polygon(polygon, lonlat=True)

    def clear_lasso(self) -> None:
        """Back to the radius selection."""
        self.lasso_button.setChecked(False)
        with np.errstate(invalid="ignore"):
            self.map.set_selection(self._distance <= self._radius_km)

    def selected_ids(self) -> np.ndarray:
        """Person ids of the selection."""
        if self._data is None:
            return np.zeros(0, dtype=np.int64)
        return self._data.ids[self._visible][self.map.selected()]

    def _selection_changed(self, count: int) -> None:
        how = "drawn with the lasso" if self.map.has_lasso() else \
            f"within {self.radius_spin.value():,} {self._unit()}"
        self.selection_label.setText(f"<b>{count:,}</b> selected ({how})")
        self.clear_button.setEnabled(self.map.has_lasso())
        self.segment_button.setEnabled(count > 0)
        codes = self._data.codes[self._visible][self.map.selected()] if self._data else []
        per = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(TIERS))
        self.tier_label.setText(" &nbsp; ".join(
            f'<span style="color:{tier_color(t).name()}">■</span> {t} {int(n):,}'
            for t, n in zip(TIERS, per, strict=False)))

    def _point_clicked(self, row: int) -> None:
        if self._data is None:
            return
        i = int(self._visible[row])
        info = self._data.info.iloc[i]
        dist = float(self._distance[row])
        dist_text = f"{geo.km_to_mi(dist):,.0f} mi" if self._unit() == "mi" else f"{dist:,.0f} km"
        parts = [str(info["name"] or "(no name)")]
        role = ", ".join(str(x) for x in (info["title"], info["company"])
                         if isinstance(x, str) and x)
        if role:
            parts.append(role)
        score = info["score"]
        parts.append(f"tier {info['tier'] or '?'}" + (f" ({int(score)})" if pd.notna(score)
                                                        else ""))
        parts.append(f"{dist_text} away")
        self.person_label.setText(" · ".join(parts))

    def save_selection_as_segment(self, name: str | None = None) -> OpHandle | None:
        """Save the selection as a segment of the event (asks for a name when None)."""
        event = self.ctx.current_event
        if event is None:
            self.ctx.show_error(GtmError("save the event first: a segment belongs to an event"))
            return None
        lasso = self.map.has_lasso()
        if name is None:
            suggested = "Lasso on the map" if lasso else \
                f"Within {self.radius_spin.value()} {self._unit()} of " \
                f"{self.form.place.name if self.form.place else 'the event'}"
            name, ok = QInputDialog.getText(self, "Save selection as segment", "Segment name:",
                                            text=suggested)
            if not ok or not name.strip():
                return None
        ids = self.selected_ids().tolist()
        place, radius, unit = self.form.city_edit.text().strip(), self._radius_km, self._unit()
        registered = self.registered_only.isChecked()
        ev_name = str(event["name"])

        def op(project: Project, progress: Any, _cancelled: Any) -> dict[str, Any]:
            if lasso:
                return selection.save_segment_from_ids(project, name, ids, event=ev_name,
                                                       progress=progress)
            return selection.save_radius_segment(project, name, place, radius, unit=unit,
                                                 event=ev_name, registered_only=registered)

        def done(result: dict[str, Any]) -> None:
            extra = f"; {result['left_out']:,} without an e-mail left out" \
                if result.get("left_out") else ""
            self.ctx.status(f"Saved the segment '{result['name']}': {result['count']:,} people "
                            f"after suppressions{extra}")

        return self.ctx.run(op, title="Saving the segment", on_success=done,
                            writes={"segments"})

    # -- page hooks ----------------------------------------------------------------------
    def busy(self) -> bool:
        """True while the event form has unsaved edits."""
        return self.form.dirty()

    def page_shown(self) -> None:
        """Re-fit the map when the page comes back."""
        self.map.fit(self._radius_km)


def make_page(ctx: PageContext) -> QWidget:
    """The "Event & map" page."""
    return EventPage(ctx)

