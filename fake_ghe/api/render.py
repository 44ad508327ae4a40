"""How handlers answer with shared shapes: an authorization, and a page with its Link."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from .. import serializers
from ..model import Authorization, User
from ..wire import cached_json, has_links, link_header
from . import store, urls


def serialize(
    auth: Authorization, *, with_token: bool = False, user: User | None = None
) -> dict[str, Any]:
    app = store().oauth_app(auth.client_id) if auth.client_id else None
    return serializers.authorization(auth, app, urls(), with_token=with_token, user=user)


def serialize_all(auths: list[Authorization]) -> list[dict[str, Any]]:
    """A list of authorizations (no token values), the store and the URLs looked up once."""
    found, links = store(), urls()
    return [
        serializers.authorization(
            auth, found.oauth_app(auth.client_id) if auth.client_id else None, links
        )
        for auth in auths
    ]


def paginated(
    path: str, items: list[dict[str, Any]], page: int, per_page: int, total: int
) -> Response:
    response = cached_json(items)
    if has_links(page, per_page, total):  # the query and URLs are only read for links
        query = list(request.args.items(multi=True))
        link = link_header(urls().api + path, query, page, per_page, total)
        if link:
            response.headers["Link"] = link
    return response
