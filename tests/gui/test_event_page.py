"""The event & map page on a copy of the demo project: city, save, radius, lasso, segments."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from gtmplanner.core import geo, lists, services
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages.event_form import NEW_EVENT
from gtmplanner.ui.pages.event_page import EventPage, make_page

PROVIDENCE = (41.824, -71.413)


@pytest.fixture
def page_project(demo_project: Path) -> Path:
    """The page works on the test's demo copy, which the assertions read."""
    return demo_project


@pytest.fixture
def ctx(page_ctx: PageContext) -> PageContext:
    """The shared page context (tests/gui/conftest.py)."""
    return page_ctx


@pytest.fixture
def page(qtbot, ctx: PageContext) -> EventPage:  # noqa: ANN001
    widget = make_page(ctx)
    assert isinstance(widget, EventPage)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.map.selected_count() > 0, timeout=20_000)
    return widget


def people_positions(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with services.open_project(path) as project:
        rows = project.conn.execute(
            "SELECT DISTINCT p.id, p.latitude, p.longitude FROM people p JOIN event_people e "
            "ON e.person_id = p.id WHERE p.latitude IS NOT NULL").fetchall()
    ids, lat, lon = (np.array(c) for c in zip(*rows, strict=True))
    return ids.astype(np.int64), lat.astype(float), lon.astype(float)


def test_shows_the_event_and_its_attendees(page: EventPage, demo_project: Path) -> None:
    assert page.form.name_edit.text() == "RevOps Summit Boston 2026"
    assert page.form.city_edit.text() == "Boston, MA, US"
    assert "42.3601" in page.form.place_label.text()
    assert page.form.start_edit.date().toString("yyyy-MM-dd") == "2026-12-08"
    assert page.form.text_edits["venue"].text() == "Hynes Convention Center"
    _ids, lat, lon = people_positions(demo_project)
    expected = int((geo.distance_km(lat, lon, 42.3601, -71.0589) <= geo.mi_to_km(50)).sum())
    assert page.within_count() == expected == page.map.selected_count()
    assert f"{expected:,}" in page.count_label.text()


def test_city_autocomplete_offers_boston(qtbot, page: EventPage) -> None:  # noqa: ANN001
    page.form.city_edit.clear()
    qtbot.keyClicks(page.form.city_edit, "Bost")
    assert "Boston, MA, US" in page.form.suggestions()
    assert page.form.completer.model().stringList()[0] == "Boston, MA, US"


def test_saving_a_new_event_stores_its_location(qtbot, page: EventPage,  # noqa: ANN001
                                                demo_project: Path) -> None:
    page.form.picker.setCurrentText(NEW_EVENT)
    page.form.picker.activated.emit(page.form.picker.currentIndex())
    assert page.form.name_edit.text() == "" and not page.form.name_edit.isReadOnly()
    qtbot.keyClicks(page.form.name_edit, "Field Day Chicago")
    qtbot.keyClicks(page.form.city_edit, "Chicago")
    qtbot.keyClick(page.form.city_edit, Qt.Key.Key_Return)
    assert page.form.city_edit.text() == "Chicago, IL, US"
    page.form.text_edits["dinner_venue"].setText("Gibsons")
    with qtbot.waitSignal(page.ctx.data_changed, timeout=10_000):
        assert page.form.save() is not None
    with services.open_project(demo_project) as project:
        ev = project.event("Field Day Chicago")
    assert ev is not None
    assert ev["city"] == "Chicago" and ev["region"] == "IL" and ev["country"] == "US"
    assert ev["latitude"] == pytest.approx(41.88, abs=0.05)
    assert ev["longitude"] == pytest.approx(-87.63, abs=0.05)
    assert ev["dinner_venue"] == "Gibsons"
    assert page.ctx.current_event["name"] == "Field Day Chicago"
    assert page.form.picker.currentText() == "Field Day Chicago"


def test_unknown_city_and_bad_dates_are_shown_inline(qtbot, page: EventPage) -> None:  # noqa: ANN001
    page.form.city_edit.setText("Bostonnn")
    assert page.form.save() is None
    assert "not a place we know" in page.form.error_text()
    page.form.city_edit.setText("Boston, MA")
    page.form.end_edit.setDate(page.form.start_edit.date().addDays(-3))
    assert page.form.save() is None
    assert "end before it starts" in page.form.error_text()


def test_radius_slider_changes_the_count(qtbot, page: EventPage,  # noqa: ANN001
                                         demo_project: Path) -> None:
    at_50 = page.within_count()
    page.radius_slider.setValue(10)
    _ids, lat, lon = people_positions(demo_project)
    d = geo.distance_km(lat, lon, 42.3601, -71.0589)
    assert page.within_count() == int((d <= geo.mi_to_km(10)).sum()) < at_50
    assert "within 10 mi" in page.count_label.text()
    qtbot.waitUntil(lambda: page.map.selected_count() == page.within_count(), timeout=5_000)
    page.unit_km.click()  # same radius, other unit
    assert page.radius_spin.value() == 16 and page.within_count() == int(
        (d <= geo.mi_to_km(10)).sum())
    page.set_radius(200)  # km
    assert page.within_count() == int((d <= 200).sum()) > at_50


def test_lasso_selects_the_points_inside(qtbot, page: EventPage,  # noqa: ANN001
                                         demo_project: Path) -> None:
    lat0, lon0 = PROVIDENCE
    box = [(lon0 - 0.3, lat0 - 0.25), (lon0 + 0.3, lat0 - 0.25), (lon0 + 0.3, lat0 + 0.25),
           (lon0 - 0.3, lat0 + 0.25)]
    ids, lat, lon = people_positions(demo_project)
    inside = (np.abs(lat - lat0) < 0.25) & (np.abs(lon - lon0) < 0.3)
    assert 0 < inside.sum() < len(ids)
    with qtbot.waitSignal(page.map.selection_changed, timeout=5_000):
        count = page.select_polygon(box)
    assert count == int(inside.sum()) == page.map.selected_count()
    assert sorted(page.selected_ids().tolist()) == sorted(ids[inside].tolist())
    assert "lasso" in page.selection_label.text()
    assert page.clear_button.isEnabled()
    page.clear_lasso()
    assert page.map.selected_count() == page.within_count()


def test_mouse_lasso_with_shift(qtbot, page: EventPage) -> None:  # noqa: ANN001
    """Shift+drag on the map draws a lasso that selects people (instead of panning)."""
    view = page.map
    vb = view.getPlotItem().getViewBox()
    seen: list[np.ndarray] = []
    vb.lasso_finished.connect(seen.append)
    range_before = vb.viewRange()
    center = view.mapFromScene(vb.mapViewToScene(QPointF(0, 0)))
    corners = [QPointF(center.x() + dx, center.y() + dy)
               for dx, dy in ((-70, -70), (70, -70), (70, 70), (-70, 70), (-70, -60))]
    shift = Qt.KeyboardModifier.ShiftModifier
    left = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
        QApplication.sendEvent(view.viewport(), QMouseEvent(
            kind, pos, view.viewport().mapToGlobal(pos), left, buttons, shift))

    send(QEvent.Type.MouseButtonPress, corners[0], left)
    for a, b in zip(corners, corners[1:], strict=False):
        for t in np.linspace(0, 1, 6)[1:]:
            send(QEvent.Type.MouseMove, a + (b - a) * float(t), left)
            qtbot.wait(20)  # pyqtgraph drops mouse moves closer together than ~16 ms
    send(QEvent.Type.MouseButtonRelease, corners[-1], Qt.MouseButton.NoButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert len(seen[0]) >= 3
    assert page.map.has_lasso() and page.map.selected_count() > 0
    assert vb.viewRange() == range_before  # the drag did not pan the map


def test_save_lasso_selection_as_segment(qtbot, page: EventPage,  # noqa: ANN001
                                         demo_project: Path) -> None:
    lat0, lon0 = PROVIDENCE
    count = page.select_polygon([(lon0 - 0.3, lat0 - 0.25), (lon0 + 0.3, lat0 - 0.25),
                                 (lon0 + 0.3, lat0 + 0.25), (lon0 - 0.3, lat0 + 0.25)])
    ids = page.selected_ids().tolist()
    assert len(ids) == count
    messages: list[str] = []
    page.ctx.status_message.connect(messages.append)
    with qtbot.waitSignal(page.ctx.data_changed, timeout=20_000):
        assert page.save_selection_as_segment("Providence lasso") is not None
    with services.open_project(demo_project) as project:
        ev = project.event()
        rows = {r["name"]: r for r in lists.segment_rows(project, ev["id"])}
        emails = {r[0] for r in project.conn.execute(
            f"SELECT email FROM people WHERE id IN ({','.join(map(str, ids))}) "
            "AND email IS NOT NULL AND email != ''")}
    assert "Providence lasso" in rows
    seg = rows["Providence lasso"]
    tree = json.loads(seg["rules"])
    if seg["expression"].startswith("person_id in ("):  # the people frame has person_id
        assert sorted(tree["value"]) == sorted(ids)
    else:  # the rule goes by e-mail: people without one are left out, and we are told
        assert seg["expression"].startswith("email in (")
        assert set(tree["value"]) == emails
        left_out = count - len(emails)
        assert any("Providence lasso" in m and (not left_out or f"{left_out:,} without an "
                                                "e-mail left out" in m) for m in messages)


def test_save_radius_selection_as_segment(qtbot, page: EventPage,  # noqa: ANN001
                                          demo_project: Path) -> None:
    page.radius_slider.setValue(25)
    qtbot.waitUntil(lambda: page.map.selected_count() == page.within_count(), timeout=5_000)
    with qtbot.waitSignal(page.ctx.data_changed, timeout=20_000):
        assert page.save_selection_as_segment("Near the venue") is not None
    with services.open_project(demo_project) as project:
        ev = project.event()
        rows = {r["name"]: r for r in lists.segment_rows(project, ev["id"])}
        seg = rows["Near the venue"]
        assert seg["expression"] == 'within 25mi of "Boston, MA, US" and registered'
        result = lists.save_segment(project, "check", seg["expression"])
    assert result["matched"] == page.within_count()


def test_clicking_a_point_describes_the_person(page: EventPage) -> None:
    row = int(np.flatnonzero(page.map.selected())[0])
    page.map.point_clicked.emit(row)
    text = page.person_label.text()
    assert "tier" in text and "away" in text
