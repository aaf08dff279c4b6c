"""The command line: the only place that prints or exits.

Exit codes (documented in docs/cli.md):
  0  all good
  1  findings, or a failed gate
  2  usage or configuration error (bad option, no isac.yaml, a refused rule file)
  3  internal error (a bug in isaccheck: please report it)
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import click

from . import __version__, clitext
from .errors import IsaccheckError
from .escape import neutralise, plain

# Each command imports what it uses when it runs: `isaccheck --version` or `validate` in a
# pre-commit hook must not pay for jsonschema, git, the primitives and every reporter
# (docs/performance.md, start-up).
if TYPE_CHECKING:
    from . import gitevidence
    from .gitevidence import GitMode
    from .loadcache import LoadCache
    from .tlp import Label

# The names of the reporters (reporters.REPORTERS; a test keeps both the same).
CHECK_FORMATS = ("github", "gitlab", "json", "junit", "sarif", "text")

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(clitext.say(f"{value!r} is not a date; write YYYY-MM-DD",
                                             f"{value!r} is geen datum; schrijf JJJJ-MM-DD")) from None


def _parse_tlp(ctx: click.Context, param: click.Parameter, value: str | None) -> Label | None:
    if value is None:
        return None
    from .tlp import TlpError, parse_label

    try:
        return parse_label(value).label
    except TlpError as exc:
        raise click.BadParameter(clitext.say(exc.message.en, exc.message.nl)) from None


def _write(output: Path | None, text: str, color: bool = False, commands: bool = False) -> None:
    # Names from the file system or git may carry bytes that are not UTF-8 (as lone surrogates):
    # shown escaped rather than failing the whole output.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if not commands:  # only --format github writes workflow commands, with its data escaped
        text = neutralise(text)
    if output is None or str(output) == "-":
        # color=True keeps the escape codes that --color always (or FORCE_COLOR) asked for even
        # when stdout is a pipe; otherwise click strips them there.
        click.echo(text, nl=False, color=True if color else None)
    else:
        _write_file(output, text.encode("utf-8"))


# -- options every command has: -q, -v, --color -------------------------------------------------

def _setting(name: str) -> Any:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        ctx.meta[f"isaccheck.{name}"] = value
        return value
    return store


def _meta(name: str, default: Any = None) -> Any:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(f"isaccheck.{name}", default) if ctx is not None else default


def _common(verbose: bool = True) -> Callable[[F], F]:
    """-q, -v and --color on every command, so a user never meets "no such option" for them."""
    def decorate(function: F) -> F:
        function = click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
                                show_default=True, expose_value=False, callback=_setting("color"),
                                help="Colours in terminal output; auto honours NO_COLOR, FORCE_COLOR and TERM=dumb.",
                                )(function)
        function = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_setting("quiet"),
                                help="Only the result and errors: no notes, progress or file lists.")(function)
        if verbose:
            function = click.option("-v", "--verbose", is_flag=True, expose_value=False,
                                    callback=_setting("verbose"),
                                    help="Show more, including the traceback of an internal error.")(function)
        return function
    return decorate


def use_color(mode: str, stream_is_tty: bool, env: dict[str, str] | None = None) -> bool:
    """--color: never and always win; auto follows NO_COLOR, FORCE_COLOR, TERM=dumb and the terminal."""
    import os

    env = dict(os.environ) if env is None else env
    if mode != "auto":
        return mode == "always"
    if env.get("NO_COLOR"):
        return False  # no-color.org: any non-empty value
    force = env.get("FORCE_COLOR")
    if force is not None and force not in ("", "0", "false"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return stream_is_tty


def _color(output: Path | None) -> bool:
    to_terminal = (output is None or str(output) == "-") and sys.stdout.isatty()
    if output is not None and str(output) != "-":
        return False  # a file never gets escape codes
    return use_color(_meta("color", "auto"), to_terminal)


def interactive() -> bool:
    """A person at a terminal, who can answer a question (never in CI or a pipe)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def terminal_width() -> int:
    """The terminal's width for folded text; 80 when stdout is not a terminal (files, pipes, tests)."""
    import shutil

    if not sys.stdout.isatty():
        return 80
    return max(40, shutil.get_terminal_size((80, 24)).columns)


def _note(message: str) -> None:
    """A message about the run (not its result) on stderr; -q silences it."""
    if not _meta("quiet", False):
        click.echo(plain_line(f"isaccheck: {message}"), err=True)  # paths are data too


def _root(path: Path, lang: str | None = None) -> Path:
    """The ISAC repository path is in (walking up to isac.yaml); says so when it is not path itself."""
    from .runner import find_root

    ctx = click.get_current_context(silent=True)
    if ctx is not None and lang:
        ctx.meta["isaccheck.lang"] = lang  # --lang nl: a folder that is no repository is told in Dutch too
    root = find_root(path)
    chosen = lang or profile_language(root)
    if ctx is not None:
        ctx.meta["isaccheck.lang"] = chosen  # for the error line, should one follow
    if root != path:
        import os

        shown = os.path.relpath(root, Path.cwd())
        _note(f"ISAC-repository in {shown}" if chosen == "nl" else f"ISAC repository in {shown}")
    return root


