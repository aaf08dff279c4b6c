"""The documents a `where` filter matches, kept with the evidence index (issue 14, tenth round).

Four built-in rules ask document_exists for a procedure of a scope without a window: at every year
end of `history` they asked the filter of every procedure. The index keeps, per type and filter,
the matching evidence (evidence._Index.matching), changed from the previous year end's by the
documents that left or joined the type's list, so the filter is asked of the new documents only.
It must be what walking docs(types) with the filter finds (the same objects in the same order),
over random sequences of repositories and dates, and every primitive that reads it must answer as
the plain way does (evidence.MEMOISE off), errors included.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any, Callable

import pytest

from isaccheck import evidence
from isaccheck.evidence import Evidence
from isaccheck.model import Document
from isaccheck.primitives import PRIMITIVES
from isaccheck.repository import Repository

from .test_evaluation_index import DAYS, TYPES, base, year_ends  # noqa: F401 - base is a fixture

SCOPES: tuple[Any, ...] = ("a", "A", "b", "regio", "region", ["a", "c"], [], None, True, False)
WHERES: tuple[dict[str, Any], ...] = ({"scope": "a"}, {"scope": ["b", "region"]}, {"scope": True},
                                      {"scope": "a", "kind": "x"}, {"kind": ["x", "y"]})
ASKED: tuple[tuple[Any, dict[str, Any]], ...] = tuple(
    (types, where) for types in ("procedure", "minutes", ("procedure", "agenda")) for where in WHERES)


def _document(rng: random.Random, number: int) -> Document:
    meta: dict[str, Any] = {"scope": rng.choice(SCOPES)}
    if rng.random() < 0.5:
        meta["kind"] = rng.choice(("x", "y", "z"))
    return Document(path=f"docs/{number}.md" if number % 71 else "docs/shared.md", meta_path=f"docs/{number}.md",
                    type=rng.choice(TYPES), meta=meta, body="", body_line=1, lines={}, date=rng.choice(DAYS),
                    status=rng.choice(("adopted", "adopted", "adopted", "draft")), tlp=None,
                    valid=rng.random() > 0.1)


def _walked(ev: Evidence, types: Any, where: dict[str, Any]) -> list[int]:
    test = ev.where_test(where)
    return [id(d) for d in ev.docs(types) if test(d)]


def _answers(ev: Evidence) -> list[Any]:
    """What the primitives that read the views answer, for each filter."""
    found: list[Any] = []
    for types, where in ASKED:
        found.append(PRIMITIVES["document_exists"].function(ev, {"type": types, "where": where}))
        found.append(PRIMITIVES["document_exists"].function(ev, {"type": types, "where": where, "min_count": 3}))
        found.append(PRIMITIVES["periodic_documents"].function(
            ev, {"type": types, "where": where, "period_months": 12, "periods": 3}))
        found.append(PRIMITIVES["ratio"].function(
            ev, {"type": types, "where": where, "condition": {"where": {"kind": "x"}}, "threshold": 0.5}))
    return found


@pytest.mark.parametrize("seed", range(10))
def test_a_view_changed_from_the_previous_one_is_the_walked_one(seed: int, base: Repository,  # noqa: F811
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rng, sequence = year_ends(seed, base, _document)
    for step, (repo, as_of) in enumerate(sequence):
        monkeypatch.setattr(evidence, "MEMOISE", False)
        plain = Evidence(repo, as_of)
        assert plain.matching("procedure", {"scope": "a"}) is None  # the plain way has no views
        expected = _answers(plain)
        monkeypatch.setattr(evidence, "MEMOISE", True)
        ev = Evidence(repo, as_of)
        # Asked at most year ends (then the next index changes them), now and then not (built when asked).
        for types, where in rng.sample(ASKED, rng.randrange(len(ASKED) // 2, len(ASKED) + 1)):
            found = ev.matching(types, where)
            assert found is not None and [id(d) for d in found] == _walked(ev, types, where), (seed, step, types, where)
        assert _answers(ev) == expected, (seed, step)
    assert evidence.indexed["changed"] >= 10, evidence.indexed


def _procedures(count: int, start: int = 0) -> list[Document]:
    return [Document(f"p/{n}.md", f"p/{n}.md", "procedure", {"scope": "a" if n % 3 == 0 else "b"}, "", 1, {},
                     dt.date(2020, 1, 1) + dt.timedelta(days=n), "adopted", None) for n in range(start, start + count)]


def _counting(calls: list[Document]) -> Callable[[Document], bool]:
    def test(doc: Document) -> bool:
        calls.append(doc)
        return doc.meta.get("scope") == "a"
    return test


def test_a_year_end_asks_the_filter_of_its_new_documents_only() -> None:
    old, new = _procedures(200), _procedures(20, start=200)
    evidence._Index.previous = None
    first = evidence._Index.of(old, dt.date(2030, 1, 1))
    calls: list[Document] = []
    assert first.matching("procedure", "key", _counting(calls)) == [d for d in old if d.meta["scope"] == "a"]
    assert len(calls) == 200
    calls.clear()
    second = evidence._Index.of(old[10:] + new, dt.date(2030, 1, 1))  # ten gone, twenty new
    assert second.matching("procedure", "key", _counting(calls)) == [d for d in old[10:] + new if d.meta["scope"] == "a"]
    assert sorted(map(id, calls)) == sorted(map(id, new)), "the filter was asked of documents it had answered for at the previous year end"
    # A year end that changes no procedure keeps the very view; a minutes document does not change it.
    minutes = replace(old[0], path="m.md", meta_path="m.md", type="minutes")
    third = evidence._Index.of(old[10:] + new + [minutes], dt.date(2030, 1, 1))
    assert third._views[("procedure", "key")] is second._views[("procedure", "key")]
    # An earlier date cuts what is dated after it out of the view, without asking the filter.
    calls.clear()
    fourth = evidence._Index.of(old[10:] + new + [minutes], dt.date(2020, 3, 1))
    assert fourth.matching("procedure", "key", _counting(calls)) == [
        d for d in old[10:] if d.meta["scope"] == "a" and d.date <= dt.date(2020, 3, 1)]  # type: ignore[operator]
    assert calls == []


def test_a_filter_that_raises_is_the_plain_ways_error(base: Repository,  # noqa: F811
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A list item that cannot be looked up (a mapping) makes the filter raise: the rule is an
    # error, with the plain way's message, whether the view was built at this date or carried.
    good = _procedures(30)
    bad = replace(good[0], path="p/bad.md", meta_path="p/bad.md", meta={"scope": [{"x": 1}]})

    def asked(documents: list[Document]) -> str:
        ev = Evidence(replace(base, documents=tuple(documents), findings=()), dt.date(2030, 1, 1))
        with pytest.raises(TypeError) as raised:
            PRIMITIVES["document_exists"].function(ev, {"type": "procedure", "where": {"scope": "a"}})
        assert ev.matching("procedure", {"scope": "a"}) is None
        return str(raised.value)

    monkeypatch.setattr(evidence, "MEMOISE", False)
    plain = asked(good + [bad])
    monkeypatch.setattr(evidence, "MEMOISE", True)
    evidence._Index.previous = None
    assert asked(good + [bad]) == plain
    evidence._Index.previous = None
    assert Evidence(replace(base, documents=tuple(good), findings=()), dt.date(2030, 1, 1)).matching(
        "procedure", {"scope": "a"}) is not None
    assert asked(good + [bad]) == plain  # the carried view is dropped where a new document raises
    # An unhashable wanted value: no view, the plain walk.
    ev = Evidence(replace(base, documents=tuple(good), findings=()), dt.date(2030, 1, 1))
    assert ev.matching("procedure", {"scope": [["a"]]}) is None
