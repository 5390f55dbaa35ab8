"""Read a returned follow-up tracker or target sheet into canonical fields.

The reading half of :mod:`gtmplanner.core.sync`: finds the sheet whose header row has a
Target ID or Email column and a Status column (by header text, never position) and turns
each cell into its canonical form (ISO dates, whole-number touches, canonical statuses).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import python_calamine as calamine

from gtmplanner.core.export.columns import (
    DEFAULT_STATUS,
    HEADER_TO_FIELD,
    STATUS_VALUES,
    TARGET_SHEET_HEADERS,
    TARGET_SHEET_NAME,
    TRACKER_HEADERS,
    TRACKER_SHEET_NAME,
)
from gtmplanner.core.export.safe import unneutralise
from gtmplanner.core.io import safety, sniff
from gtmplanner.core.io.sections import col_letter
from gtmplanner.core.normalize_dates import parse_dates

SYNC_FIELDS: tuple[str, ...] = ("status", "touches", "last_touch_date", "next_step", "notes")
TEXT_FIELDS = ("target_id", "rep", "full_name", "first_name", "last_name", "company", "email",
               "phone", "title", "next_step", "notes")
READ_FIELDS = (*TEXT_FIELDS, "status", "touches", "last_touch_date")
NOTE_SEPARATOR = "\n---\n"
Progress = Callable[[float, str], None]


def _hkey(text: Any) -> str:
    """Header text reduced to letters and digits, case-folded ("Last touch date" -> ...)."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold()) if isinstance(text, str) else ""


#: Normalised header -> field: the export headers plus what reps tend to type.
HEADER_FIELDS: dict[str, str] = {
    **{_hkey(h): f for h, f in HEADER_TO_FIELD.items()},
    "fullname": "full_name", "firstname": "first_name", "lastname": "last_name",
    "emailaddress": "email", "lasttouch": "last_touch_date", "nextsteps": "next_step",
    "note": "notes", "comment": "notes", "comments": "notes", "touchcount": "touches",
}  # fmt: skip
#: Our own columns that are not synced (score, why...): read silently.
_EXPORTED = frozenset(_hkey(h) for h in (*TRACKER_HEADERS, *TARGET_SHEET_HEADERS))
_STATUS_LOOKUP = {re.sub(r"[\s_\-]+", " ", s.casefold()): s for s in STATUS_VALUES}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T][\d:.]*)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_HEAD_ROWS = 30
_NOT_A_PERSON = frozenset({"total", "totals", "sum", "subtotal", "grand total"})




@dataclass
class _Tracker:
    """One tracker as read: canonical values per row plus what is known about the file."""

    path: Path
    sheet: str | None
    frame: pd.DataFrame  # file, row, and one object column per field present
    bad: dict[str, np.ndarray]  # field -> cells that could not be read (left unsynced)
    rep: str | None
    warnings: list[str]


Grid = Callable[[int | None], list[list[Any]]]


