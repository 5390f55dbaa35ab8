"""Message templates: merge fields with fallbacks, live preview, rendering in a sandbox.

A template is Jinja2 text (``Hi {{ first_name | default("there") }},``) rendered
in a locked-down environment, because a template can arrive inside somebody
else's project file:

* ``ImmutableSandboxedEnvironment`` with no loader: no ``include``/``import``
  (those tags, ``macro``, ``call``, ``filter`` and ``set ... endset`` blocks are
  refused before compiling), no ``_private`` or internal attributes, strings
  expose only a short list of harmless methods, no ``str.format``;
* a short list of filters; ``* ** + %`` and ``~`` check sizes before building
  a value, every ``for`` loop is counted and timed, the output is capped at
  ``MAX_MESSAGE_CHARS`` and a render stops after ``MAX_RENDER_SECONDS``.

Missing values render empty (a chainable undefined), or as the ``default``
given; each missing field a render touched is recorded so the UI and
:func:`render_many` can say "first_name missing for 12 targets (the fallback
'there' was used)". Any problem is one :class:`TemplateError` line naming the
template, the part and the line.
"""

from __future__ import annotations

import difflib
import math
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
import pandas as pd
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.filters import FILTERS
from jinja2.runtime import ChainableUndefined, missing
from jinja2.sandbox import ImmutableSandboxedEnvironment

from gtmplanner.core import default_templates as texts
from gtmplanner.core.default_templates import (
    build_context,
    context_columns,
    event_context,
    nice_date,
    persona_of,
    prepare_context,
    rep_context,
)
from gtmplanner.core.errors import GtmError
from gtmplanner.core.normalize_text import STR_DTYPE

__all__ = [
    "PLAYS", "MessageTemplate", "RenderResult", "TemplateError", "build_context",
    "choose_template", "default_templates", "merge_fields", "persona_of", "preview", "render",
    "render_many", "validate_template",
]

PLAYS: tuple[str, ...] = ("pre_show_booth", "pre_show_dinner", "pre_show_happy_hour", "on_site",
                          "post_show_follow_up", "cold_retarget", "customer_check_in")
VARIANTS: tuple[str, ...] = ("executive", "practitioner", "any")

MAX_MESSAGE_CHARS = 100_000
"""A rendered subject or body longer than this is refused ("message too long")."""
MAX_VALUE_CHARS = 100_000
"""No string or list built while rendering may be longer than this."""
MAX_ITERATIONS = 1_000_000
"""Loop iterations allowed in one render (all loops together)."""
MAX_RENDER_SECONDS = 1.0
"""Wall-clock time allowed for one target's subject and body."""
MAX_SLOW_RENDERS = 2
"""After this many targets hit the time limit, :func:`render_many` stops using the template."""
_MAX_INT_BITS = 4096


class TemplateError(GtmError):
    """A template cannot be compiled or rendered; ``str()`` names template, part and line."""


@dataclass
class MessageTemplate:
    """One message: ``play`` (see PLAYS), ``variant`` ('executive'|'practitioner'|'any')."""

    name: str
    play: str
    variant: str
    subject: str
    body: str


@dataclass
class RenderResult:
    """What :func:`render_many` produced, aligned with the targets' index."""

    subject: pd.Series
    body: pd.Series
    template: pd.Series
    missing: dict[str, int] = field(default_factory=dict)
    missing_rows: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_templates() -> list[MessageTemplate]:
    """The shipped templates: an executive and a practitioner variant for every play."""
    return [MessageTemplate(*row) for row in texts.DEFAULT_TEMPLATES]


def merge_fields() -> dict[str, str]:
    """Field path -> description for the merge-field picker (internal ones say so)."""
    return dict(texts.MERGE_FIELDS)


# ------------------------------------------------------------------ the sandbox


class _Limit(Exception):
    """A render went over a size or time limit."""


