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


def collapse(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """One row per identity (indexed by key, in order of first appearance); for each
    column the last non-empty value wins. Only duplicated keys pay for the groupby."""
    dup = key.duplicated(keep=False).to_numpy()
    if not dup.any():
        out = frame.copy(deep=False)  # the same columns under another index
        out.index = pd.Index(key.to_numpy(), name="_k")
        return out
    single = frame[~dup].copy()
    single.index = pd.Index(key[~dup].to_numpy(), name="_k")
    many = records.collapse_duplicates(frame[dup], key[dup])
    many.index.name = "_k"
    dkeys = key[dup]
    first_many = np.flatnonzero(dup)[~dkeys.duplicated(keep="first").to_numpy()]
    order = np.argsort(np.concatenate([np.flatnonzero(~dup), first_many]), kind="stable")
    return pd.concat([single, many]).iloc[order]


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
        self.lookup, self.name_only = _stored_lookup(writer, table)
        self.my_keys: list[pa.Array] = []   # keys of the records this import stored ...
        self.my_ids: list[np.ndarray] = []  # ... and their ids
        self.claimed: set[int] = set()     # earlier records this import merged into
        self.next_id = int(writer.rows(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0]) + 1
        self.rebuild: list[str] | None = None  # index SQL to recreate (decided on first add)
        self.imported = 0
        self.valid = 0

    # -- deciding ---------------------------------------------------------------------------
    def _match_earlier(self, collapsed: pd.DataFrame) -> pd.Series:
        """Id of the earlier import's record each collapsed record merges into (or NA)."""
        keys = pd.Series(collapsed.index, index=collapsed.index)
        if self.lookup is None:
            return pd.Series(pd.NA, index=collapsed.index, dtype="Int64")
        result = keys.map(self.lookup).astype("Int64")
        if self.name_only is not None and "name_key" in collapsed:
            # Identified by email here, stored under a name only there: the same person
            # (two different emails are two people, even with one name).
            miss = result.isna() & collapsed["name_key"].notna()
            if miss.any():
                alt = ("n:" + collapsed.loc[miss, "name_key"]).map(self.name_only)
                result[miss] = alt.astype("Int64")
        # Two records of this import must not merge into the same stored one.
        taken = result.notna() & (result.duplicated(keep="first")
                                  | result.isin(list(self.claimed)))
        result[taken] = pd.NA
        self.claimed.update(int(i) for i in result.dropna())
        return result

    def _mine(self, keys: pa.Array) -> np.ndarray:
        """Id of this import's earlier record with each key (-1: none)."""
        out = np.full(len(keys), -1, dtype=np.int64)
        if self.my_keys:
            prev = pa.concat_arrays(self.my_keys) if len(self.my_keys) > 1 else self.my_keys[0]
            pos = pc.fill_null(pc.index_in(keys, value_set=prev), -1).to_numpy()
            hit = pos >= 0
            if hit.any():
                out[hit] = np.concatenate(self.my_ids)[pos[hit]]
        return out

    def add(self, cleaned: records.Cleaned) -> Callable[[], None]:
        """Decide what happens to one slice's records; returns the job that writes them."""
        frame, key = cleaned.frame, cleaned.key
        if cleaned.rejected:
            keep = ~frame.index.isin(list(cleaned.rejected))
            frame, key = frame[keep], key[keep]
        self.valid += len(frame)
        collapsed = collapse(frame, key)
        keys = pa.array(collapsed.index.to_numpy(dtype=object), type=pa.string())
        ids = self._mine(keys)
        fresh = ids < 0
        is_earlier = np.zeros(len(ids), dtype=bool)
        if self.lookup is not None and fresh.any():
            found = self._match_earlier(collapsed[fresh] if not fresh.all() else collapsed)
            got = found.notna().to_numpy()
            where = np.flatnonzero(fresh)[got]
            ids[where] = found[got].to_numpy(dtype=np.int64)
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
        if "extra" in new.columns:
            new = new.assign(extra=_wrap_extra(new["extra"], self.import_id))
        # Columns with no value at all are not bound: every cell costs, even a NULL.
        cols = [c for c in new.columns if c in self.allowed and new[c].notna().any()]
        data = {"id": arrow_column(pd.Series(new_ids))}
        data.update({c: arrow_column(new[c]) for c in cols})
        n = len(new)
        if self.book:
            # first import = first id in sources; updated = that import's finished_at
            data["sources"] = arrow_column(pd.Series([str(self.import_id)] * n, dtype="string"))
            data["last_import_id"] = arrow_column(pd.Series(np.full(n, self.import_id)))
        elif self.table == "activities":
            data["import_id"] = arrow_column(pd.Series(np.full(n, self.import_id)))
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


def _wrap_extra(arrays: pd.Series, import_id: int) -> pd.Series:
    """'[...]' -> '{"<import id>":[...]}' (vectorised)."""
    return ('{"' + str(import_id) + '":' + arrays.astype("string") + "}")


def _drop_indexes(writer: Writer, table: str) -> list[str]:
    """Drop ``table``'s own indexes; returns the SQL that recreates them."""
    rows = writer.rows("SELECT name, sql FROM sqlite_master WHERE type='index' AND "
                       "tbl_name=? AND sql IS NOT NULL", (table,))
    for name, _sql in rows:
        writer.execute(f"DROP INDEX {name}")
    return [sql for _name, sql in rows]
