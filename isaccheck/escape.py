"""Document data made inert in isaccheck's plain-text output (issue 15.10).

Document content, file names and isac.yaml values are data. In a terminal or a CI log, data could
otherwise act: a newline followed by `::error ...` or `::add-mask::` is a GitHub workflow command,
`##[...]` and `##vso[...]` are log commands, an escape sequence (OSC) writes the clipboard or sets
a link, a bidi override reorders what a reviewer reads. So every data string of a text output
passes `plain`, and every finished text output passes `neutralise`.

Rich prints it with markup off (`[/b]` in a file name is text, not a closing tag).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from typing import Any, TypeVar

# C0 and C1 controls, DEL, and the Unicode characters that reorder or break lines in a display:
# bidi embeddings/overrides/isolates, the Arabic letter mark, line and paragraph separators.
_UNSAFE = re.compile("[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A log command at the start of a line (after blanks) or, for the `##` forms, anywhere.
_LINE_COMMAND = re.compile(r"^(\s*)::", re.MULTILINE)
_HASH_COMMAND = re.compile(r"##(?=\[|vso\[)", re.IGNORECASE)

T = TypeVar("T")


def _escaped(match: re.Match[str]) -> str:
    char = match.group(0)
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def plain(value: str, keep: str = "") -> str:
    """One line of inert text: controls, bidi characters and newlines written as escapes (except `keep`)."""
    return _UNSAFE.sub(lambda m: m.group(0) if m.group(0) in keep else _escaped(m), value)


_JSON_RAW = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_inert(dumped: str) -> str:
    """JSON text with the characters json.dumps leaves raw (DEL, C1, bidi) as \\u escapes: same data."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)


def neutralise(text: str) -> str:
    """A finished output with no line that a CI runner reads as a command.

    `::` at the start of a line becomes `\\::`, `##[` anywhere becomes `#\\#[`: still readable,
    never a workflow or log command, whatever wrapping put at the start of a line.
    """
    return _HASH_COMMAND.sub("#\\\\#", _LINE_COMMAND.sub(r"\1\\::", text))


_MARKDOWN_SPECIAL = "\\`*_[]#!~"
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=@)(?=[\w-])")


def inert_markdown(value: str) -> str:
    """Text that Markdown (GitHub's included) shows as written: no HTML, link, emphasis or table break,
    no @mention and no bare URL turned into a link (a word joiner breaks `@name`, `https://`, `www.`).
    """
    for char in _MARKDOWN_SPECIAL:  # the backslash first: the escapes added next must stay escapes
        value = value.replace(char, "\\" + char)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return _AUTOLINK.sub("\u2060", value)


def plain_data(value: T) -> T:
    """A copy of a (frozen dataclass) value with every string in it made plain; enums stay as they are."""
    return _walk(value)  # type: ignore[no-any-return]


def _walk(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, tuple):
        return tuple(_walk(v) for v in value)
    if isinstance(value, list):
        return [_walk(v) for v in value]
    if isinstance(value, frozenset):
        return value  # sources of a message (paths), never printed
    if isinstance(value, dict):
        return {k: _walk(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
