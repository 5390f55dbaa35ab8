"""read_table on bad and hostile files: one clear ImportFileError line, or a clean read."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from gtmplanner.core.errors import ImportFileError
from gtmplanner.core.io.readers import list_sheets, read_table


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _error(path: Path, **kwargs: object) -> str:
    with pytest.raises(ImportFileError) as err:
        read_table(path, **kwargs)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path.name}: ")
    return message


def _xlsx(tmp_path: Path, name: str = "r.xlsx") -> Path:
    path = tmp_path / name
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Roster")
    ws.write_row(0, 0, ["Name", "Email"])
    for r in range(1, 200):
        ws.write_row(r, 0, [f"Person {r}", f"p{r}@x.example"])
    wb.close()
    return path


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b",,,\n,,\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    assert _error(_write(tmp_path, "empty.csv", data)) == "empty.csv: the file is empty"


def test_header_only(tmp_path: Path) -> None:
    path = _write(tmp_path, "h.csv", "First Name,Last Name,Email\r\n\r\n")
    assert _error(path) == "h.csv: has a header but no rows"


@pytest.mark.parametrize(("data", "what"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document, not a table"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is an image (PNG), not a table"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "is an image (JPEG), not a table"),
    (bytes(range(256)) * 40, "is not a table (binary data, not text)"),
    (b"<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table>", "is a web page (HTML)"),
])
def test_not_a_table(tmp_path: Path, data: bytes, what: str) -> None:
    assert what in _error(_write(tmp_path, "roster.csv", data))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.csv") == "nope.csv: the file does not exist"
    (tmp_path / "dir.csv").mkdir()
    assert _error(tmp_path / "dir.csv") == "dir.csv: is a folder, not a file"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_xlsx(tmp_path: Path, keep: float) -> None:
    data = _xlsx(tmp_path).read_bytes()
    path = _write(tmp_path, "roster.xlsx", data[: int(len(data) * keep)])
    assert _error(path) == "roster.xlsx: the workbook is damaged (truncated or not a real xlsx)"
    with pytest.raises(ImportFileError, match="damaged"):
        list_sheets(path)


def test_corrupt_member_inside_a_valid_zip(tmp_path: Path) -> None:
    src = zipfile.ZipFile(_xlsx(tmp_path))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            z.writestr(info, data[: len(data) // 3] if "sheet1" in info.filename else data)
    path = _write(tmp_path, "bad.xlsx", out.getvalue())
    assert "damaged" in _error(path)


def _patched_sizes(data: bytes, member: str, size: int) -> bytes:
    """Rewrite a member's uncompressed size in the zip central directory (no real data)."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        name = bytes(buf[pos + 46: pos + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", buf, pos + 24, size)
        pos = buf.find(b"PK\x01\x02", pos + 46)
    return bytes(buf)


@pytest.mark.parametrize("size", [60 << 20, 0xFFFFFF00])
def test_zip_bomb_by_ratio_is_refused_before_calamine(tmp_path: Path, size: int) -> None:
    data = _patched_sizes(_xlsx(tmp_path).read_bytes(), "xl/worksheets/sheet1.xml", size)
    message = _error(_write(tmp_path, "bomb.xlsx", data))
    assert "looks like a zip bomb (member 'xl/worksheets/sheet1.xml' expands" in message


def test_zip_bomb_by_total_size(tmp_path: Path) -> None:
    out = io.BytesIO()
    names = [f"xl/media/image{i}.png" for i in range(30)]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "x")
        for name in names:
            z.writestr(name, "x" * 100)
    data = out.getvalue()
    for name in names:  # 30 members of 40 MB: each under the ratio rule, 1.2 GB in all
        data = _patched_sizes(data, name, 40 << 20)
    message = _error(_write(tmp_path, "big.xlsx", data))
    assert "looks like a zip bomb (it would expand to 1.2 GB)" in message


def test_other_zip_and_office_files(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    assert "is a Word document" in _error(_write(tmp_path, "r.xlsx", out.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("roster.csv", "Name\nAnn\n")
    assert "is a zip archive" in _error(_write(tmp_path, "r.zip", out.getvalue()))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode(
        "utf-16-le")
    assert "password-protected" in _error(_write(tmp_path, "locked.xlsx", ole))


def test_a_2mb_cell_refuses_only_its_row(tmp_path: Path) -> None:
    huge = "x" * (2 << 20)
    text = f"Name,Notes\nAnn,short\nBob,{huge}\nCy,\n"
    table = read_table(_write(tmp_path, "big.csv", text))
    assert table.frame["Name"].tolist() == ["Ann", "Cy"]
    assert table.ragged_rows == [(3, "a cell holds 2,097,152 characters (limit 100,000)")]


@pytest.mark.timeout(120)  # a hang guard (well under a second normally), not a speed bar
def test_ten_thousand_columns(tmp_path: Path) -> None:
    header = ",".join(f"Field {i}" for i in range(10_000))
    rows = "\n".join(",".join(f"v{r}.{i}" for i in range(10_000)) for r in range(3))
    table = read_table(_write(tmp_path, "wide.csv", header + "\n" + rows + "\n"))
    assert table.frame.shape == (3, 10_000) and table.frame.iloc[2, 9999] == "v2.9999"


def test_more_columns_than_excel_allows(tmp_path: Path) -> None:
    header = ",".join(f"F{i}" for i in range(20_000))
    path = _write(tmp_path, "wider.csv", header + "\n" + header.replace("F", "v") + "\n")
    assert _error(path) == "wider.csv: has 20,000 columns (limit 16,384)"


def test_scorer_errors_do_not_break_reading(tmp_path: Path) -> None:
    def broken(cells: list[str]) -> float:
        raise RuntimeError("boom")

    table = read_table(_write(tmp_path, "r.csv", "Name,Email\nAnn,a@x.example\n"),
                       header_scorer=broken)
    assert table.frame["Email"].tolist() == ["a@x.example"]
