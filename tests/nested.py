"""Walking nested data (YAML/JSON: dicts and lists) in tests."""
from __future__ import annotations

from typing import Any, Iterator


def dicts(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in `node`, `node` itself first, depth first in the order of its values."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from dicts(v)
    elif isinstance(node, list):
        for v in node:
            yield from dicts(v)
