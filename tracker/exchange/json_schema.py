"""The export's JSON Schema (draft 2020-12), generated from the one declaration in tracker.exchange.format.

The shipped file, tracker/schema/history-v3.schema.json, is this module's output (a test holds them equal);
after changing the declaration, regenerate it:

    python -m tracker.exchange.json_schema > tracker/schema/history-v3.schema.json

The files of older versions (v1, v2) are history and stay as shipped.
"""

from __future__ import annotations

import json
from typing import Any

from tracker.exchange.format import (
    DEFS,
    DOCUMENT,
    DOCUMENT_DESCRIPTION,
    DOCUMENT_REQUIRED,
    DOCUMENT_TITLE,
    FORMAT,
    SCHEMA_RESOURCE,
    VERSION,
    Field,
    Record,
)

JsonSchema = dict[str, Any]  # a JSON Schema fragment: JSON, untyped by nature


def field_schema(field: Field) -> JsonSchema:
    """One field's schema; a nullable field is "null, or the value"."""
    if field.type == "ref":
        inner: JsonSchema = {"$ref": f"#/$defs/{field.ref}"}
    elif field.type == "enum":
        inner = {"enum": list(field.choices)}
    elif field.type == "object" and field.record is not None:
        inner = record_schema(field.record, field.description)
    else:
        inner = {}
        if field.description:
            inner["description"] = field.description
        inner["type"] = field.type
        if field.format:
            inner["format"] = field.format
        if field.type == "array":
            inner["maxItems"] = field.max_items
            if field.record is not None:
                inner["items"] = record_schema(field.record)
            else:
                inner["items"] = {"$ref": f"#/$defs/{field.items}"}
        if field.max_length is not None:
            inner["maxLength"] = field.max_length
        if field.type in ("integer", "number"):
            inner["minimum"] = _number(field.low)
            inner["maximum"] = _number(field.high)
        if field.pattern is not None:
            inner["pattern"] = f"^{field.pattern.pattern}$"
    return {"oneOf": [{"type": "null"}, inner]} if field.nullable else inner


def record_schema(record: Record, description: str = "") -> JsonSchema:
    schema: JsonSchema = {"description": description} if description else {}
    schema |= {"type": "object", "additionalProperties": False, "required": list(record.required)}
    if record.together:
        schema["dependentRequired"] = {
            name: [o for o in record.together if o != name] for name in record.together
        }
    schema["properties"] = {name: field_schema(field) for name, field in record.fields}
    return schema


def generate() -> JsonSchema:
    """The schema of the current export version, from the declaration."""
    properties = {name: field_schema(field) for name, field in DOCUMENT.fields}
    properties["format"] = {"const": FORMAT}
    properties["version"] = {"const": VERSION}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://backroll.invalid/schema/{SCHEMA_RESOURCE}",
        "title": DOCUMENT_TITLE,
        "description": DOCUMENT_DESCRIPTION,
        "type": "object",
        "additionalProperties": False,
        "required": list(DOCUMENT_REQUIRED),
        "properties": properties,
        "$defs": {name: field_schema(field) for name, field in DEFS.items()},
    }


def generate_text() -> str:
    """The schema as the shipped file holds it: two-space indents, a final newline."""
    return json.dumps(generate(), indent=2) + "\n"


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


if __name__ == "__main__":
    print(generate_text(), end="")
