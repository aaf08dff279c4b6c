"""Stage 1, load: the profile, the settings and every document, or a finding per bad file.

Nothing here raises for a bad document: a file that cannot be read as the contract says becomes
a finding that names the file, the line where known and what is wrong, and loading goes on.
Only a missing or unreadable isac.yaml / isaccheck.yaml stops the run (a configuration error).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import pathlib
import posixpath
import re
from codecs import BOM_UTF8
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, MutableMapping, TypeVar

from frontmatter.default_handlers import YAMLHandler

from . import tlp as tlpmod
from .config import CONFIG_FILE, PROFILE_FILE, Config, glob_match, parse_config
from .enums import normalise as normalise_enums
from .errors import ConfigError, GitError
from .loadcache import LoadCache, Loaded
from .model import LEVELS, Document, Finding, Severity, Text
from .read.cache import content_id
from .read import SUPPORTED_SUFFIXES, format_of, read_document
from .read.model import Location, ReadProblem, StructuredDocument
from .schemas import document_types, inlined_schema, schema_errors, section_for_heading
from .sources import Source, SourceEntry, git_blob_id, printable_path, valid_path
from .unknownkeys import unknown_key_findings
from .validation import schema_findings
from .yamlutil import YamlData, YamlError, load_yaml

if TYPE_CHECKING:
    from . import infer as infermod
    from .gitrepo import SignatureCheck

# isaccheck.infer (and rapidfuzz with it) is imported where a file without frontmatter needs it:
# a run over frontmatter documents, such as the pre-commit hook's `validate`, never pays for it.

SIDECAR_SUFFIX = ".meta.yaml"
DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# Findings whose message is made from the file's size, kind, name or structure, never from its
# content: they may be shown whatever the file's label (a RED file that cannot be read still says why).
# yaml-syntax: yamlutil keeps the document's own text out of the message (yamlutil._content_free).
CONTENT_FREE_CODES = frozenset({"unreadable", "too-large", "frontmatter", "file-name", "symlink-outside",
                                "symlink-broken", "binary", "encoding", "yaml-syntax", "not-a-file"})
# Frontmatter and sidecars are always read up to this size, whatever max_file_size_kb says: they
# hold the label and the recipients, so skipping them would skip the TLP checks (issue 15.7).
METADATA_LIMIT = 256 * 1024
DECLARED_TYPE = re.compile(r"^type:\s*['\"]?([\w-]+)", re.MULTILINE)
# A heading's marker; its text is the rest without closing #s (see heading(): the one pattern
# r"^(#{1,6})\s+(.*?)\s*#*\s*$" backtracks quadratically on a long line of spaces).
HEADING_START = re.compile(r"(#{1,6})\s+")


class _FrontmatterHandler(YAMLHandler):
    """Opens with ---, closes with --- or ... (YAML's own document end), never eats blank lines."""

    FM_BOUNDARY = re.compile(r"^(?:-{3}|\.{3})[ \t]*\r?$", re.MULTILINE)

    def detect(self, text: str) -> bool:
        return bool(re.match(r"-{3}[ \t]*\r?$", text.split("\n", 1)[0]))


_HANDLER = _FrontmatterHandler()


@dataclass(frozen=True)
class Participant:
    organisation: str
    joined: dt.date | None
    left: dt.date | None
    data: Mapping[str, Any]
    line: int | None

    def current(self, as_of: dt.date) -> bool:
        if self.joined is not None and self.joined > as_of:
            return False
        return self.left is None or self.left > as_of


@dataclass(frozen=True)
class Profile:
    data: Mapping[str, Any]
    lines: Mapping[str, int]
    participants: tuple[Participant, ...]

    @property
    def isac(self) -> Mapping[str, Any]:
        value = self.data.get("isac")
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        return str(self.isac.get("name") or "ISAC")

    @property
    def language(self) -> str:
        lang = self.isac.get("language")
        return lang if lang in ("nl", "en") else "nl"

    @property
    def tlp_version(self) -> str:
        return str(self.isac.get("tlp_version") or "2.0")

    @property
    def ambition(self) -> Mapping[str, int]:
        value = self.data.get("ambition")
        if not isinstance(value, dict):
            return {}
        # An ambition outside 0..3 is a schema finding on isac.yaml; it is not used as a target.
        return {k: v for k, v in value.items()
                if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= LEVELS[-1]}

    def get(self, dotted: str) -> Any:
        return dig(self.data, dotted)


@dataclass(frozen=True)
class Repository:
    label: str
    profile: Profile
    config: Config
    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    paths: frozenset[str] = field(default_factory=frozenset)
    # Files that could not be read as documents, with the type they seem to declare.
    unreadable_types: Mapping[str, str] = field(default_factory=dict)
    # Output labels of files not (wholly) read as documents: oversize (body skipped), unreadable,
    # broken frontmatter. Fail closed: RED unless a label could be read (tlpout.py).
    unloaded_tlp: Mapping[str, str] = field(default_factory=dict)
    # Git verification of signature entries, ("commit"|"tag", name) -> result; set by the runner.
    # Keyed (kind, name) and, once checked against an entry's claim, (kind, name, organisation).
    signature_checks: Mapping[tuple[str, ...], SignatureCheck] = field(default_factory=dict)
    # Files left out by isaccheck.yaml's `templates`: named in the output, never evidence.
    templates: tuple[str, ...] = ()
    # Files left out by isaccheck.yaml's `ignore`: named in the output too (nothing is left out silently).
    ignored: tuple[str, ...] = ()


# The trend (report, history) starts at the first year with dated documents, looking back at most
# this many years: one document dated 0001-01-01 must not mean two thousand evaluations.
MAX_TREND_YEARS = 30


def first_document_year(documents: Iterable[Document], as_of: dt.date) -> int:
    """The year of the earliest dated document up to as_of (at most MAX_TREND_YEARS back), or as_of's."""
    years = [d.date.year for d in documents if d.date is not None and d.date <= as_of]
    return max(min(years), as_of.year - MAX_TREND_YEARS) if years else as_of.year


def dig(data: Any, dotted: str) -> Any:
    """The value at a dotted path ("isac.platform.online", "signatures.0.organisation")."""
    value = data
    for part in dotted.split("."):
        if type(value) is dict or isinstance(value, Mapping):  # a dict first: typing's isinstance is slow
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _output_label(front: tlpmod.Label | None, markings: list[tlpmod.Marking], meta: Mapping[str, Any],
                  refused: bool) -> str | None:
    """The label output quoting this document carries: its most restrictive content, RED if unreadable.

    Separate from the findings (tlp-understated says the document is mislabelled): output must
    never wait for the document to be fixed. A label that cannot be read could have been RED,
    so it counts as RED (fail closed).
    """
    items = meta.get("roundtable")
    if not markings and not refused and items is None:
        return front.value if front else None  # most documents: the frontmatter's label is all there is
    labels: list[tlpmod.Label | None] = [front, *(m.label for m in markings)]
    unreadable = refused or any(m.label is None for m in markings)
    for item in items if isinstance(items, list) else []:
        raw = item.get("tlp") if isinstance(item, dict) else None
        if raw is None:
            continue
        try:
            labels.append(tlpmod.parse_label(raw).label)
        except tlpmod.TlpError:
            unreadable = True
    if unreadable:
        return tlpmod.Label.RED.value
    found = tlpmod.most_restrictive(labels)
    return found.value if found else None


_SNIFFED_TLP = re.compile(r"^tlp:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def _sniffed_label(frontmatter: str, body: str, body_line: int) -> str:
    """The output label of a document whose frontmatter YAML is broken: its `tlp:` line, else RED.

    What cannot be read could have been RED; a `tlp:` line that reads (and the body's
    markings) still lets the findings that explain the breakage be shown.
    """
    line = _SNIFFED_TLP.search(frontmatter)
    if line is None:
        return tlpmod.Label.RED.value
    value = line[1].split(" #")[0].strip().strip("'\"")
    return _label_of_meta({"tlp": value}, body, body_line) or tlpmod.Label.RED.value


def _label_of_meta(meta: Mapping[str, Any], body: str, body_line: int) -> str | None:
    front: tlpmod.Label | None = None
    raw = meta.get("tlp")
    if raw is not None:
        try:
            front = tlpmod.parse_label(raw).label
        except tlpmod.TlpError:
            return tlpmod.Label.RED.value
    markings = tlpmod.find_markings(body, first_line=body_line) if body else []
    return _output_label(front, markings, meta, refused=False)

def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def date_from_name(path: str) -> dt.date | None:
    for match in reversed(list(DATE_IN_NAME.finditer(path))):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def heading(line: str) -> tuple[int, str] | None:
    """An ATX heading's depth and text (closing #s and spaces removed), or None; linear in the line."""
    match = HEADING_START.match(line)
    if match is None:
        return None
    return len(match[1]), line[match.end():].rstrip().rstrip("#").rstrip()


def sections_from_body(body: str) -> dict[str, str]:
    """Text under headings that the contract knows as membership-guideline sections."""
    found: dict[str, str] = {}
    current: str | None = None
    current_depth = 0
    collected: list[str] = []

    def flush() -> None:
        if current and "\n".join(collected).strip() and current not in found:
            found[current] = "\n".join(collected).strip()

    for line in body.splitlines():
        # heading() matches only at a "#" in the first column: other lines skip the pattern.
        found_heading = heading(line) if line[:1] == "#" else None
        if found_heading:
            depth, title = found_heading
            key = section_for_heading(title)
            if key or current is None or depth <= current_depth:
                flush()
                current, current_depth, collected = key, depth, []
                continue
        if current:
            collected.append(line)
    flush()
    return found


def _decode(raw: bytes, path: str) -> tuple[str | None, Finding | None]:
    if b"\x00" in raw[:8192]:
        return None, Finding(
            "binary",
            Severity.WARNING,
            path,
            None,
            Text("binary content in a text document; not read", "binaire inhoud in een tekstdocument; niet gelezen"),
            quotes_file=False,
        )
    try:
        # What decode("utf-8-sig") does (one leading BOM dropped, the rest strict UTF-8, an error's
        # position counted after the BOM), without the codec's Python-level wrapper: 5,000 calls
        # were 4-13 ms of a cold check.
        return (raw[3:] if raw[:3] == BOM_UTF8 else raw).decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Finding(
            "encoding",
            Severity.ERROR,
            path,
            line,
            Text(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line}); save the file as UTF-8",
                f"geen UTF-8-tekst (byte 0x{raw[exc.start]:02x} op regel {line}); sla het bestand op als UTF-8",
            ),
            quotes_file=False,
        )


