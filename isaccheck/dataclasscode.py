"""isaccheck's dataclass methods, compiled ahead of time instead of at every start.

`@dataclass` writes each class's __init__, __repr__, __eq__ (and, frozen, __setattr__,
__delattr__, __hash__) as source text and compiles it with exec() when the module is imported:
for isaccheck's ~60 classes about 360 compilations, 23 ms of the ~85 ms a cold `check` spends
importing (a twelfth of its distance to the floor; docs/performance.md, seventh round). Python
keeps compiled modules (.pyc), not exec'd text, so tools/compile_dataclasses.py writes the text
of every isaccheck class's methods into dataclasscode_compiled.py, a module like any other, whose
code Python compiles once and keeps. While isaccheck's modules are imported, the text dataclasses
would exec is looked up there; the code found was compiled from exactly that text, so the method
is the same function. Text not found (a class changed since the tool ran, a dataclass of another
package, a Python whose dataclasses write other text) is exec'd as dataclasses does:
slower, never different. tests/test_dataclasscode.py regenerates the table and compares.

Only on the Python minor version the table was made with, and only while dataclasses has the
_create_fn this mirrors (3.11's; 3.13 has none): elsewhere nothing is changed.
"""

from __future__ import annotations

import dataclasses
import sys
import types
from typing import Any, Callable

_ORIGINAL: Callable[..., Any] | None = getattr(dataclasses, "_create_fn", None)
PYTHON = (3, 11)  # dataclasses._create_fn below mirrors this version's
_table: dict[str, types.CodeType] | None = None
hits = 0  # methods made from the table (a counter for tests)
misses = 0  # isaccheck methods compiled the plain way


def install() -> None:
    """Look isaccheck's dataclass methods up in the table from now on (idempotent)."""
    if _ORIGINAL is None or sys.version_info[:2] != PYTHON or getattr(dataclasses, "_create_fn") is not _ORIGINAL:
        return
    setattr(dataclasses, "_create_fn", _create_fn)


def function_text(name: str, args: list[str], body: list[str], locals: dict[str, Any], return_type: Any
                  ) -> str:
    """The text dataclasses._create_fn (3.11) exec's, adding `_return_type` to locals as it does."""
    return_annotation = ""
    if return_type is not dataclasses.MISSING:
        locals["_return_type"] = return_type
        return_annotation = "->_return_type"
    joined = ",".join(args)
    lines = "\n".join(f"  {b}" for b in body)
    txt = f" def {name}({joined}){return_annotation}:\n{lines}"
    local_vars = ", ".join(locals.keys())
    return f"def __create_fn__({local_vars}):\n{txt}\n return {name}"


def _create_fn(name: str, args: list[str], body: list[str], *, globals: dict[str, Any] | None = None,
               locals: dict[str, Any] | None = None, return_type: Any = dataclasses.MISSING) -> Any:
    assert _ORIGINAL is not None
    module = "" if globals is None else str(globals.get("__name__", ""))
    if globals is None or not (module == "isaccheck" or module.startswith("isaccheck.")):
        return _ORIGINAL(name, args, body, globals=globals, locals=locals, return_type=return_type)
    global hits, misses
    names = dict(locals or {})
    code = table().get(function_text(name, args, body, names, return_type))
    if code is None:
        misses += 1
        # dataclasses' own exec (this module's `from __future__ import annotations` must not apply).
        return _ORIGINAL(name, args, body, globals=globals, locals=locals, return_type=return_type)
    hits += 1
    # What exec(txt, globals, ns) defines: a function of this code with these globals.
    return types.FunctionType(code, globals)(**names)


def table() -> dict[str, types.CodeType]:
    """Text -> the code of its __create_fn__, from the generated module (empty when it is missing)."""
    global _table
    if _table is None:
        try:
            from . import dataclasscode_compiled as compiled
        except ImportError:  # a copy without it: every class the plain way
            _table = {}
        else:
            _table = compiled.CODE if compiled.PYTHON == PYTHON else {}
    return _table
