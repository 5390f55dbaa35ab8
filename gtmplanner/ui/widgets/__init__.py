"""Reusable widgets (charts, the attendee map, editors) and their shared look.

Shared look: the tier colours (A green, B blue, C amber, D grey) and the plot
colours taken from the widget's palette, so charts follow the light or dark
system palette instead of pyqtgraph's black default.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

TIERS = ("A", "B", "C", "D")
TIER_COLORS: dict[str, str] = {"A": "#2e9e5b", "B": "#3b7dd8", "C": "#e3a21a", "D": "#9aa1a9"}
"""Fill colour per tier, used by the chart, the map and their legends."""
TIER_HELP: dict[str, str] = {
    "A": "Tier A: best fit",
    "B": "Tier B: good fit",
    "C": "Tier C: partial fit",
    "D": "Tier D: poor fit",
}


def tier_color(tier: str, alpha: int = 255) -> QColor:
    """The colour of ``tier`` (D's grey for anything unknown) with ``alpha``."""
    color = QColor(TIER_COLORS.get(tier, TIER_COLORS["D"]))
    color.setAlpha(alpha)
    return color


def plot_colors(widget: QWidget) -> tuple[QColor, QColor, QColor]:
    """(background, foreground, faint) colours for a plot inside ``widget``."""
    pal = widget.palette()
    bg = pal.color(QPalette.ColorRole.Base)
    fg = pal.color(QPalette.ColorRole.Text)
    faint = QColor(fg)
    faint.setAlpha(60)
    return bg, fg, faint


def is_dark(widget: QWidget) -> bool:
    """True when the widget's palette is a dark one."""
    return widget.palette().color(QPalette.ColorRole.Base).lightness() < 128