# Jekyll/Hugo write `date: 2022-06-02 13:04:00 +0200`; YAML does not read that as a timestamp
# (the offset has no colon), so it arrives as text. Unquoted, it is a date with a time: take the day.
_SITE_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?")
DATE_FIELDS = ("date", "adopted_on", "issued_on")
# Formats that are clearly documents when isaccheck does not count them: named, never skipped silently.
# (.md and .txt without a type are READMEs and notes as often as not.)
NAMED_WHEN_NOT_COUNTED = frozenset({".docx", ".pdf", ".odt", ".html", ".htm"})


def _guess_type(path: str) -> infermod.TypeGuess | None:
    """infer.guess_type, imported on the first file without frontmatter."""
    from . import infer as infermod

    return infermod.guess_type(path)


def _where(location: Location | None, how: tuple[str, str]) -> Text:
    """Where in its file a value was read: "line 7 (attendance section)", "page 2 (TLP marking)"."""
    if location is None:
        return Text(f"the path ({how[0]})", f"het pad ({how[1]})")
    from . import infer as infermod

    return Text(f"{infermod.describe(location, 'en')} ({how[0]})", f"{infermod.describe(location, 'nl')} ({how[1]})")


# Switch for tests (tests/test_subtrees.py): off, every year end's listing is walked file by file.
REPLAY = True
# Switch for tests (tests/test_walkfile.py): off, a changed folder's files are walked one by one.
REUSE_FILES = True
# Switch for tests (tests/test_walkcost.py): off, isac.yaml and isaccheck.yaml are read and parsed at
# every year end (parsed_settings).
SETTINGS_ONCE = True


@dataclass(frozen=True)
class _Walked:
    """What walking one git folder added (see _Loader.replay_plan), in the walk's order."""

    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    unreadable_types: Mapping[str, str]
    unloaded_tlp: Mapping[str, str]
    keys: tuple[tuple[Any, ...], ...]  # the run-cache entries its files used
    ignored: tuple[str, ...]
    templates: tuple[str, ...]
    files: int  # entries below it (for the counters)


def _below(paths: list[str], folder: str) -> tuple[str, ...]:
    """The paths of a sorted list that lie in `folder` ("a/b/"): all of them sort from "a/b/" up to
    "a/b0" ('0' follows '/')."""
    return tuple(paths[bisect.bisect_left(paths, folder):bisect.bisect_left(paths, folder[:-1] + "0")])


@dataclass
class _ReplayPlan:
    fresh: list[SourceEntry] = field(default_factory=list)  # the entries walked file by file
    replays: dict[int, tuple[int, _Walked]] = field(default_factory=dict)  # start -> end, what to add
    recorded: list[tuple[int, int, str, tuple[Any, ...]]] = field(default_factory=list)  # start, end, path, key
    keys: set[tuple[Any, ...]] = field(default_factory=set)  # every folder of the listing


