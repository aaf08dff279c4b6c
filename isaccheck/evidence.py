"""Stage 2, collect evidence: index the loaded repository once for one evaluation date.

Every primitive asks its questions of this index, never of the files. Drafts, documents the
schema refused and documents dated after the evaluation date are not evidence.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, Callable, Iterable, Mapping, TypeVar

from .enums import dutch_words
from .model import Document, Finding
from .repository import Participant, Profile, Repository, dig, parse_date


T = TypeVar("T")
_PATH, _TYPE = attrgetter("path"), attrgetter("type")

# Facts of one document, memoised on the Document object (issue 14, eighth round). `history` and
# the report's trend evaluate the rule pack once per year end, and the run's LoadCache hands the
# same Document objects to every year end that holds the same blob: a fact that depends only on
# the document (and on a rule's parameters, which are part of its key) is computed once per run.
# Never a fact that depends on the evaluation date, the profile or the other documents unless
# those are in its key. Off (False): every fact is computed each time, the plain way (tests
# compare the two on every example and on generated histories).
MEMOISE = True
# Facts computed (memo misses), by kind: tests count that the work is done once per document.
computed: Counter[str] = Counter()


def remembered(doc: Document, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """compute() once per document and key while the document lives (an exception is not kept);
    with MEMOISE off, every time."""
    if not MEMOISE:
        return compute()
    facts = doc.memo()
    try:
        known = key in facts
    except TypeError:  # an unhashable parameter (a user's rule): computed the plain way
        return compute()
    if known:
        found: T = facts[key]
        return found
    value = facts[key] = compute()
    computed[key[0]] += 1
    return value


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31 March - 1 month = 28/29 Feb).

    A window reaching before the year 1 (months: 99999999 in isaccheck.yaml) starts at the first day.
    """
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _plain_order(doc: Document) -> tuple[dt.date, str]:
    return (doc.date or dt.date.min, doc.path)


_DATE, _DATE_PATH = attrgetter("date"), attrgetter("date", "path")


def in_order(docs: list[Document]) -> None:
    """Sort by date (undated first), then path: key (date or date.min, path), stable.

    Where every document has a date after date.min (nearly always), by attrgetter("date", "path"),
    the same keys without a Python call per document (each type's list, at every year end)."""
    dates = list(map(_DATE, docs))
    if None in dates or dt.date.min in dates:
        docs.sort(key=_plain_order)
    else:
        docs.sort(key=_DATE_PATH)


def is_empty(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict, tuple)):
        return len(value) == 0
    return False


def matches(value: Any, wanted: Any) -> bool:
    """A field equals one of the wanted values; for a list field, contains one of them."""
    return _holds(value, _options(wanted))


def _options(wanted: Any) -> set[Any]:
    """The wanted value(s) of a `where`, normalised: what _holds looks a field's values up in."""
    return {_norm(o) for o in (wanted if isinstance(wanted, list) else [wanted])}


def _holds(value: Any, options: set[Any]) -> bool:
    return any(_norm(v) in options for v in (value if isinstance(value, list) else (value,)))


def _norm(value: Any) -> Any:
    """Case-insensitive, and a Dutch word of the contract's values reads as its value (regio = region)."""
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    return dutch_words().get(word, word)


@dataclass(frozen=True, init=False)
class Meeting:
    date: dt.date
    minutes: Document | None
    agenda: Document | None

    def __init__(self, date: dt.date, minutes: Document | None, agenda: Document | None) -> None:
        # Written out, as Document's: the generated __init__ sets each field by object.__setattr__,
        # and every evaluation makes one Meeting per meeting (2,500 per year end of a 20-year history).
        self.__dict__.update(date=date, minutes=minutes, agenda=agenda)

    @property
    def attendees(self) -> set[str]:
        if self.minutes is None:
            return set()
        raw = self.minutes.meta.get("attendees")
        return {str(a).strip().lower() for a in raw} if isinstance(raw, list) else set()


