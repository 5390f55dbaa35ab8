"""Command-line handlers for the scoring, lists and reporting commands.

Each handler takes the parsed arguments, calls the service functions and
hands a dict to ``emit`` (JSON or text). Kept in the core so the handlers stay
thin; nothing here touches a terminal other than through ``emit``/``progress``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core import geo, icp, scoring, services
from gtmplanner.core.analysis import field_types, people_frame
from gtmplanner.core.errors import UsageError

PEOPLE_OUT = ["email", "full_name", "title", "company", "city", "region", "postal_code",
              "country",
              "distance_mi", "score", "tier", "reasons", "mql_status", "account_name",
              "match_method", "match_confidence", "retarget", "retarget_opp_name",
              "retarget_amount", "retarget_owner", "retarget_reason", "retarget_months",
              "geo_precision"]


def run(a: Any, *, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    """Dispatch one of the later sub-commands."""
    handler = HANDLERS.get(a.command)
    if handler is None:
        raise UsageError(f"'{a.command}' is not available in this version")
    return handler(a, emit, progress)


def _score(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    profile = icp.IcpProfile.load(a.profile) if a.profile else None
    with services.open_project(a.project) as project:
        stats = scoring.score_project(project, profile=profile,
                                      progress=progress(not a.json, "score"))
        if a.save_profile:
            scoring.load_profile(project).save(a.save_profile)
            stats["profile_saved"] = a.save_profile
    emit(stats, a.json, _score_text)
    return 0


def _score_text(s: dict[str, Any]) -> str:
    lines = [f"Scored {s['people']:,} people in {s['elapsed_seconds']:.2f} s"]
    lines.append("  tiers: " + ", ".join(f"{k} {v:,}" for k, v in s["tiers"].items()))
    lines.append(f"  MQLs: {s['mql']['hot']:,} hot, {s['mql']['warm']:,} warm")
    lines.append("  matched to accounts by: " + ", ".join(f"{k} {v:,}"
                                                           for k, v in s["match"].items()))
    if s["ambiguous_matches"]:
        lines.append(f"  {s['ambiguous_matches']:,} ambiguous matches left for review")
    lines.append("  opportunities: " + ", ".join(f"{k} {v:,}"
                                                 for k, v in s["opportunities"].items()))
    lines.append("  located by: " + ", ".join(f"{k} {v:,}" for k, v in s["geocoding"].items()))
    lines.append(f"  {s['retarget_people']:,} people work at an account with a deal worth "
                 "re-targeting")
    return "\n".join(lines)


def _resolve_event(project: Any, name: str | None) -> dict[str, Any] | None:
    ev = project.event(name)
    if name and ev is None:
        names = ", ".join(e["name"] for e in project.events()) or "none yet"
        raise UsageError(f"no event called '{name}' (events: {names})")
    return ev


def filter_people(frame: pd.DataFrame, *, near: str | None = None, radius: str = "50mi",
                  tier: str | None = None, mql: str | None = None, retarget: bool = False,
                  where: str | None = None, unlocated: bool = False
                  ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Apply the ``people`` command's filters; returns the rows and notes (unresolved counts)."""
    mask = np.ones(len(frame), dtype=bool)
    notes: dict[str, Any] = {}
    if "latitude" in frame:
        no_place = frame["latitude"].isna().to_numpy()
        notes["location_unknown_total"] = int(no_place.sum())
        if unlocated:
            mask &= no_place
    if near:
        place = geo.find_place(near)
        km = geo.parse_radius(radius)
        dist = geo.distance_km(frame["latitude"], frame["longitude"], place.latitude,
                               place.longitude)
        unknown = np.isnan(dist)
        notes["near"] = {"place": f"{place.name}, {place.region or ''} {place.country}".strip(),
                         "radius_km": round(km, 2), "location_unknown": int(unknown.sum())}
        frame = frame.assign(distance_km=np.round(dist, 1),
                             distance_mi=np.round(geo.km_to_mi(dist), 1))
        mask &= ~unknown & (dist <= km)
    if tier:
        wanted = [t.strip().upper() for t in tier.split(",") if t.strip()]
        mask &= frame["tier"].isin(wanted).fillna(False).to_numpy(bool)
    if mql:
        wanted = [t.strip().lower() for t in mql.split(",") if t.strip()]
        mask &= frame["mql_status"].isin(wanted).fillna(False).to_numpy(bool)
    if retarget:
        mask &= frame["retarget"].fillna(False).to_numpy(bool)
    if where:
        from gtmplanner.core import segments
        from gtmplanner.core.segment_syntax import parse_expression, validate
        tree = parse_expression(where)
        problems = validate(tree, field_types(frame))
        if problems:
            if "distance_" in problems[0] and "distance_mi" not in frame:
                raise UsageError("distance to the event is unknown: the event has no place yet "
                                 "(set its city in the window's Event page), or use "
                                 "'within 60mi of \"Boston, MA\"'")
            raise UsageError(problems[0])
        ctx = segments.SegmentContext(frame, resolve_place=_place_latlon)
        mask &= ctx.evaluate(tree)
    return frame[mask], notes


