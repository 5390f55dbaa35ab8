"""Printable PDF target sheets (fpdf2): valid file, page count, font fallback."""

from __future__ import annotations

import importlib.util
import re
import zlib
from pathlib import Path

import pytest

import gtmplanner.core.export.pdf_sheet as pdf_sheet
from gtmplanner.core.export.pdf_sheet import latin1, write_target_pdf

_spec = importlib.util.spec_from_file_location(
    "_gtm_export_sample", Path(__file__).with_name("test_export_sample.py")
)
sample = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(sample)  # type: ignore[union-attr]
EVENT = sample.EVENT


def _pages(data: bytes) -> int:
    """Page objects in the file, checked against the page tree's /Count."""
    objects = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data, re.S)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data, re.S)]
    assert counts and counts[0] == objects
    return objects


def _text_streams(data: bytes) -> str:
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            out.append(raw.decode("latin-1"))
    return "\n".join(out)


@pytest.fixture
def core_font_only(monkeypatch: pytest.MonkeyPatch):
    """Pretend no TTF font is installed: Helvetica + transliteration."""
    monkeypatch.setattr(pdf_sheet, "FONT_CANDIDATES", ())
    monkeypatch.setattr(pdf_sheet, "CJK_FONT_CANDIDATES", ())
    pdf_sheet.find_font.cache_clear()
    pdf_sheet.find_cjk_font.cache_clear()
    yield
    pdf_sheet.find_font.cache_clear()
    pdf_sheet.find_cjk_font.cache_clear()


def test_hundred_targets_several_pages(tmp_path: Path) -> None:
    df = sample.make_targets(100)
    df.loc[10, "talking_points"] = "A very long talking point. " * 40
    path = tmp_path / "all.pdf"
    assert write_target_pdf(path, df, rep=None, event=EVENT) == 100
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = _pages(data)
    assert 2 <= pages <= 25
    small = tmp_path / "small.pdf"
    write_target_pdf(small, df.head(6), rep=None, event=EVENT)
    assert _pages(small.read_bytes()) == 1
    assert b"/MediaBox [0 0 792.00 612.00]" in data  # US reps: Letter, landscape


def test_per_rep_and_a4(tmp_path: Path) -> None:
    df = sample.make_targets(100)
    path = tmp_path / "chloe.pdf"
    n = write_target_pdf(path, df, rep="Chloé Dubois", event=EVENT)
    assert n == int((df["rep"] == "Chloé Dubois").sum())
    assert b"/MediaBox [0 0 841.89 595.28]" in path.read_bytes()  # A4 landscape


def test_core_font_fallback_page_numbers(tmp_path: Path, core_font_only: None) -> None:
    df = sample.make_targets(60)
    df.loc[df.index[:3], "full_name"] = ["Zoë Łukasz", "田中 美咲", "Chloé “Coco” Œuvre"]
    path = tmp_path / "core.pdf"
    assert write_target_pdf(path, df, rep=None, event=EVENT) == 60
    data = path.read_bytes()
    pages = _pages(data)
    assert pages > 1
    text = _text_streams(data).replace(") Tj (", "")  # the page-count alias is split
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Lukasz" in text


def test_unicode_font_handles_every_name(tmp_path: Path) -> None:
    df = sample.make_targets(12)
    df.loc[df.index[:4], "full_name"] = ["Zoë", "Łukasz", "田中 美咲", "Ærøskøbing 🙂"]
    assert write_target_pdf(tmp_path / "u.pdf", df, rep=None, event=EVENT) == 12


def test_empty_and_minimal(tmp_path: Path) -> None:
    assert write_target_pdf(tmp_path / "e.pdf", sample.make_targets(0), rep="X", event={}) == 0
    assert _pages((tmp_path / "e.pdf").read_bytes()) == 1
    import pandas as pd

    minimal = pd.DataFrame({"full_name": ["Ann Lee"]})
    assert write_target_pdf(tmp_path / "m.pdf", minimal, rep=None, event={"name": "X"}) == 1


def test_latin1_transliteration() -> None:
    assert latin1("Łukasz Zoë") == "Lukasz Zoë"
    assert latin1("Œuvre – “ok”") == 'OEuvre - "ok"'
    assert latin1("田中") == "??"
