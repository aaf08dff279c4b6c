"""The check primitives: the only place where evidence is judged.

Each primitive is a small function named as a yes/no question, registered with the JSON Schema
of its parameters; its docstring is its documentation (docs/primitives.md is generated from it).
It returns a CheckResult: True/False (or None: unknown), the evidence it used and what is missing.
Rules combine primitives with all/any/not (see engine.py); rules never contain code.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .i18n import adopted_type, noun, plural, type_name, types_phrase
from . import evidence as _memo
from .evidence import Evidence, is_empty, matches, months_before
from .model import CheckResult, Document, EvidenceRef, Text
from .repository import dig, parse_date

Params = Mapping[str, Any]
CheckFunction = Callable[[Evidence, Params], CheckResult]


@dataclass(frozen=True)
class Primitive:
    name: str
    function: CheckFunction
    parameters: Mapping[str, Any]  # JSON Schema "properties"
    required: tuple[str, ...]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.function.__doc__ or "")

    @property
    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"check": {"const": self.name}, **self.parameters},
            "required": ["check", *self.required],
            "additionalProperties": False,
        }


PRIMITIVES: dict[str, Primitive] = {}

# Parameter schemas used by several primitives.
TYPE = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
MONTHS = {"type": "integer", "minimum": 1, "description": "window in months up to the evaluation date"}
COUNT = {"type": "integer", "minimum": 1}
# A check that misses one document per period or year lists this many, then counts the rest.
MAX_LISTED_PERIODS = 10
SHARE = {"type": "number", "minimum": 0, "maximum": 1}
FIELDS = {"type": "array", "items": {"type": "string"}}
WHERE = {"type": "object", "additionalProperties": {}}


def primitive(name: str, required: tuple[str, ...] = (), **parameters: Any) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        if name in PRIMITIVES:
            raise ValueError(f"primitive {name} registered twice")
        PRIMITIVES[name] = Primitive(name, function, parameters, required)
        return function

    return register


# -- helpers -----------------------------------------------------------------------------------

def _ref(doc: Document, en: str, nl: str, field: str | None = None) -> EvidenceRef:
    line = doc.line_of(field) if field else None
    return EvidenceRef(
        path=doc.path,
        why=Text(en, nl),
        line=line,
        date=doc.date.isoformat() if doc.date else None,
        commit=doc.commit,
        tlp=doc.tlp,
        inferred=inferred_note(doc),
    )


def inferred_note(doc: Document) -> Text | None:
    """ "inferred from notulen.pdf: date page 1 (date line), attendees page 2 (...)" when read from the text."""
    if not doc.inferred:
        return None
    fields = sorted(doc.inferred.items())
    return Text(f"inferred from {doc.path}: " + "; ".join(f"`{name}` {t.en}" for name, t in fields),
                f"afgeleid uit {doc.path}: " + "; ".join(f"`{name}` {t.nl}" for name, t in fields))


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _type_words(value: Any) -> str:
    return " / ".join(f"`{t}`" for t in _types(value))


def _window_words(months: int | None) -> tuple[str, str]:
    if months is None:
        return "", ""
    return f" in the last {months} months", f" in de afgelopen {months} maanden"


def _profile_ref(ev: Evidence, dotted: str, en: str, nl: str) -> EvidenceRef:
    return EvidenceRef(path="isac.yaml", why=Text(en, nl), line=ev.profile_line(dotted))


def _fail(missing: list[Text], evidence: list[EvidenceRef] | None = None,
          location: tuple[str, int | None] | None = None) -> CheckResult:
    return CheckResult(False, tuple(evidence or ()), tuple(missing), location=location)


def _ok(evidence: list[EvidenceRef]) -> CheckResult:
    return CheckResult(True, tuple(evidence))


def _missing_fields(ev: Evidence, doc: Document, fields: list[str]) -> tuple[str, ...]:
    """The fields the document leaves empty: it alone decides, so once per document and fields in a run."""
    if not fields:
        return ()
    # A tuple, not a list: kept for the run, and an empty tuple is no new object for the collector.
    return _memo.remembered(doc, ("missing", *fields), lambda: tuple(f for f in fields if is_empty(ev.field(doc, f))))


def _where_words(where: Mapping[str, Any] | None, lang: str = "en") -> str:
    if not where:
        return ""
    parts = []
    conjunction = " of " if lang == "nl" else " or "
    for key, value in where.items():
        shown = conjunction.join(map(_shown, value)) if isinstance(value, list) else _shown(value)
        parts.append(f"{key}: {shown}")
    return " (" + ", ".join(parts) + ")"


# -- the profile -------------------------------------------------------------------------------

@primitive("profile_has", required=("fields",), fields=FIELDS,
           mode={"enum": ["all", "any"], "default": "all"}, resolve={"type": "boolean"})
def profile_has(ev: Evidence, p: Params) -> CheckResult:
    """Does isac.yaml fill in these fields?

    `fields`: dotted paths into isac.yaml (`isac.purpose`); `mode`: `all` (default) or `any`;
    `resolve`: each value must be the path of an adopted document in the repository.
    """
    def filled(dotted: str) -> bool:
        value = ev.profile_value(dotted)
        if is_empty(value):
            return False
        return not p.get("resolve") or (isinstance(value, str) and value.strip().lstrip("./") in ev.adopted_paths)

    present = [f for f in p["fields"] if filled(f)]
    absent = [f for f in p["fields"] if f not in present]
    enough = bool(present) if p.get("mode") == "any" else not absent
    evidence = [_profile_ref(ev, f, f"`{f}` is filled in", f"`{f}` is ingevuld") for f in present]
    if enough:
        return _ok(evidence)
    return _fail(
        [Text(f"isac.yaml: `{f}` is empty or missing" + (" or not an adopted document" if p.get("resolve") else ""),
              f"isac.yaml: `{f}` is leeg of ontbreekt" + (" of geen vastgesteld document" if p.get("resolve") else ""))
         for f in absent],
        evidence,
        ("isac.yaml", ev.profile_line(absent[0]) if absent else None),
    )


@primitive("profile_value", required=("field",), field={"type": "string"},
           **{"in": {"type": "array"}, "not_in": {"type": "array"}})
def profile_value(ev: Evidence, p: Params) -> CheckResult:
    """Is this isac.yaml field one of the allowed values (`in`), or none of `not_in`?"""
    value = ev.profile_value(p["field"])
    line = ev.profile_line(p["field"])
    ok = not is_empty(value) or value is False
    if "in" in p:
        ok = ok and value in p["in"]
    if "not_in" in p:
        ok = ok and value not in p["not_in"]
    shown = _shown(value)
    if ok:
        return _ok([_profile_ref(ev, p["field"], f"`{p['field']}` is {shown}", f"`{p['field']}` is {shown}")])
    if "in" in p:
        options = ", ".join(_shown(v) for v in p["in"])
        wanted = (f"should be {options}" if len(p["in"]) == 1 else f"should be one of {options}",
                  f"moet {options} zijn" if len(p["in"]) == 1 else f"moet een van {options} zijn")
    else:
        options = ", ".join(_shown(v) for v in p.get("not_in") or [])
        wanted = (f"should not be {options}", f"mag niet {options} zijn")
    if value is None:
        return _fail([Text(f"isac.yaml: `{p['field']}` is not set; it {wanted[0]}",
                           f"isac.yaml: `{p['field']}` is niet ingevuld; het {wanted[1]}")], location=("isac.yaml", line))
    return _fail([Text(f"isac.yaml: `{p['field']}` is {shown}; it {wanted[0]}", f"isac.yaml: `{p['field']}` is {shown}; het {wanted[1]}")],
                 location=("isac.yaml", line))


def _shown(value: Any) -> str:
    """A YAML value as the user wrote it: true, not True; a, b, not ['a', 'b']."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


