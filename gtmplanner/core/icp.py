"""ICP fit: the profile the user edits, and an explainable, vectorised score.

The profile follows the users' playbook (``seeds/``): firmographics (industry,
employee count, revenue, geography), technographics (tools we integrate with,
competitor products), persona (department, seniority, budget control) and
buying triggers (intent topics, recent funding, hiring surge, leadership
change), plus penalties (no valid email, free-mail address, intern/student).

:func:`score_people` computes, per criterion, one array of points and one
array of reason texts (``"+10 uses Salesforce (we integrate)"``), working on
the *distinct* values of a column where it can (people at one account share
its firmographics), then sums the points and joins the non-empty reasons with
``|``.  There is no Python loop over rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core.icp_profile import TIERS, IcpProfile, canonical_industry, industry_index
from gtmplanner.core.icp_profile import fold as _fold
from gtmplanner.core.persona import (
    BUDGET_LEVELS,
    DEPARTMENTS,
    SENIORITY_LABELS,
    SENIORITY_LEVELS,
    classify_titles,
)

__all__ = [
    "IcpProfile", "TIERS", "score_people", "explain", "FREE_MAIL_DOMAINS", "canonical_country",
]


FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    """gmail.com googlemail.com yahoo.com ymail.com rocketmail.com hotmail.com outlook.com
    live.com msn.com aol.com icloud.com me.com mac.com mail.com gmx.com gmx.de gmx.net gmx.at
    web.de t-online.de freenet.de orange.fr wanadoo.fr free.fr laposte.net sfr.fr libero.it
    protonmail.com proton.me pm.me tutanota.com fastmail.com hey.com yandex.ru mail.ru qq.com
    163.com 126.com btinternet.com comcast.net verizon.net att.net sbcglobal.net bigpond.com
    telefonica.net rediffmail.com zoho.in""".split()
)
"""Consumer mail domains: an address there says nothing about the employer."""
_FREE_MAIL_RE = r"^(?:yahoo|hotmail|outlook|live|gmx|aol|msn)\.[a-z.]+$"
_EMAIL_RE = r"^[^@\s|]+@[^@\s|]+\.[a-z]{2,}$"

_COUNTRY_ALIASES: dict[str, str] = {
    "uk": "United Kingdom", "u k": "United Kingdom", "england": "United Kingdom",
    "scotland": "United Kingdom", "wales": "United Kingdom", "great britain": "United Kingdom",
    "northern ireland": "United Kingdom", "britain": "United Kingdom",
    "us": "United States", "u s": "United States", "usa": "United States",
    "u s a": "United States", "america": "United States", "united states of america": "United States",
    "deutschland": "Germany", "allemagne": "Germany", "alemania": "Germany",
    "osterreich": "Austria", "schweiz": "Switzerland", "suisse": "Switzerland",
    "holland": "Netherlands", "the netherlands": "Netherlands", "espana": "Spain",
    "brasil": "Brazil", "south korea": "Korea, Republic of", "korea": "Korea, Republic of",
    "uae": "United Arab Emirates", "russia": "Russian Federation", "czech republic": "Czechia",
}
_REGIONS: dict[str, tuple[str, ...]] = {
    "north america": ("US", "CA"),
    "latam": ("MX", "BR", "AR", "CL", "CO", "PE", "UY", "CR", "PA", "EC"),
    "dach": ("DE", "AT", "CH"),
    "uk&i": ("GB", "IE"),
    "nordics": ("SE", "NO", "DK", "FI", "IS"),
    "benelux": ("BE", "NL", "LU"),
    "anz": ("AU", "NZ"),
    "apac": ("AU", "NZ", "JP", "SG", "IN", "CN", "HK", "KR", "TW", "MY", "ID", "TH", "PH", "VN"),
    "europe": ("GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "LU", "ES", "PT", "IT", "SE", "NO",
               "DK", "FI", "IS", "PL", "CZ", "SK", "HU", "RO", "BG", "GR", "HR", "SI", "EE",
               "LV", "LT", "MT", "CY"),
}
_REGIONS["emea"] = _REGIONS["europe"] + ("AE", "SA", "IL", "QA", "ZA", "EG", "NG", "KE", "MA", "TR")
_REGIONS.update({"uki": _REGIONS["uk&i"], "uk and ireland": _REGIONS["uk&i"], "na": _REGIONS["north america"]})


@lru_cache(maxsize=4096)
def canonical_country(value: str) -> str | None:
    """Country name as pycountry spells it ("USA", "U.S.", "Deutschland" -> ...); None if unknown."""
    folded = _fold(value)
    if not folded:
        return None
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    import pycountry  # local: only needed for names outside the alias table

    try:
        return str(pycountry.countries.lookup(value.strip()).name)
    except LookupError:
        try:
            return str(pycountry.countries.lookup(folded).name)
        except LookupError:
            return None



_FALSY = frozenset({"", "no", "false", "0", "n", "none", "nan", "null", "f", "nein", "non", "na", "n a"})
_SENIORITY_ALIASES = {
    "c_suite": "c_level", "cxo": "c_level", "c": "c_level", "executive": "c_level",
    "owner": "c_level", "founder": "c_level", "vice_president": "vp", "senior": "senior_ic",
    "individual_contributor": "ic", "entry": "ic", "non_manager": "ic", "student": "intern",
}
_DEPARTMENT_LABELS = {"revops": "RevOps", "it": "IT", "hr": "HR", "customer_success": "customer success"}


def _item(points: int, text: str) -> str | None:
    """One reason item, ``"+10 text"``; None for zero points (those are omitted)."""
    return f"{int(points):+d} {text.replace('|', '/')}" if points else None


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-NA column when the frame does not have it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(np.full(len(frame), None, dtype=object), index=frame.index)


def _per_value(
    values: pd.Series, fn: Callable[[list[Any]], tuple[list[int], list[str | None]]]
) -> tuple[np.ndarray, pa.Array]:
    """Apply ``fn`` to the distinct non-missing values, broadcast points and texts to rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    pts_u, txt_u = fn(list(uniques)) if len(uniques) else ([], [])
    pts_arr = np.asarray(pts_u, dtype=np.int64)
    points = np.where(codes >= 0, pts_arr[np.maximum(codes, 0)], 0) if len(pts_arr) else np.zeros(
        len(codes), np.int64)
    texts = pc.take(pa.array(txt_u, pa.string()), pa.array(codes, mask=codes < 0))
    return points, texts


