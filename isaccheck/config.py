"""isaccheck.yaml: tool settings, rule parameter overrides, type mapping for existing files."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from .errors import ConfigError
from .yamlutil import YamlData, YamlError, load_yaml

CONFIG_FILE = "isaccheck.yaml"
PROFILE_FILE = "isac.yaml"
DEFAULT_MAX_FILE_SIZE_KB = 1024
DEFAULT_BACKFILL_TOLERANCE_DAYS = 90


def inside_repository(given: str) -> bool:
    """A relative path that stays inside the repository (judged on the text, before any file is read)."""
    normal = posixpath.normpath(given.replace("\\", "/")).removeprefix("./")
    return not (given.startswith("/") or normal in (".", "..") or normal.startswith("../"))


@dataclass(frozen=True)
class TypeMapping:
    glob: str
    type: str
    defaults: Mapping[str, Any] = field(default_factory=dict)  # e.g. tlp, status


@dataclass(frozen=True)
class Config:
    types: tuple[TypeMapping, ...] = ()
    rule_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rule_packs: tuple[str, ...] = ()
    attestation: Mapping[str, Any] = field(default_factory=dict)
    levels: str = "cumulative"  # or "highest-complete" (docs/rules.md, "Levels")
    tlp: Mapping[str, Any] = field(default_factory=dict)
    gate: Mapping[str, Any] = field(default_factory=dict)
    max_file_size_kb: int = DEFAULT_MAX_FILE_SIZE_KB
    ignore: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()  # templates to copy (isaccheck init): never evidence
    allowed_signers: str | None = None
    # history: how far a document's date may lie before its first commit (see docs/git.md)
    backfill_tolerance_days: int = DEFAULT_BACKFILL_TOLERANCE_DAYS
    imported_until: str | None = None  # ISO date: documents first committed by then were imported
    lines: Mapping[str, int] = field(default_factory=dict)


# Globs by wcmatch (measured in docs/adopt.md): character classes ([0-9]), braces ({pdf,docx}),
# `**` for any number of folders, `*` within one folder, anchored at the root as before.
# pathspec was 13x faster uncompiled but has gitignore semantics (`*.md` at any depth), which
# would change what existing isaccheck.yaml files mean.
@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    # Imported on the first glob (~15 ms): a repository without isaccheck.yaml globs never needs it.
    from wcmatch import glob as wcglob

    return wcglob.compile(pattern, flags=wcglob.GLOBSTAR | wcglob.DOTGLOB | wcglob.BRACE)


def glob_match(pattern: str, path: str) -> bool:
    # "./x" means "x" from the repository root. Only whole "./" prefixes go: lstrip("./") also ate
    # the dot of a hidden folder, so "./.drafts/**" never matched .drafts/.
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return bool(_compiled(pattern).match(path))



def _check_type_fields(types: tuple[TypeMapping, ...], lines: Mapping[str, int]) -> None:
    """A `types:` entry may set any field its type's schema allows, and only values it accepts."""
    from .schemas import document_types, schema_errors
    from .validation import describe

    known = set(document_types())
    for index, mapping in enumerate(types):
        if mapping.type not in known or not mapping.defaults:
            continue  # an unknown type is named on every file it maps (repository.py)
        errors = sorted(schema_errors(mapping.type, {"type": mapping.type, **mapping.defaults}),
                        key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            err = errors[0]
            field_ = ".".join(str(p) for p in err.absolute_path)
            where = f"types.{index}" + (f".{field_}" if field_ else "")
            _, words = describe(err, YamlData(None))
            raise ConfigError(f"{where}: not a valid `{mapping.type}` field value: {err.message}", CONFIG_FILE,
                              lines.get(where) or lines.get(f"types.{index}", 1),
                              message_nl=f"{where}: geen geldige waarde voor een `{mapping.type}`: {words.nl}")


def parse_config(text: str | None) -> Config:
    """Read isaccheck.yaml text (None when the file is absent). Errors are configuration errors."""
    if text is None:
        return Config()
    try:
        loaded = load_yaml(text)
    except YamlError as exc:
        raise ConfigError(exc.message, CONFIG_FILE, exc.line, message_nl=exc.message_nl) from None
    data = loaded.data or {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of settings", CONFIG_FILE, 1,
                          message_nl="moet een verzameling instellingen zijn")
    from .schemas import schema_errors
    from .validation import describe

    errors = sorted(schema_errors("config", data), key=lambda e: list(map(str, e.path)))
    if errors:
        err = errors[0]
        dotted = ".".join(str(p) for p in err.absolute_path)
        _, words = describe(err, loaded)
        raise ConfigError(
            f"{dotted or 'settings'}: {err.message}", CONFIG_FILE, loaded.lines.get(dotted, 1),
            message_nl=words.nl,  # names the field itself
        )
    # Checked for every command, not only when a signature is verified or a gate compares: a setting
    # that points out of the repository is refused where it is written, whatever the run does with it.
    for dotted, given in (("allowed_signers", data.get("allowed_signers")),
                          ("gate.baseline", (data.get("gate") or {}).get("baseline"))):
        if given is not None and not inside_repository(str(given)):
            raise ConfigError(f"{dotted}: {given} is not a file inside the repository; refused",
                              CONFIG_FILE, loaded.lines.get(dotted, 1),
                              message_nl=f"{dotted}: {given} is geen bestand in de repository; geweigerd")
    types = tuple(
        TypeMapping(
            glob=str(item["glob"]),
            type=str(item["type"]),
            defaults={k: v for k, v in item.items() if k not in ("glob", "type")},
        )
        for item in data.get("types") or []
    )
    _check_type_fields(types, loaded.lines)
    history = data.get("history") or {}
    return Config(
        types=types,
        rule_overrides={str(k): dict(v or {}) for k, v in (data.get("rules") or {}).items()},
        rule_packs=tuple(str(p) for p in data.get("rule_packs") or []),
        attestation=dict(data.get("attestation") or {}),
        levels=str(data.get("levels") or "cumulative"),
        tlp=dict(data.get("tlp") or {}),
        gate=dict(data.get("gate") or {}),
        max_file_size_kb=int(data.get("max_file_size_kb") or DEFAULT_MAX_FILE_SIZE_KB),
        ignore=tuple(str(p) for p in data.get("ignore") or []),
        templates=tuple(str(p) for p in data.get("templates") or []),
        allowed_signers=data.get("allowed_signers"),
        backfill_tolerance_days=int(history.get("backfill_tolerance_days", DEFAULT_BACKFILL_TOLERANCE_DAYS)),
        imported_until=str(history["imported_until"]) if history.get("imported_until") is not None else None,
        lines=loaded.lines,
    )
