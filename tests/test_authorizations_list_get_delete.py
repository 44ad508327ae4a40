"""GET and DELETE /authorizations[/:id], and another user's tokens, as GHE 2.18 answered them.

Expected strings are spelled out from GHE_BEHAVIOR.md rather than imported from the fake, so
a wrong constant in the fake fails here instead of agreeing with itself.
"""

from __future__ import annotations

import pytest

from .authorizations_support import KEYS, PERSONAL_CLIENT_ID, app_token, listed_ids, personal
from .conftest import (
    APP_CLIENT_ID,
    NOT_FOUND,
    OCTOCAT,
    OTHER_APP,
    OTHER_CLIENT_ID,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# ---------------------------------------------------------------- GET


def test_list_is_grouped_by_application_ascending_within_a_group(api, store):
    ids = [
        personal(api, "one")["id"],
        app_token(api)["id"],
        personal(api, "two")["id"],
        app_token(api, OTHER_APP)["id"],
        app_token(api)["id"],
        personal(api, "three")["id"],
    ]
    store.add_authorization("hubot", APP_CLIENT_ID)  # not octocat's: never listed

    answer = api.get("/authorizations", auth=OCTOCAT)
    assert answer.status_code == 200
    items = answer.json()
    assert [item["id"] for item in items] == [ids[0], ids[2], ids[5], ids[1], ids[4], ids[3]]
    assert [item["app"]["client_id"] for item in items] == [PERSONAL_CLIENT_ID] * 3 + [
        APP_CLIENT_ID,
        APP_CLIENT_ID,
        OTHER_CLIENT_ID,
    ]
    assert {item["token"] for item in items} == {""}
    assert all(list(item) == KEYS for item in items)


def test_list_is_empty_for_a_user_without_tokens(api):
    answer = api.get("/authorizations", auth=OCTOCAT)
    assert answer.status_code == 200
    assert answer.content == b"[]"


def test_get_one_authorization(api):
    created = app_token(api, scopes=["repo"], fingerprint="fp", note="n")
    answer = api.get(f"/authorizations/{created['id']}", auth=OCTOCAT)
    assert answer.status_code == 200
    assert answer.json() == {**created, "token": ""}


def test_non_integer_or_unknown_ids_are_not_found(api):
    personal(api)
    for path in ("abc", "1.0", "-1", "0", "01x", "1e3", "%20", "99999999999999999999"):
        for method in ("GET", "PATCH", "POST", "DELETE"):
            answer = api.request(method, f"/authorizations/{path}", auth=OCTOCAT, json_body={})
            assert (method, path, answer.status_code, answer.json()) == (
                method,
                path,
                404,
                NOT_FOUND,
            )
    assert listed_ids(api) == [1]


# ---------------------------------------------------------------- DELETE


def test_delete_then_the_id_is_gone(api, store):
    keep = personal(api, "keep")
    gone = personal(api, "gone")

    answer = api.delete(f"/authorizations/{gone['id']}", auth=OCTOCAT)
    assert answer.status_code == 204
    assert answer.content == b""
    # As recorded in 2018 (okrb18.delete, g3py.delete).
    assert answer.headers["Content-Type"] == "application/octet-stream"

    assert store.authorization(gone["id"]) is None
    assert store.authorization_by_token(gone["token"]) is None
    assert listed_ids(api) == [keep["id"]]
    for method in ("GET", "DELETE", "PATCH"):
        again = api.request(method, f"/authorizations/{gone['id']}", auth=OCTOCAT, json_body={})
        assert (method, again.status_code, again.json()) == (method, 404, NOT_FOUND)
    # The note is free again.
    assert personal(api, "gone")["id"] > gone["id"]


# ---------------------------------------------------------------- another user's tokens


def test_another_users_authorization_is_not_found_and_untouched(api, store, clock):
    theirs = store.add_authorization("hubot", scopes=["repo"], note="hubot's", fingerprint="fp")
    before = (theirs.scopes, theirs.note, theirs.fingerprint, theirs.updated_at)
    clock.advance(minutes=1)

    path = f"/authorizations/{theirs.id}"
    for method, body in [
        ("GET", None),
        ("PATCH", {"scopes": ["user"], "note": "mine now"}),
        ("POST", {"add_scopes": ["user"]}),
        ("DELETE", None),
    ]:
        answer = api.request(method, path, auth=OCTOCAT, json_body=body)
        assert (method, answer.status_code, answer.json()) == (method, 404, NOT_FOUND)

    still = store.authorization(theirs.id)
    assert still is not None
    assert (still.scopes, still.note, still.fingerprint, still.updated_at) == before
    assert listed_ids(api) == []
    assert [event.kind for event in store.journal.events] == ["created"]
