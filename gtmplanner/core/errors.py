"""Errors the core raises. Each carries one line a person can act on."""

from __future__ import annotations


class GtmError(Exception):
    """Base class: ``str(err)`` is one clear line for the user (no traceback)."""


class ImportFileError(GtmError):
    """A file cannot be read as a table (empty, damaged, not a table, too big...)."""


class ProjectError(GtmError):
    """The project file cannot be opened, is busy, or is from a newer version."""


class ProjectBusyError(ProjectError):
    """Another window or command is writing to the project."""


class UsageError(GtmError):
    """A command was called with values that cannot work (unknown rep, bad radius...)."""
