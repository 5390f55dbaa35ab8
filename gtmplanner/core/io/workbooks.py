"""Workbooks (xlsx / xlsb / xls / ods) through python-calamine: which sheet, and its cells.

:func:`read_sheet` opens the workbook, picks the sheet (the one asked for, else the
one whose head looks most like a table) and returns its cells as a :class:`SheetCells`
for :mod:`readers` to turn into a table. A big xlsx sheet of a plain shape is read in
pieces by :mod:`xlsx_pieces` (parsing overlaps checking and converting); everything
else is read whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import python_calamine as calamine

from gtmplanner.core.errors import GtmError
from gtmplanner.core.io import safety, sections, sniff, xlsx_pieces
from gtmplanner.core.io.safety import fail
from gtmplanner.core.io.sections import HeaderScorer, clean_text

HEAD_ROWS = 200


def head_rows(width: int) -> int:
    """How many rows to study for the layout: 200, fewer for very wide tables."""
    return max(20, min(HEAD_ROWS, 200_000 // max(width, 1)))


@dataclass
class SheetCells:
    """A sheet's cells, trailing blank rows cut.

    ``rows`` holds every row (cells as calamine gives them), or only the first
    rows when ``columns`` already holds every row as cleaned Arrow text.
    """

    rows: list
    nums: np.ndarray  # Excel row number of every row
    merges: list[tuple[int, int, int, int]] | None
    col_offset: int  # sheet column of the first cell of a row
    columns: list[Any] | None = None


# The extensions calamine believes over the content, per format the content says it is.
_SUFFIXES = {"xlsx": {".xlsx", ".xlsm", ".xlam"}, "xls": {".xls", ".xla"}, "xlsb": {".xlsb"},
             "ods": {".ods"}}


def open_workbook(path: Path, fmt: str) -> calamine.CalamineWorkbook:
    try:
        suffix = path.suffix.lower()
        if suffix not in _SUFFIXES.get(fmt, ()) and any(suffix in s for s in _SUFFIXES.values()):
            # A lying extension (an xlsx saved as .xls): calamine would trust the name.
            with path.open("rb") as fh:
                return calamine.CalamineWorkbook.from_filelike(fh)
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise fail(path, "is password-protected; save an unprotected copy and import that") from exc
    except BaseException as exc:  # noqa: BLE001 - CalamineError, zip/xml errors, Rust panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise fail(path, f"the workbook is damaged (truncated or not a real {fmt})") from exc


def worksheets(wb: calamine.CalamineWorkbook) -> tuple[list[str], list[str]]:
    """(all worksheet names, the visible ones), in workbook order."""
    sheet_type = calamine.SheetTypeEnum.WorkSheet
    metas = [m for m in wb.sheets_metadata if m.typ == sheet_type]
    visible = [m.name for m in metas if m.visible == calamine.SheetVisibleEnum.Visible]
    return [m.name for m in metas], visible


def _resolve_sheet(path: Path, sheet: str, names: list[str]) -> str:
    if sheet in names:
        return sheet
    folded = {clean_text(n).casefold(): n for n in names}
    if clean_text(sheet).casefold() in folded:
        return folded[clean_text(sheet).casefold()]
    raise fail(path, f"has no sheet named {sheet!r} (sheets: {', '.join(names)})")


def read_sheet(
    path: Path, fmt: str, sheet: str | None, scorer: HeaderScorer | None,
    step: Callable[[float, str], None], *, stream_cells: int,
) -> tuple[SheetCells, str, list[str]]:
    """The cells of the chosen sheet, its name and all worksheet names.

    Sheets of more than ``stream_cells`` cells are streamed row by row.
    """
    damaged = f"the workbook is damaged (truncated or not a real {fmt})"
    with open_workbook(path, fmt) as wb:
        names, visible = worksheets(wb)
        if not names:
            raise fail(path, "the workbook has no worksheets")
        candidates = [_resolve_sheet(path, sheet, names)] if sheet is not None else (
            visible or names)
        empty = (f"sheet {sheet!r} is empty" if sheet is not None
                 else "the workbook has no data in any sheet")
        if fmt == "xlsx":
            # The size guard runs before calamine loads any sheet; the sniffer left it to us
            # so that a sheet read in pieces is inflated and checked only once. Sheets are
            # checked in the same order as before, so the same one is named when several fail.
            member = xlsx_pieces.sheet_member(path, candidates[0]) if len(candidates) == 1 \
                else None
            if member is None:
                safety.check_sheet_extents(path, fmt)
            else:
                safety.check_sheet_extents(path, fmt, select=lambda part: part < member)
                got = _read_in_pieces(path, candidates[0], member, step, stream_cells)
                safety.check_sheet_extents(
                    path, fmt, select=lambda part: part > member or (got is None and part == member))
                if got is not None:
                    if got.start is None:
                        raise fail(path, empty)
                    return _piece_cells(got), candidates[0], names
        chosen: tuple[str, Any] | None = None
        best_key: tuple | None = None
        for i, name in enumerate(candidates):
            step(0.05 + 0.2 * i / len(candidates), f"Reading sheet '{name}'")
            try:
                sh = wb.get_sheet_by_name(name)
                if sh.start is None or sh.height == 0:
                    continue
                if len(candidates) == 1:
                    chosen = (name, sh)
                    break
                head_cells = sh.to_python(nrows=head_rows(sh.width))
            except calamine.CalamineError as exc:
                raise fail(path, damaged) from exc
            head = [[clean_text(sniff.cell_text(c)) for c in r] for r in head_cells]
            lay = sections.find_layout(head, scorer)
            if lay is None:
                continue
            key = (*lay.key[:3], sh.height, lay.key[4])
            if best_key is None or key > best_key:
                best_key, chosen = key, (name, sh)
        if chosen is None:
            raise fail(path, empty)
        name, sh = chosen
        step(0.3, f"Reading rows of sheet '{name}'")
        try:
            rows, nums = _sheet_rows(sh, step, stream_cells)
            merges = merged_near_top(sh.merged_cell_ranges, int(nums[0]) if len(nums) else 1,
                                     sh.start[1])
        except calamine.CalamineError as exc:
            raise fail(path, damaged) from exc
        return SheetCells(rows, nums, merges, sh.start[1]), name, names


def _read_in_pieces(path: Path, name: str, member: str, step: Callable[[float, str], None],
                    max_cells: int) -> xlsx_pieces.Pieces | None:
    """The sheet read by :mod:`xlsx_pieces`, or None when it declines the sheet."""
    step(0.05, f"Reading sheet '{name}'")
    return xlsx_pieces.read(path, name, member, step, head_rows=HEAD_ROWS, max_cells=max_cells)


def _piece_cells(got: xlsx_pieces.Pieces) -> SheetCells:
    assert got.start is not None
    first = got.start[0] + 1
    nums = np.arange(first, first + got.n, dtype=np.int64)
    merges = merged_near_top(got.merged, int(nums[0]) if len(nums) else 1, got.start[1])
    return SheetCells(got.head, nums, merges, got.start[1], got.columns)


def _sheet_rows(sh: Any, step: Callable[[float, str], None],
                stream_cells: int) -> tuple[list, np.ndarray]:
    """All rows of a sheet and their Excel row numbers, trailing blank rows cut cheaply."""
    start_row = sh.start[0]
    if sh.height * max(sh.width, 1) <= stream_cells:
        rows = sh.to_python()
        n = len(rows)
        while n and rows[n - 1].count("") == len(rows[n - 1]):
            n -= 1
        del rows[n:]
        return rows, np.arange(start_row + 1, start_row + 1 + n, dtype=np.int64)
    # A huge used range (often a million formatted-but-empty rows): stream it,
    # keeping one shared placeholder per blank row and none after the data.
    rows, idx = [], []
    pending = count = 0
    blank = [""] * sh.width
    for count, row in enumerate(sh.iter_rows(), 1):
        if count % 65536 == 0:
            step(0.3, f"Reading rows ({count:,})")
        if row.count("") == len(row):
            pending += 1
            continue
        if pending:
            rows.extend(itertools.repeat(blank, pending))
            idx.extend(range(count - 1 - pending, count - 1))
            pending = 0
        rows.append(row)
        idx.append(count - 1)
    offset = sh.end[0] + 2 - count
    return rows, np.asarray(idx, np.int64) + offset


def merged_near_top(ranges: list | None, first_row: int,
                    first_col: int) -> list[tuple[int, int, int, int]] | None:
    """Merged ranges near the top as (row0, row1, col0, col1) relative to the rows read."""
    if ranges is None:
        return None
    r_off, c_off = first_row - 1, first_col
    return [(r0 - r_off, r1 - r_off, c0 - c_off, c1 - c_off)
            for (r0, c0), (r1, c1) in ranges if r0 - r_off < HEAD_ROWS]


def list_sheet_names(path: Path, fmt: str) -> list[str]:
    """The worksheet names of a workbook in workbook order."""
    try:
        with open_workbook(path, fmt) as wb:
            return worksheets(wb)[0]
    except GtmError:
        raise
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise fail(path, f"the workbook is damaged (truncated or not a real {fmt})") from exc
