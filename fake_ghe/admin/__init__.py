"""The control surface of a running fake, under ``/_fake_ghe/``: a JSON admin API and a state page.

Neither is part of GHE: no GHE credentials, no faults, no entries in the call journal (see
``fake_ghe.app``). ``create_app`` registers them when ``Config.admin`` is true.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from ..api import FakeContext
    from ..scenario import Scenario

PREFIX = "/_fake_ghe"
EXTENSION = "fake_ghe_admin"


@dataclass
class Baseline:
    """What ``POST /_fake_ghe/reset`` returns the fake to: how it started.

    ``scenario`` is loaded again (None: an empty store); the clock is frozen at ``frozen_at``
    again, or back on real time when it is None.
    """

    scenario: Scenario | None = None
    frozen_at: datetime | None = None


@dataclass
class AdminState:
    baseline: Baseline
    # Every HTML form carries this; see guard.py for why.
    form_token: str


def register(app: Flask) -> None:
    """Add the admin API and state page to a fake's Flask app."""
    from . import api, pages

    fake: FakeContext = app.extensions["fake_ghe"]
    clock = fake.store.clock
    baseline = Baseline(frozen_at=clock.now() if clock.frozen else None)
    app.extensions[EXTENSION] = AdminState(baseline, secrets.token_urlsafe(32))
    app.register_blueprint(api.bp, url_prefix=PREFIX)
    app.register_blueprint(pages.bp, url_prefix=PREFIX)


def set_baseline(app: Flask, baseline: Baseline) -> None:
    """Say what reset returns to (the CLI: the --scenario it loaded and --freeze-time)."""
    app.extensions[EXTENSION].baseline = baseline


def admin_state() -> AdminState:
    return current_app.extensions[EXTENSION]
