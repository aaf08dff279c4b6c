"""Issue 15.12 and 15.14: a repository's git config and .git file are not trusted.

Everything the checked repository's .git/config (or .gitattributes) could make git run is
pinned: gpg.program, gpg.x509.program, filter and diff drivers, fsmonitor, hooks. A `.git` file
pointing at another repository outside the checked folder is refused unless asked.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from click.testing import CliRunner

from isaccheck.cli import cli
from isaccheck.gitrepo import driver_pins

from .conftest import PROFILE
from .test_gitrepo import commit, git, git_env, new_repo, write  # noqa: F401  (git_env: autouse fixture)

MINUTES = ("---\ntype: minutes\ndate: 2026-03-12\ntlp: AMBER\nattendees: [Alpha]\nitems: [x]\n---\n# Minutes\n")


def _evil(tmp_path: Path, name: str, marker: Path) -> str:
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def _fake_signed_commit(repo: Path, header: str) -> str:
    """A commit object with a signature header of the given kind: verifying it would start that kind's program."""
    head = git(repo, "cat-file", "commit", "HEAD")
    tree_line, rest = head.split("\n", 1)
    signature = f"gpgsig -----BEGIN {header}-----\n \n abc\n -----END {header.split()[-1]}-----\n"
    body = f"{tree_line}\n{rest.split(chr(10) + chr(10), 1)[0]}\n{signature}\nsigned\n"
    return git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=body.encode())


