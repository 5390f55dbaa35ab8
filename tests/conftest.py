"""Shared fixtures: sample files, temporary projects, the gtmplanner command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
if not SAMPLES.exists():  # a checkout without shared/ beside it: use our copy
    SAMPLES = ROOT / "tests" / "fixtures" / "samples"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def samples() -> Path:
    return SAMPLES


def run_cli(*args: str, check: bool = True, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real ``gtmplanner`` command (as a user would) and capture its output."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "gtmplanner", *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"gtmplanner {' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stderr}")
    return proc


@pytest.fixture
def cli():
    return run_cli
