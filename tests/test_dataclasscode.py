"""isaccheck's dataclass methods compiled ahead of time (isaccheck/dataclasscode.py,
tools/compile_dataclasses.py): current, used, and the same code dataclasses compiles itself."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from isaccheck import dataclasscode

from .conftest import load_tool

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "isaccheck" / "dataclasscode_compiled.py"
ON_ITS_PYTHON = pytest.mark.skipif(sys.version_info[:2] != dataclasscode.PYTHON,
                                   reason="the table is made with and used on one Python version")


@ON_ITS_PYTHON
def test_the_shipped_module_is_what_the_tool_generates_today() -> None:
    assert TARGET.read_text(encoding="utf-8") == load_tool("compile_dataclasses").module(), \
        "run tools/compile_dataclasses.py"


def _plain(code: types.CodeType) -> types.CodeType:
    """The code without where it was written (file, first line), nested code too."""
    consts = tuple(_plain(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename="<string>", co_firstlineno=1, co_consts=consts)


@ON_ITS_PYTHON
def test_each_entry_is_the_code_of_its_text() -> None:
    table = dataclasscode.table()
    assert len(table) > 300
    for txt, code in table.items():
        compiled = compile(txt, "<string>", "exec", dont_inherit=True)  # as dataclasses' exec: no __future__
        (made,) = [c for c in compiled.co_consts if isinstance(c, types.CodeType)]
        assert _plain(made) == _plain(code), txt


@ON_ITS_PYTHON
def test_a_check_s_classes_all_come_from_the_table() -> None:
    # A fresh interpreter importing what a check imports: every method looked up, none compiled.
    code = ("import json, sys\nsys.path.insert(0, sys.argv[1])\n"
            "import isaccheck.cli, isaccheck.runner, isaccheck.gitevidence, isaccheck.engine, isaccheck.report\n"
            "from isaccheck import dataclasscode\nprint(json.dumps([dataclasscode.hits, dataclasscode.misses]))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True)
    hits, misses = json.loads(done.stdout.splitlines()[-1])
    assert misses == 0 and hits > 300


def _define(module_name: str) -> Any:
    module = types.ModuleType(module_name)
    sys.modules[module_name] = module
    try:
        exec("from dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass Probe:\n"
             "    name: str\n    size: int = 3\n", module.__dict__)
    finally:
        del sys.modules[module_name]
    return module.Probe


@pytest.mark.parametrize("module_name", ["isaccheck._probe_not_in_the_table", "elsewhere_probe"])
def test_a_class_not_in_the_table_is_made_the_plain_way(module_name: str) -> None:
    hits, misses = dataclasscode.hits, dataclasscode.misses
    probe = _define(module_name)
    made = probe("x")
    assert made == probe("x", 3) and repr(made) == "Probe(name='x', size=3)" and hash(made) == hash(probe("x"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "y"
    assert dataclasscode.hits == hits
    # Counted only for isaccheck's modules (and only on the table's Python, where the hook is on).
    on = sys.version_info[:2] == dataclasscode.PYTHON and module_name.startswith("isaccheck.")
    assert dataclasscode.misses == misses + (6 if on else 0)
