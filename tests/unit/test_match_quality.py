"""Precision and recall of people -> account matching on a labelled set.

The set is generated here, deterministically, the way rosters really differ
from CRMs: legal suffixes added or dropped, punctuation, case, "&"/"and",
"Intl", one- and two-letter typos, dropped words ("Northwind" for
"Northwind Logistics"), subsidiaries on their own domains, companies that
share a first word with an account ("Acme Health" when the CRM has "Acme
Corp"), two accounts with the same name, free-mail addresses with and
without a company, people with no company at all. Every row carries the
account it should link to, or none.

Precision = linked correctly / linked; recall = linked correctly / rows
that should be linked. Run with ``-s`` to see them printed.
"""

from __future__ import annotations

import random
import string

import pandas as pd
import pytest

from gtmplanner.core.match import match_people_to_accounts, match_stats

SEED = 20260901

# Distinctive stems, as CRM account names are made of (coined or uncommon words).
STEMS = """
northwind brightline kestrel vantage harbor quillfeather meridian copperleaf tidewater lumen
stonebridge bluefin ashgrove birchwood cobalt driftwood emberly falconer glenmore hollister
ironbark juniper kingsley larkspur marlow nettleford oakhurst pembroke quarry redwater
saltmarsh thistle umber valemont westbrook yarrow zephyrine alderton brackenridge
calloway dunmore everhart foxglove granger hawthorne inglewood jessamine kittredge
lockhart mayfield northgate orchard penrose quinlan rosewood sherwood tamarind underhill
verity whitlock wrenfield yellowpine blackthorn cedarline dovetail eastwick fernhill
goldcrest heathrow islington jadestone kinross lindenwood moorfield newhaven oxbow
amberfield bellwether crestmoor dalwhinnie elmstead farrow greystoke hartwell ivywood
jarrow kestrelmoor lowther mistral norcross ormsby pellucid quenby rushmere silverdale
trelawney upwell vireo wetherby
""".split()
COIN_HEADS = ["ash", "bel", "cor", "dun", "fen", "gal", "hal", "kel", "mor", "pen", "ros", "tal",
              "val", "wyn", "bram", "cald", "thorn", "stan"]
COIN_TAILS = ["brook", "field", "ford", "gate", "haven", "ley", "mere", "mont", "ridge", "stead",
              "ton", "wick"]
# Two-word stems (the second word is part of the name, not the industry).
PAIRS = ["lumen ridge", "harbor pine", "silver birch", "north star", "blue heron", "red kite",
         "iron gate", "clear water", "stone arch", "bright path"]
INDUSTRIES = ["Logistics", "Analytics", "Health Systems", "Manufacturing", "Retail", "Publishing",
              "Freight", "Energy", "Credit Union", "Software", "Insurance Group", "Robotics",
              "Capital Partners", "Biosciences", "Media", "Consulting", "Foods", "Aerospace",
              "Pharmaceuticals", "Telecom"]
SUFFIXES = ["Inc.", "Inc", "LLC", "Ltd", "Corp", "Corporation", "GmbH", "Co", "PLC", "S.A.",
            "AG", "BV", "Pty Ltd", ""]
TLDS = [".com", ".com", ".com", ".io", ".co.uk", ".de", ".org", ".net"]
FREE = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
        "gmx.de", "hotmail.co.uk", "proton.me"]
FIRST = ["noah", "chloe", "aisha", "jordan", "mei", "rahul", "grace", "diego", "priya", "sofia",
         "sven", "hannah", "marcus", "fatima", "oliver", "avery", "wei", "tomas", "ines", "kofi"]
LAST = ["novak", "singh", "rossi", "okafor", "murphy", "dubois", "tanaka", "patel", "garcia",
        "walsh", "chen", "brennan", "moreau", "ibrahim", "alvarez", "kim", "larsen", "haddad"]


def _typo(word: str, rng: random.Random, edits: int) -> str:
    """One or two keyboard slips in a word (never the first letter)."""
    for _ in range(edits):
        if len(word) < 5:
            return word
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(["sub", "del", "swap", "ins"])
        c = rng.choice(string.ascii_lowercase)
        if kind == "sub":
            word = word[:i] + c + word[i + 1:]
        elif kind == "del":
            word = word[:i] + word[i + 1:]
        elif kind == "swap":
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            word = word[:i] + c + word[i:]
    return word


def _one_typo(name: str, rng: random.Random) -> str:
    """One slip in one word of five letters or more."""
    words = name.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if long:
        i = rng.choice(long)
        words[i] = _typo(words[i], rng, 1)
    return " ".join(words)


def _two_typos(name: str, rng: random.Random) -> str:
    """Two slips in a name: both in one long word, or one in each of two words."""
    words = name.split()
    long = [i for i, w in enumerate(words) if len(w) >= 6]
    if not long:
        return name
    if len(long) >= 2 and rng.random() < .5:
        for i in rng.sample(long, 2):
            words[i] = _typo(words[i], rng, 1)
    else:
        i = rng.choice(long)
        words[i] = _typo(words[i], rng, 2)
    return " ".join(words)


