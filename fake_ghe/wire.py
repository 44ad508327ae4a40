"""HTTP details GHE clients depend on: JSON bodies, conditional GETs, pagination links."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Request, Response
from werkzeug.http import http_date, parse_date

from . import textrules
from .clock import utc
from .exchange import current
from .http_errors import bad_request

JSON_TYPE = "application/json; charset=utf-8"
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


# GHE sent compact JSON. [GHE_BEHAVIOR: rec] One encoder for all: json.dumps with options
# builds a new one per call, and a list is encoded item by item (fake_ghe.api.render).
# JSONEncoder.encode keeps no state between calls, so threads may share it.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(body: Any) -> bytes:
    return _ENCODER.encode(body).encode("utf-8")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer. A 200 or 201 carries an ETag of its body, as every recorded one did, on
    every verb (2013-2019): strong on a 201, weak on a 200, as github.com wrote them. A GET that
    a client may revalidate answers with ``cached_json`` instead. [GHE_BEHAVIOR: rec]"""
    data = dumps(body)
    response = Response(data, status=status, headers=headers, content_type=JSON_TYPE)
    if status in (200, 201) and "ETag" not in response.headers:
        response.headers["ETag"] = _etag(data, weak=status == 200)
    return response


def _etag(data: bytes, *, weak: bool) -> str:
    # md5 as GitHub's ETags look (32 hex digits); a fingerprint, not security, which FIPS-mode
    # OpenSSL builds refuse plain md5 for unless told so.
    tag = f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'
    return f"W/{tag}" if weak else tag


def weak_etag(data: bytes) -> str:
    """The ETag ``cached_data`` gives ``data`` (for a caller that remembers it)."""
    return _etag(data, weak=True)


# Cross-origin access as the 2.18 docs' CORS samples show it: any origin may call the API and
# read these headers; a preflight is answered for any path. [docs: cross origin resource sharing]
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, X-GitHub-OTP, X-RateLimit-Limit, "
    "X-RateLimit-Remaining, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, "
    "X-Poll-Interval",
}
CORS_PREFLIGHT_HEADERS = {
    **CORS_HEADERS,
    "Access-Control-Allow-Headers": "Authorization, Content-Type, If-Match, If-Modified-Since, "
    "If-None-Match, If-Unmodified-Since, X-GitHub-OTP, X-Requested-With",
    "Access-Control-Allow-Methods": "GET, POST, PATCH, PUT, DELETE",
    "Access-Control-Max-Age": "86400",
}


def cors_preflight() -> Response:
    response = empty_response(content_type=None)
    response.headers.update(CORS_PREFLIGHT_HEADERS)
    return response


# What GitHub's Rails stack labelled its empty 204s with in the 2018 recordings (octokit.rb,
# github3.py cassettes); the 2014 ones show none. [GHE_BEHAVIOR: rec]
EMPTY_TYPE = "application/octet-stream"


def empty_response(status: int = 204, *, content_type: str | None = EMPTY_TYPE) -> Response:
    """An answer without a body: an API 204 carries ``application/octet-stream`` as recorded;
    a 304 (and a CORS preflight, never recorded) carries no content type at all."""
    response = Response(b"", status=status)
    del response.headers["Content-Type"]
    if status == 204 and content_type is not None:
        response.headers["Content-Type"] = content_type
    return response


def cached_json(body: Any, last_modified: datetime | None = None) -> Response:
    """A GET answer with ETag (and Last-Modified), or 304 when the client's copy is current."""
    return cached_data(dumps(body), last_modified)


def cached_data(
    data: bytes, last_modified: datetime | None = None, etag: str | None = None
) -> Response:
    """``cached_json`` of a body already encoded as ``dumps`` does; ``etag``: its
    ``weak_etag``, when the caller remembers it."""
    etag = etag or weak_etag(data)
    headers = {
        "ETag": etag,
        "Cache-Control": "private, max-age=60, s-maxage=60",
        "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP",
    }
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    if _not_modified(current().request, etag, last_modified):
        response = empty_response(304)
        response.headers.update(headers)
        return response
    return Response(data, status=200, headers=headers, content_type=JSON_TYPE)


def _not_modified(req: Request, etag: str, last_modified: datetime | None) -> bool:
    # Read from the environ: a header werkzeug lacks costs it an exception raised and caught.
    environ = req.environ
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if since is not None and last_modified is not None:
        return utc(last_modified).replace(microsecond=0) <= utc(since)
    return False


def json_body(req: Request) -> dict[str, Any]:
    """The body as a JSON object, whatever the Content-Type says. [GHE_BEHAVIOR: rec]

    An empty body is an empty object: ``curl -X POST`` with no ``-d`` is a valid request.
    """
    raw = req.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = parse_json(raw)
    except ValueError:
        raise bad_request("Problems parsing JSON") from None
    if not isinstance(body, dict):
        raise bad_request("Body should be a JSON object")
    return body


def parse_json(raw: bytes | str) -> Any:
    """JSON text (bytes are UTF-8) as data; ValueError for anything unparseable, however deep.

    The one JSON parser for request bodies, the GHE API's and the admin API's alike.
    """
    try:
        body = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        # A lone surrogate (``"\\ud800"``) parses but can never be sent back as UTF-8: the
        # rule scenarios follow too. [decision: GHE refused such bodies as unparseable]
        textrules.check_strings(body)
    except RecursionError:
        # Absurdly deep nesting ([[[[...]]]]) is junk, not a server error.
        raise ValueError("nested too deeply") from None
    return body


def page_params(req: Request) -> tuple[int, int]:
    """``page`` (1-based) and ``per_page`` (default 30, at most 100); junk means the default."""
    if not req.query_string:
        # Nothing to parse (and werkzeug's ``args.get`` of an absent key raises and catches).
        return 1, DEFAULT_PER_PAGE
    page = _positive_int(req.args.get("page"), 1)
    per_page = min(_positive_int(req.args.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return page, per_page


def _positive_int(raw: str | None, default: int) -> int:
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    return value if value > 0 else default


def has_links(page: int, per_page: int, total: int) -> bool:
    """Whether a page gets a ``Link`` header: all but a lone first page do."""
    return page > 1 or total > per_page


def link_header(
    url: str, query: list[tuple[str, str]], page: int, per_page: int, total: int
) -> str | None:
    """GitHub's ``Link``: first page next+last; middle prev+next+last+first; last prev+first.

    Each link is the request's own query, in its order, with ``page`` set in place or added
    at the end, as GitHub wrote them (``?per_page=2&page=2``; ``?page=2`` when the client sent
    no per_page). PyGithub's totalCount even depends on ``page`` not coming first.
    """
    if not has_links(page, per_page, total):
        return None
    last = max((total + per_page - 1) // per_page, 1)

    def href(number: int) -> str:
        pairs, placed = [], False
        for key, value in query:
            if key == "page":
                if placed:
                    continue
                value, placed = str(number), True
            pairs.append((key, value))
        if not placed:
            pairs.append(("page", str(number)))
        return f"<{url}?{urlencode(pairs)}>"

    parts = []
    if page > 1:
        parts.append(f'{href(min(page - 1, last))}; rel="prev"')
    if page < last:
        parts.append(f'{href(page + 1)}; rel="next"')
        parts.append(f'{href(last)}; rel="last"')
    if page > 1:
        parts.append(f'{href(1)}; rel="first"')
    return ", ".join(parts)
