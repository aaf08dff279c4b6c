"""The yearly evidence report: sections in order, escaping, the TLP ceiling, determinism, PDF, Chromium.

The browser and PDF tests skip only outside CI: `.ci/run` sets ISACCHECK_REQUIRE_BROWSER=1 and
ISACCHECK_REQUIRE_PDF=1, and then a missing Chromium or WeasyPrint is a failure.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from isaccheck import report as reportmod
from isaccheck import runner
from isaccheck.cli import cli
from isaccheck.model import CAPABILITIES

from .conftest import PROFILE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "evidence-examples").iterdir() if (p / "isac.yaml").is_file())
YEAR = 2026
AS_OF = dt.date(2026, 11, 28)

SCRIPT_TITLE = '<script>alert("x")</script> Richtlijnen & afspraken'
AMBER_TITLE = "Notulen AMBER over het lek bij Alpha"
AMBER_REASON = "Besloten in het AMBER-overleg wegens de fraudezaak bij Beta"
RED_TITLE = "Notulen RED over de gijzelsoftware bij Gamma"
STRICT_TITLE = "Incidentrapport STRICT over schakelkast Delta"
RED_SHARED_TITLE = "Daderinformatie RED groep Kwelder"
SECRETS = [AMBER_TITLE, AMBER_REASON, RED_TITLE, STRICT_TITLE, RED_SHARED_TITLE, "Kwelder", "gijzelsoftware"]

ORDER = ["cover", "profile", "trend", "capabilities", "disagreements", "plan", "not-applicable", "findings"]


def _minutes(date: str, title: str, tlp: str, extra: str = "") -> str:
    return (f"---\ntype: minutes\ntitle: {title}\ndate: {date}\ntlp: {tlp}\n"
            f"attendees: [Alpha, Beta, Gamma]\nitems: [jaarplan, TLP]\n---\n# Notulen\n\n{extra}")


@pytest.fixture
def tlp_repo(make_repo: Callable[..., Path]) -> Path:
    """Documents from CLEAR to RED, a not-applicable decision taken in AMBER minutes, a <script> title."""
    profile = PROFILE + (
        "not_applicable:\n"
        "  - question: STR-3.4\n"
        f"    reason: {AMBER_REASON}\n"
        "    decided_on: 2025-09-10\n"
        "    decided_in: meetings/2025-09-10/minutes.md\n"
        "    expires: 2027-09-10\n"
    )
    files = {
        "governance/guidelines.md": (
            "---\ntype: membership-guidelines\n"
            f"title: '{SCRIPT_TITLE}'\n"
            "date: 2024-03-01\ntlp: GREEN\nsigning_required: false\n---\n"
            "# Richtlijnen\n\n## Afspraken over informatiedeling\nWij delen alles via de lijst.\n"),
        "meetings/2025-09-10/minutes.md": _minutes("2025-09-10", "Notulen september 2025", "AMBER",
                                                   "STR-3.4 is not applicable: decided.\n"),
        "meetings/2026-03-12/minutes.md": _minutes("2026-03-12", AMBER_TITLE, "AMBER"),
        "meetings/2026-06-10/minutes.md": _minutes("2026-06-10", RED_TITLE, "RED",
                                                   "- TLP:RED: gijzelsoftware bij Gamma\n"),
        "shared/rapport.md": (f"---\ntype: shared-information\ntitle: {STRICT_TITLE}\ndate: 2026-04-02\n"
                              "tlp: AMBER+STRICT\nshared_with: [Alpha]\nlevel: tactical\n---\n# Rapport\n\nSchakelkast Delta.\n"),
        "shared/dader.md": (f"---\ntype: shared-information\ntitle: {RED_SHARED_TITLE}\ndate: 2026-05-02\n"
                            "tlp: RED\nshared_with: [person:Ann Chair]\nlevel: strategic\n---\n# Dader\n\nServers bij Kwelder.\n"),
    }
    return make_repo(files, profile=profile)


def build(path: Path, **kwargs: object) -> reportmod.Report:
    return reportmod.build_report(path, YEAR, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def html_of(path: Path, **kwargs: object) -> str:
    return reportmod.render(build(path, **kwargs), "html")


def md_of(path: Path, **kwargs: object) -> str:
    return reportmod.render(build(path, **kwargs), "md")


def invoke(*args: str) -> tuple[int, str, bytes]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output, result.stdout_bytes


# -- structure ----------------------------------------------------------------------------------

def test_html_sections_present_and_in_order(tlp_repo: Path) -> None:
    html = html_of(tlp_repo, lang="en")
    positions = [html.find(f'data-section="{name}"') for name in ORDER]
    assert all(p > 0 for p in positions), dict(zip(ORDER, positions))
    assert positions == sorted(positions)
    for code in CAPABILITIES:
        assert f'id="cap-{code}"' in html
    # The chart is inline SVG, with its colours as attributes, and the same numbers as a table.
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'fill="#1f6fb2"' in svg and 'stroke="#d9480f"' in svg and "class=" not in svg
    assert 'id="profile-table"' in html
    assert "<script" not in html.lower().replace("&lt;script", "")  # no JavaScript of our own
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "").split("</style>")[0]


def test_markdown_sections_present_and_in_order(tlp_repo: Path) -> None:
    md = md_of(tlp_repo, lang="en")
    headings = ["# Test-ISAC", "## Maturity profile", "## Trend", "## Questions per capability",
                "## Self-assessment versus evidence", "## Development plan", "## Not applicable by decision",
                "## Appendix: document findings"]
    positions = [md.find(h) for h in headings]
    assert all(p >= 0 for p in positions), dict(zip(headings, positions))
    assert positions == sorted(positions)
    # The profile as a table with a text bar; no raw HTML.
    assert re.search(r"\| \*\*STR\*\* .* \| `[█░·]{3}`", md)
    assert "<svg" not in md and "<div" not in md


def test_dutch_report(tlp_repo: Path) -> None:
    md = md_of(tlp_repo, lang="nl")
    assert "## Volwassenheidsprofiel" in md and "## Ontwikkelplan" in md


def test_cover_and_trend(tlp_repo: Path) -> None:
    report = build(tlp_repo, lang="en")
    assert report.isac_name == "Test-ISAC" and report.sector == "water"
    assert report.participants == ("Alpha", "Beta", "Gamma")
    assert [t.year for t in report.trend] == [2024, 2025, 2026]  # from the first year with documents
    assert report.trend[-1].current and report.trend[0].as_of == "2024-12-31"
    assert report.previous_as_of == "2025-12-31"
    # Gained and lost: the difference between the holding questions at both dates.
    def holding(as_of: dt.date) -> set[str]:
        return {q.id for q in runner.check(tlp_repo, as_of).evaluation.questions if q.outcome.holds}

    now, before = holding(AS_OF), holding(dt.date(2025, 12, 31))
    assert [q.id for q in report.gained] and {q.id for q in report.gained} == now - before
    assert {q.id for q in report.lost} == before - now


def test_plan_has_at_most_two_capabilities_with_advice(tlp_repo: Path) -> None:
    report = build(tlp_repo, lang="en")
    assert 1 <= len(report.plan) <= 2
    assert all(step.advice for step in report.plan)
    assert [s.from_level for s in report.plan] == sorted(s.from_level for s in report.plan)


def test_evaluation_date_rules() -> None:
    today = dt.date(2026, 11, 28)
    assert reportmod.evaluation_date(2025, today) == dt.date(2025, 12, 31)
    assert reportmod.evaluation_date(2026, today) == today
    with pytest.raises(reportmod.ConfigError):
        reportmod.evaluation_date(2027, today)


def test_cli_refuses_as_of_outside_the_year(tlp_repo: Path) -> None:
    code, output, _ = invoke("report", "-o", "-", str(tlp_repo), "--year", "2025", "--as-of", "2026-01-05")
    assert code == 2 and "not in --year 2025" in output


# -- escaping -----------------------------------------------------------------------------------

def test_html_escapes_document_titles(tlp_repo: Path) -> None:
    html = html_of(tlp_repo, lang="en")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Richtlijnen &amp; afspraken" in html


def test_markdown_escapes_document_titles(tlp_repo: Path) -> None:
    md = md_of(tlp_repo, lang="en")
    assert "<script>" not in md
    assert "&lt;script&gt;alert(\"x\")&lt;/script&gt; Richtlijnen &amp; afspraken" in md


def test_markdown_escape_keeps_tables_intact() -> None:
    assert reportmod.md_escape("a | b\nc *d* [e](f) `g` #h") == r"a \| b c \*d\* \[e\](f) \`g\` \#h"


# -- TLP ----------------------------------------------------------------------------------------

def test_report_label_is_the_most_restrictive_quoted(tlp_repo: Path) -> None:
    report = build(tlp_repo, lang="en")
    # AMBER+STRICT is quoted (shown); RED never is.
    assert report.tlp.label == "AMBER+STRICT"
    html = reportmod.render(report, "html")
    assert STRICT_TITLE in html and AMBER_TITLE in html and AMBER_REASON in html
    for secret in (RED_TITLE, RED_SHARED_TITLE, "Kwelder", "gijzelsoftware"):
        assert secret not in html
    assert report.withheld > 0


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_tlp_ceiling_green_leaves_out_amber_and_red(tlp_repo: Path, fmt: str) -> None:
    code, output, _ = invoke("report", "-o", "-", str(tlp_repo), "--year", str(YEAR), "--as-of", AS_OF.isoformat(),
                             "--format", fmt, "--lang", "en", "--tlp", "GREEN")
    assert code == 0, output
    for secret in SECRETS:
        assert secret not in output, secret
    # Their paths and the fact that they exist remain; the report says how much was withheld.
    assert "meetings/2026-06-10/minutes.md" in output and "shared/dader.md" in output
    match = re.search(r"Items withheld: (\d+)\. They quote documents above TLP:GREEN", output)
    assert match and int(match.group(1)) > 0
    first = output.splitlines()[0] if fmt == "md" else output[output.index("<title>"):output.index("</title>")]
    assert "TLP:GREEN" in first
    # The GREEN document is still quoted.
    assert "Richtlijnen" in output


def test_tlp_ceiling_label_of_the_report(tlp_repo: Path) -> None:
    assert build(tlp_repo, ceiling=reportmod.Label.GREEN).tlp.label == "GREEN"
    assert build(tlp_repo, ceiling=reportmod.Label.CLEAR).tlp.label == "CLEAR"


def test_tlp_example_with_ceiling() -> None:
    example = ROOT / "evidence-examples" / "tlp-isac"
    if not example.is_dir():
        pytest.skip("no tlp-isac example")
    text = reportmod.render(reportmod.build_report(example, YEAR, as_of=AS_OF, ceiling=reportmod.Label.GREEN), "md")
    for secret in ["Notulen kwartaaloverleg juni over het storingsincident Zuidlaren",
                   "Incidentrapport aanval op schakelstation Veendam", "Daderinformatie groep Noorderlicht",
                   "hosting-partij Kwelder", "ransomware-aanval op de meetdienst"]:
        assert secret not in text


# -- determinism --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["html", "md"])
def test_deterministic(tlp_repo: Path, fmt: str, tmp_path: Path) -> None:
    outputs = []
    for n in range(2):
        target = tmp_path / f"r{n}.{fmt}"
        code, output, _ = invoke("report", "-o", "-", str(tlp_repo), "--year", str(YEAR), "--as-of", AS_OF.isoformat(),
                                 "--format", fmt, "-o", str(target))
        assert code == 0, output
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_past_year_report_defaults_to_year_end(tlp_repo: Path) -> None:
    report = reportmod.build_report(tlp_repo, 2025)
    assert report.as_of == "2025-12-31"
    assert [t.year for t in report.trend] == [2024, 2025]


# -- PDF ----------------------------------------------------------------------------------------

def test_pdf_without_the_extra_says_how_to_install(tlp_repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    code, output, _ = invoke("report", "-o", "-", str(tlp_repo), "--year", str(YEAR), "--as-of", AS_OF.isoformat(),
                             "--format", "pdf", "-o", str(tmp_path / "r.pdf"))
    assert code == 2
    assert "pip install 'isaccheck[pdf]'" in output
    assert not (tmp_path / "r.pdf").exists()


def test_pdf_without_output_goes_to_the_default_file(tlp_repo: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: no -o writes report-YYYY.pdf (verslag-YYYY.pdf in Dutch) and says where, never to the terminal."""
    _require("weasyprint", "ISACCHECK_REQUIRE_PDF")
    monkeypatch.chdir(tmp_path)
    code, output, stdout = invoke("report", str(tlp_repo), "--format", "pdf", "--year", str(YEAR),
                                  "--as-of", AS_OF.isoformat(), "--lang", "en")
    assert code == 0, output
    written = tmp_path / f"report-{YEAR}.pdf"
    assert written.read_bytes().startswith(b"%PDF") and f"report written to {written}" in output
    assert b"%PDF" not in stdout


