"""The browser's side of the web flow: the session cookie, form tokens, page headers."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Response, g, render_template, request

from ..api import context
from ..model import User
from ..store.webflow import WebSession

# GitHub's own cookie name for a signed-in session.
COOKIE = "user_session"
FORM_TOKEN_FIELD = "authenticity_token"  # the name GitHub's forms used for theirs
# Nothing from the network, no framing (clickjacking a consent button), styles inline only.
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    # not no-referrer: under it Chrome sends "Origin: null" with our own forms.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def current() -> tuple[str, WebSession]:
    """This browser's session (made on first sight; the cookie is set by ``page``)."""
    if "web_session" not in g:
        g.web_session = context().store.web_session(request.cookies.get(COOKIE))
    found: tuple[str, WebSession] = g.web_session
    return found


def signed_in(session: WebSession) -> User | None:
    return context().store.signed_in_user(session)


def with_cookie(response: Response, session_id: str) -> Response:
    response.headers.update(PAGE_HEADERS)
    response.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="Lax",
        secure=request.scheme == "https",
        path="/",
    )
    return response


def page(template: str, status: int = 200, **values: Any) -> Response:
    """An HTML page carrying this session's form token and the page headers."""
    session_id, session = current()
    body = render_template(template, form_token=session.csrf, **values)
    return with_cookie(Response(body, status, mimetype="text/html"), session_id)


def go(location: str) -> Response:
    """A 302 that keeps this browser's session cookie."""
    session_id, _ = current()
    return with_cookie(Response(b"", 302, headers={"Location": location}), session_id)


def form_ok() -> bool:
    """The form carries this session's token, and a browser that sent Origin sent ours."""
    _, session = current()
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        if (parts.scheme, parts.netloc.lower()) != (request.scheme, request.host.lower()):
            return False
    given = request.form.get(FORM_TOKEN_FIELD, "")
    return hmac.compare_digest(given.encode("utf-8"), session.csrf.encode("utf-8"))


def safe_return_to(value: str | None) -> str:
    """Where sign-in may continue: only back to an authorization request on this server
    (never another site: an open redirect would hand the session's next page to it)."""
    if value and value.startswith("/login/oauth/authorize") and "\\" not in value:
        return value
    return "/login"


def with_query(url: str, params: dict[str, str]) -> str:
    joiner = "&" if urlsplit(url).query else "?"
    return url + joiner + urlencode(params)
