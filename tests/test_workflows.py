"""GitHub Actions files: pinned by commit SHA with the version in a comment, least privilege,
no persisted checkout credentials, current major versions, and zizmor (offline) finds nothing.

Covers isaccheck's own workflows, the composite action, the workflow `isaccheck init` writes and
the workflow snippets in docs/ci.md (people copy those). The workflows also pass SchemaStore's
workflow schema here; actionlint runs in CI's lint job (its Python wrapper downloads the binary at
install time, which cannot happen offline).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
TEMPLATE_NAME = "isaccheck init's workflow"


def _template_text() -> str:
    """The workflow `isaccheck init` writes, as written (the template may hold placeholders)."""
    from isaccheck.scaffold import workflow_text

    return workflow_text()


def _files() -> list[tuple[str, str]]:
    """(name, text) of every Actions file checked here."""
    files = [(p.relative_to(ROOT).as_posix(), p.read_text("utf-8")) for p in (*WORKFLOWS, ACTION)]
    return [*files, (TEMPLATE_NAME, _template_text())]


NAMES = [name for name, _ in _files()]
# The current major of each action used (node24 runtimes; older majors warn of node20's end).
CURRENT_MAJOR = {"actions/cache": 5, "actions/checkout": 6, "actions/setup-python": 6, "actions/upload-artifact": 5,
                 "actions/download-artifact": 6, "github/codeql-action": 4, "pypa/gh-action-pypi-publish": 1}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+)(?:/[\w./-]+)?@(?P<sha>[0-9a-f]{40})$")
VERSION_COMMENT = re.compile(r"^\s+# v(?P<major>\d+)\.\d+\.\d+$")


def _docs_yaml_blocks() -> list[str]:
    text = (ROOT / "docs" / "ci.md").read_text("utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)


def _uses_lines() -> Iterator[tuple[str, str, str]]:
    for name, text in _files():
        for ref, rest in USES.findall(text):
            yield name, ref, rest
    for n, block in enumerate(_docs_yaml_blocks()):
        for ref, rest in USES.findall(block):
            yield f"docs/ci.md block {n + 1}", ref, rest


def _steps(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "runs" in data:
        yield from data["runs"].get("steps", [])
    for job in data.get("jobs", {}).values():
        yield from job.get("steps", [])


def test_every_action_is_pinned_by_sha_with_a_current_version_comment() -> None:
    seen = 0
    for where, ref, rest in _uses_lines():
        if ref.startswith(("<owner>/isaccheck@", "OWNER/isaccheck@")):  # placeholders: the user chooses the ref
            continue
        seen += 1
        pinned = PINNED.match(ref)
        assert pinned, f"{where}: {ref} is not pinned by a full commit SHA"
        comment = VERSION_COMMENT.match(rest)
        assert comment, f"{where}: {ref} has no '# vX.Y.Z' comment"
        action = pinned.group("action")
        assert action in CURRENT_MAJOR, f"{where}: {action} is not a reviewed action"
        assert int(comment.group("major")) == CURRENT_MAJOR[action], f"{where}: {ref} is not the current major"
    assert seen >= 10


def test_one_sha_per_action_everywhere() -> None:
    """The same action at the same commit in every file (an update touches all of them)."""
    shas: dict[str, set[str]] = {}
    for _where, ref, _rest in _uses_lines():
        pinned = PINNED.match(ref)
        if pinned:
            shas.setdefault(ref.split("@")[0], set()).add(pinned.group("sha"))
    assert all(len(s) == 1 for s in shas.values()), shas


@pytest.mark.parametrize("name", [n for n in NAMES if n != "action.yml"])
def test_workflow_permissions_are_least_privilege(name: str) -> None:
    data = yaml.safe_load(dict(_files())[name])
    # Every workflow states its permissions at the top; a job that needs more says so itself.
    assert "permissions" in data, f"{name}: no top-level permissions"
    assert data["permissions"] in ({}, {"contents": "read"}), data["permissions"]
    for name, job in data["jobs"].items():
        granted = job.get("permissions", {})
        writes = {k for k, v in granted.items() if v == "write"}
        assert writes <= {"id-token"}, f"{name} writes {writes}"
        if writes:
            # Only the publishing job gets an OIDC token, and it runs no code from the checkout.
            assert all("run" not in s and "checkout" not in s.get("uses", "") for s in job["steps"]), name


@pytest.mark.parametrize("name", NAMES)
def test_checkout_does_not_persist_credentials(name: str) -> None:
    data = yaml.safe_load(dict(_files())[name])
    for step in _steps(data):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, name


def test_docs_checkout_does_not_persist_credentials() -> None:
    for block in _docs_yaml_blocks():
        for match in re.finditer(r"uses: actions/checkout@.*\n((?:\s+.*\n)*)", block):
            assert "persist-credentials: false" in match.group(1), block


def _zizmor() -> str:
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if found is None:
        pytest.fail("zizmor is part of the test extra (pip install '.[test]')")
    return found


def test_zizmor_finds_nothing(tmp_path: Path) -> None:
    from isaccheck.scaffold import workflow_text

    # The action reference is the user's choice (`init --action-ref`); pinned, as docs/ci.md advises.
    template = tmp_path / "isaccheck.yml"
    template.write_text(workflow_text("OWNER/isaccheck@" + "0" * 40), encoding="utf-8")
    paths = [str(p) for p in (*WORKFLOWS, ACTION, template)]
    result = subprocess.run([_zizmor(), "--offline", "--no-progress", "--format", "plain", *paths], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_zizmor_catches_an_unpinned_action(tmp_path: Path) -> None:
    """The check above is live: zizmor fails on what this file forbids."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("name: bad\non: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/checkout@v4\n", encoding="utf-8")
    result = subprocess.run([_zizmor(), "--offline", "--no-progress", str(bad)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "artipacked" in result.stdout + result.stderr or "unpinned" in result.stdout + result.stderr


def test_release_workflow_builds_once_tests_the_wheel_and_publishes_with_trusted_publishing() -> None:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text("utf-8"))
    assert data[True] == {"release": {"types": ["published"]}}  # YAML 1.1 reads `on` as true
    jobs = data["jobs"]
    assert jobs["test-wheel"]["needs"] == "build" and set(jobs["publish"]["needs"]) == {"build", "test-wheel"}
    build = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    assert "python -m build" in build and "twine check --strict" in build and "check-wheel-contents" in build
    test = "\n".join(s.get("run", "") for s in jobs["test-wheel"]["steps"])
    assert 'pip install "${wheel}[test,pdf]"' in test and "ln -s" in test and "python -m pytest" in test
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"} and publish["environment"]["name"] == "pypi"
    (step,) = [s for s in publish["steps"] if s["uses"].startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in step  # no password or token: trusted publishing (OIDC)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_pass_the_github_workflow_schema(path: Path) -> None:
    """SchemaStore's GitHub workflow schema (vendored in check-jsonschema): the offline part of actionlint's checks."""
    from .test_ci_integrations import GITHUB_WORKFLOWS_SCHEMA_SHA256, validate, vendored_schema

    data = yaml.safe_load(path.read_text("utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true; GitHub reads YAML 1.2
    assert validate(data, vendored_schema("github-workflows", GITHUB_WORKFLOWS_SCHEMA_SHA256)) == []


@pytest.mark.parametrize("ref", ["OWNER/isaccheck@v0.1.0", "https://example.org/isaccheck.git"])
def test_init_workflow_restores_and_saves_isacchecks_cache(ref: str) -> None:
    """The cache restored before the check is the folder the check uses (ISACCHECK_CACHE_DIR, set
    explicitly), saved after it under the same key, also when the gate failed (docs/ci.md)."""
    from isaccheck.scaffold import workflow_text

    steps = list(_steps(yaml.safe_load(workflow_text(ref))))
    names = [s.get("name", s.get("uses", "")) for s in steps]
    restore, check, save = (names.index(n) for n in ("Restore isaccheck's cache", "Check the ISAC documents",
                                                      "Save isaccheck's cache"))
    assert restore < check < save
    assert steps[restore]["uses"].startswith("actions/cache/restore@")
    assert steps[save]["uses"].startswith("actions/cache/save@")
    folder = steps[check]["env"]["ISACCHECK_CACHE_DIR"]
    assert folder == steps[restore]["with"]["path"] == steps[save]["with"]["path"] == "${{ runner.temp }}/isaccheck-cache"
    assert steps[restore]["with"]["key"] == steps[save]["with"]["key"]
    assert steps[restore]["with"]["key"].startswith(steps[restore]["with"]["restore-keys"])
    assert steps[save]["if"] == "${{ !cancelled() }}"
