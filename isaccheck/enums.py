"""Enumerated values in Dutch or English: read as the value isaccheck uses, before validation.

A Dutch ISAC writes `kind: dreigingsbeeld`, `legal_form: stichting`, `status: concept`; an English
one `kind: threat`. Both mean the same, so every enumerated field of the contract accepts the
Dutch words of `schemas/enum_words.json` (listed once, in both languages, in docs/contract.md)
and any capitalisation. The data is read in memory; the repository is never written.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Iterator, Mapping

from .schemas import _root


@cache
def dutch_words() -> dict[str, str]:
    """Dutch word (lower case) -> the contract's value."""
    data = json.loads((_root() / "enum_words.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def schema_parts(schema: Any) -> Iterator[Mapping[str, Any]]:
    """The schema and the schemas it is made of with allOf (the shipped schemas inline $refs that way)."""
    if isinstance(schema, Mapping):
        yield schema
        for part in schema.get("allOf") or []:
            yield from schema_parts(part)


def canonical(value: Any, allowed: list[Any]) -> Any:
    """The allowed value that `value` is a Dutch or differently capitalised spelling of, else `value`."""
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    word = dutch_words().get(word, word)  # the schemas list the Dutch words too: map them first
    return word if word in allowed else value


def normalise(schema: Any, data: Any) -> Any:
    """`data` with every enumerated value in its canonical form (a copy where anything changed)."""
    parts = list(schema_parts(schema))
    if isinstance(data, str):
        for part in parts:
            if isinstance(part.get("enum"), list):
                return canonical(data, part["enum"])
        return data
    if isinstance(data, Mapping):
        properties: dict[str, list[Any]] = {}
        for part in parts:
            for key, sub in (part.get("properties") or {}).items():
                properties.setdefault(key, []).append(sub)
        if not properties:
            return data
        changed = dict(data)
        for key, value in data.items():
            for sub in properties.get(str(key), []):
                changed[key] = normalise(sub, changed[key])
        return changed if changed != data else data
    if isinstance(data, list):
        for part in parts:
            items = part.get("items")
            if isinstance(items, Mapping):
                new = [normalise(items, item) for item in data]
                return new if new != data else data
    return data
