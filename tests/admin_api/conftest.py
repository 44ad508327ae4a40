"""The admin API tests' fixtures: one fake started from the admin scenario, its client and store.

They live here, not in tests/conftest.py, because ``store`` here is that fake's store and must
not replace the seeded ``store`` every other test module uses.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fake_ghe import Store

from ..admin_support import make_fake


@pytest.fixture
def fake() -> tuple[Flask, Store]:
    return make_fake()


@pytest.fixture
def client(fake: tuple[Flask, Store]) -> FlaskClient:
    return fake[0].test_client()


@pytest.fixture
def store(fake: tuple[Flask, Store]) -> Store:
    return fake[1]
