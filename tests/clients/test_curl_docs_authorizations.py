"""The GHE 2.18 documentation's OAuth Authorizations API curl samples, run with real curl
against a live fake.

Samples come from the OAuth Authorizations API page (list, get, create, get-or-create, update,
delete, check, reset, revoke, grants). Where a sample says ``-u username`` curl would prompt for
the password; ``-u username:password`` sends the same header without a terminal. The
overview's authentication samples are in ``test_curl_docs_authentication.py``.
"""

from __future__ import annotations

import base64
import json

from .conftest import (
    APP_CLIENT_ID,
    APP_NAME,
    APP_SECRET,
    APP_URL,
    HUBOT,
    OCTOCAT,
    OTP_REQUIRED,
    LiveGHE,
)
from .curl_support import DOCS, TOKEN, curl, user

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
