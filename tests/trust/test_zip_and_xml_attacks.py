"""xlsx and ods are zips of XML: zip bombs, sheet-size bombs and XML entity attacks.

Each hostile workbook goes through the import pipeline (and through the tracker sync,
which reads workbooks too): a zip bomb is refused as a zip bomb before anything is
inflated; a sheet that would make the reader build billions of cells is refused
before it is loaded; an entity expansion ("billion laughs") or an external entity is
never expanded (one clear error, or the cell stays empty), in bounded time and
memory. No XML is parsed in Python except through defusedxml.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from pathlib import Path

import pytest

from gtmplanner.core.errors import GtmError, ImportFileError
from gtmplanner.core.importer import import_file
from gtmplanner.core.store import Project
from tests.trust.conftest import child_peak, db_state, one_line_error, run_cli
from tests.trust.test_fuzz_importers import ods_bytes, xlsx_bytes

pytestmark = pytest.mark.timeout(120)

PACKAGE = Path(__file__).resolve().parents[2] / "gtmplanner"
LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;")
                                                    * 10) for i in range(1, 10))
          + b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')


def _rezip(base: bytes, edit: dict[str, bytes | None], extra: dict[str, bytes] | None = None
           ) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename in edit:
                blob = edit[info.filename]
                if blob is None:
                    continue
            zout.writestr(info.filename, blob,
                          zipfile.ZIP_STORED if info.filename == "mimetype" else None)
        for name, blob in (extra or {}).items():
            zout.writestr(name, blob)
    return out.getvalue()


def _member(base: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(base)).read(name)


def _import_error(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with Project.create(tmp_path / "p.gtmp") as p, pytest.raises(ImportFileError) as err:
        import_file(p, path, "roster", event="E")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{name}: "), msg
    return msg


# ---------------------------------------------------------------------------- zip bombs

def _ratio_bomb(tmp_path: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """A real xlsx whose sheet is 64 MB of one repeated row (it deflates ~1000:1)."""
    base = xlsx_bytes()
    out = io.BytesIO()
    zin = zipfile.ZipFile(io.BytesIO(base))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(info.filename, zin.read(info.filename))
        with zout.open(member, "w") as fh:
            fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
            block = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaa</t></is></c></row>' * 16384
            for _ in range((64 << 20) // len(block)):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(out.getvalue())
    info = zipfile.ZipFile(path).getinfo(member)
    assert info.file_size > 50 << 20 and info.file_size / info.compress_size > 200
    return path


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path, baseline_mb: float) -> None:
    path = _ratio_bomb(tmp_path)
    t0 = time.monotonic()
    msg = _import_error(tmp_path, path.name, path.read_bytes())
    assert "zip bomb" in msg and time.monotonic() - t0 < 60  # refused before inflating
    code, err, seconds, peak = child_peak(["import", str(tmp_path / "c.gtmp"), str(path),
                                            "--kind", "roster", "--event", "E"])
    assert code != 0 and err.count("\n") == 1 and "zip bomb" in err, err
    assert peak - baseline_mb < 100, (peak, baseline_mb)  # nothing was inflated


def test_a_zip_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    """The central directory says 1,000 bytes; the stream inflates to 200 MB."""
    path = _ratio_bomb(tmp_path, "xl/sharedStrings.xml")
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + n]) == b"xl/sharedStrings.xml":
            struct.pack_into("<I", data, pos + 24, 1000)
            struct.pack_into("<I", data, struct.unpack_from("<I", data, pos + 42)[0] + 22, 1000)
        pos = data.find(b"PK\x01\x02", pos + 46)
    msg = _import_error(tmp_path, "liar.xlsx", bytes(data))
    assert "damaged" in msg or "zip bomb" in msg


def test_sync_refuses_a_zip_bomb_and_changes_nothing(demo_copy: Path, tmp_path: Path) -> None:
    path = _ratio_bomb(tmp_path)
    before = db_state(demo_copy)
    one_line_error(run_cli("sync", str(demo_copy), str(path), check=False), contains="zip bomb")
    assert db_state(demo_copy) == before


# ---------------------------------------------------------------------------- sheet-size bombs

def _far_cells(refs: list[str]) -> bytes:
    """An xlsx whose sheet holds a header row plus a value at each of ``refs``."""
    base = xlsx_bytes()
    sheet = _member(base, "xl/worksheets/sheet1.xml")
    cells = b"".join(b'<row r="%d"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>'
                     % (int(re.sub("[A-Z]", "", r)), r.encode()) for r in refs)
    sheet = sheet.replace(b"</sheetData>", cells + b"</sheetData>")
    sheet = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:F33"/>', sheet)  # a lie
    return _rezip(base, {"xl/worksheets/sheet1.xml": sheet})


@pytest.mark.parametrize("refs", [["XFD1048576"], ["ZZ999999"], ["AAA50000", "A1000000"]])
def test_a_sheet_spanning_billions_of_cells_is_refused(tmp_path: Path, refs: list[str]) -> None:
    t0 = time.monotonic()
    msg = _import_error(tmp_path, "far.xlsx", _far_cells(refs))
    assert "rows x" in msg and time.monotonic() - t0 < 60, msg  # refused, not read


def test_the_size_check_is_not_fooled_by_missing_or_odd_references(tmp_path: Path) -> None:
    base = xlsx_bytes()
    sheet = _member(base, "xl/worksheets/sheet1.xml")
    odd = sheet.replace(b"</sheetData>",
                        b"<row r = '1048576'>" + b"<c><v>1</v></c>" * 2000 + b"</row>"
                        b"<row r='5'><x:c xmlns:x='http://schemas.openxmlformats.org/"
                        b"spreadsheetml/2006/main' r='XFD5'><x:v>2</x:v></x:c></row>"
                        b"</sheetData>")
    msg = _import_error(tmp_path, "odd.xlsx", _rezip(base, {"xl/worksheets/sheet1.xml": odd}))
    assert "rows x" in msg, msg


def _ods_bomb(rows: int, cols: int) -> bytes:
    base = ods_bytes()
    content = _member(base, "content.xml")
    bomb = (b'<table:table-row table:number-rows-repeated="%d"><table:table-cell '
            b'table:number-columns-repeated="%d" office:value-type="string"><text:p>x</text:p>'
            b"</table:table-cell></table:table-row>" % (rows, cols))
    content = content.replace(b"</table:table>", bomb + b"</table:table>", 1)
    return _rezip(base, {"content.xml": content})


@pytest.mark.parametrize("rows, cols", [(99_000, 1_000), (1_048_000, 16_384), (30_000, 1_000)])
def test_an_ods_of_repeated_cells_is_refused(tmp_path: Path, rows: int, cols: int,
                                            baseline_mb: float) -> None:
    path = tmp_path / "rep.ods"
    path.write_bytes(_ods_bomb(rows, cols))
    code, err, seconds, peak = child_peak(["import", str(tmp_path / "c.gtmp"), str(path),
                                            "--kind", "roster", "--event", "E"], timeout=30)
    assert code != 0 and err.count("\n") == 1 and "rows x" in err, err
    assert seconds < 120 and peak - baseline_mb < 150, (seconds, peak, baseline_mb)


def test_libreoffice_style_empty_tails_are_not_a_bomb(tmp_path: Path) -> None:
    """A real file's 1,048,000 empty repeated rows and 1,000 empty cells per row pass."""
    base = ods_bytes()
    content = _member(base, "content.xml").replace(
        b"</text:p></table:table-cell></table:table-row>",
        b'</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1019"/>'
        b"</table:table-row>")
    content = content.replace(b"</table:table>", b'<table:table-row table:number-rows-repeated='
                              b'"1048000"><table:table-cell table:number-columns-repeated='
                              b'"1024"/></table:table-row></table:table>', 1)
    path = tmp_path / "lo.ods"
    path.write_bytes(_rezip(base, {"content.xml": content}))
    with Project.create(tmp_path / "p.gtmp") as p:
        assert import_file(p, path, "roster", event="E").rows_imported == 30


