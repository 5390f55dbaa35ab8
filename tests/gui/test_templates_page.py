"""The Templates page: editing re-renders the preview; merge fields; save; write messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtmplanner.core import lists, outreach, services
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages.templates_page import TemplatesPage, make_page


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project with one segment's targets, assigned to reps."""
    path = tmp_path_factory.mktemp("templates") / "demo.gtmp"
    services.create_demo(path)
    with services.open_project(path) as project:
        lists.save_segment(project, "Tier A", "tier = A", priority=10)
        lists.build_targets(project)
        outreach.assign_event(project)
    return path


@pytest.fixture
def ctx(page_ctx: PageContext) -> PageContext:
    """The shared page context (tests/gui/conftest.py) on this module's project."""
    return page_ctx


@pytest.fixture
def page(qtbot, ctx: PageContext) -> TemplatesPage:  # noqa: ANN001
    widget = make_page(ctx)
    assert isinstance(widget, TemplatesPage)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: bool(widget.templates) and widget.preview_data is not None,
                    timeout=20_000)
    qtbot.waitUntil(lambda: widget.last_render is not None, timeout=10_000)
    return widget


def rendered_when(qtbot, page: TemplatesPage, test) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: page.last_render is not None and test(page.last_render)
                    and not page._timer.isActive(), timeout=10_000)


def test_editing_changes_the_preview(qtbot, page: TemplatesPage) -> None:  # noqa: ANN001
    assert page.preview_data.kind == "targets"
    row = page.preview_data.rows[page.target_combo.currentIndex()]
    assert page.last_render.subject and not page.last_render.error
    page.subject_edit.setText("Coffee at {{ event.name }}?")
    page.body_edit.setPlainText('Hello {{ first_name | default("there") }}, from {{ rep.name }}')
    rendered_when(qtbot, page, lambda r: r.body.startswith("Hello "))
    first = row["full_name"].split()[0]
    assert page.last_render.body == f"Hello {first}, from {row['rep']}"
    assert page.body_view.toPlainText() == page.last_render.body
    assert "Coffee at RevOps Summit" in page.subject_view.text()
    assert page.save_button.isEnabled() and page.busy()

    # another target re-renders
    page.target_combo.setCurrentIndex(1)
    other = page.preview_data.rows[1]
    rendered_when(qtbot, page, lambda r: other["full_name"].split()[0] in r.body)


def test_merge_field_picker_and_warnings(qtbot, page: TemplatesPage) -> None:  # noqa: ANN001
    page.body_edit.setPlainText("Hi ")
    page.body_edit.setFocus()
    cursor = page.body_edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    page.body_edit.setTextCursor(cursor)
    page._last_editor = page.body_edit
    page.insert_field("company")
    assert page.body_edit.toPlainText() == 'Hi {{ company | default("…") }}'
    assert page.body_edit.textCursor().selectedText() == "…"
    page.body_edit.insertPlainText("your team")
    assert page.body_edit.toPlainText() == 'Hi {{ company | default("your team") }}'

    page.body_edit.setPlainText("Hi {{ first_nam }}\n{{ deal.amount }}\n{{ talking_point }}")
    rendered_when(qtbot, page, lambda r: any("first_nam'" in p for p in r.problems))
    lines = [page.warnings.item(i).text() for i in range(page.warnings.count())]
    assert any("body line 1" in t and "did you mean 'first_name'" in t for t in lines)
    assert any("body line 2" in t and "internal" in t for t in lines)
    assert any(t.startswith("talking_point: no value") for t in lines)

    page.body_edit.setPlainText("{% if x %}never closed")
    rendered_when(qtbot, page, lambda r: bool(r.error))
    assert "body line 1" in page.last_render.error


def test_save_and_write_messages(qtbot, page: TemplatesPage, ctx: PageContext) -> None:  # noqa: ANN001
    name = page.current
    page.subject_edit.setText("A quick hello from {{ rep.first_name }}")
    page.save()
    qtbot.waitUntil(lambda: ctx.project.conn.execute(
        "SELECT subject FROM templates WHERE name = ?", (name,)).fetchone()[0]
        == "A quick hello from {{ rep.first_name }}", timeout=10_000)
    qtbot.waitUntil(lambda: not page.busy() and not page.save_button.isEnabled(),
                    timeout=10_000)

    page.write_messages()
    qtbot.waitUntil(lambda: page.last_run is not None, timeout=20_000)
    ev = ctx.current_event["id"]
    n = ctx.project.count("targets", "event_id = ?", (ev,))
    assert page.last_run["rendered"] == n
    assert ctx.project.count("targets", "event_id = ? AND subject IS NOT NULL", (ev,)) == n
    assert f"Wrote {n:,} messages" in page.run_label.text()
    assert "missing for" in page.run_label.text()
