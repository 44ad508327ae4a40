"""/applications/grants: the OAuth apps a user has authorized (Basic login:password only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .. import serializers
from ..model import Grant
from ..wire import cached_json, dumps, empty_response, page_params
from . import current_request, current_user, routes, store, urls
from .render import paginated

bp = Blueprint("grants", __name__)


def serialize(grant: Grant) -> dict[str, Any]:
    st = store()
    app = st.oauth_app(grant.client_id)
    assert app is not None  # a grant outlives no app: apps are never deleted
    return serializers.grant(grant, app, st.grant_scopes(grant), urls())


@bp.get("/applications/grants")
@routes.password()
def list_grants() -> Response:
    page, per_page = page_params(current_request())
    with store().lock:
        found, total = store().list_grants(current_user(), page, per_page)
        items = [serialize(grant) for grant in found]
    return paginated("/applications/grants", dumps(items), page, per_page, total)


@bp.get("/applications/grants/<int:grant_id>")
@routes.password()
def get_grant(grant_id: int) -> Response:
    with store().lock:
        grant = store().get_grant(current_user(), grant_id)
        return cached_json(serialize(grant), last_modified=grant.updated_at)


@bp.delete("/applications/grants/<int:grant_id>")
@routes.password()
def delete_grant(grant_id: int) -> Response:
    store().delete_grant(current_user(), grant_id)
    return empty_response()