class _Loader:
    def __init__(self, source: Source, config: Config, profile: Profile,
                 tlp_required: frozenset[str] | None = None, infer: bool = True,
                 cache: LoadCache | None = None) -> None:
        self.infer = infer
        participants = profile.data.get("participants")
        self.matcher_input = [p for p in participants if isinstance(p, dict)] if isinstance(participants, list) else []
        # Where the repository lies on disk (a working tree's root, a git tree's work tree), so the
        # caches of extracted text and inferred fields are never written inside it.
        root = getattr(source, "root", None) or getattr(source, "top", None) or getattr(getattr(source, "tree", None), "top", None)
        self.repo_root = str(root) if root is not None else None
        self.source = source
        self.config = config
        self.profile = profile
        self.findings: list[Finding] = []
        self.documents: list[Document] = []
        self.unreadable_types: dict[str, str] = {}
        self.templates: list[str] = []
        self.ignored: list[str] = []
        # Output labels of files that are not (whole) documents: unreadable ones, oversize ones.
        self.unloaded_tlp: dict[str, str] = {}
        self.oversize: dict[str, int] = {}  # path -> KB, until the oversize finding is written
        # Files loaded outside the run cache (a folder with one is not replayed) and, while folders
        # are recorded, the run-cache keys used in order (see replay_plan).
        self.unrepeatable = 0
        self.keys: list[tuple[Any, ...]] | None = None
        # Files read ahead of the walk (prefetch): a dict, or a git tree's BlobStream, which reads
        # each file from git when the walk asks for it.
        self.prefetched: MutableMapping[str, bytes] = {}
        self.limit = config.max_file_size_kb * 1024
        self.known_types = set(document_types())
        required = config.tlp.get("required_for")
        self.tlp_required: set[str] = set(
            required if required is not None else (tlp_required or DEFAULT_TLP_REQUIRED)
        )
        self.cache = cache
        # Everything besides the file itself that loading a file reads (see loadcache.py).
        community = profile.isac.get("community")
        # A digest: it is part of every key, also of those written to disk.
        self.fingerprint = hashlib.sha256(repr((
            config, profile.tlp_version, sorted(p.organisation for p in profile.participants), community,
            sorted(self.tlp_required), infer, self.matcher_input)).encode("utf-8", "surrogatepass")).hexdigest()


    @cached_property
    def matcher(self) -> infermod.ParticipantMatcher:
        from . import infer as infermod

        return infermod.ParticipantMatcher(self.matcher_input)

    @cached_property
    def infer_cache(self) -> pathlib.Path | None:
        from .infer import cache as infercache

        return infercache.directory(self.repo_root) if self.infer else None

    @cached_property
    def label_version(self) -> str:
        """The TLP version labels are read in: isac.yaml's tlp_version, 2.0 unless it is 1.0 (asked
        once per run, not twice per document)."""
        version = self.profile.tlp_version
        return version if version in ("1.0", "2.0") else "2.0"

    def finding(self, code: str, severity: Severity, path: str, line: int | None, en: str, nl: str,
                field_: str | None = None, real_path: str | None = None) -> None:
        self.findings.append(Finding(code, severity, path, line, Text(en, nl), field=field_,
                                     quotes_file=code not in CONTENT_FREE_CODES, real_path=real_path))

    # -- files -------------------------------------------------------------------------------
    def read_text(self, entry: SourceEntry) -> str | None:
        """The file as text; for a file over the size limit only its first METADATA_LIMIT bytes.

        An oversize file is never skipped whole: its frontmatter (or sidecar) decides its
        label and who it is shared with, so the TLP checks must see it. Only the body is skipped.
        """
        raw = self.read_bytes(entry, head=True)
        if raw is None:
            return None
        text, problem = _decode(raw, entry.path)
        if problem:
            self.findings.append(problem)
        if text is None:  # not text: it could hold anything, so RED for output
            self.unloaded_tlp[entry.path] = tlpmod.Label.RED.value
        return text

    def oversize_finding(self, path: str, readable: bool) -> None:
        """Name an oversize file once: a warning when its metadata was read, an error when not."""
        kb = self.oversize.pop(path, None)
        if kb is None:
            return
        limit = self.config.max_file_size_kb
        if readable:
            self.finding("too-large", Severity.WARNING, path, None,
                         f"{kb} KB is over the limit of {limit} KB (max_file_size_kb in {CONFIG_FILE}): "
                         f"the frontmatter was read and checked, the body was skipped (TLP:RED in output)",
                         f"{kb} KB is meer dan de grens van {limit} KB (max_file_size_kb in {CONFIG_FILE}): "
                         f"de frontmatter is gelezen en gecontroleerd, de tekst overgeslagen (TLP:RED in uitvoer)")
        else:
            self.finding("too-large", Severity.ERROR, path, None,
                         f"{kb} KB is over the limit of {limit} KB (max_file_size_kb in {CONFIG_FILE}) and its "
                         f"frontmatter does not end within the first {METADATA_LIMIT // 1024} KB: not read",
                         f"{kb} KB is meer dan de grens van {limit} KB (max_file_size_kb in {CONFIG_FILE}) en de "
                         f"frontmatter eindigt niet binnen de eerste {METADATA_LIMIT // 1024} KB: niet gelezen")

    def mapped_type(self, path: str) -> tuple[str, Mapping[str, Any]] | None:
        for mapping in self.config.types:
            if glob_match(mapping.glob, path):
                return mapping.type, mapping.defaults
        return None

    # -- documents ---------------------------------------------------------------------------
    def load_markdown(self, entry: SourceEntry) -> None:
        mapped = self.mapped_type(entry.path)
        text = self.read_text(entry)
        if text is None:
            return
        # Windows and old Mac line ends: a CR-only file was passed over as "no frontmatter".
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        meta: dict[str, Any] = {}
        source: YamlData | None = None  # made below only for a file without frontmatter
        body, body_line = text, 1
        oversize = entry.path in self.oversize
        if _HANDLER.detect(text):
            try:
                fm, content = _HANDLER.split(text)
            except ValueError:
                if oversize:
                    self.oversize_finding(entry.path, readable=False)
                    return
                if mapped is None and "type:" not in text[:2000]:
                    return
                self.finding("frontmatter", Severity.ERROR, entry.path, 1,
                             "the frontmatter opened with --- on line 1 is never closed (close it with --- or ...)",
                             "de frontmatter die op regel 1 met --- begint wordt nooit afgesloten (sluit af met --- of ...)")
                return
            body_line = fm.count("\n") + 2
            body = content[1:] if content.startswith("\n") else content
            if oversize:
                body = ""  # only the head was read: the body is skipped, and the output label is RED
                self.oversize_finding(entry.path, readable=True)
            try:
                source = load_yaml(fm, first_line=1, aliases=False)
            except YamlError as exc:
                self.finding("yaml-syntax", Severity.ERROR, entry.path, exc.line,
                             f"frontmatter: {exc.message}", f"frontmatter: {exc.message_nl}")
                sniffed = DECLARED_TYPE.search(fm)
                if sniffed:
                    self.unreadable_types[entry.path] = sniffed[1]
                # An oversize file's body was not read: RED stays (the sniffed label may be lower).
                sniffed_label = _sniffed_label(fm, body, body_line)
                self.unloaded_tlp[entry.path] = tlpmod.most_restrictive_value(
                    self.unloaded_tlp.get(entry.path), sniffed_label) or sniffed_label
                return
            if source.data is None:
                source.data = {}
            if not isinstance(source.data, dict):
                self.finding("frontmatter", Severity.ERROR, entry.path, 2,
                             "the frontmatter must be a mapping of fields (field: value)",
                             "de frontmatter moet een verzameling velden zijn (veld: waarde)")
                return
            meta = source.data
        elif oversize:
            if mapped is None:
                self.finding("too-large", Severity.WARNING, entry.path, None,
                             f"skipped: over the limit of {self.config.max_file_size_kb} KB (max_file_size_kb in "
                             f"{CONFIG_FILE}) and no frontmatter in its first {METADATA_LIMIT // 1024} KB",
                             f"overgeslagen: meer dan de grens van {self.config.max_file_size_kb} KB (max_file_size_kb "
                             f"in {CONFIG_FILE}) en geen frontmatter in de eerste {METADATA_LIMIT // 1024} KB")
                self.oversize.pop(entry.path, None)
                return
            body = ""
            self.oversize_finding(entry.path, readable=True)
        if "type" not in meta and mapped is None:
            if not meta and self.infer:
                guess = _guess_type(entry.path)
                if guess is not None:
                    self.load_inferred(entry, (guess.type, {}), text.encode("utf-8"), guessed=True)
            return  # not a document: the contract ignores files without a type
        if not meta and mapped is not None and self.infer:
            self.load_inferred(entry, mapped, text.encode("utf-8"))
            return
        self.add_document(entry.path, entry.path, meta, source if source is not None else YamlData({}), body,
                          body_line, mapped)

    def load_sidecar(self, entry: SourceEntry, described: str, exists: bool) -> None:
        text = self.read_text(entry)
        if text is None:
            return
        if entry.path in self.oversize:
            if entry.size > METADATA_LIMIT:
                self.oversize_finding(entry.path, readable=False)  # a sidecar is all metadata: half of it is none
                return
            del self.oversize[entry.path]  # read whole: over max_file_size_kb, within the metadata limit
            del self.unloaded_tlp[entry.path]
        try:
            source = load_yaml(text, aliases=False)
        except YamlError as exc:
            self.finding("yaml-syntax", Severity.ERROR, entry.path, exc.line, exc.message, exc.message_nl)
            self.unloaded_tlp[entry.path] = _sniffed_label(text, "", 1)
            return
        if not isinstance(source.data, dict):
            self.finding("frontmatter", Severity.ERROR, entry.path, 1,
                         "a sidecar must be a mapping of fields (field: value)",
                         "een sidecar moet een verzameling velden zijn (veld: waarde)")
            return
        if not exists:
            self.finding("sidecar-orphan", Severity.WARNING, entry.path, 1,
                         f"describes {described}, which is not in the repository",
                         f"beschrijft {described}, dat niet in de repository staat")
        self.add_document(described, entry.path, source.data, source, "", 1, self.mapped_type(described))

    def load_mapped(self, entry: SourceEntry, mapped: tuple[str, Mapping[str, Any]]) -> None:
        if self.infer and format_of(entry.path) is not None:
            data = self.read_bytes(entry)
            if data is not None:
                self.load_inferred(entry, mapped, data)
            return
        self.add_document(entry.path, entry.path, {}, YamlData({}), "", 1, mapped)

    def read_bytes(self, entry: SourceEntry, head: bool = False) -> bytes | None:
        """The file's bytes; over the size limit, with `head`, its first METADATA_LIMIT bytes (frontmatter).

        A file that cannot be read, or is read only in part, is RED for output: it could hold anything.
        """
        oversize = entry.size > self.limit
        if oversize and not head:  # a Word or PDF file is read whole or not at all
            kb = entry.size // 1024
            self.finding(
                "too-large", Severity.WARNING, entry.path, None,
                f"skipped: {kb} KB is over the limit of {self.config.max_file_size_kb} KB (max_file_size_kb in {CONFIG_FILE})",
                f"overgeslagen: {kb} KB is meer dan de grens van {self.config.max_file_size_kb} KB (max_file_size_kb in {CONFIG_FILE})",
            )
            self.unloaded_tlp[entry.path] = tlpmod.Label.RED.value
            return None
        try:
            raw = self.prefetched.pop(entry.path, None)
            if oversize:
                read_head = getattr(self.source, "read_head", None)
                raw = read_head(entry.path, METADATA_LIMIT) if read_head else self.source.read(entry.path)[:METADATA_LIMIT]
                raw = raw[:raw.rfind(b"\n") + 1]  # a whole last line: no character cut in two
                self.oversize[entry.path] = entry.size // 1024
                self.unloaded_tlp[entry.path] = tlpmod.Label.RED.value
            return raw if raw is not None else self.source.read(entry.path)
        except (OSError, GitError) as exc:
            why = getattr(exc, "strerror", None) or exc
            self.finding("unreadable", Severity.ERROR, entry.path, None,
                         f"cannot be read: {why}", f"kan niet gelezen worden: {why}")
            self.unloaded_tlp[entry.path] = tlpmod.Label.RED.value
            return None

    def load_inferred(self, entry: SourceEntry, mapped: tuple[str, Mapping[str, Any]], data: bytes,
                      guessed: bool = False) -> None:
        """A file without frontmatter or sidecar: read its text and infer its fields (isaccheck.infer).

        Values set on the `types:` glob win over inferred ones, except the label: the most
        restrictive of the glob's and the text's counts (TLP fails closed).
        """
        from .infer import cache as infercache

        path = entry.path
        doc_type, defaults = mapped
        version = self.label_version
        # From a git tree, git has already named the content: no hashing of the bytes for the caches.
        blob_id = getattr(self.source, "blob_id", None)
        oid = blob_id(path) if blob_id is not None else None
        cache_key = infercache.key(content_id(data, oid), path, doc_type, version, self.matcher_input)
        found = infercache.load(self.infer_cache, cache_key)
        if found is None:
            found, readable = self.infer_text(path, doc_type, data, version, oid)
            if readable:  # a read problem is not cached: it has to be named again on every run
                infercache.store(self.infer_cache, cache_key, found)
        self.add_inferred(entry, path, doc_type, defaults, found, guessed)

    def infer_text(self, path: str, doc_type: str, data: bytes, version: str, blob_id: str | None = None
                   ) -> tuple[list[infermod.InferredDocument], bool]:
        """The documents inferred from the file's text, and whether the text could be read."""
        from . import infer as infermod

        structured = read_document(path, data, blob_id=blob_id, repo_root=self.repo_root)
        if isinstance(structured, ReadProblem):
            # The file still is a document of its type (the glob or its path says so); only what
            # its text would have told is missing.
            line = structured.location.line if structured.location else None
            self.finding(f"read-{structured.code}", Severity.WARNING, path, line,
                         structured.message_en.removeprefix(f"{path}: ") + "; counted with what its path and "
                         f"{CONFIG_FILE} say",
                         structured.message_nl.removeprefix(f"{path}: ") + "; meegeteld met wat het pad en "
                         f"{CONFIG_FILE} zeggen")
            empty = StructuredDocument(path, format_of(path) or "text", ())
            return infermod.infer_document(empty, doc_type, self.matcher, tlp_version=version), False
        return infermod.infer_document(structured, doc_type, self.matcher, tlp_version=version), True

    def add_inferred(self, entry: SourceEntry, path: str, doc_type: str, defaults: Mapping[str, Any],
                     found: list[infermod.InferredDocument], guessed: bool) -> None:
        from . import infer as infermod

        for inferred in found:
            for note in inferred.notes:
                # Without a line (Word, PDF) the place goes into the message: "page 2: ...".
                placed = note.location is not None and note.location.line is None
                en = f"{infermod.describe(note.location, 'en')}: {note.en}" if placed else note.en
                nl = f"{infermod.describe(note.location, 'nl')}: {note.nl}" if placed else note.nl
                self.finding(f"infer-{note.code}", Severity(note.severity), path,
                             note.location.line if note.location else None, en, nl)
            values = inferred.values()
            meta: dict[str, Any] = {**values, **{k: v for k, v in defaults.items()}}
            meta["type"] = inferred.type
            provenance = {name: _where(value.location, (value.how_en, value.how_nl))
                          for name, value in inferred.fields.items() if name not in defaults}
            declared_only = False
            if "tlp" in defaults and "tlp" in values:
                try:
                    glob_label = tlpmod.parse_label(str(defaults["tlp"])).label
                    text_label = tlpmod.Label(values["tlp"])
                except (tlpmod.TlpError, ValueError):
                    pass
                else:
                    if text_label.rank > glob_label.rank:
                        meta["tlp"] = text_label.value
                        provenance["tlp"] = _where(inferred.fields["tlp"].location,
                                                   (inferred.fields["tlp"].how_en, inferred.fields["tlp"].how_nl))
            elif "tlp" in defaults:
                declared_only = True
            if guessed:
                provenance["type"] = Text(f"{doc_type}, guessed from the path", f"{doc_type}, geraden uit het pad")
            if "date" not in meta:
                self.finding("infer-no-date", Severity.WARNING, path, None,
                             f"no date found for this {inferred.type} (no date line, date heading, date in the file "
                             f"name or year folder); add a sidecar {path}{SIDECAR_SUFFIX} with `date:`",
                             f"geen datum gevonden voor dit document ({inferred.type}) (geen datumregel, datumkop, "
                             f"datum in de bestandsnaam of jaarmap); voeg een sidecar {path}{SIDECAR_SUFFIX} toe met `date:`")
            lines = {name: v.location.line for name, v in inferred.fields.items()
                     if v.location is not None and v.location.line is not None and name not in defaults}
            self.add_document(path, path, meta, YamlData(meta, lines), "", 1, None, inferred=provenance,
                              tlp_declared_only=declared_only, part=inferred.part)

    def name_uncounted(self, entry: SourceEntry) -> None:
        """A Word/PDF/HTML file that is no document: say so (isaccheck adopt shows what it would infer)."""
        self.finding("not-a-document", Severity.INFO, entry.path, None,
                     "not counted: no sidecar, no `types:` glob in isaccheck.yaml and no type guessed from its path "
                     "(`isaccheck adopt` shows what would be inferred)",
                     "niet meegeteld: geen sidecar, geen `types:`-glob in isaccheck.yaml en geen type geraden uit het "
                     "pad (`isaccheck adopt` laat zien wat zou worden afgeleid)")

    def add_document(self, path: str, meta_path: str, meta: dict[str, Any], source: YamlData,
                     body: str, body_line: int, mapped: tuple[str, Mapping[str, Any]] | None,
                     inferred: Mapping[str, Text] | None = None, tlp_declared_only: bool = False,
                     part: str | None = None) -> None:
        for key in DATE_FIELDS:
            plain = source.plain_scalars.get(key)
            if plain is None or ":" not in str(plain):
                continue  # _SITE_TIMESTAMP needs a time (its ':'): a plain date or no field is left as it is
            stamp = _SITE_TIMESTAMP.fullmatch(str(plain).strip())
            if stamp and isinstance(meta.get(key), str):
                meta = {**meta, key: stamp[1]}
        if mapped is not None and "tlp" in mapped[1] and "tlp" not in meta:
            # The label comes from the `types:` glob: it protects output, but it is declared, not
            # used, unless the text itself carries a marking for the whole document.
            whole = [m for m in tlpmod.find_markings(body, first_line=body_line) if m.position in ("top", "bottom", "classification")]
            tlp_declared_only = not whole
        if mapped is not None:
            mapped_type, defaults = mapped
            meta = {**{k: v for k, v in defaults.items()}, **meta}
            meta.setdefault("type", mapped_type)
        doc_type = meta.get("type")
        type_line = source.lines.get("type", 1)
        if not isinstance(doc_type, str) or doc_type not in self.known_types:
            shown = str(doc_type)
            # No type name is long: a long value gets no comparison letter by letter and is shortened.
            import difflib  # only for an unknown type

            close = difflib.get_close_matches(shown, sorted(self.known_types), n=1) if len(shown) <= 64 else []
            doc_type = shown if len(shown) <= 64 else shown[:60] + "..."
            hint_en = f"; did you mean `{close[0]}`?" if close else f"; known types: {', '.join(sorted(self.known_types))}"
            hint_nl = f"; bedoel je `{close[0]}`?" if close else f"; bekende types: {', '.join(sorted(self.known_types))}"
            self.finding("unknown-type", Severity.ERROR, meta_path, type_line,
                         f"unknown document type `{doc_type}`{hint_en}", f"onbekend documenttype `{doc_type}`{hint_nl}",
                         "type")
            label = tlpmod.most_restrictive_value(self.unloaded_tlp.get(meta_path), _label_of_meta(meta, body, body_line))
            if label is not None:
                self.unloaded_tlp[meta_path] = label
            return
        meta = normalise_enums(inlined_schema(doc_type), meta)  # Dutch values read as the contract's
        errors = schema_errors(doc_type, meta)
        if doc_type == "self-assessment":
            # One bad answer drops that answer only, never the whole self-assessment.
            dropped = [e for e in errors if _one_answer(e)]
            errors = [e for e in errors if not _one_answer(e)]
            self.findings.extend(replace(
                f, code="answer-dropped", severity=Severity.WARNING,
                message=Text(f"{f.message.en}; this answer is not counted", f"{f.message.nl}; dit antwoord telt niet"))
                for f in schema_findings(dropped, source, meta_path, type_line))
        problems = schema_findings(errors, source, meta_path, type_line)
        self.findings.extend(problems)
        self.findings.extend(unknown_key_findings(inlined_schema(doc_type), meta, source, meta_path, type_line))

        label, output_label, label_findings = self.document_tlp(meta_path, doc_type, meta, source, body, body_line)
        if inferred is not None:
            # There is no frontmatter to put `tlp:` in: say what works for a Word or PDF file.
            label_findings = [replace(f, message=Text(
                "this document needs a TLP label and none was found in its text (a marking such as TLP:AMBER "
                f"at the top, in the page header or footer, or a sidecar {path}{SIDECAR_SUFFIX} with `tlp:`)",
                "dit document heeft een TLP-label nodig en in de tekst staat er geen (een markering zoals TLP:AMBER "
                f"bovenaan, in de kop- of voettekst, of een sidecar {path}{SIDECAR_SUFFIX} met `tlp:`)"))
                if f.code == "tlp-missing" else f for f in label_findings]
        self.findings.extend(label_findings)

        date = parse_date(meta.get("date")) or parse_date(meta.get("adopted_on")) or date_from_name(path)
        status = "draft" if meta.get("status") == "draft" else "adopted"
        sections = dict(sections_from_body(body)) if body else {}
        self.documents.append(
            Document(
                path=path,
                meta_path=meta_path,
                type=doc_type,
                meta=meta,
                body=body,
                body_line=body_line,
                lines=dict(source.lines),
                date=date,
                status=status,
                tlp=label,
                output_tlp=output_label,
                sections=sections,
                valid=not problems,
                inferred=dict(inferred or {}),
                tlp_declared_only=tlp_declared_only and label is not None,
            )
        )

    def document_tlp(self, path: str, doc_type: str, meta: Mapping[str, Any], source: YamlData,
                     body: str, body_line: int) -> tuple[str | None, str | None, list[Finding]]:
        """Normalise the document's label, check its markings and who it is shared with (tlp.py)."""
        version = self.label_version
        fallback_line = source.lines.get("tlp") or source.lines.get("type") or 1
        findings: list[Finding] = []
        front: tlpmod.Parsed | None = None
        raw = meta.get("tlp")
        if raw is not None:
            try:
                front = tlpmod.parse_label(raw, tlp_version=version)
            except tlpmod.TlpError as exc:
                findings.append(Finding("tlp-invalid", Severity.ERROR, path, fallback_line, exc.message, field="tlp"))
        markings = tlpmod.find_markings(body, first_line=body_line, tlp_version=version) if body else []
        problems = tlpmod.check_document_labels(front, markings, requires_label=doc_type in self.tlp_required)
        problems += tlpmod.deprecation_problems(front, markings, front_line=source.lines.get("tlp"))
        label = front.label if front else None
        if label is None:
            whole = [m.label for m in markings if m.label is not None and m.position in ("top", "bottom", "classification")]
            label = whole[0] if whole else None
        for problem in problems:
            severity = Severity(tlpmod.DEFAULT_SEVERITY.get(problem.code, "error"))
            message = problem.message
            if problem.code == "tlp-disagree" and label is not None:
                # Which label counted, and the two lines to choose between: the secretary fixes one.
                used, tlp_line = label.canonical, source.lines.get("tlp") or fallback_line
                message = Text(f"{message.en} isaccheck uses {used}; change the wrong one: line {tlp_line} "
                               f"(`tlp:`) or line {problem.line}.",
                               f"{message.nl} isaccheck gebruikt {used}; pas de verkeerde aan: regel {tlp_line} "
                               f"(`tlp:`) of regel {problem.line}.")
            findings.append(Finding(problem.code, severity, path, problem.line or fallback_line, message))
        if "roundtable" in meta:  # the only items item_labels reads
            findings.extend(self.item_labels(path, front, meta, source, any(p.code == "tlp-understated" for p in problems)))
        if label is not None:
            findings.extend(self.sharing_findings(path, label, meta, source, fallback_line))
        return (label.value if label else None), _output_label(label, markings, meta, refused=raw is not None and front is None), findings

    def item_labels(self, path: str, front: tlpmod.Parsed | None, meta: Mapping[str, Any], source: YamlData,
                    understated_already: bool) -> list[Finding]:
        """Labels on items in the frontmatter (the incident round's `roundtable[].tlp`)."""
        findings: list[Finding] = []
        items = meta.get("roundtable")
        for index, item in enumerate(items if isinstance(items, list) else []):
            raw = item.get("tlp") if isinstance(item, dict) else None
            if raw is None:
                continue
            line = source.lines.get(f"roundtable.{index}.tlp") or source.lines.get(f"roundtable.{index}")
            try:
                label = tlpmod.parse_label(raw).label
            except tlpmod.TlpError as exc:
                findings.append(Finding("tlp-invalid", Severity.ERROR, path, line, exc.message, field=f"roundtable.{index}.tlp"))
                continue
            # The entry records under which label something was said in the round, not the
            # information itself (TLP:RED in a meeting is spoken, not minuted): only an entry that
            # carries content of its own (a summary, details, ...) raises the document's label.
            carries_content = any(k not in ("category", "tlp") and not _empty(v) for k, v in item.items())
            if front is not None and label.rank > front.label.rank and carries_content and not understated_already:
                understated_already = True
                findings.append(Finding("tlp-understated", Severity.ERROR, path, line, Text(
                    f"the document is labelled {front.label.canonical} but an incident-round item is {label.canonical}: "
                    f"a document carries the label of its most restrictive content",
                    f"het document heeft label {front.label.canonical} maar een item in het rondje rood is {label.canonical}: "
                    f"een document draagt het label van de meest beperkende inhoud"), field=f"roundtable.{index}.tlp"))
        return findings

    def sharing_findings(self, path: str, label: tlpmod.Label, meta: Mapping[str, Any], source: YamlData,
                         fallback_line: int) -> list[Finding]:
        findings = []
        recipients = meta.get("shared_with")
        if isinstance(recipients, list):
            community = self.profile.isac.get("community")
            for message in tlpmod.check_sharing(
                label, [str(r) for r in recipients],
                participants={p.organisation for p in self.profile.participants},
                community=set(map(str, community)) if isinstance(community, list) else set(),
            ):
                findings.append(Finding("tlp-sharing", Severity.ERROR, path,
                                        source.lines.get("shared_with", fallback_line), message, field="shared_with"))
        published = self.config.tlp.get("published_paths") or []
        if any(glob_match(str(g), path) for g in published) and not tlpmod.published_must_be_clear(label):
            findings.append(Finding("tlp-published", Severity.ERROR, path, fallback_line, Text(
                f"published path, but labelled {label.canonical}: only TLP:CLEAR may be published",
                f"gepubliceerd pad, maar gelabeld {label.canonical}: alleen TLP:CLEAR mag worden gepubliceerd"), field="tlp"))
        return findings

    # -- the run cache -----------------------------------------------------------------------
    def blob_key(self, entry: SourceEntry) -> tuple[str, str] | None:
        """The file's content identity for the cache: its git blob id.

        From a commit, git names it; from a folder, it is computed the way git does, so the working
        tree's unchanged files share the entries of the year ends' blobs.
        """
        if entry.size > self.limit:
            # Read in part, and named again at the end of the walk (oversize_finding): never a hit.
            return None
        blob_id = getattr(self.source, "blob_id", None)
        if blob_id is not None:
            oid = blob_id(entry.path)
            if oid is not None:
                return ("blob", oid)
        assert self.cache is not None
        sha256 = getattr(self.source, "object_format", "sha1") == "sha256"  # the repository's blob ids
        known = self.cache.digest_of(entry.path, entry.stamp)
        if known is not None and len(known) == (64 if sha256 else 40):
            return ("blob", known)  # unchanged since an earlier run read it (its stamp): not read again
        raw = self.prefetched.get(entry.path)
        if raw is None:
            try:
                raw = self.prefetched[entry.path] = self.source.read(entry.path)
            except (OSError, GitError):
                return None  # read_text reports it
        digest = git_blob_id(raw, sha256=sha256)
        self.cache.stamped(entry.path, entry.stamp, digest)
        return ("blob", digest)

    def cached_key(self, entry: SourceEntry, how: str) -> tuple[str, ...] | None:
        if self.cache is None:
            return None
        content = self.blob_key(entry)
        return None if content is None else (entry.path, how, *content, self.fingerprint)

    def load_once(self, key: tuple[str, ...] | None, path: str, load: Callable[[], None]) -> None:
        """Run `load` for one file, or add what it added before for the same key."""
        if self.cache is None or key is None:
            self.unrepeatable += 1
            load()
            return
        if self.keys is not None:
            self.keys.append(key)
        hit = self.cache.files.get(key)
        self.cache.used.add(key)
        if hit is not None:
            self.cache.hits += 1
            self.prefetched.pop(path, None)
            self.add_loaded(path, hit)
            return
        self.cache.misses += 1
        documents, findings = len(self.documents), len(self.findings)
        load()
        self.cache.files[key] = Loaded(tuple(self.documents[documents:]), tuple(self.findings[findings:]),
                                       self.unreadable_types.get(path), self.unloaded_tlp.get(path))

    def add_loaded(self, path: str, hit: Loaded) -> None:
        """Add what loading the file at `path` added before (a hit of the run cache)."""
        self.documents.extend(hit.documents)
        self.findings.extend(hit.findings)
        if hit.unreadable_type is not None:
            self.unreadable_types[path] = hit.unreadable_type
        if hit.unloaded_tlp is not None:
            self.unloaded_tlp[path] = hit.unloaded_tlp

    # -- the walk ----------------------------------------------------------------------------
    def prefetch(self, entries: list[SourceEntry], paths: set[str], described: set[str],
                 reused: Mapping[str, Any] | None = None) -> None:
        """Ask for every file the walk will read in one go, when the source can (a git commit).

        From a git tree (stream_many) the request goes to git at once and each file is read from
        the pipe when the walk comes to it, so git inflates the next blobs while Python parses this
        one. Only a speed-up: on any failure the walk reads file by file, and each file that
        still cannot be read becomes its own finding. `paths` and `described`: the walk's (run()),
        so a file is asked for under the key the walk gives it. `reused`: files added again by
        their key (reusable), never read.
        """
        read_many = getattr(self.source, "stream_many", None) or getattr(self.source, "read_many", None)
        if read_many is None:
            return
        blob_ids = self.blob_ids()
        files = self.cache.files if self.cache is not None and blob_ids is not None else None
        blob_id = blob_ids or {}
        limit, fingerprint = self.limit, self.fingerprint
        wanted: list[str] = []
        for entry in entries:  # one pass: 5,000 files at each of 21 year ends of a history
            path = entry.path
            if entry.kind != "file" or entry.size > limit or (reused and path in reused):
                continue
            if path.endswith(SIDECAR_SUFFIX):
                how = self.ways(path, paths)[0]
            elif path.lower().endswith(".md") and path not in described:
                how = "markdown"
            else:
                continue
            # A blob loaded earlier in this run is not read again (the key cached_key gives load_once).
            if files is None or (path, how, "blob", blob_id.get(path), fingerprint) not in files:
                wanted.append(path)
        try:
            found = read_many(wanted)
            self.prefetched = found if isinstance(found, MutableMapping) else dict(found)
        except (OSError, GitError):
            self.prefetched = {}

    def blob_ids(self) -> Mapping[str, str] | None:
        """The source's readable paths and their git blob ids (GitTreeSource.blob_ids), or None: what
        blob_id() answers per path, as one mapping, for the walk's loops over a year end's files."""
        blob_ids = getattr(self.source, "blob_ids", None)
        return blob_ids() if blob_ids is not None else None

    @staticmethod
    def ways(path: str, paths: set[str]) -> tuple[str, ...]:
        """How a file is loaded, as part of its cache key (a sidecar depends on its file's existence)."""
        if path.endswith(SIDECAR_SUFFIX):
            return ("sidecar" if path[: -len(SIDECAR_SUFFIX)] in paths else "orphan-sidecar",)
        return ("markdown",)

    def run(self, entries: list[SourceEntry], only: frozenset[str] | None = None) -> None:
        plan = self.replay_plan(entries) if only is None else None
        fresh = entries if plan is None else plan.fresh
        paths = {e.path for e in fresh}  # what the walk asks of it is folder-local (a sidecar and its file)
        # The files a sidecar describes (read through it): one set per walk, for reusable and prefetch,
        # where each made its own (and asking for `path + SIDECAR_SUFFIX` made a string per file).
        described = {p[:-len(SIDECAR_SUFFIX)] for p in paths if p.endswith(SIDECAR_SUFFIX)}
        ignore, templates = self.config.ignore, self.config.templates
        # Without such globs, no empty generator per file and year end.
        ignored = {e.path for e in fresh if any(glob_match(pattern, e.path) for pattern in ignore)} if ignore else set()
        self.ignored = sorted(p for p in ignored if (only is None or p in only) and p not in (PROFILE_FILE, CONFIG_FILE))
        self.templates = sorted(e.path for e in fresh if e.kind == "file" and e.path not in ignored
                                and (only is None or e.path in only)
                                and any(glob_match(pattern, e.path) for pattern in templates)) if templates else []
        ignored |= set(self.templates)
        reused = self.reusable(fresh, paths, described) if plan is not None else {}
        self.prefetch([e for e in fresh if e.path not in ignored and e.path not in (PROFILE_FILE, CONFIG_FILE)],
                      paths, described, reused)
        if plan is None:
            if self.cache is not None and only is None:
                self.cache.walked = {}  # none of them is this listing's: not kept (memory bounded)
                self.cache.last_keys = {}
            for entry in entries:
                if only is None or entry.path in only:
                    self.walk(entry, paths, ignored)
        else:
            self.replaying(entries, plan, paths, ignored, reused)
        for path in sorted(self.oversize):  # read, but stopped early (a frontmatter YAML error): still named
            self.oversize_finding(path, readable=True)
        self.same_meetings()
        self.unused_globs(entries)

    def walk(self, entry: SourceEntry, paths: set[str], ignored: set[str]) -> None:
        """Load one entry of the listing: a document, a finding, or nothing (not a document)."""
        path = entry.path
        if path in (PROFILE_FILE, CONFIG_FILE):
            return
        if path in ignored:
            return
        if not valid_path(path):
            if entry.kind != "other" and (path.endswith(SIDECAR_SUFFIX) or path.lower().endswith(".md")
                                          or self.mapped_type(path) is not None):
                self.finding("file-name", Severity.ERROR, printable_path(path), None,
                             "the file name is not UTF-8 text or holds control characters; not read (rename it)",
                             "de bestandsnaam is geen UTF-8-tekst of bevat stuurtekens; niet gelezen (hernoem het)",
                             real_path=path)
            return
        if entry.kind == "symlink-outside":
            self.finding("symlink-outside", Severity.ERROR, path, None,
                         "symbolic link pointing outside the repository; not followed",
                         "symbolische link naar buiten de repository; niet gevolgd")
            return
        if entry.kind == "symlink-broken":
            self.finding("symlink-broken", Severity.WARNING, path, None,
                         "symbolic link to nothing (or a loop of links); skipped",
                         "symbolische link naar niets (of een kring van links); overgeslagen")
            return
        if entry.kind != "file":
            if path.endswith(SIDECAR_SUFFIX) or path.lower().endswith(".md") or self.mapped_type(path):
                # A FIFO, socket or device named like a document: reading it could hang the run.
                self.finding("not-a-file", Severity.WARNING, path, None,
                             "not a regular file (a FIFO, socket, device or linked folder); not read",
                             "geen gewoon bestand (een FIFO, socket, apparaat of gelinkte map); niet gelezen")
            return
        if path.endswith(SIDECAR_SUFFIX):
            described = path[: -len(SIDECAR_SUFFIX)]
            exists = described in paths
            self.load_once(self.cached_key(entry, self.ways(path, paths)[0]), path,
                           lambda: self.load_sidecar(entry, described, exists))
        elif path.lower().endswith(".md"):
            if path + SIDECAR_SUFFIX in paths:
                return
            self.load_once(self.cached_key(entry, "markdown"), path, lambda: self.load_markdown(entry))
        elif path + SIDECAR_SUFFIX not in paths:
            mapped = self.mapped_type(path)
            if mapped is not None:
                self.unrepeatable += 1  # loaded outside the run cache (Word, PDF: their own caches)
                self.load_mapped(entry, mapped)
                return
            guess = _guess_type(path) if self.infer and format_of(path) is not None else None
            if guess is not None:
                self.unrepeatable += 1
                data = self.read_bytes(entry)
                if data is not None:
                    self.load_inferred(entry, (guess.type, {}), data, guessed=True)
            elif posixpath.splitext(path)[1].lower() in NAMED_WHEN_NOT_COUNTED:
                self.name_uncounted(entry)

    # -- a file or a folder walked before, added again -----------------------------------------
    def reusable(self, fresh: list[SourceEntry], paths: set[str], described: set[str]
                 ) -> dict[str, tuple[tuple[Any, ...], Loaded]]:
        """The files of changed folders that the walk would find in the run cache under the key
        their path used at the last year end: path -> (key, what loading it added). Each is added
        with that one lookup instead of walked (replaying), as a hit of load_once would add it.

        The key (path, how, "blob", blob id, fingerprint) that walk() and cached_key() give a file
        depends on its path (settings files, `ignore`, `templates`, an invalid name, Markdown or
        sidecar: never load_once), its kind and size (a regular file is one with a blob id; the size
        is the blob's, the limit in the fingerprint), its blob id, the fingerprint, and one thing
        outside itself: whether its sidecar exists (Markdown) or the file it describes (a sidecar).
        So the last key holds now when its blob id and fingerprint are today's and the sidecar's or
        described file's presence says the same `how`. Anything else walks the plain way.
        """
        assert self.cache is not None
        last = self.cache.last_keys
        if not REUSE_FILES or not last:
            return {}
        blob_id = self.blob_ids()
        if blob_id is None:
            return {}
        files, fingerprint = self.cache.files, self.fingerprint
        found: dict[str, tuple[tuple[Any, ...], Loaded]] = {}
        for entry in fresh:
            path = entry.path
            key = last.get(path)
            if key is None or key[3] != blob_id.get(path) or key[4] != fingerprint:
                continue
            if key[1] == "markdown":
                if path in described:
                    continue  # a sidecar came: the file is read through it now
            elif key[1] != self.ways(path, paths)[0]:
                continue  # a sidecar whose file came or went
            loaded = files.get(key)
            if loaded is not None:
                found[path] = (key, loaded)
        return found

    def replay_plan(self, entries: list[SourceEntry]) -> _ReplayPlan | None:
        """Which of the listing's git folders were walked before in this run and are replayed whole,
        and which are walked and recorded; None: the plain way (no run cache, not a git tree
        listed folder by folder, or REPLAY off).

        A folder's outcome depends on its files (its path and tree id fix every path, kind, size and
        blob below it), on what every file's loading depends on (self.fingerprint: isaccheck.yaml
        with its ignore, templates and types globs and size limit, the profile's TLP version,
        participants and community, the types that need a label, inference on or off) and on
        nothing else: the walk asks only a file's own folder (its sidecar or described file).
        """
        subtrees = getattr(self.source, "subtrees", None)
        if not REPLAY or self.cache is None or subtrees is None:
            return None
        folders = subtrees()
        if folders is None:
            return None
        at = dict(zip(map(id, entries), itertools.count()))  # each listed entry's place
        walked = self.cache.walked
        plan = _ReplayPlan()
        covered = 0  # entries before this are inside a replayed folder
        gaps: list[SourceEntry] = []
        for folder in folders:
            key = (folder.path, folder.oid, self.fingerprint)
            plan.keys.add(key)  # kept for the next year end, also when inside a replayed folder
            if not folder.entries:
                continue
            start = at.get(id(folder.entries[0]))
            if start is None or start < covered:
                continue  # inside a replayed folder, or not this listing's (then neither is its end)
            end = start + len(folder.entries)
            if entries[end - 1] is not folder.entries[-1]:
                continue  # not the folder's entries, whole: walked file by file
            done = walked.get(key)
            if done is not None:
                gaps.extend(entries[covered:start])
                plan.replays[start] = (end, done)
                covered = end
            else:
                plan.recorded.append((start, end, folder.path, key))
        gaps.extend(entries[covered:])
        plan.fresh = gaps
        return plan

    def replaying(self, entries: list[SourceEntry], plan: _ReplayPlan, paths: set[str], ignored: set[str],
                  reused: Mapping[str, tuple[tuple[Any, ...], Loaded]]) -> None:
        """The walk with folders replayed (replay_plan): the entries between them walked as the plain
        way does, or added again by their key (reusable), each fresh folder's outcome recorded (unless
        a file in it was loaded outside the run cache: Word, PDF, oversize, unreadable), in the
        listing's order throughout."""
        assert self.cache is not None
        cache = self.cache
        starts: dict[int, list[tuple[int, str, tuple[Any, ...]]]] = {}
        ends: dict[int, list[tuple[int, str, tuple[Any, ...]]]] = {}
        for start, end, folder, key in plan.recorded:
            starts.setdefault(start, []).append((end, folder, key))
            ends.setdefault(end, []).append((start, folder, key))
        marks: dict[tuple[Any, ...], tuple[int, int, int, int, int, int]] = {}
        # Replayed folders' ignored files and templates are part of the sorted lists from the start.
        replayed_ignored = [p for _, done in plan.replays.values() for p in done.ignored]
        replayed_templates = [p for _, done in plan.replays.values() for p in done.templates]
        if replayed_ignored:
            self.ignored = sorted([*self.ignored, *replayed_ignored])
        if replayed_templates:
            self.templates = sorted([*self.templates, *replayed_templates])
        self.keys = []  # the run-cache keys used, in order: what a recorded folder replays
        bounds = sorted({*starts, *ends, *plan.replays, *(end for end, _ in plan.replays.values()), len(entries)})
        at = 0
        walked = reuses = 0
        for bound in bounds:
            if bound < at:
                continue  # inside a replayed folder
            if reused:
                reuses += self.walk_reusing(entries[at:bound], paths, ignored, reused)
            else:
                for entry in entries[at:bound]:
                    self.walk(entry, paths, ignored)
            walked += bound - at
            at = bound
            for start, folder, key in ends.get(bound, ()):
                self.record(key, folder, bound - start, marks.pop(key))
            for _, folder, key in starts.get(bound, ()):
                marks[key] = (len(self.documents), len(self.findings), len(self.keys), self.unrepeatable,
                              len(self.unreadable_types), len(self.unloaded_tlp))
            replay = plan.replays.get(bound)
            if replay is not None:
                at, done = replay
                self.documents.extend(done.documents)
                self.findings.extend(done.findings)
                self.unreadable_types.update(done.unreadable_types)
                self.unloaded_tlp.update(done.unloaded_tlp)
                self.keys.extend(done.keys)
                cache.used.update(done.keys)
                cache.hits += len(done.keys)  # each a hit of the plain way, whose first walk stored it
                cache.files_replayed += done.files
        cache.files_walked += walked - reuses
        cache.files_reused += reuses
        # Only this listing's folders are kept (the next year end shares most of them), and the key
        # of each of its files loaded through the run cache, by path (a key's first item).
        cache.walked = {key: cache.walked[key] for key in plan.keys if key in cache.walked}
        cache.last_keys = dict(zip(map(itemgetter(0), self.keys), self.keys))
        self.keys = None

    def walk_reusing(self, entries: list[SourceEntry], paths: set[str], ignored: set[str],
                     reused: Mapping[str, tuple[tuple[Any, ...], Loaded]]) -> int:
        """walk() each entry, but add a reusable file (reusable) as load_once adds a hit, without its
        checks and key; how many were so added. Its bytes were never asked for (prefetch skipped it),
        and its key is in `cache.used` already: the year end that gave it used it."""
        assert self.cache is not None and self.keys is not None
        keys = self.keys
        count = 0
        for entry in entries:
            found = reused.get(entry.path)
            if found is None:
                self.walk(entry, paths, ignored)
                continue
            key, hit = found
            keys.append(key)
            self.add_loaded(entry.path, hit)
            count += 1
        self.cache.hits += count
        return count

    def record(self, key: tuple[Any, ...], folder: str, count: int, mark: tuple[int, int, int, int, int, int]) -> None:
        """Remember what walking a folder added, to replay it where the same folder comes again."""
        documents, findings, keys, unrepeatable, unreadable, unloaded = mark
        assert self.cache is not None and self.keys is not None
        if self.unrepeatable != unrepeatable:
            return
        # A file's type and label are set while its own path is walked (load_once's Loaded), never
        # removed but for an oversize file (not recorded): the folder's are the ones added since its start.
        self.cache.walked[key] = _Walked(
            tuple(self.documents[documents:]), tuple(self.findings[findings:]),
            dict(itertools.islice(self.unreadable_types.items(), unreadable, None)),
            dict(itertools.islice(self.unloaded_tlp.items(), unloaded, None)),
            tuple(self.keys[keys:]), _below(self.ignored, folder), _below(self.templates, folder), count)

    def unused_globs(self, entries: list[SourceEntry]) -> None:
        """A `types:` glob that matches no file is most likely mistyped: say so."""
        for index, mapping in enumerate(self.config.types):
            if not any(glob_match(mapping.glob, e.path) for e in entries if e.kind == "file"):
                self.finding("glob-unused", Severity.WARNING, CONFIG_FILE, self.config.lines.get(f"types.{index}.glob"),
                             f"types: the glob `{mapping.glob}` ({mapping.type}) matches no file",
                             f"types: de glob `{mapping.glob}` ({mapping.type}) past op geen enkel bestand")

    def same_meetings(self) -> None:
        """The same meeting in two files (its own minutes and a yearly notes file) counts once: say which."""
        # Only a document read from its text makes a finding here: without one (a repository of
        # contract documents, the common case), nothing to walk. Once per year end of `history`.
        if not any(map(attrgetter("inferred"), self.documents)):
            return
        seen: dict[tuple[str, dt.date], Document] = {}
        for doc in self.documents:
            if doc.type != "minutes" or doc.date is None or not doc.adopted:
                continue
            first = seen.setdefault((doc.type, doc.date), doc)
            if first is not doc and first.path != doc.path and (first.inferred or doc.inferred):
                self.finding("same-meeting", Severity.INFO, doc.path, doc.line_of("date"),
                             f"the meeting of {doc.date} is also in {first.path}; counted once",
                             f"de bijeenkomst van {doc.date} staat ook in {first.path}; één keer geteld")


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, dict)) and not value)


