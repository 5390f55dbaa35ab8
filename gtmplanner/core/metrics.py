"""Alignment and funnel metrics: one set of definitions, one computation.

PRODUCT.md job 10 and the playbook's alignment metrics: the share of marketing
leads sales follows up (and within the SLA), the share that become
opportunities, touches to convert, conversion by channel (so channels that bring
volume but no revenue can be dropped), re-targeted cold deals, and the
MQL -> SQL -> opportunity funnel.

Every number is defined once, in :data:`DEFINITIONS` (with its numerator and
denominator in words) and :data:`TERMS`; the dashboard tooltips, the reports and
the README glossary (``docs/metrics.md``) all read them from here, so marketing
and sales read the same number the same way. :func:`compute_metrics` returns
plain JSON-ready data: a rate whose denominator is 0 is ``None``, never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gtmplanner.core.errors import UsageError
from gtmplanner.core.export import business_days
from gtmplanner.core.export.columns import DEFAULT_STATUS, OPEN_STATUSES
from gtmplanner.core.lists import ALL_REACHABLE

if TYPE_CHECKING:
    from gtmplanner.core.store import Project

#: Statuses (from the reps' trackers) that mean a real conversation happened.
CONNECTED_STATUSES: tuple[str, ...] = ("Connected", "Meeting booked", "Opportunity created")
#: Statuses that make a marketing lead sales-qualified (SQL).
SQL_STATUSES: tuple[str, ...] = ("Meeting booked", "Opportunity created")
OPPORTUNITY_STATUS = "Opportunity created"
#: Deal classes (see ``opportunities.py``) that make an account a re-targeted cold deal.
RETARGET_CLASSES: tuple[str, ...] = ("lost_retarget", "stalled")
NO_CHANNEL = "(no source)"
UNASSIGNED = "(unassigned)"
#: A channel with at least this many leads and no opportunity is flagged.
FLAG_TEXT = "volume but no opportunities"


from gtmplanner.core.metric_definitions import (  # noqa: F401 - part of this module's API
    _BY_KEY,
    DEFINITIONS,
    FLAG_MIN_VOLUME,
    KPI_KEYS,
    TERMS,
    MetricDef,
    definition,
)

__all__ = ["MetricDef", "DEFINITIONS", "TERMS", "KPI_KEYS", "MetricFilter", "SlaRules",
           "compute_metrics", "definition", "lead_frame"]

_DAY = np.timedelta64(1, "D")


@dataclass
class MetricFilter:
    """Which leads to measure; ``None`` means "all". Names compare case-insensitively."""

    event: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    rep: str | None = None
    segment: str | None = None
    channel: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO text)."""
        out = asdict(self)
        for k in ("date_from", "date_to"):
            out[k] = out[k].isoformat() if out[k] else None
        return out


