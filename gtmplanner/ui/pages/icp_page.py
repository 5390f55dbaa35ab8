"""The ICP profile page: edit criteria and weights, watch the tier distribution move.

The people and their matched accounts' features are read once on a worker
(:func:`load_preview`); after that every edit re-scores that frame in memory
with :func:`gtmplanner.core.icp.score_people` on a read worker, ~150 ms after
the last keystroke. Only one preview runs at a time: edits made meanwhile are
coalesced into the next run, and a result that is no longer the latest is
dropped. "Apply and re-score" stores the profile and re-scores the project
(:func:`gtmplanner.core.scoring.score_project`) on the writer thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import icp, scoring
from gtmplanner.core.errors import GtmError
from gtmplanner.core.icp_profile import IcpProfile
from gtmplanner.core.store import Project
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.pages.icp_form import IcpForm
from gtmplanner.ui.settings import LAST_EXPORT_DIR, LAST_IMPORT_DIR
from gtmplanner.ui.widgets import TIER_HELP, TIERS, tier_color
from gtmplanner.ui.widgets.tier_chart import TierChart
from gtmplanner.ui.workers import OpHandle, run_op

TITLE = "ICP profile"
DEBOUNCE_MS = 150
RELOAD_ON = frozenset({"people", "accounts", "settings"})
PROFILE_FILTER = "ICP profiles (*.toml *.json);;TOML (*.toml);;JSON (*.json)"


# -- work done off the GUI thread (no widgets here) ----------------------------------------
@dataclass
class Preview:
    """What the live preview needs: the feature frame and the saved profile's counts."""

    frame: pd.DataFrame
    saved: IcpProfile
    baseline: dict[str, int]
    vocabulary: dict[str, list[str]] = field(default_factory=dict)


def tier_counts(frame: pd.DataFrame, profile: IcpProfile, today: date | None = None
                ) -> dict[str, int]:
    """How many rows of ``frame`` fall in each tier under ``profile``."""
    scored = icp.score_people(frame, profile, today=today or date.today())
    counts = scored["tier"].value_counts()
    return {t: int(counts.get(t, 0)) for t in TIERS}


def _distinct_items(values: pd.Series) -> list[str]:
    """Distinct items of a ``;``/``,``-separated text column."""
    parts = values.dropna().astype(str).str.split(r"\s*[;,]\s*", regex=True).explode()
    return sorted({p.strip() for p in parts if isinstance(p, str) and p.strip()})


def load_preview(project: Project, progress: Any = None, cancelled: Any = None) -> Preview:
    """Read people with their matched accounts' features; score them with the saved profile."""
    people = project.frame("people", [*scoring.PEOPLE_COLS, "account_id"])
    accounts = project.frame("accounts", scoring.ACCOUNT_COLS)
    feats = scoring.account_features(people["account_id"], accounts)
    frame = pd.concat([people.drop(columns=["account_id"]), feats], axis=1)
    saved = scoring.load_profile(project)
    vocabulary = {
        "industries": sorted({*accounts["industry"].dropna().astype(str),
                              *saved.industry_synonyms}),
        "technologies_integrate": _distinct_items(accounts["technologies"]),
        "competitor_products": _distinct_items(accounts["technologies"]),
        "intent_topics": _distinct_items(accounts["intent_topics"]),
        "countries": sorted({*accounts["hq_country"].dropna().astype(str),
                             *people["country"].dropna().astype(str)}),
    }
    return Preview(frame, saved, tier_counts(frame, saved), vocabulary)


