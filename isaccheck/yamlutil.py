"""Safe YAML reading that remembers where every field came from.

Data from a checked repository is untrusted: only the safe loader is used, alias expansion is
bounded in values and in characters (a "billion laughs" file is refused, not expanded), documents
may not use aliases at all (``aliases=False``: no document needs them, and one long text repeated
by aliases would make every later step repeat it), and dates become ISO strings so that JSON
Schema can validate them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import yaml

# Nodes visited while walking the document with aliases expanded. Real ISAC documents have a
# few hundred; the limit only stops documents built to explode.
MAX_EXPANDED_NODES = 20_000
# Characters of text that aliases may add beyond the file itself (a long text behind an anchor,
# repeated by a few thousand aliases, is small on disk and gigabytes in memory).
MAX_ALIAS_CHARS = 1_000_000
# YAML 1.1's infinity and not-a-number: no field of the contract can use them (a meeting every
# .inf months), and they compare strangely everywhere after loading.
_NOT_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class YamlError(Exception):
    def __init__(self, message: str, line: int | None, message_nl: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        # Dutch runs stay Dutch: PyYAML's English, translated (dutch_problem), or said plainly.
        self.message_nl = message_nl or message


# PyYAML's problems and contexts that a hand-written frontmatter meets, in Dutch, keyed by the
# problem with what it quotes taken out (_QUOTED): "did not find expected ',' or ']'" is
# "did not find expected or". An unknown one gets a plain Dutch sentence rather than English.
_COLON_NL = ("hier kan geen `: ` met een waarde staan (staat er een dubbele punt in een tekst? zet die tekst "
             "dan tussen aanhalingstekens)")
_PROBLEMS_NL: dict[str, str] = {
    "found character that cannot start any token": "een teken dat hier niet kan staan",
    "mapping values are not allowed here": _COLON_NL,
    "mapping values are not allowed in this context": _COLON_NL,
    "could not find expected": "hier ontbreekt een `:` na de veldnaam",
    "did not find expected key": "hier verwachtte YAML een veldnaam (klopt de inspringing?)",
    "did not find expected indicator": "hier verwachtte YAML een lijstitem met `-` (klopt de inspringing?)",
    "found unexpected end of stream": "de tekst houdt op voordat hij af is (een aanhalingsteken niet gesloten?)",
    "found undefined alias": "een verwijzing (*naam) naar iets dat niet bestaat",
    "did not find expected or": "een lijst met [ ] of een verzameling met { } wordt niet goed gesloten",
    "found duplicate anchor": "een anker (&naam) staat er twee keer",
}
_CONTEXTS_NL: dict[str, str] = {
    "while scanning for the next token": "",
    "while scanning a simple key": "bij het lezen van een veldnaam",
    "while parsing a block mapping": "in een verzameling velden",
    "while parsing a block collection": "in een lijst",
    "while scanning a quoted scalar": "in een tekst tussen aanhalingstekens",
    "while parsing a flow sequence": "in een lijst tussen [ ]",
    "while parsing a flow mapping": "in een verzameling tussen { }",
    "while scanning a block scalar": "in een tekstblok",
    "while parsing a block node": "",
    "while parsing a flow node": "",
}

_TAB_NL = "de regel bevat een tab: YAML springt alleen met spaties in; vervang de tab door spaties"


def dutch_problem(problem: str, context: str | None) -> str:
    """PyYAML's English problem and context as one Dutch phrase."""
    words = _PROBLEMS_NL.get(problem)
    if words is None:
        words = "de opbouw klopt hier niet (controleer inspringing, dubbele punten en aanhalingstekens)"
    where = _CONTEXTS_NL.get(context or "", "")
    return f"{words} ({where})" if where else words


