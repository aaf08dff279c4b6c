"""click's own texts (usage errors, the words of --help) in the language of the run.

click builds its messages with `from gettext import gettext as _` (and `ngettext`) in each of its
modules, so they come from gettext's process-wide default domain ("messages"). That domain is
shared with every other user of `gettext.gettext` in the process (argparse, for one): installing a
Dutch catalog there (`gettext.textdomain`, `bindtextdomain`, `LANGUAGE=nl`) would translate their
messages too, and click has no domain of its own to install one for. So install() points the `_`
and `ngettext` names of click's own modules (and nothing else) at gettext() and ngettext() below:
in a Dutch run (Group.main sets the language for one invocation) they give the Dutch text of
MESSAGES, otherwise exactly what gettext gives, so English runs are byte-identical to before.

A few texts click makes once and keeps (the help text of --help and --version, cached on the
option; the [OPTIONS] metavar) are looked up when help is written instead (HELP, METAVARS: the
Formatter, Command and Group below, the classes of isaccheck's commands, call help_text() and
metavar()); so are isaccheck's own descriptions of its commands and options (clihelp.py). Where
click fills in an English word it made once ("file", "integer"), the Dutch text leaves it out:
str.format ignores an unused field.

click finds a usage error while it parses the arguments, so the language is decided from the
arguments as given (language_of), the first time a text needs it. Where the seed and click are
silent the wording is a Dutch ISAC secretary's, formal ("u") like isaccheck's own Dutch messages.
"""

from __future__ import annotations

import gettext as _gettext
import importlib
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterable, Sequence

import click

# The language of click's texts in this invocation; "en" outside one (click used by anything else).
LANG: ContextVar[str] = ContextVar("isaccheck_click_language", default="en")
# The invocation whose language is not decided yet: decided when a text first needs it (language()),
# so a run that shows none of click's texts (`--version`, most runs) never reads isac.yaml for it.
_UNDECIDED: ContextVar[tuple[click.Group, tuple[str, ...]] | None] = ContextVar("isaccheck_click_run", default=None)

# click's messages (click 8.x, the msgids of its gettext calls) in Dutch.
MESSAGES: dict[str, str] = {
    # usage and errors (exceptions.py, core.py, parser.py)
    "Usage:": "Gebruik:",
    "Try '{command} {option}' for help.": "Typ '{command} {option}' voor hulp.",
    "Error: {message}": "Fout: {message}",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such option: {name}": "Onbekende optie: {name}",  # click 8.1
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "Missing command.": "Er ontbreekt een opdracht.",
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende parameter",
    "Missing {param_type}": "Ontbrekende parameter",
    "Missing parameter: {param_name}": "Ontbrekende parameter: {param_name}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} neemt {nargs} waarden.",
    "Value must be an iterable.": "De waarde moet een reeks zijn.",
    "Could not open file {filename!r}: {message}": "Kan bestand {filename!r} niet openen: {message}",
    "Aborted!": "Afgebroken!",
    # values (types.py); {name} and {number_type} are English words click made once: left out
    "{name} {filename!r} does not exist.": "{filename!r} bestaat niet.",
    "{name} {filename!r} is a file.": "{filename!r} is een bestand, geen map.",
    "{name} {filename!r} is a directory.": "{filename!r} is een map, geen bestand.",
    "{name} '{filename}' is a directory.": "'{filename}' is een map, geen bestand.",  # click 8.1
    "{name} {filename!r} is not readable.": "{filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{filename!r} is niet schrijfbaar.",
    "{name} {filename!r} is not executable.": "{filename!r} is niet uitvoerbaar.",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig getal.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} is geen geldige waarheidswaarde. Bekende waarden: {states}",
    "{value!r} is not a valid boolean.": "{value!r} is geen geldige waarheidswaarde.",  # click 8.1
    "{value!r} is not a valid UUID.": "{value!r} is geen geldige UUID.",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    # help (core.py): headings and the extras after an option's help
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(dynamisch)",
    "required": "verplicht",
    "deprecated": "verouderd",
    # prompts (termui.py: init asks for --action-ref on a terminal)
    "Repeat for confirmation": "Herhaal ter bevestiging",
    "Error: The two entered values do not match.": "Fout: de twee ingevoerde waarden verschillen.",
    "Error: invalid input": "Fout: ongeldige invoer",
    "Error: {e.message}": "Fout: {e.message}",  # click 8.1
    "Error: The value you entered was invalid.": "Fout: de ingevoerde waarde is ongeldig.",  # click 8.1
}

