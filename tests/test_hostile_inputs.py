"""Hostile repositories: every command must answer with findings or a clear error, never a bug.

The standard (docs/cli.md): bad input gets a message that names the file (and line where known)
and the run goes on; never a traceback, never exit code 3; the checked repository is never
written; nothing outside it is read.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from isaccheck.cli import cli

from .conftest import PROFILE, snapshot, write_tree

MINIMAL = "isac:\n  name: Hostile-ISAC\n  language: en\n"
MINUTES = "---\ntype: minutes\ndate: 2026-03-01\ntlp: AMBER\nattendees: [Alpha, Beta]\n---\nBody\n"

# Every command that reads a repository, with the formats that render differently.
COMMANDS: list[list[str]] = [
    ["check", "{p}", "--as-of", "2026-06-30", "-v", "--gate", "ambition"],
    ["check", "{p}", "--as-of", "2026-06-30", "--format", "json"],
    ["check", "{p}", "--as-of", "2026-06-30", "--format", "sarif"],
    ["check", "{p}", "--as-of", "2026-06-30", "--format", "github"],
    ["tlp", "{p}"],
    ["validate", "--root", "{p}"],
    ["report", "{p}", "--year", "2026", "--format", "md"],
    ["report", "{p}", "--year", "2026", "--format", "html"],
    ["history", "{p}", "--format", "json"],
]
ALL_FORMATS = [["check", "{p}", "--as-of", "2026-06-30", "--format", f]
               for f in ("text", "json", "sarif", "junit", "github", "gitlab")]


def run_everything(root: Path, commands: list[list[str]] = COMMANDS, *, expect_exit: set[int] | None = None,
                   check_unchanged: bool = True) -> dict[str, tuple[int, str]]:
    """Run each command on root; assert no bug and no write. Returns {command: (exit code, output)}."""
    before = snapshot(root) if check_unchanged else None
    seen = {}
    for command in commands:
        args = [a.replace("{p}", str(root)) for a in command]
        result = CliRunner().invoke(cli, args, catch_exceptions=True)
        shown = " ".join(command)
        output = result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{shown}: raised {result.exception!r}")
        assert result.exit_code in (expect_exit or {0, 1, 2}), f"{shown}: exit {result.exit_code}\n{output[-2000:]}"
        assert "Traceback" not in output and "internal error" not in output, f"{shown}:\n{output[-2000:]}"
        seen[shown] = (result.exit_code, output)
    if before is not None:
        assert snapshot(root) == before, "the repository was written"
    return seen


def build(tmp_path: Path, files: dict[str, str | bytes], profile: str | None = PROFILE) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    all_files: dict[str, str | bytes] = {} if profile is None else {"isac.yaml": profile}
    all_files.update(files)
    return write_tree(root, all_files)


# -- isac.yaml -----------------------------------------------------------------------------------

HOSTILE_PROFILES = {
    "a list": "- a\n- b\n",
    "empty": "",
    "only isac null": "isac: null\n",
    "participants a string": MINIMAL + "participants: Alpha\n",
    "participants without organisation": MINIMAL + (
        "participants:\n  - joined: 2020-01-01\n  - {organisation: null}\n  - 5\n  - [a]\n"
        "  - {organisation: [x]}\n  - {organisation: {a: 1}}\n"),
    "participant dates as numbers": MINIMAL + (
        "participants:\n  - {organisation: A, joined: 20200101, left: 5}\n"
        "  - {organisation: B, joined: '2020-13-45', left: true}\n"),
    "ambition strings and 7": MINIMAL + "ambition: {STR: high, WOW: 7, INF: -1, SIT: 2.5, ACT: true}\n",
    "ambition huge": MINIMAL + "ambition: {STR: 99999999999999999999999, WOW: -99999999999999999999}\n",
    "ambition a list": MINIMAL + "ambition: [1, 2, 3]\n",
    "roles a list": MINIMAL + "roles: [chair, secretary]\n",
    "roles odd": MINIMAL + "roles:\n  chair: Ann\n  vice_chair: [x]\n  secretary: {name: 5, organisation: [a]}\n",
    "not_applicable malformed": MINIMAL + (
        "not_applicable:\n  - STR-3.4\n  - {question: 5}\n"
        "  - {question: STR-9.9, reason: x, decided_on: nope, decided_in: ../../etc/passwd}\n"
        "  - {question: [a], decided_on: 2020-01-01, expires: 7}\n  - null\n"),
    "not_applicable a mapping": MINIMAL + "not_applicable: {STR-3.4: yes}\n",
    "isac fields odd": MINIMAL + (
        "  tlp_version: 2\n  purpose: 5\n  common_characteristics: [a, b]\n  channels: {a: b}\n"
        "  platform: yes\n  meeting_frequency_months: '3'\n  required_functions: CISO\n  community: foo\n"),
    "numbers infinite": MINIMAL + "  meeting_frequency_months: .inf\nparticipants:\n  - {organisation: A, time_commitment_hours_per_month: .nan}\n",
    "duplicated keys": "isac:\n  name: A\nisac:\n  name: B\n",
    "tabs": "isac:\n\tname: A\n",
    "crlf": MINIMAL.replace("\n", "\r\n") + "participants:\r\n  - organisation: A\r\n",
    "nul byte": "isac:\n  name: A\x00B\n",
    "not utf-8": b"isac:\n  name: \xe9\n",
    "deeply nested": MINIMAL + "x: " + "[" * 5000 + "]" * 5000 + "\n",
    "non-string keys": MINIMAL + "1: 2\n[a]: b\n2020-01-01: d\nnull: n\n",
    "python tag": "isac: !!python/object:os.system\n  name: A\n",
    "markup and bidi": 'isac:\n  name: "\u202eevil <script>alert(1)</script> ::error::x"\n',
}


@pytest.mark.parametrize("profile", HOSTILE_PROFILES.values(), ids=HOSTILE_PROFILES.keys())
def test_hostile_profile(tmp_path: Path, profile: str) -> None:
    run_everything(build(tmp_path, {"meetings/2026-03-01/minutes.md": MINUTES}, profile))


def test_out_of_range_ambition_is_a_finding_not_a_target(tmp_path: Path) -> None:
    """Regression: a huge ambition reached the report's level bar and raised OverflowError."""
    root = build(tmp_path, {}, MINIMAL + "ambition: {STR: 99999999999999999999999, WOW: 7, INF: -1, SIT: 2}\n")
    seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30", "--format", "json"],
                                 ["report", "{p}", "--year", "2026", "--format", "md"]])
    result = json.loads(next(iter(seen.values()))[1])
    ambitions = {c["code"]: c.get("ambition") for c in result["capabilities"]}
    assert ambitions["STR"] is None and ambitions["WOW"] is None and ambitions["INF"] is None
    assert ambitions["SIT"] == 2
    assert any(f["path"] == "isac.yaml" and "ambition.STR" in f["message"] for f in result["findings"])


