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

    Each beat's lateness is recorded twice: ``raw_late`` as measured, and ``late``
    with the time the GUI thread spent *waiting for a CPU* subtracted (its run-queue
    delay from ``/proc/self/task/<tid>/schedstat``; Linux only, elsewhere the two
    are the same). On a loaded machine the OS can keep a ready thread off the CPU
    for 300 ms; that is the machine, not us. Time the GUI thread spent working, or
    waiting for the GIL held by one of our workers, is not subtracted.

    A watcher thread notes where every thread was when a beat is overdue by more
    than ``report_ms`` (``stalls``), so a failure says what held the GUI up.
    Assert with :meth:`check`, which tolerates a few isolated late beats.
    """

    def __init__(self, interval_ms: int = 20, report_ms: int = 100) -> None:
        self.interval = interval_ms / 1000
        self.report = report_ms / 1000
        self.late: list[float] = []
        self.raw_late: list[float] = []
        self.stalls: list[str] = []
        self._last = 0.0
        self._last_queued = 0.0
        self._schedstat: Path | None = None
        self._watching = False
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)

    def _queued(self) -> float:
        """Seconds the GUI thread has waited on a run queue so far (0.0 if unknown)."""
        if self._schedstat is None:
            return 0.0
        try:
            return int(self._schedstat.read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            self._schedstat = None
            return 0.0

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
                waited = self._queued() - self._last_queued
                lines = [f"GUI beat overdue by {(gap - self.interval) * 1000:.0f} ms "
                         f"({waited * 1000:.0f} ms of it waiting for a CPU):"]
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
        queued = self._queued()
        if self._last:
            late = max(0.0, now - self._last - self.interval)
            self.raw_late.append(late)
            self.late.append(max(0.0, late - (queued - self._last_queued)))
        self._last, self._last_queued = now, queued

    def start(self) -> None:
        import threading
        stat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self._schedstat = stat if stat.exists() else None
        self._last = 0.0
        self._last_queued = self._queued()
        self.late.clear()
        self.raw_late.clear()
        self.stalls.clear()
        self.timer.start()
        self._watching = True
        threading.Thread(target=self._watch, daemon=True).start()

    def stop(self) -> None:
        self.timer.stop()
        self._watching = False

    @property
    def worst_ms(self) -> float:
        """The latest beat, less the time the GUI thread waited for a CPU."""
        return max(self.late, default=0.0) * 1000

    @property
    def raw_worst_ms(self) -> float:
        return max(self.raw_late, default=0.0) * 1000

    def check(self, bar_ms: float = 100, tolerance_ms: float = 150, *,
              beats: int | None = None, allowed: int | None = None,
              ceiling_ms: float = 1000) -> str:
        """Why the GUI was not responsive enough, or "" when it was.

        A beat (of the first ``beats``, default all) is late when it fired more than
        ``bar_ms + tolerance_ms`` late, not counting time spent waiting for a CPU.
        Up to ``allowed`` late beats (default: 3, or 1 % of the beats if more) pass as
        noise (a GC pass, a page fault, a worker that was itself kept off the CPU),
        provided none is later than ``ceiling_ms``. Work on the GUI thread fails
        either way: it delays every beat while it runs, by far more than a second
        for any real import or recompute, or it stalls the GUI again and again.
        """
        late = self.late[:beats] if beats is not None else self.late
        if allowed is None:
            allowed = max(3, len(late) // 100)
        limit = (bar_ms + tolerance_ms) / 1000
        over = sorted((x for x in late if x > limit), reverse=True)
        worst = max(late, default=0.0)
        if len(over) <= allowed and worst * 1000 <= ceiling_ms:
            return ""
        return (f"{len(over)} of {len(late)} heartbeats were over {bar_ms + tolerance_ms:.0f} ms"
                f" late ({allowed} allowed), the worst by {worst * 1000:.0f} ms (ceiling "
                f"{ceiling_ms:.0f} ms), not counting time waiting for a CPU; late beats (ms): "
                f"{[round(x * 1000) for x in over[:10]]}\n" + "\n".join(self.stalls))


@pytest.fixture
def heartbeat() -> Iterator[Heartbeat]:
    hb = Heartbeat()
    yield hb
    hb.stop()


@pytest.fixture
def page_project(base_project: Path, tmp_path: Path) -> Path:
    """A private copy of the page test module's ``base_project``."""
    import shutil
    path = tmp_path / "page.gtmp"
    shutil.copy2(base_project, path)
    return path


@pytest.fixture
def page_ctx(qtbot, page_project: Path, settings: Settings):  # noqa: ANN001, ANN201
    """A PageContext on ``page_project`` (a module may override that fixture); fails the
    test if the page reported any error."""
    from PySide6.QtWidgets import QWidget

    from gtmplanner.core import services
    from gtmplanner.ui import workers
    from gtmplanner.ui.context import PageContext

    window = QWidget()
    qtbot.addWidget(window)
    project = services.open_project(page_project)
    context = PageContext(window, project, settings)
    errors: list[str] = []
    context.show_error = lambda exc, details="": errors.append(f"{exc}\n{details}")
    context.errors = errors
    yield context
    workers.wait_for_all(30_000)
    qtbot.wait(50)
    project.close()
    assert not errors, errors
