"""The GHE API, one blueprint per area. Handlers parse, call the store, serialise."""

from __future__ import annotations

from flask import current_app, g, request

from ..model import OAuthApp, User
from ..runtime import Runtime
from ..serializers import Urls
from ..store import Store


def context() -> Runtime:
    """The runtime of the fake whose app is answering: store, faults, errors, config."""
    runtime: Runtime = current_app.extensions["fake_ghe"]
    return runtime


def store() -> Store:
    return context().store


def urls() -> Urls:
    config = context().config
    return Urls(config.web_root(request.host, request.scheme), config.api_prefix)


def current_user() -> User:
    """The user authenticated before routing (see fake_ghe.app)."""
    user: User = g.user
    return user


def current_oauth_app() -> OAuthApp:
    app: OAuthApp = g.oauth_app
    return app
