"""Read one big xlsx worksheet in pieces, so that checking, parsing and converting overlap.

calamine parses a whole worksheet in Rust (without the GIL) before Python sees a
cell, and the size guard of :mod:`safety` must read the same XML before that. For a
big sheet of a plain shape this module inflates the sheet XML once, cuts its rows
into pieces of a few MB just after ``</row>`` tags, checks each piece, and has
calamine parse a small stored workbook per piece on worker threads, while the
main thread checks the next piece and turns finished ones into Arrow columns.

A piece parses exactly like the same rows inside the whole sheet: calamine keeps
no state across rows but the row counter, which the first ``<row r="...">`` of
every piece resets, and cells are placed by their own references. The guard is at
least as strict as :func:`safety.check_sheet_extents`: every cell must start with
a plain reference inside a bound (the sheet's ``<dimension>``, else the widest of
its first rows by as many rows as the cell budget allows) whose area is small.
Anything else (a cell without a plain reference or outside the bound, prefixed
cells, pieces that overlap, a calamine error) makes :func:`read` return None
*before* calamine sees anything unchecked; the caller then reads the sheet the
ordinary way, so the result never differs.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import python_calamine as calamine

from gtmplanner.core.errors import GtmError
from gtmplanner.core.io import safety, sniff

#: Inflated sheet XML per piece (more if the workbook's other parts are big).
PIECE_BYTES = 6 << 20
#: Sheets with less XML than this, or fewer pieces, are read whole (pieces would not pay).
MIN_SHEET_BYTES = 16 << 20
MIN_PIECES = 3
#: A piece is at least this many times the workbook's other parts (read once per piece).
SHELL_FACTOR = 2
#: Threads parsing pieces (calamine releases the GIL) and pieces handed to them at most.
WORKERS = 2
_IN_FLIGHT = 3
_CLOSE = b"</sheetData></worksheet>"


@dataclass
class Pieces:
    """A sheet read in pieces; rows and columns are counted from its first cell."""

    head: list[list[Any]]  # the first rows as calamine gives them, padded to the sheet width
    columns: list[pa.Array]  # every column of the sheet as cleaned text, ``n`` rows
    start: tuple[int, int] | None  # 0-based (row, column) of the first cell; None: no cells
    n: int  # rows up to the last one that is not blank
    merged: list | None  # calamine's merged_cell_ranges


class _Decline(Exception):
    """The sheet is not plain enough to be read in pieces."""


# ----------------------------------------------------------------------------------------
# which zip member holds the sheet

_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*>")
_REL_TAG = re.compile(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {k: a or b for k, a, b in _ATTR.findall(tag)}


def sheet_member(path: Path, name: str) -> str | None:
    """The zip member holding worksheet ``name`` if it is big enough for pieces, else None."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.NameToInfo
            wb_info, rels_info = infos.get("xl/workbook.xml"), infos.get(
                "xl/_rels/workbook.xml.rels")
            if wb_info is None or rels_info is None or max(
                    wb_info.file_size, rels_info.file_size) > (4 << 20):
                return None
            if not any(i.file_size >= MIN_SHEET_BYTES for i in zf.infolist()):
                return None
            workbook, rels = zf.read(wb_info), zf.read(rels_info)
            parts = safety.worksheet_parts(zf)
    except Exception:  # noqa: BLE001 - the ordinary path reports a damaged file
        return None
    rid = None
    for tag in _SHEET_TAG.findall(workbook):
        attrs = _attrs(tag)
        if html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace")) == name:
            rid = next((v for k, v in attrs.items() if k == b"id" or k.endswith(b":id")), None)
            break
    for tag in _REL_TAG.findall(rels) if rid else ():
        attrs = _attrs(tag)
        if attrs.get(b"Id") == rid and attrs.get(b"Type", b"").endswith(b"/worksheet"):
            target = html.unescape(attrs.get(b"Target", b"").decode("utf-8", "replace"))
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            if member in parts and infos[member].file_size >= MIN_SHEET_BYTES:
                return member
            return None
    return None


# ----------------------------------------------------------------------------------------
# the guard: cells with plain references inside the declared dimension

_DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]{1,3}[1-9][0-9]{0,6}:)?'
                        rb'([A-Z]{1,3})([1-9][0-9]{0,6})"')
_REF_COL = re.compile(rb'<c r="([A-Z]{1,3})[1-9]')
_FIRST_ROW = re.compile(rb'\s*<row[ \t\r\n]+r="[1-9]')
_PREFIXED_CELL = re.compile(rb":c[ \t\r\n>/]")
_ROOT = re.compile(rb'(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?<worksheet[\s>]')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _at_most(text: str, symbols: str, lowest: str) -> str:
    """A regex for the strings over ``symbols`` (in order, not starting with a symbol
    below ``lowest``) that are at most ``text``: shorter ones, or as long and not greater."""
    def cls(lo: str, hi: str) -> str:
        return lo if lo == hi else f"[{lo}-{hi}]"

    first, last = symbols.index(lowest), len(symbols) - 1
    alts = []
    for i, ch in enumerate(text):
        lo = symbols[first] if i == 0 else symbols[0]
        k = symbols.index(ch)
        if k > symbols.index(lo):
            alts.append(text[:i] + cls(lo, symbols[k - 1])
                        + (f"{cls(symbols[0], symbols[last])}{{{len(text) - i - 1}}}"
                           if i < len(text) - 1 else ""))
    alts.append(text)
    if len(text) > 1:
        shorter = cls(symbols[first], symbols[last]) + (
            f"{cls(symbols[0], symbols[last])}{{0,{len(text) - 2}}}" if len(text) > 2 else "")
        alts.append(shorter)
    return "|".join(alts)


@lru_cache(maxsize=16)
def _beyond(last_row: int, last_col: int) -> re.Pattern[bytes]:
    """A cell tag that does not start with a plain reference inside rows 1..last_row and
    columns 1..last_col (calamine could place it elsewhere, or by the row it is in)."""
    letters = ""
    n = last_col
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    cols = _at_most(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "A")
    rows = _at_most(str(last_row), "0123456789", "1")
    return re.compile(f'<c(?! r="(?:{cols})(?:{rows})")[\\s>/]'.encode())


def _plain(part: bytes, beyond: re.Pattern[bytes]) -> bool:
    return beyond.search(part) is None and _PREFIXED_CELL.search(part) is None


# ----------------------------------------------------------------------------------------
# stored workbooks: the other parts copied as they are, the piece of sheet stored

_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")


def _entry(name: bytes, method: int, crc: int, csize: int, usize: int,
           offset: int) -> tuple[bytes, bytes]:
    local = _LOCAL.pack(b"PK\x03\x04", 20, 0x800, method, 0, 0x21, crc, csize, usize,
                        len(name), 0) + name
    central = _CENTRAL.pack(b"PK\x01\x02", 20, 20, 0x800, method, 0, 0x21, crc, csize, usize,
                            len(name), 0, 0, 0, 0, 0, offset) + name
    return local, central


@dataclass
class _Shell:
    """Every part of the workbook except its worksheets, ready to prepend to a piece."""

    body: bytes
    central: bytes
    count: int
    unpacked: int  # inflated size of those parts (calamine reads them once per piece)

    @classmethod
    def of(cls, path: Path, zf: zipfile.ZipFile) -> _Shell:
        skip = set(safety.worksheet_parts(zf))
        body: list[bytes] = []
        central: list[bytes] = []
        offset = unpacked = 0
        with path.open("rb") as fh:
            for info in zf.infolist():
                if info.filename in skip or info.is_dir():
                    continue
                if info.flag_bits & 1 or max(info.compress_size, info.file_size,
                                             info.header_offset) >= 0xFFFFFFFF:
                    raise _Decline
                fh.seek(info.header_offset)
                head = fh.read(30)
                if len(head) < 30 or head[:4] != b"PK\x03\x04":
                    raise _Decline
                n, m = struct.unpack_from("<HH", head, 26)
                fh.seek(info.header_offset + 30 + n + m)
                data = fh.read(info.compress_size)
                if len(data) != info.compress_size:
                    raise _Decline
                local, cen = _entry(info.filename.encode("utf-8"), info.compress_type, info.CRC,
                                    info.compress_size, info.file_size, offset)
                body += (local, data)
                central.append(cen)
                offset += len(local) + len(data)
                unpacked += info.file_size
        if len(central) >= 0xFFFF:
            raise _Decline
        return cls(b"".join(body), b"".join(central), len(central), unpacked)

    def write(self, target: str, member: bytes, xml: tuple[bytes, ...]) -> None:
        crc = 0
        size = 0
        for part in xml:
            crc = zlib.crc32(part, crc)
            size += len(part)
        local, cen = _entry(member, 0, crc, size, size, len(self.body))
        cd = self.central + cen
        end = _END.pack(b"PK\x05\x06", 0, 0, self.count + 1, self.count + 1, len(cd),
                        len(self.body) + len(local) + size, 0)
        with open(target, "wb") as fh:
            fh.write(self.body)
            fh.write(local)
            for part in xml:
                fh.write(part)
            fh.write(cd)
            fh.write(end)


