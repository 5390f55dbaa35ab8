"""Map selections: projection, rings, lasso polygons and the segments made from them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gtmplanner.core import geo, lists, selection, services
from gtmplanner.core.errors import UsageError
from gtmplanner.core.segment_syntax import parse_expression


def test_projection_keeps_distances_near_the_centre() -> None:
    lat0, lon0 = 42.36, -71.06
    lat = np.array([42.36, 42.80, 41.82, 42.26])
    lon = np.array([-71.06, -71.50, -71.41, -71.80])
    x, y = selection.project_points(lat, lon, lat0, lon0)
    flat = np.hypot(x, y)
    true = geo.distance_km(lat, lon, lat0, lon0)
    assert flat[0] == 0
    np.testing.assert_allclose(flat[1:], true[1:], rtol=0.01)
    back_lat, back_lon = selection.unproject_points(x, y, lat0, lon0)
    np.testing.assert_allclose(back_lat, lat)
    np.testing.assert_allclose(back_lon, lon)


def test_projection_wraps_the_date_line() -> None:
    x, _y = selection.project_points([0.0], [-179.5], 0.0, 179.5)
    assert x[0] == pytest.approx(111.32, rel=0.01)


def test_ring_is_at_the_radius() -> None:
    lat, lon = selection.ring(51.5, -0.12, 80.0)
    np.testing.assert_allclose(geo.distance_km(lat, lon, 51.5, -0.12), 80.0, rtol=1e-6)
    assert lat[0] == pytest.approx(lat[-1]) and lon[0] == pytest.approx(lon[-1])


def test_points_in_polygon() -> None:
    square = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    x = np.array([0, 2, 0.5, np.nan, -0.99, 1.5])
    y = np.array([0, 2, 0.5, 0, 0.99, 0])
    assert selection.points_in_polygon(x, y, square).tolist() == \
        [True, False, True, False, True, False]
    # a concave "U": the notch is outside
    u = [(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)]
    assert selection.points_in_polygon([0.5, 1.5, 2.5, 1.5], [2, 2, 2, 0.5], u).tolist() == \
        [True, False, True, True]
    assert not selection.points_in_polygon([0], [0], [(0, 0), (1, 1)]).any()


def test_points_in_polygon_matches_a_disc_on_many_points() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(2, 100_000))
    t = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    mask = selection.points_in_polygon(x, y, np.c_[np.cos(t), np.sin(t)])
    exact = x ** 2 + y ** 2 < 1
    assert (mask != exact).sum() < 20  # only points on the polygon's edge may differ


def test_display_offsets_are_stable_and_sized_by_crowd() -> None:
    ids = np.arange(1000)
    lat = np.r_[np.full(900, 42.36), np.full(100, 41.82)]
    lon = np.r_[np.full(900, -71.06), np.full(100, -71.41)]
    dx, dy = selection.display_offsets(ids, lat, lon)
    dx2, dy2 = selection.display_offsets(ids, lat, lon)
    assert np.array_equal(dx, dx2) and np.array_equal(dy, dy2)
    r = np.hypot(dx, dy)
    assert r[:900].max() <= 12.0 + 1e-9 and r[900:].max() <= 0.6 * 10 + 1e-9
    assert r[:900].mean() > r[900:].mean()


def test_radius_expression_parses() -> None:
    text = selection.radius_expression("Boston, MA, US", geo.mi_to_km(50))
    assert text == 'within 50mi of "Boston, MA, US"'
    tree = parse_expression(text)
    assert tree["value"]["radius_km"] == pytest.approx(80.47, abs=0.01)
    assert selection.radius_expression("Munich, DE", 25, unit="km") == 'within 25km of "Munich, DE"'
    with pytest.raises(UsageError):
        selection.radius_expression("", 10)


def test_ids_expression_by_email_or_person_id() -> None:
    frame = pd.DataFrame({"email": ["a@x.com", None, "c@x.com"]},
                         index=pd.Index([1, 2, 3], name="id"))
    text, left_out = selection.ids_expression(frame, [1, 2, 3, 99])
    assert parse_expression(text)["value"] == ["a@x.com", "c@x.com"]
    assert left_out == 2  # id 2 has no e-mail, id 99 is not a person
    frame["person_id"] = frame.index
    text, left_out = selection.ids_expression(frame, [3, 1])
    assert text == "person_id in (1, 3)" and left_out == 0
    with pytest.raises(UsageError):
        selection.ids_expression(frame, [])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("selection") / "demo.gtmp"
    services.create_demo(path)
    return path


def test_segments_from_a_lasso_and_a_radius(demo: Path) -> None:
    with services.open_project(demo) as project:
        people = project.frame("people", ["email", "latitude", "longitude"])
        near = people[(people["latitude"] - 41.824).abs() < 0.2].index.tolist()
        out = selection.save_segment_from_ids(project, "Lasso", near)
        assert out["selected"] == len(near)
        assert out["matched"] == len(near) - out["left_out"]
        radius = selection.save_radius_segment(project, "Near", "Boston, MA, US",
                                               geo.mi_to_km(30), registered_only=True)
        rows = {r["name"]: r for r in lists.segment_rows(project, project.event()["id"])}
    assert rows["Near"]["expression"] == 'within 30mi of "Boston, MA, US" and registered'
    assert radius["matched"] > 0
    assert {"Lasso", "Near"} <= set(rows)
