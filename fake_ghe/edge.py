"""What every request must pass before anything reads it: a usable ``Host`` and a body of a
bounded size. ``create_app`` runs ``check`` first in its ``before_request``."""

from __future__ import annotations

import io
from typing import IO

from flask import Request, Response
from werkzeug.wsgi import get_content_length

from .config import Config, valid_host
from .exchange import current
from .http_errors import DOCS, GHEError
from .wire import json_response


def check(req: Request, config: Config, admin: bool) -> Response | None:
    """None when ``req`` may go on; else the 400 or 413 that answers it."""
    environ = req.environ
    host = environ.get("HTTP_HOST")
    if host is None or not valid_host(host):
        # Without it there is no absolute url field to build (GHE's answers are full of
        # them): werkzeug would turn a bad Host into "" and every url into "http:/api/v3/...".
        # [decision] 400, as nginx in front of GHE answered a request without a valid Host.
        message = "Missing Host header" if host is None else "Invalid Host header"
        return json_response(GHEError(message, status=400).body(), 400)
    limit = config.max_admin_body if admin else config.max_body
    req.max_content_length = limit
    # From the environ: werkzeug's ``req.content_length`` builds the request's Headers first.
    length = get_content_length(environ)
    if length is not None and length > limit:
        # Refused from the header alone: not one byte of the body is read.
        return too_large(limit)
    if length is None and environ.get("wsgi.input_terminated"):
        # Chunked (no Content-Length): read at most one byte past the limit, then answer from
        # what came. werkzeug's own limit would silently cut such a body short instead.
        body = _read_at_most(environ["wsgi.input"], limit + 1)
        if len(body) > limit:
            return too_large(limit)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)
        # The body is whole now: werkzeug ignores CONTENT_LENGTH while Transfer-Encoding says
        # chunked, and then reads an empty body (a chunked POST was a 422 "missing_field").
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        req.__dict__.pop("stream", None)  # in case anything looked at it already
    return None


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        part = stream.read(min(remaining, 65536))
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def too_large(limit: int | None = None) -> Response:
    """413 in GHE's shape. [decision] GHE's own message for this is not recorded."""
    limit = limit if limit is not None else current().request.max_content_length
    message = "Request body too large"
    if limit is not None:
        message += f" (the limit is {limit} bytes)"
    return json_response({"message": message, "documentation_url": DOCS}, 413)
