"""People's names: split full names, fix SHOUTED / lower-case names.

:func:`split_full_names` gives the answer nameparser gives, but decides the
common shapes ("Jane Doe", "Jane Q. Doe") for the whole column at once and
only hands the rest (titles, suffixes, "Doe, Jane", particles...) to
nameparser, once per unique value.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from nameparser import HumanName
from nameparser.config import CONSTANTS

from gtmplanner.core.normalize_text import (
    STR_DTYPE,
    as_str_series,
    clean_text,
    map_unique,
    str_series,
    to_arrow,
)

__all__ = ["parse_name_slow", "split_full_names", "tidy_person_names"]

_PLAIN = r"^\pL+(?:['’\-]\pL+)*$"
_INITIAL = r"^\pL\.?$"
# Tokens nameparser treats specially beyond its word lists (patronymics).
_PATRONYMIC = (
    r"(?i)(?:ovich|ovna|evich|evna|ichna|ilyich|kuzmich|lukich|fomich|fokich|ович|овна|евич|евна"
    r"|ична|ильич)$|^(?:oglu|oğlu|ogly|ogli|qizi|qızı|kizi|kyzy|gyzy|uly|uulu)$"
)
# Titles and suffixes whose handling by nameparser is plain: drop them.
_SAFE_TITLES = ("mr", "mrs", "ms", "miss", "dr", "prof", "mx", "sir")
_SAFE_SUFFIXES = ("jr", "sr", "ii", "iii", "iv", "phd", "ph.d", "mba", "md", "esq", "cpa")
_COMMA = r"^(?P<last>\pL+(?:['’\-]\pL+)*), ?(?P<rest>[^,]+)$"


@lru_cache(maxsize=1)
def _special_tokens() -> pa.Array:
    words: set[str] = set()
    for group in (
        CONSTANTS.titles,
        CONSTANTS.suffix_acronyms,
        CONSTANTS.suffix_not_acronyms,
        CONSTANTS.prefixes,
        CONSTANTS.conjunctions,
    ):
        words.update(str(w).lower() for w in group)
    return pa.array(sorted(words), type=pa.large_string())


@lru_cache(maxsize=131072)
def parse_name_slow(full: str) -> tuple[str | None, str | None]:
    """nameparser's (first, last) for one name; a single word is a first name."""
    if " " not in full.strip() and "," not in full:
        return (full.strip() or None, None)
    h = HumanName(full)
    return (h.first or None, h.last or None)


