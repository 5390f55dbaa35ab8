"""Money amounts and employee counts written the way people write them.

The decimal separator is decided per value from its pattern (``1,234.56``
and ``1.234,56`` are both 1234.56; ``1,234`` and ``1.234`` are 1234; ``12,5``
is 12.5), all vectorised with pyarrow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core.normalize_text import (
    STR_DTYPE,
    clean_text,
    digits_only,
    lit,
    map_unique,
    to_arrow,
)

__all__ = ["parse_employees", "parse_money"]

_SYMBOLS: dict[str, str] = {
    "us$": "USD",
    "usd$": "USD",
    "$": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "cad$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "sg$": "SGD",
    "r$": "BRL",
    "mx$": "MXN",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
    "₱": "PHP",
    "zł": "PLN",
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "pounds": "GBP",
}
_CODES = (
    "usd eur gbp cad aud nzd chf jpy cny rmb inr sek nok dkk pln czk huf ron bgn hrk isk "
    "sgd hkd krw twd brl mxn ars clp cop pen zar aed sar ils try rub thb php idr myr vnd egp"
).split()
_CURRENCY_RE = (
    r"(?P<cur>(?:us|usd|ca|cad|au|nz|hk|sg|mx|[cars])\$|\$|[€£¥₹₩₽₺₪₫฿₱]|zł|\b(?:"
    + "|".join(_CODES)
    + r"|euros?|dollars?|pounds)\b)"
)
_MULTS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "tsd": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "mio": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "mrd": 1e9,
    "billion": 1e9,
    "billions": 1e9,
}
_MULT_RE = "|".join(sorted(_MULTS, key=len, reverse=True))
_ONE_NUMBER = r"^\D*\d[\d.,'’ ]*\D*$"
_HEAD_RE = r"^(?P<pre>\D*)(?P<num>\d[\d.,'’ ]*)"
_MULT_HEAD = rf"^\s*(?P<mult>{_MULT_RE})(?:\b|$)"


def _mask(a: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(
        pc.fill_null(pc.match_substring_regex(a, pattern), False).to_numpy(zero_copy_only=False),
        dtype=bool,
    )


def _to_float(a: pa.Array) -> np.ndarray:  # used by parse_employees
    """Strings of digits with an optional '.' -> float (NaN where not a number)."""
    ok = pc.fill_null(pc.match_substring_regex(a, r"^\d+(?:\.\d+)?$"), False)
    safe = pc.if_else(ok, a, lit("nan"))
    return np.asarray(pc.cast(safe, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _np(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def _last_pos(num: pa.Array, rev: pa.Array, length: np.ndarray, ch: str) -> np.ndarray:
    """Index of the last ``ch`` in each (ASCII) string, -1 if absent."""
    found = _np(pc.find_substring(rev, ch)).astype(np.int64)
    return np.where(found < 0, -1, length - 1 - found)


def _number_values(num: pa.Array, has_mult: np.ndarray) -> np.ndarray:
    """Numbers with thousands / decimal separators -> float, deciding per value.

    ``num`` holds digits and ``, . ' ’`` and spaces only. The separator that
    occurs last and once is the decimal mark, unless the value reads as
    thousands groups (``1,234`` / ``1.234.567`` / ``12,34,567``).
    """
    spaced = _mask(num, r"[ '’]")
    if spaced.any():
        sub = pc.replace_substring_regex(pc.filter(num, pa.array(spaced)), r"[ '’]", "")
        num = pc.replace_with_mask(num, pa.array(spaced), sub)
    digits = digits_only(num)
    no_digits = pc.equal(digits, lit(""))
    digits = pc.if_else(no_digits, pa.scalar(None, pa.large_string()), digits)
    mantissa = np.asarray(_np(pc.cast(digits, pa.float64())), dtype=float)
    length = _np(pc.utf8_length(num)).astype(np.int64)
    rev = pc.utf8_reverse(num)
    nc = _np(pc.count_substring(num, ",")).astype(np.int64)
    nd = _np(pc.count_substring(num, ".")).astype(np.int64)
    fc = _np(pc.find_substring(num, ",")).astype(np.int64)
    fd = _np(pc.find_substring(num, ".")).astype(np.int64)
    lc = _last_pos(num, rev, length, ",")
    ld = _last_pos(num, rev, length, ".")
    lead_zero = _np(pc.fill_null(pc.starts_with(num, "0"), False)).astype(bool)

    def grouped(first: np.ndarray, last: np.ndarray, count: np.ndarray, step: int) -> np.ndarray:
        return (
            (length - last - 1 == 3)
            & (first >= 1)
            & (first <= 3)
            & (last - first == step * (count - 1))
        )

    dec = np.full(len(num), -2, dtype=np.int64)  # -2 unparseable, -1 integer, else position
    plain = (nc == 0) & (nd == 0)
    dec[plain] = -1
    both = (nc > 0) & (nd > 0)
    dec[both & (ld > lc) & (nd == 1)] = ld[both & (ld > lc) & (nd == 1)]
    dec[both & (lc > ld) & (nc == 1)] = lc[both & (lc > ld) & (nc == 1)]
    only_c = (nc > 0) & (nd == 0)
    th_c = grouped(fc, lc, nc, 4) & ~(has_mult & (nc == 1))
    th_c |= (nc >= 2) & (fc <= 2) & (length - lc - 1 == 3) & (lc - fc == 3 * (nc - 1))  # 12,34,567
    dec[only_c & th_c] = -1
    dec[only_c & ~th_c & (nc == 1)] = lc[only_c & ~th_c & (nc == 1)]
    only_d = (nd > 0) & (nc == 0)
    th_d = grouped(fd, ld, nd, 4) & ((nd >= 2) | (~has_mult & ~lead_zero))
    dec[only_d & th_d] = -1
    dec[only_d & ~th_d & (nd == 1)] = ld[only_d & ~th_d & (nd == 1)]
    scale = np.where(dec >= 0, length - dec - 1, 0)
    value = mantissa / np.power(10.0, scale)
    return np.where(dec == -2, np.nan, value)


def _currency(low: pa.Array) -> pa.Array:
    parts = pc.extract_regex(low, _CURRENCY_RE)
    cur = pc.struct_field(parts, "cur")
    keys = pa.array(list(_SYMBOLS), pa.large_string())
    values = pa.array(list(_SYMBOLS.values()), pa.large_string())
    idx = pc.index_in(cur, value_set=keys)
    mapped = pc.take(values, idx)
    code = pc.utf8_upper(cur)
    code = pc.if_else(pc.equal(code, lit("RMB")), lit("CNY"), code)
    return pc.if_else(pc.is_valid(idx), mapped, code)


def _parse_money_unique(u: pd.Series) -> tuple[np.ndarray, pa.Array]:
    a = to_arrow(u)
    low = pc.utf8_lower(a)  # clean_text already turned NBSP / thin spaces into spaces
    # One run of digits and separators, with text before (pre) and after (post).
    matched = _mask(low, _ONE_NUMBER)
    head = pc.extract_regex(low, _HEAD_RE)
    empty = lit("")
    pre = pc.fill_null(pc.struct_field(head, "pre"), empty)
    num = pc.utf8_rtrim(pc.fill_null(pc.struct_field(head, "num"), empty), " .,'’")
    tail = pc.extract_regex(pc.utf8_reverse(low), r"^(?P<p>\D*)")
    post = pc.utf8_reverse(pc.fill_null(pc.struct_field(tail, "p"), empty))
    maybe_mult = _mask(post, r"^\s*[kmbt]")
    mult_s = pa.array([""] * len(post), pa.large_string())
    if maybe_mult.any():
        sel = pa.array(maybe_mult)
        mult_parts = pc.extract_regex(pc.filter(post, sel), _MULT_HEAD)
        found = pc.fill_null(pc.struct_field(mult_parts, "mult"), empty)
        mult_s = pc.replace_with_mask(mult_s, sel, found)
    mult_keys = pa.array(list(_MULTS), pa.large_string())
    mult_idx = pc.index_in(mult_s, value_set=mult_keys)
    mult = np.asarray(
        pc.fill_null(pc.take(pa.array(list(_MULTS.values())), mult_idx), 1.0).to_numpy(
            zero_copy_only=False
        ),
        dtype=float,
    )
    has_mult = np.asarray(pc.is_valid(mult_idx).to_numpy(zero_copy_only=False), dtype=bool)
    value = _number_values(num, has_mult) * mult
    rest = pc.binary_join_element_wise(pre, lit("|"), post, lit(""))
    negative = _mask(rest, r"\(.*\|.*\)|[-−–].*\||\|.*[-−]\s*$")
    value = np.where(negative, -value, value)
    # Anything else in the text must be a currency marker or punctuation.
    words = _mask(rest, r"\pL")
    if words.any():
        idx = pa.array(np.flatnonzero(words))
        left = pc.replace_substring_regex(pc.take(rest, idx), _MULT_HEAD.replace("^", r"\|"), "|")
        left = pc.replace_substring_regex(left, _CURRENCY_RE, "")
        junk = np.zeros(len(value), dtype=bool)
        junk[np.flatnonzero(words)] = _mask(left, r"\pL")
    else:
        junk = np.zeros(len(value), dtype=bool)
    value = np.where(matched & ~junk, value, np.nan)
    # The currency marker is in the text around the number (pre / post).
    marked = _mask(rest, r"[^\s|()+\-−–]") & ~np.isnan(value)
    currency = pa.nulls(len(value), pa.large_string())
    if marked.any():
        sel = pa.array(marked)
        currency = pc.replace_with_mask(currency, sel, _currency(pc.filter(rest, sel)))
    return value, currency


def parse_money(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Money text -> ``(amount, currency)``; currency is an ISO code or NA.

    ``"USD 485,000.00"`` -> 485000 / USD, ``"$12.5M"`` -> 12500000 / USD,
    ``"1.234,56 €"`` -> 1234.56 / EUR, ``"(1,000)"`` -> -1000,
    ``"1 234,56"`` -> 1234.56. Numbers already numeric pass through.
    """
    if not isinstance(s, pd.Series):
        s = pd.Series(s)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        amount = pd.to_numeric(s, errors="coerce").astype(float)
        return amount, pd.Series(pd.array([None] * len(s), dtype=STR_DTYPE), index=s.index)
    cleaned = clean_text(s)
    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    value, currency = _parse_money_unique(pd.Series(uniques))
    amount = np.where(codes >= 0, value[np.maximum(codes, 0)] if len(value) else np.nan, np.nan)
    cur_arr = (
        pd.array(currency, dtype=STR_DTYPE) if len(currency) else pd.array([], dtype=STR_DTYPE)
    )
    cur = cur_arr.take(codes, allow_fill=True)
    return pd.Series(amount, index=s.index, dtype=float), pd.Series(cur, index=s.index)


