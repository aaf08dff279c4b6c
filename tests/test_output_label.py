"""repository._output_label's shortcut (no markings, no incident round) against the full way."""

from __future__ import annotations

import itertools
from typing import Any

from isaccheck import tlp
from isaccheck.repository import _output_label


def full_way(front: tlp.Label | None, markings: list[tlp.Marking], meta: dict[str, Any], refused: bool) -> str | None:
    """The output label as the loader worked it out before the shortcut: every label counted,
    and RED when any of them (or the frontmatter's) cannot be read."""
    items = meta.get("roundtable")
    raws = [item["tlp"] for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and item.get("tlp") is not None]
    if refused or any(m.label is None for m in markings):
        return tlp.Label.RED.value
    labels = [front, *(m.label for m in markings)]
    for raw in raws:
        try:
            labels.append(tlp.parse_label(raw).label)
        except tlp.TlpError:
            return tlp.Label.RED.value
    found = tlp.most_restrictive(labels)
    return found.value if found else None


MARKINGS = [[], tlp.find_markings("TLP:GREEN\n\ntext"), tlp.find_markings("TLP:PURPLE\n\ntext"),
            tlp.find_markings("TLP:RED\n\ntext")]
METAS: list[dict[str, Any]] = [{}, {"tlp": "AMBER"}, {"roundtable": None}, {"roundtable": []},
                               {"roundtable": [{"tlp": "RED"}]}, {"roundtable": [{"tlp": "ROZE"}]}, {"roundtable": "x"}]


def test_the_output_label_is_the_full_ways() -> None:
    assert MARKINGS[2][0].label is None  # an unreadable marking is among the cases
    for front, markings, meta, refused in itertools.product([None, *tlp.Label], MARKINGS, METAS, [False, True]):
        assert _output_label(front, markings, meta, refused) == full_way(front, markings, meta, refused)
