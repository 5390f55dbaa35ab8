"""The whole event play in one window, driven through real widgets on the demo project.

Import a roster through the dialog (fixing one mapping), change an ICP weight and
re-score, build a segment, build lists and assign reps, edit a template, export
and sync a modified tracker back — switching pages with the window's navigation —
and check the project and the files written after each step.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QTextCursor
from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

from gtmplanner.core import lists, scoring, services
from gtmplanner.core.export.columns import (
    NOTES_HEADER,
    STATUS_HEADER,
    TARGET_ID_HEADER,
    TARGET_SHEET_HEADERS,
    TARGET_SHEET_NAME,
    TRACKER_SHEET_NAME,
)
from gtmplanner.ui.main_window import PAGE_ROLE, MainWindow
from tests.gui.conftest import wait_idle

LONG = 60_000
SEGMENT = "Tier A and B"
RULE = "tier in (A, B)"
MARKER = "PS-whole-play-marker"
NOTE = "Met at the booth; wants a demo in January"


# -- helpers -------------------------------------------------------------------------------
def goto(qtbot, window: MainWindow, name: str) -> QWidget:  # noqa: ANN001
    """Click page ``name`` in the window's navigation list; return the page shown."""
    nav = window.nav
    item = next(nav.item(i) for i in range(nav.count()) if nav.item(i).data(PAGE_ROLE) == name)
    nav.scrollToItem(item)
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=nav.visualItemRect(item).center())
    assert window.current_page_name() == name
    page = window.stack.currentWidget()
    assert page is window.page(name) and page.isVisible()
    return page


def one(window: MainWindow, sql: str, args: tuple = ()) -> Any:  # noqa: ANN401
    return window.project.conn.execute(sql, args).fetchone()[0]


def db_tiers(window: MainWindow) -> dict[str, int]:
    rows = window.project.conn.execute(
        "SELECT tier, COUNT(*) FROM people WHERE tier IS NOT NULL GROUP BY tier").fetchall()
    return {str(t): int(n) for t, n in rows}


