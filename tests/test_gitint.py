"""Git as evidence, end to end through the command line (issue 7).

Repositories are built in tmp_path with set commit dates; git is isolated from this machine
(the autouse git_env fixture of test_gitrepo). Every command runs through `run`, which checks
that the repository, .git included, is byte-identical (content, mode, mtime) afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from isaccheck.cli import cli
from isaccheck.gitrepo import SHALLOW_HISTORY
from isaccheck.gitevidence import EMPTY_REPOSITORY
from isaccheck.history import profile_history

from .conftest import PROFILE
from .test_gitrepo import commit, git, git_env, needs_ssh, new_repo, snapshot, write  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
HAVEN = ROOT / "evidence-examples" / "haven-isac"
DATE_FIELD = re.compile(r"^(?:date|adopted_on):\s*['\"]?(\d{4}-\d{2}-\d{2})", re.MULTILINE)
DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
YEAR_ENDS = ("2023-12-31", "2024-12-31", "2025-12-31")


def run(repo: Path, *args: str, code: int | None = None) -> Any:
    """Invoke the CLI on repo; the repository must be unchanged afterwards."""
    before = snapshot(repo)
    result = CliRunner().invoke(cli, [args[0], str(repo), *args[1:]])
    assert snapshot(repo) == before, f"isaccheck {' '.join(args)} changed the repository"
    if code is not None:
        assert result.exit_code == code, result.output
    assert result.exit_code in (0, 1, 2), result.output
    return result


def check_json(repo: Path, *args: str) -> dict[str, Any]:
    result = run(repo, "check", "--format", "json", "--lang", "en", *args)
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def levels(data: dict[str, Any]) -> dict[str, int]:
    return {c["code"]: c["level"] for c in data["capabilities"]}


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(q for q in data["questions"] if q["id"] == qid)
    return found


def file_date(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    match = DATE_FIELD.search(text)
    if match:
        return match[1]
    match = DATE_IN_NAME.search(path.name)
    return match[1] if match else None


# --------------------------------------------------------------------------- several years


@pytest.fixture
def haven(tmp_path: Path) -> dict[str, Any]:
    return build_haven(tmp_path)


def build_haven(tmp_path: Path, object_format: str = "sha1") -> dict[str, Any]:
    """The haven example, committed document by document on (the day after) its own date.

    Then the working tree moves on: the membership guidelines are deleted in a commit of
    2026-11-20, isac.yaml's ambition is edited without committing, and a new document is
    left untracked. object_format "sha256": the same in a repository with SHA-256 ids.
    """
    repo = new_repo(tmp_path, "haven", object_format)
    shutil.copytree(HAVEN, repo, dirs_exist_ok=True)
    by_day: dict[str, list[str]] = {}
    undated: list[str] = []
    for path in sorted(p for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts):
        rel = path.relative_to(repo).as_posix()
        if rel.endswith(".pdf"):
            continue  # goes with its sidecar
        day = file_date(path)
        group = undated if day is None else by_day.setdefault(min(day, "2026-11-19"), [])
        group.append(rel)
        if rel.endswith(".pdf.meta.yaml"):
            group.append(rel[: -len(".meta.yaml")])
    days = sorted(by_day)
    by_day[days[0]] = undated + by_day[days[0]]
    # Stage per day: remove everything from the index first, then add day by day.
    shas: dict[str, str] = {}
    kept = {rel: (repo / rel).read_bytes() for files in by_day.values() for rel in files}
    for rel in kept:
        (repo / rel).unlink()
    for day in days:
        for rel in by_day[day]:
            target = repo / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(kept[rel])
        when = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat() + "T12:00:00Z"
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"documents of {day}", date=when)
        shas[day] = git(repo, "rev-parse", "HEAD")
    git(repo, "rm", "-q", "governance/lidmaatschapsrichtlijnen.md")
    git(repo, "commit", "-q", "-m", "guidelines withdrawn", date="2026-11-20T12:00:00Z")
    profile = (repo / "isac.yaml").read_text(encoding="utf-8")
    (repo / "isac.yaml").write_text(profile.replace("ambition:", "# edited\nambition:", 1), encoding="utf-8")
    write(repo, "shared/2026-11-27-untracked.md", "---\ntype: shared-information\ntitle: nog niet gecommit\n"
          "date: 2026-11-27\ntlp: GREEN\n---\nTekst.\n")
    return {"repo": repo, "shas": shas, "plain": tmp_path / "plain"}


def tree_at(repo: Path, sha: str, target: Path) -> Path:
    """A plain folder (no git) with the files of a commit."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", sha], cwd=repo, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def test_as_of_each_year_end_gives_that_years_profile(haven: dict[str, Any]) -> None:
    repo: Path = haven["repo"]
    profiles = {}
    for end in YEAR_ENDS:
        data = check_json(repo, "--as-of", end)
        at = git(repo, "log", "-1", "--first-parent", f"--before={end}T23:59:59Z", "--format=%H")
        assert data["commit"] == at
        # The same as evaluating a plain copy of that commit's files at that date.
        plain = tree_at(repo, at, haven["plain"] / end)
        expected = check_json(plain, "--as-of", end)
        assert levels(data) == levels(expected), end
        assert expected["commit"] is None
        assert not any("working tree" in w for w in data["warnings"])
        profiles[end] = levels(data)
    assert profiles["2023-12-31"] != profiles["2025-12-31"]
    # The guidelines, deleted in 2026, still count at the end of 2024 ...
    wow = question(check_json(repo, "--as-of", "2024-12-31"), "WOW-1.1")
    assert any(e["path"] == "governance/lidmaatschapsrichtlijnen.md" for e in wow["evidence"])
    assert wow["outcome"] == "holds"
    # ... but not when the working tree is read as plain files at that date.
    moved_on = question(check_json(repo, "--as-of", "2024-12-31", "--no-git"), "WOW-1.1")
    assert moved_on["outcome"] == "fails"
    assert not any(e["path"] == "governance/lidmaatschapsrichtlijnen.md" for e in moved_on["evidence"])


