"""Phone numbers -> E.164, vectorised with a phonenumbers fallback.

A number is accepted when phonenumbers parses it and calls it *possible*
(``is_possible_number_with_reason(...) == IS_POSSIBLE``: a plausible length
for its country). The result is E.164 (``+14155550123``), with an extension
kept as ``+14155550123;ext=12``.

Most numbers in a roster have one of a few shapes; those are decided for the
whole column at once from phonenumbers' own metadata (country codes, possible
lengths, national-prefix and number patterns), giving exactly what
phonenumbers would give:

- ``+`` numbers whose national part does not start with a national prefix;
- 10-digit NANP numbers (``(415) 555-0123``, ``1-415-555-0123``) in US/CA;
- national-format numbers with a ``0`` trunk prefix (``040 1234567`` in DE).

Everything else is parsed by phonenumbers, once per unique (text, region).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    SUPPORTED_REGIONS,
    ValidationResult,
    region_code_for_country_code,
)

from gtmplanner.core.normalize_text import (
    as_str_series,
    clean_text,
    digits_only,
    lit,
    mask_of,
    patch_rows,
    str_series,
    subset,
    to_arrow,
)

__all__ = ["normalize_phones", "parse_phone_slow", "prepare_phone_text"]

_NANP_FAST = frozenset({"US", "CA"})
_SHAPE = r"^\+?[0-9 ().\-]+$"
_EXT = r"^(?P<num>.*?[0-9)])[ ,]*(?i:ext\.?|extension|x|#)[.:]?[ ,\-]*(?P<ext>[0-9]{1,6})$"
_SCI = r"^[+-]?\d(?:[.,]\d+)?[eE][+-]?\d{1,3}$"
# The two commonest shapes, decided with one regex each (see _common_shapes):
# "+1 415 555 0123" / "+1 (415) 555-0123" anywhere, "(415) 555-0123" in US/CA.
_COMMON = r"^(?:\+1[ .\-]?)?\(?[2-9]\d{2}\)?[ .\-]?\d{3}[ .\-]?\d{4}$"


# ---------------------------------------------------------------- slow path


def prepare_phone_text(text: str) -> str:
    """Undo spreadsheet damage on one cleaned value (the rules :func:`_prepare` vectorises).

    ``="4155550123"`` / ``'+1 415...`` lose the ``=`` and quotes,
    ``4155550123.0`` loses the ``.0``, and a leading ``00`` international
    prefix becomes ``+``.
    """
    t = text[1:] if text.startswith("=") else text
    t = t.strip(" '\"")
    if re.fullmatch(r"\+?\d+\.0+", t):
        t = t[: t.index(".")]
    m = re.match(r"^[ (]*0 *0 *(?=\d)", t)
    if m:
        t = "+" + t[m.end() :]
    return t


@lru_cache(maxsize=262144)
def parse_phone_slow(text: str, region: str) -> str | None:
    """phonenumbers' answer for one prepared value: E.164 (+ ``;ext=``) or None."""
    if not text or re.fullmatch(_SCI, text):
        return None
    try:
        num = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(num) != ValidationResult.IS_POSSIBLE:
        return None
    out = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if num.extension:
        out += ";ext=" + num.extension
    return out


# ---------------------------------------------------------------- metadata


class _CountryInfo:
    """What the fast path needs to know about one calling code / region."""

    __slots__ = ("cc", "lengths", "npp", "pattern", "idd")

    def __init__(self, cc: int, md: PhoneMetadata, main: PhoneMetadata) -> None:
        self.cc = cc
        local = set(main.general_desc.possible_length_local_only or ())
        self.lengths = frozenset(set(main.general_desc.possible_length or ()) - local)
        self.npp = md.national_prefix_for_parsing or None
        self.pattern = md.general_desc.national_number_pattern
        self.idd = md.international_prefix


@cache
def _cc_info(cc: int) -> _CountryInfo | None:
    main_region = region_code_for_country_code(cc)
    md = PhoneMetadata.metadata_for_region_or_calling_code(cc, main_region)
    if md is None:
        return None
    return _CountryInfo(cc, md, md)


@cache
def _region_info(region: str) -> _CountryInfo | None:
    """Info for national-format numbers: only for regions that are their code's main region."""
    md = PhoneMetadata.metadata_for_region(region)
    if md is None or region_code_for_country_code(md.country_code) != region:
        return None
    return _CountryInfo(md.country_code, md, md)


@cache
def _cc_lookup() -> dict[str, int]:
    return {str(cc): cc for cc in COUNTRY_CODE_TO_REGION_CODE if cc}


