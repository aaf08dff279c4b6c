"""The yearly evidence report: sections in order, escaping, the TLP ceiling, determinism, PDF, Chromium.

The browser and PDF tests skip only outside CI: `.ci/run` sets ISACCHECK_REQUIRE_BROWSER=1 and
ISACCHECK_REQUIRE_PDF=1, and then a missing Chromium or WeasyPrint is a failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, cast

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
    # Tagged PDF/UA-1: a structure tree, marked content, the language.
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "en"
    roles: set[str] = set()
    alts: dict[str, str] = {}

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                roles.add(str(node["/S"]))
                if "/Alt" in node:
                    alts[str(node["/S"])] = str(node["/Alt"])
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids] if kids is not None else []):
                walk(kid)

    walk(catalog["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure", "/Link"} <= roles, roles
    assert alts.get("/Figure") == "Maturity profile"  # the chart has a text alternative
    # One font family: body, running headers, badges and paths alike (bold is a weight of it).
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get_object().get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts and all(f.startswith("DejaVu-Sans") and "Mono" not in f for f in fonts), fonts
    # The first page: the cover and the table of contents with page numbers, like the HTML's.
    first = reader.pages[0].extract_text()
    assert "Annual evidence report" in first and "Contents" in first
    assert re.search(r"Maturity profile \.+ ?\d+", first) and re.search(r"Appendix: document findings \.+ ?\d+", first)


def _rows_per_page(html: str) -> list[dict[int, int]]:
    """For each table of the laid-out PDF: how many body rows land on each page (WeasyPrint's layout)."""
    import collections

    import weasyprint

    document = weasyprint.HTML(string=html).render()
    tables: dict[int, collections.Counter[int]] = collections.defaultdict(collections.Counter)

    def walk(box: Any, page: int, table: int = 0, group: str | None = None) -> None:
        kind = type(box).__name__
        if kind == "TableBox":
            table = id(box.element)
        elif kind == "TableRowGroupBox":
            group = box.element.tag if box.element is not None else None
        elif kind == "TableRowBox" and group == "tbody":
            tables[table][page] += 1
        for child in getattr(box, "children", None) or []:
            walk(child, page, table, group)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number)
    return [dict(counts) for counts in tables.values()]


def test_pdf_leaves_no_table_row_alone_on_a_page(tlp_repo: Path) -> None:
    """The report's print CSS keeps the first two and the last two rows of a table together."""
    _require("weasyprint", "ISACCHECK_REQUIRE_PDF")
    html = html_of(tlp_repo, lang="en")
    style = html[html.index("<style>"):html.index("</style>") + len("</style>")]
    split = 0
    for n in range(38, 48):  # around where this table fills an A4 page
        rows = "".join(f"<tr><td>row {i}</td><td>2</td></tr>" for i in range(n))
        page = (f"<html><head>{style}</head><body><table><thead><tr><th>a</th><th>b</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></body></html>")
        for counts in _rows_per_page(page):
            split += len(counts) > 1
            assert min(counts.values()) >= 2, (n, counts)
    assert split >= 5  # the tables did break across pages
    for counts in _rows_per_page(html):
        assert len(counts) == 1 or min(counts.values()) >= 2, counts


@pytest.mark.parametrize(("value", "why"), [("abc", "not a whole number"), ("-5", "not a whole number"),
                                          ("1e9", "not a whole number"), ("\u0661\u0662", "not a whole number"),
                                          ("99999999999999", "out of range"), ("9" * 400, "out of range")])
def test_malformed_source_date_epoch_is_a_clear_error(tlp_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     value: str, why: str) -> None:
    """reproducible-builds: a malformed SOURCE_DATE_EPOCH is an error (exit 2), never ignored or a crash."""
    _require("weasyprint", "ISACCHECK_REQUIRE_PDF")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    target = tmp_path / "r.pdf"
    code, output, _ = invoke("report", str(tlp_repo), "--year", str(YEAR), "--as-of", AS_OF.isoformat(),
                             "--format", "pdf", "-o", str(target))
    assert code == 2, output
    assert "SOURCE_DATE_EPOCH" in output and why in output and "internal error" not in output
    assert not target.exists()


