"""The integrations: the composite action, the example workflow, the pre-commit hook, and the
end-to-end run of the example workflow's commands in a temporary git repository."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from isaccheck.scaffold import WORKFLOW_TARGET, workflow_text

ROOT = Path(__file__).resolve().parent.parent
GITHUB_ACTIONS_SCHEMA_SHA256 = "224326cc5a334bdb97b56b6fc320cd4381ba7d61b477b425ed506e6a420b52ba"  # check-jsonschema 0.39.0
GITHUB_WORKFLOWS_SCHEMA_SHA256 = "d10c9f4656e1bd5bc6727e9b35080e017dc167154726fca93da33c7a6bd1c4f3"


def vendored_schema(name: str, sha256: str) -> dict[str, Any]:
    data = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256, f"check-jsonschema's {name} schema changed; re-pin"
    return json.loads(data)


def validate(document: Any, schema: dict[str, Any]) -> list[str]:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    return [f"{list(e.path)}: {e.message}" for e in cls(schema).iter_errors(document)]


def load_action() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


# -- action.yml --------------------------------------------------------------------------------

def test_action_passes_the_github_actions_schema() -> None:
    assert validate(load_action(), vendored_schema("github-actions", GITHUB_ACTIONS_SCHEMA_SHA256)) == []


def test_action_inputs_and_install() -> None:
    action = load_action()
    assert set(action["inputs"]) >= {"path", "gate", "format", "upload-sarif"}
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    install = next(s for s in steps if s.get("id") == "install")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '-m venv "$venv"' in install["run"] and '"$ACTION_PATH"' in install["run"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)


def test_action_never_pastes_expressions_into_scripts() -> None:
    for step in load_action()["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
            for key, value in step.get("env", {}).items():
                assert re.fullmatch(r"\$\{\{ [\w.-]+ \}\}", value), (key, value)


def _fake_isaccheck(tmp_path: Path) -> Path:
    """A stand-in that records its arguments, to see exactly what the action's script passes."""
    fake = tmp_path / "fake-isaccheck"
    fake.write_text(f"#!{sys.executable}\nimport json, sys\n"
                    f"open({str(tmp_path / 'args.json')!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return fake


def test_action_script_passes_hostile_inputs_as_plain_arguments(tmp_path: Path) -> None:
    step = next(s for s in load_action()["runs"]["steps"] if s.get("id") == "check")
    hostile = 'ambition"; touch pwned; echo "$(touch pwned2)'
    env = {**os.environ, "ISACCHECK": str(_fake_isaccheck(tmp_path)), "INPUT_PATH": "isac dir",
           "INPUT_GATE": hostile, "INPUT_FAIL_ON": "", "INPUT_FORMAT": "github", "INPUT_OUTPUT": "",
           "INPUT_LANG": "nl"}
    subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, check=True)
    args = json.loads((tmp_path / "args.json").read_text())
    assert args == ["check", "isac dir", "--format", "github", "--gate", hostile, "--lang", "nl"]
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


def test_action_sarif_step_writes_no_gate(tmp_path: Path) -> None:
    step = next(s for s in load_action()["runs"]["steps"] if s.get("id") == "sarif")
    out = tmp_path / "github_output"
    env = {**os.environ, "ISACCHECK": str(_fake_isaccheck(tmp_path)), "INPUT_PATH": ".", "INPUT_LANG": "",
           "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(out)}
    subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, check=True)
    args = json.loads((tmp_path / "args.json").read_text())
    assert args[:4] == ["check", ".", "--format", "sarif"] and "--gate" in args and "never" in args
    assert out.read_text().strip() == f"file={tmp_path / 'isaccheck.sarif'}"


# -- the example workflow ----------------------------------------------------------------------

def test_example_workflow_passes_the_workflow_schema_and_is_in_the_docs() -> None:
    workflow = yaml.safe_load(workflow_text())
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true; GitHub reads YAML 1.2
    assert validate(workflow, vendored_schema("github-workflows", GITHUB_WORKFLOWS_SCHEMA_SHA256)) == []
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert workflow_text().strip() in docs


