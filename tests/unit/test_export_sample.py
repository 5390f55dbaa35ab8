"""Sample targets for the export tests and benchmark (plus checks of the sample itself).

Other export tests load :func:`make_targets` from this file by path (see
``load_sample``), so they do not depend on how pytest puts tests on sys.path.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd

EVENT = {
    "name": "SaaStr & Friends 2026",
    "city": "Austin",
    "start_date": dt.date(2026, 11, 23),
    "end_date": dt.date(2026, 11, 25),  # Wed; Thu 26 Nov is Thanksgiving
}
REPS = [
    ("Alice Martin", "alice@example.com", "US"),
    ("Bruno Díaz", "bruno@example.com", "US"),
    ("Chloé Dubois", "chloe@example.fr", "FR"),
    ("Dieter Kühn", "dieter@example.de", "DE"),
]
NASTY = [
    '=HYPERLINK("http://x","click")',
    "@SUM(A1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
]
FIRST = ["Ana", "Zoë", "Łukasz", "Chloé", "Wei", "Sam", "Priya", "José", "Ola", "Kim", "美咲"]
LAST = ["Nowak", "García", "Smith", "O'Brien", "Müller", "Chen", "Dubois", "Patel", "田中"]
COMPANIES = ["Acme, Inc.", "Globex", "Initech", "Umbrella GmbH", "Hooli", "Stark Industries"]
REASONS = [
    "+25 industry Software is in ICP",
    "+15 VP-level marketing persona",
    "+10 uses Salesforce",
    "+8 intent: event marketing",
    "-10 no valid email",
    "+5 within 20 mi of the venue",
]


def make_targets(n: int = 40, *, seed: int = 7, nasty: bool = True) -> pd.DataFrame:
    """A targets frame following the export input contract (with NA sprinkled in)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        rep, rep_email, rep_country = REPS[i % len(REPS)]
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        tier = "ABCD"[rnd.randrange(4)]
        lost = rnd.random() < 0.3
        rows.append(
            {
                "target_id": f"T{i:06d}",
                "rep": rep,
                "rep_email": rep_email,
                "rep_country": rep_country,
                "segment": "Austin A/B",
                "priority": rnd.randint(1, 3),
                "first_name": first,
                "last_name": last,
                "full_name": f"{first} {last}",
                "email": None if i % 11 == 5 else f"{first.lower()}.{i}@corp{i % 7}.com",
                "phone": f"+1 512 555 {1000 + i}" if i % 3 else None,
                "title": rnd.choice(["VP Marketing", "Field Marketing Manager", "CMO", "SDR"]),
                "seniority": "vp",
                "company": rnd.choice(COMPANIES),
                "city": rnd.choice(["Austin", "Round Rock", "San Marcos"]),
                "region": "TX",
                "country": "US",
                "distance_mi": round(rnd.uniform(0, 60), 1) if i % 5 else None,
                "tier": tier,
                "score": rnd.randint(10, 99),
                "reasons": "|".join(rnd.sample(REASONS, 3)),
                "mql_status": rnd.choice(["hot", "warm", None]),
                "retarget": lost,
                "opp_name": f"{COMPANIES[i % 6]} expansion" if lost else None,
                "opp_amount": 45000.0 + i if lost else None,
                "opp_stage": "Closed Lost" if lost else None,
                "opp_loss_reason": "Budget" if lost else None,
                "opp_closed_date": dt.date(2026, 3, 2) if lost else None,
                "opp_owner": rep if lost else None,
                "talking_points": "Ask about their Q1 field plan; mention the Austin dinner.",
                "subject": f"Meet at {EVENT['name']}?",
                "body": f"Hi {first},\n\nWe will be at booth 42. Coffee on Tuesday?\n\nBest,\n{rep}",
                "status": "Not contacted",
                "notes": None,
                "next_step": None,
                "touches": 0,
                "last_touch_date": None,
                "due_date": None,
            }
        )
    df = pd.DataFrame(rows)
    if nasty and n >= 8:
        df.loc[0, "full_name"] = NASTY[0]
        df.loc[1, "company"] = NASTY[1]
        df.loc[2, "title"] = NASTY[2]
        df.loc[3, "notes"] = NASTY[3]
        df.loc[4, "full_name"] = "Zoë Łukasz 田中"
    return df


def load_sample() -> ModuleType:
    """This module, loaded by file path (used by the other export tests)."""
    name = "_gtm_export_sample"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_sample_follows_contract() -> None:
    df = make_targets(20)
    for column in ("target_id", "rep", "rep_country", "tier", "score", "reasons", "due_date"):
        assert column in df.columns
    assert df["target_id"].is_unique
    assert df["email"].isna().any()