def _one_answer(error: Any) -> bool:
    """A schema error inside one self-assessment answer (or a question id that is not one)."""
    path = list(error.absolute_path)
    return bool(path) and path[0] == "answers" and (len(path) >= 2 or "propertyNames" in error.schema_path)


DEFAULT_TLP_REQUIRED = frozenset({"minutes", "agenda", "shared-information", "situational-picture", "self-assessment"})


def _participants(data: Mapping[str, Any], lines: Mapping[str, int]) -> tuple[Participant, ...]:
    found = []
    raw = data.get("participants")
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict) or not item.get("organisation"):
            continue
        found.append(
            Participant(
                organisation=str(item["organisation"]),
                joined=parse_date(item.get("joined")),
                left=parse_date(item.get("left")),
                data=item,
                line=lines.get(f"participants.{index}"),
            )
        )
    return tuple(found)


def load_profile(text: str) -> tuple[Profile, list[Finding]]:
    try:
        loaded = load_yaml(text)
    except YamlError as exc:
        raise ConfigError(exc.message, PROFILE_FILE, exc.line, message_nl=exc.message_nl) from None
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get("isac"), dict):
        raise ConfigError("must be a mapping with an `isac:` section (see docs/contract.md)", PROFILE_FILE, 1,
                          message_nl="moet een verzameling velden zijn met een `isac:`-sectie (zie docs/contract.md)")
    data = normalise_enums(inlined_schema("isac"), data)  # Dutch values read as the contract's
    errors = schema_errors("isac", data)
    findings = schema_findings(errors, loaded, PROFILE_FILE, 1)
    findings += unknown_key_findings(inlined_schema("isac"), data, loaded, PROFILE_FILE, 1)
    return Profile(data=data, lines=dict(loaded.lines), participants=_participants(data, loaded.lines)), findings


