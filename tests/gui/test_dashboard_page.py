"""The Dashboard page on a copy of the demo project: the tiles show compute_metrics' numbers,
filters recompute off the GUI thread, tooltips carry the definitions, reports are written,
and an event with no follow-up yet shows n/a instead of failing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from gtmplanner.core import services
from gtmplanner.core.metrics import KPI_KEYS, MetricFilter, compute_metrics, definition
from gtmplanner.core.report import fmt_value
from gtmplanner.ui import workers
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages import PAGES, dashboard_page
from gtmplanner.ui.pages.dashboard_page import (
    CHANNEL_COLUMNS,
    FLAG_BG,
    DashboardPage,
    channel_table,
    make_page,
)
from gtmplanner.ui.settings import LAST_EXPORT_DIR
from gtmplanner.ui.table_model import BACKGROUND, DISPLAY

NYC = "Field Marketing Forum NYC 2026"
BOSTON = "RevOps Summit Boston 2026"
REP = "Sam Ortiz"


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once for this module."""
    path = tmp_path_factory.mktemp("dashboard") / "d.gtmp"
    services.create_demo(path)
    return path


@pytest.fixture
def ctx(page_ctx: PageContext) -> PageContext:
    """The shared page context (tests/gui/conftest.py) on this module's project."""
    return page_ctx


@pytest.fixture
def page(qtbot, ctx: PageContext) -> DashboardPage:  # noqa: ANN001
    widget = make_page(ctx)
    assert isinstance(widget, DashboardPage)
    qtbot.addWidget(widget)
    widget.resize(1280, 900)
    widget.show()
    return widget


def show(qtbot, page: DashboardPage, **flt: str | None) -> dict:  # noqa: ANN001
    """Choose filters as a user would and wait for the numbers they ask for."""
    page.set_filter(**flt)
    want = {k: v for k, v in flt.items()}
    qtbot.waitUntil(lambda: page.data is not None and not page.computing()
                    and all(getattr(page.data.filter, k) == v for k, v in want.items()),
                    timeout=30_000)
    return page.metrics


def plain(rich: str) -> str:
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def expected_text(kpi: dict, currency: str | None) -> str:
    return fmt_value(kpi["value"], kpi["unit"], currency, short=kpi["unit"] == "money")


def test_registered_in_the_act_group() -> None:
    entry = next(p for p in PAGES if p.name == "dashboard")
    assert entry.title == "Dashboard" and entry.group == "Act"
    assert entry.factory == "gtmplanner.ui.pages.dashboard_page:make_page"


def test_nyc_tiles_equal_compute_metrics(qtbot, page: DashboardPage,  # noqa: ANN001
                                         ctx: PageContext) -> None:
    shown = show(qtbot, page, event=NYC)
    want = compute_metrics(ctx.project, MetricFilter(event=NYC))
    cur = want["currency"]
    assert shown["kpis"] == want["kpis"]
    assert want["kpis"]["leads"]["value"] > 0 and want["kpis"]["followed_up"]["numerator"] > 0
    assert set(page.tiles) == set(KPI_KEYS)
    for key in KPI_KEYS:
        tile, kpi = page.tiles[key], want["kpis"][key]
        assert tile.kpi == kpi
        assert tile.value_text() == expected_text(kpi, cur), key
        if kpi["denominator"] is not None:
            assert tile.detail_text().endswith(f"/ {kpi['denominator']:,}"), key
        if kpi["target"] is not None:
            assert tile.status == {True: "met", False: "missed"}[kpi["met"]], key
            assert ("met" if kpi["met"] else "missed") in tile.target_label.text()
    # the rest of the page shows the same computation
    assert [s["count"] for s in page.funnel.stages] == [s["count"] for s in want["funnel"]]
    assert page.follow_up_chart.points == want["over_time"]
    assert [r["name"] for r in page.rep_chart.rows] == [r["name"] for r in want["by_rep"]
                                                        if r["leads"]]
    assert page.channel_model.rowCount() == len(want["by_channel"])
    assert sum(page.map.counts().values()) + page.map.data.unlocated == \
        want["kpis"]["leads"]["value"]
    assert page.map.counts()["Overdue"] == want["kpis"]["overdue"]["value"]
    assert page.title_label.text() == NYC
    assert page.notes_label.text().count("<li") >= 1


