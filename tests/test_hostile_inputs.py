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
    ["report", "-o", "-", "{p}", "--year", "2026", "--format", "md"],
    ["report", "-o", "-", "{p}", "--year", "2026", "--format", "html"],
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


# What each hostile isac.yaml must be told, as "isac.yaml:LINE: message" (an error that stops the run,
# or a finding in the check); None: nothing is wrong with it, the run reads it as usual.
PROFILE_MESSAGES: dict[str, str | None] = {
    "a list": "isac.yaml:1: must be a mapping with an `isac:` section",
    "empty": "isac.yaml:1: must be a mapping with an `isac:` section",
    "only isac null": "isac.yaml:1: must be a mapping with an `isac:` section",
    "participants a string": "isac.yaml:4: field `participants` should be a list, not 'Alpha'",
    "participants without organisation": "isac.yaml:5: required field `participants.0.organisation` is missing",
    "participant dates as numbers": "isac.yaml:6: field `participants.1.joined` is not a valid date: '2020-13-45'",
    "ambition strings and 7": "isac.yaml:4: field `ambition.STR` should be a whole number, not 'high'",
    "ambition huge": "isac.yaml:4: field `ambition.STR`: 99999999999999999999999 is greater than the maximum of 3",
    "ambition a list": "isac.yaml:4: field `ambition` should be a mapping of fields, not [1, 2, 3]",
    "roles a list": "isac.yaml:4: field `roles` should be a mapping of fields",
    "roles odd": "isac.yaml:5: field `roles.chair` should be a mapping of fields, not 'Ann'",
    "not_applicable malformed": "isac.yaml:5: field `not_applicable.0` should be a mapping of fields, not 'STR-3.4'",
    "not_applicable a mapping": "isac.yaml:4: field `not_applicable` should be a list",
    "isac fields odd": "isac.yaml:5: field `isac.purpose` should be text, not 5",
    "numbers infinite": "isac.yaml:4: infinity or not-a-number (.inf, .nan) is not a value isaccheck can use",
    "duplicated keys": "isac.yaml:3: a key appears twice in one mapping (also at line 1)",
    "tabs": "isac.yaml:2: YAML syntax error",
    "crlf": None,
    "nul byte": "isac.yaml: binary content in a text document; not read",
    "not utf-8": "isac.yaml:2: not UTF-8 text (byte 0xe9 at line 2)",
    "deeply nested": "isac.yaml:4: YAML syntax error: exceeded maximum nesting depth",
    "non-string keys": "isac.yaml:5: YAML syntax error: found unhashable key",
    "python tag": "isac.yaml:1: YAML syntax error: could not determine a constructor for the tag",
    "markup and bidi": None,
}


def _messages_about(path: str, code: int, output: str) -> str:
    """The error line of a stopped run, or the check's findings about path as 'path:line: message'."""
    if code == 2:
        return output
    findings = json.loads(output)["findings"]
    return "\n".join(f"{f['path']}:{f['line']}: {f['message']}" if f["line"] else f"{f['path']}: {f['message']}"
                     for f in findings if f["path"] == path)


def test_every_hostile_profile_has_its_message() -> None:
    assert set(PROFILE_MESSAGES) == set(HOSTILE_PROFILES)


@pytest.mark.parametrize("name", HOSTILE_PROFILES)
def test_hostile_profile(tmp_path: Path, name: str) -> None:
    seen = run_everything(build(tmp_path, {"meetings/2026-03-01/minutes.md": MINUTES}, HOSTILE_PROFILES[name]))
    code, output = seen[" ".join(COMMANDS[1])]
    told = _messages_about("isac.yaml", code, output)
    expected = PROFILE_MESSAGES[name]
    if expected is None:
        assert code in (0, 1) and told == "", told
        return
    assert expected in told, told
    if code == 2:  # every command stops with the same message
        assert all(expected in out for c, out in seen.values() if c == 2) and {c for c, _ in seen.values()} == {2}


