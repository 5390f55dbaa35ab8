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
import pyarrow as pa
import pyarrow.compute as pc

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
        if "tier" in people:
            people["computed_tier"] = people["tier"]  # as scored, before the override
            if over.any():
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


# -- the window's lightweight path: only the columns asked for, as Arrow ------------------

RETARGET_COLS = (("name", "retarget_opp_name"), ("amount", "retarget_amount"),
                 ("owner", "retarget_owner"), ("loss_reason", "retarget_reason"),
                 ("months_since_loss", "retarget_months"), ("opp_class", "retarget_class"),
                 ("stage", "retarget_stage"), ("close_date", "retarget_close_date"))
TARGET_COLS = (("rep", "target_rep"), ("status", "target_status"), ("touches", "touches"),
               ("last_touch_date", "last_touch_date"))
CUSTOMER_STATUSES = ["customer", "active customer", "current customer"]
BOOL_PEOPLE = ("opted_out", "attended", "meeting_requested", "retarget")
KEYED_ROWS = 5_000  # a subset up to this many people reads only the rows its joins need
_ACCOUNT_DST = {f"account_{c}": c for c in ACCOUNT_COLS}
_RETARGET_DST = {d: s for s, d in RETARGET_COLS}
_TARGET_DST = {d: s for s, d in TARGET_COLS}


def _exists(project: Project, table: str, where: str = "", params: tuple[Any, ...] = ()) -> bool:
    sql = f"SELECT 1 FROM {table}" + (f" WHERE {where}" if where else "") + " LIMIT 1"
    return project.conn.execute(sql, params).fetchone() is not None


_EVENT_POINTS: dict[tuple[Any, ...], tuple[float, float] | None] = {}


def _event_point(event: dict[str, Any]) -> tuple[float, float] | None:
    """The event's latitude and longitude (its city looked up when not stored; None when
    neither is known)."""
    lat0, lon0 = event.get("latitude"), event.get("longitude")
    if lat0 is not None and lon0 is not None:
        return float(lat0), float(lon0)
    if not event.get("city"):
        return None
    key = (event.get("city"), event.get("region"), event.get("country"))
    if key not in _EVENT_POINTS:
        try:
            place = geo.find_place(", ".join(str(x) for x in (
                event.get("city"), event.get("region") or event.get("country")) if x))
            got = (place.latitude, place.longitude)
            _EVENT_POINTS[key] = None if None in got else (float(got[0]), float(got[1]))
        except Exception:  # noqa: BLE001 - an unknown city: no distance column
            _EVENT_POINTS[key] = None
    return _EVENT_POINTS[key]


def people_table_columns(project: Project, event: dict[str, Any] | None = None,
                         base: list[str] | None = None) -> list[str]:
    """The columns :func:`people_table` can give, in :func:`people_frame`'s order.

    ``base`` limits the person's own fields (default: every column of ``people``).
    Joined columns are listed when people_frame would add them (``account_...`` when
    there are accounts, ``target_...`` when the event has a list...), followed by
    ``computed_tier`` (the tier as scored, before any override).
    """
    stored = project.columns("people")
    names = [c for c in (base if base is not None else stored) if c in stored and c != "id"]
    names.append("person_id")
    if "tier_override" in names:
        names.append("tier_overridden")
    if "account_id" in names and _exists(project, "accounts"):
        names += [f"account_{c}" for c in ACCOUNT_COLS] + ["is_customer"]
    if event is not None:
        if "latitude" in names and "longitude" in names and _event_point(event) is not None:
            names += ["distance_km", "distance_mi"]
        names.append("registered")
    has_opps = _exists(project, "opportunities")
    if "retarget_opp_id" in names and has_opps:
        names += [dst for _src, dst in RETARGET_COLS]
    if "account_id" in names and has_opps:
        names += ["open_deal_owner", "has_open_deal"]
    if event is not None and _exists(project, "targets", "event_id = ?", (event["id"],)):
        names += [dst for _src, dst in TARGET_COLS]
    if "mql_status" in names:
        names.append("mql")
    if "tier" in names:
        names.append("computed_tier")
    return names


