"""Frozen dataclasses shared by every stage: load -> evidence -> evaluate -> levels -> render."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

CAPABILITIES: tuple[str, ...] = ("STR", "WOW", "INF", "SIT", "ACT")
LEVELS: tuple[int, ...] = (1, 2, 3)
LANGUAGES: tuple[str, ...] = ("nl", "en")


_NO_QUOTES: frozenset[str] = frozenset()


@dataclass(frozen=True, init=False)
class Text:
    """A message in both output languages, and the documents whose content it quotes.

    `quotes` is set where the message is made (a primitive that writes a field value of a
    document names that document), so the TLP of an output is decided from what its messages
    are known to quote, never by looking for paths in finished text (tlpout.py).
    """

    en: str
    nl: str
    quotes: frozenset[str] = _NO_QUOTES

    def __init__(self, en: str, nl: str, quotes: frozenset[str] = _NO_QUOTES) -> None:
        # Written out, as Document's: the generated __init__ sets each field by object.__setattr__,
        # and an evaluation makes about 1,400 of them (30,000 in a 20-year history: issue 14).
        self.__dict__.update(en=en, nl=nl, quotes=quotes)

    def __call__(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en

    def quoting(self, *sources: str | Iterable[str]) -> "Text":
        """This text, also quoting the given documents (paths) or other texts' sources."""
        more: set[str] = set()
        for source in sources:
            more.update([source] if isinstance(source, str) else source)
        return replace(self, quotes=self.quotes | more) if more - self.quotes else self

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "nl": self.nl}


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Finding:
    """Something wrong with a file (schema, TLP, unreadable...). Never an exception."""

    code: str  # stable id, e.g. "schema", "yaml-syntax", "tlp-missing"
    severity: Severity
    path: str  # relative to the repository root, "/" separated
    line: int | None
    message: Text
    field: str | None = None
    tlp: str | None = None  # label of the document the message quotes from, if any
    # The file's real name when `path` is its escaped display form (a name with control characters
    # or bytes that are not UTF-8): SARIF's URI must name the real file (reporters/sarif.py).
    real_path: str | None = None
    # A finding may quote the file it is about (a field value, a recipient): assumed unless the
    # code that makes it knows its message holds none of the file's content (tlpout.py).
    quotes_file: bool = True

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line or 0, self.code, self.message.en)


_FRESH: Any = object()  # Document.__init__: no value given, a new empty dict (default_factory=dict)


