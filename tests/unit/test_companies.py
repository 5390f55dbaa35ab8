"""Company keys, display names, registered domains and free mail."""

from __future__ import annotations

import socket

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtmplanner.core import companies
from gtmplanner.core.companies import (
    FREE_MAIL_DOMAINS,
    company_key,
    email_domain,
    has_legal_suffix,
    is_free_mail,
    registered_domain,
    tidy_company_names,
)


def keys(*names: str | None) -> list:
    out = company_key(pd.Series(list(names), dtype="str"))
    return [None if pd.isna(v) else v for v in out]


def one(name: str) -> str | None:
    return keys(name)[0]


# --------------------------------------------------------------------------- company_key

@pytest.mark.parametrize("group", [
    ["Acme, Inc.", "ACME Inc", "Acme Incorporated", "acme", "The Acme Co.", "Acme Corp",
     "Acme Corporation", "ACME LLC", "Acme Ltd", "Acme Limited", "Acme GmbH", "Acme S.A.",
     "Acme SAS", "Acme AG", "Acme BV", "Acme B.V.", "Acme Pty Ltd", "Acme PLC", "  acme   inc  ",
     "Acme Co., Ltd.", "Acme GmbH & Co. KG"],
    ["Harbor & Pine Retail", "Harbor and Pine Retail", "HARBOR & PINE RETAIL", "harbor+pine retail"],
    ["Acme Intl", "Acme Int'l", "Acme International", "ACME INTERNATIONAL CORP"],
    ["Northwind Logistics, Inc.", "Northwind Logistics", "NORTHWIND LOGISTICS INC."],
    ["Crème Brûlée Café", "Creme Brulee Cafe", "CRÈME BRÛLÉE CAFÉ"],
    ["Ørsted A/S", "Orsted"],
    ["Vantage Manufacturing Co", "Vantage Mfg.", "Vantage Manufacturing"],
    ["Amazon.com, Inc.", "Amazon"],
    ["J.P. Morgan", "JP Morgan"],
])
def test_spellings_of_one_company_share_a_key(group):
    got = keys(*group)
    assert len(set(got)) == 1, dict(zip(group, got, strict=True))
    assert got[0]


@pytest.mark.parametrize("a, b", [
    ("Acme Corp", "Acme Health"),
    ("Apex Systems", "Apex Logistics"),
    ("United Bank", "United Airlines"),
    ("Acme Europe GmbH", "Acme Inc"),      # a subsidiary is not the parent by name alone
    ("Acme UK Ltd", "Acme Inc"),           # "UK" is a legal form nowhere that matters
    ("Acme Holdings", "Acme"),
    ("Region 1 Health", "Region 2 Health"),
])
def test_different_companies_keep_different_keys(a, b):
    ka, kb = keys(a, b)
    assert ka != kb


def test_key_details():
    assert one("The Acme Company") == "acme"
    assert one("Co") == "co"                 # the first word is never stripped
    assert one("The Company") == "company"
    assert one("The") == "the"
    assert one("Meridian Freight GmbH") == "meridian freight"
    assert one("St. Luke's Hospital") == "saint lukes hospital"
    assert one("Яндекс") == "яндекс"         # non-Latin names survive
    assert keys(None, "", "   ", "&", "...") == [None] * 5
    assert keys("N/A", "n.a.", "Self-employed", "STUDENT", "none", "-") == [None] * 6


def test_key_keeps_index_and_name_and_na():
    s = pd.Series(["Acme Inc", None, "Acme Inc"], index=[10, 20, 30], name="company")
    out = company_key(s)
    assert list(out.index) == [10, 20, 30] and out.name == "company"
    assert out.isna().tolist() == [False, True, False]
    assert out.dtype == "str"


def test_key_accepts_lists_and_object_values():
    assert company_key(["Acme Inc", None]).tolist()[0] == "acme"
    assert company_key(pd.Series([], dtype=object)).empty


def test_has_legal_suffix():
    got = has_legal_suffix(pd.Series(["Acme Corp", "Northwind", None, "Foo GmbH & Co. KG", "Co"]))
    assert got.tolist() == [True, False, False, True, False]


# A name of one or more words; a bare "the" is no company name (the key drops a leading
# "The", so "The, Inc." keys as "inc" while "The" keys as "the").
_words = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9),
                  min_size=1, max_size=4).map(" ".join).filter(lambda n: n != "the")


@settings(max_examples=150, deadline=None)
@given(_words)
def test_key_ignores_case_spacing_and_a_legal_suffix(name):
    variants = [name, name.upper(), name.title(), f"  {name}  ", name.replace(" ", "   "),
                f"{name}, Inc.", f"{name} LLC", f"{name.upper()} GMBH"]
    got = keys(*variants)
    assert len(set(got)) == 1, dict(zip(variants, got, strict=True))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_key_never_fails_and_is_clean(text):
    got = one(text)
    assert got is None or (got == got.strip() and "  " not in got and got == got.lower())


# --------------------------------------------------------------------------- display names

