"""Score a whole project: match, classify deals, geocode, ICP fit, engagement.

One pass over the project's tables as DataFrames, every step vectorised, and
the derived columns written back in one transaction. The ICP profile,
engagement rules and opportunity rules are stored in the project (settings)
so a re-score is deterministic and every face shows the same numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core import engagement, geo, icp, match, opportunities
from gtmplanner.core.store import Project, pylist

Progress = Callable[[float, str], None]

PROFILE_KEY = "icp_profile"
ENGAGEMENT_KEY = "engagement_rules"
OPP_RULES_KEY = "opportunity_rules"

ACCOUNT_COLS = ["name", "domain", "website", "industry", "employees", "revenue", "hq_city",
                "hq_region", "hq_country", "technologies", "intent_topics", "last_funding_date",
                "last_funding_type", "hiring_signal", "leadership_change", "owner",
                "customer_status"]
PEOPLE_COLS = ["email", "company", "title", "seniority", "department", "city", "region",
               "country", "postal_code", "domain", "meeting_requested", "registration_date",
               "opted_out"]


def _noop(_f: float, _m: str) -> None:
    return None


def load_profile(project: Project) -> icp.IcpProfile:
    """The project's ICP profile (the shipped default until the user edits one)."""
    stored = project.get_setting(PROFILE_KEY)
    return icp.IcpProfile.from_dict(stored) if stored else icp.IcpProfile.default()


def save_profile(project: Project, profile: icp.IcpProfile) -> None:
    """Store ``profile`` in the project."""
    project.set_setting(PROFILE_KEY, profile.to_dict())


def load_engagement_rules(project: Project) -> engagement.EngagementRules:
    stored = project.get_setting(ENGAGEMENT_KEY)
    return engagement.EngagementRules.from_dict(stored) if stored else \
        engagement.EngagementRules()


def load_opp_rules(project: Project) -> opportunities.OppRules:
    stored = project.get_setting(OPP_RULES_KEY)
    return opportunities.OppRules(**stored) if stored else opportunities.OppRules()


def account_features(people_account_ids: pd.Series, accounts: pd.DataFrame) -> pd.DataFrame:
    """The matched account's columns for each person, prefixed ``account_``."""
    acc = accounts.add_prefix("account_")
    if "account_last_funding_date" in acc:
        acc["account_last_funding_date"] = pd.to_datetime(acc["account_last_funding_date"],
                                                          errors="coerce")
    ids = people_account_ids.astype("Int64")
    joined = acc.reindex(ids.to_numpy())
    joined.index = people_account_ids.index
    return joined


def score_frames(people: pd.DataFrame, accounts: pd.DataFrame, opps: pd.DataFrame,
                 activities: pd.DataFrame, *, profile: icp.IcpProfile,
                 rules: engagement.EngagementRules, opp_rules: opportunities.OppRules,
                 overrides: pd.DataFrame | None, today: date,
                 progress: Progress = _noop) -> dict[str, Any]:
    """The whole scoring pipeline on in-memory frames (no project needed)."""
    t0 = time.perf_counter()
    progress(0.05, "matching people to accounts")
    pm = match.match_people_to_accounts(people[["email", "company"]],
                                        accounts[["name", "domain", "website"]],
                                        overrides=overrides)
    progress(0.3, "matching opportunities")
    opp_in = opps.copy()
    if "account_external_id" not in opp_in:
        opp_in["account_external_id"] = pd.NA
    om = match.match_opportunities(opp_in, accounts, people[["email"]])
    oc = opportunities.classify_opportunities(opps, opp_rules, today=today)
    progress(0.45, "finding where attendees are")
    g = geo.geocode(people["city"], people["region"], people["country"], people["postal_code"])
    tz = geo.timezones(g["latitude"], g["longitude"])
    progress(0.6, "scoring ICP fit")
    feats = account_features(pm["account_id"], accounts)
    frame = pd.concat([people, feats], axis=1)
    sc = icp.score_people(frame, profile, today=today)
    progress(0.75, "scoring engagement")
    scans = None
    if "meeting_requested" in people:
        mr = people["meeting_requested"]
        hand = people[mr.fillna(0).astype(bool) & people["email"].notna()]
        if len(hand):
            scans = pd.DataFrame({"email": hand["email"].to_numpy(), "meeting_requested": True,
                                  "date": pd.to_datetime(hand.get("registration_date"),
                                                         errors="coerce")})
    eng = engagement.score_engagement(activities, rules, today=today, lead_scans=scans)
    eng_by_person = eng.reindex(people["email"].to_numpy())
    eng_by_person.index = people.index
    progress(0.85, "flagging cold deals to re-target")
    opp_all = pd.concat([opps, om, oc], axis=1)
    rt = opportunities.retarget_flags(pm["account_id"], opp_all)
    return {"match": pm, "opp_match": om, "opp_class": oc, "geo": g, "timezone": tz,
            "icp": sc, "engagement": eng_by_person, "retarget": rt,
            "elapsed_compute": time.perf_counter() - t0}


