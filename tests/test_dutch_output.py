"""Issue 12: a Dutch run is Dutch throughout.

Every command runs with --lang nl on every example; the output may not hold isaccheck's own
English (the phrases below, each once seen in a Dutch run) nor a hedged plural such as
"bijeenkomst(en)". Document texts (titles, an English example's decisions) are data and stay as
written, so the list names isaccheck's phrases, not every English word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from isaccheck.cli import cli
from isaccheck.i18n import DOC_TYPES, adopted_type, plural, type_name
from isaccheck.rulepack import load_builtin

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "evidence-examples").iterdir() if (p / "isac.yaml").exists())
AS_OF = "2026-11-28"

ENGLISH = [
    "undated", "files written", "written in", "validated", "whole repository", "on or before", "Toelichting (in het Engels)",
    "adopted", "needed", "not counted", "holds", "does not hold", "withheld", "Notes:", "Next step", "missing",
    ": warning:", ": error:", "YAML syntax error", "found character", "while scanning", "signature", "earlier",
    "first committed", "report written", "ISAC repository in", "Development plan", "Coming due", "Document findings",
    "participants", " documents", "as of", " in the last ", "Gewonnen", "Verloren", "Achterstand", "Maturity",
    "Evidence", "Questions", "explicit ", "informatieuitwisseling", "vastgesteld membership", "vastgesteld annual",
    "vastgesteld minutes", "membership-guidelines-document", "Year-end", "No git history", "templates not",
]
HEDGED = re.compile(r"\w\((?:en|e|s|n)\)")
# The checklist's questions and the handreiking's advice are quoted verbatim, typos included
# (STR-3.8's "explicit"): they are removed before the scan.
VERBATIM = [t for rule in load_builtin().rules for t in (rule.question("nl"),)]
# Identifiers are not words: finding codes (tlp-missing), primitives (documents_for_years).
IDENTIFIER = re.compile(r"\b[a-z]+(?:[-_][a-z]+)+\b")


def _data(example: Path) -> list[str]:
    """The example's own texts that isaccheck quotes (water-isac is an English ISAC): decisions."""
    import yaml

    profile = yaml.safe_load((example / "isac.yaml").read_text(encoding="utf-8"))
    decisions = profile.get("not_applicable") or profile.get("isac", {}).get("not_applicable") or []
    return [str(d.get("reason", "")) for d in decisions if isinstance(d, dict)]


def _scan(text: str, what: str, data: list[str] | None = None) -> None:
    flat = " ".join(text.split())
    for quoted in VERBATIM + (data or []):
        flat = flat.replace(" ".join(quoted.split()), "")
    flat = IDENTIFIER.sub("", flat)
    flat = re.sub(r"`[^`]*`", "", flat)  # field names of the contract in backticks (`signatures`) are not prose
    found = [w for w in ENGLISH if w in flat]
    assert not found, f"{what}: English in a Dutch run: {found}"
    hedged = HEDGED.findall(flat)
    assert not hedged, f"{what}: hedged plural {hedged}"


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), (args, result.output)
    return result.output


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_command_on_every_example_is_dutch(example: Path) -> None:
    runs = {
        "check": ["check", str(example), "--lang", "nl", "--as-of", AS_OF, "-v"],
        "tlp": ["tlp", str(example), "--lang", "nl"],
        "history": ["history", str(example), "--lang", "nl"],
        "report": ["report", str(example), "--lang", "nl", "--as-of", AS_OF, "--format", "md", "-o", "-"],
        "validate": ["validate", "--root", str(example), "--lang", "nl"],
    }
    for name, args in runs.items():
        _scan(_run(*args), f"{example.name} {name}", _data(example))


def test_the_commands_without_a_repository_are_dutch(tmp_path: Path) -> None:
    _scan(_run("rules", "list", "--lang", "nl"), "rules list")
    _scan(_run("survey", "new", "--lang", "nl", "--format", "md", "-o", "-"), "survey new")
    for rule in load_builtin().rules:
        _scan(_run("explain", rule.id, "--lang", "nl"), f"explain {rule.id}")
    _scan(_run("init", str(tmp_path / "nieuw"), "--lang", "nl"), "init")
    _scan(_run("check", str(tmp_path / "nieuw"), "--as-of", AS_OF), "check of a new repository")
    _scan(_run("validate", "--root", str(tmp_path / "nieuw")), "validate of a new repository")


def test_the_scan_catches_what_it_is_for() -> None:
    with pytest.raises(AssertionError):
        _scan("3 bijeenkomst(en) in de afgelopen 12 maanden", "hedged")
    with pytest.raises(AssertionError):
        _scan("10 files written in mijn-isac", "english")


# -- the helpers -------------------------------------------------------------------------------

@pytest.mark.parametrize("key, one, many", [("annual-plan", "vastgesteld jaarplan", "vastgestelde jaarplannen"),
                                            ("evaluation", "vastgestelde evaluatie", "vastgestelde evaluaties"),
                                            ("minutes", "vastgestelde notulen", "vastgestelde notulen"),
                                            ("membership-guidelines", "vastgestelde lidmaatschapsrichtlijnen",
                                             "vastgestelde lidmaatschapsrichtlijnen"),
                                            ("initiative", "vastgesteld initiatief", "vastgestelde initiatieven")])
def test_adjective_endings(key: str, one: str, many: str) -> None:
    assert adopted_type(key, "nl") == one and adopted_type(key, "nl", 2) == many


def test_every_document_type_has_a_dutch_name() -> None:
    from isaccheck.schemas import document_types

    assert set(document_types()) <= set(DOC_TYPES)
    assert all(type_name(k, "nl") != k or k in ("agenda", "charter", "procedure", "product") for k in DOC_TYPES)


@pytest.mark.parametrize("count, key, lang, expected", [(1, "meeting", "nl", "1 bijeenkomst"),
                                                        (2, "meeting", "nl", "2 bijeenkomsten"),
                                                        (0, "file", "en", "0 files"), (1, "file", "en", "1 file"),
                                                        (1, "signature", "nl", "1 handtekening")])
def test_plural(count: int, key: str, lang: str, expected: str) -> None:
    assert plural(count, key, lang) == expected
