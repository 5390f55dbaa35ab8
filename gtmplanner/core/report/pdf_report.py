"""The one-page leadership summary (PDF, fpdf2, no Qt).

Landscape Letter (A4 outside the Americas): title with the event and period,
six KPI tiles with their target met or missed, the MQL -> SQL -> opportunity ->
won funnel, per-rep bars (followed up / within SLA / overdue), follow-up over
time, the top channels and the one-line "what to do" notes. The charts are
drawn with fpdf2 primitives (rectangles and lines) from the same numbers as the
workbook's native charts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from gtmplanner.core.export.pdf_sheet import TargetPDF
from gtmplanner.core.export.safe import atomic_path
from gtmplanner.core.export.target_sheet import LETTER_COUNTRIES
from gtmplanner.core.report import fmt_money, fmt_pct, fmt_value, report_title, what_to_do

__all__ = ["write_report_pdf"]

RGB = tuple[int, int, int]
BLUE: RGB = (68, 114, 196)
GREEN: RGB = (112, 173, 71)
RED: RGB = (192, 0, 0)
GREY: RGB = (150, 150, 150)
LIGHT: RGB = (242, 242, 242)
INK: RGB = (33, 33, 33)
MUTED: RGB = (100, 100, 100)
MAX_REPS = 8


class ReportPDF(TargetPDF):
    """A :class:`TargetPDF` (fonts, text cleaning) without running header and footer."""

    def header(self) -> None:  # one page: the title is drawn by hand
        return None

    def footer(self) -> None:
        return None

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
        text = self.clean(text)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "...") > width:
            text = text[:-1]
        return text.rstrip() + "..."

    def text_at(self, x: float, y: float, w: float, h: float, text: str, *, size: float = 8,
                style: str = "", align: str = "L", color: RGB = INK) -> None:
        """One line of text in a box (cut to fit)."""
        self.use(style, size)
        self.set_text_color(*color)
        self.set_xy(x, y)
        self.cell(w, h, self.fit(text, w - 0.5), align=align)
        self.set_text_color(*INK)


def _panel(pdf: ReportPDF, x: float, y: float, w: float, h: float, title: str) -> None:
    pdf.set_draw_color(210, 210, 210)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h)
    pdf.text_at(x + 2, y + 1.5, w - 4, 5, title, size=9, style="B")


def _tile(pdf: ReportPDF, x: float, y: float, w: float, h: float, k: Mapping[str, Any],
          currency: str | None, detail: str) -> None:
    colour = GREY if k["met"] is None else GREEN if k["met"] else RED
    pdf.set_fill_color(*LIGHT)
    pdf.rect(x, y, w, h, style="F")
    pdf.set_fill_color(*colour)
    pdf.rect(x, y, 1.6, h, style="F")
    pdf.text_at(x + 3, y + 1.5, w - 4, 4, k["label"], size=7.5, color=MUTED)
    pdf.text_at(x + 3, y + 6, w - 4, 8, fmt_value(k["value"], k["unit"], currency, short=True),
                size=17, style="B")
    pdf.text_at(x + 3, y + 14.5, w - 4, 4, detail, size=7, color=MUTED)
    if k["target"] is not None:
        verdict = "n/a" if k["met"] is None else "met" if k["met"] else "missed"
        pdf.text_at(x + 3, y + 18.5, w - 4, 4, f"Target {fmt_pct(k['target'])}: {verdict}",
                    size=7, style="B", color=colour)


def _tiles(pdf: ReportPDF, m: Mapping[str, Any], x: float, y: float, width: float) -> float:
    k, cur = m["kpis"], m.get("currency")

    def ratio(key: str) -> str:
        return f"{k[key]['numerator']:,} of {k[key]['denominator']:,} leads"

    tiles = [
        ("followed_up", "Leads followed up", ratio("followed_up")),
        ("followed_up_mql", "MQLs followed up",
         ratio("followed_up_mql").replace("leads", "MQLs")),
        ("within_sla", "Within SLA", ratio("within_sla").replace("leads", "due")),
        ("became_opportunity", "Became opportunities", ratio("became_opportunity")),
        ("pipeline", "Pipeline",
         f"Closed-won {fmt_money(k['closed_won']['value'], cur, short=True)}"),
        ("avg_touches_to_convert", "Touches to convert",
         "" if k["days_to_first_touch"]["value"] is None
         else f"{fmt_value(k['days_to_first_touch']['value'], 'days')} to first touch"),
    ]
    gap, h = 3.0, 24.0
    w = (width - gap * (len(tiles) - 1)) / len(tiles)
    for i, (key, label, detail) in enumerate(tiles):
        _tile(pdf, x + i * (w + gap), y, w, h, {**k[key], "label": label}, cur, detail)
    return y + h


def _funnel(pdf: ReportPDF, m: Mapping[str, Any], x: float, y: float, w: float,
            h: float) -> None:
    _panel(pdf, x, y, w, h, "Funnel: marketing leads")
    stages = m["funnel"]
    top = stages[0]["count"] or 1
    label_w, text_w = 21.0, 24.0
    area_w = w - label_w - text_w - 4
    slot = (h - 12) / len(stages)
    bar_h = min(11.0, slot * 0.72)
    for i, s in enumerate(stages):
        yy = y + 9 + i * slot + (slot - bar_h) / 2
        bw = max(0.8, area_w * s["count"] / top) if s["count"] else 0.0
        pdf.text_at(x + 2, yy, label_w, bar_h, s["stage"], size=8, style="B")
        pdf.set_fill_color(*BLUE)
        if bw:
            pdf.rect(x + 2 + label_w, yy, bw, bar_h, style="F")
        tx = x + 3 + label_w + bw
        rate = s["rate_from_previous"]
        pdf.text_at(tx, yy + (0 if rate is not None else bar_h / 4), text_w, bar_h / 2,
                    f"{s['count']:,}", size=8.5, style="B")
        if rate is not None:
            pdf.text_at(tx, yy + bar_h / 2, text_w, bar_h / 2, f"{fmt_pct(rate)} of previous",
                        size=6.5, color=MUTED)


def _legend(pdf: ReportPDF, x: float, y: float, items: Sequence[tuple[str, RGB]],
            dashed: str | None = None) -> None:
    for name, colour in items:
        pdf.set_fill_color(*colour)
        pdf.rect(x, y + 1, 3, 2.2, style="F")
        pdf.use("", 6.5)
        wd = pdf.get_string_width(name) + 2
        pdf.text_at(x + 3.5, y, wd + 1, 4, name, size=6.5, color=MUTED)
        x += wd + 7


def _reps(pdf: ReportPDF, m: Mapping[str, Any], x: float, y: float, w: float, h: float) -> None:
    rows = [r for r in m["by_rep"] if r["leads"]][:MAX_REPS] or m["by_rep"][:MAX_REPS]
    more = len([r for r in m["by_rep"] if r["leads"]]) - len(rows)
    _panel(pdf, x, y, w, h, "Per rep: followed up / within SLA / overdue"
           + (f" (top {len(rows)})" if more > 0 else ""))
    if not rows:
        pdf.text_at(x + 3, y + 12, w - 6, 5, "No reps yet.", color=MUTED)
        return
    name_w, top, bottom = 26.0, y + 8, y + h - 7
    area = w - name_w - 14
    biggest = max(max(r["followed_up"], r["within_sla"], r["overdue"], 1) for r in rows)
    slot = (bottom - top) / len(rows)
    bar = min(2.6, (slot - 1.2) / 3)
    series = (("followed_up", BLUE), ("within_sla", GREEN), ("overdue", RED))
    for i, r in enumerate(rows):
        sy = top + i * slot + (slot - 3 * bar) / 2
        pdf.text_at(x + 2, sy - 0.3, name_w - 2, 3 * bar + 0.6, r["name"], size=7)
        for j, (key, colour) in enumerate(series):
            bw = area * r[key] / biggest
            pdf.set_fill_color(*colour)
            if bw > 0:
                pdf.rect(x + name_w, sy + j * bar, bw, bar * 0.9, style="F")
            pdf.text_at(x + name_w + bw + 0.5, sy + j * bar - 0.4, 12, bar + 0.6,
                        f"{r[key]:,}", size=5.5, color=MUTED)
    _legend(pdf, x + name_w, y + h - 5.5, [("Followed up", BLUE), ("Within SLA", GREEN),
                                          ("Overdue", RED)])


def _over_time(pdf: ReportPDF, m: Mapping[str, Any], x: float, y: float, w: float,
               h: float) -> None:
    _panel(pdf, x, y, w, h, "Follow-up over time (cumulative)")
    pts = m["over_time"]
    if not pts:
        pdf.text_at(x + 3, y + 12, w - 6, 5, "No follow-ups yet.", color=MUTED)
        return
    left, right, top, bottom = x + 10, x + w - 3, y + 9, y + h - 11
    peak = max(max(p["followed_up_cumulative"], p["due_cumulative"]) for p in pts) or 1
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.15)
    for frac in (0, 0.5, 1):
        gy = bottom - (bottom - top) * frac
        pdf.line(left, gy, right, gy)
        pdf.text_at(x + 0.5, gy - 2, 9, 4, f"{round(peak * frac):,}", size=5.5, align="R",
                    color=MUTED)
    n = len(pts)

    def xy(i: int, v: float) -> tuple[float, float]:
        px = left + (right - left) * (i / (n - 1) if n > 1 else 0.5)
        return px, bottom - (bottom - top) * v / peak

    for key, colour, dash in (("due_cumulative", GREY, True),
                              ("within_sla_cumulative", GREEN, False),
                              ("followed_up_cumulative", BLUE, False)):
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.6)
        if dash:
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
        line = [xy(i, p[key]) for i, p in enumerate(pts)]
        if len(line) == 1:
            line = [(left, line[0][1]), (right, line[0][1])]
        pdf.polyline(line)
        pdf.set_dash_pattern()
    pdf.text_at(left - 2, bottom + 0.5, 20, 4, pts[0]["date"], size=5.5, color=MUTED)
    pdf.text_at(right - 18, bottom + 0.5, 18, 4, pts[-1]["date"], size=5.5, align="R",
                color=MUTED)
    _legend(pdf, left, y + h - 5.5, [("Followed up", BLUE), ("Within SLA", GREEN),
                                     ("SLA due", GREY)])


_CH_COLS = (("Channel", 40, "L"), ("Leads", 15, "R"), ("Followed up", 20, "R"),
            ("Opps", 14, "R"), ("Pipeline", 22, "R"), ("Per lead", 20, "R"),
            ("Cost / opp", 20, "R"))


def _channels(pdf: ReportPDF, m: Mapping[str, Any], x: float, y: float, w: float,
              h: float) -> None:
    rows = m["by_channel"]
    fit = max(1, int((h - 15) // 4.9))
    _panel(pdf, x, y, w, h, "Channels by pipeline per lead"
           + (f" (top {fit} of {len(rows)})" if len(rows) > fit else ""))
    cur = m.get("currency")
    scale = (w - 4) / sum(c[1] for c in _CH_COLS)
    yy = y + 8
    cx = x + 2
    for head, cw, align in _CH_COLS:
        pdf.text_at(cx, yy, cw * scale, 4.5, head, size=7, style="B", align=align, color=MUTED)
        cx += cw * scale
    pdf.set_draw_color(200, 200, 200)
    pdf.line(x + 2, yy + 4.8, x + w - 2, yy + 4.8)
    yy += 5.5
    if not rows:
        pdf.text_at(x + 3, yy + 1, w - 6, 5, "No channels yet.", color=MUTED)
    for r in rows[:fit]:
        colour = RED if r.get("flag") else INK
        cells = (r["name"] + ("  (no opps)" if r.get("flag") else ""), f"{r['leads']:,}",
                 fmt_pct(r["followed_up_rate"]), f"{r['opportunities']:,}",
                 fmt_money(r["pipeline"], cur, short=True),
                 fmt_money(r["pipeline_per_lead"], cur, short=True),
                 fmt_money(r.get("cost_per_opportunity"), cur, short=True)
                 if r.get("cost") is not None else "")
        cx = x + 2
        for text, (_, cw, align) in zip(cells, _CH_COLS, strict=True):
            pdf.text_at(cx, yy, cw * scale, 4.6, text, size=7.5, align=align, color=colour)
            cx += cw * scale
        yy += 4.9


def _notes(pdf: ReportPDF, m: Mapping[str, Any], x: float, y: float, w: float,
           h: float) -> None:
    _panel(pdf, x, y, w, h, "What to do")
    pdf.set_xy(x + 2, y + 8)
    bottom = y + h - 2
    for note in (m.get("notes") or what_to_do(m)):
        pdf.use("", 8)
        lines = pdf.multi_cell(w - 8, 3.8, pdf.clean(note), align="L", dry_run=True,
                               output="LINES")
        if pdf.get_y() + 3.8 * len(lines) > bottom:
            break
        top = pdf.get_y()
        pdf.set_fill_color(*BLUE)
        pdf.rect(x + 2.5, top + 1.4, 1.2, 1.2, style="F")
        pdf.set_xy(x + 5, top)
        pdf.multi_cell(w - 8, 3.8, pdf.clean(note), align="L")
        pdf.set_xy(x + 2, pdf.get_y() + 1.2)


def _paper(m: Mapping[str, Any]) -> str:
    countries = {str(e.get("country") or "US").upper() for e in m.get("events") or []}
    return "Letter" if not countries or countries & LETTER_COUNTRIES else "A4"


def write_report_pdf(path: str | os.PathLike[str], metrics: Mapping[str, Any]) -> None:
    """Write the one-page leadership summary of ``metrics`` to ``path`` (atomically)."""
    title, sub = report_title(metrics)
    pdf = ReportPDF(paper=_paper(metrics), running=f"Follow-up report: {title}")
    pdf.add_page()
    margin = 10.0
    width = pdf.w - 2 * margin
    pdf.text_at(margin, 8, width, 8, f"Event follow-up: {title}", size=16, style="B")
    pdf.text_at(margin, 16, width, 5, sub, size=8.5, color=MUTED)
    y = _tiles(pdf, metrics, margin, 23, width) + 4
    gap = 3.0
    chart_h = 74.0
    w1, w3 = width * 0.28, width * 0.30
    w2 = width - w1 - w3 - 2 * gap
    _funnel(pdf, metrics, margin, y, w1, chart_h)
    _reps(pdf, metrics, margin + w1 + gap, y, w2, chart_h)
    _over_time(pdf, metrics, margin + w1 + w2 + 2 * gap, y, w3, chart_h)
    y += chart_h + 4
    bottom_h = pdf.h - y - 16
    wc = width * 0.58
    _channels(pdf, metrics, margin, y, wc, bottom_h)
    _notes(pdf, metrics, margin + wc + gap, y, width - wc - gap, bottom_h)
    sla = metrics["sla"]
    foot = (f"Followed up = status is not 'Not contacted' or a touch is logged. Within SLA = "
            f"first touch by the due date ({sla['business_days']} business days after the "
            f"event or MQL date, {sla['hot_business_days']} for hot MQLs; weekends and the "
            "rep's holidays skipped). Became an opportunity = a deal on the person or account "
            "created on or after the first touch. Full definitions: the workbook's "
            "Definitions sheet.")
    pdf.use("", 6.5)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(margin, pdf.h - 11)
    pdf.multi_cell(width, 3, pdf.clean(foot), align="L")
    with atomic_path(path) as tmp:
        pdf.output(str(tmp))