@dataclass
class YamlData:
    data: Any
    lines: dict[str, int] = field(default_factory=dict)  # dotted path -> 1-based line
    plain_scalars: dict[str, str] = field(default_factory=dict)  # dotted path -> unquoted source text


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _check_finite(node: yaml.ScalarNode, first_line: int) -> None:
    value = node.value
    if value[:1] != "." and value[1:2] != ".":
        return  # every match of _NOT_FINITE has its dot first or second: most scalars end here
    if _NOT_FINITE.fullmatch(value):
        raise YamlError("infinity or not-a-number (.inf, .nan) is not a value isaccheck can use; write a "
                        "number (or put it in quotes if it is text)", node.start_mark.line + first_line,
                        "oneindig of geen getal (.inf, .nan) kan isaccheck niet gebruiken; schrijf een getal "
                        "(of zet het tussen aanhalingstekens als het tekst is)")


class _Budget:
    """What a walk may still expand: values, characters beyond the file's own, and whether aliases are allowed."""

    def __init__(self, text_chars: int, aliases: bool) -> None:
        self.nodes = MAX_EXPANDED_NODES
        self.chars = text_chars + MAX_ALIAS_CHARS
        self.aliases = aliases
        self.seen: set[int] = set()


def _visit(node: yaml.Node, path: str, first_line: int, out: YamlData, budget: _Budget, used_at: int) -> None:
    """What both walks (_walk and _build) do at every node, in the same order: spend the budget,
    refuse an alias where aliases are not allowed, remember the line, and for a scalar its text.

    used_at: the line of the field (or list) holding this node, which is where an alias is written.
    """
    budget.nodes -= 1
    if budget.nodes < 0:
        raise YamlError(
            "the YAML expands to too many values (aliases nested into each other); refused",
            node.start_mark.line + first_line,
            "de YAML groeit uit tot te veel waarden (verwijzingen in elkaar genest); geweigerd",
        )
    if not budget.aliases:
        # The composer gives an alias the very node of its anchor: a node met twice is an alias.
        if id(node) in budget.seen:
            raise YamlError(
                "YAML aliases (*name) are not allowed in documents; write the value out",
                used_at,
                "YAML-verwijzingen (*naam) mogen niet in documenten; schrijf de waarde uit",
            )
        budget.seen.add(id(node))
    out.lines.setdefault(path, node.start_mark.line + first_line)
    if isinstance(node, _SCALAR):
        budget.chars -= len(node.value)
        if budget.chars < 0:
            raise YamlError(
                "the YAML expands to too much text (aliases repeating long values); refused",
                used_at,
                "de YAML groeit uit tot te veel tekst (verwijzingen die lange waarden herhalen); geweigerd",
            )
        if not node.style:  # plain: None (Python) or "" (libyaml)
            _check_finite(node, first_line)
            out.plain_scalars[path] = node.value


def _key(seen: dict[str, int], key: str, line: int) -> None:
    """Refuse a key met before in the same mapping (seen: key -> its first line)."""
    if key in seen and key != "<<":
        # YAML keeps the last one silently; which one the writer meant is unknown, so refuse.
        raise YamlError(f"a key appears twice in one mapping (also at line {seen[key]}); keep one", line,
                        f"een veldnaam staat twee keer in dezelfde verzameling (ook op regel {seen[key]}); "
                        f"houd er één over")
    seen.setdefault(key, line)


def _walk(node: yaml.Node, path: str, first_line: int, out: YamlData, budget: _Budget, used_at: int) -> None:
    _visit(node, path, first_line, out, budget, used_at)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            key_line = key_node.start_mark.line + first_line
            _key(seen, key, key_line)
            child = _join(path, key)
            out.lines.setdefault(child, key_line)
            _walk(value_node, child, first_line, out, budget, key_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, _join(path, str(index)), first_line, out, budget, used_at)


