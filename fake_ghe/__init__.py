"""fake-ghe: an in-memory fake of the GitHub Enterprise Server 2.18 OAuth Authorizations API."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names and the module each lives in. They are imported on first use, so that
# `fake-ghe check` or `--version` does not pay for Flask and friends. (PEP 562)
_EXPORTS = {
    "Authorization": "model",
    "Clock": "clock",
    "Config": "config",
    "FakeGHE": "fake",
    "FakeServerError": "fake",
    "DomainError": "errors",
    "FakeGHEError": "errors",
    "GHEError": "http_errors",
    "InvalidInput": "errors",
    "NotFound": "errors",
    "ScenarioError": "scenario",
    "Grant": "model",
    "OAuthApp": "model",
    "SeedError": "store",
    "Store": "store",
    "TwoFactor": "model",
    "User": "model",
    "create_app": "app",
}

__all__ = [
    "Authorization",
    "Clock",
    "Config",
    "DomainError",
    "FakeGHE",
    "FakeGHEError",
    "FakeServerError",
    "GHEError",
    "Grant",
    "InvalidInput",
    "NotFound",
    "OAuthApp",
    "ScenarioError",
    "SeedError",
    "Store",
    "TwoFactor",
    "User",
    "__version__",
    "create_app",
]

if TYPE_CHECKING:
    from .app import create_app
    from .clock import Clock
    from .config import Config
    from .errors import DomainError, FakeGHEError, InvalidInput, NotFound
    from .fake import FakeGHE, FakeServerError
    from .http_errors import GHEError
    from .model import Authorization, Grant, OAuthApp, TwoFactor, User
    from .scenario import ScenarioError
    from .store import SeedError, Store


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fake_ghe' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
