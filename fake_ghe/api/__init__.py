"""The GHE API, one blueprint per area. Handlers parse, call the store, serialise."""

from __future__ import annotations

from flask import Request

from ..exchange import current
from ..model import OAuthApp, User
from ..runtime import Runtime
from ..serializers import Urls
from ..store import Store


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
