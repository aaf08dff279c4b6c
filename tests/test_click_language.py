"""click's own texts in the language of the run (clitext.py): usage errors and the words of --help
are Dutch in a Dutch run and, in an English run, exactly what click prints (byte for byte)."""

from __future__ import annotations

import ast
import gettext
import importlib
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from isaccheck import clitext
from isaccheck.cli import cli

NL_PROFILE = "isac:\n  name: Kwelder-ISAC\n  language: nl\nparticipants: []\n"


@pytest.fixture
def dutch(tmp_path: Path) -> Path:
    """An ISAC repository whose isac.yaml says Dutch."""
    repo = tmp_path / "kwelder"
    repo.mkdir()
    (repo / "isac.yaml").write_text(NL_PROFILE, encoding="utf-8")
    return repo


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="isaccheck")
    return result.exit_code, result.output


# (arguments after the repository, English output as click writes it, Dutch output); "{R}": the repository
USAGE_CHECK = ("Usage: isaccheck check [OPTIONS] [PATH]\nTry 'isaccheck check --help' for help.\n\n",
               "Gebruik: isaccheck check [OPTIES] [PATH]\nTyp 'isaccheck check --help' voor hulp.\n\n")
CASES = {
    "no such option": (("check", "{R}", "--bogus"),
                       USAGE_CHECK[0] + "Error: No such option '--bogus'. Did you mean '--verbose'?\n",
                       USAGE_CHECK[1] + "Fout: Onbekende optie '--bogus'. Bedoelt u '--verbose'?\n"),
    "invalid choice": (("check", "{R}", "--format", "xml"),
                       USAGE_CHECK[0] + "Error: Invalid value for '--format': 'xml' is not one of 'github', 'gitlab', "
                                        "'json', 'junit', 'sarif', 'text'.\n",
                       USAGE_CHECK[1] + "Fout: Ongeldige waarde voor '--format': 'xml' is geen van 'github', 'gitlab', "
                                        "'json', 'junit', 'sarif', 'text'.\n"),
    "extra argument": (("check", "{R}", "tweede"),
                       USAGE_CHECK[0] + "Error: Got unexpected extra argument (tweede)\n",
                       USAGE_CHECK[1] + "Fout: Onverwacht extra argument (tweede)\n"),
    "extra arguments": (("check", "{R}", "a", "b"),
                        USAGE_CHECK[0] + "Error: Got unexpected extra arguments (a b)\n",
                        USAGE_CHECK[1] + "Fout: Onverwachte extra argumenten (a b)\n"),
    "option needs a value": (("check", "{R}", "--format"),
                             "Error: Option '--format' requires an argument.\n",
                             "Fout: Optie '--format' heeft een waarde nodig.\n"),
    "not a number": (("history", "{R}", "--since", "abc"),
                     "Usage: isaccheck history [OPTIONS] [PATH]\nTry 'isaccheck history --help' for help.\n\n"
                     "Error: Invalid value for '--since': 'abc' is not a valid integer range.\n",
                     "Gebruik: isaccheck history [OPTIES] [PATH]\nTyp 'isaccheck history --help' voor hulp.\n\n"
                     "Fout: Ongeldige waarde voor '--since': 'abc' is geen geldig getal.\n"),
    "bad date (isaccheck's)": (("check", "{R}", "--as-of", "2026-13-01"),
                               USAGE_CHECK[0] + "Error: Invalid value for '--as-of': '2026-13-01' is not a date; "
                                                "write YYYY-MM-DD\n",
                               USAGE_CHECK[1] + "Fout: Ongeldige waarde voor '--as-of': '2026-13-01' is geen datum; "
                                                "schrijf JJJJ-MM-DD\n"),
    "bad label (isaccheck's)": (("check", "{R}", "--tlp", "PAARS"),
                                USAGE_CHECK[0] + "Error: Invalid value for '--tlp': 'PAARS' is not a TLP label.",
                                USAGE_CHECK[1] + "Fout: Ongeldige waarde voor '--tlp': 'PAARS' is geen TLP-label."),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_usage_errors_in_both_languages(case: str, dutch: Path) -> None:
    args, english, dutch_text = CASES[case]
    filled = [str(dutch) if a == "{R}" else a for a in args]
    code, out = run(*filled)  # the repository's language: Dutch
    assert code == 2 and out.startswith(dutch_text), out
    code, out = run(*filled[:2], "--lang", "en", *filled[2:])  # --lang wins
    assert code == 2 and out.startswith(english), out


def test_missing_argument_and_unknown_command(dutch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("explain") == (2, "Usage: isaccheck explain [OPTIONS] QUESTION_ID\n"
                                 "Try 'isaccheck explain --help' for help.\n\nError: Missing argument 'QUESTION_ID'.\n")
    assert run("explain", "--lang", "nl") == (2, "Gebruik: isaccheck explain [OPTIES] QUESTION_ID\n"
                                                 "Typ 'isaccheck explain --help' voor hulp.\n\n"
                                                 "Fout: Ontbrekend argument 'QUESTION_ID'.\n")
    english = ("Usage: isaccheck survey [OPTIONS] COMMAND [ARGS]...\nTry 'isaccheck survey --help' for help.\n\n"
               "Error: No such command 'zzz'.\n")
    assert run("survey", "zzz") == (2, english)  # no ISAC here: English
    monkeypatch.chdir(dutch)  # a group has no PATH: the repository around the current folder
    assert run("survey", "zzz") == (2, "Gebruik: isaccheck survey [OPTIES] OPDRACHT [ARGUMENTEN]...\n"
                                         "Typ 'isaccheck survey --help' voor hulp.\n\n"
                                         "Fout: Onbekende opdracht 'zzz'.\n")


def test_help_in_both_languages(dutch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, english = run("--help")
    assert code == 0 and english.startswith("Usage: isaccheck [OPTIONS] COMMAND [ARGS]...\n")
    for line in ("\nOptions:\n", "\nCommands:\n", "Show the version and exit.", "Show this message and exit."):
        assert line in english
    monkeypatch.chdir(dutch)
    code, out = run("--help")
    assert code == 0 and out.startswith("Gebruik: isaccheck [OPTIES] OPDRACHT [ARGUMENTEN]...\n")
    for line in ("\nOpties:\n", "\nOpdrachten:\n", "Toon de versie en stop.", "Toon deze hulp en stop."):
        assert line in out
    for word in ("Usage:", "Options:", "Commands:", "Show the version", "Show this message"):
        assert word not in out
    # A command's help: its defaults too; the same process, English again with --lang en.
    code, out = run("check", "--lang", "nl", "--help")
    assert "[standaard: text]" in out and "Toon deze hulp en stop." in out and "[default:" not in out
    code, out = run("check", "--lang", "en", "--help")
    assert "[default: text]" in out and "Show this message and exit." in out and "Opties" not in out
    assert run("--version")[1] == run("--version")[1].replace("versie", "version")  # the version line is click's


def _own_help_texts() -> set[str]:
    """Every description isaccheck writes in --help: of each command (as click shows it) and option."""
    import inspect

    found: set[str] = set()

    def walk(command: click.Command) -> None:
        if command.help:
            found.add(inspect.cleandoc(command.help).partition("\f")[0])
        if command.short_help:
            found.add(command.short_help)
        found.update(p.help for p in command.params if isinstance(p, click.Option) and p.help and not p.hidden)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(cli)
    return found - set(clitext.HELP)


def test_every_help_text_of_isaccheck_has_its_dutch() -> None:
    """An option or command added (or its help reworded) without its Dutch in clihelp.py fails here."""
    from isaccheck.clihelp import DUTCH

    texts = _own_help_texts()
    assert sorted(texts - DUTCH.keys()) == []
    assert sorted(DUTCH.keys() - texts) == []  # no Dutch for a text that is gone


def test_dutch_help_is_dutch(dutch: Path) -> None:
    code, out = run("check", str(dutch), "--help")
    assert code == 0 and "Beoordeel de ISAC-repository in PATH" in out and "Peildatum (standaard: vandaag)." in out
    assert "[standaard: auto]" in out  # an option's help and click's extra after it
    for english in ("Evaluate", "Evaluation date", "Write to FILE", "Show", "default"):
        assert english not in out
    code, out = run("check", str(dutch), "--lang", "en", "--help")
    assert "Evaluate the ISAC repository at PATH" in out and "Evaluation date (default: today)." in out


def test_a_commands_own_default_language(dutch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`init` and `survey new` are Dutch unless told otherwise; `rules list` English, also in a Dutch repository."""
    monkeypatch.chdir(dutch)
    assert run("init", "--bogus")[1].startswith("Gebruik: isaccheck init [OPTIES]")
    assert run("init", "--lang", "en", "--bogus")[1].startswith("Usage: isaccheck init [OPTIONS]")
    assert run("rules", "list", "--bogus")[1].startswith("Usage: isaccheck rules list [OPTIONS]")
    assert run("rules", "list", "--lang=nl", "--bogus")[1].startswith("Gebruik: isaccheck rules list [OPTIES]")


def test_validate_speaks_the_language_of_its_files_repository(dutch: Path) -> None:
    (dutch / "notulen.md").write_text("---\ntype: minutes\n---\n", encoding="utf-8")
    code, out = run("validate", str(dutch / "notulen.md"), "--fail-on", "sometimes")
    assert code == 2 and "Fout: Ongeldige waarde voor '--fail-on'" in out, out
    code, out = run("validate", str(dutch / "notulen.md"), "--root", ".", "--fail-on", "sometimes")
    assert code == 2 and "Error: Invalid value for '--fail-on'" in out, out  # --root: no ISAC here


def test_isaccheck_usage_errors_of_its_own(dutch: Path, tmp_path: Path) -> None:
    code, out = run("survey", "new", "--format", "xlsx", "-o", "-")
    assert code == 2 and "een xlsx-werkmap wordt niet naar de terminal geschreven; geef -o BESTAND" in out
    code, out = run("survey", "new", "--lang", "en", "--format", "xlsx", "-o", "-")
    assert code == 2 and "an xlsx workbook is not written to the terminal; give -o FILE" in out


def test_click_is_translated_only_inside_a_run() -> None:
    """Other users of click and of gettext's default domain in the process see click's English."""
    run("--lang", "nl")  # a Dutch invocation has run in this process (an error, even)
    exceptions = importlib.import_module("click.exceptions")
    assert exceptions._ is clitext.gettext  # type: ignore[attr-defined]
    assert exceptions._("No such option {name!r}.") == "No such option {name!r}."  # type: ignore[attr-defined]
    assert gettext.gettext is not clitext.gettext and gettext.gettext("Usage:") == "Usage:"
    with pytest.raises(click.UsageError) as raised:
        click.Command("other", params=[click.Option(["--x"])]).main(["--y"], standalone_mode=False)
    assert raised.value.format_message() == "No such option '--y'. Did you mean '--x'?"
    assert clitext.language() == "en"


# click's messages isaccheck's users never see: a programming error in a command's declaration,
# a feature isaccheck does not use (prompts for confirmation, editors, colours, streams, Windows).
NOT_SHOWN = {
    "Could not determine name for option with declarations {decls!r}", "Name '{name}' defined twice",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?", "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.", "Invalid start character for option ({option})",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Do you want to continue?", "Confirm the action without prompting.", "Press any key to continue...",
    "Unknown color {colour!r}", "Unknown standard stream '{name}'", "unknown error", "Choice({choices})",
    "%(prog)s, version %(version)s",  # kept as click writes it: scripts read it (docs/cli.md)
    "file", "directory", "path",  # made once at import: the Dutch messages leave them out
    "Could not open file {filename!r}: {message}",
}


def test_every_message_click_shows_has_a_dutch_text() -> None:
    """A click upgrade that adds or rewords a message fails here, until the message has its Dutch."""
    known = {*clitext.MESSAGES, *clitext.PLURALS, *clitext.HELP} | NOT_SHOWN
    folder = Path(click.__file__).parent
    missing = []
    for name in ("core", "exceptions", "formatting", "parser", "types", "termui", "decorators"):
        for node in ast.walk(ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext")
                    and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value not in known):
                missing.append((name, node.args[0].value))
    assert missing == []
    assert all(name in sys.modules for name in (f"click.{m}" for m in ("core", "exceptions", "types")))


# -- report.py's own errors -------------------------------------------------------------------------

def test_report_errors_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    from typing import Any, cast

    from isaccheck import report as reportmod
    from isaccheck.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        reportmod.render(cast(Any, None), "docx")
    assert (str(raised.value), raised.value.text("nl")) == ("unknown report format docx",
                                                           "onbekend formaat voor het verslag: docx")

    class Fake:
        as_of = "2025-12-31"

    for value, english, dutch_text in (
            ("abc", "SOURCE_DATE_EPOCH='abc' is not a whole number of seconds since 1970-01-01 UTC",
             "SOURCE_DATE_EPOCH='abc' is geen geheel aantal seconden sinds 1970-01-01 UTC"),
            ("99999999999999", "SOURCE_DATE_EPOCH='99999999999999' is out of range: the date must fall in the years",
             "SOURCE_DATE_EPOCH='99999999999999' valt buiten het bereik: de datum moet in de jaren")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        with pytest.raises(ConfigError) as raised:
            reportmod.pdf_created(cast(Any, Fake()))
        assert str(raised.value).startswith(english) and raised.value.text("nl").startswith(dutch_text)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # not installed: the import fails
    with pytest.raises(reportmod.MissingExtra) as missing:
        reportmod.render_pdf(cast(Any, None))
    assert str(missing.value).startswith("PDF output needs the pdf extra (WeasyPrint): pip install 'isaccheck[pdf]'")
    assert missing.value.text("nl").startswith("een PDF-verslag heeft de pdf-extra (WeasyPrint) nodig")


def test_a_bad_source_date_epoch_in_a_dutch_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_report import _require

    _require("weasyprint", "ISACCHECK_REQUIRE_PDF")  # nothing skips in CI (docs/testing.md)
    haven = Path(__file__).resolve().parent.parent / "evidence-examples" / "haven-isac"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    code, out = run("report", str(haven), "--year", "2026", "--as-of", "2026-11-28", "--format", "pdf",
                    "-o", str(tmp_path / "verslag.pdf"))
    assert code == 2 and "isaccheck: fout: SOURCE_DATE_EPOCH='abc' is geen geheel aantal seconden" in out, out


def test_a_pdf_to_the_terminal_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    from click import testing

    from isaccheck import report as reportmod

    haven = Path(__file__).resolve().parent.parent / "evidence-examples" / "haven-isac"
    monkeypatch.setattr(reportmod, "render_pdf", lambda built: b"%PDF-")  # what it prints is not the point
    monkeypatch.setattr(testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    args = ("report", str(haven), "--year", "2026", "--as-of", "2026-11-28", "--format", "pdf", "-o", "-")
    code, out = run(*args)
    assert code == 2 and "Fout: een PDF is niet voor de terminal: geef -o BESTAND.pdf" in out, out
    code, out = run(*args, "--lang", "en")
    assert code == 2 and "Error: a PDF is not for the terminal: give -o FILE.pdf, or pipe -o - into a file" in out, out