@primitive("profile_list", required=("field",), field={"type": "string"}, where=WHERE, min_count=COUNT)
def profile_list(ev: Evidence, p: Params) -> CheckResult:
    """Does this isac.yaml list have at least `min_count` items (matching `where`)?"""
    items = ev.profile_value(p["field"])
    items = items if isinstance(items, list) else []
    chosen = [i for i in items if isinstance(i, dict) and all(matches(i.get(k), v) for k, v in (p.get("where") or {}).items())]
    need = p.get("min_count", 1)
    if len(chosen) >= need:
        return _ok([_profile_ref(ev, p["field"], f"`{p['field']}` lists {len(chosen)}", f"`{p['field']}` noemt er {len(chosen)}")])
    where, where_nl = _where_words(p.get("where")), _where_words(p.get("where"), "nl")
    return _fail([Text(f"isac.yaml: `{p['field']}` has {plural(len(chosen), 'entry', 'en')}{where}, {need} needed",
                       f"isac.yaml: `{p['field']}` heeft {plural(len(chosen), 'entry', 'nl')}{where_nl}, {need} nodig")],
                 location=("isac.yaml", ev.profile_line(p["field"])))


# -- documents ---------------------------------------------------------------------------------

def _drafts_found(drafts: list[Document]) -> list[Text]:
    """Drafts that would have counted: named, so the user sees why they do not (issue 11)."""
    if not drafts:
        return []
    paths = ", ".join(d.path for d in drafts[:3]) + (f" (+{len(drafts) - 3})" if len(drafts) > 3 else "")
    if len(drafts) == 1:
        return [Text(f"one draft found: {paths}; a draft never counts (`status: draft`)",
                     f"één concept gevonden: {paths}; een concept telt nooit mee (`status: draft`)")]
    return [Text(f"{len(drafts)} drafts found: {paths}; a draft never counts (`status: draft`)",
                 f"{len(drafts)} concepten gevonden: {paths}; een concept telt nooit mee (`status: draft`)")]


def _year_offset(value: str | None) -> int | None:
    return {"current": 0, "next": 1, "previous": -1}.get(value or "")


def _shared_beyond(ev: Evidence, doc: Document) -> bool:
    recipients = doc.meta.get("shared_with")
    if not isinstance(recipients, list):
        return False
    return any(isinstance(r, str) and r.strip().lower() != "participants" and not ev.is_participant(r) for r in recipients)


def _contributors(ev: Evidence, doc: Document) -> set[str]:
    raw = doc.meta.get("contributors")
    return {str(c).strip().lower() for c in raw if ev.is_participant(c)} if isinstance(raw, list) else set()


def _has_item(doc: Document, spec: Mapping[str, Any]) -> bool:
    items = doc.meta.get(spec["field"])
    if not isinstance(items, list):
        return False
    where = spec.get("where") or {}
    return any(isinstance(i, dict) and all(matches(i.get(k), v) for k, v in where.items()) for i in items)


@primitive(
    "document_exists", required=("type",), type=TYPE, months=MONTHS, min_count=COUNT, fields=FIELDS,
    where=WHERE,
    has_item={"type": "object", "properties": {"field": {"type": "string"}, "where": WHERE}, "required": ["field"]},
    min_contributors=COUNT, year={"enum": ["current", "next", "previous"]},
    shared_beyond_participants={"type": "boolean"},
    years_ahead={"type": "object", "properties": {"field": {"type": "string"}, "min": {"type": "integer", "minimum": 0}},
                 "required": ["field", "min"], "additionalProperties": False},
    recent_item={"type": "object", "properties": {"field": {"type": "string"}, "months": MONTHS},
                 "required": ["field", "months"], "additionalProperties": False},
    maintained={"type": "object", "properties": {"field": {"type": "string"}, "months": MONTHS},
                "required": ["field", "months"], "additionalProperties": False},
)
def document_exists(ev: Evidence, p: Params) -> CheckResult:
    """Is there an adopted document of this type that has what is asked?

    `type`; `months` (window); `min_count` (default 1); `fields` that must be filled in
    (`sections.x` also reads Markdown headings); `where` {field: value(s)}; `has_item`
    {field, where} for a list item; `min_contributors` (distinct current participants);
    `year`: current/next/previous (the document's `year` field); `shared_beyond_participants`;
    `years_ahead` {field, min}: that year field reaches at least `min` years past the evaluation
    year (a roadmap's `to_year`); `recent_item` {field, months}: a list of dates (a working
    group's `meetings`) has one inside the window; `maintained` {field, months}: the document's
    date or the date in that field (`reviewed_on`) lies inside the window, so a product made
    long ago counts while it is kept up to date.
    """
    months = p.get("months")
    fields = list(p.get("fields") or [])
    offset = _year_offset(p.get("year"))
    year = ev.as_of.year + offset if offset is not None else None
    good: list[EvidenceRef] = []
    wanted = ev.where_test(p.get("where"))

    def problems_of(doc: Document) -> list[tuple[str, str]] | None:
        """What keeps the document from counting; None when it is not of the kind asked (`where`)."""
        problems: list[tuple[str, str]] = []
        if year is not None and doc.meta.get("year") != year:
            problems.append((f"is for {doc.meta.get('year')}, not {year}", f"is voor {doc.meta.get('year')}, niet {year}"))
        if not wanted(doc):
            return None
        absent = _missing_fields(ev, doc, fields)
        if absent:
            shown = ", ".join(f"`{f}`" for f in absent)
            problems.append((f"lacks {shown}", f"mist {shown}"))
        if "has_item" in p and not _has_item(doc, p["has_item"]):
            spec = p["has_item"]
            problems.append((f"has no `{spec['field']}` item{_where_words(spec.get('where'))}",
                             f"heeft geen `{spec['field']}`-item{_where_words(spec.get('where'), 'nl')}"))
        if "min_contributors" in p and len(_contributors(ev, doc)) < p["min_contributors"]:
            n = len(_contributors(ev, doc))
            problems.append((f"has {n} contributing {noun(n, 'participant', 'en')}, {p['min_contributors']} needed",
                             f"heeft {n} bijdragende {noun(n, 'participant', 'nl')}, "
                             f"{p['min_contributors']} nodig"))
        if "years_ahead" in p:
            spec = p["years_ahead"]
            reach = doc.meta.get(spec["field"])
            if not isinstance(reach, int) or reach < ev.as_of.year + spec["min"]:
                problems.append((f"`{spec['field']}` is {reach!r}; it should reach {ev.as_of.year + spec['min']} or later",
                                 f"`{spec['field']}` is {reach!r}; moet tot {ev.as_of.year + spec['min']} of later reiken"))
        if "recent_item" in p:
            spec = p["recent_item"]
            dates = doc.meta.get(spec["field"])
            recent = [d for d in dates if ev.in_window(parse_date(d), spec["months"])] if isinstance(dates, list) else []
            if not recent:
                problems.append((f"no `{spec['field']}` date in the last {spec['months']} months",
                                 f"geen `{spec['field']}`-datum in de afgelopen {spec['months']} maanden"))
        if "maintained" in p:
            spec = p["maintained"]
            if not (ev.in_window(doc.date, spec["months"]) or ev.in_window(ev.doc_date(doc, spec["field"]), spec["months"])):
                problems.append((f"is dated {doc.date} and not maintained (`{spec['field']}`) in the last {spec['months']} months",
                                 f"is gedateerd {doc.date} en niet onderhouden (`{spec['field']}`) in de afgelopen {spec['months']} maanden"))
        if p.get("shared_beyond_participants") and not _shared_beyond(ev, doc):
            problems.append(("is not shared beyond the participants", "is niet gedeeld buiten de deelnemers"))
        return problems

    misses: list[tuple[Document, list[tuple[str, str]]]] = []
    # Without a window, only the documents `where` matches (the others are no near miss either),
    # from the evidence index's view, which a year end changes by its new documents only.
    matched = ev.matching(p["type"], p.get("where")) if months is None else None
    for doc in ev.docs(p["type"], months) if matched is None else matched:
        problems = problems_of(doc)
        if problems is None:
            continue
        if problems:
            misses.append((doc, problems))
            continue
        good.append(_ref(doc, f"adopted {doc.type}", adopted_type(doc.type, "nl")))
    need = p.get("min_count", 1)
    if len(good) >= need:
        return _ok(good)
    # Only the first five are shown (and none where it holds): their texts only are made.
    near_misses = _drafts_found([d for d in ev.drafts(p["type"], months) if problems_of(d) == []])
    near_misses += [Text(f"{doc.path} " + "; ".join(e for e, _ in problems),
                         f"{doc.path} " + "; ".join(n for _, n in problems), frozenset({doc.path}))
                    for doc, problems in misses[:5]]
    win_en, win_nl = _window_words(months)
    where, where_nl = _where_words(p.get("where")), _where_words(p.get("where"), "nl")
    year_en = f" for {year}" if year is not None else ""
    year_nl = f" voor {year}" if year is not None else ""
    if need == 1:
        head = Text(f"no adopted {_type_words(p['type'])} document{where}{year_en}{win_en} with all that is asked",
                    f"geen {types_phrase(p['type'], 'nl', adopted=True)}{where_nl}{year_nl}{win_nl} met alles wat gevraagd wordt")
        if not near_misses:
            head = Text(f"no adopted {_type_words(p['type'])} document{where}{year_en}{win_en}",
                        f"geen {types_phrase(p['type'], 'nl', adopted=True)}{where_nl}{year_nl}{win_nl}")
    else:
        head = Text(f"{len(good)} of {need} adopted {_type_words(p['type'])} documents{where}{year_en}{win_en}",
                    f"{len(good)} van {need} {types_phrase(p['type'], 'nl', need, adopted=True)}{where_nl}{year_nl}{win_nl}")
    # A document that almost counts says best what to do, so it comes first.
    return _fail([*near_misses[:5], head], good)


