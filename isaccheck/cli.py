"""The command line: the only place that prints or exits.

Exit codes (documented in docs/cli.md):
  0  all good
  1  findings, or a failed gate
  2  usage or configuration error (bad option, no isac.yaml, a refused rule file)
  3  internal error (a bug in isaccheck: please report it)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import IsaccheckError
from .escape import neutralise, plain

# Each command imports what it uses when it runs: `isaccheck --version` or `validate` in a
# pre-commit hook must not pay for jsonschema, git, the primitives and every reporter
# (docs/performance.md, start-up).
if TYPE_CHECKING:
    from .gitevidence import GitMode
    from .tlp import Label

# The names of the reporters (reporters.REPORTERS; a test keeps both the same).
CHECK_FORMATS = ("github", "gitlab", "json", "junit", "sarif", "text")

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
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _parse_tlp(ctx: click.Context, param: click.Parameter, value: str | None) -> Label | None:
    if value is None:
        return None
    from .tlp import TlpError, parse_label

    try:
        return parse_label(value).label
    except TlpError as exc:
        raise click.BadParameter(exc.message.en) from None


def _write(output: Path | None, text: str, commands: bool = False) -> None:
    # Names from the file system or git may carry bytes that are not UTF-8 (as lone surrogates):
    # shown escaped rather than failing the whole output.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if not commands:  # only --format github writes workflow commands, with its data escaped
        text = neutralise(text)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_file(output, text.encode("utf-8"))


def plain_line(line: str) -> str:
    """A line of document data for a log: inert (escape.py)."""
    return neutralise(plain(line))


def _write_file(output: Path, data: bytes) -> None:
    """-o FILE: a file that cannot be written is a usage error, not a bug."""
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise IsaccheckError(f"cannot write {output}: {exc.strerror or exc}") from None


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


def _infer_option(function: Any) -> Any:
    """--no-infer: read only frontmatter, sidecars and `types:` globs, never document text (docs/adopt.md)."""
    return click.option("--no-infer", is_flag=True, expose_value=False, callback=_no_infer, is_eager=True,
                        help="Do not infer fields from document text: only frontmatter, sidecars and globs.")(function)


class _Cli(click.Group):
    """Expected errors become one clear line and exit code 2; a bug becomes one line and 3."""

    def invoke(self, ctx: click.Context) -> Any:
        from .repository import INFER

        INFER.set(True)  # each invocation starts inferring; --no-infer turns it off for this one only
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except IsaccheckError as exc:
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


@cli.command()
@_infer_option
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--as-of", "as_of", callback=_parse_date, metavar="DATE", help="Evaluation date (default: today).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Output language (default: isac.yaml's language).")
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE instead of stdout.")
@click.option("--no-waivers", is_flag=True, help="Ignore not-applicable decisions: the profile without them.")
@click.option("--allow-code", is_flag=True, help="Run Python checks found in the repository's extra rule packs.")
@click.option("--tlp", "tlp_ceiling", callback=_parse_tlp, metavar="LABEL",
              help="TLP ceiling: leave out what quotes documents above it (e.g. GREEN).")
@click.option("-v", "--verbose", is_flag=True, help="Show every piece of evidence and everything missing.")
@_git_options
@click.option("--gate", "gate_specs", multiple=True, metavar="SPEC",
              help="Fail (exit 1) unless: ambition | STR=2,WOW=1 | baseline:FILE (combine with commas); "
                   "none: no level gate, not even isaccheck.yaml's. See docs/ci.md.")
@click.option("--fail-on", "fail_on", type=click.Choice(["error", "warning", "never"]),
              help="Which document findings fail the run (default: error, or gate.fail_on in isaccheck.yaml).")
@click.option("--policy-from", "policy_from", metavar="REF",
              help="Mark what this change did to the gate's policy, against the settings at git REF (the base branch).")
def check(path: Path, as_of: dt.date | None, lang: str | None, fmt: str, output: Path | None,
          no_waivers: bool, allow_code: bool, tlp_ceiling: Label | None, verbose: bool,
          committed_only: bool, git: str, history: bool, gate_specs: tuple[str, ...], fail_on: str | None,
          policy_from: str | None) -> None:
    """Evaluate the ISAC repository at PATH (default: the current folder)."""
    from . import cigate
    from .reporters import RenderOptions, get_reporter
    from .runner import check as run_check

    cigate.parse_gate_specs(gate_specs)  # a bad --gate is a usage error before any work
    run = run_check(path, as_of or dt.date.today(), no_waivers=no_waivers, allow_code=allow_code,
                    tlp_ceiling=tlp_ceiling, committed_only=committed_only, git=_GIT_MODES[git], history=history,
                    signers_from=policy_from)
    evaluation = run.evaluation
    verdict, note = cigate.judge(run, path, gate_specs, fail_on, output, policy_from)
    if note:
        click.echo(note, err=True)
    options = RenderOptions(lang=lang or evaluation.language, verbose=verbose,
                            color=output is None and fmt == "text" and sys.stdout.isatty(),
                            gate=verdict, path_prefix=cigate.path_prefix(path))
    _write(output, get_reporter(fmt).render(evaluation, run.pack, options), commands=fmt == "github")
    if fmt == "github":
        cigate.write_job_summary(evaluation, run.pack, options)
    for line in cigate.reason_lines(verdict, options.lang):
        click.echo(plain_line(line), err=True)
    if not verdict.passed:
        sys.exit(EXIT_FINDINGS)


@cli.group()
def rules() -> None:
    """The rule pack: list its questions (`isaccheck explain ID` explains one)."""


@rules.command("list")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
def rules_list(lang: str) -> None:
    """Every checklist question with its id, level and basis."""
    from .i18n import word
    from .rulepack import load_builtin

    pack = load_builtin()
    for rule in pack.rules:
        basis = {"never": ("evidence", "bewijs"), "allowed": ("evidence|attestation", "bewijs|bevestiging"),
                 "only": ("attestation", "bevestiging")}[rule.attestation][lang == "nl"]
        click.echo(f"{rule.id:<8} L{rule.level}  {basis:<20} {rule.question(lang)}")
    click.echo(f"{len(pack.rules)} {word('rules', lang)} · {pack.name} {pack.version}")


def _complete_question_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of `explain`'s argument: the question ids of the built-in rule pack."""
    from .rulepack import load_builtin

    wanted = incomplete.upper()
    return [r.id for r in load_builtin().rules if r.id.startswith(wanted)]


