"""The ICP profile page on a copy of the demo project: live chart, apply, load/save."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtmplanner.core import scoring, services
from gtmplanner.core.icp_profile import IcpProfile
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages.icp_page import IcpPage, load_preview, make_page, tier_counts


@pytest.fixture
def page_project(demo_project: Path) -> Path:
    """The page works on the test's demo copy, which the assertions read."""
    return demo_project


@pytest.fixture
def ctx(page_ctx: PageContext) -> PageContext:
    """The shared page context (tests/gui/conftest.py)."""
    return page_ctx


@pytest.fixture
def page(qtbot, ctx: PageContext) -> IcpPage:  # noqa: ANN001
    widget = make_page(ctx)
    assert isinstance(widget, IcpPage)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitUntil(widget.preview_idle, timeout=20_000)
    return widget


def db_tiers(path: Path) -> dict[str, int]:
    with services.open_project(path) as project:
        rows = project.conn.execute("SELECT tier, COUNT(*) FROM people GROUP BY tier").fetchall()
    return {str(t): int(n) for t, n in rows}


def test_chart_starts_at_the_saved_profiles_counts(page: IcpPage, demo_project: Path) -> None:
    counts = page.chart.counts()
    assert sum(counts.values()) == sum(db_tiers(demo_project).values())
    assert counts == {t: db_tiers(demo_project).get(t, 0) for t in "ABCD"}
    assert page.chart.baseline() == counts
    assert not page.busy()


def test_changing_a_weight_updates_the_chart_live(qtbot, page: IcpPage) -> None:  # noqa: ANN001
    before = page.chart.counts()
    page.form.industry_weight.setValue(45)  # industry matters much more
    qtbot.waitUntil(lambda: page.preview_idle() and page.chart.counts() != before,
                    timeout=10_000)
    after = page.chart.counts()
    assert after["A"] > before["A"]
    assert sum(after.values()) == sum(before.values())
    assert page.chart.baseline() == before  # the outlines stay at the saved profile
    assert page.dirty_label.isVisibleTo(page) and page.busy()
    # the chart shows exactly what the core computes for the form's profile
    with services.open_project(page.ctx.path) as project:
        frame = load_preview(project).frame
    assert after == tier_counts(frame, page.form.profile())


def test_rapid_edits_end_on_the_last_one(qtbot, page: IcpPage) -> None:  # noqa: ANN001
    for value in (80, 75, 60, 40, 90):
        page.form.tier_spins["A"].setValue(value)
        qtbot.wait(30)
    qtbot.waitUntil(page.preview_idle, timeout=10_000)
    with services.open_project(page.ctx.path) as project:
        frame = load_preview(project).frame
    assert page.chart.counts() == tier_counts(frame, page.form.profile())
    assert page.form.profile().tiers["A"] == 90


def test_apply_rescores_the_project(qtbot, page: IcpPage, demo_project: Path) -> None:  # noqa: ANN001
    before = db_tiers(demo_project)
    page.form.tier_spins["A"].setValue(85)
    page.form.seniority["manager"].setValue(9)
    qtbot.waitUntil(lambda: page.preview_idle() and page.chart.counts()["A"] < before["A"],
                    timeout=10_000)
    expected = page.chart.counts()
    with qtbot.waitSignal(page.ctx.data_changed, timeout=30_000) as blocker:
        assert page.apply() is not None
    assert {"people", "opportunities"} <= blocker.args[0]
    after = db_tiers(demo_project)
    assert after != before
    assert after == {t: n for t, n in expected.items() if n}
    with services.open_project(demo_project) as project:
        stored = scoring.load_profile(project)
    assert stored.tiers["A"] == 85 and stored.seniority_points["manager"] == 9
    qtbot.waitUntil(page.preview_idle, timeout=10_000)
    assert not page.busy()
    assert page.chart.baseline() == expected  # the outlines now show the applied profile


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_save_and_load_profile_round_trip(qtbot, page: IcpPage, tmp_path: Path,  # noqa: ANN001
                                          suffix: str) -> None:
    form = page.form
    form.industries.add_item("Retail")
    form.competitor_weight.setValue(15)
    form.departments["finance"].setChecked(True)
    form.funding_within_months.setValue(6)
    form.revenue_max.setValue(0)  # no upper limit
    edited = form.values()
    path = tmp_path / f"profile{suffix}"
    assert page.save_profile_file(path)
    assert IcpProfile.load(path).to_dict() == IcpProfile.from_dict(edited).to_dict()
    page.reset_to_default()
    assert form.values() != edited
    assert page.load_profile_file(path)
    assert form.values() == edited
    assert form.profile().industries[-1] == "Retail"
    qtbot.waitUntil(page.preview_idle, timeout=10_000)


def test_invalid_profile_is_shown_inline(qtbot, page: IcpPage, tmp_path: Path) -> None:  # noqa: ANN001
    page.form.tier_spins["B"].setValue(95)  # B above A
    qtbot.waitUntil(lambda: bool(page.form.error_text()), timeout=5_000)
    assert "A >= B >= C" in page.form.error_text()
    assert page.apply() is None  # nothing runs
    page.form.tier_spins["B"].setValue(50)
    qtbot.waitUntil(lambda: not page.form.error_text(), timeout=5_000)
    bad = tmp_path / "bad.toml"
    bad.write_text('[firmographics]\nindustires = ["Software"]\n', encoding="utf-8")
    assert not page.load_profile_file(bad)
    assert "did you mean 'industries'" in page.form.error_text()


def test_reset_to_default(qtbot, page: IcpPage) -> None:  # noqa: ANN001
    page.form.industry_weight.setValue(0)
    page.reset_to_default()
    assert page.form.profile().to_dict() == IcpProfile.default().to_dict()
    qtbot.waitUntil(page.preview_idle, timeout=10_000)


def test_every_criterion_has_a_tooltip(page: IcpPage) -> None:
    form = page.form
    for name in ("industries", "industry_weight", "employees_min", "revenue_weight",
                 "countries", "technologies_integrate", "competitor_weight",
                 "department_weight", "budget_holder_bonus", "intent_topics", "funding_weight",
                 "hiring_signal_weight", "leadership_change_weight", "no_valid_email",
                 "free_mail", "intern_or_student"):
        assert getattr(form, name).toolTip(), name
    assert all(spin.toolTip() for spin in form.tier_spins.values())
