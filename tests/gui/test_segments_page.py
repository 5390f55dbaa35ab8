"""The Segments page on a copy of the demo project: rule builder, live count, save, undo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gtmplanner.core import lists, services
from gtmplanner.core.segment_syntax import normalize, parse_expression, to_text
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages.segments_page import SegmentsPage, make_page


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("segments") / "demo.gtmp"
    services.create_demo(path)
    return path


@pytest.fixture
def ctx(page_ctx: PageContext) -> PageContext:
    """The shared page context (tests/gui/conftest.py) on this module's project."""
    return page_ctx


@pytest.fixture
def page(qtbot, ctx: PageContext) -> SegmentsPage:  # noqa: ANN001
    widget = make_page(ctx)
    assert isinstance(widget, SegmentsPage)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.data is not None, timeout=20_000)
    qtbot.waitUntil(lambda: widget.last is not None, timeout=10_000)
    return widget


def wait_count(qtbot, page: SegmentsPage, expression: str) -> int:  # noqa: ANN001
    """Wait until the live count is the count of ``expression``; return it."""
    qtbot.waitUntil(lambda: page.last is not None and
                    page.last.result.expression == expression and
                    not page._count_timer.isActive(), timeout=10_000)
    return page.last.result.count


def test_builder_row_live_count_equals_saved_count(qtbot, page: SegmentsPage,  # noqa: ANN001
                                                   ctx: PageContext, tmp_path: Path) -> None:
    everyone = wait_count(qtbot, page, "")
    row = page.builder.root.add_row()
    row.field_combo.setCurrentIndex(row.field_combo.findData("tier"))
    row.cmp_combo.setCurrentIndex(row.cmp_combo.findData("in"))
    qtbot.keyClicks(row.value_edit, "A, B")
    assert page.text_edit.toPlainText() == "tier in (A, B)"
    live = wait_count(qtbot, page, "tier in (A, B)")
    assert 0 < live < everyone
    assert page.count_label.text() == f"{live:,} people"
    removed = page.last.result.removed
    assert removed["opted_out"] > 0
    assert page.removed_labels["opted_out"].text() == f"<b>−{removed['opted_out']:,}</b>"
    assert not page.suppress_boxes["opted_out"].isEnabled()
    assert "never" in page.suppress_boxes["opted_out"].toolTip()
    assert page.preview.model.rowCount() == min(live, 200)

    other = tmp_path / "check.gtmp"
    shutil.copy2(ctx.path, other)
    with services.open_project(other) as project:
        saved = lists.save_segment(project, "check", "tier in (A, B)",
                                   suppress=page.suppress(), priority=10)
    assert saved["count"] == live
    assert saved["removed"] == removed

    page.suppress_boxes["open_deal_other_rep"].setChecked(False)
    qtbot.waitUntil(lambda: "open_deal_other_rep" not in page.last.result.removed,
                    timeout=10_000)
    assert page.last.result.count == live + removed["open_deal_other_rep"]


def test_text_box_round_trips_through_the_builder(qtbot, page: SegmentsPage) -> None:  # noqa: ANN001
    text = ('tier in (A, B) and (distance_mi <= 60 or mql = hot) and not opted_out '
            'and title contains "vp"')
    page.text_edit.setPlainText(text)
    assert page.apply_text()
    assert normalize(page.builder.tree()) == parse_expression(text)
    canonical = to_text(parse_expression(text))  # "vp" needs no quotes
    assert to_text(page.builder.tree()) == canonical
    assert len(page.builder.rows()) == 5
    wait_count(qtbot, page, canonical)

    # an edit in the builder rewrites the text
    row = page.builder.rows()[-1]
    row.value_edit.setText("director")
    assert page.text_edit.toPlainText().endswith('title contains director')

    # a syntax error is shown with a pointer, the builder keeps the last good rule
    page.text_edit.setPlainText("tier in (A, B and score >= 70")
    assert not page.apply_text()
    assert page.error_label.isVisibleTo(page)
    assert "column 15" in page.error_label.text() and "^" in page.error_label.text()
    assert len(page.builder.rows()) == 5

    # an unknown field is named, with a suggestion
    page.text_edit.setPlainText("teir = A")
    assert page.apply_text()
    page.count_now()
    assert "did you mean 'tier'" in page.problems_label.text()


def test_save_then_delete_and_undo(qtbot, page: SegmentsPage, ctx: PageContext) -> None:  # noqa: ANN001
    ev = ctx.current_event
    page.name_edit.setText("Hot MQLs")
    page.set_rule("mql = hot")
    live = wait_count(qtbot, page, "mql = hot")
    page.save()
    qtbot.waitUntil(lambda: len(lists.segment_rows(ctx.project, ev["id"])) == 1,
                    timeout=10_000)
    row = lists.segment_rows(ctx.project, ev["id"])[0]
    assert (row["name"], row["expression"]) == ("Hot MQLs", "mql = hot")
    qtbot.waitUntil(lambda: page.saved_list.topLevelItemCount() == 1, timeout=10_000)
    item = page.saved_list.topLevelItem(0)
    assert item.text(1) == "Hot MQLs" and item.text(2) == f"{live:,}"

    item.setSelected(True)
    page.delete_selected()
    qtbot.waitUntil(lambda: not lists.segment_rows(ctx.project, ev["id"]), timeout=10_000)
    qtbot.waitUntil(lambda: page.saved_list.topLevelItemCount() == 0, timeout=10_000)
    assert ctx.undo_stack.undoText() == "Delete segment 'Hot MQLs'"

    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: len(lists.segment_rows(ctx.project, ev["id"])) == 1,
                    timeout=10_000)
    assert lists.segment_rows(ctx.project, ev["id"])[0] == row
    qtbot.waitUntil(lambda: page.saved_list.topLevelItemCount() == 1, timeout=10_000)

    ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: not lists.segment_rows(ctx.project, ev["id"]), timeout=10_000)


def test_value_suggestions_and_groups(qtbot, page: SegmentsPage) -> None:  # noqa: ANN001
    page.set_rule("")
    row = page.builder.root.add_row()
    row.field_combo.setCurrentIndex(row.field_combo.findData("country"))
    qtbot.waitUntil(lambda: bool(page.builder.suggestions("country")), timeout=10_000)
    values = [v for v, _ in page.builder.suggestions("country")]
    assert "US" in values
    row.pick_value("US")
    group = page.builder.root.add_group()
    group.mode.setCurrentIndex(1)  # any of
    inner = group.items[0]
    inner.field_combo.setCurrentIndex(inner.field_combo.findData("score"))
    inner.cmp_combo.setCurrentIndex(inner.cmp_combo.findData("ge"))
    inner.value_edit.setText("70")
    assert page.text_edit.toPlainText() == "country = US and score >= 70"
    second = group.add_row()
    second.field_combo.setCurrentIndex(second.field_combo.findData("mql"))
    second.value_edit.setText("hot")
    text = "country = US and (score >= 70 or mql = hot)"
    assert page.text_edit.toPlainText() == text
    wait_count(qtbot, page, text)
    page.grab()  # paints without errors


def test_busy_while_a_named_rule_is_unsaved(qtbot, page: SegmentsPage, ctx: PageContext) -> None:  # noqa: ANN001
    assert not page.busy()
    page.name_edit.setText("Draft")
    page.set_rule("tier = A")
    assert page.busy()
    page.save()
    qtbot.waitUntil(lambda: page.saved_list.topLevelItemCount() == 1, timeout=10_000)
    assert not page.busy()
    page.suppress_boxes["customers"].setChecked(True)
    assert page.busy()
