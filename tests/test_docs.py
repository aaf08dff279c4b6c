"""The reference docs are generated from the code and the pack; they must not drift."""

from __future__ import annotations

from pathlib import Path

from isaccheck.docsgen import generated

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_up_to_date() -> None:
    for rel, text in generated().items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run python -m isaccheck.docsgen"


def test_every_primitive_is_documented() -> None:
    from isaccheck.primitives import PRIMITIVES

    for name, prim in PRIMITIVES.items():
        assert prim.doc.strip(), f"{name} has no docstring"
        assert prim.doc.splitlines()[0].endswith("?"), f"{name}: a primitive is named as a yes/no question"
