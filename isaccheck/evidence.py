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
from operator import attrgetter, eq, itemgetter
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

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


def in_order(docs: list[Document]) -> bool:
    """Sort by date (undated first), then path: key (date or date.min, path), stable.

    Where every document has a date after date.min (nearly always), by attrgetter("date", "path"),
    the same keys without a Python call per document (each type's list, at every year end); True
    when it did."""
    dates = list(map(_DATE, docs))
    if None in dates or dt.date.min in dates:
        docs.sort(key=_plain_order)
        return False
    docs.sort(key=_DATE_PATH)
    return True


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


def meetings_by_date(by_type: Mapping[str, list[Document]]) -> dict[dt.date, Meeting]:
    """Each meeting by its date, in date order: the first minutes and the first agenda of each
    date in their list's order."""
    # Walked backwards, the first one is the last written (a comprehension instead of a
    # setdefault call per document).
    minutes = {doc.date: doc for doc in reversed(by_type.get("minutes", [])) if doc.date}
    agendas = {doc.date: doc for doc in reversed(by_type.get("agenda", [])) if doc.date}
    return {day: Meeting(day, minutes.get(day), agendas.get(day)) for day in sorted(minutes.keys() | agendas.keys())}


_FIRST = itemgetter(0)
_MEETING_TYPES = frozenset(("minutes", "agenda"))  # what meetings_by_date reads
# Rebuilt from every document, not from the previous index, when more than this share of the
# documents is new or gone: the diff would cost more than it saves.
_CHANGED_SHARE = 0.5
# Indexes built, by how ("plain": from every document; "changed": from the previous one): tests.
indexed: Counter[str] = Counter()


