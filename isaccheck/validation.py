"""JSON Schema errors turned into plain words, in English and Dutch, with the field and its line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # jsonschema is imported only where a document is not valid (schemas.py)
    from jsonschema.exceptions import ValidationError

from .model import Finding, Severity, Text
from .yamlutil import YamlData

_TYPE_WORDS = {
    "string": ("text", "tekst"),
    "integer": ("a whole number", "een geheel getal"),
    "number": ("a number", "een getal"),
    "boolean": ("true or false", "true of false"),
    "array": ("a list", "een lijst"),
    "object": ("a mapping of fields", "een verzameling velden"),
    "null": ("empty", "leeg"),
}


def _type_words(expected: Any) -> tuple[str, str]:
    names = expected if isinstance(expected, list) else [expected]
    en = " or ".join(_TYPE_WORDS.get(n, (n, n))[0] for n in names)
    nl = " of ".join(_TYPE_WORDS.get(n, (n, n))[1] for n in names)
    return en, nl


def _yaml11_hint(dotted: str, value: Any, source: YamlData) -> tuple[str, str]:
    """YAML 1.1 reads 14:00 as 840, no as false and 1.10 as 1.1; the user meant text."""
    raw = source.plain_scalars.get(dotted)
    if raw is None or isinstance(value, str):
        return "", ""
    return (
        f" YAML read `{raw}` as {value!r}; put it in quotes: \"{raw}\".",
        f" YAML las `{raw}` als {value!r}; zet het tussen aanhalingstekens: \"{raw}\".",
    )


def describe(error: ValidationError, source: YamlData) -> tuple[str, Text]:
    """The dotted field path and a plain-words message for one schema error."""
    dotted = ".".join(str(p) for p in error.absolute_path)
    field = dotted or "(document)"
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        target = f"{dotted}.{missing}" if dotted else missing
        return dotted, Text(
            f"required field `{target}` is missing",
            f"verplicht veld `{target}` ontbreekt",
        )
    if kind == "type":
        en, nl = _type_words(error.validator_value)
        hint_en, hint_nl = _yaml11_hint(dotted, error.instance, source)
        return dotted, Text(
            f"field `{field}` should be {en}, not {error.instance!r}.{hint_en}",
            f"veld `{field}` moet {nl} zijn, niet {error.instance!r}.{hint_nl}",
        )
    if kind == "format" and error.validator_value == "date":
        return dotted, Text(
            f"field `{field}` is not a valid date: {error.instance!r} (write YYYY-MM-DD)",
            f"veld `{field}` is geen geldige datum: {error.instance!r} (schrijf JJJJ-MM-DD)",
        )
    if kind == "enum":
        options: list[Any] = list(error.validator_value) if isinstance(error.validator_value, list) else []
        # An enum that also takes the capitalised words and bare yes/no (true/false) lists each word once.
        shown = dict.fromkeys(str(v).lower() if isinstance(v, str) else str(v) for v in options if not isinstance(v, bool))
        allowed = ", ".join(shown)
        hint_en, hint_nl = _yaml11_hint(dotted, error.instance, source)
        return dotted, Text(
            f"field `{field}` is {error.instance!r}; allowed: {allowed}.{hint_en}".rstrip("."),
            f"veld `{field}` is {error.instance!r}; toegestaan: {allowed}.{hint_nl}".rstrip("."),
        )
    if kind == "const":
        return dotted, Text(
            f"field `{field}` must be {error.validator_value!r}",
            f"veld `{field}` moet {error.validator_value!r} zijn",
        )
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        nl_bound = {"minimum": "minstens", "maximum": "hoogstens", "exclusiveMinimum": "meer dan",
                    "exclusiveMaximum": "minder dan"}[str(kind)]
        return dotted, Text(f"field `{field}`: {error.message}",
                            f"veld `{field}` moet {nl_bound} {error.validator_value!r} zijn, niet {error.instance!r}")
    if kind in ("minLength", "minItems", "minProperties"):
        return dotted, Text(f"field `{field}` must not be empty", f"veld `{field}` mag niet leeg zijn")
    if kind == "pattern":
        return dotted, Text(
            f"field `{field}` has an unexpected form: {error.instance!r}",
            f"veld `{field}` heeft een onverwachte vorm: {error.instance!r}",
        )
    if kind == "propertyNames":
        return dotted, Text(
            f"field `{field}` has an unexpected key: {error.instance!r}",
            f"veld `{field}` heeft een onverwachte sleutel: {error.instance!r}",
        )
    if kind in ("oneOf", "anyOf"):
        hint_en, hint_nl = _yaml11_hint(dotted, error.instance, source)
        return dotted, Text(
            f"field `{field}` does not have one of the allowed forms: {error.instance!r}.{hint_en}".rstrip("."),
            f"veld `{field}` heeft geen van de toegestane vormen: {error.instance!r}.{hint_nl}".rstrip("."),
        )
    if kind == "additionalProperties":
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = sorted(str(k) for k in error.instance if k not in known) if isinstance(error.instance, dict) else []
        names = ", ".join(f"`{k}`" for k in extra)
        return dotted, Text(f"{error.message} in `{field}`",
                            f"{'onbekende velden' if len(extra) > 1 else 'onbekend veld'} {names} in `{field}`")
    return dotted, Text(f"field `{field}`: {error.message}", f"veld `{field}`: {error.message}")


def _leaf_errors(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """Prefer the most specific error of a oneOf/anyOf when one branch clearly matched the shape."""
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            deepest = max(error.context, key=lambda e: len(e.absolute_path))
            if len(deepest.absolute_path) > len(error.absolute_path):
                yield deepest
                continue
        yield error


def schema_findings(
    errors: Iterable[ValidationError], source: YamlData, path: str, fallback_line: int
) -> list[Finding]:
    findings = []
    for error in _leaf_errors(errors):
        dotted, message = describe(error, source)
        line = source.lines.get(dotted, fallback_line)
        findings.append(Finding("schema", Severity.ERROR, path, line, message, field=dotted or None))
    return sorted(set(findings), key=Finding.sort_key)
