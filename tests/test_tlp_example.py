"""The mixed-label example: inventory, findings with lines, WOW-1.2 / WOW-2.3, and the --tlp ceiling."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from isaccheck.cli import EXIT_FINDINGS, cli

EXAMPLE = Path(__file__).resolve().parent.parent / "evidence-examples" / "tlp-isac"
AS_OF = "2026-11-28"

# Titles and sentences of the documents labelled above GREEN.
SECRETS = [
    "Notulen kwartaaloverleg juni over het storingsincident Zuidlaren", "ransomware-aanval op de meetdienst",
    "Notulen septemberoverleg met de gelekte leverancierslijst", "lijst met beheerwachtwoorden",
    "Incidentrapport aanval op schakelstation Veendam", "gestolen VPN-account",
    "Daderinformatie groep Noorderlicht", "hosting-partij Kwelder",
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_inventory_counts_and_findings_with_lines() -> None:
    result = run("tlp", str(EXAMPLE), "--format", "json")
    assert result.exit_code == EXIT_FINDINGS
    data = json.loads(result.output)
    from isaccheck.schemas import validator_for

    assert data["schema_version"] == "1.0" and not list(validator_for("tlp").iter_errors(data))
    assert data["per_label"] == {"CLEAR": 1, "GREEN": 3, "AMBER": 2, "AMBER+STRICT": 1, "RED": 1}
    assert data["per_type"]["shared-information"] == {"GREEN": 1, "AMBER+STRICT": 1, "RED": 1}
    assert data["unlabelled"] == []
    found = {(f["code"], f["path"], f["line"]) for f in data["findings"]}
    assert found == {
        ("tlp-deprecated", "meetings/2026-06-11/agenda.md", 6),
        ("tlp-understated", "meetings/2026-06-11/minutes.md", 17),
        ("tlp-disagree", "meetings/2026-09-10/minutes.md", 12),
        ("tlp-deprecated", "shared/advies-phishing.md", 5),
        ("tlp-sharing", "shared/advies-phishing.md", 6),
    }
    assert data["tlp"] == "AMBER"  # what the inventory quotes: findings on AMBER minutes
    # The guidelines explain every label in prose: that is not a marking.
    assert not [f for f in data["findings"] if "lidmaatschapsrichtlijnen" in f["path"]]


def test_inventory_text_in_both_languages() -> None:
    assert "TLP-overzicht" in run("tlp", str(EXAMPLE)).output
    english = run("tlp", str(EXAMPLE), "--lang", "en").output
    assert "TLP inventory" in english and "Documents without a label (0)" in english


def test_tlp_questions() -> None:
    data = json.loads(run("check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json").output)
    outcomes = {q["id"]: q["outcome"] for q in data["questions"]}
    assert outcomes["WOW-1.2"] == "holds"
    assert outcomes["WOW-2.3"] == "fails"


def test_output_carries_the_label_of_what_it_quotes() -> None:
    data = json.loads(run("check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json").output)
    assert data["tlp"] == "AMBER+STRICT"
    text = run("check", str(EXAMPLE), "--as-of", AS_OF).output
    assert text.splitlines()[0] == "TLP:AMBER+STRICT"


ABOVE_GREEN = ["meetings/2026-06-11/minutes.md", "meetings/2026-09-10/minutes.md", "shared/daderinformatie.md",
               "shared/incidentrapport-strikt.md"]


def _flat(text: str) -> str:
    return " ".join(text.split())  # the text output wraps long lines


def test_green_ceiling_leaves_out_everything_above_green() -> None:
    # What the check says about documents labelled above GREEN, seen without a ceiling...
    full = json.loads(run("check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json").output)
    planted = [f["message"] for f in full["findings"] if f["path"] in ABOVE_GREEN
               and not f["message"].startswith(("[weggelaten", "[withheld"))]  # RED is withheld even here
    assert planted, "the example must say something about its AMBER documents"
    for fmt in ("json", "text"):
        without = _flat(run("check", str(EXAMPLE), "--as-of", AS_OF, "--format", fmt).output)
        assert all(_flat(m) in without for m in planted), fmt
        # ...is gone under --tlp GREEN, as are the titles and sentences of those documents.
        output = _flat(run("check", str(EXAMPLE), "--as-of", AS_OF, "--format", fmt, "--tlp", "GREEN").output)
        for secret in planted + SECRETS:
            assert _flat(secret) not in output, (fmt, secret)
    data = json.loads(run("check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "--tlp", "GREEN").output)
    assert data["tlp"] == "GREEN" and data["withheld"] > 0
    # AMBER in its frontmatter, but a RED item: for output the document is RED (its most restrictive content).
    withheld = [f for f in data["findings"] if f["path"] == "meetings/2026-06-11/minutes.md"]
    assert withheld and all("TLP:RED" in f["message"] and "weggelaten" in f["message"] for f in withheld)


def test_red_content_never_appears_even_without_ceiling() -> None:
    output = run("check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "-v").output
    assert "Noorderlicht" not in output and "Kwelder" not in output


def test_bad_ceiling_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "--tlp", "YELLOW"])
    assert result.exit_code == 2 and "TLP" in result.output


def test_inventory_never_quotes_a_red_document(make_repo) -> None:
    root = make_repo({"x.md": "---\ntype: shared-information\ndate: 2026-05-01\ntlp: RED\n"
                              "shared_with: [participants, Geheime Partner BV]\n---\n"})
    data = json.loads(run("tlp", str(root), "--format", "json").output)
    found = [f for f in data["findings"] if f["path"] == "x.md"]
    assert {f["code"] for f in found} == {"tlp-sharing"} and "Geheime Partner" not in json.dumps(data)
    assert all("withheld" in f["message"] for f in found)
