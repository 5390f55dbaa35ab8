"""Message templates: shipped texts, merge fields and fallbacks, rendering in a sandbox."""

from __future__ import annotations

import re
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gtmplanner.core import templates as templates_module
from gtmplanner.core.errors import GtmError
from gtmplanner.core.templates import (
    PLAYS,
    MessageTemplate,
    TemplateError,
    build_context,
    choose_template,
    default_templates,
    merge_fields,
    preview,
    render,
    render_many,
    validate_template,
)

EVENT = {"name": "RevOps Summit", "city": "Boston", "venue": "Hynes Convention Center",
         "start_date": "2026-12-08", "end_date": "2026-12-10", "booth": "412",
         "dinner_venue": "Row 34", "dinner_time": "Tuesday, 7pm",
         "happy_hour_venue": "Lookout Rooftop", "happy_hour_time": "Tuesday from 5:30pm",
         "talking_point": "This year we're showing the new territory planner."}
REP = {"name": "Dana Whitfield", "email": "dana.whitfield@ourco.example",
       "title": "Account Executive", "phone": "+1 617 555 0100"}
FULL = {"first_name": "Jane", "last_name": "Doe", "email": "jane@northwind.example",
        "title": "VP Marketing", "seniority": "vp", "department": "marketing",
        "company": "Northwind Logistics", "city": "Cambridge", "region": "MA",
        "account_name": "Northwind Logistics", "account_industry": "Transportation",
        "retarget_months": 8.2, "retarget_reason": "Lost to Competitor – they hated our UI",
        "retarget_amount": 322000.0, "retarget_opp_name": "Northwind - Platform 2025",
        "notes": "CFO said our UI is ugly", "met": True}
EMAIL_ONLY = {"email": "someone@example.com"}


def _assert_clean(subject: str, body: str) -> None:
    for text in (subject, body):
        assert text.strip()
        for bad in ("None", "nan", "NaN", "<NA>", "{{", "}}", "{%", "%}", "Undefined"):
            assert bad not in text, f"{bad!r} in {text!r}"
        assert not re.search(r"\w ,|\s[.,:;?!]|  |\(\s*\)", text), text
    assert not re.search(r"^(Hi|Hello|Dear)\s*,", body, re.M), body
    assert "\n\n\n" not in body


# ------------------------------------------------------------------ the shipped texts


def test_every_play_ships_an_executive_and_a_practitioner_variant() -> None:
    templates = default_templates()
    assert {(t.play, t.variant) for t in templates} == {
        (p, v) for p in PLAYS for v in ("executive", "practitioner")}
    assert len({t.name for t in templates}) == len(templates)
    assert all(validate_template(t.subject, t.body) == [] for t in templates)


@pytest.mark.parametrize("template", default_templates(), ids=lambda t: t.name)
def test_default_template_renders_for_a_full_target(template: MessageTemplate) -> None:
    subject, body = render(template, build_context(FULL, event=EVENT, rep=REP))
    _assert_clean(subject, body)
    assert len(body.split()) <= 120
    assert body.startswith("Hi Jane,")
    assert "Dana Whitfield" in body
    assert "hated" not in body and "ugly" not in body and "322" not in body


@pytest.mark.parametrize("template", default_templates(), ids=lambda t: t.name)
@pytest.mark.parametrize("event, rep", [(EVENT, REP), (None, None)], ids=["event", "nothing"])
def test_default_template_renders_for_an_email_only_target(template: MessageTemplate,
                                                           event: Any, rep: Any) -> None:
    subject, body, missing = preview(template, build_context(EMAIL_ONLY, event=event, rep=rep))
    _assert_clean(subject, body)
    assert body.startswith("Hi there,")
    assert "first_name" in missing


def test_event_fields_are_worded_for_people() -> None:
    tmpl = MessageTemplate("t", "on_site", "any", "s",
                           "{{ event.start_date }}|{{ event.dates }}|{{ event.booth }}")
    _, body = render(tmpl, build_context({}, event=EVENT, rep=None))
    assert body == "Tue 8 Dec|8–10 Dec|booth 412"
    _, body = render(tmpl, build_context({}, event={"start_date": "2026-11-30",
                                                    "end_date": "2026-12-02",
                                                    "booth": "Stand B12"}, rep=None))
    assert body == "Mon 30 Nov|30 Nov – 2 Dec|Stand B12"


