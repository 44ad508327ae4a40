"""Validate every JSON body a test sees against the official GHES 2.18 description."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator

SPEC_PATH = Path(__file__).parent / "vendor" / "ghes-2.18-oauth-authorizations.json"
# Where real recordings contradict the description, the recordings win (each operation names
# its evidence): RFC 6902 operations applied to the description before anything validates.
ERRATA_PATH = Path(__file__).parent / "vendor" / "ghes-2.18-errata.json"


@cache
def spec() -> dict[str, Any]:
    """The official description with the errata applied."""
    patched: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    for op in errata():
        apply_operation(patched, op)
    return patched


def errata() -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = json.loads(ERRATA_PATH.read_text())["operations"]
    return operations


def apply_operation(document: Any, op: dict[str, Any]) -> None:
    """One RFC 6902 ``add``, ``replace`` or ``remove`` (all the errata need), in place; a
    path that does not resolve is an error, so an erratum cannot silently stop applying."""
    *parents, last = [
        part.replace("~1", "/").replace("~0", "~") for part in op["path"].split("/")[1:]
    ]
    target = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    kind = op["op"]
    if isinstance(target, list):
        index = len(target) if last == "-" else int(last)
        if kind == "add":
            target.insert(index, op["value"])
            return
        if kind == "remove":
            del target[index]
            return
    if kind in ("replace", "remove") and last not in target:
        raise KeyError(f"erratum {op['path']}: nothing to {kind}")
    if kind in ("add", "replace"):
        target[last] = op["value"]
    elif kind == "remove":
        del target[last]
    else:
        raise ValueError(f"erratum {op['path']}: unsupported op {kind!r}")


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
