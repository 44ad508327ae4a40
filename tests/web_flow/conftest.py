"""The web flow tests' fixtures: a store with one app that has a callback URL, and its client.

They live here, not in tests/conftest.py, because this ``store`` must not replace the seeded
``store`` every other test module uses.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from fake_ghe import Clock, Config, Store, create_app

from ..conftest import START, TOTP_SECRET
from ..web_flow_support import CALLBACK, CLIENT_ID, SECRET


@pytest.fixture
def store() -> Store:
    store = Store(clock=Clock(frozen_at=START))
    store.add_user("octocat", "s3cret", email="octocat@example.com")
    store.add_user("hubot", "hubot-pass", two_factor={"type": "app", "totp_secret": TOTP_SECRET})
    store.add_app("my app", client_id=CLIENT_ID, client_secret=SECRET, callback_url=CALLBACK)
    return store


@pytest.fixture
def client(store: Store) -> FlaskClient:
    return create_app(store, Config(hostname="ghe.example.com")).test_client()