class _Index:
    """The evidence and the drafts by type, each list sorted as `in_order` sorts it, and the
    meetings, of one list of documents at one date; built from the previous index (issue 14,
    ninth round).

    `history` and the report's trend evaluate each year end over mostly the same Document objects
    (the run's load cache hands them back): a year end differs from the one before by a few
    hundred documents of thousands. The previous index's lists are copied (pointers, at C speed),
    the documents that are gone are taken out, the new ones put in by bisection on each list's
    sort keys, and the meetings of the dates that changed made again (the others are the same
    Meeting objects). The same lists as from every document (`Evidence._plain_index`, tests
    compare them) as long as no two documents of a list have the same key (date, path): their
    order is then the repository's, which the diff does not know, so such a list is built the
    plain way. The previous index holds its documents, so their ids stay theirs while it is kept.
    """

    previous: _Index | None = None  # the last index built in this process (one: memory stays bounded)

    def __init__(self, docs: dict[int, Document], as_of: dt.date, by_type: dict[str, list[Document]],
                 keys: dict[str, list[tuple[dt.date, str]]], drafts: dict[str, list[Document]],
                 draft_keys: dict[str, list[tuple[dt.date, str]]], later: dict[int, Document],
                 meeting_of: dict[dt.date, Meeting]) -> None:
        self.docs, self.as_of = docs, as_of  # id -> document: every document it was built from
        self.by_type, self.keys, self.drafts, self.draft_keys = by_type, keys, drafts, draft_keys
        self.later = later  # valid documents dated after as_of: they join at a later date
        self.meeting_of = meeting_of
        self.meeting_dates = sorted(meeting_of)
        self.meetings = tuple(map(meeting_of.__getitem__, self.meeting_dates))
        # Built when first asked (path_types, adopted_dates), from the previous index's where it had them.
        self._path_types: dict[str, str] | None = None  # only where no two documents share a path
        self._adopted: tuple[list[dt.date], int] | None = None
        self.distinct = True  # no document object twice in the list it was built from (of() says)
        # (type, `where` key) -> the evidence of that type that the filter matches, in by_type's
        # order, their sort keys, and the filter: built when first asked (matching), changed from
        # the previous index's with the documents that left or joined the type's list (tenth round).
        self._views: dict[tuple[str, Any], _View] = {}

    def path_types(self) -> dict[str, str]:
        """Every document's path -> its type, as Evidence.path_types builds it (a later document of
        a path wins); never changed once built (the next index changes a copy)."""
        if self._path_types is not None:
            return self._path_types
        docs = self.docs.values()  # in the repository's order
        found = dict(zip(map(_PATH, docs), map(_TYPE, docs)))
        if len(found) == len(docs):  # every path once: the next index may change a copy
            self._path_types = found
        return found

    def adopted_dates(self) -> tuple[list[dt.date], int]:
        """The dates of the documents not marked draft (valid or not, whatever their date), in
        order, and how many there are (the undated ones too): what no_findings counts."""
        if self._adopted is None:
            adopted = [d for d in self.docs.values() if d.status != "draft"]
            self._adopted = sorted(d.date for d in adopted if d.date is not None), len(adopted)
        return self._adopted

    @classmethod
    def of(cls, documents: Sequence[Document], as_of: dt.date) -> _Index:
        """The index of these documents at this date (kept as the next one's base)."""
        docs = dict(zip(map(id, documents), documents))
        previous = cls.previous
        index = None
        if previous is not None and len(docs) == len(documents):  # the same object twice: the plain way
            index = previous._changed(docs, as_of)
        if index is None:
            index = cls._plain(documents, docs, as_of)
        index.distinct = len(docs) == len(documents)
        cls.previous = index
        return index

    @classmethod
    def _plain(cls, documents: Sequence[Document], docs: dict[int, Document], as_of: dt.date) -> _Index:
        indexed["plain"] += 1
        by_type: dict[str, list[Document]] = defaultdict(list)
        drafts: dict[str, list[Document]] = defaultdict(list)
        later: dict[int, Document] = {}
        for d in documents:
            if d.valid:
                if d.date is None or d.date <= as_of:
                    (by_type if d.status != "draft" else drafts)[d.type].append(d)
                else:
                    later[id(d)] = d
        keys, draft_keys = _sorted(by_type), _sorted(drafts)
        return cls(docs, as_of, by_type, keys, drafts, draft_keys, later, meetings_by_date(by_type))

    def _changed(self, docs: dict[int, Document], as_of: dt.date) -> _Index | None:
        """This index changed into the one of `docs` at `as_of`; None where the plain way must build it."""
        gone = self.docs.keys() - docs.keys()
        new = docs.keys() - self.docs.keys()
        if _UNORDERED is self.keys or _UNORDERED is self.draft_keys or (
                len(gone) + len(new) > _CHANGED_SHARE * len(docs)):
            return None
        by_type = _copied(self.by_type)
        keys = {kind: list(found) for kind, found in self.keys.items()}
        drafts = _copied(self.drafts)
        draft_keys = {kind: list(found) for kind, found in self.draft_keys.items()}
        later = {i: d for i, d in self.later.items() if i not in gone}
        changed: set[dt.date] = set()  # the dates whose meeting may be another
        out: dict[str, set[int]] = defaultdict(set)  # the evidence that left by_type and what joined it, by type: for the views
        put_in: list[Document] = []
        for i in gone:
            d = self.docs[i]
            if d.valid and i not in self.later:
                adopted = d.status != "draft"
                _take((by_type if adopted else drafts)[d.type], (keys if adopted else draft_keys)[d.type], d)
                if adopted:
                    out[d.type].add(i)
                if adopted and d.date and d.type in _MEETING_TYPES:
                    changed.add(d.date)
        if as_of < self.as_of:  # an earlier date: what is dated after it leaves the lists
            for lists, sort_keys in ((by_type, keys), (drafts, draft_keys)):
                for kind, found in sort_keys.items():
                    cut = bisect.bisect_right(found, as_of, key=_FIRST)
                    if cut < len(found):
                        for d in lists[kind][cut:]:
                            later[id(d)] = d
                        if lists is by_type:
                            out[kind].update(map(id, lists[kind][cut:]))
                        if kind in _MEETING_TYPES:
                            changed.update(map(_FIRST, found[cut:]))  # dated after as_of: never undated
                        del lists[kind][cut:], found[cut:]
        joining = [docs[i] for i in new]
        if as_of > self.as_of:  # a later date: what was dated after the previous one may join
            joining += [d for d in later.values() if d.date <= as_of]  # type: ignore[operator]
        for d in joining:
            if not d.valid:
                continue
            if d.date is not None and d.date > as_of:
                later[id(d)] = d
                continue
            later.pop(id(d), None)
            adopted = d.status != "draft"
            lists = by_type if adopted else drafts
            if not _put(lists[d.type], (keys if adopted else draft_keys).setdefault(d.type, []), d):
                return None  # another document of the list has its key: the repository's order decides
            if adopted:
                put_in.append(d)
            if adopted and d.date and d.type in _MEETING_TYPES:
                changed.add(d.date)
        for lists, sort_keys in ((by_type, keys), (drafts, draft_keys)):
            for kind in [kind for kind, found in lists.items() if not found]:
                del lists[kind], sort_keys[kind]  # as the plain way: a type without documents has no list
        meeting_of = dict(self.meeting_of)
        _meetings_on(meeting_of, by_type, keys, changed)
        indexed["changed"] += 1
        index = _Index(docs, as_of, by_type, keys, drafts, draft_keys, later, meeting_of)
        index._path_types = self._changed_paths(gone, [docs[i] for i in new])
        index._adopted = self._changed_adopted(gone, [docs[i] for i in new])
        index._views = self._changed_views(out, put_in)
        return index

    def matching(self, kind: str, key: Any, test: Callable[[Document], bool]) -> list[Document]:
        """The evidence of this type that `test` (the `where` filter of `key`) matches, in by_type's
        order; never changed once built (the next index changes a copy). An exception of the
        test is raised, and nothing kept."""
        view = self._views.get((kind, key))
        if view is None:
            found = list(filter(test, self.by_type.get(kind, ())))
            view = self._views[(kind, key)] = _View(found, list(map(_plain_order, found)), test)
        return view.docs

    def _changed_views(self, out: dict[str, set[int]], put_in: list[Document]) -> dict[tuple[str, Any], _View]:
        """Each view with the evidence that left its type's list taken out and what joined it put
        in where its filter matches (by bisection on the sort keys, unique in a base index); the
        same view where its type's list did not change; a view whose filter raises for a new
        document is left to be built when asked."""
        views: dict[tuple[str, Any], _View] = {}
        joined: dict[str, list[Document]] = defaultdict(list)
        for d in put_in:
            joined[d.type].append(d)
        for (kind, key), view in self._views.items():
            left, joining = out.get(kind), joined.get(kind, ())
            if not left and not joining:
                views[(kind, key)] = view
                continue
            found, sort_keys = view.docs, view.keys
            if left and not left.isdisjoint(map(id, found)):
                kept = [(d, k) for d, k in zip(found, sort_keys) if id(d) not in left]
                found, sort_keys = [d for d, _ in kept], [k for _, k in kept]
            else:
                found, sort_keys = list(found), list(sort_keys)
            try:
                for d in joining:
                    if view.test(d):
                        _put(found, sort_keys, d)
            except Exception:  # noqa: BLE001 - the filter's error is raised where a rule asks (matching)
                continue
            views[(kind, key)] = _View(found, sort_keys, view.test)
        return views

    def _changed_paths(self, gone: set[int], new: list[Document]) -> dict[str, str] | None:
        """path_types with the gone documents' paths taken out and the new ones' put in; None (built
        when asked) where this index has none, or a new document's path is another's."""
        if self._path_types is None:
            return None
        found = dict(self._path_types)
        for i in gone:
            del found[self.docs[i].path]
        for d in new:
            if d.path in found:
                return None
            found[d.path] = d.type
        return found

    def _changed_adopted(self, gone: set[int], new: list[Document]) -> tuple[list[dt.date], int] | None:
        """adopted_dates with the gone documents' dates taken out and the new ones' put in (equal
        dates are interchangeable: any one of them is taken); None where this index has none."""
        if self._adopted is None:
            return None
        dates, count = self._adopted
        dates = list(dates)
        for i in gone:
            d = self.docs[i]
            if d.status != "draft":
                count -= 1
                if d.date is not None:
                    del dates[bisect.bisect_left(dates, d.date)]
        for d in new:
            if d.status != "draft":
                count += 1
                if d.date is not None:
                    bisect.insort(dates, d.date)
        return dates, count


