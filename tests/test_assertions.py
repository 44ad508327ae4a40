"""Revocation assertions: they pass when they should, and fail in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.journal import (
    APP_GRANT_REVOKE,
    APP_RESET,
    APP_REVOKE,
    GRANT_DELETE,
    RESET,
    REVOKED,
    USER_DELETE,
)
from fake_ghe.model import Authorization, OAuthApp

START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
OCTOCAT = ("octocat", "pw")


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    with FakeGHE(frozen_at=START, seed=1).intercept() as fake:
        fake.add_user("octocat", "pw")
        fake.add_user("hubot", "pw")
        yield fake


@pytest.fixture
def ci(fake: FakeGHE) -> OAuthApp:
    return fake.add_app("ci", client_id="c1c1c1c1c1c1c1c1c1c1", client_secret="5" * 40)


def failure(check: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(AssertionError) as failed:
        check(*args, **kwargs)  # type: ignore[operator]
    return str(failed.value)


def as_app(app: OAuthApp, method: str, kind: str, token: str) -> requests.Response:
    url = f"https://ghe.example.com/api/v3/applications/{app.client_id}/{kind}/{token}"
    return requests.request(method, url, auth=(app.client_id, app.client_secret))


def test_each_way_of_revoking_passes_and_is_told_apart(fake: FakeGHE, ci: OAuthApp) -> None:
    by_user = fake.add_authorization("octocat", note="laptop")
    by_grant = fake.add_authorization("octocat", ci, note="a")
    by_app = fake.add_authorization("hubot", ci)
    by_app_grant = fake.add_authorization("hubot", ci, fingerprint="second")

    requests.delete(fake.url(f"/authorizations/{by_user.id}"), auth=OCTOCAT)
    grant_id = requests.get(fake.url("/applications/grants"), auth=OCTOCAT).json()[0]["id"]
    requests.delete(fake.url(f"/applications/grants/{grant_id}"), auth=OCTOCAT)
    assert as_app(ci, "DELETE", "tokens", by_app.token).status_code == 204
    assert as_app(ci, "DELETE", "grants", by_app_grant.token).status_code == 204

    expected = [
        (by_user, USER_DELETE, "octocat"),
        (by_grant, GRANT_DELETE, "octocat"),
        (by_app, APP_REVOKE, "app:c1c1c1c1c1c1c1c1c1c1"),
        (by_app_grant, APP_GRANT_REVOKE, "app:c1c1c1c1c1c1c1c1c1c1"),
    ]
    for auth, cause, actor in expected:
        for target in (auth, auth.id, auth.token):
            event = fake.assert_revoked(target, cause=cause, by=actor)
            assert (event.kind, event.cause, event.actor) == (REVOKED, cause, actor)
            assert event.at == START

    message = failure(fake.assert_revoked, by_grant, cause=APP_REVOKE)
    assert message.startswith(
        f"token ...{by_grant.token[-8:]} (authorization {by_grant.id}, octocat's token for "
        "OAuth app 'ci') was revoked, but not by app_revoke: it was revoked with its grant, "
        "deleted by octocat (DELETE /applications/grants/:id)."
    )
    assert "was revoked, but by octocat, not hubot" in failure(
        fake.assert_revoked, by_user, by="hubot"
    )
    with pytest.raises(ValueError, match="cause must be one of"):
        fake.assert_revoked(by_user, cause="deleted")


def test_by_names_an_app_by_its_object_or_bare_client_id_too(fake: FakeGHE, ci: OAuthApp) -> None:
    auth = fake.add_authorization("hubot", ci)
    assert as_app(ci, "DELETE", "tokens", auth.token).status_code == 204
    for by in (ci, ci.client_id, f"app:{ci.client_id}", ci.client_id.upper()):
        assert fake.assert_revoked(auth, by=by).actor == "app:c1c1c1c1c1c1c1c1c1c1"
    other = fake.add_app("other")
    assert "but by app:c1c1c1c1c1c1c1c1c1c1, not app:" + other.client_id in failure(
        fake.assert_revoked, auth, by=other
    )
    assert "not hubot" in failure(fake.assert_revoked, auth, by="hubot")


def test_assert_revoked_on_a_live_token_says_whose_it_is_and_its_history(
    fake: FakeGHE, ci: OAuthApp
) -> None:
    auth = fake.add_authorization("octocat", ci, scopes=["repo"])
    fake.clock.advance(minutes=5)
    requests.patch(fake.url(f"/authorizations/{auth.id}"), auth=OCTOCAT, json={"note": "x"})
    assert failure(fake.assert_revoked, auth.token) == (
        f"token ...{auth.token[-8:]} (authorization {auth.id}, octocat's token for OAuth app "
        "'ci') was not revoked: it is still live.\n"
        "What happened to it:\n"
        "  2019-09-01T12:00:00Z  created by seed\n"
        "  2019-09-01T12:05:00Z  updated by octocat"
    )


def test_a_reset_revokes_the_old_value_but_not_its_authorization(
    fake: FakeGHE, ci: OAuthApp
) -> None:
    # Issue 11: a reset revokes the old value (it no longer works); before, assert_revoked(old)
    # failed with "it was reset and lives on" and cause="app_reset" was a ValueError.
    auth = fake.add_authorization("octocat", ci)
    old = auth.token
    new = as_app(ci, "POST", "tokens", old).json()["token"]
    for by in (ci, ci.client_id, f"app:{ci.client_id}"):
        event = fake.assert_revoked(old, cause=APP_RESET, by=by)
        assert (event.kind, event.cause, event.actor) == (RESET, APP_RESET, f"app:{ci.client_id}")
    assert fake.assert_revoked(old).token_last_eight == new[-8:]
    fake.assert_not_revoked(new)
    # The authorization itself is alive; the old value is not.
    fake.assert_not_revoked(auth)
    fake.assert_not_revoked(auth.id)
    message = failure(fake.assert_revoked, auth)
    assert f"was not revoked: it is still live, reset to token ...{new[-8:]}." in message
    message = failure(fake.assert_not_revoked, old)
    assert message.startswith(
        f"token ...{old[-8:]} (authorization {auth.id}, octocat's token for OAuth app 'ci') "
        "was revoked: reset by the app app:c1c1c1c1c1c1c1c1c1c1 "
        f"(POST /applications/:client_id/tokens/:token); its token is now ...{new[-8:]}, "
        "at 2019-09-01T12:00:00Z."
    )
    # The full tokens never appear in a message, only their last eight.
    assert old not in message and new not in message


def test_a_wrong_cause_or_by_for_a_reset_says_what_did_happen(fake: FakeGHE, ci: OAuthApp) -> None:
    old = fake.add_authorization("octocat", ci).token
    new = as_app(ci, "POST", "tokens", old).json()["token"]
    message = failure(fake.assert_revoked, old, cause=APP_REVOKE)
    assert (
        "was revoked, but not by app_revoke: it was reset by the app app:c1c1c1c1c1c1c1c1c1c1 "
        f"(POST /applications/:client_id/tokens/:token); its token is now ...{new[-8:]}."
    ) in message
    message = failure(fake.assert_revoked, old, cause=APP_RESET, by="octocat")
    assert "was revoked, but by app:c1c1c1c1c1c1c1c1c1c1, not octocat." in message
    other = fake.add_app("other")
    assert f"not app:{other.client_id}" in failure(fake.assert_revoked, old, by=other)
    # A known cause that is not a revocation's fails as an assertion too, saying what happened.
    assert "but not by web_flow: it was reset" in failure(
        fake.assert_revoked, old, cause="web_flow"
    )
    # A new value that is later revoked is told apart from the old one.
    assert as_app(ci, "DELETE", "tokens", new).status_code == 204
    assert fake.assert_revoked(new, cause=APP_REVOKE).kind == REVOKED
    assert fake.assert_revoked(old, cause=APP_RESET).kind == RESET
    with pytest.raises(ValueError, match=r"cause must be one of .*app_reset.*; not 'reset'"):
        fake.assert_revoked(old, cause="reset")


def test_assert_not_revoked(fake: FakeGHE) -> None:
    keep = fake.add_authorization("octocat", note="keep")
    gone = fake.add_authorization("octocat", note="gone")
    requests.delete(fake.url(f"/authorizations/{gone.id}"), auth=OCTOCAT)
    fake.assert_not_revoked(keep)
    fake.assert_not_revoked(keep.token)
    message = failure(fake.assert_not_revoked, gone.token)
    assert message.startswith(
        f"token ...{gone.token[-8:]} (authorization {gone.id}, octocat's personal access token) "
        f"was revoked: deleted by octocat (DELETE /authorizations/{gone.id}), "
        "at 2019-09-01T12:00:00Z."
    )


def test_unknown_targets_are_reported_as_such(fake: FakeGHE) -> None:
    message = failure(fake.assert_revoked, "f" * 40)
    assert message == (
        "token ...ffffffff is unknown to this fake: no authorization ever had it "
        "(a token of another fake, or a typo?)."
    )
    assert "authorization 99 is unknown to this fake" in failure(fake.assert_not_revoked, 99)
    with pytest.raises(TypeError, match="Authorization, its id or a token"):
        fake.assert_revoked(3.5)  # type: ignore[arg-type]


def test_assert_all_revoked_lists_the_survivors(fake: FakeGHE, ci: OAuthApp) -> None:
    personal = fake.add_authorization("octocat", note="laptop")
    kept = fake.add_authorization("octocat", ci)
    revoked = fake.add_authorization("octocat", ci, fingerprint="fp")
    fake.add_authorization("hubot", ci)
    requests.delete(fake.url(f"/authorizations/{revoked.id}"), auth=OCTOCAT)

    fake.clock.advance(minutes=5)
    requests.patch(fake.url(f"/authorizations/{kept.id}"), auth=OCTOCAT, json={"note": "x"})

    assert failure(fake.assert_all_revoked, user="octocat").splitlines() == [
        "2 of 3 tokens of octocat were not revoked:",
        f"  token ...{personal.token[-8:]} (authorization {personal.id}, octocat's personal "
        "access token): it is still live",
        "    2019-09-01T12:00:00Z  created by seed",
        f"  token ...{kept.token[-8:]} (authorization {kept.id}, octocat's token for OAuth app "
        "'ci'): it is still live",
        "    2019-09-01T12:00:00Z  created by seed",
        "    2019-09-01T12:05:00Z  updated by octocat",
        "Revoked as expected:",
        f"  token ...{revoked.token[-8:]} (authorization {revoked.id}, octocat's token for OAuth "
        "app 'ci'): 2019-09-01T12:00:00Z  deleted by octocat "
        f"(DELETE /authorizations/{revoked.id})",
    ]

    # Narrowed to the app, by object, client_id or name.
    for app in (ci, ci.client_id, "ci"):
        assert failure(fake.assert_all_revoked, user="octocat", app=app).startswith(
            "1 of 2 tokens of octocat for app 'ci' was not revoked:"
        )
    requests.delete(fake.url(f"/authorizations/{kept.id}"), auth=OCTOCAT)
    events = fake.assert_all_revoked(user="octocat", app=ci)
    assert [event.authorization_id for event in events] == [kept.id, revoked.id]


def test_assert_all_revoked_over_everyone_or_one_app(fake: FakeGHE, ci: OAuthApp) -> None:
    tokens = [fake.add_authorization(login, ci) for login in ("octocat", "hubot")]
    assert as_app(ci, "DELETE", "tokens", tokens[0].token).status_code == 204
    assert failure(fake.assert_all_revoked, app=ci).startswith(
        "1 of 2 tokens for app 'ci' was not revoked:"
    )
    assert as_app(ci, "DELETE", "tokens", tokens[1].token).status_code == 204
    fake.assert_all_revoked(app=ci)
    fake.assert_all_revoked()


def test_assert_all_revoked_refuses_to_pass_on_nothing(fake: FakeGHE, ci: OAuthApp) -> None:
    assert failure(fake.assert_all_revoked, user="nobody") == (
        "no token of nobody ever existed in this fake, so none could be revoked "
        "(check the login and the app)."
    )
    fake.add_authorization("octocat")
    assert "no token of octocat for app 'ci' ever existed" in failure(
        fake.assert_all_revoked, user="octocat", app=ci
    )


def test_history_of_a_token(fake: FakeGHE) -> None:
    auth: Authorization = fake.add_authorization("octocat")
    assert [event.kind for event in fake.history(auth)] == ["created"]
    assert fake.history("0" * 40) == []