def selection(paths: Iterable[str]) -> frozenset[str]:
    """The paths to load for `isaccheck validate`: the given ones with their sidecar or described file."""
    wanted = set(paths)
    wanted |= {p + SIDECAR_SUFFIX for p in wanted if not p.endswith(SIDECAR_SUFFIX)}
    wanted |= {p[: -len(SIDECAR_SUFFIX)] for p in wanted if p.endswith(SIDECAR_SUFFIX)}
    return frozenset(wanted)


# `--no-infer` (every command that loads a repository): only frontmatter, sidecars and globs count,
# as before isaccheck read document text. A context variable, because check, report, history,
# tlp and validate all reach load_repository through different paths.
INFER: ContextVar[bool] = ContextVar("isaccheck_infer", default=True)


def load_repository(source: Source, tlp_required: frozenset[str] | None = None,
                    config: Config | None = None, only: frozenset[str] | None = None,
                    entries: list[SourceEntry] | None = None, infer: bool | None = None,
                    cache: LoadCache | None = None, by_path: Mapping[str, SourceEntry] | None = None) -> Repository:
    """Read everything; tlp_required is the rule pack's list of types that must carry a label.

    With `only` (see selection()), only those files are read as documents, and the profile's own
    findings are kept only when isac.yaml is among them: the fast path of `isaccheck validate`.
    `entries`: the source's listing when the caller already has it (listing a tree is not free),
    `by_path`: the same by path, when the caller made that too.
    `cache`: files loaded earlier in this run (history, the report's trend) are not loaded again.
    """
    if entries is None:
        entries = list(source.entries())
    if by_path is None:
        by_path = {e.path: e for e in entries}
    if config is None:
        config = parsed_settings(source, by_path, CONFIG_FILE, parse_config, cache)
    if PROFILE_FILE not in by_path:
        raise ConfigError(
            f"no {PROFILE_FILE} found in {source.label}: this is not an ISAC repository "
            f"(point isaccheck at the folder that holds it)",
            message_nl=f"geen {PROFILE_FILE} gevonden in {source.label}: dit is geen ISAC-repository "
                       f"(wijs isaccheck de map aan waarin het staat)",
        )
    profile, profile_findings = parsed_settings(source, by_path, PROFILE_FILE, _profile_of, cache)
    loader = _Loader(source, config, profile, tlp_required, infer=INFER.get() if infer is None else infer,
                     cache=cache)
    if only is None or PROFILE_FILE in only:
        loader.findings.extend(profile_findings)
    loader.run(entries, only)
    documents = tuple(sorted(loader.documents, key=attrgetter("path")))
    return Repository(
        label=source.label,
        profile=profile,
        config=config,
        documents=documents,
        findings=tuple(sorted(set(loader.findings), key=Finding.sort_key)),
        paths=frozenset(by_path),
        unreadable_types=dict(loader.unreadable_types),
        templates=tuple(loader.templates),
        ignored=tuple(loader.ignored),
        unloaded_tlp=dict(loader.unloaded_tlp),
    )


