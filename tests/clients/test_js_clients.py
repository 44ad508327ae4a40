"""@octokit/rest 16 and @octokit/auth-basic, run by node, through the whole token lifecycle.

The node side (tests/clients/js/lifecycle.js) checks each answer as the client library sees
it and prints what it observed; this side checks that record and the fake's state afterwards.
Its packages come from ``npm ci --prefix tests/clients/js`` (pinned in package-lock.json).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    BASIC_AUTH_ONLY,
    HUBOT,
    HUBOT_TOTP_SECRET,
    OCTOCAT,
    PERSONAL_CLIENT_ID,
    LiveGHE,
    raise_server_errors,
    reseed,
)

JS_DIR = Path(__file__).parent / "js"
SCRIPT = JS_DIR / "lifecycle.js"
TOKEN = re.compile(r"^[0-9a-f]{40}$")


class Missing(Exception):
    """Something the JavaScript run needs is not installed."""


def run_lifecycle(ghe: LiveGHE) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise Missing("node is not on PATH: the JavaScript client tests need Node.js 18 or later")
    if not (JS_DIR / "node_modules" / "@octokit" / "rest").is_dir():
        raise Missing(
            "tests/clients/js/node_modules is missing: run `npm ci --prefix tests/clients/js` "
            "to install the pinned JavaScript clients"
        )
    seed = {
        "octocat": list(OCTOCAT),
        "hubot": list(HUBOT),
        "hubot_totp_secret": HUBOT_TOTP_SECRET,
        "app": {"client_id": APP_CLIENT_ID, "client_secret": APP_SECRET},
    }
    done = subprocess.run(
        [node, str(SCRIPT), ghe.api_url],
        cwd=JS_DIR,
        env={**os.environ, "FAKE_GHE_SEED": json.dumps(seed)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    assert done.returncode == 0 and report.get("ok"), (
        f"lifecycle.js failed at step {report.get('failed')!r} (exit {done.returncode})\n"
        f"stdout: {done.stdout}\nstderr: {done.stderr}"
    )
    return report["observed"]


@pytest.fixture(scope="module")
def lifecycle(live_ghe: LiveGHE) -> tuple[LiveGHE, dict[str, Any] | Missing]:
    """One run of the node script (about a second) against a freshly seeded fake.

    The tests below only read what it observed and the state it left.
    """
    reseed(live_ghe)
    try:
        observed: dict[str, Any] | Missing = run_lifecycle(live_ghe)
    except Missing as missing:
        observed = missing
    raise_server_errors(live_ghe)
    return live_ghe, observed


def result(lifecycle: tuple[LiveGHE, dict[str, Any] | Missing]) -> tuple[LiveGHE, dict[str, Any]]:
    ghe, observed = lifecycle
    if isinstance(observed, Missing):
        # A failure, not a skip: CI must install the clients (`npm ci`) for these to count.
        pytest.fail(str(observed), pytrace=False)
    return ghe, observed


def test_octokit_creates_lists_gets_updates_and_deletes(lifecycle):
    ghe, seen = result(lifecycle)
    assert seen["create"]["id"] == 1
    assert TOKEN.match(seen["create"]["token"])
    assert seen["create"]["app"] == {
        "client_id": PERSONAL_CLIENT_ID,
        "name": "octokit script",
        "url": "https://developer.github.com/enterprise/2.18/v3/oauth_authorizations/",
    }
    assert seen["list"] == [1]
    assert seen["get"] == {"status": 200, "etag": True}
    assert seen["update"] == {"scopes": ["gist", "user"], "note": "octokit renamed"}
    # Three more personal tokens, listed two per page through the Link header.
    assert seen["paginate"] == [1, 4, 5, 6]
    assert seen["delete"] == {"status": 204, "get_after": 404}
    assert ghe.store.authorization(1) is None


def test_octokit_get_or_create_and_grants(lifecycle):
    _, seen = result(lifecycle)
    assert seen["get_or_create_for_app"] == {"id": 2, "statuses": [201, 200]}
    assert seen["get_or_create_for_fingerprint"] == {"id": 3, "fingerprint": "js-laptop"}
    # One grant for the app, its scopes the union of its two tokens'.
    assert seen["grants"] == {"id": 1, "scopes": ["public_repo", "user"]}


def test_octokit_app_checks_resets_and_revokes(lifecycle):
    ghe, seen = result(lifecycle)
    assert seen["app_check"] == {"status": 200, "user": "octocat"}
    reset = seen["app_reset"]
    assert (reset["status"], reset["id"]) == (200, 2)
    assert TOKEN.match(reset["token"]) and reset["token"] != reset["old"]
    assert seen["app_revoke"] == {"status": 204, "check_after": 404}
    assert ghe.store.authorization_by_token(reset["old"]) is None
    assert ghe.store.authorization_by_token(reset["token"]) is None
    # @octokit/rest 16 sends client credentials as query parameters for the grant route;
    # GHE 2.18 answers that with 404. With Basic credentials the grant is revoked.
    assert seen["app_revoke_grant"] == {"query_credentials": 404, "status": 204, "grants_after": 0}
    assert ghe.store.authorization(3) is None
    assert ghe.store.grants() == []


def test_octokit_token_reads_the_user_but_cannot_manage_tokens(lifecycle):
    _, seen = result(lifecycle)
    assert seen["token_client"] == {
        "login": "octocat",
        "scopes": "repo, user",
        "list_status": 403,
        "list_message": BASIC_AUTH_ONLY,
    }


def test_octokit_two_factor_challenge_and_on2fa(lifecycle):
    ghe, seen = result(lifecycle)
    assert seen["two_factor_without_on2fa"] == {"status": 401, "otp": "required; app"}
    # on2fa is asked once: the code is reused by the list request that follows.
    assert seen["two_factor_on2fa"] == {"status": 201, "id": 8, "asked": 1, "listed": [8]}
    assert ghe.store.authorization(8).note == "hubot octokit"


def test_auth_basic_probes_two_factor_then_creates_a_token(lifecycle):
    ghe, seen = result(lifecycle)
    # The PATCH /authorizations probe: 401 with the OTP header, then 404 with the code.
    assert seen["auth_basic_probe"] == {"type": "basic", "asked": 1}
    made = seen["auth_basic_token"]
    assert made["id"] == 9 and TOKEN.match(made["token"])
    assert made["login"] == "hubot"
    assert made["scopes"] == "user"
    assert made["listed"] == ["hubot octokit", "auth-basic token"]
    assert made["asked"] == 1
    stored = ghe.store.authorization_by_token(made["token"])
    assert stored is not None
    assert (stored.note, stored.note_url, stored.scopes) == (
        "auth-basic token",
        "https://github.com/octokit/auth-basic.js#readme",
        ("user",),
    )


def test_auth_basic_default_token_is_named_after_its_fingerprint(lifecycle):
    ghe, seen = result(lifecycle)
    assert seen["auth_basic_defaults"] == {"id": 10, "type": "token"}
    stored = ghe.store.authorization(10)
    assert stored.fingerprint
    assert re.fullmatch(rf"octokit \d{{4}}-\d\d-\d\d {re.escape(stored.fingerprint)}", stored.note)


def test_state_after_the_whole_run(lifecycle):
    ghe, _ = result(lifecycle)
    store = ghe.store
    left = [(store.user_by_id(a.user_id).login, a.id) for a in store.authorizations()]
    assert left == [
        ("octocat", 4),
        ("octocat", 5),
        ("octocat", 6),
        ("octocat", 7),
        ("hubot", 8),
        ("hubot", 9),
        ("octocat", 10),
    ]
    assert all(a.client_id is None for a in store.authorizations())
