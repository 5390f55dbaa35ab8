"""The alignment metrics' definitions, written once, in the users' words.

The dashboard tooltips, ``report --json``, the xlsx Definitions sheet and the
README glossary all read these, so marketing and sales read the same number the
same way. :mod:`gtmplanner.core.metrics` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A channel with at least this many leads and no opportunity is flagged.
FLAG_MIN_VOLUME = 20


@dataclass(frozen=True)
class MetricDef:
    """One metric, defined once: what is counted above and below the line, in words."""

    key: str
    label: str
    numerator: str
    denominator: str
    definition: str
    unit: str = "percent"  # percent | count | money | number | days


_d = MetricDef
_LEADS = "leads (targets on the lists) in the selection"
_MQLS = "marketing leads (hot or warm MQLs) in the selection"
_DUE = "leads whose SLA due date has passed or who were already followed up"
_HOT = "hot MQL leads in the selection"
_WARM = "warm MQL leads in the selection"
_NONE = "-"

#: Every number the dashboard and the reports show, written once.
DEFINITIONS: tuple[MetricDef, ...] = (
    _d("leads", "Leads", _LEADS, _NONE,
       "How many people are on the reps' lists (targets) in this selection.", "count"),
    _d("mql_leads", "Marketing leads (MQLs)", _MQLS, _NONE,
       "How many of the leads are marketing-qualified: hot (asked to hear from us) or warm "
       "(engagement over the agreed score).", "count"),
    _d("followed_up", "Leads followed up", "leads followed up", _LEADS,
       "Share of leads a rep followed up at all: status is anything but 'Not contacted', "
       "or at least one touch is recorded."),
    _d("followed_up_mql", "MQLs followed up", "MQL leads followed up", _MQLS,
       "Share of marketing leads (hot and warm) that sales followed up at all."),
    _d("followed_up_hot", "Hot MQLs followed up", "hot MQL leads followed up", _HOT,
       "Share of hot MQLs (hand-raisers) that sales followed up at all."),
    _d("followed_up_warm", "Warm MQLs followed up", "warm MQL leads followed up", _WARM,
       "Share of warm MQLs that sales followed up at all."),
    _d("within_sla", "Followed up within SLA", "leads first touched on or before their SLA "
       "due date", _DUE,
       "Share of leads whose first touch came on or before the SLA due date; leads still inside "
       "their SLA window and not yet touched are left out until the date passes."),
    _d("within_sla_mql", "MQLs within SLA", "MQL leads first touched by their SLA due date",
       "MQL leads whose SLA due date has passed or who were already followed up",
       "Share of marketing leads first touched on or before their SLA due date."),
    _d("within_sla_hot", "Hot MQLs within SLA", "hot MQL leads first touched by their due date",
       "hot MQL leads whose SLA due date has passed or who were already followed up",
       "Share of hot MQLs first touched on or before their SLA due date (1 business day "
       "by default)."),
    _d("within_sla_warm", "Warm MQLs within SLA", "warm MQL leads first touched by their due "
       "date", "warm MQL leads whose SLA due date has passed or who were already followed up",
       "Share of warm MQLs first touched on or before their SLA due date."),
    _d("overdue", "Overdue leads", "leads still 'Not contacted' or 'Attempted' after their SLA "
       "due date", _NONE,
       "How many leads are still open (Not contacted or Attempted) after their SLA due date, "
       "as the rep's tracker highlights them.", "count"),
    _d("became_opportunity", "Leads that became opportunities", "leads that became an "
       "opportunity", _LEADS,
       "Share of leads that became an opportunity: a deal on the person or their account "
       "created on or after the first touch, or status 'Opportunity created'."),
    _d("became_opportunity_mql", "MQLs that became opportunities", "MQL leads that became an "
       "opportunity", _MQLS,
       "Share of marketing leads that became an opportunity (the playbook's lead-quality "
       "number)."),
    _d("pipeline", "Pipeline", "sum of the amounts of the opportunities the leads became", _NONE,
       "Total amount of the opportunities created after a lead's first touch, each deal "
       "counted once even when several leads at the account were touched.", "money"),
    _d("closed_won", "Closed-won", "sum of the amounts of those opportunities that are won",
       _NONE, "Amount of the pipeline above that is closed-won.", "money"),
    _d("pipeline_per_lead", "Pipeline per lead", "pipeline", _LEADS,
       "Pipeline divided by the number of leads: what one lead is worth.", "money"),
    _d("avg_touches_to_connect", "Touches to connect", "touches logged on connected leads",
       "leads with status Connected, Meeting booked or Opportunity created and a touch count",
       "Average number of touches on leads that reached a conversation (blank or 0 touch "
       "counts are left out).", "number"),
    _d("avg_touches_to_convert", "Touches to convert", "touches logged on converted leads",
       "leads that became an opportunity and have a touch count",
       "Average number of touches on leads that became an opportunity (blank or 0 touch "
       "counts are left out).", "number"),
    _d("days_to_first_touch", "Days to first touch", "calendar days from the event's last day "
       "to the first touch, summed", "leads followed up with a first touch date",
       "Average calendar days from the end of the event to a lead's first touch (a touch "
       "during or before the event counts as 0).", "days"),
    _d("retarget_re_engaged", "Cold deals re-engaged", "re-targeted leads followed up and "
       "Connected or better", "leads at accounts with a stalled or lost (not bad-fit) deal",
       "Share of re-targeted cold-deal leads that sales reached: followed up and Connected, "
       "Meeting booked or Opportunity created."),
    _d("retarget_re_opened", "Cold deals re-opened", "re-targeted leads that became an "
       "opportunity", "leads at accounts with a stalled or lost (not bad-fit) deal",
       "Share of re-targeted cold-deal leads that became a new opportunity (same rule as "
       "'became an opportunity': the old deal never counts)."),
    _d("retarget_amount", "Re-opened amount", "sum of the new opportunities' amounts on "
       "re-targeted leads", _NONE,
       "Amount of the new opportunities that re-targeted cold deals turned into.", "money"),
    _d("funnel_mql", "MQL", "marketing leads", _NONE,
       "Funnel start: leads whose person is a hot or warm MQL.", "count"),
    _d("funnel_sql", "SQL", "MQL leads with Meeting booked or Opportunity created, or that "
       "became an opportunity", "MQL leads",
       "Sales-qualified: a marketing lead with a meeting booked or an opportunity.", "count"),
    _d("funnel_opportunity", "Opportunity", "MQL leads that became an opportunity", "SQL leads",
       "A marketing lead that became an opportunity.", "count"),
    _d("funnel_won", "Won", "MQL leads with a closed-won opportunity", "opportunity leads",
       "A marketing lead with an opportunity that is closed-won.", "count"),
    _d("cost_per_lead", "Cost per lead", "what the channel cost (entered by you)",
       "leads from the channel", "The channel's cost divided by its leads.", "money"),
    _d("cost_per_opportunity", "Cost per opportunity", "what the channel cost (entered by you)",
       "leads from the channel that became an opportunity",
       "The channel's cost divided by the leads it turned into opportunities.", "money"),
    _d("channel_flag", "Volume but no opportunities", f"channels with {FLAG_MIN_VOLUME} or more "
       "leads and no opportunity", _NONE,
       "A channel that delivers volume but no opportunities: the playbook says drop or rework "
       "it (unless its leads were never followed up).", "count"),
)
#: The metrics shown as KPI tiles (keys of :data:`DEFINITIONS`, in display order).
KPI_KEYS: tuple[str, ...] = tuple(d.key for d in DEFINITIONS[:22])
_BY_KEY = {d.key: d for d in DEFINITIONS}

#: The words the definitions use, in the users' words.
TERMS: tuple[tuple[str, str], ...] = (
    ("Lead", "One person on a rep's list for an event (a target). Every rate counts leads."),
    ("Marketing lead (MQL)", "A lead whose person is a hot MQL (asked to hear from us) or a "
     "warm MQL (engagement over the agreed score)."),
    ("Followed up", "The rep's tracker status is anything but 'Not contacted', or at least one "
     "touch is recorded."),
    ("First touch date", "The day the status first left 'Not contacted' (recorded when the "
     "tracker is synced); the last touch date when that is missing."),
    ("SLA due date", "By default 2 business days (1 for hot MQLs) after the later of the event's last day "
     "and the day the person became an MQL, skipping weekends and the public holidays of the "
     "rep's country (US when unknown); a lead without an event counts from the day it was put "
     "on a list. A touch on a weekend or holiday counts on its own date."),
    ("Became an opportunity", "An opportunity linked to the lead's person or to the person's "
     "account was created on or after the lead's first touch, or the rep set the status to "
     "'Opportunity created'. An opportunity created before the first touch never counts; one "
     "without a created date cannot be dated and does not count."),
    ("SQL", "A marketing lead with status Meeting booked or Opportunity created, or that became "
     "an opportunity."),
    ("Channel", "The lead's source as imported with the person (Lead Source, Campaign, UTM "
     "source...); a lead without one counts under its event's name. The opportunity's own "
     "lead source is not used, so a channel's volume and its opportunities are the same "
     "leads."),
    ("Re-targeted cold deal", "A lead whose account had a stalled deal, or one lost for a reason "
     "other than bad fit, before the lead's first touch (or whose list entry was built from "
     "such a deal)."),
    ("Date range", "A lead is in the range when it was put on a list or first touched within "
     "it (both dates inclusive)."),
    ("Per event, rep, segment, channel", "Every metric can be narrowed to one event, rep, "
     "segment and channel; a lead without a rep is counted under '(unassigned)'."),
)


def definition(key: str) -> MetricDef:
    """The :class:`MetricDef` for ``key`` (KeyError names the known keys)."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown metric '{key}' (known: {', '.join(_BY_KEY)})") from None