def _np(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def _bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return _np(pc.fill_null(arr, False)).astype(bool)


def _token_split(a: pa.Array, *, titles: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split space-separated names whose tokens nameparser handles plainly.

    Returns ``(ok, first_token, last_token)`` per row: the first and last
    name-words once an optional leading title and trailing suffix (only if
    ``titles``) are dropped; every word in between must be a plain word or an
    initial.
    """
    n = len(a)
    lists = pc.split_pattern(pc.fill_null(a, ""), " ")
    flat = pc.list_flatten(lists)
    offsets = _np(lists.offsets).astype(np.int64)
    count = np.diff(offsets)
    start = offsets[:-1]
    if len(flat) == 0:
        return np.zeros(n, bool), np.full(n, None, object), np.full(n, None, object)
    lower = pc.utf8_lower(flat)
    bare = pc.utf8_rtrim(lower, ".")
    special = pc.is_in(lower, value_set=_special_tokens())
    plain = (
        _bool(pc.match_substring_regex(flat, _PLAIN))
        & ~_bool(special)
        & ~_bool(pc.match_substring_regex(flat, _PATRONYMIC))
        & (_np(pc.utf8_length(flat)) >= 2)
    )
    initial = _bool(pc.match_substring_regex(flat, _INITIAL))
    is_title = _bool(pc.is_in(bare, value_set=pa.array(_SAFE_TITLES, pa.large_string())))
    is_suffix = _bool(pc.is_in(bare, value_set=pa.array(_SAFE_SUFFIXES, pa.large_string())))
    is_suffix |= _bool(pc.is_in(lower, value_set=pa.array(["ph.d."], pa.large_string())))
    if not titles:
        is_title[:] = False
        is_suffix[:] = False
    safe = np.minimum(start, len(flat) - 1)
    lo = start + (is_title[safe] & (count >= 3)).astype(np.int64)
    end = start + count - 1
    end_safe = np.clip(end, 0, len(flat) - 1)
    hi = end - (is_suffix[end_safe] & (end - lo >= 2)).astype(np.int64)
    ok = (count >= 2) & (hi - lo >= 1)
    lo_s = np.clip(lo, 0, len(flat) - 1)
    hi_s = np.clip(hi, 0, len(flat) - 1)
    ok &= plain[lo_s] & plain[hi_s]
    bad = np.concatenate([[0], np.cumsum(~(plain | initial), dtype=np.int64)])
    ok &= (bad[hi_s] - bad[np.minimum(lo_s + 1, hi_s)]) == 0
    tokens = _np(flat).astype(object)
    first = np.where(ok, tokens[lo_s], None)
    last = np.where(ok, tokens[hi_s], None)
    return ok, first, last


def _fast_split(a: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(decided, first, last) for names whose split needs no nameparser."""
    n = len(a)
    values = _np(a).astype(object)
    no_comma = ~_bool(pc.match_substring(a, ","))
    decided, first, last = _token_split(a, titles=True)
    decided &= no_comma
    # "Doe, Jane Q." -> Jane / Doe.
    parts = pc.extract_regex(a, _COMMA)
    comma = _bool(pc.is_valid(parts))
    if comma.any():
        rest = pc.struct_field(parts, "rest")
        ok, f, _ = _token_split(rest, titles=False)
        lone = _bool(pc.match_substring_regex(rest, r"^[^ ]+$"))
        rest_np = _np(rest).astype(object)
        f = np.where(lone, rest_np, f)
        ok = ok | (lone & _bool(pc.match_substring_regex(rest, r"^\pL+(?:['’\-]\pL+)*\.?$")))
        last_tok = pc.struct_field(parts, "last")
        last_plain = ~_bool(pc.is_in(pc.utf8_lower(last_tok), value_set=_special_tokens()))
        ok &= (
            comma & last_plain & ~_bool(pc.is_in(pc.utf8_lower(rest), value_set=_special_tokens()))
        )
        first = np.where(ok, f, first)
        last = np.where(ok, _np(last_tok).astype(object), last)
        decided |= ok
    # A single word (no space, no comma) is a first name.
    single = _bool(pc.match_substring_regex(a, r"^[^ ,]+$")) & ~decided
    first[single] = values[single]
    last[single] = None
    decided |= single
    first[~decided] = None
    last[~decided] = None
    del n
    return decided, first, last


def split_full_names(full: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Full names -> ``(first, last)``.

    ``"Dr. Jane Q. Doe Jr."`` -> Jane / Doe; ``"Doe, Jane"`` -> Jane / Doe; a
    single word -> first name only (last NA).
    """
    cleaned = clean_text(full)
    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    a = to_arrow(pd.Series(uniques))
    decided, first, last = _fast_split(a)
    values = np.asarray(a.to_numpy(zero_copy_only=False), dtype=object)
    for i in np.flatnonzero(~decided):
        first[i], last[i] = parse_name_slow(values[i])
    idx = pd.RangeIndex(len(values))
    f_arr = str_series(pa.array(first, type=pa.large_string()), idx).array
    l_arr = str_series(pa.array(last, type=pa.large_string()), idx).array
    f_out = pd.Series(f_arr.take(codes, allow_fill=True), index=cleaned.index)
    l_out = pd.Series(l_arr.take(codes, allow_fill=True), index=cleaned.index)
    return f_out, l_out


# ---------------------------------------------------------------- capitalisation

_LOWER_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "dos",
        "das",
        "do",
        "ter",
        "ten",
        "bin",
        "ibn",
        "y",
        "e",
        "zu",
        "af",
        "av",
    }
)
_UPPER_WORDS = frozenset({"ii", "iii", "iv", "vi", "vii", "viii"})
_MAC_NAMES = frozenset(
    {
        "macdonald",
        "macleod",
        "macarthur",
        "macgregor",
        "macintyre",
        "macmillan",
        "macneil",
        "macneill",
        "macpherson",
        "maclean",
        "macdougall",
        "macfarlane",
        "maclachlan",
        "macinnes",
        "mackinnon",
        "maclennan",
        "macaulay",
        "macrae",
        "macallister",
    }
)
_APOS_PREFIX = re.compile(r"^([a-z])(['’])([a-z]{2,})$")


def _cap_part(part: str) -> str:
    if not part:
        return part
    m = _APOS_PREFIX.match(part)
    if m:  # o'neil -> O'Neil, d'angelo -> D'Angelo
        return m.group(1).upper() + m.group(2) + m.group(3).capitalize()
    if part.startswith("mc") and len(part) > 3:
        return "Mc" + part[2:].capitalize()
    if part in _MAC_NAMES:
        return "Mac" + part[3:].capitalize()
    return part.capitalize()


def _tidy_one(name: str) -> str:
    words = name.lower().split(" ")
    out = []
    for i, w in enumerate(words):
        if i > 0 and w in _LOWER_PARTICLES and i < len(words) - 1:
            out.append(w)
        elif w.rstrip(".") in _UPPER_WORDS and i > 0:
            out.append(w.upper())
        else:
            out.append("-".join(_cap_part(p) for p in w.split("-")))
    return " ".join(out)


def tidy_person_names(s: pd.Series) -> pd.Series:
    """Fix names typed in one case: ``"JANE"`` / ``"jane"`` -> ``"Jane"``.

    ``"mcdonald"`` -> ``"McDonald"``, ``"o'neil"`` -> ``"O'Neil"``,
    ``"ludwig van beethoven"`` -> ``"Ludwig van Beethoven"``. Names already in
    mixed case (``"DeShawn"``, ``"van Dyke"``) are left alone.
    """
    s = as_str_series(s)

    def decide(u: pd.Series) -> np.ndarray:
        a = to_arrow(clean_text(u))
        one_case = pc.or_(pc.utf8_is_upper(a), pc.utf8_is_lower(a))
        mask = np.asarray(pc.fill_null(one_case, False).to_numpy(zero_copy_only=False), dtype=bool)
        values = np.asarray(a.to_numpy(zero_copy_only=False), dtype=object)
        for i in np.flatnonzero(mask):
            values[i] = _tidy_one(values[i])
        return values

    # Cleaning is per value too: clean and tidy each distinct value once.
    return map_unique(s, decide, dtype=STR_DTYPE)
