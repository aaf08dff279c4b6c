from __future__ import annotations

import time

import pytest

from isaccheck.yamlutil import YamlError, load_yaml


def test_lines_and_dates_become_iso_strings() -> None:
    loaded = load_yaml("a: 1\nb:\n  c: 2026-03-12\n  d: [x, y]\n", first_line=2)
    assert loaded.data == {"a": 1, "b": {"c": "2026-03-12", "d": ["x", "y"]}}
    assert loaded.lines["a"] == 2
    assert loaded.lines["b.c"] == 4
    assert loaded.lines["b.d.1"] == 5


def test_plain_scalars_are_remembered_for_yaml11_hints() -> None:
    loaded = load_yaml("time: 14:00\nanswer: no\nversion: 1.10\nquoted: '14:00'\n")
    assert loaded.data == {"time": 840, "answer": False, "version": 1.1, "quoted": "14:00"}
    assert loaded.plain_scalars["time"] == "14:00"
    assert "quoted" not in loaded.plain_scalars


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(YamlError) as exc:
        load_yaml("a: 1\nb: [unclosed\nc: 3\n", first_line=2)
    assert exc.value.line is not None and exc.value.line >= 3
    assert "YAML syntax error" in exc.value.message


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for name in "bcdefghi":
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    started = time.monotonic()
    with pytest.raises(YamlError) as exc:
        load_yaml(bomb)
    assert time.monotonic() - started < 5
    assert "too many values" in exc.value.message


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlError):
        load_yaml("a: &a [*a]\n")


def test_multiple_documents_are_an_error() -> None:
    with pytest.raises(YamlError):
        load_yaml("a: 1\n---\nb: 2\n")


def test_python_tags_never_run_code() -> None:
    with pytest.raises(YamlError):
        load_yaml("a: !!python/object/apply:os.system ['true']\n")


# -- Dutch messages (issue 12) ------------------------------------------------------------------

@pytest.mark.parametrize("text, line, nl", [
    ("a: 1\n\tb: 2\n", 2, "een tab: YAML springt alleen met spaties in; vervang de tab door spaties"),
    ("title: Notulen: 12 maart\n", 1, "zet die tekst dan tussen aanhalingstekens"),
    ('a: "open\n', 2, "een aanhalingsteken niet gesloten?"),
    ("a: [1, 2\n", 2, "een lijst met [ ] of een verzameling met { } wordt niet goed gesloten (in een lijst tussen [ ])"),
    ("a: {b\n", None, "YAML-syntaxfout"),
])
def test_yaml_syntax_errors_in_dutch(text: str, line: int | None, nl: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert nl in caught.value.message_nl and caught.value.message.startswith("YAML syntax error")
    if line is not None:
        assert caught.value.line == line
    for english in ("found", "while", "expected", "mapping", "scanning"):
        assert english not in caught.value.message_nl


def test_a_tab_is_named_in_english_too() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("a: 1\n\tb: 2\n")
    assert "a tab" in caught.value.message
