"""Countries, regions (states / provinces) and postal codes."""

from __future__ import annotations

import pandas as pd
import pytest

from gtmplanner.core.normalize import (
    country_name,
    normalize_country,
    normalize_postal,
    normalize_region,
)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("USA", "US"),
        ("U.S.", "US"),
        ("US", "US"),
        ("us", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("États-Unis", "US"),
        ("Estados Unidos", "US"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("DE", "DE"),
        ("DEU", "DE"),
        ("UK", "GB"),
        ("England", "GB"),
        ("Great Britain", "GB"),
        ("United Kingdom", "GB"),
        ("Holland", "NL"),
        ("Netherlands", "NL"),
        ("The Netherlands", "NL"),
        ("Canada", "CA"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Czech Republic", "CZ"),
        ("Schweiz", "CH"),
        ("UAE", "AE"),
        ("  france ", "FR"),
        ("Russia", "RU"),
        ("Ivory Coast", "CI"),
    ],
)
def test_normalize_country(raw: str, code: str) -> None:
    assert normalize_country(pd.Series([raw])).iloc[0] == code


def test_unknown_and_missing_countries_are_na() -> None:
    out = normalize_country(
        pd.Series(["Atlantis", None, "", "n/a", "Narnia"], index=[3, 1, 2, 9, 7])
    )
    assert out.isna().all()
    assert list(out.index) == [3, 1, 2, 9, 7]


def test_country_name() -> None:
    out = country_name(pd.Series(["US", "gb", "DE", "KR", "XX", None, "TW", "RU"]))
    assert out.tolist()[:4] == ["United States", "United Kingdom", "Germany", "South Korea"]
    assert out.iloc[4:6].isna().all()
    assert out.iloc[6] == "Taiwan" and out.iloc[7] == "Russia"


def test_round_trip_name_to_code() -> None:
    codes = pd.Series(["US", "GB", "DE", "FR", "JP", "BR", "IN", "NL", "KR", "IR", "BO", "CD"])
    assert normalize_country(country_name(codes)).tolist() == codes.tolist()


def test_normalize_region() -> None:
    region = pd.Series(
        [
            "Massachusetts",
            "Mass.",
            "ma",
            "Bavaria",
            "bavaria",
            "Québec",
            "NSW",
            "Victoria",
            None,
            "Texas",
            "Ontario",
            "Calif.",
            "N.Y.",
            "District of Columbia",
            "New South Wales",
        ]
    )
    country = pd.Series(
        [
            "US",
            "US",
            "US",
            "DE",
            "DE",
            "CA",
            "AU",
            "AU",
            "US",
            None,
            "Canada",
            "United States",
            "US",
            "US",
            "AU",
        ]
    )
    assert normalize_region(region, country).tolist()[:8] == [
        "MA",
        "MA",
        "MA",
        "Bavaria",
        "Bavaria",
        "QC",
        "NSW",
        "VIC",
    ]
    out = normalize_region(region, country)
    assert pd.isna(out.iloc[8])
    assert out.iloc[9:].tolist() == ["TX", "ON", "CA", "NY", "DC", "NSW"]


def test_normalize_region_with_one_country_for_all() -> None:
    assert normalize_region(pd.Series(["texas", "IL"]), "US").tolist() == ["TX", "IL"]
    # A state name under another country stays text.
    assert normalize_region(pd.Series(["Georgia"]), "GE").tolist() == ["Georgia"]


def test_normalize_postal_us_repairs() -> None:
    postal = pd.Series(["2110", "02110-1234", "021101234", "2110.0", "02110", "501", "abc", None])
    out, repaired = normalize_postal(postal, "US")
    assert out.tolist()[:6] == ["02110", "02110", "02110", "02110", "02110", "00501"]
    assert out.iloc[6] == "ABC" and pd.isna(out.iloc[7])
    assert repaired.tolist() == [True, False, False, True, False, True, False, False]


def test_normalize_postal_other_countries() -> None:
    postal = pd.Series(["ec1a 1bb", "k1a0b1", "20095", "1010", "20095.0"])
    country = pd.Series(["GB", "CA", "DE", "AT", "Germany"])
    out, repaired = normalize_postal(postal, country)
    assert out.tolist() == ["EC1A 1BB", "K1A 0B1", "20095", "1010", "20095"]
    assert not repaired.any()
