"""History and the report's trend load each blob once per run (issue 14), with the same results."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from isaccheck import history, repository
from isaccheck.history import profile_history, render_json
from isaccheck.loadcache import LoadCache
from isaccheck.report import build_report
from isaccheck.repository import load_repository
from isaccheck.sources import WorkingTreeSource

from .test_gitint import haven  # noqa: F401  (fixture)
from .test_gitrepo import git_env  # noqa: F401  (autouse fixture: git isolated from this machine)

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """Counts every real load of a file, by path and content."""
    seen: Counter[tuple[str, str]] = Counter()
    for name in ("load_markdown", "load_sidecar"):
        original = getattr(repository._Loader, name)

        def counting(self: Any, entry: Any, *args: Any, _original: Any = original) -> None:
            seen[(entry.path, hashlib.sha256(self.source.read(entry.path)).hexdigest())] += 1
            _original(self, entry, *args)

        monkeypatch.setattr(repository._Loader, name, counting)
    return seen


def test_history_loads_each_blob_once(haven: dict[str, Any], loads: Counter[tuple[str, str]]) -> None:
    points = profile_history(haven["repo"], 2023, today=TODAY)
    assert [p.label for p in points] == ["2023", "2024", "2025", "now"]
    # Without the cache the documents present at every year end are loaded four times.
    assert loads and max(loads.values()) == 1


def test_history_with_the_cache_equals_history_without(haven: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    cached = render_json(profile_history(haven["repo"], 2023, today=TODAY))
    monkeypatch.setattr(history, "LoadCache", lambda: None)
    assert render_json(profile_history(haven["repo"], 2023, today=TODAY)) == cached


def test_report_trend_loads_each_blob_once(haven: dict[str, Any], loads: Counter[tuple[str, str]]) -> None:
    report = build_report(haven["repo"], 2026, as_of=TODAY, today=TODAY)
    assert len(report.trend) >= 3
    assert loads and max(loads.values()) == 1


def test_changed_settings_load_files_again(make_repo: Any) -> None:
    minutes = "---\ntype: minutes\ndate: 2026-03-01\nattendees: [Alpha]\n---\n# Notes\n"
    root: Path = make_repo({"m.md": minutes})
    cache = LoadCache()
    first = load_repository(WorkingTreeSource(root), cache=cache)
    assert [f.code for f in first.findings] == ["tlp-missing"]
    (root / "isaccheck.yaml").write_text("tlp:\n  required_for: []\n", encoding="utf-8")
    from isaccheck.config import parse_config

    config = parse_config((root / "isaccheck.yaml").read_text(encoding="utf-8"))
    second = load_repository(WorkingTreeSource(root), config=config, cache=cache)
    assert second.findings == load_repository(WorkingTreeSource(root), config=config).findings == ()
    assert cache.misses == 2 and cache.hits == 0
    again = load_repository(WorkingTreeSource(root), config=config, cache=cache)
    assert again.documents == second.documents and cache.hits == 1


def test_changed_content_is_loaded_again(make_repo: Any) -> None:
    minutes = "---\ntype: minutes\ndate: 2026-03-01\ntlp: AMBER\nattendees: [Alpha]\n---\n# Notes\n"
    root: Path = make_repo({"m.md": minutes})
    cache = LoadCache()
    load_repository(WorkingTreeSource(root), cache=cache)
    (root / "m.md").write_text(minutes.replace("AMBER", "RED"), encoding="utf-8")
    (doc,) = load_repository(WorkingTreeSource(root), cache=cache).documents
    assert doc.tlp == "RED" and cache.misses == 2


def test_history_and_the_trend_skip_the_coming_due_forecast(haven: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from isaccheck import engine

    calls: list[object] = []
    original = engine.coming_due
    monkeypatch.setattr(engine, "coming_due", lambda *args: calls.append(args) or original(*args))
    profile_history(haven["repo"], 2024, today=TODAY)
    assert calls == []
    report = build_report(haven["repo"], 2026, as_of=TODAY, today=TODAY)
    assert len(report.trend) >= 3 and len(calls) == 1  # the report's own year only
