"""Raw httpx against a live fake, for the app endpoints no Python client wraps (reset, revoke a
grant).
"""

from __future__ import annotations

import httpx

from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    HUBOT,
    OCTOCAT,
    OTHER_CLIENT_ID,
    OTP_REQUIRED,
    LiveGHE,
)
from .python_clients_support import TOKEN

# ================================================================ httpx: the app endpoints


def test_httpx_app_reset_rotates_the_token(ghe: LiveGHE):
    auth = ghe.store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"], note="app")
    old = auth.token
    with httpx.Client(base_url=ghe.api_url, auth=(APP_CLIENT_ID, APP_SECRET)) as app:
        checked = app.get(f"/applications/{APP_CLIENT_ID}/tokens/{old}")
        reset = app.post(f"/applications/{APP_CLIENT_ID}/tokens/{old}")
        old_checked = app.get(f"/applications/{APP_CLIENT_ID}/tokens/{old}")

    assert checked.status_code == 200
    assert checked.json()["token"] == old and checked.json()["user"]["login"] == "octocat"
    assert reset.status_code == 200
    body = reset.json()
    assert (body["id"], body["url"]) == (auth.id, f"{ghe.api_url}/authorizations/{auth.id}")
    assert TOKEN.match(body["token"]) and body["token"] != old
    assert body["token_last_eight"] == body["token"][-8:]
    assert old_checked.status_code == 404
    assert ghe.store.authorization_by_token(old) is None
    assert ghe.store.authorization_by_token(body["token"]).id == auth.id

    with httpx.Client(base_url=ghe.api_url) as client:
        assert client.get("/user", headers={"Authorization": f"token {old}"}).status_code == 401
        fresh = client.get("/user", headers={"Authorization": f"token {body['token']}"})
    assert fresh.status_code == 200 and fresh.headers["X-OAuth-Scopes"] == "repo"


def test_httpx_app_revokes_a_token_and_a_grant(ghe: LiveGHE):
    store = ghe.store
    one = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"])
    two = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["gist"], fingerprint="2")
    three = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["gist"], fingerprint="3")
    hubots = store.add_authorization("hubot", APP_CLIENT_ID, scopes=["repo"])
    with httpx.Client(base_url=ghe.api_url, auth=(APP_CLIENT_ID, APP_SECRET)) as app:
        revoked = app.delete(f"/applications/{APP_CLIENT_ID}/tokens/{one.token}")
        grant_revoked = app.delete(f"/applications/{APP_CLIENT_ID}/grants/{two.token}")
        other_app = app.delete(f"/applications/{OTHER_CLIENT_ID}/tokens/{hubots.token}")

    assert (revoked.status_code, revoked.content) == (204, b"")
    assert (grant_revoked.status_code, grant_revoked.content) == (204, b"")
    assert other_app.status_code == 404  # credentials of another app than the path's
    # The grant took every octocat token of the app with it; hubot's grant is untouched.
    assert [a.id for a in store.authorizations()] == [hubots.id]
    assert three.id not in {a.id for a in store.authorizations()}
    assert [g.user_id for g in store.grants()] == [store.user("hubot").id]
    with httpx.Client(base_url=ghe.api_url, auth=OCTOCAT) as user:
        assert user.get(f"/authorizations/{one.id}").status_code == 404
        assert user.get("/applications/grants").json() == []


def test_httpx_two_factor_flow_as_documented(ghe: LiveGHE):
    body = {"scopes": ["public_repo"], "note": "test"}
    with httpx.Client(base_url=ghe.api_url, auth=HUBOT) as client:
        challenge = client.post("/authorizations", json=body)
        created = client.post(
            "/authorizations", json=body, headers={"X-GitHub-OTP": ghe.store.otp("hubot")}
        )

    assert challenge.status_code == 401
    assert challenge.headers["X-GitHub-OTP"] == "required; app"
    assert challenge.json()["message"] == OTP_REQUIRED
    assert created.status_code == 201
    assert created.headers["Location"] == created.json()["url"]
    assert ghe.store.authorization_by_token(created.json()["token"]).note == "test"
