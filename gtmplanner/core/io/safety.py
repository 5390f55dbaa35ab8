"""Guards that keep the readers safe on hostile or broken files.

Everything here is cheap and runs *before* a parser sees the file: the magic
bytes say what the file really is (whatever its extension), the zip directory
of an xlsx/ods is checked for zip bombs, and an OLE2 container is told apart
from a password-protected workbook. Limits on cell and file size live here too.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from gtmplanner.core.errors import ImportFileError

#: A cell longer than this refuses its row (reported like a ragged row).
MAX_CELL_CHARS = 100_000
#: Text files larger than this are refused before they are read into memory.
MAX_TEXT_BYTES = 1 << 30
#: Excel's own column limit; wider files are refused with one clear line.
MAX_COLUMNS = 16_384
#: Zip-bomb limits for xlsx/ods: total uncompressed size ...
ZIP_MAX_TOTAL = 1 << 30
#: ... and a single member that expands more than this ratio while also being large.
ZIP_MAX_RATIO = 200
ZIP_RATIO_MIN_SIZE = 50 << 20
#: A sheet whose used range (first to last filled cell, blanks inside included) is larger
#: than this is refused before it is loaded: the workbook reader builds that whole
#: rectangle in memory (about 32 bytes a cell), so a 7 KB file with one value in XFD1048576
#: would ask for 512 GB and abort the process.
MAX_SHEET_CELLS = 27_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Files that are certainly not tables: (magic prefix, what to call it).
_NOT_TABLES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF87a", "an image (GIF)"),
    (b"GIF89a", "an image (GIF)"),
    (b"BM", ""),  # checked more strictly below
    (b"II*\x00", "an image (TIFF)"),
    (b"MM\x00*", "an image (TIFF)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"SQLite format 3\x00", "a SQLite database (a .gtmp project?)"),
    (b"\x7fELF", "a program"),
    (b"MZ", ""),  # checked more strictly below
)


def fail(path: Path, problem: str) -> ImportFileError:
    """Build the one-line error ``"<file name>: <problem>"``."""
    return ImportFileError(f"{path.name}: {problem}")


def sniff_container(path: Path, head: bytes) -> str:
    """Say what the file is by its first bytes: ``'zip'``, ``'ole'`` or ``'text'``.

    Raises :class:`ImportFileError` for formats that are certainly not a table
    (PDF, images, archives, programs, web pages and the like).
    """
    if head.startswith(_ZIP_MAGICS):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    for magic, what in _NOT_TABLES:
        if head.startswith(magic):
            if magic == b"BM" and not (len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00"):
                continue
            if magic == b"MZ" and b"This program" not in head[:512]:
                continue
            raise fail(path, f"is {what or 'a binary file'}, not a table")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:400].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<body")):
        raise fail(
            path,
            "is a web page (HTML) saved with a spreadsheet name; open it in Excel "
            "and save it as .xlsx or .csv",
        )
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise fail(
            path,
            "is an 'XML Spreadsheet 2003' file; open it in Excel and save it as .xlsx",
        )
    return "text"


def inspect_zip(path: Path, *, xlsx_extents: bool = True) -> str:
    """Classify a zip container as ``'xlsx'``, ``'xlsb'`` or ``'ods'`` and refuse zip bombs.

    Only the central directory is read (no member is inflated), so this is
    cheap even for a large workbook. Then the sheet sizes are checked
    (:func:`check_sheet_extents`); ``xlsx_extents=False`` leaves that to a caller
    that runs it itself before it loads an xlsx sheet.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            mimetype = b""
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size < 200:
                    mimetype = zf.read("mimetype").strip()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise fail(path, "the workbook is damaged (truncated or not a real xlsx)") from exc
    total = 0
    for info in infos:
        size = max(info.file_size, 0)
        total += size
        packed = max(info.compress_size, 1)
        if size > ZIP_RATIO_MIN_SIZE and size / packed > ZIP_MAX_RATIO:
            raise fail(
                path,
                f"looks like a zip bomb (member {info.filename!r} expands "
                f"{size // packed:,}x to {size / (1 << 20):,.0f} MB); refused",
            )
    if total > ZIP_MAX_TOTAL:
        raise fail(
            path,
            f"looks like a zip bomb (it would expand to {total / (1 << 30):,.1f} GB); refused",
        )
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        check_sheet_extents(path, "ods")
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise fail(path, "is an OpenDocument text or presentation, not a spreadsheet")
    if "xl/workbook.xml" in names:
        if xlsx_extents:
            check_sheet_extents(path, "xlsx")
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "word/document.xml" in names:
        raise fail(path, "is a Word document, not a table")
    if "ppt/presentation.xml" in names:
        raise fail(path, "is a PowerPoint presentation, not a table")
    if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
        raise fail(path, "the workbook is damaged (truncated or not a real xlsx)")
    raise fail(path, "is a zip archive, not a spreadsheet; unzip it first")