def test_out_of_range_ambition_is_a_finding_not_a_target(tmp_path: Path) -> None:
    """Regression: a huge ambition reached the report's level bar and raised OverflowError."""
    root = build(tmp_path, {}, MINIMAL + "ambition: {STR: 99999999999999999999999, WOW: 7, INF: -1, SIT: 2}\n")
    seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30", "--format", "json"],
                                 ["report", "-o", "-", "{p}", "--year", "2026", "--format", "md"]])
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
    seen = run_everything(root)  # a FIFO that were read would hang the run
    check = seen[" ".join(COMMANDS[0])][1]
    for name in ("meetings/fifo.md", "x.pdf.meta.yaml", "socket.md"):
        assert f"warning {name} not a regular file" in check, check
    # folder.md is a folder: walked like any other, and it holds nothing
    import datetime as dt

    from isaccheck.runner import check as run_check

    run = run_check(root, dt.date(2026, 6, 30))
    assert [d.path for d in run.repository.documents] == ["meetings/m.md"]
    assert {f.path for f in run.evaluation.findings if f.code == "not-a-file"} == {
        "meetings/fifo.md", "x.pdf.meta.yaml", "socket.md"}


def _settings_link_out(root: Path) -> None:
    os.symlink("/etc/passwd", root / "isaccheck.yaml")


def _profile_link_out(root: Path) -> None:
    os.remove(root / "isac.yaml")
    os.symlink("/etc/passwd", root / "isac.yaml")


def _settings_fifo(root: Path) -> None:
    os.mkfifo(root / "isaccheck.yaml")


def _profile_fifo(root: Path) -> None:
    os.remove(root / "isac.yaml")
    os.mkfifo(root / "isac.yaml")


def _settings_loop(root: Path) -> None:
    os.symlink("isaccheck.yaml", root / "isaccheck.yaml")


SETTINGS_FILES = {
    "isaccheck.yaml links out": (_settings_link_out, "isaccheck.yaml: is a symbolic link pointing outside the repository"),
    "isac.yaml links out": (_profile_link_out, "isac.yaml: is a symbolic link pointing outside the repository"),
    "isaccheck.yaml is a FIFO": (_settings_fifo, "isaccheck.yaml: is not a regular file"),
    "isac.yaml is a FIFO": (_profile_fifo, "isac.yaml: is not a regular file"),
    "isaccheck.yaml links to itself": (_settings_loop, "isaccheck.yaml: is a symbolic link to nothing"),
}


@pytest.mark.parametrize("setup,message", SETTINGS_FILES.values(), ids=SETTINGS_FILES.keys())
def test_settings_files_that_are_not_files_are_configuration_errors(
        tmp_path: Path, setup: Callable[[Path], None], message: str) -> None:
    """Regression: an isaccheck.yaml linking out of the repository raised PermissionError (exit 3)."""
    root = build(tmp_path, {"meetings/m.md": MINUTES})
    setup(root)
    seen = run_everything(root, COMMANDS[:2] + COMMANDS[4:7], expect_exit={2})
    for _code, output in seen.values():
        assert message in output


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\x01binary", b"types: [\xe9]\n", b"ignore: [x]\x00\n"],
                         ids=["binary", "latin-1", "nul"])
def test_settings_file_that_is_not_text_is_a_configuration_error(tmp_path: Path, content: bytes) -> None:
    root = build(tmp_path, {"isaccheck.yaml": content})
    seen = run_everything(root, COMMANDS[:2] + COMMANDS[4:7], expect_exit={2})
    assert all("isaccheck.yaml" in output for _code, output in seen.values())


def test_file_names_that_are_not_utf8_or_hold_control_characters(tmp_path: Path) -> None:
    """Regression: a name with a byte that is not UTF-8 made every output raise UnicodeEncodeError."""
    value_case = "---\ntype: value-case\n---\n"
    root = build(tmp_path, {"line\nbreak.md": value_case, "bidi\u202eevil.md": value_case,
                            "fine \u00e9 name.md": value_case})
    bad = os.fsdecode(b"bad\xff.md")
    (root / bad).write_text(value_case, encoding="utf-8")
    (root / os.fsdecode(b"not-a-document-\xff.pdf")).write_bytes(b"%PDF")
    seen = run_everything(root, COMMANDS + ALL_FORMATS)
    result = json.loads(seen[" ".join(COMMANDS[1])][1])
    named = {f["path"] for f in result["findings"] if f["code"] == "file-name"}
    # Only files isaccheck would read are named, escaped; a valid name is read as usual.
    assert named == {"bad\\xff.md", "line\\nbreak.md", "bidi\\u202eevil.md"}
    assert "fine \u00e9 name.md" in seen[" ".join(COMMANDS[0])][1]
    # SARIF names the real files (percent-encoded bytes), not the escaped display form.
    sarif = json.loads(seen[" ".join(COMMANDS[2])][1])
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"] if r["ruleId"] == "file-name"}
    assert uris == {"bad%FF.md", "line%0Abreak.md", "bidi%E2%80%AEevil.md"}


