"""Selecting attendees on a map: projection, rings, lasso polygons and segments from them.

The map in the window draws people on a flat, offline projection around the
event (no tiles): an equirectangular projection centred on the event and scaled
by ``cos(latitude)``, in kilometres, so that near the event a circle of
radius *R* km on the ground is (almost) a circle of radius *R* on the screen.
Radius rings are drawn as true great-circle rings (:func:`ring`), so they stay
honest far from the event too.

A map selection becomes a saved segment in one of two ways:

* a radius selection is the rule ``within 50mi of "Boston, MA, US"``
  (:func:`radius_expression`), which stays live as people are added;
* a lasso selection is a fixed list of people (:func:`ids_expression`):
  ``person_id in (...)`` when the people frame carries a ``person_id`` column,
  otherwise ``email in (...)`` (people without an e-mail address are then left
  out, and the result says how many).

Everything here is vectorised numpy; nothing loops over people in Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from gtmplanner.core import geo, lists
from gtmplanner.core.analysis import people_frame
from gtmplanner.core.errors import UsageError
from gtmplanner.core.segment_syntax import to_text
from gtmplanner.core.store import Project

__all__ = ["KM_PER_DEG_LAT", "KM_PER_DEG_LON", "project_points", "unproject_points", "ring",
           "points_in_polygon", "display_offsets", "radius_expression", "ids_expression",
           "save_segment_from_ids", "save_radius_segment"]

KM_PER_DEG_LAT = 110.574  # mean length of a degree of latitude
KM_PER_DEG_LON = 111.320  # length of a degree of longitude at the equator
_MAX_LAT = 89.0  # keeps cos(lat0) away from zero near the poles

Progress = Callable[[float, str], None]


def _scale(lat0: float) -> float:
    return KM_PER_DEG_LON * math.cos(math.radians(max(-_MAX_LAT, min(_MAX_LAT, lat0))))


def project_points(lat: Any, lon: Any, lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) in km east and north of (lat0, lon0): equirectangular, scaled by cos(lat0).

    Longitudes are wrapped so a point across the date line lands on the near side.
    NaN stays NaN.
    """
    la = np.asarray(lat, dtype=float)
    lo = np.asarray(lon, dtype=float)
    dlon = (lo - lon0 + 180.0) % 360.0 - 180.0
    return dlon * _scale(lat0), (la - lat0) * KM_PER_DEG_LAT


