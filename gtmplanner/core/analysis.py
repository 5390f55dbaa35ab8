"""The people frame: everything known about each person, in one DataFrame.

Segments, the ``people`` command, exports and the window all filter the same
frame: the person's own fields and scores, their matched account (``account_``
columns), their distance to the event, what the event roster says about them,
the deal worth re-targeting, any open deal and its owner, and where they stand
on a list (target status, last touch).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core import geo
from gtmplanner.core.store import Project

ACCOUNT_COLS = ["name", "domain", "industry", "employees", "revenue", "hq_city", "hq_region",
                "hq_country", "technologies", "intent_topics", "owner", "customer_status",
                "last_funding_date", "hiring_signal"]
OPEN_CLASSES = ("open_active", "stalled")

# Field types for the segment builder and validation (everything else is text).
NUMBER_FIELDS = {"score", "engagement_score", "distance_km", "distance_mi", "latitude",
                 "longitude", "account_employees", "account_revenue", "match_confidence",
                 "retarget_amount", "retarget_months", "touches", "priority"}
BOOL_FIELDS = {"opted_out", "attended", "meeting_requested", "retarget", "is_customer",
               "registered", "has_open_deal"}
DATE_FIELDS = {"registration_date", "mql_date", "last_touch_date", "account_last_funding_date"}
LIST_FIELDS = {"account_technologies", "account_intent_topics"}


def people_frame(project: Project, *, event: dict[str, Any] | None = None,
                 columns: list[str] | None = None, where: str = "",
                 params: tuple[Any, ...] = ()) -> pd.DataFrame:
    """One row per person (index = person id) with derived and joined columns.

    ``where``/``params`` restrict the people read (e.g. one email for ``explain``).
    A user's tier override replaces the computed tier (``tier_overridden`` says so).
    """
    people = project.frame("people", columns, where=where, params=params)
    people["person_id"] = people.index.to_numpy()  # rules and suppressions can name it
    if "tier_override" in people:
        over = people["tier_override"].notna()
        people["tier_overridden"] = over.astype("boolean")
        if over.any() and "tier" in people:
            people["tier"] = people["tier_override"].where(over, people["tier"])
    for col in ("opted_out", "attended", "meeting_requested", "retarget"):
        if col in people:
            people[col] = people[col].astype("boolean")
    accounts = project.frame("accounts", ACCOUNT_COLS)
    if "account_id" in people and len(accounts):
        acc = accounts.add_prefix("account_").reindex(people["account_id"].to_numpy())
        acc.index = people.index
        people = pd.concat([people, acc], axis=1)
        people["is_customer"] = people["account_customer_status"].astype("string").str.casefold()\
            .isin(["customer", "active customer", "current customer"]).astype("boolean")
    if event is not None:
        lat0, lon0 = event.get("latitude"), event.get("longitude")
        if (lat0 is None or lon0 is None) and event.get("city"):
            place = geo.find_place(", ".join(str(x) for x in (event.get("city"),
                                   event.get("region") or event.get("country")) if x))
            lat0, lon0 = place.latitude, place.longitude
        if "latitude" in people and lat0 is not None and lon0 is not None:
            km = geo.distance_km(people["latitude"], people["longitude"], lat0, lon0)
            people["distance_km"] = np.round(km, 1)
            people["distance_mi"] = np.round(geo.km_to_mi(km), 1)
        ep = project.frame("event_people", ["person_id", "registration_type", "attended"],
                           where="event_id = ?", params=(event["id"],))
        ep = ep.set_index("person_id")
        people["registered"] = pd.Series(people.index.isin(ep.index), index=people.index,
                                         dtype="boolean")
        if len(ep):
            reg = ep["registration_type"].reindex(people.index)
            att = ep["attended"].reindex(people.index).astype("boolean")
            if "registration_type" in people:
                people["registration_type"] = reg.fillna(people["registration_type"])
            people["attended"] = att.fillna(people.get("attended"))
    _join_deals(project, people)
    _join_targets(project, people, event)
    if "mql_status" in people:
        people["mql"] = people["mql_status"]  # the short name people type in rules
    return people


def _join_deals(project: Project, people: pd.DataFrame) -> None:
    opps = project.frame("opportunities", ["name", "amount", "owner", "loss_reason",
                                           "months_since_loss", "opp_class", "account_id",
                                           "stage", "close_date"])
    if "retarget_opp_id" in people and len(opps):
        rt = opps.reindex(people["retarget_opp_id"].to_numpy())
        for src, dst in (("name", "retarget_opp_name"), ("amount", "retarget_amount"),
                         ("owner", "retarget_owner"), ("loss_reason", "retarget_reason"),
                         ("months_since_loss", "retarget_months"), ("opp_class", "retarget_class"),
                         ("stage", "retarget_stage"), ("close_date", "retarget_close_date")):
            people[dst] = rt[src].to_numpy()
    if "account_id" in people and len(opps):
        open_ = opps[opps["opp_class"].isin(OPEN_CLASSES) & opps["account_id"].notna()]
        owner = open_.groupby("account_id")["owner"].first()
        people["open_deal_owner"] = people["account_id"].map(owner).astype("string")
        people["has_open_deal"] = people["open_deal_owner"].notna().astype("boolean")


def _join_targets(project: Project, people: pd.DataFrame, event: dict[str, Any] | None) -> None:
    if event is None:
        return
    t = project.frame("targets", ["person_id", "rep", "status", "touches", "last_touch_date",
                                  "segment_id"], where="event_id = ?", params=(event["id"],))
    if not len(t):
        return
    t = t.drop_duplicates("person_id").set_index("person_id")
    for col in ("rep", "status", "touches", "last_touch_date"):
        people[f"target_{col}" if col in ("rep", "status") else col] = \
            t[col].reindex(people.index).to_numpy()


def field_types(frame: pd.DataFrame) -> dict[str, str]:
    """Field -> type ('text','number','bool','date','list') for segment validation."""
    out: dict[str, str] = {}
    for c in frame.columns:
        if c in BOOL_FIELDS or pd.api.types.is_bool_dtype(frame[c].dtype):
            out[c] = "bool"
        elif c in NUMBER_FIELDS or pd.api.types.is_numeric_dtype(frame[c].dtype):
            out[c] = "number"
        elif c in DATE_FIELDS:
            out[c] = "date"
        elif c in LIST_FIELDS:
            out[c] = "list"
        else:
            out[c] = "text"
    return out