@dataclass(frozen=True)
class _View:
    """The documents of one type that one `where` filter matches (_Index.matching)."""

    docs: list[Document]
    keys: list[tuple[dt.date, str]]
    test: Callable[[Document], bool]


def let_go() -> None:
    """Drop the index kept for the next evaluation, and with it its documents (a run ended: cli.main)."""
    _Index.previous = None


# The keys of an index where two documents of a list share one: never a base for the next index.
_UNORDERED: dict[str, list[tuple[dt.date, str]]] = {}


def _copied(lists: dict[str, list[Document]]) -> dict[str, list[Document]]:
    copy: dict[str, list[Document]] = defaultdict(list)
    for kind, found in lists.items():
        copy[kind] = list(found)
    return copy


def _sorted(lists: dict[str, list[Document]]) -> dict[str, list[tuple[dt.date, str]]]:
    """Each list put in order (in_order) in place; their sort keys, or _UNORDERED where two are equal."""
    keys: dict[str, list[tuple[dt.date, str]]] = {}
    for kind, found in lists.items():
        # in_order's keys: by attrgetter (no Python call per document) where every one has a date.
        keys[kind] = list(map(_DATE_PATH if in_order(found) else _plain_order, found))
    if any(any(map(eq, found, found[1:])) for found in keys.values()):
        return _UNORDERED
    return keys