def test_rule_pack_files_that_are_not_text_or_not_yaml(tmp_path: Path) -> None:
    """Regression: a binary rule file in a repository rule pack raised UnicodeDecodeError (exit 3)."""
    for name, content in {"binary": b"\x89PNG\r\n\x1a\n\x00\x00", "latin-1": b"id: \xe9\n",
                          "yaml-error": b"id: [unclosed\n", "a list": b"- a\n- b\n", "empty": b""}.items():
        root = tmp_path / name
        write_tree(root, {"isac.yaml": PROFILE, "isaccheck.yaml": "rule_packs: [extra]\n",
                          "extra/rule.yaml": content})
        seen = run_everything(root, COMMANDS[:2] + COMMANDS[4:6], expect_exit={2})
        for _code, output in seen.values():
            assert "extra/rule.yaml" in output, (name, output)


# Each hostile setting, with what the error says after "isaccheck.yaml" (every command refuses it).
HOSTILE_SETTINGS = {
    "rule_packs: [isac.yaml]\n": ": rule_packs: isac.yaml is a file",
    "rule_packs: [../]\n": ": rule_packs: ../ is not a folder inside the repository",
    "rule_packs: [/etc]\n": ": rule_packs: /etc is not a folder inside the repository",
    "rule_packs: [nothing-here]\n": ": rule_packs: folder nothing-here has no files",
    "rule_packs: extra\n": ":1: rule_packs: 'extra' is not of type 'array'",
    "rule_packs: [[a]]\n": ":1: rule_packs.0:",
    "types: x\n": ":1: types: 'x' is not of type 'array'",
    "types: [{glob: 5, type: [a]}]\n": ":1: types.0.glob: 5 is not of type 'string'",
    "rules: {STR-1.1: 5}\n": ":1: rules.STR-1.1: 5 is not of type 'object'",
    "rules: [a]\n": ":1: rules:",
    "max_file_size_kb: -1\n": ":1: max_file_size_kb: -1 is less than the minimum of 1",
    "max_file_size_kb: lots\n": ":1: max_file_size_kb: 'lots' is not of type 'integer'",
    "ignore: '**'\n": ":1: ignore: '**' is not of type 'array'",
    "gate: {baseline: ../outside.json}\n": ":1: gate.baseline: ../outside.json is not a file inside the repository",
    "gate: {levels: {STR: 9}}\n": ":1: gate.levels:",
    "allowed_signers: /etc/passwd\n": ":1: allowed_signers: /etc/passwd is not a file inside the repository",
    "tlp: {published_paths: 5}\n": ":1: tlp.published_paths: 5 is not of type 'array'",
    "attestation: {months: -3}\n": ":1: attestation.months: -3 is less than the minimum of 1",
    "history: {imported_until: never}\n": ":1: history.imported_until: 'never' is not a 'date'",
    "- a list\n": ":1: must be a mapping of settings",
    "just text\n": ":1: must be a mapping of settings",
    "unknown_key: 1\n": ":1: settings: Additional properties are not allowed ('unknown_key' was unexpected)",
}


@pytest.mark.parametrize("settings,message", HOSTILE_SETTINGS.items(), ids=list(HOSTILE_SETTINGS))
def test_hostile_settings(tmp_path: Path, settings: str, message: str) -> None:
    seen = run_everything(build(tmp_path, {"isaccheck.yaml": settings, "meetings/m.md": MINUTES}), expect_exit={2})
    for shown, (_code, output) in seen.items():
        assert f"isaccheck.yaml{message}" in output, f"{shown}:\n{output[-1000:]}"


@pytest.mark.parametrize("baseline", [b"\xff\xfe binary", b"[1, 2]", b"{\"schema_version\": 5}", None],
                         ids=["binary", "a list", "wrong version", "a FIFO"])
def test_hostile_gate_baseline_is_a_configuration_error(tmp_path: Path, baseline: bytes | None) -> None:
    """Regression: a baseline that is not UTF-8 raised UnicodeDecodeError (exit 3); a FIFO hung the run."""
    root = build(tmp_path, {"isaccheck.yaml": "gate: {baseline: base.json}\n"})
    if baseline is None:
        os.mkfifo(root / "base.json")
    else:
        (root / "base.json").write_bytes(baseline)
    seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30"]], expect_exit={2})
    assert all("base.json" in output for _code, output in seen.values())


