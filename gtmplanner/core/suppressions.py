"""Suppressions: who is left off an outreach list, and how many each switch removed.

Applied in a fixed order to the rows a segment matched (``base_mask``), each
count only over rows not already removed. Opted-out people are always removed,
whatever the switches say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core.errors import UsageError
from gtmplanner.core.segment_syntax import suggest
from gtmplanner.core.segments import SegmentContext, _take, _to_day

# ---------------------------------------------------------------- suppression


@dataclass
class Suppression:
    """One suppression switch as the UI shows it."""

    key: str
    label: str
    enabled: bool


_DEFAULTS = (  # key, label, on by default -- in the order they are applied and counted
    ("opted_out", "Opted out (always applied)", True),
    ("competitors", "Competitors", True),
    ("customers", "Existing customers", False),
    ("open_deal_other_rep", "Open deal owned by another rep", True),
    ("recently_contacted", "Contacted recently", False),
    ("higher_priority", "Already on a higher-priority list", False),
)
#: The order suppressions are applied in (and counted in).
SUPPRESSION_KEYS = tuple(key for key, _, _ in _DEFAULTS)
#: Days that count as "recently contacted" when no number is given.
DEFAULT_RECENT_DAYS = 30
CUSTOMER_STATUSES = frozenset({"customer", "active customer"})


def default_suppressions() -> list[Suppression]:
    """The switches with their default state (a fresh list the caller may change)."""
    return [Suppression(*row) for row in _DEFAULTS]


def _domain(text: pd.Series) -> pd.Series:
    text = text.str.replace(r"^[a-z]+://", "", regex=True).str.replace(r"^www\.", "", regex=True)
    return text.str.split("/").str[0].str.strip()


def apply_suppressions(
    frame: pd.DataFrame,
    switches: Mapping[str, bool],
    *,
    competitor_domains: Iterable[str] = (),
    recent_days: int | None = None,
    today: dt.date | str | None = None,
    rep: str | None = None,
    higher_priority_ids: Iterable[Any] | None = None,
    base_mask: np.ndarray | None = None,
    context: SegmentContext | None = None,
) -> tuple[np.ndarray, dict[str, int]]:
    """Remove the rows outreach must not reach; return (keep mask, removed per switch).

    Switches are applied in :data:`SUPPRESSION_KEYS` order and each count only
    includes rows no earlier switch removed. A missing switch takes its
    default (:func:`default_suppressions`). ``opted_out`` is always enforced:
    a person who opted out is never on an outreach list, whatever the switch.

    * ``competitors``: ``domain``/``account_domain`` (or the e-mail's domain)
      is one of ``competitor_domains``.
    * ``customers``: ``account_customer_status`` (or ``customer_status``) is
      "customer" or "active customer".
    * ``open_deal_other_rep``: ``open_deal_owner`` is set and is not ``rep``
      (with no ``rep``, any open deal owner).
    * ``recently_contacted``: ``last_touch_date`` on or after ``today`` minus
      ``recent_days`` (default :data:`DEFAULT_RECENT_DAYS`).
    * ``higher_priority``: ``person_id`` in ``higher_priority_ids``.

    ``base_mask`` limits the work and the counts to those rows (a segment).
    """
    unknown = [k for k in switches if k not in SUPPRESSION_KEYS]
    if unknown:
        raise UsageError(f"unknown suppression '{unknown[0]}'{suggest(unknown[0], SUPPRESSION_KEYS)}")
    ctx = context if context is not None and context.frame is frame else SegmentContext(frame)
    n = len(frame)
    base = np.ones(n, dtype=bool) if base_mask is None else np.asarray(base_mask, dtype=bool)
    if base.shape != (n,):
        raise UsageError("the base mask does not match the table")
    enabled = {s.key: bool(switches.get(s.key, s.enabled)) for s in default_suppressions()}
    enabled["opted_out"] = True
    rules: dict[str, Callable[[], np.ndarray]] = {
        "opted_out": lambda: _column_true(ctx, "opted_out"),
        "competitors": lambda: _competitors(ctx, competitor_domains),
        "customers": lambda: _text_in(ctx, ("account_customer_status", "customer_status"), CUSTOMER_STATUSES),
        "open_deal_other_rep": lambda: _open_deal_other_rep(ctx, rep),
        "recently_contacted": lambda: _recently_contacted(ctx, recent_days, today),
        "higher_priority": lambda: _higher_priority(ctx, higher_priority_ids),
    }
    removed = np.zeros(n, dtype=bool)
    counts: dict[str, int] = {}
    for key in SUPPRESSION_KEYS:
        if not enabled[key]:
            counts[key] = 0
            continue
        hit = rules[key]() & base & ~removed
        counts[key] = int(np.count_nonzero(hit))
        removed |= hit
    return base & ~removed, counts


def _existing(ctx: SegmentContext, names: Iterable[str]) -> list[str]:
    return [ctx._lower_columns[n] for n in names if n in ctx._lower_columns]


def _column_true(ctx: SegmentContext, name: str) -> np.ndarray:
    cols = _existing(ctx, (name,))
    return ctx._bools(cols[0])[0] if cols else np.zeros(len(ctx.frame), dtype=bool)


def _text_in(ctx: SegmentContext, names: Iterable[str], wanted: Iterable[str]) -> np.ndarray:
    mask = np.zeros(len(ctx.frame), dtype=bool)
    for col in _existing(ctx, names):
        codes, lowered = ctx._text(col)
        mask |= _take(lowered.isin(set(wanted)).to_numpy(dtype=bool), codes)
    return mask


def _competitors(ctx: SegmentContext, domains: Iterable[str]) -> np.ndarray:
    wanted = set(_domain(pd.Series([str(d).lower() for d in domains], dtype="str")).dropna()) - {""}
    mask = np.zeros(len(ctx.frame), dtype=bool)
    if not wanted:
        return mask
    for col in _existing(ctx, ("domain", "account_domain", "website")):
        codes, lowered = ctx._text(col)
        mask |= _take(_domain(lowered).isin(wanted).to_numpy(dtype=bool), codes)
    for col in _existing(ctx, ("email",)):
        codes, lowered = ctx._text(col)
        mask |= _take(lowered.str.rpartition("@")[2].isin(wanted).to_numpy(dtype=bool), codes)
    return mask


def _open_deal_other_rep(ctx: SegmentContext, rep: str | None) -> np.ndarray:
    cols = _existing(ctx, ("open_deal_owner",))
    if not cols:
        return np.zeros(len(ctx.frame), dtype=bool)
    codes, lowered = ctx._text(cols[0])
    other = (lowered != "") & (lowered != (rep or "").strip().lower())
    return _take(other.to_numpy(dtype=bool, na_value=False), codes)


def _recently_contacted(ctx: SegmentContext, recent_days: int | None, today: dt.date | str | None) -> np.ndarray:
    cols = _existing(ctx, ("last_touch_date",))
    if not cols:
        return np.zeros(len(ctx.frame), dtype=bool)
    days = DEFAULT_RECENT_DAYS if recent_days is None else int(recent_days)
    if days < 0:
        raise UsageError("recent_days cannot be negative")
    now = _to_day(today if today is not None else dt.date.today().isoformat(), "today")
    touched = ctx._days(cols[0])
    return (touched >= now - np.timedelta64(days, "D")) & ~np.isnat(touched)


def _higher_priority(ctx: SegmentContext, ids: Iterable[Any] | None) -> np.ndarray:
    cols = _existing(ctx, ("person_id",))
    wanted = list(ids or ())
    if not cols or not wanted:
        return np.zeros(len(ctx.frame), dtype=bool)
    column = ctx.frame[cols[0]]
    mask = column.isin(wanted).to_numpy(dtype=bool, na_value=False)
    as_text = {str(i).strip() for i in wanted}
    codes, raw = ctx._raw(cols[0])
    return mask | _take(raw.isin(as_text).to_numpy(dtype=bool), codes)


