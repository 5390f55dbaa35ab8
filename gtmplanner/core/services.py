"""The use cases both faces call: the command line and the window do the same
work by calling these functions (no step is implemented twice)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gtmplanner.core import demo, importer
from gtmplanner.core.errors import GtmError, ProjectError
from gtmplanner.core.store import Project

Progress = Callable[[float, str], None]


def _noop(_f: float, _m: str) -> None:
    return None


def _never() -> bool:
    return False


def open_project(path: str | Path, *, create: bool = False) -> Project:
    """Open a project file (creating it when ``create``)."""
    path = Path(path)
    if create and path.suffix.lower() != ".gtmp" and not path.exists():
        raise ProjectError(f"{path}: a project file name must end in .gtmp")
    return Project(path, create=create)


def import_into(project_path: Path, file: Path, kind: str, *, event: str | None = None,
                sheet: str | None = None, user_mapping: dict[str, str] | None = None,
                progress: Progress = _noop, cancelled: Callable[[], bool] = _never
                ) -> dict[str, Any]:
    """Import ``file`` into the project at ``project_path`` (created if missing)."""
    with open_project(project_path, create=True) as project:
        if kind == "roster" and event is None:
            ev = project.event()
            event = ev["name"] if ev else None
        # This process's own project object, used by nothing else meanwhile.
        result = importer.import_file(project, file, kind, event=event, sheet=sheet,
                                      user_mapping=user_mapping, progress=progress,
                                      cancelled=cancelled, exclusive=True)
    return result.to_dict()


def create_demo(path: Path, *, seed: int = 7, progress: Progress = _noop,
                score: bool = True) -> dict[str, Any]:
    """Write the demo project at ``path`` (replacing an earlier demo file there)."""
    if path.exists():
        if path.suffix.lower() != ".gtmp":
            raise GtmError(f"{path}: exists and is not a .gtmp project; choose another name")
        path.unlink()
    tmp = path.with_name(path.name + ".partial")
    if tmp.exists():
        tmp.unlink()
    with Project.create(tmp) as project:
        demo.build_demo(project, seed=seed, importer=importer.import_file,
                        progress=lambda f, m: progress(0.8 * f, m))
        if score:
            _maybe_score(project, progress)
            from gtmplanner.core import demo_history
            demo_history.add_past_event(project, seed=seed)
            # The upcoming Boston event stays the one the window opens on.
            project.set_setting("current_event", demo.EVENT["name"])
    tmp.replace(path)
    return project_summary(path)


def _maybe_score(project: Project, progress: Progress) -> None:
    from gtmplanner.core import scoring
    scoring.score_project(project, progress=lambda f, m: progress(0.8 + 0.2 * f, m))


def project_summary(path: Path) -> dict[str, Any]:
    """What is in a project: counts, events, imports."""
    with open_project(path) as project:
        counts = project.counts()
        events = project.events()
        imports = [dict(zip(["file", "kind", "rows_imported", "rows_merged", "rows_rejected"],
                            r, strict=True)) for r in project.conn.execute(
            "SELECT file_name, kind, rows_imported, rows_merged, rows_rejected FROM imports "
            "ORDER BY id")]
        tiers = dict(project.conn.execute(
            "SELECT COALESCE(tier, '-'), COUNT(*) FROM people GROUP BY 1 ORDER BY 1").fetchall())
        mql = dict(project.conn.execute(
            "SELECT mql_status, COUNT(*) FROM people WHERE mql_status IS NOT NULL GROUP BY 1"
        ).fetchall())
    return {"project": str(path), "counts": counts,
            "events": [{k: e[k] for k in ("name", "city", "region", "country", "start_date",
                                          "end_date")} for e in events],
            "imports": imports, "tiers": tiers, "mql": mql}


def format_summary(s: dict[str, Any]) -> str:
    """Human text for :func:`project_summary`."""
    c = s["counts"]
    lines = [f"Project {s['project']}"]
    for e in s["events"]:
        lines.append(f"  Event: {e['name']} — {e['city']}, {e['region'] or e['country']}, "
                     f"{e['start_date']} to {e['end_date']}")
    lines.append(f"  {c['people']:,} people, {c['accounts']:,} accounts, "
                 f"{c['opportunities']:,} opportunities, {c['activities']:,} activities, "
                 f"{c['reps']} reps, {c['segments']} segments, {c['targets']:,} targets")
    if s.get("tiers") and set(s["tiers"]) != {"-"}:
        lines.append("  Tiers: " + ", ".join(f"{k} {v:,}" for k, v in s["tiers"].items()))
    if s.get("mql"):
        lines.append("  MQLs: " + ", ".join(f"{k} {v:,}" for k, v in s["mql"].items()))
    for imp in s["imports"]:
        lines.append(f"  imported {imp['file']} ({imp['kind']}): {imp['rows_imported']:,} new, "
                     f"{imp['rows_merged']:,} merged, {imp['rows_rejected']:,} rejected")
    return "\n".join(lines)


def format_import(r: dict[str, Any]) -> str:
    """Human text for an import result."""
    if r.get("already_imported"):
        return r["message"]
    lines = [f"{Path(r['file']).name}: read {r['rows_read']:,} rows as {r['kind']} — "
             f"{r['rows_imported']:,} new, {r['rows_merged']:,} merged, "
             f"{r['rows_rejected']:,} rejected"]
    where = [f"sheet {r['sheet']}" if r.get("sheet") else "",
             f"encoding {r['encoding']}" if r.get("encoding") else "",
             f"header on row {r['header_row']}" if r.get("header_row") else ""]
    if any(where):
        lines.append("  " + ", ".join(w for w in where if w))
    lines.append("  mapping: " + "; ".join(f"{k} -> {v}" for k, v in r["mapping"].items()))
    if r.get("saved_mapping_used"):
        lines.append("  (reused the mapping saved for this export shape)")
    for rej in r["rejected"][:20]:
        lines.append(f"  rejected row {rej['row']}: {rej['reason']}")
    if len(r["rejected"]) > 20:
        lines.append(f"  ... and {len(r['rejected']) - 20} more rejected rows (see --json)")
    for w in r["warnings"][:20]:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
