"""Email addresses: clean, lower-case and syntax-check, vectorised.

The common case (a plain ASCII ``local@domain``) is decided by a handful of
RE2 regular expressions run by pyarrow over the whole column; they implement
email-validator's syntax rules for such addresses (``check_deliverability``
off, no DNS). Anything the regexes cannot decide -- non-ASCII characters,
quoted local parts, brackets, Punycode labels -- goes to
:func:`email_validator.validate_email`, once per unique value.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from email_validator import EmailNotValidError, validate_email

from gtmplanner.core.normalize_text import (
    as_str_series,
    clean_text,
    mask_of,
    patch_rows,
    str_series,
    subset,
    to_arrow,
)

__all__ = ["normalize_emails", "validate_email_slow"]

# RFC 5322 atext (email_validator.rfc_constants.ATEXT) for a lower-cased address.
_ATEXT = r"a-z0-9_!#$%&'*+\-/=?^`{|}~"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
_LAST_LABEL = r"(?:[a-z0-9][a-z0-9\-]*)?[a-z]"  # hostname label ending with a letter
# Local part: RFC 6531 internationalised dot-atom (atext plus any non-ASCII);
# non-ASCII characters that are not letters or marks are left to email-validator.
_LOCAL_CHAR = rf"[{_ATEXT}\x{{80}}-\x{{10FFFF}}]"
_PLAIN = rf"^{_LOCAL_CHAR}+(?:\.{_LOCAL_CHAR}+)*@(?:{_LABEL}\.)+{_LAST_LABEL}$"
# Rules the structure above does not express:
_LONG_LABEL = r"@.*[a-z0-9\-]{64}"  # a DNS label over 63 octets
# A domain label starting "ab--", other than Punycode "xn--" (RFC 5890 R-LDH).
_R_LDH = r"@(?:[a-z0-9\-]*\.)*(?:[^x.@].|x[^n.@])--"
_SPECIAL_USE = r"[@.](?:arpa|invalid|local|localhost|onion|test)$"
_MARK_FIRST = r"^\pM"  # a combining mark cannot start the address
# What the regexes do not decide: hand these to email-validator.
_UNDECIDED = r"[\x{00}-\x{1F}\x{7F}\"\\\[\]()<>]|xn--|@.*[^\x{00}-\x{7F}]|[^\x{00}-\x{7F}\pL\pM]"

_MAX_LENGTH = 254

# Addresses already in their final form, that every rule above accepts: lower-case
# atext (plus the precomposed Latin-1 lower-case letters, which NFC and lower-casing
# leave alone) in atoms joined by single dots or hyphens (so no "xn--" anywhere),
# an ASCII domain whose labels have no "--" and no edge hyphens, ending with letters.
# With at most 65 bytes no label can reach 64 characters; special-use TLDs are
# checked apart. No spaces, quotes, brackets or "mailto:" can get through.
_FAST_ATOM = r"[a-z0-9_!#$%&'*+/=?^`{|}~\x{E0}-\x{F6}\x{F8}-\x{FF}]+"
_FAST = rf"^{_FAST_ATOM}(?:[.\-]{_FAST_ATOM})*@(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+[a-z]+$"
_FAST_MAX_BYTES = 65
_SPECIAL_TLDS = (".arpa", ".invalid", ".local", ".localhost", ".onion", ".test")


def validate_email_slow(address: str) -> str | None:
    """email-validator's verdict on one address: the lower-cased address, or None."""
    return _validate_cached(address)


@lru_cache(maxsize=65536)
def _validate_cached(address: str) -> str | None:
    try:
        info = validate_email(address, check_deliverability=False)
    except (EmailNotValidError, UnicodeError, ValueError):
        return None
    # Keep the address as written (lower-cased, NFC): that is what the CRM holds.
    del info
    return unicodedata.normalize("NFC", address)


