"""/user (token auth) and /meta (no auth)."""

from __future__ import annotations

from flask import Blueprint, Response, g

from .. import scopes, serializers
from ..wire import cached_json
from . import context, current_user, urls

bp = Blueprint("users", __name__)


@bp.get("/user")
def authenticated_user() -> Response:
    user = current_user()
    # A single resource: Last-Modified too, so the docs' If-Modified-Since sample gets its 304.
    response = cached_json(serializers.private_user(user, urls()), last_modified=user.created_at)
    token = g.get("token_authorization")
    if token is not None:
        # Only token-authenticated responses carry the token's scopes. [GHE_BEHAVIOR: rec]
        response.headers["X-OAuth-Scopes"] = scopes.header_value(token.scopes)
        response.headers["X-Accepted-OAuth-Scopes"] = ""
    return response


@bp.get("/meta")
def meta() -> Response:
    return cached_json(
        {
            "verifiable_password_authentication": True,
            "installed_version": context().config.enterprise_version,
        }
    )
