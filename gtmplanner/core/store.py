"""The project file (``.gtmp``): one SQLite database, opened, migrated and queried here.

Every write goes through :meth:`Project.transaction`, so an import, a re-score or
a sync either lands whole or not at all (a crash or ``kill -9`` mid-way leaves
the project as it was). Bulk writes use one ``executemany`` per table inside
that transaction; reads for analysis come back as pandas DataFrames.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from gtmplanner import __version__
from gtmplanner.core.errors import ProjectBusyError, ProjectError
from gtmplanner.core.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_S = 5.0
# New projects use 16 KB pages (SQLite's default is 4 KB): a 200k-row import writes
# and commits ~10% faster (fewer, fuller B-tree pages); existing files keep theirs.
PAGE_SIZE = 16384

# Open projects per resolved file path, in this process. A write through a second
# SQLite library (ADBC's) is only safe when nothing else in the process has the file
# open through Python's sqlite3: POSIX locks are per process, so two libraries in
# one process do not see each other's locks (sqlite.org/howtocorrupt.html, 2.2).
_OPEN: dict[str, int] = {}
_OPEN_LOCK = threading.Lock()


def open_count(path: Path) -> int:
    """How many :class:`Project` objects of this process have ``path`` open."""
    with _OPEN_LOCK:
        return _OPEN.get(str(path.resolve()), 0)


def now_iso() -> str:
    """The current local time as an ISO string (seconds)."""
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


def pylist(values: pd.Series | np.ndarray | Sequence[Any]) -> list[Any]:
    """Turn a column into a Python list with ``None`` for every missing value.

    Dates become ISO strings and numpy scalars plain Python numbers, so the
    list can be bound straight into SQLite.
    """
    if isinstance(values, pd.Series):
        s = values
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out = s.dt.strftime("%Y-%m-%d").astype(object)
            return out.where(s.notna(), None).tolist()
        if pd.api.types.is_bool_dtype(s.dtype) and not isinstance(s.dtype, np.dtype):
            return [None if v is pd.NA else int(v) for v in s.tolist()]
        try:
            arr = pa.Array.from_pandas(s)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            return [None if _isna(v) else v for v in s.tolist()]
        if pa.types.is_boolean(arr.type):
            return [None if v is None else int(v) for v in arr.to_pylist()]
        if pa.types.is_date(arr.type) or pa.types.is_timestamp(arr.type):
            return [None if v is None else v.isoformat()[:10] for v in arr.to_pylist()]
        if pa.types.is_floating(arr.type):
            return [None if v is None or v != v else v for v in arr.to_pylist()]
        return arr.to_pylist()
    return [None if _isna(v) else v for v in values]


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


class Project:
    """An open project file. Pass it to whatever needs it; there is no global one."""

    def __init__(self, path: str | Path, *, create: bool = False, timeout: float = BUSY_TIMEOUT_S):
        self.path = Path(path)
        self.timeout = timeout
        if not create and not self.path.exists():
            raise ProjectError(f"{self.path}: no such project (create one with 'gtmplanner demo' "
                               "or by importing into a new file name)")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        existed = self.path.exists() and self.path.stat().st_size > 0
        if existed:
            _check_sqlite_header(self.path)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                        check_same_thread=False)
        except sqlite3.Error as exc:
            raise ProjectError(f"{self.path}: cannot open the project ({exc})") from exc
        self._key = str(self.path.resolve())
        with _OPEN_LOCK:
            _OPEN[self._key] = _OPEN.get(self._key, 0) + 1
        self.conn.execute("PRAGMA foreign_keys=OFF")
        self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        # A 64 MB page cache keeps a big import's pages in memory until the commit.
        self.conn.execute("PRAGMA cache_size=-65536")
        self._in_tx = False
        self._migrate(existed)

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path) -> Project:
        """Create (or open) a project at ``path``."""
        return cls(path, create=True)

    def close(self) -> None:
        """Close the database connection."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        self.conn.close()
        with _OPEN_LOCK:
            left = _OPEN.get(self._key, 0) - 1
            if left > 0:
                _OPEN[self._key] = left
            else:
                _OPEN.pop(self._key, None)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        """The project's name as a user sees it: the file name without extension."""
        return self.path.stem

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all."""
        if self._in_tx:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProjectBusyError(
                    f"{self.path.name}: the project is busy (another window or command is "
                    "writing to it); try again in a moment") from exc
            raise ProjectError(f"{self.path.name}: {exc}") from exc
        self._in_tx = True
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_tx = False

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The schema version stored in the file (0 for an empty file)."""
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0]) if row else 0

    def _migrate(self, existed: bool) -> None:
        try:
            current = self.schema_version()
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{self.path.name}: not a GTM Planner project ({exc})") from exc
        if current > SCHEMA_VERSION:
            raise ProjectError(
                f"{self.path.name}: written by a newer GTM Planner (schema {current}; this is "
                f"{__version__} with schema {SCHEMA_VERSION}); update the app to open it")
        if current == SCHEMA_VERSION:
            return
        if not existed:  # only a new, empty file takes a page size
            self.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        if existed and current > 0:
            backup = self.path.with_name(f"{self.path.name}.v{current}.bak")
            shutil.copy2(self.path, backup)
            self.backup_path: Path | None = backup
        with self.transaction() as conn:
            for version in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)",
                         (str(SCHEMA_VERSION),))
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES('created_at', ?)",
                         (now_iso(),))
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('app_version', ?)",
                         (__version__,))

    def columns(self, table: str) -> list[str]:
        """The column names of ``table``."""
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    # -- reads -----------------------------------------------------------------------------
    def frame(self, table: str, columns: Sequence[str] | None = None, where: str = "",
              params: Sequence[Any] = (), index: str = "id") -> pd.DataFrame:
        """Read ``table`` (or a subset) as a DataFrame indexed by ``id``."""
        cols = list(columns) if columns else self.columns(table)
        if index not in cols:
            cols = [index, *cols]
        sql = f"SELECT {', '.join(cols)} FROM {table}" + (f" WHERE {where}" if where else "")
        if not self._in_tx and self._big(table):
            fast = self._frame_arrow(sql, params, self._declared(table))
            if fast is not None:
                return fast.set_index(index)
        cur = self.conn.execute(sql, tuple(params))
        rows = cur.fetchall()
        if not rows:
            df = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        else:
            data = list(zip(*rows, strict=True))
            df = pd.DataFrame({c: _column(data[i]) for i, c in enumerate(cols)})
        return df.set_index(index)

    def _big(self, table: str) -> bool:
        """Worth the Arrow reader: more than ARROW_MIN_ROWS rows (max id as a cheap guess)."""
        row = self.conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()
        return bool(row and row[0] and row[0] > ARROW_MIN_ROWS)

    def _declared(self, table: str) -> dict[str, str]:
        """Declared SQL type per column (REAL/INTEGER/TEXT), to type all-empty columns."""
        return {r[1]: (r[2] or "").upper() for r in self.conn.execute(
            f"PRAGMA table_info({table})")}

    def _frame_arrow(self, sql: str, params: Sequence[Any],
                     declared: dict[str, str]) -> pd.DataFrame | None:
        """Read through ADBC straight into Arrow columns (no Python object per cell).

        Only for committed data (its own connection); returns None when the driver
        is missing or cannot type a column, and the caller falls back to sqlite3.
        """
        try:
            import adbc_driver_sqlite.dbapi as adbc
        except ImportError:  # pragma: no cover - declared dependency
            return None
        try:
            with adbc.connect(str(self.path)) as conn, conn.cursor() as cur:
                cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "100000"})
                cur.execute(sql, tuple(params) if params else None)
                table = cur.fetch_arrow_table()
        except Exception:  # noqa: BLE001 - any driver trouble: use the sqlite3 path
            return None
        out = {}
        for name, col in zip(table.column_names, table.columns, strict=True):
            decl = declared.get(name, "")
            if decl == "REAL" and not pa.types.is_floating(col.type):
                col = col.cast(pa.float64()) if not pa.types.is_string(col.type) else col
            elif decl.startswith("TEXT") and col.null_count == len(col):
                col = pa.chunked_array([pa.nulls(len(col), pa.string())])
            out[name] = _arrow_column(col)
        return pd.DataFrame(out)

    def arrow(self, table: str, columns: Sequence[str] | None = None, where: str = "",
              params: Sequence[Any] = (), *, bulk: bool = True) -> pa.Table:
        """Read ``table`` (or a subset) as a pyarrow Table, ``id`` first; no pandas.

        Types follow the declared SQL types (REAL -> float64, TEXT -> string, INTEGER ->
        int64) and missing values stay nulls. With ``bulk`` a big table is read through
        ADBC over :data:`ARROW_READERS` connections at once, each taking one id range
        (SQLite decodes rows on one core per connection); ``bulk=False`` is for a few
        rows (one indexed query on this connection). ``columns=None`` reads them all.
        """
        cols = list(columns) if columns is not None else self.columns(table)
        if "id" not in cols:
            cols = ["id", *cols]
        declared = self._declared(table)
        if bulk and not self._in_tx and self._big(table):
            fast = self._arrow_ranges(table, cols, where, params, declared)
            if fast is not None:
                return fast
        sql = f"SELECT {', '.join(cols)} FROM {table}" + (f" WHERE {where}" if where else "")
        rows = self.conn.execute(sql, tuple(params)).fetchall()
        data = list(zip(*rows, strict=True)) if rows else [() for _ in cols]
        return pa.table({c: _arrow_values(data[i], declared.get(c, ""))
                         for i, c in enumerate(cols)})

    def _arrow_ranges(self, table: str, cols: list[str], where: str, params: Sequence[Any],
                      declared: dict[str, str]) -> pa.Table | None:
        """ADBC reads of id ranges on parallel connections, typed and put end to end."""
        try:
            import adbc_driver_sqlite.dbapi as adbc
        except ImportError:  # pragma: no cover - declared dependency
            return None
        lo, hi = self.conn.execute(f"SELECT MIN(id), MAX(id) FROM {table}").fetchone()
        parts = max(1, min(ARROW_READERS, (hi - lo) // ARROW_MIN_ROWS)) if hi else 1
        cuts = [lo - 1 + (hi - lo + 1) * i // parts for i in range(parts)] + [hi]
        select = f"SELECT {', '.join(cols)} FROM {table} WHERE "
        cond = f"({where}) AND " if where else ""

        def read(i: int) -> pa.Table:
            sql = select + cond + f"id > {int(cuts[i])} AND id <= {int(cuts[i + 1])}"
            with adbc.connect(str(self.path)) as conn, conn.cursor() as cur:
                cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "100000"})
                cur.execute(sql, tuple(params) if params else None)
                got = cur.fetch_arrow_table()
            return pa.table({name: _typed(col, declared.get(name, ""))
                             for name, col in zip(got.column_names, got.columns, strict=True)})
        try:
            if parts == 1:
                tables = [read(0)]
            else:
                from concurrent.futures import ThreadPoolExecutor
                with ThreadPoolExecutor(max_workers=parts) as pool:
                    tables = list(pool.map(read, range(parts)))
            return _concat_typed(tables)
        except Exception:  # noqa: BLE001 - any driver trouble: use the sqlite3 path
            return None

    def count(self, table: str, where: str = "", params: Sequence[Any] = ()) -> int:
        """Number of rows in ``table`` (optionally filtered)."""
        sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.conn.execute(sql, tuple(params)).fetchone()[0])

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables, for summaries and the status bar."""
        return {t: self.count(t) for t in ("people", "accounts", "opportunities", "activities",
                                           "reps", "events", "segments", "targets", "imports")}

    # -- bulk writes -----------------------------------------------------------------------
    def insert_frame(self, table: str, frame: pd.DataFrame, columns: Sequence[str] | None = None,
                     *, with_ids: bool = False) -> int:
        """Insert the rows of ``frame`` (one executemany). Returns the number of rows."""
        cols = [c for c in (columns or frame.columns) if c in frame.columns]
        if frame.empty:
            return 0
        data = [pylist(frame[c]) for c in cols]
        if with_ids:
            cols = ["id", *cols]
            data = [[int(i) for i in frame.index], *data]
        sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
               f"({', '.join('?' * len(cols))})")
        with self.transaction() as conn:
            conn.executemany(sql, zip(*data, strict=True))
        return len(frame)

    def update_frame(self, table: str, frame: pd.DataFrame, columns: Sequence[str] | None = None,
                     *, keep_existing_when_null: bool = False) -> int:
        """Update rows by ``frame.index`` (ids). With ``keep_existing_when_null`` a missing
        new value leaves the stored one alone (COALESCE)."""
        cols = [c for c in (columns or frame.columns) if c in frame.columns and c != "id"]
        if frame.empty or not cols:
            return 0
        if keep_existing_when_null:
            sets = ", ".join(f"{c} = COALESCE(?, {c})" for c in cols)
        else:
            sets = ", ".join(f"{c} = ?" for c in cols)
        data = [pylist(frame[c]) for c in cols] + [[int(i) for i in frame.index]]
        with self.transaction() as conn:
            conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", zip(*data, strict=True))
        return len(frame)

    # -- settings and small records --------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        """A JSON setting stored in the project, or ``default``."""
        row = self.conn.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON setting in the project."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES(?, ?)",
                         (key, json.dumps(value)))

    def events(self) -> list[dict[str, Any]]:
        """All events, oldest first."""
        cur = self.conn.execute("SELECT * FROM events ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def event(self, name: str | None = None) -> dict[str, Any] | None:
        """The named event; with ``name`` None the current one (the ``current_event``
        setting when set, else the most recently created)."""
        evs = self.events()
        if name is None:
            current = self.get_setting("current_event")
            if current:
                for ev in evs:
                    if ev["name"] == current:
                        return ev
            return evs[-1] if evs else None
        for ev in evs:
            if ev["name"].casefold() == name.casefold():
                return ev
        return None

    def ensure_event(self, name: str, **fields: Any) -> int:
        """The id of the event called ``name``, creating it (with ``fields``) if needed."""
        ev = self.event(name)
        with self.transaction() as conn:
            if ev is None:
                cols = ["name", "created_at", *fields]
                vals = [name, now_iso(), *fields.values()]
                cur = conn.execute(f"INSERT INTO events ({', '.join(cols)}) VALUES "
                                   f"({', '.join('?' * len(cols))})", vals)
                return int(cur.lastrowid or 0)
            if fields:
                sets = ", ".join(f"{k} = ?" for k in fields)
                conn.execute(f"UPDATE events SET {sets} WHERE id = ?", [*fields.values(), ev["id"]])
            return int(ev["id"])

    def saved_mapping(self, signature: str) -> dict[str, str] | None:
        """The mapping a user confirmed for this export shape, if any."""
        row = self.conn.execute("SELECT mapping FROM mappings WHERE signature=?",
                                (signature,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_mapping(self, signature: str, kind: str, mapping: dict[str, str],
                     headers: list[str]) -> None:
        """Remember a confirmed mapping for the next file of the same shape."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO mappings VALUES(?, ?, ?, ?, ?)",
                         (signature, kind, json.dumps(mapping), json.dumps(headers), now_iso()))

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check passes."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


