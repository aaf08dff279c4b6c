"""`isaccheck adopt`: what isaccheck would read from the files that are not documents yet.

Every file in a format isaccheck reads that has no frontmatter, no sidecar and no `types:` glob
is listed with the type guessed from its folder, name and first heading (and how sure that is),
and the fields inferred from its text, each with its place in the file. With --write, a
`.meta.yaml` sidecar per file is written for the secretary to review: never over an existing
file, never touching the original. This is the one command that writes into the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import infer as infermod
from .config import CONFIG_FILE, PROFILE_FILE, glob_match, parse_config
from .errors import ConfigError
from .read import SUPPORTED_SUFFIXES, read_document
from .read.model import ReadProblem
from .repository import SIDECAR_SUFFIX, load_profile, load_repository, settings_text
from .sources import WorkingTreeSource, valid_path


@dataclass
class Candidate:
    path: str
    type: str | None
    confidence: str | None
    why: tuple[str, str] | None
    documents: list[infermod.InferredDocument] = field(default_factory=list)
    problem: tuple[str, str] | None = None  # the file could not be read: (en, nl)
    written: str | None = None  # the sidecar written by --write
    skipped: tuple[str, str] | None = None  # why --write wrote nothing for it


def candidates(root: Path) -> list[Candidate]:
    """Every readable file under root that is not a document yet, with what would be inferred."""
    source = WorkingTreeSource(root)
    entries = list(source.entries())
    by_path = {e.path: e for e in entries}
    config = parse_config(settings_text(source, by_path, CONFIG_FILE))
    profile_text = settings_text(source, by_path, PROFILE_FILE)
    participants: list[Any] = []
    tlp_version = "2.0"
    documents: set[str] = set()
    if profile_text is not None:
        profile, _ = load_profile(profile_text)
        raw = profile.data.get("participants")
        participants = [p for p in raw if isinstance(p, dict)] if isinstance(raw, list) else []
        tlp_version = profile.tlp_version if profile.tlp_version in ("1.0", "2.0") else "2.0"
        documents = {d.path for d in load_repository(source, config=config, entries=entries, infer=False).documents}
    matcher = infermod.ParticipantMatcher(participants)
    found: list[Candidate] = []
    for entry in entries:
        path = entry.path
        suffix = os.path.splitext(path)[1].lower()
        if (entry.kind != "file" or not valid_path(path) or path in documents or path in (PROFILE_FILE, CONFIG_FILE)
                or suffix not in SUPPORTED_SUFFIXES or path.endswith(SIDECAR_SUFFIX) or path + SIDECAR_SUFFIX in by_path
                or any(glob_match(p, path) for p in config.ignore)):
            continue
        if entry.size > config.max_file_size_kb * 1024:
            found.append(Candidate(path, None, None, None, problem=(
                f"over the limit of {config.max_file_size_kb} KB; not read",
                f"groter dan de grens van {config.max_file_size_kb} KB; niet gelezen")))
            continue
        try:
            structured = read_document(path, source.read(path))
        except OSError as exc:
            found.append(Candidate(path, None, None, None, problem=(f"cannot be read: {exc}", f"kan niet gelezen worden: {exc}")))
            continue
        blocks = () if isinstance(structured, ReadProblem) else structured.blocks
        guess = infermod.guess_type(path, blocks)
        candidate = Candidate(path, guess.type if guess else None, guess.confidence if guess else None,
                              (guess.why_en, guess.why_nl) if guess else None)
        if isinstance(structured, ReadProblem):
            candidate.problem = (structured.message_en, structured.message_nl)
        if guess is not None and not isinstance(structured, ReadProblem):
            candidate.documents = infermod.infer_document(structured, guess.type, matcher, tlp_version=tlp_version)
        found.append(candidate)
    return found


def sidecar_text(candidate: Candidate, lang: str) -> str | None:
    """The sidecar for review: the guessed type and every inferred field, with where each came from."""
    main = [d for d in candidate.documents if d.type == candidate.type]
    if candidate.type is None or len(main) > 1:
        return None  # several meetings in one file: a sidecar describes one document
    values: dict[str, Any] = {"type": candidate.type}
    comments = [
        f"# Written by `isaccheck adopt --write` from {candidate.path}: review every value, then commit."
        if lang == "en" else
        f"# Geschreven door `isaccheck adopt --write` uit {candidate.path}: controleer elke waarde en commit dan.",
        f"# type: {candidate.confidence} ({candidate.why[0 if lang == 'en' else 1] if candidate.why else ''})",
    ]
    for doc in main:
        values.update(doc.values())
        for name, inferred in sorted(doc.fields.items()):
            where = infermod.describe(inferred.location, lang)
            comments.append(f"# {name}: {where} ({inferred.how_en if lang == 'en' else inferred.how_nl})")
    return "\n".join(comments) + "\n" + yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=100)


def write_sidecars(root: Path, found: list[Candidate], lang: str) -> None:
    """Write a sidecar next to each file with a guessed type; never over an existing file."""
    base = root.resolve()
    for candidate in found:
        text = sidecar_text(candidate, lang)
        if text is None:
            candidate.skipped = (
                ("no type guessed; add a `types:` glob or a sidecar by hand", "geen type geraden; voeg een `types:`-glob of zelf een sidecar toe")
                if candidate.type is None else
                ("several meetings in one file: map it with a `types:` glob in isaccheck.yaml instead",
                 "meerdere bijeenkomsten in één bestand: koppel het liever met een `types:`-glob in isaccheck.yaml"))
            continue
        target = base / (candidate.path + SIDECAR_SUFFIX)
        if not target.resolve().is_relative_to(base):
            candidate.skipped = ("the sidecar would leave the repository", "de sidecar zou buiten de repository komen")
            continue
        try:
            with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(text)
        except FileExistsError:
            candidate.skipped = ("a sidecar exists already; not overwritten", "er is al een sidecar; niet overschreven")
            continue
        except OSError as exc:
            raise ConfigError(f"cannot write {candidate.path}{SIDECAR_SUFFIX}: {exc.strerror or exc}") from None
        candidate.written = candidate.path + SIDECAR_SUFFIX


def as_json(found: list[Candidate], lang: str) -> dict[str, Any]:
    def place(inferred: infermod.Inferred) -> dict[str, Any]:
        loc = inferred.location
        return {"value": inferred.value, "line": loc.line if loc else None, "page": loc.page if loc else None,
                "part": loc.part if loc else None, "how": inferred.how_en if lang == "en" else inferred.how_nl}

    files = []
    for c in found:
        files.append({
            "path": c.path, "type": c.type, "confidence": c.confidence,
            "why": c.why[0 if lang == "en" else 1] if c.why else None,
            "documents": [{"type": d.type, "part": d.part, "fields": {k: place(v) for k, v in sorted(d.fields.items())},
                           "notes": [{"code": n.code, "severity": n.severity, "message": n.en if lang == "en" else n.nl,
                                      "where": infermod.describe(n.location, lang) if n.location else None} for n in d.notes]}
                          for d in c.documents],
            "problem": c.problem[0 if lang == "en" else 1] if c.problem else None,
            "written": c.written,
            "skipped": c.skipped[0 if lang == "en" else 1] if c.skipped else None,
        })
    return {"files": files}


_NL_WORDS = {"high": "hoog", "medium": "gemiddeld", "low": "laag", "error": "fout", "warning": "waarschuwing",
             "info": "info"}


def as_text(found: list[Candidate], lang: str) -> str:
    nl = lang == "nl"

    def word(value: str) -> str:
        return _NL_WORDS.get(value, value) if nl else value

    if not found:
        return ("Geen bestanden die nog geen document zijn.\n" if nl else "No files that are not documents yet.\n")
    out: list[str] = []
    for c in found:
        kind = (f"{c.type} ({word(c.confidence or '')}, {c.why[1 if nl else 0]})" if c.type and c.why
                else ("type onbekend" if nl else "type unknown"))
        out.append(f"{c.path}: {kind}")
        if c.problem:
            out.append(f"  ! {c.problem[1 if nl else 0]}")
        for doc in c.documents:
            if doc.part or doc.type != c.type:
                out.append(f"  [{doc.type}{' ' + doc.part if doc.part else ''}]")
            for name, inferred in sorted(doc.fields.items()):
                value = inferred.value
                shown = ", ".join(map(str, value)) if isinstance(value, list) and all(isinstance(v, str) for v in value) \
                    else (f"{len(value)} {'items' if not nl else 'stuks'}" if isinstance(value, list) else str(value))
                if len(shown) > 80:
                    shown = shown[:77] + "..."
                where = infermod.describe(inferred.location, lang)
                out.append(f"  {name}: {shown}  ({where}, {inferred.how_nl if nl else inferred.how_en})")
            for note in doc.notes:
                out.append(f"  {word(note.severity)}: {note.nl if nl else note.en}")
        if c.written:
            out.append(f"  {'geschreven' if nl else 'written'}: {c.written}")
        if c.skipped:
            out.append(f"  {'niet geschreven' if nl else 'not written'}: {c.skipped[1 if nl else 0]}")
    return "\n".join(out) + "\n"
