"""The one way to run work off the GUI thread: :func:`run_op`.

``op(progress, cancelled)`` runs on a ``QThreadPool`` thread and never touches a
widget. Its result (or exception) comes back to the GUI thread through a small
``QObject`` signal bridge, where ``on_success`` / ``on_failure`` run. Operations
that write to a project (``write=True``) go through one dedicated single-thread
pool, so two writes never overlap (Anki's collection executor); reads use a
separate pool and run alongside.

Usage::

    handle = run_op(lambda progress, cancelled: score(path, progress, cancelled),
                    on_success=self._scored, on_failure=self._failed,
                    progress=dialog.update, parent=self, write=True)
    handle.cancel()   # asks the op to stop: its ``cancelled()`` turns true
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]
Op = Callable[[Progress, Cancelled], Any]

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second reach the GUI

_pools: dict[str, QThreadPool] = {}
_running: set[OpHandle] = set()


def _pool(write: bool) -> QThreadPool:
    """The pool for reads (several threads) or writes (exactly one thread)."""
    key = "write" if write else "read"
    pool = _pools.get(key)
    if pool is None:
        pool = QThreadPool()
        pool.setObjectName(f"gtmplanner-{key}")
        pool.setMaxThreadCount(1 if write else max(2, QThreadPool.globalInstance()
                                                   .maxThreadCount()))
        _pools[key] = pool
    return pool


def running_ops() -> list[OpHandle]:
    """Operations started with :func:`run_op` that have not finished yet."""
    return [h for h in _running if not h.done]


def wait_for_all(timeout_ms: int = 30_000) -> bool:
    """Block until every pool is idle (used on quit and in tests)."""
    ok = True
    for pool in _pools.values():
        ok = pool.waitForDone(timeout_ms) and ok
    return ok


class _Bridge(QObject):
    """Carries an operation's progress and outcome to the GUI thread (queued signals)."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback (for "details")
    finished = Signal()


class OpHandle:
    """A running operation: cancel it, ask whether it is done, listen to its signals."""

    def __init__(self, title: str = "") -> None:
        self.title = title
        self.bridge = _Bridge()
        self._cancel = threading.Event()
        self.done = False
        self.was_cancelled = False
        self.started_at = time.monotonic()

    # public API ------------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the operation to stop; it checks ``cancelled()`` at its own pace."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    @property
    def progressed(self) -> Any:
        """Signal ``(fraction, message)`` on the GUI thread."""
        return self.bridge.progressed

    @property
    def finished(self) -> Any:
        """Signal emitted on the GUI thread after ``on_success``/``on_failure`` ran."""
        return self.bridge.finished


class _Runnable(QRunnable):
    def __init__(self, op: Op, handle: OpHandle) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op = op
        self._handle = handle
        self._last = 0.0

    def _progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self._last < PROGRESS_INTERVAL_S:
            return
        self._last = now
        try:
            self._handle.bridge.progressed.emit(float(fraction), str(message))
        except RuntimeError:  # the bridge is gone (window closed); keep working quietly
            pass

    def run(self) -> None:  # runs on a pool thread
        h = self._handle
        try:
            result = self._op(self._progress, h.is_cancelled)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            tb = "".join(traceback.format_exception(exc))
            try:
                h.bridge.failed.emit(exc, tb)
            except RuntimeError:
                pass
            return
        try:
            h.bridge.succeeded.emit(result)
        except RuntimeError:
            pass


def run_op(op: Op, *, on_success: Callable[[Any], None],
           on_failure: Callable[[BaseException, str], None] | None = None,
           progress: Progress | None = None, parent: QObject | None = None,
           on_cancel: Callable[[], None] | None = None, write: bool = False,
           title: str = "") -> OpHandle:
    """Run ``op(progress, cancelled)`` off the GUI thread; callbacks run on the GUI thread.

    ``on_failure(exc, details)`` receives the exception and its formatted traceback
    (for a "Details" box, never shown as the message). When the user cancelled and the
    op stopped with an error, ``on_cancel`` runs instead of ``on_failure`` (if given).
    With ``parent`` set, callbacks are dropped once ``parent`` is destroyed.
    ``write=True`` queues the op on the single writer thread.
    """
    handle = OpHandle(title)
    alive = {"ok": True}
    if parent is not None:
        parent.destroyed.connect(lambda *_: alive.update(ok=False))

    def finish() -> None:
        handle.done = True
        _running.discard(handle)
        handle.bridge.finished.emit()
        handle.bridge.deleteLater()

    def succeeded(result: object) -> None:
        try:
            if alive["ok"]:
                on_success(result)
        finally:
            finish()

    def failed(exc: object, details: str) -> None:
        try:
            if not alive["ok"]:
                return
            if handle.is_cancelled():
                handle.was_cancelled = True
                if on_cancel is not None:
                    on_cancel()
                    return
            if on_failure is not None:
                assert isinstance(exc, BaseException)
                on_failure(exc, details)
        finally:
            finish()

    handle.bridge.succeeded.connect(succeeded)
    handle.bridge.failed.connect(failed)
    if progress is not None:
        handle.bridge.progressed.connect(
            lambda f, m: progress(f, m) if alive["ok"] else None)
    _running.add(handle)
    _pool(write).start(_Runnable(op, handle))
    return handle