def test_merge_fields_cover_the_picker_and_mark_internal_ones() -> None:
    fields = merge_fields()
    for key in ("first_name", "last_name", "full_name", "title", "company", "city",
                "event.name", "event.city", "event.start_date", "event.booth", "rep.name",
                "rep.first_name", "rep.email", "account.industry", "deal.months_since",
                "deal.reason_phrase", "deal.name", "talking_point"):
        assert key in fields and fields[key]
    assert "internal" in fields["deal.amount"] and "internal" in fields["deal.name"]
    assert "internal" not in fields["first_name"]
    # every field the context can hold is in the picker
    ctx = build_context(FULL, event=EVENT, rep=REP)
    paths = {f"{k}.{s}" if isinstance(v, dict) else k
             for k, v in ctx.items() for s in (v if isinstance(v, dict) else [None])}
    assert paths <= set(fields)


# ------------------------------------------------------------------ persona and choice


@pytest.mark.parametrize("seniority, title, persona", [
    ("c_level", None, "executive"), ("vp", "Marketing", "executive"),
    ("head", None, "executive"), ("director", "Director of Demand Gen", "practitioner"),
    ("manager", "Chief of Staff", "practitioner"), (None, "Chief Revenue Officer", "executive"),
    (None, "SVP Sales", "executive"), (None, "Marketing Ops Specialist", "practitioner"),
    (float("nan"), None, "practitioner"),
])
def test_persona_and_variant_follow_seniority(seniority: Any, title: Any, persona: str) -> None:
    templates = default_templates()
    assert build_context({"seniority": seniority, "title": title}, event=None,
                         rep=None)["persona"] == persona
    chosen = choose_template(templates, "pre_show_booth", seniority, title=title)
    assert chosen.play == "pre_show_booth" and chosen.variant == persona


def test_choose_template_falls_back_to_any_then_to_the_play() -> None:
    only_any = [MessageTemplate("Generic", "on_site", "any", "s", "b"),
                MessageTemplate("Other play", "cold_retarget", "executive", "s", "b")]
    assert choose_template(only_any, "on_site", "vp").name == "Generic"
    only_exec = [MessageTemplate("Exec", "on_site", "executive", "s", "b")]
    assert choose_template(only_exec, "on_site", "manager").name == "Exec"
    with pytest.raises(TemplateError, match="no template for the play 'customer_check_in'"):
        choose_template(only_any, "customer_check_in", "vp")


# ------------------------------------------------------------------ cold deals


@pytest.mark.parametrize("reason, phrase", [
    ("Price", "budget timing"), ("Timing", "timing"), ("No Decision", "priorities"),
    ("Lost to Competitor", "you went another direction"), ("Champion Left", "the team changed"),
    ("Lost to Competitor – they hated our UI", "you went another direction"),
])
def test_loss_reasons_become_outward_safe_words(reason: str, phrase: str) -> None:
    tmpl = MessageTemplate("t", "cold_retarget", "any", "s", "{{ deal.reason_phrase }}")
    assert render(tmpl, build_context({"retarget_reason": reason}, event=None, rep=None))[1] \
        == phrase


@pytest.mark.parametrize("template", [t for t in default_templates()
                                      if t.play == "cold_retarget"], ids=lambda t: t.name)
def test_cold_retarget_never_shows_the_raw_loss_reason(template: MessageTemplate) -> None:
    raw = "Lost to Competitor – they hated our UI"
    row = {**FULL, "retarget_reason": raw, "loss_reason": raw}
    subject, body = render(template, build_context(row, event=None, rep=REP))
    text = subject + body
    assert "hated" not in text and "UI" not in text and "Competitor" not in text
    assert "it's been about 8 months since we last talked" in text.casefold()
    assert "you went another direction" in text
    # the context itself never carries the raw text or the notes
    assert raw not in repr(build_context(row, event=EVENT, rep=REP))
    assert "ugly" not in repr(build_context(row, event=EVENT, rep=REP))


@pytest.mark.parametrize("months, text", [
    (0.4, "a few weeks"), (1.2, "about a month"), (8.2, "about 8 months"),
    (13, "about a year"), (20, "about a year and a half"), (38, "about 3 years")])
def test_time_since_the_deal_reads_naturally(months: float, text: str) -> None:
    tmpl = MessageTemplate("t", "cold_retarget", "any", "s", "{{ deal.time_since }}")
    assert render(tmpl, build_context({"retarget_months": months}, event=None,
                                      rep=None))[1] == text


# ------------------------------------------------------------------ many targets


