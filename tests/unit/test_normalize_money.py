"""parse_money / parse_employees."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtmplanner.core.normalize import parse_employees, parse_money


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [
        ("USD 485,000.00", 485000.0, "USD"),
        ("$12.5M", 12_500_000.0, "USD"),
        ("12.5k", 12_500.0, None),
        ("1.234,56 €", 1234.56, "EUR"),
        ("€1.234.567", 1_234_567.0, "EUR"),
        ("£2,000", 2000.0, "GBP"),
        ("(1,000)", -1000.0, None),
        ("1 234,56", 1234.56, None),
        ("1\u00a0234,56 EUR", 1234.56, "EUR"),
        ("1,234", 1234.0, None),
        ("1.234", 1234.0, None),
        ("12,5", 12.5, None),
        ("12.50", 12.5, None),
        ("-500", -500.0, None),
        ("500-", -500.0, None),
        ("CHF 1'234.50", 1234.5, "CHF"),
        ("12.5 million USD", 12_500_000.0, "USD"),
        ("1.5bn", 1.5e9, None),
        ("1.234M", 1_234_000.0, None),
        ("R$ 1.000,00", 1000.0, "BRL"),
        ("C$50", 50.0, "CAD"),
        ("12,34,567", 1_234_567.0, None),
        ("USD 5k", 5000.0, "USD"),
        ("0.125", 0.125, None),
        ("610000000", 610_000_000.0, None),
    ],
)
def test_examples(raw: str, amount: float, currency: str | None) -> None:
    amounts, currencies = parse_money(pd.Series([raw]))
    assert amounts.iloc[0] == pytest.approx(amount)
    got = None if pd.isna(currencies.iloc[0]) else currencies.iloc[0]
    assert got == currency


def test_unparseable_is_na() -> None:
    s = pd.Series(
        ["abc", "", None, "10-20k", "USD 1,000 or 2,000", "EUR", "1.2.3", "12.5 mars", "-"],
        index=list("abcdefghi"),
    )
    amounts, currencies = parse_money(s)
    assert amounts.isna().all() and currencies.isna().all()
    assert list(amounts.index) == list("abcdefghi")
    assert amounts.dtype == float


def test_numeric_input_passes_through() -> None:
    amounts, currencies = parse_money(pd.Series([1.5, np.nan, 3]))
    assert amounts.iloc[0] == 1.5 and math.isnan(amounts.iloc[1]) and amounts.iloc[2] == 3
    assert currencies.isna().all()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=25), max_size=15))
def test_money_never_raises(values: list[str]) -> None:
    amounts, currencies = parse_money(pd.Series(values, dtype=object))
    assert len(amounts) == len(values) == len(currencies)
    assert not (currencies == "").any()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=20),
    st.sampled_from(["us", "eu", "plain", "swiss"]),
)
def test_money_round_trips_formatted_numbers(cents: list[int], style: str) -> None:
    def fmt(c: int) -> str:
        text = f"{c / 100:,.2f}"
        if style == "eu":
            return text.replace(",", "_").replace(".", ",").replace("_", ".") + " €"
        if style == "plain":
            return f"{c / 100:.2f}"
        if style == "swiss":
            return "CHF " + text.replace(",", "'")
        return "USD " + text

    amounts, _ = parse_money(pd.Series([fmt(c) for c in cents]))
    assert amounts.tolist() == pytest.approx([c / 100 for c in cents])


def test_parse_employees() -> None:
    s = pd.Series(
        [
            "1,200",
            "1K-5K",
            "1,001-5,000",
            "1001 to 5000",
            "10,000+",
            "10K+",
            "11-50",
            "5000 employees",
            "1.5K",
            "2-10",
            "1-5K",
            "1.200",
            "abc",
            None,
            "50-11",
            "10001+",
        ]
    )
    out = parse_employees(s)
    assert out.iloc[:12].tolist() == [
        1200,
        3000.5,
        3000.5,
        3000.5,
        10000,
        10000,
        30.5,
        5000,
        1500,
        6,
        3000.5,
        1200,
    ]
    assert out.iloc[12:15].isna().all()
    assert out.iloc[15] == 10001
    assert out.dtype == float
    assert parse_employees(pd.Series([1200, 5])).tolist() == [1200.0, 5.0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=15))
def test_employees_never_raises(values: list[str]) -> None:
    out = parse_employees(pd.Series(values, dtype=object))
    assert len(out) == len(values)