def test_evidence_carries_the_first_commit(haven: dict[str, Any]) -> None:
    data = check_json(haven["repo"], "--as-of", "2025-12-31")
    refs = [e for q in data["questions"] for e in q["evidence"] if e["path"].startswith("meetings/2025-")]
    assert refs and all(e["commit"] == haven["shas"][e["path"].split("/")[1]] for e in refs)
    assert not [f for f in data["findings"] if f["code"] == "backfilled"]  # committed the day after
    no_history = check_json(haven["repo"], "--as-of", "2025-12-31", "--no-history")
    assert all(e["commit"] is None for q in no_history["questions"] for e in q["evidence"])
    assert levels(no_history) == levels(data)


def test_no_commit_at_the_date_is_a_usage_error(haven: dict[str, Any]) -> None:
    result = run(haven["repo"], "check", "--as-of", "2020-12-31", code=2)
    assert "geen commit op of voor die datum" in result.output and "2023-" in result.output  # haven is Dutch


def test_plain_run_names_uncommitted_documents(haven: dict[str, Any]) -> None:
    repo: Path = haven["repo"]
    data = check_json(repo)
    warning = next(w for w in data["warnings"] if "working tree" in w)
    assert "isac.yaml" in warning and "shared/2026-11-27-untracked.md" in warning
    assert "--committed-only" in warning
    assert data["commit"] is None  # the working tree is no commit
    committed = check_json(repo, "--committed-only")
    head = git(repo, "rev-parse", "HEAD")
    assert committed["commit"] == head
    assert not any("working tree" in w for w in committed["warnings"])
    assert committed["summary"]["documents"] == data["summary"]["documents"] - 1
    text = run(repo, "check", "--committed-only", "--lang", "en").output
    # The header follows the output's own TLP line (haven's output shows its AMBER self-assessment's numbers).
    header = next(line for line in text.splitlines() if not line.startswith("TLP:"))
    assert f"commit {head[:7]}" in header


