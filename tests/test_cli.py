"""The command line: exit codes, formats, languages, determinism, and a read-only repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from isaccheck.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, cli
from isaccheck.schemas import validator_for

from .conftest import snapshot

MINUTES = ("---\ntype: minutes\ndate: 2026-03-12\ntlp: AMBER\nattendees: [Alpha, Beta, Gamma]\n"
           "roundtable: [{category: phishing, tlp: AMBER}]\n---\n# Notulen\n")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_text_reads_well_at_80_columns(make_repo) -> None:
    root = make_repo({"m.md": MINUTES})
    result = invoke("check", str(root), "--as-of", "2026-06-30")
    assert result.exit_code == EXIT_OK, result.output
    assert "Test-ISAC" in result.output and "STR Strategy and action plan" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for code in ("STR-1.1", "WOW-1.1", "INF-1.1", "SIT-1.1", "ACT-1.1"):
        assert code in result.output


def test_check_in_dutch(make_repo) -> None:
    root = make_repo({"m.md": MINUTES})
    result = invoke("check", str(root), "--as-of", "2026-06-30", "--lang", "nl")
    assert "Strategie en actieplan" in result.output and "Volwassenheidsprofiel" in result.output
    assert "Is er een gemeenschappelijk geformuleerd doel van" in result.output


def test_json_validates_and_is_deterministic(make_repo, tmp_path: Path) -> None:
    root = make_repo({"m.md": MINUTES})
    out1, out2 = tmp_path / "a.json", tmp_path / "b.json"
    invoke("check", str(root), "--as-of", "2026-06-30", "--format", "json", "-o", str(out1))
    invoke("check", str(root), "--as-of", "2026-06-30", "--format", "json", "-o", str(out2))
    assert out1.read_bytes() == out2.read_bytes()
    data = json.loads(out1.read_text())
    errors = list(validator_for("output").iter_errors(data))
    assert not errors, errors[0].message
    assert data["as_of"] == "2026-06-30" and len(data["questions"]) == 56
    assert {c["code"] for c in data["capabilities"]} == {"STR", "WOW", "INF", "SIT", "ACT"}
    inf = next(q for q in data["questions"] if q["id"] == "INF-1.1")
    assert inf["outcome"] == "holds" and inf["basis"] == "evidence" and inf["evidence"][0]["path"] == "m.md"
    # The policy in force (issue 15.15): the profile's ambition, one item per capability.
    assert data["policy"]["compared_with"] is None and data["policy"]["changed"] == 0
    assert {"kind": "ambition", "subject": "STR", "value": "1", "path": "isac.yaml",
            "line": data["policy"]["items"][0]["line"], "text": "ambition STR: 1"} in data["policy"]["items"]


def test_no_policy_section_when_nothing_is_set(make_repo) -> None:
    """The text output's "Policy" section is there only when a setting decides what the gate asks."""
    from tests.conftest import PROFILE

    plain = make_repo({"m.md": MINUTES}, profile=PROFILE.replace("ambition: {STR: 1, WOW: 1, INF: 1, SIT: 1, ACT: 1}\n", ""))
    assert "ambition" not in (plain / "isac.yaml").read_text()
    assert "Policy (" not in invoke("check", str(plain), "--as-of", "2026-06-30").output
    data = json.loads(invoke("check", str(plain), "--as-of", "2026-06-30", "--format", "json").output)
    assert data["policy"] == {"items": [], "compared_with": None, "changed": 0}
    (plain / "isaccheck.yaml").write_text("ignore: ['concept/**']\n", encoding="utf-8")
    text = invoke("check", str(plain), "--as-of", "2026-06-30").output
    assert "Policy (1)\nignored concept/**: not read\n" in text


def test_findings_give_exit_1_and_name_file_and_line(make_repo) -> None:
    root = make_repo({"m.md": MINUTES.replace("date: 2026-03-12", "date: 2026-13-45")})
    result = invoke("check", str(root), "--as-of", "2026-06-30")
    assert result.exit_code == EXIT_FINDINGS
    assert "m.md:3" in result.output and "not a valid date" in result.output