ARROW_MIN_ROWS = 20_000
ARROW_READERS = 2  # connections reading one big table at once (one per core here)
_DECLARED_TYPE = {"REAL": pa.float64(), "INTEGER": pa.int64()}


def _declared_type(decl: str) -> pa.DataType:
    return _DECLARED_TYPE.get(decl, pa.string())


def _typed(col: pa.ChunkedArray | pa.Array, decl: str) -> pa.ChunkedArray | pa.Array:
    """An Arrow column in its declared SQL type where the values allow it."""
    t = col.type
    if col.null_count == len(col):  # all missing: the declared type, not ADBC's guess
        return pa.nulls(len(col), _declared_type(decl))
    if decl == "REAL" and (pa.types.is_integer(t) or pa.types.is_boolean(t)):
        return col.cast(pa.float64())
    return col


def _arrow_values(values: tuple[Any, ...], decl: str) -> pa.Array:
    """Values read with sqlite3 as one Arrow array (mixed types become text)."""
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        arr = pa.array([None if v is None else str(v) for v in values], pa.string())
    return _typed(arr, decl)


def _concat_typed(tables: list[pa.Table]) -> pa.Table:
    """Put id-range reads end to end, first giving a column one type in every part."""
    if len(tables) == 1:
        return tables[0]
    fields = []
    for i, name in enumerate(tables[0].column_names):
        types = {t.schema.field(i).type for t in tables}
        if len(types) == 1:
            fields.append(pa.field(name, types.pop()))
            continue
        if any(pa.types.is_string(t) for t in types):
            common = pa.string()
        elif any(pa.types.is_floating(t) for t in types):
            common = pa.float64()
        else:
            common = pa.int64()
        fields.append(pa.field(name, common))
    schema = pa.schema(fields)
    return pa.concat_tables([t.cast(schema) for t in tables])


