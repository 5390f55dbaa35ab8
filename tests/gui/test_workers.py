"""run_op: results on the GUI thread, failures as exceptions, cancel, one writer at a time."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from gtmplanner.core.errors import GtmError
from gtmplanner.ui.workers import run_op, running_ops
from tests.gui.conftest import wait_idle


def test_success_runs_off_and_reports_on_the_gui_thread(qtbot) -> None:  # noqa: ANN001
    gui = QThread.currentThread()
    seen: dict[str, object] = {}
    progress: list[float] = []

    def op(report, cancelled):  # noqa: ANN001, ANN202
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        report(0.5, "half")
        time.sleep(0.06)
        report(1.0, "done")
        return 42

    def ok(result: object) -> None:
        seen["result"] = result
        seen["on_gui"] = QThread.currentThread() == gui

    handle = run_op(op, on_success=ok, progress=lambda f, m: progress.append(f))
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert seen == {"worker": True, "result": 42, "on_gui": True}
    assert progress and progress[-1] == 1.0
    assert handle.done and not running_ops()


def test_failure_gives_the_exception_and_details(qtbot) -> None:  # noqa: ANN001
    got: list[object] = []

    def op(_p, _c):  # noqa: ANN001, ANN202
        raise GtmError("roster.csv: no such file")

    handle = run_op(op, on_success=lambda r: got.append(r),
                    on_failure=lambda e, d: got.append((str(e), "Traceback" in d)))
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert got == [("roster.csv: no such file", True)]


def test_cancel_is_seen_by_the_op(qtbot) -> None:  # noqa: ANN001
    outcome: list[str] = []

    def op(_p, cancelled):  # noqa: ANN001, ANN202
        for _ in range(500):
            if cancelled():
                raise GtmError("cancelled")
            time.sleep(0.01)
        return "finished"

    handle = run_op(op, on_success=lambda r: outcome.append(r),
                    on_failure=lambda e, d: outcome.append("failed"),
                    on_cancel=lambda: outcome.append("cancelled"))
    handle.cancel()
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert outcome == ["cancelled"] and handle.was_cancelled


def test_writes_never_overlap(qtbot) -> None:  # noqa: ANN001
    active = {"now": 0, "max": 0}
    lock = threading.Lock()

    def op(_p, _c):  # noqa: ANN001, ANN202
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.03)
        with lock:
            active["now"] -= 1

    for _ in range(4):
        run_op(op, on_success=lambda r: None, write=True)
    wait_idle(qtbot)
    assert active["max"] == 1


def test_reads_run_alongside(qtbot) -> None:  # noqa: ANN001
    barrier = threading.Barrier(2, timeout=5)
    done: list[bool] = []

    def op(_p, _c):  # noqa: ANN001, ANN202
        barrier.wait()  # would time out if the two reads could not run at once
        return True

    run_op(op, on_success=done.append)
    run_op(op, on_success=done.append)
    wait_idle(qtbot)
    assert done == [True, True]


@pytest.mark.parametrize("parent_dies", [True])
def test_callbacks_dropped_after_parent_is_destroyed(qtbot, parent_dies) -> None:  # noqa: ANN001
    from PySide6.QtCore import QObject
    parent = QObject()
    got: list[object] = []
    gate = threading.Event()

    def op(_p, _c):  # noqa: ANN001, ANN202
        gate.wait(5)
        return 1

    handle = run_op(op, on_success=got.append, parent=parent)
    parent.deleteLater()
    qtbot.wait(20)
    gate.set()
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert got == []
