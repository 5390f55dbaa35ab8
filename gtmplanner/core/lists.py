"""Saved segments and the targets they put on reps' lists.

A segment is a rule tree (stored with its text form) plus suppression
switches, per event, with a priority: one person, one list — a person in two
segments of the same event is a target of the higher-priority one only.
:func:`build_targets` turns segments into ``targets`` rows, keeping whatever a
rep or a user already did with an existing target (status, notes, a manual rep).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core import geo, segments
from gtmplanner.core.analysis import field_types, people_frame
from gtmplanner.core.errors import UsageError
from gtmplanner.core.segment_syntax import parse_expression, to_text, validate
from gtmplanner.core.store import Project, now_iso

ALL_REACHABLE = "All reachable"
ALL_REACHABLE_EXPR = "email is not empty"
SUPPRESSIONS = ("opted_out", "competitors", "customers", "open_deal_other_rep",
                "recently_contacted", "higher_priority")
DEFAULT_SUPPRESS = ("opted_out", "open_deal_other_rep", "higher_priority")


@dataclass
class SegmentResult:
    """A segment's live count and what each suppression removed."""

    name: str
    expression: str
    matched: int
    removed: dict[str, int]
    count: int
    person_ids: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "expression": self.expression, "matched": self.matched,
                "removed": self.removed, "count": self.count}


def place_latlon(text: str) -> tuple[float, float]:
    """Resolve a place name for ``within`` rules."""
    p = geo.find_place(text)
    return p.latitude, p.longitude


def parse_suppress(text: str | list[str] | None) -> list[str]:
    """'opted_out,competitors' -> a checked list of suppression switches."""
    items = text.split(",") if isinstance(text, str) else list(text or [])
    items = [s.strip() for s in items if s and s.strip()]
    for s in items:
        if s not in SUPPRESSIONS:
            raise UsageError(f"unknown suppression '{s}': use any of {', '.join(SUPPRESSIONS)}")
    if "opted_out" not in items:
        items.insert(0, "opted_out")  # never optional for outreach
    return items


def require_event(project: Project, name: str | None) -> dict[str, Any]:
    """The named event (or the latest one); a clear error when there is none."""
    ev = project.event(name)
    if ev is None:
        if name:
            names = ", ".join(e["name"] for e in project.events()) or "none yet"
            raise UsageError(f"no event called '{name}' (events: {names})")
        raise UsageError("the project has no event yet: import a roster with --event NAME")
    return ev


def segment_rows(project: Project, event_id: int) -> list[dict[str, Any]]:
    """Saved segments of an event, highest priority (lowest number) first."""
    cur = project.conn.execute(
        "SELECT id, name, expression, rules, suppress, priority, template FROM segments "
        "WHERE event_id = ? ORDER BY COALESCE(priority, 1000), id", (event_id,))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _settings(project: Project) -> dict[str, Any]:
    return project.get_setting("suppression", {"competitor_domains": [], "recent_days": 30})


def evaluate_segment(frame: pd.DataFrame, ctx: segments.SegmentContext, name: str,
                     expression: str, suppress: list[str], *, settings: dict[str, Any],
                     higher_ids: set[int] | None = None, rep: str | None = None) -> SegmentResult:
    """Count a segment on the people frame and apply its suppressions."""
    tree = parse_expression(expression)
    problems = validate(tree, field_types(frame))
    if problems:
        raise UsageError(problems[0])
    mask = ctx.evaluate(tree)
    switches = {s: (s in suppress) for s in SUPPRESSIONS}
    keep, removed = segments.apply_suppressions(
        frame, switches, competitor_domains=settings.get("competitor_domains", ()),
        recent_days=settings.get("recent_days", 30), rep=rep,
        higher_priority_ids=sorted(higher_ids or ()), base_mask=mask, context=ctx)
    final = mask & keep
    return SegmentResult(name, to_text(tree), int(mask.sum()),
                         {k: int(v) for k, v in removed.items() if k in suppress},
                         int(final.sum()), frame.index.to_numpy()[final])


def save_segment(project: Project, name: str, expression: str, *, event: str | None = None,
                 suppress: str | list[str] | None = None, priority: int | None = None,
                 template: str | None = None) -> dict[str, Any]:
    """Save (or replace) a segment of the event and return its live counts."""
    ev = require_event(project, event)
    supp = parse_suppress(suppress if suppress is not None else list(DEFAULT_SUPPRESS))
    frame = people_frame(project, event=ev)
    ctx = segments.SegmentContext(frame, resolve_place=place_latlon)
    existing = segment_rows(project, ev["id"])
    if priority is None:
        same = [s for s in existing if s["name"] == name]
        priority = same[0]["priority"] if same else 10 * (len(existing) + 1)
    higher = _ids_of_higher(project, ev, frame, ctx, existing, priority, name)
    res = evaluate_segment(frame, ctx, name, expression, supp, settings=_settings(project),
                           higher_ids=higher)
    tree = parse_expression(expression)
    with project.transaction() as conn:
        row = conn.execute("SELECT id FROM segments WHERE event_id = ? AND name = ?",
                           (ev["id"], name)).fetchone()
        vals = (res.expression, json.dumps(tree), json.dumps(supp), priority, template, now_iso())
        if row:
            conn.execute("UPDATE segments SET expression=?, rules=?, suppress=?, priority=?,"
                         " template=COALESCE(?, template), updated_at=? WHERE id=?",
                         (*vals, row[0]))
        else:
            conn.execute("INSERT INTO segments (expression, rules, suppress, priority, template,"
                         " updated_at, created_at, event_id, name) VALUES (?,?,?,?,?,?,?,?,?)",
                         (*vals, now_iso(), ev["id"], name))
    out = res.to_dict()
    out.update(event=ev["name"], priority=priority, suppress=supp)
    return out


