"""Where attendees are: offline geocoding, distances, radii and time zones.

Everything here works on the person's own location columns (home city, state,
ZIP, country) -- which columns to pass is the caller's choice; company HQ columns
never belong here. Nothing touches the network: places come from the gazetteer
(:mod:`gtmplanner.core.gazetteer`), time zones from ``timezonefinder``'s data.

Geocoding precision, best first: US ZIP code (``postal``) > city within the
given state/region and country > city within the country (the most populous of
several) > region centroid > country centroid > ``unknown``. Names match
accent-, case- and punctuation-insensitively, with alternate names (München,
Köln), ``St.``/``Saint``, ``Ft.``/``Fort`` and aliases (NYC). A misspelt city is
never guessed in :func:`geocode`; :func:`find_place` only *suggests* a spelling
in its error message.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Hashable
from functools import cache
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from gtmplanner.core.errors import UsageError
from gtmplanner.core.gazetteer import (
    US_TERRITORIES,
    Gazetteer,
    Place,
    fold,
    get_gazetteer,
    norm_place,
    norm_prefix,
)

__all__ = [
    "KM_PER_MI", "PRECISIONS", "Place", "distance_km", "find_place", "geocode",
    "get_gazetteer", "km_to_mi", "mi_to_km", "nearby_cities", "parse_radius",
    "suggest_places", "timezones", "within_km",
]

EARTH_RADIUS_KM = 6371.0088
KM_PER_MI = 1.609344
MAX_RADIUS_KM = 20_040.0  # half the equator: everything on Earth is within it
PRECISIONS = ("postal", "city", "region", "country", "unknown")
BIG_CITY = 50_000  # a bare name means this city rather than a same-named state/country

_ZIP_TEXT = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
_ZIP_CELL = re.compile(r"(\d{3,5})(?:\.0+)?(?:[- ]?\d{4})?|(\d{5})\d{4}")
_RADIUS = re.compile(r"^\s*(\d[\d,]*(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*\.?\s*$")
_UNITS = {"": KM_PER_MI, "mi": KM_PER_MI, "mile": KM_PER_MI, "miles": KM_PER_MI,
          "km": 1.0, "kms": 1.0, "kilometer": 1.0, "kilometers": 1.0, "kilometre": 1.0,
          "kilometres": 1.0}

T = TypeVar("T")


# --------------------------------------------------------------------------- units, distances


def km_to_mi(x: T) -> T:
    """Kilometres to miles (scalars, numpy arrays and Series alike)."""
    return x / KM_PER_MI  # type: ignore[operator,return-value]


def mi_to_km(x: T) -> T:
    """Miles to kilometres (scalars, numpy arrays and Series alike)."""
    return x * KM_PER_MI  # type: ignore[operator,return-value]


def parse_radius(text: str) -> float:
    """Radius in km from ``"50mi"``, ``"50 miles"``, ``"80km"``, ``"80 km"`` or ``"50"`` (miles).

    Raises :class:`UsageError` for anything else, zero, or more than half the globe.
    """
    m = _RADIUS.match(str(text).strip().lower())
    unit = m.group(2) if m else None
    if m is None or unit not in _UNITS:
        raise UsageError(f"radius '{text}' not understood; use e.g. 50mi, 50 miles or 80km")
    number = m.group(1)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", number):
        number = number.replace(",", "")  # 1,000 -> 1000
    elif number.count(",") == 1 and "." not in number:
        number = number.replace(",", ".")  # 1,5 -> 1.5
    try:
        km = float(number) * _UNITS[unit]
    except ValueError:
        raise UsageError(f"radius '{text}' not understood; use e.g. 50mi or 80km") from None
    if not 0 < km <= MAX_RADIUS_KM:
        raise UsageError(f"radius '{text}' must be more than 0 and at most {MAX_RADIUS_KM:,.0f} km")
    return km


def _floats(x: Any) -> np.ndarray:
    """Float array from a Series (nullable dtypes too), array, list or scalar; NA -> NaN."""
    if isinstance(x, pd.Series | pd.Index):
        return x.to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(x, dtype=float)


def distance_km(lat: Any, lon: Any, lat0: float, lon0: float) -> np.ndarray:
    """Great-circle (haversine) distance in km from (lat0, lon0); NaN where lat/lon is NaN."""
    p1, p0 = np.radians(_floats(lat)), math.radians(lat0)
    dl = np.radians(_floats(lon) - lon0)
    a = np.sin((p1 - p0) / 2) ** 2 + math.cos(p0) * np.cos(p1) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def within_km(lat: Any, lon: Any, center: Place, radius_km: float) -> np.ndarray:
    """Boolean mask: within ``radius_km`` of ``center`` (False where the location is unknown)."""
    with np.errstate(invalid="ignore"):
        return distance_km(lat, lon, center.latitude, center.longitude) <= radius_km


# --------------------------------------------------------------------------- geocoding


def _clean(value: Any) -> str | None:
    """A stripped, non-empty text value, or None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = " ".join(str(value).split())
    return text or None


