"""Import a file into a project: read -> map -> normalise -> dedupe -> store.

Two steps so the window can show what *will* happen before anything is written:
:func:`prepare_import` reads and maps the file and works out every reject and
warning (no writes); :func:`commit_import` stores the result in one
transaction. :func:`import_file` does both (the command line's path).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtmplanner.core import records
from gtmplanner.core.bulk_write import AdbcWriter, Writer, write_session
from gtmplanner.core.errors import GtmError, ImportFileError
from gtmplanner.core.import_store import ImportStore
from gtmplanner.core.io import mapping as mapping_mod
from gtmplanner.core.io.readers import RawTable, read_table
from gtmplanner.core.schema import KIND_TABLE
from gtmplanner.core.store import Project, now_iso

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
    cleaned: records.Cleaned | None    # None until normalised (import_file cleans in slices)
    rejected: list[dict[str, Any]]     # [{row, reason}]
    warnings: list[str]
    sha256: str
    size: int
    extra_columns: list[str] = field(default_factory=list)
    renamed: pd.DataFrame = field(default_factory=pd.DataFrame)  # mapped columns, by field
    rows: pd.Series = field(default_factory=pd.Series)            # file row of each row

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


def _warm_up(kind: str) -> None:
    """Load the tables mapping and normalising will need (country and region names, the
    public-suffix rules): ~0.04 s a process pays once, here off the reading's path."""
    from gtmplanner.core.io import fields
    fields._places()  # noqa: SLF001 - the cached loader itself
    if kind in ("roster", "accounts"):
        from gtmplanner.core import companies
        companies._suffix_rules()  # noqa: SLF001


def read_and_map(project: Project | None, path: str | Path, kind: str, *,
                 event: str | None = None, sheet: str | None = None,
                 user_mapping: dict[str, str] | None = None,
                 progress: Progress = _noop, cancelled: Cancelled = _never) -> PreparedImport:
    """Read ``path`` and map its columns (nothing normalised, nothing written)."""
    _check_kind(kind)
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if path.is_dir():
        raise ImportFileError(f"{path}: is a folder, not a file")
    progress(0.02, "reading")

    def scorer(cells: list[str]) -> float:
        return mapping_mod.header_score(cells, kind)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gtm-digest") as pool:
        digest = pool.submit(file_digest, path)  # hashlib lets go of the GIL: overlaps the read
        pool.submit(_warm_up, kind)  # while pyarrow / calamine parse (they let go of it too)
        table = read_table(path, sheet=sheet, header_scorer=scorer,
                           progress=lambda f, m: progress(0.02 + 0.3 * f, m),
                           cancelled=cancelled)
        sha, size = digest.result()
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
    if not mapping:
        raise ImportFileError(f"{path.name}: none of the columns looks like {kind} data "
                              f"(headers: {', '.join(headers[:8])}); map them with --map")
    extra_cols = [c.source for c in cols if not c.field]
    renamed = pd.DataFrame({f: table.frame[src] for src, f in mapping.items()},
                           index=table.frame.index)
    rows = pd.Series(table.source_rows, index=table.frame.index)
    return PreparedImport(path, kind, event, table, cols, mapping, signature,
                          bool(saved) and not user_mapping, None, [], [], sha, size,
                          extra_cols, renamed, rows)


def prepare_import(project: Project | None, path: str | Path, kind: str, *,
                   event: str | None = None, sheet: str | None = None,
                   user_mapping: dict[str, str] | None = None,
                   progress: Progress = _noop, cancelled: Cancelled = _never) -> PreparedImport:
    """Read, map and normalise ``path`` without writing anything."""
    prep = read_and_map(project, path, kind, event=event, sheet=sheet, user_mapping=user_mapping,
                        progress=progress, cancelled=cancelled)
    progress(0.45, "normalising values")
    cleaned = _clean_slice(prep, 0, len(prep.renamed))
    if cancelled():
        raise ImportCancelled("import cancelled; nothing was written")
    prep.cleaned = cleaned
    _set_outcome(prep, cleaned.rejected, cleaned.warnings)
    progress(0.6, "ready to store")
    return prep


def _clean_slice(prep: PreparedImport, lo: int, hi: int, *,
                 extras: bool = True) -> records.Cleaned:
    """Normalise rows ``lo:hi`` of a mapped file (any slice; results join in order);
    with ``extras`` also pack the unmapped columns (:func:`_add_extras`)."""
    cleaned = records.CLEANERS[prep.kind](prep.renamed.iloc[lo:hi], prep.rows.iloc[lo:hi])
    if extras:
        _add_extras(prep, cleaned, lo, hi)
    return cleaned


