"""Printable per-rep target sheet as PDF (fpdf2, no Qt).

Landscape, two columns of compact blocks (one per target): name, title and
company, tier/score/MQL, top three reasons, location and distance, a talking
point, and tap-to-call / tap-to-mail links. Two columns keep it to few pages
on paper and make each column readable on a phone turned sideways.

Fonts: a Unicode TTF (DejaVu Sans, Arial, Liberation Sans...) when one is
found on the system or in the app's ``resources/fonts``; otherwise the
built-in Helvetica with text transliterated to Latin-1. Characters the chosen
font lacks (e.g. CJK) are transliterated or replaced by ``?`` - never a crash.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from gtmplanner.core.export.columns import (
    full_name_values,
    int_values,
    join_values,
    mql_values,
    number_values,
    rows_for_rep,
    sorted_rows,
    text_values,
    tier_values,
    why_values,
)
from gtmplanner.core.export.safe import atomic_path
from gtmplanner.core.export.target_sheet import LETTER_COUNTRIES, event_label, rep_country
from gtmplanner.core.resources import resource_path

_RESOURCES = resource_path("fonts")  # DejaVu ships with the app (resources/fonts)
#: (regular, bold, italic) candidates, first complete-enough match wins.
FONT_CANDIDATES: tuple[tuple[Path, Path | None, Path | None], ...] = tuple(
    (Path(d) / r, Path(d) / b, Path(d) / i)
    for d, r, b, i in (
        (_RESOURCES, "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
        ("/usr/share/fonts/truetype/dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
         "DejaVuSans-Oblique.ttf"),
        ("/usr/share/fonts/TTF", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
        ("/usr/share/fonts/dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
         "DejaVuSans-Oblique.ttf"),
        ("/usr/share/fonts/truetype/liberation2", "LiberationSans-Regular.ttf",
         "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
        ("C:/Windows/Fonts", "arial.ttf", "arialbd.ttf", "ariali.ttf"),
        ("/System/Library/Fonts/Supplemental", "Arial.ttf", "Arial Bold.ttf", "Arial Italic.ttf"),
        ("/Library/Fonts", "Arial.ttf", "Arial Bold.ttf", "Arial Italic.ttf"),
    )
)  # fmt: skip
#: Fonts with CJK glyphs used as a fallback when present (none are required).
CJK_FONT_CANDIDATES: tuple[Path, ...] = tuple(
    Path(p)
    for p in (
        _RESOURCES / "NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "C:/Windows/Fonts/msgothic.ttc",
        "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
        "/Library/Fonts/Arial Unicode.ttf",
    )
)
TIER_RGB = {"A": (198, 239, 206), "B": (221, 235, 247), "C": (255, 230, 153), "D": (217, 217, 217)}
_TRANSLIT = str.maketrans({
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe",
    "Æ": "AE", "æ": "ae", "ß": "ss", "ı": "i", "–": "-", "—": "-", "‘": "'", "’": "'",
    "“": '"', "”": '"', "•": "-", "…": "...", "\u00a0": " ",
})  # fmt: skip


@lru_cache(maxsize=1)
def find_font() -> tuple[Path, Path | None, Path | None] | None:
    """The first available Unicode TTF family, or ``None`` (use Helvetica)."""
    for regular, bold, italic in FONT_CANDIDATES:
        if regular.is_file():
            return (
                regular,
                bold if bold and bold.is_file() else None,
                italic if italic and italic.is_file() else None,
            )
    return None


@lru_cache(maxsize=1)
def find_cjk_font() -> Path | None:
    """A font with CJK glyphs, if one is installed."""
    return next((p for p in CJK_FONT_CANDIDATES if p.is_file()), None)


def latin1(text: str) -> str:
    """Best-effort Latin-1 version of ``text`` (accents kept where Latin-1 has them)."""
    text = text.translate(_TRANSLIT)
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


class TargetPDF(FPDF):
    """FPDF with our running header/footer and font fallback handling."""

    def __init__(self, *, paper: str, running: str) -> None:
        super().__init__(orientation="L", unit="mm", format=paper)
        self.running = running
        self.set_margins(12, 14, 12)
        self.set_auto_page_break(False)
        self.set_title(running)
        self.set_creator("GTM Planner")
        font = find_font()
        self.glyphs: set[int] | None = None
        if font is None:
            self.font_name = "helvetica"
            self.font_styles = {"", "B", "I"}
        else:
            regular, bold, italic = font
            self.font_name = "gtmsans"
            self.add_font(self.font_name, "", str(regular))
            self.font_styles = {""}
            for style, path in (("B", bold), ("I", italic)):
                if path is not None:
                    self.add_font(self.font_name, style, str(path))
                    self.font_styles.add(style)
            self.glyphs = set(self.fonts[self.font_name].cmap)
            cjk = find_cjk_font()
            if cjk is not None:
                try:
                    self.add_font("gtmcjk", "", str(cjk))
                    self.set_fallback_fonts(["gtmcjk"], exact_match=False)
                    self.glyphs |= set(self.fonts["gtmcjk"].cmap)
                except Exception:  # noqa: BLE001 - a broken optional font: go without it
                    pass
        self._clean_cache: dict[str, str] = {}

    def use(self, style: str = "", size: float = 10) -> None:
        """Set our font (falls back to regular if the style is not available)."""
        self.set_font(self.font_name, style if style in self.font_styles else "", size)

    def clean(self, text: Any) -> str:
        """Text the current font can draw (unknown glyphs transliterated or '?')."""
        if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
            return ""
        text = str(text)
        hit = self._clean_cache.get(text)
        if hit is not None:
            return hit
        if self.glyphs is None:
            out = latin1(text)
        else:
            glyphs = self.glyphs
            chars = []
            for ch in text:
                if ord(ch) in glyphs or ch in "\n\t":
                    chars.append(ch)
                else:
                    base = unicodedata.normalize("NFKD", ch)
                    base = "".join(
                        c for c in base if ord(c) in glyphs and not unicodedata.combining(c)
                    )
                    chars.append(base or "?")
            out = "".join(chars)
        self._clean_cache[text] = out
        return out

    def header(self) -> None:
        if self.page_no() > 1:
            self.use("", 8)
            self.set_text_color(90, 90, 90)
            self.set_xy(self.l_margin, 6)
            self.cell(0, 4, self.clean(self.running), align="L")
            self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-10)
        self.use("", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.clean(self.running), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _blocks(targets: pd.DataFrame) -> list[dict[str, str]]:
    """Per-target text pieces for the PDF blocks (``""`` for blanks)."""
    df = targets
    distance = [None if d is None else f"{d:,.0f} mi" for d in number_values(df, "distance_mi")]
    where = join_values(
        [join_values([text_values(df, "city"), text_values(df, "region")], ", "), distance], " · "
    )
    columns = {
        "name": full_name_values(df),
        "role": join_values([text_values(df, "title"), text_values(df, "company")], " · "),
        "tier": tier_values(df),
        "score": [None if s is None else str(s) for s in int_values(df, "score")],
        "mql": mql_values(df),
        "why": why_values(df, limit=3),
        "where": where,
        "say": text_values(df, "talking_points"),
        "phone": text_values(df, "phone"),
        "email": text_values(df, "email"),
    }
    keys = list(columns)
    return [
        {k: (v or "") for k, v in zip(keys, row, strict=True)}
        for row in zip(*columns.values(), strict=True)
    ]


def _badge(block: dict[str, str]) -> str:
    parts = []
    if block["tier"]:
        parts.append(f"Tier {block['tier']}")
    if block["score"]:
        parts.append(f"Score {block['score']}")
    if block["mql"]:
        parts.append(f"{block['mql']} MQL")
    return " · ".join(parts)


_LINE = 4.6  # mm per 9-10 pt line
_MAX_SAY_LINES = 3


def _block_height(pdf: TargetPDF, block: dict[str, str], width: float) -> float:
    h = 6.0  # name line
    h += _LINE * (1 + bool(block["role"]) + bool(block["where"]))  # role / where / contact
    pdf.use("", 9)
    if block["why"]:
        h += pdf.multi_cell(width, 4.2, pdf.clean(block["why"]), dry_run=True,
                            output=MethodReturnValue.HEIGHT)  # fmt: skip
    if block["say"]:
        pdf.use("I", 9)
        lines = pdf.multi_cell(width - 2, 4.2, pdf.clean("Say: " + block["say"]), dry_run=True,
                               output=MethodReturnValue.LINES)  # fmt: skip
        h += 4.2 * min(len(lines), _MAX_SAY_LINES)
    return h + 4.0  # padding + rule


def _fit(pdf: TargetPDF, text: str, width: float) -> str:
    """Cut ``text`` with an ellipsis so it fits ``width`` in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    dots = "..." if pdf.glyphs is None else "…"
    while text and pdf.get_string_width(text + dots) > width:
        text = text[:-1]
    return text + dots