def _place_latlon(text: str) -> tuple[float, float]:
    p = geo.find_place(text)
    return p.latitude, p.longitude


def _people(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    with services.open_project(a.project) as project:
        event = _resolve_event(project, a.event)
        frame = people_frame(project, event=event)
        where = a.where
        if a.segment:
            seg = project.conn.execute("SELECT expression FROM segments WHERE name = ?",
                                       (a.segment,)).fetchone()
            if seg is None:
                raise UsageError(f"no segment called '{a.segment}'")
            where = seg[0] if not where else f"({seg[0]}) and ({where})"
    rows, notes = filter_people(frame, near=a.near, radius=a.radius, tier=a.tier, mql=a.mql,
                                retarget=a.retarget, where=where, unlocated=a.unlocated)
    rows = rows.sort_values(["score"], ascending=False, na_position="last")
    total = len(rows)
    if a.limit:
        rows = rows.head(a.limit)
    cols = [c for c in PEOPLE_OUT if c in rows.columns]
    out = rows[cols].reset_index().rename(columns={"id": "person_id"})
    if a.csv:
        from gtmplanner.core.export.flat_files import write_plain_csv
        write_plain_csv(Path(a.csv), out)
    records = json.loads(out.to_json(orient="records", date_format="iso"))
    result = {"count": total, "shown": len(records), **notes, "people": records}
    if a.csv:
        result["csv"] = a.csv
    emit(result, a.json, _people_text)
    return 0


def _people_text(r: dict[str, Any]) -> str:
    lines = [f"{r['count']:,} people" + (f" (showing {r['shown']:,})" if r["shown"] < r["count"]
                                         else "")]
    if "near" in r:
        n = r["near"]
        lines.append(f"  within {n['radius_km']:.0f} km of {n['place']}; "
                     f"{n['location_unknown']:,} people with no known location left out")
    for p in r["people"][:200]:
        dist = f"{p['distance_mi']:.0f} mi" if p.get("distance_mi") is not None else "? mi"
        lines.append(f"  {p.get('tier') or '-'} {p.get('score') or 0:>3}  "
                     f"{(p.get('full_name') or '')[:24]:<24} {(p.get('company') or '')[:24]:<24} "
                     f"{(p.get('city') or '')[:14]:<14} {dist:>7}  {p.get('email') or ''}")
    if r.get("csv"):
        lines.append(f"  written to {r['csv']}")
    return "\n".join(lines)


def explain_person(project: Any, email: str) -> dict[str, Any]:
    """Why this person has their tier and MQL status, as data."""
    event = project.event()
    hit = people_frame(project, event=event, where="lower(email) = ?",
                       params=(email.strip().casefold(),))
    if hit.empty:
        raise UsageError(f"no person with email {email} in {project.path.name}")
    row = hit.iloc[0]

    def val(k: str) -> Any:
        v = row.get(k)
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
    reasons = icp.explain(None, val("reasons"))
    mql_reasons = [x for x in (val("mql_reasons") or "").split("|") if x]
    out = {
        "person_id": int(hit.index[0]), "email": val("email"), "name": val("full_name"),
        "title": val("title"), "company": val("company"),
        "tier": val("tier"), "score": None if val("score") is None else int(val("score")),
        "tier_overridden": bool(val("tier_overridden")),
        "reasons": reasons,
        "mql_status": val("mql_status"), "engagement_score": val("engagement_score"),
        "mql_date": val("mql_date"), "mql_reasons": mql_reasons,
        "account": {"id": None if val("account_id") is None else int(val("account_id")),
                    "name": val("account_name"), "method": val("match_method"),
                    "confidence": val("match_confidence"),
                    "candidates": json.loads(val("match_candidates"))
                    if val("match_candidates") else []},
        "location": {"label": val("geo_label"), "precision": val("geo_precision"),
                     "latitude": val("latitude"), "longitude": val("longitude"),
                     "distance_mi": val("distance_mi"), "timezone": val("timezone")},
        "retarget": None,
    }
    if val("retarget"):
        out["retarget"] = {"deal": val("retarget_opp_name"), "amount": val("retarget_amount"),
                           "owner": val("retarget_owner"), "reason": val("retarget_reason"),
                           "months_since_loss": val("retarget_months"),
                           "class": val("retarget_class")}
    return out


def _explain(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    with services.open_project(a.project) as project:
        out = explain_person(project, a.email)
    emit(out, a.json, _explain_text)
    return 0


def _explain_text(e: dict[str, Any]) -> str:
    lines = [f"{e['name'] or e['email']} — {e['title'] or 'no title'} at "
             f"{e['company'] or 'no company'}"]
    if e["tier"] is None:
        lines.append("  not scored yet: run 'gtmplanner score PROJECT'")
    else:
        note = " — set by hand" if e.get("tier_overridden") else ""
        lines.append(f"  Tier {e['tier']}{note} (score {e['score']}) because:")
        for r in e["reasons"]:
            lines.append(f"    {r['points']:+d}  {r['text']}")
    acct = e["account"]
    if acct["name"]:
        lines.append(f"  Account: {acct['name']} (matched by {acct['method']}, confidence "
                     f"{(acct['confidence'] or 0):.2f})")
    elif acct["candidates"]:
        lines.append("  Account: ambiguous — candidates " + ", ".join(
            str(c[1]) for c in acct["candidates"]))
    lines.append(f"  MQL: {e['mql_status'] or 'not an MQL'}" +
                 (f" since {e['mql_date']}" if e["mql_date"] else ""))
    for r in e["mql_reasons"]:
        lines.append(f"    {r}")
    loc = e["location"]
    if loc["label"]:
        d = f", {loc['distance_mi']:.0f} mi from the event" if loc["distance_mi"] is not None \
            else ""
        lines.append(f"  Location: {loc['label']} ({loc['precision']}{d})")
    else:
        lines.append("  Location: unknown")
    if e["retarget"]:
        r = e["retarget"]
        lines.append(f"  Re-target: {r['deal']} ({r['amount'] or 0:,.0f}, owner {r['owner']}, "
                     f"{r['reason'] or r['class']}, {r['months_since_loss'] or 0:.0f} months ago)")
    return "\n".join(lines)


def _segment(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    from gtmplanner.core import lists
    with services.open_project(a.project) as project:
        out = lists.save_segment(project, a.name, a.where, event=a.event, suppress=a.suppress,
                                 priority=a.priority, template=a.template)
    emit(out, a.json, _segment_text)
    return 0


def _segment_text(r: dict[str, Any]) -> str:
    lines = [f"Segment '{r['name']}' ({r['event']}, priority {r['priority']}): {r['count']:,} "
             f"people", f"  rule: {r['expression']}", f"  matched {r['matched']:,}"]
    for k, v in r["removed"].items():
        lines.append(f"  - {v:,} removed by suppression '{k}'")
    return "\n".join(lines)


def _assign(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    from gtmplanner.core import lists, outreach
    with services.open_project(a.project) as project:
        built = lists.build_targets(project, event=a.event, segment=a.segment)
        out = outreach.assign_event(project, event=a.event, segment=a.segment)
        out["new_targets"] = built["new_targets"]
    emit(out, a.json, _assign_text)
    return 0


def _assign_text(r: dict[str, Any]) -> str:
    lines = [f"{r['assigned']:,} of {r['targets']:,} targets assigned for {r['event']} "
             f"({r['changed']:,} changed)"]
    for rep in r["reps"]:
        lines.append(f"  {rep.get('name')}: {rep.get('assigned', 0):,} targets "
                     f"({rep.get('load_pct', 0):.0f}% of daily capacity)")
    for u in r["unassigned"][:20]:
        lines.append(f"  unassigned {u['target_id']}: {u['reason']}")
    return "\n".join(lines)


def _export(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    from gtmplanner.core import exporting
    reps = [r.strip() for r in a.reps.split(",")] if a.reps else None
    formats = [f.strip() for f in a.formats.split(",") if f.strip()]
    with services.open_project(a.project) as project:
        out = exporting.export_event(project, Path(a.out), event=a.event, segment=a.segment,
                                     reps=reps, formats=formats,
                                     progress=progress(not a.json, "export"))
    emit(out, a.json, _export_text)
    return 0


def _export_text(r: dict[str, Any]) -> str:
    lines = [f"Exported {r['targets']:,} targets of {r['event']} for {len(r['reps'])} reps "
             f"into {r['out']}"]
    if r["unassigned"]:
        lines.append(f"  {r['unassigned']:,} targets have no rep (import reps, then run assign)")
    for f in r["files"]:
        lines.append(f"  {Path(f['path']).name}: {f['rows']:,} rows")
    return "\n".join(lines)


def _sync(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    from gtmplanner.core import sync
    with services.open_project(a.project) as project:
        res = sync.sync_trackers(project, [Path(f) for f in a.files])
    emit(res.to_dict(), a.json, _sync_text)
    return 0


def _sync_text(r: dict[str, Any]) -> str:
    lines = [f"Synced {len(r['files'])} file(s): {r['updated']:,} targets updated, "
             f"{r['unchanged']:,} unchanged, {len(r['conflicts']):,} conflicts, "
             f"{len(r['added']):,} people added, {len(r['unmatched']):,} rows unmatched"]
    for c in r["conflicts"][:30]:
        lines.append(f"  conflict {c['target_id']} {c['field']}: project "
                     f"{c['project_value']!r} vs tracker {c['tracker_value']!r} "
                     f"({Path(c['file']).name} row {c['row']})")
    for u in r["unmatched"][:30]:
        lines.append(f"  unmatched {Path(u['file']).name} row {u['row']}: {u['reason']}")
    for w in r.get("warnings", [])[:30]:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)


def _report(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    from datetime import date

    from gtmplanner.core import report

    def day(text: str | None, flag: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise UsageError(f"{flag} {text!r} is not a date: use YYYY-MM-DD") from exc
    with services.open_project(a.project) as project:
        out = report.run_report(project, event=a.event, date_from=day(a.date_from, "--from"),
                                date_to=day(a.date_to, "--to"), xlsx=a.xlsx, pdf=a.pdf)
    emit(out, a.json, report.format_report)
    return 0


def _override(a: Any, emit: Callable[..., None], progress: Callable[..., Any]) -> int:
    from gtmplanner.core import overrides
    with services.open_project(a.project) as project:
        row = project.conn.execute("SELECT id FROM people WHERE lower(email) = ?",
                                   (a.email.strip().casefold(),)).fetchone()
        if row is None:
            raise UsageError(f"no person with email {a.email} in {project.path.name}")
        pid = int(row[0])
        if a.confirm:
            overrides.confirm_match(project, pid)
        elif a.reject:
            overrides.reject_match(project, pid)
        elif a.link:
            acct = project.conn.execute(
                "SELECT id FROM accounts WHERE lower(name) = ? OR lower(domain) = ? "
                "ORDER BY id LIMIT 2", (a.link.casefold(), a.link.casefold())).fetchall()
            if len(acct) != 1:
                raise UsageError(f"no single account called '{a.link}' (use its exact name or "
                                 "domain)")
            overrides.link_match(project, pid, int(acct[0][0]))
        else:
            tier = None if a.tier.strip().lower() == "auto" else a.tier
            overrides.set_tier_override(project, pid, tier)
        out = explain_person(project, a.email)
    emit(out, a.json, _explain_text)
    return 0


HANDLERS: dict[str, Callable[[Any, Callable[..., None], Callable[..., Any]], int]] = {
    "score": _score, "override": _override, "people": _people, "explain": _explain, "segment": _segment,
    "assign": _assign, "export": _export, "sync": _sync, "report": _report,
}


__all__ = ["run", "filter_people", "explain_person"]
