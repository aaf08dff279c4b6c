"""Stage 1b, infer: fields of a document from its structured text, each with where it came from.

Input is a StructuredDocument from isaccheck.read (any format); output is one InferredDocument
per document in the file (a yearly notes file with a date heading per meeting gives one per
meeting; an "Agenda" section inside minutes gives that meeting's agenda too). Every value is an
Inferred: the value, the Location it was read from and how (for "inferred from FILE:LINE").
Nothing here reads files or raises on odd text; what cannot be used is a Note.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .. import tlp as tlpmod
from ..read.model import Block, Location, StructuredDocument
from ..schemas import normalise_heading, section_for_heading
from .dates import FoundDate, date_from_path, find_dates, first_date, is_date_text, year_from_folder, year_from_name
from .names import MATCH_THRESHOLD, Match, ParticipantMatcher, normalise_name

__all__ = ["describe", "Inferred", "InferredDocument", "Note", "infer_document", "MATCH_THRESHOLD", "ParticipantMatcher",
           "normalise_name", "find_dates", "guess_type", "TypeGuess"]


@dataclass(frozen=True)
class Inferred:
    value: Any
    location: Location | None  # None: from the path (file name, folder)
    how_en: str
    how_nl: str


@dataclass(frozen=True)
class Note:
    code: str  # "date-disagree", "no-date", "unmatched-attendee", "cancelled-meeting", ...
    severity: str  # "error" | "warning" | "info"
    en: str
    nl: str
    location: Location | None = None


@dataclass(frozen=True)
class InferredDocument:
    path: str
    type: str
    fields: Mapping[str, Inferred]
    notes: tuple[Note, ...] = ()
    part: str | None = None  # "meeting 2024-12-10" when one of several in the file

    def values(self) -> dict[str, Any]:
        """The fields as frontmatter would hold them (dotted section keys nested)."""
        out: dict[str, Any] = {}
        for name, inferred in self.fields.items():
            if name.startswith("sections."):
                out.setdefault("sections", {})[name.split(".", 1)[1]] = inferred.value
            else:
                out[name] = inferred.value
        return out


def describe(location: Location | None, lang: str) -> str:
    """ "line 12" / "regel 12", "page 3" / "pagina 3", "paragraph 4" / "alinea 4"; the path when None."""
    if location is None:
        return "pad" if lang == "nl" else "path"
    text = location.describe()
    if lang != "nl":
        return text
    for en, nl in (("page", "pagina"), ("line", "regel"), ("paragraph", "alinea"), ("table", "tabel"),
                   ("header", "koptekst"), ("footer", "voettekst"), ("section", "sectie")):
        text = text.replace(en, nl)
    return text


# -- headings -------------------------------------------------------------------------------
ATTENDEE_HEADINGS = frozenset({
    "aanwezig", "aanwezigen", "aanwezig waren", "deelnemers", "present", "attendance", "attendees",
    "participants", "members present", "in attendance", "attending", "present were", "deelname", "aanwezigheid",
    "presentielijst", "presence", "attendance list", "roll call", "deelnemerslijst"})
ABSENT_HEADINGS = frozenset({
    "afwezig", "afwezigen", "afgemeld", "afmeldingen", "met kennisgeving afwezig", "verhinderd", "absent",
    "apologies", "apologies for absence", "regrets", "not present"})
AGENDA_HEADINGS = frozenset({"agenda", "agendapunten", "agenda items", "voorlopige agenda"})
ACTION_HEADINGS = frozenset({
    "actiepunten", "actielijst", "acties", "action items", "action points", "actions", "open actions",
    "nieuwe actiepunten", "new action items"})
ROUNDTABLE_HEADINGS = frozenset({"rondje rood", "rondje langs de deelnemers", "incidentenronde", "ronde incidenten",
                                 "incident round", "roundtable", "round table", "tour de table", "tour de table incidents"})
PURPOSE_HEADINGS = frozenset({"doel", "doelstelling", "doelstellingen", "missie", "mission", "purpose", "goal",
                              "goals", "aim", "objective", "objectives", "mission statement", "visie en missie"})
SIGNATURE_HEADINGS = frozenset({"ondertekening", "ondertekend", "handtekeningen", "signatures", "signed",
                                "signatories", "signed by", "ondertekenaars"})
CANCELLED = re.compile(r"\b(?:cancell?ed|geannuleerd|vervallen|vervalt|afgelast|gaat niet door|no meeting)\b", re.I)
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[ivx]+\.|[a-z]\))\s+", re.I)
DATE_LINE = re.compile(
    r"^\W*(?:datum(?:\s+(?:vergadering|bijeenkomst|overleg))?|vergaderdatum|date|meeting\s+date|date\s+of\s+meeting|"
    r"dated|datum en tijd|date and time)\s*[:\-–]\s*(?P<value>.+)$"
    r"|^.{0,40}?\b(?:vastgesteld|goedgekeurd|ondertekend|adopted|approved|signed)(?:\s+(?:op|on|d\.?d\.?))?\s*:?\s+"
    r"(?P<adopted>.+)$", re.I)
_INLINE_SECTION = re.compile(r"^\W*(?P<key>[A-Za-zÀ-ÿ ]{3,40}?)\s*:\s*(?P<value>.*)$")


def heading_key(text: str) -> str:
    """"2.1 Participants:" -> "participants"; "**Aanwezig**" -> "aanwezig"."""
    text = text.strip().strip("*_#").strip()
    text = _NUMBERING.sub("", text)
    return re.sub(r"\s+", " ", text.strip().strip("*_").rstrip(":.").strip()).lower()


def _section_end(blocks: Sequence[Block], start: int) -> int:
    """Index after the section whose heading (or label paragraph) is blocks[start].

    A label paragraph ("Aanwezig:") holds only what directly follows it: one list, one table or
    one paragraph; the prose after that is the minutes' own text, not more attendees.
    """
    head = blocks[start]
    if head.kind != "heading":
        index = start + 1
        if index < len(blocks) and (blocks[index].kind == "table" or (
                blocks[index].kind == "paragraph" and _label_paragraph(blocks[index]) is None)):
            return index + 1
        while index < len(blocks) and blocks[index].kind == "list_item":
            index += 1
        return index
    for index in range(start + 1, len(blocks)):
        block = blocks[index]
        if block.kind == "heading" and (head.kind != "heading" or block.level <= head.level):
            return index
        if head.kind != "heading" and block.kind == "heading":
            return index
        if block.kind in ("paragraph", "metadata") and _label_paragraph(block) is not None:
            return index
    return len(blocks)


ALL_SECTION_WORDS = ATTENDEE_HEADINGS | ABSENT_HEADINGS | AGENDA_HEADINGS | ACTION_HEADINGS | ROUNDTABLE_HEADINGS


def _label_paragraph(block: Block) -> str | None:
    """A paragraph that is only a known section word ("Aanwezig:", "**Action items**") acts as a heading."""
    key = heading_key(block.text)
    return key if key in ALL_SECTION_WORDS else None


@dataclass(frozen=True)
class _Section:
    key: str
    head: Block
    body: tuple[Block, ...]
    inline: str | None = None  # "Aanwezig: A, B, C": the text after the colon


def sections(blocks: Sequence[Block]) -> list[_Section]:
    found: list[_Section] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading" or (block.kind in ("paragraph", "metadata") and _label_paragraph(block)):
            found.append(_Section(heading_key(block.text), block, tuple(blocks[index + 1:_section_end(blocks, index)])))
        elif block.kind in ("paragraph", "metadata", "list_item"):
            match = _INLINE_SECTION.match(block.text)
            if match and heading_key(match["key"]) in ALL_SECTION_WORDS and match["value"].strip():
                found.append(_Section(heading_key(match["key"]), block, (), match["value"].strip()))
    return found


# -- attendees -------------------------------------------------------------------------------
ORG_COLUMNS = ("organisation", "organization", "organisatie", "affiliation", "company", "bedrijf", "member",
               "deelnemer", "participant", "lid", "instelling", "employer", "werkgever")
NAME_COLUMNS = ("name", "naam", "person", "persoon", "vertegenwoordiger", "representative", "signed by",
                "ondertekend door", "namens")
MARK_COLUMNS = ("present", "aanwezig", "attended", "attendance", "x", "✓", "status")
MARKS_YES = frozenset({"x", "✓", "✔", "☑", "yes", "ja", "y", "j", "present", "aanwezig", "v", "+"})
MARKS_NO = frozenset({"", "-", "–", "no", "nee", "n", "absent", "afwezig", "afgemeld", "✗", "✘", "0"})
_PAREN = re.compile(r"^(?P<name>[^()]*?)\s*\((?P<inner>[^()]+)\)\s*$")


def _column(header: Sequence[str], names: Iterable[str]) -> int | None:
    keys = [heading_key(h) for h in header]
    for name in names:
        for index, key in enumerate(keys):
            if key == name or key.startswith(name + " ") or key.endswith(" " + name):
                return index
    return None


def _candidates(text: str) -> list[str]:
    """What in "Jan Jansen (Havenbedrijf, CISO)" may be the organisation, most likely first."""
    text = text.strip().strip("*_").strip()
    out: list[str] = []
    paren = _PAREN.match(text)
    if paren:
        inner = [p.strip() for p in re.split(r"[,;/]", paren["inner"]) if p.strip()]
        out += inner[:1] + [paren["name"]] + inner[1:]
    for separator in (" - ", " – ", " — ", ", ", ": "):
        if separator in text:
            parts = [p.strip() for p in text.split(separator) if p.strip()]
            out += parts[::-1] if separator != ": " else parts
    out.append(text)
    return [c for c in dict.fromkeys(out) if c]


def _match_entry(matcher: ParticipantMatcher, text: str) -> Match:
    candidates = _candidates(text)
    for candidate in candidates:
        match = matcher.match(candidate)
        if match.organisation is not None:
            return match
    # Nothing matched: name what was written as the organisation, if it is clear which part.
    return Match(candidates[0], None, "none", 0.0)


def _split_inline(text: str) -> list[str]:
    # "A, B en C" / "A; B; C": commas inside parentheses belong to the entry.
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char in ",;" and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    out: list[str] = []
    for part in parts:
        out += re.split(r"\s+(?:en|and|&)\s+(?![^(]*\))", part)
    return [p.strip().rstrip(".") for p in out if p.strip().rstrip(".")]


def _attendee_rows(section: _Section) -> list[tuple[str, Location]]:
    """Every entry of an attendance section (present only), with its location."""
    if section.inline is not None:
        return [(p, section.head.location) for p in _split_inline(section.inline)]
    entries: list[tuple[str, Location]] = []
    for block in section.body:
        if block.kind == "list_item":
            entries.append((block.text, block.location))
        elif block.kind == "table" and block.rows:
            entries += _table_attendees(block)
        elif block.kind == "paragraph":
            entries += [(p, block.location) for p in _split_inline(block.text)]
    return entries


def _table_attendees(block: Block) -> list[tuple[str, Location]]:
    header, rows = block.rows[0], block.rows[1:]
    org = _column(header, ORG_COLUMNS)
    name = _column(header, NAME_COLUMNS)
    mark = _column(header, MARK_COLUMNS)
    if mark is None:
        # A column holding only marks (x, ✓, empty) is the mark column even without a header word.
        for index in range(len(header)):
            if index in (org, name):
                continue
            values = {r[index].strip().lower() for r in rows if index < len(r)}
            if values and values <= (MARKS_YES | MARKS_NO) and values & MARKS_YES:
                mark = index
                break
    if org is None and name is None:
        org = 0 if mark != 0 else (1 if len(header) > 1 else None)
    entries: list[tuple[str, Location]] = []
    for row in rows:
        if mark is not None and (mark >= len(row) or row[mark].strip().lower() not in MARKS_YES):
            continue  # an empty mark (or "absent") means not there
        column = org if org is not None else name
        if column is None or column >= len(row) or not row[column].strip():
            continue
        written = row[column].strip()
        if org is not None and name is not None and name < len(row) and row[name].strip():
            written = f"{row[name].strip()} ({written})"
        entries.append((written, block.location))
    return entries


# -- agenda and actions ------------------------------------------------------------------------
OWNER_COLUMNS = ("owner", "eigenaar", "actiehouder", "wie", "who", "verantwoordelijke", "responsible", "assignee")
ACTION_COLUMNS = ("action", "actie", "actiepunt", "wat", "what", "omschrijving", "description", "task", "taak")
DUE_COLUMNS = ("due", "deadline", "gereed", "wanneer", "when", "uiterlijk", "datum", "date")
_OWNER_IN_TEXT = re.compile(
    r"(?:\(|\[|\b)(?:owner|eigenaar|actiehouder|actie|wie|who|responsible)\s*:\s*(?P<owner>[^;,)\]]+)[)\]]?", re.I)
_OWNER_LEADING = re.compile(r"^(?P<owner>[A-ZÀ-Ý][^:]{1,40}?)\s*:\s+(?P<rest>.+)$")
_OWNER_TRAILING = re.compile(r"^(?P<rest>.+?)\s*[(\[](?P<owner>[^()\[\]]{2,40})[)\]]\s*\.?$")


_ROLE_WORDS = frozenset({"voorzitter", "secretaris", "secretariaat", "vicevoorzitter", "chair", "secretary", "vice chair",
                         "alle deelnemers", "iedereen", "all participants", "everyone", "all", "allen", "bestuur", "board"})
_PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "el", "al", "von", "du", "da", "'t"})


def _looks_like_owner(text: str, matcher: ParticipantMatcher | None) -> bool:
    """A role, a participant or its representative, or a person's name ("Sanne de Wit")."""
    words = text.split()
    if not words or len(words) > 5:
        return False
    if text.lower().strip(" .") in _ROLE_WORDS:
        return True
    if matcher is not None and matcher.match(text).organisation is not None:
        return True
    return words[0][:1].isupper() and len(words) >= 2 and all(
        w[:1].isupper() or w.lower() in _PARTICLES for w in words)


