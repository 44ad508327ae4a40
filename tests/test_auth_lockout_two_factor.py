"""Signing in to the user endpoints: the failed-login lockout and two-factor codes (app and
SMS),
as GHE 2.18 answered.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fake_ghe import Store

from .auth_support import code, otp
from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    BAD_CREDENTIALS,
    HUBOT,
    LOCKED,
    MONALISA,
    OCTOCAT,
    OTP_REQUIRED,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# ---------------------------------------------------------------- failed-login lockout


def wrong_passwords(api: Any, times: int, login: str = "octocat") -> None:
    for attempt in range(times):
        answer = api.get("/authorizations", auth=(login, "wrong"))
        assert (attempt, answer.status_code, answer.json()) == (attempt, 401, BAD_CREDENTIALS)


def test_lockout_after_the_threshold_until_the_window_passes(api, store, clock):
    assert (store.lockout_threshold, store.lockout_window) == (10, timedelta(hours=1))
    wrong_passwords(api, store.lockout_threshold)

    for auth in (OCTOCAT, ("octocat", "wrong")):
        answer = api.post("/authorizations", auth=auth, json_body={"note": "x"})
        assert answer.status_code == 403
        assert answer.json() == LOCKED
    assert store.authorizations() == []
    # Other users are not affected.
    assert api.get("/authorizations", headers=otp(code()), auth=HUBOT).status_code == 200

    clock.advance(minutes=59, seconds=59)
    assert api.get("/authorizations", auth=OCTOCAT).status_code == 403
    clock.advance(seconds=1)
    answer = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "x"})
    assert answer.status_code == 201


def test_one_failure_short_of_the_threshold_still_signs_in(api, store):
    wrong_passwords(api, store.lockout_threshold - 1)
    assert api.get("/authorizations", auth=OCTOCAT).status_code == 200


def test_old_failures_fall_out_of_the_window(api, store, clock):
    wrong_passwords(api, store.lockout_threshold - 1)
    clock.advance(hours=1, seconds=1)
    wrong_passwords(api, store.lockout_threshold - 1)
    assert api.get("/authorizations", auth=OCTOCAT).status_code == 200


def test_locked_two_factor_user_gets_the_lockout_not_the_otp_challenge(api, store):
    wrong_passwords(api, store.lockout_threshold, login="hubot")
    answer = api.get("/authorizations", auth=HUBOT, headers=otp(code()))
    assert (answer.status_code, answer.json()) == (403, LOCKED)
    assert "X-GitHub-OTP" not in answer.headers


class TestConfiguredLockout:
    @pytest.fixture
    def store(self, clock):
        store = Store(seed=1, clock=clock, lockout_threshold=3, lockout_window=timedelta(minutes=5))
        store.add_user("octocat", OCTOCAT[1])
        return store

    def test_threshold_and_window_come_from_the_store(self, api, clock):
        wrong_passwords(api, 2)
        assert api.get("/authorizations", auth=OCTOCAT).status_code == 200
        wrong_passwords(api, 1)
        answer = api.get("/authorizations", auth=OCTOCAT)
        assert (answer.status_code, answer.json()) == (403, LOCKED)
        clock.advance(minutes=5)
        assert api.get("/authorizations", auth=OCTOCAT).status_code == 200


# ---------------------------------------------------------------- two-factor (TOTP app)


def test_app_2fa_user_without_a_valid_code(api, store):
    # The fixed secret and start time make these codes distinct from the current one.
    assert code() not in (code(-60), code(60), code(-3600), "000000")
    for label, headers in [
        ("none", {}),
        ("empty", otp("")),
        ("wrong", otp("000000")),
        ("letters", otp("abcdef")),
        ("short", otp(code()[:5])),
        ("padded", otp(code() + "0")),
        ("two windows ago", otp(code(-60))),
        ("two windows ahead", otp(code(60))),
        ("an hour old", otp(code(-3600))),
    ]:
        answer = api.post("/authorizations", auth=HUBOT, headers=headers, json_body={"note": "x"})
        assert (label, answer.status_code, answer.json()) == (label, 401, OTP_REQUIRED)
        assert answer.headers["X-GitHub-OTP"] == "required; app"
    assert store.authorizations() == []
    assert store.sms_codes == {}


def test_app_2fa_code_in_its_window_or_a_neighbour(api, store):
    for offset in (0, 29, -30, -1, 30, 59):
        answer = api.post(
            "/authorizations",
            auth=HUBOT,
            headers=otp(code(offset)),
            json_body={"note": f"code at {offset}"},
        )
        assert (offset, answer.status_code) == (offset, 201)
        assert "X-GitHub-OTP" not in answer.headers
    hubot = store.user("hubot").id
    assert [a.user_id for a in store.authorizations()] == [hubot] * 6


def test_a_strict_store_takes_only_the_current_window(api, store):
    store.otp_window = 0
    late = api.get("/authorizations", auth=HUBOT, headers=otp(code(-30)))
    assert (late.status_code, late.headers["X-GitHub-OTP"]) == (401, "required; app")
    assert api.get("/authorizations", auth=HUBOT, headers=otp(code(0))).status_code == 200


def test_a_code_may_be_reused_until_it_expires(api, clock):
    current = otp(code())
    for note in ("one", "two"):
        answer = api.post("/authorizations", auth=HUBOT, headers=current, json_body={"note": note})
        assert answer.status_code == 201
    clock.advance(seconds=59)  # the next window: still one window away
    assert api.get("/authorizations", auth=HUBOT, headers=current).status_code == 200
    clock.advance(seconds=1)  # two windows away
    late = api.get("/authorizations", auth=HUBOT, headers=current)
    assert late.status_code == 401
    assert late.headers["X-GitHub-OTP"] == "required; app"


def test_the_store_hands_out_the_current_code(api, store):
    answer = api.get("/authorizations", auth=HUBOT, headers=otp(store.otp("hubot")))
    assert answer.status_code == 200


# ---------------------------------------------------------------- two-factor (SMS)


def test_sms_user_is_texted_a_code_only_when_a_token_would_be_made(api, store):
    for method, path, body, sends in [
        ("POST", "/authorizations", {"note": "x"}, True),
        ("PUT", f"/authorizations/clients/{APP_CLIENT_ID}", {"client_secret": APP_SECRET}, True),
        ("PUT", f"/authorizations/clients/{APP_CLIENT_ID}/fp", {"client_secret": APP_SECRET}, True),
        ("GET", "/authorizations", None, False),
        ("GET", "/authorizations/1", None, False),
        ("PATCH", "/authorizations/1", {"note": "y"}, False),
        ("POST", "/authorizations/1", {"note": "y"}, False),  # an update: no token made
        ("DELETE", "/authorizations/1", None, False),
        ("PATCH", "/authorizations", {}, False),
        ("GET", "/applications/grants", None, False),
    ]:
        store.sms_codes.clear()
        answer = api.request(method, path, auth=MONALISA, json_body=body)
        assert (method, path, answer.status_code, answer.json()) == (
            method,
            path,
            401,
            OTP_REQUIRED,
        )
        assert answer.headers["X-GitHub-OTP"] == "required; sms"
        assert (method, path, store.sms_codes) == (
            method,
            path,
            {"monalisa": [code()]} if sends else {},
        )
    assert store.authorizations() == []


def test_sms_code_that_was_sent_then_works(api, store, clock):
    first = api.post("/authorizations", auth=MONALISA, json_body={"note": "phone"})
    assert first.status_code == 401
    (sent,) = store.sms_codes["monalisa"]

    clock.advance(seconds=20)  # the time it takes to type it in
    answer = api.post(
        "/authorizations", auth=MONALISA, headers=otp(sent), json_body={"note": "phone"}
    )
    assert answer.status_code == 201
    assert answer.json()["note"] == "phone"
    # A request that succeeded texts nothing more.
    assert store.sms_codes["monalisa"] == [sent]
    assert api.get("/authorizations", auth=MONALISA, headers=otp(sent)).status_code == 200


def test_each_failed_creation_texts_the_code_again(api, store, clock):
    api.post("/authorizations", auth=MONALISA, json_body={"note": "x"})
    clock.advance(seconds=90)
    api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}",
        auth=MONALISA,
        json_body={"client_secret": APP_SECRET},
        headers=otp("123"),
    )
    assert store.sms_codes["monalisa"] == [code(), code(90)]