class Evidence:
    def __init__(self, repo: Repository, as_of: dt.date) -> None:
        self.repo = repo
        self.as_of = as_of
        self._window_starts: dict[int, dt.date] = {}
        self.profile: Profile = repo.profile
        self.participants: tuple[Participant, ...] = tuple(
            p for p in repo.profile.participants if p.current(as_of)
        )
        self.participant_names = {p.organisation.strip().lower() for p in self.participants}
        # Evidence and drafts (never evidence, but a failing check names one that would have
        # counted) in one pass over the documents; the drafts are filtered before they are sorted
        # (a stable sort: the same order), so only the drafts are sorted.
        # This runs at every year end of `history` over every document: `status != "draft"` is
        # Document.adopted without a property call, and each type's list is filled in the same pass.
        adopted: list[Document] = []
        drafts: list[Document] = []
        self.by_type: dict[str, list[Document]] = defaultdict(list)
        by_type = self.by_type
        for d in repo.documents:
            if d.valid and (d.date is None or d.date <= as_of):
                if d.status != "draft":
                    adopted.append(d)
                    by_type[d.type].append(d)
                else:
                    drafts.append(d)
        self.documents: tuple[Document, ...] = tuple(adopted)
        for docs in by_type.values():
            in_order(docs)
        self._dates: dict[str, list[dt.date]] = {}  # by_type's dates, for _in_window
        self.drafts_by_type: dict[str, list[Document]] = defaultdict(list)
        in_order(drafts)
        for doc in drafts:
            self.drafts_by_type[doc.type].append(doc)
        self.findings_by_path: dict[str, list[Finding]] = defaultdict(list)
        for finding in repo.findings:
            self.findings_by_path[finding.path].append(finding)
        self.meetings = self._meetings()
        self._meeting_dates = [m.date for m in self.meetings]
        # Git's verdict on signature entries that point at a commit or tag (computed by the
        # runner before evaluation; empty without git): ("commit"|"tag", name) -> SignatureCheck.
        self.signature_checks = repo.signature_checks
        # Answers several rules ask for in one evaluation (the meeting gaps of six meeting rules),
        # each computed once: key -> value; `computed` counts the computations (tests).
        self._once: dict[tuple[Any, ...], Any] = {}
        self.computed = 0

    @cached_property
    def adopted_paths(self) -> frozenset[str]:
        """The paths of the evidence (asked by one rule only: built when it asks)."""
        return frozenset(d.path for d in self.documents)

    def _meetings(self) -> tuple[Meeting, ...]:
        # The first document of each date (in by_type's order): walked backwards, the first one
        # is the last written (a comprehension instead of a setdefault call per document).
        minutes = {doc.date: doc for doc in reversed(self.by_type.get("minutes", [])) if doc.date}
        agendas = {doc.date: doc for doc in reversed(self.by_type.get("agenda", [])) if doc.date}
        dates = sorted(minutes.keys() | agendas.keys())
        return tuple(Meeting(d, minutes.get(d), agendas.get(d)) for d in dates)

    def first_drafts(self) -> dict[tuple[str, dt.date], str]:
        """(type, date) -> the path of the first draft (in drafts()'s order) of that type and date."""
        found: dict[tuple[str, dt.date], str] = {}
        for kind, docs in self.drafts_by_type.items():
            for doc in docs:
                if doc.date is not None:
                    found.setdefault((kind, doc.date), doc.path)
        return found

    # -- windows -----------------------------------------------------------------------------
    def window_start(self, months: int) -> dt.date:
        start = self._window_starts.get(months)
        if start is None:
            start = self._window_starts[months] = months_before(self.as_of, months)
        return start

    def in_window(self, day: dt.date | None, months: int | None) -> bool:
        if months is None:
            return True
        return day is not None and self.window_start(months) < day <= self.as_of

    def docs(self, types: str | Iterable[str], months: int | None = None) -> list[Document]:
        names = [types] if isinstance(types, str) else list(types)
        if len(names) == 1:
            return self._in_window(names[0], months)  # already in (date, path) order
        found: list[Document] = []
        for name in names:
            found.extend(self._in_window(name, months))
        return sorted(found, key=lambda d: (d.date or dt.date.min, d.path))

    def _in_window(self, name: str, months: int | None) -> list[Document]:
        """The documents of one type in the window, as `in_window` picks them, in by_type's order.

        by_type is sorted by date (no date first) and holds nothing dated after as_of, so the
        window is the slice after the last document dated on or before its start: found by
        bisection instead of testing every document (a quarter of an evaluation at 20,000).
        """
        docs = self.by_type.get(name, [])
        if months is None:
            return list(docs)
        dates = self._dates.get(name)
        if dates is None:
            dates = self._dates[name] = [d.date or dt.date.min for d in docs]
        return docs[self._first_in_window(dates, months):]

    def _first_in_window(self, dates: list[dt.date], months: int) -> int:
        """Where the window of `months` begins in `dates` (in order, none after as_of): past the
        last one on or before its start, as in_window decides."""
        return bisect.bisect_right(dates, self.window_start(months))

    def drafts(self, types: str | Iterable[str], months: int | None = None) -> list[Document]:
        names = [types] if isinstance(types, str) else list(types)
        return [d for name in names for d in self.drafts_by_type.get(name, []) if self.in_window(d.date, months)]

    def meetings_in(self, months: int | None) -> list[Meeting]:
        if months is None:
            return list(self.meetings)
        # In date order, none after as_of (they come from by_type): the window is a slice, as in _in_window.
        return list(self.meetings[self._first_in_window(self._meeting_dates, months):])

    def meeting_before_window(self, months: int) -> dt.date | None:
        """The last meeting on or before the window's start, found by bisection (None: there is none)."""
        index = self._first_in_window(self._meeting_dates, months)
        return self._meeting_dates[index - 1] if index else None

    # -- fields ------------------------------------------------------------------------------
    @staticmethod
    def field(doc: Document, dotted: str) -> Any:
        if dotted == "tlp":
            return doc.tlp  # normalised: GROEN and TLP:GREEN both read GREEN
        value = dig(doc.meta, dotted)
        if is_empty(value) and dotted.startswith(("sections.", "definitions.")):
            # Both may be written as Markdown headings in the body (docs/contract.md).
            value = doc.sections.get(dotted.split(".", 1)[1])
        return value

    def where_test(self, where: Mapping[str, Any] | None) -> Callable[[Document], bool]:
        """A document matches `where` ({field: value(s)}), as `all(matches(field(doc, k), v))` decides,
        with the wanted values normalised once per filter instead of once per document."""
        if not where:
            return lambda doc: True
        try:
            wanted = [(k, _options(v)) for k, v in where.items()]
        except TypeError:
            # An unhashable wanted value: the plain way raises it at the first document, as before.
            return lambda doc: all(matches(self.field(doc, k), v) for k, v in where.items())
        field = self.field

        def test(doc: Document) -> bool:
            return all(_holds(field(doc, key), options) for key, options in wanted)

        if not MEMOISE:
            return test
        # A document's answer depends on it and the wanted values only: once per run (its memo).
        key = ("where", tuple((k, frozenset(options)) for k, options in wanted))

        def remembered_test(doc: Document) -> bool:
            facts = doc.memo()
            found: bool | None = facts.get(key)
            if found is None:
                found = facts[key] = test(doc)  # an exception is not kept: raised again next time
                computed["where"] += 1
            return found

        return remembered_test

    def once(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """compute() the first time `key` is asked for in this evaluation, its value after that."""
        if key not in self._once:
            self._once[key] = compute()
            self.computed += 1
        return self._once[key]

    def path_types(self) -> dict[str, str]:
        """Every loaded document's path -> its type (drafts and unusable ones too), built once."""
        # Built by zip over two C-level attribute maps, not a comprehension: the same dict (a later
        # document of a path wins), at a third of the cost, for every year end of `history`.
        docs = self.repo.documents
        found: dict[str, str] = self.once(
            ("path_types",), lambda: dict(zip(map(_PATH, docs), map(_TYPE, docs))))
        return found

    def is_participant(self, name: Any) -> bool:
        return isinstance(name, str) and name.strip().lower() in self.participant_names

    def profile_value(self, dotted: str) -> Any:
        return self.profile.get(dotted)

    def profile_line(self, dotted: str) -> int | None:
        parts = dotted.split(".")
        while parts:
            line = self.profile.lines.get(".".join(parts))
            if line:
                return line
            parts.pop()
        return None

    def participant_index(self, participant: Participant) -> int:
        return self.profile.participants.index(participant)

    def meeting_frequency(self) -> int | None:
        value = self.profile.isac.get("meeting_frequency_months")
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None

    def doc_date(self, doc: Document, field: str) -> dt.date | None:
        return parse_date(doc.meta.get(field))

    def meta(self, doc: Document) -> Mapping[str, Any]:
        return doc.meta