def _draw_block(
    pdf: TargetPDF, block: dict[str, str], x: float, y: float, width: float, number: int
) -> None:
    clean = pdf.clean
    # name + badge
    badge = clean(_badge(block))
    pdf.use("B", 9)
    badge_w = pdf.get_string_width(badge) + 4 if badge else 0
    if badge:
        rgb = TIER_RGB.get(block["tier"], (235, 235, 235))
        pdf.set_fill_color(*rgb)
        pdf.set_xy(x + width - badge_w, y + 0.5)
        pdf.cell(badge_w, 5, badge, align="C", fill=True)
    pdf.use("B", 11.5)
    pdf.set_xy(x, y)
    pdf.cell(width - badge_w - 2, 6, _fit(pdf, clean(f"{number}. {block['name']}"),
                                          width - badge_w - 2))  # fmt: skip
    y += 6.0
    pdf.use("", 9.5)
    for key in ("role", "where"):
        if block[key]:
            pdf.set_xy(x, y)
            pdf.cell(width, _LINE, _fit(pdf, clean(block[key]), width))
            y += _LINE
    # contact line with links
    pdf.set_xy(x, y)
    phone, email = clean(block["phone"]), clean(block["email"])
    if phone:
        dial = "".join(ch for ch in block["phone"] if ch.isdigit() or ch == "+")
        pdf.set_text_color(20, 70, 160)
        w = min(pdf.get_string_width(phone) + 1, width / 2)
        pdf.cell(w, _LINE, _fit(pdf, phone, w), link=f"tel:{dial}" if dial else "")
    if email:
        if phone:
            pdf.set_text_color(0, 0, 0)
            pdf.cell(pdf.get_string_width("  ·  "), _LINE, clean("  ·  "))
        pdf.set_text_color(20, 70, 160)
        room = x + width - pdf.get_x()
        pdf.cell(room, _LINE, _fit(pdf, email, room), link=f"mailto:{block['email']}")
    if not phone and not email:
        pdf.set_text_color(150, 0, 0)
        pdf.cell(width, _LINE, "No phone or email")
    pdf.set_text_color(0, 0, 0)
    y += _LINE
    pdf.use("", 9)
    if block["why"]:
        pdf.set_xy(x, y)
        pdf.multi_cell(width, 4.2, clean(block["why"]), align="L",
                       new_x=XPos.LEFT, new_y=YPos.NEXT)  # fmt: skip
        y = pdf.get_y()
    if block["say"]:
        pdf.use("I", 9)
        lines = pdf.multi_cell(width - 2, 4.2, clean("Say: " + block["say"]), dry_run=True,
                               output=MethodReturnValue.LINES)  # fmt: skip
        if len(lines) > _MAX_SAY_LINES:
            more = lines[_MAX_SAY_LINES - 1] + (" …" if pdf.glyphs else " ...")
            lines = [*lines[: _MAX_SAY_LINES - 1], _fit(pdf, more, width - 2)]
        pdf.set_fill_color(245, 245, 245)
        for line in lines[:_MAX_SAY_LINES]:
            pdf.set_xy(x + 1, y)
            pdf.cell(width - 2, 4.2, line, fill=True)
            y += 4.2
    pdf.set_draw_color(200, 200, 200)
    pdf.line(x, y + 1.6, x + width, y + 1.6)


