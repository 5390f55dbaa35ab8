"""Text files and text cells: encoding, delimiter, ``sep=`` line, tokenising, Arrow columns.

Encodings are *detected*: a byte-order mark wins; UTF-16 without a BOM is
recognised by its zero bytes; valid UTF-8 is UTF-8; anything else goes to
charset-normalizer, restricted to the code pages spreadsheets and CRMs really
write, with the Windows Western code page (cp1252, a superset of latin-1)
preferred when its decoding reads as Western text.

The second half turns cells (CSV fields or typed sheet values) into cleaned
Arrow text columns: null markers, trimming, NBSP, whole numbers without ".0".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import math
import re
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import charset_normalizer
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from gtmplanner.core.io.textfile import FileText, count_byte

# Python's csv module refuses fields over 128 KB by default; big cells are
# refused per row by the reader instead, so lift the module-wide limit once.
if csv.field_size_limit() < (1 << 30):
    csv.field_size_limit(1 << 30)

#: Delimiters we try, in order of preference on a tie.
DELIMITERS = (",", "\t", ";", "|")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Code pages charset-normalizer may choose from (what exports really use).
_CANDIDATES = [
    "cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "cp1253", "cp1254",
    "cp1257", "iso8859_2", "mac_roman", "cp437", "cp850", "cp852", "koi8_r",
    "cp932", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr", "cp949",
]
# Western symbols that turn up in rosters and reports.
_WESTERN_SYMBOLS = set("€£¥©®™°§¶•…–—‘’‚“”„«»¿¡×÷µ·¢ ")
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?[,;\t|]*\s*$', re.IGNORECASE)


class NotText(Exception):
    """The bytes are not text in any encoding we know (binary junk)."""


def bom_encoding(data: bytes) -> str | None:
    """The encoding announced by a byte-order mark, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def utf16_without_bom(sample: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by the zero high bytes of ASCII characters."""
    n = len(sample) // 2 * 2
    if n < 8:
        return None
    u = np.frombuffer(sample[:n], np.uint8)
    even, odd = u[0::2], u[1::2]
    zeros_even = float(np.mean(even == 0))
    zeros_odd = float(np.mean(odd == 0))
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _non_ascii_lines(data: bytes, limit: int = 64 * 1024) -> bytes:
    """The lines that hold non-ASCII bytes (the only informative ones), up to ``limit``."""
    u = np.frombuffer(data, np.uint8)
    hi = np.flatnonzero(u >= 0x80)
    if not len(hi):
        return data[:limit]
    parts: list[bytes] = []
    size = 0
    pos = -1
    for p in hi[:: max(1, len(hi) // 4000)]:
        p = int(p)
        if p <= pos:
            continue
        start = data.rfind(b"\n", max(0, p - 400), p) + 1
        end = data.find(b"\n", p, p + 400)
        end = p + 1 if end < 0 else end
        parts.append(data[max(start, pos + 1) : end])
        size += end - start
        pos = end
        if size > limit:
            break
    return b"\n".join(parts)


def _western_plausible(text: str) -> bool:
    """True when the non-ASCII characters of ``text`` read as Western European text.

    Accented letters must sit inside words that also hold ASCII letters
    ("Chloé", "Müller"), or be common symbols ("€", "©", curly quotes). A
    Cyrillic or Central-European file decoded as cp1252 fails this.
    """
    good = bad = 0
    for word in re.findall(r"[^\s,;|\t\"'()\[\]/\\.:]+", text):
        if word.isascii():
            continue
        has_ascii_letter = any("a" <= ch.lower() <= "z" for ch in word)
        for ch in word:
            if ch.isascii():
                continue
            if ch in _WESTERN_SYMBOLS:
                good += 1
            elif unicodedata.category(ch).startswith("L") and "\u00c0" <= ch <= "\u00ff":
                good += 1 if has_ascii_letter or len(word) <= 2 else 0
                bad += 0 if has_ascii_letter or len(word) <= 2 else 1
            else:
                bad += 1
    return good > 0 and bad <= 0.1 * (good + bad)


def detect_encoding(data: bytes) -> tuple[str, bool]:
    """Detect the text encoding of ``data``: (Python codec name, decodes without errors).

    Raises :class:`NotText` for binary data.
    """
    bom = bom_encoding(data)
    if bom:
        return bom, bom != "utf-8-sig" or _is_utf8(data[3:])
    head = data[: 64 * 1024]
    utf16 = utf16_without_bom(head[:4096])
    if utf16:
        return utf16, False
    if head.count(b"\x00") > max(2, len(head) // 200):
        raise NotText("zero bytes")
    try:
        data.decode("utf-8")
        return "utf-8", True
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason.startswith("unexpected end"):
            return "utf-8", False  # a file cut in the middle of its last character
    sample = _non_ascii_lines(data)
    results = charset_normalizer.from_bytes(sample, cp_isolation=_CANDIDATES)
    best = results.best()
    cp1252_text = sample.decode("cp1252", errors="replace")
    if best is None:
        if _western_plausible(cp1252_text):
            return "cp1252", False
        raise NotText("no encoding fits")
    name = codecs.lookup(best.encoding).name
    if name == "cp1252":
        return name, False
    latin_like = {"latin-1", "iso8859-1", "iso8859-15", "cp1250", "cp1257", "cp437",
                  "cp850", "cp852", "cp775", "mac-roman", "iso8859-2"}
    if (name in latin_like or len(results) > 1) and _western_plausible(cp1252_text):
        return "cp1252", False
    return name, False


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def looks_binary(text: str) -> bool:
    """True when ``text`` is mostly control characters (a decoded binary file)."""
    sample = text[:20000]
    if not sample:
        return False
    ctrl = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f\v")
    ctrl += sample.count("\ufffd")
    return ctrl > max(3, len(sample) // 50)


def sep_line(first_line: str) -> str | None:
    """The delimiter announced by an Excel ``sep=;`` first line, if any."""
    m = _SEP_LINE.match(first_line)
    return m.group(1) if m else None


def parse_rows(
    text: str, delimiter: str, first_line: int = 1, limit: int | None = None
) -> tuple[list[list[str]], list[int]]:
    """Tokenise CSV ``text``; return the records and the 1-based line each starts on.

    Blank lines come back as empty lists so that line numbers stay exact.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        quotechar='"', doublequote=True, strict=False)
    rows: list[list[str]] = []
    starts: list[int] = []
    prev = 0
    append_row, append_start = rows.append, starts.append
    try:
        for row in reader:
            append_row(row)
            append_start(first_line + prev)
            prev = reader.line_num
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise ValueError(f"line {first_line + prev}: {exc}") from exc
    return rows, starts