def _action_from_text(text: str, matcher: ParticipantMatcher | None = None) -> dict[str, str]:
    match = _OWNER_IN_TEXT.search(text)
    if match:
        return {"action": (text[:match.start()] + text[match.end():]).strip(" -–—;,"), "owner": match["owner"].strip()}
    leading = _OWNER_LEADING.match(text)
    if leading:
        # "Secretaris: verslag rondsturen" or "Oefening voorbereiden: Joost Bakker": the owner is the side that reads as one.
        left, right = leading["owner"].strip(), leading["rest"].strip()
        if _looks_like_owner(right, matcher) and not _looks_like_owner(left, matcher):
            return {"action": left, "owner": right}
        if len(left.split()) <= 4:
            return {"action": right, "owner": left}
    trailing = _OWNER_TRAILING.match(text)
    if trailing and not find_dates(trailing["owner"]):
        return {"action": trailing["rest"].strip(" -–—"), "owner": trailing["owner"].strip()}
    return {"action": text}


def _actions(section: _Section, matcher: ParticipantMatcher) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if section.inline is not None:
        return [_action_from_text(section.inline, matcher)]
    for block in section.body:
        if block.kind == "list_item":
            found.append(_action_from_text(block.text, matcher))
        elif block.kind == "table" and len(block.rows) > 1:
            header = block.rows[0]
            what = _column(header, ACTION_COLUMNS)
            who = _column(header, OWNER_COLUMNS)
            due = _column(header, DUE_COLUMNS)
            for row in block.rows[1:]:
                column = what if what is not None else (1 if len(row) > 1 and who == 0 else 0)
                if column >= len(row) or not row[column].strip():
                    continue
                action: dict[str, str] = {"action": row[column].strip()}
                if who is not None and who < len(row) and row[who].strip():
                    action["owner"] = row[who].strip()
                when = first_date(row[due]) if due is not None and due < len(row) else None
                if when is not None and when.period is None:
                    action["due"] = when.date.isoformat()
                found.append(action)
    return found


