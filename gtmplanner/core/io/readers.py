"""Read rosters, account lists and CRM reports as they come out of other tools.

:func:`read_table` takes a CSV/TSV/XLSX/XLS/ODS file (told apart by content,
not extension) and returns a :class:`RawTable`: every cell as text the way a
person sees it, the header row found under titles and filters, the right
section of a multi-section report, footers and total rows dropped (with a
warning each), and rows that cannot be trusted listed in ``ragged_rows``.

Big CSV files go through pyarrow (all columns as strings); the layout is
sniffed from the first and last 64 KB with Python, and a UTF-8 file is handed
to pyarrow to read from disk itself (:mod:`textfile`). Workbooks go through
python-calamine (:mod:`workbooks`; a big xlsx sheet in pieces, :mod:`xlsx_pieces`).
Any problem with the file is an :class:`ImportFileError` whose text is one
line naming the file.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core.errors import GtmError
from gtmplanner.core.io import safety, sections, sniff, workbooks
from gtmplanner.core.io.safety import fail
from gtmplanner.core.io.sections import HeaderScorer, Layout, clean_text, col_letter
from gtmplanner.core.io.sniff import NULL_MARKERS
from gtmplanner.core.io.textfile import FileText

__all__ = ["NULL_MARKERS", "RawTable", "ReadCancelled", "list_sheets", "read_table"]

_SAMPLE_BYTES = 64 * 1024
_HEAD_ROWS = workbooks.HEAD_ROWS
_STREAM_CELLS = 5_000_000  # sheets with more cells are streamed row by row
_head_rows = workbooks.head_rows


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
    done: float = 0.0

    def step(self, fraction: float, message: str) -> None:
        if self.cancelled():
            raise ReadCancelled(f"{self.path.name}: reading was cancelled")
        self.done = max(self.done, fraction)  # never backwards, even when a fast path gives up
        self.progress(self.done, message)


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
    return workbooks.list_sheet_names(path, fmt)


# ----------------------------------------------------------------------------------------
# dispatch


def _sniff(path: Path, *, xlsx_extents: bool = True) -> tuple[str, str]:
    """('text'|'zip'|'ole', format) for ``path``, refusing what is not a table.

    ``xlsx_extents=False`` leaves the xlsx sheet-size check to the workbook reader.
    """
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
        return kind, safety.inspect_zip(path, xlsx_extents=xlsx_extents)
    if kind == "ole":
        return kind, safety.inspect_ole(path, path.read_bytes())
    if size > safety.MAX_TEXT_BYTES:
        raise fail(path, f"is {size / (1 << 30):.1f} GB; text files over 1 GB are refused")
    return kind, "csv"


def _read(path: Path, sheet: str | None, scorer: HeaderScorer | None, ctx: _Ctx) -> RawTable:
    ctx.step(0.0, "Opening file")
    kind, fmt = _sniff(path, xlsx_extents=False)
    if kind == "text":
        return _read_csv(path, scorer, ctx)
    cells, name, names = workbooks.read_sheet(path, fmt, sheet, scorer, ctx.step,
                                              stream_cells=_STREAM_CELLS)
    meta = {"file_format": fmt, "encoding": None, "delimiter": None, "sheet": name,
            "sheets": names}
    built = _frame_from_rows(cells.rows, cells.nums, cells.merges, scorer, ctx, is_text=False,
                             col_offset=cells.col_offset, columns=cells.columns)
    return _finish(built, path, meta, ctx)


# ----------------------------------------------------------------------------------------
# CSV / TSV


def _read_csv(path: Path, scorer: HeaderScorer | None, ctx: _Ctx) -> RawTable:
    streamed = _read_streamed_csv(path, scorer, ctx)
    if streamed is not None:
        return streamed
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
    source = [utf8]  # handed over, so that the tolerant path can free the bytes early
    del utf8
    built = _csv_layout(source, 0, encoding, scorer, ctx, path)
    assert built is not None
    return built


def _read_streamed_csv(path: Path, scorer: HeaderScorer | None, ctx: _Ctx) -> RawTable | None:
    """A big UTF-8 CSV that pyarrow reads from disk itself, or None to read it the usual way.

    Only what the usual way would take its pyarrow fast path for: UTF-8 (BOM or
    not) without zero bytes. Python checks the first and last 64 KB are UTF-8 and
    pyarrow checks every value in between (the delimiters, quotes and line ends are
    ASCII), so the file is as valid as ``detect_encoding`` would have found it.
    """
    try:
        if path.stat().st_size <= 2 * _SAMPLE_BYTES:
            return None
        text = FileText(path)
    except OSError:
        return None
    with text:
        head = text[: _SAMPLE_BYTES + 3]
        bom = sniff.bom_encoding(head)
        if bom not in (None, "utf-8-sig") or b"\x00" in head:
            return None  # (zero bytes further on make the fast path give up)
        if bom is None and sniff.utf16_without_bom(head[:4096]):
            return None
        before = (len(ctx.warnings), len(ctx.ragged))
        table = _csv_layout([text], 3 if bom else 0, bom or "utf-8", scorer, ctx, path)
        if table is None:
            del ctx.warnings[before[0]:], ctx.ragged[before[1]:]
        return table


def _csv_layout(source: list[Any], skip: int, encoding: str, scorer: HeaderScorer | None,
                ctx: _Ctx, path: Path) -> RawTable | None:
    """Sniff the layout of UTF-8 ``data[skip:]`` and read the table; ``source`` is
    ``[data]`` (bytes, or a :class:`FileText`), emptied when the bytes are no longer needed.

    For a FileText (``skip`` past a BOM) None means "read it the usual way": the
    sample is not UTF-8 or the table needs anything but the pyarrow fast path.
    """
    data = source[0]
    streamed = not isinstance(data, bytes)
    ctx.step(0.1, "Sniffing layout")
    total = len(data) - skip
    big = total > _SAMPLE_BYTES
    cut = data.rfind(b"\n", skip, skip + _SAMPLE_BYTES) + 1 - skip if big else total
    raw = data[skip : skip + (cut if cut > 0 else _SAMPLE_BYTES)]
    try:
        sample = raw.decode("utf-8", errors="strict" if streamed else "replace")
    except UnicodeDecodeError:
        return None
    if sniff.looks_binary(sample):
        if streamed:
            return None
        raise fail(path, "is not a table (binary data, not text)")
    if not sample.strip():
        if streamed:
            return None
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
        if streamed:
            return None
        raise fail(path, f"cannot be parsed as {_delim_name(delimiter)} text ({exc})") from exc
    if big and len(rows) > 1:
        rows, starts = rows[:-1], starts[:-1]  # the last record may be cut off
    head = [[clean_text(c) for c in r] for r in rows[:_HEAD_ROWS]]
    layout = sections.find_layout(head, scorer)
    if layout is None:
        if streamed:
            return None
        raise fail(path, "the file is empty")
    if big and layout.end is None and len(rows) > layout.data_start:
        before = list(ctx.warnings)
        fast = _csv_fast_path(data, skip, rows, starts, layout, delimiter, scorer, ctx)
        if fast is not None:
            return _finish(fast, path, meta, ctx)
        ctx.warnings[:] = before
    if streamed:
        return None
    if big:
        ctx.step(0.3, "Reading rows (tolerant parser)")
        text = data.decode("utf-8", errors="replace")
        if skip_lines:
            text = text.partition("\n")[2]
        del data
        source.clear()
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
    data: Any, skip: int, rows: list[list[str]], starts: list[int], layout: Layout,
    delimiter: str, scorer: HeaderScorer | None, ctx: _Ctx,
) -> _Built | None:
    """Parse the body of a big CSV (UTF-8 ``data[skip:]``) with pyarrow; None when only the
    tolerant path can. Offsets below are counted from ``skip``."""
    first = data[skip : skip + _SAMPLE_BYTES]
    sample_nl = np.flatnonzero(np.frombuffer(first, np.uint8) == 10)

    def line_offset(line: int) -> int:  # byte offset where 1-based ``line`` starts
        return 0 if line <= 1 else int(sample_nl[line - 2]) + 1

    if not len(sample_nl):
        return None  # old Mac line ends: let the csv module handle them
    total = len(data) - skip
    data_line = starts[layout.data_start]
    start = line_offset(data_line)
    # footers: the last 64 KB, tokenised line by line
    tail_from = data.find(b"\n", skip + max(start, total - _SAMPLE_BYTES)) + 1 - skip
    end = total
    footer: list[list[str]] = []
    last_data_line = None
    if tail_from > start:
        tail = data[skip + tail_from :]
        try:  # strict: a FileText has not been checked as a whole
            tail_text = tail.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "\x00" in tail_text:
            return None
        tail_rows, tail_starts = sniff.parse_rows(tail_text, delimiter, 0)
        cleaned = [[clean_text(c) for c in r] for r in tail_rows]
        fs = sections.footer_start(cleaned, sum(1 for c in layout.names if c))
        if fs < len(tail_rows):
            footer = [r for r in cleaned[fs:] if any(r)]
            end = tail_from + sniff.line_byte(data, skip + tail_from, tail_starts[fs])
            prior = [tail_starts[i] for i in range(fs) if any(cleaned[i])]
            if prior:
                last_data_line = 1 + data.count(b"\n", skip, skip + tail_from) + prior[-1]
    ctx.step(0.2, "Reading rows")
    ncols = max(len(rows[layout.header_idx]), sniff.mode_width(rows[layout.data_start:]))
    if ncols > safety.MAX_COLUMNS:
        raise fail(ctx.path, f"has {ncols:,} columns (limit {safety.MAX_COLUMNS:,})")
    parsed = sniff.arrow_body(data, skip + start, skip + end, delimiter, ncols, data_line,
                              sniff.NULL_VARIANTS)
    if parsed is None:
        return None
    table, lines = parsed
    _layout_warnings(layout, starts.__getitem__, ctx, "line")
    if footer:
        ctx.warnings.append(_footer_warning(footer, last_data_line, "line"))
    ctx.step(0.6, "Cleaning values")
    nbsp = sniff.may_hold_nbsp(data) if isinstance(data, bytes) else True  # else: per column

    longest = [0]

    def clean(columns: list[Any]) -> list[Any]:
        scratch = np.empty(table.num_rows, np.int64)  # reused: big temporaries fault pages
        out = []
        for col in columns:
            arr = col.combine_chunks()
            longest.append(sniff.longest_value(arr, scratch))
            out.append(sniff.clean_column(arr, markers_done=True, nbsp=nbsp, scratch=scratch))
        return out

    # Two threads: concatenating chunks, numpy and the Arrow kernels release the GIL.
    arrays: list[Any] = [None] * table.num_columns
    with ThreadPoolExecutor(2) as pool:
        arrays[0::2], arrays[1::2] = pool.map(clean, (table.columns[0::2], table.columns[1::2]))
    return _Built(arrays, layout.names, lines, starts[layout.header_idx], layout.section,
                  layout.header_cells, 0, short_cells=max(longest) <= safety.MAX_CELL_CHARS)


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
    short_cells: bool = False  # known: no value is over the cell size limit


def _frame_from_rows(
    rows: list, nums: np.ndarray, merges: list[tuple[int, int, int, int]] | None,
    scorer: HeaderScorer | None, ctx: _Ctx, *, is_text: bool, col_offset: int = 0,
    columns: list[Any] | None = None,
) -> _Built:
    """Find the table in ``rows`` (CSV fields or sheet cells) and turn it into columns.

    ``columns`` (sheets read in pieces) holds every row as text already; ``rows``
    then holds only the first ones and ``nums`` has no trailing blank rows.
    """
    unit = "line" if is_text else "row"
    n = len(rows) if columns is None else len(nums)
    while columns is None and n and rows[n - 1].count("") == len(rows[n - 1]):
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
    if columns is None:
        arrays = sniff.columns(body, ncols)
    else:
        arrays = [c.slice(layout.data_start, end - layout.data_start) for c in columns]
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
    if any(arr.null_count == 0 for arr in arrays):
        keep = np.ones(nrows, bool)  # a column without nulls: no row is blank
    else:
        keep = np.zeros(nrows, bool)
        for arr in arrays:
            if arr.null_count < nrows:
                keep |= pc.is_valid(arr).to_numpy(zero_copy_only=False)
    for arr in arrays if not built.short_cells else ():
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
