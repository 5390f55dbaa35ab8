"""Take the follow-up trackers reps filled in back into the project (PRODUCT job 9).

A tracker comes back re-sorted, with columns deleted or added, a renamed sheet,
re-saved by LibreOffice or Google Sheets, or exported to CSV. :func:`read_tracker`
finds the sheet whose header row has a Target ID or Email column and a Status
column (matching by header text, never position) and reads each cell into its
canonical form: real dates, date text and Excel serials become ISO dates,
"2" and 2.0 become 2, "meeting booked" becomes "Meeting booked".

:func:`sync_trackers` matches rows to targets by the hidden Target ID, else by
email (then name) among the event's targets, and merges each field three ways
against ``export_snapshot`` (what was exported):

* tracker == snapshot: nothing to do (the rep did not touch it);
* project == snapshot, tracker differs: the tracker value is taken;
* both changed to different values: a :class:`Conflict` -- the project value is
  kept and both are reported, unless ``resolve[(target_id, field)]`` says
  ``"tracker"`` or ``"project"``. Touches follow the same rule (no max-taking:
  a project edit after the export is as deliberate as a rep's).
* notes are never lost and never conflict: the tracker note is taken when it
  starts with the project's note (or that is empty); otherwise both are kept as
  ``"<project note>\\n---\\n<tracker note>"`` (only the rep's addition when the
  tracker note extends the exported one). A rep who deletes text or clears the
  cell deletes nothing from the project (a warning says so for a cleared cell).

After a sync the snapshot of each field holds the tracker value it took in
(earlier values are kept under ``"_seen"``), so syncing the same file again, or
an "All reps" tracker that still shows the exported values, changes nothing.
An unresolved conflict is not acknowledged: it is reported again until chosen.
Rows that match nothing but carry a name or an email are people the rep met at
the booth: they become people (source ``tracker:<rep>``) linked to the event and
targets of that rep. Everything lands in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gtmplanner.core.errors import UsageError
from gtmplanner.core.export.columns import (
    DEFAULT_STATUS,
)
from gtmplanner.core.store import Project, now_iso
from gtmplanner.core.sync_read import (
    _ISO,
    _NOT_A_PERSON,
    _STATUS_LOOKUP,
    NOTE_SEPARATOR,
    READ_FIELDS,
    SYNC_FIELDS,
    Progress,
    _load,
    _Tracker,
    read_tracker,
)

__all__ = ["SYNC_FIELDS", "Conflict", "SyncResult", "read_tracker", "sync_trackers"]



def noop(fraction: float, message: str) -> None:
    """Default progress callback."""


@dataclass
class Conflict:
    """A field both the project and the tracker changed since the export, to different values.

    ``resolved`` is ``None`` while the project value is kept by default, else the
    side the caller chose (``"tracker"`` / ``"project"``).
    """

    target_id: str
    field: str
    project_value: Any
    tracker_value: Any
    file: str
    row: int
    resolved: str | None = None


@dataclass
class SyncResult:
    """What a sync did (or, with ``dry_run``, would do)."""

    files: list[str] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0
    dry_run: bool = False
    elapsed_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``sync --json``)."""
        out = asdict(self)
        out["conflicts"] = [asdict(c) for c in self.conflicts]
        return out


# ======================================================================== reading

# ======================================================================== merging


def _norm(f: str, v: Any) -> Any:
    """A project/snapshot value in the comparable form the reader produces."""
    if f == "touches":
        try:
            x = float(v)
        except (TypeError, ValueError):
            return 0
        return int(x) if x == x and x >= 0 else 0
    if v is None or (isinstance(v, float) and v != v):
        return DEFAULT_STATUS if f == "status" else ""
    s = str(v).replace("\r\n", "\n").replace("\r", "\n").strip()
    if f == "status":
        return _STATUS_LOOKUP.get(re.sub(r"[\s_\-]+", " ", s.casefold()), s) if s else \
            DEFAULT_STATUS
    if f == "last_touch_date" and _ISO.match(s):
        return s[:10]
    return s


def _norm_all(f: str, values: list[Any]) -> np.ndarray:
    """:func:`_norm` over a column (each distinct value normalised once)."""
    memo: dict[Any, Any] = {}
    out = np.empty(len(values), object)
    for i, v in enumerate(values):
        try:
            out[i] = memo[v]
        except KeyError:
            out[i] = memo[v] = _norm(f, v)
        except TypeError:  # unhashable
            out[i] = _norm(f, v)
    return out