def _items(section_blocks: Sequence[Block]) -> list[str]:
    items = [b.text for b in section_blocks if b.kind == "list_item" and b.level == 0]
    if not items:
        items = [b.text for b in section_blocks if b.kind == "heading"]
    if not items:
        items = [row[0] if len(row) == 1 else " ".join(c for c in row if c)
                 for b in section_blocks if b.kind == "table" for row in b.rows[1:]]
    if not items:
        items = [b.text for b in section_blocks if b.kind == "paragraph"]
    return [i for i in items if i.strip()]


def _roundtable(section: _Section) -> list[dict[str, str]]:
    """One entry per item shared in the incident round: its text as category, its own label where marked."""
    texts = [section.inline] if section.inline else _items(section.body)
    entries: list[dict[str, str]] = []
    for text in texts:
        label, _ = infer_tlp([Block("list_item", text, Location())])
        category = re.sub(r"\(?\s*TLP\s*:\s*[A-Za-z+]+\s*\)?", "", text).strip(" -–—:;,.")
        if not category:
            continue
        entry = {"category": category[:200]}
        if label is not None:
            entry["tlp"] = str(label.value)
        entries.append(entry)
    return entries


# -- TLP ---------------------------------------------------------------------------------------
_KEY_BREAK = re.compile(r"\n|\s+(?=(?:classificatie|classification|rubricering|tlp)\s*:)", re.I)
_SEGMENTS = re.compile(r"\s+(?:/|\||·|•|–|—)\s+|\s{3,}")


