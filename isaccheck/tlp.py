"""Traffic Light Protocol (TLP): read labels, find markings in a document body, check them.

A pure library: no file access, no knowledge of the repository. The loader feeds it
frontmatter values and Markdown bodies; it answers with values (``Parsed``,
``Marking``, ``LabelProblem``, ``Text``), never with anything but ``TlpError``.

Labels (FIRST TLP 2.0), from least to most restrictive::

    TLP:CLEAR < TLP:GREEN < TLP:AMBER < TLP:AMBER+STRICT < TLP:RED

Reading a label (``parse_label``)
---------------------------------
Accepted silently: ``TLP:AMBER``, any case, spaces around the colon (``TLP: AMBER``),
the bare colour (``AMBER``, as in frontmatter) and MISP machine tags (``tlp:amber``,
``tlp:amber+strict``). Accepted with a warning: the hyphen or space form (``TLP-AMBER``),
Dutch colour names (``GROEN``, ``ROOD``, ``WIT``), and the TLP 1.0 label ``WHITE`` (read
as CLEAR). With ``tlp_version="1.0"`` WHITE is silent but the TLP 2.0-only labels CLEAR
and AMBER+STRICT warn. Everything else is refused with ``TlpError``; in particular a
misspelt ``+STRICT`` qualifier is refused, never read as the weaker AMBER.

Marking versus mention (``find_markings``)
------------------------------------------
A *marking* labels (part of) the document; a *mention* merely talks about TLP. Only
markings are returned. A label token needs the ``TLP`` prefix (``TLP:RED``, ``tlp:red``,
``TLP-ROOD``) and stands on word boundaries (``otlp:with_x`` is nothing). A hyphen
token only counts when it is a valid label (so ``TLP-gebruik`` is a word, not an
error). Text in fenced code blocks (``````` or ``~~~``) and in inline code spans is
never a marking. Positions:

``top``
    a line consisting only of a label (optionally ``**bold**``, ``_italic_``,
    ``[bracketed]`` or ``(parenthesised)``) among the first 5 non-empty body lines;
``bottom``
    such a line among the last 3 non-empty body lines;
``heading``
    a Markdown ATX heading (``#`` .. ``######``) containing a label token;
``classification``
    ``Classificatie:``, ``Classification:`` or ``Rubricering:`` followed by a label
    (with or without ``TLP:``), or a line starting with ``TLP:`` whose label is
    followed by nothing or by punctuation (``TLP: AMBER, niet verder verspreiden``);
    a label-only line outside the top and bottom regions also counts here;
``item``
    a list item (``-``, ``*``, ``+``, ``1.``) or table row that starts or ends with a
    label token (``- TLP:RED: ransomware bij deelnemer X``, ``| phishing | TLP:RED |``).

Not markings: prose (``TLP:RED means named recipients only`` in a paragraph); a
line or item where the label is followed by a defining word (``TLP:RED betekent ...``,
``- TLP:RED is ...``); and *legends*: a run of list items or table rows, or the set of
headings of a document, that between them name at least 4 different labels, each once
(a membership guideline explaining the labels). Inside headings, items and ``TLP:``
lines a colon token only counts when it looks like an attempt at a label (it parses,
is close to a label, is written in capitals, or is a known non-label such as YELLOW),
so ``## Over TLP: de afspraken`` is not an invalid marking. A label-only line always
counts, so ``TLP:YELLOW`` on its own line is an invalid marking.

Line numbers are absolute file lines: body line ``i`` (0-based, split on ``\\n``) is
file line ``first_line + i``.
"""

from __future__ import annotations

import enum
import re
from functools import lru_cache
from dataclasses import dataclass, replace
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from isaccheck.model import Severity, Text

__all__ = [
    "Label",
    "TlpError",
    "Parsed",
    "Marking",
    "LabelProblem",
    "POSITIONS",
    "FINDING_CODES",
    "DEFAULT_SEVERITY",
    "most_restrictive",
    "parse_label",
    "find_markings",
    "check_document_labels",
    "deprecation_problems",
    "check_sharing",
    "published_must_be_clear",
    "recipient_kind",
]


# --------------------------------------------------------------------------- labels


