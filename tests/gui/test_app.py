"""Starting the app: the demo project on first start, the last project after that."""

from __future__ import annotations

from gtmplanner.ui import app as app_mod
from gtmplanner.ui.settings import WINDOW_GEOMETRY, Settings
from tests.gui.conftest import wait_idle


def test_first_start_creates_and_opens_the_demo(qtbot, settings: Settings, tmp_path,  # noqa: ANN001
                                                monkeypatch) -> None:
    demo = tmp_path / "data" / "demo.gtmp"
    monkeypatch.setattr(app_mod, "demo_path", lambda: demo)
    window = app_mod.start_window(None, settings=settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.project is not None, timeout=60_000)
    assert demo.exists()
    assert window.windowTitle().startswith("demo — ")
    assert settings.last_project() == demo.resolve()
    wait_idle(qtbot)
    window.close()
    # the second start opens the last project without writing a new demo
    stamp = demo.stat().st_mtime_ns
    again = app_mod.start_window(None, settings=settings)
    qtbot.addWidget(again)
    assert again.project is not None and again.project.path == demo.resolve()
    assert demo.stat().st_mtime_ns == stamp
    wait_idle(qtbot)
    again.close()


def test_a_missing_project_shows_one_line(qtbot, settings: Settings, tmp_path) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox
    window = app_mod.start_window(tmp_path / "nope.gtmp", settings=settings)
    qtbot.addWidget(window)
    boxes = [w for w in window.findChildren(QMessageBox) if w.objectName() == "errorBox"]
    assert boxes and "no such project" in boxes[0].text()
    assert "Traceback" not in boxes[0].text()
    assert window.project is None
    boxes[0].close()
    window.close()


def test_window_state_is_remembered(qtbot, settings: Settings, demo_project) -> None:  # noqa: ANN001
    window = app_mod.start_window(demo_project, settings=settings)
    qtbot.addWidget(window)
    window.resize(701, 502)  # within the offscreen screen (800 x 600)
    wait_idle(qtbot)
    window.close()
    assert not settings.get(WINDOW_GEOMETRY).isEmpty()
    again = app_mod.start_window(None, settings=settings)
    qtbot.addWidget(again)
    assert again.size().width() == 701
    wait_idle(qtbot)
    again.close()
