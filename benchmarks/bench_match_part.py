"""Time people -> account matching against all-pairs fuzzy matching, in one run.

    .venv/bin/python benchmarks/bench_match_part.py [--people 100000] [--accounts 50000]
                                                   [--slice 2000] [--json]

Generates accounts with realistic names (coined or uncommon stems + industry
words + legal forms, some sharing a first word) and a roster where ~60% of
people have a work email on their account's domain (names written in every
variant), ~25% use free mail with a company name (some with typos, some
dropped words), and the rest are people we do not know (unknown companies,
no company). Then it times:

- ``match_people_to_accounts`` on everything (domain -> key -> blocked fuzzy);
- the naive baseline: ``rapidfuzz.process.cdist`` of every person's company
  name against every account name with ``token_sort_ratio`` (workers=-1), on
  a slice of people, extrapolated linearly to all people;

and prints both, the ratio (DESIGN.md bar: >= 20x) and match counts.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gtmplanner.core.match import match_people_to_accounts, match_stats  # noqa: E402

HEADS = ["ash", "bel", "cor", "dun", "fen", "gal", "hal", "kel", "mor", "pen", "ros", "tal",
         "val", "wyn", "bram", "cald", "thorn", "stan", "north", "west", "blue", "iron", "oak",
         "elm", "red", "silver", "copper", "lumen", "quill", "kes", "brin", "dray", "fal",
         "glen", "hav", "lark", "mar", "nor", "ost", "pyr", "quin", "rav", "sol", "tid", "ulm",
         "vex", "wil", "yar", "zen", "arc", "bry", "cas", "del", "ever", "fair", "grey"]
MIDS = ["", "", "", "a", "e", "i", "o", "er", "an", "el", "in", "or"]
TAILS = ["brook", "field", "ford", "gate", "haven", "ley", "mere", "mont", "ridge", "stead",
         "ton", "wick", "wind", "line", "feather", "leaf", "water", "fin", "bridge", "well",
         "crest", "dale", "more", "stone", "wood", "worth", "by", "hurst", "shaw", "port"]
INDUSTRIES = ["Logistics", "Analytics", "Health Systems", "Manufacturing", "Retail", "Publishing",
              "Freight", "Energy", "Credit Union", "Software", "Insurance Group", "Robotics",
              "Capital Partners", "Biosciences", "Media", "Consulting", "Foods", "Aerospace",
              "Pharmaceuticals", "Telecom", "Systems", "Labs", "Networks", "Holdings", "Bank",
              "Partners", "Group", "Technologies", "Solutions", "Services", "Studios",
              "Dynamics", "Materials", "Medical", "Security", "Data", "Cloud", "Motors"]
SUFFIXES = ["Inc.", "Inc", "LLC", "Ltd", "Corp", "Corporation", "GmbH", "Co", "PLC", "S.A.",
            "AG", "BV", "Pty Ltd", "", "", "", ""]
TLDS = [".com"] * 6 + [".io", ".co.uk", ".de", ".org", ".net", ".fr", ".com.au"]
FREE = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
        "gmx.de", "hotmail.co.uk", "proton.me", "web.de"]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    c = rng.choice(string.ascii_lowercase)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + c + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + c + word[i:]


def make_data(n_people: int, n_accounts: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(people, accounts) as the matcher takes them; people carry a ``truth`` column."""
    rng = random.Random(seed)
    stems: list[str] = []
    seen: set[str] = set()
    while len(stems) < n_accounts * 0.7:
        stem = rng.choice(HEADS) + rng.choice(MIDS) + rng.choice(TAILS)
        if rng.random() < 0.15:
            stem += " " + rng.choice(HEADS) + rng.choice(TAILS)
        if stem not in seen:
            seen.add(stem)
            stems.append(stem)
    names, bases, domains = [], [], []
    used: set[str] = set()
    while len(names) < n_accounts:
        stem = rng.choice(stems)
        base = f"{stem.title()} {rng.choice(INDUSTRIES)}"
        if base in used:
            continue
        used.add(base)
        suffix = rng.choice(SUFFIXES)
        names.append(f"{base}, {suffix}" if suffix.startswith("Inc") and rng.random() < .4
                     else f"{base} {suffix}".strip())
        bases.append(base)
        label = base.lower().replace(" ", rng.choice(["", "-"]))
        domains.append(label + rng.choice(TLDS))
    accounts = pd.DataFrame({
        "name": names,
        "website": [rng.choice(["https://www.", "http://", ""]) + d for d in domains],
    }, index=pd.RangeIndex(1, n_accounts + 1, name="account_id"))

    emails, companies, truth = [], [], []
    for _ in range(n_people):
        roll = rng.random()
        a = rng.randrange(n_accounts)
        base = bases[a]
        variant = rng.random()
        if variant < .3:
            company = names[a]
        elif variant < .5:
            company = base
        elif variant < .6:
            company = names[a].upper()
        elif variant < .7:
            company = base + " " + rng.choice(["Inc", "LLC", "Ltd.", "Corporation"])
        elif variant < .85:
            words = base.split()
            i = rng.randrange(len(words))
            words[i] = _typo(words[i], rng)
            company = " ".join(words)
        else:
            company = base.replace(" ", " & ", 1) if rng.random() < .3 else base.lower()
        person = f"{rng.choice('abcdefghijklmnopqrstuvwxyz')}{rng.randrange(10**6)}"
        if roll < .60:
            emails.append(f"{person}@{rng.choice(['', '', '', 'emea.'])}{domains[a]}")
            companies.append(company if rng.random() < .9 else None)
            truth.append(a + 1)
        elif roll < .85:
            emails.append(f"{person}@{rng.choice(FREE)}")
            companies.append(company)
            truth.append(a + 1)
        elif roll < .95:
            word = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
            emails.append(f"{person}@{word}.com")
            companies.append(f"{word.title()} {rng.choice(INDUSTRIES)}")
            truth.append(None)
        else:
            emails.append(f"{person}@{rng.choice(FREE)}" if rng.random() < .7 else None)
            companies.append(None)
            truth.append(None)
    people = pd.DataFrame({"email": emails, "company": companies,
                           "truth": pd.array(truth, dtype="Int64")},
                          index=pd.RangeIndex(1, n_people + 1, name="person_id"))
    return people, accounts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--accounts", type=int, default=50_000)
    ap.add_argument("--slice", type=int, default=2_000, help="people in the all-pairs sample")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    people, accounts = make_data(a.people, a.accounts)
    gen_s = time.perf_counter() - t0

    match_people_to_accounts(people.head(200)[["email", "company"]], accounts.head(200))  # warm
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = match_people_to_accounts(people[["email", "company"]], accounts)
        runs.append(time.perf_counter() - t0)
    ours = min(runs)

    queries = people["company"].dropna().head(a.slice).tolist()
    choices = accounts["name"].tolist()
    t0 = time.perf_counter()
    process.cdist(queries, choices, scorer=fuzz.token_sort_ratio, workers=-1, dtype=np.uint8)
    slice_s = time.perf_counter() - t0
    n_named = int(people["company"].notna().sum())
    baseline = slice_s * n_named / len(queries)

    linked = result["account_id"].notna()
    correct = (linked & (result["account_id"] == people["truth"])).fillna(False).astype(bool)
    out = {
        "people": a.people, "accounts": a.accounts, "generate_s": round(gen_s, 2),
        "match_s": round(ours, 3), "match_runs_s": [round(r, 3) for r in runs],
        "baseline_slice": len(queries), "baseline_slice_s": round(slice_s, 3),
        "baseline_extrapolated_s": round(baseline, 1), "people_with_company": n_named,
        "speedup": round(baseline / ours, 1),
        "precision": round(float(correct.sum() / max(int(linked.sum()), 1)), 4),
        "recall": round(float(correct.sum() / max(int(people["truth"].notna().sum()), 1)), 4),
        "stats": match_stats(result),
    }
    if a.json:
        print(json.dumps(out))
    else:
        print(f"data: {a.people:,} people x {a.accounts:,} accounts (generated in {gen_s:.1f} s)")
        print(f"match_people_to_accounts: {ours:.3f} s (runs {out['match_runs_s']})")
        print(f"all-pairs cdist token_sort_ratio: {slice_s:.2f} s for {len(queries):,} x "
              f"{len(choices):,} -> {baseline:.1f} s extrapolated to {n_named:,} names")
        print(f"speed-up: {out['speedup']}x (bar: >= 20x)")
        print(f"precision {out['precision']}, recall {out['recall']}; {out['stats']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
