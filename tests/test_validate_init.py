"""`isaccheck validate` (selected files, fast) and `isaccheck init` (a new repository, both languages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from isaccheck.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, cli
from isaccheck.scaffold import WORKFLOW_TARGET, planned_files

from .conftest import AS_OF, snapshot

GOOD = "---\ntype: minutes\ndate: 2026-03-12\ntlp: AMBER\nattendees: [Alpha]\n---\n# Minutes\n"
NO_LABEL = "---\ntype: minutes\ndate: 2026-03-12\nattendees: [Alpha]\n---\n# Minutes\n"
BAD_DATE = "---\ntype: agenda\ndate: 2026-13-45\ntlp: AMBER\n---\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- validate ----------------------------------------------------------------------------------

@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo({"meetings/a/minutes.md": GOOD, "meetings/b/minutes.md": NO_LABEL,
                      "meetings/b/agenda.md": BAD_DATE, "notes/readme.md": "# not a document\n",
                      "plans/plan.pdf": b"%PDF-1.4", "plans/plan.pdf.meta.yaml": "type: annual-plan\nyear: soon\n"})


def test_only_the_given_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    ok = invoke("validate", "meetings/a/minutes.md", "notes/readme.md")
    assert ok.exit_code == EXIT_OK and ok.stdout == ""
    assert "validated 1 file: 0 errors" in ok.stderr
    assert "skipped notes/readme.md: not an ISAC document" in ok.stderr  # named, never dropped silently
    profile = invoke("validate", "isac.yaml", "meetings/a/minutes.md")
    assert "validated 2 files" in profile.stderr and "skipped" not in profile.stderr
    bad = invoke("validate", "meetings/b/minutes.md")
    assert bad.exit_code == EXIT_FINDINGS
    assert bad.stdout.startswith("meetings/b/minutes.md:") and "[tlp-missing]" in bad.stdout
    assert "agenda" not in bad.stdout


def test_whole_repository_without_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "meetings")
    result = invoke("validate")
    assert result.exit_code == EXIT_FINDINGS
    paths = {line.split(":")[0] for line in result.stdout.splitlines()}
    # paths as seen from the current folder (meetings/), and from above it in full
    assert {"b/minutes.md", "b/agenda.md"} <= paths and any(p.endswith("plans/plan.pdf.meta.yaml") for p in paths)


def test_sidecar_and_described_file_go_together(repo: Path) -> None:
    for name in ("plans/plan.pdf", "plans/plan.pdf.meta.yaml"):
        result = invoke("validate", str(repo / name))
        assert result.exit_code == EXIT_FINDINGS and "plan.pdf.meta.yaml:2: error:" in result.stdout, result.output


def test_root_is_found_from_a_subfolder_and_lines_are_exact(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "meetings" / "b")
    result = invoke("validate", "agenda.md")
    assert result.exit_code == EXIT_FINDINGS
    label, finding = result.stdout.splitlines()
    assert label.startswith("TLP:AMBER: ")
    assert re.match(r"agenda\.md:3: error: .*\[schema\]", finding), result.stdout


def test_json_and_github_output(repo: Path) -> None:
    data = json.loads(invoke("validate", str(repo / "meetings/b/agenda.md"), "--format", "json").stdout)
    assert data["files"] == ["meetings/b/agenda.md"] and data["findings"][0]["code"] == "schema"
    github = invoke("validate", str(repo / "meetings/b/agenda.md"), "--format", "github").stdout
    label, annotation = github.splitlines()
    assert label.startswith("::notice title=TLP::TLP:AMBER")
    assert annotation.startswith("::error file=") and ",line=3,title=isaccheck%3A schema::" in annotation


def test_json_output_has_a_schema_version_and_no_absolute_path(repo: Path) -> None:
    from isaccheck.schemas import validator_for

    result = invoke("validate", str(repo / "meetings/b/agenda.md"), str(repo / "notes/readme.md"), "--format", "json")
    data = json.loads(result.stdout)
    assert not list(validator_for("validate").iter_errors(data))
    assert data["schema_version"] == "1.0" and "root" not in data
    assert data["skipped"] == [{"path": "notes/readme.md", "reason": "not-a-document"}]
    assert str(repo) not in result.stdout and str(repo.resolve()) not in result.stdout


def test_skip_outside_is_for_hooks(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hook gets every changed file of a larger repository: files in no ISAC repository are skipped and named."""
    top = tmp_path / "top"
    top.mkdir()
    (top / "README.md").write_text("# the larger repository\n")
    (top / "mkdocs.yml").write_text("site_name: x\n")
    monkeypatch.chdir(top)
    plain = invoke("validate", "README.md")
    assert plain.exit_code == EXIT_USAGE  # by hand, a file outside is a mistake worth an error
    alone = invoke("validate", "--skip-outside", "README.md", "mkdocs.yml")
    assert alone.exit_code == EXIT_OK and "skipped README.md: in no ISAC repository" in alone.stderr
    assert "skipped mkdocs.yml" in alone.stderr
    mixed = invoke("validate", "--skip-outside", "--format", "json", "README.md", str(repo / "meetings/b/minutes.md"))
    assert mixed.exit_code == EXIT_FINDINGS
    data = json.loads(mixed.stdout)
    assert data["files"] == ["meetings/b/minutes.md"] and data["findings"][0]["code"] == "tlp-missing"
    assert data["skipped"] == [{"path": "README.md", "reason": "outside-repository"}]


