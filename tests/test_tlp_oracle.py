"""find_markings against the line-by-line way it replaced (issue 14, fifth round).

``line_by_line`` below is find_markings as it was before the one-pass candidate search: every line
is walked, a line with one of the marking words (case-insensitive, so ſ, ı and the Kelvin sign
count) is classified, and every line's run of items is counted. Both must give the same markings,
on the same lines, with the same positions, labels, errors, warnings and content-free flags.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isaccheck import tlp
from isaccheck.repository import _HANDLER

ROOT = Path(__file__).resolve().parent.parent
_MARKING_WORD = re.compile(r"tlp|classifi|rubricering", re.I)


def line_by_line(body: str, first_line: int = 1, *, tlp_version: str = "2.0") -> list[tlp.Marking]:
    tlp._version(tlp_version)
    if not _MARKING_WORD.search(body):
        return []
    lines = [line.removesuffix("\r") for line in body.split("\n")]
    in_code = tlp._code_mask(lines)
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    top, bottom = set(non_empty[: tlp._TOP_LINES]), set(non_empty[-tlp._BOTTOM_LINES :])
    found: list[tuple[int, tlp._Found]] = []
    block = 0
    for index, line in enumerate(lines):
        if in_code[index]:
            block += 1
            continue
        if not line.strip():
            continue
        text = tlp._blank_inline_code(line)
        if not tlp._is_item_line(text):
            block += 1
        if not _MARKING_WORD.search(text):
            continue
        region = "top" if index in top else "bottom" if index in bottom else None
        found.extend((index, f) for f in tlp._line_markings(text, region, block))
    found = tlp._drop_legends(found, tlp_version)
    markings = [tlp._marking(f, first_line + index, tlp_version) for index, f in found]
    return [replace(m, content_free=True) if f.position == "heading" and tlp._section_is_empty(lines, in_code, index)
            else m for (index, f), m in zip(found, markings)]


def seen(markings: list[tlp.Marking]) -> list[tuple[object, ...]]:
    # An error is an exception object: compared by its messages.
    return [(m.label, m.raw, m.line, m.position, m.warnings, m.content_free,
             (m.error.message.en, m.error.message.nl) if m.error else None) for m in markings]


def assert_same(body: str, first_line: int = 1, tlp_version: str = "2.0") -> None:
    assert seen(tlp.find_markings(body, first_line, tlp_version=tlp_version)) == \
        seen(line_by_line(body, first_line, tlp_version=tlp_version))


def _texts() -> list[str]:
    """Every Markdown body of the bundled examples, and every string in the tests (the hostile
    documents, the TLP tests' bodies...)."""
    texts: list[str] = []
    for path in sorted((ROOT / "evidence-examples").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if _HANDLER.detect(text):
            try:
                text = _HANDLER.split(text)[1]
            except ValueError:
                pass
        texts.append(text)
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
                texts.append(node.value)
    return texts


def test_the_bundled_examples_and_the_tests_texts_are_marked_as_line_by_line() -> None:
    texts = _texts()
    assert len(texts) > 3000
    marked = 0
    for text in texts:
        for version in ("2.0", "1.0"):
            assert_same(text, 3, version)
        marked += bool(tlp.find_markings(text))
    assert marked > 300  # the comparison saw many markings, not only empty answers


FRAGMENTS = ["TLP:RED", "tlp:amber", "TLP-GROEN", "TLP: AMBER+STRICT", "TLP:WHITE", "Classificatie: rood",
             "Rubricering:", "classification: GREEN", "**TLP:** RED", "TLP`x`:RED", "TLP ``", "`TLP:RED`", "TLP",
             "claſſificatie: rood", "rubrıcering: geel", "\u0130", "\u212a", "é", "RED", "AMBER", "- ", "* ", "1. ",
             "# ", "## ", "| ", " |", "> ", "`", "```", "~~~", "**", "_", "text", "means", "=", " ", "\n", "\n\n",
             "\r\n", "    ", "\t", ":", "-", "niet genotuleerd", "Rondje rood (TLP:RED)"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.integers(1, 9), st.sampled_from(["2.0", "1.0"]))
def test_random_bodies_are_marked_as_line_by_line(pieces: list[str], first_line: int, version: str) -> None:
    assert_same("".join(pieces), first_line, version)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["- TLP:RED", "- TLP:AMBER", "- TLP:GREEN", "- TLP:CLEAR", "| TLP:RED |",
                                 "1. TLP:AMBER+STRICT", "text", "", "```", "    code", "`x` - TLP:RED"]), max_size=14))
def test_legends_are_found_as_line_by_line(lines: list[str]) -> None:
    # Four or more items: which run each belongs to decides whether they are a legend.
    assert_same("\n".join(lines))


WORD_PIECES = ["tlp", "TLP", "tLp", "classificati", "CLASSIFICATION", "Classificatie", "rubricering", "RUBRICERING",
               "claſſificatie", "rubrıcering", "tl", "p", "x", " ", "\t", "*", "_", ":", "-", "`", "\n", "ſ", "ı", "İ",
               "K", "\u212a", "é", "ß"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(WORD_PIECES), max_size=10))
def test_candidate_lines_are_the_patterns(pieces: list[str]) -> None:
    # The lower-case way must find the lines the case-insensitive pattern finds.
    text = "".join(pieces)
    expected = sorted({text.count("\n", 0, m.start()) for m in tlp._CANDIDATE.finditer(text)})
    assert tlp._candidate_lines(text) == expected


@pytest.mark.parametrize("body", ["TLP:RED", "x\nTLP: AMBER\ny", "- TLP:RED\n- TLP:AMBER\n- TLP:GREEN\n- TLP:CLEAR"])
def test_only_candidate_lines_are_classified(monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    classified: list[str] = []
    original = tlp._line_markings

    def counting(text: str, region: str | None, block: int) -> list[tlp._Found]:
        classified.append(text)
        return original(text, region, block)

    monkeypatch.setattr(tlp, "_line_markings", counting)
    tlp.find_markings(body + "\n" + "prose about TLP and classification\n" * 50)
    assert classified == [line for line in body.split("\n") if "TLP" in line]
