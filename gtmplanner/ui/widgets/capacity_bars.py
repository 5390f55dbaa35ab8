"""CapacityBars: one bar per rep, targets assigned against capacity.

Each row shows the rep's name, a bar filled up to the number assigned on a
common scale with a tick at the rep's capacity, and "358 / 150 (239%)". The
part over capacity is painted in a warning colour. Hovering a row explains the
count by assignment reason (owner, territory, attending, balanced, manual).
Rows come from ``assign.assignment_summary`` (what ``assign_event`` returns).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

WARNING = QColor(226, 110, 40)  # over capacity: reads on light and dark palettes
MARGIN = 6


class CapacityBars(QWidget):
    """Assigned vs capacity per rep; the over-capacity part in a warning colour."""

    rep_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capacityBars")
        self.rows: list[dict[str, Any]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    # -- data ----------------------------------------------------------------------------
    def set_reps(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Show ``rows`` of ``{name, assigned, capacity, load_pct, over_capacity, by_reason}``."""
        self.rows = [dict(r) for r in rows]
        self.updateGeometry()
        self.update()

    def over_capacity(self) -> list[str]:
        """Names of the reps with more targets than capacity."""
        return [r["name"] for r in self.rows if r.get("capacity") and
                int(r.get("assigned") or 0) > int(r["capacity"])]

    # -- geometry ------------------------------------------------------------------------
    def _row_height(self) -> int:
        return int(self.fontMetrics().height() * 1.7)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance("x") * 60,
                     max(1, len(self.rows)) * self._row_height() + 2 * MARGIN)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance("x") * 36, self.sizeHint().height())

    def _row_at(self, y: float) -> int:
        i = int((y - MARGIN) // self._row_height())
        return i if 0 <= i < len(self.rows) else -1

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fm = self.fontMetrics()
        text_colour = pal.color(QPalette.ColorRole.WindowText)
        if not self.rows:
            p.setPen(pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       "No reps yet: import a reps file")
            return
        rh = self._row_height()
        name_w = max(fm.horizontalAdvance(str(r["name"])) for r in self.rows) + 12
        labels = [self._label(r) for r in self.rows]
        label_w = max(fm.horizontalAdvance(t) for t in labels) + 12
        bar_x = MARGIN + name_w
        bar_w = max(20.0, self.width() - bar_x - label_w - MARGIN)
        scale = max([float(r.get("capacity") or 0) for r in self.rows]
                    + [float(r.get("assigned") or 0) for r in self.rows] + [1.0])
        fill = QColor(pal.color(QPalette.ColorRole.Highlight))
        track = QColor(pal.color(QPalette.ColorRole.Mid))
        track.setAlpha(60)
        for i, (r, label) in enumerate(zip(self.rows, labels, strict=True)):
            top = MARGIN + i * rh
            text_rect = QRectF(MARGIN, top, name_w, rh)
            p.setPen(text_colour)
            p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       str(r["name"]))
            bh = rh * 0.56
            by = top + (rh - bh) / 2
            assigned = float(r.get("assigned") or 0)
            capacity = float(r.get("capacity") or 0)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(track)
            p.drawRoundedRect(QRectF(bar_x, by, bar_w, bh), 3, 3)
            within = min(assigned, capacity) if capacity else assigned
            p.setBrush(fill)
            p.drawRoundedRect(QRectF(bar_x, by, bar_w * within / scale, bh), 3, 3)
            if capacity and assigned > capacity:
                p.setBrush(WARNING)
                p.drawRect(QRectF(bar_x + bar_w * capacity / scale, by,
                                  bar_w * (assigned - capacity) / scale, bh))
            if capacity:
                x = bar_x + bar_w * capacity / scale
                p.setPen(QPen(text_colour, 2))
                p.drawLine(int(x), int(by - 3), int(x), int(by + bh + 3))
            over = bool(capacity) and assigned > capacity
            p.setPen(WARNING if over else text_colour)
            font = p.font()
            font.setBold(over)
            p.setFont(font)
            p.drawText(QRectF(bar_x + bar_w + 8, top, label_w, rh),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
            font.setBold(False)
            p.setFont(font)

    @staticmethod
    def _label(r: Mapping[str, Any]) -> str:
        assigned, capacity = int(r.get("assigned") or 0), int(r.get("capacity") or 0)
        if not capacity:
            return f"{assigned:,}"
        return f"{assigned:,} / {capacity:,} ({round(100 * assigned / capacity):d}%)"

    # -- interaction ---------------------------------------------------------------------
    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            i = self._row_at(e.pos().y())
            if i < 0:
                QToolTip.hideText()
                e.ignore()
                return True
            QToolTip.showText(e.globalPos(), self.tooltip(i), self)
            return True
        return super().event(e)

    def tooltip(self, i: int) -> str:
        """What row ``i`` counts, by assignment reason."""
        r = self.rows[i]
        lines = [f"{r['name']}: {self._label(r)}"]
        cap = int(r.get("capacity") or 0)
        if cap and int(r.get("assigned") or 0) > cap:
            lines.append(f"{int(r['assigned']) - cap:,} over capacity")
        by = {k: v for k, v in (r.get("by_reason") or {}).items() if v}
        if by:
            lines.append("By reason: " + ", ".join(f"{k} {v:,}" for k, v in by.items()))
        return "\n".join(lines)

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802 - Qt override
        i = self._row_at(e.position().y())
        if i >= 0:
            self.rep_clicked.emit(str(self.rows[i]["name"]))
        super().mousePressEvent(e)