def unproject_points(x: Any, y: Any, lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`project_points`: (lat, lon) for map (x, y) in km."""
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    lon = (xs / _scale(lat0) + lon0 + 180.0) % 360.0 - 180.0
    return ys / KM_PER_DEG_LAT + lat0, lon


def ring(lat0: float, lon0: float, radius_km: float, n: int = 181) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of ``n`` points on the great circle ``radius_km`` around (lat0, lon0).

    The first and last points coincide, so the ring can be drawn as one closed line.
    """
    d = float(radius_km) / geo.EARTH_RADIUS_KM
    bearing = np.linspace(0.0, 2 * math.pi, n)
    p0, l0 = math.radians(lat0), math.radians(lon0)
    p1 = np.arcsin(math.sin(p0) * math.cos(d) + math.cos(p0) * math.sin(d) * np.cos(bearing))
    l1 = l0 + np.arctan2(np.sin(bearing) * math.sin(d) * math.cos(p0),
                         math.cos(d) - math.sin(p0) * np.sin(p1))
    return np.degrees(p1), (np.degrees(l1) + 180.0) % 360.0 - 180.0


def _mix(values: np.ndarray) -> np.ndarray:
    """A fast integer hash (splitmix64's finaliser), vectorised."""
    x = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x += np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def display_offsets(ids: Any, lat: Any, lon: Any, *, per_person_km: float = 0.6,
                    min_km: float = 1.0, max_km: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """(dx, dy) in km to draw each person a little off their location, the same every time.

    Locations known only to a city (or ZIP) put every attendee of that city on one
    point. Spread evenly over a disc whose radius grows with the square root of
    how many share the point (``per_person_km * sqrt(n)``, clipped to
    ``min_km..max_km``), a city's attendees show as a blob sized by their number.
    Distances and radius counts always use the true location.
    """
    ids_ = np.asarray(ids, dtype=np.int64)
    la = np.round(np.asarray(lat, dtype=float), 4)
    lo = np.round(np.asarray(lon, dtype=float), 4)
    if not ids_.size:
        return np.zeros(0), np.zeros(0)
    keys = np.where(np.isfinite(la) & np.isfinite(lo), la * 1e5 + lo, np.nan)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    radius = np.clip(per_person_km * np.sqrt(counts[inverse.reshape(-1)]), min_km, max_km)
    h = _mix(ids_.view(np.uint64))
    u1 = (h >> np.uint64(40)).astype(np.float64) / float(1 << 24)
    u2 = (h & np.uint64(0xFFFFFF)).astype(np.float64) / float(1 << 24)
    r = radius * np.sqrt(u1)
    angle = 2 * math.pi * u2
    return r * np.cos(angle), r * np.sin(angle)


def points_in_polygon(x: Any, y: Any, polygon: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """Boolean mask of the points (x, y) inside ``polygon`` (a list of (x, y) vertices).

    Even-odd rule (ray casting), vectorised over the points and looped over the
    polygon's edges, after a bounding-box cut; the polygon closes itself. NaN
    points are never inside; fewer than three vertices select nothing.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    poly = np.asarray(polygon, dtype=float).reshape(-1, 2)
    poly = poly[np.isfinite(poly).all(axis=1)]
    inside = np.zeros(xs.shape, dtype=bool)
    if len(poly) < 3 or not xs.size:
        return inside
    (xmin, ymin), (xmax, ymax) = poly.min(axis=0), poly.max(axis=0)
    with np.errstate(invalid="ignore"):
        cand = np.flatnonzero((xs >= xmin) & (xs <= xmax) & (ys >= ymin) & (ys <= ymax))
    if not cand.size:
        return inside
    px, py = xs[cand], ys[cand]
    hit = np.zeros(cand.size, dtype=bool)
    x1, y1 = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    for ax, ay, bx, by in zip(x1.tolist(), y1.tolist(), x2.tolist(), y2.tolist(), strict=True):
        if ay == by:
            continue  # a horizontal edge never crosses a horizontal ray
        crosses = (ay > py) != (by > py)
        x_at = ax + (py - ay) * (bx - ax) / (by - ay)
        hit ^= crosses & (px < x_at)
    inside[cand] = hit
    return inside


def _radius_text(radius_km: float, unit: str) -> str:
    value = geo.km_to_mi(radius_km) if unit == "mi" else radius_km
    return f"{round(value, 1):g}{unit}"


def radius_expression(place: str, radius_km: float, *, unit: str = "mi") -> str:
    """The segment rule for a radius selection: ``within 50mi of "Boston, MA, US"``."""
    if unit not in ("mi", "km"):
        raise UsageError(f"unit '{unit}' not understood; use mi or km")
    if not place.strip():
        raise UsageError("the event has no city yet; set one before saving a radius segment")
    escaped = place.replace("\\", "\\\\").replace('"', '\\"')
    return f'within {_radius_text(radius_km, unit)} of "{escaped}"'


def ids_expression(frame: Any, person_ids: Iterable[int]) -> tuple[str, int]:
    """The rule selecting exactly ``person_ids`` on the people ``frame``; and how many it
    cannot reach (ids missing from the frame, or without an e-mail when rules go by e-mail)."""
    wanted = sorted({int(i) for i in person_ids})
    if not wanted:
        raise UsageError("nothing is selected; draw a lasso or set a radius first")
    known = frame.index.isin(wanted)
    missing = len(wanted) - int(known.sum())
    if "person_id" in frame.columns:
        present = sorted(int(i) for i in frame.index[known])
        tree = {"field": "person_id", "cmp": "in", "value": present}
        return to_text(tree), missing
    emails = frame.loc[known, "email"].astype("string").str.strip()
    usable = emails[emails.notna() & (emails != "")]
    if usable.empty:
        raise UsageError("none of the selected people has an e-mail address")
    values = sorted(set(usable.tolist()))
    tree = {"field": "email", "cmp": "in", "value": values}
    return to_text(tree), missing + int(known.sum()) - len(usable)


def save_segment_from_ids(project: Project, name: str, person_ids: Iterable[int], *,
                          event: str | None = None, suppress: str | list[str] | None = None,
                          progress: Progress | None = None) -> dict[str, Any]:
    """Save the people ``person_ids`` (a lasso on the map) as the segment ``name``.

    Returns :func:`gtmplanner.core.lists.save_segment`'s counts plus ``selected``
    (how many ids were given) and ``left_out`` (how many the rule cannot hold).
    """
    if not name.strip():
        raise UsageError("give the segment a name")
    ids = list(person_ids)
    if progress:
        progress(0.1, "reading people")
    ev = lists.require_event(project, event)
    frame = people_frame(project, event=ev, columns=["email"])
    expression, left_out = ids_expression(frame, ids)
    if progress:
        progress(0.5, "saving the segment")
    out = lists.save_segment(project, name.strip(), expression, event=ev["name"],
                             suppress=suppress)
    out.update(selected=len({int(i) for i in ids}), left_out=left_out)
    return out


def save_radius_segment(project: Project, name: str, place: str, radius_km: float, *,
                        unit: str = "mi", event: str | None = None,
                        registered_only: bool = False,
                        suppress: str | list[str] | None = None) -> dict[str, Any]:
    """Save everyone within ``radius_km`` of ``place`` as the segment ``name`` (a live rule);
    with ``registered_only``, only people registered for the event."""
    if not name.strip():
        raise UsageError("give the segment a name")
    expression = radius_expression(place, radius_km, unit=unit)
    if registered_only:
        expression += " and registered"
    return lists.save_segment(project, name.strip(), expression, event=event, suppress=suppress)