@dataclass
class SlaRules:
    """The follow-up agreement between marketing and sales.

    ``business_days`` after the event's last day (or after the person became an
    MQL, if later); hot MQLs (hand-raisers, who expect to hear from us) get
    ``hot_business_days`` -- the same 2 / 1 days the follow-up trackers print.
    The targets are the shares leadership expects; a KPI is "met" at or above.
    """

    business_days: int = 2
    hot_business_days: int = 1
    followed_up_target: float = 0.95
    within_sla_target: float = 0.9

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- reading ---------------------------------------------------------------------------------
def _dates(values: pd.Series) -> pd.Series:
    """ISO text (or datetimes) -> ``datetime64`` days; anything else -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.normalize()
    text = values.astype("string").str.strip().str.slice(0, 10)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def _text(values: pd.Series) -> pd.Series:
    """Text column as object dtype with ``None`` for blanks."""
    s = values.astype("string").str.strip()
    return s.where(s.notna() & (s != ""), None).astype(object)


def _num(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.astype(object), errors="coerce").astype(float)


def _ids(values: pd.Series) -> pd.Series:
    return _num(values).astype("Int64")


def _pick(options: list[str], wanted: str | None, what: str) -> str | None:
    """The spelling of ``wanted`` among ``options`` (case-insensitive), or a clear error."""
    if wanted is None:
        return None
    for o in options:
        if o.casefold() == wanted.strip().casefold():
            return o
    shown = ", ".join(sorted(options)[:12]) or "none yet"
    raise UsageError(f"no {what} called '{wanted}' ({what}s: {shown})")


def lead_frame(project: Project, flt: MetricFilter | None = None, *, sla: SlaRules | None = None,
               today: dt.date | None = None) -> pd.DataFrame:
    """One row per lead (target) in the filter, with every per-lead fact the metrics use.

    Columns: event, segment, rep, channel, mql, followed_up, first_touch, due,
    sla_due, within_sla, overdue, connected, sql, touches, days_to_first_touch,
    person_id, account_id, retargeted (opportunity columns are added by
    :func:`compute_metrics`).
    """
    flt, sla = flt or MetricFilter(), sla or SlaRules()
    now = np.datetime64(today or dt.date.today(), "ns")
    events = project.events()
    ev_name = {int(e["id"]): e["name"] for e in events}
    where, params = "", ()
    if flt.event is not None:
        name = _pick([e["name"] for e in events], flt.event, "event")
        where, params = "event_id = ?", (next(i for i, n in ev_name.items() if n == name),)
    t = project.frame("targets", ["event_id", "segment_id", "person_id", "opportunity_id", "rep",
                                  "status", "touches", "first_touch_date", "last_touch_date",
                                  "created_at"], where=where, params=params)
    people = project.frame("people", ["mql_status", "mql_date", "account_id", "source"],
                           where="id IN (SELECT person_id FROM targets)")
    segs = project.frame("segments", ["name"])
    reps = project.frame("reps", ["name", "country"])
    opp_acct = project.frame("opportunities", ["account_id", "opp_class", "created_date"])

    out = pd.DataFrame(index=t.index)
    out.index.name = "target_id"
    out["event_id"] = _ids(t["event_id"])
    out["event"] = out["event_id"].map(ev_name).astype(object)
    seg_name = dict(zip(segs.index.tolist(), _text(segs["name"]).tolist(), strict=True))
    out["segment"] = _ids(t["segment_id"]).map(seg_name).astype(object).fillna(ALL_REACHABLE)
    out["rep"] = _text(t["rep"]).fillna(UNASSIGNED)
    pid = _ids(t["person_id"])
    out["person_id"] = pid
    p = people.reindex(pid.astype("float").to_numpy())
    p.index = out.index
    out["account_id"] = _ids(p["account_id"])
    # a list entry built from a deal (no person account): the deal's account
    oid = _ids(t["opportunity_id"])
    deal_acct = _ids(opp_acct["account_id"]).reindex(oid.astype("float").to_numpy())
    out["account_id"] = out["account_id"].fillna(pd.Series(deal_acct.to_numpy(), index=out.index))
    mql = _text(p["mql_status"]).str.lower()
    out["mql"] = mql.where(mql.isin(["hot", "warm"]), None).astype(object)
    src = _text(p["source"]).fillna(out["event"]).fillna(NO_CHANNEL)
    out["channel"] = src.astype(object)
    status = _text(t["status"]).fillna(DEFAULT_STATUS)
    out["status"] = status
    touches = _num(t["touches"])
    out["touches"] = touches
    out["followed_up"] = (status != DEFAULT_STATUS) | (touches.fillna(0) > 0)
    first = _dates(t["first_touch_date"]).fillna(_dates(t["last_touch_date"]))
    out["first_touch"] = first.where(out["followed_up"])
    out["created"] = _dates(t["created_at"])

    # SLA: N business days after the later of event end and MQL date, rep's country
    ends = {int(e["id"]): (e.get("end_date") or e.get("start_date")) for e in events}
    end = _dates(out["event_id"].map(ends).astype(object))
    out["start"] = end.fillna(out["created"])
    mql_date = _dates(p["mql_date"]).where(out["mql"].notna())
    base = out["start"].where(~(mql_date > out["start"]), mql_date)
    countries = {n: business_days.normalise_country(c) for n, c in
                 zip(_text(reps["name"]).tolist(), _text(reps["country"]).tolist(), strict=True)}
    country = out["rep"].map(countries).fillna(business_days.DEFAULT_COUNTRY)
    n = np.where(out["mql"] == "hot", sla.hot_business_days, sla.business_days)
    keys = pd.DataFrame({"base": base, "country": country, "n": n}, index=out.index)
    uniq = keys.dropna(subset=["base"]).drop_duplicates()
    uniq["due"] = pd.to_datetime(pd.Series(
        [business_days.due_date(b.date(), int(k), c) for b, c, k in
         zip(uniq["base"], uniq["country"], uniq["n"], strict=True)], dtype="object",
        index=uniq.index))
    out["due"] = keys.merge(uniq, how="left", on=["base", "country", "n"])["due"].to_numpy()
    has_due = out["due"].notna()
    out["sla_due"] = has_due & (out["followed_up"] | (out["due"] < now))
    out["within_sla"] = has_due & out["followed_up"] & (out["first_touch"] <= out["due"])
    out["overdue"] = has_due & status.isin(OPEN_STATUSES) & (out["due"] < now)
    out["connected"] = status.isin(CONNECTED_STATUSES)
    out["sql"] = status.isin(SQL_STATUSES)
    days = (out["first_touch"] - out["start"]) / _DAY
    out["days_to_first_touch"] = days.clip(lower=0)
    # re-targeted: the account had a cold deal before the lead's first touch
    cold = opp_acct[_text(opp_acct["opp_class"]).isin(RETARGET_CLASSES).to_numpy()]
    c = pd.DataFrame({"account_id": _ids(cold["account_id"]).to_numpy(),
                      "created": _dates(cold["created_date"]).to_numpy()})
    hit = out[["account_id", "first_touch"]].reset_index().merge(c.dropna(subset=["account_id"]),
                                                                  on="account_id")
    hit = hit[~(hit["created"] >= hit["first_touch"])]  # NaT on either side: still cold
    out["retargeted"] = (out.index.isin(hit["target_id"])
                         | oid.isin(cold.index).fillna(False).to_numpy(dtype=bool))
    return _apply_filter(out, flt, segs, reps)


def _apply_filter(out: pd.DataFrame, flt: MetricFilter, segs: pd.DataFrame,
                  reps: pd.DataFrame) -> pd.DataFrame:
    keep = pd.Series(True, index=out.index)
    if flt.rep is not None:
        names = set(_text(reps["name"]).dropna()) | set(out["rep"])
        keep &= out["rep"] == _pick(sorted(names), flt.rep, "rep")
    if flt.segment is not None:
        names = set(_text(segs["name"]).dropna()) | {ALL_REACHABLE}
        want = _pick(sorted(names), flt.segment, "segment")
        keep &= out["segment"].str.casefold() == want.casefold()
    if flt.channel is not None:
        keep &= out["channel"].str.casefold() == flt.channel.strip().casefold()
    if flt.date_from is not None or flt.date_to is not None:
        lo = pd.Timestamp(flt.date_from or dt.date.min)
        hi = pd.Timestamp(flt.date_to or dt.date(9999, 12, 31))
        in_range = lambda s: (s >= lo) & (s <= hi)  # noqa: E731
        keep &= in_range(out["created"]) | in_range(out["first_touch"])
    return out[keep.fillna(False).astype(bool).to_numpy()]


# -- opportunities ---------------------------------------------------------------------------
def _attribute(project: Project, leads: pd.DataFrame) -> pd.DataFrame:
    """(target_id, opp_id, amount, won) for every opportunity a lead led to.

    Linked by the lead's person or the person's account, created on or after the
    lead's first touch (an opportunity created before the touch never counts).
    """
    opps = project.frame("opportunities", ["account_id", "person_id", "created_date", "amount",
                                           "opp_class"])
    cols = ["target_id", "opp_id", "amount", "won"]
    touched = leads[leads["first_touch"].notna()]
    if opps.empty or touched.empty:
        return pd.DataFrame({"target_id": pd.Series(dtype="int64"),
                             "opp_id": pd.Series(dtype="int64"),
                             "amount": pd.Series(dtype=float), "won": pd.Series(dtype=bool)})
    o = pd.DataFrame({"opp_id": opps.index.to_numpy(), "o_person": _ids(opps["person_id"]).values,
                      "o_account": _ids(opps["account_id"]).values,
                      "created": _dates(opps["created_date"]).values,
                      "amount": _num(opps["amount"]).fillna(0.0).values,
                      "won": (_text(opps["opp_class"]) == "won").to_numpy()})
    left = touched[["person_id", "account_id", "first_touch"]].reset_index()
    by_person = left.dropna(subset=["person_id"]).merge(
        o.dropna(subset=["o_person"]), left_on="person_id", right_on="o_person")
    by_account = left.dropna(subset=["account_id"]).merge(
        o.dropna(subset=["o_account"]), left_on="account_id", right_on="o_account")
    pairs = pd.concat([by_person, by_account], ignore_index=True)
    pairs = pairs[pairs["created"].notna() & (pairs["created"] >= pairs["first_touch"])]
    pairs = pairs[cols].drop_duplicates(["target_id", "opp_id"]).reset_index(drop=True)
    return pairs.astype({"target_id": "int64", "opp_id": "int64", "won": bool})


# -- aggregation -----------------------------------------------------------------------------
def _rate(num: float, den: float) -> float | None:
    return None if not den else float(num) / float(den)


def _sums(leads: pd.DataFrame, pairs: pd.DataFrame, key: pd.Series,
          names: list[Any] | None = None) -> pd.DataFrame:
    """Per group (``key`` aligned with ``leads``; ``names`` adds empty groups): the counts
    and sums every table uses."""
    L = leads
    hot, warm = L["mql"] == "hot", L["mql"] == "warm"
    is_mql = hot | warm
    fu, due, ok = L["followed_up"], L["sla_due"], L["within_sla"]
    conv_t = L["touches"].where(L["became_opportunity"] & (L["touches"] > 0))
    conn_t = L["touches"].where(L["connected"] & (L["touches"] > 0))
    cols = {
        "leads": pd.Series(1, index=L.index), "mql": is_mql, "hot": hot, "warm": warm,
        "followed_up": fu, "followed_up_mql": fu & is_mql, "followed_up_hot": fu & hot,
        "followed_up_warm": fu & warm,
        "sla_due": due, "sla_due_mql": due & is_mql, "sla_due_hot": due & hot,
        "sla_due_warm": due & warm, "within_sla": ok, "within_sla_mql": ok & is_mql,
        "within_sla_hot": ok & hot, "within_sla_warm": ok & warm, "overdue": L["overdue"],
        "opportunities": L["became_opportunity"], "opportunities_mql": L["became_opportunity"]
        & is_mql, "sql_mql": L["sql_any"] & is_mql, "won_mql": L["won"] & is_mql,
        "convert_touches": conv_t.fillna(0), "convert_n": conv_t.notna(),
        "connect_touches": conn_t.fillna(0), "connect_n": conn_t.notna(),
        "days_sum": L["days_to_first_touch"].fillna(0), "days_n": L["days_to_first_touch"].notna(),
        "retargeted": L["retargeted"], "re_engaged": L["retargeted"] & fu & L["connected"],
        "re_opened": L["retargeted"] & L["became_opportunity"],
    }
    frame = pd.DataFrame({k: v.astype(float) for k, v in cols.items()}, index=L.index)
    g = frame.groupby(key.to_numpy(), sort=True).sum()
    if names is not None:
        g = g.reindex(list(g.index) + [n for n in names if n not in g.index], fill_value=0.0)
    p = pairs.merge(pd.DataFrame({"target_id": L.index.to_numpy(dtype="int64"),
                                  "key": key.to_numpy(),
                                  "retargeted": L["retargeted"].to_numpy()}), on="target_id")
    for name, mask in (("pipeline", None), ("retarget_amount", p["retargeted"].astype(bool))):
        sub = p if mask is None else p[mask.to_numpy()]
        sub = sub.drop_duplicates(["key", "opp_id"])
        g[name] = sub.groupby("key")["amount"].sum().reindex(g.index).fillna(0.0)
        if name == "pipeline":
            g["won_amount"] = (sub[sub["won"].astype(bool)].groupby("key")["amount"].sum()
                               .reindex(g.index).fillna(0.0))
            g["opp_records"] = sub.groupby("key")["opp_id"].nunique().reindex(g.index).fillna(0)
    return g


def _row(name: str, s: Mapping[str, float]) -> dict[str, Any]:
    """One table row (rep / segment / event / channel) from a group's sums."""
    return {
        "name": name, "leads": int(s["leads"]), "mql": int(s["mql"]), "hot": int(s["hot"]),
        "warm": int(s["warm"]), "followed_up": int(s["followed_up"]),
        "followed_up_rate": _rate(s["followed_up"], s["leads"]),
        "followed_up_mql_rate": _rate(s["followed_up_mql"], s["mql"]),
        "sla_due": int(s["sla_due"]), "within_sla": int(s["within_sla"]),
        "within_sla_rate": _rate(s["within_sla"], s["sla_due"]), "overdue": int(s["overdue"]),
        "opportunities": int(s["opportunities"]),
        "opportunity_rate": _rate(s["opportunities"], s["leads"]),
        "pipeline": float(s["pipeline"]), "won": float(s["won_amount"]),
        "pipeline_per_lead": _rate(s["pipeline"], s["leads"]),
        "avg_touches_to_convert": _rate(s["convert_touches"], s["convert_n"]),
        "avg_days_to_first_touch": _rate(s["days_sum"], s["days_n"]),
    }


