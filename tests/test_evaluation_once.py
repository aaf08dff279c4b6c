"""One evaluation does shared work once (issue 14, sixth round): the shortcuts give what the plain way gives.

Every shortcut of evidence.py/primitives.py is compared with the plain code it replaced, on every
example repository at several dates; the once-per-evaluation answers are counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest

from isaccheck import primitives
from isaccheck.engine import evaluate
from isaccheck.evidence import Evidence, matches
from isaccheck.model import Document
from isaccheck.repository import Repository, load_repository
from isaccheck.rulepack import load_builtin
from isaccheck.sources import WorkingTreeSource

from .conftest import AS_OF
from .nested import dicts

EXAMPLES = Path(__file__).resolve().parent.parent / "evidence-examples"
DATES = (dt.date(2019, 3, 31), dt.date(2024, 2, 29), AS_OF, dt.date(2030, 1, 1))


def _repos() -> list[Repository]:
    pack = load_builtin()
    return [load_repository(WorkingTreeSource(folder), pack.tlp_required_types) for folder in sorted(EXAMPLES.iterdir())]


def _outcome(call: Callable[[], bool]) -> Any:
    """True/False, or the exception's type and message: the plain way and the shortcut must agree on both."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - what is compared is which error, not whether
        return (type(exc).__name__, str(exc))


def _where_specs() -> list[dict[str, Any]]:
    """Every `where` of the built-in rules, and the awkward ones a user's rule may write."""
    found = [node["where"] for rule in load_builtin().rules for node in dicts(rule.evidence)
             if isinstance(node.get("where"), dict)]
    return found + [
        {"type": "minutes"}, {"type": ["Notulen", "agenda"]},  # a Dutch word reads as its value
        {"tlp": "groen"}, {"tlp": []}, {"attendees": "alpha"},  # a list field contains one of them
        {"sections.scope": "x"}, {"type": "minutes", "tlp": ["AMBER", "RED"]},
        {"type": {"not": "hashable"}},  # the plain way raises TypeError: so must the shortcut
    ]


def test_where_test_is_the_plain_filter() -> None:
    compared = 0
    for repo in _repos():
        model = next(d for d in repo.documents if d.valid and d.adopted)
        # A field holding a mapping cannot be looked up in a set: the same error both ways.
        odd = replace(model, meta={**model.meta, "kind": {"a": 1}, "scope": ["x", {"b": 2}]}, path="odd.md")
        docs: list[Document] = [*repo.documents, odd]
        ev = Evidence(repo, AS_OF)
        for where in _where_specs() + [{"kind": "threat"}, {"scope": ["x"]}, {"scope": "y"}]:
            test = ev.where_test(where)
            for doc in docs:
                plain = _outcome(lambda: all(matches(ev.field(doc, k), v) for k, v in where.items()))
                assert _outcome(lambda: test(doc)) == plain, (doc.path, where)
                compared += 1
    assert compared > 1000
    assert Evidence(_repos()[0], AS_OF).where_test(None)(model) is True


def test_index_shortcuts_are_the_plain_way() -> None:
    for repo in _repos():
        for as_of in DATES:
            ev = Evidence(repo, as_of)
            # Drafts: filtered, then sorted (was sorted, then filtered).
            plain_drafts: dict[str, list[Document]] = {}
            for doc in sorted(repo.documents, key=lambda d: (d.date or dt.date.min, d.path)):
                if doc.valid and not doc.adopted and (doc.date is None or doc.date <= as_of):
                    plain_drafts.setdefault(doc.type, []).append(doc)
            assert dict(ev.drafts_by_type) == plain_drafts
            for months in (1, 3, 12, 13, 36, 99_999_999):
                start = ev.window_start(months)
                plain = [m.date for m in ev.meetings if m.date <= start][-1:]
                assert [d for d in [ev.meeting_before_window(months)] if d is not None] == plain
            types = ev.path_types()
            assert types == {d.path: d.type for d in repo.documents}
            assert ev.path_types() is types  # built once per evaluation


def test_meeting_gaps_are_computed_once_per_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    gaps: list[tuple[int, int]] = []
    meeting_rules = 0
    real_gaps = primitives.meeting_gaps
    real_rule = primitives.PRIMITIVES["every_meeting_has"]

    def counted_gaps(ev: Evidence, months: int, tolerance: int) -> Any:
        gaps.append((months, tolerance))
        return real_gaps(ev, months, tolerance)

    def counted_rule(ev: Evidence, p: Any) -> Any:
        nonlocal meeting_rules
        meeting_rules += 1
        return real_rule.function(ev, p)

    monkeypatch.setattr(primitives, "meeting_gaps", counted_gaps)
    monkeypatch.setitem(primitives.PRIMITIVES, "every_meeting_has", replace(real_rule, function=counted_rule))
    pack = load_builtin()
    repo = load_repository(WorkingTreeSource(EXAMPLES / "polder-isac"), pack.tlp_required_types)
    shared = evaluate(repo, pack, AS_OF, forecast=False)
    # The built-in rules ask six times, all with a 12-month window and a tolerance of 1 month.
    assert meeting_rules >= 6
    assert gaps == [(12, 1)]
    # Every meeting rule still says the gap (one computation, six rules' warnings).
    said = real_gaps(Evidence(repo, AS_OF), 12, 1)
    assert said
    for question in shared.questions:
        if question.id in ("WOW-1.2", "WOW-1.4", "WOW-1.6", "WOW-2.4", "WOW-2.5", "INF-2.1"):
            assert set(said) <= set(question.warnings), question.id