def check_sheet_extents(path: Path, fmt: str, *,
                        select: Callable[[str], bool] | None = None) -> None:
    """Refuse an xlsx/ods whose sheets span more than :data:`MAX_SHEET_CELLS` cells.

    The sheet XML is streamed (never held whole) and scanned with a few C-speed
    regular expressions: ordinary files cost one pass; only files with far-away
    cell references, cells without references or repeated ODS cells take the
    exact (slower) walk over their tags. ``select(part)`` limits an xlsx check to
    some worksheet parts (checked in name order, like all of them).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            if fmt == "ods":
                if "content.xml" in zf.NameToInfo:
                    rows, cols = _ods_extent(_chunks(zf, "content.xml", b"</table:table-row>"))
                    _check_area(path, rows, cols)
                return
            for name in worksheet_parts(zf):
                if select is not None and not select(name):
                    continue
                rows, cols = _xlsx_quick_extent(_chunks(zf, name, b">"))
                if rows * cols > MAX_SHEET_CELLS:
                    rows, cols = _xlsx_exact_extent(_chunks(zf, name, b">"))
                _check_area(path, rows, cols)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib.error, CRC, EOF...
        raise fail(path, f"the workbook is damaged (truncated or not a real {fmt})") from exc


def _check_area(path: Path, rows: int, cols: int) -> None:
    if rows * cols > MAX_SHEET_CELLS:
        raise fail(path, f"a sheet spans {rows:,} rows x {cols:,} columns (more than "
                         f"{MAX_SHEET_CELLS:,} cells); if most of it is empty, delete the stray "
                         "cells far below or right of the data and save it again")


def _chunks(zf: zipfile.ZipFile, name: str, cut: bytes, size: int = 16 << 20) -> Iterator[bytes]:
    """A zip member in pieces that end just after ``cut`` (so no tag or row is split)."""
    tail = b""
    with zf.open(name) as fh:
        while True:
            block = fh.read(size)
            if not block:
                if tail:
                    yield tail
                return
            buf = tail + block
            end = buf.rfind(cut)
            if end < 0:
                tail = buf
                continue
            end += len(cut)
            tail = buf[end:]
            yield buf[:end]


_REL_TARGET = re.compile(rb'<Relationship\b[^>]*>', re.S)
_ATTR = re.compile(rb'(\w+)\s*=\s*["\']([^"\']*)["\']')


def worksheet_parts(zf: zipfile.ZipFile) -> list[str]:
    """The members that may hold cells: the workbook's worksheet targets and xl/worksheets/*."""
    names = set(zf.NameToInfo)
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names and zf.getinfo(rels).file_size < (4 << 20):
        for tag in _REL_TARGET.findall(zf.read(rels)):
            attrs = dict(_ATTR.findall(tag))
            if not attrs.get(b"Type", b"").endswith(b"/worksheet"):
                continue
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            if name in names:
                parts.add(name)
    return sorted(parts)


# One pass over the cell tags: a cell whose reference is "far" (two or more column letters,
# or a row of six digits or more) gives (letters, digits); a cell the pass cannot vouch
# for (no reference first, spaces around '=') gives ('', ''). Rows without cells hold nothing.
_CELL_SCAN = re.compile(rb'<c(?:[>/]|[ \t\r\n](?!r=["\'])|[ \t\r\n]r=["\']'
                        rb'(?=[A-Za-z]{2,}\d|[A-Za-z]{0,3}\d{6})([A-Za-z]*)(\d*))')
