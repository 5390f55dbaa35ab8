"""KPI tiles: one number each, with what it counts, its target and whether it is met.

A :class:`KpiTile` shows one entry of ``compute_metrics(...)["kpis"]``: the label,
the value as people read it ("65.5%", "$2.76M", "n/a"), the numerator over the
denominator ("293 / 447") and, for metrics with an SLA target, "Target 90% ·
missed". A coloured bar on the left says met (green), missed (red), no target
(the palette's highlight) or nothing to measure yet (grey). The tooltip is the
metric's definition with its numerator and denominator in words, read from
:data:`gtmplanner.core.metrics.DEFINITIONS`, so every face reads the same words.

:class:`KpiGrid` lays the tiles out in rows: the headline ones always, the rest
behind a "More metrics" toggle.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core.metrics import definition
from gtmplanner.core.report import fmt_money, fmt_pct, fmt_value

MET = QColor("#2e9e5b")
MISSED = QColor("#d2452f")
NA = QColor("#9aa1a9")

#: What a count or an amount counts, in a few words (tiles without a denominator).
CAPTIONS: dict[str, str] = {
    "leads": "people on the reps' lists",
    "mql_leads": "hot or warm marketing leads",
    "overdue": "still open past their SLA due date",
    "pipeline": "new opportunities after a touch",
    "closed_won": "of that pipeline, won",
    "retarget_amount": "new deals from cold accounts",
}

#: Counts that are a problem as soon as they are not zero (their tile turns red).
BAD_WHEN_ABOVE_ZERO = frozenset({"overdue"})
_STRIPE = 4
_RADIUS = 6.0


def tile_tooltip(key: str, kpi: Mapping[str, Any] | None = None,
                 currency: str | None = None) -> str:
    """Rich-text tooltip: the definition, numerator and denominator (and target, if any)."""
    d = definition(key)
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    parts = [f"<b>{e(d.label)}</b>", e(d.definition), "",
             f"<b>Numerator:</b> {e(d.numerator)}"]
    if d.denominator and d.denominator != "-":
        parts.append(f"<b>Denominator:</b> {e(d.denominator)}")
    if kpi is not None:
        if kpi.get("target") is not None:
            state = {None: "nothing to measure yet", True: "met", False: "missed"}[kpi.get("met")]
            parts.append(f"<b>Target:</b> {fmt_pct(kpi['target'])} or more ({state})")
        if kpi.get("denominator") is not None:
            parts.append(f"<b>Now:</b> {e(_fraction(kpi, currency))} = "
                         f"{e(fmt_value(kpi.get('value'), d.unit, currency))}")
    return "<p style='white-space:normal'>" + "<br>".join(parts) + "</p>"


def _fraction(kpi: Mapping[str, Any], currency: str | None) -> str:
    num = kpi.get("numerator")
    if kpi.get("unit") == "money":
        num_text = fmt_money(num, currency, short=True)
    elif isinstance(num, float) and not num.is_integer():
        num_text = f"{num:,.1f}"
    else:
        num_text = f"{int(num or 0):,}"
    return f"{num_text} / {int(kpi.get('denominator') or 0):,}"


class KpiTile(QFrame):
    """One metric as a card: label, value, numerator / denominator, target."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.meta = definition(key)
        self.kpi: dict[str, Any] | None = None
        self.setObjectName(f"kpi_{key}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._accent = NA
        self.label = QLabel(self.meta.label, self)
        self.label.setObjectName("kpiLabel")
        self.label.setWordWrap(False)
        self.value_label = QLabel("–", self)
        self.value_label.setObjectName("kpiValue")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.75)
        big.setBold(True)
        self.value_label.setFont(big)
        self.detail_label = QLabel(" ", self)
        self.detail_label.setObjectName("kpiDetail")
        self.target_label = QLabel(" ", self)
        self.target_label.setObjectName("kpiTarget")
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        for w in (self.label, self.detail_label, self.target_label):
            w.setFont(small)
        self._dim(self.label)
        self._dim(self.detail_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(_STRIPE + 10, 7, 8, 7)
        layout.setSpacing(1)
        layout.addWidget(self.label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.target_label)
        self.setToolTip(tile_tooltip(key))

    def _dim(self, label: QLabel) -> None:
        pal = label.palette()
        faint = QColor(pal.color(QPalette.ColorRole.WindowText))
        faint.setAlpha(165)
        pal.setColor(QPalette.ColorRole.WindowText, faint)
        label.setPalette(pal)

    # -- data ------------------------------------------------------------------------------
    def set_kpi(self, kpi: Mapping[str, Any] | None, currency: str | None = None) -> None:
        """Show ``kpi`` (one entry of ``metrics["kpis"]``); ``None`` clears the tile."""
        self.kpi = dict(kpi) if kpi is not None else None
        unit = self.meta.unit
        if kpi is None:
            self.value_label.setText("–")
            self.detail_label.setText(" ")
            self.target_label.setText(" ")
            self._accent = NA
            self.setToolTip(tile_tooltip(self.key))
            self.update()
            return
        value = kpi.get("value")
        self.value_label.setText(fmt_value(value, unit, currency, short=unit == "money"))
        if kpi.get("denominator") is not None:
            self.detail_label.setText(_fraction(kpi, currency))
        else:
            self.detail_label.setText(CAPTIONS.get(self.key, " "))
        target, met = kpi.get("target"), kpi.get("met")
        if target is None:
            self.target_label.setText(" ")
            self._accent = NA if value is None else MISSED if (
                self.key in BAD_WHEN_ABOVE_ZERO and value) else self.palette().color(
                QPalette.ColorRole.Highlight)
        else:
            word, colour = {True: ("✓ met", MET), False: ("✗ missed", MISSED),
                            None: ("n/a", NA)}[met]
            self.target_label.setText(f"Target {fmt_pct(target)} · <span style='color:"
                                      f"{colour.name()}; font-weight:600'>{word}</span>")
            self._accent = colour
        self.setToolTip(tile_tooltip(self.key, kpi, currency))
        self.update()

    @property
    def status(self) -> str:
        """'met', 'missed', 'n/a' (a target but nothing to measure) or '' (no target)."""
        if self.kpi is None or self.kpi.get("target") is None:
            return ""
        return {True: "met", False: "missed", None: "n/a"}[self.kpi.get("met")]

    def value_text(self) -> str:
        return self.value_label.text()

    def detail_text(self) -> str:
        return self.detail_label.text()

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        border = QColor(pal.color(QPalette.ColorRole.Mid))
        border.setAlpha(120)
        p.setPen(border)
        p.setBrush(pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(rect, _RADIUS, _RADIUS)
        clip = QPainterPath()
        clip.addRoundedRect(rect, _RADIUS, _RADIUS)
        p.setClipPath(clip)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._accent)
        p.drawRect(QRectF(rect.left(), rect.top(), _STRIPE, rect.height()))


class KpiGrid(QWidget):
    """Tiles in rows of ``columns``: ``headline`` keys always, ``extra`` behind a
    "Show N more metrics" button."""

    expanded_changed = Signal(bool)

    def __init__(self, headline: Sequence[str], extra: Sequence[str] = (), *,
                 columns: int = 6, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiGrid")
        self.tiles: dict[str, KpiTile] = {}
        self._extra = list(extra)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        top = QGridLayout()
        top.setSpacing(8)
        self._more = QWidget(self)
        more = QGridLayout(self._more)
        more.setContentsMargins(0, 0, 0, 0)
        more.setSpacing(8)
        for grid, keys in ((top, headline), (more, extra)):
            for i, key in enumerate(keys):
                tile = KpiTile(key, self)
                self.tiles[key] = tile
                grid.addWidget(tile, i // columns, i % columns)
            for c in range(columns):
                grid.setColumnStretch(c, 1)
        self.more_button = QPushButton(self)
        self.more_button.setObjectName("moreMetrics")
        self.more_button.setFlat(True)
        self.more_button.clicked.connect(lambda: self.set_expanded(not self.expanded))
        self.more_button.setVisible(bool(self._extra))
        layout.addLayout(top)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self._more)
        self._more.setVisible(False)
        self._label_button()

    @property
    def expanded(self) -> bool:
        """True when the extra tiles are shown."""
        return not self._more.isHidden()

    def set_expanded(self, on: bool) -> None:
        if on != self.expanded:
            self._more.setVisible(on)
            self._label_button()
            self.expanded_changed.emit(on)

    def _label_button(self) -> None:
        self.more_button.setText("Show fewer metrics" if self.expanded else
                                 f"Show {len(self._extra)} more metrics")

    def set_kpis(self, kpis: Mapping[str, Mapping[str, Any]] | None,
                 currency: str | None = None) -> None:
        """Fill every tile from ``metrics["kpis"]`` (``None`` clears them)."""
        for key, tile in self.tiles.items():
            tile.set_kpi(None if kpis is None else kpis.get(key), currency)
