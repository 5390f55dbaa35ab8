"""Cold opportunities: which deals are won, active, stalled, or lost and worth re-targeting.

From the users' playbook: "Sales and Marketing identify cold, or stalled
opportunities that aren't progressing ... There may be a good reason why the
lead or opportunity was closed. It may not have been a good fit."  So:

* ``won`` - closed won;
* ``open_active`` - open, with activity in the last ``stalled_days``;
* ``stalled`` - open, but no activity for more than ``stalled_days`` (the last
  activity date, else the created date, is the clock);
* ``lost_bad_fit`` - lost (or disqualified) for a reason in ``bad_fit_reasons``;
* ``lost_retarget`` - every other lost deal, **including a missing reason**:
  price, timing, no decision, competitor, champion left, went dark ... are the
  usual ones (``retarget_reasons`` lists them for people to read; any lost deal
  that is not a bad fit counts).

Stage and status spellings vary by CRM and language ("Closed Won", "Closed -
Won", "closedlost", "Verloren", "Perdu", "Perdido", Pipedrive ``won``/``lost``/
``open``); they are normalised once per distinct value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core.errors import GtmError

__all__ = ["OppRules", "classify_opportunities", "retarget_flags", "OPP_CLASSES"]

OPP_CLASSES: tuple[str, ...] = ("won", "open_active", "stalled", "lost_retarget", "lost_bad_fit")
DAYS_PER_MONTH = 30.4375

_WON_RE = re.compile(r"\bwon\b|closedwon|\bgewonnen\b|\bgagne(?:e)?\b|\bganad[oa]\b|\bwin\b")
_LOST_RE = re.compile(r"\blost\b|closedlost|\bverloren\b|\bperdu(?:e)?\b|\bperdid[oa]\b"
                      r"|\bclosed\b|\bgeschlossen\b|\bcancel|\bdead\b|\babandon")
_DISQUALIFIED_RE = re.compile(r"disqualif|unqualif|\bnot qualified\b|\bjunk\b")
_NO_REASON = frozenset({"", "-", "--", "n a", "na", "none", "null", "nan", "unknown"})


def _default_bad_fit() -> list[str]:
    return ["Not a fit", "Bad fit", "Poor fit", "Wrong segment", "Too small", "No budget ever",
            "Duplicate", "Out of business", "Spam", "Student", "Competitor (they are one)"]


def _default_retarget() -> list[str]:
    return ["Price", "Budget", "Timing", "No decision", "Lost to competitor", "Competitor",
            "Champion left", "Went dark", "No response", "Project postponed", "Chose to build"]


@dataclass
class OppRules:
    """How deals are classified; ``OppRules(**rules.to_dict())`` round-trips."""

    stalled_days: int = 90
    bad_fit_reasons: list[str] = field(default_factory=_default_bad_fit)
    retarget_reasons: list[str] = field(default_factory=_default_retarget)

    def to_dict(self) -> dict[str, Any]:
        """Plain settings (JSON-safe)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "opportunity rules") -> OppRules:
        """Build rules from settings; missing keys keep defaults, unknown keys raise GtmError."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise GtmError(f"{source}: unknown setting {key!r}")
        rules = cls(**data)
        if isinstance(rules.stalled_days, bool) or not isinstance(rules.stalled_days, (int, float)) \
                or rules.stalled_days < 0:
            raise GtmError(f"{source}: stalled_days must be a number of days")
        for name in ("bad_fit_reasons", "retarget_reasons"):
            value = getattr(rules, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise GtmError(f"{source}: {name} must be a list of texts")
        rules.stalled_days = int(rules.stalled_days)
        return rules


def _fold(text: object) -> str:
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z]+", " ", s).strip()


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        col = frame[name]
        return col.iloc[:, -1] if isinstance(col, pd.DataFrame) else col
    return pd.Series(np.full(len(frame), None, dtype=object), index=frame.index)


def _dates(values: pd.Series) -> pd.Series:
    """Day-precision naive datetimes (NaT where missing or unreadable)."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values.astype("object"), errors="coerce", format="mixed")
    values = pd.Series(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.dt.normalize().astype("datetime64[ns]")


def _per_unique(values: pd.Series, fn: Any, default: Any) -> np.ndarray:
    """``fn`` applied once per distinct value, broadcast to rows (``default`` for NA)."""
    codes, uniques = pd.factorize(values)
    mapped = np.array([fn(u) for u in uniques] + [default], dtype=object)
    return mapped[codes]


def _outcome(value: object) -> str:
    """'won' | 'lost' | 'disqualified' | 'open' | '' (unknown) for a stage or status text."""
    text = _fold(value).replace("_", " ")
    if not text:
        return ""
    if _DISQUALIFIED_RE.search(text):
        return "disqualified"
    if _WON_RE.search(text):
        return "won"
    if _LOST_RE.search(text):
        return "lost"
    return "open"


def _reason_matcher(phrases: list[str]) -> re.Pattern[str] | None:
    folded = [re.escape(_fold(p)) for p in phrases if _fold(p)]
    return re.compile(r"\b(?:" + "|".join(folded) + r")\b") if folded else None


def classify_opportunities(opps: pd.DataFrame, rules: OppRules | None = None, *,
                           today: date) -> pd.DataFrame:
    """Classify each deal (same index as ``opps``).

    Reads ``stage status close_date last_activity_date created_date loss_reason``
    (any may be missing).  Returns ``opp_class`` (one of :data:`OPP_CLASSES`),
    ``months_since_loss`` (float, NA unless lost; from the close date, else the
    last activity) and ``days_since_activity`` (Int64; last activity, else created).
    A decisive status (won/lost) wins over the stage; a deal with neither is open.
    """
    rules = rules or OppRules()
    today_ts = pd.Timestamp(today).normalize()
    status = _per_unique(_col(opps, "status"), _outcome, "")
    stage = _per_unique(_col(opps, "stage"), _outcome, "")
    outcome = np.where(np.isin(status, ["won", "lost", "disqualified"]), status,
                       np.where(stage != "", stage, np.where(status != "", status, "open")))

    reason = _col(opps, "loss_reason")
    bad_re = _reason_matcher(rules.bad_fit_reasons)
    bad_fit = _per_unique(
        reason, lambda r: bool(bad_re and bad_re.search(_fold(r))), False).astype(bool)

    last_activity = _dates(_col(opps, "last_activity_date"))
    clock = last_activity.fillna(_dates(_col(opps, "created_date")))
    days = (today_ts - clock).dt.days
    lost_when = _dates(_col(opps, "close_date")).fillna(last_activity)
    months = ((today_ts - lost_when).dt.days / DAYS_PER_MONTH).round(1)

    is_lost = np.isin(outcome, ["lost", "disqualified"])
    stalled = (days > rules.stalled_days).fillna(False).to_numpy(bool)
    opp_class = np.select(
        [outcome == "won", is_lost & ((outcome == "disqualified") | bad_fit), is_lost, stalled],
        ["won", "lost_bad_fit", "lost_retarget", "stalled"], default="open_active")
    return pd.DataFrame(
        {"opp_class": pd.array(opp_class.astype(object), dtype="str"),
         "months_since_loss": months.where(is_lost).astype("Float64").to_numpy(
             dtype=float, na_value=np.nan),
         "days_since_activity": days.astype("Int64").to_numpy()},
        index=opps.index,
    ).astype({"days_since_activity": "Int64"})


def _money(values: pd.Series) -> pd.Series:
    """Amounts as floats ("USD 322,000.00" -> 322000.0)."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    cleaned = values.astype("str").str.replace(r"[^0-9.\-]", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _ids(values: pd.Series, like: pd.Index) -> Any:
    """Deal ids with the dtype of the deals' index (nullable Int64 for integer ids)."""
    if pd.api.types.is_integer_dtype(like.dtype):
        return pd.array(values.to_numpy(dtype=float, na_value=np.nan), dtype="Int64")
    return values.to_numpy(dtype=object)


def retarget_flags(people_account_ids: pd.Series, opps_with_class: pd.DataFrame) -> pd.DataFrame:
    """Per person, the deal at their account worth re-targeting (indexed like the people).

    ``opps_with_class`` holds ``account_id opp_class name amount owner loss_reason
    close_date`` (+ ``months_since_loss``, ``days_since_activity``,
    ``last_activity_date`` when known).  The pick per account is the most recent
    ``lost_retarget`` deal, else the most recently active ``stalled`` one.  An
    account with an ``open_active`` deal is not re-targeted (sales is working it),
    nor one won after the picked deal (it is a customer now).

    Columns: ``retarget`` (bool), ``retarget_opp_id`` (the deal's index label),
    ``retarget_opp_name``, ``retarget_amount``, ``retarget_owner``,
    ``retarget_reason`` ("Lost: Timing" / "Stalled: no activity for 143 days"),
    ``retarget_months`` (months since the loss or the last activity),
    ``retarget_kind`` ('lost' | 'stalled').
    """
    people_account_ids = pd.Series(people_account_ids)
    opps = opps_with_class.loc[:, ~opps_with_class.columns.duplicated(keep="last")]
    account = _col(opps, "account_id")
    cls = _col(opps, "opp_class").astype("str")
    close = _dates(_col(opps, "close_date"))
    activity = _dates(_col(opps, "last_activity_date"))
    months = pd.to_numeric(_col(opps, "months_since_loss"), errors="coerce").astype(float)
    days = pd.to_numeric(_col(opps, "days_since_activity"), errors="coerce").astype(float)
    stalled_months = (days / DAYS_PER_MONTH).round(1)
    lost = (cls == "lost_retarget").to_numpy(bool)
    stall = (cls == "stalled").to_numpy(bool)
    when = pd.Series(np.where(lost, close.fillna(activity), activity.fillna(close)),
                     index=opps.index).astype("datetime64[ns]")
    reason_text = _col(opps, "loss_reason").astype("str").str.strip()
    no_reason = reason_text.isna() | reason_text.map(_fold).isin(list(_NO_REASON))
    cand = pd.DataFrame({
        "account_id": account.to_numpy(),
        "priority": np.where(lost, 0, 1),
        "when": when.to_numpy(),
        "opp_id": opps.index.to_numpy(),
        "name": _col(opps, "name").astype("str").to_numpy(),
        "amount": _money(_col(opps, "amount")).to_numpy(),
        "owner": _col(opps, "owner").astype("str").to_numpy(),
        "reason": np.where(lost, np.where(no_reason, "Lost (no reason given)",
                                          "Lost: " + reason_text.fillna("").to_numpy(object)),
                           "Stalled: no activity for " + days.fillna(-1).astype(int).astype(str)
                           .to_numpy(object) + " days"),
        "months": np.where(lost, months.to_numpy(), stalled_months.to_numpy()),
        "kind": np.where(lost, "lost", "stalled"),
    })[(lost | stall) & account.notna().to_numpy(bool)]
    cand["reason"] = cand["reason"].str.replace("Stalled: no activity for -1 days",
                                                "Stalled: no recent activity", regex=False)
    # newest first within priority: NaT sorts last
    cand = cand.sort_values(["account_id", "priority", "when"], ascending=[True, True, False],
                            na_position="last", kind="stable")
    best = cand.drop_duplicates("account_id", keep="first").set_index("account_id")

    active = set(account[(cls == "open_active").to_numpy(bool)].dropna().tolist())
    won_last = pd.Series(close[(cls == "won").to_numpy(bool)].to_numpy(),
                         index=account[(cls == "won").to_numpy(bool)].to_numpy()).groupby(level=0).max()
    if len(best):
        blocked = best.index.isin(list(active))
        won_after = won_last.reindex(best.index).to_numpy("datetime64[ns]")
        picked = best["when"].to_numpy("datetime64[ns]")
        blocked |= ~np.isnat(won_after) & (np.isnat(picked) | (won_after >= picked))
        best = best[~blocked]

    rows = best.reindex(people_account_ids.to_numpy())
    hit = rows["kind"].notna().to_numpy(bool)
    return pd.DataFrame(
        {"retarget": hit,
         "retarget_opp_id": _ids(rows["opp_id"], opps.index),
         "retarget_opp_name": pd.array(rows["name"].to_numpy(object), dtype="str"),
         "retarget_amount": rows["amount"].astype(float).to_numpy(),
         "retarget_owner": pd.array(rows["owner"].to_numpy(object), dtype="str"),
         "retarget_reason": pd.array(rows["reason"].to_numpy(object), dtype="str"),
         "retarget_months": rows["months"].astype(float).to_numpy(),
         "retarget_kind": pd.array(rows["kind"].to_numpy(object), dtype="str")},
        index=people_account_ids.index)