@cli.command()
@click.argument("question_id", shell_complete=_complete_question_id)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
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
        raise IsaccheckError(f"no question {question_id} in the rule pack{hint}")
    click.echo(explain_rule(rule, pack, lang))


@cli.command("tlp")
@_infer_option
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Output language (default: isac.yaml's language).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE instead of stdout.")
def tlp_command(path: Path, fmt: str, lang: str | None, output: Path | None) -> None:
    """The TLP inventory: documents per label, type and year; missing labels, disagreements, violations."""
    from .reporters.jsonout import SCHEMA_VERSION, dumps
    from .reporters.tlptext import render_inventory
    from .runner import load_for_inventory
    from .tlpinventory import inventory

    repo = load_for_inventory(path)
    data = inventory(repo)
    chosen = lang or repo.profile.language
    _write(output, dumps({"schema_version": SCHEMA_VERSION, **data}) if fmt == "json"
           else render_inventory(data, repo.profile.name, chosen))
    if any(f["severity"] == "error" for f in data["findings"]):
        sys.exit(EXIT_FINDINGS)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="isaccheck")


# -- report (issue 6) ---------------------------------------------------------------------------

@cli.command("report")
@_infer_option
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--year", type=click.IntRange(dt.MINYEAR, dt.MAXYEAR), metavar="YYYY", help="The year to report on (default: the current year).")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf"]), default="html", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Report language (default: isac.yaml's language).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (required for pdf; html and md go to stdout without it).")
@click.option("--tlp", "tlp_ceiling", callback=_parse_tlp, metavar="LABEL",
              help="TLP ceiling: show only titles and texts of documents up to this label (e.g. GREEN).")
@click.option("--as-of", "as_of", callback=_parse_date, metavar="DATE",
              help="Evaluation date (default: 31 December of the year, or today for the current year).")
@_git_options
def report_command(path: Path, year: int | None, fmt: str, lang: str | None, output: Path | None,
                   tlp_ceiling: Label | None, as_of: dt.date | None, committed_only: bool, git: str,
                   history: bool) -> None:
    """The yearly evidence report of the ISAC at PATH, as HTML, Markdown or PDF (see docs/report.md)."""
    from . import report as reportmod

    if fmt == "pdf" and output is None:
        raise click.UsageError("--format pdf needs --output FILE")
    if year is None:
        year = as_of.year if as_of else dt.date.today().year
    built = reportmod.build_report(path, year, lang=lang, ceiling=tlp_ceiling, as_of=as_of, git=_GIT_MODES[git],
                                   committed_only=committed_only, history=history)
    if fmt == "pdf":
        assert output is not None
        _write_file(output, reportmod.render_pdf(built))
    else:
        _write(output, reportmod.render(built, fmt))


# -- history (issue 7) --------------------------------------------------------------------------

@cli.command("history")
@_infer_option
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--since", type=click.IntRange(dt.MINYEAR, dt.MAXYEAR), metavar="YEAR", help="First year-end to show (default: the first commit's year).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Output language (default: isac.yaml's language).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE instead of stdout.")
def history_command(path: Path, since: int | None, fmt: str, lang: str | None, output: Path | None) -> None:
    """The profile at the end of each year and now, from git history (see docs/git.md)."""
    import os

    from .history import profile_history, render_json, render_text

    progress = None  # never in machine-readable output, never in CI logs
    if fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI"):
        def progress(message: str) -> None:
            click.echo(f"\r\033[K{message}", err=True, nl=False)
    points = profile_history(path, since, progress=progress)
    if progress is not None:
        click.echo("\r\033[K", err=True, nl=False)
    _write(output, render_json(points, lang or "en") if fmt == "json" else render_text(points, lang))


# -- adopt (issue 10) ---------------------------------------------------------------------------

@cli.command("adopt")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--write", is_flag=True,
              help="Write a .meta.yaml sidecar for review next to each file with a guessed type (never overwrites).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
def adopt_command(path: Path, write: bool, fmt: str, lang: str) -> None:
    """Files at PATH that are not documents yet, and what isaccheck would infer from them (docs/adopt.md)."""
    from . import adopt
    from .reporters.jsonout import SCHEMA_VERSION, dumps

    if not path.is_dir():
        raise IsaccheckError(f"{path} is not a folder; point isaccheck at the ISAC's repository folder")
    found = adopt.candidates(path)
    if write:
        adopt.write_sidecars(path, found, lang)
    click.echo(dumps({"schema_version": SCHEMA_VERSION, **adopt.as_json(found, lang)}) if fmt == "json"
               else adopt.as_text(found, lang), nl=False)


# -- CI and the user's hands (issue 5): validate, init ------------------------------------------

@cli.command("validate")
@_infer_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False),
              help="The repository root (default: the nearest folder above the files with isac.yaml).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="en", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--fail-on", "fail_on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True, help="Which findings make the exit code 1.")
