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


# -- usage and configuration errors (exit 2) -----------------------------------------------------

# isaccheck's English in its refusals, each once seen in a Dutch run's error line.
ERROR_ENGLISH = [" error:", " is not ", " must be ", "does not exist", "refused", "cannot read", " use ",
                 "empty value", "empty item", "given twice", "only one", "outside the", "has no files",
                 "not a parameter", "not a rule", "sets no", "needs a file", "field value", "should be",
                 " or any folder", "not a folder", "is a file", "not JSON", "regular file", "create it",
                 "mapping of settings", "not inside", "unknown capability", "whole number", "Additional properties",
                 "not allowed", "unexpected", "less than", "minimum", "required", "duplicate", "does not match",
                 "unknown primitive", "did you mean", "rule file", "regular file", "symbolic link",
                 "nothing was written", "already exists", "neither", "is inside", "no question", "exists;",
                 "overwrite", "no respondent", "cannot write"]
DUTCH_PROFILE = "isac:\n  name: Fout-ISAC\n  language: nl\n"


def _error_in_dutch(args: list[str], what: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (what, result.output)
    line = result.stderr.strip().splitlines()[-1]  # the error line (warnings may come before it)
    assert line.startswith("isaccheck: fout: "), (what, result.stderr)
    found = [w for w in ERROR_ENGLISH if w in line]
    assert not found, f"{what}: English in a Dutch error line: {found}: {line}"


@pytest.mark.parametrize("what, config, args", [
    ("settings not a mapping", "- a\n", []),
    ("settings schema", "max_file_size_kb: veel\n", []),
    ("settings unknown key", "onbekend: 1\n", []),
    ("parameter value", "rules:\n  WOW-1.2:\n    months: 0\n", []),
    ("types field value", "types:\n  - glob: 'x/*.md'\n    type: minutes\n    tlp: [12]\n", []),
    ("signers outside", "allowed_signers: ../buiten\n", []),
    ("unknown rule", "rules:\n  XYZ-9.9: {}\n", []),
    ("unknown parameter", "rules:\n  STR-1.1:\n    onzin: 3\n", []),
    ("rule pack outside", "rule_packs: [../buiten]\n", []),
    ("rule pack empty", "rule_packs: [leeg]\n", []),
    ("gate fail_on", "gate:\n  fail_on: altijd\n", []),
    ("gate baseline outside", "gate:\n  baseline: ../basis.json\n", []),
    ("gate baseline missing", "gate:\n  baseline: basis.json\n", []),
    ("gate level", None, ["--gate", "STR=7"]),
    ("gate capability", None, ["--gate", "XYZ=1"]),
    ("gate empty", None, ["--gate", ","]),
    ("gate empty item", None, ["--gate", "STR=1,,WOW=1"]),
    ("gate twice", None, ["--gate", "STR=1,STR=2"]),
    ("gate unreadable", None, ["--gate", "onzin"]),
    ("gate two baselines", None, ["--gate", "baseline:a.json,baseline:b.json"]),
    ("gate no ambition", None, ["--gate", "ambition"]),
    ("baseline not JSON", None, ["--gate", "baseline:kapot.json"]),
    ("baseline not a result", None, ["--gate", "baseline:leeg.json"]),
    ("baseline a folder", None, ["--gate", "baseline:leeg"]),
])
def test_usage_and_configuration_errors_are_dutch_in_a_dutch_repository(
        what: str, config: str | None, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "leeg").mkdir(parents=True)
    (root / "isac.yaml").write_text(DUTCH_PROFILE, encoding="utf-8")
    (root / "kapot.json").write_text("{kapot", encoding="utf-8")
    (root / "leeg.json").write_text("{}", encoding="utf-8")
    if config is not None:
        (root / "isaccheck.yaml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(root)  # relative paths: the temporary folder's name is no part of the line
    _error_in_dutch(["check", ".", "--as-of", AS_OF, *args], what)


def test_a_folder_that_is_no_repository_is_refused_in_dutch_with_lang_nl(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "map").mkdir()
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _error_in_dutch(["check", "map", "--lang", "nl"], "no isac.yaml")
    _error_in_dutch(["check", "bestand", "--lang", "nl"], "not a folder")
    _error_in_dutch(["check", "weg", "--lang", "nl"], "does not exist")
    (tmp_path / "map" / "isac.yaml").write_text("- lijst\n", encoding="utf-8")
    _error_in_dutch(["check", "map", "--lang", "nl"], "isac.yaml not a mapping")


@pytest.mark.parametrize("what, args", [
    ("validate a file that does not exist", ["validate", "--root", ".", "weg.md"]),
    ("validate a folder", ["validate", "--root", ".", "leeg"]),
    ("validate outside the repository", ["validate", "--root", ".", "../buiten.md"]),
    ("validate a root without isac.yaml", ["validate", "--root", "leeg", "--lang", "nl"]),
    ("history since the future", ["history", ".", "--since", "2999"]),
    ("report of a future year", ["report", ".", "--year", "2999", "-o", "-"]),
    ("report as-of outside its year", ["report", ".", "--year", "2025", "--as-of", "2024-01-01", "-o", "-"]),
    ("committed-only without git", ["check", ".", "--committed-only", "--no-git"]),
    ("git outside a git tree", ["check", ".", "--git"]),
    ("adopt of a folder that does not exist", ["adopt", "weg", "--lang", "nl"]),
])
def test_the_other_commands_refuse_in_dutch(what: str, args: list[str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "leeg").mkdir(parents=True)
    (root / "isac.yaml").write_text(DUTCH_PROFILE, encoding="utf-8")
    (tmp_path / "buiten.md").write_text("# Buiten\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # the repository is no git work tree
    monkeypatch.chdir(root)
    _error_in_dutch(args, what)


RULE = (ROOT / "rules" / "STR" / "STR-1.1.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("what, rule_file", [
    ("a rule file that is no mapping", "- lijst\n"),
    ("a rule file the schema refuses", "id: XYZ-1.1\n"),
    ("a rule file YAML refuses", "id: [\n"),
    ("a duplicate rule id", RULE),
    ("an id that does not match", RULE.replace("level: 1", "level: 2", 1)),
    ("an unknown primitive", RULE.replace("check: ", "check: onzin_", 1)),
    ("a settings file linked outside the repository", None),
])
def test_rule_pack_refusals_are_dutch_in_a_dutch_repository(what: str, rule_file: str | None, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "extra").mkdir(parents=True)
    (root / "isac.yaml").write_text(DUTCH_PROFILE, encoding="utf-8")
    if rule_file is None:
        (tmp_path / "buiten.yaml").write_text("ignore: []\n", encoding="utf-8")
        (root / "isaccheck.yaml").symlink_to(tmp_path / "buiten.yaml")
    else:
        (root / "isaccheck.yaml").write_text("rule_packs: [extra]\n", encoding="utf-8")
        (root / "extra" / "regel.yaml").write_text(rule_file, encoding="utf-8")
    monkeypatch.chdir(root)
    _error_in_dutch(["check", ".", "--as-of", AS_OF], what)


def test_init_refuses_in_dutch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """init writes Dutch templates by default: its refusals are Dutch too."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    _error_in_dutch(["init", "bestand"], "a file")
    _error_in_dutch(["init", "nieuw", "--action-ref", "onzin"], "a bad action ref")
    assert CliRunner().invoke(cli, ["init", "isac", "-q"]).exit_code == 0
    _error_in_dutch(["init", "isac"], "exists already")
    _error_in_dutch(["init", "isac/binnen"], "inside another")


def test_explain_survey_and_output_files_refuse_in_dutch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "isac.yaml").write_text(DUTCH_PROFILE, encoding="utf-8")
    (root / "antwoorden.csv").write_text("x\n", encoding="utf-8")
    monkeypatch.chdir(root)
    _error_in_dutch(["explain", "STR-9.9", "--lang", "nl"], "an unknown question")
    (root / "vragen.md").write_text("er al\n", encoding="utf-8")
    _error_in_dutch(["survey", "new", "--format", "md", "-o", "vragen.md"], "survey new over a file")
    _error_in_dutch(["survey", "import", "antwoorden.csv", "--date", "2026-01-01"], "nothing to import")
    _error_in_dutch(["check", ".", "--as-of", AS_OF, "-o", "weg/uit.txt"], "an output file that cannot be written")
