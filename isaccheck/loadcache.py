"""What loading a file gave, kept for the rest of one run (history, the report's trend).

`isaccheck history` and the report's trend evaluate the repository at every year end. Most
files are the same blob from one year to the next, so reading, parsing, validating and scanning
them again gives the same documents and findings: a year end is a different set of blob ids,
not a different parse. The cache maps what a file's loading depends on to what it produced:

- the file: its path, how it is read (Markdown, or a sidecar and whether the file it describes
  exists) and its content, by git blob id when the source knows it (so an unchanged blob is not
  even read again) or else by a digest of its bytes;
- the settings that loading uses (isaccheck.yaml, the ISAC's TLP version, participants and
  community, the types that must carry a label): their fingerprint is part of the key, so a
  year in which they differ loads the file again.

Documents and findings are frozen values, so sharing them between evaluations is safe. One
cache lives for one command; nothing is written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import Document, Finding

if TYPE_CHECKING:
    from .rulepack import RulePack


@dataclass(frozen=True)
class Loaded:
    """What loading one file added: documents, findings and a type sniffed from a broken file."""

    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    unreadable_type: str | None


@dataclass
class LoadCache:
    files: dict[tuple[Any, ...], Loaded] = field(default_factory=dict)
    packs: dict[str, RulePack] = field(default_factory=dict)  # rule packs by the text of the extra packs
    hits: int = 0
    misses: int = 0
