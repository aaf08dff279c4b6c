"""The coming-due forecast evaluates, at a later date, only the rules it asks about (engine._Questions),
and finds what evaluating the whole pack at every day it tries found."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from isaccheck import engine
from isaccheck.coming_due import coming_due
from isaccheck.runner import _load, open_source

from .test_examples import AS_OF, AS_OF_FOR

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.name for p in (ROOT / "evidence-examples").iterdir() if (p / "isac.yaml").exists())


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("shift", [0, 45, 120])
def test_the_forecast_equals_the_whole_pack_at_every_day(name: str, shift: int, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, pack, _ = _load(open_source(ROOT / "evidence-examples" / name), False)
    as_of = dt.date.fromisoformat(AS_OF_FOR.get(name, AS_OF)) + dt.timedelta(days=shift)
    calls: Counter[str] = Counter()
    original = engine.evaluate_rule

    def counting(rule: Any, *args: Any) -> Any:
        calls[rule.id] += 1
        return original(rule, *args)

    monkeypatch.setattr(engine, "evaluate_rule", counting)
    lazy = engine.evaluate(repo, pack, as_of)
    lazy_calls = sum(calls.values())
    calls.clear()
    ev, _, waivers, _, questions = engine._evaluate_questions(repo, pack, as_of, False)
    days: set[dt.date] = set()

    def whole_pack(day: dt.date) -> dict[str, Any]:
        days.add(day)
        return {q.id: q for q in engine._evaluate_questions(repo, pack, day, False)[4]}

    plain = coming_due(ev, questions, waivers, whole_pack)
    assert lazy.coming_due == plain
    # The plain way evaluates every rule now and at every day tried; the forecast at most that.
    assert sum(calls.values()) == len(pack.rules) * (1 + len(days))
    assert lazy_calls <= sum(calls.values())
    if days:
        assert lazy_calls < sum(calls.values())  # not re-evaluated: rules the forecast does not ask about