@dataclass(frozen=True, init=False)
class Document:
    """A document of the repository: a Markdown file with frontmatter or a sidecar-described file.

    Its __init__ is written out (the dataclass's own would be the same): the generated one sets the
    16 fields one object.__setattr__ at a time, 9 of 18 ms per 5,000 documents of a cold check;
    this one fills __dict__ at once (test_cold_check compares the two)."""

    path: str  # the document's own path (for sidecars: the described file)
    meta_path: str  # where the metadata lives (the .md itself or the .meta.yaml)
    type: str
    meta: Mapping[str, Any]  # frontmatter, dates as ISO strings
    body: str
    body_line: int  # 1-based line number of the first body line in the file
    lines: Mapping[str, int]  # dotted field path -> 1-based line in meta_path
    date: dt.date | None
    status: str  # "draft" | "adopted"
    tlp: str | None  # normalised TLP 2.0 label ("AMBER+STRICT") or None
    sections: Mapping[str, str] = field(default_factory=dict)  # section key -> text from body headings
    commit: str | None = None  # first-added commit, when git history is known
    valid: bool = True  # False when the schema refused it; such a document is no evidence
    # The label that governs output quoting it: the most restrictive of the frontmatter, the
    # markings in the body and the item labels; RED when any of them cannot be read (tlpout.py).
    output_tlp: str | None = None
    # Fields read from the document's text rather than written as frontmatter or sidecar
    # (isaccheck.infer): field -> "inferred from FILE:LINE (how)". Empty for contract documents.
    inferred: Mapping[str, Text] = field(default_factory=dict)
    # The label came only from a `types:` glob in isaccheck.yaml: it protects output, but it is
    # declared, not used (WOW-1.2 asks for labels in the documents themselves).
    tlp_declared_only: bool = False

    def __init__(self, path: str, meta_path: str, type: str, meta: Mapping[str, Any], body: str, body_line: int,
                 lines: Mapping[str, int], date: dt.date | None, status: str, tlp: str | None,
                 sections: Mapping[str, str] = _FRESH, commit: str | None = None, valid: bool = True,
                 output_tlp: str | None = None, inferred: Mapping[str, Text] = _FRESH,
                 tlp_declared_only: bool = False) -> None:
        self.__dict__.update(
            path=path, meta_path=meta_path, type=type, meta=meta, body=body, body_line=body_line, lines=lines,
            date=date, status=status, tlp=tlp, sections={} if sections is _FRESH else sections, commit=commit,
            valid=valid, output_tlp=output_tlp, inferred={} if inferred is _FRESH else inferred,
            tlp_declared_only=tlp_declared_only)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.path)

    @property
    def adopted(self) -> bool:
        return self.status != "draft"

    def line_of(self, dotted: str) -> int | None:
        return self.lines.get(dotted)

    def with_commit(self, commit: str | None) -> Document:
        """dataclasses.replace(self, commit=commit) without its __init__ over every field: the
        history pass gives each document its first commit (5,000 replace() calls: 16 ms of a cold
        check). Same class, same field values; Document has no __post_init__ to skip."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__["commit"] = commit
        # The copy's facts are its own: an evidence line made from this one names its commit.
        copy.__dict__.pop("_memo", None)
        return copy

    def memo(self) -> dict[Any, Any]:
        """Facts computed from this document alone (evidence.remembered), kept while it lives.

        Not a field: not compared, not in repr, not stored in the load cache, not given to a copy
        by with_commit or dataclasses.replace (which build a new object). A Document never changes
        after loading (frozen; its mappings are only read), so a fact of it stays true."""
        found: dict[Any, Any] | None = self.__dict__.get("_memo")
        if found is None:
            found = self.__dict__["_memo"] = {}
        return found


class Outcome(str, enum.Enum):
    """What a question's evaluation says. Only the two HOLDS outcomes count as holding."""

    HOLDS = "holds"  # by evidence
    ATTESTED = "attested"  # by attestation in a self-assessment
    FAILS = "fails"
    NOT_APPLICABLE = "not-applicable"
    UNKNOWN = "unknown"  # something needed could not be read
    ERROR = "error"  # the rule itself could not be evaluated

    @property
    def holds(self) -> bool:
        return self in (Outcome.HOLDS, Outcome.ATTESTED)


@dataclass(frozen=True, init=False)
class EvidenceRef:
    """A document (or profile field) that served as evidence, and why it counts."""

    path: str
    why: Text
    line: int | None = None
    date: str | None = None
    commit: str | None = None
    tlp: str | None = None
    inferred: Text | None = None  # "inferred from FILE:LINE": the document's fields were read from its text

    def __init__(self, path: str, why: Text, line: int | None = None, date: str | None = None,
                 commit: str | None = None, tlp: str | None = None, inferred: Text | None = None) -> None:
        # Written out, as Text's (an evaluation of a 20-year history's year end makes about 400).
        self.__dict__.update(path=path, why=why, line=line, date=date, commit=commit, tlp=tlp, inferred=inferred)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line or 0, self.why.en)


@dataclass(frozen=True)
class CheckResult:
    """What a check primitive answers: True/False, or None for unknown."""

    value: bool | None
    evidence: tuple[EvidenceRef, ...] = ()
    missing: tuple[Text, ...] = ()
    unknown_reason: Text | None = None
    # Where a failure points at (used by SARIF and annotations).
    location: tuple[str, int | None] | None = None
    # Worth saying but not a reason to fail (a missed meeting): shown as run warnings.
    warnings: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Attestation:
    yes: int
    no: int
    partly: int
    eligible: int  # current participants
    path: str
    date: str
    holds: bool


@dataclass(frozen=True)
class Waiver:
    question: str
    reason: str
    decided_on: str
    decided_in: str
    expires: str | None
    line: int | None
    expired: bool
    withheld: Text | None = None  # set by tlpout when the reason may not be shown in this output

    def reason_text(self, lang: str) -> str:
        return self.withheld(lang) if self.withheld else self.reason


