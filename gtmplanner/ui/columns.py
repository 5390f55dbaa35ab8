"""Columnar data behind the big tables: arrays, display text, sort keys.

A :class:`ColumnTable` holds one array per column (pyarrow for text, numpy for
numbers and flags) and knows how to turn a block of rows into display strings
in one vectorised step, and how to order rows with ``numpy.argsort`` on a sort
key made once per column. It never imports Qt, so a worker thread can build one
from a DataFrame or an Arrow table while the window stays responsive; the Qt model
(:mod:`gtmplanner.ui.table_model`) only indexes into what is prepared here.

A table may list columns it has not read yet (``lazy``): they show empty cells
until :meth:`ColumnTable.fill` brings their values (read when someone shows them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core.io.fields import field_label

TEXT, INT, FLOAT, BOOL = "text", "int", "float", "bool"
MONEY_COLUMNS = {"revenue", "amount", "account_revenue", "retarget_amount"}
COUNT_COLUMNS = {"employees", "account_employees"}
SORT_DICTIONARY_RATIO = 0.3  # text columns with fewer distinct values sort their dictionary
LABELS = {"full_name": "Name", "distance_mi": "Distance (mi)", "distance_km": "Distance (km)",
          "mql_status": "MQL", "account_name": "Account", "match_method": "Matched by",
          "match_confidence": "Match confidence", "target_rep": "Rep",
          "target_status": "Status", "retarget": "Re-target", "retarget_opp_name": "Cold deal",
          "geo_label": "Location", "engagement_score": "Engagement", "opp_class": "Deal class",
          "months_since_loss": "Months since loss", "person_name": "Name",
          "person_email": "Email", "person_company": "Company", "segment": "Segment"}


def column_label(name: str) -> str:
    """The header a person sees for column ``name``."""
    return LABELS.get(name) or field_label(name)


@dataclass
class Column:
    """One column: its values, how to show them and how to order them."""

    name: str
    label: str
    kind: str
    values: pa.Array | pa.ChunkedArray | np.ndarray | None  # None: not read yet
    formatter: Callable[[np.ndarray], np.ndarray] | None = None
    overlay: dict[int, tuple[str, Any]] = field(default_factory=dict)  # row -> (text, value)
    _sort_order: np.ndarray | None = field(default=None, repr=False)
    _n_valid: int = 0

    @property
    def is_number(self) -> bool:
        return self.kind in (INT, FLOAT)

    @property
    def loaded(self) -> bool:
        """False for a column listed but not read yet (its cells show empty)."""
        return self.values is not None

    def display(self, rows: np.ndarray) -> np.ndarray:
        """Display strings (object array) for ``rows`` (positions into the column)."""
        if self.values is None:
            return np.full(len(rows), "", dtype=object)
        out = self._display(rows)
        if self.overlay:
            keys = np.fromiter(self.overlay, dtype=np.int64, count=len(self.overlay))
            for i in np.flatnonzero(np.isin(rows, keys)):
                out[i] = self.overlay[int(rows[i])][0]
        return out

    def _display(self, rows: np.ndarray) -> np.ndarray:
        if self.kind == TEXT:
            out = _take_text(self.values, rows)
            missing = pd.isna(out)
            if missing.any():
                out[missing] = ""
            return out
        vals = self.values[rows]
        if self.kind == BOOL:
            return _BOOL_TEXT[vals + 1]
        assert self.formatter is not None
        return self.formatter(vals)

    def sort_order(self) -> tuple[np.ndarray, int]:
        """Row positions in ascending order (missing values last) and how many are not missing."""
        if self._sort_order is None:
            key, valid = self._sort_key()
            order = np.argsort(key, kind="stable")
            self._sort_order, self._n_valid = order, int(valid)
        return self._sort_order, self._n_valid

    def _sort_key(self) -> tuple[np.ndarray, int]:
        if self.kind == TEXT:
            # ranks of the lower-cased text, in Arrow (no Python string per row): few
            # distinct values are sorted once and mapped back, many are ranked directly
            lowered = pc.utf8_lower(self.values)
            enc = pc.dictionary_encode(lowered)
            if isinstance(enc, pa.ChunkedArray):
                enc = enc.combine_chunks()
            if len(enc.dictionary) <= SORT_DICTIONARY_RATIO * max(1, len(lowered)):
                order = pc.array_sort_indices(enc.dictionary).to_numpy()
                rank_of = np.empty(len(order), dtype=np.int64)
                rank_of[order] = np.arange(len(order), dtype=np.int64)
                codes = np.asarray(pc.fill_null(enc.indices, 0).to_numpy(
                    zero_copy_only=False), dtype=np.int64)
                key = rank_of[codes] if len(order) else codes
            else:
                rank = pc.rank(lowered, sort_keys="ascending", tiebreaker="dense")
                key = np.asarray(rank.to_numpy(zero_copy_only=False), dtype=np.int64)
            missing = ~np.asarray(pc.fill_null(pc.not_equal(self.values, ""), False)
                                  .to_numpy(zero_copy_only=False), dtype=bool)
            key[missing] = np.iinfo(np.int64).max
            return key, int((~missing).sum())
        if self.kind == BOOL:
            key = self.values.astype(np.int8)
            key = np.where(key < 0, 2, 1 - key)  # yes first, then no, missing last
            return key, int((self.values >= 0).sum())
        vals = np.asarray(self.values, dtype=np.float64)
        return vals, int((~np.isnan(vals)).sum())

    def ordered_rows(self, descending: bool) -> np.ndarray:
        """All row positions sorted by this column (missing values always last)."""
        order, n_valid = self.sort_order()
        if not descending:
            return order
        return np.concatenate([order[:n_valid][::-1], order[n_valid:]])


_BOOL_TEXT = np.array(["", "No", "Yes"], dtype=object)


def _take_text(values: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> np.ndarray:
    """``values[rows]`` as an object array (None where missing).

    A chunked array is taken from chunk by chunk: Arrow's own take on a chunked
    array joins every chunk first (a copy of the whole column per call).
    """
    if not isinstance(values, pa.ChunkedArray):
        return values.take(pa.array(rows, pa.int64())).to_numpy(zero_copy_only=False)
    starts = np.cumsum([0] + [len(c) for c in values.chunks])
    which = np.searchsorted(starts, rows, side="right") - 1
    out = np.empty(len(rows), dtype=object)
    for k in np.unique(which):
        sel = which == k
        part = values.chunk(int(k)).take(pa.array(rows[sel] - starts[k], pa.int64()))
        out[sel] = part.to_numpy(zero_copy_only=False)
    return out


def _placeholder(name: str) -> Column:
    """A column listed but not read yet."""
    return Column(name, column_label(name), TEXT, None)


def _number_formatter(name: str, values: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A block formatter for a numeric column, chosen once from its name and values."""
    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    integral = values.dtype.kind in "iu" or (len(finite) > 0 and bool(np.all(np.mod(
        finite[: 10_000], 1) == 0)))
    if name in MONEY_COLUMNS or name in COUNT_COLUMNS:
        spec = "{:,.0f}"
    elif name in ("latitude", "longitude"):
        spec = "{:.4f}"
    elif name.startswith("distance") or name.endswith("_months") or name.startswith("months"):
        spec = "{:,.1f}"
    elif "confidence" in name or name == "probability":
        spec = "{:.2f}"
    elif integral:
        spec = "{:.0f}"
    else:
        spec = "{:,.1f}"
    fmt = spec.format

    def format_block(vals: np.ndarray) -> np.ndarray:
        return np.array(["" if v != v else fmt(v) for v in vals.tolist()], dtype=object)
    return format_block