# -- the file system -----------------------------------------------------------------------------

def _links_everywhere(root: Path) -> None:
    os.symlink("/etc/passwd", root / "pw.md")
    os.symlink("/etc", root / "etc-folder")
    os.symlink("nowhere.md", root / "broken.md")
    os.symlink("loop-b.md", root / "loop-a.md")
    os.symlink("loop-a.md", root / "loop-b.md")
    os.symlink("loop-d", root / "loop-c")
    os.symlink("loop-c", root / "loop-d")
    os.symlink(".", root / "self")
    os.symlink("../", root / "up")


def _special_files(root: Path) -> None:
    os.mkfifo(root / "meetings" / "fifo.md")
    os.mkfifo(root / "x.pdf.meta.yaml")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "socket.md"))
    (root / "folder.md").mkdir()
    (root / "folder.pdf.meta.yaml").mkdir()


def test_symlink_loops_and_links_out_are_findings(tmp_path: Path) -> None:
    """Regression: a loop of links made Path.resolve() raise RuntimeError (exit 3)."""
    root = build(tmp_path, {"meetings/m.md": MINUTES})
    _links_everywhere(root)
    seen = run_everything(root)
    check = seen[" ".join(COMMANDS[0])][1]
    assert "loop-a.md" in check and "loop of links" in check
    assert "pw.md" in check and "outside the repository" in check
    assert "root:" not in check  # /etc/passwd was not read


def test_fifos_sockets_and_folders_named_like_documents_are_skipped(tmp_path: Path) -> None:
    root = build(tmp_path, {"meetings/m.md": MINUTES})
    _special_files(root)
    run_everything(root)  # a FIFO that were read would hang the run
