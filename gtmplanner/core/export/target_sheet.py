"""Per-rep target sheets (xlsx): who to meet, why, where, what to say, and a status.

The sheet is what a rep carries to the show (printed or on a phone). Reps fill
in Status and Notes; the hidden "Target ID" column lets the sync match rows
back to the project. Shared xlsx helpers (formats, column writing, print setup)
live here and are reused by :mod:`.tracker`.

Speed: values are prepared as plain Python lists (a sheet has a few hundred
rows; pandas' per-operation overhead would dominate), neutralised inline and
written straight with xlsxwriter, with one format object per column kind
created once per workbook. See ``benchmarks/bench_export_part.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from gtmplanner.core.export.columns import (
    DATE_FORMAT,
    EXTRA_INPUT_ROWS,
    FLOAT_FORMAT,
    INT_FORMAT,
    MAX_ROW_LINES,
    REP_COLUMN,
    STATUS_HELP,
    STATUS_VALUES,
    TARGET_ABOUT_SHEET_NAME,
    TARGET_SHEET_COLUMNS,
    TARGET_SHEET_NAME,
    TIER_COLOURS,
    TIER_VALUES,
    Column,
    deal_history_values,
    full_name_values,
    int_values,
    join_values,
    most_common,
    mql_values,
    number_values,
    row_height,
    rows_for_rep,
    sort_order,
    status_values,
    text_values,
    tier_values,
    why_values,
    width_for,
    wrapped_lines,
)
from gtmplanner.core.export.safe import (
    TRIGGER_PREFIXES,
    WORKBOOK_OPTIONS,
    atomic_path,
    neutralise,
)

#: Countries that print on US Letter; everyone else gets A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "PR"})
PAPER_LETTER = 1
PAPER_A4 = 9

Formats = dict[str, Format]
Cells = dict[str, list[Any]]
_TRIGGER = frozenset(TRIGGER_PREFIXES)


# --------------------------------------------------------------------------- data
def reorder(values: Sequence[Any], order: Sequence[int]) -> list[Any]:
    """``values`` taken in ``order`` (positions)."""
    return [values[i] for i in order]


def target_sheet_cells(targets: pd.DataFrame) -> Cells:
    """Display values of the target sheet in sheet order (not yet neutralised).

    Keys are :data:`TARGET_SHEET_COLUMNS` keys plus ``rep``.
    """
    df = targets
    data: Cells = {
        "target_id": text_values(df, "target_id"),
        "rep": text_values(df, "rep"),
        "who": full_name_values(df),
        "title": text_values(df, "title"),
        "company": text_values(df, "company"),
        "tier": tier_values(df),
        "score": int_values(df, "score"),
        "why": why_values(df),
        "mql": mql_values(df),
        "location": join_values([text_values(df, "city"), text_values(df, "region")], ", "),
        "distance_mi": number_values(df, "distance_mi"),
        "deal_history": deal_history_values(df),
        "talking_points": text_values(df, "talking_points"),
        "subject": text_values(df, "subject"),
        "body": text_values(df, "body"),
        "status": status_values(df),
        "notes": text_values(df, "notes"),
        "email": text_values(df, "email"),
        "phone": text_values(df, "phone"),
    }
    order = sort_order(df)
    if order != list(range(len(df))):
        data = {k: reorder(v, order) for k, v in data.items()}
    return data


def target_sheet_frame(targets: pd.DataFrame) -> pd.DataFrame:
    """:func:`target_sheet_cells` as a DataFrame (for previews, tests, benchmarks)."""
    return pd.DataFrame(target_sheet_cells(targets))


# -------------------------------------------------------------------------- xlsx
def new_workbook(path: str | os.PathLike[str], title: str) -> xlsxwriter.Workbook:
    """An xlsxwriter Workbook with the string-safety options and document properties."""
    wb = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "in_memory": True})
    wb.set_properties({"title": title[:250], "author": "GTM Planner", "comments": "Generated"})
    return wb


def make_formats(wb: xlsxwriter.Workbook) -> Formats:
    """One format per column kind, created once per workbook and reused for every cell."""
    base = {"valign": "top", "font_size": 10}
    fmts: Formats = {
        "header": wb.add_format(
            {"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF", "valign": "top",
             "text_wrap": True, "border": 1, "font_size": 10}
        ),
        "text": wb.add_format(base),
        "id": wb.add_format(base),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "int": wb.add_format({**base, "num_format": INT_FORMAT}),
        "float": wb.add_format({**base, "num_format": FLOAT_FORMAT}),
        "date": wb.add_format({**base, "num_format": DATE_FORMAT, "align": "left"}),
        "status": wb.add_format({**base, "bg_color": "#FFF2CC", "border": 1,
                                 "border_color": "#BFBFBF"}),
        "tier": wb.add_format({**base, "bold": True, "align": "center"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "percent": wb.add_format({**base, "num_format": "0%"}),
    }  # fmt: skip
    for tier, colour in TIER_COLOURS.items():
        fmts[f"tier_{tier}"] = wb.add_format(
            {**base, "bold": True, "align": "center", "bg_color": colour}
        )
    return fmts


def text_width(cells: list[Any], column: Column) -> float | None:
    """Longest rendered line of a column's values (for the column width)."""
    longest = 0
    if column.kind in ("int", "float"):
        for v in cells:
            if v is not None:
                longest = max(longest, len(f"{v:,.0f}"))
        return longest
    if column.kind == "date":
        return 10 if any(v is not None for v in cells) else None
    for v in cells:
        if v is not None:
            if "\n" in v:
                longest = max(longest, *(len(line) for line in v.split("\n")))
            else:
                longest = max(longest, len(v))
    return longest


