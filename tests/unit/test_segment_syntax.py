"""The text form of segment rules: parsing, errors, printing, round trips, validation."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtmplanner.core.errors import GtmError, UsageError
from gtmplanner.core.segment_syntax import (
    RESERVED,
    SegmentSyntaxError,
    check_tree,
    normalize,
    parse_expression,
    to_text,
    validate,
)


def cond(field: str, cmp: str, *value: object) -> dict:
    node: dict = {"field": field, "cmp": cmp}
    if value:
        node["value"] = value[0]
    return node


# ------------------------------------------------------------------ parsing

EXAMPLES = {
    "tier in (A, B) and distance_mi <= 60 and not opted_out": {
        "op": "and",
        "rules": [
            cond("tier", "in", ["A", "B"]),
            cond("distance_mi", "le", 60),
            {"op": "not", "rule": cond("opted_out", "is_true")},
        ],
    },
    '(mql = hot or score >= 70) and country = US and title contains "vp"': {
        "op": "and",
        "rules": [
            {"op": "or", "rules": [cond("mql", "eq", "hot"), cond("score", "ge", 70)]},
            cond("country", "eq", "US"),
            cond("title", "contains", "vp"),
        ],
    },
    "employees between 200 and 5000 and industry in (\"Software\", 'Financial Services')": {
        "op": "and",
        "rules": [
            cond("employees", "between", [200, 5000]),
            cond("industry", "in", ["Software", "Financial Services"]),
        ],
    },
    "email is not empty and city starts with Bos": {
        "op": "and",
        "rules": [cond("email", "not_empty"), cond("city", "starts_with", "Bos")],
    },
    "opted_out = false": cond("opted_out", "eq", False),
    "attended": cond("attended", "is_true"),
    "not (tier = D)": {"op": "not", "rule": cond("tier", "eq", "D")},
    'within 50mi of "Boston, MA"': cond("location", "within", {"place": "Boston, MA", "radius_km": 80.47}),
    "within 80km of Boston": cond("location", "within", {"place": "Boston", "radius_km": 80.0}),
    "within 10 miles of Portland, Maine": cond("location", "within", {"place": "Portland, Maine", "radius_km": 16.09}),
    "close_date < 2026-09-17": cond("close_date", "lt", "2026-09-17"),
    "city = New York": cond("city", "eq", "New York"),
    "x = yes or y = NO": {"op": "or", "rules": [cond("x", "eq", True), cond("y", "eq", False)]},
    "x = 'yes'": cond("x", "eq", "yes"),
    "score > -1.5": cond("score", "gt", -1.5),
    "zip = 02134": cond("zip", "eq", "02134"),
    "tier not in (C, D,)": cond("tier", "not_in", ["C", "D"]),
    "title does not contain intern": cond("title", "not_contains", "intern"),
    "title not contains intern": cond("title", "not_contains", "intern"),
    "notes is empty": cond("notes", "empty"),
    "vip is false": cond("vip", "is_false"),
    "vip is yes": cond("vip", "is_true"),
    "a != 1 and b <> 2 and c == 3": {
        "op": "and",
        "rules": [cond("a", "ne", 1), cond("b", "ne", 2), cond("c", "eq", 3)],
    },
    "score>=70": cond("score", "ge", 70),
    r'name = "say \"hi\"\\n"': cond("name", "eq", 'say "hi"\\n'),
    "company = O'Brien": cond("company", "eq", "O'Brien"),
    "   ": {"op": "and", "rules": []},
}


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_parses_the_documented_examples(text: str) -> None:
    assert parse_expression(text) == EXAMPLES[text]


def test_keywords_are_case_insensitive() -> None:
    upper = parse_expression("NOT Tier IN (a) AND x IS NOT EMPTY OR y STARTS WITH q OR z BETWEEN 1 AND 2")
    lower = parse_expression("not Tier in (a) and x is not empty or y starts with q or z between 1 and 2")
    assert upper == lower


def test_and_binds_tighter_than_or() -> None:
    assert parse_expression("a = 1 or b = 2 and c = 3") == {
        "op": "or",
        "rules": [cond("a", "eq", 1), {"op": "and", "rules": [cond("b", "eq", 2), cond("c", "eq", 3)]}],
    }
    assert parse_expression("(a = 1 or b = 2) and c = 3")["op"] == "and"


def test_not_applies_to_the_next_condition_only() -> None:
    assert parse_expression("not a and b") == {
        "op": "and",
        "rules": [{"op": "not", "rule": cond("a", "is_true")}, cond("b", "is_true")],
    }


def test_parsed_trees_are_json_serialisable() -> None:
    for text in EXAMPLES:
        tree = parse_expression(text)
        assert json.loads(json.dumps(tree)) == tree


def test_code_in_the_text_stays_plain_data() -> None:
    assert parse_expression("name = \"__import__('os').system('x')\"") == cond(
        "name", "eq", "__import__('os').system('x')"
    )
    with pytest.raises(SegmentSyntaxError):
        parse_expression("name = __import__('os').system('x')")


# ------------------------------------------------------------------- errors

ERRORS = [
    ("tier in (", 9, "expected a value after 'in ('"),
    ("tier in (A, B) and", 18, "expected a condition at the end"),
    ("tier in A", 8, "expected '(' after 'in'"),
    ("tier foo A", 5, "expected a comparison after 'tier'"),
    ("(tier = A", 9, "expected ')' to close the '(' at column 1"),
    ("tier = A)", 8, "no matching '('"),
    ('x = "abc', 4, "never closed"),
    ("within 50 of Boston", 10, "expected a unit"),
    ("within 50mi of Portland, OR", 23, 'quotes: "Portland, OR"'),
    ("tier ! A", 5, "did you mean '!='"),
    ("x is maybe", 5, "after 'is'"),
    ("score between 1 5", 16, "expected 'and' between"),
    ("= 5", 0, "expected a field name before '='"),
    ("tier = ", 7, "expected a value after 'tier ='"),
    ("()", 1, "empty parentheses"),
    ("a = 1 b = 2", 8, "expected 'and' or 'or' before '='"),
    ("a = 1 and or b", 10, "expected a condition before 'or'"),
    ("within 0mi of X", 7, "more than 0"),
    ("within 5mi Boston", 11, "expected 'of'"),
    ("within 5mi of", 13, "expected a place"),
    ("50mi = 3", 0, "expected a field name"),
    ("x not like y", 6, "expected 'in' or 'contains' after 'not'"),
]


@pytest.mark.parametrize(("text", "position", "fragment"), ERRORS)
def test_errors_point_at_the_problem(text: str, position: int, fragment: str) -> None:
    with pytest.raises(SegmentSyntaxError) as info:
        parse_expression(text)
    err = info.value
    assert err.position == position
    assert fragment in err.message
    assert str(err).startswith(f"column {position + 1}: ")
    assert "\n" not in str(err)


def test_error_message_shape_and_caret() -> None:
    with pytest.raises(SegmentSyntaxError) as info:
        parse_expression("tier in (A, B) and distance_mi <= and country = US")
    err = info.value
    assert str(err) == (
        "column 35: expected a value after 'distance_mi <=', found 'and' — "
        "tier in (A, B) and distance_mi <= and country = US"
    )
    excerpt, caret = err.pointer().split("\n")
    assert excerpt[caret.index("^") :].startswith("and country")


def test_long_text_is_excerpted_around_the_error() -> None:
    text = "a = 1 and " * 20 + "b in (" + " and c = 2" * 20
    with pytest.raises(SegmentSyntaxError) as info:
        parse_expression(text)
    excerpt, caret = info.value.pointer().split("\n")
    assert excerpt.startswith("...") and excerpt.endswith("...")
    assert len(excerpt) < 70
    assert excerpt[caret.index("^") :].startswith("and c")


def test_syntax_error_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        parse_expression("tier in")
    assert issubclass(SegmentSyntaxError, GtmError)


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(SegmentSyntaxError, match="nested too deeply"):
        parse_expression("(" * 500 + "a" + ")" * 500)
    with pytest.raises(SegmentSyntaxError, match="nested too deeply"):
        parse_expression("not " * 500 + "a")


def test_non_text_is_refused() -> None:
    with pytest.raises(UsageError):
        parse_expression(None)  # type: ignore[arg-type]


# ----------------------------------------------------------------- printing


def test_to_text_reads_naturally() -> None:
    tree = parse_expression("(mql = hot or score >= 70) and country = US and not opted_out and not (tier = D)")
    assert to_text(tree) == "(mql = hot or score >= 70) and country = US and not opted_out and not (tier = D)"
    assert to_text(parse_expression('within 50mi of "Boston, MA"')) == 'within 50mi of "Boston, MA"'
    assert to_text(parse_expression("within 80km of Boston")) == 'within 80km of "Boston"'
    assert to_text(cond("city", "eq", "New York")) == 'city = "New York"'
    assert to_text(cond("country", "eq", "no")) == 'country = "no"'
    assert to_text(cond("n", "eq", "5")) == 'n = "5"'
    assert to_text(cond("in", "eq", 5)) == '"in" = 5'
    assert to_text({"op": "and", "rules": []}) == ""


def test_to_text_collapses_single_rule_groups() -> None:
    tree = {"op": "and", "rules": [{"op": "or", "rules": [cond("a", "eq", 1)]}, cond("b", "eq", 2)]}
    assert to_text(tree) == "a = 1 and b = 2"
    assert parse_expression(to_text(tree)) == normalize(tree)


@pytest.mark.parametrize(
    "tree",
    [
        {"op": "or", "rules": [{"op": "and", "rules": []}, cond("a", "is_true")]},
        cond("a", "in", []),
        cond("a", "between", [1]),
        cond("a", "eq", float("nan")),
        cond("a", "eq", None),
        cond("a", "frobs", 1),
        {"op": "xor", "rules": []},
        cond("location", "within", {"place": "X", "radius_km": -1}),
    ],
)
def test_to_text_refuses_trees_it_cannot_write(tree: dict) -> None:
    with pytest.raises(UsageError):
        to_text(tree)


# ---------------------------------------------------------- round-trip property

field_names = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True).filter(lambda s: s not in RESERVED) | st.sampled_from(
    ["Tier", "account.industry", "my field", "in", "And", "x\"y"]
)
texts = st.text(min_size=0, max_size=12) | st.sampled_from(
    ["A", "Financial Services", "and", "or", "true", "NO", "5", "2026-09-17", "O'Brien", "a\\b", "  pad ", "(", ""]
)
scalars = (
    texts
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
)
places = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
radii = st.floats(min_value=0.01, max_value=20000, allow_nan=False) | st.integers(1, 500).map(
    lambda m: round(m * 1.609344, 2)
)


def conditions() -> st.SearchStrategy[dict]:
    one = st.tuples(field_names, st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le", "contains", "not_contains", "starts_with"]), scalars)
    many = st.tuples(field_names, st.sampled_from(["in", "not_in"]), st.lists(scalars, min_size=1, max_size=4))
    pair = st.tuples(field_names, st.just("between"), st.lists(scalars, min_size=2, max_size=2))
    bare = st.tuples(field_names, st.sampled_from(["empty", "not_empty", "is_true", "is_false"]))
    within = st.builds(lambda p, r: cond("location", "within", {"place": p, "radius_km": r}), places, radii)
    return (
        st.one_of(one, many, pair).map(lambda t: cond(t[0], t[1], t[2]))
        | bare.map(lambda t: cond(t[0], t[1]))
        | within
    )


trees = st.recursive(
    conditions(),
    lambda inner: st.builds(lambda op, rules: {"op": op, "rules": rules}, st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=4))
    | inner.map(lambda r: {"op": "not", "rule": r}),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_round_trip(tree: dict) -> None:
    text = to_text(tree)
    assert parse_expression(text) == tree
    assert check_tree(tree) == []


loose_trees = st.recursive(
    conditions(),
    lambda inner: st.builds(lambda op, rules: {"op": op, "rules": rules}, st.sampled_from(["and", "or"]), st.lists(inner, min_size=1, max_size=3))
    | inner.map(lambda r: {"op": "not", "rule": r}),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(loose_trees)
def test_round_trip_of_any_tree_gives_its_normal_form(tree: dict) -> None:
    assert parse_expression(to_text(tree)) == normalize(tree)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("ab =<>!(),'\"\\ 01-.") + ["and ", "or ", "not ", "in ", "within ", "is ", "5mi ", "of "]),
        max_size=15,
    ).map("".join)
)
def test_parser_only_raises_syntax_errors(text: str) -> None:
    try:
        tree = parse_expression(text)
    except SegmentSyntaxError as err:
        assert 0 <= err.position <= len(text)
    else:
        assert check_tree(tree) == []


# ---------------------------------------------------------------- validation

FIELDS = {
    "tier": "text",
    "score": "number",
    "opted_out": "bool",
    "close_date": "date",
    "technologies": "list",
    "latitude": "number",
    "longitude": "number",
}


def test_valid_tree_has_no_problems() -> None:
    tree = parse_expression(
        "Tier in (A, B) and score >= 70 and not opted_out and close_date < 2026-09-17 "
        'and technologies contains snow and within 50mi of "Boston, MA"'
    )
    assert validate(tree, FIELDS) == []


def test_unknown_field_gets_a_suggestion() -> None:
    assert validate(parse_expression("teir = A"), FIELDS) == ["unknown field 'teir'; did you mean 'tier'?"]
    assert validate(parse_expression("zzz = A"), FIELDS) == ["unknown field 'zzz'"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("score >= high", "'high' is not a number"),
        ("score in (1, lots)", "'lots' is not a number"),
        ("close_date < soon", "'soon' is not a date"),
        ("opted_out > 1", "is yes/no"),
        ("opted_out = maybe", "'maybe' is not yes or no"),
        ("technologies > 3", "is a list"),
        ("score between 5000 and 200", "first value is larger"),
    ],
)
def test_type_problems(text: str, fragment: str) -> None:
    problems = validate(parse_expression(text), FIELDS)
    assert len(problems) == 1 and fragment in problems[0], problems


def test_within_needs_coordinates() -> None:
    tree = parse_expression("within 5km of X")
    assert validate(tree, {"tier": "text"}) == ["'within' needs latitude and longitude fields"]


def test_structural_problems() -> None:
    assert check_tree({"op": "and", "rules": "x"}) == ["an 'and' group needs a list of rules"]
    assert check_tree({"op": "not"}) == ["a 'not' group needs a rule"]
    assert "did you mean 'contains'" in check_tree(cond("a", "contain", "x"))[0]
    assert check_tree(cond("a", "between", [1, 2, 3])) == ["a between: needs two values"]
    assert check_tree(cond("a", "eq", [1])) != []
    assert check_tree(cond("location", "within", {"place": " ", "radius_km": 3})) == ["'within' needs a place"]
    assert validate({"op": "or", "rules": [1]}, FIELDS) == ["a rule must be a dict, not int"]
