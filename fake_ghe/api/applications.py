"""/applications/{client_id}/...: an OAuth app checks, resets and revokes its own tokens."""

from __future__ import annotations

from flask import Blueprint, Response

from ..model import Authorization
from ..wire import empty_response, json_response
from . import current_oauth_app, routes, store
from .render import serialize

bp = Blueprint("applications", __name__)

# The client_id in the path is checked against the Basic credentials before the view runs
# (fake_ghe.pipeline, from the declarations), so these handlers only see the app's own path.


def _with_user(auth: Authorization) -> Response:
    """Check and reset answer with the token's value and its owner. [GHE_BEHAVIOR: rec]"""
    return json_response(serialize(auth, with_token=True, user=store().user_by_id(auth.user_id)))


@bp.get("/applications/<client_id>/tokens/<access_token>")
@routes.app_client(secrets=["access_token"])
def check_token(client_id: str, access_token: str) -> Response:
    with store().lock:
        return _with_user(store().app_token(current_oauth_app(), access_token))


@bp.post("/applications/<client_id>/tokens/<access_token>")
@routes.app_client(secrets=["access_token"])
def reset_token(client_id: str, access_token: str) -> Response:
    with store().lock:
        return _with_user(store().reset_token(current_oauth_app(), access_token))


@bp.delete("/applications/<client_id>/tokens/<access_token>")
@routes.app_client(secrets=["access_token"])
def revoke_token(client_id: str, access_token: str) -> Response:
    store().revoke_token(current_oauth_app(), access_token)
    return empty_response()


@bp.delete("/applications/<client_id>/grants/<access_token>")
@routes.app_client(secrets=["access_token"])
def revoke_grant(client_id: str, access_token: str) -> Response:
    store().revoke_grant_for_token(current_oauth_app(), access_token)
    return empty_response()