class Label(enum.Enum):
    """A TLP 2.0 label. Members are declared from least to most restrictive."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    # Hashed by identity (a member is the one object of its value; Enum compares by identity too),
    # not by Enum's Python-level hash of the name: labels are dict keys and set members for every
    # source of every message of every year end (tlpout.Quoting: 70,000 lookups in a 20-year history).
    __hash__ = object.__hash__

    @property
    def rank(self) -> int:
        """Restrictiveness: CLEAR 0 < GREEN 1 < AMBER 2 < AMBER+STRICT 3 < RED 4."""
        return _RANK[self]

    @property
    def canonical(self) -> str:
        """How TLP 2.0 writes it: ``TLP:AMBER+STRICT``."""
        return f"TLP:{self.value}"

    def __str__(self) -> str:
        return self.canonical


_ORDER: tuple[Label, ...] = tuple(Label)
_RANK: dict[Label, int] = {label: index for index, label in enumerate(_ORDER)}  # asked for every document
_ALL_CANONICAL = ", ".join(label.canonical for label in _ORDER)


def most_restrictive(labels: Iterable[Label | None]) -> Label | None:
    """The most restrictive of ``labels`` (``None`` entries ignored), or None if there are none."""
    present = [label for label in labels if label is not None]
    return max(present, key=_RANK.__getitem__, default=None)  # label.rank without a call per label


# --------------------------------------------------------------------------- errors


def most_restrictive_value(*values: str | None) -> str | None:
    """most_restrictive over label values ("AMBER+STRICT"); None when none is given."""
    found = most_restrictive(Label(v) for v in values if v is not None)
    return found.value if found else None


def _quote(raw: str, limit: int = 60) -> str:
    # Reports quote what the user wrote; repr() makes invisible characters visible and
    # truncation keeps a pasted paragraph from flooding the report.
    shown = raw if len(raw) <= limit else raw[: limit - 1] + "…"
    return repr(shown)


class TlpError(ValueError):
    """A value that is not a TLP label. ``str(err)`` is the English message."""

    raw: str
    message: Text
    suggestion: str | None

    def __init__(self, raw: str, reason: Text | None = None, suggestion: Label | None = None) -> None:
        self.raw = raw
        self.suggestion = suggestion.canonical if suggestion is not None else None
        en = f"{_quote(raw)} is not a TLP label"
        nl = f"{_quote(raw)} is geen TLP-label"
        if reason is not None:
            en += f" ({reason.en})"
            nl += f" ({reason.nl})"
        en += f". The labels are {_ALL_CANONICAL}."
        nl += f". De labels zijn {_ALL_CANONICAL}."
        if self.suggestion is not None:
            en += f" Did you mean {self.suggestion}?"
            nl += f" Bedoelde je {self.suggestion}?"
        self.message = Text(en=en, nl=nl)
        super().__init__(en)


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Parsed:
    """A label that was read, what was odd about its spelling, and what was written."""

    label: Label
    warnings: tuple[Text, ...]
    raw: str


@dataclass(frozen=True)
class _Word:
    label: Label
    dutch: bool = False  # a translation; TLP labels are never translated
    tlp1: bool = False  # WHITE / WIT: the TLP 1.0 name of CLEAR


_WORDS: dict[str, _Word] = {
    "CLEAR": _Word(Label.CLEAR),
    "GREEN": _Word(Label.GREEN),
    "AMBER": _Word(Label.AMBER),  # the same word in Dutch
    "AMBER+STRICT": _Word(Label.AMBER_STRICT),
    "RED": _Word(Label.RED),
    "WHITE": _Word(Label.CLEAR, tlp1=True),
    "GROEN": _Word(Label.GREEN, dutch=True),
    "ROOD": _Word(Label.RED, dutch=True),
    "WIT": _Word(Label.CLEAR, dutch=True, tlp1=True),
}

# Words people write that are not TLP labels, each with why; ORANGE gets a suggestion
# because that is what the writer most likely meant.
_NOT_LABELS: dict[str, tuple[Text, Label | None]] = {
    "ORANGE": (Text(en="TLP has never had an orange label", nl="TLP heeft nooit een oranje label gehad"), Label.AMBER),
    "ORANJE": (Text(en="TLP has never had an orange label", nl="TLP heeft nooit een oranje label gehad"), Label.AMBER),
    "YELLOW": (Text(en="TLP has no yellow label", nl="TLP heeft geen geel label"), None),
    "GEEL": (Text(en="TLP has no yellow label", nl="TLP heeft geen geel label"), None),
    "UNCLEAR": (
        Text(en="UNCLEAR is not one of the TLP labels; choose a label", nl="UNCLEAR is geen van de TLP-labels; kies een label"),
        None,
    ),
}

_NON_ASCII = Text(
    en="it contains a character other than plain letters, such as an invisible space or a look-alike letter",
    nl="er staat een ander teken in dan gewone letters, zoals een onzichtbare spatie of een letter die erop lijkt",
)

_SUPPORTED_VERSIONS = {"1": "1.0", "1.0": "1.0", "2": "2.0", "2.0": "2.0"}

# "TLP:AMBER", "TLP : AMBER", "TLP-AMBER", "TLP AMBER"; whitespace is already collapsed.
_PREFIXED = re.compile(r"TLP(?: ?(?P<sep>[:\-]) ?| )(?P<word>.*)", re.S)


_LONGEST_WORD = max(map(len, _WORDS))


def _version(tlp_version: object) -> str:
    version = _SUPPORTED_VERSIONS.get(str(tlp_version).strip())
    if version is None:
        # A configuration mistake of the caller, not a bad label: hence ValueError, not TlpError.
        raise ValueError(f"unsupported tlp_version {tlp_version!r}; use '1.0' or '2.0'")
    return version


def _looks_like_strict(rest: str) -> bool:
    """Whether what follows AMBER is an attempt at the +STRICT qualifier."""
    if not re.fullmatch(r"[ +\-_]*[A-Z]*", rest):
        return False
    letters = rest.strip(" +-_")
    if not letters:
        return "+" in rest
    if len(letters) > 14:
        return False  # a ratio of 0.6 to the 6 letters of STRICT needs at most 14: no difflib on a long word
    import difflib  # only for a misspelt qualifier: a check of clean documents does not import it

    return letters == "STRIKT" or difflib.SequenceMatcher(None, letters, "STRICT").ratio() >= 0.6


def _diagnose(word: str) -> tuple[Text | None, Label | None]:
    """Why ``word`` (upper case, no prefix) is not a label, and the likely intended label."""
    word = word.strip(" .,;")
    if not word:
        return Text(en="no colour after 'TLP:'", nl="geen kleur na 'TLP:'"), None
    if word in _NOT_LABELS:
        return _NOT_LABELS[word]
    if word.startswith("AMBER") and _looks_like_strict(word[5:]):
        # Never suggest the weaker AMBER for a garbled qualifier.
        return Text(en="the qualifier is written +STRICT", nl="de toevoeging wordt geschreven als +STRICT"), Label.AMBER_STRICT
    if "/" in word:
        parts = [_WORDS.get(part.strip().removeprefix("TLP:").strip()) for part in word.split("/")]
        if all(parts):
            worst = most_restrictive(p.label for p in parts if p is not None)
            return (
                Text(
                    en="a document carries one label; where its parts differ, label it with the most restrictive",
                    nl="een document heeft één label; verschillen de delen, gebruik dan het meest beperkende",
                ),
                worst,
            )
    if len(word) > 2 * _LONGEST_WORD:
        return None, None  # too long for a ratio of 0.75 to any label word: no difflib on it
    import difflib  # only for a word that is no label word

    close = difflib.get_close_matches(word, list(_WORDS), n=1, cutoff=0.75)
    return None, (_WORDS[close[0]].label if close else None)


def _error(raw: str, word: str) -> TlpError:
    reason, suggestion = _diagnose(word)
    return TlpError(raw, reason, suggestion)


def parse_label(raw: str, *, tlp_version: str = "2.0") -> Parsed:
    """Read one TLP label as written in frontmatter or a document; raise ``TlpError`` if it is none.

    ``tlp_version`` is what the ISAC declares in ``isac.yaml`` ("1.0" or "2.0"); any other
    value is a caller error (plain ``ValueError``). The result's ``label`` is always a TLP
    2.0 label: TLP 1.0 WHITE is CLEAR.
    """
    version = _version(tlp_version)
    if not isinstance(raw, str):
        # YAML turns `tlp: 2` or `tlp: yes` into non-strings; report them like any bad label.
        kind = type(raw).__name__
        raise TlpError(str(raw), Text(en=f"not text but {kind}", nl=f"geen tekst maar {kind}"))
    # A repository writes a few labels thousands of times: each text is read once (Parsed is frozen).
    return _parse_text(raw, version) if type(raw) is str else _parse_text.__wrapped__(raw, version)


@lru_cache(maxsize=1024)
def _parse_text(raw: str, version: str) -> Parsed:
    """parse_label for text, with the version checked (a TlpError is raised again on every call)."""
    text = re.sub(r"\s+", " ", raw).strip()
    if not text:
        raise TlpError(raw, Text(en="the label is empty", nl="het label is leeg"))
    if not text.isascii():
        # str.upper() maps e.g. a dotless 'ı' to 'I'; do not let look-alikes through.
        guess = re.sub(r"^TLP ?[:\-]? ?", "", text.encode("ascii", "ignore").decode().upper())
        raise TlpError(raw, _NON_ASCII, _diagnose(guess)[1])
    upper = text.upper()
    match = _PREFIXED.fullmatch(upper)
    if match:
        word, separator = match.group("word"), match.group("sep") or " "
    elif upper == "TLP":
        raise TlpError(raw, Text(en="no colour after 'TLP'", nl="geen kleur na 'TLP'"))
    else:
        word, separator = upper, ":"
    entry = _WORDS.get(word)
    if entry is None:
        raise _error(raw, word)
    return Parsed(label=entry.label, warnings=_warnings(raw, entry, separator, version), raw=raw)


def _preferred(label: Label, version: str) -> str:
    if version == "1.0" and label is Label.CLEAR:
        return "TLP:WHITE"
    return label.canonical


def _warnings(raw: str, entry: _Word, separator: str, version: str) -> tuple[Text, ...]:
    label, preferred = entry.label, _preferred(entry.label, version)
    warnings: list[Text] = []
    if entry.dutch or separator != ":":
        warnings.append(
            Text(
                en=(
                    f"{_quote(raw)} is read as {preferred}. TLP writes labels in English capitals without "
                    f"spaces, as {preferred}, and labels are never translated."
                ),
                nl=(
                    f"{_quote(raw)} is gelezen als {preferred}. TLP schrijft labels in Engelse hoofdletters "
                    f"zonder spaties, als {preferred}, en labels worden nooit vertaald."
                ),
            )
        )
    if entry.tlp1 and version == "2.0":
        warnings.append(
            Text(
                en=(
                    f"{_quote(raw)} is the TLP 1.0 label WHITE; TLP 2.0 replaced it by TLP:CLEAR "
                    "(read as TLP:CLEAR). If the ISAC still uses TLP 1.0, set tlp_version: \"1.0\" in isac.yaml."
                ),
                nl=(
                    f"{_quote(raw)} is het TLP 1.0-label WHITE; TLP 2.0 heeft dat vervangen door TLP:CLEAR "
                    "(gelezen als TLP:CLEAR). Gebruikt de ISAC nog TLP 1.0, zet dan tlp_version: \"1.0\" in isac.yaml."
                ),
            )
        )
    if version == "1.0" and not entry.tlp1 and label in (Label.CLEAR, Label.AMBER_STRICT):
        warnings.append(
            Text(
                en=(
                    f"{label.canonical} is a TLP 2.0 label and does not exist in TLP 1.0, which this ISAC "
                    f"declares (tlp_version in isac.yaml); read as {label.canonical}."
                ),
                nl=(
                    f"{label.canonical} is een TLP 2.0-label en bestaat niet in TLP 1.0, dat deze ISAC "
                    f"opgeeft (tlp_version in isac.yaml); gelezen als {label.canonical}."
                ),
            )
        )
    return tuple(warnings)


# --------------------------------------------------------------------------- markings

POSITIONS: tuple[str, ...] = ("top", "bottom", "heading", "classification", "item")
_TOP_LINES = 5
_BOTTOM_LINES = 3
_LEGEND_MIN_LABELS = 4


@dataclass(frozen=True)
class Marking:
    """A TLP label marking (part of) a document body. Exactly one of label/error is set.

    ``warnings`` are the parse warnings of the label (e.g. Dutch spelling), for
    ``deprecation_problems``.
    """

    label: Label | None
    error: TlpError | None
    raw: str
    line: int
    position: str
    warnings: tuple[Text, ...] = ()
    # A heading whose section says only that nothing was minuted ("Rondje rood (TLP:RED)" then
    # "Niet genotuleerd"): it labels no content, so it never raises the document's label.
    content_free: bool = False


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    raw: str
    colon: bool  # "TLP:" rather than "TLP-"/"TLP -"


# The label token: TLP prefix on a word boundary, then the colour word. Underscore counts
# as a boundary only next to non-word text so `_TLP:AMBER_` (italic) matches and
# `otlp:with_x` or `tlp:wit_x` do not.
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9/.\-:@+])(?<![A-Za-z0-9]_)TLP[ \t]*(?P<sep>[:\-])[ \t]*(?P<word>[A-Za-z0-9]*)",
    re.I,
)
_AMBER_TAIL = re.compile(r"[ \t]*\+[ \t]*[A-Za-z]*|[ \t_\-]+(?P<q>[A-Za-z]+)")
_PLUS_TAIL = re.compile(r"\+[A-Za-z]*")
_DECORATION = "*_[]()<>`'\" \t"
# A label followed by one of these words is being defined, not used as a marking.
_DEFINING = re.compile(
    r"[ \t]*(?:=|(?:means|meaning|is|are|stands|refers|betekent|houdt|staat|wil|geldt|mag|mogen)\b)",
    re.I,
)
_HEADING = re.compile(r" {0,3}#{1,6}(?=[ \t]|$)(?P<text>.*)")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<text>.*)")
_TABLE_ROW = re.compile(r"[ \t]*\|(?P<text>.*)")
_KEY_LINE = re.compile(
    r"[*_]*(?P<key>classificatie|classification|rubricering|tlp)[*_]*[ \t]*:[*_ \t]*(?P<value>.*)",
    re.I,
)
_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)")


def _tokens(text: str) -> list[_Token]:
    """Label tokens in ``text``; the +STRICT tail (even garbled) is part of the token."""
    if ":" not in text and "-" not in text:
        # Every token has its separator (see _TOKEN): prose that names TLP without one, a long
        # line of it above all, is not scanned with the case-insensitive pattern.
        return []
    return _scan_tokens(text)


def _scan_tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    for match in _TOKEN.finditer(text):
        end = match.end()
        word = match.group("word").upper()
        if word == "AMBER":
            tail = _AMBER_TAIL.match(text, end)
            if tail and ("+" in tail.group(0) or _looks_like_strict(tail.group("q").upper())):
                end = tail.end()
        else:
            tail = _PLUS_TAIL.match(text, end)
            if tail:
                end = tail.end()
        after = text[end : end + 2]
        if after[:1].isalnum() or (after[:1] == "_" and after[1:2].isalnum()):
            continue  # glued to a word: not a token
        colon = match.group("sep") == ":"
        raw = text[match.start() : end]
        if not colon and not _parses(raw):
            continue  # "TLP-gebruik": a Dutch compound word, not an attempt at a label
        found.append(_Token(match.start(), end, raw, colon))
    return found


def _parses(raw: str) -> bool:
    try:
        parse_label(raw)
    except TlpError:
        return False
    return True


def _intended(token: _Token) -> bool:
    """Whether a token inside running text is an attempt at a label rather than prose."""
    if _parses(token.raw):
        return True
    word = re.sub(r"(?i)^TLP[ \t]*[:\-][ \t]*", "", token.raw)
    if not word or not re.search(r"[A-Za-z]", word):
        return False
    if word.isupper() or word.upper() in _NOT_LABELS:
        return True
    return _diagnose(word.upper())[1] is not None


def _has_word(token: _Token) -> bool:
    return bool(re.search(r"[A-Za-z0-9]", token.raw[3:]))


def _bare_intended(token: _Token) -> bool:
    """Whether a colour written without TLP: (after "Classificatie:") is meant as a TLP label."""
    if _parses(token.raw):
        return True
    word = token.raw[4:].upper()
    return word in _NOT_LABELS or _diagnose(word)[1] is not None


def _undecorate(text: str) -> str:
    return text.strip(_DECORATION)


def _code_mask(lines: Sequence[str]) -> list[bool]:
    """True for lines inside a fenced code block (fence lines included); CommonMark rules."""
    mask = [False] * len(lines)
    open_fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if open_fence is None:
            if match and not (match.group("fence")[0] == "`" and "`" in match.group("info")):
                open_fence = match.group("fence")
                mask[index] = True
        else:
            mask[index] = True
            if (
                match
                and match.group("fence")[0] == open_fence[0]
                and len(match.group("fence")) >= len(open_fence)
                and not match.group("info").strip()
            ):
                open_fence = None
    return mask


_TICK_RUN = re.compile(r"`+")


def _blank_inline_code(line: str) -> str:
    """The line with its inline code spans blanked (CommonMark code spans, within one line).

    A span opens with a run of n backticks and closes at the next run of exactly n; a run with
    no such partner opens nothing. Matching the regular expression directly searches to the end
    of the line for every unclosed run (quadratic: one 1 MB line of growing runs took 18 s), so
    the partner of each run is found from the right in one pass instead.
    """
    if "`" not in line:
        return line
    runs = [(m.start(), m.end()) for m in _TICK_RUN.finditer(line)]
    partner: list[int | None] = [None] * len(runs)
    next_of_length: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        partner[index] = next_of_length.get(length)
        next_of_length[length] = index
    # Blank rather than remove so that columns, and thus "starts/ends with", stay honest.
    pieces: list[str] = []
    done = 0
    index = 0
    while index < len(runs):
        close = partner[index]
        if close is None:
            index += 1
            continue
        start, end = runs[index][0], runs[close][1]
        pieces += [line[done:start], " " * (end - start)]
        done = end
        index = close + 1
    return "".join(pieces) + line[done:]


@dataclass(frozen=True)
class _Found:
    raw: str
    position: str
    block: int | None = None  # run of consecutive items, for legend detection


def _standalone(text: str) -> _Token | None:
    core = _undecorate(text)
    tokens = _tokens(core)
    if len(tokens) == 1 and tokens[0].start == 0 and tokens[0].end == len(core):
        return tokens[0]
    return None


def _heading(text: str) -> list[_Found]:
    match = _HEADING.match(text)
    if not match:
        return []
    return [_Found(t.raw, "heading") for t in _tokens(match.group("text")) if _intended(t)]


def _classification(text: str) -> _Found | None:
    core = text.strip().lstrip(_DECORATION)
    tokens = _tokens(core)
    if tokens and tokens[0].start == 0 and tokens[0].colon and _has_word(tokens[0]):
        # "TLP: AMBER, niet verder verspreiden" labels; "TLP:RED means ..." explains.
        rest = core[tokens[0].end :].lstrip(_DECORATION)
        if (not rest or not rest[0].isalnum()) and _intended(tokens[0]):
            return _Found(tokens[0].raw, "classification")
        return None
    match = _KEY_LINE.match(core)
    if not match:
        return None
    value = match.group("value")
    if match.group("key").upper() == "TLP":
        # "**TLP:** AMBER": the key carried the prefix, the value is the colour.
        word = re.match(r"[A-Za-z0-9+]*(?![A-Za-z0-9_])", value.lstrip(_DECORATION))
        raw = f"TLP: {word.group(0) if word else ''}".rstrip()
        return _Found(raw, "classification") if _intended(_Token(0, len(raw), raw, True)) else None
    tokens = _tokens(value)
    if tokens and _intended(tokens[0]):
        return _Found(tokens[0].raw, "classification")
    bare = _tokens("TLP:" + value.lstrip(_DECORATION))
    if bare and bare[0].start == 0 and _bare_intended(bare[0]):
        # A bare colour counts only when it is a label: "Rubricering: Dep. Vertrouwelijk" is
        # another classification scheme, not an invalid TLP label.
        return _Found(bare[0].raw[4:], "classification")
    return None


def _item(text: str, block: int) -> list[_Found]:
    match = _LIST_ITEM.match(text)
    if match:
        cells = [match.group("text")]
    else:
        match = _TABLE_ROW.match(text)
        if not match:
            return []
        cells = [c for c in match.group("text").rstrip().rstrip("|").split("|") if c.strip()]
        if not cells:
            return []
    found: dict[tuple[int, int], _Token] = {}  # keyed by (cell, start): one token found twice counts once
    first = cells[0]
    offset = len(first) - len(first.lstrip(_DECORATION))
    tokens = _tokens(first)
    if tokens and tokens[0].start == offset and not _DEFINING.match(first, tokens[0].end):
        found[(0, tokens[0].start)] = tokens[0]
    last = cells[-1].rstrip(_DECORATION + ".,;:!?")
    tokens = _tokens(last)
    if tokens and tokens[-1].end == len(last):
        found[(len(cells) - 1, tokens[-1].start)] = tokens[-1]
    return [_Found(t.raw, "item", block) for t in found.values() if _intended(t)]


def _is_item_line(text: str) -> bool:
    return bool(_LIST_ITEM.match(text) or _TABLE_ROW.match(text))


def _line_markings(text: str, region: str | None, block: int) -> list[_Found]:
    text = re.sub(r"^[ \t]{0,3}(?:>[ \t]?)+", "", text)  # a quoted label still labels
    heading = _heading(text)
    if heading or _HEADING.match(text):
        return heading
    if not _LIST_ITEM.match(text) and (len(text) - len(text.lstrip(" "))) >= 4:
        return []  # an indented code block
    token = _standalone(text)
    if token is not None:
        return [_Found(token.raw, region or "classification")]
    classification = _classification(text)
    if classification is not None:
        return [classification]
    return _item(text, block)


def _drop_legends(found: list[tuple[int, _Found]], tlp_version: str) -> list[tuple[int, _Found]]:
    """Remove runs of items (or all headings) that together explain the labels."""
    groups: dict[object, list[int]] = {}
    for index, (_, f) in enumerate(found):
        if f.position == "item":
            groups.setdefault(("item", f.block), []).append(index)
        elif f.position == "heading":
            groups.setdefault("heading", []).append(index)
    legend: set[int] = set()
    for members in groups.values():
        labels = [_label_or_none(found[i][1].raw, tlp_version) for i in members]
        valid = [label for label in labels if label is not None]
        if len(set(valid)) >= _LEGEND_MIN_LABELS and len(valid) == len(set(valid)):
            legend.update(members)
    return [pair for index, pair in enumerate(found) if index not in legend]


def _label_or_none(raw: str, tlp_version: str) -> Label | None:
    try:
        return parse_label(raw, tlp_version=tlp_version).label
    except TlpError:
        return None


def names_several_labels(text: str, *, tlp_version: str = "2.0") -> bool:
    """Whether one line names two or more different labels: prose about TLP, not a marking.

    "Requirement 5: TLP:AMBER and TLP:RED", a placeholder "[TLP:CLEAR / TLP:AMBER / TLP:RED]"
    or a feed list on one line talk about labels; a marking labels with one. Used for text read
    from Word, PDF and HTML (isaccheck.infer), where a header line may hold a whole legend.
    """
    labels = {_label_or_none(t.raw, tlp_version) for t in _tokens(text)}
    return len(labels - {None}) >= 2


# Where a marking can be. Every one needs a label token (_TOKEN: TLP, then `:` or `-`) or the key of a
# classification line (_KEY_LINE: the key, then `:`): a line without this pattern holds none and is
# not looked at. A backtick counts as a separator too, because blanking a code span
# (_blank_inline_code) can put spaces between the word and its separator ("TLP`x`:RED").
_CANDIDATE = re.compile(r"(?:tlp|classificati(?:e|on)|rubricering)[*_ \t]*[:\-`]", re.I)
# The same pattern in two halves for lower-cased text: `tlp` is a literal prefix the scanner jumps
# to (several times faster than the case-insensitive alternation); the keys are rare.
_CANDIDATE_TLP = re.compile(r"tlp[*_ \t]*[:\-`]")
_CANDIDATE_KEY = re.compile(r"(?:classificati(?:e|on)|rubricering)[*_ \t]*[:\-`]")
# The characters whose lower case is not one character, or that case folding matches to an ASCII
# letter (dotted and dotless i, long s, the Kelvin sign): text without them, lower-cased, keeps
# every position, and the lower-case halves find exactly what _CANDIDATE finds.
_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")


def _candidate_lines(body: str) -> list[int]:
    """The indexes of the lines (split on ``\\n``) where _CANDIDATE matches, in order."""
    if not body.isascii() and any(c in body for c in _FOLDING):
        starts = [m.start() for m in _CANDIDATE.finditer(body)]
    else:
        low = body.lower()
        starts = [m.start() for m in _CANDIDATE_TLP.finditer(low)]
        if "classificati" in low or "rubricering" in low:
            starts = sorted(starts + [m.start() for m in _CANDIDATE_KEY.finditer(low)])
    found: list[int] = []
    line = done = 0
    for start in starts:  # a match never spans lines: count the line ends before each
        line += body.count("\n", done, start)
        done = start
        if not found or found[-1] != line:
            found.append(line)
    return found


def _blocks(lines: Sequence[str], in_code: Sequence[bool]) -> list[int]:
    """The run of items each line belongs to, for legends: a code line, and any line that is neither
    blank nor an item, begins a new run (a blank line does not end a loose list)."""
    blocks: list[int] = []
    block = 0
    for index, line in enumerate(lines):
        if in_code[index] or (line.strip() and not _is_item_line(_blank_inline_code(line))):
            block += 1
        blocks.append(block)
    return blocks


def find_markings(body: str, first_line: int = 1, *, tlp_version: str = "2.0") -> list[Marking]:
    """TLP markings in a Markdown body, in line order (see the module docstring for what counts).

    Lines are split on ``\\n`` only (a trailing ``\\r`` is dropped) so numbers match what
    an editor shows; ``first_line`` is the file line of the body's first line.

    One pass over the whole body finds the lines that can hold a marking (_candidate_lines); only
    those are classified. Which run of items a line belongs to is worked out only when enough items
    were found to make a legend. (tests/test_tlp_oracle.py keeps the line-by-line way as the oracle.)
    """
    _version(tlp_version)
    candidates = _candidate_lines(body)
    if not candidates:
        return []  # most bodies: nothing to look at line by line
    lines = [line.removesuffix("\r") for line in body.split("\n")]
    # A fence needs three backticks or tildes (_FENCE): without them no line is code.
    in_code = _code_mask(lines) if "```" in body or "~~~" in body else [False] * len(lines)
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    top, bottom = set(non_empty[:_TOP_LINES]), set(non_empty[-_BOTTOM_LINES:])
    found: list[tuple[int, _Found]] = []
    for index in candidates:
        if in_code[index]:
            continue
        region = "top" if index in top else "bottom" if index in bottom else None
        found.extend((index, f) for f in _line_markings(_blank_inline_code(lines[index]), region, 0))
    if sum(f.position == "item" for _, f in found) >= _LEGEND_MIN_LABELS:
        blocks = _blocks(lines, in_code)  # fewer items can make no legend, whatever their runs
        found = [(index, replace(f, block=blocks[index]) if f.position == "item" else f) for index, f in found]
    found = _drop_legends(found, tlp_version)
    markings = [_marking(f, first_line + index, tlp_version) for index, f in found]
    return [replace(m, content_free=True) if f.position == "heading" and _section_is_empty(lines, in_code, index) else m
            for (index, f), m in zip(found, markings)]


# What minutes write under a heading when nothing of it was minuted (TLP 2.0: RED in a meeting is
# spoken, not written down). Compared after dropping decoration, punctuation and case.
_NOT_MINUTED = re.compile(
    r"(?:er |het |dit |is |wordt |werd |was |nothing |this |it )*"
    r"(?:(?:niets|niet|geen)(?: \w+)? (?:genotuleerd|vastgelegd|opgeschreven|opgenomen(?: in de notulen)?|notulen|verslag)"
    r"|(?:alleen |enkel |uitsluitend )?mondeling(?: gedeeld| besproken| toegelicht)?"
    r"|not (?:minuted|recorded|written down)|(?:shared |spoken )?(?:orally|verbally)(?: only)?|spoken not minuted"
    r"|geen bijzonderheden|nothing to report|nothing|niets|none|geen|n v t)"
)


def _heading_depth(text: str) -> int:
    return len(text.strip()) - len(text.strip().lstrip("#"))


def _section_is_empty(lines: Sequence[str], in_code: Sequence[bool], heading: int) -> bool:
    """Whether the section under the heading at ``heading`` holds no content.

    The section runs up to the next heading of the same or a higher level; a subheading is
    content (it has a section of its own under this label).
    """
    depth = _heading_depth(lines[heading])
    for index in range(heading + 1, len(lines)):
        if in_code[index]:
            return False
        text = lines[index]
        if _HEADING.match(text):
            if _heading_depth(text) <= depth:
                return True
            return False
        words = re.sub(r"[^\w\s]", " ", _undecorate(text)).casefold()
        words = re.sub(r"\s+", " ", words).strip()
        if words and not _NOT_MINUTED.fullmatch(words):
            return False
    return True


def _marking(found: _Found, line: int, tlp_version: str) -> Marking:
    try:
        parsed = parse_label(found.raw, tlp_version=tlp_version)
    except TlpError as error:
        return Marking(label=None, error=error, raw=found.raw, line=line, position=found.position)
    return Marking(
        label=parsed.label, error=None, raw=found.raw, line=line, position=found.position, warnings=parsed.warnings
    )


# --------------------------------------------------------------------------- document checks

FINDING_CODES: tuple[str, ...] = ("tlp-missing", "tlp-disagree", "tlp-understated", "tlp-invalid", "tlp-deprecated")

# A suggestion for the engine, which stamps severities: a label that cannot be read or
# that under-protects content is an error; spelling that still reads is a warning.
DEFAULT_SEVERITY: dict[str, Severity] = {
    "tlp-missing": Severity.ERROR,
    "tlp-disagree": Severity.ERROR,
    "tlp-understated": Severity.ERROR,
    "tlp-invalid": Severity.ERROR,
    "tlp-deprecated": Severity.WARNING,
}

# Positions whose label is meant for the whole document.
_WHOLE_DOCUMENT = frozenset({"top", "bottom", "classification"})

_POSITION_NAMES: dict[str, Text] = {
    "top": Text(en="the label at the top", nl="het label bovenaan"),
    "bottom": Text(en="the label at the bottom", nl="het label onderaan"),
    "heading": Text(en="the heading", nl="de kop"),
    "classification": Text(en="the classification line", nl="de rubriceringsregel"),
    "item": Text(en="the item", nl="het item"),
}


@dataclass(frozen=True)
class LabelProblem:
    """A problem with a document's labels; ``line`` is None when it concerns the frontmatter."""

    code: str
    line: int | None
    message: Text


