"""GET /user (every way GHE accepted credentials there) and GET /meta (no auth at all)."""

from __future__ import annotations

import base64

import pyotp
import pytest

from fake_ghe import Store

from .conftest import (
    APP_CLIENT_ID,
    BAD_CREDENTIALS,
    HUBOT,
    OCTOCAT,
    OTP_REQUIRED,
    REQUIRES_AUTH,
    START,
    TOTP_SECRET,
)
from .support import Api, basic


def new_token(store: Store, scopes: list[str], login: str = "octocat") -> str:
    return store.add_authorization(login, APP_CLIENT_ID, scopes=scopes).token


def assert_octocat(answer) -> None:
    assert answer.status_code == 200, answer
    body = answer.json()
    assert (body["login"], body["id"], body["name"], body["email"]) == (
        "octocat",
        1,
        "The Octocat",
        "octocat@example.com",
    )
    assert body["url"] == "https://ghe.example.com/api/v3/users/octocat"
    assert body["two_factor_authentication"] is False


# ---------------------------------------------------------------- ways to authenticate


@pytest.mark.parametrize("scheme", ["token", "Bearer", "bearer", "TOKEN"])
def test_token_in_authorization_header(api, store, scheme):
    token = new_token(store, ["repo", "user"])

    answer = api.get("/user", headers={"Authorization": f"{scheme} {token}"})

    assert_octocat(answer)
    assert answer.headers["X-OAuth-Scopes"] == "repo, user"


def test_basic_login_and_token(api, store):
    token = new_token(store, ["gist"])

    answer = api.get("/user", auth=("octocat", token))

    assert_octocat(answer)
    assert answer.headers["X-OAuth-Scopes"] == "gist"


def test_basic_login_and_password_carries_no_scopes_header(api):
    answer = api.get("/user", auth=OCTOCAT)

    assert_octocat(answer)
    assert "X-OAuth-Scopes" not in answer.headers


def test_login_is_matched_case_insensitively(api):
    answer = api.get("/user", auth=("OctoCat", OCTOCAT[1]))

    assert_octocat(answer)


def test_two_factor_user_needs_a_code_with_a_password(api):
    refused = api.get("/user", auth=HUBOT)
    assert (refused.status_code, refused.json()) == (401, OTP_REQUIRED)
    assert refused.headers["X-GitHub-OTP"] == "required; app"

    code = pyotp.TOTP(TOTP_SECRET).at(START)
    answer = api.get("/user", auth=HUBOT, headers={"X-GitHub-OTP": code})

    assert answer.status_code == 200
    assert answer.json()["login"] == "hubot"
    assert answer.json()["two_factor_authentication"] is True
    assert "X-OAuth-Scopes" not in answer.headers


def test_two_factor_user_with_a_wrong_or_stale_code(api, clock):
    code = pyotp.TOTP(TOTP_SECRET).at(START)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert api.get("/user", auth=HUBOT, headers={"X-GitHub-OTP": wrong}).status_code == 401
    clock.advance(minutes=5)
    stale = api.get("/user", auth=HUBOT, headers={"X-GitHub-OTP": code})

    assert (stale.status_code, stale.json()) == (401, OTP_REQUIRED)
    assert stale.headers["X-GitHub-OTP"] == "required; app"


def test_two_factor_user_with_a_wrong_password_gets_no_otp_header(api):
    code = pyotp.TOTP(TOTP_SECRET).at(START)

    answer = api.get("/user", auth=("hubot", "nope"), headers={"X-GitHub-OTP": code})

    assert (answer.status_code, answer.json()) == (401, BAD_CREDENTIALS)
    assert "X-GitHub-OTP" not in answer.headers


def test_a_token_needs_no_second_factor(api, store):
    token = new_token(store, ["read:user"], login="hubot")

    answer = api.get("/user", headers={"Authorization": f"token {token}"})

    assert answer.status_code == 200
    assert answer.json()["login"] == "hubot"
    assert answer.headers["X-OAuth-Scopes"] == "read:user"


