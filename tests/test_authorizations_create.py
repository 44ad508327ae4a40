"""POST /authorizations: personal and app tokens, as GHE 2.18 answered them.

Expected strings are spelled out from GHE_BEHAVIOR.md rather than imported from the fake, so
a wrong constant in the fake fails here instead of agreeing with itself.
"""

from __future__ import annotations

import hashlib

import pytest

from .authorizations_support import (
    INVALID_APP,
    KEYS,
    PERSONAL_APP_URL,
    PERSONAL_CLIENT_ID,
    TOKEN,
    app_token,
    error,
    failed,
    listed_ids,
    personal,
)
from .conftest import (
    API,
    APP_CLIENT_ID,
    APP_SECRET,
    OCTOCAT,
    OTHER_APP,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


STARTED = "2019-09-01T12:00:00Z"


# ---------------------------------------------------------------- POST /authorizations


def test_create_personal_token_answers_the_full_object_once(api, store):
    answer = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={"note": "deploy script", "scopes": ["repo", "gist"]},
    )

    assert answer.status_code == 201
    body = answer.json()
    assert list(body) == KEYS
    token = body["token"]
    assert TOKEN.fullmatch(token)
    assert body == {
        "id": 1,
        "url": f"{API}/authorizations/1",
        "app": {"client_id": PERSONAL_CLIENT_ID, "name": "deploy script", "url": PERSONAL_APP_URL},
        "token": token,
        "hashed_token": hashlib.sha256(token.encode()).hexdigest(),
        "token_last_eight": token[-8:],
        "note": "deploy script",
        "note_url": None,
        "created_at": STARTED,
        "updated_at": STARTED,
        "scopes": ["repo", "gist"],
        "fingerprint": None,
    }
    assert answer.headers["Location"] == f"{API}/authorizations/1"
    # The value is shown only in the 201: the store holds it, no later answer does.
    assert store.authorization(1).token == token
    fetched = api.get("/authorizations/1", auth=OCTOCAT).json()
    assert fetched["token"] == ""
    assert fetched["hashed_token"] == body["hashed_token"]
    assert api.get("/authorizations", auth=OCTOCAT).json()[0]["token"] == ""


def test_personal_token_app_url_is_its_note_url(api):
    body = personal(api, "ci", note_url="https://ci.example.com/settings")
    assert body["app"] == {
        "client_id": PERSONAL_CLIENT_ID,
        "name": "ci",
        "url": "https://ci.example.com/settings",
    }
    assert body["note_url"] == "https://ci.example.com/settings"


def test_blank_note_url_is_echoed_and_app_url_falls_back_to_the_docs_url(api):
    # github3.py and hub4j send "" and GitHub echoed it (g3py.add_scopes, 2018).
    body = personal(api, "ci", note_url="")
    assert body["note_url"] == ""
    assert body["app"]["url"] == PERSONAL_APP_URL


def test_personal_token_requires_a_note(api, store):
    for body in ({}, {"note": ""}, {"note": None}, {"scopes": ["repo"]}):
        answer = api.post("/authorizations", auth=OCTOCAT, json_body=body)
        assert (body, answer.status_code, answer.json()) == (
            body,
            422,
            failed(error("missing_field", "description")),
        )
    assert store.authorizations() == []


def test_personal_note_is_unique_per_user(api, store):
    personal(api, "laptop")
    answer = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "laptop"})
    assert answer.status_code == 422
    assert answer.json() == failed(error("already_exists", "description"))
    assert listed_ids(api) == [1]
    # Another user may use the same note.
    store.add_authorization("hubot", note="laptop")
    assert len(store.authorizations()) == 2


def test_create_app_token_with_client_credentials(api, store):
    answer = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={"client_id": APP_CLIENT_ID, "client_secret": APP_SECRET, "scopes": "user"},
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["app"] == {
        "client_id": APP_CLIENT_ID,
        "name": "my github app",
        "url": "http://my-github-app.com",
    }
    assert body["note"] is None
    assert body["note_url"] is None
    assert body["fingerprint"] is None
    assert body["scopes"] == ["user"]
    assert answer.headers["Location"] == body["url"] == f"{API}/authorizations/{body['id']}"
    assert store.authorization(body["id"]).client_id == APP_CLIENT_ID


def test_app_token_keeps_an_optional_note(api):
    body = app_token(api, note="for the CLI", note_url="https://cli.example.com")
    assert (body["note"], body["note_url"]) == ("for the CLI", "https://cli.example.com")
    # The app object is the app's, not the note's.
    assert body["app"]["name"] == "my github app"


def test_unknown_app_or_wrong_secret(api, store):
    for credentials in (
        {"client_id": APP_CLIENT_ID, "client_secret": "f" * 40},
        {"client_id": APP_CLIENT_ID, "client_secret": OTHER_APP[1]},
        {"client_id": "ffffffffffffffffffff", "client_secret": APP_SECRET},
        {"client_id": APP_CLIENT_ID},
        {"client_id": APP_CLIENT_ID, "client_secret": ""},
        {"client_secret": APP_SECRET},
        {"client_id": "", "client_secret": APP_SECRET},
        {"client_id": PERSONAL_CLIENT_ID, "client_secret": APP_SECRET},
    ):
        answer = api.post(
            "/authorizations", auth=OCTOCAT, json_body={"note": "x", "scopes": [], **credentials}
        )
        assert (credentials, answer.status_code, answer.json()) == (credentials, 422, INVALID_APP)
    assert store.authorizations() == []