@pytest.mark.parametrize("folder,message", [
    ("/etc", "/etc is not a folder inside the repository"),
    ("../", "../ is not a folder inside the repository"),
    ("extra/../..", "extra/../.. is not a folder inside the repository"),
    (".", ". is not a folder inside the repository"),
    ("isac.yaml", "isac.yaml is a file"),
])
def test_rule_pack_folder_outside_or_not_a_folder_is_refused_by_name(tmp_path: Path, folder: str, message: str) -> None:
    """Regression: `/etc` lost its slash and was looked for as the folder `etc` inside the repository."""
    root = build(tmp_path, {"isaccheck.yaml": f"rule_packs: ['{folder}']\n", "etc/x.yaml": "x: 1\n"})
    seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30"], ["tlp", "{p}"]], expect_exit={2})
    assert all(message in output for _code, output in seen.values())


# -- init ----------------------------------------------------------------------------------------

def test_init_with_a_file_where_a_folder_goes_writes_nothing(tmp_path: Path) -> None:
    """Regression: a file named .github made init raise NotADirectoryError (exit 3) halfway."""
    target = tmp_path / "new"
    target.mkdir()
    (target / ".github").write_text("not a folder")
    result = CliRunner().invoke(cli, ["init", str(target), "--lang", "en", "--action-ref", "o/isaccheck@v1"])
    assert result.exit_code == 2, result.output
    assert ".github is in the way" in result.output and "nothing was written" in result.output
    assert sorted(p.name for p in target.iterdir()) == [".github"]


def test_init_does_not_follow_a_folder_link_out_of_the_target(tmp_path: Path) -> None:
    target, elsewhere = tmp_path / "new", tmp_path / "elsewhere"
    target.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, target / "governance")
    result = CliRunner().invoke(cli, ["init", str(target), "--lang", "nl"])
    assert result.exit_code == 2 and "governance is in the way" in result.output
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in target.iterdir()) == ["governance"]