def test_history_command_table_and_json(haven: dict[str, Any]) -> None:
    repo: Path = haven["repo"]
    result = run(repo, "history", "--since", "2022", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr_bytes in (None, b"")  # no progress when not on a terminal
    data = json.loads(result.output)
    assert [p["label"] for p in data["points"]][:4] == ["2022", "2023", "2024", "2025"]
    assert data["points"][-1]["label"] == "now"
    assert data["points"][0]["levels"] is None and "no commit" in data["points"][0]["note"]
    for point in data["points"][1:4]:
        assert point["levels"] == levels(check_json(repo, "--as-of", point["as_of"])), point["as_of"]
        assert point["commit"]
    assert data["isac"] == "Haven-ISAC" and data["ambition"]["STR"] == 3
    from isaccheck.schemas import validator_for

    assert data["schema_version"] == "1.0" and not list(validator_for("history").iter_errors(data))
    table = run(repo, "history", "--lang", "en").output
    lines = table.splitlines()
    assert lines[0] == "Haven-ISAC · profile at the end of each year"
    assert re.match(r"year\s+as of\s+commit\s+STR\s+WOW\s+INF\s+SIT\s+ACT$", lines[1])
    assert lines[2].startswith("2023 ") and "working tree" in table and lines[6].startswith("ambition")
    first_year = git(repo, "log", "--reverse", "--format=%cs").splitlines()[0][:4]
    assert lines[2].startswith(first_year)


def test_profile_history_function_and_progress(haven: dict[str, Any]) -> None:
    seen: list[str] = []
    points = profile_history(haven["repo"], 2024, progress=seen.append, today=dt.date(2026, 11, 28))
    assert [p.label for p in points] == ["2024", "2025", "now"]
    assert len(seen) == 3 and seen[-1].endswith("(3/3)")


def test_history_asks_git_once_for_every_year_end(haven: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """HEAD, the first-parent line and the repository's config are read once per command, not per
    year end; every tree and blob comes through one cat-file process, without ls-tree's size
    look-up; the points are those of plain checks."""
    import isaccheck.gitrepo as gitrepo
    from isaccheck.runner import check

    repo, today = haven["repo"], dt.date(2026, 11, 28)
    calls: list[tuple[str, ...]] = []
    real = gitrepo._run

    def spy(args: Any, cwd: Path, **kwargs: Any) -> Any:
        calls.append(tuple(args))
        return real(args, cwd, **kwargs)

    class Counted(gitrepo._CatFile):
        def __init__(self, cwd: Path) -> None:
            calls.append(("cat-file", "--batch"))
            super().__init__(cwd)

    class CountedSizes(gitrepo._SizeCheck):
        def __init__(self, cwd: Path) -> None:
            calls.append(("cat-file", "--batch-check"))
            super().__init__(cwd)

        def sizes(self, oids: Any) -> dict[str, int]:
            calls.append(("sizes",))
            return super().sizes(oids)
    monkeypatch.setattr(gitrepo, "_run", spy)
    monkeypatch.setattr(gitrepo, "_CatFile", Counted)
    monkeypatch.setattr(gitrepo, "_SizeCheck", CountedSizes)
    # Counted in this process: no child evaluating the oldest year ends with its own git (test_jobs.py has that).
    monkeypatch.setenv("ISACCHECK_JOBS", "1")
    points = profile_history(repo, today=today)
    monkeypatch.setattr(gitrepo, "_run", real)
    past = [p for p in points if p.label != "now"]
    assert len(past) >= 3 and all(p.commit for p in past)
    assert not [c for c in calls if any(a.startswith("--before") for a in c)]  # no walk per year end
    assert len([c for c in calls if c[:2] == ("log", "--first-parent")]) == 1
    assert len([c for c in calls if c[0] == "config"]) == 1
    assert len([c for c in calls if "HEAD^{commit}" in c]) == 1
    assert not [c for c in calls if c[0] == "ls-tree"]
    assert calls.count(("cat-file", "--batch")) == 1
    assert calls.count(("cat-file", "--batch-check")) == 1  # one process for the command's blob sizes,
    assert 1 <= calls.count(("sizes",)) <= len(past)  # asked only for sizes not seen before
    for point in past:
        plain = check(repo, point.as_of, history=False, today=today, forecast=False).evaluation
        assert point.commit == plain.provenance.commit
        assert dict(point.levels or {}) == {c.code: c.level for c in plain.capabilities}
        assert point.warnings == plain.warnings


# --------------------------------------------------------------------------- history facts

MINUTES = """\
---
type: minutes
title: Bijeenkomst
date: 2021-03-01
tlp: AMBER
attendees: [Alpha, Beta]
---
# Minutes
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    repo = new_repo(tmp_path, "small")
    commit(repo, "2026-01-05T10:00:00Z", "profile", isac__yaml=PROFILE)
    write(repo, "meetings/2021-03-01/minutes.md", MINUTES)
    write(repo, "meetings/2026-02-01/minutes.md", MINUTES.replace("2021-03-01", "2026-02-01"))
    commit(repo, "2026-02-10T10:00:00Z", "minutes")
    return repo


def test_backfilled_document_is_a_finding_with_line(small: Path) -> None:
    data = check_json(small)
    found = [f for f in data["findings"] if f["code"] == "backfilled"]
    assert len(found) == 1
    assert found[0]["path"] == "meetings/2021-03-01/minutes.md" and found[0]["line"] == 4
    assert found[0]["severity"] == "warning"
    assert "minutes dated 2021-03-01 first committed 2026-02-10" in found[0]["message"]
    assert "back-filled, or moved?" in found[0]["message"]


@pytest.mark.parametrize("setting", ["backfill_tolerance_days: 2000", "imported_until: 2026-02-10"])
def test_backfill_settings(small: Path, setting: str) -> None:
    commit(small, "2026-03-01T10:00:00Z", "settings", isaccheck__yaml=f"history:\n  {setting}\n")
    assert not [f for f in check_json(small)["findings"] if f["code"] == "backfilled"]


def test_bad_history_setting_is_a_usage_error(small: Path) -> None:
    write(small, "isaccheck.yaml", "history:\n  backfill_tolerance_days: -1\n")
    result = run(small, "check", code=2)
    assert "isaccheck.yaml" in result.output and "backfill_tolerance_days" in result.output


def test_shallow_clone_warns_and_gives_no_dates(small: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{small}", str(clone)],
                   check=True, capture_output=True)
    data = check_json(clone)
    assert SHALLOW_HISTORY.en in data["warnings"]
    assert not [f for f in data["findings"] if f["code"] == "backfilled"]
    assert all(e["commit"] is None for q in data["questions"] for e in q["evidence"])
    result = run(clone, "check", "--as-of", "2026-01-31", code=2)
    assert "shallow clone" in result.output and "fetch-depth: 0" in result.output
    # The warning reaches every CI format too (a CI job that evaluates without history says so).
    sarif = json.loads(run(clone, "check", "--format", "sarif").output)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert SHALLOW_HISTORY.en in [n["message"]["text"] for n in notes]
    assert SHALLOW_HISTORY.en in run(clone, "check", "--format", "junit").output
    github = run(clone, "check", "--format", "github").output
    assert "::notice title=isaccheck%3A run warning::" in github and "fetch-depth: 0" in github
    gitlab = json.loads(run(clone, "check", "--format", "gitlab").output)
    assert SHALLOW_HISTORY.en in [i["description"] for i in gitlab if i["check_name"] == "isaccheck/run-warning"]


def test_detached_head(small: Path) -> None:
    first = git(small, "rev-list", "--max-parents=0", "HEAD")
    git(small, "checkout", "-q", "--detach", first)
    data = check_json(small)
    assert data["commit"] == first
    assert data["summary"]["documents"] == 0
    old = check_json(small, "--as-of", "2026-01-31")
    assert old["commit"] == first


def test_empty_repository_evaluates_the_working_tree(tmp_path: Path) -> None:
    repo = new_repo(tmp_path, "empty")
    write(repo, "isac.yaml", PROFILE)
    write(repo, "meetings/2021-03-01/minutes.md", MINUTES)
    data = check_json(repo)
    assert EMPTY_REPOSITORY.en in data["warnings"] and data["summary"]["documents"] == 1
    assert check_json(repo, "--as-of", "2022-01-01")["summary"]["documents"] == 1
    result = run(repo, "check", "--committed-only", code=2)
    assert "no commits yet" in result.output


def test_not_a_git_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    write(folder, "isac.yaml", PROFILE)
    write(folder, "meetings/2021-03-01/minutes.md", MINUTES)
    data = check_json(folder, "--as-of", "2021-12-31")
    # No warning about git (the rules' own warnings, a missed meeting or attendance, may be there).
    assert data["commit"] is None and data["summary"]["documents"] == 1
    assert not [w for w in data["warnings"] if "git" in w.lower() or "commit" in w.lower()]
    assert check_json(folder, "--as-of", "2020-12-31")["summary"]["documents"] == 1  # dated later: ignored, still loaded
    result = run(folder, "check", "--committed-only", code=2)
    assert "not inside a git work tree" in result.output
    result = run(folder, "history", "--format", "json", code=0)
    assert json.loads(result.output)["points"][0]["label"] == "2021"


def test_subfolder_of_another_repository_uses_git_only_when_asked(tmp_path: Path) -> None:
    repo = new_repo(tmp_path, "tool")
    commit(repo, "2026-01-05T10:00:00Z", "isac in a subfolder", example__isac__yaml=PROFILE)
    folder = repo / "example"
    assert check_json(folder)["commit"] is None
    head = git(repo, "rev-parse", "HEAD")
    assert check_json(folder, "--git")["commit"] == head
    assert check_json(folder, "--committed-only")["commit"] == head


def test_unreadable_blob_is_a_finding(small: Path) -> None:
    """A GitError while reading a committed file becomes a finding, not a crash."""
    blob = git(small, "rev-parse", "HEAD:meetings/2021-03-01/minutes.md")
    obj = small / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"corrupt")
    data = check_json(small, "--committed-only")
    found = [f for f in data["findings"] if f["path"] == "meetings/2021-03-01/minutes.md"]
    assert found and found[0]["code"] == "unreadable"


# --------------------------------------------------------------------------- signatures

PARTICIPANTS = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]


def _profile_with_six() -> str:
    extra = "".join(
        f"  - organisation: {name}\n    joined: 2020-01-01\n    representative: {{name: {name} Rep, function: CISO}}\n"
        f"    management_support: {{by: CIO, date: 2020-01-01}}\n    mandate: true\n"
        for name in PARTICIPANTS[3:])
    return PROFILE.replace("ambition:", extra + "ambition:", 1)


@pytest.fixture
def signed_isac(tmp_path: Path) -> dict[str, Any]:
    repo = new_repo(tmp_path, "signed")
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("alice", "mallory"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(keys / name)],
                       check=True, capture_output=True)
    write(repo, "governance/allowed_signers",
          f"# organisation: Alpha\nalice@isac.example {(keys / 'alice.pub').read_text().strip()}\n")
    write(repo, "isaccheck.yaml", "allowed_signers: governance/allowed_signers\n")
    write(repo, "isac.yaml", _profile_with_six())

    def signed_commit(key: str, message: str, date: str) -> str:
        git(repo, "add", "-A")
        git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys / key}",
            "commit", "-q", "--allow-empty", "-S", "-m", message, date=date)
        return git(repo, "rev-parse", "HEAD")

    alpha = signed_commit("alice", "Alpha signs the guidelines", "2021-01-10T10:00:00Z")
    gamma = signed_commit("mallory", "Gamma signs the guidelines", "2021-01-11T10:00:00Z")
    body = git(repo, "cat-file", "commit", alpha) + "\n"
    tampered = git(repo, "hash-object", "-t", "commit", "-w", "--stdin",
                   input=body.replace("Alpha signs", "Beta signs").encode())
    git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys / 'alice'}",
        "tag", "-s", "-m", "Epsilon signs", "epsilon-signs", alpha)
    refs = {"Alpha": f"commit: {alpha}", "Beta": f"commit: {tampered}", "Gamma": f"commit: {gamma}",
            "Delta": "commit: " + "0123456789abcdef" * 2 + "01234567", "Epsilon": "tag: epsilon-signs", "Zeta": ""}
    lines = "".join(f"- {{organisation: {org}, signed_by: {org} Rep, signed_on: 2021-01-1{i}{', ' + ref if ref else ''}}}\n"
                    for i, (org, ref) in enumerate(refs.items()))
    write(repo, "governance/guidelines.md",
          "---\ntype: membership-guidelines\ntitle: Guidelines\ndate: 2021-01-09\ntlp: GREEN\n"
          f"signing_required: true\nsignatures:\n{lines}---\n# Guidelines\n")
    commit(repo, "2021-01-20T10:00:00Z", "guidelines with signatures")
    return {"repo": repo, "alpha": alpha, "tampered": tampered, "gamma": gamma}


@needs_ssh
def test_signatures_through_check(signed_isac: dict[str, Any]) -> None:
    repo: Path = signed_isac["repo"]
    data = check_json(repo)
    wow = question(data, "WOW-1.1")
    assert wow["outcome"] == "fails"
    why = wow["evidence"][0]["why"]
    assert "Alpha: verified" in why
    # Alice signs for Alpha (allowed_signers): her signed tag does not make Epsilon's entry true.
    assert "Epsilon: bad signature" in why
    assert "Gamma: declared, signed with a key not in allowed_signers" in why
    assert "Zeta: declared" in why and "Beta: bad signature" in why and "Delta: commit or tag not found" in why
    missing = " | ".join(wow["missing"])
    assert "Beta has not signed: its signature does not hold" in missing and "altered after signing" in missing
    assert "Delta has not signed" in missing and "does not exist" in missing
    assert "Epsilon has not signed: its signature does not hold (tag epsilon-signs: signed by alice@isac.example, " \
           "who signs for alpha in allowed_signers, not for Epsilon)" in missing
    for org in ("Alpha", "Gamma", "Zeta"):
        assert f"{org} has not signed" not in missing
    findings = {f["code"]: f for f in data["findings"] if f["code"].startswith("signature-") and "Epsilon" not in f["message"]}
    assert set(findings) == {"signature-bad", "signature-missing"}
    assert findings["signature-bad"]["severity"] == "error"
    assert findings["signature-bad"]["path"] == "governance/guidelines.md"
    assert findings["signature-bad"]["line"] == 9  # Beta's entry
    assert findings["signature-missing"]["line"] == 11  # Delta's entry
    assert signed_isac["tampered"] in findings["signature-bad"]["message"]


@needs_ssh
def test_signatures_without_allowed_signers_are_not_verified(signed_isac: dict[str, Any]) -> None:
    repo: Path = signed_isac["repo"]
    write(repo, "isaccheck.yaml", "{}\n")
    why = question(check_json(repo), "WOW-1.1")["evidence"][0]["why"]
    assert "verified" not in why.replace("not verified", "")
    assert "Alpha: declared, signed with a key not in allowed_signers" in why


@needs_ssh
def test_allowed_signers_missing_is_a_usage_error(signed_isac: dict[str, Any]) -> None:
    repo: Path = signed_isac["repo"]
    write(repo, "isaccheck.yaml", "allowed_signers: governance/nope\n")
    result = run(repo, "check", code=2)
    assert "isaccheck.yaml:1" in result.output and "does not exist" in result.output


@needs_ssh
def test_signatures_without_git_are_declared(signed_isac: dict[str, Any]) -> None:
    data = check_json(signed_isac["repo"], "--no-git")
    assert any("point at a git commit or tag" in w for w in data["warnings"])
    assert not [f for f in data["findings"] if f["code"].startswith("signature-")]
    assert "Beta has not signed" not in " ".join(question(data, "WOW-1.1")["missing"])


@needs_ssh
def test_one_signer_does_not_verify_other_organisations(signed_isac: dict[str, Any]) -> None:
    """Issue 15.13: Alice's signed commit named by Beta's and Delta's entries too; a signed_on that lies."""
    repo: Path = signed_isac["repo"]
    alpha = signed_isac["alpha"]
    lines = "".join(f"- {{organisation: {org}, signed_by: {org} Rep, signed_on: {day}, commit: {alpha}}}\n"
                    for org, day in (("Alpha", "2021-01-10"), ("Beta", "2021-01-10"), ("Delta", "2021-01-10")))
    write(repo, "governance/guidelines.md",
          "---\ntype: membership-guidelines\ntitle: Guidelines\ndate: 2021-01-09\ntlp: GREEN\n"
          f"signing_required: true\nsignatures:\n{lines}---\n# Guidelines\n")
    why = question(check_json(repo), "WOW-1.1")["evidence"][0]["why"]
    assert "Alpha: verified" in why and "Beta: bad signature" in why and "Delta: bad signature" in why
    write(repo, "governance/guidelines.md",
          "---\ntype: membership-guidelines\ntitle: Guidelines\ndate: 2021-01-09\ntlp: GREEN\n"
          f"signing_required: true\nsignatures:\n- {{organisation: Alpha, signed_by: A, signed_on: 2020-03-01, "
          f"commit: {alpha}}}\n---\n# Guidelines\n")
    data = check_json(repo)
    assert "Alpha: bad signature" in question(data, "WOW-1.1")["evidence"][0]["why"]
    assert any("made on 2021-01-10, but signed_on says 2020-03-01" in f["message"] for f in data["findings"])


@needs_ssh
def test_allowed_signers_come_from_the_base_branch_with_policy_from(signed_isac: dict[str, Any], tmp_path: Path) -> None:
    """A pull request that adds its own key to allowed_signers and signs its own entry must not verify."""
    repo: Path = signed_isac["repo"]
    git(repo, "checkout", "-q", "-b", "pull-request")
    mallory = (tmp_path / "keys" / "mallory.pub").read_text().strip()
    signers = (repo / "governance" / "allowed_signers").read_text()
    write(repo, "governance/allowed_signers", signers + f"# organisation: Gamma\nmallory@evil.example {mallory}\n")
    commit(repo, "2021-01-21T10:00:00Z", "add my key")
    assert "Gamma: verified" in question(check_json(repo), "WOW-1.1")["evidence"][0]["why"]  # the PR's own file
    why = question(check_json(repo, "--policy-from", "main"), "WOW-1.1")["evidence"][0]["why"]
    assert "Gamma: declared, signed with a key not in allowed_signers" in why and "Alpha: verified" in why


def test_commit_before_adoption_uses_todays_settings(tmp_path: Path) -> None:
    """An archive committed years before isac.yaml and isaccheck.yaml were added (issue 10)."""
    repo = new_repo(tmp_path, "archive")
    write(repo, "notulen/2024-03-12 notulen.md", "# Notulen\n\nDatum: 12 maart 2024\n\nTLP:GREEN\n\nAanwezig: Alpha, Beta\n")
    commit(repo, "2024-03-20T10:00:00Z", "archive")
    commit(repo, "2025-06-01T10:00:00Z", "adopt", isac__yaml=PROFILE,
           isaccheck__yaml="types:\n  - {glob: 'notulen/*.md', type: minutes}\n")
    data = check_json(repo, "--as-of", "2024-12-31")
    assert data["summary"]["documents"] == 1
    assert any("isac.yaml and isaccheck.yaml not in commit" in w and "today's used" in w for w in data["warnings"])
    assert not any(f["code"] == "backfilled" for f in data["findings"])


def test_report_takes_the_git_options(tmp_path: Path) -> None:
    repo = new_repo(tmp_path, "r")
    commit(repo, "2026-01-05T10:00:00Z", "profile", isac__yaml=PROFILE)
    write(repo, "uncommitted.md", "---\ntype: charter\npurpose: x\ntlp: CLEAR\n---\n")
    args = ["report", "-o", "-", str(repo), "--year", "2026", "--as-of", "2026-06-30", "--format", "md"]
    committed = CliRunner().invoke(cli, [*args, "--committed-only"])
    working = CliRunner().invoke(cli, [*args, "--no-git"])
    assert committed.exit_code == 0 and working.exit_code == 0, committed.output + working.output
    assert "uncommitted.md" not in committed.output and "uncommitted.md" in working.output
    refused = CliRunner().invoke(cli, [*args, "--committed-only", "--no-git"])
    assert refused.exit_code == 2 and "--committed-only needs git" in refused.output