def _plain(f: str, v: Any) -> Any:
    """A comparable value in the form stored in the project (blank text -> None)."""
    return v if f in ("touches", "status") else (v or None)


def _merge_notes(project: str, tracker: str, exported: str) -> str:
    """A tracker note that would drop text of the project's note: keep both.

    Only the rep's addition is appended when the tracker note extends the
    exported one; nothing is appended when the project note already holds it
    (a rep who only deleted text, or cleared the cell, deletes nothing).
    """
    addition = tracker
    if exported and tracker.startswith(exported):
        addition = tracker[len(exported):].strip()
    if not addition or addition in project:
        return project
    return f"{project}{NOTE_SEPARATOR}{addition}" if project else addition


_STATE_SQL = (
    "SELECT t.id, t.target_key, t.event_id, t.person_id, t.rep, t.status, t.touches,"
    " t.last_touch_date, t.next_step, t.notes, t.first_touch_date, t.export_snapshot,"
    " t.updated_at, p.email, p.name_key FROM targets t LEFT JOIN people p ON p.id = t.person_id"
    " ORDER BY t.id")
_STATE_COLS = ("id", "target_key", "event_id", "person_id", "rep", "status", "touches",
               "last_touch_date", "next_step", "notes", "first_touch_date", "export_snapshot",
               "updated_at", "email", "name_key")


class _State:
    """Every target of the project as column lists, plus lookups by key/email/name."""

    def __init__(self, project: Project) -> None:
        rows = project.conn.execute(_STATE_SQL).fetchall()
        cols = list(zip(*rows, strict=True)) if rows else [()] * len(_STATE_COLS)
        self.col: dict[str, Sequence[Any]] = dict(zip(_STATE_COLS, cols, strict=True))
        self.by_key = {str(k).strip().upper(): i for i, k in enumerate(self.col["target_key"])
                       if k is not None}
        self._emails: dict[int, dict[str, int]] = {}
        self._names: dict[int, tuple[dict[str, int], dict[str, int]]] = {}
        self.pairs = {(e, p): i for i, (e, p) in
                      enumerate(zip(self.col["event_id"], self.col["person_id"], strict=True))}

    def emails(self, event_id: int) -> dict[str, int]:
        """Lower-cased email -> target position among ``event_id``'s targets."""
        if event_id not in self._emails:
            out: dict[str, int] = {}
            for i, (e, m) in enumerate(zip(self.col["event_id"], self.col["email"], strict=True)):
                if e == event_id and m:
                    out.setdefault(str(m).strip().casefold(), i)
            self._emails[event_id] = out
        return self._emails[event_id]

    def names(self, event_id: int) -> tuple[dict[str, int], dict[str, int]]:
        """(name_key -> position, "first|last" -> position), unambiguous keys only."""
        if event_id not in self._names:
            full: dict[str, list[int]] = {}
            short: dict[str, list[int]] = {}
            for i, (e, k) in enumerate(zip(self.col["event_id"], self.col["name_key"],
                                           strict=True)):
                if e == event_id and k:
                    full.setdefault(k, []).append(i)
                    short.setdefault(k.rsplit("|", 1)[0], []).append(i)
            self._names[event_id] = ({k: v[0] for k, v in full.items() if len(v) == 1},
                                     {k: v[0] for k, v in short.items() if len(v) == 1})
        return self._names[event_id]


