"""The GHE API, one blueprint per area. Handlers parse, call the store, serialise."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from flask import Request

from ..exchange import current
from ..model import OAuthApp, User
from ..runtime import Runtime
from ..serializers import Urls
from ..store import Store

T = TypeVar("T")


def unproxied(proxy: T) -> T:
    """The object behind one of Flask's context proxies (``request``, ``g``, ``current_app``).

    Each use of a proxy is a context-variable lookup; the request path made about seventy per
    request. A hook or view that reads one many times takes the object once. Flask documents
    ``_get_current_object`` for this ("Notes On Proxies"); its stubs type the proxies as the
    objects themselves, hence the cast.
    """
    found: T = cast(Any, proxy)._get_current_object()
    return found


def context() -> Runtime:
    """The runtime of the fake whose app is answering: store, faults, errors, config."""
    return current().runtime


def current_request() -> Request:
    """The request being answered (Flask's ``request`` is not there for API views)."""
    return current().request


def store() -> Store:
    return current().runtime.store


def urls() -> Urls:
    exchange = current()
    req, config = exchange.request, exchange.runtime.config
    return Urls.of(config.web_root(req.host, req.scheme), config.api_prefix)


def current_user() -> User:
    """The user authenticated before routing (see fake_ghe.pipeline)."""
    user = current().user
    if user is None:  # the route's declaration (fake_ghe.api.routes) makes one sign in first
        raise RuntimeError("a view that takes a user ran without one signed in")
    return user


def current_oauth_app() -> OAuthApp:
    app = current().oauth_app
    if app is None:
        raise RuntimeError("a view that takes an app ran without one signed in")
    return app
