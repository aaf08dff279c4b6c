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


def test_a_decision_must_be_recorded_where_it_says(make_repo: Callable[..., Path]) -> None:
    """Ten not_applicable entries pointing at minutes that never mention them loosened the gate."""
    from .conftest import PROFILE

    minutes = ("---\ntype: minutes\ndate: 2026-03-12\ntlp: GREEN\nattendees: [Alpha]\nitems: [x]\n---\n"
               "# Minutes\n\nQuestion STR-3.4 is not applicable to us (decided).\n")
    waivers = "".join(f"  - question: {q}\n    reason: not for us\n    decided_on: 2026-03-12\n"
                      f"    decided_in: meetings/m.md\n" for q in ("STR-3.4", "STR-3.5", "ACT-3.2"))
    root = make_repo({"meetings/m.md": minutes}, profile=PROFILE + "not_applicable:\n" + waivers)
    code, output = invoke("check", str(root), "--as-of", AS_OF, "--no-git", "--format", "json")
    data = json.loads(output[:output.rindex("}") + 1])
    counted = {w["question"] for w in data["not_applicable"]}
    assert counted == {"STR-3.4"}
    flagged = {f["message"].split(":")[0] for f in data["findings"] if f["code"] == "waiver-unrecorded"}
    assert flagged == {"not_applicable for STR-3.5", "not_applicable for ACT-3.2"}
    outcomes = {q["id"]: q["outcome"] for q in data["questions"]}
    assert outcomes["STR-3.4"] == "not-applicable" and outcomes["STR-3.5"] != "not-applicable"
