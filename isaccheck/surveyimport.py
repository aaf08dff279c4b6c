"""`isaccheck survey import`: answers from sheets and form exports -> one self-assessment document.

Input files are read as tables (rows of cell texts, each with its line or row number): csv in any
delimiter and encoding Excel writes, xlsx, and the Markdown questionnaire. A table is then one of
two shapes:

* one row per respondent (a form export, Microsoft Forms-style, or the csv of `survey new`): a
  column belongs to a question when its header contains the question id or is the question's text
  in Dutch or English; the organisation comes from an organisation column or the e-mail domain;
* one row per question (the xlsx and Markdown of `survey new`), filled in by one organisation,
  named in its "Organisation" row.

Nothing is dropped silently: every respondent that matches no participant, every organisation that
answered twice (the later answer wins), every unreadable answer, every unknown column and every
question nobody answered is reported as a Problem naming the file, the row and what is wrong.
The file read is data: cell texts never run (xlsx formulas are read as their stored values).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

from .i18n import noun, plural, severity_word
from .model import CAPABILITIES, Text
from .repository import Participant, Profile
from .rulepack import RulePack
from .tlp import Label

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a form export of a few hundred respondents is well under 1 MiB
# A workbook is a zip: small on disk, it may unpack to gigabytes. Bounds far above any ISAC's survey.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 1_000

_ID = re.compile(r"(?<![A-Za-z0-9])(STR|WOW|INF|SIT|ACT)\s*[-_ ]\s*([1-3])\s*[.,]\s*(\d{1,2})(?!\d)", re.IGNORECASE)


def _norm(text: str) -> str:
    """Lower case, accents kept, punctuation read as space, runs of space one: how headers and answers compare."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()
    text = re.sub(r"[^\w'+]+", " ", text)
    return " ".join(text.replace("'", "").split())


# Answers as people write them, in both languages (compared after _norm). "don't know" is no answer.
_ANSWERS: dict[str, str] = {}
for _answer, _words in {
    "yes": ("yes", "y", "ja", "j", "true", "waar", "yes fully", "ja volledig", "volledig", "fully"),
    "no": ("no", "n", "nee", "neen", "false", "onwaar", "not at all", "helemaal niet"),
    "partly": ("partly", "partially", "partial", "in part", "deels", "gedeeltelijk", "ten dele", "enigszins",
               "somewhat", "deel"),
    "": ("dont know", "do not know", "unknown", "not sure", "weet niet", "weet ik niet", "onbekend", "geen idee",
         "n a", "na", "nvt", "n v t", "not applicable", "niet van toepassing", "geen antwoord", "no answer"),
}.items():
    for _word in _words:
        _ANSWERS[_norm(_word)] = _answer


def read_answer(value: str) -> str | None:
    """'yes' / 'no' / 'partly', '' for an empty or don't-know answer, None when it cannot be read."""
    text = _norm(value)
    if not text:
        return ""
    if text in _ANSWERS:
        return _ANSWERS[text]
    # "Ja, volledig" / "Deels - alleen bij incidenten": the first word decides when it is an answer.
    first = re.split(r"\s*[,;:(\u2013\u2014-]\s*", value.strip(), maxsplit=1)[0]
    if _norm(first) in _ANSWERS and _norm(first) != text:
        return _ANSWERS[_norm(first)]
    return None


def read_level(value: str) -> int | None | str:
    """A desired level 0-3 ('2', 'niveau 2', 'Level 3', '2.0'); '' for none; the text itself when unreadable."""
    text = _norm(value)
    if not text or text in _ANSWERS and _ANSWERS[text] == "":
        return ""
    match = re.fullmatch(r"(?:level|niveau)?\s*([0-3])(?:\s*0)?(?:\s+.*)?", text)
    return int(match.group(1)) if match else value


# Column headers that are not questions but that we know (Microsoft Forms in English and Dutch,
# Google Forms, LimeSurvey): they are used or deliberately skipped, never reported as unknown.
_ORGANISATION = {"organisation", "organization", "organisatie", "company", "bedrijf", "participant", "deelnemer",
                 "member", "lid", "your organisation", "uw organisatie", "je organisatie", "naam organisatie",
                 "organisation name", "organization name"}
