"""What a message can say: the merge fields, how their values are worded, the shipped texts.

Everything a customer could read is decided here, so marketing can review it
in one place: one executive and one practitioner variant per play (PRODUCT.md
job 7), the merge fields and their descriptions for the picker, how values are
worded (``Tue 8 Dec``, ``booth 412``, ``about 8 months``), and the outward-safe
words for why a deal went cold. :func:`build_context` turns a flat target row
into the nested context the templates read and copies nothing else: internal
CRM text (``loss_reason``, notes) never reaches a message; a loss reason is
reduced to a category and the category is said in the words below.

Conventions every default follows, so a target with nothing but an email
still gets a clean message: each person/account/deal value has a fallback
(``| default(...)``) or sits inside ``{% if %}``; sentences are built so a
missing value never leaves "Hi ," or a dangling preposition; bodies stay
under 120 words; the event's ``talking_point`` (the one story marketing and
sales agreed on) gets its own paragraph when it is set.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

# ------------------------------------------------------------ shared snippets

_HI = 'Hi {{ first_name | default("there") }},\n\n'
_EVENT = '{{ event.name | default("the conference") }}'
_WHERE = _EVENT + "{% if event.city %} in {{ event.city }}{% endif %}"
_WHEN = "{% if event.dates %} ({{ event.dates }}){% endif %}"
_BOOTH = '{{ event.booth | default("our booth") }}'
_COMPANY = '{{ company | default("your team") }}'
_PEERS = "{% if account.industry %}{{ account.industry | lower }} {% endif %}leaders"
_STORY = "\n{% if talking_point %}\n{{ talking_point }}\n\n{% endif %}"
_SIGN = ('\n{{ rep.name | default("The team") }}'
         "{% if rep.title %}\n{{ rep.title }}{% endif %}")
_DINNER = ('{{ event.dinner_venue | default("a restaurant near the venue") }}'
           "{% if event.dinner_time %}, {{ event.dinner_time }}{% endif %}")
_HAPPY = ('{{ event.happy_hour_venue | default("a spot near the venue") }}'
          "{% if event.happy_hour_time %}, {{ event.happy_hour_time }}{% endif %}")
_SINCE = ('It\'s been {{ deal.time_since | default("a while") }} since we last talked.'
          "{% if deal.reason_sentence %} {{ deal.reason_sentence }}{% endif %}\n")

# (name, play, variant, subject, body)
DEFAULT_TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Pre-show booth (exec)", "pre_show_booth", "executive",
        'Worth 15 minutes at {{ event.name | default("the show") }}?',
        _HI + "I saw you're heading to " + _WHERE + _WHEN + ". I'll be at " + _BOOTH
        + " the whole time and would value 15 minutes with you.\n\n"
        "No demo unless you ask for one. I'd rather compare notes on what " + _COMPANY
        + " is planning for next year and share what we're hearing from other " + _PEERS
        + ".\n" + _STORY
        + "If you're open to it, reply with a time that suits you and I'll hold it.\n\n"
        "Best," + _SIGN,
    ),
    (
        "Pre-show booth (practitioner)", "pre_show_booth", "practitioner",
        'Come see it live at {{ event.name | default("the show") }}',
        _HI + "Are you heading to " + _WHERE + _WHEN + "? If so, come find us at " + _BOOTH
        + ".\n\n"
        "We'll have the product running on real data, so bring whatever your team is "
        "wrestling with right now and we'll work through it on screen. Ten minutes, "
        "no slides.\n" + _STORY
        + "Tell me roughly when you'll be free and I'll make sure someone's ready for you.\n\n"
        "Thanks," + _SIGN,
    ),
    (
        "Pre-show dinner (exec)", "pre_show_dinner", "executive",
        'Dinner in {{ event.city | default("town") }} during ' + _EVENT + "?",
        _HI + "While everyone's in {{ event.city | default(\"town\") }} for " + _EVENT
        + ", we're hosting a small dinner for " + _PEERS + " at " + _DINNER + ".\n\n"
        "It's a table of about a dozen and there are no presentations: a good meal and an "
        "honest conversation about what's working this year and what isn't. I'd be glad "
        "to have you there.\n" + _STORY
        + "If you can make it, reply and I'll save you a seat.\n\n"
        "Best," + _SIGN,
    ),
    (
        "Pre-show dinner (practitioner)", "pre_show_dinner", "practitioner",
        "Join us for dinner at " + _EVENT,
        _HI + "If you're going to " + _WHERE + _WHEN + ", join us for dinner at " + _DINNER
        + ".\n\n"
        "It's a relaxed evening with a small group of people who do the work day to day, "
        "swapping notes on what actually works. No pitch, and the food is good.\n" + _STORY
        + "Seats are limited, so reply if you'd like one and I'll hold it for you.\n\n"
        "Cheers," + _SIGN,
    ),
    (
        "Pre-show happy hour (exec)", "pre_show_happy_hour", "executive",
        "Drinks after day one of " + _EVENT + "?",
        _HI + "After the sessions wrap at " + _WHERE + ", we're hosting a happy hour at "
        + _HAPPY + ".\n\n"
        "A few peers{% if account.industry %} from {{ account.industry | lower }}{% endif %}"
        " will be there, and it's an easy way to meet without a conference-floor agenda. "
        "I'd like to buy you a drink and hear how the year is going for " + _COMPANY
        + ".\n" + _STORY
        + "Reply and I'll put you on the list.\n\n"
        "Best," + _SIGN,
    ),
    (
        "Pre-show happy hour (practitioner)", "pre_show_happy_hour", "practitioner",
        "Happy hour at " + _EVENT + ", on us",
        _HI + "Heading to " + _WHERE + _WHEN + "? We're hosting a happy hour at " + _HAPPY
        + ", and you're invited.\n\n"
        "Good drinks, no badge scanning, and people who do the same job as you swapping "
        "notes on what's working.\n" + _STORY
        + "Reply and I'll add you to the list. Bring a colleague if you like.\n\n"
        "Cheers," + _SIGN,
    ),
    (
        "On-site (exec)", "on_site", "executive",
        "At " + _EVENT + " today?",
        _HI + "I'm here at {{ event.venue | default(event.name | default(\"the conference\")) }}"
        " and would love to say hello in person while we're both on site.\n\n"
        "I'm at " + _BOOTH + " most of the day{% if rep.phone %}, or text me on "
        "{{ rep.phone }} and I'll come to you{% endif %}. Even ten minutes between sessions "
        "would be worth it: I'd like to hear what's on the agenda for " + _COMPANY
        + " this year.\n" + _STORY + "\nBest," + _SIGN,
    ),
    (
        "On-site (practitioner)", "on_site", "practitioner",
        "Quick hello at " + _EVENT + "?",
        _HI + "Are you around {{ event.venue | default(\"the venue\") }} today? We're at "
        + _BOOTH + " with a live setup, and in ten minutes I can show you how teams like "
        "yours are using it.\n" + _STORY
        + "\nSwing by whenever suits{% if rep.phone %}, or text me on {{ rep.phone }} and "
        "I'll find you{% endif %}.\n\nThanks," + _SIGN,
    ),
    (
        "Post-show follow-up (exec)", "post_show_follow_up", "executive",
        "Following up from " + _EVENT,
        _HI + "{% if met %}Thank you for making time at " + _EVENT + ". I enjoyed our "
        "conversation.{% else %}I hope " + _EVENT + " was worth the time away from the "
        "office.{% endif %}\n\n"
        "While it's fresh, I'd suggest 30 minutes to look at where " + _COMPANY
        + " is headed and whether we can help. I'll bring a short summary of what we're "
        "seeing from other " + _PEERS + ".\n" + _STORY
        + "Does early next week work? Send me a time, or tell me who's best to talk to.\n\n"
        "Best," + _SIGN,
    ),
    (
        "Post-show follow-up (practitioner)", "post_show_follow_up", "practitioner",
        "After " + _EVENT + ": a quick next step",
        _HI + "{% if met %}Thanks for stopping by at " + _EVENT + ". It was good to talk "
        "shop.{% else %}I hope you got a lot out of " + _EVENT + ".{% endif %}\n\n"
        "If it's useful, I can walk you through the setup we showed at " + _BOOTH
        + " using your own data. It takes 20 minutes and you'll come away with something "
        "you can use either way.\n" + _STORY
        + "Would early next week work? Just reply with a time.\n\n"
        "Thanks," + _SIGN,
    ),
    (
        "Cold opportunity retarget (exec)", "cold_retarget", "executive",
        "Picking up where we left off",
        _HI + _SINCE + "\n"
        "A fair amount has changed on our side since then, and a few teams who paused "
        "with us have come back for a second look.\n" + _STORY
        + "{% if event.name %}I'll be at {{ event.name }}" + _WHEN + " if it's easier to "
        "catch up in person. {% endif %}Would 20 minutes in the next few weeks be worth it "
        "to see whether the fit is better now? If not, just say so and I'll leave you be.\n\n"
        "Best," + _SIGN,
    ),
    (
        "Cold opportunity retarget (practitioner)", "cold_retarget", "practitioner",
        "A few things have changed since we last spoke",
        _HI + _SINCE + "\n"
        "A few things have changed on our side since then, much of it shaped by feedback "
        "from teams like yours.\n" + _STORY
        + "If you're up for it, I'd be happy to show you what's new in 20 minutes"
        "{% if event.name %}, or in person at {{ event.name }}{% endif %}. No pressure: if "
        "now still isn't right, tell me and I'll check back later.\n\n"
        "Thanks," + _SIGN,
    ),
    (
        "Customer check-in (exec)", "customer_check_in", "executive",
        "{% if event.name %}See you at {{ event.name }}?{% else %}Checking in{% endif %}",
        _HI + "{% if event.name %}Will you be at " + _WHERE + _WHEN + "? I'll be there and "
        "would love to catch up in person, even briefly.{% else %}It's been a little while, "
        "so I wanted to check in.{% endif %}\n\n"
        "I'd like to hear how it's going with us{% if company %} at {{ company }}{% endif %}: "
        "what's working, what isn't, and what's coming up that we should plan for "
        "together.\n" + _STORY
        + "If you're open to it, reply with a time that works{% if event.booth %}, or stop "
        "by {{ event.booth }}{% endif %}.\n\n"
        "Best," + _SIGN,
    ),
    (
        "Customer check-in (practitioner)", "customer_check_in", "practitioner",
        "{% if event.name %}Catching up at {{ event.name }}?{% else %}Checking in{% endif %}",
        _HI + "{% if event.name %}Are you going to " + _WHERE + _WHEN + "? We'll be at "
        + _BOOTH + " and it'd be great to see you.{% else %}Just checking in to see how "
        "things are going.{% endif %}\n\n"
        "If anything has been getting in your way day to day, tell me and I'll get the "
        "right person on it. And if something's working well, I'd love to hear that too.\n"
        + _STORY + "\nThanks," + _SIGN,
    ),
)

# ------------------------------------------------------------ why a deal went cold

REASON_PHRASES: dict[str, str] = {
    "price": "budget timing",
    "timing": "timing",
    "no_decision": "priorities",
    "competitor": "you went another direction",
    "champion_left": "the team changed",
}
"""Loss-reason category -> the outward-safe words (``deal.reason_phrase``)."""

REASON_SENTENCES: dict[str, str] = {
    "price": "I know budget timing got in the way last time.",
    "timing": "I know the timing wasn't right last time.",
    "no_decision": "I know other priorities won out last time.",
    "competitor": "I know you went another direction, and that's completely fair.",
    "champion_left": "I know the team has changed since then.",
}
"""Loss-reason category -> a whole outward-safe sentence (``deal.reason_sentence``)."""

# ------------------------------------------------------------ the merge-field picker

INTERNAL = "internal, never put it in a message"

MERGE_FIELDS: dict[str, str] = {
    "first_name": "Person's first name (e.g. Jane)",
    "last_name": "Person's last name",
    "full_name": "Person's full name",
    "email": "Person's email address",
    "title": "Person's job title as registered",
    "company": "Person's company (the matched account's name when the roster has none)",
    "city": "City the person is based in (not the company HQ)",
    "region": "State / province code of the person (e.g. MA)",
    "country": "Country of the person (e.g. United Kingdom)",
    "seniority": "Seniority level (c_level, vp, head, director, manager, ...)",
    "department": "Department (marketing, sales, revops, ...)",
    "persona": "executive or practitioner (picks the template variant)",
    "met": "True when the tracker says the rep met this person at the event",
    "talking_point": "The one-line story for this event or target, shared by marketing and sales",
    "event.name": "Event name (e.g. RevOps Summit)",
    "event.talking_point": "The event's one-line story (talking_point falls back to it)",
    "event.city": "Event city",
    "event.venue": "Event venue (e.g. Hynes Convention Center)",
    "event.start_date": "First day, written like Tue 8 Dec",
    "event.end_date": "Last day, written like Thu 10 Dec",
    "event.dates": "The event's dates, written like 8–10 Dec",
    "event.booth": "Our booth, written like booth 412",
    "event.dinner_venue": "Where our dinner is",
    "event.dinner_time": "When our dinner is (free text, e.g. Tuesday, 7pm)",
    "event.happy_hour_venue": "Where our happy hour is",
    "event.happy_hour_time": "When our happy hour is (free text)",
    "rep.name": "Assigned rep's full name",
    "rep.first_name": "Assigned rep's first name",
    "rep.email": "Assigned rep's email",
    "rep.title": "Assigned rep's job title",
    "rep.phone": "Assigned rep's phone (for on-site texts)",
    "account.name": "Matched account name",
    "account.industry": "Matched account's industry",
    "account.city": "Matched account's HQ city",
    "deal.time_since": "How long since the cold deal, written like about 8 months",
    "deal.months_since": "Whole months since the cold deal closed or stalled",
    "deal.reason_phrase": "Why it went cold, in outward-safe words (e.g. budget timing)",
    "deal.reason_sentence": "Why it went cold, as a whole outward-safe sentence",
    "deal.name": f"Opportunity name in the CRM ({INTERNAL})",
    "deal.amount": f"Opportunity amount ({INTERNAL})",
    "deal.stage": f"Opportunity stage in the CRM ({INTERNAL})",
}
"""Field path -> description, in picker order."""

INTERNAL_FIELDS: frozenset[str] = frozenset(k for k, v in MERGE_FIELDS.items() if INTERNAL in v)
"""Fields a message must not show a customer (validate_template warns)."""


# ------------------------------------------------------------------ the context

_NULLS = frozenset({"", "nan", "nat", "none", "null", "n/a", "na", "-", "--", "<na>"})
_EXEC_SENIORITY = frozenset({"c_level", "vp", "head"})
_EXEC_TITLE = re.compile(
    r"\b(chief|ceo|cfo|cmo|cto|coo|cro|cio|ciso|cpo|president|vp|svp|evp|vice president|"
    r"head of|founder|cofounder|co-founder|owner|managing director|general manager)\b", re.I)
_MET_STATUSES = frozenset({"connected", "meeting booked", "opportunity created", "met"})
_REASON_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("competitor", re.compile(r"compet|went with|chose|selected|vendor|incumbent|another "
                              r"(?:solution|provider|direction)", re.I)),
    ("champion_left", re.compile(r"champion|sponsor|left the (?:company|business)|contact left|"
                                 r"re-?org|new (?:leadership|management)|team changed|acquired|"
                                 r"merger", re.I)),
    ("price", re.compile(r"price|pricing|budget|cost|expensive|afford|money|funding", re.I)),
    ("no_decision", re.compile(r"no decision|priorit|stall|went dark|no response|unresponsive|"
                               r"ghost|status quo|do nothing|internal", re.I)),
    ("timing", re.compile(r"timing|time|later|next (?:year|quarter)|not now|freeze|q[1-4]", re.I)),
    ("not_fit", re.compile(r"fit|requirement|feature|functionality|gap|not qualified", re.I)),
)


class _Fields(dict):  # type: ignore[type-arg]
    """A nested context node (``event``, ``rep``...) that knows its path, for tracking."""

    __slots__ = ("path",)

    def __init__(self, path: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.path = path


def _clean(value: Any) -> Any:
    """None for every kind of missing ('', NaN, NA, 'None', '-'); strings stripped."""
    if type(value) is str:
        if value and not value[0].isspace() and not value[-1].isspace() and "  " not in value \
                and len(value) > 5:
            return value
        value = " ".join(value.split())
        return None if value.casefold() in _NULLS else value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        value = " ".join(value.split())
        return None if value.casefold() in _NULLS else value
    if hasattr(value, "item") and not isinstance(value, (list, dict, tuple)):
        try:
            return _clean(value.item())
        except (ValueError, AttributeError):
            return value
    return value


def _node(path: str, values: Mapping[str, Any]) -> _Fields:
    return _Fields(path, {k: v for k, raw in values.items() if (v := _clean(raw)) is not None})


def _as_date(value: Any) -> dt.date | None:
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        ts = pd.to_datetime(str(value), errors="coerce", dayfirst=False)
        return None if pd.isna(ts) else ts.date()


def nice_date(value: Any) -> str | None:
    """``2025-12-08`` -> ``'Tue 8 Dec'``; unreadable text is returned as it was."""
    d = _as_date(value)
    if d is None:
        return _clean(value) if isinstance(_clean(value), str) else None
    return f"{d:%a} {d.day} {d:%b}"


def _date_range(start: Any, end: Any) -> str | None:
    a, b = _as_date(start), _as_date(end)
    if a is None or b is None or b <= a:
        return nice_date(start)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%b}"
    return f"{a.day} {a:%b} – {b.day} {b:%b}"


def _booth(value: Any) -> str | None:
    value = _clean(value)
    if value is None:
        return None
    text = str(value)
    if re.search(r"\b(booth|stand|stall|table|suite|room)\b", text, re.I):
        return text
    return f"booth {text}"


def time_since(months: Any) -> str | None:
    """Months -> 'a few weeks', 'about 8 months', 'about a year', 'about 2 years'."""
    m = _clean(months)
    try:
        m = float(m)
    except (TypeError, ValueError):
        return None
    if m < 0 or math.isnan(m):
        return None
    if m < 1:
        return "a few weeks"
    if m < 1.5:
        return "about a month"
    if m < 11.5:
        return f"about {round(m)} months"
    if m < 18:
        return "about a year"
    if m < 30:
        return "about a year and a half" if m < 24 else "about two years"
    return f"about {round(m / 12)} years"


def reason_category(text: Any) -> str | None:
    """A CRM loss reason -> price/timing/no_decision/competitor/champion_left/not_fit/None."""
    text = _clean(text)
    if not isinstance(text, str):
        return None
    for category, pattern in _REASON_RULES:
        if pattern.search(text):
            return category
    return None


def persona_of(seniority: Any, title: Any = None) -> str:
    """'executive' for c_level/vp/head (or an executive title when seniority is unknown)."""
    s = _clean(seniority)
    if isinstance(s, str):
        s = s.casefold()
        if s in ("executive", "practitioner"):
            return s
        if s in _EXEC_SENIORITY:
            return "executive"
        if s not in ("unknown", "other"):
            return "practitioner"
    t = _clean(title)
    return "executive" if isinstance(t, str) and _EXEC_TITLE.search(t) else "practitioner"


def event_context(event: Mapping[str, Any] | None) -> _Fields:
    """The ``event`` node: dates written like Tue 8 Dec, booth like booth 412."""
    if isinstance(event, _Fields):
        return event
    e = dict(event or {})
    return _node("event", {
        "name": e.get("name"), "city": e.get("city"), "venue": e.get("venue"),
        "start_date": nice_date(e.get("start_date")), "end_date": nice_date(e.get("end_date")),
        "dates": _date_range(e.get("start_date"), e.get("end_date")),
        "booth": _booth(e.get("booth")), "dinner_venue": e.get("dinner_venue"),
        "dinner_time": e.get("dinner_time"), "happy_hour_venue": e.get("happy_hour_venue"),
        "happy_hour_time": e.get("happy_hour_time"), "talking_point": e.get("talking_point"),
    })


def rep_context(rep: Mapping[str, Any] | None) -> _Fields:
    """The ``rep`` node (first name taken from the name when not given)."""
    if isinstance(rep, _Fields):
        return rep
    r = dict(rep or {})
    name = _clean(r.get("name"))
    first = _clean(r.get("first_name")) or (str(name).split()[0] if name else None)
    return _node("rep", {"name": name, "first_name": first, "email": r.get("email"),
                         "title": r.get("title"), "phone": r.get("phone")})


_CONTEXT_COLUMNS = (
    "first_name", "last_name", "full_name", "email", "title", "seniority", "department",
    "company", "city", "region", "country", "account_name", "account_industry", "industry",
    "account_hq_city", "retarget_months", "months_since_loss", "retarget_reason", "loss_reason",
    "retarget_opp_name", "retarget_amount", "retarget_stage", "met", "status", "talking_point",
)


def context_columns() -> tuple[str, ...]:
    """The target columns :func:`build_context` reads (nothing else reaches a message)."""
    return _CONTEXT_COLUMNS


def build_context(target: Mapping[str, Any], *, event: Mapping[str, Any] | None,
                  rep: Mapping[str, Any] | None) -> dict[str, Any]:
    """The nested merge context for one flat target row.

    Only the fields in :func:`merge_fields` are copied; raw CRM text such as
    ``loss_reason`` or notes never is (a loss reason becomes an outward-safe
    ``deal.reason_phrase`` / ``deal.reason_sentence``). Missing values are
    left out so ``| default(...)`` applies.
    """
    row = {k: v for k in _CONTEXT_COLUMNS if (v := _clean(target.get(k))) is not None}
    g = row.get
    first, last, full = g("first_name"), g("last_name"), g("full_name")
    if full is None and (first or last):
        full = " ".join(str(x) for x in (first, last) if x)
    if first is None and isinstance(full, str) and " " in full:
        first = full.split()[0]
    event_node = event_context(event)
    company = g("company") or g("account_name")
    months = g("retarget_months")
    months = g("months_since_loss") if months is None else months
    category = reason_category(g("retarget_reason") or g("loss_reason"))
    met = g("met")
    if met is None and isinstance(g("status"), str):
        met = g("status").casefold() in _MET_STATUSES or None
    ctx: dict[str, Any] = {
        "first_name": first, "last_name": last, "full_name": full, "email": g("email"),
        "title": g("title"), "company": company, "city": g("city"), "region": g("region"),
        "country": g("country"), "seniority": g("seniority"), "department": g("department"),
        "met": bool(met) if met is not None else None,
        "talking_point": g("talking_point") or event_node.get("talking_point"),
    }
    out: dict[str, Any] = {k: v for k, v in ctx.items() if v is not None}
    out["persona"] = persona_of(g("seniority"), g("title"))
    out["event"] = event_node
    out["rep"] = rep_context(rep)
    out["account"] = _node("account", {
        "name": g("account_name") or company, "industry": g("account_industry") or g("industry"),
        "city": g("account_hq_city")})
    try:
        whole = None if months is None else int(round(float(months)))
    except (TypeError, ValueError):
        whole = None
    out["deal"] = _node("deal", {
        "time_since": time_since(months), "months_since": whole,
        "reason_phrase": REASON_PHRASES.get(category or ""),
        "reason_sentence": REASON_SENTENCES.get(category or ""),
        "name": g("retarget_opp_name"), "amount": g("retarget_amount"),
        "stage": g("retarget_stage")})
    return out


def prepare_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """A caller's plain dict -> a render context (nested dicts tracked, missing dropped)."""
    out: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, _Fields):
            out[key] = value
        elif isinstance(value, Mapping):
            out[key] = _node(str(key), value)
        elif (v := _clean(value)) is not None:
            out[key] = v
    return out
