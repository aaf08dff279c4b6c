"""Resource limits: small hostile files cost little (issue 15, points 8 and 9).

Each attack is reproduced at a size that took seconds to minutes (or all memory) before the
fix and runs in well under a second after it; the time bounds are generous (a shared machine),
the point is the order of magnitude.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isaccheck import tlp
from isaccheck.repository import heading, load_repository, sections_from_body
from isaccheck.sources import WorkingTreeSource
from isaccheck.yamlutil import YamlError, load_yaml

# The patterns the linear code replaced: the reference for what must still be found.
OLD_INLINE_CODE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")
OLD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def alias_bomb_minutes(repeats: int = 19_000, length: int = 10_000) -> str:
    """Minutes whose items repeat one long text by aliases: ~67 KB on disk, ~190 MB expanded."""
    items = ", ".join(["*s"] * repeats)
    return (f"---\ntype: minutes\ndate: 2026-03-01\ntlp: AMBER\nattendees: [Alpha]\n"
            f"long: &s \"{'x' * length}\"\nitems: [{items}]\n---\n# Minutes\n")


def timed(action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


# --------------------------------------------------------------------------- YAML aliases


def test_alias_bomb_in_a_document_is_refused_quickly(make_repo) -> None:
    root = make_repo({"meetings/2026-03-01/minutes.md": alias_bomb_minutes(),
                      "meetings/2026-03-01/agenda.md": "---\ntype: agenda\ndate: 2026-03-01\ntlp: GREEN\n---\n"})
    repo, seconds = timed(lambda: load_repository(WorkingTreeSource(root)))
    assert seconds < 2
    (finding,) = [f for f in repo.findings if f.path == "meetings/2026-03-01/minutes.md"]
    assert finding.code == "yaml-syntax" and finding.line == 7
    assert "aliases" in finding.message.en and "verwijzingen" in finding.message.nl  # Dutch runs stay Dutch
    assert [d.path for d in repo.documents] == ["meetings/2026-03-01/agenda.md"]


def test_any_alias_in_a_document_or_sidecar_is_refused(make_repo) -> None:
    root = make_repo({
        "a.md": "---\ntype: minutes\ndate: &d 2026-03-01\nissued_on: *d\ntlp: AMBER\nattendees: [Alpha]\n---\n",
        "b.pdf.meta.yaml": "type: annual-plan\nyear: 2026\ndate: &d 2026-01-15\nadopted_on: *d\nambitions: grow\n",
        "b.pdf": b"%PDF-1.4",
    })
    repo = load_repository(WorkingTreeSource(root))
    found = {(f.path, f.code, f.line) for f in repo.findings}
    assert ("a.md", "yaml-syntax", 4) in found and ("b.pdf.meta.yaml", "yaml-syntax", 4) in found
    assert repo.documents == ()


def test_an_anchor_without_alias_is_fine_in_a_document() -> None:
    assert load_yaml("a: &x 1\nb: 2\n", aliases=False).data == {"a": 1, "b": 2}


def test_aliases_in_settings_stay_allowed_but_bounded_in_characters() -> None:
    assert load_yaml("a: &x [1, 2]\nb: *x\n").data == {"a": [1, 2], "b": [1, 2]}
    bomb = f"long: &s \"{'x' * 100_000}\"\nmany: [" + ", ".join(["*s"] * 19) + "]\n"
    with pytest.raises(YamlError) as exc:
        load_yaml(bomb)
    assert "too much text" in exc.value.message and exc.value.line == 2
    assert "te veel tekst" in exc.value.message_nl


def test_the_check_survives_an_alias_bomb(make_repo) -> None:
    from click.testing import CliRunner

    from isaccheck.cli import cli

    root = make_repo({"meetings/2026-03-01/minutes.md": alias_bomb_minutes()})
    result, seconds = timed(lambda: CliRunner().invoke(
        cli, ["check", str(root), "--as-of", "2026-06-30", "--no-git", "--format", "json"]))
    assert result.exit_code in (0, 1), result.output
    assert "yaml-syntax" in result.output and seconds < 10


# --------------------------------------------------------------------------- inline code


def growing_backticks(size: int) -> str:
    runs, total, n = [], 0, 1
    while total < size:
        runs.append("`" * n + "a")
        total += n + 1
        n += 1
    return "".join(runs)


def test_a_megabyte_line_of_growing_backtick_runs_is_scanned_quickly() -> None:
    line = growing_backticks(1_000_000) + " TLP:RED"
    markings, seconds = timed(lambda: tlp.find_markings(line))
    assert seconds < 1
    assert markings == []  # prose mention, but the scan got to the end of the line


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="`a b", max_size=40))
def test_inline_code_spans_are_those_of_the_old_pattern(line: str) -> None:
    expected = OLD_INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
    assert tlp._blank_inline_code(line) == expected


def test_code_span_hides_a_marking_and_an_unclosed_run_does_not() -> None:
    assert tlp.find_markings("- ``TLP:RED`` item\n") == []
    assert [m.raw for m in tlp.find_markings("- ``` TLP:RED\n")] == ["TLP:RED"]


# --------------------------------------------------------------------------- other string work


def test_a_heading_followed_by_a_long_run_of_spaces_is_read_quickly() -> None:
    body = "# Doel" + " " * 200_000 + "x\ntext\n"
    _, seconds = timed(lambda: sections_from_body(body))
    assert seconds < 1


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="# \tax\u00a0", max_size=20))
def test_headings_are_read_as_by_the_old_pattern(line: str) -> None:
    old = OLD_HEADING.match(line)
    assert heading(line) == ((len(old[1]), old[2]) if old else None)


@pytest.mark.parametrize("body", [
    "TLP:AMBER_" + "S" * 1_000_000,   # a garbled +STRICT tail of a megabyte
    "TLP:" + "Q" * 1_000_000,         # a label word of a megabyte
])
def test_long_label_words_are_not_compared_letter_by_letter(body: str) -> None:
    _, seconds = timed(lambda: tlp.find_markings(body))
    assert seconds < 1
    assert tlp._diagnose("Q" * 25) == (None, None)


def test_bounded_diagnosis_still_suggests_near_labels() -> None:
    assert tlp._diagnose("AMBR")[1] == tlp.Label.AMBER
    assert tlp._looks_like_strict("_STRCT")


def test_a_megabyte_type_name_is_shortened_and_not_compared(make_repo) -> None:
    root = make_repo({"x.md": "---\ntype: minutes" + "x" * 1_000_000 + "\n---\n"})
    repo, seconds = timed(lambda: load_repository(WorkingTreeSource(root)))
    (finding,) = repo.findings
    assert finding.code == "unknown-type" and finding.line == 2 and seconds < 2
    assert "`minutesxxx" in finding.message.en and len(finding.message.en) < 500


# --------------------------------------------------------------------------- find_markings' word filter
# (the lines find_markings skips unread: tests/test_tlp_oracle.py compares it with the line-by-line way)


TOKEN_PIECES = ["TLP", "tlp", "Tlp", "TLP:", "TLP :", "TLP-", "tlp -", ":", "-", " ", "\t", "AMBER", "amber+strict",
                "RED", "CLEAR", "GREEN", "_", "*", "x", "gebruik", "+", "STRICT", "/", ".", "@", "é", "ſ"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TOKEN_PIECES), max_size=10))
def test_text_without_a_separator_holds_no_label_token(pieces: list[str]) -> None:
    # _tokens skips the pattern for text with neither ':' nor '-': it must find what the pattern finds.
    text = "".join(pieces)
    assert tlp._tokens(text) == tlp._scan_tokens(text)