def _require(module: str, env: str) -> None:
    if importlib.util.find_spec(module) is None:
        if os.environ.get(env):
            pytest.fail(f"{module} is required here ({env} is set) but not installed")
        pytest.skip(f"{module} not installed (set {env}=1 to make this a failure)")


def test_pdf_contains_the_profile_and_is_reproducible(tlp_repo: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _require("weasyprint", "ISACCHECK_REQUIRE_PDF")
    _require("pypdf", "ISACCHECK_REQUIRE_PDF")
    import pypdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767139200")  # 2025-12-31T00:00:00Z
    pdfs = []
    for n in range(2):
        target = tmp_path / f"r{n}.pdf"
        code, output, _ = invoke("report", "-o", "-", str(tlp_repo), "--year", str(YEAR), "--as-of", AS_OF.isoformat(),
                                 "--format", "pdf", "--lang", "en", "-o", str(target))
        assert code == 0, output
        pdfs.append(target.read_bytes())
    assert pdfs[0].startswith(b"%PDF-") and pdfs[0] == pdfs[1]
    reader = pypdf.PdfReader(io.BytesIO(pdfs[0]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Maturity profile" in text
    for code in CAPABILITIES:
        assert code in text
    assert "Strategy and action plan" in text and "TLP:AMBER+STRICT" in text
    assert RED_TITLE not in text
    assert str(reader.metadata.get("/CreationDate", "")).startswith("D:20251231")


# -- headless Chromium --------------------------------------------------------------------------

def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("ISACCHECK_REQUIRE_BROWSER"):
            pytest.fail("chromium is required here (ISACCHECK_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium not installed (set ISACCHECK_REQUIRE_BROWSER=1 to make this a failure)")
    return found


def _browser(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "chromium-profile"
    profile.mkdir(exist_ok=True)
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HOME": str(tmp)})


def _colours(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(colours) if colours is not None else 1 << 20


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_chromium_renders_the_report_of_each_example(example: Path, tmp_path: Path) -> None:
    binary = _chromium()
    _require("PIL", "ISACCHECK_REQUIRE_BROWSER")
    target = tmp_path / "report.html"
    code, output, _ = invoke("report", "-o", "-", str(example), "--year", str(YEAR), "--as-of", AS_OF.isoformat(),
                             "--format", "html", "-o", str(target))
    assert code == 0, output
    url = target.resolve().as_uri()

    png = tmp_path / "report.png"
    shot = _browser(binary, tmp_path, f"--screenshot={png}", "--window-size=1200,3000", url)
    assert png.is_file() and png.stat().st_size > 0, shot.stderr[-2000:]
    assert _colours(png) > 1, "the screenshot is blank"

    dom = _browser(binary, tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "<svg" in html and "<polygon" in html
    for code_ in CAPABILITIES:
        assert f'id="cap-{code_}"' in html
        assert re.search(rf">{code_} \d/[\d–]<", html), code_  # the chart's axis label
    for name in ORDER:
        assert f'data-section="{name}"' in html


def test_chromium_shows_a_script_title_as_text(tlp_repo: Path, tmp_path: Path) -> None:
    binary = _chromium()
    target = tmp_path / "report.html"
    target.write_text(html_of(tlp_repo, lang="en"), encoding="utf-8")
    dom = _browser(binary, tmp_path, "--dump-dom", target.resolve().as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<script>" not in dom.stdout
    assert "&lt;script&gt;alert" in dom.stdout


# -- packaging ----------------------------------------------------------------------------------

def test_templates_are_package_data() -> None:
    """pyproject's package-data globs cover every report template (a built wheel carries them)."""
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["isaccheck"]
    templates = sorted((ROOT / "isaccheck" / "templates" / "report").glob("*.j2"))
    assert {t.name for t in templates} == {"report.html.j2", "report.md.j2"}
    for template in templates:
        rel = template.relative_to(ROOT / "isaccheck").as_posix()
        assert any(fnmatch.fnmatch(rel, g) and rel.count("/") == g.count("/") for g in globs), rel


def test_report_with_year_loads_each_file_once(tlp_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--year's check of the first dated document and the report itself share one LoadCache."""
    from isaccheck import repository

    loads: dict[str, int] = {}
    load_markdown = repository._Loader.load_markdown

    def counted(self: repository._Loader, entry: object, *args: object, **kwargs: object) -> object:
        path = getattr(entry, "path")
        loads[path] = loads.get(path, 0) + 1
        return load_markdown(self, entry, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repository._Loader, "load_markdown", counted)
    code, output, _ = invoke("report", "-o", "-", str(tlp_repo), "--year", str(YEAR), "--as-of", AS_OF.isoformat(),
                             "--format", "md", "--lang", "en")
    assert code == 0, output
    assert loads and max(loads.values()) == 1, {p: n for p, n in loads.items() if n > 1}
