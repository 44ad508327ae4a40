"""A fake started as ``fake-ghe serve --scenario ... --freeze-time`` starts one, and its scenario's
names: what the admin API tests, the state page and the browser tests share.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from fake_ghe import Clock, Config, Store, create_app
from fake_ghe.admin import Baseline, set_baseline
from fake_ghe.scenario import load_scenario, parse_scenario_text

START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
CLIENT_ID = "abcde12345fghij67890"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef01234567"
OCTOCAT_APP_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f9001234567"
OCTOCAT_PAT = "feedfacecafebeef00112233445566778899aabb"
TOTP_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"

SCENARIO = f"""\
version: 1
users:
  - login: octocat
    password: s3cret-Passw0rd
    name: The Octocat
  - login: hubot
    password: hubot-pass
    two_factor: {{type: sms, totp_secret: {TOTP_SECRET}}}
oauth_apps:
  - name: my github app
    url: http://my-github-app.com
    client_id: {CLIENT_ID}
    client_secret: {CLIENT_SECRET}
authorizations:
  - user: octocat
    app: {CLIENT_ID}
    scopes: [repo, read:org]
    token: {OCTOCAT_APP_TOKEN}
  - user: octocat
    note: laptop
    scopes: [gist]
    token: {OCTOCAT_PAT}
"""
OCTOCAT = ("octocat", "s3cret-Passw0rd")


def basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def token_auth(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def make_fake(*, admin: bool = True, seed: int | None = 7) -> tuple[Flask, Store]:
    """A fake started the way ``fake-ghe serve --scenario ... --freeze-time`` starts one."""
    store = Store(seed=seed, clock=Clock(frozen_at=START))
    scenario = parse_scenario_text(SCENARIO, "ghe.yaml")
    app = create_app(store, Config(hostname="ghe.example.com", admin=admin))
    if admin:
        # Loads it: loading it first as well would make that first load's events a past the
        # journal keeps counting from (sequence numbers never restart).
        set_baseline(app, Baseline(scenario=scenario, frozen_at=START))
    else:
        load_scenario(store, scenario)
    return app, store


def post_json(client: FlaskClient, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body))


def state(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/_fake_ghe/state")
    assert answer.status_code == 200
    return answer.get_json()


# The scenario bodies that once crashed the reader (issue "One source of truth", item 5): each is
# a 422 naming its line, nothing loads, and the state stays readable.
CRASHERS = {
    "hex too long": "version: 0x" + "F" * 4000 + "\n",
    "sexagesimal too long": "version: " + ":".join(["59"] * 3000) + "\n",
    "timestamp tag": "version: !!timestamp x\n",
    "bool tag": "version: !!bool x\n",
    "empty int tag": "version: !!int\n",
    "tagged key": "!!bool authorizations: {}\n",
    "lone surrogate": 'users:\n  - login: "x\\ud800"\n    password: pw\n',
}