# ---------------------------------------------------------------------------- XML entities

def _with_dtd(xml: bytes, entity: bytes, where: bytes) -> bytes:
    xml = re.sub(rb"(<\?xml[^>]*\?>)", lambda m: m.group(1) + LAUGHS, xml, count=1)
    return xml.replace(where, entity + where, 1)


@pytest.mark.parametrize("member, entity", [
    ("xl/sharedStrings.xml", b"&lol9;"),
    ("xl/sharedStrings.xml", b"&xxe;"),
    ("xl/worksheets/sheet1.xml", b"&lol9;"),
    ("xl/worksheets/sheet1.xml", b"&xxe;"),
    ("xl/workbook.xml", b"&lol9;"),
    ("content.xml", b"&lol9;"),
    ("content.xml", b"&xxe;"),
])
def test_entity_expansion_and_external_entities_never_happen(tmp_path: Path, member: str,
                                                             entity: bytes,
                                                             baseline_mb: float) -> None:
    if member == "content.xml":
        base, where, name = ods_bytes(), b"</text:p>", "laughs.ods"
    else:
        base, name = xlsx_bytes(), "laughs.xlsx"
        where = {"xl/sharedStrings.xml": b"</t>", "xl/worksheets/sheet1.xml": b"</t>",
                 "xl/workbook.xml": b"</sheets>"}[member]
    path = tmp_path / name
    path.write_bytes(_rezip(base, {member: _with_dtd(_member(base, member), entity, where)}))
    code, err, seconds, peak = child_peak(["import", str(tmp_path / "c.gtmp"), str(path),
                                            "--kind", "roster", "--event", "E", "--json"],
                                           timeout=30)
    assert "Traceback" not in err and "internal error" not in err, err
    assert seconds < 120 and peak - baseline_mb < 150, (seconds, peak, baseline_mb)
    if code != 0:
        assert err.count("\n") == 1, err
        return
    with Project(tmp_path / "c.gtmp") as p:  # imported: nothing expanded, nothing read in
        text = " ".join(str(v) for row in p.conn.execute("SELECT * FROM people") for v in row)
        text += " ".join(str(v) for row in p.conn.execute("SELECT * FROM imports") for v in row)
    assert "lollol" not in text and "root:" not in text


