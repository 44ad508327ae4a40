"""Typed fields of a request body; a wrong type is a 422 naming the field."""

from __future__ import annotations

from typing import Any

from ..errors import FieldProblem, InvalidInput

MISSING: Any = object()


def _invalid(field: str, expected: str) -> InvalidInput:
    # GHE's Rails validations answered a wrongly typed field with code "invalid". [decision]
    return InvalidInput(FieldProblem(field, "invalid", f"must be {expected}"))


def text(body: dict[str, Any], field: str) -> Any:
    """A string or null field; MISSING when the key is absent."""
    value = body.get(field, MISSING)
    if value is MISSING or value is None or isinstance(value, str):
        return value
    raise _invalid(field, "a string or null")


def text_or_none(body: dict[str, Any], field: str) -> str | None:
    value = text(body, field)
    return None if value is MISSING else value


def scope_list(body: dict[str, Any], field: str) -> Any:
    """A list of scope names; a single string is a one-element list, null an empty one."""
    value = body.get(field, MISSING)
    if value is MISSING:
        return MISSING
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise _invalid(field, "a list of scope names")