@dataclass
class _Rows:
    """All tracker rows of a sync, concatenated: values and 'column present and readable'."""

    file: np.ndarray
    row: np.ndarray
    file_idx: np.ndarray
    vals: dict[str, np.ndarray]
    has: dict[str, np.ndarray]

    @classmethod
    def of(cls, trackers: list[_Tracker]) -> _Rows:
        vals: dict[str, list[np.ndarray]] = {f: [] for f in READ_FIELDS}
        has: dict[str, list[np.ndarray]] = {f: [] for f in READ_FIELDS}
        for t in trackers:
            n = len(t.frame)
            for f in READ_FIELDS:
                if f in t.frame:
                    arr = t.frame[f].to_numpy(object)
                    if f in ("notes", "next_step"):  # blank is "" for the merge's comparisons
                        arr = np.array(["" if v is None else v for v in arr], object)
                    vals[f].append(arr)
                    has[f].append(~t.bad.get(f, np.zeros(n, bool)))
                else:
                    vals[f].append(np.full(n, "" if f in ("notes", "next_step") else None, object))
                    has[f].append(np.zeros(n, bool))

        def cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype)

        return cls(
            file=cat([t.frame["file"].to_numpy(object) for t in trackers], object),
            row=cat([t.frame["row"].to_numpy(np.int64) for t in trackers], np.int64),
            file_idx=cat([np.full(len(t.frame), i) for i, t in enumerate(trackers)], np.int64),
            vals={f: cat(v, object) for f, v in vals.items()},
            has={f: cat(v, bool) for f, v in has.items()},
        )


class _Merge:
    """Three-way merge state for the matched targets (``li`` = local index)."""

    def __init__(self, state: _State, positions: np.ndarray) -> None:
        self.pos = positions
        col = state.col
        idx = positions.tolist()
        self.raw = {f: [col[f][p] for p in idx] for f in (*SYNC_FIELDS, "rep")}
        self.p = {f: _norm_all(f, self.raw[f]) for f in SYNC_FIELDS}
        parsed: dict[Any, dict[str, Any] | None] = {}  # most snapshots repeat: parse each once
        self.snap: list[dict[str, Any] | None] = []
        for p in idx:
            text = col["export_snapshot"][p]
            if text not in parsed:
                try:
                    snap = json.loads(text) if text else None
                except (TypeError, ValueError):
                    snap = None
                parsed[text] = snap if isinstance(snap, dict) else None
            self.snap.append(parsed[text])
        self.s = {f: _norm_all(f, [(s or {}).get(f) for s in self.snap]) for f in SYNC_FIELDS}
        n = len(positions)
        self.changed = {f: np.zeros(n, bool) for f in SYNC_FIELDS}
        self.blocked = {f: np.zeros(n, bool) for f in SYNC_FIELDS}
        self.acks: dict[str, dict[int, list[Any]]] = {f: {} for f in SYNC_FIELDS}

    def seen(self, li: int, f: str, value: Any) -> bool:
        """``value`` was exported or synced before (an older tracker still showing it)."""
        old = ((self.snap[li] or {}).get("_seen") or {}).get(f) or []
        return any(_norm(f, v) == value for v in old)

    def ack(self, li: np.ndarray, f: str, values: np.ndarray) -> None:
        book = self.acks[f]
        for i, v in zip(li.tolist(), values.tolist(), strict=True):
            book.setdefault(i, []).append(v)

    def new_snapshot(self, li: int) -> str | None:
        """The snapshot JSON after this sync, or ``None`` when it does not change."""
        snap = dict(self.snap[li] or {"status": DEFAULT_STATUS, "touches": 0,
                                      "last_touch_date": None, "next_step": None,
                                      "notes": None, "rep": self.raw["rep"][li]})
        dirty = False
        for f in SYNC_FIELDS:
            values = self.acks[f].get(li)
            if not values or self.blocked[f][li] or values[-1] == self.s[f][li]:
                continue
            seen = dict(snap.get("_seen") or {})
            old = list(seen.get(f) or [])
            for v in [snap.get(f), *(_plain(f, x) for x in values[:-1])]:
                if v not in old and _norm(f, v) != values[-1]:
                    old.append(v)
            seen[f] = old
            snap["_seen"], snap[f], dirty = seen, _plain(f, values[-1]), True
        return json.dumps(snap) if dirty else None


def _resolutions(resolve: Mapping[tuple[str, str], str] | None) -> dict[tuple[str, str], str]:
    out = {}
    for (tid, f), side in (resolve or {}).items():
        side_n = str(side).strip().casefold()
        if side_n not in ("tracker", "project") or f not in SYNC_FIELDS:
            raise UsageError(f"resolve[({tid!r}, {f!r})] = {side!r}: use 'tracker' or 'project' "
                             f"for one of {', '.join(SYNC_FIELDS)}")
        out[(str(tid).strip().upper(), f)] = side_n
    return out


