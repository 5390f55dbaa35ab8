"""The command line: the same work as the window, no window.

Every command calls a function in :mod:`gtmplanner.core.services`. Errors exit
non-zero with one line on stderr (set ``GTM_DEBUG=1`` for the traceback).
With ``--json`` a command prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from gtmplanner import __version__
from gtmplanner.core.errors import GtmError, UsageError

COMMANDS = ("demo", "import", "score", "people", "explain", "override", "segment", "assign",
            "export", "sync", "report", "info", "open")


class TerminalProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool, label: str = "") -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label
        self._last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if fraction < 1.0 and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        done = int(width * max(0.0, min(1.0, fraction)))
        bar = "#" * done + "-" * (width - done)
        sys.stderr.write(f"\r{self.label} [{bar}] {fraction * 100:5.1f}% {message[:40]:<40}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _json_default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, set | frozenset):
        return sorted(o)
    return str(o)


def emit(obj: dict[str, Any], as_json: bool, text: Callable[[dict[str, Any]], str]) -> None:
    """Print a result as one JSON object or as human text."""
    if as_json:
        sys.stdout.write(json.dumps(obj, default=_json_default, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(text(obj).rstrip("\n") + "\n")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one stderr line (the usage is one --help away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {' '.join(message.split())} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    p = _Parser(
        prog="gtmplanner",
        description="GTM Planner: turn event rosters, account lists and cold deals into "
                    "scored, per-rep target sheets and follow-up trackers.",
        epilog="Run 'gtmplanner [PROJECT.gtmp]' with no command to open the window.")
    p.add_argument("--version", action="version", version=f"gtmplanner {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("open", help="open the window on PROJECT (the default command)")
    s.add_argument("project", nargs="?")

    s = sub.add_parser("demo", help="write a realistic demo project")
    s.add_argument("project")
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("import", help="import a roster, accounts, opportunities, activities "
                                      "or reps file")
    s.add_argument("project")
    s.add_argument("file")
    s.add_argument("--kind", required=True,
                   choices=["roster", "accounts", "opportunities", "activities", "reps"])
    s.add_argument("--event")
    s.add_argument("--sheet")
    s.add_argument("--map", action="append", default=[], metavar='"Header=field"',
                   help="map a source column to a field ('Header=-' ignores it); "
                        "the mapping is remembered for files of the same shape")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("info", help="summarise a project")
    s.add_argument("project")
    s.add_argument("--json", action="store_true")

    _add_later_commands(sub)
    return p


def _add_later_commands(sub: Any) -> None:
    """Commands served by the scoring, lists and reporting services."""
    s = sub.add_parser("score", help="match, classify, score and geocode everything")
    s.add_argument("project")
    s.add_argument("--profile", help="ICP profile (.toml or .json) to load and store")
    s.add_argument("--save-profile", help="write the project's profile to this file")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("people", help="list people, filtered")
    s.add_argument("project")
    s.add_argument("--near")
    s.add_argument("--radius", default="50mi")
    s.add_argument("--tier")
    s.add_argument("--mql")
    s.add_argument("--retarget", action="store_true")
    s.add_argument("--unlocated", action="store_true",
                   help="only people whose location could not be resolved")
    s.add_argument("--segment")
    s.add_argument("--where")
    s.add_argument("--event")
    s.add_argument("--limit", type=int)
    s.add_argument("--json", action="store_true")
    s.add_argument("--csv")

    s = sub.add_parser("explain", help="why a person has their tier and MQL status")
    s.add_argument("project")
    s.add_argument("email")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("override", help="confirm, reject or re-link a person's account match, "
                                        "or set their tier by hand (kept across re-scoring)")
    s.add_argument("project")
    s.add_argument("email")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--confirm", action="store_true", help="confirm the current match")
    g.add_argument("--reject", action="store_true", help="this is not their account")
    g.add_argument("--link", metavar="ACCOUNT", help="link to this account (name or domain)")
    g.add_argument("--tier", metavar="A|B|C|D|auto", help="show this tier ('auto': as scored)")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("segment", help="save a segment (rule expression + suppressions)")
    s.add_argument("project")
    s.add_argument("name")
    s.add_argument("--where", required=True)
    s.add_argument("--suppress", default="opted_out")
    s.add_argument("--event")
    s.add_argument("--priority", type=int)
    s.add_argument("--template")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("assign", help="assign targets to reps")
    s.add_argument("project")
    s.add_argument("--segment")
    s.add_argument("--event")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("export", help="write per-rep target sheets, trackers and CRM files")
    s.add_argument("project")
    s.add_argument("--out", required=True)
    s.add_argument("--event")
    s.add_argument("--segment")
    s.add_argument("--reps")
    s.add_argument("--formats", default="xlsx,pdf,mailmerge,salesforce,hubspot")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("sync", help="take filled-in trackers back")
    s.add_argument("project")
    s.add_argument("files", nargs="+")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("report", help="alignment metrics and a leadership report")
    s.add_argument("project")
    s.add_argument("--event")
    s.add_argument("--from", dest="date_from")
    s.add_argument("--to", dest="date_to")
    s.add_argument("--json", action="store_true")
    s.add_argument("--xlsx")
    s.add_argument("--pdf")


def _cmd_demo(a: argparse.Namespace) -> int:
    from gtmplanner.core import services
    summary = services.create_demo(Path(a.project), seed=a.seed,
                                   progress=TerminalProgress(not a.json, "demo"))
    emit(summary, a.json, services.format_summary)
    return 0


def _cmd_import(a: argparse.Namespace) -> int:
    from gtmplanner.core import services
    from gtmplanner.core.io.mapping import parse_map_args
    try:
        user_map = parse_map_args(a.map) if a.map else None
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    result = services.import_into(Path(a.project), Path(a.file), a.kind, event=a.event,
                                  sheet=a.sheet, user_mapping=user_map,
                                  progress=TerminalProgress(not a.json, "import"))
    emit(result, a.json, services.format_import)
    return 0


def _cmd_info(a: argparse.Namespace) -> int:
    from gtmplanner.core import services
    emit(services.project_summary(Path(a.project)), a.json, services.format_summary)
    return 0


def _cmd_open(a: argparse.Namespace) -> int:
    try:
        from gtmplanner.ui.app import run_app
    except ImportError as exc:  # pragma: no cover - depends on the installed Qt
        raise GtmError(f"the window cannot start ({exc}); the command line still works: "
                       "see 'gtmplanner --help'") from exc
    return run_app(a.project)


def _dispatch_later(a: argparse.Namespace) -> int:
    from gtmplanner.core import commands
    return commands.run(a, emit=emit, progress=TerminalProgress)


def _busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (a read or write that waited in vain)."""
    import sqlite3
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _cmd_demo, "import": _cmd_import, "info": _cmd_info, "open": _cmd_open,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gtmplanner`` command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in COMMANDS and not args[0].startswith("-")):
        args = ["open", *args]
    parser = build_parser()
    a = parser.parse_args(args)
    if a.command is None:
        parser.print_help()
        return 0
    handler = HANDLERS.get(a.command, _dispatch_later)
    try:
        return handler(a)
    except GtmError as exc:
        sys.stderr.write(f"gtmplanner {a.command}: {exc}\n")
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        sys.stderr.write(f"gtmplanner {a.command}: interrupted; nothing was changed\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into one line
        if _busy(exc):  # another window or command held the project past the busy timeout
            sys.stderr.write(f"gtmplanner {a.command}: the project is busy (another window or "
                             "command is writing to it); try again in a moment\n")
            return 1
        if os.environ.get("GTM_DEBUG"):
            raise
        where = exc.__traceback__
        while where is not None and where.tb_next is not None:
            where = where.tb_next
        loc = f" ({Path(where.tb_frame.f_code.co_filename).name}:{where.tb_lineno})" if where \
            else ""
        sys.stderr.write(f"gtmplanner {a.command}: internal error: {type(exc).__name__}: "
                         f"{exc}{loc}; please report it (GTM_DEBUG=1 shows details)\n")
        return 70


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
