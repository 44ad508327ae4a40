"""A live fake GHE for the third-party client tests: one server per module, fresh state per test.

Real client libraries (github3.py, PyGithub, ghapi, @octokit/rest, curl) talk to it over a
socket exactly as they would to a GHE 2.18 appliance at ``http://HOST/api/v3``. No
``hostname`` is configured, so every ``url`` field follows the Host the client used; clients
such as PyGithub refuse URLs that point anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from fake_ghe import Store, create_app
from fake_ghe.server import LiveServer

OCTOCAT = ("octocat", "s3cret-Passw0rd")
HUBOT = ("hubot", "hubot-pass")  # two-factor by authenticator app
MONALISA = ("monalisa", "mona-pass")  # two-factor by SMS
HUBOT_TOTP_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"
MONALISA_TOTP_SECRET = "UWEFZI6PH6UHSKM2EXZKSOJD2SPRA777"

APP_CLIENT_ID = "abcde12345fghij67890"
APP_SECRET = "0123456789abcdef0123456789abcdef01234567"
APP_NAME = "my github app"
APP_URL = "http://my-github-app.com"
OTHER_CLIENT_ID = "0f0f0f0f0f0f0f0f0f0f"
OTHER_SECRET = "ffffffffffffffffffffffffffffffffffffffff"

PERSONAL_CLIENT_ID = "00000000000000000000"
BASIC_AUTH_ONLY = "This API can only be accessed with username and password Basic Auth"
OTP_REQUIRED = "Must specify two-factor authentication OTP code."


def seed(store: Store) -> None:
    """The people and apps every client test starts from (no tokens yet)."""
    store.add_user("octocat", OCTOCAT[1], name="The Octocat", email="octocat@example.com")
    store.add_user("hubot", HUBOT[1], two_factor={"type": "app", "totp_secret": HUBOT_TOTP_SECRET})
    store.add_user(
        "monalisa", MONALISA[1], two_factor={"type": "sms", "totp_secret": MONALISA_TOTP_SECRET}
    )
    store.add_app(APP_NAME, APP_URL, client_id=APP_CLIENT_ID, client_secret=APP_SECRET)
    store.add_app(
        "other app",
        "http://other.example.com",
        client_id=OTHER_CLIENT_ID,
        client_secret=OTHER_SECRET,
    )


@dataclass
class LiveGHE:
    """A running fake: its store (for seeding and checking state) and where clients reach it."""

    store: Store
    root_url: str
    errors: list[BaseException]

    @property
    def api_url(self) -> str:
        return self.root_url + "/api/v3"

    @property
    def host(self) -> str:
        return self.root_url.removeprefix("http://")


@pytest.fixture(scope="module")
def live_ghe() -> Iterator[LiveGHE]:
    store = Store()
    app = create_app(store)
    with LiveServer(app) as server:
        yield LiveGHE(store, server.root_url, app.extensions["fake_ghe"].errors)


def reseed(ghe: LiveGHE) -> LiveGHE:
    """Empty the fake and seed it again: ids start from 1."""
    ghe.store.reset()
    seed(ghe.store)
    ghe.errors.clear()
    return ghe


def raise_server_errors(ghe: LiveGHE) -> None:
    if ghe.errors:
        # A client made the fake fail with a 500: that is a bug in the fake, not the client.
        raise ghe.errors[0]


@pytest.fixture
def ghe(live_ghe: LiveGHE) -> Iterator[LiveGHE]:
    """The module's fake, emptied and reseeded for this test."""
    yield reseed(live_ghe)
    raise_server_errors(live_ghe)
