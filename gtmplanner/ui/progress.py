"""A progress dialog wired to a :func:`~gtmplanner.ui.workers.run_op` handle.

It follows the handle's ``progressed`` signal, turns its Cancel button into
``handle.cancel()``, and closes itself when the operation finishes. It is
window-modal but shown with ``show()`` (no nested event loop), and appears
only when the work takes longer than ``minimum_ms``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from gtmplanner.ui.workers import OpHandle

STEPS = 1000


class OpProgressDialog(QProgressDialog):
    """Shows what a running operation is doing, with a working Cancel button."""

    def __init__(self, parent: QWidget | None, title: str, *, cancellable: bool = True,
                 minimum_ms: int = 300) -> None:
        super().__init__(parent)
        self.setObjectName("opProgress")
        self.setWindowTitle(title)
        self.setLabelText(f"{title}…")
        self.setRange(0, STEPS)
        self.setValue(0)
        self.setMinimumDuration(minimum_ms)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 56)
        if not cancellable:
            self.setCancelButton(None)
        self._handle: OpHandle | None = None

    def attach(self, handle: OpHandle) -> OpProgressDialog:
        """Follow ``handle``: progress in, Cancel out, close when it finishes."""
        self._handle = handle
        handle.progressed.connect(self.update_progress)
        handle.finished.connect(self._finished)
        self.canceled.connect(self._cancel)
        return self

    def update_progress(self, fraction: float, message: str = "") -> None:
        """Show ``fraction`` (0..1) and ``message``."""
        if self.wasCanceled():
            return
        self.setValue(max(0, min(STEPS, int(fraction * STEPS))))
        if message:
            self.setLabelText(message[:1].upper() + message[1:])

    def _cancel(self) -> None:
        if self._handle is not None and not self._handle.done:
            self._handle.cancel()
            self.setLabelText("Cancelling… (nothing will be changed)")
            self.show()

    def _finished(self) -> None:
        self._handle = None
        self.close()
        self.deleteLater()