def check_document_labels(
    front: Parsed | None, markings: list[Marking], *, requires_label: bool
) -> list[LabelProblem]:
    """Compare the frontmatter label with the body's markings.

    - ``tlp-invalid``: a marking that is not a label (one per marking);
    - ``tlp-missing``: ``requires_label`` and neither a frontmatter label nor a valid
      whole-document marking (top, bottom or classification line);
    - ``tlp-disagree``: a top/bottom/classification marking other than the frontmatter
      label, or a heading *less* restrictive than it (a more restrictive heading labels a
      section, like an item);
    - ``tlp-understated``: the frontmatter label is less restrictive than the most
      restrictive remaining marking (one problem, at that marking's first line).

    A marking gives at most one of disagree/understated. ``tlp-deprecated`` comes from
    ``deprecation_problems``.
    """
    if not markings and front is not None:
        return []  # most documents: a frontmatter label and nothing in the body to compare it with
    problems = [_invalid(m) for m in markings if m.error is not None]
    valid = [m for m in markings if m.label is not None]
    if front is None:
        if requires_label and not any(m.position in _WHOLE_DOCUMENT for m in valid):
            problems.append(_missing())
        return _sorted(problems)
    disagreeing = [m for m in valid if _disagrees(m, front.label)]
    problems.extend(_disagree(m, front.label) for m in disagreeing)
    rest = [m for m in valid if m not in disagreeing and _rank(m) > front.label.rank and not m.content_free]
    if rest:
        worst = max(rest, key=lambda m: (_rank(m), -m.line))
        problems.append(_understated(worst, front.label))
    return _sorted(problems)


