"""`isaccheck validate [FILES...]`: schema and TLP checks on some files only, for editors and hooks.

The repository root is the nearest folder at or above the files (or the current folder) that holds
isac.yaml. Only the given files are read as documents (with their sidecars), through the same
loader as `isaccheck check`; the rules are not evaluated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import PROFILE_FILE
from .errors import ConfigError
from . import tlpout
from .model import Finding
from .repository import selection
from .runner import enclosing_root, has_profile, load_for_inventory
from .tlp import Label


@dataclass(frozen=True)
class Validated:
    root: Path
    paths: tuple[str, ...]  # repository-relative paths checked; empty: the whole repository
    findings: tuple[Finding, ...]
    tlp: str | None = None  # the label of what the findings quote (tlpout.py)
    withheld: int = 0
    templates: tuple[str, ...] = ()  # given files that are templates (isaccheck.yaml `templates`): not checked
    ignored: tuple[str, ...] = ()  # given files (or, without files, any) that isaccheck.yaml `ignore` leaves out


def validate_files(files: list[Path], root: Path | None = None, ceiling: Label | None = None) -> Validated:
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
        found = enclosing_root(common)
        if found is None:
            raise ConfigError(f"no {PROFILE_FILE} in {common} or any folder above it: not inside an ISAC repository "
                              f"(run `isaccheck init` to start one, or give --root)",
                              message_nl=f"geen {PROFILE_FILE} in {common} of een map erboven: niet in een "
                                         f"ISAC-repository (begin er een met `isaccheck init`, of geef --root)")
        root = found
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
    # Findings quote documents like any other output: the same TLP filter (issue 15.6).
    shown = tlpout.filter_findings(repo.findings, repo, ceiling)
    return Validated(root=root, paths=tuple(rel), findings=shown.findings, tlp=shown.tlp, withheld=shown.withheld,
                     templates=repo.templates, ignored=repo.ignored)


def shown_path(root: Path, rel: str) -> str:
    """A repository path as the user sees it: relative to the current folder when below it."""
    full = root / rel
    try:
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(full)
