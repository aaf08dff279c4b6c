"""Git as evidence: which tree a run evaluates, history facts per document, signature checks.

The runner asks `plan_source` what to read (the working tree, HEAD's tree, or the tree of the
commit at an as-of date), then, after loading, `apply_history` (first-added commit and the
back-fill check, from one `git log` pass) and `check_signatures` (one verification call for
every signature entry that points at a commit or tag). Everything is read-only (gitrepo.py).

When git is used (mode "auto"): when the checked folder is the top level of a git work tree.
A folder nested deeper in some other project's repository (an example inside a tool's source,
a fixture) has that project's history, not the ISAC's; `--git` uses it anyway.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, TypeVar

from .config import CONFIG_FILE, PROFILE_FILE, Config
from .errors import ConfigError
from .i18n import plural, type_name
from .gitrepo import (
    SHALLOW_HISTORY,
    FirstParentLine,
    GitError,
    GitRepo,
    GitTreeSource,
    SharedTrees,
    ShallowCloneError,
    SignatureCheck,
    SignatureRef,
    open_repo,
)
from .model import Document, Finding, Severity, Text
from .primitives import signature_target
from .repository import Repository, parse_date
from .sources import Source, SourceEntry, WorkingTreeSource

GitMode = Literal["auto", "on", "off"]

EMPTY_REPOSITORY = Text(
    "the git repository has no commits yet: the working tree is evaluated; history facts and "
    "--as-of from history are unavailable until the first commit",
    "de git-repository heeft nog geen commits: de werkmap is beoordeeld; geschiedenis en "
    "--as-of uit de geschiedenis zijn pas na de eerste commit beschikbaar",
)
_SHOWN = 10  # paths named in a warning before "+N more"


@dataclass
class GitPlan:
    """What one run reads, and what it knows about git."""

    source: Source
    repo: GitRepo | None = None  # None: git is not used
    commit: str | None = None  # the evaluated commit (provenance)
    history_rev: str | None = None  # the revision whose history gives the facts
    working_tree: bool = True  # the working tree is evaluated (uncommitted files count)
    head: str | None = None
    uncommitted: tuple[list[str], list[str]] = ([], [])  # (changed, untracked)
    warnings: list[Text] = field(default_factory=list)
    status_started: bool = False  # `git status` runs while the documents load: settle() takes it

    def settle(self) -> None:
        """Take the `git status` plan_source started into `uncommitted`; a git error is raised as
        plan_source raised it before (the runner calls this before anything that follows the
        plan can raise its own error: right after loading, or when loading failed)."""
        if self.status_started and self.repo is not None:
            self.status_started = False
            try:
                self.uncommitted = self.repo.uncommitted_paths()
            except GitError as exc:
                raise _git_error(exc) from None

    def close(self) -> None:
        close = getattr(self.source, "close", None)
        if close is not None and not self.working_tree:
            close()


def _git_error(exc: GitError) -> ConfigError:
    return ConfigError(f"git: {exc}", message_nl=f"git: {exc}")  # git's own words, as git gave them


def find_repo(path: Path, mode: GitMode, committed_only: bool = False) -> GitRepo | None:
    """The repository to use as evidence for the folder at path, or None (see module docs)."""
    if mode == "off":
        if committed_only:
            raise ConfigError("--committed-only needs git; it cannot be combined with --no-git",
                              message_nl="--committed-only heeft git nodig; het gaat niet samen met --no-git")
        return None
    try:
        repo = open_repo(path)
    except GitError as exc:
        raise _git_error(exc) from None
    if repo is None:
        if mode == "on" or committed_only:
            option = "--committed-only" if committed_only else "--git"
            raise ConfigError(f"{option}: {path} is not inside a git work tree (or git is not installed)",
                              message_nl=f"{option}: {path} ligt niet in een git-werkmap (of git is niet geïnstalleerd)")
        return None
    if repo.prefix and mode == "auto" and not committed_only:
        return None
    _refuse_outside_gitdir(path, repo)
    return repo


# Asked for by the person running isaccheck (never by the checked repository, which could set anything).
TRUST_GITDIR_ENV = "ISACCHECK_TRUST_GITDIR"


def _refuse_outside_gitdir(path: Path, repo: GitRepo) -> None:
    """A `.git` file (or link) in the checked folder may point git at any repository on the machine:
    then that repository would be evaluated instead. Refused unless the gitdir lies inside the
    folder, or ISACCHECK_TRUST_GITDIR=1 says the user means it (a `git worktree` or a submodule).
    """
    dotgit = path / ".git"
    if not (dotgit.is_symlink() or dotgit.is_file()) or os.environ.get(TRUST_GITDIR_ENV) == "1":
        return
    try:
        gitdir = repo.git_dir().resolve()
    except GitError as exc:
        raise _git_error(exc) from None
    folder = path.resolve()
    if gitdir != folder and folder not in gitdir.parents:
        raise ConfigError(f"{dotgit} points git at {gitdir}, outside the checked folder: refused, since that other "
                          f"repository would be evaluated instead (set {TRUST_GITDIR_ENV}=1 if this is a git "
                          "worktree or submodule you trust, or use --no-git)",
                          message_nl=f"{dotgit} wijst git naar {gitdir}, buiten de gecontroleerde map: geweigerd, "
                                     f"want dan zou die andere repository worden beoordeeld (zet {TRUST_GITDIR_ENV}=1 "
                                     "als dit een vertrouwde git-worktree of submodule is, of gebruik --no-git)")


class PastCommits:
    """What one command (history, the report and its trend) learns of git once, for every as-of date.

    Each year end used to find the repository, read its config, ask for HEAD, walk the
    first-parent line to the date (`git log -1 --before`, which walks from HEAD every time) and
    list the tree with every blob's size: six git processes and, at 50,000 commits, most of a
    second per year end. Within one command none of that changes, so it is asked once: the
    repository per (folder, mode), HEAD, the whole first-parent line (one `git log`), and the
    trees and blobs read so far (SharedTrees). Only the listing of each tree's changed folders and
    the loading of blobs not seen before stay per year end.
    """

    def __init__(self) -> None:
        self._repos: dict[tuple[Path, GitMode, bool], GitRepo | None] = {}
        self._heads: dict[tuple[Path, str], str | None] = {}
        self._lines: dict[tuple[Path, str], FirstParentLine] = {}
        self._trees: dict[Path, SharedTrees] = {}

    def repo(self, path: Path, mode: GitMode, committed_only: bool) -> GitRepo | None:
        key = (path, mode, committed_only)
        if key not in self._repos:
            self._repos[key] = find_repo(path, mode, committed_only)
        return self._repos[key]

    def head(self, repo: GitRepo) -> str | None:
        key = (repo.top, repo.prefix)
        if key not in self._heads:
            self._heads[key] = repo.head()
        return self._heads[key]

    def trees(self, repo: GitRepo) -> SharedTrees:
        if repo.top not in self._trees:
            self._trees[repo.top] = SharedTrees(repo.top, repo.id_bytes)
        return self._trees[repo.top]

    def close(self) -> None:
        """Stop the command's cat-file process (also stopped at exit if this is not called) and any
        git work started early that no run took (GitRepo.stop_started)."""
        for trees in self._trees.values():
            trees.close()
        for repo in self._repos.values():
            if repo is not None:
                repo.stop_started()

    def for_child(self) -> PastCommits:
        """A PastCommits for a forked child (yearends.Ahead): what was learned of git (HEAD, the
        first-parent line: plain data) without anything that talks to git. Its repositories and
        cat-file are its own: the parent's hold pipes to git processes (and git work started
        early) that only the parent may read."""
        fresh = PastCommits()
        fresh._heads = dict(self._heads)
        fresh._lines = dict(self._lines)
        return fresh

    def line(self, repo: GitRepo) -> FirstParentLine:
        key = (repo.top, repo.prefix)
        if key not in self._lines:
            head = self.head(repo)
            self._lines[key] = repo.first_parent_line(head) if head is not None else FirstParentLine([])
        return self._lines[key]


def plan_source(path: Path, as_of: dt.date, today: dt.date, *, mode: GitMode = "auto",
                committed_only: bool = False, past: PastCommits | None = None, history: bool = False) -> GitPlan:
    """Which tree to evaluate: the commit at as_of (a past date), HEAD (committed only), or the working tree.

    `past`: what the earlier runs of this command learned of git (history's year ends).
    `history`: apply_history will follow: its `git log` starts now, as soon as the commit is known,
    and runs while the documents load (GitRepo.start_history); the caller ends it with
    stop_early(plan) when the run ends before apply_history took it.
    """
    working = WorkingTreeSource(path)
    repo = find_repo(path, mode, committed_only) if past is None else past.repo(path, mode, committed_only)
    if repo is None:
        return GitPlan(working)
    try:
        # A working-tree file's cache key is the id git would give it (Repository.blob_key), in
        # this repository's format, so an unchanged file shares the entries of its committed blob.
        working.object_format = repo.object_format
        return _plan(repo, working, as_of, today, committed_only, past, history)
    except GitError as exc:
        repo.stop_started()
        raise _git_error(exc) from None
    except BaseException:
        repo.stop_started()
        raise


def stop_early(plan: GitPlan | None) -> None:
    """End the git work plan_source started and the run did not take (see GitRepo.stop_started)."""
    if plan is not None and plan.repo is not None:
        plan.repo.stop_started()


def _plan(repo: GitRepo, working: WorkingTreeSource, as_of: dt.date, today: dt.date,
          committed_only: bool, past: PastCommits | None = None, history: bool = False) -> GitPlan:
    head = repo.head() if past is None else past.head(repo)
    if head is None:
        if committed_only:
            raise ConfigError("--committed-only: the git repository has no commits yet; there is nothing committed to evaluate",
                              message_nl="--committed-only: de git-repository heeft nog geen commits; er is niets "
                                         "gecommit om te beoordelen")
        return GitPlan(working, repo, warnings=[EMPTY_REPOSITORY])
    if as_of < today:
        line = past.line(repo) if past is not None else None
        at = repo.commit_at(as_of) if line is None else line.at(as_of)
        if at is None:
            first = repo.first_commit() if line is None else line.first()
            where = repo.branch() or f"the detached HEAD ({head[:7]})"
            if repo.is_shallow():
                raise ConfigError(
                    f"--as-of {as_of}: no commit on or before that date was fetched: this is a shallow clone; "
                    "fetch full depth (`fetch-depth: 0` on GitHub Actions, `GIT_DEPTH: 0` on GitLab CI)",
                    message_nl=f"--as-of {as_of}: er is geen commit op of voor die datum opgehaald: dit is een "
                               "ondiepe kloon; haal de hele geschiedenis op (`fetch-depth: 0` op GitHub Actions, "
                               "`GIT_DEPTH: 0` op GitLab CI)")
            since = f"; the first commit on {where} is of {first.date}" if first else ""
            since_nl = f"; de eerste commit is van {first.date}" if first else ""
            raise ConfigError(f"--as-of {as_of}: there is no commit on or before that date{since}: "
                              "the repository did not exist yet then",
                              message_nl=f"--as-of {as_of}: er is geen commit op of voor die datum{since_nl}: "
                                         "de repository bestond toen nog niet")
        if history:
            repo.start_history(at.sha)
        # `at` has the commit's date already: no `git log -1 --no-walk` for it (tree_source asks).
        tree = GitTreeSource(repo.top, repo.prefix, at.sha, at.date, shared=None if past is None else past.trees(repo))
        if at.sha == head:
            tree.working = repo.root  # its clean files are HEAD's blobs: read from disk (GitTreeSource)
        return GitPlan(tree, repo, commit=at.sha, history_rev=at.sha, working_tree=False, head=head)
    if history:
        repo.start_history(head)
    if committed_only:
        tree = repo.tree_source(head)
        tree.working = repo.root  # only files whose bytes are the committed blob are read from disk
        return GitPlan(tree, repo, commit=head, history_rev=head, working_tree=False, head=head)
    repo.start_uncommitted()  # runs while the documents load; GitPlan.settle() takes it
    return GitPlan(working, repo, commit=head, history_rev=head, head=head, status_started=True)


# --------------------------------------------------------------------------- uncommitted


def _named(paths: list[str]) -> str:
    shown = ", ".join(paths[:_SHOWN])
    return shown + (f" (+{len(paths) - _SHOWN})" if len(paths) > _SHOWN else "")


def uncommitted_warning(plan: GitPlan, repository: Repository) -> Text | None:
    """Name the documents whose working-tree state is not committed (and drop the commit id then)."""
    if not plan.working_tree or plan.repo is None:
        return None
    plan.settle()
    changed, untracked = plan.uncommitted
    relevant = {PROFILE_FILE, CONFIG_FILE}
    for doc in repository.documents:
        relevant.update((doc.path, doc.meta_path))

    def counts(path: str) -> bool:
        return path in relevant or path.endswith((".md", ".yaml", ".yml"))

    edited = [p for p in changed if counts(p)]
    new = [p for p in untracked if counts(p)]
    if not edited and not new:
        return None
    plan.commit = None  # what is evaluated is no commit
    parts_en, parts_nl = [], []
    if edited:
        parts_en.append(f"changed or deleted since the last commit: {_named(edited)}")
        parts_nl.append(f"gewijzigd of verwijderd sinds de laatste commit: {_named(edited)}")
    if new:
        parts_en.append(f"never committed: {_named(new)}")
        parts_nl.append(f"nooit gecommit: {_named(new)}")
    return Text(
        "the working tree is evaluated, including uncommitted work (" + "; ".join(parts_en)
        + "); use --committed-only to evaluate the last commit only",
        "de werkmap is beoordeeld, inclusief werk dat niet gecommit is (" + "; ".join(parts_nl)
        + "); gebruik --committed-only om alleen de laatste commit te beoordelen",
    )


# --------------------------------------------------------------------------- history facts


def apply_history(plan: GitPlan, repository: Repository) -> tuple[Repository, list[Text]]:
    """First-added commit per document and the back-fill check, from one history pass."""
    if plan.repo is None or plan.history_rev is None:
        return repository, []
    try:
        facts = plan.repo.history(plan.history_rev)
    except ShallowCloneError:
        return repository, [SHALLOW_HISTORY]
    except GitError as exc:
        raise _git_error(exc) from None
    config = repository.config
    imported = parse_date(config.imported_until) if config.imported_until else None
    documents: list[Document] = []
    findings: list[Finding] = []
    for doc in repository.documents:
        fact = facts.get(doc.path) or facts.get(doc.meta_path)
        if fact is None:
            documents.append(doc)
            continue
        documents.append(doc.with_commit(fact.first_commit))
        if doc.date is None or (imported is not None and fact.first_date <= imported):
            continue
        late = (fact.first_date - doc.date).days
        if late > config.backfill_tolerance_days:
            field_name = next((f for f in ("date", "adopted_on") if doc.line_of(f)), None)
            findings.append(Finding(
                "backfilled", Severity.WARNING, doc.meta_path,
                doc.line_of(field_name) if field_name else None,
                Text(f"{doc.type} dated {doc.date} first committed {fact.first_date} "
                     f"({fact.first_commit[:7]}, {late} days later): back-filled, or moved? "
                     f"(moves git recognises are followed, a file moved and rewritten counts from its move; tolerance {config.backfill_tolerance_days} days: history.backfill_tolerance_days in {CONFIG_FILE})",
                     f"{type_name(doc.type, 'nl').capitalize()} gedateerd {doc.date}, pas op {fact.first_date} in git vastgelegd "
                     f"({fact.first_commit[:7]}, {late} dagen later): achteraf toegevoegd, of verplaatst? "
                     f"(verplaatsingen die git herkent worden gevolgd, een verplaatst en herschreven bestand telt vanaf de verplaatsing; marge {config.backfill_tolerance_days} dagen: history.backfill_tolerance_days in {CONFIG_FILE})"),
                field=field_name))
    repository = replace(repository, documents=tuple(documents),
                         findings=tuple(sorted(set(repository.findings) | set(findings), key=Finding.sort_key)))
    return repository, []


# --------------------------------------------------------------------------- signatures


def _signature_entries(repository: Repository) -> list[tuple[Document, int, SignatureRef]]:
    found = []
    for doc in repository.documents:
        if doc.type != "membership-guidelines":
            continue
        entries = doc.meta.get("signatures")
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            target = signature_target(entry) if isinstance(entry, dict) else None
            if target is not None:
                found.append((doc, index, SignatureRef(*target)))  # type: ignore[arg-type]
    return found


def check_signatures(plan: GitPlan, repository: Repository, signers_from: str | None = None
                     ) -> tuple[Repository, list[Text]]:
    """Verify every signature entry that points at git, in one call; findings for bad and missing ones.

    With `signers_from` (a git ref: the base branch in CI), the allowed signers are those of that
    ref's settings and file, not the checked tree's: a pull request that adds its own key and signs
    its own entry must not verify (issue 15.13).
    """
    if signers_from is not None and plan.repo is not None and _signature_entries(repository):
        with tempfile.TemporaryDirectory(prefix="isaccheck-signers-") as folder:
            base = _signers_at(plan.repo, signers_from, Path(folder))
            return _check_signatures(plan, repository, base, outside_ok=True)
    config = repository.config
    return _check_signatures(plan, repository, Path(config.allowed_signers) if config.allowed_signers else None)


T = TypeVar("T")


def read_at_ref(repo: GitRepo, ref: str, read: Callable[[Source, dict[str, SourceEntry]], T]) -> T:
    """read(source, entries) on the checked folder as committed at git ref (--policy-from)."""
    try:
        sha = repo.resolve_commit(ref)
        if sha is None:
            raise ConfigError(f"--policy-from {ref}: no such commit in the repository",
                              message_nl=f"--policy-from {ref}: die commit staat niet in de repository")
        source = repo.tree_source(sha)
        try:
            return read(source, {e.path: e for e in source.entries()})
        finally:
            source.close()
    except GitError as exc:
        raise ConfigError(f"--policy-from {ref}: git: {exc}", message_nl=f"--policy-from {ref}: git: {exc}") from None


def _signers_at(repo: GitRepo, ref: str, folder: Path) -> Path | None:
    """A copy of the allowed-signers file named by the settings at ref, or None when they name none."""
    from .config import parse_config
    from .repository import settings_text

    def copy(source: Source, entries: dict[str, SourceEntry]) -> Path | None:
        named = parse_config(settings_text(source, entries, CONFIG_FILE)).allowed_signers
        if not named or named.lstrip("./") not in entries:
            return None
        target = folder / "allowed_signers"
        target.write_bytes(source.read(named.lstrip("./")))
        return target

    return read_at_ref(repo, ref, copy)


def _check_signatures(plan: GitPlan, repository: Repository, signers: Path | None, outside_ok: bool = False
                      ) -> tuple[Repository, list[Text]]:
    entries = _signature_entries(repository)
    if not entries:
        return repository, []
    if plan.repo is None:
        return repository, [Text(
            f"{plural(len(entries), 'signature', 'en')} {'points' if len(entries) == 1 else 'point'} at a git commit or tag, but git is not used here "
            "(no git work tree at this folder's top level; use --git for a subfolder): shown as declared",
            f"{plural(len(entries), 'signature', 'nl')} {'verwijst' if len(entries) == 1 else 'verwijzen'} naar een git-commit of -tag, maar git wordt hier niet "
            "gebruikt (geen git-werkmap op het hoogste niveau van deze map; gebruik --git voor een submap): "
            "getoond als verklaard")]
    config = repository.config
    try:
        results = plan.repo.verify_signatures([ref for _, _, ref in entries], signers, outside_ok=outside_ok)
    except GitError as exc:
        raise ConfigError(f"allowed_signers: {exc}", CONFIG_FILE, config.lines.get("allowed_signers"),
                          message_nl=f"allowed_signers: {exc}") from None
    owners = _signer_owners(plan.repo.root / signers) if signers else {}
    findings: list[Finding] = []
    per_entry: dict[tuple[str, ...], SignatureCheck] = {}
    for doc, index, ref in entries:
        check = results[ref]
        entry = doc.meta["signatures"][index]
        if check.status == "verified":
            check = _claim_holds(entry, check, ref, owners, plan.repo)
            # Keyed by organisation too: one signed commit may be named by several entries.
            per_entry[(ref.kind, ref.name, str(entry.get("organisation", "")).strip().lower())] = check
        if check.status not in ("bad", "missing"):
            continue
        line = doc.line_of(f"signatures.{index}.{ref.kind}") or doc.line_of(f"signatures.{index}")
        org = entry.get("organisation", "?")
        # A bad signature is a false claim; a missing object may only be unfetched (shallow clone).
        severity = Severity.ERROR if check.status == "bad" else Severity.WARNING
        findings.append(Finding(
            f"signature-{check.status}", severity, doc.meta_path, line,
            Text(f"signature of {org}: {ref.kind} {ref.name} is {_STATUS[check.status].en}: {check.detail.en}",
                 f"handtekening van {org}: {ref.kind} {ref.name} is {_STATUS[check.status].nl}: {check.detail.nl}"),
            field=f"signatures.{index}.{ref.kind}"))
    checks: dict[tuple[str, ...], SignatureCheck] = {(ref.kind, ref.name): results[ref] for _, _, ref in entries}
    checks.update(per_entry)
    return replace(repository, signature_checks=checks,
                   findings=tuple(sorted(set(repository.findings) | set(findings), key=Finding.sort_key))), []


# How far the date a signed commit was made may lie from the entry's `signed_on` (time zones, a
# commit made the next morning); more is a claim the signature does not back.
SIGNED_ON_TOLERANCE_DAYS = 7
_ORGANISATION_LINE = re.compile(r"^#\s*organi[sz]ation:\s*(.+?)\s*$", re.IGNORECASE)


def _signer_owners(path: Path) -> dict[str, str]:
    """allowed_signers principal -> the organisation it signs for (lower case).

    The file says it in comments: `# organisation: Rhine Delta Water` applies to the key lines
    below it. A principal under no such line signs for no organisation ("": fail closed).
    """
    owners: dict[str, str] = {}
    current: str | None = None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return owners
    for line in lines:
        stripped = line.strip()
        named = _ORGANISATION_LINE.match(stripped)
        if named:
            current = named.group(1).lower()
        elif stripped and not stripped.startswith("#"):
            for principal in stripped.split()[0].split(","):
                owners[principal.strip('"').lower()] = current or ""
    return owners


def _claim_holds(entry: Mapping[str, Any], check: SignatureCheck, ref: SignatureRef, owners: Mapping[str, str],
                 repo: GitRepo) -> SignatureCheck:
    """A verified signature backs the entry only when its signer signs for that organisation and,
    for a commit, it was made when the entry says (issue 15.13)."""
    org = str(entry.get("organisation", "")).strip()
    owner = owners.get((check.signer or "").lower())
    # An SSH signer is a principal of allowed_signers; an OpenPGP signer (a user id from the
    # keyring) is not, and has no organisation to compare (docs/security.md, known limits).
    if owner is not None and owner != org.lower():
        says = f"signs for {owner}" if owner else "is not named for any organisation (# organisation: lines)"
        says_nl = f"tekent voor {owner}" if owner else "is voor geen organisatie genoemd (regels # organisation:)"
        return replace(check, status="bad", detail=Text(
            f"signed by {check.signer}, who {says} in allowed_signers, not for {org}",
            f"ondertekend door {check.signer}, die {says_nl} in allowed_signers, niet voor {org}"))
    signed_on = parse_date(entry.get("signed_on"))
    if ref.kind == "commit" and signed_on is not None:
        try:
            made = repo.commit(ref.name).date
        except GitError:
            return check
        if abs((made - signed_on).days) > SIGNED_ON_TOLERANCE_DAYS:
            return replace(check, status="bad", detail=Text(
                f"the signed commit was made on {made}, but signed_on says {signed_on}",
                f"de ondertekende commit is van {made}, maar signed_on zegt {signed_on}"))
    return check


_STATUS: dict[str, Text] = {
    "verified": Text("verified", "geverifieerd"),
    "unverified": Text("not signed", "niet ondertekend"),
    "bad": Text("bad", "ongeldig"),
    "key-unknown": Text("signed with an unknown key", "ondertekend met een onbekende sleutel"),
    "missing": Text("missing", "niet gevonden"),
    "declared": Text("declared", "verklaard"),
}


def status_words(status: str) -> Text:
    return _STATUS.get(status, Text(status, status))

