"""normalize_emails: clean-up, and agreement with email-validator's syntax rules."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from gtmplanner.core.normalize import normalize_emails


def reference(value: str) -> str | None:
    """What email-validator (no DNS) says about a stripped, lower-cased value."""
    lowered = value.strip().lower()
    try:
        validate_email(lowered, check_deliverability=False)
    except EmailNotValidError:
        return None
    return unicodedata.normalize("NFC", lowered)


def test_cleaning_and_flags() -> None:
    s = pd.Series(
        [
            " Jane.Doe@Example.COM ",
            "mailto:a@b.co",
            "Jane Doe <JD@x.org>",
            "bad",
            "",
            None,
            "n/a",
            "aisha.garcía@quillfeather.co.uk",
            "a@b",
            "MAILTO:Sam@Ourco.Example.com",
        ],
        index=[f"r{i}" for i in range(10)],
    )
    emails, invalid = normalize_emails(s)
    assert list(emails.index) == list(s.index) and list(invalid.index) == list(s.index)
    assert emails.tolist()[:3] == ["jane.doe@example.com", "a@b.co", "jd@x.org"]
    assert pd.isna(emails["r3"]) and invalid["r3"]
    # Empty / missing / null markers are not "invalid": there was nothing to check.
    for key in ("r4", "r5", "r6"):
        assert pd.isna(emails[key]) and not invalid[key]
    assert emails["r7"] == "aisha.garcía@quillfeather.co.uk" and not invalid["r7"]
    assert pd.isna(emails["r8"]) and invalid["r8"]
    assert emails["r9"] == "sam@ourco.example.com"
    assert invalid.dtype == bool
    assert not (emails == "").any()


VARIED = [
    "jane.doe@example.com",
    "JANE@EXAMPLE.COM",
    "a+tag@sub.example.co.uk",
    "o'neil@x.ie",
    "first_last@x-y.com",
    "x@y.z1",
    "x@1.com",
    "x@y.c",
    "x@y.123",
    "x@-y.com",
    "x@y-.com",
    "x@y..com",
    ".x@y.com",
    "x.@y.com",
    "x..y@y.com",
    "x@y.com.",
    "x@.y.com",
    "@y.com",
    "x@",
    "x",
    "x@y",
    "x@localhost",
    "x@y.local",
    "x@y.test",
    "x@y.invalid",
    "x@y.onion",
    "x@y.arpa",
    "x@example.com",
    "x@ab--cd.com",
    "x@a.ab--cd.com",
    "x@xn--bcher-kva.de",
    "x@xn--zz.com",
    "ab--cd@x.com",
    "x@y_z.com",
    "x y@z.com",
    "x@y z.com",
    '"x y"@z.com',
    "x@[1.2.3.4]",
    "x(comment)@y.com",
    "x@y.com (Jane)",
    "a@b@c.com",
    "{x}@y.com",
    "!#$%&'*+-/=?^_`{|}~@y.com",
    "x@" + "a" * 63 + ".com",
    "x@" + "a" * 64 + ".com",
    "a" * 64 + "@x.com",
    "a" * 65 + "@x.com",
    "a" * 240 + "@abcdefghij.com",
    "a" * 245 + "@abcdefghij.com",
    "x@" + ".".join(["abcdefghi"] * 25) + ".com",
    "josé@x.com",
    "émile@x.com",
    "e\u0301mile@x.com",
    "\u0301x@x.com",
    "a€b@x.com",
    "a\u00a0b@x.com",
    "x@bücher.de",
    "x@bü-cher.de",
    "δοκιμή@παράδειγμα.δοκιμή",
    "用户@例子.广告",
    "x@y。com",
    "x\u200b@y.com",
    "x@y.com\u200e",
    "1234567890@x.com",
    "x@y.museum",
    "x@y.co-op",
    "x@123.45.com",
    "-x@y.com",
    "x-@y.com",
    "x@y.-com",
]


@pytest.mark.parametrize("value", VARIED)
def test_agrees_with_email_validator(value: str) -> None:
    emails, invalid = normalize_emails(pd.Series([value]))
    expected = reference(value)
    got = None if pd.isna(emails.iloc[0]) else emails.iloc[0]
    cleaned = value.replace("\u00a0", " ").replace("\u200b", " ").strip()
    if cleaned != value.strip():
        # clean_text turned a hidden space into a real one: compare with that text.
        expected = reference(" ".join(cleaned.split()))
    assert got == expected
    assert bool(invalid.iloc[0]) == (expected is None)


_LOCAL = st.text(alphabet="abcXYZ09._-+!#'é\u0301€\"()[]", min_size=0, max_size=12)
_LABEL = st.text(alphabet="abz09-xné_", min_size=0, max_size=8)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    local = draw(_LOCAL)
    labels = draw(st.lists(_LABEL, min_size=1, max_size=4))
    tld = draw(st.sampled_from(["com", "io", "test", "local", "c0", "xn--p1ai", "", "de"]))
    domain = ".".join([*labels, tld]) if tld else ".".join(labels)
    sep = draw(st.sampled_from(["@", "@", "@", "", "@@"]))
    return f"{local}{sep}{domain}"


@settings(max_examples=400, deadline=None)
@given(addresses())
def test_property_same_verdict_as_email_validator(value: str) -> None:
    emails, invalid = normalize_emails(pd.Series([value]))
    got = None if pd.isna(emails.iloc[0]) else emails.iloc[0]
    if not value.strip():
        assert got is None and not invalid.iloc[0]
        return
    assert got == reference(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=20))
def test_never_raises_on_arbitrary_text(values: list[str]) -> None:
    s = pd.Series(values, dtype=object)
    emails, invalid = normalize_emails(s)
    assert len(emails) == len(s) and len(invalid) == len(s)
    assert not (emails == "").any()
