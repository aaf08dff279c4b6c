"""Facts of a document memoised across the evaluations of one run (issue 14, eighth round).

`history` and the report's trend evaluate the rule pack at every year end, mostly over the same
Document objects (the run's LoadCache). What depends on a document alone (a `where` answer, its
empty fields) is kept on the document (evidence.remembered).
The plain way (evidence.MEMOISE off) and the memoised one give the same output, byte for byte: on
every example at several dates, for `history` and the report of every example committed as a git
history, and on a generated history; the facts are counted: once per document, not per year end.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any
import pytest

from isaccheck import evidence, primitives
from isaccheck.engine import _broken_by_type, evaluate
from isaccheck.history import profile_history
from isaccheck.loadcache import LoadCache
from isaccheck.model import Document, Evaluation, Finding, Severity, Text
from isaccheck.reporters.jsonout import dumps, result_dict
from isaccheck.repository import Repository, load_repository
from isaccheck.rulepack import RulePack, load_builtin, resolve_parameters, substitute
from isaccheck.sources import WorkingTreeSource
from isaccheck.tlp import Label, most_restrictive
from isaccheck.tlpout import document_labels

from .conftest import AS_OF
from .nested import dicts
from .test_jobs import EXAMPLES, committed_example, history, report

ROOT = Path(__file__).resolve().parent.parent
DATES = (dt.date(2019, 3, 31), dt.date(2024, 2, 29), dt.date(2025, 12, 31), AS_OF, dt.date(2030, 1, 1))


def _forget(repo: Repository) -> None:
    for doc in repo.documents:
        doc.__dict__.pop("_memo", None)


def _shown(evaluation: Evaluation, pack: RulePack) -> tuple[Evaluation, str, str]:
    return evaluation, dumps(result_dict(evaluation, pack, "en")), dumps(result_dict(evaluation, pack, "nl"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_memoised_evaluation_is_the_plain_one_on_every_example(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = load_builtin()
    repo = load_repository(WorkingTreeSource(ROOT / "evidence-examples" / name), pack.tlp_required_types)
    monkeypatch.setattr(evidence, "MEMOISE", False)
    expected = [_shown(evaluate(repo, pack, day), pack) for day in DATES]
    assert not any("_memo" in d.__dict__ for d in repo.documents), "the plain way keeps nothing"
    monkeypatch.setattr(evidence, "MEMOISE", True)
    # The dates one after the other over the same documents (the facts of the earlier ones found),
    # then each date alone (every fact computed in that evaluation), then in the reverse order.
    assert [_shown(evaluate(repo, pack, day), pack) for day in DATES] == expected
    for index, day in enumerate(DATES):
        _forget(repo)
        assert _shown(evaluate(repo, pack, day), pack) == expected[index], day
    assert [_shown(evaluate(repo, pack, day), pack) for day in reversed(DATES)] == expected[::-1]


def test_a_copy_with_another_commit_has_its_own_facts() -> None:
    pack = load_builtin()
    repo = load_repository(WorkingTreeSource(ROOT / "evidence-examples" / "polder-isac"), pack.tlp_required_types)
    evaluate(repo, pack, AS_OF)
    doc = next(d for d in repo.documents if d.memo())
    copy = doc.with_commit("0" * 40)
    assert copy.memo() == {} and copy.memo() is not doc.memo()
    assert copy == Document(**{k: v for k, v in copy.__dict__.items() if k != "_memo"})  # not a field


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("memo-committed")
    return {name: committed_example(folder, name) for name in EXAMPLES}


@pytest.mark.parametrize("name", EXAMPLES)
def test_history_and_report_are_the_plain_ones(name: str, committed: dict[str, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")  # every year end evaluated, none remembered from a run before
    repo = committed[name]
    memoised = history(repo, 1), history(repo, 1, "--lang", "nl"), report(repo, 1)
    monkeypatch.setattr(evidence, "MEMOISE", False)
    assert (history(repo, 1), history(repo, 1, "--lang", "nl"), report(repo, 1)) == memoised


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("memo-generated") / "repo"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_git_repo.py"), str(target), "--files", "150",
                    "--commits", "400", "--years", "6"], check=True, capture_output=True)
    return target


def test_generated_history_is_the_plain_one_and_each_fact_is_computed_once(generated: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    evidence.computed.clear()
    memoised = history(generated, 1), report(generated, 1)
    counted = dict(evidence.computed)
    monkeypatch.setattr(evidence, "MEMOISE", False)
    evidence.computed.clear()
    assert (history(generated, 1), report(generated, 1)) == memoised
    assert not evidence.computed, "the plain way computes each time and counts nothing"
    assert counted["where"] > 0 and counted["missing"] > 0


def test_a_fact_is_computed_once_per_document_whatever_the_number_of_evaluations() -> None:
    pack = load_builtin()
    repo = load_repository(WorkingTreeSource(ROOT / "evidence-examples" / "haven-isac"), pack.tlp_required_types)
    first = dt.date(2026, 12, 31)  # after its last document: later year ends have the same evidence
    assert all(d.date is None or d.date <= first for d in repo.documents)
    _forget(repo)
    evidence.computed.clear()
    evaluate(repo, pack, first)
    once = dict(evidence.computed)
    assert once["where"] > 0 and once["missing"] > 0
    # Later year ends over the same documents: every fact is found, none computed again.
    for year in range(2027, 2032):
        evaluate(repo, pack, dt.date(year, 12, 31), forecast=False)
    assert dict(evidence.computed) == once
    # Off, nothing is kept and nothing counted.
    evidence.computed.clear()
    _forget(repo)
    evidence.MEMOISE = False
    try:
        evaluate(repo, pack, first)
    finally:
        evidence.MEMOISE = True
    assert not evidence.computed and not any(d.__dict__.get("_memo") for d in repo.documents)


def _plain_labels(repo: Repository) -> dict[str, Label]:
    """tlpout.document_labels before the eighth round: Label(value) per document, two walks."""
    labels: dict[str, Label] = {}
    for doc in repo.documents:
        label = doc.output_tlp or doc.tlp
        if label:
            labels[doc.path] = labels[doc.meta_path] = Label(label)
    for path, value in repo.unloaded_tlp.items():
        labels[path] = most_restrictive([labels.get(path), Label(value)]) or Label(value)
    for doc in repo.documents:
        if doc.path != doc.meta_path:
            both = most_restrictive([labels.get(doc.path), labels.get(doc.meta_path)])
            if both is not None:
                labels[doc.path] = labels[doc.meta_path] = both
    return labels


def _plain_broken(repo: Repository) -> dict[str, list[Finding]]:
    """engine._broken_by_type before the eighth round: the invalid documents' map always built."""
    by_type: dict[str, list[Finding]] = {}
    invalid = {d.meta_path: d.type for d in repo.documents if not d.valid}
    for finding in repo.findings:
        if finding.severity is not Severity.ERROR:
            continue
        doc_type = invalid.get(finding.path) or repo.unreadable_types.get(finding.path)
        if doc_type and finding.code in ("schema", "yaml-syntax", "frontmatter", "encoding"):
            by_type.setdefault(doc_type, []).append(finding)
    return by_type


