"""Big writes that bind Arrow columns directly (no Python object per cell).

An import of 200,000 rows x 25 columns spends most of its store time turning
cells into Python objects and binding them one by one (``executemany``). ADBC's
SQLite driver binds straight from Arrow arrays in C, releases the GIL while it
does so, and is about three times faster; but it is a second connection, so a
write that uses it must do *all* its work on it, in one transaction.

:func:`write_session` opens such a session and yields a :class:`Writer`; when
the caller is already inside :meth:`Project.transaction` (or the driver is
missing) the same interface runs on the project's own sqlite3 connection, so
the caller's code is one path either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core.errors import ProjectBusyError, ProjectError

if TYPE_CHECKING:
    from gtmplanner.core.store import Project

__all__ = ["Writer", "write_session", "arrow_column", "arrow_params"]


class Writer(Protocol):
    """The writes one session can make (all inside one transaction)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def executemany(self, sql: str, params: pa.Table) -> None: ...

    def ingest(self, table: str, data: pa.Table) -> None: ...

    def frame(self, table: str, columns: list[str]) -> pd.DataFrame:
        """Committed-or-own rows of ``table`` (text columns), indexed by id."""
        ...


def arrow_column(s: pd.Series) -> pa.Array:
    """A column as the Arrow array SQLite should store: text, integers or reals.

    The same values :func:`gtmplanner.core.store.pylist` gives: dates as
    ``YYYY-MM-DD``, booleans as 0/1, NaN and NA as NULL.
    """
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        arr = pa.Array.from_pandas(s)
        if getattr(s.dtype, "tz", None) is None:  # a date's ISO text: the cast is 10x strftime
            return arr.cast(pa.date32()).cast(pa.large_string())
        return pc.strftime(arr, format="%Y-%m-%d").cast(pa.large_string())
    try:
        arr = pa.Array.from_pandas(s)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        from gtmplanner.core.store import pylist
        values = pylist(s)
        try:
            return _plain(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # Mixed types in one column: as text (the column's declared type turns
            # numbers back into numbers, as it does for text bound by sqlite3).
            return pa.array([None if v is None else str(int(v) if isinstance(v, bool) else v)
                             for v in values], pa.large_string())
    return _plain(arr)


def _plain(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_boolean(t) or pa.types.is_integer(t):
        return arr.cast(pa.int64())
    if pa.types.is_floating(t):
        arr = arr.cast(pa.float64())
        nan = pc.is_nan(arr)
        if pc.any(nan).as_py():
            arr = pc.if_else(nan, pa.scalar(None, pa.float64()), arr)
        return arr
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return pc.strftime(arr, format="%Y-%m-%d").cast(pa.large_string())
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return arr.cast(pa.large_string())
    if pa.types.is_null(t):
        return arr.cast(pa.large_string())
    if pa.types.is_dictionary(t):
        return _plain(arr.dictionary_decode())
    from gtmplanner.core.store import pylist
    return _plain(pa.array(pylist(pd.Series(arr.to_pylist(), dtype=object))))


def arrow_params(columns: Sequence[pd.Series]) -> pa.Table:
    """Positional statement parameters as an Arrow table (one column per ``?``)."""
    arrays = [arrow_column(c) for c in columns]
    return pa.Table.from_arrays(arrays, names=[f"p{i}" for i in range(len(arrays))])


class SqliteWriter:
    """The :class:`Writer` interface on the project's sqlite3 connection."""

    def __init__(self, project: Project):
        self.project = project
        self.conn: sqlite3.Connection = project.conn

    def frame(self, table: str, columns: list[str]) -> pd.DataFrame:
        return self.project.frame(table, columns)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, tuple(params))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def executemany(self, sql: str, params: pa.Table) -> None:
        if params.num_rows:
            self.conn.executemany(sql, zip(*(c.to_pylist() for c in params.columns),
                                           strict=True))

    def ingest(self, table: str, data: pa.Table) -> None:
        cols = ", ".join(data.column_names)
        marks = ", ".join("?" * data.num_columns)
        self.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", data)


class AdbcWriter:
    """The :class:`Writer` interface on an ADBC SQLite cursor (Arrow binding)."""

    def __init__(self, cursor: Any):
        self.cur = cursor

    def frame(self, table: str, columns: list[str]) -> pd.DataFrame:
        self.cur.execute(f"SELECT id, {', '.join(columns)} FROM {table}")
        got = self.cur.fetch_arrow_table()
        text = pa.table({c: got.column(c).cast(pa.string()) for c in columns})
        out = text.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
        out.index = pd.Index(got.column("id").to_numpy(), name="id")
        return out

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cur.execute(sql, tuple(params) if params else None)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cur.execute(sql, tuple(params) if params else None)
        return [tuple(r) for r in self.cur.fetchall()]

    def executemany(self, sql: str, params: pa.Table) -> None:
        if params.num_rows:
            self.cur.executemany(sql, params)

    def ingest(self, table: str, data: pa.Table) -> None:
        if data.num_rows:
            self.cur.adbc_ingest(table, data, mode="append")


def _busy(project: Project, exc: BaseException) -> ProjectBusyError | None:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return ProjectBusyError(
            f"{project.path.name}: the project is busy (another window or command is "
            "writing to it); try again in a moment")
    return None


def _rollback(cur: Any) -> None:
    try:
        cur.execute("ROLLBACK")
    except Exception:  # noqa: BLE001 - SQLite already rolled back (e.g. disk full)
        pass


@contextmanager
def write_session(project: Project, *, exclusive: bool = False) -> Iterator[Writer]:
    """One atomic write; on an Arrow-binding connection when that is safe.

    ``exclusive`` is the caller's promise that no other thread uses ``project``
    meanwhile (the command line's own process). ADBC's SQLite is a second copy of
    the library: while its session runs, the project's sqlite3 connection must not
    touch the file at all (no reads either: taking or dropping a lock there would
    drop this session's locks). Without the promise, inside the caller's
    transaction, or with another :class:`Project` open on the file in this
    process, the session runs on the project's own connection.
    """
    from gtmplanner.core.store import open_count
    try:
        import adbc_driver_sqlite.dbapi as adbc
    except ImportError:  # pragma: no cover - declared dependency
        adbc = None
    if (adbc is None or not exclusive or project._in_tx  # noqa: SLF001
            or open_count(project.path) != 1):
        with project.transaction():
            yield SqliteWriter(project)
        return
    try:
        conn = adbc.connect(str(project.path), autocommit=True)
    except Exception:  # noqa: BLE001 - the driver's library cannot load: the plain path
        conn = None
    if conn is None:
        with project.transaction():
            yield SqliteWriter(project)
        return
    try:
        cur = conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(project.timeout * 1000)}")
        # 16 MB: the pages of a big insert go to the file while the next slice is
        # normalised, not all at the commit (64 MB measured ~4% slower end to end).
        cur.execute("PRAGMA cache_size=-16384")
        try:
            cur.execute("BEGIN IMMEDIATE")
        except Exception as exc:  # noqa: BLE001 - the driver's own error classes
            raise (_busy(project, exc) or ProjectError(f"{project.path.name}: {exc}")) from exc
        try:
            yield AdbcWriter(cur)
        except BaseException:
            _rollback(cur)
            raise
        try:
            cur.execute("COMMIT")
        except Exception as exc:  # noqa: BLE001
            _rollback(cur)
            raise (_busy(project, exc) or ProjectError(f"{project.path.name}: {exc}")) from exc
        cur.close()
    finally:
        conn.close()