# click's messages with a plural (the English singular is the key): Dutch singular and plural.
PLURALS: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})":
        ("Onverwacht extra argument ({args})", "Onverwachte extra argumenten ({args})"),
    "Did you mean {possibility}?": ("Bedoelt u {possibility}?", "(Bedoelt u een van: {possibilities}?)"),
    "Option {name!r} requires an argument.":
        ("Optie {name!r} heeft een waarde nodig.", "Optie {name!r} heeft {nargs} waarden nodig."),
    "{value!r} is not {choice}.": ("{value!r} is niet {choice}.", "{value!r} is geen van {choices}."),
    "{value!r} does not match the format {format}.":
        ("{value!r} past niet bij het formaat {format}.", "{value!r} past niet bij de formaten {formats}."),
    "Takes {nargs} values but 1 was given.":
        ("Neemt {nargs} waarden, maar er is 1 gegeven.", "Neemt {nargs} waarden, maar er zijn {len} gegeven."),
    "{len_type} values are required, but {len_value} was given.":
        ("{len_type} waarden nodig, maar er is {len_value} gegeven.",
         "{len_type} waarden nodig, maar er zijn {len_value} gegeven."),
}

# Texts click makes once and keeps, looked up each time help is written.
HELP: dict[str, str] = {
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
}
METAVARS: dict[str, str] = {
    "[OPTIONS]": "[OPTIES]",
    "COMMAND [ARGS]...": "OPDRACHT [ARGUMENTEN]...",
}

# The modules of click whose messages MESSAGES and PLURALS hold (click 8.1 to 8.5).
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui")


def language() -> str:
    """The language of click's texts now: the invocation's (decided on first use), else English."""
    undecided = _UNDECIDED.get()
    if undecided is not None:
        _UNDECIDED.set(None)
        LANG.set(language_of(*undecided))
    return LANG.get()


def gettext(message: str) -> str:
    found = MESSAGES.get(message)
    if found is not None and language() == "nl":
        return found
    return _gettext.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    found = PLURALS.get(singular)
    if found is not None and language() == "nl":
        return found[0] if n == 1 else found[1]
    return _gettext.ngettext(singular, plural, n)


def help_text(text: str) -> str:
    """A description as --help shows it, in Dutch in a Dutch run: click's own help of --help and
    --version (HELP), and isaccheck's of its commands and options (clihelp.py). An option's help may
    end in the extras click adds ("  [standaard: text]", already in the run's language)."""
    if language() != "nl":
        return text
    from .clihelp import DUTCH

    head, gap, extras = text.rpartition("  [")
    if gap and extras.endswith("]") and head in DUTCH:
        return DUTCH[head] + gap + extras
    return HELP.get(text) or DUTCH.get(text, text)


def metavar(piece: str) -> str:
    """A piece of the usage line: click's [OPTIONS] and COMMAND [ARGS]... in Dutch."""
    found = METAVARS.get(piece)
    return found if found is not None and language() == "nl" else piece


def install() -> None:
    """Point click's modules' `_` and `ngettext` at this module's (see the module's docs)."""
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if getattr(module, "_", None) is _gettext.gettext:
            module._ = gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is _gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def say(en: str, nl: str) -> str:
    """isaccheck's own text for a click error (a bad --as-of), in the language of the run."""
    return nl if language() == "nl" else en


# -- the classes of isaccheck's commands --------------------------------------------------------------