# ---------------------------------------------------------------- X-OAuth-Scopes


@pytest.mark.parametrize(
    ("scopes", "header"),
    [
        ([], ""),
        (["user", "read:user", "user:email", "user:follow"], "user"),
        (["user:email", "read:user"], "read:user, user:email"),
        (["public_repo", "repo", "repo:status", "repo_deployment", "repo:invite"], "repo"),
        (["repo:status", "public_repo"], "public_repo, repo:status"),
        (
            ["user:follow", "gist", "repo", "repo:invite", "admin:org"],
            "admin:org, gist, repo, user:follow",
        ),
        (["write:org", "read:org"], "read:org, write:org"),  # only user and repo collapse
    ],
)
def test_scopes_header_sorted_joined_and_collapsed(api, store, scopes, header):
    token = new_token(store, scopes)

    answer = api.get("/user", headers={"Authorization": f"token {token}"})

    assert answer.status_code == 200
    assert "X-OAuth-Scopes" in answer.headers
    assert answer.headers["X-OAuth-Scopes"] == header


def test_scopes_header_follows_a_scope_change(api, store):
    auth = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["gist"])
    answer = api.patch(
        f"/authorizations/{auth.id}", auth=OCTOCAT, json_body={"add_scopes": ["repo"]}
    )
    assert answer.status_code == 200

    after = api.get("/user", headers={"Authorization": f"token {auth.token}"})

    assert after.headers["X-OAuth-Scopes"] == "gist, repo"


# ---------------------------------------------------------------- dead or missing credentials


def test_no_credentials(api):
    answer = api.get("/user")

    assert (answer.status_code, answer.json()) == (401, REQUIRES_AUTH)


@pytest.mark.parametrize("how", ["revoked", "reset", "grant deleted", "unknown"])
def test_a_dead_token_is_bad_credentials(api, store, how):
    client = store.oauth_app(APP_CLIENT_ID)
    auth = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"])
    token = auth.token
    if how == "revoked":
        store.revoke_token(client, token)
    elif how == "reset":
        store.reset_token(client, token)
    elif how == "grant deleted":
        store.delete_grant(store.user("octocat"), store.grant_for(auth).id)
    else:
        token = "0" * 40

    for headers in ({"Authorization": f"token {token}"}, basic("octocat", token)):
        answer = api.get("/user", headers=headers)
        assert (answer.status_code, answer.json()) == (401, BAD_CREDENTIALS)
        assert "X-OAuth-Scopes" not in answer.headers


def test_a_token_with_another_users_login_is_bad_credentials(api, store):
    token = new_token(store, ["repo"], login="hubot")

    answer = api.get("/user", auth=("octocat", token))

    assert (answer.status_code, answer.json()) == (401, BAD_CREDENTIALS)


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"nobody:secret").decode(),
        "Basic " + base64.b64encode(b"octocat:wrong").decode(),
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic not*base64",
        "Basic",
        "token",
        "Digest username=octocat",
    ],
)
def test_bad_or_malformed_credentials(api, authorization):
    answer = api.get("/user", headers={"Authorization": authorization})

    assert (answer.status_code, answer.json()) == (401, BAD_CREDENTIALS)


def test_user_body_conforms_and_has_an_etag(api):
    answer = api.get("/user", auth=OCTOCAT)

    assert answer.headers["ETag"].startswith('W/"')
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.headers["X-GitHub-Enterprise-Version"] == "2.18.0"


# ---------------------------------------------------------------- /meta


def test_meta_needs_no_auth(api: Api):
    answer = api.get("/meta")

    assert answer.status_code == 200
    assert answer.content == (
        b'{"verifiable_password_authentication":true,"installed_version":"2.18.0"}'
    )
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.headers["X-GitHub-Media-Type"] == "github.v3; format=json"
    assert answer.headers["ETag"].startswith('W/"')


def test_meta_is_the_same_for_a_signed_in_user(api: Api):
    assert api.get("/meta", auth=OCTOCAT).json() == api.get("/meta").json()
