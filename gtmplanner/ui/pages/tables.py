"""The record pages: People, Accounts, Opportunities, Targets.

Each is a :class:`TablePage`: a :class:`~gtmplanner.ui.table_view.TableView`
whose rows a loader reads on a worker thread (its own connection to the
project) and turns into a :class:`~gtmplanner.ui.columns.ColumnTable` there, so
the window never waits for a big table. A big table first shows a preview
(its first rows, read in a few milliseconds) while the rest loads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gtmplanner.core.analysis import people_frame
from gtmplanner.core.store import Project
from gtmplanner.ui.columns import ColumnTable
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.detail_pane import DetailPane
from gtmplanner.ui.quick_filter import QuickFilter
from gtmplanner.ui.table_view import TableView
from gtmplanner.ui.workers import OpHandle

PREVIEW_ROWS = 500
PREVIEW_FROM = 50_000  # tables with more rows show a preview while they load
PREVIEW_PAINT_MS = 100  # let the preview paint before the loader competes for the GIL

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
    preview: Callable[[Project], pd.DataFrame] | None = None
    sort: tuple[str, bool] | None = None  # default sort: column, descending
    labels: dict[str, str] = field(default_factory=dict)


def load_people(project: Project, event: dict[str, Any] | None) -> pd.DataFrame:
    """People with scores, matched account, distance to the event and list status."""
    frame = people_frame(project, event=event, columns=PEOPLE_LOAD)
    if "tier_override" in frame:  # the tier shown is the one set by hand, if any
        frame["computed_tier"] = frame["tier"]
        frame["tier"] = frame["tier_override"].astype("string").fillna(frame["tier"])
    return frame


def preview_people(project: Project) -> pd.DataFrame:
    """The first rows of the people table, read in milliseconds."""
    cols = [c for c in PEOPLE_DEFAULT + ["reasons", "tier_override"]
            if c in project.columns("people")]
    return project.frame("people", cols,
                         where=f"id IN (SELECT id FROM people ORDER BY id LIMIT {PREVIEW_ROWS})")


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
                   preview=preview_people, sort=("score", True))
ACCOUNTS = TableSpec("accounts", "accounts", frozenset({"accounts", "people"}), load_accounts,
                     ACCOUNT_DEFAULT, "SELECT COUNT(*) FROM accounts", sort=("people", True))
OPPORTUNITIES = TableSpec("opportunities", "opportunities",
                          frozenset({"opportunities", "accounts"}), load_opportunities,
                          OPP_DEFAULT, "SELECT COUNT(*) FROM opportunities")
TARGETS = TableSpec("targets", "targets", frozenset({"targets", "segments", "people", "reps"}),
                    load_targets, TARGET_DEFAULT, "SELECT COUNT(*) FROM targets",
                    sort=("score", True))


def build_table(spec: TableSpec, project: Project, event: dict[str, Any] | None
                ) -> ColumnTable:
    """Read and prepare a page's rows (runs on a worker thread)."""
    frame = spec.load(project, event)
    table = ColumnTable(frame, labels=spec.labels)
    qf = QuickFilter(table)  # lower-case and encode the default columns ahead of time
    qf.prepare([c for c in spec.default_columns if c in table.text_columns()])
    table.filter_index = qf
    if spec.sort and table.position(spec.sort[0]) >= 0:  # warm the default sort key
        table.column(spec.sort[0]).sort_order()  # type: ignore[union-attr]
    return table


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
        self._stale = False
        self.loaded_count = 0
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
        total = int(self.ctx.project.conn.execute(self.spec.count_sql).fetchone()[0])
        first_load = self.table_view.model.table.n_rows == 0
        if first_load and self.spec.preview is not None and total >= PREVIEW_FROM:
            preview = ColumnTable(self.spec.preview(self.ctx.project), labels=self.spec.labels)
            self.table_view.set_table(preview, loading=f"loading {total:,} {self.spec.noun}…")
        else:
            self.table_view.set_loading(f"loading {total:,} {self.spec.noun}…")
        spec = self.spec
        event = self.ctx.current_event
        self._loading = self.ctx.run(
            lambda project, _p, _c: build_table(spec, project, event),
            title=f"Loading {spec.noun}", on_success=self._loaded, show_progress=False,
            on_failure=self._failed, delay_ms=PREVIEW_PAINT_MS if first_load else 0)

    def _loaded(self, table: ColumnTable) -> None:
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
        if self._stale:
            self.reload()

    def _failed(self, exc: BaseException, details: str) -> None:
        self.table_view.set_loading("could not be read")
        self.ctx.show_error(exc, details)

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
        self.detail.show_person(view.model.row_dict(idx.row()))

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