def test_init_where_nothing_can_be_written_is_exit_2(tmp_path: Path) -> None:
    """Regression: an OSError while writing (a folder that cannot be made) was exit 3."""
    result = CliRunner().invoke(cli, ["init", "/proc/isaccheck-cannot-be-here", "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output and "nothing was written" in result.output


@pytest.mark.parametrize("command", [["check", "{p}", "--as-of", "2026-06-30"], ["tlp", "{p}"],
                                     ["report", "-o", "-", "{p}", "--year", "2026", "--format", "md"],
                                     ["history", "{p}"]])
def test_output_file_that_cannot_be_written_is_exit_2(tmp_path: Path, command: list[str]) -> None:
    """Regression: -o in a folder that does not exist raised FileNotFoundError (exit 3)."""
    root = build(tmp_path, {"meetings/m.md": MINUTES})
    seen = run_everything(root, [command + ["-o", str(tmp_path / "no-such-folder" / "out.txt")]], expect_exit={2})
    assert all("cannot write" in output and "no-such-folder" in output for _code, output in seen.values())


# -- documents -----------------------------------------------------------------------------------

HOSTILE_DOCUMENTS: dict[str, dict[str, str | bytes]] = {
    "frontmatter a scalar, a list, a number": {"a.md": "---\nhello\n---\n", "b.md": "---\n- a\n- type: minutes\n---\n",
                                               "c.md": "---\n5\n---\n", "d.md": "---\n!!binary aGk=\n---\n"},
    "type a list, a number, null, a mapping": {"a.md": "---\ntype: [minutes]\n---\n", "b.md": "---\ntype: 5\n---\n",
                                               "c.md": "---\ntype: null\n---\n", "d.md": "---\ntype: {a: 1}\n---\n"},
    "0 bytes and empty frontmatter": {"a.md": "", "b.pdf.meta.yaml": "", "c.md": "---\n---\n", "d.md": "---\n",
                                      "e.md": "---\n...\n"},
    "NUL byte in the middle": {"a.md": MINUTES.replace("Body", "Bo\x00dy"), "b.md": "---\ntype: minutes\x00\n---\n",
                               "c.md": MINUTES + "x" * 9000 + "\x00"},
    "line endings": {"a.md": MINUTES.replace("\n", "\r\n"), "b.md": MINUTES.replace("\n", "\r"),
                     "c.md": "\ufeff" + MINUTES, "d.md": MINUTES.replace("\n", "\u2028")},
    "tabs": {"a.md": MINUTES.replace("date:", "date:\t"), "b.md": "---\ntype:\tminutes\n\tdate: x\n---\n"},
    "sidecars odd": {"a.pdf.meta.yaml": "- a\n", "b.pdf.meta.yaml": "type: minutes\ndate: 2026-01-01\n",
                     ".meta.yaml": "type: charter\n", "d.md.meta.yaml": "type: charter\n", "d.md": MINUTES,
                     "e.pdf.meta.yaml.meta.yaml": "type: charter\n", "e.pdf.meta.yaml": "type: value-case\n"},
    "duplicated keys": {"a.md": "---\ntype: minutes\ntype: charter\ndate: 2026-01-01\ndate: x\n---\n"},
    "extremely long lines": {"a.md": "---\ntype: charter\npurpose: " + "x" * 300_000 + "\n---\n" + "y" * 300_000},
    "many headings": {"a.md": "---\ntype: membership-guidelines\n---\n"
                      + "\n".join("#" * (i % 7 + 1) + " Toetredingscriteria" * 20 for i in range(3000))},
    "deeply nested": {"a.md": "---\ntype: charter\npurpose: " + "[" * 3000 + "]" * 3000 + "\n---\n",
                      "b.md": "---\ntype: charter\nx: " + "- " * 3000 + "a\n---\n"},
    "huge and odd numbers": {"a.md": "---\ntype: annual-plan\nyear: 99999999999999999999999999\n---\n",
                             "b.md": "---\ntype: roadmap\nfrom_year: -99999999999999999\nto_year: 1e400\n---\n",
                             "c.md": "---\ntype: minutes\ndate: 9999-12-31\ntlp: AMBER\n---\n"},
    # (a document dated 0001-01-01 has its own test below: it makes the trend as long as allowed)
    "years as text": {"a.md": "---\ntype: annual-plan\nyear: '2026'\n---\n", "b.md": "---\ntype: evaluation\nyear: 2026.0\n---\n",
                      "c.md": "---\ntype: roadmap\nfrom_year: true\nto_year: 2026-01-01\n---\n"},
    "markup and bidi in titles": {
        "a.md": '---\ntype: charter\ntitle: "::error file=x,line=1::pwn\\n<script>alert(1)</script> \u202e ]]> -->"\n---\n',
        "b.md": "---\ntype: minutes\ndate: 2026-03-01\ntlp: AMBER\nattendees: ['<script>', '::error::x']\n"
                "roundtable: ['x', {category: '<b>', tlp: \"RED\\n::error::y\"}]\n---\n"},
    "odd shapes of structured fields": {
        "g.md": "---\ntype: membership-guidelines\nsignatures: [Alpha, 5, null, {organisation: [x], commit: 5, tag: [1]}]\n---\n",
        "s.md": "---\ntype: shared-information\ntlp: AMBER\nshared_with: public\n---\n",
        "m.md": "---\ntype: minutes\ndate: 2026-03-01\ntlp: AMBER\nroundtable: [phishing, 5]\nactions: [do it, {due: never}]\n---\n",
        "p.md": "---\ntype: good-practice\nbased_on: minutes.md\n---\n",
        "w.md": "---\ntype: working-group\nmeetings: [soon, 5, 2026-13-45]\nmembers: Alpha\n---\n",
        "y.md": "---\ntype: annual-plan\nyear: '2026'\nresources: [{kind: money}, 7]\n---\n",
        "a.md": "---\ntype: self-assessment\ndate: 2026-03-01\ntlp: AMBER\nanswers: {STR-1.1: yes, STR-1.2: [1], "
                "STR-1.3: {Alpha: {answer: 5}}, NOPE-9: x, STR-1.4: {answer: null}, STR-1.5: {Alpha: [yes]}}\n---\n",
        "b.md": "---\ntype: self-assessment\ndate: 2026-03-01\ntlp: AMBER\nanswers: [yes, no]\n---\n",
    },
    "sidecars for missing files": {"gone.pdf.meta.yaml": "type: minutes\ndate: 2026-01-01\ntlp: AMBER\n",
                                   "dir/gone.docx.meta.yaml": "type: charter\npurpose: x\n"},
}


# What each hostile file comes to: "document" (read as a document, nothing wrong with it), "not a
# document" (no frontmatter type: today passed over without a word; naming such files is part of
# reading real archives, issue 10), or the start of its first finding as "path:line: message".
DOCUMENT_OUTCOMES: dict[str, dict[str, str]] = {
    "frontmatter a scalar, a list, a number": {
        rel: f"{rel}:2: the frontmatter must be a mapping of fields" for rel in ("a.md", "b.md", "c.md", "d.md")},
    "type a list, a number, null, a mapping": {
        "a.md": "a.md:2: unknown document type `['minutes']`; did you mean `minutes`?",
        "b.md": "b.md:2: unknown document type `5`", "c.md": "c.md:2: unknown document type `None`",
        "d.md": "d.md:2: unknown document type `{'a': 1}`"},
    "0 bytes and empty frontmatter": {"a.md": "not a document", "c.md": "not a document", "d.md": "not a document",
                                      "e.md": "not a document",
                                      "b.pdf.meta.yaml": "b.pdf.meta.yaml:1: a sidecar must be a mapping of fields"},
    "NUL byte in the middle": {"a.md": "a.md: binary content in a text document; not read",
                               "b.md": "b.md: binary content in a text document; not read", "c.md": "document"},
    # (U+2028 is no line end for YAML: the frontmatter is not recognised)
    "line endings": {"a.md": "document", "b.md": "document", "c.md": "document", "d.md": "not a document"},
    "tabs": {"a.md": "document", "b.md": "b.md:3: frontmatter: YAML syntax error: found a tab character that violates indentation"},
    "sidecars odd": {"a.pdf.meta.yaml": "a.pdf.meta.yaml:1: a sidecar must be a mapping of fields",
                     "b.pdf.meta.yaml": "b.pdf.meta.yaml:1: describes b.pdf, which is not in the repository",
                     ".meta.yaml": ".meta.yaml:1: describes , which is not in the repository",
                     "e.pdf.meta.yaml": "e.pdf.meta.yaml:1: describes e.pdf, which is not in the repository"},
    "duplicated keys": {"a.md": "a.md:3: frontmatter: a key appears twice in one mapping (also at line 2)"},
    "extremely long lines": {"a.md": "document"},
    "many headings": {"a.md": "a.md: 1186 KB is over the limit of 1024 KB (max_file_size_kb in isaccheck.yaml): the frontmatter was read"},
    "deeply nested": {"a.md": "a.md:3: frontmatter: YAML syntax error: exceeded maximum nesting depth",
                      "b.md": "b.md:3: frontmatter: YAML syntax error: block sequence entries are not allowed"},
    "huge and odd numbers": {"a.md": "a.md:3: field `year`: 99999999999999999999999999 is greater than the maximum",
                             "b.md": "b.md:3: field `from_year`: -99999999999999999 is less than the minimum",
                             "c.md": "document"},
    "years as text": {"a.md": "a.md:3: field `year` should be a whole number, not '2026'", "b.md": "document",
                      "c.md": "c.md:3: field `from_year` should be a whole number, not True"},
    "markup and bidi in titles": {"a.md": "document",
                                  # an item label that is no label counts as RED: the schema finding quotes it
                                  "b.md": "b.md:6: [withheld: quotes b.md (TLP:RED)]"},
    "odd shapes of structured fields": {
        "g.md": "g.md:3: field `signatures.0` should be a mapping of fields, not 'Alpha'",
        "s.md": "s.md:4: field `shared_with` should be a list, not 'public'",
        "m.md": "m.md:5: field `roundtable.0` should be a mapping of fields, not 'phishing'",
        "p.md": "p.md:3: field `based_on` should be a list, not 'minutes.md'",
        "w.md": "w.md:3: field `meetings.0` is not a valid date: 'soon'",
        "y.md": "y.md:3: field `year` should be a whole number, not '2026'",
        "a.md": "a.md:5: field `answers.NOPE-9` should be a mapping of fields, not 'x'",
        "b.md": "b.md:5: field `answers` should be a mapping of fields"},
    "sidecars for missing files": {
        "gone.pdf.meta.yaml": "gone.pdf.meta.yaml:1: describes gone.pdf, which is not in the repository",
        "dir/gone.docx.meta.yaml": "dir/gone.docx.meta.yaml:1: describes dir/gone.docx, which is not in the repository"},
}


@pytest.mark.parametrize("name", HOSTILE_DOCUMENTS)
def test_hostile_documents(tmp_path: Path, name: str) -> None:
    import datetime as dt

    from isaccheck.runner import check

    files = HOSTILE_DOCUMENTS[name]
    root = build(tmp_path, {"meetings/2026-03-01/minutes.md": MINUTES, **files})
    run_everything(root)
    run = check(root, dt.date(2026, 6, 30))
    documents = {d.meta_path for d in run.repository.documents}
    told = {f.path: [] for f in run.evaluation.findings}  # type: dict[str, list[str]]
    for f in sorted(run.evaluation.findings, key=lambda f: f.sort_key()):
        told[f.path].append(f"{f.path}:{f.line}: {f.message.en}" if f.line else f"{f.path}: {f.message.en}")
    for rel, outcome in DOCUMENT_OUTCOMES[name].items():
        if outcome == "document":
            assert rel in documents and rel not in told, (rel, told.get(rel))
        elif outcome == "not a document":
            assert rel not in documents and rel not in told, (rel, told.get(rel))
        else:
            assert any(line.startswith(outcome) for line in told.get(rel, [])), (rel, told.get(rel))


def test_hostile_documents_in_every_output_format(tmp_path: Path) -> None:
    every: dict[str, str | bytes] = {}
    for name, files in HOSTILE_DOCUMENTS.items():
        every.update({f"{name.replace(' ', '-')}/{rel}": content for rel, content in files.items()})
    run_everything(build(tmp_path, every), ALL_FORMATS)


def test_a_file_that_cannot_be_read_is_a_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    """The standard for an unreadable file (chmod 000 does not stop root, so the source refuses)."""
    import datetime as dt

    from isaccheck.runner import check
    from isaccheck.sources import WorkingTreeSource

    class Refusing(WorkingTreeSource):
        def read(self, path: str) -> bytes:
            if path.startswith("locked"):
                raise PermissionError(13, "Permission denied", path)
            return super().read(path)

    root = build(tmp_path, {"meetings/2026-03-01/minutes.md": MINUTES, "locked.md": MINUTES,
                            "locked.pdf.meta.yaml": "type: charter\n"})
    run = check(root, dt.date(2026, 6, 30), source=Refusing(root))
    unreadable = {(f.path, f.code) for f in run.evaluation.findings if "Permission denied" in f.message.en}
    assert unreadable == {("locked.md", "unreadable"), ("locked.pdf.meta.yaml", "unreadable")}
    assert [d.path for d in run.repository.documents] == ["meetings/2026-03-01/minutes.md"]


def test_a_document_dated_in_year_1_does_not_make_the_trend_two_thousand_years_long(tmp_path: Path) -> None:
    """Regression: report and history evaluated every year end since 0001 (minutes each)."""
    import json
    import time

    root = build(tmp_path, {"meetings/m.md": MINUTES, "old.md": "---\ntype: minutes\ndate: 0001-01-01\ntlp: AMBER\n---\n"})
    started = time.monotonic()
    seen = run_everything(root, [["report", "-o", "-", "{p}", "--year", "2026", "--format", "md"], ["history", "{p}", "--format", "json"]])
    assert time.monotonic() - started < 60
    points = json.loads(seen["history {p} --format json"][1])["points"]
    from isaccheck.repository import MAX_TREND_YEARS

    assert len(points) <= MAX_TREND_YEARS + 2


# -- dates at the edges --------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["check", "{p}", "--as-of", "9999-12-31", "--format", "json"],
    ["check", "{p}", "--as-of", "0001-01-01", "-v"],
    ["report", "-o", "-", "{p}", "--as-of", "9999-12-31", "--format", "md"],
    ["report", "-o", "-", "{p}", "--as-of", "0001-01-01", "--format", "md"],
])
def test_evaluation_dates_at_the_ends_of_the_calendar(tmp_path: Path, command: list[str]) -> None:
    """Regression: --as-of 9999-12-31 overflowed in the coming-due horizon (exit 3)."""
    root = build(tmp_path, {"meetings/m.md": MINUTES, "isaccheck.yaml": "rules: {STR-1.3: {months: 99999999}}\n"})
    seen = run_everything(root, [command])
    assert "could not be evaluated" not in next(iter(seen.values()))[1]