def _parse(target: str, name: str) -> Any:
    """(worker thread) calamine's sheet for one piece; the GIL is free while it parses."""
    try:
        with calamine.CalamineWorkbook.from_path(target) as wb:
            return wb.get_sheet_by_name(name)
    finally:
        try:
            os.unlink(target)
        except OSError:  # (a virus scanner holding it): the folder goes at the end
            pass


# ----------------------------------------------------------------------------------------
# pieces -> columns


@dataclass
class _Joined:
    """Converted pieces, joined into one sheet at the end."""

    head_rows: int
    parts: list[tuple[int, int, int, list[pa.Array]]] = field(default_factory=list)
    head: list[tuple[int, list[Any]]] = field(default_factory=list)  # (first col, raw row)
    end_row: int = -1  # last row of the pieces so far
    last_filled: int = -1  # last row that is not blank
    merged: list | None = None

    def add(self, sh: Any, final: bool) -> None:
        if final:
            self.merged = sh.merged_cell_ranges
        if sh.start is None:
            return
        (r0, c0), (r1, _) = sh.start, sh.end
        if self.parts and r0 <= self.end_row:
            raise _Decline  # pieces overlap: calamine would mix their cells
        rows = sh.to_python()
        width = sh.width
        if len(rows) != r1 - r0 + 1 or any(len(r) != width for r in rows[:1]):
            raise _Decline
        gap = r0 - self.end_row - 1 if self.parts else 0
        room = self.head_rows - len(self.head)
        if room > 0:
            self.head += [(c0, [])] * min(gap, room)
            self.head += [(c0, r) for r in rows[: max(room - gap, 0)]]
        for i in range(len(rows) - 1, -1, -1):
            if rows[i].count("") != width:
                self.last_filled = r0 + i
                break
        self.parts.append((r0, c0, len(rows), sniff.columns(rows, width)))
        self.end_row = r1

    def finish(self) -> Pieces:
        if not self.parts:
            return Pieces([], [], None, 0, self.merged)
        top = self.parts[0][0]
        left = min(p[1] for p in self.parts)
        width = max(p[1] + len(p[3]) for p in self.parts) - left
        n = max(self.last_filled - top + 1, 0)
        columns = []
        for j in range(width):
            chunks: list[pa.Array] = []
            row = top
            for r0, c0, height, arrays in self.parts:
                if r0 > row:
                    chunks.append(pa.nulls(r0 - row, pa.large_string()))
                k = left + j - c0
                chunks.append(arrays[k] if 0 <= k < len(arrays)
                              else pa.nulls(height, pa.large_string()))
                row = r0 + height
            col = chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks)
            columns.append(col if len(col) == n else col.slice(0, n))
        head = [[""] * (c0 - left) + r + [""] * (width - (c0 - left) - len(r)) if r
                else [""] * width for c0, r in self.head[:n]]
        return Pieces(head, columns, (top, left), n, self.merged)


# ----------------------------------------------------------------------------------------
# the pipeline


