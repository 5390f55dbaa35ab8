"""People -> accounts and opportunities -> accounts / people matching."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import process

from gtmplanner.core import match as match_mod
from gtmplanner.core.match import (
    MatchCancelled,
    match_opportunities,
    match_people_to_accounts,
    match_stats,
)

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def accounts_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (id, name, website[, domain])."""
    df = pd.DataFrame([r[1:] + (None,) * (4 - len(r)) for r in rows],
                      columns=["name", "website", "domain"],
                      index=pd.Index([r[0] for r in rows], name="account_id"))
    return df


def people_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (id, email, company)."""
    return pd.DataFrame([r[1:] for r in rows], columns=["email", "company"],
                        index=pd.Index([r[0] for r in rows], name="person_id"))


ACCOUNTS = accounts_frame([
    (1, "Northwind Logistics, Inc.", "https://www.northwind-logistics.com"),
    (2, "Brightline Analytics", "https://www.brightline-analytics.io"),
    (3, "Harbor & Pine Retail", "harborpine.com"),
    (4, "Acme Corp", "https://acme.com/about"),
    (5, "Apex Systems", "apexsystems.com"),
    (6, "United Bank", None, "unitedbank.com"),
    (7, "Summit Partners", "summitpartners.com"),
    (8, "Summit Partners", "https://summit-partners.co.uk"),
    (9, "Quillfeather Publishing Ltd", "quillfeather.co.uk"),
])


def run(rows: list[tuple], accounts: pd.DataFrame = ACCOUNTS, **kw) -> pd.DataFrame:
    return match_people_to_accounts(people_frame(rows), accounts, **kw)


def row(result: pd.DataFrame, pid: int) -> tuple:
    r = result.loc[pid]
    acc = None if pd.isna(r["account_id"]) else int(r["account_id"])
    method = None if pd.isna(r["match_method"]) else r["match_method"]
    return acc, method, None if pd.isna(r["match_confidence"]) else r["match_confidence"]


def test_result_shape_and_dtypes():
    res = run([(10, "a@northwind-logistics.com", None), (11, None, None)])
    assert list(res.columns) == ["account_id", "match_method", "match_confidence",
                                 "match_candidates"]
    assert list(res.index) == [10, 11]
    assert str(res["account_id"].dtype) == "Int64"
    assert res["match_confidence"].dtype == float
    assert row(res, 11) == (None, None, None)


def test_domain_match_rolls_up_subdomains_and_uses_website_or_domain():
    res = run([(1, "jo@emea.northwind-logistics.com", "Someone Else Entirely"),
               (2, "Al@Brightline-Analytics.io", None),
               (3, "kim@unitedbank.com", None)])     # domain column, no website
    assert row(res, 1) == (1, "domain", 1.0)
    assert row(res, 2) == (2, "domain", 1.0)
    assert row(res, 3) == (6, "domain", 1.0)


def test_free_mail_is_never_a_domain_match():
    accounts = accounts_frame([(1, "Gmail Fan Club", "https://gmail.com")])
    res = run([(1, "x@gmail.com", None), (2, "y@gmail.com", "Gmail Fan Club")], accounts)
    assert row(res, 1) == (None, None, None)
    assert row(res, 2) == (1, "name", 0.95)


def test_platform_websites_are_not_company_domains():
    accounts = accounts_frame([(1, "Tiny Bakery", "https://www.linkedin.com/company/tiny"),
                               (2, "LinkedIn", "https://linkedin.com")])
    res = run([(1, "pat@linkedin.com", None)], accounts)
    assert row(res, 1) == (2, "domain", 1.0)


def test_name_match_on_normalised_key():
    res = run([(1, "x@gmail.com", "NORTHWIND LOGISTICS"), (2, None, "Harbor and Pine Retail"),
               (3, "y@yahoo.com", "quillfeather publishing"), (4, None, "The Acme Corporation")])
    assert row(res, 1) == (1, "name", 0.95)
    assert row(res, 2) == (3, "name", 0.95)
    assert row(res, 3) == (9, "name", 0.95)
    assert row(res, 4) == (4, "name", 0.95)


def test_name_match_with_a_conflicting_work_domain_is_less_sure():
    res = run([(1, "max@acme.de", "Acme GmbH")])
    assert row(res, 1) == (4, "name", 0.85)


def test_same_name_accounts_are_ambiguous_unless_the_domain_decides():
    res = run([(1, "a@gmail.com", "Summit Partners"), (2, "b@summit-partners.co.uk", "Summit"),
               (3, "c@summitpartners.com", "Summit Partners LLC")])
    assert row(res, 1) == (None, None, None)
    cands = json.loads(res.loc[1, "match_candidates"])
    assert sorted(c[0] for c in cands) == [7, 8]
    assert all(c[1] == "Summit Partners" and c[2] == 100.0 for c in cands)
    assert row(res, 2) == (8, "domain", 1.0)
    assert row(res, 3) == (7, "domain", 1.0)


def test_shared_domain_is_settled_by_the_name():
    accounts = accounts_frame([(1, "Acme Corp", "acme.com"), (2, "Acme Health", "acme.com")])
    res = run([(1, "a@acme.com", "Acme Health Inc"), (2, "b@acme.com", None)], accounts)
    assert row(res, 1) == (2, "domain", 1.0)
    assert row(res, 2) == (None, None, None)
    assert sorted(c[0] for c in json.loads(res.loc[2, "match_candidates"])) == [1, 2]


def test_fuzzy_catches_typos_with_a_lower_confidence():
    res = run([(1, "a@gmail.com", "Northwnd Logistics"), (2, None, "Brightlien Analytics"),
               (3, None, "Quilfeather Publishing"), (4, None, "BrightLine-Analytics")])
    for pid, acc in [(1, 1), (2, 2), (3, 9), (4, 2)]:
        got = row(res, pid)
        assert got[:2] == (acc, "fuzzy") or got[:2] == (acc, "name"), (pid, got)
    acc, method, conf = row(res, 1)
    assert method == "fuzzy" and 0.8 <= conf < 0.9


def test_dropped_word_links_only_a_distinctive_unique_prefix():
    res = run([(1, None, "Northwind"), (2, None, "Apex"), (3, None, "United"),
               (4, None, "Brightline Corp")])
    assert row(res, 1)[:2] == (1, "fuzzy")
    assert row(res, 2) == (None, None, None)    # too generic a word on its own
    assert row(res, 3) == (None, None, None)
    assert row(res, 4) == (None, None, None)    # "Corp" says the name is complete


@pytest.mark.parametrize("company", ["Acme Health", "Acme Health Inc", "Apex Logistics",
                                     "United Airlines", "Acme Europe GmbH", "Acme Wealth",
                                     "Summit Partners Europe"])
def test_traps_do_not_match(company):
    res = run([(1, "someone@gmail.com", company), (2, None, company)])
    assert res["account_id"].isna().all(), res


def test_subsidiary_domain_does_not_link_to_the_parent():
    res = run([(1, "max@acme.de", "Acme Europe GmbH")])
    assert row(res, 1) == (None, None, None)


def test_numbers_must_agree():
    accounts = accounts_frame([(1, "Region 1 Health Services", None)])
    res = run([(1, None, "Region 2 Health Services")], accounts)
    assert row(res, 1) == (None, None, None)


def test_near_misses_are_listed_for_review_not_linked():
    accounts = accounts_frame([(1, "Kestrel Health Systems", None),
                               (2, "Kestrel Health Solutions", None)])
    res = run([(1, None, "Kestrel Health Sys"),        # "sys" -> systems: a name match
               (2, None, "Kestrel Helth Systens"),     # two slips in two words: fuzzy
               (3, None, "Kestrel Hlteh Systems"),     # a scrambled word: only a candidate
               (4, None, "Kestrel Health"),            # prefix of two accounts: ambiguous
               (5, None, "Kestrel Health Group")],     # an extra word: nothing
              accounts)
    assert row(res, 1) == (1, "name", 0.95)
    acc, method, conf = row(res, 2)
    assert (acc, method) == (1, "fuzzy") and conf < 0.9
    assert row(res, 3) == (None, None, None)
    assert [c[0] for c in json.loads(res.loc[3, "match_candidates"])] == [1]
    assert row(res, 4) == (None, None, None)
    assert sorted(c[0] for c in json.loads(res.loc[4, "match_candidates"])) == [1, 2]
    assert row(res, 5) == (None, None, None) and pd.isna(res.loc[5, "match_candidates"])
    assert match_stats(res)["ambiguous"] == 2


def test_fuzzy_needs_a_margin_over_the_runner_up():
    accounts = accounts_frame([(1, "Bellmont Logistics", None), (2, "Belmonte Logistics", None)])
    res = run([(1, None, "Belmont Logistics")], accounts)
    assert row(res, 1) == (None, None, None)
    cands = json.loads(res.loc[1, "match_candidates"])
    assert {c[0] for c in cands} == {1, 2}


def test_threshold_controls_fuzzy_links():
    rows = [(1, None, "Northwnd Logistics")]
    assert row(run(rows, fuzzy_threshold=90), 1)[1] == "fuzzy"
    strict = run(rows, fuzzy_threshold=99.5)
    assert row(strict, 1) == (None, None, None)
    assert strict.loc[1, "match_candidates"] is not None


# --------------------------------------------------------------------------- overrides

def overrides(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["person_id", "action", "account_id"])


def test_override_link_wins_over_everything():
    res = run([(1, "jo@northwind-logistics.com", "Northwind"), (2, None, None)],
              overrides=overrides([(1, "link", 2), (2, "link", 3)]))
    assert row(res, 1) == (2, "override", 1.0)
    assert row(res, 2) == (3, "override", 1.0)


def test_override_reject_falls_through_to_the_next_candidate():
    # Rejecting the domain match leaves the name, rejecting both leaves nothing.
    people = [(1, "jo@northwind-logistics.com", "Brightline Analytics")]
    res = run(people, overrides=overrides([(1, "reject", 1)]))
    assert row(res, 1) == (2, "name", 0.85)
    res = run(people, overrides=overrides([(1, "reject", 1), (1, "reject", 2)]))
    assert row(res, 1) == (None, None, None)
    # A rejected twin settles the ambiguity.
    res = run([(5, None, "Summit Partners")], overrides=overrides([(5, "reject", 8)]))
    assert row(res, 5) == (7, "name", 0.95)


def test_override_confirm_keeps_the_pair_at_full_confidence():
    res = run([(1, None, "Northwnd Logistics"), (2, None, None)],
              overrides=overrides([(1, "confirm", 1), (2, "confirm", 4)]))
    assert row(res, 1) == (1, "fuzzy", 1.0)
    assert row(res, 2) == (4, "override", 1.0)   # confirming a pair we did not find links it


def test_overrides_for_unknown_people_or_accounts_are_ignored():
    res = run([(1, None, "Acme Corp")],
              overrides=overrides([(99, "link", 1), (1, "link", 999), (1, "bogus", 2)]))
    assert row(res, 1) == (4, "name", 0.95)


def test_last_decision_wins():
    res = run([(1, None, None)], overrides=overrides([(1, "link", 1), (1, "link", 2)]))
    assert row(res, 1) == (2, "override", 1.0)


# --------------------------------------------------------------------------- engine

def test_progress_and_cancel():
    seen = []
    run([(1, None, "Acme")], progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    with pytest.raises(MatchCancelled):
        run([(1, None, "Acme")], cancelled=lambda: True)


def test_empty_inputs():
    empty_people = people_frame([])
    res = match_people_to_accounts(empty_people, ACCOUNTS)
    assert res.empty and list(res.columns)[0] == "account_id"
    res = run([(1, "a@acme.com", "Acme")], accounts_frame([]))
    assert row(res, 1) == (None, None, None)
    res = match_people_to_accounts(pd.DataFrame(index=pd.Index([1, 2])), ACCOUNTS)
    assert res["account_id"].isna().all()


def test_fuzzy_step_is_blocked_not_all_pairs(monkeypatch):
    """The fuzzy scorer only sees blocked candidates, and only leftovers are scored."""
    rng = np.random.default_rng(0)
    stems = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), 8)) for _ in range(2000)]
    accounts = accounts_frame([(i + 1, f"{s.title()} Logistics", f"{s}.com")
                               for i, s in enumerate(stems)])
    rows = [(i, f"p{i}@{stems[i]}.com", f"{stems[i].title()} Logistics") for i in range(1500)]
    rows += [(5000 + i, None, f"{stems[i][:4]}{stems[i][5:]} Logistics") for i in range(200)]
    calls = []
    real = process.cpdist

    def spy(a, b, **kw):
        calls.append(len(a))
        return real(a, b, **kw)

    monkeypatch.setattr(match_mod.process, "cpdist", spy)
    res = run(rows, accounts)
    assert (res["match_method"] == "domain").sum() == 1500
    assert (res.loc[5000:, "account_id"].to_numpy() == np.arange(1, 201)).mean() > 0.95
    pairs = max(calls)
    assert pairs < 200 * 20, pairs           # all pairs would be 200 x 2000 = 400,000


# --------------------------------------------------------------------------- opportunities

def test_match_opportunities():
    accounts = ACCOUNTS.assign(external_id=[f"001{i}" for i in range(len(ACCOUNTS))])
    people = people_frame([(50, "Dana@Northwind-Logistics.com", "Northwind"),
                           (51, "dana@northwind-logistics.com", "Northwind")])
    opps = pd.DataFrame({
        "account": ["Northwind Logistics, Inc.", "Wrong Name", "BRIGHTLINE ANALYTICS", None,
                    "Summit Partners", "Nobody Inc", "Harbor Pine Retial"],
        "account_external_id": [None, "0013", None, None, None, None, None],
        "contact_email": ["dana@northwind-logistics.com", None, "x@harborpine.com",
                          "y@quillfeather.co.uk", "z@summit-partners.co.uk", None, None],
    }, index=pd.Index([100, 101, 102, 103, 104, 105, 106], name="opp_id"))
    res = match_opportunities(opps, accounts, people)
    assert list(res.columns) == ["account_id", "account_method", "account_confidence",
                                 "person_id"]
    got = {i: (None if pd.isna(r.account_id) else int(r.account_id), r.account_method)
           for i, r in res.iterrows()}
    assert got[100] == (1, "name")
    assert got[101] == (4, "external_id")      # ACCOUNTS row 4 is id 4 ("0013")
    assert got[102] == (2, "name")             # the CRM account name beats the contact's domain
    assert got[103] == (9, "domain")
    assert got[104] == (8, "name")             # twins settled by the contact's domain
    assert got[105][0] is None
    assert got[106] == (3, "fuzzy")
    assert res.loc[100, "person_id"] == 50     # first person with that email
    assert res["person_id"].isna().sum() == 6
    assert str(res["person_id"].dtype) == "Int64"


def test_match_stats():
    res = run([(1, "jo@northwind-logistics.com", None), (2, None, "Acme Corp"),
               (3, None, "Northwnd Logistics"), (4, None, "Summit Partners"), (5, None, None)],
              overrides=overrides([(5, "link", 2)]))
    assert match_stats(res) == {"total": 5, "linked": 4, "override": 1, "domain": 1, "name": 1,
                                "fuzzy": 1, "ambiguous": 1, "unmatched": 0}


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present")
def test_samples_roster_meets_accounts():
    acc = pd.read_csv(SAMPLES / "accounts.csv").rename(
        columns={"Company Name": "name", "Website": "website"})
    acc.index = pd.RangeIndex(1, len(acc) + 1)
    ppl = pd.read_csv(SAMPLES / "eventbrite_attendees.csv").rename(
        columns={"Email": "email", "Company": "company"})
    res = match_people_to_accounts(ppl, acc)
    assert res["account_id"].notna().all()
    # Every link agrees with the roster's own company name.
    names = acc["name"].reindex(res["account_id"].astype(int)).to_numpy()
    from gtmplanner.core.companies import company_key
    assert (company_key(pd.Series(names)).to_numpy() == company_key(ppl["company"]).to_numpy()).all()
    assert set(res["match_method"]) == {"domain", "name"}