def test_a_window_reaching_before_the_year_1_covers_everything(tmp_path: Path) -> None:
    """Regression: `months: 99999999` in isaccheck.yaml made STR-1.3 an error ("AssertionError: unreachable")."""
    def str_1_3(months: int) -> dict[str, object]:
        (tmp_path / str(months)).mkdir()
        root = build(tmp_path / str(months), {"meetings/m.md": MINUTES,
                                              "isaccheck.yaml": f"rules: {{STR-1.3: {{months: {months}}}}}\n"})
        seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30", "--format", "json"]])
        result = json.loads(next(iter(seen.values()))[1])
        question: dict[str, object] = next(q for q in result["questions"] if q["id"] == "STR-1.3")
        return question

    endless, century = str_1_3(99999999), str_1_3(1200)  # both windows hold every meeting there is
    assert endless["outcome"] not in ("error", "unknown")
    assert (endless["outcome"], endless["reason"]) == (century["outcome"], century["reason"])


@pytest.mark.parametrize("command", [["report", "-o", "-", "{p}", "--year", "0"], ["report", "-o", "-", "{p}", "--year", "-5"],
                                     ["history", "{p}", "--since", "-1"], ["history", "{p}", "--since", "0"]])
def test_years_outside_the_calendar_are_usage_errors(tmp_path: Path, command: list[str]) -> None:
    """Regression: --year -5 and --since -1 raised ValueError (exit 3); --year 0 meant this year."""
    seen = run_everything(build(tmp_path, {}), [command], expect_exit={2})
    assert all("is not in the range" in output for _code, output in seen.values())