def test_fail_on(repo: Path) -> None:
    assert invoke("validate", str(repo / "meetings/b/agenda.md"), "--fail-on", "never").exit_code == EXIT_OK


def test_usage_errors(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(GOOD)
    result = invoke("validate", "--root", str(repo), str(outside))
    assert result.exit_code == EXIT_USAGE and "outside the ISAC repository" in result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "m.md").write_text(GOOD)
    result = invoke("validate", str(elsewhere / "m.md"))
    assert result.exit_code == EXIT_USAGE and "no isac.yaml" in result.stderr
    result = invoke("validate", str(repo / "missing.md"))
    assert result.exit_code == EXIT_USAGE and "does not exist" in result.stderr


def test_profile_findings_only_when_isac_yaml_is_given(make_repo) -> None:
    root = make_repo({"m.md": GOOD}, profile="isac:\n  name: X\n  language: fr\n")
    assert invoke("validate", str(root / "m.md")).exit_code == EXIT_OK
    result = invoke("validate", str(root / "isac.yaml"))
    assert result.exit_code == EXIT_FINDINGS and "isac.yaml:3" in result.stdout


# -- init --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "nl"])
def test_init_then_validate_and_check(tmp_path: Path, lang: str) -> None:
    target = tmp_path / "new-isac"
    result = invoke("init", str(target), "--lang", lang, "--action-ref", "owner/isaccheck@v1")
    assert result.exit_code == EXIT_OK, result.output
    written = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert written == set(planned_files(lang, "x")) and WORKFLOW_TARGET in written
    profile = yaml.safe_load((target / "isac.yaml").read_text())
    assert profile["isac"]["name"] == "new-isac" and profile["isac"]["language"] == lang
    types = set()
    for path in target.rglob("*.md"):
        text = path.read_text()
        if text.startswith("---"):
            meta = yaml.safe_load(text.split("---")[1])
            types.add(meta["type"])
            assert meta.get("status") == "draft", path  # placeholders never count as evidence
    assert types == {"membership-guidelines", "agenda", "minutes", "annual-plan", "evaluation", "self-assessment"}

    validated = invoke("validate", "--root", str(target))
    assert validated.exit_code == EXIT_OK and validated.stdout == "", validated.output
    checked = invoke("check", str(target), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert checked.exit_code == EXIT_OK, checked.output
    data = json.loads(checked.stdout)
    assert data["findings"] == [] and data["language"] == lang
    assert [c["level"] for c in data["capabilities"]] == [0, 0, 0, 0, 0]
    assert [step["to_level"] for step in data["plan"]] and all(s["to_level"] == 1 for s in data["plan"])
    assert all(q["advice"] for step in data["plan"] for q in step["questions"])
    text = invoke("check", str(target), "--as-of", AS_OF.isoformat()).stdout
    assert ("Development plan" if lang == "en" else "Ontwikkelplan") in text


def test_init_refuses_to_overwrite_anything(tmp_path: Path) -> None:
    target = tmp_path / "isac"
    (target / "governance").mkdir(parents=True)
    (target / "governance" / "membership-guidelines.md").write_text("mine\n")
    before = snapshot(target)
    result = invoke("init", str(target), "--lang", "en")
    assert result.exit_code == EXIT_USAGE
    assert "governance/membership-guidelines.md already exists" in result.stderr
    assert snapshot(target) == before


def test_init_into_the_current_folder_and_a_name_with_yaml_characters(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = 'Port: "ISAC" # 2 & <more>'
    assert invoke("init", "--lang", "nl", "--name", name).exit_code == EXIT_OK
    assert yaml.safe_load((tmp_path / "isac.yaml").read_text())["isac"]["name"] == name
    assert name in (tmp_path / "README.md").read_text()
    assert invoke("init", "--lang", "nl").exit_code == EXIT_USAGE


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("")
    assert invoke("init", str(file)).exit_code == EXIT_USAGE
