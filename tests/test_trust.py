"""Issue 15: the attacks of the adversarial review, each reproduced through every output.

One copy of the water example carries every TLP attack at once (each with its own secret), so
each output format runs once per ceiling: text, json, sarif, junit, gitlab and github for
`check`, html, md and pdf for `report`, and `validate`. No secret may appear anywhere, and every
output says its label in its own place.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from isaccheck import tlpout
from isaccheck.cli import cli
from isaccheck.gate import GatePolicy, evaluate_gate
from isaccheck.model import ComingDue, Text
from isaccheck.reporters import RenderOptions, get_reporter
from isaccheck.runner import check
from isaccheck.tlp import Label

ROOT = Path(__file__).resolve().parent.parent
WATER = ROOT / "evidence-examples" / "water-isac"
AS_OF = "2026-11-28"
CI_FORMATS = ("text", "json", "sarif", "junit", "gitlab", "github")

SPACE = "SECRET-space-path"
PAREN = "SECRET-paren-path"
UNDERSTATED = "SECRET-understated-title"
UNDERSTATED_ITEM = "SECRET-understated-item"
REDD = "SECRET-unreadable-label"
WAIVER = "SECRET-waiver-reason"
OVERSIZE = "SECRET-oversize"
SECRETS = (SPACE, PAREN, UNDERSTATED, UNDERSTATED_ITEM, REDD, WAIVER, OVERSIZE)


def _minutes(date: str, tlp: str, category: str, title: str = "Extra meeting", body: str = "",
             item_tlp: str = "RED") -> str:
    return (f"---\ntype: minutes\ntitle: {title}\ndate: {date}\ntlp: {tlp}\n"
            "attendees: [Rhine Delta Water, Meuse Valley Water]\nitems: [Incident round]\n"
            f"roundtable:\n- {{category: {category}, tlp: {item_tlp}}}\n"
            "actions:\n- {action: Follow up, owner: Rhine Delta Water, due: 2026-12-01}\n---\n"
            f"{body}# Minutes\n\nDiscussed.\n")


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trust") / "water"
    shutil.copytree(WATER, root)
    files = {
        # 1. paths that a path pattern did not see: a space, parentheses
        "meetings/2026-06-20 extra/minutes.md": _minutes("2026-06-20", "RED", SPACE,
                                                         body="Decided: STR-3.4 is not applicable.\n\n"),
        "meetings/2026-07-20/minutes(final).md": _minutes("2026-07-20", "RED", PAREN),
        # 3. frontmatter GREEN, a TLP:RED line in the body and a RED item: RED for output
        "meetings/2026-08-20/minutes.md": _minutes("2026-08-20", "GREEN", UNDERSTATED_ITEM, title=UNDERSTATED,
                                                   body="TLP:RED\n\n"),
        # 4. a label that cannot be read: RED for output, never unlabelled
        "meetings/2026-09-01/minutes.md": _minutes("2026-09-01", "TLP:REDD", REDD, item_tlp="GREEN"),
        # 7. RED, shared with the public, padded past the size limit
        "shared/huge.md": ("---\ntype: shared-information\ntitle: Huge\ndate: 2026-05-01\ntlp: RED\n"
                           f"shared_with: [public]\nlevel: {OVERSIZE}\n---\n# Huge\n\n" + ("x" * 100 + "\n") * 300),
        "isaccheck.yaml": "max_file_size_kb: 16\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    # 5. a not-applicable decision taken in RED minutes
    profile = (root / "isac.yaml").read_text(encoding="utf-8")
    profile = re.sub(r"reason: >-\n(      .*\n)+", f"reason: {WAIVER}\n", profile, count=1)
    profile = profile.replace("decided_in: meetings/2026-02-12/minutes.md",
                              "decided_in: meetings/2026-06-20 extra/minutes.md")
    (root / "isac.yaml").write_text(profile, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _no_secret(output: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in output, (where, secret)


def _label_of(fmt: str, output: str) -> str | None:
    """The label each format carries, read from the format's own place."""
    if fmt == "text":
        return output.splitlines()[0]
    if fmt == "json":
        return f"TLP:{json.loads(output)['tlp']}"
    if fmt == "sarif":
        return f"TLP:{json.loads(output)['runs'][0]['properties']['tlp']}"
    if fmt == "junit":
        values = {p.get("value") for p in ET.fromstring(output).iter("property") if p.get("name") == "tlp"}
        assert len(values) == 1
        return values.pop()
    if fmt == "gitlab":
        issue = next(i for i in json.loads(output) if i["check_name"] == "isaccheck/tlp")
        return str(issue["description"]).split(":", 2)[0] + ":" + str(issue["description"]).split(":", 2)[1]
    if fmt == "github":
        line = next(line for line in output.splitlines() if line.startswith("isaccheck: output labelled "))
        assert output.startswith("::notice file=isac.yaml,line=1,title=TLP")
        return line.removeprefix("isaccheck: output labelled ").split(",")[0]
    raise AssertionError(fmt)


