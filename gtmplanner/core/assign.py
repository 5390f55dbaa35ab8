"""Assign targets to reps: manual lock -> account owner -> territory -> balance by capacity.

The rules, in the order they are tried for each target (PRODUCT.md job 6):

1. **Kept manual assignment** — ``locked_rep`` is set: the target stays with
   that rep, whoever it is (a name not in the rep list is kept too, and says so).
2. **Account owner** — ``account_owner`` names one of the reps (case and
   spaces ignored): the owner keeps their account ("owner of Northwind Logistics").
3. **Territory** — a rep's ``regions`` cover the person's state/province
   (``region``) or, failing that, their ``country``: "territory MA",
   "territory United Kingdom". A state/province rule beats a country rule.
   When several reps cover it, they are balanced as in 4 among themselves.
4. **Balanced by capacity** — nobody covers the place: every rep is a
   candidate. On an ``onsite`` list, reps attending the event come first
   ("attending the event") while any of them has room; otherwise the rep with
   the most room left (capacity minus everything already assigned, including
   ``existing_load``) takes the target, ties going round-robin in rep order
   ("balanced by capacity (Dana Whitfield had most room)").

Capacity is a daily touch budget, not a wall: when every candidate is full
the target still goes to the candidate with the lowest load/capacity ratio
(ties round-robin) and the reason gains " (over capacity)"; owner and
territory assignments beyond a rep's capacity are marked the same way.
Reps with capacity 0 take no new targets (they keep locks and owned
accounts). A target is left without a rep only when no rep can take new
targets; its reason says why ("no rep covers DE and all reps are full").

Higher ``priority`` (then ``score``) targets are placed first, so when
capacity is short the lower-priority ones are the ones over capacity.
Everything except the balancing is pandas joins; balancing computes the
whole greedy order per group with numpy, and only over-capacity overflow
walks a heap.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from gtmplanner.core.errors import UsageError
from gtmplanner.core.normalize_places import country_name, normalize_country, normalize_region
from gtmplanner.core.normalize_text import STR_DTYPE

__all__ = ["Rep", "assign_targets", "assignment_summary", "reps_from_frame"]

DEFAULT_CAPACITY = 150
"""A rep who dials can do about 150 dials a day (the seed playbook)."""

REASON_KINDS: tuple[str, ...] = ("manual", "owner", "territory", "attending", "balanced")


@dataclass
class Rep:
    """A sales rep: who they are, where they sell, how much they can take."""

    name: str
    email: str = ""
    regions: list[str] = field(default_factory=list)
    capacity: int = DEFAULT_CAPACITY
    attending: bool = False
    country: str = "US"


# ------------------------------------------------------------------ reps from a sheet

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "rep", "rep name", "owner"),
    "email": ("email", "e-mail", "email address"),
    "regions": ("regions", "region", "territory", "territories", "states"),
    "capacity": ("capacity", "daily capacity", "daily touches", "dials per day"),
    "attending": ("attending", "attending event", "attends", "at event"),
    "country": ("country", "home country"),
}
_TRUE = frozenset({"1", "true", "yes", "y", "x", "attending", "t"})


def _col(frame: pd.DataFrame, canonical: str) -> pd.Series | None:
    lookup = {" ".join(str(c).replace("_", " ").split()).casefold(): c for c in frame.columns}
    for alias in _ALIASES[canonical]:
        if alias in lookup:
            return frame[lookup[alias]]
    return None


def _split_regions(value: Any) -> list[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [p.strip() for p in re.split(r"[;|,\n]", str(value)) if p.strip()]


def reps_from_frame(frame: pd.DataFrame) -> list[Rep]:
    """Reps from a table with ``name, email, regions ("MA; NH; RI"), capacity, attending``.

    Headers are matched loosely ("Territory", "Daily capacity", "Attending
    event" work too). Missing capacity -> 150; attending accepts 1/0, yes/no,
    true/false. Raises UsageError for a row without a name or a repeated name.
    """
    names = _col(frame, "name")
    if names is None:
        raise UsageError("the reps table needs a name column")
    cols = {k: _col(frame, k) for k in _ALIASES}
    reps: list[Rep] = []
    seen: dict[str, int] = {}
    for pos in range(len(frame)):
        def val(key: str, _pos: int = pos) -> Any:
            s = cols[key]
            v = None if s is None else s.iloc[_pos]
            return None if v is None or (not isinstance(v, (list, str)) and pd.isna(v)) else v
        name = " ".join(str(val("name") or "").split())
        if not name:
            raise UsageError(f"reps row {pos + 1} has no name")
        key = _name_key(name)
        if key in seen:
            raise UsageError(f"rep '{name}' is listed twice (rows {seen[key]} and {pos + 1})")
        seen[key] = pos + 1
        cap = val("capacity")
        try:
            capacity = DEFAULT_CAPACITY if cap is None else int(float(str(cap).replace(",", "")))
        except ValueError:
            raise UsageError(f"rep '{name}': capacity '{cap}' is not a number") from None
        att = val("attending")
        attending = bool(att) if isinstance(att, (bool, np.bool_)) else \
            str(att or "").strip().casefold() in _TRUE
        country = normalize_country(pd.Series([str(val("country") or "US")])).iloc[0]
        reps.append(Rep(name=name, email=str(val("email") or ""),
                        regions=_split_regions(val("regions")), capacity=max(capacity, 0),
                        attending=attending, country=country if isinstance(country, str) else "US"))
    return reps


# ------------------------------------------------------------------ territories

def _name_key(name: Any) -> str:
    return "".join(str(name).split()).casefold()


@lru_cache(maxsize=64)
def _subdivision_codes(country: str) -> frozenset[str]:
    subs = pycountry.subdivisions.get(country_code=country) or ()
    return frozenset(s.code.split("-", 1)[1].upper() for s in subs)


def _parse_token(token: str, home: str) -> tuple[str, str, str]:
    """One territory token -> ('region', 'US|MA', 'MA') or ('country', 'GB', 'United Kingdom').

    Two/three-letter codes are first read as states/provinces of the rep's home
    country ("DE" for a US rep is Delaware), then as country codes ("GB");
    names are read as a home state, then a country, then a US/CA/AU state.
    """
    text = " ".join(token.split())
    short = len(text) <= 3 and text.isalpha()
    if short and text.upper() in _subdivision_codes(home):
        return "region", f"{home}|{text.casefold()}", text.upper()
    if not short:
        code = normalize_region(pd.Series([text]), home).iloc[0]
        if isinstance(code, str) and code.upper() in _subdivision_codes(home):
            return "region", f"{home}|{code.casefold()}", code.upper()
    iso = normalize_country(pd.Series([text])).iloc[0]
    if isinstance(iso, str):
        label = country_name(pd.Series([iso])).iloc[0]
        return "country", iso, label if isinstance(label, str) else iso
    for other in ("US", "CA", "AU"):
        code = normalize_region(pd.Series([text]), other).iloc[0]
        if isinstance(code, str) and code.upper() in _subdivision_codes(other):
            return "region", f"{other}|{code.casefold()}", code.upper()
    return "region", f"{home}|{text.casefold()}", text


@dataclass
class _Cell:
    label: str
    reps: list[int] = field(default_factory=list)


def _territories(reps: Sequence[Rep], active: np.ndarray
                 ) -> tuple[dict[str, int], dict[str, int], list[_Cell]]:
    """Lookup tables: region key -> cell, country -> cell; cells list their active reps."""
    cells: list[_Cell] = []
    by_key: dict[tuple[str, str], int] = {}
    region: dict[str, int] = {}
    country: dict[str, int] = {}
    for i, rep in enumerate(reps):
        for token in rep.regions:
            kind, key, label = _parse_token(token, rep.country or "US")
            cell = by_key.setdefault((kind, key), len(cells))
            if cell == len(cells):
                cells.append(_Cell(label))
            if active[i] and i not in cells[cell].reps:
                cells[cell].reps.append(i)
            if kind == "region":
                region.setdefault(key, cell)
                region.setdefault("|" + key.split("|", 1)[1], cell)  # people with no country
            else:
                country.setdefault(key, cell)
    return region, country, cells


# ------------------------------------------------------------------ balancing

def _greedy_room(room: np.ndarray, m: int) -> np.ndarray:
    """The first ``m`` picks of "most room left, ties in rep order" (``m <= room.sum()``).

    Rep i's picks happen when its room is room_i, room_i - 1, ..., so the greedy
    order is all (room value, rep) pairs sorted by value desc, rep asc. Only the
    pairs above a level L with at least m pairs are built (<= m + len(room)).
    """
    if m <= 0:
        return np.empty(0, dtype=np.int64)
    lo, hi = 0, int(room.max())  # invariant: S(lo) >= m, S(hi) < m
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if int(np.maximum(room - mid, 0).sum()) >= m:
            lo = mid
        else:
            hi = mid
    counts = np.maximum(room - lo, 0)
    reps = np.repeat(np.arange(len(room)), counts)
    starts = np.cumsum(counts) - counts
    values = room[reps] - (np.arange(len(reps)) - starts[reps])
    order = np.lexsort((reps, -values))[:m]
    return reps[order]


def _balance(n: int, cand: np.ndarray, tiers: np.ndarray, load: np.ndarray, cap: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Place ``n`` targets (already in priority order) on candidate reps ``cand``.

    Returns (rep index per target, tier used per target, over-capacity flag);
    updates ``load`` in place.
    """
    picks = np.empty(n, dtype=np.int64)
    tier_of = np.empty(n, dtype=np.int64)
    done = 0
    for tier in np.unique(tiers):
        members = cand[tiers == tier]
        room = np.maximum(cap[members] - load[members], 0)
        m = min(n - done, int(room.sum()))
        seq = members[_greedy_room(room, m)]
        picks[done:done + m], tier_of[done:done + m] = seq, tier
        np.add.at(load, seq, 1)
        done += m
    over = np.zeros(n, dtype=bool)
    if done < n:
        over[done:] = True
        heap = [(load[r] / cap[r], int(load[r]), int(r)) for r in cand]
        heapq.heapify(heap)
        for k in range(done, n):
            _, ld, r = heap[0]
            picks[k], tier_of[k] = r, -1
            heapq.heapreplace(heap, ((ld + 1) / cap[r], ld + 1, r))
        np.add.at(load, picks[done:], 1)
    return picks, tier_of, over


# ------------------------------------------------------------------ assignment

def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(pd.array([None] * len(frame), dtype=STR_DTYPE), index=frame.index)
    s = frame[col].astype(STR_DTYPE).str.strip()
    return s.where(s != "")


def _number(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.zeros(len(frame))
    return pd.to_numeric(frame[col], errors="coerce").fillna(-np.inf).to_numpy(float)


def _over_marks(rep_idx: np.ndarray, load: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """For targets given straight to a rep (in priority order): beyond capacity? Updates load."""
    if not len(rep_idx):
        return np.zeros(0, dtype=bool)
    rank = pd.Series(rep_idx).groupby(rep_idx).cumcount().to_numpy()
    over = load[rep_idx] + rank + 1 > cap[rep_idx]
    np.add.at(load, rep_idx, 1)
    return over


def assign_targets(targets: pd.DataFrame, reps: Sequence[Rep], *, onsite: bool = False,
                   existing_load: Mapping[str, int] | None = None) -> pd.DataFrame:
    """A copy of ``targets`` with ``rep`` (NA when nobody can take it) and ``assign_reason``.

    ``targets`` (index = target id) may hold ``locked_rep``, ``account_owner``,
    ``account_name``, ``region`` (state code), ``country`` (ISO2 or a name),
    ``priority`` and ``score``; missing columns count as empty. See the module
    docstring for the rules and the reasons they give.
    """
    n = len(targets)
    reps = list(reps)
    cap = np.array([max(int(r.capacity), 0) for r in reps], dtype=np.int64)
    load = np.zeros(len(reps), dtype=np.int64)
    key_to_rep = {_name_key(r.name): i for i, r in enumerate(reps)}
    for name, count in (existing_load or {}).items():
        if _name_key(name) in key_to_rep:
            load[key_to_rep[_name_key(name)]] += int(count)
    order = np.lexsort((np.arange(n), -_number(targets, "score"), -_number(targets, "priority")))
    rep_out = np.full(n, -1, dtype=np.int64)        # rep index, -1 = none yet
    reason = np.full(n, None, dtype=object)

    def keys(col: str) -> np.ndarray:
        s = _text(targets, col)
        k = s.str.replace(r"\s+", "", regex=True).str.casefold().map(key_to_rep)
        return pd.to_numeric(k, errors="coerce").fillna(-1).to_numpy(np.int64)[order]

    # 1. manual locks (in priority order, positions are into `order`)
    locked_text = _text(targets, "locked_rep").to_numpy(dtype=object, na_value=None)[order]
    locked = keys("locked_rep")
    is_locked = np.array([v is not None for v in locked_text], dtype=bool)
    rep_out[is_locked & (locked >= 0)] = locked[is_locked & (locked >= 0)]
    reason[is_locked] = "kept manual assignment"
    reason[is_locked & (locked < 0)] = "kept manual assignment (not in the rep list)"
    np.add.at(load, locked[is_locked & (locked >= 0)], 1)
    free = ~is_locked

    # 2. account owners
    owner = keys("account_owner")
    own = free & (owner >= 0)
    rep_out[own] = owner[own]
    acct = _text(targets, "account_name").to_numpy(dtype=object, na_value=None)[order]
    own_pos = np.flatnonzero(own)
    over = _over_marks(owner[own_pos], load, cap)
    for p, o in zip(own_pos, over, strict=True):
        reason[p] = (f"owner of {acct[p]}" if acct[p] else "account owner") + \
            (" (over capacity)" if o else "")
    free &= ~own

    # 3. territory cells
    active = cap > 0
    region_map, country_map, cells = _territories(reps, active)
    country_raw = _text(targets, "country")
    iso = country_raw if bool(country_raw.dropna().str.fullmatch(r"[A-Z]{2}").all()) \
        else normalize_country(country_raw)
    region = _text(targets, "region").str.casefold()
    with_country = (iso + "|" + region).map(region_map)
    no_country = ("|" + region).map(region_map).where(iso.isna())
    cell = with_country.fillna(no_country).fillna(iso.map(country_map))
    cell_of = pd.to_numeric(cell, errors="coerce").fillna(-1).to_numpy(np.int64)[order]
    tier_of_rep = np.where(np.array([r.attending for r in reps], dtype=bool) & onsite, 0, 1)
    for c, info in enumerate(cells):
        pos = np.flatnonzero(free & (cell_of == c))
        if not len(pos) or not info.reps:
            continue
        members = np.array(info.reps, dtype=np.int64)
        if len(members) == 1:
            picks, over = np.full(len(pos), members[0]), _over_marks(
                np.full(len(pos), members[0]), load, cap)
        else:
            picks, _, over = _balance(len(pos), members, tier_of_rep[members], load, cap)
        rep_out[pos] = picks
        base = f"territory {info.label}"
        reason[pos] = np.where(over, base + " (over capacity)", base)
        free[pos] = False

    # 4. everyone else: balanced over every rep taking new targets
    pos = np.flatnonzero(free)
    pool = np.flatnonzero(active)
    if len(pos) and len(pool):
        picks, tiers, over = _balance(len(pos), pool, tier_of_rep[pool], load, cap)
        rep_out[pos] = picks
        balanced = np.array([f"balanced by capacity ({r.name} had most room)" for r in reps],
                            dtype=object)
        lightest = np.array([f"balanced by capacity ({r.name} had the lightest load) "
                             "(over capacity)" for r in reps], dtype=object)
        reason[pos] = np.where(over, lightest[picks],
                               np.where(tiers == 0, "attending the event", balanced[picks]))
    elif len(pos):
        where = _where_text(targets, order[pos], iso)
        reason[pos] = ["no reps to assign to" if not reps else
                       f"no rep covers {w} and all reps are full" for w in where]

    names_out = np.full(n, None, dtype=object)
    names_arr = np.array([r.name for r in reps] + [None], dtype=object)
    names_out[order] = names_arr[rep_out]
    keep = is_locked & (locked < 0)
    names_out[order[keep]] = locked_text[keep]
    reason_out = np.empty(n, dtype=object)
    reason_out[order] = reason
    out = targets.copy()
    out["rep"] = pd.array(names_out, dtype=STR_DTYPE)
    out["assign_reason"] = pd.array(reason_out, dtype=STR_DTYPE)
    return out


def _where_text(targets: pd.DataFrame, positions: np.ndarray, iso: pd.Series) -> list[str]:
    region = _text(targets, "region").to_numpy(dtype=object, na_value=None)[positions]
    country = country_name(iso).fillna(iso).to_numpy(dtype=object, na_value=None)[positions]
    return [r or c or "their location" for r, c in zip(region, country, strict=True)]


def _reason_kind(reason: str | None) -> str:
    if not reason:
        return "unassigned"
    for prefix, kind in (("kept manual", "manual"), ("owner of", "owner"),
                         ("account owner", "owner"), ("territory", "territory"),
                         ("attending", "attending"), ("balanced", "balanced")):
        if reason.startswith(prefix):
            return kind
    return "other"


def assignment_summary(assigned: pd.DataFrame, reps: Sequence[Rep]) -> list[dict[str, Any]]:
    """Per rep: ``name, assigned, capacity, load_pct, over_capacity, by_reason`` counts.

    ``by_reason`` counts by kind (manual, owner, territory, attending,
    balanced). Targets with no rep are not in any rep's row.
    """
    rep_col = assigned["rep"].astype(STR_DTYPE) if len(assigned) else \
        pd.Series([], dtype=STR_DTYPE)
    reasons = assigned.get("assign_reason", pd.Series(pd.NA, index=assigned.index))
    frame = pd.DataFrame({
        "key": rep_col.str.replace(r"\s+", "", regex=True).str.casefold(),
        "kind": [_reason_kind(r if isinstance(r, str) else None) for r in reasons],
        "over": reasons.astype(STR_DTYPE).str.endswith("(over capacity)").fillna(False),
    })
    counts = frame.groupby(["key", "kind"]).size()
    totals = frame.groupby("key").size()
    overs = frame.groupby("key")["over"].sum()
    out: list[dict[str, Any]] = []
    for rep in reps:
        key = _name_key(rep.name)
        total = int(totals.get(key, 0))
        by = {kind: int(counts.get((key, kind), 0)) for kind in REASON_KINDS}
        out.append({
            "name": rep.name, "assigned": total, "capacity": int(rep.capacity),
            "load_pct": round(100.0 * total / rep.capacity, 1) if rep.capacity else None,
            "over_capacity": int(overs.get(key, 0)), "by_reason": by,
        })
    return out
