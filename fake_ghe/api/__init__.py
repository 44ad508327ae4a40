"""The GHE API, one blueprint per area. Handlers parse, call the store, serialise."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, request

from ..config import Config
from ..faults import Faults
from ..model import OAuthApp, User
from ..serializers import Urls
from ..store import Store


@dataclass
class FakeContext:
    """What a Flask app of one fake carries: its store, its settings, and hooks."""

    store: Store
    config: Config
    # Exceptions that escaped a handler (a bug in the fake); the pytest plugin re-raises them.
    errors: list[BaseException] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)


def context() -> FakeContext:
    return current_app.extensions["fake_ghe"]


def store() -> Store:
    return context().store


def urls() -> Urls:
    config = context().config
    return Urls(config.web_root(request.host, request.scheme), config.api_prefix)


def current_user() -> User:
    """The user authenticated before routing (see fake_ghe.app)."""
    return g.user


def current_oauth_app() -> OAuthApp:
    return g.oauth_app