# ---------------------------------------------------------------- employees

_EMP_NUM = r"\d(?:[\d.,'’ ]*\d)?"
_EMPLOYEES_RE = (
    rf"^(?:about |approx\.? |~|ca\.? )?(?P<lo>{_EMP_NUM})\s*(?P<lok>[km])?\s*"
    rf"(?:(?:-|–|—|to|bis|à|a)\s*(?P<hi>{_EMP_NUM})\s*(?P<hik>[km])?|(?P<plus>\+))?\s*"
    r"(?:\+)?\s*(?:employees?|emps?|people|staff|ftes?|mitarbeiter)?$"
)


def _count(num: pa.Array, suffix: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(count, from_suffix): '1,200' -> 1200; '1.5' with 'k' -> 1500."""
    k = pc.fill_null(suffix, lit(""))
    mult = np.where(_mask(k, "^k$"), 1e3, np.where(_mask(k, "^m$"), 1e6, 1.0))
    has_suffix = mult > 1
    stripped = pc.replace_substring_regex(pc.fill_null(num, lit("")), r"[ '’]", "")
    as_int = _to_float(pc.replace_substring_regex(stripped, r"[.,]", ""))
    as_dec = _to_float(pc.replace_substring(stripped, ",", "."))
    grouped = _mask(stripped, r"^\d{1,3}(?:[.,]\d{3})+$")
    value = np.where(has_suffix & ~grouped, as_dec, as_int) * mult
    return value, has_suffix


def parse_employees(s: pd.Series) -> pd.Series:
    """Employee counts and size buckets -> a number (float, NaN when unknown).

    ``"1,200"`` -> 1200; ranges give the midpoint: ``"11-50"`` -> 30.5,
    ``"1,001-5,000"`` / ``"1001 to 5000"`` -> 3000.5, and ``"1K-5K"`` -> 3000.5
    (a bucket written with K/M starts one above its round lower bound, as
    ``1,001-5,000`` does); ``"10,000+"`` / ``"10K+"`` -> 10000.
    """
    if not isinstance(s, pd.Series):
        s = pd.Series(s)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return pd.to_numeric(s, errors="coerce").astype(float)
    cleaned = clean_text(s)

    def decide(u: pd.Series) -> np.ndarray:
        a = pc.utf8_lower(to_arrow(u))
        parts = pc.extract_regex(a, _EMPLOYEES_RE)
        ok = np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)
        lo, lo_k = _count(pc.struct_field(parts, "lo"), pc.struct_field(parts, "lok"))
        hi_s = pc.struct_field(parts, "hi")
        hi_k_s = pc.struct_field(parts, "hik")
        # '1-5K': the suffix applies to both ends.
        both_k = pc.and_(
            pc.equal(pc.fill_null(pc.struct_field(parts, "lok"), lit("")), lit("")),
            pc.not_equal(pc.fill_null(hi_k_s, lit("")), lit("")),
        )
        hi, _ = _count(hi_s, hi_k_s)
        lo_k_s = pc.if_else(pc.fill_null(both_k, False), hi_k_s, pc.struct_field(parts, "lok"))
        lo, lo_k = _count(pc.struct_field(parts, "lo"), lo_k_s)
        has_hi = np.asarray(
            pc.fill_null(pc.not_equal(pc.fill_null(hi_s, lit("")), lit("")), False).to_numpy(
                zero_copy_only=False
            ),
            dtype=bool,
        )
        bucket_lo = np.where(has_hi & lo_k & (lo % 1000 == 0) & (lo > 0), lo + 1, lo)
        value = np.where(has_hi, (bucket_lo + hi) / 2, lo)
        value = np.where(has_hi & (hi < lo), np.nan, value)
        return np.where(ok, value, np.nan)

    return map_unique(cleaned, decide, dtype="float64").astype(float)
