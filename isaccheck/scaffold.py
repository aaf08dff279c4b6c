"""`isaccheck init`: a new ISAC document repository from the templates in templates/init/<lang>/.

Nothing is overwritten: when any file to be written exists already, nothing is written at all.
The templates that are placeholders are `status: draft`, so a new repository validates and counts
no evidence: `isaccheck check` shows level 0 and the plan lists what to do first.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import ConfigError

WORKFLOW_TARGET = ".github/workflows/isaccheck.yml"
LANGUAGES = ("nl", "en")


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name.startswith((".", "__")):
            continue
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            found.extend(_walk(item, rel + "/"))
        else:
            found.append((rel, item))
    return found


def workflow_text() -> str:
    """The example GitHub workflow (also shown in docs/ci.md)."""
    return resources.files("isaccheck").joinpath("templates/workflow/isaccheck.yml").read_text(encoding="utf-8")


def planned_files(lang: str, name: str) -> dict[str, str]:
    """Target path (relative, "/" separated) -> content."""
    if lang not in LANGUAGES:
        raise ConfigError(f"--lang must be nl or en, not {lang}")
    root = resources.files("isaccheck").joinpath(f"templates/init/{lang}")
    files = {}
    for rel, item in _walk(root):
        text = item.read_text(encoding="utf-8")
        # __ISAC_NAME__ stands where YAML wants a value: a JSON string is a quoted YAML scalar.
        text = text.replace("__ISAC_NAME__", json.dumps(name, ensure_ascii=False))
        text = text.replace("__ISAC_TITLE__", " ".join(name.split()))
        files[rel] = text
    files[WORKFLOW_TARGET] = workflow_text()
    return files


def init_repository(target: Path, lang: str, name: str | None = None) -> list[str]:
    """Write the new repository into target (created when absent); returns the paths written."""
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target} is a file; give a folder for the new ISAC repository")
    files = planned_files(lang, name or target.resolve().name or "ISAC")
    existing = [rel for rel in files if (target / rel).exists() or (target / rel).is_symlink()]
    if existing:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise ConfigError(f"{target / existing[0]} already exists{more}; isaccheck init never overwrites, "
                          f"so nothing was written")
    for rel in files:
        blocker = _not_a_folder(target, rel)
        if blocker is not None:
            raise ConfigError(f"{blocker} is in the way: init needs a folder there inside {target}, "
                              f"so nothing was written")
    written: list[str] = []
    for rel, text in files.items():
        path = target / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
                handle.write(text)
        except OSError as exc:
            done = f" ({len(written)} file(s) were written before: {', '.join(written)})" if written else \
                " (nothing was written)"
            raise ConfigError(f"cannot write {path}: {exc.strerror or exc}{done}") from None
        written.append(rel)
    return written


def _not_a_folder(target: Path, rel: str) -> Path | None:
    """The first existing parent of target/rel that is a file, or a link leading out of target."""
    here = target
    for part in rel.split("/")[:-1]:
        here = here / part
        if here.is_symlink():
            try:
                inside = here.resolve().is_relative_to(target.resolve()) and here.resolve().is_dir()
            except (OSError, RuntimeError):
                inside = False
            if not inside:
                return here
        elif here.exists() and not here.is_dir():
            return here
        elif not here.exists():
            return None
    return None
