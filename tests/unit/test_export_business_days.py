"""Due dates in business days, skipping weekends and public holidays."""

from __future__ import annotations

import datetime as dt

import holidays
import pandas as pd
import pytest

from gtmplanner.core.export.business_days import due_date, due_dates, normalise_country

D = dt.date


def test_thanksgiving_is_skipped() -> None:
    assert D(2026, 11, 26) in holidays.country_holidays("US", years=2026)  # Thanksgiving
    # Wed 25 Nov + 2 business days: Thu is a holiday, Fri is +1, Mon 30 is +2
    assert due_date(D(2026, 11, 25), 2, "US") == D(2026, 11, 30)
    assert due_date(D(2026, 11, 25), 1, "US") == D(2026, 11, 27)


@pytest.mark.parametrize(
    ("end", "n", "country", "expected"),
    [
        (D(2026, 11, 27), 1, "US", D(2026, 11, 30)),  # Friday -> Monday
        (D(2026, 11, 28), 1, "US", D(2026, 11, 30)),  # ends Saturday -> Monday
        (D(2026, 11, 29), 2, "US", D(2026, 12, 1)),  # ends Sunday -> Tuesday
        (D(2026, 7, 13), 1, "FR", D(2026, 7, 15)),  # 14 July in France
        (D(2026, 7, 13), 1, "US", D(2026, 7, 14)),  # ... but not in the US
        (D(2026, 12, 31), 2, "GB", D(2027, 1, 5)),  # New Year crosses the year
        (D(2026, 12, 23), 2, "de", D(2026, 12, 28)),  # lower-case code, Christmas
        (D(2026, 11, 25), 2, None, D(2026, 11, 30)),  # default US
        (D(2026, 11, 25), 0, "US", D(2026, 11, 25)),
    ],
)
def test_due_date(end: dt.date, n: int, country: str | None, expected: dt.date) -> None:
    assert due_date(end, n, country) == expected


def test_unknown_country_counts_weekends_only() -> None:
    assert due_date(D(2026, 1, 1), 1, "ZZ") == D(2026, 1, 2)


def test_aliases_and_blanks() -> None:
    assert normalise_country("uk") == "GB"
    assert normalise_country(None) == "US"
    assert normalise_country(float("nan")) == "US"
    assert normalise_country(pd.NA) == "US"
    assert normalise_country(" fr ") == "FR"


def test_datetime_input() -> None:
    assert due_date(dt.datetime(2026, 11, 25, 18, 0), 2, "US") == D(2026, 11, 30)


def test_vectorised_matches_scalar() -> None:
    countries = pd.Series(["US", "FR", None, "GB", "US"])
    n = pd.Series([2, 1, 2, 1, 1])
    out = due_dates(D(2026, 7, 13), n, countries)
    expected = [due_date(D(2026, 7, 13), k, c) for k, c in zip(n, countries, strict=True)]
    assert out.tolist() == expected
    assert (
        due_dates(D(2026, 11, 25), 2, None, index=pd.RangeIndex(2)).tolist()
        == [D(2026, 11, 30)] * 2
    )
