"""A bar chart of how many people fall in each tier (A/B/C/D), with a baseline.

Filled bars are the current counts (coloured like the tiers); dashed outlines
behind them are a baseline to compare against (the saved profile), so a user
tweaking weights sees at once how the distribution moves. Each bar is labelled
with its count and share; the axis says each tier's score range.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextOption
from PySide6.QtWidgets import QWidget

from gtmplanner.ui.widgets import TIER_HELP, TIERS, plot_colors, tier_color

_BAR_WIDTH = 0.62
_BASE_WIDTH = 0.78


class TierChart(pg.PlotWidget):
    """Counts per tier as coloured bars; call :meth:`set_counts` to update."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tierChart")
        self._counts: dict[str, int] = dict.fromkeys(TIERS, 0)
        self._baseline: dict[str, int] | None = None
        bg, fg, faint = plot_colors(self)
        self.setBackground(bg)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMinimumSize(260, 200)
        plot = self.getPlotItem()
        plot.setContentsMargins(4, 8, 8, 4)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(faint))
            axis.setTextPen(pg.mkPen(fg))
        plot.getAxis("left").setWidth(44)
        plot.showGrid(x=False, y=True, alpha=0.12)
        plot.setXRange(-0.5, len(TIERS) - 0.5, padding=0.04)
        self._xs = np.arange(len(TIERS), dtype=float)
        dash = pg.mkPen(fg, width=1.2, style=Qt.PenStyle.DashLine)
        self._base = pg.BarGraphItem(x=self._xs, height=np.zeros(len(TIERS)), width=_BASE_WIDTH,
                                     brush=pg.mkBrush(0, 0, 0, 0), pen=dash)
        self._base.setVisible(False)
        self._bars = pg.BarGraphItem(x=self._xs, height=np.zeros(len(TIERS)), width=_BAR_WIDTH,
                                     brushes=[tier_color(t) for t in TIERS],
                                     pens=[pg.mkPen(tier_color(t).darker(125)) for t in TIERS])
        plot.addItem(self._base)
        plot.addItem(self._bars)
        self._fg = fg
        self._labels: list[pg.TextItem] = []
        for x in self._xs:
            label = pg.TextItem("", color=fg, anchor=(0.5, 1.0))
            label.setFont(QFont(self.font()))
            label.textItem.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignCenter))
            label.textItem.setTextWidth(self.fontMetrics().horizontalAdvance("000,000 (+00,000)"))
            label.setPos(x, 0)
            plot.addItem(label)
            self._labels.append(label)
        self._empty = pg.TextItem("No people to score yet: import a roster", color=faint.darker(
            200), anchor=(0.5, 0.5))
        self._empty.setPos((len(TIERS) - 1) / 2, 5)
        plot.addItem(self._empty)
        self.set_thresholds(None)
        self._redraw()

    # -- public API ------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """The counts shown now, per tier."""
        return dict(self._counts)

    def baseline(self) -> dict[str, int] | None:
        """The baseline shown as outlines, if any."""
        return dict(self._baseline) if self._baseline is not None else None

    def set_counts(self, counts: Mapping[str, int],
                   baseline: Mapping[str, int] | None | bool = False) -> None:
        """Show ``counts``; ``baseline`` replaces the outlines (``None`` hides them,
        ``False``, the default, keeps the current ones)."""
        self._counts = {t: int(counts.get(t, 0)) for t in TIERS}
        if baseline is None:
            self._baseline = None
        elif baseline is not False:
            assert isinstance(baseline, Mapping)
            self._baseline = {t: int(baseline.get(t, 0)) for t in TIERS}
        self._redraw()

    def set_thresholds(self, tiers: Mapping[str, int] | None) -> None:
        """Label the axis with each tier's score range (``{"A": 70, "B": 50, "C": 30}``)."""
        if tiers:
            a, b, c = int(tiers.get("A", 0)), int(tiers.get("B", 0)), int(tiers.get("C", 0))
            ranges = [f"A  ≥{a}", f"B  {b}–{max(b, a - 1)}", f"C  {c}–{max(c, b - 1)}",
                      f"D  <{c}"]
        else:
            ranges = list(TIERS)
        self.getPlotItem().getAxis("bottom").setTicks([list(zip(self._xs, ranges,
                                                                strict=True))])
        self.setToolTip("\n".join(f"{r}: {TIER_HELP[t].split(': ', 1)[1]}"
                                  for t, r in zip(TIERS, ranges, strict=True)))

    # -- drawing ---------------------------------------------------------------------------
    def _redraw(self) -> None:
        heights = np.array([self._counts[t] for t in TIERS], dtype=float)
        self._bars.setOpts(height=heights)
        base = np.array([self._baseline[t] for t in TIERS], dtype=float) \
            if self._baseline is not None else np.zeros(len(TIERS))
        self._base.setOpts(height=base)
        self._base.setVisible(self._baseline is not None)
        total = max(1, int(heights.sum()))
        top = max(10.0, float(heights.max()), float(base.max()))
        self._empty.setVisible(not heights.any() and not base.any())
        for label, h, b in zip(self._labels, heights, base, strict=True):
            share = 100.0 * h / total
            delta = ""
            if self._baseline is not None and int(h) != int(b):
                color = "#2e9e5b" if h > b else "#c0392b"
                delta = f' <span style="color:{color}">{int(h - b):+,}</span>'
            label.setHtml(f'<b>{int(h):,}</b>{delta}<br>'
                          f'<span style="color:{self._fg.name()}">{share:.0f}%</span>')
            label.setPos(label.pos().x(), max(h, b))
        self.getPlotItem().setYRange(0, top * 1.32, padding=0)