def test_render_many_reports_missing_values_and_picks_variants() -> None:
    targets = pd.DataFrame({
        "first_name": ["Ann", None, "Cid", np.nan, ""],
        "seniority": ["vp", "manager", "manager", "c_level", None],
        "company": ["Acme"] * 5,
        "rep": ["dana  whitfield", "Dana Whitfield", "Sam Ortiz", None, "Dana Whitfield"],
    }, index=[11, 12, 13, 14, 15])
    templates = [t for t in default_templates() if t.play == "pre_show_booth"]
    result = render_many(templates, targets, event=EVENT,
                         reps={"Dana Whitfield": {"email": "dana@ourco.example"}})
    assert result.errors == []
    assert result.missing["first_name"] == 3
    assert result.missing_rows["first_name"] == [12, 14, 15]
    assert "first_name missing for 3 targets (the fallback 'there' was used)" in result.warnings
    assert result.template.tolist() == ["Pre-show booth (exec)", "Pre-show booth (practitioner)",
                                        "Pre-show booth (practitioner)", "Pre-show booth (exec)",
                                        "Pre-show booth (practitioner)"]
    assert result.body[11].startswith("Hi Ann,") and result.body[12].startswith("Hi there,")
    assert result.body[11].endswith("Dana Whitfield")
    assert result.body[13].endswith("Sam Ortiz")     # a rep not in `reps` still signs
    assert result.body[14].endswith("The team")
    assert result.missing["rep.name"] == 1
    assert result.subject.index.equals(targets.index)


def test_render_many_collects_row_errors_by_message() -> None:
    tmpl = MessageTemplate("Risky", "on_site", "any", "Hi", "Hello\n{{ 10 / (company | length) }}")
    targets = pd.DataFrame({"company": ["Acme", None, None]}, index=["a", "b", "c"])
    result = render_many(tmpl, targets, event=None)
    assert result.body["a"] == "Hello\n2.5"
    assert pd.isna(result.body["b"]) and pd.isna(result.body["c"])
    assert result.errors == ["template 'Risky', body line 2: division by zero "
                             "(2 targets, first: b)"]


def test_render_many_reports_progress_and_can_be_cancelled() -> None:
    # The render rate (bar < 1 ms a target) is measured by benchmarks/bench_parts.py.
    n = 3000
    targets = pd.DataFrame({"first_name": ["Jane"] * n, "seniority": "vp", "company": "Acme"})
    tmpl = default_templates()[0]
    seen: list[float] = []
    result = render_many(tmpl, targets, event=EVENT, reps={}, progress=seen.append)
    assert result.body.notna().all() and seen[-1] == 1.0
    with pytest.raises(GtmError, match="^rendering cancelled$"):
        render_many(tmpl, targets, event=EVENT, cancelled=lambda: True)


# ------------------------------------------------------------------ errors and validation


def test_syntax_error_names_template_part_and_line() -> None:
    tmpl = MessageTemplate("Pre-show booth (exec)", "pre_show_booth", "executive", "Hi",
                           "Hi {{ first_name }},\n\nSee you at {{ event.name }\n")
    with pytest.raises(TemplateError) as err:
        render(tmpl, {})
    assert str(err.value) == "template 'Pre-show booth (exec)', body line 3: unexpected '}'"
    bad_subject = MessageTemplate("S", "on_site", "any", "{% if x %}oops", "body")
    with pytest.raises(TemplateError, match=r"^template 'S', subject line 1: "):
        render(bad_subject, {})


def test_runtime_error_names_the_line() -> None:
    tmpl = MessageTemplate("T", "on_site", "any", "s", "one\ntwo\n{{ first_name + 1 }}")
    with pytest.raises(TemplateError, match=r"^template 'T', body line 3: "):
        render(tmpl, {})


def test_validate_template_explains_problems() -> None:
    problems = validate_template(
        "Hi {{ frist_name }}",
        "Hello {{ first_name }},\n{{ deal.amount | default('') }}\n{{ event.nmae }}\n"
        "{% for x in range(3) %}{{ x }}{{ loop.index }}{% endfor %}\n"
        "{% if company %}{{ company.upper() }}{% endif %}\n{{ title | default('') }}")
    assert problems == [
        "subject line 1: unknown merge field 'frist_name'; did you mean 'first_name'?",
        'body line 1: first_name has no fallback; add | default("...") or wrap it in '
        "{% if first_name %}",
        "body line 2: deal.amount is internal CRM data; don't send it to a customer",
        "body line 3: unknown merge field 'event.nmae'; did you mean 'event.name'?",
    ]
    assert validate_template("Hi {{ frist_name }}", "{{ deal.amount }}", errors_only=True) == []
    assert validate_template("ok", "Hi\n\n{{ oops }") == ["body line 3: unexpected '}'"]
    assert validate_template("{{ x | nope }}", "ok", errors_only=True) == [
        "subject line 1: No filter named 'nope'."]
    assert validate_template("ok", "{% include 'x' %}") == [
        "body line 1: {% include %} is not allowed in message templates"]


