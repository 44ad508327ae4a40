"""The GHE 2.18 documentation's curl samples against ``fake-ghe serve --scenario``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyotp

from .conftest import (
    APP_CLIENT_ID,
    APP_NAME,
    APP_SECRET,
    APP_URL,
    HUBOT,
    HUBOT_TOTP_SECRET,
)
from .curl_support import TOKEN, curl, user

REPO_ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- `fake-ghe serve --scenario`


SCENARIO = f"""\
version: 1
users:
  - login: hubot
    password: {HUBOT[1]}
    two_factor:
      type: app
      totp_secret: {HUBOT_TOTP_SECRET}
oauth_apps:
  - name: {APP_NAME}
    url: {APP_URL}
    client_id: {APP_CLIENT_ID}
    client_secret: {APP_SECRET}
"""


def test_samples_against_the_serve_command(tmp_path: Path):
    """The way users run it: ``fake-ghe serve --scenario FILE``, then the docs' samples."""
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO)
    server = subprocess.Popen(
        [sys.executable, "-m", "fake_ghe", "serve", "--scenario", str(scenario), "--port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        api = json.loads(server.stdout.readline())["api_url"]
        body = '{"scopes": ["public_repo"], "note": "test"}'
        challenge = curl("-u", user(HUBOT), "-d", body, f"{api}/authorizations")
        created = curl(
            "-u",
            user(HUBOT),
            "-d",
            body,
            f"{api}/authorizations",
            "-H",
            f"X-GitHub-OTP: {pyotp.TOTP(HUBOT_TOTP_SECRET).now()}",
        )
        token = created.json()["token"]
        me = curl("-H", f"Authorization: token {token}", f"{api}/user")
        checked = curl(
            "-u",
            f"{APP_CLIENT_ID}:{APP_SECRET}",
            f"{api}/applications/{APP_CLIENT_ID}/tokens/{token}",
        )
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert (challenge.status, challenge.headers["x-github-otp"]) == (401, "required; app")
    assert created.status == 201 and TOKEN.match(token)
    assert created.headers["location"] == f"{api}/authorizations/1"
    assert (me.status, me.json()["login"], me.headers["x-oauth-scopes"]) == (
        200,
        "hubot",
        "public_repo",
    )
    assert checked.status == 404  # a personal token is no app's token
