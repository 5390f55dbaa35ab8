"""Map a file's columns onto canonical fields: by header synonyms, fuzzily, and by values.

:func:`propose_mapping` looks at every column of a freshly read table and
proposes the field it holds, with a confidence (0..1), how it was decided and a
few sample values, so the import screen can show it and the user can fix it:

1. ``user`` choices win, then a ``saved`` mapping for this export shape;
2. a header that is a known synonym (after normalising: lower case, accents
   stripped, punctuation dropped, "Deal - " / "Person - " / "Owner." prefixes
   understood) -> confidence 0.95-1.0 (0.7-0.9 for headers that only probably
   mean the field, such as "Order #" for the attendee id);
3. otherwise a fuzzy header match (typos, longer headers ending in a known
   one, qualifier questions) -> 0.55-0.85;
4. the values confirm or contradict the header (a "Name" column full of
   e-mail addresses is not a name), and map columns whose header says nothing
   ("Column 7", "Unnamed: 3"); a column of e-mail addresses is the e-mail
   whatever its header -> method ``values``;
5. each field goes to at most one column, the most confident (ties: the
   fuller column). Columns left over map to ``None`` and the importer keeps
   them as extra attributes.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache, lru_cache

import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from gtmplanner.core.errors import UsageError
from gtmplanner.core.io import synonyms as syn
from gtmplanner.core.io.fields import (
    ALL_FIELDS,
    FIELDS,
    KINDS,
    Sniff,
    check_kind,
    dominant_type,
    looks_like_data,
    sample_strings,
    sniff_columns,
    value_fit,
)

MIN_CONFIDENCE = 0.5  # below this a column is left unmapped
IGNORE = ""  # the field value meaning "do not import this column"
_IGNORE_WORDS = {"", "-", "none", "ignore", "skip"}


class MappingError(UsageError, ValueError):
    """A ``--map`` item or a user mapping that cannot work; ``str()`` is one clear line."""


@dataclass
class ColumnMapping:
    """The field proposed for one source column."""

    source: str
    field: str | None
    confidence: float  # 0..1
    method: str  # 'synonym' | 'fuzzy' | 'values' | 'saved' | 'user' | 'none'
    samples: list[str] = dc_field(default_factory=list)  # up to 5 non-empty example values


# -- header normalisation ------------------------------------------------------------------

_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")


def normalize_header(text: object) -> str:
    """Lower-case words of a header, accents stripped, punctuation dropped.

    ``"E-Mail-Adresse"`` -> ``"e mail adresse"``, ``"Owner.Name"`` -> ``"owner name"``,
    ``"AccountId"`` -> ``"account id"``, ``"Order #"`` -> ``"order number"``,
    ``"Loss_Reason__c"`` -> ``"loss reason"``.
    """
    s = str(text).strip()
    s = re.sub(r"__c$", "", s)  # Salesforce custom-field suffix
    s = re.sub(r"(?i)linkedin", "linkedin", s)  # one word, not "Linked In"
    s = _CAMEL_RE.sub(" ", s)
    s = s.replace("ß", "ss").replace("#", " number ")
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _NON_WORD_RE.sub(" ", s).strip()


def header_key(text: object) -> str:
    """The compact form headers are compared in: ``"E-mail"`` and ``"Email"`` -> ``"email"``."""
    return normalize_header(text).replace(" ", "")


def _compact(tokens: Sequence[str], drop_fillers: bool = False) -> str:
    return "".join(t for t in tokens if not (drop_fillers and t in syn.FILLER_WORDS))


# -- synonym indexes (built once per kind) -------------------------------------------------

_BLOCK = "__blocked__"


@dataclass(frozen=True)
class _Index:
    full: dict[str, dict[str, float]]  # compact key -> {field: confidence}
    nofill: dict[str, dict[str, float]]  # same, filler words dropped
    keys: tuple[str, ...]  # fuzzy choices (compact keys, blocked ones included)


def _add(index: dict[str, dict[str, float]], key: str, fld: str, conf: float) -> None:
    if key:
        slot = index.setdefault(key, {})
        slot[fld] = max(conf, slot.get(fld, 0.0))


@cache
def _index(kind: str) -> _Index:
    full: dict[str, dict[str, float]] = {}
    nofill: dict[str, dict[str, float]] = {}
    entries: list[tuple[str, str, float]] = [
        (fld, *((s, 1.0) if isinstance(s, str) else s))  # type: ignore[misc]
        for fld, headers in syn.SYNONYMS[kind].items()
        for s in headers
    ]
    entries += [(_BLOCK, h, 1.0) for h in syn.BLOCKED[kind]]
    for fld, header, conf in entries:
        tokens = normalize_header(header).split()
        _add(full, _compact(tokens), fld, conf)
        _add(nofill, _compact(tokens, True), fld, conf)
    return _Index(full, nofill, tuple(k for k in full if len(k) >= 4))


def _lookup(
    table: dict[str, dict[str, float]], key: str, factor: float
) -> list[tuple[str, float]] | None:
    hit = table.get(key)
    if not hit:
        return None
    if _BLOCK in hit:
        return []
    return [(f, round(c * factor, 4)) for f, c in hit.items()]


def _strip_self_prefix(tokens: list[str], kind: str) -> list[str] | None:
    for prefix in syn.SELF_PREFIXES[kind]:
        p = prefix.split()
        if len(tokens) > len(p) and tokens[: len(p)] == p:
            return tokens[len(p) :]
    return None


@lru_cache(maxsize=8192)
def _synonym_hit(header: str, kind: str) -> tuple[tuple[str, float], ...] | None:
    """The fields a header is a known synonym of; ``()`` if it is blocked, ``None`` if unknown."""
    index = _index(kind)
    tokens = normalize_header(header).split()
    stripped = _strip_self_prefix(tokens, kind)
    variants: list[tuple[dict[str, dict[str, float]], str, float]] = [
        (index.full, _compact(tokens), 1.0)
    ]
    if stripped:
        variants.append((index.full, _compact(stripped), 0.97))
    variants.append((index.nofill, _compact(tokens, True), 0.96))
    if stripped:
        variants.append((index.nofill, _compact(stripped, True), 0.95))
    for table, key, factor in variants:
        found = _lookup(table, key, factor)
        if found is not None:
            return tuple(sorted(found, key=lambda x: -x[1]))
    return None


@lru_cache(maxsize=8192)
def match_header(header: str, kind: str) -> tuple[tuple[str, float, str], ...]:
    """Candidate fields for one header of a ``kind`` table, best first.

    Each candidate is ``(field, confidence, method)`` with method ``synonym`` or
    ``fuzzy``. Empty for headers known to mean nothing here ("Company City" in a
    roster) and for headers that resemble nothing.
    """
    index = _index(check_kind(kind))
    tokens = normalize_header(header).split()
    if not tokens:
        return ()
    hit = _synonym_hit(header, kind)
    if hit is not None:
        return tuple((f, c, "synonym") for f, c in hit)

    best: dict[str, float] = {}

    def offer(fld: str, conf: float) -> None:
        if fld in FIELDS[kind]:
            best[fld] = max(conf, best.get(fld, 0.0))

    words = set(tokens)
    for keywords, fld, conf in syn.KEYWORD_RULES[kind]:
        if words & keywords:
            offer(fld, conf)
    for n in range(len(tokens) - 1, 0, -1):  # "Secondary Email Address" ends in "email address"
        tail = tokens[-n:]
        if all(t in syn.GENERIC_WORDS or t in syn.FILLER_WORDS for t in tail):
            continue
        found = _lookup(index.full, _compact(tail), 0.72)
        if found == []:
            break  # ends in a blocked header: say nothing
        if found:
            for fld, conf in found:
                offer(fld, conf)
            break
    key = _compact(tokens)
    if len(key) >= 5:  # typos: one slip in five letters at most
        hit = process.extractOne(
            key, index.keys, scorer=OSA.normalized_similarity, score_cutoff=0.79
        )
        if hit:
            found = _lookup(index.full, hit[0], 0.55 + 1.5 * max(0.0, hit[1] - 0.8))
            if found == [] and not best:
                return ()
            for fld, conf in found or []:
                offer(fld, conf)
    return tuple(sorted(((f, round(c, 4), "fuzzy") for f, c in best.items()), key=lambda x: -x[1]))


# What a column's values alone can say, per kind: sniffed type -> field, and
# whether it is strong enough to map a column whatever its (unknown) header.
_VALUE_FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "roster": {
        "email": ("email", True),
        "linkedin": ("linkedin_url", True),
        "phone": ("phone", False),
        "date": ("registration_date", False),
        "zip": ("postal_code", False),
        "country": ("country", False),
        "region": ("region", False),
        "domain": ("domain", False),
        "url": ("domain", False),
    },
    "accounts": {
        "url": ("website", False),
        "domain": ("domain", False),
        "country": ("hq_country", False),
        "region": ("hq_region", False),
        "money_marked": ("revenue", False),
        "date": ("last_funding_date", False),
    },
    "opportunities": {
        "email": ("contact_email", True),
        "money_marked": ("amount", False),
        "date": ("close_date", False),
    },
    "activities": {"email": ("email", True), "date": ("date", False)},
    "reps": {"email": ("email", True), "bool": ("attending", False)},
}


@lru_cache(maxsize=4096)
def _is_anonymous(header: str) -> bool:
    """A header that names nothing: "", "Column 7", "Unnamed: 3", "F", or a data value."""
    h = str(header).strip().lower()
    return bool(re.fullmatch(syn.ANONYMOUS_HEADER_RE, h)) or looks_like_data([h])[0]


# -- proposing a mapping -------------------------------------------------------------------


def _column_candidates(header: str, kind: str, sniff: Sniff) -> list[tuple[str, float, str]]:
    """Every field this column could hold, ``(field, confidence, method)``, best first."""
    if _synonym_hit(header, kind) == ():
        return []  # known to mean nothing here: no guessing either
    header_cands = match_header(header, kind)
    out: dict[str, tuple[float, str]] = {}
    for fld, conf, method in header_cands:
        fit = value_fit(kind, fld, sniff)
        if fit is not None:
            if fit >= 0.8:
                conf = min(1.0, conf + (0.03 if method == "synonym" else 0.1))
            else:
                conf *= 0.6 + 0.4 * fit
        out[fld] = (round(conf, 4), method)
    dominant = dominant_type(sniff)
    if dominant:
        anonymous = _is_anonymous(header)
        target = _VALUE_FIELDS[kind].get(dominant[0])
        if target and (target[1] or anonymous):
            conf = (0.5 if anonymous else 0.45) + 0.35 * dominant[1]
            targets = [target[0]]
            if target[0] == "phone" and kind == "roster":
                targets.append("mobile")  # a second phone column is the mobile
            for step, fld in enumerate(targets):
                c = round(conf - 0.05 * step, 4)
                if fld not in out or out[fld][0] < c:
                    out[fld] = (c, "values")
    return sorted(((f, c, m) for f, (c, m) in out.items()), key=lambda x: -x[1])


def _choice_lookup(choices: dict[str, str] | None) -> dict[str, str]:
    """Index user/saved choices by exact header and by normalised header."""
    table: dict[str, str] = {}
    for header, fld in (choices or {}).items():
        table.setdefault("k:" + header_key(header), fld)
    for header, fld in (choices or {}).items():
        table["=" + str(header)] = fld
    return table


def _choice_for(table: dict[str, str], header: str) -> str | None:
    if "=" + header in table:
        return table["=" + header]
    return table.get("k:" + header_key(header))


def canonical_field_name(value: object) -> str:
    """A field name as typed by a person: ``"First Name"`` -> ``"first_name"``; ``"-"`` -> ``""``."""
    if value is None:
        return IGNORE
    text = str(value).strip()
    if text.lower() in _IGNORE_WORDS:
        return IGNORE
    return re.sub(r"[\s\-.]+", "_", text.lower())


def _resolve_context_names(
    kind: str,
    headers: list[str],
    per_col: dict[int, list[tuple[str, float, str]]],
    fixed: list[ColumnMapping | None],
) -> None:
    """Give "Nombre" / "Nom" / "Name" their meaning from the other name columns (roster)."""
    if kind != "roster":
        return
    keys = [header_key(h) for h in headers]

    def present(fld: str) -> bool:
        if any(m is not None and m.field == fld for m in fixed):
            return True
        return any(
            cands and cands[0][0] == fld and cands[0][1] >= 0.9 and keys[i] not in syn.CONTEXT_NAMES
            for i, cands in per_col.items()
        )

    for i in per_col:
        rule = syn.CONTEXT_NAMES.get(keys[i])
        if rule and present(rule[0]) and not present(rule[1]):
            per_col[i] = [(rule[1], 0.95, "synonym")]


def propose_mapping(
    frame: pd.DataFrame,
    kind: str,
    *,
    saved: dict[str, str] | None = None,
    user: dict[str, str] | None = None,
) -> list[ColumnMapping]:
    """Propose a field for every column of ``frame`` (a table of ``kind``), in column order.

    ``user`` and ``saved`` map source headers (exactly, or after normalising) to
    field names; ``""`` / ``"-"`` / ``None`` means "ignore this column". User
    choices win over saved ones, saved ones over everything guessed. A choice
    naming a field ``kind`` does not have is disregarded (see
    :func:`validate_user_mapping`). Each field is given to at most one column.
    """
    check_kind(kind)
    kind_fields = FIELDS[kind]
    headers = [str(c) for c in frame.columns]
    sampled = [sample_strings(frame.iloc[:, i]) for i in range(len(headers))]
    strings = [list(dict.fromkeys(values.iloc[:50]))[:5] for values, _ in sampled]
    fills = [fill for _, fill in sampled]
    sniffs = sniff_columns([values for values, _ in sampled])

    result: list[ColumnMapping | None] = [None] * len(headers)
    claimed: set[str] = set()
    for method, table in (("user", _choice_lookup(user)), ("saved", _choice_lookup(saved))):
        for i, header in enumerate(headers):
            choice = _choice_for(table, header)
            if result[i] is not None or choice is None:
                continue
            fld = canonical_field_name(choice)
            if fld == IGNORE:
                result[i] = ColumnMapping(header, None, 1.0, method, strings[i])
            elif fld in kind_fields and fld not in claimed:
                claimed.add(fld)
                result[i] = ColumnMapping(header, fld, 1.0, method, strings[i])

    per_col = {
        i: _column_candidates(header, kind, sniffs[i])
        for i, header in enumerate(headers)
        if result[i] is None
    }
    _resolve_context_names(kind, headers, per_col, result)
    ranked = sorted(
        (
            (conf * (0.9 + 0.1 * fills[i]), i, fld, conf, method)
            for i, cands in per_col.items()
            for fld, conf, method in cands
            if conf >= MIN_CONFIDENCE
        ),
        key=lambda c: (-c[0], c[1]),
    )
    for _, i, fld, conf, method in ranked:
        if result[i] is None and fld not in claimed:
            claimed.add(fld)
            result[i] = ColumnMapping(headers[i], fld, round(min(conf, 1.0), 3), method, strings[i])
    return [
        m if m is not None else ColumnMapping(headers[i], None, 0.0, "none", strings[i])
        for i, m in enumerate(result)
    ]


def mapped_fields(mappings: Iterable[ColumnMapping]) -> dict[str, str]:
    """``{source header: field}`` for the mapped columns (what ``import --json`` reports)."""
    return {m.source: m.field for m in mappings if m.field}


# -- header rows and export shapes ---------------------------------------------------------


def _is_blank(cell: object) -> bool:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return True
    return str(cell).strip().lower() in ("", "nan", "none", "nat", "null")


def header_score(cells: Sequence[object], kind: str) -> float:
    """How much a row looks like the header row of a ``kind`` table, 0..1.

    Used to find the header row under a preamble, the start of a second table
    in a sheet, or which sheet of a workbook holds the data. Rewards cells that
    are known headers of ``kind`` (each field counted once) and many of them;
    penalises cells that look like data (e-mails, numbers, dates, web addresses).
    """
    check_kind(kind)
    texts = [str(c).strip() for c in cells if not _is_blank(c)]
    if not texts:
        return 0.0
    data_like = looks_like_data(texts)
    used: set[str] = set()
    total = 0.0
    for text, is_data in zip(texts, data_like, strict=True):
        if is_data or len(text) > 60 or _is_anonymous(text):
            continue
        for fld, conf, _method in match_header(text, kind):
            if fld not in used:
                used.add(fld)
                total += conf
                break
    coverage = total / len(texts)
    lone = 0.6 if len(texts) == 1 else 1.0  # a lone cell is more often a title than a header
    breadth = min(1.0, len(used) / 6)
    penalty = 1.0 - sum(data_like) / len(texts)
    return round(max(0.0, min(1.0, (0.6 * coverage + 0.4 * breadth) * penalty * lone)), 4)


def header_signature(headers: Iterable[object]) -> str:
    """A stable key for "the same export shape": sha1 of the sorted normalised headers.

    Unchanged by column order, case, accents, spacing and punctuation, so a saved
    mapping is found again when the same tool's export comes back.
    """
    names = sorted(normalize_header(h) for h in headers)
    return hashlib.sha1("\n".join(names).encode("utf-8")).hexdigest()


# -- mappings typed by people --------------------------------------------------------------


def _closest(word: str, choices: Iterable[str], cutoff: float = 55) -> str | None:
    hit = process.extractOne(word, list(choices), scorer=fuzz.WRatio, score_cutoff=cutoff)
    return hit[0] if hit else None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = _closest(word, choices)
    return f' (did you mean "{close}"?)' if close else ""


def parse_map_args(items: Iterable[str]) -> dict[str, str]:
    """Parse ``--map`` items: ``["Source Header=field", "Other Header=-"]`` -> a dict.

    ``-`` or nothing after ``=`` means "ignore this column" and comes back as
    ``""``. Field names are case-insensitive (``"First Name"`` = ``first_name``).
    Raises :class:`MappingError` (a ``ValueError``) with one line naming the bad item.
    """
    out: dict[str, str] = {}
    for item in items:
        header, sep, value = str(item).rpartition("=")
        header = header.strip()
        if not sep or not header:
            raise MappingError(
                f'--map "{item}": expected "Source Header=field" (or "Header=-" to ignore)'
            )
        fld = canonical_field_name(value)
        if fld != IGNORE and fld not in ALL_FIELDS:
            raise MappingError(
                f'--map "{item}": unknown field "{value.strip()}"{_did_you_mean(fld, sorted(ALL_FIELDS))}'
            )
        out[header] = fld
    return out


def validate_user_mapping(
    mapping: dict[str, str], kind: str, headers: Iterable[object]
) -> list[str]:
    """Problems with a user's mapping for a ``kind`` file with these headers, one line each.

    Reports fields ``kind`` does not have (with the closest one), source headers
    the file does not have (with the closest header), and fields given to two
    columns. An empty list means the mapping can be used as is.
    """
    check_kind(kind)
    header_list = [str(h) for h in headers]
    by_key = {header_key(h): h for h in header_list}
    kind_fields = list(FIELDS[kind])
    problems: list[str] = []
    seen: dict[str, str] = {}
    for source, value in mapping.items():
        fld = canonical_field_name(value)
        if source not in header_list and header_key(source) not in by_key:
            problems.append(
                f'"{source}": no such column in the file{_did_you_mean(source, header_list)}'
            )
        if fld == IGNORE:
            continue
        if fld not in FIELDS[kind]:
            others = [k for k in KINDS if fld in FIELDS[k]]
            where = f" ({fld} is a field of {', '.join(others)})" if others else ""
            problems.append(
                f'"{source}={value}": {kind} has no field "{fld}"{where}{_did_you_mean(fld, kind_fields)}'
            )
        elif fld in seen:
            problems.append(f'"{source}" and "{seen[fld]}" are both mapped to {fld}')
        else:
            seen[fld] = source
    return problems
