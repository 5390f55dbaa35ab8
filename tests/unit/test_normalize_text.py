"""clean_text, parse_bool, normalize_url, damaged_values and the shared contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from gtmplanner.core import normalize as nz
from gtmplanner.core.normalize_text import digits_only, map_unique


def test_null_markers_are_the_documented_set() -> None:
    assert {"", "--", "-", "n/a", "na", "null", "none", "#n/a"} == set(nz.NULL_MARKERS)


def test_clean_text_spaces_and_null_markers() -> None:
    s = pd.Series(
        [
            "  Jane\u00a0 Doe ",
            "N/A",
            "--",
            "-",
            "NULL",
            "None",
            "#N/A",
            "na",
            "Nonesuch",
            "a\u200bb",
            "x\t\ty",
            "\ufeffBoston",
            None,
            "",
            "ok",
        ],
        index=list("abcdefghijklmno"),
    )
    out = nz.clean_text(s)
    assert list(out.index) == list(s.index)
    assert out.tolist()[:1] == ["Jane Doe"]
    assert out.iloc[1:8].isna().all()
    assert out["i"] == "Nonesuch"
    assert out["j"] == "a b"
    assert out["k"] == "x y"
    assert out["l"] == "Boston"
    assert pd.isna(out["m"]) and pd.isna(out["n"])
    assert out["o"] == "ok"
    # Never an empty string in the output.
    assert not (out == "").any()


@pytest.mark.parametrize(
    "series",
    [
        pd.Series(["a", None, " b "], dtype="str"),
        pd.Series(["a", None, " b "], dtype="string"),
        pd.Series(["a", None, " b "], dtype="string[pyarrow]"),
        pd.Series(["a", None, " b "], dtype=object),
        pd.Series(["a", np.nan, " b "], dtype="category"),
    ],
)
def test_clean_text_accepts_every_string_flavour(series: pd.Series) -> None:
    out = nz.clean_text(series)
    assert out.iloc[0] == "a" and pd.isna(out.iloc[1]) and out.iloc[2] == "b"


def test_clean_text_numbers_become_text() -> None:
    out = nz.clean_text(pd.Series([1.5, np.nan, 4155550123.0]))
    assert out.tolist()[0] == "1.5"
    assert pd.isna(out.iloc[1])
    assert out.iloc[2] == "4155550123.0"


def test_map_unique_calls_once_per_unique_value() -> None:
    calls: list[int] = []

    def func(u: pd.Series) -> pd.Series:
        calls.append(len(u))
        return u.str.upper()

    s = pd.Series(["a", "b", "a", None, "b", "a"], index=[10, 11, 12, 13, 14, 15])
    out = map_unique(s, func)
    assert calls == [2]
    assert out.tolist()[:3] == ["A", "B", "A"]
    assert pd.isna(out.loc[13])
    assert list(out.index) == [10, 11, 12, 13, 14, 15]


def test_digits_only_keeps_nulls_and_handles_slices() -> None:
    a = pa.array(["+1 (415) 555-0123", None, "", "abc", "12x3"], type=pa.large_string())
    assert digits_only(a).to_pylist() == ["14155550123", None, "", "", "123"]
    assert digits_only(a.slice(3)).to_pylist() == ["", "123"]


def test_parse_bool() -> None:
    values = [
        "Yes",
        "y",
        "TRUE",
        "1",
        "x",
        "✓",
        "Checked In",
        "Attended",
        "present",
        "ja",
        "sí",
        "si",
        "oui",
        "Opted Out",
        "no",
        "N",
        "false",
        "0",
        "absent",
        "No-show",
        "not attended",
        "nein",
        "non",
        "Attending",
        "maybe",
        None,
        "",
        "1.0",
    ]
    out = nz.parse_bool(pd.Series(values))
    assert str(out.dtype) == "boolean"
    assert out.iloc[:14].tolist() == [True] * 14
    assert out.iloc[14:23].tolist() == [False] * 9
    assert out.iloc[23:27].isna().all()  # 'Attending' = registered only
    assert out.iloc[27]


def test_parse_bool_from_real_bool_and_numbers() -> None:
    out = nz.parse_bool(pd.Series([True, False, None], dtype=object))
    assert out.tolist()[:2] == [True, False] and pd.isna(out.iloc[2])
    assert nz.parse_bool(pd.Series([1, 0])).tolist() == [True, False]


def test_normalize_url() -> None:
    s = pd.Series(
        [
            "www.Example.com",
            "https://www.northwind-logistics.com",
            "HTTP://Foo.COM/Path?q=1",
            "linkedin.com/in/jane-doe-123/?trk=abc",
            "https://uk.linkedin.com/in/Jane",
            "n/a",
            "jane",
            "http://foo.com/a b",
            None,
            "https://www.linkedin.com/company/acme/about/",
            "example.com:8080/x#frag",
        ]
    )
    out = nz.normalize_url(s)
    assert out.tolist()[:5] == [
        "https://www.example.com",
        "https://www.northwind-logistics.com",
        "http://foo.com/Path?q=1",
        "https://www.linkedin.com/in/jane-doe-123",
        "https://www.linkedin.com/in/Jane",
    ]
    assert out.iloc[5:7].isna().all()
    assert out.iloc[7] == "http://foo.com/ab"
    assert pd.isna(out.iloc[8])
    assert out.iloc[9] == "https://www.linkedin.com/company/acme"
    assert out.iloc[10] == "https://example.com:8080/x#frag"


def test_damaged_values_scientific_notation_ids() -> None:
    s = pd.Series(["7.50339E+18", "006000000000001AAA", "1.2e5"], index=["r1", "r2", "r3"])
    found = nz.damaged_values(s, "external_id")
    assert [label for label, _ in found] == ["r1", "r3"]
    assert "scientific notation" in found[0][1] and "digits are lost" in found[0][1]
    # Not an id-like field: nothing to report.
    assert nz.damaged_values(s, "title") == []


def test_damaged_values_zip_codes() -> None:
    s = pd.Series(["2110", "02110", "501", "20095", "2110.0", "EC1A 1BB"])
    found = dict(nz.damaged_values(s, "postal_code"))
    assert set(found) == {0, 2, 4}
    assert "leading zero" in found[0]
    # With countries: a 4-digit German-style code in Austria is fine.
    country = pd.Series(["US", "US", "AT", "DE", "US", "GB"])
    found = dict(
        nz.damaged_values(
            pd.Series(["2110", "02110", "1010", "20095", "2110.0", "x"]),
            "postal_code",
            country=country,
        )
    )
    assert set(found) == {0, 4}


def test_damaged_values_phones_stored_as_numbers() -> None:
    s = pd.Series(["4155550123.0", "(415) 555-0123", "4.15555E+09"])
    found = dict(nz.damaged_values(s, "phone"))
    assert set(found) == {0, 2}
    assert "number" in found[0]
    assert "scientific notation" in found[2]
