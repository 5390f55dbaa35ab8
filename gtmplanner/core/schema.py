"""The project file's schema: tables, columns, indexes and migrations.

A project (``.gtmp``) is one SQLite database. Each kind of record in PRODUCT.md
has its own table; the canonical fields are real columns (so any SQLite tool
can read them) and whatever else an import carried is kept, compactly, as a
JSON object in ``extra``. Derived values (match, score, tier, MQL status,
location) live beside the fields they were derived from so one ``SELECT``
gives the whole picture.

Migrations are plain functions ``migrate_N(conn)`` that take a project from
version ``N-1`` to ``N``. ``SCHEMA_VERSION`` is the newest. Version 1 is the
first released schema; tests keep a version-1 project to prove upgrades work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 4

# Canonical columns per table, in order. (name, SQL type)
PEOPLE_FIELDS: list[tuple[str, str]] = [
    ("first_name", "TEXT"), ("last_name", "TEXT"), ("full_name", "TEXT"), ("email", "TEXT"),
    ("phone", "TEXT"), ("mobile", "TEXT"), ("title", "TEXT"), ("seniority", "TEXT"),
    ("department", "TEXT"), ("company", "TEXT"), ("domain", "TEXT"), ("city", "TEXT"),
    ("region", "TEXT"), ("country", "TEXT"), ("postal_code", "TEXT"), ("latitude", "REAL"),
    ("longitude", "REAL"), ("linkedin_url", "TEXT"), ("source", "TEXT"),
    ("registration_type", "TEXT"), ("attended", "INTEGER"), ("opted_out", "INTEGER"),
    ("notes", "TEXT"), ("meeting_requested", "INTEGER"), ("registration_date", "TEXT"),
    ("external_id", "TEXT"), ("lead_status", "TEXT"),
]
PEOPLE_DERIVED: list[tuple[str, str]] = [
    ("company_key", "TEXT"), ("name_key", "TEXT"),
    ("account_id", "INTEGER"), ("match_method", "TEXT"), ("match_confidence", "REAL"),
    ("match_candidates", "TEXT"),
    ("score", "INTEGER"), ("tier", "TEXT"), ("reasons", "TEXT"), ("tier_override", "TEXT"),
    ("engagement_score", "REAL"), ("mql_status", "TEXT"), ("mql_date", "TEXT"),
    ("mql_reasons", "TEXT"),
    ("geo_precision", "TEXT"), ("geo_label", "TEXT"), ("timezone", "TEXT"),
    ("retarget", "INTEGER"), ("retarget_opp_id", "INTEGER"),
]
ACCOUNT_FIELDS: list[tuple[str, str]] = [
    ("name", "TEXT"), ("domain", "TEXT"), ("website", "TEXT"), ("industry", "TEXT"),
    ("employees", "REAL"), ("revenue", "REAL"), ("hq_city", "TEXT"), ("hq_region", "TEXT"),
    ("hq_country", "TEXT"), ("technologies", "TEXT"), ("intent_topics", "TEXT"),
    ("last_funding_date", "TEXT"), ("last_funding_type", "TEXT"), ("hiring_signal", "INTEGER"),
    ("leadership_change", "INTEGER"), ("owner", "TEXT"), ("customer_status", "TEXT"),
    ("external_id", "TEXT"),
]
ACCOUNT_DERIVED: list[tuple[str, str]] = [("company_key", "TEXT")]
OPPORTUNITY_FIELDS: list[tuple[str, str]] = [
    ("external_id", "TEXT"), ("name", "TEXT"), ("account", "TEXT"), ("account_external_id", "TEXT"),
    ("stage", "TEXT"), ("status", "TEXT"), ("close_date", "TEXT"), ("created_date", "TEXT"),
    ("last_activity_date", "TEXT"), ("amount", "REAL"), ("currency", "TEXT"), ("owner", "TEXT"),
    ("lead_source", "TEXT"), ("loss_reason", "TEXT"), ("next_step", "TEXT"),
    ("contact_email", "TEXT"), ("probability", "REAL"), ("type", "TEXT"),
]
OPPORTUNITY_DERIVED: list[tuple[str, str]] = [
    ("account_id", "INTEGER"), ("account_method", "TEXT"), ("account_confidence", "REAL"),
    ("person_id", "INTEGER"), ("opp_class", "TEXT"), ("months_since_loss", "REAL"),
    ("days_since_activity", "REAL"),
]
ACTIVITY_FIELDS: list[tuple[str, str]] = [
    ("email", "TEXT"), ("type", "TEXT"), ("asset", "TEXT"), ("date", "TEXT"),
]
REP_FIELDS: list[tuple[str, str]] = [
    ("name", "TEXT"), ("email", "TEXT"), ("regions", "TEXT"), ("capacity", "INTEGER"),
    ("attending", "INTEGER"), ("country", "TEXT"),
]

_BOOK = [("extra", "TEXT"), ("sources", "TEXT"), ("first_import_id", "INTEGER"),
         ("last_import_id", "INTEGER"), ("updated_at", "TEXT")]


def _cols(fields: list[tuple[str, str]]) -> str:
    return ",\n  ".join(f"{n} {t}" for n, t in fields)


def _table(name: str, fields: list[tuple[str, str]]) -> str:
    return f"CREATE TABLE IF NOT EXISTS {name} (\n  id INTEGER PRIMARY KEY,\n  {_cols(fields)}\n)"


V1_TABLES = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    _table("people", PEOPLE_FIELDS + PEOPLE_DERIVED + _BOOK),
    _table("accounts", ACCOUNT_FIELDS + ACCOUNT_DERIVED + _BOOK),
    _table("opportunities", OPPORTUNITY_FIELDS + OPPORTUNITY_DERIVED + _BOOK),
    _table("activities", ACTIVITY_FIELDS + [("person_id", "INTEGER"), ("extra", "TEXT"),
                                            ("import_id", "INTEGER")]),
    _table("reps", REP_FIELDS + [("extra", "TEXT"), ("updated_at", "TEXT")]),
    _table("events", [("name", "TEXT UNIQUE"), ("city", "TEXT"), ("region", "TEXT"),
                      ("country", "TEXT"), ("latitude", "REAL"), ("longitude", "REAL"),
                      ("start_date", "TEXT"), ("end_date", "TEXT"), ("created_at", "TEXT")]),
    _table("event_people", [("event_id", "INTEGER NOT NULL"), ("person_id", "INTEGER NOT NULL"),
                            ("registration_type", "TEXT"), ("attended", "INTEGER"),
                            ("import_id", "INTEGER")]),
    _table("segments", [("event_id", "INTEGER"), ("name", "TEXT NOT NULL"), ("rules", "TEXT"),
                        ("expression", "TEXT"), ("suppress", "TEXT"), ("priority", "INTEGER"),
                        ("template", "TEXT"), ("created_at", "TEXT"), ("updated_at", "TEXT")]),
    _table("templates", [("name", "TEXT UNIQUE"), ("play", "TEXT"), ("variant", "TEXT"),
                         ("subject", "TEXT"), ("body", "TEXT"), ("updated_at", "TEXT")]),
    _table("targets", [("target_key", "TEXT UNIQUE"), ("event_id", "INTEGER"),
                       ("segment_id", "INTEGER"), ("person_id", "INTEGER"),
                       ("opportunity_id", "INTEGER"), ("rep", "TEXT"), ("rep_reason", "TEXT"),
                       ("rep_locked", "INTEGER DEFAULT 0"), ("priority", "INTEGER"),
                       ("score", "INTEGER"), ("tier", "TEXT"), ("reasons", "TEXT"),
                       ("template", "TEXT"), ("subject", "TEXT"), ("body", "TEXT"),
                       ("status", "TEXT"), ("next_step", "TEXT"), ("due_date", "TEXT"),
                       ("notes", "TEXT"), ("touches", "INTEGER"), ("last_touch_date", "TEXT"),
                       ("first_touch_date", "TEXT"), ("exported_at", "TEXT"),
                       ("export_snapshot", "TEXT"), ("created_at", "TEXT"),
                       ("updated_at", "TEXT")]),
    _table("imports", [("file_name", "TEXT"), ("path", "TEXT"), ("size", "INTEGER"),
                       ("sha256", "TEXT"), ("kind", "TEXT"), ("sheet", "TEXT"), ("event", "TEXT"),
                       ("mapping", "TEXT"), ("signature", "TEXT"), ("rows_read", "INTEGER"),
                       ("rows_imported", "INTEGER"), ("rows_merged", "INTEGER"),
                       ("rows_rejected", "INTEGER"), ("warnings", "TEXT"), ("rejected", "TEXT"),
                       ("extra_columns", "TEXT"), ("started_at", "TEXT"), ("finished_at", "TEXT")]),
    "CREATE TABLE IF NOT EXISTS mappings (signature TEXT PRIMARY KEY, kind TEXT, mapping TEXT,"
    " headers TEXT, updated_at TEXT)",
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT)",
]

V1_INDEXES = [
    "CREATE INDEX IF NOT EXISTS people_email ON people(email)",
    "CREATE INDEX IF NOT EXISTS people_name_key ON people(name_key)",
    "CREATE INDEX IF NOT EXISTS people_account ON people(account_id)",
    "CREATE INDEX IF NOT EXISTS accounts_domain ON accounts(domain)",
    "CREATE INDEX IF NOT EXISTS accounts_company_key ON accounts(company_key)",
    "CREATE INDEX IF NOT EXISTS opps_external_id ON opportunities(external_id)",
    "CREATE INDEX IF NOT EXISTS opps_account ON opportunities(account_id)",
    "CREATE INDEX IF NOT EXISTS activities_email ON activities(email)",
    "CREATE UNIQUE INDEX IF NOT EXISTS event_people_pair ON event_people(event_id, person_id)",
    "CREATE INDEX IF NOT EXISTS targets_person ON targets(person_id)",
    "CREATE INDEX IF NOT EXISTS targets_event ON targets(event_id, segment_id)",
    "CREATE INDEX IF NOT EXISTS imports_sha ON imports(sha256, kind)",
]


def migrate_1(conn: sqlite3.Connection) -> None:
    """Create the version-1 schema (a brand-new project)."""
    for sql in V1_TABLES + V1_INDEXES:
        conn.execute(sql)


def migrate_2(conn: sqlite3.Connection) -> None:
    """Version 2: match overrides (user decisions that survive re-matching)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS match_overrides (id INTEGER PRIMARY KEY,"
        " person_id INTEGER NOT NULL, action TEXT NOT NULL, account_id INTEGER,"
        " created_at TEXT)"
    )
    conn.execute("CREATE INDEX IF NOT EXISTS match_overrides_person ON match_overrides(person_id)")