def _profile_of(text: str | None) -> tuple[Profile, tuple[Finding, ...]]:
    assert text is not None  # load_repository asks only when isac.yaml is listed: then it is text or an error
    profile, findings = load_profile(text)
    return profile, tuple(findings)


_Parsed = TypeVar("_Parsed")


def parsed_settings(source: Source, by_path: Mapping[str, SourceEntry], path: str,
                    parse: Callable[[str | None], _Parsed], cache: LoadCache | None) -> _Parsed:
    """parse(settings_text(source, by_path, path)), once per blob of a command: history's year ends
    and the report's trend mostly share isac.yaml and isaccheck.yaml, which were read from git and
    parsed (isac.yaml validated too) at every year end. Only a regular file with a git blob id (a
    commit's tree) is remembered, by path and blob id, and only when it parsed: a settings file that
    cannot be read or parsed raises its ConfigError again at every year end that has it, as before."""
    entry = by_path.get(path)
    blob_id = getattr(source, "blob_id", None) if cache is not None and entry is not None and entry.kind == "file" else None
    oid = blob_id(path) if blob_id is not None else None
    if cache is None or oid is None or not SETTINGS_ONCE:
        return parse(settings_text(source, by_path, path))
    key = (path, oid)
    if key in cache.settings:
        cache.settings_reused += 1
        found: _Parsed = cache.settings[key]
        return found
    parsed = cache.settings[key] = parse(settings_text(source, by_path, path))
    return parsed


