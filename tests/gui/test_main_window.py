"""The main window driven like a person would: pages, filter, sort, detail, corrections."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLabel, QMessageBox

from gtmplanner.core.commands import explain_person
from gtmplanner.core.store import Project
from gtmplanner.ui.main_window import MainWindow
from gtmplanner.ui.settings import column_setting
from tests.gui.conftest import wait_idle


def _people(window: MainWindow):  # noqa: ANN202
    return window.page("people")


def test_title_pages_counts_and_recent(window, demo_project, settings, qtbot) -> None:  # noqa: ANN001
    assert window.windowTitle() == "demo — RevOps Summit Boston 2026 — GTM Planner"
    assert window.page_names()[:3] == ["people", "accounts", "opportunities"]
    assert "targets" in window.page_names()
    qtbot.waitUntil(lambda: "people" in window.counts_label.text(), timeout=10_000)
    with Project(demo_project) as p:
        n_people = p.count("people")
    assert f"{n_people:,} people" in window.counts_label.text()
    assert settings.recent_projects()[0] == demo_project.resolve()
    for name in ("accounts", "opportunities", "targets"):
        window.show_page(name)
        page = window.page(name)
        assert window.stack.currentWidget() is page
        qtbot.waitUntil(lambda p=page, n=name: p.table_view.model.table.n_rows > 0 or
                        n == "targets", timeout=20_000)
    with Project(demo_project) as p:
        n_accounts = p.count("accounts")
    assert window.page("accounts").table_view.model.rowCount() == n_accounts


def test_quick_filter_and_sort(window, qtbot) -> None:  # noqa: ANN001
    view = _people(window).table_view
    total = view.model.rowCount()
    assert total == window.project.count("people")
    window.activateWindow()
    window.filter_action.trigger()  # Ctrl+F
    assert view.filter_edit.hasFocus() or view.filter_edit.selectedText() == ""
    qtbot.keyClicks(view.filter_edit, "boston")
    view.apply_filter()
    shown = view.model.rowCount()
    assert 0 < shown < total
    assert f"{shown:,} of {total:,} people" in view.count_label.text()
    # sort by score, both ways, with a header click
    col = view.model.table.position("score")
    view.view.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    scores = [view.model.data(view.model.index(r, col)) for r in range(shown)]
    nums = [int(s) for s in scores if s]
    assert nums == sorted(nums)
    header = view.view.horizontalHeader()
    x = header.sectionViewportPosition(col) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPointF(x, 5).toPoint())
    scores = [view.model.data(view.model.index(r, col)) for r in range(shown)]
    nums2 = [int(s) for s in scores if s]
    assert nums2 == sorted(nums2, reverse=True)
    view.filter_edit.clear()
    view.apply_filter()
    assert view.model.rowCount() == total


def test_column_chooser_hides_and_remembers(window, settings) -> None:  # noqa: ANN001
    view = _people(window).table_view
    assert "email" in view.visible_columns()
    action = next(a for a in view.columns_menu.actions() if a.data() == "email")
    action.trigger()
    assert "email" not in view.visible_columns()
    assert "email" not in settings.get(column_setting("people"))
    action.trigger()
    assert "email" in view.visible_columns()


def test_people_reads_shown_columns_first_and_others_when_shown(window, demo_project,
                                                                qtbot) -> None:  # noqa: ANN001
    from gtmplanner.ui.pages.tables import PEOPLE_ALWAYS, PEOPLE_DEFAULT
    view = _people(window).table_view
    table = view.model.table
    loaded = {c.name for c in table.columns if c.loaded}
    assert loaded <= set(PEOPLE_DEFAULT + PEOPLE_ALWAYS) and "reasons" in loaded
    assert {"match_method", "account_industry", "phone"} <= set(table.missing())
    # every column is still in the chooser
    assert {"match_method", "account_industry"} <= {a.data() for a in view.columns_menu.actions()}
    action = next(a for a in view.columns_menu.actions() if a.data() == "account_industry")
    with qtbot.waitSignal(view.model.dataChanged, timeout=10_000):
        action.trigger()
    assert "account_industry" in view.visible_columns()
    assert table.column("account_industry").loaded
    col = table.position("account_industry")
    with Project(demo_project) as p:
        expected = dict(p.conn.execute(
            "SELECT p.id, a.industry FROM people p LEFT JOIN accounts a ON a.id = p.account_id"
        ).fetchall())
    for r in range(0, view.model.rowCount(), 97):
        assert view.model.data(view.model.index(r, col)) == (expected[view.model.row_id(r)]
                                                             or "")
    view.filter_edit.setText(expected[view.model.row_id(0)] or "software")
    view.apply_filter()  # the new column is searched
    assert view.model.rowCount() > 0
    view.filter_edit.clear()
    view.apply_filter()
    wait_idle(qtbot)
    # a reload reads the chosen column with the others
    window.ctx.notify("people")
    qtbot.waitUntil(lambda: view.model.table is not table and
                    view.model.table.column("account_industry").loaded, timeout=20_000)
    wait_idle(qtbot)


def test_detail_pane_explains_the_score(window, demo_project, qtbot) -> None:  # noqa: ANN001
    page = _people(window)
    view = page.table_view
    view.view.selectRow(0)
    row = view.model.row_dict(0)
    pane = page.detail
    assert pane.row is not None and pane.row["id"] == row["id"]
    with Project(demo_project) as p:
        expected = explain_person(p, row["email"])
    text = pane.reasons_label.text()
    for reason in expected["reasons"]:
        assert f"{reason['points']:+d}" in text
        assert reason["text"].split()[0] in text
    assert str(expected["score"]) in pane.score_label.text()
    assert pane.tier_chip.text().strip() == expected["tier"]
    assert "Account" == pane.account_box.title()
    if expected["account"]["name"]:
        assert expected["account"]["name"].split()[0] in pane.account_label.text()
    assert "mi" in pane.location_label.text()
    # the pane shows what the table has not read (the person is read in full)
    assert view.model.table.missing(["match_method", "geo_label", "timezone"])
    with Project(demo_project) as p:
        method, geo_label = p.conn.execute("SELECT match_method, geo_label FROM people "
                                           "WHERE id = ?", (row["id"],)).fetchone()
    assert pane.row["geo_label"] == geo_label and geo_label in pane.location_label.text()
    if method:
        assert pane.row["match_method"] == method and method in pane.account_label.text()


def test_tier_override_and_undo(window, demo_project, qtbot) -> None:  # noqa: ANN001
    page = _people(window)
    view = page.table_view
    view.view.selectRow(0)
    pid = view.model.row_id(0)
    pane = page.detail
    combo = pane.tier_combo
    target = "D" if pane.row["tier"] != "D" else "A"
    with qtbot.waitSignal(pane.person_changed, timeout=10_000):
        combo.setCurrentIndex(combo.findData(target))
        combo.activated.emit(combo.currentIndex())
    with Project(demo_project) as p:
        assert p.conn.execute("SELECT tier_override FROM people WHERE id=?",
                              (pid,)).fetchone()[0] == target
    tier_col = view.model.table.position("tier")
    row = view.model.view_row_of_id(pid)
    assert view.model.data(view.model.index(row, tier_col)) == target
    assert window.undo_action.isEnabled()
    with qtbot.waitSignal(pane.person_changed, timeout=10_000):
        window.undo_action.trigger()
    with Project(demo_project) as p:
        assert p.conn.execute("SELECT tier_override FROM people WHERE id=?",
                              (pid,)).fetchone()[0] is None


def test_confirm_and_reject_match(window, demo_project, qtbot) -> None:  # noqa: ANN001
    page = _people(window)
    view = page.table_view
    acc_col = view.model.table.position("account_name")
    row = next(r for r in range(view.model.rowCount())
               if view.model.data(view.model.index(r, acc_col)))
    view.view.selectRow(row)
    pid = view.model.row_id(row)
    pane = page.detail
    assert pane.reject_button.isVisible()
    with qtbot.waitSignal(pane.person_changed, timeout=10_000):
        qtbot.mouseClick(pane.reject_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    with Project(demo_project) as p:
        actions = p.conn.execute("SELECT action FROM match_overrides WHERE person_id=?",
                                 (pid,)).fetchall()
        assert actions == [("reject",)]
        assert p.conn.execute("SELECT account_id FROM people WHERE id=?",
                              (pid,)).fetchone()[0] is None
    assert "Not matched" in pane.account_label.text() or "Ambiguous" in pane.account_label.text()
    with qtbot.waitSignal(pane.person_changed, timeout=10_000):
        window.undo_action.trigger()
    wait_idle(qtbot)
    with Project(demo_project) as p:
        assert p.conn.execute("SELECT COUNT(*) FROM match_overrides").fetchone()[0] == 0
        assert p.conn.execute("SELECT account_id FROM people WHERE id=?",
                              (pid,)).fetchone()[0] is not None


def test_score_now_runs_on_a_worker(window, qtbot) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.scored, timeout=60_000) as blocker:
        window.score_action.trigger()  # Ctrl+R
    n = window.project.count("people")
    assert blocker.args[0]["people"] == n
    assert f"Scored {n:,} people" in window.statusBar().currentMessage()
    wait_idle(qtbot)


def test_dropping_a_file_opens_the_import_dialog(window, sample_roster, qtbot) -> None:  # noqa: ANN001
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sample_roster))])
    ev = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(ev)
    dialog = window.import_dialog
    assert dialog is not None and dialog.path == sample_roster
    qtbot.waitUntil(lambda: dialog.prep is not None, timeout=20_000)
    dialog.reject()
    wait_idle(qtbot)


def test_closing_while_work_runs_asks_first(window, qtbot, monkeypatch) -> None:  # noqa: ANN001
    import threading
    gate = threading.Event()
    handle = window.ctx.run(lambda p, prog, cancelled: gate.wait(20) and None, title="Long step",
                            writes={"people"}, show_progress=False)
    asked: list[str] = []

    def answer(no_or_yes):  # noqa: ANN001, ANN202
        def question(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            asked.append(args[2])
            return no_or_yes
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not window.close()
    assert window.isVisible() and "Long step" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    gate.set()
    assert window.close()
    assert handle.is_cancelled() or handle.done


def test_register_page_plugs_in_with_the_context(window, qtbot) -> None:  # noqa: ANN001
    seen = {}

    def factory(ctx):  # noqa: ANN001, ANN202
        seen["ctx"] = ctx
        return QLabel(f"Hello {ctx.project.name}")

    window.register_page("hello", factory, title="Hello", group="Act")
    assert "hello" in window.page_names()
    w = window.show_page("hello")
    assert isinstance(w, QLabel) and w.text() == "Hello demo"
    assert seen["ctx"].current_event["name"] == "RevOps Summit Boston 2026"


def test_open_another_project_rebuilds_pages(window, tmp_path, qtbot) -> None:  # noqa: ANN001
    empty = tmp_path / "empty.gtmp"
    assert window.open_project(empty, create=True)
    assert window.windowTitle() == "empty — GTM Planner"
    people = window.page("people")
    qtbot.waitUntil(lambda: "0 people" in people.table_view.count_label.text(), timeout=10_000)
    assert Path(window.project.path) == empty
    wait_idle(qtbot)


def test_big_table_preview_then_background_filter(qtbot, demo_project, settings,
                                                   monkeypatch) -> None:  # noqa: ANN001
    """A big table: a preview first, the full table, then the filter prepared on a worker."""
    from gtmplanner.ui.pages import tables
    monkeypatch.setattr(tables, "PREVIEW_FROM", 100)
    monkeypatch.setattr(tables, "PREVIEW_ROWS", 50)
    monkeypatch.setattr(tables, "PREPARE_LATER_ROWS", 100)
    monkeypatch.setattr(tables, "KEYED_ROWS", 10)  # lazy columns read whole, then aligned
    win = MainWindow(settings, restore=False)
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(demo_project)
    view = win.page("people").table_view
    assert view.model.rowCount() == 50 and "loading" in view.count_label.text()
    assert view.model.table.column("account_name").loaded  # the preview has the joins
    qtbot.waitUntil(lambda: win.page("people").loaded_count > 100, timeout=20_000)
    wait_idle(qtbot)
    qf = view.model.quick_filter
    assert qf.table is view.model.table and qf.prepared("full_name") and qf.prepared("email")
    col = view.model.table.position("score")
    scores = [view.model.data(view.model.index(r, col)) for r in range(50)]
    assert [int(s) for s in scores] == sorted((int(s) for s in scores), reverse=True)
    view.set_visible_columns([*view.visible_columns(), "match_method"])
    qtbot.waitUntil(lambda: view.model.table.column("match_method").loaded, timeout=20_000)
    wait_idle(qtbot)
    assert qf.prepared("match_method")
    with Project(demo_project) as p:
        n_domain = p.count("people", "match_method = 'domain'")
    view.filter_edit.setText("domain")
    view.apply_filter()
    assert view.model.rowCount() >= n_domain > 0
    win.close_project()