def _strip_symbols(text: str) -> str:
    # 🟠 TLP:AMBER / TLP:RED 🔴: the coloured circle is decoration around a marking.
    if text.isascii():
        return text.strip()  # most text: no symbols to look for (the character loop is slow)
    return "".join(" " if unicodedata.category(c) in ("So", "Sk", "Cs") or c in "\ufe0f\u200d" else c
                   for c in text).strip()


def _pseudo_markdown(blocks: Sequence[Block]) -> tuple[str, list[Location | None]]:
    """The blocks as Markdown lines, so tlp.find_markings judges markings vs mentions as for .md files."""
    lines: list[str] = []
    where: list[Location | None] = []

    def add(text: str, location: Location | None) -> None:
        lines.append(text)
        where.append(location)

    for block in blocks:
        if tlpmod.names_several_labels(block.text.replace("\n", " ")) and block.kind != "table":
            add("", None)  # a line naming several labels talks about TLP; it labels nothing
            continue
        if block.kind == "heading":
            add("#" * max(1, min(block.level, 6)) + " " + _strip_symbols(block.text), block.location)
        elif block.kind == "list_item":
            add("- " + _strip_symbols(block.text), block.location)
        elif block.kind == "table":
            for row in block.rows or tuple(tuple(r.split(" | ")) for r in block.text.split("\n")):
                if tlpmod.names_several_labels(" ".join(row)):
                    continue
                add("| " + " | ".join(_strip_symbols(c) for c in row) + " |", block.location)
        elif block.kind in ("header", "footer", "metadata"):
            # "Status: Final / TLP: GREEN": each part of a header line on its own, as a classification line.
            for part in _KEY_BREAK.split(block.text):
                for segment in _SEGMENTS.split(part):
                    if segment.strip():
                        add(_strip_symbols(segment), block.location)
        else:
            # A reader may join "Datum: ...\nClassificatie: TLP:AMBER" into one paragraph: split it again.
            for line in _KEY_BREAK.split(block.text):
                add(_strip_symbols(line), block.location)
        add("", None)
    return "\n".join(lines), where


