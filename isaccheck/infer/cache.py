"""Inferred fields cached next to the extracted text (issue 10, point 8).

A second run over an unchanged archive should cost about what reading frontmatter costs; the
reader's cache (isaccheck.read.cache) saves the extraction, this saves the inference. The key is
everything the result depends on: the file's content, its path (dates in names and folders), the
type, the TLP version and the participants' names (matching). The directory carries the isaccheck
version and INFER_VERSION, so a release or a change of the rules never sees old results. A
missing, corrupt or unwritable cache makes a run slower, never different.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Sequence

from .. import __version__
from ..read.cache import READER_VERSION, atomic_write, cache_folder, json_chunks
from ..read.model import Location
from . import Inferred, InferredDocument, Note

# Bump when inference gives another result for the same input.
INFER_VERSION = "1"


def directory(repo_root: str | None) -> Path | None:
    # None: caching off, or the cache would lie inside the checked repository
    return cache_folder(repo_root, "infer", f"{__version__}-r{READER_VERSION}-i{INFER_VERSION}")


def key(content: str, path: str, doc_type: str, tlp_version: str, participants: Sequence[Any]) -> str:
    who = json.dumps(participants, sort_keys=True, default=str, ensure_ascii=False)
    raw = "\0".join((content, path, doc_type, tlp_version, who))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _loc(location: Location | None) -> list[Any] | None:
    return None if location is None else [location.line, location.page, location.part]


def _unloc(raw: Any) -> Location | None:
    return None if raw is None else Location(line=raw[0], page=raw[1], part=raw[2])


def encode(found: Sequence[InferredDocument]) -> list[Any]:
    return [[d.path, d.type, d.part,
             [[name, v.value, _loc(v.location), v.how_en, v.how_nl] for name, v in d.fields.items()],
             [[n.code, n.severity, n.en, n.nl, _loc(n.location)] for n in d.notes]] for d in found]


def decode(raw: list[Any]) -> list[InferredDocument]:
    return [InferredDocument(
        path, doc_type, {name: Inferred(value, _unloc(loc), en, nl) for name, value, loc, en, nl in fields},
        tuple(Note(code, severity, en, nl, _unloc(loc)) for code, severity, en, nl, loc in notes), part)
        for path, doc_type, part, fields, notes in raw]


def load(folder: Path | None, name: str) -> list[InferredDocument] | None:
    if folder is None:
        return None
    try:
        with open(os.path.join(folder, name[-2:], name + ".json"), "rb") as handle:
            return decode(json.loads(handle.read()))
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def store(folder: Path | None, name: str, found: Sequence[InferredDocument]) -> None:
    if folder is None:
        return
    atomic_write(folder / name[-2:] / f"{name}.json", json_chunks(encode(found)))
