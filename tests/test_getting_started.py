"""docs/getting-started.md, walked through: its commands run in order in a temporary folder.

The install blocks (marked with an HTML comment) are checked for what they must say, not run:
installing takes the network or minutes. `isaccheck` on PATH is this source tree.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"(<!--[^>]*-->\n)?```sh\n(.*?)```", re.S)


def blocks() -> list[tuple[bool, str]]:
    """(run, commands) for every sh block; a block after an HTML comment is not run."""
    return [(comment is None or comment == "", body) for comment, body in
            ((m.group(1), m.group(2)) for m in BLOCK.finditer(GUIDE))]


def test_install_steps_say_what_a_newcomer_needs() -> None:
    skipped = "\n".join(body for run, body in blocks() if not run)
    assert "pipx install" in skipped and "python3 -m venv" in skipped and "/bin/pip install" in skipped
    assert "Python 3.11" in GUIDE and "externally-managed-environment" in GUIDE
    assert "git init" in GUIDE and "git add -A" in GUIDE and "git commit" in GUIDE
    assert not re.search(r"^pip install", GUIDE, re.M)  # the line that fails on Debian's Python


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_guide_runs_from_start_to_end(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "isaccheck"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m isaccheck "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "HOME": str(home), "GIT_AUTHOR_NAME": "Secretaris", "GIT_AUTHOR_EMAIL": "secretaris@example.org",
           "GIT_COMMITTER_NAME": "Secretaris", "GIT_COMMITTER_EMAIL": "secretaris@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}
    env.pop("CI", None)
    work = tmp_path / "work"
    work.mkdir()
    script = "\n".join(body for run, body in blocks() if run)
    # One shell, as a person types it: `cd mijn-isac` carries over to the next blocks.
    done = subprocess.run(["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    repo = work / "mijn-isac"
    assert (repo / "isac.yaml").exists() and (repo / "meetings" / "2026-10-01" / "minutes.md").exists()
    log = subprocess.run(["git", "log", "--oneline"], cwd=repo, capture_output=True, text=True, env=env).stdout
    assert len(log.splitlines()) == 2
    assert "Volwassenheidsprofiel" in done.stdout and "Ontwikkelplan" in done.stdout
    assert list(work.glob("verslag-*.html")), "the report lands beside the repository"
    assert not list(repo.glob("verslag-*")), "never inside it"
