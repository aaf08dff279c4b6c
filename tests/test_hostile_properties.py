"""Property-based: random frontmatter never breaks loading, and every finding names its file."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any, Iterator

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isaccheck.model import Finding
from isaccheck.reporters import REPORTERS, RenderOptions, get_reporter
from isaccheck.repository import load_repository
from isaccheck.runner import check
from isaccheck.schemas import document_types, validator_for
from isaccheck.sources import SourceEntry

from .conftest import AS_OF, PROFILE

TYPES = sorted(document_types())
FIELDS = ["type", "title", "date", "tlp", "status", "adopted_on", "shared_with", "level", "contributors", "year",
          "attendees", "items", "roundtable", "actions", "signatures", "signing_required", "sections", "answers",
          "respondents", "based_on", "meetings", "members", "theme", "resources", "ambitions", "from_year",
          "to_year", "topics", "categories", "definitions", "kind", "period", "scope", "format", "ambered",
          "issued_on", "prepared_by", "improvements", "improvements_reviewed", "purpose", "legal_form",
          "action_perspective", "channel", "outlook", "working_method", "results", "added_value", "activities"]
KEYS = st.one_of(st.sampled_from(FIELDS + ["organisation", "signed_by", "signed_on", "commit", "tag", "answer",
                                           "category", "action", "owner", "due", "basis", "note", "STR-1.1",
                                           "WOW-1.1", "Alpha"]), st.text(max_size=8))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["2026-03-01", "2026-13-45", "TLP:AMBER", "RED", "participants", "public", "Alpha", "draft",
                     "yes", "no", "14:00", "::error::x", "<script>", "\u202e", "abcdef1", "STR-1.1", ""]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)


class MemorySource:
    """A repository held in memory: the loader's only contact with the outside is this protocol."""

    label = "memory"

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def entries(self) -> Iterator[SourceEntry]:
        for path in sorted(self.files):
            yield SourceEntry(path, len(self.files[path]))

    def read(self, path: str) -> bytes:
        return self.files[path]


@st.composite
def frontmatter(draw: st.DrawFn) -> str:
    """Random frontmatter: a random mapping for a random type, or YAML-ish random text."""
    if draw(st.booleans()):
        meta: dict[Any, Any] = draw(st.dictionaries(KEYS, VALUES, max_size=8))
        if draw(st.integers(0, 4)):
            meta["type"] = draw(st.sampled_from(TYPES))
        return yaml.safe_dump(meta, allow_unicode=True, default_flow_style=draw(st.sampled_from([None, True, False])))
    pieces = st.sampled_from(["type: minutes\n", "type: ", "date: ", "tlp: ", "- ", "  ", "\t", ": ", "[", "]",
                              "{", "}", "&a ", "*a ", "!!binary ", "!!python/object ", "? ", "|\n", ">\n", "'", '"',
                              "#", "\n", "---\n", "...\n", "%YAML 1.1\n", "2026-01-01", "\r\n", "\x00", "\ufeff"])
    return "".join(draw(st.lists(st.one_of(pieces, st.text(max_size=6)), max_size=25)))


def _files(texts: list[str], as_sidecar: bool) -> dict[str, bytes]:
    files = {"isac.yaml": PROFILE.encode()}
    for i, text in enumerate(texts):
        if as_sidecar:
            files[f"docs/d{i}.pdf"] = b"%PDF"
            files[f"docs/d{i}.pdf.meta.yaml"] = text.encode("utf-8", "surrogatepass")
        else:
            files[f"docs/d{i}.md"] = f"---\n{text}\n---\nBody\n".encode("utf-8", "surrogatepass")
    return files


def _assert_findings_name_files(findings: tuple[Finding, ...], files: dict[str, bytes]) -> None:
    for finding in findings:
        assert finding.path, finding
        # a sidecar's document findings name the sidecar or the file it describes
        assert finding.path in files or finding.path + ".meta.yaml" in files, finding


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(frontmatter(), min_size=1, max_size=3), st.booleans())
def test_random_frontmatter_never_breaks_loading(texts: list[str], as_sidecar: bool) -> None:
    files = _files(texts, as_sidecar)
    repo = load_repository(MemorySource(files))
    _assert_findings_name_files(repo.findings, files)
    for document in repo.documents:
        assert document.path in files


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(frontmatter(), min_size=1, max_size=3), st.booleans())
def test_random_frontmatter_never_breaks_evaluation_or_any_output(texts: list[str], as_sidecar: bool) -> None:
    from pathlib import Path

    files = _files(texts, as_sidecar)
    run = check(Path("memory"), AS_OF, source=MemorySource(files))
    _assert_findings_name_files(run.evaluation.findings, files)
    rendered = {name: get_reporter(name).render(run.evaluation, run.pack, RenderOptions(lang="nl", verbose=True))
                for name in REPORTERS}
    assert set(rendered) >= {"text", "json", "sarif", "junit", "github", "gitlab"}
    # Each format is what its consumer parses, and carries every finding (none lost to odd input).
    data = json.loads(rendered["json"])
    validator_for("output").validate(data)
    assert len(data["findings"]) == len(run.evaluation.findings)
    assert {f["path"] for f in data["findings"]} == {f.path for f in run.evaluation.findings}
    sarif = json.loads(rendered["sarif"])
    assert len([r for r in sarif["runs"][0]["results"] if r["ruleId"] in {f.code for f in run.evaluation.findings}]
               ) >= len(run.evaluation.findings)
    junit = ET.fromstring(rendered["junit"])
    assert junit.tag == "testsuites" and len(list(junit.iter("testcase"))) >= len({f.path for f in run.evaluation.findings})
    assert len(json.loads(rendered["gitlab"])) >= len(run.evaluation.findings)
    annotations = [line for line in rendered["github"].splitlines() if line.startswith("::")]
    assert len(annotations) >= len(run.evaluation.findings)
    assert "\nVolwassenheidsprofiel\n" in rendered["text"]
