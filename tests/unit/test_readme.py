"""The README keeps its promises: two commands first, the same metric glossary as the code."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_begins_with_exactly_two_commands_that_exist():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "```" and lines[3] == "```"
    cmds = [ln.split("#")[0].strip() for ln in lines[1:3]]
    assert cmds == ["./scripts/app", "./scripts/test"]
    for c in cmds:
        path = ROOT / c
        assert path.exists() and os.access(path, os.X_OK)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci


def test_readme_glossary_is_the_one_the_code_defines():
    from gtmplanner.core.report import glossary_markdown
    assert glossary_markdown().strip() in (ROOT / "README.md").read_text(encoding="utf-8")
