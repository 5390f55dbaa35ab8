"""Dates and times as they come out of CRMs, ticketing tools and spreadsheets.

One column is parsed as a whole: the day/month order is decided for the
column (any first number > 12 -> day-first; any second number > 12 ->
month-first), not guessed per cell. Time zones are dropped keeping the
wall-clock time written in the cell (``16:00-04:00`` -> ``16:00``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core.normalize_text import clean_text, to_arrow

__all__ = ["detect_dayfirst", "parse_dates"]

_TIME = (
    r"(?:(?:[T ]|, ?| at |\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
)
_TZ = r"\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?|[A-Z]{3,4})?"
_ISO = rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}{_TZ}$"
_NUMERIC = (
    rf"^(?P<a>\d{{1,2}})(?P<sep>[/.\-])(?P<b>\d{{1,2}})[/.\-](?P<y>\d{{4}}|\d{{2}})\.?{_TIME}{_TZ}$"
)
_WEEKDAY = r"(?:\pL+\.?,?\s+)?"
_MONTH_FIRST = rf"^{_WEEKDAY}(?P<mon>\pL{{3,}})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_TIME}{_TZ}$"
_DAY_FIRST = (
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?[\s\-](?P<mon>\pL{{3,}})\.?,?[\s\-]"
    rf"(?P<y>\d{{4}}|\d{{2}}){_TIME}{_TZ}$"
)
_SERIAL = r"^(?P<v>\d{5}(?:\.\d+)?)$"
_COMPACT = r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})$"

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    (
        "january jan janv janvier januar jänner enero ene gennaio gen",
        "february feb febr fevr févr février februar febrero",
        "march mar mär märz mars marzo",
        "april apr avr avril abril abr aprile",
        "may mai mayo maggio mag",
        "june jun juin juni junio giugno giu",
        "july jul juil juillet juli julio luglio lug",
        "august aug août aout ago agosto",
        "september sep sept septembre septiembre settembre set",
        "october oct okt oktober octobre octubre ottobre ott",
        "november nov novembre noviembre",
        "december dec dez dezember décembre decembre dic diciembre dicembre",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _num

_EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")


def _np(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def _field(parts: pa.StructArray, name: str) -> np.ndarray:
    """A numeric capture group as float64 (NaN where absent)."""
    col = pc.struct_field(parts, name)
    col = pc.if_else(pc.equal(col, pa.scalar("", col.type)), pa.scalar(None, col.type), col)
    return np.asarray(_np(pc.cast(col, pa.float64())), dtype=float)


def _match(parts: pa.StructArray) -> np.ndarray:
    return np.asarray(_np(pc.is_valid(parts)), dtype=bool)


_MONTH_KEYS = pa.array(list(_MONTHS), pa.large_string())
_MONTH_NUMS = pa.array(list(_MONTHS.values()), pa.float64())


class _Parts:
    """Date/time components per value, filled in by each recognised shape."""

    def __init__(self, n: int) -> None:
        self.done = np.zeros(n, dtype=bool)
        self.y = np.full(n, np.nan)
        self.m = np.full(n, np.nan)
        self.d = np.full(n, np.nan)
        self.H = np.zeros(n)
        self.M = np.zeros(n)
        self.S = np.zeros(n)
        self.ns = np.zeros(n, dtype=np.int64)
        self.serial = np.full(n, np.nan)

    def take_time(self, parts: pa.StructArray, rows: np.ndarray) -> None:
        """Copy H:M[:S[.f]] [am|pm] from ``parts`` (one entry per row in ``rows``)."""
        hour = _field(parts, "H")
        has_time = ~np.isnan(hour)
        if not has_time.any():
            return
        minute = _field(parts, "M")
        sec = _field(parts, "S")
        ampm = pc.fill_null(pc.utf8_lower(pc.struct_field(parts, "ampm")), "")
        pm = _np(pc.starts_with(ampm, "p")).astype(bool)
        am = _np(pc.starts_with(ampm, "a")).astype(bool)
        hour = np.where(has_time, hour, 0)
        bad = (am | pm) & ((hour > 12) | (hour == 0))
        hour = np.where(pm & (hour < 12), hour + 12, hour)
        hour = np.where(am & (hour == 12), 0, hour)
        self.H[rows] = np.where(bad, np.nan, hour)
        self.M[rows] = np.where(has_time, minute, 0)
        self.S[rows] = np.where(np.isnan(sec), 0, sec)
        frac = pc.fill_null(pc.struct_field(parts, "f"), "")
        if pc.any(pc.not_equal(frac, "")).as_py():
            padded = pc.utf8_slice_codeunits(pc.utf8_rpad(frac, 9, "0"), 0, 9)
            self.ns[rows] = _np(pc.cast(padded, pa.int64())).astype(np.int64)


def _year(y: np.ndarray) -> np.ndarray:
    """Two-digit years: 00-69 -> 2000s, 70-99 -> 1900s."""
    return np.where(y < 100, np.where(y < 70, y + 2000, y + 1900), y)


def _dayfirst_evidence(a: np.ndarray, b: np.ndarray) -> tuple[bool, bool]:
    """(some first part > 12, some second part > 12)."""
    return bool(np.nanmax(a, initial=0) > 12), bool(np.nanmax(b, initial=0) > 12)


def detect_dayfirst(s: pd.Series) -> bool | None:
    """Whether the column's ``a/b/yyyy`` dates are day-first (None: no evidence either way).

    True if some first number is > 12 and no second number is; False for the
    reverse; None when every value is ambiguous (or the column contradicts itself).
    """
    cleaned = clean_text(s).dropna()
    if cleaned.empty:
        return None
    arr = to_arrow(pd.Series(pd.unique(cleaned)))
    parts = pc.extract_regex(arr, _NUMERIC)
    ok = _match(parts)
    if not ok.any():
        return None
    first_big, second_big = _dayfirst_evidence(_field(parts, "a")[ok], _field(parts, "b")[ok])
    if first_big and not second_big:
        return True
    if second_big and not first_big:
        return False
    return None


def _stage(arr: pa.Array, p: _Parts, pattern: str) -> tuple[pa.StructArray, np.ndarray] | None:
    """Match ``pattern`` against the values not parsed yet: (parts, row numbers)."""
    todo = np.flatnonzero(~p.done)
    if not todo.size:
        return None
    sub = arr if todo.size == len(arr) else pc.take(arr, pa.array(todo))
    parts = pc.extract_regex(sub, pattern)
    hit = _match(parts)
    if not hit.any():
        return None
    if not hit.all():
        parts = pc.filter(parts, pa.array(hit))
    return parts, todo[hit]


# Machine-written shapes with fixed positions: sliced instead of regex-captured (faster).
_TZ_FIXED = r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?"
_FIXED: tuple[tuple[str, dict[str, tuple[int, int]]], ...] = (
    (
        rf"^\d{{4}}-\d{{2}}-\d{{2}}[T ]\d{{2}}:\d{{2}}:\d{{2}}{_TZ_FIXED}$",
        {"y": (0, 4), "m": (5, 7), "d": (8, 10), "H": (11, 13), "M": (14, 16), "S": (17, 19)},
    ),
    (r"^\d{4}-\d{2}-\d{2}$", {"y": (0, 4), "m": (5, 7), "d": (8, 10)}),
    (
        r"^[A-Za-z]{3} \d{2}, \d{4} \d{2}:\d{2}:\d{2}$",
        {"mon": (0, 3), "d": (4, 6), "y": (8, 12), "H": (13, 15), "M": (16, 18), "S": (19, 21)},
    ),
    (r"^[A-Za-z]{3} \d{2}, \d{4}$", {"mon": (0, 3), "d": (4, 6), "y": (8, 12)}),
)


def _month_numbers(text: pa.Array) -> np.ndarray:
    """Month names / abbreviations (any case, trailing dot) -> 1..12, NaN if unknown."""
    key = pc.utf8_rtrim(pc.utf8_lower(text), ".")
    nums = pc.take(_MONTH_NUMS, pc.index_in(key, value_set=_MONTH_KEYS))
    return np.asarray(_np(pc.fill_null(nums, np.nan)), dtype=float)


def _fixed_stages(arr: pa.Array, p: _Parts) -> None:
    for pattern, slices in _FIXED:
        todo = np.flatnonzero(~p.done)
        if not todo.size:
            return
        sub = arr if todo.size == len(arr) else pc.take(arr, pa.array(todo))
        hit = np.asarray(
            _np(pc.fill_null(pc.match_substring_regex(sub, pattern), False)), dtype=bool
        )
        if not hit.any():
            continue
        sub = pc.filter(sub, pa.array(hit))
        rows = todo[hit]
        got = {}
        for name, (start, stop) in slices.items():
            piece = pc.utf8_slice_codeunits(sub, start, stop)
            if name == "mon":
                got[name] = _month_numbers(piece)
            else:
                got[name] = np.asarray(_np(pc.cast(piece, pa.float64())), dtype=float)
        if "mon" in got:
            got["m"] = got.pop("mon")
        known = ~np.isnan(got["m"])
        rows = rows[known]
        p.y[rows], p.m[rows], p.d[rows] = (got[k][known] for k in ("y", "m", "d"))
        if "H" in got:
            p.H[rows], p.M[rows], p.S[rows] = (got[k][known] for k in ("H", "M", "S"))
        p.done[rows] = True


def _parse_unique(arr: pa.Array, dayfirst: bool | None) -> np.ndarray:
    n = len(arr)
    p = _Parts(n)
    _fixed_stages(arr, p)

    # ISO 8601-ish: 2026-09-01, 2026-09-01 16:00:00-04:00, 2026-09-01T16:00:00Z.
    got = _stage(arr, p, _ISO)
    if got:
        parts, rows = got
        p.y[rows], p.m[rows], p.d[rows] = (_field(parts, k) for k in ("y", "m", "d"))
        p.take_time(parts, rows)
        p.done[rows] = True

    # a/b/yyyy and a.b.yyyy, order decided for the whole column.
    got = _stage(arr, p, _NUMERIC)
    if got:
        parts, rows = got
        a = _field(parts, "a")
        b = _field(parts, "b")
        dotted = _np(pc.equal(pc.struct_field(parts, "sep"), ".")).astype(bool)
        first_big, second_big = _dayfirst_evidence(a, b)
        if first_big and not second_big:
            dfirst = np.ones(rows.size, dtype=bool)
        elif second_big and not first_big:
            dfirst = np.zeros(rows.size, dtype=bool)
        else:
            default = dotted if dayfirst is None else np.full(rows.size, bool(dayfirst))
            # Contradicting column: each unambiguous value decides for itself.
            dfirst = np.where(a > 12, True, np.where(b > 12, False, default))
        p.d[rows] = np.where(dfirst, a, b)
        p.m[rows] = np.where(dfirst, b, a)
        p.y[rows] = _year(_field(parts, "y"))
        p.take_time(parts, rows)
        p.done[rows] = True

    # Month names: 'Sep 17, 2026 10:01:12', '17 Sep 2026', '17-Sep-26'.
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        got = _stage(arr, p, pattern)
        if not got:
            continue
        parts, rows = got
        mon = _month_numbers(pc.struct_field(parts, "mon"))
        known = ~np.isnan(mon)
        rows, parts = rows[known], pc.filter(parts, pa.array(known))
        p.m[rows] = mon[known]
        p.d[rows] = _field(parts, "d")
        p.y[rows] = _year(_field(parts, "y"))
        p.take_time(parts, rows)
        p.done[rows] = True

    # Excel serial day numbers (1954..2119), with a fraction of a day for the time.
    got = _stage(arr, p, _SERIAL)
    if got:
        parts, rows = got
        v = _field(parts, "v")
        in_range = (v >= 20000) & (v <= 80000)
        p.serial[rows[in_range]] = v[in_range]
        p.done[rows[in_range]] = True

    # Compact yyyymmdd.
    got = _stage(arr, p, _COMPACT)
    if got:
        parts, rows = got
        p.y[rows], p.m[rows], p.d[rows] = (_field(parts, k) for k in ("y", "m", "d"))
        p.done[rows] = True

    return _assemble(p)


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_NS_PER_DAY = 86_400_000_000_000


def _assemble(p: _Parts) -> np.ndarray:
    """Components -> datetime64[ns]; invalid dates (Feb 30, hour 25...) become NaT."""
    ok = p.done & (p.y >= 1900) & (p.y <= 2200) & (p.m >= 1) & (p.m <= 12) & (p.d >= 1)
    ok &= (p.H >= 0) & (p.H < 24) & (p.M >= 0) & (p.M < 60) & (p.S >= 0) & (p.S < 61)
    y = np.where(ok, p.y, 2000).astype(np.int64)
    m = np.where(ok, p.m, 1).astype(np.int64)
    d = np.where(ok, p.d, 1).astype(np.int64)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = _DAYS_IN_MONTH[m] + ((m == 2) & leap)
    ok &= d <= dim
    # Days since 1970-01-01 (H. Hinnant's days_from_civil).
    yy = y - (m <= 2)
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    secs = (
        np.where(ok, p.H, 0).astype(np.int64) * 3600
        + np.where(ok, p.M, 0).astype(np.int64) * 60
        + np.minimum(np.where(ok, p.S, 0), 59).astype(np.int64)
    )
    ns = days * _NS_PER_DAY + secs * 1_000_000_000 + p.ns
    out = ns.view("datetime64[ns]").copy()
    out[~ok] = np.datetime64("NaT")
    ser = ~np.isnan(p.serial)
    if ser.any():
        ms = np.round(p.serial[ser] * 86_400_000).astype(np.int64)
        out[ser] = _EXCEL_EPOCH + (ms * 1_000_000).astype("timedelta64[ns]")
    return out


def parse_dates(s: pd.Series, *, dayfirst: bool | None = None) -> pd.Series:
    """Parse a date column into ``datetime64[ns]`` (NaT where unparseable).

    Understands ISO (``2026-09-01``, ``2026-09-01 16:00:00-04:00``,
    ``2026-09-01T16:00:00Z``), ``M/D/YYYY`` and ``D/M/YYYY`` / ``D.M.YYYY``
    (order decided for the column; ambiguous columns use ``dayfirst``, which
    defaults to month-first for ``/`` and day-first for ``.``), month names
    (``Sep 17, 2026 10:01:12``, ``17 Sep 2026``), 12-hour times, Excel serial
    numbers (20000..80000, fractions are times) and ``yyyymmdd``. Offsets and
    ``Z`` are dropped, keeping the wall-clock time as written.
    """
    if not isinstance(s, pd.Series):
        s = pd.Series(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.astype("datetime64[ns]")
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        v = pd.to_numeric(s, errors="coerce").astype(float).to_numpy()
        ok = (v >= 20000) & (v <= 80000)
        ns = np.round(np.where(ok, v, 0) * 86_400_000) * 1_000_000
        out = np.where(ok, _EXCEL_EPOCH + ns.astype("timedelta64[ns]"), np.datetime64("NaT", "ns"))
        return pd.Series(out.astype("datetime64[ns]"), index=s.index)
    if s.dtype == object:
        # Timestamps / datetimes mixed with text (xlsx readers): keep them as they are.
        is_ts = s.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"))
        if bool(is_ts.any()):
            stamps = pd.to_datetime(s.where(is_ts), errors="coerce", utc=False)
            rest = parse_dates(s.where(~is_ts), dayfirst=dayfirst)
            if isinstance(stamps.dtype, pd.DatetimeTZDtype):
                stamps = stamps.dt.tz_localize(None)
            return stamps.astype("datetime64[ns]").where(is_ts, rest)
    cleaned = clean_text(s)
    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(np.full(len(s), np.datetime64("NaT", "ns")), index=s.index)
    parsed = _parse_unique(to_arrow(pd.Series(uniques)), dayfirst)
    out = np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.datetime64("NaT", "ns"))
    return pd.Series(out.astype("datetime64[ns]"), index=s.index)
