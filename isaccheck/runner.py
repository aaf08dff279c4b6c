"""The flow in one place: load -> collect evidence -> evaluate -> infer levels. No printing here."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, MutableMapping

from .config import CONFIG_FILE, PROFILE_FILE, Config, glob_match, inside_repository, parse_config
from . import tlpout
from .errors import ConfigError
from .loadcache import LoadCache
from .model import Evaluation, Text
from .repository import Repository, load_repository, parsed_settings, read_settings_file
from .rulepack import RulePack, builtin_tlp_required_types, import_python_checks, load_packs
from .sources import Source, SourceEntry, WorkingTreeSource
from .tlp import Label

if TYPE_CHECKING:
    from . import gitevidence

# The evaluation and the git layer are imported by check() when it runs: `validate` and `tlp`
# load documents through this module without evaluating (start-up of the pre-commit hook).


@dataclass(frozen=True)
class CheckRun:
    evaluation: Evaluation
    pack: RulePack
    repository: Repository


def open_source(path: Path) -> Source:
    if not path.exists():
        raise ConfigError(f"{path} does not exist", message_nl=f"{path} bestaat niet")
    if not path.is_dir():
        raise ConfigError(f"{path} is not a folder; point isaccheck at the ISAC's repository folder",
                          message_nl=f"{path} is geen map; wijs isaccheck de map van de ISAC-repository aan")
    return WorkingTreeSource(path)


def has_profile(folder: Path) -> bool:
    """isac.yaml is there: a file, or something in its place (a link, a FIFO) the loader reports on."""
    profile = folder / PROFILE_FILE
    return profile.is_symlink() or (profile.exists() and not profile.is_dir())


def enclosing_root(start: Path) -> Path | None:
    """The nearest folder at or above start that holds isac.yaml, or None."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if has_profile(folder):
            return folder
    return None


def find_root(start: Path) -> Path:
    """The ISAC repository that start is in, found as git finds .git: walking up to isac.yaml.

    A secretary who runs a command from meetings/2026-10-01/ means the ISAC around it; telling
    them to run `init` there made a second ISAC inside the first. So `init` is suggested only
    when no folder above holds isac.yaml either.
    """
    open_source(start)
    if has_profile(start):
        return start  # as given: output paths stay as the user wrote them
    return root_above(start, "the repository's folder", "de map van de repository")


def root_above(start: Path, give_en: str, give_nl: str) -> Path:
    """The nearest folder from start upwards that holds isac.yaml, or the error that names what
    to give instead (give_en / give_nl: the repository's folder, --root...)."""
    found = enclosing_root(start)
    if found is None:
        raise ConfigError(f"no {PROFILE_FILE} in {start} or any folder above it: not inside an ISAC repository "
                          f"(run `isaccheck init` to start one, or give {give_en})",
                          message_nl=f"geen {PROFILE_FILE} in {start} of een map erboven: niet in een ISAC-repository "
                                     f"(begin er een met `isaccheck init`, of geef {give_nl})")
    return found


