"""Load rule packs (YAML data) and refuse bad rules at load time, before anything is evaluated.

A rule file is refused, with its path and line, for: invalid YAML, a field the rule format does
not know, an unknown primitive, a parameter the primitive does not take or of the wrong type,
a `$name` that the rule does not declare, and an id that another rule already has.
"""

from __future__ import annotations

import math
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .errors import ConfigError, RulePackError
from .model import CAPABILITIES, Text
from .primitives import PRIMITIVES
from .schemas import compiled_validator, schema_errors
from .yamlutil import YamlData, YamlError, load_yaml

if TYPE_CHECKING:
    import jsonschema

COMBINATORS = ("all", "any", "not")
ATTESTATION_MODES = ("never", "allowed", "only")


@dataclass(frozen=True)
class Parameter:
    name: str
    schema: Mapping[str, Any]  # type, minimum, maximum, enum
    default: Any
    description: Text | None


@dataclass(frozen=True)
class Rule:
    id: str
    capability: str
    level: int
    question: Text
    evidence: Any  # expression tree, or None when only attestation can answer
    attestation: str
    parameters: Mapping[str, Parameter]
    measure: Text | None = None
    advice: Text | None = None
    notes: str | None = None
    source: str = ""

    @property
    def number(self) -> tuple[int, int]:
        level, n = self.id.split("-", 1)[1].split(".")
        return int(level), int(n)

    def sort_key(self) -> tuple[int, int, int]:
        cap = CAPABILITIES.index(self.capability) if self.capability in CAPABILITIES else len(CAPABILITIES)
        return (cap, *self.number)


@dataclass(frozen=True)
class LevelAdvice:
    characteristics: Text
    advice: Text


@dataclass(frozen=True)
class CapabilityInfo:
    code: str
    name: Text
    description: Text | None
    levels: Mapping[int, LevelAdvice]
    attention_points: Text | None


@dataclass(frozen=True)
class RulePack:
    name: str
    version: str
    rules: tuple[Rule, ...]
    capabilities: Mapping[str, CapabilityInfo]
    tlp_required_types: frozenset[str] = field(default_factory=frozenset)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _text(value: Any) -> Text | None:
    if not isinstance(value, dict):
        return None
    def join(v: Any) -> str:
        return "\n".join(f"- {x}" for x in v) if isinstance(v, list) else str(v or "")
    return Text(en=join(value.get("en")), nl=join(value.get("nl")))


