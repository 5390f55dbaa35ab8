"""Flat exports: mail-merge CSV, CRM import files (Salesforce, HubSpot), plain CSV.

All files are UTF-8 with a byte-order mark (so Excel shows accents correctly),
comma-separated, CRLF line ends, every text cell neutralised against formula
injection. Each writer returns a :class:`~.safe.WriteCount` (an ``int``: rows
written) whose ``skipped`` attribute counts rows left out for missing data.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from gtmplanner.core.export.columns import (
    DEFAULT_STATUS,
    full_name_values,
    sorted_rows,
    status_values,
    text_values,
)
from gtmplanner.core.export.safe import WriteCount, atomic_path, neutralise

ENCODING = "utf-8-sig"

MAILMERGE_HEADERS: tuple[str, ...] = (
    "Email", "First Name", "Last Name", "Company", "Subject", "Body", "Rep", "Rep Email",
)  # fmt: skip

SALESFORCE_HEADERS: tuple[str, ...] = (
    "First Name", "Last Name", "Email", "Company", "Title", "Phone", "City",
    "State/Province", "Country", "Lead Source", "Campaign Member Status",
    "Campaign ID", "Campaign Name",
)  # fmt: skip
#: Our status -> Salesforce's default campaign member statuses ("Sent", "Responded").
SALESFORCE_MEMBER_STATUS: dict[str, str] = {
    "Not contacted": "Sent",
    "Attempted": "Sent",
    "Connected": "Responded",
    "Meeting booked": "Responded",
    "Opportunity created": "Responded",
    "Not interested": "Sent",
    "Bad data": "Sent",
}

HUBSPOT_HEADERS: tuple[str, ...] = (
    "First Name", "Last Name", "Email", "Company Name", "Job Title", "Phone Number",
    "City", "State/Region", "Country/Region", "Lead Status", "Contact owner",
    "Static list", "Campaign",
)  # fmt: skip
#: Our status -> HubSpot's default Lead Status labels.
HUBSPOT_LEAD_STATUS: dict[str, str] = {
    "Not contacted": "New",
    "Attempted": "Attempted to contact",
    "Connected": "Connected",
    "Meeting booked": "In progress",
    "Opportunity created": "Open deal",
    "Not interested": "Unqualified",
    "Bad data": "Unqualified",
}


Names = list[str | None]


def split_names(df: pd.DataFrame) -> tuple[Names, Names]:
    """First and last names; split from ``full_name`` where both are missing."""
    first, last = text_values(df, "first_name"), text_values(df, "last_name")
    full = full_name_values(df)
    for i, (f, la, whole) in enumerate(zip(first, last, full, strict=True)):
        if f is None and la is None and whole:
            head, _, tail = whole.rpartition(" ")
            first[i], last[i] = (head.strip() or None, tail) if head.strip() else (None, tail)
    return first, last


def _write_csv(
    path: str | os.PathLike[str], headers: Sequence[str], columns: Sequence[Sequence[Any]]
) -> None:
    """Header + rows to a UTF-8-BOM CSV, atomically; every text cell neutralised."""
    rows = [["" if v is None else neutralise(v) for v in row] for row in zip(*columns, strict=True)]
    with atomic_path(path) as tmp, open(tmp, "w", encoding=ENCODING, newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in headers])
        writer.writerows(rows)


def _keep(rows: pd.DataFrame, mask: list[bool]) -> pd.DataFrame:
    return rows[mask] if not all(mask) else rows


def _has_email(rows: pd.DataFrame) -> list[bool]:
    return [bool(e) and "@" in e for e in text_values(rows, "email")]


def write_mailmerge_csv(path: str | os.PathLike[str], targets: pd.DataFrame) -> WriteCount:
    """Mail-merge CSV: Email, First/Last Name, Company, Subject, Body, Rep, Rep Email.

    Rows without a usable email are skipped (``result.skipped``).
    """
    rows = sorted_rows(targets)
    keep = _has_email(rows)
    rows = _keep(rows, keep)
    first, last = split_names(rows)
    t = lambda name: text_values(rows, name)  # noqa: E731
    columns = [t("email"), first, last, t("company"), t("subject"), t("body"), t("rep"),
               t("rep_email")]  # fmt: skip
    _write_csv(path, MAILMERGE_HEADERS, columns)
    return WriteCount(len(rows), keep.count(False))


def _statuses(rows: pd.DataFrame, mapping: Mapping[str, str]) -> list[str]:
    default = mapping.get(DEFAULT_STATUS, "")
    return [mapping.get(s, default) for s in status_values(rows)]


def write_salesforce_campaign_members(
    path: str | os.PathLike[str],
    targets: pd.DataFrame,
    *,
    campaign_name: str,
    campaign_id: str | None = None,
    lead_source: str = "Trade Show",
    status_map: Mapping[str, str] = SALESFORCE_MEMBER_STATUS,
) -> WriteCount:
    """Leads/contacts + campaign member CSV for Salesforce's Data Import Wizard / Data Loader.

    Salesforce needs a Last Name and a Company for a lead: rows missing either
    are skipped (``result.skipped``). Statuses map to the default campaign
    member statuses via ``status_map``.
    """
    rows = sorted_rows(targets)
    first, last = split_names(rows)
    keep = [bool(la) and bool(c) for la, c in zip(last, text_values(rows, "company"), strict=True)]
    rows = _keep(rows, keep)
    first, last = split_names(rows)
    n = len(rows)
    t = lambda name: text_values(rows, name)  # noqa: E731
    columns = [
        first, last, t("email"), t("company"), t("title"), t("phone"), t("city"), t("region"),
        t("country"), [lead_source] * n, _statuses(rows, status_map), [campaign_id] * n,
        [campaign_name] * n,
    ]  # fmt: skip
    _write_csv(path, SALESFORCE_HEADERS, columns)
    return WriteCount(n, keep.count(False))


def write_hubspot_contacts(
    path: str | os.PathLike[str],
    targets: pd.DataFrame,
    *,
    list_name: str,
    campaign: str | None = None,
    status_map: Mapping[str, str] = HUBSPOT_LEAD_STATUS,
) -> WriteCount:
    """Contacts CSV for HubSpot's import tool (deduplicated on email by HubSpot).

    "Contact owner" is the rep's email (HubSpot matches owners by email). Rows
    without an email are skipped (``result.skipped``). ``campaign`` defaults
    to ``list_name``.
    """
    rows = sorted_rows(targets)
    keep = _has_email(rows)
    rows = _keep(rows, keep)
    first, last = split_names(rows)
    n = len(rows)
    t = lambda name: text_values(rows, name)  # noqa: E731
    columns = [
        first, last, t("email"), t("company"), t("title"), t("phone"), t("city"), t("region"),
        t("country"), _statuses(rows, status_map), t("rep_email"), [list_name] * n,
        [campaign or list_name] * n,
    ]  # fmt: skip
    _write_csv(path, HUBSPOT_HEADERS, columns)
    return WriteCount(n, keep.count(False))


def _plain_cell(value: Any) -> Any:
    """One value for a plain CSV: blanks empty, dates ISO, whole floats without '.0'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return neutralise(str(value))
    return neutralise(value)


def write_plain_csv(path: str | os.PathLike[str], frame: pd.DataFrame) -> WriteCount:
    """Any DataFrame as a UTF-8-BOM CSV (its own column names, every text cell neutralised)."""
    headers = [str(c) for c in frame.columns]
    columns = [frame[c].tolist() for c in frame.columns]
    rows = [[_plain_cell(v) for v in row] for row in zip(*columns, strict=True)]
    with atomic_path(path) as tmp, open(tmp, "w", encoding=ENCODING, newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in headers])
        writer.writerows(rows)
    return WriteCount(len(rows))
