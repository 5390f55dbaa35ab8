"""A graphics item that draws hundreds of thousands of points with no per-point Python.

pyqtgraph's ``ScatterPlotItem`` builds a style key per point in Python each time
its data is set (about 1 s for 200,000 points here), which would freeze the
window whenever the map's people change. :class:`PointCloud` keeps the points as
two numpy arrays plus a style index per point, pre-renders each style once into
a small atlas pixmap, and paints with one ``QPainter.drawPixmapFragments`` call
whose fragment array is filled by numpy (the technique ``ScatterPlotItem`` uses
for its cached symbols). Setting data costs microseconds; a paint of 200,000
points a few tens of milliseconds. Points keep their pixel size when zooming.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget


class PointStyle:
    """How one kind of point looks: diameter in pixels, fill and outline."""

    def __init__(self, size: float, fill: QColor | None, outline: QColor | None = None,
                 outline_width: float = 1.0) -> None:
        self.size = float(size)
        self.fill = QColor(fill) if fill is not None else None
        self.outline = QColor(outline) if outline is not None else None
        self.outline_width = float(outline_width)


class PointCloud(pg.GraphicsObject):
    """Points at (x, y) in data coordinates, each drawn in one of a few styles."""

    def __init__(self, styles: Sequence[PointStyle]) -> None:
        super().__init__()
        self._styles = list(styles)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._style = np.empty(0, dtype=np.intp)
        self._bounds = QRectF()
        self._atlas: QPixmap | None = None
        self._atlas_dpr = 0.0
        self._cell = int(np.ceil(max(s.size + 2 * s.outline_width for s in self._styles))) + 2
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    # -- data ------------------------------------------------------------------------------
    def setData(self, x: Any, y: Any, style: Any = None) -> None:  # noqa: N802 - Qt naming
        """Show points at ``x``, ``y`` (NaN = not drawn); ``style`` indexes the styles."""
        xs = np.asarray(x, dtype=float)
        ys = np.asarray(y, dtype=float)
        if style is None:
            st = np.zeros(len(xs), dtype=np.intp)
        else:
            st = np.clip(np.asarray(style, dtype=np.intp), 0, len(self._styles) - 1)
        ok = np.isfinite(xs) & np.isfinite(ys)
        if not ok.all():
            xs, ys, st = xs[ok], ys[ok], st[ok]
        self.prepareGeometryChange()
        self._x, self._y, self._style = xs, ys, st
        if len(xs):
            x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
            self._bounds = QRectF(x0, y0, max(x1 - x0, 1e-9), max(y1 - y0, 1e-9))
        else:
            self._bounds = QRectF()
        self.informViewBoundsChanged()
        self.update()

    def __len__(self) -> int:
        return len(self._x)

    def dataBounds(self, ax: int, frac: float = 1.0,  # noqa: N802 - pyqtgraph API
                   orthoRange: Any = None) -> tuple[float, float] | tuple[None, None]:  # noqa: N803
        """The data range along x (``ax=0``) or y (``ax=1``), for auto-range."""
        values = self._x if ax == 0 else self._y
        if not len(values):
            return None, None
        return float(values.min()), float(values.max())

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        """Data bounds, padded by a point's size in pixels."""
        if self._bounds.isNull():
            return QRectF()
        pw, ph = self.pixelWidth() or 0.0, self.pixelHeight() or 0.0
        pad = self._cell / 2
        return self._bounds.adjusted(-pad * pw, -pad * ph, pad * pw, pad * ph)

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph hook
        """The padding in data units changes with the zoom."""
        self.prepareGeometryChange()

    # -- drawing ---------------------------------------------------------------------------
    def _build_atlas(self, dpr: float) -> QPixmap:
        cell = int(np.ceil(self._cell * dpr))
        image = QImage(cell * len(self._styles), cell, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, s in enumerate(self._styles):
            painter.setBrush(QBrush(s.fill) if s.fill is not None else Qt.BrushStyle.NoBrush)
            if s.outline is not None:
                painter.setPen(QPen(s.outline, s.outline_width * dpr))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
            r = s.size * dpr / 2
            painter.drawEllipse(QPointF(i * cell + cell / 2, cell / 2), r, r)
        painter.end()
        return QPixmap.fromImage(image)

    def paint(self, p: QPainter, _option: QStyleOptionGraphicsItem,  # noqa: D102
              widget: QWidget | None = None) -> None:
        n = len(self._x)
        if not n:
            return
        dpr = widget.devicePixelRatioF() if widget is not None else p.device().devicePixelRatioF()
        if self._atlas is None or dpr != self._atlas_dpr:
            self._atlas, self._atlas_dpr = self._build_atlas(dpr), dpr
        t = p.transform()
        dx = t.m11() * self._x + t.m21() * self._y + t.dx()
        dy = t.m12() * self._x + t.m22() * self._y + t.dy()
        view = QRectF(p.viewport())
        margin = self._cell
        keep = ((dx >= view.left() - margin) & (dx <= view.right() + margin)
                & (dy >= view.top() - margin) & (dy <= view.bottom() + margin))
        count = int(keep.sum())
        if not count:
            return
        cell = self._atlas.height()
        self._fragments.resize(count)
        frags = self._fragments.ndarray()
        frags[:, 0] = dx[keep]
        frags[:, 1] = dy[keep]
        frags[:, 2] = self._style[keep] * cell
        frags[:, 3] = 0.0
        frags[:, 4] = cell
        frags[:, 5] = cell
        frags[:, 6:10] = (1.0 / dpr, 1.0 / dpr, 0.0, 1.0)
        p.save()
        p.resetTransform()
        p.drawPixmapFragments(*self._fragments.drawargs(), self._atlas)
        p.restore()
