"""The project's imports: list them, remove one with the rows it brought, put it back.

:func:`remove_import` deletes, in one transaction, the records an import
*created* that no other import touched, with what hangs off them (event
registrations, targets, match overrides), and takes the import out of the
bookkeeping of records other imports share. It returns a *snapshot* — every
row it deleted and the earlier values of every cell it changed — that
:func:`restore_import` puts back exactly (same ids), again in one transaction.
The window pushes that pair onto its undo stack; nothing here knows a window.

Bookkeeping read here (written by :mod:`gtmplanner.core.importer`): people,
accounts and opportunities carry ``sources`` (comma-separated import ids, "3"
or "3,7") and ``last_import_id``; activities carry ``import_id``; event
registrations carry the ``import_id`` that first attached them. Reps carry
nothing, so a reps import cannot be taken apart and is refused.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from gtmplanner.core.errors import UsageError
from gtmplanner.core.store import Project

SNAPSHOT_VERSION = 1
LIST_COLUMNS = ("id", "file_name", "kind", "event", "rows_imported", "rows_merged",
                "rows_rejected", "finished_at", "size", "sha256")
BOOKED = ("people", "accounts", "opportunities")  # tables with sources / last_import_id

# Sub-selects of the records an import created and nobody else touched (":s" = its id).
_GONE = {t: f"SELECT id FROM {t} WHERE sources = :s" for t in BOOKED}
_SHARED = ("sources <> :s AND instr(',' || sources || ',', ',' || :s || ',') > 0")

# Rows deleted, in order, as (counts key, table, WHERE). Dependents go before the
# records they hang off, because their WHERE clauses look those records up.
_DELETES: list[tuple[str, str, str]] = [
    ("event_people_removed", "event_people",
     f"import_id = :i OR person_id IN ({_GONE['people']})"),
    ("targets_removed", "targets", f"person_id IN ({_GONE['people']})"),
    ("match_overrides_removed", "match_overrides",
     f"person_id IN ({_GONE['people']}) OR account_id IN ({_GONE['accounts']})"),
    ("people_removed", "people", "sources = :s"),
    ("accounts_removed", "accounts", "sources = :s"),
    ("opportunities_removed", "opportunities", "sources = :s"),
    ("activities_removed", "activities", "import_id = :i"),
]

# Links from kept rows to removed ones are cleared, as (table, columns set to NULL,
# WHERE). Derived columns: the next scoring run matches them again.
_UNLINKS: list[tuple[str, tuple[str, ...], str]] = [
    ("people", ("account_id", "match_method", "match_confidence"),
     f"account_id IN ({_GONE['accounts']}) AND COALESCE(sources, '') <> :s"),
    ("people", ("retarget", "retarget_opp_id"),
     f"retarget_opp_id IN ({_GONE['opportunities']}) AND COALESCE(sources, '') <> :s"),
    ("opportunities", ("account_id", "account_method", "account_confidence"),
     f"account_id IN ({_GONE['accounts']}) AND COALESCE(sources, '') <> :s"),
    ("opportunities", ("person_id",),
     f"person_id IN ({_GONE['people']}) AND COALESCE(sources, '') <> :s"),
    ("activities", ("person_id",),
     f"person_id IN ({_GONE['people']}) AND COALESCE(import_id, -1) <> :i"),
    ("targets", ("opportunity_id",), f"opportunity_id IN ({_GONE['opportunities']})"),
]


def list_imports(project: Project) -> list[dict[str, Any]]:
    """Every import recorded in the project, oldest first."""
    cur = project.conn.execute(f"SELECT {', '.join(LIST_COLUMNS)} FROM imports ORDER BY id")
    return [dict(zip(LIST_COLUMNS, row, strict=True)) for row in cur.fetchall()]


def _import_row(conn: sqlite3.Connection, import_id: int) -> dict[str, Any]:
    cur = conn.execute("SELECT * FROM imports WHERE id = ?", (int(import_id),))
    row = cur.fetchone()
    if row is None:
        raise UsageError(f"no import with id {import_id} in this project "
                         "(see the list of imports)")
    imp = dict(zip([d[0] for d in cur.description], row, strict=True))
    if imp["kind"] == "reps":
        raise UsageError(f"{imp['file_name']}: reps imports cannot be removed; "
                         "edit the reps instead")
    return imp


def _params(import_id: int) -> dict[str, Any]:
    return {"i": int(import_id), "s": str(int(import_id))}


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def removal_counts(project: Project, import_id: int) -> dict[str, Any]:
    """What :func:`remove_import` would remove, without writing (for a confirm dialog)."""
    conn = project.conn
    imp = _import_row(conn, import_id)
    params = _params(import_id)
    have = _tables(conn)
    counts: dict[str, Any] = {"import_id": int(import_id), "file_name": imp["file_name"],
                              "kind": imp["kind"]}
    for key, table, where in _DELETES:
        counts[key] = int(conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}",
                                       params).fetchone()[0]) if table in have else 0
    counts["links_cleared"] = sum(int(conn.execute(
        f"SELECT COUNT(*) FROM {t} WHERE {where}", params).fetchone()[0])
        for t, _cols, where in _UNLINKS)
    counts["kept_shared"] = sum(int(conn.execute(
        f"SELECT COUNT(*) FROM {t} WHERE {_SHARED}", params).fetchone()[0]) for t in BOOKED)
    return counts


def remove_import(project: Project, import_id: int) -> dict[str, Any]:
    """Remove import ``import_id`` and the records only it brought, in one transaction.

    Records another import also brought stay (with the values merged into them)
    and just lose this import from their ``sources``. Returns the snapshot for
    :func:`restore_import`, with counts and a one-line ``message``.
    """
    params = _params(import_id)
    with project.transaction() as conn:
        imp = _import_row(conn, import_id)
        have = _tables(conn)
        counts: dict[str, int] = {}
        deleted: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        # 1. dependents of removed records (their WHERE needs those records still there)
        for key, table, where in _DELETES[:3]:
            counts[key] = _snapshot_rows(conn, table, where, params, deleted) \
                if table in have else 0
            if counts[key]:
                conn.execute(f"DELETE FROM {table} WHERE {where}", params)
        # 2. links from kept rows to removed ones
        cleared = 0
        for table, cols, where in _UNLINKS:
            n = _snapshot_cells(conn, table, cols, where, params, changed)
            if n:
                conn.execute(f"UPDATE {table} SET {', '.join(f'{c} = NULL' for c in cols)}"
                             f" WHERE {where}", params)
            cleared += n
        counts["links_cleared"] = cleared
        # 3. records shared with other imports: drop this import from their bookkeeping
        counts["kept_shared"] = sum(_unshare(conn, t, int(import_id), changed) for t in BOOKED)
        # 4. the records only this import brought, then the import itself
        for key, table, where in _DELETES[3:]:
            counts[key] = _snapshot_rows(conn, table, where, params, deleted)
            if counts[key]:
                conn.execute(f"DELETE FROM {table} WHERE {where}", params)
        conn.execute("DELETE FROM imports WHERE id = ?", (int(import_id),))
    return {"version": SNAPSHOT_VERSION, "import_id": int(import_id), "import": imp,
            "deleted": deleted, "changed": changed, "counts": counts,
            "message": removal_message(imp["file_name"], counts)}


def removal_message(file_name: str, counts: dict[str, int]) -> str:
    """One line saying what a removal took out (or would take out) and what it kept."""
    labels = [("people_removed", "people"), ("accounts_removed", "accounts"),
              ("opportunities_removed", "opportunities"), ("activities_removed", "activities"),
              ("targets_removed", "targets"), ("event_people_removed", "event registrations"),
              ("match_overrides_removed", "match overrides")]
    parts = [f"{counts.get(k, 0):,} {label}" for k, label in labels if counts.get(k)]
    text = f"{file_name}: removed " + (", ".join(parts) if parts else "no records")
    if counts.get("links_cleared"):
        text += (f"; cleared {counts['links_cleared']:,} links to them from other records "
                 "(score again to re-match)")
    if counts.get("kept_shared"):
        text += (f"; kept {counts['kept_shared']:,} records also brought by other imports "
                 "(their merged values stay)")
    return text


def restore_import(project: Project, snapshot: dict[str, Any]) -> dict[str, Any]:
    """Put back everything :func:`remove_import` took out, exactly, in one transaction.

    Refuses (and changes nothing) when records were added since with the ids the
    removed ones had, e.g. by importing again after the removal.
    """
    if snapshot.get("version") != SNAPSHOT_VERSION:
        raise UsageError("this removal cannot be undone: its snapshot is from another version")
    imp = snapshot["import"]
    try:
        _restore(project, snapshot)
    except sqlite3.IntegrityError as exc:
        raise UsageError(f"cannot undo the removal of {imp['file_name']}: records added since "
                         f"clash with the ones it would put back ({exc})") from exc
    return {"import_id": imp["id"], "file_name": imp["file_name"],
            "counts": snapshot.get("counts", {}),
            "message": f"{imp['file_name']}: put back everything the removal took out"}


def _restore(project: Project, snapshot: dict[str, Any]) -> None:
    imp = snapshot["import"]
    with project.transaction() as conn:
        if conn.execute("SELECT 1 FROM imports WHERE id = ? OR (sha256 = ? AND kind = ? AND "
                        "COALESCE(event, '') = COALESCE(?, ''))",
                        (imp["id"], imp["sha256"], imp["kind"], imp["event"])).fetchone():
            raise UsageError(f"{imp['file_name']} was imported again after it was removed; "
                             "remove that import first")
        for block in snapshot["deleted"]:
            _check_free(conn, block)
        cols = list(imp)
        conn.execute(f"INSERT INTO imports ({', '.join(cols)}) VALUES "
                     f"({', '.join('?' * len(cols))})", [imp[c] for c in cols])
        for block in reversed(snapshot["deleted"]):
            names = block["columns"]
            conn.executemany(f"INSERT INTO {block['table']} ({', '.join(names)}) VALUES "
                             f"({', '.join('?' * len(names))})", block["rows"])
        for block in reversed(snapshot["changed"]):
            names = block["columns"]  # "id" first
            sets = ", ".join(f"{c} = ?" for c in names[1:])
            conn.executemany(f"UPDATE {block['table']} SET {sets} WHERE id = ?",
                             [(*row[1:], row[0]) for row in block["rows"]])


# -- helpers -------------------------------------------------------------------------------
def _snapshot_rows(conn: sqlite3.Connection, table: str, where: str, params: dict[str, Any],
                   out: list[dict[str, Any]]) -> int:
    """Add the whole rows matching ``where`` to ``out``; returns how many."""
    cur = conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
    rows = cur.fetchall()
    if rows:
        out.append({"table": table, "columns": [d[0] for d in cur.description],
                    "rows": [tuple(r) for r in rows]})
    return len(rows)


def _snapshot_cells(conn: sqlite3.Connection, table: str, cols: tuple[str, ...], where: str,
                    params: dict[str, Any], out: list[dict[str, Any]]) -> int:
    """Add ``id`` and the current values of ``cols`` of the matching rows to ``out``."""
    rows = conn.execute(f"SELECT id, {', '.join(cols)} FROM {table} WHERE {where} ORDER BY id",
                        params).fetchall()
    if rows:
        out.append({"table": table, "columns": ["id", *cols], "rows": [tuple(r) for r in rows]})
    return len(rows)


def _unshare(conn: sqlite3.Connection, table: str, import_id: int,
             out: list[dict[str, Any]]) -> int:
    """Take ``import_id`` out of ``sources`` (and ``last_import_id``, ``extra``) of shared rows."""
    me = str(import_id)
    cols = ("sources", "last_import_id", "extra")
    rows = conn.execute(f"SELECT id, {', '.join(cols)} FROM {table} WHERE {_SHARED} "
                        "ORDER BY id", {"s": me}).fetchall()
    if not rows:
        return 0
    out.append({"table": table, "columns": ["id", *cols], "rows": [tuple(r) for r in rows]})
    updates = []
    for rid, sources, last, _extra in rows:
        rest = [s for s in str(sources).split(",") if s and s != me]
        new_last = int(rest[-1]) if last == import_id and rest and rest[-1].isdigit() \
            else last
        updates.append((",".join(rest), new_last, me, rid))
    # The unmapped columns this import kept go with it (their names were on its row).
    conn.executemany(
        f"UPDATE {table} SET sources = ?, last_import_id = ?, extra = CASE WHEN extra IS NULL"
        " OR NOT json_valid(extra) THEN extra ELSE NULLIF(json_remove(extra, '$.\"' || ? "
        "|| '\"'), '{}') END WHERE id = ?", updates)
    return len(rows)


def _check_free(conn: sqlite3.Connection, block: dict[str, Any]) -> None:
    """Refuse to restore rows whose ids are taken by records added since the removal."""
    ids = [row[0] for row in block["rows"]]
    table = block["table"]
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        taken = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE id IN "
                             f"({', '.join('?' * len(chunk))})", chunk).fetchone()[0]
        if taken:
            raise UsageError(f"cannot undo the removal: {taken:,} {table} records were added "
                             "since with the same ids; remove them first")


__all__ = ["list_imports", "removal_counts", "remove_import", "restore_import",
           "removal_message"]