def _arrow_column(col: pa.ChunkedArray) -> pd.Series:
    """An ADBC column as the same pandas dtype :func:`_column` gives."""
    t = col.type
    if pa.types.is_null(t):
        return pd.Series([None] * len(col), dtype="object")
    if pa.types.is_integer(t):
        if col.null_count:
            return pd.Series(col.to_pandas(types_mapper={t: pd.Int64Dtype()}.get))
        return pd.Series(col.to_numpy())
    if pa.types.is_floating(t):
        return pd.Series(col.to_numpy())
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return pd.Series(col.to_pandas(types_mapper={t: pd.StringDtype("pyarrow")}.get))
    return pd.Series(col.to_pylist(), dtype="object")


def _column(values: tuple[Any, ...]) -> pd.Series:
    """A column read from SQLite as the best pandas dtype (numbers stay numbers)."""
    try:
        arr = pa.array(values, from_pandas=True) if values else pa.array([], pa.null())
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pd.Series(values, dtype="object")
    if pa.types.is_null(arr.type):
        return pd.Series([None] * len(values), dtype="object")
    if pa.types.is_integer(arr.type):
        if arr.null_count:
            return pd.Series(arr.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
        return pd.Series(arr.to_numpy())
    if pa.types.is_floating(arr.type):
        return pd.Series(arr.to_numpy(zero_copy_only=False))
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return pd.Series(arr.to_pandas(types_mapper={arr.type: pd.StringDtype("pyarrow")}.get))
    return pd.Series(values, dtype="object")


def _check_sqlite_header(path: Path) -> None:
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot be opened ({exc.strerror or exc})") from exc
    if head != b"SQLite format 3\x00":
        raise ProjectError(f"{path.name}: not a GTM Planner project (not a SQLite database)")