def write_table(
    ws: Worksheet,
    columns: Sequence[Column],
    data: Mapping[str, list[Any]],
    fmts: Formats,
) -> int:
    """Header row, then one column at a time; widths and row heights from the data.

    Text is neutralised here (leading ``= + - @`` etc. get an apostrophe) and
    always written with ``write_string``; numbers with ``write_number``; dates
    with ``write_datetime``. ``None`` cells are left empty (the column format
    still applies to them). Rows holding wrapped text get an explicit height
    (viewers do not all grow rows on load). Returns the number of data rows.
    """
    n = len(next(iter(data.values()))) if data else 0
    write_string = ws.write_string
    write_number = ws.write_number
    write_datetime = ws.write_datetime
    trigger = _TRIGGER
    lines = [1] * n
    header_lines = 1
    for c, column in enumerate(columns):
        cells = data[column.key]
        width = width_for(column, text_width(cells, column))
        write_string(0, c, column.header, fmts["header"])
        header_lines = max(header_lines, wrapped_lines(column.header, width - 2))
        options = {"hidden": True} if column.hidden else None
        fmt = fmts[column.kind]
        ws.set_column(c, c, width, fmt, options)
        kind = column.kind
        if kind in ("int", "float"):
            for r, v in enumerate(cells, start=1):
                if v is not None:
                    write_number(r, c, v, fmt)
        elif kind == "date":
            for r, v in enumerate(cells, start=1):
                if v is not None:
                    write_datetime(r, c, v, fmt)
        else:
            tier = kind == "tier"
            for r, v in enumerate(cells, start=1):
                if v is None:
                    continue
                if v[0] in trigger:
                    v = neutralise(v)
                write_string(r, c, v, fmts.get(f"tier_{v}", fmt) if tier else fmt)
            if kind == "wrap" and not column.hidden:
                cap = 3 if column.screen_only else MAX_ROW_LINES
                for i, v in enumerate(cells):
                    if v is not None and (len(v) >= width - 1 or "\n" in v):
                        lines[i] = max(lines[i], min(cap, wrapped_lines(v, width)))
    if header_lines > 1:
        ws.set_row(0, row_height(header_lines))
    for i, k in enumerate(lines):
        if k > 1:
            ws.set_row(i + 1, row_height(k))
    return n


def add_status_validation(ws: Worksheet, col_index: int, last_row: int) -> None:
    """Status dropdown from row 2 to ``last_row`` (0-based, inclusive)."""
    ws.data_validation(
        1, col_index, last_row, col_index,
        {
            "validate": "list",
            "source": list(STATUS_VALUES),
            "input_title": "Status",
            "input_message": "Pick a status from the list.",
            "error_title": "Unknown status",
            "error_message": "Choose one of: " + ", ".join(STATUS_VALUES)[:200],
            "error_type": "warning",
        },
    )  # fmt: skip


def _hf(text: str) -> str:
    """Escape ``&`` for an Excel header/footer and keep it short."""
    return text.replace("&", "&&")[:70]


def event_label(event: Mapping[str, Any]) -> str:
    """'Name, City (2026-11-23 – 2026-11-25)'."""
    name = str(event.get("name") or "Event")
    city = event.get("city")
    start, end = event.get("start_date"), event.get("end_date")
    text = f"{name}, {city}" if city else name
    if start and end and start != end:
        text += f" ({start} – {end})"
    elif start or end:
        text += f" ({start or end})"
    return text