def _add_extras(prep: PreparedImport, cleaned: records.Cleaned, lo: int, hi: int) -> None:
    if prep.extra_columns and "extra" not in cleaned.frame:
        cleaned.frame["extra"] = _extra_json(prep.table.frame[prep.extra_columns].iloc[lo:hi])


def _set_outcome(prep: PreparedImport, rejected: dict[int, str],
                 warnings: list[records.RowsWarning]) -> None:
    """Fill ``prep.rejected`` / ``prep.warnings`` from the cleaning's results."""
    out = [{"row": int(r), "reason": reason} for r, reason in prep.table.ragged_rows]
    out += [{"row": int(prep.rows.iloc[pos]), "reason": reason}
            for pos, reason in sorted(rejected.items())]
    out.sort(key=lambda r: r["row"])
    prep.rejected = out
    prep.warnings = list(prep.table.warnings) + [str(w) for w in warnings]


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
        if pc.any(pc.match_substring_regex(arr, r'[\\"\x00-\x1f]')).as_py():  # else: as is
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
    values = body.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)
    return pd.Series(values.array, index=frame.index)  # by position: a slice's index is not 0..n


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


def _already_imported(project: Project, prep: PreparedImport) -> ImportResult | None:
    """The answer for a file this project already imported (same bytes, kind and event)."""
    prev = project.conn.execute(
        "SELECT id, finished_at FROM imports WHERE sha256=? AND kind=? AND "
        "COALESCE(event,'')=COALESCE(?, '') ORDER BY id DESC LIMIT 1",
        (prep.sha256, prep.kind, prep.event)).fetchone()
    if prev is None:
        return None
    return ImportResult(**_base(prep), rows_imported=0, rows_merged=0, rows_rejected=0,
                        rejected=[], warnings=[], already_imported=True,
                        import_id=int(prev[0]),
                        message=f"{prep.path.name} was already imported on {prev[1]}; "
                                "nothing changed")


def _base(prep: PreparedImport) -> dict[str, Any]:
    return dict(kind=prep.kind, file=str(prep.path), rows_read=prep.rows_read,
                mapping=prep.mapping, sheet=prep.table.sheet, encoding=prep.table.encoding,
                delimiter=prep.table.delimiter, header_row=prep.table.header_row,
                saved_mapping_used=prep.saved_mapping_used)


def _ensure_event(writer: Writer, name: str) -> int:
    """The id of the event called ``name`` (case-insensitive), created when missing."""
    found = writer.rows("SELECT id FROM events WHERE name = ? COLLATE NOCASE "
                        "ORDER BY id LIMIT 1", (name,))
    if found:
        return int(found[0][0])
    return int(writer.rows("INSERT INTO events (name, created_at) VALUES (?, ?) RETURNING id",
                           (name, now_iso()))[0][0])


Slice = tuple[records.Cleaned, int, int]  # cleaned rows lo:hi of a file


