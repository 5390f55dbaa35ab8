"""GUI test fixtures: one offscreen QApplication, the demo project, a main window.

Settings go to an ini file in a temporary folder and the user data folders are
redirected, so the tests never touch a real user's settings or demo project.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="gtm-gui-home-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(_HOME / "config")
os.environ["XDG_DATA_HOME"] = str(_HOME / "data")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402

from gtmplanner.core import services  # noqa: E402
from gtmplanner.ui import workers  # noqa: E402
from gtmplanner.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples"
if not SAMPLES.exists():
    SAMPLES = ROOT / "tests" / "fixtures" / "samples"


@pytest.fixture(scope="session")
def qapp_cls():  # noqa: ANN201 - pytest-qt hook: a QApplication (not QCoreApplication)
    from PySide6.QtWidgets import QApplication
    return QApplication


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, written once per session (scored)."""
    path = tmp_path_factory.mktemp("demo") / "demo.gtmp"
    services.create_demo(path)
    return path


@pytest.fixture
def demo_project(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project (tests may write to it)."""
    path = tmp_path / "demo.gtmp"
    shutil.copy2(demo_master, path)
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Window settings in an ini file of this test."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def sample_roster() -> Path:
    return SAMPLES / "eventbrite_attendees.csv"


@pytest.fixture
def window(qtbot, demo_project: Path, settings: Settings):  # noqa: ANN001, ANN201
    """The main window on a copy of the demo project, People page loaded."""
    from gtmplanner.ui.main_window import MainWindow
    win = MainWindow(settings, restore=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    assert win.open_project(demo_project)
    people = win.page("people")
    qtbot.waitUntil(lambda: people.loaded_count > 0, timeout=20_000)
    yield win
    for h in workers.running_ops():
        h.cancel()
    workers.wait_for_all(20_000)
    win.close_project()


def wait_idle(qtbot, timeout: int = 30_000) -> None:  # noqa: ANN001
    """Wait until every operation started with run_op has finished and reported back."""
    qtbot.waitUntil(lambda: not workers.running_ops(), timeout=timeout)


class Heartbeat:
    """A GUI-thread timer that records how late each beat fires.

    A watcher thread notes where every thread was when a beat is overdue by more
    than ``report_ms`` (``stalls``), so a failure says what held the GUI up.
    """

    def __init__(self, interval_ms: int = 20, report_ms: int = 100) -> None:
        self.interval = interval_ms / 1000
        self.report = report_ms / 1000
        self.late: list[float] = []
        self.stalls: list[str] = []
        self._last = 0.0
        self._watching = False
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)

    def _watch(self) -> None:
        import sys
        import threading
        import traceback
        main = threading.main_thread().ident
        me = threading.get_ident()
        noted = 0.0
        while self._watching:
            time.sleep(0.01)
            last = self._last
            gap = time.perf_counter() - last
            if last and gap > self.interval + self.report and noted != last \
                    and len(self.stalls) < 20:
                noted = last
                lines = [f"GUI beat overdue by {(gap - self.interval) * 1000:.0f} ms:"]
                for tid, frame in sys._current_frames().items():
                    if tid == me:
                        continue
                    stack = traceback.extract_stack(frame)[-6:][::-1]
                    who = "GUI" if tid == main else "worker"
                    lines.append(f"  {who}: " + " <- ".join(
                        f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in stack))
                self.stalls.append("\n".join(lines))

    def _beat(self) -> None:
        now = time.perf_counter()
        if self._last:
            self.late.append(max(0.0, now - self._last - self.interval))
        self._last = now

    def start(self) -> None:
        import threading
        self._last = 0.0
        self.late.clear()
        self.stalls.clear()
        self.timer.start()
        self._watching = True
        threading.Thread(target=self._watch, daemon=True).start()

    def stop(self) -> None:
        self.timer.stop()
        self._watching = False

    @property
    def worst_ms(self) -> float:
        return max(self.late, default=0.0) * 1000


@pytest.fixture
def heartbeat() -> Iterator[Heartbeat]:
    hb = Heartbeat()
    yield hb
    hb.stop()