class Formatter(click.HelpFormatter):
    """--help in the run's language: the descriptions of options and commands (write_dl) and of the
    command itself (write_text) go through help_text()."""

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, help_text(text)) for term, text in rows], col_max, col_spacing)

    def write_text(self, text: str) -> None:
        super().write_text(help_text(text))


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    context_class = Context

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [metavar(piece) for piece in super().collect_usage_pieces(ctx)]


class Group(click.Group):
    """A command group whose click texts are in the language of the run (the module's docs)."""

    context_class = Context
    command_class = Command
    group_class: type[click.Group] | type[type] | None = type  # its groups are of its own class

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [metavar(piece) for piece in super().collect_usage_pieces(ctx)]

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        """Run with click's texts in the language of these arguments (language_of), for this call only."""
        import sys

        install()
        undecided = _UNDECIDED.set((self, tuple(sys.argv[1:] if args is None else args)))
        decided = LANG.set("en")
        try:
            return super().main(args, *rest, **kwargs)
        finally:
            LANG.reset(decided)
            _UNDECIDED.reset(undecided)


# -- the language of a run, before click parses it ------------------------------------------------

def language_of(group: click.Group, args: Sequence[str]) -> str:
    """The language a run of `args` speaks: its `--lang`, else the command's own default (`init`
    and `survey new` are Dutch, `rules`, `explain` and `adopt` English), else the language of the
    ISAC repository it is run on (isac.yaml at or above `--root`, the PATH argument or validate's
    first file, else the current folder; English without one). What click cannot parse is passed over: click says what
    is wrong with it, in this language."""
    command: click.Command = group
    rest = list(args)
    while isinstance(command, click.Group):
        positional = _positional(command, rest)
        sub = command.commands.get(positional[0][1]) if positional else None
        if sub is None:
            break
        rest = rest[positional[0][0] + 1:]
        command = sub
    given = _option_value(command, rest, "--lang")
    if given in ("nl", "en"):
        return given
    for param in command.params:
        if param.name == "lang" and param.default in ("nl", "en"):
            return str(param.default)
    where = _option_value(command, rest, "--root")
    if where is None:
        where = next(iter(_path_argument(command, rest)), None)
    return _repository_language(Path(where or "."))


def _path_argument(command: click.Command, args: list[str]) -> list[str]:
    """Where the command works, when its first argument says and was given: PATH, or validate's first FILE."""
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if not arguments or arguments[0].name not in ("path", "files"):
        return []
    positional = _positional(command, args)
    return [positional[0][1]] if positional else []


def _value_options(command: click.Command) -> set[str]:
    """The option names of a command that take a value (the next argument, when not given with =)."""
    names: set[str] = set()
    for param in command.params:
        if isinstance(param, click.Option) and not param.is_flag and not param.count:
            names.update(param.opts)
    return names


def _positional(command: click.Command, args: list[str]) -> list[tuple[int, str]]:
    """The arguments that are no option or option value, with their index."""
    takes_value = _value_options(command)
    found: list[tuple[int, str]] = []
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == "--":
            found.extend((i, a) for i, a in enumerate(args[index + 1:], index + 1))
            break
        elif arg.startswith("-") and arg != "-":
            skip = arg in takes_value
        else:
            found.append((index, arg))
    return found


def _option_value(command: click.Command, args: list[str], name: str) -> str | None:
    """The value given to option `name` (`--name VALUE` or `--name=VALUE`; the last one counts)."""
    takes_value = _value_options(command)
    value = None
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        if arg.startswith(name + "="):
            value = arg[len(name) + 1:]
        elif arg in takes_value:
            skip = True
            if arg == name and index + 1 < len(args):
                value = args[index + 1]
    return value


def _repository_language(start: Path) -> str:
    """isac.yaml's language in the nearest folder at or above start that holds one; "en" without."""
    from .cli import profile_language
    from .runner import enclosing_root

    try:
        root = enclosing_root(start)
    except (OSError, RuntimeError, ValueError):
        return "en"
    return "en" if root is None else profile_language(root)
