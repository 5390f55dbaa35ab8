"""The canonical fields of each import kind, with the type of value each holds.

These are the names the rest of the app speaks (PRODUCT.md, "Fields (canonical
names)"). Importers map a file's columns onto them (see :mod:`.mapping`), the
normaliser cleans each value by its *value type*, and the store keeps them as
columns. Columns that map to no field are kept as extra attributes.

Value types:

``text``     free text (names, titles, stages, notes)
``email``    an e-mail address
``phone``    a telephone number
``date``     a date or date-time
``money``    an amount of money (currency symbols and ``k``/``M`` allowed)
``int``      a whole number (employee counts, capacities; ranges allowed)
``float``    a decimal number (latitude, longitude, probability)
``bool``     yes / no
``url``      a web address (website, LinkedIn profile)
``domain``   a bare internet domain (``acme.com``; a URL or e-mail may give it)
``country``  a country name or ISO code
``region``   a state / province / region name or code
``postal``   a postal or ZIP code
``list``     several values in one cell (``;`` or ``,`` separated)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

VALUE_TYPES: tuple[str, ...] = (
    "text",
    "email",
    "phone",
    "date",
    "money",
    "int",
    "float",
    "bool",
    "url",
    "domain",
    "country",
    "region",
    "postal",
    "list",
)

KINDS: tuple[str, ...] = ("roster", "accounts", "opportunities", "activities", "reps")

FIELDS: dict[str, dict[str, str]] = {
    # People on a conference roster, registration report, lead-gen form or
    # badge-scan (lead-retrieval) export. Location is the *person's*, never HQ.
    "roster": {
        "first_name": "text",
        "last_name": "text",
        "full_name": "text",
        "email": "email",
        "phone": "phone",
        "mobile": "phone",
        "title": "text",
        "seniority": "text",
        "department": "text",
        "company": "text",
        "domain": "domain",
        "city": "text",
        "region": "region",
        "country": "country",
        "postal_code": "postal",
        "latitude": "float",
        "longitude": "float",
        "linkedin_url": "url",
        "source": "text",
        "registration_type": "text",
        "attended": "bool",
        "opted_out": "bool",
        # roster-only extras
        "notes": "text",  # badge-scan / lead-retrieval notes
        "meeting_requested": "bool",  # a scan that asked for a meeting: hand-raiser
        "registration_date": "date",
        "external_id": "text",  # attendee / order / lead id
        "lead_status": "text",
    },
    "accounts": {
        "name": "text",
        "domain": "domain",
        "website": "url",
        "industry": "text",
        "employees": "int",
        "revenue": "money",
        "hq_city": "text",
        "hq_region": "region",
        "hq_country": "country",
        "technologies": "list",
        "intent_topics": "list",
        "last_funding_date": "date",
        "last_funding_type": "text",
        "hiring_signal": "text",
        "owner": "text",
        "customer_status": "text",
        "external_id": "text",  # account id in the CRM / data provider
    },
    "opportunities": {
        "external_id": "text",
        "name": "text",
        "account": "text",
        "account_id": "text",
        "stage": "text",
        "status": "text",
        "close_date": "date",
        "created_date": "date",
        "last_activity_date": "date",
        "amount": "money",
        "owner": "text",
        "lead_source": "text",
        "loss_reason": "text",
        "next_step": "text",
        "contact_email": "email",
        "probability": "float",
        "type": "text",
    },
    "activities": {
        "email": "email",
        "type": "text",
        "asset": "text",
        "date": "date",
    },
    "reps": {
        "name": "text",
        "email": "email",
        "regions": "list",
        "capacity": "int",
        "attending": "bool",
    },
}

# What identifies a row of each kind: a row needs every field of at least one
# alternative (e.g. a roster row needs an e-mail, or first + last name, or a
# full name).
IDENTITY_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "roster": (("email",), ("first_name", "last_name"), ("full_name",)),
    "accounts": (("name",), ("domain",)),
    "opportunities": (("name",), ("external_id",)),
    "activities": (("email",),),
    "reps": (("name",),),
}

ALL_FIELDS: frozenset[str] = frozenset(f for fields in FIELDS.values() for f in fields)


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is a known import kind, else raise ``ValueError``."""
    if kind not in FIELDS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    return kind


