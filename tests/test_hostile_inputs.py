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


@pytest.mark.parametrize("settings", [
    "rule_packs: [isac.yaml]\n", "rule_packs: [../]\n", "rule_packs: [/etc]\n", "rule_packs: [nothing-here]\n",
    "rule_packs: extra\n", "rule_packs: [[a]]\n", "types: x\n", "types: [{glob: 5, type: [a]}]\n",
    "rules: {STR-1.1: 5}\n", "rules: [a]\n", "max_file_size_kb: -1\n", "max_file_size_kb: lots\n",
    "ignore: '**'\n", "gate: {baseline: ../outside.json}\n", "gate: {levels: {STR: 9}}\n", "allowed_signers: /etc/passwd\n",
    "tlp: {published_paths: 5}\n", "attestation: {months: -3}\n", "history: {imported_until: never}\n",
    "- a list\n", "just text\n", "unknown_key: 1\n",
])
def test_hostile_settings(tmp_path: Path, settings: str) -> None:
    run_everything(build(tmp_path, {"isaccheck.yaml": settings, "meetings/m.md": MINUTES}))


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
    result = CliRunner().invoke(cli, ["init", str(target), "--lang", "en"])
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
                                     ["report", "{p}", "--year", "2026", "--format", "md"],
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


@pytest.mark.parametrize("files", HOSTILE_DOCUMENTS.values(), ids=HOSTILE_DOCUMENTS.keys())
def test_hostile_documents(tmp_path: Path, files: dict[str, str | bytes]) -> None:
    run_everything(build(tmp_path, {"meetings/2026-03-01/minutes.md": MINUTES, **files}))


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
    seen = run_everything(root, [["report", "{p}", "--year", "2026", "--format", "md"], ["history", "{p}", "--format", "json"]])
    assert time.monotonic() - started < 60
    points = json.loads(seen["history {p} --format json"][1])["points"]
    from isaccheck.repository import MAX_TREND_YEARS

    assert len(points) <= MAX_TREND_YEARS + 2


# -- dates at the edges --------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["check", "{p}", "--as-of", "9999-12-31", "--format", "json"],
    ["check", "{p}", "--as-of", "0001-01-01", "-v"],
    ["report", "{p}", "--as-of", "9999-12-31", "--format", "md"],
    ["report", "{p}", "--as-of", "0001-01-01", "--format", "md"],
])
def test_evaluation_dates_at_the_ends_of_the_calendar(tmp_path: Path, command: list[str]) -> None:
    """Regression: --as-of 9999-12-31 overflowed in the coming-due horizon (exit 3)."""
    root = build(tmp_path, {"meetings/m.md": MINUTES, "isaccheck.yaml": "rules: {STR-1.3: {months: 99999999}}\n"})
    seen = run_everything(root, [command])
    assert "could not be evaluated" not in next(iter(seen.values()))[1]


def test_a_window_reaching_before_the_year_1_covers_everything(tmp_path: Path) -> None:
    """Regression: `months: 99999999` in isaccheck.yaml made STR-1.3 an error ("AssertionError: unreachable")."""
    root = build(tmp_path, {"meetings/m.md": MINUTES, "isaccheck.yaml": "rules: {STR-1.3: {months: 99999999}}\n"})
    seen = run_everything(root, [["check", "{p}", "--as-of", "2026-06-30", "--format", "json"]])
    result = json.loads(next(iter(seen.values()))[1])
    assert next(q for q in result["questions"] if q["id"] == "STR-1.3")["outcome"] != "error"


@pytest.mark.parametrize("command", [["report", "{p}", "--year", "0"], ["report", "{p}", "--year", "-5"],
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
