"""Tests for isaccheck.tlp: parsing, markings, document label checks, sharing checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isaccheck.model import Text
from isaccheck.tlp import (
    DEFAULT_SEVERITY,
    FINDING_CODES,
    POSITIONS,
    Label,
    LabelProblem,
    Marking,
    Parsed,
    TlpError,
    check_document_labels,
    check_sharing,
    deprecation_problems,
    find_markings,
    most_restrictive,
    parse_label,
    published_must_be_clear,
    recipient_kind,
)

C, G, A, S, R = Label.CLEAR, Label.GREEN, Label.AMBER, Label.AMBER_STRICT, Label.RED

# --------------------------------------------------------------------------- labels


def test_rank_order_and_canonical() -> None:
    assert [label.rank for label in (C, G, A, S, R)] == [0, 1, 2, 3, 4]
    assert S.value == "AMBER+STRICT"
    assert S.canonical == "TLP:AMBER+STRICT"
    assert str(R) == "TLP:RED"
    assert Label("AMBER+STRICT") is S  # Document.tlp holds the value


def test_most_restrictive() -> None:
    assert most_restrictive([]) is None
    assert most_restrictive([None]) is None
    assert most_restrictive([G, R, A]) is R
    assert most_restrictive(iter([A, S, None, C])) is S


# --------------------------------------------------------------------------- parsing table

# (spelling, expected label, warning expected)
ACCEPTED: list[tuple[str, Label, bool]] = [
    # canonical TLP 2.0
    ("TLP:CLEAR", C, False),
    ("TLP:GREEN", G, False),
    ("TLP:AMBER", A, False),
    ("TLP:AMBER+STRICT", S, False),
    ("TLP:RED", R, False),
    # space after (or around) the colon, any case
    ("TLP: AMBER", A, False),
    ("TLP : RED", R, False),
    ("TLP:  GREEN", G, False),
    ("Tlp:Amber", A, False),
    ("tlp:Amber+Strict", S, False),
    ("  TLP:RED  ", R, False),
    ("TLP:\u00a0AMBER", A, False),  # a non-breaking space from a word processor
    # bare colours (frontmatter)
    ("AMBER", A, False),
    ("amber", A, False),
    ("Red", R, False),
    ("green", G, False),
    ("clear", C, False),
    ("AMBER+STRICT", S, False),
    ("amber+strict", S, False),
    # MISP machine tags
    ("tlp:amber", A, False),
    ("tlp:amber+strict", S, False),
    ("tlp:clear", C, False),
    ("tlp:green", G, False),
    ("tlp:red", R, False),
    ("tlp:white", C, True),
    # TLP 1.0 WHITE
    ("TLP:WHITE", C, True),
    ("WHITE", C, True),
    ("white", C, True),
    ("TLP: WHITE", C, True),
    # hyphen / space form and Dutch colour names
    ("TLP-AMBER", A, True),
    ("TLP-GROEN", G, True),
    ("TLP-ROOD", R, True),
    ("TLP-WIT", C, True),
    ("TLP - RED", R, True),
    ("TLP AMBER", A, True),
    ("GROEN", G, True),
    ("groen", G, True),
    ("ROOD", R, True),
    ("Rood", R, True),
    ("WIT", C, True),
    ("TLP:ROOD", R, True),
    ("TLP:GROEN", G, True),
    ("tlp:wit", C, True),
]

# (spelling, expected suggestion or None)
REFUSED: list[tuple[str, str | None]] = [
    ("TLP:YELLOW", None),
    ("GEEL", None),
    ("TLP:ORANGE", "TLP:AMBER"),
    ("ORANJE", "TLP:AMBER"),
    ("TLP:UNCLEAR", None),
    ("AMBER/RED", "TLP:RED"),
    ("TLP:GREEN/TLP:AMBER", "TLP:AMBER"),
    ("42", None),
    ("", None),
    ("   ", None),
    ("\t\n", None),
    ("TLP:", None),
    ("TLP", None),
    ("TLP-", None),
    ("TLP:AMBER+STICT", "TLP:AMBER+STRICT"),
    ("TLP:AMBER STRICT", "TLP:AMBER+STRICT"),
    ("TLP:AMBER-STRICT", "TLP:AMBER+STRICT"),
    ("AMBER_STRICT", "TLP:AMBER+STRICT"),
    ("AMBER+", "TLP:AMBER+STRICT"),
    ("AMBER+STRIKT", "TLP:AMBER+STRICT"),
    ("TLP:AMBER + STRICT", "TLP:AMBER+STRICT"),
    ("TLP:REDD", "TLP:RED"),
    ("TLP:AMBR", "TLP:AMBER"),
    ("TLP:GREN", "TLP:GREEN"),
    ("TLP:RED+STRICT", None),
    ("TLP:TLP:AMBER", None),
    ("[TLP:AMBER]", None),  # decoration is for markings, not for frontmatter values
    ("tlp:whıte", "TLP:CLEAR"),  # dotless i would upper() to WHITE: refuse look-alikes
    ("TLP:AMBER\u200b", "TLP:AMBER"),  # a zero-width space: refused, but the intent is clear
    ("CONFIDENTIAL", None),
]


@pytest.mark.parametrize(("raw", "label", "warns"), ACCEPTED, ids=[a[0] or "empty" for a in ACCEPTED])
def test_accepted_spellings(raw: str, label: Label, warns: bool) -> None:
    parsed = parse_label(raw)
    assert parsed == Parsed(label=label, warnings=parsed.warnings, raw=raw)
    assert bool(parsed.warnings) is warns
    for warning in parsed.warnings:
        assert isinstance(warning, Text) and warning.en and warning.nl
        assert label.canonical in warning.en  # each warning names the canonical form


@pytest.mark.parametrize(("raw", "suggestion"), REFUSED, ids=[r[0] or "empty" for r in REFUSED])
def test_refused_spellings(raw: str, suggestion: str | None) -> None:
    with pytest.raises(TlpError) as caught:
        parse_label(raw)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.raw == raw
    assert error.suggestion == suggestion
    for text in (error.message.en, error.message.nl):
        assert "TLP:CLEAR" in text and "TLP:AMBER+STRICT" in text and "TLP:RED" in text
    if suggestion:
        assert f"Did you mean {suggestion}?" in error.message.en
        assert f"Bedoelde je {suggestion}?" in error.message.nl
    else:
        assert "Did you mean" not in error.message.en
    assert str(error) == error.message.en


def test_at_least_45_spellings_in_the_table() -> None:
    assert len(ACCEPTED) + len(REFUSED) >= 45


def test_orange_says_tlp_never_had_orange() -> None:
    with pytest.raises(TlpError) as caught:
        parse_label("TLP:ORANGE")
    assert "never had an orange label" in caught.value.message.en
    assert "nooit een oranje label" in caught.value.message.nl


@pytest.mark.parametrize("raw", ["TLP:AMBER+STICT", "TLP:AMBER STRICT", "AMBER+", "AMBER STRIKT", "TLP:AMBER+strictt"])
def test_misspelt_qualifier_is_never_the_weaker_amber(raw: str) -> None:
    with pytest.raises(TlpError) as caught:
        parse_label(raw)
    assert caught.value.suggestion == "TLP:AMBER+STRICT"


def test_dutch_warning_names_canonical_and_says_never_translated() -> None:
    (warning,) = parse_label("TLP-GROEN").warnings
    assert "TLP:GREEN" in warning.en and "never translated" in warning.en
    assert "TLP:GREEN" in warning.nl and "nooit vertaald" in warning.nl


def test_white_warning_names_clear() -> None:
    (warning,) = parse_label("TLP:WHITE").warnings
    assert "TLP:CLEAR" in warning.en and "1.0" in warning.en


def test_tlp_1_0_white_is_silent_clear_and_strict_warn() -> None:
    assert parse_label("WHITE", tlp_version="1.0") == Parsed(C, (), "WHITE")
    assert parse_label("tlp:white", tlp_version="1.0").warnings == ()
    assert parse_label("TLP:AMBER", tlp_version="1.0").warnings == ()
    clear = parse_label("TLP:CLEAR", tlp_version="1.0")
    assert clear.label is C and len(clear.warnings) == 1 and "TLP 2.0" in clear.warnings[0].en
    strict = parse_label("TLP:AMBER+STRICT", tlp_version="1.0")
    assert strict.label is S and len(strict.warnings) == 1 and "1.0" in strict.warnings[0].en
    # Dutch stays a translation in 1.0 too, and then names TLP:WHITE as the form to write.
    (wit,) = parse_label("WIT", tlp_version="1.0").warnings
    assert "TLP:WHITE" in wit.en


def test_unsupported_version_is_a_caller_error() -> None:
    with pytest.raises(ValueError) as caught:
        parse_label("TLP:RED", tlp_version="3.0")
    assert not isinstance(caught.value, TlpError)
    assert parse_label("TLP:RED", tlp_version="2").label is R


@pytest.mark.parametrize("value", [None, 2, 1.0, True, ["RED"], {"label": "RED"}])
def test_non_text_values_from_yaml_are_refused(value: object) -> None:
    with pytest.raises(TlpError):
        parse_label(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- parsing properties

_FRAGMENTS = st.sampled_from(
    ["TLP", "tlp", ":", "-", " ", "+", "/", "_", "*", "AMBER", "amber", "STRICT", "STICT", "RED", "GREEN", "CLEAR",
     "WHITE", "WIT", "ROOD", "GROEN", "ORANJE", "\u00a0", "\u0131", "\u200b", "\t", "\n", "#", "`", "0"]
)
_BUILT = st.lists(_FRAGMENTS, max_size=8).map("".join)


def _parse_or_error(raw: str, version: str = "2.0") -> Parsed | TlpError:
    try:
        return parse_label(raw, tlp_version=version)
    except TlpError as error:
        return error


@settings(max_examples=400)
@given(st.one_of(st.text(), _BUILT), st.sampled_from(["1.0", "2.0"]))
def test_parse_raises_only_tlp_error(raw: str, version: str) -> None:
    result = _parse_or_error(raw, version)
    if isinstance(result, TlpError):
        assert isinstance(result.message, Text) and result.raw == raw
        assert result.suggestion is None or result.suggestion.startswith("TLP:")
    else:
        assert isinstance(result.label, Label)


@settings(max_examples=400)
@given(st.one_of(st.text(), _BUILT))
def test_normalising_is_idempotent(raw: str) -> None:
    result = _parse_or_error(raw)
    if isinstance(result, Parsed):
        again = parse_label(result.label.canonical)
        assert again.label is result.label and again.warnings == ()


@given(_BUILT)
def test_strict_never_weakens(raw: str) -> None:
    # Whatever mentions STRICT-like text and parses must be AMBER+STRICT, never AMBER.
    result = _parse_or_error(raw)
    if isinstance(result, Parsed) and "STRICT" in raw.upper().replace("STICT", ""):
        assert result.label is not A


# --------------------------------------------------------------------------- markings


def _marks(body: str, first_line: int = 1) -> list[tuple[int, str, Label | None]]:
    return [(m.line, m.position, m.label) for m in find_markings(body, first_line)]


@pytest.mark.parametrize(
    "line",
    ["TLP:AMBER", "**TLP:AMBER**", "*TLP:AMBER*", "_TLP:AMBER_", "[TLP:AMBER]", "(TLP:AMBER)", "  TLP:AMBER  ", "> TLP:AMBER"],
)
def test_top_marking_with_decoration(line: str) -> None:
    assert _marks(f"{line}\n\nSome text.\n\nMore text.\nEnd.\nReally the end.") == [(1, "top", A)]


def test_top_is_within_first_five_non_empty_lines() -> None:
    body = "\n".join(["one", "", "two", "three", "four", "TLP:RED", "six", "seven", "eight", "nine", "ten"])
    assert _marks(body) == [(6, "top", R)]
    body = "\n".join(["one", "two", "three", "four", "five", "TLP:RED", "seven", "eight", "nine", "ten"])
    # Outside top and bottom a label-only line still labels: a classification line.
    assert _marks(body) == [(6, "classification", R)]


def test_bottom_marking() -> None:
    body = "\n".join(["a", "b", "c", "d", "e", "f", "g", "", "**TLP:GREEN**", "", ""])
    assert _marks(body) == [(9, "bottom", G)]


@pytest.mark.parametrize(
    ("heading", "label"),
    [("# Notulen 12 maart TLP:AMBER", A), ("## Rondje rood (TLP:RED)", R), ("### tlp:green samenvatting ###", G)],
)
def test_heading_marking(heading: str, label: Label) -> None:
    body = "\n".join(["x", "y", "z", "w", "v", "", heading, "", "p", "q", "r", "s"])
    assert _marks(body) == [(7, "heading", label)]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Classificatie: TLP:AMBER", A),
        ("Classification: TLP:RED (named recipients)", R),
        ("Rubricering: AMBER", A),
        ("**Classificatie:** GROEN", G),
        ("TLP: AMBER, niet verder verspreiden", A),
        ("TLP:RED - alleen aanwezigen", R),
        ("**TLP:** AMBER+STRICT", S),
    ],
)
def test_classification_marking(line: str, label: Label) -> None:
    body = "\n".join(["a", "b", "c", "d", "e", line, "f", "g", "h", "i"])
    assert _marks(body) == [(6, "classification", label)]


def test_classification_of_another_scheme_is_not_tlp() -> None:
    assert _marks("a\nRubricering: Departementaal Vertrouwelijk\nb") == []
    assert _marks("a\nClassificatie: intern\nb") == []


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("- TLP:RED: ransomware bij deelnemer X", R),
        ("* [TLP:AMBER] phishing", A),
        ("1. TLP:GREEN - scan campagne", G),
        ("- phishing bij deelnemer Y (TLP:RED)", R),
        ("- DDoS op haven, **TLP:AMBER+STRICT**.", S),
        ("| phishing | TLP:RED |", R),
        ("| TLP:AMBER | datalek |", A),
    ],
)
def test_item_marking(line: str, label: Label) -> None:
    body = "\n".join(["a", "b", "c", "d", "e", line, "f", "g", "h", "i"])
    assert _marks(body) == [(6, "item", label)]


def test_item_labelled_at_both_ends_gives_two_markings() -> None:
    body = "\n".join(["a", "b", "c", "d", "e", "- TLP:GREEN: scan, details TLP:RED", "f", "g", "h", "i"])
    assert _marks(body) == [(6, "item", G), (6, "item", R)]


def test_item_with_label_in_the_middle_is_a_mention() -> None:
    assert _marks("a\nb\nc\nd\ne\n- we bespraken TLP:RED informatie vaak\nf\ng\nh\ni") == []


def test_line_numbers_are_absolute() -> None:
    body = "TLP:AMBER\n\ntext\n## Rondje rood (TLP:RED)\n- TLP:RED: x\nmore\nmore\nmore\nmore"
    assert _marks(body, first_line=7) == [(7, "top", A), (10, "heading", R), (11, "item", R)]


def test_crlf_bodies_keep_line_numbers() -> None:
    body = "text\r\n\r\n## Kop TLP:RED\r\nx\r\ny\r\nz\r\nw\r\nv"
    assert _marks(body, first_line=3) == [(5, "heading", R)]


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_fenced_code_is_never_a_marking(fence: str) -> None:
    body = f"Intro\n{fence}yaml\nTLP:RED\n# TLP:RED\n- TLP:RED: x\n{fence}\nTLP:AMBER\nmore\nmore\nmore\nend"
    assert _marks(body) == [(7, "classification", A)]


def test_unclosed_fence_runs_to_the_end() -> None:
    assert _marks("Intro\n```\nTLP:RED\n") == []


def test_inline_code_is_never_a_marking() -> None:
    body = "`TLP:RED`\n\n# Labels `TLP:RED` uitgelegd\n- `TLP:RED`: betekenis\n| `TLP:AMBER` | x |\n``TLP:GREEN``"
    assert _marks(body) == []


def test_prose_mention_is_not_a_marking() -> None:
    body = (
        "TLP:GREEN\n\n## Vertrouwelijke informatie\n\n"
        'Deelnemers gebruiken het Traffic Light Protocol. TLP:RED means named recipients only,\n'
        "and TLP:AMBER+STRICT keeps information within the organisation.\n"
        "TLP:RED betekent: alleen voor de aanwezigen.\n"
        "TLP:AMBER is voor de deelnemers en hun organisaties.\n\n"
        "- TLP:RED is alleen voor benoemde ontvangers\n"
        "Zie https://www.first.org/tlp/ voor TLP:CLEAR.\n"
        "Meer tekst.\nEn nog meer.\nEinde."
    )
    assert _marks(body) == [(1, "top", G)]


def test_word_boundaries() -> None:
    body = "import x\notlp:with_x = 1\nxtlp:red\ntlp:wit_x\nhttps://example.org/TLP:RED\nTLP-gebruik\nzie TLP:RED2 hier\nend\n"
    assert _marks(body) == []
    # Glued to a digit it is no label, so alone on a line it is an invalid one.
    assert [(m.position, m.error is not None) for m in find_markings("TLP:RED2")] == [("top", True)]


def test_legend_of_labels_is_not_a_set_of_markings() -> None:
    body = (
        "TLP:GREEN\n\n## Labels\n\n"
        "- TLP:RED: alleen benoemde ontvangers\n"
        "- TLP:AMBER+STRICT: alleen de eigen organisatie\n\n"
        "- TLP:AMBER: deelnemers en hun organisaties\n"
        "- TLP:GREEN: de community\n"
        "- TLP:CLEAR: iedereen\n\nEinde.\nEcht.\nKlaar."
    )
    assert _marks(body) == [(1, "top", G)]


def test_roundtable_with_repeated_labels_is_not_a_legend() -> None:
    body = "a\nb\nc\nd\ne\n- TLP:RED: x\n- TLP:AMBER: y\n- TLP:RED: z\n- TLP:GREEN: w\n- TLP:CLEAR: v\nf\ng\nh"
    assert [m[2] for m in _marks(body)] == [R, A, R, G, C]


@pytest.mark.parametrize(
    ("line", "suggestion"),
    [("TLP:YELLOW", None), ("**TLP:AMBER STRICT**", "TLP:AMBER+STRICT"), ("TLP:", None), ("TLP:REDD", "TLP:RED")],
)
def test_invalid_label_in_marking_position_is_reported(line: str, suggestion: str | None) -> None:
    (marking,) = find_markings(f"{line}\n\ntext\ntext\ntext\ntext\ntext\ntext", first_line=4)
    assert marking.label is None and marking.error is not None
    assert marking.error.suggestion == suggestion
    assert (marking.line, marking.position) == (4, "top")


def test_invalid_label_in_heading_or_item() -> None:
    body = "a\nb\nc\nd\ne\n## Rondje TLP:ORANJE\n- TLP:AMBER+STICT: x\n## Over TLP: de afspraken\nf\ng\nh"
    found = find_markings(body)
    assert [(m.line, m.position, m.error is not None) for m in found] == [(6, "heading", True), (7, "item", True)]
    assert found[1].error is not None and found[1].error.suggestion == "TLP:AMBER+STRICT"


def test_marking_carries_parse_warnings() -> None:
    (marking,) = find_markings("TLP-ROOD\n")
    assert marking.label is R and marking.raw == "TLP-ROOD" and marking.warnings
    (old,) = find_markings("TLP:WHITE\n", tlp_version="1.0")
    assert old.label is C and old.warnings == ()


def test_positions_are_the_documented_ones() -> None:
    assert POSITIONS == ("top", "bottom", "heading", "classification", "item")


@settings(max_examples=300)
@given(st.text(), st.integers(min_value=1, max_value=500))
def test_find_markings_never_raises(body: str, first_line: int) -> None:
    n_lines = body.count("\n") + 1
    for marking in find_markings(body, first_line):
        assert marking.position in POSITIONS
        assert first_line <= marking.line < first_line + n_lines
        assert (marking.label is None) != (marking.error is None)


# --------------------------------------------------------------------------- document label checks


def _m(label: Label | None, position: str, line: int = 10, raw: str = "") -> Marking:
    error = None
    if label is None:
        error = TlpError(raw or "TLP:YELLOW")
    return Marking(label=label, error=error, raw=raw or (label.canonical if label else "TLP:YELLOW"), line=line, position=position)


def _codes(problems: list[LabelProblem]) -> list[tuple[str, int | None]]:
    return [(p.code, p.line) for p in problems]


def test_missing_label() -> None:
    assert _codes(check_document_labels(None, [], requires_label=True)) == [("tlp-missing", None)]
    assert check_document_labels(None, [], requires_label=False) == []
    for raw in ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", "TLP:WHITE", "ROOD"):
        for required in (True, False):  # a frontmatter label alone: nothing to compare it with
            assert check_document_labels(parse_label(raw), [], requires_label=required) == []
    # A label-only line at the top labels the document.
    assert check_document_labels(None, [_m(A, "top", 1)], requires_label=True) == []
    # An item label does not label the whole document.
    assert _codes(check_document_labels(None, [_m(R, "item")], requires_label=True)) == [("tlp-missing", None)]


def test_agreeing_markings_give_nothing() -> None:
    front = parse_label("AMBER")
    markings = [_m(A, "top", 1), _m(A, "heading", 3), _m(A, "classification", 4), _m(G, "item", 8), _m(A, "bottom", 20)]
    assert check_document_labels(front, markings, requires_label=True) == []


@pytest.mark.parametrize("position", ["top", "bottom", "classification"])
def test_whole_document_marking_disagrees(position: str) -> None:
    problems = check_document_labels(parse_label("AMBER"), [_m(G, position, 5)], requires_label=True)
    assert _codes(problems) == [("tlp-disagree", 5)]
    assert "TLP:GREEN" in problems[0].message.en and "TLP:AMBER" in problems[0].message.en
    assert "regel 5" in problems[0].message.nl


def test_more_restrictive_top_is_one_disagreement_not_two() -> None:
    problems = check_document_labels(parse_label("AMBER"), [_m(R, "top", 1)], requires_label=True)
    assert _codes(problems) == [("tlp-disagree", 1)]


def test_less_restrictive_heading_disagrees_more_restrictive_heading_understates() -> None:
    front = parse_label("AMBER")
    assert _codes(check_document_labels(front, [_m(G, "heading", 2)], requires_label=True)) == [("tlp-disagree", 2)]
    assert _codes(check_document_labels(front, [_m(R, "heading", 9)], requires_label=True)) == [("tlp-understated", 9)]


def test_red_item_in_amber_minutes_is_understated_not_disagree() -> None:
    markings = [_m(A, "top", 1), _m(G, "item", 7), _m(R, "item", 9), _m(R, "item", 12), _m(S, "item", 14)]
    problems = check_document_labels(parse_label("TLP:AMBER"), markings, requires_label=True)
    assert _codes(problems) == [("tlp-understated", 9)]  # one problem, at the first most restrictive item
    assert "TLP:RED" in problems[0].message.en and "TLP:AMBER" in problems[0].message.en


def test_less_restrictive_item_is_fine() -> None:
    assert check_document_labels(parse_label("RED"), [_m(C, "item"), _m(G, "item")], requires_label=True) == []


def test_invalid_markings_are_reported_each() -> None:
    markings = [_m(None, "top", 1, "TLP:YELLOW"), _m(None, "item", 8, "TLP:AMBER+STICT")]
    problems = check_document_labels(parse_label("AMBER"), markings, requires_label=True)
    assert _codes(problems) == [("tlp-invalid", 1), ("tlp-invalid", 8)]
    assert "TLP:YELLOW" in problems[0].message.en
    # An invalid marking never satisfies the requirement for a label.
    assert _codes(check_document_labels(None, markings[:1], requires_label=True)) == [
        ("tlp-missing", None),
        ("tlp-invalid", 1),
    ]


def test_from_body_to_problems() -> None:
    body = "TLP:AMBER\n\n# Notulen\n\n## Rondje rood\n\n- TLP:RED: ransomware bij deelnemer X\n- phishing\n\nEinde.\nDoei.\nKlaar."
    problems = check_document_labels(parse_label("AMBER"), find_markings(body, first_line=6), requires_label=True)
    assert _codes(problems) == [("tlp-understated", 12)]


def test_deprecation_problems() -> None:
    front = parse_label("WIT")
    markings = find_markings("TLP-ROOD\n\ntext", first_line=5)
    problems = deprecation_problems(front, markings, front_line=3)
    assert [(p.code, p.line) for p in problems] == [("tlp-deprecated", 3)] * 2 + [("tlp-deprecated", 5)]
    assert deprecation_problems(None) == []
    assert deprecation_problems(parse_label("TLP:RED"), find_markings("TLP:RED")) == []


def test_codes_and_severities() -> None:
    assert FINDING_CODES == ("tlp-missing", "tlp-disagree", "tlp-understated", "tlp-invalid", "tlp-deprecated")
    assert set(DEFAULT_SEVERITY) == set(FINDING_CODES)


# --------------------------------------------------------------------------- sharing

PARTICIPANTS = {"Port of Example", "Terminal BV"}
COMMUNITY = {"Z-CERT", "Energie-ISAC"}


def _violations(label: Label, shared_with: list[str]) -> list[Text]:
    return check_sharing(label, shared_with, participants=PARTICIPANTS, community=COMMUNITY)


def test_recipient_kinds() -> None:
    kinds = {
        "public": "public",
        "Publiek": "public",
        "participants": "participants",
        "person:Jan Jansen": "individual",
        "j.jansen@port.example": "individual",
        "port of  example": "participant",
        "z-cert": "community",
        "Rederij Y": "external",
    }
    for recipient, kind in kinds.items():
        assert recipient_kind(recipient, participants=PARTICIPANTS, community=COMMUNITY) == kind, recipient


def test_red_named_individuals_only() -> None:
    assert _violations(R, ["person:Jan Jansen", "piet@terminal.example"]) == []
    bad = ["participants", "Port of Example", "public", "Z-CERT", "Rederij Y"]
    messages = _violations(R, bad)
    assert len(messages) == len(bad)
    for recipient, message in zip(bad, messages):
        assert recipient in message.en and "TLP:RED" in message.en
        assert recipient in message.nl and "TLP:RED" in message.nl


def test_amber_strict_to_named_recipients_never_public() -> None:
    # Issue 11.2: the ISAC, as the source, chooses the recipients of its own AMBER information.
    assert _violations(S, ["participants", "Terminal BV", "person:Jan", "Z-CERT", "Rederij Y"]) == []
    (message,) = _violations(S, ["Z-CERT", "public"])
    assert "'public'" in message.en and "TLP:AMBER+STRICT" in message.en


def test_amber_to_named_recipients_never_public() -> None:
    assert _violations(A, ["participants", "port of example", "Rederij Y", "Energie-ISAC"]) == []
    (message,) = _violations(A, ["participants", "public"])
    assert "'public'" in message.en and "TLP:AMBER" in message.en and "need-to-know" in message.en
    assert "nooit openbaar" in message.nl


def test_green_community_but_not_public() -> None:
    assert _violations(G, ["participants", "Z-CERT", "Rederij Y", "Terminal BV"]) == []
    (message,) = _violations(G, ["Z-CERT", "public"])
    assert "'public'" in message.en and "TLP:GREEN" in message.en


def test_clear_anyone() -> None:
    assert _violations(C, ["public", "Rederij Y", "participants", "person:x"]) == []


def test_empty_recipients_are_skipped_and_community_defaults_to_empty() -> None:
    assert check_sharing(A, ["", "  "], participants=PARTICIPANTS) == []
    assert recipient_kind("Z-CERT", participants=PARTICIPANTS) == "external"


@given(st.lists(st.sampled_from(["public", "participants", "person:x", "a@b.nl", "Terminal BV", "Z-CERT", "Rederij Y"])))
def test_a_more_restrictive_label_never_allows_more(shared_with: list[str]) -> None:
    counts = [len(_violations(label, shared_with)) for label in (C, G, A, S, R)]
    assert counts == sorted(counts)


def test_published_must_be_clear() -> None:
    assert published_must_be_clear(C)
    assert not any(published_must_be_clear(label) for label in (G, A, S, R))


# --------------------------------------------------------------------------- docs


def test_docs_name_every_code_and_position() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "tlp.md").read_text(encoding="utf-8")
    for name in (*FINDING_CODES, *(f"`{p}`" for p in POSITIONS), "tlp_version", "person:"):
        assert name in docs, name


# --------------------------------------------------------------------------- content-free markings (issue 11.2)


def test_a_red_heading_over_not_minuted_labels_no_content() -> None:
    front = parse_label("AMBER")
    for under in ("*Niet genotuleerd.*", "- niet genotuleerd", "Not minuted.", "(alleen mondeling gedeeld)", ""):
        body = f"# Notulen\n\n## Rondje rood (TLP:RED)\n\n{under}\n\n## Actiepunten\n\n- Beta deelt IoC's.\n"
        (marking,) = find_markings(body)
        assert marking.content_free, under
        assert check_document_labels(front, [marking], requires_label=True) == [], under


def test_a_red_heading_with_content_still_raises_the_label() -> None:
    front = parse_label("AMBER")
    for under in ("Ransomware bij deelnemer X.", "Niet genotuleerd, behalve: ransomware bij X", "### DDoS\nNiet genotuleerd"):
        body = f"# Notulen\n\n## Rondje rood (TLP:RED)\n\n{under}\n\n## Actiepunten\n"
        (marking,) = find_markings(body)
        assert not marking.content_free, under
        (problem,) = check_document_labels(front, [marking], requires_label=True)
        assert problem.code == "tlp-understated", under


def test_a_label_text_is_parsed_once_and_errors_are_raised_every_time() -> None:
    from isaccheck import tlp

    tlp._parse_text.cache_clear()
    first = parse_label("tlp:amber", tlp_version="2.0")
    again = parse_label("tlp:amber", tlp_version="2.0")
    assert again is first and tlp._parse_text.cache_info().hits == 1
    assert first == tlp._parse_text.__wrapped__("tlp:amber", "2.0")  # the same as parsed afresh
    for version in ("1.0", "2.0"):  # cached per version: TLP 1.0's WHITE is no warning, 2.0's is
        assert parse_label("TLP:WHITE", tlp_version=version) == tlp._parse_text.__wrapped__("TLP:WHITE", version)
    for _ in range(2):
        with pytest.raises(TlpError):
            parse_label("TLP:ORANJE")
    assert [label.rank for label in tlp._ORDER] == [0, 1, 2, 3, 4]
