"""Shared column definitions for the exported target sheets and follow-up trackers.

Every writer (``target_sheet``, ``tracker``) and the tracker sync (which matches
columns by **header text**, never by position) read their headers from here, so
the three always agree. Change a header here and every side follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

ColumnKind = Literal["id", "text", "wrap", "int", "float", "date", "status", "tier"]

# --- sheet names -------------------------------------------------------------
TARGET_SHEET_NAME = "Targets"
TARGET_ABOUT_SHEET_NAME = "About"
TRACKER_SHEET_NAME = "Follow-up"
TRACKER_SUMMARY_SHEET_NAME = "Summary"

# --- status values (the dropdown on both sheets) ------------------------------
STATUS_VALUES: tuple[str, ...] = (
    "Not contacted",
    "Attempted",
    "Connected",
    "Meeting booked",
    "Opportunity created",
    "Not interested",
    "Bad data",
)
DEFAULT_STATUS = "Not contacted"
#: Statuses that count as "followed up" (anything but the default).
FOLLOWED_UP_STATUSES: tuple[str, ...] = STATUS_VALUES[1:]
#: Statuses that are still open: past their due date they are overdue.
OPEN_STATUSES: tuple[str, ...] = ("Not contacted", "Attempted")
STATUS_HELP: dict[str, str] = {
    "Not contacted": "No attempt yet (the default).",
    "Attempted": "Reached out (call, email, booth visit) but no conversation yet.",
    "Connected": "Had a real conversation.",
    "Meeting booked": "A meeting or demo is on the calendar.",
    "Opportunity created": "An opportunity was opened in the CRM.",
    "Not interested": "They said no (add why in Notes).",
    "Bad data": "Wrong person, left the company, email or phone does not work.",
}

TIER_VALUES: tuple[str, ...] = ("A", "B", "C", "D")
#: Fill colours for tier cells: A green, B blue, C amber, D grey.
TIER_COLOURS: dict[str, str] = {"A": "#C6EFCE", "B": "#DDEBF7", "C": "#FFE699", "D": "#D9D9D9"}


@dataclass(frozen=True)
class Column:
    """One exported column: the header people (and the sync) see, and how to draw it.

    Attributes:
        key: name of the prepared value column (a canonical field or a derived one).
        header: header text, exactly as written in row 1.
        width: default width in characters (used when the data are shorter).
        max_width: cap for the width computed from the data.
        kind: how cells are written (text, wrapped text, number, date, status...).
        hidden: the column is written but hidden (the stable Target ID).
        screen_only: left out of the print area (must come after printed columns).
    """

    key: str
    header: str
    width: float
    max_width: float
    kind: ColumnKind = "text"
    hidden: bool = False
    screen_only: bool = False


TARGET_ID_HEADER = "Target ID"
REP_HEADER = "Rep"
STATUS_HEADER = "Status"
NOTES_HEADER = "Notes"

_TARGET_ID = Column("target_id", TARGET_ID_HEADER, 10, 12, "id", hidden=True)
REP_COLUMN = Column("rep", REP_HEADER, 10, 18, "wrap")

#: Target sheet columns (the "Rep" column is added after Target ID for all-rep sheets).
#: Widths are kept tight (long text wraps) so "1 page wide" stays readable on paper;
#: the suggested subject/message come last, outside the print area (they are for
#: emailing, not for the printed sheet).
TARGET_SHEET_COLUMNS: tuple[Column, ...] = (
    _TARGET_ID,
    Column("who", "Who", 14, 20, "wrap"),
    Column("title", "Title", 12, 18, "wrap"),
    Column("company", "Company", 12, 16, "wrap"),
    Column("tier", "Tier", 4, 5, "tier"),
    Column("score", "Score", 5, 6, "int"),
    Column("why", "Why", 26, 34, "wrap"),
    Column("mql", "MQL", 5, 6),
    Column("location", "Location", 10, 14, "wrap"),
    Column("distance_mi", "Distance (mi)", 6, 8, "float"),
    Column("deal_history", "Deal history", 14, 22, "wrap"),
    Column("talking_points", "Talking points", 22, 30, "wrap"),
    Column("status", STATUS_HEADER, 15, 17, "status"),
    Column("notes", NOTES_HEADER, 22, 30, "wrap"),
    Column("email", "Email", 16, 26),
    Column("phone", "Phone", 12, 17),
    Column("subject", "Suggested subject", 18, 36, "wrap", screen_only=True),
    Column("body", "Suggested message", 40, 60, "wrap", screen_only=True),
)
TARGET_SHEET_HEADERS: tuple[str, ...] = tuple(c.header for c in TARGET_SHEET_COLUMNS)

#: Follow-up tracker columns, in sheet order. The sync matches by these headers.
TRACKER_COLUMNS: tuple[Column, ...] = (
    _TARGET_ID,
    Column("full_name", "Name", 14, 22, "wrap"),
    Column("company", "Company", 12, 18, "wrap"),
    Column("email", "Email", 16, 28),
    Column("phone", "Phone", 12, 17),
    Column("tier", "Tier", 4, 5, "tier"),
    Column("mql", "MQL", 5, 6),
    REP_COLUMN,
    Column("due_date", "Due date", 11, 11, "date"),
    Column("status", STATUS_HEADER, 15, 17, "status"),
    Column("touches", "Touches", 7, 8, "int"),
    Column("last_touch_date", "Last touch date", 11, 11, "date"),
    Column("next_step", "Next step", 20, 30, "wrap"),
    Column("notes", NOTES_HEADER, 24, 36, "wrap"),
)
TRACKER_HEADERS: tuple[str, ...] = tuple(c.header for c in TRACKER_COLUMNS)

#: Header text -> canonical target field, for the sync (both sheet kinds).
HEADER_TO_FIELD: dict[str, str] = {
    TARGET_ID_HEADER: "target_id",
    REP_HEADER: "rep",
    "Who": "full_name",
    "Name": "full_name",
    "Title": "title",
    "Company": "company",
    "Email": "email",
    "Phone": "phone",
    "Tier": "tier",
    "MQL": "mql_status",
    "Due date": "due_date",
    STATUS_HEADER: "status",
    "Touches": "touches",
    "Last touch date": "last_touch_date",
    "Next step": "next_step",
    NOTES_HEADER: "notes",
}

DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "0"
FLOAT_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"
#: Blank rows below the data that still get the dropdowns/validation, for people
#: a rep met at the booth and adds at the bottom.
EXTRA_INPUT_ROWS = 200

_STATUS_LOOKUP = {s.casefold(): s for s in STATUS_VALUES}
_TRUE_TEXT = frozenset({"true", "yes", "y", "1", "x"})


def width_for(column: Column, lengths_max: float | None) -> float:
    """Column width from the longest value, bounded by the hint and the cap.

    Never narrower than the header's longest word plus the filter arrow (a long
    header wraps onto a second line instead of widening the column).
    """
    head = max(len(word) for word in column.header.split()) + 3
    longest = 0.0 if lengths_max is None or lengths_max != lengths_max else lengths_max + 1
    return float(max(head, min(column.max_width, max(column.width, longest))))


LINE_HEIGHT_PT = 13.0  # one line of 10 pt text
MAX_ROW_LINES = 12


def wrapped_lines(text: str | None, width: float) -> int:
    """Estimated lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    if not text:
        return 1
    per_line = max(1, int(width) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def row_height(lines: int) -> float:
    """Row height in points for ``lines`` lines of text (capped)."""
    return LINE_HEIGHT_PT * min(lines, MAX_ROW_LINES) + 2.0


# ------------------------------------------------------------------ column values
# Plain-list helpers: a per-rep sheet has a few hundred rows, where Python lists
# beat pandas' per-operation overhead by a wide margin (see benchmarks/).


def is_blank(value: Any) -> bool:
    """``None``, NA, NaN/NaT or blank text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str):
        return not value.strip()
    return False


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if value is pd.NaT:
        return None
    return str(value).strip() or None


def text_values(df: pd.DataFrame, name: str) -> list[str | None]:
    """Column ``name`` as stripped text, ``None`` for blanks; all ``None`` if missing.

    Whole floats print without ``.0`` (a phone read as a number stays readable).
    """
    if name not in df.columns:
        return [None] * len(df)
    return [_text(v) for v in df[name].tolist()]


def number_values(df: pd.DataFrame, name: str) -> list[float | None]:
    """Column ``name`` as floats, ``None`` where missing or not a number."""
    if name not in df.columns:
        return [None] * len(df)
    arr = pd.to_numeric(df[name], errors="coerce").astype("float64").tolist()
    return [None if v != v or v in (float("inf"), float("-inf")) else v for v in arr]


def int_values(df: pd.DataFrame, name: str) -> list[int | None]:
    """Column ``name`` as rounded ints, ``None`` where missing."""
    return [None if v is None else int(round(v)) for v in number_values(df, name)]


def to_date(value: Any) -> dt.date | None:
    """A ``date`` from a date, datetime, Timestamp or date text; ``None`` otherwise."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # includes pandas Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            stamp = pd.to_datetime(text, errors="coerce")
            return None if pd.isna(stamp) else stamp.date()
    if isinstance(value, float) and value != value:
        return None
    return None


def date_values(df: pd.DataFrame, name: str) -> list[dt.date | None]:
    """Column ``name`` as ``datetime.date`` values (``None`` where missing/unreadable)."""
    if name not in df.columns:
        return [None] * len(df)
    return [to_date(v) for v in df[name].tolist()]


def truthy(value: Any) -> bool:
    """True for True/1/"yes"/"true"; False for NA, blanks and everything else."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_TEXT
    if is_blank(value):
        return False
    try:
        return bool(value)
    except (TypeError, ValueError):
        return False


def join_values(parts: Sequence[Sequence[str | None]], sep: str) -> list[str | None]:
    """Row-wise join of text lists, skipping blanks (``None`` when all are blank)."""
    return [sep.join(v for v in row if v) or None for row in zip(*parts, strict=True)]


def full_name_values(df: pd.DataFrame) -> list[str | None]:
    """``full_name``, or first + last name where it is missing."""
    full = text_values(df, "full_name")
    if all(v is not None for v in full):
        return full
    first_last = join_values([text_values(df, "first_name"), text_values(df, "last_name")], " ")
    return [f if f is not None else fl for f, fl in zip(full, first_last, strict=True)]


def mql_values(df: pd.DataFrame) -> list[str | None]:
    """'Hot' / 'Warm' / ``None``."""
    labels = {"hot": "Hot", "warm": "Warm"}
    return [labels.get(v.lower()) if v else None for v in text_values(df, "mql_status")]


def tier_values(df: pd.DataFrame) -> list[str | None]:
    """Tier letters, upper-cased."""
    return [v.upper() if v else None for v in text_values(df, "tier")]


def status_values(df: pd.DataFrame) -> list[str]:
    """Statuses in dropdown spelling; blank/unknown -> :data:`DEFAULT_STATUS`."""
    return [
        _STATUS_LOOKUP.get(v.casefold(), DEFAULT_STATUS) if v else DEFAULT_STATUS
        for v in text_values(df, "status")
    ]


def normalise_status(values: pd.Series) -> pd.Series:
    """Series version of :func:`status_values` (for the sync and other callers)."""
    out = [
        _STATUS_LOOKUP.get(t.casefold(), DEFAULT_STATUS) if t else DEFAULT_STATUS
        for t in (_text(v) for v in values.tolist())
    ]
    return pd.Series(out, index=values.index, dtype=object)


def why_values(df: pd.DataFrame, limit: int | None = None) -> list[str | None]:
    """Reasons ``+25 a|-10 b`` -> one bullet line each (``• +25 a``, ``• -10 b``).

    The bullet keeps a reason's sign readable as text rather than a formula.
    """
    out: list[str | None] = []
    for text in text_values(df, "reasons"):
        if text is None:
            out.append(None)
            continue
        parts = [p.strip() for p in text.split("|") if p.strip()]
        if limit is not None:
            parts = parts[:limit]
        out.append("\n".join(f"• {p}" for p in parts) or None)
    return out


def deal_history_values(df: pd.DataFrame) -> list[str | None]:
    """Retarget flag, opportunity, amount, stage, loss reason (never internal notes)."""
    n = len(df)
    retarget = df["retarget"].tolist() if "retarget" in df.columns else [None] * n
    rows = zip(
        retarget,
        text_values(df, "opp_name"),
        number_values(df, "opp_amount"),
        text_values(df, "opp_stage"),
        text_values(df, "opp_loss_reason"),
        strict=True,
    )
    out: list[str | None] = []
    for rt, name, amount, stage, loss in rows:
        parts = ["Retarget"] if truthy(rt) else []
        if name:
            parts.append(name)
        if amount is not None:
            parts.append(f"{amount:,.0f}")
        if stage:
            parts.append(stage)
        if loss:
            parts.append(f"Lost: {loss}")
        out.append(" · ".join(parts) or None)
    return out


def sort_order(df: pd.DataFrame) -> list[int]:
    """Row positions by priority (1 first), score (high first), then name; blanks last."""
    inf = float("inf")
    priority = number_values(df, "priority")
    score = number_values(df, "score")
    names = full_name_values(df)
    keys = [
        (inf if p is None else p, inf if s is None else -s, (nm or "\uffff").casefold(), i)
        for i, (p, s, nm) in enumerate(zip(priority, score, names, strict=True))
    ]
    return [k[3] for k in sorted(keys)]


def rows_for_rep(targets: pd.DataFrame, rep: str | None) -> pd.DataFrame:
    """Rows of ``rep`` (all rows when ``rep`` is None or there is no rep column)."""
    if rep is None or "rep" not in targets.columns:
        return targets
    wanted = rep.strip()
    mask = [v == wanted for v in text_values(targets, "rep")]
    return targets[mask]


def sorted_rows(targets: pd.DataFrame) -> pd.DataFrame:
    """``targets`` in sheet order (see :func:`sort_order`)."""
    return targets.iloc[sort_order(targets)]


def most_common(values: Sequence[str | None]) -> str | None:
    """Most frequent non-blank value (first seen wins ties)."""
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None
