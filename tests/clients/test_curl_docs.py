"""The GHE 2.18 documentation's own curl samples, run with real curl against a live fake.

Samples come from the 2.18 REST API v3 overview (authentication, failed login limit,
parameters, root endpoint, conditional requests), "Other authentication methods" (tokens,
two-factor) and the OAuth Authorizations API page. Where a sample says ``-u username`` curl
would prompt for the password; ``-u username:password`` sends the same header without a
terminal. ``[hostname]`` is the fake's ``127.0.0.1:PORT`` and ``http`` stands for ``http(s)``.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest

from .conftest import (
    APP_CLIENT_ID,
    APP_NAME,
    APP_SECRET,
    APP_URL,
    BASIC_AUTH_ONLY,
    HUBOT,
    HUBOT_TOTP_SECRET,
    OCTOCAT,
    OTP_REQUIRED,
    LiveGHE,
)

DOCS = "https://developer.github.com/enterprise/2.18/v3"
TOKEN = re.compile(r"^[0-9a-f]{40}$")
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Reply:
    """What ``curl -i`` printed: the status line, the headers, the body."""

    status: int
    reason: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def curl(*args: str) -> Reply:
    program = shutil.which("curl")
    if program is None:
        pytest.fail("curl is not installed: the documentation samples need it")
    done = subprocess.run(
        [program, "--silent", "--show-error", "--include", "--max-time", "10", *args],
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr.decode()
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    _, code, reason = status_line.split(" ", 2)
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(code), reason, headers, body)


def user(credentials: tuple[str, str]) -> str:
    return ":".join(credentials)


# ---------------------------------------------------------------- OAuth Authorizations API


def test_create_a_new_authorization(ghe: LiveGHE):
    # curl -u username -d '{"scopes":["public_repo"],"note":"admin script"}' .../authorizations
    reply = curl(
        "-u",
        user(OCTOCAT),
        "-d",
        '{"scopes":["public_repo"],"note":"admin script"}',
        f"{ghe.api_url}/authorizations",
    )

    assert (reply.status, reply.reason) == (201, "Created")
    body = reply.json()
    assert reply.headers["location"] == body["url"] == f"{ghe.api_url}/authorizations/1"
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert reply.headers["x-github-enterprise-version"] == "2.18.0"
    assert TOKEN.match(body["token"])
    assert (body["scopes"], body["note"], body["fingerprint"]) == (
        ["public_repo"],
        "admin script",
        None,
    )
    stored = ghe.store.authorization_by_token(body["token"])
    assert stored is not None and stored.note == "admin script"


def test_parameters_sample_without_a_note_is_refused(ghe: LiveGHE):
    # The overview's "Parameters" sample predates required notes: 2.18 answered 422.
    # curl -i -u username -d '{"scopes":["public_repo"]}' .../authorizations
    reply = curl(
        "-u", user(OCTOCAT), "-d", '{"scopes":["public_repo"]}', f"{ghe.api_url}/authorizations"
    )

    assert (reply.status, reply.reason) == (422, "Unprocessable Entity")
    assert reply.json()["message"] == "Validation Failed"
    assert reply.json()["errors"] == [
        {"resource": "OauthAccess", "code": "missing_field", "field": "description"}
    ]
    assert ghe.store.authorizations() == []


def test_two_factor_sample_challenge_then_code(ghe: LiveGHE):
    # curl --request POST --url .../authorizations --header 'authorization: Basic PASSWORD'
    #   --header 'content-type: application/json' --header 'x-github-otp: OTP'
    #   --data '{"scopes": ["public_repo"], "note": "test"}'
    credentials = base64.b64encode(user(HUBOT).encode()).decode()
    sample = [
        "--request",
        "POST",
        "--url",
        f"{ghe.api_url}/authorizations",
        "--header",
        f"authorization: Basic {credentials}",
        "--header",
        "content-type: application/json",
        "--data",
        '{"scopes": ["public_repo"], "note": "test"}',
    ]

    challenge = curl(*sample)
    created = curl(*sample, "--header", f"x-github-otp: {ghe.store.otp('hubot')}")

    assert (challenge.status, challenge.reason) == (401, "Unauthorized")
    assert challenge.headers["x-github-otp"] == "required; app"
    assert challenge.json() == {
        "message": OTP_REQUIRED,
        "documentation_url": f"{DOCS}/auth#working-with-two-factor-authentication",
    }
    assert created.status == 201
    assert TOKEN.match(created.json()["token"])
    assert [a.note for a in ghe.store.authorizations()] == ["test"]


def test_list_get_update_and_delete(ghe: LiveGHE):
    made = ghe.store.add_authorization("octocat", scopes=["repo"], note="curl")
    url = f"{ghe.api_url}/authorizations"

    listed = curl("-u", user(OCTOCAT), url)
    got = curl("-u", user(OCTOCAT), f"{url}/{made.id}")
    updated = curl(
        "-u", user(OCTOCAT), "-X", "PATCH", "-d", '{"add_scopes":["gist"]}', f"{url}/{made.id}"
    )
    deleted = curl("-u", user(OCTOCAT), "-X", "DELETE", f"{url}/{made.id}")
    gone = curl("-u", user(OCTOCAT), f"{url}/{made.id}")

    assert [(a["id"], a["token"]) for a in listed.json()] == [(made.id, "")]
    assert got.json()["token_last_eight"] == made.token[-8:]
    assert updated.status == 200 and updated.json()["scopes"] == ["repo", "gist"]
    assert (deleted.status, deleted.reason, deleted.body) == (204, "No Content", b"")
    assert (gone.status, gone.json()["message"]) == (404, "Not Found")
    assert ghe.store.authorizations() == []


def test_get_or_create_for_an_app_and_fingerprint(ghe: LiveGHE):
    body = json.dumps(
        {"client_secret": APP_SECRET, "scopes": ["public_repo"], "note": "admin script"}
    )
    url = f"{ghe.api_url}/authorizations/clients/{APP_CLIENT_ID}"

    created = curl("-u", user(OCTOCAT), "-X", "PUT", "-d", body, url)
    existing = curl("-u", user(OCTOCAT), "-X", "PUT", "-d", body, url)
    by_print = curl("-u", user(OCTOCAT), "-X", "PUT", "-d", body, f"{url}/jklmnop12345678")

    assert created.status == 201 and TOKEN.match(created.json()["token"])
    assert created.json()["app"] == {"client_id": APP_CLIENT_ID, "name": APP_NAME, "url": APP_URL}
    assert existing.status == 200
    assert (existing.json()["id"], existing.json()["token"]) == (created.json()["id"], "")
    assert "location" not in existing.headers
    assert by_print.status == 201 and by_print.json()["fingerprint"] == "jklmnop12345678"
    assert [a.fingerprint for a in ghe.store.authorizations()] == [None, "jklmnop12345678"]


def test_app_checks_resets_and_revokes_with_client_credentials(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"]).token
    app = f"{APP_CLIENT_ID}:{APP_SECRET}"
    tokens = f"{ghe.api_url}/applications/{APP_CLIENT_ID}/tokens"

    checked = curl("-u", app, f"{tokens}/{token}")
    reset = curl("-u", app, "-X", "POST", f"{tokens}/{token}")
    new = reset.json()["token"]
    old_checked = curl("-u", app, f"{tokens}/{token}")
    revoked = curl("-u", app, "-X", "DELETE", f"{tokens}/{new}")
    new_checked = curl("-u", app, f"{tokens}/{new}")
    wrong_secret = curl("-u", f"{APP_CLIENT_ID}:{'0' * 40}", f"{tokens}/{token}")

    assert checked.status == 200
    assert checked.json()["token"] == token and checked.json()["user"]["login"] == "octocat"
    assert reset.status == 200 and TOKEN.match(new) and new != token
    assert old_checked.status == 404
    assert (revoked.status, revoked.body) == (204, b"")
    assert new_checked.status == 404
    assert wrong_secret.status == 404
    assert ghe.store.authorizations() == []


def test_grants_listed_and_revoked(ghe: LiveGHE):
    first = ghe.store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"])
    ghe.store.add_authorization("hubot", APP_CLIENT_ID, scopes=["gist"])
    grants = f"{ghe.api_url}/applications/grants"

    listed = curl("-u", user(OCTOCAT), grants)
    [grant] = listed.json()
    got = curl("-u", user(OCTOCAT), f"{grants}/{grant['id']}")
    deleted = curl("-u", user(OCTOCAT), "-X", "DELETE", f"{grants}/{grant['id']}")
    # The app revokes hubot's grant, naming it by one of hubot's tokens.
    hubot_token = ghe.store.authorizations()[0].token
    by_app = curl(
        "-u",
        f"{APP_CLIENT_ID}:{APP_SECRET}",
        "-X",
        "DELETE",
        f"{ghe.api_url}/applications/{APP_CLIENT_ID}/grants/{hubot_token}",
    )

    assert grant["app"] == {"client_id": APP_CLIENT_ID, "name": APP_NAME, "url": APP_URL}
    assert grant["scopes"] == ["repo"]
    assert got.json() == grant
    assert (deleted.status, by_app.status) == (204, 204)
    assert ghe.store.authorization(first.id) is None
    assert ghe.store.authorizations() == [] and ghe.store.grants() == []


# ---------------------------------------------------------------- authentication


def test_token_in_basic_auth_and_in_the_header(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo", "user"], note="cli").token

    # curl -u username:token http(s)://[hostname]/api/v3/user
    as_password = curl("-u", f"octocat:{token}", f"{ghe.api_url}/user")
    # curl -H "Authorization: token OAUTH-TOKEN" http(s)://[hostname]/api/v3/user
    in_header = curl("-H", f"Authorization: token {token}", f"{ghe.api_url}/user")
    # curl -u username http(s)://[hostname]/api/v3/user
    with_password = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user")

    for reply in (as_password, in_header, with_password):
        assert reply.status == 200 and reply.json()["login"] == "octocat"
    assert (
        as_password.headers["x-oauth-scopes"]
        == in_header.headers["x-oauth-scopes"]
        == ("repo, user")
    )
    assert "x-oauth-scopes" not in with_password.headers


def test_token_cannot_use_the_authorizations_api(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo"], note="cli").token

    reply = curl("-H", f"Authorization: token {token}", f"{ghe.api_url}/authorizations")

    assert (reply.status, reply.reason) == (403, "Forbidden")
    assert reply.json()["message"] == BASIC_AUTH_ONLY


def test_failed_login_limit(ghe: LiveGHE):
    # curl -i http(s)://[hostname]/api/v3 -u foo:bar
    bad = curl(ghe.api_url, "-u", "foo:bar")

    assert (bad.status, bad.reason) == (401, "Unauthorized")
    assert bad.json() == {"message": "Bad credentials", "documentation_url": DOCS}
    assert "x-github-otp" not in bad.headers

    for _ in range(ghe.store.lockout_threshold):
        assert curl(ghe.api_url, "-u", "octocat:wrong").status == 401
    # curl -i http(s)://[hostname]/api/v3 -u valid_username:valid_password
    locked = curl(ghe.api_url, "-u", user(OCTOCAT))

    assert (locked.status, locked.reason) == (403, "Forbidden")
    assert locked.json() == {
        "message": "Maximum number of login attempts exceeded. Please try again later.",
        "documentation_url": DOCS,
    }
    assert curl("-u", user(OCTOCAT), f"{ghe.api_url}/authorizations").status == 403


def test_oauth_app_key_and_secret_only_identify_the_app(ghe: LiveGHE):
    # curl -u my_client_id:my_client_secret 'http(s)://[hostname]/api/v3/user/repos'
    # The fake serves no /user/repos: what matters is that the app's credentials are not
    # refused as bad ones, and that a wrong secret is.
    app = f"{APP_CLIENT_ID}:{APP_SECRET}"
    repos = curl("-u", app, f"{ghe.api_url}/user/repos")
    meta = curl("-u", app, f"{ghe.api_url}/meta")
    wrong = curl("-u", f"{APP_CLIENT_ID}:{'0' * 40}", f"{ghe.api_url}/meta")

    assert (repos.status, repos.json()["message"]) == (404, "Not Found")
    assert meta.status == 200
    assert (wrong.status, wrong.json()["message"]) == (401, "Bad credentials")


def test_conditional_requests(ghe: LiveGHE):
    # curl -i http(s)://[hostname]/api/v3/user, then again with If-None-Match and with
    # If-Modified-Since set from the first answer.
    first = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user")
    by_etag = curl(
        "-u", user(OCTOCAT), f"{ghe.api_url}/user", "-H", f"If-None-Match: {first.headers['etag']}"
    )
    by_date = curl(
        "-u",
        user(OCTOCAT),
        f"{ghe.api_url}/user",
        "-H",
        f"If-Modified-Since: {first.headers['last-modified']}",
    )

    assert first.status == 200
    assert (by_etag.status, by_etag.reason, by_etag.body) == (304, "Not Modified", b"")
    assert (by_date.status, by_date.body) == (304, b"")
    assert by_etag.headers["etag"] == first.headers["etag"]


def test_cross_origin_resource_sharing(ghe: LiveGHE):
    origin = ["-H", "Origin: http://example.com"]
    # curl -i http(s)://[hostname]/api/v3 -H "Origin: http://example.com" -X OPTIONS
    preflight = curl(ghe.api_url, *origin, "-X", "OPTIONS")
    preflight_deep = curl(
        f"{ghe.api_url}/authorizations",
        *origin,
        "-X",
        "OPTIONS",
        "-H",
        "Access-Control-Request-Method: POST",
    )
    # A browser's request itself (the sample's root has no route in the fake: /user here).
    simple = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user", *origin)
    same_without_origin = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user")

    for reply in (preflight, preflight_deep):
        assert (reply.status, reply.body) == (204, b"")
        assert reply.headers["access-control-allow-origin"] == "*"
        assert reply.headers["access-control-allow-methods"] == "GET, POST, PATCH, PUT, DELETE"
        assert "X-GitHub-OTP" in reply.headers["access-control-allow-headers"].split(", ")
        assert reply.headers["access-control-max-age"] == "86400"
    assert simple.status == 200
    assert simple.headers["access-control-allow-origin"] == "*"
    exposed = simple.headers["access-control-expose-headers"].split(", ")
    assert {"ETag", "Link", "X-GitHub-OTP", "X-OAuth-Scopes"} <= set(exposed)
    assert "access-control-allow-origin" not in same_without_origin.headers
    assert ghe.store.authorizations() == []


def test_meta(ghe: LiveGHE):
    reply = curl(f"{ghe.api_url}/meta")

    assert reply.json() == {
        "verifiable_password_authentication": True,
        "installed_version": "2.18.0",
    }


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