# libyaml's parser when PyYAML has it (about ten times faster); construction stays safe Python.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, except that an impossible date (2026-13-45) stays text for the schema to report."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # The tag of a plain scalar follows from its text alone (the loader's class-level implicit
        # resolvers; it has no path resolvers): a short text is resolved once per run, not once
        # per occurrence. Long texts are not kept (a hostile file could fill memory with them).
        if self.yaml_path_resolvers or (value is not None and len(value) > _RESOLVED_MAX):
            return super().resolve(kind, value, implicit)
        return _resolved(kind, value, implicit)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return str(node.value)


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)
_RESOLVED_MAX = 64  # characters of a scalar whose tag is remembered


@lru_cache(maxsize=4096)
def _resolved(kind: Any, value: Any, implicit: Any) -> Any:
    # The class stands in for the loader: resolve() reads only class attributes when there are
    # no path resolvers (tests/test_yamlutil.py compares it with a loader's own on many scalars).
    return _BaseLoader.resolve(cast(Any, _SafeLoader), kind, value, implicit)


def to_json_compatible(value: Any) -> Any:
    """Dates to ISO strings and keys to strings, so the data is what JSON Schema expects."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: to_json_compatible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_compatible(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # a meeting at 14:00 is, for the checklist, a meeting that day
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_QUOTED = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _content_free(problem: str | None, context: str | None, tab: bool) -> str:
    """PyYAML's message without what it quotes from the document (a tag, a character, an anchor).

    The message of a syntax error must never carry document text: it is shown whatever the
    document's label (an unreadable frontmatter counts as RED), so the writer can still fix it.
    """
    text = _QUOTED.sub("", problem or "invalid YAML")
    if tab:
        text += "; the line holds a tab: YAML indents with spaces only"
    if context:
        text += f" ({_QUOTED.sub('', context)})"
    return text


class _Fallback(Exception):
    """Something _build leaves to PyYAML's own constructor (merge keys, !!set, a list as a key...)."""


_TAG = "tag:yaml.org,2002:"
_SCALAR_BUILDERS = {  # tag -> the SafeConstructor method that makes the value
    _TAG + "null": "construct_yaml_null", _TAG + "bool": "construct_yaml_bool", _TAG + "int": "construct_yaml_int",
    _TAG + "float": "construct_yaml_float", _TAG + "timestamp": "construct_yaml_timestamp",
}


_STR = _TAG + "str"
_TIMESTAMP = _TAG + "timestamp"
_MAP = _TAG + "map"
_SEQ = _TAG + "seq"
_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


def _scalar(loader: Any, node: yaml.ScalarNode) -> Any:
    if node.tag == _STR:
        return node.value
    method = _SCALAR_BUILDERS.get(node.tag)
    if method is None:
        raise _Fallback
    try:
        return getattr(loader, method)(node)
    except Exception:
        raise _Fallback from None


def _build(loader: Any, node: yaml.Node, path: str, first_line: int, out: YamlData, budget: _Budget,
           used_at: int) -> Any:
    """_walk and construct_document and to_json_compatible in one pass, for the common tags.

    Visits the nodes in _walk's order with the same budget, so it refuses exactly what _walk
    refuses; values are made by the loader's own methods, so they are exactly PyYAML's. Anything
    else raises _Fallback and load_yaml takes the three-pass way.
    """
    _visit(node, path, first_line, out, budget, used_at)
    # _join and _key written out below, and the node classes bound once (_SCALAR...): this runs
    # for every value of every document, where the calls were a fifth of its time.
    if isinstance(node, _SCALAR):  # most nodes are scalars, most scalars text: tested first
        if node.tag == _STR:
            return node.value  # what _scalar and to_json_compatible make of it, without the calls
        return to_json_compatible(_scalar(loader, node))
    if isinstance(node, _MAPPING):
        if node.tag != _MAP:
            raise _Fallback
        raw: dict[Any, Any] = {}
        seen: dict[str, int] = {}
        lines = out.lines
        for key_node, value_node in node.value:
            if not isinstance(key_node, _SCALAR):
                raise _Fallback
            key = str(key_node.value)
            key_line = key_node.start_mark.line + first_line
            if key in seen:
                _key(seen, key, key_line)  # refuses it (a repeated merge key `<<` goes on)
            else:
                seen[key] = key_line
            child = f"{path}.{key}" if path else key
            lines.setdefault(child, key_line)
            value = _build(loader, value_node, child, first_line, out, budget, key_line)
            raw[key_node.value if key_node.tag == _STR else _scalar(loader, key_node)] = value
        if all(isinstance(k, str) for k in raw):
            return raw
        return {str(k) if not isinstance(k, str) else k: v for k, v in raw.items()}
    if isinstance(node, _SEQUENCE):
        if node.tag != _SEQ:
            raise _Fallback
        prefix = f"{path}." if path else ""
        return [_build(loader, item, f"{prefix}{index}", first_line, out, budget, used_at)
                for index, item in enumerate(node.value)]
    raise _Fallback


