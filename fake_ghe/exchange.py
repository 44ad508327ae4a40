"""``Exchange``: the request being answered and what the fake learns of it on the way.

One object per request, reached through ``current()`` by everything that answers it: the
authentication before a view, the view, the error handlers, the headers and the journal entry
after it. It is the fake's own, not Flask's ``g``: GHE API requests are answered without
Flask's request context (``fake_ghe.pipeline``, for speed), pages and the admin API with it,
and both hold the same ``Exchange``.

``ANSWERED`` is sent once per request with its final response, whichever way it was answered:
``fake-ghe serve`` logs from it, and the test suite checks every body against GHE's schema.
"""

from __future__ import annotations

import enum
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blinker import Namespace
from flask import Request

if TYPE_CHECKING:
    from flask import Flask

    from .api.routes import Access, Route
    from .model import Authorization, OAuthApp, User
    from .runtime import Runtime
    from .store import RateLimit

# Sent with the Flask app as sender, and ``exchange`` and ``response`` as keywords.
ANSWERED = Namespace().signal("fake-ghe answered")


class _Unset(enum.Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET


@dataclass(slots=True, eq=False)
class Exchange:
    """One request and its answer's making. Fields after ``request_id`` are filled in as
    the request goes: who it signed in as, its rate-limit budget, its route."""

    app: Flask
    runtime: Runtime
    request: Request
    request_id: int
    # Who signed in; on a failed sign-in who tried (the call journal's principal).
    principal: str | None = None
    rate_limit: RateLimit | None = None
    user: User | None = None
    token_authorization: Authorization | None = None
    oauth_app: OAuthApp | None = None
    # The credentials the request authenticated with, as its route declares them.
    access: Access | None = None
    # The request's route, once looked up (None: a path the fake lacks).
    route: Route | _Unset | None = UNSET


_CURRENT: ContextVar[Exchange] = ContextVar("fake_ghe_exchange")


def current() -> Exchange:
    """The exchange of the request being answered on this thread."""
    try:
        return _CURRENT.get()
    except LookupError:
        raise RuntimeError("no fake-ghe request is being answered here") from None


def enter(exchange: Exchange) -> Token[Exchange]:
    """Make ``exchange`` the current one, until ``leave`` with what this returns."""
    return _CURRENT.set(exchange)


def leave(token: Token[Exchange]) -> None:
    _CURRENT.reset(token)
