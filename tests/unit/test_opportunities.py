"""Deal classes (won / active / stalled / lost re-targetable / lost bad fit) and re-target flags."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from gtmplanner.core.errors import GtmError
from gtmplanner.core.opportunities import (
    OPP_CLASSES,
    OppRules,
    classify_opportunities,
    retarget_flags,
)

TODAY = date(2026, 9, 15)


def classify(**cols: list[object]) -> pd.DataFrame:
    return classify_opportunities(pd.DataFrame(cols), OppRules(), today=TODAY)


@pytest.mark.parametrize(
    ("stage", "status", "expected"),
    [
        ("Closed Won", None, "won"),
        ("Closed - Won", None, "won"),
        ("Won", None, "won"),
        ("closedwon", None, "won"),
        ("Gewonnen", None, "won"),
        ("Closed Lost", None, "lost_retarget"),
        ("Closed/Lost", None, "lost_retarget"),
        ("Lost", None, "lost_retarget"),
        ("Verloren", None, "lost_retarget"),
        ("Perdu", None, "lost_retarget"),
        ("Perdido", None, "lost_retarget"),
        ("closedlost", None, "lost_retarget"),
        ("Disqualified", None, "lost_bad_fit"),
        ("Negotiation", "lost", "lost_retarget"),  # Pipedrive: the status decides
        ("Proposal", "won", "won"),
        (None, "open", "open_active"),
        ("Proposal/Price Quote", None, "open_active"),
    ],
)
def test_stage_and_status_spellings(stage: str | None, status: str | None, expected: str) -> None:
    out = classify(stage=[stage], status=[status], last_activity_date=[pd.Timestamp("2026-09-01")])
    assert out.loc[0, "opp_class"] == expected


def test_stalled_after_stalled_days_using_activity_then_created_date() -> None:
    out = classify(
        stage=["Proposal", "Proposal", "Proposal", "Proposal"],
        last_activity_date=[pd.Timestamp("2026-06-01"), pd.Timestamp("2026-08-01"), pd.NaT, pd.NaT],
        created_date=[pd.NaT, pd.NaT, pd.Timestamp("2025-01-01"), pd.NaT],
    )
    assert out["opp_class"].tolist() == ["stalled", "open_active", "stalled", "open_active"]
    assert out["days_since_activity"].tolist()[:3] == [106, 45, 622]
    assert pd.isna(out.loc[3, "days_since_activity"])
    custom = classify_opportunities(pd.DataFrame({"stage": ["Proposal"], "last_activity_date": [
        "2026-08-01"]}), OppRules(stalled_days=30), today=TODAY)
    assert custom.loc[0, "opp_class"] == "stalled"


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("Not a fit", "lost_bad_fit"),
        ("BAD FIT - too small", "lost_bad_fit"),
        ("Wrong segment", "lost_bad_fit"),
        ("Duplicate", "lost_bad_fit"),
        ("-", "lost_retarget"),
        (None, "lost_retarget"),
        ("Price", "lost_retarget"),
        ("No Decision", "lost_retarget"),
        ("Lost to Competitor", "lost_retarget"),
        ("Champion left", "lost_retarget"),
        ("Something nobody listed", "lost_retarget"),
    ],
)
def test_loss_reasons(reason: str | None, expected: str) -> None:
    out = classify(stage=["Closed Lost"], loss_reason=[reason], close_date=["2026-03-15"])
    assert out.loc[0, "opp_class"] == expected


def test_months_since_loss_only_for_lost_deals() -> None:
    out = classify(stage=["Closed Lost", "Closed Won", "Lost"],
                   close_date=[pd.Timestamp("2026-01-15"), pd.Timestamp("2026-01-15"), pd.NaT],
                   last_activity_date=[pd.NaT, pd.NaT, pd.Timestamp("2025-09-15")])
    assert out.loc[0, "months_since_loss"] == pytest.approx(7.9, abs=0.1)
    assert np.isnan(out.loc[1, "months_since_loss"])
    assert out.loc[2, "months_since_loss"] == pytest.approx(12.0, abs=0.1)  # falls back to activity


def test_classes_are_documented_and_index_kept() -> None:
    opps = pd.DataFrame({"stage": ["Closed Won", "Lost", "Open"]}, index=[30, 10, 20])
    out = classify_opportunities(opps, today=TODAY)
    assert list(out.index) == [30, 10, 20]
    assert set(out["opp_class"]) <= set(OPP_CLASSES)
    assert len(classify_opportunities(pd.DataFrame(), today=TODAY)) == 0


def test_rules_round_trip() -> None:
    rules = OppRules(stalled_days=45, bad_fit_reasons=["Nope"])
    assert OppRules(**rules.to_dict()) == rules
    assert OppRules.from_dict(rules.to_dict()) == rules
    with pytest.raises(GtmError, match="unknown setting 'staled_days'"):
        OppRules.from_dict({"staled_days": 3})
    with pytest.raises(GtmError, match="stalled_days"):
        OppRules.from_dict({"stalled_days": "soon"})


def deals() -> pd.DataFrame:
    opps = pd.DataFrame({
        "account_id": [1, 1, 1, 2, 3, 4, 4, 5, 5, None],
        "name": ["A old", "A new", "A stalled", "B stalled", "C bad", "D lost", "D active",
                 "E lost", "E won", "orphan"],
        "stage": ["Closed Lost", "Closed Lost", "Proposal", "Proposal", "Closed Lost",
                  "Closed Lost", "Proposal", "Closed Lost", "Closed Won", "Closed Lost"],
        "loss_reason": ["Price", "-", None, None, "Not a fit", "Timing", None, "Timing", None,
                        "Price"],
        "close_date": pd.to_datetime(["2025-01-01", "2025-11-15", None, None, "2025-05-01",
                                      "2025-05-01", None, "2025-01-01", "2026-01-01",
                                      "2025-01-01"]),
        "last_activity_date": pd.to_datetime([None, None, "2026-01-01", "2026-02-01", None, None,
                                              "2026-09-01", None, None, None]),
        "amount": ["USD 100,000.00", "USD 250,000.00", 5, 7, 1, 2, 3, 4, 5, 6],
        "owner": ["Dana", "Kim", "Sam", "Sam", "Dana", "Dana", "Kim", "Kim", "Kim", "Kim"],
    }, index=range(100, 110))
    return pd.concat([opps, classify_opportunities(opps, today=TODAY)], axis=1)


def test_retarget_picks_most_recent_lost_then_stalled() -> None:
    people = pd.Series([1, 2, 3, 4, 5, None, 99], index=list("abcdefg"), dtype="Int64")
    out = retarget_flags(people, deals())
    assert list(out.index) == list("abcdefg")
    assert out["retarget"].tolist() == [True, True, False, False, False, False, False]
    a = out.loc["a"]
    assert (a["retarget_opp_name"], a["retarget_amount"], a["retarget_owner"]) == (
        "A new", 250_000.0, "Kim")
    assert a["retarget_opp_id"] == 101
    assert a["retarget_reason"] == "Lost (no reason given)"
    assert a["retarget_kind"] == "lost"
    assert a["retarget_months"] == pytest.approx(10.0, abs=0.1)
    b = out.loc["b"]
    assert b["retarget_kind"] == "stalled"
    assert b["retarget_reason"] == "Stalled: no activity for 226 days"
    assert pd.isna(out.loc["c", "retarget_opp_name"])  # bad fit only


def test_active_deal_or_later_win_blocks_retargeting() -> None:
    out = retarget_flags(pd.Series([4, 5]), deals())
    assert out["retarget"].tolist() == [False, False]


def test_retarget_tolerates_duplicate_columns_and_string_ids() -> None:
    opps = deals()
    opps["account_id"] = opps["account_id"].map(lambda v: None if pd.isna(v) else f"acc{int(v)}")
    doubled = pd.concat([opps.drop(columns=["account_id"]).assign(account_id=None),
                         opps[["account_id"]]], axis=1)
    out = retarget_flags(pd.Series(["acc1", "acc2", None]), doubled)
    assert out["retarget"].tolist() == [True, True, False]
    assert out.loc[0, "retarget_reason"] == "Lost (no reason given)"


def test_retarget_with_no_deals() -> None:
    empty = pd.DataFrame(columns=["account_id", "opp_class", "name", "amount", "owner",
                                  "loss_reason", "close_date"])
    out = retarget_flags(pd.Series([1, 2]), empty)
    assert out["retarget"].tolist() == [False, False]