@dataclass
class _RenderState:
    deadline: float
    missing: set[str] = field(default_factory=set)
    ticks: int = 0

    def tick(self) -> None:
        self.ticks += 1
        if self.ticks > MAX_ITERATIONS:
            raise _Limit(f"too many loop steps (over {MAX_ITERATIONS:,})")
        if not self.ticks & 127 and time.monotonic() > self.deadline:
            raise _Limit(f"took longer than {MAX_RENDER_SECONDS:g} s (a runaway loop?)")


_STATE: ContextVar[_RenderState | None] = ContextVar("gtm_template_state", default=None)
_GUARD = "__gtm_loop_guard"


class _TrackingUndefined(ChainableUndefined):
    """Renders empty, chains (``a.b.c``) and records the missing field's path."""

    __slots__ = ()

    def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                 exc: type[Exception] = jinja2.UndefinedError) -> None:
        super().__init__(hint, obj, name, exc)
        state = _STATE.get()
        if state is not None and hint is None and isinstance(name, str):
            path = getattr(obj, "path", None) if obj is not missing else ""
            if path is not None:
                state.missing.add(f"{path}.{name}" if path else name)


def _loop_guard(iterable: Any) -> Iterator[Any]:
    state = _STATE.get()
    for item in iterable:
        if state is not None:
            state.tick()
        yield item


