"""Validators generated from the shipped schemas by tools/compile_schemas.py (do not edit them).

One module a schema, imported only when a document of that schema is met. They decide valid or
not valid; isaccheck.schemas asks jsonschema why only for what they do not accept.
"""

from __future__ import annotations

from typing import Any


class JsonSchemaValueException(ValueError):
    """What a generated validator raises for an invalid value (fastjsonschema's exception, defined
    here so that validating imports neither fastjsonschema nor jsonschema). Its details are not
    read: jsonschema explains what is not valid."""

    def __init__(self, message: str, value: Any = None, name: str | None = None, definition: Any = None,
                 rule: str | None = None) -> None:
        super().__init__(message)


JsonSchemaValuesException = JsonSchemaValueException
