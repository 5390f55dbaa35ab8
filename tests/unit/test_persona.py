"""Job titles -> seniority, department, budget control."""

from __future__ import annotations

import pandas as pd
import pytest

from gtmplanner.core import persona
from gtmplanner.core.persona import DEPARTMENTS, SENIORITY_LEVELS, classify_titles, normalise_title

CASES = [
    # title, seniority, department, budget holder
    ("VP, Mktg", "vp", "marketing", True),
    ("Sr. Dir. Demand Gen", "director", "marketing", True),
    ("Head of RevOps", "head", "revops", True),
    ("CMO", "c_level", "marketing", True),
    ("Chief Revenue Officer", "c_level", "sales", True),
    ("SVP Sales", "vp", "sales", True),
    ("Director of Demand Generation", "director", "marketing", True),
    ("Sales Operations Manager", "manager", "revops", False),
    ("Intern", "intern", "other", False),
    ("Marketing Intern", "intern", "marketing", False),
    ("Founder & CEO", "c_level", "executive", True),
    ("CFO", "c_level", "finance", True),
    ("Head of IT", "head", "it", True),
    ("Director, Revenue Operations", "director", "revops", True),
    ("Field Marketing Manager", "manager", "marketing", False),
    ("Marketing Coordinator", "ic", "marketing", False),
    ("Account Executive", "ic", "sales", False),
    ("Procurement Specialist", "ic", "operations", False),
    ("Senior Software Engineer", "senior_ic", "engineering", False),
    # German
    ("Leiter Marketing", "head", "marketing", True),
    ("Geschäftsführer", "c_level", "executive", True),
    ("Geschaeftsfuehrer", "c_level", "executive", True),
    ("Vertriebsleiter", "head", "sales", True),
    ("Marketingleiterin", "head", "marketing", True),
    # French
    ("Directeur Marketing", "director", "marketing", True),
    ("Directrice commerciale", "director", "sales", True),
    ("Responsable marketing", "head", "marketing", True),
    ("PDG", "c_level", "executive", True),
    # Spanish
    ("Director de Marketing", "director", "marketing", True),
    ("Gerente de Ventas", "manager", "sales", False),
    ("Jefe de Marketing", "head", "marketing", True),
    ("Directora Comercial", "director", "sales", True),
    # traps
    ("Vice President", "vp", "other", True),
    ("Product Owner", "ic", "product", False),
    ("Business Owner", "c_level", "executive", True),
    ("Executive Assistant to the CEO", "ic", "executive", False),
    ("Managing Director", "c_level", "executive", True),
]


@pytest.mark.parametrize(("title", "seniority", "department", "budget"), CASES)
def test_classify_known_titles(title: str, seniority: str, department: str, budget: bool) -> None:
    out = classify_titles(pd.Series([title]))
    assert out.loc[0, "seniority"] == seniority
    assert out.loc[0, "department"] == department
    assert bool(out.loc[0, "budget_holder"]) is budget


def test_all_values_are_in_the_documented_vocabularies() -> None:
    out = classify_titles(pd.Series([c[0] for c in CASES] + ["Astronaut", "???"]))
    assert set(out["seniority"].dropna()) <= set(SENIORITY_LEVELS)
    assert set(out["department"].dropna()) <= set(DEPARTMENTS)
    assert out["department"].iloc[-2] == "other"


def test_missing_titles_give_na_and_index_is_kept() -> None:
    titles = pd.Series(["CMO", None, "", "   ", "Intern"], index=[10, 11, 12, 13, 14])
    out = classify_titles(titles)
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert out["seniority"].isna().tolist() == [False, True, True, True, False]
    assert out["department"].isna().tolist() == [False, True, True, True, False]
    assert out["budget_holder"].tolist() == [True, False, False, False, False]
    assert out["budget_holder"].dtype == bool


def test_empty_series() -> None:
    out = classify_titles(pd.Series([], dtype="str"))
    assert list(out.columns) == ["seniority", "department", "budget_holder"]
    assert len(out) == 0


def test_normalisation_expands_abbreviations() -> None:
    assert normalise_title("Sr. Dir. Demand Gen") == "senior director demand generation"
    assert normalise_title("VP, Mktg") == "vice president marketing"
    assert normalise_title("Geschäftsführer") == "geschaftsfuhrer"


def test_each_distinct_title_is_normalised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = persona.normalise_title

    def counting(title: str) -> str:
        calls.append(title)
        return real(title)

    monkeypatch.setattr(persona, "normalise_title", counting)
    titles = pd.Series(["VP Marketing", "CMO", "Intern"] * 20_000)
    out = classify_titles(titles)
    assert len(calls) == 3
    assert out["seniority"].value_counts().to_dict() == {"vp": 20_000, "c_level": 20_000,
                                                         "intern": 20_000}


def test_spellings_that_normalise_alike_agree() -> None:
    out = classify_titles(pd.Series(["VP Marketing", "vp, marketing", "V.P. Marketing"]))
    assert out["seniority"].tolist() == ["vp", "vp", "vp"]
    assert out["department"].tolist() == ["marketing"] * 3