@pytest.mark.parametrize("blank", ["", None])
def test_blank_client_credentials_mean_a_personal_token(api, store, blank):
    answer = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={"client_id": blank, "client_secret": blank, "note": "plain"},
    )
    assert answer.status_code == 201
    assert answer.json()["app"]["client_id"] == PERSONAL_CLIENT_ID
    assert store.authorization(answer.json()["id"]).client_id is None
    # ...and so a note is required again.
    answer = api.post(
        "/authorizations", auth=OCTOCAT, json_body={"client_id": blank, "client_secret": blank}
    )
    assert answer.status_code == 422
    assert answer.json() == failed(error("missing_field", "description"))


def test_post_always_creates(api, store):
    first = app_token(api)
    second = app_token(api)
    assert first["id"] != second["id"]
    assert first["token"] != second["token"]
    assert listed_ids(api) == [first["id"], second["id"]]
    assert len(store.authorizations()) == 2


def test_duplicate_fingerprint_for_the_same_app(api, store):
    first = app_token(api, fingerprint="laptop-1")
    assert first["fingerprint"] == "laptop-1"

    answer = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={
            "client_id": APP_CLIENT_ID,
            "client_secret": APP_SECRET,
            "fingerprint": "laptop-1",
        },
    )
    assert answer.status_code == 422
    assert answer.json() == failed(error("already_exists", "fingerprint"))
    assert listed_ids(api) == [first["id"]]

    # The same fingerprint is free for another app, another user, and personal tokens.
    assert app_token(api, OTHER_APP, fingerprint="laptop-1")["fingerprint"] == "laptop-1"
    assert personal(api, "p", fingerprint="laptop-1")["fingerprint"] == "laptop-1"
    store.add_authorization("hubot", APP_CLIENT_ID, fingerprint="laptop-1")
    assert len(store.authorizations()) == 4


def test_blank_fingerprint_is_null(api):
    assert app_token(api, fingerprint="")["fingerprint"] is None
    # Null fingerprints never collide.
    assert app_token(api, fingerprint=None)["fingerprint"] is None


def test_scopes_are_echoed_in_request_order(api, store):
    for number, (sent, echoed) in enumerate(
        [
            (["user", "repo", "gist"], ["user", "repo", "gist"]),
            (["repo", "gist", "repo", "user", "gist"], ["repo", "gist", "user"]),
            ("public_repo", ["public_repo"]),
            ([], []),
            (None, []),
        ]
    ):
        body = personal(api, f"scoped {number}", scopes=sent)
        assert (sent, body["scopes"]) == (sent, echoed)
        assert list(store.authorization(body["id"]).scopes) == echoed


def test_every_documented_scope_is_accepted(api):
    every = [
        "repo",
        "repo:status",
        "repo_deployment",
        "public_repo",
        "repo:invite",
        "admin:repo_hook",
        "write:repo_hook",
        "read:repo_hook",
        "admin:org",
        "write:org",
        "read:org",
        "admin:public_key",
        "write:public_key",
        "read:public_key",
        "admin:org_hook",
        "gist",
        "notifications",
        "user",
        "read:user",
        "user:email",
        "user:follow",
        "delete_repo",
        "write:discussion",
        "read:discussion",
        "admin:gpg_key",
        "write:gpg_key",
        "read:gpg_key",
        "site_admin",
        "admin:pre_receive_hook",
        "admin:business",
    ]
    assert personal(api, "all", scopes=every)["scopes"] == every


def test_unknown_scopes_are_refused(api, store):
    for scopes, named in [
        (["repo", "foo"], "foo"),
        (["foo", "repo", "bar", "foo"], "foo, bar"),
        ("REPO", "REPO"),
        (["write:packages"], "write:packages"),
        ([""], ""),
    ]:
        answer = api.post(
            "/authorizations", auth=OCTOCAT, json_body={"note": "x", "scopes": scopes}
        )
        assert (scopes, answer.status_code, answer.json()) == (
            scopes,
            422,
            failed(error("custom", "scopes", f"scopes are invalid: {named}")),
        )
    assert store.authorizations() == []


def test_seeded_token_hash_matches_the_recorded_example(api, store):
    # The 2.18 docs' sample pair: hashed_token is the SHA-256 of the token.
    assert hashlib.sha256(b"abcdefgh12345678").hexdigest() == (
        "25f94a2a5c7fbaf499c665bc73d67c1c87e496da8985131633ee0a95819db2e8"
    )
    token = "0123456789abcdef0123456789abcdef12345678"  # seeded tokens look like GHE's own
    seeded = store.add_authorization("octocat", note="seeded", token=token)
    answer = api.get(f"/authorizations/{seeded.id}", auth=OCTOCAT)
    assert answer.status_code == 200
    body = answer.json()
    assert body["hashed_token"] == hashlib.sha256(token.encode()).hexdigest()
    assert body["token_last_eight"] == "12345678"
    assert body["token"] == ""
