"""The gtmplanner command on real-shaped files, checked from the outside."""

from __future__ import annotations

import json
import sqlite3

import pytest

from gtmplanner import __version__


def j(proc):
    return json.loads(proc.stdout)


def test_version_and_help(cli):
    assert cli("--version").stdout.strip() == f"gtmplanner {__version__}"
    out = cli("--help").stdout
    for cmd in ("demo", "import", "score", "people", "export", "sync", "report"):
        assert cmd in out


@pytest.mark.parametrize("name,kind,expect", [
    ("eventbrite_attendees.csv", "roster",
     {"Email": "email", "First Name": "first_name", "Home City": "city", "Home Zip": "postal_code",
      "Job Title": "title", "Company": "company"}),
    ("accounts.csv", "accounts", {"Company Name": "name", "Website": "website",
                                  "Primary Industry": "industry", "Employees": "employees"}),
    ("opportunities_report.csv", "opportunities",
     {"Opportunity Name": "name", "Account Name": "account", "Stage": "stage",
      "Amount": "amount", "Opportunity ID": "external_id", "Loss Reason": "loss_reason"}),
    ("activities.csv", "activities", {"Email": "email", "Activity Type": "type", "Date": "date"}),
    ("reps.csv", "reps", {"Name": "name", "Email": "email"}),
])
def test_import_each_sample_and_account_for_every_row(cli, samples, tmp_path, name, kind, expect):
    proj = tmp_path / "p.gtmp"
    out = j(cli("import", str(proj), str(samples / name), "--kind", kind, "--json"))
    for key in ("kind", "rows_read", "rows_imported", "rows_merged", "rows_rejected", "mapping",
                "rejected", "warnings"):
        assert key in out
    assert out["kind"] == kind
    assert out["rows_read"] == out["rows_imported"] + out["rows_merged"] + out["rows_rejected"]
    assert out["rows_read"] > 0 and out["rows_imported"] > 0
    for src, field in expect.items():
        assert out["mapping"].get(src) == field, (src, out["mapping"])
    table = {"roster": "people", "accounts": "accounts", "opportunities": "opportunities",
             "activities": "activities", "reps": "reps"}[kind]
    db = sqlite3.connect(proj)
    assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == out["rows_imported"]
    rec = db.execute("SELECT file_name, sha256, kind, rows_read, mapping FROM imports").fetchone()
    assert rec[0] == name and len(rec[1]) == 64 and rec[2] == kind and rec[3] == out["rows_read"]


def test_roster_values_are_normalised(cli, samples, tmp_path):
    proj = tmp_path / "p.gtmp"
    cli("import", str(proj), str(samples / "eventbrite_attendees.csv"), "--kind", "roster",
        "--event", "Summit")
    db = sqlite3.connect(proj)
    row = db.execute("SELECT first_name, email, city, region, country, postal_code, company, "
                     "domain FROM people WHERE email='noah.novak@meridian-freight.de'").fetchone()
    assert row == ("Noah", "noah.novak@meridian-freight.de", "Boston", "MA", "US", "02110",
                   "Meridian Freight GmbH", "meridian-freight.de")
    assert db.execute("SELECT COUNT(*) FROM event_people").fetchone()[0] == \
        db.execute("SELECT COUNT(*) FROM people").fetchone()[0]


def test_same_file_twice_changes_nothing_and_says_so(cli, samples, tmp_path):
    proj = tmp_path / "p.gtmp"
    args = ("import", str(proj), str(samples / "accounts.csv"), "--kind", "accounts", "--json")
    first = j(cli(*args))
    before = sqlite3.connect(proj).execute("SELECT COUNT(*), MAX(id) FROM accounts").fetchone()
    second = j(cli(*args))
    assert second["already_imported"] is True
    assert second["rows_imported"] == 0 and "already imported" in second["message"]
    after = sqlite3.connect(proj).execute("SELECT COUNT(*), MAX(id) FROM accounts").fetchone()
    assert before == after and first["rows_imported"] == before[0]


