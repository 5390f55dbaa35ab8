"""The quick filter: case-insensitive substring search over text columns, vectorised.

Each searched column is prepared once: a low-cardinality column (city, tier,
title...) as dictionary codes plus its lower-cased distinct values, so a search
scans the few distinct values and maps the hits back with one numpy take; a
high-cardinality column (email, name) as one lower-cased pyarrow array scanned
with ``pyarrow.compute.match_substring``. Several words must all match (each in
any column). Typing more letters only re-checks the rows that matched before.
No Qt here: the table model calls :meth:`QuickFilter.mask`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.ui.columns import TEXT, ColumnTable

DICTIONARY_RATIO = 0.3  # columns with fewer distinct values than this share use codes
PARALLEL_ROWS = 200_000  # scan big columns on two threads (pyarrow releases the GIL)
TAKE_RATIO = 0.25  # narrowing to fewer rows than this share copies them out; else scan all


@dataclass
class _Prepared:
    codes: np.ndarray | None  # int32 codes into ``lowered`` (dictionary columns), -1 = null
    lowered: pa.Array  # distinct values (dictionary) or every value, lower-cased


class QuickFilter:
    """Searches the text columns of a :class:`ColumnTable`."""

    def __init__(self, table: ColumnTable) -> None:
        self.table = table
        self._prepared: dict[str, _Prepared] = {}
        self._last: tuple[tuple[str, ...], tuple[str, ...], np.ndarray] | None = None
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="quickfilter")

    def prepare(self, names: Sequence[str], cancelled: Callable[[], bool] | None = None
                ) -> None:
        """Lower-case and encode ``names`` now, two columns at a time (pyarrow releases
        the GIL); a worker calls this ahead of time, after the table is shown.

        Safe alongside :meth:`mask` on another thread: a column prepared twice is just
        prepared twice.
        """
        todo = [n for n in names if n not in self._prepared]
        if len(todo) < 2:
            for name in todo:
                self._prepare(name)
            return
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="prepare") as pool:
            jobs = [pool.submit(lambda n=n: None if cancelled and cancelled()
                                else self._prepare(n)) for n in todo]
            for job in jobs:
                job.result()

    def prepared(self, name: str) -> bool:
        """True once column ``name`` is ready to search."""
        return name in self._prepared

    def _prepare(self, name: str) -> _Prepared | None:
        got = self._prepared.get(name)
        if got is not None:
            return got
        col = self.table.column(name)
        if col is None or col.kind != TEXT or col.values is None:
            return None
        values = col.values
        enc = pc.dictionary_encode(values)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        n_distinct = len(enc.dictionary)
        if len(values) and n_distinct <= DICTIONARY_RATIO * len(values):
            codes = enc.indices.to_numpy(zero_copy_only=False)
            codes = np.where(np.isnan(codes), -1, codes).astype(np.int32) \
                if codes.dtype.kind == "f" else codes.astype(np.int32)
            prep = _Prepared(codes, pc.utf8_lower(enc.dictionary))
        else:
            lowered = pc.utf8_lower(pc.fill_null(values, ""))
            if isinstance(lowered, pa.ChunkedArray):  # one buffer: takes of a few rows
                lowered = lowered.combine_chunks()
            prep = _Prepared(None, lowered)
        self._prepared[name] = prep
        return prep

    def mask(self, text: str, names: Sequence[str]) -> np.ndarray | None:
        """Rows (bool array) where every word of ``text`` occurs in one of ``names``.

        None means "no filter" (empty text or nothing to search).
        """
        words = tuple(sorted(set(text.casefold().split()), key=len, reverse=True))
        cols = tuple(n for n in names if self._prepare(n) is not None)
        if not words or not cols:
            self._last = None
            return None
        candidates: np.ndarray | None = None
        if self._last is not None and self._last[1] == cols:
            old_words, _, old_mask = self._last
            if all(any(o in w for w in words) for o in old_words):
                candidates = np.flatnonzero(old_mask)  # narrowing: re-check old hits only
        result = np.zeros(self.table.n_rows, dtype=bool)
        rows = candidates
        for word in words:
            hit = self._search(word, cols, rows)
            rows = hit
            if not len(rows):
                break
        if rows is not None:
            result[rows] = True
        self._last = (words, cols, result)
        return result

    def _search(self, word: str, cols: tuple[str, ...], rows: np.ndarray | None) -> np.ndarray:
        """Positions (sorted) among ``rows`` (or all rows) where ``word`` occurs."""
        n = self.table.n_rows if rows is None else len(rows)
        found = np.zeros(n, dtype=bool)
        big: list[_Prepared] = []
        for name in cols:
            prep = self._prepared[name]
            if prep.codes is not None:
                hit_u = np.asarray(pc.match_substring(prep.lowered, word)
                                   .to_numpy(zero_copy_only=False), dtype=bool)
                if not hit_u.any():
                    continue
                hit_u = np.append(hit_u, False)  # code -1 (missing) -> last slot: no hit
                codes = prep.codes if rows is None else prep.codes[rows]
                found |= hit_u[codes]
            else:
                big.append(prep)
        if big:
            for part in self._scan_big(big, word, rows):
                found |= part
        return np.flatnonzero(found) if rows is None else rows[found]

    def _scan_big(self, big: list[_Prepared], word: str,
                  rows: np.ndarray | None) -> list[np.ndarray]:
        def scan(arr: pa.Array) -> np.ndarray:
            return np.asarray(pc.match_substring(arr, word).to_numpy(zero_copy_only=False),
                              dtype=bool)
        subset = rows is not None and len(rows) < TAKE_RATIO * self.table.n_rows
        arrays = [p.lowered.take(pa.array(rows, pa.int64())) if subset else p.lowered
                  for p in big]
        total = sum(len(a) for a in arrays)
        if total < PARALLEL_ROWS:
            parts = [scan(a) for a in arrays]
        else:
            parts = self._scan_parallel(arrays, scan)
        if rows is not None and not subset:
            parts = [p[rows] for p in parts]
        return parts

    def _scan_parallel(self, arrays: list[pa.Array], scan: Callable[[pa.Array], np.ndarray]
                       ) -> list[np.ndarray]:
        # split every column in two halves so both cores work on every column
        jobs = []
        for a in arrays:
            half = len(a) // 2
            jobs.append((self._pool.submit(scan, a.slice(0, half)),
                         self._pool.submit(scan, a.slice(half))))
        return [np.concatenate([j0.result(), j1.result()]) for j0, j1 in jobs]