def sniff_delimiter(sample: str) -> str:
    """Choose the delimiter whose rows have the most consistent width in ``sample``."""
    best, best_score = ",", 0.0
    for delim in DELIMITERS:
        if delim not in sample:
            continue
        try:
            rows, _ = parse_rows(sample, delim, limit=300)
        except ValueError:
            continue
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if len(widths) > 3:
            widths = widths[len(widths) // 3 :]  # the data, not a preamble
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = count * math.log2(width)
        if score > best_score:
            best, best_score = delim, score
    return best


def rectangle(body: list[list[str]], nums: np.ndarray, ncols: int
              ) -> tuple[list[list[str]], np.ndarray, int, list[tuple[int, str]]]:
    """Pad short CSV records, cut empty overflow, and set aside ragged ones.

    Returns the rows (all ``ncols`` long), their line numbers, the column count
    and the ragged records as (line, reason).
    """
    out: list[tuple[int, str]] = []
    widths = np.fromiter(map(len, body), np.int64, len(body))
    over = np.flatnonzero(widths > ncols)
    ragged = [i for i in over if any(c.strip() for c in body[i][ncols:])]
    filled = int(np.count_nonzero(widths > 0))
    if ragged and len(ragged) >= 0.9 * filled and filled >= 3:
        ncols, ragged = int(widths.max()), []  # a column the header forgot to name
    if ragged:
        for i in ragged:
            used = max(j for j, c in enumerate(body[i]) if c.strip()) + 1
            out.append((int(nums[i]), f"has {used} values but the header has {ncols} "
                        "columns (an unquoted delimiter inside a value?)"))
        drop = set(ragged)
        keep = [i for i in range(len(body)) if i not in drop]
        body, nums, widths = [body[i] for i in keep], nums[keep], widths[keep]
    if not (widths == ncols).all():
        pad = [""] * ncols
        body = [r if len(r) == ncols else (r + pad[len(r):] if len(r) < ncols else r[:ncols])
                for r in body]
    return body, nums, ncols, out


def line_byte(buf: Any, origin: int, lines_down: int) -> int:
    """Byte offset (relative to ``origin``) of the line ``lines_down`` lines below it.

    ``buf`` is bytes or a :class:`FileText`.
    """
    pos = origin
    for _ in range(lines_down):
        found = buf.find(b"\n", pos)
        if found < 0:
            raise ValueError("line_byte: fewer lines than asked for")
        pos = found + 1
    return pos - origin


def mode_width(rows: list[list[str]]) -> int:
    """The most common field count among the first non-blank ``rows``."""
    widths = [len(r) for r in rows[:200] if r]
    return max(set(widths), key=widths.count) if widths else 0


def record_lines(body: bytes | memoryview, first_line: int, quoted: bool) -> np.ndarray:
    """1-based line on which each non-blank record of ``body`` starts.

    A newline ends a record when an even number of quote characters precede
    it (RFC 4180 quoting); the caller checks the count against the parser's.
    """
    u = np.frombuffer(body, np.uint8)
    nl = np.flatnonzero(u == 10)
    ends = nl
    if quoted:
        q = np.flatnonzero(u == 34)
        ends = nl[(np.searchsorted(q, nl) & 1) == 0]
    rec_starts = np.concatenate(([0], ends + 1))
    rec_stops = np.concatenate((ends, [len(u)]))
    if len(rec_starts) and rec_starts[-1] >= len(u):
        rec_starts, rec_stops = rec_starts[:-1], rec_stops[:-1]
    length = rec_stops - rec_starts
    first = u[np.minimum(rec_starts, max(len(u) - 1, 0))] if len(u) else np.zeros(0, np.uint8)
    blank = (length == 0) | ((length == 1) & (first == 13))
    return (first_line + np.searchsorted(nl, rec_starts[~blank])).astype(np.int64)


def arrow_body(
    data: bytes | FileText, start: int, end: int, delimiter: str, ncols: int, first_line: int,
    null_values: list[str],
) -> tuple[pa.Table, np.ndarray] | None:
    """Parse the data rows ``data[start:end]`` of a big CSV with pyarrow, all as text.

    Returns the table and the line each row starts on, or None when the body
    is not a clean rectangle (ragged rows, odd quoting) or holds a zero byte:
    the caller then uses the tolerant csv-module path. ``data`` is bytes or a
    :class:`FileText` (pyarrow then reads the file itself and checks that every
    value is UTF-8).
    """
    names = [f"c{i}" for i in range(ncols)]
    errors: list[str] = []

    def parse(source: Any, newlines_in_values: bool) -> pa.Table | None:
        try:
            return pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(column_names=names, block_size=2 << 20),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, quote_char='"', double_quote=True,
                    newlines_in_values=newlines_in_values, ignore_empty_lines=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.large_string()), null_values=null_values,
                    strings_can_be_null=True, quoted_strings_can_be_null=True),
            )
        except (pa.ArrowException, ValueError, OverflowError) as exc:
            errors.append(str(exc))
            return None

    if isinstance(data, FileText):
        with data.stream(start, end) as stream:  # line ends counted as pyarrow reads
            table = parse(stream, False)
        bad = stream.zero or stream.short or any("UTF8" in e for e in errors)
        newlines = -1 if bad else stream.newlines  # (not UTF-8: the caller re-reads it all)
        last = stream.last
    else:
        view = memoryview(data)[start:end]
        # Count the line ends (and look for zero bytes) while pyarrow parses: its threads
        # leave part of a core idle.
        with ThreadPoolExecutor(1) as pool:
            counted = pool.submit(count_byte, view, 10, zero=True)
            table = parse(pa.py_buffer(view), False)
            newlines = counted.result()
        last = data[end - 1] if end > start else -1
    if newlines < 0:
        return None
    if table is not None:
        # pyarrow skips blank lines and a quoted newline joins two lines, so as
        # many lines as rows means one line per record: the usual case.
        n_lines = newlines + (end > start and last != 10)
        if n_lines == table.num_rows:
            return table, np.arange(first_line, first_line + n_lines, dtype=np.int64)
    if isinstance(data, FileText):  # the rare cases below need the bytes
        data, start, end = data[start:end], 0, end - start
    view = memoryview(data)[start:end]
    quoted = data.find(b'"', start, end) >= 0
    lines = record_lines(view, first_line, quoted)
    if table is not None and len(lines) == table.num_rows:
        return table, lines
    if not quoted:
        return None
    table = parse(pa.py_buffer(view), True)  # a quoted value spans a block boundary
    if table is None or len(lines) != table.num_rows:
        return None
    return table, lines


