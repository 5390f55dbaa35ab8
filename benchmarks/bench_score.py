"""Scoring benchmark (a command, not a test).

    .venv/bin/python benchmarks/bench_score.py [--people 100000] [--accounts 50000]

100,000 people x 50,000 accounts with realistic name variants: the full
pipeline (match + classify + geocode + ICP + engagement + re-target flags,
``scoring.score_frames``) timed in the same run against the naive baseline of
all-pairs ``rapidfuzz.process.cdist`` (token_sort_ratio) extrapolated from a
slice. Also: re-score after a profile change, geocoding 200,000 people, their
time zones, loading the gazetteer from its cache, and the engagement score of
1,000,000 activities.
Bars: >= 20x faster than naive; re-score < 1 s; geocode 200k < 5 s; time zones
200k < 3 s; gazetteer load < 2 s; engagement 1M activities < 2 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_match_part import make_data  # noqa: E402

from gtmplanner.core import (  # noqa: E402
    engagement,
    gazetteer,
    geo,
    icp,
    opportunities,
    scoring,
)

CITIES = [("Boston", "MA", "02110"), ("Cambridge", "MA", "02139"), ("Worcester", "MA", "01608"),
          ("Providence", "RI", "02903"), ("New York", "NY", "10001"), ("Chicago", "IL", "60601"),
          ("Austin", "TX", "73301"), ("Portland", "OR", ""), ("Portland", "ME", ""),
          ("London", "", ""), ("Munich", "", ""), ("Toronto", "ON", "")]
COUNTRY = {"London": "GB", "Munich": "DE", "Toronto": "CA"}
TITLES = ["VP Marketing", "Director of Demand Generation", "CRO", "Sales Operations Manager",
          "Head of RevOps", "Marketing Manager", "Intern", "Account Executive", "CMO",
          "Leiter Marketing", "Directrice commerciale", "Software Engineer"]
INDUSTRIES = ["Software", "Financial Services", "Healthcare", "Manufacturing", "Retail"]
TECH = ["Salesforce", "HubSpot", "Marketo", "Snowflake", "Outreach", "SAP"]


def enrich(people: pd.DataFrame, accounts: pd.DataFrame, seed: int = 3
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n, m = len(people), len(accounts)
    pick = rng.integers(0, len(CITIES), n)
    people = people.copy()
    people["city"] = [CITIES[i][0] for i in pick]
    people["region"] = [CITIES[i][1] or None for i in pick]
    people["postal_code"] = [CITIES[i][2] or None for i in pick]
    people["country"] = [COUNTRY.get(CITIES[i][0], "US") for i in pick]
    people["title"] = rng.choice(TITLES, n)
    for col in ("seniority", "department", "domain", "registration_date"):
        people[col] = None
    people["meeting_requested"] = rng.random(n) < 0.02
    people["opted_out"] = rng.random(n) < 0.03
    accounts = accounts.copy()
    if "domain" not in accounts:
        accounts["domain"] = None
    if "website" not in accounts:
        accounts["website"] = None
    accounts["industry"] = rng.choice(INDUSTRIES, m)
    accounts["employees"] = rng.lognormal(6, 1.4, m).round()
    accounts["revenue"] = accounts["employees"] * rng.integers(80_000, 400_000, m)
    accounts["hq_country"] = "US"
    accounts["technologies"] = ["; ".join(rng.choice(TECH, 2, replace=False)) for _ in range(m)]
    accounts["intent_topics"] = np.where(rng.random(m) < 0.3, "event marketing", None)
    accounts["last_funding_date"] = pd.NaT
    accounts["hiring_signal"] = rng.random(m) < 0.1
    for col in ("hq_city", "hq_region", "last_funding_type", "leadership_change", "owner",
                "customer_status"):
        accounts[col] = None
    k = 20_000
    acc_ids = rng.choice(accounts.index.to_numpy(), k)
    names = accounts.loc[acc_ids, "name"].to_numpy()
    today = pd.Timestamp("2026-11-24")
    opps = pd.DataFrame({
        "name": [f"{a} - Platform" for a in names], "account": names,
        "account_external_id": None, "external_id": [f"006{i:09d}" for i in range(k)],
        "stage": rng.choice(["Closed Lost", "Closed Won", "Negotiation", "Prospecting"], k),
        "status": None, "amount": rng.integers(10, 400, k) * 1000.0,
        "close_date": today - pd.to_timedelta(rng.integers(10, 700, k), "D"),
        "created_date": today - pd.to_timedelta(rng.integers(300, 900, k), "D"),
        "last_activity_date": today - pd.to_timedelta(rng.integers(1, 400, k), "D"),
        "loss_reason": rng.choice(["Price", "Timing", "Not a fit", "No Decision", None], k),
        "owner": "Dana Whitfield", "contact_email": None, "lead_source": "Trade Show",
    }, index=pd.RangeIndex(1, k + 1))
    emails = people["email"].dropna().to_numpy()
    na = 300_000
    acts = pd.DataFrame({
        "email": rng.choice(emails, na),
        "type": rng.choice(["webinar", "ebook", "blog", "page_visit", "demo_request"], na,
                           p=[0.2, 0.2, 0.3, 0.295, 0.005]),
        "asset": "x", "date": today - pd.to_timedelta(rng.integers(1, 300, na), "D")})
    return people, accounts, opps, acts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--accounts", type=int, default=50_000)
    ap.add_argument("--slice", type=int, default=2_000)
    a = ap.parse_args()
    people, accounts = make_data(a.people, a.accounts)
    people.index = pd.RangeIndex(1, len(people) + 1)
    accounts.index = pd.RangeIndex(1, len(accounts) + 1)
    people, accounts, opps, acts = enrich(people, accounts)
    kw = dict(profile=icp.IcpProfile.default(), rules=engagement.EngagementRules(),
              opp_rules=opportunities.OppRules(), overrides=None, today=date(2026, 11, 24))
    t = time.perf_counter()
    r = scoring.score_frames(people, accounts, opps, acts, **kw)
    full = time.perf_counter() - t
    q = people["company"].dropna().to_numpy()
    names = accounts["name"].to_numpy()
    t = time.perf_counter()
    process.cdist(q[: a.slice], names, scorer=fuzz.token_sort_ratio, workers=-1)
    naive = (time.perf_counter() - t) * len(q) / a.slice
    print(f"people {len(people):,} x accounts {len(accounts):,}, {len(opps):,} opportunities, "
          f"{len(acts):,} activities")
    print(f"full match + classify + geocode + score + engagement: {full:.2f} s")
    print(f"naive all-pairs cdist (extrapolated from {a.slice:,}): {naive:.1f} s -> "
          f"{naive / full:.0f}x faster (bar >= 20x)")
    tiers = r["icp"]["tier"].value_counts().sort_index().to_dict()
    print(f"  tiers {tiers}; matched {int(r['match']['account_id'].notna().sum()):,}")
    # Re-score after a profile edit: matching and geocoding are unchanged, only ICP runs.
    prof = icp.IcpProfile.default()
    d = prof.to_dict()
    frame = pd.concat([people, scoring.account_features(r["match"]["account_id"], accounts)],
                      axis=1)
    t = time.perf_counter()
    icp.score_people(frame, icp.IcpProfile.from_dict(d), today=date(2026, 11, 24))
    rescore = time.perf_counter() - t
    print(f"re-score after a profile change: {rescore:.2f} s (bar < 1 s)")
    big = pd.concat([people, people], ignore_index=True)
    t = time.perf_counter()
    g = geo.geocode(big["city"], big["region"], big["country"], big["postal_code"])
    geo_t = time.perf_counter() - t
    print(f"geocode {len(big):,} people: {geo_t:.2f} s (bar < 5 s); precision "
          f"{g['geo_precision'].value_counts().to_dict()}")
    t = time.perf_counter()
    tz = geo.timezones(g["latitude"], g["longitude"])
    tz_t = time.perf_counter() - t
    print(f"time zones of {len(big):,} people: {tz_t:.2f} s (bar < 3 s); "
          f"{int(tz.notna().sum()):,} known")
    t = time.perf_counter()
    gazetteer.Gazetteer(gazetteer.load_tables())
    print(f"gazetteer load from its cache: {time.perf_counter() - t:.2f} s (bar < 2 s)")
    rng = np.random.default_rng(1)
    n_acts = 1_000_000
    many = pd.DataFrame({
        "email": [f"u{i}@acme.com" for i in rng.integers(0, 200_000, n_acts)],
        "type": rng.choice(["webinar", "ebook", "page_visit", "blog", "Demo Request"], n_acts),
        "asset": rng.choice(["/pricing", "Event ROI", "/blog/a", None], n_acts),
        "date": pd.Timestamp("2025-06-01")
        + pd.to_timedelta(rng.integers(0, 450, n_acts), unit="D")})
    t = time.perf_counter()
    eng = engagement.score_engagement(many, engagement.EngagementRules(), today=date(2026, 9, 1))
    eng_t = time.perf_counter() - t
    print(f"engagement score of {n_acts:,} activities ({len(eng):,} people): {eng_t:.2f} s "
          f"(bar < 2 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
