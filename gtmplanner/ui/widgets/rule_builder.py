"""RuleBuilder: a segment rule as nestable AND/OR groups of field / operator / value rows.

The builder edits the plain rule tree of :mod:`gtmplanner.core.segment_syntax`
(``{"op": "and", "rules": [...]}``, ``{"op": "not", "rule": ...}``, conditions
``{"field", "cmp", "value"}``): :meth:`RuleBuilder.set_tree` shows a tree,
:meth:`RuleBuilder.tree` reads it back, and ``changed`` fires after every edit.
Rows that are not finished yet (no value typed) are left out of the tree. The
builder knows nothing about counting: the page does that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core.segment_syntax import KM_PER_MILE, LOCATION_FIELD, NO_VALUE_CMPS
from gtmplanner.ui.columns import column_label

#: What each comparison is called in the builder.
CMP_LABELS = {
    "eq": "is", "ne": "is not", "in": "is any of", "not_in": "is none of",
    "contains": "contains", "not_contains": "does not contain", "starts_with": "starts with",
    "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "between": "between",
    "empty": "is empty", "not_empty": "is not empty", "is_true": "is yes", "is_false": "is no",
    "within": "within",
}
#: The comparisons offered for each field type, in menu order.
CMPS_BY_KIND = {
    "text": ("eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "empty",
             "not_empty"),
    "number": ("ge", "gt", "le", "lt", "between", "eq", "ne", "in", "not_in", "empty",
               "not_empty"),
    "date": ("ge", "gt", "le", "lt", "between", "eq", "ne", "empty", "not_empty"),
    "bool": ("is_true", "is_false", "empty", "not_empty"),
    "list": ("in", "not_in", "contains", "not_contains", "starts_with", "empty", "not_empty"),
    "location": ("within",),
}
DATE_CMP_LABELS = {"lt": "before", "le": "on or before", "gt": "after", "ge": "on or after"}
LIST_CMP_LABELS = {"in": "includes any of", "not_in": "includes none of"}
#: Group modes: label -> (op, negated).
GROUP_MODES = (("All of these", "and", False), ("Any of these", "or", False),
               ("None of these", "or", True), ("Not all of these", "and", True))
#: Fields people pick most, shown first.
COMMON_FIELDS = ("tier", "score", "mql", "engagement_score", "title", "seniority", "department",
                 "company", "account_industry", "account_employees", "country", "region", "city",
                 "distance_mi", LOCATION_FIELD, "registration_type", "attended", "retarget",
                 "is_customer", "has_open_deal", "opted_out", "email")
#: Bookkeeping columns nobody segments on.
HIDDEN_FIELDS = frozenset({"extra", "sources", "first_import_id", "last_import_id", "updated_at",
                           "company_key", "name_key", "match_candidates", "reasons",
                           "mql_reasons", "account_id", "retarget_opp_id", "external_id"})


def cmp_label(cmp: str, kind: str) -> str:
    """The words shown for ``cmp`` on a field of ``kind``."""
    if kind == "date" and cmp in DATE_CMP_LABELS:
        return DATE_CMP_LABELS[cmp]
    if kind == "list" and cmp in LIST_CMP_LABELS:
        return LIST_CMP_LABELS[cmp]
    return CMP_LABELS.get(cmp, cmp)


def value_text(value: Any) -> str:
    """One value as the editor shows it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def parse_value(text: str, kind: str) -> Any:
    """Typed text as a tree value: numbers for number fields, yes/no for yes/no fields."""
    text = text.strip()
    if kind == "number":
        plain = text.replace(",", "")
        try:
            return int(plain)
        except ValueError:
            try:
                return float(plain)
            except ValueError:
                return text  # validation names the problem
    if kind == "bool" and text.lower() in ("yes", "true", "no", "false"):
        return text.lower() in ("yes", "true")
    return text


def split_list(text: str) -> list[str]:
    """'A, B, C' -> ['A', 'B', 'C'] (blank items dropped)."""
    return [p.strip() for p in text.split(",") if p.strip()]


