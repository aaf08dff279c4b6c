from __future__ import annotations

import time

import yaml

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


# --------------------------------------------------------------------------- one-pass loading (issue 14)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from isaccheck import yamlutil  # noqa: E402

SCALARS = ["x", "1", "1.0", "0x1F", "true", "no", "null", "~", "2026-03-12", "2026-13-45", "2026-03-12 10:00:00",
           "14:00", "'quoted'", '"2026-03-12"', "!!str 5", "!!set {a, b}", "!!pairs [a: 1]", "!!binary aGk=",
           "&a x", "*a", "[1, 2]", "{}", "{1: a, '1': b}", "{true: a, 1: b}", "{1: a, 1.0: b}", "!!python/none ''",
           "<<: {m: 1}", "{[1]: x}", "=", ".nan", "-.inf", "2026-03-12T10:00:00+02:00"]


def loaded(text: str, aliases: bool) -> tuple[object, ...]:
    try:
        got = load_yaml(text, 3, aliases=aliases)
    except YamlError as exc:
        return ("error", exc.message, exc.line)
    return (repr(got.data), got.lines, got.plain_scalars)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "1", "date", "<<"]), st.sampled_from(SCALARS)), max_size=6),
       st.booleans())
def test_one_pass_loading_equals_the_three_passes(fields: list[tuple[str, str]], aliases: bool) -> None:
    text = "".join(f"{key}: {value}\n" if not value.startswith("<<") else f"{value}\n" for key, value in fields)
    text += "list:\n" + "".join(f"  - {value}\n" for _, value in fields)
    fast = loaded(text, aliases)

    def fallback(*args: object, **kwargs: object) -> None:
        raise yamlutil._Fallback

    original = yamlutil._build
    yamlutil._build = fallback  # type: ignore[assignment]
    try:
        assert loaded(text, aliases) == fast
    finally:
        yamlutil._build = original


def test_plain_documents_take_the_one_pass_way(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_walk(*args: object) -> None:
        raise AssertionError("the three-pass way was taken")

    monkeypatch.setattr(yamlutil, "_walk", no_walk)
    got = load_yaml("type: minutes\ndate: 2026-03-12\nattendees: [A, B]\nroundtable: [{tlp: RED, n: 1.5}]\n", 2)
    assert got.data == {"type": "minutes", "date": "2026-03-12", "attendees": ["A", "B"],
                        "roundtable": [{"tlp": "RED", "n": 1.5}]}
    assert got.lines["roundtable.0.tlp"] == 5 and got.plain_scalars["date"] == "2026-03-12"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=".-+infINFaNA0 ", max_size=6))
def test_the_not_finite_check_refuses_exactly_what_its_pattern_matches(value: str) -> None:
    # _check_finite skips values whose first two characters hold no dot before the pattern runs.
    node = yaml.ScalarNode("tag:yaml.org,2002:float", value, start_mark=yaml.Mark("", 0, 0, 0, None, None))
    refused = False
    try:
        yamlutil._check_finite(node, 1)
    except yamlutil.YamlError:
        refused = True
    assert refused == bool(yamlutil._NOT_FINITE.fullmatch(value))


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=12), st.sampled_from(["", "~", "null", "yes", "No", "on", "0x1F", "0o17", "1_000",
                                                         "1.5e3", ".inf", "-.NaN", "2026-03-12", "2026-03-12 10:00",
                                                         "14:00", "<<", "=", "true", "1.10", "+1", "0b101"])),
       st.tuples(st.booleans(), st.booleans()))
def test_a_remembered_tag_is_the_one_the_loader_resolves(value: str, implicit: tuple[bool, bool]) -> None:
    loader = yamlutil._SafeLoader("")
    try:
        expected = yaml.resolver.BaseResolver.resolve(loader, yaml.ScalarNode, value, implicit)
        assert loader.resolve(yaml.ScalarNode, value, implicit) == expected
        for kind in (yaml.SequenceNode, yaml.MappingNode):
            assert loader.resolve(kind, None, implicit[0]) == yaml.resolver.BaseResolver.resolve(loader, kind, None,
                                                                                               implicit[0])
    finally:
        loader.dispose()


