"""Export an event's lists: per-rep target sheets, trackers, PDFs, mail-merge and CRM files.

``export_event`` runs what an export needs first (targets from the saved
segments or the built-in "All reachable", assignment for targets without a
rep, messages for targets without one), then writes every file and records
what was exported (``export_snapshot``) so a later sync can tell a rep's
change from a change made in the project.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core import lists, outreach
from gtmplanner.core.analysis import people_frame
from gtmplanner.core.errors import UsageError
from gtmplanner.core.export import business_days, flat_files, pdf_sheet, target_sheet, tracker
from gtmplanner.core.store import Project, now_iso

FORMATS = ("xlsx", "pdf", "mailmerge", "salesforce", "hubspot")
SNAPSHOT_FIELDS = ("status", "touches", "last_touch_date", "next_step", "notes", "rep")


def _noop(_f: float, _m: str) -> None:
    return None


def safe_filename(text: str) -> str:
    """A file-name-safe version of a rep or event name."""
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("_") or "unnamed"


def talking_points(frame: pd.DataFrame) -> pd.Series:
    """One or two lines a rep can say, from the reasons, MQL activity and deal history."""
    out = []
    reasons = frame.get("reasons", pd.Series(pd.NA, index=frame.index))
    mql = frame.get("mql_reasons", pd.Series(pd.NA, index=frame.index))
    rt = frame.get("retarget", pd.Series(False, index=frame.index)).fillna(False)
    for r, m, is_rt, months, industry, techs in zip(
            reasons, mql, rt, frame.get("retarget_months", pd.Series(np.nan, index=frame.index)),
            frame.get("account_industry", pd.Series(pd.NA, index=frame.index)),
            frame.get("account_technologies", pd.Series(pd.NA, index=frame.index)), strict=True):
        pts = []
        if bool(is_rt) and months == months and months is not None:
            pts.append(f"Re-open the conversation: last deal ended ~{int(months)} months ago — "
                       "ask what has changed since.")
        if isinstance(m, str) and m:
            first = m.split("|")[0]
            first = re.sub(r"^[+-]?\d+\s*", "", first)
            pts.append(f"Recent interest: {first}.")
        if isinstance(techs, str) and techs:
            pts.append(f"Uses {techs.split(';')[0].strip()}: show the integration.")
        elif isinstance(industry, str) and industry:
            pts.append(f"Bring a {industry} customer story.")
        if not pts and isinstance(r, str) and r:
            top = r.split("|")[0]
            pts.append(re.sub(r"^[+-]?\d+\s*", "", top).capitalize() + ".")
        out.append(" ".join(pts[:2]) or None)
    return pd.Series(out, index=frame.index, dtype="object")


def export_frame(project: Project, ev: dict[str, Any], *, segment: str | None = None,
                 reps: list[str] | None = None, frame: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """The export's rows: one per target, with the columns the writers expect."""
    t = outreach.event_targets(project, ev, segment=segment, frame=frame)
    opted = t.get("opted_out", pd.Series(False, index=t.index)).fillna(False).astype(bool)
    t = t[~opted.to_numpy()]  # never, whatever the segment said
    if reps:
        known = set(project.frame("reps", ["name"])["name"])
        unknown = [r for r in reps if r not in known]
        if unknown:
            raise UsageError(f"unknown rep '{unknown[0]}' (reps: {', '.join(sorted(known))})")
        t = t[t["rep"].isin(reps).fillna(False).to_numpy()]
    rep_tab = project.frame("reps", ["name", "email", "country"]).set_index("name")
    out = pd.DataFrame(index=t.index)
    out["target_id"] = t["target_key"]
    out["rep"] = t["rep"]
    reps_obj = t["rep"].astype(object)
    emails = {k: v for k, v in zip(rep_tab.index, rep_tab["email"], strict=True)}
    countries = {k: (v if isinstance(v, str) and v else "US")
                 for k, v in zip(rep_tab.index, rep_tab["country"], strict=True)}
    out["rep_email"] = reps_obj.map(emails)
    out["rep_country"] = reps_obj.map(countries).fillna("US")
    for c in ("segment", "priority", "first_name", "last_name", "full_name", "email", "phone",
              "title", "seniority", "company", "city", "region", "country", "distance_mi",
              "tier", "score", "reasons", "mql_status", "retarget", "subject", "body", "status",
              "notes", "next_step", "touches", "last_touch_date", "due_date"):
        if c in t:
            out[c] = t[c]
    out["company"] = out["company"].fillna(t.get("account_name"))
    out["opp_name"] = t.get("retarget_opp_name")
    out["opp_amount"] = t.get("retarget_amount")
    out["opp_stage"] = t.get("retarget_stage")
    out["opp_loss_reason"] = t.get("retarget_reason")
    out["opp_closed_date"] = t.get("retarget_close_date")
    out["opp_owner"] = t.get("retarget_owner")
    out["talking_points"] = talking_points(t)
    out["status"] = out["status"].fillna("Not contacted")
    end = date.fromisoformat(str(ev.get("end_date") or ev.get("start_date") or
                                 date.today().isoformat())[:10])
    hot = (out["mql_status"] == "hot").fillna(False).to_numpy()
    n_days = pd.Series(np.where(hot, 1, 2), index=out.index)
    due = business_days.due_dates(end, n_days, out["rep_country"], index=out.index)
    out["due_date"] = out["due_date"].where(out["due_date"].notna(), pd.Series(due, index=out.index)
                                            .astype("object"))
    return out