def field_type(kind: str, field: str) -> str:
    """The value type of ``field`` in ``kind`` (``KeyError`` if unknown)."""
    return FIELDS[check_kind(kind)][field]


def fields_of_type(kind: str, value_type: str) -> list[str]:
    """The fields of ``kind`` holding ``value_type`` values, in declaration order."""
    return [f for f, t in FIELDS[check_kind(kind)].items() if t == value_type]


def has_identity(kind: str, fields: Iterable[str]) -> bool:
    """Whether ``fields`` (the mapped fields of a file) can identify a ``kind`` row."""
    present = set(fields)
    return any(present.issuperset(alt) for alt in IDENTITY_FIELDS[check_kind(kind)])


def identity_hint(kind: str) -> str:
    """Human words for the identity alternatives, e.g. ``email, or first_name + last_name``."""
    alts = [" + ".join(alt) for alt in IDENTITY_FIELDS[check_kind(kind)]]
    return alts[0] if len(alts) == 1 else ", ".join(alts[:-1]) + ", or " + alts[-1]


_LABEL_WORDS = {"url": "URL", "hq": "HQ", "id": "ID", "linkedin": "LinkedIn"}


def field_label(field: str) -> str:
    """A label for a field in the UI: ``postal_code`` -> ``Postal code``, ``hq_city`` -> ``HQ city``."""
    label = " ".join(_LABEL_WORDS.get(w, w) for w in field.split("_"))
    return label[:1].upper() + label[1:]


SAMPLE_SIZE = 200  # values sniffed per column

# -- recognising values of each type -----------------------------------------------------

_TLDS = (
    "com|org|net|io|co|ai|app|dev|biz|info|edu|gov|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|uk|"
    "ie|us|ca|au|nz|jp|cn|in|br|mx|eu|pl|pt|cz|sg|hk|kr|za|il|ae|tech|cloud|health"
)
_EMAIL_RE = r"[^@\s<>(),;:]+@[^@\s<>(),;:]+\.[a-z]{2,}"
_DOMAIN_RE = rf"(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})"
_URL_RE = rf"(?:https?://)?{_DOMAIN_RE}(?::\d+)?(?:[/?#]\S*)?|https?://\S+"
_NUM = r"[-+]?(?:\d{1,3}(?:[,.\s']\d{3})+|\d+)(?:[.,]\d+)?"
_CUR = r"(?:[$€£¥]|usd|eur|gbp|chf|cad|aud|jpy|inr)"
_MONEY_RE = rf"(?:{_CUR}\s*)?{_NUM}\s*(?:k|m|mm|mn|b|bn|million|billion|thousand)?\s*{_CUR}?"
_INT_RE = rf"{_NUM}\s*(?:k|m)?\s*\+?|{_NUM}\s*(?:-|–|to)\s*{_NUM}\s*(?:k|m)?"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TIME = r"(?:[ t,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?\s*(?:z|utc|gmt|[a-z]{2,5}|[+-]\d{2}:?\d{2})?)?"
_DATE_RE = (
    rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}"
    rf"|\d{{1,2}}[ \-]{_MONTH}[ \-,]*\d{{2,4}}|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
    rf"|{_MONTH} \d{{4}}){_TIME}"
)
_PHONE_RE = r"\+?[\d\s().\-/]{7,22}(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?"
_ZIP_RE = (
    r"\d{5}(?:-\d{4})?|[a-z]\d[a-z] ?\d[a-z]\d|[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}|\d{4} ?[a-z]{2}"
)
_POSTAL_RE = r"(?=.*\d)[a-z0-9][a-z0-9 \-]{1,9}"
_BOOL_WORDS = frozenset(
    "yes no y n true false t f 1 0 x si sí ja nein oui non checked unchecked attended "
    "attending absent present".split()
    + ["checked in", "not checked in", "not attending", "no show", "did not attend", "opted out"]
)
_COUNTRY_EXTRAS = frozenset(
    "usa|u.s.|u.s.a.|america|united states of america|uk|u.k.|england|scotland|wales|"
    "northern ireland|great britain|deutschland|españa|espana|holland|the netherlands|"
    "south korea|korea|russia|vietnam|iran|taiwan|czech republic|turkey|bolivia|venezuela|"
    "tanzania|syria|laos|moldova|brasil|méxico|schweiz|suisse|österreich|italia|belgique|"
    "uae".split("|")
)


