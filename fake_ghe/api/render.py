"""How handlers answer with shared shapes: an authorization, and a page with its Link."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Response

from .. import serializers
from ..model import Authorization, OAuthApp, User
from ..wire import cached_data, dumps, has_links, link_header, weak_etag
from . import current_request, store, urls


def serialize(
    auth: Authorization, *, with_token: bool = False, user: User | None = None
) -> dict[str, Any]:
    app = store().oauth_app(auth.client_id) if auth.client_id else None
    return serializers.authorization(auth, app, urls(), with_token=with_token, user=user)


def serialize_all(auths: list[Authorization]) -> Listed:
    """A JSON list of authorizations (no token values), as ``dumps`` encodes it, and its ETag."""
    found, links = store(), urls()
    return _JOINED.listed(
        tuple(
            _LISTED.encoded(
                auth, found.oauth_app(auth.client_id) if auth.client_id else None, links
            )
            for auth in auths
        )
    )


class Listed(NamedTuple):
    """A list's JSON (its items' encodings, comma-joined in brackets, as ``dumps`` makes it)
    and the ETag ``cached_data`` gives it."""

    data: bytes
    etag: str


class _Lists:
    """Whole lists' JSON and ETag, remembered by the item encodings they join.

    Keyed by the items' bytes themselves (equal items join to equal bytes, so a hit is never
    stale); the items come from ``_LISTED``, whose objects keep their hashes, so a lookup costs
    far less than joining and hashing the list again. Bounded: the oldest entry goes first.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lists: dict[tuple[bytes, ...], Listed] = {}

    def __len__(self) -> int:
        return len(self._lists)

    def listed(self, items: tuple[bytes, ...]) -> Listed:
        found = self._lists.get(items)
        if found is not None:
            return found
        data = b"[" + b",".join(items) + b"]"
        found = Listed(data, weak_etag(data))
        if len(self._lists) >= self._limit:
            # Another thread may have emptied it since the check: nothing to drop then.
            self._lists.pop(next(iter(self._lists), items), None)
        self._lists[items] = found
        return found


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
# A page holds at most 100 items: 64 pages are a few MB at worst.
_JOINED = _Lists(64)


def paginated(
    path: str, data: bytes, page: int, per_page: int, total: int, etag: str | None = None
) -> Response:
    """A page (its JSON list already encoded) with GitHub's ``Link`` header; ``etag``: the
    page's ``weak_etag``, when the caller has it."""
    response = cached_data(data, etag=etag)
    if has_links(page, per_page, total):  # the query and URLs are only read for links
        query = list(current_request().args.items(multi=True))
        link = link_header(urls().api + path, query, page, per_page, total)
        if link:
            response.headers["Link"] = link
    return response