@dataclass(frozen=True)
class QuestionResult:
    id: str
    capability: str
    level: int
    outcome: Outcome
    reason: Text
    evidence: tuple[EvidenceRef, ...] = ()
    missing: tuple[Text, ...] = ()
    attestation: Attestation | None = None
    waiver: Waiver | None = None
    evidence_value: bool | None = None  # what the evidence alone said
    location: tuple[str, int | None] | None = None
    warnings: tuple[Text, ...] = ()  # from the checks; gathered into Evaluation.warnings


@dataclass(frozen=True)
class LevelCount:
    level: int
    holds: int
    applicable: int


@dataclass(frozen=True)
class CapabilityResult:
    code: str
    level: int
    ambition: int | None
    counts: tuple[LevelCount, ...]
    # The highest level whose applicable questions all hold, when it is above `level`
    # (cumulative levels: "level 2 complete, held back by WOW-1.1").
    complete_level: int | None = None
    # The unmet questions of the levels below `complete_level` (or, with highest-complete
    # levels, below `level`) that make the gap.
    held_back_by: tuple[str, ...] = ()

    @property
    def held_back_text(self) -> Text | None:
        """Plain words for a gap below a complete level, or None."""
        if not self.held_back_by:
            return None
        ids = ", ".join(self.held_back_by)
        if self.complete_level is not None:
            return Text(f"level {self.complete_level} complete, held back by {ids}",
                        f"niveau {self.complete_level} compleet, tegengehouden door {ids}")
        return Text(f"level {self.level} complete, with a gap below it: {ids}",
                    f"niveau {self.level} compleet, met een gat eronder: {ids}")

    @property
    def gap(self) -> int:
        return max(0, (self.ambition or 0) - self.level)


@dataclass(frozen=True)
class PlanStep:
    capability: str
    from_level: int
    to_level: int
    questions: tuple[str, ...]  # unmet question ids of the next level


@dataclass(frozen=True)
class Disagreement:
    question: str
    self_assessment: str  # "yes" | "no"
    evidence: bool


@dataclass(frozen=True)
class AnswerTally:
    """How the current participants answered one question in the latest self-assessment."""

    question: str
    yes: int
    no: int
    partly: int
    unanswered: int  # current participants without an answer (left empty, don't know, or not responding)


@dataclass(frozen=True)
class AmbitionProposal:
    """The participants' desired level for one capability, summarised into a proposal for isac.yaml."""

    capability: str
    spread: tuple[int, int, int, int]  # respondents wanting level 0, 1, 2, 3
    median: float
    proposed: int  # the lower median: the highest level at least half of the respondents want
    stated: int | None  # isac.yaml's ambition

    @property
    def respondents(self) -> int:
        return sum(self.spread)

    @property
    def differs(self) -> bool:
        return self.stated != self.proposed


@dataclass(frozen=True)
class SurveySummary:
    """The latest self-assessment in numbers (docs/survey.md); no answer text or note is quoted."""

    path: str
    date: str
    eligible: int  # current participants
    respondents: int  # current participants that answered anything
    tallies: tuple[AnswerTally, ...]  # the questions a self-assessment may answer (attestation allowed/only)
    proposals: tuple[AmbitionProposal, ...]


@dataclass(frozen=True)
class ComingDue:
    """A warning before a level is lost: something falls due soon."""

    due: str  # ISO date by which it must be done
    message: Text
    question: str | None = None


@dataclass(frozen=True)
class Provenance:
    tool_version: str
    rulepack_version: str
    as_of: str
    commit: str | None = None


@dataclass(frozen=True)
class Evaluation:
    """The whole result of one run; every reporter renders this and only this."""

    isac_name: str
    sector: str | None
    language: str
    provenance: Provenance
    questions: tuple[QuestionResult, ...]
    capabilities: tuple[CapabilityResult, ...]
    plan: tuple[PlanStep, ...]
    findings: tuple[Finding, ...]
    waivers: tuple[Waiver, ...]
    disagreements: tuple[Disagreement, ...]
    participants: tuple[str, ...]
    warnings: tuple[Text, ...] = ()
    document_count: int = 0
    coming_due: tuple[ComingDue, ...] = ()
    tlp: str | None = None  # the most restrictive label of the documents this output quotes
    withheld: int = 0  # items left out because of the TLP ceiling
    survey: SurveySummary | None = None
