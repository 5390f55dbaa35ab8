"""Storing the cleaned rows of one import: match, merge, insert, in file order.

An import arrives as one or more consecutive slices of a file (the command line
normalises slice k+1 while slice k is written). Every slice goes through
:meth:`ImportStore.add`, which decides for each record, in order of first
appearance in the file:

* a record this import already stored (the same key earlier in the file) is
  merged into it: non-empty newer values win, as if the rows had been collapsed;
* otherwise a record stored by an earlier import (same key; for people also a
  namesake stored without an email) is merged into that, unless another record
  of this import already claimed it;
* otherwise it is new and gets the next id.

The decisions are made on the calling thread; ``add`` returns the writes as a
job that may run on another thread (one at a time, in order).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core import records
from gtmplanner.core.bulk_write import Writer, arrow_column, arrow_params

BULK_INDEX_ROWS = 20_000  # more new rows than this: drop the indexes, rebuild them once

__all__ = ["ImportStore", "BULK_INDEX_ROWS"]


def collapse(frame: pd.DataFrame, key: pd.Series) -> tuple[pd.DataFrame, pa.Array]:
    """One row per identity, in order of first appearance, and its key; for each
    column the last non-empty value wins. Only duplicated keys pay for the groupby."""
    keys = _arrow_keys(key)
    if pc.count_distinct(keys).as_py() == len(keys):  # no duplicates (the common case)
        out = frame.copy(deep=False)  # the same columns, numbered 0..n-1
        out.index = pd.RangeIndex(len(out))
        return out, keys
    dup = key.duplicated(keep=False).to_numpy()
    many = records.collapse_duplicates(frame[dup], key[dup])
    first_many = np.flatnonzero(dup)[~key[dup].duplicated(keep="first").to_numpy()]
    order = np.argsort(np.concatenate([np.flatnonzero(~dup), first_many]), kind="stable")
    out = pd.concat([frame[~dup], many], ignore_index=True).iloc[order]
    out.index = pd.RangeIndex(len(out))
    both = pa.concat_arrays([keys.filter(pa.array(~dup)), _arrow_keys(many.index)])
    return out, both.take(pa.array(order))


def _find(table: tuple[pa.Array, np.ndarray] | None, keys: pa.Array) -> np.ndarray:
    """The id stored under each key in ``table`` = (keys, ids); -1 where none."""
    out = np.full(len(keys), -1, dtype=np.int64)
    if table is not None and len(table[0]):
        pos = pc.fill_null(pc.index_in(keys, value_set=table[0]), -1).to_numpy(
            zero_copy_only=False)
        hit = pos >= 0
        out[hit] = table[1][pos[hit]]
    return out


def _as_table(lookup: pd.Series | None) -> tuple[pa.Array, np.ndarray] | None:
    if lookup is None:
        return None
    return _arrow_keys(lookup.index), lookup.to_numpy(dtype=np.int64)


def _arrow_keys(key: pd.Series | pd.Index) -> pa.Array:
    """Identity keys (never null here) as one Arrow string array, without Python objects."""
    try:
        arr = pa.array(key.array if isinstance(key, pd.Series) else key.array, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array(np.asarray(key, dtype=object), type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string())


def _stored_lookup(writer: Writer, table: str) -> tuple[pd.Series | None, pd.Series | None]:
    """Key -> id of the records already stored; for people also 'n:<name key>' -> id
    of those stored without an email (a person may be stored under a name only)."""
    if not writer.rows(f"SELECT EXISTS (SELECT 1 FROM {table})")[0][0]:
        return None, None
    name_only = None
    if table == "activities":
        stored = writer.frame(table, ["email", "type", "asset", "date"])
        skey = (stored["email"].fillna("") + "|" + stored["type"].fillna("") + "|"
                + stored["asset"].fillna("") + "|" + stored["date"].fillna(""))
        lk = pd.Series(stored.index, index=skey.to_numpy())
    elif table == "people":
        stored = writer.frame(table, ["email", "name_key"])
        lk = pd.concat([
            pd.Series(stored.index, index=("e:" + stored["email"]).to_numpy()),
            pd.Series(stored.index, index=("n:" + stored["name_key"]).to_numpy()),
        ])
        no_email = stored["email"].isna()
        name_only = pd.Series(stored.index[no_email],
                              index=("n:" + stored.loc[no_email, "name_key"]).to_numpy())
        name_only = name_only[name_only.index.notna() & ~name_only.index.duplicated()]
    elif table == "accounts":
        stored = writer.frame(table, ["domain", "company_key"])
        lk = pd.concat([
            pd.Series(stored.index, index=("d:" + stored["domain"]).to_numpy()),
            pd.Series(stored.index, index=("k:" + stored["company_key"]).to_numpy()),
        ])
    elif table == "opportunities":
        stored = writer.frame(table, ["external_id", "name", "account"])
        from gtmplanner.core import companies
        by_name = ("n:" + stored["name"].str.casefold() + "|"
                   + companies.company_key(stored["account"]).fillna(""))
        lk = pd.concat([
            pd.Series(stored.index, index=("x:" + stored["external_id"]).to_numpy()),
            pd.Series(stored.index, index=by_name.to_numpy()),
        ])
    else:  # reps
        stored = writer.frame(table, ["name"])
        lk = pd.Series(stored.index, index=("r:" + stored["name"].str.casefold()).to_numpy())
    lk = lk[lk.index.notna()]
    return lk[~lk.index.duplicated()], name_only


class ImportStore:
    """Writes the slices of one import into ``table`` through ``writer``."""

    def __init__(self, writer: Writer, table: str, import_id: int,
                 stamp: str, *, total_rows: int, event_id: int | None = None):
        self.writer = writer
        self.table = table
        self.import_id = import_id
        self.stamp = stamp
        self.total_rows = total_rows
        self.event_id = event_id
        self.allowed = {r[1] for r in writer.rows(f"PRAGMA table_info({table})")}
        self.book = table not in ("activities", "reps")  # sources / last_import_id kept
        lookup, name_only = _stored_lookup(writer, table)
        self.lookup, self.name_only = _as_table(lookup), _as_table(name_only)
        self.my_keys: list[pa.Array] = []   # keys of the records this import stored ...
        self.my_ids: list[np.ndarray] = []  # ... and their ids
        self.claimed: set[int] = set()     # earlier records this import merged into
        self.next_id = int(writer.rows(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0]) + 1
        self.rebuild: list[str] | None = None  # index SQL to recreate (decided on first add)
        self.imported = 0
        self.valid = 0

    # -- deciding ---------------------------------------------------------------------------
    def _match_earlier(self, collapsed: pd.DataFrame, keys: pa.Array) -> np.ndarray:
        """Id of the earlier import's record each collapsed record merges into (-1: none)."""
        ids = _find(self.lookup, keys)
        if self.name_only is not None and "name_key" in collapsed:
            # Identified by email here, stored under a name only there: the same person
            # (two different emails are two people, even with one name).
            name_key = collapsed["name_key"]
            miss = (ids < 0) & name_key.notna().to_numpy()
            if miss.any():
                ids[miss] = _find(self.name_only, _arrow_keys("n:" + name_key[miss]))
        # Two records of this import must not merge into the same stored one.
        found = ids >= 0
        taken = found & (pd.Series(ids).duplicated(keep="first").to_numpy()
                         | np.isin(ids, np.fromiter(self.claimed, np.int64)))
        ids[taken] = -1
        self.claimed.update(ids[ids >= 0].tolist())
        return ids

    def _mine(self, keys: pa.Array) -> np.ndarray:
        """Id of this import's earlier record with each key (-1: none)."""
        if not self.my_keys:
            return np.full(len(keys), -1, dtype=np.int64)
        prev = pa.concat_arrays(self.my_keys) if len(self.my_keys) > 1 else self.my_keys[0]
        return _find((prev, np.concatenate(self.my_ids)), keys)

    def add(self, cleaned: records.Cleaned) -> Callable[[], None]:
        """Decide what happens to one slice's records; returns the job that writes them."""
        frame, key = cleaned.frame, cleaned.key
        if cleaned.rejected:
            keep = ~frame.index.isin(list(cleaned.rejected))
            frame, key = frame[keep], key[keep]
        self.valid += len(frame)
        collapsed, keys = collapse(frame, key)
        ids = self._mine(keys)
        fresh = ids < 0
        is_earlier = np.zeros(len(ids), dtype=bool)
        if self.lookup is not None and fresh.any():
            everything = bool(fresh.all())
            found = self._match_earlier(collapsed if everything else collapsed[fresh],
                                        keys if everything else keys.filter(pa.array(fresh)))
            got = found >= 0
            where = np.flatnonzero(fresh)[got]
            ids[where] = found[got]
            is_earlier[where] = True
        is_new = ids < 0
        n_new = int(is_new.sum())
        new = collapsed if n_new == len(collapsed) else collapsed[is_new]
        new_ids = np.arange(self.next_id, self.next_id + n_new, dtype=np.int64)
        ids[is_new] = new_ids
        self.next_id += n_new
        self.my_keys.append(keys.filter(pa.array(is_new)) if n_new < len(keys) else keys)
        self.my_ids.append(new_ids)
        self.imported += n_new
        if self.rebuild is None:
            expected = n_new * self.total_rows / max(1, len(cleaned.frame))
            self.rebuild = (_drop_indexes(self.writer, self.table)
                            if expected > BULK_INDEX_ROWS else [])
        again = ~fresh  # the same key earlier in this file
        jobs: list[Callable[[], None]] = []
        if n_new:
            jobs.append(self._insert_job(new, new_ids))
        if is_earlier.any():
            jobs.append(self._update_job(collapsed[is_earlier], ids[is_earlier], book=self.book))
        if again.any():
            jobs.append(self._update_job(collapsed[again], ids[again], book=False))
        if self.event_id is not None:
            jobs.append(self._event_job(collapsed, ids))

        def run() -> None:
            for job in jobs:
                job()
        return run

    # -- writing ----------------------------------------------------------------------------
    def _insert_job(self, new: pd.DataFrame, new_ids: np.ndarray) -> Callable[[], None]:
        data = {"id": pa.array(new_ids, pa.int64())}
        for c in new.columns:
            if c not in self.allowed:
                continue
            arr = (_wrap_extra(new[c], self.import_id) if c == "extra"
                   else arrow_column(new[c]))
            # Columns with no value at all are not bound: every cell costs, even a NULL.
            if arr.null_count < len(arr):
                data[c] = arr
        n = len(new)
        if self.book:
            # first import = first id in sources; updated = that import's finished_at
            data["sources"] = pa.array(np.full(n, str(self.import_id)), pa.large_string())
            data["last_import_id"] = pa.array(np.full(n, self.import_id), pa.int64())
        elif self.table == "activities":
            data["import_id"] = pa.array(np.full(n, self.import_id), pa.int64())
        table = pa.table(data)
        return lambda: self.writer.ingest(self.table, table)

    def _update_job(self, old: pd.DataFrame, ids: np.ndarray, *, book: bool
                    ) -> Callable[[], None]:
        """Merge into stored records: a non-empty new value wins over the stored one."""
        cols = [c for c in old.columns if c in self.allowed and c != "extra"]
        sets = ", ".join(f"{c} = COALESCE(?, {c})" for c in cols)
        params: list[Any] = [old[c] for c in cols]
        n = len(old)
        imp = pd.Series([str(self.import_id)] * n, dtype="string")
        if book:
            sets += (", sources = CASE WHEN instr(',' || COALESCE(sources,'') || ',', ',' || ? "
                     "|| ',') > 0 THEN sources ELSE COALESCE(sources || ',', '') || ? END, "
                     "last_import_id = ?, updated_at = ?")
            params += [imp, imp, pd.Series(np.full(n, self.import_id)),
                       pd.Series([self.stamp] * n, dtype="string")]
        if "extra" in old.columns and "extra" in self.allowed:
            sets += (", extra = CASE WHEN ? IS NULL THEN extra ELSE "
                     "json_set(COALESCE(extra, '{}'), '$.\"' || ? || '\"', json(?)) END")
            params += [old["extra"], imp, old["extra"]]
        if not sets:
            return lambda: None
        params.append(pd.Series(ids))
        sql = f"UPDATE {self.table} SET {sets.lstrip(', ')} WHERE id = ?"
        table = arrow_params(params)
        return lambda: self.writer.executemany(sql, table)

    def _event_job(self, collapsed: pd.DataFrame, ids: np.ndarray) -> Callable[[], None]:
        n = len(collapsed)
        none = pd.Series([None] * n, dtype="string")
        reg = collapsed["registration_type"] if "registration_type" in collapsed else none
        att = collapsed["attended"] if "attended" in collapsed else pd.Series([pd.NA] * n,
                                                                              dtype="Int64")
        table = arrow_params([pd.Series(np.full(n, self.event_id)),
                              pd.Series(ids), reg, att,
                              pd.Series(np.full(n, self.import_id))])
        sql = ("INSERT INTO event_people(event_id, person_id, registration_type, attended,"
               " import_id) VALUES (?,?,?,?,?) ON CONFLICT(event_id, person_id) DO UPDATE SET"
               " registration_type=COALESCE(excluded.registration_type, registration_type),"
               " attended=COALESCE(excluded.attended, attended)")
        return lambda: self.writer.executemany(sql, table)

    def finish(self) -> None:
        """Recreate the indexes dropped for a big insert (sorted, once)."""
        for sql in self.rebuild or []:
            self.writer.execute(sql)


def _wrap_extra(arrays: pd.Series, import_id: int) -> pa.Array:
    """'[...]' -> '{"<import id>":[...]}' (vectorised; null stays null)."""
    arr = arrow_column(arrays)
    return pc.binary_join_element_wise(pa.scalar('{"' + str(import_id) + '":', arr.type), arr,
                                       pa.scalar("}", arr.type), pa.scalar("", arr.type))


def _drop_indexes(writer: Writer, table: str) -> list[str]:
    """Drop ``table``'s own indexes; returns the SQL that recreates them."""
    rows = writer.rows("SELECT name, sql FROM sqlite_master WHERE type='index' AND "
                       "tbl_name=? AND sql IS NOT NULL", (table,))
    for name, _sql in rows:
        writer.execute(f"DROP INDEX {name}")
    return [sql for _name, sql in rows]