def profile_language(root: Path) -> str:
    """isac.yaml's language for messages before the repository is loaded; "en" when unreadable
    (the load that follows reports what is wrong with the file)."""
    from .yamlutil import load_yaml

    profile = root / "isac.yaml"
    if profile.is_symlink() or not profile.is_file():
        return "en"  # never read through a link: it may lead out of the repository
    try:
        # The guarded loader of every other read: an alias bomb in isac.yaml is refused here too.
        data = load_yaml(profile.read_text(encoding="utf-8")).data
        language = data["isac"]["language"]
    except Exception:  # any problem is reported by the real load; this is only the message language
        return "en"
    return language if language in ("nl", "en") else "en"


def plain_line(line: str) -> str:
    """A line of document data for a log: inert (escape.py)."""
    return neutralise(plain(line))


def _write_file(output: Path, data: bytes) -> None:
    """-o FILE: a file that cannot be written is a usage error, not a bug."""
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise IsaccheckError(f"cannot write {output}: {exc.strerror or exc}",
                             message_nl=f"kan {output} niet schrijven: {exc.strerror or exc}") from None


_GIT_MODES: dict[str, GitMode] = {"auto": "auto", "on": "on", "off": "off"}


def _git_options(function: Any) -> Any:
    """Git as evidence (docs/git.md): what is read, and whether history is used."""
    function = click.option("--no-history", "history", is_flag=True, default=True, flag_value=False,
                            help="Skip the history pass (first commits, back-fill findings).")(function)
    function = click.option("--git", "git", flag_value="on", help="Use git even for a subfolder of a repository.")(function)
    function = click.option("--no-git", "git", flag_value="off", help="Ignore git: read the folder as plain files.")(function)
    function = click.option("--git-auto", "git", flag_value="auto", default=True, hidden=True)(function)
    return click.option("--committed-only", is_flag=True,
                        help="Evaluate HEAD's commit, not the working tree (for CI gates).")(function)


