"""Mail-merge and CRM CSVs, read back with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from gtmplanner.core.export.flat_files import (
    HUBSPOT_HEADERS,
    HUBSPOT_LEAD_STATUS,
    MAILMERGE_HEADERS,
    SALESFORCE_HEADERS,
    write_hubspot_contacts,
    write_mailmerge_csv,
    write_plain_csv,
    write_salesforce_campaign_members,
)

_spec = importlib.util.spec_from_file_location(
    "_gtm_export_sample", Path(__file__).with_name("test_export_sample.py")
)
sample = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(sample)  # type: ignore[union-attr]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture
def targets() -> pd.DataFrame:
    df = sample.make_targets(30)
    df.loc[4, "status"] = "Meeting booked"
    df.loc[6, "status"] = "attempted"
    df.loc[8, "email"] = "=cmd@evil"  # an email cell that is a formula
    return df


def _assert_neutralised(rows: list[dict[str, str]]) -> set[str]:
    seen = set()
    for row in rows:
        for value in row.values():
            if value:
                assert value[0] not in "=+-@\t\r", value
                if value.startswith("'") and value[1:] in sample.NASTY:
                    seen.add(value[1:])
    return seen


def test_mailmerge(tmp_path: Path, targets: pd.DataFrame) -> None:
    path = tmp_path / "merge.csv"
    count = write_mailmerge_csv(path, targets)
    headers, rows = _read(path)
    assert headers == list(MAILMERGE_HEADERS)
    no_email = int(targets["email"].isna().sum())
    assert count == len(rows) == len(targets) - no_email
    assert count.skipped == no_email
    by_email = {r["Email"]: r for r in rows}
    src = targets.dropna(subset=["email"]).set_index("email")
    for email in src.index:
        key = "'" + email if email.startswith("=") else email
        got = by_email[key]
        assert got["Body"] == src.loc[email, "body"]  # multi-line body survives
        assert got["Rep Email"] == src.loc[email, "rep_email"]
        assert got["First Name"] == src.loc[email, "first_name"] or got["First Name"].startswith(
            "'"
        )
    assert "'=cmd@evil" in by_email
    assert _assert_neutralised(rows) >= {sample.NASTY[1]}  # company "@SUM(A1)"
    assert any(r["First Name"] in ("Zoë", "Łukasz", "Chloé") for r in rows)


def test_salesforce(tmp_path: Path, targets: pd.DataFrame) -> None:
    path = tmp_path / "sf.csv"
    targets.loc[3, "company"] = None  # Salesforce needs a company for a lead
    count = write_salesforce_campaign_members(path, targets, campaign_name="Austin 2026",
                                              campaign_id="701000000000001")  # fmt: skip
    headers, rows = _read(path)
    assert headers == list(SALESFORCE_HEADERS)
    assert count == len(rows) == len(targets) - 1 and count.skipped == 1
    by_last_first = {(r["Last Name"], r["First Name"], r["Email"]): r for r in rows}
    assert len(by_last_first) == len(rows)
    statuses = {r["Campaign Member Status"] for r in rows}
    assert statuses == {"Sent", "Responded"}
    assert {r["Campaign Name"] for r in rows} == {"Austin 2026"}
    assert {r["Campaign ID"] for r in rows} == {"701000000000001"}
    assert {r["Lead Source"] for r in rows} == {"Trade Show"}
    assert {r["State/Province"] for r in rows} == {"TX"}
    seen = _assert_neutralised(rows)
    assert sample.NASTY[2] in seen  # title "+cmd|' /C calc'!A0"


def test_hubspot(tmp_path: Path, targets: pd.DataFrame) -> None:
    path = tmp_path / "hs.csv"
    count = write_hubspot_contacts(path, targets, list_name="Austin 2026 targets")
    headers, rows = _read(path)
    assert headers == list(HUBSPOT_HEADERS)
    no_email = int(targets["email"].isna().sum())
    assert count == len(rows) == len(targets) - no_email and count.skipped == no_email
    assert {r["Lead Status"] for r in rows} <= set(HUBSPOT_LEAD_STATUS.values())
    assert {r["Lead Status"] for r in rows} >= {"New", "In progress", "Attempted to contact"}
    owners = dict(zip(targets["email"], targets["rep_email"], strict=True))
    for row in rows:
        email = row["Email"].removeprefix("'")
        assert row["Contact owner"] == owners[email]
        assert row["Static list"] == row["Campaign"] == "Austin 2026 targets"
    _assert_neutralised(rows)


def test_full_name_only_is_split(tmp_path: Path) -> None:
    df = pd.DataFrame({"full_name": ["Ann Marie Lee", "Prince"], "company": ["A", "B"],
                       "email": ["ann@a.com", "p@b.com"]})  # fmt: skip
    write_salesforce_campaign_members(tmp_path / "s.csv", df, campaign_name="X")
    _, rows = _read(tmp_path / "s.csv")
    names = {(r["First Name"], r["Last Name"]) for r in rows}
    assert names == {("Ann Marie", "Lee"), ("", "Prince")}


def test_empty(tmp_path: Path) -> None:
    count = write_mailmerge_csv(tmp_path / "e.csv", sample.make_targets(0))
    headers, rows = _read(tmp_path / "e.csv")
    assert count == 0 and rows == [] and headers == list(MAILMERGE_HEADERS)


def test_plain_csv(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "full_name": ["=1+2", "Zoë", None],
            "score": [87, -3, 5],
            "distance_mi": [12.0, 3.5, float("nan")],
            "seen": [pd.Timestamp("2026-11-25"), dt.date(2026, 1, 2), pd.NaT],
        }
    )
    assert write_plain_csv(tmp_path / "p.csv", frame) == 3
    headers, rows = _read(tmp_path / "p.csv")
    assert headers == ["full_name", "score", "distance_mi", "seen"]
    assert [r["full_name"] for r in rows] == ["'=1+2", "Zoë", ""]
    assert [r["score"] for r in rows] == ["87", "-3", "5"]  # numbers stay numbers
    assert [r["distance_mi"] for r in rows] == ["12", "3.5", ""]
    assert [r["seen"] for r in rows] == ["2026-11-25", "2026-01-02", ""]