# One `key: value` line of the simplest kind: a plain key, one space, and a double- or single-quoted
# text without escapes or a plain scalar of letters, digits and ` _./+-` (no `: `, ` #`, no
# indicator first, no trailing space). Most frontmatters are only such lines. Besides printable
# ASCII, the text may hold what YAML calls printable except its line breaks (U+0085, U+2028,
# U+2029, which fold) and the byte order mark: every character but _NOT_TEXT. The classes are
# written negated because a class of the wide ranges it allows takes milliseconds to compile, at
# every start (tests/test_yamlutil.py compares them with the ranges, character by character).
_NOT_TEXT = "\\x00-\\x1f\\x7f-\\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
_NOT_PLAIN = "\\x21-\\x2a\\x2c\\x3a-\\x40\\x5b-\\x5e\\x60\\x7b-\\x7e"  # ASCII marks other than _./+-
_FLAT_LINE = re.compile(
    rf"(?P<key>[A-Za-z_][A-Za-z0-9_]{{0,127}}): "
    rf"(?:\"(?P<dq>[^\"\\{_NOT_TEXT}]*)\"|'(?P<sq>[^'{_NOT_TEXT}]*)'"
    rf"|(?P<plain>[A-Za-z0-9](?:[^{_NOT_PLAIN}{_NOT_TEXT}]*[^ {_NOT_PLAIN}{_NOT_TEXT}])?))"
)
_FLAT_MAX_LINES = 200  # far below MAX_EXPANDED_NODES: the budget can never run out on this way
_PLAIN = (True, False)  # the implicit flags the parser gives a plain scalar
_scalar_maker: Any = None
# What a line reads as (_flat_line), per line text: documents repeat `type: minutes`, `status:
# adopted`, `tlp: AMBER`. Only short lines, and at most _LINE_MEMO_SIZE of them (the values are
# texts, numbers, booleans or None: never changed by anyone, so one object serves every document).
_LINE_MEMO: dict[str, tuple[str, Any, str | None] | None] = {}
_LINE_MEMO_CHARS = 100
_LINE_MEMO_SIZE = 4096


def _tag(value: str) -> Any:
    """The tag the loader resolves a plain scalar to (_resolved straight away for a short text)."""
    if len(value) <= _RESOLVED_MAX:
        return _resolved(_SCALAR, value, _PLAIN)
    return _maker().resolve(_SCALAR, value, _PLAIN)


def _maker() -> Any:
    """One loader for _flat's resolving and building: its scalar methods keep no state, so one
    serves every call (made at first use)."""
    global _scalar_maker
    if _scalar_maker is None:
        _scalar_maker = _SafeLoader("")
    return _scalar_maker


