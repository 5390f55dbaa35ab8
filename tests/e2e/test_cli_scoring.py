"""score / people / explain / override on the sample exports, through the real command."""

from __future__ import annotations

import json
import sqlite3

import pytest


def j(proc):
    return json.loads(proc.stdout)


@pytest.fixture
def samples_project(cli, samples, tmp_path):
    proj = tmp_path / "s.gtmp"
    for kind, name in (("reps", "reps.csv"), ("accounts", "accounts.csv"),
                       ("opportunities", "opportunities_report.csv"),
                       ("roster", "eventbrite_attendees.csv"), ("activities", "activities.csv")):
        cli("import", str(proj), str(samples / name), "--kind", kind, "--event", "Summit")
    return proj


def test_score_reports_every_count(cli, samples_project):
    s = j(cli("score", str(samples_project), "--json"))
    assert s["people"] == 40
    assert sum(s["tiers"].values()) == 40 and set(s["tiers"]) <= {"A", "B", "C", "D", "none"}
    assert s["mql"]["hot"] >= 1
    assert s["match"].get("domain", 0) >= 30          # corporate emails match by domain
    assert {"lost_retarget", "lost_bad_fit"} <= set(s["opportunities"])
    assert s["geocoding"].get("postal", 0) + s["geocoding"].get("city", 0) == 40
    assert s["elapsed_seconds"] >= 0
    db = sqlite3.connect(samples_project)
    reasons = db.execute("SELECT reasons FROM people WHERE tier = 'A' LIMIT 1").fetchone()[0]
    assert reasons.startswith(("+", "-")) and "|" in reasons


def test_people_near_boston_uses_the_attendee_not_the_hq(cli, samples_project):
    cli("score", str(samples_project))
    near = j(cli("people", str(samples_project), "--near", "Boston, MA", "--radius", "60mi",
                 "--json"))
    cities = {p["city"] for p in near["people"]}
    assert "Worcester" in cities and "Austin" not in cities and "Hamburg" not in cities
    assert all(p["distance_mi"] <= 60 for p in near["people"])
    # Chloé lives in Hamburg though her company (Northwind) is in Chicago: never near Boston.
    assert "chloe.singh@northwind-logistics.com" not in {p["email"] for p in near["people"]}
    km = j(cli("people", str(samples_project), "--near", "Boston, MA", "--radius", "97km",
               "--json"))
    assert km["count"] == near["count"]
    hot = j(cli("people", str(samples_project), "--mql", "hot", "--json"))
    assert hot["count"] >= 1 and all(p["mql_status"] == "hot" for p in hot["people"])
    rt = j(cli("people", str(samples_project), "--retarget", "--tier", "A,B", "--json"))
    assert all(p["retarget"] and p["tier"] in ("A", "B") for p in rt["people"])
    assert all(p["retarget_opp_name"] for p in rt["people"])
    csv_out = samples_project.parent / "near.csv"
    no_place = cli("people", str(samples_project), "--where", "distance_mi <= 60", check=False)
    assert no_place.returncode != 0 and "event has no place" in no_place.stderr
    cli("people", str(samples_project), "--where",
        'tier in (A, B) and within 60mi of "Boston, MA"', "--csv", str(csv_out))
    assert csv_out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("person_id")


def test_explain_and_override_survive_rescoring(cli, samples_project):
    cli("score", str(samples_project))
    email = "noah.novak@meridian-freight.de"
    e = j(cli("explain", str(samples_project), email, "--json"))
    assert e["tier"] in "ABCD" and e["reasons"]
    assert sum(r["points"] for r in e["reasons"]) == e["score"] or e["score"] in (0, 100)
    assert e["account"]["name"] == "Meridian Freight GmbH" and e["account"]["method"] == "domain"
    assert e["location"]["precision"] == "postal" and e["location"]["label"].startswith("Boston")
    cli("override", str(samples_project), email, "--tier", "D")
    cli("override", str(samples_project), email, "--reject")
    cli("score", str(samples_project))
    after = j(cli("explain", str(samples_project), email, "--json"))
    assert after["tier"] == "D" and after["tier_overridden"]
    from gtmplanner.core.analysis import people_frame
    from gtmplanner.core.store import Project
    with Project(samples_project) as p:
        row = people_frame(p, where="email = ?", params=(email,)).iloc[0]
        assert row["tier"] == "D" and row["computed_tier"] == sqlite3.connect(
            samples_project).execute("SELECT tier FROM people WHERE email = ?",
                                     (email,)).fetchone()[0]
    assert after["account"]["name"] != "Meridian Freight GmbH"
    bad = cli("explain", str(samples_project), "nobody@x.com", check=False)
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    bad_place = cli("people", str(samples_project), "--near", "Bostn", check=False)
    assert bad_place.returncode != 0 and "did you mean" in bad_place.stderr