_EMAIL = {"email", "e mail", "email address", "e mail address", "emailadres", "e mailadres", "mail", "emailaddress"}
_COMPLETED = {"completion time", "tijd van voltooien", "tijdstip van voltooien", "voltooiingstijd", "timestamp",
              "tijdstempel", "date submitted", "submitdate", "completed"}
_KNOWN_SKIPPED = {"id", "start time", "begintijd", "starttijd", "name", "naam", "last modified time",
                  "tijd van laatste wijziging", "tijdstip van laatste wijziging", "laatst gewijzigd", "response id", "respondent", "language", "taal",
                  "startlanguage", "seed", "lastpage", "startdate", "datestamp", "ipaddr", "refurl"}
_NOTE_WORDS = ("note", "notes", "opmerking", "opmerkingen", "toelichting", "notitie", "comment", "comments",
               "explanation", "remark", "remarks")
_AMBITION_WORDS = ("ambition", "ambitie", "desired level", "gewenst niveau", "gewenste niveau")
_ANSWER_HEADERS = {"answer", "antwoord"}
_ID_HEADERS = {"id", "question id", "vraag id", "vraagnummer", "nummer", "nr"}


@dataclass(frozen=True)
class Problem:
    """Something the secretary has to know: what, in which file and row."""

    severity: str  # "warning" | "info"
    path: str
    row: int | None
    message: Text

    def line(self, lang: str) -> str:
        where = f"{self.path}:{self.row}" if self.row else self.path
        return f"{where}: {severity_word(self.severity, lang).strip()}: {self.message(lang)}"


@dataclass
class Response:
    """One respondent's answers, as read."""

    path: str
    row: int | None
    organisation: str = ""  # as written in an organisation column or cell
    email: str = ""
    completed: str = ""
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # question -> (yes/no/partly, note)
    notes_only: dict[str, str] = field(default_factory=dict)
    ambition: dict[str, int] = field(default_factory=dict)
    unanswered: int = 0

    @property
    def where(self) -> str:
        return f"{self.path}:{self.row}" if self.row else self.path


class ImportError_(Exception):
    """A file that cannot be read at all (reported; the other files are still read)."""


# -- reading files as tables --------------------------------------------------------------------

Row = tuple[int, list[str]]  # (line or row number, cell texts)