def _person_email(rng: random.Random, domain: str | None) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if domain is None:
        return f"{first}{last[0]}{rng.randrange(10, 99)}@{rng.choice(FREE)}"
    return f"{first}.{last}@{domain}"


def build_labelled_set(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(people with a ``truth`` and ``case`` column, accounts) - deterministic."""
    rng = random.Random(seed)
    accounts: list[dict] = []
    coined = sorted({a + b for a in COIN_HEADS for b in COIN_TAILS} - set(STEMS))
    stems = STEMS + PAIRS + rng.sample(coined, 40)
    rng.shuffle(stems)
    for stem in stems:
        # Most stems name one account; some name two ("Northwind Logistics", "Northwind Energy").
        for industry in rng.sample(INDUSTRIES, 2 if rng.random() < .4 else 1):
            base = f"{stem.title()} {industry}"
            suffix = rng.choice(SUFFIXES)
            name = f"{base}, {suffix}" if suffix.startswith("Inc") and rng.random() < .4 \
                else f"{base} {suffix}".strip()
            label = stem.replace(" ", "") + ("-" + industry.split()[0].lower()
                                             if rng.random() < .5 else industry[0].lower())
            domain = label + rng.choice(TLDS)
            website = rng.choice([f"https://www.{domain}", f"http://{domain}/", domain,
                                  f"https://www.{domain}/about-us"])
            accounts.append({"name": name, "website": website, "base": base, "stem": stem,
                             "industry": industry, "domain_": domain})
    # Traps: first words shared with companies that are NOT accounts, and same-name twins.
    traps = [("Acme Corp", "acme.com"), ("Apex Systems", "apexsystems.com"),
             ("United Bank", "unitedbank.com"), ("Summit Partners", "summitpartners.com"),
             ("Summit Partners", "summit-partners.co.uk"), ("Apex Logistics", "apexlogistics.com"),
             ("Orion Health", "orionhealth.com"), ("Acme Europe GmbH", None)]
    for name, domain in traps[:-1]:
        accounts.append({"name": name, "website": domain, "base": name, "stem": name.split()[0],
                         "industry": name.split()[1], "domain_": domain})
    acc = pd.DataFrame(accounts)
    acc.index = pd.RangeIndex(1, len(acc) + 1, name="account_id")

    rows: list[dict] = []

    def add(email: str | None, company: str | None, truth: int | None, case: str) -> None:
        rows.append({"email": email, "company": company, "truth": truth, "case": case})

    regular = acc[~acc["name"].isin([t[0] for t in traps])]
    for aid, a in regular.sample(frac=1.0, random_state=seed).iterrows():
        base, domain = a["base"], a["domain_"]
        variants = {
            "exact": a["name"],
            "upper": a["name"].upper(),
            "no_suffix": base,
            "other_suffix": f"{base} {rng.choice(['Inc', 'LLC', 'Ltd.', 'Corporation'])}",
            "punct": base.replace(" ", " - ", 1) + ".",
            "typo1": _one_typo(base, rng),
            "typo2": _two_typos(base, rng),
        }
        if (acc["stem"] == a["stem"]).sum() == 1:
            variants["dropped_word"] = a["stem"].title()
        if "&" not in base and " " in a["stem"]:
            variants["and"] = base.replace(" ", " & ", 1)
        picks = rng.sample(sorted(variants), 3)
        for i, kind in enumerate(picks):
            company = variants[kind]
            roll = rng.random()
            if i == 0 and roll < .55:
                host = rng.choice(["", "", "emea.", "mail."]) + domain
                add(_person_email(rng, host), company, aid, f"corporate+{kind}")
            elif roll < .85:
                add(_person_email(rng, None), company, aid, f"freemail+{kind}")
            else:
                add(None, company, aid, f"no_email+{kind}")
        if rng.random() < .25:
            add(_person_email(rng, domain), None, aid, "corporate+no_company")
        if rng.random() < .1:
            add(_person_email(rng, domain), "Self-employed", aid, "corporate+odd_company")

    ids = {name: i for i, name in zip(acc.index, acc["name"], strict=True)}
    twin = acc.index[acc["name"] == "Summit Partners"].tolist()
    trap_people = [
        (None, "Acme Health", None, "trap+first_word"),
        ("jo@acmehealth.com", "Acme Health Inc", None, "trap+first_word"),
        (None, "Acme Wealth", None, "trap+first_word"),
        (None, "Apex Solutions", None, "trap+first_word"),
        ("li@apex-consulting.com", "Apex Consulting", None, "trap+first_word"),
        (None, "United Airlines", None, "trap+first_word"),
        ("kim@united.com", "United Airlines", None, "trap+first_word"),
        (None, "Orion Healthcare Partners", None, "trap+first_word"),
        ("max@acme.de", "Acme Europe GmbH", None, "trap+subsidiary"),
        (None, "Acme Europe GmbH", None, "trap+subsidiary"),
        (None, "Summit Partners", None, "trap+same_name_twins"),
        ("ana@gmail.com", "Summit Partners LLC", None, "trap+same_name_twins"),
        ("ana@summitpartners.com", "Summit Partners", twin[0], "twin+domain"),
        ("ben@summit-partners.co.uk", "Summit Partners Ltd", twin[1], "twin+domain"),
        ("cy@acme.com", "ACME CORPORATION", ids["Acme Corp"], "trap_account+exact"),
        (None, "Acme Corp.", ids["Acme Corp"], "trap_account+exact"),
        (None, "Apex Systems Inc", ids["Apex Systems"], "trap_account+exact"),
        (None, "APEX LOGISTICS", ids["Apex Logistics"], "trap_account+exact"),
        (None, "Apex Logistcs", ids["Apex Logistics"], "trap_account+typo"),
        (None, "United Bank", ids["United Bank"], "trap_account+exact"),
    ]
    for email, company, truth, case in trap_people:
        add(email, company, truth, case)
    # Near-miss companies: a stem of an account with a different industry word.
    for _aid, a in regular.sample(40, random_state=seed + 1).iterrows():
        others = [i for i in INDUSTRIES
                  if i not in set(acc.loc[acc["stem"] == a["stem"], "industry"])]
        add(None, f"{a['stem'].title()} {rng.choice(others)}", None, "near_miss+other_industry")
    # Look-alike companies: an account's name with another first letter ("Valgate" / "Halgate").
    for _aid, a in regular.sample(20, random_state=seed + 2).iterrows():
        stem = a["stem"]
        other = rng.choice([c for c in "bcdfghklmprstvw" if c != stem[0]]) + stem[1:]
        if other not in set(acc["stem"]):
            add(None, f"{other.title()} {a['industry']}", None, "near_miss+look_alike")
    # Nobody we know: unknown companies, free mail without a company, no company at all.
    for i in range(40):
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(7))
        add(f"x{i}@{word}.com", f"{word.title()} {rng.choice(INDUSTRIES)}", None,
            "unknown+corporate")
        add(_person_email(rng, None), None, None, "freemail+no_company")
        if i % 2:
            add(None, None, None, "nothing")
    people = pd.DataFrame(rows)
    people["truth"] = people["truth"].astype("Int64")
    people.index = pd.RangeIndex(1000, 1000 + len(people), name="person_id")
    return people, acc[["name", "website"]]


def _scores(people: pd.DataFrame, result: pd.DataFrame) -> tuple[float, float, pd.DataFrame]:
    got, truth = result["account_id"], people["truth"]
    linked = got.notna()
    correct = (linked & truth.notna() & (got == truth)).fillna(False).astype(bool)
    precision = correct.sum() / max(int(linked.sum()), 1)
    recall = correct.sum() / max(int(truth.notna().sum()), 1)
    wrong = people[linked & ~correct].assign(got=got[linked & ~correct])
    return float(precision), float(recall), wrong


def test_labelled_set_is_realistic_and_big_enough():
    people, accounts = build_labelled_set()
    assert len(people) >= 400 and len(accounts) >= 200
    cases = people["case"].str.split("+").str[-1].value_counts()
    for kind in ("typo1", "typo2", "dropped_word", "upper", "no_suffix", "no_company",
                 "first_word", "subsidiary", "same_name_twins", "look_alike"):
        assert cases.get(kind, 0) > 0, kind
    assert people["truth"].isna().sum() >= 100   # plenty of rows that must stay unlinked


def test_precision_and_recall(record_property):
    people, accounts = build_labelled_set()
    result = match_people_to_accounts(people[["email", "company"]], accounts)
    precision, recall, wrong = _scores(people, result)
    stats = match_stats(result)
    by_case = (pd.DataFrame({"case": people["case"], "ok": (result["account_id"] == people["truth"])
                             .fillna(False), "should": people["truth"].notna()})
               .query("should").groupby("case")["ok"].mean().round(3))
    print(f"\nmatch quality on {len(people)} people x {len(accounts)} accounts: "
          f"precision={precision:.4f} recall={recall:.4f}")
    print("methods:", stats)
    print("recall by case:\n" + by_case.to_string())
    if len(wrong):
        print("wrong links:\n" + wrong.to_string())
    missed = people["truth"].notna() & (result["account_id"] != people["truth"]).fillna(True)
    print(f"missed ({int(missed.sum())}, first 10):\n"
          + pd.concat([people, result], axis=1)[missed].head(10).to_string())
    record_property("match_precision", round(precision, 4))
    record_property("match_recall", round(recall, 4))
    assert precision >= 0.98
    assert recall >= 0.90


@pytest.mark.parametrize("threshold", [85.0, 95.0])
def test_quality_holds_across_thresholds(threshold):
    """A looser or stricter threshold moves recall, never precision below the bar."""
    people, accounts = build_labelled_set(SEED + 7)
    result = match_people_to_accounts(people[["email", "company"]], accounts,
                                      fuzzy_threshold=threshold)
    precision, recall, _ = _scores(people, result)
    assert precision >= 0.98
    assert recall >= 0.85
