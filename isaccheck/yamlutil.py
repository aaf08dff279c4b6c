"""Safe YAML reading that remembers where every field came from.

Data from a checked repository is untrusted: only the safe loader is used, alias expansion is
bounded (a "billion laughs" document is refused, not expanded), and dates become ISO strings so
that JSON Schema can validate them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# Nodes visited while walking the document with aliases expanded. Real ISAC documents have a
# few hundred; the limit only stops documents built to explode.
MAX_EXPANDED_NODES = 20_000
# YAML 1.1's infinity and not-a-number: no field of the contract can use them (a meeting every
# .inf months), and they compare strangely everywhere after loading.
_NOT_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class YamlError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class YamlData:
    data: Any
    lines: dict[str, int] = field(default_factory=dict)  # dotted path -> 1-based line
    plain_scalars: dict[str, str] = field(default_factory=dict)  # dotted path -> unquoted source text


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _walk(node: yaml.Node, path: str, first_line: int, out: YamlData, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(
            "the YAML expands to too many values (aliases nested into each other); refused",
            node.start_mark.line + first_line,
        )
    out.lines.setdefault(path, node.start_mark.line + first_line)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + first_line
            if key in seen and key != "<<":
                # YAML keeps the last one silently; which one the writer meant is unknown, so refuse.
                raise YamlError(f"a key appears twice in one mapping (also at line {seen[key]}); keep one", line)
            seen.setdefault(key, line)
            child = _join(path, key)
            out.lines.setdefault(child, key_node.start_mark.line + first_line)
            _walk(value_node, child, first_line, out, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, _join(path, str(index)), first_line, out, budget)
    elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain: None (Python) or "" (libyaml)
        if _NOT_FINITE.fullmatch(node.value):
            raise YamlError("infinity or not-a-number (.inf, .nan) is not a value isaccheck can use; write a "
                            "number (or put it in quotes if it is text)", node.start_mark.line + first_line)
        out.plain_scalars[path] = node.value


# libyaml's parser when PyYAML has it (about ten times faster); construction stays safe Python.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, except that an impossible date (2026-13-45) stays text for the schema to report."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return str(node.value)


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)


def to_json_compatible(value: Any) -> Any:
    """Dates to ISO strings and keys to strings, so the data is what JSON Schema expects."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: to_json_compatible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_compatible(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # a meeting at 14:00 is, for the checklist, a meeting that day
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_QUOTED = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _content_free(problem: str | None, context: str | None, tab: bool) -> str:
    """PyYAML's message without what it quotes from the document (a tag, a character, an anchor).

    The message of a syntax error must never carry document text: it is shown whatever the
    document's label (an unreadable frontmatter counts as RED), so the writer can still fix it.
    """
    text = _QUOTED.sub("", problem or "invalid YAML")
    if tab:
        text += "; the line holds a tab: YAML indents with spaces only"
    if context:
        text += f" ({_QUOTED.sub('', context)})"
    return text


def load_yaml(text: str, first_line: int = 1) -> YamlData:
    """Parse one YAML document; first_line is the file line of the text's first line."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlData(None)
        out = YamlData(None)
        _walk(node, "", first_line, out, [MAX_EXPANDED_NODES])
        out.data = to_json_compatible(loader.construct_document(node))
        return out
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        lines = text.splitlines()
        tab = mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]
        raise YamlError(f"YAML syntax error: {_content_free(exc.problem, exc.context, tab)}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error ({type(exc).__name__})", None) from None
    except RecursionError:
        raise YamlError("the YAML is nested too deeply; refused", None) from None
    finally:
        loader.dispose()