def _table(leads: pd.DataFrame, pairs: pd.DataFrame, col: str,
           extra: list[str] | None = None) -> list[dict[str, Any]]:
    g = _sums(leads, pairs, leads[col].astype(object).fillna(f"(no {col})"), extra or [])
    rows = [_row(str(n), g.loc[n]) for n in g.index]
    return sorted(rows, key=lambda r: (-r["leads"], r["name"].casefold()))


# -- KPIs ------------------------------------------------------------------------------------
_KPI_PARTS: dict[str, tuple[str, str | None]] = {
    "leads": ("leads", None), "mql_leads": ("mql", None),
    "followed_up": ("followed_up", "leads"), "followed_up_mql": ("followed_up_mql", "mql"),
    "followed_up_hot": ("followed_up_hot", "hot"), "followed_up_warm": ("followed_up_warm", "warm"),
    "within_sla": ("within_sla", "sla_due"), "within_sla_mql": ("within_sla_mql", "sla_due_mql"),
    "within_sla_hot": ("within_sla_hot", "sla_due_hot"),
    "within_sla_warm": ("within_sla_warm", "sla_due_warm"), "overdue": ("overdue", None),
    "became_opportunity": ("opportunities", "leads"),
    "became_opportunity_mql": ("opportunities_mql", "mql"),
    "pipeline": ("pipeline", None), "closed_won": ("won_amount", None),
    "pipeline_per_lead": ("pipeline", "leads"),
    "avg_touches_to_connect": ("connect_touches", "connect_n"),
    "avg_touches_to_convert": ("convert_touches", "convert_n"),
    "days_to_first_touch": ("days_sum", "days_n"),
    "retarget_re_engaged": ("re_engaged", "retargeted"),
    "retarget_re_opened": ("re_opened", "retargeted"), "retarget_amount": ("retarget_amount", None),
}


