"""The Imports page: remove the demo roster through the page, then Edit ▸ Undo brings it back."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from gtmplanner.ui.pages import imports_page
from gtmplanner.ui.pages.imports_page import ImportsPage
from tests.gui.conftest import wait_idle


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    finally:
        conn.close()


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_remove_roster_import_then_undo_and_redo(qtbot, window, demo_project: Path,  # noqa: ANN001
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    window.ctx.show_error = lambda exc, details="": errors.append(f"{exc}\n{details}")
    asked: list[str] = []

    def yes(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(imports_page.QMessageBox, "question", yes)

    assert "imports" in window.page_names()
    window.show_page("imports")
    page = window.page("imports")
    assert isinstance(page, ImportsPage)
    kinds = [page.table.topLevelItem(i).text(1) for i in range(page.table.topLevelItemCount())]
    assert sorted(kinds) == ["accounts", "activities", "opportunities", "reps", "roster"]
    roster = next(i for i in page.imports if i["kind"] == "roster")

    # a reps import cannot be removed: the button says why
    page.select_import(next(i["id"] for i in page.imports if i["kind"] == "reps"))
    assert not page.remove_button.isEnabled()
    assert "edit the reps" in page.remove_button.toolTip()

    wait_idle(qtbot)
    before = dump(demo_project)
    people = count(demo_project, "people")
    assert people > 0 and count(demo_project, "targets") > 0

    page.select_import(roster["id"])
    assert page.remove_button.isEnabled()
    with qtbot.waitSignal(page.removed, timeout=30_000):
        page.remove_button.click()
    wait_idle(qtbot)
    assert len(asked) == 1
    assert roster["file_name"] in asked[0] and f"{people:,} people" in asked[0]
    assert count(demo_project, "people") < people
    assert count(demo_project, "targets") == 0
    assert all(i["id"] != roster["id"] for i in page.imports)  # the list reloaded
    assert window.undo_action.isEnabled()
    assert window.undo_stack.undoText() == f"Remove import '{roster['file_name']}'"

    window.undo_action.trigger()  # Edit ▸ Undo (Ctrl+Z)
    wait_idle(qtbot)
    assert count(demo_project, "people") == people
    assert dump(demo_project) == before
    assert any(i["id"] == roster["id"] for i in page.imports)

    window.redo_action.trigger()
    wait_idle(qtbot)
    assert count(demo_project, "people") < people
    window.undo_stack.undo()
    wait_idle(qtbot)
    assert dump(demo_project) == before
    assert not errors, errors
