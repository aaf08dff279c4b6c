"""tlpout.Quoting decides from precomputed label facts (issue 14, tenth round): the same as its plain definitions.

Every message of every year end of `history` passes Quoting: whether a source is above the ceiling
is a lookup in the set of labels too high for it, and labels hash by identity (Enum's own hash is a
Python call per lookup). The decisions must be those of too_high and a walk by rank, for every
ceiling, every label and sources without one.
"""

from __future__ import annotations

import itertools
import random

import pytest

from isaccheck.tlp import Label, most_restrictive
from isaccheck.tlpout import Quoting, too_high

LABELS = [*Label, None]


def _plain_blocked(labels: dict[str, Label], sources: set[str], ceiling: Label) -> dict[str, Label]:
    return {p: label for p in sources if (label := labels.get(p)) is not None and too_high(label, ceiling)}


def _plain_label(labels: dict[str, Label], sources: set[str]) -> Label | None:
    present = [label for p in sources if (label := labels.get(p)) is not None]
    return max(present, key=lambda label: list(Label).index(label), default=None)


@pytest.mark.parametrize("ceiling", LABELS)
def test_quoting_decides_as_too_high_and_the_rank_walk(ceiling: Label | None) -> None:
    rng = random.Random(7)
    labels = {f"d{n}.md": label for n, label in enumerate(Label)}
    limit = ceiling or Label.AMBER_STRICT
    for size in range(0, 4):
        for combination in itertools.combinations([*labels, "unlabelled.md", "other.md"], size):
            sources = set(combination)
            quoting = Quoting(labels, ceiling)
            assert quoting.blocked(sources) == _plain_blocked(labels, sources, limit)
            assert quoting.label_of(sources) is _plain_label(labels, sources)
            notice = quoting.admit(sources)
            assert (notice is None) == (not _plain_blocked(labels, sources, limit))
            assert quoting.shown == ([] if notice else [_plain_label(labels, sources)])
    assert most_restrictive(rng.sample(list(Label), 5)) is Label.RED and most_restrictive([None]) is None


def test_labels_hash_by_identity() -> None:
    # Enum's __hash__ hashes the name in Python: a call for every dict or set lookup of a label.
    assert all(hash(label) == object.__hash__(label) for label in Label)
    assert {label: label.rank for label in Label} == {Label.CLEAR: 0, Label.GREEN: 1, Label.AMBER: 2,
                                                      Label.AMBER_STRICT: 3, Label.RED: 4}