# ----------------------------------------------------------------------------------------
# cells -> Arrow text columns

#: Cell values that mean "no value" (compared case-insensitively, after trimming).
NULL_MARKERS: frozenset[str] = frozenset({
    "", "-", "--", "---", "n/a", "na", "n.a.", "#n/a", "null", "none", "nil",
    "(blank)", "(none)", "<blank>",
})


def _case_variants(word: str) -> set[str]:
    options = [(c.lower(), c.upper()) if c.isalpha() else (c,) for c in word]
    return {"".join(p) for p in itertools.product(*options)}


NULL_VARIANTS = sorted(set().union(*(_case_variants(m) for m in NULL_MARKERS)))
_NULL_SET = pa.array(NULL_VARIANTS, pa.large_string())
_TRIM_CHARS = " \t\r\n\u00a0\u2007\u202f\u3000\ufeff"
_WS_FIRST = np.zeros(256, bool)
_WS_FIRST[[0x20, 0x09, 0x0A, 0x0D, 0xC2, 0xE2, 0xE3, 0xEF]] = True
_WS_LAST = np.zeros(256, bool)
_WS_LAST[[0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x87, 0xAF, 0x80, 0xBF]] = True
_MARKER_FIRST = np.zeros(256, bool)
_MARKER_FIRST[[ord(m[0]) for m in NULL_VARIANTS if m]] = True
_MAX_MARKER_BYTES = max(len(m) for m in NULL_MARKERS)