def _rank(marking: Marking) -> int:
    return marking.label.rank if marking.label is not None else -1


def _disagrees(marking: Marking, front: Label) -> bool:
    if marking.label is None or marking.label is front:
        return False
    if marking.position in _WHOLE_DOCUMENT:
        return True
    return marking.position == "heading" and marking.label.rank < front.rank


def _sorted(problems: list[LabelProblem]) -> list[LabelProblem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.code))


def _where(marking: Marking) -> Text:
    name = _POSITION_NAMES.get(marking.position, Text(en="the marking", nl="de markering"))
    return Text(en=f"{name.en} on line {marking.line}", nl=f"{name.nl} op regel {marking.line}")


def _invalid(marking: Marking) -> LabelProblem:
    assert marking.error is not None
    where = _where(marking)
    return LabelProblem(
        "tlp-invalid",
        marking.line,
        Text(en=f"{where.en.capitalize()}: {marking.error.message.en}", nl=f"{where.nl.capitalize()}: {marking.error.message.nl}"),
    )


def _missing() -> LabelProblem:
    return LabelProblem(
        "tlp-missing",
        None,
        Text(
            en="This document needs a TLP label: add `tlp:` to its frontmatter (for example tlp: AMBER).",
            nl="Dit document heeft een TLP-label nodig: zet `tlp:` in de frontmatter (bijvoorbeeld tlp: AMBER).",
        ),
    )