def _take(found: list[Document], sort_keys: list[tuple[dt.date, str]], doc: Document) -> None:
    """Take the document (this very object) out of its sorted list."""
    index = bisect.bisect_left(sort_keys, _plain_order(doc))
    while found[index] is not doc:  # keys are unique in an index that is a base: at most once
        index += 1
    del found[index], sort_keys[index]


def _put(found: list[Document], sort_keys: list[tuple[dt.date, str]], doc: Document) -> bool:
    """Put the document in its place in its sorted list; False (nothing put) where its key is taken."""
    key = _plain_order(doc)
    index = bisect.bisect_left(sort_keys, key)
    if index < len(sort_keys) and sort_keys[index] == key:
        return False
    found.insert(index, doc)
    sort_keys.insert(index, key)
    return True


def _meetings_on(meeting_of: dict[dt.date, Meeting], by_type: dict[str, list[Document]],
                 keys: dict[str, list[tuple[dt.date, str]]], dates: set[dt.date]) -> None:
    """The meeting of each of `dates` as meetings_by_date makes it: the first minutes and the
    first agenda of that date in their list's order; one already made (the same documents) is kept."""
    minutes, agendas = by_type.get("minutes", []), by_type.get("agenda", [])
    minute_keys, agenda_keys = keys.get("minutes", []), keys.get("agenda", [])
    for day in sorted(dates):
        first_minutes = _first_of(minutes, minute_keys, day)
        first_agenda = _first_of(agendas, agenda_keys, day)
        known = meeting_of.get(day)
        if first_minutes is None and first_agenda is None:
            meeting_of.pop(day, None)
        elif known is None or known.minutes is not first_minutes or known.agenda is not first_agenda:
            meeting_of[day] = Meeting(day, first_minutes, first_agenda)


def _first_of(docs: list[Document], keys: list[tuple[dt.date, str]], day: dt.date) -> Document | None:
    """The first document dated `day` of a sorted list (an undated one has date.min's key: not it)."""
    index = bisect.bisect_left(keys, (day,))
    while index < len(keys) and keys[index][0] == day:
        if docs[index].date is not None:
            return docs[index]
        index += 1
    return None