class ListCompleter(QCompleter):
    """Completes the item after the last comma of a comma-separated list."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: Any) -> str:  # noqa: N802 - Qt override
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head = text.rsplit(",", 1)[0] + ", " if "," in text else ""
        return head + str(index.data())


class ConditionRow(QWidget):
    """One condition: field, comparison, value editor, remove button."""

    changed = Signal()
    remove_requested = Signal(object)  # this row

    def __init__(self, builder: RuleBuilder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conditionRow")
        self.builder = builder
        self.field_combo = QComboBox(self)
        self.field_combo.setObjectName("fieldCombo")
        self.field_combo.setMaxVisibleItems(24)
        x = self.fontMetrics().horizontalAdvance("x")
        self.field_combo.setFixedWidth(x * 26)
        self.cmp_combo = QComboBox(self)
        self.cmp_combo.setObjectName("cmpCombo")
        self.cmp_combo.setFixedWidth(x * 18)
        self.spacer = QWidget(self)
        self.spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.value_edit = QLineEdit(self)
        self.value_edit.setObjectName("valueEdit")
        self.value_edit.setClearButtonEnabled(True)
        self.value_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 18)
        self.to_edit = QLineEdit(self)
        self.to_edit.setObjectName("valueTo")
        self.and_label = QLabel("and", self)
        self.radius = QDoubleSpinBox(self)
        self.radius.setRange(0.1, 20_000)
        self.radius.setDecimals(1)
        self.radius.setValue(50)
        self.unit = QComboBox(self)
        self.unit.addItems(["mi", "km"])
        self.of_label = QLabel("of", self)
        self.suggest_button = QToolButton(self)
        self.suggest_button.setText("▾")
        self.suggest_button.setToolTip("Most common values of this field")
        self.suggest_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.suggest_menu = QMenu(self.suggest_button)
        self.suggest_button.setMenu(self.suggest_menu)
        self.suggest_menu.aboutToShow.connect(self._fill_menu)
        self.remove_button = QToolButton(self)
        self.remove_button.setText("✕")
        self.remove_button.setObjectName("removeCondition")
        self.remove_button.setToolTip("Remove this condition")
        self.remove_button.setAutoRaise(True)
        self._completer_model = QStringListModel(self)
        self._completer: QCompleter | None = None
        self._values: list[tuple[str, int]] = []

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for w in (self.field_combo, self.cmp_combo, self.radius, self.unit, self.of_label):
            layout.addWidget(w)
        layout.addWidget(self.value_edit, 1)
        layout.addWidget(self.and_label)
        layout.addWidget(self.to_edit, 1)
        layout.addWidget(self.spacer, 1)
        layout.addWidget(self.suggest_button)
        layout.addWidget(self.remove_button)

        self._fill_fields()
        self.field_combo.currentIndexChanged.connect(self._field_changed)
        self.cmp_combo.currentIndexChanged.connect(self._cmp_changed)
        for edit in (self.value_edit, self.to_edit):
            edit.textChanged.connect(self.changed)
        self.radius.valueChanged.connect(self.changed)
        self.unit.currentIndexChanged.connect(self.changed)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self._field_changed()

    # -- reading and writing ----------------------------------------------------------------
    @property
    def field(self) -> str:
        return str(self.field_combo.currentData() or "")

    @property
    def kind(self) -> str:
        return self.builder.kind_of(self.field)

    @property
    def cmp(self) -> str:
        return str(self.cmp_combo.currentData() or "")

    def set_condition(self, node: Mapping[str, Any]) -> None:
        """Show one condition of a tree."""
        field = str(node.get("field") or "")
        cmp = str(node.get("cmp") or "")
        value = node.get("value")
        with _blocked(self.field_combo, self.cmp_combo, self.value_edit, self.to_edit,
                      self.radius, self.unit):
            if self.field_combo.findData(field) < 0:
                self.field_combo.addItem(f"{field} (unknown)", field)
            self.field_combo.setCurrentIndex(self.field_combo.findData(field))
            self._fill_cmps(extra=cmp)
            self.cmp_combo.setCurrentIndex(max(0, self.cmp_combo.findData(cmp)))
            if cmp == "within" and isinstance(value, Mapping):
                km = float(value.get("radius_km") or 0)
                miles = round(km / KM_PER_MILE)
                if miles > 0 and round(miles * KM_PER_MILE, 2) == km:
                    self.radius.setValue(miles)
                    self.unit.setCurrentText("mi")
                else:
                    self.radius.setValue(km)
                    self.unit.setCurrentText("km")
                self.value_edit.setText(str(value.get("place") or ""))
            elif cmp == "between" and isinstance(value, list | tuple) and len(value) == 2:
                self.value_edit.setText(value_text(value[0]))
                self.to_edit.setText(value_text(value[1]))
            elif isinstance(value, list | tuple):
                self.value_edit.setText(", ".join(value_text(v) for v in value))
            else:
                self.value_edit.setText(value_text(value))
        self._refresh_suggestions()
        self._layout_value()

    def condition(self) -> dict[str, Any] | None:
        """The condition as a tree node, or None while it is unfinished."""
        field, cmp, kind = self.field, self.cmp, self.kind
        if not field or not cmp:
            return None
        if cmp in NO_VALUE_CMPS:
            return {"field": field, "cmp": cmp}
        text = self.value_edit.text().strip()
        if cmp == "within":
            if not text:
                return None
            km = self.radius.value() * (KM_PER_MILE if self.unit.currentText() == "mi" else 1)
            return {"field": LOCATION_FIELD, "cmp": "within",
                    "value": {"place": text, "radius_km": round(km, 2)}}
        if cmp == "between":
            hi = self.to_edit.text().strip()
            if not text or not hi:
                return None
            return {"field": field, "cmp": cmp,
                    "value": [parse_value(text, kind), parse_value(hi, kind)]}
        if cmp in ("in", "not_in"):
            items = split_list(text)
            if not items:
                return None
            return {"field": field, "cmp": cmp, "value": [parse_value(v, kind) for v in items]}
        if not text:
            return None
        return {"field": field, "cmp": cmp, "value": parse_value(text, kind)}

    def is_complete(self) -> bool:
        """True when the row adds a condition to the rule."""
        return self.condition() is not None

    # -- suggestions -----------------------------------------------------------------------
    def set_suggestions(self, values: Sequence[tuple[str, int]]) -> None:
        """Offer ``values`` (most common first, with their counts) for the value."""
        self._completer_model.setStringList([v for v, _ in values])
        self._values = list(values)
        self._layout_value()

    def _fill_menu(self) -> None:
        self.suggest_menu.clear()
        values = self._values
        if not values:
            self.suggest_menu.addAction("(no suggestions)").setEnabled(False)
            return
        for value, n in values:
            action = self.suggest_menu.addAction(f"{value}    ({n:,})")
            action.triggered.connect(lambda _=False, v=value: self.pick_value(v))

    def pick_value(self, value: str) -> None:
        """Use a suggested value (lists get it appended)."""
        if self.cmp in ("in", "not_in"):
            items = split_list(self.value_edit.text())
            if value not in items:
                items.append(value)
            self.value_edit.setText(", ".join(items))
        else:
            self.value_edit.setText(value)

    # -- internals -------------------------------------------------------------------------
    def _fill_fields(self) -> None:
        with _blocked(self.field_combo):
            self.field_combo.clear()
            for name, label in self.builder.field_choices():
                if name is None:
                    self.field_combo.insertSeparator(self.field_combo.count())
                    continue
                self.field_combo.addItem(label, name)
                i = self.field_combo.count() - 1
                self.field_combo.setItemData(i, f"{name} ({self.builder.kind_of(name)})",
                                             Qt.ItemDataRole.ToolTipRole)

    def _fill_cmps(self, extra: str = "") -> None:
        kind = self.kind
        cmps = list(CMPS_BY_KIND.get(kind, CMPS_BY_KIND["text"]))
        if extra and extra not in cmps:
            cmps.append(extra)
        keep = self.cmp
        with _blocked(self.cmp_combo):
            self.cmp_combo.clear()
            for c in cmps:
                self.cmp_combo.addItem(cmp_label(c, kind), c)
            i = self.cmp_combo.findData(keep)
            self.cmp_combo.setCurrentIndex(i if i >= 0 else 0)

    def _field_changed(self) -> None:
        self._fill_cmps()
        self._refresh_suggestions()
        self._cmp_changed()

    def _refresh_suggestions(self) -> None:
        self._values = []
        self._completer_model.setStringList([])
        if self.kind in ("text", "list"):
            known = self.builder.suggestions(self.field)
            if known is None:
                self.builder.want_suggestions(self.field)
            else:
                self.set_suggestions(known)

    def _cmp_changed(self) -> None:
        self._layout_value()
        self.changed.emit()

    def _layout_value(self) -> None:
        cmp, kind = self.cmp, self.kind
        within, between = cmp == "within", cmp == "between"
        takes_value = cmp not in NO_VALUE_CMPS
        self.value_edit.setVisible(takes_value)
        self.spacer.setVisible(not takes_value)
        self.to_edit.setVisible(between)
        self.and_label.setVisible(between)
        for w in (self.radius, self.unit, self.of_label):
            w.setVisible(within)
        suggest = takes_value and not within and not between and kind in ("text", "list")
        self.suggest_button.setVisible(suggest and bool(self._values))
        many = cmp in ("in", "not_in")
        hint = {"date": "2026-09-17", "number": "number"}.get(kind, "value")
        self.value_edit.setPlaceholderText(
            "place, e.g. Boston, MA" if within else ("A, B, C" if many else hint))
        self.to_edit.setPlaceholderText(hint)
        wanted = ListCompleter if many else QCompleter
        if suggest and type(self._completer) is not wanted:
            self._completer = wanted(self._completer_model, self.value_edit)
            self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.value_edit.setCompleter(self._completer)
        elif not suggest and self._completer is not None:
            self.value_edit.setCompleter(None)
            self._completer = None
        unfinished = takes_value and not self.is_complete()
        self.value_edit.setProperty("unfinished", unfinished)
        self.value_edit.setToolTip("Type a value: this row is left out until it has one"
                                   if unfinished else "")


class RuleGroup(QFrame):
    """An AND/OR group (optionally negated) of conditions and nested groups."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, builder: RuleBuilder, *, nested: bool, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("ruleGroup")
        self.builder = builder
        self.nested = nested
        if nested:
            self.setFrameShape(QFrame.Shape.StyledPanel)
        self.mode = QComboBox(self)
        self.mode.setObjectName("groupMode")
        for label, op, neg in GROUP_MODES:
            self.mode.addItem(label, (op, neg))
        self.mode.setToolTip("All = AND, Any = OR; None / Not all put NOT in front")
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(QLabel("Match", self))
        head.addWidget(self.mode)
        head.addWidget(QLabel("conditions:", self))
        head.addStretch(1)
        self.remove_button: QToolButton | None = None
        if nested:
            self.remove_button = QToolButton(self)
            self.remove_button.setText("✕")
            self.remove_button.setToolTip("Remove this group")
            self.remove_button.setAutoRaise(True)
            self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
            head.addWidget(self.remove_button)
        self.items_layout = QVBoxLayout()
        self.items_layout.setContentsMargins(12 if nested else 0, 0, 0, 0)
        self.items_layout.setSpacing(4)
        self.add_row_button = QToolButton(self)
        self.add_row_button.setObjectName("addCondition")
        self.add_row_button.setText("+ Condition")
        self.add_row_button.setToolTip("Add a field / comparison / value row to this group")
        self.add_group_button = QToolButton(self)
        self.add_group_button.setObjectName("addGroup")
        self.add_group_button.setText("+ Group")
        self.add_group_button.setToolTip("Add a nested AND/OR group")
        foot = QHBoxLayout()
        foot.setContentsMargins(12 if nested else 0, 0, 0, 0)
        foot.addWidget(self.add_row_button)
        foot.addWidget(self.add_group_button)
        foot.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4) if nested else layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addLayout(self.items_layout)
        layout.addLayout(foot)
        self.add_row_button.clicked.connect(lambda: self.add_row())
        self.add_group_button.clicked.connect(lambda: self.add_group())
        self.mode.currentIndexChanged.connect(self.changed)

    @property
    def items(self) -> list[ConditionRow | RuleGroup]:
        """The rows and nested groups, in order."""
        out = []
        for i in range(self.items_layout.count()):
            w = self.items_layout.itemAt(i).widget()
            if isinstance(w, ConditionRow | RuleGroup):
                out.append(w)
        return out

    def add_row(self, node: Mapping[str, Any] | None = None) -> ConditionRow:
        """Append a condition row (empty, or showing ``node``)."""
        row = ConditionRow(self.builder, self)
        if node is not None:
            row.set_condition(node)
        self.items_layout.addWidget(row)
        row.changed.connect(self.changed)
        row.remove_requested.connect(self._remove)
        if node is None:
            row.value_edit.setFocus()
            self.changed.emit()
        return row

    def add_group(self, node: Mapping[str, Any] | None = None) -> RuleGroup:
        """Append a nested group (with one empty row, or showing ``node``)."""
        group = RuleGroup(self.builder, nested=True, parent=self)
        self.items_layout.addWidget(group)
        group.changed.connect(self.changed)
        group.remove_requested.connect(self._remove)
        if node is not None:
            group.set_node(node)
        else:
            group.add_row()
            self.changed.emit()
        return group

    def set_node(self, node: Mapping[str, Any]) -> None:
        """Show a group node (and/or, or not around anything) or a lone condition."""
        negated = node.get("op") == "not"
        inner = node.get("rule") if negated else node
        while isinstance(inner, Mapping) and inner.get("op") in ("and", "or") and \
                len(inner.get("rules") or ()) == 1 and not negated:
            inner = inner["rules"][0]
        if isinstance(inner, Mapping) and inner.get("op") in ("and", "or"):
            op, rules = inner["op"], list(inner.get("rules") or [])
        else:
            op, rules = ("or" if negated else "and"), [inner]
        with _blocked(self.mode):
            self.mode.setCurrentIndex(next(i for i, (_, o, n) in enumerate(GROUP_MODES)
                                           if o == op and n == negated))
        for rule in rules:
            if not isinstance(rule, Mapping):
                continue
            if "op" in rule:
                self.add_group(rule)
            else:
                self.add_row(rule)

    def node(self) -> dict[str, Any] | None:
        """This group as a tree node (None when it has no finished condition)."""
        rules = [n for n in (i.node() if isinstance(i, RuleGroup) else i.condition()
                             for i in self.items) if n is not None]
        if not rules:
            return None
        op, negated = self.mode.currentData()
        group: dict[str, Any] = {"op": op, "rules": rules}
        return {"op": "not", "rule": group} if negated else group

    def clear(self) -> None:
        """Remove every row and group."""
        for item in self.items:
            self.items_layout.removeWidget(item)
            item.hide()
            item.deleteLater()

    def _remove(self, item: QWidget) -> None:
        self.items_layout.removeWidget(item)
        item.hide()
        item.deleteLater()
        self.changed.emit()