def infer_tlp(blocks: Sequence[Block], tlp_version: str = "2.0") -> tuple[Inferred | None, list[Note]]:
    """The document's label: the most restrictive marking in it (fail closed); an unreadable marking counts as RED."""
    body, where = _pseudo_markdown(blocks)
    markings = tlpmod.find_markings(body, 1, tlp_version=tlp_version if tlp_version in ("1.0", "2.0") else "2.0")
    notes: list[Note] = []
    best: tuple[int, str, Location | None] | None = None
    for marking in markings:
        location = where[marking.line - 1] if 0 < marking.line <= len(where) else None
        if marking.label is None:
            notes.append(Note("tlp-invalid", "warning",
                              f"unreadable TLP marking `{marking.raw}`: counted as TLP:RED",
                              f"onleesbare TLP-markering `{marking.raw}`: geteld als TLP:RED", location))
            candidate = (tlpmod.Label.RED.rank, tlpmod.Label.RED.value, location)
        else:
            candidate = (marking.label.rank, marking.label.value, location)
        if best is None or candidate[0] > best[0]:
            best = candidate
    if best is None:
        return None, notes
    return Inferred(best[1], best[2], "TLP marking", "TLP-markering"), notes


# -- dates ---------------------------------------------------------------------------------
def _date_line(blocks: Sequence[Block]) -> tuple[FoundDate, Location] | None:
    for block in blocks:
        if block.kind == "table":
            for row in block.rows:
                for index, cell in enumerate(row[:-1]):
                    if DATE_LINE.match(cell + ": x") and heading_key(cell) in ("datum", "date", "meeting date",
                                                                               "vergaderdatum"):
                        found = first_date(row[index + 1])
                        if found:
                            return found, block.location
            continue
        for line in block.text.split("\n"):
            match = DATE_LINE.match(line)
            if match:
                found = first_date(match["value"] or match["adopted"])
                if found and found.period is None:
                    return found, block.location
    return None


def _date_heading(blocks: Sequence[Block]) -> tuple[FoundDate, Location] | None:
    for block in blocks:
        if block.kind == "heading":
            found = is_date_text(block.text) or (first_date(block.text) if block.level == 1 else None)
            if found:
                return found, block.location
    return None


def _property_date(properties: Sequence[tuple[str, str]]) -> FoundDate | None:
    """Word/ODT/PDF "created" property: after the name, since a template's date may linger there."""
    for key, value in properties:
        if key.lower() in ("created", "creationdate", "creation-date", "date"):
            found = first_date(value)
            if found:
                return found
    return None


def infer_date(path: str, blocks: Sequence[Block], *, use_path: bool = True,
               properties: Sequence[tuple[str, str]] = ()) -> tuple[Inferred | None, Inferred | None, list[Note]]:
    """(date, period, notes): body date line, then date heading, then file name, then year folder."""
    candidates: list[tuple[FoundDate, Location | None, str, str]] = []
    line = _date_line(blocks)
    if line:
        candidates.append((line[0], line[1], "date line", "datumregel"))
    heading = _date_heading(blocks)
    if heading:
        candidates.append((heading[0], heading[1], "date heading", "datumkop"))
    if use_path:
        named = date_from_path(path) or year_from_name(path)
        if named:
            candidates.append((named, None, "file name", "bestandsnaam"))
        created = _property_date(properties)
        if created:
            candidates.append((created, None, "document properties", "documenteigenschappen"))
        folder = year_from_folder(path)
        if folder:
            candidates.append((folder, None, "year folder", "jaarmap"))
    notes: list[Note] = []
    if not candidates:
        return None, None, notes
    chosen = candidates[0]
    for other in candidates[1:]:
        if other[2] == "document properties":
            continue  # a file is created or saved after the meeting: not a disagreement
        a, b = chosen[0], other[0]
        same = _agree(a, b)
        if not same:
            where_a = f"{chosen[2]} `{a.raw}`" + (f" ({chosen[1].describe()})" if chosen[1] else "")
            where_b = f"{other[2]} `{b.raw}`" + (f" ({other[1].describe()})" if other[1] else "")
            nl_a = f"{chosen[3]} `{a.raw}`" + (f" ({chosen[1].describe()})" if chosen[1] else "")
            nl_b = f"{other[3]} `{b.raw}`" + (f" ({other[1].describe()})" if other[1] else "")
            notes.append(Note("date-disagree", "warning",
                              f"dates disagree: {where_a} says {a.date}, {where_b} says {b.date}; using {a.date}",
                              f"datums verschillen: {nl_a} zegt {a.date}, {nl_b} zegt {b.date}; {a.date} gebruikt",
                              chosen[1]))
    found, location, how_en, how_nl = chosen
    date = Inferred(found.date.isoformat(), location, how_en, how_nl)
    period = Inferred(found.period, location, how_en, how_nl) if found.period else None
    return date, period, notes


