"""Loading: every bad input becomes a finding with file and line, and the rest is still read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isaccheck.errors import ConfigError
from isaccheck.repository import load_repository, sections_from_body
from isaccheck.sources import WorkingTreeSource

GOOD = """\
---
type: minutes
date: 2026-03-12
tlp: AMBER
attendees: [Alpha, Beta]
---
# Minutes
"""


def load(root: Path):
    return load_repository(WorkingTreeSource(root))


def codes(repo) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in repo.findings:
        out.setdefault(f.path, []).append((f.code, f.line))
    return out


def test_good_document_is_loaded(make_repo) -> None:
    repo = load(make_repo({"meetings/2026-03-12/minutes.md": GOOD}))
    assert [d.path for d in repo.documents] == ["meetings/2026-03-12/minutes.md"]
    doc = repo.documents[0]
    assert doc.type == "minutes" and doc.tlp == "AMBER" and doc.date.isoformat() == "2026-03-12"
    assert doc.body_line == 7 and doc.valid
    assert repo.findings == ()


def test_missing_profile_is_a_configuration_error(make_repo) -> None:
    with pytest.raises(ConfigError) as exc:
        load(make_repo({"a.md": GOOD}, profile=None))
    assert "no isac.yaml" in str(exc.value)


def test_malformed_profile_names_the_line(make_repo) -> None:
    with pytest.raises(ConfigError) as exc:
        load(make_repo(profile="isac:\n  name: X\n  purpose: [unclosed\n"))
    assert exc.value.path == "isac.yaml" and exc.value.line and exc.value.line >= 3


def test_empty_repository_with_profile_loads(make_repo) -> None:
    repo = load(make_repo())
    assert repo.documents == ()


def test_malformed_frontmatter_names_the_line_and_others_still_load(make_repo) -> None:
    repo = load(make_repo({
        "bad.md": "---\ntype: minutes\ndate: 2026-01-01\nattendees: [a, b\n---\nbody\n",
        "good.md": GOOD,
    }))
    assert [d.path for d in repo.documents] == ["good.md"]
    (code, line), = codes(repo)["bad.md"]
    assert code == "yaml-syntax" and line >= 4
    assert repo.unreadable_types["bad.md"] == "minutes"


def test_frontmatter_closed_with_dots_is_read(make_repo) -> None:
    repo = load(make_repo({"m.md": GOOD.replace("---\n# Minutes", "...\n# Minutes")}))
    assert repo.documents[0].meta["attendees"] == ["Alpha", "Beta"]
    assert repo.documents[0].body.startswith("# Minutes")


def test_byte_order_mark_is_read(make_repo) -> None:
    repo = load(make_repo({"m.md": b"\xef\xbb\xbf" + GOOD.encode()}))
    assert repo.documents[0].type == "minutes" and repo.documents[0].meta["tlp"] == "AMBER"


def test_later_dashes_in_body_are_not_frontmatter(make_repo) -> None:
    repo = load(make_repo({"m.md": GOOD + "\n---\n\ntext after a rule\n---\n"}))
    assert "text after a rule" in repo.documents[0].body
    assert repo.findings == ()


def test_unclosed_frontmatter_is_a_finding(make_repo) -> None:
    repo = load(make_repo({"m.md": "---\ntype: minutes\ndate: 2026-01-01\n"}))
    assert codes(repo)["m.md"] == [("frontmatter", 1)]


def test_yaml11_surprise_says_to_quote(make_repo) -> None:
    text = GOOD.replace("tlp: AMBER", "tlp: AMBER\ntitle: 1.10\nitems: [14:00]")
    repo = load(make_repo({"m.md": text}))
    messages = [f.message.en for f in repo.findings]
    assert any('put it in quotes: "1.10"' in m for m in messages), messages
    assert any('put it in quotes: "14:00"' in m for m in messages), messages
    assert sorted(f.line for f in repo.findings) == [5, 6]
    assert repo.documents[0].valid is False


def test_unknown_type_suggests(make_repo) -> None:
    repo = load(make_repo({"m.md": GOOD.replace("type: minutes", "type: minute")}))
    (finding,) = repo.findings
    assert finding.code == "unknown-type" and finding.line == 2
    assert "did you mean `minutes`" in finding.message.en


def test_wrong_field_type_and_bad_date(make_repo) -> None:
    text = GOOD.replace("date: 2026-03-12", "date: 2026-13-45").replace("attendees: [Alpha, Beta]", "attendees: Alpha")
    repo = load(make_repo({"m.md": text, "ok.md": GOOD}))
    found = {(f.field, f.line) for f in repo.findings if f.path == "m.md"}
    assert ("date", 3) in found and ("attendees", 5) in found
    assert any("not a valid date" in f.message.en for f in repo.findings)
    assert [d.path for d in repo.documents if d.valid] == ["ok.md"]


def test_non_utf8_file(make_repo) -> None:
    repo = load(make_repo({"m.md": GOOD.encode().replace(b"# Minutes", b"# Minut\xe9s"), "ok.md": GOOD}))
    (finding,) = [f for f in repo.findings if f.path == "m.md"]
    assert finding.code == "encoding" and finding.line == 7
    assert [d.path for d in repo.documents] == ["ok.md"]


def test_binary_file_with_md_name(make_repo) -> None:
    repo = load(make_repo({"image.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00", "ok.md": GOOD}))
    assert codes(repo)["image.md"] == [("binary", None)]
    assert [d.path for d in repo.documents] == ["ok.md"]


def test_symlink_outside_is_not_followed(make_repo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(GOOD)
    root = make_repo({"ok.md": GOOD})
    (root / "leak.md").symlink_to(secret)
    (root / "leakdir").symlink_to(tmp_path)
    repo = load(root)
    assert codes(repo)["leak.md"] == [("symlink-outside", None)]
    assert codes(repo)["leakdir"] == [("symlink-outside", None)]
    assert [d.path for d in repo.documents] == ["ok.md"]


def test_alias_bomb_is_refused(make_repo) -> None:
    bomb = "---\ntype: minutes\na: &a [x,x,x,x,x,x,x,x,x,x]\n"
    prev = "a"
    for name in "bcdefgh":
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
        prev = name
    repo = load(make_repo({"bomb.md": bomb + "---\n", "ok.md": GOOD}))
    assert codes(repo)["bomb.md"][0][0] == "yaml-syntax"
    assert [d.path for d in repo.documents] == ["ok.md"]


def test_file_over_size_limit_keeps_its_frontmatter_and_skips_its_body(make_repo) -> None:
    big = GOOD + ("x" * 1024 + "\n") * 30
    repo = load(make_repo({"big.md": big, "ok.md": GOOD, "isaccheck.yaml": "max_file_size_kb: 16\n"}))
    assert codes(repo)["big.md"] == [("too-large", None)]
    assert [d.path for d in repo.documents] == ["big.md", "ok.md"]
    big_doc = repo.documents[0]
    assert big_doc.body == "" and big_doc.type == "minutes" and big_doc.tlp == "AMBER"
    assert [f.severity.value for f in repo.findings if f.path == "big.md"] == ["warning"]
    assert repo.unloaded_tlp["big.md"] == "RED"  # the unread body could hold anything


def test_files_without_type_are_ignored(make_repo) -> None:
    repo = load(make_repo({"README.md": "# Hello\n", "notes.md": "---\ntitle: x\n---\n"}))
    assert repo.documents == () and repo.findings == ()


def test_sidecar_describes_other_file(make_repo) -> None:
    root = make_repo({
        "plans/jaarplan-2026.pdf": b"%PDF-1.4 binary",
        "plans/jaarplan-2026.pdf.meta.yaml": "type: annual-plan\nyear: 2026\ndate: 2026-01-15\nambitions: grow\n",
    })
    repo = load(root)
    (doc,) = repo.documents
    assert doc.path == "plans/jaarplan-2026.pdf" and doc.meta_path == "plans/jaarplan-2026.pdf.meta.yaml"
    assert doc.type == "annual-plan" and doc.meta["year"] == 2026


def test_glob_mapping_adopts_existing_files_with_date_from_name(make_repo) -> None:
    root = make_repo({
        "notulen/2025-10-02 notulen.pdf": b"%PDF",
        "notulen/2025-12-04/verslag.docx": b"PK",
        "isaccheck.yaml": "types:\n  - {glob: 'notulen/**/*.pdf', type: minutes, tlp: AMBER}\n"
                          "  - {glob: 'notulen/**/*.docx', type: minutes, tlp: AMBER}\n",
    })
    repo = load(root)
    dates = {d.path: d.date.isoformat() for d in repo.documents}
    assert dates == {"notulen/2025-10-02 notulen.pdf": "2025-10-02", "notulen/2025-12-04/verslag.docx": "2025-12-04"}
    assert all(d.type == "minutes" and d.tlp == "AMBER" for d in repo.documents)


def test_bad_settings_file_is_a_configuration_error(make_repo) -> None:
    with pytest.raises(ConfigError) as exc:
        load(make_repo({"isaccheck.yaml": "types: [ {glob: x}\n"}))
    assert exc.value.path == "isaccheck.yaml"


def test_sections_from_dutch_and_english_headings() -> None:
    body = "# Richtlijnen\n\n## Toetredingscriteria\n\nAlleen vitale aanbieders.\n\n## Process agreements\n\nWe meet.\n\n## Overig\nniets\n"
    sections = sections_from_body(body)
    # exactly the two known sections; the unknown heading "Overig" and its text belong to neither
    assert dict(sections) == {"admission_criteria": "Alleen vitale aanbieders.", "process_agreements": "We meet."}


def test_isac_community_is_a_list_of_organisations(make_repo) -> None:
    """`isac.community` (docs/contract.md) is validated like any other profile field."""
    from tests.conftest import PROFILE

    good = PROFILE.replace("  sector: water\n", "  sector: water\n  community: [NCSC, Z-CERT]\n")
    assert "isac.yaml" not in codes(load(make_repo(profile=good)))
    bad = PROFILE.replace("  sector: water\n", "  sector: water\n  community: NCSC\n")
    repo = load(make_repo(profile=bad))
    assert [(f.code, f.line) for f in repo.findings if f.path == "isac.yaml"] == [("schema", 4)]


@pytest.mark.parametrize("pattern", ["./.drafts/**", ".drafts/**", "././.drafts/**"])
def test_ignore_with_a_leading_dot_slash_keeps_a_hidden_folders_dot(make_repo, pattern: str) -> None:
    """Regression: lstrip("./") turned "./.drafts/**" into "drafts/**", which never matched."""
    root = make_repo({".drafts/wip.md": GOOD, "drafts/keep.md": GOOD, "ok.md": GOOD,
                      "isaccheck.yaml": f"ignore: [\"{pattern}\"]\n"})
    repo = load(root)
    assert sorted(d.path for d in repo.documents) == ["drafts/keep.md", "ok.md"]


def test_glob_match_strips_only_whole_dot_slash_prefixes() -> None:
    from isaccheck.config import glob_match

    assert glob_match("./.drafts/**", ".drafts/a.md") and not glob_match("./.drafts/**", "drafts/a.md")
    assert glob_match("./minutes/*.md", "minutes/x.md") and not glob_match("../x.md", "x.md")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t#abc\u00a0\u2003", max_size=12))
def test_only_a_line_starting_with_a_hash_can_be_a_heading(line: str) -> None:
    # sections_from_body skips heading() for every other line.
    from isaccheck.repository import heading

    assert heading(line) is None or line.startswith("#")
