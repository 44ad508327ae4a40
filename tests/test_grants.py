"""Grants: one per (user, OAuth app), made with the first token, gone with the last.

Also the user-level security rule: nobody sees or touches another user's authorizations or
grants, and an attempt answers exactly as a missing id does.
"""

from __future__ import annotations

from typing import Any

import pytest

from fake_ghe import Store

from .conftest import (
    API,
    APP_CLIENT_ID,
    BAD_CREDENTIALS,
    HUBOT,
    NOT_FOUND,
    OCTOCAT,
    OTHER_APP,
    OTHER_CLIENT_ID,
    app_token,
)
from .support import Api

MY_APP = {"client_id": APP_CLIENT_ID, "name": "my github app", "url": "http://my-github-app.com"}
OTHER = {"client_id": OTHER_CLIENT_ID, "name": "other app", "url": "http://other.example.com"}
MALLORY = ("mallory", "mallory-pass")
T0 = "2019-09-01T12:00:00Z"


def personal_token(api: Api, note: str, auth: tuple[str, str] = OCTOCAT, **fields: Any):
    answer = api.post("/authorizations", auth=auth, json_body={"note": note, **fields})
    assert answer.status_code == 201, answer
    return answer.json()


def grants_of(api: Api, auth: tuple[str, str] = OCTOCAT) -> list[dict[str, Any]]:
    answer = api.get("/applications/grants", auth=auth)
    assert answer.status_code == 200, answer
    return answer.json()


def token_works(api: Api, token: str) -> bool:
    status = api.get("/user", headers={"Authorization": f"token {token}"}).status_code
    assert status in (200, 401)
    return status == 200


@pytest.fixture
def mallory(store: Store) -> tuple[str, str]:
    """A second password-only user, to attempt what octocat's data should refuse."""
    store.add_user(*MALLORY)
    return MALLORY


# ---------------------------------------------------------------- creation and shape


def test_first_app_token_creates_a_grant_with_exact_shape(api):
    token = app_token(api, scopes=["repo", "user"])

    assert grants_of(api) == [
        {
            "id": 1,
            "url": f"{API}/applications/grants/1",
            "app": MY_APP,
            "created_at": T0,
            "updated_at": T0,
            "scopes": ["repo", "user"],
        }
    ]
    assert token["app"] == MY_APP


def test_one_grant_per_app_whose_scopes_are_the_union_in_order(api, clock):
    app_token(api, scopes=["user", "repo"])
    clock.advance(60)
    app_token(api, scopes=["gist", "repo", "read:org"], fingerprint="laptop")
    app_token(api, scopes=[], fingerprint="ci")

    [grant] = grants_of(api)
    assert grant["scopes"] == ["user", "repo", "gist", "read:org"]
    # A new token of the same app touches the grant but keeps its creation time.
    assert grant["created_at"] == T0
    assert grant["updated_at"] == "2019-09-01T12:01:00Z"


def test_personal_tokens_make_no_grant(api):
    personal_token(api, "deploy script", scopes=["repo"])
    personal_token(api, "backup", scopes=["gist"])

    assert grants_of(api) == []


def test_grant_ids_are_a_sequence_separate_from_authorization_ids(api):
    assert personal_token(api, "first")["id"] == 1
    assert personal_token(api, "second")["id"] == 2
    assert app_token(api)["id"] == 3
    assert app_token(api, OTHER_APP)["id"] == 4
    assert app_token(api, fingerprint="again")["id"] == 5

    assert [(g["id"], g["app"]["client_id"]) for g in grants_of(api)] == [
        (1, APP_CLIENT_ID),
        (2, OTHER_CLIENT_ID),
    ]


def test_each_user_gets_their_own_grant_for_the_same_app(api, mallory):
    app_token(api, scopes=["repo"])
    app_token(api, auth=mallory, scopes=["gist"])

    assert [(g["id"], g["scopes"]) for g in grants_of(api)] == [(1, ["repo"])]
    assert [(g["id"], g["scopes"]) for g in grants_of(api, mallory)] == [(2, ["gist"])]


def test_get_one_grant_matches_its_list_entry(api):
    app_token(api, scopes=["repo"])
    app_token(api, OTHER_APP, scopes=["gist"])
    listed = grants_of(api)

    for entry in listed:
        answer = api.get(f"/applications/grants/{entry['id']}", auth=OCTOCAT)
        assert answer.status_code == 200
        assert answer.json() == entry
        assert answer.headers["Last-Modified"] == "Sun, 01 Sep 2019 12:00:00 GMT"
        assert answer.headers["ETag"].startswith('W/"')


def test_grant_scopes_follow_token_updates(api):
    first = app_token(api, scopes=["repo"])
    app_token(api, scopes=["gist"], fingerprint="second")

    patched = api.patch(
        f"/authorizations/{first['id']}", auth=OCTOCAT, json_body={"scopes": ["user"]}
    )
    assert patched.status_code == 200

    assert grants_of(api)[0]["scopes"] == ["user", "gist"]


def test_grant_endpoints_take_password_basic_auth_only(api):
    token = app_token(api)["token"]

    answer = api.get("/applications/grants", headers={"Authorization": f"token {token}"})

    assert answer.status_code == 403
    assert answer.json() == {
        "message": "This API can only be accessed with username and password Basic Auth",
        "documentation_url": "https://developer.github.com/enterprise/2.18/v3/"
        "oauth_authorizations/#oauth-authorizations-api",
    }
    unauthenticated = api.get("/applications/grants/1")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["message"] == "Requires authentication"


