"""Safety helpers every exporter uses: formula-injection guard, atomic writes.

A roster is untrusted input. A "name" such as ``=HYPERLINK("http://x","click")``
or ``+cmd|' /C calc'!A0`` becomes a live formula when a CSV is opened in a
spreadsheet. Following the OWASP CSV-injection advice, any *text* cell that
starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return (or their
full-width forms) gets a leading apostrophe so it is shown as text. Real numbers
are left alone, and so is a lone ``-``.

In xlsx we additionally write strings as strings only (see
:data:`WORKBOOK_OPTIONS`): xlsxwriter never turns text into formulas, numbers or
links.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from gtmplanner.core.errors import GtmError

#: First characters that make a spreadsheet treat a cell as a formula / DDE.
DANGEROUS_PREFIXES: tuple[str, ...] = (
    "=", "+", "-", "@", "\t", "\r",
    "\uff1d", "\uff0b", "\uff0d", "\uff20",  # full-width = + - @
)  # fmt: skip
QUOTE = "'"
_DANGEROUS_SET = frozenset(DANGEROUS_PREFIXES)
#: First characters worth a closer look (dangerous ones, or our own apostrophe).
TRIGGER_PREFIXES: tuple[str, ...] = (*DANGEROUS_PREFIXES, QUOTE)
_TRIGGER_SET = frozenset(TRIGGER_PREFIXES)

#: xlsxwriter Workbook options: strings stay strings, always.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
}


def neutralise(value: Any) -> Any:
    """Return ``value`` made safe for a spreadsheet cell.

    Text starting with a dangerous character gets a leading apostrophe; numbers,
    booleans, dates, ``None`` and a lone ``"-"`` are returned unchanged. Text that
    already starts with apostrophes before a dangerous character gets one more,
    so :func:`unneutralise` restores every original exactly.
    """
    if isinstance(value, str) and value and value[0] in _TRIGGER_SET and value != "-":
        rest = value.lstrip(QUOTE)
        if rest and rest[0] in _DANGEROUS_SET:
            return QUOTE + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise` (for reading our own sheets back, e.g. in the sync)."""
    if isinstance(value, str) and len(value) > 1 and value[0] == QUOTE:
        rest = value.lstrip(QUOTE)
        if rest and rest[0] in _DANGEROUS_SET:
            return value[1:]
    return value


def neutralise_series(s: pd.Series) -> pd.Series:
    """Vectorised :func:`neutralise` over a Series (numeric dtypes come back as is)."""
    if (
        pd.api.types.is_numeric_dtype(s.dtype)
        or pd.api.types.is_bool_dtype(s.dtype)
        or pd.api.types.is_datetime64_any_dtype(s.dtype)
    ):
        return s
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        first = s.str.slice(0, 1)
        mask = first.isin(TRIGGER_PREFIXES).fillna(False).astype(bool)
        if not mask.any():
            return s
        out = s.copy()
        out[mask] = s[mask].map(neutralise)
        return out
    # object dtype: may mix numbers and text
    return s.map(neutralise)


class WriteCount(int):
    """Rows written (an ``int``), with ``skipped`` rows available as an attribute."""

    skipped: int

    def __new__(cls, written: int, skipped: int = 0) -> WriteCount:
        obj = super().__new__(cls, written)
        obj.skipped = skipped
        return obj


_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def safe_filename(name: str | None, default: str = "all-reps") -> str:
    """A file-name-safe stem for a rep or segment name (keeps accents)."""
    text = (name or "").strip()
    text = _UNSAFE_NAME.sub("_", text).strip(" .")
    return text[:80] or default


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place on success.

    A crash mid-write never leaves a half-written export. If the target is
    locked (open in Excel on Windows) a :class:`GtmError` says so in one line.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    # not mkstemp: the writer creates the file, so it gets the usual permissions
    tmp = final.with_name(f".{final.stem}.{uuid.uuid4().hex[:12]}.tmp{final.suffix}")
    try:
        yield tmp
        try:
            os.replace(tmp, final)
        except PermissionError as exc:
            raise GtmError(
                f"Cannot write {final.name}: it is open in another program. Close it and try again."
            ) from exc
        except OSError as exc:  # a folder of that name, a full disk...
            raise GtmError(f"Cannot write {final}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            with contextlib.suppress(OSError):
                tmp.unlink()
