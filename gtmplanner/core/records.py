"""Turn a mapped table into clean canonical records, per import kind.

Input: the columns of a read file already renamed to canonical fields. Output:
the same rows with every value normalised (emails, phones, names, companies,
places, dates, money, yes/no), the identity key each kind dedupes on, the rows
that must be rejected (with a reason) and warnings for damaged values.
Everything is vectorised; expensive library calls run once per unique value
inside :mod:`gtmplanner.core.normalize` and :mod:`gtmplanner.core.companies`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gtmplanner.core import companies, normalize

WARN_LIMIT = 50  # individual warnings listed per kind of problem; the rest are counted


@dataclass(frozen=True)
class RowsWarning:
    """One kind of problem and the file rows that have it (printed with the first rows)."""

    message: str
    rows: tuple[int, ...]

    def __str__(self) -> str:
        n = len(self.rows)
        shown = ", ".join(str(r) for r in self.rows[:WARN_LIMIT])
        more = f" and {n - WARN_LIMIT} more" if n > WARN_LIMIT else ""
        return f"{self.message}: row{'s' if n > 1 else ''} {shown}{more}"


@dataclass
class Cleaned:
    """Canonical rows ready to store, plus what went wrong with some of them."""

    frame: pd.DataFrame                 # canonical columns; index = position in the read table
    key: pd.Series                      # identity key used to dedupe (NA: cannot identify)
    rejected: dict[int, str] = field(default_factory=dict)   # position -> reason
    warnings: list[RowsWarning] = field(default_factory=list)


def join_warnings(warnings: list[RowsWarning]) -> list[RowsWarning]:
    """One warning per problem, its rows in the order given (slices of a file, in order)."""
    rows: dict[str, list[int]] = {}
    for w in warnings:
        rows.setdefault(w.message, []).extend(w.rows)
    return [RowsWarning(m, tuple(r)) for m, r in rows.items()]


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    """A column as tidy text (NBSP and doubled spaces collapsed, null markers -> NA)."""
    if col in df.columns:
        return normalize.clean_text(df[col].astype("string"))
    return pd.Series(pd.NA, index=df.index, dtype="string")


def _listish(s: pd.Series) -> pd.Series:
    """'Salesforce, Snowflake;Marketo' -> 'Salesforce; Snowflake; Marketo'."""
    s = s.astype("string")
    return (s.str.replace(r"\s*[;,|/]\s*", "; ", regex=True).str.strip("; ")
            .replace("", pd.NA))


def _warn_rows(warnings: list[RowsWarning], rows: pd.Series, message: str) -> None:
    """Add one warning naming the rows (printed with the first WARN_LIMIT of them)."""
    if len(rows):
        warnings.append(RowsWarning(message, tuple(int(r) for r in rows)))


def _damage(df: pd.DataFrame, rows: pd.Series, fields: list[str],
            warnings: list[RowsWarning]) -> None:
    for f in fields:
        if f not in df.columns:
            continue
        hits = normalize.damaged_values(df[f].astype("string"), f)
        by_msg: dict[str, list[int]] = {}
        for idx, msg in hits:
            by_msg.setdefault(msg, []).append(int(rows.loc[idx]))
        for msg, rs in by_msg.items():
            _warn_rows(warnings, pd.Series(rs), f"column {f}: {msg}")


def run_parallel(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run independent column jobs on two threads (pyarrow kernels release the GIL)."""
    if len(jobs) < 2:
        return {k: f() for k, f in jobs.items()}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="gtm-normalise") as ex:
        futures = {k: ex.submit(f) for k, f in jobs.items()}
        return {k: fut.result() for k, fut in futures.items()}