def _fmt_count(n: float) -> str:
    return f"{n:,.0f}"


def _fmt_money(n: float) -> str:
    for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            return f"${n / div:,.1f}".rstrip("0").rstrip(".") + unit
    return f"${n:,.0f}"


def _range_criterion(
    values: pd.Series, lo: float, hi: float, weight: int, fmt: Callable[[float], str], noun: str
) -> tuple[np.ndarray, pa.Array]:
    """Full points inside [lo, hi]; half within 2x outside it ("near"); hi <= 0 = no limit."""
    bounded = hi > 0
    label = f"{fmt(lo)}-{fmt(hi)}" if bounded else f"{fmt(lo)}+"

    def fn(uniques: list[Any]) -> tuple[list[int], list[str | None]]:
        pts: list[int] = []
        txt: list[str | None] = []
        for v in uniques:
            v = float(v)
            if lo <= v and (not bounded or v <= hi):
                p, how = weight, "ICP"
            elif lo / 2 <= v and (not bounded or v <= hi * 2):
                p, how = weight // 2, "near ICP"
            else:
                p, how = 0, ""
            pts.append(p)
            txt.append(_item(p, f"{fmt(v)}{noun} ({how} {label})"))
        return pts, txt

    numeric = pd.to_numeric(values, errors="coerce")
    return _per_value(numeric.where(numeric.notna() & (numeric >= 0)), fn)


def _truthy(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.number)):
        return bool(value > 0)
    return _fold(value) not in _FALSY


def _flag_criterion(values: pd.Series, weight: int, text: str) -> tuple[np.ndarray, pa.Array]:
    return _per_value(values, lambda u: ([weight if _truthy(v) else 0 for v in u],
                                         [_item(weight, text) if _truthy(v) else None for v in u]))


def _list_criterion(values: pd.Series, wanted: list[str], weight: int,
                    template: str) -> tuple[np.ndarray, pa.Array]:
    """Points once when a ``;``/``,`` list holds any wanted item; the text names them all."""
    patterns = [(name, re.compile(rf"(?<![0-9a-z]){re.escape(_fold(name))}(?![0-9a-z])"))
                for name in wanted if _fold(name)]

    def fn(uniques: list[Any]) -> tuple[list[int], list[str | None]]:
        pts: list[int] = []
        txt: list[str | None] = []
        for v in uniques:
            folded = _fold(v)
            hits = [name for name, rx in patterns if rx.search(folded)]
            p = weight if hits else 0
            pts.append(p)
            txt.append(_item(p, template.format(", ".join(hits))) if hits else None)
        return pts, txt

    return _per_value(values, fn)