# ------------------------------------------------------------------ the sandbox


@pytest.mark.parametrize("body", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__['os'] }}",
    "{{ self._TemplateReference__context }}",
    "{{ ''['__class__'] }}",
    "{{ event.__class__ }}",
    "{{ range.__globals__ }}",
    "{{ '{0.__class__}'.format(1) }}",
    "{{ 'x'.ljust(10) }}",
    "{{ lipsum() }}",
    "{{ x | attr('__class__') }}",
])
def test_templates_cannot_reach_python_internals(body: str) -> None:
    tmpl = MessageTemplate("Evil", "on_site", "any", "s", body)
    with pytest.raises(TemplateError, match=r"^template 'Evil', body line 1: "):
        render(tmpl, {"event": {"name": "X"}})


@pytest.mark.parametrize("body, message", [
    ("{% include '/etc/passwd' %}", "{% include %} is not allowed"),
    ("{% import 'os' as os %}", "{% import %} is not allowed"),
    ("{% extends '/etc/passwd' %}", "{% extends %} is not allowed"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% macro %} is not allowed"),
    ("{% set x %}{{ 'y' }}{% endset %}", "{% set ... endset %} is not allowed"),
])
def test_no_files_and_no_macros(body: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        render(MessageTemplate("Evil", "on_site", "any", "s", body), {})


@pytest.mark.parametrize("body, message", [
    ("{% for i in range(10**9) %}x{% endfor %}", "Range too big"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "too many loop steps"),
    ("{% for i in range(100000) %}{{ 'xxxxxxxxxx' }}{% endfor %}", "message too long"),
    ("{{ 'x' * 10**9 }}", "value too long"),
    ("{{ 2 ** 100000000 }}", "number too large"),
    ("{% set ns = namespace(s='x' * 1000) %}{% for i in range(40) %}"
     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "value too long"),
    ("{{ 'x' | center(10**9) }}", "value too long"),
    ("{{ '%999999999s' % 1 }}", "'%' formatting is not allowed"),
    ("{{ range(100000) | map('center', 100000) | join }}", "value too long"),
    ("{{ ('x' * 100000) | replace('x', 'yy') }}", "value too long"),
])
@pytest.mark.timeout(120)  # a hang guard; normally each stops in well under a second
def test_runaway_templates_stop_with_a_clear_error(body: str, message: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The step and size limits must stop these by themselves: with the 1 s clock out of
    # the way, a slow (loaded) machine cannot turn "too many loop steps" into "took longer".
    monkeypatch.setattr(templates_module, "MAX_RENDER_SECONDS", 600.0)
    with pytest.raises(TemplateError, match=re.escape(message)):
        render(MessageTemplate("Big", "on_site", "any", "s", body), {})


@pytest.mark.timeout(120)  # a hang guard; the render's own 1 s limit stops it
def test_slow_loops_stop_after_about_a_second() -> None:
    body = ("{% for i in range(100000) %}{% set n = ('x' * 50000) | replace('x', 'yy') "
            "| length %}{% endfor %}done")
    start = time.monotonic()
    with pytest.raises(TemplateError, match=r"took longer than 1 s"):
        render(MessageTemplate("Slow", "on_site", "any", "s", body), {})
    # Only a lower bound (a load-proof one): the clock stopped it, not a step or size limit.
    assert time.monotonic() - start >= templates_module.MAX_RENDER_SECONDS


def test_ordinary_template_features_still_work() -> None:
    body = ("{% for x in ['a', 'b', 'c'] %}{{ x | upper }}{% if not loop.last %}, {% endif %}"
            "{% endfor %}; {{ company.upper() }}; {{ [3, 1, 2] | sort | join('-') }}; "
            "{{ 'x' ~ (event.name | default('show')) }}; {{ '2026-12-08' | nice_date }}; "
            "{% for k, v in event.items() %}{{ k }}={{ v }}{% endfor %}")
    _, out = render(MessageTemplate("OK", "on_site", "any", "s", body),
                    {"company": "acme", "event": {"city": "Boston"}})
    assert out == "A, B, C; ACME; 1-2-3; xshow; Tue 8 Dec; city=Boston"
