"""The text form of a segment rule: tokenizer, recursive-descent parser, printer.

A segment rule is a tree of plain, JSON-serialisable dicts:

* groups: ``{"op": "and" | "or", "rules": [...]}`` and ``{"op": "not", "rule": {...}}``
* conditions: ``{"field": "tier", "cmp": "in", "value": ["A", "B"]}``

The text form is what a person types on the command line::

    tier in (A, B) and distance_mi <= 60 and not opted_out
    (mql = hot or score >= 70) and country = US and title contains "vp"
    employees between 200 and 5000 and industry in ("Software", 'Financial Services')
    email is not empty and city starts with Bos
    within 50mi of "Boston, MA"

The text is read by the small parser below and never handed to ``eval`` or to
``DataFrame.query``. Keywords are case-insensitive; ``and`` binds tighter than
``or``. Bare values may span several words (``city = New York``) up to the next
``and``/``or``/``,``/``)``; quote values that contain those words. A bare
``true/false/yes/no`` is a yes/no value and a bare number is a number; quote
them to keep them as text (``country = "NO"``). Dates stay as text in the tree
(``2026-09-17``) and are read as dates when compared with a date field.
``within`` conditions use the virtual field ``location`` (the frame's
latitude/longitude) and store the radius in kilometres.

``parse_expression(to_text(tree)) == tree`` for every canonical tree (groups
have two or more rules); :func:`normalize` makes any tree canonical.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gtmplanner.core.errors import UsageError

__all__ = ["CMPS", "FIELD_TYPES", "SegmentSyntaxError", "check_tree", "normalize", "parse_expression",
           "suggest", "to_text", "validate"]

#: Every comparison a condition may use.
CMPS = frozenset(
    "eq ne in not_in contains not_contains starts_with between gt ge lt le "
    "empty not_empty is_true is_false within".split()
)
#: Comparisons that take no value.
NO_VALUE_CMPS = frozenset({"empty", "not_empty", "is_true", "is_false"})
#: Field types understood by :func:`validate`.
FIELD_TYPES = frozenset({"text", "number", "bool", "date", "list"})
#: The field name a ``within`` condition carries.
LOCATION_FIELD = "location"
KM_PER_MILE = 1.609344

_OPS = {"=": "eq", "==": "eq", "!=": "ne", "<>": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_OP_TEXT = {"eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_OP_ORDER = ("==", "!=", "<>", "<=", ">=", "=", "<", ">")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_BOOL_WORDS = {"true": True, "yes": True, "false": False, "no": False}
#: Words that are quoted when they appear as a field name or a text value.
RESERVED = frozenset(
    "and or not in is contains does between starts with within of empty "
    "true false yes no".split()
)
_NUMBER_RE = re.compile(r"[+-]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")
_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")
_BARE_RE = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_.@/+&:-]*|\d{4}-\d{2}-\d{2})\Z")
_RADIUS_RE = re.compile(r"(?P<num>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>mi|miles?|kms?|kilomet(?:er|re)s?)?\Z", re.I)
_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_MAX_DEPTH = 100
_IS_WORDS = {"empty": "empty", "blank": "empty", "true": "is_true", "yes": "is_true", "false": "is_false", "no": "is_false"}


class SegmentSyntaxError(UsageError):
    """The text of a rule cannot be read.

    ``position`` is the 0-based character offset of the problem; ``str(err)``
    is one line with the 1-based column, the reason and an excerpt, and
    :meth:`pointer` gives the excerpt with a caret under the problem.
    """

    def __init__(self, message: str, position: int, text: str) -> None:
        self.message = message
        self.position = max(0, min(position, len(text)))
        self.text = text
        super().__init__(f"column {self.position + 1}: {message} — {self._excerpt()[0]}")

    def _excerpt(self, width: int = 50) -> tuple[str, int]:
        """Return (excerpt of the text around the position, caret offset in it)."""
        flat = self.text.replace("\n", " ").replace("\t", " ")
        start = max(0, self.position - width // 2)
        end = min(len(flat), start + width)
        start = max(0, min(start, end - width))
        prefix = "..." if start > 0 else ""
        suffix = " ..." if end < len(flat) else ""
        return prefix + flat[start:end] + suffix, len(prefix) + self.position - start

    def pointer(self) -> str:
        """Two lines: the excerpt and a caret under the problem."""
        excerpt, caret = self._excerpt()
        return f"{excerpt}\n{' ' * caret}^"


# --------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # WORD STRING OP ( ) , EOF
    text: str  # the source text of the token
    value: str  # decoded value (strings without quotes/escapes)
    pos: int
    end: int

    def word(self) -> str:
        """Lower-case text of a bare word, '' for anything else."""
        return self.text.lower() if self.kind == "WORD" else ""


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "(),":
            tokens.append(_Token(c, c, c, i, i + 1))
            i += 1
        elif c in "\"'":
            j, buf = i + 1, []
            while j < n and text[j] != c:
                if text[j] == "\\" and j + 1 < n:
                    buf.append(_ESCAPES.get(text[j + 1], text[j + 1]))
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            if j >= n:
                raise SegmentSyntaxError(f"this quote is never closed; add a closing {c}", i, text)
            tokens.append(_Token("STRING", text[i : j + 1], "".join(buf), i, j + 1))
            i = j + 1
        elif (op := next((o for o in _OP_ORDER if text.startswith(o, i)), None)) is not None:
            tokens.append(_Token("OP", op, op, i, i + len(op)))
            i += len(op)
        elif c == "!":
            raise SegmentSyntaxError("unexpected '!'; did you mean '!='?", i, text)
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "(),=<>" and not text.startswith("!=", j):
                j += 1
            tokens.append(_Token("WORD", text[i:j], text[i:j], i, j))
            i = j
    tokens.append(_Token("EOF", "", "", n, n))
    return tokens


def _classify(word: str) -> Any:
    """Read a single bare word: number, yes/no, or text."""
    if _NUMBER_RE.match(word):
        return int(word) if not any(ch in word for ch in ".eE") else float(word)
    return _BOOL_WORDS.get(word.lower(), word)


# --------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def advance(self) -> _Token:
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def fail(self, message: str, tok: _Token | None = None) -> SegmentSyntaxError:
        return SegmentSyntaxError(message, (tok or self.tok).pos, self.text)

    def describe(self, tok: _Token) -> str:
        return "the end of the text" if tok.kind == "EOF" else f"'{tok.text}'"

    def at_end_of_condition(self) -> bool:
        return self.tok.kind in ("EOF", ")") or self.tok.word() in ("and", "or")

    def parse_or(self) -> dict:
        """expression := and_expr ('or' and_expr)* ; and_expr := unary ('and' unary)*"""
        return self.parse_chain("or", lambda: self.parse_chain("and", self.parse_unary))

    def parse_chain(self, op: str, parse_item: Callable[[], dict]) -> dict:
        rules = [parse_item()]
        while self.tok.word() == op:
            self.advance()
            rules.append(parse_item())
        return rules[0] if len(rules) == 1 else {"op": op, "rules": rules}

    def parse_unary(self) -> dict:
        """unary := 'not' unary | '(' expression ')' | within | condition"""
        tok = self.tok
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail("the rule is nested too deeply")
        try:
            if tok.word() == "not":
                self.advance()
                return {"op": "not", "rule": self.parse_unary()}
            return self.parse_primary()
        finally:
            self.depth -= 1

    def parse_primary(self) -> dict:
        tok = self.tok
        if tok.kind == "(":
            self.advance()
            if self.tok.kind == ")":
                raise self.fail("empty parentheses; put a condition inside")
            node = self.parse_or()
            if self.tok.kind != ")":
                col = tok.pos + 1
                raise self.fail(f"expected ')' to close the '(' at column {col}, found {self.describe(self.tok)}")
            self.advance()
            return node
        if tok.word() == "within":
            return self.parse_within()
        if tok.kind == "STRING" or (tok.kind == "WORD" and tok.word() not in ("and", "or")):
            return self.parse_condition()
        if tok.kind == "EOF":
            raise self.fail("expected a condition at the end" if self.i else "expected a condition")
        if tok.kind == "OP":
            raise self.fail(f"expected a field name before '{tok.text}'")
        raise self.fail(f"expected a condition before {self.describe(tok)}")

    def parse_condition(self) -> dict:
        ftok = self.advance()
        if ftok.kind == "WORD" and not _FIELD_RE.match(ftok.text):
            raise self.fail(f"expected a field name, found '{ftok.text}' (quote odd field names)", ftok)
        field = ftok.value
        if not field.strip():
            raise self.fail("expected a field name, found an empty quoted name", ftok)
        if self.at_end_of_condition():
            return {"field": field, "cmp": "is_true"}
        tok = self.tok
        word = tok.word()
        if tok.kind == "OP":
            self.advance()
            return {"field": field, "cmp": _OPS[tok.text], "value": self.parse_value(f"'{field} {tok.text}'")}
        if word in ("in", "contains", "between", "is", "starts", "not", "does"):
            self.advance()
        if word == "in":
            return {"field": field, "cmp": "in", "value": self.parse_list("in")}
        if word == "contains":
            return {"field": field, "cmp": "contains", "value": self.parse_value("'contains'")}
        if word == "starts":
            self.expect_word("with", "after 'starts'")
            return {"field": field, "cmp": "starts_with", "value": self.parse_value("'starts with'")}
        if word == "between":
            lo = self.parse_value("'between'", single=True)
            self.expect_word("and", "between the two values of 'between'")
            hi = self.parse_value("'between ... and'", single=True)
            return {"field": field, "cmp": "between", "value": [lo, hi]}
        if word == "is":
            return {"field": field, "cmp": self.parse_is()}
        if word == "does":
            self.expect_word("not", "after 'does'")
            self.expect_word(("contain", "contains"), "after 'does not'")
            return {"field": field, "cmp": "not_contains", "value": self.parse_value("'does not contain'")}
        if word == "not":
            nxt = self.advance()
            if nxt.word() == "in":
                return {"field": field, "cmp": "not_in", "value": self.parse_list("not in")}
            if nxt.word() in ("contains", "contain"):
                return {"field": field, "cmp": "not_contains", "value": self.parse_value("'not contains'")}
            raise self.fail(f"expected 'in' or 'contains' after 'not', found {self.describe(nxt)}", nxt)
        raise self.fail(
            f"expected a comparison after '{field}' (=, !=, <, <=, >, >=, in, contains, "
            f"starts with, between, is empty), found {self.describe(tok)}"
        )

    def parse_is(self) -> str:
        tok = self.advance()
        if tok.word() in _IS_WORDS:
            return _IS_WORDS[tok.word()]
        if tok.word() == "not":
            nxt = self.advance()
            if nxt.word() in ("empty", "blank"):
                return "not_empty"
            tok = nxt
        raise self.fail(f"expected 'empty', 'not empty', 'true' or 'false' after 'is', found {self.describe(tok)}", tok)

    def expect_word(self, words: str | tuple[str, ...], where: str) -> None:
        options = (words,) if isinstance(words, str) else words
        if self.tok.word() not in options:
            raise self.fail(f"expected '{options[0]}' {where}, found {self.describe(self.tok)}")
        self.advance()

    def parse_value(self, after: str, single: bool = False) -> Any:
        """A quoted string, or bare words up to and/or/,/) (one word when ``single``)."""
        tok = self.tok
        if tok.kind == "STRING":
            self.advance()
            return tok.value
        words: list[str] = []
        while self.tok.kind == "WORD" and self.tok.word() not in ("and", "or"):
            words.append(self.advance().text)
            if single:
                break
        if not words:
            raise self.fail(f"expected a value after {after}, found {self.describe(tok)}", tok)
        return _classify(words[0]) if len(words) == 1 else " ".join(words)

    def parse_list(self, keyword: str) -> list[Any]:
        if self.tok.kind != "(":
            raise self.fail(f"expected '(' after '{keyword}', as in: {keyword} (A, B)")
        self.advance()
        values = [self.parse_value(f"'{keyword} ('")]
        while self.tok.kind == ",":
            self.advance()
            if self.tok.kind == ")":  # a trailing comma is fine
                break
            values.append(self.parse_value("','"))
        if self.tok.kind != ")":
            raise self.fail(f"expected ',' or ')' in the list after '{keyword} (', found {self.describe(self.tok)}")
        self.advance()
        return values

    def parse_within(self) -> dict:
        self.advance()
        tok = self.tok
        match = _RADIUS_RE.match(tok.text) if tok.kind == "WORD" else None
        if match is None:
            raise self.fail(f"expected a distance after 'within', such as 50mi or 80km, found {self.describe(tok)}")
        self.advance()
        unit = match["unit"]
        if unit is None:
            unit_tok = self.tok
            if unit_tok.kind != "WORD" or not _RADIUS_RE.match("1" + unit_tok.text):
                raise self.fail(f"expected a unit (mi or km) after '{tok.text}'")
            unit = self.advance().text
        amount = float(match["num"])
        if amount <= 0:
            raise self.fail("the distance must be more than 0", tok)
        is_miles = unit.lower().startswith("mi")
        radius_km = round(amount * KM_PER_MILE, 2) if is_miles else amount
        self.expect_word("of", "after the distance")
        start = self.tok
        parts: list[_Token] = []
        while not self.at_end_of_condition():
            parts.append(self.advance())
        if not parts:
            raise self.fail("expected a place after 'of', such as \"Boston, MA\"", start)
        if len(parts) == 1 and parts[0].kind == "STRING":
            place = parts[0].value
        else:
            place = self.text[parts[0].pos : parts[-1].end].strip()
            if place.endswith(","):
                example = f"{place} {self.tok.text}".strip()
                raise self.fail(f"the place ends with ','; put the whole place in quotes: \"{example}\"", parts[-1])
        if not place.strip():
            raise self.fail("expected a place after 'of'", start)
        return {"field": LOCATION_FIELD, "cmp": "within", "value": {"place": place, "radius_km": radius_km}}


def parse_expression(text: str) -> dict:
    """Parse the text form of a rule into a rule tree.

    Blank text means "everyone": ``{"op": "and", "rules": []}``.
    Raises :class:`SegmentSyntaxError` with the position of the problem.
    """
    if not isinstance(text, str):
        raise UsageError(f"a rule must be text, not {type(text).__name__}")
    if not text.strip():
        return {"op": "and", "rules": []}
    parser = _Parser(text)
    tree = parser.parse_or()
    tok = parser.tok
    if tok.kind == ")":
        raise parser.fail("this ')' has no matching '('")
    if tok.kind != "EOF":
        raise parser.fail(f"expected 'and' or 'or' before '{tok.text}'")
    return tree


# -------------------------------------------------------------------- printer

_CMP_WORDS = {"contains": "contains", "not_contains": "not contains", "starts_with": "starts with"}
_NO_VALUE_TEXT = {"empty": " is empty", "not_empty": " is not empty", "is_true": "", "is_false": " is false"}


def _quote(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{body}"'


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UsageError(f"{value} cannot be used as a value")
        return repr(value)
    if isinstance(value, str):
        if _BARE_RE.match(value) and value.lower() not in RESERVED and _classify(value) == value:
            return value
        return _quote(value)
    raise UsageError(f"a value must be text, a number or yes/no, not {type(value).__name__}")


def _field_text(field: Any) -> str:
    if not isinstance(field, str) or not field:
        raise UsageError("a condition needs a field name")
    if _FIELD_RE.match(field) and field.lower() not in RESERVED:
        return field
    return _quote(field)


def _radius_text(radius_km: Any) -> str:
    if isinstance(radius_km, bool) or not isinstance(radius_km, (int, float)) or not radius_km > 0:
        raise UsageError("a 'within' radius must be a number of kilometres above 0")
    miles = round(radius_km / KM_PER_MILE)
    if miles > 0 and round(miles * KM_PER_MILE, 2) == radius_km:
        return f"{miles}mi"
    if float(radius_km).is_integer():
        return f"{int(radius_km)}km"
    return f"{Decimal(repr(float(radius_km))):f}km"


def _condition_text(node: Mapping[str, Any]) -> str:
    cmp = node.get("cmp")
    value = node.get("value")
    if cmp == "within":
        if not isinstance(value, Mapping) or not isinstance(value.get("place"), str):
            raise UsageError("a 'within' condition needs a place and a radius")
        return f"within {_radius_text(value.get('radius_km'))} of {_quote(value['place'])}"
    field = _field_text(node.get("field"))
    if cmp in _OP_TEXT:
        return f"{field} {_OP_TEXT[cmp]} {_value_text(value)}"
    if cmp in ("in", "not_in"):
        if not isinstance(value, (list, tuple)) or not value:
            raise UsageError(f"'{cmp}' on {field} needs a non-empty list of values")
        keyword = "in" if cmp == "in" else "not in"
        return f"{field} {keyword} ({', '.join(_value_text(v) for v in value)})"
    if cmp == "between":
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise UsageError(f"'between' on {field} needs two values")
        return f"{field} between {_value_text(value[0])} and {_value_text(value[1])}"
    if cmp in _CMP_WORDS:
        return f"{field} {_CMP_WORDS[cmp]} {_value_text(value)}"
    if cmp in _NO_VALUE_TEXT:
        return field + _NO_VALUE_TEXT[cmp]
    raise UsageError(f"unknown comparison {cmp!r} on {field}")


def _unwrap(node: Any) -> Any:
    """Skip groups with a single rule (they print as their rule)."""
    while isinstance(node, Mapping) and node.get("op") in ("and", "or") and len(node.get("rules") or ()) == 1:
        node = node["rules"][0]
    return node


def _node_text(node: Any, top: bool = False) -> str:
    node = _unwrap(node)
    if not isinstance(node, Mapping):
        raise UsageError(f"a rule must be a dict, not {type(node).__name__}")
    op = node.get("op")
    if op in ("and", "or"):
        rules = node.get("rules") or []
        if not rules:
            if top and op == "and":
                return ""
            raise UsageError(f"an empty '{op}' group cannot be written as text")
        parts = [_node_text(r) for r in rules]
        grouped = [isinstance(u := _unwrap(r), Mapping) and u.get("op") in ("and", "or") for r in rules]
        return f" {op} ".join(f"({p})" if g else p for p, g in zip(parts, grouped, strict=True))
    if op == "not":
        inner = _unwrap(node.get("rule"))
        text = _node_text(inner)
        bare = isinstance(inner, Mapping) and (inner.get("cmp") == "is_true" or inner.get("op") == "not")
        return f"not {text}" if bare else f"not ({text})"
    if op is not None:
        raise UsageError(f"unknown group {op!r}; use and, or, not")
    return _condition_text(node)


def to_text(tree: Mapping[str, Any]) -> str:
    """Write a rule tree in the text form :func:`parse_expression` reads."""
    return _node_text(tree, top=True)


def normalize(tree: Any) -> Any:
    """Return the canonical form of a tree: single-rule groups are replaced by their rule.

    ``parse_expression(to_text(t)) == normalize(t)`` for every tree ``to_text`` accepts.
    """
    node = _unwrap(tree)
    if not isinstance(node, Mapping):
        return node
    if node.get("op") in ("and", "or"):
        return {"op": node["op"], "rules": [normalize(r) for r in node.get("rules") or []]}
    if node.get("op") == "not":
        return {"op": "not", "rule": normalize(node.get("rule"))}
    return dict(node)


# ----------------------------------------------------------------- validation


def suggest(name: str, choices: Any) -> str:
    """``"; did you mean 'tier'?"`` when a close match exists, else ``""``."""
    names = [str(c) for c in choices]
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean '{lowered[close[0]]}'?" if close else ""


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not (isinstance(value, float) and not math.isfinite(value))


def check_tree(tree: Any) -> list[str]:
    """Problems with the *shape* of a tree (groups, comparisons, values), no field checks."""
    problems: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if depth > _MAX_DEPTH * 2:
            problems.append("the rule is nested too deeply")
            return
        if not isinstance(node, Mapping):
            problems.append(f"a rule must be a dict, not {type(node).__name__}")
            return
        op = node.get("op")
        if op in ("and", "or"):
            rules = node.get("rules")
            if not isinstance(rules, (list, tuple)):
                problems.append(f"an '{op}' group needs a list of rules")
                return
            for rule in rules:
                walk(rule, depth + 1)
        elif op == "not":
            if "rule" not in node:
                problems.append("a 'not' group needs a rule")
            else:
                walk(node["rule"], depth + 1)
        elif op is not None:
            problems.append(f"unknown group {op!r}; use and, or, not")
        else:
            problems.extend(_check_condition(node))

    walk(tree, 0)
    return problems


def _check_condition(node: Mapping[str, Any]) -> list[str]:
    cmp, field, value = node.get("cmp"), node.get("field"), node.get("value")
    if cmp not in CMPS:
        return [f"unknown comparison {cmp!r}{suggest(str(cmp), CMPS)}"]
    if cmp == "within":
        if not isinstance(value, Mapping) or not str(value.get("place") or "").strip():
            return ["'within' needs a place"]
        radius = value.get("radius_km")
        ok = isinstance(radius, (int, float)) and not isinstance(radius, bool) and radius > 0
        return [] if ok else ["'within' needs a radius in kilometres above 0"]
    if not isinstance(field, str) or not field:
        return [f"a '{cmp}' condition needs a field name"]
    if cmp in ("in", "not_in"):
        if not isinstance(value, (list, tuple)) or not value or not all(map(_is_scalar, value)):
            return [f"{field} {cmp.replace('_', ' ')}: needs a list of one or more values"]
    elif cmp == "between":
        if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(map(_is_scalar, value)):
            return [f"{field} between: needs two values"]
    elif cmp not in NO_VALUE_CMPS and not _is_scalar(value):
        return [f"{field} {cmp}: needs one value (text, number or yes/no)"]
    return []


def _conditions(node: Any) -> list[Mapping[str, Any]]:
    """Every condition of a (well-formed) tree, in order."""
    if node.get("op") in ("and", "or"):
        return [c for rule in node["rules"] for c in _conditions(rule)]
    return _conditions(node["rule"]) if node.get("op") == "not" else [node]


def _is_number(value: Any) -> bool:
    if isinstance(value, (int, float)):
        return not isinstance(value, bool)
    try:
        float(str(value).replace(",", ""))
    except ValueError:
        return False
    return True


def _is_date(value: Any) -> bool:
    text = str(value).strip()
    try:
        _dt.date.fromisoformat(text[:10]) if _DATE_RE.match(text) else _dt.datetime.strptime(text, "%m/%d/%Y")
    except ValueError:
        return False
    return isinstance(value, str)


_BOOL_TEXT = {"true", "false", "yes", "no", "y", "n", "1", "0", "t", "f"}


def validate(tree: Any, fields: Mapping[str, str]) -> list[str]:
    """List the problems of a tree against known fields (``name -> type``), [] when fine.

    Types: ``text``, ``number``, ``bool``, ``date``, ``list``. Field names match
    case-insensitively; an unknown field gets a suggestion.
    """
    problems = check_tree(tree)
    if problems:
        return problems
    lower = {name.lower(): (name, kind) for name, kind in fields.items()}
    for node in _conditions(tree):
        cmp, field, value = node["cmp"], node.get("field"), node.get("value")
        if cmp == "within":
            if lower and not ("latitude" in lower and "longitude" in lower):
                problems.append("'within' needs latitude and longitude fields")
            continue
        if field.lower() not in lower:
            problems.append(f"unknown field '{field}'{suggest(field, fields)}")
            continue
        name, kind = lower[field.lower()]
        values = value if cmp in ("in", "not_in", "between") else [value]
        problems.extend(_type_problems(name, kind, cmp, values))
        if cmp == "between" and kind == "number" and all(_is_number(v) for v in value):
            lo, hi = value
            if float(str(lo).replace(",", "")) > float(str(hi).replace(",", "")):
                problems.append(f"{name} between {lo} and {hi}: the first value is larger than the second")
    return problems


def _type_problems(name: str, kind: str, cmp: str, values: list[Any]) -> list[str]:
    ordered = cmp in ("gt", "ge", "lt", "le", "between")
    textual = cmp in ("contains", "not_contains", "starts_with")
    if kind == "number" and cmp not in NO_VALUE_CMPS and not textual:
        bad = [v for v in values if not _is_number(v) and not isinstance(v, bool)]
        if bad:
            return [f"{name} is a number; {bad[0]!r} is not a number"]
    if kind == "date" and cmp not in NO_VALUE_CMPS and not textual:
        bad = [v for v in values if not _is_date(v)]
        if bad:
            return [f"{name} is a date; {bad[0]!r} is not a date (write 2026-09-17)"]
    if kind == "bool":
        if ordered or textual:
            return [f"{name} is yes/no; use '{name}', 'not {name}' or '{name} = false'"]
        bad = [v for v in values if cmp not in NO_VALUE_CMPS and not isinstance(v, bool) and str(v).lower() not in _BOOL_TEXT]
        if bad:
            return [f"{name} is yes/no; {bad[0]!r} is not yes or no"]
    if kind == "list" and ordered:
        return [f"{name} is a list; use in, contains or starts with"]
    if kind not in FIELD_TYPES:
        return [f"{name} has an unknown type {kind!r}"]
    return []