def _write(project: Project, prep: PreparedImport, slices: Iterator[Slice], *,
           save_mapping: bool, progress: Progress, cancelled: Cancelled,
           exclusive: bool = False) -> ImportResult:
    """Store the cleaned slices of ``prep`` in one transaction; on an Arrow-binding
    session each slice's writes overlap the cleaning of the next one."""
    stamp = now_iso()
    rejected: dict[int, str] = {}
    warnings: list[records.RowsWarning] = []
    with write_session(project, exclusive=exclusive) as writer, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="gtm-store") as pool:
        import_id = int(writer.rows(
            "INSERT INTO imports (file_name, path, size, sha256, kind, sheet, event, mapping,"
            " signature, extra_columns, started_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (prep.path.name, str(prep.path.resolve()), prep.size, prep.sha256, prep.kind,
             prep.table.sheet, prep.event, json.dumps(prep.mapping), prep.signature,
             json.dumps(prep.extra_columns), stamp))[0][0])
        event_id = (_ensure_event(writer, prep.event)
                    if prep.kind == "roster" and prep.event else None)
        progress(0.62 if prep.cleaned is not None else 0.38, "matching existing records")
        store = ImportStore(writer, KIND_TABLE[prep.kind], import_id, stamp,
                            total_rows=len(prep.renamed), event_id=event_id)
        pending: Future[None] | None = None
        for cleaned, lo, hi in slices:
            if cancelled():
                raise ImportCancelled("import cancelled; nothing was written")
            rejected.update(cleaned.rejected)
            warnings.extend(cleaned.warnings)

            def job(cleaned: records.Cleaned = cleaned, lo: int = lo, hi: int = hi) -> None:
                # Packing extras, deciding and writing all run here, in slice order,
                # while the next slice is normalised.
                _add_extras(prep, cleaned, lo, hi)
                store.add(cleaned)()
            if pending is not None:
                pending.result()
            if isinstance(writer, AdbcWriter):
                pending = pool.submit(job)
            else:  # sqlite3 would hand the GIL back and forth per row: no overlap
                job()
        if pending is not None:
            pending.result()
        progress(0.95, "rebuilding indexes")
        store.finish()
        if prep.cleaned is None:
            _set_outcome(prep, rejected, records.join_warnings(warnings))
        rows_imported = store.imported
        rows_merged = store.valid - rows_imported
        writer.execute(
            "UPDATE imports SET rows_read=?, rows_imported=?, rows_merged=?, rows_rejected=?,"
            " warnings=?, rejected=?, finished_at=? WHERE id=?",
            (prep.rows_read, rows_imported, rows_merged, len(prep.rejected),
             json.dumps(prep.warnings), json.dumps(prep.rejected), now_iso(), import_id))
        if save_mapping:
            writer.execute("INSERT OR REPLACE INTO mappings VALUES(?, ?, ?, ?, ?)",
                           (prep.signature, prep.kind, json.dumps(prep.mapping),
                            json.dumps([str(c) for c in prep.table.frame.columns]), now_iso()))
        if cancelled():
            raise ImportCancelled("import cancelled; nothing was written")
    progress(1.0, "done")
    return ImportResult(**_base(prep), rows_imported=rows_imported, rows_merged=rows_merged,
                        rows_rejected=len(prep.rejected), rejected=prep.rejected,
                        warnings=prep.warnings, import_id=import_id,
                        message=f"{prep.path.name}: {rows_imported:,} new, {rows_merged:,} "
                                f"merged, {len(prep.rejected):,} rejected")


def commit_import(project: Project, prep: PreparedImport, *, save_mapping: bool = False,
                  progress: Progress = _noop, cancelled: Cancelled = _never) -> ImportResult:
    """Store a prepared (normalised) import in one transaction and record it in ``imports``."""
    done = _already_imported(project, prep)
    if done is not None:
        return done
    if prep.cleaned is None:
        raise GtmError("internal: commit_import needs a normalised import (prepare_import)")
    return _write(project, prep, iter([(prep.cleaned, 0, len(prep.renamed))]),
                  save_mapping=save_mapping,
                  progress=progress, cancelled=cancelled)


SLICE_ROWS = 50_000  # rows normalised per slice while the previous slice is written


def slice_cuts(n: int, size: int | None = None) -> list[int]:
    """Where to cut ``n`` rows into slices: ``size`` rows each, but the last one a
    quarter of that, since nothing overlaps the writing of the last slice."""
    size = size or SLICE_ROWS
    if n <= size:
        return [0, n] if n else [0]
    body = n - max(1, size // 4)
    cuts = list(range(0, body, size))
    if body - cuts[-1] < size // 4:
        body = cuts.pop()  # no tiny slice before the last one: the last takes it
    return [*cuts, body, n]


def import_file(project: Project, path: str | Path, kind: str, *, event: str | None = None,
                sheet: str | None = None, user_mapping: dict[str, str] | None = None,
                progress: Progress = _noop, cancelled: Cancelled = _never,
                exclusive: bool = False) -> ImportResult:
    """Read, map, normalise, dedupe and store ``path`` as ``kind`` in one transaction.

    The file is normalised in slices. With ``exclusive`` (the caller's promise that
    no other thread uses ``project`` meanwhile, see :func:`bulk_write.write_session`)
    the writes bind Arrow columns on a second connection without holding the GIL,
    and slice k is written while slice k+1 is normalised.
    """
    prep = read_and_map(project, path, kind, event=event, sheet=sheet,
                        user_mapping=user_mapping, progress=progress, cancelled=cancelled)
    done = _already_imported(project, prep)
    if done is not None:
        return done
    n = len(prep.renamed)
    cuts = slice_cuts(n)

    def slices() -> Iterator[Slice]:
        for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
            progress(0.4 + 0.55 * lo / max(1, n), f"normalising and storing rows {lo + 1:,}-{hi:,}"
                     f" of {n:,}")
            yield _clean_slice(prep, lo, hi, extras=False), lo, hi
    return _write(project, prep, slices(), save_mapping=bool(user_mapping), progress=progress,
                  cancelled=cancelled, exclusive=exclusive)


__all__ = ["ImportResult", "PreparedImport", "prepare_import", "commit_import", "import_file",
           "read_and_map", "ImportCancelled", "extra_attributes"]
