"""fake-ghe: an in-memory fake of the GitHub Enterprise Server 2.18 OAuth Authorizations API."""

from __future__ import annotations

__version__ = "0.1.0"

from .app import create_app
from .clock import Clock
from .config import Config
from .errors import GHEError
from .model import Authorization, Grant, OAuthApp, TwoFactor, User
from .store import SeedError, Store

__all__ = [
    "Authorization",
    "Clock",
    "Config",
    "GHEError",
    "Grant",
    "OAuthApp",
    "SeedError",
    "Store",
    "TwoFactor",
    "User",
    "__version__",
    "create_app",
]
