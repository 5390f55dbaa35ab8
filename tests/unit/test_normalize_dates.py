"""parse_dates / detect_dayfirst."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtmplanner.core.normalize import detect_dayfirst, parse_dates

T = pd.Timestamp


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-01", T("2026-09-01")),
        ("2026-09-01 16:00:00-04:00", T("2026-09-01 16:00")),  # wall clock kept
        ("2026-09-01T16:00:00Z", T("2026-09-01 16:00")),
        ("2026-09-01T16:00:00.123+02:00", T("2026-09-01 16:00:00.123")),
        ("2026-09-01 16:00", T("2026-09-01 16:00")),
        ("2026/09/01", T("2026-09-01")),
        ("9/17/2026", T("2026-09-17")),
        ("10/1/2026 11:22 AM", T("2026-10-01 11:22")),
        ("10/1/2026 12:05 AM", T("2026-10-01 00:05")),
        ("10/1/2026 1:05 PM", T("2026-10-01 13:05")),
        ("Sep 17, 2026 10:01:12", T("2026-09-17 10:01:12")),
        ("Sep 7, 2026", T("2026-09-07")),
        ("September 17th, 2026 3:15 PM", T("2026-09-17 15:15")),
        ("Thursday, September 17, 2026", T("2026-09-17")),
        ("17 Sep 2026", T("2026-09-17")),
        ("17-Sep-26", T("2026-09-17")),
        ("17. März 2026", T("2026-03-17")),
        ("1 août 2026", T("2026-08-01")),
        ("45562", T("2024-09-28") - pd.Timedelta(days=1)),
        ("45562.5", T("2024-09-27 12:00")),
        ("20260917", T("2026-09-17")),
    ],
)
def test_examples(raw: str, expected: pd.Timestamp) -> None:
    out = parse_dates(pd.Series([raw]))
    assert out.dtype == "datetime64[ns]"
    assert out.iloc[0] == expected


def test_unparseable_is_nat_and_index_kept() -> None:
    s = pd.Series(
        [
            "garbage",
            None,
            "",
            "2026-02-30",
            "13/13/2026",
            "n/a",
            "12345",
            "Foo 17, 2026",
            "1/1/2025 13:00 PM",
        ],
        index=list("abcdefghi"),
    )
    out = parse_dates(s)
    assert out.isna().all()
    assert list(out.index) == list("abcdefghi")


def test_day_first_decided_for_the_column() -> None:
    # One value with a first part > 12 makes the whole column day-first.
    out = parse_dates(pd.Series(["17/9/2026", "1/2/2026", "03/04/2026"]))
    assert out.tolist() == [T("2026-09-17"), T("2026-02-01"), T("2026-04-03")]
    # One value with a second part > 12 makes it month-first.
    out = parse_dates(pd.Series(["9/17/2026", "1/2/2026"]))
    assert out.tolist() == [T("2026-09-17"), T("2026-01-02")]


def test_ambiguous_columns_use_the_argument() -> None:
    s = pd.Series(["01/02/2026", "03/04/2026"])
    assert parse_dates(s).tolist() == [T("2026-01-02"), T("2026-03-04")]
    assert parse_dates(s, dayfirst=True).tolist() == [T("2026-02-01"), T("2026-04-03")]
    assert parse_dates(s, dayfirst=False).tolist() == [T("2026-01-02"), T("2026-03-04")]
    # Dotted dates are day-first unless told otherwise.
    dotted = pd.Series(["01.02.2026"])
    assert parse_dates(dotted).tolist() == [T("2026-02-01")]
    assert parse_dates(dotted, dayfirst=False).tolist() == [T("2026-01-02")]
    # Evidence beats the argument.
    assert parse_dates(pd.Series(["17/9/2026"]), dayfirst=False).iloc[0] == T("2026-09-17")


def test_detect_dayfirst() -> None:
    assert detect_dayfirst(pd.Series(["17/9/2026", "1/2/2026"])) is True
    assert detect_dayfirst(pd.Series(["9/17/2026", "1/2/2026"])) is False
    assert detect_dayfirst(pd.Series(["1/2/2026", "3/4/2026"])) is None
    assert detect_dayfirst(pd.Series(["2026-09-01", None])) is None
    assert detect_dayfirst(pd.Series(["17/9/2026", "9/17/2026"])) is None


def test_sample_opportunity_report_dates() -> None:
    s = pd.Series(["8/26/2025", "11/5/2024", "10/27/2025", "1/1/2025"])
    assert parse_dates(s).tolist() == [
        T("2025-08-26"),
        T("2024-11-05"),
        T("2025-10-27"),
        T("2025-01-01"),
    ]


def test_non_text_inputs() -> None:
    assert parse_dates(pd.Series([45562.5, 12.0, np.nan])).iloc[0] == T("2024-09-27 12:00")
    assert parse_dates(pd.Series([45562.5, 12.0, np.nan])).iloc[1:].isna().all()
    aware = pd.Series(pd.to_datetime(["2026-09-01 16:00"]).tz_localize("America/New_York"))
    assert parse_dates(aware).iloc[0] == T("2026-09-01 16:00")
    mixed = pd.Series([dt.datetime(2026, 1, 2, 3, 4), "2026-01-05", None], dtype=object)
    assert parse_dates(mixed).tolist()[:2] == [T("2026-01-02 03:04"), T("2026-01-05")]
    assert parse_dates(pd.Series([], dtype="str")).dtype == "datetime64[ns]"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=15), st.sampled_from([None, True, False]))
def test_never_raises_on_arbitrary_text(values: list[str], dayfirst: bool | None) -> None:
    out = parse_dates(pd.Series(values, dtype=object), dayfirst=dayfirst)
    assert out.dtype == "datetime64[ns]" and len(out) == len(values)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2150, 12, 31)),
        min_size=1,
        max_size=25,
    )
)
def test_round_trips_common_formats(whens: list[dt.datetime]) -> None:
    stamps = pd.Series([T(w.replace(microsecond=0)) for w in whens])
    formats = {
        "%Y-%m-%d %H:%M:%S": stamps,
        "%Y-%m-%dT%H:%M:%S+05:30": stamps,
        "%b %d, %Y %H:%M:%S": stamps,
        "%d %B %Y": stamps.dt.normalize(),
        "%m/%d/%Y %I:%M %p": stamps.dt.floor("min"),
    }
    for fmt, expected in formats.items():
        texts = pd.Series([s.strftime(fmt) for s in stamps])
        got = parse_dates(texts)
        assert got.tolist() == expected.tolist(), fmt