def cell_text(v: Any) -> str:
    """A sheet cell as the text a person sees (integers without '.0', ISO dates)."""
    if v.__class__ is str:
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return ""
        # + 0.0 turns -0.0 into 0, as the whole-number blocks of :func:`columns` do
        return f"{v + 0.0:.0f}" if v.is_integer() and abs(v) < 1e17 else f"{v:.15g}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(" ", "milliseconds" if v.microsecond else "seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat("milliseconds" if v.microsecond else "seconds")
    if isinstance(v, dt.timedelta):
        secs = int(v.total_seconds())
        sign, secs = ("-", -secs) if secs < 0 else ("", secs)
        return f"{sign}{secs // 3600}:{secs // 60 % 60:02d}:{secs % 60:02d}"
    return "" if v is None else str(v)


def columns(rows: list, ncols: int, chunk: int = 1000) -> list[pa.Array]:
    """Equal-length rows of cells -> one cleaned Arrow large_string column per position.

    Rows are transposed a thousand at a time, while their cells are still in
    the CPU cache; each text block is joined into one string (a C loop) and the
    Arrow offsets are found with numpy, so no Python code runs per cell for text.
    Blocks of whole numbers go through numpy and one Arrow cast.
    """
    texts: list[list[str]] = [[] for _ in range(ncols)]  # pending joined text blocks
    counts = [0] * ncols
    firsts = [0] * ncols  # the row where the pending text of a column starts
    nums: list[list[np.ndarray]] = [[] for _ in range(ncols)]  # pending integer blocks
    segments: list[list[tuple[pa.Array, tuple[bool, bool, bool]]]] = [[] for _ in range(ncols)]

    def flush_text(j: int) -> None:
        if texts[j]:
            seg = _joined_to_arrow("\x00".join(texts[j]), counts[j])
            if seg is None:  # zero bytes inside values: rebuild these cells one by one
                cells = [(c if c.__class__ is str else cell_text(c)).replace("\x00", "")
                         for r in rows[firsts[j] : firsts[j] + counts[j]] for c in r[j : j + 1]]
                seg = _joined_to_arrow("\x00".join(cells), len(cells))
            segments[j].append(seg)  # type: ignore[arg-type]
            texts[j], counts[j] = [], 0

    def flush_nums(j: int) -> None:
        if nums[j]:
            ints = pa.array(np.concatenate(nums[j]))
            segments[j].append((ints.cast(pa.large_string()), (False, False, False)))
            nums[j] = []

    for start in range(0, len(rows), chunk):
        for j, col in enumerate(zip(*rows[start : start + chunk], strict=True)):
            try:
                text = "\x00".join(col)
            except TypeError:
                ints = _whole_numbers(col)
                if ints is not None:
                    flush_text(j)
                    nums[j].append(ints)
                    continue
                text = "\x00".join([c if c.__class__ is str else cell_text(c) for c in col])
            flush_nums(j)
            if not counts[j]:
                firsts[j] = start
            texts[j].append(text)
            counts[j] += len(col)
    out = []
    for j in range(ncols):
        flush_nums(j)
        flush_text(j)
        parts = segments[j]
        if not parts:
            out.append(pa.array([], pa.large_string()))
            continue
        arr = parts[0][0] if len(parts) == 1 else pa.concat_arrays([p[0] for p in parts])
        hints = (any(p[1][0] for p in parts), any(p[1][1] for p in parts),
                 any(p[1][2] for p in parts))
        out.append(clean_column(arr, hints=hints))
    return out