def setup_page(
    ws: Worksheet, *, rep: str | None, event: Mapping[str, Any], country: str | None, title: str
) -> None:
    """Landscape, 1 page wide, header row repeated, header/footer, paper by country."""
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_paper(PAPER_LETTER if (country or "US").upper() in LETTER_COUNTRIES else PAPER_A4)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.hide_gridlines(0)  # show and print gridlines
    who = rep or "All reps"
    ws.set_header(f'&L&"-,Bold"{_hf(title)}&C{_hf(who)}&R{_hf(str(event.get("name") or ""))}')
    ws.set_footer(f"&L{_hf(event_label(event))}&RPage &P of &N")


def rep_country(targets: pd.DataFrame) -> str | None:
    """The most common rep country (for the paper size)."""
    return most_common(text_values(targets, "rep_country"))


def _write_about(
    wb: xlsxwriter.Workbook, tiers: Sequence[str | None], *, rep: str | None,
    event: Mapping[str, Any], fmts: Formats,
) -> None:  # fmt: skip
    ws = wb.add_worksheet(TARGET_ABOUT_SHEET_NAME)
    ws.fit_to_pages(1, 1)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 70)
    ws.write_string(0, 0, "Target sheet", fmts["title"])
    counts = {t: 0 for t in TIER_VALUES}
    for t in tiers:
        if t in counts:
            counts[t] += 1
    rows: list[tuple[str, Any]] = [
        ("Event", neutralise(event_label(event))),
        ("Rep", neutralise(rep) if rep else "All reps"),
        ("Generated", dt.date.today()),
        ("Targets", len(tiers)),
    ]
    rows += [(f"Tier {t}", counts[t]) for t in TIER_VALUES]
    r = 2
    for label, value in rows:
        ws.write_string(r, 0, label, fmts["bold"])
        if isinstance(value, dt.date):
            ws.write_datetime(r, 1, value, fmts["date"])
        elif isinstance(value, int):
            ws.write_number(r, 1, value, fmts["int"])
        else:
            ws.write_string(r, 1, value, fmts["text"])
        r += 1
    r += 1
    ws.write_string(r, 0, "How to use", fmts["bold"])
    help_lines = [
        "Meet the people on the Targets sheet, top rows first (sorted by priority, then score).",
        "After each contact pick a Status from the dropdown and add Notes.",
        "People you met who are not on the list: add them in new rows at the bottom.",
        "Do not change the hidden Target ID column: it links each row back to the plan.",
    ]
    for line in help_lines:
        ws.write_string(r, 1, line, fmts["wrap"])
        r += 1
    r += 1
    ws.write_string(r, 0, "Status values", fmts["bold"])
    for status in STATUS_VALUES:
        ws.write_string(r, 1, f"{status}: {STATUS_HELP[status]}", fmts["wrap"])
        r += 1


def write_target_sheet(
    path: str | os.PathLike[str],
    targets: pd.DataFrame,
    *,
    rep: str | None,
    event: Mapping[str, Any],
) -> int:
    """Write one target-sheet workbook (sheets "Targets" and "About").

    Args:
        path: the .xlsx file to write (replaced atomically).
        targets: one row per target (see the export input contract).
        rep: the rep this sheet is for (rows of other reps are left out), or
            ``None`` for an all-reps sheet with a "Rep" column.
        event: ``{name, city, start_date, end_date}``.

    Returns:
        The number of target rows written.
    """
    rows = rows_for_rep(targets, rep)
    data = target_sheet_cells(rows)
    columns = list(TARGET_SHEET_COLUMNS)
    if rep is None:
        columns.insert(1, REP_COLUMN)
    with atomic_path(path) as tmp:
        wb = new_workbook(tmp, f"Targets – {event.get('name') or ''} – {rep or 'All reps'}")
        fmts = make_formats(wb)
        ws = wb.add_worksheet(TARGET_SHEET_NAME)
        n = write_table(ws, columns, data, fmts)
        keys = [c.key for c in columns]
        last = len(columns) - 1
        ws.freeze_panes(1, keys.index("who") + 1)
        ws.autofilter(0, 0, max(n, 1), last)
        printed = [i for i, c in enumerate(columns) if not c.screen_only]
        if len(printed) < len(columns):
            ws.print_area(0, 0, max(n, 1), max(printed))
        add_status_validation(ws, keys.index("status"), n + EXTRA_INPUT_ROWS)
        setup_page(ws, rep=rep, event=event, country=rep_country(rows), title="Target sheet")
        _write_about(wb, data["tier"], rep=rep, event=event, fmts=fmts)
        wb.close()
    return n


ProgressFn = Callable[[int, int], None]