def _to_text_array(s: pd.Series) -> pa.Array:
    """A column as one contiguous pyarrow string array."""
    try:
        arr = pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = pa.array(s.astype("string"), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_null(arr.type):
        return pa.nulls(len(s), pa.string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string()) if not pa.types.is_dictionary(arr.type) else \
            pc.cast(arr.dictionary_decode(), pa.string())
    return arr


def _make_column(name: str, s: pd.Series) -> Column:
    label = column_label(name)
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        b = s.astype("boolean")
        vals = np.where(b.isna().to_numpy(), -1, b.fillna(False).to_numpy(dtype=bool)
                        .astype(np.int8)).astype(np.int8)
        return Column(name, label, BOOL, vals)
    if pd.api.types.is_numeric_dtype(dtype):
        vals = s.astype("float64").to_numpy(dtype=np.float64, na_value=np.nan) \
            if not isinstance(dtype, np.dtype) else s.to_numpy(dtype=np.float64)
        kind = INT if pd.api.types.is_integer_dtype(dtype) else FLOAT
        return Column(name, label, kind, vals, _number_formatter(name, vals))
    return Column(name, label, TEXT, _to_text_array(s))


def _make_arrow_column(name: str, arr: pa.Array | pa.ChunkedArray) -> Column:
    """A column straight from Arrow: numbers and flags to numpy, text stays Arrow (in
    the chunks it was read in: copying a million strings into one buffer buys nothing)."""
    label = column_label(name)
    if isinstance(arr, pa.ChunkedArray) and arr.num_chunks == 1:
        arr = arr.chunk(0)
    t = arr.type
    if pa.types.is_dictionary(t):
        arr, t = pc.cast(arr, t.value_type), t.value_type
    if pa.types.is_boolean(t):
        vals = np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False),
                          dtype=np.int8)
        if arr.null_count:
            vals[np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False), dtype=bool)] = -1
        return Column(name, label, BOOL, vals)
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        vals = np.asarray(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False),
                          dtype=np.float64)
        if arr.null_count and not pa.types.is_floating(t):
            vals = vals.copy()
            vals[np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False), dtype=bool)] = \
                np.nan
        kind = INT if pa.types.is_integer(t) else FLOAT
        return Column(name, label, kind, vals, _number_formatter(name, vals))
    if pa.types.is_null(t):
        return Column(name, label, TEXT, pa.nulls(len(arr), pa.string()))
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        arr = pc.cast(arr, pa.string())
    return Column(name, label, TEXT, arr)