def regex_verdict(lowered: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Decide lower-cased, stripped addresses by regex alone.

    Returns ``(valid, decided)`` boolean arrays; where ``decided`` is False the
    caller must ask email-validator.
    """

    def m(pattern: str) -> np.ndarray:
        res = pc.fill_null(pc.match_substring_regex(lowered, pattern), False)
        return np.asarray(res.to_numpy(zero_copy_only=False), dtype=bool)

    undecided = m(_UNDECIDED)
    length = np.asarray(pc.fill_null(pc.binary_length(lowered), 0).to_numpy(zero_copy_only=False))
    valid = m(_PLAIN) & (length <= _MAX_LENGTH)
    valid &= ~m(_LONG_LABEL)
    valid &= ~m(_R_LDH)
    valid &= ~m(_SPECIAL_USE)
    valid &= ~m(_MARK_FIRST)
    return valid & ~undecided, ~undecided


def _already_clean(a: pa.Array) -> np.ndarray:
    """Rows that are valid addresses in final form: the full check would return them as is."""
    ok = mask_of(a, _FAST)
    if not ok.any():
        return ok
    short = pc.fill_null(pc.less_equal(pc.binary_length(a), _FAST_MAX_BYTES), False)
    ok &= np.asarray(short.to_numpy(zero_copy_only=False), dtype=bool)
    for tld in _SPECIAL_TLDS:
        ok &= ~np.asarray(pc.fill_null(pc.ends_with(a, tld), False)
                          .to_numpy(zero_copy_only=False), dtype=bool)
    return ok


def _normalize_full(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The whole clean-up and check, once per distinct value."""
    cleaned = clean_text(s)
    index = cleaned.index
    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    a = to_arrow(pd.Series(uniques))
    a = pc.utf8_lower(a)
    # 'mailto:' prefix, then a bracketed address: 'Name <a@b.com>' -> 'a@b.com'.
    a = pc.replace_substring_regex(a, r"^mailto:\s*", "")
    has_angle = pc.fill_null(pc.match_substring(a, "<"), False)
    if pc.any(has_angle).as_py():
        inner = pc.extract_regex(a, r"<\s*(?:mailto:)?\s*(?P<addr>[^<>]*?)\s*>\s*$")
        addr = pc.struct_field(inner, "addr")
        a = pc.if_else(pc.and_(has_angle, pc.is_valid(addr)), addr, a)
    a = pc.utf8_trim(a, " ")
    valid, decided = regex_verdict(a)
    non_ascii = pc.fill_null(pc.invert(pc.string_is_ascii(a)), False)
    if pc.any(non_ascii).as_py():
        a = pc.if_else(non_ascii, pc.utf8_normalize(a, "NFC"), a)
        valid_nfc, decided_nfc = regex_verdict(a)
        valid &= valid_nfc
        decided &= decided_nfc
    values = np.asarray(a.to_numpy(zero_copy_only=False), dtype=object)
    out = np.where(valid, values, None)
    for i in np.flatnonzero(~decided):
        out[i] = _validate_cached(values[i])
    result = str_series(pa.array(out, type=pa.large_string()), pd.RangeIndex(len(out)))
    result_arr = result.array.take(codes, allow_fill=True)
    emails = pd.Series(result_arr, index=index)
    invalid = pd.Series(cleaned.notna().to_numpy() & emails.isna().to_numpy(), index=index)
    return emails, invalid


def normalize_emails(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Clean and validate email addresses.

    Strips spaces and ``mailto:``, takes the address out of
    ``'Jane Doe <jane@x.com>'``, lower-cases, and checks the syntax the way
    email-validator does (no DNS). Returns ``(emails, invalid)``: ``invalid``
    is True where a non-empty value was not a valid address (and the email
    there is NA).
    """
    s = as_str_series(s)
    a = to_arrow(s)
    # Most addresses are already plain and lower-case: one regex pass passes them through.
    done = _already_clean(a)
    if not done.any():
        return _normalize_full(s)
    invalid = np.zeros(len(a), dtype=bool)
    if not done.all():
        emails, bad = _normalize_full(subset(a, ~done))
        a = patch_rows(a, ~done, to_arrow(emails))
        invalid[~done] = bad.to_numpy(dtype=bool)
    return str_series(a, s.index), pd.Series(invalid, index=s.index)