def _ids_of_higher(project: Project, ev: dict[str, Any], frame: pd.DataFrame,
                   ctx: segments.SegmentContext, existing: list[dict[str, Any]], priority: int,
                   name: str) -> set[int]:
    ids: set[int] = set()
    settings = _settings(project)
    for s in existing:
        if s["name"] == name or (s["priority"] or 1000) >= priority:
            continue
        supp = json.loads(s["suppress"] or "[]")
        r = evaluate_segment(frame, ctx, s["name"], s["expression"],
                             [x for x in supp if x != "higher_priority"], settings=settings)
        ids.update(int(i) for i in r.person_ids)
    return ids


def delete_segment(project: Project, name: str, *, event: str | None = None) -> dict[str, Any]:
    """Delete a segment; returns its row so the window can undo."""
    ev = require_event(project, event)
    cur = project.conn.execute("SELECT * FROM segments WHERE event_id=? AND name=?",
                               (ev["id"], name))
    row = cur.fetchone()
    if row is None:
        raise UsageError(f"no segment called '{name}' in {ev['name']}")
    saved = dict(zip([d[0] for d in cur.description], row, strict=True))
    with project.transaction() as conn:
        conn.execute("DELETE FROM segments WHERE id = ?", (saved["id"],))
    return saved


def restore_segment(project: Project, saved: dict[str, Any]) -> None:
    """Put back a segment removed by :func:`delete_segment` (undo)."""
    cols = list(saved)
    with project.transaction() as conn:
        conn.execute(f"INSERT INTO segments ({', '.join(cols)}) VALUES "
                     f"({', '.join('?' * len(cols))})", [saved[c] for c in cols])


def resolve_segments(project: Project, ev: dict[str, Any], frame: pd.DataFrame,
                     only: str | None = None) -> list[tuple[dict[str, Any], SegmentResult]]:
    """Every saved segment of the event (or the built-in 'All reachable'), one person one list."""
    rows = segment_rows(project, ev["id"])
    if only and only != ALL_REACHABLE and not any(r["name"] == only for r in rows):
        raise UsageError(f"no segment called '{only}' in {ev['name']}")
    if not rows or only == ALL_REACHABLE:
        rows = [{"id": None, "name": ALL_REACHABLE, "expression": ALL_REACHABLE_EXPR,
                 "suppress": json.dumps(list(DEFAULT_SUPPRESS)), "priority": 1000,
                 "template": None}]
    ctx = segments.SegmentContext(frame, resolve_place=place_latlon)
    settings = _settings(project)
    taken: set[int] = set()
    out = []
    for r in rows:
        supp = json.loads(r["suppress"] or "[]")
        res = evaluate_segment(frame, ctx, r["name"], r["expression"], parse_suppress(supp),
                               settings=settings, higher_ids=taken)
        taken.update(int(i) for i in res.person_ids)
        if only is None or r["name"] == only:
            out.append((r, res))
    return out


def build_targets(project: Project, *, event: str | None = None, segment: str | None = None,
                  frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """Create targets for the event's segments; existing targets keep their work."""
    ev = require_event(project, event)
    if frame is None:
        frame = people_frame(project, event=ev)
    resolved = resolve_segments(project, ev, frame, only=segment)
    existing = project.frame("targets", ["person_id", "segment_id"], where="event_id = ?",
                             params=(ev["id"],))
    have = set(existing["person_id"].dropna().astype(int)) if len(existing) else set()
    start = int(project.conn.execute("SELECT COALESCE(MAX(id), 0) FROM targets")
                .fetchone()[0]) + 1
    rows = []
    stamp = now_iso()
    per_segment = {}
    for seg, res in resolved:
        ids = [int(i) for i in res.person_ids if int(i) not in have]
        per_segment[seg["name"]] = {"count": res.count, "new": len(ids),
                                    "removed": res.removed}
        sub = frame.loc[ids]
        for k, pid in enumerate(ids):
            tid = start + len(rows)
            rows.append((tid, f"T{tid:06d}", ev["id"], seg["id"], pid,
                         seg.get("priority"), _int(sub["score"].iloc[k]),
                         _str(sub["tier"].iloc[k]), _str(sub["reasons"].iloc[k]),
                         seg.get("template"), "Not contacted", 0, stamp, stamp))
        have.update(ids)
    with project.transaction() as conn:
        conn.executemany(
            "INSERT INTO targets (id, target_key, event_id, segment_id, person_id, priority,"
            " score, tier, reasons, template, status, touches, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    return {"event": ev["name"], "new_targets": len(rows), "segments": per_segment,
            "targets": project.count("targets", "event_id = ?", (ev["id"],))}


def _int(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _str(v: Any) -> str | None:
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
