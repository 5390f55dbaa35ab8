"""The report workbook: KPI summary, funnel, reps, channels, segments, events, over time.

Native Excel charts (xlsxwriter), so the workbook opens with its charts in Excel,
LibreOffice and Google Sheets: a column chart of the funnel, clustered bars per
rep (followed up / within SLA / overdue), bars of pipeline per lead per channel
and lines of follow-up over time. Numbers are written as numbers (percentages
formatted as such); every text cell that came from a user's data is neutralised
against formula injection.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from gtmplanner.core.export.safe import WORKBOOK_OPTIONS, atomic_path, neutralise
from gtmplanner.core.metrics import DEFINITIONS, TERMS
from gtmplanner.core.report import report_title, what_to_do

__all__ = ["write_report_xlsx", "SHEETS"]

SHEETS: tuple[str, ...] = ("Summary", "Funnel", "Reps", "Channels", "Segments", "Events",
                           "Follow-up over time", "Definitions")
NUM_FORMATS = {"count": "#,##0", "percent": "0.0%", "money": "#,##0", "number": "0.0",
               "days": "0.0", "date": "yyyy-mm-dd"}
COLOURS = {"followed": "#4472C4", "within": "#70AD47", "overdue": "#C00000", "due": "#A5A5A5",
           "funnel": "#4472C4", "channel": "#ED7D31"}

#: (key, header, unit, width) for the rep / segment / event tables.
GROUP_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("name", "Name", "text", 24), ("leads", "Leads", "count", 8), ("mql", "MQLs", "count", 8),
    ("followed_up", "Followed up", "count", 11),
    ("followed_up_rate", "% followed up", "percent", 12),
    ("sla_due", "SLA due", "count", 9), ("within_sla", "Within SLA", "count", 11),
    ("within_sla_rate", "% within SLA", "percent", 12), ("overdue", "Overdue", "count", 9),
    ("opportunities", "Opportunities", "count", 13),
    ("opportunity_rate", "% became opportunities", "percent", 14),
    ("pipeline", "Pipeline", "money", 13), ("won", "Closed-won", "money", 13),
    ("pipeline_per_lead", "Pipeline per lead", "money", 12),
    ("avg_touches_to_convert", "Touches to convert", "number", 11),
    ("avg_days_to_first_touch", "Days to first touch", "days", 11),
)
CHANNEL_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("name", "Channel", "text", 24), ("leads", "Leads", "count", 8),
    ("followed_up", "Followed up", "count", 11),
    ("followed_up_rate", "% followed up", "percent", 12),
    ("within_sla_rate", "% within SLA", "percent", 12),
    ("opportunities", "Opportunities", "count", 13),
    ("opportunity_rate", "% became opportunities", "percent", 14),
    ("pipeline", "Pipeline", "money", 13), ("won", "Closed-won", "money", 13),
    ("pipeline_per_lead", "Pipeline per lead", "money", 12), ("cost", "Cost", "money", 11),
    ("cost_per_lead", "Cost per lead", "money", 11),
    ("cost_per_opportunity", "Cost per opportunity", "money", 13),
    ("flag", "Flag", "text", 28),
)


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb: Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.sub = wb.add_format({"italic": True, "font_color": "#595959"})
        self.head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                   "text_wrap": True, "valign": "top"})
        self.section = wb.add_format({"bold": True, "font_size": 12})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.num = {u: wb.add_format({"num_format": f, "valign": "top"})
                    for u, f in NUM_FORMATS.items()}
        self.yes = wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100", "bold": True,
                                  "valign": "top"})
        self.no = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True,
                                 "valign": "top"})
        self.flag = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})


def _cell(ws: Worksheet, row: int, col: int, value: Any, unit: str, f: _Formats) -> None:
    """One value: numbers as numbers (formatted by unit), text neutralised, None blank."""
    if value is None:
        ws.write_blank(row, col, None, f.num.get(unit, f.text))
    elif unit == "text":
        ws.write_string(row, col, str(neutralise(str(value))), f.text)
    elif unit == "date":
        ws.write_datetime(row, col, dt.datetime.fromisoformat(str(value)), f.num["date"])
    else:
        ws.write_number(row, col, float(value), f.num[unit])


def _lines(text: str, width: int) -> int:
    """Rough number of wrapped lines ``text`` takes in a column ``width`` characters wide."""
    return max(1, -(-len(text) // max(1, int(width * 1.1))))


def _fit_row(ws: Worksheet, row: int, texts: Sequence[tuple[str, int]]) -> None:
    """Set a row tall enough for its wrapped texts (Excel and LibreOffice do not on open)."""
    ws.set_row(row, 15 * max(_lines(t, w) for t, w in texts))


def _header(ws: Worksheet, row: int, headers: Sequence[str], f: _Formats,
            widths: Sequence[int] | None = None) -> None:
    for c, h in enumerate(headers):
        ws.write_string(row, c, h, f.head)
        if widths:
            ws.set_column(c, c, widths[c])


def _money_header(header: str, unit: str, currency: str | None) -> str:
    return f"{header} ({currency})" if unit == "money" and currency else header


def _table(ws: Worksheet, top: int, rows: list[dict[str, Any]],
           columns: Sequence[tuple[str, str, str, int]], f: _Formats,
           currency: str | None) -> int:
    """Write a header and ``rows``; returns the last data row (``top`` when empty)."""
    _header(ws, top, [_money_header(h, u, currency) for _, h, u, _ in columns], f,
            [w for *_, w in columns])
    for i, r in enumerate(rows, start=top + 1):
        for c, (key, _, unit, _) in enumerate(columns):
            _cell(ws, i, c, r.get(key), unit, f)
    ws.set_row(top, 30)
    return top + len(rows)


def _page(ws: Worksheet, title: str) -> None:
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&L&\"-,Bold\"{title.replace('&', '&&')}&R&D")
    ws.set_footer("&LGTM Planner report&RPage &P of &N")


def _summary(wb: Workbook, f: _Formats, m: Mapping[str, Any], title: str, sub: str) -> None:
    ws = wb.add_worksheet("Summary")
    _page(ws, title)
    cur = m.get("currency")
    ws.write_string(0, 0, str(neutralise(f"Follow-up report: {title}")), f.title)
    ws.write_string(1, 0, str(neutralise(sub)), f.sub)
    heads = ["Metric", "Value", "Numerator", "Denominator", "Target", "Met", "Definition",
             "Numerator is", "Denominator is"]
    _header(ws, 3, heads, f, [30, 13, 12, 12, 9, 7, 60, 36, 36])
    ws.set_row(3, 20)
    defs = {d.key: d for d in DEFINITIONS}
    row = 4
    for key, k in m["kpis"].items():
        d = defs[key]
        ws.write_string(row, 0, k["label"], f.text)
        _cell(ws, row, 1, k["value"], k["unit"], f)
        _cell(ws, row, 2, k["numerator"], "money" if k["unit"] == "money" else "count", f)
        _cell(ws, row, 3, k["denominator"], "count", f)
        _cell(ws, row, 4, k["target"], "percent", f)
        if k["met"] is None:
            ws.write_blank(row, 5, None)
        else:
            ws.write_string(row, 5, "Yes" if k["met"] else "No", f.yes if k["met"] else f.no)
        ws.write_string(row, 6, d.definition, f.wrap)
        ws.write_string(row, 7, _money_header(d.numerator, k["unit"], cur), f.wrap)
        ws.write_string(row, 8, d.denominator, f.wrap)
        _fit_row(ws, row, [(d.definition, 60), (d.numerator, 36), (d.denominator, 36)])
        row += 1
    ws.freeze_panes(4, 1)
    row += 1
    ws.write_string(row, 0, "What to do", f.section)
    for note in m.get("notes") or what_to_do(m):
        row += 1
        ws.write_string(row, 0, str(neutralise(note)), f.text)
    row += 2
    ws.write_string(row, 0, "Selection", f.section)
    flt, sla = m["filter"], m["sla"]
    facts = [("Event", flt.get("event") or "all events"), ("From", flt.get("date_from")),
             ("To", flt.get("date_to")), ("Rep", flt.get("rep") or "all reps"),
             ("Segment", flt.get("segment") or "all segments"),
             ("Channel", flt.get("channel") or "all channels"),
             ("SLA (business days)", sla["business_days"]),
             ("SLA for hot MQLs (business days)", sla["hot_business_days"]),
             ("As of", m["today"])]
    for label, value in facts:
        row += 1
        ws.write_string(row, 0, label, f.text)
        if isinstance(value, int):
            ws.write_number(row, 1, value, f.num["count"])
        elif value:
            ws.write_string(row, 1, str(neutralise(str(value))), f.text)


def _funnel(wb: Workbook, f: _Formats, m: Mapping[str, Any], title: str) -> None:
    ws = wb.add_worksheet("Funnel")
    _page(ws, title)
    rows = m["funnel"]
    _header(ws, 0, ["Stage", "Count", "Rate from previous stage", "Rate from MQL",
                    "Definition"], f, [14, 10, 14, 12, 60])
    ws.set_row(0, 30)
    for i, s in enumerate(rows, start=1):
        ws.write_string(i, 0, s["stage"], f.text)
        _cell(ws, i, 1, s["count"], "count", f)
        _cell(ws, i, 2, s["rate_from_previous"], "percent", f)
        _cell(ws, i, 3, s["rate_from_mql"], "percent", f)
        ws.write_string(i, 4, s["definition"], f.wrap)
        _fit_row(ws, i, [(s["definition"], 60)])
    chart = wb.add_chart({"type": "column"})
    n = len(rows)
    chart.add_series({"name": "Marketing leads", "categories": ["Funnel", 1, 0, n, 0],
                      "values": ["Funnel", 1, 1, n, 1], "fill": {"color": COLOURS["funnel"]},
                      "data_labels": {"value": True}, "gap": 60})
    chart.set_title({"name": "MQL -> SQL -> Opportunity -> Won"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"name": "Leads", "min": 0, "major_gridlines": {"visible": True}})
    ws.insert_chart(n + 3, 0, chart, {"x_scale": 1.4, "y_scale": 1.2})


def _table_sheet(wb: Workbook, f: _Formats, name: str, title: str, rows: list[Any],
                 columns: Any, m: Mapping[str, Any], empty: str) -> tuple[Any, int]:
    """A sheet holding one table (frozen header, autofilter), or ``empty`` when no rows."""
    ws = wb.add_worksheet(name)
    _page(ws, title)
    last = _table(ws, 0, rows, columns, f, m.get("currency"))
    ws.freeze_panes(1, 1)
    if rows:
        ws.autofilter(0, 0, last, len(columns) - 1)
    else:
        ws.write_string(2, 0, empty, f.sub)
    return ws, last


def _reps(wb: Workbook, f: _Formats, m: Mapping[str, Any], title: str) -> None:
    rows = m["by_rep"]
    ws, last = _table_sheet(wb, f, "Reps", title, rows, GROUP_COLUMNS, m, "No reps yet.")
    if not rows:
        return
    keys = [c[0] for c in GROUP_COLUMNS]
    chart = wb.add_chart({"type": "bar"})
    for key, name, colour in (("followed_up", "Followed up", COLOURS["followed"]),
                              ("within_sla", "Within SLA", COLOURS["within"]),
                              ("overdue", "Overdue", COLOURS["overdue"])):
        col = keys.index(key)
        chart.add_series({"name": name, "categories": ["Reps", 1, 0, last, 0],
                          "values": ["Reps", 1, col, last, col], "fill": {"color": colour},
                          "data_labels": {"value": True}})
    chart.set_title({"name": "Per rep: followed up, within SLA, overdue"})
    chart.set_x_axis({"name": "Leads", "min": 0})
    chart.set_y_axis({"reverse": True, "crossing": "max"})
    chart.set_legend({"position": "bottom"})
    height = max(1.0, 0.4 + 0.3 * len(rows))
    ws.insert_chart(last + 3, 0, chart, {"x_scale": 1.6, "y_scale": min(height, 6.0)})


def _channels(wb: Workbook, f: _Formats, m: Mapping[str, Any], title: str) -> None:
    rows = m["by_channel"]
    ws, last = _table_sheet(wb, f, "Channels", title, rows, CHANNEL_COLUMNS, m,
                            "No channels yet.")
    if not rows:
        return
    flag_col = len(CHANNEL_COLUMNS) - 1
    ws.conditional_format(1, flag_col, last, flag_col,
                          {"type": "no_blanks", "format": f.flag})
    col = [c[0] for c in CHANNEL_COLUMNS].index("pipeline_per_lead")
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": "Pipeline per lead", "categories": ["Channels", 1, 0, last, 0],
                      "values": ["Channels", 1, col, last, col],
                      "fill": {"color": COLOURS["channel"]},
                      "data_labels": {"value": True, "num_format": "#,##0"}})
    cur = m.get("currency")
    chart.set_title({"name": "Pipeline per lead by channel" + (f" ({cur})" if cur else "")})
    chart.set_legend({"none": True})
    chart.set_x_axis({"min": 0, "num_format": "#,##0"})
    chart.set_y_axis({"reverse": True, "crossing": "max"})
    height = max(1.0, 0.25 + 0.12 * len(rows))
    ws.insert_chart(last + 3, 0, chart, {"x_scale": 1.6, "y_scale": min(height, 6.0)})


def _groups(wb: Workbook, f: _Formats, m: Mapping[str, Any], sheet: str, key: str,
            title: str) -> None:
    ws = wb.add_worksheet(sheet)
    _page(ws, title)
    cols = (("name", sheet[:-1], "text", 28), *GROUP_COLUMNS[1:])
    last = _table(ws, 0, m[key], cols, f, m.get("currency"))
    ws.freeze_panes(1, 1)
    if m[key]:
        ws.autofilter(0, 0, last, len(cols) - 1)


def _over_time(wb: Workbook, f: _Formats, m: Mapping[str, Any], title: str) -> None:
    sheet = "Follow-up over time"
    ws = wb.add_worksheet(sheet)
    _page(ws, title)
    cols = (("date", "Date", "date", 12), ("followed_up", "Followed up that day", "count", 14),
            ("followed_up_cumulative", "Followed up (cumulative)", "count", 15),
            ("within_sla_cumulative", "Within SLA (cumulative)", "count", 15),
            ("due_cumulative", "SLA due by then (cumulative)", "count", 16),
            ("followed_up_share", "Share of leads followed up", "percent", 15))
    rows = m["over_time"]
    last = _table(ws, 0, rows, cols, f, None)
    ws.freeze_panes(1, 0)
    if not rows:
        ws.write_string(2, 0, "No follow-ups yet.", f.sub)
        return
    chart = wb.add_chart({"type": "line"})
    for c, colour in ((2, COLOURS["followed"]), (3, COLOURS["within"]), (4, COLOURS["due"])):
        chart.add_series({"name": [sheet, 0, c], "categories": [sheet, 1, 0, last, 0],
                          "values": [sheet, 1, c, last, c],
                          "line": {"color": colour, "width": 2.25,
                                   **({"dash_type": "dash"} if c == 4 else {})}})
    chart.set_title({"name": "Follow-up over time"})
    chart.set_x_axis({"date_axis": True, "num_format": "mmm d", "major_gridlines":
                      {"visible": False}})
    chart.set_y_axis({"name": "Leads", "min": 0})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(1, len(cols) + 1, chart, {"x_scale": 1.5, "y_scale": 1.3})


def _definitions(wb: Workbook, f: _Formats, title: str) -> None:
    ws = wb.add_worksheet("Definitions")
    _page(ws, title)
    _header(ws, 0, ["Word", "Meaning"], f, [28, 70])
    row = 0
    for term, text in TERMS:
        row += 1
        ws.write_string(row, 0, term, f.text)
        ws.write_string(row, 1, text, f.wrap)
        _fit_row(ws, row, [(text, 70)])
    row += 2
    _header(ws, row, ["Metric", "Definition", "Numerator", "Denominator", "Key"], f,
            [28, 70, 40, 40, 24])
    for d in DEFINITIONS:
        row += 1
        for c, v in enumerate((d.label, d.definition, d.numerator, d.denominator, d.key)):
            ws.write_string(row, c, v, f.wrap)
        _fit_row(ws, row, [(d.definition, 70), (d.numerator, 40), (d.denominator, 40)])


def write_report_xlsx(path: str | os.PathLike[str], metrics: Mapping[str, Any]) -> None:
    """Write the report workbook for :func:`~gtmplanner.core.metrics.compute_metrics` output.

    Sheets: Summary (KPIs with value, numerator, denominator, target, met,
    definition; the "what to do" notes), Funnel, Reps, Channels, Segments,
    Events, Follow-up over time, Definitions. Written atomically.
    """
    title, sub = report_title(metrics)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        wb.set_properties({"title": f"Follow-up report: {title}", "author": "GTM Planner"})
        f = _Formats(wb)
        _summary(wb, f, metrics, title, sub)
        _funnel(wb, f, metrics, title)
        _reps(wb, f, metrics, title)
        _channels(wb, f, metrics, title)
        _groups(wb, f, metrics, "Segments", "by_segment", title)
        _groups(wb, f, metrics, "Events", "by_event", title)
        _over_time(wb, f, metrics, title)
        _definitions(wb, f, title)
        wb.close()
