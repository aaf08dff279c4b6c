"""`isaccheck validate [FILES...]`: schema and TLP checks on some files only, for editors and hooks.

The repository root is the nearest folder at or above the files (or the current folder) that holds
isac.yaml. Only the given files are read as documents (with their sidecars), through the same
loader as `isaccheck check`; the rules are not evaluated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_FILE, PROFILE_FILE
from .errors import ConfigError
from . import tlpout
from .model import Finding
from .repository import selection
from .runner import find_root, has_profile, load_for_inventory, root_above
from .tlp import Label


@dataclass(frozen=True)
class Validated:
    root: Path
    paths: tuple[str, ...]  # repository-relative paths checked; empty: the whole repository
    findings: tuple[Finding, ...]
    # Given files not checked, with why: "not-a-document" (repository-relative) or
    # "outside-repository" (as given; only with skip_outside). Named, never dropped silently.
    skipped: tuple[tuple[str, str], ...] = ()
    tlp: str | None = None  # the label of what the findings quote (tlpout.py)
    withheld: int = 0
    templates: tuple[str, ...] = ()  # given files that are templates (isaccheck.yaml `templates`): not checked
    ignored: tuple[str, ...] = ()  # given files (or, without files, any) that isaccheck.yaml `ignore` leaves out


def _own_root(file: Path) -> Path | None:
    try:
        return find_root(file.absolute().parent)
    except ConfigError:
        return None


def validate_files(files: list[Path], root: Path | None = None, ceiling: Label | None = None,
                   skip_outside: bool = False) -> Validated:
    """Check FILES (all documents when none). skip_outside: a file in no ISAC repository is skipped
    and named instead of a usage error (for hooks, which are given every changed file of a larger
    repository; docs/ci.md)."""
    outside: list[tuple[str, str]] = []
    if skip_outside and files and root is None:
        inside_files = [f for f in files if _own_root(f) is not None]
        # Relative to the current folder, like the hook's own arguments (no absolute path in the output).
        outside = [(os.path.relpath(f.absolute()), "outside-repository") for f in files if f not in inside_files]
        if not inside_files:
            return Validated(root=Path.cwd(), paths=(), findings=(), skipped=tuple(outside))
        files = inside_files
    absolute = []
    for file in files:
        if not file.exists() and not file.is_symlink():
            raise ConfigError(f"{file} does not exist", message_nl=f"{file} bestaat niet")
        # The folders resolved, the file itself not: a link is reported by the loader (where it
        # leads, or that it leads nowhere), never followed out of the repository.
        absolute.append(file.absolute().parent.resolve() / file.name)
    if root is None:
        if absolute:
            common = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in absolute]))
        else:
            common = Path.cwd()
        root = root_above(common, "--root", "--root")
    else:
        if not has_profile(root):
            raise ConfigError(f"no {PROFILE_FILE} in {root}: not the root of an ISAC repository",
                              message_nl=f"geen {PROFILE_FILE} in {root}: niet de hoofdmap van een ISAC-repository")
        root = root.resolve()
    rel: list[str] = []
    for file, resolved in zip(files, absolute):
        try:
            inside = resolved.relative_to(root)
        except ValueError:
            raise ConfigError(f"{file} is outside the ISAC repository at {root}",
                              message_nl=f"{file} ligt buiten de ISAC-repository in {root}") from None
        if resolved.is_dir():
            raise ConfigError(f"{file} is a folder; give files (or nothing, for the whole repository)",
                              message_nl=f"{file} is een map; geef bestanden (of niets, voor de hele repository)")
        rel.append(inside.as_posix())
    repo = load_for_inventory(root, only=selection(rel) if files else None)
    # isac.yaml and isaccheck.yaml are always read (their findings come when they are given).
    read = ({d.path for d in repo.documents} | {d.meta_path for d in repo.documents} | {f.path for f in repo.findings}
            | {PROFILE_FILE, CONFIG_FILE})
    not_documents = [(r, "not-a-document") for r in rel if r not in read]
    # Findings quote documents like any other output: the same TLP filter (issue 15.6).
    shown = tlpout.filter_findings(repo.findings, repo, ceiling)
    left_out = set(repo.templates) | set(repo.ignored)  # named as templates or ignored, not as skipped
    return Validated(root=root, paths=tuple(r for r in rel if r in read or r in repo.templates), findings=shown.findings,
                     skipped=tuple(outside + [s for s in not_documents if s[0] not in left_out]),
                     tlp=shown.tlp, withheld=shown.withheld, templates=repo.templates, ignored=repo.ignored)


def shown_path(root: Path, rel: str) -> str:
    """A repository path as the user sees it: relative to the current folder when below it."""
    full = root / rel
    try:
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(full)