# -- pre-commit --------------------------------------------------------------------------------

def test_pre_commit_manifest_is_valid() -> None:
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    # --skip-outside: the hook sees every changed file of a larger repository, and skips (naming
    # them) those in no ISAC repository instead of failing the commit (tests/test_validate_init.py).
    assert hook["entry"] == "isaccheck validate --skip-outside" and hook.get("pass_filenames", True)
    assert re.search(hook["files"], "meetings/2026-03-12/minutes.md") and re.search(hook["files"], "a.pdf.meta.yaml")
    assert not re.search(hook["files"], "report.pdf")


# -- end to end: the example workflow's commands in a git repository --------------------------

def _shim(bin_dir: Path) -> dict[str, str]:
    """`isaccheck` on PATH runs this source tree."""
    bin_dir.mkdir()
    shim = bin_dir / "isaccheck"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m isaccheck "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


def _run_workflow(repo: Path, env: dict[str, str], tmp: Path) -> tuple[int, str, str]:
    """Check out HEAD afresh (as actions/checkout does) and run the workflow's run: steps."""
    workflow = yaml.safe_load((repo / WORKFLOW_TARGET).read_text(encoding="utf-8"))
    checkout = tmp / f"checkout-{_git(repo, 'rev-parse', '--short', 'HEAD').strip()}"
    _git(tmp, "clone", "-q", str(repo), str(checkout))
    summary = tmp / "summary.md"
    summary.write_text("")
    step_env = {**env, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true", "CI": "true"}
    out = ""
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" not in step or step.get("id") == "install":  # installing: the shim stands in
                continue
            # ${{ runner.temp }} as the runner gives it (the cache's folder: restored, then saved, by actions/cache).
            given = {k: v.replace("${{ runner.temp }}", str(tmp / "runner-temp")) for k, v in step.get("env", {}).items()}
            done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=checkout, capture_output=True, text=True,
                                  env={**step_env, **given})
            out += done.stdout + done.stderr
            if done.returncode:
                return done.returncode, out, summary.read_text()
    return 0, out, summary.read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_example_workflow_end_to_end(tmp_path: Path) -> None:
    env = _shim(tmp_path / "bin")
    repo = tmp_path / "isac"
    init = subprocess.run(["isaccheck", "init", str(repo), "--lang", "en", "--name", "E2E-ISAC",
                           "--action-ref", "https://example.org/isaccheck.git"], env=env,
                          capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    day = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    minutes = repo / "meetings" / day / "minutes.md"
    minutes.parent.mkdir(parents=True)
    good = (f"---\ntype: minutes\ntitle: First meeting\ndate: {day}\ntlp: AMBER\nattendees: []\n"
            f"items: [Opening]\n---\n# Minutes\n\nTLP:AMBER\n")
    minutes.write_text(good)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "New ISAC repository")
    code, out, summary = _run_workflow(repo, env, tmp_path)
    assert code == 0, out
    assert "isaccheck: gate passed" in out and "## isaccheck: E2E-ISAC" in summary
    # The check wrote isaccheck's cache where actions/cache saves it from (and not in the checkout).
    cache = tmp_path / "runner-temp" / "isaccheck-cache"
    assert list((cache / "load").glob("*.marshal"))

    broken = good.replace("tlp: AMBER\n", "tlp: PURPLE\n")  # line 5 of the file
    minutes.write_text(broken)
    _git(repo, "commit", "-q", "-am", "Minutes with a label that does not exist")
    code, out, summary = _run_workflow(repo, env, tmp_path)
    assert code == 1, out
    rel = f"meetings/{day}/minutes.md"
    assert f"::error file={rel},line=5,title=isaccheck%3A tlp-invalid::" in out
    assert f"isaccheck: gate: {rel}:5:" in out and "gate failed" in summary

    minutes.write_text(good)
    _git(repo, "commit", "-q", "-am", "Fix the label")
    code, out, _ = _run_workflow(repo, env, tmp_path)
    assert code == 0, out
