"""normalize_phones: repairs, regions, extensions, and fast path == phonenumbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from gtmplanner.core.normalize import normalize_phones
from gtmplanner.core.normalize_phones import (
    _fast_path,
    _prepare,
    parse_phone_slow,
    prepare_phone_text,
)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0123", "US", "+14155550123"),
        ("415.555.0123", "US", "+14155550123"),
        ("1-415-555-0123", "US", "+14155550123"),
        ("4155550123.0", "US", "+14155550123"),
        ("'+1 415 555 0123", "US", "+14155550123"),
        ('="4155550123"', "US", "+14155550123"),
        ("+14155550123", "DE", "+14155550123"),
        ("415-555-0123 x12", "US", "+14155550123;ext=12"),
        ("415.555.0123 ext. 99", "US", "+14155550123;ext=99"),
        ("00 44 20 7946 0958", "US", "+442079460958"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
        ("+44 (0) 20 7946 0958", "GB", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("040 1234567", "DE", "+49401234567"),
        ("+49 40 1234567", "US", "+49401234567"),
        ("(613) 555-0199", "CA", "+16135550199"),
        ("+33 1 23 45 67 89", "FR", "+33123456789"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+39 06 1234 5678", "IT", "+390612345678"),
    ],
)
def test_examples(raw: str, region: str, expected: str) -> None:
    phones, invalid = normalize_phones(pd.Series([raw]), region)
    assert phones.iloc[0] == expected
    assert not invalid.iloc[0]


def test_unparseable_keeps_cleaned_text_and_flags() -> None:
    s = pd.Series(
        ["call me", " 555-0123 ", "4.15555E+09", "1", None, "", "n/a"], index=list("abcdefg")
    )
    phones, invalid = normalize_phones(s)
    assert phones["a"] == "call me" and invalid["a"]
    assert phones["b"] == "555-0123" and invalid["b"]  # local-only number: no area code
    assert phones["c"] == "4.15555E+09" and invalid["c"]  # digits lost to Excel
    assert phones["d"] == "1" and invalid["d"]
    for key in "efg":
        assert pd.isna(phones[key]) and not invalid[key]
    assert invalid.dtype == bool


def test_region_per_row_and_fallbacks() -> None:
    s = pd.Series(
        ["020 7946 0958", "020 7946 0958", "(415) 555-0123", "040 1234567"], index=[5, 6, 7, 8]
    )
    regions = pd.Series(["GB", "United Kingdom", None, "de"], index=[5, 6, 7, 8])
    phones, invalid = normalize_phones(s, regions)
    assert phones.tolist() == ["+442079460958", "+442079460958", "+14155550123", "+49401234567"]
    assert list(phones.index) == [5, 6, 7, 8]
    assert not invalid.any()
    # No region at all: numbers without '+' use default_region.
    phones, _ = normalize_phones(pd.Series(["040 1234567"]), None, default_region="DE")
    assert phones.iloc[0] == "+49401234567"


def test_same_text_different_regions_are_parsed_separately() -> None:
    s = pd.Series(["0612345678", "0612345678"])
    phones, _ = normalize_phones(s, pd.Series(["FR", "NL"]))
    assert phones.tolist() == ["+33612345678", "+31612345678"]


def test_vectorised_prepare_matches_reference() -> None:
    values = [
        "'+1 415 555 0123",
        '="4155550123"',
        "4155550123.0",
        "+4155550123.00",
        "00 44 20",
        "(00 44) 20 7946",
        "'0044 20'",
        "415.555.0100",
        "123",
        "= '555'",
    ]
    arr = pa.array(values, type=pa.large_string())
    assert _prepare(arr).to_pylist() == [prepare_phone_text(v) for v in values]


def _random_numbers(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """(text, region) pairs in the shapes the fast path handles, plus near misses."""
    ccs = sorted(c for c in COUNTRY_CODE_TO_REGION_CODE if c)
    seps = [" ", "-", ".", "", " (", ") "]
    out: list[tuple[str, str]] = []
    for i in range(n):
        kind = i % 4
        length = int(rng.integers(4, 14))
        digits = "".join(str(d) for d in rng.integers(0, 10, length))
        ext = f" x{rng.integers(1, 999)}" if rng.random() < 0.15 else ""
        if kind == 0:  # '+' international
            cc = str(ccs[int(rng.integers(0, len(ccs)))])
            body = digits
            if len(body) > 3:
                cut = int(rng.integers(1, len(body) - 1))
                body = body[:cut] + seps[int(rng.integers(0, len(seps)))] + body[cut:]
            out.append((f"+{cc} {body}{ext}", "US"))
        elif kind == 1:  # NANP
            region = ["US", "CA"][i % 2]
            ten = "".join(str(d) for d in rng.integers(0, 10, 10))
            text = f"({ten[:3]}) {ten[3:6]}-{ten[6:]}" if rng.random() < 0.5 else "1-" + ten
            out.append((text + ext, region))
        else:  # national format in some region
            region = ["DE", "GB", "FR", "NL", "AU", "CH", "SE", "IE", "IN", "JP", "BR", "ES"][
                i % 12
            ]
            out.append(("0" + digits[: max(4, length - 1)] + ext, region))
    return out


def test_fast_path_agrees_with_phonenumbers() -> None:
    rng = np.random.default_rng(7)
    pairs = _random_numbers(rng, 3000)
    texts = pa.array([prepare_phone_text(t) for t, _ in pairs], type=pa.large_string())
    regions = np.array([r for _, r in pairs], dtype=object)
    fast = _fast_path(texts, regions).to_pylist()
    decided = 0
    for (text, region), got in zip(pairs, fast, strict=True):
        if got is None:
            continue
        decided += 1
        assert got == parse_phone_slow(prepare_phone_text(text), region), (text, region)
    assert decided > 1000  # the fast path really takes most of them


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=25), st.from_regex(r"\+?[0-9 ()\-.]{0,20}( x\d{1,4})?", fullmatch=True)
        ),
        max_size=15,
    ),
    st.sampled_from(["US", "GB", "DE", "XX", "", None]),
)
def test_never_raises_and_fast_equals_slow(values: list[str], region: str | None) -> None:
    s = pd.Series(values, dtype=object)
    phones, invalid = normalize_phones(s, region)
    assert len(phones) == len(s)
    reg = region if region in {"US", "GB", "DE"} else "US"
    for raw, out, bad in zip(values, phones, invalid, strict=True):
        if bad or pd.isna(out):
            continue
        cleaned = " ".join(raw.split())
        assert out == parse_phone_slow(prepare_phone_text(cleaned), reg)
