"""A real wheel carries the rule pack, the schemas and the templates inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("isaccheck-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_has_the_rule_pack(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    rules = sorted(n for n in names if n.startswith("isaccheck/ncsc_rules/") and n.count("/") == 3 and n.endswith(".yaml"))
    assert len(rules) == 56
    assert {"isaccheck/ncsc_rules/pack.yaml", "isaccheck/ncsc_rules/capabilities.yaml"} <= names


def test_wheel_has_schemas_and_templates(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    documents = [n for n in names if n.startswith("isaccheck/schemas/documents/") and n.endswith(".schema.json")]
    assert len(documents) == 22
    for name in ("isac", "config", "common", "rule", "output"):
        assert f"isaccheck/schemas/{name}.schema.json" in names
    assert "isaccheck/schemas/sections.json" in names
    assert any(n.startswith("isaccheck/templates/report/") for n in names)


def test_wheel_has_the_init_templates_and_workflow(wheel: zipfile.ZipFile) -> None:
    from isaccheck.scaffold import WORKFLOW_TARGET, planned_files

    names = set(wheel.namelist())
    assert "isaccheck/templates/workflow/isaccheck.yml" in names
    for lang in ("nl", "en"):
        for rel in planned_files(lang, "x"):
            if rel != WORKFLOW_TARGET:
                assert f"isaccheck/templates/init/{lang}/{rel}" in names, rel


def test_wheel_has_the_console_script(wheel: zipfile.ZipFile) -> None:
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "isaccheck = isaccheck.cli:main" in wheel.read(entry_points).decode()


def test_wheel_has_every_subpackage(wheel: zipfile.ZipFile) -> None:
    """A package list in pyproject.toml that lost one in a merge (isaccheck.infer once) breaks installs."""
    names = set(wheel.namelist())
    for init in sorted((ROOT / "isaccheck").glob("*/__init__.py")):
        rel = init.relative_to(ROOT).as_posix()
        assert rel in names, f"{rel} is not in the wheel: add it to [tool.setuptools] packages"
