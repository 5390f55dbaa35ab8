"""Follow-up trackers (xlsx): due dates, status dropdowns, overdue highlighting, summary.

Reps fill the "Follow-up" sheet in after the show and the sync reads it back
by header text (:data:`~.columns.TRACKER_HEADERS`). The "Summary" sheet holds
live formulas (COUNTIFS / SUMPRODUCT over the Follow-up sheet) so the numbers
move as the rep works; each formula also carries a cached value computed here,
so viewers that do not recalculate (phone previews, openpyxl) show the same
numbers Excel and LibreOffice compute.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from gtmplanner.core.export.business_days import due_dates
from gtmplanner.core.export.columns import (
    EXTRA_INPUT_ROWS,
    FOLLOWED_UP_STATUSES,
    OPEN_STATUSES,
    STATUS_VALUES,
    TRACKER_COLUMNS,
    TRACKER_SHEET_NAME,
    TRACKER_SUMMARY_SHEET_NAME,
    date_values,
    full_name_values,
    int_values,
    mql_values,
    rows_for_rep,
    sort_order,
    status_values,
    text_values,
    tier_values,
    to_date,
)
from gtmplanner.core.export.safe import atomic_path, neutralise
from gtmplanner.core.export.target_sheet import (
    Cells,
    Formats,
    add_status_validation,
    make_formats,
    new_workbook,
    reorder,
    rep_country,
    setup_page,
    write_table,
)

OVERDUE_FILL = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
DUE_TODAY_FILL = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}


def event_end(event: Mapping[str, Any]) -> dt.date:
    """The event's last day (start date, or today, when it is not known)."""
    for key in ("end_date", "start_date"):
        value = to_date(event.get(key))
        if value is not None:
            return value
    return dt.date.today()


def compute_due_dates(
    targets: pd.DataFrame,
    event: Mapping[str, Any],
    *,
    sla_business_days: int = 2,
    hot_sla_business_days: int = 1,
) -> list[dt.date]:
    """Due date per target (in row order).

    The given ``due_date`` where present; otherwise the event end plus
    ``hot_sla_business_days`` (hot MQLs) or ``sla_business_days`` business
    days in the rep's country (weekends and public holidays skipped).
    """
    hot = [m == "Hot" for m in mql_values(targets)]
    n = pd.Series([hot_sla_business_days if h else sla_business_days for h in hot], dtype=int)
    countries = pd.Series(text_values(targets, "rep_country"), dtype=object)
    computed = due_dates(event_end(event), n, countries).tolist()
    given = date_values(targets, "due_date")
    return [g if g is not None else c for g, c in zip(given, computed, strict=True)]


def tracker_cells(
    targets: pd.DataFrame,
    event: Mapping[str, Any],
    *,
    sla_business_days: int = 2,
    hot_sla_business_days: int = 1,
) -> Cells:
    """Display values of the Follow-up sheet in sheet order (keys: TRACKER_COLUMNS keys)."""
    df = targets
    data: Cells = {
        "target_id": text_values(df, "target_id"),
        "full_name": full_name_values(df),
        "company": text_values(df, "company"),
        "email": text_values(df, "email"),
        "phone": text_values(df, "phone"),
        "tier": tier_values(df),
        "mql": mql_values(df),
        "rep": text_values(df, "rep"),
        "due_date": compute_due_dates(
            df, event, sla_business_days=sla_business_days,
            hot_sla_business_days=hot_sla_business_days,
        ),
        "status": status_values(df),
        "touches": [max(0, t or 0) for t in int_values(df, "touches")],
        "last_touch_date": date_values(df, "last_touch_date"),
        "next_step": text_values(df, "next_step"),
        "notes": text_values(df, "notes"),
    }  # fmt: skip
    order = sort_order(df)
    if order != list(range(len(df))):
        data = {k: reorder(v, order) for k, v in data.items()}
    return data


def _add_conditional_formats(wb: Any, ws: Worksheet, keys: list[str], last_row: int) -> None:
    """Overdue rows red, due-today rows amber (open statuses only)."""
    due = f"${xl_col_to_name(keys.index('due_date'))}2"
    st = f"${xl_col_to_name(keys.index('status'))}2"
    open_test = "OR(" + ",".join(f'{st}="{s}"' for s in OPEN_STATUSES) + f',{st}="")'
    rng = (1, 0, last_row, len(keys) - 1)
    ws.conditional_format(*rng, {
        "type": "formula",
        "criteria": f"=AND(ISNUMBER({due}),{due}<TODAY(),{open_test})",
        "format": wb.add_format(OVERDUE_FILL),
        "stop_if_true": True,
    })  # fmt: skip
    ws.conditional_format(*rng, {
        "type": "formula",
        "criteria": f"=AND(ISNUMBER({due}),{due}=TODAY(),{open_test})",
        "format": wb.add_format(DUE_TODAY_FILL),
    })  # fmt: skip