def _within(period: FoundDate, day: FoundDate) -> bool:
    """Whether ``day`` (a date or a period) lies in ``period`` (a year "2025" or a quarter "2025-Q1")."""
    assert period.period is not None
    if period.period.isdigit():
        return day.date.year == int(period.period)
    if day.period is not None:
        return day.period == period.period or (day.period.isdigit() and int(day.period) == period.date.year)
    return day.date.year == period.date.year and (day.date.month - 1) // 3 == (period.date.month - 1) // 3


def _agree(a: FoundDate, b: FoundDate) -> bool:
    """A year folder agrees with any date in that year; a quarter with any date in it."""
    if a.period is None and b.period is None:
        return a.date == b.date
    return _within(a, b) if a.period is not None else _within(b, a)


# -- type guess ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TypeGuess:
    type: str
    confidence: str  # "high" (folder and name/content agree), "medium", "low"
    why_en: str
    why_nl: str


_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("minutes", ("notulen", "minutes", "verslag", "meeting notes", "vergadernotities", "besluitenlijst")),
    ("agenda", ("agenda",)),
    # Not "guidelines" alone: platform or TLP guidelines are procedures, not membership guidelines.
    ("membership-guidelines", ("deelnemersregels", "spelregels", "huishoudelijk reglement", "membership guidelines",
                               "lidmaatschapsrichtlijnen", "deelnemersrichtlijnen", "code of conduct", "reglement")),
    ("charter", ("charter", "convenant", "oprichtingsakte", "statuten", "terms of reference", "mission")),
    ("annual-plan", ("jaarplan", "annual plan", "annual-plan", "werkplan", "work plan")),
    ("accountability-report", ("jaarverslag", "annual report", "annual-report", "accountability")),
    ("evaluation", ("evaluatie", "evaluation", "jaarevaluatie")),
    ("roadmap", ("roadmap",)),
    ("situational-picture", ("dreigingsbeeld", "threat picture", "threat-landscape", "situational", "omgevingsbeeld")),
    ("procedure", ("procedure", "werkwijze", "playbook")),
)


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def guess_type(path: str, blocks: Sequence[Block] = ()) -> TypeGuess | None:
    """The document type a file seems to be, from its name, its folders and its first heading."""
    parts = path.lower().split("/")
    name, folders = _words(parts[-1].rsplit(".", 1)[0]), _words(" ".join(parts[:-1]))
    title = next((b.text for b in blocks if b.kind == "heading"), "")
    content = _words(title)
    for doc_type, words in _TYPE_WORDS:
        keys = [_words(w) for w in words]
        in_name = any(k in name for k in keys)
        in_folder = any(k in folders for k in keys)
        in_content = bool(title) and any(k in content for k in keys)
        hits = [w for w, hit in (("name", in_name), ("folder", in_folder), ("title", in_content)) if hit]
        if not hits:
            continue
        confidence = "high" if len(hits) >= 2 else "medium" if hits[0] in ("name", "title") else "low"
        nl = {"name": "naam", "folder": "map", "title": "titel"}
        return TypeGuess(doc_type, confidence, "from the " + " and ".join(hits),
                         "uit de " + " en ".join(nl[h] for h in hits))
    return None


# -- the whole document ----------------------------------------------------------------------
MEETING_TYPES = frozenset({"minutes", "agenda"})


def _meeting_parts(blocks: Sequence[Block]) -> list[tuple[Block, list[Block]]] | None:
    """Split a yearly notes file at its date headings (None when it holds at most one meeting)."""
    dated = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading" and is_date_text(b.text)]
    if len(dated) < 2:
        return None
    level = min(b.level for _, b in dated)
    heads = [(i, b) for i, b in dated if b.level == level]
    if len(heads) < 2:
        return None
    parts: list[tuple[Block, list[Block]]] = []
    for n, (index, head) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(blocks)
        for j in range(index + 1, end):
            if blocks[j].kind == "heading" and blocks[j].level < level:
                end = j
                break
        parts.append((head, list(blocks[index:end])))
    return parts


