"""The report templates compiled ahead of time (tools/compile_templates.py): current, used, and the
same output as compiling the template at run time; a stale module is not used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
import pytest

from isaccheck import report
from isaccheck.report import build_report, render

from .conftest import load_tool

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "isaccheck" / "templates" / "compiled"


def _tool() -> Any:
    return load_tool("compile_templates")


def test_the_shipped_modules_are_what_the_tool_generates_today() -> None:
    wanted = _tool().wanted()
    assert sorted(p.name for p in TARGET.glob("*.py")) == sorted(wanted)
    for name, text in wanted.items():
        assert (TARGET / name).read_text(encoding="utf-8") == text, f"run tools/compile_templates.py ({name})"


@pytest.fixture(scope="module")
def built() -> report.Report:
    day = dt.date(2026, 11, 28)
    return build_report(ROOT / "evidence-examples" / "haven-isac", 2026, as_of=day, today=day, git="off")


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja2 compiles from source in this test."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        names.append(str(name))
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_compiled_template_is_used_and_renders_the_same(fmt: str, built: report.Report, compiled: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    fast = render(built, fmt)
    assert compiled == []  # not compiled at run time
    monkeypatch.setitem(report.COMPILED_TEMPLATES, fmt, "no_such_module")
    assert render(built, fmt) == fast
    assert compiled == [f"report.{fmt}.j2"]


@pytest.mark.parametrize("stale", ["template", "jinja2"])
def test_a_stale_module_is_not_used(stale: str, built: report.Report, compiled: list[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A template edited after the module was generated, or another Jinja2: compiled at run time, as before."""
    if stale == "template":
        edited = report.template_source("md") + b"{# edited #}\n"
        monkeypatch.setattr(report, "template_source", lambda fmt: edited)
    else:
        monkeypatch.setattr(report.jinja2, "__version__", "0.0")
    render(built, "md")
    assert compiled == ["report.md.j2"]