def _add_validations(ws: Worksheet, keys: list[str], last_row: int) -> None:
    add_status_validation(ws, keys.index("status"), last_row)
    c = keys.index("touches")
    ws.data_validation(1, c, last_row, c, {
        "validate": "integer", "criteria": ">=", "value": 0,
        "error_title": "Touches", "error_message": "A whole number, 0 or more.",
    })  # fmt: skip
    c = keys.index("last_touch_date")
    ws.data_validation(1, c, last_row, c, {
        "validate": "date", "criteria": "between",
        "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2100, 12, 31),
        "input_message": "A date, e.g. 2026-11-27.",
        "error_title": "Last touch date", "error_message": "Enter a date (yyyy-mm-dd).",
    })  # fmt: skip


def summary_values(data: Cells, reps: list[str], today: dt.date) -> list[dict[str, Any]]:
    """The numbers the Summary formulas compute, per rep (same rules as the formulas)."""
    rows = []
    for rep in reps:
        mine = [
            (s, d, lt)
            for r, s, d, lt in zip(
                data["rep"], data["status"], data["due_date"], data["last_touch_date"], strict=True
            )
            if r == rep
        ]
        counts = {s: 0 for s in STATUS_VALUES}
        within = overdue = 0
        for status, due, last in mine:
            if status in counts:
                counts[status] += 1
            followed = status in FOLLOWED_UP_STATUSES
            if followed and last is not None and due is not None and last <= due:
                within += 1
            if due is not None and due < today and (status in OPEN_STATUSES or not status):
                overdue += 1
        rows.append({
            "rep": rep, "targets": len(mine), "counts": counts,
            "followed": sum(counts[s] for s in FOLLOWED_UP_STATUSES),
            "within": within, "overdue": overdue,
        })  # fmt: skip
    return rows