def test_two_factor_user_lists_grants_with_a_code(api, store):
    store.add_authorization("hubot", APP_CLIENT_ID, scopes=["repo"])

    refused = api.get("/applications/grants", auth=HUBOT)
    assert refused.status_code == 401
    assert refused.headers["X-GitHub-OTP"] == "required; app"

    code = store.otp("hubot")
    answer = api.get("/applications/grants", auth=HUBOT, headers={"X-GitHub-OTP": code})
    assert answer.status_code == 200
    assert [g["scopes"] for g in answer.json()] == [["repo"]]


# ---------------------------------------------------------------- deleting a grant


def test_delete_grant_revokes_every_token_of_that_app_for_that_user(api, mallory):
    mine = [app_token(api, scopes=["repo"]), app_token(api, fingerprint="2", scopes=["gist"])]
    other_app = app_token(api, OTHER_APP, scopes=["user"])
    personal = personal_token(api, "script")
    theirs = app_token(api, auth=mallory)
    grant_id = next(g["id"] for g in grants_of(api) if g["app"] == MY_APP)

    answer = api.delete(f"/applications/grants/{grant_id}", auth=OCTOCAT)

    assert answer.status_code == 204
    assert answer.content == b""
    assert api.get(f"/applications/grants/{grant_id}", auth=OCTOCAT).status_code == 404
    for token in mine:
        gone = api.get(f"/authorizations/{token['id']}", auth=OCTOCAT)
        assert (gone.status_code, gone.json()) == (404, NOT_FOUND)
        dead = api.get("/user", headers={"Authorization": f"token {token['token']}"})
        assert (dead.status_code, dead.json()) == (401, BAD_CREDENTIALS)
    # Untouched: the other app's token, the personal token, another user's token of the app.
    assert token_works(api, other_app["token"])
    assert token_works(api, personal["token"])
    assert token_works(api, theirs["token"])
    listed = api.get("/authorizations", auth=OCTOCAT).json()
    # Personal tokens are listed first (okrb18.list_page1).
    assert [a["id"] for a in listed] == [personal["id"], other_app["id"]]
    assert [g["app"] for g in grants_of(api)] == [OTHER]
    assert [g["app"] for g in grants_of(api, mallory)] == [MY_APP]


def test_delete_grant_twice_is_404(api):
    app_token(api)
    assert api.delete("/applications/grants/1", auth=OCTOCAT).status_code == 204

    again = api.delete("/applications/grants/1", auth=OCTOCAT)

    assert (again.status_code, again.json()) == (404, NOT_FOUND)


def test_new_token_after_grant_deletion_makes_a_new_grant(api):
    app_token(api)
    api.delete("/applications/grants/1", auth=OCTOCAT)

    app_token(api, scopes=["gist"])

    assert [(g["id"], g["scopes"]) for g in grants_of(api)] == [(2, ["gist"])]


def test_grant_disappears_with_the_last_token_of_its_app(api):
    # [decision in store.py] the settings page no longer lists an app without tokens.
    first = app_token(api, scopes=["repo"])
    second = app_token(api, fingerprint="two", scopes=["gist"])

    assert api.delete(f"/authorizations/{first['id']}", auth=OCTOCAT).status_code == 204
    assert [(g["id"], g["scopes"]) for g in grants_of(api)] == [(1, ["gist"])]

    assert api.delete(f"/authorizations/{second['id']}", auth=OCTOCAT).status_code == 204
    assert grants_of(api) == []
    assert api.get("/applications/grants/1", auth=OCTOCAT).status_code == 404


# ---------------------------------------------------------------- one user, another's data


def test_another_users_grant_is_not_found_and_left_alone(api, mallory):
    token = app_token(api, scopes=["repo"])
    before = api.get("/applications/grants/1", auth=OCTOCAT).json()

    for method in ("GET", "DELETE"):
        answer = api.request(method, "/applications/grants/1", auth=mallory)
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND)
        missing = api.request(method, "/applications/grants/999", auth=mallory)
        assert missing.content == answer.content

    assert grants_of(api, mallory) == []
    assert api.get("/applications/grants/1", auth=OCTOCAT).json() == before
    assert token_works(api, token["token"])


def test_another_users_authorization_is_not_found_and_left_alone(api, mallory):
    token = app_token(api, scopes=["repo"], note="mine")
    path = f"/authorizations/{token['id']}"
    before = api.get(path, auth=OCTOCAT).json()

    attempts = [
        ("GET", None),
        ("PATCH", {"scopes": ["user"], "note": "stolen"}),
        ("POST", {"add_scopes": ["delete_repo"]}),  # POST to a resource URL is a PATCH
        ("PATCH", {"scopes": 5}),  # an invalid body must not reveal that the id exists
        ("DELETE", None),
    ]
    for method, body in attempts:
        answer = api.request(method, path, auth=mallory, json_body=body)
        missing = api.request(method, "/authorizations/999", auth=mallory, json_body=body)
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND), method
        assert answer.content == missing.content

    assert api.get("/authorizations", auth=mallory).json() == []
    assert api.get(path, auth=OCTOCAT).json() == before
    assert token_works(api, token["token"])


def test_lists_show_only_the_callers_own(api, mallory):
    app_token(api, scopes=["repo"])
    personal_token(api, "octocat's")
    theirs = app_token(api, OTHER_APP, auth=mallory)

    listed = api.get("/authorizations", auth=mallory).json()

    assert [a["id"] for a in listed] == [theirs["id"]]
    assert [g["app"] for g in grants_of(api, mallory)] == [OTHER]
