"""The fake's state and every change to it, behind one lock.

No HTTP and no YAML here: handlers parse requests into plain arguments, call a verb, and
serialise what comes back; errors are ``fake_ghe.errors`` domain errors. One job a module:
``state`` (records and indexes), ``world`` (what the rules ask of them), ``seeding`` (direct
seeding under ``fake_ghe.rules``), ``signin`` (passwords, lockout, TOTP), ``ratelimit``,
``verbs`` (what the API does).
"""

from __future__ import annotations

from ..errors import SeedError
from .ratelimit import RateLimit, RateLimits
from .seeding import Seeding
from .signin import secrets_equal
from .state import LOCKOUT_THRESHOLD, LOCKOUT_WINDOW
from .verbs import AuthorizationVerbs
from .webflow import WebFlow

__all__ = [
    "LOCKOUT_THRESHOLD",
    "LOCKOUT_WINDOW",
    "RateLimit",
    "SeedError",
    "Store",
    "secrets_equal",
]


class Store(AuthorizationVerbs, WebFlow, Seeding, RateLimits):
    """Users, OAuth apps, authorizations and grants of one fake GHE (see the modules above)."""