# -- the page ------------------------------------------------------------------------------
class IcpPage(QWidget):
    """Criteria and weights on the left, the live tier distribution on the right."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("icpPage")
        self.ctx = ctx
        self._frame: pd.DataFrame | None = None
        self._saved = scoring.load_profile(ctx.project)
        self._generation = 0  # bumped on every edit; results of older ones are dropped
        self._running: OpHandle | None = None
        self._pending: tuple[int, IcpProfile] | None = None
        self._loading: OpHandle | None = None
        self._applying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._rescore)

        self.form = IcpForm()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)
        scroll.setMinimumWidth(self.form.minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 4)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self._side_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([scroll.minimumWidth() + 20, 400])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(self._toolbar())
        layout.addWidget(splitter, 1)

        self.form.changed.connect(self._edited)
        ctx.data_changed.connect(self._data_changed)
        self.form.set_profile(self._saved)
        self._reload()

    def _toolbar(self) -> QHBoxLayout:
        title = QLabel(TITLE)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        self.load_button = QPushButton("Load profile…")
        self.load_button.setToolTip("Read a profile from a .toml or .json file into the form")
        self.save_button = QPushButton("Save profile as…")
        self.save_button.setToolTip("Write the form's profile to a .toml or .json file")
        self.reset_button = QPushButton("Reset to default")
        self.reset_button.setToolTip("Put the shipped default profile in the form")
        self.apply_button = QPushButton("Apply and re-score")
        self.apply_button.setDefault(True)
        self.apply_button.setToolTip("Store this profile in the project and re-score everyone "
                                     "(tiers, reasons, lists) with it")
        self.dirty_label = QLabel("Unsaved changes")
        self.dirty_label.setStyleSheet("color: #b7791f;")
        self.dirty_label.hide()
        row = QHBoxLayout()
        row.addWidget(title)
        row.addSpacing(16)
        row.addWidget(self.load_button)
        row.addWidget(self.save_button)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        row.addWidget(self.dirty_label)
        row.addWidget(self.apply_button)
        self.load_button.clicked.connect(self._choose_load)
        self.save_button.clicked.connect(self._choose_save)
        self.reset_button.clicked.connect(self.reset_to_default)
        self.apply_button.clicked.connect(self.apply)
        return row

    def _side_panel(self) -> QWidget:
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(8, 0, 0, 0)
        head = QLabel("<b>Tier distribution</b>")
        self.chart_status = QLabel("Loading people…")
        self.chart_status.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(head)
        top.addStretch(1)
        top.addWidget(self.chart_status)
        self.chart = TierChart()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        legend = QLabel(" &nbsp; ".join(
            f'<span style="color:{tier_color(t).name()}">■</span> {TIER_HELP[t]}'
            for t in TIERS).replace("Tier ", ""))
        legend.setWordWrap(True)
        note = QLabel("Bars: this form's profile, re-scored as you type. Dashed outlines: the "
                      "profile stored in the project. Numbers in colour: the change.")
        note.setWordWrap(True)
        note.setEnabled(False)
        box.addLayout(top)
        box.addWidget(self.chart, 1)
        box.addWidget(self.summary)
        box.addWidget(legend)
        box.addWidget(note)
        return panel

    # -- loading -------------------------------------------------------------------------
    def _reload(self) -> None:
        """Read the feature frame (and the saved profile's counts) on a worker."""
        if self._loading is not None and not self._loading.done:
            return
        self.chart_status.setText("Loading people…")
        self._loading = self.ctx.run(load_preview, title="Reading people for the ICP preview",
                                     on_success=self._loaded, show_progress=False,
                                     cancellable=False)

    def _loaded(self, preview: Preview) -> None:
        self._frame = preview.frame
        was_saved = self._is_saved_profile()
        self._saved = preview.saved
        self.form.set_suggestions(preview.vocabulary)
        if was_saved and not self._same(self._current_or_none(), preview.saved):
            self.form.set_profile(preview.saved)  # someone else stored a new profile
        self.chart.set_counts(preview.baseline, baseline=preview.baseline)
        self._update_dirty()
        self._generation += 1
        self._request(self._generation)

    def _data_changed(self, tables: frozenset[str]) -> None:
        if tables & RELOAD_ON and not self._applying:
            self._reload()

    # -- live preview --------------------------------------------------------------------
    def _edited(self) -> None:
        self._generation += 1
        self._update_dirty()
        self._timer.start()

    def _rescore(self) -> None:
        self._request(self._generation)

    def _request(self, generation: int) -> None:
        try:
            profile = self.form.profile()
        except GtmError:
            self.chart_status.setText("Fix the profile to update the chart")
            return
        self.chart.set_thresholds(profile.tiers)
        if self._frame is None:
            return
        if self._running is not None and not self._running.done:
            self._pending = (generation, profile)  # run it when the current one finishes
            return
        frame = self._frame
        self.chart_status.setText("Updating…")
        self._running = run_op(lambda _p, _c: tier_counts(frame, profile),
                               on_success=lambda counts: self._scored(generation, counts),
                               on_failure=self._preview_failed, parent=self,
                               title="ICP preview")
        self._running.finished.connect(self._next)

    def _scored(self, generation: int, counts: dict[str, int]) -> None:
        if generation != self._generation:
            return  # stale: a newer edit is on its way
        self.chart.set_counts(counts)
        total = sum(counts.values())
        ab = counts["A"] + counts["B"]
        share = 100 * ab / total if total else 0
        self.summary.setText(f"<b>{ab:,}</b> of {total:,} people in tiers A or B "
                             f"({share:.0f}%).")
        self.chart_status.setText("")

    def _preview_failed(self, exc: BaseException, _details: str) -> None:
        self.chart_status.setText("Preview failed")
        self.form.show_error(str(exc) if isinstance(exc, GtmError) else
                             f"The preview failed: {type(exc).__name__}: {exc}")

    def _next(self) -> None:
        if self._pending is not None:
            generation, _profile = self._pending
            self._pending = None
            if generation == self._generation:
                self._request(generation)

    # -- profile actions -----------------------------------------------------------------
    def _current_or_none(self) -> IcpProfile | None:
        try:
            return IcpProfile.from_dict(self.form.values(), source="ICP profile")
        except GtmError:
            return None

    @staticmethod
    def _same(a: IcpProfile | None, b: IcpProfile | None) -> bool:
        return a is not None and b is not None and a.to_dict() == b.to_dict()

    def _is_saved_profile(self) -> bool:
        return self._same(self._current_or_none(), self._saved)

    def _update_dirty(self) -> None:
        self.dirty_label.setVisible(not self._is_saved_profile())

    def load_profile_file(self, path: str | Path) -> bool:
        """Put the profile in ``path`` in the form; errors are shown inline."""
        try:
            profile = IcpProfile.load(path)
        except GtmError as err:
            self.form.show_error(str(err))
            return False
        self.form.set_profile(profile)
        self.ctx.status(f"Loaded the ICP profile '{profile.name}' from {Path(path).name}")
        return True

    def save_profile_file(self, path: str | Path) -> bool:
        """Write the form's profile to ``path`` (.toml or .json)."""
        try:
            self.form.profile().save(path)
        except GtmError as err:
            self.form.show_error(str(err))
            return False
        except OSError as err:
            self.ctx.show_error(err)
            return False
        self.ctx.status(f"Saved the ICP profile to {Path(path).name}")
        return True

    def _choose_load(self) -> None:
        folder = self.ctx.settings.folder(LAST_IMPORT_DIR)
        path, _ = QFileDialog.getOpenFileName(self, "Load ICP profile", folder, PROFILE_FILTER)
        if path:
            self.ctx.settings.remember_folder(LAST_IMPORT_DIR, path)
            self.load_profile_file(path)

    def _choose_save(self) -> None:
        folder = self.ctx.settings.folder(LAST_EXPORT_DIR)
        name = (self.form.name.text().strip() or "icp_profile").replace("/", "-")
        path, chosen = QFileDialog.getSaveFileName(self, "Save ICP profile as",
                                                   str(Path(folder) / f"{name}.toml"),
                                                   PROFILE_FILTER)
        if path:
            if not Path(path).suffix:
                path += ".json" if "JSON" in chosen else ".toml"
            self.ctx.settings.remember_folder(LAST_EXPORT_DIR, path)
            self.save_profile_file(path)

    def reset_to_default(self) -> None:
        """Put the shipped default profile in the form (not stored until Apply)."""
        self.form.set_profile(IcpProfile.default())
        self.ctx.status("The form holds the default ICP profile; Apply to use it")

    def apply(self) -> OpHandle | None:
        """Store the form's profile in the project and re-score everyone with it."""
        try:
            profile = self.form.profile()
        except GtmError:
            return None

        def op(project: Project, progress: Any, cancelled: Any) -> dict[str, Any]:
            return scoring.score_project(project, profile=profile, progress=progress,
                                         cancelled=cancelled)

        def done(stats: dict[str, Any]) -> None:
            self._applying = False
            self._saved = profile
            self._update_dirty()
            tiers = stats.get("tiers", {})
            self.ctx.status(f"Re-scored {stats.get('people', 0):,} people: " + ", ".join(
                f"{t} {tiers.get(t, 0):,}" for t in TIERS))
            self._reload()  # matches may have changed; the outlines become the new counts

        def failed(exc: BaseException, details: str) -> None:
            self._applying = False
            self.ctx.show_error(exc, details)

        def cancelled_() -> None:
            self._applying = False

        self._applying = True
        return self.ctx.run(op, title="Re-scoring everyone with the ICP profile",
                            on_success=done, on_failure=failed, on_cancel=cancelled_,
                            writes={"people", "opportunities", "settings"})

    # -- page hooks ----------------------------------------------------------------------
    def preview_idle(self) -> bool:
        """True once the people are loaded and the chart shows the form's latest edit."""
        return (self._frame is not None and not self._timer.isActive()
                and (self._running is None or self._running.done) and self._pending is None
                and (self._loading is None or self._loading.done))

    def busy(self) -> bool:
        """True while the profile has unapplied edits or a re-score is running."""
        return self._applying or not self._is_saved_profile()


def make_page(ctx: PageContext) -> QWidget:
    """The "ICP profile" page."""
    return IcpPage(ctx)

