"""Reusable widgets (charts, the attendee map, editors) and their shared look.

Shared look: the tier colours (A green, B blue, C amber, D grey) and the plot
colours taken from the widget's palette, so charts follow the light or dark
system palette instead of pyqtgraph's black default.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
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


#: The event's colour on the maps (its star, radius rings and labels).
EVENT_ACCENT = "#d2452f"


def event_marker(widget: QWidget, fg: QColor, halo: QColor, size: int = 22
                 ) -> tuple[pg.ScatterPlotItem, pg.TextItem]:
    """The event's star and its bold name label, as both maps draw them."""
    star = pg.ScatterPlotItem(pxMode=True, symbol="star", size=size,
                              brush=pg.mkBrush(EVENT_ACCENT), pen=pg.mkPen("w", width=1.2))
    star.setZValue(60)
    label = pg.TextItem("", color=fg, anchor=(0.5, -0.35), fill=halo)
    bold = QFont(widget.font())
    bold.setBold(True)
    label.setFont(bold)
    label.setZValue(60)
    return star, label