def snapshot(src: Path, dst: Path) -> Path:
    """A consistent copy of the project file as it is now (SQLite backup)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()
    return dst


def mapping_row(dialog, source: str) -> int:  # noqa: ANN001
    tbl = dialog.mapping_table
    return next(r for r in range(tbl.rowCount()) if tbl.item(r, 0).text() == source)


def click(qtbot, button) -> None:  # noqa: ANN001
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- the play ------------------------------------------------------------------------------
def test_whole_play_through_the_window(window: MainWindow, qtbot, demo_project: Path,  # noqa: ANN001, PLR0915
                                       sample_roster: Path, tmp_path: Path,
                                       monkeypatch) -> None:  # noqa: ANN001
    errors: list[str] = []
    window.ctx.show_error = lambda exc, details="": errors.append(f"{exc}\n{details}")
    ctx = window.ctx
    event = ctx.current_event
    assert event is not None and event["name"] == "RevOps Summit Boston 2026"
    ev_id = event["id"]

    # 1. File > Import: the dialog shows the roster; map "Order #" to external_id by hand
    people_before = window.project.count("people")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(sample_roster)], ""))
    window.import_action.trigger()
    dialog = window.import_dialog
    assert dialog is not None and dialog.path == sample_roster
    qtbot.waitUntil(lambda: dialog.prep is not None and dialog.import_button.isEnabled(),
                    timeout=LONG)
    assert dialog.kind == "roster"
    assert "Order #" not in dialog.mapping()
    combo = dialog.mapping_table.cellWidget(mapping_row(dialog, "Order #"), 1)
    assert isinstance(combo, QComboBox)
    with qtbot.waitSignal(dialog.prepared, timeout=LONG):
        combo.setCurrentIndex(combo.findData("external_id"))
        combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=LONG)
    assert dialog.mapping()["Order #"] == "external_id"
    assert dialog.mapping_table.item(mapping_row(dialog, "Order #"), 3).text() == "your choice"
    with qtbot.waitSignal(dialog.imported, timeout=LONG) as blocker:
        click(qtbot, dialog.import_button)
    result = blocker.args[0]
    assert result["rows_imported"] > 0
    assert result["rows_imported"] + result["rows_merged"] == 40
    assert "imported as roster" in dialog.summary_label.text()
    # "Score now" in the summary scores the new rows and closes the dialog
    with qtbot.waitSignal(window.scored, timeout=LONG):
        click(qtbot, dialog.score_button)
    wait_idle(qtbot, LONG)
    assert window.project.count("people") == people_before + result["rows_imported"]
    assert one(window, "SELECT external_id FROM people WHERE email = ?",
               ("noah.novak@meridian-freight.de",)) == "1200001"
    assert one(window, "SELECT COUNT(*) FROM people WHERE external_id LIKE '12000%' "
                       "AND tier IS NOT NULL") == 40
    people_page = window.page("people")
    qtbot.waitUntil(lambda: people_page.loaded_count == people_before + result["rows_imported"],
                    timeout=LONG)

    # 2. ICP profile: weigh industry much more, watch the chart, apply and re-score
    icp = goto(qtbot, window, "icp")
    qtbot.waitUntil(icp.preview_idle, timeout=LONG)
    tiers_before = db_tiers(window)
    assert icp.chart.counts() == {t: tiers_before.get(t, 0) for t in "ABCD"}
    icp.form.industry_weight.setValue(45)
    qtbot.waitUntil(lambda: icp.preview_idle() and icp.chart.counts() != tiers_before,
                    timeout=LONG)
    expected_tiers = icp.chart.counts()
    profile = icp.form.profile()
    with qtbot.waitSignal(ctx.data_changed, timeout=LONG,
                          check_params_cb=lambda tables: "people" in tables):
        click(qtbot, icp.apply_button)
    wait_idle(qtbot, LONG)
    tiers_after = db_tiers(window)
    assert tiers_after != tiers_before
    assert tiers_after == {t: n for t, n in expected_tiers.items() if n}
    assert scoring.load_profile(window.project).to_dict() == profile.to_dict()
    qtbot.waitUntil(lambda: icp.preview_idle() and not icp.busy(), timeout=LONG)

    # 3. Segments: one builder row "tier in (A, B)", named, saved
    seg = goto(qtbot, window, "segments")
    qtbot.waitUntil(lambda: seg.data is not None and seg.last is not None
                    and not seg._count_timer.isActive(), timeout=LONG)
    assert not lists.segment_rows(window.project, ev_id)
    row = seg.builder.root.add_row()
    row.field_combo.setCurrentIndex(row.field_combo.findData("tier"))
    row.cmp_combo.setCurrentIndex(row.cmp_combo.findData("in"))
    qtbot.keyClicks(row.value_edit, "A, B")
    assert seg.text_edit.toPlainText() == RULE
    qtbot.waitUntil(lambda: seg.last is not None and seg.last.result.expression == RULE
                    and not seg._count_timer.isActive(), timeout=LONG)
    live = seg.last.result.count
    assert 0 < live < window.project.count("people")
    qtbot.keyClicks(seg.name_edit, SEGMENT)
    supp, prio = seg.suppress(), seg.priority_spin.value()
    before_save = snapshot(demo_project, tmp_path / "before_segment.gtmp")
    click(qtbot, seg.save_button)
    qtbot.waitUntil(lambda: len(lists.segment_rows(window.project, ev_id)) == 1, timeout=LONG)
    saved = lists.segment_rows(window.project, ev_id)[0]
    assert (saved["name"], saved["expression"], saved["priority"]) == (SEGMENT, RULE, prio)
    with services.open_project(before_save) as other:
        core = lists.save_segment(other, SEGMENT, RULE, suppress=supp, priority=prio)
    assert core["count"] == live
    qtbot.waitUntil(lambda: seg.saved_list.topLevelItemCount() == 1 and
                    seg.saved_list.topLevelItem(0).text(2) == f"{live:,}", timeout=LONG)
    wait_idle(qtbot, LONG)
    assert not seg.busy()

    # 4. Reps: build the lists, run the assignment
    reps = goto(qtbot, window, "reps")
    qtbot.waitUntil(lambda: reps.data is not None, timeout=LONG)
    assert window.project.count("targets", "event_id = ?", (ev_id,)) == 0
    click(qtbot, reps.build_button)
    qtbot.waitUntil(lambda: window.project.count("targets", "event_id = ?", (ev_id,)) > 0,
                    timeout=LONG)
    wait_idle(qtbot, LONG)
    n_targets = window.project.count("targets", "event_id = ?", (ev_id,))
    assert n_targets == core["count"]  # one target per person of the only segment
    qtbot.waitUntil(lambda: reps.data is not None and len(reps.data.targets) == n_targets,
                    timeout=LONG)
    click(qtbot, reps.assign_button)
    qtbot.waitUntil(lambda: reps.last_assignment is not None, timeout=LONG)
    wait_idle(qtbot, LONG)
    assignment = reps.last_assignment
    with_rep = window.project.count("targets", "event_id = ? AND rep IS NOT NULL", (ev_id,))
    assert with_rep == assignment["assigned"] > 0
    assert n_targets - with_rep == len(assignment["unassigned"])
    assert window.project.count("targets", "event_id = ? AND rep IS NOT NULL AND "
                                "rep_reason IS NOT NULL", (ev_id,)) == with_rep
    assert "Assigned" in reps.summary_label.text()
    assert sum(r["assigned"] for r in reps.bars.rows) == with_rep

    # 5. Templates: add a line to the body, see it in the preview, save
    tpl = goto(qtbot, window, "templates")
    qtbot.waitUntil(lambda: bool(tpl.templates) and tpl.preview_data is not None
                    and tpl.last_render is not None, timeout=LONG)
    wait_idle(qtbot, LONG)
    qtbot.waitUntil(lambda: tpl.preview_data.kind == "targets", timeout=LONG)
    name = tpl.current
    assert name
    old_body = one(window, "SELECT body FROM templates WHERE name = ?", (name,))
    tpl.body_edit.setFocus()
    cursor = tpl.body_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    tpl.body_edit.setTextCursor(cursor)
    qtbot.keyClicks(tpl.body_edit, f" {MARKER}")
    new_body = tpl.body_edit.toPlainText()
    assert new_body == f"{old_body} {MARKER}"
    qtbot.waitUntil(lambda: tpl.last_render is not None and MARKER in tpl.last_render.body
                    and not tpl._timer.isActive(), timeout=LONG)
    assert MARKER in tpl.body_view.toPlainText()
    assert tpl.busy()
    click(qtbot, tpl.save_button)
    qtbot.waitUntil(lambda: one(window, "SELECT body FROM templates WHERE name = ?",
                                (name,)) == new_body, timeout=LONG)
    wait_idle(qtbot, LONG)
    qtbot.waitUntil(lambda: not tpl.busy() and not tpl.save_button.isEnabled(), timeout=LONG)
    assert MARKER in tpl.body_view.toPlainText()

    # 6. Export & Sync: every rep, Excel + mail merge, into a folder of this test
    exp = goto(qtbot, window, "export")
    out = tmp_path / "out"
    exp.folder_edit.clear()
    qtbot.keyClicks(exp.folder_edit, str(out))
    for f, box in exp.format_boxes.items():
        box.setChecked(f in ("xlsx", "mailmerge"))
    assert exp.chosen_reps() and len(exp.chosen_reps()) == exp.reps_list.count()
    with qtbot.waitSignal(exp.exported, timeout=LONG):
        click(qtbot, exp.export_button)
    wait_idle(qtbot, LONG)
    files = exp.last_export["files"]
    assert files and all(Path(f["path"]).exists() and Path(f["path"]).parent == out
                         for f in files)
    assert exp.results.topLevelItemCount() == len(files)
    kinds = {f["kind"] for f in files}
    assert {"target_sheet", "tracker", "mailmerge"} <= kinds
    sheet = next(f for f in files if f["kind"] == "target_sheet" and f["rep"] and f["rows"])
    rep = sheet["rep"]
    wb = openpyxl.load_workbook(sheet["path"])
    ws = wb[TARGET_SHEET_NAME]
    header = [c.value for c in ws[1]]
    assert header == list(TARGET_SHEET_HEADERS)  # a per-rep sheet: no Rep column
    data_rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert len(data_rows) == sheet["rows"] == window.project.count(
        "targets", "event_id = ? AND rep = ?", (ev_id, rep))
    wb.close()
    # the edited template went out: messages written at export carry the new line
    merge = next(f for f in files if f["kind"] == "mailmerge")
    with open(merge["path"], encoding="utf-8-sig", newline="") as fh:
        merge_rows = list(csv.DictReader(fh))
    assert len(merge_rows) == merge["rows"] > 0
    assert any(MARKER in r["Body"] for r in merge_rows)
    assert one(window, "SELECT COUNT(*) FROM targets WHERE event_id = ? AND body LIKE ?",
               (ev_id, f"%{MARKER}%")) > 0
    tracker = Path(next(f["path"] for f in files if f["kind"] == "tracker" and f["rep"] == rep))

    # a rep fills in the tracker: one status changed, one note added
    wb = openpyxl.load_workbook(tracker)
    ws = wb[TRACKER_SHEET_NAME]
    header = [c.value for c in ws[1]]
    key = str(ws.cell(2, header.index(TARGET_ID_HEADER) + 1).value)
    ws.cell(2, header.index(STATUS_HEADER) + 1).value = "Meeting booked"
    ws.cell(2, header.index(NOTES_HEADER) + 1).value = NOTE
    wb.save(tracker)
    wb.close()
    status, notes = window.project.conn.execute(
        "SELECT status, notes FROM targets WHERE target_key = ?", (key,)).fetchone()
    assert status == "Not contacted" and NOTE not in (notes or "")

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tracker))])
    with qtbot.waitSignal(exp.synced, timeout=LONG):
        exp.drop_zone.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                           Qt.MouseButton.LeftButton,
                                           Qt.KeyboardModifier.NoModifier))
    wait_idle(qtbot, LONG)
    assert exp.last_sync.updated == 1 and not exp.last_sync.conflicts
    assert exp.conflicts_dialog is None
    assert "1 target(s) updated" in exp.sync_summary.text()
    status, notes = window.project.conn.execute(
        "SELECT status, notes FROM targets WHERE target_key = ?", (key,)).fetchone()
    assert status == "Meeting booked"
    assert NOTE in notes
    assert not errors, errors
