"""The JSON Schemas shipped with isaccheck, and validators built from them.

Schemas live next to this module (``schemas/*.schema.json`` and
``schemas/documents/<type>.schema.json``) and are read from the folder of this file, as the
rule pack is (rulepack.builtin_folder): importlib.resources, which would also serve a package
inside a zip file, imports tempfile, shutil and zipfile (~8 ms of every start-up) and isaccheck
is never run from a zip file. ``$ref``s point at the shipped files only and are inlined here,
once per schema; nothing is fetched over the network.

Validity is decided by validators generated from the schemas ahead of time
(``schemas/compiled/``, tools/compile_schemas.py); jsonschema is imported only to explain
a document that is not valid, so a run over valid files never imports it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

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


def _root() -> Path:
    return Path(__file__).parent


def _file_for(name: str) -> Path:
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


_BASE = "https://isaccheck.example/schemas/"


@cache
def _parsed(name: str) -> dict[str, Any]:
    """Schema ``name`` parsed once (inlining reads common.schema.json for every reference); not
    to be changed: load_schema gives callers their own copy."""
    return load_schema(name)


def _name_of(document_url: str) -> str:
    """The shipped schema whose $id is document_url (its file name says which); KeyError otherwise.

    Read from the URL rather than by loading every schema to collect their $ids: a run that
    validates one document type reads only the files that type's schema points at.
    """
    name = document_url.rsplit("/", 1)[-1].removesuffix(_SUFFIX)
    if not document_url.startswith(_BASE) or str(_parsed(name).get("$id", "")).split("#", 1)[0] != document_url:
        raise KeyError(f"$ref {document_url!r} points outside the shipped schemas")
    return name


def _resolve(url: str, own: dict[str, Any], own_url: str) -> Any:
    """What a $ref's absolute URL points at: a shipped schema (own: the one being inlined) and a
    JSON pointer into it. Anything else is refused: the shipped schemas point at shipped files only."""
    document_url, _, pointer = url.partition("#")
    node: Any = own if document_url == own_url else _parsed(_name_of(document_url))
    for part in pointer.split("/")[1:] if pointer else ():
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _inline(node: Any, base: str, own: dict[str, Any], own_url: str) -> Any:
    """Replace every ``$ref`` by the schema it points at (the shipped schemas are not recursive).

    Resolving a reference on every validation costs more than the validation itself; inlining
    once makes loading a repository of thousands of documents several times faster.
    """
    if isinstance(node, list):
        return [_inline(item, base, own, own_url) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = node["$ref"]
        url = target if "://" in target else base + target
        document_url = url.split("#", 1)[0]
        target_own = own if document_url == own_url else _parsed(_name_of(document_url))
        inlined = _inline(_resolve(url, own, own_url), document_url, target_own, document_url)
        rest = {k: _inline(v, base, own, own_url) for k, v in node.items() if k != "$ref"}
        return {"allOf": [inlined], **rest} if rest else inlined
    return {k: (v if k in ("$defs", "enum", "const") else _inline(v, base, own, own_url)) for k, v in node.items()}


@cache
def inlined_schema(name: str) -> dict[str, Any]:
    """Schema ``name`` with every reference inlined (one object per run: enums.shape keys on it).

    Raises ``KeyError`` for an unknown name.
    """
    schema = load_schema(name)
    base = str(schema.get("$id", "")).split("#", 1)[0]
    inlined: dict[str, Any] = _inline({k: v for k, v in schema.items() if k != "$defs"}, base, schema, base)
    return inlined


@cache
def validator_for(name: str) -> Draft202012Validator:
    """A cached jsonschema validator (references inlined, format checking on) for schema ``name``.

    Raises ``KeyError`` for an unknown name. Imports jsonschema: for the detailed errors only.
    """
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(inlined_schema(name), format_checker=FormatChecker())


def compiled_names() -> tuple[str, ...]:
    """The schemas with a generated validator in schemas/compiled/ (tools/compile_schemas.py)."""
    return (*_document_types(), "isac", "config", "rule")


def compiled_module_name(name: str) -> str:
    return name.replace("-", "_")


def schema_digest(schema: dict[str, Any]) -> str:
    """What a generated validator records of the schema it was made from."""
    return hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(value: Any) -> bool:
    """jsonschema's "date" format check, step by step (its _format.is_date): the generated
    validators and jsonschema then agree on every date."""
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# Every format the shipped schemas use, as the generated validators call them.
FORMATS: dict[str, Callable[[Any], bool]] = {"date": _is_date}
FORMAT_NAMES = tuple(FORMATS)


_MODULE_NAME = re.compile(r"[a-z]+(?:[-_][a-z]+)*")  # a schema's name, never a path


@cache
def _compiled(name: str) -> Callable[[Any], Any] | None:
    """The generated validator of schema `name`, or None (none generated, or made from another
    version of the schema than the one shipped: then jsonschema decides, as it always can)."""
    schema = inlined_schema(name)  # KeyError for an unknown name, as validator_for
    return compiled_validator(compiled_module_name(name), schema) if _MODULE_NAME.fullmatch(name) else None


def compiled_validator(module_name: str, schema: dict[str, Any]) -> Callable[[Any], Any] | None:
    """The validator generated into schemas/compiled/<module_name>.py, if it was made from exactly
    this schema (its SHA-256 says so), else None. It raises for what it does not accept."""
    if not _MODULE_NAME.fullmatch(module_name):
        return None
    try:
        module = importlib.import_module(f"{__name__}.compiled.{module_name}")
    except ImportError:
        return None
    if getattr(module, "SCHEMA_SHA256", None) != schema_digest(schema):
        return None
    validate: Callable[..., Any] = module.validate

    def compiled(instance: Any) -> Any:
        return validate(instance, custom_formats=FORMATS)

    return compiled


def _surely_valid(name: str, instance: Any) -> bool:
    """True when the generated validator accepts the instance; False means "ask jsonschema"."""
    compiled = _compiled(name)
    if compiled is None:
        return False
    try:
        compiled(instance)
    except Exception:  # invalid, or a value the generated code cannot handle: jsonschema decides
        return False
    # (A tuple, which YAML's !!pairs and !!omap make, is no array to the generated code, as to
    # jsonschema: tools/compile_schemas.py takes tuples out of its array checks.)
    return True


def schema_errors(name: str, instance: Any) -> list[ValidationError]:
    """The schema's errors for the instance, as validator_for(name).iter_errors gives them.

    Most documents are valid: a generated validator (fastjsonschema's code, same patterns
    through Python's re, the same date check) answers those without jsonschema; jsonschema
    computes the detailed errors only for documents the generated one does not accept, so
    findings are exactly as before.
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


_SPACES = re.compile(r"\s+")  # compiled once: asked for every heading of every document


def normalise_heading(heading: str) -> str:
    """The form a heading is looked up in: see docs/contract.md, "Section headings"."""
    text = _SPACES.sub(" ", heading.strip().lstrip("#").strip().lower())
    text = _NUMBERING.sub("", text)
    text = text.replace("(", "").replace(")", "").replace("-", " ").replace("_", " ")
    return _SPACES.sub(" ", text).strip().rstrip(":.").strip()


def section_for_heading(heading: str) -> str | None:
    """The section key a Markdown heading stands for, or None."""
    if heading in _SECTION_OF:
        return _SECTION_OF[heading]
    found = section_headings().get(normalise_heading(heading))
    if len(heading) <= _HEADING_MEMO_CHARS and len(_SECTION_OF) < _HEADING_MEMO_SIZE:
        _SECTION_OF[heading] = found
    return found


# Documents repeat their headings (## Besluiten, ## Actiepunten): a short one is looked up once.
# A long heading is not kept, nor more than _HEADING_MEMO_SIZE, so a hostile file cannot fill
# memory with them (and a full memo costs a lookup, not an eviction, per new heading).
_SECTION_OF: dict[str, str | None] = {}
_HEADING_MEMO_CHARS = 120
_HEADING_MEMO_SIZE = 4096
