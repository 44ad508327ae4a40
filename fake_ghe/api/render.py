"""How handlers answer with shared shapes: an authorization, and a page with its Link."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Response, request

from .. import serializers
from ..model import Authorization, OAuthApp, User
from ..wire import cached_data, dumps, has_links, link_header
from . import store, urls


def serialize(
    auth: Authorization, *, with_token: bool = False, user: User | None = None
) -> dict[str, Any]:
    app = store().oauth_app(auth.client_id) if auth.client_id else None
    return serializers.authorization(auth, app, urls(), with_token=with_token, user=user)


def serialize_all(auths: list[Authorization]) -> bytes:
    """A JSON list of authorizations (no token values), as ``dumps`` encodes it."""
    found, links = store(), urls()
    # What dumps makes of the list: its items' own encodings, comma-joined in brackets.
    return (
        b"["
        + b",".join(
            _LISTED.encoded(
                auth, found.oauth_app(auth.client_id) if auth.client_id else None, links
            )
            for auth in auths
        )
        + b"]"
    )


class _Encodings:
    """List items' JSON, remembered by the records they show.

    Encoding an item was half of a list's cost, and list after list shows the same records.
    Records are frozen snapshots that the store replaces on every change, so one record object
    always encodes the same way: the memo is keyed by identity (cheap, unlike hashing every
    field) and holds the records it was keyed by, so no other object can take their ids while
    an entry lives. A changed token is a new record, never a stale hit. Bounded: the oldest
    entry goes first.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: dict[tuple[int, int, serializers.Urls], _Entry] = {}

    def __len__(self) -> int:
        return len(self._items)

    def encoded(self, auth: Authorization, app: OAuthApp | None, links: serializers.Urls) -> bytes:
        key = (id(auth), id(app), links)
        entry = self._items.get(key)
        if entry is not None and entry.auth is auth and entry.app is app:
            return entry.data
        data = dumps(serializers.authorization(auth, app, links))
        if len(self._items) >= self._limit:
            # Another thread may have emptied it since the check: nothing to drop then.
            self._items.pop(next(iter(self._items), key), None)
        self._items[key] = _Entry(auth, app, data)
        return data


class _Entry(NamedTuple):
    auth: Authorization
    app: OAuthApp | None
    data: bytes


_LISTED = _Encodings(1024)


def paginated(path: str, data: bytes, page: int, per_page: int, total: int) -> Response:
    """A page (its JSON list already encoded) with GitHub's ``Link`` header."""
    response = cached_data(data)
    if has_links(page, per_page, total):  # the query and URLs are only read for links
        query = list(request.args.items(multi=True))
        link = link_header(urls().api + path, query, page, per_page, total)
        if link:
            response.headers["Link"] = link
    return response
