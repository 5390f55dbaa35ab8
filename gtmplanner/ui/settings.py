"""Every window setting, declared once with its default (QSettings, nothing pickled).

Only window state lives here: recent projects, window geometry and layout,
last folders. Project data and the ICP profile live in the project file.
Tests pass their own ``QSettings`` (an ini file in a temporary folder).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "GTM Planner"
APPLICATION = "GTM Planner"
MAX_RECENT = 10


@dataclass(frozen=True)
class Setting:
    """One stored value: its key, default and type."""

    key: str
    default: Any
    type: type


RECENT_PROJECTS = Setting("projects/recent", [], list)
LAST_PROJECT = Setting("projects/last", "", str)
WINDOW_GEOMETRY = Setting("window/geometry", QByteArray(), QByteArray)
WINDOW_STATE = Setting("window/state", QByteArray(), QByteArray)
SPLITTER_STATE = Setting("window/splitter", QByteArray(), QByteArray)
LAST_PAGE = Setting("window/page", "people", str)
LAST_IMPORT_DIR = Setting("folders/import", "", str)
LAST_PROJECT_DIR = Setting("folders/project", "", str)
LAST_EXPORT_DIR = Setting("folders/export", "", str)
IMPORT_KIND = Setting("import/kind", "roster", str)
ALL_SETTINGS = (RECENT_PROJECTS, LAST_PROJECT, WINDOW_GEOMETRY, WINDOW_STATE, SPLITTER_STATE,
                LAST_PAGE, LAST_IMPORT_DIR, LAST_PROJECT_DIR, LAST_EXPORT_DIR, IMPORT_KIND)


def column_setting(table: str) -> Setting:
    """The visible columns of a table page (a list of column names, empty = defaults)."""
    return Setting(f"columns/{table}", [], list)


class Settings:
    """Typed access to the window settings; pass it to whoever needs it."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)

    def get(self, setting: Setting) -> Any:
        """The stored value, or the default when missing or of the wrong type."""
        value = self.q.value(setting.key, None)
        if value is None:
            return _copy(setting.default)
        if setting.type is list:
            if isinstance(value, str):  # QSettings stores a one-item list as a string
                return [value] if value else []
            return list(value) if isinstance(value, list | tuple) else _copy(setting.default)
        if setting.type is QByteArray:
            return value if isinstance(value, QByteArray) else QByteArray()
        try:
            return setting.type(value)
        except (TypeError, ValueError):
            return _copy(setting.default)

    def set(self, setting: Setting, value: Any) -> None:
        """Store ``value`` for ``setting``."""
        self.q.setValue(setting.key, value)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self.q.sync()

    # recent projects --------------------------------------------------------------------
    def recent_projects(self) -> list[Path]:
        """Recently opened projects that still exist, newest first."""
        return [Path(p) for p in self.get(RECENT_PROJECTS) if p and Path(p).exists()]

    def add_recent(self, path: Path) -> None:
        """Put ``path`` at the top of the recent list and remember it as the last project."""
        text = str(Path(path).resolve())
        items = [p for p in self.get(RECENT_PROJECTS) if p and p != text]
        self.set(RECENT_PROJECTS, [text, *items][:MAX_RECENT])
        self.set(LAST_PROJECT, text)

    def clear_recent(self) -> None:
        """Forget the recent projects."""
        self.set(RECENT_PROJECTS, [])

    def last_project(self) -> Path | None:
        """The project open when the window last closed, if it still exists."""
        text = self.get(LAST_PROJECT)
        return Path(text) if text and Path(text).exists() else None

    def folder(self, setting: Setting) -> str:
        """A remembered folder (or the home folder)."""
        text = self.get(setting)
        return text if text and Path(text).is_dir() else str(Path.home())

    def remember_folder(self, setting: Setting, path: str | Path) -> None:
        """Remember the folder of ``path`` (a file or a folder)."""
        p = Path(path)
        self.set(setting, str(p if p.is_dir() else p.parent))


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