def _people_needs(name: str) -> tuple[str, ...]:
    """The people columns a column of :func:`people_table` is made from."""
    if name == "tier":
        return ("tier", "tier_override")
    if name == "computed_tier":
        return ("tier",)
    if name == "tier_overridden":
        return ("tier_override",)
    if name in _ACCOUNT_DST or name in ("is_customer", "open_deal_owner", "has_open_deal"):
        return ("account_id",)
    if name in ("distance_km", "distance_mi"):
        return ("latitude", "longitude")
    if name in _RETARGET_DST:
        return ("retarget_opp_id",)
    if name == "mql":
        return ("mql_status",)
    return (name,)


def _int_list(values: pa.ChunkedArray | pa.Array) -> str:
    """Distinct non-missing integers of ``values`` as SQL (``1,2,3``; ``NULL`` when none)."""
    uniq = pc.unique(pc.drop_null(values))
    return ",".join(str(int(v)) for v in uniq.to_pylist()) or "NULL"


def _as_float(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False),
                      dtype=np.float64)


def people_table(project: Project, *, event: dict[str, Any] | None = None,
                 columns: list[str] | None = None, where: str = "",
                 params: tuple[Any, ...] = ()) -> pa.Table:
    """The window's lightweight :func:`people_frame`: the asked ``columns`` as Arrow.

    ``id`` comes first, then each of ``columns`` that :func:`people_table_columns`
    lists (None: all of them), with people_frame's values: ``tier`` is the tier shown
    (an override wins), flags are booleans, ``account_...`` and ``retarget_...`` come
    from the matched account and deal... Only what those columns need is read and
    joined, with Arrow takes instead of pandas reindexing. ``where``/``params``
    restrict the people (a few rows: the joins read only the rows they need).
    """
    avail = people_table_columns(project, event)
    want = list(dict.fromkeys(c for c in (avail if columns is None else columns)
                              if c in avail))
    stored = project.columns("people")
    need = {n for c in want for n in _people_needs(c)}
    few = bool(where) and project.count("people", where, params) <= KEYED_ROWS
    base = project.arrow("people", [c for c in stored if c in need and c != "id"], where,
                         params, bulk=not few)
    ids = base.column("id")
    cache: dict[str, Any] = {}

    def related(table: str, cols: list[str], key: str, keys: pa.ChunkedArray,
                where_: str = "", params_: tuple[Any, ...] = ()) -> pa.Table:
        cond = [where_] if where_ else []
        if few:
            cond.append(f"{key} IN ({_int_list(keys)})")
        return project.arrow(table, cols, " AND ".join(cond), params_, bulk=not few)

    def lookup(keys: pa.ChunkedArray, table: pa.Table, key: str = "id") -> pa.ChunkedArray:
        values = table.column(key).combine_chunks()
        return pc.index_in(keys, value_set=values)

    def accounts() -> tuple[pa.Table, pa.ChunkedArray]:
        if "accounts" not in cache:
            cols = [_ACCOUNT_DST[c] for c in want if c in _ACCOUNT_DST]
            if "is_customer" in want and "customer_status" not in cols:
                cols.append("customer_status")
            acc = related("accounts", cols, "id", base.column("account_id"))
            cache["accounts"] = (acc, lookup(base.column("account_id"), acc))
        return cache["accounts"]

    def event_people() -> tuple[pa.Table, pa.ChunkedArray]:
        if "ep" not in cache:
            assert event is not None
            ep = related("event_people", ["person_id", "registration_type", "attended"],
                         "person_id", ids, "event_id = ?", (event["id"],))
            cache["ep"] = (ep, lookup(ids, ep, "person_id"))
        return cache["ep"]

    def open_owner() -> pa.ChunkedArray:
        if "open" not in cache:
            opps = related("opportunities", ["owner", "opp_class", "account_id"],
                           "account_id", base.column("account_id"))
            keep = pc.and_(pc.is_in(opps.column("opp_class"), value_set=pa.array(
                OPEN_CLASSES)), pc.and_(pc.is_valid(opps.column("account_id")),
                                        pc.is_valid(opps.column("owner"))))
            opps = opps.filter(pc.fill_null(keep, False))
            acc = opps.column("account_id").to_numpy()
            _u, first = np.unique(acc, return_index=True)  # first open deal with an owner
            firsts = opps.take(pa.array(np.sort(first), pa.int64()))
            pos = lookup(base.column("account_id"), firsts, "account_id")
            cache["open"] = firsts.column("owner").take(pos)
        return cache["open"]

    def targets() -> tuple[pa.Table, pa.ChunkedArray]:
        if "targets" not in cache:
            assert event is not None
            t = related("targets", ["person_id", *[s for s, _d in TARGET_COLS]], "person_id",
                        ids, "event_id = ?", (event["id"],))
            t = t.filter(pc.is_valid(t.column("person_id")))
            _u, first = np.unique(t.column("person_id").to_numpy(), return_index=True)
            t = t.take(pa.array(np.sort(first), pa.int64()))
            cache["targets"] = (t, lookup(ids, t, "person_id"))
        return cache["targets"]

    def distance_km() -> np.ndarray:
        if "km" not in cache:
            assert event is not None
            point = _event_point(event)
            lat, lon = _as_float(base.column("latitude")), _as_float(base.column("longitude"))
            with np.errstate(invalid="ignore"):
                cache["km"] = geo.distance_km(lat, lon, *point) if point is not None \
                    else np.full(len(lat), np.nan)
        return cache["km"]

    def as_bool(col: pa.ChunkedArray) -> pa.ChunkedArray:
        if pa.types.is_boolean(col.type):
            return col
        if pa.types.is_string(col.type):
            col = pc.cast(col, pa.float64())
        return pc.not_equal(col, pa.scalar(0, col.type))

    out: dict[str, Any] = {"id": ids}
    for name in want:
        if name == "tier":
            over = base.column("tier_override").cast(pa.string())
            value: Any = pc.coalesce(over, base.column("tier").cast(pa.string()))
        elif name == "computed_tier":
            value = base.column("tier")
        elif name == "tier_overridden":
            value = pc.is_valid(base.column("tier_override"))
        elif name == "person_id":
            value = ids
        elif name in ("registration_type", "attended") and event is not None:
            ep, pos = event_people()
            value = base.column(name)
            if ep.num_rows:
                got = ep.column(name).take(pos)
                if name == "attended":
                    value = pc.coalesce(as_bool(got), as_bool(value))
                else:
                    value = pc.coalesce(got.cast(pa.string()), value.cast(pa.string()))
            elif name == "attended":
                value = as_bool(value)
        elif name in BOOL_PEOPLE:
            value = as_bool(base.column(name))
        elif name == "is_customer":
            acc, pos = accounts()
            status = pc.utf8_lower(acc.column("customer_status").cast(pa.string()))
            value = pc.fill_null(pc.is_in(status, value_set=pa.array(CUSTOMER_STATUSES)),
                                 False).take(pos)
            value = pc.fill_null(value, False)
        elif name in _ACCOUNT_DST:
            acc, pos = accounts()
            value = acc.column(_ACCOUNT_DST[name]).take(pos)
        elif name == "distance_km":
            value = pa.array(np.round(distance_km(), 1), from_pandas=True)
        elif name == "distance_mi":
            value = pa.array(np.round(geo.km_to_mi(distance_km()), 1), from_pandas=True)
        elif name == "registered":
            value = pc.is_valid(event_people()[1])
        elif name in _RETARGET_DST:
            src = _RETARGET_DST[name]
            if "retarget" not in cache:
                opps = related("opportunities", [s for s, _d in RETARGET_COLS], "id",
                               base.column("retarget_opp_id"))
                cache["retarget"] = (opps, lookup(base.column("retarget_opp_id"), opps))
            opps, pos = cache["retarget"]
            value = opps.column(src).take(pos)
        elif name == "open_deal_owner":
            value = open_owner()
        elif name == "has_open_deal":
            value = pc.is_valid(open_owner())
        elif name in _TARGET_DST:
            src = _TARGET_DST[name]
            t, pos = targets()
            value = t.column(src).take(pos)
        elif name == "mql":
            value = base.column("mql_status")
        else:
            value = base.column(name)
        out[name] = value
    return pa.table(out)