_PREFIXED_CELL = re.compile(rb':c[ \t\r\n>/]')
_HUGE = 1 << 62


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _xlsx_quick_extent(chunks: Iterator[bytes]) -> tuple[int, int]:
    """An upper bound of (rows, columns) in one pass; (huge, huge) when unsure."""
    rows, cols = 99_999, 26  # refs that are not "far" stay inside A1:Z99999
    for chunk in chunks:
        far = set(_CELL_SCAN.findall(chunk))
        if (b"", b"") in far or _PREFIXED_CELL.search(chunk):
            return _HUGE, _HUGE
        for letters, digits in far:
            if letters:
                cols = max(cols, _col_number(letters) if len(letters) < 8 else _HUGE)
            if digits:
                rows = max(rows, int(digits) if len(digits) < 12 else _HUGE)
    return rows, cols


_TAG = re.compile(rb'<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>')
_R_ATTR = re.compile(rb'(?:^|[\s"\'])r\s*=\s*["\']\s*([A-Za-z]*)(\d*)')


def _xlsx_exact_extent(chunks: Iterator[bytes]) -> tuple[int, int]:
    """(last row, last column) of the cells that can hold a value, walking every tag.

    Follows the reader: a cell's own reference wins; without one it is the next
    cell of the current row (rows without a number follow the previous row).
    """
    row = col = max_row = max_col = 0
    for chunk in chunks:
        for m in _TAG.finditer(chunk):
            ref = _R_ATTR.search(m.group(2))
            letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
            if m.group(1) == b"row":
                row = int(digits[:12]) if digits else row + 1
                col = 0
                continue
            col = _col_number(letters[:8]) if letters else col + 1
            cell_row = int(digits[:12]) if digits else row
            if not m.group(3):  # <c .../> holds no value: the reader skips it
                max_row, max_col = max(max_row, cell_row), max(max_col, col)
    return max_row, max_col


_ODS_ROW = re.compile(rb'<table:table-row(?=[\s/>])([^>]*?)(?:/>|>(.*?)</table:table-row>)', re.S)
_ODS_REP_ROWS = re.compile(rb'number-rows-repeated\s*=\s*["\'](\d+)')
_ODS_REP_COLS = re.compile(rb'number-columns-repeated\s*=\s*["\'](\d+)')


def _ods_extent(chunks: Iterator[bytes]) -> tuple[int, int]:
    """Largest (rows, columns) of an ODS table, counting repeated rows and cells.

    Repeated rows and cells count in full when they hold something; empty
    repeats at the end of a row or a table (LibreOffice writes them up to
    column 1024 and row 1048576) do not.
    """
    best = (0, 0)
    rows = pending = width = 0
    for chunk in chunks:
        pieces = chunk.split(b"<table:table ")
        for i, piece in enumerate(pieces):
            if i:  # a new table starts
                if rows * width > best[0] * best[1]:
                    best = (rows, width)
                rows = pending = width = 0
            for m in _ODS_ROW.finditer(piece):
                rep = _ODS_REP_ROWS.search(m.group(1))
                n = int(rep.group(1)[:12]) if rep else 1
                body = m.group(2) or b""
                if b"office:value" not in body and b"<text:" not in body:
                    pending += n
                    continue
                rows += pending + n
                pending = 0
                reps = [int(x[:12]) for x in _ODS_REP_COLS.findall(body)]
                w = (body.count(b"<table:table-cell") + body.count(b"<table:covered-table-cell")
                     + sum(reps) - len(reps))
                last = body.rfind(b"<table:")
                trailing = body[last:]
                if reps and trailing.rstrip().endswith(b"/>") and b"office:value" not in trailing:
                    t = _ODS_REP_COLS.search(trailing)
                    w -= int(t.group(1)[:12]) if t else 0
                width = max(width, w)
    if rows * width > best[0] * best[1]:
        best = (rows, width)
    return best


def inspect_ole(path: Path, data: bytes) -> str:
    """Classify an OLE2 (compound file) container: only a BIFF ``.xls`` is readable."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise fail(path, "is password-protected; save an unprotected copy and import that")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        raise fail(path, "is a Word document, not a table")
    raise fail(path, "is an old Office file that is not a spreadsheet")


def describe_cell_limit(chars: int) -> str:
    """The ragged-row reason for a row refused because of one enormous cell."""
    return f"a cell holds {chars:,} characters (limit {MAX_CELL_CHARS:,})"
