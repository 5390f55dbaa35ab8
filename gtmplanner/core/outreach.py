"""Assign targets to reps and write their messages (the steps between a list and an export).

Both read the event's targets joined with the people frame, call the pure
functions in :mod:`gtmplanner.core.assign` and :mod:`gtmplanner.core.templates`,
and write the results back in one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from gtmplanner.core import assign as assign_mod
from gtmplanner.core import templates as tmpl
from gtmplanner.core.analysis import people_frame
from gtmplanner.core.errors import UsageError
from gtmplanner.core.lists import require_event
from gtmplanner.core.store import Project, now_iso

TARGET_COLS = ["target_key", "segment_id", "person_id", "rep", "rep_reason", "rep_locked",
               "priority", "score", "tier", "reasons", "template", "subject", "body", "status",
               "next_step", "due_date", "notes", "touches", "last_touch_date", "first_touch_date",
               "export_snapshot", "exported_at"]


def event_targets(project: Project, ev: dict[str, Any], *, segment: str | None = None,
                  frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The event's targets (index = target id) joined with everything about the person."""
    where, params = "event_id = ?", [ev["id"]]
    if segment:
        row = project.conn.execute("SELECT id FROM segments WHERE event_id=? AND name=?",
                                   (ev["id"], segment)).fetchone()
        if row is None and segment != "All reachable":
            raise UsageError(f"no segment called '{segment}' in {ev['name']}")
        if row is not None:
            where += " AND segment_id = ?"
            params.append(row[0])
        else:
            where += " AND segment_id IS NULL"
    t = project.frame("targets", TARGET_COLS, where=where, params=params)
    if frame is None:
        frame = people_frame(project, event=ev)
    seg_names = dict(project.conn.execute("SELECT id, name FROM segments WHERE event_id=?",
                                          (ev["id"],)).fetchall())
    people = frame.rename(columns={"notes": "person_notes"})
    people = people.drop(columns=[c for c in people.columns if c in TARGET_COLS or
                                  c in ("target_rep", "target_status")])
    joined = people.reindex(t["person_id"].to_numpy())
    joined.index = t.index
    out = pd.concat([t, joined], axis=1)
    out["segment"] = t["segment_id"].astype(object).map(seg_names).astype(object)\
        .fillna("All reachable")
    return out


def reps_list(project: Project) -> list[assign_mod.Rep]:
    """The project's reps."""
    reps = project.frame("reps", ["name", "email", "regions", "capacity", "attending", "country"])
    if reps.empty:
        raise UsageError("the project has no reps yet: import a reps file "
                         "(gtmplanner import PROJECT reps.csv --kind reps)")
    return assign_mod.reps_from_frame(reps.reset_index(drop=True))


def assign_event(project: Project, *, event: str | None = None, segment: str | None = None,
                 onsite: bool | None = None, frame: pd.DataFrame | None = None
                 ) -> dict[str, Any]:
    """Assign the event's targets: manual choices kept, then owner, territory, capacity."""
    ev = require_event(project, event)
    targets = event_targets(project, ev, segment=segment, frame=frame)
    reps = reps_list(project)
    if onsite is None:
        end = ev.get("end_date") or ev.get("start_date")
        onsite = bool(end) and date.fromisoformat(str(end)[:10]) >= date.today()
    inp = pd.DataFrame(index=targets.index)
    inp["account_owner"] = targets.get("account_owner")
    inp["account_name"] = targets.get("account_name")
    inp["region"] = targets.get("region")
    inp["country"] = targets.get("country")
    locked = targets["rep_locked"].fillna(0).astype(int).astype(bool)
    inp["locked_rep"] = targets["rep"].where(locked, pd.NA)
    inp["priority"] = targets["priority"]
    inp["score"] = targets["score"]
    res = assign_mod.assign_targets(inp, reps, onsite=onsite)
    changed = (res["rep"].astype("string").fillna("") != targets["rep"].astype("string")
               .fillna("")) | (res["assign_reason"].astype("string").fillna("")
                               != targets["rep_reason"].astype("string").fillna(""))
    upd = res[changed]
    with project.transaction() as conn:
        conn.executemany("UPDATE targets SET rep=?, rep_reason=?, updated_at=? WHERE id=?",
                         [(None if pd.isna(r) else str(r), None if pd.isna(w) else str(w),
                           now_iso(), int(i))
                          for i, r, w in zip(upd.index, upd["rep"], upd["assign_reason"],
                                             strict=True)])
    unassigned = res[res["rep"].isna()]
    summary = assign_mod.assignment_summary(res, reps)
    return {"event": ev["name"], "targets": int(len(res)), "changed": int(changed.sum()),
            "assigned": int(res["rep"].notna().sum()), "onsite": onsite,
            "unassigned": [{"target_id": targets.loc[i, "target_key"],
                            "reason": res.loc[i, "assign_reason"]} for i in unassigned.index],
            "reps": summary}