def _extreme_overrides() -> str:
    """isaccheck.yaml giving every integer rule parameter the largest value its schema allows (or 99999999)."""
    from isaccheck.rulepack import load_builtin

    lines = ["rules:"]
    for rule in load_builtin().rules:
        values = {name: param.schema.get("maximum", 99_999_999) for name, param in rule.parameters.items()
                  if param.schema.get("type") == "integer"}
        if values:
            lines.append(f"  {rule.id}: {json.dumps(values)}")
    return "\n".join(lines) + "\n"


def test_extreme_rule_parameters_answer_quickly_and_never_break_a_rule(tmp_path: Path) -> None:
    """Regression: `periods: 99999999` (SIT-3.2) walked every period (a hang) and `years: 99999999`
    built a list of a hundred million years; each now lists ten and counts the rest."""
    import time

    root = build(tmp_path, {"meetings/m.md": MINUTES, "isaccheck.yaml": _extreme_overrides(),
                            "pictures/p.md": "---\ntype: situational-picture\ndate: 2026-05-01\ntlp: AMBER\noutlook: x\n---\n"})
    started = time.monotonic()
    seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30", "--format", "json"]])
    assert time.monotonic() - started < 30
    result = json.loads(next(iter(seen.values()))[1])
    assert [q["id"] for q in result["questions"] if q["outcome"] == "error"] == []
    for question in result["questions"]:
        assert len(json.dumps(question)) < 20_000, question["id"]


