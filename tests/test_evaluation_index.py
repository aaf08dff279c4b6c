"""Each evaluation's evidence index built from the previous one (issue 14, ninth round).

`history` and the report's trend evaluate every year end over mostly the same Document objects; the
index (evidence by type, drafts by type, each in order, and the meetings) is the previous one with
what changed taken out and put in (evidence._Index). It must be the index the plain way builds from
every document (evidence.MEMOISE off): the same objects in the same order, over random sequences
of repositories and dates (forward and backward, documents gone, new, copied, undated, dated
date.min, invalid, drafts, two with the same date and path, one object twice), and it must be
built from the previous one at each year end of a history (counted).
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from isaccheck import evidence
from isaccheck.evidence import Evidence
from isaccheck.model import Document, Finding, Severity, Text
from isaccheck.primitives import PRIMITIVES
from isaccheck.repository import Repository, load_repository
from isaccheck.rulepack import load_builtin
from isaccheck.sources import WorkingTreeSource

from .test_jobs import history, report

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("minutes", "agenda", "procedure")
DAYS = (None, dt.date.min, dt.date(2020, 1, 1), dt.date(2020, 1, 2), dt.date(2021, 6, 30), dt.date(2022, 12, 31),
        dt.date(2023, 3, 1), dt.date(2024, 12, 31))


def _document(rng: random.Random, number: int) -> Document:
    # Few dates, and a path shared by a few documents, so that two documents of a list now and
    # then share (date, path).
    return Document(path=f"docs/{number}.md" if number % 71 else "docs/shared.md", meta_path=f"docs/{number}.md",
                    type=rng.choice(TYPES), meta={}, body="", body_line=1, lines={}, date=rng.choice(DAYS),
                    status=rng.choice(("adopted", "adopted", "adopted", "draft")), tlp=None,
                    valid=rng.random() > 0.1)


def _index(ev: Evidence) -> tuple[Any, ...]:
    """The index as identities: which objects, in which order (Documents compare by value)."""
    def ids(lists: dict[str, list[Document]]) -> dict[str, list[int]]:
        return {kind: [id(d) for d in found] for kind, found in lists.items()}

    windows = [[id(d) for d in ev.docs(TYPES, months)] for months in (None, 1, 12, 30, 99_999_999)]
    return (ids(ev.by_type), ids(ev.drafts_by_type), [id(d) for d in ev.documents], windows,
            [(m.date, id(m.minutes), id(m.agenda)) for m in ev.meetings], ev.meetings)


@pytest.fixture(scope="module")
def base() -> Repository:
    pack = load_builtin()
    return load_repository(WorkingTreeSource(ROOT / "evidence-examples" / "polder-isac"), pack.tlp_required_types)


def year_ends(seed: int, base: Repository, make: Callable[[random.Random, int], Document] = _document
              ) -> tuple[random.Random, Iterator[tuple[Repository, dt.date]]]:
    """A random sequence of repositories and dates, as a history's year ends, and worse (from a
    fresh index), and its random generator."""
    rng = random.Random(seed)
    evidence._Index.previous = None
    evidence.indexed.clear()
    return rng, _sequence(rng, [make(rng, n) for n in range(300)], base)


def _sequence(rng: random.Random, pool: list[Document], base: Repository) -> Iterator[tuple[Repository, dt.date]]:
    current = rng.sample(pool, 120)
    for step in range(40):
        # Mostly a few documents gone and a few new, as between two year ends; now and then most
        # of them replaced, copies of the same documents (another commit), or one object twice.
        kind = rng.random()
        if kind < 0.1:
            current = rng.sample(pool, rng.randrange(0, 200))
        elif kind < 0.15:  # the pool's documents too: an original beside its copy is a shared key
            copies = {id(d): d.with_commit(f"{step:040}") for d in current}
            pool[:] = [copies.get(id(d), d) for d in pool]
            current = [copies[id(d)] for d in current]
        else:
            gone = set(rng.sample(range(len(current)), min(len(current), rng.randrange(0, 12))))
            present = {id(d) for d in current}
            new = [d for d in rng.sample(pool, rng.randrange(0, 12)) if id(d) not in present]
            current = [d for i, d in enumerate(current) if i not in gone] + new
        documents = list(current) + ([current[0]] if current and rng.random() < 0.05 else [])
        rng.shuffle(documents) if rng.random() < 0.2 else None
        yield replace(base, documents=tuple(documents), findings=()), rng.choice(DAYS[2:]) + dt.timedelta(
            days=rng.choice((-1, 0, 1, 200)))


@pytest.mark.parametrize("seed", range(12))
def test_the_index_built_from_the_previous_one_is_the_plain_one(seed: int, base: Repository,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    rng, sequence = year_ends(seed, base)
    for step, (repo, as_of) in enumerate(sequence):
        documents = repo.documents
        monkeypatch.setattr(evidence, "MEMOISE", False)
        plain = _index(Evidence(repo, as_of))
        monkeypatch.setattr(evidence, "MEMOISE", True)
        changed = Evidence(repo, as_of)
        assert _index(changed) == plain, (seed, step)
        if rng.random() < 0.7:  # asked (then the next index changes them), or left to be built when asked
            assert changed.path_types() == {d.path: d.type for d in documents}
            for months in (None, 1, 12, 30, 99_999_999):
                start = changed.window_start(months) if months else dt.date.min
                walked = [d for d in documents if d.adopted and (months is None or (
                    d.date is not None and start < d.date <= as_of))]
                assert changed.adopted_in_window(months) == (len(walked) if len(set(map(id, documents))) ==
                                                             len(documents) else None), (seed, step, months)
    # The diff did most of them; the plain way the others (a shared key, most documents changed).
    assert evidence.indexed["changed"] >= 10 and evidence.indexed["plain"] > 0, evidence.indexed


@pytest.mark.parametrize("first", [True, False])
def test_a_new_document_with_the_key_of_another_keeps_the_repositorys_order(first: bool, base: Repository,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Two minutes of the same path and date (a file and its copy with another commit): the plain
    # way keeps them in the repository's order, which bisection cannot know.
    rng = random.Random(5)
    others = [replace(_document(rng, n), type="minutes", status="adopted", valid=True,
                      date=dt.date(2021, 1, n % 28 + 1)) for n in range(1, 40)]
    one = replace(others[0], meta_path="a.md", path="same.md", date=dt.date(2021, 5, 5))
    two = replace(one, meta_path="b.md")
    evidence._Index.previous = None
    monkeypatch.setattr(evidence, "MEMOISE", True)
    Evidence(replace(base, documents=(*others, one)), dt.date(2022, 1, 1))
    documents = (two, *others, one) if first else (*others, one, two)
    changed = Evidence(replace(base, documents=documents), dt.date(2022, 1, 1))
    monkeypatch.setattr(evidence, "MEMOISE", False)
    assert _index(changed) == _index(Evidence(replace(base, documents=documents), dt.date(2022, 1, 1)))


@pytest.mark.parametrize("code", ["tlp-sharing", "tlp-understated-body", "schema", None])
@pytest.mark.parametrize("found_on", ["docs/3.md", "docs/80.md"])
def test_no_findings_counts_the_window_as_its_walk_does(code: str | None, found_on: str, base: Repository,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A finding of one of the codes (on a document in the window or not) is looked for the plain
    # way; none of them: the index counts the documents (drafts, undated and invalid ones too).
    rng = random.Random(3)
    docs = tuple(replace(_document(rng, n), date=None if n % 17 == 0 else dt.date(2020, 1, 1) + dt.timedelta(days=9 * n))
                 for n in range(100))
    findings = () if code is None else (Finding(code, Severity.ERROR, found_on, 1, Text("x", "x")),)
    repo = replace(base, documents=docs, findings=findings)
    params = {"check": "no_findings", "codes": ["tlp-sharing", "tlp-understated"]}
    answers = []
    for memoise in (False, True):
        monkeypatch.setattr(evidence, "MEMOISE", memoise)
        evidence._Index.previous = None
        answers.append([PRIMITIVES["no_findings"].function(Evidence(repo, day), {**params, **window})
                        for day in (dt.date(2019, 1, 1), dt.date(2020, 6, 30), dt.date(2023, 1, 1))
                        for window in ({}, {"months": 1}, {"months": 12})])
    assert answers[0] == answers[1]
    assert any(a.value for a in answers[0]) and any(a.value is False for a in answers[0])


@pytest.mark.parametrize("misses", [0, 1, 4, 5, 9])
@pytest.mark.parametrize("draft", [False, True])
def test_the_near_misses_shown_are_the_first_five_as_before(misses: int, draft: bool, base: Repository) -> None:
    # document_exists makes the texts of the documents that almost count only for the five it
    # shows (a draft that would count first): the same lines as when it made one for each.
    lacking = [Document(f"p/{n}.md", f"p/{n}.md", "procedure", {"scope": "x"}, "", 1, {}, dt.date(2020, 1, n + 1),
                        "adopted", None) for n in range(misses)]
    drafts = [Document("p/d.md", "p/d.md", "procedure", {"scope": "x", "purpose": "y"}, "", 1, {},
                       dt.date(2020, 3, 1), "draft", None)] if draft else []
    ev = Evidence(replace(base, documents=(*lacking, *drafts), findings=()), dt.date(2021, 1, 1))
    found = PRIMITIVES["document_exists"].function(ev, {"type": "procedure", "fields": ["purpose"]})
    shown = ([Text("one draft found: p/d.md; a draft never counts (`status: draft`)",
                   "één concept gevonden: p/d.md; een concept telt nooit mee (`status: draft`)")] if draft else [])
    shown += [Text(f"{d.path} lacks `purpose`", f"{d.path} mist `purpose`", frozenset({d.path})) for d in lacking]
    assert found.value is False and found.missing[:-1] == tuple(shown[:5])
    assert found.missing[-1].en.startswith("no adopted `procedure` document")


def test_an_unchanged_meeting_is_the_same_object_at_the_next_date(base: Repository) -> None:
    rng = random.Random(99)
    docs = [replace(_document(rng, n), path=f"m/{n}.md", date=dt.date(2020, 1, 1) + dt.timedelta(days=n))
            for n in range(100)]
    evidence._Index.previous = None
    first = Evidence(replace(base, documents=tuple(docs[:60])), dt.date(2030, 1, 1)).meetings
    later = Evidence(replace(base, documents=tuple(docs)), dt.date(2030, 1, 1)).meetings
    assert {m.date for m in first} <= {m.date for m in later}
    kept = {m.date: m for m in first}
    assert all(m is kept[m.date] for m in later if m.date in kept), "an unchanged meeting is made again"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six generated years, written once as an ISAC's archive is (a year end adds a sixth or less)."""
    target = tmp_path_factory.mktemp("index-generated") / "repo"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_git_repo.py"), str(target), "--files", "300",
                    "--commits", "320", "--years", "6", "--churn", "archive"], check=True, capture_output=True)
    return target