EVENT_DETAILS = ("venue", "booth", "dinner_venue", "happy_hour_venue")


def migrate_3(conn: sqlite3.Connection) -> None:
    """Version 3: where to meet at an event (venue, booth, dinner, happy hour) for messages."""
    # Imports look names up in memory, so this index only slowed big inserts down.
    conn.execute("DROP INDEX IF EXISTS people_name_key")
    have = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    for col in EVENT_DETAILS:
        if col not in have:
            conn.execute(f"ALTER TABLE events ADD COLUMN {col} TEXT")


def migrate_4(conn: sqlite3.Connection) -> None:
    """Version 4: no index on people's email.

    No query looks a person up by the stored email through it (imports match in
    memory; the one lookup compares ``lower(email)``, which an index on ``email``
    cannot serve), and rebuilding it was a tenth of a 200,000-row import.
    """
    conn.execute("DROP INDEX IF EXISTS people_email")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: migrate_1, 2: migrate_2, 3: migrate_3, 4: migrate_4}

TABLE_FIELDS: dict[str, list[tuple[str, str]]] = {
    "people": PEOPLE_FIELDS,
    "accounts": ACCOUNT_FIELDS,
    "opportunities": OPPORTUNITY_FIELDS,
    "activities": ACTIVITY_FIELDS,
    "reps": REP_FIELDS,
}
KIND_TABLE = {
    "roster": "people",
    "accounts": "accounts",
    "opportunities": "opportunities",
    "activities": "activities",
    "reps": "reps",
}