def _city_key(value: Any) -> str | None:
    text = _clean(value)
    return norm_place(text) or None if text else None


def _zip5(value: Any) -> str | None:
    """``"02110"`` from ``"02110"``, ``"02110-1234"``, ``2110`` (Excel ate the 0) or ``2110.0``."""
    if isinstance(value, int | np.integer):
        value = str(int(value))
    elif isinstance(value, float | np.floating):
        value = str(int(value)) if math.isfinite(value) and float(value).is_integer() else None
    text = _clean(value)
    m = _ZIP_CELL.fullmatch(text) if text else None
    if m is None:
        return None
    return m.group(2) or m.group(1).zfill(5)


def _codes(s: pd.Series | None, n: int, fn: Callable[[Any], Hashable]) -> tuple[np.ndarray, list]:
    """Per-row ids of ``fn(value)``, computed once per distinct value; ``(ids, values)``."""
    if s is None:
        return np.zeros(n, dtype=np.int64), [None]
    raw_codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values: dict[Hashable, int] = {None: 0}
    mapped = np.array([values.setdefault(fn(u), len(values)) for u in uniques] + [0],
                      dtype=np.int64)
    return mapped[raw_codes], list(values)  # code -1 (missing) picks the trailing 0


Resolved = tuple[float, float, str, str | None, str | None, str | None]
_UNKNOWN: Resolved = (math.nan, math.nan, "unknown", None, None, None)


def _from_place(p: Place, precision: str) -> Resolved:
    return (p.latitude, p.longitude, precision, p.label, p.country,
            p.region if p.kind != "country" else None)


def _resolve(gz: Gazetteer, city: str | None, region: str | None, country: str | None,
             zip5: str | None) -> Resolved:
    """Best location for one distinct (city key, region, country, ZIP) combination."""
    hit = gz.country(country) if country else None
    cc, implied = hit if hit else (None, None)
    if country and hit is None and region is None:
        region = country  # e.g. "Massachusetts" typed into the country column
    rid = None
    if region is not None:
        upper = region.upper()
        if cc in (None, "US") and upper in US_TERRITORIES:
            cc = upper
        elif cc is not None:
            rid = gz.region(cc, region)
        else:
            rid = gz.region_anywhere(region)
            cc = gz.r_cc[rid] if rid is not None else None
    if rid is None and implied:
        rid = gz.region_by_code(cc, implied)

    if zip5 is not None and cc in (None, "US", *US_TERRITORIES):
        row = int(gz.zip_rows(np.array([int(zip5)]))[0])
        if row >= 0:
            state = gz.z_state[row]
            if rid is not None:
                ok = gz.r_cc[rid] == "US" and gz.r_adm[rid] == state
            elif cc is not None:
                ok = cc in ("US", state)
            else:  # no country or state to check against: the city must agree
                ok = city is None or city == norm_place(gz.z_city[row])
            if ok:
                return _from_place(gz.zip_place(row), "postal")

    if city is not None:
        if rid is not None:
            pid = gz.best_city(city, gz.r_cc[rid], gz.r_adm[rid])
        else:
            pid = gz.best_city(city, cc)
        if pid is not None:
            return _from_place(gz.place(pid), "city")
    if rid is not None:
        return _from_place(gz.region_place(rid), "region")
    if cc is not None:
        place = gz.country_place(cc)
        if place is not None:
            return _from_place(place, "country")
        return (math.nan, math.nan, "unknown", None, cc, None)
    return _UNKNOWN


