"""A user's corrections to what the app worked out: account matches and tiers.

Match decisions are rows of ``match_overrides`` (``confirm`` / ``reject`` /
``link``) that the matcher applies on every re-score, so they survive
re-matching; each function also updates the person's row at once, so the
window shows the decision without a re-score. A tier override is stored in
``people.tier_override`` and wins over the computed tier wherever the
effective tier is shown.

Every function returns an *undo token* (the rows as they were) that
:func:`undo` puts back, so the window can offer Undo.
"""

from __future__ import annotations

from typing import Any

from gtmplanner.core.errors import UsageError
from gtmplanner.core.store import Project, now_iso

TIERS = ("A", "B", "C", "D")
_PERSON_COLS = ("account_id", "match_method", "match_confidence", "match_candidates",
                "tier_override")


def _person(project: Project, person_id: int) -> dict[str, Any]:
    cur = project.conn.execute(
        f"SELECT {', '.join(_PERSON_COLS)} FROM people WHERE id = ?", (int(person_id),))
    row = cur.fetchone()
    if row is None:
        raise UsageError(f"no person with id {person_id} in {project.path.name}")
    return dict(zip(_PERSON_COLS, row, strict=True))


def _account_exists(project: Project, account_id: int) -> None:
    row = project.conn.execute("SELECT 1 FROM accounts WHERE id = ?", (int(account_id),))
    if row.fetchone() is None:
        raise UsageError(f"no account with id {account_id} in {project.path.name}")


def _record(project: Project, person_id: int, action: str, account_id: int | None,
            person_update: dict[str, Any]) -> dict[str, Any]:
    before = _person(project, person_id)
    with project.transaction() as conn:
        cur = conn.execute("INSERT INTO match_overrides (person_id, action, account_id, "
                           "created_at) VALUES (?, ?, ?, ?)",
                           (int(person_id), action, account_id, now_iso()))
        override_id = int(cur.lastrowid or 0)
        if person_update:
            sets = ", ".join(f"{k} = ?" for k in person_update)
            conn.execute(f"UPDATE people SET {sets}, updated_at = ? WHERE id = ?",
                         (*person_update.values(), now_iso(), int(person_id)))
    return {"person_id": int(person_id), "before": before, "override_id": override_id,
            "action": action}


def confirm_match(project: Project, person_id: int) -> dict[str, Any]:
    """Confirm the person's current account match (confidence 1.0 from now on)."""
    cur = _person(project, person_id)
    if cur["account_id"] is None:
        raise UsageError("this person is not matched to an account: link one instead")
    return _record(project, person_id, "confirm", int(cur["account_id"]),
                   {"match_confidence": 1.0})


def reject_match(project: Project, person_id: int, account_id: int | None = None
                 ) -> dict[str, Any]:
    """Forbid the pair (person, account); the person is unlinked until re-scored."""
    cur = _person(project, person_id)
    account_id = account_id if account_id is not None else cur["account_id"]
    if account_id is None:
        raise UsageError("this person is not matched to an account: nothing to reject")
    update: dict[str, Any] = {}
    if cur["account_id"] is not None and int(cur["account_id"]) == int(account_id):
        update = {"account_id": None, "match_method": None, "match_confidence": None}
    return _record(project, person_id, "reject", int(account_id), update)


def link_match(project: Project, person_id: int, account_id: int) -> dict[str, Any]:
    """Link the person to ``account_id`` by hand (method ``override``, confidence 1.0)."""
    _account_exists(project, account_id)
    return _record(project, person_id, "link", int(account_id),
                   {"account_id": int(account_id), "match_method": "override",
                    "match_confidence": 1.0, "match_candidates": None})


def set_tier_override(project: Project, person_id: int, tier: str | None) -> dict[str, Any]:
    """Set (or clear, with None) the tier a person is shown with, whatever the score says."""
    if tier is not None:
        tier = tier.strip().upper()
        if tier not in TIERS:
            raise UsageError(f"unknown tier '{tier}': use one of {', '.join(TIERS)}")
    before = _person(project, person_id)
    with project.transaction() as conn:
        conn.execute("UPDATE people SET tier_override = ?, updated_at = ? WHERE id = ?",
                     (tier, now_iso(), int(person_id)))
    return {"person_id": int(person_id), "before": before, "override_id": None,
            "action": "tier"}


def overrides_for(project: Project, person_id: int) -> list[dict[str, Any]]:
    """The match decisions recorded for a person, oldest first."""
    cur = project.conn.execute(
        "SELECT id, action, account_id, created_at FROM match_overrides WHERE person_id = ? "
        "ORDER BY id", (int(person_id),))
    return [dict(zip(("id", "action", "account_id", "created_at"), r, strict=True))
            for r in cur.fetchall()]


def undo(project: Project, token: dict[str, Any]) -> None:
    """Put back what one of the functions above changed."""
    before = token["before"]
    with project.transaction() as conn:
        if token.get("override_id"):
            conn.execute("DELETE FROM match_overrides WHERE id = ?", (token["override_id"],))
        sets = ", ".join(f"{k} = ?" for k in before)
        conn.execute(f"UPDATE people SET {sets} WHERE id = ?",
                     (*before.values(), token["person_id"]))