def write_target_pdf(
    path: str | os.PathLike[str],
    targets: pd.DataFrame,
    *,
    rep: str | None,
    event: Mapping[str, Any],
) -> int:
    """Write a printable landscape PDF of ``rep``'s targets (all reps when ``None``).

    Letter paper for reps in North America, A4 elsewhere. Returns the number of
    targets written.
    """
    rows = sorted_rows(rows_for_rep(targets, rep))
    country = (rep_country(rows) or "US").upper()
    paper = "Letter" if country in LETTER_COUNTRIES else "A4"
    who = rep or "All reps"
    pdf = TargetPDF(paper=paper, running=f"{event_label(event)} · {who}")
    pdf.add_page()
    pdf.use("B", 16)
    pdf.set_xy(pdf.l_margin, pdf.t_margin - 4)
    pdf.cell(0, 8, pdf.clean(f"Targets: {event_label(event)}"), new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)  # fmt: skip
    pdf.use("", 10)
    all_tiers = tier_values(rows)
    tier_txt = ", ".join(f"{t}: {all_tiers.count(t)}" for t in "ABCD" if t in all_tiers)
    pdf.cell(0, 6, pdf.clean(
        f"{who} · {len(rows)} targets ({tier_txt or 'no tiers'}) · generated {dt.date.today()}"
    ), new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    gap = 8.0
    col_w = (pdf.epw - gap) / 2
    top = pdf.t_margin
    bottom = pdf.h - 13
    y0 = pdf.get_y() + 3
    column, y = 0, y0
    for number, block in enumerate(_blocks(rows), start=1):
        h = _block_height(pdf, block, col_w)
        if y + h > bottom and y > (y0 if pdf.page_no() == 1 else top):
            if column == 0:
                column, y = 1, (y0 if pdf.page_no() == 1 else top)
            else:
                pdf.add_page()
                column, y = 0, top
        x = pdf.l_margin + column * (col_w + gap)
        _draw_block(pdf, block, x, y, col_w, number)
        y += h
    if not len(rows):
        pdf.cell(0, 8, "No targets.")
    with atomic_path(path) as tmp:
        pdf.output(str(tmp))
    return len(rows)