def _disagree(marking: Marking, front: Label) -> LabelProblem:
    assert marking.label is not None
    where = _where(marking)
    return LabelProblem(
        "tlp-disagree",
        marking.line,
        Text(
            en=f"{where.en.capitalize()} says {marking.label.canonical} but the frontmatter says {front.canonical}.",
            nl=f"{where.nl.capitalize()} zegt {marking.label.canonical} maar de frontmatter zegt {front.canonical}.",
        ),
    )


def _understated(marking: Marking, front: Label) -> LabelProblem:
    assert marking.label is not None
    where, label = _where(marking), marking.label.canonical
    return LabelProblem(
        "tlp-understated",
        marking.line,
        Text(
            en=(
                f"The document is labelled {front.canonical} but {where.en} is marked {label}: a document "
                f"carries the label of its most restrictive content, here {label}."
            ),
            nl=(
                f"Het document heeft label {front.canonical} maar {where.nl} is gemarkeerd als {label}: een "
                f"document draagt het label van de meest beperkende inhoud, hier {label}."
            ),
        ),
    )


def deprecation_problems(
    front: Parsed | None, markings: Iterable[Marking] = (), *, front_line: int | None = None
) -> list[LabelProblem]:
    """Parse warnings as ``tlp-deprecated`` problems: the frontmatter's (at ``front_line``) and each marking's."""
    problems = [LabelProblem("tlp-deprecated", front_line, w) for w in (front.warnings if front else ())]
    for marking in markings:
        problems.extend(LabelProblem("tlp-deprecated", marking.line, w) for w in marking.warnings)
    return problems