def _kpis(s: Mapping[str, float], sla: SlaRules) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key in KPI_KEYS:
        d = definition(key)
        num_k, den_k = _KPI_PARTS[key]
        num = float(s[num_k])
        den = float(s[den_k]) if den_k else None
        value = num if den_k is None else _rate(num, den or 0)
        if d.unit == "count":
            value = int(num)
        num = int(num) if d.unit != "money" and num.is_integer() else num
        target = (sla.followed_up_target if key.startswith("followed_up")
                  else sla.within_sla_target if key.startswith("within_sla") else None)
        out[key] = {"key": key, "value": value, "numerator": num,
                    "denominator": int(den) if den is not None else None, "label": d.label,
                    "definition": d.definition, "unit": d.unit, "target": target,
                    "met": None if target is None or value is None else bool(value >= target)}
    return out


def _funnel(s: Mapping[str, float]) -> list[dict[str, Any]]:
    stages = [("MQL", "funnel_mql", s["mql"]), ("SQL", "funnel_sql", s["sql_mql"]),
              ("Opportunity", "funnel_opportunity", s["opportunities_mql"]),
              ("Won", "funnel_won", s["won_mql"])]
    out, first, prev = [], stages[0][2], None
    for stage, key, n in stages:
        out.append({"stage": stage, "key": key, "count": int(n),
                    "rate_from_previous": None if prev is None else _rate(n, prev),
                    "rate_from_mql": _rate(n, first), "definition": definition(key).definition})
        prev = n
    return out