_NOT_A_FILE = {
    "symlink-outside": "is a symbolic link pointing outside the repository; refused",
    "symlink-broken": "is a symbolic link to nothing (or a loop of links)",
    "other": "is not a regular file",
}
_NOT_A_FILE_NL = {
    "symlink-outside": "is een symbolische koppeling naar buiten de repository; geweigerd",
    "symlink-broken": "is een symbolische koppeling naar niets (of een kring van koppelingen)",
    "other": "is geen gewoon bestand",
}


def settings_text(source: Source, by_path: Mapping[str, SourceEntry], path: str) -> str | None:
    """The text of isac.yaml or isaccheck.yaml (None when absent); anything else is a ConfigError.

    The one way both files are read, so a link that leaves the repository, a FIFO, an unreadable
    file or bytes that are not UTF-8 all give the same clear configuration error.
    """
    entry = by_path.get(path)
    if entry is None:
        return None
    if entry.kind != "file":
        raise ConfigError(_NOT_A_FILE.get(entry.kind, "is not a regular file"), path,
                          message_nl=_NOT_A_FILE_NL.get(entry.kind, "is geen gewoon bestand"))
    return read_settings_file(source, path)


def read_settings_file(source: Source, path: str) -> str:
    """A file isaccheck needs in order to run at all (settings, a rule file) as text, or a ConfigError."""
    try:
        raw = source.read(path)
    except (OSError, GitError) as exc:
        why = getattr(exc, "strerror", None) or exc
        raise ConfigError(f"cannot be read: {why}", path, message_nl=f"kan niet gelezen worden: {why}") from None
    text, problem = _decode(raw, path)
    if problem is not None or text is None:
        raise ConfigError(problem.message.en if problem else "cannot be read", path, problem.line if problem else None,
                          message_nl=problem.message.nl if problem else "kan niet gelezen worden")
    return text
