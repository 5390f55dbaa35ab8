"""The Export & Sync page: files written, a modified tracker synced, a conflict chosen."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from gtmplanner.core import lists, services
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.dialogs.conflicts_dialog import ConflictsDialog
from gtmplanner.ui.pages.export_page import ExportPage, make_page

REP = "Sam Ortiz"


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project with one saved segment (export builds and assigns the rest)."""
    path = tmp_path_factory.mktemp("export") / "demo.gtmp"
    services.create_demo(path)
    with services.open_project(path) as project:
        lists.save_segment(project, "Tier A and B", "tier in (A, B)", priority=10)
    return path


@pytest.fixture
def ctx(page_ctx: PageContext) -> PageContext:
    """The shared page context (tests/gui/conftest.py) on this module's project."""
    return page_ctx


@pytest.fixture
def page(qtbot, ctx: PageContext) -> ExportPage:  # noqa: ANN001
    widget = make_page(ctx)
    assert isinstance(widget, ExportPage)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def export_one_rep(qtbot, page: ExportPage, out: Path) -> dict:  # noqa: ANN001
    page.folder_edit.setText(str(out))
    page._check_all_reps(False)
    for i in range(page.reps_list.count()):
        item = page.reps_list.item(i)
        if item.text() == REP:
            item.setCheckState(Qt.CheckState.Checked)
    for f, box in page.format_boxes.items():
        box.setChecked(f in ("xlsx", "mailmerge"))
    page.export()
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=60_000)
    return page.last_export


def tracker_of(result: dict) -> Path:
    return next(Path(f["path"]) for f in result["files"]
                if f["kind"] == "tracker" and f["rep"] == REP)


def edit_status(path: Path, row: int, status: str) -> str:
    """Set the Status of one tracker row as a rep would; return that row's Target ID."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Follow-up"]
    header = [c.value for c in ws[1]]
    ws.cell(row, header.index("Status") + 1).value = status
    target = ws.cell(row, header.index("Target ID") + 1).value
    wb.save(path)
    return str(target)


def status_of(ctx: PageContext, key: str) -> str:
    return ctx.project.conn.execute("SELECT status FROM targets WHERE target_key = ?",
                                    (key,)).fetchone()[0]


def test_export_writes_the_files(qtbot, page: ExportPage, tmp_path: Path) -> None:  # noqa: ANN001
    assert page.reps_list.count() == 5
    out = tmp_path / "out"
    result = export_one_rep(qtbot, page, out)
    files = [Path(f["path"]) for f in result["files"]]
    assert files and all(p.exists() and p.parent == out for p in files)
    kinds = {(f["kind"], f["rep"]) for f in result["files"]}
    assert {("target_sheet", REP), ("tracker", REP), ("mailmerge", None)} <= kinds
    assert page.results.topLevelItemCount() == len(files)
    assert page.results.topLevelItem(0).text(3) == f"{result['files'][0]['rows']:,}"
    assert page.open_button.isEnabled()
    assert "Wrote" in page.export_summary.text()


def test_sync_a_modified_tracker(qtbot, page: ExportPage, ctx: PageContext,  # noqa: ANN001
                                 tmp_path: Path) -> None:
    tracker = tracker_of(export_one_rep(qtbot, page, tmp_path / "out"))
    key = edit_status(tracker, 2, "Meeting booked")
    assert status_of(ctx, key) == "Not contacted"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tracker))])
    page.drop_zone.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                        Qt.MouseButton.LeftButton,
                                        Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: page.last_sync is not None, timeout=30_000)
    assert page.last_sync.updated == 1 and not page.last_sync.conflicts
    assert status_of(ctx, key) == "Meeting booked"
    assert "1 target(s) updated" in page.sync_summary.text()
    assert page.conflicts_dialog is None


def test_conflict_dialog_take_tracker(qtbot, page: ExportPage, ctx: PageContext,  # noqa: ANN001
                                      tmp_path: Path) -> None:
    tracker = tracker_of(export_one_rep(qtbot, page, tmp_path / "out"))
    key = edit_status(tracker, 3, "Connected")
    with ctx.project.transaction() as conn:  # someone changed it in the project too
        conn.execute("UPDATE targets SET status = 'Not interested' WHERE target_key = ?", (key,))
    page.sync([str(tracker)])
    qtbot.waitUntil(lambda: page.conflicts_dialog is not None, timeout=30_000)
    dialog = page.conflicts_dialog
    assert isinstance(dialog, ConflictsDialog) and dialog.isVisible()
    assert status_of(ctx, key) == "Not interested"  # nothing overwritten yet
    model = dialog.model
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in range(4)] == [key, "status", "Not interested",
                                                           "Connected"]
    assert dialog.resolutions() == {(key, "status"): "project"}
    dialog.take_all_button.click()
    assert dialog.resolutions() == {(key, "status"): "tracker"}
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: status_of(ctx, key) == "Connected", timeout=30_000)
    qtbot.waitUntil(lambda: page.last_sync is not None and page.last_sync.conflicts
                    and page.last_sync.conflicts[0].resolved == "tracker", timeout=10_000)
    assert page.conflicts_dialog is None
    assert "settled as you chose" in page.sync_summary.text()
