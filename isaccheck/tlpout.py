"""The TLP of isaccheck's own output: label what it quotes, and withhold what is above a ceiling.

Every message knows the documents it quotes (`Text.quotes`, set where the message is made; a
finding also quotes the file it is about). This module only reads those sources, never the
finished text: a path with a space or a parenthesis, or a message that quotes a document without
naming it, is labelled all the same. Every text-bearing part of an Evaluation passes here:
question reasons and missing items, findings, run warnings, coming-due warnings, the reasons
of not-applicable decisions and the survey numbers of the self-assessment. A document's label for output is `Document.output_tlp`: the most
restrictive of its frontmatter, body markings and item labels, RED when any cannot be read.

The output carries the most restrictive label of what it still quotes (with a ceiling: at least
a label line: the ceiling when nothing labelled is quoted). Text quoting a document above the
ceiling is replaced by a notice with the path only; a TLP:RED document's content never appears,
whatever the ceiling: only its path and the fact that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from .i18n import plural
from .model import ComingDue, Document, Evaluation, Finding, QuestionResult, Text, Waiver
from .repository import Repository
from .tlp import Label, most_restrictive


# A label by its value, looked up in a dict: Label(value) (Enum.__call__) was a third of this function,
# which runs for every document at every year end of `history` (issue 14, eighth round).
_BY_VALUE: dict[str, Label] = {label.value: label for label in Label}


def document_labels(repo: Repository) -> dict[str, Label]:
    """Path (and metadata path) -> the label output quoting that file carries."""
    labels: dict[str, Label] = {}
    described: list[Document] = []  # by a sidecar: their second pass below, without a second walk over all
    by_value = _BY_VALUE
    for doc in repo.documents:
        label = doc.output_tlp or doc.tlp
        if label:
            labels[doc.path] = labels[doc.meta_path] = by_value.get(label) or Label(label)  # Label(): its error
        if doc.path != doc.meta_path:
            described.append(doc)
    for path, value in repo.unloaded_tlp.items():
        labels[path] = most_restrictive([labels.get(path), Label(value)]) or Label(value)
    # A sidecar-described document is quoted under either path: both carry the stricter label.
    for doc in described:
        if doc.path != doc.meta_path:
            both = most_restrictive([labels.get(doc.path), labels.get(doc.meta_path)])
            if both is not None:
                labels[doc.path] = labels[doc.meta_path] = both
    return labels


def too_high(label: Label | None, ceiling: Label) -> bool:
    return label is not None and (label.rank > ceiling.rank or label is Label.RED)


def withheld_notice(labelled: Mapping[str, Label]) -> Text:
    shown = ", ".join(f"{path} ({label.canonical})" for path, label in sorted(labelled.items()))
    return Text(f"[withheld: quotes {shown}]", f"[weggelaten: citeert {shown}]")


class Quoting:
    """Decides, from the sources a text declares, whether it may be shown; keeps the output's label."""

    def __init__(self, labels: Mapping[str, Label], ceiling: Label | None) -> None:
        self.labels = labels
        self.limit = ceiling or Label.AMBER_STRICT
        # too_high of each of the five labels, decided once: a set lookup per source instead of a call.
        self.high = frozenset(label for label in Label if too_high(label, self.limit))
        self.withheld = 0
        self.shown: list[Label | None] = []

    def label_of(self, sources: Iterable[str]) -> Label | None:
        return most_restrictive(map(self.labels.get, sources))

    def blocked(self, sources: Iterable[str]) -> dict[str, Label]:
        """The sources above the ceiling, with their labels (empty: the text may be shown)."""
        get, high = self.labels.get, self.high
        return {p: label for p in sources if (label := get(p)) in high}

    def admit(self, sources: Iterable[str]) -> Text | None:
        """None when text quoting these sources may be shown (its label then counts), else the notice."""
        sources = set(sources)
        blocked = self.blocked(sources)
        if blocked:
            self.withheld += 1
            return withheld_notice(blocked)
        self.shown.append(self.label_of(sources))
        return None

    def text(self, text: Text) -> Text:
        notice = self.admit(text.quotes)
        return text if notice is None else notice