def test_no_program_from_the_repository_config_runs(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    marker = tmp_path / "ran"
    write(repo, "isac.yaml", PROFILE)
    write(repo, "meetings/m1.md", MINUTES)
    commit(repo, "2026-03-12T10:00:00Z", "start")
    write(repo, ".gitattributes", "*.md filter=evil diff=evil\n")
    commit(repo, "2026-03-13T10:00:00Z", "attributes")
    pgp = _fake_signed_commit(repo, "PGP SIGNATURE")
    x509 = _fake_signed_commit(repo, "SIGNED MESSAGE")
    write(repo, "governance/guidelines.md",
          "---\ntype: membership-guidelines\ntitle: G\ndate: 2026-01-09\ntlp: GREEN\nsigning_required: true\n"
          f"signatures:\n- {{organisation: Alpha, signed_by: A, signed_on: 2026-01-10, commit: {pgp}}}\n"
          f"- {{organisation: Beta, signed_by: B, signed_on: 2026-01-10, commit: {x509}}}\n---\n# G\n")
    commit(repo, "2026-03-14T10:00:00Z", "guidelines")
    for key, name in (("gpg.program", "gpg"), ("gpg.openpgp.program", "openpgp"), ("gpg.x509.program", "x509"),
                      ("gpg.ssh.program", "ssh"), ("filter.evil.clean", "clean"), ("filter.evil.smudge", "smudge"),
                      ("filter.evil.process", "process"), ("diff.evil.textconv", "textconv"),
                      ("diff.evil.command", "command"), ("core.fsmonitor", "fsmonitor"),
                      ("diff.external", "external"), ("core.pager", "pager")):
        git(repo, "config", key, _evil(tmp_path, name, marker))
    git(repo, "config", "core.hooksPath", str(tmp_path / "hooks"))
    # A stat change without a content change: git status must hash the file again (the clean filter).
    later = time.time() + 5
    os.utime(repo / "meetings" / "m1.md", (later, later))
    runner = CliRunner()
    for args in (["check", str(repo), "--as-of", "2026-06-30"],
                 ["check", str(repo), "--as-of", "2026-06-30", "--committed-only"],
                 ["history", str(repo)],
                 ["report", "-o", "-", str(repo), "--year", "2026", "--as-of", "2026-06-30", "--format", "md"]):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code in (0, 1), (args, result.output)
        assert not marker.exists(), args


def test_every_driver_the_config_defines_is_emptied() -> None:
    keys = ["filter.evil.clean", "filter.lfs.process", "diff.pdf.textconv", "merge.ours.driver", "user.name",
            "Filter.X.Smudge", "diff.color"]
    assert driver_pins(keys) == ("Filter.X.Smudge=", "diff.pdf.textconv=", "filter.evil.clean=",
                                 "filter.lfs.process=", "merge.ours.driver=")


def test_a_git_file_pointing_outside_the_folder_is_refused(tmp_path: Path, monkeypatch) -> None:
    other = new_repo(tmp_path, "other")
    write(other, "isac.yaml", PROFILE.replace("Test-ISAC", "Other-ISAC"))
    commit(other, "2026-03-12T10:00:00Z", "other")
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / "isac.yaml").write_text(PROFILE, encoding="utf-8")
    (checked / ".git").write_text(f"gitdir: {other / '.git'}\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(checked), "--committed-only", "--as-of", "2026-06-30"])
    assert result.exit_code == 2 and "outside the checked folder" in result.output, result.output
    assert "Other-ISAC" not in result.output
    monkeypatch.setenv("ISACCHECK_TRUST_GITDIR", "1")  # asked for by the user: then it is used
    result = runner.invoke(cli, ["check", str(checked), "--committed-only", "--as-of", "2026-06-30"])
    assert "Other-ISAC" in result.output


def test_every_ci_format_lists_the_policy_and_what_this_change_loosened(tmp_path: Path) -> None:
    """Issue 15.15: a gate loosened by settings alone is visible in SARIF, JUnit, GitLab and GitHub."""
    import json
    import xml.etree.ElementTree as ET

    repo = new_repo(tmp_path)
    write(repo, "isac.yaml", PROFILE)
    write(repo, "meetings/m1.md", MINUTES)
    write(repo, "isaccheck.yaml", "rules:\n  ACT-2.1:\n    months: 12\n")
    commit(repo, "2026-03-12T10:00:00Z", "base")
    git(repo, "checkout", "-q", "-b", "loosen")
    write(repo, "isac.yaml", PROFILE.replace("ambition: {STR: 1, WOW: 1, INF: 1, SIT: 1, ACT: 1}",
                                             "ambition: {STR: 0, WOW: 1, INF: 1, SIT: 1, ACT: 1}")
          + "not_applicable:\n  - {question: WOW-1.1, reason: x, decided_on: 2026-03-12, decided_in: meetings/m1.md}\n")
    write(repo, "isaccheck.yaml", "rules:\n  ACT-2.1:\n    months: 600\nignore: ['meetings/**']\n"
                                  "types:\n  - {glob: README.md, type: annual-plan}\n")
    commit(repo, "2026-03-13T10:00:00Z", "loosen the gate")
    runner = CliRunner()

    def out(fmt: str) -> str:
        result = runner.invoke(cli, ["check", str(repo), "--as-of", "2026-06-30", "--format", fmt,
                                     "--gate", "ambition", "--policy-from", "main"], catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        return result.stdout

    expected = {("waiver", "WOW-1.1", "added"), ("parameter", "ACT-2.1.months", "changed"),
                ("ignore", "meetings/**", "added"), ("type", "README.md", "added"), ("ambition", "STR", "changed")}
    sarif = json.loads(out("sarif"))["runs"][0]["properties"]["gate"]["policy_in_force"]
    assert {(i["kind"], i["subject"], i["change"].split(" ")[0]) for i in sarif if "change" in i} == expected
    junit = {p.get("name"): p.get("value") for p in ET.fromstring(out("junit")).iter("property")}
    assert "changed in this change (was 12 (pack: 24))" in str(junit.get("policy.parameter.ACT-2.1.months"))
    gitlab = json.loads(out("gitlab"))
    changed = {i["check_name"] for i in gitlab if i["severity"] == "major" and i["check_name"].startswith("isaccheck/policy/")}
    assert changed == {"isaccheck/policy/waiver", "isaccheck/policy/parameter", "isaccheck/policy/ignore",
                       "isaccheck/policy/type", "isaccheck/policy/ambition"}
    github = out("github")
    assert "title=isaccheck%3A policy ignore added::ignored meetings/**: not read [added in this change]" in github
    assert "isaccheck: policy in force: " in github
