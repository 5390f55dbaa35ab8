"""Engagement scoring and hot / warm MQLs.

The users' playbook: gated assets (a webinar registration, an ebook download)
score more than a blog read; **hand-raisers** (demo request, contact sales,
talk to sales, a meeting asked for at the booth) are **hot MQLs**; implicit
interest whose score crosses the agreed threshold is a **warm MQL**.

Points fade with a half-life (default 60 days) so last year's webinar counts
less than last week's.  ``mql_date`` is when the person became what they are
now: the first hand-raise for hot, and for warm the day their decayed score
last rose over the threshold (the start of the current warm run: a dip under it
between activities, as points fade, ends a run).

Everything is vectorised: types are normalised once per distinct
(type, asset) pair, sums are ``bincount``/``groupby`` over integer codes, and
the reason texts are built with pyarrow string kernels.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core.errors import GtmError

__all__ = ["EngagementRules", "normalise_activity_types", "score_engagement", "ACTIVITY_LABELS"]

HAND_RAISER_TYPES: tuple[str, ...] = ("demo_request", "contact_sales", "talk_to_sales",
                                      "meeting_request")

ACTIVITY_LABELS: dict[str, str] = {
    "demo_request": "demo request", "contact_sales": "contact-sales request",
    "talk_to_sales": "talk-to-sales request", "meeting_request": "meeting request",
    "webinar": "webinar", "ebook": "ebook", "whitepaper": "whitepaper",
    "case_study": "case study", "content_download": "content download", "blog": "blog",
    "page_visit": "page visit", "pricing_page": "pricing page", "email_open": "email open",
    "email_click": "email click", "booth_scan": "booth scan",
}
"""How a normalised activity type reads in a reason."""


def _default_weights() -> dict[str, float]:
    return {"demo_request": 50, "contact_sales": 50, "talk_to_sales": 50, "meeting_request": 50,
            "webinar": 15, "ebook": 12, "whitepaper": 12, "content_download": 10,
            "case_study": 8, "blog": 2, "page_visit": 1, "pricing_page": 5, "email_open": 1,
            "email_click": 3, "booth_scan": 5}


@dataclass
class EngagementRules:
    """The agreed value of each activity, the decay, and the warm threshold.

    Unknown activity types weigh 0 unless given a weight here (their key is the
    type in snake_case, e.g. ``podcast_listen``).
    """

    weights: dict[str, float] = field(default_factory=_default_weights)
    hand_raiser_types: list[str] = field(default_factory=lambda: list(HAND_RAISER_TYPES))
    half_life_days: float = 60.0
    warm_threshold: float = 25.0
    max_reasons: int = 5

    def to_dict(self) -> dict[str, Any]:
        """Plain settings (JSON-safe); :meth:`from_dict` reads them back."""
        return {"weights": dict(self.weights), "hand_raiser_types": list(self.hand_raiser_types),
                "half_life_days": self.half_life_days, "warm_threshold": self.warm_threshold,
                "max_reasons": self.max_reasons}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "engagement rules") -> EngagementRules:
        """Build rules from settings; missing keys keep defaults, unknown keys raise GtmError."""
        known = [f.name for f in fields(cls)]
        rules = cls()
        for key, value in data.items():
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise GtmError(f"{source}: unknown setting {key!r}{hint}")
            if key == "weights":
                if not isinstance(value, dict) or not all(
                        _is_number(v) for v in value.values()):
                    raise GtmError(f"{source}: 'weights' must map activity types to numbers")
                rules.weights = {_snake(k): float(v) for k, v in value.items()}
            elif key == "hand_raiser_types":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise GtmError(f"{source}: 'hand_raiser_types' must be a list of types")
                rules.hand_raiser_types = [_snake(v) for v in value]
            else:
                if not _is_number(value):
                    raise GtmError(f"{source}: setting {key!r} must be a number, not {value!r}")
                setattr(rules, key, int(value) if key == "max_reasons" else float(value))
        if rules.half_life_days < 0 or rules.max_reasons < 0:
            raise GtmError(f"{source}: half_life_days and max_reasons cannot be negative")
        return rules


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _fold(text: object) -> str:
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z/]+", " ", s).strip()


def _snake(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", _fold(text)).strip("_")


# Ordered (first match wins) rules on the folded activity type.
_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("talk_to_sales", r"\b(?:talk|speak|chat) (?:to|with) (?:sales|an? expert|us|someone)"),
    ("demo_request", r"\bdemo\b|\bdemo request|request (?:a )?demo"),
    ("meeting_request", r"\bmeeting\b|\bbook(?:ed)? a call|\bcall request"),
    ("contact_sales", r"\bcontact\b|\bkontakt|\bquote request|request (?:a )?quote|hand raise"),
    ("booth_scan", r"\bbooth\b|\bbadge\b|lead scan|lead retrieval|\bscan(?:ned)?\b"),
    ("webinar", r"webinar|webcast|virtual event|\bwebinaire"),
    ("ebook", r"\be ?book\b"),
    ("whitepaper", r"white ?paper|\breport download"),
    ("case_study", r"case stud|customer stor"),
    ("pricing_page", r"pricing"),
    ("email_click", r"\bclick"),
    ("email_open", r"\bopen"),
    ("blog", r"\bblog"),
    ("page_visit", r"page|\bvisit|\bview|web ?site|\bweb\b"),
    ("content_download", r"download|\bgated\b|\bform\b|\bcontent\b|asset"),
)
_ASSET_RULES: tuple[tuple[str, str], ...] = (
    ("webinar", r"webinar|webcast"),
    ("ebook", r"\be ?book\b"),
    ("whitepaper", r"white ?paper"),
    ("case_study", r"case stud|customer stor"),
)
_TYPE_RES = [(k, re.compile(p)) for k, p in _TYPE_RULES]
_ASSET_RES = [(k, re.compile(p)) for k, p in _ASSET_RULES]


def _classify_activity(kind: object, asset: object) -> str:
    """One (type, asset) pair -> normalised type (see :func:`normalise_activity_types`)."""
    t = _fold(kind) if isinstance(kind, str) else ""
    a = _fold(asset) if isinstance(asset, str) else ""
    t_words = t.replace("_", " ")
    found = next((k for k, rx in _TYPE_RES if rx.search(t_words)), None)
    if found in ("page_visit", None) and t_words in ("", "page visit", "visit", "page view",
                                                      "web visit", "website visit", "pageview"):
        if "pricing" in a:
            return "pricing_page"
        if "/blog" in a or a.startswith("blog"):
            return "blog"
    if found == "content_download" or (found is None and not t):
        found = next((k for k, rx in _ASSET_RES if rx.search(a)), found)
        if found is None and (a.startswith("/") or a.startswith("http")):
            found = "pricing_page" if "pricing" in a else "page_visit"
    if found:
        return found
    return _snake(t) or "other"


def _kind_codes(types: pd.Series, assets: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Normalised type per row as (codes, categories), classifying each distinct pair once."""
    t_codes, t_uniques = pd.factorize(types)
    a_codes, a_uniques = pd.factorize(assets)
    na = len(a_uniques) + 1
    key = (t_codes + 1).astype(np.int64) * na + (a_codes + 1)
    k_codes, k_uniques = pd.factorize(key)
    t_list = [None, *t_uniques]
    a_list = [None, *a_uniques]
    mapped = [_classify_activity(t_list[k // na], a_list[k % na]) for k in k_uniques]
    cat_of_key, categories = pd.factorize(pd.Series(mapped, dtype=object))
    codes = cat_of_key[k_codes] if len(k_uniques) else np.zeros(0, np.int64)
    return codes.astype(np.int64), [str(c) for c in categories]


def normalise_activity_types(types: pd.Series, assets: pd.Series | None = None) -> pd.Series:
    """Map activity types as exported ("Webinar Registration", "E-Book Download",
    "Contact us form") to our keys (``webinar``, ``ebook``, ``contact_sales`` ...).

    The asset refines a generic type: a ``page_visit`` of ``/pricing`` is a
    ``pricing_page``, a "Content Download" of "Q3 Webinar recording" is a
    ``webinar``.  Unknown types become their snake_case spelling (so a weight
    can be given to them); a row with neither type nor asset is ``other``.
    Computed once per distinct (type, asset) pair.
    """
    types = pd.Series(types)
    assets = pd.Series([None] * len(types), index=types.index, dtype=object) \
        if assets is None else pd.Series(assets, index=types.index)
    codes, categories = _kind_codes(types, assets)
    labels = np.array(categories + [None], dtype=object)
    return pd.Series(pd.array(labels[codes], dtype="str"), index=types.index, name="type")


def _dates(values: pd.Series) -> pd.Series:
    """Day-precision datetimes (NaT where missing or unreadable)."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        try:
            values = pd.to_datetime(values, errors="coerce", format="ISO8601")
        except (ValueError, TypeError):
            values = pd.to_datetime(values, errors="coerce", format="mixed")
    values = pd.Series(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.dt.normalize().astype("datetime64[ns]")


def _truthy(values: pd.Series) -> np.ndarray:
    """Booleans from bool / number / yes-no text columns."""
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(bool)
    if pd.api.types.is_numeric_dtype(values):
        return (values.fillna(0) > 0).to_numpy(bool)
    text = values.astype("str").str.strip().str.lower()
    return (text.notna() & ~text.isin(["", "no", "false", "0", "n", "none", "nan", "f", "-"])
            ).to_numpy(bool)


def _activities(activities: pd.DataFrame,
                lead_scans: pd.DataFrame | None) -> tuple[pd.DataFrame, list[str]]:
    """``email kind asset date`` rows (``kind`` as integer codes into the returned
    categories), with lead-retrieval scans folded in as activities."""
    def col(frame: pd.DataFrame, name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)

    kind, categories = _kind_codes(col(activities, "type"), col(activities, "asset"))
    parts = [pd.DataFrame({"email": col(activities, "email").astype("str").to_numpy(),
                           "kind": kind,
                           "asset": col(activities, "asset").astype("str").to_numpy(),
                           "date": _dates(col(activities, "date")).to_numpy()})]
    if lead_scans is not None and len(lead_scans):
        for extra in ("meeting_request", "booth_scan"):
            if extra not in categories:
                categories.append(extra)
        meeting = _truthy(col(lead_scans, "meeting_requested"))
        asset = col(lead_scans, "asset") if "asset" in lead_scans else col(lead_scans, "notes")
        parts.append(pd.DataFrame({
            "email": col(lead_scans, "email").astype("str").to_numpy(),
            "kind": np.where(meeting, categories.index("meeting_request"),
                             categories.index("booth_scan")).astype(np.int64),
            "asset": asset.astype("str").fillna("lead scan").to_numpy(),
            "date": _dates(col(lead_scans, "date")).to_numpy()}))
    acts = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    acts["email"] = acts["email"].astype("str").str.strip().str.lower()
    acts["asset"] = acts["asset"].astype("str").str.strip().str.replace("|", "/", regex=False)
    keep = (acts["email"].notna() & (acts["email"] != "")).to_numpy(bool)
    return acts[keep].reset_index(drop=True), categories


def _fmt_points(values: np.ndarray) -> pa.Array:
    """"+15", "-3", "+1.5" for each value."""
    rounded = np.round(values.astype(float), 1)
    integral = rounded == np.floor(rounded)
    as_int = pc.cast(pa.array(rounded.astype(np.int64)), pa.string())
    as_float = pc.cast(pa.array(rounded), pa.string())
    text = pc.if_else(pa.array(integral), as_int, as_float)
    sign = pa.array(np.where(rounded >= 0, "+", ""), pa.string())
    return pc.binary_join_element_wise(sign, text, "")


def _fmt_dates(values: np.ndarray) -> pa.Array:
    """ISO dates (null where NaT), formatted once per distinct day."""
    values = np.asarray(values, "datetime64[ns]").astype("datetime64[D]")
    codes, uniques = pd.factorize(values)
    text = pc.strftime(pa.array(np.asarray(uniques, "datetime64[ns]"), pa.timestamp("ns")),
                       "%Y-%m-%d")
    return _take(text, codes)


def _take(values: pa.Array, idx: np.ndarray) -> pa.Array:
    """``values[idx]`` with null where ``idx < 0``."""
    return pc.take(values, pa.array(idx, type=pa.int64(), mask=idx < 0))


def _empty_result() -> pd.DataFrame:
    return pd.DataFrame(
        {"engagement_score": pd.Series(dtype=float), "mql_status": pd.Series(dtype="str"),
         "mql_date": pd.Series(dtype="datetime64[ns]"), "mql_reasons": pd.Series(dtype="str"),
         "activity_count": pd.Series(dtype=np.int64),
         "last_activity_date": pd.Series(dtype="datetime64[ns]")},
        index=pd.Index([], name="email", dtype="str"))


def _first_rows(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Row of the first occurrence of each code 0..n_groups-1 (codes from a factorize)."""
    first = np.zeros(n_groups, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # last write = first occurrence
    return first


def _warm_since(codes: np.ndarray, days: np.ndarray, weight: np.ndarray, n_emails: int,
                rules: EngagementRules) -> np.ndarray:
    """Per email, the day (as float days) the decayed score last rose over the threshold.

    Dates are days, so activities are taken a day at a time (their order within a
    day is unknown and must not matter).  The score at the end of day ``t_j`` is
    ``S_j = sum_{t_i<=t_j} w_i * 2**(-(t_j - t_i)/h)``, computed per day as
    ``2**(-x_j) * cumsum(W_j * 2**x_j)`` with ``W_j`` the day's points and ``x`` in
    half-lives since the email's first activity.  Between activity days the score
    only decays, so it is lowest just before a day's activities: ``S_j - W_j``.
    The current run above the threshold therefore starts on the last activity day
    whose score *before* that day's activities was under it (an email's first day
    starts from 0).  NaN where the last day leaves the score under the threshold.
    """
    out = np.full(n_emails, np.nan)
    if not len(codes):
        return out
    order = np.lexsort((days, codes))
    c_s, d_s, w_s = codes[order], days[order], weight[order]
    # one entry per (email, day): the day's total points
    new_day = np.r_[True, (np.diff(c_s) != 0) | (np.diff(d_s) != 0)]
    day_rows = np.flatnonzero(new_day)
    c_d, d_d = c_s[day_rows], d_s[day_rows]
    w_d = np.add.reduceat(w_s, day_rows)
    starts = np.r_[0, np.flatnonzero(np.diff(c_d)) + 1]
    ends = np.r_[starts[1:], len(c_d)]
    ref = np.repeat(d_d[starts], ends - starts)
    h = rules.half_life_days
    x = np.clip((d_d - ref) / h, 0, 1000) if h > 0 else np.zeros(len(d_d))
    after = pd.Series(w_d * np.exp2(x)).groupby(c_d, sort=False).cumsum().to_numpy() * np.exp2(-x)
    before = after - w_d
    threshold = rules.warm_threshold - 1e-9
    rose = before < threshold
    rose[starts] = True  # an email's first day rises from 0
    rose_pos = np.where(rose, np.arange(len(c_d)), -1)
    run_start = np.maximum.reduceat(rose_pos, starts)
    ok = after[ends - 1] >= threshold
    out[c_d[starts[ok]]] = d_d[run_start[ok]]
    return out


def _contributions(acts: pd.DataFrame, codes: np.ndarray, labels: pa.Array, weight: np.ndarray,
                   contrib: np.ndarray, n_emails: int, max_reasons: int) -> list[pa.Array]:
    """The top ``max_reasons`` (type, asset) items per email, as ``max_reasons`` text columns.

    Items are ranked by their decayed points (ties: first seen first); each reads
    ``"+15 webinar Event ROI masterclass (2026-06-02)"`` or, repeated,
    ``"+3 page visit /pricing ×3 (latest 2026-08-10)"`` with the undecayed points.
    """
    kind = acts["kind"].to_numpy(np.int64)
    a_codes, a_uniques = pd.factorize(acts["asset"])
    nk, na = int(kind.max()) + 1, len(a_uniques) + 1
    key = codes.astype(np.int64) * (nk * na) + kind * na + (a_codes + 1)
    g_codes, g_uniques = pd.factorize(key)
    ng = len(g_uniques)
    count = np.bincount(g_codes, minlength=ng)
    raw = np.bincount(g_codes, weights=weight, minlength=ng)
    decayed = np.bincount(g_codes, weights=contrib, minlength=ng)
    d_int = acts["date"].to_numpy("datetime64[ns]").astype(np.int64)
    last = pd.Series(d_int).groupby(g_codes, sort=True).max().to_numpy()
    first_row = _first_rows(g_codes, ng)
    email = codes[first_row]
    keep = np.flatnonzero(raw != 0)
    order = keep[np.lexsort((-np.abs(decayed[keep]), email[keep]))]
    if not len(order) or max_reasons <= 0:
        return []
    e_sorted = email[order]
    starts = np.r_[0, np.flatnonzero(np.diff(e_sorted)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    sel, sel_rank = order[rank < max_reasons], rank[rank < max_reasons]
    rows = first_row[sel]
    label = pc.take(labels, pa.array(kind[rows]))
    asset = _take(pa.array(a_uniques, pa.string()), a_codes[rows])
    asset = pc.if_else(pc.fill_null(pc.equal(asset, ""), True), "",
                       pc.binary_join_element_wise(" ", asset, ""))
    n = count[sel]
    date_text = pc.fill_null(_fmt_dates(last[sel].astype("datetime64[ns]")), "undated")
    times = pc.if_else(pa.array(n > 1), pc.binary_join_element_wise(
        " \u00d7", pc.cast(pa.array(n), pa.string()), ""), "")
    when = pc.if_else(pa.array(n > 1), pc.binary_join_element_wise("(latest ", date_text, ")", ""),
                      pc.binary_join_element_wise("(", date_text, ")", ""))
    text = pc.binary_join_element_wise(_fmt_points(raw[sel]), " ", label, asset, times, " ",
                                       when, "")
    columns = []
    for r in range(max_reasons):
        positions = np.flatnonzero(sel_rank == r)
        idx = np.full(n_emails, -1, dtype=np.int64)
        idx[email[sel[positions]]] = positions
        columns.append(_take(text, idx))
    return columns


def score_engagement(activities: pd.DataFrame, rules: EngagementRules | None = None, *,
                     today: date, lead_scans: pd.DataFrame | None = None) -> pd.DataFrame:
    """Engagement score and MQL status per email.

    ``activities`` has ``email type asset date``; ``lead_scans`` (booth badge scans)
    has ``email meeting_requested date`` (a scan that asked for a meeting is a
    hand-raiser; other scans count as ``booth_scan``).  Undated activities count
    as of ``today``; activities dated after ``today`` count undecayed.  Returns a
    frame indexed by lower-cased email with ``engagement_score`` (decayed, float),
    ``mql_status`` (``hot``/``warm``/NA), ``mql_date``, ``mql_reasons``
    (``|``-joined: the first hand-raise, then the top contributing activities),
    ``activity_count`` and ``last_activity_date``.
    """
    rules = rules or EngagementRules()
    acts, categories = _activities(activities, lead_scans)
    if not len(acts):
        return _empty_result()
    today_ts = pd.Timestamp(today).normalize()
    epoch = pd.Timestamp("1970-01-01")
    codes, emails = pd.factorize(acts["email"])
    n_emails = len(emails)
    kind = acts["kind"].to_numpy(np.int64)
    weight = np.array([float(rules.weights.get(c, 0.0)) for c in categories])[kind]
    labels = pa.array([ACTIVITY_LABELS.get(c, c.replace("_", " ")) for c in categories],
                      pa.string())
    dates = acts["date"].to_numpy("datetime64[ns]")
    nat = np.isnat(dates)
    d_int = dates.astype(np.int64)
    days = np.where(nat, (today_ts - epoch).days, (d_int // 86_400_000_000_000)).astype(float)
    age = np.clip((today_ts - epoch).days - days, 0, None)
    h = rules.half_life_days
    contrib = weight * (np.exp2(-age / h) if h > 0 else 1.0)
    score = np.bincount(codes, weights=contrib, minlength=n_emails)
    count = np.bincount(codes, minlength=n_emails)
    last_seen = pd.Series(d_int).groupby(codes, sort=True).max().to_numpy().astype("datetime64[ns]")

    # hot: the first hand-raise (undated ones last)
    is_hr = np.isin(np.array(categories, dtype=object), list(rules.hand_raiser_types))
    hr_rows = np.flatnonzero(is_hr[kind]) if len(categories) else np.zeros(0, np.int64)
    d_key = np.where(nat, np.iinfo(np.int64).max, d_int)
    order = hr_rows[np.lexsort((d_key[hr_rows], codes[hr_rows]))]
    hot_codes, first_pos = np.unique(codes[order], return_index=True)
    first_hr = order[first_pos]
    hot = np.zeros(n_emails, bool)
    hot[hot_codes] = True
    mql_date = np.full(n_emails, np.datetime64("NaT"), dtype="datetime64[ns]")
    mql_date[hot_codes] = dates[first_hr]
    hot_pos = np.full(n_emails, -1, dtype=np.int64)
    hot_pos[hot_codes] = np.arange(len(hot_codes))
    label = pc.take(labels, pa.array(kind[first_hr]))
    when = _fmt_dates(dates[first_hr])
    hot_text = pc.if_else(pc.is_null(when),
                          pc.binary_join_element_wise("hand-raiser: ", label, " (undated)", ""),
                          pc.binary_join_element_wise("hand-raiser: ", label, " on ", when, ""))

    # warm: decayed score over the threshold today, not a hand-raiser
    warm = ~hot & (score >= rules.warm_threshold - 1e-9)
    rows = np.flatnonzero(warm[codes])  # only warm people need their crossing day
    since = _warm_since(codes[rows], days[rows], weight[rows], n_emails, rules)
    warm_day = np.where(warm & ~np.isnan(since), since, np.nan)
    warm_dates = (epoch + pd.to_timedelta(warm_day, unit="D")).to_numpy("datetime64[ns]")
    mql_date = np.where(warm, warm_dates, mql_date)

    items = [_take(hot_text, hot_pos),
             *_contributions(acts, codes, labels, weight, contrib, n_emails,
                             int(rules.max_reasons))]
    prefixed = [pc.binary_join_element_wise("|", col, "") for col in items]
    joined = pc.binary_join_element_wise(*prefixed, "", null_handling="replace",
                                         null_replacement="")
    status = np.where(hot, "hot", np.where(warm, "warm", None))
    return pd.DataFrame(
        {"engagement_score": np.round(score, 2),
         "mql_status": pd.array(status, dtype="str"),
         "mql_date": pd.to_datetime(mql_date),
         "mql_reasons": pd.array(pc.utf8_ltrim(joined, characters="|"), dtype="str"),
         "activity_count": count.astype(np.int64),
         "last_activity_date": pd.to_datetime(last_seen)},
        index=pd.Index(emails, name="email", dtype="str"))