def geocode(city: pd.Series | None = None, region: pd.Series | None = None,
            country: pd.Series | None = None, postal_code: pd.Series | None = None
            ) -> pd.DataFrame:
    """Locate each row from its city, region (state/province), country and postal code.

    All given Series must share one index; ``None`` means "no such column". Work is
    done once per distinct combination and mapped back, so 200,000 rows cost about
    as much as their few thousand distinct places.

    Returns a DataFrame on the same index with ``latitude``, ``longitude`` (float,
    NaN if unknown), ``geo_precision`` (one of :data:`PRECISIONS`), ``geo_label``
    (``"Portland, ME, US"``; NA if unknown), ``geo_country`` (ISO alpha-2) and
    ``geo_region`` (``"MA"``, ``"ON"``, ``"Bavaria"``).
    """
    given = [s for s in (city, region, country, postal_code) if s is not None]
    if not given:
        raise ValueError("geocode needs at least one location column")
    index = given[0].index
    if any(len(s) != len(index) or not s.index.equals(index) for s in given[1:]):
        raise ValueError("geocode's columns must share one index")
    n = len(index)
    gz = get_gazetteer()
    parts = [_codes(city, n, _city_key), _codes(region, n, _clean),
             _codes(country, n, _clean), _codes(postal_code, n, _zip5)]
    group = np.zeros(n, dtype=np.int64)
    for ids, values in parts:  # combine column by column, re-compacting (never overflows)
        group = pd.factorize(group * len(values) + ids)[0]
    first = np.unique(group, return_index=True)[1]  # a row standing for each combination
    results = [_resolve(gz, *(values[ids[row]] for ids, values in parts))
               for row in first.tolist()]

    cols = list(zip(*results, strict=True)) if results else [()] * 6
    lat, lon = np.array(cols[0], dtype=float), np.array(cols[1], dtype=float)

    def text(values: tuple) -> pd.api.extensions.ExtensionArray:
        return pd.array(np.array(values, dtype=object)[group], dtype="str")

    return pd.DataFrame({
        "latitude": lat[group], "longitude": lon[group],
        "geo_precision": text(cols[2]), "geo_label": text(cols[3]),
        "geo_country": text(cols[4]), "geo_region": text(cols[5]),
    }, index=index)


# --------------------------------------------------------------------------- places by name


def _scopes(gz: Gazetteer, raw: str, quals: list[str]) -> list[tuple[str | None, str | None]]:
    """Where to look for the name, in order: (country, admin1) pairs, None = anywhere."""
    if not quals:
        return [(None, None)]
    if len(quals) >= 2:
        hit = gz.country(quals[-1])
        if hit is None:
            raise UsageError(f"unknown place '{raw}': '{quals[-1]}' is not a country")
        rid = gz.region(hit[0], quals[-2])
        return [(hit[0], gz.r_adm[rid] if rid is not None else None)]
    q = quals[0]
    scopes: list[tuple[str | None, str | None]] = []
    for cc in ("US", "CA"):  # "Portland, OR" / "Toronto, ON" ("CA" is tried as California first)
        rid = gz.region(cc, q)
        if rid is not None:
            scopes.append((cc, gz.r_adm[rid]))
    hit = gz.country(q)
    if hit is not None:
        rid = gz.region_by_code(hit[0], hit[1]) if hit[1] else None
        scopes.append((hit[0], gz.r_adm[rid] if rid is not None else None))
    rid = gz.region_anywhere(q)
    if rid is not None and (gz.r_cc[rid], gz.r_adm[rid]) not in scopes:
        scopes.append((gz.r_cc[rid], gz.r_adm[rid]))
    return scopes


def _area(gz: Gazetteer, name: str, scopes: list[tuple[str | None, str | None]]) -> Place | None:
    """A region or country called ``name`` within the scopes ("Massachusetts", "Germany")."""
    for cc, adm in scopes:
        if cc is None:
            rid = gz.region_anywhere(name)
            if rid is not None and gz.r_cc[rid] in ("US", "CA"):
                return gz.region_place(rid)
            hit = gz.country(name)
            if hit is not None:
                rid2 = gz.region_by_code(*hit) if hit[1] else None
                return gz.region_place(rid2) if rid2 is not None else gz.country_place(hit[0])
            if rid is not None:
                return gz.region_place(rid)
        elif adm is None:
            rid = gz.region(cc, name)
            if rid is not None:
                return gz.region_place(rid)
    return None


def _hint(gz: Gazetteer, key: str, scopes: list[tuple[str | None, str | None]]) -> str | None:
    """Label of the likeliest intended place for a misspelt name, if one is close."""
    from rapidfuzz import fuzz, process

    best: tuple[float, str] | None = None
    for cand, score, _ in process.extract(key, gz.keys, scorer=fuzz.ratio, limit=40,
                                          score_cutoff=75):
        for cc, adm in scopes or [(None, None)]:
            pid = gz.best_city(cand, cc, adm)
            if pid is not None:
                rank = score + 5 * math.log10(int(gz.p_pop[pid]) + 10) / 7
                if best is None or rank > best[0]:
                    best = (rank, gz.place(pid).label)
                break
    return best[1] if best else None


