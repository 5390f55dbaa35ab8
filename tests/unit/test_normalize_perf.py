"""The normalisers on a realistic, mostly-unique frame give the right results.

No timings here: the speed bars (200,000 rows of ``realistic_frame``) are measured
by ``.venv/bin/python benchmarks/bench_parts.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from gtmplanner.core import normalize as nz


def _load_bench_module():  # noqa: ANN202 - a module object
    """Import the sibling data module whatever pytest's import mode is."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("test_normalize_bench_data.py")
    spec = importlib.util.spec_from_file_location("_normalize_bench_data", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


realistic_frame = _load_bench_module().realistic_frame

@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return realistic_frame(50_000, seed=3)


def test_results_on_realistic_frame(frame: pd.DataFrame) -> None:
    emails, bad = nz.normalize_emails(frame["email"])
    assert bad.sum() == (frame["email"] == "not an email").sum()
    assert emails.dropna().str.islower().all()
    phones, bad_phone = nz.normalize_phones(frame["phone"], frame["phone_region"])
    assert bad_phone.mean() < 0.01
    assert phones[~bad_phone].str.startswith("+").all()
    first, last = nz.split_full_names(frame["full_name"])
    assert first.notna().all() and last.notna().all()
    assert not first.str.contains(r"\.|,").any()
    assert nz.normalize_country(frame["country"]).tolist() == frame["iso"].tolist()
    assert nz.parse_dates(frame["date_iso"]).notna().all()
    assert nz.parse_dates(frame["date_named"]).notna().all()
    assert nz.parse_dates(frame["date_us"]).notna().all()
    amounts, _ = nz.parse_money(frame["money"])
    assert amounts.notna().all()
    assert nz.parse_employees(frame["employees"]).notna().all()