def infer_document(doc: StructuredDocument, doc_type: str, matcher: ParticipantMatcher,
                   *, tlp_version: str = "2.0") -> list[InferredDocument]:
    """Every document in the file, with the fields the type uses, each traceable to its place."""
    blocks = doc.blocks
    label, tlp_notes = infer_tlp(blocks, tlp_version)
    if doc_type in MEETING_TYPES:
        parts = _meeting_parts(blocks)
        if parts is not None:
            out: list[InferredDocument] = []
            notes = list(tlp_notes)
            for head, part_blocks in parts:
                if CANCELLED.search(head.text):
                    found = is_date_text(head.text)
                    day = found.date.isoformat() if found else head.text
                    notes.append(Note("cancelled-meeting", "info",
                                      f"meeting {day} is marked cancelled (`{head.text}`): not counted",
                                      f"bijeenkomst {day} is als vervallen gemarkeerd (`{head.text}`): niet meegeteld",
                                      head.location))
                    continue
                # A part's label is its own markings, never below the file's (fail closed).
                part_label, _ = infer_tlp(part_blocks, tlp_version)
                chosen = label if part_label is None or (label and _rank(label) >= _rank(part_label)) else part_label
                out += _one(doc.path, doc_type, part_blocks, matcher, chosen, [], use_path=False,
                            part=head.text, properties=())
            if out:
                first = out[0]
                out[0] = InferredDocument(first.path, first.type, first.fields, tuple(notes) + first.notes, first.part)
                return out
            return [InferredDocument(doc.path, doc_type, {}, tuple(notes))]
    return _one(doc.path, doc_type, blocks, matcher, label, tlp_notes, use_path=True, part=None,
                properties=doc.properties)


_ISSUED_LINE = re.compile(r"^\W*(?:verzonden|verstuurd|rondgestuurd|uitgenodigd|issued|sent|circulated|distributed)"
                          r"(?:\s+(?:op|on))?\s*:?\s+(?P<value>.+)$", re.I)


def _issued(blocks: Sequence[Block], properties: Sequence[tuple[str, str]], meeting: Inferred | None) -> Inferred | None:
    """When an agenda went out: a "Verzonden: ..." line, else the file's creation date, if before the meeting."""
    for block in blocks:
        match = _ISSUED_LINE.match(block.text)
        found = first_date(match["value"]) if match else None
        if found is not None and found.period is None:
            return Inferred(found.date.isoformat(), block.location, "sent line", "verzendregel")
    created = _property_date(properties)
    if created is not None and meeting is not None and created.date.isoformat() < str(meeting.value):
        # An agenda file created before the meeting it is for was sent before it, as a chair reads it.
        return Inferred(created.date.isoformat(), None, "created before the meeting (document properties)",
                        "gemaakt vóór de bijeenkomst (documenteigenschappen)")
    return None


YEAR_TYPES = frozenset({"annual-plan", "accountability-report", "evaluation"})
PLAN_TYPES = frozenset({"annual-plan"})
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _year(path: str, blocks: Sequence[Block]) -> Inferred | None:
    """The year a yearly document is about: in its title ("Jaarplan 2025"), else its file name."""
    title = next((b for b in blocks if b.kind == "heading"), None)
    if title is not None:
        found = _YEAR.findall(title.text)
        if len(set(found)) == 1:
            return Inferred(int(found[0]), title.location, "year in the title", "jaar in de titel")
    found = _YEAR.findall(path.rsplit("/", 1)[-1])
    if len(set(found)) == 1:
        return Inferred(int(found[0]), None, "year in the file name", "jaar in de bestandsnaam")
    return None


def _rank(inferred: Inferred) -> int:
    return tlpmod.Label(inferred.value).rank


