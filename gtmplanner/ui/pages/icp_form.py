"""The ICP profile as a form: every criterion with its points, and the tier thresholds.

:class:`IcpForm` only shows and collects values: :meth:`IcpForm.profile`
builds an :class:`~gtmplanner.core.icp_profile.IcpProfile` through
``IcpProfile.from_dict`` (the core's validation), so the form, a ``.toml``
file and the command line accept exactly the same profiles. Settings the form
does not show (industry synonyms) are carried over from the loaded profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core.errors import GtmError
from gtmplanner.core.icp_profile import IcpProfile
from gtmplanner.core.persona import DEPARTMENTS, SENIORITY_LABELS, SENIORITY_LEVELS
from gtmplanner.ui.widgets.list_editor import ListEditor

_DEPT_LABELS = {"revops": "RevOps", "it": "IT", "hr": "HR",
                "customer_success": "Customer success"}
_INVALID_STYLE = "border: 1px solid #c0392b; border-radius: 3px;"
_NAMED_REGIONS = ("North America", "LATAM", "DACH", "UK&I", "Nordics", "Benelux", "ANZ",
                  "APAC", "Europe", "EMEA")

TIPS: dict[str, str] = {
    "industries": "Industries that fit. A person gets the points when their matched account's "
                  "industry is in this list, or a synonym of one ('SaaS' counts as Software).",
    "employees": "Employee count of the matched account. Full points inside the range, half "
                 "within twice outside it. 'No limit' as the maximum means no upper bound.",
    "revenue": "Annual revenue of the matched account (in the account list's currency). Full "
               "points inside the range, half within twice outside it.",
    "geography": "Where the company is headquartered (the person's own country when no account "
                 "is matched). Regions may be named groups: " + ", ".join(_NAMED_REGIONS) + ".",
    "technologies_integrate": "Tools we integrate with. Points once when the account's "
                              "technographics list any of them.",
    "competitor_products": "Competitor products. Negative points: a competing tool makes a "
                           "worse fit. Positive points: a displacement play.",
    "target_departments": "Departments we sell to, read from the department column or the job "
                          "title ('VP, Mktg' is marketing).",
    "seniority_points": "Points per seniority level, read from the title ('Sr. Dir. Demand "
                        "Gen' is director-level).",
    "budget_holder_bonus": "Extra points for people who control a budget: director-level and "
                           "above, or a budget-holder title.",
    "intent_topics": "Intent topics the account is researching (from the intent data). Points "
                     "once when any topic matches.",
    "funding": "Points when the account raised money within this many months.",
    "hiring_signal_weight": "Points when the account shows a hiring surge.",
    "leadership_change_weight": "Points when the account had a leadership change (a new buyer "
                                "re-evaluates tools).",
    "no_valid_email": "Penalty when the e-mail address is missing or malformed.",
    "free_mail": "Penalty for a free-mail address (gmail, outlook…): it says nothing about the "
                 "employer.",
    "intern_or_student": "Penalty for interns and students.",
    "tiers": "A score (0–100, the sum of the points above) at or above A's threshold is tier A; "
             "at or above B's is B; at or above C's is C; anything lower is D.",
}


def _points(minimum: int = -100, maximum: int = 100) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSuffix(" pts")
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("-100 pts") + 36)
    return spin


def _amount(maximum: float, special: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setDecimals(0)
    spin.setRange(0, maximum)
    spin.setGroupSeparatorShown(True)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    if special:
        spin.setSpecialValueText(special)
    return spin


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setEnabled(False)  # the palette's muted text colour
    return label


class IcpForm(QWidget):
    """Criteria and weights of an ICP profile; emits :attr:`changed` after each edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base = IcpProfile()
        self._loading = False
        self._fields: dict[str, QWidget] = {}
        self.error_label = QLabel()
        self.error_label.setObjectName("icpError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b; font-weight: 600;")
        self.error_label.hide()

        self.name = QLineEdit()
        self.description = QLineEdit()
        head = QFormLayout()
        head.addRow("Profile name", self.name)
        head.addRow("Description", self.description)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(10)
        layout.addWidget(self.error_label)
        layout.addLayout(head)
        layout.addWidget(self._firmographics())
        layout.addWidget(self._technographics())
        layout.addWidget(self._persona())
        layout.addWidget(self._triggers())
        layout.addWidget(self._penalties())
        layout.addWidget(self._tiers())
        layout.addStretch(1)
        self._connect()

    # -- building ------------------------------------------------------------------------------
    def _group(self, title: str, subtitle: str) -> tuple[QGroupBox, QGridLayout]:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        grid.addWidget(_hint(subtitle), 0, 0, 1, 2)
        head = QLabel("Points")
        head.setEnabled(False)
        grid.addWidget(head, 0, 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        return box, grid

    def _row(self, grid: QGridLayout, label: str, editor: QWidget | None, points: QWidget | None,
             tip: str) -> None:
        row = grid.rowCount()
        caption = QLabel(label)
        caption.setToolTip(tip)
        caption.setWordWrap(True)
        caption.setFixedWidth(caption.fontMetrics().horizontalAdvance("Competitor products") + 10)
        grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        for widget in (editor, points):
            if widget is not None:
                widget.setToolTip(tip)
                for child in widget.findChildren(QWidget):
                    if not child.toolTip():
                        child.setToolTip(tip)
        if editor is not None:
            grid.addWidget(editor, row, 1)
        if points is not None:
            grid.addWidget(points, row, 2, Qt.AlignmentFlag.AlignTop)

    def _range(self, low: QWidget, high: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(low, 1)
        row.addWidget(QLabel("to"))
        row.addWidget(high, 1)
        return box

    def _firmographics(self) -> QGroupBox:
        box, grid = self._group("Firmographics", "Who fits: the matched account's industry, "
                                "size and location.")
        self.industries = ListEditor("Add an industry…", rows=5)
        self.industry_weight = _points()
        self._row(grid, "Industries", self.industries, self.industry_weight, TIPS["industries"])
        self.employees_min = _amount(10_000_000)
        self.employees_max = _amount(10_000_000, "no limit")
        self.employees_weight = _points()
        self._row(grid, "Employees", self._range(self.employees_min, self.employees_max),
                  self.employees_weight, TIPS["employees"])
        self.revenue_min = _amount(1e13)
        self.revenue_max = _amount(1e13, "no limit")
        self.revenue_weight = _points()
        self._row(grid, "Revenue", self._range(self.revenue_min, self.revenue_max),
                  self.revenue_weight, TIPS["revenue"])
        self.countries = ListEditor("Add a country…", rows=3)
        self.regions = ListEditor("Add a region…", rows=3)
        self.regions.set_suggestions(_NAMED_REGIONS)
        geo = QWidget()
        pair = QHBoxLayout(geo)
        pair.setContentsMargins(0, 0, 0, 0)
        pair.addWidget(self.countries)
        pair.addWidget(self.regions)
        self.geography_weight = _points()
        self._row(grid, "Countries, regions", geo, self.geography_weight, TIPS["geography"])
        self._fields.update(industries=self.industries, industry_weight=self.industry_weight,
                            employees_min=self.employees_min, employees_max=self.employees_max,
                            employees_weight=self.employees_weight, revenue_min=self.revenue_min,
                            revenue_max=self.revenue_max, revenue_weight=self.revenue_weight,
                            countries=self.countries, regions=self.regions,
                            geography_weight=self.geography_weight)
        return box

    def _technographics(self) -> QGroupBox:
        box, grid = self._group("Technographics", "The tools the account uses.")
        self.technologies_integrate = ListEditor("Add a tool…", rows=3)
        self.integrate_weight = _points()
        self._row(grid, "We integrate with", self.technologies_integrate, self.integrate_weight,
                  TIPS["technologies_integrate"])
        self.competitor_products = ListEditor("Add a competitor product…", rows=3)
        self.competitor_weight = _points()
        self._row(grid, "Competitor products", self.competitor_products, self.competitor_weight,
                  TIPS["competitor_products"])
        self._fields.update(technologies_integrate=self.technologies_integrate,
                            integrate_weight=self.integrate_weight,
                            competitor_products=self.competitor_products,
                            competitor_weight=self.competitor_weight)
        return box

    def _persona(self) -> QGroupBox:
        box, grid = self._group("Persona", "Who the person is: department, seniority, budget.")
        depts = QWidget()
        dgrid = QGridLayout(depts)
        dgrid.setContentsMargins(0, 0, 0, 0)
        dgrid.setVerticalSpacing(2)
        self.departments: dict[str, QCheckBox] = {}
        for i, dept in enumerate(DEPARTMENTS):
            check = QCheckBox(_DEPT_LABELS.get(dept, dept.replace("_", " ").capitalize()))
            self.departments[dept] = check
            dgrid.addWidget(check, i // 3, i % 3)
        self.department_weight = _points()
        self._row(grid, "Target departments", depts, self.department_weight,
                  TIPS["target_departments"])
        levels = QWidget()
        lgrid = QGridLayout(levels)
        lgrid.setContentsMargins(0, 0, 0, 0)
        lgrid.setVerticalSpacing(4)
        self.seniority: dict[str, QSpinBox] = {}
        for i, level in enumerate(SENIORITY_LEVELS):
            spin = _points()
            self.seniority[level] = spin
            r, c = divmod(i, 2)
            lgrid.addWidget(QLabel(SENIORITY_LABELS.get(level, level)), r, 2 * c)
            lgrid.addWidget(spin, r, 2 * c + 1)
        lgrid.setColumnStretch(0, 1)
        lgrid.setColumnStretch(2, 1)
        self._row(grid, "Seniority", levels, None, TIPS["seniority_points"])
        self.budget_holder_bonus = _points()
        self._row(grid, "Budget holder", _hint("Director-level and above, or a budget title"),
                  self.budget_holder_bonus, TIPS["budget_holder_bonus"])
        self._fields.update(target_departments=depts, department_weight=self.department_weight,
                            seniority_points=levels,
                            budget_holder_bonus=self.budget_holder_bonus)
        return box

    def _triggers(self) -> QGroupBox:
        box, grid = self._group("Buying triggers", "When they are in-market.")
        self.intent_topics = ListEditor("Add an intent topic…", rows=3)
        self.intent_weight = _points()
        self._row(grid, "Intent topics", self.intent_topics, self.intent_weight,
                  TIPS["intent_topics"])
        self.funding_within_months = QSpinBox()
        self.funding_within_months.setRange(0, 120)
        self.funding_within_months.setPrefix("within ")
        self.funding_within_months.setSuffix(" months")
        self.funding_weight = _points()
        months = QWidget()
        mrow = QHBoxLayout(months)
        mrow.setContentsMargins(0, 0, 0, 0)
        mrow.addWidget(self.funding_within_months)
        mrow.addStretch(1)
        self._row(grid, "Recent funding", months, self.funding_weight, TIPS["funding"])
        self.hiring_signal_weight = _points()
        self._row(grid, "Hiring surge", _hint("The account is hiring fast"),
                  self.hiring_signal_weight, TIPS["hiring_signal_weight"])
        self.leadership_change_weight = _points()
        self._row(grid, "Leadership change", _hint("A new leader re-evaluates tools"),
                  self.leadership_change_weight, TIPS["leadership_change_weight"])
        self._fields.update(intent_topics=self.intent_topics, intent_weight=self.intent_weight,
                            funding_within_months=self.funding_within_months,
                            funding_weight=self.funding_weight,
                            hiring_signal_weight=self.hiring_signal_weight,
                            leadership_change_weight=self.leadership_change_weight)
        return box

    def _penalties(self) -> QGroupBox:
        box, grid = self._group("Penalties", "Points taken off (negative numbers).")
        self.no_valid_email = _points()
        self._row(grid, "No valid e-mail", _hint("Missing or malformed address"),
                  self.no_valid_email, TIPS["no_valid_email"])
        self.free_mail = _points()
        self._row(grid, "Free-mail address", _hint("gmail.com, outlook.com, yahoo.com…"),
                  self.free_mail, TIPS["free_mail"])
        self.intern_or_student = _points()
        self._row(grid, "Intern or student", _hint("From the title or seniority"),
                  self.intern_or_student, TIPS["intern_or_student"])
        self._fields.update(no_valid_email=self.no_valid_email, free_mail=self.free_mail,
                            intern_or_student=self.intern_or_student)
        return box

    def _tiers(self) -> QGroupBox:
        box = QGroupBox("Tiers")
        box.setToolTip(TIPS["tiers"])
        row = QHBoxLayout(box)
        self.tier_spins: dict[str, QSpinBox] = {}
        for tier in ("A", "B", "C"):
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setPrefix("≥ ")
            spin.setToolTip(TIPS["tiers"])
            self.tier_spins[tier] = spin
            row.addWidget(QLabel(f"<b>{tier}</b>"))
            row.addWidget(spin)
            row.addSpacing(12)
        row.addWidget(_hint("D is everything below C"), 1)
        self._fields["tiers"] = box
        return box

    def _connect(self) -> None:
        for widget in self.findChildren(QWidget):
            if isinstance(widget, ListEditor):
                widget.changed.connect(self._edited)
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.valueChanged.connect(self._edited)
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(self._edited)
        self.name.textEdited.connect(self._edited)
        self.description.textEdited.connect(self._edited)

    def _edited(self, *_: Any) -> None:
        if not self._loading:
            self.changed.emit()

    # -- values ----------------------------------------------------------------------------
    def set_profile(self, profile: IcpProfile) -> None:
        """Show ``profile`` (emits :attr:`changed` once)."""
        self._base = profile
        self._loading = True
        try:
            p = profile
            self.name.setText(p.name)
            self.description.setText(p.description)
            for key in ("industries", "countries", "regions", "technologies_integrate",
                        "competitor_products", "intent_topics"):
                editor = getattr(self, key)
                assert isinstance(editor, ListEditor)
                editor.set_items(getattr(p, key))
            for key in ("industry_weight", "employees_weight", "revenue_weight",
                        "geography_weight", "integrate_weight", "competitor_weight",
                        "department_weight", "budget_holder_bonus", "intent_weight",
                        "funding_within_months", "funding_weight", "hiring_signal_weight",
                        "leadership_change_weight", "no_valid_email", "free_mail",
                        "intern_or_student"):
                getattr(self, key).setValue(int(getattr(p, key)))
            for key in ("employees_min", "employees_max", "revenue_min", "revenue_max"):
                getattr(self, key).setValue(float(getattr(p, key)))
            for dept, check in self.departments.items():
                check.setChecked(dept in p.target_departments)
            for level, spin in self.seniority.items():
                spin.setValue(int(p.seniority_points.get(level, 0)))
            for tier, spin in self.tier_spins.items():
                spin.setValue(int(p.tiers.get(tier, 0)))
        finally:
            self._loading = False
        self.clear_error()
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        """The form's settings, nested by section like a profile file."""
        base = self._base.to_dict()
        levels = {level: spin.value() for level, spin in self.seniority.items()
                  if level in self._base.seniority_points or spin.value() != 0}
        base.update(name=self.name.text().strip() or "Unnamed profile",
                    description=self.description.text().strip())
        base["firmographics"].update(
            industries=self.industries.items(), industry_weight=self.industry_weight.value(),
            employees_min=self.employees_min.value(), employees_max=self.employees_max.value(),
            employees_weight=self.employees_weight.value(),
            revenue_min=self.revenue_min.value(), revenue_max=self.revenue_max.value(),
            revenue_weight=self.revenue_weight.value(), countries=self.countries.items(),
            regions=self.regions.items(), geography_weight=self.geography_weight.value())
        base["technographics"].update(
            technologies_integrate=self.technologies_integrate.items(),
            integrate_weight=self.integrate_weight.value(),
            competitor_products=self.competitor_products.items(),
            competitor_weight=self.competitor_weight.value())
        base["persona"].update(
            target_departments=[d for d, c in self.departments.items() if c.isChecked()],
            department_weight=self.department_weight.value(), seniority_points=levels,
            budget_holder_bonus=self.budget_holder_bonus.value())
        base["triggers"].update(
            intent_topics=self.intent_topics.items(), intent_weight=self.intent_weight.value(),
            funding_within_months=self.funding_within_months.value(),
            funding_weight=self.funding_weight.value(),
            hiring_signal_weight=self.hiring_signal_weight.value(),
            leadership_change_weight=self.leadership_change_weight.value())
        base["penalties"].update(no_valid_email=self.no_valid_email.value(),
                                 free_mail=self.free_mail.value(),
                                 intern_or_student=self.intern_or_student.value())
        base["tiers"] = {t: s.value() for t, s in self.tier_spins.items()}
        return base

    def profile(self) -> IcpProfile:
        """The profile the form describes; a :class:`GtmError` (one line) when it is invalid.

        The error is also shown above the form, and the field it names is outlined.
        """
        try:
            profile = IcpProfile.from_dict(self.values(), source="ICP profile")
        except GtmError as err:
            self.show_error(str(err))
            raise
        self.clear_error()
        return profile

    def set_suggestions(self, vocabulary: dict[str, Iterable[str]]) -> None:
        """Autocomplete for the list editors: ``{"industries": [...], "countries": [...]}``."""
        for key, values in vocabulary.items():
            editor = getattr(self, key, None)
            if isinstance(editor, ListEditor):
                editor.set_suggestions(values)

    # -- inline errors ---------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """Show ``message`` above the form and outline the field it is about."""
        self.clear_error()
        self.error_label.setText(message)
        self.error_label.show()
        widget = self._fields.get(self._field_of(message))
        if widget is not None:
            widget.setProperty("invalid", True)
            self._outline(widget, True)

    def clear_error(self) -> None:
        """Hide the error and the outlines."""
        self.error_label.hide()
        self.error_label.clear()
        for widget in self._fields.values():
            if widget.property("invalid"):
                widget.setProperty("invalid", False)
                self._outline(widget, False)

    def error_text(self) -> str:
        """The error shown now ('' when the form is valid)."""
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    @staticmethod
    def _field_of(message: str) -> str:
        m = re.search(r"setting '([a-z_]+)'|in (target_departments|seniority_points)\b"
                      r"|\b(tiers)\b", message)
        if not m:
            return ""
        return next(g for g in m.groups() if g)

    def _outline(self, widget: QWidget, on: bool) -> None:
        if widget is self._fields.get("tiers"):
            targets: list[QWidget] = list(self.tier_spins.values())
        elif isinstance(widget, ListEditor):
            targets = [widget.list]
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            targets = [widget]
        else:
            targets = []  # a group of checkboxes or spins: the message says which
        for target in targets:
            if not target.objectName():
                target.setObjectName(f"field{id(target)}")
            target.setStyleSheet(f"#{target.objectName()} {{ {_INVALID_STYLE} }}" if on else "")
