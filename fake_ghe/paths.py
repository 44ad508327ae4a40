"""A request's path as sent, as the API sees it, and as the journal and logs show it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import redact
from .api import routes

if TYPE_CHECKING:
    from .exchange import Exchange


def sent_path(environ: Mapping[str, Any]) -> str:
    """The path as the client sent it: werkzeug's server turns a leading "//" into "/" in
    PATH_INFO, but keeps the request target as sent in RAW_URI (as the in-process one does)."""
    raw = environ.get("RAW_URI") or environ.get("PATH_INFO") or ""
    return str(raw).partition("?")[0]


def api_path(path: str, prefix: str) -> str:
    """``path`` below the API prefix (faults match either form)."""
    return path[len(prefix) :] if path.startswith(prefix + "/") else path


def redacted_path(exchange: Exchange) -> str:
    """The request's path and query for the call journal and logs, secrets masked.

    The secrets are the path parameters the matched route declares (fake_ghe.api.routes); a
    path the fake lacks is masked as if the API were served from any of its slashes (a client
    that left out /api/v3 still sends a real token).
    """
    req = exchange.request
    route = routes.current_route()
    path = req.path
    if not route:
        # The path as sent: werkzeug's req.path drops extra leading slashes.
        raw = sent_path(req.environ)
        path = "/" * (len(raw) - len(raw.lstrip("/")) - 1) + path
    shown = routes.masked(route, path) if route else routes.mask_path(path)
    if req.query_string:
        shown += "?" + redact.query(req.query_string.decode("latin-1"))
    return redact.token_shaped(shown)
