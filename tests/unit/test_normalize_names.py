"""split_full_names and tidy_person_names."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nameparser import HumanName

from gtmplanner.core.normalize import split_full_names, tidy_person_names
from gtmplanner.core.normalize_names import _fast_split


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Dr. Jane Q. Doe Jr.", "Jane", "Doe"),
        ("Doe, Jane", "Jane", "Doe"),
        ("Doe, Jane Q.", "Jane", "Doe"),
        ("Jane", "Jane", None),
        ("Prince", "Prince", None),
        ("Jane Doe", "Jane", "Doe"),
        ("  jane   doe ", "jane", "doe"),
        ("Mary Ann Smith", "Mary", "Smith"),
        ("Juan de la Cruz", "Juan", "de la Cruz"),
        ("Chloé Singh", "Chloé", "Singh"),
        ("Aoife O'Neil", "Aoife", "O'Neil"),
        ("Jean-Luc Picard", "Jean-Luc", "Picard"),
        ("Mr. John Smith PhD", "John", "Smith"),
        ("Dr. Smith", None, "Smith"),
    ],
)
def test_examples(full: str, first: str | None, last: str | None) -> None:
    f, la = split_full_names(pd.Series([full]))
    assert (None if pd.isna(f.iloc[0]) else f.iloc[0]) == first
    assert (None if pd.isna(la.iloc[0]) else la.iloc[0]) == last


def test_missing_and_index() -> None:
    s = pd.Series([None, "N/A", "Jane Doe"], index=["x", "y", "z"])
    f, la = split_full_names(s)
    assert list(f.index) == ["x", "y", "z"]
    assert f.iloc[:2].isna().all() and la.iloc[:2].isna().all()
    assert (f["z"], la["z"]) == ("Jane", "Doe")


_FIRSTS = [
    "Jane",
    "John",
    "Chloé",
    "Li",
    "Aoife",
    "Jean-Luc",
    "Mary",
    "Van",
    "Bo",
    "J.",
    "J",
    "Ivan",
]
_LASTS = ["Doe", "O'Neil", "Singh", "Smith-Jones", "Petrovich", "Wei", "Cruz", "Li", "King", "III"]
_EXTRA = [
    "Q.",
    "Q",
    "Ann",
    "de",
    "van der",
    "y",
    "Dr.",
    "Mr",
    "Jr.",
    "PhD",
    "Sir",
    "Ph.D.",
    "MD",
    "the",
]


def _combos() -> list[str]:
    names = [f"{a} {b}" for a, b in itertools.product(_FIRSTS, _LASTS)]
    names += [f"{a} {x} {b}" for a, x, b in itertools.product(_FIRSTS, _EXTRA, _LASTS)]
    names += [f"{x} {a} {b}" for x, a, b in itertools.product(_EXTRA, _FIRSTS, _LASTS)]
    names += [f"{a} {b} {x}" for a, b, x in itertools.product(_FIRSTS, _LASTS, _EXTRA)]
    names += [f"{b}, {a}" for a, b in itertools.product(_FIRSTS, _LASTS)]
    names += [f"{b}, {a} {x}" for a, b, x in itertools.product(_FIRSTS[:5], _LASTS[:5], _EXTRA)]
    return names


def test_fast_path_agrees_with_nameparser() -> None:
    names = _combos()
    decided, first, last = _fast_split(pa.array(names, type=pa.large_string()))
    assert decided.sum() > 800  # most combos hold a special word on purpose
    for name, ok, f, la in zip(names, decided, first, last, strict=True):
        if not ok:
            continue
        if " " not in name and "," not in name:
            continue
        h = HumanName(name)
        assert (f, la) == (h.first or None, h.last or None), name


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="abcXYZé .,'-\"()Jr", max_size=25), max_size=10))
def test_split_never_raises(values: list[str]) -> None:
    f, la = split_full_names(pd.Series(values, dtype=object))
    assert len(f) == len(values) == len(la)
    assert not (f == "").any() and not (la == "").any()


def test_tidy_person_names() -> None:
    s = pd.Series(
        [
            "JANE",
            "jane",
            "mcdonald",
            "o'neil",
            "DeShawn",
            "ludwig van beethoven",
            "JEAN-LUC PICARD",
            "MARY-KATE",
            "john smith iii",
            "macdonald",
            "MACK",
            "van Dyke",
            None,
            "n/a",
            "  JOSÉ  ",
        ]
    )
    out = tidy_person_names(s)
    assert out.tolist()[:12] == [
        "Jane",
        "Jane",
        "McDonald",
        "O'Neil",
        "DeShawn",
        "Ludwig van Beethoven",
        "Jean-Luc Picard",
        "Mary-Kate",
        "John Smith III",
        "MacDonald",
        "Mack",
        "van Dyke",
    ]
    assert out.iloc[12:14].isna().all()
    assert out.iloc[14] == "José"


def test_tidy_is_vectorised_over_unique_values() -> None:
    s = pd.Series(np.array(["JANE", "jane", "Jane"] * 1000, dtype=object))
    out = tidy_person_names(s)
    assert set(out) == {"Jane"}