@pytest.mark.parametrize("ceiling", ["CLEAR", None])
def test_no_leak_through_any_check_format(attacked: Path, ceiling: str | None) -> None:
    extra = ["--tlp", ceiling] if ceiling else []
    for fmt in CI_FORMATS:
        code, output = run("check", str(attacked), "--as-of", AS_OF, "--format", fmt, "--no-git", *extra)
        _no_secret(output, fmt)
        label = _label_of(fmt, output)
        if ceiling:
            assert label == "TLP:CLEAR", (fmt, label)
        else:
            assert label in ("TLP:AMBER", "TLP:AMBER+STRICT"), (fmt, label)


def test_the_attacks_are_reached(attacked: Path) -> None:
    """Each attack is really there: withheld (not just absent), and the oversize document is checked."""
    evaluation = check(attacked, dt.date.fromisoformat(AS_OF), git="off").evaluation
    dumped = json.dumps([f.message.en for f in evaluation.findings] + [q.reason.en for q in evaluation.questions])
    for path in ("meetings/2026-06-20 extra/minutes.md", "meetings/2026-07-20/minutes(final).md",
                 "meetings/2026-08-20/minutes.md (TLP:RED)", "meetings/2026-09-01/minutes.md (TLP:RED)"):
        assert path in dumped, path
    codes = {(f.path, f.code, f.severity.value) for f in evaluation.findings}
    assert ("shared/huge.md", "tlp-sharing", "error") in codes  # read despite its size: the gate fails
    assert ("shared/huge.md", "too-large", "warning") in codes
    assert not evaluate_gate(evaluation, GatePolicy(), None, {}).passed
    waiver = next(w for w in evaluation.waivers if w.question == "STR-3.4")
    assert waiver.withheld is not None and WAIVER not in waiver.reason_text("en")


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_no_leak_through_the_report(attacked: Path, fmt: str) -> None:
    code, output = run("report", "-o", "-", str(attacked), "--year", "2026", "--as-of", AS_OF, "--format", fmt, "--tlp", "CLEAR")
    assert code == 0, output
    _no_secret(output, fmt)
    assert "TLP:CLEAR" in output


def test_no_leak_through_the_pdf_report(attacked: Path, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    target = tmp_path / "r.pdf"
    code, output = run("report", str(attacked), "--year", "2026", "--as-of", AS_OF, "--format", "pdf",
                       "--tlp", "CLEAR", "-o", str(target))
    assert code == 0, output
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages)
    _no_secret(text, "pdf")
    assert "TLP:CLEAR" in text


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_validate_honours_the_label(attacked: Path, fmt: str) -> None:
    code, output = run("validate", "--root", str(attacked), "--format", fmt, "--tlp", "CLEAR")
    _no_secret(output, fmt)
    assert ('"tlp": "CLEAR"' if fmt == "json" else "TLP:CLEAR") in output
    code, output = run("validate", "--root", str(attacked), "--format", fmt)
    _no_secret(output, fmt)  # RED is withheld without a ceiling too


def test_warnings_and_coming_due_are_filtered_and_counted(attacked: Path) -> None:
    """Issue 15.2: run warnings and coming-due messages quoting a RED document are withheld everywhere."""
    done = check(attacked, dt.date.fromisoformat(AS_OF), git="off")
    red = "meetings/2026-06-20 extra/minutes.md"
    secret = Text(f"{SPACE} in a warning", f"{SPACE} in een waarschuwing", frozenset({red}))
    raw = replace(done.evaluation, warnings=(secret,), coming_due=(ComingDue("2026-12-01", secret, "INF-2.1"),),
                  tlp=None, withheld=0)
    for ceiling in (None, Label.CLEAR):
        filtered = tlpout.apply(raw, done.repository, ceiling)
        assert filtered.withheld >= 2 and filtered.tlp is not None
        for fmt in CI_FORMATS:
            output = get_reporter(fmt).render(filtered, done.pack, RenderOptions())
            _no_secret(output, fmt)


