"""Start-up: a command imports only what it uses (issue 14; timings in bench/bench_startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from isaccheck.cli import CHECK_FORMATS
from isaccheck.reporters import REPORTERS, get_reporter

ROOT = Path(__file__).resolve().parent.parent
HAVEN = ROOT / "evidence-examples" / "haven-isac"


def modules_after(*args: str) -> set[str]:
    """The isaccheck, jsonschema, rich and yaml modules imported by `isaccheck ARGS` in a fresh interpreter."""
    code = ("import json, sys\nfrom isaccheck.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('isaccheck', 'jsonschema', 'rich', 'yaml', 'fastjsonschema'))))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_version_imports_nothing_but_the_command_line() -> None:
    # escape: the few lines that make printed data inert (issue 15), light (re, enum, dataclasses);
    # clitext: click's texts in the run's language (click, gettext and contextvars only).
    assert modules_after("--version") == {"isaccheck", "isaccheck.cli", "isaccheck.clitext", "isaccheck.errors",
                                          "isaccheck.escape"}


def test_validate_imports_no_reporter_it_does_not_use() -> None:
    loaded = modules_after("validate", str(HAVEN / "isac.yaml"))
    assert "isaccheck.repository" in loaded
    assert not loaded & {"rich", "isaccheck.reporters.text", "isaccheck.reporters.junit",
                         "isaccheck.reporters.sarif", "isaccheck.reporters.gitlab", "isaccheck.report"}
    # Nor what only `check` or a file without frontmatter needs: the evaluation, the git layer,
    # inference (rapidfuzz), and jsonschema, which only explains a document that is not valid.
    assert not loaded & {"isaccheck.engine", "isaccheck.gitrepo", "isaccheck.gitevidence", "isaccheck.infer",
                         "jsonschema", "fastjsonschema"}


def test_the_format_choices_are_the_reporters() -> None:
    assert list(CHECK_FORMATS) == sorted(REPORTERS)
    for name in CHECK_FORMATS:
        assert get_reporter(name).name == name


def test_validate_reads_the_label_types_from_pack_yaml_without_parsing_rules(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from isaccheck import rulepack
    from isaccheck.validatefiles import validate_files

    assert rulepack.builtin_tlp_required_types() == rulepack.load_builtin().tlp_required_types != frozenset()
    expected = validate_files([HAVEN / "isac.yaml"]).findings

    def refuse(*args: object) -> None:
        raise AssertionError("a rule file was parsed")

    monkeypatch.setattr(rulepack, "parse_rule", refuse)
    assert validate_files([HAVEN / "isac.yaml"]).findings == expected


def test_validate_imports_no_stdlib_module_it_does_not_use() -> None:
    # importlib.resources (tempfile, shutil, zipfile with it) and statistics: ~13 ms of a hook's run.
    code = ("import json, sys\nfrom isaccheck.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, "validate", str(HAVEN / "isac.yaml")], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert not loaded & {"importlib.resources", "tempfile", "zipfile", "statistics"}


def test_a_check_of_clean_documents_imports_no_suggestion_machinery(make_repo) -> None:  # type: ignore[no-untyped-def]
    # difflib only suggests a name for a misspelt key, type, primitive or TLP word (and click for a
    # mistyped option): a check of clean documents, without short options, does not import it.
    root = make_repo({"meetings/2026-03-01/minutes.md": "---\ntype: minutes\ntitle: Bijeenkomst\ndate: 2026-03-01\n"
                      "tlp: AMBER\nattendees: [Alpha, Beta]\n---\n# Notulen\n"})
    code = ("import json, sys\nfrom isaccheck.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, "check", str(root), "--format", "json", "--as-of", "2026-11-28"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "isaccheck.engine" in loaded and "difflib" not in loaded