@lru_cache(maxsize=1)
def _places() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-case country names/codes, and US/CA/AU state codes + state/province names."""
    import pycountry

    countries: set[str] = set(_COUNTRY_EXTRAS)
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_2", "alpha_3"):
            value = getattr(c, attr, None)
            if value:
                countries.add(value.lower())
    regions: set[str] = set()
    for cc in ("US", "CA", "AU"):
        for sub in pycountry.subdivisions.get(country_code=cc) or ():
            regions.add(sub.code.split("-", 1)[1].lower())
            regions.add(sub.name.lower())
    for cc in ("DE", "IN", "MX", "ES", "FR", "IT", "GB"):
        for sub in pycountry.subdivisions.get(country_code=cc) or ():
            if sub.parent_code is None:
                regions.add(sub.name.lower())
    return frozenset(countries), frozenset(regions)


@dataclass
class Sniff:
    """Share (0..1) of a column's sampled non-empty values that look like each type."""

    n: int = 0
    email: float = 0.0
    url: float = 0.0
    domain: float = 0.0
    linkedin: float = 0.0
    phone: float = 0.0
    date: float = 0.0
    number: float = 0.0
    money: float = 0.0
    money_marked: float = 0.0
    intlike: float = 0.0
    bool: float = 0.0
    country: float = 0.0
    region: float = 0.0
    zip: float = 0.0
    postal: float = 0.0


def sample_strings(column: pd.Series, limit: int = SAMPLE_SIZE) -> tuple[pd.Series, float]:
    """Up to ``limit`` non-empty values as stripped strings, and the column's fill rate."""
    head = column.iloc[: max(limit * 5, 1000)]
    if len(head) == 0:
        return pd.Series([], dtype=object), 1.0
    values = head.dropna()
    if pd.api.types.is_float_dtype(values.dtype) and len(values):
        if bool(((values % 1) == 0).all() and (values.abs() < 1e15).all()):
            values = values.astype("int64")
    strings = values.astype(str).str.strip()
    strings = strings[(strings != "") & ~strings.str.lower().isin(("nan", "none", "nat", "null"))]
    return strings.iloc[:limit].reset_index(drop=True), len(strings) / len(head)


def sniff_columns(columns: Sequence[Iterable[object] | pd.Series]) -> list[Sniff]:
    """What the (already stringified, non-empty) values of each column look like.

    All columns are tested together: one vectorised pass per pattern over the
    concatenated samples, then a share per column.
    """
    parts = [c if isinstance(c, pd.Series) else pd.Series(list(c), dtype=object) for c in columns]
    sizes = [len(p) for p in parts]
    if not any(sizes):
        return [Sniff() for _ in parts]
    low = pd.concat(
        [p.astype(object).astype(str) for p in parts if len(p)], ignore_index=True
    ).str.lower()
    owner = np.repeat(np.arange(len(parts)), sizes)
    countries, regions = _places()

    def full(pattern: str) -> np.ndarray:
        return low.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)

    email, date, number, money = full(_EMAIL_RE), full(_DATE_RE), full(_NUM), full(_MONEY_RE)
    digits = low.str.count(r"\d").to_numpy()
    masks = {
        "email": email,
        "url": full(_URL_RE),
        "domain": full(_DOMAIN_RE),
        "linkedin": low.str.contains("linkedin.com/", regex=False).to_numpy(dtype=bool),
        "phone": full(_PHONE_RE)
        & (digits >= 7)
        & (digits <= 15)
        & (low.str.contains(r"[+()\-./\s]").to_numpy(dtype=bool) | (digits >= 10))
        & ~date
        & ~(number & (digits < 10)),
        "date": date,
        "number": number,
        "money": money,
        "money_marked": money & low.str.contains(_CUR).to_numpy(dtype=bool),
        "intlike": full(_INT_RE),
        "bool": low.isin(_BOOL_WORDS).to_numpy(dtype=bool),
        "country": low.isin(countries).to_numpy(dtype=bool),
        "region": low.isin(regions).to_numpy(dtype=bool),
        "zip": full(_ZIP_RE),
        "postal": full(_POSTAL_RE),
    }
    counts = np.maximum(np.bincount(owner, minlength=len(parts)), 1)
    shares = {
        name: np.bincount(owner, weights=mask, minlength=len(parts)) / counts
        for name, mask in masks.items()
    }
    return [
        Sniff(n=size, **{name: float(v[i]) for name, v in shares.items()}) if size else Sniff()
        for i, size in enumerate(sizes)
    ]