@pytest.mark.parametrize("raw, tidy", [
    ("HARBOR & PINE RETAIL", "Harbor & Pine Retail"),
    ("MERIDIAN FREIGHT GMBH", "Meridian Freight GmbH"),
    ("QUILLFEATHER PUBLISHING LTD", "Quillfeather Publishing Ltd"),
    ("BANK OF AMERICA CORP", "Bank of America Corp"),
    ("IBM", "IBM"),
    ("KPMG", "KPMG"),
    ("DHL EXPRESS", "DHL Express"),
    ("AT&T INC", "AT&T Inc"),
    ("O'REILLY MEDIA", "O'Reilly Media"),
    ("brightline analytics", "Brightline Analytics"),
    ("eBay Inc.", "eBay Inc."),                       # mixed case is the user's spelling
    ("  Northwind   Logistics, Inc. ", "Northwind Logistics, Inc."),
])
def test_tidy_company_names(raw, tidy):
    assert tidy_company_names(pd.Series([raw])).tolist() == [tidy]


def test_tidy_keeps_na_and_key():
    raw = pd.Series(["ACME INC", None, "   "])
    out = tidy_company_names(raw)
    assert out.isna().tolist() == [False, True, True]
    assert company_key(out).tolist()[0] == company_key(raw).tolist()[0]


# --------------------------------------------------------------------------- domains

@pytest.mark.parametrize("raw, dom", [
    ("https://www.emea.acme.com/x", "acme.com"),
    ("acme.co.uk", "acme.co.uk"),
    ("www.quillfeather.co.uk", "quillfeather.co.uk"),
    ("jo@mail.acme.de", "acme.de"),
    ("HTTP://User:pw@Foo.Bar.COM:8080/path?q=1", "bar.com"),
    ("mailto:a@b.example.com", "example.com"),
    ("ACME.COM.", "acme.com"),
    ("acme.com; acme.de", "acme.com"),
    ("https://www.northwind-logistics.com", "northwind-logistics.com"),
    ("shop.acme.com.au", "acme.com.au"),
    ("foo.blogspot.com", "blogspot.com"),      # private suffixes are not used
    ("1.2.3.4", None),
    ("localhost", None),
    ("acme.local", None),
    ("co.uk", None),
    ("", None),
    (None, None),
])
def test_registered_domain(raw, dom):
    got = registered_domain(pd.Series([raw], dtype="str")).tolist()[0]
    assert (None if pd.isna(got) else got) == dom


def test_registered_domain_agrees_with_tldextract_on_tricky_suffixes():
    ext = companies._extractor()
    hosts = []
    for rule in [r for r in ext.tlds if r[0] in "*!"] + ["co.uk", "com.au", "kawasaki.jp", "ck"]:
        base = rule.lstrip("*!.")
        hosts += [base, "acme." + base, "www.acme." + base, "a.b.c." + base]
    ours = registered_domain(pd.Series(hosts)).tolist()
    for host, got in zip(hosts, ours, strict=True):
        res = ext.extract_str(host)
        want = res.top_domain_under_public_suffix if res.suffix and res.domain else None
        assert (None if pd.isna(got) else got) == (want or None), host


def test_domains_work_offline(monkeypatch):
    """The suffix list is the bundled snapshot: no socket is ever opened."""
    def no_network(*_a, **_k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    companies._extractor.cache_clear()
    companies._suffix_rules.cache_clear()
    try:
        assert registered_domain(pd.Series(["www.acme.co.uk"])).tolist() == ["acme.co.uk"]
    finally:
        companies._extractor.cache_clear()
        companies._suffix_rules.cache_clear()


def test_email_domain_and_free_mail():
    emails = pd.Series(["a@gmail.com", "b@HOTMAIL.co.uk", "c@sub.acme.com", "d@yahoo.fr",
                        "not an email", None, "e@live.nl", "f@acme.co.uk", " G@Acme.COM "],
                       index=list("abcdefghi"))
    got = email_domain(emails)
    assert list(got.index) == list("abcdefghi")
    assert [None if pd.isna(v) else v for v in got] == [
        None, None, "acme.com", None, None, None, None, "acme.co.uk", "acme.com"]
    free = is_free_mail(emails)
    assert free.tolist() == [True, True, False, True, False, False, True, False, False]
    assert free.dtype == bool


def test_free_mail_list():
    assert 70 <= len(FREE_MAIL_DOMAINS) <= 200
    for dom in ("gmail.com", "googlemail.com", "outlook.com", "hotmail.fr", "live.com", "msn.com",
                "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com",
                "gmx.de", "web.de", "t-online.de", "protonmail.com", "proton.me", "mail.com",
                "zoho.com", "yandex.ru", "qq.com", "163.com", "orange.fr", "free.fr",
                "laposte.net", "libero.it", "btinternet.com", "comcast.net"):
        assert is_free_mail(pd.Series([dom])).tolist() == [True], dom
    # Any suffix of the big brands ("hotmail.*", "yahoo.*"), and not companies that contain them.
    assert is_free_mail(pd.Series(["hotmail.com.br", "yahoo.com.tw", "gmx.at", "yahooligans.com",
                                   "livenation.com", "acme.com"])).tolist() == [
        True, True, True, False, False, False]
