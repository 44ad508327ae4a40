"""The control surface of a running fake, under ``/_fake_ghe/``: a JSON admin API and a state page.

Neither is part of GHE: no GHE credentials, no faults, no entries in the call journal (see
``fake_ghe.pipeline``). ``create_app`` registers them when ``Config.admin`` is true.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Flask, current_app

from ..runtime import Baseline, Runtime

__all__ = [
    "EXTENSION",
    "PREFIX",
    "AdminState",
    "Baseline",
    "admin_state",
    "register",
    "set_baseline",
]

PREFIX = "/_fake_ghe"
EXTENSION = "fake_ghe_admin"


@dataclass
class AdminState:
    # Every HTML form carries this; see guard.py for why.
    form_token: str


def register(app: Flask) -> None:
    """Add the admin API and state page to a fake's Flask app."""
    from . import api, pages

    app.extensions[EXTENSION] = AdminState(secrets.token_urlsafe(32))
    app.register_blueprint(api.bp, url_prefix=PREFIX)
    app.register_blueprint(pages.bp, url_prefix=PREFIX)


def set_baseline(app: Flask, baseline: Baseline) -> None:
    """Make ``baseline`` what ``POST /_fake_ghe/reset`` returns to, and reset to it now
    (``Runtime.rebase`` of the app's runtime)."""
    runtime: Runtime = app.extensions["fake_ghe"]
    runtime.rebase(baseline)


def admin_state() -> AdminState:
    state: AdminState = current_app.extensions[EXTENSION]
    return state