def _extra_packs(source: Source, listing: list[SourceEntry], folders: tuple[str, ...], allow_code: bool
                 ) -> tuple[list[tuple[str, dict[str, str]]], list[Text]]:
    packs: list[tuple[str, dict[str, str]]] = []
    warnings: list[Text] = []
    if not folders:
        return packs, warnings  # the common case: no walk over the listing's files at every year end
    entries = [e for e in listing if e.kind == "file"]
    for given in folders:
        folder = posixpath.normpath(given.replace("\\", "/")).removeprefix("./")
        if not inside_repository(given):
            raise ConfigError(f"rule_packs: {given} is not a folder inside the repository; refused", "isaccheck.yaml",
                              message_nl=f"rule_packs: {given} is geen map in de repository; geweigerd")
        inside = [e for e in entries if e.path.startswith(folder + "/")]
        if any(e.path == folder for e in entries):
            raise ConfigError(f"rule_packs: {given} is a file; name the folder that holds the rule files",
                              "isaccheck.yaml",
                              message_nl=f"rule_packs: {given} is een bestand; noem de map met de regelbestanden")
        if not inside:
            raise ConfigError(f"rule_packs: folder {folder} has no files", "isaccheck.yaml",
                              message_nl=f"rule_packs: map {folder} bevat geen bestanden")
        files = {e.path[len(folder) + 1:]: read_settings_file(source, e.path) for e in inside
                 if glob_match("**/*.yaml", e.path)}
        packs.append((folder, files))
        code = [e.path for e in inside if e.path.endswith(".py")]
        if code and allow_code and isinstance(source, WorkingTreeSource):
            import_python_checks(source.root / folder)
        elif code:
            warnings.append(Text(
                f"{folder} contains Python checks ({', '.join(code)}); not run (use --allow-code to run them)",
                f"{folder} bevat Python-checks ({', '.join(code)}); niet uitgevoerd (gebruik --allow-code)"))
    return packs, warnings


class _WithTodaysSettings:
    """A past commit's tree, with today's isac.yaml / isaccheck.yaml where the commit has none.

    An archive is often put in git years before it is adopted: isac.yaml and isaccheck.yaml
    (with the `types:` globs that make its files documents) only arrive at adoption. Evaluating
    an earlier commit then uses today's settings, with a note, instead of failing.
    """

    def __init__(self, tree: Source, today: Source, missing: list[SourceEntry]) -> None:
        self.tree, self.today = tree, today
        self.missing = {e.path: e for e in missing}
        self.label = tree.label

    def entries(self) -> Iterator[SourceEntry]:
        return iter(sorted([*self.tree.entries(), *self.missing.values()], key=lambda e: e.path))

    def read(self, path: str) -> bytes:
        return self.today.read(path) if path in self.missing else self.tree.read(path)

    def read_many(self, paths: list[str]) -> dict[str, bytes]:
        read_many = getattr(self.tree, "read_many", None)
        ours = [p for p in paths if p not in self.missing]
        found: dict[str, bytes] = dict(read_many(ours)) if read_many is not None else {p: self.tree.read(p) for p in ours}
        found.update((p, self.today.read(p)) for p in paths if p in self.missing)
        return found

    def stream_many(self, paths: list[str]) -> MutableMapping[str, bytes]:
        """read_many's bytes as the tree streams them (GitTreeSource.stream_many), today's settings files added."""
        stream = getattr(self.tree, "stream_many", None)
        if stream is None:
            return self.read_many(paths)
        found: MutableMapping[str, bytes] = stream([p for p in paths if p not in self.missing])
        for path in paths:
            if path in self.missing:
                found[path] = self.today.read(path)
        return found

    def subtrees(self) -> Any:
        """The tree's folders (GitTreeSource.subtrees): today's settings files are at the top, in none."""
        subtrees = getattr(self.tree, "subtrees", None)
        return subtrees() if subtrees is not None else None

    def close(self) -> None:
        close = getattr(self.tree, "close", None)
        if close is not None:
            close()


def _settings_from_today(plan: gitevidence.GitPlan, path: Path) -> Text | None:
    """Use today's settings files for a commit that predates them (see _WithTodaysSettings)."""
    if plan.working_tree:
        return None
    listed = getattr(plan.source, "listed", None)  # a git tree's: two look-ups, not a walk over its listing
    present = ({name for name in (PROFILE_FILE, CONFIG_FILE) if listed(name)} if listed is not None
               else {e.path for e in plan.source.entries() if e.path in (PROFILE_FILE, CONFIG_FILE)})
    today = WorkingTreeSource(path)
    missing = [e for e in (today.top_level_file(name) for name in sorted((PROFILE_FILE, CONFIG_FILE)))
               if e is not None and e.path not in present and e.kind == "file"]
    if not missing:
        return None
    plan.source = _WithTodaysSettings(plan.source, today, missing)
    names = " and ".join(e.path for e in missing)
    return Text(f"{names} not in {plan.source.label}: today's used (they were added later, at adoption)",
                f"{names} niet in {plan.source.label}: die van vandaag gebruikt (later toegevoegd, bij de adoptie)")