def test_source_date_epoch_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    from isaccheck.report import pdf_created

    class Fake:
        as_of = "2025-12-31"

    report = cast(Any, Fake())
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pdf_created(report) == "2025-12-31"
    for value, created in (("", "2025-12-31"), ("0", "1970-01-01T00:00:00Z"),
                           ("253402300799", "9999-12-31T23:59:59Z")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        assert pdf_created(report) == created, value


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


def test_html_landmarks(tlp_repo: Path) -> None:
    """axe-core's landmark-one-main and region: one <main>, and everything else in a landmark."""
    html = html_of(tlp_repo, lang="en")
    body = html[html.index("<body>") + len("<body>"):html.index("</body>")]
    assert html.count("<main>") == 1 and html.count("</main>") == 1
    outside = re.sub(r"<header\b.*?</header>|<main>.*?</main>|<footer\b.*?</footer>", "", body, flags=re.DOTALL)
    assert outside.strip() == "", outside[:200]


def _point_to_segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return float(((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5)


def test_radar_ring_numbers_are_off_the_axes_and_labels(tlp_repo: Path) -> None:
    chart = build(tlp_repo).chart
    cx, cy = float(chart.cx), float(chart.cy)
    assert [level for level, *_ in chart.rings] == [1, 2, 3]
    for _level, _points, lx, ly in chart.rings:
        x, y = float(lx), float(ly)
        for axis in chart.axes:
            # The number's disc (radius 11) does not touch an axis line...
            assert _point_to_segment(x, y, cx, cy, float(axis.x2), float(axis.y2)) > 12, (lx, ly, axis.code)
            # ...nor an axis label (its anchor and the lines below it).
            assert abs(x - float(axis.label_x)) > 40 or abs(y - float(axis.label_y)) > 40, (lx, ly, axis.code)
    html = html_of(tlp_repo, lang="en")
    assert html.count('r="11" fill="#ffffff"') == 3 and 'font-size="15" font-weight="bold"' in html


def test_chromium_profile_table_fits_a_phone(tlp_repo: Path, tmp_path: Path) -> None:
    """At 390 px wide the profile table needs no sideways scrolling, and every value keeps its label."""
    binary = _chromium()
    html = html_of(tlp_repo, lang="en")
    # A test-only probe (the report itself has no script): measure after layout, write the result to the DOM.
    probe = ("<script>addEventListener('load', () => { const t = document.getElementById('profile-table');"
             " document.body.dataset.fits = String(t.scrollWidth <= t.parentElement.clientWidth + 1"
             " && document.documentElement.scrollWidth <= innerWidth + 1); });</script>")
    target = tmp_path / "phone.html"
    target.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = _browser(binary, tmp_path, "--window-size=390,2000", "--virtual-time-budget=2000", "--dump-dom",
                   target.resolve().as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-fits="true"' in dom.stdout, re.findall(r"<body[^>]*>", dom.stdout)
    assert 'data-label="Reached"' in html and 'data-label="Questions holding per level"' in html


AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # axe-core 4.14.1 (npm)


def _axe_js() -> str:
    # Vendored (tests/data/README.md), so the README's test command and .ci/run run the same tests.
    path = ROOT / "tests" / "data" / "axe.min.js"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "axe.min.js changed; re-pin"
    return data.decode("utf-8")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_axe_core_finds_no_accessibility_violation(tlp_repo: Path, tmp_path: Path, lang: str) -> None:
    """axe-core (WCAG 2 A/AA and best practices: landmark-one-main, region, contrast, ...) in Chromium."""
    binary = _chromium()
    axe = _axe_js()
    html = html_of(tlp_repo, lang=lang)
    # Test-only copy: axe and a probe that writes the violations into the DOM (the report has no script).
    probe = ("<script>" + axe.replace("</script", "<\\/script") + "</script><script>addEventListener('load', () => {"
             " axe.run(document, {resultTypes: ['violations']}).then(r => { const o = document.createElement('pre');"
             " o.id = 'axe-result'; o.textContent = JSON.stringify(r.violations.map(v => [v.id, v.nodes.length,"
             " v.nodes.slice(0, 3).map(n => n.target.join(' '))])); document.body.appendChild(o); }); });</script>")
    target = tmp_path / "axe.html"
    target.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = _browser(binary, tmp_path, "--virtual-time-budget=20000", "--dump-dom", target.resolve().as_uri())
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dom.stdout, re.DOTALL)
    assert found, dom.stdout[-1000:] + dom.stderr[-1000:]
    import html as htmlmod

    assert json.loads(htmlmod.unescape(found.group(1))) == []


def test_chromium_shows_a_script_title_as_text(tlp_repo: Path, tmp_path: Path) -> None:
    binary = _chromium()
    target = tmp_path / "report.html"
    target.write_text(html_of(tlp_repo, lang="en"), encoding="utf-8")
    dom = _browser(binary, tmp_path, "--dump-dom", target.resolve().as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<script>" not in dom.stdout
    assert "&lt;script&gt;alert" in dom.stdout


def test_report_of_this_year_does_not_load_the_repository_to_check_the_year(
        tlp_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No year from this one on can be before the first dated document: --year's check loads nothing."""
    from isaccheck import runner

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("--year of this year loaded the repository to check the year")

    monkeypatch.setattr(runner, "load_for_inventory", refused)
    this_year = dt.date.today().year
    for year in (this_year, this_year + 1):
        code, output, _ = invoke("report", "-o", "-", str(tlp_repo), "--year", str(year), "--format", "md",
                                 "--lang", "en")
        assert code in (0, 2), output
        assert "first dated document" not in output


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