def _write_summary(
    wb: Any, data: Cells, keys: list[str], last_row: int, fmts: Formats,
    *, event: Mapping[str, Any], rep: str | None, sla_business_days: int,
) -> None:  # fmt: skip
    """Per-rep table of live formulas over the Follow-up sheet, with a total row."""
    ws = wb.add_worksheet(TRACKER_SUMMARY_SHEET_NAME)
    sheet = f"'{TRACKER_SHEET_NAME}'"

    def rng(key: str) -> str:
        letter = xl_col_to_name(keys.index(key))
        return f"{sheet}!${letter}$2:${letter}${last_row + 1}"

    rep_r, st_r, due_r, last_r = rng("rep"), rng("status"), rng("due_date"), rng("last_touch_date")
    headers = ["Rep", "Targets", *STATUS_VALUES, "Followed up", "% followed up",
               "Within SLA", "% within SLA", "Overdue"]  # fmt: skip
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, fmts["header"])
    ws.set_column(0, 0, 22)
    ws.set_column(1, len(headers) - 1, 12)
    ws.set_row(0, 30)
    reps = sorted({r for r in data["rep"] if r})
    if rep is not None and rep not in reps:
        reps.insert(0, rep)
    values = summary_values(data, reps, dt.date.today())
    first_status_col = 2
    followed_col = first_status_col + len(STATUS_VALUES)
    ints, pct = fmts["int"], fmts["percent"]
    fu_first = xl_col_to_name(first_status_col + 1)  # first followed-up status column
    fu_last = xl_col_to_name(followed_col - 1)
    open_sum = "+".join(f'({st_r}="{s}")' for s in OPEN_STATUSES) + f'+({st_r}="")'
    for i, v in enumerate(values, start=1):
        r1 = i + 1  # 1-based row number
        a = f"$A{r1}"
        ws.write_string(i, 0, neutralise(v["rep"]), fmts["text"])
        ws.write_formula(i, 1, f"=COUNTIFS({rep_r},{a})", ints, v["targets"])
        for j, status in enumerate(STATUS_VALUES):
            c = first_status_col + j
            head = xl_rowcol_to_cell(0, c, row_abs=True)
            ws.write_formula(i, c, f"=COUNTIFS({rep_r},{a},{st_r},{head})", ints,
                             v["counts"][status])  # fmt: skip
        ws.write_formula(i, followed_col, f"=SUM({fu_first}{r1}:{fu_last}{r1})", ints,
                         v["followed"])  # fmt: skip
        tot = v["targets"] or 1
        fcell = xl_rowcol_to_cell(i, followed_col)
        ws.write_formula(i, followed_col + 1, f"=IF($B{r1}=0,0,{fcell}/$B{r1})", pct,
                         v["followed"] / tot)  # fmt: skip
        ws.write_formula(
            i, followed_col + 2,
            f"=SUMPRODUCT(({rep_r}={a})*ISNUMBER({last_r})*({last_r}<={due_r})"
            f'*({st_r}<>"{STATUS_VALUES[0]}")*({st_r}<>""))',
            ints, v["within"],
        )  # fmt: skip
        wcell = xl_rowcol_to_cell(i, followed_col + 2)
        ws.write_formula(i, followed_col + 3, f"=IF($B{r1}=0,0,{wcell}/$B{r1})", pct,
                         v["within"] / tot)  # fmt: skip
        ws.write_formula(
            i, followed_col + 4,
            f"=SUMPRODUCT(({rep_r}={a})*ISNUMBER({due_r})*({due_r}<TODAY())*({open_sum}))",
            ints, v["overdue"],
        )  # fmt: skip
    # total row
    t = len(values) + 1
    rt = t + 1
    ws.write_string(t, 0, "Total", fmts["bold"])
    totals = {
        1: sum(v["targets"] for v in values),
        followed_col: sum(v["followed"] for v in values),
        followed_col + 2: sum(v["within"] for v in values),
        followed_col + 4: sum(v["overdue"] for v in values),
    }
    for j, status in enumerate(STATUS_VALUES):
        totals[first_status_col + j] = sum(v["counts"][status] for v in values)
    for c, value in totals.items():
        letter = xl_col_to_name(c)
        ws.write_formula(t, c, f"=SUM({letter}2:{letter}{t})" if t > 1 else "=0", ints, value)
    tot = totals[1] or 1
    for c, num_c in ((followed_col + 1, followed_col), (followed_col + 3, followed_col + 2)):
        ncell = xl_rowcol_to_cell(t, num_c)
        ws.write_formula(t, c, f"=IF($B{rt}=0,0,{ncell}/$B{rt})", pct, totals[num_c] / tot)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(t - 1, 1), len(headers) - 1)
    notes = [
        f"Followed up: status is not '{STATUS_VALUES[0]}'.",
        f"Within SLA: followed up and last touch date on or before the due date "
        f"({sla_business_days} business days after the event; 1 for hot MQLs).",
        f"Overdue: due date before today and status {' or '.join(OPEN_STATUSES)}.",
        "All numbers are formulas over the Follow-up sheet: they update as you edit it.",
    ]
    for k, line in enumerate(notes):
        ws.write_string(t + 2 + k, 0, line, fmts["text"])
    setup_page(ws, rep=rep, event=event, country=None, title="Follow-up summary")


def write_tracker(
    path: str | os.PathLike[str],
    targets: pd.DataFrame,
    *,
    rep: str | None,
    event: Mapping[str, Any],
    sla_business_days: int = 2,
    hot_sla_business_days: int = 1,
) -> int:
    """Write one follow-up tracker workbook (sheets "Follow-up" and "Summary").

    Args:
        path: the .xlsx file to write (replaced atomically).
        targets: one row per target (see the export input contract).
        rep: only this rep's rows, or ``None`` for every rep.
        event: ``{name, city, start_date, end_date}``.
        sla_business_days: follow-up SLA in business days after the event end.
        hot_sla_business_days: SLA for hot MQLs (hand-raisers).

    Returns:
        The number of target rows written.
    """
    rows = rows_for_rep(targets, rep)
    data = tracker_cells(
        rows, event, sla_business_days=sla_business_days,
        hot_sla_business_days=hot_sla_business_days,
    )  # fmt: skip
    columns = list(TRACKER_COLUMNS)
    keys = [c.key for c in columns]
    with atomic_path(path) as tmp:
        wb = new_workbook(tmp, f"Follow-up – {event.get('name') or ''} – {rep or 'All reps'}")
        fmts = make_formats(wb)
        ws = wb.add_worksheet(TRACKER_SHEET_NAME)
        n = write_table(ws, columns, data, fmts)
        last_row = n + EXTRA_INPUT_ROWS
        ws.freeze_panes(1, keys.index("full_name") + 1)
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
        _add_validations(ws, keys, last_row)
        _add_conditional_formats(wb, ws, keys, last_row)
        setup_page(ws, rep=rep, event=event, country=rep_country(rows), title="Follow-up tracker")
        _write_summary(
            wb, data, keys, last_row, fmts, event=event, rep=rep,
            sla_business_days=sla_business_days,
        )  # fmt: skip
        wb.close()
    return n