# --------------------------------------------------------------------------- sharing

_PUBLIC = frozenset({"public", "publiek", "openbaar"})
_PARTICIPANTS = frozenset({"participants", "deelnemers"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def recipient_kind(recipient: str, *, participants: Iterable[str] = (), community: Iterable[str] = ()) -> str:
    """Classify a ``shared_with`` entry.

    One of ``public``, ``participants`` (all participants), ``individual`` (written as
    ``person:<name>`` or an e-mail address), ``participant`` (a current participant's
    organisation), ``community`` (a name in ``community``) or ``external`` (any other
    organisation). Names compare case- and whitespace-insensitively.
    """
    name = _norm(str(recipient))
    if name in _PUBLIC:
        return "public"
    if name in _PARTICIPANTS:
        return "participants"
    if name.startswith("person:") or _EMAIL.fullmatch(name):
        return "individual"
    if name in {_norm(p) for p in participants}:
        return "participant"
    if name in {_norm(c) for c in community}:
        return "community"
    return "external"


# What each label lets the ISAC share with. A named individual is allowed under every
# label: RED allows them, so every less restrictive label must too. The repository is the
# ISAC's own: a document it shares is the ISAC's own product, and under TLP 2.0 the source
# chooses the recipients of its AMBER information ("the source may specify additional intended
# limits of the sharing"), so an organisation the ISAC names in shared_with is no breach.
# What stays a breach: anything but CLEAR to the public, and RED beyond named individuals.
_NAMED = frozenset({"individual", "participants", "participant", "community", "external"})
_ALLOWED: dict[Label, frozenset[str]] = {
    Label.RED: frozenset({"individual"}),
    Label.AMBER_STRICT: _NAMED,
    Label.AMBER: _NAMED,
    Label.GREEN: frozenset({"individual", "participants", "participant", "community", "external"}),
    Label.CLEAR: frozenset({"individual", "participants", "participant", "community", "external", "public"}),
}

_RULES: dict[Label, Text] = {
    Label.RED: Text(
        en="TLP:RED is for named individual recipients only (write them as person:<name> or an e-mail address)",
        nl="TLP:RED is alleen voor bij naam genoemde personen (schrijf ze als person:<naam> of een e-mailadres)",
    ),
    Label.AMBER_STRICT: Text(
        en="TLP:AMBER+STRICT may go only to recipients the ISAC names, never to the public",
        nl="TLP:AMBER+STRICT mag alleen naar ontvangers die de ISAC noemt, nooit openbaar",
    ),
    Label.AMBER: Text(
        en="TLP:AMBER may go only to recipients the ISAC names, on a need-to-know basis, never to the public",
        nl="TLP:AMBER mag alleen naar ontvangers die de ISAC noemt, op need-to-know-basis, nooit openbaar",
    ),
    Label.GREEN: Text(
        en="TLP:GREEN may go to the community, never to the public",
        nl="TLP:GREEN mag naar de community, nooit openbaar",
    ),
    Label.CLEAR: Text(en="TLP:CLEAR may go to anyone", nl="TLP:CLEAR mag naar iedereen"),
}

_KIND_NAMES: dict[str, Text] = {
    "public": Text(en="that is publishing it", nl="dat is openbaar maken"),
    "participants": Text(en="that is every participant", nl="dat zijn alle deelnemers"),
    "participant": Text(en="that is an organisation", nl="dat is een organisatie"),
    "community": Text(en="that is outside the participants", nl="dat is buiten de deelnemers"),
    "external": Text(en="that is not a current participant", nl="dat is geen huidige deelnemer"),
}


def check_sharing(
    label: Label,
    shared_with: list[str],
    *,
    participants: AbstractSet[str],
    community: AbstractSet[str] = frozenset(),
) -> list[Text]:
    """One message per ``shared_with`` entry that ``label`` does not allow (FIRST TLP 2.0).

    ``participants`` are the current participants' organisation names; ``community`` names
    organisations of the wider community (other ISACs, partners) that GREEN may reach.
    Empty entries are skipped.
    """
    messages: list[Text] = []
    for recipient in shared_with:
        if not str(recipient).strip():
            continue
        kind = recipient_kind(recipient, participants=participants, community=community)
        if kind in _ALLOWED[label]:
            continue
        rule, why = _RULES[label], _KIND_NAMES[kind]
        messages.append(
            Text(
                en=f"Shared with {_quote(str(recipient))} ({why.en}), but {rule.en}.",
                nl=f"Gedeeld met {_quote(str(recipient))} ({why.nl}), maar {rule.nl}.",
            )
        )
    return messages


def published_must_be_clear(label: Label) -> bool:
    """Whether a document with this label may be published (shared with ``public``): only TLP:CLEAR may."""
    return label is Label.CLEAR
