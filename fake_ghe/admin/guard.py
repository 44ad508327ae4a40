"""Keep other web pages from driving the admin endpoints through the user's browser.

The fake listens on loopback without authentication, so any page open in the same browser
could post a form to ``http://127.0.0.1:PORT/_fake_ghe/reset`` (a "simple" cross-site request
needs no CORS preflight). Two cheap rules stop that without getting in the way of curl or
test code:

- a state-changing request that carries an ``Origin`` header must come from the fake's own
  origin (browsers send Origin on every cross-site POST; curl and HTTP libraries send none);
- a state-page form must also echo a random token minted when the app was made, which a
  page on another origin cannot read.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Response, request

from . import admin_state
from .jsonio import answer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TOKEN_FIELD = "form_token"


def same_origin_only() -> Response | None:
    """A ``before_request`` hook for the admin blueprints."""
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    if origin is None:
        return None
    if not _is_own_origin(origin):
        return refused(f"cross-origin request from {origin} refused")
    return None


def _is_own_origin(origin: str) -> bool:
    parts = urlsplit(origin)
    # "null" (sandboxed frames, file: pages) has no scheme and never matches.
    return parts.scheme == request.scheme and parts.netloc.lower() == request.host.lower()


def form_token() -> str:
    return admin_state().form_token


def check_form_token() -> Response | None:
    given = request.form.get(FORM_TOKEN_FIELD, "")
    if hmac.compare_digest(given.encode("utf-8"), form_token().encode("utf-8")):
        return None
    return refused("form token missing or stale: reload the page and try again")


def refused(message: str) -> Response:
    return answer({"message": message}, 403)