def _decode(data: bytes) -> str:
    """The encodings Excel writes: UTF-8 with or without BOM, UTF-16 ("Unicode text"), else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; those are read as their Latin-1 character rather than failing.
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes) -> list[Row]:
    text = _decode(data)
    lines = text.splitlines()
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) <= 6:
        delimiter, text = lines[0][4:5] or ",", "\n".join(lines[1:])  # Excel's own "sep=;" hint
        offset = 1
    else:
        header = lines[0] if lines else ""
        # The delimiter is the one of , ; tab | that occurs most in the header outside quotes.
        unquoted = re.sub(r'"[^"]*"', "", header)
        delimiter = max((",", ";", "\t", "|"), key=unquoted.count)
        offset = 0
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            rows.append((reader.line_num + offset, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise ImportError_(f"line {reader.line_num + offset}: not readable as csv: {exc}") from None
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> list[Row]:
    """The first sheet; cells as their stored values (a formula is never evaluated)."""
    import zipfile

    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportError_(f"not a readable xlsx workbook ({type(exc).__name__}: {exc})") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportError_(f"unpacks to {unpacked // (1024 * 1024)} MiB, more than "
                           f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MiB; not read")
    try:
        return _xlsx_rows(data)
    except ImportError_:
        raise
    except Exception as exc:
        # A workbook is untrusted input parsed by a library whose exceptions are many (zip, XML,
        # openpyxl's own): whatever breaks, the file is reported and the other files are read.
        raise ImportError_(f"not a readable xlsx workbook ({type(exc).__name__}: {exc})") from None


def _xlsx_rows(data: bytes) -> list[Row]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise ImportError_("the workbook has no sheet; not read")
        sheet = book.worksheets[0]
        rows: list[Row] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS:
                raise ImportError_(f"more than {MAX_ROWS} rows; not read")
            rows.append((number, [_cell_text(v) for v in values]))
        return rows
    finally:
        book.close()


def read_md(data: bytes) -> list[Row]:
    """The Markdown questionnaire: table rows as cells, 'Label: value' lines as two cells."""
    rows: list[Row] = []
    for number, line in enumerate(_decode(data).splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip().replace("\\|", "|").replace("\\\\", "\\")
                     for c in re.split(r"(?<!\\)\|", stripped.strip("|"))]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue  # the |---|---| line under a table header
            rows.append((number, cells))
        elif ":" in stripped:
            # "Organisatie: Haven BV" above the tables; other prose (explanations) is not data.
            label, value = stripped.split(":", 1)
            if _norm(label) in _ORGANISATION | _EMAIL:
                rows.append((number, [label.strip("*_ "), value.strip("*_ ")]))
    return rows


def read_table(path: Path) -> list[Row]:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ImportError_(f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; not read")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot be read: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    if suffix in (".md", ".markdown"):
        return read_md(data)
    if suffix == ".xls":
        raise ImportError_("the old .xls format is not read; save it as .xlsx or .csv in Excel")
    return read_csv(data)


# -- columns and rows ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    kind: str  # answer | note | ambition | organisation | email | completed | skip | unknown
    key: str = ""  # question id or capability code


class Questions:
    """The rule pack's questions: by id and by normalised text in both languages."""

    def __init__(self, pack: RulePack) -> None:
        self.ids = {r.id for r in pack.rules}
        self.by_text: dict[str, str] = {}
        for rule in pack.rules:
            for lang in ("nl", "en"):
                self.by_text[_norm(rule.question(lang))] = rule.id
        self.capabilities = [c for c in CAPABILITIES if any(r.capability == c for r in pack.rules)]
        self.names: dict[str, str] = {}
        for code in self.capabilities:
            self.names[code.lower()] = code
            info = pack.capabilities.get(code)
            if info:
                self.names[_norm(info.name.nl)] = code
                self.names[_norm(info.name.en)] = code

    def find_id(self, text: str) -> str | None:
        match = _ID.search(text)
        if match:
            return f"{match.group(1).upper()}-{match.group(2)}.{int(match.group(3))}"
        return None


