"""`isaccheck init`: a new ISAC document repository from the templates in templates/init/<lang>/.

Nothing is overwritten: when any file to be written exists already, nothing is written at all.
The templates that are placeholders are `status: draft`, so a new repository validates and counts
no evidence: `isaccheck check` shows level 0 and the plan lists what to do first.
"""

from __future__ import annotations

import json
import re
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


# `--action-ref`: where the workflow gets isaccheck. No release is on the package index yet, so a
# workflow that pip-installs "isaccheck" fails on its first push; init writes only what works.
ACTION_REF = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+")
PIP_URL = re.compile(r"(git\+)?https://[A-Za-z0-9._~/:@%+-]+(#[A-Za-z0-9._=&-]+)?")
EXAMPLE_ACTION_REF = "OWNER/isaccheck@v0.1.0"  # docs/ci.md shows the workflow with this

_ACTION_STEPS = """\
      - name: Check the ISAC documents
        id: check
        # The action installs isaccheck from its own checkout (action.yml).
        uses: {ref}
        env:
          ISACCHECK_CACHE_DIR: ${{{{ runner.temp }}}}/isaccheck-cache  # restored above, saved below
        with:
          fail-on: error
          # Also fail when a capability is below its ambition:
          # gate: ambition
"""

_PIP_STEPS = """\
      - uses: actions/setup-python@83679a892e2d95755f2dac6acb0bfd1e9ac5d548 # v6.1.0
        with:
          python-version: "3.11"
      - name: Install isaccheck
        id: install
        run: python -m pip install {url}
      - name: Check the ISAC documents
        id: check
        env:
          ISACCHECK_CACHE_DIR: ${{{{ runner.temp }}}}/isaccheck-cache  # restored above, saved below
        # Also fail when a capability is below its ambition: add --gate ambition.
        # Fail only on regressions against a saved result: --gate baseline:isaccheck-baseline.json
        # (write it with: isaccheck check --format json -o isaccheck-baseline.json).
        run: isaccheck check --format github --fail-on error
"""


def install_steps(action_ref: str) -> str:
    """The workflow steps for an action reference (OWNER/REPO@REF) or a repository URL for pip."""
    if ACTION_REF.fullmatch(action_ref):
        return _ACTION_STEPS.format(ref=action_ref)
    if PIP_URL.fullmatch(action_ref):
        url = action_ref if action_ref.startswith("git+") or action_ref.endswith((".zip", ".tar.gz", ".whl")) \
            else "git+" + action_ref
        return _PIP_STEPS.format(url=json.dumps(url))
    raise ConfigError(f"--action-ref {action_ref!r} is neither OWNER/REPO@REF (the GitHub Action, e.g. "
                      f"{EXAMPLE_ACTION_REF}) nor an https:// repository URL for pip",
                      message_nl=f"--action-ref {action_ref!r} is geen OWNER/REPO@REF (de GitHub Action, bijv. "
                                 f"{EXAMPLE_ACTION_REF}) en ook geen https://-adres van een repository voor pip")


def workflow_text(action_ref: str = EXAMPLE_ACTION_REF) -> str:
    """The GitHub workflow for isaccheck from action_ref (docs/ci.md shows it for EXAMPLE_ACTION_REF)."""
    template = resources.files("isaccheck").joinpath("templates/workflow/isaccheck.yml").read_text(encoding="utf-8")
    return template.replace("__STEPS__\n", install_steps(action_ref))


def planned_files(lang: str, name: str, action_ref: str | None = EXAMPLE_ACTION_REF) -> dict[str, str]:
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
    if action_ref is not None:
        files[WORKFLOW_TARGET] = workflow_text(action_ref)
    return files


def init_repository(target: Path, lang: str, name: str | None = None, *, only_missing: bool = False,
                    action_ref: str | None = None) -> list[str]:
    """Write the new repository into target (created when absent); returns the paths written.

    Without action_ref no workflow is written (there is nothing it could install yet). With
    only_missing, files that exist are kept and only the others are written.
    """
    from .runner import enclosing_root

    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target} is a file; give a folder for the new ISAC repository",
                          message_nl=f"{target} is een bestand; geef een map voor de nieuwe ISAC-repository")
    around = enclosing_root(target)
    if around is not None and around != target.resolve():
        # A second ISAC inside the first: the parent would count its templates as documents.
        raise ConfigError(f"{target} is inside the ISAC repository at {around}; init starts a new one and "
                          f"never makes one inside another, so nothing was written",
                          message_nl=f"{target} ligt in de ISAC-repository in {around}; init begint een nieuwe en "
                                     f"maakt er nooit een binnen een andere, dus er is niets geschreven")
    files = planned_files(lang, name or target.resolve().name or "ISAC", action_ref)
    existing = [rel for rel in files if (target / rel).exists() or (target / rel).is_symlink()]
    if only_missing:
        files = {rel: text for rel, text in files.items() if rel not in existing}
    elif existing:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        meer = f" (en nog {len(existing) - 1})" if len(existing) > 1 else ""
        raise ConfigError(f"{target / existing[0]} already exists{more}; isaccheck init never overwrites, "
                          f"so nothing was written (init --only-missing writes just the files that are missing)",
                          message_nl=f"{target / existing[0]} bestaat al{meer}; isaccheck init overschrijft nooit, "
                                     f"dus er is niets geschreven (init --only-missing schrijft alleen de "
                                     f"ontbrekende bestanden)")
    for rel in files:
        blocker = _not_a_folder(target, rel)
        if blocker is not None:
            raise ConfigError(f"{blocker} is in the way: init needs a folder there inside {target}, "
                              f"so nothing was written",
                              message_nl=f"{blocker} staat in de weg: init heeft daar een map nodig in {target}, "
                                         f"dus er is niets geschreven")
    written: list[str] = []
    for rel, text in files.items():
        path = target / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
                handle.write(text)
        except OSError as exc:
            done = f" ({'1 file was' if len(written) == 1 else f'{len(written)} files were'} written before: " \
                f"{', '.join(written)})" if written else \
                " (nothing was written)"
            done_nl = f" ({'1 bestand was' if len(written) == 1 else f'{len(written)} bestanden waren'} al " \
                f"geschreven: {', '.join(written)})" if written else " (er is niets geschreven)"
            raise ConfigError(f"cannot write {path}: {exc.strerror or exc}{done}",
                              message_nl=f"kan {path} niet schrijven: {exc.strerror or exc}{done_nl}") from None
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
