"""Templates render in a sandbox, through the same path a user's template takes.

Two ways in: saving a template (``outreach.save_template``, what the window's
editor calls) and a template that arrives inside somebody else's project file
(written straight into its ``templates`` table, so no validation ran). Either way
the template is used by a segment and rendered by the real ``export`` command.
Each hostile template ends in one clear error line or safe output: no Python
internals, no file contents, no hang (the whole export stays within a time bound).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import time
from pathlib import Path

import pytest

from gtmplanner.core import lists, outreach, templates
from gtmplanner.core.errors import GtmError
from gtmplanner.core.store import Project
from tests.trust.conftest import run_cli

pytestmark = pytest.mark.timeout(180)

ESCAPES = {
    "class": "{{ ''.__class__ }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler_globals": "{{ cycler.__init__.__globals__ }}",
    "namespace_os": "{{ namespace.__init__.__globals__['os'].popen('id').read() }}",
    "joiner_globals": "{{ joiner.__init__.__globals__.__builtins__ }}",
    "self_globals": "{{ self.__init__.__globals__ }}",
    "range_open": "{{ range.__self__.open('/etc/passwd').read() }}",
    "lipsum_os": "{{ lipsum.__globals__.os.popen('id').read() }}",
    "format": "{{ '{0.__class__.__init__.__globals__}'.format('') }}",
    "attr_filter": "{{ ''|attr('__class__') }}",
    "include": "{% include '/etc/passwd' %}",
    "import": "{% import 'os' as os %}{{ os.getcwd() }}",
    "extends": "{% extends '/etc/passwd' %}",
    "from_import": "{% from '/etc/passwd' import x %}{{ x }}",
    "macro": "{% macro m() %}{{ ''.__class__ }}{% endmacro %}{{ m() }}",
    "set_block": "{% set x %}{{ ''.__class__ }}{% endset %}{{ x }}",
}
RUNAWAYS = {
    "nested_loops": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}"
                    "{% endfor %}",
    "huge_string": "{{ 'x' * 1000000000 }}",
    "huge_list": "{{ (range(99999)|list) * 99999 }}",
    "huge_power": "{{ 9 ** 999999999 }}",
    "string_doubling": "{% set s = namespace(v='x') %}{% for i in range(64) %}"
                       "{% set s.v = s.v ~ s.v %}{% endfor %}{{ s.v|length }}",
    "slow_loop": "{% for i in range(5000) %}{% set y = ('x' * 50000)|replace('x', 'yy') %}"
                 "{% endfor %}still here",
}
# Refused when compiled (tags and filters a message may not use): an export that meets
# one stops with one line naming the template and changes nothing.
REFUSED = {n for n, b in {**ESCAPES, **RUNAWAYS}.items()
           if templates.validate_template("", b, errors_only=True)}
LEAKS = ("<class", "__builtins__", "<function", "<module", "root:x:0", "uid=", "/bin/",
         "globals", "subprocess", "TemplateReference")


def _safe(text: str | None) -> bool:
    return text is None or not any(leak in text for leak in LEAKS)


@pytest.mark.parametrize("name", list(ESCAPES) + list(RUNAWAYS))
def test_saving_a_hostile_template_is_refused_or_harmless(demo_copy: Path, name: str) -> None:
    body = {**ESCAPES, **RUNAWAYS}[name]
    t = templates.MessageTemplate(name, "post_show_follow_up", "any", "Hello {{ first_name }}",
                                  "Hi,\n" + body)
    with Project(demo_copy) as p:
        t0 = time.monotonic()
        try:
            outreach.save_template(p, t)
        except GtmError as exc:  # refused when saved: one line saying why
            assert "\n" not in str(exc) and "not allowed" in str(exc) or "filter" in str(exc)
            return
        finally:
            assert time.monotonic() - t0 < 60  # bounded (a hang guard), not a benchmark
        # Saved (it is valid Jinja): rendering it is refused or harmless, and quick.
        t0 = time.monotonic()
        try:
            subject, out = templates.render(t, {"first_name": "Ann"})
        except templates.TemplateError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(f"template '{name}'")
        else:
            assert _safe(out) and _safe(subject), out[:300]
        assert time.monotonic() - t0 < 60  # bounded (a hang guard), not a benchmark


@pytest.fixture(scope="module")
def hostile_export(demo_master: Path, tmp_path_factory) -> dict:
    """A stranger's project: every hostile template stored as is, each used by a segment
    of people whose email starts with a different letter; then the real export."""
    tmp = tmp_path_factory.mktemp("hostile")
    project = tmp / "stranger.gtmp"
    project.write_bytes(demo_master.read_bytes())
    # The slow loop goes first: it gets the biggest group of people (~200 targets).
    bodies = {n: b for n, b in {**RUNAWAYS, **ESCAPES}.items() if n not in REFUSED}
    bodies = {"slow_loop": bodies.pop("slow_loop"), **bodies}
    with Project(project) as p:
        outreach.project_templates(p)  # the defaults, as a real project has them
        with p.transaction() as conn:
            conn.executemany("INSERT INTO templates (name, play, variant, subject, body) "
                             "VALUES (?, 'post_show_follow_up', 'any', ?, ?)",
                             [(n, "Re: {{ event.name }}", b) for n, b in bodies.items()])
    segs = {}
    with Project(project) as p:  # what 'gtmplanner segment ... --template NAME' calls
        letters = iter([r[0] for r in p.conn.execute(
            "SELECT substr(lower(email), 1, 1) AS l FROM people WHERE l GLOB '[a-z]' "
            "GROUP BY l HAVING COUNT(*) >= 20 ORDER BY COUNT(*) DESC")])
        for name in bodies:
            lists.save_segment(p, f"S {name}", f"email starts with {next(letters)}",
                               template=name)
            segs[name] = f"S {name}"
        lists.save_segment(p, "Ordinary", f"email starts with {next(letters)}")
    out = tmp / "out"
    t0 = time.monotonic()
    proc = run_cli("export", str(project), "--out", str(out), "--formats", "mailmerge,xlsx",
                   "--json", check=False)
    elapsed = time.monotonic() - t0
    return {"project": project, "proc": proc, "elapsed": elapsed, "segments": segs, "out": out}


def test_export_with_hostile_templates_finishes_quickly(hostile_export: dict) -> None:
    proc = hostile_export["proc"]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    # 2 targets may each spend the 1 s render limit; the rest of the runaway's targets
    # are skipped rather than paying a second each.
    assert hostile_export["elapsed"] < 30, hostile_export["elapsed"]


def test_no_internals_or_files_reach_a_message(hostile_export: dict) -> None:
    db = sqlite3.connect(hostile_export["project"])
    rows = db.execute("SELECT s.name, t.template, t.subject, t.body FROM targets t JOIN segments s"
                      " ON s.id = t.segment_id").fetchall()
    db.close()
    used = {r[1] for r in rows}
    assert set(hostile_export["segments"]) <= used     # every hostile template was used
    for seg, tmpl, subject, body in rows:
        assert _safe(subject) and _safe(body), (seg, tmpl, (body or "")[:300])
        assert body is None or len(body) <= templates.MAX_MESSAGE_CHARS
    mailmerge = next(hostile_export["out"].glob("*mailmerge.csv"))
    with mailmerge.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            assert all(_safe(v) for v in row.values()), row


def test_a_hostile_template_fails_alone(hostile_export: dict) -> None:
    """Targets of an ordinary segment in the same export still get their messages."""
    files = json.loads(hostile_export["proc"].stdout)["files"]
    assert any(f["kind"] == "mailmerge" and f["rows"] > 0 for f in files)
    db = sqlite3.connect(hostile_export["project"])
    n, with_body = db.execute(
        "SELECT COUNT(*), COUNT(t.body) FROM targets t JOIN segments s ON s.id = t.segment_id "
        "WHERE s.name = 'Ordinary'").fetchone()
    harmless = db.execute(
        "SELECT t.body FROM targets t JOIN segments s ON s.id = t.segment_id "
        "WHERE s.name = 'S slow_loop'").fetchall()
    db.close()
    assert n > 0 and with_body == n
    assert harmless and all(b[0] is None for b in harmless)  # the runaway renders nothing


def test_the_compile_time_refusals_are_the_expected_ones() -> None:
    assert REFUSED == {"attr_filter", "include", "import", "extends", "from_import", "macro",
                       "set_block"}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_template_stops_rendering_with_one_line(name: str) -> None:
    import pandas as pd
    t = templates.MessageTemplate(name, "post_show_follow_up", "any", "Hi", ESCAPES[name])
    frame = pd.DataFrame({"first_name": ["Ann", "Bo"], "email": ["a@x.example", "b@x.example"]})
    with pytest.raises(templates.TemplateError) as err:
        templates.render_many(t, frame, event=None)
    assert "\n" not in str(err.value) and f"'{name}'" in str(err.value)


def test_an_export_meeting_a_refused_template_changes_nothing(demo_copy: Path) -> None:
    from tests.trust.conftest import db_state, one_line_error
    with Project(demo_copy) as p:
        outreach.project_templates(p)
        with p.transaction() as conn:
            conn.execute("INSERT INTO templates (name, play, variant, subject, body) VALUES "
                         "('evil', 'post_show_follow_up', 'any', 'Hi', ?)", (ESCAPES["include"],))
        lists.save_segment(p, "Evil", "tier in (A, B)", template="evil")
    before = db_state(demo_copy)
    proc = run_cli("export", str(demo_copy), "--out", str(demo_copy.parent / "out"), check=False)
    line = one_line_error(proc, contains="include")
    assert "'evil'" in line
    assert db_state(demo_copy) == before
