"""Edges a reviewer found: stale principals, settings surviving reset, OTP digits, log redaction."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pyotp
import pytest

from fake_ghe import Store, create_app, totp
from fake_ghe.errors import BadCredentials, NotFound

from .conftest import APP, APP_CLIENT_ID, OCTOCAT, TOTP_SECRET, app_token
from .support import in_process


def test_a_user_from_before_a_reset_is_refused_and_changes_nothing():
    store = Store()
    stale = store.add_user("octocat", "pw")
    store.reset()
    store.add_user("mallory", "pw2")  # takes id 1, the stale object's id

    with pytest.raises(BadCredentials):
        store.create_authorization(stale, note="laptop")
    with pytest.raises(BadCredentials):
        store.list_authorizations(stale, 1, 30)

    assert store.authorizations() == []
    assert store.journal.events == []


def test_an_app_from_before_a_reset_is_refused():
    store = Store()
    user = store.add_user("octocat", "pw")
    stale = store.add_app("ci", client_id="c1c1c1c1c1c1c1c1c1c1")
    token = store.add_authorization(user, stale).token
    store.reset()
    fresh_user = store.add_user("octocat", "pw")
    fresh = store.add_app("ci", client_id="c1c1c1c1c1c1c1c1c1c1")
    store.add_authorization(fresh_user, fresh, token=token)

    with pytest.raises(NotFound):
        store.revoke_token(stale, token)
    assert store.authorization_by_token(token) is not None


def test_reset_restores_the_lockout_and_totp_settings_given_to_the_constructor():
    store = Store(lockout_threshold=5, lockout_window=timedelta(minutes=5), otp_window=0)
    store.lockout_threshold, store.lockout_window, store.otp_window = 1, timedelta(days=1), 3

    store.reset()

    assert (store.lockout_threshold, store.lockout_window, store.otp_window) == (
        5,
        timedelta(minutes=5),
        0,
    )


def test_otp_codes_are_ascii_digits_only():
    start = datetime(2019, 9, 1, tzinfo=timezone.utc)
    # A moment whose code has a digit with a superscript twin (pyotp's NFKC would map it back).
    moment = next(
        start + timedelta(seconds=30 * n)
        for n in range(100)
        if set(pyotp.TOTP(TOTP_SECRET).at(start + timedelta(seconds=30 * n))) & set("123")
    )
    code = pyotp.TOTP(TOTP_SECRET).at(moment)
    disguised = code.translate(str.maketrans("123", "¹²³"))
    assert disguised != code

    assert totp.verify(TOTP_SECRET, code, moment)
    assert not totp.verify(TOTP_SECRET, disguised, moment)


def test_x_oauth_scopes_on_every_token_authenticated_answer(api, store):
    token = store.add_authorization("octocat", note="t", scopes=["user:email", "gist"]).token

    for path in ("/user", "/meta", ""):
        answer = api.get(path, headers={"Authorization": f"token {token}"})
        assert answer.status_code == 200, path
        assert answer.headers["X-OAuth-Scopes"] == "gist, user:email", path
    assert "X-OAuth-Scopes" not in api.get("/meta").headers
    assert "X-OAuth-Scopes" not in api.get("/user", auth=OCTOCAT).headers


def test_a_bug_in_the_fake_logs_the_path_with_the_token_masked(store, caplog, monkeypatch):
    flask_app = create_app(store)
    api = in_process(flask_app)
    token = app_token(api)["token"]

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "app_token", broken)
    with caplog.at_level(logging.ERROR, logger="fake_ghe"):
        answer = api.get(f"/applications/{APP_CLIENT_ID}/tokens/{token}", auth=APP)

    assert answer.status_code == 500
    assert token not in caplog.text
    assert f"/tokens/***{token[-8:]}" in caplog.text
    assert len(flask_app.extensions["fake_ghe"].errors) == 1


def test_rate_limit_headers_count_down_and_the_403_says_when_it_resets(api, store, clock):
    store.set_rate_limit(2, timedelta(minutes=1))
    reset = str(int((clock.now() + timedelta(minutes=1)).timestamp()))

    answers = [api.get("/authorizations", auth=OCTOCAT) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 403]
    assert [
        (a.headers["X-RateLimit-Limit"], a.headers["X-RateLimit-Remaining"]) for a in answers
    ] == [("2", "1"), ("2", "0"), ("2", "0")]
    assert {a.headers["X-RateLimit-Reset"] for a in answers} == {reset}
    assert answers[2].json()["message"] == "API rate limit exceeded for user ID 1."
    clock.advance(60)
    assert api.get("/authorizations", auth=OCTOCAT).headers["X-RateLimit-Remaining"] == "1"


def test_exhausting_an_unknown_login_changes_nothing(api, store):
    # Issue 11: an unknown login is a failed lookup (NotFound, a LookupError), no longer SeedError.
    with pytest.raises(NotFound, match="no user 'nobody'"):
        store.exhaust_rate_limit("nobody")

    assert "X-RateLimit-Limit" not in api.get("/authorizations", auth=OCTOCAT).headers