@primitive("documents_for_years", required=("type",), type=TYPE, years=COUNT,
           offset={"type": "integer", "minimum": 0, "maximum": 1}, fields=FIELDS)
def documents_for_years(ev: Evidence, p: Params) -> CheckResult:
    """Is there an adopted document of this type for each of the last `years` years?

    `offset` 1 (default) counts completed years (2025 when evaluating in 2026), 0 includes the
    current year. The document's `year` field says which year it is about (else its date).
    """
    count = p.get("years", 1)
    offset = p.get("offset", 1)
    # Years before the year 1 do not exist: `years: 99999999` in isaccheck.yaml asks for every year.
    wanted = [ev.as_of.year - offset - i for i in range(min(count, max(ev.as_of.year - offset, 0)))]
    beyond_calendar = count - len(wanted)
    wanted_set = set(wanted)
    fields = list(p.get("fields") or [])
    found: dict[int, Document] = {}
    lacking: dict[int, list[Text]] = {}
    for doc in ev.docs(p["type"]):
        year = doc.meta.get("year")
        if not isinstance(year, int):
            year = doc.date.year if doc.date else None
        if not isinstance(year, int) or year not in wanted_set:
            continue
        absent = _missing_fields(ev, doc, fields)
        if absent:
            shown = ", ".join(f"`{f}`" for f in absent)
            lacking.setdefault(year, []).append(Text(f"{doc.path} (for {year}) lacks {shown}",
                                                     f"{doc.path} (over {year}) mist {shown}", frozenset({doc.path})))
            continue
        found.setdefault(year, doc)
    evidence = [_ref(doc, f"{doc.type} for {year}", f"{type_name(doc.type, 'nl')} over {year}") for year, doc in sorted(found.items())]
    absent_years = [y for y in wanted if y not in found]
    if not absent_years and not beyond_calendar:
        return _ok(evidence)
    # A document that exists but lacks a field says best what to do, so it comes first, and its
    # year is not reported as having no document at all.
    near_misses = [t for y in absent_years for t in lacking.get(y, [])]
    without = [y for y in absent_years if y not in lacking]
    listed = [Text(f"no adopted {_type_words(p['type'])} for {y}", f"geen {types_phrase(p['type'], 'nl', adopted=True)} over {y}")
              for y in without[:MAX_LISTED_PERIODS]]
    more = len(without) - len(listed) + beyond_calendar
    if more:
        listed.append(Text(f"and {more} earlier {noun(more, 'year', 'en')} without one",
                           f"en nog {more} eerdere {noun(more, 'year', 'nl')} zonder"))
    return _fail(near_misses[:3] + listed, evidence)


VALUE_IN = {"type": "object", "properties": {"field": {"type": "string"}, "values": {"type": "array"},
                                             "profile_list": {"type": "string"}},
            "required": ["field"], "additionalProperties": False}


def _value_in_ok(ev: Evidence, doc: Document, spec: Mapping[str, Any] | None) -> bool:
    """The field's value is one of `values` or of the isac.yaml list `profile_list` (case-insensitive)."""
    if not spec:
        return True
    listed = ev.profile_value(spec["profile_list"]) if spec.get("profile_list") else None
    allowed = list(spec.get("values") or []) + [str(v) for v in (listed if isinstance(listed, list) else [])]
    value = ev.field(doc, spec["field"])
    return not is_empty(value) and matches(value, allowed)


@primitive("ratio", required=("type", "threshold"), type=TYPE, months=MONTHS, where=WHERE,
           condition={"type": "object", "properties": {"fields": FIELDS, "where": WHERE, "value_in": VALUE_IN},
                      "additionalProperties": False},
           threshold=SHARE, min_count=COUNT)