@pytest.mark.parametrize("comment, remembered", [("", 1), (" # parser", 2)])
def test_long_scalars_are_not_remembered(comment: str, remembered: int) -> None:
    yamlutil._resolved.cache_clear()
    load_yaml("a: " + "x" * (yamlutil._RESOLVED_MAX + 1) + comment + "\n")
    # The key `a` (and, on the parser's way, the mapping), not the long text.
    assert yamlutil._resolved.cache_info().currsize == remembered


# --------------------------------------------------------------------------- the flat way (issue 14, fifth round)

FLAT_KEYS = ["a", "type", "_x", "date", "tlp", "yes", "on", "Null", "1", "1.5", "<<", "a b", "é", "k" * 129]
FLAT_VALUES = ["x", "AMBER", "shared-information", "2026-03-12", "2026-13-45", "2026-03-12 10:00", "1", "-1", "+1",
               "1_000", "0x1F", "0o17", "0b101", "1.5", "1.5e3", "1e3", "1.", ".5", ".inf", "-.inf", ".NaN", "true",
               "No", "on", "y", "null", "Null", "~", "", "x ", " x", "a  b", "a #b", "a#b", "a: b", "a:b", "- x", "[1]",
               "{a: 1}", "*a", "&a x", "!!str 5", "|", ">", "%x", "@x", "`x", "?x", "é", "x\t", "'q'", "'it''s'", "''",
               '"q"', '""', '"a\\"b"', '"a\\nb"', '"a # b"', "'a: b'", '"2026-03-12"', "x.", "x/y", "a+b", "1:30",
               "x" * 70, "1" * 70, "yes" + "s" * 70, "Überleg", "xé", '"é"', "'ë'", "a\u00a0", "a\u0085b", '"a\u2028b"',
               "'a\u2029'", "a\ufeffb", '"\ufeff"', "a\ufffe", "x\U0001f600", "a\x7f", "a\x01", '"\x0b"']


def flat_text(lines: list[tuple[str, str, str]], tail: str) -> str:
    return "".join(f"{key}{sep}{value}\n" if key else f"{value}\n" for key, sep, value in lines) + tail


FLAT_GOOD_VALUES = ["x", "AMBER", "2026-03-12", "2026-13-45", "1", "0x1F", "1.5", "1e3", "No", "null", "a  b", "x.",
                    "'q'", '"q"', '""', '"a # b"', "'a: b'", "x" * 70, "1" * 70, "yes" + "s" * 70, "xé", '"Zoë"',
                    "'a\u2028'", "a\u0085b", "x\U0001f600", '"\ufeff"']
ANY_LINE = st.tuples(st.sampled_from(FLAT_KEYS + [""] * 2), st.sampled_from([": ", ":  ", ":", " : "]),
                     st.sampled_from(FLAT_VALUES + ["", " ", "# c", "---", "...", "  b: 1", "- x"]))
# Half the lines are of the kind _flat reads, so that many texts take the flat way whole.
GOOD_LINE = st.tuples(st.sampled_from(["a", "b", "type", "_x", "date", "tlp", "yes"]), st.just(": "),
                      st.sampled_from(FLAT_GOOD_VALUES))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(GOOD_LINE, st.just(("", "", "")), ANY_LINE), max_size=5),
       st.sampled_from(["", "\n", "\n\n", "\n", "x", "\r\n"]), st.booleans(), st.integers(1, 3))
def test_the_flat_way_equals_the_parsers(lines: list[tuple[str, str, str]], tail: str, aliases: bool,
                                         first_line: int) -> None:
    # Whatever _flat takes it must read exactly as the parser and _build do (values, lines, plain
    # scalars, their order); whatever it leaves goes the parser's way unchanged.
    text = flat_text(lines, tail)

    def result() -> tuple[object, ...]:
        try:
            got = load_yaml(text, first_line, aliases=aliases)
        except YamlError as exc:
            return ("error", exc.message, exc.message_nl, exc.line)
        return (repr(got.data), list(got.lines.items()), list(got.plain_scalars.items()))

    fast = result()
    original = yamlutil._flat
    yamlutil._flat = lambda *args: None  # type: ignore[assignment]
    try:
        assert result() == fast
    finally:
        yamlutil._flat = original


