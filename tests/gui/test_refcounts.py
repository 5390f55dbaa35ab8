"""Guard against Qt bindings that corrupt Python's reference counts (PySide6 6.12.0 on
Python 3.11 took one reference off None per void call and off True per emit, which
aborts the process after a while: 'Fatal Python error: none_dealloc')."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_and_emits_keep_refcounts(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert sys.getrefcount(None) - before > -50
    em = _Emitter()
    em.fired.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for _ in range(2000):
        em.fired.emit(True)
    assert sys.getrefcount(True) - before > -50
