"""Normalise imported values: emails, phones, names, places, dates, money, flags.

Every function is vectorised over a pandas Series and returns Series aligned
to the input index. Missing or unparseable values become NA, never ``""``.
Text results use pandas' ``str`` dtype (NA is NaN), flags ``bool``,
tri-state flags ``boolean``, numbers ``float64`` and dates ``datetime64[ns]``.
Expensive library calls (email-validator, phonenumbers, nameparser) run once
per unique value, and only for values a vectorised fast path cannot decide.

The implementation lives in topic modules; import from here.
"""

from __future__ import annotations

from gtmplanner.core.normalize_dates import detect_dayfirst, parse_dates
from gtmplanner.core.normalize_emails import normalize_emails
from gtmplanner.core.normalize_money import parse_employees, parse_money
from gtmplanner.core.normalize_names import split_full_names, tidy_person_names
from gtmplanner.core.normalize_phones import normalize_phones
from gtmplanner.core.normalize_places import (
    country_name,
    normalize_country,
    normalize_postal,
    normalize_region,
)
from gtmplanner.core.normalize_text import (
    NULL_MARKERS,
    clean_text,
    damaged_values,
    normalize_url,
    parse_bool,
)

__all__ = [
    "NULL_MARKERS",
    "clean_text",
    "country_name",
    "damaged_values",
    "detect_dayfirst",
    "normalize_country",
    "normalize_emails",
    "normalize_phones",
    "normalize_postal",
    "normalize_region",
    "normalize_url",
    "parse_bool",
    "parse_dates",
    "parse_employees",
    "parse_money",
    "split_full_names",
    "tidy_person_names",
]
