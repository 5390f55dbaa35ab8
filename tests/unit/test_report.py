"""The leadership report: text, workbook (native charts), one-page PDF, and the play.

Uses the hand-computed fixture of ``test_metrics.py`` (see its docstring for
every number); the last test plays the demo end to end (lists -> trackers ->
a rep fills one in -> sync -> a deal in the CRM -> report).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from pathlib import Path

import openpyxl
import pytest

from gtmplanner.core.errors import UsageError
from gtmplanner.core.metrics import compute_metrics
from gtmplanner.core.report import (
    fmt_money,
    format_report,
    run_report,
    what_to_do,
    write_report_pdf,
    write_report_xlsx,
)
from gtmplanner.core.report.xlsx_report import SHEETS
from gtmplanner.core.store import Project

_spec = importlib.util.spec_from_file_location(
    "_gtm_metrics_fixture", Path(__file__).with_name("test_metrics.py"))
fx = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(fx)  # type: ignore[union-attr]
TODAY = fx.TODAY


@pytest.fixture
def played(tmp_path: Path) -> Project:
    p = fx.make_project(tmp_path / "p.gtmp")
    with p.transaction() as c:  # a roster that tries formula injection
        c.execute("UPDATE people SET source = '=HYPERLINK(\"http://x\",\"y\")' WHERE id = 8")
    return p


def pdf_pages(path: Path) -> int:
    """Page objects in a PDF (fpdf2 writes them uncompressed)."""
    data = path.read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def table(ws) -> dict[str, dict[str, object]]:
    """Rows of a header-in-row-1 sheet keyed by the first column."""
    heads = [c.value for c in ws[1]]
    return {r[0]: dict(zip(heads, r, strict=False))
            for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None}


# -- run_report and the text ----------------------------------------------------------------
def test_run_report_writes_both_files_and_returns_json(played, tmp_path):
    xlsx, pdf = tmp_path / "out" / "r.xlsx", tmp_path / "out" / "r.pdf"
    m = run_report(played, event=None, date_from=None, date_to=None, xlsx=xlsx, pdf=pdf,
                   today=TODAY)
    assert m["files"] == {"xlsx": str(xlsx), "pdf": str(pdf)}
    assert xlsx.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    assert m["kpis"]["followed_up"]["numerator"] == 8 and m["notes"]
    json.loads(json.dumps(m))
    assert not list((tmp_path / "out").glob(".*tmp*"))  # written atomically


def test_run_report_filters_and_clear_errors(played, tmp_path):
    m = run_report(played, event="Winter Expo", date_from="2026-11-01", date_to="2026-11-30",
                   xlsx=None, pdf=None, today=TODAY)
    assert m["filter"] == {"event": "Winter Expo", "date_from": "2026-11-01",
                           "date_to": "2026-11-30", "rep": None, "segment": None,
                           "channel": None}
    assert m["kpis"]["leads"]["value"] == 4 and m["files"] == {"xlsx": None, "pdf": None}
    with pytest.raises(UsageError, match="not a date"):
        run_report(played, date_from="last week", today=TODAY)
    with pytest.raises(UsageError, match="is after"):
        run_report(played, date_from="2026-12-01", date_to="2026-11-01", today=TODAY)
    with pytest.raises(UsageError, match="no event called"):
        run_report(played, event="Nope", today=TODAY)
    # a path works as well as an open project
    by_path = run_report(played.path, event="winter expo", today=TODAY)
    assert by_path["kpis"]["leads"]["value"] == 4


def test_format_report_names_every_numerator_and_denominator(played):
    text = format_report(run_report(played, today=TODAY))
    assert text.startswith("Report: 2 events")
    assert re.search(r"Leads followed up\s+80\.0%\s+\(8 / 10\)\s+target 95%: MISSED", text)
    assert re.search(r"Hot MQLs followed up\s+100\.0%\s+\(2 / 2\)\s+target 95%: met", text)
    assert re.search(r"Pipeline\s+\$70,000", text)
    assert re.search(r"Pipeline per lead\s+\$7,000\s+\(\$70,000 / 10\)", text)
    assert "Funnel (marketing leads): MQL 4 -> SQL 2 (50%) -> Opportunity 1 (50%) -> Won 0 (0%)" \
        in text
    assert "By rep:" in text and "Cy" in text and "What to do:" in text


def test_what_to_do_notes(played):
    m = compute_metrics(played, today=TODAY, flag_volume=2, costs={"Content syndication": 900})
    notes = what_to_do(m)
    # Booth scan: 2 leads (T6, T7; T8's source is the injection), no opportunity, both
    # followed up -> drop it
    assert notes[0] == "Drop or rework Booth scan: 2 leads, 0 opportunities."
    assert ("Within SLA 60% vs target 90%: 3 leads overdue (Ann 1, Bob 1, (unassigned) 1)."
            in notes)
    assert "Invest in Webinar: $12,500 pipeline per lead, 75% became opportunities." in notes
    assert "Re-targeted cold deals: 2 of 3 re-engaged, 2 re-opened ($50,000)." in notes
    assert not any("hot MQL" in n for n in notes)  # both hot MQLs were followed up
    # a channel nobody followed up is not judged yet
    m["by_channel"][0].update(flag="volume but no opportunities", followed_up_rate=0.1)
    assert what_to_do(m)[0].startswith(f"Follow up {m['by_channel'][0]['name']} before judging")


def test_money_formats():
    assert fmt_money(5_849_000, "USD") == "$5,849,000"
    assert fmt_money(5_849_000, "EUR", short=True) == "€5.8M"
    assert fmt_money(12_000, "CHF", short=True) == "12K CHF"
    assert fmt_money(950, None, short=True) == "950" and fmt_money(None) == "n/a"


# -- the workbook ---------------------------------------------------------------------------
@pytest.fixture
def workbook(played, tmp_path) -> tuple[openpyxl.Workbook, dict]:
    m = run_report(played, today=TODAY, costs={"Webinar": 2000})
    path = tmp_path / "r.xlsx"
    write_report_xlsx(path, m)
    return openpyxl.load_workbook(path), m


def test_xlsx_sheets_and_native_charts(workbook):
    wb, _ = workbook
    assert wb.sheetnames == list(SHEETS)
    for name in ("Funnel", "Reps", "Channels", "Follow-up over time"):
        assert wb[name]._charts, f"no chart on {name}"
    assert len(wb["Reps"]._charts[0].series) == 3  # followed up / within SLA / overdue


def test_xlsx_summary_values_are_numbers_with_targets_and_definitions(workbook):
    wb, m = workbook
    ws = wb["Summary"]
    heads = [c.value for c in ws[4]]
    assert heads[:7] == ["Metric", "Value", "Numerator", "Denominator", "Target", "Met",
                         "Definition"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, max_row=4 + len(m["kpis"]),
                                          values_only=True)}
    assert rows["Leads followed up"][1:6] == (0.8, 8, 10, 0.95, "No")
    assert rows["Hot MQLs followed up"][1:6] == (1.0, 2, 2, 0.95, "Yes")
    assert rows["Pipeline"][1:4] == (70000, 70000, None)
    assert rows["Touches to convert"][1] == 3.5
    assert rows["Leads followed up"][6] == m["kpis"]["followed_up"]["definition"]
    value_cell = next(c for c in ws["B"] if c.row > 4 and c.value == 0.8)
    assert "%" in value_cell.number_format
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "What to do" in texts and any(t.startswith("Invest in Webinar") for t in texts)


def test_xlsx_reps_channels_over_time_tables(workbook):
    wb, _ = workbook
    reps = table(wb["Reps"])
    assert set(reps) == {"Ann", "Bob", "Cy", "(unassigned)"}
    assert (reps["Bob"]["Leads"], reps["Bob"]["Within SLA"], reps["Bob"]["Overdue"]) == (4, 1, 1)
    assert reps["Bob"]["% within SLA"] == 0.25 and reps["Cy"]["% followed up"] is None
    ch_ws = wb["Channels"]
    assert ch_ws.auto_filter.ref and ch_ws.auto_filter.ref.startswith("A1:")
    ch = table(ch_ws)
    web = ch["Webinar"]
    assert (web["Leads"], web["Pipeline (USD)"], web["Pipeline per lead (USD)"],
            web["Cost per opportunity (USD)"]) == (4, 50000, 12500, pytest.approx(2000 / 3))
    # the injected source is text, not a formula
    evil = next(k for k in ch if "HYPERLINK" in str(k))
    assert evil.startswith("'=")
    ot = table(wb["Follow-up over time"])
    first = min(ot)
    assert isinstance(first, dt.datetime) and first.date() == dt.date(2026, 11, 13)
    last = ot[max(ot)]
    assert last["Followed up (cumulative)"] == 8 and last["Within SLA (cumulative)"] == 6


def test_xlsx_and_pdf_with_no_leads(tmp_path):
    p = Project.create(tmp_path / "empty.gtmp")
    m = run_report(p, xlsx=tmp_path / "e.xlsx", pdf=tmp_path / "e.pdf", today=TODAY)
    wb = openpyxl.load_workbook(tmp_path / "e.xlsx")
    assert wb.sheetnames == list(SHEETS) and wb["Funnel"]._charts
    assert pdf_pages(tmp_path / "e.pdf") == 1
    assert m["notes"] == ["No leads in this selection yet: build the lists, export the trackers "
                          "and sync them back."]


# -- the PDF --------------------------------------------------------------------------------
def test_pdf_stays_one_page_with_many_reps_and_channels(played, tmp_path):
    m = run_report(played, today=TODAY)
    rep, ch = m["by_rep"][0], m["by_channel"][0]
    m["by_rep"] = [dict(rep, name=f"Rep with a rather long name {i}") for i in range(40)]
    m["by_channel"] = [dict(ch, name=f"Channel {i} " + "x" * 60, flag="volume but no "
                            "opportunities", cost=100.0) for i in range(60)]
    m["notes"] = [f"Note {i}: " + "a long line of advice " * 8 for i in range(12)]
    path = tmp_path / "many.pdf"
    write_report_pdf(path, m)
    assert path.read_bytes().startswith(b"%PDF") and pdf_pages(path) == 1


def test_pdf_a4_outside_the_americas(played, tmp_path):
    m = run_report(played, today=TODAY)
    m["events"] = [dict(e, country="DE") for e in m["events"]]
    write_report_pdf(tmp_path / "a4.pdf", m)
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)",
                    (tmp_path / "a4.pdf").read_bytes())
    assert box and round(float(box.group(1))) == 842  # A4 landscape is 842 x 595 pt


# -- the play on the demo -------------------------------------------------------------------
def test_the_play_on_the_demo_ends_in_a_report(tmp_path):
    from gtmplanner.core import exporting, services, sync

    demo = tmp_path / "demo.gtmp"
    services.create_demo(demo)
    p = Project(demo)
    ev = p.event()
    out = exporting.export_event(p, tmp_path / "out", formats=["xlsx"])
    tracker = next(Path(f["path"]) for f in out["files"] if f["kind"] == "tracker" and f["rep"])
    rep = next(f["rep"] for f in out["files"] if Path(f["path"]) == tracker)
    wb = openpyxl.load_workbook(tracker)
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    touch = dt.date.fromisoformat(ev["end_date"]) + dt.timedelta(days=1)  # within every SLA
    edited = []
    for r in range(2, 7):
        ws.cell(r, col["Status"], "Meeting booked" if r % 2 else "Attempted")
        ws.cell(r, col["Touches"], 2)
        ws.cell(r, col["Last touch date"], dt.datetime.combine(touch, dt.time()))
        edited.append(ws.cell(r, col["Target ID"]).value)
    wb.save(tracker)
    res = sync.sync_trackers(p, [tracker])
    assert res.updated == 5
    # the CRM import brings a new deal at one of the accounts, after the touch
    acct = p.conn.execute("SELECT p.account_id FROM targets t JOIN people p ON p.id = t.person_id"
                          " WHERE t.target_key = ? ", (edited[1],)).fetchone()[0]
    assert acct is not None
    with p.transaction() as c:
        c.execute("INSERT INTO opportunities(name, account_id, created_date, amount, opp_class,"
                  " currency) VALUES ('Expansion', ?, ?, 42000, 'open_active', 'USD')",
                  (acct, (touch + dt.timedelta(days=5)).isoformat()))
    m = run_report(p, event=ev["name"], xlsx=tmp_path / "r.xlsx", pdf=tmp_path / "r.pdf",
                   today=touch + dt.timedelta(days=30))
    k = m["kpis"]
    assert k["followed_up"]["numerator"] == 5 and k["within_sla"]["numerator"] == 5
    assert k["pipeline"]["value"] == 42000.0 and k["became_opportunity"]["numerator"] >= 1
    mine = next(r for r in m["by_rep"] if r["name"] == rep)
    assert (mine["followed_up"], mine["within_sla"]) == (5, 5)
    assert k["leads"]["value"] == p.count("targets", "event_id = ?", (ev["id"],))
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["Reps"]._charts
    assert pdf_pages(tmp_path / "r.pdf") == 1