def _one(path: str, doc_type: str, blocks: Sequence[Block], matcher: ParticipantMatcher, label: Inferred | None,
         tlp_notes: list[Note], *, use_path: bool, part: str | None,
         properties: Sequence[tuple[str, str]]) -> list[InferredDocument]:
    fields: dict[str, Inferred] = {}
    notes: list[Note] = list(tlp_notes)
    date, period, date_notes = infer_date(path, blocks, use_path=use_path, properties=properties)
    notes += date_notes
    if date is not None:
        fields["date"] = date
    if period is not None and doc_type == "situational-picture":
        fields["period"] = period
    if doc_type in YEAR_TYPES:
        year = _year(path, blocks)
        if year is not None:
            fields["year"] = year
            if doc_type in PLAN_TYPES and (date is None or date.how_en in ("file name", "year folder")):
                # A plan for a year is made before it: in force from its first day, not its last.
                fields["date"] = Inferred(f"{year.value}-01-01", year.location, year.how_en, year.how_nl)
    if label is not None:
        fields["tlp"] = label
    title = next((b for b in blocks if b.kind == "heading"), None)
    if title is not None and title.text.strip():
        fields["title"] = Inferred(title.text.strip(), title.location, "first heading", "eerste kop")
    found = sections(blocks)
    extra: list[InferredDocument] = []
    if doc_type == "minutes":
        attendees: list[str] = []
        where: Location | None = None
        for section in found:
            if section.key not in ATTENDEE_HEADINGS:
                continue
            where = where or section.head.location
            for written, location in _attendee_rows(section):
                match = _match_entry(matcher, written)
                if match.organisation is not None:
                    if match.organisation not in attendees:
                        attendees.append(match.organisation)
                else:
                    notes.append(Note("unmatched-attendee", "info",
                                      f"attendee `{written}` matches no participant in isac.yaml (add it to a "
                                      f"participant's `aliases:` if it is one)",
                                      f"aanwezige `{written}` komt met geen deelnemer in isac.yaml overeen (zet het "
                                      f"onder `aliases:` van een deelnemer als het er een is)", location))
        if where is not None:
            fields["attendees"] = Inferred(attendees, where, "attendance section", "aanwezigheidssectie")
        actions = [a for s in found if s.key in ACTION_HEADINGS for a in _actions(s, matcher)]
        action_head = next((s.head for s in found if s.key in ACTION_HEADINGS), None)
        if actions and action_head is not None:
            fields["actions"] = Inferred(actions, action_head.location, "action section", "actiepuntensectie")
        round_section = next((s for s in found if s.key in ROUNDTABLE_HEADINGS), None)
        if round_section is not None:
            entries = _roundtable(round_section)
            if entries:
                fields["roundtable"] = Inferred(entries, round_section.head.location, "incident round section",
                                                "sectie rondje rood")
        agenda = next((s for s in found if s.key in AGENDA_HEADINGS), None)
        if agenda is not None:
            items = _items(agenda.body) if agenda.inline is None else _split_inline(agenda.inline)
            if items:
                agenda_fields = {"items": Inferred(items, agenda.head.location, "agenda section", "agendasectie")}
                for name in ("date", "tlp"):
                    if name in fields:
                        agenda_fields[name] = fields[name]
                extra.append(InferredDocument(path, "agenda", agenda_fields, (), part))
    elif doc_type == "agenda":
        issued = _issued(blocks, properties, fields.get("date"))
        if issued is not None:
            fields["issued_on"] = issued
        agenda = next((s for s in found if s.key in AGENDA_HEADINGS), None)
        body = agenda.body if agenda is not None and agenda.inline is None else blocks
        items = _items([b for b in body if b is not title])
        if items:
            head = agenda.head if agenda is not None else (title or blocks[0])
            fields["items"] = Inferred(items, head.location, "agenda items", "agendapunten")
    elif doc_type in ("membership-guidelines", "charter"):
        for section in found:
            key = section_for_heading(section.head.text) if section.head.kind == "heading" else None
            text = "\n".join(b.text for b in section.body).strip()
            if doc_type == "membership-guidelines" and key and text and f"sections.{key}" not in fields:
                fields[f"sections.{key}"] = Inferred(text, section.head.location, "section heading", "sectiekop")
            if doc_type == "charter" and section.key in PURPOSE_HEADINGS and text and "purpose" not in fields:
                fields["purpose"] = Inferred(text, section.head.location, "section heading", "sectiekop")
        signatures = _signatures(blocks, found, matcher, notes)
        if signatures is not None and doc_type == "membership-guidelines":
            fields["signatures"] = signatures
    return [InferredDocument(path, doc_type, fields, tuple(notes), part), *extra]


def _signatures(blocks: Sequence[Block], found: Sequence[_Section], matcher: ParticipantMatcher,
                notes: list[Note]) -> Inferred | None:
    """A signature table: organisation, name (signed by) and date columns."""
    tables = [b for s in found if s.key in SIGNATURE_HEADINGS for b in s.body if b.kind == "table"]
    tables += [b for b in blocks if b.kind == "table" and b not in tables]
    for table in tables:
        if len(table.rows) < 2:
            continue
        header = table.rows[0]
        org, name = _column(header, ORG_COLUMNS), _column(header, NAME_COLUMNS)
        when = _column(header, ("date", "datum", "signed on", "ondertekend op", "getekend op"))
        if org is None or name is None or when is None:
            continue
        entries: list[dict[str, str]] = []
        for row in table.rows[1:]:
            if max(org, name, when) >= len(row):
                continue
            day = first_date(row[when])
            if not row[org].strip() or not row[name].strip() or day is None or day.period:
                continue
            match = _match_entry(matcher, row[org])
            if match.organisation is None:
                notes.append(Note("unmatched-attendee", "info",
                                  f"signatory `{row[org].strip()}` matches no participant in isac.yaml",
                                  f"ondertekenaar `{row[org].strip()}` komt met geen deelnemer in isac.yaml overeen",
                                  table.location))
            entries.append({"organisation": match.organisation or row[org].strip(), "signed_by": row[name].strip(),
                            "signed_on": day.date.isoformat()})
        if entries:
            return Inferred(entries, table.location, "signature table", "ondertekeningstabel")
    return None
