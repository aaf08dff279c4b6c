"""Issue 12, a secretary's first hour: finding the repository, output where the user expects it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from isaccheck.cli import EXIT_OK, EXIT_USAGE, cli, use_color
from isaccheck.scaffold import WORKFLOW_TARGET

from .conftest import AS_OF, snapshot

MINUTES = ("---\ntype: minutes\ndate: 2024-03-12\ntlp: AMBER\nattendees: [Alpha]\nitems: [Opening]\n---\n"
           "# Minutes\n\nTLP:AMBER\n")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def isac(tmp_path: Path) -> Path:
    target = tmp_path / "isac"
    assert invoke("init", str(target), "--lang", "nl", "--name", "Haven", "-q").exit_code == EXIT_OK
    (target / "meetings" / "2024-03-12").mkdir(parents=True)
    (target / "meetings" / "2024-03-12" / "minutes.md").write_text(MINUTES)
    return target


# -- finding the repository --------------------------------------------------------------------

@pytest.mark.parametrize("command", [["check", "--as-of", AS_OF.isoformat(), "--format", "json"],
                                     ["tlp", "--format", "json"], ["history", "--format", "json"]])
def test_every_command_walks_up_to_isac_yaml(isac: Path, monkeypatch: pytest.MonkeyPatch,
                                              command: list[str]) -> None:
    monkeypatch.chdir(isac / "meetings" / "2024-03-12")
    result = invoke(*command)
    assert result.exit_code in (0, 1), result.output
    assert "ISAC-repository in ../.." in result.stderr
    json.loads(result.stdout)
    assert "isaccheck init" not in result.output


def test_report_walks_up_and_writes_beside_the_repository(isac: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(isac / "meetings")
    before = snapshot(isac)
    result = invoke("report", "--as-of", AS_OF.isoformat())
    assert result.exit_code == EXIT_OK, result.output
    written = isac.parent / f"verslag-{AS_OF.year}.html"
    assert written.read_text().startswith("<!DOCTYPE html>")
    assert f"verslag geschreven naar {written}" in result.stderr and result.stdout == ""
    assert snapshot(isac) == before  # the checked repository is never written


def test_outside_any_repository_init_is_suggested(tmp_path: Path) -> None:
    result = invoke("check", str(tmp_path))
    assert result.exit_code == EXIT_USAGE and "or any folder above it" in result.stderr
    assert "isaccheck init" in result.stderr and "or give the repository's folder" in result.stderr
    # validate names its own way out: --root
    (tmp_path / "notes.md").write_text("---\ntype: minutes\n---\n", encoding="utf-8")
    result = invoke("validate", str(tmp_path / "notes.md"))
    assert result.exit_code == EXIT_USAGE and "not inside an ISAC repository" in result.stderr
    assert "or give --root" in result.stderr
    dutch = invoke("validate", str(tmp_path / "notes.md"), "--lang", "nl")
    assert "niet in een ISAC-repository" in dutch.stderr and "of geef --root" in dutch.stderr


def test_init_refuses_inside_an_isac_repository(isac: Path) -> None:
    before = snapshot(isac)
    result = invoke("init", str(isac / "meetings" / "2024-03-12"), "--lang", "nl")
    assert result.exit_code == EXIT_USAGE and "ligt in de ISAC-repository in" in result.stderr  # --lang nl: Dutch
    assert snapshot(isac) == before


def test_init_only_missing_writes_just_what_is_missing(isac: Path) -> None:
    (isac / "isac.yaml").unlink()
    readme = (isac / "README.md")
    readme.write_text("mine\n")
    refused = invoke("init", str(isac), "--lang", "nl")
    assert refused.exit_code == EXIT_USAGE and "--only-missing" in refused.stderr
    result = invoke("init", str(isac), "--lang", "nl", "--only-missing")
    assert result.exit_code == EXIT_OK, result.output
    assert "1 bestand geschreven" in result.stdout and "  isac.yaml" in result.stdout
    assert readme.read_text() == "mine\n"


def test_templates_are_never_evidence_nor_in_the_tlp_inventory(isac: Path) -> None:
    data = json.loads(invoke("check", str(isac), "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert data["summary"]["documents"] == 2  # the draft guidelines and the minutes
    assert any("sjablonen/notulen.md" in w for w in data["warnings"])  # named, not silently skipped
    inventory = json.loads(invoke("tlp", str(isac), "--format", "json").stdout)
    assert inventory["documents"] == 2 and "sjablonen" not in json.dumps(inventory["per_type"])
    assert inventory["templates"] == [f"sjablonen/{n}.md" for n in
                                      ("agenda", "evaluatie", "jaarplan", "notulen", "zelfevaluatie")]
    assert "Sjablonen die niet meetellen (templates in isaccheck.yaml) (5)" in invoke("tlp", str(isac)).stdout
    text = invoke("check", str(isac), "--as-of", AS_OF.isoformat(), "--lang", "nl").stdout
    assert "5 sjablonen tellen niet mee als bewijs" in text and "2 documenten" in text


def test_ignored_files_are_named_in_check_validate_and_tlp(isac: Path) -> None:
    """`ignore:` leaves files out, and says which (nothing is ignored silently); counted when many."""
    config = isac / "isaccheck.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "ignore: ['concept/**']\n", encoding="utf-8")
    (isac / "concept").mkdir()
    names = [f"concept/c{i:02}.md" for i in range(12)]
    for name in names:
        (isac / name).write_text("# Concept\n", encoding="utf-8")
    data = json.loads(invoke("check", str(isac), "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert data["summary"]["documents"] == 2
    (note,) = [w for w in data["warnings"] if "ignore in isaccheck.yaml" in w]
    assert note.startswith("12 bestanden tellen niet mee (ignore in isaccheck.yaml): concept/c00.md, ")
    assert note.endswith("concept/c09.md en nog 2") and "c10" not in note  # counted when many
    text = invoke("check", str(isac), "--as-of", AS_OF.isoformat(), "--lang", "en").stdout
    assert "12 files not counted (ignore in isaccheck.yaml)" in " ".join(text.split())
    inventory = json.loads(invoke("tlp", str(isac), "--format", "json").stdout)
    assert inventory["ignored"] == names and inventory["documents"] == 2
    tlp_text = invoke("tlp", str(isac), "--lang", "en").stdout
    assert "Files not counted (ignore in isaccheck.yaml) (12)" in tlp_text
    assert "  concept/c09.md\n  and 2 more" in tlp_text and "c10" not in tlp_text
    validated = invoke("validate", "--root", str(isac), "--format", "json")
    assert json.loads(validated.stdout)["ignored"] == names
    assert "12 bestanden tellen niet mee (ignore in isaccheck.yaml)" in validated.stderr
    one = invoke("validate", str(isac / "concept" / "c03.md"), "--lang", "en")
    assert "1 file not counted (ignore in isaccheck.yaml): concept/c03.md" in one.stderr
    # Nothing ignored: nothing said.
    config.write_text(config.read_text(encoding="utf-8").replace("ignore: ['concept/**']\n", ""), encoding="utf-8")
    assert "ignored" not in json.loads(invoke("tlp", str(isac), "--format", "json").stdout)


# -- the workflow init writes ------------------------------------------------------------------

def test_init_without_action_ref_writes_no_failing_workflow(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "a"), "--lang", "en")
    assert result.exit_code == EXIT_OK and not (tmp_path / "a" / WORKFLOW_TARGET).exists()
    assert "no CI workflow written" in result.stdout and "--action-ref" in result.stdout


@pytest.mark.parametrize("ref, expect", [("me/isaccheck@v1", "uses: me/isaccheck@v1"),
                                         ("https://git.example.org/isaccheck.git",
                                          'pip install "git+https://git.example.org/isaccheck.git"')])
def test_init_workflow_from_action_ref(tmp_path: Path, ref: str, expect: str) -> None:
    assert invoke("init", str(tmp_path / "a"), "--action-ref", ref).exit_code == EXIT_OK
    text = (tmp_path / "a" / WORKFLOW_TARGET).read_text()
    assert expect in text and "isaccheck>=" not in text
    (checkout,) = [s for s in yaml.safe_load(text)["jobs"]["isaccheck"]["steps"] if "checkout" in s.get("uses", "")]
    assert checkout["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("ref", ["not a ref", "me/isaccheck", "https://x.org/a b", "me/x@v1\nrun: evil"])
def test_init_refuses_a_bad_action_ref_before_writing(tmp_path: Path, ref: str) -> None:
    result = invoke("init", str(tmp_path / "a"), "--action-ref", ref)
    assert result.exit_code == EXIT_USAGE and "--action-ref" in result.stderr
    assert not (tmp_path / "a").exists()


# -- report output -----------------------------------------------------------------------------

def test_report_format_from_the_extension(isac: Path, tmp_path: Path) -> None:
    out = tmp_path / "verslag.md"
    assert invoke("report", str(isac), "--as-of", AS_OF.isoformat(), "-o", str(out)).exit_code == EXIT_OK
    assert "# Haven · Jaarlijkse verantwoording" in out.read_text() and "<html" not in out.read_text()
    conflict = invoke("report", str(isac), "-o", str(tmp_path / "v.pdf"), "--format", "html")
    assert conflict.exit_code == EXIT_USAGE and "past niet bij v.pdf" in conflict.stderr  # a Dutch ISAC: Dutch
    assert not (tmp_path / "v.pdf").exists()


def test_report_to_stdout_with_dash(isac: Path) -> None:
    result = invoke("report", str(isac), "--as-of", AS_OF.isoformat(), "-o", "-", "--lang", "en")
    assert result.exit_code == EXIT_OK and result.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("year, hint, hint_nl", [("25", "did you mean --year 2025", "bedoelt u --year 2025"),
                                                  ("2019", "first dated document (2024)",
                                                   "eerste gedateerde document van de ISAC (2024)")])
def test_report_refuses_a_year_before_the_isac(isac: Path, year: str, hint: str, hint_nl: str) -> None:
    result = invoke("report", str(isac), "--year", year, "-o", "-")  # the ISAC is Dutch: so is the refusal
    assert result.exit_code == EXIT_USAGE and hint_nl in result.stderr
    result = invoke("report", str(isac), "--year", year, "-o", "-", "--lang", "en")
    assert result.exit_code == EXIT_USAGE and hint in result.stderr


# -- options on every command ------------------------------------------------------------------

COMMANDS = [["check"], ["rules", "list"], ["explain", "STR-1.1"], ["tlp"], ["report"], ["history"],
            ["validate"], ["init"], ["survey", "new"], ["survey", "import"], ["adopt"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[-1])
def test_quiet_verbose_and_color_on_every_command(command: list[str]) -> None:
    text = invoke(*command, "--help").stdout
    assert "--quiet" in text and "-v, --verbose" in text and "--color [auto|always|never]" in text


def test_help_summaries_are_not_cut() -> None:
    text = invoke("--help").stdout
    commands = text.split("Commands:")[1].splitlines()[1:]
    assert len(commands) == len(cli.commands) and not any(line.endswith("...") for line in commands)


@pytest.mark.parametrize("mode, env, tty, expected", [
    ("auto", {}, True, True), ("auto", {}, False, False), ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"FORCE_COLOR": "1"}, False, True), ("auto", {"TERM": "dumb"}, True, False),
    ("always", {"NO_COLOR": "1"}, False, True), ("never", {"FORCE_COLOR": "1"}, True, False),
])
def test_color_modes(mode: str, env: dict[str, str], tty: bool, expected: bool) -> None:
    assert use_color(mode, tty, env) is expected


def test_color_always_reaches_a_pipe(isac: Path) -> None:
    plain = invoke("check", str(isac), "--as-of", AS_OF.isoformat(), "--color", "never").stdout
    colored = invoke("check", str(isac), "--as-of", AS_OF.isoformat(), "--color", "always").stdout
    assert "\x1b[" not in plain and "\x1b[" in colored


# -- history without git, validate, wrapping -----------------------------------------------------

def test_history_outside_git_says_year_ends_need_git(isac: Path) -> None:
    result = invoke("history", str(isac), "--lang", "nl")
    assert result.exit_code == EXIT_OK, result.output
    assert "Geen git-geschiedenis" in result.stdout and "git init" in result.stdout


def test_validate_speaks_the_repository_language_with_real_plurals(isac: Path, monkeypatch) -> None:
    monkeypatch.chdir(isac)
    result = invoke("validate", "meetings/2024-03-12/minutes.md", "sjablonen/notulen.md")
    assert result.exit_code == EXIT_OK, result.output
    assert "2 bestanden gecontroleerd: 0 fouten, 0 waarschuwingen" in result.stderr
    assert "1 sjabloon telt niet mee als bewijs" in result.stderr and "sjablonen/notulen.md" in result.stderr
    assert invoke("validate", "-q").stderr == ""


@pytest.mark.parametrize("command", [["rules", "list", "--lang", "nl"], ["rules", "list", "--lang", "en"],
                                     ["explain", "STR-1.2", "--lang", "nl"], ["explain", "ACT-3.2", "--lang", "en"]])
def test_rules_list_and_explain_fold_at_80_columns_between_words(command: list[str]) -> None:
    from isaccheck.rulepack import load_builtin

    text = invoke(*command).stdout
    assert max(len(line) for line in text.splitlines()) <= 80  # not a tty here: 80 columns
    # Folded only between words: every question reads whole again once the line breaks are undone.
    flat = " ".join(text.split())
    rules = load_builtin().rules if command[0] == "rules" else [load_builtin().rule(command[1])]
    for rule in rules:
        assert " ".join(rule.question(command[-1]).split()) in flat, rule.id


def test_explain_in_dutch_has_no_english_notes() -> None:
    text = invoke("explain", "STR-1.1", "--lang", "nl").stdout
    assert "in het Engels" not in text and "Technische toelichting" in text


@pytest.mark.parametrize("answer, workflow", [("me/isaccheck@v2\n", True), ("\n", False)])
def test_init_asks_for_the_action_ref_at_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     answer: str, workflow: bool) -> None:
    import isaccheck.cli as climod

    monkeypatch.setattr(climod, "interactive", lambda: True)
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "a"), "--lang", "nl"], input=answer)
    assert result.exit_code == EXIT_OK, result.output
    assert "Waar haalt de CI-workflow isaccheck vandaan?" in result.output
    path = tmp_path / "a" / WORKFLOW_TARGET
    assert path.exists() is workflow
    if workflow:
        assert "uses: me/isaccheck@v2" in path.read_text()


def test_a_year_row_before_the_repository_existed_does_not_suggest_init() -> None:
    from isaccheck.errors import ConfigError
    from isaccheck.repository import load_repository
    from isaccheck.sources import WorkingTreeSource

    with pytest.raises(ConfigError) as caught:
        load_repository(WorkingTreeSource(Path(__file__).parent / "golden"))
    assert "isaccheck init" not in str(caught.value)


def test_an_error_in_a_dutch_repository_is_dutch_where_it_can_be(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "a"
    assert invoke("init", str(repo), "--lang", "nl", "-q").exit_code == EXIT_OK
    git = ["git", "-c", "user.name=a", "-c", "user.email=a@example.org"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    result = invoke("check", str(repo), "--as-of", "2001-01-01")
    assert result.exit_code == EXIT_USAGE
    assert "isaccheck: fout: --as-of 2001-01-01: er is geen commit op of voor die datum" in result.stderr


def test_a_tab_in_isaccheck_yaml_of_a_dutch_repository(isac: Path) -> None:
    (isac / "isaccheck.yaml").write_text("templates:\n\t- sjablonen/**\n")
    result = invoke("check", str(isac))
    assert result.exit_code == EXIT_USAGE
    assert "isaccheck: fout: isaccheck.yaml:2: YAML-syntaxfout: de regel bevat een tab" in result.stderr
