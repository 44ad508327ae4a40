"""The admin API under /_fake_ghe/: the clock, the rate limit and two-factor codes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from fake_ghe import Store, create_app
from fake_ghe.scenario import load_scenario, parse_scenario_text

from ..admin_support import OCTOCAT, SCENARIO, START, basic, post_json

# ------------------------------------------------------------------ clock


def test_clock_freeze_set_advance_unfreeze_move_the_fakes_time(client):
    assert client.get("/_fake_ghe/clock").get_json() == {
        "now": "2019-09-01T12:00:00Z",
        "frozen": True,
    }
    advanced = post_json(client, "/_fake_ghe/clock/advance", {"hours": 1, "seconds": 30})
    assert advanced.get_json() == {"now": "2019-09-01T13:00:30Z", "frozen": True}
    created = client.post("/api/v3/authorizations", headers=basic(*OCTOCAT), data='{"note": "t"}')
    assert created.get_json()["created_at"] == "2019-09-01T13:00:30Z"

    moved = post_json(client, "/_fake_ghe/clock/set", {"at": "2020-01-02T03:04:05+01:00"})
    assert moved.get_json() == {"now": "2020-01-02T02:04:05Z", "frozen": True}
    running = client.post("/_fake_ghe/clock/unfreeze")
    assert running.get_json()["frozen"] is False
    assert running.get_json()["now"].startswith("2020-01-02T02:04")
    frozen = post_json(client, "/_fake_ghe/clock/freeze", {"at": "2021-06-01T00:00:00Z"})
    assert frozen.get_json() == {"now": "2021-06-01T00:00:00Z", "frozen": True}


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/_fake_ghe/clock/set", {}, 'give the time as {"at": "2019-09-01T12:00:00Z"}'),
        ("/_fake_ghe/clock/set", {"at": "yesterday"}, "at must be an ISO 8601 time like"),
        ("/_fake_ghe/clock/freeze", {"at": 1567339200}, "at must be an ISO 8601 time string"),
        ("/_fake_ghe/clock/advance", {}, "say how far: one or more of seconds, minutes"),
        ("/_fake_ghe/clock/advance", {"secs": 5}, "unknown key 'secs'"),
        ("/_fake_ghe/clock/advance", {"seconds": "5"}, 'seconds must be a number, not "5"'),
        ("/_fake_ghe/clock/advance", {"days": 1e300}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"days": 1e12}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"days": 1e8}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"days": -20000}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"seconds": float("nan")}, "seconds must be a number"),
        ("/_fake_ghe/clock/advance", {"hours": float("inf")}, "hours must be a number"),
        ("/_fake_ghe/clock/set", {"at": "9999-12-31T23:59:59Z"}, "at must be between 1970-"),
        ("/_fake_ghe/clock/set", {"at": "0001-01-01T00:00:00+01:00"}, "at must be an ISO 8601"),
        ("/_fake_ghe/clock/freeze", {"at": "1969-12-31T23:59:59Z"}, "at must be between 1970-"),
    ],
)
def test_bad_clock_bodies_are_422_and_leave_the_clock(client, path, body, message):
    answer = post_json(client, path, body)
    assert answer.status_code == 422
    assert answer.get_json()["message"].startswith(message)
    assert client.get("/_fake_ghe/clock").get_json()["now"] == "2019-09-01T12:00:00Z"


def test_a_running_clock_refuses_a_jump_it_could_not_run_on_from():
    # 1e8 days is a valid timedelta, but now + it is not a date: the clock must not take it.
    store = Store()
    load_scenario(store, parse_scenario_text(SCENARIO))
    client = create_app(store).test_client()

    refused = post_json(client, "/_fake_ghe/clock/advance", {"days": 1e8})

    assert refused.status_code == 422
    clock = client.get("/_fake_ghe/clock")
    assert clock.status_code == 200
    assert clock.get_json()["now"][:4] == str(datetime.now(timezone.utc).year)
    assert client.get("/api/v3/user", headers=basic(*OCTOCAT)).status_code == 200


# ------------------------------------------------------------------ rate limit


def test_rate_limit_on_exhausted_and_off(client):
    auth = basic(*OCTOCAT)
    assert "X-RateLimit-Limit" not in client.get("/api/v3/authorizations", headers=auth).headers
    on = post_json(client, "/_fake_ghe/rate_limit", {"limit": 2, "window": 60})
    assert on.get_json() == {"limit": 2, "window": 60.0}
    first = client.get("/api/v3/authorizations", headers=auth)
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == (
        "2",
        "1",
    )
    client.get("/api/v3/authorizations", headers=auth)
    limited = client.get("/api/v3/authorizations", headers=auth)
    assert limited.status_code == 403
    assert limited.get_json()["message"] == "API rate limit exceeded for user ID 1."

    post_json(client, "/_fake_ghe/rate_limit", {"limit": None})
    assert client.get("/api/v3/authorizations", headers=auth).status_code == 200

    exhausted = post_json(client, "/_fake_ghe/rate_limit/exhaust", {"login": "octocat"})
    assert exhausted.get_json() == {"exhausted": "octocat"}
    assert client.get("/api/v3/authorizations", headers=auth).status_code == 403
    hubot = client.get("/api/v3/user", headers=basic("hubot", "hubot-pass"))
    assert hubot.status_code != 403


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/_fake_ghe/rate_limit", {}, 'give the limit: {"limit": 60}'),
        ("/_fake_ghe/rate_limit", {"limit": 0}, "limit must be at least 1"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 0}, "window must be a positive number"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 1e300}, "window must be a positive"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 31536001}, "window must be a positive"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 0.5}, "window must be a positive"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": float("nan")}, "window must be a number"),
        ("/_fake_ghe/rate_limit/exhaust", {"login": "nobody"}, "no user 'nobody'"),
    ],
)
def test_bad_rate_limit_bodies_are_422(client, path, body, message):
    answer = post_json(client, path, body)
    assert answer.status_code == 422
    assert answer.get_json()["message"].startswith(message)
    if path == "/_fake_ghe/rate_limit":
        user = client.get("/api/v3/user", headers=basic(*OCTOCAT))
        assert "X-RateLimit-Limit" not in user.headers


def test_a_year_long_rate_limit_window_works(client):
    on = post_json(client, "/_fake_ghe/rate_limit", {"limit": 1, "window": 365 * 24 * 3600})
    assert on.status_code == 200
    auth = basic(*OCTOCAT)
    assert client.get("/api/v3/user", headers=auth).status_code == 200
    limited = client.get("/api/v3/user", headers=auth)
    assert limited.status_code == 403
    assert limited.headers["X-RateLimit-Reset"] == str(int(START.timestamp()) + 365 * 24 * 3600)


# ------------------------------------------------------------------ two-factor


def test_otp_gives_a_working_code_and_the_codes_texted_to_an_sms_user(client):
    auth = basic("hubot", "hubot-pass")
    asked = client.post("/api/v3/authorizations", headers=auth, data='{"note": "2fa"}')
    assert asked.status_code == 401
    assert asked.headers["X-GitHub-OTP"] == "required; sms"
    otp = client.get("/_fake_ghe/otp/hubot").get_json()
    assert otp["login"] == "hubot" and otp["type"] == "sms"
    assert otp["sms_codes"] == [otp["code"]]
    created = client.post(
        "/api/v3/authorizations",
        headers={**auth, "X-GitHub-OTP": otp["code"]},
        data='{"note": "2fa"}',
    )
    assert created.status_code == 201


def test_otp_of_an_unknown_user_or_one_without_two_factor_is_404(client):
    unknown = client.get("/_fake_ghe/otp/nobody")
    assert unknown.status_code == 404 and unknown.get_json()["message"] == "no user 'nobody'"
    plain = client.get("/_fake_ghe/otp/octocat")
    assert plain.status_code == 404
    assert plain.get_json()["message"] == "user 'octocat' has no two-factor authentication"
