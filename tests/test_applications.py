"""/applications/{client_id}/...: an OAuth app checks, resets and revokes its own tokens.

Signed with Basic ``client_id:client_secret``; anything wrong is a plain 404, so an app
learns nothing about tokens that are not its own. [GHE_BEHAVIOR: App endpoints]
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from fake_ghe import Store

from .conftest import (
    API,
    APP,
    APP_CLIENT_ID,
    NOT_FOUND,
    OCTOCAT,
    OTHER_APP,
    OTHER_CLIENT_ID,
    app_token,
)
from .support import Api, basic

MY_APP = {"client_id": APP_CLIENT_ID, "name": "my github app", "url": "http://my-github-app.com"}
T0 = "2019-09-01T12:00:00Z"
SIMPLE_USER_KEYS = [
    "login",
    "id",
    "node_id",
    "avatar_url",
    "gravatar_id",
    "url",
    "html_url",
    "followers_url",
    "following_url",
    "gists_url",
    "starred_url",
    "subscriptions_url",
    "organizations_url",
    "repos_url",
    "events_url",
    "received_events_url",
    "type",
    "site_admin",
]


def token_path(token: str, client_id: str = APP_CLIENT_ID) -> str:
    return f"/applications/{client_id}/tokens/{token}"


def user_status(api: Api, token: str) -> int:
    return api.get("/user", headers={"Authorization": f"token {token}"}).status_code


@pytest.fixture
def mallory(store: Store) -> tuple[str, str]:
    store.add_user("mallory", "mallory-pass")
    return ("mallory", "mallory-pass")


# ---------------------------------------------------------------- check


def test_check_returns_the_full_token_and_its_owner(api):
    created = app_token(api, scopes=["repo", "user"])
    token = created["token"]

    answer = api.get(token_path(token), auth=APP)

    assert answer.status_code == 200
    body = answer.json()
    user = body.pop("user")
    assert body == {
        "id": created["id"],
        "url": f"{API}/authorizations/{created['id']}",
        "app": MY_APP,
        "token": token,
        "hashed_token": hashlib.sha256(token.encode()).hexdigest(),
        "token_last_eight": token[-8:],
        # Unset note/note_url/fingerprint are null here as everywhere (okrb18.check, 2018),
        # whatever the official description says (tests/vendor/ghes-2.18-errata.json).
        "note": None,
        "note_url": None,
        "created_at": T0,
        "updated_at": T0,
        "scopes": ["repo", "user"],
        "fingerprint": None,
    }
    assert list(user) == SIMPLE_USER_KEYS
    assert user["login"] == "octocat"
    assert user["id"] == 1
    assert user["url"] == f"{API}/users/octocat"
    assert user["type"] == "User"
    assert user["site_admin"] is False


def test_check_shows_set_note_and_fingerprint_as_given(api):
    token = app_token(api, note="ci", note_url="https://ci.example.com", fingerprint="fp1")["token"]

    body = api.get(token_path(token), auth=APP).json()

    assert (body["note"], body["note_url"], body["fingerprint"]) == (
        "ci",
        "https://ci.example.com",
        "fp1",
    )


def test_check_changes_nothing(api, clock):
    created = app_token(api)
    clock.advance(300)

    api.get(token_path(created["token"]), auth=APP)

    after = api.get(f"/authorizations/{created['id']}", auth=OCTOCAT).json()
    assert after["updated_at"] == T0
    assert user_status(api, created["token"]) == 200


# ---------------------------------------------------------------- reset


def test_reset_rotates_the_token_in_place(api, clock):
    created = app_token(api, scopes=["repo"], note="ci")
    old = created["token"]
    clock.advance(3600)

    answer = api.post(token_path(old), auth=APP)

    assert answer.status_code == 200
    body = answer.json()
    new = body["token"]
    assert len(new) == 40 and new != old
    assert body["id"] == created["id"]
    assert body["url"] == created["url"]
    assert body["hashed_token"] == hashlib.sha256(new.encode()).hexdigest()
    assert body["hashed_token"] != created["hashed_token"]
    assert body["token_last_eight"] == new[-8:]
    assert body["created_at"] == T0
    assert body["updated_at"] == "2019-09-01T13:00:00Z"
    assert (body["scopes"], body["note"]) == (["repo"], "ci")
    assert body["user"]["login"] == "octocat"


def test_reset_kills_the_old_token_at_once_and_the_new_one_works(api):
    created = app_token(api, scopes=["user"])
    old = created["token"]
    new = api.post(token_path(old), auth=APP).json()["token"]

    checked_old = api.get(token_path(old), auth=APP)
    assert (checked_old.status_code, checked_old.json()) == (404, NOT_FOUND)
    assert user_status(api, old) == 401
    assert api.post(token_path(old), auth=APP).status_code == 404

    assert user_status(api, new) == 200
    assert api.get(token_path(new), auth=APP).json()["token"] == new
    owner_view = api.get(f"/authorizations/{created['id']}", auth=OCTOCAT).json()
    assert owner_view["token"] == ""
    assert owner_view["token_last_eight"] == new[-8:]


def test_reset_moves_the_grants_updated_at(api, clock):
    token = app_token(api)["token"]
    clock.advance(90)

    api.post(token_path(token), auth=APP)

    grant = api.get("/applications/grants/1", auth=OCTOCAT).json()
    assert (grant["created_at"], grant["updated_at"]) == (T0, "2019-09-01T12:01:30Z")


# ---------------------------------------------------------------- revoke


def test_revoke_deletes_the_authorization(api):
    created = app_token(api)
    token = created["token"]

    answer = api.delete(token_path(token), auth=APP)

    assert answer.status_code == 204
    assert answer.content == b""
    for method in ("GET", "DELETE"):
        gone = api.request(method, f"/authorizations/{created['id']}", auth=OCTOCAT)
        assert (gone.status_code, gone.json()) == (404, NOT_FOUND)
    assert api.get(token_path(token), auth=APP).status_code == 404
    assert user_status(api, token) == 401
    assert api.get("/authorizations", auth=OCTOCAT).json() == []


def test_revoke_leaves_the_users_other_tokens_of_the_app(api):
    first = app_token(api, scopes=["repo"])
    second = app_token(api, fingerprint="two", scopes=["gist"])

    assert api.delete(token_path(first["token"]), auth=APP).status_code == 204

    assert user_status(api, second["token"]) == 200
    assert [g["scopes"] for g in api.get("/applications/grants", auth=OCTOCAT).json()] == [["gist"]]


def test_revoke_grant_revokes_all_that_users_tokens_of_the_app(api, mallory):
    mine = [app_token(api), app_token(api, fingerprint="two"), app_token(api, fingerprint="3")]
    my_other_app = app_token(api, OTHER_APP)
    theirs = app_token(api, auth=mallory)

    answer = api.delete(f"/applications/{APP_CLIENT_ID}/grants/{mine[1]['token']}", auth=APP)

    assert answer.status_code == 204
    assert answer.content == b""
    for token in mine:
        assert user_status(api, token["token"]) == 401
        assert api.get(token_path(token["token"]), auth=APP).status_code == 404
    assert user_status(api, my_other_app["token"]) == 200
    assert user_status(api, theirs["token"]) == 200
    listed = api.get("/authorizations", auth=OCTOCAT).json()
    assert [a["id"] for a in listed] == [my_other_app["id"]]
    grants = api.get("/applications/grants", auth=OCTOCAT).json()
    assert [g["app"]["client_id"] for g in grants] == [OTHER_CLIENT_ID]
    assert len(api.get("/applications/grants", auth=mallory).json()) == 1


# ---------------------------------------------------------------- every failure is 404


BAD_CREDENTIALS = {
    "no credentials": lambda token: {},
    "wrong secret": lambda token: basic(APP_CLIENT_ID, "f" * 40),
    "empty secret": lambda token: basic(APP_CLIENT_ID, ""),
    "another app's credentials": lambda token: basic(*OTHER_APP),
    "a password user's credentials": lambda token: basic(*OCTOCAT),
    "the token itself": lambda token: {"Authorization": f"token {token}"},
    "malformed basic": lambda token: {"Authorization": "Basic !!!"},
}
# Every app endpoint, the destructive ones last so a wrongly accepted call shows up in them.
ENDPOINTS = [
    ("GET", "tokens"),
    ("POST", "tokens"),
    ("DELETE", "tokens"),
    ("DELETE", "grants"),
]


def refused_everywhere(api: Api, client_id: str, token: str, **kwargs: Any) -> None:
    """Each app endpoint answers 404 Not Found for this token and these credentials."""
    for method, kind in ENDPOINTS:
        answer = api.request(method, f"/applications/{client_id}/{kind}/{token}", **kwargs)
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND), (method, kind)


@pytest.mark.parametrize("case", list(BAD_CREDENTIALS))
def test_bad_app_credentials_are_404_and_change_nothing(api, case):
    created = app_token(api)
    token = created["token"]

    refused_everywhere(api, APP_CLIENT_ID, token, headers=BAD_CREDENTIALS[case](token))

    assert user_status(api, token) == 200
    assert api.get(f"/authorizations/{created['id']}", auth=OCTOCAT).json()["updated_at"] == T0
    assert api.get(token_path(token), auth=APP).json()["token"] == token


def test_app_credentials_must_match_the_client_id_in_the_path(api):
    # OTHER_APP signs for itself but asks about APP's token under APP's path, and vice versa.
    token = app_token(api)["token"]

    refused_everywhere(api, APP_CLIENT_ID, token, auth=OTHER_APP)
    refused_everywhere(api, OTHER_CLIENT_ID, token, auth=APP)

    assert user_status(api, token) == 200


@pytest.mark.parametrize("whose", ["unknown", "another app's", "personal", "revoked"])
def test_an_app_only_reaches_its_own_live_tokens(api, whose):
    mine = app_token(api)["token"]
    other = app_token(api, OTHER_APP)["token"]
    personal = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "p"}).json()["token"]
    revoked = app_token(api, fingerprint="old")["token"]
    api.delete(token_path(revoked), auth=APP)
    token = {
        "unknown": "f" * 40,
        "another app's": other,
        "personal": personal,
        "revoked": revoked,
    }[whose]

    # The app signs correctly for its own path; only the token is wrong.
    refused_everywhere(api, APP_CLIENT_ID, token, auth=APP)

    for alive in (mine, other, personal):
        assert user_status(api, alive) == 200


def test_an_unknown_client_id_is_404(api):
    token = app_token(api)["token"]

    answer = api.get(token_path(token, "0123456789abcdef0123"), auth=("0123456789abcdef0123", "x"))

    assert (answer.status_code, answer.json()) == (404, NOT_FOUND)


def test_unsupported_method_on_an_app_path_is_404(api):
    token = app_token(api)["token"]

    for method in ("PUT", "PATCH"):
        answer = api.request(method, token_path(token), auth=APP)
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND)
    assert api.request("GET", f"/applications/{APP_CLIENT_ID}/grants/{token}", auth=APP).json() == (
        NOT_FOUND
    )
    assert user_status(api, token) == 200
