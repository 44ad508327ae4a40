"""Fixtures for the core API tests: a seeded store, served in-process and over a socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response

from fake_ghe import Clock, Config, FakeGHE, Store, create_app
from fake_ghe.exchange import ANSWERED, Exchange
from fake_ghe.faults import FAULT_KEY
from fake_ghe.server import LiveServer

from . import openapi
from .admin_support import SCENARIO
from .support import Api, in_process, over_socket

APP_CLIENT_ID = "abcde12345fghij67890"
APP_SECRET = "0123456789abcdef0123456789abcdef01234567"
OTHER_CLIENT_ID = "0f0f0f0f0f0f0f0f0f0f"
OTHER_SECRET = "ffffffffffffffffffffffffffffffffffffffff"
TOTP_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"
START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)

# Where the fake says it lives, and GHE's error bodies, as tests compare them.
API = "https://ghe.example.com/api/v3"
DOCS = "https://developer.github.com/enterprise/2.18/v3"
NOT_FOUND = {"message": "Not Found", "documentation_url": DOCS}
BAD_CREDENTIALS = {"message": "Bad credentials", "documentation_url": DOCS}
REQUIRES_AUTH = {"message": "Requires authentication", "documentation_url": DOCS}
BASIC_ONLY = {
    "message": "This API can only be accessed with username and password Basic Auth",
    "documentation_url": f"{DOCS}/oauth_authorizations/#oauth-authorizations-api",
}
LOCKED = {
    "message": "Maximum number of login attempts exceeded. Please try again later.",
    "documentation_url": DOCS,
}
OTP_REQUIRED = {
    "message": "Must specify two-factor authentication OTP code.",
    "documentation_url": f"{DOCS}/auth#working-with-two-factor-authentication",
}


@pytest.fixture(autouse=True)
def every_answer_conforms() -> Iterator[None]:
    """Check every JSON body any fake in this process answers, whatever the transport.

    fake-ghe's ANSWERED signal sees in-process, responses-patched and live-server answers
    alike (pytester runs too); a body GHE could not have sent fails the test. Answers shaped
    by an injected fault are the test's own words and are not checked.
    """
    violations: list[str] = []

    def check(sender: Flask, exchange: Exchange, response: Response, **_: object) -> None:
        request = exchange.request
        if request.environ.get(FAULT_KEY) is not None:
            return
        prefix = exchange.runtime.config.api_prefix
        if not request.path.startswith(prefix + "/") or request.method == "HEAD":
            return
        if response.mimetype != "application/json" or not response.get_data():
            return
        try:
            openapi.validate(
                request.method,
                request.path[len(prefix) :],
                response.status_code,
                json.loads(response.get_data()),
            )
        except AssertionError as error:
            violations.append(str(error))

    ANSWERED.connect(check)
    try:
        yield
    finally:
        ANSWERED.disconnect(check)
    assert not violations, "\n".join(violations)


@pytest.fixture
def clock() -> Clock:
    return Clock(frozen_at=START)


@pytest.fixture
def store(clock: Clock) -> Store:
    """octocat (password), hubot (TOTP app), monalisa (TOTP sms), and two OAuth apps."""
    store = Store(seed=1234, clock=clock)
    store.add_user("octocat", "s3cret-Passw0rd", name="The Octocat", email="octocat@example.com")
    store.add_user("hubot", "hubot-pass", two_factor={"type": "app", "totp_secret": TOTP_SECRET})
    store.add_user("monalisa", "mona-pass", two_factor={"type": "sms", "totp_secret": TOTP_SECRET})
    store.add_app(
        "my github app",
        "http://my-github-app.com",
        client_id=APP_CLIENT_ID,
        client_secret=APP_SECRET,
    )
    store.add_app(
        "other app",
        "http://other.example.com",
        client_id=OTHER_CLIENT_ID,
        client_secret=OTHER_SECRET,
    )
    return store


@pytest.fixture
def flask_app(store: Store):
    return create_app(store, Config(hostname="ghe.example.com"))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in tmp_path, so a scenario written there is named plainly ``s.yaml`` in messages."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    """The admin tests' scenario (admin_support.SCENARIO) written to ``ghe.yaml``."""
    path = tmp_path / "ghe.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    """A FakeGHE frozen at START, intercepting ``requests``; modules may define their own."""
    with FakeGHE(frozen_at=START).intercept() as fake:
        yield fake


@pytest.fixture
def no_server_errors(flask_app: Any) -> Iterator[None]:
    """Any exception inside the fake is a bug, whatever status the test happened to check.

    Not autouse: the modules that want it say ``pytestmark = pytest.mark.usefixtures(...)``.
    """
    yield
    assert flask_app.extensions["fake_ghe"].errors == []


@pytest.fixture(params=["in-process", "socket"])
def api(request: pytest.FixtureRequest, flask_app) -> Iterator[Api]:
    """The fake's API, once through the Flask test client and once through a real socket."""
    if request.param == "in-process":
        yield in_process(flask_app)
        return
    with LiveServer(flask_app) as server:
        yield over_socket(server.root_url)


OCTOCAT = ("octocat", "s3cret-Passw0rd")
HUBOT = ("hubot", "hubot-pass")
MONALISA = ("monalisa", "mona-pass")
APP = (APP_CLIENT_ID, APP_SECRET)
OTHER_APP = (OTHER_CLIENT_ID, OTHER_SECRET)


def app_token(
    api: Api, app: tuple[str, str] = APP, auth: tuple[str, str] = OCTOCAT, **fields: Any
) -> dict[str, Any]:
    """Create a token of ``app`` for ``auth``'s user through the API; the 201 body."""
    body = {"client_id": app[0], "client_secret": app[1], **fields}
    answer = api.post("/authorizations", auth=auth, json_body=body)
    assert answer.status_code == 201, answer
    return answer.json()