def classify(header: str, questions: Questions) -> Column:
    text = _norm(header)
    if not text:
        return Column("unknown")
    qid = questions.find_id(header)
    if qid is not None:
        rest = _norm(_ID.sub(" ", header, count=1))
        if rest.startswith(_NOTE_WORDS) or rest.endswith(_NOTE_WORDS):
            return Column("note", qid)
        return Column("answer", qid)
    # Without an id: the question's text itself, with a leading form number ("3.") left out.
    bare = re.sub(r"^\d+\s+", "", text)
    if bare in questions.by_text:
        return Column("answer", questions.by_text[bare])
    # A question's text may speak of ambitions (STR-2.2); only a header that is no question is an ambition.
    if any(word in text for word in _AMBITION_WORDS):
        for name, code in sorted(questions.names.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                return Column("ambition", code)
    if text in _ORGANISATION:
        return Column("organisation")
    if text in _EMAIL:
        return Column("email")
    if text in _COMPLETED:
        return Column("completed")
    if text in _KNOWN_SKIPPED:
        return Column("skip")
    return Column("unknown")


def _cells(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _is_empty(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


def parse_table(rows: list[Row], path: str, questions: Questions, problems: list[Problem]) -> list[Response]:
    """The respondents of one file, whichever of the two shapes it has."""
    filled = [(n, cells) for n, cells in rows if not _is_empty(cells)]
    if not filled:
        problems.append(Problem("warning", path, None, Text("the file is empty; nothing imported",
                                                             "het bestand is leeg; niets ingelezen")))
        return []
    # Some exports put a title or a blank-ish line above the header: the header is the first of the
    # first rows with a question or ambition column; rows above it are reported, not read.
    for start, (header_row, header) in enumerate(filled[:10]):
        norms = {_norm(c) for c in header}
        if norms & _ID_HEADERS and norms & _ANSWER_HEADERS:
            break  # the Id/Answer header of a one-row-per-question table: not a form export
        columns = [classify(h, questions) for h in header]
        if any(c.kind in ("answer", "ambition") for c in columns):
            for number, _ in filled[:start]:
                problems.append(Problem("info", path, number, Text(
                    "a row above the column headers; not read", "een rij boven de kolomkoppen; niet gelezen")))
            return _per_respondent(filled[start:], path, questions, columns, problems)
    header_row = filled[0][0]
    per_question = _per_question(filled, path, questions, problems)
    if per_question is not None:
        return per_question
    problems.append(Problem("warning", path, header_row, Text(
        "no question found: no column header holds a question id (such as STR-1.1) or a question's text, and "
        "there is no table with an Id and an Answer column; nothing imported",
        "geen vraag gevonden: geen kolomkop bevat een vraag-id (zoals STR-1.1) of de tekst van een vraag, en er "
        "is geen tabel met een kolom Id en Antwoord; niets ingelezen")))
    return []


def _answer_into(response: Response, qid: str, value: str, path: str, row: int, column: str,
                 problems: list[Problem]) -> None:
    answer = read_answer(value)
    if answer is None:
        problems.append(Problem("warning", path, row, Text(
            f"{qid} ({column}): answer {value!r} is not yes, no, partly or don't know (nor ja, nee, deels, weet niet); "
            "not counted",
            f"{qid} ({column}): antwoord {value!r} is geen ja, nee, deels of weet niet (noch yes, no, partly, don't "
            "know); telt niet")))
        response.unanswered += 1
    elif answer == "":
        response.unanswered += 1
    else:
        note = response.answers.get(qid, ("", ""))[1] or response.notes_only.pop(qid, "")
        response.answers[qid] = (answer, note)


def _note_into(response: Response, qid: str, note: str) -> None:
    if not note:
        return
    if qid in response.answers:
        response.answers[qid] = (response.answers[qid][0], note)
    else:
        response.notes_only[qid] = note


def _level_into(response: Response, code: str, value: str, path: str, row: int, problems: list[Problem]) -> None:
    level = read_level(value)
    if isinstance(level, int):
        response.ambition[code] = level
    elif level != "":
        problems.append(Problem("warning", path, row, Text(
            f"{code} ambition: {value!r} is not a level 0, 1, 2 or 3; not counted",
            f"{code} ambitie: {value!r} is geen niveau 0, 1, 2 of 3; telt niet")))


def _per_respondent(filled: list[Row], path: str, questions: Questions, columns: list[Column],
                    problems: list[Problem]) -> list[Response]:
    header_row, header = filled[0]
    seen: dict[tuple[str, str], int] = {}
    for index, (column, name) in enumerate(zip(columns, header)):
        if column.kind == "unknown" and not name.strip():
            filled_below = sum(1 for _, cells in filled[1:] if _cells(cells, index).strip())
            if filled_below:
                problems.append(Problem("warning", path, header_row, Text(
                    f"column {index + 1} has no header but {filled_below} filled {noun(filled_below, 'cell', 'en')}; ignored",
                    f"kolom {index + 1} heeft geen kop maar {filled_below} gevulde {noun(filled_below, 'cell', 'nl')}; "
                    f"genegeerd")))
        elif column.kind == "unknown":
            problems.append(Problem("warning", path, header_row, Text(
                f"column {index + 1} {name!r} is not a question, note, ambition, organisation or e-mail column; ignored",
                f"kolom {index + 1} {name!r} is geen vraag, opmerking, ambitie, organisatie of e-mail; genegeerd")))
        elif column.kind in ("answer", "note", "ambition", "organisation", "email"):
            if column.kind in ("answer", "note") and column.key not in questions.ids:
                problems.append(Problem("warning", path, header_row, Text(
                    f"column {index + 1} {name!r}: {column.key} is not a question of the rule pack; ignored",
                    f"kolom {index + 1} {name!r}: {column.key} is geen vraag uit de regelset; genegeerd")))
                columns[index] = Column("unknown")
                continue
            key = (column.kind, column.key)
            if key in seen:
                problems.append(Problem("warning", path, header_row, Text(
                    f"column {index + 1} {name!r} repeats column {seen[key] + 1}; the later column is used when both "
                    "are filled",
                    f"kolom {index + 1} {name!r} herhaalt kolom {seen[key] + 1}; als beide gevuld zijn telt de latere")))
            seen[key] = index
    counted = {kind: sum(1 for c in columns if c.kind == kind) for kind in ("answer", "note", "ambition")}
    problems.append(Problem("info", path, header_row, Text(
        f"read as one row per respondent: {counted['answer']} question, {counted['note']} note and "
        f"{counted['ambition']} ambition {noun(counted['ambition'], 'column', 'en')}",
        f"gelezen als één rij per respondent: kolommen voor vragen {counted['answer']}, voor opmerkingen "
        f"{counted['note']}, voor de ambitie {counted['ambition']}")))
    if not any(c.kind in ("organisation", "email") for c in columns):
        problems.append(Problem("warning", path, header_row, Text(
            "no organisation or e-mail column: respondents cannot be matched to participants",
            "geen kolom organisatie of e-mail: respondenten kunnen niet aan deelnemers gekoppeld worden")))
    responses = []
    for number, cells in filled[1:]:
        response = Response(path, number)
        for index, column in enumerate(columns):
            value = _cells(cells, index)
            if column.kind == "organisation" and value:
                response.organisation = value
            elif column.kind == "email" and value:
                response.email = value
            elif column.kind == "completed" and value:
                response.completed = value
            elif column.kind == "answer":
                _answer_into(response, column.key, value, path, number, f"column {index + 1}", problems)
            elif column.kind == "note":
                _note_into(response, column.key, value)
            elif column.kind == "ambition":
                _level_into(response, column.key, value, path, number, problems)
        extra = [c for c in cells[len(columns):] if c.strip()]
        if extra:
            problems.append(Problem("warning", path, number, Text(
                f"{plural(len(extra), 'cell', 'en')} beyond the last column header; ignored",
                f"{plural(len(extra), 'cell', 'nl')} voorbij de laatste kolomkop; genegeerd")))
        responses.append(response)
    return responses


def _per_question(filled: list[Row], path: str, questions: Questions, problems: list[Problem]) -> list[Response] | None:
    """The sheet or Markdown of `survey new`: label rows, then tables with Id and Answer columns."""
    response = Response(path, None)
    found_table = False
    id_col = answer_col = note_col = -1
    for number, cells in filled:
        norms = [_norm(c) for c in cells]
        if any(n in _ID_HEADERS for n in norms) and any(n in _ANSWER_HEADERS for n in norms):
            id_col = next(i for i, n in enumerate(norms) if n in _ID_HEADERS)
            answer_col = next(i for i, n in enumerate(norms) if n in _ANSWER_HEADERS)
            note_col = next((i for i, n in enumerate(norms) if n in _NOTE_WORDS), -1)
            found_table = True
            continue
        first = norms[0] if norms else ""
        if id_col < 0:
            if first in _ORGANISATION and len(cells) > 1:
                response.organisation = cells[1].strip()
            elif first in _EMAIL and len(cells) > 1:
                response.email = cells[1].strip()
            continue
        key = _cells(cells, id_col).strip()
        if not key:
            continue  # a heading row (capability, level) inside the table
        value = _cells(cells, answer_col)
        if key.upper() in questions.capabilities:
            _level_into(response, key.upper(), value, path, number, problems)
            continue
        qid = questions.find_id(key)
        if qid is None or _ID.sub("", key).strip() or qid not in questions.ids:
            problems.append(Problem("warning", path, number, Text(
                f"{key!r} is not a question id or capability of the rule pack; row ignored",
                f"{key!r} is geen vraag-id of capability uit de regelset; rij genegeerd")))
            continue
        _answer_into(response, qid, value, path, number, f"column {answer_col + 1}", problems)
        if note_col >= 0:
            _note_into(response, qid, _cells(cells, note_col).strip())
    if not found_table:
        return None
    return [response]


# -- organisations ------------------------------------------------------------------------------

class Directory:
    """Participants by name, alias and e-mail domain (isac.yaml `aliases:` and `domains:`)."""

    def __init__(self, participants: Iterable[Participant]) -> None:
        self.by_name: dict[str, Participant] = {}
        self.by_domain: dict[str, Participant] = {}
        for p in participants:
            names = [p.organisation, *_strings(p.data.get("aliases"))]
            for name in names:
                self.by_name.setdefault(_norm(name), p)
            for domain in _strings(p.data.get("domains")):
                self.by_domain.setdefault(domain.strip().lower().lstrip("@").rstrip("."), p)

    def by_email(self, email: str) -> Participant | None:
        domain = email.strip().lower().rsplit("@", 1)[-1].rstrip(".>") if "@" in email else ""
        while domain:
            if domain in self.by_domain:
                return self.by_domain[domain]
            domain = domain.partition(".")[2]  # mail.port.nl is port.nl's
        return None


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def match(response: Response, directory: Directory, problems: list[Problem]) -> Participant | None:
    named = directory.by_name.get(_norm(response.organisation)) if response.organisation else None
    mailed = directory.by_email(response.email) if response.email else None
    if named is not None and mailed is not None and named is not mailed:
        problems.append(Problem("warning", response.path, response.row, Text(
            f"organisation {response.organisation!r} and the e-mail domain ({mailed.organisation}) disagree; "
            f"the organisation column counts: {named.organisation}",
            f"organisatie {response.organisation!r} en het e-maildomein ({mailed.organisation}) verschillen; "
            f"de kolom organisatie telt: {named.organisation}")))
    found = named or mailed
    if found is None:
        said = " and ".join(x for x in (repr(response.organisation) if response.organisation else "",
                                        f"e-mail {response.email!r}" if response.email else "") if x)
        said_nl = " en ".join(x for x in (repr(response.organisation) if response.organisation else "",
                                          f"e-mail {response.email!r}" if response.email else "") if x)
        problems.append(Problem("warning", response.path, response.row, Text(
            f"respondent {said or '(no organisation, no e-mail)'} matches no participant in isac.yaml (by name, "
            "aliases: or domains:); not imported",
            f"respondent {said_nl or '(geen organisatie, geen e-mail)'} past bij geen deelnemer in isac.yaml (naam, "
            "aliases: of domains:); niet ingelezen")))
    return found


# -- the document -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    text: str  # the self-assessment document
    respondents: tuple[str, ...]
    problems: tuple[Problem, ...]
    answered: int  # answers written


def _completed_key(value: str) -> dt.datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%y %H:%M:%S",
                "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%m/%d/%y %H:%M", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    return None


def _later(new: Response, old: Response) -> bool:
    """Two answers of one organisation: the later completion time wins; without times, the later row or file."""
    a, b = _completed_key(new.completed), _completed_key(old.completed)
    if a is not None and b is not None:
        return a >= b
    return True


def build(files: Sequence[Path], shown: Sequence[str], pack: RulePack, profile: Profile, date: dt.date,
          tlp: Label, lang: str) -> Imported:
    """Read every file and make the self-assessment document; problems are collected, never raised."""
    questions = Questions(pack)
    problems: list[Problem] = []
    responses: list[Response] = []
    for path, name in zip(files, shown):
        try:
            rows = read_table(path)
        except ImportError_ as exc:
            problems.append(Problem("warning", name, None, Text(f"{exc}; not imported", f"{exc}; niet ingelezen")))
            continue
        responses.extend(parse_table(rows, name, questions, problems))

    directory = Directory(profile.participants)
    chosen: dict[str, tuple[Participant, Response]] = {}
    for response in responses:
        participant = match(response, directory, problems)
        if participant is None:
            continue
        if participant.left is not None and participant.left <= date or (
                participant.joined is not None and participant.joined > date):
            problems.append(Problem("warning", response.path, response.row, Text(
                f"{participant.organisation} is not a current participant on {date}; its answers are kept but do not count",
                f"{participant.organisation} is op {date} geen huidige deelnemer; de antwoorden blijven staan maar tellen niet")))
        for qid, note in sorted(response.notes_only.items()):
            problems.append(Problem("warning", response.path, response.row, Text(
                f"{participant.organisation}: a note on {qid} without an answer; not imported (a note needs an answer)",
                f"{participant.organisation}: een opmerking bij {qid} zonder antwoord; niet ingelezen (een opmerking "
                "hoort bij een antwoord)")))
        key = participant.organisation
        if key in chosen:
            earlier = chosen[key][1]
            newer, older = (response, earlier) if _later(response, earlier) else (earlier, response)
            problems.append(Problem("warning", response.path, response.row, Text(
                f"{key} answered twice ({earlier.where} and {response.where}); the later answer ({newer.where}) counts, "
                f"{older.where} is not imported",
                f"{key} antwoordde twee keer ({earlier.where} en {response.where}); het latere antwoord ({newer.where}) "
                f"telt, {older.where} wordt niet ingelezen")))
            chosen[key] = (participant, newer)
        else:
            chosen[key] = (participant, response)
        if not response.answers and not response.ambition:
            problems.append(Problem("warning", response.path, response.row, Text(
                f"{key}: no question answered", f"{key}: geen enkele vraag beantwoord")))
        elif response.unanswered:
            problems.append(Problem("info", response.path, response.row, Text(
                f"{key}: {plural(response.unanswered, 'question', 'en')} left empty or answered don't know "
                f"(no answer)",
                f"{key}: {plural(response.unanswered, 'question', 'nl')} leeg of 'weet niet' (geen antwoord)")))

    order = {p.organisation: i for i, p in enumerate(profile.participants)}
    # A respondent that answered nothing (reported above) is no respondent of the document.
    selected = sorted((pr for pr in chosen.values() if pr[1].answers or pr[1].ambition),
                      key=lambda pr: order[pr[0].organisation])
    answers: dict[str, dict[str, Any]] = {}
    written = 0
    for rule in pack.rules:
        per_org: dict[str, Any] = {}
        for participant, response in selected:
            if rule.id in response.answers:
                answer, note = response.answers[rule.id]
                per_org[participant.organisation] = {"answer": answer, "note": note} if note else answer
        if per_org:
            answers[rule.id] = per_org
            written += len(per_org)
    if selected:
        silent = [r.id for r in pack.rules if r.id not in answers]
        if silent:
            problems.append(Problem("info", ", ".join(shown), None, Text(
                f"{plural(len(silent), 'question', 'en')} answered by nobody: {', '.join(silent)}",
                f"{plural(len(silent), 'question', 'nl')} door niemand beantwoord: {', '.join(silent)}")))
    ambition = {p.organisation: {c: r.ambition[c] for c in questions.capabilities if c in r.ambition}
                for p, r in selected if r.ambition}
    text = render_document(date, tlp, lang, [p.organisation for p, _ in selected], answers, ambition, shown)
    return Imported(text, tuple(p.organisation for p, _ in selected), tuple(problems), written)


def render_document(date: dt.date, tlp: Label, lang: str, respondents: list[str], answers: Mapping[str, Any],
                    ambition: Mapping[str, Mapping[str, int]], sources: Sequence[str]) -> str:
    title = (f"Zelfevaluatie {date.isoformat()}" if lang == "nl" else f"Self-assessment {date.isoformat()}")
    meta: dict[str, Any] = {"type": "self-assessment", "title": title, "date": date.isoformat(), "tlp": tlp.value}
    if tlp is not Label.RED:
        meta["shared_with"] = ["participants"]  # TLP:RED goes to named people only (docs/tlp.md)
    meta["respondents"] = respondents
    meta["answers"] = answers
    if ambition:
        meta["ambition"] = ambition
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    made = ("Ingelezen met `isaccheck survey import` uit:" if lang == "nl"
            else "Imported with `isaccheck survey import` from:")
    listed = "\n".join(f"- {_plain(s)}" for s in sources)
    return f"---\n{front}---\nTLP:{tlp.value}\n\n# {title}\n\n{made}\n\n{listed}\n"


def _plain(name: str) -> str:
    # A file name is data: shown as code so Markdown or HTML in it is never rendered, on one line
    # (a newline in a name could otherwise start a line of its own, such as a TLP marking).
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)
    return "`" + shown.replace("`", "'") + "`"


def proposal(levels: Sequence[int]) -> tuple[int, float]:
    """The proposed ambition: the lower median (the highest level at least half the respondents want), and the median."""
    ordered = sorted(levels)
    return statistics.median_low(ordered), float(statistics.median(ordered))