def _grids(path: Path) -> Iterator[tuple[str | None, Grid]]:
    """(sheet, read(nrows)) for every sheet worth looking at, tracker sheets first."""
    try:
        if path.is_dir():
            raise safety.fail(path, "is a folder, not a file")
        with path.open("rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError as exc:
        raise safety.fail(path, "the file does not exist") from exc
    except OSError as exc:
        raise safety.fail(path, f"cannot be opened ({exc.strerror or exc})") from exc
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise safety.fail(path, "the file is empty")
    kind = safety.sniff_container(path, head)
    if kind == "text":
        rows = _csv_rows(path)
        yield None, lambda n: rows if n is None else rows[:n]
        return
    fmt = safety.inspect_zip(path) if kind == "zip" else safety.inspect_ole(path, path.read_bytes())
    damaged = f"the workbook is damaged (truncated or not a real {fmt})"
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise safety.fail(path, "is password-protected; save an unprotected copy") from exc
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds
        raise safety.fail(path, damaged) from exc
    with wb:
        metas = [m for m in wb.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        order = {TRACKER_SHEET_NAME: 0, TARGET_SHEET_NAME: 1}
        metas.sort(key=lambda m: (order.get(m.name, 2),
                                  m.visible != calamine.SheetVisibleEnum.Visible))
        for m in metas:
            try:
                sheet = wb.get_sheet_by_name(m.name)
            except calamine.CalamineError as exc:
                raise safety.fail(path, damaged) from exc
            yield m.name, lambda n, sh=sheet: sh.to_python(skip_empty_area=False, nrows=n)


def _csv_rows(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            enc = sniff.detect_encoding(data)
            text = data.decode(enc[0] if isinstance(enc, tuple) else enc, errors="replace")
        except (sniff.NotText, LookupError) as exc:
            raise safety.fail(path, "is not a table (binary data, not text)") from exc
    text = text.lstrip("\ufeff")
    first, _, rest = text.partition("\n")
    delimiter = sniff.sep_line(first.rstrip("\r"))
    if delimiter:
        text = rest
    else:
        delimiter = sniff.sniff_delimiter(text[: 64 * 1024])
    try:
        rows, _starts = sniff.parse_rows(text, delimiter)
    except ValueError as exc:
        raise safety.fail(path, f"cannot be read as CSV ({exc})") from exc
    return rows


def _text(v: Any) -> str | None:
    """A cell as stripped text (``None`` when blank); our formula guard is undone."""
    if v is None:
        return None
    if v.__class__ is str:
        s = v.strip()
        return (unneutralise(s) if s[0] == "'" else s) if s else None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(" ") if v.time() != dt.time() else v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip() or None


def _note(v: Any) -> str | None:
    s = _text(v)
    if s is None:
        return None
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "").strip() or None


def _blank(v: Any) -> bool:
    return v is None or v == "" or (v.__class__ is str and not v.strip())


def _find_header(rows: list[list[Any]]) -> tuple[int | None, bool, bool]:
    """(index of the header row or None, saw an id/email header, saw a status header)."""
    seen_key = seen_status = False
    for i, row in enumerate(rows[:_HEAD_ROWS]):
        fields = {HEADER_FIELDS.get(_hkey(c)) for c in row}
        has_key = bool(fields & {"target_id", "email"})
        seen_key, seen_status = seen_key or has_key, seen_status or "status" in fields
        if has_key and "status" in fields:
            return i, True, True
    return None, seen_key, seen_status


def _load(path: str | Path) -> _Tracker:
    path = Path(path)
    seen_key = seen_status = False
    for sheet, read in _grids(path):
        head = read(_HEAD_ROWS)
        h, k, s = _find_header(head)
        if h is not None:
            return _parse(path, sheet, read(None) if len(head) >= _HEAD_ROWS else head, h)
        seen_key, seen_status = seen_key or k, seen_status or s
    if seen_key:
        raise safety.fail(path, "no Status column: not a tracker")
    if seen_status:
        raise safety.fail(path, "no Target ID or Email column: not a tracker")
    raise safety.fail(path, "no Target ID or Email column and no Status column: not a tracker")


def _parse(path: Path, sheet: str | None, rows: list[list[Any]], h: int) -> _Tracker:
    """Cells under header row ``h`` -> canonical values (see the module docstring)."""
    name, warnings = path.name, []
    header = rows[h]
    cols: dict[str, list[int]] = {}
    for j, cell in enumerate(header):
        f = HEADER_FIELDS.get(_hkey(cell))
        if f is None:
            continue
        if f in cols and f not in ("notes", "next_step"):
            warnings.append(f"{name}: column {col_letter(j)} ({_text(cell)}) repeats column "
                            f"{col_letter(cols[f][0])}; only the first is synced")
            continue
        cols.setdefault(f, []).append(j)
    body = [(i + 1, r) for i, r in enumerate(rows[h + 1:], start=h + 1)
            if any(not _blank(c) for c in r)]
    nums = [n for n, _ in body]
    data: dict[str, pd.Series] = {"file": pd.Series([name] * len(body), dtype=object),
                                  "row": pd.Series(nums, dtype="int64")}
    for j, cell in enumerate(header):  # a column a rep added: say its values are not synced
        if _hkey(cell) not in HEADER_FIELDS and _hkey(cell) not in _EXPORTED and any(
                j < len(r) and not _blank(r[j]) for _, r in body):
            warnings.append(f"{name}: column {col_letter(j)} ({_text(cell) or 'no header'}) is "
                            "not a tracker column; its values were not synced")
    bad: dict[str, np.ndarray] = {}
    for f in READ_FIELDS:
        if f not in cols:
            continue
        j0 = cols[f][0]
        raw = [r[j0] if j0 < len(r) else None for _, r in body]
        where = f"column {col_letter(j0)} ({_text(header[j0])})"
        flags = None
        if f == "status":
            values = _statuses([_text(v) for v in raw], nums, name, where, warnings)
        elif f == "touches":
            values, flags = _touches(raw, nums, name, where, warnings)
        elif f == "last_touch_date":
            values, flags = _dates(raw, nums, name, where, warnings)
        elif f in ("notes", "next_step"):  # a second Notes column a rep added is kept too
            values = ["\n".join(t for t in (_note(r[j]) for j in cols[f] if j < len(r)) if t)
                      or None for _, r in body]
        else:
            values = [_text(v) for v in raw]
        data[f] = pd.Series(values, dtype=object)
        if flags is not None and flags.any():
            bad[f] = flags
    counts = Counter(v for v in data["rep"] if v) if "rep" in data else Counter()
    rep = counts.most_common(1)[0][0] if counts else None
    return _Tracker(path, sheet, pd.DataFrame(data), bad, rep, warnings)


def _statuses(texts: list[str | None], nums: list[int], name: str, where: str,
              warnings: list[str]) -> list[str]:
    out = []
    for t, n in zip(texts, nums, strict=True):
        if t is None:
            out.append(DEFAULT_STATUS)
            continue
        hit = _STATUS_LOOKUP.get(re.sub(r"[\s_\-]+", " ", t.casefold()).strip())
        if hit is None:
            warnings.append(f"{name}: row {n}, {where}: unknown status {t!r} kept as written")
        out.append(hit or t)
    return out


def _touches(raw: list[Any], nums: list[int], name: str, where: str,
             warnings: list[str]) -> tuple[list[int], np.ndarray]:
    out, bad = [], np.zeros(len(raw), bool)
    for i, (v, n) in enumerate(zip(raw, nums, strict=True)):
        if _blank(v):
            out.append(0)
            continue
        try:
            x = float(v.strip().replace(",", ".")) if isinstance(v, str) else float(v)
        except (TypeError, ValueError):
            x = -1.0
        if x != x or x < 0 or not x.is_integer():
            warnings.append(f"{name}: row {n}, {where}: {_text(v)!r} is not a number of "
                            "touches (not synced)")
            bad[i] = True
            out.append(0)
        else:
            out.append(int(x))
    return out, bad


def _dates(raw: list[Any], nums: list[int], name: str, where: str,
           warnings: list[str]) -> tuple[list[str], np.ndarray]:
    """Dates as ISO text ("" when blank); real dates, ISO text, serials, then parse_dates."""
    out, bad, slow = [], np.zeros(len(raw), bool), {}
    for i, v in enumerate(raw):
        if isinstance(v, dt.datetime):
            out.append(v.date().isoformat())
        elif isinstance(v, dt.date):
            out.append(v.isoformat())
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            ok = 20000 <= v <= 80000
            out.append((_EXCEL_EPOCH + dt.timedelta(days=int(v))).isoformat() if ok else "")
            bad[i] = not ok
        elif _blank(v):
            out.append("")
        else:
            s = str(v).strip()
            out.append(s[:10] if _ISO.match(s) and _valid_iso(s[:10]) else "")
            if not out[-1]:
                slow[i] = s
    if slow:  # one parse for the column, so the day/month order is decided per file
        parsed = parse_dates(pd.Series(list(slow.values()), dtype=object))
        for i, stamp in zip(slow, parsed, strict=True):
            if pd.isna(stamp):
                bad[i] = True
            else:
                out[i] = stamp.date().isoformat()
    for i in np.flatnonzero(bad):
        warnings.append(f"{name}: row {nums[i]}, {where}: {_text(raw[i])!r} is not a date "
                        "(not synced)")
    return out, bad


def _valid_iso(s: str) -> bool:
    try:
        dt.date.fromisoformat(s)
    except ValueError:
        return False
    return True


def read_tracker(path: str | Path) -> pd.DataFrame:
    """Read a filled-in tracker (xlsx/xls/ods/csv) into canonical values.

    Returns one row per non-blank sheet row with ``file`` (name), ``row`` (the
    sheet's row number) and one column per canonical field found among
    :data:`READ_FIELDS` (missing columns are absent, not blank): status in
    dropdown spelling (unknown ones as written), touches as ``int`` (blank -> 0),
    ``last_touch_date`` as ISO text ("" when blank), the rest as text or ``None``.
    ``attrs`` holds ``sheet``, ``rep`` (most common Rep), ``warnings`` and
    ``unreadable`` (field -> row numbers whose cell could not be read).

    Raises:
        ImportFileError: the file cannot be read or no sheet has a Target ID or
            Email column and a Status column.
    """
    t = _load(path)
    df = t.frame
    df.attrs.update(sheet=t.sheet, rep=t.rep, warnings=list(t.warnings),
                    unreadable={f: df["row"][m].tolist() for f, m in t.bad.items()})
    return df