@click.option("--skip-outside", is_flag=True,
              help="Skip (and name) files in no ISAC repository instead of failing: for hooks (docs/ci.md).")
@click.option("--tlp", "tlp_ceiling", callback=_parse_tlp, metavar="LABEL",
              help="TLP ceiling: leave out what quotes documents above it (e.g. GREEN).")
def validate_command(files: tuple[Path, ...], root: Path | None, lang: str, fmt: str, fail_on: str,
                     skip_outside: bool, tlp_ceiling: Label | None) -> None:
    """Schema and TLP checks of FILES only (default: every document), without evaluating the rules."""
    from .gate import finding_fails
    from .reporters.github import command
    from .reporters.jsonout import SCHEMA_VERSION, dumps, finding_dict
    from .tlpout import notice
    from .validatefiles import shown_path, validate_files

    done = validate_files(list(files), root, tlp_ceiling, skip_outside=skip_outside)
    findings = done.findings
    label = notice(done.tlp, done.withheld)
    for rel, reason in done.skipped:
        shown = rel if reason == "outside-repository" else shown_path(done.root, rel)
        why = "in no ISAC repository (no isac.yaml above it)" if reason == "outside-repository" else "not an ISAC document"
        click.echo(plain_line(f"isaccheck: skipped {shown}: {why}"), err=True)
    if fmt == "json":
        # Paths relative to the repository root: no absolute path (it says where a user's files are).
        click.echo(dumps({"schema_version": SCHEMA_VERSION, "files": list(done.paths),
                          "skipped": [{"path": rel, "reason": reason} for rel, reason in done.skipped],
                          "tlp": done.tlp, "withheld": done.withheld,
                          "findings": [finding_dict(f, lang) for f in findings]}), nl=False)
    elif label is not None:
        click.echo(command("notice", label(lang), title="TLP") if fmt == "github" else plain_line(label(lang)))
    for f in findings if fmt != "json" else ():
        where = shown_path(done.root, f.path)
        if fmt == "github":
            kind = "error" if finding_fails(f, fail_on) else ("warning" if f.severity.value == "warning" else "notice")
            click.echo(command(kind, f.message(lang), file=where, line=f.line or 1, title=f"isaccheck: {f.code}"))
        else:
            line = f":{f.line}" if f.line else ""
            click.echo(plain_line(f"{where}{line}: {f.severity.value}: {f.message(lang)} [{f.code}]"))
    errors = sum(1 for f in findings if f.severity.value == "error")
    warnings = sum(1 for f in findings if f.severity.value == "warning")
    checked = f"{len(done.paths)} file(s)" if files else "the whole repository"
    click.echo(f"isaccheck: validated {checked}: {errors} error(s), {warnings} warning(s)", err=True)
    if any(finding_fails(f, fail_on) for f in findings):
        sys.exit(EXIT_FINDINGS)