class ColumnTable:
    """Columns prepared for display, sorting and filtering (built off the GUI thread)."""

    def __init__(self, frame: pd.DataFrame, *, columns: Sequence[str] | None = None,
                 labels: dict[str, str] | None = None) -> None:
        names = [c for c in (columns or frame.columns) if c in frame.columns]
        self.ids = frame.index.to_numpy()
        self.n_rows = len(frame)
        self._setup([_make_column(c, frame[c]) for c in names], labels)

    @classmethod
    def from_arrow(cls, table: pa.Table, *, index: str = "id",
                   columns: Sequence[str] | None = None,
                   labels: dict[str, str] | None = None) -> ColumnTable:
        """A table from Arrow columns (``index`` gives the record ids).

        ``columns`` is the full column list in order: names missing from ``table`` are
        listed but not read yet (empty until :meth:`fill`).
        """
        self = cls.__new__(cls)
        self.ids = table.column(index).to_numpy() if index in table.column_names else \
            np.arange(table.num_rows)
        self.n_rows = table.num_rows
        have = [c for c in table.column_names if c != index]
        order = list(dict.fromkeys([*(columns or have)]))
        self._setup([_make_arrow_column(c, table.column(c)) if c in have else _placeholder(c)
                     for c in order], labels)
        return self

    def _setup(self, columns: list[Column], labels: dict[str, str] | None) -> None:
        self.columns: list[Column] = columns
        self._labels = dict(labels or {})
        for col in self.columns:
            if col.name in self._labels:
                col.label = self._labels[col.name]
        self.names = [c.name for c in self.columns]
        self._pos = {c.name: i for i, c in enumerate(self.columns)}
        self.filter_index: Any = None  # a QuickFilter a loader prepared ahead of time

    def missing(self, names: Sequence[str] | None = None) -> list[str]:
        """Columns listed but not read yet (among ``names``, or all)."""
        cols = self.columns if names is None else [
            c for c in map(self.column, names) if c is not None]
        return [c.name for c in cols if not c.loaded]

    def fill(self, values: dict[str, pa.Array | pa.ChunkedArray | pd.Series]) -> list[str]:
        """Bring in the values of columns not read yet (aligned to the rows).

        Returns the names filled; columns already read are left as they are.
        """
        done = []
        for name, vals in values.items():
            i = self._pos.get(name, -1)
            if i < 0 or self.columns[i].loaded or len(vals) != self.n_rows:
                continue
            col = _make_column(name, vals) if isinstance(vals, pd.Series) else \
                _make_arrow_column(name, vals)
            col.label = self.columns[i].label
            col.overlay = self.columns[i].overlay
            self.columns[i] = col
            done.append(name)
        return done

    @classmethod
    def empty(cls) -> ColumnTable:
        """A table with no rows and no columns."""
        return cls(pd.DataFrame())

    def __len__(self) -> int:
        return self.n_rows

    def position(self, name: str) -> int:
        """Index of column ``name`` (-1 when absent)."""
        return self._pos.get(name, -1)

    def column(self, name: str) -> Column | None:
        """Column ``name`` or None."""
        i = self._pos.get(name, -1)
        return self.columns[i] if i >= 0 else None

    def text_columns(self) -> list[str]:
        """Names of the text columns read so far (what the quick filter searches)."""
        return [c.name for c in self.columns if c.kind == TEXT and c.loaded]

    def value(self, name: str, row: int) -> Any:
        """One raw value (row = position) as a Python object, None when missing."""
        col = self.column(name)
        if col is None:
            return None
        if row in col.overlay:
            return col.overlay[row][1]
        if col.values is None:
            return None
        if col.kind == TEXT:
            return col.values[row].as_py()
        v = col.values[row]
        if col.kind == BOOL:
            return None if v < 0 else bool(v)
        v = float(v)
        if math.isnan(v):
            return None
        return int(v) if col.kind == INT else v

    def row_dict(self, row: int) -> dict[str, Any]:
        """Every column read so far of one row (position) as a dict of Python values."""
        out = {c.name: self.value(c.name, row) for c in self.columns
               if c.loaded or row in c.overlay}
        out["id"] = self.ids[row].item() if hasattr(self.ids[row], "item") else self.ids[row]
        return out

    def patch(self, row: int, values: dict[str, Any]) -> None:
        """Show new values for one row (position) until the table is reloaded.

        Sorting and filtering keep using the loaded values; a reload brings them in line.
        """
        for name, value in values.items():
            col = self.column(name)
            if col is None:
                continue
            if value is None:
                text = ""
            elif col.kind == TEXT:
                text = str(value)
            elif col.kind == BOOL:
                text = "Yes" if value else "No"
            elif col.formatter is None:
                text = str(value)
            else:
                assert col.formatter is not None
                text = str(col.formatter(np.array([float(value)]))[0])
            col.overlay[int(row)] = (text, value)

    def positions_of(self, ids: Sequence[Any]) -> np.ndarray:
        """Row positions of the given ids (-1 for unknown ids)."""
        return pd.Index(self.ids).get_indexer(list(ids))