def test_missing_profile_is_exit_2_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE
    assert "no isac.yaml" in result.output and "Traceback" not in result.output


def test_bad_date_option_is_exit_2(make_repo) -> None:
    result = CliRunner().invoke(cli, ["check", str(make_repo()), "--as-of", "yesterday"])
    assert result.exit_code == EXIT_USAGE and "YYYY-MM-DD" in result.output


def test_refused_rule_pack_is_exit_2(make_repo) -> None:
    root = make_repo({
        "isaccheck.yaml": "rule_packs: [extra]\n",
        "extra/X.yaml": "id: STR-3.9\ncapability: STR\nlevel: 3\nquestion: {nl: 'x', en: 'x'}\n"
                        "evidence: {check: no_such_check}\n",
    })
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == EXIT_USAGE
    assert "extra/X.yaml" in result.output and "unknown primitive `no_such_check`" in result.output


@pytest.mark.parametrize("command", [["check"], ["report", "--format", "md", "-o", "-"], ["history"], ["tlp"]])
def test_a_repository_pack_cannot_redefine_an_ncsc_question(make_repo, command: list[str]) -> None:
    """An ISAC's own pack adds questions; replacing STR-1.1 would change the NCSC verdict unseen."""
    root = make_repo({
        "isaccheck.yaml": "rule_packs: [extra]\n",
        "extra/STR/mine.yaml": "id: STR-1.1\ncapability: STR\nlevel: 1\nquestion: {nl: 'x', en: 'x'}\n"
                               "evidence: {check: document_exists, type: roadmap}\n",
    })
    result = CliRunner().invoke(cli, [command[0], str(root), *command[1:]])
    assert result.exit_code == EXIT_USAGE, result.output
    assert "extra/STR/mine.yaml: duplicate rule id STR-1.1 (also in rules/STR/STR-1.1.yaml)" in result.output