def _over_time(leads: pd.DataFrame, today: dt.date) -> list[dict[str, Any]]:
    touched = leads["first_touch"].dropna()
    if touched.empty and leads["due"].dropna().empty:
        return []
    now = pd.Timestamp(today)
    starts = [d for d in (touched.min(), leads["start"].min()) if pd.notna(d)]
    due_max = leads["due"].max()
    ends = [d for d in (touched.max(), min(due_max, now) if pd.notna(due_max) else None)
            if d is not None and pd.notna(d)]
    start = min(starts)
    end = max([start, *ends])
    freq = "D" if (end - start).days <= 400 else "W-SUN"
    days = pd.date_range(start, end, freq="D")
    per_day = touched.value_counts().reindex(days, fill_value=0)
    ok = leads.loc[leads["within_sla"], "first_touch"].value_counts().reindex(days, fill_value=0)
    due = leads["due"].dropna().clip(upper=end).value_counts().reindex(days, fill_value=0)
    frame = pd.DataFrame({"followed_up": per_day, "followed_up_cumulative": per_day.cumsum(),
                          "within_sla_cumulative": ok.cumsum(), "due_cumulative": due.cumsum()})
    if freq != "D":
        frame = frame.resample(freq).agg({"followed_up": "sum", "followed_up_cumulative": "last",
                                          "within_sla_cumulative": "last",
                                          "due_cumulative": "last"})
    n = len(leads)
    return [{"date": d.date().isoformat(), "followed_up": int(r.followed_up),
             "followed_up_cumulative": int(r.followed_up_cumulative),
             "within_sla_cumulative": int(r.within_sla_cumulative),
             "due_cumulative": int(r.due_cumulative),
             "followed_up_share": _rate(r.followed_up_cumulative, n)}
            for d, r in frame.iterrows()]


