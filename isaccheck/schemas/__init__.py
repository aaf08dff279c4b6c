"""The JSON Schemas shipped with isaccheck, and validators built from them.

Schemas live next to this module (``schemas/*.schema.json`` and
``schemas/documents/<type>.schema.json``) and are read through
``importlib.resources`` so they work from an installed wheel. ``$ref``s are
resolved against a ``referencing.Registry`` of the shipped files only; nothing
is fetched over the network.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Callable

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "document_types",
    "schema_errors",
    "load_schema",
    "validator_for",
    "section_headings",
    "normalise_heading",
    "section_for_heading",
]

_SUFFIX = ".schema.json"


def _root() -> Traversable:
    return files("isaccheck") / "schemas"


def _file_for(name: str) -> Traversable:
    """``isac``, ``config``, ``common`` or a document type -> its schema file."""
    root = _root()
    top = root / f"{name}{_SUFFIX}"
    if top.is_file():
        return top
    doc = root / "documents" / f"{name}{_SUFFIX}"
    if doc.is_file():
        return doc
    raise KeyError(f"no schema named {name!r}")


@cache
def _load(name: str) -> str:
    return _file_for(name).read_text(encoding="utf-8")


def load_schema(name: str) -> dict[str, Any]:
    """The schema ``name`` ("isac", "config", "common" or a document type) as a fresh dict."""
    schema: dict[str, Any] = json.loads(_load(name))
    return schema


@cache
def _document_types() -> tuple[str, ...]:
    entries = (_root() / "documents").iterdir()
    return tuple(sorted(e.name[: -len(_SUFFIX)] for e in entries if e.name.endswith(_SUFFIX)))


def document_types() -> list[str]:
    """Every document type that has a shipped schema, sorted (a fresh list)."""
    return list(_document_types())


@cache
def _registry() -> Registry:
    resources = []
    for name in ["common", "isac", "config", *document_types()]:
        contents = load_schema(name)
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def _inline(node: Any, base: str, registry: Registry) -> Any:
    """Replace every ``$ref`` by the schema it points at (the shipped schemas are not recursive).

    Resolving a reference on every validation costs more than the validation itself; inlining
    once makes loading a repository of thousands of documents several times faster.
    """
    if isinstance(node, list):
        return [_inline(item, base, registry) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = node["$ref"]
        url = target if "://" in target else base + target
        resolved = registry.resolver(base_uri=base).lookup(url)
        document_url = url.split("#", 1)[0]
        inlined = _inline(resolved.contents, document_url, registry)
        rest = {k: _inline(v, base, registry) for k, v in node.items() if k != "$ref"}
        return {"allOf": [inlined], **rest} if rest else inlined
    return {k: (v if k in ("$defs", "enum", "const") else _inline(v, base, registry)) for k, v in node.items()}


@cache
def validator_for(name: str) -> Draft202012Validator:
    """A cached validator (references inlined, format checking on) for schema ``name``.

    Raises ``KeyError`` for an unknown name.
    """
    schema = load_schema(name)
    base = str(schema.get("$id", "")).split("#", 1)[0]
    registry = _registry().with_resource(base, Resource.from_contents(schema, default_specification=DRAFT202012))
    inlined = _inline({k: v for k, v in schema.items() if k != "$defs"}, base, registry)
    return Draft202012Validator(inlined, format_checker=FormatChecker())


# A compiled validator costs about 20 ms to build (fastjsonschema writes and compiles Python
# code) and then decides a document about 12 times faster than jsonschema; below this many
# documents of one type, jsonschema alone is quicker.
COMPILE_AFTER = 40
_seen: dict[str, int] = {}
_compiled: dict[str, Callable[[Any], Any]] = {}


def _compile(name: str) -> Callable[[Any], Any]:
    import fastjsonschema  # only runs that validate many documents need it

    checker = FormatChecker()
    # The same format check as jsonschema's, so both always agree on what is valid.
    formats = {fmt: (lambda value, fmt=fmt: checker.conforms(value, fmt)) for fmt in checker.checkers}
    schema = validator_for(name).schema
    compiled: Callable[[Any], Any] = fastjsonschema.compile(
        schema if isinstance(schema, bool) else dict(schema), formats=formats)
    return compiled


def _surely_valid(name: str, instance: Any) -> bool:
    """True when the compiled validator accepts the instance; False means "ask jsonschema"."""
    compiled = _compiled.get(name)
    if compiled is None:
        _seen[name] = _seen.get(name, 0) + 1
        if _seen[name] < COMPILE_AFTER:
            return False
        compiled = _compiled[name] = _compile(name)
    try:
        compiled(instance)
    except Exception:  # invalid, or a value the generated code cannot handle: jsonschema decides
        return False
    # The generated code takes a tuple for an array, jsonschema does not (YAML's !!pairs and
    # !!omap make tuples): only plain JSON values are decided here.
    return _plain_json(instance)


_SCALARS = (str, int, float, bool, type(None))


def _plain_json(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif not isinstance(item, _SCALARS):
            return False
    return True


def schema_errors(name: str, instance: Any) -> list[ValidationError]:
    """The schema's errors for the instance, as validator_for(name).iter_errors gives them.

    Most documents are valid: a compiled validator (fastjsonschema, same patterns through
    Python's re, same format checks) answers those; jsonschema computes the detailed errors
    only for documents the compiled one does not accept, so findings are exactly as before.
    """
    if _surely_valid(name, instance):
        return []
    return list(validator_for(name).iter_errors(instance))


@cache
def section_headings() -> dict[str, str]:
    """Normalised Markdown heading -> membership-guidelines section key (from ``sections.json``)."""
    data: dict[str, str] = json.loads((_root() / "sections.json").read_text(encoding="utf-8"))
    return data


_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[a-z]\)|[ivx]+\.)\s+")


def normalise_heading(heading: str) -> str:
    """The form a heading is looked up in: see docs/contract.md, "Section headings"."""
    text = re.sub(r"\s+", " ", heading.strip().lstrip("#").strip().lower())
    text = _NUMBERING.sub("", text)
    text = text.replace("(", "").replace(")", "").replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip().rstrip(":.").strip()


def section_for_heading(heading: str) -> str | None:
    """The section key a Markdown heading stands for, or None."""
    return section_headings().get(normalise_heading(heading))
