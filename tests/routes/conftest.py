"""The route table tests' fixture: path values that name real things in the seeded store.

It lives here, not in tests/conftest.py, because other modules have a ``seeded`` of their own.
"""

from __future__ import annotations

import pytest

from fake_ghe import Store

from ..conftest import APP_CLIENT_ID


@pytest.fixture
def seeded(store: Store) -> dict[str, str]:
    """Path values that name real things: a token of the app (and so a grant), id 1."""
    auth = store.add_authorization("octocat", APP_CLIENT_ID)
    assert auth.id == 1
    return {
        "client_id": APP_CLIENT_ID,
        "access_token": auth.token,
        "authorization_id": "1",
        "grant_id": "1",
        "fingerprint": "fp",
    }
