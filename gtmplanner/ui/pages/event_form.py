"""The event's details as a form: picker, name, city (autocompleted, resolved), dates, venues.

:class:`EventForm` resolves the city through the offline gazetteer
(:func:`gtmplanner.core.geo.suggest_places` while typing,
:func:`~gtmplanner.core.geo.find_place` on Enter or when a suggestion is picked)
and saves with :meth:`gtmplanner.core.store.Project.ensure_event` on the writer
thread. It tells the page where the event is through :attr:`EventForm.place_changed`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from gtmplanner.core import geo
from gtmplanner.core.errors import GtmError
from gtmplanner.core.gazetteer import Place
from gtmplanner.core.store import Project
from gtmplanner.ui.context import PageContext
from gtmplanner.ui.workers import OpHandle

NEW_EVENT = "New event…"
BLANK_DATE = QDate(2000, 1, 1)
VENUE_FIELDS = (("venue", "Venue", "Hynes Convention Center"), ("booth", "Booth", "412"),
                ("dinner_venue", "Dinner", "Saltie Girl, Back Bay"),
                ("happy_hour_venue", "Happy hour", "The Lawn on D"))


def place_text(event: dict[str, Any] | None) -> str:
    """The event's place as typed in the city box: "Boston, MA, US"."""
    if not event:
        return ""
    return ", ".join(str(event[k]) for k in ("city", "region", "country") if event.get(k))


def event_place(event: dict[str, Any] | None) -> Place | None:
    """The stored location of ``event`` as a place (None when it has no coordinates)."""
    if not event or event.get("latitude") is None or event.get("longitude") is None:
        return None
    return Place(str(event.get("city") or event["name"]), event.get("region"),
                 str(event.get("country") or ""), float(event["latitude"]),
                 float(event["longitude"]), 0, None)


