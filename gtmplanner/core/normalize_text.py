"""Text clean-up shared by every normaliser, plus booleans, URLs and damage checks.

Every public function here is vectorised over a pandas Series: it returns a
Series aligned to the input index, and missing or unparseable values become NA
(never ``""``). Work that needs Python per value is done once per *unique*
value (see :func:`map_unique`) and mapped back.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import take

__all__ = [
    "NULL_MARKERS",
    "STR_DTYPE",
    "as_str_series",
    "clean_text",
    "lit",
    "damaged_values",
    "digits_only",
    "map_unique",
    "mask_of",
    "mostly_repeated",
    "normalize_url",
    "patch_rows",
    "parse_bool",
    "str_series",
    "subset",
    "to_arrow",
]

#: Cell values that mean "no value" (compared case-insensitively after cleaning).
NULL_MARKERS: frozenset[str] = frozenset({"", "--", "-", "n/a", "na", "null", "none", "#n/a"})

#: The dtype of every text Series we return (pandas' default ``str``; NA is NaN).
STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)

# Whitespace RE2 does not know as \s, plus zero-width characters: all become a space.
_WS_OTHER = (
    r"\t\n\x{0B}\f\r\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200D}\x{2028}\x{2029}"
    r"\x{202F}\x{205F}\x{2060}\x{3000}\x{FEFF}"
)
_WS_CLASS = f"[ {_WS_OTHER}]"
_NEEDS_CLEAN = f"^{_WS_CLASS}|{_WS_CLASS}$|{_WS_CLASS}{_WS_CLASS}|[{_WS_OTHER}]"
_MARKERS = pa.array(sorted(NULL_MARKERS), pa.large_string())


def lit(text: str) -> pa.Scalar:
    """A large_string scalar, for mixing literals into arrow string kernels."""
    return pa.scalar(text, pa.large_string())


def as_str_series(s: pd.Series | Any) -> pd.Series:
    """Return ``s`` as a Series of the ``str`` dtype (numbers become their text).

    Floats keep their repr (``4155550123.0`` -> ``'4155550123.0'``) so the
    callers can repair them; missing values stay missing.
    """
    if not isinstance(s, pd.Series):
        s = pd.Series(s)
    if s.dtype == STR_DTYPE:
        return s
    if s.dtype == object:
        # Booleans and numbers in an object column become text; NA stays NA.
        s = s.where(s.notna(), None)
    return s.astype(STR_DTYPE)


def to_arrow(s: pd.Series) -> pa.Array:
    """The Series' values as a pyarrow string array (nulls for NA)."""
    arr = pa.array(as_str_series(s).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def str_series(values: pa.Array | pa.ChunkedArray | Any, index: pd.Index) -> pd.Series:
    """Wrap an arrow (or any array-like of str / None) as a ``str`` Series on ``index``."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if not pa.types.is_large_string(values.type):
            values = values.cast(pa.large_string())
        return pd.Series(pd.array(values, dtype=STR_DTYPE), index=index)
    return pd.Series(pd.array(values, dtype=STR_DTYPE), index=index)


def digits_only(a: pa.Array) -> pa.Array:
    """Keep only ASCII digits of each string (nulls stay null), without a Python loop."""
    a = a.cast(pa.large_string())
    if a.offset:
        a = pa.concat_arrays([a])
    validity, offsets, data = a.buffers()
    off = np.frombuffer(offsets, dtype=np.int64, count=len(a) + 1)
    if data is None or off[-1] == off[0]:
        raw = np.zeros(0, dtype=np.uint8)
    else:
        raw = np.frombuffer(data, dtype=np.uint8)[off[0] : off[-1]]
    pos = np.flatnonzero((raw - 48) < 10)
    new_off = np.searchsorted(pos, off - off[0]).astype(np.int64)
    return pa.LargeStringArray.from_buffers(
        len(a), pa.py_buffer(new_off), pa.py_buffer(raw[pos].copy()), validity, a.null_count
    )


def map_unique(
    s: pd.Series,
    func: Callable[[pd.Series], pd.Series | np.ndarray | pd.api.extensions.ExtensionArray],
    dtype: Any = STR_DTYPE,
) -> pd.Series:
    """Apply ``func`` to the unique non-missing values of ``s`` and map back.

    ``func`` receives a Series of the unique values (default RangeIndex) and
    returns one result per unique value. Missing inputs give NA of ``dtype``.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    res = func(pd.Series(uniques))
    if isinstance(res, (pa.Array, pa.ChunkedArray)):
        arr = str_series(res, pd.RangeIndex(len(res))).array
    else:
        arr = res.array if isinstance(res, pd.Series) else res
    arr = pd.array(arr, dtype=dtype)
    return pd.Series(take(arr, codes, allow_fill=True), index=s.index)


def mostly_repeated(a: pa.Array, sample: int = 2048) -> bool:
    """Whether ``a`` repeats its values enough for per-distinct work to pay off.

    Judged from an evenly spread sample, so it costs nothing on big columns.
    A heuristic for speed only: callers give the same answer either way.
    """
    n = len(a)
    if n < 4 * sample:
        return False
    picked = a.take(pa.array(np.arange(0, n, n // sample, dtype=np.int64)))
    return pc.count_distinct(picked).as_py() * 4 <= len(picked)


def mask_of(a: pa.Array, pattern: str) -> np.ndarray:
    """Rows of ``a`` where RE2 ``pattern`` is found, as a numpy bool array (null -> False)."""
    m = pc.fill_null(pc.match_substring_regex(a, pattern), False)
    return np.asarray(m.to_numpy(zero_copy_only=False), dtype=bool)


def patch_rows(a: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """``a`` with the rows where ``rows`` is True replaced by ``values`` (in order)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pc.replace_with_mask(a, pa.array(rows), values.cast(a.type))


def subset(a: pa.Array, rows: np.ndarray) -> pd.Series:
    """The rows of ``a`` where ``rows`` is True, as a ``str`` Series (new RangeIndex)."""
    picked = pc.filter(a, pa.array(rows))
    return str_series(picked, pd.RangeIndex(len(picked)))


def _clean_arrow(a: pa.Array) -> pa.Array:
    need = pc.fill_null(pc.match_substring_regex(a, _NEEDS_CLEAN), False)
    if pc.any(need).as_py():
        fixed = pc.replace_substring_regex(a, f"{_WS_CLASS}+", " ")
        fixed = pc.utf8_trim(fixed, " ")
        a = pc.if_else(need, fixed, a)
    # Null markers are all short: only look at short values.
    short = pc.fill_null(pc.less_equal(pc.utf8_length(a), 4), False)
    if not pc.any(short).as_py():
        return a
    marker = pc.and_(short, pc.is_in(pc.utf8_lower(a), value_set=_MARKERS))
    return pc.if_else(pc.fill_null(marker, False), pa.scalar(None, a.type), a)


def clean_text(s: pd.Series) -> pd.Series:
    """NBSP / zero-width -> space, strip, collapse whitespace, null markers -> NA.

    >>> clean_text(pd.Series(["  Jane\\u00a0 Doe ", "N/A", "--"])).tolist()
    ['Jane Doe', nan, nan]
    """
    s = as_str_series(s)
    a = to_arrow(s)
    if mostly_repeated(a):
        enc = pc.dictionary_encode(a)
        a = pc.take(_clean_arrow(enc.dictionary), enc.indices)
    else:
        a = _clean_arrow(a)
    return str_series(a, s.index)


# ---------------------------------------------------------------- booleans

_TRUE = frozenset(
    "yes|y|true|t|1|1.0|x|✓|✔|✔️|☑|☑️|✅|checked|checked in|checked-in|checkedin|attended|"
    "present|showed|showed up|ja|sí|si|oui|opted out|opted-out|optout|opt-out|opt out|"
    "unsubscribed|on".split("|")
)
_FALSE = frozenset(
    "no|n|false|f|0|0.0|absent|no-show|no show|noshow|not attended|did not attend|"
    "didn't attend|not checked in|nein|non|off|✗|✘|❌".split("|")
)


def parse_bool(s: pd.Series) -> pd.Series:
    """Yes/no-ish text -> pandas ``boolean`` (NA when it is neither).

    ``'Checked In'``, ``'Attended'``, ``'x'``, ``'ja'`` -> True; ``'No-show'``,
    ``'nein'``, ``'0'`` -> False; ``'Attending'`` (registered only) -> NA.
    """
    s = as_str_series(s)

    def decide(u: pd.Series) -> np.ndarray:
        key = clean_text(u).str.lower()
        out = np.full(len(u), pd.NA, dtype=object)
        out[key.isin(_TRUE).to_numpy()] = True
        out[key.isin(_FALSE).to_numpy()] = False
        return out

    return map_unique(s, decide, dtype="boolean")


# ---------------------------------------------------------------- URLs

_URL_RE = (
    r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://)?(?P<host>[^/?#:@\s]+)"
    r"(?P<port>:\d+)?(?P<rest>[/?#].*)?$"
)
_LINKEDIN_RE = (
    r"^(?:[a-z]{2,3}\.|www\.|m\.)?linkedin\.com/(?P<kind>in|pub|company|school|showcase)"
    r"/(?P<slug>[^/?#]+)"
)


# A LinkedIn URL already in the canonical form normalize_url gives (clean, no spaces).
_LINKEDIN_CANONICAL = (
    rf"^https://www\.linkedin\.com/(?:in|pub|company|school|showcase)/[^/?# {_WS_OTHER}]+$"
)


def _fix_urls(u: pd.Series) -> pa.Array:
    """The full URL clean-up of distinct, cleaned values."""
    a = to_arrow(u)
    a = pc.replace_substring(a, " ", "")
    parts = pc.extract_regex(a, _URL_RE)
    empty = lit("")
    scheme = pc.utf8_lower(pc.fill_null(pc.struct_field(parts, "scheme"), empty))
    host = pc.utf8_lower(pc.struct_field(parts, "host"))
    port = pc.fill_null(pc.struct_field(parts, "port"), empty)
    rest = pc.fill_null(pc.struct_field(parts, "rest"), empty)
    scheme = pc.if_else(pc.equal(scheme, empty), lit("https"), scheme)
    url = pc.binary_join_element_wise(scheme, lit("://"), host, port, rest, empty)
    ok = pc.fill_null(pc.match_substring(host, "."), False)
    ok = pc.and_(ok, pc.invert(pc.fill_null(pc.ends_with(host, "."), True)))
    url = pc.if_else(ok, url, pa.scalar(None, pa.large_string()))
    # LinkedIn: canonical form.
    hostpath = pc.binary_join_element_wise(host, rest, empty)
    li = pc.extract_regex(hostpath, _LINKEDIN_RE)
    li_url = pc.binary_join_element_wise(
        lit("https://www.linkedin.com/"),
        pc.struct_field(li, "kind"),
        lit("/"),
        pc.struct_field(li, "slug"),
        empty,
    )
    return pc.if_else(pc.is_valid(li_url), li_url, url)


def normalize_url(s: pd.Series) -> pd.Series:
    """Tidy web addresses: add ``https://`` when missing, drop spaces, lower-case the host.

    LinkedIn profile URLs become ``https://www.linkedin.com/in/<slug>`` (no
    query string, no trailing slash; country sub-domains folded). Values that
    cannot be a web address (no dot in the host) become NA.
    """
    s = as_str_series(s)
    a = to_arrow(s)
    # Canonical LinkedIn URLs (most of a roster's) come out as they went in.
    done = mask_of(a, _LINKEDIN_CANONICAL)
    if done.all():
        return str_series(a, s.index)
    rest = map_unique(clean_text(subset(a, ~done)), _fix_urls)
    if not done.any():
        return pd.Series(rest.array, index=s.index)
    return str_series(patch_rows(a, ~done, to_arrow(rest)), s.index)


# ---------------------------------------------------------------- damage checks

_ID_WORDS = ("id", "phone", "mobile", "fax", "postal", "zip", "number", "no", "tel")

_MSG_SCI = "looks like Excel turned it into scientific notation; the original digits are lost"
_MSG_ZIP = (
    "looks like a US ZIP code that lost its leading zero (Excel stored it as a number); "
    "it will be padded to 5 digits"
)
_MSG_PHONE_FLOAT = (
    "looks like the phone number was stored as a number ('.0' at the end); "
    "a leading 0 or '+' may have been lost"
)


_MSG_ZIP_FLOAT = "looks like the ZIP code was stored as a number ('.0' at the end)"
# Damage patterns (unanchored, whitespace-free).
_SCI = r"[+-]?\d(?:[.,]\d+)?[eE][+]?\d{1,3}"
_ZIP_SHORT = r"\d{3,4}(?:\.0+)?"
_ZIP_FLOAT = r"\d{5}\.0+"
_PHONE_FLOAT = r"\+?\d{6,}\.0+"


def _padded(pattern: str) -> str:
    """``pattern`` as the whole value, give or take whitespace around it."""
    return f"^{_WS_CLASS}*(?:{pattern}){_WS_CLASS}*$"


def _field_words(field: str) -> set[str]:
    norm = "".join(c if c.isalnum() else " " for c in field.lower())
    return set(norm.split())


def damaged_values(
    s: pd.Series, field: str, *, country: pd.Series | str | None = None
) -> list[tuple[Hashable, str]]:
    """List cells whose text was damaged before it reached us, as (index label, message).

    - IDs / phones / postal codes in scientific notation (``'7.50339E+18'``);
    - US ZIP codes that lost their leading zero (``field='postal_code'``):
      3-4 digit values, or ``'2110.0'``. With ``country`` (ISO2 Series or
      code) only rows whose country is US or unknown are checked;
    - phone numbers stored as floats (``'4155550123.0'``).
    """
    s = as_str_series(s)
    words = _field_words(field)
    lowered = field.lower()
    is_phone = bool(words & {"phone", "mobile", "fax", "tel", "telephone", "cell"})
    is_postal = bool(words & {"postal", "zip", "postcode", "zipcode"}) or "postal" in lowered
    is_idlike = (
        is_phone
        or is_postal
        or bool(words & set(_ID_WORDS))
        or field.endswith(("Id", "ID"))
        or "#" in field
    )
    n = len(s)
    # (pattern, message, US rows only); a later match overrides an earlier one.
    checks: list[tuple[str, str, bool]] = []
    if is_postal:
        checks.append((_ZIP_FLOAT, _MSG_ZIP_FLOAT, True))
        checks.append((_ZIP_SHORT, _MSG_ZIP, True))
    if is_phone:
        checks.append((_PHONE_FLOAT, _MSG_PHONE_FLOAT, False))
    if is_idlike:
        checks.append((_SCI, _MSG_SCI, False))
    if not checks or not n:
        return []
    us: np.ndarray | None = None
    if is_postal and country is not None:
        if isinstance(country, str):
            us = np.full(n, country.strip().upper() == "US")
        else:
            c = as_str_series(country).str.strip().str.upper()
            us = (c.isna() | (c == "US")).to_numpy(dtype=bool)
    # Every pattern is whitespace-free, so it matches the cleaned text exactly when it
    # matches the raw text between whitespace (clean_text only trims it then):
    # one pass finds the few candidate rows without cleaning the column.
    a = to_arrow(s)
    rows = np.flatnonzero(mask_of(a, _padded("|".join(p for p, _m, _u in checks))))
    if not len(rows):
        return []
    sub = a.take(pa.array(rows))
    messages: dict[int, str] = {}
    for pattern, message, us_only in checks:
        hit = mask_of(sub, _padded(pattern))
        if us_only and us is not None:
            hit &= us[rows]
        for i in rows[hit]:
            messages[int(i)] = message
    labels = s.index
    return [(labels[i], messages[i]) for i in sorted(messages)]
