"""DetailPane: everything about the selected person, and the place to correct it.

Shows the tier and score with each reason and its points, the MQL status and
why, the matched account (method, confidence) with Confirm / Reject / Link,
the account's deals, the person's location and distance to the event, the
cold deal worth re-targeting and where the person stands on a list. Changes go
through :mod:`gtmplanner.core.overrides` on the writer thread, with Undo.
"""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gtmplanner.core import icp, overrides
from gtmplanner.core.store import Project
from gtmplanner.ui.context import PageContext

TIER_CSS = {"A": "rgba(46,160,67,0.35)", "B": "rgba(56,132,244,0.32)",
            "C": "rgba(230,160,30,0.35)", "D": "rgba(140,140,140,0.28)"}
COMPUTED = "computed"


def _e(value: Any) -> str:
    return html.escape(str(value)) if value not in (None, "") else ""


def _label(text: str = "", *, name: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setTextFormat(Qt.TextFormat.RichText)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    lab.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if name:
        lab.setObjectName(name)
    return lab


class _OverrideCommand(QUndoCommand):
    """Undo/redo of one correction (tier or match) through the writer thread."""

    def __init__(self, pane: DetailPane, text: str, token: dict[str, Any],
                 redo_op: Any) -> None:
        super().__init__(text)
        self._pane = pane
        self._token = token
        self._redo_op = redo_op
        self._first = True

    def redo(self) -> None:
        if self._first:  # already applied when pushed
            self._first = False
            return
        self._pane._run(self.text(), self._redo_op, remember=self)

    def undo(self) -> None:
        token = self._token
        self._pane._run(f"Undo {self.text().lower()}",
                        lambda p: (overrides.undo(p, token), token)[1], undo=True)

    def set_token(self, token: dict[str, Any]) -> None:
        self._token = token


class DetailPane(QScrollArea):
    """The selected person, explained."""

    person_changed = Signal(object, dict)  # person id, new values for the table row

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.ctx = ctx
        self.row: dict[str, Any] | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.name_label = _label(name="personName")
        self.who_label = _label(name="personWho")
        self.empty_label = _label("<i>Select a person to see why they are on the list.</i>",
                                  name="emptyHint")
        lay.addWidget(self.empty_label)
        lay.addWidget(self.name_label)
        lay.addWidget(self.who_label)

        self.score_box = QGroupBox("Fit score")
        sl = QVBoxLayout(self.score_box)
        top = QHBoxLayout()
        self.tier_chip = QLabel()
        self.tier_chip.setObjectName("tierChip")
        self.tier_chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.score_label = _label(name="scoreLabel")
        top.addWidget(self.tier_chip)
        top.addWidget(self.score_label, 1)
        sl.addLayout(top)
        self.reasons_label = _label(name="reasonsLabel")
        sl.addWidget(self.reasons_label)
        over = QHBoxLayout()
        over.addWidget(QLabel("Tier shown:"))
        self.tier_combo = QComboBox()
        self.tier_combo.setObjectName("tierOverride")
        self.tier_combo.setToolTip("Override the computed tier for this person (Undo with Ctrl+Z)")
        self.tier_combo.addItem("As scored", COMPUTED)
        for t in overrides.TIERS:
            self.tier_combo.addItem(f"Tier {t}", t)
        self.tier_combo.activated.connect(self._tier_chosen)
        over.addWidget(self.tier_combo)
        over.addStretch(1)
        sl.addLayout(over)
        lay.addWidget(self.score_box)

        self.mql_box = QGroupBox("Engagement")
        ml = QVBoxLayout(self.mql_box)
        self.mql_label = _label(name="mqlLabel")
        ml.addWidget(self.mql_label)
        lay.addWidget(self.mql_box)

        self.account_box = QGroupBox("Account")
        al = QVBoxLayout(self.account_box)
        self.account_label = _label(name="accountLabel")
        al.addWidget(self.account_label)
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton("Confirm match")
        self.confirm_button.setObjectName("confirmMatch")
        self.confirm_button.setToolTip("This is the right account: keep it on every re-score")
        self.reject_button = QPushButton("Reject match")
        self.reject_button.setObjectName("rejectMatch")
        self.reject_button.setToolTip("Wrong account: never link this person to it again")
        self.candidates_combo = QComboBox()
        self.candidates_combo.setObjectName("matchCandidates")
        self.link_button = QPushButton("Link")
        self.link_button.setObjectName("linkMatch")
        self.link_button.setToolTip("Link the person to the chosen candidate account")
        self.confirm_button.clicked.connect(self._confirm)
        self.reject_button.clicked.connect(self._reject)
        self.link_button.clicked.connect(self._link)
        for w in (self.confirm_button, self.reject_button, self.candidates_combo,
                  self.link_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        al.addLayout(buttons)
        self.deals_label = _label(name="dealsLabel")
        al.addWidget(self.deals_label)
        lay.addWidget(self.account_box)

        self.location_box = QGroupBox("Location")
        ll = QVBoxLayout(self.location_box)
        self.location_label = _label(name="locationLabel")
        ll.addWidget(self.location_label)
        lay.addWidget(self.location_box)

        self.retarget_box = QGroupBox("Cold deal to re-target")
        rl = QVBoxLayout(self.retarget_box)
        self.retarget_label = _label(name="retargetLabel")
        rl.addWidget(self.retarget_label)
        lay.addWidget(self.retarget_box)

        self.list_box = QGroupBox("On the list")
        tl = QVBoxLayout(self.list_box)
        self.list_label = _label(name="listLabel")
        tl.addWidget(self.list_label)
        lay.addWidget(self.list_box)
        lay.addStretch(1)
        self.show_person(None)

    # -- showing -------------------------------------------------------------------------
    def show_person(self, row: dict[str, Any] | None) -> None:
        """Show ``row`` (a people-table row as a dict) or the empty hint."""
        self.row = row
        has = row is not None
        self.empty_label.setVisible(not has)
        for w in (self.name_label, self.who_label, self.score_box, self.mql_box,
                  self.account_box, self.location_box, self.retarget_box, self.list_box):
            w.setVisible(has)
        if row is None:
            return
        g = row.get
        name = g("full_name") or " ".join(x for x in (g("first_name"), g("last_name")) if x)
        self.name_label.setText(f"<span style='font-size:large'><b>{_e(name or g('email'))}"
                                f"</b></span>")
        who = " at ".join(_e(x) for x in (g("title"), g("company")) if x)
        self.who_label.setText("<br>".join(x for x in (who, _e(g("email"))) if x))
        self._show_score(row)
        self._show_mql(row)
        self._show_account(row)
        self._show_location(row)
        self._show_retarget(row)
        self._show_list(row)

    def _show_score(self, row: dict[str, Any]) -> None:
        tier, override = row.get("tier"), row.get("tier_override")
        computed = row.get("computed_tier") or tier
        shown = override or tier
        self.tier_chip.setText(f" {shown} " if shown else " – ")
        self.tier_chip.setStyleSheet(
            f"QLabel#tierChip {{ background: {TIER_CSS.get(shown or '', 'transparent')};"
            " border-radius: 4px; padding: 4px 10px; font-weight: bold; font-size: large; }")
        score = row.get("score")
        if score is None:
            self.score_label.setText("Not scored yet — run <b>Score now</b> (Ctrl+R).")
        else:
            note = (f" (scored as tier {_e(computed)}; tier set by hand)"
                    if override and override != computed else "")
            self.score_label.setText(f"<b>{int(score)}</b> points{note}")
        reasons = icp.explain(None, row.get("reasons"))
        if reasons:
            rows = "".join(
                f"<tr><td align='right' style='padding-right:8px'><b>{r['points']:+d}</b></td>"
                f"<td>{_e(r['text'])}</td></tr>" for r in reasons)
            self.reasons_label.setText(f"<table>{rows}</table>")
        else:
            self.reasons_label.setText("<i>No criterion of the ICP profile matched.</i>"
                                       if score is not None else "")
        i = self.tier_combo.findData(override or COMPUTED)
        self.tier_combo.setCurrentIndex(max(0, i))
        self.tier_combo.setItemText(0, f"As scored ({computed})" if computed else "As scored")

    def _show_mql(self, row: dict[str, Any]) -> None:
        status = row.get("mql_status")
        eng = row.get("engagement_score")
        parts = [f"<b>{_e(status).capitalize()} MQL</b>" if status else "Not an MQL"]
        if eng is not None:
            parts[0] += f" — engagement {eng:.0f}"
        if row.get("mql_date"):
            parts[0] += f" since {_e(row['mql_date'])}"
        reasons = [r for r in (row.get("mql_reasons") or "").split("|") if r.strip()]
        parts += [f"• {_e(r.strip())}" for r in reasons]
        self.mql_label.setText("<br>".join(parts))

    def _show_account(self, row: dict[str, Any]) -> None:
        acc_id, name = row.get("account_id"), row.get("account_name")
        method, conf = row.get("match_method"), row.get("match_confidence")
        candidates = _candidates(row.get("match_candidates"))
        self.candidates_combo.clear()
        for cid, cname, score in candidates:
            self.candidates_combo.addItem(f"{cname} ({score:.0f})" if score is not None
                                          else str(cname), cid)
        if acc_id is not None:
            how = f"matched by {_e(method)}" if method else "matched"
            if conf is not None:
                how += f", confidence {conf:.2f}"
            lines = [f"<b>{_e(name or f'account {acc_id}')}</b> — {how}"]
            facts = [_e(row.get(k)) for k in ("account_industry", "account_hq_country",
                                               "account_customer_status") if row.get(k)]
            if row.get("account_employees") is not None:
                facts.append(f"{row['account_employees']:,.0f} employees")
            if row.get("account_owner"):
                facts.append(f"owner {_e(row['account_owner'])}")
            if facts:
                lines.append(", ".join(facts))
            if row.get("open_deal_owner"):
                lines.append(f"Open deal owned by {_e(row['open_deal_owner'])}")
        elif candidates:
            lines = ["<b>Ambiguous</b> — pick the right account and press Link"]
        else:
            lines = ["Not matched to an account"]
        self.account_label.setText("<br>".join(lines))
        self.confirm_button.setVisible(acc_id is not None)
        self.confirm_button.setEnabled(acc_id is not None and method != "override"
                                       and (conf is None or conf < 1.0))
        self.reject_button.setVisible(acc_id is not None)
        self.candidates_combo.setVisible(bool(candidates))
        self.link_button.setVisible(bool(candidates))
        self.deals_label.setText(self._deals_html(acc_id))

    def _deals_html(self, account_id: Any) -> str:
        if account_id is None:
            return ""
        deals = self.ctx.project.frame(
            "opportunities", ["name", "stage", "amount", "owner", "opp_class", "close_date"],
            where="account_id = ?", params=(int(account_id),))
        if deals.empty:
            return "<i>No deals with this account.</i>"
        rows = []
        for _, d in deals.head(8).iterrows():
            amount = d["amount"]
            money = f"{amount:,.0f}" if amount is not None and amount == amount else ""
            rows.append(f"<tr><td>{_e(d['name'])}</td><td>{_e(d['stage'])}</td>"
                        f"<td align='right'>{money}</td><td>{_e(d['owner'])}</td></tr>")
        more = f"<br><i>and {len(deals) - 8} more</i>" if len(deals) > 8 else ""
        return f"<b>Deals</b><table cellspacing='4'>{''.join(rows)}</table>{more}"

    def _show_location(self, row: dict[str, Any]) -> None:
        label = row.get("geo_label") or ", ".join(
            str(row[k]) for k in ("city", "region", "country") if row.get(k))
        if not label:
            self.location_label.setText("Location unknown")
            return
        parts = [f"<b>{_e(label)}</b>"]
        if row.get("geo_precision"):
            parts[0] += f" (located by {_e(row['geo_precision'])})"
        if row.get("distance_mi") is not None:
            km = row.get("distance_km")
            km_text = f" / {km:,.0f} km" if km is not None else ""
            ev = self.ctx.current_event
            where = f" from {_e(ev['city'])}" if ev and ev.get("city") else " from the event"
            parts.append(f"{row['distance_mi']:,.0f} mi{km_text}{where}")
        if row.get("timezone"):
            parts.append(f"Time zone {_e(row['timezone'])}")
        self.location_label.setText("<br>".join(parts))

    def _show_retarget(self, row: dict[str, Any]) -> None:
        if not row.get("retarget"):
            self.retarget_box.setVisible(False)
            return
        amount = row.get("retarget_amount")
        bits = [f"<b>{_e(row.get('retarget_opp_name'))}</b>"]
        if amount is not None:
            bits.append(f"{amount:,.0f}")
        if row.get("retarget_owner"):
            bits.append(f"owner {_e(row['retarget_owner'])}")
        why = row.get("retarget_reason") or row.get("retarget_class")
        months = row.get("retarget_months")
        tail = ", ".join(x for x in (
            _e(why), f"{months:.0f} months ago" if months is not None else "") if x)
        self.retarget_label.setText(" — ".join(bits) + (f"<br>{tail}" if tail else ""))

    def _show_list(self, row: dict[str, Any]) -> None:
        rep, status = row.get("target_rep"), row.get("target_status")
        if not rep and not status:
            self.list_box.setVisible(False)
            return
        text = f"Rep <b>{_e(rep) or 'not assigned'}</b>"
        if status:
            text += f" — {_e(status)}"
        if row.get("touches"):
            text += f", {int(row['touches'])} touches"
        self.list_label.setText(text)

    # -- corrections ---------------------------------------------------------------------
    def _person_id(self) -> int | None:
        return int(self.row["id"]) if self.row and self.row.get("id") is not None else None

    def _tier_chosen(self, index: int) -> None:
        pid = self._person_id()
        if pid is None:
            return
        data = self.tier_combo.itemData(index)
        tier = None if data == COMPUTED else str(data)
        if tier == (self.row or {}).get("tier_override"):
            return
        label = f"Set tier {tier}" if tier else "Clear tier override"
        self._apply(label, lambda p: overrides.set_tier_override(p, pid, tier))

    def _confirm(self) -> None:
        pid = self._person_id()
        if pid is not None:
            self._apply("Confirm match", lambda p: overrides.confirm_match(p, pid))

    def _reject(self) -> None:
        pid = self._person_id()
        if pid is not None:
            self._apply("Reject match", lambda p: overrides.reject_match(p, pid))

    def _link(self) -> None:
        pid = self._person_id()
        acc = self.candidates_combo.currentData()
        if pid is not None and acc is not None:
            self._apply("Link account", lambda p: overrides.link_match(p, pid, int(acc)))

    def _apply(self, text: str, op: Any) -> None:
        self._run(text, op, push=True)

    def _run(self, text: str, op: Any, *, push: bool = False, undo: bool = False,
             remember: _OverrideCommand | None = None) -> None:
        def work(project: Project, _progress: Any, _cancelled: Any) -> dict[str, Any]:
            token = op(project)
            return {"token": token, "after": _person_after(project, token["person_id"])}

        def done(result: dict[str, Any]) -> None:
            token, after = result["token"], result["after"]
            if push:
                self.ctx.undo_stack.push(_OverrideCommand(self, text, token, op))
            if remember is not None:
                remember.set_token(token)
            self._changed(token["person_id"], after)

        self.ctx.run(work, title=text, on_success=done, writes=(), show_progress=False)

    def _changed(self, person_id: int, after: dict[str, Any]) -> None:
        values = dict(after)
        values["tier"] = after.get("tier_override") or after.get("computed_tier")
        self.person_changed.emit(person_id, values)
        if self.row is not None and int(self.row.get("id") or -1) == person_id:
            self.show_person({**self.row, **values})


def _person_after(project: Project, person_id: int) -> dict[str, Any]:
    cur = project.conn.execute(
        "SELECT p.account_id, p.match_method, p.match_confidence, p.match_candidates,"
        " p.tier_override, p.tier, a.name FROM people p LEFT JOIN accounts a ON a.id ="
        " p.account_id WHERE p.id = ?", (int(person_id),))
    r = cur.fetchone()
    keys = ("account_id", "match_method", "match_confidence", "match_candidates",
            "tier_override", "computed_tier", "account_name")
    return dict(zip(keys, r, strict=True)) if r else {}


def _candidates(text: Any) -> list[tuple[int, str, float | None]]:
    if not text:
        return []
    try:
        items = json.loads(text)
    except (TypeError, ValueError):
        return []
    out = []
    for item in items:
        if isinstance(item, list | tuple) and len(item) >= 2:
            score = float(item[2]) if len(item) > 2 and item[2] is not None else None
            out.append((int(item[0]), str(item[1]), score))
    return out
