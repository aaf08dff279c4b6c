"""The command line's side of the CI gate: read the policy and the baseline file, write the job summary.

gate.py judges (pure); this module does the file work around it, so cli.py stays small.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from .gate import GateResult, GateSpecError, combine, evaluate_gate, parse_gate_specs, policy_from_config, reason_line
from . import policy as policy_mod
from .model import Evaluation
from .reporters import RenderOptions
from .rulepack import RulePack
from .runner import CheckRun

__all__ = ["parse_gate_specs", "judge", "path_prefix", "write_job_summary", "reason_lines", "read_baseline"]


def read_baseline(file: Path, shown: str) -> Mapping[str, Any]:
    from .gate import check_baseline_data

    if file.exists() and not file.is_file():  # a folder, or a FIFO that would block the run
        raise GateSpecError(f"baseline {shown} is not a regular file")
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise GateSpecError(f"baseline {shown} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise GateSpecError(f"baseline {shown} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
                            f"it should be the JSON output of `isaccheck check --format json`") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise GateSpecError(f"baseline {shown} is not JSON: {exc}") from None
    return check_baseline_data(data, shown)


FIRST_BASELINE = ("isaccheck: no baseline at {file} yet: this run writes it (no regressions to compare); "
                  "commit it, and later runs compare against it")


def judge(run: CheckRun, root: Path, cli_specs: tuple[str, ...], cli_fail_on: str | None,
          output: Path | None = None, policy_from: str | None = None) -> tuple[GateResult, str | None]:
    """The policy (command line over isaccheck.yaml), applied to the run; and a note for stderr, if any.

    A baseline named on the command line is relative to the current folder; one in isaccheck.yaml
    to the repository root. A baseline that does not exist yet while this run writes it (`-o` is
    that file: the documented way to create it) is the first one: no comparison, and a note.
    """
    policy = combine(policy_from_config(run.repository.config.gate), cli_specs, cli_fail_on)
    baseline = None
    note = None
    origin: tuple[str, str] | None = None
    if policy.baseline:
        shown = policy.baseline
        file = Path(shown) if cli_specs else root / shown
        if not cli_specs and not file.resolve().is_relative_to(root.resolve()):
            # The repository's own settings never make isaccheck read outside it.
            raise GateSpecError(f"gate.baseline {shown} in isaccheck.yaml is outside the repository; refused")
        if not file.exists() and not file.is_symlink():
            if output is None or output.resolve() != file.resolve():
                raise GateSpecError(f"baseline {shown} does not exist yet; create it with "
                                    f"`isaccheck check --format json -o {shown}` and commit it")
            note = FIRST_BASELINE.format(file=shown)
            policy = replace(policy, baseline=None)
        else:
            baseline = read_baseline(file, shown)
            origin = (shown, policy_mod.baseline_origin(baseline, file.read_bytes()))
    repo = run.repository
    items = policy_mod.policy_items(repo.config, repo.profile.data, repo.profile.lines, run.pack, origin)
    if policy_from is not None:
        base_baseline = None if cli_specs else policy.baseline or shown_config_baseline(repo)
        items = policy_mod.compare(items, policy_mod.items_at(root, policy_from, run.pack, base_baseline))
    verdict = evaluate_gate(run.evaluation, policy, baseline, repo.profile.lines)
    return replace(verdict, policy_items=items), note


def shown_config_baseline(repo: Any) -> str | None:
    value = repo.config.gate.get("baseline")
    return str(value) if value else None


def path_prefix(root: Path) -> str:
    """Where the repository is, seen from the current folder (the CI checkout): '' when it is here."""
    try:
        rel = Path(os.path.relpath(root.resolve(), Path.cwd().resolve()))
    except ValueError:  # another drive on Windows
        return ""
    if rel.parts and rel.parts[0] == "..":
        return ""
    return "" if str(rel) == "." else rel.as_posix()


def write_job_summary(evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> bool:
    """Append the Markdown summary to $GITHUB_STEP_SUMMARY when GitHub Actions sets it."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    from .reporters.github import job_summary

    with open(target, "a", encoding="utf-8") as handle:
        handle.write(job_summary(evaluation, pack, options))
    return True


def reason_lines(verdict: GateResult, lang: str) -> list[str]:
    if verdict.passed or not verdict.policy.explicit:
        return []
    lines = [f"isaccheck: gate: {reason_line(r, lang)}" for r in verdict.reasons]
    n = len(verdict.reasons)
    lines.append(f"isaccheck: gate failed ({n} reason{'s' if n != 1 else ''}; policy: {verdict.policy.describe()})")
    return lines