def _names(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    first, last, full = _text(df, "first_name"), _text(df, "last_name"), _text(df, "full_name")
    need = first.isna() & last.isna() & full.notna()
    if need.any():
        f2, l2 = normalize.split_full_names(full[need])
        first = first.copy()
        last = last.copy()
        first[need] = f2
        last[need] = l2
    first = normalize.tidy_person_names(first)
    last = normalize.tidy_person_names(last)
    joined = (first.fillna("") + " " + last.fillna("")).str.strip()
    return first, last, full.where(full.notna(), joined.replace("", pd.NA))


def clean_people(df: pd.DataFrame, rows: pd.Series) -> Cleaned:
    """Roster rows -> people records (identity: email, else name + company)."""
    out = pd.DataFrame(index=df.index)
    warnings: list[RowsWarning] = []
    texts = ("title", "city", "source", "registration_type", "notes", "external_id",
             "lead_status", "seniority", "department")

    def raw(col: str) -> pd.Series:
        """The column for a normaliser that cleans its input itself (so only once)."""
        return df[col].astype("string") if col in df.columns else _text(df, col)

    first_pass: dict[str, Callable[[], Any]] = {
        "email": lambda: normalize.normalize_emails(raw("email")),
        "names": lambda: _names(df),
        "country": lambda: normalize.normalize_country(raw("country")),
        "company": lambda: companies.tidy_company_names(_text(df, "company")),
        "linkedin_url": lambda: normalize.normalize_url(raw("linkedin_url")),
        "texts": lambda: {c: _text(df, c) for c in texts},
    }
    for col in ("attended", "opted_out", "meeting_requested"):
        if col in df.columns:
            first_pass[col] = lambda c=col: normalize.parse_bool(raw(c))
    if "registration_date" in df.columns:
        first_pass["registration_date"] = lambda: normalize.parse_dates(raw("registration_date"))
    r1 = run_parallel(first_pass)
    for col, series in r1.pop("texts").items():
        out[col] = series
    emails, bad = r1.pop("email")
    out["email"] = emails
    out["first_name"], out["last_name"], out["full_name"] = r1.pop("names")
    out["country"] = country = r1.pop("country")
    out["company"] = company = r1.pop("company")
    for col, series in r1.items():
        out[col] = series
    second: dict[str, Callable[[], Any]] = {
        "region": lambda: normalize.normalize_region(raw("region"), country),
        "postal": lambda: normalize.normalize_postal(raw("postal_code"), country),
        "company_key": lambda: companies.company_key(company),
        "domain": lambda: companies.email_domain(emails),
        "damage": lambda: _damage_list(df, rows, ["phone", "mobile", "postal_code",
                                                  "external_id"]),
    }
    for col in ("phone", "mobile"):
        if col in df.columns:
            second[col] = lambda c=col: normalize.normalize_phones(raw(c), country.fillna("US"))
    r2 = run_parallel(second)
    _warn_rows(warnings, rows[bad.fillna(False).astype(bool)],
               "invalid email kept without the email")
    out["region"] = r2["region"]
    postal, repaired = r2["postal"]
    out["postal_code"] = postal
    _warn_rows(warnings, rows[repaired.fillna(False).astype(bool)],
               "column postal_code: ZIP code had lost its leading zero (repaired)")
    for col in ("phone", "mobile"):
        if col in r2:
            ph, bad_ph = r2[col]
            out[col] = ph
            _warn_rows(warnings, rows[bad_ph.fillna(False).astype(bool)],
                       f"column {col}: not a phone number we can read (kept as written)")
    out["company_key"] = r2["company_key"]
    domain = r2["domain"]
    if "domain" in df.columns:
        gap = domain.isna() & df["domain"].notna()
        if gap.any():
            domain = domain.copy()
            domain[gap] = companies.registered_domain(
                normalize.clean_text(df["domain"].astype("string")[gap]))
    out["domain"] = domain
    warnings += r2["damage"]

    def folded(names: pd.Series) -> pd.Series:
        """``names.fillna("").str.casefold()``, folding each distinct name once."""
        codes, uniques = pd.factorize(names.fillna(""))
        return pd.Series(pd.Series(uniques).str.casefold().array.take(codes), index=names.index)

    name_key = (folded(out["first_name"]) + "|" + folded(out["last_name"]) + "|"
                + out["company_key"].fillna(""))
    has_name = out["first_name"].notna() | out["last_name"].notna()
    out["name_key"] = name_key.where(has_name, pd.NA)
    key = ("e:" + out["email"]).fillna("n:" + out["name_key"])
    rejected = {int(i): "no email and no name: nothing identifies this person"
                for i in out.index[key.isna()]}
    return Cleaned(out, key, rejected, warnings)


def _damage_list(df: pd.DataFrame, rows: pd.Series, fields: list[str]) -> list[RowsWarning]:
    warnings: list[RowsWarning] = []
    _damage(df, rows, fields, warnings)
    return warnings


def clean_accounts(df: pd.DataFrame, rows: pd.Series) -> Cleaned:
    """Account rows -> accounts (identity: domain, else normalised name)."""
    out = pd.DataFrame(index=df.index)
    warnings: list[RowsWarning] = []
    for col in ("industry", "hq_city", "last_funding_type", "owner", "customer_status",
                "external_id", "website"):
        out[col] = _text(df, col)
    out["name"] = companies.tidy_company_names(_text(df, "name"))
    out["company_key"] = companies.company_key(out["name"])
    dom = companies.registered_domain(_text(df, "domain"))
    out["domain"] = dom.fillna(companies.registered_domain(out["website"]))
    out["website"] = normalize.normalize_url(out["website"])
    out["employees"] = normalize.parse_employees(_text(df, "employees"))
    out["revenue"] = normalize.parse_money(_text(df, "revenue"))[0]
    out["hq_country"] = normalize.normalize_country(_text(df, "hq_country"))
    out["hq_region"] = normalize.normalize_region(_text(df, "hq_region"), out["hq_country"])
    out["technologies"] = _listish(_text(df, "technologies"))
    out["intent_topics"] = _listish(_text(df, "intent_topics"))
    if "last_funding_date" in df.columns:
        out["last_funding_date"] = normalize.parse_dates(_text(df, "last_funding_date"))
    for col in ("hiring_signal", "leadership_change"):
        if col in df.columns:
            out[col] = normalize.parse_bool(_text(df, col))
    _damage(df, rows, ["external_id"], warnings)
    key = ("d:" + out["domain"]).fillna("k:" + out["company_key"])
    rejected = {int(i): "no company name and no domain: nothing identifies this account"
                for i in out.index[key.isna()]}
    return Cleaned(out, key, rejected, warnings)


def clean_opportunities(df: pd.DataFrame, rows: pd.Series) -> Cleaned:
    """Opportunity rows (identity: CRM id, else name + account)."""
    out = pd.DataFrame(index=df.index)
    warnings: list[RowsWarning] = []
    for col in ("external_id", "name", "stage", "status", "owner", "lead_source",
                "loss_reason", "next_step", "type", "account_external_id"):
        out[col] = _text(df, col)
    out["account"] = companies.tidy_company_names(_text(df, "account"))
    if "account_id" in df.columns:
        out["account_external_id"] = out["account_external_id"].fillna(_text(df, "account_id"))
    amount, currency = normalize.parse_money(_text(df, "amount"))
    out["amount"] = amount
    out["currency"] = currency
    if "probability" in df.columns:
        out["probability"] = pd.to_numeric(
            _text(df, "probability").str.rstrip("%"), errors="coerce")
    for col in ("close_date", "created_date", "last_activity_date"):
        if col in df.columns:
            out[col] = normalize.parse_dates(_text(df, col))
    emails, bad = normalize.normalize_emails(_text(df, "contact_email"))
    out["contact_email"] = emails
    _warn_rows(warnings, rows[bad.fillna(False).astype(bool)],
               "invalid contact email kept without the email")
    _damage(df, rows, ["external_id"], warnings)
    by_name = ("n:" + out["name"].str.casefold() + "|"
               + companies.company_key(out["account"]).fillna(""))
    key = ("x:" + out["external_id"]).fillna(by_name)
    rejected = {int(i): "no opportunity name and no id: nothing identifies this deal"
                for i in out.index[key.isna()]}
    return Cleaned(out, key, rejected, warnings)


def clean_activities(df: pd.DataFrame, rows: pd.Series) -> Cleaned:
    """Engagement activity rows (identity: the whole row; needs a usable email)."""
    out = pd.DataFrame(index=df.index)
    emails, bad = normalize.normalize_emails(_text(df, "email"))
    out["email"] = emails
    out["type"] = _text(df, "type").str.casefold()
    out["asset"] = _text(df, "asset")
    out["date"] = normalize.parse_dates(_text(df, "date"))
    key = (out["email"] + "|" + out["type"].fillna("") + "|" + out["asset"].fillna("") + "|"
           + out["date"].dt.strftime("%Y-%m-%d").fillna(""))
    rejected: dict[int, str] = {}
    for i in out.index[out["email"].isna()]:
        rejected[int(i)] = ("invalid email" if bool(bad.loc[i]) else "no email") + \
            ": an activity must name the person by email"
    return Cleaned(out, key, rejected, [])


def clean_reps(df: pd.DataFrame, rows: pd.Series) -> Cleaned:
    """Reps (identity: name)."""
    out = pd.DataFrame(index=df.index)
    out["name"] = _text(df, "name")
    out["email"] = normalize.normalize_emails(_text(df, "email"))[0]
    out["regions"] = _listish(_text(df, "regions"))
    cap = pd.to_numeric(_text(df, "capacity"), errors="coerce")
    out["capacity"] = cap.fillna(150).round().astype("Int64")
    out["attending"] = normalize.parse_bool(_text(df, "attending")).fillna(False)
    key = "r:" + out["name"].str.casefold()
    rejected = {int(i): "no rep name" for i in out.index[key.isna()]}
    return Cleaned(out, key, rejected, [])


CLEANERS = {
    "roster": clean_people,
    "accounts": clean_accounts,
    "opportunities": clean_opportunities,
    "activities": clean_activities,
    "reps": clean_reps,
}


def collapse_duplicates(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """One row per key (indexed by key): for each column the LAST non-empty value wins
    (newer rows are lower in a file)."""
    return frame.assign(_k=key.to_numpy()).groupby("_k", sort=False).last()