@cli.command("init")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of the templates and of isaccheck's reports.")
@click.option("--name", help="The ISAC's name (default: the folder's name).")
def init_command(path: Path, lang: str, name: str | None) -> None:
    """Start a new ISAC document repository at PATH: isac.yaml, templates and a CI workflow."""
    from .scaffold import init_repository

    written = init_repository(path, lang, name)
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
    click.echo(f"isaccheck: {len(written)} files written in {path}")
    for line in steps:
        click.echo(line)


# -- the self-assessment questionnaire (issue 16) -----------------------------------------------

@cli.group("survey")
def survey_group() -> None:
    """The self-assessment: a questionnaire for every participant, and its answers imported (docs/survey.md)."""


@survey_group.command("new")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "md"]), default="xlsx", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (default: vragenlijst-zelfevaluatie.<format> or self-assessment-questionnaire.<format>; "
                   "'-' for stdout, csv and md only).")
def survey_new(lang: str, fmt: str, output: Path | None) -> None:
    """The checklist as a questionnaire: every question, the answer choices, a note, the ambition per capability."""
    from . import survey
    from .rulepack import load_builtin

    data = survey.render(load_builtin(), lang, fmt)
    if output is not None and str(output) == "-":
        if fmt == "xlsx":
            raise click.UsageError("an xlsx workbook is not written to the terminal; give -o FILE")
        _write(None, data.decode("utf-8-sig"))
        return
    target = output or Path(survey.default_name(lang, fmt))
    if target.exists() or target.is_symlink():
        raise IsaccheckError(f"{target} exists; isaccheck does not overwrite it (give another -o FILE)")
    _write_file(target, data)
    click.echo(f"isaccheck: {target} written", err=True)


@survey_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=".", show_default=True,
              help="The ISAC repository whose isac.yaml names the participants.")
@click.option("--date", "date", callback=_parse_date, metavar="DATE", help="The assessment's date (default: today).")
@click.option("--tlp", "tlp_label", callback=_parse_tlp, metavar="LABEL", help="The document's TLP label (default: AMBER).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Language of the messages and the title (default: isac.yaml's).")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="The document to write, or a folder for it (default: ROOT/assessments/).")
def survey_import(files: tuple[Path, ...], root: Path, date: dt.date | None, tlp_label: Label | None,
                  lang: str | None, output: Path | None) -> None:
    """Read answers (survey sheets, form exports: csv, xlsx, md) into one self-assessment document."""
    from .config import PROFILE_FILE
    from .repository import load_profile
    from .rulepack import load_builtin
    from .surveyimport import build
    from .tlp import Label

    profile_path = root / PROFILE_FILE
    if profile_path.is_symlink() and not profile_path.resolve().is_relative_to(root.resolve()):
        # As for check: a link out of the repository is not followed (docs/contract.md, "Bad input").
        raise IsaccheckError(f"{profile_path} is a link out of the repository; not read")
    try:
        profile_text = profile_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IsaccheckError(f"{profile_path}: cannot read the ISAC's isac.yaml ({exc}); give the repository with --root")
    profile, _ = load_profile(profile_text)
    when = date or dt.date.today()
    chosen = lang or profile.language
    name = f"{when.isoformat()}-{'zelfevaluatie' if chosen == 'nl' else 'self-assessment'}.md"
    target = output if output is not None else root / "assessments" / name
    if target.is_dir():
        target = target / name
    if target.exists() or target.is_symlink():
        raise IsaccheckError(f"{target} exists; isaccheck never overwrites a document (give another -o PATH)")
    done = build(list(files), [str(f) for f in files], load_builtin(), profile, when, tlp_label or Label.AMBER, chosen)
    for problem in done.problems:
        click.echo(problem.line(chosen), err=True)
    if not done.respondents:
        raise IsaccheckError("no respondent could be imported; nothing written" if chosen == "en"
                             else "geen enkele respondent ingelezen; niets geschreven")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, not even in a race
            handle.write(done.text)
    except OSError as exc:
        raise IsaccheckError(f"cannot write {target}: {exc.strerror or exc}") from None
    summary = (f"isaccheck: {target} written: {len(done.respondents)} respondent(s), {done.answered} answer(s), "
               f"{len(done.problems)} remark(s)" if chosen == "en" else
               f"isaccheck: {target} geschreven: {len(done.respondents)} respondent(en), {done.answered} antwoord(en), "
               f"{len(done.problems)} opmerking(en)")
    click.echo(summary, err=True)
    if any(p.severity == "warning" for p in done.problems):
        sys.exit(EXIT_FINDINGS)
