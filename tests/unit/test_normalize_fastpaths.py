"""The normalisers' fast paths give exactly what their full paths give.

Each normaliser passes values already in their final, common form (canonical
LinkedIn URLs, plain lower-case emails, NANP phones, repeated ZIP codes...)
through one regex pass or per-distinct work; everything else takes the full
path. These tests hold the two paths to the same answers, value by value, and
check that the common values really take the fast one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtmplanner.core import companies, normalize_emails, normalize_phones, normalize_places
from gtmplanner.core import normalize_text as nt
from gtmplanner.core.records import clean_people


def _same(a: pd.Series, b: pd.Series) -> None:
    pd.testing.assert_series_equal(a, b, check_names=False, check_exact=True)


# ---------------------------------------------------------------- emails

EMAILS = [
    "aisha.garcía1@company19904.com", "noah.novak2@company12491.com", "jean-luc@x-y.co.uk",
    "o'neil@x.ie", "a+tag@sub.example.co.uk", "!#$%&'*+/=?^_`{|}~@y.com", "ÿ@x.com",
    "ß@x.com", "a÷b@x.com", "Jane@x.com", "jane@X.com", "x@y.test", "x@y.local", "x@y.tests",
    "x@localhost", "ab--cd@x.com", "x@ab--cd.com", "x@xn--bcher-kva.de", "-x@y.com", "x-@y.com",
    "x.-y@z.com", "x@-y.com", "x@y-.com", "x@y.c0m", "x@y.com.", "a@" + "b" * 58 + ".com",
    "a@" + "b" * 59 + ".com", "a@" + "b" * 63 + ".com", "a@" + "b" * 64 + ".com",
    " a@b.com", "a@b.com\u00a0", "mailto:a@b.com", "Jane <a@b.com>", "e\u0301@x.com", "n/a",
    "", None,
]
_LOCAL = st.text("abz09._-+'/éüÿßA÷\u0301", min_size=1, max_size=12)
_DOMAIN = st.lists(st.text("abz09-Ü", min_size=1, max_size=8), min_size=1, max_size=3)
_TLD = st.sampled_from(["com", "co.uk", "test", "local", "c0", "x1y", "io", "onion", "Com"])


@st.composite
def _emails(draw: st.DrawFn) -> str:
    return f"{draw(_LOCAL)}@{'.'.join(draw(_DOMAIN))}.{draw(_TLD)}"


def _emails_both_ways(values: list[str | None]) -> None:
    s = pd.Series(values, index=np.arange(len(values)) + 7, dtype="string")
    fast = normalize_emails.normalize_emails(s)
    full = normalize_emails._normalize_full(s)
    _same(fast[0], full[0])
    _same(fast[1], full[1])


def test_emails_fast_path_agrees_with_full_path() -> None:
    _emails_both_ways(EMAILS)


@settings(max_examples=300, deadline=None)
@given(st.lists(_emails(), min_size=1, max_size=20))
def test_emails_fast_path_agrees_with_full_path_generated(values: list[str]) -> None:
    _emails_both_ways(values)


def test_common_emails_take_the_fast_path() -> None:
    a = nt.to_arrow(pd.Series(["aisha.garcía1@company19904.com", "jean-luc@x-y.co.uk",
                               "Jane@x.com", "x@y.test", "ab--cd@x.com"]))
    assert normalize_emails._already_clean(a).tolist() == [True, True, False, False, False]


def test_email_domain_agrees_with_registered_domain() -> None:
    values = EMAILS + ["a/b@acme.com", "a@b@acme.com", "x@emea.acme.co.uk", "x@gmail.com",
                       "x@mail.yahoo.co.jp", "x@acme.com.", "x@1.2.3.4", "x@ACME.com",
                       "x:y@acme.com", '"x"@acme.com', "acme.com", "x@xn--bcher-kva.de"]
    s = pd.Series(values, dtype="str", name="email")
    old = companies.registered_domain(s.where(s.str.contains("@", regex=False).fillna(False)))
    old = old.mask(companies._is_free(old))
    _same(companies.email_domain(s), old)
    assert companies.email_domain(s).name == "email"


# ---------------------------------------------------------------- LinkedIn URLs

LINKEDIN = [
    "https://www.linkedin.com/in/jane-doe", "https://www.linkedin.com/in/zoë",
    "https://www.linkedin.com/company/acme", "https://www.linkedin.com/in/jane/",
    "https://www.linkedin.com/in/jane?trk=x", "https://www.linkedin.com/in/ja#ne",
    "https://www.linkedin.com/in/ja ne", "https://www.linkedin.com/in/ja\u200bne",
    "https://www.linkedin.com/in/a@b:1", "https://www.linkedin.com/in/",
    "https://www.linkedin.com/IN/jane", "https://WWW.linkedin.com/in/jane",
    "http://www.linkedin.com/in/jane", "https://de.linkedin.com/in/jane",
    "linkedin.com/in/jane", " https://www.linkedin.com/in/jane", "acme.com", "n/a", None,
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds("{}{}".format,
                          st.sampled_from(["https://www.linkedin.com/in/", "https://www.linkedin"
                                           ".com/pub/", "https://uk.linkedin.com/in/", ""]),
                          st.text("aZ9-_./?#:@ %\u00a0\u200bé", max_size=10)),
                min_size=1, max_size=20))
def test_url_fast_path_agrees_with_full_path(values: list[str]) -> None:
    s = pd.Series(LINKEDIN + values, dtype="string")
    full = nt.map_unique(nt.clean_text(s), nt._fix_urls)
    _same(nt.normalize_url(s), full)


def test_canonical_linkedin_urls_take_the_fast_path() -> None:
    a = nt.to_arrow(pd.Series(LINKEDIN[:4]))
    assert nt.mask_of(a, nt._LINKEDIN_CANONICAL).tolist() == [True, True, True, False]


# ---------------------------------------------------------------- phones

PHONES = [
    "(415) 555-0123", "415-555-0123", "415.555.0123", "4155550123", "(868) 555-0000",
    "+1 617 555 0000", "+1 (415) 555-0123", "+14155550123", "+1-415-555-0123",
    "(115) 555-0123", "+1 115 555 0123", "+2 415 555 0123", "+1 415 555 012",
    "(415) 555-0123 x12", "4155550123.0", " (415) 555-0123", "(415)  555-0123",
    "+44 20 7946 0958", "040 1234567", "n/a", "", None,
]


@st.composite
def _phones(draw: st.DrawFn) -> str:
    sep = st.sampled_from(["", " ", "-", ".", "  ", "/"])
    lead = draw(st.sampled_from(["", "+1", "+1 ", "1-", "+", "+44 ", "("]))
    area = draw(st.text("0129", min_size=3, max_size=3))
    close = ")" if lead == "(" else draw(st.sampled_from(["", ")"]))
    tail = draw(st.sampled_from(["", "", " x12", ".0", "5"]))
    return (f"{lead}{area}{close}{draw(sep)}{draw(st.text('059', min_size=3, max_size=3))}"
            f"{draw(sep)}{draw(st.text('059', min_size=4, max_size=4))}{tail}")


def _phones_both_ways(values: list[str | None], region: pd.Series | str) -> None:
    s = pd.Series(values, index=np.arange(len(values)) + 3, dtype="string")
    if isinstance(region, pd.Series):
        region.index = s.index
    table, codes = normalize_phones._regions(region, s.index, "US")
    phones, invalid = normalize_phones.normalize_phones(s, region)
    full, bad = normalize_phones._normalize_full(s, table[codes])
    _same(phones, full)
    assert invalid.tolist() == bad.tolist()


@pytest.mark.parametrize("region", ["US", "CA", "GB", "DE"])
def test_phones_fast_path_agrees_with_full_path(region: str) -> None:
    _phones_both_ways(PHONES, region)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_phones(), st.sampled_from(["US", "CA", "GB", None, "Canada"])),
                min_size=1, max_size=20))
def test_phones_fast_path_agrees_with_full_path_generated(rows: list[tuple[str, str]]) -> None:
    _phones_both_ways([p for p, _r in rows], pd.Series([r for _p, r in rows], dtype="string"))


def test_common_phones_take_the_fast_path() -> None:
    a = nt.to_arrow(pd.Series(["(415) 555-0123", "+1 617 555 0000", "+44 20 7946 0958"]))
    done, e164 = normalize_phones._common_shapes(a, np.array([True, False, True]))
    assert done.tolist() == [True, True, False]
    assert e164 is not None and e164.to_pylist() == ["+14155550123", "+16175550000"]


# ---------------------------------------------------------------- places, text, damage

ZIPS = ["02139", "2139", "2139.0", "02139-1234", "021391234", "k1a0b1", " 90210 ", "n/a",
        "7.5E+04", "", None]


def test_postal_per_distinct_agrees_with_per_row() -> None:
    rng = np.random.default_rng(1)
    p = pd.Series(rng.choice(np.array(ZIPS, dtype=object), 3000), dtype="string")
    c = pd.Series(rng.choice(np.array(["US", "CA", "GB", None], dtype=object), 3000),
                  dtype="string")
    postal, repaired = normalize_places.normalize_postal(p, c)
    groups = np.select([c.eq("US").fillna(False), c.eq("CA").fillna(False)], [1, 2], 0)
    out, rep = normalize_places._postal_codes(p, groups)
    _same(postal, pd.Series(pd.array(out, dtype=nt.STR_DTYPE)))
    assert repaired.tolist() == rep.tolist()


def test_region_per_distinct_agrees_with_each_row_alone() -> None:
    regions = ["MA", "calif", "Ontario", "NSW", "bavaria", "WA", "n/a", None, "N.Y."]
    countries = ["US", "CA", "AU", "DE", None]
    r = pd.Series([x for x in regions for _c in countries], dtype="string")
    c = pd.Series([y for _x in regions for y in countries], dtype="string")
    together = normalize_places.normalize_region(r, c)
    alone = [normalize_places.normalize_region(r.iloc[[i]], c.iloc[[i]]).iloc[0]
             for i in range(len(r))]
    assert [None if pd.isna(v) else v for v in together] == \
        [None if pd.isna(v) else v for v in alone]


def test_clean_text_per_distinct_agrees_with_per_row() -> None:
    values = np.array([" a  b ", "N/A", "x\u00a0y", "plain", "", None, "--", "z\u200b"],
                      dtype=object)
    s = pd.Series(np.tile(values, 2000), dtype="string")
    assert nt.mostly_repeated(nt.to_arrow(s))
    _same(nt.clean_text(s), nt.str_series(nt._clean_arrow(nt.to_arrow(s)), s.index))


def test_damage_found_in_raw_text_as_in_cleaned_text() -> None:
    values = ["7.5E+18", " 7.5E+18\u00a0", "7.5 E+18", "2110", "2110.0", " 2110 ", "02110.0",
              "4155550123.0", "+4155550123.0 ", "123", None, "n/a"]
    s = pd.Series(values, index=np.arange(len(values)) * 2, dtype="string")
    cleaned = nt.clean_text(s).to_numpy(dtype=object, na_value=None)

    def hits(field: str, pattern_msgs: list[tuple[str, str]]) -> list[tuple[int, str]]:
        out = {}
        for pattern, msg in pattern_msgs:
            for i, v in enumerate(cleaned):
                if v is not None and pd.Series([v]).str.fullmatch(pattern).iloc[0]:
                    out[int(s.index[i])] = msg
        return sorted(out.items())

    postal = [(nt._ZIP_FLOAT, nt._MSG_ZIP_FLOAT), (nt._ZIP_SHORT, nt._MSG_ZIP),
              (nt._SCI, nt._MSG_SCI)]
    assert nt.damaged_values(s, "postal_code") == hits("postal_code", postal)
    phone = [(nt._PHONE_FLOAT, nt._MSG_PHONE_FLOAT), (nt._SCI, nt._MSG_SCI)]
    assert nt.damaged_values(s, "phone") == hits("phone", phone)
    us = pd.Series(["US", "GB"] * 6, dtype="string")
    found = dict(nt.damaged_values(s, "postal_code", country=us))
    assert 8 in found and 6 not in found  # '2110.0' is in the US, '2110' in GB


def test_company_display_names_keep_mixed_case_as_written() -> None:
    names = pd.Series(["Company 8358 Inc.", "eBay", "ACME INC", "acme corp", "株式会社 ACME",
                       "McKinsey & Company", "ÉCOLE Normale", "  Big   Co  "], dtype="str")
    got = companies.tidy_company_names(names).tolist()
    assert got == [companies._tidy_one(" ".join(n.split())) for n in names]


def test_public_suffixes_are_tldextracts() -> None:
    assert set(companies._public_suffixes()) == set(companies._extractor().tlds)


# ---------------------------------------------------------------- slices of a roster


def test_people_cleaned_in_slices_match_the_whole() -> None:
    n = 400
    df = pd.DataFrame({
        "email": [f"user{i}@Company{i % 7}.com" if i % 5 else f"bad{i}" for i in range(n)],
        "linkedin_url": [f"https://www.linkedin.com/in/u{i}" + ("/" if i % 3 == 0 else "")
                         for i in range(n)],
        "phone": [f"(415) 555-{i:04d}" if i % 4 else f"{i}.0" for i in range(n)],
        "postal_code": ["2139", "02139", "90210", "n/a"] * (n // 4),
        "country": ["US", "Canada", "", "United States"] * (n // 4),
        "first_name": ["JANE", "jane", None, "Zoë"] * (n // 4),
        "company": ["ACME INC", "eBay", "", "Company 1 Inc."] * (n // 4),
    }, dtype="string")
    rows = pd.Series(np.arange(n) + 2)
    whole = clean_people(df, rows)
    for a, b in ((0, 150), (150, 151), (151, n)):
        part = clean_people(df.iloc[a:b], rows.iloc[a:b])
        pd.testing.assert_frame_equal(part.frame, whole.frame.iloc[a:b])
        _same(part.key, whole.key.iloc[a:b])
        for w in part.warnings:
            assert set(w.rows) <= {r for x in whole.warnings if x.message == w.message
                                   for r in x.rows}