def find_place(text: str) -> Place:
    """The place meant by ``text``: "Boston, MA", "Portland, OR", "Cambridge, UK",
    "Munich, Germany", "München", "London", "02110", "Massachusetts".

    Ambiguous bare names give the most populous place. Raises :class:`UsageError`
    (with a "did you mean" hint when a spelling is close) for unknown places.
    """
    gz = get_gazetteer()
    raw = " ".join(str(text).split())
    if not raw:
        raise UsageError("no place given; try e.g. 'Boston, MA' or '02110'")
    m = _ZIP_TEXT.match(raw)
    if m:
        row = int(gz.zip_rows(np.array([int(m.group(1))]))[0])
        if row < 0:
            raise UsageError(f"unknown ZIP code '{raw}'")
        return gz.zip_place(row)
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    name, quals = parts[0], parts[1:]
    key = norm_place(name)
    scopes = _scopes(gz, raw, quals)
    for cc, adm in scopes:
        pid = gz.best_city(key, cc, adm) if key else None
        if pid is not None:
            area = None if quals or gz.p_pop[pid] >= BIG_CITY else _area(gz, name, scopes)
            return area or gz.place(pid)
    area = _area(gz, name, scopes)
    if area is not None:
        return area
    hint = _hint(gz, key, scopes) if key else None
    raise UsageError(f"unknown place '{raw}'" + (f"; did you mean {hint}?" if hint else ""))


def _qualifier_ok(gz: Gazetteer, pid: int, label: str, qual: str) -> bool:
    """Does the typed text after the comma fit this place (state, region or country)?"""
    if not qual:
        return True
    cc = gz.p_cc[pid]
    names = [label.split(", ", 1)[-1], cc, gz.c_name[gz.c_code.index(cc)] if cc in gz.c_code else ""]
    rid = gz.region_by_code(cc, gz.p_adm[pid])
    if rid is not None:
        names += [gz.r_name[rid], gz.r_abbr[rid]]
    return any(fold(n).startswith(qual) for n in names if n)


def suggest_places(prefix: str, limit: int = 10) -> list[str]:
    """Autocomplete labels (``"Boston, MA, US"``) for a half-typed name, biggest first.

    Text after a comma narrows by state, region or country: ``"Portland, Ma"``.
    """
    gz = get_gazetteer()
    name, comma, qual = str(prefix).lstrip().partition(",")
    key = norm_place(name) if comma else norm_prefix(name)
    if not key or limit <= 0:
        return []
    pids, alt = gz.prefix_pids(key)
    if not pids.size:
        return []
    # own names before alternate names, then by population
    order = pids[np.lexsort((pids, -gz.p_pop[pids], alt))]
    qual_key = fold(qual)
    out: list[str] = []
    seen: set[int] = set()
    for pid in order.tolist():
        if pid in seen:
            continue
        seen.add(pid)
        if len(seen) > 50 * limit:
            break
        label = gz.place(pid).label
        if label not in out and _qualifier_ok(gz, pid, label, qual_key):
            out.append(label)
            if len(out) >= limit:
                break
    return out


def nearby_cities(lat0: float, lon0: float, radius_km: float, *,
                  min_population: int = 50_000, limit: int = 12) -> list[Place]:
    """The biggest places (at least ``min_population``) within ``radius_km``, for map labels."""
    gz = get_gazetteer()
    pops = gz.p_pop[gz.by_pop]
    n = int(np.searchsorted(-pops, -min_population, side="right"))
    cand = gz.by_pop[:n]
    d = distance_km(gz.p_lat[cand], gz.p_lon[cand], lat0, lon0)
    return [gz.place(int(p)) for p in cand[d <= radius_km][:limit]]


# --------------------------------------------------------------------------- time zones


_TZ_LOCK = threading.Lock()


@cache
def _tzfinder() -> Any:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def timezones(lat: Any, lon: Any) -> pd.Series:
    """IANA time zone per row (``"America/New_York"``), NA where unknown.

    Looked up once per distinct position rounded to 0.1 degree (about 10 km);
    a rounded point at sea falls back to the row's exact position.
    """
    index = lat.index if isinstance(lat, pd.Series) else pd.RangeIndex(len(np.atleast_1d(lat)))
    la, lo = np.atleast_1d(_floats(lat)), np.atleast_1d(_floats(lon))
    ok = np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90) & (np.abs(lo) <= 180)
    rla, rlo = np.round(la[ok] * 10).astype(np.int64), np.round(lo[ok] * 10).astype(np.int64)
    codes, uniques = pd.factorize((rla + 900) * 4000 + (rlo + 1800))
    first = np.unique(codes, return_index=True)[1] if len(codes) else np.array([], dtype=int)
    names: list[str | None] = []
    tf = _tzfinder()
    with _TZ_LOCK:
        for u, row in zip(np.asarray(uniques).tolist(), first.tolist(), strict=True):
            y, x = divmod(u, 4000)
            tz = tf.timezone_at(lng=(x - 1800) / 10, lat=(y - 900) / 10)
            if tz is None or tz.startswith("Etc/"):
                exact = tf.timezone_at(lng=float(lo[ok][row]), lat=float(la[ok][row]))
                tz = exact if exact and not exact.startswith("Etc/") else tz
            names.append(tz)
    out = np.full(len(la), None, dtype=object)
    if names:
        out[ok] = np.array(names, dtype=object)[codes]
    return pd.Series(pd.array(out, dtype="str"), index=index, name="timezone")