def _re2_mask(values: pa.Array, pattern: str | None) -> np.ndarray | None:
    """Search ``pattern`` with RE2; None when RE2 cannot compile it."""
    if not pattern:
        return np.zeros(len(values), dtype=bool)
    try:
        m = pc.match_substring_regex(values, pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.asarray(pc.fill_null(m, False).to_numpy(zero_copy_only=False), dtype=bool)


# ---------------------------------------------------------------- vectorised helpers


def _mask(a: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(_np(pc.fill_null(pc.match_substring_regex(a, pattern), False)), dtype=bool)


def _np(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def _prepare(a: pa.Array) -> pa.Array:
    """Vectorised :func:`prepare_phone_text` (``=``, quotes, ``.0``, ``00``)."""
    need = _mask(a, r"^[='\"]|['\"]$|\.0+$|^[ (]*0 *0")
    if not need.any():
        return a
    idx = pa.array(np.flatnonzero(need))
    sub = pc.take(a, idx)
    sub = pc.replace_substring_regex(sub, r"^=", "")
    sub = pc.utf8_trim(sub, " '\"")
    sub = pc.replace_substring_regex(sub, r"^(\+?\d+)\.0+$", r"\1")
    sub = pc.replace_substring_regex(sub, r"^[ (]*0 *0 *(\d)", r"+\1")
    return pc.replace_with_mask(a, pa.array(need), sub)


def _fast_path(text: pa.Array, regions: np.ndarray) -> pa.Array:
    """E.164 (+ ``;ext=``) where the number has a common shape, else null (undecided)."""
    n = len(text)
    result = np.full(n, None, dtype=object)
    # Extensions are rare: capture them only where a cheap match says they may be.
    maybe_ext = _mask(text, r"(?i)(?:ext|x|#|extension)[.:]?[ ,\-]*[0-9]{1,6}$")
    num, ext = text, pa.array([""] * n, pa.large_string())
    has_ext = pa.array(np.zeros(n, dtype=bool))
    if maybe_ext.any():
        rows = pa.array(np.flatnonzero(maybe_ext))
        ext_parts = pc.extract_regex(pc.take(text, rows), _EXT)
        found = np.zeros(n, dtype=bool)
        found[maybe_ext] = _np(pc.is_valid(ext_parts)).astype(bool)
        has_ext = pa.array(found)
        sub_num = pc.fill_null(pc.struct_field(ext_parts, "num"), lit(""))
        sub_ext = pc.fill_null(pc.struct_field(ext_parts, "ext"), lit(""))
        num = pc.if_else(has_ext, pc.replace_with_mask(text, pa.array(maybe_ext), sub_num), text)
        ext = pc.if_else(has_ext, pc.replace_with_mask(ext, pa.array(maybe_ext), sub_ext), ext)
    shape = _mask(num, _SHAPE)
    if not shape.any():
        return pa.nulls(n, pa.large_string())
    digits = digits_only(num)
    lens = _np(pc.fill_null(pc.utf8_length(digits), 0)).astype(np.int64)
    head = pc.utf8_slice_codeunits(digits, 0, 2)
    head = pc.if_else(pc.equal(pc.utf8_length(head), 2), head, pa.scalar(None, pa.large_string()))
    lead2 = np.asarray(_np(pc.fill_null(pc.cast(head, pa.float64()), -1.0)), float)
    first = np.where(lens >= 2, lead2 // 10, -1)
    second = np.where(lens >= 2, lead2 % 10, -1)
    plus = _mask(num, r"^\+")
    plus_digits = _np(pc.binary_join_element_wise(lit("+"), digits, lit(""))).astype(object)
    regions = regions.astype("U3")

    # 1) '+' numbers: country code, then national number.
    cand = shape & plus & (lens >= 4)
    if cand.any():
        lookup = _cc_lookup()
        keys = pa.array(list(lookup), pa.large_string())
        values = np.array(list(lookup.values()), dtype=np.int64)
        cc = np.zeros(n, dtype=np.int64)
        for k in (1, 2, 3):
            pos = _np(
                pc.fill_null(pc.index_in(pc.utf8_slice_codeunits(digits, 0, k), value_set=keys), -1)
            )
            pos = pos.astype(np.int64)
            take_k = cand & (cc == 0) & (pos >= 0)
            cc[take_k] = values[pos[take_k]]
        cand &= cc > 0
        for code in np.unique(cc[cand]):
            info = _cc_info(int(code))
            rows = np.flatnonzero(cand & (cc == code))
            if info is None:
                continue
            k = len(str(code))
            nsn = pc.utf8_slice_codeunits(pc.take(digits, pa.array(rows)), k)
            ok = np.isin(lens[rows] - k, list(info.lengths)) & ~_mask(nsn, "^0")
            if info.npp:
                strip = _re2_mask(nsn, f"^(?:{info.npp})")
                if strip is None:
                    continue
                ok &= ~strip
            result[rows[ok]] = plus_digits[rows[ok]]

    # 2) NANP 10/11 digits with a US/CA region.
    nanp = shape & ~plus & np.isin(regions, list(_NANP_FAST))
    ten = nanp & (lens == 10) & (first >= 2)
    if ten.any():
        picked = pc.take(digits, pa.array(np.flatnonzero(ten)))
        result[ten] = _np(pc.binary_join_element_wise(lit("+1"), picked, lit(""))).astype(object)
    eleven = nanp & (lens == 11) & (first == 1) & (second >= 2)
    result[eleven] = plus_digits[eleven]

    # 3) National format with a '0' trunk prefix (040 1234567 in DE).
    natl = shape & ~plus & (first == 0) & (second > 0) & (lens >= 5) & ~nanp
    for region in np.unique(regions[natl]):
        info = _region_info(str(region))
        if info is None or info.npp != "0":
            continue
        rows = np.flatnonzero(natl & (regions == region))
        sub = pc.take(digits, pa.array(rows))
        idd = _re2_mask(sub, f"^(?:{info.idd})") if info.idd else np.zeros(len(rows), bool)
        nsn = pc.utf8_slice_codeunits(sub, 1)
        viable = _re2_mask(nsn, f"^(?:{info.pattern})$")
        if idd is None or viable is None:
            continue
        ok = ~idd & viable & np.isin(lens[rows] - 1, list(info.lengths))
        if ok.any():
            e164 = pc.binary_join_element_wise(lit(f"+{info.cc}"), nsn, lit(""))
            result[rows[ok]] = _np(e164).astype(object)[ok]

    out = pa.array(result, type=pa.large_string())
    with_ext = pc.binary_join_element_wise(out, lit(";ext="), ext, lit(""))
    return pc.if_else(pc.and_(has_ext, pc.is_valid(out)), with_ext, out)


# ---------------------------------------------------------------- public


def _regions(
    region: pd.Series | str | None, index: pd.Index, default: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row ISO2 region codes phonenumbers knows (``default`` where unknown).

    Returned as ``(table, codes)``: row ``i`` has region ``table[codes[i]]``.
    """
    n = len(index)
    if region is None:
        return np.array([default], dtype=object), np.zeros(n, dtype=np.int64)
    if isinstance(region, str):
        code = region.strip().upper()
        table = np.array([code if code in SUPPORTED_REGIONS else default], dtype=object)
        return table, np.zeros(n, dtype=np.int64)
    r = (
        as_str_series(region).reindex(index)
        if not region.index.equals(index)
        else as_str_series(region)
    )
    # Decide each distinct value once (a roster holds a handful of countries).
    enc = pc.dictionary_encode(to_arrow(r))
    codes = _region_codes(str_series(enc.dictionary, pd.RangeIndex(len(enc.dictionary))), default)
    table = np.append(codes.to_numpy(dtype=object), default)  # the last one: NA -> default
    idx = pc.fill_null(enc.indices, len(table) - 1).to_numpy(zero_copy_only=False)
    return table, np.asarray(idx, dtype=np.int64)


def _region_codes(r: pd.Series, default: str) -> pd.Series:
    codes = r.str.strip().str.upper()
    known = codes.isin(SUPPORTED_REGIONS)
    other = ~known & codes.notna()
    if bool(other.any()):
        from gtmplanner.core.normalize_places import normalize_country

        codes = codes.where(~other, normalize_country(r[other]))
        known = codes.isin(SUPPORTED_REGIONS)
    return codes.where(known, default).astype(object)


def _nanp_e164(a: pa.Array, plus: np.ndarray) -> pa.Array:
    """``'+1'`` and the ten NANP digits of numbers in the :data:`_COMMON` shape.

    Each has exactly ten ASCII digits, after a ``'+1'`` where ``plus`` is True:
    the digits are picked out of the string bytes without a Python loop.
    """
    if a.offset:
        a = pa.concat_arrays([a])
    off = np.frombuffer(a.buffers()[1], dtype=np.int64, count=len(a) + 1)
    raw = np.frombuffer(a.buffers()[2], dtype=np.uint8)[off[0] : off[-1]]
    keep = (raw - 48) < 10
    keep[off[:-1][plus] - off[0] + 1] = False  # the "1" of "+1"
    out = np.empty((len(a), 12), dtype=np.uint8)
    out[:, 0], out[:, 1] = ord("+"), ord("1")
    out[:, 2:] = raw[keep].reshape(len(a), 10)
    offsets = np.arange(0, 12 * len(a) + 1, 12, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        len(a), pa.py_buffer(offsets), pa.py_buffer(out.reshape(-1))
    )


def _common_shapes(a: pa.Array, nanp_region: np.ndarray) -> tuple[np.ndarray, pa.Array | None]:
    """Rows in one of the two commonest shapes, and their E.164 (what phonenumbers gives).

    ``+1`` then a 10-digit number whose area code starts 2-9 is a possible NANP
    number for any region (``+1 415 555 0123``); the bare 10 digits are one
    in US / CA (``(415) 555-0123``). Neither shape has anything
    :func:`_prepare` or :func:`clean_text` would change.
    """
    done = mask_of(a, _COMMON)
    if not done.any():
        return done, None
    plus = np.asarray(pc.fill_null(pc.starts_with(a, "+"), False).to_numpy(zero_copy_only=False),
                      dtype=bool)
    done &= plus | nanp_region
    if not done.any():
        return done, None
    return done, _nanp_e164(pc.filter(a, pa.array(done)).cast(pa.large_string()), plus[done])


def normalize_phones(
    s: pd.Series,
    region: pd.Series | str | None = "US",
    *,
    default_region: str = "US",
) -> tuple[pd.Series, pd.Series]:
    """Phone numbers -> E.164; returns ``(phones, invalid)``.

    ``region`` is each row's ISO2 country (a Series aligned to ``s``) or one
    code for all rows; it is the default region for numbers without ``+``.
    Rows whose region is missing or unknown use ``default_region``.
    Repairs spreadsheet damage (``'4155550123.0'``, leading ``'`` or ``=``),
    reads ``00 44 ...`` as ``+44 ...`` and keeps extensions
    (``+14155550123;ext=12``). Unparseable values keep their cleaned text and
    get ``invalid=True``.
    """
    s = as_str_series(s)
    table, codes = _regions(region, s.index, default_region.upper())
    a = to_arrow(s)
    done, e164 = _common_shapes(a, np.isin(table, list(_NANP_FAST))[codes])
    if e164 is None:
        phones, bad = _normalize_full(s, table[codes])
        return phones, pd.Series(bad, index=s.index)
    invalid = np.zeros(len(a), dtype=bool)
    if not done.all():
        phones, bad = _normalize_full(subset(a, ~done), table[codes[~done]])
        invalid[~done] = bad
        e164 = patch_rows(patch_rows(a, done, e164), ~done, to_arrow(phones))
    return str_series(e164, s.index), pd.Series(invalid, index=s.index)


def _normalize_full(s: pd.Series, regions: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Clean, repair and parse every value (once per unique (text, region))."""
    cleaned = clean_text(s)
    index = cleaned.index
    prepared = str_series(_prepare(to_arrow(cleaned)), index)
    # Work on unique (text, region) pairs.
    t_codes, t_uniques = pd.factorize(prepared, use_na_sentinel=True)
    r_codes, r_uniques = pd.factorize(regions)
    pair = t_codes.astype(np.int64) * (len(r_uniques) + 1) + r_codes
    pair[t_codes < 0] = -1
    p_codes, p_uniques = pd.factorize(pair, use_na_sentinel=False)
    valid_pairs = p_uniques >= 0
    text_idx = np.where(valid_pairs, p_uniques // (len(r_uniques) + 1), 0)
    reg_idx = np.where(valid_pairs, p_uniques % (len(r_uniques) + 1), 0)
    u_text = (
        np.asarray(t_uniques, dtype=object)[text_idx] if len(t_uniques) else np.array([], object)
    )
    u_reg = np.asarray(r_uniques, dtype=object)[reg_idx] if len(r_uniques) else np.array([], object)
    u_text = np.where(valid_pairs, u_text, None) if len(u_text) else u_text
    res = np.full(len(p_uniques), None, dtype=object)
    if valid_pairs.any():
        live = np.flatnonzero(valid_pairs)
        fast = _np(_fast_path(pa.array(u_text[live], type=pa.large_string()), u_reg[live]))
        fast = fast.astype(object)
        res[live] = fast
        for i in live[pd.isna(fast)]:
            res[i] = parse_phone_slow(u_text[i], u_reg[i])
    phones_np = res[p_codes] if len(p_codes) else np.array([], dtype=object)
    ok = pd.notna(phones_np)
    has_value = cleaned.notna().to_numpy()
    out = np.where(ok, phones_np, prepared.to_numpy(dtype=object, na_value=None))
    out = np.where(has_value, out, None)
    phones = pd.Series(pd.array(out, dtype=cleaned.dtype), index=index)
    return phones, has_value & ~ok