def test_validate_reports_a_named_link_instead_of_following_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: `validate d/out.md` (a link to /etc/passwd) looked for isac.yaml in /etc; a loop 'did not exist'."""
    root = build(tmp_path, {"d/m.md": MINUTES})
    os.symlink("/etc/passwd", root / "d" / "out.md")
    os.symlink("loop.md", root / "d" / "loop.md")
    monkeypatch.chdir(root)
    seen = run_everything(root, [["validate", "d/out.md"], ["validate", "d/loop.md"]])
    assert seen["validate d/out.md"][0] == 1 and "d/out.md: error: symbolic link pointing outside" in seen["validate d/out.md"][1]
    assert "d/loop.md: warning: symbolic link to nothing (or a loop of links)" in seen["validate d/loop.md"][1]


def test_a_yaml_error_is_told_in_full_without_quoting_the_document(tmp_path: Path) -> None:
    """A broken frontmatter counts as RED for output, yet its writer must learn what is wrong:
    the syntax error is said in isaccheck's words, never with text from the document."""
    root = build(tmp_path, {"a.md": "---\ntype: minutes\ntlp: RED\ntitle: !!python/object:GeheimProject\n---\n",
                            "b.md": "---\ntype:\tminutes\n\tdate: Kwelder\n---\n"})
    seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30", "--format", f]
                                 for f in ("text", "json", "github")] + [["validate", "{p}/a.md", "{p}/b.md"]])
    for shown, (_code, output) in seen.items():
        flat = " ".join(output.split())
        assert "GeheimProject" not in flat and "Kwelder" not in flat, shown
        assert "could not determine a constructor for the tag" in flat, shown
        assert "the line holds a tab: YAML indents with spaces only" in flat, shown
