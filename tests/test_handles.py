"""Handles are snapshots (issue 11): what the fake hands a test keeps the values it had.

Everything here goes through the public API as a test author would: ``FakeGHE`` seeded from
Python, the code under test played by ``requests`` against ``intercept()``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.errors import BadCredentials, NotFound, WrongType
from fake_ghe.model import Authorization, OAuthApp, User
from fake_ghe.store.webflow import WebFlowError

START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
ALICE = ("alice", "alice-pass")


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    with FakeGHE(frozen_at=START, lockout_threshold=3).intercept() as fake:
        fake.add_user(*ALICE, name="Alice")
        yield fake


@pytest.fixture
def app(fake: FakeGHE) -> OAuthApp:
    return fake.add_app("ci", callback_url="https://ci.example.com/callback")


def reset_token(fake: FakeGHE, app: OAuthApp, token: str) -> str:
    """What the code under test does to rotate a token: the app resets it through the API."""
    answer = requests.post(
        fake.url(f"/applications/{app.client_id}/tokens/{token}"),
        auth=(app.client_id, app.client_secret),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    new: str = answer.json()["token"]
    return new


def patch(fake: FakeGHE, auth: Authorization, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.patch(fake.url(f"/authorizations/{auth.id}"), json=body, auth=ALICE)
    assert answer.status_code == 200, answer.text
    served: dict[str, Any] = answer.json()
    return served


# ------------------------------------------------------------------ a snapshot keeps its values


def test_a_handle_keeps_its_token_after_the_app_resets_it(fake: FakeGHE, app: OAuthApp) -> None:
    a = fake.add_authorization("alice", app, scopes=["repo"])
    old = a.token
    fake.clock.advance(minutes=5)

    new = reset_token(fake, app, a.token)

    # The natural assertion about a rotation holds.
    assert new != a.token
    assert (a.token, a.token_last_eight, a.updated_at) == (old, old[-8:], START)
    # The lookups return the current state, by id and by the new value; the old value is dead.
    now = fake.authorization(a.id)
    assert now is not None
    assert (now.id, now.token, now.updated_at) == (a.id, new, START + timedelta(minutes=5))
    assert fake.authorization(new) == now
    assert fake.authorization(a.token) is None
    assert fake.authorizations(user="alice") == [now]
    # And the handle still names what was rotated, for the rotation assertions.
    fake.assert_revoked(a.token, cause="app_reset", by=app)
    fake.assert_not_revoked(new)


def test_a_second_rotation_starts_from_the_current_token(fake: FakeGHE, app: OAuthApp) -> None:
    a = fake.add_authorization("alice", app)
    first = reset_token(fake, app, a.token)
    current = fake.authorization(a.id)
    assert current is not None and current.token == first

    second = reset_token(fake, app, current.token)

    assert len({a.token, first, second}) == 3
    assert current.token == first  # the second handle is a snapshot too
    assert fake.authorization(second) == fake.authorization(a.id)
    assert fake.authorization(first) is None


def test_a_handle_keeps_its_scopes_and_note_after_an_update(fake: FakeGHE) -> None:
    a = fake.add_authorization("alice", scopes=["repo"], note="laptop", note_url="https://a.test")
    fake.clock.advance(seconds=30)

    served = patch(fake, a, {"add_scopes": ["user"], "note": "desktop"})
    assert (served["scopes"], served["note"]) == (["repo", "user"], "desktop")

    assert (a.scopes, a.note, a.note_url, a.updated_at) == (
        ("repo",),
        "laptop",
        "https://a.test",
        START,
    )
    now = fake.authorization(a.id)
    assert now is not None
    assert (now.scopes, now.note, now.note_url, now.updated_at) == (
        ("repo", "user"),
        "desktop",
        "https://a.test",
        START + timedelta(seconds=30),
    )
    assert now.token == a.token  # an update keeps the token
    assert fake.authorization(a.token) == now
    # The update is what the API lists and what a new note is checked against.
    listed = requests.get(fake.url("/authorizations"), auth=ALICE, timeout=10).json()
    assert [(item["id"], item["note"]) for item in listed] == [(a.id, "desktop")]
    again = requests.post(fake.url("/authorizations"), json={"note": "laptop"}, auth=ALICE)
    assert again.status_code == 201  # "laptop" is free again


def test_a_handle_of_a_revoked_authorization_still_reads(fake: FakeGHE, app: OAuthApp) -> None:
    a = fake.add_authorization("alice", app, scopes=["repo", "gist"], note="ci")
    answer = requests.delete(fake.url(f"/authorizations/{a.id}"), auth=ALICE, timeout=10)
    assert answer.status_code == 204

    assert fake.authorization(a.id) is None
    assert fake.authorization(a.token) is None
    assert (a.scopes, a.note, a.client_id, a.group, a.personal) == (
        ("repo", "gist"),
        "ci",
        app.client_id,
        app.client_id,
        False,
    )
    assert a.token_last_eight == a.token[-8:]
    fake.assert_revoked(a, cause="user_delete", by="alice")


def test_the_grant_of_a_handle_is_a_snapshot_too(fake: FakeGHE, app: OAuthApp) -> None:
    a = fake.add_authorization("alice", app, scopes=["repo"])
    [grant] = fake.store.grants()
    fake.clock.advance(minutes=1)

    reset_token(fake, app, a.token)

    assert grant.updated_at == START
    [now] = fake.store.grants()
    assert (now.id, now.updated_at) == (grant.id, START + timedelta(minutes=1))
    served = requests.get(fake.url(f"/applications/grants/{grant.id}"), auth=ALICE, timeout=10)
    assert served.json()["updated_at"] == "2019-09-01T12:01:00Z"


# ------------------------------------------------------------------ only the verbs change state


def test_no_field_of_a_handle_can_be_assigned(fake: FakeGHE, app: OAuthApp) -> None:
    a = fake.add_authorization("alice", app, scopes=["repo"])
    user, [grant] = fake.user("alice"), fake.store.grants()
    assert user is not None
    assert issubclass(dataclasses.FrozenInstanceError, AttributeError)
    attempts: list[tuple[object, str, object]] = [
        (a, "token", "0" * 40),
        (a, "scopes", ["site_admin"]),
        (a, "note", "mine"),
        (user, "site_admin", True),
        (user, "password", "guessed"),
        (app, "suspended", True),
        (app, "client_secret", "0" * 40),
        (grant, "updated_at", START),
    ]
    for handle, name, value in attempts:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(handle, name, value)
    # Nothing changed, as the API shows.
    body = requests.get(fake.url(f"/authorizations/{a.id}"), auth=ALICE, timeout=10).json()
    assert (body["scopes"], body["note"]) == (["repo"], None)
    assert requests.get(fake.url("/user"), auth=("alice", "guessed")).status_code == 401


def test_scopes_cannot_be_appended(fake: FakeGHE) -> None:
    a = fake.add_authorization("alice", scopes=["repo"])

    with pytest.raises(AttributeError):
        a.scopes.append("site_admin")  # type: ignore[attr-defined]

    assert a.scopes == ("repo",)
    body = requests.get(fake.url(f"/authorizations/{a.id}"), auth=ALICE, timeout=10).json()
    assert body["scopes"] == ["repo"]


def test_lists_handed_out_are_the_callers_own(fake: FakeGHE) -> None:
    a = fake.add_authorization("alice", note="laptop")
    requests.get(fake.url("/user"), auth=ALICE, timeout=10)

    fake.authorizations().clear()
    fake.users().clear()
    fake.events.clear()
    fake.calls.clear()

    assert fake.authorizations() == [a]
    assert [user.login for user in fake.users()] == ["alice"]
    assert len(fake.events) == 1 and len(fake.calls) == 1


def test_events_and_calls_are_immutable(fake: FakeGHE) -> None:
    a = fake.add_authorization("alice", note="laptop")
    requests.get(fake.url(f"/authorizations/{a.id}"), auth=ALICE, timeout=10)
    [event], [call] = fake.events, fake.calls

    with pytest.raises(AttributeError):
        event.kind = "revoked"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        call.status = 500  # type: ignore[misc]
    # Hashable: no list (or other mutable value) hides inside either.
    assert {event, call} == {fake.events[0], fake.calls[0]}
    assert (fake.events[0].kind, fake.calls[0].status) == ("created", 200)


# ------------------------------------------------------------------ users and apps


def test_failed_sign_ins_do_not_change_the_users_handle(fake: FakeGHE) -> None:
    alice = fake.user("alice")
    assert alice is not None
    for _ in range(3):
        wrong = requests.get(fake.url("/user"), auth=("alice", "wrong"), timeout=10)
        assert wrong.status_code == 401

    # Locked out: even the right password is refused, and the store says until when.
    locked = requests.get(fake.url("/user"), auth=ALICE, timeout=10)
    assert locked.status_code == 403
    assert fake.store.locked_until("alice") == START + fake.lockout_window
    assert fake.store.failed_logins("alice") == ()  # the lockout started a fresh count
    # The handle is what was handed out, and the fake's user is still that user.
    assert fake.user("alice") == alice
    assert (alice.login, alice.name) == ("alice", "Alice")
    state = requests.get(fake.root_url + "/_fake_ghe/state", timeout=10).json()
    assert [(user["login"], user["locked"]) for user in state["users"]] == [("alice", True)]

    fake.clock.advance(fake.lockout_window)
    assert fake.store.locked_until("alice") is None
    assert requests.get(fake.url("/user"), auth=ALICE, timeout=10).status_code == 200


def test_failed_sign_ins_are_counted_per_login(fake: FakeGHE) -> None:
    fake.add_user("bob", "bob-pass")
    requests.get(fake.url("/user"), auth=("alice", "wrong"), timeout=10)

    assert fake.store.failed_logins("ALICE") == (START,)
    assert fake.store.failed_logins("bob") == ()
    assert fake.store.locked_until("bob") is None
    with pytest.raises(NotFound, match="nobody"):
        fake.store.failed_logins("nobody")


def test_suspending_an_app_leaves_its_handle_and_reaches_the_web_flow(
    fake: FakeGHE, app: OAuthApp
) -> None:
    suspended = fake.suspend_app(app)

    assert (app.suspended, suspended.suspended) == (False, True)
    assert fake.oauth_app(app.client_id) == suspended
    assert fake.oauth_apps() == [suspended]
    # The old handle still names the app, and the verbs see the app as it is now.
    with pytest.raises(WebFlowError, match="suspended"):
        fake.authorize("alice", app, scopes=["repo"])
    assert fake.suspend_app("ci", suspended=False).suspended is False
    assert fake.authorize("alice", app, scopes=["repo"])
    with pytest.raises(NotFound, match="nope"):
        fake.suspend_app("nope")
    with pytest.raises(WrongType):
        fake.suspend_app(app, suspended="yes")  # type: ignore[arg-type]


def test_handles_from_before_a_reset_name_nothing_live(fake: FakeGHE, app: OAuthApp) -> None:
    alice = fake.user("alice")
    a = fake.add_authorization("alice", app)
    fake.reset()
    fake.add_user("mallory", "mallory-pass")  # takes alice's id
    again = fake.add_app(
        "ci",
        client_id=app.client_id,
        client_secret=app.client_secret,
        callback_url=app.callback_url,
    )

    assert fake.authorization(a.id) is None and fake.authorization(a.token) is None
    # Equal values, but a verb given the old handles refuses them: their ids are reused.
    assert again == app
    assert alice is not None
    with pytest.raises(BadCredentials):
        fake.authorize(alice, again)
    with pytest.raises(NotFound):
        fake.suspend_app(app)
    assert fake.oauth_app(app.client_id) == again and not again.suspended


def test_a_copied_handle_is_still_a_handle_of_the_same_app_and_user(
    fake: FakeGHE, app: OAuthApp
) -> None:
    alice = fake.user("alice")
    assert alice is not None
    copied_app, copied_alice = copy.deepcopy(app), copy.deepcopy(alice)

    assert (copied_app, copied_alice) == (app, alice)
    assert fake.suspend_app(copied_app).suspended is True
    with pytest.raises(WebFlowError, match="suspended"):
        fake.authorize(copied_alice, app)


def test_snapshots_compare_and_hash_by_value(fake: FakeGHE) -> None:
    a = fake.add_authorization("alice", scopes=["repo"])
    alice = fake.user("alice")

    assert fake.authorization(a.id) == a and hash(fake.authorization(a.id)) == hash(a)
    assert {alice, fake.user("alice")} == {alice}
    patch(fake, a, {"note": "renamed"})
    assert fake.authorization(a.id) != a
    assert isinstance(alice, User)