def ratio(ev: Evidence, p: Params) -> CheckResult:
    """Does at least `threshold` of the documents of this type (matching `where`) meet `condition`?

    `condition`: {fields: [filled in], where: {field: value(s)}, value_in: {field, values,
    profile_list}: the field is one of `values` or of an isac.yaml list}; `min_count`: the
    smallest population that counts (default 1).
    """
    wanted = ev.where_test(p.get("where"))
    matched = ev.matching(p["type"], p.get("where")) if p.get("months") is None else None
    population = [d for d in ev.docs(p["type"], p.get("months")) if wanted(d)] if matched is None else list(matched)
    condition = p.get("condition") or {}
    meets = ev.where_test(condition.get("where"))
    meeting = [
        d for d in population
        if not _missing_fields(ev, d, list(condition.get("fields") or [])) and meets(d)
        and _value_in_ok(ev, d, condition.get("value_in"))
    ]
    need = p.get("min_count", 1)
    win_en, win_nl = _window_words(p.get("months"))
    if len(population) < need:
        return _fail([Text(f"{len(population)} {_type_words(p['type'])} {noun(len(population), 'document', 'en')}{_where_words(p.get('where'))}{win_en}; {need} needed to measure",
                           f"{len(population)} {types_phrase(p['type'], 'nl', len(population))}{_where_words(p.get('where'), 'nl')}{win_nl}; {need} nodig om te meten")])
    share = len(meeting) / len(population)
    evidence = [_ref(d, "meets the condition", "voldoet aan de voorwaarde") for d in meeting]
    if share >= p["threshold"]:
        return _ok(evidence)
    others = [d.path for d in population if d not in meeting]
    return _fail(
        [Text(f"{len(meeting)} of {len(population)} ({share:.0%}) meet it, {p['threshold']:.0%} needed; not: {', '.join(others[:5])}",
              f"{len(meeting)} van {len(population)} ({share:.0%}) voldoen, {p['threshold']:.0%} nodig; niet: {', '.join(others[:5])}",
              # "does not meet it" says something about each of these documents' content.
              frozenset(others))],
        evidence,
    )


@primitive("references_resolve", required=("type", "field"), type=TYPE, field={"type": "string"},
           months=MONTHS, min_count=COUNT, target_types={"type": "array", "items": {"type": "string"}})
