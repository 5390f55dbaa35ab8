"""The Reps page: assignment with capacity bars, reassigning by menu and by drop, undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent

from gtmplanner.core import lists, services
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages.reps_page import TARGET_MIME, RepsPage, make_page


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project with two segments and their targets (no reps assigned yet)."""
    path = tmp_path_factory.mktemp("reps") / "demo.gtmp"
    services.create_demo(path)
    with services.open_project(path) as project:
        lists.save_segment(project, "Hot MQLs", "mql = hot", priority=10)
        lists.save_segment(project, "Tier A", "tier = A", priority=20)
        lists.build_targets(project)
    return path


@pytest.fixture
def ctx(page_ctx: PageContext) -> PageContext:
    """The shared page context (tests/gui/conftest.py) on this module's project."""
    return page_ctx


@pytest.fixture
def page(qtbot, ctx: PageContext) -> RepsPage:  # noqa: ANN001
    widget = make_page(ctx)
    assert isinstance(widget, RepsPage)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.data is not None, timeout=20_000)
    qtbot.waitUntil(lambda: widget.targets.model.rowCount() > 0, timeout=10_000)
    return widget


def reps_of(ctx: PageContext, ids: list[int]) -> dict[int, tuple]:
    q = ",".join("?" * len(ids))
    return {r[0]: r[1:] for r in ctx.project.conn.execute(
        f"SELECT id, rep, rep_reason, rep_locked FROM targets WHERE id IN ({q})", ids)}


def test_run_assignment_shows_capacity_bars(qtbot, page: RepsPage, ctx: PageContext) -> None:  # noqa: ANN001
    assert page.reps_model.rowCount() == 5
    assert [r["assigned"] for r in page.bars.rows] == [0] * 5  # nothing assigned yet
    page.run_assignment()
    qtbot.waitUntil(lambda: page.last_assignment is not None, timeout=20_000)
    result = page.last_assignment
    ev = ctx.current_event["id"]
    assert result["assigned"] == ctx.project.count("targets", "rep IS NOT NULL AND event_id = ?",
                                                   (ev,))
    assert [r["name"] for r in page.bars.rows] == page.data.reps["name"].tolist()
    assert sum(r["assigned"] for r in page.bars.rows) == result["assigned"]
    over = [r["name"] for r in result["reps"] if r["assigned"] > r["capacity"]]
    assert page.bars.over_capacity() == over
    assert "Assigned" in page.summary_label.text()
    assert page.unassigned_box.title().startswith("Unassigned")
    assert "over capacity" in page.bars.tooltip(0) or page.bars.rows[0]["assigned"] <= \
        page.bars.rows[0]["capacity"]
    # the reload after the write shows the reason column filled in
    qtbot.waitUntil(lambda: page.data.targets["rep_reason"].notna().all(), timeout=10_000)
    assert not page.bars.grab().isNull()


def test_reassign_from_context_menu_and_undo(qtbot, page: RepsPage, ctx: PageContext) -> None:  # noqa: ANN001
    page.run_assignment()
    qtbot.waitUntil(lambda: page.last_assignment is not None, timeout=20_000)
    qtbot.waitUntil(lambda: page.data.targets["rep"].notna().all(), timeout=10_000)
    qtbot.waitUntil(lambda: page.targets.model.rowCount() > 3, timeout=10_000)
    view = page.targets.view
    view.selectRow(0)
    view.selectionModel().select(page.targets.model.index(2, 0),
                                 view.selectionModel().SelectionFlag.Select
                                 | view.selectionModel().SelectionFlag.Rows)
    ids = [int(i) for i in page.targets.selected_ids()]
    assert len(ids) == 2
    before = reps_of(ctx, ids)

    menu = page.target_menu()
    sub = next(a.menu() for a in menu.actions() if a.text() == "Assign to")
    action = next(a for a in sub.actions() if a.data() == "Sam Ortiz")
    assert action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: all(v[0] == "Sam Ortiz" for v in reps_of(ctx, ids).values()),
                    timeout=10_000)
    assert all(v[1:] == ("kept manual assignment", 1) for v in reps_of(ctx, ids).values())
    assert ctx.undo_stack.undoText() == "Assign 2 targets to Sam Ortiz"
    qtbot.waitUntil(lambda: page.data.targets.loc[ids, "rep"].eq("Sam Ortiz").all(),
                    timeout=10_000)

    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: reps_of(ctx, ids) == before, timeout=10_000)


def test_drop_targets_on_a_rep(qtbot, page: RepsPage, ctx: PageContext) -> None:  # noqa: ANN001
    ids = [int(page.targets.model.row_id(r)) for r in range(3)]
    mime = QMimeData()
    mime.setData(TARGET_MIME, QByteArray(json.dumps(ids).encode()))
    view = page.reps_view
    row = page.data.reps["name"].tolist().index("Kim Laurent")
    pos = view.visualRect(page.reps_model.index(row, 0)).center()
    drop = QDropEvent(QPointF(pos), Qt.DropAction.MoveAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dropEvent(drop)
    qtbot.waitUntil(lambda: all(v[0] == "Kim Laurent" for v in reps_of(ctx, ids).values()),
                    timeout=10_000)
    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: all(v[0] is None for v in reps_of(ctx, ids).values()),
                    timeout=10_000)


def test_rep_filter_shows_one_reps_targets(qtbot, page: RepsPage) -> None:  # noqa: ANN001
    page.run_assignment()
    qtbot.waitUntil(lambda: page.last_assignment is not None, timeout=20_000)
    qtbot.waitUntil(lambda: page.data.targets["rep"].notna().any(), timeout=10_000)
    qtbot.waitUntil(lambda: page.rep_filter.findText("Sam Ortiz") >= 0, timeout=10_000)
    page.show_rep("Sam Ortiz")

    def sams() -> int:  # recomputed: the page may reload once more after the assignment
        return int((page.data.targets["rep"] == "Sam Ortiz").sum())
    qtbot.waitUntil(lambda: sams() > 0 and page.targets.model.rowCount() == sams(),
                    timeout=10_000)
    reps = {page.targets.model.row_dict(r)["rep"] for r in range(sams())}
    assert reps == {"Sam Ortiz"}


def test_a_slow_earlier_filter_does_not_overwrite_the_newest(
        qtbot, page: RepsPage, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import time

    from gtmplanner.ui.pages import reps_page
    page.run_assignment()
    qtbot.waitUntil(lambda: page.last_assignment is not None, timeout=20_000)
    qtbot.waitUntil(lambda: page.rep_filter.findText("Sam Ortiz") >= 0, timeout=10_000)
    real = reps_page.rep_subset

    def slow_for_all(data, rep):  # noqa: ANN001, ANN202
        if rep != "Sam Ortiz":
            time.sleep(0.5)  # the earlier request finishes last
        return real(data, rep)
    monkeypatch.setattr(reps_page, "rep_subset", slow_for_all)
    def sams() -> int:
        return int((page.data.targets["rep"] == "Sam Ortiz").sum())
    qtbot.waitUntil(lambda: sams() > 0, timeout=10_000)  # the page reloaded the assignment
    page.show_rep("Kim Laurent")
    page.show_rep("Sam Ortiz")
    qtbot.waitUntil(lambda: page.targets.model.rowCount() == sams(), timeout=10_000)
    qtbot.wait(900)  # the slow, older result arrives meanwhile and must be ignored
    assert page.targets.model.rowCount() == sams()
    assert {page.targets.model.row_dict(r)["rep"] for r in range(sams())} == {"Sam Ortiz"}
