"""PageContext: what every page is given (no globals): the project, a way to run work.

The main window makes one context per open project and passes it to each page
factory (``factory(ctx) -> QWidget``). Opening another project makes a new
context and new pages, so a page never has to handle a project switch.

* ``ctx.project`` — the project, open on the GUI thread for quick reads (a few
  rows, counts). Never write through it and never read a whole big table with it
  on the GUI thread: use :meth:`PageContext.run`.
* ``ctx.run(op, title=..., on_success=..., writes={"people"})`` — runs
  ``op(project, progress, cancelled)`` on a worker with its own connection to the
  project, shows a progress dialog with Cancel, shows errors as one line, and
  after a successful write emits ``data_changed`` with the tables written.
* ``ctx.current_event`` (a dict or None), ``ctx.data_changed`` (a frozenset of table
  names), ``ctx.event_changed``.
* ``ctx.undo_stack`` — push ``QUndoCommand`` s for destructive steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from gtmplanner.core import services
from gtmplanner.core.store import Project
from gtmplanner.ui.errors import show_error
from gtmplanner.ui.progress import OpProgressDialog
from gtmplanner.ui.settings import Settings
from gtmplanner.ui.workers import Cancelled, OpHandle, Progress, run_op

ProjectOp = Callable[[Project, Progress, Cancelled], Any]
ALL_TABLES = frozenset({"people", "accounts", "opportunities", "activities", "reps", "events",
                        "segments", "targets", "templates", "imports", "settings"})


class PageContext(QObject):
    """The open project and the services a page may use."""

    data_changed = Signal(object)  # frozenset[str]: the tables an operation wrote
    event_changed = Signal()
    status_message = Signal(str)

    def __init__(self, window: QWidget, project: Project, settings: Settings,
                 undo_stack: QUndoStack | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.project = project
        self.settings = settings
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._event_name: str | None = None
        self.closed = False

    def close(self) -> None:
        """The project is being closed: results still on their way are dropped."""
        self.closed = True
        self.blockSignals(True)

    @property
    def path(self) -> Path:
        """The project file."""
        return self.project.path

    # -- events ----------------------------------------------------------------------------
    @property
    def current_event(self) -> dict[str, Any] | None:
        """The event the window is planning (the chosen one, else the most recent)."""
        ev = self.project.event(self._event_name) if self._event_name else None
        return ev or self.project.event()

    def set_event(self, name: str | None) -> None:
        """Plan ``name`` from now on (pages reload)."""
        if name != self._event_name:
            self._event_name = name
            self.event_changed.emit()

    # -- work ----------------------------------------------------------------------------
    def run(self, op: ProjectOp, *, title: str,
            on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[BaseException, str], None] | None = None,
            on_cancel: Callable[[], None] | None = None,
            writes: Iterable[str] = (), cancellable: bool = True,
            show_progress: bool = True, delay_ms: int = 0) -> OpHandle:
        """Run ``op(project, progress, cancelled)`` on a worker with its own connection.

        ``writes`` names the tables the op changes: the op then runs on the single
        writer thread and ``data_changed`` fires after it succeeds. ``delay_ms`` lets
        the window paint first (the worker starts that much later).
        """
        path = self.path
        written = frozenset(writes)

        def work(progress: Progress, cancelled: Cancelled) -> Any:
            if delay_ms:
                time.sleep(delay_ms / 1000)
            with services.open_project(path) as project:
                return op(project, progress, cancelled)

        def succeeded(result: Any) -> None:
            if self.closed:
                return
            if on_success is not None:
                on_success(result)
            if written:
                self.notify(*written)

        def failed(exc: BaseException, details: str) -> None:
            if self.closed:
                return
            if on_failure is not None:
                on_failure(exc, details)
            else:
                self.show_error(exc, details)

        def cancelled_() -> None:
            if self.closed:
                return
            self.status_message.emit(f"{title}: cancelled; nothing was changed")
            if on_cancel is not None:
                on_cancel()

        dialog = OpProgressDialog(self.window, title, cancellable=cancellable) \
            if show_progress else None
        handle = run_op(work, on_success=succeeded, on_failure=failed, on_cancel=cancelled_,
                        parent=self, write=bool(written), title=title)
        if dialog is not None:
            dialog.attach(handle)
        return handle

    def notify(self, *tables: str) -> None:
        """Tell every page that ``tables`` changed (they reload what they show)."""
        self.data_changed.emit(frozenset(tables) or ALL_TABLES)

    def show_error(self, exc: BaseException, details: str = "") -> None:
        """The error as one line, details on demand."""
        show_error(self.window, exc, details)

    def status(self, text: str) -> None:
        """A short message in the status bar."""
        self.status_message.emit(text)
