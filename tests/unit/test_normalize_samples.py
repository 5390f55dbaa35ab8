"""The normalisers on the real-shaped sample exports (read as plain text columns)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gtmplanner.core import normalize as nz


def _read(samples: Path, name: str) -> pd.DataFrame:
    path = samples / name
    if not path.exists():
        pytest.skip(f"sample {name} not available")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_eventbrite_roster(samples: Path) -> None:
    df = _read(samples, "eventbrite_attendees.csv")
    ordered = nz.parse_dates(df["Order Date"])
    assert ordered.notna().all()
    assert ordered.iloc[0] == pd.Timestamp("2026-09-01 16:00")  # local wall-clock time kept
    emails, invalid = nz.normalize_emails(df["Email"])
    assert not invalid.any()
    assert "aisha.garcía@quillfeather.co.uk" in set(emails)
    country = nz.normalize_country(df["Home Country"])
    assert set(country) == {"US", "DE", "GB"}
    region = nz.normalize_region(df["Home State"], country)
    assert region[country == "US"].notna().all()
    assert region[country != "US"].isna().all()  # blank in the file
    postal, repaired = nz.normalize_postal(df["Home Zip"], country)
    assert postal.iloc[0] == "02110" and not repaired.any()
    attended = nz.parse_bool(df["Attendee Status"])
    assert attended[df["Attendee Status"] == "Checked In"].all()
    assert attended[df["Attendee Status"] == "Attending"].isna().all()
    first = nz.tidy_person_names(df["First Name"])
    assert "Chloé" in set(first)


def test_salesforce_opportunity_report(samples: Path) -> None:
    df = _read(samples, "opportunities_report.csv")
    df = df[df["Opportunity ID"].str.strip() != ""]
    amounts, currency = nz.parse_money(df["Amount"])
    assert amounts.notna().all() and (currency == "USD").all()
    assert amounts.iloc[0] == 322_000
    for col in ("Close Date", "Created Date", "Last Activity"):
        assert nz.parse_dates(df[col]).notna().all(), col
    assert nz.detect_dayfirst(df["Close Date"]) is False
    loss = nz.clean_text(df["Loss Reason"])
    assert loss[df["Loss Reason"] == "-"].isna().all()
    assert nz.damaged_values(df["Opportunity ID"], "external_id") == []


def test_account_list(samples: Path) -> None:
    df = _read(samples, "accounts.csv")
    employees = nz.parse_employees(df["Employees"])
    assert employees.iloc[0] == 2400 and employees.notna().all()
    revenue, _ = nz.parse_money(df["Revenue (USD)"])
    assert revenue.iloc[0] == 610_000_000
    sites = nz.normalize_url(df["Website"])
    assert sites.str.startswith("https://").all()
    assert set(nz.normalize_country(df["HQ Country"])) == {"US", "GB", "DE"}
    funding = nz.parse_dates(df["Last Funding Date"])
    assert funding.notna().sum() == (df["Last Funding Date"] != "").sum()


def test_reps_attending_flags(samples: Path) -> None:
    df = _read(samples, "reps.csv")
    assert nz.parse_bool(df["Attending event"]).tolist() == [True, True, False, False]
    emails, invalid = nz.normalize_emails(df["Email"])
    assert not invalid.any()