def references_resolve(ev: Evidence, p: Params) -> CheckResult:
    """Do at least `min_count` documents of this type reference (in list `field`) documents that exist?

    `target_types`: the referenced documents must be of one of these types.
    """
    targets = ev.path_types()
    wanted = set(p.get("target_types") or ())
    docs = ev.docs(p["type"], p.get("months"))
    good: list[EvidenceRef] = []
    broken: list[Text] = []
    for doc in docs:
        refs = doc.meta.get(p["field"])
        refs = [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []
        unresolved = [r for r in refs if r.strip().lstrip("./") not in targets
                      or (wanted and targets[r.strip().lstrip("./")] not in wanted)]
        if refs and not unresolved:
            good.append(_ref(doc, f"all {len(refs)} `{p['field']}` references resolve",
                             f"alle {len(refs)} `{p['field']}`-verwijzingen bestaan", p["field"]))
        elif unresolved:
            broken.append(Text(f"{doc.path}: `{p['field']}` names {', '.join(unresolved)}, not a document here",
                               f"{doc.path}: `{p['field']}` noemt {', '.join(unresolved)}, geen document hier",
                               frozenset({doc.path})))
        else:
            broken.append(Text(f"{doc.path}: `{p['field']}` is empty", f"{doc.path}: `{p['field']}` is leeg",
                               frozenset({doc.path})))
    need = p.get("min_count", 1)
    if len(good) >= need and not broken:
        return _ok(good)
    win_en, win_nl = _window_words(p.get("months"))
    missing = broken[:5]
    if len(good) < need:
        missing.insert(0, Text(f"{len(good)} {_type_words(p['type'])} {noun(len(good), 'document', 'en')}{win_en} whose `{p['field']}` names existing documents, {need} needed",
                               f"{len(good)} {types_phrase(p['type'], 'nl', len(good))}{win_nl} waarvan `{p['field']}` naar bestaande documenten verwijst, {need} nodig"))
    return _fail(missing, good)


@primitive("periodic_documents", required=("type", "period_months", "periods"), type=TYPE,
           period_months=COUNT, periods=COUNT, where=WHERE, fields=FIELDS)
def periodic_documents(ev: Evidence, p: Params) -> CheckResult:
    """Does each of the last `periods` periods of `period_months` have a document of this type?"""
    fields = list(p.get("fields") or [])
    wanted = ev.where_test(p.get("where"))
    matched = ev.matching(p["type"], p.get("where"))  # as in document_exists: the index's view
    docs = ([d for d in ev.docs(p["type"]) if wanted(d) and not _missing_fields(ev, d, fields)] if matched is None
            else [d for d in matched if not _missing_fields(ev, d, fields)])
    evidence: list[EvidenceRef] = []
    missing: list[Text] = []
    earliest = min((d.date for d in docs if d.date), default=None)
    for index in range(p["periods"]):
        end = months_before(ev.as_of, index * p["period_months"])
        start = months_before(ev.as_of, (index + 1) * p["period_months"])
        if end == dt.date.min or (len(missing) >= MAX_LISTED_PERIODS and (earliest is None or end < earliest)):
            # No document lies this far back: every remaining period misses one. Counted, not
            # walked, so `periods: 99999999` in isaccheck.yaml is a quick answer, not a hang.
            left = p["periods"] - index
            missing.append(Text(f"and {left} earlier {'period' if left == 1 else 'periods'} without one",
                                f"en nog {left} eerdere {'periode' if left == 1 else 'perioden'} zonder"))
            break
        inside = [d for d in docs if d.date and start < d.date <= end]
        if inside:
            evidence.append(_ref(inside[-1], f"covers {start + dt.timedelta(days=1)} to {end}",
                                 f"dekt {start + dt.timedelta(days=1)} t/m {end}"))
        else:
            shown = ", ".join(f"`{f}`" for f in fields)
            extra_en = f" with {shown}" if fields else ""
            extra_nl = f" met {shown}" if fields else ""
            missing.append(Text(f"no {_type_words(p['type'])}{_where_words(p.get('where'))}{extra_en} dated {start + dt.timedelta(days=1)} to {end}",
                                f"geen {types_phrase(p['type'], 'nl')}{_where_words(p.get('where'), 'nl')}{extra_nl} gedateerd {start + dt.timedelta(days=1)} t/m {end}"))
    return _ok(evidence) if not missing else _fail(missing, evidence)


# -- participants and meetings -----------------------------------------------------------------

@primitive("every_participant_has", required=("fields",), fields=FIELDS,
           value_in={"type": "object", "properties": {"field": {"type": "string"}, "profile_list": {"type": "string"}},
                     "required": ["field", "profile_list"], "additionalProperties": False})
def every_participant_has(ev: Evidence, p: Params) -> CheckResult:
    """Does every current participant in isac.yaml have these fields filled in?

    `fields`: dotted paths in a participant entry (`representative.function`); `value_in`:
    {field, profile_list}: that field's value must be in an isac.yaml list (`isac.required_functions`).
    """
    if not ev.participants:
        return _fail([Text("isac.yaml lists no current participants", "isac.yaml noemt geen huidige deelnemers")],
                     location=("isac.yaml", ev.profile_line("participants")))
    allowed: set[str] | None = None
    spec = p.get("value_in")
    if spec:
        raw = ev.profile_value(spec["profile_list"])
        if not isinstance(raw, list) or not raw:
            return _fail([Text(f"isac.yaml: `{spec['profile_list']}` is not set, so it cannot be checked",
                               f"isac.yaml: `{spec['profile_list']}` is niet ingevuld, dus niet te controleren")],
                         location=("isac.yaml", ev.profile_line(spec["profile_list"]) or 1))
        allowed = {str(v).strip().lower() for v in raw}
    missing: list[Text] = []
    first_line: int | None = None
    for participant in ev.participants:
        index = ev.participant_index(participant)
        absent = [f for f in p["fields"] if is_empty(dig(participant.data, f))]
        problems_en: list[str] = []
        problems_nl: list[str] = []
        if absent:
            shown = ", ".join(f"`{f}`" for f in absent)
            problems_en.append(f"{shown} missing, empty or false")
            problems_nl.append(f"{shown} ontbreekt, is leeg of false")
        if spec and allowed is not None:
            value = dig(participant.data, spec["field"])
            if not isinstance(value, str) or value.strip().lower() not in allowed:
                problems_en.append(f"`{spec['field']}` is {value!r}, not one of `{spec['profile_list']}`")
                problems_nl.append(f"`{spec['field']}` is {value!r}, niet een van `{spec['profile_list']}`")
        if problems_en:
            first_line = first_line or ev.profile_line(f"participants.{index}")
            missing.append(Text(f"{participant.organisation}: " + "; ".join(problems_en),
                                f"{participant.organisation}: " + "; ".join(problems_nl)))
    n = len(ev.participants)
    if not missing:
        return _ok([_profile_ref(ev, "participants", f"all {n} current participants", f"alle {n} huidige deelnemers")])
    return _fail(missing, location=("isac.yaml", first_line))


@primitive("participant_attendance", required=("months", "threshold"), months=MONTHS, threshold=SHARE,
           participant_share=SHARE)
def participant_attendance(ev: Evidence, p: Params) -> CheckResult:
    """Did the current participants attend at least `threshold` of the meetings in the window?

    Meetings are minutes' dates; attendance is the minutes' `attendees`. A participant that joined
    during the window is measured from its joining date. Without `participant_share` every
    participant must reach the threshold; with it, more than that share of the participants
    measured must (all of them always suffices), and those below it are named as a warning.
    """
    meetings = [m for m in ev.meetings_in(p["months"]) if m.minutes is not None]
    if not meetings:
        return _fail([Text(f"no minutes in the last {p['months']} months to measure attendance",
                           f"geen notulen in de afgelopen {p['months']} maanden om aanwezigheid te meten")])
    if not ev.participants:
        return _fail([Text("isac.yaml lists no current participants", "isac.yaml noemt geen huidige deelnemers")])
    below: list[Text] = []
    measured = 0
    for participant in ev.participants:
        name = participant.organisation.strip().lower()
        held = [m for m in meetings if participant.joined is None or m.date >= participant.joined]
        if not held:
            continue
        measured += 1
        attended = sum(1 for m in held if name in m.attendees)
        if attended / len(held) < p["threshold"]:
            # Who attended a meeting is the minutes' content: the count quotes every minutes it read.
            below.append(Text(
                f"{participant.organisation} attended {attended} of {len(held)} meetings, {p['threshold']:.0%} expected",
                f"{participant.organisation} was bij {attended} van {len(held)} bijeenkomsten, {p['threshold']:.0%} verwacht",
                frozenset(m.minutes.path for m in held if m.minutes is not None),
            ))
    evidence = [_ref(m.minutes, "attendance", "aanwezigheid", "attendees") for m in meetings if m.minutes]
    share = p.get("participant_share")
    if share is None:
        return _ok(evidence) if not below else _fail(below, evidence)
    enough = measured - len(below)
    if enough == measured or enough / measured > share:
        return CheckResult(True, tuple(evidence), warnings=tuple(below))
    head = Text(f"{enough} of {measured} participants attended at least {p['threshold']:.0%} of the meetings; "
                f"{'all' if share >= 1 else f'more than {share:.0%}'} needed",
                f"{enough} van {measured} deelnemers waren bij ten minste {p['threshold']:.0%} van de bijeenkomsten; "
                f"{'allen' if share >= 1 else f'meer dan {share:.0%}'} nodig",
                frozenset(m.minutes.path for m in meetings if m.minutes is not None))
    return _fail([head, *below], evidence)


_REQUIREMENTS = ["agenda", "agenda_issued_before", "minutes", "tlp", "roundtable", "actions_with_owner", "prepared_by_roles"]
ROLE_WORDS = {
    "chair": "chair", "voorzitter": "chair",
    "vice-chair": "vice_chair", "vice_chair": "vice_chair", "vicevoorzitter": "vice_chair", "vice chair": "vice_chair",
    "secretary": "secretary", "secretaris": "secretary",
}


def _role_holders(ev: Evidence) -> dict[str, str]:
    """Names of the people holding a role, lower case -> role key."""
    roles = ev.profile.data.get("roles")
    holders: dict[str, str] = {}
    if isinstance(roles, dict):
        for key, value in roles.items():
            if isinstance(value, dict) and isinstance(value.get("name"), str):
                holders[value["name"].strip().lower()] = key
    return holders


MINUTES_REQUIREMENTS = {"minutes", "tlp", "roundtable", "actions_with_owner"}


@dataclass(frozen=True)
class _MeetingFacts:
    """What every meeting of every meeting rule asks of one evaluation, found once for it (each of
    the six meeting rules asked them for each meeting of its window): the role holders of isac.yaml,
    and the first draft of each type and date (ev.drafts scanned every draft for each meeting)."""

    holders: dict[str, str]
    first_drafts: dict[tuple[str, dt.date], str]

    @staticmethod
    def of(ev: Evidence) -> _MeetingFacts | None:
        """None when memoising is off (evidence.MEMOISE): then each meeting asks as it did."""
        if not _memo.MEMOISE:
            return None
        found: _MeetingFacts = ev.once(("meeting-facts",), lambda: _MeetingFacts(_role_holders(ev), ev.first_drafts()))
        return found


def _meeting_problems(ev: Evidence, meeting: Any, requires: list[str], grace_days: int,
                      shared: _MeetingFacts | None = None) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    agenda, minutes = meeting.agenda, meeting.minutes
    if minutes is None and (ev.as_of - meeting.date).days < grace_days:
        # Minutes are written after the meeting: not yet due.
        requires = [r for r in requires if r not in MINUTES_REQUIREMENTS]
    def draft(kind: str) -> tuple[str, str]:
        if shared is not None:
            first = shared.first_drafts.get((kind, meeting.date))
            found = [first] if first is not None else []
        else:
            found = [d.path for d in ev.drafts(kind) if d.date == meeting.date]
        return (f" (one draft found: {found[0]}; a draft never counts)", f" (één concept gevonden: {found[0]}; een concept telt nooit mee)") \
            if found else ("", "")

    if "agenda" in requires and agenda is None:
        en, nl = draft("agenda")
        problems.append((f"no agenda{en}", f"geen agenda{nl}"))
    if "agenda_issued_before" in requires and agenda is not None:
        issued = ev.doc_date(agenda, "issued_on")
        if issued is None or issued >= meeting.date:
            problems.append(("agenda not issued before the meeting (`issued_on`)", "agenda niet vóór de bijeenkomst verstuurd (`issued_on`)"))
    if "minutes" in requires and minutes is None:
        en, nl = draft("minutes")
        problems.append((f"no minutes{en}", f"geen notulen{nl}"))
    if "tlp" in requires:
        if minutes is not None and not minutes.tlp:
            problems.append(("minutes without a TLP label", "notulen zonder TLP-label"))
        elif minutes is not None and minutes.tlp_declared_only:
            problems.append(("the minutes' TLP label is only declared by a glob in isaccheck.yaml, not written in them",
                             "het TLP-label van de notulen staat alleen in een glob in isaccheck.yaml, niet in de notulen zelf"))
        if minutes is None:
            problems.append(("no minutes to carry a TLP label", "geen notulen met TLP-label"))
    if "roundtable" in requires and (minutes is None or is_empty(minutes.meta.get("roundtable"))):
        problems.append(("no incident round (`roundtable`) in the minutes", "geen rondje rood (`roundtable`) in de notulen"))
    if "actions_with_owner" in requires:
        actions = minutes.meta.get("actions") if minutes else None
        if not isinstance(actions, list) or not actions or any(not isinstance(a, dict) or is_empty(a.get("owner")) for a in actions):
            problems.append(("minutes without actions that each have an owner", "notulen zonder acties met elk een eigenaar"))
    if "prepared_by_roles" in requires:
        prepared = agenda.meta.get("prepared_by") if agenda else None
        holders = shared.holders if shared is not None else _role_holders(ev)
        roles = set()
        for who in prepared if isinstance(prepared, list) else []:
            word = str(who).strip().lower()
            roles.add(ROLE_WORDS.get(word) or holders.get(word) or word)
        # The rule's own measure: "chair, vice-chair and/or secretary"; any of them preparing counts.
        if not roles & {"chair", "vice_chair", "secretary"}:
            problems.append(("agenda not prepared by the chair, vice-chair or secretary (`prepared_by`)",
                             "agenda niet voorbereid door voorzitter, vicevoorzitter of secretaris (`prepared_by`)"))
    return problems


def _meeting_warnings(ev: Evidence, meeting: Any, requires: list[str]) -> list[Text]:
    """What is odd about a meeting's records without failing it: an agenda sent after the meeting."""
    agenda = meeting.agenda
    if "agenda" not in requires or agenda is None:
        return []
    issued = ev.doc_date(agenda, "issued_on")
    if issued is not None and issued > meeting.date:
        return [Text(f"{agenda.path}: `issued_on` {issued} is after the meeting of {meeting.date}",
                     f"{agenda.path}: `issued_on` {issued} ligt na de bijeenkomst van {meeting.date}",
                     frozenset({agenda.path}))]
    return []


@primitive("every_meeting_has", required=("months",), months=MONTHS,
           requires={"type": "array", "items": {"enum": _REQUIREMENTS}},
           gap_tolerance_months={"type": "integer", "minimum": 0}, min_meetings=COUNT,
           minutes_grace_days={"type": "integer", "minimum": 0})
def every_meeting_has(ev: Evidence, p: Params) -> CheckResult:
    """Does every plenary meeting in the window have what is required, with no gap too long?

    `requires`: agenda, agenda_issued_before, minutes, tlp, roundtable, actions_with_owner,
    prepared_by_roles. Meetings are the dates of minutes and agendas. A gap between meetings
    (or since the last one) longer than isac.yaml `meeting_frequency_months` plus
    `gap_tolerance_months` (default 1) is named as a warning, not a failure (the seed sets no
    meeting frequency); so is a gap from the last meeting before the window when the next meeting
    fell due inside the window. An agenda whose `issued_on` is after the meeting is a warning;
    `agenda_issued_before` makes issuing it before the meeting a requirement. `prepared_by_roles`:
    the chair, vice-chair and/or secretary prepared the agenda (any one of them). Minutes are not
    yet due for a meeting held less than `minutes_grace_days` (default 30) days ago.
    """
    if not _memo.MEMOISE:
        return _every_meeting_has(ev, p)
    # Two built-in rules (WOW-1.6, WOW-2.4) ask the very same: answered once per evaluation. The
    # parameters are YAML values (numbers, strings, lists): equal reprs, the same question.
    found: CheckResult = ev.once(("every_meeting_has", repr(sorted(p.items()))), lambda: _every_meeting_has(ev, p))
    return found


def _every_meeting_has(ev: Evidence, p: Params) -> CheckResult:
    months = p["months"]
    meetings = ev.meetings_in(months)
    requires = list(p.get("requires") or [])
    need = p.get("min_meetings", 1)
    if len(meetings) < need:
        return _fail([Text(f"{plural(len(meetings), 'meeting', 'en')} in the last {months} months, {need} needed",
                           f"{plural(len(meetings), 'meeting', 'nl')} in de afgelopen {months} maanden, {need} nodig")])
    missing: list[Text] = []
    evidence: list[EvidenceRef] = []
    location: tuple[str, int | None] | None = None
    notes: list[Text] = []
    grace = p.get("minutes_grace_days", 30)
    shared = _MeetingFacts.of(ev)
    warns = "agenda" in requires  # _meeting_warnings has nothing to say otherwise, nor without an agenda
    # Each meeting of the window, for each meeting rule, at every year end: the texts are built
    # without generators (one problem, the common case, needs no join): 18 % of this rule's time.
    for meeting in meetings:
        problems = _meeting_problems(ev, meeting, requires, grace, shared)
        minutes, agenda = meeting.minutes, meeting.agenda
        if warns and agenda is not None:
            notes.extend(_meeting_warnings(ev, meeting, requires))
        doc = minutes or agenda
        if problems:
            if len(problems) == 1:
                (en, nl), = problems
            else:
                en, nl = "; ".join([e for e, _ in problems]), "; ".join([n for _, n in problems])
            if minutes is not None and agenda is not None:
                quotes = frozenset((minutes.path, agenda.path))
            else:
                quotes = frozenset((doc.path,)) if doc is not None else frozenset()
            missing.append(Text(f"meeting {meeting.date}: {en}", f"bijeenkomst {meeting.date}: {nl}", quotes))
            if location is None and doc is not None:
                location = (doc.meta_path, doc.line_of("type") or 1)
        elif doc is not None:
            evidence.append(_ref(doc, f"meeting {meeting.date} complete", f"bijeenkomst {meeting.date} compleet"))
    # A skipped meeting is a warning, not a failure: the seed sets no meeting frequency, and a
    # missed meeting says nothing about whether TLP, agendas or minutes are used (issue 11.1).
    # The same for every meeting rule with this window and tolerance: computed once per evaluation.
    tolerance = p.get("gap_tolerance_months", 1)
    notes += ev.once(("meeting_gaps", months, tolerance), lambda: meeting_gaps(ev, months, tolerance))
    if not missing:
        return CheckResult(True, tuple(evidence), warnings=tuple(notes))
    return CheckResult(False, tuple(evidence), tuple(missing), location=location, warnings=tuple(notes))


def meeting_gaps(ev: Evidence, months: int, tolerance: int) -> list[Text]:
    """Gaps in the window longer than isac.yaml `meeting_frequency_months` plus `tolerance`.

    The last meeting before the window starts the first gap: a meeting that fell due inside the
    window (more than the limit after it) and never came is a gap too.
    """
    frequency = ev.meeting_frequency()
    if not frequency:
        return []
    limit = frequency + tolerance
    start = ev.window_start(months)
    before_window = ev.meeting_before_window(months)
    earlier = [before_window] if before_window is not None else []
    stops = earlier + [m.date for m in ev.meetings_in(months)] + [ev.as_of]
    gaps: list[Text] = []
    for before, after in zip(stops, stops[1:]):
        # Meetings are mostly closer than the limit: that test first, so `due` is seldom computed.
        if months_before(after, limit) > before and months_before(before, -limit) > start:  # -limit: after
            until = "now" if after == ev.as_of else str(after)
            until_nl = "nu" if after == ev.as_of else str(after)
            gaps.append(Text(f"no meeting between {before} and {until} (expected every {frequency} months)",
                             f"geen bijeenkomst tussen {before} en {until_nl} (verwacht elke {frequency} maanden)"))
    return gaps


_SIGNATURE_WORDS = {
    "verified": ("verified", "geverifieerd"),
    "unverified": ("declared, the commit is not signed", "verklaard, de commit is niet ondertekend"),
    "key-unknown": ("declared, signed with a key not in allowed_signers", "verklaard, ondertekend met een sleutel die niet in allowed_signers staat"),
    "bad": ("bad signature: does not count", "ongeldige handtekening: telt niet"),
    "missing": ("commit or tag not found: does not count", "commit of tag niet gevonden: telt niet"),
    "declared": ("declared", "verklaard"),
}


def signature_target(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    """What a signature entry points at in git: ("commit", sha) or ("tag", name); None when declared only."""
    for kind in ("commit", "tag"):
        value = entry.get(kind)
        if isinstance(value, str) and value.strip():
            return kind, value.strip()
    return None


def _signature_check(ev: Evidence, ref: tuple[str, str] | None, organisation: str) -> Any:
    """The check of this entry's claim (signer and date for this organisation), else of the object."""
    if ref is None:
        return None
    return ev.signature_checks.get((*ref, organisation)) or ev.signature_checks.get(ref)


@primitive("guidelines_signed", before_first_meeting={"type": "boolean"}, timing_months=MONTHS)
def guidelines_signed(ev: Evidence, p: Params) -> CheckResult:
    """Must participants sign the membership guidelines, and has every current participant signed?

    Reads the latest adopted `membership-guidelines`: `signing_required: true`, and a signature
    `{organisation, signed_on}` per current participant, not after the evaluation date; with
    `before_first_meeting`, the participant's first signature (of any adopted version of the
    guidelines, so re-signing a revision is no breach) not after the first meeting whose minutes
    list it as attendee. `timing_months`: judge that timing only for first meetings inside this
    window, so one late signature years ago is not held against the ISAC for ever.
    A signature with `commit: <sha>` or `tag: <name>` is verified with git (isaccheck.yaml
    `allowed_signers`): a bad signature, or a commit or tag that does not exist, does not count.
    """
    docs = ev.docs("membership-guidelines")
    if not docs:
        return _fail([Text("no adopted membership-guidelines", "geen vastgestelde lidmaatschapsrichtlijnen (membership-guidelines)")])
    doc = docs[-1]
    missing: list[Text] = []
    if doc.meta.get("signing_required") is not True:
        missing.append(Text(f"{doc.path}: `signing_required` is not true", f"{doc.path}: `signing_required` is niet true"))
    signed: dict[str, dt.date | None] = {}
    refused: dict[str, Text] = {}  # organisation -> why its git-backed signature does not count
    shown: list[tuple[str, str, str]] = []  # (organisation, status, what it points at)
    for entry in doc.meta.get("signatures") or []:
        if isinstance(entry, dict) and isinstance(entry.get("organisation"), str):
            key = entry["organisation"].strip().lower()
            ref = signature_target(entry)
            check = _signature_check(ev, ref, key)
            status = check.status if check is not None else "declared"
            shown.append((entry["organisation"], status, f"{ref[0]} {ref[1][:12]}" if ref else ""))
            if check is not None and check.status in ("bad", "missing"):
                refused[key] = Text(f"{ref[0]} {ref[1]}: {check.detail.en}", f"{ref[0]} {ref[1]}: {check.detail.nl}",  # type: ignore[index]
                                    check.detail.quotes | {doc.path})
                continue
            day = parse_date(entry.get("signed_on"))
            signed[key] = day
    earliest: dict[str, dt.date] = {}
    for version in docs:
        for entry in version.meta.get("signatures") or []:
            if isinstance(entry, dict) and isinstance(entry.get("organisation"), str):
                ref = signature_target(entry)
                key = entry["organisation"].strip().lower()
                check = _signature_check(ev, ref, key)
                if check is not None and check.status in ("bad", "missing"):
                    continue
                when = parse_date(entry.get("signed_on"))
                if when is not None and when <= ev.as_of and (key not in earliest or when < earliest[key]):
                    earliest[key] = when
    for participant in ev.participants:
        name = participant.organisation.strip().lower()
        if name in refused:
            why = refused[name]
            missing.append(Text(f"{participant.organisation} has not signed: its signature does not hold ({why.en})",
                                f"{participant.organisation} heeft niet ondertekend: de handtekening houdt geen stand ({why.nl})"))
            continue
        if name not in signed:
            missing.append(Text(f"{participant.organisation} has not signed", f"{participant.organisation} heeft niet ondertekend"))
            continue
        day = signed[name]
        if day is None or day > ev.as_of:
            missing.append(Text(f"{participant.organisation}: signature has no date on or before {ev.as_of}",
                                f"{participant.organisation}: handtekening zonder datum op of vóór {ev.as_of}"))
            continue
        if p.get("before_first_meeting"):
            first = next((m.date for m in ev.meetings if name in m.attendees and m.date <= ev.as_of), None)
            first_signed = earliest.get(name, day)
            if first is not None and first_signed > first and ev.in_window(first, p.get("timing_months")):
                missing.append(Text(f"{participant.organisation} signed on {first_signed}, after its first meeting on {first}",
                                    f"{participant.organisation} tekende op {first_signed}, na de eerste bijeenkomst op {first}"))
    # Every line above reads the guidelines' signatures: they quote the guidelines.
    missing = [m.quoting(doc.path) for m in missing]
    if not ev.participants:
        missing.append(Text("isac.yaml lists no current participants", "isac.yaml noemt geen huidige deelnemers"))
    why_en, why_nl = f"signed by {len(signed)}", f"ondertekend door {len(signed)}"
    if any(status != "declared" or target for _, status, target in shown):
        why_en += " (" + "; ".join(f"{org}: {_SIGNATURE_WORDS[status][0]}{f', {t}' if t else ''}" for org, status, t in shown) + ")"
        why_nl += " (" + "; ".join(f"{org}: {_SIGNATURE_WORDS[status][1]}{f', {t}' if t else ''}" for org, status, t in shown) + ")"
    evidence = [_ref(doc, why_en, why_nl, "signatures")]
    return _ok(evidence) if not missing else _fail(missing, evidence, (doc.meta_path, doc.line_of("signatures") or doc.line_of("type")))


@primitive("roles_held", required=("roles",), roles={"type": "array", "items": {"enum": ["chair", "vice_chair", "secretary"]}},
           participants_only={"type": "boolean"})
def roles_held(ev: Evidence, p: Params) -> CheckResult:
    """Is each role in isac.yaml `roles` held by someone (with a `name`)?

    The holder may be outside the participants (a secretariat held by NCSC or a facilitator);
    `participants_only: true` requires a current participant organisation.
    """
    roles = ev.profile.data.get("roles")
    roles = roles if isinstance(roles, dict) else {}
    missing: list[Text] = []
    evidence: list[EvidenceRef] = []
    for role in p["roles"]:
        holder = roles.get(role)
        org = holder.get("organisation") if isinstance(holder, dict) else None
        if not isinstance(holder, dict) or is_empty(holder.get("name")):
            missing.append(Text(f"isac.yaml: role `{role}` is not held", f"isac.yaml: rol `{role}` is niet belegd"))
        elif p.get("participants_only") and not ev.is_participant(org):
            missing.append(Text(f"isac.yaml: `{role}` is of {org!r}, not a current participant",
                                f"isac.yaml: `{role}` is van {org!r}, geen huidige deelnemer"))
        else:
            # In Dutch ISACs the secretariat is often held by NCSC or a facilitator, not a participant.
            extra_en, extra_nl = ("", "") if ev.is_participant(org) else (" (not a participant)", " (geen deelnemer)")
            shown = f"{holder['name']} ({org})" if not is_empty(org) else str(holder["name"])
            evidence.append(_profile_ref(ev, f"roles.{role}", f"{role}: {shown}{extra_en}", f"{role}: {shown}{extra_nl}"))
    return _ok(evidence) if not missing else _fail(missing, evidence, ("isac.yaml", ev.profile_line("roles") or 1))


@primitive("no_findings", required=("codes",), codes={"type": "array", "items": {"type": "string"}, "minItems": 1}, months=MONTHS)
def no_findings(ev: Evidence, p: Params) -> CheckResult:
    """Are the documents of the window free of these findings (by code prefix)?

    Holds when at least one document is dated in the window and none of them has a finding whose
    code starts with one of `codes` (e.g. `tlp-sharing`).
    """
    months = p.get("months")
    codes = p["codes"]
    if not any(f.code.startswith(code) for f in ev.repo.findings for code in codes):
        # No finding has one of the codes, so none is found below: only how many documents the
        # window holds is said, and the index counts them without a walk over every document.
        count = ev.adopted_in_window(months)
        if count is not None:
            return _no_findings_in(count, codes)
    if months is None:
        docs = [d for d in ev.repo.documents if d.adopted]
    else:
        # in_window's test written out: a call per document of every year end is a third of this rule.
        start, end = ev.window_start(months), ev.as_of
        docs = [d for d in ev.repo.documents if d.adopted and d.date is not None and start < d.date <= end]
    if not docs:
        return _no_findings_in(0, codes)
    hits = []
    for doc in docs:
        for finding in ev.findings_by_path.get(doc.meta_path, []):
            if any(finding.code.startswith(code) for code in codes):
                hits.append((doc, finding))
    if not hits:
        return _no_findings_in(len(docs), codes)
    first = hits[0][1]
    return _fail([Text(f"{f.path}:{f.line or 1}: {f.message.en}", f"{f.path}:{f.line or 1}: {f.message.nl}",
                       f.message.quotes | {f.path, doc.path}) for doc, f in hits[:5]],
                 location=(first.path, first.line))


def _no_findings_in(count: int, codes: list[str]) -> CheckResult:
    """no_findings' answer where none of `count` documents in the window has a finding of the codes."""
    if not count:
        return _fail([Text("no documents in the window to judge", "geen documenten in de periode om te beoordelen")])
    shown = ", ".join(f"`{c}`" for c in codes)
    return _ok([EvidenceRef(path=".", why=Text(f"{count} documents without findings {shown}",
                                               f"{count} documenten zonder bevindingen {shown}"))])


@primitive("meetings_discuss", required=("months", "keywords"), months=MONTHS,
           keywords={"type": "object", "properties": {"nl": FIELDS, "en": FIELDS}}, min_count=COUNT)
def meetings_discuss(ev: Evidence, p: Params) -> CheckResult:
    """Do at least `min_count` minutes in the window have an item mentioning one of the keywords?"""
    words = [w.lower() for lang in ("nl", "en") for w in (p["keywords"].get(lang) or [])]
    hits = []
    for meeting in ev.meetings_in(p["months"]):
        if meeting.minutes is None:
            continue
        items = meeting.minutes.meta.get("items")
        text = " ".join(str(i) for i in items) if isinstance(items, list) else str(items or "")
        if any(w in text.lower() for w in words):
            hits.append(_ref(meeting.minutes, "discussed", "besproken", "items"))
    need = p.get("min_count", 1)
    if len(hits) >= need:
        return _ok(hits)
    en = ", ".join(f"'{w}'" for w in (p["keywords"].get("en") or [])[:2])
    nl = ", ".join(f"'{w}'" for w in (p["keywords"].get("nl") or [])[:2])
    return _fail([Text(f"{len(hits)} minutes in the last {p['months']} months discuss it (e.g. {en}); {need} needed",
                       f"{len(hits)} notulen in de afgelopen {p['months']} maanden bespreken het (bijv. {nl}); {need} nodig")], hits)


@primitive("roundtable_uses_taxonomy", required=("months",), months=MONTHS)
def roundtable_uses_taxonomy(ev: Evidence, p: Params) -> CheckResult:
    """Does every incident-round entry of the window use a category of the adopted incident taxonomy?

    Reads the latest adopted `incident-taxonomy` (`categories`) and every `roundtable[].category`
    of the minutes in the window; at least one entry is needed.
    """
    taxonomies = ev.docs("incident-taxonomy")
    if not taxonomies:
        return _fail([Text("no adopted incident-taxonomy", "geen vastgestelde incidenttaxonomie (incident-taxonomy)")])
    taxonomy = taxonomies[-1]
    categories = {str(c).strip().lower() for c in taxonomy.meta.get("categories") or []}
    used = 0
    strays: list[Text] = []
    evidence = [_ref(taxonomy, "incident categories", "incidentcategorieën", "categories")]
    for meeting in ev.meetings_in(p["months"]):
        if meeting.minutes is None:
            continue
        entries = meeting.minutes.meta.get("roundtable")
        for entry in entries if isinstance(entries, list) else []:
            category = entry.get("category") if isinstance(entry, dict) else None
            used += 1
            if not isinstance(category, str) or category.strip().lower() not in categories:
                strays.append(Text(f"{meeting.minutes.path}: category {category!r} is not in {taxonomy.path}",
                                   f"{meeting.minutes.path}: categorie {category!r} staat niet in {taxonomy.path}",
                                   frozenset({meeting.minutes.path, taxonomy.path})))
        if entries:
            evidence.append(_ref(meeting.minutes, "incident round recorded", "rondje rood vastgelegd", "roundtable"))
    if used == 0:
        return _fail([Text(f"no incident round (`roundtable`) in the minutes of the last {p['months']} months",
                           f"geen rondje rood (`roundtable`) in de notulen van de afgelopen {p['months']} maanden")], evidence)
    return _ok(evidence) if not strays else _fail(strays[:5], evidence)
