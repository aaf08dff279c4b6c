"""The built distributions, checked with the tools the package index and its users run.

One build (wheel and sdist, hatchling, no build isolation: the test extra carries the backend) per
session; each test then reads what was built. docs/release.md explains the choices.
"""

from __future__ import annotations

import email
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from pathlib import Path

import pytest

import isaccheck

ROOT = Path(__file__).resolve().parent.parent
REPO_URL = "https://github.com/isaccheck/isaccheck"
IN_TREE_LEFTOVERS = ("build", "isaccheck.egg-info", "dist")


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    before = {name: (ROOT / name).exists() for name in IN_TREE_LEFTOVERS}
    result = _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # Out-of-tree build: nothing new in the checkout (setuptools left build/ and *.egg-info here).
    assert {name: (ROOT / name).exists() for name in IN_TREE_LEFTOVERS} == before
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> zipfile.ZipFile:
    (built,) = dist.glob("isaccheck-*.whl")
    return zipfile.ZipFile(built)


@pytest.fixture(scope="module")
def sdist(dist: Path) -> Path:
    (built,) = dist.glob("isaccheck-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def metadata(wheel: zipfile.ZipFile) -> Message:
    name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    return email.message_from_bytes(wheel.read(name))


def test_pip_builds_out_of_tree(tmp_path: Path) -> None:
    """`pip install .` / `pip wheel .` leave no build/ or *.egg-info in the checkout (setuptools did)."""
    before = {name: (ROOT / name).exists() for name in IN_TREE_LEFTOVERS}
    result = _run(sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                  "-w", str(tmp_path))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert {name: (ROOT / name).exists() for name in IN_TREE_LEFTOVERS} == before
    assert not list(ROOT.glob("*.egg-info"))


def test_wheel_has_the_rule_pack(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    rules = sorted(n for n in names if n.startswith("isaccheck/ncsc_rules/") and n.count("/") == 3 and n.endswith(".yaml"))
    assert len(rules) == 56
    assert {"isaccheck/ncsc_rules/pack.yaml", "isaccheck/ncsc_rules/capabilities.yaml"} <= names


def test_wheel_has_schemas_and_templates(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    documents = [n for n in names if n.startswith("isaccheck/schemas/documents/") and n.endswith(".schema.json")]
    assert len(documents) == 22
    for name in ("isac", "config", "common", "rule", "output", "validate", "tlp", "history", "adopt"):  # every JSON output
        assert f"isaccheck/schemas/{name}.schema.json" in names
    assert "isaccheck/schemas/sections.json" in names
    for template in sorted((ROOT / "isaccheck" / "templates" / "report").glob("*.j2")):
        assert f"isaccheck/templates/report/{template.name}" in names


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


def test_wheel_is_typed_and_carries_the_licence(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "isaccheck/py.typed" in names  # users' mypy --strict: no import-untyped
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(licence) == (ROOT / "LICENSE").read_bytes()
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_metadata(metadata: Message) -> None:
    assert metadata["Version"] == isaccheck.__version__  # one version source: __init__.py
    assert metadata["License-Expression"] == "EUPL-1.2"
    assert metadata["License-File"] == "LICENSE"
    classifiers = metadata.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers and "Programming Language :: Python :: 3.11" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # PEP 639: the expression says it
    assert "isac" in (metadata["Keywords"] or "").split(",")
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL") or [])
    assert set(urls) >= {"Documentation", "Source", "Issues", "Changelog"}
    requires = metadata.get_all("Requires-Dist") or []
    for needed in ("jsonschema", "markupsafe", "rich"):
        assert any(r.startswith(needed) for r in requires), needed
    # The validators are generated ahead of time (tools/compile_schemas.py): no run needs these.
    runtime = [r for r in requires if "extra ==" not in r]
    for not_needed in ("fastjsonschema", "referencing"):
        assert not any(r.startswith(not_needed) for r in runtime), not_needed


def test_twine_and_check_wheel_contents_accept_the_build(dist: Path) -> None:
    built = sorted(str(p) for p in dist.iterdir())
    twine = _run(sys.executable, "-m", "twine", "check", "--strict", *built)
    assert twine.returncode == 0, twine.stdout + twine.stderr
    (whl,) = [b for b in built if b.endswith(".whl")]
    contents = _run(sys.executable, "-m", "check_wheel_contents", whl)
    assert contents.returncode == 0, contents.stdout + contents.stderr


def test_pyproject_is_valid() -> None:
    result = _run(sys.executable, "-m", "validate_pyproject", "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_declared_dependencies_match_imports() -> None:
    """deptry: every third-party import of the package is declared, nothing declared goes unused."""
    deptry = shutil.which("deptry", path=str(Path(sys.executable).parent))
    assert deptry, "deptry is part of the test extra"
    result = _run(deptry, ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sdist_ships_a_runnable_suite(sdist: Path, tmp_path: Path) -> None:
    """The sdist is the source: unpacked, its whole suite collects and a part of it passes there."""
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    (top,) = tmp_path.iterdir()
    for needed in ("LICENSE", "CHANGELOG.md", "tests/conftest.py", "tests/golden", "rules/pack.yaml",
                   "evidence-examples/haven-isac", "docs/cli.md"):
        assert (top / needed).exists(), needed
    collect = _run(sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", cwd=top)
    assert collect.returncode == 0, collect.stdout[-3000:] + collect.stderr[-3000:]
    counted = re.search(r"(\d+) tests? collected", collect.stdout)
    assert counted and int(counted.group(1)) > 1000, collect.stdout[-500:]
    run = _run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_rulepack.py",
               "tests/test_examples.py", "-k", "golden", cwd=top)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_readme_links_are_absolute_and_lead_to_files() -> None:
    """README.md is the package page: a relative link there leads nowhere."""
    readme = (ROOT / "README.md").read_text("utf-8")
    links = re.findall(r"\]\(([^)]+)\)", readme)
    assert links
    for link in links:
        assert link.startswith("https://"), link
        if link.startswith(f"{REPO_URL}/blob/main/"):
            assert (ROOT / link.removeprefix(f"{REPO_URL}/blob/main/").split("#")[0]).exists(), link


def test_wheel_has_every_subpackage(wheel: zipfile.ZipFile) -> None:
    """A package list in pyproject.toml that lost one in a merge (isaccheck.infer once) breaks installs."""
    names = set(wheel.namelist())
    for init in sorted((ROOT / "isaccheck").glob("*/__init__.py")):
        rel = init.relative_to(ROOT).as_posix()
        assert rel in names, f"{rel} is not in the wheel: hatch packages every subpackage of isaccheck/; check [tool.hatch.build]"