# -- 10, 11: output injection --------------------------------------------------------------------

HOSTILE_REASON = "ok\n::error file=x.md::owned\n::add-mask::abc\n##[group]owned [/b] [link=https://evil.example]x[/link]"
OSC = "Evil\x1b]52;c;b3duZWQ=\x07 Org\u202e"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inject") / "water"
    shutil.copytree(WATER, root)
    profile = (root / "isac.yaml").read_text(encoding="utf-8")
    profile = re.sub(r"reason: >-\n(      .*\n)+", lambda _: f"reason: {json.dumps(HOSTILE_REASON)}\n", profile, count=1)
    profile = profile.replace("name: Water-ISAC", "name: '\\[gate passed\\](https://evil.example) @alice'", 1)
    profile = profile.replace("participants:\n", f"participants:\n  - organisation: {json.dumps(OSC)}\n    joined: 2026-01-01\n", 1)
    (root / "isac.yaml").write_text(profile, encoding="utf-8")
    (root / "notes [").mkdir()  # the path `notes [/b].md`: a closing tag to rich
    (root / "notes [/b].md").write_text("---\ntype: minutes\ndate: 2026-13-01\n---\n", encoding="utf-8")
    return root


def _inert(output: str) -> None:
    for line in output.splitlines():
        stripped = line.lstrip()
        assert not stripped.startswith("::") and "##[" not in line, line
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output


def test_text_output_prints_document_data_as_inert_text(hostile: Path) -> None:
    code, output = run("check", str(hostile), "--as-of", AS_OF, "--no-git")
    assert code in (0, 1), output  # never exit 3 (a rich MarkupError was)
    _inert(output)
    assert "[/b]" in output and "[link=https://evil.example]x[/link]" in output  # shown as text, no live link
    assert "\\::error file=x.md::owned" in output or "\\n::error" in output
    assert "Evil\\x1b]52;c;b3duZWQ=\\x07 Org\\u202e" in output


def test_inventory_with_a_markup_file_name(hostile: Path) -> None:
    code, output = run("tlp", str(hostile))
    assert code in (0, 1) and "notes [/b].md" in output
    _inert(output)


def test_every_non_github_output_and_stderr_are_inert(hostile: Path) -> None:
    for fmt in ("json", "sarif", "junit", "gitlab"):
        code, output = run("check", str(hostile), "--as-of", AS_OF, "--no-git", "--format", fmt, "--gate", "ambition")
        _inert(output)
    code, output = run("check", str(hostile), "--as-of", AS_OF, "--no-git", "--format", "github", "--gate", "ambition")
    commands = [line for line in output.splitlines() if line.startswith("::")]
    assert all(re.match(r"::(error|warning|notice)( |::)", line) for line in commands)
    assert "\x1b" not in output and "\u202e" not in output


def test_job_summary_markdown_is_inert(hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run("check", str(hostile), "--as-of", AS_OF, "--no-git", "--format", "github")
    heading = summary.read_text(encoding="utf-8").splitlines()[0]
    # Every bracket and backslash escaped: `\[...\](url)` can no longer close its escapes into a link.
    assert "\\\\\\[gate passed\\\\\\](https\u2060://evil.example)" in heading
    assert "@\u2060alice" in heading


def test_markdown_report_passes_no_mentions_or_bare_urls(hostile: Path) -> None:
    code, output = run("report", "-o", "-", str(hostile), "--year", "2026", "--as-of", AS_OF, "--format", "md")
    assert code == 0, output
    assert "@alice" not in output and "https://evil.example" not in output
    assert "@\u2060alice" in output
    _inert(output)


def test_history_prints_the_name_inert(hostile: Path) -> None:
    profile = (hostile / "isac.yaml").read_text(encoding="utf-8")
    named = hostile.parent / "named"
    shutil.copytree(hostile, named)
    (named / "isac.yaml").write_text(profile.replace("name: '\\[gate passed", f"name: {json.dumps(OSC)}\n  x: '", 1),
                                     encoding="utf-8")
    code, output = run("history", str(named), "--since", "2026")
    assert code == 0, output
    _inert(output)
    assert "Evil\\x1b]52;c;b3duZWQ=\\x07 Org\\u202e" in output