def _merge(m: _Merge, rows: _Rows, ridx: np.ndarray, lis: np.ndarray, keys: list[str],
           resolve: dict[tuple[str, str], str], result: SyncResult) -> None:
    """Merge the matched rows ``ridx`` (target ``lis``), one pass per repeat of a target."""
    occurrence = pd.Series(lis).groupby(lis).cumcount().to_numpy()
    kept: dict[str, list[int]] = {}
    for k in range(int(occurrence.max()) + 1 if len(lis) else 0):
        sel = occurrence == k
        r, li = ridx[sel], lis[sel]
        for f in SYNC_FIELDS:
            tv, pv, sv = rows.vals[f][r], m.p[f][li], m.s[f][li]
            tchg = rows.has[f][r] & (tv != sv)
            for i in np.flatnonzero(tchg):
                if m.snap[li[i]] and m.seen(li[i], f, tv[i]):
                    tchg[i] = False
            if f == "notes":  # taking the tracker note is safe when it keeps the project's
                keeps = np.array([not p or t.startswith(p) for t, p in zip(tv, pv, strict=True)],
                                 bool)
                take, hard = tchg & keeps & (tv != pv), tchg & ~keeps
            else:
                pchg = pv != sv
                take, hard = tchg & ~pchg, tchg & pchg & (tv != pv)
            m.p[f][li[take]] = tv[take]
            m.changed[f][li[take]] = True
            quiet = take | (tchg & (tv == pv))
            m.ack(li[quiet], f, tv[quiet])
            for i in np.flatnonzero(hard).tolist():
                j, t, p = int(li[i]), tv[i], pv[i]
                side = resolve.get((keys[j], f))
                if f == "notes" and side is None:
                    new = _merge_notes(p, t, sv[i])
                    if not t:
                        kept.setdefault(str(rows.file[r[i]]), []).append(int(rows.row[r[i]]))
                else:
                    c = Conflict(keys[j], f, _plain(f, p), _plain(f, t), str(rows.file[r[i]]),
                                 int(rows.row[r[i]]), side)
                    result.conflicts.append(c)
                    new = t if side == "tracker" else p
                    m.blocked[f][j] |= side is None
                if new != p:
                    m.p[f][j], m.changed[f][j] = new, True
                if side is not None or f == "notes":
                    m.ack(np.array([j]), f, np.array([t], object))
    for name, nums in kept.items():
        result.warnings.append(f"{name}: row(s) {', '.join(map(str, sorted(nums)))}: Notes "
                               "cleared in the tracker; the project keeps its notes")


def _file_events(state: _State, rows: _Rows, pos: np.ndarray, n_files: int,
                 fixed: int | None, latest: int | None) -> list[int | None]:
    """The event of each file: the given one, else that of its matched targets, else latest."""
    if fixed is not None:
        return [fixed] * n_files
    out = []
    ev = state.col["event_id"]
    for i in range(n_files):
        hit = pos[(rows.file_idx == i) & (pos >= 0)]
        counts = Counter(ev[p] for p in hit.tolist() if ev[p] is not None)
        out.append(counts.most_common(1)[0][0] if counts else latest)
    return out


def _looks_like_person(name: str | None, email: str | None) -> bool:
    if email and "@" in email:
        return True
    return bool(name) and any(c.isalpha() for c in name) and name.casefold() not in _NOT_A_PERSON


def _row_name(rows: _Rows, i: int) -> str | None:
    v = rows.vals
    return v["full_name"][i] or " ".join(x for x in (v["first_name"][i], v["last_name"][i]) if x) \
        or None


def _match_ids(state: _State, rows: _Rows, unmatched: dict[int, str]) -> np.ndarray:
    """Target position per row by the hidden Target ID (-1: none)."""
    pos = np.full(len(rows.row), -1, np.int64)
    by_key = state.by_key
    for i, k in enumerate(rows.vals["target_id"].tolist()):
        if k:
            p = by_key.get(k.upper())
            if p is None:
                unmatched[i] = f"Target ID {k} is not in this project"
            else:
                pos[i] = p
    return pos