def check(path: Path, as_of: dt.date, *, no_waivers: bool = False, allow_code: bool = False,
          source: Source | None = None, commit: str | None = None, tlp_ceiling: Label | None = None,
          committed_only: bool = False, git: gitevidence.GitMode = "auto", history: bool = True,
          today: dt.date | None = None, signers_from: str | None = None, cache: LoadCache | None = None,
          forecast: bool = True, past: gitevidence.PastCommits | None = None) -> CheckRun:
    """Evaluate the repository at path as of a date.

    Without a given source, git decides what is read (gitevidence.py): an as-of date before
    today evaluates the tree of the last commit on or before it; otherwise the working tree
    (uncommitted documents named in a warning), or HEAD's tree with committed_only. `history`
    adds the facts of one `git log` pass (first commit per document, back-fill findings).
    `signers_from` (a git ref) verifies signatures with the allowed signers of that ref.
    `cache`: one LoadCache for the runs of one command (history, the report's trend).
    `forecast=False`: no coming-due forecast (for evaluations of which only levels are shown).
    `past`: one gitevidence.PastCommits for the runs of one command, so git is asked once.
    """
    from . import gitevidence

    plan: gitevidence.GitPlan | None = None
    if source is None:
        open_source(path)  # the plain errors for a missing path or a file
        # With history, its `git log` starts here and runs while the documents load (plan_source).
        plan = gitevidence.plan_source(path, as_of, today or dt.date.today(), mode=git,
                                       committed_only=committed_only, past=past, history=history)
    try:
        return _check(path, as_of, plan, source, commit, no_waivers=no_waivers, allow_code=allow_code,
                      tlp_ceiling=tlp_ceiling, history=history, signers_from=signers_from, cache=cache,
                      forecast=forecast)
    finally:
        gitevidence.stop_early(plan)  # an error ended the run before the history pass took its git log


def _check(path: Path, as_of: dt.date, plan: gitevidence.GitPlan | None, source: Source | None,
           commit: str | None, *, no_waivers: bool, allow_code: bool, tlp_ceiling: Label | None, history: bool,
           signers_from: str | None, cache: LoadCache | None, forecast: bool) -> CheckRun:
    """check() once the plan is made."""
    from . import gitevidence
    from .engine import evaluate
    from .gitrepo import GitError

    adopted: Text | None = None
    if plan is not None:
        adopted = _settings_from_today(plan, path)
        source, commit = plan.source, plan.commit
    assert source is not None
    try:
        repo, pack, warnings = _load(source, allow_code, cache=cache)
    except GitError as exc:
        raise ConfigError(f"git: {exc}") from None
    finally:
        if plan is not None:
            try:
                # The `git status` begun with the plan: its error came before any loading error
                # (plan_source ran it first), and still does, raised here in place of that error.
                plan.settle()
            finally:
                plan.close()
    if plan is not None:
        warnings = list(plan.warnings) + ([adopted] if adopted else []) + warnings
        dirty = gitevidence.uncommitted_warning(plan, repo)
        warnings += [dirty] if dirty else []
        commit = plan.commit
        if history:
            repo, more = gitevidence.apply_history(plan, repo)
            warnings += more
        repo, more = gitevidence.check_signatures(plan, repo, signers_from)
        warnings += more
    evaluation = evaluate(repo, pack, as_of, no_waivers=no_waivers, commit=commit, forecast=forecast)
    if repo.templates:
        warnings.append(templates_note(repo.templates))
    if repo.ignored:
        warnings.append(ignored_note(repo.ignored))
    if warnings:
        evaluation = replace(evaluation, warnings=evaluation.warnings + tuple(warnings))
    evaluation = tlpout.apply(evaluation, repo, tlp_ceiling)
    return CheckRun(evaluation, pack, repo)


