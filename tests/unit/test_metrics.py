"""Alignment metrics on fixture projects where every number is worked out by hand.

The fixture (``played``): two events, three reps (Cy has no targets), ten leads.

* Fall Summit ends Wed 2026-11-25 (Thanksgiving is Thu 26): a US rep's 2-day SLA is
  due Mon 30, a UK rep's Fri 27; a hot MQL (1 day) of a US rep is due Fri 27.
* Winter Expo ends Fri 2026-11-13: 2 days -> Tue 17, hot 1 day -> Mon 16.

=====  =======  ========  ======  ===================  =======  ==========  ==========
lead   event    segment   rep     status               touches  first       due
=====  =======  ========  ======  ===================  =======  ==========  ==========
T1     Fall     Hot list  Ann US  Meeting booked       3        11-26 hol.  11-27 (hot)
T2     Fall     Hot list  Ann US  Opportunity created  4        12-01       12-02 (warm, MQL 11-30)
T3     Fall     Rest      Ann US  Attempted            1        11-30       11-30
T4     Fall     Rest      Bob GB  Connected            2        11-30       11-27 (late)
T5     Fall     Rest      Bob GB  Not contacted        0        -           11-27 (warm)
T10    Fall     Rest      Bob GB  Connected            2        11-27       11-27
T6     Expo     Expo all  Ann US  Connected            5        11-14 Sat   11-16 (hot)
T7     Expo     Expo all  Bob GB  Not interested       0        (11-18)     11-17 (late)
T8     Expo     Expo all  -       Not contacted        -        -           11-17
T9     Expo     Expo all  Ann US  Opportunity created  6        11-16       11-17
=====  =======  ========  ======  ===================  =======  ==========  ==========

Opportunities: O1 acct 11 created 12-03 50,000 open (T2 and T10 -> counted once);
O2 acct 11 created 10-01 lost_retarget (before the touch: never counts; makes acct 11
a cold deal); O3 acct 12 created 11-20 won (before T3's touch: does not count);
O4 person 4 created 11-30 20,000 won (same day as T4's touch: counts); O5 acct 14
stalled (T5 is re-targeted); O6 acct 16 without a created date (cannot be dated).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from gtmplanner.core import metrics as M
from gtmplanner.core.errors import UsageError
from gtmplanner.core.metrics import MetricFilter, SlaRules, compute_metrics, lead_frame
from gtmplanner.core.store import Project

TODAY = dt.date(2026, 12, 15)
D = dt.date

EVENTS = [(1, "Fall Summit", "Chicago", "US", "2026-11-24", "2026-11-25"),
          (2, "Winter Expo", "Boston", "US", "2026-11-12", "2026-11-13")]
REPS = [(1, "Ann", "US"), (2, "Bob", "GB"), (3, "Cy", "US")]
SEGMENTS = [(1, 1, "Hot list"), (2, 1, "Rest"), (3, 2, "Expo all")]
# id, source, mql_status, mql_date, account_id
PEOPLE = [(1, "Webinar", "hot", "2026-11-20", 10), (2, "Webinar", "warm", "2026-11-30", 11),
          (3, "Content syndication", None, None, 12), (4, "Content syndication", None, None, 13),
          (5, None, "warm", "2026-11-01", 14), (6, "Booth scan", "hot", "2026-11-10", 15),
          (7, "Booth scan", None, None, 16), (8, "Booth scan", None, None, None),
          (9, "Webinar", None, None, 17), (10, "Webinar", None, None, 11)]
# id, event, segment, person, rep, status, touches, first, last, created
TARGETS = [
    (1, 1, 1, 1, "Ann", "Meeting booked", 3, "2026-11-26", "2026-11-28", "2026-11-01"),
    (2, 1, 1, 2, "Ann", "Opportunity created", 4, "2026-12-01", "2026-12-04", "2026-11-01"),
    (3, 1, 2, 3, "Ann", "Attempted", 1, "2026-11-30", "2026-11-30", "2026-11-02"),
    (4, 1, 2, 4, "Bob", "Connected", 2, "2026-11-30", "2026-12-01", "2026-11-02"),
    (5, 1, 2, 5, "Bob", "Not contacted", 0, None, None, "2026-11-02"),
    (6, 2, 3, 6, "Ann", "Connected", 5, "2026-11-14", "2026-11-20", "2026-11-01"),
    (7, 2, 3, 7, "Bob", "Not interested", 0, None, "2026-11-18", "2026-11-01"),
    (8, 2, 3, 8, None, "Not contacted", None, None, None, "2026-11-05 10:00:00"),
    (9, 2, 3, 9, "Ann", "Opportunity created", 6, "2026-11-16", "2026-11-20",
     "2026-11-05 10:00:00"),
    (10, 1, 2, 10, "Bob", "Connected", 2, "2026-11-27", "2026-11-28", "2026-11-02"),
]
# id, account_id, person_id, created, amount, opp_class
OPPS = [(1, 11, None, "2026-12-03", 50000, "open_active"),
        (2, 11, None, "2026-10-01", 99999, "lost_retarget"),
        (3, 12, None, "2026-11-20", 70000, "won"),
        (4, None, 4, "2026-11-30", 20000, "won"),
        (5, 14, None, "2025-01-01", 30000, "stalled"),
        (6, 16, None, None, 10000, "open_active")]


def make_project(path: Path, *, targets=TARGETS, opps=OPPS) -> Project:
    """A project with the rows above, inserted with plain SQL."""
    p = Project.create(path)
    with p.transaction() as c:
        c.executemany("INSERT INTO events(id, name, city, country, start_date, end_date)"
                      " VALUES (?,?,?,?,?,?)", EVENTS)
        c.executemany("INSERT INTO reps(id, name, country) VALUES (?,?,?)", REPS)
        c.executemany("INSERT INTO segments(id, event_id, name) VALUES (?,?,?)", SEGMENTS)
        c.executemany("INSERT INTO people(id, email, source, mql_status, mql_date, account_id)"
                      " VALUES (?, 'p' || ? || '@x.example', ?,?,?,?)",
                      [(r[0], r[0], *r[1:]) for r in PEOPLE])
        c.executemany("INSERT INTO targets(id, target_key, event_id, segment_id, person_id, rep,"
                      " status, touches, first_touch_date, last_touch_date, created_at)"
                      " VALUES (?, 'T' || ?, ?,?,?,?,?,?,?,?,?)",
                      [(r[0], r[0], *r[1:]) for r in targets])
        c.executemany("INSERT INTO opportunities(id, name, account_id, person_id, created_date,"
                      " amount, opp_class, currency) VALUES (?, 'Deal', ?,?,?,?,?, 'USD')", opps)
    return p


@pytest.fixture
def played(tmp_path: Path) -> Project:
    return make_project(tmp_path / "p.gtmp")


def kpi(m: dict, key: str) -> tuple:
    k = m["kpis"][key]
    return k["value"], k["numerator"], k["denominator"]


def rows(m: dict, table: str) -> dict[str, dict]:
    return {r["name"]: r for r in m[table]}


# -- SLA due dates --------------------------------------------------------------------------
def test_sla_due_dates_skip_weekends_holidays_of_the_reps_country_and_start_at_the_mql_date(
        played):
    leads = lead_frame(played, today=TODAY)
    due = {i: d.date() for i, d in leads["due"].items()}
    assert due == {1: D(2026, 11, 27),   # hot, US: Thanksgiving skipped
                   2: D(2026, 12, 2),    # warm MQL since Mon 11-30 (after the event)
                   3: D(2026, 11, 30),   # US: Thanksgiving + weekend -> Monday
                   4: D(2026, 11, 27),   # GB rep: no Thanksgiving -> Friday
                   5: D(2026, 11, 27), 10: D(2026, 11, 27),
                   6: D(2026, 11, 16),   # hot, Friday event -> Monday
                   7: D(2026, 11, 17), 8: D(2026, 11, 17), 9: D(2026, 11, 17)}
    assert leads["within_sla"].to_dict() == {1: True, 2: True, 3: True, 4: False, 5: False,
                                             6: True, 7: False, 8: False, 9: True, 10: True}
    # a follow-up on a Saturday (T6) and on the holiday itself (T1) count on their own date
    assert leads.loc[6, "first_touch"].date() == D(2026, 11, 14)
    # T7 has no first touch date: its last touch date stands in
    assert leads.loc[7, "first_touch"].date() == D(2026, 11, 18)


def test_the_sla_rules_are_configurable(played):
    leads = lead_frame(played, sla=SlaRules(business_days=3, hot_business_days=3), today=TODAY)
    assert leads.loc[4, "due"].date() == D(2026, 11, 30)  # GB: Wed + 3 -> Mon
    assert leads.loc[1, "due"].date() == D(2026, 12, 1)   # US: Fri, Mon, Tue
    assert bool(leads.loc[4, "within_sla"])


# -- the whole picture ----------------------------------------------------------------------
def test_every_kpi_by_hand(played):
    m = compute_metrics(played, today=TODAY)
    assert kpi(m, "leads") == (10, 10, None)
    assert kpi(m, "mql_leads") == (4, 4, None)
    assert kpi(m, "followed_up") == (0.8, 8, 10)
    assert kpi(m, "followed_up_mql") == (0.75, 3, 4)
    assert kpi(m, "followed_up_hot") == (1.0, 2, 2)
    assert kpi(m, "followed_up_warm") == (0.5, 1, 2)
    assert kpi(m, "within_sla") == (0.6, 6, 10)
    assert kpi(m, "within_sla_mql") == (0.75, 3, 4)
    assert kpi(m, "within_sla_hot") == (1.0, 2, 2)
    assert kpi(m, "within_sla_warm") == (0.5, 1, 2)
    assert kpi(m, "overdue") == (3, 3, None)  # T3 (Attempted), T5, T8
    assert kpi(m, "became_opportunity") == (0.4, 4, 10)  # T2, T4, T9 (status), T10
    assert kpi(m, "became_opportunity_mql") == (0.25, 1, 4)
    assert kpi(m, "pipeline") == (70000.0, 70000.0, None)  # O1 once + O4; not O3, O2, O6
    assert kpi(m, "closed_won") == (20000.0, 20000.0, None)
    assert kpi(m, "pipeline_per_lead") == (7000.0, 70000.0, 10)
    assert kpi(m, "avg_touches_to_connect") == (pytest.approx(22 / 6), 22, 6)
    assert kpi(m, "avg_touches_to_convert") == (3.5, 14, 4)
    assert kpi(m, "days_to_first_touch") == (3.5, 28, 8)
    assert kpi(m, "retarget_re_engaged") == (pytest.approx(2 / 3), 2, 3)
    assert kpi(m, "retarget_re_opened") == (pytest.approx(2 / 3), 2, 3)
    assert kpi(m, "retarget_amount") == (50000.0, 50000.0, None)
    assert m["retarget"] == {"targets": 3, "re_engaged": 2, "re_opened": 2, "amount": 50000.0,
                             "re_engaged_rate": pytest.approx(2 / 3),
                             "re_opened_rate": pytest.approx(2 / 3)}
    assert m["touches"]["avg_to_connect"] == pytest.approx(22 / 6)
    assert m["touches"]["avg_to_convert"] == 3.5
    assert m["time_to_first_touch_days"] == {"avg": 3.5, "median": 4.0, "count": 8}
    assert m["opportunities"] == {"count": 2, "pipeline": 70000.0, "won": 20000.0}
    assert m["currency"] == "USD"
    json.dumps(m)  # plain JSON all the way down


def test_targets_and_met(played):
    m = compute_metrics(played, today=TODAY, sla=SlaRules(followed_up_target=0.8,
                                                          within_sla_target=0.7))
    k = m["kpis"]
    assert (k["followed_up"]["target"], k["followed_up"]["met"]) == (0.8, True)  # 0.8 >= 0.8
    assert (k["followed_up_mql"]["met"], k["within_sla"]["met"]) == (False, False)
    assert k["within_sla_hot"]["met"] is True
    assert k["pipeline"]["target"] is None and k["pipeline"]["met"] is None
    for key, entry in k.items():
        d = M.definition(key)
        assert entry["label"] == d.label and entry["definition"] == d.definition


def test_an_opportunity_created_before_the_first_touch_does_not_count(tmp_path):
    # only T3 and O3 (account 12, created 11-20; T3 first touched 11-30)
    p = make_project(tmp_path / "p.gtmp", targets=[TARGETS[2]], opps=[OPPS[2]])
    m = compute_metrics(p, today=TODAY)
    assert kpi(m, "became_opportunity") == (0.0, 0, 1)
    assert kpi(m, "pipeline")[0] == 0.0 and kpi(m, "closed_won")[0] == 0.0
    assert kpi(m, "avg_touches_to_convert") == (None, 0, 0)
    # created the day of the touch or later: it counts
    later = (3, 12, None, "2026-11-30", 70000, "won")
    p2 = make_project(tmp_path / "q.gtmp", targets=[TARGETS[2]], opps=[later])
    m2 = compute_metrics(p2, today=TODAY)
    assert kpi(m2, "became_opportunity") == (1.0, 1, 1)
    assert kpi(m2, "closed_won")[0] == 70000.0


def test_funnel(played):
    f = compute_metrics(played, today=TODAY)["funnel"]
    assert [(s["stage"], s["count"]) for s in f] == [("MQL", 4), ("SQL", 2), ("Opportunity", 1),
                                                     ("Won", 0)]
    assert [s["rate_from_previous"] for s in f] == [None, 0.5, 0.5, 0.0]
    assert [s["rate_from_mql"] for s in f] == [1.0, 0.5, 0.25, 0.0]


def test_by_rep_includes_a_rep_without_targets_and_unassigned_leads(played):
    r = rows(compute_metrics(played, today=TODAY), "by_rep")
    assert set(r) == {"Ann", "Bob", "Cy", "(unassigned)"}
    ann, bob, cy, un = r["Ann"], r["Bob"], r["Cy"], r["(unassigned)"]
    assert (ann["leads"], ann["followed_up"], ann["within_sla"], ann["overdue"],
            ann["opportunities"], ann["pipeline"], ann["won"]) == (5, 5, 5, 1, 2, 50000.0, 0.0)
    assert (bob["leads"], bob["followed_up"], bob["within_sla"], bob["overdue"],
            bob["opportunities"], bob["pipeline"], bob["won"]) == (4, 3, 1, 1, 2, 70000.0,
                                                                   20000.0)
    assert bob["within_sla_rate"] == 0.25 and bob["followed_up_rate"] == 0.75
    assert bob["avg_touches_to_convert"] == 2.0  # T4 2, T10 2
    assert (un["leads"], un["followed_up"], un["overdue"]) == (1, 0, 1)
    assert cy["leads"] == 0 and cy["followed_up_rate"] is None and cy["within_sla_rate"] is None
    assert cy["pipeline_per_lead"] is None and cy["avg_days_to_first_touch"] is None


def test_by_channel_costs_sorting_and_the_volume_flag(played):
    m = compute_metrics(played, today=TODAY, flag_volume=3,
                        costs={"Booth scan": 3000, "webinar": 2000, "Paid social": 500})
    ch = m["by_channel"]
    assert [c["name"] for c in ch] == ["Webinar", "Content syndication", "Booth scan",
                                       "Fall Summit", "Paid social"]
    r = rows(m, "by_channel")
    web, cs, booth = r["Webinar"], r["Content syndication"], r["Booth scan"]
    assert (web["leads"], web["followed_up"], web["opportunities"], web["pipeline"]) == (
        4, 4, 3, 50000.0)
    assert web["pipeline_per_lead"] == 12500.0 and web["cost_per_lead"] == 500.0
    assert web["cost_per_opportunity"] == pytest.approx(2000 / 3)
    assert (cs["leads"], cs["opportunities"], cs["pipeline"], cs["won"]) == (2, 1, 20000.0,
                                                                            20000.0)
    assert cs["cost"] is None and cs["cost_per_opportunity"] is None
    assert (booth["leads"], booth["followed_up"], booth["opportunities"]) == (3, 2, 0)
    assert booth["flag"] == "volume but no opportunities"
    assert booth["cost_per_lead"] == 1000.0 and booth["cost_per_opportunity"] is None
    assert r["Fall Summit"]["leads"] == 1 and r["Fall Summit"]["flag"] is None  # no source
    assert r["Paid social"]["leads"] == 0 and r["Paid social"]["pipeline_per_lead"] is None
    assert r["Paid social"]["cost"] == 500.0
    assert all(c["flag"] is None for c in compute_metrics(played, today=TODAY)["by_channel"])


def test_costs_default_to_the_project_setting(played):
    played.set_setting("channel_costs", {"Webinar": 4000})
    r = rows(compute_metrics(played, today=TODAY), "by_channel")
    assert r["Webinar"]["cost_per_lead"] == 1000.0


def test_by_segment_and_by_event(played):
    m = compute_metrics(played, today=TODAY)
    assert {k: v["leads"] for k, v in rows(m, "by_segment").items()} == {
        "Hot list": 2, "Rest": 4, "Expo all": 4}
    ev = rows(m, "by_event")
    assert (ev["Fall Summit"]["leads"], ev["Winter Expo"]["leads"]) == (6, 4)
    assert ev["Winter Expo"]["within_sla"] == 2 and ev["Fall Summit"]["pipeline"] == 70000.0


# -- filters --------------------------------------------------------------------------------
@pytest.mark.parametrize(("flt", "leads", "followed"), [
    (MetricFilter(event="winter expo"), 4, 3),
    (MetricFilter(rep="ann"), 5, 5),
    (MetricFilter(segment="Rest"), 4, 3),
    (MetricFilter(channel="Webinar"), 4, 4),
    (MetricFilter(event="Fall Summit", rep="Bob"), 3, 2),  # T4, T5, T10
    # first touched in the range (created 11-01..11-02 are outside): T1, T3, T4, T10
    (MetricFilter(date_from=D(2026, 11, 26), date_to=D(2026, 11, 30)), 4, 4),
    # created in the range: T8, T9 (a time after the date is fine)
    (MetricFilter(date_from=D(2026, 11, 5), date_to=D(2026, 11, 5)), 2, 1),
    (MetricFilter(date_from=D(2026, 12, 1)), 1, 1),
])
def test_filters(played, flt, leads, followed):
    m = compute_metrics(played, flt, today=TODAY)
    assert kpi(m, "leads")[0] == leads and kpi(m, "followed_up")[1] == followed
    assert m["filter"]["event"] == flt.event


def test_a_filter_on_a_rep_with_no_targets_gives_none_not_an_error(played):
    m = compute_metrics(played, MetricFilter(rep="Cy"), today=TODAY)
    assert kpi(m, "leads") == (0, 0, None)
    assert kpi(m, "followed_up") == (None, 0, 0) and kpi(m, "within_sla") == (None, 0, 0)
    assert [r["name"] for r in m["by_rep"]] == ["Cy"]
    assert m["kpis"]["followed_up"]["met"] is None


def test_unknown_names_are_one_clear_error(played):
    with pytest.raises(UsageError, match="no event called 'Nope'.*Fall Summit"):
        compute_metrics(played, MetricFilter(event="Nope"))
    with pytest.raises(UsageError, match="no rep called 'Zed'"):
        compute_metrics(played, MetricFilter(rep="Zed"))
    with pytest.raises(UsageError, match="no segment called"):
        compute_metrics(played, MetricFilter(segment="Nope"))


def test_a_lead_still_inside_its_sla_window_is_not_counted_yet(played):
    m = compute_metrics(played, today=D(2026, 11, 26))
    # T5 (due 11-27) is pending; T8 (due 11-17) is past due
    assert kpi(m, "within_sla") == (pytest.approx(6 / 9), 6, 9)
    assert kpi(m, "overdue") == (1, 1, None)


def test_follow_up_over_time(played):
    ot = compute_metrics(played, MetricFilter(event="Winter Expo"), today=TODAY)["over_time"]
    assert [r["date"] for r in ot] == [f"2026-11-{d}" for d in range(13, 19)]
    assert [r["followed_up_cumulative"] for r in ot] == [0, 1, 1, 2, 2, 3]
    assert [r["within_sla_cumulative"] for r in ot] == [0, 1, 1, 2, 2, 2]
    assert [r["due_cumulative"] for r in ot] == [0, 0, 0, 1, 4, 4]
    assert ot[-1]["followed_up_share"] == 0.75


# -- nothing to measure ---------------------------------------------------------------------
def test_no_leads_at_all_gives_none_everywhere(tmp_path):
    p = make_project(tmp_path / "p.gtmp", targets=[], opps=[])
    m = compute_metrics(p, today=TODAY)
    for key, entry in m["kpis"].items():
        if entry["denominator"] is not None:  # a rate over nothing
            assert entry["value"] is None and entry["denominator"] == 0, key
        else:  # a count or an amount
            assert entry["value"] == 0, key
    assert [s["count"] for s in m["funnel"]] == [0, 0, 0, 0]
    assert all(s["rate_from_mql"] is None for s in m["funnel"])
    assert m["over_time"] == [] and m["by_channel"] == [] and m["by_segment"] == []
    assert {r["name"] for r in m["by_rep"]} == {"Ann", "Bob", "Cy"}
    assert m["time_to_first_touch_days"] == {"avg": None, "median": None, "count": 0}
    assert m["touches"]["avg_to_convert"] is None
    json.dumps(m)


def test_an_empty_project(tmp_path):
    m = compute_metrics(Project.create(tmp_path / "e.gtmp"), today=TODAY)
    assert m["kpis"]["leads"]["value"] == 0 and m["by_rep"] == [] and m["events"] == []


# -- definitions ----------------------------------------------------------------------------
def test_every_metric_is_defined_once_with_numerator_and_denominator():
    keys = [d.key for d in M.DEFINITIONS]
    assert len(keys) == len(set(keys))
    assert set(M.KPI_KEYS) <= set(keys)
    for d in M.DEFINITIONS:
        assert d.label and d.numerator and d.denominator and d.definition.endswith(".")
        assert d.unit in ("percent", "count", "money", "number", "days")
    with pytest.raises(KeyError, match="unknown metric"):
        M.definition("nope")


def test_the_readme_glossary_is_generated_from_the_definitions():
    from gtmplanner.core.report import glossary_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
    assert doc.read_text(encoding="utf-8") == glossary_markdown(), (
        "docs/metrics.md is stale: regenerate it with "
        "python -c 'from gtmplanner.core.report import glossary_markdown as g; "
        "print(g(), end=\"\")' > docs/metrics.md")


def test_only_a_deal_gone_cold_before_the_touch_makes_a_lead_re_targeted(tmp_path):
    t4 = [TARGETS[3]]  # Connected, account 13, first touch 11-30
    after = make_project(tmp_path / "a.gtmp", targets=t4,
                         opps=[(7, 13, None, "2026-12-05", 5000, "stalled")])
    m = compute_metrics(after, today=TODAY)
    assert m["retarget"]["targets"] == 0  # the event's own new deal stalled: not a cold deal
    assert kpi(m, "pipeline")[0] == 5000.0
    before = make_project(tmp_path / "b.gtmp", targets=t4,
                          opps=[(7, 13, None, "2026-11-01", 5000, "stalled")])
    r = compute_metrics(before, today=TODAY)["retarget"]
    assert (r["targets"], r["re_engaged"], r["re_opened"], r["amount"]) == (1, 1, 0, 0.0)
