"""Mapping the organisation names written in minutes to isac.yaml's participants.

Order: exact after normalising (case, punctuation, legal suffixes such as B.V. or Inc.), then
a participant's ``aliases:``, then its representative's or deputy's name (minutes often list
people), then fuzzy matching with rapidfuzz at MATCH_THRESHOLD or above. Names that match no
participant are returned as such, so the caller can list them (never dropped silently).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from rapidfuzz import fuzz

# token_sort_ratio (0-100) after normalise_name, measured on name pairs from the bundled archives
# and typical variants (tests/test_infer.py, FUZZY_PAIRS): typing errors and plurals score 93-98
# ("Gemeente Utrect" 96.8, "Kwekerij Groene Polder" 93.6, "North Quay Terminal" 97.4); other
# organisations with similar names score at most 87.2 ("Agrologistiek Venray" vs "Venlo" 87.2,
# "Gemeente Utrecht-West" 86.5, "Zuivelcooperatie Zuid" vs "Noord" 83.7). 90 lies between: a
# wrong attendee is worse than an unmatched one (that one is listed). Abbreviations ("R'dam",
# 87.2) need `aliases:`.
MATCH_THRESHOLD = 90

_LEGAL_SUFFIXES = re.compile(
    r"\b(?:b\s?v|n\s?v|v\s?o\s?f|inc|incorporated|ltd|limited|llc|llp|plc|gmbh|ag|sa|sarl|corp|corporation|co)\b")


def normalise_name(name: str) -> str:
    """Case, accents, punctuation and legal suffixes removed: "ACME B.V." and "Acme bv" are one name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[.'’`]", "", text)  # B.V. -> bv, R'dam -> rdam
    text = re.sub(r"[^\w]+", " ", text)
    text = _LEGAL_SUFFIXES.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Match:
    written: str
    organisation: str | None  # the participant, None when nothing matched
    how: str  # "exact", "alias", "person", "fuzzy", "none"
    score: float = 100.0


class ParticipantMatcher:
    def __init__(self, participants: Iterable[Mapping[str, Any]]) -> None:
        self.exact: dict[str, str] = {}
        self.alias: dict[str, str] = {}
        self.person: dict[str, str] = {}
        for item in participants:
            organisation = str(item.get("organisation") or "").strip()
            if not organisation:
                continue
            self.exact.setdefault(normalise_name(organisation), organisation)
            aliases = item.get("aliases")
            for alias in aliases if isinstance(aliases, list) else []:
                if isinstance(alias, str) and normalise_name(alias):
                    self.alias.setdefault(normalise_name(alias), organisation)
            for role in ("representative", "deputy"):
                person = item.get(role)
                if isinstance(person, Mapping) and isinstance(person.get("name"), str):
                    key = normalise_name(person["name"])
                    if key:
                        self.person.setdefault(key, organisation)

    def match(self, written: str) -> Match:
        key = normalise_name(written)
        if not key:
            return Match(written, None, "none", 0.0)
        if key in self.exact:
            return Match(written, self.exact[key], "exact")
        if key in self.alias:
            return Match(written, self.alias[key], "alias")
        if key in self.person:
            return Match(written, self.person[key], "person")
        best: tuple[float, str] | None = None
        for candidate, organisation in sorted({**self.alias, **self.exact}.items()):
            score = fuzz.token_sort_ratio(key, candidate)
            if score >= MATCH_THRESHOLD and (best is None or score > best[0]):
                best = (score, organisation)
        if best is not None:
            return Match(written, best[1], "fuzzy", best[0])
        return Match(written, None, "none", 0.0)
