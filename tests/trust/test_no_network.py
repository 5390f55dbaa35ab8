"""Data stays local: the whole play runs with the network switched off.

pytest-socket replaces ``socket.socket`` so that creating any socket (TCP, UDP or
Unix) raises, and name lookups are blocked too; then the command line's ``main``
runs the whole play in this process: demo -> import -> score -> people near a place
-> explain -> segment -> assign -> export (every format) -> a rep's edited tracker
is synced -> report. Every step must succeed. A second test shows the guard bites.
"""

from __future__ import annotations

import json
import socket
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import pytest_socket

from gtmplanner import cli

pytestmark = pytest.mark.timeout(170)


class NetworkUsed(RuntimeError):
    """Raised by the name-lookup stand-ins."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []

    def lookup(name: str):
        def blocked(*args, **kwargs):
            attempts.append(f"{name}{args[:2]}")
            raise NetworkUsed(f"{name} called with {args[:2]}")
        return blocked

    pytest_socket.disable_socket(allow_unix_socket=False)
    guarded = socket.socket

    class Recorded(guarded):  # type: ignore[misc, valid-type]
        """pytest-socket's blocked socket, remembering who asked."""

        def __new__(cls, *args, **kwargs):
            caller = traceback.extract_stack(limit=2)[0]
            attempts.append(f"socket from {caller.filename}:{caller.name}")
            return guarded.__new__(cls, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", Recorded)
    for fn in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
               "create_connection"):
        monkeypatch.setattr(socket, fn, lookup(fn))
    try:
        yield attempts
    finally:
        monkeypatch.undo()
        pytest_socket.enable_socket()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, f"gtmplanner {' '.join(args)} -> {code}: {err}"
    return json.loads(out) if "--json" in args else {"text": out}


def test_guard_really_blocks_the_network(no_network: list[str]) -> None:
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises((pytest_socket.SocketBlockedError, NetworkUsed, urllib.error.URLError)):
        urllib.request.urlopen("http://example.com/", timeout=1)
    assert len(no_network) >= 3  # every attempt was seen


def test_whole_play_offline(no_network: list[str], capsys: pytest.CaptureFixture[str],
                            samples: Path, tmp_path: Path) -> None:
    p = str(tmp_path / "offline.gtmp")
    demo = _run(capsys, "demo", p, "--json")
    assert demo["counts"]["people"] > 1000
    event = demo["events"][0]["name"]
    _run(capsys, "import", p, str(samples / "eventbrite_attendees.csv"), "--kind", "roster",
         "--event", event, "--json")
    _run(capsys, "import", p, str(samples / "accounts.csv"), "--kind", "accounts", "--json")
    _run(capsys, "score", p, "--json")
    near = _run(capsys, "people", p, "--near", "Cambridge, MA", "--radius", "30mi", "--json",
                "--limit", "5")
    assert near["count"] > 0
    email = near["people"][0]["email"]
    _run(capsys, "explain", p, email, "--json")
    seg = _run(capsys, "segment", p, "Nearby", "--where",
               'tier in (A, B) and within 60mi of "Boston, MA"', "--json")
    assert seg["count"] > 0
    _run(capsys, "assign", p, "--json")
    out = tmp_path / "out"
    exp = _run(capsys, "export", p, "--out", str(out), "--json")
    kinds = {f["kind"] for f in exp["files"]}
    assert {"target_sheet", "tracker", "pdf", "mailmerge", "salesforce", "hubspot"} <= kinds

    tracker = next(Path(f["path"]) for f in exp["files"] if f["kind"] == "tracker" and f["rep"])
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Follow-up"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index("Status") + 1).value = "Meeting booked"
    ws.cell(2, headers.index("Notes") + 1).value = "Met at the booth"
    edited = tmp_path / "returned.xlsx"
    wb.save(edited)
    synced = _run(capsys, "sync", p, str(edited), "--json")
    assert synced["updated"] >= 1

    if "report" in cli.COMMANDS:
        rep = _run(capsys, "report", p, "--json", "--xlsx", str(tmp_path / "r.xlsx"),
                   "--pdf", str(tmp_path / "r.pdf"))
        assert rep and (tmp_path / "r.xlsx").exists() and (tmp_path / "r.pdf").exists()
    _run(capsys, "info", p, "--json")
    # urllib3 (imported by tldextract) probes for IPv6 support when first imported by
    # creating a socket it binds to ::1; that is the only socket anything may ask for.
    others = [a for a in no_network if not a.endswith("urllib3/util/connection.py:_has_ipv6")]
    assert others == [], f"the play tried to use the network: {others}"