def _names(paths: tuple[str, ...]) -> Text:
    """The first MAX_NAMED paths, and how many more."""
    from .i18n import MAX_NAMED

    shown = ", ".join(paths[:MAX_NAMED])
    more = len(paths) - MAX_NAMED
    if more <= 0:
        return Text(shown, shown)
    return Text(f"{shown} and {more} more", f"{shown} en nog {more}")


def ignored_note(paths: tuple[str, ...]) -> Text:
    """Files left out by `ignore` are named (counted when many): nothing is skipped silently."""
    from .i18n import plural

    names = _names(paths)
    return Text(f"{plural(len(paths), 'file', 'en')} not counted (ignore in {CONFIG_FILE}): {names.en}",
                f"{plural(len(paths), 'file', 'nl')} {'telt' if len(paths) == 1 else 'tellen'} niet mee "
                f"(ignore in {CONFIG_FILE}): {names.nl}")


def templates_note(paths: tuple[str, ...]) -> Text:
    """Templates are named, not silently skipped: the secretary sees why they do not count."""
    from .i18n import plural

    shown = ", ".join(paths)
    return Text(f"{plural(len(paths), 'template', 'en')} not counted as evidence (templates in {CONFIG_FILE}): "
                f"{shown}",
                f"{plural(len(paths), 'template', 'nl')} {'telt' if len(paths) == 1 else 'tellen'} niet mee als bewijs (templates in {CONFIG_FILE}): "
                f"{shown}")


def _load(source: Source, allow_code: bool, only: frozenset[str] | None = None, cache: LoadCache | None = None
          ) -> tuple[Repository, RulePack, list[Text]]:
    """Settings, rule packs and documents, from one listing of the source."""
    listing, by_path, config, extra, warnings = _settings(source, allow_code, cache)
    if cache is None:
        pack = load_packs(extra)
    else:
        # Rule files are plain text: the same texts give the same pack.
        key = json.dumps(extra, sort_keys=True)
        if key not in cache.packs:
            cache.packs[key] = load_packs(extra)
        pack = cache.packs[key]
    repo = load_repository(source, pack.tlp_required_types or None, config=config, only=only, entries=listing,
                           cache=cache, by_path=by_path)
    return repo, pack, warnings


def _settings(source: Source, allow_code: bool, cache: LoadCache | None = None
              ) -> tuple[list[SourceEntry], dict[str, SourceEntry], Config, list[tuple[str, dict[str, str]]], list[Text]]:
    """The listing (also by path), isaccheck.yaml and the texts of the extra rule packs; `cache`: a
    command's run cache, where isaccheck.yaml is parsed once per blob (repository.parsed_settings)."""
    listing = list(source.entries())
    by_path = {e.path: e for e in listing}
    config = parsed_settings(source, by_path, CONFIG_FILE, parse_config, cache)
    # The extra packs may register primitives (only with allow_code), so they load first.
    extra, warnings = _extra_packs(source, listing, config.rule_packs, allow_code)
    return listing, by_path, config, extra, warnings


def load_for_inventory(path: Path, only: frozenset[str] | None = None, cache: LoadCache | None = None) -> Repository:
    """The repository as loaded for a check, without evaluating it (for `isaccheck tlp`).

    With `only` (repository.selection()), just those documents: `isaccheck validate`.
    Only the pack's list of types that need a label is used: without extra packs it comes from
    the built-in pack.yaml, and the 56 rule files are not parsed (start-up of the pre-commit hook).
    """
    source = open_source(path)
    listing, by_path, config, extra, _ = _settings(source, allow_code=False)
    tlp_required = load_packs(extra).tlp_required_types if extra else builtin_tlp_required_types()
    return load_repository(source, tlp_required or None, config=config, only=only, entries=listing, cache=cache,
                           by_path=by_path)
