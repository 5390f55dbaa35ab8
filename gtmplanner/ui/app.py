"""Start the window: ``run_app(project_path)`` (what ``gtmplanner [PROJECT]`` calls).

The project opened is the one given, else the last one open, else the demo
project (written to the user's data folder on first start, on a worker with a
progress dialog). Fusion style; colours come from the palette, which follows
the system's light or dark scheme.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gtmplanner.core import services
from gtmplanner.core.resources import resource_path
from gtmplanner.ui.main_window import APP_NAME, MainWindow
from gtmplanner.ui.progress import OpProgressDialog
from gtmplanner.ui.settings import APPLICATION, ORGANIZATION, Settings
from gtmplanner.ui.workers import run_op

DEMO_NAME = "demo.gtmp"


def make_app(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists), with our names and the Fusion style."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setStyle("Fusion")
    app.setDesktopFileName("gtmplanner")  # matches resources/linux/gtmplanner.desktop
    icon = resource_path("icons", "gtmplanner.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    hints = app.styleHints()
    if hasattr(hints, "colorSchemeChanged"):  # follow light/dark switches while running
        hints.colorSchemeChanged.connect(lambda _scheme: app.setStyle("Fusion"))
    return app


def demo_path() -> Path:
    """Where the demo project lives: the user's data folder."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".gtmplanner") / DEMO_NAME


def choose_project(requested: str | Path | None, settings: Settings) -> tuple[Path, bool]:
    """The project to open and whether it must first be created as the demo."""
    if requested:
        return Path(requested), False
    last = settings.last_project()
    if last is not None:
        return last, False
    demo = demo_path()
    return demo, not demo.exists()


def create_demo_then(window: MainWindow, path: Path) -> None:
    """Write the demo project on a worker (progress dialog), then open it."""
    dialog = OpProgressDialog(window, "Creating the demo project", cancellable=False,
                              minimum_ms=0)

    def op(progress, _cancelled):  # noqa: ANN001, ANN202 - run_op's callback shape
        path.parent.mkdir(parents=True, exist_ok=True)
        return services.create_demo(path, progress=progress)

    def failed(exc: BaseException, details: str) -> None:
        from gtmplanner.ui.errors import show_error
        show_error(window, exc, details)

    handle = run_op(op, on_success=lambda _s: window.open_project(path), on_failure=failed,
                    parent=window, write=True, title="Creating the demo project")
    dialog.attach(handle)


def start_window(project_path: str | Path | None = None, *,
                 settings: Settings | None = None) -> MainWindow:
    """Show the window on ``project_path`` (or the last project, or the demo)."""
    make_app()
    settings = settings or Settings()
    window = MainWindow(settings)
    path, needs_demo = choose_project(project_path, settings)
    window.show()
    if needs_demo:
        create_demo_then(window, path)
    elif not path.exists():
        from gtmplanner.core.errors import ProjectError
        from gtmplanner.ui.errors import show_error
        show_error(window, ProjectError(f"{path}: no such project (create one with "
                                        "'gtmplanner demo' or File > New)"))
    else:
        window.open_project(path)
    return window


def run_app(project_path: str | Path | None = None) -> int:
    """Open the window on ``project_path`` (or the last project, or the demo); run it.

    Returns the application's exit code.
    """
    app = make_app()
    window = start_window(project_path)
    code = app.exec()
    del window
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(sys.argv[1] if len(sys.argv) > 1 else None))