def test_rep_filter_changes_the_tiles(qtbot, page: DashboardPage,  # noqa: ANN001
                                      ctx: PageContext) -> None:
    everyone = show(qtbot, page, event=NYC)
    assert page.rep_combo.findData(REP) > 0
    page.rep_combo.setCurrentIndex(page.rep_combo.findData(REP))  # as a user picks it
    qtbot.waitUntil(lambda: not page.computing() and page.data.filter.rep == REP,
                    timeout=30_000)
    want = compute_metrics(ctx.project, MetricFilter(event=NYC, rep=REP))
    assert page.metrics["kpis"] == want["kpis"]
    assert want["kpis"]["leads"]["value"] < everyone["kpis"]["leads"]["value"]
    assert page.tiles["leads"].value_text() == f"{want['kpis']['leads']['value']:,}"
    assert page.tiles["followed_up"].value_text() == expected_text(
        want["kpis"]["followed_up"], want["currency"])
    assert [r["name"] for r in page.rep_chart.rows] == [REP]
    assert REP in page.subtitle_label.text()
    page.clear_filters()
    qtbot.waitUntil(lambda: not page.computing() and page.data.filter.rep is None,
                    timeout=30_000)
    assert page.metrics["kpis"]["leads"] == everyone["kpis"]["leads"]


def test_only_the_newest_result_is_shown(qtbot, page: DashboardPage,  # noqa: ANN001
                                         ctx: PageContext) -> None:
    show(qtbot, page, event=NYC)
    first = page.generation
    for rep in ("Dana Whitfield", "Kim Laurent", REP):  # quicker than the worker
        page.set_filter(rep=rep)
        page._timer.stop()
        page._compute()
    qtbot.waitUntil(lambda: not page.computing() and workers.running_ops() == [],
                    timeout=30_000)
    qtbot.wait(50)
    assert page.generation == first + 3
    assert page.data.filter.rep == REP
    want = compute_metrics(ctx.project, MetricFilter(event=NYC, rep=REP))
    assert page.metrics["kpis"] == want["kpis"]


def test_tooltips_carry_the_definitions(qtbot, page: DashboardPage) -> None:  # noqa: ANN001
    show(qtbot, page, event=NYC)
    for key in KPI_KEYS:
        d, text = definition(key), plain(page.tiles[key].toolTip())
        assert d.definition in text, key
        assert f"Numerator: {d.numerator}" in text, key
        if d.denominator != "-":
            assert f"Denominator: {d.denominator}" in text, key
    within = plain(page.tiles["within_sla"].toolTip())
    assert "Target: 90%" in within and "Now:" in within
    col = [k for k, _l, _u in CHANNEL_COLUMNS].index("pipeline_per_lead")
    header = page.channel_model.headerData(col, Qt.Orientation.Horizontal,
                                           int(Qt.ItemDataRole.ToolTipRole))
    assert definition("pipeline_per_lead").definition in plain(header)


def test_channels_sorted_by_pipeline_per_lead_and_flagged(qtbot,  # noqa: ANN001
                                                          page: DashboardPage) -> None:
    show(qtbot, page, event=NYC)
    model = page.channel_model
    col = [k for k, _l, _u in CHANNEL_COLUMNS].index("pipeline_per_lead")
    values = [model.row_dict(r)["pipeline_per_lead"] for r in range(model.rowCount())]
    assert values == sorted(values, reverse=True) and len(values) > 1
    leads = [k for k, _l, _u in CHANNEL_COLUMNS].index("leads")
    page.channel_view.sortByColumn(leads, Qt.SortOrder.DescendingOrder)
    counts = [model.row_dict(r)["leads"] for r in range(model.rowCount())]
    assert counts == sorted(counts, reverse=True)
    page.channel_view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    rows = [{"name": "Sponsor list", "leads": 80, "followed_up_rate": 0.9, "within_sla_rate": 0.8,
             "opportunities": 0, "opportunity_rate": 0.0, "pipeline": 0.0,
             "pipeline_per_lead": 0.0, "cost": 12000.0, "cost_per_opportunity": None,
             "flag": "volume but no opportunities"},
            {"name": "Webinar", "leads": 30, "followed_up_rate": 1.0, "within_sla_rate": 1.0,
             "opportunities": 3, "opportunity_rate": 0.1, "pipeline": 90000.0,
             "pipeline_per_lead": 3000.0, "cost": None, "cost_per_opportunity": None,
             "flag": None}]
    model.set_table(channel_table(rows, "USD"))
    assert model.flagged_rows() == [1]  # sorted: Webinar first
    flag_col = [k for k, _l, _u in CHANNEL_COLUMNS].index("flag")
    assert model.data(model.index(1, 0), BACKGROUND) == FLAG_BG
    assert model.data(model.index(0, 0), BACKGROUND) is None
    assert "volume but no opportunities" in model.data(model.index(1, flag_col), DISPLAY)
    assert model.data(model.index(1, [k for k, _l, _u in CHANNEL_COLUMNS].index("cost")),
                      DISPLAY) == "$12,000"