def _question(q: QuestionResult, quoting: Quoting) -> QuestionResult:
    # Evidence lines name a document and why it counts (type, date): no content, as in `isaccheck tlp`.
    sources = set(q.reason.quotes).union(*(m.quotes for m in q.missing))
    notice = quoting.admit(sources)
    if notice is None:
        return q
    waiver = replace(q.waiver, withheld=notice) if q.waiver else None
    return replace(q, reason=notice, missing=(notice,) if q.missing else (), waiver=waiver)


def _finding(f: Finding, quoting: Quoting) -> Finding:
    # A finding may quote the file it is about (a field value, a recipient) unless it was made knowing it does not.
    sources = {*f.message.quotes, *([f.path] if f.quotes_file else [])}
    label = quoting.label_of(sources)
    notice = quoting.admit(sources)
    return replace(f, message=notice or f.message, tlp=label.value if label else None)


def _waiver(w: Waiver, quoting: Quoting) -> Waiver:
    # The reason is the ISAC's own words about a decision in `decided_in`: it quotes that document.
    notice = quoting.admit({w.decided_in})
    return w if notice is None else replace(w, withheld=notice)


def _coming(c: ComingDue, quoting: Quoting) -> ComingDue:
    return replace(c, message=quoting.text(c.message))


@dataclass(frozen=True)
class Filtered:
    findings: tuple[Finding, ...]
    tlp: str | None  # the label of what is shown (the ceiling when nothing labelled is)
    withheld: int


def filter_findings(findings: Iterable[Finding], repo: Repository, ceiling: Label | None = None) -> Filtered:
    """Findings alone (`isaccheck validate`), under the same rules as a whole evaluation."""
    quoting = Quoting(document_labels(repo), ceiling)
    shown = tuple(_finding(f, quoting) for f in findings)
    top = most_restrictive(quoting.shown) or ceiling
    return Filtered(shown, top.value if top else None, quoting.withheld)


def notice(label: str | None, withheld: int) -> Text | None:
    """One line for the formats that have no field for it: the output's label and what was left out."""
    if label is None and not withheld:
        return None
    shown = f"TLP:{label}" if label else "TLP: -"
    return Text(f"{shown}: this output quotes documents up to this label; share it no further than it allows"
                + (f" ({plural(withheld, 'item', 'en')} withheld above the ceiling)" if withheld else ""),
                f"{shown}: deze uitvoer citeert documenten tot dit label; deel haar niet verder dan het toestaat"
                + (f" ({plural(withheld, 'item', 'nl')} weggelaten boven het plafond)" if withheld else ""))


def apply(evaluation: Evaluation, repo: Repository, ceiling: Label | None = None) -> Evaluation:
    """Label the output and withhold what quotes documents above the ceiling (RED: always)."""
    quoting = Quoting(document_labels(repo), ceiling)
    questions = tuple(_question(q, quoting) for q in evaluation.questions)
    findings = tuple(_finding(f, quoting) for f in evaluation.findings)
    waivers = tuple(_waiver(w, quoting) for w in evaluation.waivers)
    warnings = tuple(quoting.text(w) for w in evaluation.warnings)
    coming = tuple(_coming(c, quoting) for c in evaluation.coming_due)
    survey = evaluation.survey
    # The answer counts and the ambition proposal come from the self-assessment: they carry its label
    # for output (RED when it cannot be read) and are left out above the ceiling, like any text quoting it.
    if survey is not None and quoting.admit({survey.path}) is not None:
        survey = None
    top = most_restrictive(quoting.shown)
    if ceiling is not None and top is None:
        top = ceiling  # asked for a ceiling: the output always says its label (unlabelled text may be quoted)
    return replace(evaluation, questions=questions, findings=findings, waivers=waivers, warnings=warnings,
                   coming_due=coming, survey=survey, tlp=top.value if top else None,
                   withheld=evaluation.withheld + quoting.withheld)
