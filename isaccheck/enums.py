"""Enumerated values in Dutch or English: read as the value isaccheck uses, before validation.

A Dutch ISAC writes `kind: dreigingsbeeld`, `legal_form: stichting`, `status: concept`; an English
one `kind: threat`. Both mean the same, so every enumerated field of the contract accepts the
Dutch words of `schemas/enum_words.json` (listed once, in both languages, in docs/contract.md)
and any capitalisation. The data is read in memory; the repository is never written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping  # not typing's: its isinstance goes through a slower hook
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Iterator

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


@dataclass(frozen=True)
class Shape:
    """What normalise and unknown_keys read of a schema and its allOf parts, worked out once per schema."""

    enum: list[Any] | None  # the first part's enum
    properties: dict[str, list[Any]]  # key -> its schemas, in the parts' order
    items: list[Mapping[str, Any]]  # the parts' item schemas, in order
    open_ended: bool  # a mapping of free keys (answers per question, organisation -> answer)
    # Whether normalise can change a value of this schema: an enum in it or below it. Most fields
    # (titles, dates, attendee lists) have none, and normalise then skips them unvisited.
    normalises: bool = True
    # key -> those of its schemas that normalise, in order; keys with none are left out.
    normalising: dict[str, tuple[Any, ...]] = field(default_factory=dict, compare=False)
    # An enum's text -> its canonical value, worked out once per spelling: every document of a
    # type spells `status: adopted` again. Only short texts, and at most _MEMO_SIZE of them.
    canonical: dict[str, Any] = field(default_factory=dict, compare=False)


_MEMO_CHARS = 64
_MEMO_SIZE = 1024


# id(schema) -> (schema, its shape). The schema is kept with its shape so that its id is never
# reused for another one; the shipped schemas live as long as the run anyway. Walking the allOf
# parts of every schema again for every value of every document was a sixth of a check.
_SHAPES: dict[int, tuple[Any, Shape]] = {}


def shape(schema: Any) -> Shape:
    held = _SHAPES.get(id(schema))
    if held is not None and held[0] is schema:
        return held[1]
    parts = list(schema_parts(schema))
    properties: dict[str, list[Any]] = {}
    open_ended = False
    for part in parts:
        for key, sub in (part.get("properties") or {}).items():
            properties.setdefault(key, []).append(sub)
        extra = part.get("additionalProperties")
        if extra is False or isinstance(extra, Mapping) or "patternProperties" in part or "propertyNames" in part:
            open_ended = True
    enum = next((part["enum"] for part in parts if isinstance(part.get("enum"), list)), None)
    items = [part["items"] for part in parts if isinstance(part.get("items"), Mapping)]
    # What normalise visits: the enum, every property's schemas, the first item schema. (The
    # shipped schemas are not recursive: their references are inlined.)
    normalises = (enum is not None or any(shape(sub).normalises for subs in properties.values() for sub in subs)
                  or (bool(items) and shape(items[0]).normalises))
    normalising = {key: chosen for key, subs in properties.items()
                   if (chosen := tuple(sub for sub in subs if shape(sub).normalises))}
    found = Shape(enum=enum, properties=properties, items=items, open_ended=open_ended, normalises=normalises,
                  normalising=normalising)
    _SHAPES[id(schema)] = (schema, found)
    return found


def normalise(schema: Any, data: Any) -> Any:
    """`data` with every enumerated value in its canonical form (a copy where anything changed)."""
    if isinstance(data, str):
        found = shape(schema)
        if found.enum is None:
            return data
        if len(data) > _MEMO_CHARS:
            return canonical(data, found.enum)
        memo = found.canonical
        value = memo.get(data)
        if value is None:
            value = canonical(data, found.enum)
            if len(memo) < _MEMO_SIZE:
                memo[data] = value
        return value
    if type(data) is dict or isinstance(data, Mapping):  # dict first: the ABC's isinstance is slow
        normalising = shape(schema).normalising
        if not normalising:
            return data  # what the walk below would return: nothing under it can change
        changed: dict[Any, Any] | None = None
        for key, value in data.items():
            subs = normalising.get(str(key))
            if subs is None:
                continue
            new = value
            for sub in subs:
                new = normalise(sub, new)
            # Copied only when a value differs (as dict == compares, identity first): an equal
            # value is left as it was.
            if new is not value and new != value:
                if changed is None:
                    changed = dict(data)
                changed[key] = new
        return changed if changed is not None else data
    if isinstance(data, list):
        items = shape(schema).items
        if items:
            new_list = [normalise(items[0], item) for item in data]
            return new_list if new_list != data else data
    return data