def test_no_xml_is_parsed_in_python_without_defusedxml() -> None:
    """The app reads xlsx/ods with calamine (Rust, no DTD support); any XML parsed in
    Python must go through defusedxml. openpyxl, if the app ever uses it, must have
    picked defusedxml up."""
    unsafe = re.compile(r"^\s*(?:from|import)\s+(?:xml\.(?:etree|dom|sax|parsers)|lxml|"
                        r"xmltodict|odf\b)", re.M)
    hits = [f"{p.relative_to(PACKAGE)}: {m.group(0).strip()}"
            for p in PACKAGE.rglob("*.py") for m in unsafe.finditer(p.read_text())]
    assert hits == [], hits
    import openpyxl.xml
    assert openpyxl.xml.DEFUSEDXML is True


def test_calamine_refuses_a_dtd_entity_with_one_line(tmp_path: Path) -> None:
    base = xlsx_bytes()
    member = "xl/sharedStrings.xml"
    data = _rezip(base, {member: _with_dtd(_member(base, member), b"&lol9;", b"</t>")})
    with pytest.raises(GtmError) as err:
        path = tmp_path / "l.xlsx"
        path.write_bytes(data)
        with Project.create(tmp_path / "p.gtmp") as p:
            import_file(p, path, "roster", event="E")
    assert "damaged" in str(err.value) and "\n" not in str(err.value)