@pytest.mark.parametrize("name", EXAMPLES)
def test_labels_and_unreadable_documents_are_found_as_the_plain_way_does(name: str) -> None:
    pack = load_builtin()
    repo = load_repository(WorkingTreeSource(ROOT / "evidence-examples" / name), pack.tlp_required_types)
    model = next(d for d in repo.documents if d.valid)
    # A sidecar-described document under both paths, an unreadable one and one the schema refused.
    described = replace(model, path="scan.pdf", meta_path="scan.pdf.meta.yaml", tlp="GREEN", output_tlp=None)
    refused = replace(model, path="bad.md", meta_path="bad.md", valid=False, type="procedure")
    odd = replace(repo, documents=(*repo.documents, described, refused),
                  findings=(*repo.findings, Finding("schema", Severity.ERROR, "bad.md", 3, Text("x", "x")),
                            Finding("schema", Severity.WARNING, "bad.md", 4, Text("y", "y")),
                            Finding("encoding", Severity.ERROR, "gone.md", 1, Text("z", "z"))),
                  unloaded_tlp={**repo.unloaded_tlp, "scan.pdf.meta.yaml": "AMBER", "gone.md": "RED"},
                  unreadable_types={**repo.unreadable_types, "gone.md": "minutes"})
    for each in (repo, odd):
        assert document_labels(each) == _plain_labels(each)
        assert _broken_by_type(each) == _plain_broken(each)
    assert document_labels(odd)["scan.pdf"] is Label.AMBER
    assert set(_broken_by_type(odd)) == {"procedure", "minutes"}