def _match_emails(state: _State, rows: _Rows, pos: np.ndarray, events: list[int | None],
                  unmatched: dict[int, str]) -> list[int]:
    """Match the rest by email among the event's targets; return the booth candidates."""
    candidates = []
    for i in np.flatnonzero(pos < 0).tolist():
        ev, email = events[rows.file_idx[i]], rows.vals["email"][i]
        if email and ev is not None:
            p = state.emails(ev).get(email.strip().casefold())
            if p is not None:
                pos[i] = p
                unmatched.pop(i, None)
                continue
        if i in unmatched:
            continue
        if _looks_like_person(_row_name(rows, i), email):
            candidates.append(i)
        else:
            unmatched[i] = "no Target ID, name or email: cannot tell who this row is about"
    return candidates


def _people_of(project: Project, column: str, values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for a in range(0, len(values), 500):
        chunk = values[a:a + 500]
        sql = f"SELECT {column}, id FROM people WHERE {column} IN ({','.join('?' * len(chunk))})"
        for v, pid in project.conn.execute(sql + " ORDER BY id", chunk):
            out.setdefault(v, pid)
    return out


@dataclass
class _NewTarget:
    """A person a rep added at the bottom of a tracker, to become a target."""

    row: int  # index into _Rows
    event_id: int
    person_id: int | None  # existing person, or None: create from ``person``
    person: dict[str, Any]
    rep: str | None
    notes: list[str]


def _booth(project: Project, state: _State, rows: _Rows, cands: list[int],
           events: list[int | None], pos: np.ndarray, unmatched: dict[int, str],
           file_reps: list[str | None], warnings: list[str]) -> list[_NewTarget]:
    """Match booth rows by cleaned email/name; the rest become new targets (deduplicated)."""
    if not cands:
        return []
    from gtmplanner.core import records  # heavy imports only when people are added

    v = rows.vals
    df = pd.DataFrame({f: pd.Series(v[f][cands], dtype=object) for f in
                       ("full_name", "first_name", "last_name", "email", "company", "phone",
                        "title")})
    cleaned = records.clean_people(df, pd.Series(rows.row[cands]))
    out = cleaned.frame
    emails = [e for e in out["email"].tolist() if isinstance(e, str)]
    by_email = _people_of(project, "email", sorted(set(emails)))
    names = [k for k, e in zip(out["name_key"].tolist(), out["email"].tolist(), strict=True)
             if isinstance(k, str) and not isinstance(e, str)]
    by_name = _people_of(project, "name_key", sorted(set(names)))
    new: dict[tuple[int, str], _NewTarget] = {}
    for j, i in enumerate(cands):
        ev, where = events[rows.file_idx[i]], f"{rows.file[i]} row {rows.row[i]}"
        email, nk, company = (out[c].iloc[j] for c in ("email", "name_key", "company_key"))
        email = email if isinstance(email, str) else None
        nk = nk if isinstance(nk, str) else None
        if v["email"][i] and email is None:
            warnings.append(f"{where}: email {v['email'][i]!r} is not valid; the person is "
                            "matched or added without it")
        if ev is None:
            unmatched[i] = "the project has no event to add this person to"
            continue
        if email is None and nk is None:
            unmatched[i] = "no name or email that identifies a person"
            continue
        p = state.emails(ev).get(email) if email else None
        if p is None and email is None:
            full, short = state.names(ev)
            p = full.get(nk) if isinstance(company, str) else short.get(nk.rsplit("|", 1)[0])
        pid = by_email.get(email) if email else by_name.get(nk)
        if p is None and pid is not None:
            p = state.pairs.get((ev, pid))
        if p is not None:
            pos[i] = p
            continue
        ident = (ev, f"e:{email}" if email else f"p:{pid}" if pid else f"n:{nk}")
        note = v["notes"][i]
        if ident in new:
            first = new[ident]
            if note and note not in first.notes:
                first.notes.append(note)
            warnings.append(f"{where}: the same person as {rows.file[first.row]} row "
                            f"{rows.row[first.row]}; added once")
            continue
        rep = v["rep"][i] or file_reps[rows.file_idx[i]]
        if rep is None:
            warnings.append(f"{where}: no Rep and no rep for this file; added without a rep")
        person = {c: out[c].iloc[j] for c in ("first_name", "last_name", "full_name", "email",
                                              "phone", "title", "company", "company_key",
                                              "name_key", "domain")}
        person = {c: (x if isinstance(x, str) else None) for c, x in person.items()}
        new[ident] = _NewTarget(i, ev, pid, person, rep, [note] if note else [])
    return list(new.values())


def _insert_new(project: Project, state: _State, rows: _Rows, new: list[_NewTarget],
                stamp: str, today: str, write: bool) -> list[dict[str, Any]]:
    """Create people, event links and targets for booth rows; return the ``added`` records."""
    conn, v = project.conn, rows.vals
    next_pid = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM people").fetchone()[0]) + 1
    numbers = [int(k[1:]) for k in state.by_key if k[:1] == "T" and k[1:].isdigit()]
    next_tid = max([0, *numbers, *(i for i in state.col["id"] if i is not None)]) + 1
    people, links, targets, added = [], [], [], []
    for nt in new:
        i = nt.row
        new_person = nt.person_id is None
        if new_person:
            nt.person_id, next_pid = next_pid, next_pid + 1
            people.append((nt.person_id, *nt.person.values(), f"tracker:{nt.rep or 'unknown'}",
                           stamp))
        links.append((nt.event_id, nt.person_id))
        tid, next_tid = next_tid, next_tid + 1
        key = f"T{tid:06d}"
        status = v["status"][i] if rows.has["status"][i] and v["status"][i] else DEFAULT_STATUS
        touches = int(v["touches"][i]) if rows.has["touches"][i] and v["touches"][i] else 0
        last = (v["last_touch_date"][i] or None) if rows.has["last_touch_date"][i] else None
        notes = NOTE_SEPARATOR.join(nt.notes) or None
        snap = {"status": status, "touches": touches, "last_touch_date": last,
                "next_step": v["next_step"][i] or None, "notes": v["notes"][i] or None,
                "rep": nt.rep}
        first = (last or today) if status != DEFAULT_STATUS else None
        targets.append((tid, key, nt.event_id, nt.person_id, nt.rep,
                        f"added by the rep in {rows.file[i]} row {rows.row[i]}", 1, status,
                        touches, last, snap["next_step"], notes, first, json.dumps(snap),
                        stamp, stamp))
        added.append({"file": str(rows.file[i]), "row": int(rows.row[i]),
                      "name": nt.person["full_name"], "email": nt.person["email"],
                      "rep": nt.rep, "target_id": key, "new_person": new_person})
    if write and new:
        cols = ("id", *new[0].person.keys(), "source", "updated_at")
        conn.executemany(f"INSERT INTO people ({', '.join(cols)}) VALUES "
                         f"({', '.join('?' * len(cols))})", people)
        conn.executemany("INSERT INTO event_people (event_id, person_id, attended) VALUES (?,?,1)"
                         " ON CONFLICT(event_id, person_id) DO UPDATE SET attended = 1", links)
        conn.executemany(
            "INSERT INTO targets (id, target_key, event_id, person_id, rep, rep_reason,"
            " rep_locked, status, touches, last_touch_date, next_step, notes, first_touch_date,"
            " export_snapshot, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            targets)
    return added


def _rep_warnings(m: _Merge, rows: _Rows, ridx: np.ndarray, lis: np.ndarray,
                  warnings: list[str]) -> None:
    """Say (once per file) that Rep edits are not synced: reassignment happens in the app."""
    counts: Counter[str] = Counter()
    for r, li in zip(ridx.tolist(), lis.tolist(), strict=True):
        t = rows.vals["rep"][r]
        if t and rows.has["rep"][r]:
            exported = (m.snap[li] or {}).get("rep", m.raw["rep"][li])
            if t != exported and t != m.raw["rep"][li]:
                counts[str(rows.file[r])] += 1
    for f, n in counts.items():
        warnings.append(f"{f}: {n} row(s) show another Rep than the project; reassignments are "
                        "not synced (change the rep in the app)")


def sync_trackers(
    project: Project,
    files: Sequence[str | Path],
    *,
    event: str | None = None,
    resolve: Mapping[tuple[str, str], str] | None = None,
    dry_run: bool = False,
    progress: Progress = noop,
) -> SyncResult:
    """Merge filled-in trackers into the project (see the module docstring for the rules).

    Args:
        project: the open project.
        files: tracker files (xlsx/xls/ods/csv) as reps sent them back.
        event: event for email matching and booth people; default: the event of
            each file's matched targets, else the latest event.
        resolve: ``{(target_id, field): "tracker" | "project"}`` for conflicts.
        dry_run: compute the result without writing anything.
        progress: ``progress(fraction, message)``.

    Raises:
        ImportFileError: a file cannot be read or is not a tracker (nothing is written).
        UsageError: unknown event or a bad ``resolve`` entry.
    """
    t0 = time.perf_counter()
    paths = [Path(f) for f in files]
    if not paths:
        raise UsageError("no tracker files to sync")
    choices = _resolutions(resolve)
    result = SyncResult(files=[str(p) for p in paths], dry_run=dry_run)
    trackers = []
    for n, path in enumerate(paths):
        progress(0.6 * n / len(paths), f"Reading {path.name}")
        trackers.append(_load(path))
        result.warnings.extend(trackers[-1].warnings)
    rows = _Rows.of(trackers)
    result.rows_read = len(rows.row)
    progress(0.6, "Matching rows")
    with contextlib.nullcontext() if dry_run else project.transaction():
        fixed = None
        if event:
            ev = project.event(event)
            if ev is None:
                names = ", ".join(e["name"] for e in project.events()) or "none yet"
                raise UsageError(f"no event called '{event}' (events: {names})")
            fixed = int(ev["id"])
        latest = project.event(None)
        state = _State(project)
        unmatched: dict[int, str] = {}
        pos = _match_ids(state, rows, unmatched)
        events = _file_events(state, rows, pos, len(trackers), fixed,
                              int(latest["id"]) if latest else None)
        cands = _match_emails(state, rows, pos, events, unmatched)
        file_reps = []
        for n, t in enumerate(trackers):
            hit = pos[(rows.file_idx == n) & (pos >= 0)].tolist()
            counts = Counter(state.col["rep"][p] for p in hit if state.col["rep"][p])
            file_reps.append(t.rep or (counts.most_common(1)[0][0] if counts else None))
            other = sum(state.col["event_id"][p] != fixed for p in hit) if fixed else 0
            if other:
                result.warnings.append(f"{t.path.name}: {other} row(s) are targets of another "
                                       "event; synced by their Target ID")
        new = _booth(project, state, rows, cands, events, pos, unmatched, file_reps,
                     result.warnings)
        progress(0.75, "Merging")
        ridx = np.flatnonzero(pos >= 0)
        uniq, lis = np.unique(pos[ridx], return_inverse=True)
        m = _Merge(state, uniq)
        keys = [str(state.col["target_key"][p]).strip().upper() for p in uniq.tolist()]
        _merge(m, rows, ridx, lis.astype(np.int64), keys, choices, result)
        _rep_warnings(m, rows, ridx, lis, result.warnings)
        changed = np.zeros(len(uniq), bool)
        for f in SYNC_FIELDS:
            changed |= m.changed[f]
        result.updated = int(changed.sum())
        result.unchanged = len(uniq) - result.updated
        stamp, today = now_iso(), dt.date.today().isoformat()
        col, updates = state.col, []
        touched = set(np.flatnonzero(changed).tolist())
        for f in SYNC_FIELDS:
            touched.update(m.acks[f])
        for li in sorted(touched):
            p = int(uniq[li])
            snap = m.new_snapshot(li)
            if not changed[li] and snap is None:
                continue
            vals = [_plain(f, m.p[f][li]) if m.changed[f][li] else m.raw[f][li]
                    for f in SYNC_FIELDS]
            first = col["first_touch_date"][p]
            if m.changed["status"][li] and m.p["status"][li] != DEFAULT_STATUS and not first:
                first = m.p["last_touch_date"][li] or today
            updates.append((*vals, first, col["export_snapshot"][p] if snap is None else snap,
                            stamp if changed[li] else col["updated_at"][p], col["id"][p]))
        result.added = _insert_new(project, state, rows, new, stamp, today, not dry_run)
        if not dry_run:
            progress(0.9, "Saving")
            project.conn.executemany(
                "UPDATE targets SET status=?, touches=?, last_touch_date=?, next_step=?, notes=?,"
                " first_touch_date=?, export_snapshot=?, updated_at=? WHERE id=?", updates)
    result.unmatched = [{"file": str(rows.file[i]), "row": int(rows.row[i]), "reason": why}
                        for i, why in sorted(unmatched.items())]
    result.elapsed_seconds = round(time.perf_counter() - t0, 3)
    progress(1.0, f"Synced {len(paths)} file(s)")
    return result
