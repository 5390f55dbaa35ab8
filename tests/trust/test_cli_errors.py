"""Every sub-command's error paths: exit non-zero, exactly one line on stderr, no traceback.

The cases run through ``gtmplanner.cli.main`` in this process (the same code the
installed command runs, minus interpreter start-up), and a sample of them through
the real command in a subprocess. The project the cases point at must come out
of all of them unchanged.
"""

from __future__ import annotations

import io
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from gtmplanner import cli
from tests.trust.conftest import db_state, one_line_error, run_cli

pytestmark = pytest.mark.timeout(170)

P, CSV, DIR, MISSING, NOTPROJ, PDF, BADPROFILE, LOCKED = (
    "{p}", "{csv}", "{dir}", "{missing}", "{notproj}", "{pdf}", "{badprofile}", "{locked}")

CASES: dict[str, list[str]] = {
    # missing project / not a project / a folder, for every command that takes one
    **{f"{c}-missing-project": [c, MISSING, *extra] for c, extra in [
        ("info", []), ("score", []), ("people", []), ("explain", ["a@b.example"]),
        ("override", ["a@b.example", "--confirm"]), ("segment", ["S", "--where", "tier = A"]),
        ("assign", []), ("export", ["--out", "{tmp}/o"]), ("sync", [CSV]), ("report", [])]},
    **{f"{c}-not-a-project": [c, NOTPROJ, *extra] for c, extra in [
        ("info", []), ("score", []), ("people", []), ("segment", ["S", "--where", "tier = A"]),
        ("assign", []), ("export", ["--out", "{tmp}/o"]), ("sync", [CSV]), ("report", []),
        ("import", [CSV, "--kind", "roster"])]},
    "info-folder-as-project": ["info", DIR],
    "import-into-a-folder": ["import", DIR, CSV, "--kind", "roster"],
    # unknown event
    **{f"{c}-unknown-event": [c, P, *extra, "--event", "No Such Summit"] for c, extra in [
        ("people", []), ("segment", ["S", "--where", "tier = A"]), ("assign", []),
        ("export", ["--out", "{tmp}/o"]), ("report", [])]},
    # bad rules
    "people-where-unclosed": ["people", P, "--where", "tier in (A"],
    "people-where-unknown-field": ["people", P, "--where", "tiers = A"],
    "people-where-wrong-type": ["people", P, "--where", "score > lots"],
    "segment-where-dangling": ["segment", P, "S", "--where", "tier = A and"],
    "segment-where-code": ["segment", P, "S", "--where", "__import__('os').system('id')"],
    "segment-unknown-suppression": ["segment", P, "S", "--where", "tier = A", "--suppress",
                                    "nobody"],
    "people-unknown-segment": ["people", P, "--segment", "Nope"],
    "assign-unknown-segment": ["assign", P, "--segment", "Nope"],
    "export-unknown-segment": ["export", P, "--out", "{tmp}/o", "--segment", "Nope"],
    # unknown rep / format / place / radius / person
    "export-unknown-rep": ["export", P, "--out", "{tmp}/o", "--reps", "Nobody Atall"],
    "export-unknown-format": ["export", P, "--out", "{tmp}/o", "--formats", "xlsx,docx"],
    "export-out-is-a-file": ["export", P, "--out", CSV, "--formats", "mailmerge"],
    "people-bad-radius": ["people", P, "--near", "Boston, MA", "--radius", "far"],
    "people-negative-radius": ["people", P, "--near", "Boston, MA", "--radius", "-5mi"],
    "people-unknown-place": ["people", P, "--near", "Atlantis, Nowhere"],
    "explain-unknown-person": ["explain", P, "nobody@nowhere.example"],
    "override-unknown-person": ["override", P, "nobody@nowhere.example", "--confirm"],
    "override-bad-tier": ["override", P, "{email}", "--tier", "Z"],
    "override-unknown-account": ["override", P, "{email}", "--link", "No Such Account Ltd"],
    # files
    "import-missing-file": ["import", P, MISSING + ".csv", "--kind", "roster"],
    "import-folder-as-file": ["import", P, DIR, "--kind", "roster"],
    "import-a-pdf": ["import", P, PDF, "--kind", "roster"],
    "import-a-project-as-roster": ["import", P, P, "--kind", "roster"],
    "import-unreadable": ["import", P, LOCKED, "--kind", "roster"],
    "sync-missing-file": ["sync", P, MISSING + ".xlsx"],
    "sync-folder": ["sync", P, DIR],
    "sync-not-a-tracker": ["sync", P, CSV],
    "sync-a-pdf": ["sync", P, PDF],
    "score-missing-profile": ["score", P, "--profile", MISSING + ".toml"],
    "score-bad-profile": ["score", P, "--profile", BADPROFILE],
    "report-bad-date": ["report", P, "--from", "last tuesday"],
    "report-xlsx-onto-a-folder": ["report", P, "--xlsx", DIR],
    "demo-over-a-csv": ["demo", CSV],
    # bad --map
    "import-map-no-equals": ["import", P, CSV, "--kind", "roster", "--map", "Email"],
    "import-map-unknown-field": ["import", P, CSV, "--kind", "roster", "--map",
                                 "Email=favourite_colour"],
    "import-map-unknown-header": ["import", P, CSV, "--kind", "roster", "--map",
                                  "No Such Header=email"],
    # usage errors (argparse)
    "people-no-project": ["people"],
    "import-bad-kind": ["import", P, CSV, "--kind", "bogus"],
    "import-no-kind": ["import", P, CSV],
    "people-limit-not-a-number": ["people", P, "--limit", "ten"],
    "segment-priority-not-a-number": ["segment", P, "S", "--where", "tier = A", "--priority",
                                      "high"],
    "export-no-out": ["export", P],
    "override-two-actions": ["override", P, "{email}", "--confirm", "--reject"],
    "unknown-option": ["info", P, "--frobnicate"],
}
SUBPROCESS_SAMPLE = ["info-missing-project", "import-a-pdf", "people-where-unclosed",
                     "export-unknown-rep", "people-no-project", "sync-not-a-tracker",
                     "import-map-unknown-field", "report-bad-date"]


