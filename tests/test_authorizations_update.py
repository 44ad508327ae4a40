"""PATCH /authorizations/:id (and POST to it), as GHE 2.18 answered it.

Expected strings are spelled out from GHE_BEHAVIOR.md rather than imported from the fake, so
a wrong constant in the fake fails here instead of agreeing with itself.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from .authorizations_support import (
    PERSONAL_APP_URL,
    PERSONAL_CLIENT_ID,
    UPDATE_DOCS,
    app_token,
    error,
    failed,
    personal,
)
from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    OCTOCAT,
    START,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# ---------------------------------------------------------------- PATCH


def test_patch_replaces_scopes_and_moves_updated_at(api, store, clock):
    created = personal(api, scopes=["repo", "gist"])
    clock.advance(minutes=5)

    answer = api.patch(
        f"/authorizations/{created['id']}", auth=OCTOCAT, json_body={"scopes": ["user", "gist"]}
    )

    assert answer.status_code == 200
    body = answer.json()
    assert body == {
        **created,
        "token": "",
        "scopes": ["user", "gist"],
        "updated_at": "2019-09-01T12:05:00Z",
    }
    assert "Location" not in answer.headers
    assert api.get(f"/authorizations/{created['id']}", auth=OCTOCAT).json() == body
    assert store.authorization(created["id"]).updated_at == START + timedelta(minutes=5)


def test_patch_add_scopes_appends_without_repeats(api):
    created = personal(api, scopes=["repo"])
    answer = api.patch(
        f"/authorizations/{created['id']}",
        auth=OCTOCAT,
        json_body={"add_scopes": ["gist", "repo", "user", "gist"]},
    )
    assert answer.status_code == 200
    assert answer.json()["scopes"] == ["repo", "gist", "user"]


def test_patch_remove_scopes(api):
    created = personal(api, scopes=["repo", "gist", "user"])
    answer = api.patch(
        f"/authorizations/{created['id']}",
        auth=OCTOCAT,
        json_body={"remove_scopes": ["gist", "notifications"]},
    )
    assert answer.status_code == 200
    assert answer.json()["scopes"] == ["repo", "user"]


def test_patch_single_string_scope(api):
    created = personal(api, scopes=["repo"])
    answer = api.patch(
        f"/authorizations/{created['id']}", auth=OCTOCAT, json_body={"add_scopes": "gist"}
    )
    assert answer.json()["scopes"] == ["repo", "gist"]


def test_patch_more_than_one_scope_operation(api, store, clock):
    created = personal(api, scopes=["repo", "gist"])
    clock.advance(60)
    # [decision] The docs allow one at a time without recording GHE's body.
    expected = failed(
        error(
            "custom",
            "scopes",
            "Only one of scopes, add_scopes or remove_scopes may be given at a time",
        ),
        docs=UPDATE_DOCS,
    )
    for body in (
        {"scopes": ["repo"], "add_scopes": ["gist"]},
        {"scopes": ["repo"], "remove_scopes": ["gist"]},
        {"add_scopes": ["repo"], "remove_scopes": ["gist"]},
        {"scopes": [], "add_scopes": [], "remove_scopes": []},
        {"scopes": None, "add_scopes": None},
    ):
        answer = api.patch(f"/authorizations/{created['id']}", auth=OCTOCAT, json_body=body)
        assert (body, answer.status_code, answer.json()) == (body, 422, expected)
    after = api.get(f"/authorizations/{created['id']}", auth=OCTOCAT).json()
    assert after == {**created, "token": ""}


def test_patch_unknown_scopes(api, clock):
    created = personal(api, scopes=["repo"])
    clock.advance(60)
    expected = failed(error("custom", "scopes", "scopes are invalid: bogus"), docs=UPDATE_DOCS)
    for key in ("scopes", "add_scopes", "remove_scopes"):
        answer = api.patch(
            f"/authorizations/{created['id']}", auth=OCTOCAT, json_body={key: ["gist", "bogus"]}
        )
        assert (key, answer.status_code, answer.json()) == (key, 422, expected)
    assert api.get(f"/authorizations/{created['id']}", auth=OCTOCAT).json() == {
        **created,
        "token": "",
    }


def test_patch_note_note_url_and_fingerprint(api, store):
    created = personal(api, "old name")
    answer = api.patch(
        f"/authorizations/{created['id']}",
        auth=OCTOCAT,
        json_body={"note": "new name", "note_url": "https://n.example.com", "fingerprint": "f1"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["note"], body["note_url"], body["fingerprint"]) == (
        "new name",
        "https://n.example.com",
        "f1",
    )
    # A personal token's app follows its note and note_url.
    assert body["app"] == {
        "client_id": PERSONAL_CLIENT_ID,
        "name": "new name",
        "url": "https://n.example.com",
    }
    # The old name is free again; the new one is taken.
    assert personal(api, "old name")["note"] == "old name"
    taken = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "new name"})
    assert taken.json() == failed(error("already_exists", "description"))

    cleared = api.patch(
        f"/authorizations/{created['id']}",
        auth=OCTOCAT,
        json_body={"note_url": "", "fingerprint": None},
    ).json()
    assert (cleared["note_url"], cleared["fingerprint"]) == ("", None)
    assert cleared["app"]["url"] == PERSONAL_APP_URL
    assert cleared["note"] == "new name"


def test_patch_cannot_remove_a_personal_note(api):
    created = personal(api, "keep me")
    expected = failed(error("missing_field", "description"), docs=UPDATE_DOCS)
    for note in ("", None):
        answer = api.patch(
            f"/authorizations/{created['id']}", auth=OCTOCAT, json_body={"note": note}
        )
        assert (note, answer.status_code, answer.json()) == (note, 422, expected)
    assert api.get(f"/authorizations/{created['id']}", auth=OCTOCAT).json()["note"] == "keep me"


def test_patch_personal_note_must_stay_unique(api):
    first = personal(api, "a")
    second = personal(api, "b")
    answer = api.patch(f"/authorizations/{second['id']}", auth=OCTOCAT, json_body={"note": "a"})
    assert answer.status_code == 422
    assert answer.json() == failed(error("already_exists", "description"), docs=UPDATE_DOCS)
    # Keeping its own note is not a clash.
    same = api.patch(f"/authorizations/{first['id']}", auth=OCTOCAT, json_body={"note": "a"})
    assert same.status_code == 200
    notes = [item["note"] for item in api.get("/authorizations", auth=OCTOCAT).json()]
    assert notes == ["a", "b"]


def test_patch_app_token_note_may_be_cleared(api):
    created = app_token(api, note="temporary")
    answer = api.patch(f"/authorizations/{created['id']}", auth=OCTOCAT, json_body={"note": None})
    assert answer.status_code == 200
    assert answer.json()["note"] is None
    assert answer.json()["app"]["name"] == "my github app"


def test_patch_fingerprint_clash_and_get_or_create_follows_the_change(api):
    first = app_token(api, fingerprint="one")
    second = app_token(api, fingerprint="two")
    clash = api.patch(
        f"/authorizations/{second['id']}", auth=OCTOCAT, json_body={"fingerprint": "one"}
    )
    assert clash.status_code == 422
    assert clash.json() == failed(error("already_exists", "fingerprint"), docs=UPDATE_DOCS)

    moved = api.patch(
        f"/authorizations/{second['id']}", auth=OCTOCAT, json_body={"fingerprint": "three"}
    )
    assert moved.json()["fingerprint"] == "three"
    found = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}/three",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET},
    )
    assert (found.status_code, found.json()["id"]) == (200, second["id"])
    fresh = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}/two",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET},
    )
    assert fresh.status_code == 201
    assert fresh.json()["id"] not in (first["id"], second["id"])


def test_patch_ignores_rm_scopes_and_unknown_keys(api):
    created = personal(api, scopes=["repo"])
    answer = api.patch(
        f"/authorizations/{created['id']}",
        auth=OCTOCAT,
        json_body={"rm_scopes": ["repo"], "id": 99, "token": "x" * 40, "whatever": {"a": [1]}},
    )
    assert answer.status_code == 200
    assert answer.json()["scopes"] == ["repo"]
    assert answer.json()["id"] == created["id"]
    assert answer.json()["hashed_token"] == created["hashed_token"]


def test_post_to_an_authorization_is_a_patch(api, store, clock):
    """github3.py updates with POST, sending add_scopes and the legacy rm_scopes."""
    created = personal(api, scopes=["repo"])
    clock.advance(seconds=30)
    answer = api.post(
        f"/authorizations/{created['id']}",
        auth=OCTOCAT,
        json_body={"add_scopes": ["gist"], "rm_scopes": ["repo"], "note": "renamed"},
    )
    assert answer.status_code == 200
    assert "Location" not in answer.headers
    body = answer.json()
    assert body == {
        **created,
        "token": "",
        "scopes": ["repo", "gist"],
        "note": "renamed",
        "app": {**created["app"], "name": "renamed"},
        "updated_at": "2019-09-01T12:00:30Z",
    }
    assert len(store.authorizations()) == 1
