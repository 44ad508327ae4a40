"""JSON in and out for the admin API: pretty answers for people reading curl output."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

from ..http_errors import GHEError
from ..wire import JSON_TYPE, parse_json


class AdminError(GHEError):
    """A refused admin request; rendered by create_app like every error, minus GHE's docs link."""

    def __init__(self, message: str, status: int = 422, errors: list[Any] | None = None) -> None:
        super().__init__(message, status=status, errors=errors, documentation_url=None)


def answer(body: Any, status: int = 200) -> Response:
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    return Response(text.encode("utf-8"), status=status, content_type=JSON_TYPE)


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; no body at all is ``{}`` (``curl -X POST`` alone)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = parse_json(raw)
    except ValueError as error:
        raise AdminError(f"the body is not valid JSON: {error}", status=400) from None
    if not isinstance(body, dict):
        raise AdminError("the body must be a JSON object", status=400)
    return body


def check_keys(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse unknown keys: a misspelt ``stauts`` must not quietly arm a different fault."""
    unknown = [key for key in body if key not in allowed]
    if unknown:
        raise AdminError(
            f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"expected some of: {', '.join(allowed)}"
        )
