"""Read rosters, account lists and CRM reports as they come out of other tools.

:func:`read_table` takes a CSV/TSV/XLSX/XLS/ODS file (told apart by content,
not extension) and returns a :class:`RawTable`: every cell as text the way a
person sees it, the header row found under titles and filters, the right
section of a multi-section report, footers and total rows dropped (with a
warning each), and rows that cannot be trusted listed in ``ragged_rows``.

Big CSV files go through pyarrow (all columns as strings); the layout is
sniffed from the first and last 64 KB with Python. Workbooks go through
python-calamine. Any problem with the file is an :class:`ImportFileError`
whose text is one line naming the file.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine as calamine

from gtmplanner.core.errors import GtmError
from gtmplanner.core.io import safety, sections, sniff
from gtmplanner.core.io.safety import fail
from gtmplanner.core.io.sections import HeaderScorer, Layout, clean_text, col_letter
from gtmplanner.core.io.sniff import NULL_MARKERS

__all__ = ["NULL_MARKERS", "RawTable", "ReadCancelled", "list_sheets", "read_table"]

_SAMPLE_BYTES = 64 * 1024
_HEAD_ROWS = 200
_STREAM_CELLS = 5_000_000  # sheets with more cells are streamed row by row


def _head_rows(width: int) -> int:
    """How many rows to study for the layout: 200, fewer for very wide tables."""
    return max(20, min(_HEAD_ROWS, 200_000 // max(width, 1)))


class ReadCancelled(GtmError):
    """The user cancelled reading a file."""


def noop(fraction: float, message: str) -> None:
    """Default progress callback: does nothing."""


def never() -> bool:
    """Default cancel callback: never cancelled."""
    return False


@dataclass
class RawTable:
    """A table read from a file: text cells plus everything known about where they came from."""

    frame: pd.DataFrame
    source_rows: np.ndarray
    path: Path
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: list[str]
    header_row: int
    section: str | None = None
    warnings: list[str] = field(default_factory=list)
    ragged_rows: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Ctx:
    path: Path
    progress: Callable[[float, str], None]
    cancelled: Callable[[], bool]
    warnings: list[str] = field(default_factory=list)
    ragged: list[tuple[int, str]] = field(default_factory=list)

    def step(self, fraction: float, message: str) -> None:
        if self.cancelled():
            raise ReadCancelled(f"{self.path.name}: reading was cancelled")
        self.progress(fraction, message)


# ----------------------------------------------------------------------------------------
# public API


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    header_scorer: HeaderScorer | None = None,
    progress: Callable[[float, str], None] = noop,
    cancelled: Callable[[], bool] = never,
) -> RawTable:
    """Read ``path`` into a :class:`RawTable` of text cells.

    ``header_scorer(cells)`` (non-empty cleaned cells of a candidate row -> 0..1)
    picks the header row, the section of a multi-section report and, when
    ``sheet`` is None, the sheet of a workbook. Raises :class:`ImportFileError`
    for any file that cannot be read and :class:`ReadCancelled` when
    ``cancelled()`` turns true.
    """
    path = Path(path)
    ctx = _Ctx(path, progress, cancelled)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # reading makes millions of short-lived objects without cycles
    try:
        return _read(path, sheet, header_scorer, ctx)
    except GtmError:
        raise
    except MemoryError as exc:
        raise fail(path, "is too big to read into memory") from exc
    except BaseException as exc:  # noqa: BLE001 - last line of defence (incl. Rust panics)
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        detail = " ".join(str(exc).split())[:160]
        raise fail(path, f"could not be read ({type(exc).__name__}: {detail})") from exc
    finally:
        if gc_was_enabled:
            gc.enable()


def list_sheets(path: str | Path) -> list[str]:
    """The worksheet names of a workbook in workbook order (``[]`` for a CSV/TSV)."""
    path = Path(path)
    kind, fmt = _sniff(path)
    if kind == "text":
        return []
    try:
        with _open_workbook(path, fmt) as wb:
            return _worksheets(wb)[0]
    except GtmError:
        raise
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise fail(path, f"the workbook is damaged (truncated or not a real {fmt})") from exc


# ----------------------------------------------------------------------------------------
# dispatch


def _sniff(path: Path) -> tuple[str, str]:
    """('text'|'zip'|'ole', format) for ``path``, refusing what is not a table."""
    try:
        if path.is_dir():
            raise fail(path, "is a folder, not a file")
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError as exc:
        raise fail(path, "the file does not exist") from exc
    except PermissionError as exc:
        raise fail(path, "cannot be opened (permission denied)") from exc
    except OSError as exc:
        raise fail(path, f"cannot be opened ({exc.strerror or exc})") from exc
    if size == 0 or not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise fail(path, "the file is empty")
    kind = safety.sniff_container(path, head)
    if kind == "zip":
        return kind, safety.inspect_zip(path)
    if kind == "ole":
        return kind, safety.inspect_ole(path, path.read_bytes())
    if size > safety.MAX_TEXT_BYTES:
        raise fail(path, f"is {size / (1 << 30):.1f} GB; text files over 1 GB are refused")
    return kind, "csv"


def _read(path: Path, sheet: str | None, scorer: HeaderScorer | None, ctx: _Ctx) -> RawTable:
    ctx.step(0.0, "Opening file")
    kind, fmt = _sniff(path)
    if kind == "text":
        return _read_csv(path, scorer, ctx)
    return _read_workbook(path, fmt, sheet, scorer, ctx)


# ----------------------------------------------------------------------------------------
# CSV / TSV


def _read_csv(path: Path, scorer: HeaderScorer | None, ctx: _Ctx) -> RawTable:
    data = path.read_bytes()
    try:
        encoding, exact = sniff.detect_encoding(data)
    except sniff.NotText as exc:
        raise fail(path, "is not a table (binary data, not text)") from exc
    if encoding in ("utf-8", "utf-8-sig") and exact:
        utf8 = data[3:] if encoding == "utf-8-sig" else data
    else:
        text = data.decode(encoding, errors="replace")
        if "\ufffd" in text:
            ctx.warnings.append(f"some bytes are not valid {encoding} and were replaced "
                                "by '\ufffd'")
        utf8 = text.encode("utf-8", errors="replace")
        del text
    del data
    if b"\x00" in utf8:
        utf8 = utf8.replace(b"\x00", b"")
        ctx.warnings.append("removed stray zero bytes from the file")
    ctx.step(0.1, "Sniffing layout")
    big = len(utf8) > _SAMPLE_BYTES
    cut = utf8.rfind(b"\n", 0, _SAMPLE_BYTES) + 1 if big else len(utf8)
    sample = utf8[: cut or _SAMPLE_BYTES].decode("utf-8", errors="replace")
    if sniff.looks_binary(sample):
        raise fail(path, "is not a table (binary data, not text)")
    if not sample.strip():
        raise fail(path, "the file is empty")
    first_line, _, rest = sample.partition("\n")
    delimiter = sniff.sep_line(first_line.rstrip("\r"))
    skip_lines = 0
    if delimiter:
        skip_lines, sample = 1, rest
    else:
        delimiter = sniff.sniff_delimiter(sample)
    meta = {"file_format": "csv", "encoding": encoding, "delimiter": delimiter, "sheet": None,
            "sheets": []}
    try:
        rows, starts = sniff.parse_rows(sample, delimiter, first_line=1 + skip_lines)
    except ValueError as exc:
        raise fail(path, f"cannot be parsed as {_delim_name(delimiter)} text ({exc})") from exc
    if big and len(rows) > 1:
        rows, starts = rows[:-1], starts[:-1]  # the last record may be cut off
    head = [[clean_text(c) for c in r] for r in rows[:_HEAD_ROWS]]
    layout = sections.find_layout(head, scorer)
    if layout is None:
        raise fail(path, "the file is empty")
    if big and layout.end is None and len(rows) > layout.data_start:
        before = list(ctx.warnings)
        fast = _csv_fast_path(utf8, rows, starts, layout, delimiter, scorer, ctx)
        if fast is not None:
            return _finish(fast, path, meta, ctx)
        ctx.warnings[:] = before
    if big:
        ctx.step(0.3, "Reading rows (tolerant parser)")
        text = utf8.decode("utf-8", errors="replace")
        if skip_lines:
            text = text.partition("\n")[2]
        del utf8
        try:
            rows, starts = sniff.parse_rows(text, delimiter, first_line=1 + skip_lines)
        except ValueError as exc:
            raise fail(path, f"cannot be parsed as {_delim_name(delimiter)} text ({exc})") from exc
        del text
    built = _frame_from_rows(rows, np.asarray(starts, np.int64), None, scorer, ctx, is_text=True)
    return _finish(built, path, meta, ctx)


def _delim_name(delimiter: str) -> str:
    return {",": "comma-separated", "\t": "tab-separated", ";": "semicolon-separated",
            "|": "pipe-separated"}.get(delimiter, f"{delimiter!r}-separated")


def _csv_fast_path(
    utf8: bytes, rows: list[list[str]], starts: list[int], layout: Layout, delimiter: str,
    scorer: HeaderScorer | None, ctx: _Ctx,
) -> _Built | None:
    """Parse the body of a big CSV with pyarrow; None when only the tolerant path can."""
    sample_nl = np.flatnonzero(np.frombuffer(utf8, np.uint8, min(len(utf8), _SAMPLE_BYTES)) == 10)

    def line_offset(line: int) -> int:  # byte offset where 1-based ``line`` starts
        return 0 if line <= 1 else int(sample_nl[line - 2]) + 1

    if b"\n" not in utf8[:_SAMPLE_BYTES]:
        return None  # old Mac line ends: let the csv module handle them
    data_line = starts[layout.data_start]
    start = line_offset(data_line)
    # footers: the last 64 KB, tokenised line by line
    tail_from = utf8.find(b"\n", max(start, len(utf8) - _SAMPLE_BYTES)) + 1
    end = len(utf8)
    footer: list[list[str]] = []
    last_data_line = None
    if tail_from > start:
        tail_rows, tail_starts = sniff.parse_rows(
            utf8[tail_from:].decode("utf-8", errors="replace"), delimiter, 0)
        cleaned = [[clean_text(c) for c in r] for r in tail_rows]
        fs = sections.footer_start(cleaned, sum(1 for c in layout.names if c))
        if fs < len(tail_rows):
            footer = [r for r in cleaned[fs:] if any(r)]
            end = tail_from + sniff.line_byte(utf8, tail_from, tail_starts[fs])
            prior = [tail_starts[i] for i in range(fs) if any(cleaned[i])]
            if prior:
                last_data_line = 1 + utf8.count(b"\n", 0, tail_from) + prior[-1]
    ctx.step(0.2, "Reading rows")
    ncols = max(len(rows[layout.header_idx]), sniff.mode_width(rows[layout.data_start:]))
    if ncols > safety.MAX_COLUMNS:
        raise fail(ctx.path, f"has {ncols:,} columns (limit {safety.MAX_COLUMNS:,})")
    parsed = sniff.arrow_body(utf8, start, end, delimiter, ncols, data_line,
                              sniff.NULL_VARIANTS)
    if parsed is None:
        return None
    table, lines = parsed
    _layout_warnings(layout, starts.__getitem__, ctx, "line")
    if footer:
        ctx.warnings.append(_footer_warning(footer, last_data_line, "line"))
    ctx.step(0.6, "Cleaning values")
    arrays = [sniff.clean_column(col.cast(pa.large_string()).combine_chunks(), markers_done=True)
              for col in table.columns]
    return _Built(arrays, layout.names, lines, starts[layout.header_idx], layout.section,
                  layout.header_cells, 0)


# ----------------------------------------------------------------------------------------
# workbooks (xlsx / xlsb / xls / ods) via python-calamine


# The extensions calamine believes over the content, per format the content says it is.
_SUFFIXES = {"xlsx": {".xlsx", ".xlsm", ".xlam"}, "xls": {".xls", ".xla"}, "xlsb": {".xlsb"},
             "ods": {".ods"}}


def _open_workbook(path: Path, fmt: str) -> calamine.CalamineWorkbook:
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


def _worksheets(wb: calamine.CalamineWorkbook) -> tuple[list[str], list[str]]:
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


def _read_workbook(
    path: Path, fmt: str, sheet: str | None, scorer: HeaderScorer | None, ctx: _Ctx
) -> RawTable:
    damaged = f"the workbook is damaged (truncated or not a real {fmt})"
    with _open_workbook(path, fmt) as wb:
        names, visible = _worksheets(wb)
        if not names:
            raise fail(path, "the workbook has no worksheets")
        candidates = [_resolve_sheet(path, sheet, names)] if sheet is not None else (
            visible or names)
        chosen: tuple[str, Any] | None = None
        best_key: tuple | None = None
        for i, name in enumerate(candidates):
            ctx.step(0.05 + 0.2 * i / len(candidates), f"Reading sheet '{name}'")
            try:
                sh = wb.get_sheet_by_name(name)
                if sh.start is None or sh.height == 0:
                    continue
                if len(candidates) == 1:
                    chosen = (name, sh)
                    break
                head_cells = sh.to_python(nrows=_head_rows(sh.width))
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
            raise fail(path, f"sheet {sheet!r} is empty" if sheet is not None
                       else "the workbook has no data in any sheet")
        name, sh = chosen
        ctx.step(0.3, f"Reading rows of sheet '{name}'")
        try:
            rows, nums = _sheet_rows(sh, ctx)
            merges = _merges(sh, int(nums[0]) if len(nums) else 1)
        except calamine.CalamineError as exc:
            raise fail(path, damaged) from exc
        col_offset = sh.start[1]
    meta = {"file_format": fmt, "encoding": None, "delimiter": None, "sheet": name,
            "sheets": names}
    built = _frame_from_rows(rows, nums, merges, scorer, ctx, is_text=False,
                             col_offset=col_offset)
    return _finish(built, path, meta, ctx)


def _sheet_rows(sh: Any, ctx: _Ctx) -> tuple[list, np.ndarray]:
    """All rows of a sheet and their Excel row numbers, trailing blank rows cut cheaply."""
    start_row = sh.start[0]
    if sh.height * max(sh.width, 1) <= _STREAM_CELLS:
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
            ctx.step(0.3, f"Reading rows ({count:,})")
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


def _merges(sh: Any, first_row: int) -> list[tuple[int, int, int, int]] | None:
    """Merged ranges near the top as (row0, row1, col0, col1) relative to the rows read."""
    ranges = sh.merged_cell_ranges
    if ranges is None:
        return None
    r_off, c_off = first_row - 1, sh.start[1]
    return [(r0 - r_off, r1 - r_off, c0 - c_off, c1 - c_off)
            for (r0, c0), (r1, c1) in ranges if r0 - r_off < _HEAD_ROWS]


# ----------------------------------------------------------------------------------------
# rows in memory (sheets, small or messy CSV) -> Arrow text columns


@dataclass
class _Built:
    arrays: list[Any]  # pa.(Chunked)Array of text per column
    names: list[str]  # cleaned header names ('' = none)
    rows: np.ndarray  # source row of each array row
    header_row: int
    section: str | None
    header_cells: list[str]
    col_offset: int  # sheet column of arrays[0], for "Column F" names


def _frame_from_rows(
    rows: list, nums: np.ndarray, merges: list[tuple[int, int, int, int]] | None,
    scorer: HeaderScorer | None, ctx: _Ctx, *, is_text: bool, col_offset: int = 0,
) -> _Built:
    """Find the table in ``rows`` (CSV fields or sheet cells) and turn it into columns."""
    unit = "line" if is_text else "row"
    n = len(rows)
    while n and rows[n - 1].count("") == len(rows[n - 1]):
        n -= 1
    if n == 0:
        raise fail(ctx.path, "the file is empty" if is_text else "the sheet is empty")
    ctx.step(0.4, "Finding the header")
    head = [[clean_text(c if c.__class__ is str else sniff.cell_text(c)) for c in r]
            for r in rows[: min(n, _head_rows(max(map(len, rows[:20]))))]]
    layout = sections.find_layout(head, scorer, merges)
    if layout is None:
        raise fail(ctx.path, "the file is empty")
    _layout_warnings(layout, lambda i: int(nums[i]), ctx, unit)
    end = layout.end if layout.end is not None else n
    body, body_nums = rows[layout.data_start:end], nums[layout.data_start:end]
    ncols = len(layout.names) if is_text else len(rows[layout.header_idx])
    if is_text:
        body, body_nums, ncols, ragged = sniff.rectangle(body, body_nums, ncols)
        ctx.ragged.extend(ragged)
    if ncols > safety.MAX_COLUMNS:
        raise fail(ctx.path, f"has {ncols:,} columns (limit {safety.MAX_COLUMNS:,})")
    ctx.step(0.6, "Converting cells to text")
    arrays = sniff.columns(body, ncols)
    del body
    ctx.step(0.85, "Checking rows")
    cut = len(body_nums)
    if layout.end is None and n > len(head):
        cut = sections.next_section(arrays, len(head) - layout.data_start, scorer)
    tail_lo = max(0, cut - 60)
    tail = sections.cells(arrays, tail_lo, cut)
    fs = sections.footer_start(tail, sum(1 for c in layout.names if c))
    if fs < len(tail):
        prior = [i for i in range(fs - 1, -1, -1) if any(tail[i])]
        last = int(body_nums[tail_lo + prior[0]]) if prior else None
        ctx.warnings.append(_footer_warning([r for r in tail[fs:] if any(r)], last, unit))
        cut = tail_lo + fs
    if cut < len(body_nums):
        arrays = [a.slice(0, cut) for a in arrays]
        body_nums = body_nums[:cut]
    return _Built(arrays, list(layout.names), np.asarray(body_nums, np.int64),
                  int(nums[layout.header_idx]), layout.section, layout.header_cells, col_offset)


# ----------------------------------------------------------------------------------------
# the finished table


def _finish(built: _Built, path: Path, meta: dict[str, Any], ctx: _Ctx) -> RawTable:
    """Drop blank, oversized, repeated-header and total rows; name columns; build the frame."""
    ctx.step(0.9, "Checking rows")
    arrays, nrows = built.arrays, len(built.rows)
    keep = np.zeros(nrows, bool)
    for arr in arrays:
        keep |= pc.is_valid(arr).to_numpy(zero_copy_only=False)
    for arr in arrays:
        longest = pc.max(pc.binary_length(arr)).as_py() if nrows else None
        if longest is not None and longest > safety.MAX_CELL_CHARS:
            chars = pc.utf8_length(arr).to_numpy(zero_copy_only=False)
            for i in np.flatnonzero(np.nan_to_num(chars.astype(float)) > safety.MAX_CELL_CHARS):
                if keep[i]:
                    ctx.ragged.append((int(built.rows[i]),
                                       safety.describe_cell_limit(int(chars[i]))))
                keep[i] = False
    _drop_repeated_headers(built, keep, ctx)
    _drop_total_rows(built, keep, ctx)
    names, cols = [], []
    raw_names = (built.names + [""] * len(arrays))[: len(arrays)]
    for j, (name, arr) in enumerate(zip(raw_names, arrays, strict=True)):
        if not name and arr.null_count == len(arr):
            continue
        names.append(name[:255] or f"Column {col_letter(built.col_offset + j)}")
        cols.append(arr)
    if not keep.all():
        mask = pa.array(keep)
        cols = [c.filter(mask) for c in cols]
    rows = built.rows[keep]
    if len(rows) == 0 and not ctx.ragged:
        raise fail(path, "has a header but no rows")
    frame = pd.DataFrame(
        {name: pd.arrays.ArrowStringArray(c if isinstance(c, pa.ChunkedArray)
                                          else pa.chunked_array([c], c.type))
         for name, c in zip(sections.make_unique(names), cols, strict=True)},
        copy=False,
    )
    ctx.ragged.sort()
    ctx.progress(1.0, "Done")
    return RawTable(frame=frame, source_rows=rows.astype(np.int64), path=path,
                    header_row=built.header_row, section=built.section,
                    warnings=ctx.warnings, ragged_rows=ctx.ragged, **meta)


def _row_cells(arrays: list[Any], i: int) -> list[str]:
    return [arr[i].as_py() or "" for arr in arrays]


def _drop_repeated_headers(built: _Built, keep: np.ndarray, ctx: _Ctx) -> None:
    """Header rows repeated inside the data (paginated exports) are dropped."""
    header = built.header_cells + [""] * (len(built.arrays) - len(built.header_cells))
    named = [j for j, c in enumerate(header) if c]
    if len(named) < 2 or not len(built.rows):
        return
    j0 = named[0]
    hits = np.flatnonzero(pc.equal(built.arrays[j0], header[j0]).to_numpy(
        zero_copy_only=False).astype(bool) & keep)
    dropped = 0
    for i in hits:
        if _row_cells(built.arrays, i) == header[: len(built.arrays)]:
            keep[i] = False
            dropped += 1
    if dropped:
        ctx.warnings.append(f"dropped {dropped} repeated header row{'s' * (dropped > 1)}")


def _drop_total_rows(built: _Built, keep: np.ndarray, ctx: _Ctx) -> None:
    """"Total:" / "Grand Total" rows at the end of the data are dropped with a warning."""
    kept = np.flatnonzero(keep)
    for i in kept[::-1][:3]:
        cells = _row_cells(built.arrays, i)
        if not sections.is_total_row(cells):
            break
        keep[i] = False
        label = next(c for c in cells if c)
        ctx.warnings.append(f"dropped the {label!r} row {int(built.rows[i])}")


def _footer_warning(footer: list[list[str]], last: int | None, unit: str) -> str:
    n = len(footer)
    first = (", " if unit == "line" else " ").join(c for c in footer[0] if c) if footer else ""
    first = first if len(first) <= 60 else first[:57] + "..."
    where = f"after {unit} {last}" if last is not None else "at the end"
    return f"dropped {n} footer {unit}{'s' * (n > 1)} {where} ({first!r})"


def _layout_warnings(layout: Layout, row_of: Callable[[int], int], ctx: _Ctx, unit: str) -> None:
    header_row = row_of(layout.header_idx)
    if layout.section:
        others = ", ".join(repr(o) for o in layout.other_sections[:6])
        ctx.warnings.append(f"read the {layout.section!r} section (header on {unit} "
                            f"{header_row}); skipped the other sections: {others}")
    elif layout.preamble:
        n = len(layout.preamble)
        first = layout.preamble[0] if len(layout.preamble[0]) <= 60 else (
            layout.preamble[0][:57] + "...")
        ctx.warnings.append(f"skipped {n} {unit}{'s' * (n > 1)} above the header on {unit} "
                            f"{header_row} ({first!r})")
    if layout.group_idx is not None:
        ctx.warnings.append(f"combined the two-row header on {unit}s {row_of(layout.group_idx)}"
                            f"-{header_row}")