def export_event(project: Project, out_dir: Path, *, event: str | None = None,
                 segment: str | None = None, reps: list[str] | None = None,
                 formats: list[str] | None = None, progress: Callable[[float, str], None] = _noop
                 ) -> dict[str, Any]:
    """Write the event's exports into ``out_dir``; returns every file with its row count.

    Everything the export writes to the project (targets, assignment, messages,
    the export snapshot) is one transaction: an error or a ``kill -9`` half-way
    leaves the project exactly as it was.
    """
    with project.transaction():
        return _export_event(project, out_dir, event=event, segment=segment, reps=reps,
                             formats=formats, progress=progress)


def _export_event(project: Project, out_dir: Path, *, event: str | None,
                  segment: str | None, reps: list[str] | None,
                  formats: list[str] | None, progress: Callable[[float, str], None]
                  ) -> dict[str, Any]:
    t0 = time.perf_counter()
    formats = formats or list(FORMATS)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise UsageError(f"unknown format '{bad[0]}': use any of {', '.join(FORMATS)}")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: is a file; --out needs a folder")
    ev = lists.require_event(project, event)
    progress(0.02, "building lists")
    # One read of everything about the people, shared by every step below (their person
    # columns do not change while exporting; targets are re-read by each step).
    people = people_frame(project, event=ev)
    built = lists.build_targets(project, event=ev["name"], segment=segment, frame=people)
    progress(0.1, "assigning reps")
    t = project.frame("targets", ["rep", "subject"], where="event_id = ?", params=(ev["id"],))
    assigned = None
    if t["rep"].isna().any() and project.count("reps"):
        assigned = outreach.assign_event(project, event=ev["name"], frame=people)
    progress(0.2, "writing messages")
    if t["subject"].isna().any():
        outreach.write_messages(project, event=ev["name"], only_missing=True, frame=people)
    frame = export_frame(project, ev, segment=segment, reps=reps, frame=people)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    stem = safe_filename(ev["name"])
    rep_names = sorted(frame["rep"].dropna().unique().tolist())
    unassigned = int(frame["rep"].isna().sum())
    steps = max(1, len(rep_names) * 3 + 5)
    done = 0

    def add(path: Path, kind: str, rows: int, rep: str | None = None) -> None:
        nonlocal done
        done += 1
        files.append({"path": str(path), "kind": kind, "rows": int(rows), "rep": rep})
        progress(0.25 + 0.7 * done / steps, f"wrote {path.name}")

    for rep in rep_names:
        sub = frame[frame["rep"] == rep]
        base = f"{stem}__{safe_filename(rep)}"
        if "xlsx" in formats:
            p = out_dir / f"{base}__targets.xlsx"
            add(p, "target_sheet", target_sheet.write_target_sheet(p, sub, rep=rep, event=ev), rep)
            p = out_dir / f"{base}__tracker.xlsx"
            add(p, "tracker", tracker.write_tracker(p, sub, rep=rep, event=ev), rep)
        if "pdf" in formats:
            p = out_dir / f"{base}__targets.pdf"
            add(p, "pdf", pdf_sheet.write_target_pdf(p, sub, rep=rep, event=ev), rep)
    if "xlsx" in formats and len(frame):
        p = out_dir / f"{stem}__all_reps__targets.xlsx"
        add(p, "target_sheet", target_sheet.write_target_sheet(p, frame, rep=None, event=ev))
        p = out_dir / f"{stem}__all_reps__tracker.xlsx"
        add(p, "tracker", tracker.write_tracker(p, frame, rep=None, event=ev))
    if "mailmerge" in formats:
        p = out_dir / f"{stem}__mailmerge.csv"
        add(p, "mailmerge", _rows(flat_files.write_mailmerge_csv(p, frame)))
    if "salesforce" in formats:
        p = out_dir / f"{stem}__salesforce_campaign_members.csv"
        add(p, "salesforce", _rows(flat_files.write_salesforce_campaign_members(
            p, frame, campaign_name=ev["name"])))
    if "hubspot" in formats:
        p = out_dir / f"{stem}__hubspot_contacts.csv"
        add(p, "hubspot", _rows(flat_files.write_hubspot_contacts(p, frame, list_name=ev["name"])))
    _record_snapshot(project, frame)
    progress(1.0, "exported")
    return {"event": ev["name"], "out": str(out_dir), "targets": int(len(frame)),
            "reps": rep_names, "unassigned": unassigned, "new_targets": built["new_targets"],
            "segments": built["segments"], "assigned": assigned["assigned"] if assigned else None,
            "files": files, "elapsed_seconds": round(time.perf_counter() - t0, 3)}


def _rows(result: Any) -> int:
    return int(getattr(result, "rows", result))


def _record_snapshot(project: Project, frame: pd.DataFrame) -> None:
    stamp = now_iso()
    rows = []
    for tid, vals in zip(frame.index, frame[[c for c in SNAPSHOT_FIELDS if c in frame]]
                         .itertuples(index=False), strict=True):
        snap = {k: _plain(v) for k, v in zip(SNAPSHOT_FIELDS, vals, strict=False)}
        rows.append((json.dumps(snap), stamp, int(tid)))
    with project.transaction() as conn:
        conn.executemany("UPDATE targets SET export_snapshot=?, exported_at=? WHERE id=?", rows)


def _plain(v: Any) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    if hasattr(v, "item"):
        return v.item()
    return v