def read(path: Path, name: str, member: str, step: Callable[[float, str], None], *,
         head_rows: int, max_cells: int) -> Pieces | None:
    """Worksheet ``name`` (stored in ``member``) read in pieces, or None to read it whole.

    ``max_cells`` bounds the declared dimension. Raises what ``step`` raises.
    """
    tmp = None
    try:
        with zipfile.ZipFile(path) as zf:
            shell = _Shell.of(path, zf)
            size = zf.getinfo(member).file_size
            piece = max(PIECE_BYTES, SHELL_FACTOR * shell.unpacked)
            if size < max(MIN_PIECES * piece, MIN_SHEET_BYTES):
                return None
            tmp = tempfile.mkdtemp(prefix="gtm-xlsx-")
            with zf.open(member) as stream:
                return _run(stream, size, shell, tmp, name, member.encode("utf-8"), piece, step,
                            head_rows, max_cells)
    except GtmError:
        raise
    except Exception:  # noqa: BLE001 - _Decline, calamine, zip and zlib errors: read it whole
        return None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(stream: Any, size: int, shell: _Shell, tmp: str, name: str, member: bytes,
         piece: int, step: Callable[[float, str], None], head_rows: int,
         max_cells: int) -> Pieces:
    buf = b""
    while (at := buf.find(b"<sheetData>")) < 0 and len(buf) < max(4 * piece, 1 << 20):
        block = stream.read(piece)
        if not block:
            break
        buf += block
    prefix = buf[: at + len(b"<sheetData>")]
    if at < 0 or not _ROOT.match(prefix) or prefix.count(b"sheetData") != 1:
        raise _Decline
    limit = min(max_cells, safety.MAX_SHEET_CELLS)
    dim = _DIMENSION.search(prefix)
    if dim is not None:
        last_row, last_col = int(dim.group(2)), _col_number(dim.group(1))
    else:  # no dimension: the widest of the first rows, and as many rows as the limit allows
        while len(buf) < len(prefix) + (256 << 10) and (block := stream.read(piece)):
            buf += block
        cols = set(_REF_COL.findall(buf, len(prefix), len(prefix) + (256 << 10)))
        last_col = max((_col_number(c) for c in cols), default=limit + 1)
        last_row = min(limit // last_col, 1_048_576)
    if last_row * last_col > limit or last_row < 1:
        raise _Decline
    beyond = _beyond(last_row, last_col)
    if not _plain(prefix, beyond):
        raise _Decline
    buf = buf[len(prefix):]
    eof = False
    joined = _Joined(head_rows)
    pending: deque[tuple[Future[Any], bool]] = deque()
    pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="gtm-xlsx")
    count = 0
    seen = 0  # bytes of buf already searched for </sheetData>
    try:
        while True:
            end = buf.find(b"</sheetData>", max(0, seen - 12))
            seen = len(buf)
            if end < 0 and len(buf) < piece and not eof:
                block = stream.read(piece)
                buf, eof = buf + block, not block
                continue
            final = end >= 0
            if final:
                region, xml_end = buf[:end], buf[end:] + stream.read()
                if xml_end.count(b"sheetData") != 1 or not _plain(xml_end, beyond):
                    raise _Decline
            else:
                cut = buf.rfind(b"</row>") + len(b"</row>")
                if cut < len(b"</row>"):
                    if eof or len(buf) > 4 * piece:
                        raise _Decline  # no </sheetData>, or rows without </row>
                    block = stream.read(piece)
                    buf, eof = buf + block, not block
                    continue
                region, buf, xml_end = buf[:cut], buf[cut:], _CLOSE
                seen -= cut
            if count and not _FIRST_ROW.match(region) and region.strip():
                raise _Decline  # the row counter would not be reset
            if not _plain(region, beyond):
                raise _Decline
            target = os.path.join(tmp, f"p{count}.xlsx")
            shell.write(target, member, (prefix, region, xml_end))
            pending.append((pool.submit(_parse, target, name), final))
            count += 1
            step(0.05 + 0.3 * min(1.0, stream.tell() / max(size, 1)),
                 f"Reading rows of sheet '{name}'")
            while pending and (final or len(pending) > _IN_FLIGHT or pending[0][0].done()):
                fut, last = pending.popleft()
                joined.add(fut.result(), last)
            if final:
                break
    finally:
        for fut, _ in pending:
            fut.cancel()
        pool.shutdown(wait=True)
    return joined.finish()