def test_python_checks_in_repository_are_not_run_without_opt_in(make_repo, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    root = make_repo({
        "isaccheck.yaml": "rule_packs: [extra]\n",
        "extra/STR-3.9.yaml": "id: STR-3.9\ncapability: STR\nlevel: 3\nquestion: {nl: 'x', en: 'x'}\n"
                              "evidence: {check: document_exists, type: roadmap}\n",
        "extra/checks.py": f"open({str(marker)!r}, 'w').write('ran')\n",
    })
    result = invoke("check", str(root), "--as-of", "2026-06-30")
    assert not marker.exists()
    assert "--allow-code" in result.output
    invoke("check", str(root), "--as-of", "2026-06-30", "--allow-code")
    assert marker.exists()


def test_rule_override_from_settings(make_repo) -> None:
    root = make_repo({"m.md": MINUTES, "isaccheck.yaml": "rules:\n  INF-1.1: {months: 1}\n"})
    data = json.loads(invoke("check", str(root), "--as-of", "2026-06-30", "--format", "json").output)
    assert next(q for q in data["questions"] if q["id"] == "INF-1.1")["outcome"] == "fails"
    bad = make_repo({"isaccheck.yaml": "rules:\n  INF-1.1: {window: 1}\n"})
    result = CliRunner().invoke(cli, ["check", str(bad)])
    assert result.exit_code == EXIT_USAGE and "not a parameter of INF-1.1" in result.output


def test_repository_is_never_written(make_repo) -> None:
    root = make_repo({"m.md": MINUTES, "bad.md": "---\ntype: minutes\n  x: [\n---\n"})
    before = snapshot(root)
    invoke("check", str(root), "--as-of", "2026-06-30", "--format", "json")
    invoke("check", str(root), "--as-of", "2026-06-30", "-v")
    assert snapshot(root) == before


def test_rules_list_and_explain_in_both_languages() -> None:
    listing = invoke("rules", "list").output
    assert "56 rules" in listing and sum(1 for line in listing.splitlines() if not line.startswith(" ")) == 57
    for lang in ("nl", "en"):
        text = invoke("explain", "STR-2.1", "--lang", lang).output
        assert "STR-2.1" in text and "documents_for_years" in text
    assert "jaarlijks" in invoke("explain", "str-2.1", "--lang", "nl").output
    unknown = CliRunner().invoke(cli, ["explain", "STR-9.9"])
    assert unknown.exit_code == EXIT_USAGE and "no question STR-9.9" in unknown.output


def test_explain_works_for_every_rule_in_both_languages() -> None:
    from isaccheck.rulepack import load_builtin

    pack = load_builtin()
    assert len(pack.rules) == 56
    for rule in pack.rules:
        for lang in ("nl", "en"):
            result = CliRunner().invoke(cli, ["explain", rule.id, "--lang", lang])
            assert result.exit_code == EXIT_OK, (rule.id, lang, result.output)
            assert " ".join(rule.question(lang).split()) in " ".join(result.output.split())  # folded at 80
            assert ("Handvatten voor niveau" if lang == "nl" else "Advice for level") in result.output


def test_published_paths_must_be_clear(make_repo) -> None:
    root = make_repo({
        "isaccheck.yaml": "tlp: {published_paths: ['website/**']}\n",
        "website/advies.md": "---\ntype: shared-information\ndate: 2026-05-01\ntlp: GREEN\nshared_with: [participants]\n---\n",
        "website/nieuws.md": "---\ntype: pr-activity\ndate: 2026-05-01\ntlp: CLEAR\nchannel: media\n---\n",
    })
    data = json.loads(invoke("check", str(root), "--as-of", "2026-06-30", "--format", "json").output)
    published = [(f["path"], f["code"]) for f in data["findings"] if f["code"] == "tlp-published"]
    assert published == [("website/advies.md", "tlp-published")]


def test_shell_completion_of_question_ids_for_explain(monkeypatch) -> None:
    """click's completion protocol, as the shell calls it: `isaccheck explain str-1.<Tab>`."""
    from click.testing import CliRunner as Runner

    from isaccheck.cli import cli as root

    monkeypatch.setenv("_ISACCHECK_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "isaccheck explain str-1.")
    monkeypatch.setenv("COMP_CWORD", "2")
    result = Runner().invoke(root, [], prog_name="isaccheck", standalone_mode=True)
    lines = result.output.splitlines()
    assert "plain,STR-1.1" in lines and all(line.split(",", 1)[1].startswith("STR-1.") for line in lines)
    monkeypatch.setenv("_ISACCHECK_COMPLETE", "bash_source")
    script = Runner().invoke(root, [], prog_name="isaccheck").output
    assert "_ISACCHECK_COMPLETE=bash_complete" in script


def _haven_with_unsigned_newcomer(tmp_path: Path) -> Path:
    """The level-3 port ISAC with one participant that has not signed: only WOW-1.1 fails in WOW."""
    import shutil

    root = tmp_path / "haven"
    shutil.copytree(Path(__file__).resolve().parent.parent / "evidence-examples" / "haven-isac", root)
    profile = (root / "isac.yaml").read_text("utf-8")
    newcomer = ("  - organisation: Nieuwkomer B.V.\n    joined: 2026-11-01\n"
                "    representative: {name: Nina Nieuw, function: CISO}\n"
                "    management_support: {by: CEO, date: 2026-10-01}\n    mandate: true\n")
    (root / "isac.yaml").write_text(profile.replace("participants:\n", "participants:\n" + newcomer, 1), "utf-8")
    return root


def test_complete_level_held_back_is_said_in_text_and_json(tmp_path: Path) -> None:
    """Issue 11.16: cumulative levels stay, and the output says plainly what holds a level back."""
    root = _haven_with_unsigned_newcomer(tmp_path)
    text = invoke("check", str(root), "--as-of", "2026-11-28", "--lang", "en").output
    assert "WOW: level 3 complete, held back by WOW-1.1" in text
    dutch = invoke("check", str(root), "--as-of", "2026-11-28", "--lang", "nl").output
    assert "WOW: niveau 3 compleet, tegengehouden door WOW-1.1" in dutch
    data = json.loads(invoke("check", str(root), "--as-of", "2026-11-28", "--format", "json", "--lang", "en").output)
    wow = next(c for c in data["capabilities"] if c["code"] == "WOW")
    assert wow["level"] == 0
    assert wow["held_back"] == {"complete_level": 3, "by": ["WOW-1.1"], "text": "level 3 complete, held back by WOW-1.1"}
    report = tmp_path / "report.md"
    invoke("report", str(root), "--as-of", "2026-11-28", "--format", "md", "--lang", "en", "-o", str(report))
    assert report.read_text("utf-8").count("level 3 complete, held back by WOW-1.1") == 2  # profile and section


def test_levels_highest_complete_in_isaccheck_yaml(tmp_path: Path) -> None:
    """`levels: highest-complete` takes the highest complete level and names the gap below it."""
    root = _haven_with_unsigned_newcomer(tmp_path)
    config = root / "isaccheck.yaml"
    config.write_text((config.read_text("utf-8") if config.exists() else "") + "\nlevels: highest-complete\n", "utf-8")
    data = json.loads(invoke("check", str(root), "--as-of", "2026-11-28", "--format", "json", "--lang", "en").output)
    wow = next(c for c in data["capabilities"] if c["code"] == "WOW")
    assert wow["level"] == 3
    assert wow["held_back"]["text"] == "level 3 complete, with a gap below it: WOW-1.1"
    config.write_text("levels: highest\n", "utf-8")
    result = CliRunner().invoke(cli, ["check", str(root), "--as-of", "2026-11-28"])
    assert result.exit_code == 2 and "isaccheck.yaml" in result.output and "highest" in result.output


def test_a_run_collects_garbage_less_often_and_gives_the_thresholds_back(monkeypatch) -> None:
    import gc

    from isaccheck import cli as climod

    seen: list[tuple[int, ...]] = []
    monkeypatch.setattr(climod.cli, "main", lambda **kwargs: seen.append(gc.get_threshold()))
    before = gc.get_threshold()
    climod.main(["--version"])
    assert seen == [climod.GC_THRESHOLDS] and gc.get_threshold() == before


def test_the_process_s_own_run_leaves_its_objects_out_of_the_shutdown_collections(monkeypatch) -> None:
    # main() without argv is the process's command line: collected once, then frozen, so Python's
    # shutdown does not walk every object again (docs/performance.md, seventh round).
    import subprocess
    import sys

    code = ("import gc, sys\nfrom isaccheck.cli import main\nsys.argv = ['isaccheck', '--version']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint(gc.get_freeze_count())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout.splitlines()[-1]) > 0
    # The last collection comes after the run's objects are gone (they went with the SystemExit's
    # frames), so it walks only what is left, whatever the repository's size; the exit code stays.
    example = Path(__file__).resolve().parent.parent / "evidence-examples" / "tlp-isac"
    code = ("import gc, sys\nfrom isaccheck import cli\nfrom isaccheck.model import Document\nreal = cli.leave_collected\n"
            "def counted():\n    print(sum(isinstance(o, Document) for o in gc.get_objects()), gc.get_freeze_count())\n"
            "    real()\ncli.leave_collected = counted\nsys.argv = ['isaccheck', 'check', sys.argv[1], '--as-of', '2026-11-28']\n"
            "cli.main()")
    done = subprocess.run([sys.executable, "-c", code, str(example)], capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout.splitlines()[-1] == "0 0"  # findings: exit 1, as before
    # A caller that goes on after main(argv) (a test, a program) keeps its collector as it was.
    import gc

    from isaccheck import cli as climod

    monkeypatch.setattr(climod.cli, "main", lambda **kwargs: None)
    frozen = gc.get_freeze_count()
    climod.main(["--version"])
    assert gc.get_freeze_count() == frozen