def test_documents_in_order_as_the_plain_sort_puts_them() -> None:
    pack = load_builtin()
    docs = [d for name in EXAMPLES
            for d in load_repository(WorkingTreeSource(ROOT / "evidence-examples" / name), pack.tlp_required_types).documents]
    model = docs[0]
    # Undated documents, the first day there is (it sorts with them) and one path twice (stable).
    undated = replace(model, path="b.md", date=None)
    first_day = replace(model, path="a.md", date=dt.date.min)
    twins = [replace(model, path="same.md", date=dt.date(2024, 1, 1), body=str(n)) for n in range(3)]
    for case in (docs, [*docs, undated], [*docs, first_day, undated], twins + docs[::-1] + twins, []):
        plain = sorted(case, key=lambda d: (d.date or dt.date.min, d.path))
        ordered = list(case)
        evidence.in_order(ordered)
        assert [id(d) for d in ordered] == [id(d) for d in plain]


def test_the_same_meeting_question_is_answered_once_per_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    pack = load_builtin()
    repo = load_repository(WorkingTreeSource(ROOT / "evidence-examples" / "haven-isac"), pack.tlp_required_types)
    asked = [dumps(substitute(node, resolve_parameters(rule, {}))) for rule in pack.rules
             for node in dicts(rule.evidence) if node.get("check") == "every_meeting_has"]
    assert len(set(asked)) < len(asked)  # WOW-1.6 and WOW-2.4 ask the same
    answered: list[dt.date] = []
    real = primitives._every_meeting_has

    def counted(ev: evidence.Evidence, p: Any) -> Any:
        answered.append(ev.as_of)
        return real(ev, p)

    monkeypatch.setattr(primitives, "_every_meeting_has", counted)
    memoised = evaluate(repo, pack, AS_OF, forecast=False)
    assert len(answered) == len(set(asked))
    answered.clear()
    monkeypatch.setattr(evidence, "MEMOISE", False)
    assert evaluate(repo, pack, AS_OF, forecast=False) == memoised
    assert len(answered) == len(asked)


def test_over_a_generated_history_each_fact_of_each_document_is_computed_once(generated: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_JOBS", "1")
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    cache = LoadCache()
    evidence.computed.clear()
    points = profile_history(generated, today=dt.date(2026, 11, 28), cache=cache)
    assert len(points) >= 7
    documents = {id(d): d for loaded in cache.files.values() for d in loaded.documents}
    kept = Counter(key[0] for d in documents.values() for key in d.__dict__.get("_memo", {}))
    # Every fact computed is kept on its document, so none was computed twice (a year end that
    # holds the same blob found it); and most documents were in several year ends.
    assert kept["where"] == evidence.computed["where"] > 0
    assert kept["missing"] == evidence.computed["missing"] > 0
    assert len([p for p in points if p.levels is not None]) >= 5


def _plain_meetings(ev: evidence.Evidence, p: dict[str, Any]) -> tuple[Any, ...]:
    """every_meeting_has's walk over the meetings before the eighth round (generators and a join for each)."""
    requires, missing, found, notes = list(p["requires"]), [], [], []
    for meeting in ev.meetings_in(p["months"]):
        problems = primitives._meeting_problems(ev, meeting, requires, p.get("minutes_grace_days", 30))
        notes.extend(primitives._meeting_warnings(ev, meeting, requires))
        doc = meeting.minutes or meeting.agenda
        if problems:
            missing.append(Text(f"meeting {meeting.date}: " + "; ".join(e for e, _ in problems),
                                f"bijeenkomst {meeting.date}: " + "; ".join(n for _, n in problems),
                                frozenset(d.path for d in (meeting.minutes, meeting.agenda) if d is not None)))
        elif doc is not None:
            found.append(primitives._ref(doc, f"meeting {meeting.date} complete", f"bijeenkomst {meeting.date} compleet"))
    return tuple(missing), tuple(found), tuple(notes)


@pytest.mark.parametrize("name", EXAMPLES)
def test_meeting_texts_are_the_plain_ones(name: str) -> None:
    pack = load_builtin()
    repo = load_repository(WorkingTreeSource(ROOT / "evidence-examples" / name), pack.tlp_required_types)
    every = list(primitives._REQUIREMENTS)
    compared = 0
    for day in DATES:
        ev = evidence.Evidence(repo, day)
        for requires in ([r] for r in every):
            for p in ({"months": 36, "requires": requires}, {"months": 120, "requires": every, "minutes_grace_days": 400},
                      {"months": 12, "requires": ["agenda", "minutes"]}):
                if not ev.meetings_in(p["months"]):
                    continue  # "0 meetings in the last ... months": no walk
                compared += 1
                made = primitives._every_meeting_has(ev, p)
                missing, found, notes = _plain_meetings(ev, p)
                assert made.missing == missing and made.evidence == found, (day, p)
                assert made.warnings[:len(notes)] == notes
    assert compared > 0
