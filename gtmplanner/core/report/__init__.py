"""The leadership report: ``gtmplanner report`` text, JSON, workbook and one-page PDF.

:func:`run_report` is what the command line (and a "Save report" button) calls:
it computes :func:`gtmplanner.core.metrics.compute_metrics` for an event and a
date range, adds the one-line "what to do" notes and writes the requested files.
The formatting helpers here are shared by the text, xlsx and PDF outputs so a
number reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gtmplanner.core.errors import UsageError
from gtmplanner.core.metrics import (
    DEFINITIONS,
    FLAG_MIN_VOLUME,
    TERMS,
    MetricFilter,
    SlaRules,
    compute_metrics,
)

if TYPE_CHECKING:
    from gtmplanner.core.store import Project

__all__ = ["run_report", "format_report", "what_to_do", "glossary_markdown",
           "write_report_xlsx", "write_report_pdf", "fmt_value", "fmt_money", "fmt_pct",
           "report_title"]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
#: The KPI tiles / lines a leader reads first (keys of ``metrics["kpis"]``).
HEADLINE_KPIS: tuple[str, ...] = ("followed_up", "followed_up_mql", "within_sla",
                                  "became_opportunity", "pipeline", "closed_won")


# -- formatting --------------------------------------------------------------------------------
def fmt_pct(value: float | None, digits: int = 0) -> str:
    """0.703 -> '70%' (``None`` -> 'n/a')."""
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def fmt_money(value: float | None, currency: str | None = None, *, short: bool = False) -> str:
    """5849000 -> '$5,849,000' (or '$5.8M' when ``short``); unknown currency as a suffix."""
    if value is None:
        return "n/a"
    sym = _SYMBOLS.get((currency or "").upper())
    v = float(value)
    if short and abs(v) >= 1_000:
        for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if abs(v) >= div:
                text = f"{v / div:.1f}".rstrip("0").rstrip(".") + suffix
                break
    else:
        text = f"{v:,.0f}"
    if sym:
        return f"-{sym}{text[1:]}" if text.startswith("-") else f"{sym}{text}"
    return f"{text} {currency}" if currency else text


def fmt_value(value: float | None, unit: str, currency: str | None = None, *,
              short: bool = False) -> str:
    """A metric value as people read it, by unit (percent, count, money, number, days)."""
    if value is None:
        return "n/a"
    if unit == "percent":
        return fmt_pct(value, 0 if short else 1)
    if unit == "money":
        return fmt_money(value, currency, short=short)
    if unit == "count":
        return f"{int(value):,}"
    if unit == "days":
        return f"{value:.1f} days"
    return f"{value:.1f}"


def report_title(metrics: Mapping[str, Any]) -> tuple[str, str]:
    """(title, subtitle): the event(s) and the period, filters and SLA in words."""
    flt, events = metrics["filter"], metrics.get("events") or []
    if flt.get("event") and events:
        title = events[0]["name"]
    elif len(events) == 1:
        title = events[0]["name"]
    else:
        title = f"{len(events)} events" if events else "All leads"
    parts = []
    if flt.get("date_from") or flt.get("date_to"):
        parts.append(f"{flt.get('date_from') or '...'} to {flt.get('date_to') or '...'}")
    elif len(events) == 1 and events[0].get("start_date"):
        e = events[0]
        span = e["start_date"] if e.get("end_date") in (None, e["start_date"]) else (
            f"{e['start_date']} to {e['end_date']}")
        parts.append(f"{e.get('city') or ''} {span}".strip())
    for key, word in (("rep", "rep"), ("segment", "segment"), ("channel", "channel")):
        if flt.get(key):
            parts.append(f"{word} {flt[key]}")
    sla = metrics["sla"]
    parts.append(f"SLA {sla['business_days']} business days (hot MQLs "
                 f"{sla['hot_business_days']})")
    parts.append(f"as of {metrics['today']}")
    return title, " · ".join(parts)


# -- what to do --------------------------------------------------------------------------------
def what_to_do(metrics: Mapping[str, Any], limit: int = 6) -> list[str]:
    """One-line actions for leadership, most important first (the playbook's advice)."""
    k, cur = metrics["kpis"], metrics.get("currency")
    if not k["leads"]["value"]:
        return ["No leads in this selection yet: build the lists, export the trackers and "
                "sync them back."]
    notes: list[str] = []
    flagged = sorted((c for c in metrics["by_channel"] if c.get("flag")),
                     key=lambda c: -c["leads"])
    for c in flagged:
        spent = f", {fmt_money(c['cost'], cur)} spent" if c.get("cost") else ""
        if (c["followed_up_rate"] or 0) >= 0.5:
            notes.append(f"Drop or rework {c['name']}: {c['leads']:,} leads, 0 opportunities"
                         f"{spent}.")
        else:
            notes.append(f"Follow up {c['name']} before judging it: {c['leads']:,} leads, "
                         f"0 opportunities, only {fmt_pct(c['followed_up_rate'])} followed up.")
    hot = k["followed_up_hot"]
    if hot["denominator"] and hot["numerator"] < hot["denominator"]:
        n = hot["denominator"] - hot["numerator"]
        notes.append(f"Call the {n:,} hot MQL{'s' if n != 1 else ''} not followed up yet: "
                     "they asked to hear from us.")
    w = k["within_sla"]
    if w["met"] is False:
        late = sorted((r for r in metrics["by_rep"] if r["overdue"]), key=lambda r: -r["overdue"])
        who = ", ".join(f"{r['name']} {r['overdue']:,}" for r in late[:3])
        notes.append(f"Within SLA {fmt_pct(w['value'])} vs target {fmt_pct(w['target'])}: "
                     f"{k['overdue']['value']:,} leads overdue" + (f" ({who})." if who else "."))
    fu, conv = k["followed_up_mql"], k["became_opportunity_mql"]
    if (fu["value"] or 0) >= 0.8 and conv["value"] is not None and conv["value"] < 0.05:
        notes.append(f"MQLs are followed up ({fmt_pct(fu['value'])}) but only "
                     f"{fmt_pct(conv['value'], 1)} became opportunities: raise the warm MQL "
                     "score threshold.")
    best = next((c for c in metrics["by_channel"] if c["pipeline"] > 0), None)
    if best is not None:
        notes.append(f"Invest in {best['name']}: {fmt_money(best['pipeline_per_lead'], cur)} "
                     f"pipeline per lead, {fmt_pct(best['opportunity_rate'])} became "
                     "opportunities.")
    r = metrics["retarget"]
    if r["targets"]:
        notes.append(f"Re-targeted cold deals: {r['re_engaged']:,} of {r['targets']:,} "
                     f"re-engaged, {r['re_opened']:,} re-opened "
                     f"({fmt_money(r['amount'], cur)}).")
    return notes[:limit]


# -- text --------------------------------------------------------------------------------------
def _table_text(rows: list[dict[str, Any]], cols: list[tuple[str, str, str]],
                currency: str | None, limit: int = 12) -> list[str]:
    """Fixed-width text table: cols are (key, header, unit)."""
    cells = [[h for _, h, _ in cols]]
    for r in rows[:limit]:
        cells.append([str(r[key]) if unit == "text" else fmt_value(r[key], unit, currency,
                                                                     short=True)
                      for key, _, unit in cols])
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    out = ["  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                            for i, (c, w) in enumerate(zip(row, widths, strict=True)))
           for row in cells]
    if len(rows) > limit:
        out.append(f"  ... and {len(rows) - limit} more (see --json or --xlsx)")
    return out


_GROUP_COLS = [("name", "", "text"), ("leads", "Leads", "count"),
               ("followed_up_rate", "Followed up", "percent"),
               ("within_sla_rate", "Within SLA", "percent"), ("overdue", "Overdue", "count"),
               ("opportunities", "Opps", "count"), ("pipeline", "Pipeline", "money")]


def format_report(metrics: Mapping[str, Any]) -> str:
    """Human text for ``gtmplanner report`` (every KPI with numerator / denominator)."""
    cur = metrics.get("currency")
    title, sub = report_title(metrics)
    lines = [f"Report: {title}", f"  {sub}", ""]
    width = max(len(v["label"]) for v in metrics["kpis"].values())
    for v in metrics["kpis"].values():
        value = fmt_value(v["value"], v["unit"], cur)
        line = f"  {v['label'].ljust(width)}  {value:>14}"
        if v["denominator"] is not None:
            num = (fmt_money(v["numerator"], cur) if v["unit"] == "money"
                   else f"{v['numerator']:,}")
            line += f"  ({num} / {v['denominator']:,})"
        if v["target"] is not None:
            line += f"  target {fmt_pct(v['target'])}: " + (
                "n/a" if v["met"] is None else "met" if v["met"] else "MISSED")
        lines.append(line)
    steps = []
    for s in metrics["funnel"]:
        rate = "" if s["rate_from_previous"] is None else f" ({fmt_pct(s['rate_from_previous'])})"
        steps.append(f"{s['stage']} {s['count']:,}{rate}")
    lines += ["", "Funnel (marketing leads): " + " -> ".join(steps), ""]
    for key, head in (("by_rep", "By rep"), ("by_channel", "By channel"),
                      ("by_segment", "By segment")):
        if metrics[key]:
            cols = _GROUP_COLS + ([("pipeline_per_lead", "Per lead", "money")]
                                  if key == "by_channel" else [])
            lines += [f"{head}:", *_table_text(metrics[key], cols, cur), ""]
    notes = metrics.get("notes") or what_to_do(metrics)
    lines.append("What to do:")
    lines += [f"  - {n}" for n in notes]
    files = metrics.get("files") or {}
    for kind, path in files.items():
        if path:
            lines.append(f"Wrote {kind}: {path}")
    return "\n".join(lines)


def glossary_markdown() -> str:
    """The README glossary section for the report (``docs/metrics.md``), from the definitions."""
    lines = ["## Report: what the numbers mean", "",
             "`gtmplanner report` and the dashboard use these definitions, written once in "
             "`gtmplanner/core/metrics.py` (`DEFINITIONS`, `TERMS`), so marketing and sales "
             "read the same number the same way. A rate whose denominator is 0 is shown as "
             "n/a, never as 0 %.", "", "### Words", ""]
    lines += [f"- **{term}**: {text}" for term, text in TERMS]
    lines += ["", "### Metrics", "", "| Metric | Definition | Numerator | Denominator |",
              "|---|---|---|---|"]
    lines += [f"| {d.label} (`{d.key}`) | {d.definition} | {d.numerator} | {d.denominator} |"
              for d in DEFINITIONS]
    lines += ["", "### SLA, targets and costs", "",
              "Defaults (`SlaRules`): follow-up within 2 business days, 1 for hot MQLs (the same "
              "due dates the follow-up trackers print); KPI targets 95 % followed up and 90 % "
              "within the SLA (a KPI is *met* at or above its target). Example: for an event "
              "ending Wednesday 25 November 2026 a US rep is due Monday 30 November, because "
              "Thanksgiving (Thursday) and the weekend are skipped; a UK rep is due Friday 27.",
              "", "Channel costs are entered per channel (project setting `channel_costs`: "
              f"channel -> amount). A channel with {FLAG_MIN_VOLUME} or more leads and no "
              "opportunity is flagged *volume but no opportunities*.", "",
              "### The command", "",
              "    gtmplanner report PROJECT [--event NAME] [--from DATE --to DATE] [--json]",
              "                              [--xlsx FILE] [--pdf FILE]", "",
              "`--json` prints every metric with its numerator and denominator; `--xlsx` writes "
              "a workbook (Summary, Funnel, Reps, Channels, Segments, Events, Follow-up over "
              "time, Definitions) with native Excel charts; `--pdf` a one-page leadership "
              "summary with the same charts and the *what to do* notes.", ""]
    return "\n".join(lines)


# -- files -------------------------------------------------------------------------------------
def write_report_xlsx(path: str | os.PathLike[str], metrics: Mapping[str, Any]) -> None:
    """Write the report workbook (see :mod:`gtmplanner.core.report.xlsx_report`)."""
    from gtmplanner.core.report.xlsx_report import write_report_xlsx as write

    write(path, metrics)


def write_report_pdf(path: str | os.PathLike[str], metrics: Mapping[str, Any]) -> None:
    """Write the one-page PDF (see :mod:`gtmplanner.core.report.pdf_report`)."""
    from gtmplanner.core.report.pdf_report import write_report_pdf as write

    write(path, metrics)


def _date(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise UsageError(f"{what} '{value}' is not a date (use YYYY-MM-DD)") from None


def run_report(project: Project | str | os.PathLike[str], *, event: str | None = None,
               date_from: dt.date | str | None = None, date_to: dt.date | str | None = None,
               xlsx: str | os.PathLike[str] | None = None,
               pdf: str | os.PathLike[str] | None = None, rep: str | None = None,
               segment: str | None = None, channel: str | None = None,
               sla: SlaRules | None = None, today: dt.date | None = None,
               costs: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Compute the metrics, add the notes, write the requested files; returns the JSON dict.

    ``project`` is an open :class:`Project` or a path to one. Unknown event / rep /
    segment names and bad dates raise :class:`UsageError` with one clear line.
    """
    flt = MetricFilter(event=event, date_from=_date(date_from, "--from"),
                       date_to=_date(date_to, "--to"), rep=rep, segment=segment, channel=channel)
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise UsageError(f"--from {flt.date_from} is after --to {flt.date_to}")
    if isinstance(project, (str, os.PathLike)):
        from gtmplanner.core.store import Project

        with Project(project) as opened:
            metrics = compute_metrics(opened, flt, sla=sla, today=today, costs=costs)
    else:
        metrics = compute_metrics(project, flt, sla=sla, today=today, costs=costs)
    metrics["notes"] = what_to_do(metrics)
    files: dict[str, str | None] = {"xlsx": None, "pdf": None}
    if xlsx:
        write_report_xlsx(xlsx, metrics)
        files["xlsx"] = str(Path(xlsx))
    if pdf:
        write_report_pdf(pdf, metrics)
        files["pdf"] = str(Path(pdf))
    metrics["files"] = files
    return metrics