def _canon_levels(values: pd.Series) -> pd.Series:
    """Given seniority values in canonical form, or NA where they are not recognisable."""
    def one(v: Any) -> str | None:
        key = _fold(v).replace(" ", "_").removesuffix("_level")
        key = _SENIORITY_ALIASES.get(key, key)
        return key if key in SENIORITY_LEVELS else None

    codes, uniques = pd.factorize(values)
    mapped = np.array([one(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype="str")


def _canon_departments(values: pd.Series) -> pd.Series:
    """Given department values in canonical form (or as words we recognise), else NA."""
    codes, uniques = pd.factorize(values)
    exact = [_fold(u).replace(" ", "_") for u in uniques]
    guessed = classify_titles(pd.Series(list(uniques), dtype=object))["department"].tolist()
    mapped = [e if e in DEPARTMENTS else (g if isinstance(g, str) and g != "other" else None)
              for e, g in zip(exact, guessed, strict=True)]
    arr = np.array(mapped + [None], dtype=object)
    return pd.Series(arr[codes], index=values.index, dtype="str")


def _geo_criterion(frame: pd.DataFrame, profile: IcpProfile) -> tuple[np.ndarray, pa.Array]:
    """Company HQ country/region when the person is matched to an account, else the person's."""
    targets = {canonical_country(c): c for c in profile.countries if canonical_country(c)}
    named_regions = {_fold(r): r for r in profile.regions if _fold(r) in _REGIONS}
    other_regions = {_fold(r) for r in profile.regions if _fold(r) not in _REGIONS}
    import pycountry

    for folded, label in named_regions.items():
        for code in _REGIONS[folded]:
            country = pycountry.countries.get(alpha_2=code)
            if country is not None:
                targets.setdefault(str(country.name), label)
    hq_country, hq_region = _col(frame, "account_hq_country"), _col(frame, "account_hq_region")
    from_hq = (hq_country.notna() | hq_region.notna()).to_numpy(bool)
    c_codes, c_uniques = pd.factorize(hq_country.where(from_hq, _col(frame, "country")))
    r_codes, r_uniques = pd.factorize(hq_region.where(from_hq, _col(frame, "region")))
    nc, nr = len(c_uniques) + 1, len(r_uniques) + 1
    # one integer per (source, country, region) combination; -1 when nothing is known
    key = from_hq.astype(np.int64) * (nc * nr) + (c_codes + 1) * nr + (r_codes + 1)
    key = pd.Series(np.where((c_codes >= 0) | (r_codes >= 0), key, -1), index=frame.index)
    key = key.where(key >= 0)
    countries = [None, *map(str, c_uniques)]
    regions = [None, *map(str, r_uniques)]
    weight = profile.geography_weight

    def fn(uniques: list[Any]) -> tuple[list[int], list[str | None]]:
        pts: list[int] = []
        txt: list[str | None] = []
        for u in uniques:
            src, rest = divmod(int(u), nc * nr)
            ctry, reg = countries[rest // nr], regions[rest % nr]
            verb = "HQ in" if src else "based in"
            canon = canonical_country(ctry) if ctry else None
            text = None
            if canon in targets:
                label = targets[canon]
                text = f"{verb} {canon}" + (f" ({label})" if _fold(label) != _fold(canon) else "")
            elif reg and _fold(reg) in other_regions:
                text = f"{verb} {reg}"
            pts.append(weight if text else 0)
            txt.append(_item(weight, text) if text else None)
        return pts, txt

    return _per_value(key, fn)


def _persona_criteria(
    seniority: pd.Series, department: pd.Series, budget: np.ndarray, profile: IcpProfile
) -> list[tuple[np.ndarray, pa.Array]]:
    """Department + seniority as one persona item, the budget-holder bonus, the intern penalty."""
    levels = list(SENIORITY_LEVELS)
    s_code = pd.Categorical(seniority, categories=levels).codes.astype(np.int64)
    d_code = pd.Categorical(department, categories=list(DEPARTMENTS)).codes.astype(np.int64)
    key = pd.Series((s_code + 1) * 100 + (d_code + 1), index=seniority.index)
    targets = set(profile.target_departments)

    def fn(uniques: list[Any]) -> tuple[list[int], list[str | None]]:
        pts: list[int] = []
        txt: list[str | None] = []
        for k in uniques:
            s_i, d_i = divmod(int(k), 100)
            sen = levels[s_i - 1] if s_i else None
            dep = DEPARTMENTS[d_i - 1] if d_i else None
            dep_label = _DEPARTMENT_LABELS.get(dep or "", dep or "")
            if sen == "intern":
                p, text = profile.intern_or_student, "intern/student title"
            elif dep in targets:
                p = profile.department_weight + profile.seniority_points.get(sen or "", 0)
                text = f"{SENIORITY_LABELS[sen] + ' ' if sen else ''}{dep_label} persona"
            else:
                p = profile.seniority_points.get(sen or "", 0)
                text = f"{SENIORITY_LABELS.get(sen or '', '')} title"
                if dep and dep != "other":
                    text += f" ({dep_label} is not a target department)"
            pts.append(p)
            txt.append(_item(p, text))
        return pts, txt

    persona = _per_value(key, fn)
    bonus = np.where(budget, profile.budget_holder_bonus, 0).astype(np.int64)
    text = _item(profile.budget_holder_bonus, "budget holder")
    bonus_txt = pa.array(np.where(budget & bool(text), text, None), pa.string())
    return [persona, (bonus, bonus_txt)]


def _funding_criterion(values: pd.Series, profile: IcpProfile, today: date) -> tuple[np.ndarray, pa.Array]:
    n, weight = profile.funding_within_months, profile.funding_weight
    ref = pd.Timestamp(today)

    def fn(uniques: list[Any]) -> tuple[list[int], list[str | None]]:
        dates = pd.to_datetime(pd.Series(uniques, dtype=object), errors="coerce", format="mixed")
        days = (ref - dates).dt.days.to_numpy(dtype=float, na_value=np.nan)
        pts: list[int] = []
        txt: list[str | None] = []
        for d in days:
            months = int(d // 30.4375) if d == d else -1
            ok = d == d and 0 <= d <= n * 30.4375
            when = "this month" if months == 0 else f"{months} month{'s' if months != 1 else ''} ago"
            pts.append(weight if ok else 0)
            txt.append(_item(weight, f"raised funding {when}") if ok else None)
        return pts, txt

    return _per_value(values, fn)


def _email_criteria(emails: pd.Series, profile: IcpProfile) -> list[tuple[np.ndarray, pa.Array]]:
    """No valid email (penalty) and free-mail address (penalty, names the domain)."""
    arr = pa.array(emails.astype("str").to_numpy(dtype=object, na_value=None), pa.string())
    arr = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
    valid = pc.fill_null(pc.match_substring_regex(arr, _EMAIL_RE), False)
    valid_np = valid.to_numpy(zero_copy_only=False)
    no_email = _item(profile.no_valid_email, "no valid email")
    pts1 = np.where(valid_np, 0, profile.no_valid_email).astype(np.int64)
    txt1 = pa.array(np.where(~valid_np & bool(no_email), no_email, None), pa.string())
    domain = pc.replace_substring_regex(arr, r"^.*@", "")
    free = pc.or_(pc.is_in(domain, value_set=pa.array(sorted(FREE_MAIL_DOMAINS))),
                  pc.match_substring_regex(domain, _FREE_MAIL_RE))
    free = pc.and_(valid, pc.fill_null(free, False))
    free_np = free.to_numpy(zero_copy_only=False)
    pts2 = np.where(free_np, profile.free_mail, 0).astype(np.int64)
    if profile.free_mail:
        text = pc.binary_join_element_wise(
            pa.scalar(f"{profile.free_mail:+d} free-mail address ("), domain, pa.scalar(")"), "")
        txt2 = pc.if_else(free, text, pa.scalar(None, pa.string()))
    else:
        txt2 = pa.nulls(len(arr), pa.string())
    return [(pts1, txt1), (pts2, txt2)]


def score_people(frame: pd.DataFrame, profile: IcpProfile, *, today: date) -> pd.DataFrame:
    """Score every row of ``frame`` against ``profile``.

    ``frame`` holds person columns (``email title seniority department country
    region company``) and, for people matched to an account, ``account_*``
    columns (``account_industry account_employees account_revenue
    account_hq_country account_hq_region account_technologies
    account_intent_topics account_last_funding_date account_hiring_signal
    account_leadership_change``).  Any column may be missing or NA.

    Returns a frame on the same index: ``score`` (int 0..100), ``tier``
    (A/B/C/D), ``reasons`` (``"|"``-joined ``"+20 ..."`` items, zero items
    omitted), ``seniority``, ``department`` (from the input when given and
    recognisable, else derived from ``title``) and ``budget_holder``.
    """
    n = len(frame)
    titles = classify_titles(_col(frame, "title"))
    seniority = _canon_levels(_col(frame, "seniority")).fillna(titles["seniority"])
    department = _canon_departments(_col(frame, "department")).fillna(titles["department"])
    budget = (titles["budget_holder"].to_numpy(bool)
              | seniority.isin(list(BUDGET_LEVELS)).to_numpy(bool))
    p = profile
    in_icp = {canonical_industry(i, industry_index(p)) or i for i in p.industries}
    index = industry_index(p)

    def industry_fn(uniques: list[Any]) -> tuple[list[int], list[str | None]]:
        pts: list[int] = []
        txt: list[str | None] = []
        for v in uniques:
            canon = canonical_industry(str(v), index)
            hit = canon in in_icp
            shown = str(v) if _fold(v) == _fold(canon or "") else f"{v} ({canon})"
            pts.append(p.industry_weight if hit else 0)
            txt.append(_item(p.industry_weight, f"industry {shown} is in ICP") if hit else None)
        return pts, txt

    criteria = [
        _per_value(_col(frame, "account_industry"), industry_fn),
        _range_criterion(_col(frame, "account_employees"), p.employees_min, p.employees_max,
                         p.employees_weight, _fmt_count, " employees"),
        _range_criterion(_col(frame, "account_revenue"), p.revenue_min, p.revenue_max,
                         p.revenue_weight, _fmt_money, " revenue"),
        _geo_criterion(frame, p),
        _list_criterion(_col(frame, "account_technologies"), p.technologies_integrate,
                        p.integrate_weight, "uses {} (we integrate)"),
        _list_criterion(_col(frame, "account_technologies"), p.competitor_products,
                        p.competitor_weight, "uses competitor {}"),
        *_persona_criteria(seniority, department, budget, p),
        _list_criterion(_col(frame, "account_intent_topics"), p.intent_topics, p.intent_weight,
                        "intent: {}"),
        _funding_criterion(_col(frame, "account_last_funding_date"), p, today),
        _flag_criterion(_col(frame, "account_hiring_signal"), p.hiring_signal_weight, "hiring surge"),
        _flag_criterion(_col(frame, "account_leadership_change"), p.leadership_change_weight,
                        "leadership change"),
        *_email_criteria(_col(frame, "email"), p),
    ]
    points = np.zeros(n, dtype=np.int64)
    prefixed = []
    for pts, txt in criteria:
        points += pts
        prefixed.append(pc.binary_join_element_wise(pa.scalar("|"), txt, ""))
    if prefixed:
        joined = pc.binary_join_element_wise(*prefixed, "", null_handling="replace",
                                             null_replacement="")
        reasons = pd.array(pc.utf8_ltrim(joined, characters="|"), dtype="str")
    else:  # pragma: no cover - there are always criteria
        reasons = pd.array([""] * n, dtype="str")
    score = np.clip(points, 0, 100).astype(np.int64)
    return pd.DataFrame(
        {
            "score": score,
            "tier": pd.array(p.tier_of(score), dtype="str"),
            "reasons": reasons,
            "seniority": seniority.to_numpy(dtype=object, na_value=None),
            "department": department.to_numpy(dtype=object, na_value=None),
            "budget_holder": budget,
        },
        index=frame.index,
    ).astype({"seniority": "str", "department": "str"})


_ITEM_RE = re.compile(r"^\s*([+-]\d+)\s+(.*?)\s*$")


def explain(row: dict[str, Any] | None, reasons: str | None = None) -> list[dict[str, Any]]:
    """Parse a ``reasons`` string (or ``row["reasons"]``) back into ``[{points, text}]``.

    Items that do not start with signed points keep ``points = 0``.
    """
    if reasons is None and row:
        reasons = row.get("reasons")
    if not isinstance(reasons, str) or not reasons.strip():
        return []
    out: list[dict[str, Any]] = []
    for part in reasons.split("|"):
        if not part.strip():
            continue
        match = _ITEM_RE.match(part)
        if match:
            out.append({"points": int(match.group(1)), "text": match.group(2)})
        else:
            out.append({"points": 0, "text": part.strip()})
    return out
