"""Formula-injection guard, atomic writes and file names (export/safe.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gtmplanner.core.errors import GtmError
from gtmplanner.core.export.safe import (
    DANGEROUS_PREFIXES,
    WriteCount,
    atomic_path,
    neutralise,
    neutralise_series,
    safe_filename,
    unneutralise,
)

NASTY = ['=HYPERLINK("http://x","click")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3",
         "\t=1+1", "\r=1+1", "\uff1dSUM(A1)"]  # fmt: skip


@pytest.mark.parametrize("value", NASTY)
def test_dangerous_text_gets_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert unneutralise(neutralise(value)) == value


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3, True, None, "-", "", "Chloé", "a=b", " =x"])
def test_safe_values_untouched(value: object) -> None:
    assert neutralise(value) == value


def test_numpy_numbers_untouched() -> None:
    assert neutralise(np.float64(-1.5)) == -1.5
    assert neutralise(np.int64(-3)) == -3


def test_series_string_dtype() -> None:
    s = pd.Series(["=1+1", "ok", None, "-", "@x", "+1 555"], dtype="str")
    out = neutralise_series(s)
    assert out.tolist()[:2] == ["'=1+1", "ok"]
    assert pd.isna(out.iloc[2])
    assert out.tolist()[3:] == ["-", "'@x", "'+1 555"]


def test_series_object_and_numeric() -> None:
    mixed = pd.Series(["=A1", -3, 2.5, None], dtype=object)
    assert neutralise_series(mixed).tolist() == ["'=A1", -3, 2.5, None]
    nums = pd.Series([-1.0, 2.0])
    assert neutralise_series(nums) is nums


@given(st.text())
def test_property_never_starts_dangerous(text: str) -> None:
    out = neutralise(text)
    assert out == "-" or not out or out[0] not in DANGEROUS_PREFIXES
    assert unneutralise(out) == text


def test_write_count_is_int_with_skipped() -> None:
    count = WriteCount(5, skipped=2)
    assert count == 5 and count + 1 == 6 and count.skipped == 2


def test_safe_filename() -> None:
    assert safe_filename('Bruno "B" Díaz/EMEA') == "Bruno _B_ Díaz_EMEA"
    assert safe_filename(None) == "all-reps"
    assert safe_filename(" .. ") == "all-reps"


def test_atomic_path_replaces_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_path_locked_target_is_one_line_error(tmp_path: Path, monkeypatch) -> None:
    import gtmplanner.core.export.safe as safe

    def locked(src: object, dst: object) -> None:
        raise PermissionError("locked")

    monkeypatch.setattr(safe.os, "replace", locked)
    with (
        pytest.raises(GtmError, match="open in another program"),
        atomic_path(tmp_path / "x.xlsx") as tmp,
    ):
        tmp.write_text("x")


def test_export_package_does_not_import_qt() -> None:
    code = (
        "import sys\n"
        "import gtmplanner.core.export.target_sheet, gtmplanner.core.export.tracker\n"
        "import gtmplanner.core.export.flat_files, gtmplanner.core.export.pdf_sheet\n"
        "print(any(m.startswith(('PySide6', 'PyQt', 'shiboken')) for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