def test_a_flat_frontmatter_is_read_without_the_parser(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_parser(*args: object) -> None:
        raise AssertionError("the parser was used")

    monkeypatch.setattr(yamlutil._SafeLoader, "get_single_node", no_parser)
    got = load_yaml('\ntype: minutes\ntitle: "Kwartaal: Q1"\n\ndate: 2026-03-12\nn: 3\nok: yes\nnote: \'x\'\n', 1)
    assert got.data == {"type": "minutes", "title": "Kwartaal: Q1", "date": "2026-03-12", "n": 3, "ok": True,
                        "note": "x"}
    assert got.lines == {"": 2, "type": 2, "title": 3, "date": 5, "n": 6, "ok": 7, "note": 8}
    assert got.plain_scalars == {"type": "minutes", "date": "2026-03-12", "n": "3", "ok": "yes"}


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: .inf\n", "yes: 1\n", "a: x # c\n", "a: x\n  b: 1\n",
                                  "a: 1:30\n", "\n\n", "a: é\n", "a: x\r\n",
                                  "a: x\u2028\n", 'a: "\x85"\n', "a: '\ufeff'\n"])
def test_what_the_flat_way_leaves_to_the_parser(text: str) -> None:
    assert yamlutil._flat(text, 1) is None


def test_the_flat_way_remembers_short_lines_only_and_a_bounded_number(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(yamlutil, "_LINE_MEMO", {})
    monkeypatch.setattr(yamlutil, "_LINE_MEMO_SIZE", 3)
    long = "title: " + "x" * yamlutil._LINE_MEMO_CHARS
    texts = ["type: minutes\nn: 3\n", "type: minutes\nok: yes\n", f"{long}\nday: 2026-02-30\n", "type: minutes\nn: 3\n"]
    for text in texts * 2:
        got = load_yaml(text, 2)
        original = yamlutil._flat
        yamlutil._flat = lambda *args: None  # type: ignore[assignment]
        try:
            parsed = load_yaml(text, 2)
        finally:
            yamlutil._flat = original
        assert (got.data, got.lines, got.plain_scalars) == (parsed.data, parsed.lines, parsed.plain_scalars)
    assert list(yamlutil._LINE_MEMO) == ["type: minutes", "n: 3", "ok: yes"]  # full after three; long lines never


def test_the_flat_lines_character_classes_are_the_printable_ranges() -> None:
    # What _FLAT_LINE's negated classes must allow, written as the ranges: printable ASCII, and
    # YAML's printable characters above it except its line breaks and the byte order mark.
    def wide(c: int) -> bool:
        return 0xA0 <= c <= 0x2027 or 0x202A <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD and c != 0xFEFF or c >= 0x10000

    def plain(c: int) -> bool:
        return chr(c) in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _./+-" or wide(c)

    samples = list(range(0x10000)) + [0x10000, 0x1F600, 0x10FFFF]
    for c in samples:
        char = chr(c)
        if 0xD800 <= c <= 0xDFFF:
            continue  # no text read from a file holds a lone surrogate
        printable = 0x20 <= c <= 0x7E or wide(c)
        assert bool(yamlutil._FLAT_LINE.fullmatch(f'a: "x{char}x"')) == (printable and char not in '"\\'), hex(c)
        assert bool(yamlutil._FLAT_LINE.fullmatch(f"a: 'x{char}x'")) == (printable and char != "'"), hex(c)
        assert bool(yamlutil._FLAT_LINE.fullmatch(f"a: x{char}x")) == plain(c), hex(c)
        assert bool(yamlutil._FLAT_LINE.fullmatch(f"a: x{char}")) == (plain(c) and char != " "), hex(c)