def test_export_xlsx_writes_the_report(qtbot, page: DashboardPage,  # noqa: ANN001
                                       tmp_path: Path) -> None:
    show(qtbot, page, event=NYC)
    out = tmp_path / "nyc report.xlsx"
    assert page.export_report("xlsx", out) is not None
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=60_000)
    assert out.exists() and out.stat().st_size > 0
    wb = openpyxl.load_workbook(out)
    assert "Summary" in wb.sheetnames
    assert page.last_export["result"]["kpis"] == page.metrics["kpis"]
    assert out.name in page.status_label.text()
    assert page.xlsx_button.isEnabled() and not page.busy()


def test_export_asks_where(qtbot, page: DashboardPage, tmp_path: Path,  # noqa: ANN001
                           monkeypatch: pytest.MonkeyPatch) -> None:
    show(qtbot, page, event=NYC)
    asked: list[str] = []

    def save_as(_parent, _title, proposed, _filter):  # noqa: ANN001, ANN202
        asked.append(proposed)
        return str(tmp_path / "leadership"), _filter

    monkeypatch.setattr(dashboard_page.QFileDialog, "getSaveFileName", save_as)
    page.pdf_button.click()
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=60_000)
    assert Path(asked[0]).name == f"{NYC} report.pdf"
    assert (tmp_path / "leadership.pdf").read_bytes().startswith(b"%PDF")
    assert page.ctx.settings.get(LAST_EXPORT_DIR) == str(tmp_path)


def test_boston_without_follow_up_shows_na(qtbot, page: DashboardPage,  # noqa: ANN001
                                           tmp_path: Path) -> None:
    shown = show(qtbot, page, event=BOSTON)
    assert shown["kpis"]["leads"]["value"] == 0
    assert page.tiles["leads"].value_text() == "0"
    for key in ("followed_up", "within_sla", "became_opportunity", "pipeline_per_lead"):
        assert page.tiles[key].value_text() == "n/a", key
    assert page.tiles["within_sla"].status == "n/a"
    assert page.tiles["pipeline"].value_text() == "$0"
    assert [s["count"] for s in page.funnel.stages] == [0, 0, 0, 0]
    assert page.follow_up_chart.points == [] and page.rep_chart.rows == []
    assert sum(page.map.counts().values()) == 0
    assert page.channel_model.rowCount() == 0 and page.channel_empty.isVisibleTo(page)
    assert "No leads" in page.notes_label.text()
    page.grab()  # paints without errors
    out = tmp_path / "boston.pdf"
    page.export_report("pdf", out)
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=60_000)
    assert out.exists() and out.read_bytes().startswith(b"%PDF")


def test_follows_data_changes_and_the_window_event(qtbot, page: DashboardPage,  # noqa: ANN001
                                                   ctx: PageContext) -> None:
    show(qtbot, page, event=NYC, rep=REP)
    before = page.metrics["kpis"]["leads"]["value"]
    with services.open_project(ctx.path) as project:  # another writer moves leads to Sam
        ev = project.event(NYC)
        project.conn.execute("UPDATE targets SET rep = ? WHERE id IN (SELECT id FROM targets "
                             "WHERE event_id = ? AND rep != ? LIMIT 5)", (REP, ev["id"], REP))
        project.conn.commit()
    generation = page.generation
    ctx.notify("targets")
    qtbot.waitUntil(lambda: page.generation > generation and not page.computing(),
                    timeout=30_000)
    assert page.metrics["kpis"]["leads"]["value"] == before + 5
    ctx.set_event(BOSTON)
    qtbot.waitUntil(lambda: not page.computing() and page.data.filter.event == BOSTON,
                    timeout=30_000)
    assert page.event_combo.currentData() == BOSTON


def test_filters_recompute_without_freezing(qtbot, page: DashboardPage,  # noqa: ANN001
                                            ctx: PageContext, heartbeat) -> None:  # noqa: ANN001
    show(qtbot, page, event=NYC)
    heartbeat.start()
    for flt in ({"rep": REP}, {"rep": None, "segment": None}, {"event": None},
                {"event": BOSTON}, {"event": NYC}):
        show(qtbot, page, **flt)
    page.date_check.setChecked(True)
    qtbot.waitUntil(lambda: not page.computing() and page.data.filter.date_from is not None,
                    timeout=30_000)
    heartbeat.stop()
    flt = page.data.filter
    start = dt.date.fromisoformat(ctx.project.event(NYC)["start_date"])
    assert flt.date_from == page.date_from.date().toPython() == start
    assert page.metrics["kpis"] == compute_metrics(ctx.project, flt)["kpis"]
    problem = heartbeat.check(bar_ms=100, tolerance_ms=150)  # load-proof: see conftest
    assert not problem, problem
