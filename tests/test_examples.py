"""The example repositories in evidence-examples/: golden results, README claims, exit codes, read-only.

Each example's whole JSON result at 2026-11-28 is compared byte for byte with
tests/golden/<example>.<lang>.json. Regenerate the goldens after an intended change with

    UPDATE_GOLDEN=1 python -m pytest tests/test_examples.py

and review the diff (see tests/golden/README.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from isaccheck.cli import cli
from isaccheck.rulepack import load_builtin
from isaccheck.schemas import validator_for

from .conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "evidence-examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = "2026-11-28"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CAPABILITIES = ("STR", "WOW", "INF", "SIT", "ACT")

# example -> languages with a golden file
GOLDENS = {
    "haven-isac": ("en", "nl"),
    "water-isac": ("en",),
    "zorg-isac": ("en",),
    "polder-isac": ("nl",),
    "harbour-wg": ("en",),
}
# The archives without YAML (issue 10) are evaluated at the end of the last year they cover:
# at 2026-11-28 every window would be empty and the golden would show nothing that was inferred.
AS_OF_FOR = {"polder-isac": "2025-12-31", "harbour-wg": "2024-12-31"}


def as_of(name: str) -> str:
    return AS_OF_FOR.get(name, AS_OF)

NAMES = sorted(GOLDENS)

# A README row: "| STR Strategy and action plan | 3 | 3 |" (capability, level, ambition).
ROW = re.compile(r"^\|\s*(STR|WOW|INF|SIT|ACT)\b[^|]*\|\s*(\d)\s*\|\s*(\d|-)\s*\|\s*$", re.MULTILINE)
EXIT = re.compile(r"Expected exit code: \**(\d)\**")


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def check_json(name: str, lang: str = "en", root: Path = EXAMPLES) -> str:
    result = invoke("check", str(root / name), "--as-of", as_of(name), "--format", "json", "--lang", lang)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return str(result.output)


@cache
def parsed(name: str) -> dict[str, Any]:
    """The English JSON result, parsed (computed once per example for the read-only checks)."""
    data: dict[str, Any] = json.loads(check_json(name))
    return data


def readme(name: str) -> str:
    return (EXAMPLES / name / "README.md").read_text(encoding="utf-8")


def readme_profile(name: str) -> dict[str, tuple[int, int | None]]:
    rows = ROW.findall(readme(name))
    profile = {code: (int(level), None if ambition == "-" else int(ambition)) for code, level, ambition in rows}
    assert len(rows) == len(CAPABILITIES) and set(profile) == set(CAPABILITIES), f"{name}/README.md: profile table"
    return profile


def readme_exit_code(name: str) -> int:
    found = EXIT.findall(readme(name))
    assert len(found) == 1, f"{name}/README.md must say 'Expected exit code: N' once"
    return int(found[0])


@pytest.mark.parametrize(("name", "lang"), [(n, lang) for n in NAMES for lang in GOLDENS[n]])
def test_result_matches_golden(name: str, lang: str) -> None:
    output = check_json(name, lang)
    golden = GOLDEN / f"{name}.{lang}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(output.encode("utf-8"))
    assert golden.exists(), f"{golden} is missing: run UPDATE_GOLDEN=1 python -m pytest tests/test_examples.py"
    assert output.encode("utf-8") == golden.read_bytes(), (
        f"{name} ({lang}) differs from {golden.name}; if intended, regenerate (tests/golden/README.md)")


# Text output (rich-rendered) byte for byte: catches drift of the rendering library, whose versions
# differ in table padding (rich before 14.3 put an extra space in the profile table); pyproject's
# rich range is the range these goldens pass with (docs/cli.md).
TEXT_GOLDENS = {
    "water-isac.en.txt": ("check", "water-isac", "--as-of", AS_OF, "--lang", "en", "-v"),
    "haven-isac.nl.txt": ("check", "haven-isac", "--as-of", AS_OF, "--lang", "nl"),
    "tlp-isac.tlp.en.txt": ("tlp", "tlp-isac", "--lang", "en"),
}


@pytest.mark.parametrize("golden_name", sorted(TEXT_GOLDENS))
def test_text_output_matches_golden(golden_name: str) -> None:
    command, name, *rest = TEXT_GOLDENS[golden_name]
    output = invoke(command, str(EXAMPLES / name), *rest).output
    golden = GOLDEN / golden_name
    if UPDATE:
        golden.write_bytes(output.encode("utf-8"))
    assert golden.exists(), f"{golden} is missing: run UPDATE_GOLDEN=1 python -m pytest tests/test_examples.py"
    assert output.encode("utf-8") == golden.read_bytes(), (
        f"text output differs from {golden.name}; if intended, regenerate (tests/golden/README.md)")


@pytest.mark.parametrize("name", NAMES)
def test_result_is_deterministic_and_valid(name: str) -> None:
    first, second = check_json(name), check_json(name)
    assert first.encode("utf-8") == second.encode("utf-8")
    data = json.loads(first)
    errors = list(validator_for("output").iter_errors(data))
    assert not errors, f"{name}: {errors[0].json_path}: {errors[0].message}"
    assert data["as_of"] == as_of(name) and len(data["questions"]) == 56


@pytest.mark.parametrize("name", NAMES)
def test_readme_table_states_the_profile(name: str) -> None:
    data = parsed(name)
    actual = {c["code"]: (c["level"], c["ambition"]) for c in data["capabilities"]}
    assert readme_profile(name) == actual


@pytest.mark.parametrize("name", NAMES)
def test_readme_names_why_each_capability_stops(name: str) -> None:
    """Every question of the next level that fails, and every file with an error finding, is in the README."""
    data = parsed(name)
    text = readme(name)
    for cap in data["capabilities"]:
        if cap["level"] == 3:
            continue
        failing = [q["id"] for q in data["questions"]
                   if q["capability"] == cap["code"] and q["level"] == cap["level"] + 1
                   and q["outcome"] not in ("holds", "attested", "not-applicable")]
        assert failing, (name, cap["code"])
        for qid in failing:
            assert qid in text, f"{name}/README.md does not explain {qid} ({cap['code']} stops at {cap['level']})"
    for finding in data["findings"]:
        if finding["severity"] == "error":
            assert finding["path"] in text, f"{name}/README.md does not mention the finding in {finding['path']}"


@pytest.mark.parametrize("name", NAMES)
def test_exit_code(name: str) -> None:
    result = CliRunner().invoke(cli, ["check", str(EXAMPLES / name), "--as-of", as_of(name)])
    assert result.exit_code == readme_exit_code(name), result.output


def test_expected_exit_codes() -> None:
    assert {n: readme_exit_code(n) for n in NAMES} == {"haven-isac": 0, "water-isac": 0, "zorg-isac": 1,
                                                       "polder-isac": 0, "harbour-wg": 0}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_text_output_mentions_every_capability(name: str, lang: str) -> None:
    result = CliRunner().invoke(cli, ["check", str(EXAMPLES / name), "--as-of", as_of(name), "--lang", lang])
    assert result.exit_code == readme_exit_code(name)
    capabilities = load_builtin().capabilities
    for code in CAPABILITIES:
        assert f"{code} {capabilities[code].name(lang)}" in result.output, (name, lang, code)


def test_readme_command_runs_on_the_mature_example() -> None:
    """The project README's first command: `isaccheck check evidence-examples/haven-isac --as-of 2026-11-28`."""
    assert "isaccheck check evidence-examples/haven-isac --as-of 2026-11-28" in (ROOT / "README.md").read_text()
    result = CliRunner().invoke(cli, ["check", str(EXAMPLES / "haven-isac"), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    data = parsed("haven-isac")
    assert [c["level"] for c in data["capabilities"]] == [3, 3, 3, 3, 3]
    assert data["findings"] == []


@pytest.mark.parametrize("name", NAMES)
def test_checked_repository_is_never_written(name: str, tmp_path: Path) -> None:
    copy = tmp_path / name
    shutil.copytree(EXAMPLES / name, copy)
    before = snapshot(copy)
    for fmt in ("text", "json"):
        CliRunner().invoke(cli, ["check", str(copy), "--as-of", as_of(name), "--format", fmt, "-v"])
    CliRunner().invoke(cli, ["check", str(copy), "--as-of", as_of(name), "--lang", "nl"])
    assert snapshot(copy) == before
    assert check_json(name, root=tmp_path) == check_json(name)