@pytest.fixture(scope="module")
def env(demo_master: Path, tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("cli-errors")
    p = tmp / "p.gtmp"
    shutil.copy(demo_master, p)
    csv = tmp / "roster.csv"
    csv.write_text("First Name,Last Name,Email\nAnn,Lee,ann@lee.example\n", encoding="utf-8")
    (tmp / "folder").mkdir()
    (tmp / "notproj.gtmp").write_text("Email\nann@lee.example\n", encoding="utf-8")
    (tmp / "doc.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    (tmp / "bad.toml").write_text("[weights\nseniority = 'lots'\n", encoding="utf-8")
    locked = tmp / "locked.csv"
    locked.write_text("Email\nann@lee.example\n", encoding="utf-8")
    locked.chmod(0)
    import sqlite3
    email = sqlite3.connect(p).execute("SELECT email FROM people WHERE email IS NOT NULL "
                                       "LIMIT 1").fetchone()[0]
    return {"p": str(p), "csv": str(csv), "dir": str(tmp / "folder"),
            "missing": str(tmp / "nothing-here"), "notproj": str(tmp / "notproj.gtmp"),
            "pdf": str(tmp / "doc.pdf"), "badprofile": str(tmp / "bad.toml"),
            "locked": str(locked), "tmp": str(tmp), "email": email}


def _args(name: str, env: dict[str, str]) -> list[str]:
    return [a.format(**env) for a in CASES[name]]


def _skip_if_root_reads_anything(name: str) -> None:
    if name == "import-unreadable" and os.geteuid() == 0:
        pytest.skip("root can read a chmod 000 file")


@pytest.fixture(scope="module")
def untouched(env: dict[str, str]):
    before = db_state(Path(env["p"]))
    yield
    assert db_state(Path(env["p"])) == before, "an error path changed the project"


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_path_in_process(name: str, env: dict[str, str], untouched: None) -> None:
    _skip_if_root_reads_anything(name)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(_args(name, env))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    import subprocess
    one_line_error(subprocess.CompletedProcess([], code, out.getvalue(), err.getvalue()))
    assert code in (1, 2), f"{name}: exit {code}: {err.getvalue()}"
    assert out.getvalue() == "", f"{name} printed on stdout: {out.getvalue()[:200]}"


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_error_path_of_the_real_command(name: str, env: dict[str, str], untouched: None) -> None:
    proc = run_cli(*_args(name, env), check=False, timeout=60)
    line = one_line_error(proc)
    assert line.startswith("gtmplanner"), line


def test_every_command_has_an_error_case() -> None:
    covered = {args[0] for args in CASES.values()}
    assert set(cli.COMMANDS) - {"open"} <= covered, set(cli.COMMANDS) - covered
