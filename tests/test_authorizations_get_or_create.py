"""PUT /authorizations/clients/:client_id[/:fingerprint], as GHE 2.18 answered it.

Expected strings are spelled out from GHE_BEHAVIOR.md rather than imported from the fake, so
a wrong constant in the fake fails here instead of agreeing with itself.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from .authorizations_support import INVALID_APP, PERSONAL_CLIENT_ID, TOKEN, app_token
from .conftest import (
    API,
    APP_CLIENT_ID,
    APP_SECRET,
    OCTOCAT,
    OTHER_APP,
    START,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# ---------------------------------------------------------------- PUT (get-or-create)


@pytest.mark.parametrize("fingerprint", [None, "abc123"])
def test_get_or_create_creates_then_returns_the_same(api, store, clock, fingerprint):
    path = f"/authorizations/clients/{APP_CLIENT_ID}"
    if fingerprint:
        path += f"/{fingerprint}"

    created = api.put(
        path,
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET, "scopes": ["repo"], "note": "first"},
    )
    assert created.status_code == 201
    body = created.json()
    assert TOKEN.fullmatch(body["token"])
    assert created.headers["Location"] == f"{API}/authorizations/{body['id']}"
    assert body["fingerprint"] == fingerprint
    assert (body["scopes"], body["note"]) == (["repo"], "first")
    assert body["app"]["client_id"] == APP_CLIENT_ID

    clock.advance(minutes=1)
    again = api.put(
        path,
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET, "scopes": ["gist"], "note": "second"},
    )
    assert again.status_code == 200
    assert "Location" not in again.headers
    assert again.json() == {**body, "token": ""}
    assert len(store.authorizations()) == 1
    assert store.authorization(body["id"]).updated_at == START


def test_get_or_create_without_fingerprint_matches_a_null_one(api):
    plain = app_token(api)
    app_token(api, fingerprint="other")
    answer = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET},
    )
    assert answer.status_code == 200
    assert answer.json()["id"] == plain["id"]
    assert answer.json()["token"] == ""


def test_get_or_create_fingerprint_in_the_body(api):
    marked = app_token(api, fingerprint="from-body")
    answer = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET, "fingerprint": "from-body"},
    )
    assert (answer.status_code, answer.json()["id"]) == (200, marked["id"])


def test_get_or_create_is_per_app_and_per_user(api, store):
    theirs = store.add_authorization("hubot", APP_CLIENT_ID, fingerprint="fp")
    mine_other_app = app_token(api, OTHER_APP, fingerprint="fp")
    answer = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}/fp",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET},
    )
    assert answer.status_code == 201
    assert answer.json()["id"] not in (theirs.id, mine_other_app["id"])


def test_get_or_create_wrong_secret(api, store):
    for client_id, body in [
        (APP_CLIENT_ID, {"client_secret": "0" * 40}),
        (APP_CLIENT_ID, {"client_secret": OTHER_APP[1]}),
        (APP_CLIENT_ID, {}),
        (APP_CLIENT_ID, {"client_secret": ""}),
        (APP_CLIENT_ID, {"client_id": APP_CLIENT_ID, "client_secret": None}),
        ("ffffffffffffffffffff", {"client_secret": APP_SECRET}),
        (PERSONAL_CLIENT_ID, {"client_secret": APP_SECRET}),
    ]:
        for path in (
            f"/authorizations/clients/{client_id}",
            f"/authorizations/clients/{client_id}/f",
        ):
            answer = api.put(path, auth=OCTOCAT, json_body=body)
            assert (path, body, answer.status_code, answer.json()) == (path, body, 422, INVALID_APP)
    assert store.authorizations() == []


def test_get_or_create_wrong_secret_does_not_reveal_an_existing_token(api):
    app_token(api, fingerprint="fp")
    answer = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}/fp",
        auth=OCTOCAT,
        json_body={"client_secret": "0" * 40},
    )
    assert answer.status_code == 422
    assert answer.json() == INVALID_APP


def test_get_or_create_is_atomic(api, store):
    """20 clients racing for the same (user, app, fingerprint) make exactly one token."""
    start = threading.Barrier(20)
    answers: list[Any] = []
    failures: list[BaseException] = []

    def claim() -> None:
        try:
            start.wait(timeout=10)
            answers.append(
                api.put(
                    f"/authorizations/clients/{APP_CLIENT_ID}/race",
                    auth=OCTOCAT,
                    json_body={"client_secret": APP_SECRET, "scopes": ["repo"]},
                )
            )
        except BaseException as error:  # surfaced below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=claim) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert sorted(answer.status_code for answer in answers) == [200] * 19 + [201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert [answer.json()["token"] != "" for answer in answers].count(True) == 1
    assert len(store.authorizations()) == 1
    assert len(store.grants()) == 1
