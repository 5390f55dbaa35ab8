"""Guards that keep the readers safe on hostile or broken files.

Everything here is cheap and runs *before* a parser sees the file: the magic
bytes say what the file really is (whatever its extension), the zip directory
of an xlsx/ods is checked for zip bombs, and an OLE2 container is told apart
from a password-protected workbook. Limits on cell and file size live here too.
"""

from __future__ import annotations

import zipfile
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


def inspect_zip(path: Path) -> str:
    """Classify a zip container as ``'xlsx'``, ``'xlsb'`` or ``'ods'`` and refuse zip bombs.

    Only the central directory is read (no member is inflated), so this is
    cheap even for a large workbook.
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
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise fail(path, "is an OpenDocument text or presentation, not a spreadsheet")
    if "xl/workbook.xml" in names:
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
