"""Keys that no schema knows: a likely typo is a warning with a "did you mean", the rest an info.

The contract welcomes an ISAC's own fields (docs/contract.md), so an unknown key is never an
error. But a misspelt known key (`attendes`, `vice-chair`, `TLP`, `meeting_frequncy_months`)
would otherwise be ignored silently and a check would later fail for a reason that points
nowhere near the typo; so it is named, at its line, with the key it probably means.
"""

from __future__ import annotations

from collections.abc import Mapping  # not typing's: its isinstance goes through a slower hook
from typing import Any, Iterator

from .enums import shape
from .model import Finding, Severity, Text
from .yamlutil import YamlData

# How close a key must be to a known one to count as a typo of it (difflib's ratio).
SIMILARITY = 0.8


def _normal(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(" ", "_")


def suggestion(key: str, known: list[str]) -> str | None:
    """The known key `key` is probably a typo of, or None."""
    by_normal = {_normal(k): k for k in known}
    if _normal(key) in by_normal:
        return by_normal[_normal(key)]
    import difflib  # only for an unknown key: a check of clean documents does not import it

    close = difflib.get_close_matches(_normal(key), sorted(by_normal), n=1, cutoff=SIMILARITY)
    return by_normal[close[0]] if close else None


def unknown_keys(schema: Any, data: Any, path: str = "") -> Iterator[tuple[str, str, str | None]]:
    """(dotted path of the mapping, unknown key, suggestion or None), walking data and schema together."""
    if type(data) is dict or isinstance(data, Mapping):  # dict first: the ABC's isinstance is slow
        found = shape(schema)
        properties = found.properties
        if not properties:
            return
        for key, value in data.items():
            name = str(key)
            if name in properties:
                # Only a mapping or a list can hold a key: a text or a number is not walked.
                if type(value) is dict or isinstance(value, (Mapping, list)):
                    where = f"{path}.{name}" if path else name
                    for sub in properties[name]:
                        yield from unknown_keys(sub, value, where)
            elif not found.open_ended:
                yield path, name, suggestion(name, list(properties))
    elif isinstance(data, list):
        for items in shape(schema).items:
            for index, item in enumerate(data):
                if type(item) is dict or isinstance(item, (Mapping, list)):  # a text or number holds no key
                    yield from unknown_keys(items, item, f"{path}.{index}")


# Values that hold no key: unknown_keys does not walk them.
_LEAVES = frozenset({str, int, float, bool, type(None)})


def _plainly_known(schema: Any, data: Any) -> bool:
    """Whether unknown_keys would find nothing, seen at once: a mapping whose every key the schema
    knows and whose values are all texts, numbers, booleans or empty (most frontmatters)."""
    return (type(data) is dict and data.keys() <= shape(schema).properties.keys()
            and all(type(value) in _LEAVES for value in data.values()))


def unknown_key_findings(schema: Any, data: Any, source: YamlData, path: str, fallback_line: int) -> list[Finding]:
    """A warning for each unknown key that looks like a typo of a known one, an info for the others."""
    if _plainly_known(schema, data):
        return []
    findings = []
    for parent, key, close in unknown_keys(schema, data):
        dotted = f"{parent}.{key}" if parent else key
        line = source.lines.get(dotted) or source.lines.get(parent) or fallback_line
        where_en = f" in `{parent}`" if parent else ""
        where_nl = f" in `{parent}`" if parent else ""
        if close is not None:
            findings.append(Finding("unknown-key", Severity.WARNING, path, line, Text(
                f"unknown field `{key}`{where_en}; did you mean `{close}`? It is not read as `{close}`",
                f"onbekend veld `{key}`{where_nl}; bedoel je `{close}`? Het wordt niet gelezen als `{close}`"),
                field=dotted))
        else:
            findings.append(Finding("unknown-key", Severity.INFO, path, line, Text(
                f"field `{key}`{where_en} is not part of the contract; isaccheck does not read it",
                f"veld `{key}`{where_nl} hoort niet bij het contract; isaccheck leest het niet"),
                field=dotted))
    return findings
