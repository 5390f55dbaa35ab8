"""Import a file into a project: read -> map -> normalise -> dedupe -> store.

Two steps so the window can show what *will* happen before anything is written:
:func:`prepare_import` reads and maps the file and works out every reject and
warning (no writes); :func:`commit_import` stores the result in one
transaction. :func:`import_file` does both (the command line's path).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core import records
from gtmplanner.core.errors import GtmError, ImportFileError
from gtmplanner.core.io import mapping as mapping_mod
from gtmplanner.core.io.readers import RawTable, read_table
from gtmplanner.core.schema import KIND_TABLE
from gtmplanner.core.store import Project, now_iso, pylist

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


def _noop(_f: float, _m: str) -> None:
    return None


def _never() -> bool:
    return False


class ImportCancelled(GtmError):
    """The user cancelled the import; nothing was written."""


@dataclass
class PreparedImport:
    """Everything known about a file before it is written to the project."""

    path: Path
    kind: str
    event: str | None
    table: RawTable
    columns: list[mapping_mod.ColumnMapping]
    mapping: dict[str, str]            # source header -> field (mapped columns only)
    signature: str
    saved_mapping_used: bool
    cleaned: records.Cleaned
    rejected: list[dict[str, Any]]     # [{row, reason}]
    warnings: list[str]
    sha256: str
    size: int
    extra_columns: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.table.frame) + len(self.table.ragged_rows)


@dataclass
class ImportResult:
    """What an import did, in the shape ``import --json`` prints."""

    kind: str
    file: str
    rows_read: int
    rows_imported: int
    rows_merged: int
    rows_rejected: int
    mapping: dict[str, str]
    rejected: list[dict[str, Any]]
    warnings: list[str]
    already_imported: bool = False
    import_id: int | None = None
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    saved_mapping_used: bool = False
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 and size of a file (streamed)."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _check_kind(kind: str) -> None:
    if kind not in KIND_TABLE:
        raise GtmError(f"unknown kind '{kind}': use one of {', '.join(KIND_TABLE)}")


def prepare_import(project: Project | None, path: str | Path, kind: str, *,
                   event: str | None = None, sheet: str | None = None,
                   user_mapping: dict[str, str] | None = None,
                   progress: Progress = _noop, cancelled: Cancelled = _never) -> PreparedImport:
    """Read, map and normalise ``path`` without writing anything."""
    _check_kind(kind)
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if path.is_dir():
        raise ImportFileError(f"{path}: is a folder, not a file")
    sha, size = file_digest(path)
    progress(0.02, "reading")

    def scorer(cells: list[str]) -> float:
        return mapping_mod.header_score(cells, kind)

    table = read_table(path, sheet=sheet, header_scorer=scorer,
                       progress=lambda f, m: progress(0.02 + 0.3 * f, m), cancelled=cancelled)
    if cancelled():
        raise ImportCancelled("import cancelled; nothing was written")
    headers = [str(c) for c in table.frame.columns]
    signature = mapping_mod.header_signature(headers)
    saved = project.saved_mapping(signature) if project is not None else None
    if user_mapping:
        problems = mapping_mod.validate_user_mapping(user_mapping, kind, headers)
        if problems:
            raise GtmError(f"{path.name}: {problems[0]}")
    progress(0.35, "mapping columns")
    cols = mapping_mod.propose_mapping(table.frame, kind, saved=saved, user=user_mapping)
    mapping = {c.source: c.field for c in cols if c.field}
    extra_cols = [c.source for c in cols if not c.field]
    renamed = pd.DataFrame({f: table.frame[src] for src, f in mapping.items()},
                           index=table.frame.index)
    rows = pd.Series(table.source_rows, index=table.frame.index)
    progress(0.45, "normalising values")
    cleaned = records.CLEANERS[kind](renamed, rows)
    if extra_cols:
        cleaned.frame["extra"] = _extra_json(table.frame[extra_cols])
    if cancelled():
        raise ImportCancelled("import cancelled; nothing was written")
    rejected = [{"row": int(r), "reason": reason} for r, reason in table.ragged_rows]
    rejected += [{"row": int(rows.iloc[pos]), "reason": reason}
                 for pos, reason in sorted(cleaned.rejected.items())]
    rejected.sort(key=lambda r: r["row"])
    warnings = list(table.warnings) + [str(w) for w in cleaned.warnings]
    if not mapping:
        raise ImportFileError(f"{path.name}: none of the columns looks like {kind} data "
                              f"(headers: {', '.join(headers[:8])}); map them with --map")
    progress(0.6, "ready to store")
    return PreparedImport(path, kind, event, table, cols, mapping, signature,
                          bool(saved) and not user_mapping, cleaned, rejected, warnings, sha, size,
                          extra_cols)


def _extra_json(frame: pd.DataFrame) -> pd.Series:
    """Unmapped columns, kept compactly: one JSON array of the row's values per row.

    The column names are stored once, in ``imports.extra_columns``; :func:`commit_import`
    wraps each array as ``{"<import id>": [...]}`` so a record merged from several
    imports keeps every import's extras. Built column-wise with pyarrow kernels.
    """
    def lit(text: str) -> pa.Scalar:
        return pa.scalar(text, pa.large_string())

    parts: list[pa.Array] = []
    for col in frame.columns:
        arr = pa.array(frame[col].astype("string").array, type=pa.large_string(),
                       from_pandas=True)
        esc = arr
        for a, b in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"),
                     ("\t", "\\t")):
            esc = pc.replace_substring(esc, a, b)
        esc = pc.replace_substring_regex(esc, "[\x00-\x1f]", " ")
        item = pc.binary_join_element_wise(lit('"'), esc, lit('"'), lit(""))
        parts.append(pc.fill_null(item, lit("null")))
    joined = pc.binary_join_element_wise(*parts, lit(","))
    empty = ",".join(["null"] * len(parts))
    body = pc.binary_join_element_wise(lit("["), joined, lit("]"), lit(""))
    body = pc.if_else(pc.equal(joined, lit(empty)), pa.scalar(None, pa.large_string()), body)
    return pd.Series(body.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}
                                    .get), index=frame.index)


def _wrap_extra(arrays: pd.Series, import_id: int) -> pd.Series:
    """'[...]' -> '{"<import id>":[...]}' (vectorised)."""
    return ('{"' + str(import_id) + '":' + arrays.astype("string") + "}")


def extra_attributes(project: Project, table: str, record_id: int) -> dict[str, Any]:
    """The unmapped columns kept for one record, by their original header."""
    row = project.conn.execute(f"SELECT extra FROM {table} WHERE id = ?", (record_id,)).fetchone()
    if not row or not row[0]:
        return {}
    out: dict[str, Any] = {}
    for imp, values in json.loads(row[0]).items():
        cols = project.conn.execute("SELECT extra_columns FROM imports WHERE id = ?",
                                    (int(imp),)).fetchone()
        names = json.loads(cols[0]) if cols and cols[0] else []
        for name, value in zip(names, values, strict=False):
            if value is not None:
                out[name] = value
    return out


def commit_import(project: Project, prep: PreparedImport, *, save_mapping: bool = False,
                  progress: Progress = _noop, cancelled: Cancelled = _never) -> ImportResult:
    """Store a prepared import in one transaction and record it in ``imports``."""
    prev = project.conn.execute(
        "SELECT id, finished_at, rows_read FROM imports WHERE sha256=? AND kind=? AND "
        "COALESCE(event,'')=COALESCE(?, '') ORDER BY id DESC LIMIT 1",
        (prep.sha256, prep.kind, prep.event)).fetchone()
    base = dict(kind=prep.kind, file=str(prep.path), rows_read=prep.rows_read,
                mapping=prep.mapping, sheet=prep.table.sheet, encoding=prep.table.encoding,
                delimiter=prep.table.delimiter, header_row=prep.table.header_row,
                saved_mapping_used=prep.saved_mapping_used)
    if prev is not None:
        return ImportResult(**base, rows_imported=0, rows_merged=0, rows_rejected=0,
                            rejected=[], warnings=[], already_imported=True,
                            import_id=int(prev[0]),
                            message=f"{prep.path.name} was already imported on {prev[1]}; "
                                    "nothing changed")
    cleaned = prep.cleaned
    keep = ~cleaned.frame.index.isin(list(cleaned.rejected))
    frame = cleaned.frame[keep]
    key = cleaned.key[keep]
    n_valid = len(frame)
    collapsed = _collapse(frame, key)
    stamp = now_iso()
    table_name = KIND_TABLE[prep.kind]
    with project.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO imports (file_name, path, size, sha256, kind, sheet, event, mapping,"
            " signature, extra_columns, started_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (prep.path.name, str(prep.path.resolve()), prep.size, prep.sha256, prep.kind,
             prep.table.sheet, prep.event, json.dumps(prep.mapping), prep.signature,
             json.dumps(prep.extra_columns), stamp))
        import_id = int(cur.lastrowid or 0)
        progress(0.7, "matching existing records")
        existing = _existing_ids(project, table_name, collapsed)
        if cancelled():
            raise ImportCancelled("import cancelled; nothing was written")
        new = collapsed[existing.isna()]
        old = collapsed[existing.notna()]
        old_ids = existing[existing.notna()].astype("int64")
        progress(0.8, f"storing {len(new):,} new and updating {len(old):,} records")
        if table_name == "reps" and "attending" in new:
            new = new.assign(attending=new["attending"].astype("int64"))
        person_ids = _store(project, table_name, new, old, old_ids, import_id, stamp)
        if prep.kind == "roster" and prep.event:
            _attach_event(project, prep.event, person_ids, collapsed, import_id)
        rows_imported = len(new)
        rows_merged = n_valid - rows_imported
        conn.execute(
            "UPDATE imports SET rows_read=?, rows_imported=?, rows_merged=?, rows_rejected=?,"
            " warnings=?, rejected=?, finished_at=? WHERE id=?",
            (prep.rows_read, rows_imported, rows_merged, len(prep.rejected),
             json.dumps(prep.warnings), json.dumps(prep.rejected), now_iso(), import_id))
        if save_mapping:
            project.save_mapping(prep.signature, prep.kind, prep.mapping,
                                 [str(c) for c in prep.table.frame.columns])
        if cancelled():
            raise ImportCancelled("import cancelled; nothing was written")
    progress(1.0, "done")
    return ImportResult(**base, rows_imported=rows_imported, rows_merged=rows_merged,
                        rows_rejected=len(prep.rejected), rejected=prep.rejected,
                        warnings=prep.warnings, import_id=import_id,
                        message=f"{prep.path.name}: {rows_imported:,} new, {rows_merged:,} "
                                f"merged, {len(prep.rejected):,} rejected")


def _collapse(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """One row per identity (indexed by key); only duplicated keys pay for the groupby."""
    dup = key.duplicated(keep=False).to_numpy()
    if not dup.any():
        out = frame.copy()
        out.index = pd.Index(key.to_numpy(), name="_k")
        return out
    single = frame[~dup].copy()
    single.index = pd.Index(key[~dup].to_numpy(), name="_k")
    many = records.collapse_duplicates(frame[dup], key[dup])
    many.index.name = "_k"
    return pd.concat([single, many])


def _existing_ids(project: Project, table: str, collapsed: pd.DataFrame) -> pd.Series:
    """For each collapsed record, the id of the stored record it merges into (or NA)."""
    keys = pd.Series(collapsed.index, index=collapsed.index)
    result = pd.Series(pd.NA, index=collapsed.index, dtype="Int64")
    if project.count(table) == 0 or table == "activities":
        if table == "activities" and project.count(table):
            stored = project.frame(table, ["email", "type", "asset", "date"])
            skey = (stored["email"].fillna("") + "|" + stored["type"].fillna("") + "|"
                    + stored["asset"].fillna("") + "|" + stored["date"].fillna(""))
            lookup = pd.Series(stored.index, index=skey.to_numpy())
            lookup = lookup[~lookup.index.duplicated()]
            result = keys.map(lookup).astype("Int64")
        return result
    if table == "people":
        stored = project.frame(table, ["email", "name_key"])
        lk = pd.concat([
            pd.Series(stored.index, index=("e:" + stored["email"]).to_numpy()),
            pd.Series(stored.index, index=("n:" + stored["name_key"]).to_numpy()),
        ])
    elif table == "accounts":
        stored = project.frame(table, ["domain", "company_key"])
        lk = pd.concat([
            pd.Series(stored.index, index=("d:" + stored["domain"]).to_numpy()),
            pd.Series(stored.index, index=("k:" + stored["company_key"]).to_numpy()),
        ])
    elif table == "opportunities":
        stored = project.frame(table, ["external_id", "name", "account"])
        from gtmplanner.core import companies
        by_name = ("n:" + stored["name"].str.casefold() + "|"
                   + companies.company_key(stored["account"]).fillna(""))
        lk = pd.concat([
            pd.Series(stored.index, index=("x:" + stored["external_id"]).to_numpy()),
            pd.Series(stored.index, index=by_name.to_numpy()),
        ])
    else:  # reps
        stored = project.frame(table, ["name"])
        lk = pd.Series(stored.index, index=("r:" + stored["name"].str.casefold()).to_numpy())
    lk = lk[lk.index.notna()]
    lk = lk[~lk.index.duplicated()]
    result = keys.map(lk).astype("Int64")
    if table == "people" and "name_key" in collapsed:
        # A person identified by email may already be stored under name only (a record
        # without an email); two different emails are two people, even with one name.
        miss = result.isna() & collapsed["name_key"].notna()
        if miss.any():
            no_email = stored["email"].isna()
            by_name = pd.Series(stored.index[no_email],
                                index=("n:" + stored.loc[no_email, "name_key"]).to_numpy())
            by_name = by_name[by_name.index.notna() & ~by_name.index.duplicated()]
            alt = ("n:" + collapsed.loc[miss, "name_key"]).map(by_name)
            result[miss] = alt.astype("Int64")
    # Two incoming records must not merge into the same stored one twice.
    dup = result.notna() & result.duplicated(keep="first")
    result[dup] = pd.NA
    return result


def _store(project: Project, table: str, new: pd.DataFrame, old: pd.DataFrame,
           old_ids: pd.Series, import_id: int, stamp: str) -> pd.Series:
    """Insert new records and merge updates; returns the stored id per collapsed key."""
    allowed = set(project.columns(table))
    conn = project.conn
    ids = pd.Series(pd.NA, index=pd.Index(list(new.index) + list(old.index)), dtype="Int64")
    book = table != "activities" and table != "reps"
    if len(new):
        if "extra" in new.columns:
            new = new.assign(extra=_wrap_extra(new["extra"], import_id))
        # Columns with no value at all are not bound: every cell costs, even a NULL.
        cols = [c for c in new.columns if c in allowed and new[c].notna().any()]
        data = [pylist(new[c]) for c in cols]
        extra_cols: list[str] = []
        if book:
            # first import = first id in sources; updated = that import's finished_at
            extra_cols = ["sources", "last_import_id"]
            n = len(new)
            data += [[str(import_id)] * n, [import_id] * n]
        elif table == "activities":
            extra_cols = ["import_id"]
            data += [[import_id] * len(new)]
        all_cols = cols + extra_cols
        start = int(conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1
        new_ids = list(range(start, start + len(new)))
        # A big insert is cheaper with the indexes rebuilt once afterwards (sorted) than
        # maintained row by row; DDL is transactional, so a failure restores them.
        rebuild = _drop_indexes(conn, table) if len(new) > BULK_INDEX_ROWS else []
        conn.executemany(
            f"INSERT INTO {table} (id, {', '.join(all_cols)}) VALUES "
            f"({', '.join('?' * (len(all_cols) + 1))})",
            zip(new_ids, *data, strict=True))
        for sql in rebuild:
            conn.execute(sql)
        ids.iloc[: len(new)] = new_ids
    if len(old):
        cols = [c for c in old.columns if c in allowed and c != "extra"]
        sets = ", ".join(f"{c} = COALESCE(?, {c})" for c in cols)
        data = [pylist(old[c]) for c in cols]
        if book:
            sets += (", sources = CASE WHEN instr(',' || COALESCE(sources,'') || ',', ',' || ? "
                     "|| ',') > 0 THEN sources ELSE COALESCE(sources || ',', '') || ? END, "
                     "last_import_id = ?, updated_at = ?")
            n = len(old)
            data += [[str(import_id)] * n, [str(import_id)] * n, [import_id] * n, [stamp] * n]
        if "extra" in old.columns and "extra" in allowed:
            sets += (", extra = CASE WHEN ? IS NULL THEN extra ELSE "
                     "json_set(COALESCE(extra, '{}'), '$.\"' || ? || '\"', json(?)) END")
            ex = pylist(old["extra"])
            data += [ex, [str(import_id)] * len(ex), ex]
        id_list = [int(i) for i in old_ids.to_numpy()]
        conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?",
                         zip(*data, id_list, strict=True))
        ids.iloc[len(new):] = id_list
    return ids


BULK_INDEX_ROWS = 20_000


def _drop_indexes(conn: Any, table: str) -> list[str]:
    """Drop ``table``'s own indexes; returns the SQL that recreates them."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND "
                        "tbl_name=? AND sql IS NOT NULL", (table,)).fetchall()
    for name, _sql in rows:
        conn.execute(f"DROP INDEX {name}")
    return [sql for _name, sql in rows]