def reassign(project: Project, target_ids: list[int], rep: str | None) -> list[tuple[int, Any,
                                                                                   Any, Any]]:
    """Manually give targets to ``rep`` (kept when assignment re-runs). Returns the old
    (id, rep, reason, locked) rows so the window can undo."""
    if rep is not None and project.count("reps", "name = ?", (rep,)) == 0:
        raise UsageError(f"no rep called '{rep}'")
    q = ",".join("?" * len(target_ids))
    old = project.conn.execute(f"SELECT id, rep, rep_reason, rep_locked FROM targets WHERE id IN"
                               f" ({q})", target_ids).fetchall()
    with project.transaction() as conn:
        conn.executemany("UPDATE targets SET rep=?, rep_reason=?, rep_locked=?, updated_at=? "
                         "WHERE id=?",
                         [(rep, "kept manual assignment" if rep else None, 1 if rep else 0,
                           now_iso(), t) for t in target_ids])
    return old


def undo_reassign(project: Project, old: list[tuple[int, Any, Any, Any]]) -> None:
    """Put back what :func:`reassign` changed."""
    with project.transaction() as conn:
        conn.executemany("UPDATE targets SET rep=?, rep_reason=?, rep_locked=? WHERE id=?",
                         [(r, w, lk, i) for i, r, w, lk in old])


def project_templates(project: Project) -> list[tmpl.MessageTemplate]:
    """The project's templates (the shipped defaults until the user edits them)."""
    rows = project.conn.execute("SELECT name, play, variant, subject, body FROM templates"
                                ).fetchall()
    if not rows:
        defaults = tmpl.default_templates()
        with project.transaction() as conn:
            conn.executemany("INSERT INTO templates (name, play, variant, subject, body,"
                             " updated_at) VALUES (?,?,?,?,?,?)",
                             [(t.name, t.play, t.variant, t.subject, t.body, now_iso())
                              for t in defaults])
        return defaults
    return [tmpl.MessageTemplate(*r) for r in rows]


def save_template(project: Project, t: tmpl.MessageTemplate) -> list[str]:
    """Store a template (validated first); returns warnings."""
    errors = tmpl.validate_template(t.subject, t.body, errors_only=True)
    if errors:
        raise UsageError(f"template '{t.name}': {errors[0]}")
    problems = tmpl.validate_template(t.subject, t.body)
    project_templates(project)
    with project.transaction() as conn:
        conn.execute("INSERT INTO templates (name, play, variant, subject, body, updated_at)"
                     " VALUES (?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET play=excluded.play,"
                     " variant=excluded.variant, subject=excluded.subject, body=excluded.body,"
                     " updated_at=excluded.updated_at",
                     (t.name, t.play, t.variant, t.subject, t.body, now_iso()))
    return problems


def play_for(targets: pd.DataFrame, ev: dict[str, Any], today: date | None = None) -> pd.Series:
    """Which play each target gets: the segment's template/play, else by situation."""
    today = today or date.today()
    start = date.fromisoformat(str(ev.get("start_date") or today.isoformat())[:10])
    end = date.fromisoformat(str(ev.get("end_date") or start.isoformat())[:10])
    phase = "pre_show_booth" if today < start else ("on_site" if today <= end
                                                    else "post_show_follow_up")
    play = pd.Series(phase, index=targets.index, dtype="object")
    if "retarget" in targets:
        play[targets["retarget"].fillna(False).astype(bool).to_numpy()] = "cold_retarget"
    if "is_customer" in targets:
        play[targets["is_customer"].fillna(False).astype(bool).to_numpy()] = "customer_check_in"
    chosen = targets["template"].astype("object")
    has = chosen.notna().to_numpy()
    play[has] = chosen[has]
    return play


def write_messages(project: Project, *, event: str | None = None, segment: str | None = None,
                   only_missing: bool = False, frame: pd.DataFrame | None = None
                   ) -> dict[str, Any]:
    """Render subject and body for the event's targets; report missing merge values."""
    ev = require_event(project, event)
    targets = event_targets(project, ev, segment=segment, frame=frame)
    if only_missing:
        targets = targets[targets["subject"].isna()]
    templates = project_templates(project)
    reps = {r.name: {"name": r.name, "email": r.email, "first_name": r.name.split()[0]}
            for r in reps_list(project)} if project.count("reps") else {}
    play = play_for(targets, ev)
    subjects = pd.Series(pd.NA, index=targets.index, dtype="object")
    bodies = subjects.copy()
    missing: dict[str, int] = {}
    errors: list[str] = []
    for p in sorted(set(play)):
        idx = play.index[play == p]
        named = [t for t in templates if t.name == p]
        chosen = named or [t for t in templates if t.play == p] or \
            [t for t in templates if t.play == "post_show_follow_up"]
        res = tmpl.render_many(chosen, targets.loc[idx], event=ev, reps=reps)
        subjects[idx] = res.subject.to_numpy()
        bodies[idx] = res.body.to_numpy()
        for k, v in res.missing.items():
            missing[k] = missing.get(k, 0) + int(v)
        errors += res.errors
    with project.transaction() as conn:
        conn.executemany("UPDATE targets SET subject=?, body=?, template=COALESCE(template, ?),"
                         " updated_at=? WHERE id=?",
                         [(s, b, p, now_iso(), int(i)) for i, s, b, p in
                          zip(targets.index, subjects, bodies, play, strict=True)])
    return {"event": ev["name"], "rendered": int(len(targets)),
            "plays": {str(k): int(v) for k, v in play.value_counts().items()},
            "missing": missing, "errors": errors}


__all__ = ["event_targets", "assign_event", "reassign", "undo_reassign", "write_messages",
           "project_templates", "save_template", "play_for"]