def test_each_year_end_of_a_history_is_indexed_from_the_one_before(archive: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    built: list[tuple[float, str]] = []  # (share of the documents new or gone, how it was built)
    real = evidence._Index.of.__func__  # type: ignore[attr-defined]

    def of(cls: type[evidence._Index], documents: Any, as_of: dt.date) -> evidence._Index:
        before = cls.previous
        counted = dict(evidence.indexed)
        index: evidence._Index = real(cls, documents, as_of)
        if before is not None:
            ids = {id(d) for d in documents}
            share = len(ids ^ before.docs.keys()) / max(len(ids), 1)
            built.append((share, "changed" if evidence.indexed["changed"] > counted.get("changed", 0) else "plain"))
        return index

    monkeypatch.setattr(evidence._Index, "of", classmethod(of))
    evidence._Index.previous = None
    indexed = history(archive, 1), history(archive, 1, "--lang", "nl"), report(archive, 1)
    # Every evaluation whose documents are mostly the previous one's is that one changed: each
    # year end of the history and the trend, and today's forecast at later dates.
    small = [how for share, how in built if share <= evidence._CHANGED_SHARE]
    assert len(small) >= 10 and set(small) == {"changed"}, built
    monkeypatch.setattr(evidence, "MEMOISE", False)
    evidence.indexed.clear()
    assert (history(archive, 1), history(archive, 1, "--lang", "nl"), report(archive, 1)) == indexed
    assert not evidence.indexed, "the plain way builds no index"


def test_a_run_lets_go_of_the_index_and_its_documents() -> None:
    # Kept for the next year end while a command runs; after it, the run's documents are not held
    # (the process's shutdown collections skip the run's objects: docs/performance.md, seventh round).
    from isaccheck import cli

    with pytest.raises(SystemExit):
        cli.main(["check", str(ROOT / "evidence-examples" / "polder-isac"), "--as-of", "2026-11-28",
                  "--format", "json", "-o", "/dev/null"])
    assert evidence._Index.previous is None