def _no_infer(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        from .repository import INFER

        INFER.set(False)
    return value


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        from .read.cache import ENABLED

        ENABLED.set(False)
    return value


def _jobs(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    import os

    from .jobs import ENV, JOBS, parse_jobs

    if value is None and os.environ.get(ENV, "").strip():
        try:
            value = parse_jobs(os.environ[ENV])
        except IsaccheckError as exc:
            # Named, not ignored: raised by _jobs_checked once the repository's language is known.
            ctx.meta["isaccheck.jobs_error"] = exc
    # For this invocation only (as --no-infer and --no-cache; a program or test calling isaccheck's
    # functions afterwards gets ISACCHECK_JOBS or the default). Set and reset here, not in
    # _Cli.invoke: only history and report import jobs.py.
    token = JOBS.set(value)
    ctx.call_on_close(lambda: JOBS.reset(token))
    return value


def _jobs_option(function: Any) -> Any:
    """--jobs: history and the report's trend evaluate past year ends in a second process (jobs.py)."""
    return click.option("--jobs", "-j", type=click.IntRange(min=1), expose_value=False, callback=_jobs,
                        is_eager=True, metavar="N",
                        help="Processes for the past year ends (as ISACCHECK_JOBS=N; default: 2 when this "
                             "process may use 2 or more CPUs; 1: one process).")(function)


def _jobs_checked() -> None:
    """A bad ISACCHECK_JOBS, in the repository's language (after _root)."""
    error = _meta("jobs_error")
    if error is not None:
        raise error


def _load_options(function: Any) -> Any:
    """--no-infer: read only frontmatter, sidecars and `types:` globs, never document text (docs/adopt.md).
    --no-cache: neither use nor write the cache of earlier runs (docs/performance.md)."""
    function = click.option("--no-cache", is_flag=True, expose_value=False, callback=_no_cache, is_eager=True,
                            help="Do not use or write the cache of earlier runs (as ISACCHECK_NO_CACHE=1).")(function)
    return click.option("--no-infer", is_flag=True, expose_value=False, callback=_no_infer, is_eager=True,
                        help="Do not infer fields from document text: only frontmatter, sidecars and globs.")(function)


class _Cli(clitext.Group):
    """Expected errors become one clear line and exit code 2; a bug becomes one line and 3.
    click's own texts (usage errors, --help) are in the language of the run (clitext.py)."""

    group_class = clitext.Group  # `rules`, `survey`: their errors are handled here, once

    def invoke(self, ctx: click.Context) -> Any:
        from .read.cache import ENABLED
        from .repository import INFER

        # Each invocation starts inferring and caching; --no-infer and --no-cache turn them off for
        # this one only, also for a program (or test) that goes on to call isaccheck's functions.
        inferring, caching = INFER.set(True), ENABLED.set(True)
        try:
            return self._invoke(ctx)
        finally:
            INFER.reset(inferring)
            ENABLED.reset(caching)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except IsaccheckError as exc:
            # The repository's language once it is known (_root): Dutch where a Dutch text exists.
            if ctx.meta.get("isaccheck.lang") == "nl" and exc.message_nl is not None:
                click.echo(plain_line(f"isaccheck: fout: {exc.text('nl')}"), err=True)
            else:
                click.echo(plain_line(f"isaccheck: error: {exc}"), err=True)
            ctx.exit(EXIT_USAGE)
        except BrokenPipeError:
            ctx.exit(EXIT_OK)
        except Exception as exc:
            if "-v" in sys.argv or "--verbose" in sys.argv:
                import traceback

                traceback.print_exc()
            click.echo(plain_line(f"isaccheck: internal error: {type(exc).__name__}: {exc} (please report this)"), err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="isaccheck")
def cli() -> None:
    """isaccheck: how mature is this ISAC, by the NCSC Next Generation ISAC model?"""


@cli.command(short_help="Evaluate an ISAC repository: levels, gap and plan.")
@_load_options
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--as-of", "as_of", callback=_parse_date, metavar="DATE", help="Evaluation date (default: today).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Output language (default: isac.yaml's language).")
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write to FILE instead of stdout.")
@click.option("--no-waivers", is_flag=True, help="Ignore not-applicable decisions: the profile without them.")
@click.option("--allow-code", is_flag=True, help="Run Python checks found in the repository's extra rule packs.")
@click.option("--tlp", "tlp_ceiling", callback=_parse_tlp, metavar="LABEL",
              help="TLP ceiling: leave out what quotes documents above it (e.g. GREEN).")
@click.option("-v", "--verbose", is_flag=True, callback=_setting("verbose"),
              help="Show every piece of evidence and everything missing.")
@_git_options
@click.option("--gate", "gate_specs", multiple=True, metavar="SPEC",
              help="Fail (exit 1) unless: ambition | STR=2,WOW=1 | baseline:FILE (combine with commas); "
                   "none: no level gate, not even isaccheck.yaml's. See docs/ci.md.")
@click.option("--fail-on", "fail_on", type=click.Choice(["error", "warning", "never"]),
              help="Which document findings fail the run (default: error, or gate.fail_on in isaccheck.yaml).")
@click.option("--policy-from", "policy_from", metavar="REF",
              help="Mark what this change did to the gate's policy, against the settings at git REF (the base branch).")
@_common(verbose=False)
def check(path: Path, as_of: dt.date | None, lang: str | None, fmt: str, output: Path | None,
          no_waivers: bool, allow_code: bool, tlp_ceiling: Label | None, verbose: bool,
          committed_only: bool, git: str, history: bool, gate_specs: tuple[str, ...], fail_on: str | None,
          policy_from: str | None) -> None:
    """Evaluate the ISAC repository at PATH (default: the current folder)."""
    from . import cigate
    from .reporters import RenderOptions, get_reporter
    from .runner import check as run_check

    path = _root(path, lang)  # first: the repository's language is the error's language
    cigate.parse_gate_specs(gate_specs)  # a bad --gate is a usage error before any work
    from .loadcache import LoadCache

    cache = LoadCache.open(path, "check")  # what the last check here loaded (docs/performance.md)
    run = run_check(path, as_of or dt.date.today(), no_waivers=no_waivers, allow_code=allow_code,
                    tlp_ceiling=tlp_ceiling, committed_only=committed_only, git=_GIT_MODES[git], history=history,
                    signers_from=policy_from, cache=cache)
    cache.save()
    evaluation = run.evaluation
    verdict, note = cigate.judge(run, path, gate_specs, fail_on, output, policy_from)
    if note:
        click.echo(note, err=True)
    options = RenderOptions(lang=lang or evaluation.language, verbose=verbose,
                            color=fmt == "text" and _color(output),
                            gate=verdict, path_prefix=cigate.path_prefix(path))
    _write(output, get_reporter(fmt).render(evaluation, run.pack, options), color=options.color,
           commands=fmt == "github")
    if fmt == "github":
        cigate.write_job_summary(evaluation, run.pack, options)
    for line in cigate.reason_lines(verdict, options.lang):
        click.echo(plain_line(line), err=True)
    if not verdict.passed:
        sys.exit(EXIT_FINDINGS)


@cli.group(short_help="List the checklist questions of the rule pack.")
def rules() -> None:
    """The rule pack: list its questions (`isaccheck explain ID` explains one)."""


@rules.command("list")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
@_common()
def rules_list(lang: str) -> None:
    """Every checklist question with its id, level and basis."""
    import textwrap
    from .i18n import word
    from .rulepack import load_builtin

    pack = load_builtin()
    width = terminal_width()
    for rule in pack.rules:
        basis = {"never": ("evidence", "bewijs"), "allowed": ("evidence|attestation", "bewijs|bevestiging"),
                 "only": ("attestation", "bevestiging")}[rule.attestation][lang == "nl"]
        head = f"{rule.id:<8} L{rule.level}  {basis:<20} "
        # The question folds under itself, between words, at the terminal's width.
        click.echo(textwrap.fill(rule.question(lang), width=max(width, len(head) + 20), initial_indent=head,
                                 subsequent_indent=" " * len(head), break_long_words=False,
                                 break_on_hyphens=False))
    click.echo(f"{len(pack.rules)} {word('rules', lang)} · {pack.name} {pack.version}")


def _complete_question_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of `explain`'s argument: the question ids of the built-in rule pack."""
    from .rulepack import load_builtin

    wanted = incomplete.upper()
    return [r.id for r in load_builtin().rules if r.id.startswith(wanted)]


@cli.command(short_help="Explain one question: evidence and advice.")
@click.argument("question_id", shell_complete=_complete_question_id)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
@_common()
def explain(question_id: str, lang: str) -> None:
    """The question, its level, the evidence it looks for and the advice."""
    from .explain import explain_rule
    from .rulepack import load_builtin

    pack = load_builtin()
    rule = pack.rule(question_id.upper())
    if rule is None:
        import difflib

        close = difflib.get_close_matches(question_id.upper(), [r.id for r in pack.rules], n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        hint_nl = f"; bedoelt u {close[0]}?" if close else ""
        click.get_current_context().meta["isaccheck.lang"] = lang  # the error line in the asked language
        raise IsaccheckError(f"no question {question_id} in the rule pack{hint}",
                             message_nl=f"geen vraag {question_id} in het regelpakket{hint_nl}")
    click.echo(explain_rule(rule, pack, lang, width=terminal_width()), nl=False)


@cli.command("tlp", short_help="The TLP inventory: labels, missing labels, violations.")
@_load_options
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Output language (default: isac.yaml's language).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write to FILE instead of stdout.")
@_common()
def tlp_command(path: Path, fmt: str, lang: str | None, output: Path | None) -> None:
    """The TLP inventory: documents per label, type and year; missing labels, disagreements, violations."""
    from .reporters.jsonout import SCHEMA_VERSION, dumps
    from .reporters.tlptext import render_inventory
    from .runner import load_for_inventory
    from .tlpinventory import inventory

    from .loadcache import LoadCache

    root = _root(path, lang)
    cache = LoadCache.open(root, "check")  # the same files, settings and keys as a check of today
    repo = load_for_inventory(root, cache=cache)
    cache.save()
    data = inventory(repo)
    chosen = lang or repo.profile.language
    _write(output, dumps({"schema_version": SCHEMA_VERSION, **data}) if fmt == "json"
           else render_inventory(data, repo.profile.name, chosen))
    if any(f["severity"] == "error" for f in data["findings"]):
        sys.exit(EXIT_FINDINGS)


# The collector's thresholds for a run: a first-generation collection after 50,000 new objects
# instead of 700, a full one after 100 second-generation ones instead of 10. Loading keeps every
# document (dicts, lists, dataclasses), and with the defaults the collector walked them hundreds of
# times: 0.25-0.3 s of a 20,000-document cold check (a tenth of its CPU), 0.03 s at 5,000. isaccheck
# makes few reference cycles; those it makes are still collected, after at most 50,000 allocations
# (a few MB), so no input can make garbage pile up.
GC_THRESHOLDS = (50_000, 20, 100)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point (argv None: the process's own command line, which ends with it)."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return cli.main(args=argv, prog_name="isaccheck")  # click ends it with SystemExit
    except SystemExit as exc:
        if argv is not None:
            raise
        # The run's frames (documents, cache, evaluation) go with `exc` when this block ends: freed by
        # reference counting before the collection below, which then walks only what is left.
        code = exc.code
    finally:
        gc.set_threshold(*before)  # a caller in the same process (a test) gets its own back
        # The evaluation index kept for the next year end holds the run's documents: let go.
        evidence = sys.modules.get("isaccheck.evidence")
        if evidence is not None:
            evidence.let_go()
    leave_collected()
    raise SystemExit(code)


def leave_collected() -> None:
    """Collect the garbage once more, then exempt what is left from collection: the process ends.

    Python's shutdown collects garbage several times while it clears the modules, each time walking
    every object still alive (modules, caches, the pack): 20-30 ms of a 0.6 s cold check of 5,000
    documents (docs/performance.md, seventh round). The garbage of the run is still collected here
    (its files closed, its finalizers run); frozen objects are still freed by reference counting,
    and exit handlers (weakref.finalize: git processes, kept folders) and the flushing of stdout and
    stderr run as before. Only for the process's own command line (main() without argv), once the
    run's objects are gone: a program or test that goes on after main(argv) keeps its collector.
    """
    gc.collect()
    gc.freeze()


# -- report (issue 6) ---------------------------------------------------------------------------

_REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}
_REPORT_EXTENSIONS = {"html": "html", "md": "md", "pdf": "pdf"}
FIRST_YEAR = 1990  # before the web and before any ISAC: a year like 25 is a typo for 2025


def report_format(output: Path | None, fmt: str | None) -> str:
    """The format from -o's extension; --format only where the extension does not say, or agrees."""
    if output is None or str(output) == "-":
        return fmt or "html"
    from_name = _REPORT_FORMATS.get(output.suffix.lower())
    if from_name is None:
        return fmt or "html"
    if fmt is not None and fmt != from_name:
        raise IsaccheckError(f"--format {fmt} does not match {output.name}, which is {from_name}: "
                             f"drop --format or change the file name",
                             message_nl=f"--format {fmt} past niet bij {output.name}, dat {from_name} is: "
                                        f"laat --format weg of verander de bestandsnaam")
    return from_name


def default_report_name(root: Path, lang: str, year: int, fmt: str) -> Path:
    """verslag-2026.html / report-2026.html in the current folder, or beside the repository when the
    current folder is inside it: the checked repository is never written."""
    name = f"{'verslag' if lang == 'nl' else 'report'}-{year}.{_REPORT_EXTENSIONS[fmt]}"
    here = Path.cwd().resolve()
    root = root.resolve()
    folder = root.parent if here == root or root in here.parents else here
    return folder / name


def _check_year(year: int, root: Path, cache: LoadCache) -> None:
    from .repository import first_document_year
    from .runner import load_for_inventory

    if year < FIRST_YEAR:
        guess = 2000 + year if year < 100 else None
        hint = f"; did you mean --year {guess}?" if guess else "; write the year in full (YYYY)"
        hint_nl = f"; bedoelt u --year {guess}?" if guess else "; schrijf het jaar voluit (JJJJ)"
        raise IsaccheckError(f"--year {year} is before {FIRST_YEAR}{hint}",
                             message_nl=f"--year {year} ligt voor {FIRST_YEAR}{hint_nl}")
    today = dt.date.today()
    if year >= today.year:
        # The first dated document's year is never after this year (documents dated later do not
        # count, and without any it is this year): nothing to check, so the repository is not loaded.
        return
    # The report's own run loads the same files again: with the same cache, from memory.
    documents = load_for_inventory(root, cache=cache).documents
    if any(d.date is not None for d in documents):
        first = first_document_year(documents, today)
        if year < first:
            raise IsaccheckError(f"--year {year} is before the ISAC's first dated document ({first}); "
                                 f"choose a year from {first} to {today.year}",
                                 message_nl=f"--year {year} ligt voor het eerste gedateerde document van de ISAC "
                                            f"({first}); kies een jaar van {first} tot en met {today.year}")


def _early_report_git(path: Path, year: int, as_of: dt.date | None, git: GitMode, committed_only: bool,
                      history: bool) -> gitevidence.PastCommits | None:
    """Begin the report's own run's git work (its history pass's `git log`) before _check_year loads
    today's files for a past year, so git runs meanwhile; build_report takes it over (None: nothing
    started). Any error is left to the report's own run, which raises it where it always did."""
    from . import gitevidence
    from .report import evaluation_date

    today = dt.date.today()
    if not history or year >= today.year:
        return None  # _check_year loads nothing then: nothing to run beside
    past = gitevidence.PastCommits()
    try:
        gitevidence.plan_source(path, as_of or evaluation_date(year, today), today, mode=git,
                                committed_only=committed_only, past=past, history=True).close()
    except IsaccheckError:
        past.close()
        return None
    return past


@cli.command("report", short_help="The yearly evidence report (HTML, Markdown, PDF).")
@_load_options
@_jobs_option
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--year", type=click.IntRange(dt.MINYEAR, dt.MAXYEAR), metavar="YYYY", help="The year to report on (default: the current year).")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf"]),
              help="html, md or pdf (default: from -o's extension, else html).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Report language (default: isac.yaml's language).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write to FILE; - for stdout (default: verslag-YYYY.html or report-YYYY.html).")
@click.option("--tlp", "tlp_ceiling", callback=_parse_tlp, metavar="LABEL",
              help="TLP ceiling: show only titles and texts of documents up to this label (e.g. GREEN).")
@click.option("--as-of", "as_of", callback=_parse_date, metavar="DATE",
              help="Evaluation date (default: 31 December of the year, or today for the current year).")
@_common()
@_git_options
def report_command(path: Path, year: int | None, fmt: str | None, lang: str | None, output: Path | None,
                   tlp_ceiling: Label | None, as_of: dt.date | None, committed_only: bool, git: str,
                   history: bool) -> None:
    """The yearly evidence report of the ISAC at PATH, as HTML, Markdown or PDF (see docs/report.md)."""
    from . import report as reportmod

    path = _root(path, lang)  # first: the repository's language is the error's language
    _jobs_checked()
    chosen = report_format(output, fmt)
    from .loadcache import LoadCache

    cache = LoadCache.open(path, "years")  # what the last report or history here loaded
    past = None
    if year is None:
        year = as_of.year if as_of else dt.date.today().year
    else:
        past = _early_report_git(path, year, as_of, _GIT_MODES[git], committed_only, history)
        try:
            _check_year(year, path, cache)
        except BaseException:
            if past is not None:
                past.close()
            raise
    built = reportmod.build_report(path, year, lang=lang, ceiling=tlp_ceiling, as_of=as_of, git=_GIT_MODES[git],
                                   committed_only=committed_only, history=history, cache=cache, past=past)
    cache.save()
    target = output if output is not None else default_report_name(path, built.lang, year, chosen)
    if chosen == "pdf":
        data = reportmod.render_pdf(built)
        if str(target) == "-":
            if sys.stdout.isatty():
                raise click.UsageError(clitext.say(
                    "a PDF is not for the terminal: give -o FILE.pdf, or pipe -o - into a file",
                    "een PDF is niet voor de terminal: geef -o BESTAND.pdf, of leid -o - naar een bestand"))
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            _write_file(target, data)
    else:
        _write(target, reportmod.render(built, chosen))
    if output is None:
        _note(f"verslag geschreven naar {target}" if built.lang == "nl" else f"report written to {target}")


# -- history (issue 7) --------------------------------------------------------------------------

@cli.command("history", short_help="The profile at every year end, from git history.")
@_load_options
@_jobs_option
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--since", type=click.IntRange(dt.MINYEAR, dt.MAXYEAR), metavar="YEAR", help="First year-end to show (default: the first commit's year).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Output language (default: isac.yaml's language).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write to FILE instead of stdout.")
@_common()
def history_command(path: Path, since: int | None, fmt: str, lang: str | None, output: Path | None) -> None:
    """The profile at the end of each year and now, from git history (see docs/git.md)."""
    import os

    from .history import profile_history, render_json, render_text

    path = _root(path, lang)
    _jobs_checked()
    progress = None  # never in machine-readable output, never in CI logs
    if fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI") and not _meta("quiet", False):
        def progress(message: str) -> None:
            click.echo(f"\r\033[K{message}", err=True, nl=False)
    from .loadcache import LoadCache

    cache = LoadCache.open(path, "years")  # what the last history or report here loaded
    points = profile_history(path, since, progress=progress, cache=cache)
    cache.save()
    if progress is not None:
        click.echo("\r\033[K", err=True, nl=False)
    from .gitevidence import find_repo

    text = render_json(points, lang or "en") if fmt == "json" else render_text(points, lang)
    if fmt == "text" and find_repo(path, "auto") is None:
        nl = (lang or (points[-1].language if points else "en")) == "nl"
        text += ("\nGeen git-geschiedenis: de jaareinden hierboven komen uit de huidige bestanden, op hun datum.\n"
                 "Wat er op elk jaareinde echt was, toont isaccheck alleen met git: zet de map onder git\n"
                 "(git init, git add -A, git commit) en leg elke wijziging vast met een commit.\n" if nl else
                 "\nNo git history: the year-end rows above come from today's files, by their dates.\n"
                 "Year-end rows that show what was really there need git: put the folder under git\n"
                 "(git init, git add -A, git commit) and commit every change.\n")
    _write(output, text)


# -- adopt (issue 10) ---------------------------------------------------------------------------

@cli.command("adopt", short_help="Files that are not documents yet, and what isaccheck infers.")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--write", is_flag=True,
              help="Write a .meta.yaml sidecar for review next to each file with a guessed type (never overwrites).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
@_common()
def adopt_command(path: Path, write: bool, fmt: str, lang: str) -> None:
    """Files at PATH that are not documents yet, and what isaccheck would infer from them (docs/adopt.md)."""
    from . import adopt
    from .reporters.jsonout import SCHEMA_VERSION, dumps

    click.get_current_context().meta["isaccheck.lang"] = lang  # for the error line, should one follow
    if not path.is_dir():
        raise IsaccheckError(f"{path} is not a folder; point isaccheck at the ISAC's repository folder",
                             message_nl=f"{path} is geen map; wijs isaccheck de map van de ISAC-repository aan")
    found = adopt.candidates(path)
    if write:
        adopt.write_sidecars(path, found, lang)
    click.echo(dumps({"schema_version": SCHEMA_VERSION, **adopt.as_json(found, lang)}) if fmt == "json"
               else adopt.as_text(found, lang), nl=False)


# -- CI and the user's hands (issue 5): validate, init ------------------------------------------

@cli.command("validate", short_help="Check documents (schema, TLP) without evaluating.")
@_load_options
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False),
              help="The repository root (default: the nearest folder above the files with isac.yaml).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Output language (default: isac.yaml's language).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--fail-on", "fail_on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True, help="Which findings make the exit code 1.")
@click.option("--skip-outside", is_flag=True,
              help="Skip (and name) files in no ISAC repository instead of failing: for hooks (docs/ci.md).")
@click.option("--tlp", "tlp_ceiling", callback=_parse_tlp, metavar="LABEL",
              help="TLP ceiling: leave out what quotes documents above it (e.g. GREEN).")
@_common()
def validate_command(files: tuple[Path, ...], root: Path | None, lang: str | None, fmt: str, fail_on: str,
                     skip_outside: bool, tlp_ceiling: Label | None) -> None:
    """Schema and TLP checks of FILES only (default: every document), without evaluating the rules."""
    from .gate import finding_fails
    from .reporters.github import command
    from .reporters.jsonout import SCHEMA_VERSION, dumps, finding_dict
    from .tlpout import notice
    from .validatefiles import shown_path, validate_files

    from .i18n import plural

    from .runner import has_profile

    # The error's language, should one follow: --lang, else the named root's isac.yaml.
    known = lang or (profile_language(root) if root is not None and has_profile(root) else None)
    if known:
        click.get_current_context().meta["isaccheck.lang"] = known
    done = validate_files(list(files), root, tlp_ceiling, skip_outside=skip_outside)
    lang = lang or profile_language(done.root)
    findings = done.findings
    label = notice(done.tlp, done.withheld)
    for rel, reason in done.skipped:
        shown = rel if reason == "outside-repository" else shown_path(done.root, rel)
        if lang == "nl":
            why = "in geen ISAC-repository (geen isac.yaml erboven)" if reason == "outside-repository" else "geen ISAC-document"
            click.echo(plain_line(f"isaccheck: {shown} overgeslagen: {why}"), err=True)
        else:
            why = "in no ISAC repository (no isac.yaml above it)" if reason == "outside-repository" else "not an ISAC document"
            click.echo(plain_line(f"isaccheck: skipped {shown}: {why}"), err=True)
    if fmt == "json":
        # Left out by isaccheck.yaml (templates, ignore): named, only when there are any.
        left_out = {key: list(paths) for key, paths in (("templates", done.templates), ("ignored", done.ignored))
                    if paths}
        # Paths relative to the repository root: no absolute path (it says where a user's files are).
        click.echo(dumps({"schema_version": SCHEMA_VERSION, "files": list(done.paths),
                          "skipped": [{"path": rel, "reason": reason} for rel, reason in done.skipped],
                          "tlp": done.tlp, "withheld": done.withheld,
                          "findings": [finding_dict(f, lang) for f in findings], **left_out}), nl=False)
    elif label is not None:
        click.echo(command("notice", label(lang), title="TLP") if fmt == "github" else plain_line(label(lang)))
    for f in findings if fmt != "json" else ():
        where = shown_path(done.root, f.path)
        if fmt == "github":
            kind = "error" if finding_fails(f, fail_on) else ("warning" if f.severity.value == "warning" else "notice")
            click.echo(command(kind, f.message(lang), file=where, line=f.line or 1, title=f"isaccheck: {f.code}"))
        else:
            line = f":{f.line}" if f.line else ""
            # Editors match "error"/"warning" in English; a Dutch run shows "fout"/"waarschuwing".
            from .i18n import SEVERITY_WORDS

            shown = SEVERITY_WORDS[f.severity.value](lang) if f.severity.value in SEVERITY_WORDS else f.severity.value
            click.echo(plain_line(f"{where}{line}: {shown}: {f.message(lang)} [{f.code}]"))
    errors = sum(1 for f in findings if f.severity.value == "error")
    warnings = sum(1 for f in findings if f.severity.value == "warning")
    counts = f"{plural(errors, 'error', lang)}, {plural(warnings, 'warning', lang)}"
    if lang == "nl":
        checked = plural(len(done.paths), "file", lang) if files else "de hele repository"
        _note(f"{checked} gecontroleerd: {counts}")
    else:
        checked = plural(len(done.paths), "file", lang) if files else "the whole repository"
        _note(f"validated {checked}: {counts}")
    if done.templates:
        from .runner import templates_note

        _note(templates_note(done.templates)(lang))
    if done.ignored:
        from .runner import ignored_note

        _note(ignored_note(done.ignored)(lang))
    if any(finding_fails(f, fail_on) for f in findings):
        sys.exit(EXIT_FINDINGS)


@cli.command("init", short_help="Start a new ISAC repository with templates.")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of the templates and of isaccheck's reports.")
@click.option("--name", help="The ISAC's name (default: the folder's name).")
@click.option("--only-missing", is_flag=True, help="Write only the files that are missing; keep every file there.")
@click.option("--action-ref", metavar="REF",
              help="Where the CI workflow gets isaccheck: OWNER/REPO@REF of the GitHub Action, or an https:// "
                   "repository URL. Without it (and no answer when asked) no workflow is written.")
@_common()
def init_command(path: Path, lang: str, name: str | None, only_missing: bool, action_ref: str | None) -> None:
    """Start a new ISAC document repository at PATH: isac.yaml, templates and a CI workflow."""
    from .i18n import plural
    from .scaffold import WORKFLOW_TARGET, init_repository, install_steps

    nl = lang == "nl"
    click.get_current_context().meta["isaccheck.lang"] = lang  # for the error line, should one follow
    if action_ref is None and interactive() and not _meta("quiet", False):
        asked = click.prompt(
            "Waar haalt de CI-workflow isaccheck vandaan? OWNER/REPO@REF of een https://-adres (leeg: geen workflow)"
            if nl else "Where does the CI workflow get isaccheck? OWNER/REPO@REF or an https:// URL (empty: no workflow)",
            default="", show_default=False).strip()
        action_ref = asked or None
    if action_ref is not None:
        install_steps(action_ref)  # a bad reference is refused before anything is written
    written = init_repository(path, lang, name, only_missing=only_missing, action_ref=action_ref)
    if _meta("quiet", False):
        return
    for rel in written:
        click.echo(f"  {rel}")
    steps = {
        "en": ["Next:", "  1. isac.yaml: fill in the purpose, the participants and the roles.",
               "  2. governance/membership-guidelines.md: complete, adopt (remove status: draft) and sign.",
               "  3. isaccheck check: the level per capability and what to do first."],
        "nl": ["Volgende stappen:", "  1. isac.yaml: vul het doel, de deelnemers en de rollen in.",
               "  2. governance/lidmaatschapsrichtlijnen.md: vul aan, stel vast (haal status: draft weg) en onderteken.",
               "  3. isaccheck check: het niveau per capability en wat eerst te doen."],
    }[lang]
    count = plural(len(written), "file", lang)
    click.echo(f"isaccheck: {count} geschreven in {path}" if nl else f"isaccheck: {count} written in {path}")
    if action_ref is None and not (path / WORKFLOW_TARGET).exists():
        click.echo(f"isaccheck: geen CI-workflow geschreven; later: isaccheck init {path} --only-missing "
                   f"--action-ref OWNER/REPO@REF (zie docs/ci.md)" if nl else
                   f"isaccheck: no CI workflow written; later: isaccheck init {path} --only-missing "
                   f"--action-ref OWNER/REPO@REF (see docs/ci.md)")
    for line in steps:
        click.echo(line)


# -- the self-assessment questionnaire (issue 16) -----------------------------------------------

@cli.group("survey", short_help="The self-assessment questionnaire and its answers.")
def survey_group() -> None:
    """The self-assessment: a questionnaire for every participant, and its answers imported (docs/survey.md)."""


@survey_group.command("new")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "md"]), default="xlsx", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (default: vragenlijst-zelfevaluatie.<format> or self-assessment-questionnaire.<format>; "
                   "'-' for stdout, csv and md only).")
