"""Keep other web pages from driving the admin endpoints through the user's browser.

The fake listens on loopback without authentication, so any page open in the same browser
could post a form to ``http://127.0.0.1:PORT/_fake_ghe/reset`` (a "simple" cross-site request
needs no CORS preflight). Two cheap rules stop that without getting in the way of curl or
test code:

- a state-changing request that carries an ``Origin`` header must come from the fake's own
  origin (browsers send Origin on every cross-site POST; curl and HTTP libraries send none);
- a state-page form must also echo a random token minted when the app was made, which a
  page on another origin cannot read.

Two more keep out what those two cannot see (``admit``, run before anything else):

- DNS rebinding: a page on ``attacker.example`` whose name then resolves to 127.0.0.1 is the
  fake's "own origin". Its requests still say ``Host: attacker.example``, so the admin API
  answers only a Host that names loopback, ``localhost``, the configured hostname or one the
  user allowed (``Config.admin_hosts``);
- a fake bound beyond loopback: the admin API is then off unless the user gave an admin token
  (``fake-ghe serve --admin-token``), which every admin request must carry as
  ``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from flask import Response, request

from ..config import Config
from . import admin_state
from .jsonio import answer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TOKEN_FIELD = "form_token"


def admit(config: Config) -> Response | None:
    """None when an admin request may go on; else the 403 (or 401) that answers it."""
    host = host_name(request.environ.get("HTTP_HOST", ""))
    if not allowed_host(host, config):
        return refused(
            f"the admin API answers only requests sent to this machine (Host {host!r} is not "
            "loopback, localhost or the configured hostname; see --admin-host)"
        )
    if config.admin_token is not None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        expected = config.admin_token.encode("utf-8")
        # Compared in constant time, like every secret the fake checks.
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), expected
        ):
            response = answer(
                {"message": "the admin API needs Authorization: Bearer ADMIN_TOKEN"}, 401
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="fake-ghe admin"'
            return response
    return None


def host_name(host: str) -> str:
    """The name part of a ``Host`` value, lower case: no port, no IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def allowed_host(name: str, config: Config) -> bool:
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        if ipaddress.ip_address(name).is_loopback:
            return True
    except ValueError:
        pass
    allowed = [*config.admin_hosts]
    if config.hostname:
        allowed.append(config.hostname)
    return name in {host_name(urlsplit(h).netloc if "://" in h else h) for h in allowed}


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