class RuleBuilder(QWidget):
    """Edit a segment rule tree with nestable groups; ``changed`` after every edit."""

    changed = Signal()
    suggestions_wanted = Signal(str)  # the page answers with set_suggestions(field, values)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleBuilder")
        self._types: dict[str, str] = {}
        self._suggestions: dict[str, list[tuple[str, int]]] = {}
        self._asked: set[str] = set()
        self.root = RuleGroup(self, nested=False, parent=self)
        self.root.changed.connect(self.changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.root)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    # -- fields ------------------------------------------------------------------------------
    def set_fields(self, types: Mapping[str, str]) -> None:
        """The fields rows can use (name -> text/number/bool/date/list); keeps the rule."""
        tree = self.tree()
        self._types = {k: v for k, v in types.items() if k not in HIDDEN_FIELDS}
        if "latitude" in types and "longitude" in types:
            self._types[LOCATION_FIELD] = "location"
        with _blocked(self):
            self.set_tree(tree)

    def kind_of(self, field: str) -> str:
        """The type of ``field`` (text when unknown)."""
        return self._types.get(field, "text")

    def field_choices(self) -> list[tuple[str | None, str]]:
        """(name, label) pairs for the field combo: common fields, a separator, the rest."""
        common = [f for f in COMMON_FIELDS if f in self._types]
        rest = sorted((f for f in self._types if f not in common),
                      key=lambda f: column_label(f).casefold())
        out: list[tuple[str | None, str]] = [(f, _label(f)) for f in common]
        if common and rest:
            out.append((None, ""))
        return out + [(f, _label(f)) for f in rest]

    # -- suggestions ---------------------------------------------------------------------------
    def suggestions(self, field: str) -> list[tuple[str, int]] | None:
        """Known top values of ``field`` (None: not asked for yet)."""
        return self._suggestions.get(field)

    def want_suggestions(self, field: str) -> None:
        """Ask (once) for the top values of ``field``: ``suggestions_wanted`` fires."""
        if field and field not in self._asked:
            self._asked.add(field)
            self.suggestions_wanted.emit(field)

    def set_suggestions(self, field: str, values: Sequence[tuple[str, int]]) -> None:
        """Top values of ``field`` (most common first) for every row on that field."""
        self._suggestions[field] = list(values)
        for row in self.rows():
            if row.field == field:
                row.set_suggestions(values)

    # -- the tree ------------------------------------------------------------------------------
    def set_tree(self, tree: Mapping[str, Any] | None) -> None:
        """Show ``tree`` (None or an empty group: everyone)."""
        blocked = self.signalsBlocked()
        self.blockSignals(True)
        try:
            self.root.clear()
            with _blocked(self.root.mode):
                self.root.mode.setCurrentIndex(0)
            if tree and (tree.get("rules") or tree.get("op") not in ("and", "or")):
                self.root.set_node(tree)
        finally:
            self.blockSignals(blocked)

    def tree(self) -> dict[str, Any]:
        """The rule as a tree; unfinished rows are left out; no rows = everyone."""
        return self.root.node() or {"op": "and", "rules": []}

    def rows(self) -> list[ConditionRow]:
        """Every condition row, depth first."""
        out: list[ConditionRow] = []

        def walk(group: RuleGroup) -> None:
            for item in group.items:
                if isinstance(item, RuleGroup):
                    walk(item)
                else:
                    out.append(item)
        walk(self.root)
        return out

    def add_condition(self, field: str, cmp: str, value: Any = None) -> ConditionRow:
        """Append a finished row to the top group (for code and tests)."""
        node = {"field": field, "cmp": cmp}
        if value is not None:
            node["value"] = value
        row = self.root.add_row(node)
        self.changed.emit()
        return row


FIELD_LABELS = {LOCATION_FIELD: "Within a distance of", "mql": "MQL status",
                "mql_status": "MQL status (mql_status)", "target_rep": "Rep on this event",
                "target_status": "Status on this event"}


def _label(field: str) -> str:
    return FIELD_LABELS.get(field) or column_label(field)


class _blocked:  # noqa: N801 - used as a context manager
    """Block the signals of some objects for a moment."""

    def __init__(self, *objects: Any) -> None:
        self.objects = objects
        self.before: list[bool] = []

    def __enter__(self) -> None:
        self.before = [o.blockSignals(True) for o in self.objects]

    def __exit__(self, *exc: object) -> None:
        for o, was in zip(self.objects, self.before, strict=True):
            o.blockSignals(was)