def _where_key(wanted: list[tuple[str, set[Any]]]) -> tuple[Any, ...]:
    """The memo key of a `where` filter's answer (its normalised wanted values)."""
    return ("where", tuple((k, frozenset(options)) for k, options in wanted))


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
        self._keys: dict[str, list[tuple[dt.date, str]]] | None = None  # by_type's sort keys (the index's)
        self._dates: dict[str, list[dt.date]] = {}  # by_type's dates, for _in_window
        self._index: _Index | None = None
        if MEMOISE:
            # Built from the previous evaluation's index where most documents are the same objects
            # (each year end of `history` and the report's trend): what the year end changed only.
            index = self._index = _Index.of(repo.documents, as_of)
            self.by_type: dict[str, list[Document]] = index.by_type
            self.drafts_by_type: dict[str, list[Document]] = index.drafts
            self._keys = index.keys
            self.meetings = index.meetings
            self._meeting_dates = index.meeting_dates
        else:
            self._plain_index(repo, as_of)
        self.findings_by_path: dict[str, list[Finding]] = defaultdict(list)
        for finding in repo.findings:
            self.findings_by_path[finding.path].append(finding)
        if not MEMOISE:
            self._meeting_dates = [m.date for m in self.meetings]
        # Git's verdict on signature entries that point at a commit or tag (computed by the
        # runner before evaluation; empty without git): ("commit"|"tag", name) -> SignatureCheck.
        self.signature_checks = repo.signature_checks
        # Answers several rules ask for in one evaluation (the meeting gaps of six meeting rules),
        # each computed once: key -> value; `computed` counts the computations (tests).
        self._once: dict[tuple[Any, ...], Any] = {}
        self.computed = 0

    def _plain_index(self, repo: Repository, as_of: dt.date) -> None:
        """The evidence by type, the drafts by type and the meetings from every document: the plain way."""
        # Evidence and drafts (never evidence, but a failing check names one that would have
        # counted) in one pass over the documents; the drafts are filtered before they are sorted
        # (a stable sort: the same order), so only the drafts are sorted.
        # `status != "draft"` is Document.adopted without a property call, and each type's list is
        # filled in the same pass.
        drafts: list[Document] = []
        self.by_type = defaultdict(list)
        by_type = self.by_type
        for d in repo.documents:
            if d.valid and (d.date is None or d.date <= as_of):
                if d.status != "draft":
                    by_type[d.type].append(d)
                else:
                    drafts.append(d)
        for docs in by_type.values():
            in_order(docs)
        self.drafts_by_type = defaultdict(list)
        in_order(drafts)
        for doc in drafts:
            self.drafts_by_type[doc.type].append(doc)
        self.meetings = self._meetings()

    @cached_property
    def documents(self) -> tuple[Document, ...]:
        """The evidence in the repository's order (valid, adopted, not dated after as_of): built when asked."""
        as_of = self.as_of
        return tuple(d for d in self.repo.documents
                     if d.valid and (d.date is None or d.date <= as_of) and d.status != "draft")

    @cached_property
    def adopted_paths(self) -> frozenset[str]:
        """The paths of the evidence (asked by one rule only: built when it asks)."""
        return frozenset(d.path for d in self.documents)

    def _meetings(self) -> tuple[Meeting, ...]:
        return tuple(meetings_by_date(self.by_type).values())

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
            keys = self._keys.get(name) if self._keys is not None else None
            dates = self._dates[name] = (list(map(_FIRST, keys)) if keys is not None
                                         else [d.date or dt.date.min for d in docs])
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
        key = _where_key(wanted)

        def remembered_test(doc: Document) -> bool:
            facts = doc.memo()
            found: bool | None = facts.get(key)
            if found is None:
                found = facts[key] = test(doc)  # an exception is not kept: raised again next time
                computed["where"] += 1
            return found

        return remembered_test

    def matching(self, types: str | Iterable[str], where: Mapping[str, Any] | None) -> list[Document] | None:
        """docs(types) filtered by where_test(where), in docs' order, from the index's views: a
        view is changed from the previous year end's by the documents that left or joined, so the
        filter is asked of the new documents only (the four unwindowed rules over every procedure
        asked it of each procedure at every year end). None where there is no view (memoising off,
        no `where`, an unhashable wanted value) or the filter raised: the caller walks docs(types)."""
        if self._index is None or not where:
            return None
        try:
            key = _where_key([(k, _options(v)) for k, v in where.items()])  # hashable once _options made its set
        except TypeError:
            return None
        test = self.where_test(where)
        names = [types] if isinstance(types, str) else list(types)
        try:
            found = [d for name in names for d in self._index.matching(name, key, test)]
        except Exception:  # noqa: BLE001 - raised again where the caller walks every document
            return None
        # As docs() puts several types in order: a stable sort of a subsequence is the subsequence
        # of the sorted whole.
        return found if len(names) == 1 else sorted(found, key=_plain_order)

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
        # From the previous evaluation's, changed by the documents that are new or gone, where memoising.
        docs = self.repo.documents
        index = self._index
        found: dict[str, str] = self.once(
            ("path_types",),
            index.path_types if index is not None else lambda: dict(zip(map(_PATH, docs), map(_TYPE, docs))))
        return found

    def adopted_in_window(self, months: int | None) -> int | None:
        """How many documents not marked draft (valid or not) are dated in the window (months None:
        how many there are, whatever their date), counted by bisection in the index's dates; None
        when memoising is off (the caller walks the documents)."""
        if self._index is None or not self._index.distinct:  # an object twice counts twice: walked
            return None
        dates, count = self._index.adopted_dates()
        if months is None:
            return count
        return bisect.bisect_right(dates, self.as_of) - bisect.bisect_right(dates, self.window_start(months))

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