def _whole_numbers(col: tuple) -> np.ndarray | None:
    """A block of float cells that are all whole numbers, as int64 (else None)."""
    if set(map(type, col)) != {float}:
        return None
    f = np.array(col, np.float64)
    if (np.isfinite(f) & (f == np.trunc(f)) & (np.abs(f) < 1e17)).all():
        return f.astype(np.int64)
    return None


def _joined_to_arrow(joined: str, n: int) -> tuple[pa.Array, tuple[bool, bool, bool]] | None:
    """NUL-joined text -> (Arrow large_string with '' as null, cleaning hints).

    None when a value itself holds a zero byte (the separators do not add up).
    """
    nbsp = "\u00a0" in joined
    raw = joined.encode("utf-8", "replace")
    u = np.frombuffer(raw, np.uint8)
    seps = np.flatnonzero(u == 0)
    if len(seps) != n - 1:
        return None
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    offsets[1:n] = seps - np.arange(n - 1)
    offsets[n] = len(raw) - (n - 1)
    lengths = np.diff(offsets)
    filled = lengths > 0
    nulls = n - int(np.count_nonzero(filled))
    validity = pa.py_buffer(np.packbits(filled, bitorder="little")) if nulls else None
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets),
                                           pa.py_buffer(raw.replace(b"\x00", b"")),
                                           validity, nulls)
    starts = (offsets[:-1] + np.arange(n))[filled]  # positions in ``raw``
    first, last = u[starts], u[starts + lengths[filled] - 1]
    trim = bool(_WS_FIRST[first].any() or _WS_LAST[last].any())
    marker = bool(((lengths[filled] <= _MAX_MARKER_BYTES) & _MARKER_FIRST[first]).any())
    return arr, (trim, marker, nbsp)