@_common()
def survey_new(lang: str, fmt: str, output: Path | None) -> None:
    """The checklist as a questionnaire: every question, the answer choices, a note, the ambition per capability."""
    from . import survey
    from .rulepack import load_builtin

    click.get_current_context().meta["isaccheck.lang"] = lang  # for the error line, should one follow
    data = survey.render(load_builtin(), lang, fmt)
    if output is not None and str(output) == "-":
        if fmt == "xlsx":
            raise click.UsageError(clitext.say("an xlsx workbook is not written to the terminal; give -o FILE",
                                               "een xlsx-werkmap wordt niet naar de terminal geschreven; geef -o BESTAND"))
        _write(None, data.decode("utf-8-sig"))
        return
    target = output or Path(survey.default_name(lang, fmt))
    if target.exists() or target.is_symlink():
        raise IsaccheckError(f"{target} exists; isaccheck does not overwrite it (give another -o FILE)",
                             message_nl=f"{target} bestaat al; isaccheck overschrijft het niet (geef een ander -o BESTAND)")
    _write_file(target, data)
    _note(f"{target} geschreven" if lang == "nl" else f"{target} written")


@survey_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=".", show_default=True,
              help="The ISAC repository whose isac.yaml names the participants.")
@click.option("--date", "date", callback=_parse_date, metavar="DATE", help="The assessment's date (default: today).")
@click.option("--tlp", "tlp_label", callback=_parse_tlp, metavar="LABEL", help="The document's TLP label (default: AMBER).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Language of the messages and the title (default: isac.yaml's).")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="The document to write, or a folder for it (default: ROOT/assessments/).")
@_common()
def survey_import(files: tuple[Path, ...], root: Path, date: dt.date | None, tlp_label: Label | None,
                  lang: str | None, output: Path | None) -> None:
    """Read answers (survey sheets, form exports: csv, xlsx, md) into one self-assessment document."""
    from .config import PROFILE_FILE
    from .repository import load_profile
    from .i18n import plural
    from .rulepack import load_builtin
    from .surveyimport import build
    from .tlp import Label

    if root.is_dir():
        root = _root(root, lang)  # from any folder inside the repository, as every command
    profile_path = root / PROFILE_FILE
    if profile_path.is_symlink() and not profile_path.resolve().is_relative_to(root.resolve()):
        # As for check: a link out of the repository is not followed (docs/contract.md, "Bad input").
        raise IsaccheckError(f"{profile_path} is a link out of the repository; not read",
                             message_nl=f"{profile_path} is een koppeling naar buiten de repository; niet gelezen")
    try:
        profile_text = profile_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IsaccheckError(f"{profile_path}: cannot read the ISAC's isac.yaml ({exc}); give the repository with --root",
                             message_nl=f"{profile_path}: de isac.yaml van de ISAC is onleesbaar ({exc}); "
                                        "geef de repository met --root")
    profile, _ = load_profile(profile_text)
    when = date or dt.date.today()
    chosen = lang or profile.language
    click.get_current_context().meta["isaccheck.lang"] = chosen  # for the error line, should one follow
    name = f"{when.isoformat()}-{'zelfevaluatie' if chosen == 'nl' else 'self-assessment'}.md"
    target = output if output is not None else root / "assessments" / name
    if target.is_dir():
        target = target / name
    if target.exists() or target.is_symlink():
        raise IsaccheckError(f"{target} exists; isaccheck never overwrites a document (give another -o PATH)",
                             message_nl=f"{target} bestaat al; isaccheck overschrijft nooit een document "
                                        "(geef een ander -o PAD)")
    done = build(list(files), [str(f) for f in files], load_builtin(), profile, when, tlp_label or Label.AMBER, chosen)
    for problem in done.problems:
        click.echo(problem.line(chosen), err=True)
    if not done.respondents:
        raise IsaccheckError("no respondent could be imported; nothing written",
                             message_nl="geen enkele respondent ingelezen; niets geschreven")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, not even in a race
            handle.write(done.text)
    except OSError as exc:
        raise IsaccheckError(f"cannot write {target}: {exc.strerror or exc}",
                             message_nl=f"kan {target} niet schrijven: {exc.strerror or exc}") from None
    counts = (f"{plural(len(done.respondents), 'respondent', chosen)}, {plural(done.answered, 'answer', chosen)}, "
              f"{plural(len(done.problems), 'remark', chosen)}")
    _note(f"{target} written: {counts}" if chosen == "en" else f"{target} geschreven: {counts}")
    if any(p.severity == "warning" for p in done.problems):
        sys.exit(EXIT_FINDINGS)