def substitute(node: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(node, str) and node.startswith("$"):
        return values[node[1:]]
    if isinstance(node, dict):
        return {k: substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [substitute(v, values) for v in node]
    return node


def references(node: Any) -> set[str]:
    if isinstance(node, str) and node.startswith("$"):
        return {node[1:]}
    if isinstance(node, dict):
        return set().union(*(references(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(references(v) for v in node)) if node else set()
    return set()


# The generated validator of each built-in primitive's parameters (schemas/compiled/), by name,
# kept with the primitive it was looked up for (a pack with --allow-code may register others).
_PRIMITIVE_CHECKS: dict[str, tuple[Any, Callable[[Any], Any] | None]] = {}


def _primitive_accepts(name: str, concrete: Any) -> bool:
    """True when the primitive's generated validator accepts the expression; False: ask jsonschema."""
    primitive = PRIMITIVES[name]
    held = _PRIMITIVE_CHECKS.get(name)
    if held is None or held[0] is not primitive:
        held = _PRIMITIVE_CHECKS[name] = (primitive, compiled_validator(f"primitive_{name}", primitive.schema))
    validate = held[1]
    if validate is None:
        return False
    try:
        validate(concrete)
    except Exception:  # not valid, or a value the generated code cannot read: jsonschema decides
        return False
    return True


class _ParameterError(Exception):
    """A parameter value its schema refuses: jsonschema's ValidationError (`error`) says why."""

    def __init__(self, error: jsonschema.ValidationError) -> None:
        super().__init__(error.message)
        self.error = error
        self.message = error.message


_NUMBERS = (int, float)


def _surely_valid_parameter(schema: Mapping[str, Any], value: Any) -> bool:
    """True only where the value certainly meets a rule parameter's schema (type, minimum,
    maximum, enum, items, as rule files write them); False means "ask jsonschema", which decides
    and explains. Stricter than jsonschema where that is simpler (1.0 is no integer here, NaN no
    number): that only sends a value to jsonschema. Loading the rule pack, on every run, then
    needs no jsonschema at all."""
    if not isinstance(schema, Mapping) or set(schema) - {"type", "minimum", "maximum", "enum", "items"}:
        return False
    kind = schema.get("type")
    if kind == "integer":
        ok = type(value) is int
    elif kind == "number":
        ok = type(value) in _NUMBERS and math.isfinite(value)
    elif kind == "string":
        ok = type(value) is str
    elif kind == "boolean":
        ok = type(value) is bool
    elif kind == "array":
        ok = type(value) is list
    else:
        return False
    if not ok:
        return False
    for key in ("minimum", "maximum"):
        if key in schema:
            bound = schema[key]
            if type(bound) not in _NUMBERS or not math.isfinite(bound):
                return False
            if type(value) in _NUMBERS and (value < bound if key == "minimum" else value > bound):
                return False
    if "enum" in schema:
        enum = schema["enum"]
        if not isinstance(enum, list) or not any(type(item) is type(value) and item == value for item in enum
                                                 if type(item) in (str, int, float, bool)):
            return False
    if "items" in schema and type(value) is list:
        return all(_surely_valid_parameter(schema["items"], item) for item in value)
    return True


def _check_parameter(schema: Mapping[str, Any], value: Any) -> None:
    """Raise _ParameterError with jsonschema's first error when the value does not meet the schema."""
    if _surely_valid_parameter(schema, value):
        return
    import jsonschema  # only for a value the quick check does not vouch for

    try:
        jsonschema.Draft202012Validator(schema).validate(value)
    except jsonschema.ValidationError as exc:
        raise _ParameterError(exc) from None


def _best_match(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError | None:
    import jsonschema  # only for a rule that is not valid

    best: jsonschema.ValidationError | None = jsonschema.exceptions.best_match(errors)
    return best


def _describe(error: jsonschema.ValidationError) -> tuple[str, Text]:
    """A schema error in plain words in both languages (validation.describe, without YAML lines)."""
    from .validation import describe

    return describe(error, YamlData(None))


def check_expression(node: Any, values: Mapping[str, Any], where: str) -> None:
    """Raise RulePackError (message only) when the expression is not built from known primitives."""
    if not isinstance(node, dict):
        raise RulePackError(f"{where}: an evidence expression must be a mapping (check:, all:, any: or not:)",
                            message_nl=f"{where}: een bewijsexpressie moet een verzameling velden zijn "
                                       "(check:, all:, any: of not:)")
    keys = set(node)
    combinator = keys & set(COMBINATORS)
    if combinator:
        if len(keys) != 1:
            raise RulePackError(f"{where}: `{sorted(combinator)[0]}` must stand alone in its mapping",
                                message_nl=f"{where}: `{sorted(combinator)[0]}` moet alleen staan in zijn verzameling")
        key = combinator.pop()
        children = node[key]
        if key == "not":
            check_expression(children, values, f"{where}.not")
            return
        if not isinstance(children, list) or not children:
            raise RulePackError(f"{where}: `{key}` needs a non-empty list",
                                message_nl=f"{where}: `{key}` vraagt een niet-lege lijst")
        for index, child in enumerate(children):
            check_expression(child, values, f"{where}.{key}[{index}]")
        return
    name = node.get("check")
    if name not in PRIMITIVES:
        import difflib  # only to suggest a name for an unknown one

        close = difflib.get_close_matches(str(name), sorted(PRIMITIVES), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else f"; known: {', '.join(sorted(PRIMITIVES))}"
        hint_nl = f"; bedoelt u `{close[0]}`?" if close else f"; bekend: {', '.join(sorted(PRIMITIVES))}"
        raise RulePackError(f"{where}: unknown primitive `{name}`{hint}",
                            message_nl=f"{where}: onbekende primitief `{name}`{hint_nl}")
    undeclared = references(node) - set(values)
    if undeclared:
        raise RulePackError(f"{where}: `${sorted(undeclared)[0]}` is not declared under `parameters`",
                            message_nl=f"{where}: `${sorted(undeclared)[0]}` staat niet onder `parameters`")
    concrete = substitute(node, values)
    if _primitive_accepts(name, concrete):
        return  # jsonschema is asked only about an expression the generated validator refuses
    import jsonschema  # here, not at the top: only for a rule to explain

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(PRIMITIVES[name].schema).iter_errors(concrete)
    )
    if error is not None:
        at = ".".join(str(p) for p in error.absolute_path)
        _, words = _describe(error)
        if error.validator == "additionalProperties":
            raise RulePackError(f"{where}: {name} does not take that parameter ({error.message})",
                                message_nl=f"{where}: {name} kent die parameter niet ({words.nl})")
        raise RulePackError(f"{where}: {name}: {at + ': ' if at else ''}{error.message}",
                            message_nl=f"{where}: {name}: {words.nl}")


def _parameters(raw: Any, path: str, lines: Mapping[str, int]) -> dict[str, Parameter]:
    params: dict[str, Parameter] = {}
    for name, spec in (raw or {}).items():
        schema = {k: v for k, v in spec.items() if k in ("type", "minimum", "maximum", "enum", "items")}
        default = spec.get("default")
        try:
            _check_parameter(schema, default)
        except _ParameterError as exc:
            raise RulePackError(f"parameter `{name}`: default {default!r}: {exc.message}", path,
                                lines.get(f"parameters.{name}"),
                                message_nl=f"parameter `{name}`: standaardwaarde {default!r}: {_describe(exc.error)[1].nl}") from None
        params[name] = Parameter(name, schema, default, _text(spec.get("description")))
    return params


def resolve_parameters(rule: Rule, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's parameter values: defaults, then isaccheck.yaml overrides (checked)."""
    values = {name: p.default for name, p in rule.parameters.items()}
    for name, value in overrides.items():
        if name not in rule.parameters:
            known = ", ".join(sorted(rule.parameters)) or "none"
            raise ConfigError(f"rules.{rule.id}: `{name}` is not a parameter of {rule.id} (parameters: {known})",
                              "isaccheck.yaml",
                              message_nl=f"rules.{rule.id}: `{name}` is geen parameter van {rule.id} "
                                         f"(parameters: {known.replace('none', 'geen')})")
        try:
            _check_parameter(rule.parameters[name].schema, value)
        except _ParameterError as exc:
            _, words = _describe(exc.error)
            raise ConfigError(f"rules.{rule.id}.{name}: {exc.message}", "isaccheck.yaml",
                              message_nl=words.nl.replace("`(document)`", f"`rules.{rule.id}.{name}`")) from None
        values[name] = value
    return values


def parse_rule(text: str, path: str) -> Rule:
    try:
        loaded = load_yaml(text)
    except YamlError as exc:
        raise RulePackError(exc.message, path, exc.line, message_nl=exc.message_nl) from None
    data = loaded.data
    if not isinstance(data, dict):
        raise RulePackError("a rule file must be a mapping", path, 1,
                            message_nl="een regelbestand moet een verzameling velden zijn")
    errors = schema_errors("rule", data)
    error = _best_match(errors) if errors else None
    if error is not None:
        at = ".".join(str(p) for p in error.absolute_path)
        raise RulePackError(f"{at + ': ' if at else ''}{error.message}", path, loaded.lines.get(at, 1),
                            message_nl=_describe(error)[1].nl)
    rule_id = data["id"]
    capability, rest = rule_id.split("-", 1)
    if capability != data["capability"] or int(rest.split(".")[0]) != data["level"]:
        raise RulePackError(f"id {rule_id} does not match capability {data['capability']} level {data['level']}",
                            path, loaded.lines.get("id"),
                            message_nl=f"id {rule_id} past niet bij capability {data['capability']} "
                                       f"niveau {data['level']}")
    params = _parameters(data.get("parameters"), path, loaded.lines)
    evidence = data.get("evidence")
    attestation = data.get("attestation", "never")
    if (evidence is None) != (attestation == "only"):
        raise RulePackError("`attestation: only` exactly when `evidence` is null", path, loaded.lines.get("attestation", 1),
                            message_nl="`attestation: only` precies wanneer `evidence` leeg (null) is")
    if evidence is not None:
        try:
            check_expression(evidence, {n: p.default for n, p in params.items()}, "evidence")
        except RulePackError as exc:
            raise RulePackError(exc.message, path, loaded.lines.get("evidence"), message_nl=exc.message_nl) from None
    return Rule(
        id=rule_id,
        capability=capability,
        level=int(data["level"]),
        question=_text(data["question"]) or Text("", ""),
        evidence=evidence,
        attestation=attestation,
        parameters=params,
        measure=_text(data.get("measure")),
        advice=_text(data.get("advice")),
        notes=data.get("notes"),
        source=path,
    )


def _capabilities(data: Any) -> dict[str, CapabilityInfo]:
    found = {}
    for code, info in (data or {}).items():
        levels = {}
        for level, spec in (info.get("levels") or {}).items():
            levels[int(level)] = LevelAdvice(_text(spec.get("characteristics")) or Text("", ""),
                                             _text(spec.get("advice")) or Text("", ""))
        found[code] = CapabilityInfo(code, _text(info.get("name")) or Text(code, code), _text(info.get("description")),
                                     levels, _text(info.get("attention_points")))
    return found


class _Folder:
    """A rule pack folder: on disk (the bundled pack) or inside the checked repository's source."""

    def __init__(self, files: Mapping[str, str], label: str) -> None:
        self.files = files
        self.label = label


def builtin_folder() -> Path:
    # Where importlib.resources.files("isaccheck.ncsc_rules") points, found without importing
    # importlib.resources (it imports tempfile, shutil and zipfile: ~8 ms of every start-up).
    spec = importlib.util.find_spec("isaccheck.ncsc_rules")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    # Running from a source checkout: the pack sits beside the package.
    return Path(__file__).resolve().parent.parent / "rules"


def _read_folder(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in sorted(root.rglob("*.yaml"))}


def build_pack(folders: Iterable[tuple[str, Mapping[str, str]]]) -> RulePack:
    """Merge rule folders (label, {relative path: text}); the first one is the main pack."""
    rules: dict[str, Rule] = {}
    capabilities: dict[str, CapabilityInfo] = {}
    meta: dict[str, Any] = {}
    for label, files in folders:
        for rel, text in sorted(files.items()):
            shown = f"{label}/{rel}"
            name = rel.rsplit("/", 1)[-1]
            if name == "pack.yaml":
                if not meta:
                    meta = _plain_yaml(text, shown) or {}
                continue
            if name == "capabilities.yaml":
                for code, info in _capabilities(_plain_yaml(text, shown)).items():
                    capabilities.setdefault(code, info)
                continue
            rule = parse_rule(text, shown)
            if rule.id in rules:
                raise RulePackError(f"duplicate rule id {rule.id} (also in {rules[rule.id].source})", shown,
                                    message_nl=f"regel-id {rule.id} komt twee keer voor (ook in {rules[rule.id].source})")
            rules[rule.id] = rule
    return RulePack(
        name=str(meta.get("name") or "rules"),
        version=str(meta.get("version") or "0"),
        rules=tuple(sorted(rules.values(), key=Rule.sort_key)),
        capabilities=capabilities,
        tlp_required_types=frozenset(meta.get("tlp_required_types") or ()),
    )


def _plain_yaml(text: str, path: str) -> Any:
    try:
        return load_yaml(text).data
    except YamlError as exc:
        raise RulePackError(exc.message, path, exc.line, message_nl=exc.message_nl) from None


def builtin_tlp_required_types() -> frozenset[str]:
    """The built-in pack's types that must carry a label, from its pack.yaml alone (no rule parsed)."""
    meta = _plain_yaml((builtin_folder() / "pack.yaml").read_text("utf-8"), "rules/pack.yaml") or {}
    return frozenset(meta.get("tlp_required_types") or ())


def load_builtin() -> RulePack:
    return build_pack([("rules", _read_folder(builtin_folder()))])


def load_packs(extra: Iterable[tuple[str, Mapping[str, str]]] = ()) -> RulePack:
    return build_pack([("rules", _read_folder(builtin_folder())), *extra])


def import_python_checks(folder: Path) -> list[str]:
    """Import checks.py-style modules of a rule folder; only called when the user opted in."""
    imported = []
    for module_path in sorted(folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"isaccheck_user_checks_{module_path.stem}", module_path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        imported.append(module_path.name)
    return imported