def _hints(chunk: pa.Array, *, marker: bool = True, nbsp: bool = True,
           scratch: np.ndarray | None = None) -> tuple[bool, bool, bool]:
    """Cheap looks at the raw buffers: (may need trimming, may hold a null marker, has NBSP).

    ``marker=False`` / ``nbsp=False`` skip a look whose answer the caller knows or
    does not need (reported as False). ``scratch``: an int64 array at least as long
    as the chunk, reused across columns (fresh big temporaries cost page faults).
    """
    n = len(chunk)
    if n == 0 or chunk.null_count == n:
        return False, False, False
    _, offs_buf, data_buf = chunk.buffers()
    dtype = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offs = np.frombuffer(offs_buf, dtype, n + 1, chunk.offset * np.dtype(dtype).itemsize)
    lo, hi = int(offs[0]), int(offs[-1])
    if data_buf is None or hi == lo:
        return False, False, False
    data = np.frombuffer(data_buf, np.uint8, hi)
    # First and last byte of every value; an empty value reads a neighbour's byte, which
    # can only make a look come out True (the kernels then run and find nothing to do).
    first = data.take(offs[:-1], mode="clip")
    idx = scratch[:n] if scratch is not None and len(scratch) >= n else np.empty(n, np.int64)
    np.subtract(offs[1:], 1, out=idx)
    last = data.take(idx, mode="clip")
    # Whitespace starts with a byte <= 0x20 or one of 0xC2/0xE2/0xE3/0xEF, ends with one
    # <= 0x20 or >= 0x80: min/max rule most columns out before the exact table look-up.
    trim = bool(((first.min() <= 0x20 or first.max() >= 0xC2) and _WS_FIRST[first].any())
                or ((last.min() <= 0x20 or last.max() >= 0x80) and _WS_LAST[last].any()))
    found_marker = False
    if marker:
        np.subtract(offs[1:], offs[:-1], out=idx)
        found_marker = bool(((idx <= _MAX_MARKER_BYTES) & _MARKER_FIRST[first]).any())
    found_nbsp = False
    if nbsp:
        body = data[lo:]
        if body.max() >= 0xC2:  # (NBSP is C2 A0; most columns have no byte that high)
            c2 = np.flatnonzero(body[:-1] == 0xC2)
            found_nbsp = bool(len(c2) and (body[c2 + 1] == 0xA0).any())
    return trim, found_marker, found_nbsp


def longest_value(chunk: pa.Array, scratch: np.ndarray | None = None) -> int:
    """Bytes in the longest value of a string array (0 when empty), from its offsets."""
    n = len(chunk)
    if n == 0:
        return 0
    dtype = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offs = np.frombuffer(chunk.buffers()[1], dtype, n + 1, chunk.offset * np.dtype(dtype).itemsize)
    out = scratch[:n] if scratch is not None and len(scratch) >= n else np.empty(n, np.int64)
    np.subtract(offs[1:], offs[:-1], out=out)
    return int(out.max())


def may_hold_nbsp(data: bytes | memoryview) -> bool:
    """False when ``data`` (UTF-8) certainly holds no NBSP: the usual case costs one memchr."""
    view = memoryview(data)
    pos = data.find(b"\xc2")
    for _ in range(64):
        if pos < 0:
            return False
        if view[pos + 1 : pos + 2] == b"\xa0":
            return True
        pos = data.find(b"\xc2", pos + 1)
    return True


def clean_column(arr: Any, *, markers_done: bool = False,
                 hints: tuple[bool, bool, bool] | None = None, nbsp: bool = True,
                 scratch: np.ndarray | None = None) -> Any:
    """Trim whitespace/NBSP, turn inner NBSP into spaces, null markers and '' into null.

    Works chunk by chunk and only runs the Arrow kernels a chunk needs (``hints``:
    may need trimming, may hold a null marker, holds NBSP; looked up if None).
    ``markers_done`` says exact null markers and '' were already nulled (pyarrow CSV);
    ``nbsp=False`` says the text certainly holds no NBSP.
    """
    if isinstance(arr, pa.ChunkedArray):
        chunks = [clean_column(c, markers_done=markers_done, nbsp=nbsp, scratch=scratch)
                  for c in arr.chunks]
        return pa.chunked_array(chunks, arr.type) if chunks else arr
    trim, marker, nbsp = hints if hints is not None else _hints(
        arr, marker=not markers_done, nbsp=nbsp, scratch=scratch)
    if trim:
        arr = pc.utf8_trim(arr, characters=_TRIM_CHARS)
    if nbsp:
        arr = pc.replace_substring(arr, "\u00a0", " ")
    if trim or nbsp or (marker and not markers_done):
        values = _NULL_SET if arr.type == pa.large_string() else _NULL_SET.cast(arr.type)
        mask = pc.or_(pc.is_in(arr, value_set=values), pc.equal(pc.binary_length(arr), 0))
        if pc.any(mask).as_py():
            arr = pc.if_else(mask, pa.scalar(None, arr.type), arr)
    return arr