def sniff_values(values: Iterable[object] | pd.Series) -> Sniff:
    """What the (already stringified, non-empty) values of one column look like."""
    return sniff_columns([values])[0]


_FREE_TEXT = {"notes", "asset", "source", "external_id", "account_id", "next_step"}


def value_fit(kind: str, fld: str, sniff: Sniff) -> float | None:
    """Share of values that fit ``fld``'s value type, or ``None`` when values cannot tell."""
    if sniff.n < 3:
        return None
    vtype = FIELDS[kind][fld]
    if vtype == "email":
        return sniff.email
    if vtype == "phone":
        return sniff.phone
    if vtype == "url":
        return sniff.linkedin if fld == "linkedin_url" else sniff.url
    if vtype == "domain":
        return max(sniff.domain, sniff.url, sniff.email)
    if vtype == "date":
        return sniff.date
    if vtype == "money":
        return max(sniff.money, sniff.number)
    if vtype == "int":
        return sniff.intlike
    if vtype == "float":
        return max(sniff.number, sniff.money)
    if vtype == "bool":
        return sniff.bool
    if vtype == "country":
        return sniff.country
    if vtype == "postal":
        return max(sniff.postal, sniff.zip)
    if fld in _FREE_TEXT:
        return None
    return 1.0 - max(sniff.email, sniff.url, sniff.date)  # text, region, list: words


_TYPE_ORDER = ("email", "linkedin", "url", "domain", "phone", "date", "money_marked", "zip")


def dominant_type(sniff: Sniff) -> tuple[str, float] | None:
    """The clearest type of a column's values, with its share (>= 0.6)."""
    if sniff.n == 0:
        return None
    for name in _TYPE_ORDER:
        if getattr(sniff, name) >= 0.6:
            if name == "url" and sniff.domain >= 0.6:
                return "domain", sniff.domain
            return name, getattr(sniff, name)
    if max(sniff.region, sniff.country) >= 0.6:
        # "MA", "TX", "IL": states (some are also country codes); "US", "DE": countries
        if sniff.region >= sniff.country:
            return "region", sniff.region
        return "country", sniff.country
    if sniff.bool >= 0.8:
        return "bool", sniff.bool
    return None


@lru_cache(maxsize=1)
def _data_re() -> re.Pattern[str]:
    alternatives = (_EMAIL_RE, _DATE_RE, _MONEY_RE, rf"https?://\S+|{_DOMAIN_RE}(?:/\S*)?")
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


def looks_like_data(texts: Iterable[object]) -> list[bool]:
    """For each text, whether it is a data value rather than a header word.

    E-mail addresses, numbers, amounts, dates, web addresses and anything with
    seven digits or more (phones, ids) are data.
    """
    pattern = _data_re()
    out = []
    for text in texts:
        low = str(text).strip().lower()
        out.append(bool(pattern.fullmatch(low)) or sum(ch.isdigit() for ch in low) >= 7)
    return out