def test_user_mapping_is_saved_and_reused_for_the_same_shape(cli, tmp_path):
    src = tmp_path / "scans.csv"
    src.write_text("Badge,Who,Employer,Notes\nb1,ana@acme.com,Acme,met at booth\n"
                   "b2,bo@beta.io,Beta,wants demo\n", encoding="utf-8")
    proj = tmp_path / "p.gtmp"
    out = j(cli("import", str(proj), str(src), "--kind", "roster", "--map", "Who=email",
                "--map", "Employer=company", "--json"))
    assert out["mapping"]["Who"] == "email" and out["mapping"]["Employer"] == "company"
    src2 = tmp_path / "scans2.csv"
    src2.write_text("Badge,Who,Employer,Notes\nb3,cy@gamma.com,Gamma,call later\n",
                    encoding="utf-8")
    out2 = j(cli("import", str(proj), str(src2), "--kind", "roster", "--json"))
    assert out2["saved_mapping_used"] is True
    assert out2["mapping"]["Employer"] == "company"


def test_bad_files_fail_with_one_clear_line(cli, tmp_path):
    proj = tmp_path / "p.gtmp"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    for f in (empty, junk, tmp_path / "missing.csv"):
        proc = cli("import", str(proj), str(f), "--kind", "roster", check=False)
        assert proc.returncode != 0
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert f.name in lines[0]
        assert "Traceback" not in proc.stderr
    bad_map = cli("import", str(proj), str(empty), "--kind", "roster", "--map", "nonsense",
                  check=False)
    assert bad_map.returncode != 0 and len(bad_map.stderr.strip().splitlines()) == 1


def test_rows_without_identity_are_rejected_with_row_numbers(cli, tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("First Name,Last Name,Email,Company\n"
                   "Ana,Lopez,ana@acme.com,Acme\n"
                   ",,,Nobody Inc\n"
                   "Bo,Chan,not-an-email,Beta\n"
                   "Ana,Lopez,ANA@acme.com ,Acme Inc.\n", encoding="utf-8")
    proj = tmp_path / "p.gtmp"
    out = j(cli("import", str(proj), str(src), "--kind", "roster", "--json"))
    assert out["rows_read"] == 4
    assert out["rows_rejected"] == 1 and out["rejected"][0]["row"] == 3
    assert out["rows_merged"] == 1 and out["rows_imported"] == 2
    assert any("invalid email" in w and "4" in w for w in out["warnings"])
    db = sqlite3.connect(proj)
    assert db.execute("SELECT email FROM people WHERE first_name='Bo'").fetchone() == (None,)


def test_unmapped_columns_are_kept_per_import_and_merge(tmp_path):
    from gtmplanner.core.importer import extra_attributes, import_file
    from gtmplanner.core.store import Project
    a = tmp_path / "a.csv"
    a.write_text('Email,T-Shirt,Diet\nana@acme.com,M,"Vegan, ""strict"""\nbo@beta.io,,\n',
                 encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("Email,Session Track\nana@acme.com,Track B\n", encoding="utf-8")
    p = Project.create(tmp_path / "p.gtmp")
    import_file(p, a, "roster")
    import_file(p, b, "roster")
    ana = p.conn.execute("SELECT id FROM people WHERE email='ana@acme.com'").fetchone()[0]
    bo = p.conn.execute("SELECT id FROM people WHERE email='bo@beta.io'").fetchone()[0]
    assert extra_attributes(p, "people", ana) == {"T-Shirt": "M", "Diet": 'Vegan, "strict"',
                                                  "Session Track": "Track B"}
    assert extra_attributes(p, "people", bo) == {}


def test_same_name_and_company_with_another_email_is_another_person(tmp_path):
    from gtmplanner.core.importer import import_file
    from gtmplanner.core.store import Project
    a = tmp_path / "a.csv"
    a.write_text("First Name,Last Name,Email,Company\nAna,Lopez,ana@acme.com,Acme\n"
                 "Bo,Chan,,Beta\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("First Name,Last Name,Email,Company\nAna,Lopez,ana.lopez@other.com,Acme\n"
                 "Bo,Chan,bo@beta.io,Beta\n", encoding="utf-8")
    p = Project.create(tmp_path / "p.gtmp")
    import_file(p, a, "roster")
    r = import_file(p, b, "roster")
    assert (r.rows_imported, r.rows_merged) == (1, 1)   # Ana is new; Bo had no email: merged
    emails = {e for (e,) in p.conn.execute("SELECT email FROM people")}
    assert emails == {"ana@acme.com", "ana.lopez@other.com", "bo@beta.io"}
