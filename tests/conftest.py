"""Shared fixtures: build small ISAC repositories in a temporary folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import textwrap
from pathlib import Path
from typing import Any, Callable, Mapping

import pytest

AS_OF = dt.date(2026, 6, 30)

PROFILE = """\
isac:
  name: Test-ISAC
  sector: water
  language: en
  purpose: Share cyber security information between water utilities.
  common_characteristics:
    systems: [SCADA]
  meeting_frequency_months: 3
  required_functions: [CISO, security officer]
  channels:
    - {name: list, kind: mailing-list}
roles:
  chair: {name: Ann Chair, organisation: Alpha}
  vice_chair: {name: Bob Vice, organisation: Beta}
  secretary: {name: Cee Sec, organisation: Gamma}
participants:
  - organisation: Alpha
    joined: 2020-01-01
    representative: {name: Ann Chair, function: CISO}
    management_support: {by: CIO, date: 2020-01-01}
    mandate: true
  - organisation: Beta
    joined: 2020-01-01
    representative: {name: Bob Vice, function: CISO}
    management_support: {by: CEO, date: 2020-01-01}
    mandate: true
  - organisation: Gamma
    joined: 2020-01-01
    representative: {name: Cee Sec, function: security officer}
    management_support: {by: CIO, date: 2020-01-01}
    mandate: true
ambition: {STR: 1, WOW: 1, INF: 1, SIT: 1, ACT: 1}
"""


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """make_repo({path: text}) -> a repository folder with a default isac.yaml unless given."""

    def make(files: Mapping[str, str | bytes] | None = None, *, profile: str | None = PROFILE) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        all_files: dict[str, str | bytes] = {}
        if profile is not None:
            all_files["isac.yaml"] = profile
        all_files.update(files or {})
        return write_tree(root, all_files)

    return make


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root (.git included) with its content hash and mtime."""
    state = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            if path.is_symlink():
                state[str(path)] = ("link:" + os.readlink(path), 0)
                continue
            if not path.is_file():  # a FIFO or socket: reading it would block
                state[str(path)] = ("special", path.lstat().st_mtime_ns)
                continue
            data = path.read_bytes()
            state[str(path)] = (hashlib.sha256(data).hexdigest(), path.stat().st_mtime_ns)
    return state


@pytest.fixture(autouse=True)
def _read_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never write the user's cache of extracted documents (isaccheck.read.cache)."""
    if "ISACCHECK_CACHE_DIR" not in os.environ:
        monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "read-cache"))


def load_tool(name: str) -> Any:
    """tools/NAME.py as a module (tools/ is no package: loaded by path, not put on sys.path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent.parent / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
