"""The record pages: People, Accounts, Opportunities, Targets.

Each is a :class:`TablePage`: a :class:`~gtmplanner.ui.table_view.TableView`
whose rows a loader reads on a worker thread (its own connection to the
project) and turns into a :class:`~gtmplanner.ui.columns.ColumnTable` there, so
the window never waits for a big table. A big table first shows a preview
(its first rows, read in a few milliseconds) while the rest loads.

The People page reads only the columns it shows (and the score reasons its
tooltips list) as Arrow arrays; every other column is listed in the column
chooser and read when someone shows it. The detail pane reads the one selected
person in full. The quick filter prepares the shown columns on a worker once the
table is up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gtmplanner.core.analysis import people_frame, people_table, people_table_columns
from gtmplanner.core.store import Project
from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.detail_pane import DetailPane
from gtmplanner.ui.quick_filter import QuickFilter
from gtmplanner.ui.table_view import TableView
from gtmplanner.ui.workers import OpHandle, run_op

PREVIEW_ROWS = 500
PREVIEW_FROM = 50_000  # tables with more rows show a preview while they load
PREVIEW_PAINT_MS = 100  # let the preview paint before the loader competes for the GIL
PREPARE_LATER_ROWS = 50_000  # bigger tables prepare the quick filter after they are shown
KEYED_ROWS = 5_000  # a column read for a table this small asks for its rows by id

PEOPLE_LOAD = ["first_name", "last_name", "full_name", "email", "phone", "mobile", "title",
               "seniority", "department", "company", "domain", "city", "region", "country",
               "postal_code", "latitude", "longitude", "linkedin_url", "source",
               "registration_type", "attended", "opted_out", "meeting_requested",
               "registration_date", "account_id", "match_method", "match_confidence",
               "match_candidates", "score", "tier", "reasons", "tier_override",
               "engagement_score", "mql_status", "mql_date", "mql_reasons", "geo_precision",
               "geo_label", "timezone", "retarget", "retarget_opp_id"]
PEOPLE_DEFAULT = ["full_name", "title", "company", "tier", "score", "mql_status", "city",
                  "region", "country", "distance_mi", "account_name", "target_rep", "email"]
PEOPLE_ALWAYS = ["reasons"]  # read even when hidden: the tier and score tooltips list them
ACCOUNT_LOAD = ["name", "domain", "website", "industry", "employees", "revenue", "hq_city",
                "hq_region", "hq_country", "technologies", "intent_topics",
                "last_funding_date", "last_funding_type", "hiring_signal", "owner",
                "customer_status", "external_id"]
ACCOUNT_DEFAULT = ["name", "domain", "industry", "employees", "revenue", "hq_city",
                   "hq_country", "owner", "customer_status", "people"]
OPP_LOAD = ["external_id", "name", "account", "stage", "status", "close_date", "created_date",
            "last_activity_date", "amount", "currency", "owner", "lead_source", "loss_reason",
            "next_step", "contact_email", "opp_class", "months_since_loss",
            "days_since_activity", "account_confidence"]
OPP_DEFAULT = ["name", "account", "stage", "amount", "close_date", "owner", "loss_reason",
               "opp_class", "months_since_loss", "lead_source"]
TARGET_LOAD = ["target_key", "person_id", "segment_id", "rep", "rep_reason", "priority", "score",
               "tier", "reasons", "template", "status", "next_step", "due_date", "notes",
               "touches", "last_touch_date", "exported_at"]
TARGET_DEFAULT = ["person_name", "person_company", "segment", "rep", "tier", "score", "status",
                  "due_date", "touches", "next_step"]


@dataclass
class TableSpec:
    """What a record page shows and how its rows are read."""

    name: str
    noun: str
    tables: frozenset[str]  # reload when an operation writes one of these
    load: Callable[[Project, dict[str, Any] | None], pd.DataFrame]
    default_columns: Sequence[str]
    count_sql: str
    preview: Callable[[Project, dict[str, Any] | None, list[str]], ColumnTable] | None = None
    sort: tuple[str, bool] | None = None  # default sort: column, descending
    labels: dict[str, str] = field(default_factory=dict)
    # Column by column (instead of ``load``): every column there is, in order; a reader
    # of some columns (``id`` first; where/params restrict the rows); the columns always
    # read; one record in full (for a detail pane).
    catalogue: Callable[[Project, dict[str, Any] | None], list[str]] | None = None
    read: Callable[[Project, dict[str, Any] | None, list[str], str, tuple[Any, ...]],
                   pa.Table] | None = None
    always: Sequence[str] = ()
    record: Callable[[Project, dict[str, Any] | None, Any], dict[str, Any]] | None = None

    def initial_columns(self, project: Project, event: dict[str, Any] | None,
                        shown: Sequence[str]) -> tuple[list[str], list[str]]:
        """Every column there is, and those to read first (``shown`` and ``always``)."""
        assert self.catalogue is not None
        names = self.catalogue(project, event)
        first = dict.fromkeys([*self.always, *shown])
        return names, [c for c in names if c in first]


def load_people(project: Project, event: dict[str, Any] | None) -> pd.DataFrame:
    """People with scores, matched account, distance to the event and list status."""
    return people_frame(project, event=event, columns=PEOPLE_LOAD)  # override applied there


def people_columns(project: Project, event: dict[str, Any] | None) -> list[str]:
    """Every column the People page can show, in the order load_people gives them."""
    return people_table_columns(project, event, PEOPLE_LOAD)


def read_people(project: Project, event: dict[str, Any] | None, columns: list[str],
                where: str = "", params: tuple[Any, ...] = ()) -> pa.Table:
    """Some columns of the People page (``id`` first), straight to Arrow."""
    return people_table(project, event=event, columns=columns, where=where, params=params)


def person_record(project: Project, event: dict[str, Any] | None, person_id: Any
                  ) -> dict[str, Any]:
    """Every column of one person (the detail pane), read by id in milliseconds."""
    t = people_table(project, event=event, columns=people_columns(project, event),
                     where="id = ?", params=(int(person_id),))
    return t.to_pylist()[0] if t.num_rows else {}


def preview_people(project: Project, event: dict[str, Any] | None = None,
                   shown: Sequence[str] = PEOPLE_DEFAULT) -> ColumnTable:
    """The first rows of the people table, read in milliseconds."""
    names, first = PEOPLE.initial_columns(project, event, shown)
    rows = people_table(project, event=event, columns=first,
                        where=f"id IN (SELECT id FROM people ORDER BY id LIMIT {PREVIEW_ROWS})")
    return ColumnTable.from_arrow(rows, columns=names, labels=PEOPLE.labels)


def load_accounts(project: Project, _event: dict[str, Any] | None) -> pd.DataFrame:
    """Accounts with the number of people matched to each."""
    frame = project.frame("accounts", ACCOUNT_LOAD)
    counts = dict(project.conn.execute(
        "SELECT account_id, COUNT(*) FROM people WHERE account_id IS NOT NULL "
        "GROUP BY account_id").fetchall())
    frame["people"] = pd.Series(frame.index.map(lambda i: counts.get(i, 0)),
                                index=frame.index, dtype="int64")
    return frame


def load_opportunities(project: Project, _event: dict[str, Any] | None) -> pd.DataFrame:
    """Opportunities with their class (open, stalled, closed-lost...)."""
    return project.frame("opportunities", [c for c in OPP_LOAD
                                           if c in project.columns("opportunities")])


def load_targets(project: Project, event: dict[str, Any] | None) -> pd.DataFrame:
    """The event's targets with the person's name and company and the segment name."""
    if event is None:
        return project.frame("targets", TARGET_LOAD, where="0")
    t = project.frame("targets", TARGET_LOAD, where="event_id = ?", params=(event["id"],))
    ids = t["person_id"].dropna().astype("int64").unique().tolist()
    if ids:
        people = project.frame("people", ["full_name", "email", "company", "title"],
                               where=f"id IN ({','.join(str(i) for i in ids)})")
        joined = people.reindex(pd.to_numeric(t["person_id"], errors="coerce"))
        for src in ("full_name", "email", "company", "title"):
            t[f"person_{'name' if src == 'full_name' else src}"] = joined[src].to_numpy()
    segs = dict(project.conn.execute("SELECT id, name FROM segments").fetchall())
    t["segment"] = t["segment_id"].map(lambda s: segs.get(s) if s == s else None)\
        .astype("string")
    return t


PEOPLE = TableSpec("people", "people", frozenset({"people", "accounts", "opportunities",
                                                  "activities", "targets", "events"}),
                   load_people, PEOPLE_DEFAULT, "SELECT COUNT(*) FROM people",
                   preview=preview_people, sort=("score", True), catalogue=people_columns,
                   read=read_people, always=PEOPLE_ALWAYS, record=person_record)
ACCOUNTS = TableSpec("accounts", "accounts", frozenset({"accounts", "people"}), load_accounts,
                     ACCOUNT_DEFAULT, "SELECT COUNT(*) FROM accounts", sort=("people", True))
OPPORTUNITIES = TableSpec("opportunities", "opportunities",
                          frozenset({"opportunities", "accounts"}), load_opportunities,
                          OPP_DEFAULT, "SELECT COUNT(*) FROM opportunities")
TARGETS = TableSpec("targets", "targets", frozenset({"targets", "segments", "people", "reps"}),
                    load_targets, TARGET_DEFAULT, "SELECT COUNT(*) FROM targets",
                    sort=("score", True))


def build_table(spec: TableSpec, project: Project, event: dict[str, Any] | None,
                shown: Sequence[str] | None = None) -> ColumnTable:
    """Read and prepare a page's rows (runs on a worker thread).

    A column-by-column spec reads only ``shown`` (default: its default columns) and
    the columns it always needs; the others are listed, to be read when shown.
    """
    if spec.read is not None:
        names, first = spec.initial_columns(project, event, shown or spec.default_columns)
        table = ColumnTable.from_arrow(spec.read(project, event, first, "", ()),
                                       columns=names, labels=spec.labels)
    else:
        table = ColumnTable(spec.load(project, event), labels=spec.labels)
    qf = QuickFilter(table)
    if table.n_rows < PREPARE_LATER_ROWS:  # lower-case and encode the default columns now
        qf.prepare([c for c in spec.default_columns if c in table.text_columns()])
    table.filter_index = qf
    if spec.sort and table.position(spec.sort[0]) >= 0:  # warm the default sort key
        col = table.column(spec.sort[0])
        if col is not None and col.loaded:
            col.sort_order()
    return table


def read_columns(spec: TableSpec, project: Project, event: dict[str, Any] | None,
                 ids: Any, names: list[str]) -> dict[str, pa.ChunkedArray]:
    """Columns ``names`` for the records ``ids``, in that order (runs on a worker)."""
    assert spec.read is not None
    where = f"id IN ({','.join(str(int(i)) for i in ids)})" if len(ids) <= KEYED_ROWS else ""
    got = spec.read(project, event, names, where, ())
    pos = pc.index_in(pa.array(ids), value_set=got.column("id").combine_chunks())
    return {n: got.column(n).take(pos) for n in names if n in got.column_names}


class TablePage(QWidget):
    """A record page: the table, optionally a detail pane beside it."""

    def __init__(self, ctx: PageContext, spec: TableSpec, *, detail: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"page_{spec.name}")
        self.ctx = ctx
        self.spec = spec
        self.table_view = TableView(spec.name, noun=spec.noun,
                                    default_columns=spec.default_columns,
                                    settings=ctx.settings, parent=self)
        self.detail: DetailPane | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        if detail:
            self.detail = DetailPane(ctx, self)
            split = QSplitter(Qt.Orientation.Horizontal, self)
            split.setObjectName(f"split_{spec.name}")
            split.addWidget(self.table_view)
            split.addWidget(self.detail)
            split.setStretchFactor(0, 3)
            split.setStretchFactor(1, 1)
            split.setChildrenCollapsible(False)
            em = self.fontMetrics().horizontalAdvance("M")
            self.detail.setMinimumWidth(em * 22)
            split.setSizes([em * 60, em * 30])
            layout.addWidget(split)
            self.table_view.current_changed.connect(self._show_current)
            self.detail.person_changed.connect(self.table_view.model.patch_row)
        else:
            layout.addWidget(self.table_view)
        self._loading: OpHandle | None = None
        self._building = False
        self._stale = False
        self._reading: set[str] = set()  # columns being read for the table shown
        self._preparing: list[OpHandle] = []  # quick-filter preparation under way
        self.loaded_count = 0
        self.table_view.columns_wanted.connect(self._read_columns)
        ctx.data_changed.connect(self._data_changed)
        ctx.event_changed.connect(self.reload)
        self.reload()

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the rows again (on a worker); a preview first for big tables."""
        if self._loading is not None and not self._loading.done:
            self._stale = True
            return
        self._stale = False
        for handle in self._preparing:
            handle.cancel()
        self._preparing = [h for h in self._preparing if not h.done]
        total = int(self.ctx.project.conn.execute(self.spec.count_sql).fetchone()[0])
        first_load = self.table_view.model.table.n_rows == 0
        spec = self.spec
        event = self.ctx.current_event
        shown = self._shown_columns()
        self._building = True
        if first_load and spec.preview is not None and total >= PREVIEW_FROM:
            preview = spec.preview(self.ctx.project, event, shown)
            self.table_view.set_table(preview, loading=f"loading {total:,} {spec.noun}…")
        else:
            self.table_view.set_loading(f"loading {total:,} {spec.noun}…")
        self._loading = self.ctx.run(
            lambda project, _p, _c: build_table(spec, project, event, shown),
            title=f"Loading {spec.noun}", on_success=self._loaded, show_progress=False,
            on_failure=self._failed, delay_ms=PREVIEW_PAINT_MS if first_load else 0)

    def _shown_columns(self) -> list[str]:
        """The columns to read first: the remembered choice (or the defaults) and the
        columns shown now."""
        view = self.table_view
        return list(dict.fromkeys([*view.wanted_names(), *view.visible_columns()]))

    def _loaded(self, table: ColumnTable) -> None:
        self._building = False
        self._reading.clear()
        had_sort = self.table_view.model._sort is not None  # noqa: SLF001
        self.table_view.set_table(table)
        self.loaded_count = table.n_rows
        if not had_sort and self.spec.sort:
            pos = table.position(self.spec.sort[0])
            if pos >= 0:
                order = (Qt.SortOrder.DescendingOrder if self.spec.sort[1]
                         else Qt.SortOrder.AscendingOrder)
                self.table_view.view.sortByColumn(pos, order)
        if self.detail is not None:
            self._show_current(self.table_view.current_id())
        self._prepare_filter(table, self.table_view.visible_columns())
        if self._stale:
            self.reload()

    def _failed(self, exc: BaseException, details: str) -> None:
        self._building = False
        self.table_view.set_loading("could not be read")
        self.ctx.show_error(exc, details)

    def _prepare_filter(self, table: ColumnTable, names: Sequence[str]) -> None:
        """Lower-case and encode the shown text columns on a worker (a keystroke before
        that is done prepares what it needs itself)."""
        qf = self.table_view.model.quick_filter
        if self.table_view.model.table is not table or qf.table is not table:
            return
        todo = [n for n in names if n in table.text_columns() and not qf.prepared(n)]
        if not todo:
            return
        self._preparing = [h for h in self._preparing if not h.done]
        self._preparing.append(run_op(lambda _p, cancelled: qf.prepare(todo, cancelled),
                                      on_success=lambda _r: None, parent=self,
                                      title=f"Preparing the {self.spec.noun} filter"))

    def _read_columns(self, names: list[str]) -> None:
        """Shown columns the table has not read yet: read them on a worker."""
        spec = self.spec
        names = [n for n in names if n not in self._reading]
        if spec.read is None or not names or self._building:
            return  # a load under way reads the shown columns itself
        table = self.table_view.model.table
        event = self.ctx.current_event
        ids = table.ids
        self._reading.update(names)

        def done(values: dict[str, Any]) -> None:
            self._reading.difference_update(names)
            if self.table_view.model.table is not table:
                return  # reloaded meanwhile: the new table read what is shown
            filled = table.fill(values)
            self.table_view.columns_loaded(filled)
            self._prepare_filter(table, [n for n in filled
                                         if n in self.table_view.visible_columns()])

        def failed(exc: BaseException, details: str) -> None:
            self._reading.difference_update(names)
            self.ctx.show_error(exc, details)

        self.ctx.run(lambda project, _p, _c: read_columns(spec, project, event, ids, names),
                     title=f"Reading {spec.noun} columns", on_success=done,
                     on_failure=failed, show_progress=False)

    def _data_changed(self, tables: frozenset[str]) -> None:
        if tables & self.spec.tables:
            self.reload()

    # -- detail --------------------------------------------------------------------------
    def _show_current(self, record_id: Any) -> None:
        if self.detail is None:
            return
        view = self.table_view
        idx = view.view.currentIndex()
        if record_id is None or not idx.isValid():
            self.detail.show_person(None)
            return
        row = view.model.row_dict(idx.row())
        if self.spec.record is not None:  # the columns the table has not read
            row = {**self.spec.record(self.ctx.project, self.ctx.current_event,
                                      row["id"]), **row}
        self.detail.show_person(row)

    def focus_filter(self) -> None:
        """Ctrl+F: the quick filter."""
        self.table_view.focus_filter()


def people_page(ctx: PageContext) -> QWidget:
    """People of the project, with the detail pane."""
    return TablePage(ctx, PEOPLE, detail=True)


def accounts_page(ctx: PageContext) -> QWidget:
    """Accounts."""
    return TablePage(ctx, ACCOUNTS)


def opportunities_page(ctx: PageContext) -> QWidget:
    """Opportunities (open, stalled, closed-lost)."""
    return TablePage(ctx, OPPORTUNITIES)


def targets_page(ctx: PageContext) -> QWidget:
    """The event's targets: who is on which rep's list and where they stand."""
    return TablePage(ctx, TARGETS)
