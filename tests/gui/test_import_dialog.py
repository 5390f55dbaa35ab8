"""The import dialog on real widgets: see the mapping, fix one, import, read the summary."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from gtmplanner.core.store import Project
from tests.gui.conftest import wait_idle


def _row_of(dialog, source: str) -> int:  # noqa: ANN001
    tbl = dialog.mapping_table
    for r in range(tbl.rowCount()):
        if tbl.item(r, 0).text() == source:
            return r
    raise AssertionError(f"{source} not in the mapping table")




def test_import_sample_roster_fixing_one_mapping(window, qtbot, sample_roster, demo_project):  # noqa: ANN001
    before = Project(demo_project).count("people")
    dialog = window.import_files([sample_roster])
    qtbot.waitUntil(lambda: dialog.prep is not None, timeout=20_000)
    assert dialog.kind == "roster"  # guessed from the file name
    assert "rows read as CSV" in dialog.read_label.text()
    assert dialog.mapping()["Email"] == "email"
    assert "Order #" not in dialog.mapping()  # not recognised: the user maps it by hand
    row = _row_of(dialog, "Order #")
    combo = dialog.mapping_table.cellWidget(row, 1)
    assert isinstance(combo, QComboBox)
    with qtbot.waitSignal(dialog.prepared, timeout=20_000):
        combo.setCurrentIndex(combo.findData("source"))
        combo.activated.emit(combo.currentIndex())
    assert dialog.mapping()["Order #"] == "source"
    method = dialog.mapping_table.item(_row_of(dialog, "Order #"), 3).text()
    assert method == "your choice"
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result["rows_imported"] + result["rows_merged"] == 40
    assert dialog.pages.currentIndex() == 1
    assert "imported as roster" in dialog.summary_label.text()
    wait_idle(qtbot)
    with Project(demo_project) as p:
        assert p.count("people") == before + result["rows_imported"]
        got = p.conn.execute("SELECT source FROM people WHERE email = ?",
                             ("noah.novak@meridian-freight.de",)).fetchone()
        assert got[0] == "1200001"
        saved = p.conn.execute("SELECT COUNT(*) FROM mappings").fetchone()[0]
        assert saved >= 1
    # the window heard about it: the people table reloads with the new rows
    people = window.page("people")
    qtbot.waitUntil(lambda: people.loaded_count == before + result["rows_imported"],
                    timeout=20_000)


def test_rejected_rows_are_shown_and_saved(window, qtbot, tmp_path):  # noqa: ANN001
    src = tmp_path / "badge_scans.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["First Name", "Last Name", "Email", "Company"])
        w.writerow(["Ada", "Lovelace", "ada@analytical.example.com", "Analytical Engines"])
        w.writerow(["", "", "", "Nobody Inc"])  # no name, no email: rejected
        w.writerow(["Alan", "Turing", "alan@bletchley.example.com", "Bletchley"])
    dialog = window.import_files([src])
    qtbot.waitUntil(lambda: dialog.prep is not None, timeout=20_000)
    assert len(dialog.prep.rejected) == 1
    assert dialog.reject_table.rowCount() == 1
    assert "rejected" in dialog.reject_label.text()
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        dialog.start_import()
    assert dialog.summary_rejects.rowCount() == 1
    out = tmp_path / "rejected.csv"
    assert dialog.save_rejects(out) == 1
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["Row", "Reason"]
    assert rows[1][0] == "3" and "Nobody Inc" in rows[1]
    wait_idle(qtbot)


def test_cancel_import_leaves_project_unchanged(window, qtbot, sample_roster, demo_project):  # noqa: ANN001
    before = Project(demo_project).count("people")
    dialog = window.import_files([sample_roster])
    qtbot.waitUntil(lambda: dialog.prep is not None, timeout=20_000)
    handle = dialog.start_import()
    handle.cancel()  # the op checks cancelled() before committing its transaction
    wait_idle(qtbot)
    with Project(demo_project) as p:
        if handle.was_cancelled:
            assert p.count("people") == before
            assert "cancelled" in dialog.status_label.text()