class EventForm(QGroupBox):
    """Pick the event to plan and edit where and when it is."""

    place_changed = Signal()  # the resolved place changed (read :attr:`place`)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__("Event", parent)
        self.ctx = ctx
        self.place: Place | None = None
        self._saved: dict[str, Any] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.picker = QComboBox()
        self.picker.setToolTip("The event this window plans; pick another or start a new one")
        self.picker.activated.connect(self._picked)
        form.addRow("Plan for", self.picker)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. RevOps Summit Boston 2026")
        form.addRow("Name", self.name_edit)
        self.city_edit = QLineEdit()
        self.city_edit.setPlaceholderText("City, e.g. Boston, MA")
        self.city_edit.setToolTip("Type a city and pick a suggestion (offline gazetteer); "
                                  "Enter resolves what you typed")
        self._suggestions = QStringListModel(self)
        self.completer = QCompleter(self._suggestions, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.city_edit.setCompleter(self.completer)
        self.city_edit.textEdited.connect(self._city_typed)
        self.city_edit.editingFinished.connect(self.resolve_city)
        self.completer.activated.connect(lambda text: self.resolve_city(text))
        form.addRow("City", self.city_edit)
        self.place_label = QLabel()
        self.place_label.setWordWrap(True)
        self.place_label.setEnabled(False)
        form.addRow("", self.place_label)
        self.start_edit, self.end_edit = self._date_edit(), self._date_edit()
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit, 1)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.end_edit, 1)
        form.addRow("Dates", dates)
        self.text_edits: dict[str, QLineEdit] = {}
        for key, label, example in VENUE_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(f"e.g. {example}")
            self.text_edits[key] = edit
            form.addRow(label, edit)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        form.addRow(self.error_label)
        self.save_button = QPushButton("Save event")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Store the event's details in the project")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Show the event as it is stored")
        self.revert_button.clicked.connect(lambda: self.show_event(self.ctx.current_event))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)

    @staticmethod
    def _date_edit() -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(BLANK_DATE)
        edit.setSpecialValueText("not set")
        edit.setDate(BLANK_DATE)
        return edit

    # -- events --------------------------------------------------------------------------
    def fill_picker(self) -> None:
        """List the project's events (and "New event…"), the planned one selected."""
        current = self.ctx.current_event
        self.picker.blockSignals(True)
        self.picker.clear()
        for ev in self.ctx.project.events():
            self.picker.addItem(ev["name"])
        self.picker.addItem(NEW_EVENT)
        if current is not None:
            self.picker.setCurrentText(current["name"])
        else:
            self.picker.setCurrentIndex(self.picker.count() - 1)
        self.picker.blockSignals(False)

    def _picked(self, index: int) -> None:
        text = self.picker.itemText(index)
        if text == NEW_EVENT:
            self.show_event(None)
            self.name_edit.setFocus()
        else:
            self.ctx.set_event(text)  # the page reloads through ctx.event_changed
            self.show_event(self.ctx.current_event)

    def show_event(self, event: dict[str, Any] | None) -> None:
        """Fill the form with ``event`` (blank for a new one); emits :attr:`place_changed`."""
        self.error_label.hide()
        self.name_edit.setText(event["name"] if event else "")
        self.name_edit.setReadOnly(event is not None)
        self.name_edit.setToolTip("Renaming is not supported yet; pick 'New event…' to add "
                                  "another" if event else "The event's name")
        self.city_edit.setText(place_text(event))
        for edit, key in ((self.start_edit, "start_date"), (self.end_edit, "end_date")):
            date = QDate.fromString(str((event or {}).get(key) or ""), "yyyy-MM-dd")
            edit.setDate(date if date.isValid() else BLANK_DATE)
        for key, edit in self.text_edits.items():
            edit.setText(str((event or {}).get(key) or ""))
        self.place = event_place(event)
        if self.place is None and event and event.get("city"):
            self.resolve_city(place_text(event))
        self._saved = self.fields() if event else {}
        self._show_place()
        self.place_changed.emit()

    # -- the city ------------------------------------------------------------------------
    def _city_typed(self, text: str) -> None:
        self._suggestions.setStringList(geo.suggest_places(text, 10) if len(text) >= 2 else [])

    def suggestions(self) -> list[str]:
        """What the city box offers now."""
        return self._suggestions.stringList()

    def resolve_city(self, text: str | None = None) -> Place | None:
        """Resolve the city box (or ``text``) to a place and show it; None when unknown."""
        text = (text if text is not None else self.city_edit.text()).strip()
        if not text:
            if self.place is not None:
                self.place = None
                self._show_place()
                self.place_changed.emit()
            return None
        p = self.place
        if p is not None and text in (p.label, ", ".join(x for x in (p.name, p.region,
                                                                     p.country) if x)):
            return p
        try:
            place = geo.find_place(text)
        except GtmError as err:
            self.place_label.setText(f'<span style="color:#c0392b">{err}</span>')
            self.place_label.setEnabled(True)
            return None
        self.place = place
        if self.city_edit.text().strip() != place.label:
            self.city_edit.setText(place.label)
        self._show_place()
        self.place_changed.emit()
        return place

    def _show_place(self) -> None:
        self.place_label.setEnabled(False)
        p = self.place
        self.place_label.setText(f"{p.label} · {p.latitude:.4f}, {p.longitude:.4f}"
                                 if p else "No location yet")

    # -- saving --------------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        """The event columns the form sets (``None`` for blanks)."""
        def day(edit: QDateEdit) -> str | None:
            return None if edit.date() == BLANK_DATE else edit.date().toString("yyyy-MM-dd")

        p = self.place
        values: dict[str, Any] = {
            "city": p.name if p else None, "region": p.region if p else None,
            "country": p.country if p else None,
            "latitude": round(p.latitude, 6) if p else None,
            "longitude": round(p.longitude, 6) if p else None,
            "start_date": day(self.start_edit), "end_date": day(self.end_edit)}
        values.update({k: e.text().strip() or None for k, e in self.text_edits.items()})
        return values

    def save(self) -> OpHandle | None:
        """Store the form as the event (created when new); problems are shown inline."""
        name = self.name_edit.text().strip()
        problem = ""
        if self.city_edit.text().strip() and self.resolve_city() is None:
            problem = "The city is not a place we know; pick one of the suggestions."
        elif not name:
            problem = "Give the event a name."
        values = self.fields()
        if not problem and values["start_date"] and values["end_date"] \
                and values["end_date"] < values["start_date"]:
            problem = "The event cannot end before it starts."
        self.error_label.setText(problem)
        self.error_label.setVisible(bool(problem))
        if problem:
            return None

        def op(project: Project, _progress: Any, _cancelled: Any) -> int:
            return project.ensure_event(name, **values)

        def done(_event_id: int) -> None:
            self._saved = values
            self.ctx.set_event(name)
            self.ctx.status(f"Saved the event '{name}'")

        return self.ctx.run(op, title="Saving the event", on_success=done, writes={"events"},
                            show_progress=False)

    def error_text(self) -> str:
        """The problem shown now ('' when none)."""
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def dirty(self) -> bool:
        """True when the form differs from the stored event."""
        return bool(self._saved) and self.fields() != self._saved
