"""Where the files we ship (profiles, demo inputs, icons) live on disk.

One helper, :func:`resource_path`, so every module finds ``resources/`` the
same way whether the app runs from a checkout (``<repo>/resources``), from an
installed wheel (``gtmplanner/_resources``) or from a PyInstaller bundle.
"""

from __future__ import annotations

import sys
from importlib import resources as importlib_resources
from pathlib import Path


def _candidate_roots() -> list[Path]:
    """Resource roots in the order they are tried."""
    roots = [Path(__file__).resolve().parents[2] / "resources"]
    try:
        roots.append(Path(str(importlib_resources.files("gtmplanner") / "_resources")))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - odd import setups
        pass
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:  # pragma: no cover - only inside a PyInstaller bundle
        roots.append(Path(bundle) / "resources")
    return roots


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("profiles", "default_icp.toml")``.

    Returns the first existing candidate; when none exists, the path under the
    checkout's ``resources/`` (so an error message names a sensible place).
    """
    roots = _candidate_roots()
    for root in roots:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return roots[0].joinpath(*parts)
