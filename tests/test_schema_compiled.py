"""The validators generated into isaccheck/schemas/compiled/ stay those of the shipped schemas.

tools/compile_schemas.py writes them (so a run neither generates code nor imports fastjsonschema
or jsonschema for valid documents; docs/performance.md). These tests fail when a schema changed
and the tool was not run again, when the inlining of references no longer matches what
jsonschema's own resolver finds, and when the date check differs from jsonschema's.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from isaccheck import schemas

from .conftest import load_tool

ROOT = Path(__file__).resolve().parent.parent
COMPILED = ROOT / "isaccheck" / "schemas" / "compiled"


def _tool() -> Any:
    return load_tool("compile_schemas")


@pytest.mark.parametrize("name", schemas.compiled_names())
def test_each_generated_validator_is_what_the_tool_makes_of_the_schema_today(name: str) -> None:
    shipped = COMPILED / f"{schemas.compiled_module_name(name)}.py"
    assert shipped.read_text(encoding="utf-8") == _tool().generate(name), (
        f"{shipped.name} is stale: run `python tools/compile_schemas.py`")
    assert schemas._compiled(name) is not None


def test_the_shipped_modules_are_exactly_what_the_tool_writes() -> None:
    # The schemas' validators above, and those of the built-in primitives' parameters; none left over.
    shipped = {p.name: p.read_text(encoding="utf-8") for p in COMPILED.glob("*.py") if p.name != "__init__.py"}
    assert shipped == _tool().modules()


def test_each_primitive_has_its_generated_validator() -> None:
    from isaccheck.primitives import PRIMITIVES

    for name, primitive in PRIMITIVES.items():
        assert schemas.compiled_validator(f"primitive_{name}", primitive.schema) is not None, name
    changed = {**PRIMITIVES["ratio"].schema, "required": ["check"]}
    assert schemas.compiled_validator("primitive_ratio", changed) is None  # made from another schema: unused


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if isinstance(node.get("$ref"), str) else []) + [
            r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_references_resolve_as_jsonschemas_resolver_resolves_them() -> None:
    names = [p.name.removesuffix(".schema.json") for p in (ROOT / "isaccheck" / "schemas").glob("*.schema.json")]
    names += schemas.document_types()
    loaded = {name: schemas.load_schema(name) for name in names}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)) for schema in loaded.values())
    checked = 0
    for schema in loaded.values():
        own_url = schema["$id"].split("#", 1)[0]
        for ref in _refs(schema):
            url = ref if "://" in ref else own_url + ref
            expected = registry.resolver(base_uri=own_url).lookup(url).contents
            assert schemas._resolve(url, schema, own_url) == expected, ref
            checked += 1
    assert checked > 100
    with pytest.raises(KeyError):
        schemas._resolve("https://elsewhere.example/x.schema.json#/a", {}, "https://isaccheck.example/schemas/y")


DATES = ["2026-01-01", "2026-02-29", "2024-02-29", "2026-13-01", "2026-1-1", "2026-01-01\n", " 2026-01-01",
         "２０２６-01-01", "2026-01-01T00:00:00", "20260101", "", "0000-01-01", "9999-12-31", 1, None, [], 1.5]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(DATES), st.text(alphabet="0123456789-\n ٠١", max_size=12),
                 st.dates().map(dt.date.isoformat)))
def test_the_date_check_is_jsonschemas(value: Any) -> None:
    assert schemas._is_date(value) == FormatChecker().conforms(value, "date")


def test_validate_on_valid_documents_imports_neither_validator_library(tmp_path: Path) -> None:
    import subprocess

    haven = ROOT / "evidence-examples" / "haven-isac"
    files = [str(p) for p in sorted((haven / "meetings").rglob("*.md"))[:5]] + [str(haven / "isac.yaml")]
    code = ("import json, sys\nfrom isaccheck.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, "validate", *files], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "isaccheck.schemas.compiled.isac" in loaded
    assert not {m.split(".")[0] for m in loaded} & {"jsonschema", "referencing", "fastjsonschema", "rapidfuzz"}
    assert "isaccheck.infer" not in loaded


def test_loading_the_rule_pack_and_checking_valid_documents_imports_no_jsonschema(tmp_path: Path) -> None:
    import subprocess

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_check import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate(tmp_path / "repo", 30)
    code = ("import json, sys\nfrom isaccheck.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, "check", str(tmp_path / "repo"), "--no-git", "--format", "json",
                           "-o", str(tmp_path / "out.json")], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = {m.split(".")[0] for m in json.loads(done.stdout.splitlines()[-1])}
    assert "jsonschema" not in loaded and "referencing" not in loaded
    assert json.loads((tmp_path / "out.json").read_text())["questions"]
