"""The main window: projects, navigation between pages, import, scoring, status.

Pages come from :data:`gtmplanner.ui.pages.PAGES` and from
:meth:`MainWindow.register_page`; each is built by ``factory(ctx)`` the first
time it is shown, with a :class:`~gtmplanner.ui.context.PageContext` for the
open project (no globals). Long work runs through ``ctx.run`` (a worker, a
progress dialog with Cancel); closing while work runs asks first.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QWidget,
)

from gtmplanner.core import services
from gtmplanner.core.store import Project
from gtmplanner.ui import workers
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.errors import show_error
from gtmplanner.ui.import_dialog import ImportDialog
from gtmplanner.ui.pages import GROUPS, PAGES, Page, PageFactory
from gtmplanner.ui.settings import (
    LAST_IMPORT_DIR,
    LAST_PAGE,
    LAST_PROJECT_DIR,
    SPLITTER_STATE,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    Settings,
)

APP_NAME = "GTM Planner"
IMPORT_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods"}
PAGE_ROLE = Qt.ItemDataRole.UserRole + 1


class MainWindow(QMainWindow):
    """One window on one project at a time."""

    project_opened = Signal(object)  # Path
    scored = Signal(dict)

    def __init__(self, settings: Settings | None = None, *, restore: bool = True) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings or Settings()
        self.project: Project | None = None
        self.ctx: PageContext | None = None
        self.undo_stack = QUndoStack(self)
        self._pages: list[Page] = list(PAGES)
        self._widgets: dict[str, QWidget] = {}
        self._import_queue: list[Path] = []
        self.import_dialog: ImportDialog | None = None
        self.setAcceptDrops(True)
        self.setWindowTitle(APP_NAME)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 100, em * 60)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setMinimumWidth(em * 9)
        self.nav.setSpacing(2)
        self.nav.currentItemChanged.connect(self._nav_changed)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self.placeholder = QLabel("No project is open.\n\nFile ▸ Open… or New…, or drop a "
                                  "file here to import it.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setObjectName("noProject")
        self.stack.addWidget(self.placeholder)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([em * 12, em * 88])
        self.setCentralWidget(self.splitter)

        self.counts_label = QLabel()
        self.counts_label.setObjectName("countsLabel")
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._update_actions()
        if restore:
            self._restore_state()

    # -- actions -------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None,
                tip: str = "", icon: QStyle.StandardPixmap | None = None) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(f"{tip} ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
                         if shortcut is not None else tip)
        if icon is not None:
            a.setIcon(self.style().standardIcon(icon))
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_action = self._action("&New Project…", self.ask_new_project,
                                       QKeySequence.StandardKey.New, "Create an empty project",
                                       sp.SP_FileIcon)
        self.open_action = self._action("&Open Project…", self.ask_open_project, "Ctrl+O",
                                        "Open a project file (.gtmp)", sp.SP_DialogOpenButton)
        self.import_action = self._action("&Import…", self.ask_import, "Ctrl+I",
                                          "Import a roster, account list, CRM report…",
                                          sp.SP_ArrowDown)
        self.close_action = self._action("&Close Project", self.close_project,
                                         QKeySequence.StandardKey.Close, "Close the project")
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q", "Quit GTM Planner")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.score_action = self._action("&Score Now", self.score_now, "Ctrl+R",
                                         "Match, locate and score everyone", sp.SP_BrowserReload)
        self.filter_action = self._action("&Find in Table", self.focus_filter,
                                          QKeySequence.StandardKey.Find,
                                          "Put the cursor in the quick filter")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        file_menu.addAction(self.quit_action)
        edit_menu = mb.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.filter_action)
        project_menu = mb.addMenu("&Project")
        project_menu.addAction(self.score_action)
        self.view_menu = mb.addMenu("&View")
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self._action("&About GTM Planner", self._about))

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Main")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.setIconSize(QSize(16, 16))
        tb.addAction(self.open_action)
        tb.addAction(self.import_action)
        tb.addAction(self.score_action)
        tb.addSeparator()
        tb.addWidget(QLabel(" Event: "))
        self.event_combo = QComboBox()
        self.event_combo.setObjectName("eventSelector")
        self.event_combo.setMinimumContentsLength(24)
        self.event_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.event_combo.setToolTip("The event being planned")
        self.event_combo.activated.connect(self._event_chosen)
        tb.addWidget(self.event_combo)

    def _update_actions(self) -> None:
        has = self.project is not None
        for a in (self.import_action, self.close_action, self.score_action, self.filter_action):
            a.setEnabled(has)
        self.event_combo.setEnabled(has and self.event_combo.count() > 0)

    # -- pages ---------------------------------------------------------------------------
    def register_page(self, name: str, widget_factory: PageFactory, *, title: str | None = None,
                      group: str = "Plan", tooltip: str = "") -> None:
        """Add (or replace) a page: ``widget_factory(ctx) -> QWidget``, built when first shown."""
        page = Page(name, title or name.replace("_", " ").capitalize(), widget_factory, group,
                    tooltip)
        self._pages = [p for p in self._pages if p.name != name] + [page]
        old = self._widgets.pop(name, None)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self._build_nav()

    def page_names(self) -> list[str]:
        """Names of the pages in the navigation."""
        return [self.nav.item(i).data(PAGE_ROLE) for i in range(self.nav.count())
                if self.nav.item(i).data(PAGE_ROLE)]

    def page(self, name: str) -> QWidget | None:
        """The widget of page ``name``, built if needed (None without a project)."""
        if self.ctx is None:
            return None
        w = self._widgets.get(name)
        if w is None:
            spec = next((p for p in self._pages if p.name == name), None)
            if spec is None:
                return None
            w = self._make_page(spec)
            self._widgets[name] = w
            self.stack.addWidget(w)
        return w

    def show_page(self, name: str) -> QWidget | None:
        """Make ``name`` the current page."""
        for i in range(self.nav.count()):
            if self.nav.item(i).data(PAGE_ROLE) == name:
                self.nav.setCurrentRow(i)
                return self._widgets.get(name)
        return None

    def current_page_name(self) -> str | None:
        item = self.nav.currentItem()
        return item.data(PAGE_ROLE) if item else None

    def _available(self, page: Page) -> bool:
        if not isinstance(page.factory, str):
            return True
        module = page.factory.split(":", 1)[0]
        try:
            return importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            return False

    def _make_page(self, spec: Page) -> QWidget:
        assert self.ctx is not None
        try:
            factory = spec.factory
            if isinstance(factory, str):
                module, _, func = factory.partition(":")
                factory = getattr(importlib.import_module(module), func)
            widget = factory(self.ctx)
        except Exception as exc:  # noqa: BLE001 - a broken page must not break the window
            from gtmplanner.ui.errors import error_line
            widget = QLabel(f"The {spec.title} page could not be opened:\n{error_line(exc)}")
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setWordWrap(True)
        widget.setProperty("pageName", spec.name)
        return widget

    def _build_nav(self) -> None:
        current = self.current_page_name()
        self.nav.blockSignals(True)
        self.nav.clear()
        self.view_menu.clear()
        shortcut = 1
        for group in GROUPS + tuple(sorted({p.group for p in self._pages} - set(GROUPS))):
            pages = [p for p in self._pages if p.group == group and self._available(p)]
            if not pages:
                continue
            head = QListWidgetItem(group.upper())
            head.setFlags(Qt.ItemFlag.NoItemFlags)
            font = head.font()
            font.setBold(True)
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            head.setFont(font)
            self.nav.addItem(head)
            for p in pages:
                item = QListWidgetItem("   " + p.title)
                item.setData(PAGE_ROLE, p.name)
                item.setToolTip(p.tooltip)
                self.nav.addItem(item)
                act = self.view_menu.addAction(p.title)
                act.triggered.connect(lambda _c=False, n=p.name: self.show_page(n))
                if shortcut <= 9:
                    act.setShortcut(QKeySequence(f"Ctrl+{shortcut}"))
                    shortcut += 1
        self.nav.blockSignals(False)
        if self.project is not None:
            self.show_page(current or self.settings.get(LAST_PAGE)) or \
                self.show_page(self.page_names()[0] if self.page_names() else "")

    def _nav_changed(self, item: QListWidgetItem | None, _prev: QListWidgetItem | None) -> None:
        name = item.data(PAGE_ROLE) if item else None
        if not name or self.ctx is None:
            return
        w = self.page(name)
        if w is not None:
            self.stack.setCurrentWidget(w)
            self.settings.set(LAST_PAGE, name)
            hook = getattr(w, "page_shown", None)
            if callable(hook):
                hook()

    def focus_filter(self) -> None:
        """Ctrl+F: the current page's quick filter."""
        w = self.stack.currentWidget()
        hook = getattr(w, "focus_filter", None)
        if callable(hook):
            hook()

    # -- projects ------------------------------------------------------------------------
    def open_project(self, path: str | Path, *, create: bool = False) -> bool:
        """Open ``path`` (closing the current project); False (with a message) on failure."""
        try:
            project = services.open_project(Path(path), create=create)
        except Exception as exc:  # noqa: BLE001 - shown as one line
            show_error(self, exc)
            return False
        self.close_project()
        self.project = project
        self.undo_stack.clear()
        self.ctx = PageContext(self, project, self.settings, self.undo_stack)
        self.ctx.data_changed.connect(self._data_changed)
        self.ctx.status_message.connect(lambda t: self.statusBar().showMessage(t, 10_000))
        self.ctx.event_changed.connect(self._update_title)
        self.settings.add_recent(project.path)
        self.settings.remember_folder(LAST_PROJECT_DIR, project.path)
        self._fill_events()
        self._build_nav()
        self._update_title()
        self._update_actions()
        self.refresh_counts()
        self.project_opened.emit(project.path)
        return True

    def close_project(self) -> None:
        """Close the open project and its pages."""
        if self.project is None:
            return
        if self.ctx is not None:
            self.ctx.close()
        for w in self._widgets.values():
            self.stack.removeWidget(w)
            w.deleteLater()
        self._widgets.clear()
        self.stack.setCurrentWidget(self.placeholder)
        if self.ctx is not None:
            self.ctx.deleteLater()
        self.ctx = None
        self.undo_stack.clear()
        self.project.close()
        self.project = None
        self.nav.clear()
        self.event_combo.clear()
        self.counts_label.clear()
        self._update_title()
        self._update_actions()

    def ask_new_project(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "New project", self.settings.folder(LAST_PROJECT_DIR) + "/Untitled.gtmp",
            "GTM Planner projects (*.gtmp)")
        if name:
            path = Path(name) if name.lower().endswith(".gtmp") else Path(name + ".gtmp")
            self.open_project(path, create=True)

    def ask_open_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open project", self.settings.folder(LAST_PROJECT_DIR),
            "GTM Planner projects (*.gtmp);;All files (*)")
        if name:
            self.open_project(name)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_projects()
        for p in recent:
            act = self.recent_menu.addAction(f"{p.stem}   ({p.parent})")
            act.triggered.connect(lambda _c=False, path=p: self.open_project(path))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear the list", self.settings.clear_recent)

    def _fill_events(self) -> None:
        self.event_combo.clear()
        if self.project is None or self.ctx is None:
            return
        current = self.ctx.current_event
        for ev in reversed(self.project.events()):
            self.event_combo.addItem(ev["name"])
        if current:
            self.event_combo.setCurrentText(current["name"])
        self.event_combo.setEnabled(self.event_combo.count() > 0)

    def _event_chosen(self, _index: int) -> None:
        if self.ctx is not None:
            self.ctx.set_event(self.event_combo.currentText() or None)

    def _update_title(self) -> None:
        if self.project is None or self.ctx is None:
            self.setWindowTitle(APP_NAME)
            return
        ev = self.ctx.current_event
        parts = [self.project.name, ev["name"] if ev else "", APP_NAME]
        self.setWindowTitle(" — ".join(p for p in parts if p))

    def _data_changed(self, tables: frozenset[str]) -> None:
        if "events" in tables:
            self._fill_events()
            self._update_title()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Counts in the status bar (read on a worker: COUNT on a big table takes a moment)."""
        if self.ctx is None:
            return

        def op(project: Project, _p: Any, _c: Any) -> dict[str, Any]:
            counts = project.counts()
            tiers = dict(project.conn.execute(
                "SELECT tier, COUNT(*) FROM people WHERE tier IS NOT NULL GROUP BY 1"
            ).fetchall()) if counts["people"] else {}
            return {"counts": counts, "tiers": tiers}

        self.ctx.run(op, title="Counting", on_success=self._show_counts, show_progress=False,
                     on_failure=lambda *_: None)

    def _show_counts(self, info: dict[str, Any]) -> None:
        c, tiers = info["counts"], info["tiers"]
        text = (f"{c['people']:,} people · {c['accounts']:,} accounts · "
                f"{c['opportunities']:,} opportunities · {c['targets']:,} targets")
        if tiers:
            text += "   Tiers " + " ".join(f"{k} {v:,}" for k, v in sorted(tiers.items()))
        self.counts_label.setText(text)

    # -- import and scoring --------------------------------------------------------------
    def ask_import(self) -> None:
        if self.project is None:
            return
        names, _ = QFileDialog.getOpenFileNames(
            self, "Import files", self.settings.folder(LAST_IMPORT_DIR),
            "Tables (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)")
        self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> ImportDialog | None:
        """Open the import dialog for each file in turn; returns the first dialog."""
        if self.ctx is None:
            return None
        self._import_queue.extend(paths)
        if self.import_dialog is None or not self.import_dialog.isVisible():
            return self._next_import()
        return self.import_dialog

    def _next_import(self) -> ImportDialog | None:
        if not self._import_queue or self.ctx is None:
            self.import_dialog = None
            return None
        path = self._import_queue.pop(0)
        dlg = ImportDialog(self.ctx, path, parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.score_requested.connect(self.score_now)
        dlg.finished.connect(lambda _r: QTimer.singleShot(0, self._next_import))
        self.import_dialog = dlg
        dlg.open()
        return dlg

    def score_now(self) -> workers.OpHandle | None:
        """Match, locate and score the whole project on a worker (Ctrl+R)."""
        if self.ctx is None:
            return None
        from gtmplanner.core import scoring

        def op(project: Project, progress: Any, cancelled: Any) -> dict[str, Any]:
            return scoring.score_project(project, progress=progress, cancelled=cancelled)

        def done(stats: dict[str, Any]) -> None:
            tiers = ", ".join(f"{k} {v:,}" for k, v in stats.get("tiers", {}).items())
            self.statusBar().showMessage(
                f"Scored {stats.get('people', 0):,} people in "
                f"{stats.get('elapsed_seconds', 0):.1f} s — tiers {tiers}", 15_000)
            self.scored.emit(stats)

        self.score_action.setEnabled(False)
        handle = self.ctx.run(op, title="Scoring", on_success=done,
                              writes={"people", "opportunities"})
        handle.finished.connect(lambda: self.score_action.setEnabled(self.project is not None))
        return handle

    # -- drag and drop -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        paths = _dropped_paths(event.mimeData())
        if paths and all(p.suffix.lower() in IMPORT_SUFFIXES | {".gtmp"} for p in paths):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = _dropped_paths(event.mimeData())
        event.acceptProposedAction()
        self.handle_dropped(paths)

    def handle_dropped(self, paths: list[Path]) -> None:
        """A project file opens; tables go to the import dialog."""
        projects = [p for p in paths if p.suffix.lower() == ".gtmp"]
        if projects:
            self.open_project(projects[0])
        tables = [p for p in paths if p.suffix.lower() in IMPORT_SUFFIXES]
        if tables:
            self.import_files(tables)

    # -- state and closing ---------------------------------------------------------------
    def _restore_state(self) -> None:
        geo = self.settings.get(WINDOW_GEOMETRY)
        if not geo.isEmpty():
            self.restoreGeometry(geo)
        state = self.settings.get(WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        split = self.settings.get(SPLITTER_STATE)
        if not split.isEmpty():
            self.splitter.restoreState(split)

    def save_state(self) -> None:
        """Remember geometry, toolbars and the navigation width."""
        self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(WINDOW_STATE, self.saveState())
        self.settings.set(SPLITTER_STATE, self.splitter.saveState())
        self.settings.sync()

    def busy(self) -> list[str]:
        """What is still running or unsaved (asked before closing)."""
        items = [h.title or "an operation" for h in workers.running_ops()
                 if h.title not in ("Counting",) and not h.title.startswith("Loading")]
        for name, w in self._widgets.items():
            hook = getattr(w, "busy", None)
            if callable(hook) and hook():
                items.append(f"the {name} page")
        return items

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        running = self.busy()
        if running:
            answer = QMessageBox.question(
                self, "Quit GTM Planner?",
                f"Still working on: {', '.join(running)}.\n\nQuit anyway? Work that is "
                "running is cancelled and the project stays as it was before it.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        for h in workers.running_ops():
            h.cancel()
        workers.wait_for_all(15_000)
        self.save_state()
        self.close_project()
        event.accept()

    def _about(self) -> None:
        from gtmplanner import __version__
        QMessageBox.about(self, "About GTM Planner",
                          f"<b>GTM Planner</b> {__version__}<br>Rosters, accounts and cold deals "
                          "in; scored, per-rep target sheets out; trackers back.")


def _dropped_paths(mime: Any) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