def score_project(project: Project, *, profile: icp.IcpProfile | None = None,
                  today: date | None = None, progress: Progress = _noop,
                  cancelled: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """Match, classify, geocode and score everything in ``project``; store the results."""
    t0 = time.perf_counter()
    today = today or date.today()
    new_profile = profile  # stored with the scores below: all or nothing
    profile = profile or load_profile(project)
    people = project.frame("people", PEOPLE_COLS)
    accounts = project.frame("accounts", ACCOUNT_COLS)
    opps = project.frame("opportunities")
    activities = project.frame("activities", ["email", "type", "asset", "date"])
    activities["date"] = pd.to_datetime(activities["date"], errors="coerce")
    for col in ("close_date", "created_date", "last_activity_date"):
        opps[col] = pd.to_datetime(opps[col], errors="coerce")
    overrides = project.frame("match_overrides", ["person_id", "action", "account_id"])
    r = score_frames(people, accounts, opps, activities, profile=profile,
                     rules=load_engagement_rules(project), opp_rules=load_opp_rules(project),
                     overrides=overrides if len(overrides) else None, today=today,
                     progress=progress)
    if cancelled():
        from gtmplanner.core.errors import GtmError
        raise GtmError("scoring cancelled; nothing was changed")
    progress(0.9, "saving scores")
    pm, g, sc, eng, rt = r["match"], r["geo"], r["icp"], r["engagement"], r["retarget"]
    out = pd.DataFrame(index=people.index)
    out["account_id"] = pm["account_id"]
    out["match_method"] = pm["match_method"]
    out["match_confidence"] = pm["match_confidence"]
    out["match_candidates"] = pm["match_candidates"]
    out["latitude"] = g["latitude"]
    out["longitude"] = g["longitude"]
    out["geo_precision"] = g["geo_precision"]
    out["geo_label"] = g["geo_label"]
    out["timezone"] = r["timezone"]
    out["score"] = sc["score"]
    out["tier"] = sc["tier"]
    out["reasons"] = sc["reasons"]
    out["seniority"] = people["seniority"].fillna(sc["seniority"]) if "seniority" in sc else \
        people["seniority"]
    out["department"] = people["department"].fillna(sc["department"]) if "department" in sc \
        else people["department"]
    out["engagement_score"] = eng["engagement_score"]
    out["mql_status"] = eng["mql_status"]
    out["mql_date"] = eng["mql_date"]
    out["mql_reasons"] = eng["mql_reasons"]
    out["retarget"] = rt["retarget"]
    out["retarget_opp_id"] = rt.get("retarget_opp_id", pd.Series(pd.NA, index=people.index))
    oc, om = r["opp_class"], r["opp_match"]
    opp_out = pd.DataFrame(index=opps.index)
    opp_out["account_id"] = om["account_id"]
    opp_out["account_method"] = om["account_method"]
    opp_out["account_confidence"] = om["account_confidence"]
    opp_out["person_id"] = om["person_id"]
    opp_out["opp_class"] = oc["opp_class"]
    opp_out["months_since_loss"] = oc["months_since_loss"]
    opp_out["days_since_activity"] = oc["days_since_activity"]
    with project.transaction():
        if new_profile is not None:
            save_profile(project, new_profile)
        _bulk_update(project, "people", out)
        _bulk_update(project, "opportunities", opp_out)
        project.set_setting("last_scored", {"today": today.isoformat()})
    stats = score_stats(out, opp_out)
    stats["elapsed_seconds"] = round(time.perf_counter() - t0, 3)
    progress(1.0, "scored")
    return stats


def _bulk_update(project: Project, table: str, frame: pd.DataFrame) -> None:
    """Write derived columns by id via a temp table and one UPDATE ... FROM."""
    if frame.empty:
        return
    cols = list(frame.columns)
    conn = project.conn
    conn.execute(f"DROP TABLE IF EXISTS temp._upd_{table}")
    conn.execute(f"CREATE TEMP TABLE _upd_{table} (id INTEGER PRIMARY KEY, {', '.join(cols)})")
    data = [[int(i) for i in frame.index]] + [pylist(frame[c]) for c in cols]
    conn.executemany(f"INSERT INTO temp._upd_{table} VALUES ({', '.join('?' * (len(cols) + 1))})",
                     zip(*data, strict=True))
    sets = ", ".join(f"{c} = u.{c}" for c in cols)
    conn.execute(f"UPDATE {table} SET {sets} FROM temp._upd_{table} AS u "
                 f"WHERE {table}.id = u.id")
    conn.execute(f"DROP TABLE temp._upd_{table}")


def score_stats(people_out: pd.DataFrame, opp_out: pd.DataFrame) -> dict[str, Any]:
    """Counts per tier, MQL, match method, opportunity class and geocoding precision."""
    def counts(s: pd.Series) -> dict[str, int]:
        vc = s.astype("object").where(s.notna(), "none").value_counts()
        return {str(k): int(v) for k, v in vc.sort_index().items()}
    return {
        "people": int(len(people_out)),
        "tiers": counts(people_out["tier"]),
        "mql": {"hot": int((people_out["mql_status"] == "hot").sum()),
                "warm": int((people_out["mql_status"] == "warm").sum())},
        "match": counts(people_out["match_method"]),
        "ambiguous_matches": int(people_out["match_candidates"].notna().sum()),
        "opportunities": counts(opp_out["opp_class"]),
        "geocoding": counts(people_out["geo_precision"]),
        "retarget_people": int(np.asarray(people_out["retarget"].fillna(False), bool).sum()),
    }