def _attach_event(project: Project, event: str, person_ids: pd.Series, collapsed: pd.DataFrame,
                  import_id: int) -> None:
    event_id = project.ensure_event(event)
    reg = collapsed["registration_type"] if "registration_type" in collapsed else None
    att = collapsed["attended"] if "attended" in collapsed else None
    pid = person_ids.reindex(collapsed.index)
    rows = zip([event_id] * len(pid), [int(x) for x in pid.to_numpy()],
               pylist(reg) if reg is not None else [None] * len(pid),
               pylist(att) if att is not None else [None] * len(pid),
               [import_id] * len(pid), strict=True)
    project.conn.executemany(
        "INSERT INTO event_people(event_id, person_id, registration_type, attended, import_id)"
        " VALUES (?,?,?,?,?) ON CONFLICT(event_id, person_id) DO UPDATE SET"
        " registration_type=COALESCE(excluded.registration_type, registration_type),"
        " attended=COALESCE(excluded.attended, attended)", rows)


def import_file(project: Project, path: str | Path, kind: str, *, event: str | None = None,
                sheet: str | None = None, user_mapping: dict[str, str] | None = None,
                progress: Progress = _noop, cancelled: Cancelled = _never) -> ImportResult:
    """Read, map, normalise, dedupe and store ``path`` as ``kind`` in one transaction."""
    prep = prepare_import(project, path, kind, event=event, sheet=sheet,
                          user_mapping=user_mapping, progress=progress, cancelled=cancelled)
    return commit_import(project, prep, save_mapping=bool(user_mapping), progress=progress,
                         cancelled=cancelled)


__all__ = ["ImportResult", "PreparedImport", "prepare_import", "commit_import", "import_file",
           "ImportCancelled", "extra_attributes"]
