"""The TLP of isaccheck's own output: label what it quotes, and withhold what is above a ceiling.

A result text quotes a document when it is about that document: a finding on the document, or a
reason or "missing" line that names the document's path (those lines can carry field values).
The output carries the most restrictive label of what it still quotes. Text quoting a document
above the ceiling is replaced by a notice with the path only; a TLP:RED document's content never
appears, whatever the ceiling: only its path and the fact that it exists.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Mapping, TypeGuard

from .model import Evaluation, Finding, QuestionResult, Text
from .repository import Repository
from .tlp import Label, TlpError, most_restrictive, parse_label

_PATH_RUN = re.compile(r"[\w./@+-]+")


def document_labels(repo: Repository) -> dict[str, Label]:
    labels: dict[str, Label] = {}
    for doc in repo.documents:
        if doc.tlp:
            labels[doc.path] = Label(doc.tlp)
            labels[doc.meta_path] = Label(doc.tlp)
    return labels


class _Quoting:
    def __init__(self, labels: Mapping[str, Label]) -> None:
        self.labels = labels

    def paths_in(self, texts: Iterable[Text]) -> set[str]:
        """Known document paths named in the texts (a path is a run of path characters)."""
        found: set[str] = set()
        for text in texts:
            for words in (text.en, text.nl):
                for match in _PATH_RUN.finditer(words):
                    # "a/b.md:3" and "a/b.md." end in punctuation that is not part of the path.
                    token = match.group(0)
                    while token and token not in self.labels and token[-1] in ".:,;":
                        token = token[:-1]
                    if token in self.labels:
                        found.add(token)
        return found

    def label_of(self, paths: Iterable[str]) -> Label | None:
        return most_restrictive(self.labels.get(p) for p in paths)


def _withheld(labelled: Mapping[str, Label]) -> Text:
    shown = ", ".join(f"{path} ({label.canonical})" for path, label in sorted(labelled.items()))
    return Text(f"[withheld: quotes {shown}]", f"[weggelaten: citeert {shown}]")


def _readable(value: object) -> bool:
    try:
        parse_label(str(value))
    except TlpError:
        return False
    return True


def _too_high(label: Label | None, ceiling: Label) -> TypeGuard[Label]:
    return label is not None and (label.rank > ceiling.rank or label is Label.RED)


def apply(evaluation: Evaluation, repo: Repository, ceiling: Label | None = None) -> Evaluation:
    """Label the output and withhold what quotes documents above the ceiling (RED: always)."""
    quoting = _Quoting(document_labels(repo))
    limit = ceiling or Label.AMBER_STRICT
    withheld = 0
    shown_labels: list[Label | None] = []

    questions: list[QuestionResult] = []
    for q in evaluation.questions:
        if q.outcome.holds:
            # A holding question's reason lists evidence paths (or attestation counts): no content.
            questions.append(q)
            continue
        texts = [q.reason, *q.missing]
        paths = quoting.paths_in(texts)
        label = quoting.label_of(paths)
        if _too_high(label, limit):
            withheld += 1
            notice = _withheld({p: quoting.labels[p] for p in paths if _too_high(quoting.labels.get(p), limit)})
            questions.append(replace(q, reason=notice, missing=(notice,) if q.missing else ()))
            continue
        questions.append(q)
        shown_labels.append(label)

    findings: list[Finding] = []
    for f in evaluation.findings:
        label = quoting.labels.get(f.path)
        if _too_high(label, limit):
            withheld += 1
            findings.append(replace(f, message=_withheld({f.path: label}), tlp=label.value))
            continue
        findings.append(replace(f, tlp=label.value if label else None))
        shown_labels.append(label)

    survey = evaluation.survey
    if survey is not None:
        # The answer counts and the ambition proposal come from the self-assessment: they carry its label
        # and are left out above the ceiling (and always for TLP:RED), like any text quoting it.
        label = quoting.labels.get(survey.path)
        doc = next((d for d in repo.documents if d.path == survey.path), None)
        if doc is not None and doc.meta.get("tlp") not in (None, "") and not _readable(doc.meta.get("tlp")):
            label = Label.RED  # a label that cannot be read fails closed, whatever the body says
        if _too_high(label, limit):
            withheld += 1
            survey = None
        else:
            shown_labels.append(label)

    top = most_restrictive(shown_labels)
    return replace(evaluation, questions=tuple(questions), findings=tuple(findings),
                   tlp=top.value if top else None, withheld=withheld, survey=survey)
