"""The reference docs are generated from the code and the pack; they must not drift."""

from __future__ import annotations

import re
from pathlib import Path

from isaccheck.docsgen import generated

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_up_to_date() -> None:
    for rel, text in generated().items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run python -m isaccheck.docsgen"


def test_every_primitive_is_documented() -> None:
    from isaccheck.primitives import PRIMITIVES

    for name, prim in PRIMITIVES.items():
        assert prim.doc.strip(), f"{name} has no docstring"
        assert prim.doc.splitlines()[0].endswith("?"), f"{name}: a primitive is named as a yes/no question"


# A finding is made by Finding(code, ...), Repository.finding(code, ...) or, in tlp.py, a
# Problem/LabelProblem(code, ...) (surveyimport's Problem is an import message, not a finding).
_EMITTED = re.compile(r'(?:\.finding|\bFinding)\(\s*(f?)"([^"]+)"')
_EMITTED_TLP = re.compile(r'(?:\bProblem|\bLabelProblem)\(\s*(f?)"([^"]+)"')
# The one code built at run time: gitevidence's f"signature-{check.status}" for the statuses it reports.
_TEMPLATED = {"signature-{check.status}": {"signature-bad", "signature-missing"}}


def _read_problem_codes() -> set[str]:
    """The codes of isaccheck/read's ReadProblem(path, "code", ...): repository.py emits them as read-<code>."""
    found: set[str] = set()
    for path in sorted((ROOT / "isaccheck" / "read").glob("*.py")):
        found |= set(re.findall(r'ReadProblem\(\s*\w+,\s*"([a-z-]+)"', path.read_text(encoding="utf-8")))
    return found


def _infer_note_codes() -> set[str]:
    """The codes of isaccheck/infer's Note("code", ...): repository.py emits them as infer-<code>."""
    found: set[str] = set()
    for path in sorted((ROOT / "isaccheck" / "infer").glob("*.py")):
        found |= set(re.findall(r'\bNote\(\s*"([a-z-]+)"', path.read_text(encoding="utf-8")))
    return found


def emitted_codes() -> set[str]:
    _TEMPLATED["read-{structured.code}"] = {f"read-{code}" for code in _read_problem_codes()}
    _TEMPLATED["infer-{note.code}"] = {f"infer-{code}" for code in _infer_note_codes()}
    codes: set[str] = set()
    for path in sorted((ROOT / "isaccheck").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = _EMITTED.findall(text) + (_EMITTED_TLP.findall(text) if path.name == "tlp.py" else [])
        for is_f, code in found:
            if is_f:
                assert code in _TEMPLATED, f"{path.name}: finding code {code!r} is built at run time; list it here"
                codes |= _TEMPLATED[code]
            else:
                codes.add(code)
    return codes


def test_every_emitted_finding_code_has_a_rule_and_is_documented() -> None:
    from isaccheck.reporters.cifacts import FINDING_RULES

    codes = emitted_codes()
    assert len(codes) >= 26, sorted(codes)
    assert codes == set(FINDING_RULES), (sorted(codes - set(FINDING_RULES)), sorted(set(FINDING_RULES) - codes))
    documented = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    for code in codes:
        assert f"| `{code}` |" in documented, code
        short, help_text = FINDING_RULES[code]
        assert short.en and short.nl and help_text.en and help_text.nl, code


def test_the_signature_statuses_that_become_findings() -> None:
    """gitevidence reports exactly the statuses _TEMPLATED expands (bad and missing)."""
    source = (ROOT / "isaccheck" / "gitevidence.py").read_text(encoding="utf-8")
    assert 'if check.status not in ("bad", "missing"):' in source
