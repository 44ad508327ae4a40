"""Validate every JSON body a test sees against the official GHES 2.18 description."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator

SPEC_PATH = Path(__file__).parent / "vendor" / "ghes-2.18-oauth-authorizations.json"


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text())


@cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    routes = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        # Literal segments win over parameters (/authorizations/clients/x before /{id}).
        routes.append((re.compile(f"^{pattern}$"), template))
    routes.sort(key=lambda route: route[1].count("{"))
    return routes


def operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for pattern, template in _routes():
        if pattern.match(path):
            op = spec()["paths"][template].get(method.lower())
            if op is not None:
                return template, op
    return None


def basic_error_schema() -> dict[str, Any]:
    op = spec()["paths"]["/authorizations"]["get"]
    return op["responses"]["401"]["content"]["application/json"]["schema"]


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The schema for this answer; errors the description omits must still be Basic Errors."""
    found = operation(method, path)
    if found is None:
        return basic_error_schema() if status >= 400 else None
    _, op = found
    response = op["responses"].get(str(status))
    if response is None:
        if status >= 400:
            return basic_error_schema()
        raise AssertionError(f"{method} {path}: status {status} is not in the description")
    content = response.get("content", {}).get("application/json")
    return content["schema"] if content else None


def validate(method: str, path: str, status: int, body: Any) -> None:
    """Raise AssertionError when ``body`` does not conform (HEAD and 304/204 carry none)."""
    schema = response_schema(method, path, status)
    if schema is None:
        return
    validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    if errors:
        details = "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        raise AssertionError(
            f"{method} {path} -> {status} violates the OpenAPI description: {details}"
        )