def _flat_line(line: str) -> tuple[str, Any, str | None] | None:
    """One line's key, value and (for a plain scalar) its text, as _build makes them; None when the
    line is not of _FLAT_LINE's kind, its key is not text (`yes:`, `1:`) or a builder refuses it."""
    match = _FLAT_LINE.fullmatch(line)
    if match is None:
        return None
    key, quoted, single, value = match.groups()
    if _tag(key) != _STR:
        return None
    if value is None:
        return key, quoted if quoted is not None else single, None
    tag = _tag(value)
    if tag == _STR:
        return key, value, value
    if tag == _TIMESTAMP:
        # A plain scalar without `:` resolves to a timestamp only as YYYY-MM-DD, which the builder
        # makes a date whose ISO text is the same YYYY-MM-DD, or (no such day) leaves as text.
        return key, value, value
    method = _SCALAR_BUILDERS.get(tag)
    if method is None:
        return None
    try:
        return key, to_json_compatible(getattr(_maker(), method)(_SCALAR(tag, value))), value
    except Exception:
        return None


def _flat(text: str, first_line: int) -> YamlData | None:
    """A mapping of `key: value` lines (_FLAT_LINE) read without the parser, or None for anything else.

    What the parser and _build make of such a text, exactly: the same values (tags resolved and
    values made by the same loader methods), lines and plain scalars, in the same order. A repeated
    key, a key that is not text (`yes:`, `1:`) or a value a builder refuses goes the parser's way,
    which reports or handles it. Nothing here can raise: there is no alias, no .inf/.nan (a plain
    value starts with a letter or digit) and no error this way can meet.
    """
    lines = text.split("\n")
    if len(lines) > _FLAT_MAX_LINES:
        return None
    data: dict[str, Any] = {}
    where: dict[str, int] = {}
    plain: dict[str, str] = {}
    memo = _LINE_MEMO
    for index, line in enumerate(lines):
        if not line:
            continue  # an empty line (the frontmatter's first, after `---`, is one) holds nothing
        read = memo.get(line)
        if read is None:
            read = _flat_line(line)
            if read is None:
                return None
            if len(line) <= _LINE_MEMO_CHARS and len(memo) < _LINE_MEMO_SIZE:
                memo[line] = read
        key, value, plain_text = read
        if key in data:
            return None
        if not where:
            where[""] = first_line + index  # the mapping starts at its first key
        where[key] = first_line + index
        data[key] = value
        if plain_text is not None:
            plain[key] = plain_text
    return YamlData(data, where, plain) if data else None


def load_yaml(text: str, first_line: int = 1, *, aliases: bool = True) -> YamlData:
    """Parse one YAML document; first_line is the file line of the text's first line.

    aliases=False refuses any alias (documents); otherwise their expansion is bounded.
    """
    flat = _flat(text, first_line)
    if flat is not None:
        return flat
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlData(None)
        top = node.start_mark.line + first_line
        out = YamlData(None)
        try:
            out.data = _build(loader, node, "", first_line, out, _Budget(len(text), aliases), top)
            return out
        except _Fallback:
            out = YamlData(None)
        _walk(node, "", first_line, out, _Budget(len(text), aliases), top)
        out.data = to_json_compatible(loader.construct_document(node))
        return out
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        lines = text.splitlines()
        tab = mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]
        # Dutch from a fixed table of PyYAML's problems, with what they quote taken out first:
        # like the English, it never carries document text.
        problem = _QUOTED.sub("", exc.problem or "invalid YAML")
        context = _QUOTED.sub("", exc.context) if exc.context else None
        dutch = f"YAML-syntaxfout: {_TAB_NL}" if tab else f"YAML-syntaxfout: {dutch_problem(problem, context)}"
        raise YamlError(f"YAML syntax error: {_content_free(exc.problem, exc.context, tab)}", line, dutch) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error ({type(exc).__name__})", None, "YAML-fout: de tekst is geen geldige YAML") from None
    except RecursionError:
        raise YamlError("the YAML is nested too deeply; refused", None, "de YAML is te diep genest; geweigerd") from None
    finally:
        loader.dispose()
