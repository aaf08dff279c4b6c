"""Issue 15.15-16: a gate a reviewer can read, and the first baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from click.testing import CliRunner

from isaccheck.cli import cli

AS_OF = "2026-06-30"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_creating_the_first_baseline_works(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"isaccheck.yaml": "gate:\n  baseline: isaccheck-baseline.json\n"})
    baseline = root / "isaccheck-baseline.json"
    code, output = invoke("check", str(root), "--as-of", AS_OF, "--no-git")  # not written by this run
    assert code == 2 and "does not exist yet" in output and "-o isaccheck-baseline.json" in output
    code, output = invoke("check", str(root), "--as-of", AS_OF, "--no-git", "--format", "json", "-o", str(baseline))
    assert code in (0, 1) and "no baseline at isaccheck-baseline.json yet: this run writes it" in output
    assert json.loads(baseline.read_text(encoding="utf-8"))["capabilities"]
    code, output = invoke("check", str(root), "--as-of", AS_OF, "--no-git", "--format", "json")
    assert code in (0, 1) and "no baseline" not in output  # now compared against it
