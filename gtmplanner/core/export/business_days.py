"""Business-day arithmetic for follow-up due dates (weekends and public holidays).

"Follow up within a day or two of returning home": a due date is the event's
last day plus N business days in the *rep's* country, skipping weekends and
that country's public holidays (from the ``holidays`` package, offline).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

DEFAULT_COUNTRY = "US"
_ALIASES = {"UK": "GB", "EL": "GR", "USA": "US", "UNITED STATES": "US"}


def normalise_country(country: object) -> str:
    """ISO2 code for the holiday calendar; blank/unknown input -> ``DEFAULT_COUNTRY``."""
    if country is None or (isinstance(country, float) and country != country):
        return DEFAULT_COUNTRY
    if country is pd.NA:
        return DEFAULT_COUNTRY
    code = str(country).strip().upper()
    if not code:
        return DEFAULT_COUNTRY
    return _ALIASES.get(code, code)


@lru_cache(maxsize=512)
def _holiday_dates(country: str, subdiv: str | None, year: int) -> tuple[np.datetime64, ...]:
    """Public holidays of ``country`` in ``year`` and ``year + 1`` (cached)."""
    try:
        cal = holidays.country_holidays(country, subdiv=subdiv, years=(year, year + 1))
    except (NotImplementedError, KeyError, ValueError):
        if subdiv is not None:
            return _holiday_dates(country, None, year)
        return ()  # a country the package does not know: weekends only
    return tuple(np.datetime64(d, "D") for d in sorted(cal))


def holiday_calendar(country: str | None, subdiv: str | None, year: int) -> np.ndarray:
    """Holiday dates as ``datetime64[D]`` for use with ``numpy.busday_offset``."""
    dates = _holiday_dates(normalise_country(country), subdiv, year)
    return np.array(dates, dtype="datetime64[D]")


def due_date(
    event_end: dt.date,
    n_business_days: int,
    country: str | None = None,
    subdiv: str | None = None,
) -> dt.date:
    """The date ``n_business_days`` working days after ``event_end``.

    Weekends and ``country``'s public holidays (optionally of ``subdiv``, a
    state or province) are skipped; ``country`` ``None`` means the US. An event
    ending on a weekend counts from the next working day: ending Saturday,
    +1 business day is Monday. ``n_business_days <= 0`` returns ``event_end``.

    >>> due_date(dt.date(2026, 11, 25), 2, "US")  # Thanksgiving is Thu 26 Nov
    datetime.date(2026, 11, 30)
    """
    if isinstance(event_end, dt.datetime):
        event_end = event_end.date()
    if n_business_days <= 0:
        return event_end
    cal = holiday_calendar(country, subdiv, event_end.year)
    # roll backward: a weekend/holiday end counts from the previous working day,
    # so the first business day *after* the event is always +1.
    out = np.busday_offset(
        np.datetime64(event_end, "D"), int(n_business_days), roll="backward", holidays=cal
    )
    return out.astype(dt.date)


def due_dates(
    event_end: dt.date,
    n_business_days: int | pd.Series,
    countries: pd.Series | None,
    subdiv: str | None = None,
    *,
    index: pd.Index | None = None,
) -> pd.Series:
    """Vectorised :func:`due_date`: one due date per row (object Series of ``date``).

    ``countries`` is a Series of ISO2 codes (NA -> US); ``n_business_days`` a
    scalar or a Series aligned with it. Each distinct (country, n) pair is
    computed once.
    """
    if countries is None:
        if index is None:
            raise ValueError("due_dates needs countries or an index")
        countries = pd.Series(DEFAULT_COUNTRY, index=index, dtype=object)
    codes = pd.Series(
        [normalise_country(c) for c in countries.astype(object).tolist()],
        index=countries.index,
        dtype=object,
    )
    if isinstance(n_business_days, pd.Series):
        ns = n_business_days.reindex(codes.index).fillna(0).astype(int)
    else:
        ns = pd.Series(int(n_business_days), index=codes.index)
    keys = list(zip(codes.tolist(), ns.tolist(), strict=True))
    cache: dict[tuple[str, int], dt.date] = {}
    out: list[dt.date] = []
    for key in keys:
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = due_date(event_end, key[1], key[0], subdiv)
        out.append(hit)
    return pd.Series(out, index=codes.index, dtype=object)
