"""The demo's history: an event that already happened, followed up by the reps.

So the dashboard and the leadership report have something true-to-life to
show, the demo replays a September event through the real pipeline (segment,
targets, assignment) and then writes what reps would have recorded in their
trackers (statuses, touches, touch dates) and the opportunities that came of
it — one channel brings volume but no deals, as the playbook warns.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from gtmplanner.core import lists, outreach
from gtmplanner.core.export.business_days import due_date
from gtmplanner.core.store import Project, now_iso

PAST_EVENT = {
    "name": "Field Marketing Forum NYC 2026", "city": "New York", "region": "NY",
    "country": "US", "latitude": 40.7128, "longitude": -74.0060,
    "start_date": "2026-09-15", "end_date": "2026-09-16", "venue": "Javits Center",
    "booth": "218",
}
STATUSES = [("Not contacted", 14), ("Attempted", 24), ("Connected", 24), ("Meeting booked", 15),
            ("Opportunity created", 11), ("Not interested", 9), ("Bad data", 3)]
NO_DEAL_CHANNEL = "Sponsor list"


def add_past_event(project: Project, *, seed: int = 7, attendees: int = 520) -> dict[str, Any]:
    """Create the past event, its attendees, followed-up targets and resulting deals."""
    rng = random.Random(seed + 1)
    ev_id = project.ensure_event(PAST_EVENT["name"],
                                 **{k: v for k, v in PAST_EVENT.items() if k != "name"})
    ids = [r[0] for r in project.conn.execute(
        "SELECT id FROM people WHERE email IS NOT NULL AND COALESCE(opted_out, 0) = 0 "
        "ORDER BY id")]
    chosen = sorted(rng.sample(ids, min(attendees, len(ids))))
    with project.transaction() as conn:
        conn.executemany("INSERT OR IGNORE INTO event_people(event_id, person_id, attended)"
                         " VALUES (?, ?, 1)", [(ev_id, pid) for pid in chosen])
    lists.save_segment(project, "Attendees to follow up", "registered and email is not empty",
                       event=PAST_EVENT["name"], priority=10)
    lists.build_targets(project, event=PAST_EVENT["name"])
    outreach.assign_event(project, event=PAST_EVENT["name"], onsite=False)
    return _record_follow_up(project, ev_id, rng)


def _record_follow_up(project: Project, ev_id: int, rng: random.Random) -> dict[str, Any]:
    end = date.fromisoformat(PAST_EVENT["end_date"])
    rows = project.conn.execute(
        "SELECT t.id, t.person_id, p.account_id, p.source, p.mql_status, t.rep FROM targets t "
        "JOIN people p ON p.id = t.person_id WHERE t.event_id = ?", (ev_id,)).fetchall()
    states = [s for s, _ in STATUSES]
    weights = [w for _, w in STATUSES]
    updates, deals = [], []
    n_opp = int(project.conn.execute("SELECT COALESCE(MAX(id), 0) FROM opportunities")
                .fetchone()[0])
    for tid, pid, account_id, source, mql, rep in rows:
        status = rng.choices(states, weights)[0]
        if source == NO_DEAL_CHANNEL and status in ("Meeting booked", "Opportunity created"):
            status = "Not interested"
        if status == "Not contacted":
            updates.append((status, 0, None, None, tid))
            continue
        fast = mql == "hot" or rng.random() < 0.7
        first = due_date(end, rng.randint(0, 2) if fast else rng.randint(3, 8), "US")
        touches = rng.randint(1, 2) if status == "Attempted" else rng.randint(2, 6)
        last = first + timedelta(days=rng.randint(0, 20))
        updates.append((status, touches, first.isoformat(), last.isoformat(), tid))
        if status == "Opportunity created" and account_id is not None:
            n_opp += 1
            created = last + timedelta(days=rng.randint(0, 10))
            won = rng.random() < 0.25
            deals.append((n_opp, f"DEMO-NYC-{n_opp}", f"Follow-up deal {n_opp}", account_id, pid,
                          "Closed Won" if won else rng.choice(["Qualification",
                                                               "Proposal/Price Quote"]),
                          created.isoformat(), (created + timedelta(days=45)).isoformat(),
                          float(rng.randint(20, 180) * 1000), rep, "Trade Show",
                          "won" if won else "open_active", created.isoformat()))
    stamp = now_iso()
    with project.transaction() as conn:
        conn.executemany("UPDATE targets SET status=?, touches=?, first_touch_date=?,"
                         f" last_touch_date=?, updated_at='{stamp}' WHERE id=?", updates)
        conn.executemany(
            "INSERT INTO opportunities (id, external_id, name, account_id, person_id, stage,"
            " created_date, close_date, amount, owner, lead_source, opp_class,"
            " last_activity_date, account_method, account_confidence) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?, 'demo', 1.0)", deals)
    return {"event": PAST_EVENT["name"], "targets": len(rows), "opportunities": len(deals)}
