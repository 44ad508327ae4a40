"""The GHE API, one blueprint per area. Handlers parse, call the store, serialise."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from flask import current_app, g, request

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
    runtime: Runtime = current_app.extensions["fake_ghe"]
    return runtime


def store() -> Store:
    return context().store


def urls() -> Urls:
    config = context().config
    return Urls.of(config.web_root(request.host, request.scheme), config.api_prefix)


def current_user() -> User:
    """The user authenticated before routing (see fake_ghe.app)."""
    user: User = g.user
    return user


def current_oauth_app() -> OAuthApp:
    app: OAuthApp = g.oauth_app
    return app