def _channels(leads: pd.DataFrame, pairs: pd.DataFrame, costs: Mapping[str, float],
              flt: MetricFilter, flag_volume: int) -> list[dict[str, Any]]:
    extra = [c for c in costs if flt.channel is None or c.casefold() == flt.channel.casefold()]
    seen = {c.casefold(): c for c in leads["channel"].unique()}
    rows = _table(leads, pairs, "channel", [seen.get(c.casefold(), c) for c in extra])
    cost_by = {str(k).casefold(): float(v) for k, v in costs.items() if v is not None}
    for r in rows:
        cost = cost_by.get(r["name"].casefold())
        r["cost"] = cost
        r["cost_per_lead"] = None if cost is None else _rate(cost, r["leads"])
        r["cost_per_opportunity"] = None if cost is None else _rate(cost, r["opportunities"])
        r["volume"] = r["leads"]
        r["flag"] = FLAG_TEXT if r["leads"] >= flag_volume and r["opportunities"] == 0 else None
    rows.sort(key=lambda r: (r["pipeline_per_lead"] is None, -(r["pipeline_per_lead"] or 0),
                             -r["leads"], r["name"].casefold()))
    return rows


def compute_metrics(project: Project, flt: MetricFilter | None = None, *,
                    sla: SlaRules | None = None, today: dt.date | None = None,
                    costs: Mapping[str, float] | None = None,
                    flag_volume: int = FLAG_MIN_VOLUME) -> dict[str, Any]:
    """Every alignment metric for the leads in ``flt`` (see :data:`DEFINITIONS`).

    ``costs`` maps a channel to what it cost (default: the project setting
    ``channel_costs``); ``today`` decides which SLA due dates have passed.
    Returns JSON-ready data; a rate over nothing is ``None``.
    """
    flt, sla = flt or MetricFilter(), sla or SlaRules()
    today = today or dt.date.today()
    if costs is None:
        costs = project.get_setting("channel_costs", {}) or {}
    leads = lead_frame(project, flt, sla=sla, today=today)
    pairs = _attribute(project, leads)
    linked = leads.index.isin(pairs["target_id"].astype("int64"))
    leads["became_opportunity"] = linked | (leads["status"] == OPPORTUNITY_STATUS).to_numpy()
    won_ids = pairs.loc[pairs["won"].astype(bool), "target_id"].astype("int64")
    leads["won"] = leads.index.isin(won_ids)
    leads["sql_any"] = leads["sql"] | leads["became_opportunity"]
    s = _sums(leads, pairs, pd.Series("all", index=leads.index), ["all"]).loc["all"]
    rep_names = _text(project.frame("reps", ["name"])["name"]).dropna().tolist()
    reps_extra = rep_names if flt.rep is None else [r for r in rep_names
                                                    if r.casefold() == flt.rep.casefold()]
    days = leads["days_to_first_touch"].dropna()
    currency = project.conn.execute(
        "SELECT currency FROM opportunities WHERE currency IS NOT NULL AND currency != '' "
        "GROUP BY currency ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
    seen = set(leads["event"].dropna())
    scope_events = [e for e in project.events() if e["name"] in seen
                    or (flt.event and e["name"].casefold() == flt.event.casefold())]
    metrics: dict[str, Any] = {
        "filter": flt.to_dict(),
        "sla": sla.to_dict(),
        "today": today.isoformat(),
        "currency": currency[0] if currency else None,
        "events": [{k: e.get(k) for k in ("name", "city", "country", "start_date", "end_date")}
                   for e in scope_events],
        "kpis": _kpis(s, sla),
        "funnel": _funnel(s),
        "by_rep": _table(leads, pairs, "rep", reps_extra),
        "by_channel": _channels(leads, pairs, costs, flt, flag_volume),
        "by_segment": _table(leads, pairs, "segment"),
        "by_event": _table(leads, pairs, "event"),
        "over_time": _over_time(leads, today),
        "retarget": {"targets": int(s["retargeted"]), "re_engaged": int(s["re_engaged"]),
                     "re_opened": int(s["re_opened"]), "amount": float(s["retarget_amount"]),
                     "re_engaged_rate": _rate(s["re_engaged"], s["retargeted"]),
                     "re_opened_rate": _rate(s["re_opened"], s["retargeted"])},
        "touches": {"avg_to_connect": _rate(s["connect_touches"], s["connect_n"]),
                    "avg_to_convert": _rate(s["convert_touches"], s["convert_n"]),
                    "connected": int(s["connect_n"]), "converted": int(s["convert_n"])},
        "time_to_first_touch_days": {"avg": float(days.mean()) if len(days) else None,
                                     "median": float(days.median()) if len(days) else None,
                                     "count": len(days)},
        "opportunities": {"count": int(s["opp_records"]), "pipeline": float(s["pipeline"]),
                          "won": float(s["won_amount"])},
    }
    return metrics
