"""FakeGHE without pytest fixtures: the clock, lockout and OTP settings, reset, internal errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
import requests

from fake_ghe import FakeGHE, FakeServerError

from .fake_facade_support import SECRET, START, get

# ------------------------------------------------------------------ clock


def test_clock_drives_timestamps(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    auth = fake.add_authorization("octocat")
    assert auth.created_at == START
    fake.clock.advance(days=1)
    patched = requests.patch(
        fake.url(f"/authorizations/{auth.id}"), auth=("octocat", "pw"), json={"note": "renamed"}
    )
    assert patched.json()["updated_at"] == "2019-09-02T12:00:00Z"
    fake.clock.advance(timedelta(hours=1), minutes=1)
    assert fake.clock.now() == START + timedelta(days=1, hours=1, minutes=1)
    fake.clock.set(datetime(2020, 1, 1))
    assert fake.clock.now() == datetime(2020, 1, 1, tzinfo=timezone.utc)
    fake.clock.unfreeze()
    assert not fake.clock.frozen


def test_clock_takes_iso_strings_as_the_cli_and_admin_api_do(fake: FakeGHE) -> None:
    fake.clock.set("2020-01-01T00:00:00Z")
    assert fake.clock.now() == datetime(2020, 1, 1, tzinfo=timezone.utc)
    fake.clock.unfreeze()
    assert fake.clock.freeze("2019-09-01T14:00:00+02:00") == START
    assert fake.clock.now() == START
    assert FakeGHE(frozen_at="2019-09-01T12:00:00").clock.now() == START
    with pytest.raises(ValueError):
        fake.clock.set("yesterday")


def test_clock_ends_a_login_lockout(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    for _ in range(fake.store.lockout_threshold):
        assert get(fake, "/authorizations", ("octocat", "wrong")).status_code == 401
    locked = get(fake, "/authorizations", ("octocat", "pw"))
    assert locked.status_code == 403
    assert locked.json()["message"].startswith("Maximum number of login attempts exceeded")
    fake.clock.advance(hours=1, seconds=1)
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200


def test_lockout_and_otp_window_are_set_on_the_fake_and_reset_to_the_constructors(
    fake: FakeGHE,
) -> None:
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
        10,
        timedelta(hours=1),
        1,
    )
    fake.add_user("octocat", "pw")
    fake.set_lockout(2, 60)
    assert (fake.lockout_threshold, fake.lockout_window) == (2, timedelta(minutes=1))
    for _ in range(2):
        assert get(fake, "/authorizations", ("octocat", "wrong")).status_code == 401
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 403
    fake.clock.advance(seconds=61)
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200
    fake.otp_window = 0
    fake.reset()
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
        10,
        timedelta(hours=1),
        1,
    )

    strict = FakeGHE(lockout_threshold=3, lockout_window=timedelta(minutes=5), otp_window=0)
    strict.set_lockout(5)  # the window stays
    strict.reset()
    assert (strict.lockout_threshold, strict.lockout_window, strict.otp_window) == (
        3,
        timedelta(minutes=5),
        0,
    )


def test_otp_window_decides_which_codes_pass(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw", two_factor={"type": "app", "totp_secret": SECRET})
    previous = fake.otp("octocat")
    fake.clock.advance(seconds=30)

    def create() -> int:
        return requests.post(
            fake.url("/authorizations"),
            auth=("octocat", "pw"),
            headers={"X-GitHub-OTP": previous},
            json={"note": f"n{len(fake.events)}"},
        ).status_code

    assert create() == 201  # one step either side by default
    fake.otp_window = 0
    assert create() == 401


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.set_lockout(0), "lockout_threshold must be a whole number of at least 1"),
        (lambda f: f.set_lockout(3, -1), "lockout_window must be a positive"),
        (lambda f: setattr(f, "otp_window", -1), "otp_window must be a whole number"),
        (lambda f: FakeGHE(lockout_threshold=True), "lockout_threshold must be"),
    ],
)
def test_bad_lockout_and_otp_settings_are_refused(
    fake: FakeGHE, call: Callable[[FakeGHE], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(fake)
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
        10,
        timedelta(hours=1),
        1,
    )


# ------------------------------------------------------------------ reset and internal errors


def test_reset_forgets_everything_since_construction(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.add_authorization("octocat")
    fake.fail("GET", "*", 500, times=None)
    fake.exhaust_rate_limit()
    fake.clock.unfreeze()
    fake.clock.advance(days=3)
    fake.reset()
    assert fake.users() == [] and fake.events == [] and fake.faults.armed() == []
    # The fixture's fake was built with frozen_at=START: reset freezes it there again.
    assert fake.clock.frozen and fake.clock.now() == START
    fake.add_user("octocat", "pw")
    assert fake.add_authorization("octocat").id == 1
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200
    assert fake.calls[0].seq == 1


def test_an_exception_inside_the_fake_answers_500_and_check_raises_it(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_user("octocat", "pw")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("store is broken")

    monkeypatch.setattr(fake.store, "list_authorizations", broken)
    with caplog.at_level(logging.CRITICAL, logger="fake_ghe"):
        answer = get(fake, "/authorizations", ("octocat", "pw"))
    assert answer.status_code == 500
    with pytest.raises(FakeServerError, match="bug in fake-ghe") as raised:
        fake.check()
    assert [str(error) for error in raised.value.errors] == ["store is broken"]
    assert "RuntimeError: store is broken" in str(raised.value)
    assert "list_authorizations" in str(raised.value)  # the traceback is in the message
    fake.check()  # reported once


def test_an_exception_after_the_view_is_kept_too(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**fields: object) -> None:
        raise RuntimeError("journal is broken")

    monkeypatch.setattr(fake.store.journal, "call", broken)
    with caplog.at_level(logging.CRITICAL):
        assert requests.get(fake.url("/meta")).status_code == 500
    assert [str(error) for error in fake.errors] == ["journal is broken"]


def test_reset_keeps_internal_errors_for_check(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A request still running from before a reset may hit a bug; it must not vanish unseen.
    monkeypatch.setattr(fake.store, "list_authorizations", lambda *a, **k: 1 / 0)
    fake.add_user("octocat", "pw")
    with caplog.at_level(logging.CRITICAL, logger="fake_ghe"):
        assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 500
    fake.reset()
    with pytest.raises(FakeServerError, match="ZeroDivisionError"):
        fake.check()
