"""The message texts GTM Planner ships: default templates, merge-field help, safe wording.

Everything a customer could read lives here so marketing can review it in one
place: one executive and one practitioner variant per play (PRODUCT.md job 7),
the descriptions shown in the merge-field picker, and the outward-safe words
used for why a deal went cold. Internal CRM text (``loss_reason``, notes,
amounts) is never copied into a message: a loss reason is reduced to a
category and the category is said in the words below.

Conventions every default follows, so a target with nothing but an email
still gets a clean message: each person/account/deal value has a fallback
(``| default(...)``) or sits inside ``{% if %}``; sentences are built so a
missing value never leaves "Hi ," or a dangling preposition; bodies stay
under 120 words; the event's ``talking_point`` (the one story marketing and
sales agreed on) gets its own paragraph when it is set.
"""

from __future__ import annotations

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
        "I'd like to hear how things are going with us at " + _COMPANY + ": what's working, "
        "what isn't, and what's coming up that we should plan for together.\n" + _STORY
        + "If you're open to it, reply with a time that works{% if event.booth %}, or stop "
        "by {{ event.booth }}{% endif %}.\n\n"
        "Best," + _SIGN,
    ),
    (
        "Customer check-in (practitioner)", "customer_check_in", "practitioner",
        "Catching up{% if event.name %} at {{ event.name }}{% endif %}?",
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