def _check_len(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_VALUE_CHARS:
        raise _Limit(f"value too long (over {MAX_VALUE_CHARS:,} characters or items)")
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        raise _Limit("number too large")
    return value


def _materialize(value: Any) -> list[Any]:
    out: list[Any] = []
    total = 0
    for item in _loop_guard(value):
        total += len(item) if isinstance(item, str) else 1
        if total > MAX_VALUE_CHARS * 10 or len(out) >= MAX_VALUE_CHARS:
            raise _Limit("list too long")
        out.append(item)
    return out


def _f_join(value: Any, d: str = "", attribute: Any = None) -> str:
    parts: list[str] = []
    total = 0
    for item in _loop_guard(value):
        s = str(item if attribute is None else _ENV.getattr(item, attribute))
        total += len(s) + len(d)
        if total > MAX_VALUE_CHARS:
            raise _Limit(f"value too long (over {MAX_VALUE_CHARS:,} characters)")
        parts.append(s)
    return str(d).join(parts)


def _f_replace(s: Any, old: Any, new: Any, count: int | None = None) -> str:
    s, old, new = str(s), str(old), str(new)
    n = s.count(old) if old else len(s) + 1
    if count is not None and count >= 0:
        n = min(n, count)
    if len(s) + n * max(len(new) - len(old), 0) > MAX_VALUE_CHARS:
        raise _Limit(f"value too long (over {MAX_VALUE_CHARS:,} characters)")
    return s.replace(old, new, -1 if count is None else count)


def _f_center(value: Any, width: int = 80) -> str:
    if int(width) > MAX_VALUE_CHARS:
        raise _Limit(f"value too long (over {MAX_VALUE_CHARS:,} characters)")
    return str(value).center(int(width))


def _f_nice_date(value: Any) -> str:
    return nice_date(value) or ""


_PLAIN_FILTERS = ("abs", "capitalize", "count", "d", "default", "dictsort", "first", "float",
                  "int", "items", "last", "length", "lower", "map", "max", "min", "reject",
                  "rejectattr", "round", "select", "selectattr", "string", "sum", "title", "trim",
                  "truncate", "upper", "wordcount")
_SAFE_FILTERS: dict[str, Any] = {name: FILTERS[name] for name in _PLAIN_FILTERS}
_SAFE_FILTERS.update({
    "join": _f_join, "replace": _f_replace, "center": _f_center, "nice_date": _f_nice_date,
    "list": _materialize,
    "sort": jinja2.pass_environment(
        lambda env, v, *a, **k: FILTERS["sort"](env, _materialize(v), *a, **k)),
    "unique": jinja2.pass_environment(
        lambda env, v, *a, **k: FILTERS["unique"](env, _materialize(v), *a, **k)),
    "reverse": lambda v: v[::-1] if isinstance(v, str) else _materialize(v)[::-1],
})

_STR_METHODS = frozenset({"upper", "lower", "title", "capitalize", "casefold", "strip", "lstrip",
                          "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith",
                          "count", "find", "isdigit", "isalpha", "isupper", "islower"})
_DICT_METHODS = frozenset({"get", "items", "keys", "values"})
_BLOCKED_TAGS: dict[type, str] = {
    nodes.Extends: "extends", nodes.Include: "include", nodes.Import: "import",
    nodes.FromImport: "from ... import", nodes.Macro: "macro", nodes.CallBlock: "call",
    nodes.FilterBlock: "filter", nodes.AssignBlock: "set ... endset", nodes.Block: "block",
    nodes.ExprStmt: "do",
}


class _CodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` into a size-checked join."""

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:  # noqa: N802
        self.write("environment.guarded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _MessageEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox messages render in (see the module docstring)."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(autoescape=False, undefined=_TrackingUndefined, loader=None,
                         trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=False,
                         finalize=_finalize)
        self.filters = dict(_SAFE_FILTERS)
        self.globals = {"range": self.globals["range"], "namespace": self.globals["namespace"],
                        "cycler": self.globals["cycler"], "joiner": self.globals["joiner"],
                        _GUARD: _loop_guard}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, str):
            return attr in _STR_METHODS
        if isinstance(obj, dict):
            return attr in _DICT_METHODS
        return True

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"access to {type(obj).__name__}.{attribute} is not allowed "
                            "in message templates")

    def wrap_str_format(self, value: Any) -> Any:
        if super().wrap_str_format(value) is not None:
            raise SecurityError("str.format is not allowed in message templates; use ~ "
                                "to join text")
        return None

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise SecurityError("'%' formatting is not allowed in message templates; use ~")
        if operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) \
                    and len(seq) * max(n, 0) > MAX_VALUE_CHARS:
                raise _Limit(f"value too long (over {MAX_VALUE_CHARS:,} characters or items)")
        if operator == "+" and isinstance(left, (str, list, tuple)) \
                and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > MAX_VALUE_CHARS:
            raise _Limit(f"value too long (over {MAX_VALUE_CHARS:,} characters or items)")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and right * math.log2(abs(left)) > _MAX_INT_BITS:
            raise _Limit("number too large")
        return _check_len(super().call_binop(context, operator, left, right))

    def guarded_concat(self, parts: Iterable[Any]) -> str:
        out = [str(p) for p in parts]
        if sum(map(len, out)) > MAX_VALUE_CHARS:
            raise _Limit(f"value too long (over {MAX_VALUE_CHARS:,} characters)")
        return "".join(out)


def _finalize(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return value


_ENV = _MessageEnvironment()


@dataclass(frozen=True)
class _Part:
    """One compiled subject or body."""

    template: jinja2.Template
    fallbacks: dict[str, str]


def _where(name: str | None, part: str, line: int | None) -> str:
    head = f"template '{name}', " if name else ""
    return f"{head}{part} line {line}" if line else f"{head}{part}"


def _field_path(node: nodes.Node) -> str | None:
    """``event.booth`` for Getattr(Name('event'), 'booth'); None for anything else."""
    bits: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if not isinstance(key, str):
            return None
        bits.append(key)
        node = node.node
    if isinstance(node, nodes.Name):
        return ".".join([node.name, *reversed(bits)])
    return None


def _parse(source: str, name: str | None, part: str) -> nodes.Template:
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{_where(name, part, exc.lineno)}: {exc.message}") from None
    for kind, tag in _BLOCKED_TAGS.items():
        for node in tree.find_all(kind):
            raise TemplateError(f"{_where(name, part, node.lineno)}: "
                                f"{{% {tag} %}} is not allowed in message templates")
    return tree


@lru_cache(maxsize=512)
def _compile(source: str, name: str | None, part: str) -> _Part:
    """Parse, check, guard every loop and compile one part (cached by its text)."""
    tree = _parse(source, name, part)
    fallbacks: dict[str, str] = {}
    for flt in tree.find_all(nodes.Filter):
        path = _field_path(flt.node) if flt.node is not None else None
        if flt.name in ("default", "d") and path and flt.args \
                and isinstance(flt.args[0], nodes.Const):
            fallbacks.setdefault(path, str(flt.args[0].value))
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(nodes.Name(_GUARD, "load"), [loop.iter], [], None, None)
        loop.iter.set_lineno(loop.lineno)
    try:
        code = _ENV.compile(tree, name=name, filename=f"<{part}>")
    except TemplateSyntaxError as exc:  # unknown filter, bad assignment target...
        raise TemplateError(f"{_where(name, part, exc.lineno)}: {exc.message}") from None
    tmpl = _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None))
    return _Part(tmpl, fallbacks)


def _error_line(exc: BaseException, tmpl: jinja2.Template, part: str) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == f"<{part}>" and frame.lineno:
            line = tmpl.get_corresponding_lineno(frame.lineno)
    return line


def _run(compiled: _Part, context: Mapping[str, Any], name: str | None, part: str) -> str:
    tmpl = compiled.template
    chunks: list[str] = []
    size = 0
    try:
        for chunk in tmpl.root_render_func(tmpl.new_context(context, shared=True)):
            size += len(chunk)
            if size > MAX_MESSAGE_CHARS:
                raise _Limit(f"message too long (over {MAX_MESSAGE_CHARS:,} characters)")
            chunks.append(chunk)
    except Exception as exc:  # noqa: BLE001 - every template failure becomes one line
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TemplateError(f"{_where(name, part, _error_line(exc, tmpl, part))}: "
                            f"{msg}") from None
    return "".join(chunks)


_BLANKS = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")


def _render_tracked(template: MessageTemplate, context: Mapping[str, Any]
                    ) -> tuple[str, str, set[str]]:
    subject_part = _compile(template.subject, template.name, "subject")
    body_part = _compile(template.body, template.name, "body")
    state = _RenderState(deadline=time.monotonic() + MAX_RENDER_SECONDS)
    token = _STATE.set(state)
    full = {**_ENV.globals, **context}
    try:
        subject = _run(subject_part, full, template.name, "subject")
        body = _run(body_part, full, template.name, "body")
    finally:
        _STATE.reset(token)
    body = _BLANKS.sub("\n\n", _TRAILING.sub("\n", body.replace("\r\n", "\n"))).strip()
    return " ".join(subject.split()), body, state.missing


def render(template: MessageTemplate, context: Mapping[str, Any]) -> tuple[str, str]:
    """``(subject, body)`` for one context (from :func:`build_context` or a plain dict).

    Raises :class:`TemplateError` ("template 'X', body line 3: ...") on syntax
    errors, unsafe access, runtime errors and size/time limits.
    """
    subject, body, _ = _render_tracked(template, prepare_context(context))
    return subject, body


def preview(template: MessageTemplate, context: Mapping[str, Any]) -> tuple[str, str, list[str]]:
    """Like :func:`render`, plus the sorted merge fields that were missing."""
    subject, body, miss = _render_tracked(template, prepare_context(context))
    return subject, body, sorted(miss)


def choose_template(templates: Sequence[MessageTemplate], play: str, seniority: str | None,
                    *, title: str | None = None) -> MessageTemplate:
    """The template for ``play`` whose variant fits the person (exec vs practitioner).

    ``seniority`` may also be a persona ('executive'/'practitioner'). Falls back
    to an 'any' variant, then to any template of the play.
    """
    persona = persona_of(seniority, title)
    of_play = [t for t in templates if t.play == play]
    if not of_play:
        raise TemplateError(f"no template for the play '{play}'")
    for wanted in (persona, "any"):
        for t in of_play:
            if t.variant == wanted:
                return t
    return of_play[0]


def _missing_message(path: str, count: int, fallbacks: Mapping[str, str]) -> str:
    who = "target" if count == 1 else "targets"
    if path in fallbacks:
        return f"{path} missing for {count:,} {who} (the fallback '{fallbacks[path]}' was used)"
    return f"{path} missing for {count:,} {who} (left out of the message)"


def render_many(template_or_templates: MessageTemplate | Sequence[MessageTemplate],
                targets: pd.DataFrame, *, event: Mapping[str, Any] | None,
                reps: Mapping[str, Mapping[str, Any]] | None = None,
                progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> RenderResult:
    """Render a message for every target row (index kept).

    With several templates, each row takes the one named in its ``template``
    column when there is one, else the variant for its persona. The row's
    ``rep`` column picks the rep from ``reps`` (name -> rep fields). Each
    template compiles once. Rows that fail get NA and one line in ``errors``
    per distinct problem; ``missing`` counts targets per missing merge field.
    ``progress(fraction)`` is called every 1,000 rows; when ``cancelled()``
    turns true a GtmError("rendering cancelled") is raised.
    """
    many = not isinstance(template_or_templates, MessageTemplate)
    templates = list(template_or_templates) if many else [template_or_templates]
    if not templates:
        raise TemplateError("no template to render")
    by_name = {t.name: t for t in templates}
    for t in templates:  # syntax problems surface once, before any row
        _compile(t.subject, t.name, "subject")
        _compile(t.body, t.name, "body")
    rep_of = {"".join(str(k).split()).casefold(): rep_context({"name": k, **dict(r)})
              for k, r in (reps or {}).items()}
    cols = [c for c in context_columns() if c in targets.columns]
    extra = [c for c in ("rep", "template") if c in targets.columns and c not in cols]
    frame = targets[cols + extra]
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    n = len(records)
    subjects: list[Any] = [pd.NA] * n
    bodies: list[Any] = [pd.NA] * n
    used: list[Any] = [pd.NA] * n
    counts: dict[str, int] = {}
    rows: dict[str, list[Any]] = {}
    errors: dict[str, list[Any]] = {}
    slow: dict[str, int] = {}  # template name -> renders stopped by the time limit
    event_ctx = event_context(event)
    index = list(targets.index)
    for i, rec in enumerate(records):
        if not i % 1000 and i:
            if cancelled is not None and cancelled():
                raise GtmError("rendering cancelled")
            if progress is not None:
                progress(i / n)
        rep_name = rec.get("rep")
        rep = rep_of.get("".join(str(rep_name).split()).casefold()) if rep_name else None
        if rep is None and rep_name:
            rep = rep_of.setdefault("".join(str(rep_name).split()).casefold(),
                                    rep_context({"name": rep_name}))
        tmpl = by_name.get(rec.get("template") or "") if many else templates[0]
        if tmpl is None:
            tmpl = choose_template(templates, templates[0].play, rec.get("seniority"),
                                   title=rec.get("title"))
        if slow.get(tmpl.name, 0) >= MAX_SLOW_RENDERS:  # a runaway: don't pay 1 s a target
            errors.setdefault(f"template '{tmpl.name}': not rendered (it ran over "
                              f"{MAX_RENDER_SECONDS:g} s for {MAX_SLOW_RENDERS} targets)",
                              []).append(index[i])
            continue
        ctx = build_context(rec, event=event_ctx, rep=rep)
        started = time.monotonic()
        try:
            subj, body, miss = _render_tracked(tmpl, ctx)
        except TemplateError as exc:
            errors.setdefault(str(exc), []).append(index[i])
            if time.monotonic() - started >= MAX_RENDER_SECONDS:
                slow[tmpl.name] = slow.get(tmpl.name, 0) + 1
            continue
        subjects[i], bodies[i], used[i] = subj, body, tmpl.name
        for path in miss:
            counts[path] = counts.get(path, 0) + 1
            bucket = rows.setdefault(path, [])
            if len(bucket) < 50:
                bucket.append(index[i])
    fallbacks: dict[str, str] = {}
    for t in templates:
        for part in (_compile(t.subject, t.name, "subject"), _compile(t.body, t.name, "body")):
            for k, v in part.fallbacks.items():
                fallbacks.setdefault(k, v)
    if progress is not None:
        progress(1.0)
    order = sorted(counts, key=lambda k: (-counts[k], k))
    error_lines = [f"{msg} ({len(ids):,} target{'s' if len(ids) != 1 else ''}, first: {ids[0]})"
                   for msg, ids in errors.items()]
    return RenderResult(
        subject=pd.Series(pd.array(subjects, dtype=STR_DTYPE), index=targets.index),
        body=pd.Series(pd.array(bodies, dtype=STR_DTYPE), index=targets.index),
        template=pd.Series(pd.array(used, dtype=STR_DTYPE), index=targets.index),
        missing={k: counts[k] for k in order},
        missing_rows={k: rows[k] for k in order},
        errors=error_lines,
        warnings=[_missing_message(k, counts[k], fallbacks) for k in order],
    )


# ------------------------------------------------------------------ validation

_GLOBAL_NAMES = frozenset({"range", "namespace", "cycler", "joiner", "loop", _GUARD})


def _guarded_paths(node: nodes.Node, guarded: frozenset[str], out: list[tuple[str, int, bool]]
                   ) -> None:
    """Collect (field path, line, guarded) for every field read; guarded = inside an if on it."""
    if isinstance(node, nodes.If):
        reads = [node.test, *node.test.find_all((nodes.Name, nodes.Getattr))]
        tested = frozenset(p for n in reads if (p := _field_path(n)))
        _guarded_paths(node.test, guarded | tested, out)  # a test is its own guard
        for child in node.body:
            _guarded_paths(child, guarded | tested, out)
        for child in [*node.elif_, *node.else_]:
            _guarded_paths(child, guarded, out)
        return
    if isinstance(node, nodes.Filter) and node.name in ("default", "d") and node.node is not None:
        path = _field_path(node.node)
        if path:
            out.append((path, node.lineno, True))
            for arg in node.args:
                _guarded_paths(arg, guarded, out)
            return
    path = _field_path(node) if isinstance(node, (nodes.Name, nodes.Getattr)) else None
    if path and (not isinstance(node, nodes.Name) or node.ctx == "load"):
        out.append((path, node.lineno, path in guarded or path.split(".")[0] in guarded))
        return
    for child in node.iter_child_nodes():
        _guarded_paths(child, guarded, out)


def validate_template(subject: str, body: str, *, errors_only: bool = False) -> list[str]:
    """Problems and warnings, one line each, with the part and line.

    Errors (the template cannot render): syntax errors, refused tags, unknown
    filters. Warnings (it renders, but check it): unknown merge fields (with a
    suggestion), internal fields (``deal.amount``...) that must not reach a
    customer, person/account/deal fields shown with no fallback and no
    ``{% if %}`` around them. ``errors_only=True`` returns just the errors.
    """
    problems: list[str] = []
    known = set(texts.MERGE_FIELDS)
    roots = {k.split(".")[0] for k in known}
    for part, source in (("subject", subject), ("body", body)):
        try:
            tree = _parse(source, None, part)
            _compile(source, None, part)
        except TemplateError as exc:
            problems.append(str(exc))
            continue
        if errors_only:
            continue
        assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        seen: set[tuple[str, int]] = set()
        found: list[tuple[str, int, bool]] = []
        _guarded_paths(tree, frozenset(), found)
        for path, line, guarded in found:
            root, _, last = path.rpartition(".")
            if root and last in _STR_METHODS | _DICT_METHODS:
                path = root  # first_name.upper() reads first_name
            root = path.split(".")[0]
            if root in _GLOBAL_NAMES or root in assigned or (path, line) in seen:
                continue
            seen.add((path, line))
            where = f"{part} line {line}"
            if path not in known and path not in roots:
                hint = difflib.get_close_matches(path, sorted(known), n=1, cutoff=0.6)
                tip = f"; did you mean '{hint[0]}'?" if hint else ""
                problems.append(f"{where}: unknown merge field '{path}'{tip}")
            elif path in texts.INTERNAL_FIELDS:
                problems.append(f"{where}: {path} is internal CRM data; don't send it to a "
                                "customer")
            elif not guarded and root not in ("event", "rep", "persona"):
                problems.append(f"{where}: {path} has no fallback; add "
                                f'| default("...") or wrap it in {{% if {path} %}}')
    return problems
